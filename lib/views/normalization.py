"""Figures and explorer views for the Normalization chapter.

- :func:`plot_strip`, :class:`ScalingView` -- z-scores versus min-max scaling, with an outlier.
- :func:`plot_descent` -- contours of a quadratic loss and a gradient-descent path.
- :class:`BatchStatsView` -- batch means and the running mean over training steps, for a batch size
  and a momentum.
- :func:`plot_heatmap`, :class:`AxesView` -- batch, layer and RMS normalization of the same (N, C)
  tensor as heatmaps; :func:`heatmaps_alt` describes them.
- :func:`plot_shared`, :class:`ImageAxesView` -- an (N, C, H, W) tensor with the values that share
  one mean and variance shaded, for batch, layer, instance and group normalization;
  :func:`shared_alt` describes it.
- :func:`plot_digits_training`, :func:`digits_training_alt` -- training losses of the deep network on
  the digits without and with batch normalization, over the seeds.
- :func:`plot_deep_network`, :func:`deep_network_alt` -- the deep regression network without and with
  batch normalization: training losses and each layer's spread across the inputs, over the seeds.
- :func:`histograms_alt`, :func:`descent_alt`, :func:`batch_size_alt`, :func:`deep_network_alt` --
  the alt texts of the chapter's other figures, from the data they draw.

What they draw is computed by :mod:`lib.experiments.normalization`.
"""

from __future__ import annotations

import numpy as np

from ..experiments import normalization as experiments
from ..plotting import PALETTE, dots, style, subplots

# --------------------------------------------------------------------------------------------------
# data normalization: z-score versus min-max, and an outlier


def plot_strip(ax, values, y=0.0, **style):
    """Draw ``values`` as dots on the horizontal line at height ``y`` (:func:`lib.plotting.dots`,
    which takes ``style``); returns the dots' ``Line2D``."""
    values = np.asarray(values, dtype=np.float64)
    return dots(ax, values, np.full(values.shape, y), **style)


class ScalingView:
    """The same data raw, as z-scores and min-max scaled; an optional outlier moves.

    Controls: ``outlier`` (bool) and ``position`` (the outlier's raw value).
    """

    ROWS = {"raw": 2.0, "z": 1.0, "mm": 0.0}

    def __init__(self, fig, **values):
        self.axes = subplots(fig, 3, 1)
        ax_raw, ax_z, ax_mm = self.axes
        blue, red = PALETTE["blue"], PALETTE["vermillion"]
        self.dots, self.outs = [], []
        for ax, limits, label in (
            (ax_raw, (30, 410), "raw value"),
            (ax_z, (-2.5, 3.6), "z-score  (x - μ) / σ"),
            (ax_mm, (-0.05, 1.05), "min-max  (x - min) / (max - min)"),
        ):
            self.dots.append(plot_strip(ax, experiments.SCORES, size=40, color=blue, alpha=0.8,
                                        label="ordinary values"))
            self.outs.append(plot_strip(ax, [0.0], size=90, color=red, marker="D", label="outlier"))
            ax.set_xlim(*limits)
            ax.set_ylim(-1, 1)
            ax.set_yticks([])
            ax.set_xlabel(label)
            ax.spines["left"].set_visible(False)
        ax_z.axvspan(0, 1, color=PALETTE["orange"], alpha=0.15, label="the interval [0, 1]")
        with style():  # a figure legend: the explorer's figure is not a CourseFigure
            fig.legend(*ax_z.get_legend_handles_labels(), loc="outside upper center", ncol=3)
        self.update(**values)

    def update(self, *, outlier=True, position=200.0):
        raw, z, mm = experiments.scaled_with_outlier(position if outlier else None)
        n = len(experiments.SCORES)
        for ordinary, outlier_dot, values in zip(self.dots, self.outs, (raw, z, mm)):
            ordinary.set_xdata(values[:n])
            outlier_dot.set_data(values[n:], np.zeros(len(values) - n))
        ordinary_mm = float(mm[:n].max() - mm[:n].min())
        text = (f"z-scores from {z.min():.2f} to {z.max():.2f}; "
                f"min-max: the 12 ordinary values fill {ordinary_mm:.0%} of [0, 1]")
        if outlier:
            text = f"outlier at {position:g} (z = {z[-1]:.2f}): " + text
        return text


