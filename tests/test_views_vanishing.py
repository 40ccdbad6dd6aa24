"""Views of the Vanishing gradients chapter: measurements against lib.network, explorers update artists."""

import numpy as np
import pytest

from lib.experiments import vanishing as experiments
from lib.explorer import Choice, Explorer, Slider, Toggle
from lib.plotting import figure
from lib.views import vanishing as v


def test_training_view_draws_a_new_run_as_it_trains(monkeypatch):
    monkeypatch.setattr(v.TrainingView, "FIRST_SECONDS", 0.0)  # one step per piece
    monkeypatch.setattr(v.TrainingView, "CHUNK_SECONDS", 0.0)
    e = Explorer(v.TrainingView, {"activation": Choice(["relu", "tanh"]),
                                  "lr": Slider(-3, 0, 0.5, value=0.1, log=True)}, alt="loss curve",
                 width=4, height=3)
    readout = e.respond(activation="tanh", lr=0.0123)
    assert len(e.view.losses) == 1 and readout.startswith("training: step 1 of 200, loss")
    assert np.count_nonzero(np.isfinite(e.view.line.get_ydata())) == 1
    pieces = []
    while (more := e.advance()) is not None:
        pieces.append(more)
    assert len(pieces) == 199 and pieces[100].startswith("training: step 102 of 200")
    whole = experiments.train_curve("tanh", 0.0123, 10, "matched", 200)
    np.testing.assert_array_equal(e.view.line.get_ydata(), whole.losses)
    assert pieces[-1] == e.update() and pieces[-1].startswith(f"loss {whole.losses[0]:.3g} → {whole.final:.3g}")
    assert e.advance() is None


def test_plot_functions_draw_the_measurements():
    fig, ax = figure()
    p = experiments.gradient_profile(5, "relu", "he")
    line = v.plot_gradient_profile(ax, p, of="W")
    np.testing.assert_allclose(line.get_ydata(), p.grad_W[::-1] / p.grad_W[-1])
    bound = v.plot_bound(ax, 5)
    np.testing.assert_allclose(bound.get_ydata(), 4.0 ** -np.arange(6))
    run = experiments.train_curve("relu", 0.05, depth=4, steps=30)
    curve = v.plot_loss_curve(ax, run)
    np.testing.assert_allclose(curve.get_ydata(), run.losses)
    assert ax.get_yscale() == "log"


def stethoscope(**values):
    controls = {
        "depth": Slider(2, 50, 1, value=values.get("depth", 10)),
        "activation": Choice(list(experiments.ACTIVATION_NAMES), value=values.get("activation", "sigmoid")),
        "init": Choice(["normal", "xavier", "he"], value=values.get("init", "xavier")),
        "gain": Slider(0.5, 2.0, 0.1, value=1.0),
        "batchnorm": Toggle(False),
    }
    return Explorer(v.GradientView, controls, alt="gradient norms per layer")


def test_gradient_view_updates_existing_artists():
    e = stethoscope()
    view, fig = e.view, e.fig
    lines = (view.z_line, view.w_line, view.h_line, view.bound_line)
    readout = e.update(depth=30, activation="relu", init="he", gain=1.5)
    assert (view.z_line, view.w_line, view.h_line, view.bound_line) == lines and e.fig is fig and len(fig.axes) == 1
    p = experiments.gradient_profile(30, "relu", "he", 1.5, False)
    np.testing.assert_allclose(view.z_line.get_ydata(), p.relative("z"))
    np.testing.assert_allclose(view.w_line.get_ydata(), p.relative("W"))
    np.testing.assert_allclose(view.h_line.get_ydata(), p.relative("h"))
    np.testing.assert_allclose(view.bound_line.get_ydata(), 4.0 ** -np.arange(31))
    np.testing.assert_array_equal(view.z_line.get_xdata(), np.arange(31))
    assert view.ax.get_xlim() == (0, v.axis_length(30)) and view.ax.get_ylim() == pytest.approx(v.PROFILE_YLIM)
    assert f"∂L/∂z {p.ratio:.1e}" in readout and f"∂L/∂W {p.weight_ratio:.1e}" in readout
    assert f"input h {1 / p.forward_ratio:.1e}" in readout and f"{100 * p.dead.mean():.0f} %" in readout
    assert "4^-30 = 8.7e-19" in readout


