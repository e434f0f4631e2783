r"""Tuning with equal budgets: random search, best-so-far curves, steps to a target (chapter 18).

The protocol of a fair comparison of optimizers, as code:

1. every method declares a **search space**, one distribution per hyper-parameter: :class:`LogUniform` for a
   learning rate or a weight decay (a scale parameter: each decade equally likely), :class:`OneMinusLogUniform` for
   a decay rate β (1 − β log-uniform: 0.9, 0.99 and 0.999 equally far apart), :class:`Uniform` otherwise;
2. every method gets the **same budget**: the same number of trials of :func:`random_search`, each trained for the
   same steps on the same workload; the trials are drawn from quantiles u ∈ [0, 1) that are the same for every
   method, so the k-th hyper-parameter of trial i sits at the same quantile of each method's range;
3. a search is repeated with several seeds: search s draws its trials from seed s, and seed s also draws the initial
   weights and the mini-batch order of all its trials, for every method (common random numbers: searches are
   paired over seeds across methods);
4. a trial is chosen by its final **validation** loss; the test set is evaluated for every trial, but only the
   chosen trial's test score is reported (:meth:`Search.chosen_test`);
5. the reports: the best validation loss after k trials, k = 1, …, K (:func:`best_so_far`), with an interval over
   the repeated searches; the fewest steps any trial needed to reach a target validation loss
   (:func:`steps_to_target`); the test score of the chosen trial, compared with :mod:`descent.evidence`.

All trials × seeds of one method train at once, as the models of one :class:`descent.nn.MLP`, with hyper-parameter
columns of shape (trials · seeds, 1) that broadcast against θ.
"""

import inspect
from dataclasses import dataclass

import numpy as np

from . import _args, experiments, nn
from .data import Split
from .optimizers import AdamW, Layerwise


@dataclass(frozen=True)
class LogUniform:
    """log x uniform on [log low, log high]: x = low · (high/low)^u."""

    low: float
    high: float

    def __post_init__(self):
        _bounds(self, _args.number("low", self.low, _args.positive), _args.number("high", self.high, _args.positive))

    def __call__(self, u):
        return self.low * (self.high / self.low) ** u

    def quantile(self, x):
        """The u that gives x: where x lies in the range, 0 at low, 1 at high."""
        return np.log(x / self.low) / np.log(self.high / self.low)


@dataclass(frozen=True)
class OneMinusLogUniform:
    """A decay rate β in [low, high] ⊂ [0, 1) with 1 − β log-uniform: β = 1 − (1 − low) · ((1 − high)/(1 − low))^u."""

    low: float
    high: float

    def __post_init__(self):
        _bounds(self, _args.number("low", self.low, _args.decay_rate),
                _args.number("high", self.high, _args.decay_rate))

    def __call__(self, u):
        return 1 - (1 - self.low) * ((1 - self.high) / (1 - self.low)) ** u

    def quantile(self, x):
        """The u that gives x: where x lies in the range, 0 at low, 1 at high."""
        return np.log((1 - x) / (1 - self.low)) / np.log((1 - self.high) / (1 - self.low))


@dataclass(frozen=True)
class Uniform:
    """x uniform on [low, high]: x = low + (high − low) · u."""

    low: float
    high: float

    def __post_init__(self):
        _bounds(self, _args.number("low", self.low), _args.number("high", self.high))

    def __call__(self, u):
        return self.low + (self.high - self.low) * u

    def quantile(self, x):
        """The u that gives x: where x lies in the range, 0 at low, 1 at high."""
        return (x - self.low) / (self.high - self.low)


DISTRIBUTIONS = (LogUniform, OneMinusLogUniform, Uniform)


def _bounds(dist, low, high):
    if not low < high:
        raise ValueError(f"{type(dist).__name__} needs low < high; got low={low!r}, high={high!r}")
    object.__setattr__(dist, "low", low)
    object.__setattr__(dist, "high", high)


def _space(space):
    if not isinstance(space, dict) or not space or not all(isinstance(k, str) for k in space):
        raise TypeError(f"space must be a non-empty dict {{hyper-parameter name: distribution}}, e.g. "
                        f"{{'lr': LogUniform(1e-4, 1e-1)}}; got {_args.describe(space)}")
    for name, dist in space.items():
        if not isinstance(dist, DISTRIBUTIONS):
            raise TypeError(f"space[{name!r}] must be a LogUniform, OneMinusLogUniform or Uniform; "
                            f"got {_args.describe(dist)}")
    return space


def sample(space, trials, seeds=5, seed=0):
    """The trials of `seeds` repeated random searches: ``{name: array (trials, seeds)}``.

    Search s draws quantiles u from ``np.random.default_rng(seed + s)``, one row of `trials` per hyper-parameter in
    the order of `space`, and maps them through each distribution. The k-th hyper-parameter of trial i of search s
    therefore has the same quantile in every search space: put the learning rate first everywhere.
    """
    space = _space(space)
    trials, n_seeds = _args.positive_int("trials", trials), _args.positive_int("seeds", seeds)
    seed = _args.positive_int("seed", seed, minimum=0)
    u = np.stack([np.random.default_rng(seed + s).random((len(space), trials)) for s in range(n_seeds)], axis=-1)
    return {name: dist(u[k]) for k, (name, dist) in enumerate(space.items())}


