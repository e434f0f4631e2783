r"""Diagnostics a learner can run on any training job: is the gradient right, are the steps the right size, are
units dead or saturated?

- Gradient check: the analytic gradient g against central differences ĝ_i = (L(θ + h e_i) − L(θ − h e_i))/2h, by
  the relative error |g_i − ĝ_i| / max(|g_i|, |ĝ_i|). In float64 with smooth activations a correct gradient gives
  about 1e-7 or less at h = 1e-5; 1e-2 or more means a bug (or a kink of ReLU crossed by the step h).
- Update-to-weight ratio ‖ΔW_l‖/‖W_l‖ of one optimizer step, per layer: about 1e-3 is the usual rule of thumb;
  1e-1 and the layer's weights are being overwritten, 1e-6 and the layer hardly learns.
- Forward signal size per layer, rms(a_l): it should neither vanish nor explode with depth.
- Dead and saturated units: f′(z) = 0 on every example (a dead ReLU gets no gradient ever again); |f′(z)| small
  (a saturated tanh or sigmoid passes almost no gradient back).
- Overfitting a tiny batch: full-batch steps on a handful of examples must drive the loss towards 0; a model,
  gradient or optimizer that cannot fit ten examples will not fit ten thousand.
- Learning-rate range test (Smith's): one short run whose learning rate grows geometrically, α_t =
  α_min (α_max/α_min)^{t/(T−1)}; the mini-batch loss against α shows where learning starts and where it blows up.
"""

import numpy as np

from . import _args
from .layers import unchanged
from .nn import MLP, batches
from .schedules import Schedule


def relative_error(a, b):
    """max_i |a_i − b_i| / max(|a_i|, |b_i|), with 0/0 = 0: the gradient check's measure, scale-free."""
    a, b = _args.real_array("a", a), _args.real_array("b", b)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape; got {a.shape} and {b.shape}")
    scale = np.maximum(np.abs(a), np.abs(b))
    return float(np.max(np.divide(np.abs(a - b), scale, out=np.zeros(a.shape), where=scale > 0), initial=0.0))


def numerical_gradient(loss, theta, h=1e-5, coords=None):
    """Central differences (L(θ + h e_i) − L(θ − h e_i))/2h of a scalar function `loss` of a 1-D θ, at the
    coordinates `coords` (default: all). θ itself is left unchanged."""
    theta = np.array(_args.real_array("theta", theta), dtype=np.float64)
    if theta.ndim != 1:
        raise ValueError(f"theta must be a 1-D parameter vector; got shape {theta.shape}")
    h = _args.positive("h", h)
    coords = np.arange(theta.size) if coords is None else np.asarray(coords)
    grad = np.empty(len(coords))
    for k, i in enumerate(coords):
        saved = theta[i]
        theta[i] = saved + h
        plus = float(loss(theta))
        theta[i] = saved - h
        minus = float(loss(theta))
        theta[i] = saved
        grad[k] = (plus - minus) / (2 * h)
    return grad


def gradient_check(loss_and_grad, theta, h=1e-5, n_coords=None, seed=0):
    """Relative error (:func:`relative_error`) between the gradient that ``loss_and_grad(θ) → (L, g)`` returns
    and central differences, on `n_coords` coordinates drawn at random (default: all). For a network::

        def loss_and_grad(theta):
            net.theta = theta
            return net.loss_and_grad(X, y)

    ``net.theta`` ends as it started: `loss_and_grad` is called at `theta` last.
    """
    if not callable(loss_and_grad):
        raise TypeError(f"loss_and_grad must be a function θ → (loss, gradient); got {_args.describe(loss_and_grad)}")
    theta = np.array(_args.real_array("theta", theta), dtype=np.float64)
    if theta.ndim != 1:
        raise ValueError(f"theta must be a 1-D parameter vector; got shape {theta.shape}")
    coords = None
    if n_coords is not None:
        n_coords = min(_args.positive_int("n_coords", n_coords), theta.size)
        coords = np.sort(np.random.default_rng(seed).choice(theta.size, n_coords, replace=False))
    numeric = numerical_gradient(lambda t: loss_and_grad(t)[0], theta, h, coords)
    grad = np.asarray(loss_and_grad(theta.copy())[1], dtype=np.float64)
    if grad.shape != theta.shape:
        raise ValueError(f"loss_and_grad must return a gradient of the shape of theta, {theta.shape}; "
                         f"got shape {grad.shape}")
    return relative_error(grad if coords is None else grad[coords], numeric)


def _check_net(net):
    if not isinstance(net, MLP):
        raise TypeError(f"net must be a descent.nn.MLP (or a descent.layers network); got {net!r:.80}")


def update_ratios(net, before, after):
    """‖ΔW_l‖/‖W_l‖ for every layer l, from the parameters `before` and `after` a step (the shape of
    ``net.theta``): shape (layers,) or (R, layers). Weights only; biases start at 0."""
    _check_net(net)
    before, after = (_args.real_array(name, v) for name, v in (("before", before), ("after", after)))
    for name, v in (("before", before), ("after", after)):
        if v.shape != net.theta.shape:
            raise ValueError(f"{name} must have the shape of net.theta, {net.theta.shape}; got shape {v.shape}")
    W_before, W_after = net.unflatten(before)[0], net.unflatten(after)[0]
    return np.stack([np.linalg.norm(a - b, axis=(-2, -1)) / np.linalg.norm(b, axis=(-2, -1))
                     for a, b in zip(W_after, W_before)], axis=-1)


