"""Optimizers beyond Adam (issue 13): one step of each on a 2000 × 5000 float32 parameter (10 M entries), descent
against its reference implementation, with the bytes of state per parameter and the peak extra memory of a run.

``bench_modern(cfg)`` returns a section in the format of ``run.py`` (id, title, rows, targets, notes);
``python benchmarks/run.py --part modern`` puts it into the published results, ``python benchmarks/modern.py
[--quick]`` prints it. The references (torch.optim, lion-pytorch, schedulefree, pytorch-optimizer) are test-only
dependencies: a missing one gives a row without the reference and a note.

How: one thread on both sides (BLAS through threadpoolctl, ``torch.set_num_threads(1)``),
the references' for-loop code path (``foreach=False`` where the option exists), a fixed gradient (restored before
each reference step, untimed, since some references write into ``p.grad``), default hyper-parameters. Each step is
timed in CPU seconds (``time.process_time``: on a shared machine wall-clock time mostly measures the other jobs);
a row is the median of the steps of its kind after warm-up. The matrix methods have steps of different kinds
(Shampoo's with and without a new inverse root, SOAP's first step and its basis refreshes), timed apart.
State: the bytes of the arrays an optimizer keeps between steps (tensors of more than one entry on the reference
side), per parameter. Peak: the largest extra resident memory over the whole run (state and temporaries, the
parameter and gradient excluded), from Linux's VmHWM, per parameter.
"""

import argparse
import gc
import importlib.util
import json
import os
import pathlib
import time
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from descent import optimizers

try:
    import torch
except ImportError:  # torch is not a dependency of the book
    torch = None

SHAPE, QUICK_SHAPE = (2000, 5000), (100, 200)
QUICK = {"modern_shape": QUICK_SHAPE}


