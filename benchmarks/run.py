"""Benchmarks of the course code against what a reader would use instead; one command runs them all.

    python benchmarks/run.py            # full run (the book, grading and modern parts take most of its time)
    python benchmarks/run.py --quick    # tiny sizes, seconds: the CI smoke test (writes to a temporary directory)

1. Sweeps: R runs × T steps of GD / Momentum / Adam on the wiggly function, ``descent.run`` on a batch of runs
   against a loop over runs in plain Python (and against a loop of ``descent.run`` calls, one run each).
2. MLP training: an epoch of the 64-64-10 MLP on the digits (batch 32, Adam), ``descent.nn`` against torch.
3. Optimizer step at scale: one step of each optimizer on 10 M float32 parameters against ``torch.optim``
   (foreach and fused), with the bytes of state per parameter and the peak extra memory of a step; the same for
   the optimizers beyond Adam against their reference implementations (``modern.py``).
4. The book (full run only): execution time and peak memory of every notebook; the README's first Quick-start
   command in a fresh clone (install + build), rebuilds, and ten fresh builds in a row (a stall shows there).
   ``--part NAME`` (sweeps, mlp, steps, nets, modern, book, grading) runs one part and replaces it in the published
   results.

Timings are medians of repeats after a warm-up. Every number is a wall-clock time on a machine that may be shared,
so the load average is recorded at the start and at the end. torch is optional: without it the comparisons are
skipped and the results say so. ``results.md`` is the table that the book's appendix page includes.
"""

import argparse
import datetime
import gc
import importlib.util
import json
import math
import os
import pathlib
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

import descent
from descent import data, functions, nn, optimizers

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOK_BUDGET = 20.0  # seconds per notebook (DESIGN.md)

FULL = dict(sweep_runs=10_000, sweep_steps=1_000, loop_runs=500, run_loop_runs=30, sweep_repeats=3,
            mlp_epochs=10, mlp_seeds=3, step_params=10_000_000, step_repeats=7, torch_all_threads=True, memory=True,
            book=True, fresh_builds=10)
QUICK = dict(sweep_runs=2_000, sweep_steps=50, loop_runs=50, run_loop_runs=4, sweep_repeats=2,
             mlp_epochs=1, mlp_seeds=1, step_params=100_000, step_repeats=3, torch_all_threads=False, memory=False,
             book=False)

try:
    import torch
except ImportError:  # torch is not a dependency of the book
    torch = None
TORCH_MISSING = "torch is not installed: the torch comparisons were skipped (pip install torch to run them)"


def median_time(fn, repeats, warmup=1):
    """Median wall-clock seconds of `fn()` over `repeats` calls, after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def target(name, value, limit, smaller_is_better=True, unit=""):
    """A budget of DESIGN.md: was `value` within `limit`?"""
    met = value <= limit if smaller_is_better else value >= limit
    sign = "≤" if smaller_is_better else "≥"
    return {"name": name, "target": f"{sign} {limit:g}{unit}", "value": round(float(value), 3), "met": bool(met)}


# 1. Sweeps ---------------------------------------------------------------------------------------------------------

def wiggly_grad(x):
    """f′ of descent.functions.Wiggly, one float at a time: 0.045x − sin x + cos 3x − sin 5x + cos 7x."""
    return 0.045 * x - math.sin(x) + math.cos(3 * x) - math.sin(5 * x) + math.cos(7 * x)


def loop_gd(x, lr, steps):
    for _ in range(steps):
        x -= lr * wiggly_grad(x)
    return x


def loop_momentum(x, lr, steps, beta=0.9):
    v = 0.0
    for _ in range(steps):
        v = beta * v + (1 - beta) * wiggly_grad(x)
        x -= lr * v
    return x


def loop_adam(x, lr, steps, beta1=0.9, beta2=0.999, eps=1e-8):
    m = v = 0.0
    for t in range(1, steps + 1):
        g = wiggly_grad(x)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        x -= lr * (m / (1 - beta1**t)) / (math.sqrt(v / (1 - beta2**t)) + eps)
    return x


class TimedGradient:
    """A landscape that adds up the time spent in its gradient: how much of a sweep is the landscape's own cost."""

    def __init__(self, fn):
        self.fn, self.seconds = fn, 0.0

    def value(self, x):
        return self.fn.value(x)

    def grad(self, x):
        start = time.perf_counter()
        g = self.fn.grad(x)
        self.seconds += time.perf_counter() - start
        return g


SWEEPS = {"GD": (optimizers.SGD, loop_gd), "Momentum": (optimizers.Momentum, loop_momentum),
          "Adam": (optimizers.Adam, loop_adam)}


