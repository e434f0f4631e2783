r"""Self-checks for the chapter "Memory and geometry": Muon's Newton–Schulz iteration.

The learner writes ``newton_schulz(G, steps, a, b, c) -> X`` for a matrix G of shape (n, m):

    X ← G / ‖G‖_F,   then `steps` times:   A = X Xᵀ,   X ← a X + (b A + c A²) X.
"""

import numpy as np

from ..optimizers.orthogonal import NS_COEFFICIENTS, _newton_schulz
from .core import Case, Check


def _newton_schulz_reference(G, steps, a, b, c):
    return _newton_schulz(G, steps, (a, b, c), 0.0)


def _iterate(G, steps, a, b, c, normalise=np.linalg.norm, gram=lambda X: X @ X.T, square=lambda A: A @ A,
             every_step=False, left=True):
    """The iteration with one piece replaced: the reference and each classic mistake."""
    X = G / normalise(G)
    for _ in range(steps):
        if every_step:
            X = X / normalise(X)
        A = gram(X)
        P = b * A + c * square(A)
        X = a * X + (P @ X if left else X @ P)
    return X


_MISTAKES = {
    "G is not normalised first: divide by ‖G‖_F (np.linalg.norm(G)) before the loop, so that every singular "
    "value is at most 1, where the polynomial pushes it towards 1; larger ones are blown up":
        lambda G, steps, a, b, c: _iterate(G, steps, a, b, c, normalise=lambda X: 1.0),
    "G is divided by its largest singular value: Muon divides by the Frobenius norm ‖G‖_F, which needs no SVD and "
    "is at least as large, so the singular values still start in [0, 1]":
        lambda G, steps, a, b, c: _iterate(G, steps, a, b, c, normalise=lambda X: np.linalg.norm(X, 2)),
    "X is normalised again in every step: only G is divided by its norm, once, before the loop":
        lambda G, steps, a, b, c: _iterate(G, steps, a, b, c, every_step=True),
    "A² is the matrix product A @ A, not the elementwise A * A (or A**2)":
        lambda G, steps, a, b, c: _iterate(G, steps, a, b, c, square=lambda A: A * A),
    "the Gram matrix is XᵀX on the left: with A = X Xᵀ the update is (b A + c A²) X; with A = XᵀX it would be "
    "X (b A + c A²), the same matrix":
        lambda G, steps, a, b, c: _iterate(G, steps, a, b, c, gram=lambda X: X.T @ X),
    "a and c are swapped: X ← a X + b A X + c A² X, where a multiplies X itself":
        lambda G, steps, a, b, c: _iterate(G, steps, c, b, a),
    "one step too few: `steps` iterations of the loop, for example range(steps), not range(1, steps)":
        lambda G, steps, a, b, c: _iterate(G, max(steps - 1, 0), a, b, c),
}


def _cases():
    rng = np.random.default_rng(16)
    return [
        Case("a 3 × 3 matrix, one step of Muon's coefficients", (rng.standard_normal((3, 3)), 1, *NS_COEFFICIENTS)),
        Case("a wide 4 × 6 matrix, 5 steps of Muon's coefficients", (rng.standard_normal((4, 6)), 5,
                                                                      *NS_COEFFICIENTS)),
        Case("a tall 6 × 3 matrix, 5 steps", (rng.standard_normal((6, 3)), 5, *NS_COEFFICIENTS)),
        Case("the classic cubic iteration (a, b, c) = (1.5, −0.5, 0), 12 steps on a 5 × 5 matrix",
             (rng.standard_normal((5, 5)), 12, 1.5, -0.5, 0.0)),
    ]


def _random_case(rng):
    shape = tuple(int(k) for k in rng.integers(2, 9, size=2))
    return Case("random shape and number of steps", (rng.standard_normal(shape) * 10.0 ** rng.uniform(-2, 2),
                                                     int(rng.integers(1, 7)), *NS_COEFFICIENTS))


def newton_schulz_check():
    """The check of ``newton_schulz(G, steps, a, b, c) -> X``."""
    return Check("Newton–Schulz orthogonalisation", _newton_schulz_reference, _cases(), _MISTAKES, rtol=1e-8,
                 random_case=_random_case)


def check_newton_schulz(newton_schulz):
    """Check ``newton_schulz(G, steps, a, b, c) -> X``: X = G/‖G‖_F, then `steps` times A = X Xᵀ and
    X ← a X + (b A + c A²) X, for a matrix G of shape (n, m)."""
    return newton_schulz_check().run(newton_schulz)
