"""Views and figures of the Softmax chapter: updates change the artists to lib's values."""

import warnings

import numpy as np
import pytest
from frames import assert_same_picture, full_redraw, pixels

from lib.activations import log_softmax, softmax
from lib.experiments import softmax as experiments
from lib.plotting import PALETTE, figure
from lib.views import softmax as views

pytest.importorskip("matplotlib")


def heights(bars):
    return np.array([b.get_height() for b in bars])


def texts(items):
    return [t.get_text() for t in items]


def test_steps_table_text_and_html():
    table = views.steps_table(caption="worked example")
    text = repr(table)
    for piece in ("10.278", "12.261", "0.83827", "83.83 %", "1.89 %", "14.28 %", "100.00 %"):
        assert piece in text
    page = table._repr_html_()
    assert page.count("<tr>") == 5 and '<th scope="col"' in page and "<caption>worked example" in page


def test_plot_probabilities_and_temperature_sweep():
    fig, (a, b) = figure(6, 3, 1, 2)
    bars = views.plot_probabilities(a, softmax(experiments.WORKED_LOGITS))
    np.testing.assert_allclose(heights(bars), softmax(experiments.WORKED_LOGITS))
    assert [t.get_text() for t in a.texts] == ["83.83 %", "1.89 %", "14.28 %"]
    lines = views.plot_temperature_sweep(b, temperatures=[0.05, 1.0, 100.0])
    got = np.array([ln.get_ydata() for ln in lines]).T
    np.testing.assert_allclose(got[1], softmax(experiments.WORKED_LOGITS))
    assert got[0, 0] > 0.999 and np.all(np.abs(got[2] - 1 / 3) < 0.01)


def test_plot_class_regions():
    fig, ax = figure()
    X = np.array([[-1.0, 0.0], [1.0, 0.0], [0.0, 2.0]])
    y = np.array([0, 1, 2])
    scores = lambda P: np.column_stack([-P[:, 0], P[:, 0], P[:, 1] - 1.5])  # noqa: E731
    classes = views.plot_class_regions(ax, scores, X, y, resolution=20)
    np.testing.assert_array_equal(classes, experiments.class_grid(scores, X, 20)[2])
    assert ax.get_xlim() == (-1.8, 1.8) and ax.get_ylim() == pytest.approx((-0.8, 2.8))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 1", "class 2", "class 3"]


def make(view, **values):
    fig, _ = figure()
    fig.clear()
    return fig, view(fig, **values)


def test_logit_view_updates_bars_to_lib_values():
    fig, v = make(views.LogitView, z1=2.33, z2=-1.46, z3=0.56, temperature=1.0)
    np.testing.assert_allclose(heights(v.soft), softmax([2.33, -1.46, 0.56]))
    bars, axes = list(v.soft), list(fig.axes)
    readout = v.update(z1=2.33, z2=-1.46, z3=0.56, temperature=0.5)
    np.testing.assert_allclose(heights(v.soft), softmax([2.33, -1.46, 0.56], temperature=0.5))
    assert list(v.soft) == bars and list(fig.axes) == axes and len(axes) == 2
    p = softmax([2.33, -1.46, 0.56], temperature=0.5)
    assert "T = 0.5" in readout and f"softmax {100 * p[0]:.1f} %, {100 * p[1]:.1f} %" in readout
    # naive normalization of [5, 3, 2, ...] style: here [2, 3, 5]
    v.update(z1=2.0, z2=3.0, z3=5.0, temperature=1.0)
    np.testing.assert_allclose(heights(v.naive), [0.2, 0.3, 0.5])
    assert texts(v.naive_text) == ["20.0 %", "30.0 %", "50.0 %"]


