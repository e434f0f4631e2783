r"""Self-checks for the AdaGrad and RMSProp chapter: one step of each, with the classic mistakes diagnosed.

The learner writes

- ``adagrad_step(theta, s, g, lr, eps) -> (theta, s)``:  s ← s + g²,  θ ← θ − α g / (√s + ε)
  (torch.optim.Adagrad with lr_decay = 0);
- ``rmsprop_step(theta, v, g, lr, beta, eps) -> (theta, v)``:  v ← β v + (1 − β) g²,  θ ← θ − α g / (√v + ε)
  (torch.optim.RMSprop with alpha = β; no bias correction).
"""

import numpy as np

from .core import Case, Check


def _rmsprop_with(average=lambda v, g, beta: beta * v + (1 - beta) * g * g,
                  denominator=lambda v, eps, beta: np.sqrt(v) + eps, step=None):
    """An RMSProp step whose running average, denominator or step is given: the reference and each mistake."""

    def rmsprop_step(theta, v, g, lr, beta, eps):
        v = average(v, g, beta)
        with np.errstate(all="ignore"):
            delta = step(v) if step else g / denominator(v, eps, beta)
        return theta - lr * delta, v

    return rmsprop_step


def _adagrad_with(accumulate=lambda s, g, lr: s + g * g, denominator=lambda s, eps: np.sqrt(s) + eps):
    """An AdaGrad step whose accumulation and denominator are given: the reference and each mistake."""

    def adagrad_step(theta, s, g, lr, eps):
        s = accumulate(s, g, lr)
        with np.errstate(all="ignore"):
            return theta - lr * g / denominator(s, eps), s

    return adagrad_step


_rmsprop_step = _rmsprop_with()
_adagrad_step = _adagrad_with()

_RMSPROP_MISTAKES = {
    "ε goes outside the square root, √v + ε (torch's convention); √(v + ε) (Keras's) shrinks the step when the "
    "gradients are tiny":
        _rmsprop_with(denominator=lambda v, eps, beta: np.sqrt(v + eps)),
    "the new v replaces the old one, v = β v + (1 − β) g²: `v += β v + (1 − β) g²` counts the old v twice, so v "
    "grows without bound and the steps die out":
        _rmsprop_with(average=lambda v, g, beta: v + beta * v + (1 - beta) * g * g),
    "the step is α g / (√v + ε), not α v: v is a mean of squares (≥ 0), so θ − α v only ever decreases":
        _rmsprop_with(step=lambda v: v),
    "take the square root of v: the denominator is √v + ε, so that the step does not depend on the scale of g":
        _rmsprop_with(denominator=lambda v, eps, beta: v + eps),
    "RMSProp (like torch.optim.RMSprop) has no bias correction: divide by √v + ε, not by √(v / (1 − β)) + ε":
        _rmsprop_with(denominator=lambda v, eps, beta: np.sqrt(v / (1 - beta)) + eps),
    "square the gradient: v ← β v + (1 − β) g², not (1 − β) g (a mean of g is not a scale, and can be negative)":
        _rmsprop_with(average=lambda v, g, beta: beta * v + (1 - beta) * g),
}

_ADAGRAD_MISTAKES = {
    "α belongs to the step only: s ← s + g²; folding it into the sum (s ← s + α g²) makes the step size √α":
        _adagrad_with(accumulate=lambda s, g, lr: s + lr * g * g),
    "ε goes outside the square root, √s + ε (torch's convention), not √(s + ε)":
        _adagrad_with(denominator=lambda s, eps: np.sqrt(s + eps)),
    "s is the running *sum* of all squared gradients: add g² to it (s + g²) instead of replacing it by g²":
        _adagrad_with(accumulate=lambda s, g, lr: g * g),
    "take the square root of s: the step is α g / (√s + ε)":
        _adagrad_with(denominator=lambda s, eps: s + eps),
    "square the gradient: s ← s + g², not s + g (a sum of gradients can be negative)":
        _adagrad_with(accumulate=lambda s, g, lr: s + g),
}


