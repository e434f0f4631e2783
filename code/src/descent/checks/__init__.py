"""Self-checks for the exercises: run a learner's function on several cases against the reference and explain.

Each chapter's checks live in a submodule named for its topic and are re-exported here, so a notebook writes
``from descent.checks import check_momentum_step``. All of them are built on :func:`descent.checks.core.check`.
"""

from .adam import check_adam_step
from .adaptive import check_adagrad_step, check_rmsprop_step
from .basics import check_gd_step
from .capstone import check_pick_best_lr
from .core import Case, CheckResult, check
from .ewma import check_ewma
from .gradients import check_activation_grad, check_init
from .landscapes import check_classify_stationary_point, check_clip_by_norm
from .minibatch import check_minibatches
from .momentum import check_momentum_step
from .newton import check_newton_step
from .normalization import check_standardize
from .schedules import check_schedule

__all__ = [
    "Case",
    "CheckResult",
    "check",
    "check_activation_grad",
    "check_adagrad_step",
    "check_adam_step",
    "check_classify_stationary_point",
    "check_clip_by_norm",
    "check_ewma",
    "check_gd_step",
    "check_init",
    "check_minibatches",
    "check_momentum_step",
    "check_newton_step",
    "check_pick_best_lr",
    "check_rmsprop_step",
    "check_schedule",
    "check_standardize",
]
