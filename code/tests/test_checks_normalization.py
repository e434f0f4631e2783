"""check_standardize: passes the reference, fails each classic mistake with its hint, survives broken functions."""

import numpy as np
import pytest

from descent import data
from descent.checks import check_standardize
from descent.checks import normalization as norm_checks


def test_reference_and_the_package_function_pass():
    assert check_standardize(norm_checks._standardize)
    assert check_standardize(lambda a, b: data.standardize(a, b)[:2])


@pytest.mark.parametrize("hint", list(norm_checks._MISTAKES))
def test_every_mistake_fails_with_its_hint(hint, capsys):
    result = check_standardize(norm_checks._MISTAKES[hint])
    assert not result
    assert any(hint in message for message in result.messages)
    capsys.readouterr()


@pytest.mark.parametrize("learner, text", [
    (lambda a, b: a.undefined, "raised AttributeError"),
    (lambda a, b: a, "expected 2 returned value"),
    (lambda a, b: (a[:1], b), "shape"),
    (lambda a, b: (a * np.nan, b), "NaN"),
])
def test_survives_broken_learners(learner, text, capsys):
    result = check_standardize(learner)
    assert not result and any(text in m for m in result.messages)
    capsys.readouterr()
