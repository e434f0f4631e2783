r"""Exponentially weighted moving averages (chapter 4), the building block of momentum, RMSProp and Adam.

With S₀ = 0,

    S_t = β S_{t−1} + (1 − β) Y_t = (1 − β) Σ_{k=1}^{t} β^{t−k} Y_k,

whose weights sum to 1 − βᵗ, so the bias-corrected average is Ŝ_t = S_t / (1 − βᵗ). Starting instead from
S₁ = Y₁ (``init="first"``) needs no correction. The effective window is about 1/(1 − β) samples and the mean lag
β/(1 − β).
"""

import numpy as np

from . import _args


def ewma(y, beta, bias_correction=False, init="zero"):
    """EWMA of the series `y` along its first axis; returns an array shaped like `y`.

    `y`: finite real numbers, shape (T, ...) with T ≥ 1; `beta`: a decay rate in [0, 1), or an array of them that
    broadcasts against ``y[0]``; ``bias_correction``: True or False.
    ``init="zero"``: S₀ = 0 (as inside optimizers), optionally divided by 1 − βᵗ.
    ``init="first"``: S₁ = Y₁, no correction (and ``bias_correction=True`` is refused: it would be wrong).
    """
    series = _args.real_array("y", y)
    if series.ndim == 0 or len(series) == 0:
        raise ValueError(f"y must be a non-empty series (an array with a first axis); got {_args.describe(y)}")
    y = series
    beta = _args.decay_rate("beta", beta)
    bias_correction = _args.flag("bias_correction", bias_correction)
    init = _args.choice("init", init, ("zero", "first"))
    try:
        np.broadcast_shapes(y.shape[1:], np.shape(beta))
    except ValueError:
        raise ValueError(f"beta has shape {np.shape(beta)}, which does not broadcast against one observation "
                         f"y[0] of shape {y.shape[1:]}") from None
    if init == "first" and bias_correction:
        raise ValueError("bias_correction=True with init='first' would divide an unbiased average by 1 - beta**t; "
                         "use init='zero' for bias correction")
    avg = EWMA(beta, bias_correction=bias_correction)
    out = np.empty((len(y),) + np.broadcast_shapes(y.shape[1:], np.shape(beta)))
    start = 0
    if init == "first":
        avg.average = np.broadcast_to(y[0], out.shape[1:]).astype(float)
        avg.t = 1
        out[0] = avg.average
        start = 1
    for t in range(start, len(y)):
        out[t] = avg.update(y[t])
    return out


class EWMA:
    """A streaming EWMA: ``update(y)`` folds in one observation and returns the (corrected) average.

    The state ``average`` is allocated at the first update with the broadcast shape of `y` and `beta`, then updated
    in place: S ← β S + (1 − β) Y. `beta` is a decay rate in [0, 1) or a non-empty array of them;
    ``bias_correction`` is True or False.
    """

    def __init__(self, beta, bias_correction=False):
        self.beta = _args.decay_rate("beta", beta)
        self.bias_correction = _args.flag("bias_correction", bias_correction)
        self.reset()

    def reset(self):
        self.average = None
        self.t = 0

    def update(self, y, scratch=None):
        """Fold in `y` and return the (corrected) average. ``scratch``, optional and possibly `y` itself, is an
        array shaped like the average that receives (1 − β)·Y, so that a large update allocates nothing.

        `y`: real numbers (non-finite ones are carried along) whose shape broadcasts against `beta` and, after the
        first update, against the average without enlarging it. A call that raises changes nothing.
        """
        y = _args.real_array("y", y, finite=False)
        if y.size == 0:
            raise ValueError(f"y must be a number or a non-empty array; got {_args.describe(y)}")
        shape = self._shape(y)
        if scratch is not None and (not isinstance(scratch, np.ndarray) or scratch.shape != shape
                                    or scratch.dtype.kind != "f" or not scratch.flags.writeable):
            raise ValueError(f"scratch must be a writeable float array of shape {shape}; got "
                             f"{_args.describe(scratch)}")
        if self.average is None:
            self.average = np.zeros(shape, dtype=y.dtype)
        self.t += 1
        self.average *= self.beta
        self.average += np.multiply(1 - self.beta, y, out=scratch)
        return self.value

    def _shape(self, y):
        """The shape of the average after folding in `y`, or ValueError if `y` does not fit."""
        if self.average is not None and y.shape == self.average.shape:  # every step of an optimizer: no broadcasting
            return y.shape
        fixed = np.shape(self.beta) if self.average is None else self.average.shape
        try:
            shape = np.broadcast_shapes(y.shape, fixed)
        except ValueError:
            shape = None
        if shape is None or (self.average is not None and shape != fixed):
            what = "beta" if self.average is None else "the average of the earlier updates"
            raise ValueError(f"y has shape {y.shape}, which does not broadcast against {what}, shape {fixed}; "
                             "call reset() to start again on another shape")
        return shape

    @property
    def value(self):
        """Ŝ_t = S_t / (1 − βᵗ) with bias correction, else S_t."""
        if self.bias_correction:
            return self.average / self.correction
        return self.average

    @property
    def correction(self):
        """1 − βᵗ, the total weight the average has given to observations so far."""
        return 1 - self.beta**self.t
