"""Tests of descent.ewma: the moving average of chapter 4 and building block of momentum, RMSProp and Adam."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from descent.ewma import EWMA, ewma

betas = st.floats(0.0, 0.995)
values = st.floats(-1e3, 1e3)


@given(c=values, beta=betas, n=st.integers(1, 60))
def test_constant_series_is_exact_after_correction(c, beta, n):
    np.testing.assert_allclose(ewma(np.full(n, c), beta, bias_correction=True), c, rtol=1e-9, atol=1e-9)


@given(c=values, beta=betas, n=st.integers(1, 60))
def test_init_first_reproduces_a_constant_series_without_correction(c, beta, n):
    np.testing.assert_allclose(ewma(np.full(n, c), beta, init="first"), c, rtol=1e-9, atol=1e-9)


def test_uncorrected_average_is_biased_towards_zero_by_one_minus_beta_t():
    t = np.arange(1, 11)
    np.testing.assert_allclose(ewma(np.full(10, 2.0), 0.9), 2.0 * (1 - 0.9**t))


def test_init_first_and_corrected_zero_init_are_unbiased_on_noise():
    rng = np.random.default_rng(0)
    y = rng.normal(3.0, 1.0, size=(30, 20000))  # 20 000 independent series along the second axis
    for average in (ewma(y, 0.9, init="first"), ewma(y, 0.9, bias_correction=True)):
        np.testing.assert_allclose(average.mean(axis=1), 3.0, atol=0.03)
    assert np.all(ewma(y, 0.9).mean(axis=1)[:10] < 2.1)  # without correction: (1 − 0.9ᵗ)·3 ≤ 2.05 for t ≤ 10


@settings(deadline=None)
@given(y=st.lists(values, min_size=1, max_size=40), beta=betas)
def test_unrolled_sum(y, beta):
    y = np.array(y)
    t = len(y)
    weights = (1 - beta) * beta ** (t - np.arange(1, t + 1))  # (1 − β) β^{t−k}, k = 1…t
    assert ewma(y, beta)[-1] == pytest.approx(np.sum(weights * y), rel=1e-9, abs=1e-9)
    first = beta ** (t - 1) * y[0] + np.sum(weights[1:] * y[1:])  # S₁ = Y₁: Y₁ keeps weight β^{t−1}
    assert ewma(y, beta, init="first")[-1] == pytest.approx(first, rel=1e-9, abs=1e-9)


def test_weights_sum_to_one_minus_beta_t():
    avg = EWMA(0.8)
    for _ in range(7):
        avg.update(1.0)
    assert avg.average == pytest.approx(1 - 0.8**7)
    assert avg.correction == pytest.approx(1 - 0.8**7)


@pytest.mark.parametrize("bias_correction", [False, True])
def test_streaming_equals_batch(bias_correction):
    y = np.random.default_rng(1).normal(size=(25, 3))
    avg = EWMA(0.7, bias_correction=bias_correction)
    streamed = np.array([avg.update(row).copy() for row in y])
    np.testing.assert_array_equal(streamed, ewma(y, 0.7, bias_correction=bias_correction))
    avg.reset()
    assert avg.t == 0 and avg.average is None


@pytest.mark.parametrize("init,bias_correction", [("zero", False), ("zero", True), ("first", False)])
def test_broadcasting_over_an_array_of_betas(init, bias_correction):
    y = np.random.default_rng(2).normal(size=40)
    betas = np.array([0.0, 0.5, 0.9, 0.98])
    swept = ewma(y, betas, bias_correction=bias_correction, init=init)
    assert swept.shape == (40, 4)
    for j, beta in enumerate(betas):
        np.testing.assert_allclose(swept[:, j], ewma(y, beta, bias_correction=bias_correction, init=init))


def test_beta_zero_is_the_series_itself():
    y = np.array([3.0, -1.0, 4.0])
    np.testing.assert_array_equal(ewma(y, 0.0), y)


def test_integer_series_give_float_averages():
    assert ewma([1, 2, 3], 0.5).dtype == np.float64
    assert EWMA(0.5).update(np.array([1, 2])).dtype == np.float64


@pytest.mark.parametrize("beta", [1.0, -0.1, 1.5, np.nan, np.array([0.5, 1.0])])
def test_beta_outside_zero_one_is_refused(beta):
    with pytest.raises(ValueError, match="beta"):
        ewma([1.0, 2.0], beta)
    with pytest.raises(ValueError, match="beta"):
        EWMA(beta)


@pytest.mark.parametrize("beta", ["0.9", None, True])
def test_beta_of_the_wrong_type_is_refused(beta):
    with pytest.raises(TypeError, match="beta"):
        ewma([1.0, 2.0], beta)


@pytest.mark.parametrize("y", [[], 3.0, [1.0, np.inf], [1.0, np.nan]])
def test_bad_series_are_refused(y):
    with pytest.raises(ValueError, match="y"):
        ewma(y, 0.9)


def test_bad_init_is_refused():
    with pytest.raises(ValueError, match="init"):
        ewma([1.0, 2.0], 0.9, init="last")


def test_correcting_an_average_started_at_the_first_value_is_refused():
    with pytest.raises(ValueError, match="init='first'"):
        ewma([1.0, 2.0], 0.9, bias_correction=True, init="first")
