import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from descent import evidence, plots  # noqa: E402


def test_over_seeds_draws_means_with_t_intervals_and_circles_the_choice():
    x = np.array([0.1, 1.0, 10.0])
    results = np.array([[1.0, 2.0, 3.0], [2.0, 2.0, 2.0], [0.0, 4.0, 8.0]])
    fig, ax = plt.subplots()
    plots.over_seeds(x, results, ax=ax, index=1, label="SGD", chosen=1.0)
    bars = ax.containers[0]
    np.testing.assert_allclose(bars.lines[0].get_ydata(), results.mean(axis=1))
    top = bars.lines[1][1].get_ydata() if len(bars.lines[1]) > 1 else None
    expected = [evidence.interval(row).high for row in results]
    np.testing.assert_allclose(np.sort(top), np.sort(expected))
    circle = ax.lines[-1]
    assert circle.get_xdata()[0] == 1.0 and circle.get_ydata()[0] == 2.0
    plt.close(fig)


@pytest.mark.parametrize("x, results, chosen, match", [
    ([1.0, 2.0], np.ones((3, 4)), None, "shape"),
    ([1.0, 2.0], np.ones((2, 4)), 3.0, "chosen"),
])
def test_over_seeds_rejects_bad_input(x, results, chosen, match):
    with pytest.raises(ValueError, match=match):
        plots.over_seeds(x, results, chosen=chosen)
    plt.close("all")
