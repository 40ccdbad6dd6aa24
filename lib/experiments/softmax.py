"""The experiments of the Softmax chapter.

Nothing here computes softmax on its own account except :func:`naive_softmax` and
:func:`naive_normalize`, the two *wrong* formulas the chapter compares with ``lib.activations.softmax``
(they are shown failing, so they must stay naive). Besides: the worked example step by step
(:func:`softmax_steps`), where exp overflows (:func:`overflow_threshold`), softmax as the temperature
changes (:func:`temperature_sweep`), the class a classifier picks over the plane
(:func:`class_grid`), and multinomial logistic regression on real data: its gradient
(:func:`softmax_regression_gradient`), its training (:func:`train_softmax_regression`,
:func:`softmax_regression_path`), the digits split three ways (:func:`digits_split`), the learning
rate and number of steps chosen on the validation set over the course's seeds
(:func:`choose_on_validation`), how close two settings' weights end (:func:`weight_distance`) and
where a training loss rises (:func:`loss_rises`), the
accuracies of the chosen setting over those seeds with the binomial standard error and the 95 %
interval beside them (:func:`digits_accuracy`, :func:`binomial_standard_error`,
:func:`normal_interval`) and the hypergeometric one of test sets drawn from the same images
(:func:`hypergeometric_standard_error`), a reliability check of its probabilities
(:func:`reliability`), a confusion matrix
(:func:`confusion_matrix`) and its mistakes (:func:`misclassified`). The figures and
tables are in ``lib.views.softmax``.
"""

from __future__ import annotations

import functools
import math
import statistics
from dataclasses import dataclass

import numpy as np

from . import SEEDS, Spread, over_seeds
from ..activations import softmax
from ..datasets import ThreeWaySplit, digits, hold_out
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

    def cross_entropy(self, X, y) -> float:
        """The mean cross-entropy of this model on ``X``, ``y``.

        ``losses[i]`` is the loss before update i + 1; after the last update, on the training set,
        the trained model's loss is this.

        Examples
        --------
        >>> model = SoftmaxRegression(W=np.zeros((2, 3)), b=np.zeros(3), losses=np.array([]))
        >>> round(model.cross_entropy([[1.0, 0.0]], [2]), 4)   # every class at 1/3: log 3
        1.0986
        """
        return float(softmax_cross_entropy(self.logits(X), np.asarray(y))[0])


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
    return softmax_regression_path(X, y, rng=rng, classes=classes, lr=lr, steps=(steps,), scale=scale)[0]


