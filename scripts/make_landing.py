"""Draw the landing page's figure: the book's optimizers racing down the Rosenbrock valley, the wrong Adam among them.

    python scripts/make_landing.py     # writes _ext/static/landing.png (intro.md shows it)

Every number comes from `descent`: each optimizer runs 500 steps from (−1.5, 2.5) at the learning rate that ends
lowest on a grid of 26 rates from 1e-5 to 1 among those whose loss never rises above its start (all 26 run at once,
one sweep per optimizer). "Adam, written back" is
the famous broken Adam that stores its bias-corrected moments in its state (chapter 7): its second moment explodes
and it freezes on the slope. The file is committed; re-run the script after changing `descent` or the design.
"""

import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import descent  # noqa: E402
from descent import buggy, functions, plots  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
START, STEPS, GRID = np.array([-1.2, 1.0]), 500, np.logspace(-5, 0, 26)
OPTIMIZERS = {
    "GD": descent.SGD,
    "Momentum": descent.Momentum,
    "Nesterov": descent.Nesterov,
    "AdaGrad": descent.AdaGrad,
    "RMSProp": descent.RMSProp,
    "Adam": descent.Adam,
    "Adam, written back": buggy.AdamWrittenBack,
}


def best_run(make, fn):
    """The run that ends lowest among the learning rates of GRID whose loss never rises above its start."""
    sweep = descent.run(make(GRID[:, None]), fn, np.tile(START, (len(GRID), 1)), steps=STEPS)
    stable = np.all(sweep.values <= sweep.values[0], axis=0)  # NaN (diverged) compares False
    final = np.where(stable, sweep.values[-1], np.inf)
    lr = float(GRID[np.argmin(final)])
    return lr, descent.run(make(lr), fn, START, steps=STEPS)


def race():
    fn = functions.Rosenbrock()
    return fn, {name: best_run(make, fn) for name, make in OPTIMIZERS.items()}


def draw(fn, runs):
    plots.use_style()
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.0, 4.4), gridspec_kw={"width_ratios": [1, 1.15]})
    plots.contour(fn, ax=left, minimizers=False)
    for i, (name, (lr, traj)) in enumerate(runs.items()):
        wrong = "written back" in name
        line = {"color": "black" if wrong else plots.PALETTE[i], "ls": "--" if wrong else "-", "lw": 1.5}
        left.plot(traj.xs[:, 0], traj.xs[:, 1], **line)
        left.plot(*traj.xs[-1], marker="o", ms=5, mec="white", color=line["color"])
        right.plot(traj.values, label=f"{name} (α = {lr:.2g})", **line)
    left.plot(*START, "ko", ms=6)
    left.plot(*fn.minimizers[0], marker="*", ms=14, color="white", mec="black")
    left.set(xlabel="θ₁", ylabel="θ₂", title="Paths from ● to ★")
    right.set(yscale="log", xlabel="step", ylabel="loss f(θ)", title=f"Loss over {STEPS} steps")
    fig.legend(*right.get_legend_handles_labels(), loc="outside lower center", ncol=2, frameon=False)
    return fig


def check_caption(runs):
    """What intro.md's caption says: the written-back Adam freezes, and ends above every other optimizer."""
    wrong = runs["Adam, written back"][1].values
    assert abs(wrong[-1] - wrong[100]) < 0.01 * wrong[100], "the written-back Adam still moves after step 100"
    assert all(wrong[-1] > traj.values[-1] for name, (_, traj) in runs.items() if "written back" not in name)


def main():
    fn, runs = race()
    check_caption(runs)
    fig = draw(fn, runs)
    fig.savefig(ROOT / "_ext" / "static" / "landing.png", dpi=100)  # _ext/ is copied into the student edition
    for name, (lr, traj) in runs.items():
        print(f"{name:20} α = {lr:.3g}  f after {STEPS} steps = {traj.values[-1]:.3g}")


if __name__ == "__main__":
    main()
