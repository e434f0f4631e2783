r"""Fair comparisons of optimizers (chapter 11): learning-rate sweeps over seeds, chosen on a validation split.

A fair comparison gives every optimizer the same chances:

1. the same model, data, mini-batches, epochs and initialisations (seeds);
2. the same grid of learning rates, each tried with every seed;
3. the learning rate is chosen by the **validation** loss (a part of the training data held out), never by the
   test set, which is looked at once, at the end, to report the result;
4. results are means over seeds with 95 % intervals, optimizers are compared by paired differences over the same
   seeds (:mod:`descent.evidence`), and the chosen configurations are rerun on fresh seeds and another split.

:func:`sweep` trains all (learning rate, seed) pairs of one optimizer at once, as ``R·S`` models of one
:class:`descent.nn.MLP`; :func:`pick_best_lr` chooses the learning rate and :func:`table` summarises sweeps
(means with 95 % intervals over seeds; :mod:`descent.evidence` compares them).
"""

import itertools
from dataclasses import dataclass

import numpy as np

from . import _args, nn
from .data import Split
from .evidence import interval


def validation_split(split, fraction=0.2, seed=0):
    """Hold out a stratified `fraction` of ``split``'s *training* part: returns ``Split(X_fit, y_fit, X_val,
    y_val)``, whose "test" part is the validation set. The test part of `split` is not touched."""
    from sklearn.model_selection import train_test_split

    if not isinstance(split, Split):
        raise TypeError(f"split must be a descent.data.Split; got {_args.describe(split)}")
    fraction = _args.fraction("fraction", fraction)
    seed = _args.positive_int("seed", seed, minimum=0)
    X_fit, X_val, y_fit, y_val = train_test_split(split.X_train, split.y_train, test_size=fraction,
                                                  random_state=seed, stratify=split.y_train)
    return Split(X_fit, y_fit, X_val, y_val)


def grid(**axes):
    """Every combination of the values of `axes`, as columns for a vectorised run.

    Returns ``(columns, shape)``: ``columns[name]`` has shape (n, 1), n = the product of the lengths, in the order
    of ``itertools.product`` (the last axis varies fastest), so a per-model result ``r`` of shape (n,) reshapes to
    ``r.reshape(shape)`` with one axis per keyword. ``grid(lr=[0.1, 1.0], beta=[0.0, 0.9])`` gives 4 models.
    """
    if not axes:
        raise ValueError("grid needs at least one axis, e.g. grid(lr=[0.01, 0.1])")
    values = {name: np.atleast_1d(_args.real_array(name, v)).astype(float, copy=False) for name, v in axes.items()}
    for name, v in values.items():
        if v.ndim != 1 or v.size == 0:
            raise ValueError(f"{name} must be a non-empty 1-D list of values; got {_args.describe(axes[name])}")
    rows = np.array(list(itertools.product(*values.values())))
    columns = {name: rows[:, [i]] for i, name in enumerate(values)}
    return columns, tuple(len(v) for v in values.values())


@dataclass(repr=False)
class Sweep:
    """The result of :func:`sweep`: ``lrs`` (R,), ``seeds`` (S,), the training ``history`` of the R·S models
    (model ``r·S + s`` has learning rate ``lrs[r]`` and initialisation seed ``seeds[s]``; its "test" arrays are the
    validation set) and the final ``test_loss``, ``test_accuracy`` on the held-out test set, shape (R, S)."""

    name: str
    lrs: np.ndarray
    seeds: np.ndarray
    history: nn.History
    test_loss: np.ndarray
    test_accuracy: np.ndarray

    def curves(self, metric):
        """A per-epoch array of the history (``"loss"``, ``"test_loss"`` = validation, …) as (epochs + 1, R, S); the
        rows between the first and the last are NaN unless the sweep ran with ``every_epoch=True``."""
        metric = _args.choice("metric", metric, ("loss", "test_loss", "accuracy", "test_accuracy", "grad_norms"))
        values = getattr(self.history, metric)
        return values.reshape(values.shape[:1] + (len(self.lrs), len(self.seeds)) + values.shape[2:])

    def final(self, metric):
        """The last epoch's value of a per-epoch metric, shape (R, S)."""
        return self.curves(metric)[-1]

    @property
    def train_loss(self):
        return self.final("loss")

    @property
    def val_loss(self):
        return self.final("test_loss")

    @property
    def best_lr(self):
        return pick_best_lr(self.lrs, self.train_loss, self.val_loss)

    @property
    def best(self):
        """Index of the best learning rate in ``lrs``."""
        return int(np.flatnonzero(self.lrs == self.best_lr)[0])

    def __repr__(self):
        return (f"Sweep({self.name}: {len(self.lrs)} learning rates × {len(self.seeds)} seeds, "
                f"{len(self.history.loss) - 1} epochs, best lr {self.best_lr:.3g})")


