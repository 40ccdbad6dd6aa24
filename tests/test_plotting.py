"""Figure helpers: alt text is required and reaches the HTML."""

import pytest

from lib import plotting


def test_shown_figure_carries_alt_text_and_caption():
    fig, ax = plotting.figure(3, 2)
    ax.plot([0, 1], [0, 1])
    shown = plotting.Shown(fig, alt='a rising "line"', caption="Figure 1")
    html = shown._repr_html_()
    assert 'alt="a rising &quot;line&quot;"' in html
    assert "<figcaption>Figure 1</figcaption>" in html
    assert html.count("data:image/png;base64,") == 1
    assert repr(shown) == '<figure: a rising "line">'


@pytest.mark.parametrize("alt", ["", "   "])
def test_missing_alt_text_raises(alt):
    fig, _ = plotting.figure()
    with pytest.raises(ValueError, match="alt"):
        plotting.Shown(fig, alt=alt)


def test_compact_png_is_smaller_and_valid():
    fig, ax = plotting.figure()
    ax.plot(range(10), [v * v for v in range(10)])
    fast, small = plotting.png_bytes(fig, 80), plotting.png_bytes(fig, 80, compact=True)
    assert small[:4] == fast[:4] == b"\x89PNG"
    assert len(small) < len(fast)


def test_live_png_holds_the_canvas_pixels_exactly():
    import io

    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    fig, ax = plotting.figure(3.31, 2.1)  # an odd pixel width: rows of any length
    FigureCanvasAgg(fig)
    ax.plot([0, 1, 2], [1, 0, 1], label="a line")
    ax.legend()
    fig.canvas.draw()
    rgba = np.asarray(fig.canvas.buffer_rgba())
    height, width = rgba.shape[:2]
    png = plotting.encode_png(fig.canvas.buffer_rgba(), (width, height))
    image = Image.open(io.BytesIO(png))
    image.load()  # checks every chunk's CRC and the data's length
    assert image.mode == "RGB" and image.size == (width, height) and width % 2 == 1
    np.testing.assert_array_equal(np.asarray(image), rgba[..., :3])


def test_palette_is_the_default_cycle():
    fig, ax = plotting.figure()
    (line,) = ax.plot([0, 1])
    assert line.get_color() == plotting.PALETTE["blue"]


# ---- the course style belongs to the course's figures ---------------------------------------------

def test_importing_lib_changes_no_matplotlib_setting():
    import subprocess
    import sys

    code = ("import matplotlib as mpl; before = dict(mpl.rcParams); "
            "import lib.plotting, lib.views.vanishing, lib.explorer; "
            "changed = [k for k in before if before[k] != mpl.rcParams[k]]; print(changed)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.fixture
def matplotlib_defaults():
    """matplotlib's own settings during the test, whatever lib set globally."""
    import matplotlib as mpl

    with mpl.rc_context():
        mpl.rcdefaults()
        yield

def test_style_applies_inside_the_block_only_and_nests(matplotlib_defaults):
    import matplotlib as mpl

    before = {key: mpl.rcParams[key] for key in plotting.STYLE}
    with plotting.style():
        assert mpl.rcParams["lines.linewidth"] == 2.0 and mpl.rcParams["text.hinting"] == "none"
        with plotting.style():
            assert mpl.rcParams["legend.frameon"] is False
        assert mpl.rcParams["axes.grid"] is True          # the inner block left the style on
    assert {key: mpl.rcParams[key] for key in plotting.STYLE} == before


def test_style_is_undone_after_an_error(matplotlib_defaults):
    import matplotlib as mpl

    before = mpl.rcParams["lines.linewidth"]
    with pytest.raises(ZeroDivisionError), plotting.style():
        1 / 0
    assert mpl.rcParams["lines.linewidth"] == before


def test_course_figures_are_styled_outside_any_block(matplotlib_defaults):
    import matplotlib as mpl

    fig, (left, right) = plotting.figure(6, 3, 1, 2)
    assert mpl.rcParams["lines.linewidth"] != 2.0    # matplotlib's own defaults, outside the figure
    (line,) = left.plot([0, 1])
    legend = left.legend(["x"])
    title = right.set_title("t")
    flat = right.axhline(0.5)
    assert line.get_linewidth() == 2.0 and flat.get_linewidth() == 2.0 and not legend.get_frame_on()
    assert title.get_fontsize() == 12 and left.xaxis.label.get_fontsize() == 11
    assert not left.spines["top"].get_visible() and left.xaxis._major_tick_kw["gridOn"]
    plotting.png_bytes(fig)  # drawn in the style: the ticks made while drawing take its grid
    assert left.xaxis.get_major_ticks()[0].gridline.get_alpha() == 0.3
    assert right.pcolormesh([[0.0, 1.0]]).get_cmap().name == "cividis"


def test_subplots_styles_the_axes_of_any_figure(matplotlib_defaults):
    from matplotlib.figure import Figure

    ax = plotting.subplots(Figure())
    assert isinstance(ax, plotting.CourseAxes) and ax.plot([0, 1])[0].get_linewidth() == 2.0
    top, bottom = plotting.subplots(Figure(), 2, 1, sharex=True)
    assert isinstance(bottom, plotting.CourseAxes) and bottom.get_shared_x_axes().joined(top, bottom)
