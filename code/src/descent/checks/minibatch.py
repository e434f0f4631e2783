"""Self-check for chapter 3: the mini-batches of one epoch.

A learner's ``minibatches(n, batch_size, rng)`` returns the index arrays of one epoch. Shuffled batches cannot be
compared with a reference number for number, so each case probes one property of what it returns: the batch
sizes, how often each index appears, whether the order is shuffled, and whether the next epoch is shuffled anew.
"""

import numpy as np

from ..nn import batches
from .core import Case, check

PROPERTIES = {
    "sizes": "the batch sizes",
    "counts": "how often each index 0…n−1 appears (once each)",
    "shuffled": "the order is not 0, 1, …, n−1 (1 = shuffled)",
    "reshuffled": "how many different shuffled orders two epochs from the same Generator have (2)",
}


def _epoch(minibatches, n, batch_size, rng):
    epoch = minibatches(n, batch_size, rng)
    if epoch is None:
        raise TypeError("your function returned None: did you forget a `return` statement?")
    try:
        epoch = [np.asarray(b) for b in epoch]
    except TypeError:
        raise TypeError(f"return the batches as a list of index arrays; got {epoch!r:.60}") from None
    if any(b.ndim != 1 or b.dtype.kind not in "iu" for b in epoch):
        raise TypeError("return the batches as a list of 1-D arrays of integer indices")
    indices = np.concatenate(epoch) if epoch else np.zeros(0, dtype=int)
    if indices.size and (indices.min() < 0 or indices.max() >= n):
        raise ValueError(f"the indices must lie in 0…{n - 1}; got values from {indices.min()} to {indices.max()}")
    return epoch, indices


def _probe(minibatches, n, batch_size, seed, what):
    """One property (see PROPERTIES) of the epoch(s) ``minibatches`` returns with ``default_rng(seed)``."""
    rng = np.random.default_rng(seed)
    epoch, indices = _epoch(minibatches, n, batch_size, rng)
    if what == "sizes":
        return np.array([len(b) for b in epoch])
    if what == "counts":
        return np.bincount(indices, minlength=n)
    if what == "shuffled":
        return float(not np.array_equal(indices, np.arange(n)))
    second = _epoch(minibatches, n, batch_size, rng)[1]
    orders = {tuple(order) for order in (indices, second) if not np.array_equal(order, np.arange(n))}
    return float(len(orders))


def _probing(minibatches):
    return lambda n, batch_size, seed, what: _probe(minibatches, n, batch_size, seed, what)


def _reference(n, batch_size, rng):
    return list(batches(n, batch_size, rng))


def _drop_last(n, batch_size, rng):
    order = rng.permutation(n)
    return [order[i:i + batch_size] for i in range(0, n - batch_size + 1, batch_size)]


def _in_order(n, batch_size, rng):
    order = np.arange(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


def _with_replacement(n, batch_size, rng):
    return [rng.choice(n, size=min(batch_size, n - i), replace=False) for i in range(0, n, batch_size)]


def _fixed_seed(n, batch_size, rng):
    return _reference(n, batch_size, np.random.default_rng(0))


def check_minibatches(minibatches):
    """Check ``minibatches(n, batch_size, rng) -> list of index arrays`` for one epoch: every index 0…n−1 exactly
    once, in a fresh random order drawn from the numpy Generator `rng`, cut into batches of `batch_size`, the last
    one shorter when `batch_size` does not divide n."""
    if not callable(minibatches):
        raise TypeError(f"pass your function itself (without calling it); got {minibatches!r:.80}")
    settings = [(10, 3, 0, "sizes"), (10, 3, 0, "counts"), (100, 32, 1, "sizes"), (100, 32, 1, "counts"),
                (64, 16, 2, "sizes"), (5, 8, 3, "sizes"), (100, 10, 4, "shuffled"), (100, 10, 5, "reshuffled")]
    cases = [Case(f"n = {n}, batch_size = {b}: {PROPERTIES[what]}", (n, b, seed, what)) for n, b, seed, what in settings]
    mistakes = {
        "the last, shorter batch is missing: keep it, or the last examples are never used": _drop_last,
        "the indices are not shuffled: draw a permutation with rng.permutation(n) every epoch": _in_order,
        "indices repeat across batches (sampling with replacement): cut ONE permutation into pieces": _with_replacement,
        "every epoch has the same order: draw the permutation from the rng you are given, "
        "not from a Generator seeded inside your function": _fixed_seed,
    }
    return check("mini-batches of one epoch", _probing(minibatches), _probing(_reference), cases,
                 {hint: _probing(wrong) for hint, wrong in mistakes.items()})
