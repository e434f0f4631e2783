r"""Adam's descendants (chapter 15, "Fixing and extending Adam"): NAdam, RAdam and Adamax. AMSGrad is
``Adam(amsgrad=True)`` in :mod:`~descent.optimizers.adaptive`.

Each class gives torch.optim 2.13's iterates (float64, the single-tensor code path) under the mapping in its
docstring, defaults included; where torch departs from the paper, the docstring says how. The two schedules that
make NAdam and RAdam differ from Adam are functions of the step alone, so a chapter can plot them:
:func:`nadam_momentum` (μ_t) and :func:`radam_rectifier` (ρ_t and r_t).
"""

import numpy as np

from .. import _args
from ..ewma import EWMA
from .base import Optimizer


def _momentum(t, beta1, momentum_decay):
    return beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))


def nadam_momentum(t, beta1=0.9, momentum_decay=4e-3):
    """NAdam's momentum coefficient at step t as torch computes it: μ_t = β₁(1 − ½·0.96^{tψ}), ψ = momentum_decay.

    It starts near β₁/2 and reaches β₁ only slowly: with the defaults μ₁ ≈ 0.450, μ₁₀₀₀ ≈ 0.518, μ₁₀₀₀₀ ≈ 0.812.
    `t`: a step number ≥ 0 or an array of them; `beta1` in [0, 1); `momentum_decay` ≥ 0 (0 gives β₁/2 always).
    """
    t = _args.nonnegative("t", t)
    beta1 = _args.decay_rate("beta1", beta1)
    momentum_decay = _args.nonnegative("momentum_decay", momentum_decay)
    return _momentum(t, beta1, momentum_decay)


def _rectifier(t, beta2):
    rho_inf = 2 / (1 - np.asarray(beta2, dtype=float)) - 1  # numpy arithmetic: ρ_∞ = 4 divides by 0 into inf
    rho = rho_inf - 2 * t * beta2**t / (1 - beta2**t)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
    return rho, np.where(rho > 5, r, np.nan)


def radam_rectifier(t, beta2=0.999):
    """RAdam's (ρ_t, r_t) at step t ≥ 1: the length of the approximated simple moving average and the rectifier,

        ρ_∞ = 2/(1 − β₂) − 1,   ρ_t = ρ_∞ − 2t β₂ᵗ/(1 − β₂ᵗ),
        r_t = √[(ρ_t − 4)(ρ_t − 2) ρ_∞ / ((ρ_∞ − 4)(ρ_∞ − 2) ρ_t)]   where ρ_t > 5, NaN elsewhere

    (torch takes a plain momentum step where ρ_t ≤ 5: steps 1–5 for β₂ ≥ 0.95). `t`: a number ≥ 1 or an array of
    them; `beta2` in [0, 1). Returns two arrays (numbers for scalar input) of the broadcast shape.
    """
    t = _args.nonnegative("t", t)
    if np.any(np.asarray(t) < 1):
        raise ValueError(f"t must be >= 1 (the first step is t = 1); got {_args.describe(t)}")
    beta2 = _args.decay_rate("beta2", beta2)
    rho, r = _rectifier(t, beta2)
    return (rho, r) if np.ndim(r) else (float(rho), float(r))


class _Moments(Optimizer):
    """What the three share: β₁, β₂, ε, m (an EWMA of g with β₁) and torch's weight-decay options."""

    hyper = ("lr", "beta1", "beta2", "eps", "weight_decay")
    slots = {"m": "m", "v": "v"}

    def __init__(self, lr, beta1, beta2, eps, weight_decay, decoupled_weight_decay, maximize):
        self.beta1 = _args.decay_rate("beta1", beta1)
        self.beta2 = _args.decay_rate("beta2", beta2)
        self.eps = _args.positive("eps", eps)
        self.decoupled = _args.flag("decoupled_weight_decay", decoupled_weight_decay)
        super().__init__(lr, weight_decay, maximize)

    def reset(self):
        super().reset()
        self.m = EWMA(self.beta1)
        self.v = EWMA(self.beta2) if "v" in self.slots else None  # Adamax keeps u instead

    def _decay(self, x, lr):
        """θ ← (1 − αλ) θ, the decoupled weight decay (AdamW's), applied before the moments are updated."""
        if self.decoupled:
            x *= 1 - lr * self.weight_decay