def sweep(make_optimizer, lrs, data, test, sizes, epochs, seeds=3, batch_size=32, name=None, every_epoch=False,
          **mlp_kwargs):
    """Train one optimizer for every learning rate in `lrs` and every seed s, …, s + seeds − 1, all at once
    (s is the ``seed`` keyword of the MLP, default 0).

    ``make_optimizer(lr)`` builds the optimizer from an lr array of shape (R·S, 1), e.g. ``lambda lr:
    descent.Adam(lr=lr)``. `data` is the (fit, validation) split from :func:`validation_split`; `test` is a
    :class:`~descent.data.Split` whose test part is evaluated once, after training. Seed s draws the initial
    weights *and* the mini-batch order; every learning rate, and every optimizer swept with the same seeds, sees
    the same starts and batches for seed s (common random numbers make the comparison less noisy, and make paired
    differences over seeds meaningful). The per-epoch records (:meth:`Sweep.curves`) are taken before training and
    after the last epoch only, unless ``every_epoch=True`` (they cost about a third of a short sweep's time). Extra
    keywords go to :class:`descent.nn.MLP`.
    """
    if not callable(make_optimizer):
        raise TypeError(f"make_optimizer must be a function of the lr array, e.g. lambda lr: descent.Adam(lr=lr); "
                        f"got {_args.describe(make_optimizer)}")
    lrs = np.atleast_1d(_args.positive("lrs", lrs))
    if lrs.ndim != 1:
        raise ValueError(f"lrs must be a 1-D list of learning rates; got shape {lrs.shape}")
    n_seeds = _args.positive_int("seeds", seeds)
    if not isinstance(test, Split):
        raise TypeError(f"test must be a descent.data.Split (its test part is used); got {_args.describe(test)}")
    net, batch_seeds = seeded(sizes, len(lrs), n_seeds, **mlp_kwargs)  # model r·S + s: seed s's start and batches
    opt = make_optimizer(np.repeat(lrs, n_seeds)[:, None])
    history = nn.train(net, opt, data, epochs, batch_size=batch_size, seed=batch_seeds, grad_norms=False,
                       every_epoch=every_epoch)
    with np.errstate(all="ignore"):
        test_loss, _ = net.loss_and_grad(test.X_test, test.y_test)
        test_accuracy = np.where(history.diverged, np.nan, net.accuracy(test.X_test, test.y_test))
    shape = (len(lrs), n_seeds)
    return Sweep(name or type(opt).__name__, lrs, np.array(batch_seeds[:n_seeds]), history,
                 test_loss.reshape(shape), test_accuracy.reshape(shape))