def test_logit_view_shows_negative_and_undefined_naive_values():
    _, v = make(views.LogitView, z1=2.33, z2=-4.0, z3=0.56)
    q = experiments.naive_normalize([2.33, -4.0, 0.56])
    assert q[1] > 1 and q[0] < -1
    h = heights(v.naive)
    assert h[0] == -1.0 and h[1] == 2.0  # clipped to the axis...
    assert texts(v.naive_text)[0] == f"{100 * q[0]:.1f} %"  # ...labelled with the true value
    readout = v.update(z1=2.33, z2=-2.89, z3=0.56, temperature=1.0)
    assert "undefined" in readout and texts(v.naive_text) == ["NaN"] * 3
    np.testing.assert_allclose(heights(v.soft), softmax([2.33, -2.89, 0.56]))


def test_precision_view_naive_breaks_where_dtype_overflows():
    fig, v = make(views.PrecisionView, scale=10.0, dtype="float16")
    assert np.all(np.isfinite(v.naive_p))
    np.testing.assert_allclose(heights(v.naive), softmax([10.0, 0.0, -10.0]), atol=1e-3)
    axes = list(fig.axes)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        readout = v.update(scale=30.0, dtype="float16")
        assert np.isnan(v.naive_p[0]) and texts(v.naive_text)[0] == "NaN"
        assert v.stable_p.dtype == np.float16
        np.testing.assert_allclose(heights(v.stable), softmax(np.float16([30, 0, -30])))
        assert "11.09" in readout and "overflows" in v.ax_naive.get_title()
        v.update(scale=30.0, dtype="float32")
        assert np.all(np.isfinite(v.naive_p))
        v.update(scale=100.0, dtype="float32")
        assert np.isnan(v.naive_p[0])
        v.update(scale=300.0, dtype="float64")
        assert np.all(np.isfinite(v.naive_p))
        readout = v.update(scale=1000.0, dtype="float64")
        assert np.isnan(v.naive_p[0])
    np.testing.assert_allclose(heights(v.stable), [1.0, 0.0, 0.0])
    logp = log_softmax([1000.0, 0.0, -1000.0])
    assert f"{logp[2]:.4g}" in readout and "-2000" in readout
    assert list(fig.axes) == axes


def test_views_in_an_explorer_static_grid():
    from lib.explorer import Choice, Explorer, Slider

    e = Explorer(views.PrecisionView, {
        "scale": Slider(0, 3, 0.1, value=10.0, log=True, static=[1, 10, 30, 100, 300, 1000]),
        "dtype": Choice(["float16", "float32", "float64"], value="float64"),
    }, alt="x")
    assert len(e.static_grid()) == 18
    assert "float16" in e.update(dtype="float16", scale=1000.0)


# -- the digits ------------------------------------------------------------------------------------

def test_plot_training_loss_draws_the_losses():
    fig, ax = figure()
    line = views.plot_training_loss(ax, [2.3, 1.0, 0.5])
    np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(line.get_ydata(), [2.3, 1.0, 0.5])
    assert ax.get_xlabel() == "step (full batch)" and ax.get_ylabel() == "cross-entropy loss"
    assert ax.get_ylim()[0] == 0


def _spread(*values):
    from lib.experiments import Spread
    return Spread(np.array(values), tuple(range(1, len(values) + 1)))


def test_selection_table_marks_the_best_mean():
    sel = experiments.DigitsSelection((0.5, 2.0), (10, 30), (
        (_spread(0.90, 0.92), _spread(0.93, 0.95)),
        (_spread(0.94, 0.97), _spread(0.955, 0.95))))
    assert sel.best == (2.0, 10)
    lines = repr(views.selection_table(sel, caption="validation")).splitlines()
    assert lines[0] == "validation" and "10 steps" in lines[1] and "30 steps" in lines[1]
    assert lines[3].split() == ["lr", "=", "0.5", "91.0", "(90.0–92.0)", "94.0", "(93.0–95.0)"]
    assert lines[4].split() == ["lr", "=", "2", "95.5", "(94.0–97.0)", "best", "95.2", "(95.0–95.5)"]
    page = views.selection_table(sel)._repr_html_()
    assert page.count("<tr>") == 3 and page.count("best") == 1 and "tied" not in page


