"""Self-checks for the chapter on normalisation layers and residual connections: the backward pass of batch norm."""

import numpy as np

from ..layers import BatchNorm
from .core import Case, Check


def _batchnorm_backward(dout, z, gamma, eps):
    bn = BatchNorm(z.shape[-1], eps=eps)
    _, cache = bn.forward(z, gamma, np.zeros_like(gamma))
    return bn.backward(dout, cache)


def _parts(dout, z, gamma, eps, axis=0, ddof=0):
    mean = z.mean(axis=axis, keepdims=True)
    s = 1 / np.sqrt(z.var(axis=axis, ddof=ddof, keepdims=True) + eps)
    return (z - mean) * s, s, dout * gamma


def _finish(dz, dout, u):
    return dz, np.sum(dout * u, axis=0), dout.sum(axis=0)


def _statistics_constant(dout, z, gamma, eps):
    u, s, du = _parts(dout, z, gamma, eps)
    return _finish(s * du, dout, u)


def _mean_term_only(dout, z, gamma, eps):
    u, s, du = _parts(dout, z, gamma, eps)
    return _finish(s * (du - du.mean(axis=0)), dout, u)


def _gamma_forgotten(dout, z, gamma, eps):
    u, s, _ = _parts(dout, z, gamma, eps)
    return _finish(s * (dout - dout.mean(axis=0) - u * np.mean(dout * u, axis=0)), dout, u)


def _over_features(dout, z, gamma, eps):
    u, s, du = _parts(dout, z, gamma, eps, axis=1)
    dz = s * (du - du.mean(axis=1, keepdims=True) - u * np.mean(du * u, axis=1, keepdims=True))
    return _finish(dz, dout, u)


def _averaged_parameters(dout, z, gamma, eps):
    dz, dgamma, dbeta = _batchnorm_backward(dout, z, gamma, eps)
    return dz, dgamma / len(z), dbeta / len(z)


def _unbiased_variance(dout, z, gamma, eps):
    u, s, du = _parts(dout, z, gamma, eps, ddof=1)
    return _finish(s * (du - du.mean(axis=0) - u * np.mean(du * u, axis=0)), dout, u)


def _case(label, rng, B, n, scale=1.0, shift=0.0, eps=1e-5):
    z = rng.normal(shift, scale, size=(B, n))
    return Case(label, (rng.normal(size=(B, n)), z, rng.uniform(-2, 2, size=n), eps))


def _cases():
    rng = np.random.default_rng(14)
    return [
        _case("a batch of 4 examples, 3 units", rng, 4, 3),
        _case("a batch of 16, 5 units with means near 50 and spread 10", rng, 16, 5, scale=10.0, shift=50.0),
        _case("a batch of 8, 2 units, ε = 0.1", rng, 8, 2, eps=0.1),
    ]


_MISTAKES = {
    "the mean and variance were treated as constants (dz = s·γ·dout): they depend on every z of the batch, "
    "so ∂L/∂z also gets −mean(du) and −u·mean(du ⊙ u)": _statistics_constant,
    "the variance's term is missing: dz = s (du − mean(du) − u ⊙ mean(du ⊙ u)), the last part comes from "
    "σ²": _mean_term_only,
    "γ is missing from the backward pass: start from du = γ ⊙ dout": _gamma_forgotten,
    "the statistics were taken over the units of each example (that is layer norm): batch norm takes the mean "
    "and variance of each unit over the batch, axis=0": _over_features,
    "dγ and dβ were averaged over the batch: they are sums, Σ_i dout ⊙ u and Σ_i dout (the loss already holds "
    "the 1/B)": _averaged_parameters,
    "the variance divides by B − 1: batch norm normalises with the biased variance, np.var(z, axis=0) (torch "
    "uses B − 1 only for the running variance)": _unbiased_variance,
}


def _random_case(rng):
    return _case("random batch and width", rng, int(rng.integers(3, 20)), int(rng.integers(1, 6)),
                 scale=10.0 ** rng.uniform(-1, 1), shift=rng.normal(0, 5))


def batchnorm_backward_check():
    """The check of ``batchnorm_backward(dout, z, gamma, eps) -> (dz, dgamma, dbeta)``."""
    return Check("batch-norm backward pass", _batchnorm_backward, _cases(), _MISTAKES, random_case=_random_case)


def check_batchnorm_backward(batchnorm_backward):
    """Check ``batchnorm_backward(dout, z, gamma, eps) -> (dz, dgamma, dbeta)`` for a batch z of shape (B, n), in
    training mode: u = (z − μ)/√(σ² + ε) with μ, σ² per unit over the batch, out = γ ⊙ u + β, and dout = ∂L/∂out."""
    return batchnorm_backward_check().run(batchnorm_backward)
