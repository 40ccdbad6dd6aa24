"""Tables, figures and explorer views for the Softmax chapter.

The values drawn come from :mod:`lib.experiments.softmax` (the worked example, the two naive formulas,
the temperature sweep, the class regions, the trained digit classifier) and from
``lib.activations.softmax`` itself. Each figure's alt text is built by a ``*_alt`` function from the
same values the figure draws.
"""

from __future__ import annotations

import numpy as np

from ..activations import log_softmax, softmax
from ..experiments import softmax as experiments
from ..plotting import PALETTE, dots, subplots
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
        dots(ax, *X[y == c].T, size=18, color=colors[c], marker=markers[c], markeredgecolor="black",
             markeredgewidth=0.4, label=f"class {c + 1}")
    ax.set_xlim(gx[0, 0], gx[0, -1])
    ax.set_ylim(gy[0, 0], gy[-1, 0])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(loc="upper left")
    return classes


# -- training on the digits -----------------------------------------------------------------------

def plot_training_loss(ax, losses, color=None, title="training loss"):
    """The loss before each full-batch gradient step, against the step; returns the line."""
    losses = np.asarray(losses, dtype=np.float64)
    (line,) = ax.plot(np.arange(1, losses.size + 1), losses, color=color or PALETTE["blue"])
    ax.set_xlabel("step (full batch)")
    ax.set_ylabel("cross-entropy loss")
    ax.set_ylim(0, None)
    if title:
        ax.set_title(title)
    return line


