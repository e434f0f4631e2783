"""Tests of descent.tuning: search spaces, repeated random searches, best-so-far curves, steps to a target."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import descent
from descent import data, experiments, nn, tuning
from descent.tuning import LogUniform, OneMinusLogUniform, Uniform

SPLIT = data.teacher_student(n=200, d=4, classes=3, width=8, seed=3)
WORKLOAD = tuning.Workload("tiny", (4, 6, 3), experiments.validation_split(SPLIT, 0.25, 0), SPLIT, epochs=2,
                           batch_size=16, mlp={"activation": "tanh"})
ADAM_SPACE = {"lr": LogUniform(1e-3, 1e-1), "beta1": OneMinusLogUniform(0.5, 0.99)}


def test_the_distributions_map_quantiles_onto_their_ranges():
    u = np.array([0.0, 0.5, 1.0])
    np.testing.assert_allclose(LogUniform(1e-4, 1.0)(u), [1e-4, 1e-2, 1.0])
    np.testing.assert_allclose(OneMinusLogUniform(0.9, 0.999)(u), [0.9, 0.99, 0.999])
    np.testing.assert_allclose(Uniform(-1.0, 3.0)(u), [-1.0, 1.0, 3.0])
    for dist in (LogUniform(1e-4, 1.0), OneMinusLogUniform(0.9, 0.999), Uniform(-1.0, 3.0)):
        np.testing.assert_allclose(dist.quantile(dist(u)), u, atol=1e-12)


def test_log_uniform_puts_equal_mass_in_every_decade():
    x = LogUniform(1e-4, 1.0)(np.random.default_rng(0).random(40_000))
    counts = np.histogram(np.log10(x), bins=4, range=(-4, 0))[0]
    assert np.all(np.abs(counts / x.size - 0.25) < 0.01)


@pytest.mark.parametrize("make, message", [
    (lambda: LogUniform(0.0, 1.0), "low must be > 0; got 0"),
    (lambda: LogUniform(1.0, 0.1), r"LogUniform needs low < high; got low=1.0, high=0.1"),
    (lambda: OneMinusLogUniform(0.9, 1.0), r"high must be in \[0, 1\); got 1"),
    (lambda: Uniform(2, 2), "Uniform needs low < high; got low=2.0, high=2.0"),
])
def test_bad_bounds_are_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_sample_draws_each_search_from_its_own_seed_and_shares_quantiles_between_spaces():
    a = tuning.sample(ADAM_SPACE, trials=7, seeds=3, seed=10)
    assert set(a) == {"lr", "beta1"} and a["lr"].shape == (7, 3)
    one = tuning.sample(ADAM_SPACE, trials=7, seeds=1, seed=12)
    np.testing.assert_array_equal(one["beta1"][:, 0], a["beta1"][:, 2])  # search s uses seed + s
    other = tuning.sample({"lr": LogUniform(1e-1, 10.0), "beta": OneMinusLogUniform(0.5, 0.99),
                           "weight_decay": LogUniform(1e-5, 1e-1)}, trials=7, seeds=3, seed=10)
    np.testing.assert_allclose(other["lr"], a["lr"] * 100)  # same quantile, a range 100 times higher
    np.testing.assert_array_equal(other["beta"], a["beta1"])
    np.testing.assert_array_equal(tuning.sample(ADAM_SPACE, 7, 3, 10)["lr"], a["lr"])  # deterministic


def test_best_so_far_is_a_running_minimum_that_skips_diverged_trials():
    scores = np.array([np.nan, 0.5, 0.7, np.inf, 0.2, 0.3])
    np.testing.assert_array_equal(tuning.best_so_far(scores), [np.inf, 0.5, 0.5, 0.5, 0.2, 0.2])
    two = tuning.best_so_far(np.array([[0.3, 0.1], [0.2, 0.4]]))
    np.testing.assert_array_equal(two, [[0.3, 0.1], [0.2, 0.1]])  # along the trials, per search


@settings(max_examples=50)
@given(st.lists(st.one_of(st.floats(0, 10), st.just(np.nan)), min_size=1, max_size=12))
def test_best_so_far_is_the_minimum_over_each_prefix(values):
    scores = np.array(values)
    finite = np.where(np.isfinite(scores), scores, np.inf)
    expected = [finite[:k + 1].min() for k in range(len(scores))]
    np.testing.assert_array_equal(tuning.best_so_far(scores), expected)


def test_steps_to_target_finds_the_first_point_at_or_below_the_target():
    curves = np.array([[2.3, 2.3, 2.3], [1.0, 0.5, np.nan], [0.4, 0.6, np.nan], [0.3, 0.3, np.nan]])
    np.testing.assert_array_equal(tuning.steps_to_target(curves, 0.5, 10), [20, 10, np.inf])
    assert tuning.steps_to_target(np.array([0.1, 0.05]), 1.0, 7) == 0  # already there before training


def test_a_trial_of_a_search_is_the_run_it_stands_for():
    search = tuning.random_search(descent.Adam, ADAM_SPACE, WORKLOAD, trials=3, seeds=2, seed=5)
    i, s = 2, 1
    alone = nn.train(nn.MLP(WORKLOAD.sizes, seed=5 + s, activation="tanh"),
                     descent.Adam(lr=search.hyper["lr"][i, s], beta1=search.hyper["beta1"][i, s]),
                     WORKLOAD.data, WORKLOAD.epochs, batch_size=16, seed=5 + s)
    np.testing.assert_allclose(search.val_loss[:, i, s], alone.test_loss, rtol=1e-10)
    assert search.val_loss.shape == (3, 3, 2) and search.test_accuracy.shape == (3, 2)
    again = tuning.random_search(descent.Adam, ADAM_SPACE, WORKLOAD, trials=3, seeds=2, seed=5)
    np.testing.assert_array_equal(again.val_loss, search.val_loss)
    assert 0 < search.seconds_per_step < np.inf  # measured: the one number that differs between the two runs


def test_layerwise_gives_each_weight_matrix_its_optimizer_and_the_biases_adamw():
    make = tuning.layerwise(descent.Muon, nesterov=False)
    space = {"lr": LogUniform(1e-3, 1e-1), "lr_others": LogUniform(1e-3, 1e-1)}
    search = tuning.random_search(make, space, WORKLOAD, trials=2, seeds=2, seed=1)
    i, s = 1, 0
    net = nn.MLP(WORKLOAD.sizes, seed=1 + s, activation="tanh")
    opt = descent.Layerwise(net, descent.Muon(lr=search.hyper["lr"][i, s], nesterov=False),
                            descent.AdamW(lr=search.hyper["lr_others"][i, s]))
    alone = nn.train(net, opt, WORKLOAD.data, WORKLOAD.epochs, batch_size=16, seed=1 + s)
    np.testing.assert_allclose(search.val_loss[:, i, s], alone.test_loss, rtol=1e-9)


def test_schedule_free_is_evaluated_at_its_average():
    space = {"lr": LogUniform(1e-2, 1e-1)}
    search = tuning.random_search(descent.ScheduleFreeAdamW, space, WORKLOAD, trials=1, seeds=1, seed=2)
    net = nn.MLP(WORKLOAD.sizes, seed=2, activation="tanh")
    opt = descent.ScheduleFreeAdamW(lr=search.hyper["lr"][0, 0])
    at_x = nn.train(net, opt, WORKLOAD.data, WORKLOAD.epochs, batch_size=16, seed=2, evaluate_at=opt.eval_point)
    np.testing.assert_allclose(search.val_loss[:, 0, 0], at_x.test_loss, rtol=1e-10)
    net.theta = opt.eval_point(net.theta)
    np.testing.assert_allclose(search.test_accuracy[0, 0], net.accuracy(SPLIT.X_test, SPLIT.y_test))


def made_up_search():
    val = np.array([[[2.0, 2.0], [2.0, 2.0], [2.0, 2.0]],
                    [[0.9, np.nan], [0.5, np.nan], [0.7, 0.8]],
                    [[0.4, np.nan], [0.6, np.nan], [0.3, 0.8]]])  # (epochs + 1, trials, seeds)
    accuracy = np.array([[0.8, np.nan], [0.7, np.nan], [0.9, 0.6]])
    return tuning.Search("made up", {"lr": np.ones((3, 2))}, val, 1 - accuracy, accuracy, steps_per_epoch=5)


def test_the_trial_is_chosen_on_validation_and_reported_on_test():
    search = made_up_search()
    np.testing.assert_array_equal(search.chosen, [2, 2])
    np.testing.assert_array_equal(search.chosen_test(), [0.9, 0.6])
    np.testing.assert_allclose(search.chosen_test("test_loss"), [0.1, 0.4])
    np.testing.assert_array_equal(search.best_so_far(), [[0.4, np.inf], [0.4, np.inf], [0.3, 0.8]])
    np.testing.assert_array_equal(search.steps_to_target(0.5), [5, np.inf])
    search.seconds_per_step = 0.25
    np.testing.assert_array_equal(search.time_to_target(0.5), [1.25, np.inf])
    with pytest.raises(ValueError, match="metric must be 'test_accuracy' or 'test_loss'; got 'accuracy'"):
        search.chosen_test("accuracy")


def test_a_search_whose_trials_all_diverged_has_no_chosen_trial():
    search = made_up_search()
    search.val_loss[-1, :, 1] = np.nan
    np.testing.assert_array_equal(search.chosen, [2, -1])
    assert np.isnan(search.chosen_test()[1])


def test_the_workload_counts_its_budget_in_steps_and_refuses_bad_parts():
    assert WORKLOAD.steps == 2 * int(np.ceil(len(WORKLOAD.data.y_train) / 16))
    with pytest.raises(TypeError, match="test must be a descent.data.Split"):
        tuning.Workload("x", (4, 3), WORKLOAD.data, "test", 1)
    with pytest.raises(ValueError, match="activation must be one of"):
        tuning.Workload("x", (4, 3), WORKLOAD.data, SPLIT, 1, mlp={"activation": "swish2"})


def test_teacher_student_labels_are_a_networks_predictions():
    split = data.teacher_student(n=100, d=3, classes=3, width=5, seed=2)
    teacher = nn.MLP((3, 5, 3), activation="tanh", seed=3)
    np.testing.assert_array_equal(teacher.predict(split.X_train), split.y_train)
    assert split.X_train.shape == (80, 3) and split.n_classes == 3


def test_train_records_at_the_evaluation_point_and_trains_on_from_theta():
    """nn.train(evaluate_at=…) takes its records at the given point (an average) and goes on from θ unchanged."""
    data_ = WORKLOAD.data
    plain, shifted = nn.MLP((4, 6, 3), seed=1), nn.MLP((4, 6, 3), seed=1)
    start = plain.theta.copy()
    h_plain = nn.train(plain, descent.SGD(lr=0.1), data_, 2, batch_size=16, seed=0)
    h_shift = nn.train(shifted, descent.SGD(lr=0.1), data_, 2, batch_size=16, seed=0,
                       evaluate_at=lambda theta: np.zeros_like(theta) + start)
    np.testing.assert_array_equal(shifted.theta, plain.theta)  # the same training
    np.testing.assert_array_equal(h_shift.test_loss, h_shift.test_loss[0])  # every record at θ₀
    assert h_plain.test_loss[-1] != h_shift.test_loss[-1]
