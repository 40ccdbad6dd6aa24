"""The experiments of the Vanishing gradients chapter.

Two measurements, each a few calls to :class:`lib.network.MLP` and cached per setting (with a bound),
so that an explorer computes every setting once:

* :func:`gradient_profile` builds a deep network, runs one forward and one backward pass on a fixed
  batch of the toy task and records, for every layer, the size of the gradient that reaches it;
* :func:`train_curve` trains a network on the toy task with plain gradient descent and records the loss
  of every step; :class:`TrainingRun` is the same run taken a few steps at a time, which lets the
  training explorer draw a run while it trains.

Two more, for the initialization sections: :func:`variance_profile` measures the variance of the
forward and backward signals layer by layer in a wide network (what Xavier and He initialization keep
constant), and :func:`symmetry_run` trains a small network from all-zero, all-equal and random
weights (identical units stay identical).

Besides: the toy task (:func:`toy_task`), the networks (:func:`build_net`), the bound ``4^-n``
(:func:`sigmoid_bound`), the loss of the best constant prediction (:func:`mean_predictor_loss`) and the
reference answer of the dead-units exercise (:func:`dead_fraction_reference`). The figures are in
``lib.views.vanishing``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..network import MLP, mse_loss
from . import BoundedCache

#: The activations the chapter measures, in the order its figures use.
ACTIVATION_NAMES = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu")

#: The initialization that suits each activation: Xavier/Glorot for sigmoid and tanh, He otherwise.
MATCHED_INIT = {"sigmoid": "xavier", "tanh": "xavier"}

#: Standard deviation of the "normal" initialization at gain 1 (``MLP``'s default ``scale``).
NORMAL_SCALE = 0.1


def matched_init(activation: str) -> str:
    """The initialization suited to ``activation``.

    Examples
    --------
    >>> matched_init("tanh"), matched_init("relu")
    ('xavier', 'he')
    """
    return MATCHED_INIT.get(activation, "he")


def toy_task(n: int = 256, seed: int = 0):
    """The chapter's small regression task: ``y = sin(2 x1) cos(x2)`` on ``[-2, 2]^2``.

    Returns
    -------
    X : ndarray of shape (n, 2)
    y : ndarray of shape (n, 1)

    Examples
    --------
    >>> X, y = toy_task()
    >>> X.shape, y.shape
    ((256, 2), (256, 1))
    >>> bool(np.abs(X).max() <= 2 and np.abs(y).max() <= 1)
    True
    """
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2.0, 2.0, size=(n, 2))
    y = np.sin(2.0 * X[:, :1]) * np.cos(X[:, 1:])
    return X, y


def mean_predictor_loss() -> float:
    """The loss of always predicting the mean of y on the toy task (the variance of y).

    Examples
    --------
    >>> round(mean_predictor_loss(), 4)
    0.1687
    """
    _, y = toy_task()
    return float(np.var(y))


def sigmoid_bound(n) -> np.ndarray:
    """``4**-n``: the most that ``n`` sigmoid derivatives (each at most 1/4) can multiply to.

    Examples
    --------
    >>> sigmoid_bound([0, 1, 10])
    array([1.00000000e+00, 2.50000000e-01, 9.53674316e-07])
    """
    return 4.0 ** -np.asarray(n, dtype=np.float64)


def build_net(depth: int, activation: str, init: str = "he", gain: float = 1.0, *,
              batchnorm: bool = False, bias_init: float = 0.0, width: int = 32, seed: int = 1) -> MLP:
    """A network ``[2, width x depth, 1]`` for the toy task.

    ``init`` is ``"normal"``, ``"xavier"``, ``"he"`` or ``"matched"`` (:func:`matched_init`).
    ``gain`` multiplies the standard deviation of every scheme: He and Xavier through ``MLP``'s
    ``gain``, the plain normal through ``scale = NORMAL_SCALE * gain``.

    Examples
    --------
    >>> net = build_net(3, "tanh", "normal", gain=2.0)
    >>> net.sizes
    [2, 32, 32, 32, 1]
    >>> round(float(net.dense[1].W.std()), 1)
    0.2
    """
    if init == "matched":
        init = matched_init(activation)
    options = {"scale": NORMAL_SCALE * gain} if init == "normal" else {"gain": gain}
    return MLP([2] + [width] * int(depth) + [1], rng=np.random.default_rng(seed), activation=activation,
               init=init, batchnorm=batchnorm, bias_init=bias_init, **options)


#: Where an output counts as saturated: outside these bounds the slope is below about 1/50 of its
#: largest value (``tanh' = 1 - h^2 < 0.02`` for ``|h| > 0.99``; ``sigmoid' = h (1 - h) < 0.0099``).
SATURATION_BOUNDS = {"tanh": (-0.99, 0.99), "sigmoid": (0.01, 0.99)}


def saturated_fraction(activation: str, h) -> float:
    """The fraction of outputs ``h`` of ``activation`` that sit on a flat part of the curve.

    tanh: ``|h| > 0.99``; sigmoid: ``h < 0.01`` or ``h > 0.99``. The other activations of the chapter
    have no flat side that still passes a signal forward (ReLU's zero side is counted as "off" and
    "dead" instead), so their fraction is 0.

    Examples
    --------
    >>> saturated_fraction("tanh", np.tanh([0.0, 1.0, 3.0, -3.0]))
    0.5
    >>> saturated_fraction("sigmoid", [0.005, 0.5, 0.995, 0.9]), saturated_fraction("relu", [5.0])
    (0.5, 0.0)
    """
    h = np.asarray(h, dtype=np.float64)
    if activation not in SATURATION_BOUNDS:
        return 0.0
    low, high = SATURATION_BOUNDS[activation]
    return float(np.mean((h < low) | (h > high)))


# --------------------------------------------------------------------------------------------------
# One forward and backward pass, layer by layer
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """One forward and backward pass through a deep network, measured layer by layer.

    Every per-layer array runs from the first hidden layer (index 0) to the output layer (last).

    Attributes
    ----------
    grad_z : ndarray of shape (depth + 1,)
        ``||dLoss/dz||`` for each layer's pre-activation z: the gradient that reaches the layer.
    grad_W : ndarray of shape (depth + 1,)
        ``||dLoss/dW||`` for each layer's weights: what the update ``W <- W - lr dLoss/dW`` uses.
    factor_mean, factor_max : ndarray of shape (depth,)
        Mean and largest activation derivative ``f'(z)`` of each hidden layer over the batch.
    dead : ndarray of shape (depth,)
        Fraction of each hidden layer's units that never activate on the batch.
    forward : ndarray of shape (depth + 1,)
        The forward signal: the root mean square of each layer's input ``h_{k-1}`` over the batch and
        its units (entry 0 is the data X, the last entry the output layer's input). The weight
        gradient of layer k is ``h_{k-1}^T dLoss/dz_k``: this signal times the backward one.
    output_std : float
        The standard deviation of the network's output over the batch (0 for a network that answers
        every input the same).
    z_var : ndarray of shape (depth,)
        ``Var(z_k)``: the variance of each hidden layer's pre-activation over the batch and its units,
        the quantity that Xavier and He initialization keep constant from layer to layer.
    h_mean, h_std : ndarray of shape (depth,)
        Mean and standard deviation of each hidden layer's output ``h_k = f(z_k)`` over the batch and
        its units (a mean far from 0 is an output that is not zero-centred).
    saturated : ndarray of shape (depth,)
        Fraction of each hidden layer's outputs that are saturated (:func:`saturated_fraction`):
        ``|tanh| > 0.99``, sigmoid outside ``[0.01, 0.99]``; 0 for the other activations.
    off : ndarray of shape (depth,)
        Fraction of each hidden layer's outputs whose activation slope is exactly 0 (ReLU's zero
        side); ``dead`` counts the units for which that holds on every sample.
    """

    grad_z: np.ndarray
    grad_W: np.ndarray
    factor_mean: np.ndarray
    factor_max: np.ndarray
    dead: np.ndarray
    forward: np.ndarray
    output_std: float
    z_var: np.ndarray
    h_mean: np.ndarray
    h_std: np.ndarray
    saturated: np.ndarray
    off: np.ndarray

    @property
    def depth(self) -> int:
        return len(self.dead)

    def relative(self, of: str = "z") -> np.ndarray:
        """``of`` = "z" (backward signal), "W" (weight gradient) or "h" (forward signal: each layer's
        input), relative to the output layer's, ordered by ``n`` = layers back from the output: entry 0
        is the output layer (1.0), entry ``depth`` the first hidden layer."""
        g = {"z": self.grad_z, "W": self.grad_W, "h": self.forward}[of]
        with np.errstate(divide="ignore", invalid="ignore"):
            return g[::-1] / g[-1]

    @property
    def ratio(self) -> float:
        """``||dLoss/dz||`` at the first hidden layer divided by the output layer's."""
        return float(self.relative("z")[-1])

    @property
    def weight_ratio(self) -> float:
        """``||dLoss/dW||`` at the first hidden layer divided by the output layer's."""
        return float(self.relative("W")[-1])

    @property
    def forward_ratio(self) -> float:
        """The output layer's input over the first hidden layer's input (the data), in RMS: how much
        the forward signal shrinks (< 1) or grows on its way through the hidden layers."""
        return float(self.forward[-1] / self.forward[0])


