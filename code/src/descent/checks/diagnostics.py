"""Self-check for the diagnostics chapter: a gradient check by central differences and the relative error.

The learner writes ``gradient_check(loss, grad, theta, h=1e-5) -> float``: the largest relative error
|g_i − ĝ_i| / max(|g_i|, |ĝ_i|) (0 where both are 0) between a claimed gradient g and the central differences
ĝ_i = (L(θ + h e_i) − L(θ − h e_i)) / 2h.
"""

import numpy as np

from .core import Case, Check


def _difference(loss, theta, h, forward=False, restore=True):
    theta = np.array(theta, dtype=float)
    numeric = np.empty(theta.size)
    at_theta = loss(theta) if forward else None
    for i in range(theta.size):
        saved = theta[i]
        theta[i] = saved + h
        plus = loss(theta)
        if forward:
            numeric[i] = (plus - at_theta) / h
        else:
            theta[i] = saved - h
            numeric[i] = (plus - loss(theta)) / (2 * h)
        if restore:
            theta[i] = saved
    return numeric


def _relative(grad, numeric):
    grad = np.asarray(grad, dtype=float)
    scale = np.maximum(np.abs(grad), np.abs(numeric))
    ratio = np.divide(np.abs(grad - numeric), scale, out=np.zeros(grad.shape), where=scale > 0)
    return float(np.max(ratio))


def _gradient_check(loss, grad, theta, h=1e-5):
    return _relative(grad, _difference(loss, theta, h))


def _forward(loss, grad, theta, h=1e-5):
    return _relative(grad, _difference(loss, theta, h, forward=True))


def _over_h(loss, grad, theta, h=1e-5):
    return _relative(grad, 2 * _difference(loss, theta, h))


def _not_restored(loss, grad, theta, h=1e-5):
    return _relative(grad, _difference(loss, theta, h, restore=False))


def _absolute(loss, grad, theta, h=1e-5):
    return float(np.max(np.abs(np.asarray(grad, dtype=float) - _difference(loss, theta, h))))


def _zero_over_zero(loss, grad, theta, h=1e-5):
    grad, numeric = np.asarray(grad, dtype=float), _difference(loss, theta, h)
    return float(np.max(np.abs(grad - numeric) / np.maximum(np.abs(grad), np.abs(numeric))))


def _mean(loss, grad, theta, h=1e-5):
    grad, numeric = np.asarray(grad, dtype=float), _difference(loss, theta, h)
    scale = np.maximum(np.abs(grad), np.abs(numeric))
    return float(np.mean(np.divide(np.abs(grad - numeric), scale, out=np.zeros(grad.shape), where=scale > 0)))


def _large_h(loss, grad, theta, h=1e-2):
    return _gradient_check(loss, grad, theta, h)


def _small_h(loss, grad, theta, h=1e-13):
    return _gradient_check(loss, grad, theta, h)


# The losses of the cases: module-level functions, so that a case can be copied and shown.

def _smooth(theta):
    """L(θ) = Σ sin θ_i + θ_0² θ_1 (the last coordinate only through sin)."""
    return float(np.sum(np.sin(theta)) + theta[0] ** 2 * theta[1])


def _smooth_grad(theta):
    g = np.cos(theta)
    g[0] += 2 * theta[0] * theta[1]
    g[1] += theta[0] ** 2
    return g


def _scaled(theta):
    return 1000.0 * _smooth(theta)


def _kinked(theta):
    """L(θ) = Σ relu(θ_i) + ½‖θ‖²."""
    return float(np.sum(np.maximum(theta, 0.0)) + 0.5 * theta @ theta)


def _constant_in_last(theta):
    """L(θ) = θ_0² + 3θ_1, which does not depend on θ_2: its derivative there is exactly 0."""
    return float(theta[0] ** 2 + 3 * theta[1])


THETA = np.array([0.7, -1.3, 2.1])