def test_selection_table_marks_a_tie_and_takes_the_fewer_steps():
    sel = experiments.DigitsSelection((1.0, 3.0), (10, 30), (
        (_spread(0.90, 0.92), _spread(0.95, 0.96)),
        (_spread(0.96, 0.95), _spread(0.94, 0.95))))
    assert sel.best == (3.0, 10) and sel.tied_with_best() == [(1.0, 30)]
    lines = repr(views.selection_table(sel)).splitlines()
    assert lines[2].split()[-1] == "tied" and lines[3].split()[5] == "best"
    assert "best" not in lines[2] and "tied" not in lines[3]


def test_runs_table_lists_every_seed_with_mean_and_range():
    r = experiments.DigitsAccuracy(3.0, 450, _spread(0.99, 0.98, 0.97), _spread(0.96, 0.95, 0.94),
                                   _spread(0.95, 0.97, 0.96), _spread(0.9, 0.9, 0.9),
                                   _spread(12.0, 13.0, 11.0), 449, 1797)
    rows = [line.split() for line in repr(views.runs_table(r)).splitlines()[2:]]
    assert rows[0] == ["seed", "1", "99.0", "96.0", "95.0", "4.0"]
    assert rows[2] == ["seed", "3", "97.0", "94.0", "96.0", "1.0"]
    assert rows[3] == ["mean", "98.0", "95.0", "96.0", "2.0"]
    assert rows[4] == ["min–max", "97.0–99.0", "94.0–96.0", "95.0–97.0", "1.0–4.0"]


def test_changes_table_counts_runs_up_down_and_the_same_along_each_row():
    sel = experiments.DigitsSelection((1.0, 3.0), (10, 30, 90), (
        (_spread(0.90, 0.92, 0.93), _spread(0.91, 0.92, 0.95), _spread(0.92, 0.91, 0.95)),
        (_spread(0.94, 0.95, 0.96), _spread(0.93, 0.94, 0.95), _spread(0.93, 0.95, 0.97))))
    assert sel.changes(1.0) == ((2, 0, 1), (1, 1, 1)) and sel.changes(3.0) == ((0, 3, 0), (2, 0, 1))
    lines = repr(views.changes_table(sel, caption="run by run")).splitlines()
    assert lines[0] == "run by run" and lines[1].split() == ["10", "→", "30", "steps", "30", "→", "90", "steps"]
    assert lines[3].split(None, 3)[3] == "2 up, 0 down, 1 same  1 up, 1 down, 1 same"
    assert lines[4].split(None, 3)[3] == "0 up, 3 down, 0 same  2 up, 0 down, 1 same"


def test_calibration_table_puts_confidence_beside_accuracy_with_the_sides_run_by_run():
    sure = experiments.DigitsAccuracy(9.0, 90, _spread(0.99, 0.98, 0.97), _spread(0.96, 0.95, 0.94),
                                      _spread(0.95, 0.97, 0.96), _spread(0.97, 0.96, 0.96),
                                      _spread(12.0, 13.0, 11.0), 449, 1797)
    rows = [line.split() for line in repr(views.calibration_table([sure])).splitlines()[2:]]
    assert rows == [["lr", "=", "9,", "90", "steps", "96.3", "(96.0–97.0)", "96.0", "(95.0–97.0)",
                     "1", "of", "3", "1", "of", "3"]]
    page = views.calibration_table([sure, sure])._repr_html_()
    assert page.count("<tr>") == 3 and "less sure than right" in page


