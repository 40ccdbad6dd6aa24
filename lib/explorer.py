"""Explorers: controls around a view, live in Jupyter and precomputed on the website.

A *view* is a small class built on a figure: its constructor creates the artists once, and its
``update(**values)`` method only changes them (``set_data``, ``set_height``, ...) and may return a
one-line readout. :func:`explore` puts controls around a view:

* in a live kernel the controls are ipywidgets; each change calls ``update`` and re-renders the same
  figure, so one step of a slider costs milliseconds, not a new figure;
* when the environment variable ``COURSE_STATIC`` is ``1`` (the site build sets it), it renders one
  frame for every combination of the controls' ``static`` values and shows them behind the same kind
  of controls, linked in the browser (``jslink``), so the website still answers the reader without a
  kernel.

Two optional parts of a view make a slow one answer fast:

* ``fixed_artists``: artists the view never changes after its constructor (a legend, the part of a
  heatmap no control touches). They are drawn once into the cached background instead of on every
  update, and so under every artist that changes (a fixed legend excepted: its pixels are pasted
  back on top after each redraw);
* ``advance()``: for a long computation (a training run), ``update`` computes and draws only a first
  piece and each ``advance()`` call the next one, returning the readout, or None when the work is
  done. In a live kernel a background thread keeps calling it and shows every piece, so a new
  setting answers at once and the picture completes as the work goes on. :meth:`Explorer.update`
  (used by the website's frames) always finishes the work, and so does building the explorer.

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

import collections
import html
import itertools
import os
import threading
import time
import weakref
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.legend import Legend

from . import plotting

#: Frames beyond this many in one explorer's static form are refused (page weight).
MAX_FRAMES = 60

#: Every explorer built in this process, weakly held (the benchmark steps through them).
CREATED: "weakref.WeakSet[Explorer]" = weakref.WeakSet()


def static_mode() -> bool:
    """True when explorers should render their precomputed, kernel-free form."""
    return os.environ.get("COURSE_STATIC", "") == "1"


def _fmt(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "on" if value else "off"
    if isinstance(value, (float, np.floating)):
        return f"{float(value):g}"
    return str(value)


@dataclass
class Slider:
    """A numeric control from ``min`` to ``max`` in steps of ``step``.

    ``static`` lists the values precomputed for the website (by default five, evenly spaced, plus
    ``value``). With ``log=True`` the slider moves in powers of ten between ``min`` and ``max``
    (both exponents) and the value passed to the view is ``10**exponent``.
    """

    min: float
    max: float
    step: float
    value: float
    label: str | None = None
    static: Sequence[float] | None = None
    log: bool = False

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
            grid = list(np.logspace(self.min, self.max, 5))
        else:
            grid = list(np.linspace(self.min, self.max, 5))
        grid = [float(np.round(v / self.step) * self.step) if not self.log else float(v) for v in grid]
        return sorted(set(grid + [float(self.value)]))

    def sweep(self, n: int = 20) -> list:
        """``n`` values across the whole range, as a reader dragging the slider would pass them."""
        if self.log:
            return [float(v) for v in np.logspace(self.min, self.max, n)]
        return [float(v) for v in np.linspace(self.min, self.max, n)]

    def live_widget(self, name: str):
        import ipywidgets as w

        label = self.label or name
        if self.log:
            return w.FloatLogSlider(
                value=self.value, base=10, min=self.min, max=self.max, step=self.step,
                description=label, continuous_update=True, readout_format=".2g",
                style={"description_width": "initial"},
            )
        return w.FloatSlider(
            value=self.value, min=self.min, max=self.max, step=self.step, description=label,
            continuous_update=True, style={"description_width": "initial"},
        )

    def static_widget(self, name: str, values: list):
        import ipywidgets as w

        index = int(np.argmin([abs(v - self.value) for v in values]))
        return w.SelectionSlider(
            options=[_fmt(v) for v in values], index=index, description=self.label or name,
            continuous_update=True, style={"description_width": "initial"},
        )


@dataclass
class Choice:
    """A choice among ``options`` (strings, or ``(label, value)`` pairs)."""

    options: Sequence[Any]
    value: Any = None
    label: str | None = None
    static: Sequence[Any] | None = None
    pairs: list = field(init=False, repr=False)

    def __post_init__(self):
        self.pairs = [o if isinstance(o, tuple) else (_fmt(o), o) for o in self.options]
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

        return w.Dropdown(options=self.pairs, value=self.value, description=self.label or name,
                          style={"description_width": "initial"})

    def static_widget(self, name: str, values: list):
        import ipywidgets as w

        labels = {v: k for k, v in self.pairs}
        index = values.index(self.value) if self.value in values else 0
        return w.Dropdown(options=[labels.get(v, _fmt(v)) for v in values], index=index,
                          description=self.label or name, style={"description_width": "initial"})


@dataclass
class Toggle:
    """An on/off control."""

    value: bool = False
    label: str | None = None
    static: Sequence[bool] | None = None

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
        return w.ToggleButtons(options=[_fmt(v) for v in values], index=index,
                               description=self.label or name, style={"description_width": "initial"})


def _frame_state(fig) -> tuple:
    """What the background of a blitted figure depends on, besides its data artists."""
    return tuple(
        (ax.get_visible(), ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale(),
         ax.get_xlabel(), ax.get_ylabel(), tuple(ax.get_xticks()), tuple(ax.get_yticks()),
         len(ax.get_children()))
        for ax in fig.axes
    )


def _animate_data_artists(fig, fixed=()) -> list:
    """Mark the figure's data artists animated, except ``fixed`` ones; return them in drawing order
    (axes by axes)."""
    fixed = {id(a) for a in fixed}
    ordered = []
    for ax in fig.axes:
        artists = [*ax.images, *ax.collections, *ax.patches, *ax.lines, *ax.texts, *ax.artists]
        artists += [t for t in (ax.title, getattr(ax, "_left_title", None), getattr(ax, "_right_title", None)) if t]
        if ax.legend_ is not None:
            artists.append(ax.legend_)
        ordered += sorted((a for a in artists if id(a) not in fixed), key=lambda a: a.get_zorder())
    ordered += [a for a in [*fig.texts, *fig.legends] if id(a) not in fixed]
    for artist in ordered:
        for part in artist.findobj():  # a legend's texts and handles too, so none marks the figure stale
            part.set_animated(True)
    return ordered


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
        before showing the controls, and draw each distinct frame (limits, ticks) once; then the
        same for each of the view's ``warm_settings`` if it has them (partial settings over the
        initial values, e.g. one per axis length the view can show). For views that cache an
        expensive computation per setting (a training run) or change their limits with a setting,
        so that every setting of that grid answers at once afterwards.
    """

    #: How many backgrounds of blitted redraws (one per distinct frame: limits, ticks...) to keep.
    KEEP_FRAMES = 8

    def __init__(self, view: Callable, controls: dict, *, alt: str | Callable[..., str],
                 width: float = 6.4, height: float = 3.4, dpi: float = 80, warm: bool = False):
        if not controls:
            raise ValueError("controls: an explorer needs at least one control")
        self.controls = dict(controls)
        self.alt = alt
        self.warm = warm
        self.dpi = dpi
        self.fig = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
        FigureCanvasAgg(self.fig)
        self._background = None
        self._backgrounds: collections.OrderedDict = collections.OrderedDict()
        self._frame: tuple = ()
        self._animated: list = []
        self.values = {name: c.value for name, c in self.controls.items()}
        #: The thread that finishes a progressive view's work in the live form (None when idle).
        self.worker: threading.Thread | None = None
        self.view = view(self.fig, **self.values)
        while self.advance() is not None:  # a view's first picture is a finished one
            pass
        CREATED.add(self)

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
        The live form shows every piece as it comes (see :meth:`live`).
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
        """The figure as PNG bytes, as it stands.

        Redraws are blitted. The first render lays the figure out and freezes that layout (views fix
        their axis limits). Every data artist (lines, markers, bars, images, texts, legends, titles)
        but the view's ``fixed_artists`` is marked animated, so a full draw paints only the frame
        around them (axes, ticks, labels, the expensive part) and keeps it as a background; a redraw
        restores that background and draws the data artists on it. A fixed legend's pixels are also
        kept and pasted back over the data after each redraw, so it stays on top (as an opaque box).
        A change to the frame (limits, scales, ticks, axis labels, a new artist) calls for a full
        draw and a new background; the last :attr:`KEEP_FRAMES` backgrounds are kept, so going back
        to a frame seen before costs no full draw.
        """
        canvas = self.fig.canvas
        frame = _frame_state(self.fig)
        if self._background is not None and self.fig.stale and frame in self._backgrounds:
            self._background, self._frame = self._backgrounds[frame], frame  # a frame seen before
            self._backgrounds.move_to_end(frame)
        if self._background is None or (self.fig.stale and frame != self._frame):
            fixed = getattr(self.view, "fixed_artists", ())
            self._animated = _animate_data_artists(self.fig, fixed)
            canvas.draw()
            if isinstance(self.fig.get_layout_engine(), ConstrainedLayoutEngine):
                self.fig.set_layout_engine("none")
            renderer = canvas.get_renderer()
            on_top = [canvas.copy_from_bbox(a.get_window_extent(renderer).padded(1))
                      for a in fixed if isinstance(a, Legend) and a.get_visible()]
            self._background = (canvas.copy_from_bbox(self.fig.bbox), on_top)
            self._frame = frame
            self._backgrounds[frame] = self._background
            while len(self._backgrounds) > self.KEEP_FRAMES:
                self._backgrounds.popitem(last=False)
        else:
            canvas.restore_region(self._background[0])
            self.fig.stale = False  # e.g. limits set again to the values they had
        for artist in self._animated:
            self.fig.draw_artist(artist)
        for region in self._background[1]:  # fixed legends, over the data
            canvas.restore_region(region)
        return plotting.encode_png(canvas.buffer_rgba(), canvas.get_width_height(), compact=compact)

    def alt_text(self) -> str:
        return self.alt(**self.values) if callable(self.alt) else self.alt

    def frame_html(self, readout: str, compact: bool = False) -> str:
        """One frame: the image with its alt text, and the readout under it."""
        text = f'<div class="explorer-readout">{html.escape(readout)}</div>' if readout else ""
        return plotting.img_tag(self.render(compact), self.alt_text()) + text

    # -- live form ---------------------------------------------------------------------------
    def live(self):
        """ipywidgets controls that redraw the figure on every change."""
        import ipywidgets as w

        if self.warm:
            initial = dict(self.values)
            extra = [{**initial, **setting} for setting in getattr(self.view, "warm_settings", ())]
            for combo in self.static_grid() + extra:
                self.update(**combo)
                if _frame_state(self.fig) not in self._backgrounds:
                    self.render()  # keep this frame's background too
            self.update(**initial)
        widgets = {name: c.live_widget(name) for name, c in self.controls.items()}
        image = w.HTML()
        lock = threading.Lock()  # one of redraw and the worker touches the figure at a time

        def work():
            while True:
                with lock:  # the worker leaves (self.worker = None) only while holding the lock,
                    try:    # so a redraw either sees it running or starts a new one
                        readout = self.advance()
                        if readout is not None:
                            image.value = self.frame_html(readout)
                    except BaseException:
                        self.worker = None
                        raise
                    if readout is None:
                        self.worker = None
                        return
                time.sleep(0.002)  # let a waiting redraw take the lock between pieces

        def redraw(_change=None):
            values = {name: wd.value for name, wd in widgets.items()}
            with lock:
                image.value = self.frame_html(self.respond(**values))
                if hasattr(self.view, "advance") and self.worker is None:
                    self.worker = threading.Thread(target=work, name="explorer", daemon=True)
                    self.worker.start()

        for wd in widgets.values():
            wd.observe(redraw, names="value")
        image.value = self.frame_html(self.update(**{name: wd.value for name, wd in widgets.items()}))
        return w.VBox([w.HBox(list(widgets.values()), layout=w.Layout(flex_flow="row wrap")), image])

    # -- static form -------------------------------------------------------------------------
    def static_grid(self) -> list[dict]:
        """Every combination of the controls' static values, in nesting order."""
        names = list(self.controls)
        axes = [self.controls[n].static_values() for n in names]
        return [dict(zip(names, combo)) for combo in itertools.product(*axes)]

    def static(self):
        """Precomputed frames behind controls linked in the browser: works with no kernel.

        A control with a single static value is fixed at it and not shown.
        """
        import ipywidgets as w

        names = list(self.controls)
        axes = [self.controls[n].static_values() for n in names]
        count = int(np.prod([len(a) for a in axes]))
        if count > MAX_FRAMES:
            raise ValueError(
                f"controls: {count} static frames exceed MAX_FRAMES={MAX_FRAMES}; give fewer static values"
            )
        initial = dict(self.values)
        fixed = {n: a[0] for n, a in zip(names, axes) if len(a) == 1}
        moving = [(n, a) for n, a in zip(names, axes) if len(a) > 1]
        frames: dict[str, Any] = {}  # identical frames share one widget

        def frame(combo):
            content = self.frame_html(self.update(**fixed, **dict(zip([n for n, _ in moving], combo))),
                                      compact=True)
            if content not in frames:
                frames[content] = w.HTML(content)
            return frames[content]

        def level(depth, prefix):
            if depth == len(moving):
                return frame(prefix)
            return w.Stack([level(depth + 1, prefix + (v,)) for v in moving[depth][1]])

        root = level(0, ())
        self.update(**initial)
        controls = {n: self.controls[n].static_widget(n, a) for n, a in moving}

        # Link each control to every stack at its depth, so the browser alone picks the frame.
        stacks = [root] if moving else []
        for name, _ in moving:
            for stack in stacks:
                w.jslink((controls[name], "index"), (stack, "selected_index"))
                stack.selected_index = controls[name].index
            stacks = [child for s in stacks for child in s.children if isinstance(child, w.Stack)]
        note = w.HTML('<span class="explorer-note">Precomputed explorer: the controls pick among '
                      f'{count} frames computed when this page was built. Run the notebook for '
                      'every setting.</span>')
        return w.VBox([w.HBox(list(controls.values()), layout=w.Layout(flex_flow="row wrap")), root, note])

    def _ipython_display_(self):
        from IPython.display import display

        display(self.static() if static_mode() else self.live())


def explore(view: Callable, controls: dict, *, alt, **options) -> Explorer:
    """Build an :class:`Explorer`; as the last expression of a cell it displays itself."""
    return Explorer(view, controls, alt=alt, **options)
