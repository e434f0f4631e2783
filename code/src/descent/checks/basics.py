"""Self-checks for the first-steps chapter: one gradient-descent step."""

import numpy as np

from .core import Case, Check


def _gd_step(theta, grad, lr):
    return theta - lr * grad


def _random_case(rng):
    n = int(rng.integers(2, 6))
    return Case(f"random θ and g of length {n}", (rng.normal(size=n), rng.normal(size=n), float(rng.uniform(0.01, 1))))


def gd_step_check():
    """The check of ``gd_step(theta, grad, lr) -> new theta`` (θ ← θ − α g) on scalars, vectors and a sweep."""
    cases = [
        Case("scalar θ = 1, g = 2, α = 0.1", (np.array(1.0), np.array(2.0), 0.1)),
        Case("vector θ, g, α = 0.5", (np.array([1.0, -2.0, 3.0]), np.array([0.5, 0.5, -1.0]), 0.5)),
        Case("a sweep: α of shape (3, 1) against θ of shape (3, 2)",
             (np.ones((3, 2)), np.full((3, 2), 2.0), np.array([[0.1], [0.2], [0.3]]))),
    ]
    mistakes = {
        "the step goes uphill: subtract the gradient, θ − α g, not θ + α g": lambda th, g, lr: th + lr * g,
        "the learning rate is missing: multiply the gradient by α": lambda th, g, lr: th - g,
    }
    return Check("gradient-descent step", _gd_step, cases, mistakes, random_case=_random_case)


def check_gd_step(gd_step):
    """Check ``gd_step(theta, grad, lr) -> new theta`` (θ ← θ − α g) on scalars, vectors and a sweep."""
    return gd_step_check().run(gd_step)
