"""Self-checks for the chapter on vanishing and exploding gradients: weight initialisation and activation derivatives.

- :func:`check_init`: a function ``init(fan_in, fan_out, rng)`` that draws a (fan_in, fan_out) weight matrix with
  Xavier/Glorot's std √(2/(fan_in + fan_out)) or He's std √(2/fan_in). The check measures the std of what it draws.
- :func:`check_activation_grad`: the derivative f′(z) of sigmoid, tanh, ReLU, LeakyReLU or ELU.
"""

import numpy as np

from .core import Case, check

INIT_STDS = {
    "xavier": lambda fan_in, fan_out: np.sqrt(2 / (fan_in + fan_out)),
    "he": lambda fan_in, fan_out: np.sqrt(2 / fan_in),
}

# Classic mistakes, as the std they produce (the learner's weights are measured, so only the std can be compared).
_INIT_MISTAKES = {
    "he": {
        "He's variance is 2/fan_in, with fan_in the number of INPUTS of the layer (rows of W here), not fan_out":
            lambda fan_in, fan_out: np.sqrt(2 / fan_out),
        "the factor 2 is missing: ReLU zeroes half of the pre-activations, He's variance is 2/fan_in, not 1/fan_in":
            lambda fan_in, fan_out: np.sqrt(1 / fan_in),
        "you used the variance as the standard deviation: the std is √(2/fan_in), not 2/fan_in":
            lambda fan_in, fan_out: 2 / fan_in,
        "that is the Xavier/Glorot std √(2/(fan_in + fan_out)); He's is √(2/fan_in)":
            lambda fan_in, fan_out: np.sqrt(2 / (fan_in + fan_out)),
        "a uniform distribution on [−s, s] has std s/√3: for a uniform He init use s = √(6/fan_in)":
            lambda fan_in, fan_out: np.sqrt(2 / fan_in) / np.sqrt(3),
    },
    "xavier": {
        "Glorot's variance averages fan_in and fan_out: 2/(fan_in + fan_out), not 1/fan_in":
            lambda fan_in, fan_out: np.sqrt(1 / fan_in),
        "the factor 2 is missing: the variance is 2/(fan_in + fan_out), not 1/(fan_in + fan_out)":
            lambda fan_in, fan_out: np.sqrt(1 / (fan_in + fan_out)),
        "you used the variance as the standard deviation: the std is √(2/(fan_in + fan_out))":
            lambda fan_in, fan_out: 2 / (fan_in + fan_out),
        "that is He's std √(2/fan_in); Xavier/Glorot's is √(2/(fan_in + fan_out))":
            lambda fan_in, fan_out: np.sqrt(2 / fan_in),
        "a uniform distribution on [−s, s] has std s/√3: Glorot's uniform init uses s = √(6/(fan_in + fan_out))":
            lambda fan_in, fan_out: np.sqrt(2 / (fan_in + fan_out)) / np.sqrt(3),
    },
}


def _measured_std(init):
    """Wrap a learner's ``init(fan_in, fan_out, rng)`` into ``(fan_in, fan_out, seed) -> std of its weights``."""

    def measure(fan_in, fan_out, seed):
        W = np.asarray(init(fan_in, fan_out, np.random.default_rng(seed)), dtype=float)
        if W.shape != (fan_in, fan_out):
            raise ValueError(f"the weights have shape {W.shape}; expected (fan_in, fan_out) = {(fan_in, fan_out)}, "
                             "one row per input as in descent.nn (torch.nn.Linear stores the transpose)")
        std = W.std()
        if abs(W.mean()) > 0.1 * std:
            raise ValueError(f"the weights should have mean 0; yours have mean {W.mean():.3g} (std {std:.3g})")
        return std

    return measure


def _as_std(std_formula):
    return lambda fan_in, fan_out, seed: std_formula(fan_in, fan_out)


def check_init(init, kind="he"):
    """Check ``init(fan_in, fan_out, rng) -> W`` of shape (fan_in, fan_out), zero mean, with the std of `kind`:

    xavier (Glorot & Bengio 2010): √(2/(fan_in + fan_out));   he (He et al. 2015): √(2/fan_in).

    Any zero-mean distribution with the right std passes (normal or uniform); the std is measured on large
    matrices to within about 1 %, and compared with a 4 % tolerance.
    """
    if kind not in INIT_STDS:
        raise ValueError(f"kind must be one of {tuple(INIT_STDS)}; got {kind!r}")
    cases = [Case(f"fan_in = {fan_in}, fan_out = {fan_out}", (fan_in, fan_out, seed))
             for seed, (fan_in, fan_out) in enumerate([(400, 100), (100, 400), (300, 150), (120, 600)])]
    mistakes = {hint: _as_std(std) for hint, std in _INIT_MISTAKES[kind].items()}
    return check(f"{kind} initialisation (std of your weights)", _measured_std(init), _as_std(INIT_STDS[kind]),
                 cases, mistakes, rtol=0.04, atol=0.0)