# --------------------------------------------------------------------------------------------------
# gradient descent on a quadratic loss


def plot_descent(ax, loss, path, w_star, w1, w2, color=None, levels=12):
    """Contours of ``loss`` over ``w1 x w2``, the gradient-descent ``path`` and the minimum ``w_star``.

    Contour levels are spaced geometrically above the minimum, so the narrow valley shows.
    Returns the path's line.
    """
    Z = experiments.loss_grid(loss, w1, w2)
    low = float(loss(np.asarray(w_star, float)))
    span = float(Z.max()) - low
    ax.contour(w1, w2, Z, levels=low + span * np.geomspace(1e-3, 1, levels), colors="0.6",
               linewidths=0.8)
    path = np.asarray(path)
    (line,) = ax.plot(path[:, 0], path[:, 1], "o-", color=color or PALETTE["vermillion"],
                      markersize=3, linewidth=1.2, label=f"gradient descent ({len(path) - 1} steps)")
    ax.plot(*w_star, marker="*", markersize=14, color=PALETTE["black"], linestyle="none",
            label="minimum")
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    return line


# --------------------------------------------------------------------------------------------------
# batch statistics and running statistics


class BatchStatsView:
    """Batch means (dots) and the running mean (line) over training steps.

    Controls: ``batch_size`` (2 to 128) and ``momentum`` (the weight of the new batch).
    """

    def __init__(self, fig, **values):
        self.ax = subplots(fig)
        self.steps = np.arange(1, experiments.STREAM_STEPS + 1)
        self.dots = dots(self.ax, self.steps, np.zeros(experiments.STREAM_STEPS), size=10,
                         color=PALETTE["sky"], label="batch mean")
        (self.line,) = self.ax.plot(self.steps, np.zeros(experiments.STREAM_STEPS),
                                    color=PALETTE["vermillion"], label="running mean")
        self.ax.axhline(experiments.STREAM_MEAN, color=PALETTE["black"], linestyle="--", linewidth=1,
                        label=f"true mean {experiments.STREAM_MEAN:g}")
        self.ax.set_xlim(0, experiments.STREAM_STEPS + 1)
        self.ax.set_ylim(-2, 8)
        self.ax.set_xlabel("training step")
        self.ax.set_ylabel("mean of the feature")
        self.ax.legend(loc="upper right", ncol=3)
        self.update(**values)

    def update(self, *, batch_size=32, momentum=0.1):
        means, running, _, _ = experiments.stream_statistics(int(batch_size), float(momentum))
        self.dots.set_ydata(means)
        self.line.set_ydata(running)
        return (f"batch size {int(batch_size)}, momentum {momentum:g}: batch means spread with std {means.std():.3f} "
                f"(σ/√N = {experiments.STREAM_STD / np.sqrt(batch_size):.3f}); "
                f"running mean after {experiments.STREAM_STEPS} steps = {running[-1]:.3f}")


# --------------------------------------------------------------------------------------------------
# which axes: batch, layer and RMS normalization of one tensor

METHODS = {
    "batch": "batch norm: each column (feature) over the batch",
    "layer": "layer norm: each row (sample) over its features",
    "rms": "RMS norm: each row divided by its root mean square",
}


#: The size of the numbers printed in heatmap cells: that of the tick labels (lib.plotting.STYLE).
CELL_FONTSIZE = 10