def bench_sweeps(cfg):
    runs, steps = cfg["sweep_runs"], cfg["sweep_steps"]
    f = functions.Wiggly()
    rng = np.random.default_rng(0)
    x0 = rng.uniform(-15, 15, (runs, 1))
    lr = np.logspace(-3, 0, runs)[:, None]  # one learning rate per run, a log grid
    sine_ns = 1e9 * median_time(lambda: np.sin(x0), 20) / runs
    rows, targets = [], []
    for name, (Opt, loop) in SWEEPS.items():
        timed = TimedGradient(f)
        vectorised = median_time(lambda: descent.run(Opt(lr), timed, x0, steps), cfg["sweep_repeats"])
        gradient_share = timed.seconds / (cfg["sweep_repeats"] + 1) / vectorised  # + 1: the warm-up
        final = descent.run(Opt(lr), f, x0, steps).final[:, 0]
        # The loops cost exactly the same per run, so a subset of the runs is timed and scaled to all of them.
        subset = np.linspace(0, runs - 1, cfg["loop_runs"]).astype(int)
        looped = np.array([loop(float(x0[i, 0]), float(lr[i, 0]), steps) for i in subset])  # and warm-up
        loop_seconds = median_time(lambda: [loop(float(x0[i, 0]), float(lr[i, 0]), steps) for i in subset],
                                   cfg["sweep_repeats"], warmup=0) * runs / len(subset)
        few = subset[:: max(1, len(subset) // cfg["run_loop_runs"])][: cfg["run_loop_runs"]]
        run_loop_seconds = median_time(lambda: [descent.run(Opt(float(lr[i, 0])), f, x0[i], steps) for i in few],
                                       1, warmup=0) * runs / len(few)
        rows.append({"optimizer": name, "vectorised_s": vectorised, "loop_python_s": loop_seconds,
                     "loop_descent_run_s": run_loop_seconds, "speedup_vs_python_loop": loop_seconds / vectorised,
                     "speedup_vs_run_loop": run_loop_seconds / vectorised,
                     "gradient_share": min(gradient_share, 1.0),
                     "loop_agrees": float(np.mean(np.abs(looped - final[subset]) <= 1e-9))})
        targets.append(target(f"{name}: vectorised sweep (s)", vectorised, 0.5, unit=" s"))
        targets.append(target(f"{name}: speed-up over a loop of descent.run", run_loop_seconds / vectorised, 20,
                              smaller_is_better=False, unit="×"))
        targets.append(target(f"{name}: speed-up over the plain-Python loop", loop_seconds / vectorised, 20,
                              smaller_is_better=False, unit="×"))
    return {"id": "sweeps", "title": f"Sweeps: {runs:,} runs × {steps:,} steps on the wiggly function",
            "rows": rows, "targets": targets,
            "notes": [f"Python loop timed on {cfg['loop_runs']} runs, the descent.run loop on "
                      f"{cfg['run_loop_runs']} runs; both scaled to {runs:,} runs (their cost per run is constant).",
                      "The last column is the share of the sweep spent evaluating the landscape's gradient: the "
                      "floor of any vectorised sweep of it (4 sines and cosines per gradient; numpy's float64 sine "
                      f"costs {sine_ns:.1f} ns per value here). The rest is descent.run and the optimizer (the "
                      "stored path, the divergence checks, the update). The plain-Python loop pays "
                      "the same libm calls plus the interpreter, "
                      f"{1e9 * rows[0]['loop_python_s'] / (runs * steps):.0f} ns per GD step, so vectorising "
                      "removes only the interpreter's share over that loop. A loop of descent.run calls (numpy on "
                      "one run at a time) is what the vectorised sweep replaces in the course.",
                      "loop_agrees: fraction of the looped runs whose final x equals the vectorised one to 1e-9 "
                      "(large learning rates are chaotic on this landscape, so last-bit differences of math.sin "
                      "and np.sin can grow)."]}


# 2. MLP training ---------------------------------------------------------------------------------------------------

def _torch_epochs(net, split, lr, epochs, seed, threads):
    """Train a torch copy of `net` (same initial weights, same batches); per-epoch seconds and test accuracy."""
    torch.set_num_threads(threads)
    layers = []
    for W, b in zip(net.weights, net.biases):
        linear = torch.nn.Linear(*W.shape)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W.T.copy()))
            linear.bias.copy_(torch.from_numpy(b.copy()))
        layers += [linear, torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    X, y = torch.from_numpy(split.X_train).float(), torch.from_numpy(split.y_train)
    rng, seconds = np.random.default_rng(seed), []
    for _ in range(epochs):
        start = time.perf_counter()
        for batch in nn.batches(len(y), 32, rng):
            index = torch.from_numpy(batch)
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(X[index]), y[index])
            loss.backward()
            opt.step()
        seconds.append(time.perf_counter() - start)
    with torch.no_grad():
        predicted = model(torch.from_numpy(split.X_test).float()).argmax(dim=1).numpy()
    return seconds, float(np.mean(predicted == split.y_test))


