"""Self-check for chapter 4: a bias-corrected exponentially weighted moving average."""

import numpy as np

from ..ewma import ewma
from .core import Case, Check


def _corrected(y, beta):
    return ewma(y, beta, bias_correction=True)


def _recursion(y, beta, weight_old, weight_new, s0=0.0):
    """S_t = weight_old·S_{t−1} + weight_new·Y_t for t = 1…n, from S₀ = s0; returns S_1…S_n."""
    s, out = s0, np.empty(len(y))
    for t, value in enumerate(np.asarray(y, dtype=float)):
        s = weight_old * s + weight_new * value
        out[t] = s
    return out


def _steps(y):
    return np.arange(1, len(y) + 1)


def _uncorrected(y, beta):
    return _recursion(y, beta, beta, 1 - beta)


def _first_then_corrected(y, beta):
    s = _recursion(y[1:], beta, beta, 1 - beta, s0=float(y[0]))
    return np.concatenate([[y[0]], s]) / (1 - beta ** _steps(y))


def _swapped(y, beta):
    return _recursion(y, beta, 1 - beta, beta) / (1 - beta ** _steps(y))


def _t_from_zero(y, beta):
    with np.errstate(divide="ignore", invalid="ignore"):  # 1 − β⁰ = 0: the mistake divides by zero
        return _uncorrected(y, beta) / (1 - beta ** (_steps(y) - 1))


def _t_plus_one(y, beta):
    return _uncorrected(y, beta) / (1 - beta ** (_steps(y) + 1))


def _corrected_in_place(y, beta):
    s, out = 0.0, np.empty(len(y))
    for t, value in enumerate(np.asarray(y, dtype=float), 1):
        s = (beta * s + (1 - beta) * value) / (1 - beta**t)
        out[t - 1] = s
    return out


def _first_uncorrected(y, beta):
    return np.concatenate([[y[0]], _recursion(y[1:], beta, beta, 1 - beta, s0=float(y[0]))])


def _swapped_uncorrected(y, beta):
    return _recursion(y, beta, 1 - beta, beta)


def _random_case(rng):
    n, beta = int(rng.integers(5, 40)), float(rng.choice([0.3, 0.5, 0.8, 0.9, 0.95, 0.99]))
    return Case(f"a random series of {n} values with β = {beta}", (rng.normal(rng.normal(0, 5), 2, n), beta))


def ewma_check():
    """The check of ``ewma_corrected(y, beta)``: Ŝ_t = S_t/(1 − βᵗ), S₀ = 0, S_t = βS_{t−1} + (1 − β)Y_t."""
    rng = np.random.default_rng(4)
    cases = [
        Case("constant series 5, 5, 5, 5 with β = 0.9 (the answer is 5 everywhere)", (np.full(4, 5.0), 0.9)),
        Case("y = 1, 2, 3, 4, 5 with β = 0.5", (np.arange(1.0, 6.0), 0.5)),
        Case("20 random values with β = 0.9", (rng.normal(10, 3, 20), 0.9)),
        Case("β = 0: no memory, the average is the series itself", (np.array([3.0, -1.0, 4.0]), 0.0)),
        Case("50 random values with β = 0.98", (rng.normal(0, 1, 50), 0.98)),
    ]
    mistakes = {
        "no bias correction: divide S_t by 1 − βᵗ": _uncorrected,
        "you started from S₁ = Y₁ and then corrected: that average is already unbiased; "
        "this exercise starts from S₀ = 0": _first_then_corrected,
        "you started from S₁ = Y₁: that is another unbiased average (it needs no correction), but this exercise "
        "starts from S₀ = 0 and divides S_t by 1 − βᵗ": _first_uncorrected,
        "β and 1 − β are swapped: the old average is weighted by β, the new value by 1 − β": _swapped,
        "β and 1 − β are swapped (the old average is weighted by β, the new value by 1 − β), and the bias "
        "correction is missing": _swapped_uncorrected,
        "the first observation has t = 1, not 0 (1 − β⁰ = 0 divides by zero)": _t_from_zero,
        "1 − βᵗ uses t + 1: the first observation has t = 1": _t_plus_one,
        "you wrote the corrected value back into S: keep the running S_t uncorrected and divide a copy, "
        "Ŝ_t = S_t/(1 − βᵗ), or the corrections compound from step to step": _corrected_in_place,
    }
    return Check("bias-corrected EWMA", _corrected, cases, mistakes, random_case=_random_case)


def check_ewma(ewma_corrected):
    """Check ``ewma_corrected(y, beta) -> array``: Ŝ_t = S_t/(1 − βᵗ), S₀ = 0, S_t = βS_{t−1} + (1 − β)Y_t, t = 1…n."""
    return ewma_check().run(ewma_corrected)