def best_so_far(scores):
    """The best (lowest) score among trials 1, …, k, for every k: a running minimum along axis 0 (trials).

    A trial that diverged (NaN or ±inf) is not usable and never the best; before the first usable trial the best
    so far is +inf. `scores`: shape (trials,) or (trials, searches …).
    """
    scores = _args.real_array("scores", scores, finite=False)
    if scores.ndim == 0 or scores.shape[0] == 0:
        raise ValueError(f"scores must have at least one trial along axis 0; got {_args.describe(scores)}")
    return np.minimum.accumulate(np.where(np.isfinite(scores), scores, np.inf), axis=0)


def steps_to_target(curves, target, steps_per_point):
    """The number of steps after which a curve first reaches `target` or below, +inf if it never does.

    `curves`: validation losses recorded every `steps_per_point` steps, along axis 0 (entry 0 before training), so
    entry j is at step j · steps_per_point; the result has the shape of the other axes.
    """
    curves = _args.real_array("curves", curves, finite=False)
    if curves.ndim == 0 or curves.shape[0] == 0:
        raise ValueError(f"curves must have at least one point along axis 0; got {_args.describe(curves)}")
    target = _args.number("target", target)
    steps_per_point = _args.positive_int("steps_per_point", steps_per_point)
    with np.errstate(invalid="ignore"):
        reached = curves <= target
    first = np.argmax(reached, axis=0)
    return np.where(reached.any(axis=0), first * steps_per_point, np.inf)


