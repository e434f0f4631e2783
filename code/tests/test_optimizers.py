"""Every optimizer against an independent, scalar-by-scalar computation of its equations (FACTS.md §1)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import descent
from helpers import descent_path
from descent import buggy, schedules

RNG = np.random.default_rng(0)
GRADS = RNG.normal(size=(25, 3))  # a fixed sequence of gradients g_1..g_25 for 3 coordinates
THETA0 = np.array([0.5, -1.0, 2.0])


def run_on(opt, grads=GRADS, theta=THETA0):
    """Every iterate of `opt` fed the fixed gradient sequence `grads` (independent of θ)."""
    return descent_path(opt, grads, theta)


def by_hand(update, state, grads=GRADS, theta=THETA0):
    """Apply `update(theta_i, g_i, state_i, t) -> theta_i` coordinate by coordinate with Python floats."""
    out = [list(theta)]
    cur = list(theta)
    states = [dict(state) for _ in cur]
    for t, g in enumerate(grads, start=1):
        cur = [update(c, float(gi), s, t) for c, gi, s in zip(cur, g, states)]
        out.append(cur)
    return np.array(out)


def test_sgd():
    expected = by_hand(lambda th, g, s, t: th - 0.1 * g, {})
    np.testing.assert_allclose(run_on(descent.SGD(lr=0.1)), expected, rtol=1e-14)


def test_momentum_ewma_form():
    def update(th, g, s, t, lr=0.1, beta=0.9):
        s["v"] = beta * s["v"] + (1 - beta) * g
        return th - lr * s["v"]

    np.testing.assert_allclose(run_on(descent.Momentum(lr=0.1, beta=0.9)), by_hand(update, {"v": 0.0}), rtol=1e-13)


def test_nesterov_ewma_form():
    def update(th, g, s, t, lr=0.1, beta=0.9):
        s["v"] = beta * s["v"] + (1 - beta) * g
        return th - lr * ((1 - beta) * g + beta * s["v"])

    np.testing.assert_allclose(run_on(descent.Nesterov(lr=0.1, beta=0.9)), by_hand(update, {"v": 0.0}), rtol=1e-13)


@pytest.mark.parametrize("v0", [0.0, 1.0])
def test_heavy_ball(v0):
    def update(th, g, s, t, lr=0.05, mu=0.8):
        s["v"] = mu * s["v"] - lr * g
        return th + s["v"]

    expected = by_hand(update, {"v": v0})
    np.testing.assert_allclose(run_on(descent.HeavyBall(lr=0.05, mu=0.8, v0=v0)), expected, rtol=1e-13)


def test_ewma_momentum_equals_heavy_ball_with_scaled_lr():
    """v = βv + (1−β)g, θ −= αv  is heavy ball with lr α(1−β) and momentum β, when v₀ = 0."""
    ewma = run_on(descent.Momentum(lr=0.3, beta=0.7))
    heavy = run_on(descent.HeavyBall(lr=0.3 * (1 - 0.7), mu=0.7))
    np.testing.assert_allclose(ewma, heavy, rtol=1e-12)


@pytest.mark.parametrize("lr_decay, s0, inside", [(0.0, 0.0, False), (0.1, 0.5, False), (0.0, 0.0, True)])
def test_adagrad(lr_decay, s0, inside):
    def update(th, g, s, t, lr=0.1, eps=1e-10):
        s["s"] += g * g
        clr = lr / (1 + (t - 1) * lr_decay)
        denom = math.sqrt(s["s"] + eps) if inside else math.sqrt(s["s"]) + eps
        return th - clr * g / denom

    opt = descent.AdaGrad(lr=0.1, lr_decay=lr_decay, initial_accumulator_value=s0, eps_inside_sqrt=inside)
    np.testing.assert_allclose(run_on(opt), by_hand(update, {"s": s0}), rtol=1e-12)


@pytest.mark.parametrize("inside", [False, True])
def test_rmsprop(inside):
    def update(th, g, s, t, lr=0.01, beta=0.9, eps=1e-8):
        s["v"] = beta * s["v"] + (1 - beta) * g * g
        denom = math.sqrt(s["v"] + eps) if inside else math.sqrt(s["v"]) + eps
        return th - lr * g / denom

    opt = descent.RMSProp(lr=0.01, beta=0.9, eps_inside_sqrt=inside)
    np.testing.assert_allclose(run_on(opt), by_hand(update, {"v": 0.0}), rtol=1e-12)


def test_rmsprop_first_step_is_ten_lr():
    """No bias correction: the first step is α/√(1−β) = 10α at β = 0.99 (torch's RMSprop)."""
    step = THETA0 - descent.RMSProp(lr=0.01).step(THETA0, np.array([3.0, -0.2, 1e-3]))
    np.testing.assert_allclose(np.abs(step), 0.1, rtol=1e-4)


def adam_by_hand(variant="paper", weight_decay=0.0, decoupled=False, lr=0.05, b1=0.9, b2=0.99, eps=1e-8,
                 amsgrad=False, grads=GRADS):
    def update(th, g, s, t):
        if decoupled:
            th = th * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * th
        s["m"] = b1 * s["m"] + (1 - b1) * g
        s["v"] = b2 * s["v"] + (1 - b2) * g * g
        v = s["v_max"] = max(s["v_max"], s["v"]) if amsgrad else s["v"]
        if variant == "keras":
            lr_t = lr * math.sqrt(1 - b2**t) / (1 - b1**t)
            return th - lr_t * s["m"] / (math.sqrt(v) + eps)
        if variant == "broken":
            s["m"] /= 1 - b1**t
            s["v"] /= 1 - b2**t
            return th - lr * s["m"] / (math.sqrt(s["v"]) + eps)
        m_hat, v_hat = s["m"] / (1 - b1**t), v / (1 - b2**t)
        denom = math.sqrt(v_hat + eps) if variant == "inside" else math.sqrt(v_hat) + eps
        return th - lr * m_hat / denom

    return by_hand(update, {"m": 0.0, "v": 0.0, "v_max": 0.0}, grads)


@pytest.mark.parametrize("variant, kwargs", [
    ("paper", {}),
    ("keras", {"eps_form": "keras"}),
    ("inside", {"eps_inside_sqrt": True}),
    ("broken", {}),
])
def test_adam_and_its_opt_in_variants(variant, kwargs):
    cls = buggy.AdamWrittenBack if variant == "broken" else descent.Adam
    opt = cls(lr=0.05, beta1=0.9, beta2=0.99, **kwargs)
    np.testing.assert_allclose(run_on(opt), adam_by_hand(variant), rtol=1e-11)


@pytest.mark.parametrize("variant, kwargs", [("paper", {}), ("keras", {"eps_form": "keras"}),
                                             ("inside", {"eps_inside_sqrt": True})])
def test_amsgrad_in_each_form(variant, kwargs):
    """The running maximum of the raw v replaces v in every form (Keras's amsgrad=True does the same)."""
    grads = GRADS * np.linspace(2, 0.1, len(GRADS))[:, None]  # shrinking gradients, so the maximum matters
    opt = descent.Adam(lr=0.05, beta1=0.9, beta2=0.99, amsgrad=True, **kwargs)
    expected = adam_by_hand(variant, amsgrad=True, grads=grads)
    np.testing.assert_allclose(run_on(opt, grads), expected, rtol=1e-11)
    assert not np.allclose(run_on(descent.Adam(lr=0.05, beta1=0.9, beta2=0.99, **kwargs), grads), expected)


def test_adam_coupled_l2_and_adamw_decoupled():
    coupled = descent.Adam(lr=0.05, beta2=0.99, weight_decay=0.1)
    np.testing.assert_allclose(run_on(coupled), adam_by_hand(weight_decay=0.1), rtol=1e-11)
    decoupled = descent.AdamW(lr=0.05, beta2=0.99, weight_decay=0.1)
    np.testing.assert_allclose(run_on(decoupled), adam_by_hand(weight_decay=0.1, decoupled=True), rtol=1e-11)


def test_keras_form_is_paper_form_with_scaled_eps():
    """θ −= α√(1−β₂ᵗ)/(1−β₁ᵗ)·m/(√v + ε)  equals paper Adam with ε replaced by ε√(1−β₂ᵗ) at step t."""
    g = np.array([1e-6, 1.0, -3e-7])
    keras = descent.Adam(lr=0.1, eps_form="keras").step(THETA0, g)
    paper = descent.Adam(lr=0.1, eps=1e-8 / math.sqrt(1 - 0.999)).step(THETA0, g)
    np.testing.assert_allclose(keras, paper, rtol=1e-13)


def test_newton_solves_a_quadratic_in_one_step():
    q = descent.functions.Quadratic([[3.0, 1.0], [1.0, 2.0]], center=[1.0, -2.0])
    x = np.array([5.0, 5.0])
    np.testing.assert_allclose(descent.Newton().step(x, q.grad(x), q.hessian(x)), [1.0, -2.0], atol=1e-12)


def test_damped_newton_by_hand():
    H, g, x = np.array([[2.0, 0.5], [0.5, -1.0]]), np.array([1.0, 2.0]), np.array([0.3, 0.4])
    expected = x - 0.5 * np.linalg.solve(H + 3.0 * np.eye(2), g)
    np.testing.assert_allclose(descent.Newton(lr=0.5, damping=3.0).step(x, g, H), expected, rtol=1e-14)


def test_newton_singular_hessian_gives_nan_not_an_error():
    out = descent.Newton().step(np.zeros(2), np.ones(2), np.zeros((2, 2)))
    assert np.isnan(out).all()


OPTIMIZERS = [
    lambda lr: descent.SGD(lr=lr),
    lambda lr: descent.Momentum(lr=lr, beta=0.9),
    lambda lr: descent.Nesterov(lr=lr, beta=0.8),
    lambda lr: descent.HeavyBall(lr=lr, mu=0.5),
    lambda lr: descent.AdaGrad(lr=lr),
    lambda lr: descent.RMSProp(lr=lr),
    lambda lr: descent.Adam(lr=lr),
    lambda lr: descent.AdamW(lr=lr, weight_decay=0.1),
    lambda lr: descent.HeavyBall(lr=lr, mu=0.5, dampening=0.5, weight_decay=0.1),
    lambda lr: descent.HeavyBall(lr=lr, mu=0.5, nesterov=True, maximize=True),
    lambda lr: descent.RMSProp(lr=lr, centered=True, momentum=0.5),
    lambda lr: descent.Adam(lr=lr, amsgrad=True),
    lambda lr: descent.NAdam(lr=lr, decoupled_weight_decay=True, weight_decay=0.1),
    lambda lr: descent.RAdam(lr=lr, weight_decay=0.1),
    lambda lr: descent.Adamax(lr=lr, maximize=True),
]


@pytest.mark.parametrize("make", OPTIMIZERS)
def test_broadcast_sweep_equals_separate_runs(make):
    lrs = np.array([0.001, 0.01, 0.1, 0.5])
    rosen = descent.functions.Rosenbrock()
    x0 = np.tile([-1.2, 1.0], (4, 1))
    sweep = descent.run(make(lrs[:, None]), rosen, x0, steps=60, bound=1e12)
    for i, lr in enumerate(lrs):
        alone = descent.run(make(lr), rosen, x0[i], steps=60, bound=1e12)
        np.testing.assert_array_equal(sweep.xs[:, i], alone.xs)


@pytest.mark.parametrize("make", OPTIMIZERS)
def test_state_is_updated_in_place(make):
    opt = make(0.01)
    x = THETA0.copy()
    x = opt.step(x, GRADS[0], out=x)
    before = {k: id(v) for k, v in opt.state.items()}
    y = opt.step(x, GRADS[1], out=x)
    assert y is x
    assert {k: id(v) for k, v in opt.state.items()} == before


def test_state_counts_match_the_book():
    """State arrays per parameter: SGD 0, momentum / AdaGrad / RMSProp 1, Adam / AdamW 2, AMSGrad 3 (FACTS §1);
    centred RMSProp with momentum 3."""
    counts = [(descent.SGD(), 0), (descent.Momentum(), 1), (descent.AdaGrad(), 1), (descent.RMSProp(), 1),
              (descent.Adam(), 2), (descent.AdamW(), 2), (descent.Adam(amsgrad=True), 3), (descent.NAdam(), 2), (descent.RAdam(), 2), (descent.Adamax(), 2),
              (descent.RMSProp(centered=True, momentum=0.9), 3)]
    for opt, count in counts:
        opt.step(THETA0, GRADS[0])
        assert len(opt.state) == count, repr(opt)


def test_float32_stays_float32():
    x = np.ones(4, dtype=np.float32)
    opt = descent.Adam(lr=0.1)
    y = opt.step(x, np.ones(4, dtype=np.float32))
    assert y.dtype == np.float32 and opt.state["v"].dtype == np.float32


def test_step_does_not_modify_its_input_unless_asked():
    x = THETA0.copy()
    descent.Adam(lr=0.1).step(x, GRADS[0])
    np.testing.assert_array_equal(x, THETA0)


def test_reset_forgets_state():
    opt = descent.Adam(lr=0.1)
    first = opt.step(THETA0, GRADS[0])
    opt.step(first, GRADS[1])
    opt.reset()
    np.testing.assert_array_equal(opt.step(THETA0, GRADS[0]), first)


def test_schedule_as_lr():
    sched = schedules.InverseTime(0.1, k=0.5)
    expected = by_hand(lambda th, g, s, t: th - 0.1 / (1 + 0.5 * (t - 1)) * g, {})
    np.testing.assert_allclose(run_on(descent.SGD(lr=sched)), expected, rtol=1e-14)


@pytest.mark.parametrize("make, name, bad, allowed", [
    (lambda v: descent.SGD(lr=v), "lr", 0.0, "> 0"),
    (lambda v: descent.SGD(lr=v), "lr", -0.1, "> 0"),
    (lambda v: descent.SGD(lr=v), "lr", np.array([0.1, -1.0]), "> 0"),
    (lambda v: descent.SGD(lr=v), "lr", float("nan"), "finite"),
    (lambda v: descent.Momentum(beta=v), "beta", 1.0, "[0, 1)"),
    (lambda v: descent.Momentum(beta=v), "beta", -0.1, "[0, 1)"),
    (lambda v: descent.Adam(beta2=v), "beta2", 1.5, "[0, 1)"),
    (lambda v: descent.Adam(eps=v), "eps", 0.0, "> 0"),
    (lambda v: descent.RMSProp(eps=v), "eps", -1e-8, "> 0"),
    (lambda v: descent.AdaGrad(lr_decay=v), "lr_decay", -1.0, ">= 0"),
    (lambda v: descent.AdamW(weight_decay=v), "weight_decay", -0.01, ">= 0"),
    (lambda v: descent.Adam(eps_form=v), "eps_form", "tf", "'paper' or 'keras'"),
])
def test_bad_hyper_parameters_raise_value_error(make, name, bad, allowed):
    with pytest.raises(ValueError) as err:
        make(bad)
    assert name in str(err.value) and allowed in str(err.value)


@pytest.mark.parametrize("bad", ["0.1", None, True, [1, "a"]])
def test_non_numeric_lr_raises_type_error(bad):
    with pytest.raises(TypeError, match="lr"):
        descent.SGD(lr=bad)


def test_callable_lr_that_is_not_a_schedule_raises_type_error():
    with pytest.raises(TypeError, match="Schedule"):
        descent.SGD(lr=lambda t: 0.1)


def test_shapes_that_do_not_broadcast_raise_and_leave_the_state_alone():
    opt = descent.Adam(lr=np.full((3, 1), 0.1))
    with pytest.raises(ValueError, match=r"lr has shape \(3, 1\).*x of shape \(4, 2\)"):
        opt.step(np.zeros((4, 2)), np.ones((4, 2)))
    assert opt.t == 0 and opt.state == {}
    with pytest.raises(ValueError, match="grad must have the shape of x"):
        descent.SGD().step(np.zeros(3), np.ones(2))


def test_gradient_descent_on_a_quadratic_matches_its_closed_form():
    """On f = ½λx², GD gives x_t = (1 − αλ)ᵗ x₀."""
    traj = descent.run(descent.SGD(lr=0.3), descent.functions.Quadratic([[2.0]]), [1.0], steps=20)
    np.testing.assert_allclose(traj.xs[:, 0], 0.4 ** np.arange(21), rtol=1e-13)


finite = st.floats(-10, 10, allow_nan=False, allow_subnormal=False)
grads = st.lists(st.lists(finite.filter(lambda v: abs(v) > 1e-3), min_size=2, max_size=2), min_size=1, max_size=15)


@settings(max_examples=40, deadline=None)
@given(grads, st.floats(1e-3, 1e3))
def test_adam_and_rmsprop_are_invariant_to_gradient_scale(gs, c):
    gs = np.array(gs)
    for make in (lambda: descent.Adam(lr=0.1, eps=1e-300), lambda: descent.RMSProp(lr=0.1, eps=1e-300)):
        np.testing.assert_allclose(run_on(make(), gs, np.zeros(2)), run_on(make(), c * gs, np.zeros(2)),
                                   rtol=1e-9, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(grads)
def test_an_adam_step_is_bounded_by_about_lr(gs):
    """|Δθ| ≤ α(1−β₁)/√(1−β₂) per coordinate (Kingma & Ba 2015, §2.1); ≈ α in practice."""
    path = run_on(descent.Adam(lr=0.1), np.array(gs), np.zeros(2))
    bound = 0.1 * (1 - 0.9) / math.sqrt(1 - 0.999)
    assert np.all(np.abs(np.diff(path, axis=0)) <= bound * (1 + 1e-9))
