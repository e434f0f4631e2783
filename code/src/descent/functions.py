r"""Test landscapes with value, gradient and Hessian (chapters 1, 5, 9, 10).

Every landscape takes points x of shape (..., n) — real numbers (floats or integers; NaN and inf are carried along,
as in a diverged run), with any leading axes, so a whole sweep or a grid is one call — and
returns ``value(x)`` of shape (...), ``grad(x)`` of shape (..., n) and ``hessian(x)`` of shape (..., n, n).
Calling it, ``f(x)``, returns ``(value, grad)``. ``extent`` is a good plotting window
(xmin, xmax[, ymin, ymax]) and ``minimizers`` an array of known minimisers, shape (k, n), where they exist.
"""

import functools

import numpy as np

from . import _args


def _symmetric(name, value):
    """A non-empty symmetric square matrix of finite real numbers."""
    matrix = _args.real_array(name, value)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.size == 0 or not np.allclose(matrix, matrix.T):
        raise ValueError(f"{name} must be a symmetric square matrix of finite real numbers; got {_args.describe(value)}")
    return matrix


class Landscape:
    """Base class: subclasses define ``dim``, ``value``, ``grad`` and ``hessian``."""

    dim = 2
    extent = (-2.0, 2.0, -2.0, 2.0)
    minimizers = np.empty((0, 2))

    def __call__(self, x):
        return self.value(x), self.grad(x)

    def _point(self, x):
        """`x` as float64 points of shape (..., dim): real numbers, non-finite ones allowed (diverged runs)."""
        x = _args.real_array("x", x, finite=False).astype(float, copy=False)
        if x.ndim == 0 or x.shape[-1] != self.dim:
            raise ValueError(f"x must have shape (..., {self.dim}) for {type(self).__name__}; got shape {x.shape}")
        return x

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_"))
        return f"{type(self).__name__}({args})"


class Wiggly(Landscape):
    """f(x) = (0.15x)² + cos x + sin(3x)/3 + cos(5x)/5 + sin(7x)/7: a bowl covered in ripples, 1-D.

    On [−20, 20] it has 27 local minima; the global one is near x = −2.93. ``local_minima()`` finds them all.
    """

    dim = 1
    extent = (-20.0, 20.0)

    def value(self, x):
        x = self._point(x)[..., 0]
        return (0.15 * x) ** 2 + np.cos(x) + np.sin(3 * x) / 3 + np.cos(5 * x) / 5 + np.sin(7 * x) / 7

    def grad(self, x):
        x = self._point(x)[..., 0]
        return (0.045 * x - np.sin(x) + np.cos(3 * x) - np.sin(5 * x) + np.cos(7 * x))[..., None]

    def hessian(self, x):
        x = self._point(x)[..., 0]
        return (0.045 - np.cos(x) - 3 * np.sin(3 * x) - 5 * np.cos(5 * x) - 7 * np.sin(7 * x))[..., None, None]

    def stationary_points(self, lo=-20.0, hi=20.0, n=200_001):
        """All roots of f′ in [lo, hi] (numbers, lo < hi): sign changes on a grid of `n` ≥ 2 points, polished by
        Newton's method; shape (k,)."""
        lo, hi = _args.number("lo", lo), _args.number("hi", hi)
        if not lo < hi:
            raise ValueError(f"lo must be < hi; got lo={lo!r}, hi={hi!r}")
        n = _args.positive_int("n", n, minimum=2)
        x = np.linspace(lo, hi, n)
        d = self.grad(x[:, None])[:, 0]
        left = x[:-1][np.sign(d[:-1]) != np.sign(d[1:])]
        roots = left + (x[1] - x[0]) / 2
        for _ in range(50):
            roots = roots - self.grad(roots[:, None])[:, 0] / self.hessian(roots[:, None])[:, 0, 0]
        return roots

    def local_minima(self, lo=-20.0, hi=20.0):
        """The local minimisers in [lo, hi] (stationary points with f″ > 0), sorted; shape (k,)."""
        roots = self.stationary_points(lo, hi)
        return np.sort(roots[self.hessian(roots[:, None])[:, 0, 0] > 0])

    @functools.cached_property
    def minimizers(self):
        """The global minimiser on [−20, 20], shape (1, 1)."""
        minima = self.local_minima()
        return minima[np.argmin(self.value(minima[:, None]))].reshape(1, 1)