def pick_best_lr(lrs, train_loss, val_loss):
    """The learning rate whose mean **validation** loss over seeds is lowest.

    `train_loss` and `val_loss` have shape (R, S): final losses for R learning rates × S seeds. A learning rate
    that diverged (a non-finite loss) for any seed is out: it would fail as often in your next run. The training
    loss is not used for the choice (it rewards overfitting); it is an argument so the signature shows both.
    """
    lrs = np.atleast_1d(_args.positive("lrs", lrs))
    val_loss = np.asarray(val_loss, dtype=float)
    if val_loss.ndim != 2 or val_loss.shape[0] != len(lrs):
        raise ValueError(f"val_loss must have shape ({len(lrs)}, seeds); got shape {val_loss.shape}")
    _args.same_shape("train_loss", train_loss, val_loss.shape)
    mean = np.where(np.isfinite(val_loss).all(axis=1), val_loss.mean(axis=1), np.inf)
    if np.isinf(mean).all():
        raise ValueError("every learning rate diverged for some seed: extend the grid to smaller values")
    return float(lrs[np.argmin(mean)])


def table(sweeps):
    """A text table: per optimizer the chosen lr, its mean validation loss, and the test accuracy and loss at that
    lr as means over seeds with their 95 % t intervals (:func:`descent.evidence.interval`), sorted by mean test
    accuracy; also how many of the R·S runs diverged. Compare optimizers with :func:`descent.evidence.paired`.
    `sweeps`: :class:`Sweep` results (a non-empty list, or any iterable of them)."""
    given = sweeps
    try:
        sweeps = [given] if isinstance(given, Sweep) else list(given)
    except TypeError:  # not iterable
        sweeps = []
    if not sweeps or not all(isinstance(s, Sweep) for s in sweeps):
        raise TypeError(f"sweeps must be a non-empty list of Sweep results of experiments.sweep; "
                        f"got {_args.describe(given)}")
    rows = [f"{'optimizer':<9} {'best lr':>7} {'val loss':>8}  {'test accuracy [95 %]':<21}"
            f"{'test loss [95 %]':<21}{'diverged':>8}"]
    for s in sorted(sweeps, key=lambda s: -s.test_accuracy[s.best].mean()):
        acc, loss = interval(s.test_accuracy[s.best]), interval(s.test_loss[s.best])
        rows.append(f"{s.name:<9} {s.best_lr:>7.3g} {s.val_loss[s.best].mean():>8.3f}  {str(acc):<21}"
                    f"{str(loss):<21}{int(s.history.diverged.sum()):>4d}/{s.history.diverged.size}")
    return "\n".join(rows)


def seeded(sizes, configs, seeds=5, seed=0, network=None, **mlp_kwargs):
    """One MLP of ``configs · seeds`` models for a (configuration × seed) grid, and the batch seeds to train it.

    Model ``c·S + s`` starts from the weights of seed ``seed + s`` whatever its configuration c, and
    ``nn.train(net, opt, data, epochs, seed=batch_seeds)`` gives it the mini-batch order of that seed too, so
    configurations are compared on the same starts and batches (paired over seeds). An optimizer hyper-parameter
    that varies with c is passed as a column of length ``configs · seeds``: ``np.repeat(values, seeds)[:, None]``.
    ``network``: the class to build, :class:`descent.nn.MLP` (the default) or a subclass such as
    :class:`descent.layers.NormMLP` or :class:`descent.layers.ResidualMLP`; extra keywords go to it.
    Returns ``(net, batch_seeds)``; reshape a per-model result to ``(configs, seeds)``.
    """
    configs = _args.positive_int("configs", configs)
    n_seeds = _args.positive_int("seeds", seeds)
    seed = _args.positive_int("seed", seed, minimum=0)
    network = nn.MLP if network is None else network
    if not (isinstance(network, type) and issubclass(network, nn.MLP)):
        raise TypeError(f"network must be descent.nn.MLP or a subclass of it (such as descent.layers.NormMLP); "
                        f"got {_args.describe(network)}")
    starts = network(sizes, seed=seed, n_models=n_seeds, **mlp_kwargs).theta
    net = network(sizes, seed=seed, n_models=configs * n_seeds, **mlp_kwargs)
    net.theta = np.tile(starts, (configs, 1))
    return net, [int(s) for s in np.tile(seed + np.arange(n_seeds), configs)]
