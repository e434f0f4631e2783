"""Grade a folder of submitted notebooks: scores, feedback, a sheet for hand grading, in isolated sandboxes.

    python scripts/autograde.py SUBMISSIONS_DIR --out grades/            # every *.ipynb below it, one row each
    python scripts/autograde.py SUBMISSIONS_DIR --out grades/ -j 2 --timeout 60 --notebook-timeout 300

What is graded comes from the instructor notebooks in chapters/ and from scripts/grading.yml, never from a
submission: each coding exercise (a cell with `### BEGIN SOLUTION`) is graded with the self-check that follows the
solution, on its visible cases, the instructor-only cases of descent/checks/hidden.py and random cases drawn from
the seed in grading.yml. A submission is matched to its chapter by its file name (or by the exercise labels in it).

Each submission is read into memory before any is run, then graded in two sandboxes, each a throw-away folder
and, where the machine allows (`unshare`), new user, mount, PID and network namespaces: no network, the instructor
repository and the submissions hidden, Python read-only, every process killed at the end; with time, memory and
file-size limits. In the first, the notebook runs in a fresh kernel with its own copy of the student package
(without references: scripts/student_edition.py); the learner's self-check calls are removed and, after each
graded cell, a cell of the grader saves the graded function. In the second, a new process without the package
`descent` calls each saved function on the cases. The grader then compares what it returned with its own
references, computed here after the sandbox has ended: a submission can change what its own function returns,
nothing else.

Writes to --out: grades.csv (one row per submission, points per coding exercise), manual.csv (the written
exercises, with the learner's text and the instructor's solution as rubric, a score column to fill in) and
feedback/NAME.md (per submission). Run it in a container when you can (instructor_guide.md).
"""

import argparse
import ast
import base64
import concurrent.futures
import copy
import csv
import io
import json
import os
import pathlib
import pickle
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

import descent.checks
import nbformat
import numpy as np
import yaml
from descent.checks.hidden import hidden_cases

ROOT = pathlib.Path(__file__).resolve().parent.parent
SANDBOX_SCRIPT = pathlib.Path(__file__).with_name("grading_sandbox.py")
CONFIG = pathlib.Path(__file__).with_name("grading.yml")
MAX_NOTEBOOK_BYTES = 20_000_000


def _script(name):
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, pathlib.Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


student_edition = _script("student_edition")


# ------------------------------------------------------------------------------------------ what is graded
@dataclass
class Exercise:
    """One exercise of a chapter: its label, points, and for a coding exercise the check, function and variant."""

    label: str
    points: float
    check: str = None
    function: str = None
    variant: tuple = ()
    rubric: str = ""

    @property
    def coded(self):
        return self.check is not None


def _directives(markdown):
    """(name, label, body) of the `{exercise}` and `{solution}` directives of a Markdown text, in order."""
    found = []
    for token in student_edition.MarkdownIt("commonmark").use(student_edition.colon_fence_plugin).parse(markdown):
        info = token.info.strip() if token.type in ("fence", "colon_fence") else ""
        for name in ("exercise", "solution"):
            if info.startswith(f"{{{name}}}"):
                label = info[len(name) + 2:].strip()
                for line in token.content.splitlines():
                    if line.strip().startswith(":label:"):
                        label = line.split(":label:", 1)[1].strip()
                found.append((name, label, token.content))
    return found


def check_call(source):
    """(check name, function name, variant) of the `descent.checks.check_...(fn, ...)` call in a cell's source."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")).startswith("check_"):
            name = getattr(node.func, "attr", None) or node.func.id
            return name, node.args[0].id, tuple(ast.literal_eval(a) for a in node.args[1:])
    raise ValueError(f"no self-check call in {source!r}")


def chapter_exercises(path, points):
    """The exercises of an instructor notebook, in order; `points` is grading.yml's table."""
    nb = nbformat.read(path, as_version=4)
    found, rubric, label = {}, {}, None
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for kind, name, body in _directives(cell.source):
                if kind == "exercise":
                    found[name], label = Exercise(name, points.get(name, points["default_written"])), name
                else:
                    rubric[name] = body.strip()
        elif "### BEGIN SOLUTION" in cell.source:
            check, function, variant = check_call(cell.source.split("### END SOLUTION", 1)[1])
            found[label] = Exercise(label, points.get(label, points["default_code"]), check, function, variant)
    for exercise in found.values():
        exercise.rubric = rubric.get(exercise.label, "")
    return list(found.values())


