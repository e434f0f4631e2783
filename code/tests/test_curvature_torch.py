"""descent.curvature and the smooth activations of descent.nn against torch (float64): exact Hessian-vector
products on random networks, and f, f′, f″ of SiLU, Mish and GELU against torch.nn.functional with autograd."""

import numpy as np
import pytest

from descent import curvature, nn

torch = pytest.importorskip("torch")
F = torch.nn.functional

TORCH_ACT = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu, "elu": F.elu,
             "leaky_relu": F.leaky_relu, "linear": lambda z: z, "silu": F.silu, "mish": F.mish, "gelu": F.gelu,
             "gelu_tanh": lambda z: F.gelu(z, approximate="tanh")}


def torch_loss(net, X, y, loss):
    """L(θ) of `net` (one model) as a torch function of the flat θ, the layout of ``net.theta``."""
    X, Y = torch.tensor(X), F.one_hot(torch.tensor(y), net.sizes[-1]).double()
    act = TORCH_ACT[net.activation.name]

    def L(theta):
        a, start = X, 0
        for l, (n_in, n_out) in enumerate(zip(net.sizes[:-1], net.sizes[1:])):
            W = theta[start:start + n_in * n_out].reshape(n_in, n_out)
            b = theta[start + n_in * n_out:start + n_in * n_out + n_out]
            start += n_in * n_out + n_out
            z = a @ W + b
            a = act(z) if l < net.n_layers - 1 else z
        if loss == "mse":
            return 0.5 * ((a - Y) ** 2).sum() / len(X)
        return F.cross_entropy(a, torch.tensor(y))
    return L


CASES = [(act, sizes, batch, loss) for act, sizes, batch, loss in [
    ("tanh", (5, 7, 3), 1, "cross_entropy"), ("tanh", (5, 7, 6, 4, 3), 16, "mse"),
    ("sigmoid", (4, 6, 6, 3), 9, "cross_entropy"), ("relu", (6, 8, 8, 4), 32, "cross_entropy"),
    ("relu", (6, 8, 4), 5, "mse"), ("elu", (3, 5, 5, 5, 2), 11, "cross_entropy"),
    ("silu", (5, 9, 3), 7, "mse"), ("mish", (5, 6, 6, 3), 13, "cross_entropy"),
    ("gelu", (8, 10, 10, 10, 4), 20, "mse"), ("gelu_tanh", (4, 5, 3), 3, "cross_entropy"),
    ("linear", (4, 3, 3), 6, "cross_entropy"), ("leaky_relu", (4, 5, 5, 3), 8, "mse")]]


@pytest.mark.parametrize("act, sizes, batch, loss", CASES)
def test_hvp_equals_torch_autograd_hvp(act, sizes, batch, loss):
    rng = np.random.default_rng(sum(sizes) + batch)
    net = nn.MLP(sizes, activation=act, init="normal", scale=0.8, seed=batch, n_models=3)
    net.theta += 0.3 * rng.standard_normal(net.theta.shape)     # non-zero biases too
    X, y = rng.standard_normal((batch, sizes[0])), rng.integers(0, sizes[-1], batch)
    v = rng.standard_normal(net.theta.shape)
    value, grad, hv = curvature.loss_grad_hvp(net, X, y, v, loss=loss)
    assert value.shape == (3,) and grad.shape == hv.shape == net.theta.shape
    L = torch_loss(net, X, y, loss)
    for r in range(3):
        theta = torch.tensor(net.theta[r], requires_grad=True)
        t_value, t_hv = torch.autograd.functional.hvp(L, theta, torch.tensor(v[r]))
        t_grad = torch.autograd.grad(L(theta), theta)[0]
        np.testing.assert_allclose(value[r], t_value.item(), rtol=1e-13)
        np.testing.assert_allclose(grad[r], t_grad.numpy(), rtol=0, atol=1e-13 * np.abs(t_grad.numpy()).max())
        np.testing.assert_allclose(hv[r], t_hv.numpy(), rtol=0, atol=1e-13 * np.abs(t_hv.numpy()).max())


def test_one_model_equals_model_r_of_many_and_cross_entropy_matches_nn():
    rng = np.random.default_rng(0)
    many = nn.MLP((5, 6, 3), activation="tanh", seed=2, n_models=2)
    one = nn.MLP((5, 6, 3), activation="tanh", seed=3)
    X, y, v = rng.standard_normal((10, 5)), rng.integers(0, 3, 10), rng.standard_normal(many.theta.shape)
    np.testing.assert_allclose(curvature.hvp(one, X, y, v[1]), curvature.hvp(many, X, y, v)[1], rtol=1e-14)
    for a, b in zip(curvature.loss_and_grad(many, X, y), many.loss_and_grad(X, y)):
        np.testing.assert_allclose(a, b, rtol=1e-14, atol=1e-16)


