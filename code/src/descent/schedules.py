r"""Learning-rate schedules (chapter 8 and the part on training at scale).

A schedule is a callable ``lr(t)`` giving the learning rate of step ``t = 0, 1, 2, …`` (the first update uses
``t = 0``). Any optimizer accepts one as its ``lr``. ``t`` may be an array, so a schedule plots in one call, and
``lr0`` may be an array, so a schedule sweeps like any hyper-parameter.

===============  ==============================================  ==============================================
class            α_t                                             torch.optim.lr_scheduler
===============  ==============================================  ==============================================
Constant         α₀                                              ConstantLR(factor=1)
InverseTime      α₀ / (1 + k t), or α₀ / (1 + k⌊t/s⌋)            LambdaLR(lambda t: 1/(1+k*t)), (… t//s …)
Exponential      α₀ γᵗ                                           ExponentialLR(gamma)
Step             α₀ γ^⌊t/s⌋                                      StepLR(step_size=s, gamma)
MultiStep        α₀ γ^(number of milestones ≤ t)                 MultiStepLR(milestones, gamma)
Cosine           α_min + (α₀ − α_min)(1 + cos(π t/T))/2, t ≤ T   CosineAnnealingLR(T_max=T, eta_min)
CosineRestarts   the cosine over periods T₀, T₀m, T₀m², …        CosineAnnealingWarmRestarts(T_0, T_mult, eta_min)
Polynomial       α₀ (1 − min(t, T)/T)^p                          PolynomialLR(total_iters=T, power=p)
OneCycle         up from α_max/25 to α_max, down to α_max/2.5e5  OneCycleLR(max_lr, total_steps), rate only
Warmup           α₀ · min(1, (t + 1)/w), then any schedule       LinearLR(start_factor=1/w) + chain
Lambda           α₀ · fn(t) for a function fn of the step        LambdaLR(lr_lambda=fn)
ReduceOnPlateau  α cut by γ when a metric stops improving        ReduceLROnPlateau (``observe(metric)``)
===============  ==============================================  ==============================================

:func:`make` builds the closed forms by name (``make("cosine_restarts", 0.1, period=10)``; see :data:`SCHEDULES`).

Here ``t`` counts optimizer steps; for a per-epoch schedule pass ``t // steps_per_epoch`` or give the intervals,
milestones and periods in steps (``s = steps_per_epoch``). Every schedule but ReduceOnPlateau is a function of t
alone; ReduceOnPlateau needs the metric, which only the training loop knows (see its docstring).

Arguments: α₀ = ``lr0`` > 0 and k ≥ 0 are numbers or non-empty arrays, γ is in (0, 1], s = ``step_size``,
T = ``total_steps`` and w = ``warmup_steps`` are integers ≥ 1, 0 ≤ α_min = ``lr_min`` ≤ α₀; a schedule is called
with a finite t ≥ 0 (a number or an array). Anything else raises TypeError or ValueError naming the argument.
"""

import numpy as np

from . import _args


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


class Cosine(Schedule):
    """α_t = α_min + (α₀ − α_min)(1 + cos(π t/T))/2 for t ≤ T, then α_min (annealing without restarts)."""

    def __init__(self, lr0, total_steps, lr_min=0.0):
        super().__init__(lr0)
        self.total_steps = _args.positive_int("total_steps", total_steps)
        self.lr_min = _check_lr_min(lr_min, self.lr0)

    def factor(self, t):
        ratio = self.lr_min / self.lr0
        cos = (1 + np.cos(np.pi * np.minimum(t, self.total_steps) / self.total_steps)) / 2
        return ratio + (1 - ratio) * cos


