"""The experiments of the Activations chapter.

* :func:`combine_linear` -- the one linear layer equal to a stack of linear layers (they collapse);
* :func:`region_grid`, :func:`train_classifier` -- the decision regions a small network learns with a
  given hidden activation and width (each setting trained once, with a bounded cache);
* :func:`mean_output`, :func:`zero_centred_names` -- which activations average to 0 on standard-normal
  inputs (the properties table, and the reference of the zero-centred exercise);
* :func:`curves` -- f and f' of any function of ``ALL_ACTIVATIONS`` on its window (the appendix page
  "Every activation").

The figures are in ``lib.views.activations``.
"""

from __future__ import annotations

import numpy as np

from ..activations import ACTIVATIONS, ALL_ACTIVATIONS, sigmoid
from ..network import MLP
from . import BoundedCache


def combine_linear(layers):
    """The one linear layer (W, b) equal to a stack of linear layers ``h -> h @ W_k + b_k``.

    ``layers`` is a list of ``(W, b)`` pairs, first layer first, in ``lib.network.Dense``'s
    convention (W has shape (fan_in, fan_out)). Then ``W = W_1 W_2 ... W_n`` and
    ``b = (...((b_1 W_2 + b_2) W_3 + b_3)...)``.

    Examples
    --------
    >>> W, b = combine_linear([(np.eye(2) * 2, np.array([1.0, 0.0])), (np.eye(2), np.array([0.0, 1.0]))])
    >>> W.tolist(), b.tolist()
    ([[2.0, 0.0], [0.0, 2.0]], [1.0, 1.0])
    """
    W_total, b_total = None, None
    for W, b in layers:
        W, b = np.asarray(W, dtype=float), np.asarray(b, dtype=float)
        if W_total is None:
            W_total, b_total = W.copy(), b.copy()
        else:
            W_total, b_total = W_total @ W, b_total @ W + b
    return W_total, b_total


# --------------------------------------------------------------------------------------------------
# Decision regions
# --------------------------------------------------------------------------------------------------


def region_grid(predict, lim: float = 1.6, n: int = 121):
    """The probability of class 1 on an n x n grid over [-lim, lim]^2, rows from bottom to top.

    ``predict(points)`` returns logits for points of shape (n * n, 2).

    Examples
    --------
    >>> p = region_grid(lambda P: P[:, :1], lim=1.0, n=3)   # logit = first coordinate
    >>> p.round(3).tolist()[0]
    [0.269, 0.5, 0.731]
    """
    t = np.linspace(-lim, lim, n)
    gx, gy = np.meshgrid(t, t)
    logits = np.asarray(predict(np.c_[gx.ravel(), gy.ravel()]), dtype=float)
    return sigmoid(logits.reshape(n, n))


#: Trained classifiers by their setting (see :func:`train_classifier`): the last 64 settings.
TRAINED = BoundedCache(64)


def train_classifier(X, y, activation: str, width: int, *, epochs: int = 800, lr: float = 1.0,
                     seed: int = 1):
    """Train ``MLP([2, width, 1])`` with ``activation`` on (X, y) by full-batch gradient descent on
    the binary cross-entropy; cached (the last 64 settings), so each setting is trained once.

    Returns a dict with the trained ``net``, the loss ``history``, the training ``accuracy`` and the
    ``grid`` of class-1 probabilities from :func:`region_grid`. Sigmoid, tanh and linear layers use
    Xavier initialization, the others He (``seed`` seeds the weights).

    Examples
    --------
    >>> X = np.array([[-1.0, 0.0], [-0.5, 0.5], [0.5, -0.5], [1.0, 0.0]])
    >>> result = train_classifier(X, [0, 0, 1, 1], "tanh", 2, epochs=50)
    >>> result["accuracy"], result["grid"].shape
    (1.0, (121, 121))
    >>> train_classifier(X, [0, 0, 1, 1], "tanh", 2, epochs=50) is result
    True
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y).ravel()
    key = (activation, int(width), epochs, lr, seed, X.tobytes(), y.tobytes())
    result = TRAINED.get(key)
    if result is None:
        init = "xavier" if activation in ("sigmoid", "tanh", "linear") else "he"
        net = MLP([2, int(width), 1], rng=np.random.default_rng(seed), activation=activation,
                  init=init)
        history = net.train(X, y, loss="bce", lr=lr, epochs=epochs)
        accuracy = float(np.mean((net.predict(X).ravel() > 0) == (y == 1)))
        result = TRAINED[key] = {"net": net, "history": history, "accuracy": accuracy,
                                 "grid": region_grid(net.predict)}
    return result


# --------------------------------------------------------------------------------------------------
# Which activations are zero-centred
# --------------------------------------------------------------------------------------------------


def mean_output(name: str, **params) -> float:
    """E[f(Z)] for a standard normal Z: the mean output of ``name`` for inputs centred at 0.

    Computed with the trapezoid rule on a fine grid over [-12, 12] (the normal density beyond is
    below 1e-31).

    Examples
    --------
    >>> round(mean_output("relu"), 6)   # 1 / sqrt(2 pi)
    0.398942
    >>> round(mean_output("tanh"), 12)
    0.0
    """
    z = np.linspace(-12.0, 12.0, 240_001)
    density = np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi)
    values = ACTIVATIONS[name](z, **params) * density
    dz = z[1] - z[0]
    return float(dz * (values.sum() - 0.5 * (values[0] + values[-1])))


def zero_centred_names(tol: float = 1e-3) -> set:
    """The functions of ``ACTIVATIONS`` (default parameters) whose mean output on standard normal
    inputs is within ``tol`` of 0.

    Examples
    --------
    >>> sorted(zero_centred_names())
    ['linear', 'selu', 'tanh']
    """
    return {name for name in ACTIVATIONS if abs(mean_output(name)) < tol}


#: The x window of a function's panel on the page "Every activation": [-4, 4], unless a kink lies
#: outside it (ReLU6's cap at 6).
WINDOWS = {"relu6": (-2.0, 8.0)}


def curves(name: str, n: int = 201) -> dict:
    """f and f' of activation ``name`` (a key of ``ALL_ACTIVATIONS``, at its defaults) on its window.

    The window is ``WINDOWS.get(name, (-4, 4))``, sampled at ``n`` points. Returns a dict with ``x``,
    ``f`` and ``df`` (arrays of length ``n``) and ``window``.

    Examples
    --------
    >>> c = curves("relu6", n=6)
    >>> c["window"], c["x"].tolist()
    ((-2.0, 8.0), [-2.0, 0.0, 2.0, 4.0, 6.0, 8.0])
    >>> c["f"].tolist(), c["df"].tolist()
    ([0.0, 0.0, 2.0, 4.0, 6.0, 6.0], [0.0, 0.0, 1.0, 1.0, 0.0, 0.0])
    """
    f = ALL_ACTIVATIONS[name]
    window = WINDOWS.get(name, (-4.0, 4.0))
    x = np.linspace(*window, n)
    return {"x": x, "f": f(x), "df": f.derivative(x), "window": window}
