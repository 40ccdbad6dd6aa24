"""The experiments of the Softmax chapter.

Nothing here computes softmax on its own account except :func:`naive_softmax` and
:func:`naive_normalize`, the two *wrong* formulas the chapter compares with ``lib.activations.softmax``
(they are shown failing, so they must stay naive). Besides: the worked example step by step
(:func:`softmax_steps`), where exp overflows (:func:`overflow_threshold`), softmax as the temperature
changes (:func:`temperature_sweep`), the class a classifier picks over the plane
(:func:`class_grid`), and multinomial logistic regression on real data: its gradient
(:func:`softmax_regression_gradient`), its training (:func:`train_softmax_regression`), a confusion
matrix (:func:`confusion_matrix`) and its mistakes (:func:`misclassified`). The figures and tables are in
``lib.views.softmax``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..activations import softmax
from ..network import MLP, softmax_cross_entropy

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


# -- multinomial logistic regression on a real data set -------------------------------------------

def softmax_regression_gradient(W, b, X, y):
    """The cross-entropy of softmax(XW + b) and its gradient: X^T (P - Y) / N and the column sums.

    With :math:`G = (P - Y) / N`, where :math:`P = \\operatorname{softmax}(XW + b)` row by row and
    :math:`Y` holds the one-hot labels,

    .. math:: \\frac{\\partial L}{\\partial W} = X^\\top G, \\qquad
              \\frac{\\partial L}{\\partial b} = \\textstyle\\sum_n G_n.

    Parameters
    ----------
    W : array_like of shape (D, K)
    b : array_like of shape (K,)
    X : array_like of shape (N, D)
    y : array_like of shape (N,)
        Integer labels in [0, K).

    Returns
    -------
    loss : float
        The mean cross-entropy.
    dW : ndarray of shape (D, K)
    db : ndarray of shape (K,)

    Examples
    --------
    >>> loss, dW, db = softmax_regression_gradient(np.zeros((2, 3)), np.zeros(3),
    ...                                            [[1.0, 0.0], [0.0, 1.0]], [0, 2])
    >>> round(loss, 4)   # log 3: every class at 1/3
    1.0986
    >>> np.round(dW, 4).tolist(), np.round(db, 4).tolist()
    ([[-0.3333, 0.1667, 0.1667], [0.1667, 0.1667, -0.3333]], [-0.1667, 0.3333, -0.1667])
    """
    X = np.asarray(X, dtype=np.float64)
    loss, G = softmax_cross_entropy(X @ np.asarray(W, dtype=np.float64) + b, y)  # G = (P - Y) / N
    return loss, X.T @ G, G.sum(axis=0)


@dataclass(frozen=True)
class SoftmaxRegression:
    """A trained multinomial logistic regression: weights ``W`` (D, K), biases ``b`` (K,) and the
    training loss of every step (``losses``)."""

    W: np.ndarray
    b: np.ndarray
    losses: np.ndarray

    @property
    def n_parameters(self) -> int:
        """The number of numbers training adjusts: D * K weights and K biases."""
        return self.W.size + self.b.size

    def logits(self, X):
        """XW + b, one row of K scores per row of ``X``."""
        return np.asarray(X, dtype=np.float64) @ self.W + self.b

    def probabilities(self, X):
        """softmax(XW + b), row by row."""
        return softmax(self.logits(X))

    def predict(self, X):
        """The class of largest probability (the argmax of the logits) for each row of ``X``."""
        return np.argmax(self.logits(X), axis=1)


def train_softmax_regression(X, y, *, rng, classes=None, lr=1.0, steps=300, scale=0.01):
    """Multinomial logistic regression trained by full-batch gradient descent on cross-entropy.

    The model is ``lib.network.MLP([D, K])``, one dense layer with no activation (its output is the
    logits XW + b), trained as the chapter trains it in the plane: the loss ``"cross_entropy"``
    (softmax in log space), whose gradient is :func:`softmax_regression_gradient`, and
    :math:`W \\leftarrow W - \\eta\\, \\partial L / \\partial W` (the same for b), ``steps`` times.

    Parameters
    ----------
    X : array_like of shape (N, D)
    y : array_like of shape (N,)
        Integer labels in [0, K).
    rng : numpy.random.Generator
        Draws the initial weights, normal with standard deviation ``scale`` (the biases start at 0).
    classes : int, optional
        K; by default the largest label plus one.
    lr : float
        The learning rate :math:`\\eta`.
    steps : int
        The number of gradient steps (each on the whole training set).

    Returns
    -------
    SoftmaxRegression
        The trained ``W``, ``b`` and the loss before each step.

    Examples
    --------
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    >>> model = train_softmax_regression(X, [0, 1, 2], rng=np.random.default_rng(0), steps=200)
    >>> model.W.shape, model.n_parameters, model.predict(X).tolist()
    ((2, 3), 9, [0, 1, 2])
    >>> bool(model.losses[-1] < 0.5 < model.losses[0])
    True
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    k = int(y.max()) + 1 if classes is None else int(classes)
    net = MLP([X.shape[1], k], rng=rng, init="normal", scale=scale)
    losses = net.train(X, y, loss="cross_entropy", lr=lr, epochs=steps)
    layer = net.dense[0]
    return SoftmaxRegression(W=layer.W.copy(), b=layer.b.copy(), losses=losses)


def confusion_matrix(y_true, y_pred, classes: int):
    """Counts of (true class, predicted class): entry (i, j) is how many of class i were predicted j.

    Row i sums to the number of examples of class i; the diagonal holds the correct predictions.

    Examples
    --------
    >>> confusion_matrix([0, 0, 1, 2, 2], [0, 1, 1, 2, 0], classes=3)
    array([[1, 1, 0],
           [0, 1, 0],
           [1, 0, 1]])
    """
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if y_true.shape != y_pred.shape or y_true.ndim != 1:
        raise ValueError(f"y_pred: expected the shape of y_true {y_true.shape}, got {y_pred.shape}")
    for name, v in (("y_true", y_true), ("y_pred", y_pred)):
        if v.size and (not np.issubdtype(v.dtype, np.integer) or v.min() < 0 or v.max() >= classes):
            raise ValueError(f"{name}: expected integer classes in [0, {classes})")
    pair = classes * y_true + y_pred        # one number per (true, predicted) pair
    return np.bincount(pair, minlength=classes * classes).reshape(classes, classes)


def misclassified(probabilities, y, count: int | None = None):
    """The rows whose most probable class is wrong, the most confident mistakes first.

    Parameters
    ----------
    probabilities : array_like of shape (N, K)
        A model's probabilities (or logits: only their order matters).
    y : array_like of shape (N,)
        The true classes.
    count : int, optional
        Keep only the first ``count``.

    Returns
    -------
    ndarray of int
        Row indices, sorted by the probability given to the wrong answer, largest first.

    Examples
    --------
    >>> misclassified([[0.9, 0.1], [0.4, 0.6], [0.2, 0.8], [0.7, 0.3]], [0, 0, 0, 1]).tolist()
    [2, 3, 1]
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    predicted = np.argmax(probabilities, axis=1)
    wrong = np.flatnonzero(predicted != np.asarray(y))
    confidence = probabilities[wrong, predicted[wrong]]
    order = wrong[np.argsort(-confidence, kind="stable")]
    return order if count is None else order[:count]
