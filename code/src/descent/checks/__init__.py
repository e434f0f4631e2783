"""Self-checks for the exercises: run a learner's function on several cases against the reference and explain.

Each chapter's checks live in a submodule named for its topic and are re-exported here, so a notebook writes
``from descent.checks import check_momentum_step``. Each is a :class:`descent.checks.core.Check`, made by the
function that CHECKS names for it: the autograder grades with the same objects. The student edition ships these
modules without the references and classic mistakes of the checks in CHECKS, and with the answers they give
stored instead (scripts/student_edition.py): write them as functions or lambdas of the check's module.
"""

from . import (
    adam,
    adaptive,
    basics,
    capstone,
    curvature,
    diagnostics,
    ewma,
    geometry,
    gradients,
    landscapes,
    layers,
    minibatch,
    momentum,
    newton,
    normalization,
    schedules,
)
from .adam import check_adam_step
from .adaptive import check_adagrad_step, check_rmsprop_step
from .basics import check_gd_step
from .capstone import check_pick_best_lr
from .core import Case, Check, CheckResult, check
from .curvature import check_hvp_neuron
from .diagnostics import check_gradient_check
from .ewma import check_ewma
from .geometry import check_newton_schulz
from .gradients import check_activation_grad, check_init
from .landscapes import check_classify_stationary_point, check_clip_by_norm
from .layers import check_batchnorm_backward
from .minibatch import check_minibatches
from .momentum import check_momentum_step
from .newton import check_newton_step
from .normalization import check_standardize
from .schedules import check_schedule

CHECKS = {
    "check_activation_grad": gradients.activation_check,
    "check_adagrad_step": adaptive.adagrad_check,
    "check_adam_step": adam.adam_check,
    "check_batchnorm_backward": layers.batchnorm_backward_check,
    "check_classify_stationary_point": landscapes.classify_check,
    "check_clip_by_norm": landscapes.clip_check,
    "check_ewma": ewma.ewma_check,
    "check_gradient_check": diagnostics.gradient_check_check,
    "check_gd_step": basics.gd_step_check,
    "check_hvp_neuron": curvature.hvp_neuron_check,
    "check_init": gradients.init_check,
    "check_minibatches": minibatch.minibatch_check,
    "check_momentum_step": momentum.momentum_check,
    "check_newton_schulz": geometry.newton_schulz_check,
    "check_newton_step": newton.newton_check,
    "check_pick_best_lr": capstone.pick_check,
    "check_rmsprop_step": adaptive.rmsprop_check,
    "check_schedule": schedules.schedule_check,
    "check_standardize": normalization.standardize_check,
}
"""Self-check name -> the function making its :class:`Check` (with the same variant argument, if any)."""

__all__ = [
    "CHECKS",
    "Case",
    "Check",
    "CheckResult",
    "check",
    "check_activation_grad",
    "check_adagrad_step",
    "check_adam_step",
    "check_batchnorm_backward",
    "check_classify_stationary_point",
    "check_clip_by_norm",
    "check_ewma",
    "check_gd_step",
    "check_gradient_check",
    "check_hvp_neuron",
    "check_init",
    "check_minibatches",
    "check_momentum_step",
    "check_newton_schulz",
    "check_newton_step",
    "check_pick_best_lr",
    "check_rmsprop_step",
    "check_schedule",
    "check_standardize",
]
