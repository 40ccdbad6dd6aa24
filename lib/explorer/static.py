"""The static form of an explorer: precomputed frames, picked in the browser with no kernel.

The site build runs with ``COURSE_STATIC=1``. Then an explorer renders one frame for every setting
of its static grid (every combination of its controls' static values) and nests them in
``ipywidgets.Stack`` widgets, one level per control that has more than one static value. Each
control's ``index`` is linked in the browser (``jslink``) to the ``selected_index`` of every stack of
its level, so moving a control shows another precomputed frame. A control with a single static value
is fixed at it and not shown; identical frames share one widget; PNGs are palette-compressed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: Frames beyond this many in one explorer's static form are refused (page weight).
MAX_FRAMES = 60

NOTE = ('<span class="explorer-note">Precomputed explorer: the controls pick among {count} frames '
        'computed when this page was built. Run the notebook for every setting.</span>')


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
    return w.VBox([w.HBox(list(controls.values()), layout=w.Layout(flex_flow="row wrap")), root, note])
