"""Tests of descent.experiments: validation split, grids, vectorised sweeps, the choice of lr, the summary table."""

import numpy as np
import pytest

import descent
from descent import data, evidence, experiments, layers, nn


@pytest.fixture(scope="module")
def moons():
    return data.moons(n=120, seed=1)


def test_validation_split_holds_out_part_of_the_training_set_only(moons):
    fit = experiments.validation_split(moons, fraction=0.25, seed=0)
    assert len(fit.y_train) + len(fit.y_test) == len(moons.y_train)
    rows = {tuple(x) for x in moons.X_train}
    assert all(tuple(x) in rows for x in np.vstack([fit.X_train, fit.X_test]))
    assert not {tuple(x) for x in fit.X_train} & {tuple(x) for x in fit.X_test}
    assert abs(fit.y_test.mean() - moons.y_train.mean()) < 0.05  # stratified


@pytest.mark.parametrize("fraction", [0, 1, 1.5, -0.1, True, "0.2"])
def test_validation_split_rejects_bad_fractions(moons, fraction):
    with pytest.raises(ValueError, match="fraction"):
        experiments.validation_split(moons, fraction=fraction)


def test_validation_split_needs_a_split():
    with pytest.raises(TypeError, match="Split"):
        experiments.validation_split((1, 2))


def test_grid_is_the_product_with_the_last_axis_fastest():
    cols, shape = experiments.grid(lr=[0.1, 1.0], beta=[0.0, 0.5, 0.9])
    assert shape == (2, 3) and cols["lr"].shape == (6, 1)
    assert cols["lr"][:, 0].tolist() == [0.1] * 3 + [1.0] * 3
    assert cols["beta"][:, 0].tolist() == [0.0, 0.5, 0.9] * 2
    result = (cols["lr"] * 10 + cols["beta"])[:, 0].reshape(shape)
    assert result[1, 2] == pytest.approx(10.9)


@pytest.mark.parametrize("axes", [{}, {"lr": []}, {"lr": [[0.1, 0.2]]}])
def test_grid_rejects_empty_or_nested_axes(axes):
    with pytest.raises(ValueError):
        experiments.grid(**axes)


def test_a_sweep_equals_separate_runs(moons):
    fit = experiments.validation_split(moons)
    lrs = [0.03, 0.3]
    result = experiments.sweep(lambda lr: descent.Adam(lr=lr), lrs, fit, moons, (2, 4, 2), epochs=3, seeds=2,
                               batch_size=16, every_epoch=True)
    ends = experiments.sweep(lambda lr: descent.Adam(lr=lr), lrs, fit, moons, (2, 4, 2), epochs=3, seeds=2,
                             batch_size=16)
    assert result.curves("loss").shape == (4, 2, 2) and result.test_accuracy.shape == (2, 2)
    np.testing.assert_array_equal(ends.curves("loss")[[0, -1]], result.curves("loss")[[0, -1]])
    assert np.isnan(ends.curves("loss")[1:-1]).all()
    np.testing.assert_array_equal(ends.test_accuracy, result.test_accuracy)
    for r, lr in enumerate(lrs):
        for s in range(2):
            net = nn.MLP((2, 4, 2), seed=s)
            history = nn.train(net, descent.Adam(lr=lr), fit, epochs=3, batch_size=16, seed=s)  # batches too
            np.testing.assert_allclose(result.curves("loss")[:, r, s], history.loss, rtol=1e-10)
            np.testing.assert_allclose(result.val_loss[r, s], history.test_loss[-1], rtol=1e-10)
            assert result.test_accuracy[r, s] == pytest.approx(net.accuracy(moons.X_test, moons.y_test))
    assert result.best_lr in lrs and result.lrs[result.best] == result.best_lr
    assert "Adam" in repr(result) and result.seeds.tolist() == [0, 1]


def test_a_sweep_marks_diverged_runs_nan(moons):
    fit = experiments.validation_split(moons)
    result = experiments.sweep(lambda lr: descent.SGD(lr=lr), [0.1, 1e30], fit, moons, (2, 4, 2), epochs=2,
                               seeds=2, seed=5)
    assert np.isnan(result.test_accuracy[1]).all() and np.isfinite(result.test_accuracy[0]).all()
    assert result.best_lr == 0.1 and result.seeds.tolist() == [5, 6]