def softmax_regression_path(X, y, *, rng, classes=None, lr=1.0, steps=(300,), scale=0.01):
    """One training run of :func:`train_softmax_regression`, seen after each of several step counts.

    The run is the same as ``train_softmax_regression(..., steps=max(steps))``; the model after
    ``steps[i]`` steps is what ``train_softmax_regression(..., steps=steps[i])`` would return from
    the same generator. One run serves every step count, so a comparison of step counts costs one
    training run, not one per count.

    Parameters
    ----------
    steps : sequence of int
        The step counts to keep the model at (non-negative).
    X, y, rng, classes, lr, scale
        As in :func:`train_softmax_regression`.

    Returns
    -------
    tuple of SoftmaxRegression
        One per entry of ``steps``, in that order; the i-th has ``losses`` of length ``steps[i]``.

    Examples
    --------
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    >>> short, long = softmax_regression_path(X, [0, 1, 2], rng=np.random.default_rng(0), steps=(10, 200))
    >>> len(short.losses), len(long.losses), bool(long.losses[-1] < short.losses[-1])
    (10, 200, True)
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    counts = [int(t) for t in steps]
    if not counts or any(t < 0 or t != s for t, s in zip(counts, steps)):
        raise ValueError(f"steps: expected non-negative integers, got {steps!r}")
    k = int(y.max()) + 1 if classes is None else int(classes)
    net = MLP([X.shape[1], k], rng=rng, init="normal", scale=scale)
    layer = net.dense[0]
    kept = {}

    def keep(done):
        if done in counts:
            kept[done] = (layer.W.copy(), layer.b.copy())

    keep(0)
    losses = net.train(X, y, loss="cross_entropy", lr=lr, epochs=max(counts),
                       callback=lambda _net, epoch, _loss: keep(epoch + 1))
    return tuple(SoftmaxRegression(W=kept[t][0], b=kept[t][1], losses=losses[:t].copy()) for t in counts)


# -- the digits: split three ways, settings chosen on validation, accuracy over the seeds ----------

#: The learning rates the chapter compares on the validation set: a factor 3 apart, as the step
#: counts are, so that the grid's diagonals pair runs of equal ``lr * steps``.
DIGITS_LEARNING_RATES = (1.0, 3.0, 9.0)
#: The step counts the chapter compares on the validation set (one run keeps all four).
DIGITS_STEPS = (50, 150, 450, 1350)


@functools.lru_cache(maxsize=8)
def digits_split(seed: int, validation_fraction: float = 0.25,
                 test_fraction: float = 0.25) -> ThreeWaySplit:
    """The handwritten digits (:func:`lib.datasets.digits`) split into training, validation and test.

    The test set is ``digits(test_fraction, seed=seed)``'s; the validation set is
    ``validation_fraction`` of the rest, drawn by ``np.random.default_rng([seed, 1])``
    (:func:`lib.datasets.hold_out`). The arrays are read-only (the split is cached).

    Examples
    --------
    >>> s = digits_split(1)
    >>> len(s.y_train), len(s.y_val), len(s.y_test)
    (1011, 337, 449)
    """
    data = digits(test_fraction, seed=seed)
    order = np.random.default_rng([seed, 1]).permutation(len(data.y_train))
    return hold_out(data, order, int(round(validation_fraction * len(order))))


@functools.lru_cache(maxsize=32)
def digits_run(seed: int, lr: float, steps: tuple = DIGITS_STEPS):
    """Softmax regression on ``digits_split(seed)``'s training set, kept after each of ``steps``.

    Full-batch gradient descent (so there is no batch order): the seed fixes the split and the
    initial weights (``np.random.default_rng([seed, 2])``). Cached per (seed, lr, steps) as passed:
    the functions here always pass all of :data:`DIGITS_STEPS`.

    Returns
    -------
    tuple of SoftmaxRegression, one per entry of ``steps`` (:func:`softmax_regression_path`).

    Examples
    --------
    >>> (model,) = digits_run(1, 3.0, (450,))
    >>> model.n_parameters, len(model.losses)
    (650, 450)
    """
    s = digits_split(seed)
    return softmax_regression_path(s.X_train, s.y_train, rng=np.random.default_rng([seed, 2]),
                                   classes=10, lr=lr, steps=tuple(steps))


def digits_model(seed: int, lr: float, steps: int) -> SoftmaxRegression:
    """The model of ``digits_run(seed, lr)`` after ``steps`` steps (a run of its own if ``steps`` is
    not one of :data:`DIGITS_STEPS`).

    Examples
    --------
    >>> digits_model(1, 3.0, 150).W.shape
    (64, 10)
    """
    if steps in DIGITS_STEPS:
        return digits_run(seed, lr, DIGITS_STEPS)[DIGITS_STEPS.index(steps)]
    return digits_run(seed, lr, (int(steps),))[0]


def accuracy(model, X, y) -> float:
    """The share of rows of ``X`` whose predicted class is ``y``.

    Examples
    --------
    >>> model = SoftmaxRegression(W=np.zeros((64, 10)), b=np.zeros(10), losses=np.array([]))
    >>> accuracy(model, np.zeros((2, 64)), [0, 1])   # every logit 0: the argmax is class 0
    0.5
    """
    return float(np.mean(model.predict(X) == np.asarray(y)))


@dataclass(frozen=True)
class DigitsSelection:
    """Validation accuracy of every (learning rate, step count) over the seeds.

    ``validation[i][j]`` is the :class:`~lib.experiments.Spread` of ``learning_rates[i]`` trained for
    ``steps[j]`` steps; ``best`` is the pair with the largest mean, and of pairs with equal means the
    one with fewer steps (the cheaper run).
    """

    learning_rates: tuple
    steps: tuple
    validation: tuple   # of tuples of Spread, [learning rate][step count]

    @property
    def means(self) -> np.ndarray:
        """The mean validation accuracy, shape (learning rates, step counts)."""
        return np.array([[float(s.mean) for s in row] for row in self.validation])

    @property
    def ranking(self) -> list:
        """Every (learning rate, steps), the largest mean validation accuracy first; of equal means
        (to 12 decimals: the same number of images right, summed over the runs) the one with fewer
        steps first, then the order of the grid."""
        means = np.round(self.means, 12)
        cells = [(i, j) for i in range(len(self.learning_rates)) for j in range(len(self.steps))]
        cells.sort(key=lambda c: (-means[c], self.steps[c[1]]))     # sort is stable: grid order
        return [(self.learning_rates[i], self.steps[j]) for i, j in cells]

    @property
    def best(self) -> tuple:
        """(learning rate, steps) of the largest mean validation accuracy (of equal means, the one
        with fewer steps)."""
        return self.ranking[0]

    def tied_with_best(self) -> list:
        """The other settings whose mean validation accuracy equals the best one's (to 12 decimals)."""
        top = round(float(self.spread(*self.best).mean), 12)
        return [c for c in self.ranking[1:] if round(float(self.spread(*c).mean), 12) == top]

    def spread(self, lr, steps) -> Spread:
        """The validation accuracies of one setting over the seeds."""
        return self.validation[self.learning_rates.index(lr)][self.steps.index(steps)]

    def head_to_head(self, a, b) -> tuple:
        """In how many runs setting ``a`` (a (lr, steps) pair) is ahead of ``b``, behind it, tied."""
        va, vb = self.spread(*a).values, self.spread(*b).values
        return int(np.sum(va > vb)), int(np.sum(va < vb)), int(np.sum(va == vb))

    def changes(self, lr) -> tuple:
        """Run by run, along the row of ``lr``: for each step count and the next, in how many runs
        the validation accuracy goes up, goes down and stays the same, ``(up, down, same)``."""
        return tuple(self.head_to_head((lr, after), (lr, before))
                     for before, after in zip(self.steps, self.steps[1:]))


