"""Helpers shared by the tests.

- Feed one fixed sequence of gradients g_1, g_2, … to a descent optimizer or to a torch.optim one: the gradients
  do not depend on θ, so two implementations of the same update rule must produce the same iterates.
- Import one of the repository's scripts (they are not a package).
- The learning rates a torch scheduler gives, step by step.
"""

import importlib.util
import pathlib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]


def load_script(name):
    """The module scripts/<name>.py."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def descent_path(opt, grads, theta0):
    """Iterates θ_0, θ_1, … of a descent optimizer, shape (steps + 1, *θ.shape)."""
    theta = np.array(theta0, dtype=float)
    out = [theta]
    for g in grads:
        theta = opt.step(theta, g)
        out.append(theta)
    return np.array(out)


def torch_path(make_opt, grads, theta0, lrs=None):
    """Iterates of ``make_opt([param])`` in float64; `lrs`, if given, sets the learning rate of every step."""
    import torch

    p = torch.nn.Parameter(torch.tensor(np.array(theta0, dtype=float), dtype=torch.float64))
    opt = make_opt([p])
    out = [p.detach().numpy().copy()]
    for t, g in enumerate(grads):
        if lrs is not None:
            opt.param_groups[0]["lr"] = float(lrs[t])
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        out.append(p.detach().numpy().copy())
    return np.array(out)


def setup_cell(nb):
    """A chapter's setup cell: the first code cell that runs ``descent.notebook.setup()`` (imports and style). The
    optional Colab install cell before it is skipped: it does nothing outside Colab."""
    return next(c for c in nb.cells if c.cell_type == "code" and "descent.notebook.setup()" in c.source)


def torch_rates(make_scheduler, lr0, steps):
    """The learning rate of each of `steps` optimizer steps under ``make_scheduler(torch, opt)`` (torch.optim.SGD
    with lr0), read before each step, as descent's schedules give α_k for k = 0, 1, …"""
    import torch

    param = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([param], lr=lr0)
    sched = make_scheduler(torch, opt)
    rates = []
    for _ in range(steps):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return np.array(rates)
