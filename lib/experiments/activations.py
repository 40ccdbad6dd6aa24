"""The experiments of the Activations chapter.

* :func:`wave`, :func:`rings` -- the chapter's two data sets: a wavy curve to fit and two rings of
  points to separate (the rings drawn from a seed);
* :func:`step_network`, :func:`least_squares_loss` -- a network of step units trained on the wave:
  its hidden layer never moves, and its loss can fall no lower than the best output layer on the
  fixed step features;
* :func:`combine_linear`, :func:`deep_linear_fit` -- a stack of linear layers is one linear layer,
  and a deep linear network still learns a linear target;
* :func:`fit_wave` -- the wave fitted with linear, tanh or ReLU hidden layers, one run per seed
  (:func:`best_line_loss` is what any linear network can reach at best);
* :func:`region_grid`, :func:`train_classifier` -- the decision regions a small network learns with a
  given hidden activation and width; :func:`ring_run` is one seed's run on its own rings (cached),
  :func:`best_accuracy_line` the straight boundary with the most points right,
  :func:`cross_entropy_line` the line of least cross-entropy
  (the best a linear network trained on the cross-entropy can reach) and :func:`line_cross_entropy`
  the cross-entropy of a given line at its best steepness;
* :func:`prelu_slopes` -- the slopes a PReLU network learns on the wave, epoch by epoch;
* :func:`output_std` -- the standard deviation of f(Z) for a standard normal Z (SELU's is 1);
* :func:`nanoseconds_per_element` -- how long an activation takes per element (the cost table);
* :func:`mean_output`, :func:`zero_centred_names` -- which activations average to 0 on standard-normal
  inputs (the properties table, and the reference of the zero-centred exercise);
* :func:`curves` -- f and f' of any function of ``ALL_ACTIVATIONS`` on its window (the appendix page
  "Every activation").

The figures are in ``lib.views.activations``.
"""

from __future__ import annotations

import timeit
from functools import lru_cache

import numpy as np
from scipy.optimize import minimize_scalar

from ..activations import ACTIVATIONS, ALL_ACTIVATIONS, sigmoid, step
from ..network import MLP
from . import SEEDS, Spread, over_seeds


# --------------------------------------------------------------------------------------------------
# The data sets
# --------------------------------------------------------------------------------------------------


def wave(n: int = 81):
    """The chapter's non-linear target: y = sin(2.5 x) + 0.3 x on ``n`` evenly spaced points of
    [-2, 2], as columns ``(X, y)`` of shape (n, 1). The same points for every seed.

    Examples
    --------
    >>> X, y = wave(5)
    >>> X.ravel().tolist(), y.ravel().round(3).tolist()
    ([-2.0, -1.0, 0.0, 1.0, 2.0], [0.359, -0.898, 0.0, 0.898, -0.359])
    """
    X = np.linspace(-2.0, 2.0, n)[:, None]
    return X, np.sin(2.5 * X) + 0.3 * X


def rings(seed: int, n: int = 200, noise: float = 0.1):
    """Two noisy concentric rings: class 0 on radius 0.5, class 1 on radius 1 (``n`` points,
    alternating classes), with Gaussian noise of standard deviation ``noise``.

    The points are drawn from ``np.random.default_rng([seed, 1])``, a stream apart from the one
    that gives a network its weights (``np.random.default_rng(seed)``), so that one seed fixes the
    data and the start of a run. Returns ``(X, y)`` of shapes (n, 2) and (n,).

    Examples
    --------
    >>> X, y = rings(1, n=4, noise=0.0)
    >>> np.hypot(*X.T).tolist(), y.tolist()
    ([0.5, 1.0, 0.5, 1.0], [0, 1, 0, 1])
    """
    rng = np.random.default_rng([seed, 1])
    labels = np.arange(n) % 2
    radius = np.where(labels == 0, 0.5, 1.0)
    angle = rng.uniform(0, 2 * np.pi, n)
    ring = radius[:, None] * np.c_[np.cos(angle), np.sin(angle)]
    return ring + noise * rng.normal(size=(n, 2)), labels


