"""descent.data: the bundled datasets load offline with the right shapes, splits are stratified and seeded,
standardisation uses training statistics only, and bad arguments are refused."""

import numpy as np
import pytest
from sklearn.datasets import load_digits, load_wine

from descent import data


def sorted_rows(X):
    return X[np.lexsort(X.T[::-1])]


def test_seattle_weather_has_one_row_per_day_of_2012_to_2015():
    w = data.seattle_weather()
    assert len(w) == 1461 and w.date.dtype == np.dtype("datetime64[D]")
    assert w.date[0] == np.datetime64("2012-01-01") and w.date[-1] == np.datetime64("2015-12-31")
    assert (np.diff(w.date) == np.timedelta64(1, "D")).all()
    for column in (w.precipitation, w.temp_max, w.temp_min, w.wind):
        assert column.shape == (1461,) and column.dtype == np.float64 and np.isfinite(column).all()
    assert (w.temp_max >= w.temp_min).all() and (w.precipitation >= 0).all()
    assert (w.temp_max[0], w.temp_min[0], w.precipitation[1], w.weather[0]) == (12.8, 5.0, 10.9, "drizzle")
    assert set(w.weather) == {"drizzle", "rain", "sun", "snow", "fog"}
    assert repr(w) == "Weather(1461 days, 2012-01-01 to 2015-12-31)"


def test_digits_are_scaled_to_unit_interval_and_split_80_20():
    d = data.digits()
    assert d.X_train.shape == (1437, 64) and d.X_test.shape == (360, 64)
    assert d.X_train.dtype == np.float64 and d.y_train.dtype.kind == "i" and d.y_test.shape == (360,)
    assert d.X_train.min() == 0 and d.X_train.max() == 1
    assert (d.n_features, d.n_classes) == (64, 10)
    assert repr(d) == "Split(1437 train + 360 test examples, 64 features, 10 classes)"
    X, y = load_digits(return_X_y=True)  # train + test is exactly the dataset, every example once
    np.testing.assert_array_equal(sorted_rows(np.vstack([d.X_train, d.X_test])), sorted_rows(X / 16))
    np.testing.assert_array_equal(np.bincount(np.concatenate([d.y_train, d.y_test])), np.bincount(y))


@pytest.mark.parametrize("load, kwargs", [(data.digits, {}), (data.wine, {}), (data.moons, {"n": 301})])
@pytest.mark.parametrize("test_size", [0.2, 0.5])
def test_splits_are_stratified(load, kwargs, test_size):
    d = load(test_size=test_size, **kwargs)
    counts = np.bincount(np.concatenate([d.y_train, d.y_test]))
    assert len(d.y_test) == np.ceil(test_size * counts.sum())
    assert np.all(np.abs(np.bincount(d.y_test, minlength=len(counts)) - test_size * counts) <= 1)


@pytest.mark.parametrize("load", [data.digits, data.wine, data.moons])
def test_splits_are_seeded(load):
    a, b, c = load(seed=1), load(seed=1), load(seed=2)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.X_train, c.X_train)


def test_wine_standardised_with_training_statistics_only():
    raw, scaled = data.wine(), data.wine(standardize=True)
    assert raw.X_train.shape == (142, 13) and raw.X_test.shape == (36, 13) and raw.n_classes == 3
    np.testing.assert_array_equal(raw.y_test, scaled.y_test)
    np.testing.assert_allclose(scaled.X_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(scaled.X_train.std(axis=0), 1)
    mean, std = raw.X_train.mean(axis=0), raw.X_train.std(axis=0)
    np.testing.assert_allclose(scaled.X_test, (raw.X_test - mean) / std)
    assert np.abs(scaled.X_test.mean(axis=0)).max() > 0.05  # test statistics were not used
    assert raw.X_train.max() > 100  # unscaled: proline is in the hundreds
    np.testing.assert_array_equal(np.sort(np.concatenate([raw.y_train, raw.y_test])), np.sort(load_wine().target))


def test_standardize_returns_the_statistics_and_only_centres_a_constant_feature():
    X_train = np.array([[1.0, 5.0], [3.0, 5.0]])
    X_test = np.array([[5.0, 6.0]])
    train, test, (mean, std) = data.standardize(X_train, X_test)
    np.testing.assert_array_equal(mean, [2, 5])
    np.testing.assert_array_equal(std, [1, 1])
    np.testing.assert_array_equal(train, [[-1, 0], [1, 0]])
    np.testing.assert_array_equal(test, [[3, 1]])


def test_moons_are_two_classes_in_the_plane():
    d = data.moons(n=300, noise=0.1)
    assert d.X_train.shape == (240, 2) and d.X_test.shape == (60, 2)
    assert set(d.y_train) == {0, 1} and d.n_classes == 2
    assert np.abs(d.X_train).max() < 3


def test_one_hot():
    np.testing.assert_array_equal(data.one_hot([2, 0], 3), [[0, 0, 1], [1, 0, 0]])
    assert data.one_hot(np.zeros((4, 5), dtype=int), 2).shape == (4, 5, 2)
    assert data.one_hot(np.array([], dtype=int), 2).shape == (0, 2)


@pytest.mark.parametrize("call, error, match", [
    (lambda: data.digits(test_size=0), ValueError, "test_size must be a fraction strictly between 0 and 1; got 0"),
    (lambda: data.wine(test_size=1.0), ValueError, "test_size must be a fraction .*; got 1.0"),
    (lambda: data.moons(test_size="0.2"), ValueError, "test_size must be a fraction .*; got '0.2'"),
    (lambda: data.digits(test_size=True), ValueError, "test_size must be a fraction .*; got True"),
    (lambda: data.digits(seed=-1), ValueError, "seed must be an integer >= 0; got -1"),
    (lambda: data.wine(seed=0.5), TypeError, "seed must be an integer"),
    (lambda: data.moons(n=3), ValueError, "n must be an integer >= 4; got 3"),
    (lambda: data.moons(noise=-0.1), ValueError, "noise must be >= 0; got -0.1"),
    (lambda: data.standardize(np.ones((3, 2)), np.ones((3, 3))), ValueError, r"same number of columns.*\(3, 3\)"),
    (lambda: data.standardize(np.ones(3), np.ones(3)), ValueError, "must be 2-D"),
    (lambda: data.standardize([["a"]], [[1.0]]), TypeError, "X_train must be a real number"),
    (lambda: data.one_hot([0.0, 1.0], 2), TypeError, "y must be an array of integer labels; got dtype float64"),
    (lambda: data.one_hot([0, 2], 2), ValueError, "y must hold labels in 0..1; got values from 0 to 2"),
    (lambda: data.one_hot([-1], 2), ValueError, "y must hold labels in 0..1; got values from -1 to -1"),
    (lambda: data.one_hot([0], 0), ValueError, "k must be an integer >= 1; got 0"),
])
def test_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()
