"""Experiments of the Derivatives chapter: maxima of f', finite-difference errors, the best step."""

import numpy as np
import pytest

from lib import activations as act
from lib.derivatives import gradient_check, numerical_derivative
from lib.experiments import derivatives as experiments


def test_functions_pair_each_function_with_its_derivative():
    assert list(experiments.FUNCTIONS)[0] == "sin" and set(act.ACTIVATIONS) < set(experiments.FUNCTIONS)
    x = np.linspace(-3, 3, 13)
    for name, (f, df) in experiments.FUNCTIONS.items():
        if name != "step":  # the step's derivative is 0, its central difference at 0 is not
            np.testing.assert_allclose(df(x[x != 0]), numerical_derivative(f, x[x != 0]), atol=1e-6)


@pytest.mark.parametrize("name, top, at, kind", [
    ("sigmoid", 0.25, 0.0, "peak"), ("tanh", 1.0, 0.0, "peak"), ("relu", 1.0, 1e-4, "plateau"),
    ("linear", 1.0, -10.0, "constant"), ("step", 0.0, -10.0, "constant"),
    ("gelu", None, np.sqrt(2), "peak"), ("softplus", None, 10.0, "edge"),
    ("selu", act.SELU.scale * act.SELU.alpha, 0.0, "peak"),
])
def test_derivative_maximum(name, top, at, kind):
    m = experiments.derivative_maximum(name)
    assert m["kind"] == kind
    assert m["at"] == pytest.approx(at, abs=1e-4)
    d = act.ACTIVATIONS[name].derivative(experiments.FINE_GRID)
    assert m["max"] == d.max()
    if top is not None:
        assert m["max"] == pytest.approx(top, rel=1e-12)


def test_difference_errors_match_numerical_derivative():
    hs = [1e-1, 1e-3, 1e-5]
    e = experiments.difference_errors(np.sin, np.cos, 0.5, hs)
    for i, h in enumerate(hs):
        for method in ("forward", "central"):
            want = abs(float(numerical_derivative(np.sin, 0.5, h=h, method=method)) - np.cos(0.5))
            assert e[method][i] == want
    # truncation: forward error ~ h/2 |f''|, central ~ h^2/6 |f'''| at large h
    assert e["forward"][0] == pytest.approx(0.1 / 2 * np.sin(0.5), rel=0.1)
    assert e["central"][0] == pytest.approx(0.01 / 6 * np.cos(0.5), rel=0.01)


def test_difference_errors_float32_tiny_step_is_nan_without_warning(recwarn):
    e = experiments.difference_errors(np.sin, np.cos, 1.0, [1e-2, 1e-10], np.float32)
    assert np.isfinite(e["central"][0]) and np.isnan(e["central"][1]) and np.isnan(e["forward"][1])
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
    # float32 rounding: far worse than float64 at the same small step
    e64 = experiments.difference_errors(np.sin, np.cos, 1.0, [1e-5])
    e32 = experiments.difference_errors(np.sin, np.cos, 1.0, [1e-5], np.float32)
    assert e32["central"][0] > 1e3 * e64["central"][0]


def test_error_curves_are_the_difference_errors_over_the_steps_and_cached():
    curves = experiments.error_curves("tanh", 0.5, "float32")
    want = experiments.difference_errors(act.tanh, act.tanh.derivative, 0.5, experiments.ERROR_STEPS,
                                         np.float32)
    np.testing.assert_array_equal(curves["central"], want["central"])
    np.testing.assert_array_equal(curves["forward"], want["forward"])
    assert experiments.error_curves("tanh", 0.5, "float32") is curves
    assert experiments.error_curves.cache_info().maxsize == 256


def test_estimate_derivative_is_a_float_and_nan_when_the_step_vanishes(recwarn):
    assert experiments.estimate_derivative(np.sin, 0.3, 1e-5) == pytest.approx(np.cos(0.3), rel=1e-9)
    forward = experiments.estimate_derivative(np.exp, 0.0, 1e-2, "forward")
    assert forward == pytest.approx((np.exp(1e-2) - 1) / 1e-2, rel=1e-12)
    assert np.isnan(experiments.estimate_derivative(np.sin, np.float32(1.0), 1e-9))
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_best_step_is_measured_in_the_expected_range():
    h = experiments.best_central_step()
    assert 1e-7 < h < 1e-4 and h in experiments.H_GRID
    exact = np.cos(1.0)
    err = lambda s: abs(float(numerical_derivative(np.sin, 1.0, h=s)) - exact)  # noqa: E731
    assert err(h) == min(err(s) for s in experiments.H_GRID)
    # another function, another point: the same search
    assert experiments.best_central_step(np.exp, np.exp, 2.0, hs=[1e-1, 1e-5, 1e-11]) == 1e-5


