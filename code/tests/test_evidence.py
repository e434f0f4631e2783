"""The evidence machinery: t intervals, paired comparisons over seeds, the summary table."""

import numpy as np
import pytest
from scipy import stats

from descent import evidence


def test_interval_is_the_student_t_interval_of_the_mean():
    x = np.random.default_rng(0).normal(size=7)
    low, high = stats.t.interval(0.95, 6, loc=x.mean(), scale=stats.sem(x))
    result = evidence.interval(x)
    assert (result.mean, result.n) == (pytest.approx(x.mean()), 7)
    assert (result.low, result.high) == (pytest.approx(low), pytest.approx(high))
    assert result.excludes(high + 1e-9) and not result.excludes(x.mean())


def test_paired_differences_cancel_the_shared_seed_noise():
    rng = np.random.default_rng(1)
    seed_effect = rng.normal(scale=1.0, size=8)  # large: it hides the difference in unpaired intervals
    a, b = seed_effect + 0.1 + rng.normal(scale=0.01, size=8), seed_effect + rng.normal(scale=0.01, size=8)
    assert not evidence.interval(a).excludes(evidence.interval(b).mean)
    result = evidence.paired(a, b, names=("A", "B"))
    assert result.detectable and result.better == "B" and result.wins == 0
    assert str(result).endswith("A lower in 0 of 8 seeds")
    assert evidence.paired(a, b, ("A", "B"), higher_is_better=True).better == "A"


def test_no_detectable_difference_is_said_so():
    result = evidence.paired([1.0, 2.0, 3.0], [2.0, 1.0, 3.5], ("A", "B"))
    assert not result.detectable and result.better is None and "no detectable difference" in str(result)


def test_a_diverged_run_is_reported_not_averaged():
    result = evidence.paired([0.1, np.nan, 0.2], [0.3, 0.3, 0.3], ("A", "B"))
    assert np.isnan(result.interval.mean) and result.wins == 2 and "diverged in 1 of 3 seeds" in str(result)


def test_table_orders_methods_and_compares_to_the_baseline():
    results = {"SGD": [0.3, 0.32, 0.31], "Adam": [0.2, 0.21, 0.19], "Momentum": [0.25, 0.26, 0.24]}
    rows = evidence.table(results, baseline="SGD").splitlines()
    assert [row.split()[0] for row in rows[1:]] == ["Adam", "Momentum", "SGD"]
    assert rows[1].endswith("3/3") and rows[3].split()[0] == "SGD"
    rows = evidence.table(results, higher_is_better=True).splitlines()
    assert rows[1].startswith("SGD")


@pytest.mark.parametrize("call, error, words", [
    (lambda: evidence.interval([1.0]), ValueError, "at least 2"),
    (lambda: evidence.interval([[1.0, 2.0]]), ValueError, "1-D"),
    (lambda: evidence.interval(["a", "b"]), TypeError, "real numbers"),
    (lambda: evidence.interval([1.0, 2.0], level=95), ValueError, "level"),
    (lambda: evidence.paired([1.0, 2.0], [1.0, 2.0, 3.0]), ValueError, "same seeds"),
    (lambda: evidence.paired([1.0, 2.0], [1.0, 2.0], names=("A",)), TypeError, "names"),
    (lambda: evidence.table([1.0, 2.0]), TypeError, "dict"),
    (lambda: evidence.table({"A": [1.0, 2.0]}, baseline="B"), ValueError, "baseline"),
])
def test_bad_input_is_refused_with_a_clear_message(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_the_module_example_runs():
    import doctest

    assert doctest.testmod(evidence).failed == 0


def test_against_pairs_every_method_with_the_baseline():
    results = {"SGD": [0.3, 0.32, 0.31], "Adam": [0.2, 0.21, 0.19], "Momentum": [0.31, 0.3, 0.33]}
    comparisons = evidence.against(results, "SGD")
    assert list(comparisons) == ["Adam", "Momentum"]
    assert comparisons["Adam"].better == "Adam" and comparisons["Adam"].wins == 3
    assert comparisons["Momentum"].names == ("Momentum", "SGD") and not comparisons["Momentum"].detectable
    assert str(comparisons["Adam"]) == str(evidence.paired(results["Adam"], results["SGD"], ("Adam", "SGD")))
    with pytest.raises(ValueError, match="baseline 'RMSProp'"):
        evidence.against(results, "RMSProp")


def test_a_mean_that_is_zero_up_to_rounding_prints_as_zero():
    assert str(evidence.Interval(2.2e-17, -0.0145, 0.0145, 10)) == "0 [−0.0145, 0.0145]"
    assert str(evidence.Interval(2.2e-17, 1e-17, 3e-17, 10)).startswith("2.2e-17")  # not zero on its own scale
