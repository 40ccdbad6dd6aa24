"""The experiments of the Vanishing gradients chapter.

Two measurements, each a few calls to :class:`lib.network.MLP` and cached per setting (with a bound),
so that an explorer computes every setting once:

* :func:`gradient_profile` builds a deep network, runs one forward and one backward pass on a fixed
  batch of the toy task and records, for every layer, the size of the gradient that reaches it;
* :func:`train_curve` trains a network on the toy task with plain gradient descent and records the loss
  of every step; :class:`TrainingRun` is the same run taken a few steps at a time, which lets the
  training explorer draw a run while it trains.

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
    """

    grad_z: np.ndarray
    grad_W: np.ndarray
    factor_mean: np.ndarray
    factor_max: np.ndarray
    dead: np.ndarray
    forward: np.ndarray
    output_std: float

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
        factors = [act.f.derivative(act.z, **act._params()) for act in net.acts[:-1]]
        forward = np.array([np.sqrt(np.mean(layer.x**2)) for layer in net.dense])
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
    )


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
