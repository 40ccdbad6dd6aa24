"""Tables, figures and explorer views for the Softmax chapter.

The values drawn come from :mod:`lib.experiments.softmax` (the worked example, the two naive formulas,
the temperature sweep, the class regions) and from ``lib.activations.softmax`` itself.
"""

from __future__ import annotations

import numpy as np

from ..activations import log_softmax, softmax
from ..experiments import softmax as experiments
from ..plotting import PALETTE, subplots
from ..tables import Table


# -- the worked example as a table ----------------------------------------------------------------

def steps_table(z=experiments.WORKED_LOGITS, exp=None, total=None, caption: str = "") -> Table:
    """The worked example as a table: logit, e^z, the sum, each division, the percentage.

    ``exp`` and ``total`` replace the exact intermediates, as in
    :func:`lib.experiments.softmax.softmax_steps`.

    Examples
    --------
    >>> print(repr(steps_table()).splitlines()[2])
    class 1     2.33   10.278   10.278 / 12.261      0.83827   83.83 %
    """
    s = experiments.softmax_steps(z, exp, total)
    divisor = float(s["total"])
    rows = []
    for i, (zi, ei, pi) in enumerate(zip(s["z"], s["exp"], s["p"])):
        rows.append([f"class {i + 1}", f"{zi:g}", f"{ei:.5g}", f"{ei:.5g} / {divisor:.5g}", f"{pi:.5f}",
                     f"{100 * pi:.2f} %"])
    rows.append(["sum", "", f"{s['exp'].sum():.5g}", "", f"{s['p'].sum():.5f}", f"{100 * s['p'].sum():.2f} %"])
    return Table(["", "logit z", "exp(z)", "division", "probability", "percent"], rows, caption,
                 align="lrrrrr")


# -- static figures -------------------------------------------------------------------------------

def plot_probabilities(ax, p, labels=None, color=None, annotate=True, ylabel="probability"):
    """Bars of the probabilities ``p``, each labelled with its percentage; returns the bars.

    Examples
    --------
    >>> from lib.plotting import figure
    >>> fig, ax = figure()
    >>> bars = plot_probabilities(ax, [0.5, 0.25, 0.25])
    >>> [round(float(b.get_height()), 2) for b in bars]
    [0.5, 0.25, 0.25]
    """
    p = np.asarray(p, dtype=np.float64)
    labels = labels or [f"class {i + 1}" for i in range(p.size)]
    bars = ax.bar(labels, p, color=color or PALETTE["blue"], edgecolor="black", linewidth=0.6)
    if annotate:
        for b, v in zip(bars, p):
            ax.annotate(f"{100 * v:.2f} %", (b.get_x() + b.get_width() / 2, v), xytext=(0, 3),
                        textcoords="offset points", ha="center", va="bottom", fontsize=10)
    ax.set_ylim(0, 1.08)
    ax.set_ylabel(ylabel)
    return bars


def plot_temperature_sweep(ax, z=experiments.WORKED_LOGITS, temperatures=None):
    """Each class's softmax probability as the temperature goes from 0.05 to 100 (log axis), from
    :func:`lib.experiments.softmax.temperature_sweep`.

    Returns the lines, one per class.
    """
    temperatures, p = experiments.temperature_sweep(z, temperatures)
    colors = [PALETTE["blue"], PALETTE["orange"], PALETTE["green"], PALETTE["vermillion"]]
    lines = []
    for i in range(p.shape[1]):
        (line,) = ax.plot(temperatures, p[:, i], color=colors[i % 4], label=f"class {i + 1} (z = {z[i]:g})")
        lines.append(line)
    ax.axhline(1 / p.shape[1], color="0.4", linestyle=":", linewidth=1.2, label=f"uniform 1/{p.shape[1]}")
    ax.set_xscale("log")
    ax.set_xlabel("temperature T (log scale)")
    ax.set_ylabel("softmax(z / T)")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(loc="upper right")
    return lines


def plot_class_regions(ax, predict, X, y, resolution=200, margin=0.8):
    """Shade the class that ``predict`` (rows of points -> class probabilities or logits) picks
    (:func:`lib.experiments.softmax.class_grid`), and scatter the labelled points on top.

    One region per class, of any number of classes (``lib.views.activations.plot_decision_regions``
    shades the probability of one class instead). Returns the grid of predicted classes (an array).
    """
    from matplotlib.colors import ListedColormap

    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    gx, gy, classes = experiments.class_grid(predict, X, resolution, margin)
    colors = [PALETTE["blue"], PALETTE["orange"], PALETTE["green"], PALETTE["vermillion"]]
    k = int(max(classes.max(), y.max())) + 1
    ax.contourf(gx, gy, classes, levels=np.arange(k + 1) - 0.5, cmap=ListedColormap(colors[:k]), alpha=0.25)
    markers = ["o", "s", "^", "D"]
    for c in range(k):
        ax.scatter(*X[y == c].T, s=18, color=colors[c], marker=markers[c], edgecolor="black", linewidth=0.4,
                   label=f"class {c + 1}")
    ax.set_xlim(gx[0, 0], gx[0, -1])
    ax.set_ylim(gy[0, 0], gy[-1, 0])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(loc="upper left")
    return classes


# -- explorer views -------------------------------------------------------------------------------

