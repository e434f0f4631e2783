"""Tests of the test landscapes in descent.functions: derivatives, shapes, known minimisers, bad input."""

import numpy as np
import pytest

from descent import functions

RNG_SEED = 20261121


def _spd(n, seed):
    g = np.random.default_rng(seed).standard_normal((n, n))
    return g @ g.T + n * np.eye(n)


LANDSCAPES = {
    "wiggly": functions.Wiggly(),
    "quadratic-3d": functions.Quadratic(_spd(3, 1), center=[0.5, -1.0, 2.0]),
    "quadratic-ill": functions.Quadratic.ill_conditioned(kappa=25.0, angle=0.4, center=(1.0, -0.5)),
    "quadratic-indefinite": functions.Quadratic(np.diag([1.0, -3.0])),
    "rosenbrock": functions.Rosenbrock(),
    "rosenbrock-a2": functions.Rosenbrock(a=2.0, b=10.0),
    "saddle": functions.Saddle(),
    "monkey-saddle": functions.MonkeySaddle(),
    "plateau": functions.Plateau(),
    "plateau-narrow": functions.Plateau(width=0.6),
    "cliff": functions.Cliff(),
    "cliff-steep": functions.Cliff(height=3.0, steepness=100.0, at=1.5),
}
PARAMS = pytest.mark.parametrize("fn", LANDSCAPES.values(), ids=LANDSCAPES.keys())


def _points(fn, shape=(4, 3)):
    """Random points inside the plotting window of `fn`, with leading axes `shape`."""
    rng = np.random.default_rng(RNG_SEED)
    ext = np.asarray(fn.extent, dtype=float)
    lo = ext[0::2] if len(ext) >= 2 * fn.dim else np.full(fn.dim, -2.0)
    hi = ext[1::2] if len(ext) >= 2 * fn.dim else np.full(fn.dim, 2.0)
    return rng.uniform(lo, hi, shape + (fn.dim,))


def _central_diff(f, x, h):
    """Central differences of f (values of shape S or S + (m,)) along each coordinate of x (shape S + (n,))."""
    cols = []
    for i in range(x.shape[-1]):
        e = np.zeros(x.shape[-1])
        e[i] = h
        cols.append((f(x + e) - f(x - e)) / (2 * h))
    return np.stack(cols, axis=-1)


@PARAMS
def test_shapes_and_call(fn):
    x = _points(fn)
    assert fn.value(x).shape == (4, 3)
    assert fn.grad(x).shape == (4, 3, fn.dim)
    assert fn.hessian(x).shape == (4, 3, fn.dim, fn.dim)
    value, grad = fn(x)
    np.testing.assert_array_equal(value, fn.value(x))
    np.testing.assert_array_equal(grad, fn.grad(x))
    # one point of shape (n,) gives a scalar value
    assert np.shape(fn.value(x[0, 0])) == ()
    assert fn.grad(x[0, 0]).shape == (fn.dim,)


@PARAMS
def test_gradient_matches_central_differences(fn):
    x = _points(fn)
    h = 1e-6 if not isinstance(fn, functions.Cliff) or fn.steepness <= 10 else 1e-7
    fd = _central_diff(fn.value, x, h)
    np.testing.assert_allclose(fn.grad(x), fd, rtol=1e-5, atol=1e-5 * (1 + np.abs(fd).max()))


@PARAMS
def test_hessian_matches_differences_of_the_gradient(fn):
    x = _points(fn)
    h = 1e-6 if not isinstance(fn, functions.Cliff) or fn.steepness <= 10 else 1e-8
    fd = _central_diff(fn.grad, x, h)
    H = fn.hessian(x)
    np.testing.assert_allclose(H, fd, rtol=1e-5, atol=1e-5 * (1 + np.abs(fd).max()))
    np.testing.assert_allclose(H, np.swapaxes(H, -1, -2), atol=1e-12)


