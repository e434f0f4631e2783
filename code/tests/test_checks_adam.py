"""The Adam self-check: it passes the reference and a torch-style implementation, names every classic mistake, and
survives learner code that raises, returns the wrong shape, NaN or nothing."""

import numpy as np
import pytest

import descent
from descent.checks import adam as adam_checks
from descent.checks import check_adam_step


def reference(theta, m, v, g, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def via_descent(theta, m, v, g, t, lr, beta1, beta2, eps):
    """The same step through descent.Adam, its state set by hand (an independent implementation)."""
    opt = descent.Adam(lr=lr, beta1=beta1, beta2=beta2, eps=eps)
    opt.t, opt.m.t, opt.v.t = t - 1, t - 1, t - 1
    opt.m.average, opt.v.average = np.array(m, dtype=float), np.array(v, dtype=float)
    theta = opt.step(np.asarray(theta, dtype=float), np.broadcast_to(g, np.shape(theta)))
    return theta, opt.state["m"], opt.state["v"]


def test_reference_passes(capsys):
    result = check_adam_step(reference)
    assert result and result.passed == result.total >= 4
    assert "✅" in capsys.readouterr().out


def test_descent_adam_passes():
    assert check_adam_step(via_descent)


@pytest.mark.parametrize("hint, mistake", list(adam_checks._MISTAKES.items()))
def test_each_mistake_fails_with_its_own_hint(hint, mistake, capsys):
    result = check_adam_step(mistake)
    assert not result
    out = capsys.readouterr().out
    assert hint in out
    others = [h for h in adam_checks._MISTAKES if h != hint]
    assert not any(h in out for h in others), "a mistake must not be confused with another one"


def test_mistakes_are_really_wrong():
    """Each mistake differs from the reference on at least one case (else its hint could never be shown)."""
    for mistake in adam_checks._MISTAKES.values():
        with np.errstate(all="ignore"):
            differs = [
                not all(np.allclose(a, b, equal_nan=True)
                        for a, b in zip(mistake(*case.args), reference(*case.args)))
                for case in adam_checks._cases()
            ]
        assert any(differs)


def test_learner_that_raises(capsys):
    def broken(*args):
        raise ZeroDivisionError("oops")

    result = check_adam_step(broken)
    assert result.passed == 0
    assert "ZeroDivisionError: oops" in capsys.readouterr().out


def test_not_implemented(capsys):
    def todo(*args):
        raise NotImplementedError

    assert check_adam_step(todo).passed == 0
    assert "not implemented yet" in capsys.readouterr().out


def test_wrong_shape_nan_and_none(capsys):
    def theta_only(theta, m, v, g, t, lr, beta1, beta2, eps):
        return reference(theta, m, v, g, t, lr, beta1, beta2, eps)[0]

    def scalar_state(theta, m, v, g, t, lr, beta1, beta2, eps):
        new_theta, _, _ = reference(theta, m, v, g, t, lr, beta1, beta2, eps)
        return new_theta, 0.0, 0.0

    def nan(theta, m, v, g, t, lr, beta1, beta2, eps):
        return tuple(np.full(np.shape(x), np.nan) for x in reference(theta, m, v, g, t, lr, beta1, beta2, eps))

    def nothing(*args):
        return None

    assert not check_adam_step(theta_only)
    assert "expected 3 returned value(s), received 1" in capsys.readouterr().out
    assert not check_adam_step(scalar_state)
    assert "expected shape" in capsys.readouterr().out
    assert not check_adam_step(nan)
    assert "contains NaN" in capsys.readouterr().out
    assert not check_adam_step(nothing)
    assert "returned None" in capsys.readouterr().out


def test_not_callable():
    with pytest.raises(TypeError, match="pass your function itself"):
        check_adam_step(3.0)
