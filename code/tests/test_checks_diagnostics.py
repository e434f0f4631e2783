"""Tests of the chapter-14 self-check (a gradient check): the reference and descent.diagnostics pass, each classic
mistake fails with its hint."""

import numpy as np
import pytest
from descent import diagnostics
from descent.checks import check_gradient_check, hidden
from descent.checks import diagnostics as module

MISTAKES = [
    (module._forward, "forward difference"),
    (module._over_h, "divide by 2h"),
    (module._not_restored, "restore θᵢ"),
    (module._absolute, "absolute error"),
    (module._zero_over_zero, "0/0"),
    (module._mean, "not their mean"),
    (module._large_h, "too large"),
    (module._small_h, "too small"),
]


def test_the_reference_passes(capsys):
    result = check_gradient_check(module._gradient_check)
    assert result and result.score == 1.0
    assert "✅" in capsys.readouterr().out


def test_the_package_function_passes():
    def via_descent(loss, grad, theta, h=1e-5):
        return diagnostics.gradient_check(lambda t: (loss(t), grad), theta, h=h)

    assert check_gradient_check(via_descent)


def test_the_reference_agrees_with_the_package_on_every_case():
    check = module.gradient_check_check()
    for case in check.all_cases(module._gradient_check) + hidden.hidden_cases("check_gradient_check"):
        loss, grad, theta, *h = case.args
        ours = module._gradient_check(loss, grad, theta, *h)
        assert ours == pytest.approx(diagnostics.gradient_check(lambda t, f=loss, g=grad: (f(t), g), theta, *h),
                                     abs=1e-9)


def test_the_kink_case_reports_a_large_error_for_a_right_gradient():
    kink_case = module.gradient_check_check().cases[-1]
    assert "kink" in kink_case.label
    assert 0.3 < module._gradient_check(*kink_case.args) < 0.4


@pytest.mark.parametrize("wrong,hint", MISTAKES)
def test_each_classic_mistake_fails_with_its_hint(wrong, hint, capsys):
    result = check_gradient_check(wrong)
    assert not result
    assert hint in "\n".join(result.messages)
    assert "❌" in capsys.readouterr().out


@pytest.mark.parametrize("wrong", [w for w, _ in MISTAKES])
def test_some_case_diagnoses_each_mistake_unambiguously(wrong):
    assert any(m.count("hint:") == 1 for m in check_gradient_check(wrong).messages)


def test_hidden_cases_tell_the_reference_from_a_mistake():
    check = module.gradient_check_check()
    for case in hidden.hidden_cases("check_gradient_check"):
        assert check.judge(case, [module._gradient_check(*case.args)]) is None
    assert any(check.judge(case, [module._forward(*case.args)]) for case in hidden.hidden_cases(
        "check_gradient_check"))


def test_a_function_that_raises_or_returns_nothing_is_reported():
    def broken(loss, grad, theta, h=1e-5):
        raise IndexError("index 3 is out of bounds")

    result = check_gradient_check(broken)
    assert result.passed == 0 and all("raised IndexError" in m for m in result.messages)
    assert all("return" in m for m in check_gradient_check(lambda loss, grad, theta, h=1e-5: None).messages)


def test_not_implemented_is_reported_as_such():
    def todo(loss, grad, theta, h=1e-5):
        raise NotImplementedError

    assert all("not implemented yet" in m for m in check_gradient_check(todo).messages)


def test_the_learner_may_modify_theta_in_place():
    def in_place(loss, grad, theta, h=1e-5):
        numeric = np.empty(len(theta))
        for i in range(len(theta)):
            theta[i] += h
            plus = loss(theta)
            theta[i] -= 2 * h
            numeric[i] = (plus - loss(theta)) / (2 * h)
            theta[i] += h
        return diagnostics.relative_error(grad, numeric)

    assert check_gradient_check(in_place)
