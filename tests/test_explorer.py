"""The explorer mechanism: controls, live redraws that update artists, the static grid of frames."""

import base64
import re
import sys

import numpy as np
import pytest
from frames import assert_same_picture, changed, full_redraw, pixels

ipywidgets = pytest.importorskip("ipywidgets")

from matplotlib.layout_engine import ConstrainedLayoutEngine

from lib import explorer as ex


class Line:
    """A minimal view: one line whose slope a control sets."""

    instances = 0

    def __init__(self, fig, **values):
        Line.instances += 1
        self.ax = fig.add_subplot()
        self.x = np.linspace(-1, 1, 11)
        (self.line,) = self.ax.plot(self.x, self.x)
        self.ax.set_ylim(-3, 3)
        self.update(**values)

    def update(self, slope, flip=False, kind="a"):
        self.line.set_ydata((-1 if flip else 1) * slope * self.x)
        return f"{kind}: slope {slope:g}"


def make(**controls):
    controls = controls or {"slope": ex.Slider(-2, 2, 0.5, value=1.0)}
    return ex.Explorer(Line, controls, alt="a line")


def test_update_changes_existing_artists_without_new_figures():
    e = make()
    line, fig, before = e.view.line, e.fig, Line.instances
    assert e.update(slope=2.0) == "a: slope 2"
    np.testing.assert_allclose(line.get_ydata(), 2 * np.linspace(-1, 1, 11))
    assert e.view.line is line and e.fig is fig and Line.instances == before
    assert len(fig.axes) == 1 and len(fig.axes[0].lines) == 1


def test_unknown_control_raises_naming_values():
    with pytest.raises(ValueError, match="values"):
        make().update(gain=1)


def test_render_gives_png_and_keeps_the_first_layout():
    e = make()
    png = e.render()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    position = e.view.ax.get_position().bounds
    e.update(slope=-2.0)
    e.render()
    assert not isinstance(e.fig.get_layout_engine(), ConstrainedLayoutEngine)
    assert e.view.ax.get_position().bounds == position


def test_static_grid_is_the_product_of_static_values():
    e = make(slope=ex.Slider(-2, 2, 1, value=0, static=[-1, 0, 1]), flip=ex.Toggle(False),
             kind=ex.Choice(["a", "b"]))
    grid = e.static_grid()
    assert len(grid) == 3 * 2 * 2
    assert grid[0] == {"slope": -1, "flip": False, "kind": "a"}
    assert grid[-1] == {"slope": 1, "flip": True, "kind": "b"}


def test_slider_default_static_values_cover_range_and_value():
    s = ex.Slider(0, 1, 0.1, value=0.3)
    values = s.static_values()
    assert values[0] == 0 and values[-1] == 1 and 0.3 in values and len(values) == 6


def test_log_slider_static_values_are_powers():
    s = ex.Slider(-4, 0, 0.5, value=1e-2, log=True)
    np.testing.assert_allclose(s.static_values(), [1e-4, 1e-3, 1e-2, 1e-1, 1.0])


@pytest.mark.parametrize("bad, param", [
    (dict(min=1, max=0, step=0.1, value=0.5), "min"),
    (dict(min=0, max=1, step=0, value=0.5), "step"),
    (dict(min=0, max=1, step=0.1, value=2), "value"),
])
def test_bad_slider_raises_naming_parameter(bad, param):
    with pytest.raises(ValueError, match=param):
        ex.Slider(**bad)


def test_bad_choice_and_empty_controls_raise():
    with pytest.raises(ValueError, match="value"):
        ex.Choice(["a"], value="z")
    with pytest.raises(ValueError, match="options"):
        ex.Choice([])
    with pytest.raises(ValueError, match="controls"):
        ex.Explorer(Line, {}, alt="x")


