r"""The book's evidence standard in code: what a sentence about a stochastic experiment may claim.

A training run is one draw from a distribution (the seed picks the initial weights and the mini-batch order), so
a result is reported over seeds s = 1, …, n with a 95 % interval of its mean,

    x̄ ± t_{n−1} · s / √n,      s² = Σ (x_i − x̄)² / (n − 1),

and two methods A and B run with the *same* seeds are compared through their paired differences d_i = a_i − b_i
(the same seed gives both the same start and the same batches, so most of the seed-to-seed noise cancels):
A beats B when the interval of d̄ excludes 0, and the prose says in how many seeds it did ("in 5 of 5 seeds").
Otherwise the words are "no detectable difference at this budget" — never "clearly better" from one run.

    >>> a = [0.21, 0.19, 0.22, 0.20, 0.18]; b = [0.25, 0.24, 0.27, 0.22, 0.23]
    >>> print(paired(a, b, names=("Adam", "SGD")))
    Adam − SGD: −0.042 [−0.0582, −0.0258], Adam lower in 5 of 5 seeds
"""

from dataclasses import dataclass

import numpy as np
from scipy import special

LEVEL = 0.95


def _samples(name, values, min_n=2):
    values = np.asarray(values)
    if values.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be a list of real numbers, one per seed; got dtype {values.dtype}")
    if values.ndim != 1 or values.size < min_n:
        raise ValueError(f"{name} must be a 1-D list of at least {min_n} results, one per seed; "
                         f"got shape {values.shape}")
    return values.astype(float)


def _level(level):
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
        raise ValueError(f"level must be a probability strictly between 0 and 1, such as 0.95; got {level!r}")
    return float(level)


def _fmt(x):
    """Three significant digits, with a typographic minus sign."""
    text = f"{x:.3g}"
    return "−" + text[1:] if text.startswith("-") else text


@dataclass(frozen=True)
class Interval:
    """The mean of n results and its t interval [low, high] at `level` (NaN bounds if a run diverged)."""

    mean: float
    low: float
    high: float
    n: int
    level: float = LEVEL

    def excludes(self, value=0.0):
        """True when `value` lies outside the interval: the data rule it out at this level."""
        return bool(self.low > value or self.high < value)

    def __str__(self):
        # a mean that is 0 up to rounding (2e-17 from summing ±1/360's) is shown as 0
        mean = 0.0 if abs(self.mean) < 1e-9 * (self.high - self.low) else self.mean
        return f"{_fmt(mean)} [{_fmt(self.low)}, {_fmt(self.high)}]"


def interval(samples, level=LEVEL):
    """The mean of `samples` (one result per seed, n ≥ 2) with its Student-t interval x̄ ± t·s/√n (s with n − 1)."""
    x = _samples("samples", samples)
    level = _level(level)
    n, mean = x.size, float(x.mean()) if np.isfinite(x).all() else np.nan
    if not np.isfinite(mean):
        return Interval(mean, np.nan, np.nan, n, level)
    half = special.stdtrit(n - 1, 0.5 + level / 2) * x.std(ddof=1) / np.sqrt(n)
    return Interval(mean, mean - half, mean + half, n, level)


@dataclass(frozen=True)
class Paired:
    """A paired comparison of A and B over the same seeds: ``differences`` a_i − b_i, their ``interval``, and
    ``wins``, the number of seeds in which A came out better (lower, unless ``higher_is_better``)."""

    names: tuple
    differences: np.ndarray
    interval: Interval
    wins: int
    higher_is_better: bool = False

    @property
    def n(self):
        return self.differences.size

    @property
    def detectable(self):
        """True when the interval of the mean difference excludes 0."""
        return self.interval.excludes(0.0)

    @property
    def better(self):
        """The name of the method the data favour, or None when no difference is detectable."""
        if not self.detectable:
            return None
        a_larger = self.interval.low > 0
        return self.names[0] if a_larger == self.higher_is_better else self.names[1]

    def __str__(self):
        a, b = self.names
        word = "higher" if self.higher_is_better else "lower"
        verdict = f"{a} {word} in {self.wins} of {self.n} seeds"
        diverged = int(np.sum(~np.isfinite(self.differences)))
        if diverged:
            verdict = f"a run diverged in {diverged} of {self.n} seeds ({verdict}): report it, do not average it"
        elif not self.detectable:
            verdict = f"no detectable difference ({verdict})"
        return f"{a} − {b}: {self.interval}, {verdict}"


def paired(a, b, names=("A", "B"), higher_is_better=False, level=LEVEL):
    """Compare results `a` and `b` obtained with the same seeds (a_i and b_i from seed i).

    Lower is better (a loss) unless ``higher_is_better`` (an accuracy). A run that diverged (NaN or inf) loses
    its seed and makes the interval NaN: report divergence, do not average it away.
    """
    a, b = _samples("a", a), _samples("b", b)
    if a.shape != b.shape:
        raise ValueError(f"a and b must hold one result per seed for the same seeds; got {a.size} and {b.size}")
    if len(names) != 2 or not all(isinstance(name, str) for name in names):
        raise TypeError(f"names must be two strings, such as ('Adam', 'SGD'); got {names!r}")
    with np.errstate(invalid="ignore"):
        d = a - b
        a_better = (a > b) if higher_is_better else (a < b)
        a_better = np.where(np.isfinite(a), np.where(np.isfinite(b), a_better, True), False)
    return Paired(tuple(names), d, interval(d, level), int(a_better.sum()), bool(higher_is_better))


def table(results, baseline=None, higher_is_better=False, level=LEVEL):
    """A text table of ``{name: results over seeds}``: mean and interval per method, best first, and, with a
    `baseline` name, each method's paired difference to it (same seeds) with the seeds it won."""
    if not isinstance(results, dict) or not results:
        raise TypeError("results must be a non-empty dict {method name: list of results, one per seed}")
    if baseline is not None and baseline not in results:
        raise ValueError(f"baseline must be one of {tuple(results)}; got {baseline!r}")
    level = _level(level)
    estimates = {name: interval(values, level) for name, values in results.items()}
    sign = -1 if higher_is_better else 1
    order = sorted(results, key=lambda name: (np.isnan(estimates[name].mean), sign * estimates[name].mean))
    rows = [["method", f"mean [{level:.0%} interval]"] + ([f"difference to {baseline}", "wins"] if baseline else [])]
    for name in order:
        row = [name, str(estimates[name])]
        if baseline is not None and name != baseline:
            p = paired(results[name], results[baseline], (name, baseline), higher_is_better, level)
            row += [str(p.interval), f"{p.wins}/{p.n}"]
        rows.append(row)
    widths = [max(len(row[i]) for row in rows if len(row) > i) for i in range(len(rows[0]))]
    rows = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(rows)


def against(results, baseline, higher_is_better=False, level=LEVEL):
    """Every method of ``{name: results over seeds}`` paired with `baseline` over the same seeds:
    ``{name: Paired}`` (the baseline itself left out), in the order of `results`."""
    if not isinstance(results, dict) or baseline not in results:
        raise ValueError(f"results must be a dict {{method name: results over seeds}} that includes the baseline "
                         f"{baseline!r}; got {type(results).__name__} with keys {list(getattr(results, 'keys', list)())}")
    return {name: paired(values, results[baseline], (name, baseline), higher_is_better, level)
            for name, values in results.items() if name != baseline}