def test_dense_hessian_is_symmetric_and_eigenvalue_methods_agree_with_eigvalsh():
    rng = np.random.default_rng(1)
    net = nn.MLP((4, 6, 5, 3), activation="gelu", init="xavier", seed=4, n_models=2)
    X, y = rng.standard_normal((12, 4)), rng.integers(0, 3, 12)
    H = curvature.hessian(net, X, y, loss="mse")
    assert H.shape == (2, net.n_params, net.n_params)
    np.testing.assert_allclose(H, H.swapaxes(-1, -2), atol=1e-13 * np.abs(H).max())
    eig = np.linalg.eigvalsh(H)
    top = np.where(np.abs(eig[:, 0]) > eig[:, -1], eig[:, 0], eig[:, -1])
    lam, v = curvature.power_iteration(net, X, y, iters=5000, tol=1e-13, loss="mse")
    np.testing.assert_allclose(lam, top, rtol=1e-6)
    np.testing.assert_allclose(curvature.hvp(net, X, y, v, loss="mse"), lam[:, None] * v, atol=1e-3 * abs(lam).max())
    ritz = curvature.lanczos(net, X, y, steps=net.n_params, loss="mse")
    np.testing.assert_allclose(ritz[:, [0, -1]], eig[:, [0, -1]], atol=1e-10 * np.abs(eig).max())
    few = curvature.lanczos(net, X, y, steps=25, loss="mse")
    assert few.shape == (2, 25)
    np.testing.assert_allclose(few[:, -1], eig[:, -1], rtol=1e-8)
    assert np.all(few[:, 0] >= eig[:, 0] - 1e-12)             # Ritz values lie inside the spectrum


# --- smooth activations -------------------------------------------------------------------------------------------

Z = np.concatenate([np.linspace(-40, 40, 40_001), [-1000.0, -100, -50, 50, 100, 1000, -1e-12, 0.0, 1e-12]])


@pytest.mark.parametrize("name", ["silu", "mish", "gelu", "gelu_tanh", "tanh", "sigmoid"])  # smooth: f″ exists at 0
def test_activation_and_two_derivatives_equal_torch(name):
    act = nn.ACTIVATIONS[name]
    z = torch.tensor(Z, requires_grad=True)
    f = TORCH_ACT[name](z)
    (d1,) = torch.autograd.grad(f.sum(), z, create_graph=True)
    (d2,) = torch.autograd.grad(d1.sum(), z)
    for ours, theirs, tol in ((act(Z), f, 4e-15), (act.derivative(Z), d1, 6e-15), (act.second_derivative(Z), d2, 4e-14)):
        theirs = theirs.detach().numpy()
        finite = np.isfinite(theirs)          # torch's f″ of mish is NaN from z ≈ 709.8 on (exp overflows)
        assert finite.sum() >= len(Z) - 3
        np.testing.assert_allclose(ours[finite], theirs[finite], rtol=1e-12, atol=tol * 25)  # |f| grows to 1000


def test_smooth_activation_extremes():
    z = np.linspace(-5, 5, 1_000_001)
    phi = np.exp(-1) / np.sqrt(2 * np.pi)                     # φ(√2); Φ(√2) = (1 + erf 1)/2
    assert nn.gelu.derivative(z).max() == pytest.approx(0.5 * (1 + 0.8427007929497149) + np.sqrt(2) * phi, rel=1e-10)
    for act, f0 in ((nn.silu, 0.5), (nn.mish, 0.6), (nn.gelu, 0.5), (nn.gelu_tanh, 0.5)):
        assert act.derivative(np.array(0.0)) == pytest.approx(f0, rel=1e-14)
    np.testing.assert_allclose(nn.silu.derivative(z) + nn.silu.derivative(-z), 1, atol=1e-15)


def test_central_differences_approach_the_exact_hvp_as_eps_squared():
    rng = np.random.default_rng(5)
    net = nn.MLP((6, 8, 8, 4), activation="tanh", init="xavier", seed=1, n_models=2)
    X, y, v = rng.standard_normal((15, 6)), rng.integers(0, 4, 15), rng.standard_normal(net.theta.shape)
    v /= np.linalg.norm(v, axis=-1, keepdims=True)                     # steps of length ε
    exact, start = curvature.hvp(net, X, y, v), net.theta.copy()
    errors = [np.abs(curvature.hvp(net, X, y, v, eps=eps) - exact).max() / np.abs(exact).max() for eps in (1e-2, 1e-3)]
    assert errors[1] < 1e-5 and 50 < errors[0] / errors[1] < 200          # O(ε²): 10× smaller ε, 100× smaller error
    np.testing.assert_array_equal(net.theta, start)


def test_preconditioned_sharpness_is_the_top_eigenvalue_of_p_inverse_h():
    rng = np.random.default_rng(7)
    net = nn.MLP((4, 5, 3), activation="silu", init="xavier", seed=0)
    X, y = rng.standard_normal((10, 4)), rng.integers(0, 3, 10)
    P = 10.0 ** rng.uniform(-2, 1, net.n_params)                          # e.g. Adam's √v̂ + ε
    eig = np.sort(np.linalg.eigvals(curvature.hessian(net, X, y) / P[:, None]).real)   # P⁻¹H, not symmetric
    np.testing.assert_allclose(curvature.lanczos(net, X, y, steps=net.n_params, preconditioner=P)[[0, -1]],
                               eig[[0, -1]], rtol=1e-8)
    lam, _ = curvature.power_iteration(net, X, y, iters=20_000, tol=1e-14, preconditioner=P)
    top = eig[np.argmax(np.abs(eig))]
    assert lam == pytest.approx(top, rel=1e-6)
    with pytest.raises(ValueError, match="preconditioner must have the shape"):
        curvature.power_iteration(net, X, y, preconditioner=P[:3])