def plot_heatmap(ax, values, title="", vmax=3.0, fmt="{:.1f}"):
    """An (N, C) array as a heatmap with each value written in its cell.

    Rows are samples (the batch axis), columns are features; cell (i, j) is centred on x = j, y = i,
    row 0 on top. Returns ``(mesh, texts)``: the cells as a ``QuadMesh`` (change them with
    ``mesh.set_array``; a mesh of a few cells draws several times faster than an image, which is
    resampled to the screen's pixels) and ``texts[i][j]``, the label of cell (i, j).
    """
    values = np.asarray(values, dtype=np.float64)
    n, c = values.shape
    image = ax.pcolormesh(np.arange(c + 1) - 0.5, np.arange(n + 1) - 0.5, values, cmap="RdBu_r",
                          vmin=-vmax, vmax=vmax)
    ax.set_xlim(-0.5, c - 0.5)
    ax.set_ylim(n - 0.5, -0.5)
    texts = [[ax.text(j, i, _cell_label(fmt, v), ha="center", va="center", fontsize=CELL_FONTSIZE)
              for j, v in enumerate(row)] for i, row in enumerate(values)]
    _colour_texts(image, texts, values)
    ax.set_xticks(range(values.shape[1]))
    ax.set_yticks(range(values.shape[0]))
    ax.set_xlabel("feature (C axis)")
    ax.set_ylabel("sample (N axis)")
    ax.grid(False)
    if title:
        ax.set_title(title, fontsize=10)
    return image, texts


def _cell_label(fmt, v):
    """``fmt.format(v)``, with a value that rounds to zero written without a minus sign."""
    text = fmt.format(v)
    return fmt.format(0.0) if float(text) == 0 else text


def _colour_texts(image, texts, values):
    """White text on dark cells, black on light ones, so every label stays legible."""
    low, high = image.get_clim()
    for row_texts, row in zip(texts, values):
        for text, v in zip(row_texts, row):
            strength = abs(v) / max(abs(low), abs(high))
            text.set_color("white" if strength > 0.6 else "black")


class AxesView:
    """One (N, C) tensor and its batch, layer or RMS normalization, as two heatmaps.

    Controls: ``method`` ("batch", "layer", "rms") and ``factor``, which multiplies sample 0 (the
    first row) before normalizing -- to see which outputs depend on the other samples.
    """

    def __init__(self, fig, **values):
        self.base = experiments.example_tensor()
        c = self.base.shape[1]
        self.ax_in, self.ax_out = subplots(fig, 1, 2)
        self.im_in, self.txt_in = plot_heatmap(self.ax_in, self.base, "input x", vmax=8.0)
        # Only sample 0 of the input changes: it gets cells of its own over the input's row 0, and
        # the rest of the input (cells and labels) is drawn once (lib.explorer's fixed_artists).
        self.im_first = self.ax_in.pcolormesh(np.arange(c + 1) - 0.5, [-0.5, 0.5], self.base[:1],
                                              cmap=self.im_in.get_cmap(), norm=self.im_in.norm)
        self.fixed_artists = [self.im_in, *(t for row in self.txt_in[1:] for t in row)]
        self.im_out, self.txt_out = plot_heatmap(self.ax_out, self.base, "", vmax=3.0)
        self.title = self.ax_out.set_title("", fontsize=10)
        self.update(**values)

    def input(self) -> np.ndarray:
        """The input as drawn: sample 0 from its own image, the others from the fixed one."""
        return np.vstack([self.im_first.get_array(), self.im_in.get_array()[1:]])

    def update(self, *, method="batch", factor=1.0):
        x, y, moved = experiments.first_sample_effect(self.base, method, factor)
        for image, texts, values, fmt in ((self.im_first, self.txt_in[:1], x[:1], "{:.1f}"),
                                          (self.im_out, self.txt_out, y, "{:.1f}")):
            image.set_array(values)
            for row_texts, row in zip(texts, values):
                for text, v in zip(row_texts, row):
                    text.set_text(_cell_label(fmt, v))
            _colour_texts(image, texts, values)
        self.title.set_text(METHODS[method].split(":")[0])
        return (f"{METHODS[method]}; with sample 0 multiplied by {factor:g}, the outputs of the "
                f"other samples moved by up to {moved:.3f}")