# ---- the error model, subgradients, ReLU'(0) -------------------------------------------------------

def test_predicted_step_minimises_the_model_error():
    for method in ("central", "forward"):
        for dtype in (np.float64, np.float32):
            h, e = experiments.predicted_step(method, dtype)
            eps, f, f2, f3 = np.finfo(dtype).eps, np.sin(1.0), np.sin(1.0), np.cos(1.0)

            def model(s):
                return s * s / 6 * f3 + eps * f / s if method == "central" else s / 2 * f2 + eps * f / s
            assert model(h) == pytest.approx(e, rel=1e-12)
            assert model(h) < model(0.9 * h) and model(h) < model(1.1 * h)
    with pytest.raises(ValueError, match="method"):
        experiments.predicted_step("backward")


def test_typical_error_is_the_median_in_the_window():
    hs = np.logspace(-6, 0, 61)
    errors = np.arange(61.0)
    assert experiments.typical_error(errors, hs, 1e-3) == np.median(errors[(hs >= 10**-3.5) & (hs <= 10**-2.5)])


def test_supports_is_the_subgradient_inequality():
    pts = np.linspace(-2, 2, 401)
    assert experiments.supports(np.abs, 0.0, -1.0, pts) and experiments.supports(np.abs, 0.0, 1.0, pts)
    assert not experiments.supports(np.abs, 0.0, 1.01, pts)
    assert not experiments.supports(np.abs, 1.0, 0.5, pts)      # away from the kink only the slope 1


def test_kink_convention_run_rejects_other_slopes_and_is_cached():
    with pytest.raises(ValueError, match="relu_prime_at_zero"):
        experiments.kink_convention_run(1, 0.5, True)
    run = experiments.kink_convention_run(1, 1, True, epochs=2)
    assert experiments.kink_convention_run(1, 1, True, epochs=2) is run
    assert experiments.kink_convention_run.cache_info().maxsize == 32


# Claims the chapter makes ----------------------------------------------------------------------------
# Each test asserts one sentence of chapter 2, over the seeds the chapter uses where it runs anything.

def test_claim_s_times_one_minus_s_rounds_to_zero_beyond_36_74():
    """"Beyond x = 53 ln 2 = 36.74 ... s(1 - s) [rounds] to exactly 0 ... sigma(x) sigma(-x), which
    subtracts nothing" keeps the slope (4.2e-18 at x = 40)."""
    x = np.linspace(30, 60, 30001)
    s = act.sigmoid(x)
    naive = s * (1 - s)
    assert x[np.argmax(naive == 0)] == pytest.approx(53 * np.log(2), abs=2e-3)
    np.testing.assert_allclose(act.sigmoid(x) * act.sigmoid(-x), act.sigmoid.derivative(x), rtol=1e-14)
    assert float(act.sigmoid.derivative(40.0)) == pytest.approx(np.exp(-40) / (1 + np.exp(-40)) ** 2, rel=1e-15)
    assert abs(naive[x == 36.0][0] / act.sigmoid.derivative(36.0) - 1) > 0.01   # off in the second digit


def test_claim_a_subgradient_step_goes_uphill():
    """"g = (1, 2) is a subgradient [of |x1| + 2|x2| at (1, 0)], yet a step against it, to (1 - t, -2t),
    gives f = 1 + 3t for 0 < t < 1: uphill." """
    axis = np.linspace(-3, 3, 121)
    grid = np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2)
    x0, g = np.array([1.0, 0.0]), np.array([1.0, 2.0])
    assert experiments.supports(experiments.weighted_abs, x0, g, grid)
    for t in (0.01, 0.1, 0.5, 0.9):
        value = experiments.weighted_abs(x0 - t * g)
        assert value == pytest.approx(1 + 3 * t, abs=1e-12) and value > experiments.weighted_abs(x0)


