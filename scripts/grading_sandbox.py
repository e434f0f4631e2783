"""The two halves of grading that run a submission's code; scripts/autograde.py runs them inside a sandbox.

    python grading_sandbox.py notebook SUBMISSION.ipynb CELL_TIMEOUT OUTPUT_LIMIT
        runs the notebook (prepared by the grader) in a fresh kernel; its export cells save the graded functions
        with cloudpickle; writes status.json: which cells raised or timed out (information only, never a score);
    python grading_sandbox.py calls CALLS.pickle CASE_TIMEOUT
        in a new process without the package descent, loads each saved function and calls it on the grader's
        cases; writes results.json: what each call returned, as plain numbers and text, never as a pickle.

Nothing here imports descent or reads the instructor repository: this file is copied into each sandbox. The
grader trusts neither output: it compares the returned values with its own references, computed after this
process has ended.
"""

import base64
import contextlib
import io
import json
import os
import pathlib
import pickle
import signal
import sys

BLOCKED = "descent"  # the package that holds the references: a graded function may not use it
USES = f"uses the package {BLOCKED}"


def run_notebook(path, cell_timeout, output_limit):
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    class CappedClient(NotebookClient):
        """Keeps no output but the names of errors, and counts the bytes printed (the grader reads none of it)."""

        printed = 0

        def output(self, outs, msg, display_id, cell_index):
            self.printed += len(json.dumps(msg.get("content", {}), default=str))
            if msg["msg_type"] == "error":
                outs[:] = [nbformat.v4.new_output("error", ename=str(msg["content"].get("ename"))[:80],
                                                  evalue="", traceback=[])]
            if self.printed > output_limit:
                raise RuntimeError("output limit")

    from jupyter_client.manager import AsyncKernelManager

    nb = nbformat.read(path, as_version=4)
    sockets = pathlib.Path(path).resolve().parent / "kernel"  # Unix sockets: no network is needed
    manager = AsyncKernelManager(kernel_name="python3", transport="ipc", ip=str(sockets))
    client = CappedClient(nb, km=manager, timeout=cell_timeout, kernel_name="python3", allow_errors=True,
                          record_timing=False, resources={"metadata": {"path": str(pathlib.Path(path).resolve().parent)}})
    status = {"problem": None}
    try:
        client.execute()
    except CellTimeoutError:
        status["problem"] = f"time-out: a cell ran longer than {cell_timeout} s"
    except DeadKernelError:
        status["problem"] = "the kernel died (memory limit?)"
    except RuntimeError as err:
        status["problem"] = "output limit exceeded" if "output limit" in str(err) else f"stopped: {err}"[:200]
    status["errors"] = [index for index, cell in enumerate(nb.cells)
                        if any(out.get("output_type") == "error" for out in cell.get("outputs", []))]
    pathlib.Path(path).with_name("status.json").write_text(json.dumps(status), encoding="utf-8")


class _BlockDescent:
    """An import hook: `import descent` fails in the process that calls graded functions."""

    def find_spec(self, name, path=None, target=None):
        if name == BLOCKED or name.startswith(BLOCKED + "."):
            raise ImportError(f"the graded function {USES}, which holds the reference answers")


def _encode(value, depth=0):
    """A returned value as JSON: None, text, sequences (4 levels deep) and numbers (as .npy bytes, no pickle)."""
    import numpy as np

    if value is None:
        return {"none": True}
    if isinstance(value, str):
        return {"str": value[:1000]}
    if isinstance(value, (tuple, list)) and depth < 4 and len(value) <= 10_000:
        return {type(value).__name__: [_encode(v, depth + 1) for v in value]}
    try:
        array = np.asarray(value)
        if array.dtype.kind in "biufc" and array.size <= 1_000_000:
            buffer = io.BytesIO()
            np.save(buffer, array, allow_pickle=False)
            return {"array": base64.b64encode(buffer.getvalue()).decode()}
    except BaseException:  # noqa: BLE001, S110 (an object whose __array__ raises is just not numbers)
        pass
    return {"other": type(value).__name__[:60]}


class _TimeUp(BaseException):
    pass


def _alarm(signum, frame):
    raise _TimeUp


def call_functions(calls_path, case_timeout):
    sys.meta_path.insert(0, _BlockDescent())
    for name in [m for m in sys.modules if m == BLOCKED or m.startswith(BLOCKED + ".")]:
        del sys.modules[name]
    folder = pathlib.Path(calls_path).parent
    results = folder / "results.json"
    with open(os.devnull, "w") as devnull, open(calls_path, "rb") as handle:
        work = pickle.load(handle)  # written by the grader: trusted data
        os.dup2(devnull.fileno(), 1)  # what graded functions print goes nowhere
        os.dup2(devnull.fileno(), 2)
        signal.signal(signal.SIGALRM, _alarm)
        answers = {}
        for label, blob_name, cases in work:
            answers[label] = _call_all(folder / blob_name, cases, case_timeout)
            results.write_text(json.dumps(answers), encoding="utf-8")  # what ran so far, if a later one hangs


def _call_all(blob, cases, case_timeout):
    """{"error": why} if the function cannot be loaded, else one entry per case: the returns, or what went wrong."""
    import numpy as np

    if not blob.exists():
        return {"error": "not defined when its exercise cell had run"}
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            fn = pickle.loads(blob.read_bytes())
    except BaseException as err:  # noqa: BLE001 (a blob that does not load: the reason is the answer)
        return {"error": f"{type(err).__name__}: {err}"[:300]}
    if not callable(fn):
        return {"error": f"not a function but {type(fn).__name__}"}
    out = []
    for calls in cases:
        signal.setitimer(signal.ITIMER_REAL, case_timeout)
        try:
            with np.errstate(all="ignore"):
                returns = [fn(*args, **kwargs) for args, kwargs in calls]
            signal.setitimer(signal.ITIMER_REAL, 0)
            out.append({"returns": [_encode(r) for r in returns]})
        except _TimeUp:
            out.append({"failure": f"did not return within {case_timeout:g} s"})
        except BaseException as err:  # noqa: BLE001 (any failure of the learner's code is an answer)
            signal.setitimer(signal.ITIMER_REAL, 0)
            reason = ("not implemented yet" if isinstance(err, NotImplementedError) else USES if BLOCKED in str(err)
                      and isinstance(err, ImportError) else f"raised {type(err).__name__}")
            out.append({"failure": reason})
    return {"cases": out}


if __name__ == "__main__":
    if sys.argv[1] == "notebook":
        run_notebook(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        call_functions(sys.argv[2], float(sys.argv[3]))
