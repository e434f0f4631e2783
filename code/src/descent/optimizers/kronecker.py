r"""Kronecker-factored preconditioners for matrix parameters (chapter 16): Shampoo and SOAP.

A per-coordinate method such as Adam scales each entry of a gradient matrix G (n×m) on its own. These methods keep
one n×n statistic of the rows (≈ G Gᵀ) and one m×m statistic of the columns (≈ Gᵀ G), and precondition on both
sides: Shampoo multiplies by inverse roots of the two statistics, SOAP runs Adam in their eigenbasis.

θ has shape (..., n, m): the last two axes are the matrix, leading axes are independent models (a sweep, or several
seeds), with batched eigendecompositions. Hyper-parameters broadcast against θ as everywhere in :mod:`descent`;
the ones that act on the statistics (Shampoo's ``matrix_eps``, SOAP's ``shampoo_beta``) are one value per matrix
(a number, or an array of shape (..., 1, 1)). A 1-D θ is refused (see the classes).
"""

import numpy as np

from .. import _args
from .base import Optimizer


def _t(a):
    """The transpose of each matrix in a stack: (..., n, m) → (..., m, n)."""
    return np.swapaxes(a, -1, -2)


def _eigh(a):
    """``np.linalg.eigh`` of a stack of symmetric matrices; a matrix with a non-finite entry (a run that diverged)
    gets NaN eigenvalues and eigenvectors instead of an error, and the other runs of a sweep go on."""
    finite = np.isfinite(a).all(axis=(-2, -1))
    if np.all(finite):
        return np.linalg.eigh(a)
    w, v = np.linalg.eigh(np.where(finite[..., None, None], a, 0))
    w[~finite], v[~finite] = np.nan, np.nan
    return w, v


def _inverse_root(a, p):
    """a^{−1/p} for a stack of symmetric positive definite matrices: V diag(w^{−1/p}) Vᵀ with a = V diag(w) Vᵀ.

    The reference takes an SVD, U diag(s^{−1/p}) Vᵀ, which for a symmetric a is V diag(sign(w) |w|^{−1/p}) Vᵀ: the
    same, also if rounding makes an eigenvalue negative."""
    w, v = _eigh(a)
    return (v * (np.sign(w) * np.abs(w) ** (-1 / p))[..., None, :]) @ _t(v)


def _eigenbasis(a):
    """Eigenvectors of each symmetric matrix a (+ 10⁻³⁰ I, as the reference), columns by decreasing eigenvalue."""
    return _eigh(a + 1e-30 * np.eye(a.shape[-1], dtype=a.dtype))[1][..., ::-1]


class _Kronecker(Optimizer):
    """What Shampoo and SOAP share: θ of shape (..., n, m), state of the shapes of the two sides."""

    decoupled = True  # both classes apply their weight decay as lines of _update, where the reference does
    per_model = ()  # hyper-parameters that act on the n×n and m×m statistics: one value per matrix
    statistics = ()  # the names of the row and the column statistic

    def _check(self, x, grad, out):
        x, grad, out = super()._check(x, grad, out)
        if x.ndim < 2:
            raise ValueError(f"x must have shape (..., n, m): {type(self).__name__} preconditions the matrix of the "
                             f"last two axes; got shape {x.shape}. Use a per-coordinate method (e.g. Adam) for a "
                             f"vector")
        for name in self.per_model:
            _args.broadcasts_to(name, getattr(self, name), x.shape[:-2] + (1, 1),
                                "the matrices of x (one value per matrix)")
        return x, grad, out

    def _state_shapes(self, shape):
        """The shape of each state array for θ of `shape`: θ's own, (..., n, n) for the rows, (..., m, m) for the
        columns (None for a θ with fewer than two axes, which has no such state)."""
        if len(shape) < 2:
            return dict.fromkeys(self.slots)
        lead, (n, m) = tuple(shape[:-2]), tuple(shape[-2:])
        return {name: {"matrix": lead + (n, m), "rows": lead + (n, n), "columns": lead + (m, m)}[side]
                for name, side in self.sides.items() if name in self.slots}

    def _parameter_shape(self, arrays):
        """(..., n, m) from the row statistic (..., n, n) and the column statistic (..., m, m); None if missing."""
        rows, columns = (arrays.get(name) for name in self.statistics)
        if rows is None or columns is None or min(rows.ndim, columns.ndim) < 2:
            return None
        return rows.shape[:-1] + columns.shape[-1:]