def _step_parts(sizes, split, lr):
    """Median µs of the parts of one training step of descent.nn on a batch of 32: where an epoch's time goes."""
    net, opt = nn.MLP(sizes, seed=0), optimizers.Adam(lr)
    X, y = split.X_train[:32], split.y_train[:32]
    zs, activations = net._forward(X)
    _, grad = net._backward(zs, activations, y)
    repeats = 200
    return {"forward_us": 1e6 * median_time(lambda: net._forward(X), repeats),
            "backward_us": 1e6 * median_time(lambda: net._backward(zs, activations, y), repeats),
            "adam_us": 1e6 * median_time(lambda: opt.step(net.theta.copy(), grad, out=None), repeats)}


def bench_mlp(cfg):
    split, lr, sizes = data.digits(), 1e-3, (64, 64, 10)
    epochs, seeds = cfg["mlp_epochs"], range(cfg["mlp_seeds"])
    nn.train(nn.MLP(sizes, seed=0), optimizers.Adam(lr), split, epochs=1)  # warm-up
    ours, our_accuracy = [], []
    for seed in seeds:
        history = nn.train(nn.MLP(sizes, seed=seed), optimizers.Adam(lr), split, epochs=epochs, seed=seed)
        ours += list(np.diff(history.seconds))
        our_accuracy.append(float(history.test_accuracy[-1]))
    row = {"implementation": "descent.nn (float64, 1 BLAS thread)", "epoch_s": float(np.median(ours)),
           "test_accuracy": float(np.mean(our_accuracy)), **_step_parts(sizes, split, lr)}
    section = {"id": "mlp", "rows": [row], "targets": [], "notes": [],
               "title": f"MLP training: one epoch of {'-'.join(map(str, sizes))} on the digits "
                        f"({len(split.y_train)} examples, batch 32, Adam lr = {lr:g})"}
    section["notes"].append(f"One step of descent.nn: forward {row['forward_us']:.0f} µs, loss and backward "
                            f"{row['backward_us']:.0f} µs, Adam {row['adam_us']:.0f} µs (medians); "
                            f"{len(split.y_train) / 32:.0f} steps per epoch.")
    section["notes"].append(f"Median epoch time over {epochs} epochs × {len(seeds)} seeds; test accuracy after "
                            f"{epochs} epochs, mean over the seeds. torch starts from the same weights and sees the "
                            "same mini-batches.")
    if torch is None:
        section["notes"].append(TORCH_MISSING)
        return section
    default_threads = torch.get_num_threads()
    best = None
    for threads in sorted({1, default_threads if cfg["torch_all_threads"] else 1}):
        _torch_epochs(nn.MLP(sizes, seed=0), split, lr, 1, 0, threads)  # warm-up
        times, accuracy = [], []
        for seed in seeds if threads == 1 else seeds[:1]:  # more threads: one seed (it can be very slow)
            seconds, acc = _torch_epochs(nn.MLP(sizes, seed=seed), split, lr, epochs, seed, threads)
            times += seconds
            accuracy.append(acc)
        result = {"implementation": f"torch {torch.__version__} (float32, {threads} thread{'s' * (threads > 1)})",
                  "epoch_s": float(np.median(times)), "test_accuracy": float(np.mean(accuracy))}
        section["rows"].append(result)
        best = result if best is None or result["epoch_s"] < best["epoch_s"] else best
    torch.set_num_threads(default_threads)
    for r in section["rows"]:
        r["ratio_to_best_torch"] = r["epoch_s"] / best["epoch_s"]
    section["targets"].append(target("descent.nn epoch time / torch's (its faster thread setting)",
                                     row["epoch_s"] / best["epoch_s"], 0.3, unit="×"))
    same_run = section["rows"][1]  # torch on 1 thread: the same seeds as descent.nn
    section["targets"].append(target("|test accuracy of descent.nn − torch's| (same start, same batches)",
                                     abs(row["test_accuracy"] - same_run["test_accuracy"]), 0.02))
    section["notes"].append(f"torch's default is {default_threads} threads (timed on the first seed only); the "
                            "ratio is to torch's faster setting.")
    return section


# 3. One optimizer step at scale ------------------------------------------------------------------------------------

def _memory_kb(field):
    """A field of /proc/self/status in kB (VmRSS: resident memory now; VmHWM: its peak)."""
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field + ":"))


