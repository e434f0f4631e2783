"""Self-checks for the Newton chapter: one (damped) Newton step θ ← θ − (H + λI)⁻¹ g."""

import numpy as np

from .core import Case, Check


def _solve(H, g):
    """(H)⁻¹ g for H of shape (..., n, n) and g of shape (..., n), by a linear solve (never an explicit inverse)."""
    return np.linalg.solve(H, g[..., None])[..., 0]


def _newton_step(x, g, H, damping=0.0):
    n = np.shape(x)[-1]
    return x - _solve(H + damping * np.eye(n), g)


def _hessian_not_inverse(x, g, H, damping=0.0):
    n = np.shape(x)[-1]
    return x - ((H + damping * np.eye(n)) @ g[..., None])[..., 0]


def _uphill(x, g, H, damping=0.0):
    n = np.shape(x)[-1]
    return x + _solve(H + damping * np.eye(n), g)


def _damping_on_gradient(x, g, H, damping=0.0):
    return x - _solve(H, g + damping)


def _damping_on_every_entry(x, g, H, damping=0.0):
    return x - _solve(H + damping, g)


def _diagonal_only(x, g, H, damping=0.0):
    return x - g / (np.diagonal(H, axis1=-2, axis2=-1) + damping)


def _absolute_curvature(x, g, H, damping=0.0):
    lam, V = np.linalg.eigh(H)
    n = np.shape(x)[-1]
    return x - _solve(V @ (np.abs(lam)[..., None] * np.swapaxes(V, -1, -2)) + damping * np.eye(n), g)


def _random_case(rng):
    n = int(rng.integers(2, 5))
    A = rng.normal(size=(n, n))
    damping = float(rng.uniform(0, 2))
    return Case(f"a random {n}-D problem with a positive-definite H and damping {damping:.3f}",
                (rng.normal(size=n), rng.normal(size=n), A @ A.T + np.eye(n)), {"damping": damping})


def newton_check():
    """The check of ``newton_step(x, g, H, damping=0.0) -> new x``: θ ← θ − (H + λI)⁻¹ g, with λ = ``damping``.

    The cases are single points (x and g of shape (n,), H of shape (n, n)); a function vectorised over a leading
    batch axis passes them too.
    """
    cases = [
        Case("1-D, convex: x = 1, g = 2, H = 4", (np.array([1.0]), np.array([2.0]), np.array([[4.0]]))),
        Case("1-D, concave (near the wiggly maximum): x = −18.7, g = 0.3, H = −11.5",
             (np.array([-18.7]), np.array([0.3]), np.array([[-11.5]]))),
        Case("2-D, H = [[3, 1], [1, 2]]",
             (np.array([1.0, -2.0]), np.array([0.5, -1.5]), np.array([[3.0, 1.0], [1.0, 2.0]]))),
        Case("2-D saddle H = diag(2, −2) with damping 3",
             (np.array([1.0, 0.5]), np.array([2.0, -1.0]), np.array([[2.0, 0.0], [0.0, -2.0]])), {"damping": 3.0}),
        Case("3-D, H = [[4, 1, 0], [1, 3, 1], [0, 1, 2]] with damping 0.5",
             (np.array([0.0, 1.0, -1.0]), np.array([1.0, 2.0, -0.5]),
              np.array([[4.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 2.0]])), {"damping": 0.5}),
    ]
    mistakes = {
        "you multiplied by H; Newton's step divides by it: solve (H + λI) d = g with np.linalg.solve "
        "and return x − d": _hessian_not_inverse,
        "the step goes the wrong way: x − (H + λI)⁻¹ g, not x + (H + λI)⁻¹ g": _uphill,
        "the damping belongs to the Hessian, (H + λI)⁻¹ g, not to the gradient, H⁻¹ (g + λ)": _damping_on_gradient,
        "H + λ adds λ to every entry of H; damping adds it to the diagonal only: H + λ·np.eye(n)":
            _damping_on_every_entry,
        "you divided by the diagonal of H only; the off-diagonal entries matter: solve with the whole matrix":
            _diagonal_only,
        "you divided by |H| (the absolute curvature): that always steps downhill, but it is the saddle-free "
        "variant, not Newton's step, which divides by H itself, sign included": _absolute_curvature,
    }
    return Check("Newton step", _newton_step, cases, mistakes, random_case=_random_case)


def check_newton_step(newton_step):
    """Check ``newton_step(x, g, H, damping=0.0) -> new x``: θ ← θ − (H + λI)⁻¹ g, with λ = ``damping``; the cases
    are single points (x, g of shape (n,), H of shape (n, n))."""
    return newton_check().run(newton_step)