def heatmaps_alt(x, outputs):
    """Alt text of the chapter's four heatmaps: the input ``x`` and ``outputs`` (method -> array)."""
    n, c = np.shape(x)
    parts = [f"Four heatmaps of a {n} by {c} tensor with each value printed to one decimal: the "
             f"input, whose column means run from {np.min(np.mean(x, 0)):.1f} to "
             f"{np.max(np.mean(x, 0)):.1f}"]
    for method, y in outputs.items():
        if method == "batch":
            parts.append("batch norm, where every column has mean 0 and std 1")
        elif method == "layer":
            parts.append("layer norm, where every row has mean 0 and std 1")
        else:
            means = np.mean(y, 1)
            parts.append(f"RMS norm, where every row has root mean square 1 but the row means run "
                         f"from {means.min():.1f} to {means.max():.1f}")
    return "; ".join(parts) + "."


# --------------------------------------------------------------------------------------------------
# images: which values share one mean and variance

IMAGE_METHODS = {
    "batch": "batch norm: one channel over N, H and W",
    "layer": "layer norm: one sample over C, H and W",
    "instance": "instance norm: one sample's channel over H and W",
    "group": "group norm: one sample's group of channels over H and W",
}


def _blocks(mask):
    """An (N, C, H, W) array as one 2-D array: a row of C blocks of H x W per sample, gaps masked."""
    n, c, h, w = mask.shape
    grid = np.full((n * (h + 1) - 1, c * (w + 1) - 1), np.nan)
    for i in range(n):
        for j in range(c):
            grid[i * (h + 1):i * (h + 1) + h, j * (w + 1):j * (w + 1) + w] = mask[i, j]
    return np.ma.masked_invalid(grid)


def _block_centre(index, shape):
    n, c, h, w = shape
    i, j, y, x = index
    return j * (w + 1) + x, i * (h + 1) + y


def plot_shared(ax, mask, title="", index=(0, 0, 0, 0)):
    """Draw a boolean (N, C, H, W) ``mask`` as blocks: one row per sample, one block per channel.

    Each block is one channel's H x W positions; shaded cells are True (the values that share one
    mean and variance with x[index], which is marked with a dot). Returns ``(mesh, dot)``.
    """
    from matplotlib.colors import ListedColormap

    mask = np.asarray(mask, dtype=float)
    n, c, h, w = mask.shape
    grid = _blocks(mask)
    rows, cols = grid.shape
    mesh = ax.pcolormesh(np.arange(cols + 1) - 0.5, np.arange(rows + 1) - 0.5, grid,
                         cmap=ListedColormap(["0.88", PALETTE["orange"]]), vmin=0, vmax=1,
                         edgecolors="white", linewidth=0.5)
    (dot,) = ax.plot(*_block_centre(index, mask.shape), "o", color=PALETTE["black"], markersize=4)
    ax.set_xlim(-0.5, cols - 0.5)
    ax.set_ylim(rows - 0.5, -0.5)
    ax.set_xticks([j * (w + 1) + (w - 1) / 2 for j in range(c)], [str(j) for j in range(c)])
    ax.set_yticks([i * (h + 1) + (h - 1) / 2 for i in range(n)], [str(i) for i in range(n)])
    ax.set_xlabel(f"channel (C); each block {h} × {w} (H × W)")
    ax.set_ylabel("sample (N)")
    ax.grid(False)
    ax.set_aspect("equal")
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    if title:
        ax.set_title(title, fontsize=10)
    return mesh, dot


def shared_alt(method, num_groups=2, channel=0, shape=experiments.IMAGE_SHAPE):
    """Alt text of :func:`plot_shared` for one method, from the same numbers it draws."""
    mask = experiments.shared_values(method, shape, (0, channel, 0, 0), num_groups)
    count = experiments.statistics_count(method, shape, num_groups)
    n, c, h, w = shape
    where = IMAGE_METHODS[method].split(": ")[1]
    groups = f" with {num_groups} groups of {c // num_groups} channels" if method == "group" else ""
    return (f"A tensor of {n} samples by {c} channels of {h} by {w} positions, drawn as one row "
            f"of channel blocks per sample. For {method} norm{groups}, the {int(mask.sum())} values "
            f"shaded around sample 0, channel {channel} share one mean and variance ({where}); "
            f"the tensor gets {count} means in all.")


