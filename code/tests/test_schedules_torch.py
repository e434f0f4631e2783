"""The schedules of the part on training at scale against torch.optim.lr_scheduler 2.13, over enough steps to cover
every phase: MultiStep, OneCycle, CosineRestarts, Polynomial, Lambda, the staircase InverseTime and
ReduceOnPlateau (bit for bit, fed the same metrics); and optimizers driven by them against torch's trajectories."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import descent
from descent import schedules
from helpers import descent_path

torch = pytest.importorskip("torch")
lr_scheduler = torch.optim.lr_scheduler


def torch_rates(make_scheduler, lr0, steps, momentum=0.0):
    """The rate of each of `steps` optimizer steps under torch's scheduler, stepped once per optimizer step."""
    param = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([param], lr=lr0, momentum=momentum)
    sched = make_scheduler(opt)
    rates = []
    for _ in range(steps):
        rates.append(opt.param_groups[0]["lr"])
        param.grad = torch.zeros_like(param)
        opt.step()
        sched.step()
    return np.array(rates)


def assert_rates(ours, make_scheduler, lr0, steps, **kwargs):
    np.testing.assert_allclose(ours(np.arange(steps)), torch_rates(make_scheduler, lr0, steps, **kwargs),
                               rtol=1e-12, atol=1e-18)


@pytest.mark.parametrize("milestones, gamma", [([10, 20, 20, 35], 0.5), ([30, 80], 0.1), ([0, 5], 0.3), ([], 0.5)])
def test_multistep(milestones, gamma):
    """A milestone listed twice applies γ² (20 above); milestone 0 applies from the first step."""
    assert_rates(schedules.MultiStep(0.1, milestones, gamma), lambda o: lr_scheduler.MultiStepLR(o, milestones, gamma),
                 0.1, 100)


@settings(max_examples=25)
@given(st.lists(st.integers(0, 60), max_size=6), st.floats(0.05, 1.0))
def test_multistep_in_any_order(milestones, gamma):
    assert_rates(schedules.MultiStep(0.2, milestones, gamma), lambda o: lr_scheduler.MultiStepLR(o, milestones, gamma),
                 0.2, 70)


ONE_CYCLE = [
    dict(),
    dict(anneal="linear"),
    dict(three_phase=True),
    dict(pct_start=0.25, div_factor=10.0, final_div_factor=100.0),
    dict(pct_start=0.45, anneal="linear", three_phase=True, div_factor=5.0),
]


def torch_one_cycle(options, lr_max, total):
    names = dict(anneal="anneal_strategy")
    kwargs = {names.get(k, k): v for k, v in options.items()}
    return lambda o: lr_scheduler.OneCycleLR(o, max_lr=lr_max, total_steps=total, cycle_momentum=False, **kwargs)


@pytest.mark.parametrize("total", [10, 100, 257])
@pytest.mark.parametrize("options", ONE_CYCLE)
def test_one_cycle_over_its_steps(options, total):
    """Steps 0 … T − 1 of each phase; torch's own defaults (pct 0.3, div 25, final 1e4, cos, two phases)."""
    assert_rates(schedules.OneCycle(0.5, total, **options), torch_one_cycle(options, 0.5, total), 0.5, total)


def test_one_cycle_rates_do_not_depend_on_torchs_momentum_cycling():
    """torch also cycles SGD's momentum (0.95 → 0.85 → 0.95); the rates are the same, and ours sets only them."""
    default = lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.5, total_steps=100)  # noqa: E731
    assert_rates(schedules.OneCycle(0.5, 100), default, 0.5, 100, momentum=0.9)


def test_one_cycle_landmarks_and_its_end():
    sched = schedules.OneCycle(1.0, 100)
    assert sched(0) == pytest.approx(1 / 25) and sched(29) == 1.0 and sched(99) == pytest.approx(1 / 25 / 1e4)
    np.testing.assert_allclose(sched(np.arange(99, 150)), 1 / 25 / 1e4, rtol=1e-12)  # held, where torch raises


@pytest.mark.parametrize("period, mult, lr_min", [(10, 1, 0.0), (10, 2, 1e-3), (7, 3, 1e-2), (1, 2, 0.0), (1, 1, 0.0)])
def test_cosine_restarts(period, mult, lr_min):
    """200 steps: several restarts, with periods growing by T_mult."""
    assert_rates(schedules.CosineRestarts(0.1, period, mult, lr_min),
                 lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=period, T_mult=mult, eta_min=lr_min), 0.1,
                 200)


