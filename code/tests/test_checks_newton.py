"""Tests of the chapter-10 self-check: the reference passes, each classic mistake fails with its hint."""

import numpy as np
import pytest

import descent
from descent.checks import check_newton_step
from descent.checks import newton as module

MISTAKES = [
    (module._hessian_not_inverse, "you multiplied by H"),
    (module._uphill, "wrong way"),
    (module._damping_on_gradient, "not to the gradient"),
    (module._damping_on_every_entry, "every entry"),
    (module._diagonal_only, "diagonal of H only"),
    (module._absolute_curvature, "saddle-free"),
]


def test_the_reference_passes(capsys):
    result = check_newton_step(module._newton_step)
    assert result and result.score == 1.0
    assert "✅" in capsys.readouterr().out


def test_a_step_of_descent_newton_passes():
    def via_descent(x, g, H, damping=0.0):
        return descent.Newton(damping=damping).step(x, g, H)

    assert check_newton_step(via_descent)


def test_an_explicit_inverse_passes_too():
    def with_inverse(x, g, H, damping=0.0):
        return x - np.linalg.inv(H + damping * np.eye(len(x))) @ g

    assert check_newton_step(with_inverse)


def test_the_reference_is_vectorised_over_a_batch():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(4, 3, 3))
    H = A @ np.swapaxes(A, -1, -2) + np.eye(3)
    x, g = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    batch = module._newton_step(x, g, H, damping=0.1)
    for i in range(4):
        np.testing.assert_allclose(batch[i], module._newton_step(x[i], g[i], H[i], damping=0.1))


@pytest.mark.parametrize("wrong,hint", MISTAKES)
def test_each_classic_mistake_fails_with_its_hint(wrong, hint, capsys):
    result = check_newton_step(wrong)
    assert not result
    assert hint in "\n".join(result.messages)
    assert "❌" in capsys.readouterr().out


@pytest.mark.parametrize("wrong", [w for w, _ in MISTAKES])
def test_some_case_diagnoses_each_mistake_unambiguously(wrong):
    assert any(m.count("hint:") == 1 for m in check_newton_step(wrong).messages)


def test_a_function_that_raises_is_reported():
    def broken(x, g, H, damping=0.0):
        raise np.linalg.LinAlgError("Singular matrix")

    result = check_newton_step(broken)
    assert result.passed == 0 and all("raised LinAlgError" in m for m in result.messages)


def test_not_implemented_is_reported_as_such():
    def todo(x, g, H, damping=0.0):
        raise NotImplementedError

    assert all("not implemented yet" in m for m in check_newton_step(todo).messages)


def test_wrong_shape_and_nan_are_reported():
    assert all("shape" in m for m in check_newton_step(lambda x, g, H, damping=0.0: np.zeros(7)).messages)
    assert all("NaN" in m for m in check_newton_step(lambda x, g, H, damping=0.0: x * np.nan).messages)


def test_passing_a_call_instead_of_the_function_is_refused():
    with pytest.raises(TypeError, match="function itself"):
        check_newton_step(np.zeros(3))