def image_axes_alt(method="batch", groups=2, channel=0):
    """Alt text of one frame of :class:`ImageAxesView` (its controls' names)."""
    return shared_alt(method, int(groups), int(channel))


def family_alt(shape=experiments.IMAGE_SHAPE, num_groups=2):
    """Alt text of the four-panel figure: :func:`shared_alt` of every method, channel 0."""
    return " ".join(f"Panel {k}: " + shared_alt(m, num_groups, 0, shape).split(". ", 1)[1]
                    for k, m in enumerate(experiments.IMAGE_NORMALIZATIONS, 1))


class ImageAxesView:
    """Which values of an (N, C, H, W) tensor share one mean and variance, for a chosen method.

    Controls: ``method`` (batch, layer, instance, group), ``groups`` (G, for group norm) and
    ``channel`` (the channel of the marked value of sample 0).
    """

    def __init__(self, fig, **values):
        self.shape = experiments.IMAGE_SHAPE
        self.ax = subplots(fig)
        self.mesh, self.dot = plot_shared(self.ax, np.zeros(self.shape, bool))
        self.title = self.ax.set_title("", fontsize=10)
        self.update(**values)

    def update(self, *, method="batch", groups=2, channel=0):
        channel, groups = int(channel), int(groups)
        index = (0, channel, 0, 0)
        mask = experiments.shared_values(method, self.shape, index, groups)
        self.mesh.set_array(_blocks(mask))
        self.dot.set_data(*([v] for v in _block_centre(index, self.shape)))
        label = IMAGE_METHODS[method]
        if method == "group":
            label += f" ({groups} groups of {self.shape[1] // groups} channels)"
        self.title.set_text(label)
        count = experiments.statistics_count(method, self.shape, groups)
        return (f"{method} norm: the {int(mask.sum())} shaded values share one mean and variance; "
                f"a {self.shape} tensor gets {count} means")


# --------------------------------------------------------------------------------------------------
# the deep network on the digits


_PLACEMENT_COLOURS = {"none": "vermillion", "before": "blue", "after": "green"}
_PLACEMENT_LABELS = {"none": "without batch norm", "before": "batch norm before each sigmoid",
                     "after": "batch norm after each sigmoid"}


def _band(ax, x, spread, colour, label, log=True):
    """The mean of ``spread`` (a Spread of curves) as a line, its min-max range as a band."""
    line = ax.semilogy if log else ax.plot
    (mean,) = line(x, spread.mean, "o-", markersize=3, color=colour, label=label)
    ax.fill_between(x, spread.min, spread.max, color=colour, alpha=0.2, linewidth=0)
    return mean


def plot_digits_training(ax, spreads):
    """Training loss per epoch over the seeds, log scale: the mean as a line, min to max as a band.

    ``spreads`` maps a placement to :func:`lib.experiments.normalization.digits_spread`'s result.
    """
    for placement, s in spreads.items():
        epochs = np.arange(1, s.losses.values.shape[1] + 1)
        _band(ax, epochs, s.losses, PALETTE[_PLACEMENT_COLOURS[placement]],
              f"{_PLACEMENT_LABELS[placement]}: validation accuracy {s.val_accuracy.mean:.1%}")
    ax.axhline(np.log(10), color=PALETTE["black"], linestyle="--", linewidth=1,
               label="ln 10: the same probability for every digit")
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss (cross-entropy)")
    ax.legend(loc="lower left", fontsize=9)


