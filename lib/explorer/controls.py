"""The controls of an explorer: what values each offers, live and on the website.

A control is a small dataclass with an initial ``value`` and an optional ``label``. Each knows:

* ``static_values()``: the values precomputed for the website (the *static grid* of an explorer is
  every combination of its controls' static values, :func:`static_grid`);
* ``sweep(n)``: values across its whole range, as a reader moving it would pass them (the benchmark
  and the tests step through these);
* ``live_widget(name)``: the ipywidget a live kernel shows; a slider offers its ``steps()`` as the
  options of a ``SelectionSlider``, so the view receives each step exactly and the browser can link
  the slider's index to frames waiting there (:mod:`lib.explorer.live`);
* ``static_widget(name, values)``: the ipywidget of the website's form, which picks an ``index``
  among ``values`` (the browser links it to the precomputed frames).

Examples
--------
>>> Slider(0, 1, 0.25, value=0.3).static_values()
[0.0, 0.25, 0.3, 0.5, 0.75, 1.0]
>>> static_grid({"on": Toggle(), "kind": Choice(["a", "b"])})
[{'on': False, 'kind': 'a'}, {'on': False, 'kind': 'b'}, {'on': True, 'kind': 'a'}, {'on': True, 'kind': 'b'}]
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from ..tables import format_number


def fmt(value: Any) -> str:
    """A value as a control shows it: ``on``/``off`` for booleans, floats as ``format_number`` writes them.

    Examples
    --------
    >>> fmt(True), fmt(0.10000), fmt("relu")
    ('on', '0.1', 'relu')
    """
    if isinstance(value, (bool, np.bool_)):
        return "on" if value else "off"
    if isinstance(value, (float, np.floating)):
        return format_number(value)
    return str(value)


def static_grid(controls: dict) -> list[dict]:
    """Every combination of the controls' static values, the first control varying slowest."""
    names = list(controls)
    axes = [controls[n].static_values() for n in names]
    return [dict(zip(names, combo)) for combo in itertools.product(*axes)]


_WIDE = {"description_width": "initial"}  # the label in full, not cut to a fixed width


@dataclass
class Slider:
    """A numeric control from ``min`` to ``max`` in steps of ``step``.

    ``static`` lists the values precomputed for the website (by default five, evenly spaced, plus
    ``value``). With ``log=True`` the slider moves in powers of ten between ``min`` and ``max``
    (both exponents) and the value passed to the view is ``10**exponent``. ``shown_when`` (on every
    control) offers the control only while other controls hold given values, e.g.
    ``{"name": ["elu"]}``: a control that would change nothing visible is not shown (see ``shown`` in this module).
    """

    min: float
    max: float
    step: float
    value: float
    label: str | None = None
    static: Sequence[float] | None = None
    log: bool = False
    shown_when: dict | None = None

    def __post_init__(self):
        if not self.min < self.max:
            raise ValueError(f"min: must be below max, got min={self.min}, max={self.max}")
        if self.step <= 0:
            raise ValueError(f"step: must be positive, got {self.step}")
        lo, hi = (10.0**self.min, 10.0**self.max) if self.log else (self.min, self.max)
        if not lo <= self.value <= hi:
            raise ValueError(f"value: {self.value} lies outside [{lo}, {hi}]")

    def static_values(self) -> list:
        if self.static is not None:
            return list(self.static)
        if self.log:
            grid = [float(v) for v in np.logspace(self.min, self.max, 5)]
        else:
            grid = [float(np.round(v / self.step) * self.step) for v in np.linspace(self.min, self.max, 5)]
        return sorted(set(grid + [float(self.value)]))

    def sweep(self, n: int = 20) -> list:
        space = np.logspace if self.log else np.linspace
        return [float(v) for v in space(self.min, self.max, n)]

    def nearest_step(self, value):
        """The step of a linear slider nearest ``value``, as a float sum of steps would not give it
        (36.99999999999999 for 37): an ``int`` when ``min`` and ``step`` are whole numbers.

        Examples
        --------
        >>> Slider(2, 128, 1, value=32).nearest_step(36.99999999999999)
        37
        >>> Slider(0.1, 3.0, 0.1, value=1.0).nearest_step(0.30000000000000004)
        0.3
        """
        value = self.min + round((value - self.min) / self.step) * self.step
        if float(self.min).is_integer() and float(self.step).is_integer():
            return int(value)
        return round(float(value), 12)

    def steps(self) -> list:
        """Every value the live slider offers: ``min`` to ``max`` in steps of ``step`` (as
        :meth:`nearest_step` gives them; a log slider's exponent moves in steps), with ``value`` and
        the website's ``static`` values among them even where they lie between two steps (a page
        that asks about 0.3 can be answered live too).

        Examples
        --------
        >>> Slider(2, 6, 1, value=4).steps()
        [2, 3, 4, 5, 6]
        >>> Slider(0.0, 0.3, 0.1, value=0.25).steps()
        [0.0, 0.1, 0.2, 0.25, 0.3]
        >>> Slider(-1, 0, 0.5, value=1.0, log=True, static=[0.3]).steps()
        [0.1, 0.3, 0.31622776601683794, 1.0]
        """
        count = int(round((self.max - self.min) / self.step))
        if self.log:
            grid = [float(10.0 ** round(self.min + k * self.step, 12)) for k in range(count + 1)]
        else:
            grid = [self.nearest_step(self.min + k * self.step) for k in range(count + 1)]
        return sorted(set(grid) | {self.value} | set(self.static or ()))

    def live_widget(self, name: str):
        import ipywidgets as w

        label = (lambda v: f"{v:.3g}") if self.log else fmt
        # as wide as its label, 150 px of track and the readout: a long label squeezed the track to 0
        return w.SelectionSlider(options=[(label(v), v) for v in self.steps()], value=self.value,
                                 description=self.label or name, continuous_update=True, style=_WIDE,
                                 layout=w.Layout(width=f"calc({len(self.label or name)}ch + 240px)"))

    def static_widget(self, name: str, values: list):
        import ipywidgets as w

        index = int(np.argmin([abs(v - self.value) for v in values]))
        return w.SelectionSlider(options=[fmt(v) for v in values], index=index,
                                 description=self.label or name, continuous_update=True, style=_WIDE)