# --------------------------------------------------------------------------------------------------
# The binary step cannot be trained
# --------------------------------------------------------------------------------------------------


def least_squares_loss(features, y) -> float:
    """The smallest mean squared error of any affine map of ``features`` (N, k) onto ``y``.

    It is the best an output layer ``h @ W + b`` can do on fixed hidden features ``h``, found by least
    squares (``np.linalg.lstsq``) with a column of ones for the bias.

    Examples
    --------
    >>> X = np.array([[0.0], [1.0], [2.0]])
    >>> round(least_squares_loss(X, 2 * X + 1), 12), round(least_squares_loss(X, X ** 2), 4)
    (0.0, 0.2222)
    """
    features = np.asarray(features, dtype=float)
    y = np.asarray(y, dtype=float).reshape(len(features), -1)
    A = np.c_[features, np.ones(len(features))]
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    return float(np.mean((A @ coef - y) ** 2))


def best_line_loss(X, y) -> float:
    """The mean squared error of the best straight line through (X, y): what a network of linear
    layers can reach at best, however deep (it is one affine map).

    Examples
    --------
    >>> X, y = wave()
    >>> round(best_line_loss(X, y), 4)
    0.4992
    """
    return least_squares_loss(X, y)


@lru_cache(maxsize=8)
def step_network(seed: int, epochs: int = 200, lr: float = 0.05) -> dict:
    """Train ``MLP([1, 8, 1], activation="step")`` on :func:`wave` by full-batch gradient descent.

    ``seed`` gives the initial weights (the hidden biases start at 0). Returns a dict (cached, the
    last 8; treat it as read-only) with the loss ``history``, the ``grad_norms`` of each layer's W
    after the last step, ``hidden_change`` (the largest change of any hidden weight or bias),
    ``patterns`` (how many different rows of step features the inputs give) and ``floor`` (the
    least-squares loss of the best output layer on those fixed features, :func:`least_squares_loss`).

    Examples
    --------
    >>> run = step_network(1)
    >>> float(run["grad_norms"][0]), run["hidden_change"], run["patterns"]
    (0.0, 0.0, 3)
    >>> bool(run["floor"] <= run["history"][-1] < run["history"][0])
    True
    """
    X, y = wave()
    net = MLP([1, 8, 1], rng=np.random.default_rng(seed), activation="step")
    W0, b0 = net.dense[0].W.copy(), net.dense[0].b.copy()
    history = net.train(X, y, loss="mse", lr=lr, epochs=epochs)
    features = step(X @ W0 + b0)
    change = max(float(np.abs(net.dense[0].W - W0).max()), float(np.abs(net.dense[0].b - b0).max()))
    return {"history": history, "grad_norms": net.grad_norms("W"), "hidden_change": change,
            "patterns": int(np.unique(features, axis=0).shape[0]),
            "floor": least_squares_loss(features, y)}


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


@lru_cache(maxsize=8)
def deep_linear_fit(seed: int, epochs: int = 300, lr: float = 0.02) -> dict:
    """Train ``MLP([2, 8, 8, 1], activation="linear")`` on a linear target, y = 3 x1 - 2 x2 + 1.

    The 200 inputs are standard normal, drawn from ``np.random.default_rng([seed, 1])``; the weights
    (Xavier) from ``np.random.default_rng(seed)``. One gradient step, then ``epochs`` more. Returns a
    dict (cached; read-only) with ``first_loss`` and ``first_grad_norms`` (each layer's W in the first
    step), ``final_loss``, and ``input_slopes``, d output / d input for every sample (200, 2), after
    training.

    Examples
    --------
    >>> run = deep_linear_fit(1)
    >>> bool(run["final_loss"] < 1e-20 < 1 < run["first_loss"])
    True
    >>> np.ptp(run["input_slopes"], axis=0).round(12).tolist()   # the same for every sample
    [0.0, 0.0]
    """
    X = np.random.default_rng([seed, 1]).normal(size=(200, 2))
    y = X @ np.array([3.0, -2.0]) + 1.0
    net = MLP([2, 8, 8, 1], rng=np.random.default_rng(seed), activation="linear", init="xavier")
    first_loss = net.step(X, y, loss="mse", lr=lr)
    first_grad_norms = net.grad_norms("W")
    history = net.train(X, y, loss="mse", lr=lr, epochs=epochs)
    net.forward(X)
    slopes = net.backward(np.ones((len(X), 1)))
    return {"first_loss": float(first_loss), "first_grad_norms": first_grad_norms,
            "final_loss": float(history[-1]), "input_slopes": slopes}


