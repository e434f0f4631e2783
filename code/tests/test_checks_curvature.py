"""Tests of the chapter-12 self-check: the reference is the exact H v, and each classic mistake fails with its hint."""

import numpy as np
import pytest
from descent.checks import check_hvp_neuron
from descent.checks import curvature as module
from descent.diagnostics import relative_error

MISTAKES = [
    (module._gauss_newton_only, "Gauss–Newton part"),
    (module._derivative_not_squared, "t′ squared"),
    (module._sum_not_mean, "divide the sum by n"),
    (module._second_derivative_sign, "sign of t″"),
    (module._gradient_instead, "not H v"),
]


def _loss_and_grad(theta, X, y):
    p = np.tanh(X @ theta)
    return 0.5 * np.mean((p - y) ** 2), X.T @ ((p - y) * (1 - p**2)) / len(y)


@pytest.mark.parametrize("seed", range(5))
def test_the_reference_is_the_derivative_of_the_gradient(seed):
    rng = np.random.default_rng(seed)
    theta, X, y, v = rng.normal(size=3), rng.normal(size=(7, 3)), rng.uniform(-1, 1, 7), rng.normal(size=3)
    eps = 1e-5
    difference = (_loss_and_grad(theta + eps * v, X, y)[1] - _loss_and_grad(theta - eps * v, X, y)[1]) / (2 * eps)
    assert relative_error(module._hvp_neuron(theta, X, y, v), difference) < 1e-7


def test_the_reference_is_symmetric_and_can_be_indefinite():
    rng = np.random.default_rng(3)
    theta, X, y = rng.normal(size=3), rng.normal(size=(8, 3)), np.full(8, 0.95)
    H = np.stack([module._hvp_neuron(theta, X, y, e) for e in np.eye(3)], axis=1)
    np.testing.assert_allclose(H, H.T, atol=1e-14)
    gauss_newton = np.stack([module._gauss_newton_only(theta, X, y, e) for e in np.eye(3)], axis=1)
    assert np.linalg.eigvalsh(gauss_newton)[0] >= -1e-14  # JᵀJ: never negative


def test_the_reference_passes(capsys):
    result = check_hvp_neuron(module._hvp_neuron)
    assert result and result.score == 1.0
    assert "✅" in capsys.readouterr().out


def test_central_differences_of_the_gradient_pass_too():
    def by_differences(theta, X, y, v, eps=1e-5):
        return (_loss_and_grad(theta + eps * v, X, y)[1] - _loss_and_grad(theta - eps * v, X, y)[1]) / (2 * eps)

    assert check_hvp_neuron(by_differences)


@pytest.mark.parametrize("wrong,hint", MISTAKES)
def test_each_classic_mistake_fails_with_its_hint(wrong, hint, capsys):
    result = check_hvp_neuron(wrong)
    assert not result
    assert hint in "\n".join(result.messages)
    assert "❌" in capsys.readouterr().out


@pytest.mark.parametrize("wrong", [w for w, _ in MISTAKES])
def test_some_case_diagnoses_each_mistake_unambiguously(wrong):
    assert any(m.count("hint:") == 1 for m in check_hvp_neuron(wrong).messages)


def test_the_full_hessian_is_reported_as_a_wrong_shape():
    def full_hessian(theta, X, y, v):
        return np.stack([module._hvp_neuron(theta, X, y, e) for e in np.eye(len(theta))])

    result = check_hvp_neuron(full_hessian)
    assert any("shape" in m for m in result.messages)


def test_not_implemented_is_reported_as_such():
    def todo(theta, X, y, v):
        raise NotImplementedError

    assert all("not implemented yet" in m for m in check_hvp_neuron(todo).messages)


def test_passing_a_call_instead_of_the_function_is_refused():
    with pytest.raises(TypeError, match="function itself"):
        check_hvp_neuron(np.zeros(3))
