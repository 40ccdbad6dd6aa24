"""Views of the Activations chapter: updates change existing artists to the values lib computes."""

import functools

import numpy as np
import pytest
from matplotlib.figure import Figure

from lib import activations as act
from lib.experiments import activations as experiments
from lib.explorer import Choice, Explorer, Slider
from lib.views import activations as views


def fig():
    return Figure(figsize=(6, 3))


# ---- activation_params ---------------------------------------------------------------------------

def test_activation_params_maps_controls_to_each_function():
    controls = dict(elu_alpha=0.5, softplus_beta=2.0, swish_beta=-0.5, leaky_slope=0.1, prelu_a=0.3,
                    threshold=1.0, max_value=4.0, c=3.0)
    assert views.activation_params("elu", **controls) == {"alpha": 0.5}
    assert views.activation_params("softplus", **controls) == {"beta": 2.0}
    assert views.activation_params("swish", **controls) == {"beta": -0.5}
    assert views.activation_params("prelu", **controls) == {"a": 0.3}
    assert views.activation_params("leaky_relu", **controls) == {"negative_slope": 0.1}
    assert views.activation_params("relu", **controls) == {"threshold": 1.0, "max_value": 4.0}
    assert views.activation_params("linear", **controls) == {"c": 3.0}
    assert views.activation_params("gelu", **controls) == {}
    assert views.activation_params("selu", **controls) == {}


def test_activation_params_never_gives_relu_an_invalid_cap():
    for threshold in np.linspace(-2, 2, 9):
        for cap in np.linspace(0.5, 6, 12):
            params = views.activation_params("relu", threshold=threshold, max_value=cap)
            assert params["threshold"] == threshold
            if threshold < cap < 6:
                assert params["max_value"] == cap        # a valid cap is passed on unchanged
            else:
                assert params["max_value"] is None       # 6 means "none"; a cap <= threshold is dropped
            y = act.relu(np.array([threshold + 0.25, 10.0]), **params)
            assert y[1] == (10.0 if params["max_value"] is None else cap)


# ---- ActivationView ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(act.ACTIVATIONS))
def test_activation_view_draws_lib_values(name):
    f = fig()
    view = views.ActivationView(f, name="relu")
    value, slope, axes = view.value, view.slope, list(f.axes)
    controls = dict(alpha=0.5, beta=2.0, slope=0.2, threshold=0.5, max_value=3.0)
    readout = view.update(name=name, derivative=False, **controls)
    params = views.activation_params(name, **controls)
    np.testing.assert_allclose(value.get_ydata(), act.ACTIVATIONS[name](view.x, **params))
    np.testing.assert_allclose(slope.get_ydata(), act.ACTIVATIONS[name].derivative(view.x, **params))
    assert not slope.get_visible()
    assert view.value is value and view.slope is slope and list(f.axes) == axes
    assert len(view.ax.lines) == 4  # the function, its derivative, the two axes lines
    assert readout.startswith(f"{name}(")
    y = act.ACTIVATIONS[name](view.x, **params)
    assert f"to {float(np.max(y)):.3g}" in readout
    assert view.legend.get_texts()[0].get_text() == f"{name}(x)"


def test_activation_view_fixed_window_holds_elu_at_the_largest_alpha():
    view = views.ActivationView(fig(), name="softplus", beta=5.0)
    assert view.ax.get_xlim() == (-5, 5) and view.ax.get_ylim() == (-3.2, 5)
    low, high = view.ax.get_ylim()
    y = act.elu(view.x, alpha=3.0)                # chapter 1's ELU slider ends at alpha = 3
    assert low < y.min() < -2.9 and y.max() <= high


@pytest.mark.parametrize("family", list(views.FAMILIES))
def test_family_view_window_holds_every_member(family):
    view = views.FamilyView(fig(), family=family, setting=1)
    name, param, values = views.FAMILIES[family]
    fn = act.ACTIVATIONS[name]
    (low, high), (dlow, dhigh) = view.ax_f.get_ylim(), view.ax_d.get_ylim()
    for value in values:
        d = fn.derivative(view.x, **{param: value})
        assert dlow < d.min() and d.max() < dhigh, (value, d.min(), d.max())
        y = fn(view.x, **{param: value})
        assert low <= y.min(), (value, y.min())


# ---- FamilyView ----------------------------------------------------------------------------------

@pytest.mark.parametrize("family", list(views.FAMILIES))
def test_family_view_updates_all_lines(family):
    f = fig()
    view = views.FamilyView(f, family="softplus beta", setting=1)
    lines_before = [list(ax.lines) for ax in f.axes]
    for setting in range(1, 6):
        readout = view.update(family=family, setting=float(setting))
        name, param, values = views.FAMILIES[family]
        fn = act.ACTIVATIONS[name]
        chosen = values[setting - 1]
        np.testing.assert_allclose(view.value.get_ydata(), fn(view.x, **{param: chosen}))
        np.testing.assert_allclose(view.slope.get_ydata(), fn.derivative(view.x, **{param: chosen}))
        for value, line in zip(values, view.background[view.ax_f]):
            np.testing.assert_allclose(line.get_ydata(), fn(view.x, **{param: value}))
        for value, line in zip(values, view.background[view.ax_d]):
            np.testing.assert_allclose(line.get_ydata(), fn.derivative(view.x, **{param: value}))
        assert readout.startswith(f"{name}({param}={chosen:g})")
        assert f"f(1) = {float(fn(1.0, **{param: chosen})):.4g}" in readout
        assert view.title.get_text() == f"{name}, {param} = {chosen:g}"
    assert [list(ax.lines) for ax in f.axes] == lines_before and len(f.axes) == 2


