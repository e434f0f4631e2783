"""Offline datasets that ship inside installed packages (chapters 2–4, 9, 11): nothing is downloaded.

- :func:`seattle_weather`: four years of daily Seattle weather from vega_datasets (chapter 4 smooths it);
- :func:`digits`, :func:`wine`: scikit-learn's 8×8 handwritten digits and 13-feature wines;
- :func:`moons`: scikit-learn's two interleaving half-circles;
- :func:`teacher_student`: Gaussian inputs labelled by a random "teacher" network (chapter 18), made here.

The classification sets come as a :class:`Split` with a stratified, seeded train/test split: every class keeps
its share in both parts. scikit-learn is imported inside the functions, so ``import descent`` stays fast.
"""

import csv
from dataclasses import dataclass
from importlib import resources

import numpy as np

from . import _args


@dataclass(repr=False)
class Weather:
    """Daily weather, one entry per day: ``date`` (datetime64[D]), ``precipitation`` (mm), ``temp_max`` and
    ``temp_min`` (°C), ``wind`` (m/s), ``weather`` (a word: drizzle, rain, sun, snow, fog)."""

    date: np.ndarray
    precipitation: np.ndarray
    temp_max: np.ndarray
    temp_min: np.ndarray
    wind: np.ndarray
    weather: np.ndarray

    def __len__(self):
        return len(self.date)

    def __repr__(self):
        return f"Weather({len(self)} days, {self.date[0]} to {self.date[-1]})"


def seattle_weather():
    """Seattle's daily weather 2012–2015 (1461 days), read from the CSV bundled with vega_datasets."""
    path = resources.files("vega_datasets") / "_data" / "seattle-weather.csv"
    with path.open(newline="") as f:
        header, *rows = csv.reader(f)
    columns = dict(zip(header, zip(*rows)))
    floats = {name: np.array(columns[name], dtype=np.float64)
              for name in ("precipitation", "temp_max", "temp_min", "wind")}
    return Weather(date=np.array([day.replace("/", "-") for day in columns["date"]], dtype="datetime64[D]"),
                   weather=np.array(columns["weather"]), **floats)


@dataclass(repr=False)
class Split:
    """A train/test split: features ``X_*`` (float64, one row per example) and integer labels ``y_*``."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray

    @property
    def n_features(self):
        return self.X_train.shape[1]

    @property
    def n_classes(self):
        return int(max(self.y_train.max(), self.y_test.max())) + 1

    def __repr__(self):
        return (f"Split({len(self.y_train)} train + {len(self.y_test)} test examples, "
                f"{self.n_features} features, {self.n_classes} classes)")


def _split(X, y, test_size, seed):
    """Stratified, seeded split (scikit-learn's ``train_test_split(stratify=y)``)."""
    from sklearn.model_selection import train_test_split

    X_train, X_test, y_train, y_test = train_test_split(
        np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.int64),
        test_size=test_size, random_state=seed, stratify=y)
    return Split(X_train, y_train, X_test, y_test)


def _check_split_args(test_size, seed):
    _args.fraction("test_size", test_size)
    _args.positive_int("seed", seed, minimum=0)


def digits(test_size=0.2, seed=0):
    """scikit-learn's 1797 handwritten digits: 8×8 grey levels 0–16 scaled to [0, 1], labels 0–9.

    `test_size` is a fraction in (0, 1), `seed` an integer ≥ 0."""
    from sklearn.datasets import load_digits

    _check_split_args(test_size, seed)
    X, y = load_digits(return_X_y=True)
    return _split(X / 16.0, y, test_size, seed)


def wine(test_size=0.2, seed=0, standardize=False):
    """scikit-learn's 178 wines: 13 chemical measurements on very different scales, 3 cultivars.

    `test_size` is a fraction in (0, 1), `seed` an integer ≥ 0. ``standardize=True`` rescales every feature with the mean and standard deviation of the *training* part only
    (see :func:`standardize`); statistics from all the data would leak the test set into training.
    """
    from sklearn.datasets import load_wine

    _check_split_args(test_size, seed)
    standardize = _args.flag("standardize", standardize)
    X, y = load_wine(return_X_y=True)
    split = _split(X, y, test_size, seed)
    if standardize:
        split.X_train, split.X_test, _ = _standardize(split.X_train, split.X_test)
    return split


def moons(n=300, noise=0.2, seed=0, test_size=0.2):
    """scikit-learn's two moons: `n` ≥ 4 points in the plane, Gaussian noise of std `noise` ≥ 0, labels 0 and 1."""
    from sklearn.datasets import make_moons

    n = _args.positive_int("n", n, minimum=4)
    noise = _args.nonnegative("noise", noise)
    _check_split_args(test_size, seed)
    X, y = make_moons(n_samples=n, noise=noise, random_state=seed)
    return _split(X, y, test_size, seed)


def teacher_student(n=1500, d=10, classes=4, width=16, seed=0, test_size=0.2):
    """`n` inputs x ~ N(0, I_d) labelled by a random teacher, a ``(d, width, classes)`` tanh MLP with He-scaled
    weights (:class:`descent.nn.MLP` of seed `seed`): y = argmax of its logits. A student network can fit the labels
    exactly, so what is left to compare is how fast an optimizer gets there. Inputs are drawn from seed `seed` too.
    """
    from .nn import MLP

    n = _args.positive_int("n", n, minimum=4)
    d, width = _args.positive_int("d", d), _args.positive_int("width", width)
    classes = _args.positive_int("classes", classes, minimum=2)
    _check_split_args(test_size, seed)
    X = np.random.default_rng(seed).standard_normal((n, d))
    y = MLP((d, width, classes), activation="tanh", init="he", seed=seed + 1).predict(X)
    return _split(X, y, test_size, seed)


def standardize(X_train, X_test):
    """x ← (x − μ) / σ per feature, with μ and σ of the training set; returns ``X_train, X_test, (μ, σ)``.

    Both are 2-D arrays of finite real numbers with the same columns; X_train needs at least one row.
    A constant feature (σ = 0) is only centred.
    """
    X_train = _args.real_array("X_train", X_train)
    X_test = _args.real_array("X_test", X_test)
    if X_train.ndim != 2 or X_test.ndim != 2 or X_train.shape[1] != X_test.shape[1]:
        raise ValueError("X_train and X_test must be 2-D with the same number of columns; "
                         f"got shapes {X_train.shape} and {X_test.shape}")
    if len(X_train) == 0:
        raise ValueError(f"X_train must have at least one row (its mean and std are used); got shape {X_train.shape}")
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return (X_train - mean) / std, (X_test - mean) / std, (mean, std)


_standardize = standardize  # for wine(), whose argument `standardize` hides the function


def one_hot(y, k):
    """The one-hot encoding of integer labels `y` in {0, …, k−1} (an integer or an array of them; k ≥ 1):
    shape ``y.shape + (k,)``, float64."""
    k = _args.positive_int("k", k)
    y = _args.array(y)
    if y.dtype.kind not in "iu":
        raise TypeError(f"y must be an array of integer labels; got dtype {y.dtype}")
    if y.size and (y.min() < 0 or y.max() >= k):
        raise ValueError(f"y must hold labels in 0..{k - 1}; got values from {y.min()} to {y.max()}")
    return (y[..., None] == np.arange(k)).astype(np.float64)
