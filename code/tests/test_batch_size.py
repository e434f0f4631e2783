"""The gradient noise scale: on per-example gradients whose mean and covariance are known, the exact B_simple; the
two-batch-size estimator is unbiased for |G|² and tr(Σ) (fed the exact expected squared norms it returns them
exactly, and over many random batches drawn with replacement its averages converge to them)."""

import numpy as np
import pytest

from descent import batch_size


def per_example(n=400, p=6, seed=0):
    rng = np.random.default_rng(seed)
    return np.linspace(-1, 1, p) + rng.normal(size=(n, p)) * np.linspace(0.5, 3, p)


def test_exact_noise_scale_is_trace_over_squared_mean():
    grads = per_example()
    scale = batch_size.exact_noise_scale(grads)
    mean = grads.mean(axis=0)
    assert scale.grad_sq == pytest.approx(mean @ mean)
    assert scale.trace == pytest.approx(np.trace(np.cov(grads.T, bias=True)))
    assert scale.b_simple == pytest.approx(scale.trace / scale.grad_sq)


def test_the_estimator_inverts_the_expected_squared_norms_exactly():
    grads = per_example()
    exact = batch_size.exact_noise_scale(grads)
    p = grads.shape[1]

    def at(b):  # a gradient whose squared norm is E|G_B|² = |G|² + tr(Σ)/B
        return np.full(p, np.sqrt((exact.grad_sq + exact.trace / b) / p))

    est = batch_size.gradient_noise_scale(at(8), at(128), 8, 128)
    assert est.grad_sq == pytest.approx(exact.grad_sq, rel=1e-12)
    assert est.trace == pytest.approx(exact.trace, rel=1e-12)


def test_the_estimator_is_unbiased_over_random_batches():
    grads = per_example()
    exact = batch_size.exact_noise_scale(grads)
    rng = np.random.default_rng(1)
    small = np.stack([grads[rng.integers(0, len(grads), 4)].mean(axis=0) for _ in range(20000)])
    big = np.stack([grads[rng.integers(0, len(grads), 64)].mean(axis=0) for _ in range(20000)])
    est = batch_size.gradient_noise_scale(small, big, 4, 64)
    assert est.grad_sq == pytest.approx(exact.grad_sq, rel=0.05)
    assert est.trace == pytest.approx(exact.trace, rel=0.02)
    assert est.b_simple == pytest.approx(exact.b_simple, rel=0.06)


@pytest.mark.parametrize("call, error, pattern", [
    (lambda: batch_size.gradient_noise_scale(np.ones(3), np.ones(3), 8, 8), ValueError, "b_big must be larger"),
    (lambda: batch_size.gradient_noise_scale(np.ones(3), np.ones(4), 2, 8), ValueError, "the same length P"),
    (lambda: batch_size.gradient_noise_scale(np.ones(3), np.ones(3), 2.5, 8), TypeError, "b_small must be an"),
    (lambda: batch_size.exact_noise_scale(np.ones(3)), ValueError, "per_example must be a 2-D array"),
])
def test_bad_arguments(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()
