"""The HTML players of descent.plots (animations, parameter sliders): offline, accessible, light."""

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest

from descent import functions, plots

BOWL = functions.Quadratic(np.diag([1.0, 4.0]))
PATH = 1.0 - 0.1 * np.cumsum(np.ones((12, 2)), axis=0)


def frames(html):
    return re.findall(r'frames\[\d+\] = "data:image/(\w+);base64', html)


def img_tag(html):
    return re.search(r"<img [^>]*>", html).group(0)


def test_animate_is_offline_jpeg_and_has_alt_text():
    html = plots.animate(BOWL, [PATH], labels=["GD"], frames=6, title="Demo").data
    assert "https://" not in html and "fa fa-" not in html  # no icon font from a CDN
    assert set(frames(html)) == {"jpeg"} and len(frames(html)) == 6
    assert 'alt="Demo: animation of the optimizer paths of GD' in img_tag(html)
    assert 'aria-label="Animation frame"' in html


def test_animate_uses_given_alt_text_escaped():
    html = plots.animate(BOWL, [PATH], frames=3, alt='paths "a" & b').data
    assert 'alt="paths &quot;a&quot; &amp; b"' in img_tag(html)


def test_parameter_slider_has_one_frame_per_value():
    seen = []

    def draw(ax, lr):
        seen.append(lr)
        plots.contour(BOWL, ax=ax, n=40)
        ax.set_title(f"α = {lr}")

    html = plots.parameter_slider(draw, [0.1, 0.2, 0.4], alt="contours for three α", name="α").data
    assert len(frames(html)) == 3 and set(seen) == {0.1, 0.2, 0.4}
    assert 'alt="contours for three α"' in img_tag(html)
    assert 'aria-label="α: 3 values from 0.1 to 0.4"' in html
    assert "https://" not in html


def test_parameter_slider_rejects_bad_input():
    with pytest.raises(ValueError, match="values"):
        plots.parameter_slider(lambda ax, v: None, [], alt="x")
    with pytest.raises(TypeError, match="draw"):
        plots.parameter_slider("not a function", [1], alt="x")


def test_seed_curves_draws_every_seed_and_the_mean():
    fig, ax = plt.subplots()
    values = np.array([[1.0, 3.0], [2.0, np.nan]])
    line = plots.seed_curves(ax, [0, 1], values, label="SGD")
    assert len(ax.lines) == 3 and line.get_label() == "SGD"
    np.testing.assert_array_equal(line.get_ydata(), [2.0, np.nan])   # a diverged seed is not averaged away
    with pytest.raises(ValueError, match="values must have shape"):
        plots.seed_curves(ax, [0, 1, 2], values, label="SGD")
    plt.close(fig)