class CosineRestarts(Schedule):
    """SGDR (Loshchilov & Hutter 2017): the cosine from α₀ down towards α_min over a period, then a restart at α₀.

    The first period lasts T₀ = ``period`` steps, each next one m = ``period_mult`` times longer (an integer ≥ 1).
    With T_cur the steps since the last restart and T_i the current period,
    α_t = α_min + (α₀ − α_min)(1 + cos(π T_cur/T_i))/2, so α_min itself is never reached at an integer step.
    torch: ``CosineAnnealingWarmRestarts(T_0=period, T_mult=period_mult, eta_min=lr_min)``.
    """

    def __init__(self, lr0, period, period_mult=1, lr_min=0.0):
        super().__init__(lr0)
        self.period = _args.positive_int("period", period)
        self.period_mult = _args.positive_int("period_mult", period_mult)
        self.lr_min = _check_lr_min(lr_min, self.lr0)

    def factor(self, t):
        since_restart, period = self._cycle(t)
        ratio = self.lr_min / self.lr0
        return ratio + (1 - ratio) * (1 + np.cos(np.pi * since_restart / period)) / 2

    def _cycle(self, t):
        """(T_cur, T_i): the steps since the last restart and the length of the current period."""
        if self.period_mult == 1:
            return np.mod(t, self.period), self.period
        count = 1  # periods needed to cover every t
        while self.period * (self.period_mult**count - 1) // (self.period_mult - 1) <= np.max(t):
            count += 1
        lengths = self.period * self.period_mult ** np.arange(count)
        ends = np.cumsum(lengths)
        current = np.searchsorted(ends, t, side="right")
        return t - (ends - lengths)[current], lengths[current]


class Polynomial(Schedule):
    """α_t = α₀ (1 − min(t, T)/T)^p: from α₀ down to 0 at step T = ``total_steps``, then 0; p = ``power`` > 0
    (default 1, a linear decay to zero). torch: ``PolynomialLR(total_iters=T, power=p)``, whose default T is 5."""

    def __init__(self, lr0, total_steps, power=1.0):
        super().__init__(lr0)
        self.total_steps = _args.positive_int("total_steps", total_steps)
        self.power = _args.positive("power", power)

    def factor(self, t):
        return (1 - np.minimum(t, self.total_steps) / self.total_steps) ** self.power


class OneCycle(Schedule):
    """The one-cycle policy (Smith & Topin 2019) as torch's ``OneCycleLR(max_lr, total_steps)`` computes it.

    From α_max/``div_factor`` up to α_max = ``lr_max`` until step qT − 1 (q = ``pct_start``, T = ``total_steps``),
    then down to α_max/(div_factor·``final_div_factor``) at step T − 1, each phase a half cosine (``anneal="cos"``)
    or a line (``"linear"``). ``three_phase=True``: up until qT − 1, back down to the start until 2qT − 2, then to
    the floor at T − 1. Defaults are torch's: q = 0.3, div_factor 25, final_div_factor 1e4, two phases.
    Differences: torch also cycles the momentum (β₁ or SGD's momentum, 0.95 → 0.85 → 0.95); this schedule sets the
    rate only. After step T − 1 it stays at the floor, where torch raises.
    """

    def __init__(self, lr_max, total_steps, pct_start=0.3, anneal="cos", div_factor=25.0, final_div_factor=1e4,
                 three_phase=False):
        super().__init__(lr_max)
        self.total_steps = _args.positive_int("total_steps", total_steps)
        self.pct_start = _args.fraction("pct_start", pct_start)
        self.anneal = _args.choice("anneal", anneal, ("cos", "linear"))
        self.div_factor = _args.positive("div_factor", div_factor)
        self.final_div_factor = _args.positive("final_div_factor", final_div_factor)
        self.three_phase = _args.flag("three_phase", three_phase)
        if self.pct_start * self.total_steps <= 1 or (self.three_phase and self.pct_start >= 0.5):
            raise ValueError(f"pct_start * total_steps must be > 1 (a warm-up longer than one step)"
                             f"{' and pct_start < 0.5 with three_phase=True' if self.three_phase else ''}; got "
                             f"pct_start={pct_start!r}, total_steps={total_steps!r}")

    def factor(self, t):
        start = 1 / self.div_factor
        floor = start / self.final_div_factor
        peak = self.pct_start * self.total_steps - 1
        if self.three_phase:
            phases = [(0, peak, start, 1.0), (peak, 2 * peak, 1.0, start),
                      (2 * peak, self.total_steps - 1, start, floor)]
        else:
            phases = [(0, peak, start, 1.0), (peak, self.total_steps - 1, 1.0, floor)]
        values = [self._anneal(a, b, np.clip((t - s) / (e - s), 0, 1)) for s, e, a, b in phases]
        return np.select([t <= e for _, e, _, _ in phases[:-1]], values[:-1], values[-1])

    def _anneal(self, a, b, p):
        """From a (p = 0) to b (p = 1): a half cosine, or a line."""
        if self.anneal == "cos":
            return b + (a - b) * (1 + np.cos(np.pi * p)) / 2
        return a + (b - a) * p


