"""Adafactor, Lion, Muon and Layerwise against their references (torch.optim 2.13, lion-pytorch 0.2.5), trajectory
for trajectory: the gradient g_t = (θ_{t−1} − θ*) + ½ξ_t depends on θ, so each implementation follows its own path
(FACTS-MODERN "How each box was checked"); plus the traps each docstring lists, and sweeps = separate runs.
"""

import inspect

import descent
import numpy as np
import pytest
from descent import schedules
from descent.optimizers import Layerwise, newton_schulz

torch = pytest.importorskip("torch")
STEPS = 50


def problem(shape, seed=0, scale=1.0):
    """θ₀ (scaled), θ* and the noise ξ_1..ξ_T of the test problem."""
    rng = np.random.default_rng(seed)
    return scale * rng.standard_normal(shape), rng.standard_normal(shape), rng.standard_normal((STEPS,) + shape)


def gradient(theta, t, target, noise):
    return (theta - target) + 0.5 * noise[t]


def ours_path(opt, theta0, target, noise, dtype=np.float64):
    theta, out = theta0.astype(dtype), [theta0.astype(dtype)]
    for t in range(STEPS):
        theta = opt.step(theta, gradient(theta, t, target, noise).astype(dtype))
        out.append(theta)
    return np.array(out)


def torch_path(make_opt, theta0, target, noise, lrs=None, dtype=torch.float64):
    p = torch.nn.Parameter(torch.tensor(theta0, dtype=dtype))
    opt, out = make_opt([p]), [theta0.astype(p.detach().numpy().dtype)]
    for t in range(STEPS):
        if lrs is not None:
            opt.param_groups[0]["lr"] = float(lrs[t])
        theta = p.detach().numpy()
        p.grad = torch.tensor(gradient(theta, t, target, noise).astype(theta.dtype))
        opt.step()
        out.append(p.detach().numpy().copy())
    return np.array(out)


def assert_close(ours, theirs, rel=1e-12):
    scale = np.abs(theirs).reshape(len(theirs), -1).max(axis=1)
    error = np.abs(ours - theirs).reshape(len(theirs), -1).max(axis=1)
    assert np.all(error <= rel * scale), f"worst relative error {np.max(error / scale):.3g}"


# ---------------------------------------------------------------- Adafactor

ADAFACTOR = [
    {},
    dict(lr=0.05, weight_decay=0.1),
    dict(d=2.0, eps=(1e-3, 1e-3), beta2_decay=-0.5),
    dict(lr=0.3, maximize=True),
]


@pytest.mark.parametrize("shape", [(6, 4), (24,), (4, 7), ()])
@pytest.mark.parametrize("kwargs", ADAFACTOR)
@pytest.mark.parametrize("scale", [1.0, 1e-4])
def test_adafactor_equals_torch(kwargs, shape, scale):
    """Same iterates as torch.optim.Adafactor (both code paths); θ₀ scaled by 1e-4 hits the ε₂ floor of RMS(θ)."""
    theta0, target, noise = problem(shape, scale=scale)
    ours = ours_path(descent.Adafactor(**kwargs), theta0, target, noise)
    for foreach in (False, True):
        theirs = torch_path(lambda ps, f=foreach: torch.optim.Adafactor(ps, foreach=f, **kwargs), theta0, target, noise)
        assert_close(ours, theirs)


def test_adafactor_on_stacked_matrices_equals_separate_torch_runs():
    """θ of shape (3, 6, 4): three independent models, each equal to torch on its (6, 4) matrix."""
    theta0, target, noise = problem((3, 6, 4))
    ours = ours_path(descent.Adafactor(lr=0.05), theta0, target, noise)
    for r in range(3):
        theirs = torch_path(lambda ps: torch.optim.Adafactor(ps, lr=0.05), theta0[r], target[r], noise[:, r])
        assert_close(ours[:, r], theirs)


def test_adafactor_float32_uses_float32_machine_epsilon():
    theta0, target, noise = problem((6, 4))
    ours = ours_path(descent.Adafactor(lr=0.05), theta0, target, noise, dtype=np.float32)
    theirs = torch_path(lambda ps: torch.optim.Adafactor(ps, lr=0.05), theta0, target, noise, dtype=torch.float32)
    assert ours.dtype == np.float32
    assert_close(ours, theirs, rel=1e-5)


