"""The engine behind every self-check: cases, comparison with the reference, diagnosis of classic mistakes."""

import copy
from dataclasses import dataclass, field

import numpy as np

RESULTS = []
"""Every :class:`CheckResult` made in this Python session, in order: the autograder (scripts/autograde.py) reads it."""


@dataclass
class Case:
    """One call of the learner's function: a label the learner can read, and the arguments."""

    label: str
    args: tuple
    kwargs: dict = field(default_factory=dict)


@dataclass
class CheckResult:
    """What a check found: ``passed`` of ``total`` cases, and one message per failed case. True if all passed."""

    title: str
    passed: int
    total: int
    messages: list
    printed: bool = False

    def _ipython_display_(self):
        """As a cell's last value: show the report, unless the check has just printed it."""
        if not self.printed:
            print(self.report())

    def __repr__(self):
        return f"CheckResult({self.title!r}: {self.passed}/{self.total} passed)"

    def __bool__(self):
        return self.passed == self.total

    @property
    def score(self):
        """Fraction of cases passed, in [0, 1]."""
        return self.passed / self.total

    def report(self):
        head = f"{self.title}: {self.passed}/{self.total} cases passed"
        if self:
            return f"✅ {head}. Well done!"
        return "\n".join([f"❌ {head}."] + [f"   • {m}" for m in self.messages])


def _as_tuple(value):
    return value if isinstance(value, tuple) else (value,)


def _compare(expected, received, rtol, atol):
    """None if `received` matches `expected` (arrays or tuples of arrays), else a sentence saying how it differs."""
    if received is None:
        return "your function returned None: did you forget a `return` statement?"
    exp, rec = _as_tuple(expected), _as_tuple(received)
    if len(exp) != len(rec):
        return f"expected {len(exp)} returned value(s), received {len(rec)}"
    for i, (e, r) in enumerate(zip(exp, rec)):
        which = f"returned value {i + 1}: " if len(exp) > 1 else ""
        if isinstance(e, str):  # a label, e.g. "saddle": compared exactly
            if not (isinstance(r, str) and r == e):
                return f"{which}expected {e!r}, received {r!r:.80}"
            continue
        try:
            r = np.asarray(r, dtype=float)
        except (TypeError, ValueError):
            return f"{which}expected numbers, received {r!r:.80}"
        e = np.asarray(e, dtype=float)
        if e.shape != r.shape:
            return f"{which}expected shape {e.shape}, received shape {r.shape}"
        if np.isnan(r).any() and not np.isnan(e).any():
            return f"{which}your result contains NaN (expected {_fmt(e)})"
        if not np.allclose(r, e, rtol=rtol, atol=atol, equal_nan=True):
            return f"{which}expected {_fmt(e)}, received {_fmt(r)}"
    return None


def _fmt(a):
    text = np.array2string(np.asarray(a), precision=6, threshold=8, edgeitems=3, separator=", ", max_line_width=10**6)
    return text.replace("\n", "")


def _call(fn, case):
    return fn(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))


def check(title, learner, reference, cases, mistakes=None, rtol=1e-6, atol=1e-10, verbose=True):
    """Run ``learner`` and ``reference`` on every case and compare; print and return a :class:`CheckResult`.

    ``mistakes`` maps a hint (what the classic mistake is and how to fix it) to a function implementing that
    mistake: when the learner's output matches it, the hint is shown. The learner's function may raise, return the
    wrong shape or NaN: each becomes a message, never a crash of the check.
    """
    if not callable(learner):
        raise TypeError(f"pass your function itself (without calling it); got {learner!r:.80}")
    mistakes = mistakes or {}
    messages, passed = [], 0
    for number, case in enumerate(cases, 1):
        expected = _call(reference, case)
        where = f"case {number} ({case.label})"
        try:
            with np.errstate(all="ignore"):
                received = _call(learner, case)
        except NotImplementedError:
            messages.append(f"{where}: not implemented yet — replace `raise NotImplementedError` with your code")
            continue
        except Exception as err:  # the learner's code may fail in any way: report it, do not crash
            messages.append(f"{where}: your function raised {type(err).__name__}: {err}")
            continue
        problem = _compare(expected, received, rtol, atol)
        if problem is None:
            passed += 1
            continue
        with np.errstate(all="ignore"):  # a classic mistake may well compute inf or NaN
            hints = [hint for hint, wrong in mistakes.items()
                     if _compare(_call(wrong, case), received, rtol, atol) is None]
        messages.append(f"{where}: {problem}" + "".join(f"\n     hint: {h}" for h in hints))
    result = CheckResult(title, passed, len(cases), messages, printed=verbose)
    RESULTS.append(result)
    if verbose:
        print(result.report())
    return result