def course(root=ROOT, config=CONFIG):
    """{chapter name: [Exercise]} of every instructor notebook, and the settings of grading.yml."""
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    chapters = {path.stem: chapter_exercises(path, settings["points"])
                for path in sorted((root / "chapters").glob("*.ipynb"))}
    return chapters, settings


def grading_cases(exercise, settings):
    """The cases an exercise is graded on: visible, instructor-only, then random ones from the course's seed."""
    made = descent.checks.CHECKS[exercise.check](*exercise.variant)
    rng = np.random.default_rng([settings["seed"], *exercise.label.encode()])
    drawn = [made.random_case(rng) for _ in range(settings["random_cases"])]
    hidden = hidden_cases(exercise.check, *exercise.variant) + drawn
    for number, case in enumerate(hidden, 1):
        case.label = f"hidden case {number}: {case.label}"
    return made, [(case, True) for case in made.cases] + [(case, False) for case in hidden]


# ------------------------------------------------------------------------------------------ one submission
@dataclass
class Row:
    """One submission: points per coding exercise, feedback per exercise, what went wrong, the written answers."""

    name: str
    chapter: str = None
    points: dict = field(default_factory=dict)
    possible: dict = field(default_factory=dict)
    feedback: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    answers: dict = field(default_factory=dict)

    @property
    def total(self):
        return sum(self.points.values())

    @property
    def status(self):
        return "; ".join(self.problems) or "ok"


def _is_check_call(node):
    return any(isinstance(n, ast.Call) and getattr(n.func, "attr", getattr(n.func, "id", "")) in descent.checks.CHECKS
               for n in ast.walk(node))


def without_check_calls(source):
    """A cell's source without its top-level statements that call a self-check (they are hints, never graded)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    lines = source.splitlines()
    for node in reversed(tree.body):
        if _is_check_call(node):
            del lines[node.lineno - 1:node.end_lineno]
    return "\n".join(lines)


def _defines(source, function):
    try:
        return any(isinstance(n, (ast.FunctionDef, ast.Assign)) and (
            getattr(n, "name", None) == function or any(getattr(t, "id", None) == function for t in
                                                          getattr(n, "targets", [])))
            for n in ast.parse(source).body)
    except SyntaxError:
        return f"def {function}(" in source


EXPORT = """\
try:
    import cloudpickle as _grader_pickle
    with open({blob!r}, "wb") as _grader_file:
        _grader_file.write(_grader_pickle.dumps({function}))
except Exception:
    pass"""


def prepared(nb, exercises):
    """The notebook the sandbox runs: outputs cleared, self-check calls removed, and after the first cell that
    defines an exercise's function below the exercise's text, a grader cell that saves that function; and
    {label: blob file name}."""
    nb = copy.deepcopy(nb)
    blobs, cells, seen = {}, [], set()
    pending = [e for e in exercises if e.coded]
    for cell in nb.cells:
        if cell.cell_type != "code":
            seen.update(label for kind, label, _ in _directives(cell.source) if kind == "exercise")
            cells.append(cell)
            continue
        cell.outputs, cell.execution_count, cell.metadata = [], None, {}
        cell.source = without_check_calls(cell.source)
        cells.append(cell)
        for exercise in [e for e in pending if e.label in seen and _defines(cell.source, e.function)]:
            blobs[exercise.label] = f"{exercise.label}.fn"
            cells.append(nbformat.v4.new_code_cell(EXPORT.format(blob=blobs[exercise.label],
                                                                 function=exercise.function)))
            pending.remove(exercise)
    nb.cells = cells
    return nb, blobs


def match_chapter(name, nb, chapters):
    """The chapter a submission answers: its file name if that is a chapter's, else the most labels in common."""
    stem = pathlib.PurePath(name).name
    if stem in chapters:
        return stem
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    counts = {chapter: sum(f":label: {e.label}" in text for e in exercises) for chapter, exercises in chapters.items()}
    best = max(counts, key=counts.get)
    return best if counts[best] else None


