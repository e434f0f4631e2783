"""The forest plot of intervals and paired differences (descent.plots.intervals)."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from descent import evidence, plots  # noqa: E402


def test_one_row_per_estimate_with_its_interval_as_the_bar():
    a, b = [0.2, 0.25, 0.22, 0.21], [0.3, 0.31, 0.33, 0.29]
    estimates = {"A − B": evidence.paired(a, b, ("A", "B")), "A": evidence.interval(a)}
    fig, ax = plt.subplots()
    plots.intervals(estimates, ax=ax, xlabel="difference")
    labels = {t.get_text(): t.get_position()[1] for t in ax.get_yticklabels()}
    assert labels == {"A − B": 1.0, "A": 0.0}  # the first entry on top
    (line,) = [c for c in ax.get_children() if isinstance(c, matplotlib.lines.Line2D) and c.get_marker() == "o"]
    paired = evidence.paired(a, b)
    np.testing.assert_allclose(line.get_xdata(), [paired.interval.mean, np.mean(a)])
    segments = ax.collections[0].get_segments()  # the error bars, in row order
    np.testing.assert_allclose(segments[0][:, 0], [paired.interval.low, paired.interval.high])
    assert ax.get_xlabel() == "difference"
    plt.close(fig)


def test_reference_line_is_optional():
    fig, ax = plt.subplots()
    plots.intervals({"A": evidence.interval([0.9, 0.92, 0.91])}, ax=ax, reference=None)
    assert not [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    plots.intervals({"A": evidence.interval([0.9, 0.92, 0.91])}, ax=ax)
    assert [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    plt.close(fig)
