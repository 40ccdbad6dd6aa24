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
    np.testing.assert_allclose(v.dots[1].get_xdata(), z[:n])
    np.testing.assert_allclose(v.outs[1].get_xdata(), [z[-1]])
    np.testing.assert_allclose(v.dots[2].get_xdata(), mm[:n])
    np.testing.assert_allclose(v.outs[0].get_xdata(), [400.0])
    assert f"z = {z[-1]:.2f}" in readout
    share = mm[:n].max() - mm[:n].min()
    assert f"fill {share:.0%} of [0, 1]" in readout
    assert ex.fig is fig and artists(fig) == before


def test_scaling_view_without_outlier_hides_it_and_spans_zero_to_one():
    ex = Explorer(views.ScalingView, {"outlier": Toggle(True), "position": Slider(60, 400, 10, 200)},
                  alt="scaling")
    readout = ex.update(outlier=False)
    assert len(ex.view.outs[1].get_xdata()) == 0
    np.testing.assert_allclose(ex.view.dots[1].get_xdata(), standardize(experiments.SCORES))
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
    np.testing.assert_allclose(ex.view.dots.get_ydata(), means)
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
    assert ex.view.txt_out[2][3].get_text() == f"{y[2, 3]:.1f}"
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


def test_heatmap_numbers_are_as_large_as_the_tick_labels():
    from lib.plotting import STYLE
    fig, ax = figure()
    _, texts = views.plot_heatmap(ax, np.ones((2, 2)))
    assert texts[0][0].get_fontsize() >= STYLE["xtick.labelsize"]


def test_heatmaps_alt_is_built_from_the_values():
    x = experiments.example_tensor()
    outputs = {m: experiments.normalize(x, m) for m in ("batch", "layer", "rms")}
    alt = views.heatmaps_alt(x, outputs)
    assert alt.startswith("Four heatmaps of a 4 by 5 tensor")
    assert f"{outputs['rms'].mean(1).max():.1f}" in alt and "every column has mean 0" in alt


# ---- images: which values share one mean and variance -------------------------------------------

@pytest.mark.parametrize("method", ["batch", "layer", "instance", "group"])
def test_plot_shared_shades_exactly_the_shared_values(method):
    fig, ax = figure()
    mask = experiments.shared_values(method, (2, 4, 2, 3), (1, 2, 1, 0), num_groups=2)
    mesh, dot = views.plot_shared(ax, mask, method, index=(1, 2, 1, 0))
    grid = mesh.get_array()
    assert int(grid.sum()) == int(mask.sum())                         # every shared value shaded
    assert np.ma.count_masked(grid) == grid.size - mask.size          # gaps only between blocks
    # block of sample 1, channel 2 starts at row 1 * (2 + 1), column 2 * (3 + 1)
    np.testing.assert_array_equal(grid[3:5, 8:11], mask[1, 2])
    assert tuple(np.ravel(dot.get_data())) == (8.0, 4.0)
    assert ax.get_title() == method


def test_image_axes_view_follows_the_numerics():
    ex = Explorer(views.ImageAxesView, {"method": Choice(["batch", "layer", "instance", "group"]),
                                        "groups": Choice([1, 2, 3, 6], value=2,
                                                         shown_when={"method": ["group"]}),
                                        "channel": Slider(0, 5, 1, 0)}, alt="image axes")
    fig, before = ex.fig, artists(ex.fig)
    for method, groups, channel, count in (("batch", 2, 3, 6), ("layer", 2, 0, 4),
                                           ("instance", 2, 5, 24), ("group", 3, 4, 12)):
        readout = ex.update(method=method, groups=groups, channel=channel)
        mask = experiments.shared_values(method, experiments.IMAGE_SHAPE, (0, channel, 0, 0), groups)
        assert int(ex.view.mesh.get_array().sum()) == int(mask.sum())
        assert f"the {int(mask.sum())} shaded values" in readout and f"gets {count} means" in readout
        assert ex.view.title.get_text().startswith(method)
    assert ex.fig is fig and artists(fig) == before


