r"""Normalisation layers and residual connections: what made deep networks trainable (after chapter 2).

**Normalisation.** A layer normalises each pre-activation z over a set of N numbers (batch norm: the B examples of
a unit; layer norm: the units of an example), then rescales it with learned γ, β:

    μ = mean(z),  σ² = mean((z − μ)²),  s = 1/√(σ² + ε),  u = (z − μ) s,  out = γ ⊙ u + β.

Its backward pass, with du = γ ⊙ ∂L/∂out and the means over the same N numbers:

    ∂L/∂z = s (du − mean(du) − u ⊙ mean(du ⊙ u)),   ∂L/∂γ = Σ_i ∂L/∂out ⊙ u,   ∂L/∂β = Σ_i ∂L/∂out.

Batch norm keeps running statistics for evaluation, as torch.nn.BatchNorm1d does (momentum m = 0.1):
μ_run ← (1 − m) μ_run + m μ and σ²_run ← (1 − m) σ²_run + m σ² B/(B − 1) (the unbiased variance); in eval mode
u = (z − μ_run)/√(σ²_run + ε), a fixed affine map.

**Residual connections.** :class:`ResidualMLP` adds each hidden layer's output to its input, h_l = h_{l−1} +
s (f(h_{l−1}) W_l + b_l), so the signal and the gradient have a path that skips the layers.

Both networks are :class:`descent.nn.MLP` subclasses with the same interface (``theta``, ``loss_and_grad``,
``n_models``, …) and train with :func:`descent.nn.train`, which evaluates in eval mode.
"""

from contextlib import contextmanager

import numpy as np

from . import _args
from .nn import MLP, _cross_entropy


def _normalise(z, axis, eps):
    mean = z.mean(axis=axis, keepdims=True)
    var = np.square(z - mean).mean(axis=axis, keepdims=True)
    s = 1 / np.sqrt(var + eps)
    return (z - mean) * s, s, mean, var


def _normalise_backward(du, u, s, axis):
    """∂L/∂z = s (du − mean(du) − u ⊙ mean(du ⊙ u)), the means over the normalised axis."""
    return s * (du - du.mean(axis=axis, keepdims=True) - u * np.mean(du * u, axis=axis, keepdims=True))


class _Normalisation:
    """Normalisation over ``axis`` with the statistics of z itself. ``forward(z, gamma, beta)`` returns
    ``(out, cache)``; ``backward(dout, cache)`` returns ``(dz, dgamma, dbeta)``; γ, β have shape (…, width), dγ and
    dβ are summed over the batch."""

    axis = None

    def __init__(self, width, eps=1e-5):
        self.width = _args.positive_int("width", width)
        self.eps = _args.positive("eps", eps)

    def forward(self, z, gamma, beta, training=True):
        u, s, _, _ = _normalise(z, self.axis, self.eps)
        return gamma[..., None, :] * u + beta[..., None, :], (u, s, gamma, True)

    def backward(self, dout, cache):
        u, s, gamma, batch_stats = cache
        du = dout * gamma[..., None, :]
        dz = _normalise_backward(du, u, s, self.axis) if batch_stats else s * du
        return dz, np.sum(dout * u, axis=-2), dout.sum(axis=-2)

    def __repr__(self):
        return f"{type(self).__name__}({self.width})"


class LayerNorm(_Normalisation):
    """Layer normalisation over the last axis (the units of one example), as torch.nn.LayerNorm(width, eps): the
    same in training and evaluation. ``forward(z, gamma, beta)`` → ``(out, cache)``, ``backward(dout, cache)`` →
    ``(dz, dgamma, dbeta)``."""

    axis = -1


class BatchNorm(_Normalisation):
    """Batch normalisation over the batch axis −2 (each unit over the B examples), as torch.nn.BatchNorm1d(width,
    eps, momentum): ``training=True`` uses the batch statistics and updates ``running_mean`` and ``running_var``
    (shape (width,) or (R, width) with ``n_models=R``); ``training=False`` uses the running statistics."""

    axis = -2

    def __init__(self, width, momentum=0.1, eps=1e-5, n_models=None):
        super().__init__(width, eps)
        self.momentum = _args.decay_rate("momentum", momentum)
        models = () if n_models is None else (_args.positive_int("n_models", n_models),)
        self.running_mean = np.zeros(models + (self.width,))
        self.running_var = np.ones(models + (self.width,))

    def forward(self, z, gamma, beta, training=True):
        if not training:
            s = 1 / np.sqrt(self.running_var[..., None, :] + self.eps)
            u = (z - self.running_mean[..., None, :]) * s
            return gamma[..., None, :] * u + beta[..., None, :], (u, s, gamma, False)
        B = z.shape[-2]
        if B < 2:
            raise ValueError(f"batch norm needs at least 2 examples per batch in training mode; got a batch of {B}")
        u, s, mean, var = _normalise(z, self.axis, self.eps)
        m = self.momentum
        self.running_mean[...] = (1 - m) * self.running_mean + m * mean[..., 0, :]
        self.running_var[...] = (1 - m) * self.running_var + m * var[..., 0, :] * B / (B - 1)
        return gamma[..., None, :] * u + beta[..., None, :], (u, s, gamma, True)


