r"""Online convex optimisation (chapter 15): a stream of convex losses f₁, f₂, … played one at a time, projection
onto the feasible set, and regret.

At step t the learner holds x_t in a feasible set F, pays f_t(x_t), receives g_t = ∇f_t(x_t) and moves; its
regret after T steps compares the losses paid with the best single point in hindsight,

    R_T = Σ_{t ≤ T} f_t(x_t) − min_{x ∈ F} Σ_{t ≤ T} f_t(x).

Here F is a box [low, high]^d: the Euclidean projection onto it is clipping each coordinate, and so is the
projection in any norm weighted by a positive diagonal matrix (the box is a product of intervals), which is the
projection Reddi et al. (2018) use for Adam and AMSGrad. Everything is vectorised over leading axes of x.
"""

import numpy as np

from . import _args


class LinearLosses:
    r"""The periodic linear losses of Reddi, Kale & Kumar (2018) on F = [−1, 1]:

        f_t(x) = C·x   if t ≡ 1 (mod period),      f_t(x) = −slope·x   otherwise.

    Their Theorem 1 takes period 3, slope 1 and C > 2; their synthetic experiment period 101, C = 1010 and slope 10.
    Over a full period the gradients sum to C − (period − 1)·slope; when that is > 0, x = −1 has the smallest total
    loss. `C`, `slope` > 0 are numbers, `period` an integer ≥ 2.
    """

    low, high = -1.0, 1.0

    def __init__(self, C, period=3, slope=1.0):
        self.C = _args.number("C", C, _args.positive)
        self.period = _args.positive_int("period", period, minimum=2)
        self.slope = _args.number("slope", slope, _args.positive)

    def __call__(self, t, x):
        """(f_t(x), ∇f_t(x)) for step t = 1, 2, …; both shaped like x (each entry is a run of its own)."""
        g = np.full(np.shape(x), self.C if t % self.period == 1 else -self.slope)
        return g * x, g

    def best(self, steps):
        """The x in F with the smallest total loss over `steps` steps, and that total (the comparator of the regret)."""
        t = np.arange(1, _args.positive_int("steps", steps) + 1)
        total_slope = float(np.where(t % self.period == 1, self.C, -self.slope).sum())
        x = self.low if total_slope > 0 else self.high
        return x, total_slope * x

    def __repr__(self):
        return f"LinearLosses(C={self.C:g}, period={self.period}, slope={self.slope:g})"


class LogisticStream:
    r"""Online logistic regression on a stream of examples (x_t, y_t), y_t ∈ {0, 1}:

        f_t(θ) = log(1 + exp(x_tᵀθ)) − y_t x_tᵀθ,       ∇f_t(θ) = (σ(x_tᵀθ) − y_t) x_t,

    convex in θ. A zero feature gives a zero gradient coordinate: sparse features give sparse gradients.
    `X`: a (T, …, d) array of finite reals, `y`: labels 0 or 1 of shape (T, …): the axes between T and d are
    streams side by side (one per seed, say), which broadcast against the leading axes of θ.
    """

    low, high = -np.inf, np.inf

    def __init__(self, X, y):
        examples, labels = _args.real_array("X", X), _args.real_array("y", y)
        if examples.ndim < 2 or examples.size == 0:
            raise ValueError(f"X must be a non-empty (T, d) or (T, …, d) array of examples; got {_args.describe(X)}")
        if labels.shape != examples.shape[:-1] or not np.all((labels == 0) | (labels == 1)):
            raise ValueError(f"y must hold labels 0 or 1 of shape {examples.shape[:-1]}; got {_args.describe(y)}")
        self.X, self.y = examples, labels

    def __call__(self, t, theta):
        """(f_t(θ), ∇f_t(θ)) for step t = 1, …, T: the log-loss of example t (shaped like θ's leading axes) and
        its gradient (shaped like θ)."""
        x, y = self.X[t - 1], self.y[t - 1]
        if np.shape(theta)[-1:] != x.shape[-1:]:
            raise ValueError(f"theta must have shape (..., {x.shape[-1]}), one weight per feature; got "
                             f"{_args.describe(theta)}")
        z = np.sum(theta * x, axis=-1)
        return np.logaddexp(0.0, z) - y * z, (1 / (1 + np.exp(-z)) - y)[..., None] * x