@lru_cache(maxsize=512)
def gradient_profile(depth: int, activation: str, init: str = "he", gain: float = 1.0,
                     batchnorm: bool = False, bias_init: float = 0.0, width: int = 32,
                     seed: int = 1) -> Profile:
    """Measure the gradient in every layer of a fresh network on the toy task (cached).

    One forward pass on :func:`toy_task`, the mean squared error, one backward pass; then
    ``net.grad_norms("z")``, ``net.grad_norms("W")``, the activation derivatives of every hidden
    layer, and ``net.dead_fraction``. The arguments are those of :func:`build_net`. Treat the
    returned arrays as read-only: the result is shared by every caller with the same arguments.
    The cache keeps the last 512 settings (a profile is a few small arrays; the network is not kept).

    Examples
    --------
    >>> p = gradient_profile(20, "sigmoid", "xavier")
    >>> p.grad_z.shape, p.dead.shape
    ((21,), (20,))
    >>> bool(p.factor_max.max() <= 0.25)   # sigmoid' never exceeds 1/4
    True
    >>> bool(p.ratio < 1e-10)               # the gradient vanishes on its way to layer 1
    True
    >>> p.forward.shape, bool(0.3 < p.forward[-1] < 1)  # a sigmoid layer's output stays near 0.5
    ((21,), True)
    """
    net = build_net(depth, activation, init, gain, batchnorm=batchnorm, bias_init=bias_init,
                    width=width, seed=seed)
    X, y = toy_task()
    with np.errstate(over="ignore", invalid="ignore"):  # an exploding setting may overflow: show it
        y_hat = net.forward(X)
        _, dy_hat = mse_loss(y_hat, y)
        net.backward(dy_hat)
        factors = [act.slope for act in net.acts[:-1]]  # f'(z) of each hidden layer, as backward used it
        forward = np.array([np.sqrt(np.mean(layer.x**2)) for layer in net.dense])
        z = [a.z for a in net.acts[:-1]]
        h = [layer.x for layer in net.dense[1:]]  # each hidden layer's output, the next one's input
        z_var = np.array([np.var(zk) for zk in z])
        h_mean = np.array([np.mean(hk) for hk in h])
        h_std = np.array([np.std(hk) for hk in h])
        saturated = np.array([saturated_fraction(activation, hk) for hk in h])
    # a unit is dead when its derivative is 0 on every sample (as net.dead_fraction counts it),
    # read off this forward pass instead of running another
    dead = np.array([np.mean(np.all(f == 0, axis=0)) for f in factors])
    return Profile(
        grad_z=net.grad_norms("z"),
        grad_W=net.grad_norms("W"),
        factor_mean=np.array([f.mean() for f in factors]),
        factor_max=np.array([f.max() for f in factors]),
        dead=dead,
        forward=forward,
        output_std=float(np.std(y_hat)),
        z_var=z_var,
        h_mean=h_mean,
        h_std=h_std,
        saturated=saturated,
        off=np.array([np.mean(f == 0) for f in factors]),
    )


