"""Saving and resuming a run: a run interrupted at any step and resumed from ``state_dict()`` in a new optimizer
(built with the same arguments) equals the uninterrupted run bit for bit, for every optimizer and option, with a
schedule that keeps state too; the saved dict is a copy; bad state dicts are refused and change nothing (the
hypothesis search over mistakes is in test_robust_inputs.py)."""

import copy

import numpy as np
import pytest

import descent
from descent import buggy, schedules

GRADS = np.random.default_rng(0).normal(size=(40, 2, 3)) * np.array([1e-3, 1.0, 10.0])
THETA0 = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]])

OPTIMIZERS = {
    "SGD": lambda: descent.SGD(lr=0.1, weight_decay=0.01, maximize=True),
    "Momentum": lambda: descent.Momentum(lr=0.1, beta=np.array([[0.5], [0.9]])),
    "Nesterov": lambda: descent.Nesterov(lr=schedules.Cosine(0.1, 30), beta=0.8, weight_decay=0.1),
    "HeavyBall": lambda: descent.HeavyBall(lr=0.01, mu=0.9, v0=0.5, dampening=0.3),
    "HeavyBall nesterov": lambda: descent.HeavyBall(lr=0.01, mu=0.7, nesterov=True),
    "AdaGrad": lambda: descent.AdaGrad(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1),
    "RMSProp": lambda: descent.RMSProp(lr=0.01, eps_inside_sqrt=True),
    "RMSProp centred, momentum": lambda: descent.RMSProp(lr=0.01, beta=0.9, momentum=0.9, centered=True),
    "Adam": lambda: descent.Adam(lr=np.array([[0.1], [0.01]]), weight_decay=0.1),
    "Adam keras": lambda: descent.Adam(lr=0.1, eps_form="keras", amsgrad=True),
    "AMSGrad": lambda: descent.Adam(lr=schedules.OneCycle(0.1, 40), amsgrad=True, maximize=True),
    "AdamW": lambda: descent.AdamW(lr=schedules.Warmup(schedules.CosineRestarts(0.1, 5, 2), 4), amsgrad=True),
    "AdamW plateau": lambda: descent.AdamW(lr=schedules.ReduceOnPlateau(0.1, mode="max", patience=2, gamma=0.5)),
    "Momentum plateau sweep": lambda: descent.Momentum(
        lr=schedules.ReduceOnPlateau(np.array([[0.1], [0.3]]), patience=0, cooldown=1)),
    "Adam written back": lambda: buggy.AdamWrittenBack(lr=0.1),
    "NAdam": lambda: descent.NAdam(lr=np.array([[0.1], [0.01]]), beta1=np.array([[0.9], [0.5]]), weight_decay=0.1),
    "NAdamW": lambda: descent.NAdam(lr=schedules.Cosine(0.1, 30), decoupled_weight_decay=True, weight_decay=0.1),
    "RAdam": lambda: descent.RAdam(lr=0.01, beta2=np.array([[0.6], [0.99]]), maximize=True),
    "Adamax": lambda: descent.Adamax(lr=schedules.OneCycle(0.1, 40), weight_decay=0.1),
}


def run(opt, theta, grads, start):
    """Steps `start`, `start + 1`, … of a run; the metric of a ReduceOnPlateau schedule is observed every 3 steps."""
    path = []
    for k, g in enumerate(grads, start=start):
        theta = opt.step(theta, g + theta)
        path.append(theta)
        if k % 3 == 2 and isinstance(opt.lr, schedules.ReduceOnPlateau):
            per_run = np.ndim(opt.lr.lr0) > 0  # a sweep observes one metric per run
            opt.lr.observe(np.round(np.sum(theta**2, axis=-1, keepdims=True) if per_run else np.sum(theta**2), 1))
    return np.array(path)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("stop", [0, 1, 17, 39])
def test_a_resumed_run_equals_the_uninterrupted_run_bit_for_bit(name, stop):
    whole = run(OPTIMIZERS[name](), THETA0, GRADS, 0)
    first = OPTIMIZERS[name]()
    before = run(first, THETA0, GRADS[:stop], 0)
    saved = first.state_dict()
    run(first, before[-1] if stop else THETA0, GRADS[stop:], stop)  # the saved dict is a copy: going on is harmless
    resumed = OPTIMIZERS[name]()
    resumed.load_state_dict(saved)
    after = run(resumed, before[-1] if stop else THETA0, GRADS[stop:], stop)
    np.testing.assert_array_equal(np.concatenate([before.reshape(-1, 2, 3), after]), whole)


