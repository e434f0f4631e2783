"""Self-checks for the learning-rate-schedules chapter: step, exponential and inverse-time decay."""

import numpy as np

from .core import Case, Check

KINDS = ("step", "exponential", "inverse_time")


def _step(lr0, gamma, step_size, t):
    return lr0 * gamma ** np.floor_divide(t, step_size)


def _exponential(lr0, gamma, t):
    return lr0 * gamma ** np.asarray(t)


def _inverse_time(lr0, k, t):
    return lr0 / (1 + k * np.asarray(t))


_T = np.arange(0, 25)

_CASES = {
    "step": (_step, "step decay α₀ γ^⌊t/s⌋", [
        Case("t = 0: the first step uses α₀", (0.1, 0.5, 10, 0)),
        Case("t = 9, still in the first interval of s = 10 steps", (0.1, 0.5, 10, 9)),
        Case("t = 10, the first drop", (0.1, 0.5, 10, 10)),
        Case("t = 0..24 as an array, s = 10, γ = 0.1", (1.0, 0.1, 10, _T)),
        Case("t = 0..24, s = 7, γ = 0.5", (0.3, 0.5, 7, _T)),
    ]),
    "exponential": (_exponential, "exponential decay α₀ γᵗ", [
        Case("t = 0", (0.1, 0.9, 0)),
        Case("t = 3", (0.1, 0.9, 3)),
        Case("t = 0..24 as an array, γ = 0.95", (0.5, 0.95, _T)),
    ]),
    "inverse_time": (_inverse_time, "inverse-time decay α₀ / (1 + k t)", [
        Case("t = 0", (0.1, 0.5, 0)),
        Case("t = 4, k = 0.5", (0.1, 0.5, 4)),
        Case("t = 0..24 as an array, k = 0.1", (1.0, 0.1, _T)),
    ]),
}

_MISTAKES = {
    "step": {
        "the floor is missing: γ^(t/s) decays smoothly; step decay holds α constant for s steps, γ^⌊t/s⌋ "
        "(use t // step_size)": lambda lr0, gamma, s, t: lr0 * gamma ** (np.asarray(t) / s),
        "γ is applied at every step, γᵗ (per-step exponential decay): step decay multiplies by γ only once every "
        "step_size steps": lambda lr0, gamma, s, t: lr0 * gamma ** np.asarray(t),
        "off by one: the first drop should come at t = step_size, and t = 0 should give α₀ — use ⌊t/s⌋, "
        "not ⌊t/s⌋ + 1": lambda lr0, gamma, s, t: lr0 * gamma ** (np.floor_divide(t, s) + 1),
        "that is inverse-time decay α₀/(1 + γ⌊t/s⌋), not a power of γ": (
            lambda lr0, gamma, s, t: lr0 / (1 + gamma * np.floor_divide(t, s))),
    },
    "exponential": {
        "that is inverse-time decay α₀/(1 + γt), not exponential decay: exponential decay multiplies by γ at "
        "every step, α₀ γᵗ": lambda lr0, gamma, t: lr0 / (1 + gamma * np.asarray(t)),
        "the exponent is off by one: t = 0 should give α₀, so use γᵗ, not γ^(t+1)": (
            lambda lr0, gamma, t: lr0 * gamma ** (np.asarray(t) + 1)),
    },
    "inverse_time": {
        "that is exponential decay, α₀/(1 + k)ᵗ = α₀ γᵗ with γ = 1/(1 + k): inverse-time decay divides by "
        "1 + k t": lambda lr0, k, t: lr0 / (1 + k) ** np.asarray(t),
        "the 1 is missing from the denominator: α₀/(k t) is infinite at t = 0; use α₀/(1 + k t)": (
            lambda lr0, k, t: lr0 / (k * np.asarray(t))),
    },
}


def _random_case(kind):
    def draw(rng):
        lr0, t = float(rng.uniform(0.01, 1)), rng.integers(0, 60, size=int(rng.integers(3, 10)))
        rate = {"step": (float(rng.uniform(0.1, 0.9)), int(rng.integers(2, 12))), "exponential": (
            float(rng.uniform(0.8, 0.99)),), "inverse_time": (float(rng.uniform(0.01, 1)),)}[kind]
        return Case(f"α₀ = {lr0:.3f}, random steps t", (lr0, *rate, t))
    return draw


def schedule_check(kind="step"):
    """The check of a learner's schedule of the given kind (see :func:`check_schedule`)."""
    if kind not in _CASES:
        raise ValueError(f"kind must be one of {KINDS}; got {kind!r}")
    reference, title, cases = _CASES[kind]
    return Check(title, reference, cases, _MISTAKES[kind], random_case=_random_case(kind))


def check_schedule(schedule, kind="step"):
    """Check a learner's learning-rate schedule against its formula, with `t` the step count from 0.

    - ``kind="step"``: ``schedule(lr0, gamma, step_size, t)`` = α₀ γ^⌊t/s⌋;
    - ``kind="exponential"``: ``schedule(lr0, gamma, t)`` = α₀ γᵗ;
    - ``kind="inverse_time"``: ``schedule(lr0, k, t)`` = α₀ / (1 + k t).

    `t` is an integer or an integer array; the learner's function must handle both.
    """
    return schedule_check(kind).run(schedule)
