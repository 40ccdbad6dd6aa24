"""Views of the Normalization chapter: updates change existing artists to the values lib gives."""

import numpy as np
import pytest
from frames import full_redraw, pixels

pytest.importorskip("matplotlib")

from lib.experiments import normalization as experiments
from lib.explorer import Explorer, Choice, Slider, Toggle
from lib.normalization import standardize
from lib.optim import gradient_descent, least_squares_grad, least_squares_loss
from lib.plotting import figure
from lib.views import normalization as views


def artists(fig):
    return [(ax, len(ax.lines), len(ax.collections), len(ax.images), len(ax.texts)) for ax in fig.axes]


# ---- scaling ----------------------------------------------------------------------------------

def test_scaling_view_moves_the_outlier_and_rescales_the_rest():
    ex = Explorer(views.ScalingView, {"outlier": Toggle(True), "position": Slider(60, 400, 10, 200)},
                  alt="scaling")
    fig, before = ex.fig, artists(ex.fig)
    n = len(experiments.SCORES)
    readout = ex.update(outlier=True, position=400.0)
    raw, z, mm = experiments.scaled_with_outlier(400.0)
    v = ex.view
    np.testing.assert_allclose(v.dots[1].get_offsets()[:, 0], z[:n])
    np.testing.assert_allclose(v.outs[1].get_offsets()[:, 0], [z[-1]])
    np.testing.assert_allclose(v.dots[2].get_offsets()[:, 0], mm[:n])
    np.testing.assert_allclose(v.outs[0].get_offsets()[:, 0], [400.0])
    assert f"z = {z[-1]:.2f}" in readout
    share = mm[:n].max() - mm[:n].min()
    assert f"fill {share:.0%} of [0, 1]" in readout
    assert ex.fig is fig and artists(fig) == before


def test_scaling_view_without_outlier_hides_it_and_spans_zero_to_one():
    ex = Explorer(views.ScalingView, {"outlier": Toggle(True), "position": Slider(60, 400, 10, 200)},
                  alt="scaling")
    readout = ex.update(outlier=False)
    assert len(ex.view.outs[1].get_offsets()) == 0
    np.testing.assert_allclose(ex.view.dots[1].get_offsets()[:, 0], standardize(experiments.SCORES))
    assert "fill 100% of [0, 1]" in readout and "outlier" not in readout


# ---- gradient descent figure -------------------------------------------------------------------

def test_loss_grid_and_plot_descent():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 2)) * [1.0, 4.0]
    y = X @ [1.0, 0.5]
    loss = lambda w: least_squares_loss(w, X, y)
    w1, w2 = np.linspace(-1, 2, 7), np.linspace(-1, 1, 5)
    Z = experiments.loss_grid(loss, w1, w2)
    assert Z.shape == (5, 7)
    assert Z[4, 0] == pytest.approx(loss([w1[0], w2[4]]), rel=1e-14)
    path = gradient_descent(lambda w: least_squares_grad(w, X, y), [-1.0, 1.0], 0.01, 10)
    fig, ax = figure()
    line = views.plot_descent(ax, loss, path, [1.0, 0.5], w1, w2)
    np.testing.assert_allclose(np.column_stack(line.get_data()), path)
    assert "10 steps" in line.get_label()


# ---- batch statistics --------------------------------------------------------------------------

def test_batch_stats_view_updates_dots_line_and_readout():
    ex = Explorer(views.BatchStatsView, {"batch_size": Slider(2, 128, 1, 32),
                                         "momentum": Slider(0.01, 1, 0.01, 0.1)}, alt="batch stats")
    fig, before = ex.fig, artists(ex.fig)
    readout = ex.update(batch_size=4, momentum=0.5)
    means, running, _, _ = experiments.batch_statistics(experiments.batch_stream(), 4, 0.5)
    np.testing.assert_allclose(ex.view.dots.get_offsets()[:, 1], means)
    np.testing.assert_allclose(ex.view.line.get_ydata(), running)
    assert f"std {means.std():.3f}" in readout and "σ/√N = 1.000" in readout
    assert f"{running[-1]:.3f}" in readout
    assert ex.fig is fig and artists(fig) == before


# ---- axes ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["batch", "layer", "rms"])
def test_axes_view_shows_input_and_output(method):
    ex = Explorer(views.AxesView, {"method": Choice(["batch", "layer", "rms"]),
                                   "factor": Slider(0.1, 10, 0.1, 1.0)}, alt="axes")
    fig, before = ex.fig, artists(ex.fig)
    readout = ex.update(method=method, factor=10.0)
    x = experiments.example_tensor()
    x[0] *= 10
    y = experiments.normalize(x, method)
    np.testing.assert_allclose(ex.view.input(), x)
    np.testing.assert_allclose(ex.view.im_out.get_array(), y)
    assert ex.view.txt_out[2][3].get_text() == f"{y[2, 3]:.2f}"
    assert ex.view.txt_in[0][1].get_text() == f"{x[0, 1]:.1f}"
    assert ex.fig is fig and artists(fig) == before
    moved = np.abs(y[1:] - experiments.normalize(experiments.example_tensor(), method)[1:]).max()
    assert f"moved by up to {moved:.3f}" in readout


def test_axes_view_frames_match_full_redraws():
    ex = Explorer(views.AxesView, {"method": Choice(["batch", "layer", "rms"]),
                                   "factor": Slider(0.1, 10, 0.1, 1.0)}, alt="axes")
    ex.render()
    assert ex.view.im_in not in ex.renderer.animated and ex.view.txt_in[1][0] not in ex.renderer.animated
    for values in (dict(factor=10.0), dict(method="rms", factor=0.1)):
        ex.update(**values)
        blitted = pixels(ex.render())
        assert np.mean(np.abs(blitted - full_redraw(ex)) > 8) < 0.003
        ex.render()


def test_only_batch_norm_mixes_samples():
    ex = Explorer(views.AxesView, {"method": Choice(["batch", "layer", "rms"]),
                                   "factor": Slider(0.1, 10, 0.1, 1.0)}, alt="axes")
    assert "up to 0.000" not in ex.update(method="batch", factor=10.0)
    assert "up to 0.000" in ex.update(method="layer", factor=10.0)
    assert "up to 0.000" in ex.update(method="rms", factor=10.0)


def test_plot_heatmap_labels_every_cell():
    fig, ax = figure()
    values = np.array([[0.0, 2.9], [-2.9, 1.0]])
    image, texts = views.plot_heatmap(ax, values, "t")
    assert [[t.get_text() for t in row] for row in texts] == [["0.0", "2.9"], ["-2.9", "1.0"]]
    assert texts[0][1].get_color() == "white" and texts[0][0].get_color() == "black"
    assert ax.get_title() == "t"
