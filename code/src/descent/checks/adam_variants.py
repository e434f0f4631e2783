r"""Self-checks for the chapter "Fixing and extending Adam": one AMSGrad step as torch.optim computes it.

The learner writes ``amsgrad_step(theta, m, v, v_max, g, t, lr, beta1, beta2, eps) -> (theta, m, v, v_max)``,
t = 1 at the first step:

    m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²,   v_max ← max(v_max, v),
    θ ← θ − α m/(1 − β₁ᵗ) / (√(v_max/(1 − β₂ᵗ)) + ε),

returning the running (uncorrected) m, v and v_max as the state for the next step.
"""

import numpy as np

from .core import Case, Check


def _amsgrad_with(update_max=lambda v_max, v, v_old, t, b2: np.maximum(v_max, v),
                  denominator=lambda v_max, v, t, b2, eps: np.sqrt(v_max / (1 - b2**t)) + eps,
                  m_hat=lambda m, t, b1: m / (1 - b1**t), stored_max=None):
    """An AMSGrad step whose maximum, denominator and first-moment correction are given: the reference and each
    mistake. ``stored_max`` (default: the new maximum) is what the step returns as v_max."""

    def step(theta, m, v, v_max, g, t, lr, beta1, beta2, eps):
        v_old = v
        m, v = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g
        with np.errstate(all="ignore"):
            new_max = update_max(v_max, v, v_old, t, beta2)
            theta = theta - lr * m_hat(m, t, beta1) / denominator(new_max, v, t, beta2, eps)
        return theta, m, v, new_max if stored_max is None else stored_max(v_max, new_max)

    return step


_amsgrad_step = _amsgrad_with()

_MISTAKES = {
    "you take the maximum of the bias-corrected v̂ = v/(1 − β₂ᵗ): torch keeps the maximum of the raw v and divides "
    "that maximum by the current 1 − β₂ᵗ (a maximum of corrected values keeps the large early corrections)":
        _amsgrad_with(update_max=lambda v_max, v, v_old, t, b2: np.maximum(v_max, v / (1 - b2**t)),
                      denominator=lambda v_max, v, t, b2, eps: np.sqrt(v_max) + eps),
    "the denominator uses the current v, as Adam does: AMSGrad divides by the running maximum v_max":
        _amsgrad_with(denominator=lambda v_max, v, t, b2, eps: np.sqrt(v / (1 - b2**t)) + eps),
    "the maximum is taken with the previous v: update v first, then v_max ← max(v_max, v) with the new v":
        _amsgrad_with(update_max=lambda v_max, v, v_old, t, b2: np.maximum(v_max, v_old)),
    "you return the old v_max: return the updated maximum, the state of the next step":
        _amsgrad_with(stored_max=lambda old, new: old),
    "ε is inside the square root: the denominator is √(v_max/(1 − β₂ᵗ)) + ε":
        _amsgrad_with(denominator=lambda v_max, v, t, b2, eps: np.sqrt(v_max / (1 - b2**t) + eps)),
    "v_max is not bias-corrected: divide it by 1 − β₂ᵗ (the current t) before the square root, as Adam does v":
        _amsgrad_with(denominator=lambda v_max, v, t, b2, eps: np.sqrt(v_max) + eps),
    "that is Reddi et al.'s algorithm box, without any bias correction: this exercise asks for torch's form, "
    "m/(1 − β₁ᵗ) and v_max/(1 − β₂ᵗ)":
        _amsgrad_with(denominator=lambda v_max, v, t, b2, eps: np.sqrt(v_max) + eps, m_hat=lambda m, t, b1: m),
}


def _cases():
    rng = np.random.default_rng(15)
    theta, m, g = rng.standard_normal((3, 2, 3))
    v = m**2 + rng.uniform(0, 0.1, (2, 3))
    v_max = np.maximum(v, rng.uniform(0, 2, (2, 3)))  # some entries above v, some equal
    defaults = (0.9, 0.999, 1e-8)
    return [
        Case("the first step, t = 1, from m = v = v_max = 0 (scalar, α = 0.1)",
             (np.array(1.0), np.array(0.0), np.array(0.0), np.array(0.0), np.array(2.0), 1, 0.1) + defaults),
        Case("step t = 5 on a (2, 3) array, v_max above v in some entries, α = 0.01",
             (theta, m, v, v_max, g, 5, 0.01) + defaults),
        Case("a large gradient after small ones: the maximum moves (t = 20, β₂ = 0.9)",
             (np.zeros(3), np.full(3, 0.1), np.full(3, 0.02), np.full(3, 0.05), np.array([3.0, -0.1, 0.2]), 20,
              0.01, 0.9, 0.9, 1e-8)),
        Case("a sweep: α of shape (3, 1) against θ of shape (3, 2), t = 2, ε = 1e-3",
             (np.ones((3, 2)), np.full((3, 2), 0.5), np.full((3, 2), 0.3), np.full((3, 2), 0.6), np.full((3, 2), -1.0),
              2, np.array([[0.1], [0.01], [0.001]]), 0.8, 0.99, 1e-3)),
        Case("tiny gradients, |g| ≈ 1e-4, at step t = 3 (ε matters here)",
             (np.array([0.5, -0.5]), np.array([1e-4, -2e-5]), np.array([1e-8, 4e-10]), np.array([2e-8, 4e-10]),
              np.array([1e-4, -1e-4]), 3, 0.001) + defaults),
        Case("a late step, t = 300, where the maximum stays far above v",
             (theta, m / 10, v / 100, v_max, g / 10, 300, 0.001) + defaults),
    ]


def _random_case(rng):
    n, t = int(rng.integers(2, 6)), int(rng.integers(1, 60))
    theta, m, g = rng.normal(size=(3, n)) * 10.0 ** rng.uniform(-3, 0)
    v = m**2 + rng.uniform(0, 1e-2, n)
    return Case(f"random θ, m, v, v_max, g of length {n} at step t = {t}, ε = 1e-3",
                (theta, m, v, v * rng.uniform(0.5, 3, n), g, t, 0.01, 0.9, 0.99, 1e-3))


def amsgrad_check():
    """The check of ``amsgrad_step(theta, m, v, v_max, g, t, lr, beta1, beta2, eps) -> (theta, m, v, v_max)``."""
    return Check("AMSGrad step", _amsgrad_step, _cases(), _MISTAKES, random_case=_random_case)


def check_amsgrad_step(amsgrad_step):
    """Check ``amsgrad_step(theta, m, v, v_max, g, t, lr, beta1, beta2, eps) -> (theta, m, v, v_max)`` against
    torch's AMSGrad (``torch.optim.Adam(amsgrad=True)``)."""
    return amsgrad_check().run(amsgrad_step)
