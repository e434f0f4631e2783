"""Tests of the chapter-5 self-check: the reference passes, each classic mistake fails with its hint."""

import numpy as np
import pytest

import descent
from descent.checks import check_momentum_step
from descent.checks import momentum as module


def test_the_reference_passes(capsys):
    result = check_momentum_step(module._momentum_step)
    assert result and result.score == 1.0
    assert "✅" in capsys.readouterr().out


def test_a_step_of_descent_momentum_passes():
    def via_descent(theta, v, g, lr, beta):
        opt = descent.Momentum(lr=lr, beta=beta)
        opt.velocity.average = np.array(v, dtype=float) * np.ones(np.broadcast_shapes(np.shape(v), np.shape(beta)))
        theta = opt.step(theta, g)
        return theta, opt.velocity.average

    assert check_momentum_step(via_descent)


@pytest.mark.parametrize("wrong,hint", [
    (module._sum_of_gradients, "heavy-ball sum"),
    (module._first_step_without_average, "dampening"),
    (module._old_velocity, "old velocity"),
    (module._uphill, "uphill"),
])
def test_each_classic_mistake_fails_with_its_hint(wrong, hint, capsys):
    result = check_momentum_step(wrong)
    assert not result
    assert hint in "\n".join(result.messages)
    assert "❌" in capsys.readouterr().out


@pytest.mark.parametrize("wrong", [module._sum_of_gradients, module._first_step_without_average,
                                   module._old_velocity, module._uphill])
def test_some_case_diagnoses_each_mistake_unambiguously(wrong):
    # on a first step (v = 0) the sum and the dampened start coincide; another case must tell them apart
    assert any(m.count("hint:") == 1 for m in check_momentum_step(wrong).messages)


def test_a_function_that_raises_is_reported():
    def broken(theta, v, g, lr, beta):
        raise KeyError("oops")

    result = check_momentum_step(broken)
    assert result.passed == 0 and all("raised KeyError" in m for m in result.messages)


def test_not_implemented_is_reported_as_such():
    def todo(theta, v, g, lr, beta):
        raise NotImplementedError

    assert all("not implemented yet" in m for m in check_momentum_step(todo).messages)


def test_wrong_shape_nan_and_missing_velocity_are_reported():
    assert all("shape" in m for m in check_momentum_step(lambda th, v, g, lr, b: (np.zeros(7), v)).messages)
    assert all("NaN" in m for m in check_momentum_step(lambda th, v, g, lr, b: (th * np.nan, v)).messages)
    assert all("2 returned value(s), received 1" in m
               for m in check_momentum_step(lambda th, v, g, lr, b: th - lr * g).messages)


def test_passing_a_call_instead_of_the_function_is_refused():
    with pytest.raises(TypeError, match="function itself"):
        check_momentum_step(np.zeros(3))
