"""Experiments of the Derivatives chapter: maxima of f', finite-difference errors, the best step."""

import numpy as np
import pytest

from lib import activations as act
from lib.derivatives import gradient_check, numerical_derivative, relative_error
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
    """The model: truncation plus the worst round-off, eps |f| over the step (2h or h)."""
    for x0 in (1.0, 2.5):
        for method in ("central", "forward"):
            for dtype in (np.float64, np.float32):
                h, e = experiments.predicted_step(method, dtype, x0=x0)
                eps, f, f2, f3 = np.finfo(dtype).eps, abs(np.sin(x0)), abs(np.sin(x0)), abs(np.cos(x0))

                def model(s):
                    if method == "central":
                        return s * s / 6 * f3 + eps * f / (2 * s)
                    return s / 2 * f2 + eps * f / s
                assert model(h) == pytest.approx(e, rel=1e-12)
                assert model(h) < model(0.9 * h) and model(h) < model(1.1 * h)
    with pytest.raises(ValueError, match="method"):
        experiments.predicted_step("backward")


def test_central_error_parts_add_up_and_match_the_truncation_where_it_dominates():
    for x0, h in ((1.0, 1e-2), (2.5, 1e-3), (0.3, 1e-1)):
        parts = experiments.central_error_parts(x0, h)
        assert parts["error"] == pytest.approx(float(numerical_derivative(np.sin, x0, h=h)) - np.cos(x0),
                                               abs=1e-300)
        assert parts["truncation"] + parts["roundoff"] == pytest.approx(parts["error"], rel=1e-12)
        exact = np.cos(x0) * (np.sin(h) / h - 1)      # symmetric points: cos(x0) sin(h)/h - cos(x0)
        assert parts["truncation"] == pytest.approx(exact, rel=1e-6)
        assert abs(parts["roundoff"]) < 1e-3 * abs(parts["truncation"])
    # float32: the points are rounded to float32 before the truncation is taken
    parts = experiments.central_error_parts(1.0, 1e-2, np.float32)
    assert parts["truncation"] == pytest.approx(-1e-4 / 6 * np.cos(1.0), rel=1e-3)


def test_slope_zero_finds_where_the_derivative_changes_sign():
    x = experiments.slope_zero("gelu", -1.0, -0.5)
    d = act.gelu.derivative
    assert -0.76 < x < -0.75 and abs(float(d(x))) < 1e-15
    assert np.sign(d(x - 1e-12)) != np.sign(d(x + 1e-12))
    assert experiments.slope_zero("swish", -2.0, -1.0) == pytest.approx(-1.2785, abs=1e-4)


def test_exact_zeros_at_init_counts_hidden_layers_and_uses_three_generators():
    counts = experiments.exact_zeros_at_init(1)
    assert len(counts) == 2 and all(isinstance(c, int) for c in counts)
    assert experiments.exact_zeros_at_init(1) == counts                       # deterministic
    assert len(experiments.exact_zeros_at_init(1, sizes=(2, 3, 3, 3, 1), n=10)) == 3
    spread = experiments.exact_zeros_spread()
    assert [list(s.values) for s in spread] == [
        [experiments.exact_zeros_at_init(seed)[k] for seed in experiments.SEEDS] for k in range(2)]


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


def test_claim_relu_prime_one_ends_lower_in_5_of_5_by_under_one_percent():
    """"Here ReLU'(0) = 1 ends with the lower loss in 5 of 5 runs, lower by 0.02 to 0.56 % of the loss
    ... the effect is small." """
    with_zero, without = experiments.kink_convention_effect(True), experiments.kink_convention_effect(False)
    lower = with_zero["relative_gap"]
    assert lower.count(lower.values > 0) == 5
    assert 1e-4 < lower.min and lower.max < 1e-2
    np.testing.assert_allclose(np.abs(lower.values) * np.array(
        [experiments.kink_convention_run(s, 0, True)["history"][-1] for s in experiments.SEEDS]),
        with_zero["gap"].values, rtol=1e-12)
    assert without["relative_gap"].count(without["relative_gap"].values != 0) == 0


