"""Self-checks for the exercises: run a learner's function on several cases against the reference and explain.

Each chapter's checks live in a submodule named for its topic and are re-exported here, so a notebook writes
``from descent.checks import check_momentum_step``. All of them are built on :func:`descent.checks.core.check`.
"""

from .basics import check_gd_step
from .core import Case, CheckResult, check

__all__ = ["Case", "CheckResult", "check", "check_gd_step"]
