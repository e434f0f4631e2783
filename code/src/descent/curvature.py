r"""The curvature of a network's loss: exact Hessian-vector products and the extreme eigenvalues of the Hessian.

The Hessian H = ∇²L(θ) of an :class:`~descent.nn.MLP` has P² entries, but H v for one direction v costs two to
three gradients, by Pearlmutter's R-operator: R{·} = d/dε (·)(θ + εv) at ε = 0, applied to every line of forward and
backward propagation (``nn``'s notation; v = (V_l, c_l) has the layout of θ):

    R{z_l} = R{a_{l−1}} W_l + a_{l−1} V_l + c_l,      R{a_l} = f′(z_l) ⊙ R{z_l},      R{a_0} = 0,
    R{∂L/∂W_l} = R{a_{l−1}}ᵀ δ_l + a_{l−1}ᵀ R{δ_l},   R{∂L/∂b_l} = Σ_i R{δ_l},
    R{δ_{l−1}} = (R{δ_l} W_lᵀ + δ_l V_lᵀ) ⊙ f′(z_{l−1}) + (δ_l W_lᵀ) ⊙ f″(z_{l−1}) ⊙ R{z_{l−1}},

and R{θ-gradient} = H v exactly (no finite-difference step). Two losses of the logits z = z_L, averaged over the
batch of B examples with one-hot labels Y:

    "cross_entropy": L = (1/B) Σ_i (log Σ_k e^{z_ik} − z_{i,y_i}),  δ_L = (p − Y)/B,  R{δ_L} = p ⊙ (R{z} − pᵀR{z})/B,
    "mse":           L = (1/2B) Σ_i ‖z_i − Y_i‖²,                   δ_L = (z − Y)/B,  R{δ_L} = R{z}/B.

Everything is vectorised over ``n_models`` like :mod:`descent.nn`: with θ of shape (R, P), v has shape (R, P).
The networks of :mod:`descent.layers` have no R-operator here: pass ``eps`` to use central differences of their
gradients instead, H v ≈ (∇L(θ + εv) − ∇L(θ − εv))/2ε (error O(ε²) on smooth losses, plus rounding ≈ 1e-16/ε;
across the kinks of ReLU only a tiny ε, about 1e-8, is reliable).
"""

import numpy as np

from . import _args
from .layers import unchanged
from .nn import MLP

LOSSES = ("cross_entropy", "mse")


def _output(loss, z, y):
    """L, δ_L = ∂L/∂z and the map R{z} ↦ R{δ_L} for the logits z (…, B, K)."""
    B = z.shape[-2]
    Y = np.zeros(z.shape)
    np.put_along_axis(Y, np.broadcast_to(y, z.shape[:-1])[..., None], 1.0, axis=-1)
    if loss == "mse":
        r = z - Y
        return 0.5 * np.sum(r * r, axis=(-2, -1)) / B, r / B, lambda Rz: Rz / B
    shifted = z - z.max(axis=-1, keepdims=True)
    log_total = np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    p = np.exp(shifted - log_total)
    value = np.mean(log_total[..., 0] - np.sum(shifted * Y, axis=-1), axis=-1)
    return value, (p - Y) / B, lambda Rz: p * (Rz - np.sum(p * Rz, axis=-1, keepdims=True)) / B


def _check(net, X, y, loss, v=None, eps=None):
    if not isinstance(net, MLP):
        raise TypeError(f"net must be a descent.nn.MLP or a network of descent.layers; got {net!r:.80}")
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}; got {loss!r}")
    if eps is None and type(net) is not MLP:  # the R-operator above is that of the plain MLP
        raise TypeError(f"exact Hessian-vector products need a plain descent.nn.MLP; for {type(net).__name__} pass "
                        "eps (central differences of its gradient)")
    if eps is None and net.activation.second_derivative is None:
        raise ValueError(f"net's activation {net.activation.name!r} has no second_derivative, which exact Hessian-"
                         "vector products need; give the Activation one (f″), or pass eps (central differences)")
    if eps is not None and type(net) is not MLP and loss != "cross_entropy":
        raise ValueError(f"{type(net).__name__} has only the cross-entropy loss; got loss={loss!r}")
    X = net._check_X(X)
    y = net._check_y(y, len(X))
    if v is not None:
        v = _args.real_array("v", v)
        if v.shape != net.theta.shape:
            raise ValueError(f"v must have the shape of net.theta, {net.theta.shape}; got shape {v.shape}")
    return X, y, v