def test_claim_first_layer_never_exactly_zero_later_layers_are_with_zero_biases():
    """"In the first layer, a pre-activation ... is exactly 0 with probability 0 ... a unit whose ReLU
    inputs are all off gets exactly its bias": with zero biases 0-816 of 4000 second-layer
    pre-activations are exactly 0 (some in 4 of 5 seeds), none in the first layer; with random biases
    none."""
    first, second = experiments.exact_zeros_spread(random_biases=False)
    assert first.max == 0
    assert second.count(second.values > 0) == 4 and second.min == 0 and 100 < second.max <= 4000
    assert all(s.max == 0 for s in experiments.exact_zeros_spread(random_biases=True))


@pytest.mark.parametrize("name, at, params, rises", [
    ("relu", 0.0, {}, True), ("hardtanh", -1.0, {}, True), ("elu", 0.0, {"alpha": 0.5}, True),
    ("relu6", 6.0, {}, False), ("hardtanh", 1.0, {}, False), ("elu", 0.0, {"alpha": 2.0}, False),
])
def test_claim_no_line_stays_below_a_kink_where_the_slope_falls(name, at, params, rises):
    """"Where the slope falls instead, no line through the kink stays below the graph, not even near
    it: ReLU6 at its cap, hardtanh at its upper corner, ELU with alpha > 1 at 0." Near a rising kink
    the slopes between the one-sided ones stay below; further out (on +-10) all of them for the
    convex ReLU and ELU, only the flat line for hardtanh at -1."""
    f = act.ALL_ACTIVATIONS[name]
    left, right = (float(f.derivative(at + d, **params)) for d in (-1e-9, 1e-9))
    slopes = np.linspace(0, 2, 9)
    below = experiments.supporting_slopes(name, at, slopes, **params)
    far = experiments.supporting_slopes(name, at, slopes, radius=10.0, **params)
    if rises:
        between = [g for g in slopes if left - 1e-8 <= g <= right]
        assert left < right and below == between
        assert far == ([0.0] if name == "hardtanh" else between)
    else:
        assert left > right and below == far == []


KINKS = [("relu", 0.0, {}), ("hardtanh", -1.0, {}), ("elu", 0.0, {"alpha": 0.5}),
         ("relu6", 6.0, {}), ("hardtanh", 1.0, {}), ("elu", 0.0, {"alpha": 2.0})]


@pytest.mark.parametrize("name, at, params", KINKS)
def test_claim_frechet_subgradients_are_the_near_slopes_at_the_six_kinks(name, at, params):
    """"The table's Fréchet column lists them among the slopes tried: at all six kinks they are the
    slopes whose line stays below the graph on +-0.5. ReLU6 at its cap, hardtanh at 1 and ELU with
    alpha = 2 at 0 have no subgradient at all." Fréchet's quotient agrees: it stays >= 0 on small
    windows for those slopes and below -0.2 for the others."""
    slopes = np.linspace(0, 2, 9)
    frechet = experiments.frechet_slopes(name, at, slopes, **params)
    assert frechet == experiments.supporting_slopes(name, at, slopes, **params)
    assert (frechet == []) == (name == "relu6" or at == 1.0 or params.get("alpha") == 2.0)
    for g in slopes:
        q = experiments.frechet_quotient(name, at, float(g), 1e-4, **params)
        assert q >= -1e-6 if float(g) in frechet else q < -0.2


def test_claim_tanh_has_a_frechet_subgradient_at_1_and_no_line_below_it():
    """"tanh is differentiable at 1, so its Fréchet subgradient there is tanh'(1) alone ... no line
    through (1, tanh 1) stays below it, not even the tangent." For g = tanh'(1) the shortfall shrinks
    with the window as -|tanh''(1)| r / 2 predicts; for the slopes 0.01 away it tends to -0.01; at
    ReLU6's cap (g = 0.5) it is -0.5 on every window. Within 4 % of the prediction at r = 0.1."""
    t1 = float(act.tanh.derivative(1.0))
    slopes = (t1 - 0.01, t1, t1 + 0.01)
    assert experiments.supporting_slopes("tanh", 1.0, slopes) == []
    assert experiments.frechet_slopes("tanh", 1.0, slopes) == [t1]
    curvature = 2 * float(act.tanh(1.0)) * t1
    for r in (1e-1, 1e-2, 1e-3, 1e-4):
        low, tangent, high = (experiments.frechet_quotient("tanh", 1.0, g, r) for g in slopes)
        assert tangent == pytest.approx(-curvature * r / 2, rel=0.04)
        if r <= 1e-3:   # "equal to it to three digits from r = 1e-3 on"
            assert f"{tangent:.2e}" == f"{-curvature * r / 2:.2e}"
        assert low < -0.01 and high < -0.01
        assert experiments.frechet_quotient("relu6", 6.0, 0.5, r) == pytest.approx(-0.5, abs=1e-9)
    assert low == pytest.approx(-0.01, abs=1e-4) and high == pytest.approx(-0.01, abs=1e-4)


