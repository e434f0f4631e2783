"""The noisy quadratic of chapter 8: exact values, seeded noise, and the exact mean-square-error recursion."""

import numpy as np
import pytest

import descent
from descent import noisy, schedules

A = np.array([[1.0, 0.3], [0.3, 0.2]])


def test_value_is_exact_and_gradient_is_noisy_around_the_truth():
    f = noisy.NoisyQuadratic(A, sigma=0.5, center=[1.0, -1.0], seed=3)
    x = np.zeros((20_000, 2))
    assert np.allclose(f.value(x[:1]), 0.5 * np.array([1.0, -1.0]) @ A @ np.array([1.0, -1.0]))
    noise = f.grad(x) - f.exact_grad(x)
    np.testing.assert_allclose(noise.mean(axis=0), 0, atol=0.02)
    np.testing.assert_allclose(noise.std(axis=0), 0.5, rtol=0.02)


def test_reset_repeats_the_noise_and_sigma_zero_is_exact():
    f = noisy.NoisyQuadratic(A, seed=7)
    first = f.grad(np.ones(2))
    f.reset()
    np.testing.assert_array_equal(f.grad(np.ones(2)), first)
    exact = noisy.NoisyQuadratic(A, sigma=0.0)
    np.testing.assert_array_equal(exact.grad(np.ones((3, 2))), exact.exact_grad(np.ones((3, 2))))


def test_noise_floor_formula():
    f = noisy.NoisyQuadratic(np.diag([0.5, 2.0]), sigma=2.0)
    lr = 0.1
    expected = np.sqrt(4 * lr / (0.5 * (2 - 0.05)) + 4 * lr / (2.0 * (2 - 0.2)))
    assert f.noise_floor(lr) == pytest.approx(expected)
    assert f.noise_floor(1.5) == np.inf       # α λ_max = 3 > 2: unstable
    assert f.noise_floor(np.array([0.1, 0.2])).shape == (2,)


def test_expected_sq_error_matches_simulation():
    f = noisy.NoisyQuadratic(A, sigma=1.0, seed=0)
    sched = schedules.InverseTime(0.2, k=0.05)
    x0 = np.array([2.0, -3.0])
    theory = f.expected_sq_error(sched, x0, 300)
    traj = descent.run(descent.SGD(lr=sched), f, np.tile(x0, (4000, 1)), steps=300)
    simulated = np.mean(np.sum(traj.xs**2, axis=-1), axis=-1)
    np.testing.assert_allclose(simulated[[10, 100, 300]], theory[[10, 100, 300]], rtol=0.06)


def test_expected_sq_error_constant_lr_reaches_the_floor_and_sweeps():
    f = noisy.NoisyQuadratic(np.diag([0.1, 1.0]))
    x0 = np.array([3.0, 4.0])
    assert f.expected_sq_error(0.1, x0, 3000)[-1] == pytest.approx(f.noise_floor(0.1) ** 2, rel=1e-9)
    sweep = f.expected_sq_error(schedules.Exponential(0.1, np.array([[0.99], [0.999]])), x0, 50)
    one = f.expected_sq_error(schedules.Exponential(0.1, 0.999), x0, 50)
    assert sweep.shape == (51, 2)
    np.testing.assert_allclose(sweep[:, 1], one)


def test_exponential_decay_freezes_at_the_predicted_mean():
    """With Σα finite the mean stops at Π(1 − α_t λ) θ₀ ≈ exp(−λ α₀/(1 − γ)) θ₀ (1-D, no noise)."""
    f = noisy.NoisyQuadratic([[0.1]], sigma=0.0)
    sched = schedules.Exponential(0.1, gamma=0.99)
    traj = descent.run(descent.SGD(lr=sched), f, [5.0], steps=3000)
    assert traj.final[0] == pytest.approx(5.0 * np.prod(1 - 0.1 * sched(np.arange(3000))), rel=1e-9)
    assert traj.final[0] == pytest.approx(5.0 * np.exp(-0.1 * 10), rel=0.01)


@pytest.mark.parametrize("build, error", [
    (lambda: noisy.NoisyQuadratic(A, sigma=-1.0), ValueError),
    (lambda: noisy.NoisyQuadratic(A, seed=-1), ValueError),
    (lambda: noisy.NoisyQuadratic([[1.0, 2.0]]), ValueError),
    (lambda: noisy.NoisyQuadratic(A).expected_sq_error(0.1, np.zeros(3), 10), ValueError),
    (lambda: noisy.NoisyQuadratic(A).noise_floor(0.0), ValueError),
])
def test_bad_input(build, error):
    with pytest.raises(error):
        build()
