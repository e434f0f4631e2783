r"""Where damped Newton ends (chapter 10): the final point and its kind, as a function of the damping.

Damped Newton θ ← θ − (H + λI)⁻¹ g stops only where g = 0, so whatever λ is, its fixed points are the stationary
points of f: minima, maxima and saddles alike. Which one a run ends at depends on λ and on the start;
:func:`newton_endpoints` maps that dependence with one vectorised :func:`descent.run` over many dampings.
"""

from dataclasses import dataclass

import numpy as np

from . import _args
from .functions import classify_stationary_point
from .optimizers import Newton
from .trajectory import run


@dataclass(repr=False)
class Endpoints:
    """The end of one damped-Newton run per damping: ``dampings`` (k,), ``finals`` (k, n), ``kinds`` (k,).

    A kind is what :func:`descent.functions.classify_stationary_point` says about the Hessian at the final point
    ("minimum", "maximum", "saddle", "degenerate") when the gradient there is below the tolerance, "not converged"
    when it is not (the run is still wandering or cycling), and "diverged" when the run left the box or hit a
    singular H + λI.
    """

    dampings: np.ndarray
    finals: np.ndarray
    kinds: np.ndarray

    def __repr__(self):
        kinds, counts = np.unique(self.kinds, return_counts=True)
        return f"Endpoints({len(self.dampings)} dampings: " + ", ".join(f"{c} {k}" for k, c in zip(kinds, counts)) + ")"


def newton_endpoints(fn, x0, dampings, steps=300, tol=1e-8, lr=1.0):
    """Run ``Newton(lr, damping=λ)`` on `fn` from `x0` for every λ in `dampings` and classify where each run ends.

    `x0` has shape (n,); `dampings` is a 1-D array of λ ≥ 0 (one run each, all in one vectorised run). A run has
    converged when |∇f| ≤ `tol` at its last iterate. Returns :class:`Endpoints`.
    """
    if not all(hasattr(fn, name) for name in ("value", "grad", "hessian")):
        raise TypeError(f"fn must be a landscape with value, grad and hessian, such as descent.functions.Wiggly(); "
                        f"got {_args.describe(fn)}")
    x0 = _args.finite_point("x0", x0)
    if x0.ndim != 1:
        raise ValueError(f"x0 must be one point, of shape (n,); got shape {x0.shape}")
    dampings = _args.real_array("dampings", dampings)
    if dampings.ndim != 1 or len(dampings) == 0 or np.any(dampings < 0):
        raise ValueError(f"dampings must be a non-empty 1-D array of numbers ≥ 0; got {_args.describe(dampings)}")
    tol = _args.number("tol", tol, _args.positive)
    traj = run(Newton(lr=lr, damping=dampings[:, None]), fn, np.tile(x0, (len(dampings), 1)), steps=steps)
    finals = traj.final
    kinds = np.full(len(dampings), "diverged", dtype=object)
    alive = ~traj.diverged
    with np.errstate(all="ignore"):
        converged = alive & (np.linalg.norm(fn.grad(np.nan_to_num(finals)), axis=-1) <= tol)
    kinds[alive & ~converged] = "not converged"
    # runs ending at the same stationary point share one classification
    points, which = np.unique(np.round(finals[converged], 6), axis=0, return_inverse=True)
    labels = np.array([classify_stationary_point(fn.hessian(p)) for p in points], dtype=object)
    kinds[converged] = labels[which.reshape(-1)]
    return Endpoints(dampings, finals, kinds.astype(str))
