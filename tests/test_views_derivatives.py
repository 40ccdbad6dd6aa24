"""Views of the Derivatives chapter: artists updated in place to the values lib computes."""

import numpy as np
import pytest

from lib import activations as act
from lib.derivatives import numerical_derivative
from lib.experiments import derivatives as experiments
from lib.explorer import Choice, Explorer, Slider
from lib.plotting import figure
from lib.views import derivatives as vd


def test_plot_with_derivative_draws_lib_values():
    fig, ax = figure()
    x = np.linspace(-3, 3, 13)
    value, slope = vd.plot_with_derivative(ax, "elu", x, alpha=0.5)
    np.testing.assert_allclose(value.get_ydata(), act.elu(x, alpha=0.5))
    np.testing.assert_allclose(slope.get_ydata(), act.elu.derivative(x, alpha=0.5))
    assert ax.get_title() == "elu"


def test_plot_difference_errors_lines():
    fig, ax = figure()
    hs = np.logspace(-6, 0, 7)
    lines = vd.plot_difference_errors(ax, np.sin, np.cos, 1.0, hs=hs)
    assert [l.get_label() for l in lines] == ["forward, float64", "central, float64",
                                               "forward, float32", "central, float32"]
    want = experiments.difference_errors(np.sin, np.cos, 1.0, hs)["central"]
    np.testing.assert_allclose(lines[1].get_ydata(), np.maximum(want, 1e-17))


def tangent_explorer():
    return Explorer(vd.TangentView, {"name": Choice(list(experiments.FUNCTIONS), value="sigmoid"),
                                     "x": Slider(-4, 4, 0.1, value=1.0)}, alt="tangent")


@pytest.mark.parametrize("name, x", [("sigmoid", 1.0), ("tanh", -2.0), ("relu", 0.0), ("gelu", 0.7),
                                     ("sin", 2.0)])
def test_tangent_view_updates_in_place(name, x):
    e = tangent_explorer()
    v = e.view
    artists = (v.curve, v.tangent, v.point, v.dcurve, v.dpoint)
    readout = e.update(name=name, x=x)
    assert (v.curve, v.tangent, v.point, v.dcurve, v.dpoint) == artists
    assert len(e.fig.axes) == 2 and len(v.ax.lines) == 4 and len(v.dax.lines) == 3  # 3 + 2 artists, 2 zero lines
    f, df = experiments.FUNCTIONS[name]
    np.testing.assert_allclose(v.curve.get_ydata(), f(v.x))
    np.testing.assert_allclose(v.dcurve.get_ydata(), df(v.x))
    slope = float(df(np.float64(x)))
    tangent = v.tangent.get_ydata()
    np.testing.assert_allclose(np.diff(tangent) / np.diff(v.x), slope, atol=1e-9)
    np.testing.assert_allclose(tangent[np.argmin(abs(v.x - x))], f(np.float64(x)), atol=1e-12)
    assert list(v.dpoint.get_ydata()) == [slope]
    assert readout == f"{name}: at x = {x:g}, f(x) = {float(f(np.float64(x))):.4f} and the slope f'(x) = {slope:.4f}"
    assert v.ax.get_xlim() == (-4, 4)


def test_tangent_view_relu_kink_uses_the_pytorch_convention():
    e = tangent_explorer()
    assert e.update(name="relu", x=0.0).endswith("f'(x) = 0.0000")


def fd_explorer():
    return Explorer(vd.FiniteDifferenceView,
                    {"h": Slider(-12, 0, 0.5, value=1e-5, log=True), "x": Slider(0, 3, 0.1, value=1.0),
                     "dtype": Choice(["float64", "float32"]), "name": Choice(list(experiments.FUNCTIONS))},
                    alt="finite differences")


@pytest.mark.parametrize("h, x, dtype, name", [(1e-1, 1.0, "float64", "sin"), (1e-5, 2.0, "float64", "sin"),
                                                (1e-3, 1.0, "float32", "sin"), (1e-2, 0.5, "float64", "tanh")])
