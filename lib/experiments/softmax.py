"""The experiments of the Softmax chapter.

Nothing here computes softmax on its own account except :func:`naive_softmax` and
:func:`naive_normalize`, the two *wrong* formulas the chapter compares with ``lib.activations.softmax``
(they are shown failing, so they must stay naive). Besides: the worked example step by step
(:func:`softmax_steps`), where exp overflows (:func:`overflow_threshold`), softmax as the temperature
changes (:func:`temperature_sweep`) and the class a classifier picks over the plane
(:func:`class_grid`). The figures and tables are in ``lib.views.softmax``.
"""

from __future__ import annotations

import numpy as np

from ..activations import softmax

#: The logits of the chapter's worked example.
WORKED_LOGITS = (2.33, -1.46, 0.56)


# -- the two formulas the chapter shows failing ---------------------------------------------------

def naive_normalize(z):
    """z_i / sum(z): the "divide by the sum" alternative to softmax (NaN where the sum is zero).

    A sum that is zero up to rounding (below 1e-12 times ``sum(abs(z))``) counts as zero, so a row such as
    [2.33, -2.89, 0.56] gives NaN instead of numbers of size 1e16. No RuntimeWarning is raised.

    Examples
    --------
    >>> np.round(naive_normalize([5, 3, 2, 5]), 4)
    array([0.3333, 0.2   , 0.1333, 0.3333])
    >>> naive_normalize([1.0, -1.0])
    array([nan, nan])
    """
    z = np.asarray(z, dtype=np.float64)
    total = z.sum(axis=-1, keepdims=True)
    zero = np.abs(total) <= 1e-12 * np.abs(z).sum(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = z / np.where(zero, np.nan, total)
    return out


def naive_softmax(z, dtype=np.float64):
    """exp(z) / sum(exp(z)) in ``dtype``, without subtracting the maximum, warnings silenced.

    This is the textbook formula computed literally: it overflows to ``inf`` and returns NaN once a
    logit passes log(largest float of ``dtype``). The chapter uses it to show exactly that.

    Examples
    --------
    >>> np.round(naive_softmax([2.33, -1.46, 0.56]), 4)
    array([0.8383, 0.0189, 0.1428])
    >>> naive_softmax([1000.0, 0.0, -1000.0])
    array([nan,  0.,  0.])
    """
    z = np.asarray(z, dtype=dtype)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        e = np.exp(z)
        return e / e.sum(axis=-1, keepdims=True)


def overflow_threshold(dtype) -> float:
    """log(largest finite float of ``dtype``): exp overflows to inf for inputs above it.

    Examples
    --------
    >>> round(overflow_threshold(np.float32), 2)
    88.72
    """
    return float(np.log(np.float64(np.finfo(dtype).max)))


# -- the worked example ---------------------------------------------------------------------------

def softmax_steps(z, exp=None, total=None) -> dict:
    """Every intermediate value of softmax(z); a hand calculation's rounded values may replace them.

    Parameters
    ----------
    z : array_like
        The logits.
    exp : array_like, optional
        The exponentials to use instead of the exact e^{z_i} (for instance rounded by hand).
    total : float, optional
        The sum to divide by instead of the sum of ``exp`` (for instance rounded by hand).

    Returns
    -------
    dict with ``z``, ``exp`` (each e^{z_i}), ``total`` (the divisor) and ``p`` (each division).

    Examples
    --------
    >>> s = softmax_steps([2.33, -1.46, 0.56])
    >>> round(float(s["total"]), 4), np.round(s["p"], 5).tolist()
    (12.2609, [0.83827, 0.01894, 0.14279])
    >>> np.round(softmax_steps([2.33, -1.46, 0.56], exp=[10.278, 0.232, 1.75], total=12.26)["p"], 5).tolist()
    [0.83834, 0.01892, 0.14274]
    """
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z) if exp is None else np.asarray(exp, dtype=np.float64)
    divisor = e.sum() if total is None else np.float64(total)
    return {"z": z, "exp": e, "total": np.float64(divisor), "p": e / divisor}


def temperature_sweep(z=WORKED_LOGITS, temperatures=None):
    """softmax(z / T) for every temperature T, from 0.05 to 100 (log-spaced) by default.

    Returns
    -------
    temperatures : ndarray of shape (T,)
    p : ndarray of shape (T, len(z))
        Row t is softmax(z, temperature=temperatures[t]).

    Examples
    --------
    >>> t, p = temperature_sweep([1.0, 0.0], [0.1, 1.0, 1e6])
    >>> p.round(4).tolist()
    [[1.0, 0.0], [0.7311, 0.2689], [0.5, 0.5]]
    """
    temperatures = np.logspace(-1.3, 2, 200) if temperatures is None else np.asarray(temperatures, float)
    return temperatures, np.array([softmax(z, temperature=t) for t in temperatures])


def class_grid(predict, X, resolution: int = 200, margin: float = 0.8):
    """The class ``predict`` picks (the argmax of its scores) on a grid around the points ``X``.

    ``predict`` maps rows of points (shape (M, 2)) to class probabilities or logits (M, K). The grid
    spans the points' bounding box widened by ``margin`` on every side.

    Returns
    -------
    gx, gy : ndarray of shape (resolution, resolution)
        The grid's coordinates (``np.meshgrid``).
    classes : ndarray of int, same shape
        The class picked at each grid point.

    Examples
    --------
    >>> gx, gy, classes = class_grid(lambda P: np.c_[-P[:, 0], P[:, 0]], [[-1.0, 0.0], [1.0, 0.0]],
    ...                              resolution=3, margin=0.0)
    >>> gx[0].tolist(), classes[0].tolist()
    ([-1.0, 0.0, 1.0], [0, 0, 1])
    """
    X = np.asarray(X, dtype=np.float64)
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    classes = np.argmax(predict(grid), axis=1).reshape(gx.shape)
    return gx, gy, classes
