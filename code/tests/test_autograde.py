"""scripts/autograde.py against the adversarial corpus (adversarial.py): every attempt to score without solving
chapter 4's coding exercise scores 0 for it, the honest submission scores full marks, the classmate whose notebook
was overwritten keeps them, and nothing a submission starts outlives its grading or reaches the network.

The submissions are the real student notebook of 04_ewma (scripts/student_edition.py), cut to its setup cell, its
Markdown and its exercise cell so that the corpus is graded in about a minute, and filled in as adversarial.py says.
"""

import csv
import hashlib
import http.server
import pathlib
import subprocess
import sys
import threading
import time

import nbformat
import pytest
from adversarial import ATTACKS, HONEST
from helpers import load_script, setup_cell

ROOT = pathlib.Path(__file__).resolve().parents[2]
LABEL = "ex-ewma-code"
STUB = "    # YOUR CODE HERE\n    raise NotImplementedError()"
ag, se = load_script("autograde"), load_script("student_edition")
ISOLATED = ag.namespaces_available()


def student_cells():
    """The student notebook of chapter 4, cut to its setup cell, its Markdown and its exercise cell."""
    nb = se.student_notebook(nbformat.read(ROOT / "chapters" / "04_ewma.ipynb", as_version=4))
    setup = setup_cell(nb)
    nb.cells = [c for c in nb.cells if c.cell_type == "markdown" or c is setup or se.STUB_LINE in c.source]
    return nb


def submission(body=None, before=(), after="", markdown=(), **fill):
    nb = student_cells()
    cell = next(c for c in nb.cells if se.STUB_LINE in c.source)
    if body is not None:
        cell.source = cell.source.replace(STUB, body.format(**fill))
    if after:
        cell.source += "\n" + after.format(**fill)
    position = nb.cells.index(cell)
    nb.cells[position:position] = [nbformat.v4.new_code_cell(source.format(**fill)) for source in before]
    nb.cells += [nbformat.v4.new_markdown_cell(text) for text in markdown]
    return nb


REQUESTS = []  # what reached the local server


class Recorder(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        REQUESTS.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The corpus graded through the command line (-j 2): {name: row of grades.csv}, the output folder, and what
    happened outside (requests to a local server, a runaway process's marker file)."""
    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    folder, out = tmp_path_factory.mktemp("submissions"), tmp_path_factory.mktemp("grades")
    marker = tmp_path_factory.mktemp("outside") / "runaway.txt"
    fill = {"root": ROOT, "marker": marker, "port": server.server_address[1]}
    for name, attack in ATTACKS.items():
        nbformat.write(submission(**attack, **fill), folder / f"{name}.ipynb")
    nbformat.write(submission(HONEST), folder / "honest.ipynb")
    no_call = submission(HONEST)
    for cell in no_call.cells:
        cell.source = cell.source.replace("descent.checks.check_ewma(ewma_corrected)", "")
    nbformat.write(no_call, folder / "honest-without-self-check.ipynb")
    nbformat.write(student_cells(), folder / "stub.ipynb")
    (folder / "garbage.ipynb").write_text("{not json", encoding="utf-8")
    package = ROOT / "code" / "src" / "descent" / "checks"
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in package.glob("*.py")}
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "autograde.py"), str(folder), "--out", str(out),
                          "-j", "2", "--chapter", "04_ewma", "--timeout", "30", "--notebook-timeout", "120"],
                         capture_output=True, text=True, timeout=1200, check=False)
    assert run.returncode == 0, run.stderr
    size = marker.stat().st_size if marker.exists() else 0
    time.sleep(3)
    server.shutdown()
    with open(out / "grades.csv", encoding="utf-8") as handle:
        rows = {row["submission"]: row for row in csv.DictReader(handle)}
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in package.glob("*.py")}
    return {"rows": rows, "out": out, "requests": list(REQUESTS), "runaway": (size, marker),
            "package unchanged": before == after, "stdout": run.stdout}


def points(row):
    return float(row[f"{LABEL} (2)"])


def test_the_honest_submission_scores_full_marks_with_or_without_its_self_check_call(graded):
    rows = graded["rows"]
    assert points(rows["honest"]) == points(rows["honest-without-self-check"]) == 2.0
    assert rows["honest"]["status"] == "ok"


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_every_attack_scores_zero(graded, name):
    assert points(graded["rows"][name]) == 0.0, graded["rows"][name]


def test_a_stub_and_garbage_score_zero_and_every_file_has_its_row(graded):
    rows = graded["rows"]
    assert points(rows["stub"]) == 0.0 and "unreadable" in rows["garbage"]["status"]
    assert set(rows) == {*ATTACKS, "honest", "honest-without-self-check", "stub", "garbage"}


def test_invented_labels_are_not_graded(graded):
    header = next(iter(graded["rows"].values())).keys()
    assert [h for h in header if h.startswith("ex-")] == [f"{LABEL} (2)"]
    assert graded["rows"]["extra-labels"]["possible"] == graded["rows"]["honest"]["possible"] == "2"


def test_using_the_package_is_named_as_the_reason(graded):
    for name in ("package-ewma", "package-via-importlib"):
        text = (graded["out"] / "feedback" / f"{name}.md").read_text(encoding="utf-8")
        assert ag.USES_DESCENT in text
    assert "a cell raised an error" in graded["rows"]["reference"]["status"]  # the student package has no reference


def test_the_instructor_package_was_not_modified(graded):
    assert graded["package unchanged"]


@pytest.mark.skipif(not ISOLATED, reason="needs unshare (user, mount, PID and network namespaces)")
def test_nothing_outlives_grading_and_nothing_reaches_the_network(graded):
    size, marker = graded["runaway"]
    assert not marker.exists() or marker.stat().st_size == size, "a process kept writing after grading"
    assert size == 0, "the runaway process ran while its sandbox was gone"
    assert graded["requests"] == []


def test_the_output_limit_is_reported(graded):
    assert "output limit" in graded["rows"]["flood"]["status"]


def test_feedback_and_manual_grading_files(graded):
    out = graded["out"]
    text = (out / "feedback" / "honest.md").read_text(encoding="utf-8")
    assert "2.00 of 2 points" in text and "hidden cases passed" in text and "graded by hand" in text
    with open(out / "manual.csv", encoding="utf-8") as handle:
        manual = list(csv.DictReader(handle))
    written = [e for e in ag.course()[0]["04_ewma"] if not e.coded]
    assert len(manual) == len(written) * (len(graded["rows"]) - 1)  # every notebook but the garbage
    assert all(row["rubric"] for row in manual) and {row["score"] for row in manual} == {""}


def test_a_notebook_time_limit_applies_to_all_cells_together(tmp_path):
    nb = submission(HONEST, before=["import time\ntime.sleep(8)"] * 3)
    (tmp_path / "subs").mkdir()
    nbformat.write(nb, tmp_path / "subs" / "04_ewma.ipynb")
    rows = ag.grade_folder(tmp_path / "subs", timeout=12, notebook_timeout=15, log=lambda *a, **k: None)
    assert "time-out" in rows[0].status and rows[0].points[LABEL] == 0.0


def test_the_student_package_has_no_hidden_cases_and_no_reference(tmp_path):
    ag.student_package(tmp_path)  # the student edition's package (test_student_package.py tests it in full)
    assert "def _corrected" not in (tmp_path / "descent" / "checks" / "ewma.py").read_text(encoding="utf-8")
    assert not (tmp_path / "descent" / "checks" / "hidden.py").exists()


def test_learner_text_cannot_become_a_spreadsheet_formula():
    assert ag._cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")" and ag._cell("alice") == "alice"
