"""Measurements and figures for the Vanishing gradients chapter.

Two measurements, each a few calls to :class:`lib.network.MLP` and cached per setting, so an explorer
computes every setting once:

* :func:`gradient_profile` builds a deep network, runs one forward and one backward pass on a fixed
  batch of the toy task and records, for every layer, the size of the gradient that reaches it;
* :func:`train_curve` trains a network on the toy task with plain gradient descent and records the loss
  of every step; :class:`TrainingRun` is the same run taken a few steps at a time, which lets the
  training explorer draw a run while it trains.

The ``plot_*`` functions draw them; :class:`GradientView` and :class:`TrainingView` are the chapter's
explorers.
"""

from __future__ import annotations

import collections
import threading
import time
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..network import MLP, mse_loss
from ..plotting import CYCLE, PALETTE

#: The activations the chapter measures, in the order its figures use.
ACTIVATION_NAMES = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu")

#: A colour for each activation, the same in every figure of the chapter.
COLORS = dict(zip(ACTIVATION_NAMES + ("prelu",), CYCLE))

#: Line styles that tell apart curves which often lie on top of each other (tanh/ELU, ReLU/leaky ReLU).
LINESTYLES = {"tanh": "--", "leaky_relu": "--"}

#: The initialization that suits each activation: Xavier/Glorot for sigmoid and tanh, He otherwise.
MATCHED_INIT = {"sigmoid": "xavier", "tanh": "xavier"}

#: Standard deviation of the "normal" initialization at gain 1 (``MLP``'s default ``scale``).
NORMAL_SCALE = 0.1

#: Fixed vertical range of the gradient explorer (gradients relative to the output layer).
PROFILE_YLIM = (1e-32, 1e16)

#: Fixed vertical range of the training explorer.
LOSS_YLIM = (3e-3, 30.0)


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
    """

    grad_z: np.ndarray
    grad_W: np.ndarray
    factor_mean: np.ndarray
    factor_max: np.ndarray
    dead: np.ndarray

    @property
    def depth(self) -> int:
        return len(self.dead)

    def relative(self, of: str = "z") -> np.ndarray:
        """Gradient norms relative to the output layer's, ordered by ``n`` = layers back from the
        output: entry 0 is the output layer (1.0), entry ``depth`` the first hidden layer."""
        g = self.grad_z if of == "z" else self.grad_W
        with np.errstate(divide="ignore", invalid="ignore"):
            return g[::-1] / g[-1]

    @property
    def ratio(self) -> float:
        """``||dLoss/dz||`` at the first hidden layer divided by the output layer's."""
        return float(self.relative("z")[-1])


