"""Self-checks for the input-normalisation chapter: standardising features with the training statistics."""

import numpy as np

from .core import Case, Check


def _standardize(X_train, X_test):
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    return (X_train - mean) / std, (X_test - mean) / std


def _own_statistics(X_train, X_test):
    return (X_train - X_train.mean(0)) / X_train.std(0), (X_test - X_test.mean(0)) / X_test.std(0)


def _pooled_statistics(X_train, X_test):
    both = np.vstack([X_train, X_test])
    return (X_train - both.mean(0)) / both.std(0), (X_test - both.mean(0)) / both.std(0)


def _by_variance(X_train, X_test):
    mean, var = X_train.mean(axis=0), X_train.var(axis=0)
    return (X_train - mean) / var, (X_test - mean) / var


def _not_centred(X_train, X_test):
    std = X_train.std(axis=0)
    return X_train / std, X_test / std


def _sample_std(X_train, X_test):
    mean, std = X_train.mean(axis=0), X_train.std(axis=0, ddof=1)
    return (X_train - mean) / std, (X_test - mean) / std


def _over_rows(X_train, X_test):
    mean, std = X_train.mean(axis=1, keepdims=True), X_train.std(axis=1, keepdims=True)
    return (X_train - mean) / std, (X_test - X_test.mean(axis=1, keepdims=True)) / X_test.std(axis=1, keepdims=True)


def _cases():
    rng = np.random.default_rng(9)
    scales = np.array([1.0, 100.0, 0.01])
    wide = rng.normal(size=(40, 3)) * scales + np.array([5.0, -300.0, 0.2])
    shifted = rng.normal(size=(7, 3)) * scales + np.array([6.0, -250.0, 0.3])
    return [
        Case("3 features on scales 1, 100, 0.01; a test set from a shifted distribution", (wide, shifted)),
        Case("2 features, 6 training rows, a single test row", (
            np.array([[1.0, 10.0], [2.0, 30.0], [3.0, 20.0], [4.0, 60.0], [5.0, 40.0], [6.0, 50.0]]),
            np.array([[3.5, 35.0]]))),
        Case("5 features with 200 training rows and 20 test rows", (
            rng.exponential(size=(200, 5)) * 10.0 ** np.arange(5), rng.exponential(size=(20, 5)) * 10.0 ** np.arange(5))),
    ]


_MISTAKES = {
    "the test set was standardised with its own mean and standard deviation: use the training statistics for "
    "both, exactly as a deployed model sees one new example at a time": _own_statistics,
    "the statistics include the test set (train and test pooled): compute μ and σ on X_train only, or test "
    "information leaks into training": _pooled_statistics,
    "you divided by the variance σ²: divide by the standard deviation σ = √variance (np.std)": _by_variance,
    "the features are scaled but not centred: subtract the training mean μ first, (x − μ)/σ": _not_centred,
    "you used the sample standard deviation (ddof=1): use the population one, np.std(axis=0) (ddof=0), as "
    "scikit-learn's StandardScaler does": _sample_std,
    "the statistics were taken along the wrong axis (per example): take them per feature, axis=0": _over_rows,
}


def _random_case(rng):
    n, d = int(rng.integers(5, 30)), int(rng.integers(1, 5))
    scale, shift = 10.0 ** rng.uniform(-2, 2, d), rng.normal(0, 10, d)
    return Case(f"{d} random features, {n} training rows", (rng.normal(size=(n, d)) * scale + shift,
                                                            rng.normal(size=(3, d)) * scale + shift))


def standardize_check():
    """The check of ``standardize(X_train, X_test)``: training statistics applied to both."""
    return Check("standardisation with training statistics", _standardize, _cases(), _MISTAKES,
                 random_case=_random_case)


def check_standardize(standardize):
    """Check ``standardize(X_train, X_test) -> (X_train_std, X_test_std)``: x ← (x − μ)/σ per feature (column),
    with μ and σ (population std, ddof=0) of the *training* set applied to both."""
    return standardize_check().run(standardize)
