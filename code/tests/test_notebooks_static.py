"""Static checks of every chapter notebook: what readers and nbval see must be a clean top-to-bottom run."""

import json
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb")) + [ROOT / "evidence.ipynb"]  # every notebook page


def code_cells(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [c for c in cells if c["cell_type"] == "code" and "".join(c["source"]).strip()]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_executed_top_to_bottom(path):
    counts = [c["execution_count"] for c in code_cells(path)]
    assert counts == list(range(1, len(counts) + 1)), "re-execute it with scripts/execute.py"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_no_errors_warnings_or_numpy_scalar_reprs_in_outputs(path):
    for cell in code_cells(path):
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", "".join(cell["source"])[:200]
            if out.get("name") == "stderr":
                assert "Warning" not in "".join(out["text"]), "".join(out["text"])[:300]
            glued = "".join(out.get("data", {}).get("application/papermill.record/text/plain", ""))
            # glued values are formatted by the book build: numpy 2 reprs such as np.float64(0.2) break that
            assert not re.search(r"np\.(float|int)\d+\(", glued), f"glue a Python number, not {glued}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_imports_the_package_not_paths(path):
    for cell in code_cells(path):
        src = "".join(cell["source"])
        assert not re.search(r"sys\.path\.(insert|append)|^\s*(from|import)\s+code\b", src, re.M)
