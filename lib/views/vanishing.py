"""Figures and explorers of the Vanishing gradients chapter.

The ``plot_*`` functions draw the chapter's measurements (:mod:`lib.experiments.vanishing`);
:class:`GradientView` and :class:`TrainingView` are the chapter's explorers. Nothing here measures:
every value drawn comes from :func:`~lib.experiments.vanishing.gradient_profile`,
:func:`~lib.experiments.vanishing.train_more` and the other experiments of the chapter.
"""

from __future__ import annotations

import time

import numpy as np

from .. import activations
from ..experiments import vanishing as experiments
from ..plotting import CYCLE, PALETTE, dots, subplots

#: A colour for each activation, the same in every figure of the chapter.
COLORS = dict(zip(experiments.ACTIVATION_NAMES + ("prelu",), CYCLE))

#: Line styles that tell apart curves which often lie on top of each other (tanh/ELU, ReLU/leaky ReLU).
LINESTYLES = {"tanh": "--", "leaky_relu": "--"}

#: Fixed vertical range of the gradient explorer (gradients relative to the output layer).
PROFILE_YLIM = (1e-32, 1e16)

#: Fixed vertical range of the training explorer.
LOSS_YLIM = (3e-3, 30.0)

#: How far (a factor, on the log axis) the "diverged" cross stays inside the training explorer's
#: vertical range, so that the whole cross is drawn however high the last loss was.
MARKER_MARGIN = 10**0.3

#: What each per-layer statistic of a :class:`~lib.experiments.vanishing.Profile` is called on an axis.
STATISTIC_LABELS = {
    "z_var": "Var(z) of the layer",
    "h_std": "spread of h across examples",
    "h_mean": "mean of the layer's output h",
    "saturated": "saturated outputs (fraction)",
    "off": "outputs with slope 0 (fraction)",
}


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


def plot_layer_statistic(ax, profile: experiments.Profile, stat: str = "h_std", **style):
    """Draw one per-layer forward statistic of a profile (``"z_var"``, ``"h_std"``, ``"h_mean"``,
    ``"saturated"`` or ``"off"``) against the hidden layer, 1 to depth; returns the line."""
    if stat not in STATISTIC_LABELS:
        raise ValueError(f"stat: choose from {sorted(STATISTIC_LABELS)}, got {stat!r}")
    y = getattr(profile, stat)
    (line,) = ax.plot(np.arange(1, len(y) + 1), y, **style)
    ax.set_xlabel("hidden layer")
    ax.set_ylabel(STATISTIC_LABELS[stat])
    return line


def plot_variance_profile(ax, profile: experiments.VarianceProfile, of: str = "z", **style):
    """Draw ``Var(z_k)`` (``of="z"``) or the backward signal's ``Var(dLoss/dz_k)`` relative to the
    last hidden layer's (``of="dz"``) against the hidden layer k, on a log scale; returns the line."""
    y = {"z": profile.z_var, "dz": profile.dz_var}[of]
    (line,) = ax.plot(np.arange(1, len(y) + 1), y, **style)
    ax.set_yscale("log")
    ax.set_xlabel("hidden layer k")
    ax.set_ylabel("Var(z_k)" if of == "z" else "Var(∂L/∂z_k) / last layer's")
    return line


def plot_loss_curve(ax, result: experiments.TrainResult, **style):
    """Draw a training run's loss per step on a log scale; returns the line."""
    (line,) = ax.plot(np.arange(len(result.losses)), result.losses, **style)
    ax.set_yscale("log")
    ax.set_xlabel("training step")
    ax.set_ylabel("training loss (MSE)")
    return line


def plot_dead_curves(ax, runs: dict, colors=("blue", "vermillion")):
    """Draw the dead fraction after every epoch of each :class:`~lib.experiments.vanishing.DeadRun`,
    one thin line per seed, one colour per key of ``runs`` (``{learning rate: [DeadRun, ...]}``);
    a run that diverged ends with a cross."""
    for (lr, seed_runs), color in zip(runs.items(), colors):
        for i, run in enumerate(seed_runs):
            epochs = np.arange(1, len(run.dead_curve) + 1)
            ax.plot(epochs, 100 * run.dead_curve, color=PALETTE[color], linewidth=1.0,
                    label=f"learning rate {lr:g}" if i == 0 else None)
            if run.diverged:
                last = int(np.flatnonzero(np.isfinite(run.dead_curve))[-1])
                dots(ax, [epochs[last]], [100 * run.dead_curve[last]], marker="x", size=49,
                     color=PALETTE[color])
    ax.set_xlabel("epoch")
    ax.set_ylabel("dead hidden units (%)")


