"""Conventions of popular assignments, expressed through the public API (issue 16, item 4): Adam started at a given
step t, and the mini-batches of an epoch rebuilt from a given permutation."""

import numpy as np
import pytest

import descent
from descent import nn


@pytest.mark.parametrize("t0", [0, 1, 9, 100])
def test_adam_started_at_step_t0_uses_the_bias_corrections_of_step_t0_plus_1(t0):
    beta1, beta2, lr, eps = 0.9, 0.999, 0.01, 1e-8
    g = np.array([0.5, -2.0, 1e-3])
    opt = descent.Adam(lr=lr, beta1=beta1, beta2=beta2, eps=eps)
    opt.t = t0
    new = opt.step(np.zeros(3), g)
    t = t0 + 1
    m_hat, v_hat = (1 - beta1) * g / (1 - beta1**t), (1 - beta2) * g * g / (1 - beta2**t)
    np.testing.assert_allclose(new, -lr * m_hat / (np.sqrt(v_hat) + eps), rtol=1e-12)
    assert opt.t == t and opt.m.t == t and opt.v.t == t


def test_setting_t_mid_run_is_continuing_a_run_from_that_step():
    """Two steps, then t set back to 1: the third step is computed like a second one (the state is kept)."""
    rng = np.random.default_rng(0)
    g1, g2 = rng.normal(size=(2, 4))
    a, b = descent.Adam(lr=0.1), descent.Adam(lr=0.1)
    x = a.step(np.zeros(4), g1)
    b.step(np.zeros(4), g1)
    a.t = 1
    np.testing.assert_array_equal(a.step(x, g2), b.step(x, g2))


def test_torch_adam_with_its_step_count_set_agrees():
    torch = pytest.importorskip("torch")
    g = np.array([0.3, -1.2])
    p = torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))
    p.grad = torch.tensor(g)
    opt = torch.optim.Adam([p], lr=0.1)
    opt.step()  # creates the state; set it back to zero moments at step 7
    state = opt.state[p]
    state["exp_avg"].zero_(), state["exp_avg_sq"].zero_(), state["step"].fill_(7)
    p.data.zero_()
    opt.step()
    ours = descent.Adam(lr=0.1)
    ours.t = 7
    np.testing.assert_allclose(ours.step(np.zeros(2), g), p.detach().numpy(), rtol=1e-12)


def test_a_partition_from_the_generators_permutation_is_the_epoch_of_batches():
    expected = list(nn.batches(10, 4, np.random.default_rng(3)))
    got = nn.partition(np.random.default_rng(3).permutation(10), 4)
    assert [b.tolist() for b in got] == [b.tolist() for b in expected]


def test_the_assignment_permutation_gives_the_assignments_mini_batches():
    """The classic assignment draws ``np.random.permutation(m)`` after ``np.random.seed(seed)`` and cuts it into
    mini-batches of 64 with a shorter last one."""
    m, size = 148, 64
    np.random.seed(0)
    permutation = list(np.random.permutation(m))
    parts = nn.partition(permutation, size)
    assert [len(p) for p in parts] == [64, 64, 20]
    assert np.concatenate(parts).tolist() == permutation
