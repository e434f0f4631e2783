"""The holes found in the self-checks (issue 12), each closed: wrong answers that used to pass now fail, learner
code that used to escape the check is reported, and the classic mistakes that got no hint get theirs."""

import sys
import time

import numpy as np
import pytest
from descent.checks import (
    check_activation_grad,
    check_adagrad_step,
    check_adam_step,
    check_classify_stationary_point,
    check_ewma,
    check_init,
    check_minibatches,
    check_momentum_step,
    check_rmsprop_step,
)
from descent.checks import ewma as ewma_module
from descent.functions import classify_stationary_point


def right_ewma(y, beta):
    return ewma_module._corrected(y, beta)


def text(result):
    return "\n".join(result.messages)


# --- wrong answers that passed ------------------------------------------------------------------------------------

def test_a_complex_or_text_result_fails():
    complex_result = check_ewma(lambda y, beta: right_ewma(y, beta) + 5j)
    assert complex_result.passed == 0 and "complex" in text(complex_result)
    as_text = check_ewma(lambda y, beta: [str(v) for v in right_ewma(y, beta)])
    assert as_text.passed == 0 and "expected numbers" in text(as_text)


def test_answers_hard_coded_for_the_visible_cases_fail_the_random_case():
    answers = [(case.args, right_ewma(*case.args)) for case in ewma_module.ewma_check().cases]

    def hard_coded(y, beta):
        return next(out for (y0, b0), out in answers if len(y0) == len(y) and np.allclose(y0, y) and b0 == beta)

    result = check_ewma(hard_coded)
    assert result.passed == result.total - 1 and "StopIteration" in result.messages[0]


def _in_blocks(n, batch_size):
    return [np.arange(start, min(start + batch_size, n)) for start in range(0, n, batch_size)]


@pytest.mark.parametrize("wrong, hint", [
    (lambda n, b, rng: [o[i:i + b] for o in [np.random.default_rng().permutation(n)] for i in range(0, n, b)],
     "not from np.random"),
    (lambda n, b, rng: [_in_blocks(n, b)[i] for i in rng.permutation(len(_in_blocks(n, b)))],
     "shuffled the order of the batches"),
    (lambda n, b, rng: [rng.permutation(block) for block in _in_blocks(n, b)], "shuffled inside each batch"),
])
def test_minibatches_that_ignore_rng_or_shuffle_only_blocks_fail_with_their_hint(wrong, hint):
    result = check_minibatches(wrong)
    assert not result and hint in text(result)


def test_an_elu_derivative_that_overflows_fails():
    def overflowing(z, alpha):
        return (z > 0) * 1.0 + (z <= 0) * alpha * np.exp(z)  # inf · 0 = NaN at z = 1000

    result = check_activation_grad(overflowing, "elu")
    assert not result and "NaN" in text(result)


def test_a_saddle_test_without_tolerance_fails():
    def no_tolerance(H, tol=1e-8):
        lam = np.linalg.eigvalsh(H)
        if lam.min() < 0 < lam.max():
            return "saddle"
        return classify_stationary_point(H, tol)

    assert no_tolerance(np.diag([1.0, -1e-12])) == "saddle"
    result = check_classify_stationary_point(no_tolerance)
    assert not result and "round-off" in text(result) and "tolerance" in text(result)


def test_an_init_that_ignores_rng_fails_with_its_hint():
    result = check_init(lambda fan_in, fan_out, rng: np.sqrt(2 / fan_in) * np.random.standard_normal((fan_in, fan_out)))
    assert result.passed == result.total - 1 and "Generator `rng` you are given" in text(result)


def test_a_truncated_normal_init_gets_its_own_hint_and_not_the_xavier_one():
    def truncated(fan_in, fan_out, rng):
        z = rng.standard_normal((fan_in, fan_out))
        while np.any(np.abs(z) > 2):
            z = np.where(np.abs(z) > 2, rng.standard_normal(z.shape), z)
        return np.sqrt(2 / fan_in) * z

    result = check_init(truncated, "he")
    assert not result and "truncated" in text(result)
    assert "that is the Xavier" not in text(result).split("fan_in = 100")[1].split("case 3")[0]


# --- learner code that escaped the check --------------------------------------------------------------------------