class Quadratic(Landscape):
    """f(x) = ½ (x − c)ᵀ A (x − c) with A symmetric; gradient A(x − c), Hessian A, minimiser c if A ≻ 0.

    ``Quadratic.ill_conditioned(kappa, angle)`` builds the 2-D bowl with eigenvalues 1 and κ, rotated by `angle`
    radians: the standard picture of a badly conditioned problem. For gradient descent the stable learning rates are
    0 < α < 2/λ_max.
    """

    def __init__(self, A, center=None):
        A = _symmetric("A", A)
        self.A = A
        self.dim = len(A)
        self.center = np.zeros(self.dim) if center is None else _args.real_array("center", center)
        if self.center.shape != (self.dim,):
            raise ValueError(f"center must have shape ({self.dim},); got {self.center.shape}")
        self.eigenvalues = np.linalg.eigvalsh(A)
        scale = 2.0 if self.dim == 2 else 3.0
        self.extent = tuple(np.repeat(self.center[:2], 2) + np.tile([-scale, scale], min(self.dim, 2)))
        self.minimizers = self.center[None] if np.all(self.eigenvalues > 0) else np.empty((0, self.dim))

    @classmethod
    def ill_conditioned(cls, kappa=10.0, angle=0.0, center=(0.0, 0.0)):
        """2-D quadratic with eigenvalues (1, κ), eigenvectors rotated by `angle` (radians)."""
        kappa = _args.number("kappa", kappa, _args.positive)
        angle = _args.number("angle", angle)
        c, s = np.cos(angle), np.sin(angle)
        R = np.array([[c, -s], [s, c]])
        return cls(R @ np.diag([1.0, kappa]) @ R.T, center)

    @property
    def condition_number(self):
        """κ = λ_max / λ_min (inf if A is not positive definite)."""
        lo, hi = self.eigenvalues[0], self.eigenvalues[-1]
        return hi / lo if lo > 0 else np.inf

    def value(self, x):
        d = self._point(x) - self.center
        return 0.5 * np.einsum("...i,ij,...j->...", d, self.A, d)

    def grad(self, x):
        return (self._point(x) - self.center) @ self.A

    def hessian(self, x):
        return np.broadcast_to(self.A, self._point(x).shape[:-1] + self.A.shape)


class Rosenbrock(Landscape):
    """f(x, y) = (a − x)² + b(y − x²)²: a curved, flat-bottomed valley; minimiser (a, a²)."""

    extent = (-2.0, 2.0, -1.0, 3.0)

    def __init__(self, a=1.0, b=100.0):
        self.a = _args.number("a", a)
        self.b = _args.number("b", b, _args.positive)
        self.minimizers = np.array([[self.a, self.a**2]])

    def value(self, x):
        x, y = np.moveaxis(self._point(x), -1, 0)
        return (self.a - x) ** 2 + self.b * (y - x**2) ** 2

    def grad(self, x):
        x, y = np.moveaxis(self._point(x), -1, 0)
        return np.stack([-2 * (self.a - x) - 4 * self.b * x * (y - x**2), 2 * self.b * (y - x**2)], axis=-1)

    def hessian(self, x):
        x, y = np.moveaxis(self._point(x), -1, 0)
        hxx = 2 - 4 * self.b * (y - x**2) + 8 * self.b * x**2
        hxy = -4 * self.b * x
        hyy = np.full_like(x, 2 * self.b)
        return np.stack([np.stack([hxx, hxy], -1), np.stack([hxy, hyy], -1)], -2)


class Saddle(Landscape):
    """f(x, y) = x² − y²: a saddle at the origin (Hessian diag(2, −2)); no minimiser, unbounded below."""

    def value(self, x):
        x, y = np.moveaxis(self._point(x), -1, 0)
        return x**2 - y**2

    def grad(self, x):
        return self._point(x) * np.array([2.0, -2.0])

    def hessian(self, x):
        return np.broadcast_to(np.diag([2.0, -2.0]), self._point(x).shape[:-1] + (2, 2))


class MonkeySaddle(Landscape):
    """f(x, y) = x³ − 3xy²: a degenerate stationary point at the origin (zero Hessian), three valleys."""

    def value(self, x):
        x, y = np.moveaxis(self._point(x), -1, 0)
        return x**3 - 3 * x * y**2

    def grad(self, x):
        x, y = np.moveaxis(self._point(x), -1, 0)
        return np.stack([3 * x**2 - 3 * y**2, -6 * x * y], axis=-1)

    def hessian(self, x):
        x, y = np.moveaxis(self._point(x), -1, 0)
        return np.stack([np.stack([6 * x, -6 * y], -1), np.stack([-6 * y, -6 * x], -1)], -2)


class Plateau(Landscape):
    """f(x) = 1 − exp(−|x|²/(2s²)): a well of width s in a plain whose gradient decays like |x| e^{−|x|²/2s²}.

    Minimiser at the origin. Far from it the gradient is tiny, so gradient descent crawls.
    """

    extent = (-4.0, 4.0, -4.0, 4.0)
    minimizers = np.zeros((1, 2))

    def __init__(self, width=1.0):
        self.width = _args.number("width", width, _args.positive)

    def value(self, x):
        r2 = np.sum(self._point(x) ** 2, axis=-1)
        return 1 - np.exp(-r2 / (2 * self.width**2))

    def grad(self, x):
        x = self._point(x)
        g = np.exp(-np.sum(x**2, axis=-1) / (2 * self.width**2)) / self.width**2
        return x * g[..., None]

    def hessian(self, x):
        x = self._point(x)
        s2 = self.width**2
        e = np.exp(-np.sum(x**2, axis=-1) / (2 * s2))[..., None, None]
        return e / s2 * (np.eye(2) - x[..., :, None] * x[..., None, :] / s2)


