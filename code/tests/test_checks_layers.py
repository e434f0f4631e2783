"""check_batchnorm_backward: passes the reference and torch's backward, fails each classic mistake with its hint."""

import numpy as np
import pytest

from descent.checks import check_batchnorm_backward
from descent.checks import layers as layer_checks
from descent.checks.hidden import hidden_cases


def test_reference_passes_and_matches_finite_differences():
    assert check_batchnorm_backward(layer_checks._batchnorm_backward)
    rng = np.random.default_rng(0)
    dout, z, gamma = rng.normal(size=(6, 3)), rng.normal(size=(6, 3)), rng.normal(size=3)

    def loss(z):  # L = Σ dout ⊙ out, so ∂L/∂out = dout
        u = (z - z.mean(axis=0)) / np.sqrt(z.var(axis=0) + 1e-5)
        return np.sum(dout * gamma * u)

    numeric = np.zeros_like(z)
    for index in np.ndindex(z.shape):
        e = np.zeros_like(z)
        e[index] = 1e-6
        numeric[index] = (loss(z + e) - loss(z - e)) / 2e-6
    dz = layer_checks._batchnorm_backward(dout, z, gamma, 1e-5)[0]
    np.testing.assert_allclose(dz, numeric, atol=1e-8)


def test_reference_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    dout, z, gamma = rng.normal(size=(5, 4)), rng.normal(size=(5, 4)), rng.normal(size=4)
    bn = torch.nn.BatchNorm1d(4, eps=1e-5, dtype=torch.float64)
    with torch.no_grad():
        bn.weight.copy_(torch.tensor(gamma))
    zt = torch.tensor(z, requires_grad=True)
    bn(zt).backward(torch.tensor(dout))
    dz, dgamma, dbeta = layer_checks._batchnorm_backward(dout, z, gamma, 1e-5)
    for ours, theirs in ((dz, zt.grad), (dgamma, bn.weight.grad), (dbeta, bn.bias.grad)):
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("hint", list(layer_checks._MISTAKES))
def test_every_mistake_fails_with_its_hint(hint, capsys):
    result = check_batchnorm_backward(layer_checks._MISTAKES[hint])
    assert not result
    assert any(hint in message for message in result.messages)
    capsys.readouterr()


def test_hidden_cases_run_on_the_reference():
    check = layer_checks.batchnorm_backward_check()
    for case in hidden_cases("check_batchnorm_backward"):
        assert check.judge(case, [layer_checks._batchnorm_backward(*case.args)]) is None


@pytest.mark.parametrize("learner, text", [
    (lambda dout, z, gamma, eps: z.undefined, "raised AttributeError"),
    (lambda dout, z, gamma, eps: dout, "expected 3 returned value"),
    (lambda dout, z, gamma, eps: (dout[:1], gamma, gamma), "shape"),
])
def test_survives_broken_learners(learner, text, capsys):
    result = check_batchnorm_backward(learner)
    assert not result and any(text in m for m in result.messages)
    capsys.readouterr()