def test_shared_alt_and_family_alt_name_the_counts():
    alt = views.shared_alt("group", num_groups=3, channel=2)
    assert "3 groups of 2 channels" in alt and "the 18 values" in alt and "12 means" in alt
    family = views.family_alt()
    assert family.count("Panel") == 4 and "36 values" in family and "9 values" in family


# ---- the deep network on the digits, and the other alt texts --------------------------------------

def test_plot_digits_training_draws_the_mean_and_the_range_of_each_placement():
    spreads = {p: experiments.digits_spread(p, seeds=(1, 2), epochs=2) for p in ("none", "before")}
    fig, ax = figure()
    views.plot_digits_training(ax, spreads)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), spreads["before"].losses.mean)
    band = ax.collections[1].get_paths()[0].vertices[:, 1]
    assert band.min() == pytest.approx(spreads["before"].losses.min.min())
    assert band.max() == pytest.approx(spreads["before"].losses.max.max())
    labels = ax.get_legend_handles_labels()[1]
    assert f"validation accuracy {spreads['none'].val_accuracy.mean:.1%}" in labels[0]
    alt = views.digits_training_alt(spreads)
    before = spreads["before"].losses.mean
    assert f"from {before[0]:.2f} to {before[-1]:.2f}" in alt
    assert "over 2 epochs" in alt and "the mean of 2 seeds" in alt


def test_plot_deep_network_draws_losses_and_spreads_over_the_seeds():
    spreads = {bn: experiments.regression_spread(bn, seeds=(1, 2), epochs=3) for bn in (False, True)}
    fig, (ax1, ax2) = figure(ncols=2)
    views.plot_deep_network(ax1, ax2, spreads)
    np.testing.assert_allclose(ax1.lines[0].get_ydata(), spreads[False].losses.mean)
    np.testing.assert_allclose(ax2.lines[1].get_ydata(), spreads[True].spread.mean)
    assert len(ax2.lines[0].get_ydata()) == 12
    alt = views.deep_network_alt(spreads)
    assert "over 3 epochs" in alt and f"{spreads[False].spread.mean[-1]:.0e} at layer 12" in alt


def test_alt_texts_use_their_data():
    z = np.array([-3.14, 0.0, 2.71])
    assert "from -3.1 to 2.7" in views.histograms_alt(z, np.array([0.0, 1.0]))
    assert "in 7 tiny steps" in views.descent_alt(np.zeros((8, 2)), np.zeros((3, 2)))
    alt = views.batch_size_alt([2, 128], [1.41, 0.18], [2.03, 3.97])
    assert "from 1.4 at batch size 2 to 0.2 at 128" in alt and "(4.0 at 128)" in alt


def test_image_axes_view_frames_match_full_redraws():
    ex = Explorer(views.ImageAxesView, {"method": Choice(["batch", "layer", "instance", "group"]),
                                        "groups": Choice([1, 2, 3, 6], value=2),
                                        "channel": Slider(0, 5, 1, 0)}, alt="image axes")
    ex.render()
    for values in (dict(method="group", groups=3, channel=4), dict(method="instance", channel=1)):
        ex.update(**values)
        blitted = pixels(ex.render())
        assert np.mean(np.abs(blitted - full_redraw(ex)) > 8) < 0.003
        ex.render()


def test_heatmap_writes_no_negative_zero():
    fig, ax = figure()
    _, texts = views.plot_heatmap(ax, np.array([[-0.04, 0.04, -0.06]]))
    assert [t.get_text() for t in texts[0]] == ["0.0", "0.0", "-0.1"]


def test_image_axes_alt_names_the_frame():
    assert views.image_axes_alt(method="instance", groups=2, channel=4) == views.shared_alt("instance", 2, 4)
    assert "channel 4" in views.image_axes_alt(method="instance", groups=2, channel=4)