# --------------------------------------------------------------------------------------------------
# Initialization: the variance of the signals, layer by layer
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VarianceProfile:
    """The variance of the forward and backward signals in every hidden layer of a wide network.

    Attributes
    ----------
    z_var : ndarray of shape (depth,)
        ``Var(z_k)`` of each hidden layer's pre-activation over the batch and the units.
    dz_var : ndarray of shape (depth,)
        ``Var(dLoss/dz_k)`` for a random upstream gradient, relative to the last hidden layer's.
    weight_var : ndarray of shape (depth,)
        The variance of each hidden layer's initial weights, as ``MLP`` drew them.
    """

    z_var: np.ndarray
    dz_var: np.ndarray
    weight_var: np.ndarray


@lru_cache(maxsize=64)
def variance_profile(activation: str, init: str, depth: int = 20, width: int = 128, n: int = 128,
                     seed: int = 0) -> VarianceProfile:
    """One forward and backward pass through ``MLP([width] * (depth + 1) + [1], init=init)`` (cached).

    The input is ``n`` rows of standard normal data (``Var(x) = 1``), so every hidden layer, the first
    included, has ``n_in = width``; the backward pass starts from a standard normal ``dLoss/dy_hat``.
    This is the setting of the derivation of Xavier and He initialization: with ``Var(W) = 1/n_in``
    (tanh near 0) or ``2/n_in`` (ReLU) the variance of ``z`` is the same in every layer. ``init`` is
    one of ``MLP``'s schemes; ``"normal"`` is its fixed standard deviation 0.1 whatever the width.

    Examples
    --------
    >>> relu = variance_profile("relu", "he")
    >>> bool(0.5 < relu.z_var[-1] / relu.z_var[0] < 2)        # level over 20 layers
    True
    >>> bool(variance_profile("relu", "xavier").z_var[-1] < 1e-5)  # halved at every layer
    True
    >>> round(float(relu.weight_var[0] * 128), 1)  # He: Var(W) = 2 / n_in, as drawn
    2.0
    """
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(int(n), int(width)))
    upstream = rng.normal(size=(int(n), 1))
    net = MLP([int(width)] * (int(depth) + 1) + [1], rng=rng, activation=activation, init=init)
    with np.errstate(over="ignore", invalid="ignore"):
        net.forward(X)
        net.backward(upstream)
        z_var = np.array([np.var(a.z) for a in net.acts[:-1]])
        dz_var = np.array([np.var(a.dz) for a in net.acts[:-1]])
    return VarianceProfile(z_var=z_var, dz_var=dz_var / dz_var[-1],
                           weight_var=np.array([np.var(d.W) for d in net.dense[:-1]]))


