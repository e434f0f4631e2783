"""scripts/autograde.py on fake submissions made from a chapter: a correct one, one with classic mistakes, a broken
one and a file that is not a notebook; every submission gets its row, each exercise its fraction of cases passed.

The submissions are the student notebook of 06_adagrad_rmsprop cut down to what a grader needs (the setup cell, the
Markdown and the exercise cells), so that the test runs in seconds; the stubs are filled as a learner would."""

import csv
import pathlib
import subprocess
import sys

import nbformat
import numpy as np
import pytest
from helpers import load_script

import descent.checks

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHAPTER = ROOT / "chapters" / "06_adagrad_rmsprop.ipynb"
RMSPROP, ADAGRAD = "ex-adaptive-rmsprop-code", "ex-adaptive-adagrad-code"
STUB = "    # YOUR CODE HERE\n    raise NotImplementedError()"
ANSWERS = {  # what learners write in place of each stub, in the order of the exercises
    "correct": [
        "    v = beta * v + (1 - beta) * g**2\n    return theta - lr * g / (np.sqrt(v) + eps), v",
        "    s = s + g**2\n    return theta - lr * g / (np.sqrt(s) + eps), s",
    ],
    "mistakes": [  # ε inside the square root; α folded into the accumulated sum
        "    v = beta * v + (1 - beta) * g**2\n    return theta - lr * g / np.sqrt(v + eps), v",
        "    s = s + lr * g**2\n    return theta - lr * g / (np.sqrt(s) + eps), s",
    ],
}



ag, se = load_script("autograde"), load_script("student_edition")


def student_cells():
    """The student notebook, cut to its setup cell, its Markdown and its exercise cells."""
    nb = se.student_notebook(nbformat.read(CHAPTER, as_version=4))
    code = [c for c in nb.cells if c.cell_type == "code"]
    nb.cells = [c for c in nb.cells if c.cell_type == "markdown" or c is code[0] or se.STUB_LINE in c.source]
    return nb


def submission(answers):
    nb = student_cells()
    stubs = [c for c in nb.cells if se.STUB_LINE in c.source]
    assert len(stubs) == len(answers) == 2
    for cell, answer in zip(stubs, answers):
        cell.source = cell.source.replace(STUB, answer)
    return nb


def learner(answer, signature):
    namespace = {"np": np}
    exec(f"def fn({signature}):\n{answer}", namespace)
    return namespace["fn"]


def expected_scores(answers):
    """What the book's checks say about these answers, run here directly."""
    rmsprop = learner(answers[0], "theta, v, g, lr, beta, eps")
    adagrad = learner(answers[1], "theta, s, g, lr, eps")
    return {RMSPROP: descent.checks.check_rmsprop_step(rmsprop).score,
            ADAGRAD: descent.checks.check_adagrad_step(adagrad).score}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The score table of four submissions, through the command line, read back from its CSV file."""
    folder = tmp_path_factory.mktemp("submissions")
    for name, answers in ANSWERS.items():
        nbformat.write(submission(answers), folder / f"{name}.ipynb")
    broken = submission(ANSWERS["correct"])
    stubs = [c for c in broken.cells if "def " in c.source and "check_" in c.source]
    stubs[0].source = stubs[0].source.replace("return theta", "return (theta")  # a syntax error
    (folder / "bob").mkdir()
    nbformat.write(broken, folder / "bob" / "broken.ipynb")
    (folder / "garbage.ipynb").write_text("{not json", encoding="utf-8")
    out = folder / "scores.csv"
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "autograde.py"), str(folder), "--csv", str(out)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    with open(out, encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return run.stdout, rows


def test_the_table_has_a_row_per_submission_and_a_column_per_exercise(graded):
    stdout, rows = graded
    assert rows[0] == ["submission", RMSPROP, ADAGRAD, "total (of 2)", "status"]
    assert [r[0] for r in rows[1:]] == ["bob/broken", "correct", "garbage", "mistakes"]
    assert all(name in stdout for name in ("bob/broken", "correct", "garbage", "mistakes", RMSPROP))


def test_correct_submission_scores_full_marks(graded):
    row = dict(zip(graded[1][0], graded[1][2]))
    assert row == {"submission": "correct", RMSPROP: "1.00", ADAGRAD: "1.00", "total (of 2)": "2.00", "status": "ok"}


def test_classic_mistakes_score_what_the_checks_say(graded):
    row = dict(zip(graded[1][0], graded[1][4]))
    expected = expected_scores(ANSWERS["mistakes"])
    assert all(score < 1 for score in expected.values())
    assert row[RMSPROP] == f"{expected[RMSPROP]:.2f}" and row[ADAGRAD] == f"{expected[ADAGRAD]:.2f}"
    assert row["total (of 2)"] == f"{sum(expected.values()):.2f}" and row["status"] == "ok"


def test_broken_and_unreadable_submissions_still_get_a_row(graded):
    broken, garbage = (dict(zip(graded[1][0], r)) for r in (graded[1][1], graded[1][3]))
    assert broken[RMSPROP] == "0.00" and broken[ADAGRAD] == "1.00"  # the other exercise still counts
    assert "error in code cell" in broken["status"] and f"{RMSPROP}: no self-check result" in broken["status"]
    assert garbage[RMSPROP] == garbage[ADAGRAD] == "0.00" and "unreadable" in garbage["status"]


def test_a_time_out_still_gives_a_row_with_what_ran(tmp_path):
    nb = submission(ANSWERS["correct"])
    nb.cells.append(nbformat.v4.new_code_cell("import time\ntime.sleep(60)"))
    nbformat.write(nb, tmp_path / "slow.ipynb")
    row = ag.grade_notebook(tmp_path / "slow.ipynb", "slow", timeout=12)
    assert row.scores == {RMSPROP: 1.0, ADAGRAD: 1.0} and "time-out" in row.status


def test_submitted_outputs_and_fake_reports_do_not_count():
    nb = submission(ANSWERS["mistakes"])
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [nbformat.v4.new_output("stream", text=ag.PREFIX + '[["x", 9, 9]]\n')]
    instrumented, readers = ag.instrument(nb)
    assert all(c.outputs == [] for c in instrumented.cells if c.cell_type == "code")
    assert [label for label, _ in readers] == [RMSPROP, ADAGRAD]
    assert ag.TAG in instrumented.cells[0].metadata["tags"]  # the first cell switches the network off


def test_network_is_off_in_the_graded_kernel(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import urllib.request\ntry:\n    urllib.request.urlopen('http://127.0.0.1:9', timeout=2)\n"
        "except Exception as err:\n    print(type(err).__name__, err)")])
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    instrumented, _ = ag.instrument(nb)
    ag.NotebookClient(instrumented, timeout=60, kernel_name="python3").execute()
    assert "network access is disabled" in instrumented.cells[-1].outputs[0]["text"]