class Shampoo(_Kronecker):
    r"""Shampoo (Gupta et al. 2018) for θ of shape (..., n, m), as ``pytorch_optimizer.Shampoo`` (4.1.0) computes it.

        ĝ = (1 − μ) g + μ b                 (momentum μ > 0 only; b = the previous update, b = g at t = 1)
        ĝ ← ĝ + λ θ                          (coupled weight decay; decoupled: θ ← θ(1 − λα), or θ(1 − λ) if fixed)
        L ← L + ĝ ĝᵀ,   R ← R + ĝᵀ ĝ         (L₀ = εI (n×n), R₀ = εI (m×m): statistics accumulate, no EMA)
        every f steps: P_L = L^{−1/4},  P_R = R^{−1/4}     (P_L = P_R = 0 before step f)
        u = P_L ĝ P_R,   b ← u,   θ ← θ − α u.

    Defaults are the reference's: α = 1e-3, μ = 0, λ = 0 (``weight_decouple=False``, ``fixed_decay=False``),
    f = ``preconditioning_compute_steps`` = 1, ε = ``matrix_eps`` = 1e-6; same argument names. ``maximize`` negates g
    first. ``matrix_eps`` is one number per matrix. Where the reference differs from the paper, or surprises:

    - the paper's statistics are also sums (AdaGrad-like), so the step size shrinks as they grow; there is no
      grafting and no learning-rate normalisation;
    - ε is only the initial εI in L and R; nothing is added when the roots are taken (by SVD in the reference, by
      eigh here: the same for symmetric matrices);
    - with f > 1 the inverse roots stay **zero** until step f: steps 1, …, f − 1 do not move θ (only a decoupled
      decay does); the paper takes new roots at every step;
    - the "momentum" (not in the paper) mixes the raw gradient with the previous *preconditioned* update u, and
      the statistics see the mixed (and L2-decayed) ĝ; the reference keeps b even with μ = 0 (here only with
      μ > 0);
    - with ``maximize=True`` and μ > 0 the reference starts b at +g instead of the negated g it steps on, so its
      first ĝ is (2μ − 1)·g; here b starts at the ĝ the step uses, which equals the reference minimising −f.

    Shapes: the reference takes an order-k tensor and uses k statistics with exponent −1/(2k) (−1/2 for a vector,
    −1/6 for a 3-D tensor). Here the last two axes are the matrix (exponent −1/4, as the paper's matrix case) and
    leading axes are independent models, so θ of shape (s, n, m) is s separate reference runs on n×m matrices, not
    one run on an order-3 tensor. A 1-D θ is refused (ValueError).
    """

    hyper = ("lr", "momentum", "weight_decay", "matrix_eps")
    per_model = ("matrix_eps",)
    statistics = ("L", "R")
    sides = {"L": "rows", "R": "columns", "P_L": "rows", "P_R": "columns", "b": "matrix"}

    def __init__(self, lr=1e-3, momentum=0.0, weight_decay=0.0, weight_decouple=False, fixed_decay=False,
                 preconditioning_compute_steps=1, matrix_eps=1e-6, *, maximize=False):
        self.momentum = _args.decay_rate("momentum", momentum)
        self.weight_decouple = _args.flag("weight_decouple", weight_decouple)
        self.fixed_decay = _args.flag("fixed_decay", fixed_decay)
        self.preconditioning_compute_steps = _args.positive_int("preconditioning_compute_steps",
                                                                preconditioning_compute_steps)
        self.matrix_eps = _args.positive("matrix_eps", matrix_eps)
        self.slots = {name: name for name in ("L", "R", "P_L", "P_R")} | ({"b": "b"} if np.any(self.momentum) else {})
        super().__init__(lr, weight_decay, maximize)

    def reset(self):
        super().reset()
        self.L = self.R = self.P_L = self.P_R = self.b = None

    def _update(self, x, g, lr):
        if self.L is None:
            shapes = self._state_shapes(x.shape)
            self.L, self.R = (self.matrix_eps * np.broadcast_to(np.eye(shapes[k][-1]), shapes[k]).astype(x.dtype)
                              for k in ("L", "R"))
            self.P_L, self.P_R = np.zeros_like(self.L), np.zeros_like(self.R)
        if "b" in self.slots:
            if self.b is None:
                self.b = g.copy()
            g = (1 - self.momentum) * g + self.momentum * self.b
        decay = self.weight_decay
        if np.any(decay) and self.weight_decouple:
            x *= 1 - decay * (1.0 if self.fixed_decay else lr)
        elif np.any(decay):
            g = g + decay * x
        self.L += g @ _t(g)
        self.R += _t(g) @ g
        if self.t % self.preconditioning_compute_steps == 0:
            self.P_L, self.P_R = _inverse_root(self.L, 4), _inverse_root(self.R, 4)
        u = self.P_L @ g @ self.P_R
        if "b" in self.slots:
            self.b = u
        x -= lr * u


