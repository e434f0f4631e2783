"""Tests of descent.newton: where damped Newton ends, as a function of the damping."""

import numpy as np
import pytest

import descent
from descent import functions
from descent.newton import newton_endpoints


def test_undamped_newton_from_minus_20_ends_at_the_wiggly_maximum():
    ends = newton_endpoints(functions.Wiggly(), [-20.0], [0.0])
    assert ends.kinds.tolist() == ["maximum"]
    assert ends.finals[0, 0] == pytest.approx(-18.72289, abs=1e-5)


def test_large_damping_ends_at_the_neighbouring_minimum():
    ends = newton_endpoints(functions.Wiggly(), [-20.0], [0.5, 2.0, 20.0])
    assert ends.kinds.tolist() == ["minimum"] * 3
    np.testing.assert_allclose(ends.finals[:, 0], -19.227060, atol=1e-5)


def test_the_map_agrees_with_single_runs():
    f, dampings = functions.Wiggly(), np.array([0.0, 0.25, 0.3, 0.362, 1.0])
    ends = newton_endpoints(f, [-20.0], dampings, steps=200)
    for lam, final in zip(dampings, ends.finals):
        single = descent.run(descent.Newton(damping=lam), f, np.array([-20.0]), steps=200).final
        np.testing.assert_array_equal(single, final)


def test_saddle_attracts_for_small_damping_and_repels_beyond_one():
    # on x² − y² the damped step multiplies y by λ/(λ − 2): |·| < 1 exactly when λ < 1
    ends = newton_endpoints(functions.Saddle(), [1.0, 1.0], [0.0, 0.5, 1.5, 3.0], steps=200)
    assert ends.kinds.tolist() == ["saddle", "saddle", "diverged", "diverged"]


def test_a_run_that_has_not_settled_is_reported_as_such():
    ends = newton_endpoints(functions.Wiggly(), [-20.0], [0.0, 0.5], steps=1)
    assert ends.kinds.tolist() == ["not converged"] * 2


def test_repr_counts_the_kinds():
    assert repr(newton_endpoints(functions.Wiggly(), [-20.0], [0.0, 0.0, 1.0])) == \
        "Endpoints(3 dampings: 2 maximum, 1 minimum)"


@pytest.mark.parametrize("kwargs,match", [
    (dict(x0=[[-20.0]], dampings=[0.0]), "x0"),
    (dict(x0=[-20.0], dampings=[[0.0]]), "dampings"),
    (dict(x0=[-20.0], dampings=[]), "dampings"),
    (dict(x0=[-20.0], dampings=[-1.0]), "dampings"),
    (dict(x0=[-20.0], dampings=[0.0], tol=0.0), "tol"),
])
def test_bad_arguments_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        newton_endpoints(functions.Wiggly(), **kwargs)