def signal_rms(net, X):
    """The root-mean-square size √mean(a_l²) of each hidden layer's output on X (for a ResidualMLP: of the residual
    stream h_l), shape (hidden layers,) or (R, hidden layers): a forward signal that shrinks or explodes with depth."""
    _check_net(net)
    return np.stack([np.sqrt(np.mean(np.square(a), axis=(-2, -1))) for a in net.activations(X)], axis=-1)


def _pre_activations(net, X):
    """What f is applied to, layer by layer (the logits excluded), in the net's current mode: a NormMLP in training
    mode normalises with the statistics of X and updates its running statistics, as torch does."""
    return net._forward(net._check_X(X))[0][:-1]


def dead_units(net, X):
    """The fraction of hidden units, per layer, with f′(z) = 0 on every example of X (for ReLU: never active):
    shape (hidden layers,) or (R, hidden layers)."""
    _check_net(net)
    return np.stack([np.mean(np.all(net.activation.derivative(z) == 0, axis=-2), axis=-1)
                     for z in _pre_activations(net, X)], axis=-1)


def saturated_units(net, X, threshold=0.05):
    """The fraction of (example, unit) pairs, per hidden layer, where |f′(z)| < `threshold`: how much of the layer
    passes (almost) no gradient back. For tanh, |f′| < 0.05 means |z| > 2.2. Shape (hidden layers,) or
    (R, hidden layers)."""
    _check_net(net)
    threshold = _args.positive("threshold", threshold)
    return np.stack([np.mean(np.abs(net.activation.derivative(z)) < threshold, axis=(-2, -1))
                     for z in _pre_activations(net, X)], axis=-1)


def overfit_batch(net, opt, X, y, steps=200):
    """Take `steps` full-batch steps of `opt` on the tiny batch (X, y), then restore `net`; returns the loss on
    (X, y) before each step and after the last, shape (steps + 1,) or (steps + 1, R), NaN once a model diverged.
    A correct model and gradient drive it towards 0 (the network memorises the batch)."""
    _check_net(net)
    _args.optimizer("opt", opt)
    X, y = net._check_X(X), net._check_y(y, len(X))
    steps = _args.positive_int("steps", steps)
    losses = np.full((steps + 1,) + net.theta.shape[:-1], np.nan)
    opt.reset()
    with unchanged(net), np.errstate(all="ignore"):
        for t in range(steps + 1):
            loss, grad = net.loss_and_grad(X, y)
            losses[t] = np.where(np.isfinite(loss), loss, np.nan)
            if t < steps:
                opt.step(net.theta, np.where(np.isnan(losses[t])[..., None], np.nan, grad), out=net.theta)
    return losses


class _Geometric(Schedule):
    """α_t = α_min (α_max/α_min)^{t/(T−1)}: from α_min at t = 0 to α_max at t = T − 1."""

    def __init__(self, lr_min, lr_max, steps):
        super().__init__(lr_min)
        self.ratio, self.steps = lr_max / lr_min, steps

    def factor(self, t):
        return self.ratio ** (t / max(self.steps - 1, 1))


def lr_range_test(net, optimizer, X, y, lr_min=1e-4, lr_max=10.0, steps=200, batch_size=32, seed=0, **hyper):
    """Train `net` for `steps` mini-batch steps of ``optimizer(lr=α_t, **hyper)`` (a class such as
    ``descent.SGD``) with α_t growing geometrically from `lr_min` to `lr_max`, then restore it; returns
    ``(lrs, losses)``: the learning rate of each step and the mini-batch loss just before it (shape (steps,) or
    (steps, R)), NaN once a model diverged."""
    _check_net(net)
    X, y = net._check_X(X), net._check_y(y, len(X))
    lr_min, lr_max = _args.positive("lr_min", lr_min), _args.positive("lr_max", lr_max)
    if not lr_min < lr_max:
        raise ValueError(f"lr_min must be < lr_max; got lr_min={lr_min!r}, lr_max={lr_max!r}")
    steps = _args.positive_int("steps", steps)
    batch_size = _args.positive_int("batch_size", batch_size)
    schedule = _Geometric(lr_min, lr_max, steps)
    opt = optimizer(lr=schedule, **hyper)
    losses = np.full((steps,) + net.theta.shape[:-1], np.nan)
    rng, t = np.random.default_rng(_args.positive_int("seed", seed, minimum=0)), 0
    with unchanged(net), np.errstate(all="ignore"):
        while t < steps and (t == 0 or np.any(np.isfinite(losses[t - 1]))):
            for batch in batches(len(y), batch_size, rng):
                loss, grad = net.loss_and_grad(X[batch], y[batch])
                losses[t] = np.where(np.isfinite(loss), loss, np.nan)
                t += 1
                if t == steps or np.all(np.isnan(losses[t - 1])):
                    break
                opt.step(net.theta, np.where(np.isnan(losses[t - 1])[..., None], np.nan, grad), out=net.theta)
    return schedule(np.arange(steps)), losses
