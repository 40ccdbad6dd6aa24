"""The course's figure style, and figures shown with alt text.

Notebooks build figures with :func:`figure` and display them with :func:`show`, never through
``pyplot``: a figure shown by ``show`` carries its alt text onto the website, and no figure is
displayed twice.
"""

from __future__ import annotations

import base64
import html
import io

import matplotlib as mpl
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
mpl.rcParams.update(STYLE)


def figure(width: float = 6.4, height: float = 3.4, nrows: int = 1, ncols: int = 1, **subplots):
    """A new course-styled figure and its axes, outside pyplot (nothing is displayed by itself).

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
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(nrows, ncols, **subplots)
    return fig, axes


def encode_png(rgba, size: tuple[int, int], *, compact: bool = False) -> bytes:
    """PNG bytes of an RGBA pixel buffer (as ``FigureCanvasAgg.buffer_rgba()`` gives it).

    ``compact=False`` favours speed (light compression, for live redraws); ``compact=True`` favours
    size (a 64-colour palette, for frames stored in a web page).
    """
    from PIL import Image

    image = Image.frombuffer("RGBA", size, rgba, "raw", "RGBA", 0, 1).convert("RGB")
    out = io.BytesIO()
    if compact:
        image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(out, format="png", optimize=True)
    else:
        image.save(out, format="png", compress_level=1)
    return out.getvalue()


def png_bytes(fig: Figure, dpi: float | None = None, *, compact: bool = False) -> bytes:
    """Render ``fig`` to PNG and return the bytes (see :func:`encode_png` for ``compact``)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    if not compact:
        return buffer.getvalue()
    from PIL import Image

    image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGBA")
    return encode_png(image.tobytes(), image.size, compact=True)


def img_tag(png: bytes, alt: str, width: int | None = None) -> str:
    """An ``<img>`` element holding ``png`` inline, with alt text."""
    data = base64.b64encode(png).decode("ascii")
    size = f' width="{width}"' if width else ""
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
