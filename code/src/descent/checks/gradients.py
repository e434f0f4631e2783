"""Self-checks for the chapter on vanishing and exploding gradients: weight initialisation and activation derivatives.

- :func:`check_init`: a function ``init(fan_in, fan_out, rng)`` that draws a (fan_in, fan_out) weight matrix with
  Xavier/Glorot's std √(2/(fan_in + fan_out)) or He's std √(2/fan_in). The check measures the std of what it draws.
- :func:`check_activation_grad`: the derivative f′(z) of sigmoid, tanh, ReLU, LeakyReLU or ELU.
"""

import numpy as np

from .core import Case, Check, LearnerError

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
        "a normal truncated at ±2σ has std 0.88σ: divide the draws by 0.8796 (torch's trunc_normal_ does not "
        "rescale either)": lambda fan_in, fan_out: 0.8796 * np.sqrt(2 / fan_in),
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


def _drawn(std_formula):
    """An init drawing normal weights with the given std: the reference, or a classic mistake."""
    return lambda fan_in, fan_out, rng: std_formula(fan_in, fan_out) * rng.standard_normal((fan_in, fan_out))


def _measure_init(case, returns):
    """The std of the weights drawn (one call), or, for three calls with Generators seeded s, s and s + 1, 1.0 if
    the weights come from the Generator given (the same seed repeats them, another seed changes them)."""
    weights = []
    for (args, _), W in zip(case.copied_calls(), returns):
        shape = args[:2]
        try:
            W = np.asarray(W, dtype=float)
        except Exception:  # noqa: BLE001 (whatever the learner returned)
            raise LearnerError(f"expected an array of weights, received {type(W).__name__}") from None
        if W.shape != shape:
            raise LearnerError(f"the weights have shape {W.shape}; expected (fan_in, fan_out) = {shape}, one row "
                               "per input as in descent.nn (torch.nn.Linear stores the transpose)")
        weights.append(W)
    if len(weights) == 3:
        return float(np.array_equal(weights[0], weights[1]) and not np.array_equal(weights[0], weights[2]))
    W = weights[0]
    std = W.std()
    if not np.isfinite(W).all():
        raise LearnerError("your weights contain NaN or inf")
    if abs(W.mean()) > 0.1 * std:
        raise LearnerError(f"the weights should have mean 0; yours have mean {W.mean():.3g} (std {std:.3g})")
    return std


def _init_case(fan_in, fan_out, seed):
    return Case(f"fan_in = {fan_in}, fan_out = {fan_out}", (fan_in, fan_out, np.random.default_rng(seed)))


def _init_random(rng):
    return _init_case(int(rng.integers(100, 600)), int(rng.integers(50, 600)), int(rng.integers(2**31)))


def init_check(kind="he"):
    """The check of ``init(fan_in, fan_out, rng) -> W`` with the std of `kind` (see :func:`check_init`)."""
    if kind not in INIT_STDS:
        raise ValueError(f"kind must be one of {tuple(INIT_STDS)}; got {kind!r}")
    cases = [_init_case(fan_in, fan_out, seed)
             for seed, (fan_in, fan_out) in enumerate([(500, 50), (100, 400), (300, 150), (120, 600)])]
    cases.append(Case("the weights come from `rng`: Generators seeded 7, 7 and 8 give equal, equal and new weights",
                      calls=[((200, 30, np.random.default_rng(seed)), {}) for seed in (7, 7, 8)]))
    mistakes = {hint: _drawn(std) for hint, std in _INIT_MISTAKES[kind].items()}
    mistakes["draw the weights from the Generator `rng` you are given (rng.standard_normal or rng.uniform), not "
             "from np.random or a Generator made inside your function: the same seed must give the same "
             "network"] = lambda fan_in, fan_out, rng: np.random.default_rng().standard_normal((fan_in, fan_out))
    return Check(f"{kind} initialisation (std of your weights)", _drawn(INIT_STDS[kind]), cases, mistakes,
                 rtol=0.04, atol=0.0, measure=_measure_init, random_case=_init_random)


def check_init(init, kind="he"):
    """Check ``init(fan_in, fan_out, rng) -> W`` of shape (fan_in, fan_out), zero mean, with the std of `kind`:

    xavier (Glorot & Bengio 2010): √(2/(fan_in + fan_out));   he (He et al. 2015): √(2/fan_in).

    Any zero-mean distribution with the right std passes (normal or uniform); the std is measured on large
    matrices to within about 1 %, and compared with a 4 % tolerance. The weights must be drawn from `rng`.
    """
    return init_check(kind).run(init)


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


def _activation_random(activation):
    def draw(rng):
        z = rng.normal(0, 3, int(rng.integers(3, 12)))
        z[z == 0] = 1.0
        with_alpha = activation in ("leaky_relu", "elu")
        return Case("random z" + (", random α" if with_alpha else ""),
                    (z, float(rng.uniform(0.05, 2))) if with_alpha else (z,))
    return draw


def activation_check(activation="elu"):
    """The check of the derivative of `activation` (see :func:`check_activation_grad`)."""
    if activation not in DERIVATIVES:
        raise ValueError(f"activation must be one of {tuple(DERIVATIVES)}; got {activation!r}")
    z = np.array([-1000.0, -30.0, -3.0, -1.0, -0.5, 0.5, 1.0, 3.0, 1000.0])
    grid = np.linspace(-4, 4, 12).reshape(3, 4)  # 12 points: 0 is not among them
    if activation in ("leaky_relu", "elu"):
        cases = [Case("z from −1000 to 1000, α = 1", (z, 1.0)),
                 Case("z from −1000 to 1000, α = 0.3", (z, 0.3)),
                 Case("a (3, 4) array of z, α = 2", (grid, 2.0))]
    else:
        cases = [Case("z from −1000 to 1000", (z,)), Case("a (3, 4) array of z", (grid,))]
    return Check(f"derivative of {activation}", DERIVATIVES[activation], cases, _ACTIVATION_MISTAKES[activation],
                 random_case=_activation_random(activation))


def check_activation_grad(derivative, activation="elu"):
    """Check the derivative f′(z) of an activation, elementwise on arrays.

    ``activation``: "sigmoid", "tanh" or "relu" (then ``derivative(z)``), or "leaky_relu" or "elu" (then
    ``derivative(z, alpha)``, with LeakyReLU(z) = z for z > 0, αz otherwise, and ELU(z) = z for z > 0,
    α(eᶻ − 1) otherwise). The kink z = 0, where conventions differ, is not tested; |z| up to 1000 is.
    """
    return activation_check(activation).run(derivative)
