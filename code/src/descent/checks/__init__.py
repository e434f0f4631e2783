"""Self-checks for the exercises: run a learner's function on several cases against the reference and explain.

Each chapter's checks live in a submodule named for its topic and are re-exported here, so a notebook writes
``from descent.checks import check_momentum_step``. All of them are built on :func:`descent.checks.core.check`.
"""

from .adam import check_adam_step
from .adaptive import check_adagrad_step, check_rmsprop_step
from .basics import check_gd_step
from .core import Case, CheckResult, check
from .gradients import check_activation_grad, check_init
from .landscapes import check_classify_stationary_point, check_clip_by_norm

__all__ = [
    "Case",
    "CheckResult",
    "check",
    "check_activation_grad",
    "check_adagrad_step",
    "check_adam_step",
    "check_classify_stationary_point",
    "check_clip_by_norm",
    "check_gd_step",
    "check_init",
    "check_rmsprop_step",
]