class Unreadable:
    def __array__(self, *args, **kwargs):
        raise RuntimeError("no")


def _exit(y, beta):
    sys.exit(1)


def _interrupt(y, beta):
    raise KeyboardInterrupt


@pytest.mark.parametrize("learner, words", [
    (lambda y, beta: Unreadable(), "cannot read"),
    (_exit, "sys.exit"),
    (_interrupt, "KeyboardInterrupt"),
])
def test_learner_code_that_escaped_is_reported(learner, words):
    result = check_ewma(learner)
    assert result.passed == 0 and len(result.messages) == result.total and words in result.messages[0]


def test_a_function_that_never_returns_times_out_once(monkeypatch):
    monkeypatch.setattr("descent.checks.core.TIME_LIMIT", 0.5)
    monkeypatch.setattr("descent.checks.core.call_learner.__defaults__", (0.5, 2000))
    start = time.perf_counter()
    result = check_ewma(lambda y, beta: time.sleep(3600))
    assert time.perf_counter() - start < 5
    assert "did not return within" in result.messages[0] and "not run" in result.messages[1]


def test_printing_without_end_is_capped(capsys):
    def chatty(y, beta):
        for i in range(20_000):
            print(i)
        return right_ewma(y, beta) + 1

    result = check_ewma(chatty)
    out = capsys.readouterr().out
    assert not result and len(out.splitlines()) < 60 and "more lines" in out


# --- classic mistakes that got no hint ----------------------------------------------------------------------------

def _in_place(y, beta):
    s, out = 0.0, []
    for t, value in enumerate(y, 1):
        s = (beta * s + (1 - beta) * value) / (1 - beta**t)
        out.append(s)
    return np.array(out)


def _first_observation(y, beta):
    s, out = y[0], [y[0]]
    for value in y[1:]:
        s = beta * s + (1 - beta) * value
        out.append(s)
    return np.array(out)


def _velocity(theta, v, g, lr, beta):
    v = beta * v - lr * g
    return theta + v, v


def _momentum_swapped(theta, v, g, lr, beta):
    v = (1 - beta) * v + beta * g
    return theta - lr * v, v


def _rmsprop_unsquared(theta, v, g, lr, beta, eps):
    v = beta * v + (1 - beta) * g
    return theta - lr * g / (np.sqrt(v) + eps), v


def _adagrad_unsquared(theta, s, g, lr, eps):
    s = s + g
    return theta - lr * g / (np.sqrt(s) + eps), s


def _adam(m_correction=lambda t, b1: 1 - b1**t, v_correction=lambda t, b2: 1 - b2**t, square=True, keras=False):
    def step(theta, m, v, g, t, lr, beta1, beta2, eps):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * (g * g if square else g)
        if keras:
            return theta - lr * np.sqrt(1 - beta2**t) / (1 - beta1**t) * m / (np.sqrt(v) + eps), m, v
        return theta - lr * (m / m_correction(t, beta1)) / (np.sqrt(v / v_correction(t, beta2)) + eps), m, v
    return step


@pytest.mark.parametrize("check, wrong, hint", [
    (check_ewma, _in_place, "wrote the corrected value back"),
    (check_ewma, _first_observation, "S₁ = Y₁: that is another unbiased average"),
    (check_momentum_step, _velocity, "velocity form"),
    (check_momentum_step, _momentum_swapped, "β and 1 − β are swapped"),
    (check_rmsprop_step, _rmsprop_unsquared, "square the gradient"),
    (check_adagrad_step, _adagrad_unsquared, "square the gradient"),
    (check_adam_step, _adam(square=False), "square the gradient"),
    (check_adam_step, _adam(lambda t, b1: 1 - b1 ** (t + 1), lambda t, b2: 1 - b2 ** (t + 1)), "not t + 1"),
    (check_adam_step, _adam(v_correction=lambda t, b2: 1), "only m is corrected"),
    (check_adam_step, _adam(keras=True), "Keras's form"),
], ids=lambda v: v if isinstance(v, str) else getattr(v, "__name__", ""))
def test_each_mistake_that_had_no_hint_gets_one(check, wrong, hint):
    result = check(wrong)
    assert not result and hint in text(result)
    failed = [m for m in result.messages if "hint:" in m]
    assert failed, "a hint on at least one failed case"
