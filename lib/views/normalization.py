"""Figures and explorer views for the Normalization chapter.

- :func:`plot_strip`, :class:`ScalingView` -- z-scores versus min-max scaling, with an outlier.
- :func:`plot_descent` -- contours of a quadratic loss and a gradient-descent path.
- :class:`BatchStatsView` -- batch means and the running mean over training steps, for a batch size
  and a momentum.
- :func:`plot_heatmap`, :class:`AxesView` -- batch, layer and RMS normalization of the same (N, C)
  tensor as heatmaps.

What they draw is computed by :mod:`lib.experiments.normalization`.
"""

from __future__ import annotations

import numpy as np

from ..experiments import normalization as experiments
from ..plotting import PALETTE, style, subplots

# --------------------------------------------------------------------------------------------------
# data normalization: z-score versus min-max, and an outlier


def plot_strip(ax, values, y=0.0, **style):
    """Draw ``values`` as dots on the horizontal line at height ``y``; returns the scatter."""
    values = np.asarray(values, dtype=np.float64)
    return ax.scatter(values, np.full(values.shape, y), **style)


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
            self.dots.append(plot_strip(ax, experiments.SCORES, s=40, color=blue, alpha=0.8,
                                        label="ordinary values"))
            self.outs.append(plot_strip(ax, [0.0], s=90, color=red, marker="D", label="outlier"))
            ax.set_xlim(*limits)
            ax.set_ylim(-1, 1)
            ax.set_yticks([])
            ax.set_xlabel(label)
            ax.spines["left"].set_visible(False)
        ax_z.axvspan(0, 1, color=PALETTE["orange"], alpha=0.15, label="the interval [0, 1]")
        with style():  # a figure legend: the explorer's figure is not a CourseFigure
            legend = fig.legend(*ax_z.get_legend_handles_labels(), loc="outside upper center", ncol=3)
        self.fixed_artists = [legend]  # drawn once (lib.explorer)
        self.update(**values)

    def update(self, *, outlier=True, position=200.0):
        raw, z, mm = experiments.scaled_with_outlier(position if outlier else None)
        n = len(experiments.SCORES)
        for dots, outs, values in zip(self.dots, self.outs, (raw, z, mm)):
            dots.set_offsets(np.column_stack([values[:n], np.zeros(n)]))
            outs.set_offsets(np.column_stack([values[n:], np.zeros(len(values) - n)]))
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
        self.dots = self.ax.scatter(self.steps, np.zeros(experiments.STREAM_STEPS), s=10,
                                    color=PALETTE["sky"], label="batch mean")
        (self.line,) = self.ax.plot(self.steps, np.zeros(experiments.STREAM_STEPS),
                                    color=PALETTE["vermillion"], label="running mean")
        self.ax.axhline(experiments.STREAM_MEAN, color=PALETTE["black"], linestyle="--", linewidth=1,
                        label=f"true mean {experiments.STREAM_MEAN:g}")
        self.ax.set_xlim(0, experiments.STREAM_STEPS + 1)
        self.ax.set_ylim(-2, 8)
        self.ax.set_xlabel("training step")
        self.ax.set_ylabel("mean of the feature")
        self.fixed_artists = [self.ax.legend(loc="upper right", ncol=3)]  # drawn once, kept on top
        self.update(**values)

    def update(self, *, batch_size=32, momentum=0.1):
        means, running, _, _ = experiments.stream_statistics(int(batch_size), float(momentum))
        self.dots.set_offsets(np.column_stack([self.steps, means]))
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
    texts = [[ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=8)
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
        self.im_out, self.txt_out = plot_heatmap(self.ax_out, self.base, "", vmax=3.0,
                                                 fmt="{:.2f}")
        self.title = self.ax_out.set_title("", fontsize=10)
        self.update(**values)

    def input(self) -> np.ndarray:
        """The input as drawn: sample 0 from its own image, the others from the fixed one."""
        return np.vstack([self.im_first.get_array(), self.im_in.get_array()[1:]])

    def update(self, *, method="batch", factor=1.0):
        x, y, moved = experiments.first_sample_effect(self.base, method, factor)
        for image, texts, values, fmt in ((self.im_first, self.txt_in[:1], x[:1], "{:.1f}"),
                                          (self.im_out, self.txt_out, y, "{:.2f}")):
            image.set_array(values)
            for row_texts, row in zip(texts, values):
                for text, v in zip(row_texts, row):
                    text.set_text(fmt.format(v))
            _colour_texts(image, texts, values)
        self.title.set_text(METHODS[method].split(":")[0])
        return (f"{METHODS[method]}; with sample 0 multiplied by {factor:g}, the outputs of the "
                f"other samples moved by up to {moved:.3f}")
