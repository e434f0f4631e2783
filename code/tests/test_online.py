"""descent.online: the online game, its losses and regret, written out by hand; the AdaGrad regret bound of chapter 15
(proved there) on the problems the chapter runs and on random ones; Reddi et al.'s counterexample as stated."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import descent
from descent import online, schedules


def test_linear_losses_are_reddis():
    losses = online.LinearLosses(3.0)
    assert [losses(t, 0.5)[1] for t in range(1, 7)] == [3.0, -1.0, -1.0, 3.0, -1.0, -1.0]
    assert losses(4, 0.5)[0] == 1.5 and losses(5, 0.5)[0] == -0.5
    assert losses.best(300) == (-1.0, -100.0)  # C − 2 = 1 per period, at x = −1
    synthetic = online.LinearLosses(1010, period=101, slope=10)
    assert synthetic.best(101 * 5) == (-1.0, -50.0)
    assert online.LinearLosses(1.5).best(30) == (1.0, -5.0)  # C < 2: the other end wins


def test_play_is_projected_gradient_descent_written_out():
    losses, alpha = online.LinearLosses(3.0), 0.3
    paid, xs = online.play(descent.SGD(lr=alpha), losses, np.array([0.2, -0.4]), 50, iterates=True)
    x, by_hand = np.array([0.2, -0.4]), []
    for t in range(1, 51):
        g = 3.0 if t % 3 == 1 else -1.0
        by_hand.append(g * x)
        x = np.clip(x - alpha * g, -1, 1)
    np.testing.assert_allclose(paid, by_hand)
    np.testing.assert_allclose(xs[-1], x)
    assert xs.shape == (51, 2) and paid.shape == (50, 2)


def test_regret_is_paid_minus_the_best_point():
    losses = online.LinearLosses(3.0)
    paid = online.play(descent.SGD(lr=0.1), losses, np.zeros(1), 30)
    best = np.cumsum([(3.0 if t % 3 == 1 else -1.0) * -1.0 for t in range(1, 31)])
    np.testing.assert_allclose(online.regret(losses, paid)[:, 0], np.cumsum(paid[:, 0]) - best)
    np.testing.assert_allclose(online.regret(losses, paid, comparator=0.5)[:, 0],
                               np.cumsum(paid[:, 0]) - 0.5 * best / -1.0)


def test_logistic_stream_gradient_and_loss():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(4, 3)), np.array([0.0, 1.0, 1.0, 0.0])
    stream, theta = online.LogisticStream(X, y), rng.normal(size=3)
    for t in range(1, 5):
        value, grad = stream(t, theta)
        z = X[t - 1] @ theta
        assert value == pytest.approx(np.log1p(np.exp(z)) - y[t - 1] * z)
        numeric = [(stream(t, theta + h)[0] - stream(t, theta - h)[0]) / 2e-6 for h in 1e-6 * np.eye(3)]
        np.testing.assert_allclose(grad, numeric, rtol=1e-6)


def test_logistic_streams_side_by_side_broadcast_against_runs():
    """X of shape (T, S, 1, d) and θ of shape (S, L, d): S streams, L runs on each."""
    data = [online.sparse_features(20, 5, seed=s) for s in range(2)]
    X, y = np.stack([d[0] for d in data], 1)[:, :, None], np.stack([d[1] for d in data], 1)[:, :, None]
    lrs = np.array([0.1, 1.0])
    paid = online.play(descent.AdaGrad(lr=lrs[:, None]), online.LogisticStream(X, y), np.zeros((2, 2, 5)), 20)
    for s in range(2):
        for j, lr in enumerate(lrs):
            alone = online.play(descent.AdaGrad(lr=lr), online.LogisticStream(*data[s][:2]), np.zeros(5), 20)
            np.testing.assert_allclose(paid[:, s, j], alone)


def test_sparse_features_frequencies():
    X, y, theta_star = online.sparse_features(20_000, 6, seed=3)
    np.testing.assert_allclose(X.mean(axis=0), 1 / (np.arange(6) + 2), atol=0.01)
    assert set(np.unique(y)) == {0.0, 1.0} and set(np.abs(theta_star)) == {2.0}
    np.testing.assert_array_equal(X, online.sparse_features(20_000, 6, seed=3)[0])


def adagrad_bound(opt, width, alpha, eps):
    """Σ_i [D_i²(√s_i + ε)/(2α) + α√s_i] over the coordinates that saw a gradient (chapter 15's theorem)."""
    root = np.sqrt(opt.state["s"])
    return np.sum(np.where(root > 0, width**2 * (root + eps) / (2 * alpha) + alpha * root, 0.0), axis=-1)


@pytest.mark.parametrize("alpha", [0.01, 0.1, 1.0, 10.0])
def test_adagrad_regret_bound_on_reddis_problem(alpha):
    losses, opt = online.LinearLosses(3.0), descent.AdaGrad(lr=alpha)
    for steps in (10, 100, 3000):
        paid = online.play(opt, losses, np.ones(1), steps)
        assert online.regret(losses, paid)[-1, 0] <= adagrad_bound(opt, 2.0, alpha, opt.eps)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 1000), alpha=st.floats(0.01, 5.0), bound=st.floats(0.5, 4.0))
def test_adagrad_regret_bound_on_sparse_logistic_streams(seed, alpha, bound):
    """Against any comparator in the box, here a random one, at every horizon checked."""
    X, y, _ = online.sparse_features(300, 8, seed=seed)
    stream, opt = online.LogisticStream(X, y), descent.AdaGrad(lr=alpha)
    comparator = np.random.default_rng(seed).uniform(-bound, bound, 8)
    for steps in (50, 300):
        stream_t = online.LogisticStream(X[:steps], y[:steps])
        paid = online.play(opt, stream_t, np.zeros(8), steps, bound=bound)
        assert online.regret(stream_t, paid, comparator)[-1] <= adagrad_bound(opt, 2 * bound, alpha, opt.eps)


def test_reddis_counterexample_adam_goes_to_the_worst_point_amsgrad_does_not():
    """Theorem 1's setting: C = 3, β₁ = 0, β₂ = 1/(1 + C²), α_t = α/√t; Adam ends at x = +1 (average regret about
    2/3), AMSGrad near the best point −1 (average regret near 0), from any start."""
    losses, beta2, alphas = online.LinearLosses(3.0), 1 / 10, np.array([0.5, 1.0, 2.0])
    for amsgrad, x0 in ((False, 1.0), (False, 0.0), (True, 1.0), (True, 0.0)):
        lr = schedules.Lambda(alphas, lambda t: 1 / np.sqrt(t + 1))
        opt = descent.Adam(lr=lr, beta1=0.0, beta2=beta2, amsgrad=amsgrad)
        paid, xs = online.play(opt, losses, np.full(len(alphas), x0), 3000, iterates=True)
        average = online.regret(losses, paid)[-1] / 3000
        if amsgrad:
            assert np.all(xs[-1] < -0.9) and np.all(average < 0.1)
        else:
            assert np.all(xs[-1] == 1.0) and np.all(average > 0.6)
