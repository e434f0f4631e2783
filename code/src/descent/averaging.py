r"""Iterate averaging (chapter 17): run any optimizer as usual and keep an average θ̄ of its iterates as state.

Averaging is the alternative to decaying the learning rate: with a constant rate the iterates of SGD keep
bouncing around the minimum, and their average does not. Three classic forms, one class:

=======================  ==========================================  ===========================================
form                     Averaged(opt, …)                            torch.optim.swa_utils
=======================  ==========================================  ===========================================
Polyak–Ruppert           decay=None, start=s (the uniform average     AveragedModel(model), update_parameters
                         of θ_s, θ_{s+1}, …)                          after every step from step s on
EMA of the weights       decay=β (start=1)                            AveragedModel(model, multi_avg_fn=
                                                                      get_ema_multi_avg_fn(β))
SWA                      decay=None, start=s, every=steps per epoch   AveragedModel(model), update_parameters at
                         (with a constant rate or schedules.SWALR)    the end of each epoch from epoch s on
=======================  ==========================================  ===========================================
"""

import numpy as np

from . import _args
from .optimizers.base import Optimizer


class Averaged(Optimizer):
    """An optimizer that also keeps θ̄, an average of the iterates of `optimizer`, whose steps it does not change.

    After step t, if t ≥ s and t − s is a multiple of e, the new iterate θ_t enters the average as its n-th term:

        n = 1:  θ̄ = θ_t;   then  θ̄ ← θ̄ + (θ_t − θ̄)/n   (``decay=None``: the uniform average)
                              or  θ̄ ← θ̄ + (1 − β)(θ_t − θ̄)   (``decay=β``: an EMA, started at θ_t, so it
                                                              needs no bias correction)

    s = ``start`` (default 1), e = ``every`` (default 1); β in [0, 1), a number or an array that broadcasts against θ
    (a sweep). This is what torch's ``AveragedModel.update_parameters`` computes when it is called after those steps
    (its first call copies the model; default average and ``get_ema_multi_avg_fn(β)``; see the module docstring).

    ``step``, ``reset``, ``t``, ``state_dict`` and ``load_state_dict`` work as for any optimizer (the state dict
    holds θ̄ and, under ``"inner"``, the wrapped optimizer's own), so ``nn.train`` and ``descent.run`` take it
    as it is; their records follow θ_t. ``average`` is θ̄ (None until the first iterate enters): evaluate it with
    e.g. ``net.theta = opt.average`` after training.
    """

    hyper = ("decay",)
    slots = {"average": "average"}

    def __init__(self, optimizer, decay=None, start=1, every=1):
        if not isinstance(optimizer, Optimizer) or isinstance(optimizer, Averaged):
            raise TypeError(f"optimizer must be a descent optimizer to average, such as descent.SGD(lr=0.1); got "
                            f"{_args.describe(optimizer)}")
        self.optimizer = optimizer
        self.decay = None if decay is None else _args.decay_rate("decay", decay)
        self.start = _args.positive_int("start", start)
        self.every = _args.positive_int("every", every)
        self.reset()

    @property
    def lr(self):
        """The learning rate of the wrapped optimizer."""
        return self.optimizer.lr

    @property
    def t(self):
        return self._t

    @t.setter
    def t(self, value):
        self.optimizer.t = value
        self._t = self.optimizer.t

    def reset(self):
        """Forget the average and reset the wrapped optimizer."""
        self.optimizer.reset()
        self._t = 0
        self._scratch = ()
        self.average = None

    def step(self, x, grad, out=None):
        """The wrapped optimizer's step; then θ_t enters the average if its turn has come."""
        x, grad, out = self._check(x, grad, out)
        new = self.optimizer.step(x, grad, out)
        self._t += 1
        if self._t >= self.start and (self._t - self.start) % self.every == 0:
            self._absorb(new)
        return new

    def _absorb(self, theta):
        if self.average is None:
            self.average = np.array(theta, copy=True)
            return
        with np.errstate(all="ignore"):  # a diverged run averages to inf/nan, silently
            if self.decay is None:
                self.average += (theta - self.average) / ((self._t - self.start) // self.every + 1)
            else:
                self.average += (1 - self.decay) * (theta - self.average)

    def state_dict(self):
        """``{"optimizer": "Averaged", "t", "state": {"average": θ̄} (empty before it exists), "inner": the
        wrapped optimizer's state_dict()}``, all copies."""
        state = {} if self.average is None else {"average": self.average.copy()}
        return {"optimizer": "Averaged", "t": self.t, "state": state, "inner": self.optimizer.state_dict()}

    def load_state_dict(self, state_dict):
        """Continue the run saved by :meth:`state_dict`; bad input raises TypeError or ValueError and changes
        nothing (the wrapped optimizer included)."""
        keys = ["inner", "optimizer", "state", "t"]
        if not isinstance(state_dict, dict) or sorted(map(str, state_dict)) != keys:
            raise ValueError(f"state_dict must be what Averaged.state_dict() returns, a dict with the keys {keys}; "
                             f"got {_args.describe(state_dict)}")
        if state_dict["optimizer"] != "Averaged":
            raise ValueError(f"state_dict['optimizer'] must be 'Averaged'; got {_args.describe(state_dict['optimizer'])}")
        t = _args.positive_int("state_dict['t']", state_dict["t"], minimum=0)
        inner, state = state_dict["inner"], state_dict["state"]
        if not isinstance(inner, dict) or inner.get("t") != t:
            raise ValueError(f"state_dict['inner'] must be the wrapped optimizer's state_dict, at the same step "
                             f"t = {t}; got {_args.describe(inner)}")
        if not isinstance(state, dict) or sorted(map(str, state)) not in ([], ["average"]):
            raise ValueError(f"state_dict['state'] must be {{'average': array}} (or empty before the first average); "
                             f"got {_args.describe(state)}")
        average = None
        if state:
            average = np.array(_args.real_array("state_dict['state']['average']", state["average"], finite=False))
            if average.size == 0:
                raise ValueError("state_dict['state']['average'] must be a non-empty array; got an empty one")
            _args.broadcasts_to("decay", self.decay, average.shape, "the average")
        self.optimizer.load_state_dict(inner)  # raises, changing nothing, if it does not fit
        self._t, self._scratch, self.average = t, (), average

    def __repr__(self):
        return f"Averaged({self.optimizer!r}, decay={self.decay!r}, start={self.start}, every={self.every})"
