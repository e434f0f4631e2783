"""Tests of the landscapes self-checks: the reference passes, each classic mistake fails with its hint, and a
learner's function that raises, returns the wrong type or shape, or NaN is reported, never crashes the check."""

import numpy as np
import pytest

import descent
from descent import functions
from descent.checks import check_classify_stationary_point, check_clip_by_norm, landscapes
from descent.checks.core import _compare


def test_checks_are_exported():
    assert descent.checks.check_classify_stationary_point is check_classify_stationary_point
    assert "check_clip_by_norm" in descent.checks.__all__


def test_reference_classifier_passes(capsys):
    result = check_classify_stationary_point(functions.classify_stationary_point)
    assert result and result.score == 1.0
    assert "✅" in capsys.readouterr().out


def test_reference_clip_passes():
    assert check_clip_by_norm(descent.clip_by_norm)


@pytest.mark.parametrize("mistake, hint", [
    (landscapes._by_diagonal, "not at its diagonal"),
    (landscapes._by_determinant, "det H is not enough"),
    (landscapes._ignores_zero, "inconclusive"),
    (landscapes._no_tolerance, "tolerance tol"),
])
def test_classify_mistakes_fail_with_their_hint(mistake, hint):
    result = check_classify_stationary_point(mistake)
    assert not result
    assert any(hint in m for m in result.messages)


@pytest.mark.parametrize("mistake, hint", [
    (landscapes._clip_by_value, "np.clip"),
    (landscapes._always_rescale, "only rescale gradients that are longer"),
    (landscapes._whole_array_norm, "over the last axis"),
])
def test_clip_mistakes_fail_with_their_hint(mistake, hint):
    result = check_clip_by_norm(mistake)
    assert not result
    assert any(hint in m for m in result.messages)


def test_hints_are_specific():
    """The determinant mistake is not blamed on the diagonal, and vice versa."""
    det = check_classify_stationary_point(landscapes._by_determinant)
    assert not any("diagonal" in m for m in det.messages)
    diag = check_classify_stationary_point(landscapes._by_diagonal)
    assert not any("det H" in m for m in diag.messages)


def _raises(*args, **kwargs):
    raise RuntimeError("boom")


def _not_implemented(*args, **kwargs):
    raise NotImplementedError


@pytest.mark.parametrize("learner, message", [
    (_raises, "raised RuntimeError: boom"),
    (_not_implemented, "not implemented yet"),
    (lambda H, tol=1e-8: None, "forget a `return`"),
    (lambda H, tol=1e-8: 1.0, "expected 'minimum', received 1.0"),
    (lambda H, tol=1e-8: "Minimum", "received 'Minimum'"),
    (lambda H, tol=1e-8: ("minimum", "saddle"), "returned value"),
])
def test_classify_survives_bad_learners(learner, message):
    result = check_classify_stationary_point(learner)
    assert not result
    assert any(message in m for m in result.messages), result.messages


@pytest.mark.parametrize("learner, message", [
    (_raises, "raised RuntimeError"),
    (lambda g, c: g[..., :1], "expected shape"),
    (lambda g, c: np.full_like(g, np.nan), "NaN"),
    (lambda g, c: "clipped", "expected numbers"),
    (lambda g, c: None, "forget a `return`"),
])
def test_clip_survives_bad_learners(learner, message):
    result = check_clip_by_norm(learner)
    assert not result
    assert any(message in m for m in result.messages), result.messages


def test_learner_that_overwrites_its_input_does_not_corrupt_the_cases():
    def overwrites(H, tol=1e-8):
        answer = functions.classify_stationary_point(H, tol)
        H[...] = 0.0
        return answer

    assert check_classify_stationary_point(overwrites)
    assert check_classify_stationary_point(functions.classify_stationary_point)


def test_compare_labels():
    assert _compare("saddle", "saddle", 1e-6, 1e-10) is None
    assert "expected 'saddle', received 'minimum'" in _compare("saddle", "minimum", 1e-6, 1e-10)
    assert "received 2" in _compare("saddle", 2, 1e-6, 1e-10)
    # numbers are still compared as numbers
    assert _compare(np.array([1.0, 2.0]), [1.0, 2.0], 1e-6, 1e-10) is None
