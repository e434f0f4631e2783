"""The first call of every chapter notebook."""

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
