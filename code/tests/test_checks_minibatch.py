"""Tests of the chapter-3 self-check: the mini-batches of one epoch."""

import numpy as np
import pytest

from descent.checks import check_minibatches
from descent.checks import minibatch as module


def test_the_reference_passes(capsys):
    assert check_minibatches(module._reference)
    assert "✅" in capsys.readouterr().out


def test_a_hand_written_iterator_passes():
    def mine(n, batch_size, rng):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            yield order[start:start + batch_size]

    assert check_minibatches(mine)


def test_an_order_that_merely_differs_from_the_reference_still_passes():
    def reversed_permutation(n, batch_size, rng):
        order = rng.permutation(n)[::-1]
        return [order[i:i + batch_size] for i in range(0, n, batch_size)]

    assert check_minibatches(reversed_permutation)


@pytest.mark.parametrize("wrong,hint", [
    (module._drop_last, "last, shorter batch"),
    (module._in_order, "not shuffled"),
    (module._with_replacement, "with replacement"),
    (module._fixed_seed, "same order"),
])
def test_each_classic_mistake_fails_with_its_hint(wrong, hint):
    result = check_minibatches(wrong)
    assert not result
    assert hint in "\n".join(result.messages)


def test_a_function_that_raises_is_reported():
    def broken(n, batch_size, rng):
        raise ZeroDivisionError("oops")

    result = check_minibatches(broken)
    assert result.passed == 0 and all("raised ZeroDivisionError" in m for m in result.messages)


@pytest.mark.parametrize("returned,words", [
    (None, "return"),
    (3, "list of index arrays"),
    ([np.zeros((2, 2), dtype=int)], "1-D arrays"),
    ([np.array([0.5, 1.5])], "integer indices"),
    ([np.array([-1, 200])], "must lie in"),
])
def test_malformed_batches_are_reported(returned, words):
    result = check_minibatches(lambda n, batch_size, rng: returned)
    assert result.passed == 0 and all(words in m for m in result.messages)


def test_passing_a_call_instead_of_the_function_is_refused():
    with pytest.raises(TypeError, match="function itself"):
        check_minibatches([np.arange(3)])
