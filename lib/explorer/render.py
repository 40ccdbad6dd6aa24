"""A figure to PNG, again and again: the frame is drawn once, an update repaints only the data.

Drawing a whole figure costs tens of milliseconds, most of it the *frame*: axes, ticks, tick labels,
axis labels, grid. An explorer's update seldom changes the frame, only the *data artists* (lines,
markers, bars, images, texts, titles, legends). :class:`Renderer` therefore *blits*:

1. a full draw, with every data artist marked animated (matplotlib's own flag for "not part of the
   ordinary draw"), paints the frame alone; the renderer keeps a copy of those pixels, the
   *background*;
2. each later frame restores the background and draws the data artists on it
   (``Figure.draw_artist``), in the order a full draw uses (axes by axes, by z-order);
3. the background belongs to a *frame signature*, read with public getters: per axes its
   visibility, limits, scales, axis labels and tick locations (:func:`frame_signature`). A new
   signature means a new frame: a full draw. The last :attr:`Renderer.keep` backgrounds are kept,
   so a frame seen before costs no full draw.

A view's ``fixed_artists`` (artists its ``update`` never changes: the cells of a heatmap no control
touches, a title that stays) are drawn once into the background instead of on every frame, under
every artist that changes. So a blitted frame stacks the figure in three layers: the frame, the fixed
artists, the changing ones. Before its first draw the renderer gives the artists z-orders that say
so (:func:`stack_as_blitted`; the grid, for one, then lies under bars and images), and a blitted
frame has the pixels of a full draw of the same figure. A legend is drawn with the changing artists
even when it never changes, so that it stays on top of the data.

The first full draw also freezes the figure's layout: constrained layout would otherwise move the
axes as titles and tick labels change, and cost a few milliseconds each time.

Examples
--------
>>> from matplotlib.backends.backend_agg import FigureCanvasAgg
>>> from matplotlib.figure import Figure
>>> fig = Figure(figsize=(2, 1), dpi=50, layout="constrained")
>>> canvas = FigureCanvasAgg(fig)
>>> ax = fig.add_subplot()
>>> (line,) = ax.plot([0, 1], [0, 1])
>>> renderer = Renderer(fig)
>>> renderer.png()[:4], renderer.full_draws
(b'\\x89PNG', 1)
>>> line.set_ydata([1, 0])              # data only: the kept frame serves
>>> _ = renderer.png(); renderer.full_draws
1
>>> _ = ax.set_ylim(-1, 2)              # a new frame: a full draw
>>> _ = renderer.png(); renderer.full_draws
2
"""

from __future__ import annotations

import collections

from matplotlib.axis import Axis
from matplotlib.image import AxesImage
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.legend import Legend
from matplotlib.spines import Spine

from .. import plotting


def frame_signature(fig) -> tuple:
    """What the background of ``fig`` depends on besides its data artists, one tuple per axes:
    visibility, x and y limits, scales, axis labels and tick locations."""
    return tuple(
        (ax.get_visible(), ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale(),
         ax.get_xlabel(), ax.get_ylabel(), tuple(ax.get_xticks()), tuple(ax.get_yticks()))
        for ax in fig.axes
    )


def _is_frame(ax, artist) -> bool:
    return artist is ax.patch or isinstance(artist, (Spine, Axis))


def data_artists(fig, fixed=()) -> list:
    """The artists of ``fig`` an update may change, in the order a full draw paints them.

    For each axes, its children (``Axes.get_children``) but the frame (the background patch, the
    spines, the axis objects with their grid, ticks and labels), by z-order; then the figure's own
    artists (a figure legend, a suptitle). Artists in ``fixed`` are left out.
    """
    fixed = {id(a) for a in fixed}
    ordered = []
    for ax in fig.axes:
        children = [a for a in ax.get_children() if not _is_frame(ax, a) and id(a) not in fixed]
        ordered += sorted(children, key=lambda a: a.get_zorder())  # stable: as Axes.draw sorts
    own = [a for a in fig.get_children() if a is not fig.patch and a not in fig.axes]
    ordered += sorted((a for a in own if id(a) not in fixed), key=lambda a: a.get_zorder())
    return ordered


