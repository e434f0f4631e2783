"""Schedule-Free SGD and AdamW against the authors' package ``schedulefree`` 1.4.1, trajectory for trajectory in
float64 with a gradient that depends on θ (taken at y, the point the parameters hold): y after every step, and x
read through the reference's ``eval()``/``train()`` against ``eval_point``; defaults, every option, a schedule as
lr, a sweep; state_dict; the traps the docstring names."""

import copy

import numpy as np
import pytest

import descent
from descent import schedules

torch = pytest.importorskip("torch")
schedulefree = pytest.importorskip("schedulefree")

RNG = np.random.default_rng(0)
THETA0, TARGET, NOISE = RNG.normal(size=(6, 4)), RNG.normal(size=(6, 4)), RNG.normal(size=(50, 6, 4))


def gradient(y, t):
    return (y - TARGET) + 0.5 * NOISE[t]


def ours_path(opt, steps=50, lrs=None):
    y, ys, xs = THETA0.copy(), [], []
    for t in range(steps):
        y = opt.step(y, gradient(y, t))
        ys.append(y.copy())
        xs.append(opt.eval_point(y))
    return np.array(ys), np.array(xs)


def reference_path(make, steps=50, lrs=None, foreach=False):
    p = torch.nn.Parameter(torch.tensor(THETA0, dtype=torch.float64))
    opt = make([p], foreach=foreach)
    ys, xs = [], []
    for t in range(steps):
        opt.train()
        if lrs is not None:
            opt.param_groups[0]["lr"] = lrs[t]
        p.grad = torch.tensor(gradient(p.detach().numpy(), t))
        opt.step()
        ys.append(p.detach().numpy().copy())
        opt.eval()
        xs.append(p.detach().numpy().copy())
    return np.array(ys), np.array(xs)


def assert_close(ours, theirs):
    for a, b in zip(ours, theirs):  # y, then x
        rel = np.max(np.abs(a - b).max(axis=(1, 2)) / np.abs(b).max(axis=(1, 2)))
        assert rel <= 1e-12, rel


SGD_CASES = [dict(), dict(lr=0.1), dict(lr=0.1, weight_decay=0.1, warmup_steps=10), dict(lr=0.05, r=1.0,
             weight_lr_power=1.0), dict(lr=0.1, momentum=0.5), dict(lr=0.2, momentum=0.95, warmup_steps=5, r=0.5)]


@pytest.mark.parametrize("options", SGD_CASES)
@pytest.mark.parametrize("foreach", [False, True])
def test_sgd_matches_the_reference(options, foreach):
    assert_close(ours_path(descent.ScheduleFreeSGD(**options)),
                 reference_path(lambda ps, foreach: schedulefree.SGDScheduleFree(ps, foreach=foreach, **options),
                                foreach=foreach))


ADAMW_CASES = [dict(), dict(lr=0.05), dict(lr=0.05, weight_decay=0.1, warmup_steps=10),
               dict(lr=0.02, r=1.0, weight_lr_power=1.0), dict(lr=0.05, beta1=0.5, beta2=0.99, eps=1e-3),
               dict(lr=0.1, weight_decay=0.5, warmup_steps=20, r=2.0, weight_lr_power=0.0)]


def reference_adamw(options):
    options = dict(options)
    betas = (options.pop("beta1", 0.9), options.pop("beta2", 0.999))
    return lambda ps, foreach: schedulefree.AdamWScheduleFree(ps, betas=betas, foreach=foreach, **options)


@pytest.mark.parametrize("options", ADAMW_CASES)
@pytest.mark.parametrize("foreach", [False, True])
def test_adamw_matches_the_reference(options, foreach):
    assert_close(ours_path(descent.ScheduleFreeAdamW(**options)),
                 reference_path(reference_adamw(options), foreach=foreach))


@pytest.mark.parametrize("cls, make", [(descent.ScheduleFreeSGD, schedulefree.SGDScheduleFree),
                                       (descent.ScheduleFreeAdamW, schedulefree.AdamWScheduleFree)])