def plot_final_losses(ax, finals: dict, mean_loss: float):
    """Draw where each run ended (``DeadRun.settled``, the median loss of its last 20 epochs) as a
    dot, one column per label of ``finals`` (``{label: Spread}``), on a log scale, over the dotted
    loss of always predicting the mean."""
    for i, (label, spread) in enumerate(finals.items()):
        offsets = np.linspace(-0.12, 0.12, len(spread.values))
        dots(ax, i + offsets, spread.values, color=PALETTE["blue"], size=30)
    ax.axhline(mean_loss, color="0.3", linestyle=":", label="predicting the mean")
    ax.set_xticks(range(len(finals)), list(finals), fontsize=9)
    ax.set_xlim(-0.5, len(finals) - 0.5)
    ax.set_yscale("log")
    ax.set_ylabel("loss (MSE), last 20 epochs")


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
        self.ax.legend(loc="lower left", ncol=4)
        self.fixed_artists = [one]  # drawn once, not on every update (lib.explorer)
        # one setting per x-axis length, so that warm=True draws every frame the view can show
        lengths = sorted({axis_length(d) for d in range(2, self.max_depth + 1)})
        self.warm_settings = [{"depth": min(n, self.max_depth)} for n in lengths]
        self.title = self.ax.set_title(" ")
        self.update(**values)

    def profile(self, *, depth, activation, init, gain=1.0, batchnorm=False):
        """The profile this setting draws (:func:`~lib.experiments.vanishing.gradient_profile`,
        which keeps it: a depth the reader comes back to answers at once)."""
        return experiments.gradient_profile(int(depth), activation, init, float(gain), bool(batchnorm))

    def update(self, *, depth, activation, init, gain=1.0, batchnorm=False):
        depth = int(depth)
        p = self.profile(depth=depth, activation=activation, init=init, gain=gain, batchnorm=batchnorm)
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
                f"dead units {100 * p.dead.mean():.0f} %"
                + (f", saturated outputs {100 * p.saturated.mean():.0f} %"
                   if activation in experiments.SATURATION_BOUNDS else ""))


def diverged_marker_y(losses, diverged_at: int) -> float:
    """Where the training explorer draws the "diverged" cross: at the last finite loss before the
    divergence, kept :data:`MARKER_MARGIN` inside :data:`LOSS_YLIM` so the whole cross shows.

    Examples
    --------
    >>> diverged_marker_y([0.1, 0.5, 1e5], 3) == LOSS_YLIM[1] / MARKER_MARGIN  # far above the top
    True
    >>> diverged_marker_y([0.1, 0.5, 2.0], 3)
    2.0
    """
    losses = np.asarray(losses, dtype=np.float64)
    last = max(int(diverged_at) - 1, 0)
    y = losses[last] if last < len(losses) and np.isfinite(losses[last]) else LOSS_YLIM[1]
    low, high = LOSS_YLIM[0] * MARKER_MARGIN, LOSS_YLIM[1] / MARKER_MARGIN
    return float(min(max(y, low), high))


