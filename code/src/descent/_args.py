"""Argument checks shared by the package.

Each check raises TypeError (wrong kind of value) or ValueError (right kind, wrong value) with a message that names
the argument, says what was given and what is allowed, and it raises before anything is changed: a call of
:mod:`descent` that fails leaves every object as it was.
"""

import contextlib
import copy
import numbers

import numpy as np

REAL = "a real number or an array of real numbers (floats or integers; not bool, complex or text)"


def describe(value):
    """A short description of `value` for an error message: its repr when short, else its dtype, shape and range."""
    if isinstance(value, type):
        return f"the class {value.__name__} (not an instance of it)"
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, np.ndarray) or (isinstance(value, (list, tuple)) and len(repr(value)) > 60):
        try:
            arr = np.asarray(value)
        except ValueError:
            return f"a ragged {type(value).__name__} of length {len(value)}"
        text = f"an array of dtype {arr.dtype} and shape {arr.shape}"
        if arr.dtype.kind in "iuf" and arr.size:
            bad = arr.size - np.count_nonzero(np.isfinite(arr))
            text += f" with {bad} non-finite entries" if bad else f" (min {arr.min():.3g}, max {arr.max():.3g})"
        return text
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def array(value):
    """``np.asarray(value)``, or an object array for text and ragged lists (which a dtype check then refuses)."""
    if isinstance(value, (str, bytes)):
        return np.asarray(value, dtype=object)
    try:
        return np.asarray(value)
    except (ValueError, TypeError):
        return np.asarray(None, dtype=object)


def real_array(name, value, finite=True):
    """`value` as an array of real numbers: floats keep their dtype (float32 stays float32), integers become float64.

    TypeError for bool, complex, text, object or ragged input; ValueError for a non-finite entry when `finite`.
    """
    if not finite and isinstance(value, np.ndarray) and value.dtype.kind == "f":  # every step of every run
        return value
    arr = array(value)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be {REAL}; got {describe(value)}")
    arr = arr if arr.dtype.kind == "f" else arr.astype(float)
    if finite and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite; got {describe(value)}")
    return arr


def number(name, value, check=real_array):
    """One finite real number, as a float; `check` (e.g. :func:`positive`) also constrains its range."""
    arr = check(name, value)
    if np.ndim(arr):
        raise TypeError(f"{name} must be one real number; got {describe(value)}")
    return float(arr)


def nonempty(name, value):
    """A number or a non-empty array of finite real numbers (of any sign), as an array."""
    arr = real_array(name, value)
    if arr.size == 0:
        raise ValueError(f"{name} must be a number or a non-empty array; got {describe(value)}")
    return arr


def positive(name, value):
    """A number or a non-empty array whose entries are all finite and > 0."""
    arr = nonempty(name, value)
    if not np.all(arr > 0):
        raise ValueError(f"{name} must be > 0; got {describe(value)}")
    return arr if arr.ndim else float(arr)


def nonnegative(name, value):
    """A number or a non-empty array whose entries are all finite and >= 0."""
    arr = nonempty(name, value)
    if not np.all(arr >= 0):
        raise ValueError(f"{name} must be >= 0; got {describe(value)}")
    return arr if arr.ndim else float(arr)


def decay_rate(name, value):
    """A decay rate β in [0, 1) (a number or a non-empty array): 0 forgets at once, values near 1 remember long."""
    arr = nonempty(name, value)
    if not np.all((arr >= 0) & (arr < 1)):
        raise ValueError(f"{name} must be in [0, 1); got {describe(value)}")
    return arr if arr.ndim else float(arr)


def positive_int(name, value, minimum=1):
    """An integer >= minimum (bools are refused)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {minimum}; got {describe(value)}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def flag(name, value):
    """A real boolean, True or False: a truthy string such as 'no' must not switch a variant on."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {describe(value)}")
    return bool(value)


def choice(name, value, allowed):
    """One of the option strings `allowed`."""
    if not isinstance(value, str) or value not in allowed:
        names = [repr(a) for a in allowed]
        options = " or ".join(names) if len(names) == 2 else "one of " + ", ".join(names)
        raise ValueError(f"{name} must be {options}; got {describe(value)}")
    return value


def fraction(name, value):
    """A fraction strictly between 0 and 1 (ValueError for anything else, text and bools included)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not 0 < value < 1:
        raise ValueError(f"{name} must be a fraction strictly between 0 and 1; got {describe(value)}")
    return float(value)


def finite_point(name, value):
    """Parameters: a non-empty float array (at least 1-D) with finite entries, copied."""
    arr = np.atleast_1d(real_array(name, value))
    if arr.size == 0:
        raise ValueError(f"{name} must hold at least one coordinate; got {describe(value)}")
    return arr.copy()


def same_shape(name, value, shape):
    """An array of real numbers of exactly `shape` (non-finite entries allowed: a diverging run has them)."""
    arr = real_array(name, value, finite=False)
    if arr.shape != tuple(shape):
        raise ValueError(f"{name} must have the shape of x, {tuple(shape)}; got shape {arr.shape}")
    return arr


def optimizer(name, value):
    """An optimizer instance: an object with ``step`` and ``reset`` (a descent optimizer or a learner's own)."""
    if not (callable(getattr(value, "step", None)) and callable(getattr(value, "reset", None))) or isinstance(
            value, type):
        raise TypeError(f"{name} must be a descent optimizer such as descent.SGD(lr=0.1) (or any object with "
                        f"step(x, grad) and reset()); got {describe(value)}")
    return value


def broadcasts_to(name, value, shape, against="x"):
    """Check that a hyper-parameter broadcasts against parameters (`against`) of `shape` without enlarging them."""
    vshape = np.shape(value)
    try:
        out = np.broadcast_shapes(vshape, tuple(shape))
    except ValueError:
        out = None
    if out != tuple(shape):
        raise ValueError(
            f"{name} has shape {vshape}, which does not broadcast against {against} of shape {tuple(shape)}; "
            f"use a number, or an array such as shape {tuple(shape[:1]) + (1,) * (len(shape) - 1)} for a sweep"
        )


def writeable_out(out, shape):
    """ValueError unless `out` is None or a writeable float array of `shape` (where a step may write θ)."""
    if out is not None and (not isinstance(out, np.ndarray) or out.shape != shape or out.dtype.kind != "f"
                            or not out.flags.writeable):
        raise ValueError(f"out must be a writeable float array of the shape of x, {shape}; got {describe(out)}")


@contextlib.contextmanager
def unchanged_on_error(opt):
    """Put `opt` back exactly as it was if the body raises TypeError or ValueError: a refused call changes nothing,
    even when the error surfaces after some steps (a loss function that fails at step 3)."""
    saved = copy.deepcopy(vars(opt))
    try:
        yield
    except (TypeError, ValueError):
        vars(opt).clear()
        vars(opt).update(saved)
        raise