def test_claim_kink_shift_changes_only_the_slope_at_zero():
    """"With theta = -5e-324 ... it gives relu's value at every float64, and the slope 1 at x = 0." """
    x = np.array([-np.inf, -1e300, -1.0, -1e-300, -5e-324, -0.0, 0.0, 5e-324, 1e-300, 1.0, np.inf])
    shifted = act.relu(x, threshold=experiments.KINK_SHIFT)
    np.testing.assert_array_equal(shifted, act.relu(x))
    slope = act.relu.derivative(x, threshold=experiments.KINK_SHIFT)
    np.testing.assert_array_equal(slope, np.where(x == 0, 1.0, act.relu.derivative(x)))


def test_claim_relu_prime_at_zero_matters_only_at_exact_zeros():
    """"With x = 0 among the points, 32 hidden pre-activations are exactly 0 at the first step (and none
    later), and the two values of ReLU'(0) end at different losses in 5 of 5 runs ... Without it no
    pre-activation is ever exactly 0, and the two runs agree to the last bit in 5 of 5." """
    with_zero, without = experiments.kink_convention_effect(True), experiments.kink_convention_effect(False)
    assert with_zero["first_zeros"].min == with_zero["first_zeros"].max == 32
    assert with_zero["later_zeros"].max == 0
    assert with_zero["gap"].count(with_zero["gap"].values > 0) == 5
    assert 1e-6 < with_zero["gap"].min and with_zero["gap"].max < 1e-3
    assert without["first_zeros"].max == without["later_zeros"].max == 0
    assert without["gap"].count(without["gap"].values == 0) == 5


@pytest.mark.parametrize("name, at, params, rises", [
    ("relu", 0.0, {}, True), ("hardtanh", -1.0, {}, True), ("elu", 0.0, {"alpha": 0.5}, True),
    ("relu6", 6.0, {}, False), ("hardtanh", 1.0, {}, False), ("elu", 0.0, {"alpha": 2.0}, False),
])
def test_claim_no_line_stays_below_a_kink_where_the_slope_falls(name, at, params, rises):
    """"Where the slope falls instead, no line through the kink stays below the graph, and there is no
    subgradient at all: ReLU6 at its cap, hardtanh at its upper corner, ELU with alpha > 1 at 0." """
    f = act.ALL_ACTIVATIONS[name]
    left, right = (float(f.derivative(at + d, **params)) for d in (-1e-9, 1e-9))
    below = experiments.supporting_slopes(name, at, np.linspace(0, 2, 9), **params)
    if rises:
        assert left < right and below == [g for g in np.linspace(0, 2, 9) if left - 1e-8 <= g <= right]
    else:
        assert left > right and below == []


def test_claim_error_model_sits_within_a_factor_2_2_above_the_typical_error():
    """"In all four rows the model and the typical error agree within a factor of 2.2 (the model ...
    sits above). The smallest error on the grid is smaller still, and at a smaller step." """
    hs = np.logspace(-12, 0, 121)
    for dtype in (np.float64, np.float32):
        e = experiments.difference_errors(np.sin, np.cos, 1.0, hs, dtype)
        for method in ("forward", "central"):
            h_model, e_model = experiments.predicted_step(method, dtype)
            typical = experiments.typical_error(e[method], hs, h_model)
            assert typical < e_model < 2.25 * typical
            i = int(np.nanargmin(e[method]))
            assert e[method][i] < typical and hs[i] < h_model


def test_claim_gradient_check_is_exact_for_power_of_two_slopes():
    """"The zeros are exact where the central difference is computed without any rounding ... With a
    slope that is a power of two the check is exact; with 0.1 or 0.01 it is off by 2.2e-11." """
    x = np.linspace(-4, 4, 80)

    def error(name, **params):
        f = act.ACTIVATIONS[name]
        return gradient_check(lambda t: f(t, **params), lambda t: f.derivative(t, **params), x)

    for name in ("step", "linear", "relu", "prelu"):
        assert error(name) == 0.0
    assert error("leaky_relu", negative_slope=0.25) == 0.0 and error("prelu", a=0.5) == 0.0
    for slope_error in (error("leaky_relu"), error("prelu", a=0.1)):
        assert 1e-12 < slope_error < 1e-10


def test_claim_softplus_slope_is_exactly_one_beyond_the_switch():
    """The maxima table: softplus' slope is "still rising at x = 10: lib gives 1 from its switch at
    x = 20 on"."""
    x = np.array([10.0, 19.9, 20.0, 20.1, 30.0])
    d = act.softplus.derivative(x)
    assert d[0] < d[1] < 1 and d[2] < 1 and d[3] == d[4] == 1.0
