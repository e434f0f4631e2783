"""Run an optimizer on a landscape and keep the path (chapter 1)."""

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from . import _args
from .optimizers import Newton, clip_by_norm


@dataclass(repr=False)
class Trajectory:
    """The path of one run, or of a sweep of runs.

    ``xs`` has shape (steps + 1, *batch, n): x₀ first. A run that diverged (an iterate non-finite or beyond the
    bound) is frozen at NaN from that step on. ``diverged_at`` is the first such step, or None, for a single run;
    for a sweep it is an integer array of shape `batch`, −1 where the run never diverged.
    """

    xs: np.ndarray
    fn: object
    _diverged_at: np.ndarray
    _values: np.ndarray = None

    @property
    def diverged_at(self):
        if self._diverged_at.ndim == 0:
            step = int(self._diverged_at)
            return None if step < 0 else step
        return self._diverged_at

    @property
    def diverged(self):
        """True where the run diverged (a bool, or a bool array for a sweep)."""
        return self._diverged_at >= 0

    @cached_property
    def values(self):
        """f at every iterate, shape (steps + 1, *batch)."""
        if self._values is not None:
            return self._values
        with np.errstate(all="ignore"):
            return self.fn.value(self.xs)

    @cached_property
    def grad_norms(self):
        """|∇f| at every iterate, shape (steps + 1, *batch)."""
        with np.errstate(all="ignore"):
            grads = self.fn.grad(self.xs) if hasattr(self.fn, "grad") else _call_grads(self.fn, self.xs)
        return np.linalg.norm(grads, axis=-1)

    @property
    def final(self):
        """The last iterate, shape (*batch, n)."""
        return self.xs[-1]

    def __repr__(self):
        steps, batch = len(self.xs) - 1, self.xs.shape[1:-1]
        if not batch:
            status = "diverged at step %d" % self.diverged_at if self.diverged else f"final x = {self.final}"
            return f"Trajectory({steps} steps, {status})"
        return f"Trajectory({steps} steps × {int(np.prod(batch))} runs, {int(self.diverged.sum())} diverged)"


def _value_and_grad(fn, x):
    """``fn(x)``, checked to be a pair (value, gradient)."""
    out = fn(x)
    try:
        value, g = out
    except (TypeError, ValueError):
        raise TypeError(f"fn must return a pair (value, gradient); got {_args.describe(out)}") from None
    g = _args.real_array("the gradient returned by fn", g, finite=False)
    if g.size != np.size(x):
        raise ValueError(f"the gradient returned by fn must have the shape of x, {np.shape(x)}; got shape {g.shape}")
    return _args.real_array("the value returned by fn", value, finite=False), g


def _call_grads(fn, xs):
    return np.stack([fn(x)[1] for x in xs])


def run(opt, fn, x0, steps=100, bound=1e6, clip_norm=None):
    """Run `opt` on `fn` from `x0` for `steps` steps and return the :class:`Trajectory`.

    `opt` is an optimizer instance (``descent.SGD(lr=0.1)``, not the class). `fn` is a :mod:`descent.functions`
    landscape or any callable returning ``(value, gradient)``; `x0` holds finite real numbers of shape (n,) or
    (*batch, n) — a batch is many runs at once, e.g. one per learning rate of a sweep — with n the dimension of the
    landscape. `steps` is an integer ≥ 0, `bound` and ``clip_norm`` (optional) numbers > 0. A run whose iterate
    becomes non-finite or leaves the box |x_i| ≤ `bound` is marked diverged and frozen at NaN; the others go on.
    ``clip_norm`` rescales each gradient to at most that norm first. The optimizer is reset before the run; if the
    run raises (a bad argument, or a callable `fn` that returns a bad gradient), it is restored as it was.
    """
    opt = _args.optimizer("opt", opt)
    x = _args.finite_point("x0", x0)
    steps = _args.positive_int("steps", steps, minimum=0)
    bound = _args.number("bound", bound, _args.positive)
    if clip_norm is not None:
        clip_norm = _args.positive("clip_norm", clip_norm)
        _args.broadcasts_to("clip_norm", clip_norm, (x.shape[:-1] if x.ndim > 1 else (1,)) + (1,),
                             "the gradient norms")
    landscape = hasattr(fn, "grad") and hasattr(fn, "value")
    if not landscape and not callable(fn):
        raise TypeError(f"fn must be a descent.functions landscape or a callable returning (value, grad); "
                        f"got {_args.describe(fn)}")
    dim = getattr(fn, "dim", x.shape[-1]) if landscape else x.shape[-1]
    if x.shape[-1] != dim:
        raise ValueError(f"x0 must have shape (..., {dim}), one point of {type(fn).__name__} (which is "
                         f"{dim}-dimensional) per run; got shape {x.shape}")
    if isinstance(opt, Newton) and not hasattr(fn, "hessian"):
        raise TypeError(f"fn must have a hessian(x) for Newton's method, e.g. a descent.functions landscape; "
                        f"got {_args.describe(fn)}")
    with _args.unchanged_on_error(opt):
        return _run(opt, fn, x, steps, bound, clip_norm, landscape)


def _run(opt, fn, x, steps, bound, clip_norm, landscape):
    single = x.ndim == 1
    x = x[None] if single else x  # one code path for one run and for a sweep: identical results, bit for bit
    xs = np.full((steps + 1,) + x.shape, np.nan, dtype=x.dtype)
    values = None if landscape else np.full((steps + 1,) + x.shape[:-1], np.nan)
    diverged_at = np.full(x.shape[:-1], -1)
    opt.reset()
    xs[0] = x
    def gradient(x, t):
        if landscape:
            return fn.grad(x)
        value, g = _value_and_grad(fn, x[0] if single else x)  # a plain callable sees the shapes it was given
        values[t] = value
        return np.reshape(g, x.shape)

    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            g = gradient(x, t - 1)
            if clip_norm is not None:
                g = clip_by_norm(g, clip_norm)
            x = opt.step(x, g, fn.hessian(x), out=x) if isinstance(opt, Newton) else opt.step(x, g, out=x)
            escaped = ~np.all(np.abs(x) <= bound, axis=-1) & (diverged_at < 0)
            diverged_at[escaped] = t
            x[diverged_at >= 0] = np.nan
            xs[t] = x
            if np.all(diverged_at >= 0):
                break
        if not landscape and np.any(diverged_at < 0):
            gradient(x, -1)
    if single:
        xs, diverged_at, values = xs[:, 0], diverged_at[0], None if values is None else values[:, 0]
    return Trajectory(xs, fn, diverged_at, values)


def steps_on_stream(opt, grads):
    """Feed a fixed stream of gradients to `opt`, starting from θ₀ = 0, and return the steps θ_{t−1} − θ_t.

    ``grads`` has shape (T, ...): row t − 1 is the gradient g_t of step t, whatever θ is (no loss is involved).
    The result has the same shape; row t − 1 is the step of step t. A way to see what an update rule does with
    given gradients, e.g. a pulse or a sudden drop in size.
    """
    opt = _args.optimizer("opt", opt)
    grads = _args.real_array("grads", grads, finite=False).astype(float)
    if grads.ndim < 1 or len(grads) == 0:
        raise ValueError(f"grads must have shape (T, ...) with T ≥ 1; got shape {grads.shape}")
    theta, steps = np.zeros(grads.shape[1:]), np.empty_like(grads)
    for t, g in enumerate(grads):
        new = opt.step(theta, g)
        with np.errstate(invalid="ignore"):  # inf − inf = nan once a run has diverged: reported, not warned
            steps[t] = theta - new
        theta = new
    return steps