@settings(max_examples=25)
@given(st.integers(1, 30), st.integers(1, 4), st.floats(0.0, 0.05))
def test_cosine_restarts_any_period(period, mult, lr_min):
    assert_rates(schedules.CosineRestarts(0.1, period, mult, lr_min),
                 lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=period, T_mult=mult, eta_min=lr_min), 0.1,
                 150)


def test_cosine_restarts_jump_back_and_never_reach_the_floor():
    sched = schedules.CosineRestarts(1.0, 10, 2, lr_min=0.1)
    rates = sched(np.arange(70))
    assert rates[0] == rates[10] == rates[30] == 1.0  # restarts after 10 and 10 + 20 steps
    assert rates.min() > 0.1


@pytest.mark.parametrize("total, power", [(5, 1.0), (30, 2.0), (60, 0.5)])
def test_polynomial(total, power):
    """Also past T, where the rate stays 0."""
    assert_rates(schedules.Polynomial(0.1, total, power),
                 lambda o: lr_scheduler.PolynomialLR(o, total_iters=total, power=power), 0.1, total + 20)


@pytest.mark.parametrize("fn", [lambda t: 0.95**t, lambda t: 1.0 if t < 10 else 0.1, lambda t: min(1, (t + 1) / 7)])
def test_lambda(fn):
    assert_rates(schedules.Lambda(0.3, fn), lambda o: lr_scheduler.LambdaLR(o, fn), 0.3, 60)


