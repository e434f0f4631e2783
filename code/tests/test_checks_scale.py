"""check_wsd: passes the reference and a learner's plain numpy version, fails each classic mistake with its hint,
survives broken functions."""

import numpy as np
import pytest

from descent.checks import check_wsd
from descent.checks import scale


def plain_wsd(lr0, warmup, stable, decay, t):
    t = np.asarray(t, dtype=float)
    p = np.clip((t - warmup - stable) / decay, 0, 1)
    return lr0 * np.where(t < warmup, t / max(warmup, 1), np.where(t < warmup + stable + decay, 1 - np.sqrt(p), 0))


def test_the_reference_and_a_plain_version_pass():
    assert check_wsd(scale._wsd)
    assert check_wsd(plain_wsd)


def test_every_mistake_fails_with_its_hint(capsys):
    for hint, wrong in scale.wsd_check().mistakes.items():
        result = check_wsd(wrong)
        assert not result
        assert any(hint in message for message in result.messages), hint
    capsys.readouterr()


@pytest.mark.parametrize("learner, text", [
    (lambda lr0, w, s, d, t: 1 / 0, "raised ZeroDivisionError"),
    (lambda lr0, w, s, d, t: np.zeros(3), "shape"),
    (lambda lr0, w, s, d, t: None, "return"),
])
def test_survives_broken_learners(learner, text, capsys):
    result = check_wsd(learner)
    assert not result and any(text in m for m in result.messages)
    assert "❌" in capsys.readouterr().out


def test_not_implemented():
    def todo(lr0, warmup, stable, decay, t):
        raise NotImplementedError
    assert "not implemented" in check_wsd(todo).messages[0]
