"""Self-check for chapter 3: the mini-batches of one epoch.

A learner's ``minibatches(n, batch_size, rng)`` returns the index arrays of one epoch. Shuffled batches cannot be
compared with a reference number for number, so each case probes one property of what it returns: the batch
sizes, how often each index appears, whether the order is shuffled, anew each epoch, from the Generator given,
and whether the batches mix the examples.
"""

import numpy as np

from ..nn import batches
from .core import Case, Check, LearnerError

PROPERTIES = {
    "sizes": "the batch sizes",
    "counts": "how often each index 0…n−1 appears (once each)",
    "shuffled": "the order is not 0, 1, …, n−1 (1 = shuffled)",
    "reshuffled": "how many different shuffled orders two epochs from the same Generator have (2)",
    "seeded": "the order comes from `rng`: Generators seeded s, s, s + 1 give the same, the same, a new order (1)",
    "mixed": "some batch mixes indices from different stretches of batch_size consecutive ones (1)",
    "unsorted": "some batch is not in increasing order (1)",
}


def _epoch(returned, n):
    """The batches of one epoch as integer arrays, and all their indices in order; a LearnerError says what is
    wrong with what the learner's function returned."""
    if returned is None:
        raise LearnerError("your function returned None: did you forget a `return` statement?")
    try:
        epoch = [np.asarray(b) for b in returned]
    except Exception:  # noqa: BLE001 (whatever the learner returned)
        raise LearnerError(f"return the batches as a list of index arrays; got {type(returned).__name__}") from None
    if any(b.ndim != 1 or b.dtype.kind not in "iu" for b in epoch):
        raise LearnerError("return the batches as a list of 1-D arrays of integer indices")
    indices = np.concatenate(epoch) if epoch else np.zeros(0, dtype=int)
    if indices.size and (indices.min() < 0 or indices.max() >= n):
        raise LearnerError(f"the indices must lie in 0…{n - 1}; got values from {indices.min()} to {indices.max()}")
    return epoch, indices


def _measure(case, returns):
    """The property that ends the case's label (one of PROPERTIES) of the epochs the calls returned."""
    (n, batch_size, _), _ = case.copied_calls()[0]
    epochs = [_epoch(returned, n) for returned in returns]
    epoch, indices = epochs[0]
    what = next(text for text in PROPERTIES.values() if case.label.endswith(text))
    if what == PROPERTIES["sizes"]:
        return np.array([len(b) for b in epoch])
    if what == PROPERTIES["counts"]:
        return np.bincount(indices, minlength=n)
    if what == PROPERTIES["shuffled"]:
        return float(not np.array_equal(indices, np.arange(n)))
    if what == PROPERTIES["reshuffled"]:
        return float(len({tuple(i) for _, i in epochs if not np.array_equal(i, np.arange(n))}))
    if what == PROPERTIES["seeded"]:
        same, new = (np.array_equal(indices, other) for _, other in epochs[1:])
        return float(same and not new)
    if what == PROPERTIES["mixed"]:
        return float(any(len(set(b // batch_size)) > 1 for b in epoch))
    return float(any(np.any(np.diff(b) < 0) for b in epoch))


def _case(n, batch_size, seed, what):
    rng = np.random.default_rng(seed)
    calls = {"reshuffled": [rng, rng], "seeded": [rng, np.random.default_rng(seed), np.random.default_rng(seed + 1)]}
    return Case(f"n = {n}, batch_size = {batch_size}: {PROPERTIES[what]}",
                calls=[((n, batch_size, r), {}) for r in calls.get(what, [rng])])


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


def _global_rng(n, batch_size, rng):
    return _reference(n, batch_size, np.random.default_rng())


def _shuffled_blocks(n, batch_size, rng):
    blocks = _in_order(n, batch_size, rng)
    return [blocks[i] for i in rng.permutation(len(blocks))]


def _within_blocks(n, batch_size, rng):
    return [rng.permutation(block) for block in _in_order(n, batch_size, rng)]


def _random_case(rng):
    n, b = int(rng.integers(20, 200)), int(rng.integers(3, 17))
    return _case(n, b, int(rng.integers(2**31)), str(rng.choice(["sizes", "counts", "mixed", "seeded"])))


def minibatch_check():
    """The check of ``minibatches(n, batch_size, rng) -> list of index arrays`` (see :func:`check_minibatches`)."""
    settings = [(10, 3, 0, "sizes"), (10, 3, 0, "counts"), (100, 32, 1, "sizes"), (100, 32, 1, "counts"),
                (64, 16, 2, "sizes"), (5, 8, 3, "sizes"), (100, 10, 4, "shuffled"), (100, 10, 5, "reshuffled"),
                (100, 10, 6, "seeded"), (100, 10, 7, "mixed"), (100, 10, 8, "unsorted")]
    mistakes = {
        "the last, shorter batch is missing: keep it, or the last examples are never used": _drop_last,
        "the indices are not shuffled: draw a permutation with rng.permutation(n) every epoch": _in_order,
        "indices repeat across batches (sampling with replacement): cut ONE permutation into pieces": _with_replacement,
        "every epoch has the same order: draw the permutation from the rng you are given, "
        "not from a Generator seeded inside your function": _fixed_seed,
        "draw the permutation from the Generator `rng` you are given, not from np.random or a fresh Generator: "
        "the same seed must give the same batches": _global_rng,
        "you shuffled the order of the batches, but each batch is still a run of consecutive indices: shuffle "
        "the indices themselves (one permutation of 0…n−1), then cut it": _shuffled_blocks,
        "you shuffled inside each batch only, so batch k still holds the same examples every epoch: shuffle all "
        "n indices, then cut": _within_blocks,
    }
    return Check("mini-batches of one epoch", _reference, [_case(*setting) for setting in settings], mistakes,
                 measure=_measure, random_case=_random_case)


def check_minibatches(minibatches):
    """Check ``minibatches(n, batch_size, rng) -> list of index arrays`` for one epoch: every index 0…n−1 exactly
    once, in a fresh random order drawn from the numpy Generator `rng`, cut into batches of `batch_size`, the last
    one shorter when `batch_size` does not divide n."""
    return minibatch_check().run(minibatches)
