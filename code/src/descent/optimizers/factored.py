r"""Adafactor: a second moment in O(n + m) memory for an n × m matrix (chapter 16, "Memory and geometry").

Adam keeps v, one number per parameter. For a matrix of mean squared gradients Adafactor (Shazeer & Stern 2018)
keeps only its row means R and column means C and rebuilds V̂ = R C / mean(R), the rank-1 matrix with those
row and column sums (exact when V is itself an outer product).
"""

import numpy as np

from .. import _args
from .base import Optimizer


def _rms(x, axes):
    """Root mean square over `axes`, kept as axes of length 1: ‖x‖_F / √(number of entries)."""
    return np.sqrt(np.mean(np.square(x), axis=axes, keepdims=True))


class Adafactor(Optimizer):
    r"""Adafactor as torch.optim computes it (no first moment). With w_t = t^c (c = ``beta2_decay`` ≤ 0):

        ρ_t = min(α, 1/√t),   a_t = max(ε₂, RMS(θ_{t−1}))·ρ_t,   θ ← (1 − αλ) θ,
        R ← R + w_t (mean_cols(g²) − R),   C ← C + w_t (mean_rows(g²) − C),   V̂ = R C / max(mean(R), ε₁),
        U = g / √max(V̂, ε₁²),   θ ← θ − a_t U / max(1, RMS(U)/d).

    Reference: torch 2.13 ``torch.optim.Adafactor(lr, beta2_decay, eps=(eps1, eps2), d, weight_decay,
    maximize)``, same names and defaults: α = 1e-2, c = −0.8, ε₁ = None (the machine epsilon of θ's dtype:
    2.2e-16 in float64, 1.2e-7 in float32), ε₂ = 1e-3, d = 1, λ = 0. Where it is not what one would guess:

    - ``lr`` is not the step size: it caps the relative step ρ_t (ρ_t = α for t ≤ 1/α², i.e. the first 10⁴ steps
      at the default), and it multiplies λ. The step is about RMS(θ)·ρ_t, with RMS(θ) floored at ε₂;
    - w_1 = 1, so the first step replaces the statistics by g² (no bias correction needed);
    - ε₁ is two clamps (of the mean of R and of V̂), not a term added to g²;
    - the update is clipped to RMS d ("update clipping"), which is active in practice.

    Shapes: θ of shape (…, n, m) is factored over its last two axes, R of shape (…, n, 1) and C (…, 1, m), as
    torch does for a tensor of that shape. Here the leading axes are independent models (a sweep, several seeds),
    so RMS(θ) and RMS(U) are taken per matrix: a run on θ of shape (R, n, m) equals R runs of torch on (n, m)
    tensors, not one torch run on an (R, n, m) tensor, whose RMS would be over all R matrices. A 1-D θ keeps a
    full V (V ← V + w_t (g² − V), V̂ = V), as torch does (and so does a single number).
    """

    hyper = ("lr", "eps2", "d", "weight_decay")
    slots = {"row": "row", "col": "col", "v": "v"}
    decoupled = True  # θ ← (1 − αλ) θ, torch's "stepweight decay"

    def __init__(self, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0, *, maximize=False):
        self.beta2_decay = _args.number("beta2_decay", beta2_decay)
        if self.beta2_decay > 0:
            raise ValueError(f"beta2_decay must be <= 0 (the weight of the new g² is t**beta2_decay); "
                             f"got {beta2_decay!r}")
        if not isinstance(eps, (tuple, list)) or len(eps) != 2:
            raise TypeError(f"eps must be a pair (eps1, eps2), eps1 None or a number > 0; got {_args.describe(eps)}")
        self.eps1 = None if eps[0] is None else _args.number("eps[0]", eps[0], _args.positive)
        self.eps2 = _args.positive("eps2", eps[1])
        self.d = _args.positive("d", d)
        super().__init__(lr, weight_decay, maximize)

    def reset(self):
        super().reset()
        self.row = self.col = self.v = None

    def _state_shapes(self, shape):
        if len(shape) < 2:
            return {"v": tuple(shape)}
        return {"row": tuple(shape[:-1]) + (1,), "col": tuple(shape[:-2]) + (1, shape[-1])}

    def _parameter_shape(self, arrays):
        if "v" in arrays:
            return arrays["v"].shape if arrays["v"].ndim <= 1 else None
        row, col = arrays.get("row"), arrays.get("col")
        if row is None or col is None or row.ndim < 2 or row.shape[-1] != 1 or col.shape[:-2] + (1,) != row.shape[
                :-2] + (col.shape[-2],):
            return None
        return row.shape[:-1] + col.shape[-1:]

    def _update(self, x, g, lr):
        t = self.t
        w = t**self.beta2_decay  # the weight of the new statistics: 1 − β̂₂_t
        axes = (-2, -1) if x.ndim >= 2 else tuple(range(x.ndim))  # a number is its own RMS
        a = np.maximum(self.eps2, _rms(x, axes)) * np.minimum(lr, 1 / np.sqrt(t))
        if np.any(self.weight_decay):
            x *= 1 - lr * self.weight_decay
        eps1 = np.finfo(x.dtype).eps if self.eps1 is None else self.eps1
        g2 = np.square(g)
        if x.ndim >= 2:
            if self.row is None:
                self.row = np.zeros(x.shape[:-1] + (1,), x.dtype)
                self.col = np.zeros(x.shape[:-2] + (1, x.shape[-1]), x.dtype)
            self.row += w * (g2.mean(axis=-1, keepdims=True) - self.row)
            self.col += w * (g2.mean(axis=-2, keepdims=True) - self.col)
            v_hat = self.row * self.col / np.maximum(self.row.mean(axis=-2, keepdims=True), eps1)
        else:
            if self.v is None:
                self.v = np.zeros(x.shape, x.dtype)
            self.v += w * (g2 - self.v)
            v_hat = self.v
        u = g / np.sqrt(np.maximum(v_hat, eps1 * eps1))
        x -= a / np.maximum(1, _rms(u, axes) / self.d) * u
