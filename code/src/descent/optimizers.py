r"""First- and second-order optimizers (chapters 1, 5–7, 10), in the book's notation.

Notation: θ parameters, g_t = ∇f(θ_{t−1}) the gradient, t = 1, 2, … the step, α the learning rate (``lr``),
β decay rates, ε a small constant. Every optimizer has the same small interface::

    opt = Adam(lr=0.1)          # hyper-parameters: numbers or arrays that broadcast against θ
    theta = opt.step(theta, g)  # returns the new θ (θ is not modified unless out=theta); state is kept inside
    opt.reset()                 # forget the state (moments, accumulators, step count)

Hyper-parameter arrays run many optimizers at once: ``Adam(lr=np.logspace(-3, 0, 64)[:, None])`` on θ of shape
(64, 2) is 64 independent runs. ``lr`` may also be a :mod:`descent.schedules` schedule. State arrays are allocated
at the first step and updated in place afterwards; so are the scratch arrays that hold intermediate results (e.g.
α·g), so that a step on millions of parameters allocates no new memory.

What they accept: hyper-parameters are finite numbers, or non-empty arrays of them, in their documented range (a
learning rate > 0, a decay rate in [0, 1), ε > 0, …); flags such as ``eps_inside_sqrt`` are True or False; option
strings are one of the listed values. ``step`` takes real numbers (floats or integers; not bool, complex or text).
Anything else raises TypeError or ValueError naming the argument, and a call that raises changes nothing: the
state and the step count ``t`` are as before. ``t`` can be set, e.g. to start Adam at a given step.

The moving averages are :class:`descent.ewma.EWMA` objects: momentum is an EWMA of g, RMSProp an EWMA of g²,
Adam both, with bias correction.
"""

import numpy as np

from . import _args
from .ewma import EWMA
from .schedules import Schedule, as_lr


class Optimizer:
    """Base class. Subclasses list their hyper-parameters in ``hyper`` and update θ in place in ``_update``.

    A step checks all of its input before it changes anything, so a call that raises leaves the optimizer exactly
    as it was (state, step count and scratch arrays).
    """

    hyper = ("lr",)

    def __init__(self, lr):
        self.lr = as_lr(lr)
        self.reset()

    def reset(self):
        """Forget all state; the next step is step 1 again."""
        self.t = 0
        self._scratch = ()

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
        """The state arrays kept between steps (empty before the first step)."""
        return {}

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
            self._update(out, grad, lr, *extra)
        return out

    def _check(self, x, grad, out):
        x = _args.real_array("x", x, finite=False)
        if x.size == 0:
            raise ValueError(f"x must hold at least one parameter; got {_args.describe(x)}")
        grad = _args.same_shape("grad", grad, x.shape)
        if out is not None and (not isinstance(out, np.ndarray) or out.shape != x.shape or out.dtype.kind != "f"
                                or not out.flags.writeable):
            raise ValueError(f"out must be a writeable float array of the shape of x, {x.shape}; "
                             f"got {_args.describe(out)}")
        for name, value in self.state.items():
            if value.shape != x.shape:
                raise ValueError(f"x must keep the shape of the earlier steps, {value.shape} (the shape of the state "
                                 f"{name}); got shape {x.shape}. Call reset() to start again on another shape")
        for name in self.hyper:
            value = getattr(self, name)
            value = value.lr0 if isinstance(value, Schedule) else value
            if getattr(value, "ndim", 0):  # a number broadcasts against any x; only arrays need the (slower) check
                _args.broadcasts_to(name, value, x.shape)
        return x, grad, out

    def __repr__(self):
        args = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.hyper)
        return f"{type(self).__name__}({args})"


def _allocated(**arrays):
    """The state arrays that exist (an optimizer allocates its state at the first step)."""
    return {name: value for name, value in arrays.items() if value is not None}


def _denominator(v, eps, eps_inside_sqrt, out=None):
    """√v + ε (torch, the papers), or √(v + ε) (Keras RMSprop and many courses), which caps the gain at 1/√ε."""
    if eps_inside_sqrt:
        return np.sqrt(np.add(v, eps, out=out), out=out)
    return np.add(np.sqrt(v, out=out), eps, out=out)