def test_gradient_view_warms_every_axis_length():
    e = Explorer(v.GradientView, {"depth": Slider(2, 50, 1, value=10, static=[10]),
                                  "activation": Choice(["relu"]), "init": Choice(["he"])},
                 alt="gradient norms per layer", warm=True)
    assert [s["depth"] for s in e.view.warm_settings] == [5, 10, 20, 30, 40, 50]
    e.live()
    lengths = {state[0][1] for state in e.renderer.frames}  # the x limits of each kept frame
    assert lengths == {(0.0, float(n)) for n in (5, 10, 20, 30, 40, 50)}


def test_the_live_gradient_view_draws_a_new_depth_from_one_profile_computed_once():
    e = stethoscope(depth=10, activation="tanh", init="he")
    form = e.live()
    depth, picture = form.children[0].children[0], form.children[1]
    key = dict(activation="tanh", init="he", gain=1.0, batchnorm=False)
    experiments.gradient_profile.cache_clear()
    depth.value = 17
    assert experiments.gradient_profile.cache_info().misses == 1 and "depth 17" in e.view.title.get_text()
    np.testing.assert_allclose(e.view.z_line.get_ydata(), e.view.profile(depth=17, **key).relative("z"))
    depth.value = 18
    depth.value = 17  # back: the kept profile
    assert experiments.gradient_profile.cache_info().misses == 2 and "(bound 4^-17 =" in picture.value


def test_gradient_view_batchnorm_and_readout_for_sigmoid():
    e = stethoscope()
    readout = e.update(depth=10, activation="sigmoid", init="xavier", batchnorm=True)
    p = experiments.gradient_profile(10, "sigmoid", "xavier", 1.0, True)
    np.testing.assert_allclose(e.view.z_line.get_ydata(), p.relative("z"))
    assert "batch norm" in e.view.title.get_text()
    assert readout.startswith(f"first hidden layer, relative to the output layer: ∂L/∂z {p.ratio:.1e}")


def test_training_view_updates_existing_artists():
    e = Explorer(v.TrainingView, {"activation": Choice(["relu", "sigmoid"]),
                                  "lr": Slider(-3, 0, 0.5, value=0.1, log=True)}, alt="loss curve")
    line, fig = e.view.line, e.fig
    readout = e.update(activation="sigmoid", lr=0.1)
    run = experiments.train_curve("sigmoid", 0.1, 10, "matched", 200)
    assert e.view.line is line and e.fig is fig and len(fig.axes) == 1
    np.testing.assert_allclose(line.get_ydata(), run.losses)
    assert f"{run.final:.3g}" in readout and "0.169" in readout
    assert len(e.view.marker.get_xdata()) == 0
    readout = e.update(activation="relu", lr=1.0)
    run = experiments.train_curve("relu", 1.0, 10, "matched", 200)
    assert run.diverged_at is not None and readout == f"diverged at step {run.diverged_at}: the loss overflowed"
    assert list(e.view.marker.get_xdata()) == [run.diverged_at]
    assert e.view.ax.get_ylim() == pytest.approx(v.LOSS_YLIM)


def test_training_view_colours_the_line_by_activation():
    e = Explorer(v.TrainingView, {"activation": Choice(["relu", "tanh"]),
                                  "lr": Slider(-3, 0, 0.5, value=0.01, log=True)}, alt="loss curve")
    e.update(activation="tanh")
    assert e.view.line.get_color() == v.COLORS["tanh"]
    assert [t.get_text() for t in e.view.legend.get_texts()] == ["always predicting the mean", "diverged"]


