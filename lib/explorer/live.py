"""The live form of an explorer: ipywidgets in a running kernel, one redraw per change of a control.

Each change of a control calls the view's ``update`` (through :meth:`Explorer.respond`) and shows the
new frame in an ``HTML`` widget: the PNG inline as an ``<img>`` with its alt text and its pixel
``width`` and ``height`` (so the browser keeps its box while a frame decodes and the block does not
move), and the readout under it, as wide as the image and never lower than it has been. The figure
is never rebuilt; :mod:`lib.explorer.render` repaints only what changed.

While the kernel is busy with one redraw, the browser's widget manager (ipywidgets 7 and 8 alike)
holds back further changes of a control and then sends only the latest, so a fast drag does not
queue redraws and the picture ends on the value the learner left. Each slider offers its steps as
options (``Slider.steps``), so the view receives a step exactly (a browser's sum of steps is
36.99999999999999 for 37).

A view with an ``advance()`` method draws a long computation (a training run) in pieces. After a
change the form shows the first piece and hands the next to the kernel's event loop, one piece per
turn, so a change that arrives meanwhile is handled between two pieces, and the work then goes on
with the new setting. Where no event loop runs (a plain script), the work is finished at once.

``warm=True`` first visits every setting of the static grid and each of the view's
``warm_settings``, drawing each distinct frame once (and letting a view that keeps its numbers per
setting compute them), so that each of them answers without that work later.
"""

from __future__ import annotations

import asyncio

from .controls import shown


def warm(explorer) -> None:
    """Run every static setting and each of the view's ``warm_settings``, keeping each frame drawn."""
    initial = dict(explorer.values)
    extra = [{**initial, **setting} for setting in getattr(explorer.view, "warm_settings", ())]
    for setting in explorer.static_grid() + extra:
        explorer.update(**setting)
        explorer.renderer.keep_frame()
    explorer.update(**initial)


def live_form(explorer):
    """The controls and the picture, as an ipywidgets ``VBox`` that redraws on every change."""
    import ipywidgets as w

    if explorer.warm:
        warm(explorer)
    widgets = {name: c.live_widget(name) for name, c in explorer.controls.items()}
    width, _ = explorer.fig.canvas.get_width_height()
    picture = w.HTML(layout=w.Layout(margin="0", max_width=f"{width}px"))
    lines = 1  # the readout's height in lines: it only grows
    changes = 0  # how many changes so far: a piece of work for an older one is not drawn

    def show(text: str) -> None:  # the figure as it stands with its alt text, and the readout
        nonlocal lines
        lines = max(lines, -(-len(text) * 7 // width))  # about 7 px a character
        picture.value = explorer.frame_html(text, lines=lines)

    def offer(values: dict) -> None:  # hide the controls that would change nothing (``shown_when``)
        for name, control in explorer.controls.items():
            widgets[name].layout.display = "" if shown(control, values) else "none"

    def go_on(change: int) -> None:  # the next piece of a view's work, if no change came since
        if change == changes and (text := explorer.advance()) is not None:
            show(text)
            later(change)

    def later(change: int) -> None:
        try:
            asyncio.get_running_loop().call_soon(go_on, change)
        except RuntimeError:  # no event loop: finish the work now
            go_on(change)

    def redraw(change=None) -> None:
        nonlocal changes
        values = {name: wd.value for name, wd in widgets.items()}
        offer(values)
        changes += 1
        show(explorer.respond(**values))
        later(changes)

    for wd in widgets.values():
        wd.observe(redraw, names="value")
    show(explorer.update(**{name: wd.value for name, wd in widgets.items()}))  # a finished first frame
    offer(explorer.values)
    return w.VBox([w.HBox(list(widgets.values()), layout=w.Layout(flex_flow="row wrap")), picture],
                  _dom_classes=["course-explorer"])
