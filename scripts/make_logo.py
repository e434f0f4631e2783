"""Draw the book's logo and favicon: a gradient-descent path zig-zagging down an elongated valley.

    python scripts/make_logo.py        # writes logo.png (sidebar) and favicon.png at the repository root

The path is real: gradient descent on the quadratic f(θ) = (θ₁² + 8θ₂²)/2, computed here with a few lines of numpy
(the logo must not depend on the package). Colours are from the Okabe–Ito palette of `descent.plots`. The files are
small and committed; re-run the script only to change the design.
"""

import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
BLUE, VERMILION, SKY = "#0072B2", "#D55E00", "#56B4E9"
CURVATURE = np.array([1.0, 8.0])


def descent_path(steps=12, lr=0.22, start=(-2.6, 1.1)):
    """Gradient-descent iterates θ ← θ − lr·∇f(θ) on the quadratic above (lr·8 = 1.76 < 2: θ₂ zig-zags in)."""
    theta, path = np.array(start), [np.array(start)]
    for _ in range(steps):
        theta = theta - lr * CURVATURE * theta
        path.append(theta)
    return np.array(path)


def draw(size_px, lw, ms, star, contours=True):
    """One square figure of `size_px` pixels: elliptic contours, the path, and a star at the minimum."""
    fig = plt.figure(figsize=(1, 1), dpi=size_px)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set(xlim=(-2.9, 1.1), ylim=(-1.5, 1.5))  # stretched vertically so the zig-zag fills the square
    if contours:
        u, w = np.meshgrid(np.linspace(-3, 3, 200), np.linspace(-3, 3, 200))
        ax.contour(u, w, (u**2 + CURVATURE[1] * w**2) / 2, levels=[0.15, 0.6, 1.4, 2.5, 3.9], colors=SKY,
                   linewidths=lw * 0.45)
    path = descent_path()
    ax.plot(path[:, 0], path[:, 1], color=BLUE, lw=lw, solid_capstyle="round")
    if ms:
        ax.plot(path[:, 0], path[:, 1], "o", color=BLUE, ms=ms, mec="white", mew=ms * 0.15)
    ax.plot([0], [0], marker="*", color=VERMILION, ms=star, mec="white", mew=star * 0.04)
    return fig


def main():
    for name, size, lw, ms, star, contours in [("logo.png", 160, 2.6, 4.0, 16, True),
                                               ("favicon.png", 32, 2.4, 0, 11, False)]:
        fig = draw(size, lw, ms, star, contours)
        fig.savefig(ROOT / name, transparent=True, metadata={"Software": None})
        plt.close(fig)
        print(f"{name}: {(ROOT / name).stat().st_size} bytes")


if __name__ == "__main__":
    main()
