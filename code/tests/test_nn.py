"""descent.nn: activations, initialisations, backprop against finite differences, n_models = many nets at once,
training on digits, divergence reported without warnings, and every bad argument."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import descent
from descent import data, nn

SIZES = (3, 5, 4, 3)


@pytest.fixture(scope="module")
def digits():
    return data.digits()


def small_batch(n=7, seed=1):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, SIZES[0])), rng.integers(0, SIZES[-1], n)


def central_differences(net, X, y, h=1e-6):
    """∂L/∂θ_i ≈ (L(θ + h e_i) − L(θ − h e_i)) / 2h, for every model at once."""
    grad = np.empty_like(net.theta)
    for i in range(net.n_params):
        saved = net.theta[..., i].copy()
        net.theta[..., i] = saved + h
        plus = net.loss_and_grad(X, y)[0]
        net.theta[..., i] = saved - h
        minus = net.loss_and_grad(X, y)[0]
        net.theta[..., i] = saved
        grad[..., i] = (plus - minus) / (2 * h)
    return grad


# --- activations and initialisation ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(nn.ACTIVATIONS))
def test_each_derivative_matches_finite_differences(name):
    act = nn.ACTIVATIONS[name]
    z = np.linspace(-4, 4, 40) + 0.013  # avoids the kink at 0
    numeric = (act(z + 1e-6) - act(z - 1e-6)) / 2e-6
    np.testing.assert_allclose(act.derivative(z), numeric, rtol=1e-6, atol=1e-8)


def test_activation_formulas():
    z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    np.testing.assert_allclose(nn.relu(z), [0, 0, 0, 0.5, 2])
    np.testing.assert_allclose(nn.leaky_relu(z), [-0.02, -0.005, 0, 0.5, 2])
    np.testing.assert_allclose(nn.sigmoid(z), 1 / (1 + np.exp(-z)))
    np.testing.assert_allclose(nn.elu(z), [np.expm1(-2), np.expm1(-0.5), 0, 0.5, 2])  # x > 0: x; x ≤ 0: eˣ − 1
    assert nn.sigmoid.derivative(np.array(0.0)) == 0.25 and nn.tanh.derivative(np.array(0.0)) == 1.0
    assert repr(nn.relu) == "Activation('relu')"


def test_activations_do_not_overflow():
    z = np.array([-1000.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for act in nn.ACTIVATIONS.values():
            assert np.all(np.isfinite(act(z))) and np.all(np.isfinite(act.derivative(z)))


@pytest.mark.parametrize("init, std", [("he", np.sqrt(2 / 400)), ("xavier", np.sqrt(2 / 700)), ("normal", 0.05),
                                       ("zeros", 0.0)])
def test_initial_weights_have_the_std_of_their_scheme(init, std):
    net = nn.MLP([400, 300, 2], init=init, scale=0.05)
    assert nn.init_std(init, 400, 300, scale=0.05) == std
    assert net.weights[0].std() == pytest.approx(std, rel=0.01)
    assert not any(b.any() for b in net.biases)


def test_weights_and_biases_are_views_into_theta():
    net = nn.MLP(SIZES, n_models=2)
    assert net.theta.shape == (2, net.n_params) and net.n_params == 3 * 5 + 5 + 5 * 4 + 4 + 4 * 3 + 3
    assert [W.shape for W in net.weights] == [(2, 3, 5), (2, 5, 4), (2, 4, 3)]
    assert [b.shape for b in net.biases] == [(2, 5), (2, 4), (2, 3)]
    assert all(np.shares_memory(p, net.theta) for p in net.weights + net.biases)
    net.theta = np.ones_like(net.theta)
    assert all((p == 1).all() for p in net.weights + net.biases)
    net.theta[1, 0] = 7.0
    assert net.weights[0][1, 0, 0] == 7.0


def test_model_r_starts_like_a_single_net_with_seed_plus_r():
    many = nn.MLP(SIZES, seed=5, n_models=3)
    for r in range(3):
        np.testing.assert_array_equal(many.theta[r], nn.MLP(SIZES, seed=5 + r).theta)
    assert not np.array_equal(many.theta[0], many.theta[1])


# --- forward and backward ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("n_models", [None, 2])
@pytest.mark.parametrize("name", list(nn.ACTIVATIONS))
def test_backprop_matches_central_differences(name, n_models):
    net = nn.MLP(SIZES, activation=name, init="normal", scale=0.7, seed=3, n_models=n_models)
    net.theta += 0.1  # non-zero biases too
    X, y = small_batch()
    loss, grad = net.loss_and_grad(X, y)
    assert grad.shape == net.theta.shape and np.shape(loss) == net.theta.shape[:-1]
    np.testing.assert_allclose(grad, central_differences(net, X, y), rtol=1e-5, atol=1e-8)


def test_the_loss_is_the_mean_softmax_cross_entropy_and_shapes_follow_n_models():
    X, y = small_batch()
    for n_models, lead in ((None, ()), (3, (3,))):
        net = nn.MLP(SIZES, n_models=n_models)
        logits = net.forward(X)
        assert logits.shape == lead + (7, 3)
        p = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
        expected = -np.log(p[..., np.arange(7), y]).mean(axis=-1)
        np.testing.assert_allclose(net.loss_and_grad(X, y)[0], expected)
        assert net.predict(X).shape == lead + (7,)
        np.testing.assert_array_equal(net.accuracy(X, y), np.mean(logits.argmax(-1) == y, axis=-1))
        assert [a.shape for a in net.activations(X)] == [lead + (7, 5), lead + (7, 4)]
        assert net.layer_grad_norms(net.loss_and_grad(X, y)[1]).shape == lead + (3,)


def test_layer_grad_norms_are_the_norms_of_the_weight_gradients():
    net = nn.MLP(SIZES)
    grad = net.loss_and_grad(*small_batch())[1]
    expected = [np.linalg.norm(g) for g in net.unflatten(grad)[0]]
    np.testing.assert_allclose(net.layer_grad_norms(grad), expected)


@given(shift=st.floats(-1e3, 1e3), scale=st.floats(1e-3, 1e3))
def test_the_loss_ignores_a_shift_of_all_logits_and_never_overflows(shift, scale):
    net = nn.MLP(SIZES, init="normal", scale=1.0)
    X, y = small_batch()
    net.theta *= scale
    loss, grad = net.loss_and_grad(X, y)
    net.biases[-1] += shift
    shifted, grad_shifted = net.loss_and_grad(X, y)
    assert np.isfinite(loss) and loss >= 0
    assert shifted == pytest.approx(loss, rel=1e-9, abs=1e-6 * (1 + abs(shift)))
    assert abs(net.unflatten(grad)[1][-1].sum()) < 1e-9  # softmax − one-hot sums to 0 over the classes


def test_zero_init_relu_has_no_gradient_in_the_hidden_layers():
    net = nn.MLP(SIZES, init="zeros")
    norms = net.layer_grad_norms(net.loss_and_grad(*small_batch())[1])
    np.testing.assert_array_equal(norms, [0, 0, 0])  # all hidden units are 0: a dead, symmetric network


# --- batches and train ------------------------------------------------------------------------------------------

def test_batches_cover_every_index_once_in_a_new_order_each_epoch():
    rng = np.random.default_rng(0)
    first, second = list(nn.batches(10, 4, rng)), list(nn.batches(10, 4, rng))
    assert [len(b) for b in first] == [4, 4, 2]
    np.testing.assert_array_equal(np.sort(np.concatenate(first)), np.arange(10))
    assert not np.array_equal(np.concatenate(first), np.concatenate(second))
    np.testing.assert_array_equal(np.concatenate(list(nn.batches(10, 4, 3))),
                                  np.concatenate(list(nn.batches(10, 4, np.random.default_rng(3)))))
    assert [len(b) for b in nn.batches(5, 64, 0)] == [5]


def test_adam_on_digits_reaches_90_percent_test_accuracy(digits):
    net = nn.MLP([64, 64, 10])
    history = nn.train(net, descent.Adam(lr=3e-3), digits, epochs=5)
    assert history.test_accuracy[-1] > 0.9 and history.test_accuracy[0] < 0.3
    assert history.loss[-1] < history.loss[0] / 3
    assert history.diverged_at is None and "test accuracy" in repr(history)


def test_history_shapes_and_epoch_zero_is_the_initial_network(digits):
    for n_models, lead in ((None, ()), (2, (2,))):
        net = nn.MLP([64, 16, 10], n_models=n_models)
        loss0, grad0 = net.loss_and_grad(digits.X_train, digits.y_train)
        grad_norms0 = net.layer_grad_norms(grad0)
        test_accuracy0 = net.accuracy(digits.X_test, digits.y_test)
        h = nn.train(net, descent.SGD(lr=0.1), digits, epochs=2, batch_size=100)
        assert h.steps_per_epoch == 15 and h.step_loss.shape == (30,) + lead
        for per_epoch in (h.loss, h.test_loss, h.accuracy, h.test_accuracy):
            assert per_epoch.shape == (3,) + lead and np.isfinite(per_epoch).all()
        assert h.grad_norms.shape == (3,) + lead + (2,)
        np.testing.assert_allclose(h.loss[0], loss0)
        np.testing.assert_allclose(h.grad_norms[0], grad_norms0)
        np.testing.assert_allclose(h.test_accuracy[0], test_accuracy0)
        assert h.seconds[0] == 0 and np.all(np.diff(h.seconds) > 0)
        np.testing.assert_array_equal(h.epochs, [0, 1, 2])


def test_n_models_equal_separate_nets_trained_on_the_same_batches(digits):
    lrs = [1e-3, 3e-3, 1e-2]
    sizes = [64, 32, 10]
    many = nn.train(nn.MLP(sizes, seed=4, n_models=3), descent.Adam(lr=np.array(lrs)[:, None]), digits,
                    epochs=2, seed=9)
    for r, lr in enumerate(lrs):
        one = nn.train(nn.MLP(sizes, seed=4 + r), descent.Adam(lr=lr), digits, epochs=2, seed=9)
        for name in ("loss", "test_loss", "accuracy", "test_accuracy", "step_loss", "grad_norms"):
            np.testing.assert_allclose(getattr(many, name)[:, r], getattr(one, name), rtol=0, atol=0,
                                       err_msg=name)


def test_train_resets_the_optimizer_so_runs_repeat(digits):
    opt = descent.Adam(lr=1e-2)
    first = nn.train(nn.MLP([64, 8, 10]), opt, digits, epochs=1)
    again = nn.train(nn.MLP([64, 8, 10]), opt, digits, epochs=1)
    np.testing.assert_array_equal(first.step_loss, again.step_loss)


@pytest.mark.parametrize("n_models", [None, 3])
def test_clip_norm_bounds_each_models_step(digits, n_models):
    net = nn.MLP([64, 8, 10], n_models=n_models)
    start = net.theta.copy()
    nn.train(net, descent.SGD(lr=1.0), digits, epochs=1, batch_size=len(digits.y_train), clip_norm=0.01)
    np.testing.assert_allclose(np.linalg.norm(net.theta - start, axis=-1), 0.01)


def test_divergence_is_reported_not_raised_and_warns_nothing(digits):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net = nn.MLP([64, 32, 10], activation="leaky_relu")  # (a ReLU net just dies: its loss stays finite)
        history = nn.train(net, descent.SGD(lr=1e6), digits, epochs=4)
    assert history.diverged_at == 1 and history.diverged and "diverged in epoch 1" in repr(history)
    assert np.isnan(net.theta).all()
    assert np.isfinite(history.loss[0]) and np.isnan(history.loss[1:]).all()
    assert np.isnan(history.test_accuracy[1:]).all()


def test_in_a_sweep_a_diverged_model_is_frozen_and_the_others_go_on(digits):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net = nn.MLP([64, 32, 10], activation="leaky_relu", n_models=2)
        history = nn.train(net, descent.SGD(lr=np.array([[0.1], [1e6]])), digits, epochs=3)
    np.testing.assert_array_equal(history.diverged_at, [-1, 1])
    np.testing.assert_array_equal(history.diverged, [False, True])
    assert np.isnan(net.theta[1]).all() and np.isfinite(net.theta[0]).all()
    assert np.isfinite(history.test_accuracy[:, 0]).all() and np.isnan(history.test_accuracy[1:, 1]).all()
    assert history.test_accuracy[-1, 0] > 0.5 and "1 diverged" in repr(history)


def test_progress_bar_is_optional(digits, capsys):
    nn.train(nn.MLP([64, 4, 10]), descent.SGD(), digits, epochs=1, progress=True)
    assert "epochs" in capsys.readouterr().err


# --- bad arguments ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, error, match", [
    (dict(sizes=[3]), ValueError, "sizes must be a sequence of at least 2"),
    (dict(sizes="abc"), ValueError, "sizes must be"),
    (dict(sizes=5), ValueError, "sizes must be"),
    (dict(sizes=[3, 0, 2]), ValueError, r"sizes\[1\] must be an integer >= 1; got 0"),
    (dict(sizes=[3, 2.5, 2]), TypeError, r"sizes\[1\] must be an integer"),
    (dict(activation="swish"), ValueError, "activation must be one of .*'relu'.*; got 'swish'"),
    (dict(activation=np.tanh), TypeError, "activation must be a name in"),
    (dict(init="glorot"), ValueError, "init must be one of .*'xavier'.*; got 'glorot'"),
    (dict(scale=0), ValueError, "scale must be > 0; got 0"),
    (dict(seed=-1), ValueError, "seed must be an integer >= 0; got -1"),
    (dict(n_models=0), ValueError, "n_models must be an integer >= 1; got 0"),
    (dict(n_models=2.0), TypeError, "n_models must be an integer"),
])
def test_bad_mlp_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        nn.MLP(**{"sizes": SIZES, **kwargs})


def test_bad_inputs_to_the_network():
    net = nn.MLP(SIZES)
    X, y = small_batch()
    with pytest.raises(ValueError, match=r"X must have shape \(batch, 3\); got shape \(7, 4\)"):
        net.forward(np.ones((7, 4)))
    with pytest.raises(ValueError, match="X must be finite"):
        net.predict(np.full((7, 3), np.nan))
    with pytest.raises(TypeError, match="y must be an array of integer class labels; got dtype float64"):
        net.loss_and_grad(X, y.astype(float))
    with pytest.raises(ValueError, match=r"y must have shape \(7,\)"):
        net.accuracy(X, y[:5])
    with pytest.raises(ValueError, match="y must hold labels in 0..2; got values from .* to 3"):
        net.loss_and_grad(X, np.where(y == 0, 3, y))
    with pytest.raises(ValueError, match="grad must have the shape"):
        net.layer_grad_norms(np.ones(3))
    with pytest.raises(ValueError, match=r"theta must have shape \(59,\); got shape \(3,\)"):
        net.theta = np.ones(3)
    with pytest.raises(ValueError, match="init must be one of"):
        nn.init_std("lecun", 3, 4)


@pytest.mark.parametrize("args, error, match", [
    ((0, 4, 0), ValueError, "n must be an integer >= 1; got 0"),
    ((10, 0, 0), ValueError, "batch_size must be an integer >= 1; got 0"),
    ((10, 2.5, 0), TypeError, "batch_size must be an integer"),
    ((10, 4, "seed"), TypeError, "rng must be an integer"),
])
def test_bad_batches_arguments(args, error, match):
    with pytest.raises(error, match=match):
        nn.batches(*args)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(epochs=-1), ValueError, "epochs must be an integer >= 0; got -1"),
    (dict(batch_size=0), ValueError, "batch_size must be an integer >= 1; got 0"),
    (dict(clip_norm=0.0), ValueError, "clip_norm must be > 0; got 0.0"),
    (dict(seed=1.5), TypeError, "seed must be an integer"),
    (dict(data=(1, 2)), TypeError, "data must be a descent.data.Split"),
    (dict(opt="adam"), TypeError, "opt must be a descent optimizer"),
    (dict(net="mlp"), TypeError, "net must be a descent.nn.MLP"),
    (dict(net=nn.MLP([5, 3])), ValueError, r"X must have shape \(batch, 5\)"),
    (dict(net=nn.MLP([64, 3])), ValueError, "y must hold labels in 0..2"),
])
def test_bad_train_arguments(digits, kwargs, error, match):
    args = dict(net=nn.MLP([64, 4, 10]), opt=descent.SGD(), data=digits, epochs=1) | kwargs
    with pytest.raises(error, match=match):
        nn.train(**args)


def test_per_model_seeds_give_each_model_its_own_batches():
    split = data.moons(n=120)
    net = nn.MLP((2, 8, 2), seed=3, n_models=3)
    history = nn.train(net, descent.Adam(lr=0.02), split, epochs=2, batch_size=16, seed=[7, 8, 9])
    for r in range(3):
        alone = nn.MLP((2, 8, 2), seed=3 + r)
        single = nn.train(alone, descent.Adam(lr=0.02), split, epochs=2, batch_size=16, seed=7 + r)
        np.testing.assert_array_equal(history.loss[:, r], single.loss)
        np.testing.assert_array_equal(net.theta[r], alone.theta)
    with pytest.raises(ValueError, match="one per model"):
        nn.train(net, descent.Adam(lr=0.02), split, epochs=1, seed=[1, 2])


def test_training_without_gradient_norm_records_changes_nothing_else():
    split = data.moons(n=120)
    runs = []
    for grad_norms in (True, False):
        net = nn.MLP((2, 8, 2), seed=1, n_models=2)
        runs.append(nn.train(net, descent.Adam(lr=0.02), split, epochs=2, seed=[3, 4], grad_norms=grad_norms))
    for name in ("loss", "test_loss", "accuracy", "test_accuracy", "step_loss"):
        np.testing.assert_array_equal(getattr(runs[0], name), getattr(runs[1], name))
    assert np.isfinite(runs[0].grad_norms).all() and np.isnan(runs[1].grad_norms).all()


def test_recording_only_the_ends_changes_no_result():
    split = data.moons(n=120)
    runs, nets = [], []
    for every_epoch in (True, False):
        nets.append(nn.MLP((2, 8, 2), seed=1, n_models=2))
        runs.append(nn.train(nets[-1], descent.Adam(lr=0.02), split, epochs=3, seed=[3, 4], every_epoch=every_epoch))
    every, ends = runs
    np.testing.assert_array_equal(nets[0].theta, nets[1].theta)
    np.testing.assert_array_equal(every.step_loss, ends.step_loss)
    for name in ("loss", "test_loss", "accuracy", "test_accuracy", "grad_norms"):
        np.testing.assert_array_equal(getattr(every, name)[[0, -1]], getattr(ends, name)[[0, -1]])
        assert np.isnan(getattr(ends, name)[1:-1]).all()


@pytest.mark.parametrize("classes", [1, 2, 3, 7, 8, 10, 16])
@pytest.mark.parametrize("per_model_labels", [False, True])
def test_the_cross_entropy_equals_numpys_reductions_bit_for_bit(classes, per_model_labels):
    """The whole-array max and sum over the class axis give exactly what numpy's reductions give."""
    rng = np.random.default_rng(classes)
    logits = 5 * rng.standard_normal((3, 17, classes))
    y = rng.integers(0, classes, size=(3, 17) if per_model_labels else 17)
    z = logits - logits.max(axis=-1, keepdims=True)
    total = np.exp(z).sum(axis=-1, keepdims=True)
    labels = np.broadcast_to(y, z.shape[:-1])[..., None]
    loss = (np.log(total[..., 0]) - np.take_along_axis(z, labels, axis=-1)[..., 0]).mean(axis=-1)
    delta = np.exp(z) / total
    np.put_along_axis(delta, labels, np.take_along_axis(delta, labels, axis=-1) - 1, axis=-1)
    ours = nn._cross_entropy(logits, y)
    np.testing.assert_array_equal(ours[0], loss)
    np.testing.assert_array_equal(ours[1], delta / 17)
