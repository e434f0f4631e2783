"""Tests of the chapter-11 self-check: the reference passes, each classic mistake fails with its hint."""

import numpy as np
import pytest

from descent import experiments
from descent.checks import capstone as module
from descent.checks import check_pick_best_lr

MISTAKES = [
    (module._by_training_loss, "training loss"),
    (module._argmin_over_nan, "NaN's position"),
    (module._nanmean, "nanmean"),
    (module._luckiest_seed, "single seed"),
    (module._index, "position i"),
]


def test_the_reference_passes(capsys):
    result = check_pick_best_lr(experiments.pick_best_lr)
    assert result and result.score == 1.0
    assert "✅" in capsys.readouterr().out


def test_a_hand_written_solution_passes():
    def mine(lrs, train_loss, val_loss):
        mean = val_loss.mean(axis=1)
        mean[~np.isfinite(mean)] = np.inf
        return lrs[np.argmin(mean)]

    assert check_pick_best_lr(mine)


@pytest.mark.parametrize("wrong,hint", MISTAKES)
def test_each_classic_mistake_fails_with_its_hint(wrong, hint, capsys):
    result = check_pick_best_lr(wrong)
    assert not result
    assert hint in "\n".join(result.messages)
    assert "❌" in capsys.readouterr().out


@pytest.mark.parametrize("wrong,hint", MISTAKES)
def test_some_case_diagnoses_each_mistake_unambiguously(wrong, hint):
    messages = check_pick_best_lr(wrong).messages
    assert any(m.count("hint:") == 1 and hint in m for m in messages)


def test_a_function_that_raises_is_reported():
    def broken(lrs, train_loss, val_loss):
        raise KeyError("oops")

    result = check_pick_best_lr(broken)
    assert result.passed == 0 and all("raised KeyError" in m for m in result.messages)


def test_not_implemented_is_reported_as_such():
    def todo(lrs, train_loss, val_loss):
        raise NotImplementedError

    assert all("not implemented yet" in m for m in check_pick_best_lr(todo).messages)


def test_wrong_shape_and_nan_are_reported():
    shape = check_pick_best_lr(lambda lrs, tr, va: lrs[:2])
    assert shape.passed == 0 and all("shape" in m for m in shape.messages)
    nan = check_pick_best_lr(lambda lrs, tr, va: np.nan)
    assert nan.passed == 0 and all("NaN" in m for m in nan.messages)


def test_none_is_reported():
    result = check_pick_best_lr(lambda lrs, tr, va: None)
    assert all("return" in m for m in result.messages)
