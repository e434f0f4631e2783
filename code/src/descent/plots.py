"""Figures in one style (all chapters): landscapes with paths, loss curves, animations.

Call :func:`use_style` once at the top of a notebook. Colours are the Okabe–Ito palette, which stays distinguishable
for the common forms of colour blindness; lines also differ by marker so figures read in grey.
"""

from html import escape

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import animation

PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]

# Sizes for the book's text column (720 px at 1280 px): a figure at most 7 in wide at 100 dpi shows at full size,
# and no text is smaller than 10 pt = 13.9 px, the size of the page's small print (13 px).
STYLE = {
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "legend.frameon": False,
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.constrained_layout.use": True,
    "image.cmap": "viridis",
    "animation.embed_limit": 8.0,
}


def use_style():
    """Apply the book's matplotlib style (colour-blind-safe palette, light grid, compact layout)."""
    mpl.rcParams.update(STYLE)


def _axes(ax, **subplots):
    if ax is None:
        _, ax = plt.subplots(**subplots)
    return ax


def _label(fn):
    return type(fn).__name__


def landscape_1d(fn, trajectories=(), labels=None, ax=None, extent=None, n=2000, markers=True):
    """Plot a 1-D landscape f(x) and optionally paths on it (each a :class:`descent.Trajectory` of a single run)."""
    ax = _axes(ax)
    lo, hi = extent or fn.extent
    x = np.linspace(lo, hi, n)
    ax.plot(x, fn.value(x[:, None]), color="0.35", lw=1.2, label="f(x)")
    for i, traj in enumerate(trajectories):
        xs = traj.xs[:, 0]
        label = labels[i] if labels else None
        ax.plot(xs, fn.value(xs[:, None]), color=PALETTE[i % 8], lw=0.8, alpha=0.7,
                marker=MARKERS[i % 8] if markers else None, ms=3, label=label)
        ax.plot(xs[-1:], fn.value(xs[-1:, None]), color=PALETTE[i % 8], marker="*", ms=12, mec="k", ls="")
    ax.set(xlabel="x", ylabel="f(x)", xlim=(lo, hi))
    if labels:
        ax.legend()
    return ax


def contour(fn, ax=None, extent=None, levels=30, log=True, n=300, minimizers=True):
    """Filled contour plot of a 2-D landscape; log-spaced levels by default (valleys stay visible)."""
    ax = _axes(ax)
    x0, x1, y0, y1 = extent or fn.extent
    X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    Z = fn.value(np.stack([X, Y], axis=-1))
    if log:
        Z = np.log10(Z - Z.min() + 1e-3)
    ax.contourf(X, Y, Z, levels=levels, cmap="viridis", alpha=0.85)
    ax.contour(X, Y, Z, levels=levels, colors="white", linewidths=0.3, alpha=0.6)
    if minimizers and len(getattr(fn, "minimizers", ())):
        m = np.asarray(fn.minimizers)
        ax.plot(m[:, 0], m[:, 1], "w*", ms=14, mec="k", ls="", label="minimum")
    ax.set(xlabel="$\\theta_1$", ylabel="$\\theta_2$", xlim=(x0, x1), ylim=(y0, y1), aspect="equal")
    ax.grid(False)
    return ax


def paths(ax, trajectories, labels=None, every=1, ms=3):
    """Draw 2-D paths (single-run trajectories, or arrays of shape (steps, 2)) on `ax`."""
    for i, traj in enumerate(trajectories):
        xs = getattr(traj, "xs", traj)[::every]
        ax.plot(xs[:, 0], xs[:, 1], color=PALETTE[i % 8], marker=MARKERS[i % 8], ms=ms, lw=1.2,
                mec="white", mew=0.4, label=labels[i] if labels else None)
        ax.plot(xs[0, 0], xs[0, 1], "ko", ms=5)
    if labels:
        ax.legend(loc="best", framealpha=0.8, frameon=True)
    return ax


def contour_paths(fn, trajectories, labels=None, ax=None, extent=None, title=None, **kwargs):
    """Contours of `fn` with the paths of several runs: the standard picture of the book."""
    ax = contour(fn, ax=ax, extent=extent, **kwargs)
    paths(ax, trajectories, labels)
    if title:
        ax.set_title(title)
    return ax


def loss_curves(curves, ax=None, log=True, xlabel="step", ylabel="loss", title=None):
    """Plot curves given as {label: values}; log y-axis by default."""
    ax = _axes(ax)
    for i, (label, values) in enumerate(curves.items()):
        ax.plot(np.arange(len(values)), values, color=PALETTE[i % 8], lw=1.5, label=label)
    if log:
        ax.set_yscale("log")
    ax.set(xlabel=xlabel, ylabel=ylabel)
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