class TrainingView:
    """Training explorer: the loss curve of a deep network for an activation and a learning rate.

    Controls: ``activation``, ``lr``, ``depth`` and ``init`` ("matched" picks Xavier for sigmoid and
    tanh, He otherwise). The grey line is the loss of always predicting the mean.

    A new setting trains a network (0.1 to 1 s). In a live kernel the view draws the run while it
    trains: :meth:`update` takes the first steps (:attr:`FIRST_SECONDS` of training) and
    :meth:`advance` the next ones (:attr:`CHUNK_SECONDS` each), until the run is finished. The steps
    are :func:`lib.experiments.vanishing.train_curve`'s, so a finished run has exactly its losses.
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
        self.marker.set_clip_on(False)  # a run that diverges at step 0 sits on the left edge
        self.ax.set_yscale("log")
        self.ax.set_xlim(0, self.steps)
        self.ax.set_ylim(*LOSS_YLIM)
        self.ax.set_xlabel("training step")
        self.ax.set_ylabel("training loss (MSE)")
        self.legend = self.ax.legend(loc="upper right")  # the curve is the y label's; its colour
        self.fixed_artists = [mean]                      # the activation's, named in the title
        self.title = self.ax.set_title(" ")
        self.update(**values)

    def update(self, *, activation, lr, depth=10, init="matched"):
        self.lr = float(lr)
        self.net = experiments.build_net(int(depth), activation, init)   # train_curve's network
        self.dead_before = float(self.net.dead_fraction(experiments.toy_task()[0]).mean())
        self.losses = np.empty(0)
        self._train(self.FIRST_SECONDS)
        color = COLORS.get(activation, PALETTE["blue"])
        self.line.set_color(color)
        used = experiments.matched_init(activation) if init == "matched" else init
        self.title.set_text(f"{activation}, {used} init, depth {int(depth)}, learning rate {lr:g}")
        return self._draw()

    def advance(self):
        """Train the current setting a little further and redraw; None once its run is finished."""
        if self.net is None:
            return None
        self._train(self.CHUNK_SECONDS)
        return self._draw()

    def _train(self, seconds: float) -> None:
        more = experiments.train_more(self.net, self.lr, self.steps - len(self.losses),
                                      deadline=time.perf_counter() + seconds)
        self.losses = np.concatenate([self.losses, more])
        done = len(self.losses) == self.steps or experiments.overflowed(self.losses[-1])
        self.run = experiments.train_result(self.losses, self.steps, self.dead_before,
                                            self.net if done else None)
        if done:
            self.net = None   # finished: the network is let go

    def _draw(self) -> str:
        run, t = self.run, len(self.losses)
        self.line.set_ydata(run.losses)
        if run.diverged_at is None:
            self.marker.set_data([], [])
        else:
            self.marker.set_data([run.diverged_at], [diverged_marker_y(run.losses, run.diverged_at)])
            return f"diverged at step {run.diverged_at}: the loss overflowed"
        if self.net is not None:
            return (f"training: step {t} of {self.steps}, loss {run.losses[0]:.3g} → "
                    f"{run.losses[t - 1]:.3g}")
        return (f"loss {run.losses[0]:.3g} → {run.final:.3g} after {self.steps} steps "
                f"(predicting the mean: {experiments.mean_predictor_loss():.3g}); dead units "
                f"{100 * run.dead_before:.0f} % → {100 * run.dead_after:.0f} %")


# --------------------------------------------------------------------------------------------------
# Alt text: what each figure of the chapter shows, written from the values it draws
# --------------------------------------------------------------------------------------------------


def _e(value: float) -> str:
    """A size on a log axis, to one significant digit: ``1e-44``, ``3e+05``."""
    return "0" if value == 0 else f"{value:.0e}"


def _join(parts) -> str:
    parts = list(parts)
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def derivatives_alt(limit: float = 3.0) -> str:
    """Alt text of the figure of sigmoid', tanh' and ReLU' on [-6, 6], from lib's derivatives.

    Examples
    --------
    >>> "height 0.25 at 0" in derivatives_alt()
    True
    """
    d = {name: activations.ACTIVATIONS[name].derivative for name in ("sigmoid", "tanh", "relu")}
    return (f"The derivatives of sigmoid, tanh and ReLU on x from -6 to 6. Sigmoid's is a bump of "
            f"height {float(d['sigmoid'](0.0)):g} at 0 and tanh's a bump of height "
            f"{float(d['tanh'](0.0)):g} at 0; both are close to 0 in the shaded regions x < "
            f"-{limit:g} and x > {limit:g}, on both sides (sigmoid'(±{limit:g}) = "
            f"{float(d['sigmoid'](limit)):.3f}, tanh'(±{limit:g}) = {float(d['tanh'](limit)):.3f}). "
            f"ReLU's derivative is {float(d['relu'](-1.0)):g} for negative x and "
            f"{float(d['relu'](1.0)):g} for positive x.")


def bound_alt(cases: dict, depth: int) -> str:
    """Alt text of the bound figure: one panel per ``{title: Profile}`` of a sigmoid network.

    Examples
    --------
    >>> p = experiments.gradient_profile(20, "sigmoid", "xavier")
    >>> bound_alt({"Xavier": p}, 20).startswith("One log-scale panel")
    True
    """
    bound = float(experiments.sigmoid_bound(depth))
    panels = []
    for title, p in cases.items():
        part = float(np.prod(p.factor_mean))
        side = lambda v: "below" if v < bound else "above"  # noqa: E731
        panels.append(f"{title}: the measured activation part ends at {_e(part)}, {side(part)} "
                      f"the bound, the whole gradient at {_e(p.ratio)}, {side(p.ratio)} it")
    count = {1: "One log-scale panel", 2: "Two log-scale panels"}.get(len(cases),
                                                                      f"{len(cases)} log-scale panels")
    return (f"{count} of gradient size against the number of layers back from the output for a "
            f"{depth}-layer sigmoid network, with the dotted bound 4^-n, which reaches "
            f"{_e(bound)} at n = {depth}. " + ". ".join(panels) + ".")


def profiles_alt(profiles: dict, depth: int, inits, names=experiments.ACTIVATION_NAMES) -> str:
    """Alt text of the panels of the backward signal, one per initialization, one curve per
    activation; ``profiles[depth, name, init]`` as the chapter's table holds them.

    Examples
    --------
    >>> ps = {(5, a, i): experiments.gradient_profile(5, a, i) for a in ("relu",) for i in ("he",)}
    >>> profiles_alt(ps, 5, ["he"], ["relu"]).endswith("he: relu " + _e(ps[5, "relu", "he"].ratio) + ".")
    True
    """
    panels = [f"{init}: " + ", ".join(f"{name} {_e(profiles[depth, name, init].ratio)}"
                                      for name in names) for init in inits]
    return (f"{len(panels)} log-scale panels, one per initialization, of the backward signal at each "
            f"layer of depth-{depth} networks relative to the output layer, one curve for each of "
            f"{_join(names)}. At the first hidden layer the curves end at, " + "; ".join(panels) + ".")


def signals_alt(cases: dict) -> str:
    """Alt text of the panels of the three signals, one panel per ``{title: Profile}``.

    Examples
    --------
    >>> signals_alt({"relu": experiments.gradient_profile(5, "relu", "he")}).startswith("1 log")
    True
    """
    panels = [f"{title}: the backward signal ends at {_e(p.ratio)} at the first layer, the forward "
              f"signal (the data's RMS against the last hidden layer's) at {_e(1 / p.forward_ratio)}, "
              f"and the weight gradient at {_e(p.weight_ratio)}" for title, p in cases.items()]
    return (f"{len(panels)} log-scale panels of three quantities against the number of layers back "
            f"from the output, each relative to the output layer's. " + ". ".join(panels) + ".")


def variances_alt(cases: dict) -> str:
    """Alt text of the figure of ``Var(z_k)`` per layer; ``cases[activation][init]`` is a
    :class:`~lib.experiments.vanishing.VarianceProfile`.

    Examples
    --------
    >>> v = experiments.variance_profile("relu", "he", depth=3, width=8, n=16)
    >>> "relu with he from" in variances_alt({"relu": {"he": v}})
    True
    """
    panels = []
    for name, by_init in cases.items():
        curves = [f"{name} with {init} from {v.z_var[0]:.2g} at layer 1 to {v.z_var[-1]:.2g} at "
                  f"layer {len(v.z_var)}" for init, v in by_init.items()]
        panels.append("; ".join(curves))
    return (f"{len(cases)} log-scale panels, one per activation, of the variance of the "
            f"pre-activation z at each hidden layer of a wide network, one curve per "
            f"initialization: " + ". ".join(panels) + ".")


def forward_alt(cases: dict) -> str:
    """Alt text of the forward-signal figure: ``cases[label] = (Profile, stat)``, the left panel how
    much each hidden layer's output varies across the examples (``h_std``), the right one ``stat``
    ("saturated" or "off") in per cent.

    Examples
    --------
    >>> p = experiments.gradient_profile(5, "relu", "he")
    >>> "relu: spread" in forward_alt({"relu": (p, "off")})
    True
    """
    curves = []
    for label, (p, stat) in cases.items():
        frac = 100 * getattr(p, stat)
        kind = "saturated" if stat == "saturated" else "with slope 0"
        curves.append(f"{label}: spread from {p.h_std[0]:.2g} at layer 1 to {p.h_std[-1]:.2g} at layer "
                      f"{p.depth}, {frac[0]:.0f} % {kind} at layer 1 and {frac[-1]:.0f} % at the last")
    return ("Two panels against the hidden layer. Left, on a log scale, the spread of each layer's "
            "output across the examples (each unit's standard deviation, averaged over the units); "
            "right, the percentage of saturated outputs (tanh, sigmoid) or of outputs with slope 0 "
            "(ReLU). " + "; ".join(curves) + ".")


def symmetry_alt(runs: dict, mean_loss: float) -> str:
    """Alt text of the symmetry figure: loss curves of ``{label: SymmetryRun}``.

    Examples
    --------
    >>> r = experiments.symmetry_run("zero", steps=5)
    >>> symmetry_alt({"zero": r}, 0.17).startswith("Training loss over 5 steps")
    True
    """
    curves = [f"{label} from {r.losses[0]:.3g} to {r.final:.3g}" for label, r in runs.items()]
    steps = len(next(iter(runs.values())).losses)
    return (f"Training loss over {steps} steps on a log scale, with the dotted loss of always "
            f"predicting the mean ({mean_loss:.3g}): " + ", ".join(curves) + ".")


def training_alt(losses: dict, moved: dict, mean_loss: float) -> str:
    """Alt text of the two training panels: ``losses[name]`` per step, ``moved[name]`` per layer.

    Examples
    --------
    >>> training_alt({"a": [1.0, 0.5]}, {"a": [1e-3, 0.2]}, 0.17).startswith("Left: training loss")
    True
    """
    steps = len(next(iter(losses.values())))
    left = [f"{name} from {values[0]:.3g} to {values[-1]:.3g}" for name, values in losses.items()]
    right = [f"{name} from {_e(m[0])} at the first layer to {_e(m[-1])} at the output layer"
             for name, m in moved.items()]
    return (f"Left: training loss over {steps} steps on a log scale, with the dotted level of always "
            f"predicting the mean ({mean_loss:.3g}): " + ", ".join(left) + ". Right: how far each "
            "layer's weights moved relative to where they started, on a log scale: "
            + ", ".join(right) + ".")


def exploding_alt(profiles: dict, depth: int) -> str:
    """Alt text of the exploding-gradient figure: ``{label: Profile}``.

    Examples
    --------
    >>> exploding_alt({"x": experiments.gradient_profile(5, "relu", "he")}, 5).startswith("Log-scale")
    True
    """
    curves = [f"{label} ends at {_e(p.ratio)}" for label, p in profiles.items()]
    return (f"Log-scale gradient size at each layer of depth-{depth} networks, relative to the "
            f"output layer. At the first hidden layer " + ", ".join(curves) + ".")


def dead_alt(runs: dict, layers: int = 3) -> str:
    """Alt text of the dead-units figure: ``runs[lr]`` a list of DeadRuns, one per seed.

    Examples
    --------
    >>> run = experiments.dead_run("relu", 0.1, epochs=3)
    >>> dead_alt({0.1: [run]}).startswith("Percentage of dead hidden units during 3 epochs")
    True
    """
    epochs = len(next(iter(runs.values()))[0].dead_curve)
    parts = []
    for lr, seed_runs in runs.items():
        ends = [100 * r.dead_curve[-1] for r in seed_runs if not r.diverged]
        part = f"with learning rate {lr:g}, {len(ends)} runs end with "
        part += f"{min(ends):.0f} % to {max(ends):.0f} % dead" if ends else "no dead units counted"
        diverged = len(seed_runs) - len(ends)
        parts.append(part + (f" and {diverged} diverged" if diverged else ""))
    return (f"Percentage of dead hidden units during {epochs} epochs of training a {layers}-layer "
            f"ReLU network, one line per seed: " + "; ".join(parts) + ".")


def skips_alt(runs: dict, mean_loss: float) -> str:
    """Alt text of the skip-connection figure: ``runs[residual]`` the TrainResults of the seeds, for
    ``residual`` False and True.

    Examples
    --------
    >>> r = experiments.train_curve("tanh", 0.005, depth=3, steps=5)
    >>> skips_alt({False: [r]}, 0.17).startswith("Training loss over 5 steps of 1 runs")
    True
    """
    parts = []
    for residual, results in runs.items():
        ends = [r.final for r in results]
        parts.append(f"{'with' if residual else 'without'} skip connections the loss ends between "
                     f"{min(ends):.3g} and {max(ends):.3g}")
    first = next(iter(runs.values()))
    return (f"Training loss over {len(first[0].losses)} steps of {len(first)} runs each, on a log "
            f"scale, with the dotted loss of always predicting the mean ({mean_loss:.3g}): "
            + "; ".join(parts) + ".")


def finals_alt(finals: dict, mean_loss: float) -> str:
    """Alt text of :func:`plot_final_losses`: ``{label: Spread}`` of the runs' ending losses.

    Examples
    --------
    >>> from lib.experiments import Spread
    >>> finals_alt({"elu": Spread(np.array([0.01, 0.02]), (1, 2))}, 0.17)
    'Training loss at the end of each run (the median of its last 20 epochs), one column of dots per activation, on a log scale, with the dotted loss of predicting the mean (0.17): elu from 0.01 to 0.02.'
    """
    parts = [f"{label} from {s.min:.3g} to {s.max:.3g}" for label, s in finals.items()]
    return ("Training loss at the end of each run (the median of its last 20 epochs), one column of "
            "dots per activation, on a log scale, "
            f"with the dotted loss of predicting the mean ({mean_loss:.3g}): " + ", ".join(parts) + ".")
