"""Self-check for the capstone chapter: choosing each optimizer's learning rate from a sweep, fairly."""

import numpy as np

from ..experiments import pick_best_lr
from .core import Case, Check

nan = np.nan


def _by_training_loss(lrs, train_loss, val_loss):
    return pick_best_lr(lrs, val_loss, train_loss)


def _argmin_over_nan(lrs, train_loss, val_loss):
    return float(np.asarray(lrs)[np.argmin(np.mean(val_loss, axis=1))])


def _nanmean(lrs, train_loss, val_loss):
    with np.errstate(all="ignore"):
        mean = np.array([np.mean(row[np.isfinite(row)]) if np.isfinite(row).any() else nan for row in val_loss])
    return float(np.asarray(lrs)[np.nanargmin(mean)])


def _luckiest_seed(lrs, train_loss, val_loss):
    best = np.where(np.isfinite(val_loss), val_loss, np.inf).min(axis=1)
    return float(np.asarray(lrs)[np.argmin(best)])


def _position_among_finite(lrs, train_loss, val_loss):
    mean = np.mean(val_loss, axis=1)
    return float(np.asarray(lrs)[np.argmin(mean[np.isfinite(mean)])])


def _index(lrs, train_loss, val_loss):
    return int(np.flatnonzero(np.asarray(lrs) == pick_best_lr(lrs, train_loss, val_loss))[0])


def _case(label, lrs, train_loss, val_loss):
    return Case(label, (np.array(lrs), np.array(train_loss, dtype=float), np.array(val_loss, dtype=float)))


def _random_case(rng):
    r, s = int(rng.integers(3, 8)), int(rng.integers(2, 6))
    val = rng.uniform(0.1, 2, (r, s))
    val[rng.uniform(size=(r, s)) < 0.15] = nan
    finite_mean = [np.mean(row[np.isfinite(row)]) if np.isfinite(row).any() else np.inf for row in val]
    val[int(np.argmin(finite_mean))] = nan  # the lowest mean diverged once: it must not be chosen
    val[int(rng.integers(r)), 0] = 0.5  # ... while an lr of the grid survives
    val[int(rng.integers(r))] = rng.uniform(0.1, 2, s)
    train = val - rng.uniform(0, 0.3, (r, s))
    return _case(f"{r} random learning rates × {s} seeds, some diverged", np.sort(10.0 ** rng.uniform(-4, 0, r)),
                 train, val)


def pick_check():
    """The check of ``pick_best_lr(lrs, train_loss, val_loss) -> lr``."""
    cases = [
        _case("4 learning rates × 2 seeds, nothing diverged", [1e-3, 1e-2, 1e-1, 1.0],
              [[2.0, 2.0], [1.0, 1.1], [0.3, 0.2], [0.05, 0.1]],
              [[2.1, 2.0], [1.1, 1.2], [0.4, 0.3], [0.6, 0.9]]),
        _case("one lucky seed", [0.01, 0.1, 1.0],
              [[0.45, 0.5], [0.28, 0.85], [0.9, 1.0]],
              [[0.5, 0.52], [0.3, 0.9], [1.0, 1.1]]),
        _case("the largest learning rates diverged for some seeds (NaN)", [3.0, 1.0, 0.1, 0.01],
              [[nan, nan], [nan, 0.2], [0.3, 0.8], [0.4, 0.45]],
              [[nan, nan], [nan, 0.3], [0.2, 0.9], [0.5, 0.5]]),
        _case("the first learning rate of the grid diverged", [10.0, 1.0, 0.1],
              [[nan, nan], [0.3, 0.5], [0.4, 0.45]],
              [[nan, nan], [0.4, 0.6], [0.45, 0.5]]),
        _case("a run that diverged to inf", [0.03, 0.3, 3.0],
              [[0.5, 0.6, 0.55], [0.2, 0.25, np.inf], [np.inf, np.inf, np.inf]],
              [[0.6, 0.65, 0.6], [0.3, 0.3, np.inf], [np.inf, np.inf, np.inf]]),
        _case("diverged runs in the middle of the grid", [3.0, 1.0, 0.1, 0.03, 0.01],
              [[nan, nan], [nan, 0.85], [0.55, 0.55], [0.35, 0.45], [0.45, 0.55]],
              [[nan, nan], [nan, 0.9], [0.6, 0.6], [0.4, 0.5], [0.5, 0.6]]),
    ]
    mistakes = {
        "you chose by the training loss: it rewards overfitting; choose by the validation loss":
            _by_training_loss,
        "np.argmin over a mean that contains NaN returns the NaN's position (a diverged lr): treat a non-finite "
        "mean as +inf first": _argmin_over_nan,
        "you averaged only the seeds that did not diverge (nanmean): an lr that diverged for one seed in three "
        "will diverge again; disqualify it": _nanmean,
        "you chose by the best single seed: a lucky initialisation is not a property of the lr; average over "
        "seeds": _luckiest_seed,
        "you returned the position i in the grid; return the learning rate itself, lrs[i]": _index,
        "you took the argmin over the finite means only, then used that position in the whole grid, where the "
        "positions have shifted: set a non-finite mean to +inf instead of removing it": _position_among_finite,
    }
    return Check("choosing the learning rate from a sweep", pick_best_lr, cases, mistakes, random_case=_random_case)


def check_pick_best_lr(pick_best_lr_fn):
    """Check ``pick_best_lr(lrs, train_loss, val_loss) -> lr``: losses of shape (R learning rates, S seeds); the
    answer is the lr with the lowest mean validation loss over seeds, among those that never diverged."""
    return pick_check().run(pick_best_lr_fn)
