"""Self-check for chapter 17: the warm-up–stable–decay (WSD) schedule with the 1 − √p cool-down."""

import numpy as np

from ..schedules import WSD
from .core import Case, Check


def _wsd(lr0, warmup, stable, decay, t):
    return WSD(lr0, warmup, stable, decay)(np.asarray(t))


def _phases(lr0, warmup, stable, decay, t, cool, warm=None):
    """The schedule with the cool-down shape `cool(t)` (and warm-up `warm(t)`), 0 after the end."""
    t = np.asarray(t, dtype=float)
    warm = (lambda t: t / max(1, warmup)) if warm is None else warm
    with np.errstate(invalid="ignore"):
        return lr0 * np.select([t < warmup, t < warmup + stable, t < warmup + stable + decay],
                               [warm(t), 1.0, cool(t)], 0.0)


def _sqrt_of_linear(lr0, warmup, stable, decay, t):
    return _phases(lr0, warmup, stable, decay, t, lambda t: np.sqrt(1 - (t - warmup - stable) / decay))


def _linear(lr0, warmup, stable, decay, t):
    return _phases(lr0, warmup, stable, decay, t, lambda t: 1 - (t - warmup - stable) / decay)


def _without_stable(lr0, warmup, stable, decay, t):
    return _phases(lr0, warmup, stable, decay, t, lambda t: 1 - np.sqrt(np.clip((t - warmup) / decay, 0, None)))


def _warmup_from_one(lr0, warmup, stable, decay, t):
    return _phases(lr0, warmup, stable, decay, t, lambda t: 1 - np.sqrt((t - warmup - stable) / decay),
                   warm=lambda t: (t + 1) / max(1, warmup))


def _no_floor(lr0, warmup, stable, decay, t):
    t = np.asarray(t, dtype=float)
    with np.errstate(invalid="ignore"):
        cool = 1 - np.sqrt((t - warmup - stable) / decay)
    return lr0 * np.select([t < warmup, t < warmup + stable], [t / max(1, warmup), 1.0], cool)


def _random_case(rng):
    warmup, stable, decay = (int(v) for v in rng.integers([0, 0, 1], [10, 30, 20]))
    lr0 = float(rng.uniform(0.01, 1))
    t = np.arange(warmup + stable + decay + 5)
    return Case(f"α₀ = {lr0:.3f}, W = {warmup}, S = {stable}, D = {decay}, every step", (lr0, warmup, stable, decay, t))


def wsd_check():
    """The check of ``wsd(lr0, warmup, stable, decay, t)``: α₀·t/W during warm-up, α₀ while stable, α₀(1 − √p) with
    p = (t − W − S)/D during the cool-down, 0 afterwards."""
    t = np.arange(40)
    cases = [
        Case("t = 0 with no warm-up (W = 0): the peak at once", (0.1, 0, 10, 5, 0)),
        Case("t = 2 during a warm-up of W = 4 steps", (0.1, 4, 10, 5, 2)),
        Case("t = 20, in the cool-down (W = 4, S = 12, D = 16)", (1.0, 4, 12, 16, 20)),
        Case("t = 0…39 as an array: W = 4, S = 12, D = 16, then the floor", (0.5, 4, 12, 16, t)),
        Case("t = 0…39: W = 0, S = 0, D = 30 (a cool-down only)", (0.3, 0, 0, 30, t)),
    ]
    mistakes = {
        "the cool-down is √(1 − p); WSD's cool-down is 1 − √p: it drops fast at first and slowly at the end":
            _sqrt_of_linear,
        "that is a linear cool-down, 1 − p; this exercise asks for 1 − √p": _linear,
        "p must count from the start of the cool-down, t − W − S, not from the end of the warm-up": _without_stable,
        "the warm-up is off by one: at t it is α₀·t/W (0 at t = 0), not α₀·(t + 1)/W": _warmup_from_one,
        "after the cool-down (t ≥ W + S + D) the rate stays at 0; 1 − √p goes negative (or NaN) there":
            _no_floor,
    }
    return Check("warm-up–stable–decay with the 1 − √p cool-down", _wsd, cases, mistakes, rtol=1e-9, atol=1e-12,
                 random_case=_random_case)


def check_wsd(wsd):
    """Check a learner's ``wsd(lr0, warmup, stable, decay, t)`` (t the step count from 0, a number or an array)."""
    return wsd_check().run(wsd)