class SGD(Optimizer):
    """Gradient descent: θ ← θ − α g.

    Default α = 0.01. torch: ``SGD(lr=lr)``.
    """

    def __init__(self, lr=0.01):
        super().__init__(lr)

    def _update(self, x, g, lr):
        x -= np.multiply(lr, g, out=self._buffers(x, g))


class Momentum(Optimizer):
    """Momentum in the EWMA form of the course: v ← β v + (1 − β) g, θ ← θ − α v (v₀ = 0).

    Defaults α = 0.01, β = 0.9. The velocity is an average of gradients, so α keeps the meaning of a step size.
    torch: ``SGD(lr=lr*(1-beta), momentum=beta)`` gives the same iterates (torch's buffer is b = v/(1 − β));
    it is *not* ``SGD(lr=lr, momentum=beta, dampening=beta)``, whose first buffer is b₁ = g₁.
    """

    hyper = ("lr", "beta")

    def __init__(self, lr=0.01, beta=0.9):
        self.beta = _args.decay_rate("beta", beta)
        super().__init__(lr)

    def reset(self):
        super().reset()
        self.velocity = EWMA(self.beta)

    @property
    def state(self):
        return _allocated(v=self.velocity.average)

    def _update(self, x, g, lr):
        scratch = self._buffers(x, g)
        v = self.velocity.update(g, scratch)
        x -= np.multiply(lr, v, out=scratch)


class Nesterov(Momentum):
    """Nesterov momentum, EWMA form, written with the gradient at the current iterate only:

    v ← β v + (1 − β) g,  θ ← θ − α((1 − β) g + β v).

    This is the look-ahead step θ − αβv evaluated where the gradient is known (Sutskever et al. 2013's rewrite);
    one gradient per step, like plain momentum. torch: ``SGD(lr=lr*(1-beta), momentum=beta, nesterov=True)``.
    """

    def _update(self, x, g, lr):
        scratch, step = self._buffers(x, g, 2)
        v = self.velocity.update(g, scratch)
        step = np.multiply(1 - self.beta, g, out=step)
        step += np.multiply(self.beta, v, out=scratch)
        x -= np.multiply(lr, step, out=step)


class HeavyBall(Optimizer):
    """Polyak's heavy ball in the velocity form of CS231n and Keras: v ← μ v − α g, θ ← θ + v.

    ``v0`` is the initial velocity (default 0). With v₀ = 0 this equals torch ``SGD(lr=lr, momentum=mu)`` and
    ``Momentum(lr=lr/(1-mu), beta=mu)``; a non-zero v₀ is an extra push that no library applies.
    """

    hyper = ("lr", "mu", "v0")

    def __init__(self, lr=0.01, mu=0.9, v0=0.0):
        self.mu = _args.decay_rate("mu", mu)
        self.v0 = _args.nonempty("v0", v0)
        super().__init__(lr)

    def reset(self):
        super().reset()
        self.v = None

    @property
    def state(self):
        return _allocated(v=self.v)

    def _update(self, x, g, lr):
        if self.v is None:
            self.v = np.broadcast_to(self.v0, x.shape).astype(x.dtype)
        self.v *= self.mu
        self.v -= lr * g
        x += self.v


class AdaGrad(Optimizer):
    """AdaGrad (Duchi et al. 2011): s ← s + g², θ ← θ − α_t g / (√s + ε), α_t = α / (1 + (t − 1)·lr_decay).

    Defaults α = 0.01, ε = 1e-10, s₀ = 0, lr_decay = 0: exactly torch ``Adagrad``. The effective step size
    α/(√s + ε) can only shrink. ``eps_inside_sqrt=True`` uses √(s + ε) instead.
    """

    hyper = ("lr", "eps", "initial_accumulator_value", "lr_decay")

    def __init__(self, lr=0.01, eps=1e-10, initial_accumulator_value=0.0, lr_decay=0.0, eps_inside_sqrt=False):
        self.eps = _args.positive("eps", eps)
        self.initial_accumulator_value = _args.nonnegative("initial_accumulator_value", initial_accumulator_value)
        self.lr_decay = _args.nonnegative("lr_decay", lr_decay)
        self.eps_inside_sqrt = _args.flag("eps_inside_sqrt", eps_inside_sqrt)
        super().__init__(lr)

    def reset(self):
        super().reset()
        self.sum_sq = None

    @property
    def state(self):
        return _allocated(s=self.sum_sq)

    def _update(self, x, g, lr):
        if self.sum_sq is None:
            self.sum_sq = np.broadcast_to(self.initial_accumulator_value, x.shape).astype(x.dtype)
        scratch, step = self._buffers(x, g, 2)
        self.sum_sq += np.multiply(g, g, out=scratch)
        clr = lr / (1 + (self.t - 1) * self.lr_decay)
        denominator = _denominator(self.sum_sq, self.eps, self.eps_inside_sqrt, out=scratch)
        x -= np.divide(np.multiply(clr, g, out=step), denominator, out=step)