NORMS = ("batch", "layer")


@contextmanager
def unchanged(net):
    """``with unchanged(net):`` restores ``net.theta`` and any batch-norm running statistics on exit: for probes
    that move θ or run forward passes in training mode (finite differences, a learning-rate range test)."""
    if not isinstance(net, MLP):
        raise TypeError(f"net must be a descent.nn.MLP or a network of descent.layers; got {_args.describe(net)}")
    theta = net.theta.copy()
    norms = [n for n in getattr(net, "norms", ()) if isinstance(n, BatchNorm)]
    stats = [(n.running_mean.copy(), n.running_var.copy()) for n in norms]
    try:
        yield net
    finally:
        net.theta = theta
        for n, (mean, var) in zip(norms, stats):
            n.running_mean[...], n.running_var[...] = mean, var


class NormMLP(MLP):
    """An :class:`~descent.nn.MLP` with a normalisation layer before each hidden activation:

        z_l = a_{l−1} W_l + b_l,   a_l = f(γ_l ⊙ norm(z_l) + β_l),   (l < L),   logits z_L = a_{L−1} W_L + b_L,

    ``norm`` "batch" (:class:`BatchNorm`) or "layer" (:class:`LayerNorm`); γ_l = 1, β_l = 0 at the start. θ holds
    the parameters of ``MLP(sizes)`` first, then γ_1, β_1, γ_2, β_2, … (``gammas``, ``betas`` are views), so the
    weights start exactly like those of ``MLP(sizes, …, seed=seed)``. ``training = True`` (the start) normalises
    with the statistics of the batch and updates the running ones, like torch's ``net.train()``; ``False`` uses
    the running statistics, like ``net.eval()``. A batch of 1 in training mode is an error, as in torch.
    """

    def __init__(self, sizes, norm="batch", activation="relu", init="he", scale=0.01, seed=0, n_models=None,
                 momentum=0.1, eps=1e-5):
        super().__init__(sizes, activation, init, scale, seed, n_models)
        if norm not in NORMS:
            raise ValueError(f"norm must be one of {NORMS}; got {norm!r}")
        self.norm = norm
        widths = self.sizes[1:-1]
        self.norms = [BatchNorm(n, momentum, eps, n_models) if norm == "batch" else LayerNorm(n, eps) for n in widths]
        mlp = self._theta
        self.n_params = mlp.shape[-1] + 2 * sum(widths)
        self._theta = np.zeros(mlp.shape[:-1] + (self.n_params,))
        self._theta[..., :mlp.shape[-1]] = mlp
        self.weights, self.biases = self.unflatten(self._theta)
        self.gammas, self.betas = self._norm_params(self._theta)
        for gamma in self.gammas:
            gamma[...] = 1.0
        self.training = True

    def _norm_params(self, vector):
        """Views (γ_l, β_l of every hidden layer) into a vector with the layout of θ."""
        gammas, betas, start = [], [], self.n_params - 2 * sum(self.sizes[1:-1])
        for n in self.sizes[1:-1]:
            gammas.append(vector[..., start:start + n])
            betas.append(vector[..., start + n:start + 2 * n])
            start += 2 * n
        return gammas, betas

    def _forward(self, X):
        """Logits last in the list of layer outputs, and what the backward pass needs."""
        zs, activations, caches = [], [X], []
        for l, (W, b) in enumerate(zip(self.weights, self.biases)):
            z = activations[-1] @ W + b[..., None, :]
            if l == self.n_layers - 1:
                zs.append(z)
                break
            h, cache = self.norms[l].forward(z, self.gammas[l], self.betas[l], self.training)
            zs.append(h)
            caches.append(cache)
            activations.append(self.activation(h))
        return zs, (activations, caches)

    def _backward(self, zs, cache, y):
        activations, caches = cache
        loss, delta = _cross_entropy(zs[-1], y)
        grad = np.zeros_like(self._theta)
        (grad_W, grad_b), (grad_gamma, grad_beta) = self.unflatten(grad), self._norm_params(grad)
        for l in reversed(range(self.n_layers)):
            grad_W[l][...] = activations[l].swapaxes(-1, -2) @ delta
            grad_b[l][...] = delta.sum(axis=-2)
            if l:
                dh = (delta @ self.weights[l].swapaxes(-1, -2)) * self.activation.derivative(zs[l - 1])
                delta, grad_gamma[l - 1][...], grad_beta[l - 1][...] = self.norms[l - 1].backward(dh, caches[l - 1])
        return loss, grad

    def activations(self, X):
        """The outputs a_1, …, a_{L−1} of the hidden layers (in the current mode)."""
        return self._forward(self._check_X(X))[1][0][1:]

    def __repr__(self):
        return super().__repr__().replace("MLP(", f"NormMLP(norm={self.norm!r}, ", 1)


