"""Explorers: controls around a view, live in Jupyter and precomputed on the website.

A *view* is a small class built on a figure: its constructor creates the artists once, and its
``update(**values)`` method only changes them (``set_data``, ``set_height``, ...) and may return a
one-line readout. :func:`explore` puts controls around a view. The mechanism is five short modules:

* ``lib.explorer.controls`` -- :class:`Slider`, :class:`Choice`, :class:`Toggle`: the values each
  control offers and its widgets;
* this module -- :class:`Explorer`, the one step both forms share: set control values, let the view
  update its artists, render the figure;
* ``lib.explorer.render`` -- the figure to PNG, blitting: the frame (axes, ticks, labels) is drawn
  once, an update repaints only the data;
* ``lib.explorer.live`` -- in a live kernel, ipywidgets: each change calls ``update`` and shows the
  same figure re-rendered, so one step of a slider costs milliseconds, not a new figure;
* ``lib.explorer.static`` -- when the environment variable ``COURSE_STATIC`` is ``1`` (the site
  build sets it), one frame for every combination of the controls' ``static`` values, behind the same
  kind of controls linked in the browser, so the website still answers the reader without a kernel.

Optional parts of a view:

* ``fixed_artists``: artists ``update`` never changes (the part of a heatmap no control touches, a
  title that stays); they are drawn once into the kept frame, under the data, instead of on every
  update;
* ``advance()``: for a long computation (a training run), ``update`` computes and draws only a first
  piece and each ``advance()`` call the next one, returning the readout, or None when the work is
  done. In a live kernel the form asks for one piece per turn of the kernel's event loop and shows
  each.
  :meth:`Explorer.update` (used by the website's frames) always finishes the work, and so does
  building the explorer;
* ``warm_settings``: partial settings that ``warm=True`` visits besides the static grid (e.g. one per
  axis length the view can show), so that each of their frames is drawn before the reader asks.

Examples
--------
>>> import numpy as np
>>> class Line:
...     def __init__(self, fig, **values):
...         self.ax = fig.add_subplot()
...         self.x = np.linspace(-1, 1, 5)
...         (self.line,) = self.ax.plot(self.x, self.x)
...         self.update(**values)
...     def update(self, slope):
...         self.line.set_ydata(slope * self.x)
...         return f"slope {slope:g}"
>>> ex = Explorer(Line, {"slope": Slider(-2, 2, 0.5, value=1)}, alt="a line through the origin")
>>> ex.update(slope=2.0)
'slope 2'
>>> ex.view.line.get_ydata().tolist()
[-2.0, -1.0, 0.0, 1.0, 2.0]
>>> len(ex.static_grid())
5
"""

from __future__ import annotations

import html
import os
from typing import Callable

from matplotlib.backends.backend_agg import FigureCanvasAgg

from .. import plotting
from .controls import Choice, Slider, Toggle, shown, static_grid
from .live import live_form
from .render import Renderer
from .static import MAX_FRAMES, static_form

__all__ = ["Choice", "Explorer", "MAX_FRAMES", "Slider", "Toggle", "explore", "static_mode"]


def static_mode() -> bool:
    """True when explorers should render their precomputed, kernel-free form."""
    return os.environ.get("COURSE_STATIC", "") == "1"


