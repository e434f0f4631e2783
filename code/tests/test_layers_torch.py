"""descent.layers against torch.nn (float64): batch and layer normalisation (forward, backward, running statistics,
eval mode), a whole NormMLP, and ResidualMLP's gradients; then training with nn.train and bad arguments."""

import numpy as np
import pytest

from descent import curvature, data, layers, nn, optimizers

torch = pytest.importorskip("torch")


def close(ours, theirs, tol=1e-10):
    """Agreement relative to the largest entry: max |ours − theirs| ≤ tol · max |theirs|."""
    theirs = theirs.detach().numpy() if hasattr(theirs, "detach") else np.asarray(theirs)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=tol * max(np.abs(theirs).max(), 1e-300))


@pytest.mark.parametrize("B", [2, 16, 128])
@pytest.mark.parametrize("kind", ["batch", "layer"])
def test_one_norm_layer_equals_torch_in_train_and_eval_mode(kind, B):
    rng = np.random.default_rng(B)
    width = 6
    ours = layers.BatchNorm(width, momentum=0.2) if kind == "batch" else layers.LayerNorm(width)
    theirs = (torch.nn.BatchNorm1d(width, momentum=0.2) if kind == "batch" else torch.nn.LayerNorm(width)).double()
    gamma, beta = 1 + rng.standard_normal(width), rng.standard_normal(width)
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(gamma))
        theirs.bias.copy_(torch.tensor(beta))
    for step in range(3):                                  # running statistics over several batches
        for training in (True, False):
            z = 3 + 2 * rng.standard_normal((B, width))
            dout = rng.standard_normal((B, width))
            theirs.train(training)
            zt = torch.tensor(z, requires_grad=True)
            out_t = theirs(zt)
            out_t.backward(torch.tensor(dout))
            out, cache = ours.forward(z, gamma, beta, training)
            dz, dgamma, dbeta = ours.backward(dout, cache)
            close(out, out_t)
            close(dz, zt.grad)
            close(dgamma, theirs.weight.grad)
            close(dbeta, theirs.bias.grad)
            theirs.zero_grad()
            if kind == "batch":
                close(ours.running_mean, theirs.running_mean, 1e-14)
                close(ours.running_var, theirs.running_var, 1e-14)


def torch_norm_net(net, r):
    """torch copy of model r of a NormMLP (r = None: its only model): Linear → norm → f per hidden layer, then
    Linear."""
    W, b = net.unflatten(net.theta if r is None else net.theta[r])
    gammas, betas = net._norm_params(net.theta if r is None else net.theta[r])
    act = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh}[net.activation.name]
    modules = []
    for l, (n_in, n_out) in enumerate(zip(net.sizes[:-1], net.sizes[1:])):
        lin = torch.nn.Linear(n_in, n_out).double()
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(W[l].T))
            lin.bias.copy_(torch.tensor(b[l]))
        modules.append(lin)
        if l < net.n_layers - 1:
            norm = (torch.nn.BatchNorm1d(n_out) if net.norm == "batch" else torch.nn.LayerNorm(n_out)).double()
            with torch.no_grad():
                norm.weight.copy_(torch.tensor(gammas[l]))
                norm.bias.copy_(torch.tensor(betas[l]))
            modules += [norm, act()]
    return torch.nn.Sequential(*modules)


def torch_flat_grad(model):
    """The gradient in the layout of θ: W_l, b_l of every layer, then γ_l, β_l of every norm."""
    linear = [m for m in model if isinstance(m, torch.nn.Linear)]
    norms = [m for m in model if isinstance(m, (torch.nn.BatchNorm1d, torch.nn.LayerNorm))]
    parts = [p for m in linear for p in (m.weight.grad.T.reshape(-1), m.bias.grad)]
    parts += [p for m in norms for p in (m.weight.grad, m.bias.grad)]
    return torch.cat(parts).numpy()


@pytest.mark.parametrize("norm", ["batch", "layer"])
def test_norm_mlp_equals_torch(norm):
    rng = np.random.default_rng(0)
    net = layers.NormMLP((8, 10, 9, 10, 4), norm=norm, seed=1, n_models=2)
    net.theta += 0.1 * rng.standard_normal(net.theta.shape)       # γ ≠ 1, β ≠ 0
    X, y = rng.standard_normal((24, 8)), rng.integers(0, 4, 24)
    models = [torch_norm_net(net, r) for r in range(2)]
    loss, grad = net.loss_and_grad(X, y)                           # training mode: updates running statistics
    for r, model in enumerate(models):
        t_loss = torch.nn.functional.cross_entropy(model(torch.tensor(X)), torch.tensor(y))
        t_loss.backward()
        close(loss[r], t_loss, 1e-14)
        close(grad[r], torch_flat_grad(model), 1e-13)
        if norm == "batch":
            bns = [m for m in model if isinstance(m, torch.nn.BatchNorm1d)]
            for bn, ours in zip(bns, net.norms):
                close(ours.running_mean[r], bn.running_mean, 1e-14)
                close(ours.running_var[r], bn.running_var, 1e-14)
    net.training = False
    X_test = rng.standard_normal((5, 8))
    for r, model in enumerate(models):
        model.eval()
        close(net.forward(X_test)[r], model(torch.tensor(X_test)), 1e-13)