@PARAMS
def test_vectorised_equals_pointwise(fn):
    x = _points(fn, shape=(5,))
    for method in (fn.value, fn.grad, fn.hessian):
        batched = method(x)
        single = np.stack([method(p) for p in x])
        np.testing.assert_allclose(batched, single, rtol=1e-13, atol=1e-13)


@PARAMS
def test_known_minimizers_are_minima(fn):
    m = np.asarray(fn.minimizers)
    assert m.ndim == 2 and m.shape[1] == fn.dim
    for point in m:
        np.testing.assert_allclose(fn.grad(point), 0.0, atol=1e-7)
        assert np.all(np.linalg.eigvalsh(fn.hessian(point)) > 0)
        rng = np.random.default_rng(0)
        nearby = point + 1e-3 * rng.standard_normal((50, fn.dim))
        assert np.all(fn.value(nearby) >= fn.value(point))


def test_landscapes_without_a_minimiser():
    for fn in (functions.Saddle(), functions.MonkeySaddle(), functions.Quadratic(np.diag([1.0, -3.0]))):
        assert len(fn.minimizers) == 0


def test_wiggly_minima_and_global_minimum():
    w = functions.Wiggly()
    minima = w.local_minima()
    assert len(minima) == 27
    assert np.all((minima > -20) & (minima < 20)) and np.all(np.diff(minima) > 0)
    np.testing.assert_allclose(w.grad(minima[:, None]), 0.0, atol=1e-10)
    assert np.all(w.hessian(minima[:, None]) > 0)
    x_star = w.minimizers[0, 0]
    assert x_star == pytest.approx(-2.934474, abs=1e-6)
    assert float(w.value([x_star])) == pytest.approx(-1.222739, abs=1e-6)
    assert np.all(w.value(minima[:, None]) >= w.value([x_star]))
    # the grid does not miss a minimum: a dense evaluation finds no lower value
    grid = np.linspace(-20, 20, 400_001)[:, None]
    assert w.value(grid).min() >= w.value([x_star]) - 1e-9


def test_wiggly_stationary_points_alternate():
    w = functions.Wiggly()
    roots = np.sort(w.stationary_points())
    curv = w.hessian(roots[:, None])[:, 0, 0]
    assert len(roots) == 54
    assert np.all(np.sign(curv[1:]) != np.sign(curv[:-1]))  # minimum, maximum, minimum, ...


def test_wiggly_formula():
    w = functions.Wiggly()
    x = np.array([-3.0, 0.0, 1.5])
    f = (0.15 * x) ** 2 + np.cos(x) + np.sin(3 * x) / 3 + np.cos(5 * x) / 5 + np.sin(7 * x) / 7
    np.testing.assert_allclose(w.value(x[:, None]), f)


def test_quadratic_properties():
    q = functions.Quadratic.ill_conditioned(kappa=10.0, angle=0.7)
    np.testing.assert_allclose(q.eigenvalues, [1.0, 10.0])
    assert q.condition_number == pytest.approx(10.0)
    assert functions.Quadratic(np.diag([1.0, -1.0])).condition_number == np.inf
    np.testing.assert_allclose(functions.Quadratic([[2.0]]).value([3.0]), 9.0)


def test_cliff_face_and_defaults():
    c = functions.Cliff()
    assert (c.height, c.steepness, c.at) == (10.0, 10.0, 2.0)
    face = np.linalg.norm(c.grad([c.at, 0.0]))
    assert face == pytest.approx(c.height * c.steepness / 2, rel=0.01)
    valley_slope = 0.1 * abs(c.at - 4)  # the slope of 0.05 (x − 4)² at the cliff
    assert face / valley_slope == pytest.approx(250, rel=0.01)
    assert np.linalg.norm(c.grad([c.at - 1.0, 0.0])) < 0.5  # one unit before the edge the valley is gentle


