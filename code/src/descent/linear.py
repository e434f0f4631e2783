r"""Linear least squares as a landscape, and the input transforms that reshape it (chapter 9).

For data X (n × d, one row per example) and targets y (n,), the loss of the linear model ŷ = Xθ is

    f(θ) = (1/2n) ‖Xθ − y‖²,   ∇f(θ) = Xᵀ(Xθ − y)/n,   ∇²f = XᵀX/n   (the same Hessian everywhere).

So the shape of the loss — its condition number κ = λ_max/λ_min and gradient descent's largest stable learning rate
2/λ_max — is decided by the inputs alone. Standardising the columns of X (:func:`descent.data.standardize`)
equalises their scales; PCA whitening (:func:`pca_whiten`) also removes their correlations, making XᵀX/n = I.
"""

import numpy as np

from . import _args
from .functions import Landscape


def _matrix(name, value):
    arr = _args.real_array(name, value)
    if arr.ndim != 2 or min(arr.shape) == 0:
        raise ValueError(f"{name} must be a non-empty 2-D array (one row per example); got shape {arr.shape}")
    return arr


class LinearRegression(Landscape):
    """The half mean squared error f(θ) = ‖Xθ − y‖²/(2n) of a linear model, θ of shape (..., d).

    ``minimizers`` is the least-squares solution (shape (1, d)), ``min_value`` the loss there, ``eigenvalues``
    those of the Hessian XᵀX/n (ascending), ``condition_number`` their ratio and ``max_stable_lr`` = 2/λ_max.
    There is no intercept unless X has a column of ones (:func:`add_intercept`).
    """

    def __init__(self, X, y):
        self.X = _matrix("X", X)
        self.y = _args.real_array("y", y)
        if self.y.shape != (len(self.X),):
            raise ValueError(f"y must have shape ({len(self.X)},), one target per row of X; got {self.y.shape}")
        self.n, self.dim = self.X.shape
        self.hessian_matrix = self.X.T @ self.X / self.n
        self.eigenvalues = np.linalg.eigvalsh(self.hessian_matrix)
        self.minimizers = np.linalg.lstsq(self.X, self.y, rcond=None)[0][None]
        self.min_value = float(self.value(self.minimizers[0]))
        lo, hi = self.minimizers[0, :2] - 2, self.minimizers[0, :2] + 2
        self.extent = tuple(np.ravel(np.column_stack([lo, hi])))

    @property
    def condition_number(self):
        """κ = λ_max / λ_min of XᵀX/n (inf if the columns of X are linearly dependent)."""
        lo, hi = self.eigenvalues[0], self.eigenvalues[-1]
        return hi / lo if lo > hi * 1e-15 else np.inf

    @property
    def max_stable_lr(self):
        """2/λ_max: gradient descent converges for 0 < α < 2/λ_max and diverges above."""
        return 2 / self.eigenvalues[-1]

    def residuals(self, x):
        """Xθ − y, shape (..., n)."""
        return self._point(x) @ self.X.T - self.y

    def value(self, x):
        r = self.residuals(x)
        return 0.5 * np.mean(r * r, axis=-1)

    def grad(self, x):
        return self.residuals(x) @ self.X / self.n

    def hessian(self, x):
        return np.broadcast_to(self.hessian_matrix, self._point(x).shape[:-1] + self.hessian_matrix.shape)

    def gd_loss_gap(self, lr, x0, steps):
        r"""f(θ_t) − f* after `steps` steps of gradient descent with constant `lr` from `x0`, exactly.

        With e = Uᵀ(θ₀ − θ*) in the eigenbasis of the Hessian, f(θ_t) − f* = ½ Σ_i λ_i (1 − α λ_i)^{2t} e_i².
        `steps` may be an integer array; the result has its shape.
        """
        lr = _args.number("lr", lr, _args.positive)
        x0 = _args.real_array("x0", x0)
        if x0.shape != (self.dim,):
            raise ValueError(f"x0 must have shape ({self.dim},); got shape {x0.shape}")
        t = _args.array(steps)
        if t.dtype.kind not in "iu" or np.any(t < 0):
            raise ValueError(f"steps must be an integer >= 0 or an array of them; got {_args.describe(steps)}")
        lam, U = np.linalg.eigh(self.hessian_matrix)
        e = (x0 - self.minimizers[0]) @ U
        with np.errstate(over="ignore", under="ignore"):
            return 0.5 * np.sum(lam * e**2 * np.abs(1 - lr * lam) ** (2.0 * t[..., None]), axis=-1)

    def gd_iterations(self, lr, x0, tol, max_steps=10**15):
        """The fewest gradient-descent steps with `lr` from `x0` that bring f − f* to at most `tol` (from
        :meth:`gd_loss_gap`, without running them); ``inf`` if that takes more than `max_steps` or never happens."""
        tol = _args.number("tol", tol, _args.positive)
        max_steps = _args.positive_int("max_steps", max_steps, minimum=0)
        self.gd_loss_gap(lr, x0, 0)  # checks lr and x0
        hi = 1
        while self.gd_loss_gap(lr, x0, hi) > tol:
            hi *= 2
            if hi > 2 * max_steps:
                return np.inf
        lo = hi // 2
        while hi - lo > 1:   # gap(lo) > tol >= gap(hi); the gap never increases when α < 2/λ_max
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if self.gd_loss_gap(lr, x0, mid) > tol else (lo, mid)
        if self.gd_loss_gap(lr, x0, 0) <= tol:
            return 0
        return hi if hi <= max_steps else np.inf

    def __repr__(self):
        return f"LinearRegression(n={self.n}, d={self.dim}, κ={self.condition_number:.3g})"


def add_intercept(X):
    """X with a first column of ones, so that θ₀ is the intercept of the linear model."""
    X = _matrix("X", X)
    return np.column_stack([np.ones(len(X)), X])


def pca_whiten(X_train, X_test):
    r"""PCA whitening with the training statistics: x ← Λ^{−1/2} Vᵀ (x − μ), where VΛVᵀ is the covariance of X_train.

    The whitened training features have mean 0 and covariance exactly I (so XᵀX/n = I for them); the test features
    are transformed with the *same* μ, V, Λ. Returns ``X_train, X_test, (μ, W)`` with x ← (x − μ) W.
    Raises ValueError if the training covariance is singular (a direction with no variance cannot be whitened).
    """
    X_train, X_test = _matrix("X_train", X_train), _matrix("X_test", X_test)
    if X_train.shape[1] != X_test.shape[1]:
        raise ValueError(f"X_train and X_test must have the same number of columns; got shapes "
                         f"{X_train.shape} and {X_test.shape}")
    mean = X_train.mean(axis=0)
    centred = X_train - mean
    _, s, Vt = np.linalg.svd(centred, full_matrices=False)   # covariance = V diag(s²/n) Vᵀ, from the SVD (accurate)
    if len(s) < X_train.shape[1] or s[-1] <= s[0] * 1e-10:
        raise ValueError("X_train has a direction of (almost) zero variance: its covariance cannot be whitened")
    W = Vt.T * (np.sqrt(len(centred)) / s)
    return centred @ W, (X_test - mean) @ W, (mean, W)
