"""Plain gradient descent on small problems, to watch what feature scales do to it (chapter 5).

- :func:`least_squares_loss`, :func:`least_squares_grad` -- the mean squared error of a linear
  model ``X @ w`` and its gradient, a quadratic bowl in ``w``.
- :func:`gradient_descent` -- ``w <- w - lr * grad(w)``, returning every iterate.
"""

import numpy as np

from ._checks import positive_finite

__all__ = ["least_squares_loss", "least_squares_grad", "gradient_descent"]


def least_squares_loss(w, X, y):
    """Mean squared error of the linear model ``X @ w``: ``L(w) = (1/n) sum_i (x_i . w - y_i)^2``.

    ``w`` may also be a stack of weight vectors, shape (..., d); the loss of each is returned.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.0], [0.0, 2.0]])
    >>> least_squares_loss([1.0, 1.0], X, [1.0, 0.0])      # residuals 0 and 2
    2.0
    >>> least_squares_loss([[1.0, 0.0], [1.0, 1.0]], X, [1.0, 0.0])
    array([0., 2.])
    """
    w = np.asarray(w, dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    residual = w @ X.T - y
    loss = np.mean(residual**2, axis=-1)
    return float(loss) if loss.ndim == 0 else loss


def least_squares_grad(w, X, y):
    """Gradient of :func:`least_squares_loss`: ``(2/n) X^T (X w - y)``.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.0], [0.0, 2.0]])
    >>> least_squares_grad([1.0, 1.0], X, [1.0, 0.0])
    array([0., 4.])
    """
    w = np.asarray(w, dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    return 2.0 * X.T @ (X @ w - y) / X.shape[0]


def gradient_descent(grad, w0, lr, steps, stop=None):
    """Run ``w <- w - lr * grad(w)`` from ``w0`` and return every iterate.

    Parameters
    ----------
    grad : callable
        ``grad(w)`` returns the gradient at ``w`` (same shape as ``w``).
    w0 : array_like
        Starting point.
    lr : float
        Learning rate, > 0.
    steps : int
        Largest number of steps, >= 0.
    stop : callable, optional
        ``stop(w) -> bool``, checked at every iterate (``w0`` included); the run ends at the first
        iterate where it is True.

    Returns
    -------
    ndarray, shape (k + 1, *w0.shape)
        ``w0`` and the ``k`` iterates after it (``k = steps`` unless ``stop`` ended the run early,
        so ``len(path) - 1`` is the number of steps taken).

    Examples
    --------
    >>> import numpy as np
    >>> path = gradient_descent(lambda w: 2 * w, [1.0], lr=0.25, steps=3)   # L = w^2
    >>> path.ravel()
    array([1.   , 0.5  , 0.25 , 0.125])
    >>> path = gradient_descent(lambda w: 2 * w, [1.0], lr=0.25, steps=100,
    ...                         stop=lambda w: abs(w[0]) < 0.1)
    >>> len(path) - 1                       # 1 -> 0.5 -> 0.25 -> 0.125 -> 0.0625
    4
    """
    lr = positive_finite(lr, "lr")
    if isinstance(steps, bool) or int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got steps={steps!r}")
    w = np.array(w0, dtype=np.float64)
    path = [w.copy()]
    for _ in range(int(steps)):
        if stop is not None and stop(w):
            break
        w = w - lr * np.asarray(grad(w), dtype=np.float64)
        path.append(w.copy())
    return np.array(path)
