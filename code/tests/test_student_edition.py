"""The student notebooks (scripts/student_edition.py): no solution left, every self-check kept, the stubs raise
NotImplementedError where the solution was, and a learner can run a chapter and its exercises, with the student
package, without any error before the first stub. The student HTML book is tested in test_student_book.py, the
student package in test_student_package.py.

Executing every student notebook in full would double the notebook test time (nbval already runs each instructor
notebook, whose cells before the first stub are the same code). So every chapter's exercise cells are run right after
its setup cell, all chapters in one kernel: that proves the stubs and self-checks work, and that a learner can jump
straight to the exercises. The model chapter, 00_first_steps, is run in full; DESCENT_STUDENT_FULL=1 runs them all.
"""

import hashlib
import json
import os
import pathlib
import re
import subprocess
import sys

import nbformat
import pytest
from helpers import load_script, setup_cell
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
FULL = [p for p in CHAPTERS if os.environ.get("DESCENT_STUDENT_FULL") or p.name.startswith("00_")]
NOT_IMPLEMENTED = "not implemented yet"



se = load_script("student_edition")


@pytest.fixture(scope="module")
def pairs():
    """{chapter name: (instructor notebook, student notebook)}."""
    out = {}
    for path in CHAPTERS:
        nb = nbformat.read(path, as_version=4)
        out[path.name] = (nb, se.student_notebook(nb))
    return out


def solution_lines(nb):
    """Lines of code between the solution markers, which appear nowhere else in the notebook's code."""
    inside, elsewhere = set(), set()
    for cell in nb.cells:
        regions = re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell.source, re.S)
        lines = {line.strip() for region in regions for line in region.splitlines() if len(line.strip()) > 8}
        inside |= lines
        outside = re.sub(r"### BEGIN SOLUTION\n.*?### END SOLUTION", "", cell.source, flags=re.S)
        elsewhere |= {line.strip() for line in outside.splitlines()}
    return inside - elsewhere


def stub_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and se.STUB_LINE in c.source]


@pytest.mark.parametrize("name", [p.name for p in CHAPTERS])
def test_no_solution_is_left(pairs, name):
    instructor, student = pairs[name]
    text = "\n".join(cell.source for cell in student.cells)
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    assert "{solution}" not in text
    lines = {line.strip() for line in text.splitlines()}
    for line in solution_lines(instructor):
        assert line not in lines, f"solution code left in the student notebook: {line}"


@pytest.mark.parametrize("name", [p.name for p in CHAPTERS])
def test_no_cell_tagged_solution_is_left(pairs, name):
    instructor, student = pairs[name]
    assert not [c for c in student.cells if "solution" in c.get("metadata", {}).get("tags", [])]
    tagged = [c.source for c in instructor.cells if se.is_solution_cell(c)]
    assert not set(tagged) & {c.source for c in student.cells}


def test_cells_tagged_solution_are_dropped_and_others_kept():
    tagged = nbformat.v4.new_code_cell("glue('x', 1.0, display=False)", metadata={"tags": ["remove-cell", "solution"]})
    other = nbformat.v4.new_code_cell("y = 2", metadata={"tags": ["remove-cell"]})
    nb = nbformat.v4.new_notebook(cells=[other, tagged])
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    assert [c.source for c in se.student_notebook(nb).cells] == ["y = 2"]
    assert len(nb.cells) == 2  # the instructor notebook is not changed


@pytest.mark.parametrize("name", [p.name for p in CHAPTERS])
def test_exercises_and_self_checks_stay(pairs, name):
    instructor, student = pairs[name]

    def count(nb, pattern):
        return sum(len(re.findall(pattern, cell.source)) for cell in nb.cells)

    assert count(student, r"\{exercise\}") == count(instructor, r"\{exercise\}") >= 4
    assert count(student, r"descent\.checks\.check_\w+\(") == count(instructor, r"descent\.checks\.check_\w+\(")
    solved = [c for c in instructor.cells if c.cell_type == "code" and "### BEGIN SOLUTION" in c.source]
    assert len(stub_cells(student)) == len(solved)
    for cell in stub_cells(student):
        assert cell.outputs == [] and cell.execution_count is None  # the instructor's "✅ Well done" is not shown
        assert "# YOUR CODE HERE" in cell.source


def test_other_cells_and_their_outputs_are_unchanged(pairs):
    instructor, student = pairs[CHAPTERS[0].name]
    kept = [c for c in instructor.cells
            if c.cell_type == "code" and "BEGIN SOLUTION" not in c.source and not se.is_solution_cell(c)]
    assert kept == [c for c in student.cells if c.cell_type == "code" and se.STUB_LINE not in c.source]


def test_solution_blocks_are_removed_with_any_fence():
    markdown = "\n".join([
        "Intro.", "", ":::{exercise}", ":label: ex-a", "Do it.", ":::", "",
        "::::{solution} ex-a", ":class: dropdown", "", ":::{note}", "inner", ":::", "", "```python", "x = 1", "```",
        "::::", "", "````{solution} ex-b", "```python", "y = 2", "```", "````", "", "Outro.",
    ])
    kept = se.remove_solution_blocks(markdown)
    assert kept == "Intro.\n\n:::{exercise}\n:label: ex-a\nDo it.\n:::\n\nOutro."


def test_a_solution_region_at_top_level_becomes_a_raising_stub():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION\ndescent.checks.check_gd_step(f)")])
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    source = se.student_notebook(nb).cells[0].source
    assert source == "# YOUR CODE HERE\nraise NotImplementedError()\ndescent.checks.check_gd_step(f)"


