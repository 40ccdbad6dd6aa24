"""Figures and explorer views for the Derivatives chapter.

- :func:`plot_with_derivative` -- an activation and its derivative on one axes (the grid of panels).
- :func:`plot_difference_errors` -- finite-difference error against h
  (:func:`lib.experiments.derivatives.difference_errors`).
- :func:`descent_alt`, :func:`derivatives_alt`, :func:`difference_errors_alt` -- the alt text of the
  chapter's figures, built from the data they draw.
- :class:`TangentView` -- the tangent explorer: f with its tangent at x, and f' with a marker.
- :class:`FiniteDifferenceView` -- the finite-difference explorer: secants, estimates and errors.

The functions the explorers offer are :data:`lib.experiments.derivatives.FUNCTIONS`.
"""

from __future__ import annotations

import numpy as np

from ..activations import ACTIVATIONS
from ..experiments import derivatives as experiments
from ..plotting import PALETTE, subplots
from ..tables import format_number


def _n(value, digits=3):
    return format_number(value, digits, minus="−")


def plot_with_derivative(ax, name: str, x=None, **params):
    """Draw activation ``name`` (solid) and its derivative (dashed) on ``ax``; returns both lines.

    Examples
    --------
    >>> from lib.plotting import figure
    >>> fig, ax = figure()
    >>> f_line, d_line = plot_with_derivative(ax, "relu", x=[-1.0, 0.0, 2.0])
    >>> d_line.get_ydata().tolist()
    [0.0, 0.0, 1.0]
    """
    x = np.linspace(-4, 4, 401) if x is None else np.asarray(x, dtype=float)
    f = ACTIVATIONS[name]
    (value,) = ax.plot(x, f(x, **params), color=PALETTE["blue"], label="f(x)")
    (slope,) = ax.plot(x, f.derivative(x, **params), color=PALETTE["vermillion"], linestyle="--",
                       label="f'(x)")
    ax.axhline(0, color="0.6", linewidth=0.7)
    ax.axvline(0, color="0.6", linewidth=0.7)
    ax.set_title(name)
    return value, slope


def descent_alt(history, best: float) -> str:
    """Alt text of the one-weight gradient-descent figure: the loss valley with its bottom at
    ``best``, and the steps ``history`` (the weights, first to last).

    >>> descent_alt([-1.0, 0.2, 0.9], best=0.924).split("Right: ")[1]
    'w against the step number, rising from −1 towards the best w.'
    """
    start, end = float(history[0]), float(history[-1])
    way = "rising" if end > start else "falling"
    return (f"Left: the loss of a one-weight sigmoid neuron as a function of w, a valley with its "
            f"bottom near w = {_n(best)}, and the gradient-descent steps walking down into it from "
            f"w = {_n(start)}, ending at w = {_n(end)}. Right: w against the step number, {way} from "
            f"{_n(start)} towards the best w.")


def derivatives_alt(names, x) -> str:
    """Alt text of panels drawn by :func:`plot_with_derivative` for ``names`` on ``x``: each panel's
    name and where on the window its derivative is lowest and highest.

    >>> derivatives_alt(["relu"], np.linspace(-4, 4, 9)).split("line. ")[-1]
    'relu: f′ from 0 to 1, its maximum first reached at x = 1.'
    """
    x = np.asarray(x, dtype=float)
    parts = []
    for name in names:
        d = ACTIVATIONS[name].derivative(x)
        if d.min() == d.max():
            parts.append(f"{name}: f′ constant at {_n(d.min())}.")
            continue
        parts.append(f"{name}: f′ from {_n(d.min())} to {_n(d.max())}, its maximum first "
                     f"reached at x = {_n(x[np.argmax(d)])}.")
    return (f"{len(parts)} panels on x from {_n(x.min())} to {_n(x.max())}, each an activation as a "
            "solid line and its derivative as a dashed line. " + " ".join(parts))


def difference_errors_alt(best) -> str:
    """Alt text of the finite-difference error plot, from ``best``: ``{(dtype, method): (h, error)}``
    with the step of smallest error of each curve.

    >>> difference_errors_alt({("float64", "central"): (1e-5, 1e-11)})[-52:]
    'Smallest errors: float64 central 1e-11 at h = 1e-05.'
    """
    lows = "; ".join(f"{dtype} {method} {error:.0e} at h = {h:.0e}"
                     for (dtype, method), (h, error) in best.items())
    return ("Log-log plot of the error of forward and central differences against the step h, in "
            "float64 (solid) and float32 (dotted), with grey guide lines of slope 1 and 2. Each curve "
            "is a V: for large h the error falls along the guide of its method, for small h it rises "
            f"again, jagged, as round-off takes over. Smallest errors: {lows}.")


