"""The engine behind every self-check: cases, comparison with the reference, diagnosis of classic mistakes.

A :class:`Check` holds what an exercise is checked against: the reference, the cases, the classic mistakes with
their hints, the tolerances and, for functions whose results are random (mini-batches, initialisations), the
``measure`` that turns what the function returned into what is compared. ``Check.run`` is the learner's
self-check; the autograder (scripts/autograde.py) calls the learner's function in a sandbox instead and hands the
results to ``Check.judge``, the same verdict computed outside the learner's reach.

The student edition's package ships no reference and no classic mistake (scripts/student_edition.py removes them
from the checks modules): what they give on every case a self-check can run is stored in ``answers.json.gz`` beside
this module when the edition is made, and :meth:`Check.answers` reads them there.
"""

import contextlib
import copy
import functools
import gzip
import hashlib
import json
import pathlib
import re
import signal
import threading
import zlib
from dataclasses import dataclass, field

import numpy as np

TIME_LIMIT = 5.0
"""Seconds a learner's function may take on one case of a self-check (after a time-out the rest is skipped)."""
OUTPUT_LIMIT = 2000
"""Characters of what a learner's function prints that a self-check shows, per case."""
DRAWS = 16
"""Random cases a self-check draws from (the learner's code picks one): the student edition stores their answers."""
STORED = pathlib.Path(__file__).with_name("answers.json.gz")
"""The answers of the student edition (absent from the instructor package, which computes them)."""


@dataclass
class Case:
    """One case: a label the learner can read, and the arguments of one call, or of several calls in a row
    (``calls``: a list of (args, kwargs), copied together, so that a Generator shared by two calls stays shared)."""

    label: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    calls: list = None

    def copied_calls(self):
        """Fresh copies of the arguments of each call: the learner's function may modify them."""
        return copy.deepcopy(self.calls if self.calls is not None else [(self.args, self.kwargs)])


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


TIMED_OUT = "your function did not return within"


class LearnerError(Exception):
    """Raised by a ``measure`` when what the learner's function returned cannot be measured; says why."""


class _TimeUp(BaseException):
    """The learner's function ran out of time (a BaseException, so that `except Exception` cannot swallow it)."""


def _as_tuple(value):
    return value if isinstance(value, tuple) else (value,)


def _numbers(value):
    """The value as a float array, or a sentence saying why it is not numbers."""
    if isinstance(value, (str, bytes)):
        return f"expected numbers, received the text {value!r:.60}"
    try:
        array = np.asarray(value)
    except Exception as err:  # noqa: BLE001 (e.g. an object whose __array__ raises)
        return f"expected numbers, received {type(value).__name__} that numpy cannot read ({type(err).__name__})"
    if array.dtype.kind == "c":
        return f"your result is complex ({_fmt(array)}): an operation produced an imaginary part"
    if array.dtype.kind not in "biuf":
        return f"expected numbers, received {type(value).__name__} {_short(value)}"
    return array.astype(float)


def _short(value):
    try:
        return f"{value!r:.80}"
    except Exception:  # noqa: BLE001 (a learner's object whose __repr__ raises)
        return "(which cannot be printed)"


def _compare(expected, received, rtol, atol):
    """None if `received` matches `expected` (arrays, labels or tuples of them), else a sentence saying how."""
    if received is None:
        return "your function returned None: did you forget a `return` statement?"
    exp, rec = _as_tuple(expected), _as_tuple(received)
    if len(exp) != len(rec):
        return f"expected {len(exp)} returned value(s), received {len(rec)}"
    for i, (e, r) in enumerate(zip(exp, rec)):
        which = f"returned value {i + 1}: " if len(exp) > 1 else ""
        if isinstance(e, str):  # a label, e.g. "saddle": compared exactly
            if not (isinstance(r, str) and r == e):
                return f"{which}expected {e!r}, received {_short(r)}"
            continue
        r = _numbers(r)
        if isinstance(r, str):
            return which + r
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


class _CappedText:
    """A text stream that keeps the first `limit` characters written to it and counts the rest."""

    def __init__(self, limit):
        self.room, self.kept, self.dropped = limit, [], 0

    def write(self, text):
        text = str(text)
        self.kept.append(text[:self.room])
        self.dropped += max(len(text) - self.room, 0)
        self.room = max(self.room - len(text), 0)
        return len(text)

    def flush(self):
        pass

    def text(self):
        shown = "".join(self.kept)
        return shown + (f"\n… ({self.dropped} more characters of output not shown)" if self.dropped else "")


