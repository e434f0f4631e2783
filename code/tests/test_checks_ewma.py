"""Tests of the chapter-4 self-check: the reference passes, each classic mistake fails with its hint."""

import numpy as np
import pytest

from descent.checks import check_ewma
from descent.checks import ewma as module
from descent.ewma import ewma


def test_the_reference_passes(capsys):
    result = check_ewma(lambda y, beta: ewma(y, beta, bias_correction=True))
    assert result and result.score == 1.0
    assert "✅" in capsys.readouterr().out


def test_a_hand_written_loop_passes():
    def mine(y, beta):
        s, out = 0.0, []
        for t, value in enumerate(y, start=1):
            s = beta * s + (1 - beta) * value
            out.append(s / (1 - beta**t))
        return np.array(out)

    assert check_ewma(mine)


@pytest.mark.parametrize("wrong,hint", [
    (module._uncorrected, "no bias correction"),
    (module._first_then_corrected, "S₁ = Y₁"),
    (module._swapped, "swapped"),
    (module._t_from_zero, "not 0"),
    (module._t_plus_one, "t + 1"),
])
def test_each_classic_mistake_fails_with_its_hint(wrong, hint, capsys):
    result = check_ewma(wrong)
    assert not result
    assert hint in "\n".join(result.messages)
    assert "❌" in capsys.readouterr().out


def test_a_function_that_raises_is_reported():
    def broken(y, beta):
        raise KeyError("oops")

    result = check_ewma(broken)
    assert result.passed == 0 and all("raised KeyError" in m for m in result.messages)


def test_not_implemented_is_reported_as_such():
    def todo(y, beta):
        raise NotImplementedError

    assert all("not implemented yet" in m for m in check_ewma(todo).messages)


def test_wrong_shape_and_nan_are_reported():
    assert all("shape" in m for m in check_ewma(lambda y, beta: np.zeros(len(y) + 1)).messages)
    assert all("NaN" in m for m in check_ewma(lambda y, beta: np.full(len(y), np.nan)).messages)


def test_passing_a_call_instead_of_the_function_is_refused():
    with pytest.raises(TypeError, match="function itself"):
        check_ewma(np.zeros(3))
