"""Pixels of explorer frames, for tests that compare a blitted frame with a full draw."""

import io

import numpy as np

from lib import plotting


def pixels(png):
    """An (height, width, 3) float array of a PNG's RGB values."""
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)


def full_redraw(e):
    """What a plain draw of an explorer's figure gives: every artist drawn, the ones the explorer
    marked animated too, at the figure's resolution (its layout as the explorer froze it)."""
    animated = e.fig.findobj(lambda artist: artist.get_animated())
    for artist in animated:
        artist.set_animated(False)
    try:
        return pixels(plotting.png_bytes(e.fig, dpi=e.fig.dpi))
    finally:
        for artist in animated:
            artist.set_animated(True)


def changed(a, b, level=8):
    """The fraction of pixels whose colour differs by more than ``level`` (of 255) in a channel."""
    return float(np.mean(np.abs(a - b).max(axis=2) > level))


def assert_same_picture(blitted, reference):
    """Equal pixels, but for the rounding of a legend laid over the data (2 of 255 at most)."""
    assert blitted.shape == reference.shape
    worst = np.abs(blitted - reference).max()
    assert worst <= 2, f"pixels differ by up to {worst:.0f} of 255, in {changed(blitted, reference, 2):.2%} of them"