def choose_on_validation(seeds=SEEDS, learning_rates=DIGITS_LEARNING_RATES, steps=DIGITS_STEPS):
    """Each setting's validation accuracy over ``seeds``, and the best: the test set is not touched.

    Examples
    --------
    >>> sel = choose_on_validation(seeds=(1, 2), learning_rates=(0.5, 2.0), steps=(10, 50))
    >>> sel.best, len(sel.ranking), len(sel.spread(2.0, 50))
    ((2.0, 50), 4, 2)
    >>> sum(sel.head_to_head((2.0, 50), (0.5, 10)))
    2
    >>> sel.tied_with_best()
    []
    >>> sel.changes(2.0)                       # from 10 to 50 steps: up in both runs
    ((2, 0, 0),)
    """
    seeds, learning_rates, steps = tuple(seeds), tuple(learning_rates), tuple(steps)

    def row(lr):
        runs = {seed: digits_run(seed, lr, steps) for seed in seeds}
        return tuple(over_seeds(lambda seed: accuracy(runs[seed][j], digits_split(seed).X_val,
                                                      digits_split(seed).y_val), seeds)
                     for j in range(len(steps)))

    return DigitsSelection(learning_rates, steps, tuple(row(lr) for lr in learning_rates))


def binomial_standard_error(p, n) -> float:
    """The standard error of an accuracy measured on ``n`` independent examples: sqrt(p (1 - p) / n).

    Each test image is right with probability p, so the number right is binomial and the measured
    share has this standard deviation around p. For n this large the share is close to normally
    distributed: it lies within one standard error of p about two times in three
    (:func:`normal_coverage`), within 1.96 of them 19 times in 20 (:func:`normal_interval`).

    Examples
    --------
    >>> round(binomial_standard_error(0.96, 449), 4)
    0.0092
    >>> binomial_standard_error(1.0, 10)
    0.0
    """
    p, n = float(p), int(n)
    return float(np.sqrt(p * (1.0 - p) / n))


