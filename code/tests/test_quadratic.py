"""Tests of descent.quadratic: the per-eigen-direction analysis agrees with the optimizers it describes."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import descent
from descent import functions, quadratic

OPTIMIZERS = {"gd": lambda lr, beta: descent.SGD(lr), "momentum": descent.Momentum, "nesterov": descent.Nesterov}


def _run_1d(method, lam, lr, beta, steps, x0=1.0):
    opt = OPTIMIZERS[method](lr, beta)
    x, xs = np.array([x0]), [x0]
    for _ in range(steps):
        x = opt.step(x, lam * x)
        xs.append(x[0])
    return np.array(xs)


@pytest.mark.parametrize("method", quadratic.METHODS)
@given(lam=st.floats(0.1, 10), lr=st.floats(0.01, 1), beta=st.floats(0, 0.99))
@settings(max_examples=40, deadline=None)
def test_iteration_matrix_reproduces_the_optimizer(method, lam, lr, beta):
    xs = _run_1d(method, lam, lr, beta, steps=6)
    M = quadratic.iteration_matrix(lam, lr, beta, method)
    state = np.array([xs[0], 0.0])  # (θ₀, v₀ = 0)
    for t in range(1, 7):
        state = M @ state
        assert state[0] == pytest.approx(xs[t], rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("method", quadratic.METHODS)
def test_spectral_radius_is_the_largest_eigenvalue_modulus(method):
    rng = np.random.default_rng(0)
    lam, lr, beta = rng.uniform(0.1, 5, 50), rng.uniform(0.01, 2, 50), rng.uniform(0, 0.99, 50)
    eig = np.abs(np.linalg.eigvals(quadratic.iteration_matrix(lam, lr, beta, method))).max(axis=-1)
    np.testing.assert_allclose(quadratic.spectral_radius(lam, lr, beta, method), eig, rtol=1e-7)


@pytest.mark.parametrize("method, lr, beta", [("gd", 0.15, 0.0), ("momentum", 0.3, 0.8), ("nesterov", 0.3, 0.8),
                                              ("momentum", 0.6, 0.5), ("nesterov", 0.05, 0.95)])
def test_rate_matches_measured_rate_on_a_quadratic(method, lr, beta):
    bowl = functions.Quadratic(np.diag([0.5, 2.0, 9.0]))
    predicted = quadratic.rate(bowl.eigenvalues, lr, beta, method)
    steps = int(min(3000, 150 / -np.log10(predicted)))  # stay far above the float underflow
    traj = descent.run(OPTIMIZERS[method](lr, beta), bowl, np.ones(3), steps=steps, bound=1e300)
    assert quadratic.measured_rate(traj.xs, burn_in=steps // 3) == pytest.approx(predicted, abs=2e-3)


@pytest.mark.parametrize("kappa", [4.0, 25.0, 100.0])
def test_optimal_rates_are_achieved_and_measured(kappa):
    m, L = 1.0, kappa
    eigs = np.array([m, np.sqrt(m * L), L])
    bowl = functions.Quadratic(np.diag(eigs))
    lr, rate = quadratic.optimal_gd(m, L)
    assert rate == pytest.approx((kappa - 1) / (kappa + 1))
    assert quadratic.rate(eigs, lr, 0.0, "gd") == pytest.approx(rate)
    lr, beta, rate = quadratic.optimal_momentum(m, L)
    assert rate == pytest.approx((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1))
    assert quadratic.rate(eigs, lr, beta) == pytest.approx(rate, rel=1e-6)
    steps = int(150 / -np.log10(rate))
    traj = descent.run(descent.Momentum(lr, beta), bowl, np.ones(3), steps=steps, bound=1e300)
    assert quadratic.measured_rate(traj.xs, burn_in=steps // 3) == pytest.approx(rate, abs=5e-3)
    lr, beta, rate = quadratic.nesterov_parameters(m, L)
    assert rate == pytest.approx(1 - 1 / np.sqrt(kappa))
    assert quadratic.rate(eigs, lr, beta, "nesterov") == pytest.approx(rate, rel=1e-6)


def test_optimal_momentum_in_torch_convention():
    lr, beta, _ = quadratic.optimal_momentum(2.0, 50.0)
    assert lr * (1 - beta) == pytest.approx(4 / (np.sqrt(50.0) + np.sqrt(2.0)) ** 2)


@pytest.mark.parametrize("kappa", [3.0, 30.0, 300.0])
def test_no_parameters_beat_polyak_on_the_interval(kappa):
    lrs = np.logspace(-3, 1, 200)[:, None] / kappa
    betas = np.linspace(0, 0.999, 200)[None, :]
    grid_best = quadratic.rate(np.array([1.0, kappa]), lrs, betas).min()
    assert grid_best >= quadratic.optimal_momentum(1.0, kappa)[2] - 1e-12
    gd_best = quadratic.rate(np.array([1.0, kappa]), np.logspace(-3, 1, 2000) / kappa, 0.0, "gd").min()
    assert gd_best >= quadratic.optimal_gd(1.0, kappa)[1] - 1e-12


@pytest.mark.parametrize("method", quadratic.METHODS)
@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9])
def test_max_stable_lr_is_where_the_spectral_radius_crosses_one(method, beta):
    limit = quadratic.max_stable_lr(2.0, beta, method)
    assert quadratic.spectral_radius(2.0, limit * 0.999, beta, method) < 1
    assert quadratic.spectral_radius(2.0, limit * 1.001, beta, method) > 1


def test_rate_broadcasts_to_a_map():
    out = quadratic.rate(np.array([1.0, 10.0]), np.ones((3, 1)) * 0.1, np.linspace(0, 0.9, 4))
    assert out.shape == (3, 4)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="method"):
        quadratic.iteration_matrix(1.0, 0.1, 0.5, method="adam")
    with pytest.raises(ValueError, match="beta"):
        quadratic.spectral_radius(1.0, 0.1, 1.0)
    with pytest.raises(ValueError, match="lr"):
        quadratic.spectral_radius(1.0, -0.1, 0.5)
    with pytest.raises(ValueError, match="m "):
        quadratic.optimal_momentum(10.0, 1.0)
    with pytest.raises(ValueError, match="eigenvalues"):
        quadratic.rate(np.ones((2, 2)), 0.1)
    with pytest.raises(ValueError, match="burn_in"):
        quadratic.measured_rate(np.ones((5, 2)), burn_in=4)
    with pytest.raises(TypeError, match="lam"):
        quadratic.spectral_radius("one", 0.1)


def test_lessard_is_smooth_strongly_convex_with_kappa_25():
    f = functions.Lessard()
    x = np.linspace(-5, 5, 10_001)[:, None]
    g = f.grad(x)[:, 0]
    slopes = np.diff(g) / np.diff(x[:, 0])
    assert slopes.min() >= 1 - 1e-9 and slopes.max() <= 25 + 1e-9
    np.testing.assert_allclose(np.gradient(f.value(x), x[:, 0])[1:-1], g[1:-1], atol=1e-2)  # kinks of f″
    assert f.value([0.0]) == 0 and f.grad([0.0])[0] == 0


def test_polyak_parameters_cycle_on_lessard_but_converge_on_its_quadratic_pieces():
    lr, beta, _ = quadratic.optimal_momentum(1.0, 25.0)
    cycle = descent.run(descent.Momentum(lr, beta), functions.Lessard(), [3.3], steps=300).xs[:, 0]
    np.testing.assert_allclose(cycle[-3:], cycle[-6:-3], atol=1e-9)  # period 3
    assert np.abs(cycle[-3:]).min() > 0.5
    for lam in (1.0, 25.0):
        piece = descent.run(descent.Momentum(lr, beta), functions.Quadratic([[lam]]), [3.3], steps=300)
        assert abs(piece.final[0]) < 1e-20


def test_measured_rate_survives_iterates_near_the_underflow_limit():
    xs = 0.5 ** np.arange(1000.0)[:, None] * np.array([[3.0, 4.0]])  # |θ_t| = 5·2^−t, down to 1e-300
    assert quadratic.measured_rate(xs, burn_in=500) == pytest.approx(0.5, rel=1e-12)