# --------------------------------------------------------------------------------------------------
# Fitting the wave with and without a non-linearity
# --------------------------------------------------------------------------------------------------


@lru_cache(maxsize=32)
def fit_wave(activation: str, seed: int, *, width: int = 32, epochs: int = 2000,
             lr: float = 0.05, init: str = "xavier") -> dict:
    """Fit :func:`wave` with ``MLP([1, width, width, 1])`` and ``activation`` in the hidden layers.

    Full-batch gradient descent on the mean squared error; ``seed`` gives the initial weights, drawn
    with the same ``init`` (Xavier by default) whatever the activation, so that the networks of one
    seed start from the same weights and differ only in their activation. The points are the same
    for every seed. Returns a dict (cached, the last 32; read-only) with the loss ``history`` and the
    trained network's ``prediction`` on the points.

    Examples
    --------
    >>> run = fit_wave("tanh", 1, width=8, epochs=50)
    >>> run["history"].shape, run["prediction"].shape
    ((50,), (81, 1))
    """
    X, y = wave()
    net = MLP([1, width, width, 1], rng=np.random.default_rng(seed), activation=activation,
              init=init)
    history = net.train(X, y, loss="mse", lr=lr, epochs=epochs)
    return {"history": history, "prediction": net.predict(X)}


def wave_losses(activation: str, seeds=SEEDS) -> Spread:
    """The final training loss of :func:`fit_wave` for each seed, as a :class:`Spread`.

    Examples
    --------
    >>> losses = wave_losses("linear")
    >>> f"{losses:.4f}"
    '0.4992 (0.4992–0.4992)'
    """
    return over_seeds(lambda seed: fit_wave(activation, seed)["history"][-1], seeds)


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