def _reset_peak():
    """Reset the peak resident memory (VmHWM) to the current one (Linux ≥ 4.0); False where not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _measure_step(make, n, repeats, memory):
    """Time `step()` from ``step, state_bytes = make()``; the state it keeps and, with `memory`, the peak extra
    memory of the steps (``make`` allocates the parameters, so they are not counted)."""
    step, state_bytes = make()
    if memory:
        gc.collect()  # free the previous optimizer's arrays (slow with torch loaded: full runs only)
    before = _memory_kb("VmRSS")
    measured = memory and _reset_peak()
    step()  # the first step allocates the state
    seconds = median_time(step, repeats, warmup=1)
    peak = (_memory_kb("VmHWM") - before) * 1024 / n if measured else None
    return {"step_ms": 1e3 * seconds, "state_bytes_per_param": state_bytes() / n, "peak_extra_bytes_per_param": peak}


OURS = {"SGD": lambda lr: optimizers.SGD(lr), "Momentum": lambda lr: optimizers.Momentum(lr, beta=0.9),
        "Nesterov": lambda lr: optimizers.Nesterov(lr, beta=0.9), "AdaGrad": lambda lr: optimizers.AdaGrad(lr),
        "RMSProp": lambda lr: optimizers.RMSProp(lr), "Adam": lambda lr: optimizers.Adam(lr),
        "AdamW": lambda lr: optimizers.AdamW(lr)}


def _theirs(name, params, lr, **kw):
    """The torch.optim optimizer equal to descent's `name` (see the docstrings of descent.optimizers)."""
    o = torch.optim
    return {"SGD": lambda: o.SGD(params, lr=lr, **kw),
            "Momentum": lambda: o.SGD(params, lr=lr * (1 - 0.9), momentum=0.9, **kw),
            "Nesterov": lambda: o.SGD(params, lr=lr * (1 - 0.9), momentum=0.9, nesterov=True, **kw),
            "AdaGrad": lambda: o.Adagrad(params, lr=lr, **kw), "RMSProp": lambda: o.RMSprop(params, lr=lr, **kw),
            "Adam": lambda: o.Adam(params, lr=lr, **kw), "AdamW": lambda: o.AdamW(params, lr=lr, **kw)}[name]()


def bench_steps(cfg):
    n, repeats, lr = cfg["step_params"], cfg["step_repeats"], 1e-3
    rng = np.random.default_rng(0)
    x0 = rng.standard_normal(n, dtype=np.float32)
    g = rng.standard_normal(n, dtype=np.float32)

    made = {}

    def ours(name):
        opt = made[name] = OURS[name](lr)
        x = x0.copy()
        return (lambda: opt.step(x, g, out=x)), lambda: sum(a.nbytes for a in opt.state.values())

    def theirs(name, threads, **kw):
        def make():
            torch.set_num_threads(threads)
            p = torch.nn.Parameter(torch.from_numpy(x0.copy()))
            p.grad = torch.from_numpy(g)
            opt = _theirs(name, [p], lr, **kw)
            state = lambda: sum(t.nbytes for s in opt.state.values() for t in s.values()
                                if torch.is_tensor(t) and t.numel() > 1)
            return opt.step, state
        return make

    rows, targets = [], []
    default_threads = torch.get_num_threads() if torch is not None else None
    for name in OURS:
        row = {"optimizer": name, "descent": _measure_step(lambda: ours(name), n, repeats, cfg["memory"])}
        row["descent"]["scratch_bytes_per_param"] = sum(a.nbytes for a in made.pop(name)._scratch) / n
        if torch is not None:
            for variant in ("foreach", "fused"):
                try:
                    row[f"torch_{variant}"] = _measure_step(theirs(name, 1, **{variant: True}), n, repeats,
                                                                   cfg["memory"])
                except (RuntimeError, TypeError, ValueError) as error:  # no fused implementation of this one
                    row[f"torch_{variant}"] = {"error": str(error).splitlines()[0][:80]}
            if name == "Adam" and default_threads > 1 and cfg["torch_all_threads"]:
                row["torch_foreach_default_threads"] = _measure_step(theirs(name, default_threads, foreach=True),
                                                                     n, repeats, cfg["memory"])
            torch.set_num_threads(default_threads)
            row["ratio_to_foreach"] = row["descent"]["step_ms"] / row["torch_foreach"]["step_ms"]
        rows.append(row)
    section = {"id": "steps", "rows": rows, "targets": targets, "threads_default": default_threads,
               "title": f"One optimizer step on {n / 1e6:g} M float32 parameters",
               "notes": ["descent (numpy) runs elementwise operations on one thread, so torch is pinned to 1 thread "
                         "too; for Adam, torch foreach at its default thread count is also shown.",
                         "state: bytes per parameter that the algorithm keeps between steps (its moments); "
                         "descent also keeps its scratch arrays (+ scratch), so that a step allocates nothing. "
                         "peak: the largest extra resident memory during the steps, per parameter (state, scratch "
                         "and temporaries), from Linux's VmHWM (full runs only)."]}
    if torch is None:
        section["notes"].append(TORCH_MISSING)
    else:
        adam = next(r for r in rows if r["optimizer"] == "Adam")
        targets.append(target("Adam step time / torch foreach (1 thread)", adam["ratio_to_foreach"], 1.5, unit="×"))
        if "torch_foreach_default_threads" in adam:
            ratio = adam["descent"]["step_ms"] / adam["torch_foreach_default_threads"]["step_ms"]
            targets.append(target(f"Adam step time / torch foreach ({default_threads} threads)", ratio, 1.5,
                                  unit="×"))
    return section


