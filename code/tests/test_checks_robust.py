"""Every public self-check survives bad learner code: a function that raises, returns nothing, NaN, the wrong shape
or the wrong type gets a failing report with one message per failed case, never a crash of the check itself.

The checks are found by introspection (every `check_*` in `descent.checks.__all__`); the few that take a second
argument naming a variant (which initialisation, activation or schedule) are run on every variant, listed in
VARIANTS from the dictionaries the checks themselves validate against."""

import inspect

import numpy as np
import pytest

import descent.checks
from descent.checks import core, gradients, schedules

VARIANTS = {
    "check_init": tuple(gradients.INIT_STDS),
    "check_activation_grad": tuple(gradients.DERIVATIVES),
    "check_schedule": tuple(schedules._CASES),
}
CHECKS = [name for name in descent.checks.__all__ if name.startswith("check_")]


def _first_array(args):
    return next((a for a in args if isinstance(a, np.ndarray)), np.zeros(3))


def _raise(exc):
    def learner(*args, **kwargs):
        raise exc

    return learner


BAD_LEARNERS = {
    "raises ValueError": _raise(ValueError("bug in the learner's code")),
    "raises ZeroDivisionError": _raise(ZeroDivisionError("division by zero")),
    "is not implemented": _raise(NotImplementedError()),
    "returns None": lambda *args, **kwargs: None,
    "returns NaN": lambda *args, **kwargs: np.nan,
    "returns NaN of the input's shape": lambda *args, **kwargs: np.full_like(_first_array(args), np.nan, float),
    "returns a wrong shape": lambda *args, **kwargs: np.zeros(7),
    "returns a string": lambda *args, **kwargs: "oops",
    "returns a tuple of NaNs": lambda *args, **kwargs: (np.nan, np.nan, np.nan),
    "returns inf": lambda *args, **kwargs: np.inf,
    "takes no argument": lambda: 0.0,
}


def runs():
    """(check name, extra arguments) for every check and each of its variants."""
    return [(name, (variant,) if variant else ()) for name in CHECKS for variant in VARIANTS.get(name, [None])]


def test_variant_table_covers_every_check_with_more_than_one_parameter():
    for name in CHECKS:
        extra = list(inspect.signature(getattr(descent.checks, name)).parameters)[1:]
        assert bool(extra) == (name in VARIANTS), f"{name}{extra}: add it to VARIANTS, or remove it from there"


@pytest.mark.parametrize("bad", list(BAD_LEARNERS), ids=str)
@pytest.mark.parametrize("name, extra", runs(), ids=lambda v: v if isinstance(v, str) else "-".join(v) or "default")
def test_bad_learner_gets_a_report_not_a_crash(name, extra, bad, capsys):
    result = getattr(descent.checks, name)(BAD_LEARNERS[bad], *extra)
    assert isinstance(result, core.CheckResult)
    assert not result and result.passed < result.total
    assert len(result.messages) == result.total - result.passed, "one message per failed case"
    assert all(message.startswith("case ") for message in result.messages)
    out = capsys.readouterr().out
    assert out.startswith("❌") and "cases passed" in out
    if bad == "is not implemented":
        assert "not implemented yet" in out


def test_every_check_has_its_check_object_for_the_autograder():
    assert set(descent.checks.CHECKS) == set(CHECKS)
    for name, extra in runs():
        made = descent.checks.CHECKS[name](*extra)
        assert isinstance(made, core.Check) and made.cases and made.random_case is not None
