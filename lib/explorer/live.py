"""The live form of an explorer: ipywidgets in a running kernel, one redraw per change, and the
next steps of the slider last moved waiting in the browser.

**The picture.** Each change of a control calls the view's ``update`` through
:meth:`Explorer.respond` and shows the new frame, the *picture*, in an ``HTML`` widget: the PNG
inline as an ``<img>`` with its alt text and its pixel ``width`` and ``height`` (so the browser keeps
its box while a frame decodes and the block does not move), and the readout under it, as wide as the
image and never lower than it has been (room for as many lines as the longest readout so far needs).
The figure is never rebuilt, and its frames are blitted (:mod:`lib.explorer.render`). While the
kernel is busy with one redraw, the browser's widget manager holds back further changes of a control
and sends only the latest, so a fast drag does not queue redraws. On its way to the browser a frame
passes the Jupyter server, which sends it without Nagle's delay where ``lib`` is installed
(:mod:`lib.live_server`). Each slider offers its steps as options (``Slider.steps``), so the view
receives a step exactly (a browser's sum of steps is 36.99999999999999 for 37).

**Shelves.** A redraw through the kernel costs the trip there and the picture's trip back; in a
browser the reader waits about 40 ms for a new frame, of which the drawing is ten. So while the
reader looks at a frame, the kernel draws the steps of the slider last moved either side of it,
nearest first and the way it moved first, up to :data:`REACH` steps, and sends them to the browser
ahead of time. Each slider of at most :data:`SHELF_STEPS` steps has a *shelf*: an ``ipywidgets.Stack``
with a place for each step, laid over the picture (one grid cell) and linked in the browser to the
slider's index (``jsdlink``, as the static form links its controls). A step whose frame is on the
shelf shows as soon as the slider moves, with no kernel; an empty place is transparent, and the
picture beneath shows through until the kernel has redrawn it. The picture always shows the current
setting, so an empty place never shows an older frame. Only the shelf of the slider moved last holds
frames: a change of any other control empties it (its frames show the old value) before the
picture is redrawn. (Sending the PNG as a binary ``Image`` widget instead was measured in live
JupyterLab, ``bench/bench_live.py``: no faster, and it dropped frames.)

The look-ahead runs in a thread at the lowest CPU priority (:func:`lowest_priority`), one frame at a
time under the lock the redraws take, and stops as soon as the reader has moved on. A view that
caches its numbers per setting (the gradient explorer's network per depth) has them ready when the
reader comes back.

A view with an ``advance()`` method draws a long computation in pieces, and has no shelves. After a
change, a worker thread keeps calling ``advance`` and showing each piece until the work is done,
while the controls stay free: a further change takes the lock between two pieces, switches the view
to the new setting, and the same worker carries on with that.

Building the form ends with :func:`settle_garbage_collector`, so that Python's full garbage
collection (40 to 90 ms in a kernel with a few explorers) does not fall inside a redraw.

``warm=True`` first visits every setting of the static grid, and each of the view's
``warm_settings``, drawing the background of each distinct frame once, so that afterwards each of
them answers without a full draw (and a view that caches work per setting answers at once).
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import threading
import time

from .controls import Slider, shown

#: A slider of at most this many steps has a shelf of frames in the browser.
SHELF_STEPS = 200

#: How many steps either side of the reader's the look-ahead puts on the shelf.
REACH = 24

#: Behind a frame on a shelf, so that the picture under it does not show through.
SHELF_BACKGROUND = "var(--jp-layout-color0, white)"


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


def reach_order(position: int, direction: int, count: int, reach: int | None = None) -> list[int]:
    """The places a look-ahead fills from ``position``, in order: up to ``reach`` (:data:`REACH`)
    steps either side, those the way the slider moved (``direction`` +1 or -1) looked at twice as
    far as those behind; only places ``0 <= p < count``.

    >>> reach_order(5, +1, 10, reach=3)
    [6, 4, 7, 8, 3, 2]
    >>> reach_order(1, -1, 10, reach=2)
    [0, 2, 3]
    """
    reach = REACH if reach is None else reach
    ahead = [(k, position + direction * k) for k in range(1, reach + 1)]
    back = [(2 * k - 0.5, position - direction * k) for k in range(1, reach + 1)]
    return [p for _, p in sorted(ahead + back) if 0 <= p < count]


class Shelf:
    """One slider's frames in the browser: a ``Stack`` with a place per step of the slider, shown
    by the slider's index (linked in the browser); see the module docstring.

    ``setting`` holds the other controls' values its frames were drawn for; ``frames`` the widget of
    each filled place. At most ``2 * REACH + 1`` places are filled: the farthest from the reader goes
    first.
    """

    def __init__(self, slider, empty):
        import ipywidgets as w

        self.slider = slider
        self.empty = empty  # one transparent widget for every empty place
        self.count = len(slider.options)
        self.stack = w.Stack([empty] * self.count, selected_index=slider.index, layout=w.Layout(grid_area="frame"))
        w.jsdlink((slider, "index"), (self.stack, "selected_index"))
        self.setting: dict | None = None
        self.frames: dict = {}

    def get(self, setting: dict, position: int) -> str | None:
        """The frame at ``position`` if it shows ``setting``, else None."""
        frame = self.frames.get(position) if setting == self.setting else None
        return None if frame is None else frame.value

    def around(self, setting: dict, position: int) -> bool:
        """Whether both neighbours of ``position`` (those the slider has) hold frames of ``setting``."""
        return all(self.get(setting, p) is not None for p in (position - 1, position + 1) if 0 <= p < self.count)

    def put(self, setting: dict, position: int, content: str) -> None:
        import ipywidgets as w

        if setting != self.setting:
            self.clear()
            self.setting = setting
        children = list(self.stack.children)
        while len(self.frames) >= 2 * REACH + 1:
            farthest = max(self.frames, key=lambda p: abs(p - self.slider.index))
            children[farthest] = self.empty
            self.frames.pop(farthest).close()
        frame = w.HTML(content, style={"background": SHELF_BACKGROUND}, layout=w.Layout(flex="1 1 auto", margin="0"))
        children[position] = self.frames[position] = frame
        self.stack.children = children

    def clear(self) -> None:
        if self.frames:
            self.stack.children = [self.empty] * self.count
            for frame in self.frames.values():
                frame.close()
            self.frames.clear()
        self.setting = None


def live_form(explorer):
    """The controls and the picture under its shelves, as an ipywidgets ``VBox`` that redraws on
    every change."""
    import ipywidgets as w

    if explorer.warm:
        warm(explorer)
    widgets = {name: c.live_widget(name) for name, c in explorer.controls.items()}
    explorer.live_times = []  # ms per redraw, change to picture sent (bench/bench_live.py reads it)
    width, _ = explorer.fig.canvas.get_width_height()
    picture = w.HTML(layout=w.Layout(grid_area="frame", margin="0"))
    empty = w.HTML()
    shelves = {} if hasattr(explorer.view, "advance") else {
        name: Shelf(widgets[name], empty) for name, c in explorer.controls.items()
        if isinstance(c, Slider) and len(widgets[name].options) <= SHELF_STEPS}
    lock = threading.Lock()
    lines = 1  # the readout's height in lines: it only grows
    pictured = None  # the values the picture shows

    def frame(text: str) -> str:  # the figure as it stands with its alt text, and the readout
        nonlocal lines
        lines = max(lines, -(-len(text) * 7 // width))  # about 7 px a character
        return explorer.frame_html(text, lines=lines)

    def show(content: str, values: dict) -> None:
        nonlocal pictured
        picture.value, pictured = content, values

    def work():
        while True:
            with lock:  # the worker leaves (worker = None) only while holding the lock,
                try:    # so a redraw either sees it running or starts a new one
                    text = explorer.advance()
                    if text is not None:
                        picture.value = frame(text)
                except BaseException:
                    explorer.worker = None
                    raise
                if text is None:
                    explorer.worker = None
                    return
            time.sleep(0.002)  # let a waiting redraw take the lock between pieces

    def current() -> dict:
        return {name: wd.value for name, wd in widgets.items()}

    def others(values: dict, name: str) -> dict:
        return {k: v for k, v in values.items() if k != name}

    def offer(values: dict):  # hide the controls that would change nothing visible (``shown_when``)
        for name, control in explorer.controls.items():
            widgets[name].layout.display = "" if shown(control, values) else "none"

    def look_ahead(name: str, values: dict, direction: int) -> None:
        """Fill slider ``name``'s shelf around the reader's step, while ``values`` still stand."""
        shelf, options = shelves[name], [v for _, v in widgets[name].options]
        setting = others(values, name)
        lowest_priority()
        for position in reach_order(widgets[name].index, direction, shelf.count):
            with lock:
                if current() != values:  # the reader has moved on: a new look-ahead starts there
                    return
                if shelf.get(setting, position) is None:
                    text = explorer.respond(**{**values, name: options[position]})
                    shelf.put(setting, position, frame(text))
        with lock:
            if current() == values:
                explorer.respond(**values)  # the view as the reader sees it
                if pictured != values:  # the reader's step came from the shelf
                    show(shelf.get(setting, widgets[name].index), values)

    def redraw(change=None):
        start = time.perf_counter()
        values = current()
        offer(values)
        moved = next((n for n, wd in widgets.items() if change is not None and change.owner is wd), None)
        shelf = shelves.get(moved)
        with lock:
            kept = None
            if shelf is not None:
                setting, position = others(values, moved), widgets[moved].index
                kept = shelf.get(setting, position)
            if kept is None:
                show(frame(explorer.respond(**values)), values)
            else:
                explorer.values.update(values)
                if not shelf.around(setting, position):
                    show(kept, values)  # the next step may find its place empty
            for name, other in shelves.items():  # after the picture: a shelf's frame covers it until then
                if name != moved:
                    other.clear()  # its frames show another value of this control
            explorer.live_times.append(1e3 * (time.perf_counter() - start))
            if hasattr(explorer.view, "advance") and explorer.worker is None:
                explorer.worker = threading.Thread(target=work, name="explorer", daemon=True)
                explorer.worker.start()
        if shelf is not None:
            direction = 1 if change.new > change.old else -1
            threading.Thread(target=look_ahead, args=(moved, values, direction), name="look-ahead",
                             daemon=True).start()

    for wd in widgets.values():
        wd.observe(redraw, names="value")
    values = current()
    offer(values)
    show(frame(explorer.update(**values)), values)
    pictures = w.GridBox([picture] + [s.stack for s in shelves.values()],
                         layout=w.Layout(grid_template_areas='"frame"', grid_template_columns="minmax(0, 1fr)",
                                         max_width=f"{width}px"))
    settle_garbage_collector()
    return w.VBox([w.HBox(list(widgets.values()), layout=w.Layout(flex_flow="row wrap")), pictures],
                  _dom_classes=["course-explorer"])