def test_claim_error_model_sits_within_a_factor_2_2_above_the_typical_error():
    """"In all four rows the model and the typical error agree within a factor of 2.2 (the model takes
    each rounding at its worst, so it sits above). The smallest error on the grid is smaller still,
    and at a smaller step." Every measured error around the model's step lies below the model."""
    hs = np.logspace(-12, 0, 121)
    for dtype in (np.float64, np.float32):
        e = experiments.difference_errors(np.sin, np.cos, 1.0, hs, dtype)
        eps, f = np.finfo(dtype).eps, np.sin(1.0)
        for method in ("forward", "central"):
            h_model, e_model = experiments.predicted_step(method, dtype)
            typical = experiments.typical_error(e[method], hs, h_model)
            assert typical < e_model < 2.2 * typical
            i = int(np.nanargmin(e[method]))
            assert e[method][i] < typical and hs[i] < h_model
            near = np.abs(np.log10(hs / h_model)) <= 0.5
            curve = (hs**2 / 6 * np.cos(1.0) + eps * f / (2 * hs) if method == "central"
                     else hs / 2 * np.sin(1.0) + eps * f / hs)
            assert np.all(e[method][near] <= curve[near])


def test_claim_the_lucky_step_is_round_off_offsetting_truncation():
    """"The truncation error alone is -9.0e-13 there, larger than the measured error: the round-off,
    +6.0e-13, happens to offset most of it." (3.0e-13 at h = 3.2e-06, float64 central.)"""
    h = experiments.best_central_step()
    assert h == pytest.approx(3.16e-6, rel=0.01)
    parts = experiments.central_error_parts(1.0, h)
    assert parts["error"] == pytest.approx(-2.96e-13, rel=0.01)
    assert parts["truncation"] == pytest.approx(-h * h / 6 * np.cos(1.0), rel=1e-6)
    assert parts["truncation"] == pytest.approx(-9.0e-13, rel=0.01)
    assert parts["roundoff"] == pytest.approx(6.0e-13, rel=0.01)
    assert abs(parts["error"]) < abs(parts["truncation"]) / 2


def test_claim_float32_steps_vanish_below_2_pow_minus_24_forward_and_2_pow_minus_25_central():
    """"Below about 6e-8 (2^-24) 1 + h rounds to 1: the forward step vanishes and there is no estimate.
    ... 1 - h still moves for h above 3e-8 (2^-25), and the estimate there is a meaningless 1.0. At
    h = 1e-7 ... the estimate can only be a multiple of 0.25: it is 0.5." """
    one = np.float32(1.0)

    def estimate(h, method):
        return experiments.estimate_derivative(np.sin, one, h, method)

    for h in (5e-8, 3.98e-8, 3.2e-8, 3.01e-8):
        assert np.isnan(estimate(h, "forward")) and estimate(h, "central") == 1.0
    for h in (2**-25, 2.5e-8, 1e-8):
        assert np.isnan(estimate(h, "central")) and np.isnan(estimate(h, "forward"))
    assert np.isfinite(estimate(6.1e-8, "forward"))
    assert float(one + np.float32(1e-7)) - float(one - np.float32(1e-7)) == 2**-22
    assert estimate(1e-7, "central") == 0.5 and estimate(1e-7, "central") % 0.25 == 0


