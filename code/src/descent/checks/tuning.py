"""Self-check for chapter 18: the best-so-far curve of a random search."""

import numpy as np

from ..tuning import best_so_far
from .core import Case, Check

nan, inf = np.nan, np.inf


def _nan_carried(scores):
    return np.minimum.accumulate(scores, axis=0)


def _nan_before_first(scores):
    return np.fmin.accumulate(scores, axis=0)


def _best_of_all(scores):
    finite = np.where(np.isfinite(scores), scores, inf)
    return np.broadcast_to(finite.min(axis=0), scores.shape).copy()


def _running_max(scores):
    return np.maximum.accumulate(np.where(np.isfinite(scores), scores, -inf), axis=0)


def _across_searches(scores):
    return np.minimum.accumulate(np.where(np.isfinite(scores), scores, inf), axis=-1)


def _flattened(scores):
    return np.minimum.accumulate(np.where(np.isfinite(scores), scores, inf).ravel()).reshape(scores.shape)


def _positions(scores):
    finite = np.where(np.isfinite(scores), scores, inf)
    return np.array([np.argmin(finite[:k + 1], axis=0) for k in range(len(finite))], dtype=float)


def _case(label, scores):
    return Case(label, (np.array(scores, dtype=float),))


def _random_case(rng):
    trials, searches = int(rng.integers(4, 12)), int(rng.integers(1, 5))
    scores = rng.uniform(0.1, 2.0, (trials, searches))
    scores[rng.uniform(size=scores.shape) < 0.2] = rng.choice([nan, inf])
    scores[0, 0] = nan  # the first trial of a search diverged
    return _case(f"{trials} trials × {searches} searches, some diverged", scores)


def best_so_far_check():
    """The check of ``best_so_far(scores) -> array``."""
    cases = [
        _case("5 trials, none diverged", [0.9, 0.5, 0.7, 0.3, 0.4]),
        _case("a trial in the middle diverged (NaN)", [0.8, nan, 0.6, 0.9]),
        _case("the first trial diverged", [nan, 0.5, 0.7, 0.2]),
        _case("a trial diverged to inf", [0.4, inf, 0.3]),
        _case("3 trials × 2 searches: shape (trials, searches)", [[0.5, 0.2], [0.3, 0.6], [0.4, 0.1]]),
        _case("4 trials × 2 searches, the worst trials last", [[0.2, 0.3], [0.4, 0.5], [0.6, 0.7], [0.8, 0.9]]),
    ]
    mistakes = {
        "a diverged trial (NaN) is carried forward by np.minimum: treat a non-finite score as +inf first, so that "
        "it is never the best": _nan_carried,
        "before the first usable trial the best so far is +inf (there is nothing to choose yet), not NaN: turn "
        "non-finite scores into +inf before the running minimum": _nan_before_first,
        "you gave the best of all trials at every k: after k trials you may only choose among the first k "
        "(a running minimum, np.minimum.accumulate)": _best_of_all,
        "lower is better here (a validation loss): take the running minimum, not the maximum": _running_max,
        "the running minimum goes along axis 0, over the trials of each search, not across the searches (axis 1)":
            _across_searches,
        "you ran one minimum through all searches (a flattened array): each search (column) has its own curve":
            _flattened,
        "you returned the position of the best trial so far; return its score": _positions,
    }
    return Check("best-so-far curve of a random search", best_so_far, cases, mistakes, random_case=_random_case)


def check_best_so_far(best_so_far_fn):
    """Check ``best_so_far(scores) -> array``: for each k, the lowest score among trials 1…k (axis 0), a
    non-finite (diverged) score never the best, +inf before the first usable trial."""
    return best_so_far_check().run(best_so_far_fn)
