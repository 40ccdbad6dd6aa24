"""Argument handling shared by the numeric modules (activations, derivatives, normalization, optim)."""

import numpy as np


def as_float(x):
    """``x`` as a float ndarray: floating dtypes kept, everything else in float64 (complex is refused).

    >>> as_float([1, 2]).dtype, as_float(np.float32(1)).dtype
    (dtype('float64'), dtype('float32'))
    >>> as_float([1j])
    Traceback (most recent call last):
    ...
    TypeError: complex input is not supported
    """
    x = np.asarray(x)
    if x.dtype.kind == "c":
        raise TypeError("complex input is not supported")
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    return x


def positive_finite(value, name, what="number"):
    """``value`` as a float, or a ValueError naming the parameter ``name``.

    >>> positive_finite("0.5", "eps")
    0.5
    >>> positive_finite(0, "h", "step size")
    Traceback (most recent call last):
    ...
    ValueError: h must be a positive finite step size, got h=0
    """
    message = f"{name} must be a positive finite {what}, got {name}={value!r}"
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(message) from None
    if not (np.isfinite(number) and number > 0):
        raise ValueError(message)
    return number