def test_static_form_links_every_stack_and_picks_the_right_frame():
    e = make(slope=ex.Slider(-2, 2, 1, value=1, static=[-1, 1]), kind=ex.Choice(["a", "b"], value="b"))
    box = e.static()
    controls, root = box.children[0].children, box.children[1]
    assert [type(c).__name__ for c in controls] == ["SelectionSlider", "Dropdown"]
    assert isinstance(root, ipywidgets.Stack) and len(root.children) == 2
    # initial selection follows the controls' values: slope 1 (index 1), kind "b" (index 1)
    assert root.selected_index == 1 and root.children[1].selected_index == 1
    frame = root.children[1].children[1].value
    assert "b: slope 1" in frame and 'alt="a line"' in frame
    other = root.children[0].children[0].value
    assert "a: slope -1" in other
    # the live state is restored after precomputing
    assert e.values == {"slope": 1, "kind": "b"}


def test_identical_frames_share_one_widget():
    class Flat(Line):
        def update(self, slope, kind="a"):
            self.line.set_ydata(0 * self.x)
            return "flat"

    e = ex.Explorer(Flat, {"slope": ex.Slider(0, 1, 1, value=0, static=[0, 1])}, alt="flat")
    root = e.static().children[1]
    assert root.children[0] is root.children[1]


def test_too_many_frames_raise():
    e = make(slope=ex.Slider(0, 100, 1, value=0, static=list(range(ex.MAX_FRAMES + 1))))
    with pytest.raises(ValueError, match="MAX_FRAMES"):
        e.static()


def png_of(tag: str) -> bytes:
    """The PNG inside an ``<img src="data:image/png;base64,...">`` tag."""
    return base64.b64decode(re.search(r'base64,([^"]+)"', tag).group(1))


def readout_of(frame: str) -> str:
    """The readout under a live frame's image."""
    return re.search(r'<div class="explorer-readout"[^>]*>(.*?)</div>', frame).group(1)


def live_parts(box):
    """A live form's controls and its picture."""
    return box.children[0].children, box.children[1]


def test_live_form_redraws_on_change():
    e = make()
    (slider,), picture = live_parts(e.live())
    first = picture.value
    assert first.startswith("<img src=\"data:image/png;base64,") and 'alt="a line"' in first
    slider.value = -2.0
    assert picture.value != first and readout_of(picture.value) == "a: slope -2"
    np.testing.assert_array_equal(pixels(png_of(picture.value)), pixels(e.render()))  # the frame as it stands
    np.testing.assert_allclose(e.view.line.get_ydata(), -2 * np.linspace(-1, 1, 11))


def test_live_sliders_offer_each_step_exactly():
    """A live slider's options are the slider's steps, so the view receives 37 for the step to 37
    (a browser's sum of steps is 36.99999999999999), an int where the steps are whole."""
    seen = []

    class Record(Line):
        def update(self, slope, n=2):
            seen.append((slope, n))
            return super().update(slope)

    e = ex.Explorer(Record, {"slope": ex.Slider(-2, 2, 0.1, value=1.0), "n": ex.Slider(2, 128, 1, value=32)},
                    alt="a line")
    (slope, n), _ = live_parts(e.live())
    assert [v for _, v in n.options] == list(range(2, 129)) and n.value == 32
    assert [label for label, _ in slope.options][:3] == ["-2", "-1.9", "-1.8"]
    n.index = 35
    slope.index = 23
    assert seen[-2:] == [(1.0, 37), (0.3, 37)] and type(seen[-1][1]) is int
    log = ex.Slider(0.0, 3.0, 0.05, value=30.0, log=True).live_widget("s")
    assert log.value == 30.0 and len(log.options) == 62  # 61 steps, and 30 between two of them


def test_live_image_keeps_the_frame_size_and_the_alt_text_follows_the_values():
    e = ex.Explorer(Line, {"slope": ex.Slider(-2, 2, 0.5, value=1.0)}, alt=lambda slope: f"slope {slope:g}",
                    width=3, height=2, dpi=50)
    (slider,), picture = live_parts(e.live())
    assert 'width="150" height="100"' in picture.value
    assert "min-height:1.5em" in picture.value  # one line reserved even for an empty readout
    assert "max-width:150px" in picture.value
    for value in (-2.0, 0.5, 2.0):
        slider.value = value
        assert pixels(png_of(picture.value)).shape[:2] == (100, 150)
        assert f'alt="slope {value:g}"' in picture.value and 'width="150" height="100"' in picture.value


