r"""Momentum on quadratics, one eigen-direction at a time (chapter 5).

On f(θ) = ½ θᵀAθ the coordinates of θ in the eigenbasis of A evolve independently: along an eigenvector with
eigenvalue λ the gradient is λθ, so each method is a linear recurrence on its state s_t = (θ_t, v_t),

    s_t = M(λ) s_{t−1},   and   |θ_t| shrinks like ρ(M)ᵗ,

where ρ is the spectral radius, the largest |eigenvalue| of the 2 × 2 matrix M (:func:`iteration_matrix`).
With the book's EWMA convention (:class:`descent.Momentum`: v ← βv + (1 − β)g, θ ← θ − αv) write η = α(1 − β)
— torch's ``lr`` — and μ = β. Eliminating v gives two-step recurrences whose characteristic polynomial
z² − b z + c has the same roots as M:

    gradient descent   θ_t = (1 − αλ) θ_{t−1}                              b = 1 − αλ,           c = 0
    momentum           θ_t = (1 + μ − ηλ) θ_{t−1} − μ θ_{t−2}                b = 1 + μ − ηλ,       c = μ
    Nesterov           θ_t = (1 + μ)(1 − ηλ) θ_{t−1} − μ(1 − ηλ) θ_{t−2}     b = (1 + μ)(1 − ηλ),  c = μ(1 − ηλ)

Momentum's recurrence holds from t = 1 with θ_{−1} = θ₀ (zero initial velocity); Nesterov's from t = 2 for the
iterates of :class:`descent.Nesterov` and torch ``nesterov=True``, which are the look-ahead points of
Sutskever et al. (2013).

Every function broadcasts over its array arguments, so a whole map of (λ, α, β) is one call.
"""

import numpy as np

from . import _args

METHODS = ("gd", "momentum", "nesterov")


def _method(method):
    return _args.choice("method", method, METHODS)


def _spectrum(m, L):
    m = _args.positive("m", m)
    L = _args.positive("L", L)
    if np.any(np.asarray(m) > np.asarray(L)):
        raise ValueError(f"m (the smallest eigenvalue) must be <= L (the largest); got m={m!r}, L={L!r}")
    return m, L


def _coefficients(lam, lr, beta, method):
    """(b, c) of the characteristic polynomial z² − b z + c of the recurrence, in the EWMA convention."""
    lam = _args.real_array("lam", lam)
    lr = _args.positive("lr", lr)
    beta = _args.decay_rate("beta", beta)
    method = _method(method)
    if method == "gd":
        return 1 - lr * lam, np.zeros_like(lam * lr)
    eta, mu = lr * (1 - beta), beta  # torch's lr and momentum
    if method == "momentum":
        return 1 + mu - eta * lam, mu * np.ones_like(lam * eta)
    h = 1 - eta * lam
    return (1 + mu) * h, mu * h


def iteration_matrix(lam, lr, beta=0.0, method="momentum"):
    """The 2 × 2 matrix M with (θ_t, v_t) = M (θ_{t−1}, v_{t−1}) along an eigen-direction of curvature `lam`.

    θ and the velocity v are those of :class:`descent.Momentum` / :class:`descent.Nesterov` (EWMA convention,
    ``lr`` = α, ``beta`` = β, v₀ = 0); gradient descent is momentum with β = 0. With η = α(1 − β):

        momentum   v_t = β v + (1 − β)λ θ,   θ_t = (1 − ηλ) θ − αβ v
        Nesterov   v_t = β v + (1 − β)λ θ,   θ_t = (1 − (1 + β)ηλ) θ − αβ² v

    The trace b and determinant c of M give the characteristic polynomial z² − b z + c of the two-step recurrences
    in the module docstring. Shape: the broadcast shape of the arguments + (2, 2).
    """
    lam = _args.real_array("lam", lam)
    lr = _args.positive("lr", lr)
    beta = 0.0 if _method(method) == "gd" else _args.decay_rate("beta", beta)
    lam, lr, beta = np.broadcast_arrays(lam, lr, beta)
    eta = lr * (1 - beta)
    M = np.empty(lam.shape + (2, 2))
    if method == "nesterov":
        M[..., 0, 0], M[..., 0, 1] = 1 - (1 + beta) * eta * lam, -lr * beta**2
    else:
        M[..., 0, 0], M[..., 0, 1] = 1 - eta * lam, -lr * beta
    M[..., 1, 0], M[..., 1, 1] = (1 - beta) * lam, beta
    return M


def spectral_radius(lam, lr, beta=0.0, method="momentum"):
    """ρ(M) = max |z| over the roots of z² − b z + c: the factor by which |θ| shrinks per step, in the long run.

    Closed form: the roots are (b ± √(b² − 4c))/2; when they are complex (b² < 4c) both have modulus √c.
    """
    b, c = _coefficients(lam, lr, beta, method)
    disc = np.sqrt((b * b - 4 * c).astype(complex))
    return np.maximum(np.abs((b + disc) / 2), np.abs((b - disc) / 2))