# 4. The book -------------------------------------------------------------------------------------------------------

def _load_execute():
    """scripts/execute.py, imported (not copied): it runs a notebook top to bottom and times it."""
    return _module(ROOT / "scripts" / "execute.py")


def _sibling(name):
    """benchmarks/<name>.py, imported whether run.py runs as a script or is loaded by the tests."""
    return _module(pathlib.Path(__file__).with_name(f"{name}.py"))


def _module(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _execute_in_fresh_process(path):
    """Run one notebook with scripts/execute.py in a new Python process: its run time (s) and the kernel's peak MB.

    One process per notebook: when one process started kernel after kernel, the sixth notebook sometimes waited
    for nbclient's 300 s cell timeout with both kernel and client idle, which no reader would see.
    """
    done = subprocess.run([sys.executable, __file__, "--execute-notebook", str(path)], check=True,
                          capture_output=True, text=True, timeout=900)
    seconds, peak_mb, cpu = map(float, done.stdout.split()[-3:])
    return seconds, peak_mb, cpu


def _cpu_seconds(who=resource.RUSAGE_CHILDREN):
    """User + system CPU seconds of `who` (by default the finished child processes): a stall costs none."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _peak_child_mb():
    """Peak resident memory of the largest finished child process (the kernel, shut down and waited for), in MB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # Linux reports kB


def bench_book(cfg):
    when = {"date": machine()["date"], "load_average_start": list(os.getloadavg())}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:  # never rewrite the notebooks: run copies of them
        for notebook in _load_execute().NOTEBOOKS:  # every notebook page: chapters/*.ipynb and evidence.ipynb
            path = pathlib.Path(tmp) / notebook.relative_to(ROOT)
            path.parent.mkdir(exist_ok=True)
            shutil.copy(notebook, path)
            seconds, peak_mb, cpu = _execute_in_fresh_process(path)
            rows.append({"notebook": path.name, "seconds": seconds, "over_budget": seconds > NOTEBOOK_BUDGET,
                         "peak_mb": peak_mb, "cpu_s": cpu})
    total = sum(r["seconds"] for r in rows)
    targets = [target("whole book, executed notebook by notebook (s)", total, 120, unit=" s"),
               target("largest peak memory of a notebook's kernel (MB)", max(r["peak_mb"] for r in rows),
                      NOTEBOOK_MEMORY_MB, unit=" MB")]
    build = bench_build(cfg)
    targets += build.pop("targets")
    when["load_average_end"] = list(os.getloadavg())
    return {"id": "book", "measured": when, "title": "The book: notebook execution, memory and build", "rows": rows, "total_s": total,
            "build": build, "targets": targets,
            "notes": [f"Notebooks over {NOTEBOOK_BUDGET:g} s are flagged. Each notebook runs on a copy, in a fresh "
                      "kernel and a fresh process (scripts/execute.py); peak memory is the kernel's peak resident "
                      f"set (Binder gives about 2 GB; the budget is {NOTEBOOK_MEMORY_MB} MB).",
                      "The build reads the outputs stored in the notebooks (execute_notebooks: off in _config.yml): "
                      "the tests (nbval, strict) prove them equal to fresh ones, and `python scripts/execute.py` "
                      "re-executes them."]}


# The build, as a newcomer runs it ----------------------------------------------------------------------------------

NOTEBOOK_MEMORY_MB = 1024
QUICKSTART_S, REBUILD_S = 180, 60


def quickstart_commands(readme=ROOT / "README.md"):
    """The commands of the README's Quick start (its first bash block), as .ci/run reads them."""
    text = readme.read_text(encoding="utf-8")
    block = text.split("## Quick start", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


def _timed(command, cwd, env, timeout=1800):
    """Wall-clock and CPU seconds of a shell command; the last line of its error output if it failed."""
    start, cpu = time.perf_counter(), _cpu_seconds()
    done = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)
    seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
    error = (done.stderr.strip().splitlines() or ["failed"])[-1][:200] if done.returncode else None
    return {"command": command, "seconds": seconds, "cpu_s": cpu, **({"error": error} if error else {})}


def bench_build(cfg):
    """The README's first Quick-start command in a fresh clone and a fresh virtual environment, then rebuilds.

    1. ``git clone`` of this repository (its committed HEAD), ``python -m venv``, then the first Quick-start command
       (install + build), its two halves timed apart;
    2. a rebuild with nothing changed, and one after editing a chapter (``jupyter-book build .``);
    3. ``cfg["fresh_builds"]`` builds in a row, each after deleting ``_build``: a stall shows as an outlier.
    """
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        clone, venv = tmp / "book", tmp / "venv"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=600)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=600)
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        env.update(PATH=f"{venv / 'bin'}:{env['PATH']}", VIRTUAL_ENV=str(venv), PIP_NO_CACHE_DIR="1")
        command = quickstart_commands(clone / "README.md")[0]
        install, build = command.split(" && ", 1)
        steps = {"install": _timed(install, clone, env), "build": _timed(build, clone, env)}
        steps["rebuild_unchanged"] = _timed("jupyter-book build .", clone, env)
        (clone / "chapters" / "05_momentum.ipynb").touch()
        steps["rebuild_one_chapter"] = _timed("jupyter-book build .", clone, env)
        fresh = [_timed(f"rm -rf _build && {build}", clone, env) for _ in range(cfg["fresh_builds"])]
    first = steps["install"]["seconds"] + steps["build"]["seconds"]
    fresh_s = [f["seconds"] for f in fresh]
    idle = max(f["seconds"] - f["cpu_s"] for f in fresh)  # seconds a build waited: for the CPU, or on a stall
    failed = [s["command"] for s in [*steps.values(), *fresh] if "error" in s]
    targets = [target("first Quick-start command from a fresh clone: install + build (s)", first, QUICKSTART_S,
                      unit=" s"),
               target("rebuild after editing one chapter (s)", steps["rebuild_one_chapter"]["seconds"], REBUILD_S,
                      unit=" s"),
               target(f"slowest of {len(fresh)} fresh builds in a row (s)", max(fresh_s), REBUILD_S, unit=" s"),
               target(f"largest wall-clock minus CPU time of the {len(fresh)} builds (s)", idle, REBUILD_S,
                      unit=" s")]
    if failed:
        targets.append(target("commands that failed", len(failed), 0))
    return {"command": command, "steps": steps, "fresh_builds": fresh, "failed": failed, "targets": targets}


