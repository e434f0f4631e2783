"""The deliberately broken optimizers of descent.buggy against hand computations of their (wrong) equations."""

import numpy as np
import pytest

import descent
from helpers import descent_path
from descent import buggy, functions

RNG = np.random.default_rng(1)
GRADS = RNG.normal(size=(30, 3))
THETA0 = np.array([0.5, -1.0, 2.0])


def run_on(opt, grads=GRADS, theta=THETA0):
    """Every iterate of `opt` fed the fixed gradient sequence `grads` (independent of θ)."""
    return descent_path(opt, grads, theta)


def by_hand(update, grads=GRADS, theta=THETA0):
    """Apply `update(theta, g, state) -> theta` with Python floats, one coordinate at a time."""
    columns = []
    for i, th in enumerate(theta):
        state, path = {"s": 0.0}, [float(th)]
        for g in grads[:, i]:
            path.append(update(path[-1], float(g), state))
        columns.append(path)
    return np.array(columns).T


@pytest.mark.parametrize("lr", [1e-3, 0.1, 2.0])
def test_adagrad_lr_in_accumulator_by_hand(lr, eps=1e-10):
    def update(th, g, s):
        s["s"] += lr * g * g
        return th - lr * g / (s["s"] ** 0.5 + eps)

    np.testing.assert_allclose(run_on(buggy.AdaGradLrInAccumulator(lr=lr)), by_hand(update), rtol=1e-12)


@pytest.mark.parametrize("lr", [1e-4, 0.01, 0.5])
def test_adagrad_lr_in_accumulator_is_adagrad_with_sqrt_lr(lr, eps=1e-10):
    """The exact identity behind the symptom: the bug with (α, ε) is correct AdaGrad with (√α, ε/√α)."""
    np.testing.assert_allclose(run_on(buggy.AdaGradLrInAccumulator(lr=lr, eps=eps)),
                               run_on(descent.AdaGrad(lr=lr**0.5, eps=eps / lr**0.5)), rtol=1e-12)


@pytest.mark.parametrize("beta", [0.9, 0.99])
def test_rmsprop_accumulating_denominator_by_hand(beta, lr=0.01, eps=1e-8):
    def update(th, g, s):
        s["s"] += beta * s["s"] + (1 - beta) * g * g
        return th - lr * g / (s["s"] ** 0.5 + eps)

    np.testing.assert_allclose(run_on(buggy.RMSPropAccumulatingDenominator(lr=lr, beta=beta)), by_hand(update),
                               rtol=1e-12)


@pytest.mark.parametrize("beta", [0.9, 0.99])
def test_rmsprop_accumulating_denominator_steps_shrink_geometrically(beta):
    """With a constant gradient, v grows like (1 + β)ᵗ and consecutive steps shrink by → 1/√(1 + β)."""
    opt = buggy.RMSPropAccumulatingDenominator(lr=0.01, beta=beta)
    path = run_on(opt, grads=np.ones((60, 1)), theta=np.zeros(1))[:, 0]
    steps = -np.diff(path)
    np.testing.assert_allclose(steps[-10:] / steps[-11:-1], 1 / np.sqrt(1 + beta), rtol=1e-6)
    assert path[-1] > -0.01 / (1 - 1 / np.sqrt(1 + beta)) * np.sqrt(1 / (1 - beta))  # the total distance is bounded


def test_rmsprop_step_with_v_by_hand(lr=0.01, beta=0.9):
    def update(th, g, s):
        s["s"] = beta * s["s"] + (1 - beta) * g * g
        return th - lr * s["s"]

    np.testing.assert_allclose(run_on(buggy.RMSPropStepWithV(lr=lr, beta=beta)), by_hand(update), rtol=1e-12)


def test_rmsprop_step_with_v_only_decreases_and_overflows_in_68_steps():
    assert np.all(np.diff(run_on(buggy.RMSPropStepWithV(lr=0.1), theta=np.zeros(3)), axis=0) <= 0)
    traj = descent.run(buggy.RMSPropStepWithV(lr=0.01, beta=0.9), functions.Quadratic([[2.0]]), [-1.0], steps=100,
                       bound=1e308)
    assert traj.diverged_at == 68
    assert np.all(np.diff(traj.xs[:68, 0]) < 0)


@pytest.mark.parametrize("cls, base", [(buggy.AdaGradLrInAccumulator, descent.AdaGrad),
                                       (buggy.RMSPropAccumulatingDenominator, descent.RMSProp),
                                       (buggy.RMSPropStepWithV, descent.RMSProp),
                                       (buggy.AdamWrittenBack, descent.Adam)])
def test_buggy_classes_keep_the_interface(cls, base):
    assert issubclass(cls, base)
    lrs = np.array([[0.1], [0.01]])
    sweep = run_on(cls(lr=lrs), grads=np.repeat(GRADS[:, None, :2], 2, axis=1), theta=np.ones((2, 2)))
    one = run_on(cls(lr=0.01), grads=GRADS[:, :2], theta=np.ones(2))
    np.testing.assert_array_equal(sweep[:, 1], one)
    opt = cls()
    opt.step(np.ones(2), np.ones(2))
    opt.reset()
    assert opt.t == 0 and opt.state == {}
    with pytest.raises(ValueError, match="lr"):
        cls(lr=-1.0)


def test_adam_written_back_by_hand(lr=0.05, b1=0.9, b2=0.99, eps=1e-8):
    def update(th, g, s):
        s["t"] = s.get("t", 0) + 1
        s["m"] = (b1 * s.get("m", 0.0) + (1 - b1) * g) / (1 - b1 ** s["t"])  # the bug: corrected in the state
        s["s"] = (b2 * s["s"] + (1 - b2) * g * g) / (1 - b2 ** s["t"])
        return th - lr * s["m"] / (s["s"] ** 0.5 + eps)

    np.testing.assert_allclose(run_on(buggy.AdamWrittenBack(lr=lr, beta1=b1, beta2=b2)), by_hand(update), rtol=1e-11)
