"""Learning-rate schedules: each formula against hand computation, against torch.optim.lr_scheduler, as an
optimizer's lr, and on bad input."""

import math

import numpy as np
import pytest

import descent
from descent import schedules
from helpers import torch_rates

T = np.arange(60)


def test_constant():
    np.testing.assert_array_equal(schedules.Constant(0.3)(T), np.full(60, 0.3))


def test_inverse_time_by_hand():
    sched = schedules.InverseTime(0.1, k=0.5)
    assert [sched(t) for t in (0, 1, 4)] == pytest.approx([0.1, 0.1 / 1.5, 0.1 / 3])


def test_exponential_by_hand():
    sched = schedules.Exponential(0.2, gamma=0.9)
    assert [float(sched(t)) for t in (0, 1, 2, 10)] == pytest.approx([0.2, 0.18, 0.162, 0.2 * 0.9**10])


def test_step_holds_then_drops():
    sched = schedules.Step(1.0, gamma=0.1, step_size=10)
    np.testing.assert_allclose(sched(T), [0.1 ** (t // 10) for t in T])
    assert sched(9) == 1.0 and sched(10) == pytest.approx(0.1)


def test_cosine_by_hand():
    sched = schedules.Cosine(1.0, total_steps=100, lr_min=0.1)
    assert float(sched(0)) == pytest.approx(1.0)
    assert float(sched(50)) == pytest.approx(0.55)
    assert float(sched(100)) == pytest.approx(0.1)
    assert float(sched(250)) == pytest.approx(0.1)   # stays at the floor after T (no restart)


def test_warmup_ramps_then_follows():
    sched = schedules.Warmup(schedules.Constant(0.4), warmup_steps=4)
    np.testing.assert_allclose(sched(np.arange(6)), [0.1, 0.2, 0.3, 0.4, 0.4, 0.4])
    inner = schedules.Step(0.4, 0.5, 10)
    np.testing.assert_allclose(schedules.Warmup(inner, 4)(np.arange(20, 30)), inner(np.arange(20, 30)))


def test_make_by_name():
    assert isinstance(schedules.make("step", 0.1, gamma=0.5, step_size=3), schedules.Step)
    with pytest.raises(ValueError, match="schedule name"):
        schedules.make("linear", 0.1)


def test_array_lr0_sweeps():
    sched = schedules.Exponential(np.array([[0.1], [0.2]]), gamma=0.5)
    np.testing.assert_allclose(sched(2), [[0.025], [0.05]])


def _torch_rates(make_scheduler, lr0, steps):
    pytest.importorskip("torch")
    return torch_rates(make_scheduler, lr0, steps)


@pytest.mark.parametrize("ours, theirs", [
    (schedules.Step(0.1, gamma=0.5, step_size=7),
     lambda torch, opt: torch.optim.lr_scheduler.StepLR(opt, step_size=7, gamma=0.5)),
    (schedules.Exponential(0.1, gamma=0.95),
     lambda torch, opt: torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.95)),
    (schedules.Cosine(0.1, total_steps=50, lr_min=0.001),
     lambda torch, opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=50, eta_min=0.001)),
    (schedules.InverseTime(0.1, k=0.3),
     lambda torch, opt: torch.optim.lr_scheduler.LambdaLR(opt, lambda t: 1 / (1 + 0.3 * t))),
    (schedules.Warmup(schedules.Constant(0.1), warmup_steps=5),
     lambda torch, opt: torch.optim.lr_scheduler.LinearLR(opt, start_factor=1 / 5, total_iters=4)),
])
def test_equals_torch_lr_scheduler(ours, theirs):
    steps = 51  # t = 0..50: up to the end of the cosine (torch's cosine rises again after T_max; ours stays)
    np.testing.assert_allclose(ours(np.arange(steps)), _torch_rates(theirs, 0.1, steps), rtol=1e-12, atol=1e-15)


def test_schedule_as_optimizer_lr_uses_t_from_zero():
    sched = schedules.Step(0.5, gamma=0.1, step_size=2)
    opt = descent.SGD(lr=sched)
    x, expected = np.array([1.0]), 1.0
    for t in range(6):
        x = opt.step(x, np.array([1.0]))
        expected -= 0.5 * 0.1 ** (t // 2)
        assert x[0] == pytest.approx(expected)


def test_schedule_with_adam_scales_every_step():
    grads = np.random.default_rng(0).normal(size=(20, 3))
    scaled, plain = descent.Adam(lr=schedules.Constant(0.01)), descent.Adam(lr=0.01)
    x1 = x2 = np.zeros(3)
    for g in grads:
        x1, x2 = scaled.step(x1, g), plain.step(x2, g)
    np.testing.assert_array_equal(x1, x2)


@pytest.mark.parametrize("build, error, match", [
    (lambda: schedules.Constant(0.0), ValueError, "lr0"),
    (lambda: schedules.Constant(-1.0), ValueError, "lr0"),
    (lambda: schedules.InverseTime(0.1, k=-1.0), ValueError, "k"),
    (lambda: schedules.Exponential(0.1, gamma=1.5), ValueError, "gamma"),
    (lambda: schedules.Exponential(0.1, gamma=0.0), ValueError, "gamma"),
    (lambda: schedules.Step(0.1, gamma=0.5, step_size=0), ValueError, "step_size"),
    (lambda: schedules.Step(0.1, gamma=0.5, step_size=2.5), TypeError, "step_size"),
    (lambda: schedules.Cosine(0.1, total_steps=10, lr_min=0.2), ValueError, "lr_min"),
    (lambda: schedules.Warmup(0.1, warmup_steps=5), TypeError, "after"),
    (lambda: schedules.Constant(0.1)(-1), ValueError, "t must be"),
    (lambda: schedules.Constant(0.1)("3"), TypeError, "t must be"),
    (lambda: descent.SGD(lr=lambda t: 0.1), TypeError, "lr must be"),
])
def test_bad_input(build, error, match):
    with pytest.raises(error, match=match):
        build()


def test_exponential_budget_is_finite():
    """Σ α₀γᵗ = α₀/(1 − γ): the sum behind the chapter's 'exponential decay can freeze'."""
    sched = schedules.Exponential(0.1, gamma=0.99)
    assert float(np.sum(sched(np.arange(10_000)))) == pytest.approx(0.1 / 0.01, rel=1e-9)
    assert math.isclose(float(np.sum(schedules.InverseTime(0.1, k=1.0)(np.arange(10_000)))),
                        0.1 * sum(1 / (1 + t) for t in range(10_000)))


def test_torch_cosine_rises_again_after_t_max_while_ours_stays_at_the_floor():
    """torch's CosineAnnealingLR keeps following the cosine after T_max (period 2·T_max); ours holds α_min."""
    theirs = _torch_rates(lambda torch, opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10), 0.1, 21)
    assert theirs[20] == pytest.approx(0.1) and theirs[15] == pytest.approx(0.05)
    np.testing.assert_allclose(schedules.Cosine(0.1, total_steps=10)(np.arange(10, 21)), 0.0, atol=1e-18)


def test_warmup_multiplies_like_torch_chained_scheduler():
    """Warmup(Cosine) is torch's ChainedScheduler of LinearLR and CosineAnnealingLR (both run from t = 0), not
    SequentialLR (which would start the cosine after the ramp)."""
    ours = schedules.Warmup(schedules.Cosine(0.1, total_steps=50), warmup_steps=10)

    def chained(torch, opt):
        lr_scheduler = torch.optim.lr_scheduler
        return lr_scheduler.ChainedScheduler([lr_scheduler.LinearLR(opt, start_factor=1 / 10, total_iters=9),
                                              lr_scheduler.CosineAnnealingLR(opt, T_max=50)])

    np.testing.assert_allclose(ours(np.arange(51)), _torch_rates(chained, 0.1, 51), rtol=1e-12, atol=1e-15)


def test_reduce_on_plateau_in_the_documented_training_loop():
    """The loop of ReduceOnPlateau's docstring on the digits: the rate is cut once the validation loss stalls, and
    the steps use the cut rate (a rerun from the same seed with the rates replayed as a MultiStep is the same)."""
    from descent import data, nn

    split = data.digits()
    X, y, X_val, y_val = split.X_train[:300], split.y_train[:300], split.X_test, split.y_test

    def train(lr):
        net, rng, rates = nn.MLP([64, 16, 10], seed=0), np.random.default_rng(0), []
        opt = descent.Momentum(lr=lr, beta=0.9)
        for epoch in range(12):
            for batch in nn.batches(len(y), 32, rng):
                rates.append(float(opt.lr(opt.t)) if isinstance(opt.lr, schedules.Schedule) else opt.lr)
                loss, grad = net.loss_and_grad(X[batch], y[batch])
                opt.step(net.theta, grad, out=net.theta)
            if isinstance(lr, schedules.ReduceOnPlateau):
                lr.observe(net.loss_and_grad(X_val, y_val)[0])
        return net.theta, np.array(rates)

    theta, rates = train(schedules.ReduceOnPlateau(0.5, patience=0, threshold=0.05))
    assert rates[0] == 0.5 and rates[-1] < 0.5
    cuts = [k for k in range(1, len(rates)) if rates[k] < rates[k - 1]]
    replay, _ = train(schedules.MultiStep(0.5, cuts))
    np.testing.assert_allclose(replay, theta, rtol=1e-12, atol=1e-14)
