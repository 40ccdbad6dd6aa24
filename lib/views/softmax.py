"""Tables, figures and explorer views for the Softmax chapter.

Nothing here computes softmax on its own account except :func:`naive_softmax` and
:func:`naive_normalize`, the two *wrong* formulas the chapter compares with ``lib.activations.softmax``
(they are shown failing, so they must stay naive).
"""

from __future__ import annotations

import html

import numpy as np

from ..activations import log_softmax, softmax
from ..plotting import PALETTE

#: The logits of the chapter's worked example.
WORKED_LOGITS = (2.33, -1.46, 0.56)


# -- the two formulas the chapter shows failing ---------------------------------------------------

def naive_normalize(z):
    """z_i / sum(z): the "divide by the sum" alternative to softmax (NaN where the sum is zero).

    A sum that is zero up to rounding (below 1e-12 times sum |z|) counts as zero, so a row such as
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


# -- the worked example as a table ----------------------------------------------------------------

class StepTable:
    """A small table: HTML in a notebook and on the website, aligned text elsewhere.

    Parameters
    ----------
    header : list of str
    rows : list of list of str
    caption : str
    """

    def __init__(self, header, rows, caption=""):
        self.header = list(header)
        self.rows = [list(r) for r in rows]
        self.caption = caption

    def _repr_html_(self) -> str:
        pad = "padding:0.15em 0.8em"
        head = "".join(f'<th scope="col" style="{pad};text-align:right">{html.escape(h)}</th>' for h in self.header)
        body = "".join(
            "<tr>" + "".join(
                (f'<th scope="row" style="{pad}">{html.escape(c)}</th>' if j == 0 else
                 f'<td style="{pad};text-align:right">{html.escape(c)}</td>') for j, c in enumerate(r)
            ) + "</tr>"
            for r in self.rows
        )
        cap = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        return f'<table class="softmax-steps">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'

    def __repr__(self) -> str:
        cols = [self.header] + self.rows
        widths = [max(len(r[j]) for r in cols) for j in range(len(self.header))]
        lines = ["  ".join(c.rjust(w) if j else c.ljust(w) for j, (c, w) in enumerate(zip(r, widths)))
                 for r in cols]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return (self.caption + "\n" if self.caption else "") + "\n".join(lines)


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


def steps_table(z=WORKED_LOGITS, exp=None, total=None, caption: str = "") -> StepTable:
    """The worked example as a table: logit, e^z, the sum, each division, the percentage.

    ``exp`` and ``total`` replace the exact intermediates, as in :func:`softmax_steps`.

    Examples
    --------
    >>> print(repr(steps_table()).splitlines()[2])
    class 1     2.33   10.278   10.278 / 12.261      0.83827   83.83 %
    """
    s = softmax_steps(z, exp, total)
    divisor = float(s["total"])
    rows = []
    for i, (zi, ei, pi) in enumerate(zip(s["z"], s["exp"], s["p"])):
        rows.append([f"class {i + 1}", f"{zi:g}", f"{ei:.5g}", f"{ei:.5g} / {divisor:.5g}", f"{pi:.5f}",
                     f"{100 * pi:.2f} %"])
    rows.append(["sum", "", f"{s['exp'].sum():.5g}", "", f"{s['p'].sum():.5f}", f"{100 * s['p'].sum():.2f} %"])
    return StepTable(["", "logit z", "exp(z)", "division", "probability", "percent"], rows, caption)


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


def plot_temperature_sweep(ax, z=WORKED_LOGITS, temperatures=None):
    """Each class's softmax probability as the temperature goes from 0.05 to 100 (log axis).

    Returns the lines, one per class.
    """
    temperatures = np.logspace(-1.3, 2, 200) if temperatures is None else np.asarray(temperatures)
    p = np.array([softmax(z, temperature=t) for t in temperatures])
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


def plot_decision_regions(ax, predict, X, y, resolution=200, margin=0.8):
    """Shade the class that ``predict`` (rows of points -> class probabilities or logits) picks,
    and scatter the labelled points on top. Returns the image of predicted classes (an array)."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    classes = np.argmax(predict(grid), axis=1).reshape(gx.shape)
    colors = [PALETTE["blue"], PALETTE["orange"], PALETTE["green"], PALETTE["vermillion"]]
    from matplotlib.colors import ListedColormap

    k = int(max(classes.max(), y.max())) + 1
    ax.contourf(gx, gy, classes, levels=np.arange(k + 1) - 0.5, cmap=ListedColormap(colors[:k]), alpha=0.25)
    markers = ["o", "s", "^", "D"]
    for c in range(k):
        ax.scatter(*X[y == c].T, s=18, color=colors[c], marker=markers[c], edgecolor="black", linewidth=0.4,
                   label=f"class {c + 1}")
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
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


def _fmt_p(p):
    return ", ".join("NaN" if np.isnan(v) else f"{100 * v:.1f} %" for v in p)


class LogitView:
    """Softmax (with temperature) of three logits next to the naive z_i / sum(z).

    Controls: ``z1``, ``z2``, ``z3`` (the logits) and ``temperature``. The naive panel shows values
    outside [0, 1] clipped to its axis and labelled with their true value; NaN when the sum is 0.
    """

    YLIM_NAIVE = (-1.0, 2.0)

    def __init__(self, fig, **values):
        self.ax_soft, self.ax_naive = fig.subplots(1, 2)
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
        q = naive_normalize(z)
        _set_bars(self.soft, self.soft_text, p, (0.0, 1.1))
        _set_bars(self.naive, self.naive_text, q, self.YLIM_NAIVE)
        self.ax_soft.set_title(f"softmax(z / T), T = {temperature:g}")
        self.p, self.q = p, q
        naive = "undefined (sum of z is 0)" if np.isnan(q).all() else _fmt_p(q)
        return (f"z = [{z1:g}, {z2:g}, {z3:g}], T = {temperature:g}: softmax {_fmt_p(p)} | "
                f"naive {naive}")


class PrecisionView:
    """Naive exp(z)/sum(exp(z)) against lib's stable softmax for z = scale * [1, 0, -1] in a dtype.

    Controls: ``scale`` (positive) and ``dtype`` ("float16", "float32" or "float64").
    """

    def __init__(self, fig, **values):
        self.ax_naive, self.ax_stable = fig.subplots(1, 2)
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
        naive = naive_softmax(z, dt)
        stable = softmax(z)
        _set_bars(self.naive, self.naive_text, naive, (0.0, 1.1))
        _set_bars(self.stable, self.stable_text, stable, (0.0, 1.1))
        with np.errstate(over="ignore"):
            big = np.exp(z[0])
        status = "overflows to inf" if np.isinf(big) else f"= {float(big):.4g}"
        self.ax_naive.set_title(f"naive, {dtype}: exp({float(z[0]):g}) {status}", fontsize=10)
        self.naive_p, self.stable_p = naive, stable
        logp = log_softmax(z)
        return (f"{dtype}, s = {scale:g} (exp overflows above {overflow_threshold(dt):.2f}): "
                f"naive [{_fmt_p(naive)}], stable [{_fmt_p(stable)}], "
                f"log_softmax [{', '.join(f'{float(v):.4g}' for v in logp)}]")
