"""The AdaGrad and RMSProp self-checks: they pass the reference and descent's optimizers, name every classic
mistake (and only that one), and survive learner code that raises, returns the wrong shape, NaN or nothing."""

import numpy as np
import pytest

import descent
from descent.checks import adaptive, check_adagrad_step, check_rmsprop_step


def rmsprop_reference(theta, v, g, lr, beta, eps):
    v = beta * v + (1 - beta) * g**2
    return theta - lr * g / (np.sqrt(v) + eps), v


def adagrad_reference(theta, s, g, lr, eps):
    s = s + g**2
    return theta - lr * g / (np.sqrt(s) + eps), s


def rmsprop_via_descent(theta, v, g, lr, beta, eps):
    """The same step through descent.RMSProp with its state set by hand (an independent implementation)."""
    opt = descent.RMSProp(lr=lr, beta=beta, eps=eps)
    opt.mean_sq.average = np.array(np.broadcast_to(v, np.shape(theta)), dtype=float)
    theta = opt.step(np.asarray(theta, dtype=float), np.broadcast_to(g, np.shape(theta)))
    return theta, opt.state["v"]


def adagrad_via_descent(theta, s, g, lr, eps):
    opt = descent.AdaGrad(lr=lr, eps=eps)
    opt.sum_sq = np.array(np.broadcast_to(s, np.shape(theta)), dtype=float)
    theta = opt.step(np.asarray(theta, dtype=float), np.broadcast_to(g, np.shape(theta)))
    return theta, opt.state["s"]


CHECKS = [
    (check_rmsprop_step, rmsprop_reference, rmsprop_via_descent, adaptive._RMSPROP_MISTAKES, adaptive._rmsprop_cases),
    (check_adagrad_step, adagrad_reference, adagrad_via_descent, adaptive._ADAGRAD_MISTAKES, adaptive._adagrad_cases),
]
IDS = ["rmsprop", "adagrad"]
MISTAKES = [(checker, hint, wrong, mistakes)
            for checker, _, _, mistakes, _ in CHECKS for hint, wrong in mistakes.items()]


@pytest.mark.parametrize("checker, reference, via_descent, mistakes, cases", CHECKS, ids=IDS)
def test_reference_and_descent_pass(checker, reference, via_descent, mistakes, cases, capsys):
    result = checker(reference)
    assert result and result.passed == result.total >= 4
    assert "✅" in capsys.readouterr().out
    assert checker(via_descent)


@pytest.mark.parametrize("checker, hint, wrong, mistakes", MISTAKES, ids=[h[:40] for _, h, _, _ in MISTAKES])
def test_each_mistake_fails_with_its_own_hint(checker, hint, wrong, mistakes, capsys):
    result = checker(wrong)
    assert not result
    out = capsys.readouterr().out
    assert hint in out
    assert not any(other in out for other in mistakes if other != hint), "a mistake must not be confused"


@pytest.mark.parametrize("checker, reference, via_descent, mistakes, cases", CHECKS, ids=IDS)
def test_mistakes_differ_from_the_reference(checker, reference, via_descent, mistakes, cases):
    for wrong in mistakes.values():
        with np.errstate(all="ignore"):
            assert any(not all(np.allclose(a, b, rtol=1e-6, atol=1e-10, equal_nan=True)
                               for a, b in zip(wrong(*case.args), reference(*case.args)))
                       for case in cases())


def test_eps_inside_hint_by_hand(capsys):
    """A learner who writes Keras's √(v + ε) is told where ε goes."""

    def keras_style(theta, v, g, lr, beta, eps):
        v = beta * v + (1 - beta) * g * g
        return theta - lr * g / np.sqrt(v + eps), v

    result = check_rmsprop_step(keras_style)
    assert result.passed == result.total - 1  # only the tiny-gradient case tells the two conventions apart
    assert "ε goes outside the square root" in capsys.readouterr().out


@pytest.mark.parametrize("checker, reference, via_descent, mistakes, cases", CHECKS, ids=IDS)
def test_learner_failures_are_reported(checker, reference, via_descent, mistakes, cases, capsys):
    def broken(*args):
        raise ZeroDivisionError("oops")

    def todo(*args):
        raise NotImplementedError

    def theta_only(*args):
        return reference(*args)[0]

    def scalar_state(*args):
        return reference(*args)[0], 0.0

    def nan(*args):
        return tuple(np.full(np.shape(x), np.nan) for x in reference(*args))

    def nothing(*args):
        return None

    for learner, message in [(broken, "ZeroDivisionError: oops"), (todo, "not implemented yet"),
                             (theta_only, "expected 2 returned value(s), received 1"),
                             (scalar_state, "expected shape"), (nan, "contains NaN"), (nothing, "returned None")]:
        assert checker(learner).passed == 0
        assert message in capsys.readouterr().out


@pytest.mark.parametrize("checker", [check_rmsprop_step, check_adagrad_step])
def test_not_callable(checker):
    with pytest.raises(TypeError, match="pass your function itself"):
        checker(3.0)
