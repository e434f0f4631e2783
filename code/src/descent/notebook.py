"""What every chapter notebook calls: its setup, `glue` to quote results in the prose, and a timer."""

import matplotlib.pyplot as plt
import numpy as np
from threadpoolctl import threadpool_limits

from . import plots


def setup():
    """Apply the book's figure style, show numpy scalars as plain numbers, and use one BLAS thread.

    - numpy 2 writes a scalar as ``np.float64(0.2)`` where numpy 1 wrote ``0.2``. The chapters quote results in
      their prose through myst-nb ``glue``, which needs the plain form, and it reads better in outputs too, so the
      notebooks use numpy's documented ``legacy="1.25"`` printing for scalars.
    - The book's matrices are small: a multi-threaded BLAS spends more time coordinating threads than multiplying
      (10–40× slower on a busy 2-core machine), so the notebooks run BLAS on one thread.
    """
    plots.use_style()
    np.set_printoptions(legacy="1.25")
    threadpool_limits(limits=1)


GLUE_PREFIX = "application/papermill.record/"
"""What myst-nb puts before the MIME types of a value glued with ``display=False``."""


def glue(name, value, display=True):
    """Store how `value` displays under `name`, for the book's ``{glue}`` roles and directives.

    myst-nb's own ``glue``, in the format it reads: the display data of `value`, shown as usual with
    ``display=True``, or with its MIME types prefixed by :data:`GLUE_PREFIX` (so nothing shows) with
    ``display=False``; the name goes in the ``scrapbook`` metadata. Importing ``myst_nb.glue`` loads nbformat, two
    seconds of every notebook's run; this needs only IPython, which runs the notebook anyway. A glued matplotlib
    figure is then closed: its image is stored, and the inline backend would draw it again at the end of the cell.
    """
    from IPython.core.formatters import format_display_data
    from IPython.display import display as show

    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty string; got {name!r:.80}")
    if not isinstance(display, bool):
        raise TypeError(f"display must be True or False; got {display!r:.80}")
    bundle, metadata = format_display_data(value)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    show({prefix + mime: data for mime, data in bundle.items()}, raw=True, metadata=metadata)
    if isinstance(value, plt.Figure):
        plt.close(value)


def best_time(fn, repeat=3):
    """The fastest of `repeat` calls of ``fn()``, in seconds of wall-clock time.

    The minimum is the least disturbed by other work on the machine. Timings vary from run to run: the chapters
    show them in figures, never as numbers in their prose.
    """
    import time

    if isinstance(repeat, bool) or not isinstance(repeat, int) or repeat < 1:
        raise ValueError(f"repeat must be a positive integer; got {repeat!r}")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)
