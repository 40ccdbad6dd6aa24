"""Checking derivatives with finite differences.

A derivative written by hand can be tested against the definition itself: nudge the input a little
and watch how much the output moves. This module holds the two tools chapter 2 uses for that,
plus the error measure that compares them.

- :func:`numerical_derivative` -- central (or forward) differences, elementwise.
- :func:`numerical_gradient` -- the gradient of a scalar function of an array (a loss of a weight
  matrix, say), one entry at a time: what checks a backward pass.
- :func:`relative_error` -- ``|a - n| / max(|a|, |n|, tiny)``, elementwise.
- :func:`gradient_check` -- the largest relative error between a derivative and its numerical estimate.
"""

import numpy as np

from ._checks import as_float as _as_float, positive_finite

__all__ = ["numerical_derivative", "numerical_gradient", "relative_error", "gradient_check"]

#: Default floor for the denominator of :func:`relative_error`: the smallest normal float64, so the
#: error is purely relative and only the case ``a == n == 0`` (which gives 0) is guarded.
TINY = np.finfo(np.float64).tiny


def _check_h(h):
    """``h`` as a float, or a ValueError naming it."""
    return positive_finite(h, "h", "step size")


def numerical_derivative(f, x, h=1e-5, method="central"):
    """Estimate df/dx elementwise with finite differences.

    Central differences, the default, use one point on each side of ``x``:

    .. math:: f'(x) \\approx \\frac{f(x + h) - f(x - h)}{2h},

    whose error shrinks like :math:`h^2`. Forward differences use ``x`` itself and one point to the
    right, :math:`(f(x + h) - f(x)) / h`, whose error shrinks only like :math:`h`.

    The difference is divided by the step the computer really took, ``(x + h) - (x - h)`` (or
    ``(x + h) - x``), rather than by ``2h``: the two agree up to rounding, and the step that was
    really taken removes the rounding of ``x + h`` from the estimate (this matters in float32).
    Where ``h`` is too small to move ``x`` at all (``x + h == x`` in the dtype), there is no estimate
    and the result is NaN, without a warning.

    Parameters
    ----------
    f : callable
        An elementwise function: ``f(x)`` returns an array of the same shape as ``x``.
    x : array_like
        Points at which to estimate the derivative. Integer and bool inputs are converted to
        float64; float32 stays float32 (and then so does the precision of the estimate).
    h : float, optional
        Step size, > 0. The default ``1e-5`` suits central differences in float64; forward
        differences do best near ``1e-8``.
    method : {"central", "forward"}, optional
        Which difference quotient to use.

    Returns
    -------
    ndarray
        The estimated derivative, same shape as ``x``.

    Raises
    ------
    ValueError
        If ``h`` is not a positive finite number, or ``method`` is unknown.

    Examples
    --------
    >>> import numpy as np
    >>> from lib.derivatives import numerical_derivative
    >>> d = numerical_derivative(np.sin, [0.0, np.pi / 3])
    >>> np.round(d, 8)
    array([1. , 0.5])
    >>> d = numerical_derivative(np.square, 3.0, h=1e-3, method="forward")
    >>> print(f"{float(d):.4f}")   # exact answer 6; the forward error is about h
    6.0010
    """
    h = _check_h(h)
    if method not in ("central", "forward"):
        raise ValueError(f"method must be 'central' or 'forward', got method={method!r}")
    x = _as_float(x)
    h = x.dtype.type(h)  # a step of x's own type: with numpy 1.x a 0-d float32 x plus a float is float64
    x_right = x + h
    if method == "central":
        x_left = x - h
    else:
        x_left = x
    step = x_right - x_left
    rise = np.asarray(f(x_right) - f(x_left))
    # Where h is too small to move x at all (x + h == x in this dtype) there is no estimate: NaN,
    # quietly, rather than a 0/0 warning.
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(step != 0, rise / np.where(step != 0, step, 1), np.nan).astype(rise.dtype, copy=False)


