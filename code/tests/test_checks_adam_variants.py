"""The AMSGrad self-check: it passes the reference and torch.optim.Adam(amsgrad=True) (through descent.Adam), names
every classic mistake (and only that one), and survives learner code that raises, returns the wrong shape, NaN or
nothing."""

import numpy as np
import pytest

import descent
from descent.checks import adam_variants as checks
from descent.checks import check_amsgrad_step


def reference(theta, m, v, v_max, g, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    v_max = np.maximum(v_max, v)
    m_hat = m / (1 - beta1**t)
    return theta - lr * m_hat / (np.sqrt(v_max / (1 - beta2**t)) + eps), m, v, v_max


def via_descent(theta, m, v, v_max, g, t, lr, beta1, beta2, eps):
    """The same step through descent.Adam(amsgrad=True), its state set by hand (an independent implementation)."""
    opt = descent.Adam(lr=lr, beta1=beta1, beta2=beta2, eps=eps, amsgrad=True)
    shape = np.broadcast_shapes(np.shape(theta), np.shape(lr))
    opt.load_state_dict({"optimizer": "Adam", "t": t - 1,
                         "state": {name: np.broadcast_to(np.asarray(a, dtype=float), shape)
                                   for name, a in (("m", m), ("v", v), ("v_max", v_max))}})
    theta = opt.step(np.broadcast_to(np.asarray(theta, dtype=float), shape), np.broadcast_to(g, shape))
    return theta, opt.state["m"], opt.state["v"], opt.state["v_max"]


def test_reference_passes(capsys):
    result = check_amsgrad_step(reference)
    assert result and result.passed == result.total >= 5
    assert "✅" in capsys.readouterr().out


def test_descent_amsgrad_passes():
    assert check_amsgrad_step(via_descent)


def test_the_first_case_is_torchs_first_step():
    torch = pytest.importorskip("torch")
    p = torch.nn.Parameter(torch.tensor([1.0], dtype=torch.float64))
    opt = torch.optim.Adam([p], lr=0.1, amsgrad=True)
    p.grad = torch.tensor([2.0], dtype=torch.float64)
    opt.step()
    theta, *_ = checks._amsgrad_step(*checks._cases()[0].args)
    assert float(theta) == pytest.approx(p.item(), rel=1e-14)


@pytest.mark.parametrize("hint, mistake", list(checks._MISTAKES.items()))
def test_each_mistake_fails_with_its_own_hint(hint, mistake, capsys):
    result = check_amsgrad_step(mistake)
    assert not result
    out = capsys.readouterr().out
    assert hint in out
    others = [h for h in checks._MISTAKES if h != hint]
    assert not any(h in out for h in others), "a mistake must not be confused with another one"


def test_mistakes_are_really_wrong():
    for mistake in checks._MISTAKES.values():
        with np.errstate(all="ignore"):
            differs = [not all(np.allclose(a, b, equal_nan=True)
                               for a, b in zip(mistake(*case.args), reference(*case.args)))
                       for case in checks._cases()]
        assert any(differs)


def test_learner_that_raises_or_is_not_implemented(capsys):
    def broken(*args):
        raise ZeroDivisionError("oops")

    def todo(*args):
        raise NotImplementedError

    assert check_amsgrad_step(broken).passed == 0
    assert "ZeroDivisionError: oops" in capsys.readouterr().out
    assert check_amsgrad_step(todo).passed == 0
    assert "not implemented yet" in capsys.readouterr().out


def test_wrong_shape_nan_and_none(capsys):
    def three(*args):
        return reference(*args)[:3]

    def nan(*args):
        return tuple(np.full(np.shape(x), np.nan) for x in reference(*args))

    assert not check_amsgrad_step(three)
    assert "expected 4 returned value(s), received 3" in capsys.readouterr().out
    assert not check_amsgrad_step(nan)
    assert "contains NaN" in capsys.readouterr().out
    assert not check_amsgrad_step(lambda *args: None)
    assert "returned None" in capsys.readouterr().out


def test_not_callable():
    with pytest.raises(TypeError, match="pass your function itself"):
        check_amsgrad_step(3.0)