def test_adafactor_state_is_factored_and_the_first_step_is_exact():
    """O(n + m) state for a matrix; w_1 = 1 so R, C are the row and column means of g² after step 1; for a
    rank-1 g² the rebuilt V̂ is exactly g²; and lr only caps the relative step: the step is RMS(θ)·lr."""
    opt = descent.Adafactor()
    theta, g = np.full((5, 3), 2.0), np.outer([1.0, 2, 3, 4, 5], [1.0, -2, 0.5])
    new = opt.step(theta, g)
    assert opt.state["row"].shape == (5, 1) and opt.state["col"].shape == (1, 3) and set(opt.state) == {"row", "col"}
    np.testing.assert_allclose(opt.state["row"][:, 0], np.mean(g**2, axis=1), rtol=1e-15)
    v_hat = opt.state["row"] * opt.state["col"] / opt.state["row"].mean()
    np.testing.assert_allclose(v_hat, g**2, rtol=1e-14)
    np.testing.assert_allclose(np.sqrt(np.mean((new - theta) ** 2)), 2.0 * 1e-2, rtol=1e-12)  # U = sign(g), RMS 1
    assert set(descent.Adafactor().step(np.ones(4), np.ones(4)).state if False else ["v"]) == {"v"}


def test_adafactor_state_dict_round_trip_and_shape_checks():
    theta0, target, noise = problem((6, 4))
    opt = descent.Adafactor(lr=0.05)
    x = ours_path(opt, theta0, target, noise)[-1]
    twin = descent.Adafactor(lr=0.05)
    twin.load_state_dict(opt.state_dict())
    g = gradient(x, 0, target, noise)
    np.testing.assert_array_equal(opt.step(x, g), twin.step(x, g))
    with pytest.raises(ValueError, match=r"x must keep the shape of the earlier steps, \(6, 4\) \(the shape that "
                                         r"the state row is made for\); got shape \(4, 6\)"):
        opt.step(x.T, g.T)
    bad = opt.state_dict()
    bad["state"]["col"] = np.ones((2, 4))
    with pytest.raises(ValueError, match=r"state_dict\['state'\] must hold the state of Adafactor\(.*\) for "
                                         r"parameters of one shape; got arrays of the shapes"):
        twin.load_state_dict(bad)
    bad["state"] = {"v": np.ones(3), "row": np.ones((6, 1))}
    with pytest.raises(ValueError, match=r"state_dict\['state'\] must hold the arrays"):
        twin.load_state_dict(bad)


def test_adafactor_sweep_equals_separate_runs():
    theta0, target, noise = problem((6, 4))
    lrs = np.array([0.01, 0.05, 0.2])
    stacked = np.broadcast_to(theta0, (3, 6, 4))
    sweep = ours_path(descent.Adafactor(lr=lrs[:, None, None]), stacked, target, noise)
    for r, lr in enumerate(lrs):
        np.testing.assert_array_equal(sweep[:, r], ours_path(descent.Adafactor(lr=lr), theta0, target, noise))


# ---------------------------------------------------------------- Lion

lion_pytorch = pytest.importorskip("lion_pytorch")