def train_classifier(X, y, activation: str, width: int, *, epochs: int = 800, lr: float = 1.0,
                     seed: int = 1, init: str = "xavier"):
    """Train ``MLP([2, width, 1])`` with ``activation`` on (X, y) by full-batch gradient descent on
    the binary cross-entropy.

    Returns a dict with the trained ``net``, the loss ``history``, the training ``accuracy`` and the
    ``grid`` of class-1 probabilities from :func:`region_grid`. ``seed`` seeds the weights, drawn with
    the same ``init`` (Xavier by default) whatever the activation: the networks of one seed start
    from the same weights, and only their activation differs.

    Examples
    --------
    >>> X = np.array([[-1.0, 0.0], [-0.5, 0.5], [0.5, -0.5], [1.0, 0.0]])
    >>> result = train_classifier(X, [0, 0, 1, 1], "tanh", 2, epochs=50)
    >>> result["accuracy"], result["grid"].shape
    (1.0, (121, 121))
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y).ravel()
    net = MLP([2, int(width), 1], rng=np.random.default_rng(seed), activation=activation, init=init)
    history = net.train(X, y, loss="bce", lr=lr, epochs=epochs)
    accuracy = float(np.mean((net.predict(X).ravel() > 0) == (y == 1)))
    return {"net": net, "history": history, "accuracy": accuracy, "grid": region_grid(net.predict)}


@lru_cache(maxsize=64)
def ring_run(activation: str, width: int, seed: int, **train) -> dict:
    """One run of the rings experiment: :func:`train_classifier` on ``rings(seed)``, its weights
    from the same ``seed`` (``train`` passes ``epochs``, ``lr`` or ``init`` on). The result is
    cached; treat it as read-only.

    Examples
    --------
    >>> run = ring_run("linear", 16, 1)
    >>> run["accuracy"], round(float(run["history"][-1]), 4)
    (0.535, 0.6911)
    """
    X, y = rings(seed)
    return train_classifier(X, y, activation, width, seed=seed, **train)


def ring_accuracy(activation: str, width: int, seed: int, **train) -> float:
    """The training accuracy of :func:`ring_run`: one seed's network on that seed's rings.

    Examples
    --------
    >>> ring_accuracy("relu", 16, 1)
    1.0
    """
    return ring_run(activation, width, seed, **train)["accuracy"]


def ring_accuracies(activation: str, width: int, seeds=SEEDS, **train) -> Spread:
    """:func:`ring_accuracy` for each seed, as a :class:`Spread`.

    Examples
    --------
    >>> acc = ring_accuracies("relu", 16)
    >>> acc.count(acc.values == 1.0), len(acc)
    (5, 5)
    """
    return over_seeds(lambda seed: ring_accuracy(activation, width, seed, **train), seeds)


def best_line_accuracies(seeds=SEEDS) -> Spread:
    """:func:`best_line_accuracy` on ``rings(seed)`` for each seed, as a :class:`Spread`.

    Examples
    --------
    >>> f"{best_line_accuracies():.3f}"
    '0.690 (0.675–0.710)'
    """
    return over_seeds(lambda seed: best_line_accuracy(*rings(seed)), seeds)


def best_accuracy_line(X, y, n_angles: int = 720) -> dict:
    """The straight boundary with the most points of (X, y) right (two classes, 2-d points).

    For each of ``n_angles`` directions the points are sorted along it and every cut between two
    of them is tried, with either class on either side. Returns a dict with its ``accuracy`` and
    its ``coef`` (w, then b): the line puts class 1 where ``X @ w + b > 0``, with ``w`` a unit vector
    and the cut halfway between two neighbouring points.

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [3.0, 0.0]])
    >>> line = best_accuracy_line(X, [0, 0, 1, 1])
    >>> line["accuracy"], np.round(line["coef"], 6).tolist()
    (1.0, [1.0, 0.0, -1.5])
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y).ravel() == 1
    n = len(y)
    angles = np.linspace(0, np.pi, n_angles, endpoint=False)
    directions = np.c_[np.cos(angles), np.sin(angles)]
    along = X @ directions.T                                    # (N, n_angles)
    order = np.argsort(along, axis=0)
    ones = y[order]                                             # the labels in order, per direction
    ones_below = np.r_[np.zeros((1, n_angles)), np.cumsum(ones, axis=0)]
    below = np.arange(n + 1)[:, None]
    zeros_below = below - ones_below
    right = zeros_below + (ones_below[-1] - ones_below)         # class 0 below the cut, 1 above
    if right.max() >= n - right.min():
        cut, angle, sign = *np.unravel_index(np.argmax(right), right.shape), 1.0
    else:                                                       # class 1 below the cut
        cut, angle, sign = *np.unravel_index(np.argmin(right), right.shape), -1.0
    ranked = np.sort(along[:, angle])
    padded = np.r_[ranked[0] - 1.0, ranked, ranked[-1] + 1.0]   # a cut beyond either end too
    position = (padded[cut] + padded[cut + 1]) / 2
    return {"accuracy": float(max(right.max(), n - right.min()) / n),
            "coef": sign * np.r_[directions[angle], -position]}