def written_answers(nb, student, exercises):
    """{label: the learner's text} for each written exercise: the cells the learner added or changed after it."""
    given = {c.source for c in student.cells}
    answers, labels = {}, []
    written = {e.label for e in exercises if not e.coded}
    for cell in nb.cells:
        found = [label for kind, label, _ in _directives(cell.source) if kind == "exercise"] \
            if cell.cell_type == "markdown" else []
        if found:
            labels = [label for label in found if label in written]
        elif cell.source.strip() and cell.source not in given:
            for label in labels:
                answers[label] = (answers.get(label, "") + "\n\n" + cell.source).strip()
    return answers


def decode(value):
    """What results.json says a call returned, back as Python values (numbers come as .npy, never as a pickle)."""
    if "none" in value:
        return None
    if "str" in value:
        return str(value["str"])
    if "tuple" in value or "list" in value:
        items = [decode(v) for v in value.get("tuple", value.get("list"))]
        return tuple(items) if "tuple" in value else items
    if "array" in value:
        array = np.load(io.BytesIO(base64.b64decode(value["array"])), allow_pickle=False)
        return array[()] if array.ndim == 0 else array
    return _Opaque(str(value.get("other", "object")))


class _Opaque:
    """A returned object that was neither numbers nor text (only its type name crosses the sandbox)."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"<a {self.name[:60]}>"


# ------------------------------------------------------------------------------------------ the sandboxes
def namespaces_available():
    """True if `unshare` can make user, mount, PID and network namespaces here (not in every container)."""
    try:
        return subprocess.run(["unshare", "-rmnpf", "--mount-proc", "--kill-child", "true"], capture_output=True,
                              timeout=20, check=False).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def hidden_paths(submissions):
    """What a sandbox must not see: the repository (except the Python it runs on), the instructor's copy of
    descent, the submissions folder."""
    python = pathlib.Path(sys.prefix).resolve()
    paths = [p for p in ROOT.iterdir() if not (python == p or p in python.parents)]
    paths += [pathlib.Path(descent.__file__).resolve().parent.parent, pathlib.Path(submissions).resolve()]
    paths = [p for p in dict.fromkeys(paths) if p.is_dir()]
    return [p for p in paths if not any(other in p.parents for other in paths)]  # hiding a folder hides inside


@dataclass
class Sandbox:
    """How to run a command isolated: the run's base folder, paths to hide, limits, and the folder holding the
    student package that each notebook gets a copy of."""

    base: pathlib.Path
    hide: list
    isolated: bool
    memory_mb: int = 2048
    file_mb: int = 200
    package: pathlib.Path = None

    def _limits(self):
        """The `prlimit` prefix that caps memory (address space), file size and core dumps, if prlimit exists."""
        if not shutil.which("prlimit"):
            return []
        return ["prlimit", f"--as={self.memory_mb * 2**20}", f"--fsize={self.file_mb * 2**20}", "--core=0", "--"]

    def run(self, box, argv, timeout, env=None):
        """Run argv (paths relative to `box`) in the folder `box`; kill everything it started after `timeout` s.
        Returns "time-out" or None."""
        view = self.base if self.isolated else box  # isolated, the box is mounted on the base folder
        argv = [a.replace("{box}", str(view)) for a in argv]
        env = {k: v.replace("{box}", str(view)) for k, v in (env or {}).items()}
        environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": f"{view}/home", "LANG": "C.UTF-8",
                       "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
                       "MKL_NUM_THREADS": "1", "JUPYTER_RUNTIME_DIR": f"{view}/home/runtime",
                       "IPYTHONDIR": f"{view}/home/ipython", "JUPYTER_PLATFORM_DIRS": "1", **env}
        if self.isolated:
            mounts = [f"mount -t tmpfs -o size=1m tmpfs {shlex.quote(str(p))}" for p in self.hide]
            mounts += [f"mount --bind {shlex.quote(str(p))} {shlex.quote(str(p))} && "
                       f"mount -o remount,ro,bind {shlex.quote(str(p))}"
                       for p in dict.fromkeys([pathlib.Path(sys.prefix), pathlib.Path(sys.base_prefix)])]
            mounts.append(f"mount --bind {shlex.quote(str(box))} {shlex.quote(str(self.base))}")
            script = " && ".join([*mounts, f"cd {shlex.quote(str(view))}", "exec " + shlex.join(argv)])
            argv = ["unshare", "-rmnpf", "--mount-proc", "--kill-child", "sh", "-c", script]
        process = subprocess.Popen(self._limits() + argv, cwd=box, env=environment, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            process.wait(timeout=timeout)
            return None
        except subprocess.TimeoutExpired:
            return "time-out"
        finally:
            try:
                os.killpg(process.pid, signal.SIGKILL)  # the group; isolated, the PID namespace dies with it
            except ProcessLookupError:
                pass
            process.wait()


def student_package(target):
    """The student edition's copy of descent, made in `target`: without the instructor-only cases, references and
    classic mistakes (scripts/student_edition.py)."""
    student_edition.student_package(target)


def run_submission(nb, exercises, sandbox, timeout, notebook_timeout, settings):
    """Run a prepared notebook in one sandbox and the graded functions in another; {label: answers}, problems."""
    problems = []
    graded = [e for e in exercises if e.coded]
    nb, blobs = prepared(nb, graded)
    first = pathlib.Path(tempfile.mkdtemp(prefix="nb-", dir=sandbox.base))
    second = pathlib.Path(tempfile.mkdtemp(prefix="fn-", dir=sandbox.base))
    try:
        for folder in ("work", "site", "home/runtime", "home/ipython"):
            (first / folder).mkdir(parents=True)
        shutil.copytree(sandbox.package / "descent", first / "site" / "descent")
        shutil.copy2(SANDBOX_SCRIPT, first / SANDBOX_SCRIPT.name)
        nbformat.write(nb, first / "work" / "submission.ipynb")
        if sandbox.run(first, [sys.executable, f"{{box}}/{SANDBOX_SCRIPT.name}", "notebook",
                               "{box}/work/submission.ipynb", str(timeout), str(10**7)],
                       notebook_timeout, env={"PYTHONPATH": "{box}/site"}):
            problems.append(f"time-out: the notebook ran longer than {notebook_timeout} s")
        status = _read_json(first / "work" / "status.json")
        if status is None:
            problems.append("the notebook did not run (the sandbox did not start, or was stopped)")
            status = {}
        if status.get("problem"):
            problems.append(str(status["problem"])[:120])
        if status.get("errors"):
            problems.append("a cell raised an error")
        (second / "home").mkdir()
        work, cases = [], {}
        for exercise in graded:
            cases[exercise.label] = grading_cases(exercise, settings)[1]
            blob = first / "work" / blobs.get(exercise.label, "missing")
            if blob.is_file() and blob.stat().st_size < 50 * 2**20:
                shutil.copy2(blob, second / blob.name)
            work.append((exercise.label, blob.name, [c.copied_calls() for c, _ in cases[exercise.label]]))
        with open(second / "calls.pickle", "wb") as handle:
            pickle.dump(work, handle)
        shutil.copy2(SANDBOX_SCRIPT, second / SANDBOX_SCRIPT.name)
        if sandbox.run(second, [sys.executable, "-I", f"{{box}}/{SANDBOX_SCRIPT.name}", "calls",
                                "{box}/calls.pickle", str(min(timeout, 10))], notebook_timeout):
            problems.append("time-out while calling the graded functions")
        answers = _read_json(second / "results.json") or {}
        return cases, answers, problems
    finally:
        shutil.rmtree(first, ignore_errors=True)
        shutil.rmtree(second, ignore_errors=True)


def _read_json(path, limit=200 * 2**20):
    try:
        if path.stat().st_size > limit:
            return None
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


USES_DESCENT = "uses the package descent"


def score(exercise, cases, answer):
    """(points, feedback lines) of one coding exercise, judged here from what the sandbox says it returned: the
    points are earned on the hidden cases only (the visible ones can be hard-coded), the feedback covers all."""
    made = descent.checks.CHECKS[exercise.check](*exercise.variant)
    if not isinstance(answer, dict) or "cases" not in answer or any(
            isinstance(c, dict) and c.get("failure") == USES_DESCENT for c in answer["cases"]):
        reason = str(answer.get("error", USES_DESCENT)) if isinstance(answer, dict) else ""
        if "descent" in reason:
            return 0.0, [(f"0 points: your `{exercise.function}` {USES_DESCENT}, which holds the reference answers: "
                          "write the computation yourself (numpy and the standard library are fine)")]
        return 0.0, [f"0 points: no function `{exercise.function}` could be graded ({reason or 'none was saved'})"]
    lines, passed = [], {True: 0, False: 0}
    for number, (case, visible) in enumerate(cases, 1):
        result = answer["cases"][number - 1] if number <= len(answer["cases"]) else {"failure": "did not run"}
        try:
            problem = result.get("failure") or made.judge(case, [decode(r) for r in result["returns"]],
                                                          show_expected=visible)
        except Exception as err:  # noqa: BLE001 (a malformed answer from the sandbox scores 0 for its case)
            problem = f"unreadable result ({type(err).__name__})"
        if problem is None:
            passed[visible] += 1
        else:
            lines.append(f"case {number} ({case.label}): {problem}")
    hidden = len(cases) - sum(visible for _, visible in cases)
    summary = (f"{passed[False]}/{hidden} hidden cases passed (they make the grade); "
               f"{passed[True]}/{len(cases) - hidden} of the cases your self-check shows")
    return exercise.points * passed[False] / hidden, [summary, *lines]


def grade(name, data, chapters, settings, sandbox, timeout, notebook_timeout, chapter=None):
    """Grade one submission (its bytes, read before any submission ran); never raises for a broken one."""
    row = Row(name)
    try:
        if len(data) > MAX_NOTEBOOK_BYTES:
            raise ValueError("larger than 20 MB")
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
    except Exception as err:  # noqa: BLE001 (not a notebook at all: a row of zeros, and why)
        row.problems.append(f"unreadable notebook ({type(err).__name__})")
        return row
    row.chapter = chapter or match_chapter(name, nb, chapters)
    if row.chapter is None:
        row.problems.append("no chapter's exercises found in it")
        return row
    exercises = chapters[row.chapter]
    for exercise in exercises:
        row.possible[exercise.label] = exercise.points
    student = student_edition.student_notebook(nbformat.read(ROOT / "chapters" / f"{row.chapter}.ipynb", 4))
    row.answers = written_answers(nb, student, exercises)
    cases, answers, row.problems = run_submission(nb, exercises, sandbox, timeout, notebook_timeout, settings)
    for exercise in exercises:
        if exercise.coded:
            row.points[exercise.label], row.feedback[exercise.label] = score(
                exercise, cases[exercise.label], answers.get(exercise.label, {"error": "its cell did not run"}))
        else:
            row.feedback[exercise.label] = ["graded by hand"]
    return row


# ------------------------------------------------------------------------------------------ the whole folder
def submissions(folder):
    """{name: bytes} of every notebook below the folder, read now: what runs later cannot change them."""
    folder = pathlib.Path(folder)
    paths = sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    return {p.relative_to(folder).with_suffix("").as_posix(): p.read_bytes() for p in paths}


def grade_folder(folder, jobs=1, timeout=60, notebook_timeout=300, memory_mb=2048, chapter=None, log=print):
    chapters, settings = course()
    work = submissions(folder)
    isolated = namespaces_available()
    if not isolated:
        log("warning: unshare is not available here: submissions run without namespaces (network and files "
            "visible); run the grader in a container (instructor_guide.md)", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="autograde-") as base:
        sandbox = Sandbox(pathlib.Path(base), hidden_paths(folder), isolated, memory_mb,
                          package=pathlib.Path(base) / "student-package")
        student_package(sandbox.package)

        def one(name):
            log(f"grading {name} ...", file=sys.stderr, flush=True)
            return grade(name, work[name], chapters, settings, sandbox, timeout, notebook_timeout, chapter)

        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            return list(pool.map(one, work))


def _cell(text):
    """A CSV cell a spreadsheet shows as text: a learner's `=...` must not become a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def grade_table(rows):
    """grades.csv as rows of strings: a header, then one line per submission (points with two decimals)."""
    labels = list(dict.fromkeys(label for row in rows for label in row.points))
    possible = {label: p for row in rows for label, p in row.possible.items() if label in labels}
    header = ["submission", "chapter", *(f"{label} ({possible[label]:g})" for label in labels), "total",
              "possible", "status"]
    body = [[_cell(row.name), row.chapter or "", *(f"{row.points.get(label, 0.0):.2f}" for label in labels),
             f"{row.total:.2f}", f"{sum(row.possible[label] for label in row.points):g}", row.status]
            for row in rows]
    return [header, *body]