@lru_cache(maxsize=512)
def gradient_profile(depth: int, activation: str, init: str = "he", gain: float = 1.0,
                     batchnorm: bool = False, bias_init: float = 0.0, width: int = 32,
                     seed: int = 1) -> Profile:
    """Measure the gradient in every layer of a fresh network on the toy task (cached).

    One forward pass on :func:`toy_task`, the mean squared error, one backward pass; then
    ``net.grad_norms("z")``, ``net.grad_norms("W")``, the activation derivatives of every hidden
    layer, and ``net.dead_fraction``. The arguments are those of :func:`build_net`. Treat the
    returned arrays as read-only: the result is shared by every caller with the same arguments.

    Examples
    --------
    >>> p = gradient_profile(20, "sigmoid", "xavier")
    >>> p.grad_z.shape, p.dead.shape
    ((21,), (20,))
    >>> bool(p.factor_max.max() <= 0.25)   # sigmoid' never exceeds 1/4
    True
    >>> bool(p.ratio < 1e-10)               # the gradient vanishes on its way to layer 1
    True
    """
    net = build_net(depth, activation, init, gain, batchnorm=batchnorm, bias_init=bias_init,
                    width=width, seed=seed)
    X, y = toy_task()
    with np.errstate(over="ignore", invalid="ignore"):  # an exploding setting may overflow: show it
        _, dy_hat = mse_loss(net.forward(X), y)
        net.backward(dy_hat)
        factors = [act.f.derivative(act.z, **act._params()) for act in net.acts[:-1]]
    # a unit is dead when its derivative is 0 on every sample (as net.dead_fraction counts it),
    # read off this forward pass instead of running another
    dead = np.array([np.mean(np.all(f == 0, axis=0)) for f in factors])
    return Profile(
        grad_z=net.grad_norms("z"),
        grad_W=net.grad_norms("W"),
        factor_mean=np.array([f.mean() for f in factors]),
        factor_max=np.array([f.max() for f in factors]),
        dead=dead,
    )


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
    run has exactly its losses.

    Examples
    --------
    >>> run = TrainingRun("relu", 0.05, depth=4, steps=50)
    >>> run.advance(20)
    >>> run.t, run.done
    (20, False)
    >>> run.advance()
    >>> run.t, run.done, bool(run.result().final < run.losses[0])
    (50, True, True)
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
            if self.done and np.isnan(self.dead_after):  # measured once, when the run ends
                self.dead_after = float(net.dead_fraction(X).mean())

    def result(self) -> TrainResult:
        """The losses so far (NaN for steps not taken); ``dead_after`` is NaN until the run ends."""
        return TrainResult(self.losses.copy(), self.dead_before, self.dead_after, self.diverged_at)


#: Runs by their arguments, finished or not, most recently used last (see :func:`training_run`).
_RUNS: "collections.OrderedDict[tuple, TrainingRun]" = collections.OrderedDict()
_KEEP_RUNS = 256


def training_run(activation: str, lr: float, depth: int = 10, init: str = "matched", steps: int = 200,
                 gain: float = 1.0, bias_init: float = 0.0, width: int = 32, seed: int = 1) -> TrainingRun:
    """The :class:`TrainingRun` for these arguments, shared and kept (finished or not) for reuse.

    A run left unfinished (the reader moved on) resumes where it stopped when its setting comes back.
    """
    key = (activation, float(lr), int(depth), init, int(steps), float(gain), float(bias_init),
           int(width), int(seed))
    run = _RUNS.get(key)
    if run is None:
        run = _RUNS[key] = TrainingRun(*key)
        while len(_RUNS) > _KEEP_RUNS:
            _RUNS.popitem(last=False)
    _RUNS.move_to_end(key)
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
# Plotting functions
# --------------------------------------------------------------------------------------------------


def sigmoid_bound(n) -> np.ndarray:
    """``4**-n``: the most that ``n`` sigmoid derivatives (each at most 1/4) can multiply to.

    Examples
    --------
    >>> sigmoid_bound([0, 1, 10])
    array([1.00000000e+00, 2.50000000e-01, 9.53674316e-07])
    """
    return 4.0 ** -np.asarray(n, dtype=np.float64)


def plot_bound(ax, depth: int, **style):
    """Draw ``4^-n`` for n = 0..depth on ``ax`` (a log-scale axis); returns the line."""
    n = np.arange(int(depth) + 1)
    style = {"color": PALETTE["black"], "linestyle": ":", "label": r"bound $4^{-n}$", **style}
    (line,) = ax.plot(n, sigmoid_bound(n), **style)
    return line


def plot_gradient_profile(ax, profile: Profile, of: str = "z", **style):
    """Draw a profile's gradient norms relative to the output layer against n = layers back from the
    output, on a log scale; returns the line."""
    y = profile.relative(of)
    (line,) = ax.plot(np.arange(len(y)), y, **style)
    ax.set_yscale("log")
    ax.set_xlabel("n = layers back from the output")
    ax.set_ylabel("gradient norm / output layer's")
    return line