def test_claim_float32_quiz_feedback_numbers():
    """Quiz ch2-float32-small-step-explorer: at h = 1e-7 the float32 estimate "gives 0.5 against
    cos 1 = 0.540, an error of 7 %, where h = 1e-3 is off by about 5e-6"; the bottom of the float32 V
    lies between 1e-3 and 1e-2 at x = 1."""
    small = experiments.estimate_derivative(np.sin, np.float32(1.0), 1e-7)
    assert small == 0.5 and abs(small - np.cos(1.0)) / np.cos(1.0) == pytest.approx(0.075, abs=0.005)
    large = abs(experiments.estimate_derivative(np.sin, np.float32(1.0), 1e-3) - np.cos(1.0))
    assert 4e-6 < large < 6e-6
    curves = experiments.error_curves("sin", 1.0, "float32")
    assert 1e-3 <= experiments.ERROR_STEPS[int(np.nanargmin(curves["central"]))] <= 1e-2
    assert 1e-3 <= experiments.predicted_step("central", np.float32)[0] <= 1e-2


def test_claim_best_h_at_2_5_bottom_and_lucky_step():
    """ex-best-h solution: "In float64 the bottom of the V is at 6.3e-06, close to the 8.0e-06 of
    x = 1 ... the prediction 'near 1e-5' passes. The lowest error on the grid lies at a much smaller
    step, 5.0e-08, a lucky one: the worst round-off there is 1.3e-09, and the measured error only
    4.8e-12. In float32 ... up by (2^29)^(1/3) = 813, to 5.1e-03, where the error is typically
    5.2e-06." """
    from lib.exercises.derivatives import BEST_H_POINT, check_best_h
    assert BEST_H_POINT == 2.5
    h64, _ = experiments.predicted_step("central", np.float64, x0=2.5)
    h32, _ = experiments.predicted_step("central", np.float32, x0=2.5)
    assert h64 == pytest.approx(6.3e-6, rel=0.01) and h32 == pytest.approx(5.1e-3, rel=0.01)
    assert h32 / h64 == pytest.approx(2 ** (29 / 3), rel=1e-9) and round(2 ** (29 / 3)) == 813
    assert experiments.predicted_step("central")[0] == pytest.approx(8.0e-6, rel=0.01)
    assert check_best_h(1e-5).passed
    hs = np.logspace(-12, 0, 121)
    e = experiments.difference_errors(np.sin, np.cos, 2.5, hs)["central"]
    i = int(np.nanargmin(e))
    worst = np.finfo(np.float64).eps * np.sin(2.5) / (2 * hs[i])
    assert hs[i] == pytest.approx(5.0e-8, rel=0.01) and hs[i] < h64 / 100
    assert e[i] == pytest.approx(4.8e-12, rel=0.02) and e[i] < worst / 100
    assert e[i] < experiments.typical_error(e, hs, h64)
    e32 = experiments.difference_errors(np.sin, np.cos, 2.5, hs, np.float32)["central"]
    assert experiments.typical_error(e32, hs, h32) == pytest.approx(5.2e-6, rel=0.02)


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
    """The maxima table: softplus' slope is "still rising at x = 10: lib gives exactly 1 beyond its
    switch at x = 20" (the switch is beta x > 20, strictly: at x = 20 the slope is sigmoid(20) < 1)."""
    x = np.array([10.0, 19.9, 20.0, 20.1, 30.0])
    d = act.softplus.derivative(x)
    assert d[0] < d[1] < 1 and d[2] < 1 and d[3] == d[4] == 1.0


def test_claim_steps_from_the_far_left_are_a_tenth_of_those_from_minus_one():
    """"Started at w = -3, the same rule takes steps of 0.051, 0.055 and 0.060, about a tenth of the
    first steps from w = -1 (0.553 and 0.620)" (the one-weight neuron of the update-rule section)."""
    x_in, y_target, lr = 1.5, 0.8, 2.0

    def dloss_dw(w):
        z = w * x_in
        return 2 * (act.sigmoid(z) - y_target) * act.sigmoid.derivative(z) * x_in

    def steps(w, n=3):
        out = []
        for _ in range(n):
            out.append(-lr * dloss_dw(w))
            w = w + out[-1]
        return np.array(out)

    far, near = steps(-3.0), steps(-1.0, 2)
    np.testing.assert_allclose(far, [0.051, 0.055, 0.060], atol=5e-4)
    np.testing.assert_allclose(near, [0.553, 0.620], atol=5e-4)
    assert np.all(far < 0.12 * near.min()) and np.all(np.diff(far) > 0)