def rate(eigenvalues, lr, beta=0.0, method="momentum"):
    """Worst-case rate on a quadratic with these Hessian eigenvalues: max over λ of ρ(M(λ)) (< 1 ⇔ convergence).

    `eigenvalues` is a 1-D array; `lr` and `beta` may be arrays (a map of rates), which broadcast against each
    other. Returns an array of their broadcast shape (a float for scalar hyper-parameters).
    """
    lams = _args.real_array("eigenvalues", eigenvalues)
    if lams.ndim != 1 or len(lams) == 0:
        raise ValueError(f"eigenvalues must be a non-empty 1-D array; got shape {lams.shape}")
    lr = np.asarray(_args.positive("lr", lr), dtype=float)
    beta = np.asarray(_args.decay_rate("beta", beta), dtype=float)
    rho = spectral_radius(lams, lr[..., None], beta[..., None], method)
    worst = rho.max(axis=-1)
    return worst if worst.ndim else float(worst)


def max_stable_lr(lam, beta=0.0, method="momentum"):
    """The largest α (EWMA convention) with ρ(M(λ)) < 1, from the Jury conditions on z² − b z + c.

    gradient descent: αλ < 2;  momentum: α(1 − β)λ < 2(1 + β);  Nesterov: α(1 − β)λ < 2(1 + β)/(1 + 2β).
    (For every method the lower limit is α > 0.)
    """
    lam = _args.positive("lam", lam)
    beta = _args.decay_rate("beta", beta)
    method = _method(method)
    if method == "gd":
        return 2 / lam
    limit = 2 * (1 + beta) if method == "momentum" else 2 * (1 + beta) / (1 + 2 * beta)
    return limit / ((1 - beta) * lam)


def optimal_gd(m, L):
    """Best fixed step for gradient descent on eigenvalues in [m, L]: α = 2/(m + L), rate (κ − 1)/(κ + 1).

    Returns ``(lr, rate)``.
    """
    m, L = _spectrum(m, L)
    kappa = L / m
    return 2 / (m + L), (kappa - 1) / (kappa + 1)


def optimal_momentum(m, L):
    """Polyak's optimal heavy ball on eigenvalues in [m, L], in the EWMA convention of :class:`descent.Momentum`.

    β = ((√κ − 1)/(√κ + 1))², α = 1/√(mL), rate (√κ − 1)/(√κ + 1). In torch's convention the same method is
    ``SGD(lr=4/(√L + √m)², momentum=β)`` (η = α(1 − β)). Returns ``(lr, beta, rate)``.
    """
    m, L = _spectrum(m, L)
    root = np.sqrt(L / m)
    r = (root - 1) / (root + 1)
    return 1 / np.sqrt(m * L), r**2, r


def nesterov_parameters(m, L):
    """The classical tuning of Nesterov's method for L-smooth, m-strongly convex f, in the EWMA convention.

    torch convention: η = 1/L, μ = (√κ − 1)/(√κ + 1); EWMA: β = μ, α = η/(1 − β) = (√κ + 1)/(2L).
    On a quadratic its rate is exactly 1 − 1/√κ (a double root at λ = m). Returns ``(lr, beta, rate)``.
    """
    m, L = _spectrum(m, L)
    root = np.sqrt(L / m)
    beta = (root - 1) / (root + 1)
    return (1 / L) / (1 - beta), beta, 1 - 1 / root


def measured_rate(xs, burn_in=0):
    """The rate a run achieved: the geometric-mean factor (|θ_T| / |θ_{T0}|)^{1/(T − T0)} over steps T0..T.

    `xs` has shape (steps + 1, *batch, n), as :attr:`descent.Trajectory.xs`, with the minimiser at the origin;
    ``burn_in`` = T0 skips the transient. Returns a float or an array of shape `batch`.
    """
    xs = _args.real_array("xs", xs, finite=False).astype(float, copy=False)
    burn_in = _args.positive_int("burn_in", burn_in, minimum=0)
    if xs.ndim < 2 or burn_in >= len(xs) - 1:
        raise ValueError(f"xs must have shape (steps + 1, ..., n) with more than burn_in + 1 = {burn_in + 1} "
                         f"iterates; got shape {xs.shape}")
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.abs(xs).max(axis=-1, keepdims=True)  # |θ| as scale·|θ/scale|: no underflow of θ² near 1e-300
        norms = scale[..., 0] * np.linalg.norm(np.where(scale > 0, xs / scale, 0.0), axis=-1)
        factor = (norms[-1] / norms[burn_in]) ** (1 / (len(xs) - 1 - burn_in))
    return factor if factor.ndim else float(factor)
