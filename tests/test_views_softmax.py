"""Views and figures of the Softmax chapter: updates change the artists to lib's values."""

import warnings

import numpy as np
import pytest

from lib.activations import log_softmax, softmax
from lib.experiments import softmax as experiments
from lib.plotting import figure
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
