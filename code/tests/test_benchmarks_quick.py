"""The benchmarks cannot rot: run `benchmarks/run.py --quick` (tiny sizes, seconds) and check what it writes.

Speed targets live in the benchmarks, never in timed unit tests: here only the structure of the results and one
robust ratio (a vectorised sweep beats a loop of runs) are asserted.
"""

import json
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("benchmarks")
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--out", str(out)],
                   check=True, capture_output=True, text=True, timeout=300)
    return json.loads((out / "results.json").read_text()), (out / "results.md").read_text()


def test_machine_is_recorded(quick):
    results, _ = quick
    machine = results["machine"]
    assert results["quick"] is True
    for key in ("cpu", "cores", "numpy", "torch", "torch_threads", "date", "load_average_start",
                "load_average_end"):
        assert key in machine
    assert machine["cores"] >= 1 and len(machine["load_average_start"]) == 3


def test_every_benchmark_but_the_book_runs_in_quick_mode(quick):
    results, _ = quick
    sections = {s["id"]: s for s in results["sections"]}
    assert list(sections) == ["sweeps", "mlp", "steps", "nets", "modern"]
    for section in sections.values():
        assert section["title"] and section["rows"] and isinstance(section["notes"], list)
        for t in section["targets"]:
            assert set(t) == {"name", "target", "value", "met"} and isinstance(t["met"], bool)
    assert [r["optimizer"] for r in sections["sweeps"]["rows"]] == ["GD", "Momentum", "Adam"]
    assert {r["optimizer"] for r in sections["steps"]["rows"]} >= {"SGD", "Momentum", "Adam", "AdamW"}


def test_the_vectorised_sweep_beats_a_loop_of_runs(quick):
    results, _ = quick
    for row in results["sections"][0]["rows"]:
        assert row["speedup_vs_run_loop"] > 1
        assert row["loop_agrees"] > 0.5  # the loops compute the same sweep


def test_state_bytes_are_those_of_the_algorithms(quick):
    results, _ = quick
    state = {r["optimizer"]: r["descent"]["state_bytes_per_param"] for r in results["sections"][2]["rows"]}
    assert state == {"SGD": 0, "Momentum": 4, "Nesterov": 4, "AdaGrad": 4, "RMSProp": 4, "Adam": 8, "AdamW": 8}


def test_torch_comparisons_run_or_say_why_not(quick):
    results, _ = quick
    mlp, steps = results["sections"][1], results["sections"][2]
    if results["machine"]["torch"] is None:
        assert any("torch is not installed" in note for note in mlp["notes"] + steps["notes"])
    else:
        assert len(mlp["rows"]) >= 2 and "torch_foreach" in steps["rows"][0]
        assert abs(mlp["rows"][0]["test_accuracy"] - mlp["rows"][1]["test_accuracy"]) < 0.05


def test_the_markdown_table_is_written(quick):
    _, md = quick
    assert md.startswith("Measured on") and "| optimizer |" in md and "Quick run" in md


def test_the_new_optimizers_are_compared_with_their_references(quick):
    results, md = quick
    rows = {r["optimizer"].split(" (")[0]: r for r in results["sections"][4]["rows"]}
    assert {"Adam", "AMSGrad", "Shampoo", "SOAP"} <= set(rows)
    n, m = 100, 200  # the quick parameter: statistics of 8(n² + m²)/(nm) bytes per parameter for both sides' pair
    state = {name: r["descent"]["state_bytes_per_param"] for name, r in rows.items()}
    assert state["Adam"] == 8 and state["AMSGrad"] == 12
    assert state["Shampoo"] == 8 * (n * n + m * m) / (n * m) and state["SOAP"] == 8 + state["Shampoo"]
    for r in rows.values():
        assert all(ms > 0 for ms in r["descent"]["step_ms"].values())
        if "theirs" in r:  # the reference is installed: the same kinds of step, timed
            assert r["theirs"]["step_ms"].keys() == r["descent"]["step_ms"].keys()
    assert "| optimizer | reference | step |" in md