def test_reliability_table_gives_each_group_its_row_with_the_sides_run_by_run():
    below = experiments.ConfidenceGroup(0.0, 0.9, _spread(40, 50, 60), _spread(0.70, 0.72, 0.74),
                                        _spread(0.75, 0.70, 0.80), _spread(0.06, 0.065, 0.07))
    above = experiments.ConfidenceGroup(0.9, 1.0, _spread(409, 399, 389), _spread(0.99, 0.99, 0.99),
                                        _spread(0.98, 0.995, 0.99), _spread(0.005, 0.005, 0.005))
    check = experiments.Reliability(9.0, 450, (below, above))
    rows = [line.split() for line in repr(views.reliability_table([check, check])).splitlines()[2:]]
    assert len(rows) == 4
    assert rows[0] == ["lr", "=", "9,", "450", "steps", "below", "0.9", "50", "72.0", "(70.0–74.0)",
                       "75.0", "(70.0–80.0)", "6.5", "2", "of", "3", "1", "of", "3"]
    assert rows[1] == ["0.9", "and", "above", "399", "99.0", "(99.0–99.0)", "98.8", "(98.0–99.5)", "0.5",
                       "1", "of", "3", "1", "of", "3"]
    page = views.reliability_table([check])._repr_html_()
    assert page.count("<tr>") == 3 and "calibrated spread" in page


def test_confusion_matrix_figure_shows_every_count():
    y_true = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2])
    y_pred = np.array([0, 0, 1, 1, 1, 2, 2, 0, 2])
    counts = experiments.confusion_matrix(y_true, y_pred, classes=3)
    fig, ax = figure(3, 3)
    mesh, cells = views.plot_confusion_matrix(ax, counts)
    np.testing.assert_array_equal(mesh.get_array().reshape(3, 3), counts)
    assert [[t.get_text() for t in row] for row in cells] == [[str(v) for v in row] for row in counts]
    assert [[t.get_position() for t in row] for row in cells][1][2] == (2, 1)   # column j, row i
    assert ax.get_xlabel() == "predicted digit" and ax.get_ylabel() == "true digit"
    assert ax.get_ylim() == (2.5, -0.5)   # row 0 (digit 0) at the top
    assert mesh.get_cmap().name == "cividis"
    # legible: light text on the dark (small) cells, dark text on the light (large) ones
    assert cells[2][2].get_color() == "black" and cells[0][2].get_color() == "white"


def test_confusion_alt_reads_the_matrix():
    counts = np.array([[40, 0, 2], [1, 30, 0], [0, 3, 50]])
    alt = views.confusion_alt(counts)
    assert "Confusion matrix of the 126 test digits" in alt
    assert "the 120 correct predictions (95.2 %)" in alt
    assert alt.endswith("6 images are off it: 3 of a 2 predicted as 1, 2 of a 0 predicted as 2, "
                        "and 1 more elsewhere.")
    assert views.confusion_alt(np.diag([3, 4])).endswith("none is off it.")
    eights = np.array([[5, 0, 0], [0, 5, 0], [0, 0, 5]]) + 2 * np.eye(3, k=1, dtype=int)
    assert views.confusion_alt(eights).endswith("4 images are off it: 2 of a 0 predicted as 1, "
                                                "2 of a 1 predicted as 2.")
    assert views.confusion_alt([[4, 1], [1, 3]]).endswith("2 images are off it, every confusion once.")


def test_loss_alt_quotes_the_curve():
    alt = views.loss_alt(np.linspace(2.0, 1.0, 8))
    assert "from 2.00 at step 1 it falls to 1.29 by step 6 and to 1.00 at step 8" in alt
    assert "rises" not in alt and alt.endswith("more and more slowly.")
    bumpy = views.loss_alt([2.0, 1.5, 1.7, 1.2, 1.3, 1.0, 0.9, 0.8])
    assert bumpy.endswith("; it rises at 2 steps, the last at step 5, and falls at every other.")