def test_claim_far_steps_are_short_because_the_slope_falls():
    """"From w = -1 to w = -3, sigma'(wx) falls 13.7 times, from 0.149 to 0.0109, while 2(y_hat - y)
    grows 1.28 times, from -1.24 to -1.58, and x stays 1.5: the slope alone makes the far steps
    short." Near the bottom (after 20 steps from w = -1) 2(y_hat - y) is -0.0013 and the slope 0.160."""
    x_in, y_target, lr = 1.5, 0.8, 2.0

    def factors(w):
        z = w * x_in
        return 2 * (float(act.sigmoid(z)) - y_target), float(act.sigmoid.derivative(z))

    w = -1.0
    for _ in range(20):
        error, slope = factors(w)
        w -= lr * error * slope * x_in
    (e1, s1), (e3, s3), (e_end, s_end) = factors(-1.0), factors(-3.0), factors(w)
    assert s1 / s3 == pytest.approx(13.7, abs=0.05) and e3 / e1 == pytest.approx(1.28, abs=0.005)
    assert (round(s1, 3), round(s3, 4), round(e1, 2), round(e3, 2)) == (0.149, 0.0109, -1.24, -1.58)
    assert e3 / e1 > 1      # the other factor does not shrink the far step: it enlarges it
    assert round(e_end, 4) == -0.0013 and round(s_end, 3) == 0.160 and s_end > s1


def test_claim_right_derivatives_give_large_errors_next_to_kinks():
    """Verdict table: "Next to the course's kinks ... a right derivative can give errors up to 1":
    1.00, 0.30 and 0.98 for ReLU at 0, ReLU at 4e-6 and leaky ReLU at 0."""
    errors = [gradient_check(f, f.derivative, [at])
              for f, at in ((act.relu, 0.0), (act.relu, 0.4e-5), (act.leaky_relu, 0.0))]
    np.testing.assert_allclose(errors, [1.0, 0.3, 0.98], atol=0.005)


def test_claim_within_h_of_a_kink_the_central_difference_is_a_blend_not_the_average():
    """"At x = 4e-6, within h of the kink but not on it, the central difference is 0.7000, which is
    (x + h)/(2h): a blend of the slopes 0 and 1, not their average" (0.5 only centred on the kink;
    misconceptions box, quiz ch2-relu-at-zero)."""
    h = 1e-5
    assert float(numerical_derivative(act.relu, 0.0, h=h)) == 0.5
    blend = float(numerical_derivative(act.relu, 0.4e-5, h=h))
    assert blend == pytest.approx((0.4e-5 + h) / (2 * h), rel=1e-9) and f"{blend:.4f}" == "0.7000"
    for x in np.linspace(-0.9e-5, 0.9e-5, 19):        # every point within h: strictly between
        assert 0 < float(numerical_derivative(act.relu, x, h=h)) < 1


@pytest.mark.parametrize("name, at, params", [
    ("relu", 0.0, {}), ("leaky_relu", 0.0, {}), ("prelu", 0.0, {}), ("elu", 0.0, {"alpha": 0.5}),
    ("elu", 0.0, {"alpha": 2.0}), ("selu", 0.0, {}), ("relu6", 0.0, {}), ("relu6", 6.0, {}),
    ("hardtanh", -1.0, {}), ("hardtanh", 1.0, {}),
])
def test_claim_errors_next_to_the_courses_kinks_are_at_most_1(name, at, params):
    """"Next to the course's kinks, where both one-sided slopes have one sign, a right derivative can
    give errors up to 1": on points within h of each kink, and on it, the error stays <= 1, and the
    estimate has the sign of the slopes."""
    f = act.ALL_ACTIVATIONS[name]
    left, right = (float(f.derivative(at + d, **params)) for d in (-1e-9, 1e-9))
    assert left * right >= 0 and left != right
    x = at + np.linspace(-0.99e-5, 0.99e-5, 23)

    def g(t):
        return f(t, **params)

    def dg(t):
        return f.derivative(t, **params)

    errors = relative_error(dg(x), numerical_derivative(g, x))
    assert errors.max() <= 1 and errors.max() > 0.1
    assert np.all(numerical_derivative(g, x) >= 0)