@pytest.mark.parametrize("k, interval", [(0.5, 10), (1.0, 1), (0.05, 7)])
def test_staircase_inverse_time(k, interval):
    """α₀/(1 + k⌊t/s⌋): the courses' per-epoch decay with s = steps per epoch."""
    assert_rates(schedules.InverseTime(0.2, k, interval=interval),
                 lambda o: lr_scheduler.LambdaLR(o, lambda t: 1 / (1 + k * (t // interval))), 0.2, 80)


def test_inverse_time_without_interval_is_smooth_in_t():
    t = np.arange(10.0) / 3
    np.testing.assert_array_equal(schedules.InverseTime(0.1, 0.5)(t), 0.1 * (1 / (1 + 0.5 * t)))


def metrics(seed, n=120):
    """A noisy, flattening loss with plateaus, ties and a NaN: it exercises patience, threshold and cooldown."""
    rng = np.random.default_rng(seed)
    values = np.round(1 / np.sqrt(1 + np.arange(n)) + 0.02 * rng.normal(size=n), 3)
    values[rng.integers(0, n, 3)] = values[5]
    values[n // 2] = np.nan
    return values


PLATEAU = [
    dict(),
    dict(patience=3, cooldown=4, gamma=0.5, lr_min=0.01),
    dict(threshold_mode="abs", threshold=0.01, patience=2),
    dict(mode="max", patience=1),
    dict(eps=0.02, patience=0, gamma=0.5),
    dict(mode="max", threshold_mode="abs", threshold=0.0, patience=4, cooldown=1),
]


def torch_plateau(options, lr0, values):
    names = dict(gamma="factor", lr_min="min_lr")
    param = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([param], lr=lr0)
    sched = lr_scheduler.ReduceLROnPlateau(opt, **{names.get(k, k): v for k, v in options.items()})
    rates = []
    for value in values:
        sched.step(float(value))
        rates.append(opt.param_groups[0]["lr"])
    return np.array(rates)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("options", PLATEAU)
def test_reduce_on_plateau_bit_for_bit(options, seed):
    values = metrics(seed)
    sched = schedules.ReduceOnPlateau(0.1, **options)
    rates = []
    for value in values:
        sched.observe(value)
        rates.append(float(sched(0)))
    np.testing.assert_array_equal(rates, torch_plateau(options, 0.1, values))


def test_reduce_on_plateau_cuts_after_patience_plus_one_bad_epochs():
    sched = schedules.ReduceOnPlateau(1.0, patience=2)
    rates = []
    for value in [1.0, 1.0, 1.0, 1.0, 0.5]:
        sched.observe(value)
        rates.append(float(sched(0)))
    assert rates == [1.0, 1.0, 1.0, 0.1, 0.1]


def test_reduce_on_plateau_rel_threshold_works_backwards_for_a_negative_metric():
    """FACTS-MODERN §11: best = −1, then −0.99995 (worse) counts as better in 'rel' mode: as in torch."""
    sched = schedules.ReduceOnPlateau(1.0, patience=0)
    sched.observe(-1.0)
    sched.observe(-0.99995)
    assert float(sched.best) == -0.99995 and float(sched(0)) == 1.0


def test_reduce_on_plateau_sweep_is_separate_runs():
    lr0 = np.array([[0.1], [0.5], [1.0]])
    options = [dict(), dict(patience=2, cooldown=3, gamma=0.5), dict(mode="max", patience=1)]
    values = np.stack([metrics(seed) for seed in range(3)], axis=1)
    for opts in options:
        sweep = schedules.ReduceOnPlateau(lr0, **opts)
        alone = [schedules.ReduceOnPlateau(float(lr), **opts) for lr in lr0[:, 0]]
        for row in values:
            sweep.observe(row[:, None])
            for sched, value in zip(alone, row):
                sched.observe(value)
            np.testing.assert_array_equal(sweep(0)[:, 0], [float(s(0)) for s in alone])


def test_reduce_on_plateau_drives_an_optimizer_like_torchs():
    """Momentum on a noisy quadratic, the metric observed every 10 steps: torch's run, step for step (under the
    mapping Momentum(α, β) = SGD(α(1 − β), momentum=β), which holds whatever the rates; HeavyBall's does not)."""
    rng = np.random.default_rng(0)
    noise = rng.normal(size=(200, 3))
    theta0 = np.array([2.0, -1.0, 0.5])
    sched = schedules.ReduceOnPlateau(0.5, patience=1, gamma=0.5)
    opt, theta, ours = descent.Momentum(lr=sched, beta=0.9), theta0, []
    for k in range(200):
        theta = opt.step(theta, theta + noise[k])
        ours.append(theta)
        if k % 10 == 9:
            sched.observe(np.round(np.sum(theta**2), 2))
    p = torch.nn.Parameter(torch.tensor(theta0))
    topt = torch.optim.SGD([p], lr=0.05, momentum=0.9)
    tsched = lr_scheduler.ReduceLROnPlateau(topt, patience=1, factor=0.5)
    theirs = []
    for k in range(200):
        p.grad = p.detach() + torch.tensor(noise[k])
        topt.step()
        theirs.append(p.detach().numpy().copy())
        if k % 10 == 9:
            tsched.step(float(np.round(np.sum(theirs[-1] ** 2), 2)))
    assert topt.param_groups[0]["lr"] < 0.05 / 4  # several cuts happened
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("ours, theirs", [
    (lambda: descent.Adam(lr=schedules.OneCycle(0.1, 60)),
     lambda ps: (torch.optim.Adam(ps, lr=0.1), lambda o: lr_scheduler.OneCycleLR(o, 0.1, total_steps=60,
                                                                                cycle_momentum=False))),
    (lambda: descent.SGD(lr=schedules.CosineRestarts(0.1, 8, 2, 1e-3)),
     lambda ps: (torch.optim.SGD(ps, lr=0.1), lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, 8, 2, 1e-3))),
    (lambda: descent.RMSProp(lr=schedules.MultiStep(0.01, [20, 40]), momentum=0.5),
     lambda ps: (torch.optim.RMSprop(ps, lr=0.01, momentum=0.5), lambda o: lr_scheduler.MultiStepLR(o, [20, 40]))),
    (lambda: descent.AdamW(lr=schedules.Polynomial(0.05, 50, 2.0), amsgrad=True),
     lambda ps: (torch.optim.AdamW(ps, lr=0.05, amsgrad=True), lambda o: lr_scheduler.PolynomialLR(o, 50, 2.0))),
])
def test_optimizers_driven_by_the_schedules_follow_torchs_trajectories(ours, theirs):
    grads = np.random.default_rng(5).normal(size=(60, 4))
    theta0 = np.array([1.0, -2.0, 0.5, 0.0])
    p = torch.nn.Parameter(torch.tensor(theta0))
    opt, make_scheduler = theirs([p])
    sched, path = make_scheduler(opt), [theta0]
    for g in grads:
        p.grad = torch.tensor(g)
        opt.step()
        sched.step()
        path.append(p.detach().numpy().copy())
    np.testing.assert_allclose(descent_path(ours(), grads, theta0), np.array(path), rtol=1e-11, atol=1e-13)
