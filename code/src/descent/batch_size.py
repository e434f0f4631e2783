r"""The gradient noise scale (McCandlish et al. 2018; chapter 17): how large a batch is worth its cost.

With G the full gradient and Σ the covariance of one example's gradient, a mini-batch of B examples drawn
independently (with replacement) has the expected squared norm

    E|G_B|² = |G|² + tr(Σ)/B,

and the *simple noise scale* B_simple = tr(Σ)/|G|² is the batch size at which noise and signal are equal. Below it
a larger batch cuts the number of steps almost in proportion; above it the steps barely fall and the examples
processed grow. Measuring |G_B|² at two batch sizes b < B gives unbiased estimates of both terms (their
Appendix A.1):

    |G|² ≈ (B |G_B|² − b |G_b|²)/(B − b),     tr(Σ) ≈ (|G_b|² − |G_B|²)/(1/b − 1/B).

Their ratio is a biased estimate of B_simple; averaging each over many measurements first, as here, reduces it.
"""

from dataclasses import dataclass

import numpy as np

from . import _args


@dataclass(frozen=True)
class NoiseScale:
    """The squared norm |G|² of the full gradient, the trace tr(Σ) of the per-example covariance, and
    ``b_simple`` = tr(Σ)/|G|²."""

    grad_sq: float
    trace: float

    @property
    def b_simple(self):
        return self.trace / self.grad_sq


def exact_noise_scale(per_example):
    """|G|², tr(Σ) and B_simple from the gradients of every example, rows of `per_example` (n, P): G their mean,
    Σ their covariance (divided by n: the distribution of one example drawn uniformly at random)."""
    grads = _args.real_array("per_example", per_example)
    if grads.ndim != 2 or len(grads) < 2:
        raise ValueError(f"per_example must be a 2-D array with one gradient per row, at least 2 rows; got "
                         f"{_args.describe(per_example)}")
    mean = grads.mean(axis=0)
    return NoiseScale(float(mean @ mean), float(((grads - mean) ** 2).sum(axis=1).mean()))


def gradient_noise_scale(grads_small, grads_big, b_small, b_big):
    """The unbiased two-batch-size estimates of |G|² and tr(Σ) (module docstring) from mini-batch gradients:
    `grads_small` holds gradients over batches of b = `b_small` examples, one per row (k, P) (or one gradient (P,)),
    `grads_big` those over B = `b_big` > b examples; the squared norms are averaged over the rows first."""
    b_small = _args.positive_int("b_small", b_small)
    b_big = _args.positive_int("b_big", b_big)
    if b_big <= b_small:
        raise ValueError(f"b_big must be larger than b_small; got b_small={b_small}, b_big={b_big}")
    small = _args.real_array("grads_small", grads_small)
    big = _args.real_array("grads_big", grads_big)
    if small.ndim not in (1, 2) or small.size == 0 or big.ndim not in (1, 2) or big.shape[-1] != small.shape[-1]:
        raise ValueError(f"grads_small and grads_big must be gradients of the same length P, as (P,) or one per row "
                         f"(k, P); got shapes {small.shape} and {big.shape}")
    sq_small = float(np.mean((small**2).sum(axis=-1)))
    sq_big = float(np.mean((big**2).sum(axis=-1)))
    grad_sq = (b_big * sq_big - b_small * sq_small) / (b_big - b_small)
    trace = (sq_small - sq_big) / (1 / b_small - 1 / b_big)
    return NoiseScale(grad_sq, trace)
