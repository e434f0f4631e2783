"""Grade a folder of submitted notebooks with the book's own self-checks, and print a score table.

    python scripts/autograde.py SUBMISSIONS_DIR                  # every *.ipynb below it, one row each
    python scripts/autograde.py SUBMISSIONS_DIR --csv scores.csv --timeout 60

Each submission runs top to bottom in a fresh kernel, in a scratch copy of its folder, with Python's network calls
disabled and a time limit per cell. A graded cell is a code cell that calls a `check_...` self-check of
`descent.checks`; it belongs to the exercise whose `{exercise}` block (its `:label:`) comes last before it. Around
each graded cell the grader runs two cells of its own, which read the `CheckResult`s that the cell's checks
recorded in `descent.checks.core.RESULTS`. An exercise scores the fraction of its check cases passed (0 to 1); a
cell that raises, a missing check or a notebook that stops with a time-out scores 0 for what did not run, and every
notebook gets its row. The row's name is the notebook's path inside SUBMISSIONS_DIR, without `.ipynb`.

The checks run in the learner's own kernel, as in nbgrader's autograder: this is grading of honest work, not a
sandbox. Run submissions you do not trust inside a container without network (see the instructor guide).
"""

import argparse
import csv
import json
import pathlib
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

CHECK_CALL = re.compile(r"\bcheck_\w+\s*\(")
EXERCISE_LABEL = re.compile(r"^[:`]{3,}\{exercise\}[^\n]*\n(?:[ \t]*:[\w-]+:[^\n]*\n)*?[ \t]*:label:\s*(\S+)", re.M)
TAG = "autograde"  # metadata tag of the cells the grader adds
PREFIX = "AUTOGRADE "

NO_NETWORK = """\
import socket as _autograde_socket
def _autograde_no_network(*args, **kwargs):
    raise OSError("network access is disabled while autograding")
for _name in ("create_connection", "getaddrinfo"):
    setattr(_autograde_socket, _name, _autograde_no_network)
_autograde_socket.socket.connect = _autograde_socket.socket.connect_ex = _autograde_no_network"""
BEFORE = "import descent.checks.core as _autograde_core\n_autograde_core.RESULTS.clear()"
AFTER = ("import json as _autograde_json, descent.checks.core as _autograde_core\n"
         f"print({PREFIX!r} + _autograde_json.dumps([[r.title, r.passed, r.total] "
         "for r in _autograde_core.RESULTS]))")


@dataclass
class Row:
    """One submission: the score of each exercise (fraction of its cases passed) and what went wrong, if anything."""

    name: str
    scores: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)

    @property
    def total(self):
        return sum(self.scores.values())

    @property
    def status(self):
        return "; ".join(self.problems) or "ok"


def graded_cells(nb):
    """(cell index, exercise label) of each code cell that calls a self-check, in order."""
    label, found = None, []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            labels = EXERCISE_LABEL.findall(cell.source)
            label = labels[-1] if labels else label
        elif cell.cell_type == "code" and CHECK_CALL.search(cell.source):
            found.append((index, label or f"exercise-{len(found) + 1}"))
    return found


def _grader_cell(source):
    return nbformat.v4.new_code_cell(source, metadata={"tags": [TAG]})


def instrument(nb):
    """A copy of the notebook with the grader's cells around each graded cell; returns (nb, [(label, cell)])."""
    nb = nbformat.from_dict(nb)
    cells, readers = [_grader_cell(NO_NETWORK)], []
    graded = dict(graded_cells(nb))
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None  # nothing submitted counts, only what runs here
        if index in graded:
            after = _grader_cell(AFTER)
            cells += [_grader_cell(BEFORE), cell, after]
            readers.append((graded[index], after))
        else:
            cells.append(cell)
    nb.cells = cells
    return nb, readers


def _recorded(cell):
    """The [title, passed, total] triples a grader cell printed, or None if it did not run."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            for line in out.get("text", "").splitlines():
                if line.startswith(PREFIX):
                    return json.loads(line[len(PREFIX):])
    return None


def _errors(nb):
    """Numbers (1-based, among the submission's own code cells) of the cells that raised."""
    own = [c for c in nb.cells if c.cell_type == "code" and TAG not in c.metadata.get("tags", [])]
    return [n for n, c in enumerate(own, 1) if any(o.get("output_type") == "error" for o in c.get("outputs", []))]


def grade_notebook(path, name, timeout=120, kernel_name="python3"):
    """Run one submission and score its exercises; never raises for a broken submission."""
    row = Row(name)
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as err:  # not a notebook at all: a row of zeros, and why
        row.problems.append(f"unreadable notebook ({type(err).__name__})")
        return row
    nb, readers = instrument(nb)
    with tempfile.TemporaryDirectory(prefix="autograde-") as scratch:
        workdir = pathlib.Path(scratch) / "work"
        shutil.copytree(path.parent, workdir, ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints"))
        client = NotebookClient(nb, timeout=timeout, kernel_name=kernel_name, allow_errors=True,
                                record_timing=False, resources={"metadata": {"path": str(workdir)}})
        try:
            client.execute()
        except CellTimeoutError:
            row.problems.append(f"time-out: a cell ran longer than {timeout} s")
        except DeadKernelError:
            row.problems.append("the kernel died")
    counts = {}  # label -> [cases passed, cases run], over all the exercise's graded cells
    for label, cell in readers:
        recorded = _recorded(cell) or []
        if not recorded:
            row.problems.append(f"{label}: no self-check result")
        tally = counts.setdefault(label, [0, 0])
        tally[0] += sum(passed for _, passed, _ in recorded)
        tally[1] += sum(total for _, _, total in recorded)
    row.scores = {label: passed / total if total else 0.0 for label, (passed, total) in counts.items()}
    errors = _errors(nb)
    if errors:
        row.problems.insert(0, f"error in code cell {', '.join(map(str, errors))}")
    return row


def submissions(folder):
    return sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def grade_folder(folder, timeout=120, log=print):
    folder = pathlib.Path(folder)
    rows = []
    for path in submissions(folder):
        name = path.relative_to(folder).with_suffix("").as_posix()
        log(f"grading {name} ...", file=sys.stderr, flush=True)
        rows.append(grade_notebook(path, name, timeout))
    return rows


def exercises(rows):
    """Exercise labels of all rows, in the order they first appear."""
    return list(dict.fromkeys(label for row in rows for label in row.scores))


def table(rows):
    """The rows as lists of strings: a header, then one line per submission (scores with two decimals)."""
    labels = exercises(rows)
    header = ["submission", *labels, f"total (of {len(labels)})", "status"]
    body = [[row.name, *(f"{row.scores.get(label, 0.0):.2f}" for label in labels), f"{row.total:.2f}", row.status]
            for row in rows]
    return [header, *body]


def format_table(rows):
    lines = table(rows)
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]) - 1)]
    text = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths)) + "  " + line[-1] for line in lines]
    text.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * len("status"))
    return "\n".join(text)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=pathlib.Path, help="folder of submitted notebooks (searched recursively)")
    parser.add_argument("--csv", type=pathlib.Path, help="also write the table to this CSV file")
    parser.add_argument("--timeout", type=int, default=120, help="seconds allowed per cell (default: 120)")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        parser.error(f"{args.folder} is not a folder")
    rows = grade_folder(args.folder, args.timeout)
    if not rows:
        parser.error(f"no .ipynb file in {args.folder}")
    print(format_table(rows))
    if args.csv:
        with open(args.csv, "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
