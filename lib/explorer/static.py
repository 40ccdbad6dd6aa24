"""The static form of an explorer: precomputed frames, picked in the browser with no kernel.

The site build runs with ``COURSE_STATIC=1``. Then an explorer renders one frame for every setting
of its static grid (every combination of its controls' static values) and nests them in
``ipywidgets.Stack`` widgets, one level per control that has more than one static value. Each
control's ``index`` is linked in the browser (``jslink``) to the ``selected_index`` of every stack of
its level, so moving a control shows another precomputed frame. A control with a single static value
is fixed at it and not shown; identical frames share one widget; PNGs are palette-compressed.

An explorer keeps its size from frame to frame, so the page never moves under the reader's pointer:
every frame of one explorer has the same pixel size (checked here), and under the stack of frames
lies a *sizer* in the same place (``course.css`` lays the explorer out as a grid): an invisible box
of the frames' size above every readout of the explorer, stacked in one place, so the block is as
tall as its tallest frame whatever the width of the page. Readouts that wrap onto more lines in one
frame than in another no longer change the height of the block.
"""

from __future__ import annotations

import base64
import re
import struct
from typing import Any

import numpy as np

#: Frames beyond this many in one explorer's static form are refused (page weight).
MAX_FRAMES = 60

_INLINE_PNG = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')
_READOUT = re.compile(r'<div class="explorer-readout">(.*?)</div>', re.S)

NOTE = ('<span class="explorer-note">Precomputed explorer: the controls pick among {count} frames '
        'computed when this page was built. Run the notebook for every setting.</span>')


def _png(width: int, height: int) -> str:
    """A tiny frame's HTML with a PNG header of the given size (for the examples)."""
    head = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + struct.pack(">II", width, height) + bytes(8)
    return f'<img src="data:image/png;base64,{base64.b64encode(head).decode()}">'


def png_size(frame: str) -> tuple[int, int]:
    """The pixel size (width, height) of the inline PNG in a frame's HTML, read from its header.

    >>> png_size(_png(640, 272))
    (640, 272)
    """
    found = _INLINE_PNG.search(frame)
    if found is None:
        raise ValueError("frame: holds no inline PNG")
    head = base64.b64decode(found.group(1)[:32])  # 24 bytes: the signature and IHDR's width and height
    return struct.unpack(">II", head[16:24])


def sizer_html(frames: list[str]) -> str:
    """The invisible box under an explorer's frames: the frames' size, then every readout stacked.

    >>> print(sizer_html([_png(64, 32) + '<div class="explorer-readout">a</div>',
    ...                   _png(64, 32) + '<div class="explorer-readout">b c</div>']))
    <div class="explorer-sizer" aria-hidden="true"><div class="explorer-sizer-frame" style="width:100%;max-width:64px;aspect-ratio:64/32"></div><div class="explorer-sizer-readouts"><div class="explorer-readout">a</div><div class="explorer-readout">b c</div></div></div>
    >>> sizer_html([_png(64, 32), _png(64, 40)])
    Traceback (most recent call last):
    ...
    ValueError: frames: an explorer's frames must all have one pixel size, got [(64, 32), (64, 40)] (give the view a fixed figure size, not bbox_inches='tight')
    """
    sizes = {png_size(f) for f in frames}
    if len(sizes) != 1:
        raise ValueError(f"frames: an explorer's frames must all have one pixel size, got {sorted(sizes)} "
                         "(give the view a fixed figure size, not bbox_inches='tight')")
    ((width, height),) = sizes
    readouts = list(dict.fromkeys(r for f in frames for r in _READOUT.findall(f)))
    stacked = "".join(f'<div class="explorer-readout">{r}</div>' for r in readouts)
    return ('<div class="explorer-sizer" aria-hidden="true">'
            f'<div class="explorer-sizer-frame" style="width:100%;max-width:{width}px;aspect-ratio:{width}/{height}"></div>'
            + (f'<div class="explorer-sizer-readouts">{stacked}</div>' if readouts else "") + "</div>")


def static_form(explorer):
    """The controls, the nested stacks of frames and a note, as an ipywidgets ``VBox``."""
    import ipywidgets as w

    names = list(explorer.controls)
    axes = [explorer.controls[n].static_values() for n in names]
    count = int(np.prod([len(a) for a in axes]))
    if count > MAX_FRAMES:
        raise ValueError(
            f"controls: {count} static frames exceed MAX_FRAMES={MAX_FRAMES}; give fewer static values")
    initial = dict(explorer.values)
    fixed = {n: a[0] for n, a in zip(names, axes) if len(a) == 1}
    moving = [(n, a) for n, a in zip(names, axes) if len(a) > 1]
    frames: dict[str, Any] = {}  # identical frames share one widget

    def frame(combo):
        readout = explorer.update(**fixed, **dict(zip([n for n, _ in moving], combo)))
        content = explorer.frame_html(readout, compact=True)
        if content not in frames:
            frames[content] = w.HTML(content)
        return frames[content]

    def level(depth, prefix):
        if depth == len(moving):
            return frame(prefix)
        return w.Stack([level(depth + 1, prefix + (v,)) for v in moving[depth][1]])

    root = level(0, ())
    root.add_class("explorer-frames")
    sizer = w.HTML(sizer_html(list(frames)))
    sizer.add_class("explorer-sizer-box")
    explorer.update(**initial)
    controls = {n: explorer.controls[n].static_widget(n, a) for n, a in moving}

    # Link each control to every stack at its depth, so the browser alone picks the frame.
    stacks = [root] if moving else []
    for name, _ in moving:
        for stack in stacks:
            w.jslink((controls[name], "index"), (stack, "selected_index"))
            stack.selected_index = controls[name].index
        stacks = [child for s in stacks for child in s.children if isinstance(child, w.Stack)]
    note = w.HTML(NOTE.format(count=count))
    bar = w.HBox(list(controls.values()), layout=w.Layout(flex_flow="row wrap"))
    bar.add_class("explorer-controls")
    note.add_class("explorer-note-box")
    form = w.VBox([bar, root, sizer, note])
    form.add_class("explorer")
    return form
