"""descent.run and Trajectory: paths, divergence reported cleanly, plain callables, clipping, bad input."""

import warnings

import numpy as np
import pytest

import descent
from descent import functions

BOWL = functions.Quadratic([[2.0]])


def test_a_path_starts_at_x0_and_has_steps_plus_one_points():
    traj = descent.run(descent.SGD(lr=0.1), BOWL, [1.0], steps=7)
    assert traj.xs.shape == (8, 1) and traj.xs[0, 0] == 1.0
    assert traj.values.shape == (8,) and traj.grad_norms.shape == (8,)
    assert traj.diverged_at is None and not traj.diverged


def test_divergence_is_reported_with_no_warning_and_frozen_at_nan():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = descent.run(descent.SGD(lr=1.1), BOWL, [1.0], steps=500)
        values = traj.values
    # |x_t| = 1.2^t crosses 1e6 at t = ceil(log(1e6)/log(1.2)) = 76
    assert traj.diverged_at == 76
    assert np.isfinite(traj.xs[:76]).all() and np.isnan(traj.xs[76:]).all()
    assert np.isnan(values[76:]).all()
    assert "diverged at step 76" in repr(traj)


def test_overflow_to_inf_is_divergence_too():
    traj = descent.run(descent.SGD(lr=1.0), functions.Quadratic([[1e200]]), [1e200], steps=5, bound=1e300)
    assert traj.diverged_at == 1


def test_a_sweep_reports_divergence_per_run_and_the_others_go_on():
    lrs = np.array([0.1, 0.9, 1.1])[:, None]
    traj = descent.run(descent.SGD(lr=lrs), BOWL, np.ones((3, 1)), steps=100)
    np.testing.assert_array_equal(traj.diverged_at, [-1, -1, 76])
    np.testing.assert_array_equal(traj.diverged, [False, False, True])
    assert abs(traj.final[0, 0]) < 1e-9 and np.isnan(traj.final[2, 0])
    assert "1 diverged" in repr(traj)


def test_a_plain_callable_works_and_records_values():
    def f(x):
        return float(x @ x), 2 * x

    traj = descent.run(descent.SGD(lr=0.25), f, [1.0, -2.0], steps=3)
    np.testing.assert_allclose(traj.xs[-1], [0.125, -0.25])
    np.testing.assert_allclose(traj.values, [5.0, 1.25, 0.3125, 0.078125])


def test_newton_runs_with_the_landscapes_hessian():
    traj = descent.run(descent.Newton(), functions.Rosenbrock(), [-1.5, 2.0], steps=10)
    np.testing.assert_allclose(traj.final, [1.0, 1.0], atol=1e-10)


def test_clip_norm_bounds_every_step():
    traj = descent.run(descent.SGD(lr=0.1), functions.Cliff(), [0.0, 1.0], steps=200, clip_norm=1.0)
    assert np.all(np.linalg.norm(np.diff(traj.xs, axis=0), axis=-1) <= 0.1 + 1e-12)


def test_clip_by_norm():
    g = np.array([[3.0, 4.0], [0.3, 0.4]])
    np.testing.assert_allclose(descent.clip_by_norm(g, 1.0), [[0.6, 0.8], [0.3, 0.4]])


def test_run_resets_the_optimizer():
    opt = descent.Adam(lr=0.1)
    a = descent.run(opt, BOWL, [1.0], steps=5)
    b = descent.run(opt, BOWL, [1.0], steps=5)
    np.testing.assert_array_equal(a.xs, b.xs)


def test_run_does_not_modify_x0():
    x0 = np.array([1.0])
    descent.run(descent.SGD(lr=0.1), BOWL, x0, steps=5)
    assert x0[0] == 1.0


@pytest.mark.parametrize("kwargs, error, words", [
    ({"x0": [np.nan]}, ValueError, "x0 must be finite"),
    ({"x0": [np.inf]}, ValueError, "x0 must be finite"),
    ({"x0": "1.0"}, TypeError, "x0"),
    ({"steps": -1}, ValueError, "steps"),
    ({"steps": 2.5}, TypeError, "steps"),
    ({"bound": 0.0}, ValueError, "bound"),
    ({"clip_norm": -1.0}, ValueError, "clip_norm"),
    ({"fn": 3}, TypeError, "fn must be"),
    ({"x0": [1.0, 2.0]}, ValueError, r"shape \(\.\.\., 1\)"),
])
def test_bad_input_gives_a_clear_error(kwargs, error, words):
    args = {"opt": descent.SGD(lr=0.1), "fn": BOWL, "x0": [1.0], "steps": 3} | kwargs
    with pytest.raises(error, match=words):
        descent.run(**args)


def test_steps_on_stream_matches_the_update_rules():
    from descent.trajectory import steps_on_stream

    grads = np.array([[1.0, -2.0], [0.5, 0.0], [3.0, 1.0]])
    np.testing.assert_allclose(steps_on_stream(descent.SGD(lr=0.1), grads), 0.1 * grads)
    s = np.cumsum(grads**2, axis=0)
    np.testing.assert_allclose(steps_on_stream(descent.AdaGrad(lr=0.1), grads),
                               0.1 * grads / (np.sqrt(s) + 1e-10))
    one_d = steps_on_stream(descent.SGD(lr=1.0), [1.0, 2.0])           # a stream of scalars: θ is 0-d
    np.testing.assert_allclose(one_d, [1.0, 2.0])


def test_steps_on_stream_rejects_an_empty_stream():
    from descent.trajectory import steps_on_stream

    with pytest.raises(ValueError, match="grads"):
        steps_on_stream(descent.SGD(), np.zeros((0, 2)))