LION = [
    ({}, {}),
    (dict(lr=0.01, beta1=0.8, beta2=0.9, weight_decay=1.0), dict(lr=0.01, betas=(0.8, 0.9), weight_decay=1.0)),
    (dict(lr=0.02, weight_decay=0.1, decoupled_weight_decay=True),
     dict(lr=0.02, weight_decay=0.1, decoupled_weight_decay=True)),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("ours, theirs", LION)
def test_lion_is_bit_identical_to_lion_pytorch(ours, theirs, dtype):
    theta0, target, noise = problem((6, 4))
    mine = ours_path(descent.Lion(**ours), theta0, target, noise, dtype=dtype)
    ref = torch_path(lambda ps: lion_pytorch.Lion(ps, **theirs), theta0, target, noise,
                     dtype={np.float64: torch.float64, np.float32: torch.float32}[dtype])
    np.testing.assert_array_equal(mine, ref)


@pytest.mark.parametrize("decoupled", [False, True])
def test_lion_with_a_schedule_is_bit_identical(decoupled):
    """lr halved at step 26 (a MultiStep schedule; torch: the group's lr set by hand): decay follows α_t, and
    with decoupled decay λ α_t/α₀."""
    theta0, target, noise = problem((6, 4))
    lr = schedules.MultiStep(0.02, [25], gamma=0.5)
    mine = ours_path(descent.Lion(lr=lr, weight_decay=0.5, decoupled_weight_decay=decoupled), theta0, target, noise)
    ref = torch_path(lambda ps: lion_pytorch.Lion(ps, lr=0.02, weight_decay=0.5, decoupled_weight_decay=decoupled),
                     theta0, target, noise, lrs=lr(np.arange(STEPS)))
    np.testing.assert_array_equal(mine, ref)


def test_lion_moves_every_coordinate_by_exactly_lr_and_uses_two_betas():
    opt = descent.Lion(lr=0.1, beta1=0.9, beta2=0.99)
    x = opt.step(np.zeros(3), np.array([3.0, -1e-9, 0.0]))
    np.testing.assert_array_equal(x, [-0.1, 0.1, 0.0])  # sign(0) = 0
    np.testing.assert_allclose(opt.state["m"], 0.01 * np.array([3.0, -1e-9, 0.0]))  # stored with β₂
    x = opt.step(x, np.array([-1.0, 1.0, 1.0]))  # c = 0.9·m + 0.1·g: the sign of the new g wins (β₁)
    np.testing.assert_allclose(x, [0.0, 0.0, -0.1])


def test_lion_sweep_equals_separate_runs():
    theta0, target, noise = problem((6, 4))
    lrs = np.array([1e-3, 1e-2])
    sweep = ours_path(descent.Lion(lr=lrs[:, None, None], weight_decay=0.3), np.stack([theta0] * 2), target, noise)
    for r, lr in enumerate(lrs):
        np.testing.assert_array_equal(sweep[:, r], ours_path(descent.Lion(lr=lr, weight_decay=0.3), theta0, target,
                                                             noise))


# ---------------------------------------------------------------- Muon


@pytest.fixture
def float_ns(monkeypatch):
    """torch's Newton–Schulz with its bfloat16 cast removed (grad.bfloat16() → grad.clone()), the portable test (A)
    of FACTS-MODERN §6: the float64 box must then agree to rounding."""
    from torch.optim import _muon

    source = inspect.getsource(_muon._zeropower_via_newtonschulz)
    assert source.count("grad.bfloat16()") == 1
    namespace = dict(vars(_muon))
    exec(source.replace("grad.bfloat16()", "grad.clone()"), namespace)
    monkeypatch.setattr(_muon, "_zeropower_via_newtonschulz", namespace["_zeropower_via_newtonschulz"])


MUON = [
    {},
    dict(lr=0.02),
    dict(lr=0.02, nesterov=False, weight_decay=0.0),
    dict(lr=0.02, adjust_lr_fn="match_rms_adamw", momentum=0.8),
    dict(lr=0.05, adjust_lr_fn="original", ns_steps=3, ns_coefficients=(2.0, -1.5, 0.5), eps=1e-3),
]


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (5, 5)])
@pytest.mark.parametrize("kwargs", MUON)
def test_muon_equals_torch_without_its_bfloat16_cast(float_ns, kwargs, shape):
    theta0, target, noise = problem(shape)
    ours = ours_path(descent.Muon(**kwargs), theta0, target, noise)
    theirs = torch_path(lambda ps: torch.optim.Muon(ps, **kwargs), theta0, target, noise)
    assert_close(ours, theirs)


def test_unmodified_torch_muon_differs_by_its_bfloat16_rounding():
    """With the bf16 cast torch's float64 run is within a relative 1e-2, but not 1e-6, of the float64 box."""
    theta0, target, noise = problem((6, 4))
    ours = ours_path(descent.Muon(lr=0.02), theta0, target, noise)
    theirs = torch_path(lambda ps: torch.optim.Muon(ps, lr=0.02), theta0, target, noise)
    error = np.max(np.abs(ours - theirs)) / np.max(np.abs(theirs))
    assert 1e-6 < error < 1e-2


def test_muon_on_stacked_matrices_and_sweeps_equal_separate_runs(float_ns):
    theta0, target, noise = problem((3, 6, 4))
    lrs = np.array([0.01, 0.02, 0.05])[:, None, None]
    ours = ours_path(descent.Muon(lr=lrs, momentum=0.9), theta0, target, noise)
    for r in range(3):
        single = ours_path(descent.Muon(lr=lrs[r, 0, 0], momentum=0.9), theta0[r], target[r], noise[:, r])
        np.testing.assert_allclose(ours[:, r], single, rtol=1e-13, atol=1e-15)
        theirs = torch_path(lambda ps, lr=lrs[r, 0, 0]: torch.optim.Muon(ps, lr=lr, momentum=0.9), theta0[r], target[r],
                            noise[:, r])
        assert_close(ours[:, r], theirs)


def test_newton_schulz_keeps_singular_vectors_and_maps_singular_values_by_the_polynomial():
    rng = np.random.default_rng(1)
    U, _ = np.linalg.qr(rng.standard_normal((7, 4)))
    V, _ = np.linalg.qr(rng.standard_normal((4, 4)))
    s = np.array([3.0, 1.0, 0.1, 1e-5])
    X = U * s @ V.T
    a, b, c = descent.optimizers.orthogonal.NS_COEFFICIENTS
    expected = s / np.linalg.norm(s)
    for _ in range(5):
        expected = a * expected + b * expected**3 + c * expected**5
    np.testing.assert_allclose(newton_schulz(X), U * expected @ V.T, atol=1e-12)
    assert 0.6 < expected[:3].min() and expected.max() < 1.25 and expected[3] < 0.01  # tiny σ stay small
    np.testing.assert_allclose(newton_schulz(X.T), newton_schulz(X).T, atol=1e-14)
    np.testing.assert_array_equal(newton_schulz(np.stack([X, 2 * X]))[0], newton_schulz(X))