def test_misclassified_figure_and_alt():
    P = np.array([[0.1, 0.6, 0.3], [0.5, 0.2, 0.3]])
    images = np.random.default_rng(0).random((2, 8, 8))
    fig, axes = figure(4, 3, 2, 2)
    drawn = views.plot_misclassified(axes, images, [2, 2], P)
    np.testing.assert_array_equal(drawn, P)
    np.testing.assert_array_equal(axes[0, 1].images[0].get_array(), images[1])
    assert axes[0, 0].get_title() == "true 2, predicted 1"
    assert axes[0, 1].get_title() == "true 2, predicted 0"
    bars = axes[1, 0].patches
    np.testing.assert_allclose([b.get_height() for b in bars], P[0])
    from matplotlib.colors import to_hex
    assert to_hex(bars[1].get_facecolor()) == PALETTE["vermillion"].lower()   # predicted
    assert to_hex(bars[2].get_facecolor()) == PALETTE["blue"].lower()         # true
    assert axes[1, 0].get_title() == "1: 60 %, 2: 30 %"
    alt = views.misclassified_alt([2, 2], P)
    assert alt.startswith("2 misclassified test digits, each an 8x8 grey image")
    assert "a 2 predicted as 1 (60 %; the true digit got 30 %); a 2 predicted as 0 (50 %; " in alt
    eight_as_one = [0.6 * np.eye(10)[1] + 0.4 * np.eye(10)[8]]
    assert "an 8 predicted as 1 (60 %; the true digit got 40 %)" in views.misclassified_alt([8], eight_as_one)


def test_class_weights_figure_and_alt():
    W = np.random.default_rng(1).normal(size=(64, 10))
    fig, axes = figure(6, 3, 2, 5)
    mesh = views.plot_class_weights(axes, W)
    np.testing.assert_array_equal(axes[1, 2].collections[0].get_array().reshape(8, 8),
                                  W[:, 7].reshape(8, 8))
    assert axes[1, 2].get_title() == "digit 7"
    assert mesh.norm.vmin == -np.abs(W).max() and mesh.norm.vmax == np.abs(W).max()
    alt = views.class_weights_alt(W)
    assert alt.startswith("10 small images of 8 by 8 weights, one per digit 0 to 9")
    assert f"from {W.min():.1f} to {W.max():.1f}" in alt


def test_alt_texts_of_the_other_figures_follow_their_data():
    p = softmax(experiments.WORKED_LOGITS)
    alt = views.probabilities_alt(p, labels=["class 1\nz = 2.33", "class 2", "class 3"])
    assert alt == ("Bar chart of 3 probabilities: class 1 83.83 percent, class 2 1.89 percent, "
                   "class 3 14.28 percent.")
    alt = views.temperature_alt()
    assert alt.startswith("3 curves of probability against temperature on a log scale from 0.05 to 100.")
    assert "class 1 has probability 1.00" in alt and "approaches the dotted line at 1/3" in alt
    assert alt.endswith("without crossing, so the order of the classes is kept.")
    alt = views.training_alt([1.1, 0.5, 0.25], 0.917)
    assert "falls from 1.10 to 0.25 over 3 steps" in alt and "92% of the points" in alt
    assert "logits 2.33, -1.46, 0.56" in views.logit_view_alt(2.33, -1.46, 0.56, 1.0)
    assert "temperature 0.5 on the left" in views.logit_view_alt(2.33, -1.46, 0.56, 0.5)
    assert "30 times (1, 0, -1) in float16" in views.precision_view_alt(30, "float16")


def test_precision_view_frames_match_full_redraws():
    """The stable panel's title is a fixed artist, drawn once into the frame: blitted frames still
    have the pixels of a full draw."""
    from lib.explorer import Choice, Explorer, Slider

    ex = Explorer(views.PrecisionView, {"scale": Slider(0.0, 3.0, 0.05, value=30.0, log=True),
                                        "dtype": Choice(["float16", "float32", "float64"], value="float16")},
                  alt="precision", width=7.0, height=3.0)
    assert ex.view.fixed_artists == [ex.view.ax_stable.title]
    for values in (dict(scale=2.0), dict(scale=300.0), dict(scale=30.0, dtype="float64")):
        ex.update(**values)
        assert_same_picture(pixels(ex.render()), full_redraw(ex))
    assert ex.renderer.full_draws == 1
