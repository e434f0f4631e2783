r"""A tiny multilayer perceptron with hand-written backpropagation (chapters 2, 3, 11).

Layer l = 1, …, L maps the activations a_{l−1} (a_0 = X, one row per example) to

    z_l = a_{l−1} W_l + b_l,   a_l = f(z_l),

except the last layer, whose z_L are the logits. The loss is the softmax cross-entropy averaged over the batch,
L = (1/B) Σ_i (log Σ_k e^{z_ik} − z_{i,y_i}). Backpropagation starts from δ_L = ∂L/∂z_L = (softmax(z_L) − Y)/B
(Y the one-hot labels) and goes back one layer at a time:

    ∂L/∂W_l = a_{l−1}ᵀ δ_l,   ∂L/∂b_l = Σ_i δ_l,   δ_{l−1} = (δ_l W_lᵀ) ⊙ f′(z_{l−1}).

All parameters live in one flat vector ``theta`` and the weights and biases are views into it, so an optimizer
updates the whole network in one call: ``opt.step(net.theta, grad, out=net.theta)``. With ``n_models=R``, theta
has shape (R, P): R independent networks trained at once on the same mini-batches, e.g. one per learning rate of
``Adam(lr=np.logspace(-4, -1, R)[:, None])``.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import special
from threadpoolctl import threadpool_limits

from . import _args
from .optimizers import clip_by_norm


@dataclass(frozen=True, repr=False)
class Activation:
    """An elementwise activation f with its derivative f′: ``act(z)`` is f(z), ``act.derivative(z)`` is f′(z).
    ``second_derivative`` (f″, optional) is what exact Hessian-vector products need (:mod:`descent.curvature`)."""

    name: str
    value: Callable
    derivative: Callable
    second_derivative: Callable | None = None

    def __call__(self, z):
        return self.value(z)

    def __repr__(self):
        return f"Activation({self.name!r})"


def _sigmoid(z):
    return 0.5 * (1 + np.tanh(0.5 * z))  # = 1/(1 + e^{−z}), without overflow


def _sigmoid_derivative(z):
    s = _sigmoid(z)
    return s * (1 - s)


def _zero(z):
    return np.zeros_like(z, dtype=np.float64)


def _sigmoid_second(z):
    s = _sigmoid(z)
    return s * (1 - s) * (1 - 2 * s)


def _tanh_second(z):
    t = np.tanh(z)
    return -2 * t * (1 - t**2)


linear = Activation("linear", lambda z: z, lambda z: np.ones_like(z), _zero)
relu = Activation("relu", lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(np.float64), _zero)
leaky_relu = Activation("leaky_relu", lambda z: np.where(z > 0, z, 0.01 * z), lambda z: np.where(z > 0, 1.0, 0.01),
                        _zero)
sigmoid = Activation("sigmoid", _sigmoid, _sigmoid_derivative, _sigmoid_second)
tanh = Activation("tanh", np.tanh, lambda z: 1 - np.tanh(z) ** 2, _tanh_second)
elu = Activation("elu", lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0))),  # α = 1: α(eᶻ − 1) for z ≤ 0
                 lambda z: np.where(z > 0, 1.0, np.exp(np.minimum(z, 0))),
                 lambda z: np.where(z > 0, 0.0, np.exp(np.minimum(z, 0))))


# The smooth activations of today's networks (σ the sigmoid, Φ and φ the standard normal CDF and density).
# Each is f(z) = z·g(z) for a smooth gate g that goes from 0 (z → −∞) to 1 (z → +∞).

def _silu(z):
    return z * _sigmoid(z)


def _silu_derivative(z):  # σ(1 + z(1 − σ))
    s = _sigmoid(z)
    return s * (1 + z * (1 - s))


def _silu_second(z):  # σ(1 − σ)(2 + z(1 − 2σ))
    s = _sigmoid(z)
    return s * (1 - s) * (2 + z * (1 - 2 * s))


def _mish_parts(z):  # σ(z), t = tanh(softplus z) and g = 1 − t from w = eᶻ: one exp, no overflow or cancellation
    w = np.exp(np.minimum(z, 300.0))  # beyond z = 300, t = 1 and σ = 1 to double precision anyway
    n = w * (w + 2)  # tanh(log(1 + w)) = ((1 + w)² − 1)/((1 + w)² + 1) = n/(n + 2)
    return w / (1 + w), n / (n + 2), 2 / (n + 2)


def _mish(z):
    return z * _mish_parts(z)[1]


def _mish_derivative(z):  # t + zσ(1 − t²),  1 − t² = g(2 − g) with g = 1 − t
    s, t, g = _mish_parts(z)
    return t + z * s * (g * (2 - g))


def _mish_second(z):  # (1 − t²)σ(2 + z(1 − σ − 2tσ))
    s, t, g = _mish_parts(z)
    return g * (2 - g) * s * (2 + z * (1 - s - 2 * t * s))


def _normal_pdf(z):
    return np.exp(-0.5 * np.square(z)) / np.sqrt(2 * np.pi)


_C, _A = np.sqrt(2 / np.pi), 0.044715  # GELU's tanh approximation: u = c(z + a z³)


def _gelu_tanh_parts(z):
    t = np.tanh(_C * (z + _A * z**3))
    return t, _C * (1 + 3 * _A * z**2)  # tanh u and u′


def _gelu_tanh_derivative(z):  # ½(1 + t) + ½z(1 − t²)u′
    t, du = _gelu_tanh_parts(z)
    return 0.5 * (1 + t) + 0.5 * z * (1 - t**2) * du


def _gelu_tanh_second(z):  # (1 − t²)(u′ + ½z(u″ − 2t u′²)),  u″ = 6acz
    t, du = _gelu_tanh_parts(z)
    return (1 - t**2) * (du + 0.5 * z * (6 * _A * _C * z - 2 * t * du**2))


silu = Activation("silu", _silu, _silu_derivative, _silu_second)  # z σ(z): Swish with β = 1, torch's F.silu
mish = Activation("mish", _mish, _mish_derivative, _mish_second)  # z tanh(softplus z): torch's F.mish
gelu = Activation("gelu", lambda z: z * special.ndtr(z),  # z Φ(z), exact: torch's F.gelu(approximate="none")
                  lambda z: special.ndtr(z) + z * _normal_pdf(z), lambda z: _normal_pdf(z) * (2 - np.square(z)))
gelu_tanh = Activation("gelu_tanh", lambda z: 0.5 * z * (1 + _gelu_tanh_parts(z)[0]),  # F.gelu(approximate="tanh")
                       _gelu_tanh_derivative, _gelu_tanh_second)
ACTIVATIONS = {act.name: act for act in (linear, relu, leaky_relu, sigmoid, tanh, elu, silu, mish, gelu, gelu_tanh)}

INITS = ("zeros", "normal", "xavier", "he")


def init_std(init, fan_in, fan_out, scale=0.01):
    """Standard deviation of the initial weights of a fan_in × fan_out layer.

    zeros: 0;  normal: `scale`;  xavier (Glorot): √(2/(fan_in + fan_out));  he: √(2/fan_in).
    """
    init = _args.choice("init", init, INITS)
    fan_in, fan_out = _args.positive_int("fan_in", fan_in), _args.positive_int("fan_out", fan_out)
    scale = _args.positive("scale", scale)
    stds = {"zeros": 0.0, "normal": scale, "xavier": np.sqrt(2 / (fan_in + fan_out)), "he": np.sqrt(2 / fan_in)}
    return stds[init]


class MLP:
    """A multilayer perceptron ``sizes = (inputs, hidden…, classes)`` with one activation for all hidden layers.

    ``activation``: a name in :data:`ACTIVATIONS` or an :class:`Activation`. ``init``: one of :data:`INITS`
    (``scale`` is the std of "normal"); biases start at 0. Model r draws its weights, layer by layer, from
    ``np.random.default_rng(seed + r)``, so model r of ``MLP(sizes, seed=s, n_models=R)`` starts exactly like
    ``MLP(sizes, seed=s + r)``. For a sweep from one shared start, copy it: ``net.theta[:] = net.theta[0]``.

    ``theta`` has shape (P,), or (R, P) with ``n_models=R``; ``weights[l]`` (…, fan_in, fan_out) and
    ``biases[l]`` (…, fan_out) are views into it. Assigning ``net.theta = values`` copies into the same memory.
    """

    def __init__(self, sizes, activation="relu", init="he", scale=0.01, seed=0, n_models=None):
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__") or len(sizes) < 2:
            raise ValueError(f"sizes must be a sequence of at least 2 layer widths (inputs, …, classes); got {sizes!r}")
        self.sizes = tuple(_args.positive_int(f"sizes[{i}]", n) for i, n in enumerate(sizes))
        if isinstance(activation, str):
            if activation not in ACTIVATIONS:
                raise ValueError(f"activation must be one of {tuple(ACTIVATIONS)} or an Activation; got {activation!r}")
            activation = ACTIVATIONS[activation]
        if not isinstance(activation, Activation):
            raise TypeError(f"activation must be a name in {tuple(ACTIVATIONS)} or an Activation; "
                            f"got {_args.describe(activation)}")
        self.activation = activation
        self.init = _args.choice("init", init, INITS)
        self.scale = _args.positive("scale", scale)
        self.seed = _args.positive_int("seed", seed, minimum=0)
        self.n_models = None if n_models is None else _args.positive_int("n_models", n_models)

        self.n_params = sum(n_in * n_out + n_out for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]))
        self._theta = np.zeros((() if n_models is None else (self.n_models,)) + (self.n_params,))
        self.weights, self.biases = self.unflatten(self._theta)
        for r, theta_r in enumerate(self._theta.reshape(-1, self.n_params)):
            rng = np.random.default_rng(self.seed + r)
            for W in self.unflatten(theta_r)[0]:
                W[...] = init_std(init, *W.shape, self.scale) * rng.standard_normal(W.shape)

    @property
    def theta(self):
        """All parameters, shape (P,) or (R, P): W_1, b_1, W_2, b_2, … one after the other."""
        return self._theta

    @theta.setter
    def theta(self, value):
        value = _args.real_array("theta", value)
        if value.shape != self._theta.shape:
            raise ValueError(f"theta must have shape {self._theta.shape}; got shape {value.shape}")
        self._theta[...] = value

    @property
    def n_layers(self):
        return len(self.sizes) - 1

    def unflatten(self, vector):
        """Views ``(weights, biases)`` into `vector` (the shape of theta): the layers of θ or of a gradient."""
        lead, weights, biases, start = vector.shape[:-1], [], [], 0
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            weights.append(vector[..., start:start + n_in * n_out].reshape(lead + (n_in, n_out)))
            start += n_in * n_out
            biases.append(vector[..., start:start + n_out])
            start += n_out
        return weights, biases

    def _forward(self, X):
        """Pre-activations [z_1, …, z_L] (z_L the logits) and inputs of each layer [a_0 = X, a_1, …, a_{L−1}]."""
        zs, activations = [], [X]
        for W, b in zip(self.weights, self.biases):
            if zs:
                activations.append(self.activation(zs[-1]))
            z = activations[-1] @ W
            z += b[..., None, :]  # in place: one temporary less per layer
            zs.append(z)
        return zs, activations

    def _backward(self, zs, activations, y):
        """Loss and gradient (the shape of theta) from the forward pass, by backpropagation."""
        loss, delta = _cross_entropy(zs[-1], y)
        grad = np.empty_like(self._theta)
        grad_W, grad_b = self.unflatten(grad)
        for l in reversed(range(self.n_layers)):
            np.matmul(activations[l].swapaxes(-1, -2), delta, out=grad_W[l])  # ∂L/∂W_l = a_{l−1}ᵀ δ_l
            delta.sum(axis=-2, out=grad_b[l])                                   # ∂L/∂b_l = Σ_i δ_l
            if l:
                delta = delta @ self.weights[l].swapaxes(-1, -2)                # δ_{l−1} = δ_l W_lᵀ ⊙ f′(z_{l−1})
                delta *= self.activation.derivative(zs[l - 1])
        return loss, grad

    def forward(self, X):
        """The logits z_L, shape (B, classes), or (R, B, classes) with n_models."""
        return self._forward(self._check_X(X))[0][-1]

    def _logits(self, X):
        """The logits of many rows, computed a few dozen rows at a time: the same numbers (rows are independent),
        but the temporaries stay in the cache, which makes a pass over the 1437 digits 2–3× faster."""
        rows = max(64, 320 // int(np.prod(self._theta.shape[:-1])))
        return np.concatenate([self._forward(X[i:i + rows])[0][-1] for i in range(0, len(X), rows)], axis=-2)

    def activations(self, X):
        """The outputs a_1, …, a_{L−1} of the hidden layers, each of shape (…, B, width): to see them saturate."""
        return self._forward(self._check_X(X))[1][1:]

    def loss_and_grad(self, X, y):
        """Mean softmax cross-entropy on (X, y), shape () or (R,), and its gradient, the shape of theta."""
        X, y = self._check_X(X), self._check_y(y, len(X))
        return self._backward(*self._forward(X), y)

    def predict(self, X):
        """The predicted classes, shape (B,) or (R, B)."""
        return self.forward(X).argmax(axis=-1)

    def accuracy(self, X, y):
        """The fraction of examples classified correctly, shape () or (R,)."""
        X = self._check_X(X)
        return np.mean(self.predict(X) == self._check_y(y, len(X)), axis=-1)

    def layer_grad_norms(self, grad):
        """‖∂L/∂W_l‖ for every layer l, shape (layers,) or (R, layers): vanishing or exploding gradients."""
        grad = _args.same_shape("grad", grad, self._theta.shape)
        return np.stack([np.sqrt(np.sum(g * g, axis=(-2, -1))) for g in self.unflatten(grad)[0]], axis=-1)

    def _check_X(self, X):
        X = _args.real_array("X", X)
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(f"X must have shape (batch, {self.sizes[0]}); got shape {X.shape}")
        if len(X) == 0:
            raise ValueError(f"X must have at least one row (one example per row); got shape {X.shape}")
        return X

    def _check_y(self, y, n):
        y = np.asarray(y)
        if y.dtype.kind not in "iu":
            raise TypeError(f"y must be an array of integer class labels; got dtype {y.dtype}")
        if y.shape != (n,):
            raise ValueError(f"y must have shape ({n},), one label per row of X; got shape {y.shape}")
        if n and (y.min() < 0 or y.max() >= self.sizes[-1]):
            raise ValueError(f"y must hold labels in 0..{self.sizes[-1] - 1}; got values from {y.min()} to {y.max()}")
        return y

    def __repr__(self):
        models = "" if self.n_models is None else f" × {self.n_models} models"
        return (f"MLP(sizes={self.sizes}, activation={self.activation.name!r}, init={self.init!r}; "
                f"{self.n_params} parameters{models})")


def _class_max(z):
    """max_k z_{…k} over the short last (class) axis, as K − 1 whole-array maxima: numpy's reduction over a
    short last axis costs tens of nanoseconds per row, which dominated the training of small networks."""
    out = z[..., 0].copy()
    for k in range(1, z.shape[-1]):
        np.maximum(out, z[..., k], out=out)
    return out


def _class_sum(z):
    """Σ_k z_{…k} over the last (class) axis; with fewer than 8 classes as whole-array additions in numpy's own
    order (so bit-identical to ``z.sum(axis=-1)``), for the same reason as :func:`_class_max`."""
    if z.shape[-1] >= 8:  # numpy sums 8 or more terms pairwise: keep its order
        return z.sum(axis=-1)
    out = z[..., 0].copy()
    for k in range(1, z.shape[-1]):
        out += z[..., k]
    return out


def _cross_entropy(logits, y):
    """L = mean_i (log Σ_k e^{z_ik} − z_{i,y_i}) and δ = ∂L/∂z = (softmax(z) − Y)/B, with z shifted by its max.
    The labels `y` have shape (B,), or (R, B) when each of R models sees its own batch."""
    z = logits - _class_max(logits)[..., None]
    exp_z = np.exp(z)
    total = _class_sum(exp_z)
    rows, labels = np.arange(total.size), np.broadcast_to(y, total.shape).ravel()  # the entries z_{i,y_i}
    loss = (np.log(total) - z.reshape(-1, z.shape[-1])[rows, labels].reshape(total.shape)).mean(axis=-1)
    delta = exp_z
    delta /= total[..., None]  # softmax(z)
    delta.reshape(-1, z.shape[-1])[rows, labels] -= 1
    delta /= z.shape[-2]
    return loss, delta


def batches(n, batch_size, rng):
    """Index arrays of the mini-batches of one epoch: 0, …, n−1 in a fresh random order, cut into pieces of
    `batch_size` (the last one shorter if needed). `n` and `batch_size` are integers ≥ 1; `rng` is a numpy
    Generator or an integer seed ≥ 0 (the same as ``partition(rng.permutation(n), batch_size)``), or a list of R
    Generators, which gives each of R models its own order (index arrays of shape (R, batch))."""
    n = _args.positive_int("n", n)
    batch_size = _args.positive_int("batch_size", batch_size)
    if isinstance(rng, (list, tuple)):
        return _cut(np.stack([r.permutation(n) for r in rng]), batch_size)
    if not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(_args.positive_int("rng", rng, minimum=0))
    return _cut(rng.permutation(n), batch_size)


def partition(order, batch_size):
    """The mini-batches of one epoch in a given order: `order`, a permutation of 0, …, n−1 (e.g. the one an
    assignment draws with ``np.random.permutation(n)``), cut into pieces of `batch_size` ≥ 1, the last one shorter
    if needed. Returns a list of index arrays."""
    indices = _args.array(order)
    if indices.dtype.kind not in "iu" or indices.ndim != 1:
        raise TypeError(f"order must be a 1-D array of integer indices; got {_args.describe(order)}")
    if not np.array_equal(np.sort(indices), np.arange(len(indices))) or len(indices) == 0:
        raise ValueError(f"order must be a permutation of 0, …, n − 1 (each index once, n ≥ 1); "
                         f"got {_args.describe(order)}")
    return list(_cut(indices, _args.positive_int("batch_size", batch_size)))


def _cut(order, batch_size):
    return (order[..., start:start + batch_size] for start in range(0, order.shape[-1], batch_size))


@dataclass(repr=False)
class History:
    """What :func:`train` recorded. Per-epoch arrays have shape (epochs + 1,) or (epochs + 1, R), entry 0 before
    training: ``loss``, ``accuracy`` (full training set), ``test_loss``, ``test_accuracy``, ``grad_norms``
    (‖∂L/∂W_l‖ of the full training loss, an extra last axis of layers) and ``seconds`` (cumulative time spent in
    training steps). ``step_loss`` has one entry per optimizer step: the mini-batch loss before that step.
    A model that diverged is NaN from then on; ``diverged_at`` is its epoch, None / −1 if it never diverged.
    """

    loss: np.ndarray
    test_loss: np.ndarray
    accuracy: np.ndarray
    test_accuracy: np.ndarray
    grad_norms: np.ndarray
    seconds: np.ndarray
    step_loss: np.ndarray
    steps_per_epoch: int
    _diverged_at: np.ndarray

    @property
    def diverged_at(self):
        if self._diverged_at.ndim == 0:
            epoch = int(self._diverged_at)
            return None if epoch < 0 else epoch
        return self._diverged_at

    @property
    def diverged(self):
        """True where the model diverged (a bool, or a bool array with n_models)."""
        return self._diverged_at >= 0

    @property
    def epochs(self):
        """0, 1, …, epochs: the x axis of the per-epoch arrays (``step_loss`` is at ``arange(1, steps + 1) /
        steps_per_epoch``)."""
        return np.arange(len(self.loss))

    def __repr__(self):
        epochs = len(self.loss) - 1
        if self._diverged_at.ndim == 0:
            status = (f"diverged in epoch {self.diverged_at}" if self.diverged else
                      f"final loss {self.loss[-1]:.4g}, test accuracy {self.test_accuracy[-1]:.3f}")
            return f"History({epochs} epochs, {status})"
        return f"History({epochs} epochs × {self._diverged_at.size} models, {int(self.diverged.sum())} diverged)"


def _check_split(net, data):
    if not all(hasattr(data, name) for name in ("X_train", "y_train", "X_test", "y_test")):
        raise TypeError(f"data must be a descent.data.Split (X_train, y_train, X_test, y_test); "
                        f"got {_args.describe(data)}")
    X, Xt = net._check_X(data.X_train), net._check_X(data.X_test)
    return X, net._check_y(data.y_train, len(X)), Xt, net._check_y(data.y_test, len(Xt))


def _batch_rngs(seed, models):
    """One Generator for all models (an integer seed) or one per model (a sequence of R integer seeds)."""
    if not isinstance(seed, (list, tuple, np.ndarray)):
        return np.random.default_rng(_args.positive_int("seed", seed, minimum=0))
    seeds = [_args.positive_int(f"seed[{i}]", s, minimum=0) for i, s in enumerate(seed)]
    if models != (len(seeds),):
        n = models[0] if models else "no n_models, so one integer seed"
        raise ValueError(f"seed must be one integer, or one per model (net has {n}); got {len(seeds)} seeds")
    return [np.random.default_rng(s) for s in seeds]


def train(net, opt, data, epochs, batch_size=32, seed=0, clip_norm=None, progress=False, grad_norms=True,
          every_epoch=True, after_epoch=None, evaluate_at=None):
    """Train `net` with `opt` on ``data.X_train`` for `epochs` passes of shuffled mini-batches; returns a
    :class:`History`.

    The optimizer is reset first; the batches are shuffled by ``np.random.default_rng(seed)``, so the same seed
    gives the same batches. With ``n_models=R``, `seed` may also be a sequence of R seeds: model r then sees its
    own batch order, drawn by ``default_rng(seed[r])`` (so seeds can vary the batch order as well as the
    initial weights, as the book's evidence standard asks). ``clip_norm`` rescales each model's gradient to at most
    that norm before the step. ``grad_norms=False`` skips the backward pass over the whole training set that
    records ``History.grad_norms`` each epoch (they stay NaN; every other record is the same), which roughly
    halves the cost of a sweep's records; ``every_epoch=False`` records only before training and after the last
    epoch (the rows in between stay NaN; ``step_loss`` is complete), for sweeps that compare final results.
    ``evaluate_at``: a function θ → the parameters at which the records are taken, e.g. a Schedule-Free
    optimizer's ``eval_point`` (its parameters hold y; the model to evaluate is the average x); training goes on
    from θ. A model whose loss becomes non-finite is frozen at NaN and reported in ``History.diverged_at``; the
    others go on. A network with a ``training`` mode (:class:`descent.layers.NormMLP`) takes its steps in training mode and
    is evaluated (losses, accuracies, gradient norms) in eval mode. ``progress=True`` shows a tqdm bar over the
    epochs. ``after_epoch(net)``, a function, is called at the end of each epoch, before its records: e.g.
    ``lambda net: schedule.observe(val_loss(net))`` feeds a :class:`~descent.schedules.ReduceOnPlateau` its
    metric. BLAS runs on one thread meanwhile: matrices this small gain nothing from more, and extra threads stall
    badly when the CPU is shared.
    """
    if not isinstance(net, MLP):
        raise TypeError(f"net must be a descent.nn.MLP; got {net!r:.80}")
    _args.optimizer("opt", opt)
    if after_epoch is not None and (not callable(after_epoch) or isinstance(after_epoch, type)):
        raise TypeError(f"after_epoch must be a function of the network, called after each epoch, or None; got "
                        f"{_args.describe(after_epoch)}")
    progress = _args.flag("progress", progress)
    grad_norms = _args.flag("grad_norms", grad_norms)
    every_epoch = _args.flag("every_epoch", every_epoch)
    if evaluate_at is not None and not callable(evaluate_at):
        raise TypeError(f"evaluate_at must be None or a function θ → parameters to evaluate, such as "
                        f"opt.eval_point; got {_args.describe(evaluate_at)}")
    X, y, X_test, y_test = _check_split(net, data)
    epochs = _args.positive_int("epochs", epochs, minimum=0)
    batch_size = _args.positive_int("batch_size", batch_size)
    if clip_norm is not None:
        clip_norm = _args.positive("clip_norm", clip_norm)
        _args.broadcasts_to("clip_norm", clip_norm, net.theta.shape[:-1] + (1,), "the gradient norms")
    rng = _batch_rngs(seed, net.theta.shape[:-1])
    steps_per_epoch = -(-len(y) // batch_size)
    models = net.theta.shape[:-1]

    def per_epoch(*shape):
        return np.full((epochs + 1,) + models + shape, np.nan)

    history = History(loss=per_epoch(), test_loss=per_epoch(), accuracy=per_epoch(), test_accuracy=per_epoch(),
                      grad_norms=per_epoch(net.n_layers), seconds=np.full(epochs + 1, np.nan),
                      step_loss=np.full((epochs * steps_per_epoch,) + models, np.nan),
                      steps_per_epoch=steps_per_epoch, _diverged_at=np.full(models, -1))

    def freeze_diverged(loss, epoch):
        new = ~np.isfinite(loss) & (history._diverged_at < 0)
        history._diverged_at[new] = epoch
        net.theta[history._diverged_at >= 0] = np.nan

    def record(epoch):
        training = getattr(net, "training", None)  # normalisation layers (descent.layers): evaluate in eval mode
        if training is not None:
            net.training = False
        trained = None
        if evaluate_at is not None:
            trained = net.theta.copy()
            net.theta[...] = evaluate_at(trained)
        if grad_norms:
            zs, activations = net._forward(X)
            history.loss[epoch], grad = net._backward(zs, activations, y)
            train_logits = zs[-1]
        else:
            train_logits = net._logits(X)
            history.loss[epoch] = _cross_entropy(train_logits, y)[0]
        freeze_diverged(history.loss[epoch], epoch)
        if grad_norms:
            history.grad_norms[epoch] = np.where(history.diverged[..., None], np.nan, net.layer_grad_norms(grad))
        logits = net._logits(X_test)
        history.test_loss[epoch] = _cross_entropy(logits, y_test)[0]
        for accuracy, z, labels in ((history.accuracy, train_logits, y), (history.test_accuracy, logits, y_test)):
            accuracy[epoch] = np.where(history.diverged, np.nan, np.mean(z.argmax(axis=-1) == labels, axis=-1))
        if training is not None:
            net.training = training
        if trained is not None:  # training goes on from θ (NaN for a model that diverged)
            net.theta[...] = np.where(history.diverged[..., None], np.nan, trained)

    epoch_range = range(1, epochs + 1)
    if progress:
        from tqdm.auto import tqdm

        epoch_range = tqdm(epoch_range, desc="epochs")
    opt.reset()
    step, elapsed = 0, 0.0
    with threadpool_limits(limits=1, user_api="blas"), np.errstate(all="ignore"):  # NaN/inf: reported, not warned
        record(0)
        history.seconds[0] = 0.0
        for epoch in epoch_range:
            if np.all(history.diverged):
                break
            start = time.perf_counter()
            for batch in batches(len(y), batch_size, rng):
                loss, grad = net._backward(*net._forward(X[batch]), y[batch])  # batch (B,) or (R, B)
                history.step_loss[step] = loss
                step += 1
                if not np.isfinite(loss).all():
                    freeze_diverged(loss, epoch)
                if clip_norm is not None:
                    grad = clip_by_norm(grad, clip_norm)
                opt.step(net.theta, grad, out=net.theta)
            elapsed += time.perf_counter() - start
            history.seconds[epoch] = elapsed
            if after_epoch is not None:
                after_epoch(net)
            if every_epoch or epoch == epochs:
                record(epoch)
    return history
