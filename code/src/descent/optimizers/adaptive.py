r"""Per-coordinate step sizes (chapters 6 and 7): AdaGrad, RMSProp, Adam and AdamW.

The moving averages are :class:`descent.ewma.EWMA` objects: RMSProp is an EWMA of g² (and, centred, of g), Adam
both, with bias correction. Each class gives torch.optim's iterates under the mapping in its docstring.
"""

import numpy as np

from .. import _args
from ..ewma import EWMA
from .base import Optimizer


def _denominator(v, eps, eps_inside_sqrt, out=None):
    """√v + ε (torch, the papers), or √(v + ε) (Keras RMSprop and many courses), which caps the gain at 1/√ε."""
    if eps_inside_sqrt:
        return np.sqrt(np.add(v, eps, out=out), out=out)
    return np.add(np.sqrt(v, out=out), eps, out=out)


class AdaGrad(Optimizer):
    """AdaGrad (Duchi et al. 2011): s ← s + g², θ ← θ − α_t g / (√s + ε), α_t = α / (1 + (t − 1)·lr_decay).

    Defaults α = 0.01, ε = 1e-10, s₀ = 0, lr_decay = 0: exactly torch ``Adagrad`` (also with its ``weight_decay``
    and ``maximize``). The effective step size α/(√s + ε) can only shrink. ``eps_inside_sqrt=True`` uses √(s + ε).
    """

    hyper = ("lr", "eps", "initial_accumulator_value", "lr_decay", "weight_decay")
    slots = {"s": "sum_sq"}

    def __init__(self, lr=0.01, eps=1e-10, initial_accumulator_value=0.0, lr_decay=0.0, eps_inside_sqrt=False, *,
                 weight_decay=0.0, maximize=False):
        self.eps = _args.positive("eps", eps)
        self.initial_accumulator_value = _args.nonnegative("initial_accumulator_value", initial_accumulator_value)
        self.lr_decay = _args.nonnegative("lr_decay", lr_decay)
        self.eps_inside_sqrt = _args.flag("eps_inside_sqrt", eps_inside_sqrt)
        super().__init__(lr, weight_decay, maximize)

    def reset(self):
        super().reset()
        self.sum_sq = None

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
    ``eps_inside_sqrt=True`` uses √(v + ε) (Keras's RMSprop and many courses). torch's options, same names:

    - ``centered=True`` divides by an estimate of the standard deviation instead: √(v − m²) + ε, with m an EWMA of
      g (same β; Graves 2013). A gradient that does not vary has no variance: for a constant g = G,
      v − m² = βᵗ(1 − βᵗ)G² → 0, so after a minimum of 2α at βᵗ = ½ the steps grow like α/√(βᵗ) (100α at t = 917
      for β = 0.99) until ε caps them at αG/ε, or v − m² rounds below 0 (a NaN step). torch does the same (no clamp);
    - ``momentum`` μ > 0 accumulates the scaled steps: b ← μ b + g/(√v + ε), θ ← θ − α b (b₀ = 0).
    """

    hyper = ("lr", "beta", "eps", "momentum", "weight_decay")

    def __init__(self, lr=0.01, beta=0.99, eps=1e-8, eps_inside_sqrt=False, *, momentum=0.0, centered=False,
                 weight_decay=0.0, maximize=False):
        self.beta = _args.decay_rate("beta", beta)
        self.eps = _args.positive("eps", eps)
        self.eps_inside_sqrt = _args.flag("eps_inside_sqrt", eps_inside_sqrt)
        self.momentum = _args.decay_rate("momentum", momentum)
        self.centered = _args.flag("centered", centered)
        self.slots = {"v": "mean_sq"} | ({"m": "mean"} if self.centered else {}) | (
            {"b": "buffer"} if np.any(self.momentum) else {})
        super().__init__(lr, weight_decay, maximize)

    def reset(self):
        super().reset()
        self.mean_sq = EWMA(self.beta)
        self.mean = EWMA(self.beta) if self.centered else None
        self.buffer = None

    def _update(self, x, g, lr):
        g2, step = self._buffers(x, g, 2)
        v = self.mean_sq.update(np.multiply(g, g, out=g2), g2)
        if self.centered:  # the variance of g, v − m², instead of its mean square v
            m = self.mean.update(g, step)
            v = np.subtract(v, np.multiply(m, m, out=step), out=g2)
        denominator = _denominator(v, self.eps, self.eps_inside_sqrt, out=g2)
        if "b" not in self.slots:  # no momentum: the step of the lecture
            x -= np.divide(np.multiply(lr, g, out=step), denominator, out=step)
            return
        if self.buffer is None:
            self.buffer = np.zeros(x.shape, x.dtype)
        self.buffer *= self.momentum  # b ← μ b + g/(√v + ε), θ ← θ − α b
        self.buffer += np.divide(g, denominator, out=step)
        x -= np.multiply(lr, self.buffer, out=step)


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015): momentum + RMSProp + bias correction.

        m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²,
        m̂ = m / (1 − β₁ᵗ),      v̂ = v / (1 − β₂ᵗ),      θ ← θ − α m̂ / (√v̂ + ε).

    Defaults α = 1e-3, β₁ = 0.9, β₂ = 0.999, ε = 1e-8: exactly torch ``Adam(lr, betas=(beta1, beta2), eps)``.
    ``weight_decay`` λ adds λθ to g (coupled L2, torch Adam's ``weight_decay``); see :class:`AdamW` for decoupled.
    ``amsgrad=True`` is AMSGrad (Reddi et al. 2018) as torch computes it: v̂ = v_max/(1 − β₂ᵗ) with v_max the
    running maximum of the *uncorrected* v (a third state array). ``maximize=True`` climbs, as in torch.

    Opt-in variants, for the chapters that compare them (never the default; the broken in-place Adam is
    :class:`descent.buggy.AdamWrittenBack`):

    - ``eps_form="keras"``: θ ← θ − α·√(1 − β₂ᵗ)/(1 − β₁ᵗ)·m/(√v + ε) (the paper's "efficient" form, Keras),
      equal to the default with ε replaced by ε/√(1 − β₂ᵗ) (paper Adam with ε is this form with ε̂ = ε·√(1 − β₂ᵗ));
    - ``eps_inside_sqrt=True``: √(v̂ + ε) in the denominator.
    """

    hyper = ("lr", "beta1", "beta2", "eps", "weight_decay")

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, eps_form="paper",
                 eps_inside_sqrt=False, *, amsgrad=False, maximize=False):
        self.beta1 = _args.decay_rate("beta1", beta1)
        self.beta2 = _args.decay_rate("beta2", beta2)
        self.eps = _args.positive("eps", eps)
        self.eps_form = _args.choice("eps_form", eps_form, ("paper", "keras"))
        self.eps_inside_sqrt = _args.flag("eps_inside_sqrt", eps_inside_sqrt)
        if eps_form == "keras" and eps_inside_sqrt:
            raise ValueError("eps_form='keras' cannot be combined with eps_inside_sqrt=True; choose one variant")
        self.amsgrad = _args.flag("amsgrad", amsgrad)
        self.slots = {"m": "m", "v": "v"} | ({"v_max": "v_max"} if self.amsgrad else {})
        super().__init__(lr, weight_decay, maximize)

    def reset(self):
        super().reset()
        self.m = EWMA(self.beta1)  # the raw moments; the bias corrections are applied in the step
        self.v = EWMA(self.beta2)
        self.v_max = None

    def _update(self, x, g, lr):
        if self.decoupled:
            x *= 1 - lr * self.weight_decay
        step, g2 = self._buffers(x, g, 2)
        m = self.m.update(g, step)
        v = self.v.update(np.multiply(g, g, out=g2), g2)
        if self.amsgrad:
            if self.v_max is None:
                self.v_max = np.zeros_like(v)
            v = np.maximum(self.v_max, v, out=self.v_max)
        if self.eps_form == "keras":
            lr_t = lr * np.sqrt(self.v.correction) / self.m.correction
            x -= lr_t * m / (np.sqrt(v) + self.eps)
            return
        m_hat = np.divide(m, self.m.correction, out=step)
        v_hat = np.divide(v, self.v.correction, out=g2)
        step = np.multiply(lr, m_hat, out=step)
        x -= np.divide(step, _denominator(v_hat, self.eps, self.eps_inside_sqrt, out=g2), out=step)


class AdamW(Adam):
    """AdamW (Loshchilov & Hutter 2019): decoupled weight decay θ ← θ(1 − αλ), then the Adam step on the raw g.

    Defaults as :class:`Adam` with λ = ``weight_decay`` = 0.01: exactly torch ``AdamW`` (also with ``amsgrad`` and
    ``maximize``; torch ``Adam(decoupled_weight_decay=True)`` is the same update).
    """

    decoupled = True

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01, *, amsgrad=False,
                 maximize=False):
        super().__init__(lr, beta1, beta2, eps, weight_decay, amsgrad=amsgrad, maximize=maximize)