# Machine, results and the table of the appendix ---------------------------------------------------------------------

def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor() or cpu
    blas = [{k: info.get(k) for k in ("internal_api", "version", "num_threads")} for info in threadpool_info()]
    return {"cpu": cpu, "cores": os.cpu_count(), "cores_usable": len(os.sched_getaffinity(0)),
            "load_average_start": list(os.getloadavg()), "python": platform.python_version(),
            "numpy": np.__version__, "torch": torch.__version__ if torch is not None else None,
            "torch_threads": torch.get_num_threads() if torch is not None else None, "blas": blas,
            "platform": platform.platform(), "date": datetime.datetime.now(datetime.timezone.utc)
            .strftime("%Y-%m-%d %H:%M UTC")}


def _fmt(value, digits=3):
    if value is None:
        return "–"
    return f"{value:.{digits}g}" if abs(value) < 1000 else f"{value:,.0f}"


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(map(str, row)) + " |" for row in rows]
    return lines


def _step_cell(result, key="step_ms"):
    if result is None:
        return "–"
    return "n/a" if "error" in result else _fmt(result[key])


def markdown(results):
    """The results as MyST markdown: the machine, then one table per benchmark and the targets."""
    m = results["machine"]
    torch_text = f"torch {m['torch']} ({m['torch_threads']} threads by default)" if m["torch"] else "torch absent"
    load = m["load_average_start"][0], m["load_average_end"][0]
    sharing = ("more than the cores: other jobs competed for the CPU and the times are inflated"
               if max(load) > m["cores_usable"] else
               "no more than the cores: the benchmark had the machine mostly to itself")
    quick = " **Quick run (tiny sizes).**" if results["quick"] else ""
    lines = [f"Measured on {m['date']}: {m['cpu']}, {m['cores_usable']} cores usable, Python {m['python']}, "
             f"numpy {m['numpy']}, {torch_text}. Load average {load[0]:.1f} at the start and {load[1]:.1f} at the "
             f"end, {sharing}. Total benchmark time {results['seconds']:.0f} s.{quick}", ""]
    for section in results["sections"]:
        lines += [f"## {section['title']}", ""]
        rows = section["rows"]
        if section["id"] == "sweeps":
            lines += _table(["optimizer", "descent, vectorised (s)", "Python loop (s)", "speed-up",
                             "loop of descent.run (s)", "speed-up", "share of time in f′"],
                            [[r["optimizer"], _fmt(r["vectorised_s"]), _fmt(r["loop_python_s"]),
                              f"{r['speedup_vs_python_loop']:.0f}×", _fmt(r["loop_descent_run_s"]),
                              f"{r['speedup_vs_run_loop']:.0f}×", f"{100 * r['gradient_share']:.0f} %"]
                             for r in rows])
        elif section["id"] == "mlp":
            lines += _table(["implementation", "epoch (ms)", "test accuracy", "time / faster torch"],
                            [[r["implementation"], _fmt(1e3 * r["epoch_s"]), f"{r['test_accuracy']:.3f}",
                              f"{r['ratio_to_best_torch']:.2f}×" if "ratio_to_best_torch" in r else "–"]
                             for r in rows])
        elif section["id"] == "steps":
            lines += _table(["optimizer", "descent (ms)", "torch foreach (ms)", "torch fused (ms)",
                             "descent / foreach", "state (+ scratch) B/param: descent, torch",
                             "peak B/param: descent, torch"],
                            [[r["optimizer"], _step_cell(r["descent"]), _step_cell(r.get("torch_foreach")),
                              _step_cell(r.get("torch_fused")),
                              f"{r['ratio_to_foreach']:.2f}×" if "ratio_to_foreach" in r else "–",
                              f"{_fmt(r['descent']['state_bytes_per_param'])} "
                              f"(+ {_fmt(r['descent']['scratch_bytes_per_param'])}), "
                              f"{_step_cell(r.get('torch_foreach'), 'state_bytes_per_param')}",
                              f"{_fmt(r['descent']['peak_extra_bytes_per_param'], 2)}, "
                              f"{_step_cell(r.get('torch_foreach'), 'peak_extra_bytes_per_param')}"]
                             for r in rows])
            adam = next(r for r in rows if r["optimizer"] == "Adam")
            if "torch_foreach_default_threads" in adam:
                lines += ["", f"torch Adam foreach with {section['threads_default']} threads: "
                              f"{adam['torch_foreach_default_threads']['step_ms']:.0f} ms."]
        elif section["id"] == "book":
            lines += _book_lines(section)
        elif section["id"] == "modern":
            when = section["measured"]
            lines += [f"Measured on {when['date']}; load average {when['load_average_start'][0]:.1f} at the start "
                      f"and {when['load_average_end'][0]:.1f} at the end of this part (CPU times, which other jobs "
                      "inflate less than wall-clock times).", ""]
            lines += _table(["optimizer", "reference", "step", "ms: ours", "ms: ref.", "ratio",
                             "state B/param: ours, ref.", "peak B/param: ours, ref."], _modern_rows(rows))
        lines += [""] + [f"- {note}" for note in section["notes"]]
        if section["targets"]:
            lines += ["", "Targets:", ""] + [
                f"- {t['name']}: {t['value']:g} (target {t['target']}) — "
                + ("**met**" if t["met"] else f"**not met** ({_miss(t)})") for t in section["targets"]]
        lines.append("")
    return "\n".join(lines)


