"""Self-checks for the landscapes chapter: classifying a stationary point, clipping a gradient by its norm."""

import numpy as np

from ..functions import classify_stationary_point
from ..optimizers import clip_by_norm
from .core import Case, Check


def _by_diagonal(H, tol=1e-8):
    d = np.diag(np.asarray(H, dtype=float))
    return classify_stationary_point(np.diag(d), tol)


def _by_determinant(H, tol=1e-8):
    det = np.linalg.det(np.asarray(H, dtype=float))
    return "minimum" if det > tol else ("saddle" if det < -tol else "degenerate")


def _ignores_zero(H, tol=1e-8):
    lam = np.linalg.eigvalsh(np.asarray(H, dtype=float))
    if lam.min() < 0 < lam.max():
        return "saddle"
    return "minimum" if lam.min() >= 0 else "maximum"


def _no_tolerance(H, tol=1e-8):
    lam = np.linalg.eigvalsh(np.asarray(H, dtype=float))
    if lam.min() < 0 < lam.max():
        return "saddle"
    if np.any(lam == 0):
        return "degenerate"
    return "minimum" if lam.min() > 0 else "maximum"


def _classify_random(rng):
    n, kind = int(rng.integers(2, 5)), rng.choice(["minimum", "maximum", "saddle"])
    lam = rng.uniform(0.5, 3, n) * {"minimum": 1, "maximum": -1, "saddle": rng.choice([-1, 1], n)}[kind]
    if kind == "saddle":
        lam[:2] = np.abs(lam[:2]) * [1, -1]
    Q = np.linalg.qr(rng.normal(size=(n, n)))[0]
    return Case(f"a random symmetric {n}×{n} Hessian", ((Q * lam) @ Q.T,))


def classify_check():
    """The check of ``classify(H, tol=1e-8) -> "minimum" | "maximum" | "saddle" | "degenerate"``."""
    rotated = np.array([[1.0, 2.0], [2.0, 1.0]])  # positive diagonal, eigenvalues 3 and −1
    cases = [
        Case("H = diag(2, 3)", (np.diag([2.0, 3.0]),)),
        Case("H = −diag(1, 4)", (-np.diag([1.0, 4.0]),)),
        Case("H = diag(2, −2), the saddle x² − y²", (np.diag([2.0, -2.0]),)),
        Case("H = [[1, 2], [2, 1]]: positive diagonal, eigenvalues 3 and −1", (rotated,)),
        Case("H = 0, the monkey saddle x³ − 3xy² at the origin", (np.zeros((2, 2)),)),
        Case("H = diag(1, 0), as for x² + y⁴", (np.diag([1.0, 0.0]),)),
        Case("H = diag(1, 1e−12, 3): a round-off-sized eigenvalue counts as zero", (np.diag([1.0, 1e-12, 3.0]),)),
        Case("H = diag(1, 0, −1): a zero eigenvalue, but still a saddle", (np.diag([1.0, 0.0, -1.0]),)),
        Case("H = diag(−1, −2, −3) (3 × 3)", (np.diag([-1.0, -2.0, -3.0]),)),
        Case("H = diag(1, −1e−12): a round-off-sized negative eigenvalue counts as zero", (np.diag([1.0, -1e-12]),)),
    ]
    mistakes = {
        "look at the eigenvalues of H, not at its diagonal: [[1, 2], [2, 1]] has a positive diagonal but an "
        "eigenvalue −1": _by_diagonal,
        "the sign of det H is not enough: a maximum of two variables also has det H > 0, and a zero eigenvalue "
        "makes det H = 0 even at a saddle": _by_determinant,
        "a zero eigenvalue makes the second-order test inconclusive: return \"degenerate\" (x² + y⁴ and x² − y⁴ "
        "have the same Hessian at 0)": _ignores_zero,
        "compare the eigenvalues with the tolerance tol, not with exactly 0: computed eigenvalues carry round-off":
            _no_tolerance,
    }
    return Check("classify a stationary point", classify_stationary_point, cases, mistakes,
                 random_case=_classify_random)


def check_classify_stationary_point(classify):
    """Check ``classify(H, tol=1e-8) -> "minimum" | "maximum" | "saddle" | "degenerate"`` on 2×2 and 3×3 Hessians."""
    return classify_check().run(classify)


def _clip_by_value(g, max_norm):
    return np.clip(g, -max_norm, max_norm)


def _always_rescale(g, max_norm):
    return g * (max_norm / np.linalg.norm(g, axis=-1, keepdims=True))


def _whole_array_norm(g, max_norm):
    norm = np.linalg.norm(g)
    return g * (max_norm / norm) if norm > max_norm else g


def _clip_random(rng):
    g, max_norm = rng.normal(size=(int(rng.integers(2, 6)), 3)) * 3, float(rng.uniform(0.5, 5))
    return Case(f"a random batch of {len(g)} gradients, max_norm = {max_norm:.3f}", (g, max_norm))


def clip_check():
    """The check of ``clip(g, max_norm) -> g`` rescaled to norm ``max_norm`` when longer (over the last axis)."""
    cases = [
        Case("g = (3, 4) (norm 5), max_norm = 1", (np.array([3.0, 4.0]), 1.0)),
        Case("g = (0.3, 0.4) (norm 0.5), max_norm = 1: already short enough", (np.array([0.3, 0.4]), 1.0)),
        Case("g = (10, 0.5), max_norm = 2: the direction must not change", (np.array([10.0, 0.5]), 2.0)),
        Case("a batch of three gradients, shape (3, 2), each clipped on its own",
             (np.array([[3.0, 4.0], [0.1, 0.0], [0.0, -6.0]]), 1.0)),
    ]
    mistakes = {
        "that is clipping each component (np.clip), which changes the direction: rescale the whole vector, "
        "g · max_norm / |g|": _clip_by_value,
        "only rescale gradients that are longer than max_norm; shorter ones stay as they are": _always_rescale,
        "take the norm of each gradient (over the last axis, keepdims=True), not of the whole batch":
            _whole_array_norm,
    }
    return Check("clip a gradient by its norm", clip_by_norm, cases, mistakes, random_case=_clip_random)


def check_clip_by_norm(clip):
    """Check ``clip(g, max_norm) -> g`` rescaled to norm ``max_norm`` when longer (norm over the last axis)."""
    return clip_check().run(clip)