def _run_py():
    """benchmarks/run.py, for its memory probes (``_memory_kb``, ``_reset_peak``)."""
    spec = importlib.util.spec_from_file_location("run", pathlib.Path(__file__).with_name("run.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _reference(module, name):
    """``module.name`` of an installed reference package, or None."""
    try:
        return getattr(importlib.import_module(module), name)
    except ImportError:
        return None


@dataclass
class Case:
    """One optimizer: descent's, its reference (a function of the parameter list), and the kind of each step (None:
    a warm-up, not reported)."""

    name: str
    reference: str
    ours: object
    theirs: object
    kinds: tuple = (None, "step", "step", "step", "step", "step")
    train: bool = False  # schedulefree: opt.train() before stepping


def cases():
    o = torch.optim if torch is not None else None
    lion, soap, shampoo = (_reference(module, name) for module, name in (
        ("lion_pytorch", "Lion"), ("pytorch_optimizer", "SOAP"), ("pytorch_optimizer", "Shampoo")))
    sf_adamw, sf_sgd = (_reference("schedulefree", name) for name in ("AdamWScheduleFree", "SGDScheduleFree"))
    loop = {"foreach": False}  # the for-loop code path of the references that have two
    few = (None, "step", "step", "step")  # the slow ones: a warm-up and three steps
    return [
        Case("Adam", "torch.optim.Adam", optimizers.Adam, o and (lambda ps: o.Adam(ps, **loop))),
        Case("AMSGrad", "torch.optim.Adam(amsgrad=True)", lambda: optimizers.Adam(amsgrad=True),
             o and (lambda ps: o.Adam(ps, amsgrad=True, **loop))),
        Case("NAdam", "torch.optim.NAdam", optimizers.NAdam, o and (lambda ps: o.NAdam(ps, **loop))),
        Case("RAdam", "torch.optim.RAdam", optimizers.RAdam, o and (lambda ps: o.RAdam(ps, **loop)),
             (None,) + ("steps 2–5 (not rectified)",) * 4 + (None,) + ("steps 7–11 (rectified)",) * 5),
        Case("Adamax", "torch.optim.Adamax", optimizers.Adamax, o and (lambda ps: o.Adamax(ps, **loop))),
        Case("Adafactor", "torch.optim.Adafactor", optimizers.Adafactor,
             o and (lambda ps: o.Adafactor(ps, **loop))),
        Case("Lion", "lion_pytorch.Lion", optimizers.Lion, lion),
        Case("Muon", "torch.optim.Muon", optimizers.Muon, o and o.Muon, few),
        Case("Schedule-Free AdamW", "schedulefree.AdamWScheduleFree", optimizers.ScheduleFreeAdamW,
             sf_adamw and (lambda ps: sf_adamw(ps, **loop)), train=True),
        Case("Schedule-Free SGD", "schedulefree.SGDScheduleFree", optimizers.ScheduleFreeSGD,
             sf_sgd and (lambda ps: sf_sgd(ps, **loop)), train=True),
        Case("Shampoo (inverse roots every 3rd step)", "pytorch_optimizer.Shampoo",
             lambda: optimizers.Shampoo(preconditioning_compute_steps=3),
             shampoo and (lambda ps: shampoo(ps, preconditioning_compute_steps=3)),
             (None, "step without new roots", "step with new roots (eigh / SVD)", "step without new roots")),
        Case("SOAP (basis refresh every 2nd step)", "pytorch_optimizer.SOAP",
             lambda: optimizers.SOAP(precondition_frequency=2),
             soap and (lambda ps: soap(ps, precondition_frequency=2)),
             ("first step (eigh, no update)", "step", "step with basis refresh (QR)", "step",
              "step with basis refresh (QR)")),
    ]


def _state_bytes(state):
    """Bytes of the tensors in a reference's state (lists of tensors included; counters and scalars excluded)."""
    if torch.is_tensor(state):
        return state.nbytes if state.numel() > 1 else 0
    if isinstance(state, dict):
        return sum(_state_bytes(v) for v in state.values())
    if isinstance(state, (list, tuple)):
        return sum(_state_bytes(v) for v in state)
    return 0


def _measure(make_step, kinds, n, probes):
    """Run ``step, prepare, state_bytes = make_step()`` once per kind; CPU ms by kind (median), state and peak."""
    step, prepare, state_bytes = make_step()
    gc.collect()
    before = probes._memory_kb("VmRSS")
    measured = probes._reset_peak()
    times = {}
    for kind in kinds:
        prepare()
        start = time.process_time()
        step()
        seconds = time.process_time() - start
        if kind is not None:
            times.setdefault(kind, []).append(seconds)
    peak = (probes._memory_kb("VmHWM") - before) * 1024 / n if measured else None
    return {"step_ms": {kind: 1e3 * float(np.median(t)) for kind, t in times.items()},
            "state_bytes_per_param": state_bytes() / n, "peak_extra_bytes_per_param": peak}


def bench_modern(cfg):
    shape = tuple(cfg.get("modern_shape", SHAPE))
    n, probes = int(np.prod(shape)), _run_py()
    rng = np.random.default_rng(0)
    x0, g = rng.standard_normal(shape, dtype=np.float32), rng.standard_normal(shape, dtype=np.float32)

    def ours(case):
        def make():
            opt, x = case.ours(), x0.copy()
            return (lambda: opt.step(x, g, out=x)), (lambda: None), \
                lambda: sum(a.nbytes for a in opt.state.values())
        return make

    def theirs(case):
        def make():
            p = torch.nn.Parameter(torch.from_numpy(x0.copy()))
            p.grad, g0 = torch.from_numpy(g.copy()), torch.from_numpy(g)
            opt = case.theirs([p])
            if case.train:
                opt.train()
            return opt.step, (lambda: p.grad.copy_(g0)), lambda: _state_bytes(list(opt.state.values()))
        return make

    rows, missing = [], []
    measured = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load_average_start": os.getloadavg()}
    if torch is not None:
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
    with threadpool_limits(limits=1, user_api="blas"):
        for case in cases():
            row = {"optimizer": case.name, "reference": case.reference,
                   "descent": _measure(ours(case), case.kinds, n, probes)}
            if case.theirs:
                row["theirs"] = _measure(theirs(case), case.kinds, n, probes)
            else:
                missing.append(case.reference)
            rows.append(row)
    if torch is not None:
        torch.set_num_threads(threads)
    measured["load_average_end"] = os.getloadavg()
    notes = ["ours: descent; ref.: the reference; ratio: ours / ref. "
             f"CPU time of one step on a {shape[0]} × {shape[1]} float32 parameter, one thread on both sides, the "
             "references' for-loop path; the median of the steps of each kind after a warm-up step. State: bytes "
             "kept between steps per parameter; peak: the largest extra resident memory of the run per parameter "
             "(state and temporaries; Linux VmHWM).",
             "Shampoo and SOAP are timed with a short refresh period so that one run shows both kinds of step: "
             "at their defaults Shampoo takes new inverse roots every step (f = 1) and SOAP refreshes its basis "
             "every 10th step. Their state grows with n² + m², not with n·m: two statistics and two rotations or "
             f"roots take 8(n² + m²)/(nm) = {8 * (shape[0] ** 2 + shape[1] ** 2) / n:.1f} B/param here, plus the "
             "full-size arrays (SOAP's m and v; Shampoo's momentum buffer, which the reference keeps even without "
             "momentum and descent only with it)."]
    if missing:
        notes.append("Not installed, so not compared: " + ", ".join(missing) + ".")
    return {"id": "modern", "title": f"Optimizers beyond Adam: one step on {n / 1e6:g} M float32 parameters "
                                     f"({shape[0]} × {shape[1]}) against the reference implementations",
            "measured": measured, "rows": rows, "targets": [], "notes": notes}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"a {QUICK_SHAPE[0]} × {QUICK_SHAPE[1]} parameter: "
                                                             "seconds")
    args = parser.parse_args()
    print(json.dumps(bench_modern(QUICK if args.quick else {}), indent=1, ensure_ascii=False))