def test_claim_a_zero_of_f_prime_gives_an_error_above_1_with_opposite_signs():
    """"At 1e-11 to its left the derivative is -4.31e-12 and the central difference 8.33e-12: the two
    have opposite signs ... and the relative error, 1.5, exceeds 1" (GELU, a right derivative); the
    error is at most 2."""
    x0 = experiments.slope_zero("gelu", -1.0, -0.5)
    at = x0 - 1e-11
    slope, estimate = float(act.gelu.derivative(at)), float(numerical_derivative(act.gelu, at))
    assert (f"{slope:.2e}", f"{estimate:.2e}") == ("-4.31e-12", "8.33e-12")
    error = gradient_check(act.gelu, act.gelu.derivative, [at])
    assert error == pytest.approx((abs(slope) + abs(estimate)) / max(abs(slope), abs(estimate)))
    assert 1 < error < 2 and f"{error:.2g}" == "1.5"
    assert float(act.gelu.derivative(x0)) == pytest.approx(2.8e-17, rel=0.02)


def test_claim_float32_swish_on_a_finer_grid_takes_the_wrong_sign():
    """"On a finer grid, 8001 points of [-4, 4], the estimate also takes the wrong sign: for swish at
    x = -1.268, next to the zero of its derivative, f' = 0.0023 and the estimate is -0.0015, a
    relative error of 1.65." On the 80 points float32 stays at most 1."""
    x = np.linspace(-4, 4, 8001).astype(np.float32)
    slope, estimate = act.swish.derivative(x), numerical_derivative(act.swish, x)
    errors = relative_error(slope, estimate)
    i = int(np.argmax(errors))
    assert f"{x[i]:.3f}" == "-1.268" and abs(x[i] - experiments.slope_zero("swish", -2.0, -1.0)) < 0.02
    assert slope[i] > 0 > estimate[i]
    assert f"{slope[i]:.4f}" == "0.0023" and f"{estimate[i]:.4f}" == "-0.0015"
    assert f"{errors[i]:.2f}" == "1.65" and errors[i] < 2
    coarse = np.linspace(-4, 4, 80).astype(np.float32)
    assert gradient_check(act.swish, act.swish.derivative, coarse) <= 1


@pytest.mark.parametrize("name, at, params, interval, rises", [
    ("relu", 0.0, {}, (0.0, 1.0), True), ("hardtanh", -1.0, {}, (0.0, 1.0), True),
    ("elu", 0.0, {"alpha": 0.5}, (0.5, 1.0), True), ("relu6", 6.0, {}, (0.0, 1.0), False),
    ("hardtanh", 1.0, {}, (0.0, 1.0), False), ("elu", 0.0, {"alpha": 2.0}, (1.0, 2.0), False),
])
def test_claim_clarke_gradient_is_the_interval_between_the_one_sided_slopes(name, at, params,
                                                                            interval, rises):
    """"At a kink that is the interval between the one-sided slopes, whichever way the slope turns:
    [0, 1] at ReLU's rising kink and at ReLU6's falling cap, [1, alpha] for ELU with alpha > 1 ...
    it equals the Fréchet subgradient where the slope rises ... and it is not empty where the slope
    falls" (the table's last column)."""
    low, high = experiments.clarke_interval(name, at, **params)
    assert (low, high) == pytest.approx(interval, abs=1e-8)
    assert "[{:g}, {:g}]".format(low, high) == "[{:g}, {:g}]".format(*interval)
    slopes = np.linspace(0, 2, 9)
    frechet = experiments.frechet_slopes(name, at, slopes, **params)
    inside = [float(g) for g in slopes if low - 1e-8 <= g <= high + 1e-8]
    assert inside                                             # never empty
    assert frechet == (inside if rises else [])