def test_a_live_readout_keeps_the_most_lines_it_has_needed():
    class Wordy(Line):
        def update(self, slope, flip=False, kind="a"):
            super().update(slope)
            return "word " * int(10 + 20 * slope)

    e = ex.Explorer(Wordy, {"slope": ex.Slider(0, 2, 1, value=0)}, alt="x", width=3, height=2, dpi=50)
    (slider,), picture = live_parts(e.live())
    assert "min-height:4.5em" in picture.value  # 50 characters (350 px) in 150 px: three lines
    slider.value = 2
    assert "min-height:18em" in picture.value  # 250 characters: twelve
    slider.value = 0
    assert "min-height:18em" in picture.value  # and it does not shrink back


class Counting(Line):
    """A view that draws its work in pieces: ``pieces`` calls of ``advance`` after each update."""

    pieces = 4

    def update(self, slope, flip=False, kind="a"):
        self.left = self.pieces
        self.slope = slope
        self.line.set_ydata(0 * self.x)
        return f"slope {slope:g}: 0 of {self.pieces}"

    def advance(self):
        if self.left == 0:
            return None
        self.left -= 1
        done = self.pieces - self.left
        self.line.set_ydata(self.slope * self.x * done / self.pieces)
        return f"slope {self.slope:g}: {done} of {self.pieces}"


def test_update_finishes_the_work_of_a_view_that_goes_in_pieces():
    e = ex.Explorer(Counting, {"slope": ex.Slider(-2, 2, 0.5, value=1.0)}, alt="counting")
    assert e.view.left == 0  # built finished
    assert e.respond(slope=2.0) == "slope 2: 0 of 4"
    assert e.advance() == "slope 2: 1 of 4"
    assert e.update(slope=-1.0) == "slope -1: 4 of 4" and e.advance() is None
    np.testing.assert_allclose(e.view.line.get_ydata(), -np.linspace(-1, 1, 11))
    assert make().advance() is None  # a view without advance() never has work left


@pytest.mark.parametrize("changes", [[-2.0], [-2.0, 0.5, 1.5]])
def test_live_form_goes_on_with_the_work_one_piece_per_turn_of_the_event_loop(changes):
    """The first frame of the form is finished; after a change, one piece per turn of the event loop,
    and a change that comes between two pieces switches the work to its setting."""
    import asyncio

    async def learner():
        e = ex.Explorer(Counting, {"slope": ex.Slider(-2, 2, 0.5, value=1.0)}, alt="counting")
        (slider,), picture = live_parts(e.live())
        assert readout_of(picture.value) == "slope 1: 4 of 4"  # the first frame is complete
        seen = []
        for value in changes:
            slider.value = value
            seen.append(readout_of(picture.value))
            await asyncio.sleep(0)  # one turn of the loop: one piece
            seen.append(readout_of(picture.value))
        for _ in range(Counting.pieces + 2):
            await asyncio.sleep(0)
        return e, picture, seen

    e, picture, seen = asyncio.run(learner())
    assert seen[:2] == [f"slope {changes[0]:g}: 0 of 4", f"slope {changes[0]:g}: 1 of 4"]
    assert readout_of(picture.value) == f"slope {changes[-1]:g}: 4 of 4"
    np.testing.assert_allclose(e.view.line.get_ydata(), changes[-1] * np.linspace(-1, 1, 11))


def test_without_an_event_loop_the_live_form_finishes_the_work_at_once():
    e = ex.Explorer(Counting, {"slope": ex.Slider(-2, 2, 0.5, value=1.0)}, alt="counting")
    (slider,), picture = live_parts(e.live())
    slider.value = -1.5
    assert readout_of(picture.value) == "slope -1.5: 4 of 4" and e.advance() is None


def test_a_live_form_hides_the_controls_that_would_change_nothing():
    e = make(slope=ex.Slider(-2, 2, 0.5, value=1.0), kind=ex.Choice(["a", "b"]),
             flip=ex.Toggle(False, shown_when={"kind": ["b"]}))
    (slope, kind, flip), _ = live_parts(e.live())
    assert flip.layout.display == "none"
    kind.value = "b"
    assert flip.layout.display == ""


def test_static_mode_follows_environment(monkeypatch):
    monkeypatch.setenv("COURSE_STATIC", "1")
    assert ex.static_mode()
    monkeypatch.setenv("COURSE_STATIC", "0")
    assert not ex.static_mode()


