"""Iterate averaging against torch.optim.swa_utils 2.13, float64, with a gradient that depends on θ: the uniform
average (AveragedModel's default) from a start step and every few steps (SWA), the EMA of get_ema_multi_avg_fn,
and SWALR; the wrapped optimizer's steps are unchanged; a sweep of decays; state_dict; nn.train and run take it."""

import copy

import numpy as np
import pytest

import descent
from descent import data, nn, schedules

torch = pytest.importorskip("torch")
swa_utils = torch.optim.swa_utils

RNG = np.random.default_rng(1)
THETA0, TARGET, NOISE = RNG.normal(size=(6, 4)), RNG.normal(size=(6, 4)), RNG.normal(size=(60, 6, 4))


def gradient(theta, t):
    return (theta - TARGET) + 0.5 * NOISE[t]


def ours(opt, steps=60):
    theta, averages = THETA0.copy(), []
    for t in range(steps):
        theta = opt.step(theta, gradient(theta, t))
        average = getattr(opt, "average", None)
        averages.append(None if average is None else average.copy())
    return theta, averages


def reference(lr, momentum, multi_avg_fn=None, start=1, every=1, steps=60, swalr=None):
    model = torch.nn.Linear(4, 6, bias=False).double()
    with torch.no_grad():
        model.weight.copy_(torch.tensor(THETA0))
    averaged = swa_utils.AveragedModel(model, multi_avg_fn=multi_avg_fn)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    scheduler = None if swalr is None else swa_utils.SWALR(opt, **swalr)
    averages = []
    for t in range(steps):
        model.weight.grad = torch.tensor(gradient(model.weight.detach().numpy(), t))
        opt.step()
        if scheduler is not None:
            scheduler.step()
        k = t + 1
        if k >= start and (k - start) % every == 0:
            averaged.update_parameters(model)
        averages.append(averaged.module.weight.detach().numpy().copy() if averaged.n_averaged > 0 else None)
    return model.weight.detach().numpy(), averages


def assert_same(a, b, rtol=0.0):
    theta_a, avg_a = a
    theta_b, avg_b = b
    np.testing.assert_allclose(theta_a, theta_b, rtol=1e-13, atol=1e-15)
    for x, y in zip(avg_a, avg_b):
        assert (x is None) == (y is None)
        if x is not None:
            np.testing.assert_allclose(x, y, rtol=rtol, atol=rtol * 1e-2)


@pytest.mark.parametrize("start, every", [(1, 1), (20, 1), (10, 7), (59, 3)])
def test_uniform_average_is_averaged_models_default(start, every):
    opt = descent.Averaged(descent.HeavyBall(lr=0.05, mu=0.9), start=start, every=every)
    assert_same(ours(opt), reference(0.05, 0.9, start=start, every=every), rtol=1e-13)


@pytest.mark.parametrize("decay", [0.9, 0.99, 0.3])
def test_ema_is_get_ema_multi_avg_fn(decay):
    opt = descent.Averaged(descent.SGD(lr=0.1), decay=decay)
    assert_same(ours(opt), reference(0.1, 0.0, swa_utils.get_ema_multi_avg_fn(decay)), rtol=1e-13)


@pytest.mark.parametrize("swalr", [dict(swa_lr=0.01, anneal_epochs=10), dict(swa_lr=0.2, anneal_epochs=5,
                                   anneal_strategy="linear"), dict(swa_lr=0.03, anneal_epochs=0)])
def test_swa_with_swalr(swalr):
    """SWALR stepped after every optimizer step: our closed form equals torch's recursion to rounding."""
    options = dict(anneal_steps=swalr["anneal_epochs"], anneal=swalr.get("anneal_strategy", "cos"))
    lr = schedules.SWALR(0.1, swalr["swa_lr"], **options)
    opt = descent.Averaged(descent.SGD(lr=lr), start=30, every=5)
    assert_same(ours(opt), reference(0.1, 0.0, start=30, every=5, swalr=swalr), rtol=1e-12)


