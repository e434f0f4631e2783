r"""A schedule driven by a metric instead of the step (chapters 8 and 17): ReduceOnPlateau."""

import numpy as np

from .. import _args
from .base import Schedule, _check_lr_min


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
