"""The student HTML book (scripts/student_edition.py without --notebooks-only), built once into a temporary folder
with the same strict command as the instructor book: it builds, and no page shows a solution, in prose or in code.

The build reuses the notebooks' stored outputs (nothing is executed), so it takes about a minute."""

import html
import pathlib
import re

import nbformat
import pytest
from helpers import load_script
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
MARKUP = re.compile(r"[$`{}*_\[\]\\<>|\"'-]")  # lines with these may render differently: not compared



se = load_script("student_edition")


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """(student book folder, {page name: (HTML, visible text, lines of code blocks)}), built once for the module."""
    out = tmp_path_factory.mktemp("book") / "student"
    se.prepare_out(out)
    se.make_book_sources(out)
    failed = None
    try:
        html_dir = se.build_html(out)
    except SystemExit as error:  # the script's message says what to look at
        failed = str(error)
    if failed:
        pytest.fail(failed, pytrace=False)
    pages = {}
    for page in (html_dir / "chapters").glob("*.html"):
        raw = page.read_text(encoding="utf-8")
        body = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
        code = {line.strip() for block in re.findall(r"<pre\b.*?</pre>", raw, flags=re.S)
                for line in html.unescape(re.sub(r"<[^>]+>", "", block)).splitlines()}
        pages[page.stem] = (raw, " ".join(html.unescape(re.sub(r"<[^>]+>", "", body)).split()), code)
    return out, pages


def plain_lines(markdown):
    return {" ".join(line.split()) for line in markdown.splitlines()
            if len(line.strip()) >= 40 and not MARKUP.search(line)}


def solution_text(nb):
    """Plain lines of the notebook's {solution} blocks, and the solution code lines found nowhere else."""
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    lines = markdown.split("\n")
    prose = set()
    for start, end in se.solution_blocks(markdown):
        prose |= plain_lines("\n".join(lines[start:end]))
    prose -= plain_lines(se.remove_solution_blocks(markdown))
    code = set()
    for cell in nb.cells:
        for region in re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell.source, re.S):
            code |= {line.strip() for line in region.splitlines() if len(line.strip()) > 8}
    elsewhere = {line.strip() for c in nb.cells
                 for line in re.sub(r"### BEGIN SOLUTION\n.*?### END SOLUTION", "", c.source, flags=re.S).split("\n")}
    return prose, code - elsewhere


def test_the_student_book_builds_with_every_chapter_of_the_toc(book):
    out, pages = book
    chapters = [entry.split("/")[-1] for entry in se.toc_files(yaml.safe_load((out / "_toc.yml").read_text()))
                if entry.startswith("chapters/")]
    assert chapters and sorted(pages) == sorted(chapters)
    assert "instructor_guide" not in (out / "_toc.yml").read_text()
    for name in ("requirements.txt", "runtime.txt", "code/pyproject.toml", "code/src/descent/checks/core.py"):
        assert (out / name).is_file(), f"{name}: the student folder must install like the book's repository"
    assert not (out / "code" / "tests").exists()


def test_no_page_shows_a_solution(book):
    _, pages = book
    for name, (raw, visible, code_lines) in pages.items():
        nb = nbformat.read(ROOT / "chapters" / f"{name}.ipynb", as_version=4)
        prose, code = solution_text(nb)
        assert 'class="solution' not in raw, name
        for line in prose:
            assert line not in visible, f"{name}: solution text visible: {line}"
        for line in code:
            assert line not in code_lines, f"{name}: solution code visible: {line}"
        assert "raise NotImplementedError()" in code_lines or not code, name


def test_the_page_text_comparison_would_see_a_solution(book):
    """The control: plain lines of the exercises (kept) are found on the pages, as the solutions' would be."""
    _, pages = book
    found = 0
    for name, (_, visible, code_lines) in pages.items():
        nb = nbformat.read(ROOT / "chapters" / f"{name}.ipynb", as_version=4)
        markdown = se.remove_solution_blocks("\n".join(c.source for c in nb.cells if c.cell_type == "markdown"))
        found += sum(line in visible for line in plain_lines(markdown))
        calls = re.findall(r"^descent\.checks\.check_.*$", "\n".join(c.source for c in nb.cells), re.M)
        assert calls and all(call.strip() in code_lines for call in calls), name  # the self-checks are shown
    assert found >= 10


def test_the_student_config_is_the_book_config_with_its_overrides(book):
    out, _ = book
    student = yaml.safe_load((out / "_config.yml").read_text(encoding="utf-8"))
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert student["execute"]["execute_notebooks"] == "off"
    assert student["sphinx"]["config"]["hide_solutions"] is True
    assert "launch_buttons" not in student  # they would open the instructor notebooks
    for key in config:
        if key not in {"title", "execute", "sphinx", "launch_buttons", "html"}:
            assert student[key] == config[key], key
    assert student["sphinx"]["extra_extensions"] == config["sphinx"]["extra_extensions"]