# --------------------------------------------------------------------------------------------------
# Symmetry: identical starting weights stay identical
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SymmetryRun:
    """A small network trained from all-zero, all-equal or random weights.

    Attributes
    ----------
    losses : ndarray of shape (steps,)
        The training loss before each step.
    spread : ndarray of shape (n_hidden,)
        For each hidden layer after training, the largest difference between two of its units'
        incoming weights and biases: 0 when every unit of the layer is a copy of the others.
    spread_before : ndarray of shape (n_hidden,)
        The same at initialization.
    first_weights : ndarray of shape (2, width)
        The first hidden layer's weights after training; column j holds unit j's incoming weights.
    """

    losses: np.ndarray
    spread: np.ndarray
    spread_before: np.ndarray
    first_weights: np.ndarray

    @property
    def final(self) -> float:
        return float(self.losses[-1])


def unit_spread(layer) -> float:
    """The largest difference between two units of a dense layer: ``max |W[:, j] - W[:, 0]|`` and
    ``max |b_j - b_0|`` over all units j (column j of ``W`` holds unit j's incoming weights).

    Examples
    --------
    >>> from lib.network import Dense
    >>> unit_spread(Dense(np.ones((2, 3)), np.zeros(3)))
    0.0
    >>> unit_spread(Dense([[1.0, 1.5], [2.0, 2.0]], [0.0, 0.0]))
    0.5
    """
    W, b = layer.W, layer.b
    return float(max(np.abs(W - W[:, :1]).max(), np.abs(b - b[0]).max()))


#: The starting weights :func:`symmetry_run` compares.
SYMMETRY_INITS = ("zero", "equal", "random")


