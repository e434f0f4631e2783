"""descent.notebook.best_time: the minimum of several wall-clock timings."""

import numpy as np
import pytest

from descent.notebook import best_time


def test_best_time_calls_the_function_repeat_times_and_returns_a_small_positive_time():
    calls = []
    seconds = best_time(lambda: calls.append(1), repeat=4)
    assert len(calls) == 4
    assert 0 <= seconds < 1


@pytest.mark.parametrize("repeat", [0, -1, 2.5, True, "3"])
def test_best_time_rejects_a_bad_repeat(repeat):
    with pytest.raises(ValueError, match="repeat"):
        best_time(lambda: None, repeat=repeat)


@pytest.fixture(scope="module")
def shell():
    from IPython.core.interactiveshell import InteractiveShell

    return InteractiveShell.instance()


def _outputs(shell, glue, *args, **kwargs):
    from IPython.utils.capture import capture_output

    with capture_output() as captured:
        glue(*args, **kwargs)
    return [(output.data, output.metadata) for output in captured.outputs]


@pytest.mark.parametrize("value", [0.25, "text", np.float64(1e-3), np.arange(3)])
@pytest.mark.parametrize("display", [True, False])
def test_glue_writes_what_myst_nb_glue_writes(shell, value, display):
    from myst_nb import glue as myst_glue

    from descent.notebook import glue

    ours = _outputs(shell, glue, "x", value, display=display)
    assert ours == _outputs(shell, myst_glue, "x", value, display=display)
    assert ours and ours[0][1]["scrapbook"]["name"] == "x"


def test_glue_writes_a_figure_as_myst_nb_does(shell):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from myst_nb import glue as myst_glue

    from descent.notebook import glue

    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1])
    assert _outputs(shell, glue, "fig", fig, display=False) == _outputs(shell, myst_glue, "fig", fig, display=False)
    plt.close(fig)


@pytest.mark.parametrize(("kwargs", "message"), [({"name": ""}, "name must be a non-empty string"),
                                                 ({"name": 3}, "name must be a non-empty string"),
                                                 ({"display": "no"}, "display must be True or False")])
def test_glue_rejects_a_bad_name_or_display(shell, kwargs, message):
    from descent.notebook import glue

    with pytest.raises(TypeError, match=message):
        glue(**{"name": "x", "value": 1, "display": True, **kwargs})


def test_a_glued_figure_is_closed_so_that_it_is_not_drawn_twice(shell):
    import matplotlib.pyplot as plt

    from descent.notebook import glue

    fig, _ = plt.subplots()
    _outputs(shell, glue, "fig", fig, display=False)
    assert not plt.fignum_exists(fig.number)
