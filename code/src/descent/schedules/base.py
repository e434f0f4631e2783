r"""What every schedule shares (chapter 8): the base class, the constant rate, a rate given by a function,
the checks of the common arguments and an optimizer's ``lr`` argument."""

import numpy as np

from .. import _args


class Schedule:
    """Base class: subclasses define ``factor(t)``; the learning rate is ``lr0 * factor(t)``.

    ``lr0`` is a number > 0 or a non-empty array of them; ``schedule(t)`` takes a step count t ≥ 0 (an integer or
    a float, or an array of them; not bool, not inf or NaN). A schedule with ``stateful = True`` also keeps state
    (``reset``, ``state_dict``, ``load_state_dict``), which an optimizer resets, saves and restores with its own.
    """

    stateful = False

    def __init__(self, lr0):
        self.lr0 = _args.positive("lr0", lr0)

    def __call__(self, t):
        return self.lr0 * self.factor(self._steps(t))

    @staticmethod
    def _steps(t):
        steps = _args.real_array("t", t, finite=False)
        if not np.all(np.isfinite(steps) & (steps >= 0)):
            raise ValueError(f"t must be a finite step count >= 0, or an array of them; got {_args.describe(t)}")
        return np.asarray(t)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({args})"


class Constant(Schedule):
    """α_t = α₀."""

    def factor(self, t):
        return np.ones_like(t, dtype=float)


class Lambda(Schedule):
    """α_t = α₀ · fn(t), for a function `fn` of the step count t (an int ≥ 0) that returns a finite number ≥ 0.

    torch: ``LambdaLR(lr_lambda=fn)``. For an array of t, `fn` is called once per entry. A value of fn that is not
    a finite number ≥ 0 raises TypeError or ValueError naming fn and t.
    """

    def __init__(self, lr0, fn):
        super().__init__(lr0)
        if not callable(fn) or isinstance(fn, type):
            raise TypeError(f"fn must be a function of the step count t, such as lambda t: 0.95 ** t; got "
                            f"{_args.describe(fn)}")
        self.fn = fn

    def factor(self, t):
        values = []
        for k in np.ravel(t).tolist():
            value = _args.number(f"fn({k}) (the rate factor of step {k})", self.fn(k), _args.nonnegative)
            values.append(value)
        return np.reshape(values, np.shape(t))


def as_lr(lr):
    """An optimizer's ``lr`` argument: a positive number, an array of them, or a schedule (returned as is)."""
    if isinstance(lr, Schedule):
        return lr
    if callable(lr):
        raise TypeError(f"lr must be a number, an array or a descent.schedules.Schedule; got the callable "
                        f"{_args.describe(lr)} (a function of the step t is schedules.Lambda(lr0, fn))")
    return _args.positive("lr", lr)


def _check_gamma(gamma):
    arr = _args.positive("gamma", gamma)
    if np.any(np.asarray(arr) > 1):
        raise ValueError(f"gamma must be in (0, 1]; got {_args.describe(gamma)}")
    return arr


def _check_lr_min(lr_min, lr0):
    """α_min: ≥ 0, ≤ α₀, broadcasting against α₀."""
    lr_min = _args.nonnegative("lr_min", lr_min)
    try:
        np.broadcast_shapes(np.shape(lr0), np.shape(lr_min))
    except ValueError:
        raise ValueError(f"lr_min has shape {np.shape(lr_min)}, which does not broadcast against lr0 of "
                         f"shape {np.shape(lr0)}") from None
    if np.any(lr_min > lr0):
        raise ValueError(f"lr_min must be <= lr0; got lr_min={_args.describe(lr_min)}, lr0={_args.describe(lr0)}")
    return lr_min