def best_line_accuracy(X, y, n_angles: int = 720) -> float:
    """The highest accuracy any straight boundary reaches on (X, y): :func:`best_accuracy_line`'s.

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [3.0, 0.0]])
    >>> best_line_accuracy(X, [0, 0, 1, 1]), best_line_accuracy(X, [0, 1, 1, 0])
    (1.0, 0.75)
    """
    return best_accuracy_line(X, y, n_angles)["accuracy"]


def _cross_entropy(logit, y) -> float:
    """The mean binary cross-entropy of ``logit`` for labels ``y`` (1 or 0), without overflow:
    -log sigma(t) = log(1 + e^-t)."""
    return float(np.mean(np.logaddexp(0, -logit) * y + np.logaddexp(0, logit) * (1 - y)))


def line_cross_entropy(X, y, coef) -> float:
    """The least cross-entropy of the straight boundary ``coef`` (w, then b) on (X, y), over its
    steepness: the minimum over s >= 0 of the mean cross-entropy of the logits s (X @ w + b).

    The boundary stays where it is; s sets how confident the line is (s = 0 gives every point 1/2,
    a loss of ln 2). Found by ``scipy.optimize.minimize_scalar`` on [0, 1000].

    Examples
    --------
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> round(line_cross_entropy(X, [0, 1, 0, 1], [1.0, -1.5]), 4)
    0.5869
    >>> round(line_cross_entropy(X, [1, 0, 1, 0], [1.0, -1.5]), 4)   # best flat: s = 0, ln 2
    0.6931
    """
    X = np.asarray(X, dtype=float)
    y = (np.asarray(y).ravel() == 1).astype(float)
    coef = np.asarray(coef, dtype=float)
    logit = X @ coef[:-1] + coef[-1]
    best = minimize_scalar(lambda s: _cross_entropy(s * logit, y), bounds=(0.0, 1000.0),
                           method="bounded", options={"xatol": 1e-10})
    return float(min(best.fun, _cross_entropy(0 * logit, y)))


def cross_entropy_line(X, y, tol: float = 1e-12, max_steps: int = 100) -> dict:
    """The straight boundary of least binary cross-entropy on (X, y): logistic regression.

    The logit is ``X @ w + b``; the mean cross-entropy is convex in (w, b), and Newton's method finds
    its minimum (a few steps when the classes overlap, as on :func:`rings`). This is the line a
    network of linear layers trained on the cross-entropy can reach at best. Returns a dict with the
    ``loss`` there, the ``accuracy`` of that line and its ``coef`` (w, then b).

    Examples
    --------
    On one binary feature the fitted probabilities are the class frequencies, 1/2 at x = 0 and 2/3
    at x = 1:

    >>> line = cross_entropy_line(np.array([[0.0], [0.0], [1.0], [1.0], [1.0]]), [0, 1, 0, 1, 1])
    >>> np.round(sigmoid(line["coef"][1] + np.array([0.0, line["coef"][0]])), 4).tolist()
    [0.5, 0.6667]
    >>> round(line["loss"], 4), line["accuracy"]
    (0.6592, 0.6)
    """
    X = np.asarray(X, dtype=float)
    y = (np.asarray(y).ravel() == 1).astype(float)
    A = np.c_[X, np.ones(len(X))]
    coef = np.zeros(A.shape[1])
    for _ in range(max_steps):
        p = sigmoid(A @ coef)
        gradient = A.T @ (p - y) / len(y)
        hessian = (A * (p * (1 - p))[:, None]).T @ A / len(y)
        step = np.linalg.solve(hessian, gradient)
        coef = coef - step
        if np.abs(step).max() < tol:
            break
    logit = A @ coef
    return {"loss": _cross_entropy(logit, y), "accuracy": float(np.mean((logit > 0) == (y == 1))),
            "coef": coef}


