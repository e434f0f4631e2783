"""The linear-regression landscape of chapter 9 and the input transforms: value, gradient, Hessian against
finite differences and numpy's least squares, exact GD predictions against runs, whitening."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import descent
from descent import data, linear

RNG = np.random.default_rng(0)
X = RNG.normal(size=(30, 3)) * np.array([1.0, 10.0, 0.1]) + np.array([0.0, 5.0, 1.0])
Y = X @ np.array([1.0, -0.2, 3.0]) + 0.1 * RNG.normal(size=30)


def test_value_grad_hessian():
    f = linear.LinearRegression(X, Y)
    theta = np.array([0.3, -0.1, 2.0])
    assert f.value(theta) == pytest.approx(np.sum((X @ theta - Y) ** 2) / 60)
    eps = 1e-6
    numeric = [(f.value(theta + eps * e) - f.value(theta - eps * e)) / (2 * eps) for e in np.eye(3)]
    np.testing.assert_allclose(f.grad(theta), numeric, rtol=1e-6)
    np.testing.assert_allclose(f.hessian(theta), X.T @ X / 30)


def test_vectorised_over_leading_axes():
    f = linear.LinearRegression(X, Y)
    thetas = RNG.normal(size=(4, 5, 3))
    assert f.value(thetas).shape == (4, 5)
    assert f.grad(thetas).shape == (4, 5, 3)
    assert f.hessian(thetas).shape == (4, 5, 3, 3)
    np.testing.assert_allclose(f.grad(thetas)[2, 3], f.grad(thetas[2, 3]))


def test_minimizer_condition_number_and_stable_lr():
    f = linear.LinearRegression(X, Y)
    np.testing.assert_allclose(f.minimizers[0], np.linalg.lstsq(X, Y, rcond=None)[0])
    np.testing.assert_allclose(f.grad(f.minimizers[0]), 0, atol=1e-12)
    assert f.condition_number == pytest.approx(np.linalg.cond(X.T @ X))
    assert f.max_stable_lr == pytest.approx(2 / np.linalg.eigvalsh(X.T @ X / 30).max())
    below = descent.run(descent.SGD(lr=0.99 * f.max_stable_lr), f, np.zeros(3), steps=20_000)
    above = descent.run(descent.SGD(lr=1.01 * f.max_stable_lr), f, np.zeros(3), steps=20_000)
    assert not below.diverged and above.diverged


def test_dependent_columns_have_infinite_condition_number():
    f = linear.LinearRegression(np.column_stack([X[:, 0], 2 * X[:, 0]]), Y)
    assert f.condition_number == np.inf


def test_gd_loss_gap_and_iterations_match_a_run():
    f = linear.LinearRegression(X, Y)
    lr, x0 = 1 / f.eigenvalues[-1], np.zeros(3)
    traj = descent.run(descent.SGD(lr=lr), f, x0, steps=300)
    np.testing.assert_allclose(f.gd_loss_gap(lr, x0, np.arange(301)), traj.values - f.min_value,
                               rtol=1e-6, atol=1e-12)
    tol = 1e-3
    n = f.gd_iterations(lr, x0, tol)
    gaps = descent.run(descent.SGD(lr=lr), f, x0, steps=n + 5).values - f.min_value
    assert n == int(np.argmax(gaps <= tol)) and gaps[n - 1] > tol
    assert f.gd_iterations(lr, x0, 1e-30, max_steps=100) == np.inf
    assert f.gd_iterations(lr, f.minimizers[0], 1e-9) == 0


def test_add_intercept():
    Xi = linear.add_intercept(X)
    np.testing.assert_array_equal(Xi[:, 0], 1.0)
    np.testing.assert_array_equal(Xi[:, 1:], X)


@given(st.integers(min_value=0, max_value=10_000))
def test_pca_whitening_gives_identity_covariance_and_condition_number_one(seed):
    rng = np.random.default_rng(seed)
    mix = rng.normal(size=(4, 4)) + 3 * np.eye(4)
    X_train = rng.normal(size=(50, 4)) @ mix * np.array([1.0, 100.0, 0.01, 5.0]) + 7.0
    X_test = rng.normal(size=(9, 4)) @ mix
    W_train, W_test, (mean, W) = linear.pca_whiten(X_train, X_test)
    np.testing.assert_allclose(W_train.mean(axis=0), 0, atol=1e-8)
    np.testing.assert_allclose(W_train.T @ W_train / 50, np.eye(4), atol=1e-8)
    np.testing.assert_allclose(W_test, (X_test - mean) @ W)
    f = linear.LinearRegression(linear.add_intercept(W_train), rng.normal(size=50))
    assert f.condition_number == pytest.approx(1.0, abs=1e-6)


def test_standardising_is_not_whitening_on_wine():
    wine = data.wine()
    S_train, _, _ = data.standardize(wine.X_train, wine.X_test)
    assert linear.LinearRegression(S_train, wine.y_train).condition_number > 10


@pytest.mark.parametrize("build, error", [
    (lambda: linear.LinearRegression(np.ones(5), np.ones(5)), ValueError),
    (lambda: linear.LinearRegression(X, np.ones(29)), ValueError),
    (lambda: linear.LinearRegression(X, Y).value(np.zeros(2)), ValueError),
    (lambda: linear.LinearRegression(X, Y).gd_loss_gap(0.1, np.zeros(3), -1), ValueError),
    (lambda: linear.LinearRegression(X, Y).gd_loss_gap(0.1, np.zeros(3), 1.5), ValueError),
    (lambda: linear.LinearRegression(X, Y).gd_loss_gap(0.0, np.zeros(3), 1), ValueError),
    (lambda: linear.pca_whiten(X, X[:, :2]), ValueError),
    (lambda: linear.pca_whiten(np.column_stack([X[:, 0], X[:, 0]]), X[:, :2]), ValueError),
    (lambda: linear.add_intercept("abc"), TypeError),
])
def test_bad_input(build, error):
    with pytest.raises(error):
        build()
