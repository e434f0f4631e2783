"""The chapters' code, as readers see it: formatted to fit the text column, plotting folded, no Colab cell shown.

The rules (README, "Adding a chapter"):

1. every code cell is formatted by ``ruff format`` (ruff.toml: 79 characters), and no line, comments and strings
   included, is longer than 79 characters, so code fits the column at 1280 px without scrolling; the same length
   holds for code blocks in the text (```python fences, solutions included);
2. the Colab install lines are the first code cell, alone, tagged ``remove-cell`` (it runs on Colab, the HTML
   book does not show it);
3. cells tagged ``claim`` (the assertions behind the prose) are tagged ``remove-cell`` too;
4. every figure stored in a notebook is at most 7 inches wide at the book style's 100 dpi (``figsize`` width ≤ 7),
   so the column shows it at full size, its text as large as the style made it.

The browser test (test_browser.py) checks the built pages; these checks run without a build.
"""

import base64
import json
import pathlib
import re
import struct
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb")) + [ROOT / "evidence.ipynb"]  # every notebook page
LINE_LENGTH = 79
MAX_FIGURE_PX = 7 * 100 + 20  # 7 inches at 100 dpi, and the few pixels a tight bounding box may add


def code_cells(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [c for c in cells if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def tags(cell):
    return set(cell.get("metadata", {}).get("tags", []))


FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*(\{[^}]*\})?\s*(\S*)")
CODE_DIRECTIVES = {None, "{code-block}", "{code}", "{code-cell}", "{sourcecode}"}


def fenced_code(markdown):
    """Lines of the code blocks in a markdown cell: plain fences and code directives, also inside a directive."""
    stack = []  # open fences: (marker, holds code)
    for line in markdown.splitlines():
        fence = FENCE.match(line)
        if fence and stack and fence.group(1) == stack[-1][0] and not (fence.group(2) or fence.group(3)):
            stack.pop()
        elif fence and not (stack and stack[-1][1]):
            stack.append((fence.group(1), fence.group(2) in CODE_DIRECTIVES))
        elif stack and stack[-1][1]:
            yield line


def png_widths(cell):
    """Pixel widths of the PNG images in a cell's outputs (shown directly or kept for glue)."""
    for output in cell.get("outputs", []):
        for mime, data in output.get("data", {}).items():
            if mime.endswith("image/png"):
                png = base64.b64decode("".join(data))
                yield struct.unpack(">I", png[16:20])[0]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_code_lines_fit_the_column(path):
    long = [
        f"cell {i}: {len(line)} characters: {line[:60]}…"
        for i, cell in enumerate(code_cells(path))
        for line in "".join(cell["source"]).splitlines()
        if len(line) > LINE_LENGTH
    ]
    assert not long, f"lines over {LINE_LENGTH} characters:\n" + "\n".join(long)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_code_in_the_text_fits_the_column(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    long = [
        f"cell {i}: {len(line)} characters: {line[:60]}…"
        for i, cell in enumerate(cells)
        if cell["cell_type"] == "markdown"
        for line in fenced_code("".join(cell["source"]))
        if len(line) > LINE_LENGTH
    ]
    assert not long, f"lines of code blocks over {LINE_LENGTH} characters:\n" + "\n".join(long)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_code_is_formatted_by_ruff(path):
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "--diff", str(path.relative_to(ROOT))],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, f"run `ruff format {path.relative_to(ROOT)}`:\n{done.stdout[-3000:]}{done.stderr}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_colab_install_cell_is_first_and_removed(path):
    cells = code_cells(path)
    colab = [i for i, c in enumerate(cells) if "google.colab" in "".join(c["source"])]
    assert colab == [0], f"the Colab install lines belong in the first code cell only (found in cells {colab})"
    assert "remove-cell" in tags(cells[0]), "tag the Colab install cell remove-cell: the HTML book hides it"
    assert "import descent" not in "".join(cells[0]["source"]), "imports belong in a visible cell of their own"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_claim_cells_are_removed_from_the_html(path):
    shown = [i for i, c in enumerate(code_cells(path)) if "claim" in tags(c) and "remove-cell" not in tags(c)]
    assert not shown, f"cells tagged claim but not remove-cell: {shown}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_figures_fit_the_column(path):
    wide = [(i, w) for i, cell in enumerate(code_cells(path)) for w in png_widths(cell) if w > MAX_FIGURE_PX]
    assert not wide, f"figures wider than {MAX_FIGURE_PX} px (figsize width ≤ 7 in), (cell, px): {wide}"