def plot_difference_errors(ax, f, df, x0: float, hs=None, dtypes=(np.float64, np.float32)):
    """Log-log plot of the forward and central difference errors against h; returns the lines.

    Errors that are exactly 0 are drawn at 1e-17 (the bottom of a float64 plot).

    Examples
    --------
    >>> from lib.plotting import figure
    >>> fig, ax = figure()
    >>> len(plot_difference_errors(ax, np.sin, np.cos, 1.0, hs=np.logspace(-8, 0, 9)))
    4
    """
    hs = np.logspace(-12, 0, 97) if hs is None else np.asarray(hs, dtype=float)
    colours = {"forward": PALETTE["orange"], "central": PALETTE["blue"]}
    styles = {np.dtype(np.float64): "-", np.dtype(np.float32): ":"}
    lines = []
    for dtype in dtypes:
        errors = experiments.difference_errors(f, df, x0, hs, dtype)
        for method in ("forward", "central"):
            (line,) = ax.loglog(hs, np.maximum(errors[method], 1e-17), color=colours[method],
                                linestyle=styles.get(np.dtype(dtype), "-"),
                                label=f"{method}, {np.dtype(dtype).name}")
            lines.append(line)
    ax.set_xlabel("step h")
    ax.set_ylabel("|estimate − exact|")
    return lines


#: y-limits of the tangent explorer's left panel, per function (the rest use the default).
_TANGENT_YLIM = {"sin": (-1.5, 1.5), "sigmoid": (-0.3, 1.3), "tanh": (-1.5, 1.5), "step": (-0.3, 1.3)}
_DEFAULT_YLIM = (-1.5, 4.5)


class TangentView:
    """The tangent explorer: f with its tangent line at x (left), f' with a marker at x (right).

    Controls: ``name`` (a key of :data:`lib.experiments.derivatives.FUNCTIONS`) and ``x``. The tangent has slope
    ``f.derivative(x)`` (the course's convention at kinks: ReLU'(0) = 0, as PyTorch).
    """

    def __init__(self, fig, **values):
        self.ax, self.dax = subplots(fig, 1, 2)
        self.x = np.linspace(-4, 4, 401)
        (self.curve,) = self.ax.plot(self.x, self.x, color=PALETTE["blue"], label="f(x)")
        (self.tangent,) = self.ax.plot(self.x, self.x, color=PALETTE["vermillion"], linestyle="--",
                                       label="tangent")
        (self.point,) = self.ax.plot([0.0], [0.0], "o", color=PALETTE["black"], markersize=6)
        (self.dcurve,) = self.dax.plot(self.x, self.x, color=PALETTE["vermillion"], label="f'(x)")
        (self.dpoint,) = self.dax.plot([0.0], [0.0], "o", color=PALETTE["black"], markersize=6)
        for ax in (self.ax, self.dax):
            ax.set_xlim(-4, 4)
            ax.axhline(0, color="0.6", linewidth=0.7)
            ax.set_xlabel("x")
        self.ax.set_ylabel("f(x)")
        self.dax.set_ylabel("f'(x)")
        self.dax.set_ylim(-0.3, 1.9)
        self.ax.legend(loc="upper left")
        self.update(**values)

    def update(self, *, name, x):
        f, df = experiments.FUNCTIONS[name]
        x = float(x)
        y0 = float(f(np.float64(x)))
        slope = float(df(np.float64(x)))
        self.curve.set_ydata(f(self.x))
        self.tangent.set_ydata(y0 + slope * (self.x - x))
        self.point.set_data([x], [y0])
        self.dcurve.set_ydata(df(self.x))
        self.dpoint.set_data([x], [slope])
        self.ax.set_ylim(*_TANGENT_YLIM.get(name, _DEFAULT_YLIM))
        self.ax.set_title(f"{name} and its tangent at x = {x:g}")
        self.dax.set_title(f"{name}'")
        return f"{name}: at x = {x:g}, f(x) = {y0:.4f} and the slope f'(x) = {slope:.4f}"