class ResidualMLP(MLP):
    """A residual MLP with equal hidden widths and the layout of θ of ``MLP(sizes)`` (L = len(sizes) − 1 layers):

        h_1 = X W_1 + b_1,   h_l = h_{l−1} + s (f(h_{l−1}) W_l + b_l)  (1 < l < L),   z_L = f(h_{L−1}) W_L + b_L.

    ``branch_scale`` is s (1, or 1/√L to keep the sum of L branches of size O(1)); ``zero_init=True`` starts the
    branch weights W_2 … W_{L−1} at 0, so the network starts as a two-layer one. Without the skip term h_{l−1} the
    recursion is exactly ``MLP(sizes)`` (s = 1). ``activations(X)`` returns the residual stream h_1, …, h_{L−1}.
    """

    def __init__(self, sizes, activation="relu", init="he", scale=0.01, seed=0, n_models=None, branch_scale=1.0,
                 zero_init=False):
        super().__init__(sizes, activation, init, scale, seed, n_models)
        if len(set(self.sizes[1:-1])) != 1:
            raise ValueError(f"sizes must have at least one hidden layer, all of the same width (the skip adds "
                             f"h_(l−1) to h_l); got {sizes!r}")
        self.branch_scale = _args.positive("branch_scale", branch_scale)
        if not isinstance(zero_init, bool):
            raise TypeError(f"zero_init must be True or False; got {zero_init!r}")
        self.zero_init = zero_init
        if zero_init:
            for W in self.weights[1:-1]:
                W[...] = 0.0

    def _forward(self, X):
        hs = [X @ self.weights[0] + self.biases[0][..., None, :]]
        for W, b in zip(self.weights[1:-1], self.biases[1:-1]):
            hs.append(hs[-1] + self.branch_scale * (self.activation(hs[-1]) @ W + b[..., None, :]))
        logits = self.activation(hs[-1]) @ self.weights[-1] + self.biases[-1][..., None, :]
        return hs + [logits], X

    def _backward(self, zs, X, y):
        """g_l = ∂L/∂h_l and e_l = s g_l (the branch's gradient): ∂L/∂W_l = f(h_{l−1})ᵀ e_l, ∂L/∂b_l = Σ_i e_l,
        g_{l−1} = g_l + (e_l W_lᵀ) ⊙ f′(h_{l−1}): the skip passes g_l down unchanged."""
        loss, delta = _cross_entropy(zs[-1], y)
        grad = np.empty_like(self._theta)
        grad_W, grad_b = self.unflatten(grad)
        f, last = self.activation, self.n_layers - 1
        grad_W[last][...] = f(zs[last - 1]).swapaxes(-1, -2) @ delta
        grad_b[last][...] = delta.sum(axis=-2)
        g = (delta @ self.weights[last].swapaxes(-1, -2)) * f.derivative(zs[last - 1])
        for l in reversed(range(1, last)):               # zs[l] = h_{l+1} = zs[l − 1] + s·branch_l
            e = self.branch_scale * g
            grad_W[l][...] = f(zs[l - 1]).swapaxes(-1, -2) @ e
            grad_b[l][...] = e.sum(axis=-2)
            g = g + (e @ self.weights[l].swapaxes(-1, -2)) * f.derivative(zs[l - 1])
        grad_W[0][...] = X.swapaxes(-1, -2) @ g
        grad_b[0][...] = g.sum(axis=-2)
        return loss, grad

    def activations(self, X):
        """The residual stream h_1, …, h_{L−1}, each of shape (…, B, width)."""
        return self._forward(self._check_X(X))[0][:-1]

    def __repr__(self):
        return super().__repr__().replace("MLP(", f"ResidualMLP(branch_scale={self.branch_scale:.4g}, "
                                          f"zero_init={self.zero_init}, ", 1)