def test_swalr_rates_equal_torchs():
    for anneal, epochs in [("cos", 10), ("linear", 4), ("cos", 0), ("linear", 1)]:
        p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
        opt = torch.optim.SGD([p], lr=0.5)
        sched = swa_utils.SWALR(opt, swa_lr=0.05, anneal_epochs=epochs, anneal_strategy=anneal)
        rates = []
        for _ in range(20):
            rates.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        np.testing.assert_allclose(schedules.SWALR(0.5, 0.05, epochs, anneal)(np.arange(20)), rates, rtol=1e-13)


def test_the_wrapped_optimizers_steps_are_unchanged():
    plain = ours(descent.Adam(lr=0.05))[0]
    np.testing.assert_array_equal(ours(descent.Averaged(descent.Adam(lr=0.05), decay=0.9))[0], plain)


def test_a_sweep_of_decays_equals_separate_runs():
    decays = np.array([0.5, 0.9, 0.99])
    sweep = descent.Averaged(descent.SGD(lr=0.1), decay=decays[:, None])
    theta = np.broadcast_to(THETA0.ravel(), (3, 24)).copy()
    for t in range(30):
        theta = sweep.step(theta, gradient(theta.reshape(3, 6, 4), t).reshape(3, 24))
    for k, decay in enumerate(decays):
        alone = descent.Averaged(descent.SGD(lr=0.1), decay=decay)
        ours(alone, steps=30)
        np.testing.assert_allclose(sweep.average[k], alone.average.ravel(), rtol=1e-14)


def test_state_dict_resumes_bit_for_bit_and_bad_ones_change_nothing():
    def make():
        return descent.Averaged(descent.Adam(lr=schedules.ReduceOnPlateau(0.05)), start=5)

    opt, theta = make(), THETA0.copy()
    for t in range(10):
        theta = opt.step(theta, gradient(theta, t))
    saved, theta_saved = opt.state_dict(), theta.copy()
    for t in range(10, 20):
        theta = opt.step(theta, gradient(theta, t))
    resumed = make()
    resumed.load_state_dict(copy.deepcopy(saved))
    theta2 = theta_saved
    for t in range(10, 20):
        theta2 = resumed.step(theta2, gradient(theta2, t))
    np.testing.assert_array_equal(theta2, theta)
    np.testing.assert_array_equal(resumed.average, opt.average)
    before = copy.deepcopy(resumed.state_dict())
    for bad in [dict(saved, t=3), dict(saved, inner={"t": 10}), {"t": 10}, dict(saved, state={"avg": 1.0})]:
        with pytest.raises((TypeError, ValueError)):
            resumed.load_state_dict(bad)
        after = resumed.state_dict()
        assert after["t"] == before["t"]
        np.testing.assert_array_equal(after["state"]["average"], before["state"]["average"])
        np.testing.assert_array_equal(after["inner"]["state"]["m"], before["inner"]["state"]["m"])


def test_it_trains_a_network_and_runs_on_a_landscape():
    split = data.digits(seed=0)
    net = nn.MLP([64, 16, 10], seed=0)
    opt = descent.Averaged(descent.SGD(lr=0.1), decay=0.9)
    history = nn.train(net, opt, split, epochs=2, batch_size=64)
    assert opt.t == 2 * history.steps_per_epoch and opt.average.shape == net.theta.shape
    traj = descent.run(descent.Averaged(descent.SGD(lr=0.1), start=10), descent.functions.Quadratic(np.eye(2)),
                       np.array([1.0, -1.0]), steps=30)
    assert not traj.diverged


def test_bad_arguments():
    with pytest.raises(TypeError, match="optimizer must be a descent optimizer"):
        descent.Averaged(descent.SGD)
    with pytest.raises(ValueError, match=r"decay must be in \[0, 1\)"):
        descent.Averaged(descent.SGD(), decay=1.0)
    with pytest.raises(ValueError, match="start must be an integer >= 1"):
        descent.Averaged(descent.SGD(), start=0)