def _sigmoid(z):
    return 0.5 * (1 + np.tanh(0.5 * z))


DERIVATIVES = {
    "sigmoid": lambda z: _sigmoid(z) * (1 - _sigmoid(z)),
    "tanh": lambda z: 1 - np.tanh(z) ** 2,
    "relu": lambda z: (z > 0) * 1.0,
    "leaky_relu": lambda z, alpha: np.where(z > 0, 1.0, alpha),
    "elu": lambda z, alpha: np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0))),
}

_ACTIVATION_MISTAKES = {
    "sigmoid": {
        "σ′(z) = σ(z)(1 − σ(z)): apply σ first; z(1 − z) is the formula in terms of the OUTPUT a = σ(z)":
            lambda z: z * (1 - z),
        "σ′(z) = σ(z)(1 − σ(z)), not σ(z) itself": _sigmoid,
    },
    "tanh": {
        "tanh′(z) = 1 − tanh(z)²: apply tanh first; 1 − z² is the formula in terms of the OUTPUT a = tanh(z)":
            lambda z: 1 - z**2,
        "tanh′(z) = 1 − tanh(z)², not 1 − tanh(z)": lambda z: 1 - np.tanh(z),
    },
    "relu": {
        "the derivative of ReLU is 1 for z > 0 and 0 for z < 0 (not ReLU(z) itself)": lambda z: np.maximum(z, 0.0),
    },
    "leaky_relu": {
        "for z ≤ 0 the derivative is the slope α, not 0 (that would be plain ReLU)":
            lambda z, alpha: (z > 0) * 1.0,
        "for z ≤ 0 the derivative is α itself, not α·z (that is the activation, not its slope)":
            lambda z, alpha: np.where(z > 0, 1.0, alpha * z),
    },
    "elu": {
        "ELU(z) = z for z > 0 and α(eᶻ − 1) for z ≤ 0, so its derivative is 1 for z > 0 and α eᶻ for z ≤ 0 — "
        "you have the branches swapped (a common misquote of ELU)":
            lambda z, alpha: np.where(z > 0, np.exp(np.minimum(z, 50)), 1.0),
        "for z ≤ 0 the derivative of α(eᶻ − 1) is α eᶻ, without the − 1 (the −α is a constant)":
            lambda z, alpha: np.where(z > 0, 1.0, alpha * (np.exp(np.minimum(z, 0)) - 1)),
        "α is missing: for z ≤ 0 the derivative is α eᶻ": lambda z, alpha: np.where(z > 0, 1.0, np.exp(np.minimum(z, 0))),
    },
}


def check_activation_grad(derivative, activation="elu"):
    """Check the derivative f′(z) of an activation, elementwise on arrays.

    ``activation``: "sigmoid", "tanh" or "relu" (then ``derivative(z)``), or "leaky_relu" or "elu" (then
    ``derivative(z, alpha)``, with LeakyReLU(z) = z for z > 0, αz otherwise, and ELU(z) = z for z > 0,
    α(eᶻ − 1) otherwise). The kink z = 0, where conventions differ, is not tested.
    """
    if activation not in DERIVATIVES:
        raise ValueError(f"activation must be one of {tuple(DERIVATIVES)}; got {activation!r}")
    z = np.array([-30.0, -3.0, -1.0, -0.5, 0.5, 1.0, 3.0])
    grid = np.linspace(-4, 4, 12).reshape(3, 4)  # 12 points: 0 is not among them
    if activation in ("leaky_relu", "elu"):
        cases = [Case("z from −30 to 3, α = 1", (z, 1.0)),
                 Case("z from −30 to 3, α = 0.3", (z, 0.3)),
                 Case("a (3, 4) array of z, α = 2", (grid, 2.0))]
    else:
        cases = [Case("z from −30 to 3", (z,)), Case("a (3, 4) array of z", (grid,))]
    return check(f"derivative of {activation}", derivative, DERIVATIVES[activation], cases,
                 _ACTIVATION_MISTAKES[activation])