@contextlib.contextmanager
def _time_limit(seconds):
    """Raise _TimeUp in the main thread after `seconds` (no limit elsewhere: signals only reach the main thread)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def time_up(signum, frame):
        raise _TimeUp

    previous = signal.signal(signal.SIGALRM, time_up)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def call_learner(fn, case, time_limit=TIME_LIMIT, output_limit=OUTPUT_LIMIT):
    """Run ``fn`` on a case: (list of what each call returned or None, a failure sentence or None, printed text).

    Every exception is reported, never raised: also SystemExit, KeyboardInterrupt and a time-out."""
    out = _CappedText(output_limit)
    returns, failure = None, None
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out), np.errstate(all="ignore"), \
                _time_limit(time_limit):
            returns = [fn(*args, **kwargs) for args, kwargs in case.copied_calls()]
    except NotImplementedError:
        failure = "not implemented yet — replace `raise NotImplementedError` with your code"
    except _TimeUp:
        failure = f"{TIMED_OUT} {time_limit:g} s (an endless loop?)"
    except KeyboardInterrupt:
        failure = "interrupted (KeyboardInterrupt)"
    except SystemExit as err:
        failure = f"your function called sys.exit({err.code!r}) (or exit()): return the result instead"
    except BaseException as err:  # noqa: BLE001 (the learner's code may fail in any way: report it)
        failure = f"your function raised {type(err).__name__}: {_short(str(err))[1:-1]}"
    return returns, failure, out.text()


def _code_seed(fn):
    """A seed drawn from a function's code and constants: the same function always gets the same random case,
    and a function that hard-codes the answers it was shown gets a new one."""
    def words(code):
        yield code.co_code
        for const in code.co_consts:
            yield from (words(const) if hasattr(const, "co_code") else [repr(const).encode()])

    code = getattr(fn, "__code__", None)
    return zlib.crc32(b"".join(words(code))) if code is not None else 0


# --- the student edition's stored answers -------------------------------------------------------------------------
def _fingerprint(value):
    """Bytes that tell a case's arguments apart: arrays by type, shape and content, Generators by their state,
    functions (a loss handed to the learner's function) by their name, which, unlike their repr, is the same in
    every process."""
    if callable(value) and hasattr(value, "__qualname__"):
        return value.__qualname__.encode()
    if isinstance(value, np.random.Generator):
        return repr(value.bit_generator.state).encode()
    if isinstance(value, np.ndarray):
        return f"{value.dtype.str}{value.shape}".encode() + value.tobytes()
    if isinstance(value, (tuple, list)):
        return type(value).__name__.encode() + b"(" + b",".join(map(_fingerprint, value)) + b")"
    if isinstance(value, dict):
        return b"{" + b",".join(_fingerprint(k) + b":" + _fingerprint(v) for k, v in value.items()) + b"}"
    return repr(value).encode()  # numbers, text, None


def answer_key(title, case):
    """Where the answers of a check's case are stored: its title, the case's label and a digest of its calls."""
    calls = case.calls if case.calls is not None else [(case.args, case.kwargs)]
    return f"{title} | {case.label} | {hashlib.sha256(_fingerprint(calls)).hexdigest()[:16]}"


def encode(value):
    """A check's answer as JSON data: text stays text, numbers become a float array (as :func:`_compare` reads
    them), tuples stay tuples. Raises if the numbers cannot be read (then no comparison with them can succeed)."""
    if isinstance(value, tuple):
        return {"tuple": [encode(v) for v in value]}
    if isinstance(value, str):
        return value
    array = np.asarray(value, dtype=float)
    return {"shape": list(array.shape), "values": array.ravel().tolist()}


def decode(data):
    """The answer that :func:`encode` stored."""
    if isinstance(data, str):
        return data
    if "tuple" in data:
        return tuple(decode(v) for v in data["tuple"])
    return np.array(data["values"], dtype=float).reshape(data["shape"])


@functools.cache
def _stored_answers():
    if not STORED.is_file():
        raise LookupError(f"a check without reference needs the student edition's stored answers, {STORED}")
    return json.loads(gzip.decompress(STORED.read_bytes()))


@dataclass
class Check:
    """An exercise's check: reference, cases, classic mistakes (hint -> function making that mistake), tolerances,
    ``measure(case, returns)`` (what is compared; default: the value of the single call, which it may reject with
    a :class:`LearnerError`) and ``random_case(rng)``, a case drawn at random for each learner's function.

    In the student edition the reference and the mistakes are None: their results are read from :data:`STORED`."""

    title: str
    reference: object
    cases: list
    mistakes: dict = field(default_factory=dict)
    rtol: float = 1e-6
    atol: float = 1e-10
    measure: object = None
    random_case: object = None

    def _measured(self, returns, case):
        return self.measure(case, returns) if self.measure else returns[0]

    def _reference_value(self, fn, case):
        with np.errstate(all="ignore"):  # a classic mistake may well compute inf or NaN
            return self._measured([fn(*args, **kwargs) for args, kwargs in case.copied_calls()], case)

    def _mistaken(self, case):
        for hint, wrong in self.mistakes.items():
            try:
                yield hint, self._reference_value(wrong, case)
            except Exception:  # noqa: BLE001, S112 (a mistake that cannot run on this case)
                continue

    def answers(self, case):
        """What a learner's result is compared with on a case: (the reference's result, an iterator of (hint, the
        result of that classic mistake) over the mistakes that run on the case), computed by the reference and the
        mistakes, or, in the student edition, which has neither, read from the answers stored when it was made."""
        if self.reference is not None:
            return self._reference_value(self.reference, case), self._mistaken(case)
        stored = _stored_answers().get(answer_key(self.title, case))
        if stored is None:
            raise LookupError(f"the student edition stores no answer for {self.title!r}, case {case.label!r}: "
                              "make it again with scripts/student_edition.py")
        return decode(stored["expected"]), ((hint, decode(value)) for hint, value in stored["mistakes"])

    def verdict(self, case, returns, show_expected=True):
        """(None, []) if the learner's ``returns`` (one value per call of the case) are right, else (what is wrong,
        the hints of the classic mistakes that give the same result)."""
        try:
            received = self._measured(returns, case)
        except LearnerError as err:
            return str(err), []
        expected, mistaken = self.answers(case)
        try:
            problem = _compare(expected, received, self.rtol, self.atol)
        except Exception as err:  # noqa: BLE001 (a result whose comparison itself fails)
            return f"your result could not be compared ({type(err).__name__})", []
        if problem is None:
            return None, []
        if not show_expected:  # this case's answer stays unknown
            problem = re.sub(r" \(expected [^)]*\)", "", problem)
            if re.search(r"expected (?!shape|numbers|\d+ returned)", problem):
                problem = "wrong result (the answer to this case is not shown)"
        hints = []
        for hint, value in mistaken:
            try:
                if _compare(value, received, self.rtol, self.atol) is None:
                    hints.append(hint)
            except Exception:  # noqa: BLE001, S112 (a mistake's result that cannot be compared with this one)
                continue
        return problem, hints

    def judge(self, case, returns, show_expected=True):
        """None if the learner's ``returns`` are right, else what is wrong, with the matching hints."""
        problem, hints = self.verdict(case, returns, show_expected)
        return None if problem is None else problem + "".join(f"\n     hint: {h}" for h in hints)

    def all_cases(self, learner=None):
        """The cases of the self-check: the fixed ones, then a random one drawn for this learner's function."""
        if self.random_case is None:
            return list(self.cases)
        return [*self.cases, self.random_case(np.random.default_rng(_code_seed(learner) % DRAWS))]

    def possible_cases(self):
        """Every case the self-check can run: the fixed ones and each of the random draws."""
        draws = [] if self.random_case is None else [self.random_case(np.random.default_rng(i)) for i in range(DRAWS)]
        return [*self.cases, *draws]

    def run(self, learner, verbose=True):
        """The self-check: run ``learner`` on every case, print and return a :class:`CheckResult`."""
        if not callable(learner):
            raise TypeError(f"pass your function itself (without calling it); got {_short(learner)}")
        cases = self.all_cases(learner)
        messages, found, passed, timed_out, shown = [], [], 0, False, False
        for number, case in enumerate(cases, 1):
            drawn = self.random_case is not None and number == len(cases)
            where = f"case {number} ({case.label})"
            if timed_out:
                messages.append(f"{where}: not run, an earlier case ran out of time")
                continue
            returns, failure, printed = call_learner(learner, case)
            timed_out = bool(failure and failure.startswith(TIMED_OUT))
            problem, hints = (failure, []) if failure else self.verdict(case, returns, show_expected=not drawn)
            if problem is None:
                passed += 1
                continue
            found.append((len(messages), hints))
            if printed and not shown:  # what the function printed, once: enough to debug, never a flood
                lines = printed.splitlines()
                problem += "\n     your function printed:\n" + "\n".join("       " + line for line in lines[:10])
                problem += f"\n       … ({len(lines) - 10} more lines)" if len(lines) > 10 else ""
                shown = True
            messages.append(f"{where}: {problem}")
        messages = _with_hints(messages, found)
        result = CheckResult(self.title, passed, len(cases), messages, printed=verbose)
        if verbose:
            print(result.report())
        return result


def _with_hints(messages, found):
    """Each failed case's message with its hints; where several mistakes explain a case, only those that explain
    the most failed cases of the run are kept: a coincidence on one case is no diagnosis."""
    reach = {}
    for _, hints in found:
        for hint in hints:
            reach[hint] = reach.get(hint, 0) + 1
    messages = list(messages)
    for index, hints in found:
        best = max((reach[h] for h in hints), default=0)
        kept = [h for h in hints if reach[h] == best]
        head, _, printed = messages[index].partition("\n     your function printed:")
        messages[index] = head + "".join(f"\n     hint: {h}" for h in kept) + (
            "\n     your function printed:" + printed if printed else "")
    return messages


def check(title, learner, reference, cases, mistakes=None, rtol=1e-6, atol=1e-10, verbose=True):
    """Run ``learner`` and ``reference`` on every case and compare; print and return a :class:`CheckResult`.

    ``mistakes`` maps a hint (what the classic mistake is and how to fix it) to a function implementing that
    mistake: when the learner's output matches it, the hint is shown. The learner's function may raise, exit,
    hang, print without end, return the wrong shape or NaN: each becomes a message, never a crash of the check.
    """
    return Check(title, reference, cases, mistakes or {}, rtol, atol).run(learner, verbose)
