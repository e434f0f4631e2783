r"""Self-checks for the Adam chapter: one Adam step with its state.

The learner writes ``adam_step(theta, m, v, g, t, lr, beta1, beta2, eps) -> (theta, m, v)``, t = 1 at the first step:

    m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²,   m̂ = m / (1 − β₁ᵗ),   v̂ = v / (1 − β₂ᵗ),
    θ ← θ − α m̂ / (√v̂ + ε),

returning the *uncorrected* m and v as the state for the next step.
"""

import numpy as np

from .core import Case, Check


def _moments(m, v, g, beta1, beta2):
    return beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g


def _adam_with(m_hat_of, v_hat_of, denominator=lambda v_hat, eps, t, beta2: np.sqrt(v_hat) + eps,
               store_corrected=False, moments=_moments):
    """An Adam step whose moments, bias corrections and denominator are given: the reference and each mistake."""

    def step(theta, m, v, g, t, lr, beta1, beta2, eps):
        m, v = moments(m, v, g, beta1, beta2)
        with np.errstate(all="ignore"):  # a mistake may divide by 1 − β⁰ = 0
            m_hat, v_hat = m_hat_of(m, t, beta1, beta2), v_hat_of(v, t, beta1, beta2)
            theta = theta - lr * m_hat / denominator(v_hat, eps, t, beta2)
        return (theta, m_hat, v_hat) if store_corrected else (theta, m, v)

    return step


_adam_step = _adam_with(lambda m, t, b1, b2: m / (1 - b1**t), lambda v, t, b1, b2: v / (1 - b2**t))

_MISTAKES = {
    "you return the bias-corrected m̂ and v̂ as the state: return the running m and v, and keep m̂, v̂ as "
    "temporary copies (writing the corrections back makes them compound from step to step)":
        _adam_with(lambda m, t, b1, b2: m / (1 - b1**t), lambda v, t, b1, b2: v / (1 - b2**t), store_corrected=True),
    "ε is inside the square root: the denominator is √v̂ + ε, not √(v̂ + ε)":
        _adam_with(lambda m, t, b1, b2: m / (1 - b1**t), lambda v, t, b1, b2: v / (1 - b2**t),
                   denominator=lambda v_hat, eps, t, b2: np.sqrt(v_hat + eps)),
    "the second moment is corrected with β₁: v̂ = v / (1 − β₂ᵗ), with β₂":
        _adam_with(lambda m, t, b1, b2: m / (1 - b1**t), lambda v, t, b1, b2: v / (1 - b1**t)),
    "the bias correction is missing: divide m by 1 − β₁ᵗ and v by 1 − β₂ᵗ before the step":
        _adam_with(lambda m, t, b1, b2: m, lambda v, t, b1, b2: v),
    "the step count is off by one: t = 1 at the first step, so the corrections are 1 − β₁ᵗ and 1 − β₂ᵗ "
    "(counting from t = 0 divides by 1 − β⁰ = 0 at the first step)":
        _adam_with(lambda m, t, b1, b2: m / (1 - b1 ** (t - 1)), lambda v, t, b1, b2: v / (1 - b2 ** (t - 1))),
    "the step count is off by one: the corrections are 1 − β₁ᵗ and 1 − β₂ᵗ with t itself, not t + 1":
        _adam_with(lambda m, t, b1, b2: m / (1 - b1 ** (t + 1)), lambda v, t, b1, b2: v / (1 - b2 ** (t + 1))),
    "only m is corrected: v needs its own correction, v̂ = v / (1 − β₂ᵗ)":
        _adam_with(lambda m, t, b1, b2: m / (1 - b1**t), lambda v, t, b1, b2: v),
    "square the gradient in the second moment: v ← β₂ v + (1 − β₂) g², not (1 − β₂) g":
        _adam_with(lambda m, t, b1, b2: m / (1 - b1**t), lambda v, t, b1, b2: v / (1 - b2**t),
                   moments=lambda m, v, g, b1, b2: (b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g)),
    "that is Keras's form, α √(1 − β₂ᵗ)/(1 − β₁ᵗ) · m / (√v + ε): it adds ε to the uncorrected √v, which equals "
    "the paper's Adam with ε multiplied by √(1 − β₂ᵗ); this exercise asks for the paper's form, √v̂ + ε":
        _adam_with(lambda m, t, b1, b2: m / (1 - b1**t), lambda v, t, b1, b2: v / (1 - b2**t),
                   denominator=lambda v_hat, eps, t, b2: np.sqrt(v_hat) + eps / np.sqrt(1 - b2**t)),
}


def _cases():
    rng = np.random.default_rng(7)
    theta, m, v, g = (rng.standard_normal((2, 3)) for _ in range(4))
    v = np.abs(v) / 10  # a second moment is never negative
    defaults = (0.9, 0.999, 1e-8)
    return [
        Case("the first step, t = 1, from m = v = 0 (scalar, α = 0.1)",
             (np.array(1.0), np.array(0.0), np.array(0.0), np.array(2.0), 1, 0.1) + defaults),
        Case("step t = 5 on a (2, 3) array with non-zero m and v, α = 0.01",
             (theta, m / 10, v, g, 5, 0.01) + defaults),
        Case("tiny gradients, |g| ≈ 1e-4, at step t = 3 (ε matters here)",
             (np.array([0.5, -0.5]), np.array([1e-4, -2e-5]), np.array([1e-8, 4e-10]), np.array([1e-4, -1e-4]),
              3, 0.001) + defaults),
        Case("a sweep: α of shape (3, 1) against θ of shape (3, 2), t = 2, β = (0.8, 0.99), ε = 1e-3",
             (np.ones((3, 2)), np.full((3, 2), 0.5), np.full((3, 2), 0.3), np.full((3, 2), -1.0), 2,
              np.array([[0.1], [0.01], [0.001]]), 0.8, 0.99, 1e-3)),
        Case("a late step, t = 100", (theta, m, v, g, 100, 0.001) + defaults),
    ]


def _random_case(rng):
    n, t = int(rng.integers(2, 6)), int(rng.integers(1, 50))
    theta, m, g = rng.normal(size=(3, n)) * 10.0 ** rng.uniform(-5, 0)
    return Case(f"random θ, m, v, g of length {n} at step t = {t}, ε = 1e-3",
                (theta, m, m**2 + rng.uniform(0, 1e-3, n), g, t, 0.01, 0.9, 0.999, 1e-3))


def adam_check():
    """The check of ``adam_step(theta, m, v, g, t, lr, beta1, beta2, eps) -> (theta, m, v)``: the paper's Adam."""
    return Check("Adam step", _adam_step, _cases(), _MISTAKES, random_case=_random_case)


def check_adam_step(adam_step):
    """Check ``adam_step(theta, m, v, g, t, lr, beta1, beta2, eps) -> (theta, m, v)`` against the paper's Adam."""
    return adam_check().run(adam_step)
