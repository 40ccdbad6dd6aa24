"""Figures for the Activations chapter: plain ``plot_*(ax, ...)`` functions and three explorer views.

* :class:`ActivationView` -- any function of ``ACTIVATIONS``, its parameters, and its derivative;
* :class:`FamilyView` -- one parameter family (e.g. softplus for five values of beta), so that on the
  website, where explorers are precomputed, moving a parameter still changes the picture;
* :class:`DecisionBoundaryView` -- the decision regions a small network learns with a given hidden
  activation and width (trained by :func:`lib.experiments.activations.train_classifier`);
* :func:`plot_fits`, :func:`plot_slope_runs` -- runs over seeds: the fits of the wave by one kind of
  hidden layer, and the PReLU slopes learned epoch by epoch (:func:`fits_alt` and
  :func:`slope_runs_alt` are their figures' alt text);
* :func:`activations_alt`, :func:`family_alt` -- the alt text of the chapter's figures drawn by
  :func:`plot_activation` and :func:`plot_family`, built from the values they draw;
* :func:`activation_grid` and :func:`activation_grid_alt` -- small multiples of f and f' for any
  functions of ``ALL_ACTIVATIONS`` (the appendix page "Every activation"), and the figure's alt text.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import LinearSegmentedColormap

from ..activations import ACTIVATIONS
from ..experiments import activations as experiments
from ..plotting import PALETTE, dots, figure, subplots
from ..tables import format_number

#: Which control of the activation explorer feeds which parameter of which function.
#: Each control belongs to one function (or, for the threshold, to the two that have one), so every
#: function starts at its own default and a control is offered only while its function is drawn.
PARAMETERS = {
    "step": {"threshold": "threshold"},
    "linear": {"c": "c"},
    "relu": {"threshold": "threshold", "max_value": "max_value"},
    "leaky_relu": {"leaky_slope": "negative_slope"},
    "prelu": {"prelu_a": "a"},
    "softplus": {"softplus_beta": "beta"},
    "elu": {"elu_alpha": "alpha"},
    "swish": {"swish_beta": "beta"},
}


def functions_of(control: str) -> list:
    """The functions whose parameter ``control`` sets (for an explorer's ``shown_when``).

    >>> functions_of("threshold"), functions_of("prelu_a")
    (['step', 'relu'], ['prelu'])
    """
    return [name for name, controls in PARAMETERS.items() if control in controls]

#: Parameter families for :class:`FamilyView`: label -> (function, parameter, five values).
FAMILIES = {
    "ReLU threshold θ": ("relu", "threshold", [-2.0, -1.0, 0.0, 1.0, 2.0]),
    "ReLU max_value": ("relu", "max_value", [1.0, 2.0, 3.0, 4.0, 6.0]),
    "leaky ReLU slope": ("leaky_relu", "negative_slope", [0.0, 0.01, 0.1, 0.2, 0.3]),
    "softplus beta": ("softplus", "beta", [0.5, 1.0, 2.0, 5.0, 10.0]),
    "ELU alpha": ("elu", "alpha", [0.25, 0.5, 1.0, 1.5, 2.0]),
    "swish beta": ("swish", "beta", [0.0, 0.5, 1.0, 2.0, 10.0]),
}


def activation_params(name: str, **controls) -> dict:
    """The keyword arguments of activation ``name`` taken from the explorer's controls.

    ``max_value`` at or above 6 means "no cap" (``None``), and so does a ``max_value`` that does
    not lie above the threshold (a cap below the threshold would leave no linear piece).

    Examples
    --------
    >>> activation_params("leaky_relu", leaky_slope=0.2, elu_alpha=1.0)
    {'negative_slope': 0.2}
    >>> activation_params("prelu", leaky_slope=0.01, prelu_a=0.25)
    {'a': 0.25}
    >>> activation_params("relu", threshold=0.0, max_value=6.0)
    {'threshold': 0.0, 'max_value': None}
    >>> activation_params("relu", threshold=1.0, max_value=3.0)
    {'threshold': 1.0, 'max_value': 3.0}
    >>> activation_params("relu", threshold=2.0, max_value=1.0)
    {'threshold': 2.0, 'max_value': None}
    """
    params = {}
    for control, param in PARAMETERS.get(name, {}).items():
        if control in controls:
            value = controls[control]
            if control == "max_value" and value >= 6:
                value = None
            params[param] = value
    if params.get("max_value") is not None and params["max_value"] <= params.get("threshold", 0.0):
        params["max_value"] = None
    return params


def plot_activation(ax, name: str, x=None, derivative: bool = True, **params):
    """Draw activation ``name`` (and its derivative) on ``ax``; returns the two lines.

    Examples
    --------
    >>> from lib.plotting import figure
    >>> fig, ax = figure()
    >>> value, slope = plot_activation(ax, "relu", x=[-1.0, 2.0])
    >>> value.get_ydata().tolist(), slope.get_ydata().tolist()
    ([0.0, 2.0], [0.0, 1.0])
    """
    x = np.linspace(-5, 5, 401) if x is None else np.asarray(x, dtype=float)
    f = ACTIVATIONS[name]
    (value,) = ax.plot(x, f(x, **params), color=PALETTE["blue"], label=f"{name}(x)")
    (slope,) = ax.plot(x, f.derivative(x, **params), color=PALETTE["orange"], linestyle="--",
                       label=f"{name}'(x)", visible=derivative)
    ax.axhline(0, color="0.5", linewidth=0.8)
    ax.axvline(0, color="0.5", linewidth=0.8)
    ax.set_xlabel("x (pre-activation)")
    ax.set_ylabel("output")
    ax.legend(loc="upper left")
    return value, slope


#: The line styles of a family's members, in order (solid, dashed, dash-dot, dotted, dash-dot-dot).
FAMILY_STYLES = ["-", "--", "-.", ":", (0, (5, 1.5, 1, 1.5, 1, 1.5))]


def family_colours(n: int) -> list:
    """``n`` colours of the ``cividis`` map, from dark blue (first) to olive (last), as RGBA.

    cividis is readable with every common form of colour-blindness and in grey scale; stopping at
    0.7 keeps the last colour visible on white (its light yellow end is not).

    >>> [tuple(round(c, 2) for c in rgba[:3]) for rgba in family_colours(2)]
    [(0.0, 0.14, 0.3), (0.68, 0.64, 0.44)]
    """
    from matplotlib import colormaps

    return [tuple(float(c) for c in colormaps["cividis"](t)) for t in np.linspace(0, 0.7, n)]


def plot_family(ax, name: str, param: str, values, x=None, derivative: bool = False):
    """Draw ``name`` (or its derivative) for each value of ``param``; returns the lines.

    The members are told apart twice over, so that neighbouring values (leaky ReLU's slopes 0 and
    0.01) never look alike: a colour from the sequential, colour-blind-safe ``cividis`` map (dark for
    the first value, light for the last) and a line style of its own (:data:`FAMILY_STYLES`); the
    legend names each value.

    Examples
    --------
    >>> from lib.plotting import figure
    >>> fig, ax = figure()
    >>> lines = plot_family(ax, "elu", "alpha", [0.5, 2.0], x=[-50.0, 1.0])
    >>> [line.get_ydata().round(3).tolist() for line in lines]
    [[-0.5, 1.0], [-2.0, 1.0]]
    """
    x = np.linspace(-5, 5, 401) if x is None else np.asarray(x, dtype=float)
    f = ACTIVATIONS[name]
    g = f.derivative if derivative else f
    lines = []
    for value, colour, dashes in zip(values, family_colours(len(values)), FAMILY_STYLES * 2):
        (line,) = ax.plot(x, g(x, **{param: value}), color=colour, linestyle=dashes,
                          label=f"{param} = {format_number(value)}")
        lines.append(line)
    ax.axhline(0, color="0.5", linewidth=0.8)
    ax.axvline(0, color="0.5", linewidth=0.8)
    ax.set_xlabel("x (pre-activation)")
    ax.set_ylabel(f"{name}'(x)" if derivative else f"{name}(x)")
    ax.legend(loc="upper left")
    return lines


def _n(value) -> str:
    return format_number(value, 3, minus="−")


def _span(values) -> str:
    values = np.asarray(values)
    if values.min() == values.max():
        return f"constant at {_n(values.min())}"
    return f"from {_n(values.min())} to {_n(values.max())}"


def activations_alt(names, x=None) -> str:
    """Alt text of panels drawn by :func:`plot_activation` for ``names`` on ``x`` (default
    [-5, 5]): for each, the lowest and highest values of f and f' drawn, and where f' peaks.

    Examples
    --------
    >>> activations_alt(["step"], np.linspace(-3, 3, 601)).split("line. ")[1]
    'step: f from 0 to 1, f′ constant at 0.'
    """
    x = np.linspace(-5, 5, 401) if x is None else np.asarray(x, dtype=float)
    parts = []
    for name in names:
        f = ACTIVATIONS[name]
        y, dy = f(x), f.derivative(x)
        peak = "" if dy.min() == dy.max() else f", highest at x = {_n(x[np.argmax(dy)])}"
        parts.append(f"{name}: f {_span(y)}, f′ {_span(dy)}{peak}.")
    return (f"On x from {_n(x.min())} to {_n(x.max())}, the function as a solid blue line and its "
            "derivative as a dashed orange line. " + " ".join(parts))


def family_alt(name: str, param: str, values, x=None) -> str:
    """Alt text of :func:`plot_family` for ``name`` with ``param`` taking ``values`` on ``x``:
    how the members are drawn, and each member's value at both ends of the window.

    Examples
    --------
    >>> family_alt("elu", "alpha", [0.5, 2.0], np.linspace(-5, 3, 9)).split("style. ")[1]
    'At x = −5 and x = 3: alpha = 0.5 gives −0.497 and 3; alpha = 2 gives −1.99 and 3.'
    """
    x = np.linspace(-5, 5, 401) if x is None else np.asarray(x, dtype=float)
    f = ACTIVATIONS[name]
    shown = ", ".join(format_number(v) for v in values)
    ends = "; ".join(f"{param} = {format_number(v)} gives {_n(f(x[0], **{param: v}))} and "
                     f"{_n(f(x[-1], **{param: v}))}" for v in values)
    return (f"{name} for {param} = {shown}: one line per value, dark blue for the smallest to "
            f"olive for the largest, each in its own line style. At x = {_n(x[0])} and "
            f"x = {_n(x[-1])}: {ends}.")


class ActivationView:
    """An activation and, optionally, its derivative on a fixed window.

    Controls: ``name``, ``derivative`` (bool) and the parameters in :data:`PARAMETERS`
    (``alpha``, ``beta``, ``slope``, ``threshold``, ``max_value``, ``c``); a control that does not
    belong to the chosen function is ignored.
    """

    def __init__(self, fig, **values):
        self.ax = subplots(fig)
        self.x = np.linspace(-5, 5, 401)
        self.value, self.slope = plot_activation(self.ax, "sigmoid", self.x)
        self.ax.set_xlim(-5, 5)
        self.ax.set_ylim(-3.2, 5)              # ELU with alpha = 3 reaches -2.98 at x = -5
        self.legend = self.ax.get_legend()
        self.update(**values)

    def update(self, name, derivative=True, **controls):
        f = ACTIVATIONS[name]
        params = activation_params(name, **controls)
        y = f(self.x, **params)
        dy = f.derivative(self.x, **params)
        self.value.set_ydata(y)
        self.slope.set_ydata(dy)
        self.slope.set_visible(bool(derivative))
        texts = self.legend.get_texts()
        texts[0].set_text(f"{name}(x)")
        texts[1].set_text(f"{name}'(x)")
        shown = ", ".join(f"{k}={'None' if v is None else format_number(v)}" for k, v in params.items())
        low, high = float(np.min(y)), float(np.max(y))
        return f"{name}({shown or 'defaults'}): output on [-5, 5] from {low:.3g} to {high:.3g}"


class FamilyView:
    """One parameter family: all five members faintly, the chosen one bold, value and derivative.

    Controls: ``family`` (a key of :data:`FAMILIES`) and ``setting`` (1 to 5, which of the five
    parameter values is drawn bold).
    """

    def __init__(self, fig, **values):
        self.x = np.linspace(-5, 5, 401)
        self.ax_f, self.ax_d = subplots(fig, 1, 2)
        self.background = {}
        for ax, what in ((self.ax_f, "f(x)"), (self.ax_d, "f'(x)")):
            self.background[ax] = [ax.plot(self.x, self.x, color="0.75", linewidth=1.0)[0]
                                   for _ in range(5)]
            ax.axhline(0, color="0.5", linewidth=0.8)
            ax.axvline(0, color="0.5", linewidth=0.8)
            ax.set_xlim(-5, 5)
            ax.set_xlabel("x (pre-activation)")
            ax.set_ylabel(what)
        (self.value,) = self.ax_f.plot(self.x, self.x, color=PALETTE["blue"], linewidth=2.5)
        (self.slope,) = self.ax_d.plot(self.x, self.x, color=PALETTE["orange"], linewidth=2.5,
                                       linestyle="--")
        self.ax_f.set_ylim(-2.5, 5)
        self.ax_d.set_ylim(-0.2, 2.2)          # ELU with alpha = 2 has slope 2 just left of 0
        self.title = self.ax_f.set_title(" ")
        self.ax_d.set_title("derivative f′(x)")
        self.update(**values)

    @staticmethod
    def member(family, setting):
        """(function name, parameter name, value) for a family and a setting from 1 to 5."""
        name, param, values = FAMILIES[family]
        index = int(np.clip(round(float(setting)), 1, len(values))) - 1
        return name, param, values[index]

    def update(self, family, setting=3):
        name, param, chosen = self.member(family, setting)
        f = ACTIVATIONS[name]
        for value, line_f, line_d in zip(FAMILIES[family][2], self.background[self.ax_f],
                                         self.background[self.ax_d]):
            line_f.set_ydata(f(self.x, **{param: value}))
            line_d.set_ydata(f.derivative(self.x, **{param: value}))
        y = f(self.x, **{param: chosen})
        dy = f.derivative(self.x, **{param: chosen})
        self.value.set_ydata(y)
        self.slope.set_ydata(dy)
        self.title.set_text(f"{name}, {param} = {format_number(chosen)}")
        f1 = float(f(1.0, **{param: chosen}))
        fm = float(f(-1.0, **{param: chosen}))
        d0 = float(f.derivative(0.0, **{param: chosen}))
        return (f"{name}({param}={format_number(chosen)}): f(-1) = {fm:.4g}, f(1) = {f1:.4g}, "
                f"f'(0) = {d0:.4g}")


# --------------------------------------------------------------------------------------------------
# Every activation: small multiples
# --------------------------------------------------------------------------------------------------

def activation_grid(names, ncols: int = 4):
    """A figure of small multiples: one panel per activation in ``names``, f solid, f' dashed.

    Each panel shows :func:`lib.experiments.activations.curves` (the function at its defaults, on its
    window), titled with the function's name; one legend above the grid says which line is which.
    Panels left over in the last row are hidden. Returns the figure.

    Examples
    --------
    >>> fig = activation_grid(["relu6", "softsign", "mish"], ncols=2)
    >>> [ax.get_title() for ax in fig.axes if ax.get_visible()]
    ['relu6', 'softsign', 'mish']
    >>> fig.axes[0].lines[0].get_ydata().max(), fig.axes[0].lines[1].get_ydata().max()
    (np.float64(6.0), np.float64(1.0))
    """
    names = list(names)
    nrows = max(1, -(-len(names) // ncols))
    fig, axes = figure(2.3 * ncols, 1.75 * nrows + 0.35, nrows, ncols, squeeze=False)
    for ax, name in zip(axes.flat, names):
        c = experiments.curves(name)
        value, = ax.plot(c["x"], c["f"], color=PALETTE["blue"], linewidth=1.6, label="f(x)")
        slope, = ax.plot(c["x"], c["df"], color=PALETTE["orange"], linewidth=1.6, linestyle="--",
                         label="f′(x)")
        ax.axhline(0, color="0.5", linewidth=0.6)
        ax.axvline(0, color="0.5", linewidth=0.6)
        ax.set_xlim(*c["window"])
        ax.set_title(name, fontsize=10)
        ax.tick_params(labelsize=8)
    for ax in axes.flat[len(names):]:
        ax.set_visible(False)
    fig.legend([value, slope], ["f(x)", "f′(x), the derivative"], loc="outside upper center", ncols=2,
               fontsize=9)
    return fig


def activation_grid_alt(names) -> str:
    """The alt text of :func:`activation_grid` for ``names``, from the same curves: for each panel,
    its window and the lowest and highest values of f and f' drawn in it.

    Examples
    --------
    >>> activation_grid_alt(["relu6"]).split(". ")[-1]
    'relu6 on x from −2 to 8: f from 0 to 6, f′ from 0 to 1.'
    """
    def span(values):
        return f"from {format_number(values.min(), 3, minus='−')} to {format_number(values.max(), 3, minus='−')}"

    parts = []
    for name in names:
        c = experiments.curves(name)
        low, high = (format_number(v, 3, minus="−") for v in c["window"])
        parts.append(f"{name} on x from {low} to {high}: f {span(c['f'])}, f′ {span(c['df'])}.")
    return ("One panel per function, f as a solid blue line and its derivative f′ as a dashed orange "
            "line. " + " ".join(parts))


# --------------------------------------------------------------------------------------------------
# Decision regions
# --------------------------------------------------------------------------------------------------

#: Orange (class 0) through white (undecided) to blue (class 1).
REGION_CMAP = LinearSegmentedColormap.from_list(
    "course_regions", [PALETTE["orange"], "#ffffff", PALETTE["blue"]])


def plot_decision_regions(ax, predict, X, y, lim: float = 1.6, n: int = 121):
    """Shade the probability of class 1 that ``predict`` (points -> logits) gives, with the data.

    Returns ``(image, scatter0, scatter1)``. Class 0 is drawn as orange circles, class 1 as blue
    triangles, so the classes differ in shape as well as colour.
    """
    image = ax.imshow(experiments.region_grid(predict, lim, n), origin="lower",
                      extent=(-lim, lim, -lim, lim), cmap=REGION_CMAP, vmin=0, vmax=1, alpha=0.7,
                      interpolation="bilinear")
    X, y = np.asarray(X), np.asarray(y).ravel()
    s0 = dots(ax, *X[y == 0].T, size=14, marker="o", color=PALETTE["orange"], markeredgecolor="black",
              markeredgewidth=0.4, label="class 0")
    s1 = dots(ax, *X[y == 1].T, size=16, marker="^", color=PALETTE["blue"], markeredgecolor="black",
              markeredgewidth=0.4, label="class 1")
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.grid(False)
    return image, s0, s1


class DecisionBoundaryView:
    """The decision regions of a one-hidden-layer network, for a hidden activation and width.

    Build it with the data, e.g. ``functools.partial(DecisionBoundaryView, X=X, y=y)``. Controls:
    ``activation`` (a key of ``ACTIVATIONS``) and ``width`` (hidden units). The view trains each
    setting once (:func:`lib.experiments.activations.train_classifier`) and keeps it in ``trained``;
    an update only swaps the image's data.
    """

    def __init__(self, fig, *, X, y, epochs=800, lr=1.0, **values):
        self.X, self.y = np.asarray(X, dtype=float), np.asarray(y).ravel()
        self.epochs, self.lr = epochs, lr
        self.trained = {}   # (activation, width) -> train_classifier's result
        self.ax = subplots(fig)
        self.image, _, _ = plot_decision_regions(self.ax, lambda P: np.zeros(len(P)), self.X, self.y)
        self.ax.legend(loc="upper right", fontsize=9, framealpha=0.8, frameon=True)
        self.title = self.ax.set_title(" ")
        self.update(**values)

    def update(self, activation, width):
        setting = (activation, int(width))
        if setting not in self.trained:
            self.trained[setting] = experiments.train_classifier(
                self.X, self.y, activation, int(width), epochs=self.epochs, lr=self.lr)
        result = self.trained[setting]
        self.image.set_data(result["grid"])
        self.title.set_text(f"{activation}, {int(width)} hidden units")
        return (f"{activation}, {int(width)} hidden units: training accuracy "
                f"{100 * result['accuracy']:.1f} %, final loss {result['history'][-1]:.3f}")


# --------------------------------------------------------------------------------------------------
# Runs over seeds
# --------------------------------------------------------------------------------------------------


def plot_fits(ax, X, y, predictions, title: str = ""):
    """The target (thick grey) and one thin line per run's prediction on ``ax``; returns the lines.

    Examples
    --------
    >>> from lib.plotting import figure
    >>> fig, ax = figure()
    >>> X = np.linspace(-1, 1, 5)[:, None]
    >>> lines = plot_fits(ax, X, X ** 2, [X * 0, X * 0 + 1], title="two runs")
    >>> len(lines), ax.get_title()
    (3, 'two runs')
    """
    X = np.asarray(X, dtype=float).ravel()
    lines = ax.plot(X, np.asarray(y).ravel(), color="black", linewidth=3, alpha=0.35, label="target")
    for i, prediction in enumerate(predictions):
        lines += ax.plot(X, np.asarray(prediction).ravel(), color=PALETTE["blue"], linewidth=1.0,
                         alpha=0.8, label="one run per seed" if i == 0 else None)
    ax.set_xlabel("x")
    ax.set_title(title)
    return lines


def fits_alt(losses, line: float) -> str:
    """Alt text of one :func:`plot_fits` panel per hidden activation, from each run's final loss
    (``losses`` maps a name to a :class:`lib.experiments.Spread`) and the loss of the best straight
    line, ``line``: the range of the losses, and how many times below ``line`` they all end.

    Examples
    --------
    >>> from lib.experiments import Spread
    >>> text = fits_alt({"linear": Spread(np.array([0.5, 0.5]), (1, 2)),
    ...                  "relu": Spread(np.array([0.002, 0.01]), (1, 2))}, line=0.5)
    >>> text.split(". ")[1]
    'linear hidden layers: every run ends at the best straight line’s loss, 0.5'
    >>> text.split(". ")[2]
    'relu hidden layers: losses from 0.002 to 0.01, each at least 50 times below the best straight line’s 0.5.'
    """
    parts = []
    for name, loss in losses.items():
        if np.allclose(loss.values, line, rtol=1e-6):
            parts.append(f"{name} hidden layers: every run ends at the best straight line’s loss, "
                         f"{_n(line)}")
        else:
            parts.append(f"{name} hidden layers: losses from {_n(loss.min)} to {_n(loss.max)}, "
                         f"each at least {int(line / loss.max)} times below the best straight "
                         f"line’s {_n(line)}")
    return ("One panel per hidden activation, each the wavy target as a thick grey line and one "
            "thin blue fit per seed. " + ". ".join(parts) + ".")


def slope_runs_alt(runs) -> str:
    """Alt text of :func:`plot_slope_runs`: where the runs start and where each layer's slopes end.

    Examples
    --------
    >>> slope_runs_alt([np.array([[0.25, 0.25], [0.1, -0.2]])])
    'The learned PReLU slope of each hidden layer against the epoch, one line per run and layer, all starting at 0.25. Hidden layer 1 (solid) ends between 0.1 and 0.1, hidden layer 2 (dashed) between −0.2 and −0.2.'
    """
    start = np.asarray(runs[0])[0, 0]
    end = np.array([np.asarray(r)[-1] for r in runs])
    return ("The learned PReLU slope of each hidden layer against the epoch, one line per run and "
            f"layer, all starting at {_n(start)}. Hidden layer 1 (solid) ends between "
            f"{_n(end[:, 0].min())} and {_n(end[:, 0].max())}, hidden layer 2 (dashed) between "
            f"{_n(end[:, 1].min())} and {_n(end[:, 1].max())}.")


def plot_slope_runs(ax, runs):
    """Each run's learned PReLU slopes against the epoch: hidden layer 1 solid blue, layer 2 dashed
    orange, one line of each per run (``runs`` is a list of arrays of shape (epochs + 1, 2)).

    Examples
    --------
    >>> from lib.plotting import figure
    >>> fig, ax = figure()
    >>> lines = plot_slope_runs(ax, [np.array([[0.25, 0.25], [0.1, -0.2]])] * 3)
    >>> len(lines), lines[1].get_ydata().tolist()
    (6, [0.25, -0.2])
    """
    lines = []
    for i, slopes in enumerate(runs):
        slopes = np.asarray(slopes)
        lines += ax.plot(slopes[:, 0], color=PALETTE["blue"], linewidth=1.2,
                         label="hidden layer 1" if i == 0 else None)
        lines += ax.plot(slopes[:, 1], color=PALETTE["orange"], linewidth=1.2, linestyle="--",
                         label="hidden layer 2" if i == 0 else None)
    ax.axhline(0, color="0.5", linewidth=0.8)
    ax.set_xlabel("epoch")
    ax.set_ylabel("PReLU slope a")
    ax.legend(loc="upper right")
    return lines
