"""Pixels of explorer frames, for tests that compare a blitted frame with a full draw."""

import numpy as np

from lib import plotting


def pixels(png):
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)


def full_redraw(e):
    """What a plain draw of the same figure gives (animated artists drawn too, as when saving)."""
    for artist in e._animated:
        artist.set_animated(False)
    e.fig.canvas.draw()
    png = pixels(plotting.encode_png(e.fig.canvas.buffer_rgba(), e.fig.canvas.get_width_height()))
    for artist in e._animated:
        artist.set_animated(True)
    e._background = None
    return png
