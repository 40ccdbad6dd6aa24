"""Figures and explorers of the Vanishing gradients chapter.

The ``plot_*`` functions draw the chapter's measurements (:mod:`lib.experiments.vanishing`);
:class:`GradientView` and :class:`TrainingView` are the chapter's explorers. Nothing here measures:
every value drawn comes from :func:`~lib.experiments.vanishing.gradient_profile`,
:func:`~lib.experiments.vanishing.training_run` and the other experiments of the chapter.
"""

from __future__ import annotations

import numpy as np

from ..experiments import vanishing as experiments
from ..plotting import CYCLE, PALETTE, subplots

#: A colour for each activation, the same in every figure of the chapter.
COLORS = dict(zip(experiments.ACTIVATION_NAMES + ("prelu",), CYCLE))

#: Line styles that tell apart curves which often lie on top of each other (tanh/ELU, ReLU/leaky ReLU).
LINESTYLES = {"tanh": "--", "leaky_relu": "--"}

#: Fixed vertical range of the gradient explorer (gradients relative to the output layer).
PROFILE_YLIM = (1e-32, 1e16)

#: Fixed vertical range of the training explorer.
LOSS_YLIM = (3e-3, 30.0)


# --------------------------------------------------------------------------------------------------
# Plotting functions
# --------------------------------------------------------------------------------------------------


def plot_bound(ax, depth: int, **style):
    """Draw ``4^-n`` for n = 0..depth on ``ax`` (a log-scale axis); returns the line."""
    n = np.arange(int(depth) + 1)
    style = {"color": PALETTE["black"], "linestyle": ":", "label": r"bound $4^{-n}$", **style}
    (line,) = ax.plot(n, experiments.sigmoid_bound(n), **style)
    return line


def plot_gradient_profile(ax, profile: experiments.Profile, of: str = "z", **style):
    """Draw a profile's gradient norms relative to the output layer against n = layers back from the
    output, on a log scale; returns the line."""
    y = profile.relative(of)
    (line,) = ax.plot(np.arange(len(y)), y, **style)
    ax.set_yscale("log")
    ax.set_xlabel("n = layers back from the output")
    ax.set_ylabel("gradient norm / output layer's")
    return line


def plot_loss_curve(ax, result: experiments.TrainResult, **style):
    """Draw a training run's loss per step on a log scale; returns the line."""
    (line,) = ax.plot(np.arange(len(result.losses)), result.losses, **style)
    ax.set_yscale("log")
    ax.set_xlabel("training step")
    ax.set_ylabel("training loss (MSE)")
    return line


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
    initial weights' standard deviation) and ``batchnorm``. Solid line: the backward signal
    ``||dLoss/dz||``; dashed: the weight gradient ``||dLoss/dW||``; dash-dotted: the forward signal,
    the RMS of each layer's input ``h``; dotted: the sigmoid bound ``4^-n``; all relative to the
    output layer's.
    """

    def __init__(self, fig, max_depth: int = 50, **values):
        self.ax = subplots(fig)
        self.max_depth = int(max_depth)
        n = np.arange(self.max_depth + 1)
        (self.z_line,) = self.ax.plot(n, np.ones_like(n, dtype=float), color=PALETTE["blue"],
                                      marker="o", markersize=3, label=r"$\|\partial L/\partial z\|$")
        (self.w_line,) = self.ax.plot(n, np.ones_like(n, dtype=float), color=PALETTE["orange"],
                                      linestyle="--", label=r"$\|\partial L/\partial W\|$")
        (self.h_line,) = self.ax.plot(n, np.ones_like(n, dtype=float), color=PALETTE["green"],
                                      linestyle="-.", label="input $h$ (RMS)")
        (self.bound_line,) = self.ax.plot(n, experiments.sigmoid_bound(n), color=PALETTE["black"],
                                          linestyle=":", label=r"sigmoid bound $4^{-n}$")
        one = self.ax.axhline(1.0, color="0.6", linewidth=0.8)
        self.ax.set_yscale("log")
        self.ax.set_ylim(*PROFILE_YLIM)
        self.ax.set_xlabel("n = layers back from the output (n = depth: first hidden layer)")
        self.ax.set_ylabel("size / output layer's")
        legend = self.ax.legend(loc="lower left", ncol=4)
        self.fixed_artists = [one, legend]  # drawn once, not on every update (lib.explorer)
        # one setting per x-axis length, so that warm=True draws every frame the view can show
        lengths = sorted({axis_length(d) for d in range(2, self.max_depth + 1)})
        self.warm_settings = [{"depth": min(n, self.max_depth)} for n in lengths]
        self.title = self.ax.set_title(" ")
        self.update(**values)

    def update(self, *, depth, activation, init, gain=1.0, batchnorm=False):
        depth = int(depth)
        p = experiments.gradient_profile(depth, activation, init, float(gain), bool(batchnorm))
        n = np.arange(depth + 1)
        self.z_line.set_data(n, p.relative("z"))
        self.w_line.set_data(n, p.relative("W"))
        self.h_line.set_data(n, p.relative("h"))
        self.bound_line.set_data(n, experiments.sigmoid_bound(n))
        self.ax.set_xlim(0, axis_length(depth))
        self.title.set_text(f"{activation}, {init} init (gain {gain:g}), depth {depth}"
                            + (", batch norm" if batchnorm else ""))
        return (f"first hidden layer, relative to the output layer: ∂L/∂z {_sci(p.ratio)}, "
                f"∂L/∂W {_sci(p.weight_ratio)}, input h {_sci(1 / p.forward_ratio)} "
                f"(bound 4^-{depth} = {_sci(float(experiments.sigmoid_bound(depth)))}); "
                f"dead units {100 * p.dead.mean():.0f} %")


class TrainingView:
    """Training explorer: the loss curve of a deep network for an activation and a learning rate.

    Controls: ``activation``, ``lr``, ``depth`` and ``init`` ("matched" picks Xavier for sigmoid and
    tanh, He otherwise). The grey line is the loss of always predicting the mean.

    A new setting trains a network (0.1 to 1 s). In a live kernel the view draws the run while it
    trains: :meth:`update` takes the first steps (:attr:`FIRST_SECONDS` of training) and
    :meth:`advance` the next ones (:attr:`CHUNK_SECONDS` each), until the run is finished; a setting
    seen before (or left half-trained) answers from :func:`lib.experiments.vanishing.training_run`'s
    cache.
    """

    #: Seconds of training between two frames while a run is drawn as it trains.
    CHUNK_SECONDS = 0.02

    #: Seconds of training before the first frame of a new setting.
    FIRST_SECONDS = 0.006

    def __init__(self, fig, steps: int = 200, **values):
        self.ax = subplots(fig)
        self.steps = int(steps)
        t = np.arange(self.steps)
        (self.line,) = self.ax.plot(t, np.full(self.steps, np.nan), color=PALETTE["blue"])
        mean = self.ax.axhline(experiments.mean_predictor_loss(), color="0.5", linestyle="--",
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
        self.run = experiments.training_run(activation, float(lr), int(depth), init, self.steps)
        self.run.advance(seconds=self.FIRST_SECONDS)
        color = COLORS.get(activation, PALETTE["blue"])
        self.line.set_color(color)
        used = experiments.matched_init(activation) if init == "matched" else init
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
                f"(predicting the mean: {experiments.mean_predictor_loss():.3g}); dead units "
                f"{100 * run.dead_before:.0f} % → {100 * run.dead_after:.0f} %")
