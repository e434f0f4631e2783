"""descent.AdaGrad and descent.RMSProp give torch.optim's trajectories (float64, random gradient sequences), under
the mapping RMSProp(beta) = torch RMSprop(alpha=beta); and eps_inside_sqrt matches a hand computation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import descent
from helpers import descent_path, torch_path

torch = pytest.importorskip("torch")


def gradient_sequence(seed, steps=40, n=5):
    """Random gradients over several scales (1e-6 … 10), so ε and the accumulator both matter."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(steps, n)) * 10.0 ** rng.uniform(-6, 1, size=(1, n))




@settings(max_examples=40)
@given(seed=st.integers(0, 10_000), lr=st.floats(1e-4, 1.0), lr_decay=st.sampled_from([0.0, 1e-3, 0.5]),
       init=st.sampled_from([0.0, 0.1, 2.0]), eps=st.sampled_from([1e-10, 1e-6]))
def test_adagrad_equals_torch(seed, lr, lr_decay, init, eps):
    grads, theta0 = gradient_sequence(seed), np.linspace(-1, 1, 5)
    ours = descent_path(descent.AdaGrad(lr=lr, eps=eps, initial_accumulator_value=init, lr_decay=lr_decay),
                        grads, theta0)
    theirs = torch_path(lambda ps: torch.optim.Adagrad(ps, lr=lr, lr_decay=lr_decay, eps=eps,
                                                       initial_accumulator_value=init), grads, theta0)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)


@settings(max_examples=40)
@given(seed=st.integers(0, 10_000), lr=st.floats(1e-4, 1.0), beta=st.sampled_from([0.0, 0.5, 0.9, 0.99, 0.999]),
       eps=st.sampled_from([1e-8, 1e-4]))
def test_rmsprop_equals_torch(seed, lr, beta, eps):
    grads, theta0 = gradient_sequence(seed), np.linspace(-1, 1, 5)
    ours = descent_path(descent.RMSProp(lr=lr, beta=beta, eps=eps), grads, theta0)
    theirs = torch_path(lambda ps: torch.optim.RMSprop(ps, lr=lr, alpha=beta, eps=eps), grads, theta0)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)


def test_defaults_are_torchs():
    grads, theta0 = gradient_sequence(3), np.zeros(5)
    for ours, theirs in [(descent.AdaGrad(), torch.optim.Adagrad), (descent.RMSProp(), torch.optim.RMSprop)]:
        np.testing.assert_allclose(descent_path(ours, grads, theta0), torch_path(theirs, grads, theta0),
                                   rtol=1e-12, atol=1e-14)


def test_rmsprop_first_step_is_ten_lr_like_torch():
    g = np.array([[1e-3, 1.0, 50.0]])
    for path in (descent_path(descent.RMSProp(lr=0.01), g, np.zeros(3)),
                 torch_path(lambda ps: torch.optim.RMSprop(ps, lr=0.01), g, np.zeros(3))):
        np.testing.assert_allclose(path[1], -0.1, rtol=1e-4)


def test_a_sweep_equals_separate_torch_runs():
    grads, theta0 = gradient_sequence(5, n=2), np.array([0.3, -0.2])
    lrs = np.array([1e-3, 1e-2, 1e-1])
    sweep = descent_path(descent.RMSProp(lr=lrs[:, None], beta=0.9), np.repeat(grads[:, None], 3, axis=1),
                         np.tile(theta0, (3, 1)))
    for i, lr in enumerate(lrs):
        theirs = torch_path(lambda ps: torch.optim.RMSprop(ps, lr=lr, alpha=0.9), grads, theta0)
        np.testing.assert_allclose(sweep[:, i], theirs, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("g, ratio_inside, ratio_outside", [(1e-4, 0.7071, 0.9999), (1e-6, 0.0100, 0.9901)])
def test_eps_placement_steady_state(g, ratio_inside, ratio_outside):
    """FACTS §1: constant |g|, ε = 1e-8: step/α in the steady state v = g² is g/√(g² + ε) vs g/(g + ε)."""
    grads = np.full((3000, 1), g)
    for inside, ratio in ((True, ratio_inside), (False, ratio_outside)):
        path = descent_path(descent.RMSProp(lr=1.0, beta=0.99, eps=1e-8, eps_inside_sqrt=inside), grads, np.zeros(1))
        np.testing.assert_allclose(path[-2, 0] - path[-1, 0], ratio, atol=1e-4)


@pytest.mark.parametrize("cls, kwargs", [(descent.RMSProp, dict(beta=0.9)), (descent.AdaGrad, {})])
def test_eps_inside_sqrt_by_hand(cls, kwargs, lr=0.1, eps=1e-3):
    grads, theta0 = gradient_sequence(11, steps=15, n=3), np.array([1.0, 0.0, -1.0])
    beta = kwargs.get("beta")
    expected, theta, acc = [theta0], theta0.copy(), np.zeros(3)
    for g in grads:
        acc = beta * acc + (1 - beta) * g * g if beta is not None else acc + g * g
        theta = theta - lr * g / np.sqrt(acc + eps)
        expected.append(theta)
    ours = descent_path(cls(lr=lr, eps=eps, eps_inside_sqrt=True, **kwargs), grads, theta0)
    np.testing.assert_allclose(ours, np.array(expected), rtol=1e-12, atol=1e-15)
