"""The course's figure style, and figures shown with alt text.

Notebooks build figures with :func:`figure` and display them with :func:`show`, never through
``pyplot``: a figure shown by ``show`` carries its alt text onto the website, and no figure is
displayed twice.

The course style (:data:`STYLE`) belongs to the course's figures: a :class:`CourseFigure` (what
:func:`figure` builds) creates its axes, its artists and its pictures in the style, and :func:`style`
applies it to anything else built inside a ``with`` block; views build their axes with
:func:`subplots`, in the style whatever figure they are given.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import html
import io
import struct
import zlib

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

#: Okabe & Ito's palette, distinguishable with every common form of colour-blindness.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
#: The order in which curves take colours.
CYCLE = [PALETTE[k] for k in ("blue", "orange", "green", "vermillion", "sky", "purple", "black")]

#: Matplotlib settings for every course figure: legible fonts, light grid, the palette above.
STYLE = {
    "axes.prop_cycle": mpl.cycler(color=CYCLE),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "legend.frameon": False,
    "lines.linewidth": 2.0,
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.family": "DejaVu Sans",
    # Unhinted glyphs: no visible difference at these sizes, and text (the costliest part of an
    # explorer redraw) renders about 40 % faster.
    "text.hinting": "none",
    "image.cmap": "cividis",
}

@contextlib.contextmanager
def style():
    """Apply the course style (:data:`STYLE`) to the figures and artists built, and the pictures
    drawn, inside the ``with`` block; matplotlib's settings are as they were afterwards
    (``matplotlib.rc_context``). Blocks may nest.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> before = mpl.rcParams["lines.linewidth"]
    >>> with style():
    ...     mpl.rcParams["lines.linewidth"], mpl.rcParams["axes.grid"]
    (2.0, True)
    >>> mpl.rcParams["lines.linewidth"] == before
    True
    """
    with mpl.rc_context(STYLE):
        yield


def _in_style(method):
    """``method`` run inside :func:`style`."""
    @functools.wraps(method)
    def styled(self, *args, **kwargs):
        with style():
            return method(self, *args, **kwargs)
    styled.__doc__ = f"matplotlib's ``{method.__qualname__}``, in the course style."
    return styled


class CourseAxes(Axes):
    """Axes whose artists (lines, texts, legends, images...) are created in the course style.

    Matplotlib reads most settings when it creates an artist, so these methods run inside
    :func:`style`; everything else is plain ``Axes``.
    """

    name = "course"

    def clear(self):
        """Clear the axes, in the course style (grid, spines, colours)."""
        with style():
            super().clear()
            # ticks are made when they are drawn, perhaps outside the style: give them its grid now
            self.tick_params(which="both", grid_alpha=STYLE["grid.alpha"])


for _name in ("plot", "loglog", "semilogx", "semilogy", "step", "errorbar", "scatter", "bar", "barh",
              "hist", "fill", "fill_between", "axhline", "axvline", "axhspan", "axvspan", "text",
              "annotate", "legend", "imshow", "pcolormesh", "contour", "contourf", "set_title",
              "set_xlabel", "set_ylabel", "set", "grid", "twinx", "twiny"):
    setattr(CourseAxes, _name, _in_style(getattr(Axes, _name)))


class CourseFigure(Figure):
    """A figure in the course style: its axes are :class:`CourseAxes`, made in the style, and it is
    drawn (shown, saved, rendered by an explorer) in the style.

    Examples
    --------
    >>> fig = CourseFigure(figsize=(3, 2))
    >>> ax = fig.add_subplot()
    >>> type(ax).__name__, ax.spines["top"].get_visible(), ax.plot([0, 1])[0].get_linewidth()
    ('CourseAxes', False, 2.0)
    """

    def __init__(self, *args, **kwargs):
        with style():
            super().__init__(*args, **kwargs)

    def add_axes(self, *args, **kwargs):
        """matplotlib's ``Figure.add_axes``, with :class:`CourseAxes` made in the course style."""
        if "projection" not in kwargs and "polar" not in kwargs:
            kwargs.setdefault("axes_class", CourseAxes)
        with style():
            return super().add_axes(*args, **kwargs)

    def add_subplot(self, *args, **kwargs):
        """matplotlib's ``Figure.add_subplot`` (and so ``Figure.subplots``), with :class:`CourseAxes`
        made in the course style."""
        if "projection" not in kwargs and "polar" not in kwargs:
            kwargs.setdefault("axes_class", CourseAxes)
        with style():
            return super().add_subplot(*args, **kwargs)

    def draw(self, renderer):
        """Draw the figure in the course style."""
        with style():
            return super().draw(renderer)

    def draw_artist(self, a):
        """Draw one artist in the course style (an explorer's redraw)."""
        with style():
            return super().draw_artist(a)


for _name in ("legend", "suptitle", "supxlabel", "supylabel", "text", "colorbar", "clear", "clf"):
    setattr(CourseFigure, _name, _in_style(getattr(Figure, _name)))


def subplots(fig: Figure, nrows: int = 1, ncols: int = 1, **kwargs):
    """``fig.subplots(nrows, ncols, **kwargs)`` with :class:`CourseAxes`, on any figure.

    Views build their axes with it, so that the explorer's figure (or a test's plain ``Figure``)
    gets axes in the course style too.

    Examples
    --------
    >>> left, right = subplots(Figure(), 1, 2)
    >>> type(left).__name__, left.get_xaxis().get_label().get_size()
    ('CourseAxes', 11.0)
    """
    subplot_kw = {"axes_class": CourseAxes, **kwargs.pop("subplot_kw", {})}
    with style():
        return fig.subplots(nrows, ncols, subplot_kw=subplot_kw, **kwargs)


