r"""A quadratic whose gradient is observed with noise: the simplest model of SGD (chapter 8).

    f(θ) = ½ (θ − c)ᵀ A (θ − c),   g(θ) = A(θ − c) + σ ξ,   ξ ~ N(0, I), a fresh draw at every call.

The value is exact; only the gradient is noisy, as when a mini-batch estimates the gradient of the full loss.
Because the noise does not depend on θ, the model is linear and its mean and variance can be followed exactly
(:meth:`NoisyQuadratic.expected_sq_error`), which gives a theory curve for every simulation.
"""

import numpy as np

from . import _args
from .functions import Quadratic
from .schedules import Schedule, as_lr


class NoisyQuadratic(Quadratic):
    """½ (θ − c)ᵀ A (θ − c) with gradients corrupted by Gaussian noise of standard deviation `sigma` per coordinate.

    The noise comes from ``np.random.default_rng(seed)``; :meth:`reset` restarts that stream, so runs that call
    it first see the same noise (common random numbers: differences between runs are due to the optimizer).
    Points of shape (*batch, n) get independent noise per run. ``exact_grad`` is the noise-free gradient.
    """

    def __init__(self, A, sigma=1.0, center=None, seed=0):
        super().__init__(A, center)
        self.sigma = _args.number("sigma", sigma, _args.nonnegative)
        self.seed = _args.positive_int("seed", seed, minimum=0)
        self.reset()

    def reset(self):
        """Restart the noise stream from `seed`."""
        self._rng = np.random.default_rng(self.seed)

    def exact_grad(self, x):
        """A(θ − c), without noise."""
        return super().grad(x)

    def grad(self, x):
        """A(θ − c) + σ ξ with a fresh ξ ~ N(0, I) of the shape of x."""
        g = self.exact_grad(x)
        return g + self.sigma * self._rng.standard_normal(g.shape)

    def noise_floor(self, lr):
        r"""RMS distance to c that constant-lr SGD settles at: √(Σ_i σ² α / (λ_i (2 − α λ_i))).

        From the stationary variance of e ← (1 − αλ) e − α σ ξ; infinite unless 0 < α λ_i < 2 for all i.
        """
        lr = np.asarray(_args.positive("lr", lr), dtype=float)[..., None]
        lam = self.eigenvalues
        with np.errstate(divide="ignore"):
            per_direction = np.where((lr * lam > 0) & (lr * lam < 2),
                                     self.sigma**2 * lr / (lam * (2 - lr * lam)), np.inf)
        return np.sqrt(per_direction.sum(axis=-1))

    def expected_sq_error(self, lr, x0, steps):
        r"""E‖θ_t − c‖² for t = 0..steps, exactly, for SGD from `x0` with `lr` (a number or a schedule).

        In the eigenbasis of A each coordinate obeys e_t = (1 − α_{t−1} λ) e_{t−1} − α_{t−1} σ ξ_t, so its mean
        m and variance v follow m_t = (1 − α λ) m_{t−1} and v_t = (1 − α λ)² v_{t−1} + α² σ²; the result is
        Σ_i (m_i² + v_i). Returns shape (steps + 1,), or (steps + 1, k) for a sweep whose hyper-parameters have
        shape (k, 1), as for an optimizer on θ of shape (k, n).
        """
        lr = as_lr(lr)
        x0 = _args.real_array("x0", x0)
        if x0.shape != (self.dim,):
            raise ValueError(f"x0 must have shape ({self.dim},); got shape {x0.shape}")
        steps = _args.positive_int("steps", steps, minimum=0)
        shape = np.shape(lr(0) if isinstance(lr, Schedule) else lr)
        if shape and (len(shape) != 2 or shape[1] != 1):
            raise ValueError(f"lr must be a number, or an array of shape (k, 1) for a sweep of k runs; got shape {shape}")
        sweep = len(shape) > 0   # hyper-parameters of shape (k, 1)
        t = np.arange(steps).reshape((-1, 1, 1) if sweep else (-1, 1))
        rates = (lr(t) if isinstance(lr, Schedule) else lr) * np.ones(t.shape)   # (steps, [k,] 1)
        lam, vecs = np.linalg.eigh(self.A)
        factors = 1 - rates * lam                                  # (steps, [k,] n)
        out = np.empty((steps + 1,) + factors.shape[1:-1])
        with np.errstate(over="ignore", invalid="ignore"):  # a diverging lr gives inf, once, without warnings
            mean = ((x0 - self.center) @ vecs) * np.cumprod(factors, axis=0)
            var = np.zeros(factors.shape[1:])
            out[0] = np.sum((x0 - self.center) ** 2)
            for i in range(steps):
                var = factors[i] ** 2 * var + (rates[i] * self.sigma) ** 2
                out[i + 1] = np.sum(mean[i] ** 2 + var, axis=-1)
        return out