@dataclass(repr=False)
class Workload:
    """What every method is trained on: a network ``sizes`` (and keywords of :class:`descent.nn.MLP` such as
    ``activation``), ``data`` (a fit/validation :class:`~descent.data.Split`, from
    :func:`descent.experiments.validation_split`), ``test`` (a Split whose test part is the test set), ``epochs``
    and ``batch_size``."""

    name: str
    sizes: tuple
    data: Split
    test: Split
    epochs: int
    batch_size: int = 32
    mlp: dict = None

    def __post_init__(self):
        if not isinstance(self.name, str):
            raise TypeError(f"name must be a string; got {_args.describe(self.name)}")
        for part in ("data", "test"):
            if not isinstance(getattr(self, part), Split):
                raise TypeError(f"{part} must be a descent.data.Split; got {_args.describe(getattr(self, part))}")
        self.epochs = _args.positive_int("epochs", self.epochs)
        self.batch_size = _args.positive_int("batch_size", self.batch_size)
        self.mlp = dict(self.mlp or {})
        self.sizes = nn.MLP(self.sizes, **self.mlp).sizes  # bad sizes or keywords fail now, not in a search
        for part in (self.data, self.test):
            if part.n_features != self.sizes[0] or part.n_classes > self.sizes[-1]:
                raise ValueError(f"sizes must start with the {part.n_features} features of the data and end with at "
                                 f"least its {part.n_classes} classes; got sizes {self.sizes}")

    @property
    def steps(self):
        """The training budget in optimizer steps."""
        return self.epochs * -(-len(self.data.y_train) // self.batch_size)

    def __repr__(self):
        return f"Workload({self.name}: MLP {self.sizes}, {self.epochs} epochs = {self.steps} steps)"


@dataclass(repr=False)
class Search:
    """The result of :func:`random_search`: ``hyper`` ``{name: (trials, seeds)}`` (trial i of search s),
    ``val_loss`` (epochs + 1, trials, seeds) the validation loss after each epoch, ``test_loss`` and
    ``test_accuracy`` (trials, seeds) at the end, ``steps_per_epoch``, and ``seconds_per_step``: the wall-clock
    training time of the search divided by its steps and by its trials · seeds models (a measurement of the machine
    that ran it: it changes from run to run, unlike everything else here)."""

    name: str
    hyper: dict
    val_loss: np.ndarray
    test_loss: np.ndarray
    test_accuracy: np.ndarray
    steps_per_epoch: int
    seconds_per_step: float = float("nan")

    @property
    def final(self):
        """The final validation loss of every trial, (trials, seeds): what a trial is judged by."""
        return self.val_loss[-1]

    def best_so_far(self):
        """The best final validation loss among the first k trials of each search, (trials, seeds)."""
        return best_so_far(self.final)

    @property
    def chosen(self):
        """The trial chosen on validation in each search, (seeds,); −1 where every trial diverged."""
        final = np.where(np.isfinite(self.final), self.final, np.inf)
        return np.where(np.isfinite(final).any(axis=0), np.argmin(final, axis=0), -1)

    def chosen_test(self, metric="test_accuracy"):
        """The test score (``"test_accuracy"`` or ``"test_loss"``) of the chosen trial of each search, (seeds,);
        NaN for a search whose trials all diverged."""
        values = getattr(self, _args.choice("metric", metric, ("test_accuracy", "test_loss")))
        chosen = self.chosen
        return np.where(chosen >= 0, values[chosen, np.arange(chosen.size)], np.nan)

    def steps_to_target(self, target):
        """The fewest steps any trial of each search needed to reach validation loss `target`, (seeds,); +inf if
        none did."""
        return steps_to_target(self.val_loss, target, self.steps_per_epoch).min(axis=0)

    def time_to_target(self, target):
        """:meth:`steps_to_target` × ``seconds_per_step``, (seeds,): the time to the target of one run on the
        machine that ran the search (+inf if no trial reached it)."""
        return self.steps_to_target(target) * self.seconds_per_step

    def __repr__(self):
        epochs, trials, seeds = self.val_loss.shape
        best = self.best_so_far()[-1]
        return (f"Search({self.name}: {trials} trials × {seeds} searches, {epochs - 1} epochs; best validation "
                f"loss {np.mean(best):.3g} on average, {int(np.sum(~np.isfinite(self.final)))} runs diverged)")


def layerwise(matrix_optimizer, **fixed):
    """A `make_optimizer` for :func:`random_search` that steps each weight matrix with its own ``matrix_optimizer``
    and the biases with AdamW (:class:`descent.optimizers.Layerwise`). The search space names the hyper-parameters
    of ``matrix_optimizer`` and ``lr_others``, AdamW's learning rate; `fixed` are further keywords of
    ``matrix_optimizer``. The columns (n, 1) become (n, 1, 1), to broadcast against the matrices (n, fan_out,
    fan_in) of the n runs."""
    if not callable(matrix_optimizer):
        raise TypeError(f"matrix_optimizer must be an optimizer class such as descent.Muon; "
                        f"got {_args.describe(matrix_optimizer)}")

    def make(net, lr_others, **hyper):
        columns = {name: value[..., None] for name, value in hyper.items()}
        return Layerwise(net, matrix_optimizer(**columns, **fixed), AdamW(lr=lr_others))

    return make


def random_search(make_optimizer, space, workload, trials, seeds=5, seed=0, name=None):
    """`seeds` random searches of `trials` trials each for one method, trained all at once; returns a :class:`Search`.

    ``make_optimizer(**hyper)`` builds the optimizer from hyper-parameter columns of shape (trials · seeds, 1),
    e.g. ``descent.Adam`` for ``space = {"lr": …, "beta1": …}``; when it has a parameter ``net``, the network is
    passed too (for :class:`descent.optimizers.Layerwise`, which cuts θ into weight matrices). Model
    ``i · seeds + s`` is trial i of search s, drawn by :func:`sample` (search s from seed ``seed + s``), and starts
    from the weights and sees the mini-batches of seed ``seed + s`` (:func:`descent.experiments.seeded`).
    Validation losses are recorded after every epoch and the test set is evaluated once, at the end, both at the
    optimizer's ``eval_point`` if it has one (Schedule-Free: the average x, not the y that is trained).
    """
    if not callable(make_optimizer):
        raise TypeError(f"make_optimizer must be a function of the hyper-parameter columns, e.g. lambda lr: "
                        f"descent.Adam(lr=lr); got {_args.describe(make_optimizer)}")
    if not isinstance(workload, Workload):
        raise TypeError(f"workload must be a descent.tuning.Workload; got {_args.describe(workload)}")
    hyper = sample(space, trials, seeds, seed)  # checks trials, seeds and seed too
    net, batch_seeds = experiments.seeded(workload.sizes, trials, seeds, seed=seed, **workload.mlp)
    columns = {key: value.reshape(-1, 1) for key, value in hyper.items()}
    takes_net = "net" in inspect.signature(make_optimizer).parameters
    opt = make_optimizer(net=net, **columns) if takes_net else make_optimizer(**columns)
    evaluate_at = getattr(opt, "eval_point", None)
    history = nn.train(net, opt, workload.data, workload.epochs, batch_size=workload.batch_size, seed=batch_seeds,
                       grad_norms=False, evaluate_at=evaluate_at)
    with np.errstate(all="ignore"):
        if evaluate_at is not None:
            net.theta[...] = evaluate_at(net.theta.copy())
        test_loss, _ = net.loss_and_grad(workload.test.X_test, workload.test.y_test)
        test_accuracy = np.where(history.diverged, np.nan, net.accuracy(workload.test.X_test, workload.test.y_test))
    shape = (trials, seeds)
    epochs_run = np.sum(np.isfinite(history.seconds)) - 1  # training stops early if every model diverged
    seconds = history.seconds[epochs_run] / max(1, epochs_run * history.steps_per_epoch * trials * seeds)
    return Search(name or type(opt).__name__, hyper, history.test_loss.reshape((-1,) + shape),
                  test_loss.reshape(shape), test_accuracy.reshape(shape), history.steps_per_epoch, float(seconds))
