"""descent.diagnostics (gradient check, update-to-weight ratios, dead and saturated units) and the argument checks
of descent.curvature, which need no torch."""

import numpy as np
import pytest

import descent
from descent import curvature, diagnostics, layers, nn


def batch(n=20, d=5, k=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, d)), rng.integers(0, k, n)


def checker(net, X, y, scale=1.0):
    def loss_and_grad(theta):
        net.theta = theta
        loss, grad = net.loss_and_grad(X, y)
        return loss, scale * grad
    return loss_and_grad


def test_relative_error_is_scale_free_and_zero_over_zero_is_zero():
    assert diagnostics.relative_error([1.0, 0.0, -2.0], [1.0, 0.0, -2.0]) == 0.0
    assert diagnostics.relative_error([1e-9, 2.0], [1.1e-9, 2.0]) == pytest.approx(0.1 / 1.1)
    with pytest.raises(ValueError, match="same shape"):
        diagnostics.relative_error([1.0], [1.0, 2.0])


@pytest.mark.parametrize("net_factory", [lambda: nn.MLP((5, 8, 8, 3), activation="tanh", seed=1),
                                         lambda: layers.NormMLP((5, 8, 8, 3), norm="layer", activation="gelu"),
                                         lambda: layers.ResidualMLP((5, 8, 8, 8, 3), activation="silu", seed=2)])
def test_gradient_check_passes_correct_gradients_and_catches_a_one_percent_error(net_factory):
    net, (X, y) = net_factory(), batch()
    start = net.theta.copy()
    assert diagnostics.gradient_check(checker(net, X, y), start) < 1e-6
    np.testing.assert_array_equal(net.theta, start)              # left as it was
    wrong = diagnostics.gradient_check(checker(net, X, y, scale=1.01), start, n_coords=20, seed=3)
    assert 0.009 < wrong < 0.011


def test_numerical_gradient_of_a_quadratic_and_its_coordinates():
    theta = np.array([1.0, -2.0, 3.0])
    np.testing.assert_allclose(diagnostics.numerical_gradient(lambda t: t @ t, theta), 2 * theta, rtol=1e-9)
    np.testing.assert_allclose(diagnostics.numerical_gradient(lambda t: t @ t, theta, coords=[2]), [6.0])
    assert theta.tolist() == [1.0, -2.0, 3.0]


def test_update_ratios_of_an_sgd_step():
    net, (X, y) = nn.MLP((5, 6, 3), seed=0, n_models=2), batch()
    before = net.theta.copy()
    grad = net.loss_and_grad(X, y)[1]
    after = descent.SGD(lr=0.1).step(before, grad)
    expected = 0.1 * net.layer_grad_norms(grad) / np.stack([np.linalg.norm(W, axis=(-2, -1)) for W in net.weights], -1)
    np.testing.assert_allclose(diagnostics.update_ratios(net, before, after), expected, rtol=1e-12)


def test_dead_units_are_the_never_active_relus_and_saturation_follows_f_prime():
    X, _ = batch(50)
    net = nn.MLP((5, 10, 10, 3), seed=0)
    net.biases[0][:4] = -100.0                                   # four units of layer 1 are never active
    dead = diagnostics.dead_units(net, X)
    chapter_2 = [np.mean(np.all(a <= 0, axis=0)) for a in net.activations(X)]
    np.testing.assert_array_equal(dead, chapter_2)
    assert dead[0] == 0.4
    tanh = nn.MLP((5, 10, 10, 3), activation="tanh", init="normal", scale=5.0, seed=0, n_models=2)
    assert np.all(diagnostics.dead_units(tanh, X) == 0)
    saturated = diagnostics.saturated_units(tanh, X)
    assert saturated.shape == (2, 2) and np.all(saturated > 0.5)
    z = tanh._forward(X)[0][0]
    np.testing.assert_allclose(saturated[:, 0], np.mean(np.abs(z) > np.arctanh(np.sqrt(0.95)), axis=(-2, -1)))


def test_signal_rms_explodes_with_unscaled_skips_and_stays_order_one_with_scaled_ones():
    X = descent.data.digits().X_train[:200]
    sizes = (64,) + (32,) * 29 + (10,)                                  # 30 weight layers
    unscaled = diagnostics.signal_rms(layers.ResidualMLP(sizes, seed=0), X)
    scaled = diagnostics.signal_rms(layers.ResidualMLP(sizes, seed=0, branch_scale=1 / np.sqrt(30)), X)
    plain = nn.MLP(sizes, seed=0, n_models=2)
    assert unscaled.shape == (29,) and unscaled[-1] > 1e3 * unscaled[0]   # ≈ 2^(L/2): the forward pass explodes
    assert np.all((scaled > 0.3) & (scaled < 3))
    np.testing.assert_allclose(diagnostics.signal_rms(plain, X)[1],
                               [np.sqrt(np.mean(a[1] ** 2)) for a in plain.activations(X)], rtol=1e-12)


