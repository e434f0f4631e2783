r"""Newton's method (chapter 10): the step that uses the Hessian."""

import numpy as np

from .. import _args
from .base import Optimizer


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