class FiniteDifferenceView:
    """The finite-difference explorer.

    Left: f near x, drawn as f(x + t) - f(x) against the offset t (so the frame stays put while x
    moves and every line passes near the origin), with the exact tangent and the forward and central
    secants of step h. Right: the error of both estimates against h (log-log, for the chosen dtype),
    with markers at the current h.
    Controls: ``h``, ``x``, ``dtype`` ("float64" or "float32") and ``name`` (a key of
    :data:`lib.experiments.derivatives.FUNCTIONS`, ``"sin"`` by default).
    """

    HS = experiments.ERROR_STEPS

    def __init__(self, fig, **values):
        self.ax, self.eax = subplots(fig, 1, 2)
        self.window = np.linspace(-1.5, 1.5, 301)
        z = self.window
        (self.curve,) = self.ax.plot(z, z, color=PALETTE["black"], label="f")
        (self.tangent,) = self.ax.plot(z, z, color="0.55", linestyle="-", linewidth=4, alpha=0.5,
                                       label="exact tangent")
        (self.forward,) = self.ax.plot(z, z, color=PALETTE["orange"], linestyle="--", label="forward")
        (self.central,) = self.ax.plot(z, z, color=PALETTE["blue"], linestyle=":", label="central")
        (self.points,) = self.ax.plot([0.0, 0.0, 0.0], [0.0, 0.0, 0.0], "o", color=PALETTE["black"],
                                      markersize=4)
        self.ax.set_xlim(-1.5, 1.5)
        self.ax.set_ylim(-2.0, 2.0)  # slopes stay below 1.2 in size for x in [0, 3]
        self.ax.set_xlabel("offset t from x")
        self.ax.set_ylabel("f(x + t) − f(x)")
        self.ax.legend(loc="lower right", fontsize=8)
        (self.forward_err,) = self.eax.loglog(self.HS, self.HS, color=PALETTE["orange"], label="forward")
        (self.central_err,) = self.eax.loglog(self.HS, self.HS, color=PALETTE["blue"], label="central")
        (self.forward_now,) = self.eax.loglog([1.0], [1.0], "o", color=PALETTE["orange"], markersize=7)
        (self.central_now,) = self.eax.loglog([1.0], [1.0], "s", color=PALETTE["blue"], markersize=7)
        self.eax.set_xlim(1e-12, 1)
        self.eax.set_ylim(1e-17, 10)
        self.eax.set_xlabel("step h")
        self.eax.set_ylabel("|estimate − exact|")
        self.eax.legend(loc="upper center", fontsize=8)
        self.update(**values)

    def update(self, *, h, x, dtype="float64", name="sin"):
        f, df = experiments.FUNCTIONS[name]
        h, x = float(h), float(x)
        xd = np.asarray(x, dtype=np.dtype(dtype))
        exact = float(df(np.float64(x)))
        fwd = experiments.estimate_derivative(f, xd, h, "forward")
        cen = experiments.estimate_derivative(f, xd, h, "central")
        # left panel, in float64 for drawing (the estimates above carry the dtype's rounding)
        t = self.window
        y0 = float(f(np.float64(x)))
        self.curve.set_data(t, f(x + t) - y0)
        self.tangent.set_data(t, exact * t)
        slope = lambda s: 0.0 if np.isnan(s) else s  # noqa: E731
        self.forward.set_data(t, slope(fwd) * t)
        # the central secant joins (x - h, f(x - h)) and (x + h, f(x + h)): through their midpoint
        hv = min(h, 1.5)
        ends = f(np.array([x - hv, x + hv])) - y0
        self.central.set_data(t, slope(cen) * t + float(np.mean(ends)))
        self.points.set_data([-hv, 0.0, hv], [ends[0], 0.0, ends[1]])
        self.ax.set_title(f"{name} near x = {x:g}, h = {h:.0e}")
        # right panel
        curves = experiments.error_curves(name, x, dtype)
        self.forward_err.set_ydata(np.maximum(curves["forward"], 1e-17))
        self.central_err.set_ydata(np.maximum(curves["central"], 1e-17))
        ef, ec = abs(fwd - exact), abs(cen - exact)
        self.forward_now.set_data([h], [max(ef, 1e-17) if np.isfinite(ef) else np.nan])
        self.central_now.set_data([h], [max(ec, 1e-17) if np.isfinite(ec) else np.nan])
        self.eax.set_title(f"error against h ({dtype})")

        def part(label, value, err):
            if np.isnan(value):
                return f"{label}: x + h rounds to x in {dtype}, no estimate"
            return f"{label} {value:.8f} (error {err:.1e})"
        return (f"h = {h:.0e}, {dtype}: {part('forward', fwd, ef)}; {part('central', cen, ec)}; "
                f"exact {exact:.8f}")