def test_the_state_dict_holds_what_torchs_does():
    opt = descent.Adam(lr=0.1, amsgrad=True)
    opt.step(THETA0, GRADS[0])
    saved = opt.state_dict()
    assert saved["optimizer"] == "Adam" and saved["t"] == 1 and sorted(saved["state"]) == ["m", "v", "v_max"]
    opt.step(THETA0, GRADS[1])
    np.testing.assert_array_equal(saved["state"]["m"], (1 - 0.9) * GRADS[0])  # a copy, not the live array


def test_a_plateau_schedule_saves_and_restores_alone():
    sched = schedules.ReduceOnPlateau(0.1, patience=1)
    for value in [3.0, 2.0, 2.0, 2.0, 2.0]:
        sched.observe(value)
    other = schedules.ReduceOnPlateau(0.1, patience=1)
    other.load_state_dict(sched.state_dict())
    for value in [2.0, 2.0, 1.0]:
        sched.observe(value)
        other.observe(value)
        assert float(sched(0)) == float(other(0))
    assert float(sched(0)) < 0.1


def test_reset_also_resets_the_plateau_schedule():
    opt = descent.SGD(lr=schedules.ReduceOnPlateau(1.0, patience=0))
    opt.lr.observe(1.0)
    opt.lr.observe(2.0)
    assert float(opt.lr(0)) == pytest.approx(0.1)
    opt.reset()
    assert float(opt.lr(0)) == 1.0


BAD = [
    ("not a dict", lambda sd: [sd], TypeError, "state_dict must be a dict"),
    ("another class", lambda sd: dict(sd, optimizer="AdamW"), ValueError, "state_dict\\['optimizer'\\] must be 'Adam'"),
    ("a key missing", lambda sd: {k: v for k, v in sd.items() if k != "t"}, ValueError, "must have exactly the keys"),
    ("an extra key", lambda sd: dict(sd, lr=0.1), ValueError, "must have exactly the keys"),
    ("t of the wrong kind", lambda sd: dict(sd, t=2.0), TypeError, "state_dict\\['t'\\] must be an integer"),
    ("state not a dict", lambda sd: dict(sd, state=[1.0]), TypeError, "state_dict\\['state'\\] must be a dict"),
    ("an array missing", lambda sd: dict(sd, state={"m": sd["state"]["m"]}), ValueError, "must hold the arrays"),
    ("an array of text", lambda sd: dict(sd, state=dict(sd["state"], v=np.array(["a"] * 6).reshape(2, 3))), TypeError,
     "state_dict\\['state'\\]\\['v'\\] must be a real number"),
    ("arrays of two shapes", lambda sd: dict(sd, state=dict(sd["state"], v=np.ones(3))), ValueError,
     "of the shape of the other state arrays"),
    ("an empty array", lambda sd: dict(sd, state={"m": np.zeros(0), "v": np.zeros(0)}), ValueError,
     "must be a non-empty array"),
    ("a sweep that does not fit", lambda sd: dict(sd, state={"m": np.ones((3, 3)), "v": np.ones((3, 3))}),
     ValueError, "lr has shape \\(2, 1\\), which does not broadcast against the state arrays of shape \\(3, 3\\)"),
]


@pytest.mark.parametrize("label, corrupt, error, match", BAD, ids=[row[0] for row in BAD])
def test_a_bad_state_dict_is_refused_and_changes_nothing(label, corrupt, error, match):
    source, target = descent.Adam(lr=np.array([[0.1], [0.2]])), descent.Adam(lr=np.array([[0.1], [0.2]]))
    source.step(THETA0, GRADS[0])
    target.step(THETA0, GRADS[1])
    target.step(THETA0, GRADS[2])
    twin = copy.deepcopy(target)
    with pytest.raises(error, match=match):
        target.load_state_dict(corrupt(source.state_dict()))
    assert target.t == 2
    np.testing.assert_array_equal(target.step(THETA0, GRADS[3]), twin.step(THETA0, GRADS[3]))