class SOAP(_Kronecker):
    r"""SOAP (Vyas et al. 2024): Adam in the eigenbasis of Shampoo's statistics, as ``pytorch_optimizer.SOAP``
    (4.1.0) computes it, for θ of shape (..., n, m).

        t = 1:  G_L = (1 − β_s) g gᵀ,  G_R = (1 − β_s) gᵀ g,  Q_L, Q_R = their eigenvectors (decreasing eigenvalue)
                — no step: the first gradient only initialises the statistics
        t ≥ 2, k = t − 1:
            m ← β₁ m + (1 − β₁) g                        (first moment in the original basis)
            v ← β₂ v + (1 − β₂) (Q_Lᵀ g Q_R)²           (second moment in the rotated basis)
            u = Q_L [(Q_Lᵀ m Q_R) / (√v + ε)] Q_Rᵀ
            θ ← θ − α √(1 − β₂ᵏ)/(1 − β₁ᵏ) · u,   then θ ← (1 − αλ) θ
            G_L ← β_s G_L + (1 − β_s) g gᵀ,   G_R ← β_s G_R + (1 − β_s) gᵀ g
            every f steps (k mod f = 0), for each side:  P = G Q;  order the columns of P by decreasing
                diag(Qᵀ G Q) and permute v along that side the same way;  Q ← the Q factor of qr(P) (float32)

    Defaults are the reference's: α = 3e-3, β₁ = β₂ = 0.95 (the reference's ``betas``), β_s = ``shampoo_beta`` =
    None (→ β₂), λ = ``weight_decay`` = 1e-2 (decoupled, always), f = ``precondition_frequency`` = 10,
    ``max_precondition_dim`` = 10000, ``correct_bias`` = True (False: step α·u), ``normalize_gradient`` = False
    (True: u ← u/(RMS(u) + ε), the RMS taken over each matrix), ε = 1e-8. ``maximize`` negates g. β_s (or β₂ when
    it stands in for β_s) is one number per matrix. Where it differs from the paper's algorithm, or surprises:

    - the basis is exact (``eigh``) only at t = 1; afterwards it is refreshed by one power-iteration step and a QR
      decomposition, every f steps, and the moments are not rotated into the new basis: v is only permuted, m needs
      nothing (it lives in the original basis);
    - the first gradient only initialises G and Q (no step, m and v stay 0); bias corrections count k = t − 1;
    - the QR is computed in **float32** even for float64 θ (as the reference does), so float64 runs agree with the
      reference only to about 1e-7 (numpy's and torch's float32 QR differ at that level);
    - a side longer than ``max_precondition_dim`` is not rotated: its Q stays the identity and its G stays zero (the
      reference stores neither; here the state always has the same six arrays);
    - weight decay comes after the step and uses the plain α.

    The eigenbasis of a non-square θ is not unique: at t = 1 the larger side's g gᵀ has rank ≤ the smaller side, and
    the eigensolver returns an arbitrary basis of its null space. Both the reference and this class then depend on
    rounding: moving θ₀ by 1e-15 moved the reference's own trajectory by a few percent (relative) after 50 steps on
    the 6×4 test problem of ``tests/test_kronecker_torch.py``. Square matrices are reproducible. Shapes: leading axes are independent models (the reference would treat a 3-D tensor as an order-3
    tensor with three rotations); a 1-D θ is refused (ValueError; the reference runs plain Adam on it by default,
    ``precondition_1d=False``). The reference's ``merge_dims`` and ``data_format`` concern tensors of order > 2 and
    have no counterpart here.
    """

    hyper = ("lr", "beta1", "beta2", "shampoo_beta", "weight_decay", "eps")
    slots = {name: name for name in ("m", "v", "GG_L", "Q_L", "GG_R", "Q_R")}
    statistics = ("GG_L", "GG_R")
    sides = {"m": "matrix", "v": "matrix", "GG_L": "rows", "Q_L": "rows", "GG_R": "columns", "Q_R": "columns"}

    def __init__(self, lr=3e-3, beta1=0.95, beta2=0.95, shampoo_beta=None, weight_decay=1e-2,
                 precondition_frequency=10, max_precondition_dim=10000, correct_bias=True, normalize_gradient=False,
                 eps=1e-8, *, maximize=False):
        self.beta1 = _args.decay_rate("beta1", beta1)
        self.beta2 = _args.decay_rate("beta2", beta2)
        self.shampoo_beta = None if shampoo_beta is None else _args.decay_rate("shampoo_beta", shampoo_beta)
        self.precondition_frequency = _args.positive_int("precondition_frequency", precondition_frequency)
        self.max_precondition_dim = _args.positive_int("max_precondition_dim", max_precondition_dim)
        self.correct_bias = _args.flag("correct_bias", correct_bias)
        self.normalize_gradient = _args.flag("normalize_gradient", normalize_gradient)
        self.eps = _args.positive("eps", eps)
        self.per_model = ("beta2",) if shampoo_beta is None else ("shampoo_beta",)
        super().__init__(lr, weight_decay, maximize)

    def reset(self):
        super().reset()
        self.m = self.v = self.GG_L = self.Q_L = self.GG_R = self.Q_R = None

    def _orthonormal(self, p):
        """The Q factor of the QR decomposition of each matrix p, computed in float32 as the reference does."""
        return np.linalg.qr(p.astype(np.float32))[0].astype(p.dtype)

    def _update(self, x, g, lr):
        beta_s = self.beta2 if self.shampoo_beta is None else self.shampoo_beta
        rotated = [n <= self.max_precondition_dim for n in x.shape[-2:]]
        if self.m is None:  # the first step only initialises the statistics and the basis
            self.m, self.v = np.zeros_like(x), np.zeros_like(x)
            (self.GG_L, self.Q_L), (self.GG_R, self.Q_R) = (self._first_basis(g, side, beta_s) for side in (0, 1))
            return
        k = self.t - 1
        Q_L, Q_R = self.Q_L, self.Q_R
        self.m += (1 - self.beta1) * (g - self.m)
        self.v += (1 - self.beta2) * ((_t(Q_L) @ g @ Q_R) ** 2 - self.v)
        u = Q_L @ ((_t(Q_L) @ self.m @ Q_R) / (np.sqrt(self.v) + self.eps)) @ _t(Q_R)
        if self.normalize_gradient:
            u /= np.sqrt(np.mean(u**2, axis=(-2, -1), keepdims=True)) + self.eps
        step = lr * np.sqrt(1 - self.beta2**k) / (1 - self.beta1**k) if self.correct_bias else lr
        x -= step * u
        if np.any(self.weight_decay):
            x *= 1 - lr * self.weight_decay
        if rotated[0]:
            self.GG_L += (1 - beta_s) * (g @ _t(g) - self.GG_L)
        if rotated[1]:
            self.GG_R += (1 - beta_s) * (_t(g) @ g - self.GG_R)
        if k % self.precondition_frequency == 0:
            if rotated[0]:
                order, self.Q_L = self._power_step(self.GG_L, Q_L)
                self.v = np.take_along_axis(self.v, order[..., :, None], axis=-2)
            if rotated[1]:
                order, self.Q_R = self._power_step(self.GG_R, Q_R)
                self.v = np.take_along_axis(self.v, order[..., None, :], axis=-1)

    def _first_basis(self, g, side, beta_s):
        """(G, Q) at t = 1 for the rows (side 0) or the columns (side 1): G = (1 − β_s) g gᵀ (or gᵀ g) and its
        eigenbasis; for a side longer than max_precondition_dim, zero and the identity."""
        n = g.shape[side - 2]
        if n > self.max_precondition_dim:
            eye = np.broadcast_to(np.eye(n, dtype=g.dtype), g.shape[:-2] + (n, n))
            return np.zeros(eye.shape, g.dtype), eye.copy()
        gg = (1 - beta_s) * (g @ _t(g) if side == 0 else _t(g) @ g)
        return gg, _eigenbasis(gg)

    def _power_step(self, gg, q):
        """One power-iteration step on the basis q of gg: (order of its columns by decreasing Rayleigh quotient
        diag(qᵀ gg q), the orthonormalised gg q in that order)."""
        p = gg @ q
        order = np.argsort(-np.sum(q * p, axis=-2), axis=-1, kind="stable")
        return order, self._orthonormal(np.take_along_axis(p, order[..., None, :], axis=-1))
