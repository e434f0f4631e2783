"""The student edition's package (scripts/student_edition.py): its checks modules hold no reference and no classic
mistake, and every self-check of it reports exactly what the instructor's reports, on correct and buggy code.

The student package is made once, in a temporary folder, and imported beside the instructor package under the name
`student_descent` (its imports are relative), so that both check the same learner functions in one process. The
learners are each check's reference and classic mistakes, the bad learners of test_checks_robust.py, near misses,
every function the `test_checks_*.py` files parametrize their tests with, and, for chapter 4, the function bodies
of the adversarial corpus.
"""

import contextlib
import importlib
import inspect
import pathlib
import subprocess
import sys

import descent.checks
import numpy as np
import pytest
from adversarial import ATTACKS, HONEST
from helpers import load_script
from test_checks_robust import BAD_LEARNERS

ROOT = pathlib.Path(__file__).resolve().parents[2]
se = load_script("student_edition")
CHECKS = se.all_checks()
ANSWERS = se.answer_functions(CHECKS.values())
MODULES = sorted(p.stem for p in (ROOT / "code" / "src" / "descent" / "checks").glob("*.py")
                 if p.name not in se.INSTRUCTOR_ONLY_MODULES)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The folder holding the student package, made as the student edition makes it."""
    folder = tmp_path_factory.mktemp("student")
    se.student_package(folder)
    return folder


@pytest.fixture(scope="module")
def student(built):
    """The student package's `checks`, imported as student_descent.checks."""
    alias = built / "alias"
    alias.mkdir()
    (alias / "student_descent").symlink_to(built / "descent")
    sys.path.insert(0, str(alias))
    try:
        yield importlib.import_module("student_descent.checks")
    finally:
        sys.path.remove(str(alias))
        for name in [m for m in sys.modules if m.split(".")[0] == "student_descent"]:
            del sys.modules[name]


def source(built, module):
    return (built / "descent" / "checks" / f"{module}.py").read_text(encoding="utf-8")


# --- no answer in the student package ------------------------------------------------------------------------------

def test_the_student_checks_have_no_reference_and_no_mistake(student):
    for (name, args), check in CHECKS.items():
        made = student.CHECKS[name](*args)
        assert made.title == check.title and made.reference is None
        assert all(wrong is None for wrong in (made.mistakes or {}).values()), name


@pytest.mark.parametrize("module", MODULES)
def test_no_name_of_an_answer_is_left(student, module):
    instructor = importlib.import_module(f"descent.checks.{module}")
    names = [name for name, value in vars(instructor).items() if any(value is a for a in ANSWERS)]
    copy = importlib.import_module(f"student_descent.checks.{module}")
    assert not [name for name in names if hasattr(copy, name)]


@pytest.mark.parametrize("module", MODULES)
def test_no_body_or_code_of_an_answer_is_left(built, module):
    text = source(built, module)
    assert not se.leaked_answers(text, ANSWERS)  # no function or lambda compiles to an answer's code
    for answer in ANSWERS:
        if inspect.isfunction(answer) and answer.__code__.co_filename.endswith(f"checks/{module}.py") \
                and answer.__name__ != "<lambda>":
            body = inspect.getsource(answer).split(":\n", 1)[1]
            assert body not in text, answer.__qualname__


def test_the_answers_the_instructor_modules_define_are_found():
    ewma = importlib.import_module("descent.checks.ewma")
    adam = importlib.import_module("descent.checks.adam")
    gradients = importlib.import_module("descent.checks.gradients")
    found = {id(a) for a in ANSWERS}
    assert {id(ewma._corrected), id(ewma._t_plus_one), id(adam._adam_step), id(gradients.INIT_STDS["he"]),
            id(gradients.DERIVATIVES["tanh"])} <= found


def test_the_student_package_imports_as_descent_and_its_self_check_works(built):
    program = ("import descent.checks, numpy as np\n"
               f"def ewma_corrected(y, beta):\n{HONEST}\n"
               "assert descent.checks.check_ewma(ewma_corrected)\n"
               "assert not hasattr(descent.checks.ewma, '_corrected')\n"
               "try:\n    import descent.checks.hidden\nexcept ImportError:\n    print('no hidden cases')\n")
    run = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=built,
                         env={"PYTHONPATH": str(built), "PATH": "/usr/bin:/bin"}, check=False)
    assert run.returncode == 0, run.stderr
    assert "✅ bias-corrected EWMA: 6/6 cases passed" in run.stdout and "no hidden cases" in run.stdout


# --- the same reports ----------------------------------------------------------------------------------------------

