r"""Self-checks for the curvature chapter: the exact Hessian-vector product of one tanh neuron.

For p_i = tanh(z_i), z_i = x_iᵀθ and the squared error L(θ) = (1/2n) Σ_i (p_i − y_i)², with r_i = p_i − y_i,

    ∇L = (1/n) Σ_i r_i t′(z_i) x_i,     H v = (1/n) Σ_i (t′(z_i)² + r_i t″(z_i)) (x_iᵀv) x_i,

where t′ = 1 − tanh², t″ = −2 tanh · (1 − tanh²). The first term is the Gauss–Newton part (positive
semi-definite), the second the residual part, the only source of negative curvature.
"""

import numpy as np

from .core import Case, Check


def _parts(theta, X, y):
    p = np.tanh(X @ theta)
    d1 = 1 - p**2
    return p - y, d1, -2 * p * d1


def _hvp_neuron(theta, X, y, v):
    r, d1, d2 = _parts(theta, X, y)
    return X.T @ ((d1**2 + r * d2) * (X @ v)) / len(y)


def _gauss_newton_only(theta, X, y, v):
    d1 = _parts(theta, X, y)[1]
    return X.T @ (d1**2 * (X @ v)) / len(y)


def _derivative_not_squared(theta, X, y, v):
    r, d1, d2 = _parts(theta, X, y)
    return X.T @ ((d1 + r * d2) * (X @ v)) / len(y)


def _sum_not_mean(theta, X, y, v):
    r, d1, d2 = _parts(theta, X, y)
    return X.T @ ((d1**2 + r * d2) * (X @ v))


def _second_derivative_sign(theta, X, y, v):
    r, d1, d2 = _parts(theta, X, y)
    return X.T @ ((d1**2 - r * d2) * (X @ v)) / len(y)


def _gradient_instead(theta, X, y, v):
    r, d1, _ = _parts(theta, X, y)
    return X.T @ (r * d1) / len(y)


def _cases():
    rng = np.random.default_rng(14)
    X3 = rng.normal(size=(8, 3))
    return [
        Case("one example, one weight: x = 2, y = 0.5, θ = 0.3, v = 1",
             (np.array([0.3]), np.array([[2.0]]), np.array([0.5]), np.array([1.0]))),
        Case("two examples, two weights, v = e₁",
             (np.array([0.5, -1.0]), np.array([[1.0, 2.0], [-1.0, 0.5]]), np.array([1.0, -1.0]),
              np.array([1.0, 0.0]))),
        Case("8 examples, 3 weights, labels far from the outputs (large residuals)",
             (rng.normal(size=3), X3, np.sign(rng.normal(size=8)) * 0.9, rng.normal(size=3))),
        Case("6 examples, 2 weights, θ = 0 (the outputs are all 0)",
             (np.zeros(2), rng.normal(size=(6, 2)), rng.uniform(-1, 1, 6), np.array([0.6, -0.8]))),
    ]


_MISTAKES = {
    "only the Gauss–Newton part (1/n) Σ t′² (xᵀv) x: the residual part (1/n) Σ r t″ (xᵀv) x is missing, "
    "and with it every negative eigenvalue": _gauss_newton_only,
    "the first term needs t′ squared: differentiating r·t′ gives t′·t′ + r·t″": _derivative_not_squared,
    "the loss is a mean over the n examples: divide the sum by n": _sum_not_mean,
    "the sign of t″ is off: d/dz (1 − tanh² z) = −2 tanh z (1 − tanh² z)": _second_derivative_sign,
    "that is the gradient ∇L, not H v: differentiate the gradient once more, in the direction v": _gradient_instead,
}


def _random_case(rng):
    n, d = int(rng.integers(3, 12)), int(rng.integers(1, 5))
    return Case(f"{n} random examples, {d} weight{'s' if d > 1 else ''}",
                (rng.normal(size=d), rng.normal(size=(n, d)), rng.uniform(-1, 1, n), rng.normal(size=d)))


def hvp_neuron_check():
    """The check of ``hvp_neuron(theta, X, y, v) -> H v`` for L(θ) = (1/2n) Σ_i (tanh(x_iᵀθ) − y_i)²."""
    return Check("Hessian-vector product of a tanh neuron", _hvp_neuron, _cases(), _MISTAKES,
                 random_case=_random_case)


def check_hvp_neuron(hvp_neuron):
    """Check ``hvp_neuron(theta, X, y, v) -> H v``, the exact Hessian-vector product of the squared error
    L(θ) = (1/2n) Σ_i (tanh(x_iᵀθ) − y_i)² (θ, v of shape (d,), X of shape (n, d), y of shape (n,))."""
    return hvp_neuron_check().run(hvp_neuron)