def finite_population_correction(n, population) -> float:
    """sqrt((M - n) / (M - 1)): how much less a share measured on ``n`` examples drawn without
    replacement from ``population`` = M varies than on n independent ones.

    Examples
    --------
    >>> round(finite_population_correction(449, 1797), 4)
    0.8663
    >>> finite_population_correction(449, 449)     # the whole set: no spread at all
    0.0
    """
    n, population = int(n), int(population)
    if population < n or population < 2:
        raise ValueError(f"population: expected at least n = {n} examples (and 2), got {population}")
    return float(np.sqrt((population - n) / (population - 1)))


def hypergeometric_standard_error(p, n, population) -> float:
    """The standard error of an accuracy measured on ``n`` of a fixed set of ``population`` = M
    examples, drawn without replacement, by a fixed classifier right on a share p of all M.

    The number right is then hypergeometric, not binomial: its share has the binomial standard
    error times the finite-population correction (:func:`finite_population_correction`),
    sqrt(p (1 - p) / n) * sqrt((M - n) / (M - 1)). It is the spread around the share right on the
    M examples, not on new ones.

    Examples
    --------
    >>> round(hypergeometric_standard_error(0.96, 449, population=1797), 4)
    0.008
    >>> hypergeometric_standard_error(0.96, 449, population=449)
    0.0
    """
    return binomial_standard_error(p, n) * finite_population_correction(n, population)


def normal_coverage(k) -> float:
    """How often a normally distributed estimate lies within ``k`` standard errors of its mean:
    2 Phi(k) - 1 = erf(k / sqrt 2).

    Examples
    --------
    >>> round(normal_coverage(1.0), 4), round(normal_coverage(1.959964), 4)
    (0.6827, 0.95)
    """
    return float(math.erf(float(k) / math.sqrt(2.0)))


def normal_quantile(level=0.95) -> float:
    """The z for which estimate +- z standard errors holds the mean with probability ``level``
    (two-sided): Phi^-1((1 + level) / 2), 1.96 for 95 %.

    Examples
    --------
    >>> round(normal_quantile(0.95), 4), round(normal_quantile(0.6827), 3)
    (1.96, 1.0)
    """
    level = float(level)
    if not 0 < level < 1:
        raise ValueError(f"level: expected a probability strictly between 0 and 1, got {level}")
    return statistics.NormalDist().inv_cdf((1.0 + level) / 2.0)


def normal_interval(estimate, standard_error, level=0.95) -> tuple:
    """The interval estimate +- z standard errors, z = :func:`normal_quantile` of ``level``: in the
    normal approximation it holds the true value with probability ``level``.

    Examples
    --------
    >>> low, high = normal_interval(0.955, 0.0095)
    >>> round(low, 4), round(high, 4)
    (0.9364, 0.9736)
    """
    z = normal_quantile(level)
    return float(estimate) - z * float(standard_error), float(estimate) + z * float(standard_error)


@dataclass(frozen=True)
class DigitsAccuracy:
    """One setting's results over the seeds, each a :class:`~lib.experiments.Spread` (one value per
    run): the accuracies on the three sets, and on the test set the mean probability of the
    predicted class (``confidence``) and the largest logit (``largest_logit``). ``n_test`` is the
    size of each test set, ``n_images`` that of the whole data set every split draws it from."""

    lr: float
    steps: int
    train: Spread
    validation: Spread
    test: Spread
    confidence: Spread
    largest_logit: Spread
    n_test: int
    n_images: int

    @property
    def gap(self) -> Spread:
        """Training minus test accuracy, run by run."""
        return Spread(self.train.values - self.test.values, self.train.seeds)

    @property
    def test_std(self) -> float:
        """The standard deviation of the test accuracies over the runs (ddof = 1)."""
        return float(np.std(self.test.values, ddof=1))

    @property
    def standard_error(self) -> float:
        """The binomial standard error of one test accuracy, at the mean test accuracy: one test
        accuracy lies within it of the accuracy on new digits about two times in three."""
        return binomial_standard_error(self.test.mean, self.n_test)

    def interval(self, accuracy, level=0.95) -> tuple:
        """The ``level`` interval (:func:`normal_interval`) around one test accuracy, with
        :attr:`standard_error`."""
        return normal_interval(accuracy, self.standard_error, level)

    @property
    def finite_population_factor(self) -> float:
        """sqrt((n_images - n_test) / (n_images - 1)) (:func:`finite_population_correction`)."""
        return finite_population_correction(self.n_test, self.n_images)

    @property
    def split_standard_error(self) -> float:
        """The spread predicted for the test accuracies of one fixed classifier over test sets of
        ``n_test`` drawn without replacement from the same ``n_images``: the hypergeometric
        standard error (:func:`hypergeometric_standard_error`), the binomial one times
        :attr:`finite_population_factor`. It leaves out that each run trains another model."""
        return hypergeometric_standard_error(self.test.mean, self.n_test, self.n_images)


