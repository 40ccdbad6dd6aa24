"""Experiments of the Derivatives chapter: maxima of f', finite-difference errors, the best step."""

import numpy as np
import pytest

from lib import activations as act
from lib.derivatives import numerical_derivative
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