def test_muon_refuses_vectors():
    with pytest.raises(ValueError, match=r"x must be a matrix, or a stack of matrices, shape \(\.\.\., n, m\)"):
        descent.Muon().step(np.ones(3), np.ones(3))
    with pytest.raises(ValueError):
        torch.optim.Muon([torch.nn.Parameter(torch.ones(3))])


# ---------------------------------------------------------------- Layerwise


def test_layerwise_equals_running_the_parts_by_hand():
    net = descent.nn.MLP((5, 4, 3), seed=0, n_models=2)
    opt = Layerwise(net, matrices=descent.Muon(lr=0.02), others=descent.AdamW(lr=0.01))
    rng = np.random.default_rng(0)
    parts = [descent.Muon(lr=0.02), descent.Muon(lr=0.02), descent.AdamW(lr=0.01)]
    x = net.theta.copy()
    by_hand = x.copy()
    for _ in range(4):
        g = rng.standard_normal(x.shape)
        x = opt.step(x, g)
        W, b = net.unflatten(by_hand)
        gW, gb = net.unflatten(g)
        for l in range(2):
            W[l][...] = parts[l].step(W[l].swapaxes(-1, -2), gW[l].swapaxes(-1, -2)).swapaxes(-1, -2)
        new_b = parts[2].step(np.concatenate(b, axis=-1), np.concatenate(gb, axis=-1))
        b[0][...], b[1][...] = new_b[:, :4], new_b[:, 4:]
        np.testing.assert_array_equal(x, by_hand)
    assert opt.t == 4


def test_layerwise_muon_adamw_equals_torch_on_an_mlp(float_ns):
    """Muon on the weights (torch's Linear layout, out × in) and AdamW on the biases, 20 steps of nn-style
    training on 64 digits, against the same network in torch."""
    data = descent.data.digits()
    X, y = data.X_train[:64], data.y_train[:64]
    net = descent.nn.MLP((64, 16, 12, 10), seed=3)
    layers = [torch.nn.Linear(n_in, n_out, dtype=torch.float64) for n_in, n_out in zip(net.sizes, net.sizes[1:])]
    with torch.no_grad():
        for layer, W, b in zip(layers, net.weights, net.biases):
            layer.weight.copy_(torch.tensor(W.T))
            layer.bias.copy_(torch.tensor(b))
    model = torch.nn.Sequential(layers[0], torch.nn.ReLU(), layers[1], torch.nn.ReLU(), layers[2])
    muon = torch.optim.Muon([layer.weight for layer in layers], lr=0.02, weight_decay=0.05)
    adamw = torch.optim.AdamW([layer.bias for layer in layers], lr=0.01)
    opt = Layerwise(net, matrices=descent.Muon(lr=0.02, weight_decay=0.05), others=descent.AdamW(lr=0.01))
    for _ in range(20):
        _, grad = net.loss_and_grad(X, y)
        opt.step(net.theta, grad, out=net.theta)
        loss = torch.nn.functional.cross_entropy(model(torch.tensor(X)), torch.tensor(y))
        muon.zero_grad(), adamw.zero_grad()
        loss.backward()
        muon.step(), adamw.step()
    for layer, W, b in zip(layers, net.weights, net.biases):
        np.testing.assert_allclose(W.T, layer.weight.detach().numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(b, layer.bias.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_layerwise_trains_with_nn_train_and_saves_its_state():
    data = descent.data.digits()
    net = descent.nn.MLP((64, 8, 10), seed=0, n_models=2)
    opt = Layerwise(net, matrices=descent.Adafactor(), others=descent.AdamW(lr=0.01))
    history = descent.nn.train(net, opt, data, epochs=1, batch_size=128, seed=[0, 1])
    assert np.all(history.loss[-1] < history.loss[0])
    saved, x = opt.state_dict(), net.theta.copy()
    twin = Layerwise(net, matrices=descent.Adafactor(), others=descent.AdamW(lr=0.01))
    twin.load_state_dict(saved)
    g = np.ones_like(x)
    np.testing.assert_array_equal(opt.step(x, g), twin.step(x, g))
    with pytest.raises(ValueError, match=r"state_dict\['matrices'\] must be a list of 2 state dicts"):
        twin.load_state_dict(dict(saved, matrices=saved["matrices"][:1]))
    opt.reset()
    assert opt.t == 0 and not opt.others.state