@lru_cache(maxsize=16)
def symmetry_run(start: str, activation: str = "tanh", width: int = 8, value: float = 0.5,
                 lr: float = 0.1, steps: int = 300, seed: int = 1) -> SymmetryRun:
    """Train ``[2, width, width, 1]`` on the toy task from identical or random weights (cached).

    ``start`` is ``"zero"`` (every weight and bias 0), ``"equal"`` (every weight ``value``, biases 0)
    or ``"random"`` (Xavier). Each step is full-batch gradient descent, ``net.sgd_step(lr)``.

    Two units of a layer with the same incoming weights compute the same output, receive the same
    gradient (their outgoing weights are equal too) and so make the same update: they stay copies
    of each other for ever, and the layer is as good as one unit. With all-zero weights even that
    unit is silent: every hidden output is ``tanh(0) = 0`` and every weight gradient
    ``h^T delta`` or ``delta W^T`` is 0, so only the output bias learns (the mean of y).

    Examples
    --------
    >>> zero, equal, rand = (symmetry_run(s) for s in SYMMETRY_INITS)
    >>> float(zero.spread.max()), float(equal.spread.max())  # every unit still a copy of the others
    (0.0, 0.0)
    >>> bool(abs(zero.final - mean_predictor_loss()) < 1e-6)   # learned the mean, nothing more
    True
    >>> bool(rand.final < 0.5 * equal.final), bool(rand.spread.min() > 0.1)
    (True, True)
    """
    if start not in SYMMETRY_INITS:
        raise ValueError(f"start: choose from {SYMMETRY_INITS}, got {start!r}")
    sizes = [2, int(width), int(width), 1]
    rng = np.random.default_rng(seed)
    if start == "random":
        net = MLP(sizes, rng=rng, activation=activation, init="xavier")
    else:
        net = MLP(sizes, rng=rng, activation=activation, init="normal", scale=0.0)  # all zero
        for layer in net.dense:
            layer.W = np.full_like(layer.W, 0.0 if start == "zero" else float(value))
    X, y = toy_task()
    before = np.array([unit_spread(layer) for layer in net.dense[:-1]])
    losses = np.empty(int(steps))
    for t in range(int(steps)):
        losses[t], dy_hat = mse_loss(net.forward(X), y)
        net.backward(dy_hat)
        net.sgd_step(lr)
    return SymmetryRun(losses=losses,
                       spread=np.array([unit_spread(layer) for layer in net.dense[:-1]]),
                       spread_before=before, first_weights=net.dense[0].W.copy())


# --------------------------------------------------------------------------------------------------
# Training runs
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainResult:
    """Losses of a training run: ``losses[t]`` before update t; NaN after a divergence."""

    losses: np.ndarray
    dead_before: float
    dead_after: float
    diverged_at: int | None

    @property
    def final(self) -> float:
        """The last finite loss."""
        finite = self.losses[np.isfinite(self.losses)]
        return float(finite[-1]) if finite.size else float("nan")


class TrainingRun:
    """A training run of :func:`train_curve` that goes a few steps at a time.

    The training explorer draws a run while it trains, so that a new setting shows its first steps at
    once instead of after the whole run. Every step is the one :func:`train_curve` takes, so a finished
    run has exactly its losses. ``net`` is the network being trained; a finished run lets it go
    (``net`` becomes None) and keeps only its losses and dead fractions.

    Examples
    --------
    >>> run = TrainingRun("relu", 0.05, depth=4, steps=50)
    >>> run.advance(20)
    >>> run.t, run.done
    (20, False)
    >>> run.advance()
    >>> run.t, run.done, bool(run.result().final < run.losses[0]), run.net
    (50, True, True, None)
    """

    def __init__(self, activation: str, lr: float, depth: int = 10, init: str = "matched",
                 steps: int = 200, gain: float = 1.0, bias_init: float = 0.0, width: int = 32,
                 seed: int = 1):
        self.lr = float(lr)
        self.steps = int(steps)
        self.net = build_net(depth, activation, init, gain, bias_init=bias_init, width=width, seed=seed)
        self.X, self.y = toy_task()
        self.losses = np.full(self.steps, np.nan)
        self.t = 0
        self.diverged_at: int | None = None
        self.dead_before = float(self.net.dead_fraction(self.X).mean())
        self.dead_after = float("nan")
        # runs are shared (training_run): the explorer's worker thread and a notebook cell may
        # advance the same one at once, and must take turns
        self._lock = threading.Lock()

    @property
    def done(self) -> bool:
        return self.diverged_at is not None or self.t >= self.steps

    def advance(self, steps: int | None = None, *, seconds: float | None = None) -> None:
        """Take up to ``steps`` more steps (all that remain by default); with ``seconds``, stop
        after the first step that ends past that much time."""
        with self._lock:
            if self.net is not None:
                self._advance(steps, seconds)

    def _advance(self, steps, seconds):
        stop = self.steps if steps is None else min(self.steps, self.t + int(steps))
        deadline = None if seconds is None else time.perf_counter() + seconds
        net, X, y = self.net, self.X, self.y
        with np.errstate(all="ignore"):  # a diverging run overflows on purpose; it is stopped below
            while self.t < stop and self.diverged_at is None:
                loss, dy_hat = mse_loss(net.forward(X), y)
                if not np.isfinite(loss) or loss > 1e6:
                    self.diverged_at = self.t
                    break
                self.losses[self.t] = loss
                net.backward(dy_hat)
                net.sgd_step(self.lr)
                self.t += 1
                if deadline is not None and time.perf_counter() > deadline:
                    break
            if self.done:  # measured once, when the run ends; then the network is let go
                self.dead_after = float(net.dead_fraction(X).mean())
                self.net = None

    def result(self) -> TrainResult:
        """The losses so far (NaN for steps not taken); ``dead_after`` is NaN until the run ends."""
        return TrainResult(self.losses.copy(), self.dead_before, self.dead_after, self.diverged_at)