def _rmsprop_cases():
    return [
        Case("first step: v = 0, θ = [1, −2], g = [0.5, −1], α = 0.01, β = 0.9, ε = 1e-8",
             (np.array([1.0, -2.0]), np.zeros(2), np.array([0.5, -1.0]), 0.01, 0.9, 1e-8)),
        Case("a later step: v = [0.04, 0.3], g = [0.2, −0.1], α = 0.1, β = 0.99, ε = 1e-8",
             (np.array([0.3, 0.7]), np.array([0.04, 0.3]), np.array([0.2, -0.1]), 0.1, 0.99, 1e-8)),
        Case("tiny gradients: g = [1e-4, −1e-6] with v = g², ε = 1e-8 (where ε's place matters)",
             (np.array([0.5, 0.5]), np.array([1e-8, 1e-12]), np.array([1e-4, -1e-6]), 0.01, 0.9, 1e-8)),
        Case("a sweep: α of shape (3, 1) against θ of shape (3, 2)",
             (np.ones((3, 2)), np.full((3, 2), 0.5), np.array([[0.3, -2.0]] * 3),
              np.array([[0.1], [0.01], [1e-3]]), 0.9, 1e-8)),
    ]


def _adagrad_cases():
    return [
        Case("first step: s = 0, θ = [1, −2], g = [0.5, −1], α = 0.1, ε = 1e-10",
             (np.array([1.0, -2.0]), np.zeros(2), np.array([0.5, -1.0]), 0.1, 1e-10)),
        Case("a later step: s = [0.04, 3.0], g = [0.2, −0.1], α = 0.5, ε = 1e-10",
             (np.array([0.3, 0.7]), np.array([0.04, 3.0]), np.array([0.2, -0.1]), 0.5, 1e-10)),
        Case("tiny gradients: g = [1e-5, −1e-6], s = [2e-10, 1e-12], ε = 1e-8 (where ε's place matters)",
             (np.array([0.5, 0.5]), np.array([2e-10, 1e-12]), np.array([1e-5, -1e-6]), 0.01, 1e-8)),
        Case("a sweep: α of shape (3, 1) against θ of shape (3, 2)",
             (np.ones((3, 2)), np.full((3, 2), 2.5), np.array([[0.3, -2.0]] * 3),
              np.array([[1.0], [0.1], [0.01]]), 1e-10)),
    ]


def _random_state(rng):
    n = int(rng.integers(2, 6))
    return n, rng.normal(size=n), rng.uniform(0, 1, n), rng.normal(size=n)


def _rmsprop_random(rng):
    n, theta, v, g = _random_state(rng)
    return Case(f"random θ, v, g of length {n}", (theta, v, g, float(rng.uniform(0.001, 0.1)),
                                                   float(rng.uniform(0.5, 0.999)), 1e-8))


def _adagrad_random(rng):
    n, theta, s, g = _random_state(rng)
    return Case(f"random θ, s, g of length {n}", (theta, s, g, float(rng.uniform(0.001, 0.5)), 1e-10))


def rmsprop_check():
    """The check of ``rmsprop_step(theta, v, g, lr, beta, eps) -> (theta, v)``."""
    return Check("RMSProp step", _rmsprop_step, _rmsprop_cases(), _RMSPROP_MISTAKES, random_case=_rmsprop_random)


def adagrad_check():
    """The check of ``adagrad_step(theta, s, g, lr, eps) -> (theta, s)``."""
    return Check("AdaGrad step", _adagrad_step, _adagrad_cases(), _ADAGRAD_MISTAKES, random_case=_adagrad_random)


def check_rmsprop_step(rmsprop_step):
    """Check ``rmsprop_step(theta, v, g, lr, beta, eps) -> (theta, v)``: v ← β v + (1 − β) g²,
    θ ← θ − α g / (√v + ε), on a first step, a later step, tiny gradients and a sweep."""
    return rmsprop_check().run(rmsprop_step)


def check_adagrad_step(adagrad_step):
    """Check ``adagrad_step(theta, s, g, lr, eps) -> (theta, s)``: s ← s + g², θ ← θ − α g / (√s + ε),
    on a first step, a later step, tiny gradients and a sweep."""
    return adagrad_check().run(adagrad_step)