class RMSProp(Optimizer):
    """RMSProp (Tieleman & Hinton 2012): v ← β v + (1 − β) g², θ ← θ − α g / (√v + ε).

    Defaults α = 0.01, β = 0.99, ε = 1e-8: exactly torch ``RMSprop(lr, alpha=beta, eps)``. No bias correction, so
    the first step is α/√(1 − β) = 10α at β = 0.99. The effective step α/(√v + ε) *grows* when gradients shrink.
    ``eps_inside_sqrt=True`` uses √(v + ε) (Keras's RMSprop and many courses).
    """

    hyper = ("lr", "beta", "eps")

    def __init__(self, lr=0.01, beta=0.99, eps=1e-8, eps_inside_sqrt=False):
        self.beta = _args.decay_rate("beta", beta)
        self.eps = _args.positive("eps", eps)
        self.eps_inside_sqrt = _args.flag("eps_inside_sqrt", eps_inside_sqrt)
        super().__init__(lr)

    def reset(self):
        super().reset()
        self.mean_sq = EWMA(self.beta)

    @property
    def state(self):
        return _allocated(v=self.mean_sq.average)

    def _update(self, x, g, lr):
        g2, step = self._buffers(x, g, 2)
        v = self.mean_sq.update(np.multiply(g, g, out=g2), g2)
        denominator = _denominator(v, self.eps, self.eps_inside_sqrt, out=g2)
        x -= np.divide(np.multiply(lr, g, out=step), denominator, out=step)


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015): momentum + RMSProp + bias correction.

        m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²,
        m̂ = m / (1 − β₁ᵗ),      v̂ = v / (1 − β₂ᵗ),      θ ← θ − α m̂ / (√v̂ + ε).

    Defaults α = 1e-3, β₁ = 0.9, β₂ = 0.999, ε = 1e-8: exactly torch ``Adam(lr, betas=(beta1, beta2), eps)``.
    ``weight_decay`` λ adds λθ to g (coupled L2, torch Adam's ``weight_decay``); see :class:`AdamW` for decoupled.

    Opt-in variants, for the chapters that compare them (never the default):

    - ``eps_form="keras"``: θ ← θ − α·√(1 − β₂ᵗ)/(1 − β₁ᵗ)·m/(√v + ε) (the paper's "efficient" form, Keras),
      equal to the default with ε replaced by ε/√(1 − β₂ᵗ) (paper Adam with ε is this form with ε̂ = ε·√(1 − β₂ᵗ));
    - ``eps_inside_sqrt=True``: √(v̂ + ε) in the denominator;
    - ``correction_in_state=True``: the *broken* Adam that writes m̂ and v̂ back into m and v, so the corrections
      compound step after step (v explodes towards inf while the steps vanish).
    """

    hyper = ("lr", "beta1", "beta2", "eps", "weight_decay")
    decoupled = False

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0,
                 eps_form="paper", eps_inside_sqrt=False, correction_in_state=False):
        self.beta1 = _args.decay_rate("beta1", beta1)
        self.beta2 = _args.decay_rate("beta2", beta2)
        self.eps = _args.positive("eps", eps)
        self.weight_decay = _args.nonnegative("weight_decay", weight_decay)
        self.eps_form = _args.choice("eps_form", eps_form, ("paper", "keras"))
        self.eps_inside_sqrt = _args.flag("eps_inside_sqrt", eps_inside_sqrt)
        self.correction_in_state = _args.flag("correction_in_state", correction_in_state)
        if eps_form == "keras" and (eps_inside_sqrt or correction_in_state):
            raise ValueError("eps_form='keras' cannot be combined with eps_inside_sqrt=True or "
                             "correction_in_state=True; choose one variant")
        super().__init__(lr)

    def reset(self):
        super().reset()
        self.m = EWMA(self.beta1)  # the raw moments; the bias corrections are applied in the step
        self.v = EWMA(self.beta2)

    @property
    def state(self):
        return _allocated(m=self.m.average, v=self.v.average)

    def _update(self, x, g, lr):
        if self.decoupled:
            x *= 1 - lr * self.weight_decay
        elif np.any(self.weight_decay):
            g = g + self.weight_decay * x
        step, g2 = self._buffers(x, g, 2)
        m = self.m.update(g, step)
        v = self.v.update(np.multiply(g, g, out=g2), g2)
        if self.eps_form == "keras":
            lr_t = lr * np.sqrt(self.v.correction) / self.m.correction
            x -= lr_t * m / (np.sqrt(v) + self.eps)
            return
        if self.correction_in_state:  # the bug: the corrected moments replace the running ones
            m /= self.m.correction
            v /= self.v.correction
            m_hat, v_hat = m, v
        else:
            m_hat = np.divide(m, self.m.correction, out=step)
            v_hat = np.divide(v, self.v.correction, out=g2)
        step = np.multiply(lr, m_hat, out=step)
        x -= np.divide(step, _denominator(v_hat, self.eps, self.eps_inside_sqrt, out=g2), out=step)


class AdamW(Adam):
    """AdamW (Loshchilov & Hutter 2019): decoupled weight decay θ ← θ(1 − αλ), then the Adam step on the raw g.

    Defaults as :class:`Adam` with λ = ``weight_decay`` = 0.01: exactly torch ``AdamW``.
    """

    decoupled = True

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
        super().__init__(lr, beta1, beta2, eps, weight_decay)


class Newton(Optimizer):
    """Newton's method with optional damping (Levenberg): θ ← θ − α (H + λI)⁻¹ g.

    Defaults α = 1, λ = ``damping`` = 0. ``step(x, g, H)`` takes the Hessian H of shape (..., n, n) for x of shape
    (..., n). Undamped Newton seeks any stationary point (minimum, maximum or saddle); λ > −λ_min(H) makes the
    step a descent direction. A singular H + λI gives a NaN step, which :func:`descent.run` reports as divergence.
    """

    hyper = ("lr", "damping")

    def __init__(self, lr=1.0, damping=0.0):
        self.damping = _args.nonempty("damping", damping)
        self.damping = self.damping if self.damping.ndim else float(self.damping)
        super().__init__(lr)

    def step(self, x, grad, hessian, out=None):
        """One Newton step; `hessian` holds real numbers of shape x.shape + (n,). See :meth:`Optimizer.step`."""
        x, grad, out = self._check(x, grad, out)
        if x.ndim == 0:
            raise ValueError("x must have shape (..., n) for Newton's method; got a single number")
        hessian = _args.real_array("hessian", hessian, finite=False)
        if hessian.shape != x.shape + x.shape[-1:]:
            raise ValueError(f"hessian must have shape {x.shape + x.shape[-1:]} for x of shape {x.shape}; "
                             f"got shape {hessian.shape}")
        return self._apply(x, grad, out, hessian)

    def _update(self, x, g, lr, hessian):
        n = x.shape[-1]
        h = hessian + np.asarray(self.damping)[..., None] * np.eye(n)
        h = np.where(np.isfinite(h), h, np.nan)
        singular = ~(np.abs(np.linalg.det(np.nan_to_num(h))) > 0) | np.isnan(h).any(axis=(-2, -1))
        h = np.where(singular[..., None, None], np.eye(n), h)
        d = np.linalg.solve(h, g[..., None])[..., 0]
        x -= lr * np.where(singular[..., None], np.nan, d)


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
