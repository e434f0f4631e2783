"""Argument checks shared by the package: each raises a message that names the argument, its value and what is allowed."""

import numbers

import numpy as np


def _show(value):
    arr = np.asarray(value)
    if arr.ndim == 0:
        return repr(value)
    bad = arr.size - np.count_nonzero(np.isfinite(arr))
    if bad:
        return f"an array of shape {arr.shape} with {bad} non-finite entries"
    return f"an array of shape {arr.shape} (min {arr.min():.3g}, max {arr.max():.3g})"


def real_array(name, value):
    """`value` as a float array (float32 stays float32); TypeError unless it is a real number or an array of them."""
    arr = np.asarray(value) if not isinstance(value, (str, bytes)) else None
    if arr is None or arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be a real number or an array of real numbers; got {value!r}")
    arr = arr if arr.dtype.kind == "f" else arr.astype(float)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite; got {_show(value)}")
    return arr


def positive(name, value):
    """A number or array whose entries are all > 0."""
    arr = real_array(name, value)
    if not np.all(arr > 0):
        raise ValueError(f"{name} must be > 0; got {_show(value)}")
    return arr if arr.ndim else float(arr)


def nonnegative(name, value):
    """A number or array whose entries are all >= 0."""
    arr = real_array(name, value)
    if not np.all(arr >= 0):
        raise ValueError(f"{name} must be >= 0; got {_show(value)}")
    return arr if arr.ndim else float(arr)


def decay_rate(name, value):
    """A decay rate β in [0, 1): 0 forgets at once, values near 1 remember long."""
    arr = real_array(name, value)
    if not np.all((arr >= 0) & (arr < 1)):
        raise ValueError(f"{name} must be in [0, 1); got {_show(value)}")
    return arr if arr.ndim else float(arr)


def positive_int(name, value, minimum=1):
    """An integer >= minimum (bools are refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {minimum}; got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def finite_point(name, value):
    """Parameters: a float array (at least 1-D) with finite entries."""
    return np.atleast_1d(real_array(name, value)).copy()


def same_shape(name, value, shape):
    """A float array of exactly `shape`."""
    arr = np.asarray(value)
    if arr.shape != tuple(shape):
        raise ValueError(f"{name} must have the shape of x, {tuple(shape)}; got shape {arr.shape}")
    return arr


def broadcasts_to(name, value, shape):
    """Check that a hyper-parameter broadcasts against parameters of `shape` without enlarging them."""
    vshape = np.shape(value)
    try:
        out = np.broadcast_shapes(vshape, tuple(shape))
    except ValueError:
        out = None
    if out != tuple(shape):
        raise ValueError(
            f"{name} has shape {vshape}, which does not broadcast against x of shape {tuple(shape)}; "
            f"use a number, or an array such as shape {tuple(shape[:1]) + (1,) * (len(shape) - 1)} for a sweep"
        )