def test_single_valued_static_controls_are_fixed_and_hidden():
    e = make(slope=ex.Slider(-2, 2, 1, value=1, static=[2]), kind=ex.Choice(["a", "b"]))
    box = e.static()
    controls, root = box.children[0].children, box.children[1]
    assert [type(c).__name__ for c in controls] == ["Dropdown"]
    assert len(root.children) == 2
    assert "a: slope 2" in root.children[0].value and "b: slope 2" in root.children[1].value
    assert e.values == {"slope": 1, "kind": "a"}


def test_sweeps_cover_each_control():
    np.testing.assert_allclose(ex.Slider(0, 1, 0.1, value=0.5).sweep(3), [0, 0.5, 1])
    np.testing.assert_allclose(ex.Slider(-2, 0, 0.1, value=0.1, log=True).sweep(3), [0.01, 0.1, 1])
    assert ex.Choice(["a", ("B", "b")]).sweep() == ["a", "b"]
    assert ex.Toggle(True).sweep() == [False, True]


class Busy:
    """A view with bars, an image, a legend and a title that all change; and, on request, limits."""

    def __init__(self, fig, **values):
        self.ax, self.ax2 = fig.subplots(1, 2)
        self.x = np.linspace(-1, 1, 11)
        (self.line,) = self.ax.plot(self.x, self.x, label="line")
        self.bars = self.ax.bar([-0.5, 0.5], [1, 1], width=0.3, alpha=0.5, label="bars")
        self.legend = self.ax.legend(loc="upper left")
        self.image = self.ax2.imshow(np.zeros((4, 4)), vmin=-2, vmax=2)
        self.ax2.grid(False)  # blitted images cover the grid; a heatmap shows none anyway
        self.ax.set_ylim(-3, 3)
        self.update(**values)

    def update(self, slope, wide=False):
        self.line.set_ydata(slope * self.x)
        for bar, h in zip(self.bars, (slope, -slope)):
            bar.set_height(h)
        self.image.set_data(np.outer(np.linspace(-1, 1, 4), np.ones(4)) * slope)
        self.legend.get_texts()[0].set_text(f"slope {slope:g}")
        self.ax.set_title(f"slope {slope:g}")
        self.ax.set_ylim(-6 if wide else -3, 6 if wide else 3)
        return ""


@pytest.mark.parametrize("steps", [
    [dict(slope=1.0), dict(slope=-2.0), dict(slope=0.5)],              # data only: blitted
    [dict(slope=1.0), dict(wide=True), dict(slope=-1.0, wide=False)],  # limits change: full draws
])
def test_blitted_frames_match_full_redraws(steps):
    e = ex.Explorer(Busy, {"slope": ex.Slider(-2, 2, 0.5, value=1.0), "wide": ex.Toggle(False)}, alt="busy")
    e.render()
    for values in steps:
        e.update(**values)
        blitted = pixels(e.render())
        assert_same_picture(blitted, full_redraw(e))


def test_data_changes_are_blitted_and_limit_changes_redraw():
    e = ex.Explorer(Busy, {"slope": ex.Slider(-2, 2, 0.5, value=1.0), "wide": ex.Toggle(False)}, alt="busy")
    e.render()
    assert e.renderer.full_draws == 1
    e.update(slope=-1.5)  # sets the same limits again: the frame is unchanged
    e.render()
    assert e.renderer.full_draws == 1
    e.update(wide=True)
    e.render()
    assert e.renderer.full_draws == 2 and len(e.renderer.frames) == 2


def test_blitting_shows_the_update_not_a_stale_frame():
    e = ex.Explorer(Busy, {"slope": ex.Slider(-2, 2, 0.5, value=1.0), "wide": ex.Toggle(False)}, alt="busy")
    first = pixels(e.render())
    e.update(slope=-2.0)
    assert changed(pixels(e.render()), first) > 0.01


