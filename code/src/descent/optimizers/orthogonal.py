r"""Muon: momentum orthogonalised by Newton–Schulz iterations (chapter 16, "Memory and geometry").

For a matrix G = U Σ Vᵀ, the update U Vᵀ (all singular values set to 1) is the steepest-descent direction for
the spectral norm: it maximises ⟨G, O⟩ over ‖O‖₂ ≤ 1. Muon (Jordan et al. 2024) approximates it with a few
matrix products, which act on each singular value through one odd polynomial and leave U and V alone.
"""

import numpy as np

from .. import _args
from .base import Optimizer

NS_COEFFICIENTS = (3.4445, -4.7750, 2.0315)  # (a, b, c) of torch.optim.Muon and Jordan et al.'s code


def _newton_schulz(x, steps, coefficients, eps):
    a, b, c = coefficients
    tall = x.shape[-2] > x.shape[-1]
    if tall:  # work on the wide side: the Gram matrix X Xᵀ is the smaller one
        x = x.swapaxes(-1, -2)
    x = x / np.maximum(np.sqrt(np.sum(np.square(x), axis=(-2, -1), keepdims=True)), eps)
    for _ in range(steps):
        gram = x @ x.swapaxes(-1, -2)                 # A = X Xᵀ
        x = a * x + (b * gram + c * gram @ gram) @ x  # X ← a X + (b A + c A²) X
    return x.swapaxes(-1, -2) if tall else x


def newton_schulz(X, steps=5, coefficients=NS_COEFFICIENTS, eps=1e-7):
    r"""Approximately orthogonalise `X` (shape (…, n, m): the last two axes are a matrix) as Muon does:

        X ← X / max(‖X‖_F, ε),   then `steps` times:   A = X Xᵀ,   X ← a X + (b A + c A²) X.

    With X = U Σ Vᵀ every step maps each singular value s to p(s) = a s + b s³ + c s⁵ and keeps U and V, so the
    result is U p(p(…p(Σ/‖X‖_F)))Vᵀ. The default (a, b, c) = (3.4445, −4.7750, 2.0315) makes p steep at 0 (slope
    a) at the price of not converging to 1: singular values end near [0.7, 1.2], and those far below σ_max stay
    small. A tall X is processed as Xᵀ (the smaller Gram matrix), as torch does. Runs in X's dtype (torch's
    ``_zeropower_via_newtonschulz`` always casts to bfloat16).
    """
    X = _args.real_array("X", X)
    if X.ndim < 2 or X.size == 0:
        raise ValueError(f"X must be a non-empty matrix, or a stack of matrices, shape (..., n, m); "
                         f"got {_args.describe(X)}")
    steps = _args.positive_int("steps", steps, minimum=0)
    return _newton_schulz(X, steps, _coefficients(coefficients), _args.number("eps", eps, _args.positive))


def _coefficients(coefficients):
    if not isinstance(coefficients, (tuple, list)) or len(coefficients) != 3:
        raise TypeError(f"coefficients must be three numbers (a, b, c); got {_args.describe(coefficients)}")
    return tuple(_args.number(f"coefficients[{i}]", c) for i, c in enumerate(coefficients))


class Muon(Optimizer):
    r"""Muon (Jordan et al. 2024) for matrix parameters θ of shape (…, n, m):

        B ← μ B + (1 − μ) g,   U = (1 − μ) g + μ B  (nesterov)  or  U = B,
        O = NS(U)  (:func:`newton_schulz`),   θ ← (1 − αλ) θ,   θ ← θ − α s O,

    s = √max(1, n/m) (``adjust_lr_fn=None`` or "original") or 0.2 √max(n, m) ("match_rms_adamw", which gives
    O about the RMS of an AdamW update, ≈ 0.2, so AdamW's α and λ can be reused).

    Reference: torch 2.13 ``torch.optim.Muon(lr, weight_decay, momentum, nesterov, ns_coefficients, eps,
    ns_steps, adjust_lr_fn)``, same names and defaults: α = 1e-3, **λ = 0.1** (decoupled, with the unadjusted
    α), μ = 0.95, **nesterov = True**, (a, b, c) = (3.4445, −4.7750, 2.0315), ε = 1e-7, 5 steps. Differences:

    - torch runs Newton–Schulz in **bfloat16** whatever θ's dtype (8 significant bits), so its update is rounded
      to about 3 digits; here it runs in θ's dtype. With the bf16 cast removed, the iterates agree with torch's to
      rounding in float64; with it, a float64 run differs by a relative 1e-3 after 50 steps;
    - torch's docstring writes B ← μB + g, its code the EMA form above; the Frobenius normalisation in NS makes
      the two give the same O;
    - "original" scaling raises α only for tall matrices (n > m; for torch's ``nn.Linear`` weight, out > in);
    - torch takes only 2-D parameters. Here the last two axes are the matrix and leading axes are independent
      models; a 1-D θ is refused (use AdamW for vectors, e.g. through :class:`~descent.optimizers.Layerwise`).
      There is no ``maximize`` (torch has none).
    """

    hyper = ("lr", "momentum", "weight_decay")
    slots = {"b": "buffer"}
    decoupled = True

    def __init__(self, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True, ns_coefficients=NS_COEFFICIENTS,
                 eps=1e-7, ns_steps=5, adjust_lr_fn=None):
        self.momentum = _args.decay_rate("momentum", momentum)
        self.nesterov = _args.flag("nesterov", nesterov)
        self.ns_coefficients = _coefficients(ns_coefficients)
        self.eps = _args.number("eps", eps, _args.positive)
        self.ns_steps = _args.positive_int("ns_steps", ns_steps, minimum=0)
        if adjust_lr_fn is not None:
            _args.choice("adjust_lr_fn", adjust_lr_fn, ("original", "match_rms_adamw"))
        self.adjust_lr_fn = adjust_lr_fn
        super().__init__(lr, weight_decay)

    def reset(self):
        super().reset()
        self.buffer = None

    def _check(self, x, grad, out):
        x, grad, out = super()._check(x, grad, out)
        if x.ndim < 2:
            raise ValueError(f"x must be a matrix, or a stack of matrices, shape (..., n, m): Muon orthogonalises "
                             f"matrices (torch.optim.Muon refuses other shapes; use AdamW for vectors, e.g. with "
                             f"descent.optimizers.Layerwise); got shape {x.shape}")
        return x, grad, out

    def scale(self, shape):
        """The factor s by which α is multiplied for a matrix of `shape` (…, n, m)."""
        n, m = shape[-2:]
        return 0.2 * np.sqrt(max(n, m)) if self.adjust_lr_fn == "match_rms_adamw" else np.sqrt(max(1, n / m))

    def _update(self, x, g, lr):
        if self.buffer is None:
            self.buffer = np.zeros(x.shape, x.dtype)
        mu = self.momentum
        self.buffer += (1 - mu) * (g - self.buffer)  # B ← μ B + (1 − μ) g
        u = g + mu * (self.buffer - g) if self.nesterov else self.buffer
        o = _newton_schulz(u, self.ns_steps, self.ns_coefficients, self.eps)
        x *= 1 - lr * self.weight_decay
        x -= lr * self.scale(x.shape) * o
