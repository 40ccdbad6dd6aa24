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


def test_palette_is_the_default_cycle():
    fig, ax = plotting.figure()
    (line,) = ax.plot([0, 1])
    assert line.get_color() == plotting.PALETTE["blue"]
