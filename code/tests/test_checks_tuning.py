"""Tests of the chapter-18 self-check: the reference passes, each classic mistake fails with its hint."""

import numpy as np
import pytest

from descent import tuning
from descent.checks import check_best_so_far
from descent.checks import tuning as module
from descent.checks.hidden import hidden_cases

MISTAKES = [
    (module._nan_carried, "carried forward"),
    (module._nan_before_first, "not NaN"),
    (module._best_of_all, "running minimum, np.minimum.accumulate"),
    (module._running_max, "not the maximum"),
    (module._across_searches, "not across the searches"),
    (module._flattened, "flattened"),
    (module._positions, "position of the best trial"),
]


def test_the_reference_passes(capsys):
    result = check_best_so_far(tuning.best_so_far)
    assert result and result.score == 1.0
    assert "✅" in capsys.readouterr().out


def test_a_hand_written_solution_passes():
    def mine(scores):
        best, out = np.full(scores.shape[1:], np.inf), np.empty(scores.shape)
        for k, row in enumerate(scores):
            best = np.where(np.isfinite(row) & (row < best), row, best)
            out[k] = best
        return out

    assert check_best_so_far(mine)


@pytest.mark.parametrize("wrong,hint", MISTAKES)
def test_each_classic_mistake_fails_with_its_hint(wrong, hint, capsys):
    result = check_best_so_far(wrong)
    assert not result
    assert hint in "\n".join(result.messages)
    assert "❌" in capsys.readouterr().out


@pytest.mark.parametrize("wrong,hint", MISTAKES)
def test_some_case_diagnoses_each_mistake_unambiguously(wrong, hint):
    messages = check_best_so_far(wrong).messages
    assert any(m.count("hint:") == 1 and hint in m for m in messages)


def test_the_hidden_cases_catch_the_classic_mistakes_too():
    cases = hidden_cases("check_best_so_far")
    answers = [tuning.best_so_far(*case.args) for case in cases]
    np.testing.assert_array_equal(answers[0], [np.inf])
    np.testing.assert_array_equal(answers[1], [[0.4, np.inf, 0.2]])
    for wrong in (module._nan_carried, module._nan_before_first):
        assert not np.array_equal(wrong(*cases[0].args), answers[0])


def test_a_function_that_returns_none_or_raises_is_reported():
    assert "forget a `return`" in "\n".join(check_best_so_far(lambda s: None).messages)
    assert all("not implemented yet" in m for m in check_best_so_far(_todo).messages)


def _todo(scores):
    raise NotImplementedError