@dataclass
class Choice:
    """A choice among ``options`` (strings, or ``(label, value)`` pairs)."""

    options: Sequence[Any]
    value: Any = None
    label: str | None = None
    static: Sequence[Any] | None = None
    shown_when: dict | None = None
    pairs: list = field(init=False, repr=False)

    def __post_init__(self):
        self.pairs = [o if isinstance(o, tuple) else (fmt(o), o) for o in self.options]
        if not self.pairs:
            raise ValueError("options: give at least one option")
        if self.value is None:
            self.value = self.pairs[0][1]
        if self.value not in [v for _, v in self.pairs]:
            raise ValueError(f"value: {self.value!r} is not among the options")

    def static_values(self) -> list:
        return list(self.static) if self.static is not None else [v for _, v in self.pairs]

    def sweep(self, n: int = 20) -> list:
        return [v for _, v in self.pairs]

    def live_widget(self, name: str):
        import ipywidgets as w

        return w.Dropdown(options=self.pairs, value=self.value, description=self.label or name, style=_WIDE)

    def static_widget(self, name: str, values: list):
        import ipywidgets as w

        labels = {v: k for k, v in self.pairs}
        index = values.index(self.value) if self.value in values else 0
        return w.Dropdown(options=[labels.get(v, fmt(v)) for v in values], index=index,
                          description=self.label or name, style=_WIDE)


@dataclass
class Toggle:
    """An on/off control."""

    value: bool = False
    label: str | None = None
    static: Sequence[bool] | None = None
    shown_when: dict | None = None

    def static_values(self) -> list:
        return list(self.static) if self.static is not None else [False, True]

    def sweep(self, n: int = 20) -> list:
        return [not self.value, self.value]

    def live_widget(self, name: str):
        import ipywidgets as w

        return w.Checkbox(value=self.value, description=self.label or name, indent=False)

    def static_widget(self, name: str, values: list):
        import ipywidgets as w

        index = values.index(self.value) if self.value in values else 0
        return w.ToggleButtons(options=[fmt(v) for v in values], index=index,
                               description=self.label or name, style=_WIDE)


def shown(control, values: dict) -> bool:
    """Whether ``control`` is offered when the explorer's controls hold ``values``.

    >>> shown(Slider(0, 1, 0.1, value=0.5, shown_when={"name": ["elu"]}), {"name": "relu"})
    False
    >>> shown(Slider(0, 1, 0.1, value=0.5), {"name": "relu"})
    True
    """
    condition = getattr(control, "shown_when", None) or {}
    return all(values.get(other) in allowed for other, allowed in condition.items())