def test_lr_range_test_spans_the_learning_rates_and_leaves_the_net_as_it_was():
    digits = descent.data.digits()
    net = layers.NormMLP((64, 32, 10), norm="batch", seed=0, n_models=2)
    start, mean = net.theta.copy(), net.norms[0].running_mean.copy()
    lrs, losses = diagnostics.lr_range_test(net, descent.SGD, digits.X_train, digits.y_train, lr_min=1e-3,
                                            lr_max=1e3, steps=120)
    np.testing.assert_allclose(lrs[[0, 60, -1]], [1e-3, 10 ** (-3 + 6 * 60 / 119), 1e3])
    assert losses.shape == (120, 2) and np.all(np.isfinite(losses[:30]))
    assert np.all(np.nanmin(losses, axis=0) < 0.5 * losses[0])           # it learns somewhere in the range …
    assert np.all(np.isnan(losses[-1]) | (losses[-1] > np.nanmin(losses, axis=0) + 1))  # … and fails at the end
    np.testing.assert_array_equal(net.theta, start)
    np.testing.assert_array_equal(net.norms[0].running_mean, mean)
    plain = nn.MLP((64, 16, 10), seed=0)
    _, diverging = diagnostics.lr_range_test(plain, descent.SGD, digits.X_train, digits.y_train, lr_max=1e6, steps=80)
    assert not diverging[-1] < 10 and np.all(np.isfinite(diverging[:20]))   # NaN or a huge loss at α = 10⁶


def test_bad_arguments_are_named():
    net, (X, y) = nn.MLP((5, 4, 3)), batch()
    with pytest.raises(TypeError, match="net must be a descent.nn.MLP"):
        diagnostics.dead_units("net", X)
    with pytest.raises(ValueError, match="after must have the shape of net.theta"):
        diagnostics.update_ratios(net, net.theta, np.zeros(3))
    with pytest.raises(ValueError, match="theta must be a 1-D"):
        diagnostics.gradient_check(checker(net, X, y), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="lr_min must be < lr_max"):
        diagnostics.lr_range_test(net, descent.SGD, X, y, lr_min=1.0, lr_max=0.1)
    with pytest.raises(ValueError, match="threshold must be > 0"):
        diagnostics.saturated_units(net, X, threshold=0)
    with pytest.raises(ValueError, match="loss must be one of"):
        curvature.hvp(net, X, y, net.theta, loss="hinge")
    with pytest.raises(ValueError, match="v must have the shape of net.theta"):
        curvature.hvp(net, X, y, np.zeros(3))
    with pytest.raises(TypeError, match="for ResidualMLP pass eps"):
        curvature.power_iteration(layers.ResidualMLP((5, 4, 4, 3)), X, y)
    with pytest.raises(ValueError, match="only the cross-entropy loss"):
        curvature.hvp(layers.ResidualMLP((5, 4, 4, 3)), X, y, np.zeros(35), loss="mse", eps=1e-4)
    with pytest.raises(ValueError, match="eps must be > 0"):
        curvature.hvp(net, X, y, net.theta, eps=0.0)
    with pytest.raises(ValueError, match="no second_derivative"):
        curvature.lanczos(nn.MLP((5, 4, 3), activation=nn.Activation("cube", lambda z: z**3, lambda z: 3 * z**2)), X, y)
    with pytest.raises(ValueError, match="v0 must be a non-zero vector"):
        curvature.power_iteration(net, X, y, v0=np.zeros_like(net.theta))
    with pytest.raises(TypeError, match="iters must be an integer"):
        curvature.power_iteration(net, X, y, iters=2.5)


def test_overfit_batch_memorises_a_tiny_batch_and_leaves_the_net_as_it_was():
    digits = descent.data.digits()
    X, y = digits.X_train[:16], digits.y_train[:16]
    net = nn.MLP((64, 32, 10), seed=0, n_models=2)
    start = net.theta.copy()
    opt = descent.SGD(lr=0.3)
    losses = diagnostics.overfit_batch(net, opt, X, y, steps=300)
    assert losses.shape == (301, 2)
    np.testing.assert_allclose(losses[0], net.loss_and_grad(X, y)[0])
    assert np.all(losses[-1] < 0.01)                                  # memorised
    np.testing.assert_array_equal(net.theta, start)
    by_hand = net.theta.copy()                                        # the same steps, by hand
    opt.reset()
    for _ in range(3):
        by_hand = opt.step(by_hand, _with_theta(net, by_hand).loss_and_grad(X, y)[1])
    np.testing.assert_allclose(diagnostics.overfit_batch(net, opt, X, y, steps=3)[-1],
                               _with_theta(net, by_hand).loss_and_grad(X, y)[0], rtol=1e-12)
    zeros = nn.MLP((64, 32, 10), init="zeros")                        # symmetric: cannot memorise
    assert diagnostics.overfit_batch(zeros, descent.SGD(lr=0.3), X, y, steps=300)[-1] > 1.0


def _with_theta(net, theta):
    copy = nn.MLP(net.sizes, n_models=net.n_models)
    copy.theta = theta
    return copy


def test_overfit_batch_reports_divergence_as_nan():
    X, y = batch()
    net = nn.MLP((5, 8, 3), activation="leaky_relu", seed=0, n_models=2)
    losses = diagnostics.overfit_batch(net, descent.SGD(lr=np.array([[0.1], [1e6]])), X * 100, y, steps=50)
    assert np.all(np.isfinite(losses[:, 0])) and np.isnan(losses[-1, 1])
    with pytest.raises(TypeError, match="opt must be a descent optimizer"):
        diagnostics.overfit_batch(net, descent.SGD, X, y)
