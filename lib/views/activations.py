"""Figures for the Activations chapter."""

from __future__ import annotations

import numpy as np

from ..activations import ACTIVATIONS
from ..plotting import PALETTE

#: Which control of the activation explorer feeds which parameter of which function.
PARAMETERS = {
    "step": {"threshold": "threshold"},
    "linear": {"c": "c"},
    "relu": {"threshold": "threshold", "max_value": "max_value"},
    "leaky_relu": {"slope": "negative_slope"},
    "prelu": {"slope": "a"},
    "softplus": {"beta": "beta"},
    "elu": {"alpha": "alpha"},
    "swish": {"beta": "beta"},
}


def activation_params(name: str, **controls) -> dict:
    """The keyword arguments of activation ``name`` taken from the explorer's controls.

    ``max_value`` at or above 6 means "no cap" (``None``).

    Examples
    --------
    >>> activation_params("leaky_relu", slope=0.2, alpha=1.0)
    {'negative_slope': 0.2}
    >>> activation_params("relu", threshold=0.0, max_value=6.0)
    {'threshold': 0.0, 'max_value': None}
    """
    params = {}
    for control, param in PARAMETERS.get(name, {}).items():
        if control in controls:
            value = controls[control]
            if control == "max_value" and value >= 6:
                value = None
            params[param] = value
    return params


def plot_activation(ax, name: str, x=None, derivative: bool = True, **params):
    """Draw activation ``name`` (and its derivative) on ``ax``; returns the two lines."""
    x = np.linspace(-5, 5, 401) if x is None else np.asarray(x)
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


class ActivationView:
    """An activation and, optionally, its derivative on a fixed window.

    Controls: ``name``, ``derivative`` (bool) and the parameters in :data:`PARAMETERS`.
    """

    def __init__(self, fig, **values):
        self.ax = fig.add_subplot()
        self.x = np.linspace(-5, 5, 401)
        self.value, self.slope = plot_activation(self.ax, "sigmoid", self.x)
        self.ax.set_xlim(-5, 5)
        self.ax.set_ylim(-2, 5)
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
        shown = ", ".join(f"{k}={'None' if v is None else format(v, 'g')}" for k, v in params.items())
        low, high = float(np.min(y)), float(np.max(y))
        return f"{name}({shown or 'defaults'}): output on [-5, 5] from {low:.3g} to {high:.3g}"
