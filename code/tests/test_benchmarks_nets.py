"""benchmarks/nets.py cannot rot: its quick mode runs in seconds and returns a section in run.py's format.
No speed is asserted here (speed targets live in the benchmarks)."""

import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_quick_nets_benchmark_returns_a_section():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "nets.py"), "--quick"], check=True,
                         capture_output=True, text=True, timeout=300).stdout
    section = json.loads(out)
    assert section["id"] == "nets" and section["title"]
    hvp = [r for r in section["rows"] if "setting" in r]
    deep = [r for r in section["rows"] if "network" in r]
    assert len(hvp) == 2 and len(deep) == 4                    # quick: one depth for the plain and residual nets
    assert all(r["hvp_over_grad"] > 0 and r["power_iteration_20_s"] > 0 for r in hvp)
    assert all(r["step_ms"] > 0 and r["step_ms_per_model_sweep"] > 0 for r in deep)
    assert len(section["notes"]) == len(section["rows"]) + 1
    (target,) = section["targets"]
    assert set(target) == {"name", "target", "value", "met"}
