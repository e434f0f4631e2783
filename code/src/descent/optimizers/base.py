r"""What every optimizer shares: the interface, its checks, saving and restoring a run, gradient clipping."""

import numpy as np

from .. import _args
from ..ewma import EWMA
from ..schedules import Schedule, as_lr


class Optimizer:
    """Base class. Subclasses list their hyper-parameters in ``hyper``, name their state arrays in ``slots`` (state
    name → the attribute that holds it: an array, or an :class:`~descent.ewma.EWMA` whose average it is) and update θ
    in place in ``_update``.

    Before ``_update`` sees the gradient, ``maximize=True`` negates it and a coupled ``weight_decay`` λ adds λθ to it,
    in this order, as the first lines of torch.optim's steps do (AdamW's decoupled decay is its own line instead).
    A step checks all of its input before it changes anything, so a call that raises leaves the optimizer exactly
    as it was (state, step count and scratch arrays).
    """

    hyper = ("lr",)
    slots = {}
    decoupled = False

    def __init__(self, lr, weight_decay=0.0, maximize=False):
        self.lr = as_lr(lr)
        self.weight_decay = _args.nonnegative("weight_decay", weight_decay)
        self.maximize = _args.flag("maximize", maximize)
        self.reset()

    def reset(self):
        """Forget all state (and that of a schedule that keeps some); the next step is step 1 again."""
        self.t = 0
        self._scratch = ()
        if isinstance(self.lr, Schedule) and self.lr.stateful:
            self.lr.reset()

    @property
    def t(self):
        """The number of steps taken: the next step is step t + 1.

        Setting it (an integer ≥ 0) continues from there, e.g. ``opt.t = 9`` before the first step makes it step 10
        (Adam's bias corrections then use 1 − β¹⁰), as in assignments that pass t to the update.
        """
        return self._t

    @t.setter
    def t(self, value):
        self._t = _args.positive_int("t", value, minimum=0)
        for average in vars(self).values():  # the moving averages count the same steps
            if isinstance(average, EWMA):
                average.t = self._t

    def _buffers(self, x, g, k=1):
        """`k` scratch arrays shaped like `x` for intermediate results, allocated once and reused by every step.

        Their dtype is that of x and g: float32 parameters are updated in float32 arithmetic, as in torch.
        """
        dtype = np.result_type(x, g)
        if len(self._scratch) < k or self._scratch[0].shape != x.shape or self._scratch[0].dtype != dtype:
            self._scratch = tuple(np.empty(x.shape, dtype) for _ in range(k))
        return self._scratch[:k] if k > 1 else self._scratch[0]

    @property
    def state(self):
        """The state arrays kept between steps, by name (empty before the first step)."""
        arrays = {name: getattr(self, attr) for name, attr in self.slots.items()}
        arrays = {name: a.average if isinstance(a, EWMA) else a for name, a in arrays.items()}
        return {name: a for name, a in arrays.items() if a is not None}

    def _state_shapes(self, shape):
        """{state name: shape} of the state arrays for parameters of `shape`: every slot, shaped like θ, unless a
        subclass keeps less (a factored or matrix-sized state)."""
        return dict.fromkeys(self.slots, tuple(shape))

    def _parameter_shape(self, arrays):
        """The shape of the parameters that the state `arrays` ({name: array}) belong to (None if none fits)."""
        return next(iter(arrays.values())).shape

    def state_dict(self):
        """A copy of what the run needs to go on: ``{"optimizer": class name, "t": steps taken, "state": {name:
        array}}``, and ``"lr"``, the state of a schedule that keeps one (:class:`~descent.schedules.ReduceOnPlateau`).

        :meth:`load_state_dict` on an optimizer built with the same arguments continues the run bit for bit, as
        torch's ``state_dict`` does; the hyper-parameters are not saved (they are the constructor's).
        """
        saved = {"optimizer": type(self).__name__, "t": self.t,
                 "state": {name: array.copy() for name, array in self.state.items()}}
        if isinstance(self.lr, Schedule) and self.lr.stateful:
            saved["lr"] = self.lr.state_dict()
        return saved

    def load_state_dict(self, state_dict):
        """Continue the run saved by :meth:`state_dict`. A state dict of another class, with missing or extra
        entries, or with arrays that do not fit this optimizer raises TypeError or ValueError and changes nothing."""
        t, arrays, schedule = self._checked_state(state_dict)
        if schedule is not None:
            self.lr._set_state(schedule)
        for name, attr in self.slots.items():
            holder = getattr(self, attr)
            if isinstance(holder, EWMA):
                holder.average = arrays.get(name)
            else:
                setattr(self, attr, arrays.get(name))
        self._scratch = ()
        self.t = t

    def _checked_state(self, state_dict):
        """(t, {name: array copy}, schedule state or None) from `state_dict`, or TypeError/ValueError."""
        name = type(self).__name__
        if not isinstance(state_dict, dict):
            raise TypeError(f"state_dict must be a dict returned by {name}.state_dict(); got "
                            f"{_args.describe(state_dict)}")
        stateful = isinstance(self.lr, Schedule) and self.lr.stateful
        keys = ["optimizer", "state", "t"] + (["lr"] if stateful else [])
        if sorted(map(str, state_dict)) != sorted(keys) or not all(isinstance(k, str) for k in state_dict):
            raise ValueError(f"state_dict must have exactly the keys {keys} (what {name}.state_dict() returns"
                             f"{', lr for the state of its schedule' if stateful else ''}); got "
                             f"{list(state_dict)}")
        if not isinstance(state_dict["optimizer"], str) or state_dict["optimizer"] != name:
            raise ValueError(f"state_dict['optimizer'] must be {name!r}, the class of this optimizer; got "
                             f"{_args.describe(state_dict['optimizer'])}")
        t = _args.positive_int("state_dict['t']", state_dict["t"], minimum=0)
        state = state_dict["state"]
        if not isinstance(state, dict):
            raise TypeError(f"state_dict['state'] must be a dict of arrays; got {_args.describe(state)}")
        if state and not set(state) <= set(self.slots):
            arrays = f"the arrays {sorted(self.slots)}" if self.slots else "no arrays"
            raise ValueError(f"state_dict['state'] must hold {arrays} of {self!r} (or none, before the first "
                             f"step); got {sorted(map(str, state))}")
        arrays = {}
        for key, value in state.items():
            array = _args.real_array(f"state_dict['state'][{key!r}]", value, finite=False)
            if array.size == 0:
                raise ValueError(f"state_dict['state'][{key!r}] must be a non-empty array; got "
                                 f"{_args.describe(value)}")
            arrays[key] = np.array(array, copy=True)
        if arrays:
            shape = self._parameter_shape(arrays)
            if shape is None:
                shapes = {key: array.shape for key, array in arrays.items()}
                raise ValueError(f"state_dict['state'] must hold the state of {self!r} for parameters of one shape; "
                                 f"got arrays of the shapes {shapes}")
            expected = self._state_shapes(shape)
            if set(arrays) != set(expected):
                raise ValueError(f"state_dict['state'] must hold the arrays {sorted(expected)} of "
                                 f"{self!r} (or none, before the first step); got {sorted(arrays)}")
            for key, array in arrays.items():
                if array.shape != expected[key]:
                    raise ValueError(f"state_dict['state'][{key!r}] must be a non-empty array of the shape of the "
                                     f"other state arrays, {expected[key]}; got {_args.describe(state[key])}")
            for hyper in self.hyper:
                value = getattr(self, hyper)
                value = value.lr0 if isinstance(value, Schedule) else value
                _args.broadcasts_to(hyper, value, shape, "the state arrays")
        schedule = self.lr._checked_state(state_dict["lr"], "state_dict['lr']") if stateful else None
        return t, arrays, schedule

    def step(self, x, grad, out=None):
        """One update from parameters `x` with gradient `grad`; returns the new parameters.

        `x`: a non-empty array of real numbers (floats or integers; entries may be non-finite, as in a run that
        diverges); `grad`: real numbers of the shape of `x`. With ``out=x`` (a writeable float array of that
        shape) the update is done in place (no new array), as torch.optim does. Once the optimizer has state,
        `x` must keep its shape until :meth:`reset`. Hyper-parameter arrays must broadcast against `x`.
        """
        return self._apply(*self._check(x, grad, out))

    def _apply(self, x, grad, out, *extra):
        """Evaluate the learning rate, count the step and update `out` (the checks have passed)."""
        lr = self.lr(self.t) if isinstance(self.lr, Schedule) else self.lr
        if out is None:
            out = x.copy()
        elif out is not x:
            out[...] = x
        self._t += 1  # the moving averages count their own updates
        with np.errstate(all="ignore"):  # a diverging run becomes inf/nan; descent.run reports it
            self._update(out, self._gradient(out, grad), lr, *extra)
        return out

    def _gradient(self, x, g):
        """The g that the update uses: −g to maximise, then + λθ for a coupled weight decay (torch's first lines)."""
        if self.maximize:
            g = -g
        decay = self.weight_decay  # a number (a quick test) or an array of them
        if not self.decoupled and (np.any(decay) if isinstance(decay, np.ndarray) else decay):
            g = g + decay * x
        return g

    def _check(self, x, grad, out):
        x = _args.real_array("x", x, finite=False)
        if x.size == 0:
            raise ValueError(f"x must hold at least one parameter; got {_args.describe(x)}")
        grad = _args.same_shape("grad", grad, x.shape)
        _args.writeable_out(out, x.shape)
        state = self.state
        if state and self._state_shapes(x.shape) != {name: value.shape for name, value in state.items()}:
            name = next(iter(state))
            shape = self._parameter_shape(state)
            whose = f"of the state {name}" if state[name].shape == shape else f"that the state {name} is made for"
            raise ValueError(f"x must keep the shape of the earlier steps, {shape} (the shape {whose}); got shape "
                             f"{x.shape}. Call reset() to start again on another shape")
        for name in self.hyper:
            value = getattr(self, name)
            value = value.lr0 if isinstance(value, Schedule) else value
            if getattr(value, "ndim", 0):  # a number broadcasts against any x; only arrays need the (slower) check
                _args.broadcasts_to(name, value, x.shape)
        return x, grad, out

    def __repr__(self):
        args = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.hyper)
        return f"{type(self).__name__}({args})"


def clip_by_norm(g, max_norm):
    """Rescale `g` to norm ``max_norm`` when it is longer (norm over the last axis); torch ``clip_grad_norm_``."""
    g = _args.real_array("g", g, finite=False)
    max_norm = _args.positive("max_norm", max_norm)
    if g.ndim == 0:
        raise ValueError("g must have at least one axis (the norm is taken over the last); got a single number")
    _args.broadcasts_to("max_norm", max_norm, g.shape[:-1] + (1,), "the norms of g")
    norm = np.linalg.norm(g, axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(norm > max_norm, g * (max_norm / norm), g)