#: Runs by their arguments, finished or not, most recently used last (see :func:`training_run`).
RUNS = BoundedCache(256)

#: How many unfinished runs (each holding its network) :data:`RUNS` keeps at most.
KEEP_UNFINISHED = 4

_RUNS_LOCK = threading.Lock()


def training_run(activation: str, lr: float, depth: int = 10, init: str = "matched", steps: int = 200,
                 gain: float = 1.0, bias_init: float = 0.0, width: int = 32, seed: int = 1) -> TrainingRun:
    """The :class:`TrainingRun` for these arguments, shared and kept for reuse.

    A run left unfinished (the reader moved on) resumes where it stopped when its setting comes back.
    The cache is bounded: the last 256 runs, of which at most :data:`KEEP_UNFINISHED` unfinished ones
    (a finished run keeps only its losses, an unfinished one its network).

    Examples
    --------
    >>> run = training_run("relu", 0.05, depth=3, steps=20)
    >>> training_run("relu", 0.05, depth=3, steps=20) is run
    True
    """
    key = (activation, float(lr), int(depth), init, int(steps), float(gain), float(bias_init),
           int(width), int(seed))
    with _RUNS_LOCK:
        run = RUNS.get(key)
        if run is None:
            run = RUNS[key] = TrainingRun(*key)
            unfinished = [k for k, r in zip(RUNS.keys(), RUNS.values()) if not r.done and k != key]
            for old in unfinished[:max(0, len(unfinished) - (KEEP_UNFINISHED - 1))]:
                del RUNS[old]
    return run


def train_curve(activation: str, lr: float, depth: int = 10, init: str = "matched", steps: int = 200,
                gain: float = 1.0, bias_init: float = 0.0, width: int = 32, seed: int = 1) -> TrainResult:
    """Train a network on the toy task with full-batch gradient descent (cached).

    Each step is forward, loss, backward, update (``net.sgd_step(lr)``). A run whose loss
    becomes infinite, NaN or above 1e6 is stopped there and marked as diverged; the remaining
    losses are NaN.

    Examples
    --------
    >>> run = train_curve("relu", 0.05, depth=4, steps=50)
    >>> run.losses.shape, run.diverged_at
    ((50,), None)
    >>> bool(run.final < run.losses[0])
    True
    """
    run = training_run(activation, lr, depth, init, steps, gain, bias_init, width, seed)
    run.advance()
    return run.result()


# --------------------------------------------------------------------------------------------------
# The dead-units exercise
# --------------------------------------------------------------------------------------------------


def dead_fraction_reference(net: MLP, X) -> np.ndarray:
    """The fraction of each hidden layer's units whose activation derivative is 0 on every row of X.

    The reference answer of the ``count_dead`` exercise, written from ``net.pre_activations``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> net = MLP([3, 10, 10, 1], rng=rng, bias_init=-10.0)
    >>> dead_fraction_reference(net, rng.normal(size=(100, 3)))
    array([1., 1.])
    """
    net.forward(X, training=False)
    fractions = []
    for act, z in zip(net.acts[:-1], net.pre_activations[:-1]):
        slope = act.f.derivative(z, **act._params())
        fractions.append(np.all(slope == 0, axis=0).mean())
    return np.array(fractions)