def test_a_rate_lowered_from_outside_matches_the_reference_and_keeps_the_max_weight(cls, make):
    """lr halved at step 26 (a schedule as lr): the reference's c_t keeps using α_max, and so does ours."""
    lrs = np.where(np.arange(50) < 25, 0.1, 0.05)
    ours = cls(lr=schedules.MultiStep(0.1, [25], gamma=0.5), warmup_steps=5)
    assert_close(ours_path(ours), reference_path(lambda ps, foreach: make(ps, lr=0.1, warmup_steps=5,
                                                                          foreach=foreach), lrs=lrs))
    assert ours.lr_max == 0.1 and ours.weight_sum == pytest.approx(sum(min(1, t / 5) ** 2 * 0.01
                                                                       for t in range(1, 6)) + 45 * 0.01)


def test_with_r_zero_and_no_warmup_x_is_the_plain_average_of_the_z():
    opt = descent.ScheduleFreeSGD(lr=0.1)
    y, zs = THETA0.copy(), []
    for t in range(20):
        y = opt.step(y, gradient(y, t))
        zs.append(opt.z.copy())
    np.testing.assert_allclose(opt.eval_point(y), np.mean(zs, axis=0), rtol=1e-12, atol=1e-13)


def test_a_sweep_equals_separate_runs():
    lrs = np.array([0.01, 0.05, 0.2])
    theta = np.broadcast_to(THETA0.ravel(), (3, 24)).copy()
    sweep = descent.ScheduleFreeAdamW(lr=lrs[:, None], weight_decay=0.1, warmup_steps=3)
    alone = [descent.ScheduleFreeAdamW(lr=lr, weight_decay=0.1, warmup_steps=3) for lr in lrs]
    single = [THETA0.ravel().copy() for _ in lrs]
    for t in range(30):
        theta = sweep.step(theta, gradient(theta.reshape(3, 6, 4), t).reshape(3, 24))
        single = [o.step(s, gradient(s.reshape(6, 4), t).ravel()) for o, s in zip(alone, single)]
    np.testing.assert_allclose(theta, np.array(single), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(sweep.eval_point(theta), [o.eval_point(s) for o, s in zip(alone, single)],
                               rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("make", [lambda: descent.ScheduleFreeSGD(lr=0.1, warmup_steps=4, weight_decay=0.01),
                                  lambda: descent.ScheduleFreeAdamW(lr=schedules.ReduceOnPlateau(0.1), r=1.0)])
def test_state_dict_resumes_bit_for_bit(make):
    opt, y = make(), THETA0.copy()
    for t in range(10):
        y = opt.step(y, gradient(y, t))
    saved, y_saved = opt.state_dict(), y.copy()
    for t in range(10, 20):
        y = opt.step(y, gradient(y, t))
    resumed, y2 = make(), y_saved
    resumed.load_state_dict(copy.deepcopy(saved))
    for t in range(10, 20):
        y2 = resumed.step(y2, gradient(y2, t))
    np.testing.assert_array_equal(y2, y)
    np.testing.assert_array_equal(resumed.eval_point(y2), opt.eval_point(y))


def test_a_bad_state_dict_changes_nothing():
    opt = descent.ScheduleFreeSGD(lr=0.1)
    opt.step(THETA0, THETA0)
    before = copy.deepcopy(opt.state_dict())
    bad = dict(opt.state_dict(), averaging={"lr_max": -1.0, "weight_sum": 1.0})
    with pytest.raises(ValueError, match="lr_max"):
        opt.load_state_dict(bad)
    with pytest.raises(ValueError, match="averaging"):
        opt.load_state_dict({k: v for k, v in before.items() if k != "averaging"})
    np.testing.assert_array_equal(opt.state_dict()["state"]["z"], before["state"]["z"])
    assert opt.t == 1 and opt.weight_sum == before["averaging"]["weight_sum"]


def test_eval_point_changes_nothing_and_is_y_before_the_first_step():
    opt = descent.ScheduleFreeAdamW()
    np.testing.assert_array_equal(opt.eval_point(THETA0), THETA0)
    y = opt.step(THETA0, gradient(THETA0, 0))
    twin = copy.deepcopy(opt)
    opt.eval_point(y)
    np.testing.assert_array_equal(opt.step(y, y), twin.step(y, y))


def test_momentum_must_be_strictly_inside_0_1():
    with pytest.raises(ValueError, match=r"momentum must be in \(0, 1\)"):
        descent.ScheduleFreeSGD(momentum=0.0)
    with pytest.raises(ValueError, match=r"beta1 must be in \[0, 1\)"):
        descent.ScheduleFreeAdamW(beta1=1.0)