# --------------------------------------------------------------------------------------------------
# PReLU learns its slope
# --------------------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def prelu_slopes(seed: int, epochs: int = 1500, lr: float = 0.02) -> dict:
    """Fit :func:`wave` with ``MLP([1, 16, 16, 1], activation="prelu")`` (Xavier, slopes from 0.25)
    and record each hidden layer's slope ``a`` before training and after every epoch.

    Returns a dict (cached; read-only) with ``slopes`` of shape (epochs + 1, 2) and the ``history``.

    Examples
    --------
    >>> run = prelu_slopes(1, epochs=3)
    >>> run["slopes"].shape, run["slopes"][0].tolist()
    ((4, 2), [0.25, 0.25])
    """
    X, y = wave()
    net = MLP([1, 16, 16, 1], rng=np.random.default_rng(seed), activation="prelu", init="xavier")
    slopes = [[layer.a for layer in net.acts[:-1]]]

    def keep(net, epoch, loss):
        slopes.append([layer.a for layer in net.acts[:-1]])

    history = net.train(X, y, loss="mse", lr=lr, epochs=epochs, callback=keep)
    return {"slopes": np.array(slopes), "history": history}


# --------------------------------------------------------------------------------------------------
# Which activations are zero-centred
# --------------------------------------------------------------------------------------------------


def mean_output(name: str, std: float = 1.0, **params) -> float:
    """E[f(std Z)] for a standard normal Z: the mean output of ``name`` for normal inputs centred
    at 0 with standard deviation ``std`` (1 by default: the properties table's "mean on N(0,1)").

    Computed with the trapezoid rule on a fine grid over [-12, 12] in units of ``std`` (the normal
    density beyond is below 1e-31).

    Examples
    --------
    >>> round(mean_output("relu"), 6)   # 1 / sqrt(2 pi)
    0.398942
    >>> round(mean_output("tanh"), 12)
    0.0
    >>> round(mean_output("selu"), 6), round(mean_output("selu", std=2.0), 4)   # 0 at std 1 only
    (0.0, 0.2548)
    """
    if not std > 0:
        raise ValueError(f"std must be positive, got {std!r}")
    z = np.linspace(-12.0, 12.0, 240_001)
    density = np.exp(-0.5 * z**2) / np.sqrt(2 * np.pi)
    values = ACTIVATIONS[name](std * z, **params) * density
    dz = z[1] - z[0]
    return float(dz * (values.sum() - 0.5 * (values[0] + values[-1])))


def output_std(name: str, **params) -> float:
    """The standard deviation of f(Z) for a standard normal Z, by the same integration as
    :func:`mean_output`: sqrt(E[f(Z)^2] - E[f(Z)]^2).

    Examples
    --------
    >>> round(output_std("linear"), 9), round(output_std("selu"), 4)
    (1.0, 1.0)
    """
    z = np.linspace(-12.0, 12.0, 240_001)
    density = np.exp(-0.5 * z**2) / np.sqrt(2 * np.pi)
    values = ACTIVATIONS[name](z, **params)
    dz = z[1] - z[0]

    def integral(v):
        return dz * (v.sum() - 0.5 * (v[0] + v[-1]))

    mean = integral(values * density)
    return float(np.sqrt(integral(values**2 * density) - mean**2))


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


# --------------------------------------------------------------------------------------------------
# Cost
# --------------------------------------------------------------------------------------------------

#: The catalogue's piecewise-linear functions: no exponential, only comparisons and products.
PIECEWISE_LINEAR = ("step", "linear", "relu", "leaky_relu", "prelu")


def nanoseconds_per_element(name: str, x, repeat: int = 7) -> float:
    """The best of ``repeat`` timings of ``ACTIVATIONS[name](x)``, in nanoseconds per element.

    Examples
    --------
    >>> t = nanoseconds_per_element("relu", np.zeros(1000), repeat=3)
    >>> bool(0 < t < 1e4)
    True
    """
    f = ACTIVATIONS[name]
    x = np.asarray(x)
    best = min(timeit.repeat(lambda: f(x), number=1, repeat=repeat))
    return 1e9 * best / x.size