def loss_alt(losses, what="the training images") -> str:
    """Alt text of :func:`plot_training_loss`.

    Examples
    --------
    >>> loss_alt([2.3, 0.9, 0.4, 0.3])
    'The cross-entropy loss on the training images against the step: from 2.30 at step 1 it falls \
to 0.40 by step 3 and to 0.30 at step 4, fast at first and then more and more slowly.'
    >>> loss_alt([2.3, 0.9, 1.1, 0.4, 0.35, 0.3]).split('slowly')[1]
    '; it rises at 1 step, the last at step 3, and falls at every other.'
    """
    losses = np.asarray(losses, dtype=np.float64)
    n = losses.size
    mid = max(n * 3 // 4, 1)
    text = (f"The cross-entropy loss on {what} against the step: from {losses[0]:.2f} at step 1 it "
            f"falls to {losses[mid - 1]:.2f} by step {mid} and to {losses[-1]:.2f} at step {n}, fast at "
            "first and then more and more slowly")
    rises = np.flatnonzero(np.diff(losses) > 0) + 2      # the steps whose loss is above the one before
    if rises.size:
        text += (f"; it rises at {rises.size} step{'s' if rises.size > 1 else ''}, the last at step "
                 f"{rises[-1]}, and falls at every other")
    return text + "."


def selection_table(selection, caption: str = "") -> Table:
    """The validation accuracy of every setting of a :class:`lib.experiments.softmax.DigitsSelection`,
    as mean (min–max) over the seeds in percent, one row per learning rate, the best marked "best"
    and any setting with the same mean marked "tied".

    Examples
    --------
    >>> from lib.experiments import Spread
    >>> sel = experiments.DigitsSelection((1.0,), (10, 20), ((Spread(np.array([0.9, 0.92]), (1, 2)),
    ...                                                       Spread(np.array([0.95, 0.93]), (1, 2))),))
    >>> print(repr(selection_table(sel)).splitlines()[2])
    lr = 1          91.0 (90.0–92.0)  94.0 (93.0–95.0) best
    """
    best, tied = selection.best, selection.tied_with_best()

    def mark(setting):
        return " best" if setting == best else " tied" if setting in tied else ""

    rows = []
    for lr, row in zip(selection.learning_rates, selection.validation):
        cells = [f"{100 * s.mean:.1f} ({100 * s.min:.1f}–{100 * s.max:.1f})" + mark((lr, t))
                 for t, s in zip(selection.steps, row)]
        rows.append([f"lr = {lr:g}", *cells])
    header = ["", *[f"{t} steps" for t in selection.steps]]
    return Table(header, rows, caption, align="l" + "r" * len(selection.steps))


def changes_table(selection, caption: str = "") -> Table:
    """Run by run along each row of a :class:`lib.experiments.softmax.DigitsSelection`: from each
    step count to the next, in how many runs the validation accuracy goes up, goes down and stays
    the same (:meth:`~lib.experiments.softmax.DigitsSelection.changes`).

    Examples
    --------
    >>> from lib.experiments import Spread
    >>> sel = experiments.DigitsSelection((1.0,), (10, 20), ((Spread(np.array([0.9, 0.92]), (1, 2)),
    ...                                                       Spread(np.array([0.95, 0.92]), (1, 2))),))
    >>> print(repr(changes_table(sel)).splitlines()[2])
    lr = 1  1 up, 0 down, 1 same
    """
    rows = [[f"lr = {lr:g}", *[f"{up} up, {down} down, {same} same" for up, down, same in selection.changes(lr)]]
            for lr in selection.learning_rates]
    header = ["", *[f"{a} → {b} steps" for a, b in zip(selection.steps, selection.steps[1:])]]
    return Table(header, rows, caption, align="l" + "r" * (len(selection.steps) - 1))


def calibration_table(results, caption: str = "") -> Table:
    """How sure against how often right, one row per :class:`lib.experiments.softmax.DigitsAccuracy`:
    the mean probability of the predicted digit on the test set and the test accuracy, in percent as
    mean (min–max) over the runs, and in how many runs the first is below and above the second.

    Examples
    --------
    >>> from lib.experiments import Spread
    >>> sp = lambda *v: Spread(np.array(v), (1, 2))
    >>> r = experiments.DigitsAccuracy(3.0, 450, sp(0.99, 0.98), sp(0.96, 0.95), sp(0.95, 0.97),
    ...                                sp(0.94, 0.98), sp(12.0, 13.0), 449, 1797)
    >>> print(repr(calibration_table([r])).splitlines()[2])
    lr = 3, 450 steps  96.0 (94.0–98.0)  96.0 (95.0–97.0)  1 of 2  1 of 2
    """
    rows = []
    for r in results:
        n = len(r.test)
        less = r.test.count(r.confidence.values < r.test.values)
        more = r.test.count(r.confidence.values > r.test.values)
        rows.append([f"lr = {r.lr:g}, {r.steps} steps",
                     *[f"{100 * s.mean:.1f} ({100 * s.min:.1f}–{100 * s.max:.1f})" for s in (r.confidence, r.test)],
                     f"{less} of {n}", f"{more} of {n}"])
    header = ["", "probability of the answer %", "right %", "less sure than right", "surer than right"]
    return Table(header, rows, caption, align="lrrrr")


def reliability_table(checks, caption: str = "") -> Table:
    """A reliability check, two rows or more per :class:`lib.experiments.softmax.Reliability`: for
    each group of answers (by the probability of the answer), how many answers it holds (the mean
    over the runs), their mean probability and the share right (in percent, mean (min–max) over the
    runs), the spread a calibrated model's share right would have (in points, the mean over the
    runs), and in how many runs the group is less sure and surer than right.

    Examples
    --------
    >>> from lib.experiments import Spread
    >>> sp = lambda *v: Spread(np.array(v), (1, 2))
    >>> g = experiments.ConfidenceGroup(0.9, 1.0, sp(40, 50), sp(0.95, 0.97), sp(0.96, 0.96),
    ...                                 sp(0.01, 0.02))
    >>> print(repr(reliability_table([experiments.Reliability(3.0, 450, (g,))])).splitlines()[2])
    lr = 3, 450 steps  0.9 and above       45  96.0 (95.0–97.0)  96.0 (96.0–96.0)  1.5  1 of 2  1 of 2
    """
    def percent(s):
        return f"{100 * s.mean:.1f} ({100 * s.min:.1f}–{100 * s.max:.1f})"

    rows = []
    for check in checks:
        for i, g in enumerate(check.groups):
            n = len(g.accuracy)
            where = (f"below {g.high:g}" if g.low <= 0 else f"{g.low:g} and above" if g.high >= 1
                     else f"{g.low:g} to {g.high:g}")
            rows.append([f"lr = {check.lr:g}, {check.steps} steps" if i == 0 else "", where,
                         f"{g.count.mean:.0f}", percent(g.confidence), percent(g.accuracy),
                         f"{100 * g.calibrated_error.mean:.1f}",
                         f"{g.gap.count(g.gap.values > 0)} of {n}", f"{g.gap.count(g.gap.values < 0)} of {n}"])
    header = ["", "answers with probability", "answers", "probability %", "right %",
              "calibrated spread (points)", "less sure than right", "surer than right"]
    return Table(header, rows, caption, align="llrrrrrr")


def runs_table(result, caption: str = "") -> Table:
    """The accuracies of a :class:`lib.experiments.softmax.DigitsAccuracy`, one row per seed, in
    percent, with the mean and the range over the runs.

    Examples
    --------
    >>> from lib.experiments import Spread
    >>> sp = lambda *v: Spread(np.array(v), (1, 2))
    >>> r = experiments.DigitsAccuracy(3.0, 450, sp(0.99, 0.98), sp(0.96, 0.95), sp(0.95, 0.97),
    ...                                sp(0.9, 0.9), sp(12.0, 13.0), 449, 1797)
    >>> print(repr(runs_table(r)).splitlines()[2])
    seed 1             99.0        96.0   95.0    4.0
    """
    parts = [result.train, result.validation, result.test, result.gap]
    rows = [[f"seed {seed}", *[f"{100 * s.values[i]:.1f}" for s in parts]]
            for i, seed in enumerate(result.test.seeds)]
    rows.append(["mean", *[f"{100 * s.mean:.1f}" for s in parts]])
    rows.append(["min–max", *[f"{100 * s.min:.1f}–{100 * s.max:.1f}" for s in parts]])
    return Table(["", "training %", "validation %", "test %", "gap (points)"], rows, caption,
                 align="lrrrr")


def plot_confusion_matrix(ax, counts, xlabel="predicted digit", ylabel="true digit"):
    """A confusion matrix (rows true class, columns predicted) with its count written in every cell.

    The cells are coloured by count with cividis (readable with every common colour-blindness and in
    grey); labels are white on dark cells and black on light ones. Row 0 is at the top. Returns
    ``(mesh, texts)``, ``texts[i][j]`` the label of cell (i, j).

    Examples
    --------
    >>> from lib.plotting import figure
    >>> fig, ax = figure(3, 3)
    >>> mesh, texts = plot_confusion_matrix(ax, [[5, 1], [0, 4]])
    >>> [[t.get_text() for t in row] for row in texts]
    [['5', '1'], ['0', '4']]
    """
    counts = np.asarray(counts)
    k = counts.shape[0]
    edges = np.arange(k + 1) - 0.5
    mesh = ax.pcolormesh(edges, edges, counts, cmap="cividis", vmin=0, vmax=max(int(counts.max()), 1))
    mid = (mesh.norm.vmin + mesh.norm.vmax) / 2
    texts = [[ax.text(j, i, f"{int(v)}", ha="center", va="center", fontsize=9,
                      color="black" if v > mid else "white")
              for j, v in enumerate(row)] for i, row in enumerate(counts)]
    ax.set_xlim(-0.5, k - 0.5)
    ax.set_ylim(k - 0.5, -0.5)
    ax.set_xticks(range(k))
    ax.set_yticks(range(k))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_aspect("equal")
    ax.grid(False)
    return mesh, texts


def _a(digit) -> str:
    """The article before a number read aloud: "an 8", "an 11", "a 3"."""
    text = str(digit)
    return "an" if text[0] == "8" or text in ("11", "18") else "a"


def confusion_alt(counts, what="test digits") -> str:
    """Alt text of :func:`plot_confusion_matrix`: the totals, the diagonal and the repeated confusions.

    Examples
    --------
    >>> confusion_alt([[5, 1], [0, 4]], what="points")
    'Confusion matrix of the 10 points: true digit in rows (0 to 1 from the top), predicted digit in \
columns, the count in every cell. The diagonal holds the 9 correct predictions (90.0 %); 1 image is off \
it, every confusion once.'
    """
    counts = np.asarray(counts)
    k, total, right = counts.shape[0], int(counts.sum()), int(np.trace(counts))
    off = counts * (1 - np.eye(k, dtype=counts.dtype))
    order = np.argsort(-off, axis=None, kind="stable")
    repeated = [divmod(int(i), k) for i in order[:5] if off.flat[i] >= 2]
    wrong = total - right
    head = (f"Confusion matrix of the {total} {what}: true digit in rows (0 to {k - 1} from the top), "
            f"predicted digit in columns, the count in every cell. The diagonal holds the {right} "
            f"correct predictions ({100 * right / total:.1f} %); ")
    if not wrong:
        return head + "none is off it."
    head += f"{wrong} image{'s are' if wrong != 1 else ' is'} off it"
    if not repeated:
        return head + ", every confusion once."
    listed = [f"{counts[t, q]} of {_a(t)} {t} predicted as {q}" for t, q in repeated]
    rest = wrong - sum(int(counts[t, q]) for t, q in repeated)
    return head + ": " + ", ".join(listed) + (f", and {rest} more elsewhere." if rest else ".")


def plot_misclassified(axes, images, y_true, probabilities):
    """Digits over their predicted probabilities: column c shows ``images[c]`` (8x8, in [0, 1]) above
    a bar chart of its ten probabilities, the true class in blue, the predicted one in vermillion.

    ``axes`` is a (2, n) array of axes (``figure(w, h, 2, n)``). Returns the (n, K) bar heights drawn.
    """
    images = np.asarray(images, dtype=np.float64)
    P = np.asarray(probabilities, dtype=np.float64)
    y_true = np.asarray(y_true)
    k = P.shape[1]
    for c, (ax_img, ax_bar) in enumerate(zip(axes[0], axes[1])):
        predicted = int(np.argmax(P[c]))
        ax_img.imshow(images[c], cmap="gray_r", vmin=0, vmax=1)
        ax_img.set_xticks([])
        ax_img.set_yticks([])
        ax_img.grid(False)
        ax_img.spines[:].set_visible(False)
        ax_img.set_title(f"true {y_true[c]}, predicted {predicted}", fontsize=10)
        colors = ["0.7"] * k
        colors[int(y_true[c])] = PALETTE["blue"]
        colors[predicted] = PALETTE["vermillion"]
        ax_bar.bar(range(k), P[c], color=colors, edgecolor="black", linewidth=0.4)
        ax_bar.set_ylim(0, 1)
        ax_bar.set_xticks(range(k))
        ax_bar.tick_params(axis="x", labelsize=7)
        ax_bar.set_xlabel("digit", fontsize=9)
        ax_bar.set_title(f"{predicted}: {100 * P[c, predicted]:.0f} %, "
                         f"{y_true[c]}: {100 * P[c, y_true[c]]:.0f} %", fontsize=9)
        if c == 0:
            ax_bar.set_ylabel("probability")
        else:
            ax_bar.set_yticklabels([])
    return P


def misclassified_alt(y_true, probabilities) -> str:
    """Alt text of :func:`plot_misclassified`, from the same labels and probabilities.

    Examples
    --------
    >>> misclassified_alt([3], [[0.1, 0.0, 0.0, 0.3, 0.0, 0.0, 0.0, 0.0, 0.6, 0.0]])
    'One misclassified test digit as an 8x8 grey image above a bar chart of its predicted \
probabilities: a 3 predicted as 8 (60 %; the true digit got 30 %).'
    """
    P = np.asarray(probabilities, dtype=np.float64)
    y_true = np.asarray(y_true)
    items = []
    for t, row in zip(y_true, P):
        predicted = int(np.argmax(row))
        items.append(f"{_a(t)} {t} predicted as {predicted} ({100 * row[predicted]:.0f} %; "
                     f"the true digit got {100 * row[t]:.0f} %)")
    n = len(items)
    head = ("One misclassified test digit as an 8x8 grey image" if n == 1 else
            f"{n} misclassified test digits, each an 8x8 grey image")
    return f"{head} above a bar chart of its predicted probabilities: " + "; ".join(items) + "."


def plot_class_weights(axes, W, side=8):
    """Each class's column of weights as a ``side`` x ``side`` image: red where a dark pixel raises
    the class's logit, blue where it lowers it (RdBu_r, centred on 0, shared by every panel).

    ``axes`` holds one axes per class (any shape). Returns the last mesh, for a colour bar.
    """
    W = np.asarray(W, dtype=np.float64)
    vmax = float(np.abs(W).max()) or 1.0
    mesh = None
    for k, ax in enumerate(np.ravel(axes)):
        mesh = ax.pcolormesh(W[:, k].reshape(side, side), cmap="RdBu_r", vmin=-vmax, vmax=vmax)
        ax.set_ylim(side, 0)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        ax.spines[:].set_visible(False)
        ax.set_title(f"digit {k}", fontsize=10)
    return mesh


def class_weights_alt(W, side=8) -> str:
    """Alt text of :func:`plot_class_weights`: what the panels are and the range of the weights."""
    W = np.asarray(W, dtype=np.float64)
    k = W.shape[1]
    return (f"{k} small images of {side} by {side} weights, one per digit 0 to {k - 1}, in red for "
            f"positive and blue for negative weights (from {W.min():.1f} to {W.max():.1f}): ink on a "
            "red pixel raises the digit's logit, ink on a blue pixel lowers it.")


# -- alt texts of the chapter's other figures -----------------------------------------------------

def probabilities_alt(p, labels=None) -> str:
    """Alt text of :func:`plot_probabilities`.

    Examples
    --------
    >>> probabilities_alt([0.5, 0.25, 0.25])
    'Bar chart of 3 probabilities: class 1 50.00 percent, class 2 25.00 percent, class 3 25.00 percent.'
    """
    p = np.asarray(p, dtype=np.float64)
    labels = labels or [f"class {i + 1}" for i in range(p.size)]
    parts = [f"{str(name).splitlines()[0]} {100 * v:.2f} percent" for name, v in zip(labels, p)]
    return f"Bar chart of {p.size} probabilities: " + ", ".join(parts) + "."


def temperature_alt(z=experiments.WORKED_LOGITS, temperatures=None) -> str:
    """Alt text of :func:`plot_temperature_sweep`, from the same sweep."""
    temperatures, p = experiments.temperature_sweep(z, temperatures)
    k = p.shape[1]
    top = int(np.argmax(p[0]))
    order_kept = bool(np.all(np.argsort(p, axis=1) == np.argsort(p[0])))
    return (f"{k} curves of probability against temperature on a log scale from {temperatures[0]:.2g} to "
            f"{temperatures[-1]:.3g}. At the smallest temperature class {top + 1} has probability "
            f"{p[0, top]:.2f} and the others share the rest; as the temperature grows every curve "
            f"approaches the dotted line at 1/{k}, reaching {p[-1].min():.2f} to {p[-1].max():.2f}"
            + (", without crossing, so the order of the classes is kept." if order_kept else "."))


def training_alt(losses, accuracy, n_classes=3) -> str:
    """Alt text of the plane's training figure: its loss curve and its class regions."""
    losses = np.asarray(losses, dtype=np.float64)
    return (f"Left: the cross-entropy loss falls from {losses[0]:.2f} to {losses[-1]:.2f} over "
            f"{losses.size} steps. Right: {n_classes} clusters of points in the plane, with the plane "
            f"divided by straight boundaries into {n_classes} shaded regions, one per class; "
            f"{accuracy:.0%} of the points lie in their own class's region.")


def logit_view_alt(z1, z2, z3, temperature) -> str:
    """Alt text of a frame of :class:`LogitView`."""
    return (f"Two bar charts for logits {z1:g}, {z2:g}, {z3:g}: softmax at temperature "
            f"{temperature:g} on the left, the naive division by the sum on the right.")


def precision_view_alt(scale, dtype) -> str:
    """Alt text of a frame of :class:`PrecisionView`."""
    return (f"Two bar charts of the softmax of {scale:g} times (1, 0, -1) in {dtype}: the naive "
            "formula on the left, which shows NaN once exp overflows, and the stable softmax on the "
            "right.")


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
        self.fixed_artists = [self.ax_stable.title]  # never changes: drawn once, into the frame
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