# matplotlib's player draws its buttons with Font Awesome fetched from a CDN; plain symbols work offline.
_ICONS = {
    '<link rel="stylesheet"\nhref="https://maxcdn.bootstrapcdn.com/font-awesome/4.4.0/css/font-awesome.min.css">': "",
    '<i class="fa fa-minus"></i>': "−", '<i class="fa fa-plus"></i>': "+",
    '<i class="fa fa-fast-backward"></i>': "⇤", '<i class="fa fa-fast-forward"></i>': "⇥",
    '<i class="fa fa-step-backward"></i>': "←", '<i class="fa fa-step-forward"></i>': "→",
    '<i class="fa fa-play fa-flip-horizontal"></i>': "◀", '<i class="fa fa-play"></i>': "▶",
    '<i class="fa fa-pause"></i>': "❙❙",
}


def _alt_text(fn, labels, title):
    """Default alt text of an animation: what it shows, in words."""
    what = f"{title}: " if title else ""
    runs = f" of {', '.join(labels)}" if labels else ""
    where = "the curve" if fn.dim == 1 else "the contours"
    return f"{what}animation of the optimizer paths{runs} drawn step by step over {where} of {_label(fn)}"


def animate(fn, trajectories, labels=None, frames=60, extent=None, interval=80, figsize=(5.5, 4.0), title=None,
            alt=None):
    """An animation of paths appearing step by step over the contours (2-D) or the curve (1-D) of `fn`.

    Returns the self-contained HTML of ``FuncAnimation.to_jshtml()`` wrapped for display: it plays in any browser,
    with no kernel. Frames are JPEG on a coarser contour grid, so 60 frames weigh about 1–2 MB. `alt` is the alt
    text of the frames for screen readers (default: generated from `title`, `labels` and the function's name).
    """
    xs = [getattr(t, "xs", t) for t in trajectories]
    steps = max(len(x) for x in xs)
    idx = np.unique(np.linspace(1, steps, frames).astype(int))
    fig, ax = plt.subplots(figsize=figsize)
    if fn.dim == 1:
        landscape_1d(fn, ax=ax, extent=extent)
        lines = [ax.plot([], [], color=PALETTE[i % 8], marker=MARKERS[i % 8], ms=4, lw=0.8,
                         label=labels[i] if labels else None)[0] for i in range(len(xs))]
        coords = [(x[:, 0], fn.value(x[:, :1])) for x in xs]
    else:
        contour(fn, ax=ax, extent=extent, n=120)
        lines = [ax.plot([], [], color=PALETTE[i % 8], marker=MARKERS[i % 8], ms=3, lw=1.2, mec="white",
                         mew=0.4, label=labels[i] if labels else None)[0] for i in range(len(xs))]
        coords = [(x[:, 0], x[:, 1]) for x in xs]
    if labels:
        ax.legend(loc="upper right", framealpha=0.8, frameon=True)
    text = ax.text(0.02, 0.95, "", transform=ax.transAxes, fontsize=10,
                   bbox=dict(facecolor="white", alpha=0.8, edgecolor="none"))
    if title:
        ax.set_title(title)

    def draw(k):
        for line, (u, v) in zip(lines, coords):
            line.set_data(u[:k], v[:k])
        text.set_text(f"step {k - 1}")
        return lines

    fig.canvas.draw()  # lay the figure out once: constrained layout on every frame would triple the time
    fig.set_layout_engine("none")
    anim = animation.FuncAnimation(fig, draw, frames=idx, interval=interval, blit=False)
    return _player(fig, anim, alt or _alt_text(fn, labels, title))


def _player(fig, anim, alt, slider_label="Animation frame"):
    """The to_jshtml player of `anim` (JPEG frames), offline (no icon font) and labelled for screen readers."""
    from IPython.display import HTML

    with mpl.rc_context({"animation.frame_format": "jpeg"}):
        html = anim.to_jshtml(default_mode="once")
    plt.close(fig)
    for icon, symbol in _ICONS.items():
        html = html.replace(icon, symbol)
    html = html.replace('<img id="_anim_img', f'<img alt="{escape(alt)}" id="_anim_img', 1)
    html = html.replace('class="anim-slider"', f'class="anim-slider" aria-label="{escape(slider_label)}"', 1)
    return HTML(html)