def test_claim_clarke_gradient_at_a_smooth_point_is_the_derivative():
    """"Where f' is continuous it is {f'(x)} alone: at tanh's point 1, {tanh'(1)}." The measured
    interval shrinks onto tanh'(1) with the window, as 2 |tanh''(1)| r."""
    t1 = float(act.tanh.derivative(1.0))
    curvature = 2 * float(act.tanh(1.0)) * t1
    for r in (1e-3, 1e-6, 1e-9):
        low, high = experiments.clarke_interval("tanh", 1.0, radius=r)
        assert low < t1 < high and high - low == pytest.approx(2 * curvature * r, rel=0.01)


def test_claim_a_central_difference_of_sin_is_never_exact():
    """Quiz ch2-float32-small-step-explorer: "Even in exact arithmetic its central difference at 1 is
    cos(1) sin(h)/h, below cos 1 for every h > 0: the truncation error ... is 0 for a quadratic,
    not for sin." A quadratic's quotient is exact in float64 at steps that are powers of 2."""
    for h in (1e-1, 1e-2, 1e-3):
        assert np.cos(1.0) * np.sin(h) / h < np.cos(1.0)
        quotient = (np.sin(1 + h) - np.sin(1 - h)) / (2 * h)
        assert quotient == pytest.approx(np.cos(1.0) * np.sin(h) / h, rel=1e-9)
    for h in (2.0**-4, 2.0**-8):
        assert float(numerical_derivative(lambda t: 3 * t * t - t, 1.5, h=h)) == 8.0


def test_claim_a_zero_of_the_derivative_inflates_the_relative_error():
    """"At x0 = -0.7517915 the relative error is 3.4e-05 at 1e-6 from it, 0.028 at 1e-9, and 1 at the
    crossing itself" (GELU, a right derivative)."""
    x0 = experiments.slope_zero("gelu", -1.0, -0.5)
    assert f"{x0:.7f}" == "-0.7517915"

    def error(d):
        return gradient_check(act.gelu, act.gelu.derivative, [x0 + d])

    assert error(0) == pytest.approx(1.0, abs=1e-3)
    assert error(1e-9) == pytest.approx(0.028, abs=1e-3)
    assert error(1e-6) == pytest.approx(3.4e-5, rel=0.03)
    assert error(1e-3) < 1e-7


def test_claim_float32_checks_of_right_derivatives_give_0_011_to_1():
    """"Every one of these derivatives is right, and in float32 the check gives 0.011 to 1.000 ...
    the worst points of the sigmoid and tanh lie near the ends of the grid, those of swish and GELU
    next to the zero crossings of their derivatives ... Where tanh is flat near -4 ... the estimate
    is 0 and the relative error 1." In float64 the same checks stay below 1e-8."""
    x = np.linspace(-4, 4, 80)
    x32 = x.astype(np.float32)
    worst = {}
    for name in ("sigmoid", "tanh", "softplus", "swish", "gelu"):
        f = act.ACTIVATIONS[name]
        assert gradient_check(f, f.derivative, x) < 1e-8
        errors = relative_error(f.derivative(x32), numerical_derivative(f, x32))
        worst[name] = float(x32[int(np.argmax(errors))])
        assert errors.max() == gradient_check(f, f.derivative, x32)
    errors = {name: gradient_check(act.ACTIVATIONS[name], act.ACTIVATIONS[name].derivative, x32)
              for name in worst}
    assert min(errors.values()) == pytest.approx(0.011, abs=5e-4) == errors["softplus"]
    assert errors["tanh"] == 1.0
    assert abs(worst["sigmoid"]) > 3 and abs(worst["tanh"]) > 3
    assert abs(worst["swish"] - experiments.slope_zero("swish", -2.0, -1.0)) < 0.05
    assert abs(worst["gelu"] - experiments.slope_zero("gelu", -1.0, -0.5)) < 0.05
    at = np.float32(worst["tanh"])
    assert at < -3.5 and float(numerical_derivative(act.tanh, at)) == 0.0


def test_claim_step_has_no_derivative_at_its_jump_and_lib_returns_0():
    """ex-vanish-both-sides solution: "The step function's derivative is 0 on both sides of its jump (at
    the jump it has none, and lib returns 0)"."""
    x = np.array([-60.0, -1e-300, 0.0, 1e-300, 60.0])
    np.testing.assert_array_equal(act.step.derivative(x), np.zeros(5))
    assert act.step(1e-300) - act.step(-1e-300) == 1.0      # a jump: no slope fits it