def test_family_member_rounds_and_clips_the_setting():
    assert views.FamilyView.member("ELU alpha", 2.4) == ("elu", "alpha", 0.5)
    assert views.FamilyView.member("ELU alpha", 9) == ("elu", "alpha", 2.0)


def test_family_explorer_static_grid_is_30_frames():
    e = Explorer(views.FamilyView, {"family": Choice(list(views.FAMILIES)),
                                    "setting": Slider(1, 5, 1, value=3, static=[1, 2, 3, 4, 5])},
                 alt="a family")
    assert len(e.static_grid()) == 30


# ---- decision regions ----------------------------------------------------------------------------

def xor_data():
    X = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]] * 5)
    X = X + 0.1 * np.random.default_rng(0).normal(size=X.shape)
    y = ((X[:, 0] > 0) != (X[:, 1] > 0)).astype(int)
    return X, y


def test_plot_decision_regions_shades_the_probability_and_marks_the_classes():
    X, y = xor_data()
    f = fig()
    ax = f.add_subplot()
    image, s0, s1 = views.plot_decision_regions(ax, lambda P: P[:, 0] * 3, X, y, lim=1.5, n=31)
    np.testing.assert_allclose(image.get_array(), experiments.region_grid(lambda P: P[:, 0] * 3, 1.5, 31))
    assert len(s0.get_xdata()) == np.sum(y == 0) and len(s1.get_xdata()) == np.sum(y == 1)
    assert ax.get_xlim() == (-1.5, 1.5) and image.get_extent() == [-1.5, 1.5, -1.5, 1.5]


def test_decision_boundary_view_swaps_the_image_only():
    X, y = xor_data()
    f = fig()
    view_cls = functools.partial(views.DecisionBoundaryView, X=X, y=y, epochs=300)
    view = view_cls(f, activation="linear", width=4)
    image, axes, n_collections = view.image, list(f.axes), len(view.ax.collections)
    readout = view.update(activation="tanh", width=4)
    result = view.trained["tanh", 4]
    np.testing.assert_array_equal(
        result["history"], experiments.train_classifier(X, y, "tanh", 4, epochs=300)["history"])
    view.update(activation="linear", width=4)
    assert view.update(activation="tanh", width=4) == readout and view.trained["tanh", 4] is result
    np.testing.assert_allclose(view.image.get_array(), result["grid"])
    assert view.image is image and list(f.axes) == axes and len(view.ax.collections) == n_collections
    assert len(view.ax.images) == 1
    assert readout == (f"tanh, 4 hidden units: training accuracy {100 * result['accuracy']:.1f} %, "
                       f"final loss {result['history'][-1]:.3f}")


# ---- every activation: small multiples --------------------------------------------------------------

def test_activation_grid_has_one_panel_per_function_with_lib_values():
    names = list(act.ALL_ACTIVATIONS)
    grid = views.activation_grid(names, ncols=4)
    shown = [ax for ax in grid.axes if ax.get_visible()]
    assert [ax.get_title() for ax in shown] == names
    assert len(grid.axes) == 4 * -(-len(names) // 4)  # the spare panels of the last row are hidden
    for ax, name in zip(shown, names):
        c = experiments.curves(name)
        value, slope = ax.lines[:2]
        np.testing.assert_array_equal(value.get_ydata(), c["f"])
        np.testing.assert_array_equal(slope.get_ydata(), c["df"])
        assert value.get_linestyle() == "-" and slope.get_linestyle() == "--"
        assert ax.get_xlim() == c["window"]
    assert [t.get_text() for t in grid.legends[0].get_texts()] == ["f(x)", "f′(x), the derivative"]


def test_activation_grid_alt_names_every_panel_with_its_drawn_extremes():
    names = ["hardtanh", "relu6", "logsigmoid"]
    alt = views.activation_grid_alt(names)
    assert "solid blue" in alt and "dashed orange" in alt
    assert "relu6 on x from −2 to 8: f from 0 to 6, f′ from 0 to 1." in alt
    assert "hardtanh on x from −4 to 4: f from −1 to 1, f′ from 0 to 1." in alt
    low = float(act.logsigmoid(-4.0))
    assert f"logsigmoid on x from −4 to 4: f from −{-low:.3g} to " in alt
    named = [name for name in act.ALL_ACTIVATIONS if f". {name} on x" in alt]  # "tanh" is not "hardtanh"
    assert named == names


# ---- plot_family: members told apart by colour and line style -----------------------------------

def test_family_members_differ_in_style_and_colour_in_parameter_order():
    from matplotlib.colors import to_rgb

    f = fig()
    ax = f.add_subplot()
    values = [0.0, 0.01, 0.1, 0.2, 0.3]
    lines = views.plot_family(ax, "leaky_relu", "negative_slope", values)
    # no two members share a line style (the fifth is a dash pattern of its own)
    assert len({line.get_linestyle() for line in lines[:4]}) == 4
    assert lines[4].get_linestyle() == "--" and lines[4]._unscaled_dash_pattern[1] == (5, 1.5, 1, 1.5, 1, 1.5)
    # a sequential map: each member lighter than the one before, the last still visible on white
    lightness = [sum(to_rgb(line.get_color())) / 3 for line in lines]
    assert all(b > a + 0.05 for a, b in zip(lightness, lightness[1:])), lightness
    assert lightness[-1] < 0.65
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "negative_slope = 0", "negative_slope = 0.01", "negative_slope = 0.1", "negative_slope = 0.2",
        "negative_slope = 0.3"]
    np.testing.assert_array_equal(lines[1].get_ydata(), act.leaky_relu(lines[1].get_xdata(),
                                                                       negative_slope=0.01))