def loss_and_grad(net, X, y, loss="cross_entropy"):
    """L and ∇L at ``net.theta`` for either loss of :data:`LOSSES` ("cross_entropy" equals ``net.loss_and_grad``)."""
    X, y, _ = _check(net, X, y, loss)
    zs, acts = net._forward(X)
    value, delta, _ = _output(loss, zs[-1], y)
    grad = np.empty_like(net.theta)
    gW, gb = net.unflatten(grad)
    for l in reversed(range(net.n_layers)):
        gW[l][...] = acts[l].swapaxes(-1, -2) @ delta
        gb[l][...] = delta.sum(axis=-2)
        if l:
            delta = (delta @ net.weights[l].swapaxes(-1, -2)) * net.activation.derivative(zs[l - 1])
    return value, grad


def loss_grad_hvp(net, X, y, v, loss="cross_entropy"):
    """L, ∇L and the exact Hessian-vector product H v at ``net.theta``, by the R-operator (module docstring).
    `v` has the shape of ``net.theta``; costs two to three gradients (benchmarks/nets.py)."""
    X, y, v = _check(net, X, y, loss, v)
    f = net.activation
    V, c = net.unflatten(v)
    zs, acts = net._forward(X)
    d1 = [f.derivative(z) for z in zs[:-1]]                 # f′(z_l) of the hidden layers
    Rz, Ra = [], [None]                                     # R{z_l}; R{a_{l−1}}, R{a_0} = 0
    for l, (W, a) in enumerate(zip(net.weights, acts)):
        Rz.append(a @ V[l] + c[l][..., None, :] + (Ra[l] @ W if l else 0))
        if l < net.n_layers - 1:
            Ra.append(d1[l] * Rz[l])
    value, delta, r_output = _output(loss, zs[-1], y)
    Rdelta = r_output(Rz[-1])
    grad, hv = np.empty_like(net.theta), np.empty(net.theta.shape)
    (gW, gb), (hW, hb) = net.unflatten(grad), net.unflatten(hv)
    for l in reversed(range(net.n_layers)):
        gW[l][...] = acts[l].swapaxes(-1, -2) @ delta
        gb[l][...] = delta.sum(axis=-2)
        hW[l][...] = acts[l].swapaxes(-1, -2) @ Rdelta + (Ra[l].swapaxes(-1, -2) @ delta if l else 0)
        hb[l][...] = Rdelta.sum(axis=-2)
        if l:
            WT, VT = net.weights[l].swapaxes(-1, -2), V[l].swapaxes(-1, -2)
            back = delta @ WT
            Rdelta = (Rdelta @ WT + delta @ VT) * d1[l - 1] + back * f.second_derivative(zs[l - 1]) * Rz[l - 1]
            delta = back * d1[l - 1]
    return value, grad, hv


def hvp(net, X, y, v, loss="cross_entropy", eps=None):
    """H v = ∇²L(θ) v at ``net.theta`` (the shape of theta): exact (``eps=None``, a plain MLP), or by central
    differences (∇L(θ + εv) − ∇L(θ − εv))/2ε for any network, :mod:`descent.layers`' too. Central differences
    leave θ and any running statistics of batch norm as they were."""
    if eps is None:
        return loss_grad_hvp(net, X, y, v, loss)[2]
    X, y, v = _check(net, X, y, loss, v, _args.positive("eps", eps))
    grads, theta = [], net.theta.copy()
    with unchanged(net):
        for sign in (1, -1):
            net.theta = theta + sign * eps * v
            grads.append(loss_and_grad(net, X, y, loss)[1] if type(net) is MLP else net.loss_and_grad(X, y)[1])
    return (grads[0] - grads[1]) / (2 * eps)


def hessian(net, X, y, loss="cross_entropy", eps=None):
    """The dense Hessian, shape (P, P) or (R, P, P): column j is H e_j (:func:`hvp`). For small networks only."""
    X, y, _ = _check(net, X, y, loss, eps=eps)
    e = np.zeros(net.theta.shape)
    columns = []
    for j in range(net.n_params):
        e[..., j] = 1.0
        columns.append(hvp(net, X, y, e, loss, eps))
        e[..., j] = 0.0
    return np.stack(columns, axis=-1)


def _unit(v):
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def _start(net, v0, seed):
    if v0 is None:
        return _unit(np.random.default_rng(_args.positive_int("seed", seed, minimum=0)).standard_normal(net.theta.shape))
    v0 = _args.real_array("v0", v0)
    if v0.shape != net.theta.shape or not np.all(np.linalg.norm(v0, axis=-1) > 0):
        raise ValueError(f"v0 must be a non-zero vector (per model) of the shape of net.theta, {net.theta.shape}; "
                         f"got shape {v0.shape}")
    return _unit(v0)