def test_sweep_rejects_bad_arguments(moons):
    fit = experiments.validation_split(moons)
    with pytest.raises(ValueError, match="lrs"):
        experiments.sweep(descent.SGD, [[0.1]], fit, moons, (2, 2), epochs=1)
    with pytest.raises(ValueError, match="lrs"):
        experiments.sweep(descent.SGD, [-0.1], fit, moons, (2, 2), epochs=1)
    with pytest.raises(TypeError, match="test"):
        experiments.sweep(descent.SGD, [0.1], fit, None, (2, 2), epochs=1)
    with pytest.raises(TypeError, match="seeds"):
        experiments.sweep(descent.SGD, [0.1], fit, moons, (2, 2), epochs=1, seeds=1.5)


def test_pick_best_lr_uses_the_mean_validation_loss_and_skips_diverged_rates():
    lrs = np.array([0.01, 0.1, 1.0])
    val = np.array([[0.5, 0.5], [0.4, 0.45], [np.nan, 0.1]])
    assert experiments.pick_best_lr(lrs, np.zeros_like(val), val) == 0.1
    with pytest.raises(ValueError, match="diverged"):
        experiments.pick_best_lr(lrs, val, np.full((3, 2), np.inf))
    with pytest.raises(ValueError, match="val_loss"):
        experiments.pick_best_lr(lrs, val, val[:2])
    with pytest.raises(ValueError, match="train_loss"):
        experiments.pick_best_lr(lrs, val[:, :1], val)


def test_table_lists_every_optimizer_best_first(moons):
    fit = experiments.validation_split(moons)
    sweeps = [experiments.sweep(make, [0.01, 0.1], fit, moons, (2, 4, 2), epochs=2, seeds=2, name=name)
              for name, make in (("SGD", lambda lr: descent.SGD(lr=lr)), ("Adam", lambda lr: descent.Adam(lr=lr)))]
    text = experiments.table(sweeps)
    lines = text.splitlines()
    assert len(lines) == 3 and "best lr" in lines[0]
    accuracies = [s.test_accuracy[s.best].mean() for s in sweeps]
    assert lines[1].startswith(sweeps[int(np.argmax(accuracies))].name)
    best = sweeps[int(np.argmax(accuracies))]
    assert str(evidence.interval(best.test_accuracy[best.best])) in lines[1]  # a t interval, not ± a spread


def test_seeded_pairs_every_configuration_with_the_same_starts_and_batches(moons):
    net, batch_seeds = experiments.seeded((2, 4, 2), configs=2, seeds=2, seed=3)
    assert net.theta.shape[0] == 4 and batch_seeds == [3, 4, 3, 4]
    lrs = np.repeat([0.05, 0.5], 2)[:, None]
    history = nn.train(net, descent.SGD(lr=lrs), moons, epochs=2, batch_size=16, seed=batch_seeds)
    for model, (lr, s) in enumerate([(0.05, 3), (0.05, 4), (0.5, 3), (0.5, 4)]):
        alone = nn.MLP((2, 4, 2), seed=s)
        single = nn.train(alone, descent.SGD(lr=lr), moons, epochs=2, batch_size=16, seed=s)
        np.testing.assert_allclose(history.loss[:, model], single.loss, rtol=1e-10)
        np.testing.assert_allclose(net.theta[model], alone.theta, rtol=1e-10)


@pytest.mark.parametrize("network, kwargs", [(layers.NormMLP, dict(norm="batch")),
                                             (layers.ResidualMLP, dict(zero_init=True))])
def test_seeded_builds_the_networks_of_layers_with_the_same_starts(network, kwargs):
    net, batch_seeds = experiments.seeded((3, 4, 4, 2), configs=3, seeds=2, seed=5, network=network, **kwargs)
    assert type(net) is network and net.theta.shape[0] == 6 and batch_seeds == [5, 6] * 3
    for model in range(6):
        alone = network((3, 4, 4, 2), seed=5 + model % 2, **kwargs)
        np.testing.assert_array_equal(net.theta[model], alone.theta)


@pytest.mark.parametrize("kwargs", [dict(configs=0), dict(configs=2, seeds=0), dict(configs=2, seed=-1)])
def test_seeded_rejects_bad_counts(kwargs):
    with pytest.raises(ValueError):
        experiments.seeded((2, 4, 2), **kwargs)