def _bar_text(ax, bars):
    return [ax.text(b.get_x() + b.get_width() / 2, 0, "", ha="center", va="bottom", fontsize=10) for b in bars]


def _set_bars(bars, texts, values, ylim):
    """Heights clipped to the axis, labels with the true value (NaN shown as 'NaN')."""
    lo, hi = ylim
    for b, t, v in zip(bars, texts, values):
        if np.isnan(v):
            b.set_height(0.0)
            t.set_text("NaN")
            t.set_y(0.02)
            continue
        h = float(np.clip(v, lo, hi))
        b.set_height(h)
        t.set_text(f"{100 * v:.1f} %")
        t.set_y(min(max(h, 0.0) + 0.02, hi - 0.12))


def _percentages(p):
    return ", ".join("NaN" if np.isnan(v) else f"{100 * v:.1f} %" for v in p)


class LogitView:
    """Softmax (with temperature) of three logits next to the naive z_i / sum(z).

    Controls: ``z1``, ``z2``, ``z3`` (the logits) and ``temperature``. The naive panel shows values
    outside [0, 1] clipped to its axis and labelled with their true value; NaN when the sum is 0.
    """

    YLIM_NAIVE = (-1.0, 2.0)

    def __init__(self, fig, **values):
        self.ax_soft, self.ax_naive = subplots(fig, 1, 2)
        labels = ["class 1", "class 2", "class 3"]
        self.soft = self.ax_soft.bar(labels, [0, 0, 0], color=PALETTE["blue"], edgecolor="black", linewidth=0.6)
        self.naive = self.ax_naive.bar(labels, [0, 0, 0], color=PALETTE["orange"], edgecolor="black",
                                       linewidth=0.6)
        self.soft_text = _bar_text(self.ax_soft, self.soft)
        self.naive_text = _bar_text(self.ax_naive, self.naive)
        self.ax_soft.set_ylim(0, 1.1)
        self.ax_naive.set_ylim(*self.YLIM_NAIVE)
        self.ax_naive.axhspan(0, 1, color="0.85", zorder=0)
        self.ax_naive.axhline(0, color="0.3", linewidth=0.8)
        self.ax_soft.set_ylabel("probability")
        self.ax_naive.set_ylabel("z / sum(z)")
        self.ax_naive.set_title("naive: z / sum(z)")
        self.update(**values)

    def update(self, *, z1, z2, z3, temperature=1.0):
        z = np.array([z1, z2, z3], dtype=np.float64)
        p = softmax(z, temperature=temperature)
        q = experiments.naive_normalize(z)
        _set_bars(self.soft, self.soft_text, p, (0.0, 1.1))
        _set_bars(self.naive, self.naive_text, q, self.YLIM_NAIVE)
        self.ax_soft.set_title(f"softmax(z / T), T = {temperature:g}")
        self.p, self.q = p, q
        naive = "undefined (sum of z is 0)" if np.isnan(q).all() else _percentages(q)
        return (f"z = [{z1:g}, {z2:g}, {z3:g}], T = {temperature:g}: softmax {_percentages(p)} | "
                f"naive {naive}")


class PrecisionView:
    """Naive exp(z)/sum(exp(z)) against lib's stable softmax for z = scale * [1, 0, -1] in a dtype.

    Controls: ``scale`` (positive) and ``dtype`` ("float16", "float32" or "float64").
    """

    def __init__(self, fig, **values):
        self.ax_naive, self.ax_stable = subplots(fig, 1, 2)
        labels = ["z = +s", "z = 0", "z = -s"]
        self.naive = self.ax_naive.bar(labels, [0, 0, 0], color=PALETTE["vermillion"], edgecolor="black",
                                       linewidth=0.6)
        self.stable = self.ax_stable.bar(labels, [0, 0, 0], color=PALETTE["blue"], edgecolor="black",
                                         linewidth=0.6)
        self.naive_text = _bar_text(self.ax_naive, self.naive)
        self.stable_text = _bar_text(self.ax_stable, self.stable)
        for ax in (self.ax_naive, self.ax_stable):
            ax.set_ylim(0, 1.1)
            ax.set_ylabel("probability")
        self.ax_stable.set_title("stable: subtract max first")
        self.update(**values)

    def update(self, *, scale, dtype="float64"):
        dt = np.dtype(dtype)
        z = (np.float64(scale) * np.array([1.0, 0.0, -1.0])).astype(dt)
        naive = experiments.naive_softmax(z, dt)
        stable = softmax(z)
        _set_bars(self.naive, self.naive_text, naive, (0.0, 1.1))
        _set_bars(self.stable, self.stable_text, stable, (0.0, 1.1))
        with np.errstate(over="ignore"):
            big = np.exp(z[0])
        status = "overflows to inf" if np.isinf(big) else f"= {float(big):.4g}"
        self.ax_naive.set_title(f"naive, {dtype}: exp({float(z[0]):g}) {status}", fontsize=10)
        self.naive_p, self.stable_p = naive, stable
        logp = log_softmax(z)
        top = experiments.overflow_threshold(dt)
        return (f"{dtype}, s = {scale:g} (exp overflows above {top:.2f}): "
                f"naive [{_percentages(naive)}], stable [{_percentages(stable)}], "
                f"log_softmax [{', '.join(f'{float(v):.4g}' for v in logp)}]")
