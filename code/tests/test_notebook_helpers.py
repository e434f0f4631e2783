"""descent.notebook.best_time: the minimum of several wall-clock timings."""

import pytest

from descent.notebook import best_time


def test_best_time_calls_the_function_repeat_times_and_returns_a_small_positive_time():
    calls = []
    seconds = best_time(lambda: calls.append(1), repeat=4)
    assert len(calls) == 4
    assert 0 <= seconds < 1


@pytest.mark.parametrize("repeat", [0, -1, 2.5, True, "3"])
def test_best_time_rejects_a_bad_repeat(repeat):
    with pytest.raises(ValueError, match="repeat"):
        best_time(lambda: None, repeat=repeat)