def digits_accuracy(lr, steps, seeds=SEEDS) -> DigitsAccuracy:
    """Softmax regression on the digits with one setting, over ``seeds``: see :class:`DigitsAccuracy`.

    Examples
    --------
    >>> acc = digits_accuracy(3.0, 450, seeds=(1, 2))
    >>> acc.n_test, acc.n_images, bool(acc.test.min > 0.9), bool(acc.gap.min > 0)
    (449, 1797, True, True)
    """
    seeds = tuple(seeds)
    first = digits_split(seeds[0])

    def measure(of):
        return over_seeds(lambda seed: of(digits_model(seed, lr, steps), digits_split(seed)), seeds)

    return DigitsAccuracy(
        lr, steps,
        train=measure(lambda m, s: accuracy(m, s.X_train, s.y_train)),
        validation=measure(lambda m, s: accuracy(m, s.X_val, s.y_val)),
        test=measure(lambda m, s: accuracy(m, s.X_test, s.y_test)),
        confidence=measure(lambda m, s: float(m.probabilities(s.X_test).max(axis=1).mean())),
        largest_logit=measure(lambda m, s: float(m.logits(s.X_test).max())),
        n_test=len(first.y_test), n_images=len(first.y_train) + len(first.y_val) + len(first.y_test))


@dataclass(frozen=True)
class ConfidenceGroup:
    """The test answers whose probability (the probability of the predicted digit) lies in
    [``low``, ``high``), over the seeds, each a :class:`~lib.experiments.Spread` (one value per run):
    how many there are (``count``), their mean probability (``confidence``), the share of them that
    is right (``accuracy``), and ``calibrated_error``, the standard deviation that share would have
    if the model were calibrated, sqrt(sum_i c_i (1 - c_i)) / n (answer i right with probability
    c_i, its own probability)."""

    low: float
    high: float
    count: Spread
    confidence: Spread
    accuracy: Spread
    calibrated_error: Spread

    @property
    def gap(self) -> Spread:
        """Share right minus mean probability, run by run: positive where the model is less sure
        than right."""
        return Spread(self.accuracy.values - self.confidence.values, self.accuracy.seeds)

    @property
    def gap_in_errors(self) -> Spread:
        """:attr:`gap` in units of ``calibrated_error``: how far each run is from what a
        calibrated model gives, in its own standard deviations."""
        return Spread(self.gap.values / self.calibrated_error.values, self.accuracy.seeds)


@dataclass(frozen=True)
class Reliability:
    """A reliability check of one setting on the test sets: its answers grouped by their
    probability (``groups``, :class:`ConfidenceGroup`, lowest first). A calibrated model's share
    right in every group matches the group's mean probability, up to ``calibrated_error``."""

    lr: float
    steps: int
    groups: tuple

    @property
    def largest_gap_in_errors(self) -> float:
        """The largest ``|gap_in_errors|`` over the groups and the runs: every group of every run
        lies within this many calibrated spreads of its mean probability."""
        return float(max(np.abs(g.gap_in_errors.values).max() for g in self.groups))