def _random_case(rng):
    n = int(rng.integers(3, 7))
    A = rng.normal(size=(n, n))
    theta = rng.normal(size=n)
    wrong, factor = int(rng.integers(n)), float(rng.uniform(1.02, 1.5))

    def loss(t, A=A @ A.T):
        return float(0.5 * t @ A @ t + np.sum(np.cos(t)))

    grad = (A @ A.T) @ theta - np.sin(theta)
    grad[wrong] *= factor
    return Case(f"a random {n}-D quadratic plus cosines, coordinate {wrong} of the gradient × {factor:.3f}, "
                "h = 1e-5", (loss, grad, theta, 1e-5))


def gradient_check_check():
    """The check of ``gradient_check(loss, grad, theta, h=1e-5) -> float`` (the largest relative error)."""
    one_low = _smooth_grad(THETA)
    one_low[1] *= 0.99
    big = 1000.0 * _smooth_grad(THETA)
    big[0] *= 1.01
    sign = _smooth_grad(THETA)
    sign[2] = -sign[2]
    kink = np.array([3e-6, 0.5])
    cases = [
        Case("a correct gradient of a smooth loss, with your default h (a good h gives an error below 1e-6)",
             (_smooth, _smooth_grad(THETA), THETA)),
        Case("coordinate 1 of the gradient 1 % too small, h = 1e-4", (_smooth, one_low, THETA, 1e-4)),
        Case("a loss 1000 times larger, coordinate 0 of its gradient 1 % too large, h = 1e-5",
             (_scaled, big, THETA, 1e-5)),
        Case("the sign of coordinate 2 flipped, h = 1e-5", (_smooth, sign, THETA, 1e-5)),
        Case("L = θ₀² + 3θ₁ does not depend on θ₂ (both derivatives there are exactly 0), correct gradient, h = 1e-5",
             (_constant_in_last, np.array([1.4, 3.0, 0.0]), THETA, 1e-5)),
        Case("L = Σ relu(θᵢ) + ½‖θ‖² with θ₀ = 3e-6, closer to relu's kink than h = 1e-5: the central difference "
             "straddles the kink, so a correct check reports a large error although the gradient is right",
             (_kinked, kink + 1.0, kink, 1e-5)),
    ]
    mistakes = {
        "you used the forward difference (L(θ + h eᵢ) − L(θ))/h: its error shrinks only like h; the central "
        "difference (L(θ + h eᵢ) − L(θ − h eᵢ))/2h is accurate to O(h²)": _forward,
        "the central difference spans 2h: divide by 2h, not by h": _over_h,
        "restore θᵢ after perturbing it (θᵢ = saved): otherwise every later coordinate is differentiated at a "
        "shifted point": _not_restored,
        "you returned the absolute error |gᵢ − ĝᵢ|: it grows with the scale of the loss; divide by "
        "max(|gᵢ|, |ĝᵢ|) to get an error that means the same for every loss": _absolute,
        "where gᵢ and ĝᵢ are both exactly 0 the ratio is 0/0: count it as no error (0), not NaN": _zero_over_zero,
        "return the largest relative error over the coordinates (np.max), not their mean: one wrong coordinate "
        "is a bug": _mean,
        "your default h is too large: the central difference's error grows like h²; in float64 take h ≈ 1e-5":
            _large_h,
        "your default h is too small: L(θ ± h eᵢ) differ by a few rounding errors, which the division by 2h "
        "magnifies; in float64 take h ≈ 1e-5": _small_h,
    }
    return Check("gradient check", _gradient_check, cases, mistakes, rtol=1e-3, atol=1e-6,
                 random_case=_random_case)


def check_gradient_check(gradient_check):
    """Check ``gradient_check(loss, grad, theta, h=1e-5) -> float``: the largest relative error
    |gᵢ − ĝᵢ| / max(|gᵢ|, |ĝᵢ|) (0 where both are 0) between `grad` and the central differences of `loss` at
    `theta`."""
    return gradient_check_check().run(gradient_check)