class Warmup(Schedule):
    """α_t = after(t) · min(1, (t + 1)/w): a linear ramp over the first w steps, then the schedule `after`."""

    def __init__(self, after, warmup_steps):
        if not isinstance(after, Schedule) or after.stateful:
            raise TypeError(f"after must be a Schedule of t alone (e.g. Constant(0.1); not ReduceOnPlateau, whose "
                            f"state an optimizer could not save through Warmup); got {after!r}")
        self.after = after
        self.warmup_steps = _args.positive_int("warmup_steps", warmup_steps)
        self.lr0 = after.lr0

    def factor(self, t):
        return self.after.factor(t) * np.minimum(1.0, (t + 1) / self.warmup_steps)


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


class ReduceOnPlateau(Schedule):
    """The rate is cut by γ when a metric has stopped improving (torch ``ReduceLROnPlateau``, same defaults).

    It is not a function of t: after each epoch the training loop calls ``observe(metric)`` with the metric it
    watches (e.g. the validation loss), and the optimizer's following steps use the current rate, which
    ``schedule(t)`` returns whatever t. A metric is better when it is < best·(1 − τ) (mode "min", threshold_mode
    "rel"), < best − τ ("abs"), or > best·(1 + τ), > best + τ in mode "max"; τ = ``threshold``. After more than
    ``patience`` observations in a row that are not better, α ← max(γα, ``lr_min``) (unless that changes α by
    ``eps`` or less), and the next ``cooldown`` observations count as neither good nor bad. NaN (a diverged run) is
    never better. Arguments as torch's, with γ = ``gamma`` (torch's ``factor``, in (0, 1)) and ``lr_min``
    (``min_lr``). With an array ``lr0`` (a sweep), ``observe`` takes one metric per run, in an array that
    broadcasts against ``lr0``, and each run is cut on its own.

    An optimizer resets the schedule in ``reset()`` and saves it in its ``state_dict``. :func:`descent.run` and
    :func:`descent.nn.train` take all their steps in one call and never call ``observe`` (the rate would stay
    α₀), so write the epochs out::

        schedule = ReduceOnPlateau(0.1, patience=2)
        opt = descent.Momentum(lr=schedule, beta=0.9)
        for epoch in range(epochs):
            for batch in nn.batches(len(y), 32, rng):
                loss, grad = net.loss_and_grad(X[batch], y[batch])
                opt.step(net.theta, grad, out=net.theta)
            schedule.observe(net.loss_and_grad(X_val, y_val)[0])
    """

    stateful = True
    STATE = ("lr", "best", "num_bad", "cooldown_left")  # what state_dict saves

    def __init__(self, lr0, mode="min", gamma=0.1, patience=10, threshold=1e-4, threshold_mode="rel", cooldown=0,
                 lr_min=0.0, eps=1e-8):
        super().__init__(lr0)
        self.mode = _args.choice("mode", mode, ("min", "max"))
        self.gamma = _args.fraction("gamma", gamma)
        self.patience = _args.positive_int("patience", patience, minimum=0)
        self.threshold = _args.number("threshold", threshold, _args.nonnegative)
        self.threshold_mode = _args.choice("threshold_mode", threshold_mode, ("rel", "abs"))
        self.cooldown = _args.positive_int("cooldown", cooldown, minimum=0)
        self.lr_min = _check_lr_min(lr_min, self.lr0)
        self.eps = _args.number("eps", eps, _args.nonnegative)
        self.reset()

    def reset(self):
        """Back to α₀, with no metric seen."""
        shape = np.shape(self.lr0)
        self.lr = np.array(self.lr0, dtype=float)
        self.best = np.full(shape, np.inf if self.mode == "min" else -np.inf)
        self.num_bad = np.zeros(shape, dtype=int)
        self.cooldown_left = np.zeros(shape, dtype=int)

    def __call__(self, t):
        return self.lr * np.ones_like(self._steps(t), dtype=float)

    def observe(self, metric):
        """Fold in the metric of the epoch just finished: a real number (NaN allowed), or an array that broadcasts
        against ``lr0``, one per run. Bad input raises TypeError or ValueError and changes nothing."""
        value = _args.real_array("metric", metric, finite=False)
        try:
            shape = np.broadcast_shapes(value.shape, self.best.shape)
        except ValueError:
            shape = None
        if shape != self.best.shape:
            raise ValueError(f"metric must be one number, or an array that broadcasts against lr0 of shape "
                             f"{self.best.shape} (one metric per run); got shape {value.shape}")
        better = self._better(value)
        best = np.where(better, value, self.best)
        bad = np.where(better, 0, self.num_bad + 1)
        cooling = self.cooldown_left > 0
        cooldown_left = np.where(cooling, self.cooldown_left - 1, self.cooldown_left)
        bad = np.where(cooling, 0, bad)
        cut = bad > self.patience
        lower = np.maximum(self.lr * self.gamma, self.lr_min)
        self.lr = np.where(cut & (self.lr - lower > self.eps), lower, self.lr)
        self.best, self.num_bad = best, np.where(cut, 0, bad)
        self.cooldown_left = np.where(cut, self.cooldown, cooldown_left)

    def _better(self, value):
        """torch's test: better than the best so far by more than the threshold (relative or absolute)."""
        rel, tau = self.threshold_mode == "rel", self.threshold
        if self.mode == "min":
            return value < (self.best * (1 - tau) if rel else self.best - tau)
        return value > (self.best * (1 + tau) if rel else self.best + tau)

    def state_dict(self):
        """Copies of the current rate, the best metric, the count of bad observations and of cooldown ones left."""
        return {name: np.array(getattr(self, name)) for name in self.STATE}

    def load_state_dict(self, state_dict):
        """Restore what :meth:`state_dict` saved; bad input raises TypeError or ValueError and changes nothing."""
        self._set_state(self._checked_state(state_dict))

    def _checked_state(self, state_dict, where="state_dict"):
        """Copies of the arrays of `state_dict` once they are checked; `where` names it in the messages."""
        if not isinstance(state_dict, dict) or sorted(map(str, state_dict)) != sorted(self.STATE):
            raise ValueError(f"{where} must be a dict with the keys {list(self.STATE)} (what "
                             f"ReduceOnPlateau.state_dict() returns); got {_args.describe(state_dict)}")
        allowed = {"lr": ("rates > 0", lambda v: np.isfinite(v) & (v > 0)),
                   "best": ("metrics (not NaN)", lambda v: ~np.isnan(v)),
                   "num_bad": ("counts >= 0", lambda v: (v >= 0) & (v == np.round(v))),
                   "cooldown_left": ("counts >= 0", lambda v: (v >= 0) & (v == np.round(v)))}
        checked = {}
        for name, (what, ok) in allowed.items():
            value = _args.real_array(f"{where}[{name!r}]", state_dict[name], finite=False)
            if value.shape != self.best.shape or not np.all(ok(value)):
                raise ValueError(f"{where}[{name!r}] must hold {what} in the shape of lr0, {self.best.shape}; got "
                                 f"{_args.describe(state_dict[name])}")
            checked[name] = np.array(value, dtype=self.num_bad.dtype if name in ("num_bad", "cooldown_left")
                                     else float)
        return checked

    def _set_state(self, checked):
        for name, value in checked.items():
            setattr(self, name, value)


SCHEDULES = {
    "constant": Constant,
    "inverse_time": InverseTime,
    "exponential": Exponential,
    "step": Step,
    "multistep": MultiStep,
    "cosine": Cosine,
    "cosine_restarts": CosineRestarts,
    "polynomial": Polynomial,
    "one_cycle": OneCycle,
}


def make(name, lr0, **kwargs):
    """Build a schedule by name (a key of :data:`SCHEDULES`): ``make("step", 0.1, gamma=0.5, step_size=100)``."""
    return SCHEDULES[_args.choice("schedule name", name, sorted(SCHEDULES))](lr0, **kwargs)


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


def as_lr(lr):
    """An optimizer's ``lr`` argument: a positive number, an array of them, or a schedule (returned as is)."""
    if isinstance(lr, Schedule):
        return lr
    if callable(lr):
        raise TypeError(f"lr must be a number, an array or a descent.schedules.Schedule; got the callable "
                        f"{_args.describe(lr)} (a function of the step t is schedules.Lambda(lr0, fn))")
    return _args.positive("lr", lr)