def reliability(lr, steps, edges=(0.0, 0.9, 1.0), seeds=SEEDS) -> Reliability:
    """Group each run's test answers by the probability of the answer, between consecutive
    ``edges`` (the last group includes its upper edge), and compare in each group the mean
    probability with the share right.

    Matching averages over the whole test set are necessary for calibration, not sufficient: too
    sure in one group and not sure enough in another can cancel. Grouping shows it, up to the
    noise of a small group (``calibrated_error``).

    Examples
    --------
    >>> r = reliability(3.0, 450, seeds=(1, 2))
    >>> [(g.low, g.high) for g in r.groups], int(sum(g.count.values.sum() for g in r.groups))
    ([(0.0, 0.9), (0.9, 1.0)], 898)
    >>> bool(np.all(r.groups[1].calibrated_error.values < r.groups[0].calibrated_error.values))
    True
    """
    edges, seeds = tuple(float(e) for e in edges), tuple(seeds)
    if len(edges) < 2 or any(b <= a for a, b in zip(edges, edges[1:])):
        raise ValueError(f"edges: expected at least two increasing values, got {edges}")

    def answers(seed):
        s = digits_split(seed)
        P = digits_model(seed, lr, steps).probabilities(s.X_test)
        return P.max(axis=1), P.argmax(axis=1) == s.y_test

    runs = {seed: answers(seed) for seed in seeds}

    def group(low, high, last):
        def members(seed):
            c, right = runs[seed]
            inside = (c >= low) & ((c <= high) if last else (c < high))
            if not inside.any():
                raise ValueError(f"edges: no test answer of seed {seed} has a probability in "
                                 f"[{low}, {high}]")
            return c[inside], right[inside]

        def measure(of):
            return over_seeds(lambda seed: float(of(*members(seed))), seeds)

        return ConfidenceGroup(
            low, high,
            count=measure(lambda c, r: c.size),
            confidence=measure(lambda c, r: c.mean()),
            accuracy=measure(lambda c, r: r.mean()),
            calibrated_error=measure(lambda c, r: np.sqrt(np.sum(c * (1 - c))) / c.size))

    last = len(edges) - 2
    return Reliability(lr, steps, tuple(group(a, b, i == last)
                                        for i, (a, b) in enumerate(zip(edges, edges[1:]))))


@dataclass(frozen=True)
class LossRises:
    """Where a learning rate's training loss goes up instead of down, over the seeds (each a
    :class:`~lib.experiments.Spread`): the largest rise from one step to the next (negative if the
    loss falls at every step), and the last step whose loss is above the one before (0 if none)."""

    lr: float
    largest: Spread
    last: Spread


def loss_rises(lr, steps=DIGITS_STEPS[-1], seeds=SEEDS) -> LossRises:
    """Where the training loss of ``digits_model(seed, lr, steps)`` rises, for every seed.

    Gradient descent with a step too large for the loss's curvature overshoots: the loss goes up.

    Examples
    --------
    >>> r = loss_rises(1.0, 50, seeds=(1,))
    >>> bool(r.largest.max < 0), int(r.last.max)          # lr = 1: down at every step
    (True, 0)
    """
    def rises(seed):
        return np.diff(digits_model(seed, lr, steps).losses)

    def last(seed):
        up = np.flatnonzero(rises(seed) > 0)
        return float(up[-1] + 2) if up.size else 0.0     # step i + 2 is above step i + 1

    return LossRises(lr, over_seeds(lambda seed: float(rises(seed).max()), seeds), over_seeds(last, seeds))


def weight_distance(a, b, seeds=SEEDS) -> Spread:
    """How far apart two settings' weights end, relative to the second's, over ``seeds``.

    ``a`` and ``b`` are (learning rate, steps) pairs; for each seed the value is
    ||theta_a - theta_b|| / ||theta_b||, theta being all weights and biases of the model
    :func:`digits_model` trains. Gradient descent with small steps follows the path of the gradient
    flow dtheta/dt = -grad L, on which only the product lr * steps (the time) counts: two settings
    with the same product then end close together.

    Examples
    --------
    >>> d = weight_distance((1.0, 150), (3.0, 50), seeds=(1,))
    >>> bool(0 < d.mean < 0.1)
    True
    """
    def distance(seed):
        ma, mb = digits_model(seed, *a), digits_model(seed, *b)
        va, vb = np.concatenate([ma.W.ravel(), ma.b]), np.concatenate([mb.W.ravel(), mb.b])
        return float(np.linalg.norm(va - vb) / np.linalg.norm(vb))

    return over_seeds(distance, seeds)


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
        A model's probabilities.
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
