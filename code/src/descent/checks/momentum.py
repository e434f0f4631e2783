"""Self-checks for the momentum chapter: one step of momentum in the EWMA form."""

import numpy as np

from .core import Case, Check


def _momentum_step(theta, v, g, lr, beta):
    v = beta * v + (1 - beta) * g
    return theta - lr * v, v


def _sum_of_gradients(theta, v, g, lr, beta):
    v = beta * v + g
    return theta - lr * v, v


def _first_step_without_average(theta, v, g, lr, beta):
    v = np.where(v == 0, g, beta * v + (1 - beta) * g)
    return theta - lr * v, v


def _old_velocity(theta, v, g, lr, beta):
    return theta - lr * v, beta * v + (1 - beta) * g


def _uphill(theta, v, g, lr, beta):
    v = beta * v + (1 - beta) * g
    return theta + lr * v, v


def _velocity_form(theta, v, g, lr, beta):
    v = beta * v - lr * g
    return theta + v, v


def _swapped(theta, v, g, lr, beta):
    v = (1 - beta) * v + beta * g
    return theta - lr * v, v


def _random_case(rng):
    n = int(rng.integers(2, 6))
    return Case(f"random θ, v, g of length {n}", (*rng.normal(size=(3, n)), float(rng.uniform(0.01, 1)),
                                                   float(rng.uniform(0.1, 0.99))))


def momentum_check():
    """The check of ``momentum_step(theta, v, g, lr, beta) -> (theta, v)``: v ← βv + (1 − β)g, θ ← θ − αv."""
    cases = [
        Case("first step: v = 0, θ = 1, g = 2, α = 0.1, β = 0.9",
             (np.array(1.0), np.array(0.0), np.array(2.0), 0.1, 0.9)),
        Case("vectors, α = 0.5, β = 0.5, v = (0.4, 0, 1)",
             (np.array([1.0, -2.0, 3.0]), np.array([0.4, 0.0, 1.0]), np.array([1.0, 1.0, -2.0]), 0.5, 0.5)),
        Case("a sweep: α and β of shape (3, 1) against θ of shape (3, 2)",
             (np.ones((3, 2)), np.full((3, 2), 0.5), np.array([[1.0, -1.0]] * 3),
              np.array([[0.1], [0.2], [0.3]]), np.array([[0.0], [0.5], [0.99]]))),
    ]
    mistakes = {
        "v ← βv + g is the heavy-ball sum (torch's buffer), not an average: "
        "the course form weights the new gradient by (1 − β)": _sum_of_gradients,
        "on the first step (v = 0) you set v = g; the EWMA starts from v₀ = 0, so v₁ = (1 − β)g "
        "(v₁ = g is torch's dampening, a different method)": _first_step_without_average,
        "θ was updated with the old velocity: update v first, then θ ← θ − αv with the new v": _old_velocity,
        "the step goes uphill: θ ← θ − αv, not θ + αv": _uphill,
        "that is the velocity form v ← βv − αg, θ ← θ + v (CS231n, Keras): this exercise uses the EWMA form "
        "v ← βv + (1 − β)g, θ ← θ − αv": _velocity_form,
        "β and 1 − β are swapped: the old velocity is weighted by β, the new gradient by 1 − β": _swapped,
    }
    return Check("momentum step (EWMA form)", _momentum_step, cases, mistakes, random_case=_random_case)


def check_momentum_step(momentum_step):
    """Check ``momentum_step(theta, v, g, lr, beta) -> (theta, v)``: v ← βv + (1 − β)g, then θ ← θ − αv."""
    return momentum_check().run(momentum_step)