def test_norm_mlp_starts_like_the_mlp_and_gammas_betas_are_views():
    net, plain = layers.NormMLP((5, 7, 3), norm="layer", seed=4), nn.MLP((5, 7, 3), seed=4)
    np.testing.assert_array_equal(net.theta[:plain.n_params], plain.theta)
    assert net.n_params == plain.n_params + 14 and np.all(net.gammas[0] == 1) and np.all(net.betas[0] == 0)
    net.theta[-1] = 5.0
    assert net.betas[0][-1] == 5.0 and "NormMLP(norm='layer'" in repr(net)


@pytest.mark.parametrize("branch_scale, zero_init", [(1.0, False), (1 / np.sqrt(6), False), (1.0, True)])
def test_residual_mlp_gradient_equals_torch(branch_scale, zero_init):
    rng = np.random.default_rng(2)
    net = layers.ResidualMLP((5, 7, 7, 7, 7, 3), activation="tanh", seed=0, n_models=2, branch_scale=branch_scale,
                             zero_init=zero_init)
    X, y = rng.standard_normal((9, 5)), rng.integers(0, 3, 9)
    loss, grad = net.loss_and_grad(X, y)
    for r in range(2):
        theta = torch.tensor(net.theta[r], requires_grad=True)
        W, b = net.unflatten(theta)
        h = torch.tensor(X) @ W[0] + b[0]
        for l in range(1, net.n_layers - 1):
            h = h + branch_scale * (torch.tanh(h) @ W[l] + b[l])
        t_loss = torch.nn.functional.cross_entropy(torch.tanh(h) @ W[-1] + b[-1], torch.tensor(y))
        t_loss.backward()
        close(loss[r], t_loss, 1e-14)
        close(grad[r], theta.grad, 1e-13)
    if zero_init:   # the identity at the start: every branch sees the same input and gets the same gradient norm
        norms = net.layer_grad_norms(grad)[:, 1:-1]
        np.testing.assert_allclose(norms, norms[:, :1] * np.ones_like(norms), rtol=1e-12)
        np.testing.assert_array_equal(net.activations(X)[-1], net.activations(X)[0])


def test_norm_and_residual_nets_train_with_nn_train_and_evaluate_in_eval_mode():
    digits = data.digits()
    net = layers.NormMLP((64, 32, 32, 10), norm="batch", seed=0, n_models=2)
    history = nn.train(net, optimizers.SGD(lr=0.5), digits, epochs=3, seed=[0, 1])
    assert net.training and np.all(history.test_accuracy[-1] > 0.9)
    net.training = False
    np.testing.assert_allclose(history.test_accuracy[-1], net.accuracy(digits.X_test, digits.y_test))
    res = layers.ResidualMLP((64, 32, 32, 32, 10), seed=0, branch_scale=0.5)
    assert nn.train(res, optimizers.SGD(lr=0.1), digits, epochs=3).test_accuracy[-1] > 0.8  # chance: 0.1


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="norm must be one of"):
        layers.NormMLP((3, 4, 2), norm="group")
    with pytest.raises(ValueError, match="same width"):
        layers.ResidualMLP((3, 4, 5, 2))
    with pytest.raises(ValueError, match="momentum must be in"):
        layers.BatchNorm(4, momentum=1.5)
    with pytest.raises(ValueError, match="at least 2 examples"):
        layers.NormMLP((3, 4, 2)).loss_and_grad(np.zeros((1, 3)), np.array([0]))
    with pytest.raises(TypeError, match="zero_init must be True or False"):
        layers.ResidualMLP((3, 4, 2), zero_init=1)


@pytest.mark.parametrize("norm", ["batch", "layer"])
def test_central_difference_hvp_of_a_norm_mlp_equals_torch_and_keeps_the_running_statistics(norm):
    rng = np.random.default_rng(3)
    net = layers.NormMLP((6, 8, 8, 3), norm=norm, activation="tanh", seed=2)
    net.theta += 0.1 * rng.standard_normal(net.theta.shape)
    X, y, v = rng.standard_normal((16, 6)), rng.integers(0, 3, 16), rng.standard_normal(net.n_params)
    v /= np.linalg.norm(v)                                            # a step of length ε
    if norm == "batch":
        net.norms[0].running_mean[:] = 0.5
    stats = [n.running_mean.copy() for n in net.norms if norm == "batch"]
    ours = curvature.hvp(net, X, y, v, eps=1e-4)
    for n, mean in zip(net.norms, stats):
        np.testing.assert_array_equal(n.running_mean, mean)
    model = torch_norm_net(net, None)
    names = [name for name, _ in model.named_parameters()]            # 0.weight, 0.bias, 1.weight, …

    def L(theta):
        W, b = net.unflatten(theta)
        gammas, betas = net._norm_params(theta)
        linear = [p for l in range(net.n_layers) for p in (W[l].T, b[l])]
        norms = [p for l in range(net.n_layers - 1) for p in (gammas[l], betas[l])]
        per_module = []                                                # the order of model.named_parameters()
        for l in range(net.n_layers):
            per_module += linear[2 * l:2 * l + 2] + (norms[2 * l:2 * l + 2] if l < net.n_layers - 1 else [])
        out = torch.func.functional_call(model, dict(zip(names, per_module)), (torch.tensor(X),))
        return torch.nn.functional.cross_entropy(out, torch.tensor(y))

    theirs = torch.autograd.functional.hvp(L, torch.tensor(net.theta), torch.tensor(v))[1]
    close(ours, theirs, 1e-7)