def sparse_features(steps, features, seed=0, weight=2.0):
    """A stream for :class:`LogisticStream` whose informative features are rare: feature j (j = 0, …, d − 1) is 1
    with probability 1/(j + 2) and 0 otherwise, and y ~ Bernoulli(σ(xᵀθ*)) with θ*_j = ±`weight` (random signs).

    Common features are seen at almost every step, most features rarely, but every one of them moves the label by
    as much. Returns ``(X, y, theta_star)``; `steps`, `features` are integers ≥ 1, `seed` an integer ≥ 0.
    """
    steps = _args.positive_int("steps", steps)
    features = _args.positive_int("features", features)
    rng = np.random.default_rng(_args.positive_int("seed", seed, minimum=0))
    weight = _args.number("weight", weight, _args.positive)
    X = (rng.random((steps, features)) < 1 / (np.arange(features) + 2)).astype(float)
    theta_star = weight * rng.choice([-1.0, 1.0], features)
    y = (rng.random(steps) < 1 / (1 + np.exp(-X @ theta_star))).astype(float)
    return X, y, theta_star


def project(x, low, high):
    """The projection of x onto the box [low, high] (coordinate by coordinate): ``np.clip``. A NaN stays NaN.

    `x`: real numbers; `low` ≤ `high`: numbers (±inf allowed) or arrays that broadcast against x.
    """
    x = _args.real_array("x", x, finite=False)
    low, high = _args.real_array("low", low, finite=False), _args.real_array("high", high, finite=False)
    if np.isnan(low).any() or np.isnan(high).any() or not np.all(low <= high):
        raise ValueError(f"low and high must be numbers with low <= high (±inf allowed); got low="
                         f"{_args.describe(low)}, high={_args.describe(high)}")
    return np.clip(x, low, high)


def play(opt, losses, x0, steps, bound=None, iterates=False):
    """Play `steps` rounds: pay f_t(x_t), then x_{t+1} = Π_F(opt.step(x_t, ∇f_t(x_t))), F = [−bound, bound]
    (default: the losses' own box, [−1, 1] for :class:`LinearLosses`, none for :class:`LogisticStream`).

    Returns the losses paid, f_1(x_1), …, f_T(x_T), an array of shape (steps, …); with ``iterates=True`` also
    x_1, …, x_{T+1}, shape (steps + 1, *x0.shape). The optimizer is reset first; its hyper-parameters may
    broadcast against x0 (a sweep). If the game raises (a bad argument, or losses that do not fit x0), the
    optimizer is restored as it was.
    """
    _args.optimizer("opt", opt)
    if not callable(losses) or isinstance(losses, type):
        raise TypeError(f"losses must be online losses, (t, x) -> (f_t(x), ∇f_t(x)), such as "
                        f"descent.online.LinearLosses(C=3); got {_args.describe(losses)}")
    x = np.array(_args.real_array("x0", x0), dtype=float)
    steps = _args.positive_int("steps", steps)
    iterates = _args.flag("iterates", iterates)
    high = getattr(losses, "high", np.inf) if bound is None else _args.positive("bound", bound)
    low = getattr(losses, "low", -np.inf) if bound is None else -high
    with _args.unchanged_on_error(opt):
        return _play(opt, losses, x, steps, low, high, iterates)


def _play(opt, losses, x, steps, low, high, iterates):
    opt.reset()
    xs = [x] if iterates else None
    paid = []
    for t in range(1, steps + 1):
        value, g = losses(t, x)
        paid.append(value)
        x = project(opt.step(x, g), low, high)
        if iterates:
            xs.append(x)
    paid = np.array(paid)
    return (paid, np.array(xs)) if iterates else paid


def regret(losses, paid, comparator=None):
    """R_t = Σ_{k ≤ t} f_k(x_k) − Σ_{k ≤ t} f_k(x*) for t = 1, …, T, from the losses `paid` (what :func:`play`
    returns) and a `comparator` x* (default: the best point in hindsight over all T steps, for
    :class:`LinearLosses`). Shape of `paid`."""
    given, paid = paid, _args.real_array("paid", paid, finite=False)
    if paid.ndim == 0 or len(paid) == 0:
        raise ValueError(f"paid must hold the losses of at least one step (what play returns); got "
                         f"{_args.describe(given)}")
    if comparator is None:
        if not isinstance(losses, LinearLosses):
            raise ValueError("comparator must be given for losses other than LinearLosses (their best point in "
                             "hindsight is not computed here); got None")
        comparator = np.full(paid.shape[1:], losses.best(len(paid))[0])
    best = np.array([losses(t, comparator)[0] for t in range(1, len(paid) + 1)])
    best = best.reshape(best.shape + (1,) * (paid.ndim - best.ndim))  # one comparator for all runs
    return np.cumsum(paid, axis=0) - np.cumsum(best, axis=0)