def parameter_slider(draw, values, alt, name="value", figsize=(5.5, 4.0), interval=700):
    """A precomputed slider over a parameter: the static counterpart of an ipywidgets explorer, with no kernel.

    `draw(ax, value)` draws one picture on an empty axes; it is called once per entry of `values` (keep it to
    ≤ ~20 values: each frame is a JPEG of about 30–60 kB). Returns the same self-contained player as
    :func:`animate`: its slider moves through the values, its buttons step or play through them. `alt` says what
    the frames show (screen readers); `name` labels the slider, e.g. "learning rate α".
    """
    values = list(values)
    if not values:
        raise ValueError("values: give at least one parameter value")
    if not callable(draw):
        raise TypeError("draw: expected a function draw(ax, value)")
    fig, ax = plt.subplots(figsize=figsize)
    draw(ax, values[0])
    fig.canvas.draw()  # lay out once, on the first value, and keep that layout for every frame
    fig.set_layout_engine("none")

    def frame(k):
        ax.clear()
        draw(ax, values[k])
        return []

    anim = animation.FuncAnimation(fig, frame, frames=len(values), interval=interval, blit=False)
    return _player(fig, anim, alt, slider_label=f"{name}: {len(values)} values from {values[0]} to {values[-1]}")


def seed_curves(ax, x, values, label, color=PALETTE[0], marker=None, **style):
    """Draw one result over seeds: every seed's curve thin and the mean over seeds bold (the evidence standard's
    picture). `values` has shape (len(x), seeds); a seed that diverged (NaN) leaves a gap in its own curve and in
    the mean, rather than being averaged away. Returns the line of the mean, which carries `label`."""
    values = np.asarray(values, dtype=float)
    x = np.asarray(x)
    if values.ndim != 2 or values.shape[0] != x.shape[0]:
        raise ValueError(f"values must have shape (len(x), seeds) = ({x.shape[0]}, seeds); got shape {values.shape}")
    ax.plot(x, values, color=color, lw=0.6, alpha=0.45)
    return ax.plot(x, values.mean(axis=1), color=color, marker=marker, lw=1.8, label=label, **style)[0]


def over_seeds(x, results, ax=None, index=0, label=None, chosen=None):
    """Results over seeds against a setting x: the mean of each row of `results` (shape (len(x), seeds)) with its
    95 % t interval (:func:`descent.evidence.interval`) as error bars, in colour and marker `index`; the point at
    x = `chosen` (e.g. the learning rate picked on validation) is circled. Returns the axes."""
    from .evidence import interval

    x, results = np.asarray(x, dtype=float), np.asarray(results, dtype=float)
    if x.ndim != 1 or results.shape[:1] != x.shape or results.ndim != 2:
        raise ValueError(f"results must have shape (len(x), seeds) = ({x.size}, seeds); got {results.shape}")
    ax = _axes(ax)
    bands = [interval(row) for row in results]
    mean = np.array([b.mean for b in bands])
    err = np.abs(np.array([[b.low, b.high] for b in bands]).T - mean)
    colour = PALETTE[index % len(PALETTE)]
    ax.errorbar(x, mean, yerr=err, marker=MARKERS[index % len(MARKERS)], color=colour, capsize=2, label=label)
    if chosen is not None:
        at = np.flatnonzero(np.isclose(x, chosen))
        if at.size == 0:
            raise ValueError(f"chosen must be one of the x values; got {chosen!r}")
        ax.plot(x[at[0]], mean[at[0]], "o", ms=12, mfc="none", color=colour)
    return ax


def intervals(estimates, ax=None, reference=0.0, offset=0.0, color=None, marker="o", label=None, xlabel=None):
    """A forest plot: one row per entry of ``{name: Interval or Paired}`` (from :mod:`descent.evidence`), the mean
    as a marker and its 95 % interval as a bar, with a dotted vertical line at `reference` (0: no difference;
    None: no line).
    Draw a second set with another `offset` (rows are 1 apart) and `label` to compare two studies."""
    ax = _axes(ax)
    names = list(estimates)
    values = [getattr(e, "interval", e) for e in estimates.values()]
    rows = np.arange(len(names))[::-1] + offset
    means = np.array([v.mean for v in values])
    bars = np.array([[v.mean - v.low for v in values], [v.high - v.mean for v in values]])
    ax.errorbar(means, rows, xerr=bars, fmt=marker, color=color or PALETTE[0], capsize=3, label=label)
    if reference is not None:
        ax.axvline(reference, color="0.4", lw=1, ls=":")
    ax.set_yticks(np.arange(len(names))[::-1], names)
    ax.locator_params(axis="x", nbins=4)  # long tick labels such as −0.025 need room
    if xlabel:
        ax.set_xlabel(xlabel)
    return ax