def test_family_view_titles_fit_their_panels():
    from matplotlib.figure import Figure

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    f = Figure(figsize=(7.5, 3.2), layout="constrained")
    canvas = FigureCanvasAgg(f)
    view = views.FamilyView(f, family="leaky ReLU slope", setting=2)
    canvas.draw()
    renderer = canvas.get_renderer()
    for ax in (view.ax_f, view.ax_d):
        title = ax.title.get_window_extent(renderer)
        assert title.x0 >= 0 and title.x1 <= f.bbox.width, ax.get_title()
    assert view.ax_d.get_title() == "derivative f′(x)"


# ---- alt texts built from the values drawn ------------------------------------------------------

def test_activations_alt_states_each_functions_drawn_extremes():
    x = np.linspace(-5, 5, 401)
    alt = views.activations_alt(["sigmoid", "step", "relu"], x)
    assert alt.startswith("On x from −5 to 5, the function as a solid blue line")
    y, dy = act.sigmoid(x), act.sigmoid.derivative(x)
    assert (f"sigmoid: f from {y.min():.3g} to {y.max():.3g}, f′ from {dy.min():.3g} to 0.25, "
            "highest at x = 0.") in alt
    assert "step: f from 0 to 1, f′ constant at 0." in alt
    assert "relu: f from 0 to 5, f′ from 0 to 1, highest at x = 0.025." in alt  # first x > 0


def test_family_alt_gives_every_member_at_both_ends():
    x = np.linspace(-5, 3, 321)
    alt = views.family_alt("leaky_relu", "negative_slope", [0.0, 0.01, 0.3], x)
    assert alt.startswith("leaky_relu for negative_slope = 0, 0.01, 0.3: one line per value")
    assert "each in its own line style" in alt
    assert alt.endswith("At x = −5 and x = 3: negative_slope = 0 gives 0 and 3; "
                        "negative_slope = 0.01 gives −0.05 and 3; negative_slope = 0.3 gives "
                        "−1.5 and 3.")


# ---- runs over seeds -------------------------------------------------------------------------------

def test_plot_fits_draws_the_target_and_each_run():
    from lib.plotting import subplots
    ax = subplots(fig())
    X, y = experiments.wave(9)
    runs = [np.zeros_like(y), y * 2]
    lines = views.plot_fits(ax, X, y, runs, title="tanh")
    assert len(lines) == 3 and ax.get_title() == "tanh"
    np.testing.assert_array_equal(lines[0].get_ydata(), y.ravel())
    np.testing.assert_array_equal(lines[2].get_ydata(), 2 * y.ravel())
    assert [t.get_text() for t in ax.legend().get_texts()] == ["target", "one run per seed"]


def test_fits_alt_gives_the_range_and_the_distance_to_the_best_line():
    from lib.experiments import Spread
    text = views.fits_alt({"linear": Spread(np.array([0.5, 0.5]), (1, 2)),
                           "relu": Spread(np.array([0.001, 0.02]), (1, 2))}, line=0.5)
    assert "linear hidden layers: every run ends at the best straight line’s loss, 0.5" in text
    assert ("relu hidden layers: losses from 0.001 to 0.02, each at least 25 times below the best "
            "straight line’s 0.5") in text


def test_plot_slope_runs_draws_both_layers_of_every_run():
    from lib.plotting import subplots
    ax = subplots(fig())
    runs = [np.array([[0.25, 0.25], [0.1, -0.3], [0.0, -0.4]]), np.array([[0.25, 0.25], [0.2, 0.1], [0.3, 0.0]])]
    lines = views.plot_slope_runs(ax, runs)
    assert len(lines) == 4
    np.testing.assert_array_equal(lines[1].get_ydata(), [0.25, -0.3, -0.4])
    np.testing.assert_array_equal(lines[2].get_ydata(), [0.25, 0.2, 0.3])
    assert views.slope_runs_alt(runs).endswith(
        "Hidden layer 1 (solid) ends between 0 and 0.3, hidden layer 2 (dashed) between −0.4 and 0.")