def test_saddle_and_monkey_saddle_hessians():
    np.testing.assert_array_equal(functions.Saddle().hessian([0.3, -1.0]), np.diag([2.0, -2.0]))
    np.testing.assert_array_equal(functions.MonkeySaddle().hessian([0.0, 0.0]), np.zeros((2, 2)))


@PARAMS
@pytest.mark.parametrize("method", ["value", "grad", "hessian"])
def test_bad_point_shapes_raise(fn, method):
    with pytest.raises(ValueError, match="shape"):
        getattr(fn, method)(np.zeros((3, fn.dim + 1)))
    with pytest.raises(ValueError, match="shape"):
        getattr(fn, method)(1.0)


@pytest.mark.parametrize("make, error", [
    (lambda: functions.Quadratic([[1.0, 2.0], [0.0, 1.0]]), ValueError),      # not symmetric
    (lambda: functions.Quadratic([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), ValueError),  # not square
    (lambda: functions.Quadratic([1.0, 2.0]), ValueError),                    # not a matrix
    (lambda: functions.Quadratic(np.eye(2), center=[1.0, 2.0, 3.0]), ValueError),
    (lambda: functions.Quadratic([["a", "b"], ["c", "d"]]), TypeError),
    (lambda: functions.Quadratic.ill_conditioned(kappa=-1.0), ValueError),
    (lambda: functions.Rosenbrock(b=0.0), ValueError),
    (lambda: functions.Plateau(width=0.0), ValueError),
    (lambda: functions.Cliff(height=-1.0), ValueError),
    (lambda: functions.Cliff(steepness=np.inf), ValueError),
])
def test_bad_parameters_raise(make, error):
    with pytest.raises(error):
        make()


@pytest.mark.parametrize("H, kind", [
    (np.diag([2.0, 3.0]), "minimum"),
    (-np.diag([2.0, 3.0]), "maximum"),
    (np.diag([2.0, -2.0]), "saddle"),
    ([[1.0, 2.0], [2.0, 1.0]], "saddle"),
    (np.zeros((2, 2)), "degenerate"),
    (np.diag([1.0, 0.0, -1.0]), "saddle"),
    (np.diag([1.0, 1e-12]), "degenerate"),
    ([[5.0]], "minimum"),
])
def test_classify_stationary_point(H, kind):
    assert functions.classify_stationary_point(H) == kind


def test_classify_the_landscapes_stationary_points():
    classify = functions.classify_stationary_point
    assert classify(functions.Saddle().hessian([0.0, 0.0])) == "saddle"
    assert classify(functions.MonkeySaddle().hessian([0.0, 0.0])) == "degenerate"
    assert classify(functions.Rosenbrock().hessian([1.0, 1.0])) == "minimum"
    assert classify(functions.Plateau().hessian([0.0, 0.0])) == "minimum"
    w = functions.Wiggly()
    kinds = {classify(w.hessian([x])) for x in w.local_minima()}
    assert kinds == {"minimum"}


@pytest.mark.parametrize("H, tol, error", [
    ([[1.0, 2.0], [0.0, 1.0]], 1e-8, ValueError),
    ([1.0, 2.0], 1e-8, ValueError),
    (np.eye(2), -1.0, ValueError),
    ([[np.nan, 0.0], [0.0, 1.0]], 1e-8, ValueError),
    ("H", 1e-8, TypeError),
])
def test_classify_rejects_bad_input(H, tol, error):
    with pytest.raises(error):
        functions.classify_stationary_point(H, tol)


def test_basin_of_the_wiggly_global_minimum():
    wiggly = functions.Wiggly()
    a, b = functions.basin(wiggly, wiggly.minimizers[0, 0])
    assert a == pytest.approx(-4.081, abs=1e-3) and b == pytest.approx(-2.374, abs=1e-3)
    assert wiggly.hessian([[a]])[0, 0, 0] < 0 and wiggly.hessian([[b]])[0, 0, 0] < 0
