"""Re-execute chapter notebooks in place, top to bottom, so their stored outputs are what nbval checks.

    python scripts/execute.py                         # every notebook: chapters/ and evidence.ipynb
    python scripts/execute.py chapters/05_momentum.ipynb

Run it after any change to a notebook or to `descent`. It prints each notebook's run time (budget: 20 s).
This is the one command that executes the notebooks: the book's build reads their stored outputs
(`execute_notebooks: off` in _config.yml), which the tests (nbval, strict) compare with fresh ones.
"""

import pathlib
import subprocess
import sys
import time

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb")) + [ROOT / "evidence.ipynb"]  # every notebook page
BUDGET = 20.0


def execute(path):
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=300, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - start
    nb.metadata.pop("widgets", None)  # widget state is useless without a live kernel (156 KB in chapter 5)
    nbformat.write(nb, path)
    return seconds


def main(args):
    paths = [pathlib.Path(a).resolve() for a in args] or NOTEBOOKS
    if len(paths) > 1:  # one process per notebook: kernels started one after another from one client can stall
        for path in paths:
            subprocess.run([sys.executable, __file__, str(path)], check=True)
        return
    seconds = execute(paths[0])
    flag = "  OVER BUDGET" if seconds > BUDGET else ""
    print(f"{seconds:6.1f} s  {paths[0].name}{flag}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