def test_backgrounds_of_frames_seen_before_are_reused():
    e = ex.Explorer(Busy, {"slope": ex.Slider(-2, 2, 0.5, value=1.0), "wide": ex.Toggle(False)}, alt="busy")
    e.render()
    e.update(wide=True)
    e.render()
    assert e.renderer.full_draws == 2
    e.update(wide=False, slope=-1.0)
    blitted = pixels(e.render())
    e.update(wide=True)
    e.render()
    assert e.renderer.full_draws == 2  # no new full draw for a frame seen before
    e.update(wide=False)
    assert_same_picture(pixels(e.render()), full_redraw(e))


def test_only_the_last_frames_are_kept():
    e = ex.Explorer(Busy, {"slope": ex.Slider(-2, 2, 0.5, value=1.0), "wide": ex.Toggle(False)}, alt="busy")
    for top in range(3, 3 + e.renderer.keep + 1):
        e.view.ax.set_ylim(-top, top)
        e.render()
    assert len(e.renderer.frames) == e.renderer.keep
    e.view.ax.set_ylim(-3, 3)  # the first frame, forgotten
    e.render()
    assert e.renderer.full_draws == e.renderer.keep + 2


class Relabel(Line):
    """A view whose update renames an axis and moves its ticks: both call for a new frame."""

    def update(self, slope, flip=False, kind="a"):
        self.ax.set_xlabel(f"x ({kind})")
        self.ax.set_yticks([-abs(slope), 0, abs(slope)] if slope else [0])
        return super().update(slope, flip, kind)


def test_a_new_axis_label_or_ticks_redraw_the_frame():
    e = ex.Explorer(Relabel, {"slope": ex.Slider(-2, 2, 0.5, value=1.0), "kind": ex.Choice(["a", "b"])},
                    alt="relabel")
    e.render()
    for values, draws in ((dict(kind="b"), 2), (dict(slope=2.0), 3), (dict(slope=-2.0), 3)):
        e.update(**values)
        blitted = pixels(e.render())
        assert e.renderer.full_draws == draws
        assert_same_picture(blitted, full_redraw(e))


class FixedLegend:
    """A line that sweeps across the axes, under a legend that never changes (listed as a fixed
    artist all the same: a legend is drawn with the changing artists, so that it stays on top)."""

    frameon = True

    def __init__(self, fig, **values):
        self.ax = fig.add_subplot()
        self.x = np.linspace(0, 1, 50)
        (self.line,) = self.ax.plot(self.x, self.x, linewidth=6, label="line")
        self.legend = self.ax.legend(loc="center", frameon=self.frameon, framealpha=1)
        self.fixed_artists = [self.legend]
        self.ax.set_xlim(0, 1)
        self.ax.set_ylim(-1, 2)
        self.update(**values)

    def update(self, level):
        self.line.set_ydata(np.full_like(self.x, level))
        return ""


def legend_box(e):
    """Rows and columns of the pixels inside the view's legend."""
    box = e.view.legend.get_window_extent(e.fig.canvas.get_renderer())
    height = e.fig.canvas.get_width_height()[1]
    return slice(int(height - box.y1) + 2, int(height - box.y0) - 2), slice(int(box.x0) + 2, int(box.x1) - 2)


def test_a_legend_stays_over_the_data():
    e = ex.Explorer(FixedLegend, {"level": ex.Slider(-1, 2, 0.1, value=-0.8)}, alt="legend")
    low = pixels(e.render())
    assert e.view.legend in e.renderer.animated and e.view.line in e.renderer.animated
    rows, cols = legend_box(e)
    e.update(level=0.5)  # the thick line now runs through the middle of the axes, under the legend
    blitted = pixels(e.render())
    np.testing.assert_array_equal(blitted[rows, cols], low[rows, cols])  # the opaque legend, untouched
    assert changed(blitted, low) > 0.01  # the line moved, outside the legend
    assert_same_picture(blitted, full_redraw(e))  # the legend over the line, as a full draw


def test_a_frameless_legend_lets_the_data_show_through():
    class Frameless(FixedLegend):
        frameon = False

    e = ex.Explorer(Frameless, {"level": ex.Slider(-1, 2, 0.1, value=-0.8)}, alt="legend")
    low = pixels(e.render())
    rows, cols = legend_box(e)
    e.update(level=0.5)
    blitted = pixels(e.render())
    assert changed(blitted[rows, cols], low[rows, cols]) > 0.1  # the line, between the legend's texts
    assert_same_picture(blitted, full_redraw(e))


