"""Measurements and figures for the Vanishing gradients chapter.

Two measurements, each a few calls to :class:`lib.network.MLP` and cached per setting, so an explorer
computes every setting once:

* :func:`gradient_profile` builds a deep network, runs one forward and one backward pass on a fixed
  batch of the toy task and records, for every layer, the size of the gradient that reaches it;
* :func:`train_curve` trains a network on the toy task with plain gradient descent and records the loss
  of every step.

The ``plot_*`` functions draw them; :class:`GradientView` and :class:`TrainingView` are the chapter's
explorers.
"""

from __future__ import annotations

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


@lru_cache(maxsize=256)
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
    net = build_net(depth, activation, init, gain, bias_init=bias_init, width=width, seed=seed)
    X, y = toy_task()
    losses = np.full(int(steps), np.nan)
    diverged = None
    dead_before = float(net.dead_fraction(X).mean())
    with np.errstate(all="ignore"):  # a diverging run overflows on purpose; it is stopped below
        for t in range(int(steps)):
            y_hat = net.forward(X)
            loss, dy_hat = mse_loss(y_hat, y)
            if not np.isfinite(loss) or loss > 1e6:
                diverged = t
                break
            losses[t] = loss
            net.backward(dy_hat)
            net.sgd_step(lr)
        dead_after = float(net.dead_fraction(X).mean())
    return TrainResult(losses, dead_before, dead_after, diverged)


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
        self.ax.axhline(1.0, color="0.6", linewidth=0.8)
        self.ax.set_yscale("log")
        self.ax.set_ylim(*PROFILE_YLIM)
        self.ax.set_xlabel("n = layers back from the output (n = depth: first hidden layer)")
        self.ax.set_ylabel("gradient norm / output layer's")
        self.ax.legend(loc="lower left", ncol=3)
        self.title = self.ax.set_title(" ")
        self.update(**values)

    def update(self, *, depth, activation, init, gain=1.0, batchnorm=False):
        depth = int(depth)
        p = gradient_profile(depth, activation, init, float(gain), bool(batchnorm))
        n = np.arange(depth + 1)
        self.z_line.set_data(n, p.relative("z"))
        self.w_line.set_data(n, p.relative("W"))
        self.bound_line.set_data(n, sigmoid_bound(n))
        self.ax.set_xlim(0, depth)
        self.title.set_text(f"{activation}, {init} init (gain {gain:g}), depth {depth}"
                            + (", batch norm" if batchnorm else ""))
        return (f"first hidden layer's gradient = {_sci(p.ratio)} × the output layer's "
                f"(sigmoid bound 4^-{depth} = {_sci(float(sigmoid_bound(depth)))}); "
                f"dead units: {100 * p.dead.mean():.0f} %")


class TrainingView:
    """Training explorer: the loss curve of a deep network for an activation and a learning rate.

    Controls: ``activation``, ``lr``, ``depth`` and ``init`` ("matched" picks Xavier for sigmoid and
    tanh, He otherwise). The grey line is the loss of always predicting the mean.
    """

    def __init__(self, fig, steps: int = 200, **values):
        self.ax = fig.add_subplot()
        self.steps = int(steps)
        t = np.arange(self.steps)
        (self.line,) = self.ax.plot(t, np.full(self.steps, np.nan), color=PALETTE["blue"],
                                    label="training loss")
        self.ax.axhline(mean_predictor_loss(), color="0.5", linestyle="--",
                        label="always predicting the mean")
        (self.marker,) = self.ax.plot([], [], "x", color=PALETTE["vermillion"], markersize=10,
                                      markeredgewidth=2, label="diverged")
        self.ax.set_yscale("log")
        self.ax.set_xlim(0, self.steps)
        self.ax.set_ylim(*LOSS_YLIM)
        self.ax.set_xlabel("training step")
        self.ax.set_ylabel("training loss (MSE)")
        self.legend = self.ax.legend(loc="upper right")
        self.title = self.ax.set_title(" ")
        self.update(**values)

    def update(self, *, activation, lr, depth=10, init="matched"):
        run = train_curve(activation, float(lr), int(depth), init, self.steps)
        color = COLORS.get(activation, PALETTE["blue"])
        self.line.set_color(color)
        self.legend.get_lines()[0].set_color(color)   # the legend keeps its own copy of the line
        self.line.set_ydata(run.losses)
        if run.diverged_at is None:
            self.marker.set_data([], [])
        else:
            last = max(run.diverged_at - 1, 0)
            y = run.losses[last] if np.isfinite(run.losses[last]) else LOSS_YLIM[1]
            self.marker.set_data([run.diverged_at], [min(y, LOSS_YLIM[1])])
        used = matched_init(activation) if init == "matched" else init
        self.title.set_text(f"{activation}, {used} init, depth {int(depth)}, learning rate {lr:g}")
        if run.diverged_at is not None:
            return f"diverged at step {run.diverged_at}: the loss overflowed"
        return (f"loss {run.losses[0]:.3g} → {run.final:.3g} after {self.steps} steps "
                f"(predicting the mean: {mean_predictor_loss():.3g}); dead units "
                f"{100 * run.dead_before:.0f} % → {100 * run.dead_after:.0f} %")
