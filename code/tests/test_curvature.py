"""descent.curvature without torch: properties every Hessian-vector product must have, on random networks."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from descent import curvature, nn


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), act=st.sampled_from(["tanh", "gelu", "mish", "silu", "sigmoid", "elu"]),
       depth=st.integers(1, 3), loss=st.sampled_from(curvature.LOSSES))
def test_hvp_is_linear_and_symmetric(seed, act, depth, loss):
    rng = np.random.default_rng(seed)
    net = nn.MLP((4,) + (5,) * depth + (3,), activation=act, init="xavier", seed=seed)
    net.theta += 0.2 * rng.standard_normal(net.n_params)
    X, y = rng.standard_normal((6, 4)), rng.integers(0, 3, 6)
    u, w = rng.standard_normal((2, net.n_params))
    Hu, Hw = curvature.hvp(net, X, y, u, loss), curvature.hvp(net, X, y, w, loss)
    scale = np.abs(Hu).max() + np.abs(Hw).max()
    np.testing.assert_allclose(curvature.hvp(net, X, y, 2 * u - 3 * w, loss), 2 * Hu - 3 * Hw, atol=1e-13 * scale)
    assert abs(w @ Hu - u @ Hw) <= 1e-12 * scale * np.linalg.norm(u) * np.linalg.norm(w)


def test_a_linear_network_with_squared_error_has_a_constant_hessian_that_differences_get_exactly():
    rng = np.random.default_rng(0)
    net = nn.MLP((3, 4), activation="linear", seed=0)              # one layer: L is quadratic in θ
    X, y = rng.standard_normal((8, 3)), rng.integers(0, 4, 8)
    H = curvature.hessian(net, X, y, loss="mse")
    np.testing.assert_allclose(H, curvature.hessian(net, X, y, loss="mse", eps=0.5), atol=1e-12)
    A = np.hstack([X, np.ones((8, 1))])                             # z_k = [x, 1] · (W[:, k], b_k)
    eig = np.linalg.eigvalsh(A.T @ A / 8)
    np.testing.assert_allclose(np.linalg.eigvalsh(H)[-1], eig[-1], rtol=1e-12)  # H = I_K ⊗ AᵀA/B
