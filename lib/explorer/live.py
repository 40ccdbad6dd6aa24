"""The live form of an explorer: ipywidgets in a running kernel, one redraw per change.

Each change of a control calls the view's ``update`` through :meth:`Explorer.respond` and shows the
new frame as an ``<img>`` (the PNG inline, with its alt text) in an ``HTML`` widget. The image
carries the frame's pixel ``width`` and ``height``, so the browser keeps its box while a frame
decodes and the block does not move. The readout is text in an ``HTML`` widget of its own, as wide
as the image and never lower than it has been (room for as many lines as the longest readout so far
needs). The figure is never rebuilt, and its frames are blitted (:mod:`lib.explorer.render`). While
the kernel is busy with one redraw, the browser's widget manager holds back further changes of a
control and sends only the latest, so a fast drag does not queue redraws. (Sending the PNG as a
binary ``Image`` widget instead was measured in live JupyterLab, ``bench/bench_live.py``: no faster,
and it dropped frames.) On its way to the browser the frame passes the Jupyter server, which sends it
without Nagle's delay where ``lib`` is installed (:mod:`lib.live_server`). Each slider hands the view
its nearest step (``Slider.value_of``): the browser's arithmetic sends 36.99999999999999 for 37.

A view with an ``advance()`` method draws a long computation in pieces. After a change, a worker
thread keeps calling ``advance`` and showing each piece until the work is done, while the controls
stay free: a further change takes the lock between two pieces, switches the view to the new setting,
and the same worker carries on with that. One lock keeps the redraw and the worker from touching
the figure at once.

A view with ``ahead`` (a slider's name) and ``prepare(**values)`` gets the next step of that slider
computed while the reader looks at the new frame: after a change of it, a thread at the lowest CPU
priority (:func:`lowest_priority`) takes the lock and prepares the step beyond, in the direction it
moved, unless the reader has moved on meanwhile. A change that comes while it runs waits for the
lock and finds its numbers ready (the gradient explorer's new depth, a new network of 15 ms, then
answers from the cache).

Building the form ends with :func:`settle_garbage_collector`, so that Python's full garbage
collection (40 to 90 ms in a kernel with a few explorers) does not fall inside a redraw.

``warm=True`` first visits every setting of the static grid, and each of the view's
``warm_settings``, drawing the background of each distinct frame once, so that afterwards each of
them answers without a full draw (and a view that caches work per setting answers at once).
"""

from __future__ import annotations

import contextlib
import gc
import html
import os
import sys
import threading
import time

from .. import plotting
from .controls import shown


def warm(explorer) -> None:
    """Run every static setting and each of the view's ``warm_settings``, keeping each frame drawn."""
    initial = dict(explorer.values)
    extra = [{**initial, **setting} for setting in getattr(explorer.view, "warm_settings", ())]
    for setting in explorer.static_grid() + extra:
        explorer.update(**setting)
        explorer.renderer.keep_frame()
    explorer.update(**initial)


def lowest_priority() -> None:
    """Run the calling thread at the lowest CPU priority, where a thread has a priority of its own
    (Linux: its nice value, 19). A look-ahead then takes only the CPU the browser and the Jupyter
    server leave: at normal priority it slowed the decoding of the frame just sent by 4 ms."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)


def settle_garbage_collector() -> None:
    """Collect what is garbage now, then exempt every object still alive from later collections
    (``gc.freeze``): the explorer's figure, artists and kept frames, and whatever else the notebook
    holds. Python's full collection walks every tracked object, 40 to 90 ms in a kernel holding a
    few explorers, and it fell inside a redraw now and then; afterwards it walks only what was made
    since. Each new explorer first returns the frozen objects to the collector (``gc.unfreeze``), so
    what became garbage since (an explorer whose cell ran again) is freed then."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def live_form(explorer):
    """The controls, the image and the readout, as an ipywidgets ``VBox`` that redraws on every change."""
    import ipywidgets as w

    if explorer.warm:
        warm(explorer)
    widgets = {name: c.live_widget(name) for name, c in explorer.controls.items()}
    explorer.live_times = []  # ms per redraw, change to frame sent (bench/bench_live.py reads it)
    width, height = explorer.fig.canvas.get_width_height()
    # The frame as an <img> with its pixel size: the browser reserves the box before the PNG decodes,
    # so the block never collapses between frames.
    image = w.HTML(layout=w.Layout(max_width="100%", margin="0"))
    readout = w.HTML(layout=w.Layout(min_height="1.5em", max_width=f"{width}px", margin="0"))
    readout.add_class("explorer-readout")
    lock = threading.Lock()

    def show(text: str) -> None:  # the frame as it stands, with its alt text, and the readout
        image.value = plotting.img_tag(explorer.render(), explorer.alt_text(), width, height)
        readout.value = html.escape(text)
        # the readout wraps at the image's width; its height only grows (about 7 px a character)
        lines = max(1, -(-len(text) * 7 // width))
        if lines * 1.5 > float(readout.layout.min_height.removesuffix("em")):
            readout.layout.min_height = f"{1.5 * lines:g}em"

    def work():
        while True:
            with lock:  # the worker leaves (worker = None) only while holding the lock,
                try:    # so a redraw either sees it running or starts a new one
                    text = explorer.advance()
                    if text is not None:
                        show(text)
                except BaseException:
                    explorer.worker = None
                    raise
                if text is None:
                    explorer.worker = None
                    return
            time.sleep(0.002)  # let a waiting redraw take the lock between pieces

    def current() -> dict:  # what the view receives: each slider at its nearest step
        return {name: explorer.controls[name].value_of(wd.value) for name, wd in widgets.items()}

    def offer(values: dict):  # hide the controls that would change nothing visible (``shown_when``)
        for name, control in explorer.controls.items():
            widgets[name].layout.display = "" if shown(control, values) else "none"

    def look_ahead(values: dict, name: str, direction: int) -> None:
        """While the reader looks at the new frame: the view's numbers for the next step of slider
        ``name`` in the direction it moved (``view.prepare``), so that that step answers from the
        view's cache. A redraw that comes meanwhile waits for the lock, and finds them ready."""
        following = explorer.controls[name].next_step(values[name], direction)
        if following is None:
            return
        lowest_priority()
        with lock:
            if current() == values:  # the reader has not moved on
                explorer.view.prepare(**{**values, name: following})

    ahead = getattr(explorer.view, "ahead", None)

    def redraw(change=None):
        start = time.perf_counter()
        values = current()
        offer(values)
        with lock:
            show(explorer.respond(**values))
            explorer.live_times.append(1e3 * (time.perf_counter() - start))
            if hasattr(explorer.view, "advance") and explorer.worker is None:
                explorer.worker = threading.Thread(target=work, name="explorer", daemon=True)
                explorer.worker.start()
        if ahead is not None and change is not None and change.owner is widgets.get(ahead):
            direction = 1 if change.new > change.old else -1
            threading.Thread(target=look_ahead, args=(values, ahead, direction), name="look-ahead",
                             daemon=True).start()

    for wd in widgets.values():
        wd.observe(redraw, names="value")
    values = current()
    offer(values)
    show(explorer.update(**values))
    settle_garbage_collector()
    return w.VBox([w.HBox(list(widgets.values()), layout=w.Layout(flex_flow="row wrap")), image, readout],
                  _dom_classes=["course-explorer"])