def _operator(net, X, y, loss, eps, preconditioner):
    """u ↦ S u for S = H, or S = P^{−1/2} H P^{−1/2} with P = diag(preconditioner): S has the eigenvalues of P⁻¹H."""
    X, y, _ = _check(net, X, y, loss, eps=eps)
    if preconditioner is None:
        return lambda u: hvp(net, X, y, u, loss, eps)
    p = _args.positive("preconditioner", preconditioner)
    if np.shape(p) != net.theta.shape:
        raise ValueError(f"preconditioner must have the shape of net.theta, {net.theta.shape}; got {np.shape(p)}")
    scale = 1 / np.sqrt(p)
    return lambda u: scale * hvp(net, X, y, scale * u, loss, eps)


def power_iteration(net, X, y, iters=100, tol=1e-6, v0=None, seed=0, loss="cross_entropy", eps=None,
                    preconditioner=None):
    """The eigenvalue of H of largest magnitude and its unit eigenvector, by power iteration v ← Hv/‖Hv‖.

    Returns ``(lam, v)``: λ = vᵀHv (shape () or (R,)) and v (the shape of theta; pass it back as `v0` to
    warm-start the next call, e.g. while training). Stops after `iters` HVPs, or once every model's λ changed by
    less than ``tol·|λ|``. It converges like (|λ₂|/|λ₁|)^k: slowly when the top two eigenvalues nearly coincide
    (as at the edge of stability), and it finds λ_min instead when |λ_min| > λ_max; :func:`lanczos` does not.
    ``eps``: HVPs by central differences (:func:`hvp`), for the networks of :mod:`descent.layers`.

    ``preconditioner``: the diagonal P (the shape of theta, > 0) of a preconditioned method θ ← θ − α P⁻¹ m, e.g.
    Adam's √v̂ + ε; λ is then the largest eigenvalue of P⁻¹H, the "preconditioned sharpness" (computed as that of
    the symmetric P^{−1/2} H P^{−1/2}, whose eigenvector v is returned). With P frozen, Adam's update on a quadratic
    is stable while α λ < (2 + 2β₁)/(1 − β₁) (Cohen et al. 2022, *Adaptive gradient methods at the edge of
    stability*).
    """
    apply = _operator(net, X, y, loss, eps, preconditioner)
    iters = _args.positive_int("iters", iters)
    tol = _args.positive("tol", tol)
    v = _start(net, v0, seed)
    lam = np.full(net.theta.shape[:-1], np.inf)
    for _ in range(iters):
        hv = apply(v)
        new = np.sum(v * hv, axis=-1)
        v = _unit(hv)
        done = np.all(np.abs(new - lam) <= tol * np.abs(new))
        lam = new
        if done:
            break
    return lam, v


def lanczos(net, X, y, steps=30, v0=None, seed=0, loss="cross_entropy", eps=None, preconditioner=None):
    """Ritz values of H after `steps` Lanczos steps (with full reorthogonalisation), ascending, shape (steps,) or
    (R, steps): the first and last converge to λ_min and λ_max of the Hessian, the fastest of any method that uses
    `steps` HVPs. The Krylov basis q_1 = v0/‖v0‖, q_{j+1} ∝ H q_j − α_j q_j − β_{j−1} q_{j−1} turns H into the
    tridiagonal T = tridiag(β, α, β), whose eigenvalues are returned. Stops early (fewer values) if the Krylov
    space is exhausted (steps > P, or a v0 in an invariant subspace). ``eps`` and ``preconditioner`` (then the
    Ritz values are those of P⁻¹H) as in :func:`power_iteration`."""
    apply = _operator(net, X, y, loss, eps, preconditioner)
    steps = _args.positive_int("steps", steps)
    Q = [_start(net, v0, seed)]
    alphas, betas = [], []
    for j in range(min(steps, net.n_params)):
        w = apply(Q[j])
        alphas.append(np.sum(w * Q[j], axis=-1))
        for q in Q:                                        # twice is enough (Kahan): keeps Q orthonormal
            w = w - np.sum(w * q, axis=-1, keepdims=True) * q
        for q in Q:
            w = w - np.sum(w * q, axis=-1, keepdims=True) * q
        beta = np.linalg.norm(w, axis=-1)
        if j == min(steps, net.n_params) - 1 or np.any(beta <= 1e-10 * np.abs(np.stack(alphas)).max()):
            break
        betas.append(beta)
        Q.append(w / beta[..., None])
    alphas, betas = np.stack(alphas, axis=-1), np.stack(betas, axis=-1) if betas else np.zeros(alphas[0].shape + (0,))
    T = np.zeros(alphas.shape + alphas.shape[-1:])
    k = alphas.shape[-1]
    T[..., range(k), range(k)] = alphas
    T[..., range(k - 1), range(1, k)] = betas
    T[..., range(1, k), range(k - 1)] = betas
    return np.linalg.eigvalsh(T)