class Cliff(Landscape):
    """A gentle valley with a cliff across it:

        f(x, y) = 0.05 (x − 4)² + 0.5 y² − h·(1 + tanh(s(x − c)))/2.

    Walking from x = 0 towards the minimum near x = 4 the loss drops by h within about 1/s of x = c, where the
    gradient reaches h·s/2 (= 50 for the defaults, 250 times the slope of the valley there): a gradient step that
    lands on the face throws the iterate far away, unless the gradient is clipped
    (:func:`descent.optimizers.clip_by_norm`). The face is about as wide as a step of gradient descent with
    lr ≈ 0.5 on the valley, so whether an iterate lands on it depends on where the run starts.
    """

    extent = (-1.0, 7.0, -2.0, 2.0)

    def __init__(self, height=10.0, steepness=10.0, at=2.0):
        self.height = _args.number("height", height, _args.positive)
        self.steepness = _args.number("steepness", steepness, _args.positive)
        self.at = _args.number("at", at)
        self.minimizers = np.array([[4.0, 0.0]])  # up to e^(-2s(4-c)), negligible for the cliff left of x = 3

    def value(self, x):
        x, y = np.moveaxis(self._point(x), -1, 0)
        return 0.05 * (x - 4) ** 2 + 0.5 * y**2 - self.height * (1 + np.tanh(self.steepness * (x - self.at))) / 2

    def grad(self, x):
        x, y = np.moveaxis(self._point(x), -1, 0)
        sech2 = 1 - np.tanh(self.steepness * (x - self.at)) ** 2
        return np.stack([0.1 * (x - 4) - self.height * self.steepness * sech2 / 2, y], axis=-1)

    def hessian(self, x):
        x, y = np.moveaxis(self._point(x), -1, 0)
        tanh = np.tanh(self.steepness * (x - self.at))
        hxx = 0.1 + self.height * self.steepness**2 * tanh * (1 - tanh**2)
        zero = np.zeros_like(x)
        return np.stack([np.stack([hxx, zero], -1), np.stack([zero, np.ones_like(x)], -1)], -2)


class Lessard(Landscape):
    """A 1-D strongly convex function on which Polyak's heavy ball fails (Lessard, Recht & Packard 2016):

        f′(x) = 25x (x < 1),   x + 24 (1 ≤ x < 2),   25x − 24 (x ≥ 2),

    f(0) = 0. f″ ∈ {1, 25}, so m = 1, L = 25 (κ = 25) and the minimiser is x = 0. With the parameters that are
    optimal on quadratics with κ = 25, heavy-ball momentum from x₀ = 3.3 ends in a 3-cycle instead of converging.
    """

    dim = 1
    extent = (-3.0, 4.0)
    minimizers = np.zeros((1, 1))

    def value(self, x):
        x = self._point(x)[..., 0]
        return np.where(x < 1, 12.5 * x**2, np.where(x < 2, 0.5 * x**2 + 24 * x - 12, 12.5 * x**2 - 24 * x + 36))

    def grad(self, x):
        x = self._point(x)[..., 0]
        return np.where(x < 1, 25 * x, np.where(x < 2, x + 24, 25 * x - 24))[..., None]

    def hessian(self, x):
        x = self._point(x)[..., 0]
        return np.where((x >= 1) & (x < 2), 1.0, 25.0)[..., None, None]


def classify_stationary_point(H, tol=1e-8):
    """The second-order test at a stationary point, from the eigenvalues λ of the symmetric Hessian H (chapter 1).

    Returns "saddle" if some λ < −tol and some λ > tol (f decreases along one direction and increases along
    another, whatever the other eigenvalues); otherwise "degenerate" if some |λ| ≤ tol (the test cannot decide:
    x⁴, −x⁴ and x³ all have f″(0) = 0); otherwise "minimum" (all λ > 0) or "maximum" (all λ < 0).
    """
    H = _symmetric("H", H)
    tol = _args.number("tol", tol, _args.nonnegative)
    lam = np.linalg.eigvalsh(H)
    if lam.min() < -tol and lam.max() > tol:
        return "saddle"
    if np.any(np.abs(lam) <= tol):
        return "degenerate"
    return "minimum" if lam.min() > 0 else "maximum"


def basin(fn, x):
    """The basin (a, b) of a local minimum x of a 1-D landscape such as :class:`Wiggly`: a and b are the nearest
    local maxima left and right of x among ``fn.stationary_points()`` (chapters 6, 7, 10).

    Gradient descent with small steps started inside (a, b) ends at x; a or b is −inf/inf when no maximum lies on
    that side within the search range.
    """
    x = _args.number("x", x)
    if not hasattr(fn, "stationary_points"):
        raise TypeError(f"fn must be a 1-D landscape with stationary_points(), such as Wiggly(); "
                        f"got {_args.describe(fn)}")
    points = fn.stationary_points()
    maxima = points[fn.hessian(points[:, None])[:, 0, 0] < 0]
    left, right = maxima[maxima < x], maxima[maxima > x]
    return (float(left.max()) if left.size else -np.inf, float(right.min()) if right.size else np.inf)
