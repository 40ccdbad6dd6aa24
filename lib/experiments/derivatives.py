"""The experiments of the Derivatives chapter.

* :data:`FUNCTIONS` -- the functions the chapter differentiates: ``sin`` and every activation, each
  with its derivative;
* :func:`derivative_maximum` -- the largest value of f' on a fine grid, where, and what kind of maximum;
* :func:`difference_errors`, :func:`error_curves` -- the error of forward and central differences
  against the step h, in float64 or float32 (:func:`estimate_derivative` is one estimate);
* :func:`best_central_step` -- the step with the smallest central-difference error (the reference of
  the best-h exercise).

The figures are in ``lib.views.derivatives``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..activations import ACTIVATIONS
from ..derivatives import numerical_derivative

#: Functions the chapter differentiates: name -> (f, f'). ``sin`` first, then every activation.
FUNCTIONS = {"sin": (np.sin, np.cos)}
FUNCTIONS.update({name: (f, f.derivative) for name, f in ACTIVATIONS.items()})

#: The fine grid on which :func:`derivative_maximum` looks for the maximum (step 1e-4, holds 0).
FINE_GRID = np.linspace(-10.0, 10.0, 200001)

#: The steps h of the error curves (:func:`error_curves`): 1e-12 to 1, eight per decade.
ERROR_STEPS = np.logspace(-12, 0, 97)

#: The steps scanned to find the best h for central differences of sin at 1 in float64.
H_GRID = np.logspace(-12, 0, 121)


def derivative_maximum(name: str, x=None, **params) -> dict:
    """The maximum of ``ACTIVATIONS[name].derivative`` on a grid, where it is reached, and its kind.

    Returns a dict with ``max``, ``at`` (the first grid point reaching it) and ``kind``: ``"constant"``
    (f' the same everywhere), ``"plateau"`` (reached on many grid points, e.g. ReLU for every x > 0;
    then ``at`` is the first one), ``"edge"`` (at the end of the grid: still rising, the true supremum is
    only approached as x grows) or ``"peak"`` (one isolated maximum).

    Examples
    --------
    >>> m = derivative_maximum("sigmoid")
    >>> print(f"{m['max']:.4f} at {m['at']:.4f} ({m['kind']})")
    0.2500 at 0.0000 (peak)
    >>> derivative_maximum("relu")["kind"], derivative_maximum("linear")["kind"]
    ('plateau', 'constant')
    """
    x = FINE_GRID if x is None else np.asarray(x, dtype=float)
    d = ACTIVATIONS[name].derivative(x, **params)
    top = float(np.max(d))
    i = int(np.argmax(d))
    ties = int(np.count_nonzero(d == top))
    if ties == d.size:
        kind = "constant"
    elif ties > 1:
        kind = "plateau"
    elif i in (0, d.size - 1):
        kind = "edge"
    else:
        kind = "peak"
    return {"max": top, "at": float(x[i]), "kind": kind}


def estimate_derivative(f, x, h: float, method: str = "central") -> float:
    """``numerical_derivative`` as a float; NaN (without a warning) when the step rounds to zero.

    Examples
    --------
    >>> round(estimate_derivative(np.sin, 0.0, 1e-5), 8)
    1.0
    >>> estimate_derivative(np.sin, np.float32(1.0), 1e-9)
    nan
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        value = numerical_derivative(f, x, h=h, method=method)
    value = float(np.asarray(value, dtype=np.float64))
    return value if np.isfinite(value) else float("nan")


def difference_errors(f, df, x0: float, hs, dtype=np.float64) -> dict:
    """Absolute errors of the forward and central differences of ``f`` at ``x0`` for each step in ``hs``.

    ``f`` is evaluated in ``dtype``; the exact derivative ``df(x0)`` in float64. A step so small that
    ``x0 + h`` rounds to ``x0`` gives no estimate: NaN (and no warning).

    Returns ``{"forward": errors, "central": errors, "exact": df(x0)}``.

    Examples
    --------
    >>> e = difference_errors(np.sin, np.cos, 1.0, [1e-2, 1e-5])
    >>> [f"{v:.1e}" for v in e["central"]]
    ['9.0e-06', '1.1e-11']
    >>> bool(np.isnan(difference_errors(np.sin, np.cos, 1.0, [1e-9], np.float32)["forward"][0]))
    True
    """
    exact = float(np.asarray(df(np.float64(x0))))
    x = np.asarray(x0, dtype=dtype)
    out = {"exact": exact}
    for method in ("forward", "central"):
        errors = []
        for h in np.asarray(hs, dtype=float):
            estimate = estimate_derivative(f, x, float(h), method)
            errors.append(abs(estimate - exact))
        out[method] = np.array(errors)
    return out


@lru_cache(maxsize=256)
def error_curves(name: str, x0: float, dtype: str = "float64") -> dict:
    """:func:`difference_errors` of ``FUNCTIONS[name]`` at ``x0`` over :data:`ERROR_STEPS` (cached,
    the last 256; treat the arrays as read-only).

    Examples
    --------
    >>> curves = error_curves("sin", 1.0)
    >>> curves["central"].shape, bool(np.nanmin(curves["central"]) < 1e-10)
    ((97,), True)
    """
    f, df = FUNCTIONS[name]
    return difference_errors(f, df, float(x0), ERROR_STEPS, np.dtype(dtype).type)


def best_central_step(f=np.sin, df=np.cos, x0=1.0, hs=H_GRID) -> float:
    """The step in ``hs`` with the smallest central-difference error of ``f`` at ``x0`` (float64).

    Examples
    --------
    >>> h = best_central_step()
    >>> 1e-7 < h < 1e-4
    True
    """
    exact = float(df(x0))
    errors = [abs(float(numerical_derivative(f, x0, h=h)) - exact) for h in hs]
    return float(hs[int(np.argmin(errors))])