def dots(ax: Axes, x, y, *, size: float = 36.0, marker: str = "o", **style):
    """Markers at the points ``(x, y)`` and no line: a scatter of one size and colour, as a ``Line2D``.

    ``size`` is a marker's area in points squared, as ``Axes.scatter``'s ``s``; ``style`` takes
    ``Axes.plot``'s keywords (``color``, ``markeredgecolor``, ``markeredgewidth`` (1 pt unless given),
    ``alpha``, ``label``...). A line's markers are stamped from one rendered marker, while a
    scatter measures its marker's curves again on every draw (about 3 ms in matplotlib 3.10), and an
    explorer repaints its dots on every frame. Move them with ``set_data`` / ``set_xdata`` /
    ``set_ydata``.

    Examples
    --------
    >>> ax = subplots(Figure())
    >>> points = dots(ax, [0, 1, 2], [1, 0, 1], size=16, color="black")
    >>> points.get_linestyle(), points.get_marker(), points.get_markersize()
    ('None', 'o', 4.0)
    """
    style.setdefault("markeredgewidth", 1.0)
    (line,) = ax.plot(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64), linestyle="none",
                      marker=marker, markersize=float(np.sqrt(size)), **style)
    return line


def figure(width: float = 6.4, height: float = 3.4, nrows: int = 1, ncols: int = 1, **subplots):
    """A new course-styled figure (:class:`CourseFigure`) and its axes, outside pyplot (nothing is
    displayed by itself).

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : matplotlib.axes.Axes or array of Axes
        As ``Figure.subplots`` returns them.

    Examples
    --------
    >>> fig, ax = figure(4, 3)
    >>> fig.get_size_inches().tolist()
    [4.0, 3.0]
    """
    fig = CourseFigure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(nrows, ncols, **subplots)
    return fig, axes


def encode_png(rgba, size: tuple[int, int], *, compact: bool = False) -> bytes:
    """PNG bytes of an RGBA pixel buffer (as ``FigureCanvasAgg.buffer_rgba()`` gives it), opaque.

    ``compact=False`` favours speed, for live redraws: the RGB rows as they are (PNG filter type 0)
    deflated at zlib's fastest level, in 60 % of the time Pillow's adaptive filters take and about
    the same size, as a figure is mostly flat colour; ``compact=True`` favours size (a 64-colour
    palette, for frames stored in a web page).

    Examples
    --------
    >>> rgba = np.zeros((2, 3, 4), np.uint8); rgba[0, 1] = (255, 0, 0, 255)
    >>> from PIL import Image
    >>> image = Image.open(io.BytesIO(encode_png(rgba, (3, 2))))
    >>> image.mode, image.size, image.getpixel((1, 0)), image.getpixel((1, 1))
    ('RGB', (3, 2), (255, 0, 0), (0, 0, 0))
    """
    width, height = size
    if compact:
        from PIL import Image

        image = Image.frombuffer("RGBA", size, rgba, "raw", "RGBA", 0, 1).convert("RGB")
        out = io.BytesIO()
        image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(out, format="png", optimize=True)
        return out.getvalue()
    rows = np.zeros((height, 1 + 3 * width), np.uint8)  # each row: its filter type (0), then R G B ...
    rows[:, 1:] = np.asarray(rgba, np.uint8).reshape(height, width, 4)[..., :3].reshape(height, 3 * width)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, deflate, no interlace
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(rows.tobytes(), 1)) + _png_chunk(b"IEND", b""))


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    """A PNG chunk: length, type, data, and the CRC-32 of type and data."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bytes(fig: Figure, dpi: float | None = None, *, compact: bool = False) -> bytes:
    """Render ``fig`` to PNG and return the bytes (see :func:`encode_png` for ``compact``)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    if not compact:
        return buffer.getvalue()
    from PIL import Image

    image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGBA")
    return encode_png(image.tobytes(), image.size, compact=True)


def img_tag(png: bytes, alt: str, width: int | None = None, height: int | None = None) -> str:
    """An ``<img>`` element holding ``png`` inline, with alt text (and its size, if given)."""
    data = base64.b64encode(png).decode("ascii")
    size = (f' width="{width}"' if width else "") + (f' height="{height}"' if height else "")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}"{size} style="max-width:100%;height:auto">'


class Shown:
    """A rendered figure with its alt text: HTML in a notebook and on the website."""

    def __init__(self, fig: Figure, alt: str, caption: str | None = None, dpi: float | None = None):
        if not alt or not alt.strip():
            raise ValueError("alt: describe the figure in words; every figure needs alt text")
        self.alt = alt
        self.caption = caption
        self.png = png_bytes(fig, dpi)

    def _repr_html_(self) -> str:
        caption = f"<figcaption>{html.escape(self.caption)}</figcaption>" if self.caption else ""
        return f'<figure class="course-figure">{img_tag(self.png, self.alt)}{caption}</figure>'

    def __repr__(self) -> str:
        return f"<figure: {self.alt}>"


def show(fig: Figure, alt: str, caption: str | None = None, dpi: float | None = None) -> None:
    """Display ``fig`` with alt text (and an optional visible caption).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    alt : str
        What the figure shows, in words, for readers who cannot see it.
    caption : str, optional
        A caption printed under the figure.
    dpi : float, optional
        Resolution; the course default (100) when omitted.
    """
    from IPython.display import display

    display(Shown(fig, alt, caption, dpi))