def _modern_rows(rows):
    """One line per optimizer and kind of step; the memory of a run on the optimizer's first line."""
    lines = []
    for r in rows:
        ours, theirs = r["descent"], r.get("theirs")
        for i, (kind, ms) in enumerate(ours["step_ms"].items()):
            ref = theirs["step_ms"][kind] if theirs else None
            memory = [f"{_fmt(ours[key])}, {_fmt(theirs[key]) if theirs else '–'}"
                      for key in ("state_bytes_per_param", "peak_extra_bytes_per_param")] if i == 0 else ["", ""]
            lines.append([r["optimizer"] if i == 0 else "", f"`{r['reference']}`" if i == 0 else "", kind, _fmt(ms),
                          _fmt(ref), f"{ms / ref:.2f}×" if ref else "–", *memory])
    return lines


def _book_lines(section):
    """The book's table (time and memory per notebook) and the build: first command, rebuilds, fresh builds."""
    rows, when = section["rows"], section["measured"]
    lines = [f"Measured on {when['date']}; load average {when['load_average_start'][0]:.1f} at the start and "
             f"{when['load_average_end'][0]:.1f} at the end of this part.", ""]
    lines += _table(["notebook", "execution (s)", "CPU (s)", "peak memory (MB)", ""],
                   [[f"`{r['notebook']}`", f"{r['seconds']:.1f}", f"{r['cpu_s']:.1f}", f"{r['peak_mb']:.0f}",
                     "**over 20 s**" if r["over_budget"] else ""] for r in rows]
                   + [["**whole book**", f"**{section['total_s']:.0f}**", f"{sum(r['cpu_s'] for r in rows):.0f}",
                       "", ""]])
    build = section["build"]
    steps, fresh = build["steps"], build["fresh_builds"]
    wall_cpu = lambda step: f"{step['seconds']:.0f} s ({step['cpu_s']:.0f} s CPU)"  # noqa: E731
    lines += ["", f"The first Quick-start command, `{build['command']}`, in a fresh clone and a fresh virtual "
                  f"environment: install {wall_cpu(steps['install'])}, build {wall_cpu(steps['build'])}, "
                  f"{steps['install']['seconds'] + steps['build']['seconds']:.0f} s in all. Rebuild with nothing "
                  f"changed: {wall_cpu(steps['rebuild_unchanged'])}; after editing one chapter: "
                  f"{wall_cpu(steps['rebuild_one_chapter'])}.",
              "", f"{len(fresh)} fresh builds in a row (`_build` deleted before each), wall-clock (CPU) seconds: "
                  + ", ".join(f"{f['seconds']:.0f} ({f['cpu_s']:.0f})" for f in fresh)
                  + ". A stall would show as a build whose wall-clock time far exceeds its CPU time."]
    if build["failed"]:
        lines += ["", "Failed: " + "; ".join(f"`{c}`" for c in build["failed"])]
    return lines