def test_warm_runs_every_static_setting_before_the_live_controls():
    seen = []

    class Recording(Line):
        def update(self, slope, flip=False, kind="a"):
            seen.append((slope, kind))
            return super().update(slope, flip, kind)

    e = ex.Explorer(Recording, {"slope": ex.Slider(-2, 2, 1, value=1, static=[-1, 1]),
                                "kind": ex.Choice(["a", "b"])}, alt="x", warm=True)
    seen.clear()
    e.live()
    assert {(-1, "a"), (-1, "b"), (1, "a"), (1, "b")} <= set(seen)
    assert e.values == {"slope": 1, "kind": "a"}


def test_warm_also_visits_the_views_warm_settings():
    class Wide(Busy):
        warm_settings = [{"wide": True}]

    e = ex.Explorer(Wide, {"slope": ex.Slider(-2, 2, 0.5, value=1.0, static=[1.0]),
                           "wide": ex.Toggle(False, static=[False])}, alt="busy", warm=True)
    e.live()
    assert len(e.renderer.frames) == 2 and e.values == {"slope": 1.0, "wide": False}


def test_warm_draws_each_distinct_frame_once():
    e = ex.Explorer(Busy, {"slope": ex.Slider(-2, 2, 0.5, value=1.0, static=[-1.0, 1.0]),
                           "wide": ex.Toggle(False)}, alt="busy", warm=True)
    e.live()
    assert len(e.renderer.frames) == 2 and e.renderer.full_draws == 2  # narrow and wide limits


# ---- every explorer of the course ------------------------------------------------------------
# The control sets are the chapters' (labels left out); a few views get a shorter computation
# (fewer training epochs or steps) than the notebook gives them, which changes no control's effect.