def test_diverged_marker_is_fully_inside_the_axes():
    e = Explorer(v.TrainingView, {"activation": Choice(["relu", "tanh"]),
                                  "lr": Slider(-3, 0, 0.5, value=0.1, log=True)}, alt="loss curve",
                 width=6.8, height=3.4)
    for name, lr in (("relu", 0.3), ("tanh", 0.3), ("relu", 1.0)):
        e.update(activation=name, lr=lr)
        run = experiments.train_curve(name, lr, 10, "matched", 200)
        assert run.diverged_at is not None
        if lr == 0.3:  # the website's frames: the last loss lies far above the axis' top
            assert run.losses[run.diverged_at - 1] > 10 * v.LOSS_YLIM[1]
        renderer = e.fig.canvas.get_renderer()
        e.fig.canvas.draw()
        box, axes = e.view.marker.get_window_extent(renderer), e.view.ax.get_window_extent(renderer)
        assert box.height > 5 and box.y1 <= axes.y1 and box.y0 >= axes.y0, (name, lr, box, axes)
    assert not e.view.marker.get_clip_on()  # a divergence at step 0 still shows on the left edge


def test_diverged_marker_y_stays_inside_the_range():
    top, bottom = v.LOSS_YLIM[1] / v.MARKER_MARGIN, v.LOSS_YLIM[0] * v.MARKER_MARGIN
    assert v.diverged_marker_y([0.2, 1e9], 2) == top
    assert v.diverged_marker_y([np.nan], 0) == top
    assert v.diverged_marker_y([1e-9, 1e9], 1) == bottom
    assert v.diverged_marker_y([0.2, 3.0, np.inf], 2) == 3.0


def test_forward_and_variance_plots_draw_the_measurements():
    fig, ax = figure()
    p = experiments.gradient_profile(8, "tanh", "normal", 10.0)
    for stat in ("z_var", "h_std", "h_mean", "saturated", "off"):
        line = v.plot_layer_statistic(ax, p, stat)
        np.testing.assert_array_equal(line.get_xdata(), np.arange(1, 9))
        np.testing.assert_array_equal(line.get_ydata(), getattr(p, stat))
    with pytest.raises(ValueError, match="stat"):
        v.plot_layer_statistic(ax, p, "grad_z")
    vp = experiments.variance_profile("relu", "he", depth=4, width=8, n=16)
    np.testing.assert_array_equal(v.plot_variance_profile(ax, vp).get_ydata(), vp.z_var)
    np.testing.assert_array_equal(v.plot_variance_profile(ax, vp, of="dz").get_ydata(), vp.dz_var)
    assert ax.get_yscale() == "log"


def test_gradient_view_readout_counts_saturated_outputs():
    e = stethoscope()
    readout = e.update(depth=20, activation="tanh", init="normal", gain=2.0)
    p = experiments.gradient_profile(20, "tanh", "normal", 2.0, False)
    assert readout.endswith(f"saturated outputs {100 * p.saturated.mean():.0f} %")
    assert "saturated" not in e.update(depth=20, activation="relu", init="he", gain=1.0)


def test_alt_texts_quote_the_values_drawn():
    ps = {(50, a, i): experiments.gradient_profile(50, a, i) for a in ("relu", "sigmoid")
          for i in ("normal", "he")}
    alt = v.profiles_alt(ps, 50, ["normal", "he"], ["relu", "sigmoid"])
    for (_, a, i), p in ps.items():
        assert f"{a} {p.ratio:.0e}" in alt
    assert alt.startswith("2 log-scale panels") and "relu and sigmoid" in alt
    sig = experiments.gradient_profile(20, "sigmoid", "xavier")
    big = experiments.gradient_profile(20, "sigmoid", "normal", 10.0)
    alt = v.bound_alt({"Xavier": sig, "normal": big}, 20)
    assert "Two log-scale panels" in alt and "9e-13 at n = 20" in alt
    assert f"whole gradient at {big.ratio:.0e}, above it" in alt
    assert f"whole gradient at {sig.ratio:.0e}, below it" in alt
    vp = experiments.variance_profile("relu", "xavier")
    assert f"from {vp.z_var[0]:.2g} at layer 1 to {vp.z_var[-1]:.2g} at layer 20" in v.variances_alt(
        {"relu": {"xavier": vp}})
    runs = {s: experiments.symmetry_run(s) for s in experiments.SYMMETRY_INITS}
    alt = v.symmetry_alt(runs, experiments.mean_predictor_loss())
    assert f"random from {runs['random'].losses[0]:.3g} to {runs['random'].final:.3g}" in alt
    assert "0.169" in v.derivatives_alt() or "0.045" in v.derivatives_alt()