def numerical_gradient(f, p, h=1e-5):
    """Gradient of a scalar function ``f(p)`` of an array ``p`` by central differences.

    Each entry of ``p`` is nudged by ``+h`` and ``-h`` in turn (in a copy: ``p`` itself is never
    changed) and :math:`\\partial f / \\partial p_i \\approx (f(p + h e_i) - f(p - h e_i)) / 2h`.
    This is how a hand-written backward pass is checked: ``f`` is the loss as a function of one
    parameter array, with everything else held fixed. It costs two calls of ``f`` per entry, so
    keep ``p`` small.

    Parameters
    ----------
    f : callable
        ``f(q)`` returns a scalar for an array ``q`` shaped like ``p``.
    p : array_like
        The point at which to estimate the gradient. Integer and bool inputs become float64.
    h : float, optional
        Step size, > 0.

    Returns
    -------
    ndarray
        The estimated gradient, same shape and float dtype as ``p``.

    Examples
    --------
    >>> import numpy as np
    >>> W = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> np.round(numerical_gradient(lambda q: np.sum(q ** 2), W), 6)  # d/dW sum(W^2) = 2W
    array([[2., 4.],
           [6., 8.]])
    """
    h = _check_h(h)
    p = _as_float(p)
    grad = np.empty_like(p)
    q = p.copy()
    for i in np.ndindex(p.shape):
        q[i] = p[i] + h
        up = f(q)
        q[i] = p[i] - h
        down = f(q)
        q[i] = p[i]
        grad[i] = (up - down) / (2 * h)
    return grad


def relative_error(a, n, tiny=TINY):
    """Elementwise relative error ``|a - n| / max(|a|, |n|, tiny)``.

    Symmetric in its two arguments, 0 when they are equal (including both 0, thanks to ``tiny``),
    and at most 2 when they are finite. Computed in float64 whatever the input dtype.

    Parameters
    ----------
    a, n : array_like
        Typically an analytic derivative and its numerical estimate; broadcast together.
    tiny : float, optional
        Floor of the denominator, > 0. The default, the smallest normal float64, only prevents
        ``0 / 0``; a larger value such as ``1e-12`` turns the measure into an absolute error
        wherever both values are smaller than it.

    Returns
    -------
    ndarray
        float64 array of the broadcast shape.

    Examples
    --------
    >>> from lib.derivatives import relative_error
    >>> relative_error([1.0, 0.0, 2.0], [1.1, 0.0, -2.0])
    array([0.09090909, 0.        , 2.        ])
    """
    tiny = positive_finite(tiny, "tiny")
    a = np.asarray(a, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    scale = np.maximum(np.maximum(np.abs(a), np.abs(n)), tiny)
    return np.abs(a - n) / scale


def gradient_check(f, df, x, h=1e-5, tiny=TINY):
    """Largest relative error between a derivative and its central-difference estimate.

    Computes ``a = df(x)`` and ``n = numerical_derivative(f, x, h)`` and returns the maximum of
    :func:`relative_error` ``|a - n| / max(|a|, |n|, tiny)`` over all points. In float64, with the
    default ``h``, at points away from kinks where ``|f'|`` is not near 0, a correct derivative gives
    about 1e-9 or less (chapter 2's activations: 0 to 4e-9); above about 1e-7 deserves a look, and
    above about 1e-2 the derivative is wrong. Outside those conditions a correct derivative can give
    a large error, up to 2, the bound of :func:`relative_error`. Within ``h`` of a kink whose two
    one-sided slopes have one sign (ReLU at 0: 1) the estimate blends the slopes and the error is at
    most 1. It exceeds 1 where the estimate and the derivative have opposite signs, which happens
    next to a zero of f' (GELU's near x = -0.75, 1.5 at 1e-11 from it) and in float32, where
    rounding dominates the finite difference at this ``h`` (swish near x = -1.27).

    Parameters
    ----------
    f : callable
        Elementwise function.
    df : callable
        Its claimed derivative, elementwise.
    x : array_like
        Points to check.
    h : float, optional
        Step of the central difference.
    tiny : float, optional
        Floor of the denominator; see :func:`relative_error`.

    Returns
    -------
    float
        The largest relative error (0.0 for an empty ``x``; NaN if any value is NaN).

    Examples
    --------
    >>> import numpy as np
    >>> from lib.derivatives import gradient_check
    >>> x = np.linspace(-3, 3, 13)
    >>> gradient_check(np.sin, np.cos, x) < 1e-9
    True
    >>> round(gradient_check(np.sin, lambda t: 2 * np.cos(t), x), 6)   # a wrong derivative
    0.5
    """
    x = _as_float(x)
    analytic = np.asarray(df(x))
    numeric = numerical_derivative(f, x, h=h)
    err = relative_error(analytic, numeric, tiny=tiny)
    if err.size == 0:
        return 0.0
    return float(np.max(err))