class NAdam(_Moments):
    r"""NAdam (Dozat 2016): Adam with a Nesterov look-ahead, as torch ``NAdam`` computes it.

        μ_t = β₁(1 − ½·0.96^{tψ}),   Π_t = μ₁ μ₂ ⋯ μ_t,
        m ← β₁ m + (1 − β₁) g,      v ← β₂ v + (1 − β₂) g²,      D = √(v/(1 − β₂ᵗ)) + ε,
        θ ← θ − α (1 − μ_t)/(1 − Π_t) · g/D − α μ_{t+1}/(1 − Π_t μ_{t+1}) · m/D.

    The first term is the gradient step of this iteration, the second the look-ahead: the momentum of the *next*
    step, μ_{t+1} m, applied now. Defaults α = 2e-3, β₁ = 0.9, β₂ = 0.999, ε = 1e-8, ψ = ``momentum_decay`` = 4e-3,
    λ = 0: exactly torch ``NAdam(lr, betas=(beta1, beta2), eps, weight_decay, momentum_decay,
    decoupled_weight_decay, maximize)`` (``weight_decay`` λ adds λθ to g; with ``decoupled_weight_decay=True``
    θ ← (1 − αλ)θ first, "NAdamW").

    Where torch departs from the obvious reading: (1) the momentum coefficient follows the schedule μ_t
    (:func:`nadam_momentum`), about β₁/2 for the first thousand steps, not β₁; the average m still uses β₁; (2) the
    bias corrections use the products Π_t, not β₁ᵗ; (3) torch keeps Π as a tensor of the *default* dtype, float32
    unless ``torch.set_default_dtype(torch.float64)``: float64 parameters then drift from this float64 Π by about
    1e-10 (relative) after 50 steps. Π is not a state array: it follows from t (and is recomputed when t is set or
    a state is loaded).
    """

    hyper = _Moments.hyper + ("momentum_decay",)

    def __init__(self, lr=2e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, momentum_decay=4e-3, *,
                 decoupled_weight_decay=False, maximize=False):
        self.momentum_decay = _args.nonnegative("momentum_decay", momentum_decay)
        super().__init__(lr, beta1, beta2, eps, weight_decay, decoupled_weight_decay, maximize)

    def reset(self):
        super().reset()
        self._product, self._product_t = 1.0, 0  # Π_t and its t

    def _mu_product(self, t):
        """Π_t = μ₁ ⋯ μ_t, multiplied in the order torch does (kept from the previous step when it is Π_{t−1})."""
        if self._product_t != t - 1:
            self._product, self._product_t = 1.0, 0
            for k in range(1, t):
                self._product = self._product * _momentum(k, self.beta1, self.momentum_decay)
        self._product, self._product_t = self._product * _momentum(t, self.beta1, self.momentum_decay), t
        return self._product

    def _update(self, x, g, lr):
        self._decay(x, lr)
        t = self.t
        mu, mu_next = _momentum(t, self.beta1, self.momentum_decay), _momentum(t + 1, self.beta1, self.momentum_decay)
        product = self._mu_product(t)
        step, g2 = self._buffers(x, g, 2)
        m = self.m.update(g, step)
        v = self.v.update(np.multiply(g, g, out=g2), g2)
        denominator = np.add(np.sqrt(np.divide(v, self.v.correction, out=g2), out=g2), self.eps, out=g2)
        x -= np.divide(np.multiply(lr * (1 - mu) / (1 - product), g, out=step), denominator, out=step)
        x -= np.divide(np.multiply(lr * mu_next / (1 - product * mu_next), m, out=step), denominator, out=step)


class RAdam(_Moments):
    r"""RAdam (Liu et al. 2020): Adam whose adaptive step is switched on, and scaled, by the variance rectifier r_t.

        m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²,   m̂ = m/(1 − β₁ᵗ),
        ρ_t > 5:  θ ← θ − α r_t m̂ · √(1 − β₂ᵗ)/(√v + ε)
        else:     θ ← θ − α m̂            (a momentum step, not normalised by v)

    with ρ_t and r_t from :func:`radam_rectifier`. Defaults α = 1e-3, β₁ = 0.9, β₂ = 0.999, ε = 1e-8, λ = 0:
    exactly torch ``RAdam(lr, betas=(beta1, beta2), eps, weight_decay, decoupled_weight_decay, maximize)``.

    Where torch departs from the obvious reading: (1) the threshold is ρ_t > 5 (the paper's algorithm box has
    ρ_t > 4, where r_t is defined), so steps 1–5 are plain momentum steps whose size scales with the raw gradient
    (step 6 is the first adaptive one for β₂ ∈ {0.95, …, 0.999}); (2) ε is added to √v, the *uncorrected*
    root, not to √v̂ as in Adam.
    """

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, *,
                 decoupled_weight_decay=False, maximize=False):
        super().__init__(lr, beta1, beta2, eps, weight_decay, decoupled_weight_decay, maximize)

    def _update(self, x, g, lr):
        self._decay(x, lr)
        step, g2 = self._buffers(x, g, 2)
        m = self.m.update(g, step)
        v = self.v.update(np.multiply(g, g, out=g2), g2)
        step = np.multiply(lr / self.m.correction, m, out=step)  # α m̂
        rho, r = _rectifier(self.t, self.beta2)
        rectified = rho > 5
        if np.any(rectified):
            adaptive = np.divide(r * np.sqrt(self.v.correction), np.add(np.sqrt(v, out=g2), self.eps, out=g2),
                                 out=g2)
            step *= adaptive if np.all(rectified) else np.where(rectified, adaptive, 1.0)
        x -= step


class Adamax(_Moments):
    r"""Adamax (Kingma & Ba 2015, §7.1): Adam with the ∞-norm in place of the root mean square.

        m ← β₁ m + (1 − β₁) g,   u ← max(β₂ u, |g| + ε),   θ ← θ − α/(1 − β₁ᵗ) · m/u.

    Defaults α = 2e-3, β₁ = 0.9, β₂ = 0.999, ε = 1e-8, λ = 0: exactly torch ``Adamax(lr, betas=(beta1, beta2),
    eps, weight_decay, maximize)`` (coupled ``weight_decay`` only, as in torch). u needs no bias correction: a
    maximum is not pulled towards its zero start. Where torch departs from the paper: ε sits *inside* the
    maximum (the paper has no ε; writing m/(u + ε) instead is another trajectory).
    """

    slots = {"m": "m", "u": "u"}

    def __init__(self, lr=2e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, *, maximize=False):
        super().__init__(lr, beta1, beta2, eps, weight_decay, False, maximize)

    def reset(self):
        super().reset()
        self.u = None

    def _update(self, x, g, lr):
        step, scratch = self._buffers(x, g, 2)
        m = self.m.update(g, step)
        if self.u is None:
            self.u = np.zeros(x.shape, x.dtype)
        self.u *= self.beta2
        np.maximum(self.u, np.add(np.abs(g, out=scratch), self.eps, out=scratch), out=self.u)
        x -= np.divide(np.multiply(lr / self.m.correction, m, out=step), self.u, out=step)
