"""check_schedule: passes the reference, fails each classic mistake with its hint, survives broken functions."""

import numpy as np
import pytest

from descent.checks import check_schedule
from descent.checks import schedules as sched_checks


def test_reference_implementations_pass():
    assert check_schedule(lambda lr0, g, s, t: lr0 * g ** (np.asarray(t) // s))
    assert check_schedule(lambda lr0, g, t: lr0 * g ** np.asarray(t), "exponential")
    assert check_schedule(lambda lr0, k, t: lr0 / (1 + k * np.asarray(t)), "inverse_time")


@pytest.mark.parametrize("kind", sched_checks.KINDS)
def test_every_mistake_fails_with_its_hint(kind, capsys):
    for hint, wrong in sched_checks._MISTAKES[kind].items():
        result = check_schedule(wrong, kind)
        assert not result
        assert any(hint in message for message in result.messages), hint
    capsys.readouterr()


@pytest.mark.parametrize("learner, text", [
    (lambda lr0, g, s, t: 1 / 0, "raised ZeroDivisionError"),
    (lambda lr0, g, s, t: np.zeros(3), "shape"),
    (lambda lr0, g, s, t: np.nan * np.asarray(t, dtype=float), "NaN"),
    (lambda lr0, g, s, t: None, "return"),
])
def test_survives_broken_learners(learner, text, capsys):
    result = check_schedule(learner)
    assert not result and any(text in m for m in result.messages)
    assert "❌" in capsys.readouterr().out


def test_not_implemented_and_bad_kind():
    def todo(lr0, g, s, t):
        raise NotImplementedError
    assert "not implemented" in check_schedule(todo).messages[0]
    with pytest.raises(ValueError, match="kind"):
        check_schedule(todo, "cosine")
