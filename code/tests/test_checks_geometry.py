"""check_newton_schulz: passes the reference and the package's newton_schulz, fails each classic mistake with its
hint, and survives broken learners."""

import numpy as np
import pytest

from descent.checks import check_newton_schulz
from descent.checks import geometry as geometry_checks
from descent.checks.hidden import hidden_cases
from descent.optimizers import newton_schulz


def test_reference_passes_and_an_untransposed_loop_passes_too():
    assert check_newton_schulz(geometry_checks._newton_schulz_reference)

    def plain(G, steps, a, b, c):  # no transposition of tall matrices: X XᵀX = (X Xᵀ) X, the same result
        X = G / np.linalg.norm(G)
        for _ in range(steps):
            A = X @ X.T
            X = a * X + (b * A + c * A @ A) @ X
        return X

    assert check_newton_schulz(plain)
    assert check_newton_schulz(lambda G, steps, a, b, c: newton_schulz(G, steps, (a, b, c)))


def test_the_cubic_iteration_converges_to_the_orthogonal_factor():
    G = np.random.default_rng(0).standard_normal((5, 3))
    U, _, Vt = np.linalg.svd(G, full_matrices=False)
    np.testing.assert_allclose(geometry_checks._newton_schulz_reference(G, 30, 1.5, -0.5, 0.0), U @ Vt, atol=1e-12)


@pytest.mark.parametrize("hint", list(geometry_checks._MISTAKES))
def test_every_mistake_fails_with_its_hint(hint, capsys):
    result = check_newton_schulz(geometry_checks._MISTAKES[hint])
    assert not result
    assert any(hint in message for message in result.messages)
    capsys.readouterr()


def test_hidden_cases_run_on_the_reference():
    check = geometry_checks.newton_schulz_check()
    for case in hidden_cases("check_newton_schulz"):
        assert check.judge(case, [geometry_checks._newton_schulz_reference(*case.args)]) is None


@pytest.mark.parametrize("learner, text", [
    (lambda G, steps, a, b, c: G.undefined, "raised AttributeError"),
    (lambda G, steps, a, b, c: G[:1], "shape"),
    (lambda G, steps, a, b, c: "X", "X"),
])
def test_survives_broken_learners(learner, text, capsys):
    result = check_newton_schulz(learner)
    assert not result and any(text in m for m in result.messages)
    capsys.readouterr()
