"""Benchmarks of the deep-network code: exact Hessian-vector products and λ_max (descent.curvature), and one
training step of deep plain, residual and normalised MLPs (descent.layers), against torch where it is installed.

``bench_nets(cfg)`` returns a section in the format of ``run.py`` (id, title, rows, targets, notes); run alone,
``python benchmarks/nets.py [--quick]`` prints it.
"""

import argparse
import json
import time

import numpy as np
from threadpoolctl import threadpool_limits

from descent import curvature, data, layers, nn

try:
    import torch
except ImportError:  # torch is not a dependency of the book
    torch = None

QUICK = {"nets_repeats": 2, "nets_examples": 64, "nets_depths": (30,), "nets_models": 3}  # seconds, for tests
HVP_SETTINGS = [  # (label, sizes, activation, examples, loss): the edge-of-stability net and the digits MLP
    ("64-32-32-32-10 tanh, 256 examples, MSE", (64, 32, 32, 32, 10), "tanh", 256, "mse"),
    ("64-64-10 GELU, 1437 examples, cross-entropy", (64, 64, 10), "gelu", 1437, "cross_entropy"),
]


def median_time(fn, repeats, warmup=1):
    """Median CPU seconds of `fn()` over `repeats` calls, after `warmup` untimed calls. CPU time, not wall-clock:
    everything runs on one thread, and on a shared machine the wall-clock time mostly measures the other jobs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return float(np.median(times))


def _torch_hvp_ms(net, X, y, loss, repeats):
    """torch.autograd.functional.hvp on the same net (float64, 1 thread), in ms."""
    act = {"tanh": torch.tanh, "gelu": torch.nn.functional.gelu}[net.activation.name]
    Xt, yt = torch.tensor(X), torch.tensor(y)
    Y = torch.nn.functional.one_hot(yt, net.sizes[-1]).double()

    def L(theta):
        a, start = Xt, 0
        for l, (n_in, n_out) in enumerate(zip(net.sizes[:-1], net.sizes[1:])):
            W = theta[start:start + n_in * n_out].reshape(n_in, n_out)
            start += n_in * n_out
            z = a @ W + theta[start:start + n_out]
            start += n_out
            a = act(z) if l < net.n_layers - 1 else z
        return 0.5 * ((a - Y) ** 2).sum() / len(Xt) if loss == "mse" else torch.nn.functional.cross_entropy(a, yt)

    theta, v = torch.tensor(net.theta), torch.ones(net.n_params, dtype=torch.float64)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return 1e3 * median_time(lambda: torch.autograd.functional.hvp(L, theta, v), repeats)
    finally:
        torch.set_num_threads(threads)


def bench_hvp(cfg):
    split, repeats, rows = data.digits(), cfg.get("nets_repeats", 30), []
    for label, sizes, activation, n, loss in HVP_SETTINGS:
        n = min(n, cfg.get("nets_examples", n))
        X, y = split.X_train[:n], split.y_train[:n]
        net = nn.MLP(sizes, activation=activation, init="xavier", seed=0)
        v = np.random.default_rng(0).standard_normal(net.n_params)
        grad_ms = 1e3 * median_time(lambda: curvature.loss_and_grad(net, X, y, loss), repeats)
        hvp_ms = 1e3 * median_time(lambda: curvature.loss_grad_hvp(net, X, y, v, loss), repeats)
        power_s = median_time(lambda: curvature.power_iteration(net, X, y, iters=20, tol=1e-30, loss=loss),
                              min(repeats, 3), warmup=0)
        lanczos_s = median_time(lambda: curvature.lanczos(net, X, y, steps=20, loss=loss), min(repeats, 3), warmup=0)
        row = {"setting": label, "grad_ms": grad_ms, "hvp_with_grad_ms": hvp_ms, "hvp_over_grad": hvp_ms / grad_ms,
               "power_iteration_20_s": power_s, "lanczos_20_s": lanczos_s}
        if torch is not None:
            row["torch_hvp_ms"] = _torch_hvp_ms(net, X, y, loss, repeats)
        rows.append(row)
    return rows


def bench_deep(cfg):
    """Median ms of one forward + backward pass (batch 32) of the deep networks of the residual and normalisation
    experiments, per model, with one model and with a sweep of R = 15 models on one axis."""
    split, repeats, rows = data.digits(), cfg.get("nets_repeats", 30), []
    X, y = split.X_train[:32], split.y_train[:32]
    nets = {}
    for L in cfg.get("nets_depths", (30, 50)):
        sizes = (64,) + (64,) * (L - 1) + (10,)
        nets[f"plain MLP, {L} layers × 64"] = lambda R, s=sizes: nn.MLP(s, n_models=R)
        nets[f"residual MLP, {L} layers × 64, s = 1/√L"] = (
            lambda R, s=sizes, L=L: layers.ResidualMLP(s, n_models=R, branch_scale=1 / np.sqrt(L)))
    for norm in ("batch", "layer"):
        nets[f"{norm} norm MLP, 10 hidden × 64"] = lambda R, n=norm: layers.NormMLP((64,) + (64,) * 10 + (10,),
                                                                                    norm=n, n_models=R)
    for label, make in nets.items():
        row = {"network": label}
        for R in (None, cfg.get("nets_models", 15)):
            net = make(R)
            row["step_ms" if R is None else "step_ms_per_model_sweep"] = 1e3 * median_time(
                lambda net=net: net._backward(*net._forward(X), y), repeats) / (R or 1)
        rows.append(row)
    return rows


def bench_nets(cfg):
    with threadpool_limits(limits=1, user_api="blas"):
        hvp_rows, deep_rows = bench_hvp(cfg), bench_deep(cfg)
    notes = [f"{r['setting']}: gradient {r['grad_ms']:.2f} ms, exact HVP with the gradient {r['hvp_with_grad_ms']:.2f} "
             f"ms ({r['hvp_over_grad']:.1f}×)"
             + (f", torch autograd.functional.hvp {r['torch_hvp_ms']:.2f} ms" if "torch_hvp_ms" in r else "")
             + f"; λ_max by 20 power iterations {r['power_iteration_20_s']:.2f} s, 20 Lanczos steps "
             f"{r['lanczos_20_s']:.2f} s." for r in hvp_rows]
    notes.append("Times are medians of CPU time on one thread (BLAS and torch), float64.")
    notes += [f"One forward + backward pass, batch 32, {r['network']}: {r['step_ms']:.2f} ms "
              f"({r['step_ms_per_model_sweep']:.2f} ms per model with {cfg.get('nets_models', 15)} models on one "
              "axis)." for r in deep_rows]
    worst = max(r["hvp_over_grad"] for r in hvp_rows)
    return {"id": "nets", "title": "Deep networks: Hessian-vector products and deep MLP steps (descent.curvature, "
                                   "descent.layers)",
            "rows": hvp_rows + deep_rows, "notes": notes,
            "targets": [{"name": "exact HVP (with the gradient) / one gradient, worst setting", "target": "≤ 3×",
                         "value": round(worst, 3), "met": bool(worst <= 3)}]}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few repeats and examples: seconds")
    args = parser.parse_args()
    section = bench_nets(QUICK if args.quick else {})
    print(json.dumps(section, indent=1, ensure_ascii=False))
