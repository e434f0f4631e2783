"""The self-checks of the gradients chapter: weight initialisation (Xavier, He) and activation derivatives.

Each check passes correct implementations (normal and uniform inits; derivatives via torch autograd), fails every
classic mistake with its own hint, and survives learner code that raises, returns the wrong shape, NaN or nothing.
"""

import numpy as np
import pytest

from descent import nn
from descent.checks import check_activation_grad, check_init
from descent.checks import gradients as grad_checks


# --- check_init ---------------------------------------------------------------------------------------------------

def normal_init(std_formula):
    return lambda fan_in, fan_out, rng: std_formula(fan_in, fan_out) * rng.standard_normal((fan_in, fan_out))


def he_uniform(fan_in, fan_out, rng):
    bound = np.sqrt(6 / fan_in)  # U(−s, s) has std s/√3 = √(2/fan_in)
    return rng.uniform(-bound, bound, size=(fan_in, fan_out))


def xavier_uniform(fan_in, fan_out, rng):
    bound = np.sqrt(6 / (fan_in + fan_out))
    return rng.uniform(-bound, bound, size=(fan_in, fan_out))


def via_descent_nn(kind):
    """Draw with descent.nn's init_std: the package and the check must agree."""
    return lambda fan_in, fan_out, rng: nn.init_std(kind, fan_in, fan_out) * rng.standard_normal((fan_in, fan_out))


@pytest.mark.parametrize("kind, init", [("he", normal_init(grad_checks.INIT_STDS["he"])), ("he", he_uniform),
                                        ("he", via_descent_nn("he")),
                                        ("xavier", normal_init(grad_checks.INIT_STDS["xavier"])),
                                        ("xavier", xavier_uniform), ("xavier", via_descent_nn("xavier"))])
def test_correct_inits_pass(kind, init, capsys):
    result = check_init(init, kind)
    assert result and result.total == 6
    assert "✅" in capsys.readouterr().out


def test_torch_init_passes():
    torch = pytest.importorskip("torch")

    def kaiming(fan_in, fan_out, rng):
        torch.manual_seed(int(rng.integers(2**31)))
        W = torch.empty(fan_out, fan_in)  # torch.nn.Linear stores (out, in): fan_in is dimension 1
        torch.nn.init.kaiming_normal_(W, nonlinearity="relu")
        return W.numpy().T

    def glorot(fan_in, fan_out, rng):
        torch.manual_seed(int(rng.integers(2**31)))
        return torch.nn.init.xavier_normal_(torch.empty(fan_out, fan_in)).numpy().T

    assert check_init(kaiming, "he")
    assert check_init(glorot, "xavier")


MISTAKES = [(kind, hint, std) for kind, table in grad_checks._INIT_MISTAKES.items() for hint, std in table.items()]


@pytest.mark.parametrize("kind, hint, std", MISTAKES, ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(MISTAKES)])
def test_each_init_mistake_fails_with_its_own_hint(kind, hint, std, capsys):
    result = check_init(normal_init(std), kind)
    assert not result
    out = capsys.readouterr().out
    assert hint in out
    others = [h for h in grad_checks._INIT_MISTAKES[kind] if h != hint]
    assert not any(h in out for h in others), "a mistake must not be confused with another one"


def test_transposed_weights_are_explained(capsys):
    def transposed(fan_in, fan_out, rng):
        return np.sqrt(2 / fan_in) * rng.standard_normal((fan_out, fan_in))

    assert check_init(transposed, "he").passed == 0
    assert "expected (fan_in, fan_out) = (500, 50)" in capsys.readouterr().out


def test_nonzero_mean_is_explained(capsys):
    def uniform01(fan_in, fan_out, rng):
        return rng.random((fan_in, fan_out))

    result = check_init(uniform01, "xavier")
    assert result.passed == 1  # only the case asking whether the weights come from `rng`
    assert "mean 0" in capsys.readouterr().out


def test_init_learner_that_raises_or_returns_nothing(capsys):
    def todo(fan_in, fan_out, rng):
        raise NotImplementedError

    def forgot_return(fan_in, fan_out, rng):
        np.sqrt(2 / fan_in) * rng.standard_normal((fan_in, fan_out))

    assert check_init(todo).passed == 0
    assert "not implemented yet" in capsys.readouterr().out
    assert check_init(forgot_return).passed == 0
    assert "shape ()" in capsys.readouterr().out


def test_init_nan_weights(capsys):
    assert check_init(lambda fan_in, fan_out, rng: np.full((fan_in, fan_out), np.nan)).passed == 0
    assert "NaN" in capsys.readouterr().out


def test_check_init_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="kind must be one of"):
        check_init(he_uniform, "lecun")


# --- check_activation_grad ----------------------------------------------------------------------------------------

def torch_derivative(name):
    """f′(z) by torch autograd: an implementation independent of the check's reference."""
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    functions = {"sigmoid": lambda z, a: torch.sigmoid(z), "tanh": lambda z, a: torch.tanh(z),
                 "relu": lambda z, a: F.relu(z), "leaky_relu": lambda z, a: F.leaky_relu(z, a),
                 "elu": lambda z, a: F.elu(z, a)}

    def derivative(z, alpha=None):
        zt = torch.tensor(z, dtype=torch.float64, requires_grad=True)
        functions[name](zt, alpha).sum().backward()
        return zt.grad.numpy()

    return derivative


@pytest.mark.parametrize("name", list(grad_checks.DERIVATIVES))
def test_torch_autograd_passes(name, capsys):
    result = check_activation_grad(torch_derivative(name), name)
    assert result and result.total >= 2
    assert "✅" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu"])
def test_descent_nn_derivatives_pass(name):
    assert check_activation_grad(nn.ACTIVATIONS[name].derivative, name)


def test_descent_nn_elu_passes_where_alpha_is_one():
    result = check_activation_grad(lambda z, alpha: nn.elu.derivative(z), "elu")
    assert result.passed == 1  # descent.nn's ELU has α = 1: only the α = 1 case agrees


ACT_MISTAKES = [(name, hint, wrong) for name, table in grad_checks._ACTIVATION_MISTAKES.items()
                for hint, wrong in table.items()]


@pytest.mark.parametrize("name, hint, wrong", ACT_MISTAKES,
                         ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(ACT_MISTAKES)])
def test_each_activation_mistake_fails_with_its_own_hint(name, hint, wrong, capsys):
    result = check_activation_grad(wrong, name)
    assert not result
    out = capsys.readouterr().out
    assert hint in out
    others = [h for h in grad_checks._ACTIVATION_MISTAKES[name] if h != hint]
    assert not any(h in out for h in others), "a mistake must not be confused with another one"


def test_activation_learner_failures(capsys):
    def todo(z, alpha):
        raise NotImplementedError

    assert check_activation_grad(todo, "elu").passed == 0
    assert "not implemented yet" in capsys.readouterr().out
    assert check_activation_grad(lambda z: z[:1] * 0 + 1.0, "relu").passed == 0
    assert "expected shape" in capsys.readouterr().out
    assert check_activation_grad(lambda z: np.full_like(z, np.nan), "tanh").passed == 0
    assert "NaN" in capsys.readouterr().out
    assert check_activation_grad(lambda z: None, "sigmoid").passed == 0
    assert "return" in capsys.readouterr().out


def test_check_activation_grad_rejects_an_unknown_activation():
    with pytest.raises(ValueError, match="activation must be one of"):
        check_activation_grad(np.tanh, "swish")