def _rings(n=200, seed=4, noise=0.1):
    """Chapter 1's two noisy rings of points."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 2
    radius = np.where(labels == 0, 0.5, 1.0)
    angle = rng.uniform(0, 2 * np.pi, n)
    points = radius[:, None] * np.c_[np.cos(angle), np.sin(angle)] + noise * rng.normal(size=(n, 2))
    return points, labels


def _course():
    """Name -> (view, controls, figure size) of every explorer in the chapters."""
    from functools import partial

    from lib import activations as act
    from lib.views import activations as va, derivatives as vd, normalization as vn, softmax as vs
    from lib.views import vanishing as vg
    from lib.experiments import derivatives as xd, vanishing as xg

    S, C, T = ex.Slider, ex.Choice, ex.Toggle
    X, y = _rings()
    return {
        "DecisionBoundaryView": (partial(va.DecisionBoundaryView, X=X, y=y, epochs=200), {
            "activation": C(["linear", "sigmoid", "tanh", "relu"], value="relu"),
            "width": C([2, 3, 16], value=3)}, (5.2, 4.0)),
        "ActivationView": (va.ActivationView, {
            "name": C(list(act.ACTIVATIONS), value="relu"),
            "derivative": T(True, static=[True]),
            **{control: S(*limits, value=act.ACTIVATIONS[fns[-1]].params[param], static=[
                act.ACTIVATIONS[fns[-1]].params[param]], shown_when={"name": fns})
               for control, param, limits, fns in [
                   ("elu_alpha", "alpha", (0.1, 3.0, 0.1), va.functions_of("elu_alpha")),
                   ("softplus_beta", "beta", (0.2, 5.0, 0.1), va.functions_of("softplus_beta")),
                   ("swish_beta", "beta", (-1.0, 5.0, 0.1), va.functions_of("swish_beta")),
                   ("leaky_slope", "negative_slope", (0.0, 0.5, 0.01), va.functions_of("leaky_slope")),
                   ("prelu_a", "a", (0.0, 1.0, 0.01), va.functions_of("prelu_a")),
                   ("threshold", "threshold", (-2.0, 2.0, 0.1), va.functions_of("threshold"))]},
            "max_value": S(0.5, 6.0, 0.5, value=6.0, static=[6.0], shown_when={"name": ["relu"]})}, (6.4, 3.4)),
        "FamilyView": (va.FamilyView, {
            "family": C(list(va.FAMILIES), value="softplus beta"),
            "setting": S(1, 5, 1, value=3, static=[1, 2, 3, 4, 5])}, (7.5, 3.2)),
        "TangentView": (vd.TangentView, {
            "name": C(list(xd.FUNCTIONS), value="sigmoid", static=["sigmoid", "tanh", "relu", "gelu"]),
            "x": S(-4.0, 4.0, 0.1, value=1.0, static=[-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0])}, (9, 3.3)),
        "FiniteDifferenceView": (vd.FiniteDifferenceView, {
            "h": S(-12, 0, 0.5, value=1e-5, log=True, static=[1e-1, 1e-2, 1e-3, 1e-5, 1e-7, 1e-9, 1e-11]),
            "x": S(0.0, 3.0, 0.1, value=1.0, static=[1.0, 2.5]),
            "dtype": C(["float64", "float32"], value="float64"),
            "name": C(list(xd.FUNCTIONS), value="sin", static=["sin"])}, (9, 3.4)),
        "GradientView": (vg.GradientView, {
            "depth": S(2, 50, 1, value=30, static=[10, 30]),
            "activation": C(list(xg.ACTIVATION_NAMES), value="sigmoid",
                            static=["sigmoid", "tanh", "relu", "leaky_relu"]),
            "init": C(["normal", "xavier", "he"], value="xavier"),
            "gain": S(-1, 1, 0.05, value=1.0, log=True, static=[1.0]),
            "batchnorm": T(False, static=[False])}, (7.2, 3.6)),
        "TrainingView": (partial(vg.TrainingView, steps=60), {
            "activation": C(list(xg.ACTIVATION_NAMES) + ["prelu"], value="relu",
                            static=["sigmoid", "tanh", "relu", "leaky_relu"]),
            "lr": S(-3, 0, 0.1, value=0.1, log=True, static=[0.01, 0.1, 0.3]),
            "depth": S(2, 30, 1, value=10, static=[10]),
            "init": C(["matched", "normal", "xavier", "he"], value="matched", static=["matched"])},
            (6.8, 3.4)),
        "LogitView": (vs.LogitView, {
            "z1": S(-4.0, 4.0, 0.01, value=2.33, static=[2.33]),
            "z2": S(-4.0, 4.0, 0.01, value=-1.46, static=[-4.0, -2.89, -1.46, 0.0, 3.0]),
            "z3": S(-4.0, 4.0, 0.01, value=0.56, static=[0.56]),
            "temperature": S(-1.0, 1.0, 0.05, value=1.0, log=True, static=[0.1, 0.5, 1.0, 3.0, 10.0])},
            (7.0, 3.0)),
        "PrecisionView": (vs.PrecisionView, {
            "scale": S(0.0, 3.0, 0.05, value=30.0, log=True, static=[1, 10, 30, 100, 300, 1000]),
            "dtype": C(["float16", "float32", "float64"], value="float16")}, (7.0, 3.0)),
        "ScalingView": (vn.ScalingView, {
            "outlier": T(True),
            "position": S(60, 400, 10, value=200, static=[60, 80, 120, 160, 200, 300, 400])}, (6.4, 3.9)),
        "BatchStatsView": (vn.BatchStatsView, {
            "batch_size": S(2, 128, 1, value=32, static=[2, 8, 32, 128]),
            "momentum": S(0.01, 1.0, 0.01, value=0.1, static=[0.01, 0.1, 0.5])}, (6.4, 3.4)),
        "AxesView": (vn.AxesView, {
            "method": C([("batch norm", "batch"), ("layer norm", "layer"), ("RMS norm", "rms")], value="batch"),
            "factor": S(0.1, 10.0, 0.1, value=1.0, static=[0.1, 1.0, 3.0, 10.0])}, (8.0, 3.4)),
        "ImageAxesView": (vn.ImageAxesView, {
            "method": C(["batch", "layer", "instance", "group"], value="batch"),
            "groups": C([1, 2, 3, 6], value=2, shown_when={"method": ["group"]}),
            "channel": S(0, 5, 1, value=0, static=[0, 4])}, (7.0, 4.0)),
    }


COURSE = list(_course())


def course_explorer(name):
    view, controls, (width, height) = _course()[name]
    return ex.Explorer(view, controls, alt=name, width=width, height=height)


def other_values(control):
    """Values a reader can move a control to from its initial one: both ends and the middle of a
    slider, every other option of a choice, the other state of a toggle."""
    return [v for v in control.sweep(3) if not np.isclose(v, control.value)] \
        if isinstance(control, ex.Slider) else [v for v in control.sweep() if v != control.value]


def test_the_course_list_holds_every_view_with_an_update():
    import inspect

    from lib.views import activations, derivatives, normalization, softmax, vanishing

    classes = {name for module in (activations, derivatives, normalization, softmax, vanishing)
               for name, obj in vars(module).items()
               if inspect.isclass(obj) and obj.__module__ == module.__name__ and hasattr(obj, "update")
               and "fig" in inspect.signature(obj).parameters}
    assert classes == set(COURSE)


@pytest.mark.parametrize("name", COURSE)
def test_every_course_view_blits_what_a_full_draw_shows(name):
    e = course_explorer(name)
    e.render()
    for control_name, control in e.controls.items():
        for value in other_values(control)[:2]:
            e.update(**{control_name: value})
            assert_same_picture(pixels(e.render()), full_redraw(e))


@pytest.mark.parametrize("name, control", [(name, c) for name in COURSE for c in _course()[name][1]])
def test_every_live_control_changes_the_picture(name, control):
    """From the chapter's initial setting (with the controls it depends on set so that it is offered,
    ``shown_when``), moving the control to some other value changes the picture or the readout (a
    value may mean the same as the initial one: "he" for "matched" with relu)."""
    e = course_explorer(name)
    condition = e.controls[control].shown_when or {}
    e.update(**{other: allowed[-1] for other, allowed in condition.items()})
    readout, first = e.update(), pixels(e.render())
    moved = []
    for value in other_values(e.controls[control]):
        now = e.update(**{control: value})
        moved.append(changed(pixels(e.render()), first) > 1e-4 or now != readout)
    assert any(moved), f"no value of {control} changes a pixel or the readout"


def test_a_control_is_offered_only_while_it_can_change_the_picture():
    from lib import activations as act
    from lib.explorer.controls import shown
    from lib.views import activations as va

    e = course_explorer("ActivationView")
    form = e.live()
    name, *sliders = form.children[0].children
    by_label = {w.description: w for w in form.children[0].children}
    assert set(e.controls) == {"name", "derivative", "elu_alpha", "softplus_beta", "swish_beta",
                               "leaky_slope", "prelu_a", "threshold", "max_value"}
    for function in act.ACTIVATIONS:
        name.value = function
        offered = {c for c, w in zip(e.controls, form.children[0].children) if w.layout.display != "none"}
        assert offered == {c for c, control in e.controls.items() if shown(control, {"name": function})}
        assert offered - {"name", "derivative"} == set(va.PARAMETERS.get(function, {})) - {"c"}
    assert by_label  # every control has a label


@pytest.mark.parametrize("function, control", [
    ("elu", "elu_alpha"), ("softplus", "softplus_beta"), ("swish", "swish_beta"), ("leaky_relu", "leaky_slope"),
    ("prelu", "prelu_a")])
def test_each_function_starts_at_its_own_default(function, control):
    from lib import activations as act
    from lib.views import activations as va

    e = course_explorer("ActivationView")
    readout = e.update(name=function)
    param = va.PARAMETERS[function][control]
    assert e.controls[control].value == act.ACTIVATIONS[function].params[param]
    assert f"{param}={act.ACTIVATIONS[function].params[param]:g}" in readout


@pytest.mark.parametrize("function, control", [
    ("elu", "elu_alpha"), ("softplus", "softplus_beta"), ("swish", "swish_beta"), ("leaky_relu", "leaky_slope"),
    ("prelu", "prelu_a")])
def test_the_activation_sliders_move_their_own_function(function, control):
    e = course_explorer("ActivationView")
    e.update(name=function)
    first = pixels(e.render())
    for value in other_values(e.controls[control]):
        e.update(**{control: value})
        assert changed(pixels(e.render()), first) > 1e-3