def stack_as_blitted(fig, fixed=()) -> None:
    """Give the artists of each axes z-orders in the layers blitting paints: the frame (spines, axis
    objects with their grid and ticks), then the ``fixed`` artists, then the changing ones. Each
    layer keeps the order of its artists."""
    fixed = {id(a) for a in fixed}
    for ax in fig.axes:
        children = [a for a in ax.get_children() if not _is_frame(ax, a)]
        below = [a for a in children if id(a) in fixed]
        changing = [a for a in children if id(a) not in fixed]
        if below and changing:
            lift = max(a.get_zorder() for a in below) - min(a.get_zorder() for a in changing) + 1
            for artist in below:
                artist.set_zorder(artist.get_zorder() - max(lift, 0))
        lowest = min(a.get_zorder() for a in children)
        for artist in ax.get_children():
            if _is_frame(ax, artist) and artist is not ax.patch:
                artist.set_zorder(min(artist.get_zorder(), lowest - 1))


class Renderer:
    """Renders ``fig`` (on a ``FigureCanvasAgg``) to PNG, blitting; see the module docstring.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    fixed : sequence of Artist
        Artists no update changes (a view's ``fixed_artists``), drawn once into the background (a
        legend among them is drawn with the changing artists, on top).

    Attributes
    ----------
    frames : OrderedDict
        Kept backgrounds by :func:`frame_signature`, least recently used first.
    animated : list
        The artists repainted on every frame (:func:`data_artists`).
    full_draws : int
        How many full draws the renderer has made.
    """

    #: How many backgrounds (one per frame signature) to keep.
    keep = 8

    def __init__(self, fig, fixed=()):
        self.fig = fig
        self.fixed = [a for a in fixed if not isinstance(a, Legend)]   # a legend stays on top
        self.frames: collections.OrderedDict[tuple, object] = collections.OrderedDict()
        self.animated: list = []
        self.full_draws = 0

    def png(self, compact: bool = False) -> bytes:
        """The figure as it stands, as PNG bytes (``compact``: see :func:`lib.plotting.encode_png`)."""
        self.draw()
        canvas = self.fig.canvas
        return plotting.encode_png(canvas.buffer_rgba(), canvas.get_width_height(), compact=compact)

    def draw(self) -> None:
        """Bring the canvas's pixels up to date with the figure."""
        signature = frame_signature(self.fig)
        if signature in self.frames:
            self.frames.move_to_end(signature)
            self.fig.canvas.restore_region(self.frames[signature])
        else:
            self.keep_frame()
        for artist in self.animated:
            self.fig.draw_artist(artist)

    def keep_frame(self):
        """The kept background of the figure as it stands, drawn in full first if it is new."""
        signature = frame_signature(self.fig)
        if signature in self.frames:
            return self.frames[signature]
        self.animated = data_artists(self.fig, self.fixed)
        for artist in self.animated:
            artist.set_animated(True)
        # matplotlib before 3.11 paints an animated AxesImage in an ordinary draw all the same: hide
        # it there, or a blitted frame would paint it twice
        images = [a for a in self.animated if isinstance(a, AxesImage) and a.get_visible()]
        for image in images:
            image.set_visible(False)
        try:
            self._full_draw()
        finally:
            for image in images:
                image.set_visible(True)
        background = self.fig.canvas.copy_from_bbox(self.fig.bbox)
        # the signature after the draw: the first one lays the axes out, which may move their ticks
        self.frames[frame_signature(self.fig)] = background
        while len(self.frames) > self.keep:
            self.frames.popitem(last=False)
        return background

    def _full_draw(self) -> None:
        if not self.full_draws:
            stack_as_blitted(self.fig, self.fixed)
        self.fig.canvas.draw()
        self.full_draws += 1
        if isinstance(self.fig.get_layout_engine(), ConstrainedLayoutEngine):
            self.fig.set_layout_engine("none")  # keep the positions this draw gave the axes
