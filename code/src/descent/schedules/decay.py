r"""Decays that are functions of the step alone (chapter 8): inverse-time, exponential, step, multi-step and
polynomial (with power 1, the linear decay to zero)."""

import numpy as np

from .. import _args
from .base import Schedule, _check_gamma


class InverseTime(Schedule):
    """α_t = α₀ / (1 + k t): Σα diverges and Σα² converges (Robbins–Monro) when k > 0.

    With ``interval`` s (an integer ≥ 1) the rate is the staircase α₀ / (1 + k⌊t/s⌋) of popular courses, which
    write it per epoch, α₀/(1 + k⌊epoch/interval⌋): s = interval · steps per epoch.
    """

    def __init__(self, lr0, k, interval=None):
        super().__init__(lr0)
        self.k = _args.nonnegative("k", k)
        self.interval = None if interval is None else _args.positive_int("interval", interval)

    def factor(self, t):
        return 1.0 / (1.0 + self.k * (t if self.interval is None else np.floor_divide(t, self.interval)))


class Exponential(Schedule):
    """α_t = α₀ γᵗ with 0 < γ ≤ 1: Σα = α₀/(1 − γ) is finite, so the iterate can stop short of the minimum."""

    def __init__(self, lr0, gamma):
        super().__init__(lr0)
        self.gamma = _check_gamma(gamma)

    def factor(self, t):
        return self.gamma**t


class Step(Schedule):
    """α_t = α₀ γ^⌊t/s⌋: constant for s steps, then multiplied by γ."""

    def __init__(self, lr0, gamma, step_size):
        super().__init__(lr0)
        self.gamma = _check_gamma(gamma)
        self.step_size = _args.positive_int("step_size", step_size)

    def factor(self, t):
        return self.gamma ** np.floor_divide(t, self.step_size)


class MultiStep(Schedule):
    """α_t = α₀ γ^(number of milestones ≤ t): multiplied by γ at each milestone, a milestone listed twice by γ².

    ``milestones``: a list of integers ≥ 0, in any order (steps; for epochs multiply by the steps per epoch);
    default γ = 0.1. torch: ``MultiStepLR(milestones, gamma)``.
    """

    def __init__(self, lr0, milestones, gamma=0.1):
        super().__init__(lr0)
        if not isinstance(milestones, (list, tuple, np.ndarray)) or np.ndim(milestones) != 1:
            raise TypeError(f"milestones must be a list of integers >= 0 (the steps at which the rate is multiplied "
                            f"by gamma); got {_args.describe(milestones)}")
        self.milestones = tuple(sorted(_args.positive_int(f"milestones[{i}]", m, minimum=0)
                                       for i, m in enumerate(milestones)))
        self.gamma = _check_gamma(gamma)

    def factor(self, t):
        return self.gamma ** np.searchsorted(self.milestones, t, side="right")


class Polynomial(Schedule):
    """α_t = α₀ (1 − min(t, T)/T)^p: from α₀ down to 0 at step T = ``total_steps``, then 0; p = ``power`` > 0
    (default 1, a linear decay to zero). torch: ``PolynomialLR(total_iters=T, power=p)``, whose default T is 5."""

    def __init__(self, lr0, total_steps, power=1.0):
        super().__init__(lr0)
        self.total_steps = _args.positive_int("total_steps", total_steps)
        self.power = _args.positive("power", power)

    def factor(self, t):
        return (1 - np.minimum(t, self.total_steps) / self.total_steps) ** self.power