@contextlib.contextmanager
def _seeded():
    """numpy's global random state and a Generator made without seed become reproducible: a learner that draws
    from them gets the same numbers in both runs."""
    make = np.random.default_rng
    np.random.seed(0)
    np.random.default_rng = lambda seed=None: make(0 if seed is None else seed)
    try:
        yield
    finally:
        np.random.default_rng = make


def reproducible(learner):
    """The learner, drawing reproducible numbers where it ignores the Generator it is given."""
    def call(*args, **kwargs):
        with _seeded():
            return learner(*args, **kwargs)

    seed = descent.checks.core._code_seed(learner)
    call.__code__ = call.__code__.replace(co_consts=(*call.__code__.co_consts, seed))  # the learner's random case
    return call


def near_misses(check):
    """A correct answer spoiled: off by 0.1 %, with an imaginary part, as text, hard-coded for the first case."""
    reference, first = check.reference, check.cases[0]

    def scaled(*args, **kwargs):
        value = reference(*args, **kwargs)
        return tuple(np.asarray(v) * 1.001 for v in value) if isinstance(value, tuple) else np.asarray(value) * 1.001

    return {"off by 0.1 %": scaled,
            "complex": lambda *args, **kwargs: np.asarray(reference(*args, **kwargs)) + 5j,
            "text": lambda *args, **kwargs: str(reference(*args, **kwargs)),
            "hard-coded": lambda *args, **kwargs: reference(*first.args, **first.kwargs)}


def parametrized_learners():
    """(check name, texts beside it, learner) for every function a test_checks_*.py test is parametrized with: the
    check is the one named beside it, else each that its module imports; a text beside it may name the variant."""
    def is_check(value):
        return inspect.isfunction(value) and value.__name__ in descent.checks.CHECKS

    found = []
    for path in sorted(pathlib.Path(__file__).parent.glob("test_checks_*.py")):
        module = importlib.import_module(path.stem)
        imported = [value.__name__ for value in vars(module).values() if is_check(value)]
        marks = [m for test in vars(module).values() for m in getattr(test, "pytestmark", []) if m.name == "parametrize"]
        for values in [v if isinstance(v, tuple) else (v,) for mark in marks for v in mark.args[1]]:
            checks = [v.__name__ for v in values if is_check(v)] or imported
            texts = {v for v in values if isinstance(v, str)}
            found += [(name, texts, v) for v in values if inspect.isfunction(v) and not is_check(v) for name in checks]
    return found


def adversarial_learners():
    """The function bodies of the adversarial corpus, as functions of chapter 4's exercise."""
    bodies = {"honest": HONEST, **{name: a["body"] for name, a in ATTACKS.items() if a.get("body")}}
    learners = {}
    for name, body in bodies.items():
        space = {"np": np, "descent": descent}
        exec(f"def ewma_corrected(y, beta):\n{body.format(root=ROOT, marker='', port=0)}", space)  # noqa: S102
        learners[name] = space["ewma_corrected"]
    return learners


def corpus():
    """(check name, variant arguments, learner label, learner)."""
    items = []
    for (name, args), check in CHECKS.items():
        learners = {"reference": check.reference, **{f"mistake: {h[:50]}": w for h, w in check.mistakes.items()},
                    **BAD_LEARNERS, **near_misses(check)}
        items += [(name, args, label, learner) for label, learner in learners.items()]
    for name, texts, learner in parametrized_learners():
        variants = [args for n, args in CHECKS if n == name]
        chosen = [args for args in variants if args and set(args) <= texts] or variants
        items += [(name, args, f"test_checks: {learner.__qualname__}", learner) for args in chosen]
    items += [("check_ewma", (), f"adversarial: {label}", learner) for label, learner in adversarial_learners().items()]
    return items


CORPUS = corpus()


def report(checks, name, args, learner, capsys):
    result = getattr(checks, name)(learner, *args)
    printed = capsys.readouterr().out
    return result.title, result.passed, result.total, result.messages, printed


@pytest.mark.parametrize("name, args, label, learner", CORPUS,
                         ids=[f"{n}{list(a) or ''}-{label[:40]}" for n, a, label, _ in CORPUS])
def test_the_student_self_check_reports_what_the_instructor_one_does(student, name, args, label, learner, capsys):
    learner = reproducible(learner)
    assert report(student, name, args, learner, capsys) == report(descent.checks, name, args, learner, capsys)


def test_the_corpus_covers_every_check_and_every_hint(student, capsys):
    assert {name for name, *_ in CORPUS} == set(descent.checks.CHECKS)
    assert len(parametrized_learners()) > 30 and len(adversarial_learners()) > 5
    for (name, args), check in CHECKS.items():
        for hint, wrong in check.mistakes.items():
            assert hint in report(student, name, args, wrong, capsys)[4]
