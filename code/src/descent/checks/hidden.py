"""Instructor-only cases: scripts/autograde.py grades with them on top of the cases learners' self-checks show.

The student edition leaves this module out of its copy of the package (scripts/student_edition.py), so a learner
cannot read them; the autograder also draws random cases from a seed that only the instructor knows.
"""

import numpy as np

from .core import Case
from .diagnostics import _smooth, _smooth_grad
from .minibatch import _case as _minibatch_case


def _activation(activation="elu"):
    z = np.array([-700.0, -50.0, -1e-3, 1e-3, 2.5, 700.0])
    return [Case("very large and very small |z|" + (", α = 1.5" if activation in ("elu", "leaky_relu") else ""),
                 (z, 1.5) if activation in ("elu", "leaky_relu") else (z,))]


def _schedule(kind="step"):
    t = np.arange(100, 130)
    return [Case("late steps t = 100…129", {"step": (0.5, 0.7, 9, t), "exponential": (0.5, 0.97, t),
                                            "inverse_time": (0.5, 0.05, t)}[kind])]


def _init(kind="he"):
    return [Case("fan_in = 1000, fan_out = 10", (1000, 10, np.random.default_rng(31))),
            Case("fan_in = 20, fan_out = 2000", (20, 2000, np.random.default_rng(32)))]


HIDDEN = {
    "check_gd_step": lambda: [Case("a (2, 2) θ and α = 0", (np.eye(2), np.ones((2, 2)), 0.0))],
    "check_classify_stationary_point": lambda: [
        Case("a rotated 3 × 3 saddle", (np.array([[0.0, 2.0, 0.0], [2.0, 0.0, 0.0], [0.0, 0.0, 1.0]]),)),
        Case("H = diag(−1e−12, −1e−12): round-off only", (np.diag([-1e-12, -1e-12]),))],
    "check_clip_by_norm": lambda: [Case("a zero gradient", (np.zeros(3), 1.0)),
                                   Case("norm exactly max_norm", (np.array([0.6, 0.8]), 1.0))],
    "check_activation_grad": _activation,
    "check_init": _init,
    "check_minibatches": lambda: [_minibatch_case(7, 7, 11, "sizes"), _minibatch_case(1000, 64, 12, "counts"),
                                  _minibatch_case(300, 25, 13, "mixed"), _minibatch_case(50, 5, 14, "seeded")],
    "check_ewma": lambda: [Case("a single observation", (np.array([2.0]), 0.9)),
                           Case("a ramp with β = 0.99", (np.linspace(-5.0, 1.0, 30), 0.99))],
    "check_momentum_step": lambda: [Case("β = 0: plain gradient descent", (np.ones(3), np.ones(3), np.arange(3.0),
                                                                          0.1, 0.0))],
    "check_rmsprop_step": lambda: [Case("a zero gradient with v = 0", (np.ones(2), np.zeros(2), np.zeros(2), 0.1,
                                                                        0.9, 1e-8))],
    "check_adagrad_step": lambda: [Case("large gradients", (np.ones(2), np.array([1e4, 1.0]), np.array([300.0, -2.0]),
                                                            0.5, 1e-10))],
    "check_adam_step": lambda: [Case("t = 1000, β₂ = 0.99", (np.ones(2), np.full(2, 0.1), np.full(2, 0.02),
                                                             np.array([0.3, -0.2]), 1000, 0.01, 0.9, 0.99, 1e-8))],
    "check_schedule": _schedule,
    "check_standardize": lambda: [Case("one feature, 4 rows", (np.array([[1.0], [3.0], [5.0], [7.0]]),
                                                                np.array([[4.0], [10.0]])))],
    "check_hvp_neuron": lambda: [Case("a saturated neuron: |xᵀθ| up to 40", (np.array([4.0, -2.0]),
                                                                          np.array([[10.0, 0.0], [0.0, 10.0],
                                                                                    [1.0, 1.0]]),
                                                                          np.array([1.0, 0.0, -1.0]),
                                                                          np.array([1.0, 1.0])))],
    "check_batchnorm_backward": lambda: [
        Case("a batch of 2: every normalised value is ±1", (np.array([[1.0, -2.0], [0.5, 3.0]]),
                                                             np.array([[0.3, 7.0], [-0.1, 9.0]]), np.ones(2), 1e-5)),
        Case("one unit, values near 1000", (np.linspace(-1.0, 1.0, 6)[:, None], 1000 + np.arange(6.0)[:, None] ** 2,
                                             np.array([0.5]), 1e-5))],
    "check_newton_schulz": lambda: [
        Case("G of size 1e6: the normalisation matters", (1e6 * np.arange(1.0, 7.0).reshape(2, 3), 5,
                                                            3.4445, -4.775, 2.0315)),
        Case("no step: only the normalisation", (np.array([[3.0, 0.0], [4.0, 1.0]]), 0, 3.4445, -4.775, 2.0315)),
        Case("a rank-1 4 × 3 matrix", (np.outer([1.0, -2.0, 0.5, 3.0], [2.0, 1.0, -1.0]), 3, 3.4445, -4.775,
                                       2.0315))],
    "check_newton_step": lambda: [Case("4-D, diagonal H with damping 1", (np.ones(4), np.arange(4.0),
                                                                         np.diag([1.0, 2.0, 4.0, 8.0])),
                                       {"damping": 1.0})],
    "check_gradient_check": lambda: [
        Case("a correct gradient at θ = (−2, 0.1, 5), h = 1e-6",
             (_smooth, _smooth_grad(np.array([-2.0, 0.1, 5.0])), np.array([-2.0, 0.1, 5.0]), 1e-6)),
        Case("a gradient twice too large in every coordinate, h = 1e-5",
             (_smooth, 2 * _smooth_grad(np.array([0.3, 0.4, -0.5])), np.array([0.3, 0.4, -0.5]), 1e-5))],
    "check_pick_best_lr": lambda: [Case("a single learning rate", (np.array([0.1]), np.array([[0.3, 0.4]]),
                                                                   np.array([[0.5, 0.6]])))],
}


def hidden_cases(name, *variant):
    """The instructor-only cases of the self-check `name` (with its variant argument, if any)."""
    return HIDDEN[name](*variant)