def plot_loss_curve(ax, result: TrainResult, **style):
    """Draw a training run's loss per step on a log scale; returns the line."""
    (line,) = ax.plot(np.arange(len(result.losses)), result.losses, **style)
    ax.set_yscale("log")
    ax.set_xlabel("training step")
    ax.set_ylabel("training loss (MSE)")
    return line


def mean_predictor_loss() -> float:
    """The loss of always predicting the mean of y on the toy task (the variance of y).

    Examples
    --------
    >>> round(mean_predictor_loss(), 4)
    0.1687
    """
    _, y = toy_task()
    return float(np.var(y))


# --------------------------------------------------------------------------------------------------
# Explorers
# --------------------------------------------------------------------------------------------------


def _sci(value: float) -> str:
    return "0" if value == 0 else f"{value:.1e}"


def axis_length(depth: int) -> int:
    """The x-axis length of the gradient explorer for a network this deep: the next of 5, 10, 20, 30,
    40, 50, ... A few lengths serve every depth, so a new depth seldom redraws the axes.

    Examples
    --------
    >>> [axis_length(d) for d in (2, 5, 6, 19, 30, 31, 50)]
    [5, 5, 10, 20, 30, 40, 50]
    """
    depth = int(depth)
    if depth <= 5:
        return 5
    return 10 * -(-depth // 10) if depth > 10 else 10


class GradientView:
    """The gradient stethoscope: how big the gradient is in every layer of a fresh deep network.

    Controls: ``depth``, ``activation``, ``init`` ("normal", "xavier", "he"), ``gain`` (multiplies the
    initial weights' standard deviation) and ``batchnorm``. Solid line: ``||dLoss/dz||``; dashed:
    ``||dLoss/dW||``; dotted: the sigmoid bound ``4^-n``; all relative to the output layer.
    """

    def __init__(self, fig, max_depth: int = 50, **values):
        self.ax = fig.add_subplot()
        self.max_depth = int(max_depth)
        n = np.arange(self.max_depth + 1)
        (self.z_line,) = self.ax.plot(n, np.ones_like(n, dtype=float), color=PALETTE["blue"],
                                      marker="o", markersize=3, label=r"$\|\partial L/\partial z\|$")
        (self.w_line,) = self.ax.plot(n, np.ones_like(n, dtype=float), color=PALETTE["orange"],
                                      linestyle="--", label=r"$\|\partial L/\partial W\|$")
        (self.bound_line,) = self.ax.plot(n, sigmoid_bound(n), color=PALETTE["black"], linestyle=":",
                                          label=r"sigmoid bound $4^{-n}$")
        one = self.ax.axhline(1.0, color="0.6", linewidth=0.8)
        self.ax.set_yscale("log")
        self.ax.set_ylim(*PROFILE_YLIM)
        self.ax.set_xlabel("n = layers back from the output (n = depth: first hidden layer)")
        self.ax.set_ylabel("gradient norm / output layer's")
        legend = self.ax.legend(loc="lower left", ncol=3)
        self.fixed_artists = [one, legend]  # drawn once, not on every update (lib.explorer)
        # one setting per x-axis length, so that warm=True draws every frame the view can show
        lengths = sorted({axis_length(d) for d in range(2, self.max_depth + 1)})
        self.warm_settings = [{"depth": min(n, self.max_depth)} for n in lengths]
        self.title = self.ax.set_title(" ")
        self.update(**values)

    def update(self, *, depth, activation, init, gain=1.0, batchnorm=False):
        depth = int(depth)
        p = gradient_profile(depth, activation, init, float(gain), bool(batchnorm))
        n = np.arange(depth + 1)
        self.z_line.set_data(n, p.relative("z"))
        self.w_line.set_data(n, p.relative("W"))
        self.bound_line.set_data(n, sigmoid_bound(n))
        self.ax.set_xlim(0, axis_length(depth))
        self.title.set_text(f"{activation}, {init} init (gain {gain:g}), depth {depth}"
                            + (", batch norm" if batchnorm else ""))
        return (f"first hidden layer's gradient = {_sci(p.ratio)} × the output layer's "
                f"(sigmoid bound 4^-{depth} = {_sci(float(sigmoid_bound(depth)))}); "
                f"dead units: {100 * p.dead.mean():.0f} %")


class TrainingView:
    """Training explorer: the loss curve of a deep network for an activation and a learning rate.

    Controls: ``activation``, ``lr``, ``depth`` and ``init`` ("matched" picks Xavier for sigmoid and
    tanh, He otherwise). The grey line is the loss of always predicting the mean.

    A new setting trains a network (0.1 to 1 s). In a live kernel the view draws the run while it
    trains: :meth:`update` takes the first steps (:attr:`FIRST_SECONDS` of training) and
    :meth:`advance` the next ones (:attr:`CHUNK_SECONDS` each), until the run is finished; a setting seen before (or
    left half-trained) answers from :func:`training_run`'s cache.
    """

    #: Seconds of training between two frames while a run is drawn as it trains.
    CHUNK_SECONDS = 0.02

    #: Seconds of training before the first frame of a new setting.
    FIRST_SECONDS = 0.006

    def __init__(self, fig, steps: int = 200, **values):
        self.ax = fig.add_subplot()
        self.steps = int(steps)
        t = np.arange(self.steps)
        (self.line,) = self.ax.plot(t, np.full(self.steps, np.nan), color=PALETTE["blue"])
        mean = self.ax.axhline(mean_predictor_loss(), color="0.5", linestyle="--",
                               label="always predicting the mean")
        (self.marker,) = self.ax.plot([], [], "x", color=PALETTE["vermillion"], markersize=10,
                                      markeredgewidth=2, label="diverged")
        self.ax.set_yscale("log")
        self.ax.set_xlim(0, self.steps)
        self.ax.set_ylim(*LOSS_YLIM)
        self.ax.set_xlabel("training step")
        self.ax.set_ylabel("training loss (MSE)")
        self.legend = self.ax.legend(loc="upper right")  # the curve is the y label's; its colour
        self.fixed_artists = [mean, self.legend]         # the activation's, named in the title
        self.title = self.ax.set_title(" ")
        self.update(**values)

    def update(self, *, activation, lr, depth=10, init="matched"):
        self.run = training_run(activation, float(lr), int(depth), init, self.steps)
        self.run.advance(seconds=self.FIRST_SECONDS)
        color = COLORS.get(activation, PALETTE["blue"])
        self.line.set_color(color)
        used = matched_init(activation) if init == "matched" else init
        self.title.set_text(f"{activation}, {used} init, depth {int(depth)}, learning rate {lr:g}")
        return self._draw()

    def advance(self):
        """Train the current setting a little further and redraw; None once its run is finished."""
        if self.run.done and self._drawn == self.run.t:
            return None
        self.run.advance(seconds=self.CHUNK_SECONDS)
        return self._draw()

    def _draw(self) -> str:
        run = self.run
        self._drawn = run.t
        self.line.set_ydata(run.losses)
        if run.diverged_at is None:
            self.marker.set_data([], [])
        else:
            last = max(run.diverged_at - 1, 0)
            y = run.losses[last] if np.isfinite(run.losses[last]) else LOSS_YLIM[1]
            self.marker.set_data([run.diverged_at], [min(y, LOSS_YLIM[1])])
        if run.diverged_at is not None:
            return f"diverged at step {run.diverged_at}: the loss overflowed"
        if not run.done:
            return (f"training: step {run.t} of {self.steps}, loss {run.losses[0]:.3g} → "
                    f"{run.losses[run.t - 1]:.3g}")
        final = run.result().final
        return (f"loss {run.losses[0]:.3g} → {final:.3g} after {self.steps} steps "
                f"(predicting the mean: {mean_predictor_loss():.3g}); dead units "
                f"{100 * run.dead_before:.0f} % → {100 * run.dead_after:.0f} %")