def test_command_line_writes_notebooks_and_leaves_the_instructor_notebook_alone(tmp_path):
    chapter = CHAPTERS[0]
    before = hashlib.sha256(chapter.read_bytes()).hexdigest()
    out = tmp_path / "student"
    command = [sys.executable, str(ROOT / "scripts" / "student_edition.py"), "--notebooks-only", "--out", str(out),
               "--chapter", chapter.stem]
    subprocess.run(command, check=True, capture_output=True)
    assert [p.name for p in (out / "chapters").glob("*.ipynb")] == [chapter.name]
    checks = out / "code" / "src" / "descent" / "checks"  # and the package the notebooks import
    assert (checks / "answers.json.gz").is_file() and not (checks / "hidden.py").exists()
    assert (out / "requirements.txt").is_file() and not (out / "code" / "tests").exists()
    assert hashlib.sha256(chapter.read_bytes()).hexdigest() == before
    se.prepare_out(out)  # it may replace a folder it made itself ...
    assert [p.name for p in out.iterdir()] == [se.MARKER]
    foreign = tmp_path / "mine"
    foreign.mkdir()
    with pytest.raises(SystemExit, match="not made by this script"):
        se.prepare_out(foreign)  # ... but nothing else


@pytest.fixture(scope="module")
def student_env(tmp_path_factory):
    """The environment of a kernel that imports the student edition's package (no references, no hidden cases)."""
    folder = tmp_path_factory.mktemp("package")
    se.student_package(folder)
    return {**os.environ, "PYTHONPATH": str(folder)}


def execute(nb, path, env):
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True, record_timing=False,
                   resources={"metadata": {"path": str(path)}}).execute(env=env)
    return nb


def errors(cell):
    return [o for o in cell.get("outputs", []) if o.output_type == "error"]


def text(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")


def assert_runs_until_first_stub(cells):
    """No error before the first stub cell; each stub either reports 'not implemented' or raises it itself."""
    for cell in cells:
        stub = se.STUB_LINE in cell.source
        if errors(cell):
            assert stub and errors(cell)[0].ename == "NotImplementedError", (cell.source, errors(cell))
            return
        if stub:
            assert NOT_IMPLEMENTED in text(cell), (cell.source, text(cell))


def test_every_chapters_exercises_run_after_its_setup_cell(pairs, tmp_path, student_env):
    """One kernel with the student package, every chapter in turn: its setup cell (imports, style), then its
    exercise cells."""
    cells, stubs = [], []
    for name, (_, student) in pairs.items():
        cells.append(setup_cell(student))
        stubs += stub_cells(student)
        cells += stub_cells(student)
    cells.append(nbformat.v4.new_code_cell("import descent.checks\nprint(descent.checks.__file__)"))
    nb = execute(nbformat.v4.new_notebook(cells=cells, metadata=pairs[CHAPTERS[0].name][1].metadata), tmp_path,
                 student_env)
    assert not any(errors(c) for c in nb.cells if se.STUB_LINE not in c.source)
    assert_runs_until_first_stub(nb.cells)
    assert all(NOT_IMPLEMENTED in text(c) for c in stubs)
    assert text(nb.cells[-1]).startswith(student_env["PYTHONPATH"])


@pytest.mark.parametrize("path", FULL, ids=lambda p: p.name)
def test_student_notebook_runs_until_its_first_stub(pairs, path, tmp_path, student_env):
    nb = execute(pairs[path.name][1], tmp_path, student_env)
    assert_runs_until_first_stub(nb.cells)
    assert stub_cells(nb) and all(NOT_IMPLEMENTED in text(c) for c in stub_cells(nb))
    assert json.dumps(nb).count("NotImplementedError") >= len(stub_cells(nb))


def test_the_student_toc_leaves_out_the_instructor_guide_and_empty_parts():
    toc = {"format": "jb-book", "root": "intro", "parts": [
        {"caption": "Start", "chapters": [{"file": "chapters/00_first_steps"}]},
        {"caption": "For instructors", "chapters": [{"file": "instructor_guide"}]},
        {"caption": "Back matter", "chapters": [{"file": "instructor_guide"}, {"file": "bibliography"}]}]}
    student = se.without_instructor_pages(toc)
    assert student["parts"] == [{"caption": "Start", "chapters": [{"file": "chapters/00_first_steps"}]},
                                {"caption": "Back matter", "chapters": [{"file": "bibliography"}]}]
    assert se.toc_files(student) == ["intro", "chapters/00_first_steps", "bibliography"]


def test_the_student_config_hides_solutions_runs_nothing_and_keeps_launch_buttons_only_for_a_student_repository():
    config = {"title": "Book", "logo": "logo.png", "execute": {"execute_notebooks": "force", "timeout": 120},
              "html": {"favicon": "favicon.png", "use_repository_button": True},
              "launch_buttons": {"binderhub_url": "https://mybinder.org"}, "repository": {"url": "https://x/book"},
              "sphinx": {"config": {"numfig": True}}}
    student = se.student_config(config)
    assert student["execute"] == {"execute_notebooks": "off", "timeout": 120}
    assert student["sphinx"]["config"] == {"numfig": True, "hide_solutions": True}
    assert "launch_buttons" not in student and student["html"]["use_repository_button"] is False
    assert config["execute"]["execute_notebooks"] == "force"  # the instructor config is not touched
    course = se.student_config(config, repository_url="https://x/course", branch="2027")
    assert course["launch_buttons"] == config["launch_buttons"]
    assert course["repository"] == {"url": "https://x/course", "branch": "2027", "path_to_book": ""}
    assert se.images(config) == ["logo.png", "favicon.png"]