def manual_table(rows, chapters):
    """manual.csv: one line per written exercise per submission, with the rubric and an empty score."""
    header = ["submission", "exercise", "points", "score", "answer", "rubric"]
    body = [[_cell(row.name), e.label, f"{e.points:g}", "", _cell(row.answers.get(e.label, "")), e.rubric]
            for row in rows if row.chapter for e in chapters[row.chapter] if not e.coded]
    return [header, *body]


def feedback(row):
    """A learner's feedback file (Markdown)."""
    lines = [f"# Feedback: {row.name}", "", f"Chapter: {row.chapter or 'not recognised'}. Status: {row.status}.", ""]
    for label, notes in row.feedback.items():
        earned = f"{row.points[label]:.2f} of {row.possible[label]:g} points" if label in row.points \
            else f"{row.possible[label]:g} points, graded by hand"
        lines += [f"## {label}: {earned}", "", *(f"- {n}" for n in notes), ""]
    return "\n".join(lines)


def format_table(table):
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]) - 1)]
    text = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths)) + "  " + line[-1] for line in table]
    text.insert(1, "  ".join("-" * w for w in widths) + "  ------")
    return "\n".join(text)


def write_outputs(rows, out):
    out.mkdir(parents=True, exist_ok=True)
    for name, table in (("grades.csv", grade_table(rows)), ("manual.csv", manual_table(rows, course()[0]))):
        with open(out / name, "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(table)
    for row in rows:
        path = out / "feedback" / f"{row.name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(feedback(row), encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=pathlib.Path, help="folder of submitted notebooks (searched recursively)")
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("grades"),
                        help="folder for grades.csv, manual.csv and feedback/ (default: grades/)")
    parser.add_argument("--csv", type=pathlib.Path, help="also write the grade table (grades.csv) to this file")
    parser.add_argument("-j", "--jobs", type=int, default=1, help="submissions graded at once (default: 1)")
    parser.add_argument("--timeout", type=int, default=60, help="seconds allowed per cell (default: 60)")
    parser.add_argument("--notebook-timeout", type=int, default=300,
                        help="seconds allowed per notebook, all cells together (default: 300)")
    parser.add_argument("--memory", type=int, default=2048, help="memory limit per sandbox in MB (default: 2048)")
    parser.add_argument("--chapter", help="grade every submission as this chapter (e.g. 04_ewma)")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        parser.error(f"{args.folder} is not a folder")
    if args.jobs < 1 or args.timeout < 1 or args.notebook_timeout < 1 or args.memory < 256:
        parser.error("-j, --timeout and --notebook-timeout must be at least 1, --memory at least 256")
    if args.chapter and not (ROOT / "chapters" / f"{args.chapter}.ipynb").is_file():
        parser.error(f"no chapter chapters/{args.chapter}.ipynb")
    rows = grade_folder(args.folder, args.jobs, args.timeout, args.notebook_timeout, args.memory, args.chapter)
    if not rows:
        parser.error(f"no .ipynb file in {args.folder}")
    write_outputs(rows, args.out)
    if args.csv:
        shutil.copy2(args.out / "grades.csv", args.csv)
    print(format_table(grade_table(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