def rerun_part(part, out):
    """Run one part alone (full sizes) and put it into the published results (`out`/results.json), in place of the
    old one: for re-measuring after a change without the whole run (the grading part alone takes ~15 minutes)."""
    results = json.loads((out / "results.json").read_text())
    start = time.perf_counter()
    with threadpool_limits(limits=1, user_api="blas"):
        section = _benches(FULL)[part](FULL)
    print(f"{time.perf_counter() - start:7.1f} s  {section['title']}", flush=True)
    ids = [s["id"] for s in results["sections"]]
    if part in ids:
        results["sections"][ids.index(part)] = section
    else:
        results["sections"].append(section)
    (out / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    (out / "results.md").write_text(markdown(results))
    print(f"wrote {out / 'results.json'} and {out / 'results.md'}")
    return results


def _benches(cfg):
    """{part: its benchmark function}, in the order of a full run (the book and grading only at full size)."""
    nets, grading = _sibling("nets"), _sibling("grading")  # deep networks; 200 submissions through autograde -j 2
    modern = _sibling("modern")  # the optimizers of issue 13 against their references
    benches = {"sweeps": bench_sweeps, "mlp": bench_mlp, "steps": bench_steps, "nets": nets.bench_nets,
               "modern": modern.bench_modern}
    if cfg["book"]:
        benches.update(book=bench_book, grading=grading.bench_grading)
    return benches


def _miss(t):
    """How far a missed target is from its limit, as a factor."""
    limit = float(t["target"].split()[1].rstrip("s×"))
    factor = t["value"] / limit if t["target"].startswith("≤") else limit / t["value"]
    return f"{factor:.2f}× off"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, no book: seconds (CI)")
    parser.add_argument("--part", choices=["sweeps", "mlp", "steps", "nets", "modern", "book", "grading"],
                        help="run only this part and replace it in the published results")
    parser.add_argument("--execute-notebook", type=pathlib.Path, help=argparse.SUPPRESS)  # used by part 4
    parser.add_argument("--out", type=pathlib.Path, default=None,
                        help="directory for results.json and results.md (default: benchmarks/ for a full run, "
                             "a temporary directory for --quick, so a quick run never replaces the published table)")
    args = parser.parse_args(argv)
    if args.execute_notebook:
        seconds = _load_execute().execute(args.execute_notebook.resolve())
        print(seconds, _peak_child_mb(), _cpu_seconds() + _cpu_seconds(resource.RUSAGE_SELF))
        return None
    if args.part:
        return rerun_part(args.part, args.out or ROOT / "benchmarks")
    cfg = QUICK if args.quick else FULL
    out = args.out or (pathlib.Path(tempfile.mkdtemp(prefix="benchmarks-")) if args.quick else ROOT / "benchmarks")
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    results = {"machine": machine(), "quick": args.quick, "config": cfg, "sections": []}
    cfg = {**_sibling("nets").QUICK, **_sibling("modern").QUICK, **cfg} if args.quick else cfg
    for bench in _benches(cfg).values():
        t0 = time.perf_counter()
        with threadpool_limits(limits=1, user_api="blas"):  # descent's small matrices run on one BLAS thread
            section = bench(cfg)
        results["sections"].append(section)
        print(f"{time.perf_counter() - t0:7.1f} s  {section['title']}", flush=True)
    results["seconds"] = time.perf_counter() - start
    results["machine"]["load_average_end"] = list(os.getloadavg())
    (out / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    (out / "results.md").write_text(markdown(results))
    print(f"wrote {out / 'results.json'} and {out / 'results.md'}")
    return results


if __name__ == "__main__":
    main()