def test_fd_view_updates_in_place(h, x, dtype, name):
    e = fd_explorer()
    v = e.view
    n_figs_axes = len(e.fig.axes)
    lines = list(v.ax.lines) + list(v.eax.lines)
    readout = e.update(h=h, x=x, dtype=dtype, name=name)
    assert list(v.ax.lines) + list(v.eax.lines) == lines and len(e.fig.axes) == n_figs_axes
    f, df = experiments.FUNCTIONS[name]
    xd = np.asarray(x, dtype=dtype)
    fwd = float(numerical_derivative(f, xd, h=h, method="forward"))
    cen = float(numerical_derivative(f, xd, h=h))
    exact = float(df(np.float64(x)))
    assert f"forward {fwd:.8f} (error {abs(fwd - exact):.1e})" in readout
    assert f"central {cen:.8f} (error {abs(cen - exact):.1e})" in readout
    assert readout.startswith(f"h = {h:.0e}, {dtype}")
    # the secant lines have the estimated slopes; the central one passes through both end points
    z = v.forward.get_xdata()
    np.testing.assert_allclose(np.diff(v.forward.get_ydata()) / np.diff(z), fwd, rtol=1e-6)
    np.testing.assert_allclose(np.diff(v.central.get_ydata()) / np.diff(z), cen, rtol=1e-6)
    np.testing.assert_allclose(np.diff(v.tangent.get_ydata()) / np.diff(z), exact, rtol=1e-6)
    # the error curves are the ones difference_errors gives for this point and dtype
    want = experiments.difference_errors(f, df, x, v.HS, np.dtype(dtype).type)
    np.testing.assert_allclose(v.central_err.get_ydata(), np.maximum(want["central"], 1e-17))
    assert list(v.central_now.get_xdata()) == [h]
    assert v.central_now.get_ydata()[0] == pytest.approx(max(abs(cen - exact), 1e-17))
    assert v.eax.get_xlim() == pytest.approx((1e-12, 1))


def test_fd_view_central_secant_joins_the_two_points():
    e = fd_explorer()
    e.update(h=0.5, x=1.0, dtype="float64", name="sin")
    t, y = e.view.central.get_data()  # drawn as f(x + t) - f(x) against the offset t
    for offset in (-0.5, 0.5):
        assert np.interp(offset, t, y) == pytest.approx(np.sin(1.0 + offset) - np.sin(1.0), abs=1e-9)


def test_fd_view_frame_stays_put_as_x_moves():
    e = fd_explorer()
    e.update(h=0.1, x=0.5, dtype="float64", name="sin")
    limits = (e.view.ax.get_xlim(), e.view.ax.get_ylim())
    e.update(h=0.1, x=2.5, dtype="float64", name="relu")
    assert (e.view.ax.get_xlim(), e.view.ax.get_ylim()) == limits


def test_fd_view_float32_tiny_step_says_so(recwarn):
    e = fd_explorer()
    readout = e.update(h=1e-11, x=1.0, dtype="float32", name="sin")
    assert "x + h rounds to x in float32, no estimate" in readout
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_fd_view_draws_the_cached_error_curves():
    e = fd_explorer()
    e.update(h=1e-3, x=1.0, dtype="float64", name="sin")
    curves = experiments.error_curves("sin", 1.0, "float64")
    np.testing.assert_array_equal(e.view.central_err.get_ydata(), np.maximum(curves["central"], 1e-17))
    e.update(h=1e-7, x=1.0, dtype="float64", name="sin")
    assert experiments.error_curves("sin", 1.0, "float64") is curves


# ---- alt texts built from the drawn data ----------------------------------------------------------

def test_descent_alt_follows_the_steps():
    alt = vd.descent_alt([-1.0, 0.3, 0.9216], best=0.9242)
    assert "bottom near w = 0.924" in alt and "from w = −1, ending at w = 0.922" in alt
    assert "rising from −1" in alt
    assert "falling from 2" in vd.descent_alt([2.0, 1.0], best=0.9)


def test_derivatives_alt_gives_each_panel_its_drawn_extremes():
    x = np.linspace(-4, 4, 401)
    alt = vd.derivatives_alt(["sigmoid", "step", "swish"], x)
    assert alt.startswith("3 panels on x from −4 to 4")
    assert "sigmoid: f′ from 0.0177 to 0.25, its maximum first reached at x = 0." in alt
    assert "step: f′ constant at 0." in alt
    d = act.swish.derivative(x)
    assert f"swish: f′ from −{-d.min():.3g} to {d.max():.3g}" in alt
    assert f"reached at x = {x[np.argmax(d)]:.3g}." in alt


def test_difference_errors_alt_lists_each_curves_best_step():
    best = {("float64", "central"): (3.2e-6, 2.9e-13), ("float32", "forward"): (1e-3, 4e-5)}
    alt = vd.difference_errors_alt(best)
    assert alt.endswith("Smallest errors: float64 central 3e-13 at h = 3e-06; "
                        "float32 forward 4e-05 at h = 1e-03.")