def digits_training_alt(spreads):
    """Alt text of :func:`plot_digits_training`, from the same spreads."""
    words = {"none": "without batch norm", "before": "with batch norm before each sigmoid",
             "after": "with batch norm after each sigmoid"}
    first = next(iter(spreads.values()))
    parts = [f"{words[p]} it goes from {s.losses.mean[0]:.2f} to {s.losses.mean[-1]:.2f} "
             f"(validation accuracy {s.val_accuracy.span('.1%')})" for p, s in spreads.items()]
    return (f"Training loss of a deep sigmoid network on the digits over "
            f"{first.losses.values.shape[1]} epochs, log scale, the mean of {len(first.losses)} "
            "seeds as a line and their range as a band, with a dashed line at ln 10 = 2.30: "
            + "; ".join(parts) + ".")


def plot_deep_network(ax_loss, ax_spread, spreads):
    """The deep regression network without and with batch norm, over the seeds.

    Left, the training loss per epoch; right, each hidden layer's spread across the inputs at
    initialization. ``spreads`` maps ``batchnorm`` (False, True) to
    :func:`lib.experiments.normalization.regression_spread`'s result.
    """
    for batchnorm, s in spreads.items():
        colour = PALETTE["blue" if batchnorm else "vermillion"]
        label = "with batch norm" if batchnorm else "without"
        _band(ax_loss, np.arange(1, s.losses.values.shape[1] + 1), s.losses, colour, label)
        _band(ax_spread, np.arange(1, s.spread.values.shape[1] + 1), s.spread, colour, label)
    ax_loss.set(xlabel="epoch", ylabel="training loss (MSE)")
    ax_loss.legend()
    ax_spread.set(xlabel="hidden layer (1 = nearest the input)",
                  ylabel="spread across inputs at init")
    ax_spread.legend()


# --------------------------------------------------------------------------------------------------
# alt texts of the chapter's other figures, from the data they draw


def histograms_alt(z, mm):
    """Alt text of the z-score and min-max histograms of the same samples."""
    return (f"Two histograms of the same {len(z):,} normal samples. The z-scores form a bell curve "
            f"centred on 0 that runs from {z.min():.1f} to {z.max():.1f}, mostly outside the "
            f"shaded band [0, 1]. The min-max scaled values form the same bell shape squeezed "
            f"exactly into [{mm.min():.0f}, {mm.max():.0f}].")


def descent_alt(path_raw, path_std):
    """Alt text of the two gradient-descent panels (raw and standardized features)."""
    return ("Loss contours and gradient-descent paths, both panels with equal scales on the two "
            "axes. Left, raw features: very long, thin ellipses, a narrow valley lying along w1; "
            "the path drops onto the floor of the valley and then creeps along it, in "
            f"{len(path_raw) - 1} tiny steps, to the minimum. Right, standardized features: "
            f"nearly circular contours; the path reaches the minimum in {len(path_std) - 1} steps.")


def batch_size_alt(sizes, spread, mean_var):
    """Alt text of the batch-size figure: spread of batch means and mean batch variance."""
    return (f"Left: the spread of batch means falls from {spread[0]:.1f} at batch size {sizes[0]} "
            f"to {spread[-1]:.1f} at {sizes[-1]}, following the line sigma over root N. Right: the "
            f"average biased batch variance is {mean_var[0]:.1f} for batch size {sizes[0]} and "
            f"approaches the true variance {experiments.STREAM_STD ** 2:g} as the batch grows "
            f"({mean_var[-1]:.1f} at {sizes[-1]}).")


def deep_network_alt(spreads):
    """Alt text of :func:`plot_deep_network`, from the same spreads."""
    plain, normed = spreads[False], spreads[True]
    return (f"Left: training loss over {plain.losses.values.shape[1]} epochs, the mean of "
            f"{len(plain.losses)} seeds with their range as a band. Without batch norm it stays "
            f"flat near {plain.losses.mean[-1]:.2f}; with batch norm it falls to about "
            f"{normed.losses.mean[-1]:.2f}. Right: each hidden layer's spread across the inputs at "
            f"initialization, log scale; without batch norm it falls from {plain.spread.mean[0]:.0e} "
            f"at layer 1 to {plain.spread.mean[-1]:.0e} at layer {plain.spread.values.shape[1]}, "
            f"with batch norm it stays near {normed.spread.mean.mean():.2f} at every layer.")