class Explorer:
    """A view with controls; see the module docstring.

    Parameters
    ----------
    view : callable
        ``view(fig, **values)`` returns an object whose ``update(**values)`` redraws by changing
        existing artists and may return a readout string.
    controls : dict
        Control name (the keyword ``update`` receives) -> :class:`Slider`, :class:`Choice` or
        :class:`Toggle`.
    alt : str or callable
        Alt text of the image; a callable receives the control values and returns it.
    width, height : float
        Figure size in inches.
    dpi : float
        Resolution of the rendered frames (live and static).
    warm : bool
        In a live kernel, run the view's ``update`` once for every setting of the static grid
        and each of the view's ``warm_settings`` before showing the controls, drawing each distinct
        frame once (see ``lib.explorer.live``): for views that cache an expensive computation per
        setting, or change their limits with a setting.

    Attributes
    ----------
    view : object
        What ``view(fig, **values)`` returned.
    values : dict
        The current control values.
    renderer : Renderer
        Renders the figure (blitting).
    """

    def __init__(self, view: Callable, controls: dict, *, alt: str | Callable[..., str],
                 width: float = 6.4, height: float = 3.4, dpi: float = 80, warm: bool = False):
        if not controls:
            raise ValueError("controls: an explorer needs at least one control")
        self.controls = dict(controls)
        for name, control in self.controls.items():
            unknown = set(getattr(control, "shown_when", None) or {}) - set(self.controls)
            if unknown:
                raise ValueError(f"controls: {name}'s shown_when names no control {sorted(unknown)}")
        self.alt = alt
        self.warm = warm
        self.fig = plotting.CourseFigure(figsize=(width, height), dpi=dpi, layout="constrained")
        FigureCanvasAgg(self.fig)
        self.values = {name: c.value for name, c in self.controls.items()}
        self.view = view(self.fig, **self.values)
        while self.advance() is not None:  # a view's first picture is a finished one
            pass
        self.renderer = Renderer(self.fig, getattr(self.view, "fixed_artists", ()))

    # -- the one step both forms share -------------------------------------------------------
    def update(self, **values) -> str:
        """Set some control values, update the view's artists, and return the readout.

        The view's work is finished on return, even for a view that draws a long computation as
        it goes (see :meth:`respond`).
        """
        readout = self.respond(**values)
        while (more := self.advance()) is not None:
            readout = more
        return readout

    def respond(self, **values) -> str:
        """Like :meth:`update`, but a view with an ``advance()`` method may leave work unfinished.

        Such a view computes something long (a training run) in pieces: ``update`` does the first
        piece and draws it, each ``advance()`` call the next piece, until ``advance`` returns None.
        """
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(f"values: unknown control(s) {sorted(unknown)}")
        self.values.update(values)
        readout = self.view.update(**self.values)
        return "" if readout is None else str(readout)

    def advance(self) -> str | None:
        """Continue the view's unfinished work by one piece: the new readout, or None if none is left."""
        step = getattr(self.view, "advance", None)
        readout = None if step is None else step()
        return None if readout is None else str(readout)

    def render(self, compact: bool = False) -> bytes:
        """The figure as PNG bytes, as it stands (``compact``: palette PNG, for the website)."""
        return self.renderer.png(compact)

    def alt_text(self) -> str:
        return self.alt(**self.values) if callable(self.alt) else self.alt

    def frame_html(self, readout: str, compact: bool = False, lines: int | None = None) -> str:
        """One frame: the image with its alt text, and the readout under it.

        With ``lines`` (the live form), the image carries its pixel size and the readout, as wide
        as the image, keeps room for that many lines, even while it is empty.
        """
        size, style = (None, None), ""
        if lines is not None:
            size = self.fig.canvas.get_width_height()
            style = f' style="min-height:{1.5 * lines:g}em;max-width:{size[0]}px"'
        text = f'<div class="explorer-readout"{style}>{html.escape(readout)}</div>' if readout or style else ""
        return plotting.img_tag(self.render(compact), self.alt_text(), *size) + text

    def static_grid(self) -> list[dict]:
        """Every combination of the controls' static values, in nesting order."""
        return static_grid(self.controls)

    # -- the two forms -----------------------------------------------------------------------
    def live(self):
        """ipywidgets controls that redraw the figure on every change (``lib.explorer.live``)."""
        return live_form(self)

    def static(self):
        """Precomputed frames behind controls linked in the browser (``lib.explorer.static``)."""
        return static_form(self)

    def _ipython_display_(self):
        from IPython.display import display

        display(self.static() if static_mode() else self.live())


def explore(view: Callable, controls: dict, *, alt, **options) -> Explorer:
    """Build an :class:`Explorer`; as the last expression of a cell it displays itself."""
    return Explorer(view, controls, alt=alt, **options)
