r"""Learning-rate schedules (chapter 8).

A schedule is a callable ``lr(t)`` giving the learning rate of step ``t = 0, 1, 2, …`` (the first update uses
``t = 0``). Any optimizer accepts one as its ``lr``. ``t`` may be an array, so a schedule plots in one call, and
``lr0`` may be an array, so a schedule sweeps like any hyper-parameter.

=============  ==============================================  ====================================
name           formula                                         torch.optim.lr_scheduler
=============  ==============================================  ====================================
constant       α₀                                              ConstantLR(factor=1)
inverse_time   α₀ / (1 + k t)                                  LambdaLR(lambda t: 1/(1+k*t))
exponential    α₀ γᵗ                                           ExponentialLR(gamma)
step           α₀ γ^⌊t/s⌋                                      StepLR(step_size=s, gamma)
cosine         α_min + (α₀ − α_min)(1 + cos(π t/T))/2, t ≤ T   CosineAnnealingLR(T_max=T, eta_min)
warmup         α₀ · min(1, (t + 1)/w), then any schedule       LinearLR(start_factor=1/w) + chain
=============  ==============================================  ====================================

Here ``t`` counts optimizer steps; for a per-epoch schedule pass ``t // steps_per_epoch`` or use ``step`` with
``s = steps_per_epoch``.

Arguments: α₀ = ``lr0`` > 0 and k ≥ 0 are numbers or non-empty arrays, γ is in (0, 1], s = ``step_size``,
T = ``total_steps`` and w = ``warmup_steps`` are integers ≥ 1, 0 ≤ α_min = ``lr_min`` ≤ α₀; a schedule is called
with a finite t ≥ 0 (a number or an array). Anything else raises TypeError or ValueError naming the argument.
"""

import numpy as np

from . import _args


class Schedule:
    """Base class: subclasses define ``factor(t)``; the learning rate is ``lr0 * factor(t)``.

    ``lr0`` is a number > 0 or a non-empty array of them; ``schedule(t)`` takes a step count t ≥ 0 (an integer or
    a float, or an array of them; not bool, not inf or NaN).
    """

    def __init__(self, lr0):
        self.lr0 = _args.positive("lr0", lr0)

    def __call__(self, t):
        steps = _args.real_array("t", t, finite=False)
        if not np.all(np.isfinite(steps) & (steps >= 0)):
            raise ValueError(f"t must be a finite step count >= 0, or an array of them; got {_args.describe(t)}")
        return self.lr0 * self.factor(np.asarray(t))

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({args})"


class Constant(Schedule):
    """α_t = α₀."""

    def factor(self, t):
        return np.ones_like(t, dtype=float)


class InverseTime(Schedule):
    """α_t = α₀ / (1 + k t): Σα diverges and Σα² converges (Robbins–Monro) when k > 0."""

    def __init__(self, lr0, k):
        super().__init__(lr0)
        self.k = _args.nonnegative("k", k)

    def factor(self, t):
        return 1.0 / (1.0 + self.k * t)


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


class Cosine(Schedule):
    """α_t = α_min + (α₀ − α_min)(1 + cos(π t/T))/2 for t ≤ T, then α_min (annealing without restarts)."""

    def __init__(self, lr0, total_steps, lr_min=0.0):
        super().__init__(lr0)
        self.total_steps = _args.positive_int("total_steps", total_steps)
        self.lr_min = _args.nonnegative("lr_min", lr_min)
        try:
            np.broadcast_shapes(np.shape(self.lr0), np.shape(self.lr_min))
        except ValueError:
            raise ValueError(f"lr_min has shape {np.shape(self.lr_min)}, which does not broadcast against lr0 of "
                             f"shape {np.shape(self.lr0)}") from None
        if np.any(self.lr_min > self.lr0):
            raise ValueError(f"lr_min must be <= lr0; got lr_min={lr_min!r}, lr0={lr0!r}")

    def factor(self, t):
        ratio = self.lr_min / self.lr0
        cos = (1 + np.cos(np.pi * np.minimum(t, self.total_steps) / self.total_steps)) / 2
        return ratio + (1 - ratio) * cos


class Warmup(Schedule):
    """α_t = after(t) · min(1, (t + 1)/w): a linear ramp over the first w steps, then the schedule `after`."""

    def __init__(self, after, warmup_steps):
        if not isinstance(after, Schedule):
            raise TypeError(f"after must be a Schedule (e.g. Constant(0.1)); got {after!r}")
        self.after = after
        self.warmup_steps = _args.positive_int("warmup_steps", warmup_steps)
        self.lr0 = after.lr0

    def factor(self, t):
        return self.after.factor(t) * np.minimum(1.0, (t + 1) / self.warmup_steps)


SCHEDULES = {
    "constant": Constant,
    "inverse_time": InverseTime,
    "exponential": Exponential,
    "step": Step,
    "cosine": Cosine,
}


def make(name, lr0, **kwargs):
    """Build a schedule by name (a key of :data:`SCHEDULES`): ``make("step", 0.1, gamma=0.5, step_size=100)``."""
    return SCHEDULES[_args.choice("schedule name", name, sorted(SCHEDULES))](lr0, **kwargs)


def _check_gamma(gamma):
    arr = _args.positive("gamma", gamma)
    if np.any(np.asarray(arr) > 1):
        raise ValueError(f"gamma must be in (0, 1]; got {_args.describe(gamma)}")
    return arr


def as_lr(lr):
    """An optimizer's ``lr`` argument: a positive number, an array of them, or a schedule (returned as is)."""
    if isinstance(lr, Schedule):
        return lr
    if callable(lr):
        raise TypeError(f"lr must be a number, an array or a descent.schedules.Schedule; got the callable "
                        f"{_args.describe(lr)}")
    return _args.positive("lr", lr)
