"""The momentum conventions of chapter 5 as formula mappings onto torch.optim.SGD (float64, random gradients):

    descent.Momentum(α, β)        == torch SGD(lr=α(1 − β), momentum=β)
    descent.Nesterov(α, β)        == torch SGD(lr=α(1 − β), momentum=β, nesterov=True)
    descent.HeavyBall(η, μ, v0=0) == torch SGD(lr=η, momentum=μ)
    descent.Momentum(α, β)        != torch SGD(lr=α, momentum=β, dampening=β)   (torch's first buffer is g₁)
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import descent
from descent import schedules
from helpers import descent_path, torch_path

torch = pytest.importorskip("torch")

RTOL, ATOL = 1e-12, 1e-13


def gradient_sequence(seed, steps=50, n=4):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(steps, n)) * 10.0 ** rng.uniform(-3, 1, size=(1, n))


THETA0 = np.array([1.0, -0.5, 2.0, 0.0])
hyper = dict(seed=st.integers(0, 10_000), lr=st.floats(1e-3, 1.0), beta=st.floats(0.0, 0.999))


@settings(max_examples=40)
@given(**hyper)
def test_momentum_equals_torch_sgd_with_lr_times_one_minus_beta(seed, lr, beta):
    grads = gradient_sequence(seed)
    ours = descent_path(descent.Momentum(lr=lr, beta=beta), grads, THETA0)
    theirs = torch_path(lambda ps: torch.optim.SGD(ps, lr=lr * (1 - beta), momentum=beta), grads, THETA0)
    np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=ATOL)


@settings(max_examples=40)
@given(**{**hyper, "beta": st.floats(0.01, 0.999)})  # torch refuses nesterov=True without momentum
def test_nesterov_equals_torch_nesterov_with_lr_times_one_minus_beta(seed, lr, beta):
    grads = gradient_sequence(seed)
    ours = descent_path(descent.Nesterov(lr=lr, beta=beta), grads, THETA0)
    theirs = torch_path(lambda ps: torch.optim.SGD(ps, lr=lr * (1 - beta), momentum=beta, nesterov=True),
                        grads, THETA0)
    np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=ATOL)


@settings(max_examples=40)
@given(**hyper)
def test_heavy_ball_with_zero_velocity_equals_torch_sgd(seed, lr, beta):
    grads = gradient_sequence(seed)
    ours = descent_path(descent.HeavyBall(lr=lr, mu=beta, v0=0.0), grads, THETA0)
    theirs = torch_path(lambda ps: torch.optim.SGD(ps, lr=lr, momentum=beta), grads, THETA0)
    np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=ATOL)


def test_heavy_ball_with_initial_velocity_is_torch_plus_a_free_flight():
    # with a fixed gradient sequence the kick v₀ only adds Σ_{s≤t} μˢ v₀ = v₀ μ(1 − μᵗ)/(1 − μ) to θ_t
    grads, lr, mu, v0 = gradient_sequence(1), 0.1, 0.9, 1.0
    ours = descent_path(descent.HeavyBall(lr=lr, mu=mu, v0=v0), grads, THETA0)
    theirs = torch_path(lambda ps: torch.optim.SGD(ps, lr=lr, momentum=mu), grads, THETA0)
    t = np.arange(len(grads) + 1)[:, None]
    np.testing.assert_allclose(ours - theirs, v0 * mu * (1 - mu**t) / (1 - mu) * np.ones(4), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("beta", [0.5, 0.9, 0.99])
def test_momentum_is_not_torch_dampening(beta):
    grads, lr = gradient_sequence(2), 0.1
    ours = descent_path(descent.Momentum(lr=lr, beta=beta), grads, THETA0)
    damp = torch_path(lambda ps: torch.optim.SGD(ps, lr=lr, momentum=beta, dampening=beta), grads, THETA0)
    # the first step already differs: torch's buffer starts at b₁ = g₁, the EWMA at v₁ = (1 − β) g₁
    np.testing.assert_allclose(damp[1], THETA0 - lr * grads[0], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(ours[1], THETA0 - lr * (1 - beta) * grads[0], rtol=RTOL, atol=ATOL)
    assert not np.allclose(ours[1:], damp[1:], rtol=1e-6)
    # exactly: torch's dampened buffer is the EWMA started from v₀ = g₁, i.e. v_t + βᵗ g₁
    t = np.arange(1, len(grads) + 1)[:, None]
    v_ewma = -np.diff(ours, axis=0) / lr
    v_damp = -np.diff(damp, axis=0) / lr
    np.testing.assert_allclose(v_damp, v_ewma + beta**t * grads[0], rtol=1e-9, atol=1e-10)


def test_with_a_schedule_momentum_still_maps_to_torch_but_the_velocity_form_does_not():
    grads, beta = gradient_sequence(3), 0.9
    sched = schedules.Step(0.2, gamma=0.1, step_size=20)
    lrs = sched(np.arange(len(grads)))
    ours = descent_path(descent.Momentum(lr=sched, beta=beta), grads, THETA0)
    theirs = torch_path(lambda ps: torch.optim.SGD(ps, lr=1.0, momentum=beta), grads, THETA0, lrs=lrs * (1 - beta))
    np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=ATOL)
    velocity_form = descent_path(descent.HeavyBall(lr=schedules.Step(0.2 * (1 - beta), 0.1, 20), mu=beta),
                                 grads, THETA0)
    np.testing.assert_allclose(velocity_form[:21], theirs[:21], rtol=RTOL, atol=ATOL)
    assert not np.allclose(velocity_form[21:], theirs[21:], rtol=1e-3)
