"""Tests for lib.derivatives: finite differences and the gradient check."""

import doctest
import warnings

import numpy as np
import pytest

import lib.derivatives
from lib.derivatives import gradient_check, numerical_derivative, relative_error

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

X = np.linspace(-3.0, 3.0, 61)


# --- numerical_derivative ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "f, df",
    [
        (np.sin, np.cos),
        (np.exp, np.exp),
        (np.tanh, lambda t: 1 - np.tanh(t) ** 2),
        (lambda t: t**3, lambda t: 3 * t**2),
    ],
    ids=["sin", "exp", "tanh", "cube"],
)
def test_central_difference_matches_known_derivative(f, df):
    np.testing.assert_allclose(numerical_derivative(f, X), df(X), rtol=1e-9, atol=1e-9)


def test_central_is_the_default_and_matches_the_formula():
    x, h = 0.7, 1e-3
    expected = (np.exp(x + h) - np.exp(x - h)) / (2 * h)
    assert numerical_derivative(np.exp, x, h=h) == pytest.approx(expected, rel=1e-10)
    assert numerical_derivative(np.exp, x, h=h) == numerical_derivative(np.exp, x, h=h, method="central")


def test_forward_difference_matches_the_formula():
    x, h = 0.7, 1e-3
    expected = (np.exp(x + h) - np.exp(x)) / h
    assert numerical_derivative(np.exp, x, h=h, method="forward") == pytest.approx(expected, rel=1e-10)


def test_error_orders_forward_linear_central_quadratic():
    # exp at 1: forward error ~ h/2 * e, central error ~ h^2/6 * e
    x = 1.0
    err = {
        (method, h): abs(float(numerical_derivative(np.exp, x, h=h, method=method)) - np.e)
        for method in ("forward", "central")
        for h in (1e-2, 1e-3)
    }
    assert err["forward", 1e-2] / err["forward", 1e-3] == pytest.approx(10, rel=0.05)
    assert err["central", 1e-2] / err["central", 1e-3] == pytest.approx(100, rel=0.05)
    assert err["forward", 1e-3] == pytest.approx(1e-3 / 2 * np.e, rel=1e-2)
    assert err["central", 1e-3] == pytest.approx(1e-6 / 6 * np.e, rel=1e-2)
    assert err["central", 1e-3] < err["forward", 1e-3] / 100


def test_h_changes_the_estimate():
    a = numerical_derivative(np.exp, 1.0, h=1e-2)
    b = numerical_derivative(np.exp, 1.0, h=1e-4)
    assert a != b
    assert abs(b - np.e) < abs(a - np.e)


def test_method_changes_the_estimate():
    central = numerical_derivative(np.exp, 1.0, h=1e-3)
    assert central != numerical_derivative(np.exp, 1.0, h=1e-3, method="forward")


@pytest.mark.parametrize("shape", [(), (0,), (4,), (2, 3), (2, 3, 4)])
def test_shape_kept(shape):
    x = np.random.default_rng(0).normal(size=shape)
    d = numerical_derivative(np.sin, x)
    assert d.shape == shape
    np.testing.assert_allclose(d, np.cos(x), rtol=1e-9, atol=1e-9)


def test_python_scalar_list_and_int_inputs_give_float64():
    assert numerical_derivative(np.sin, 0.0).dtype == np.float64
    assert numerical_derivative(np.sin, [0, 1]).dtype == np.float64
    d = numerical_derivative(lambda t: t**2, np.array([1, 2, 3]))
    assert d.dtype == np.float64
    np.testing.assert_allclose(d, [2.0, 4.0, 6.0], rtol=1e-9)


def test_float32_stays_float32_and_uses_the_step_really_taken():
    x = np.array([1.0, 3.0, 100.0], dtype=np.float32)
    d = numerical_derivative(lambda t: t, x, h=1e-3)
    assert d.dtype == np.float32
    # x + h and x - h are rounded in float32; dividing by their true difference keeps the slope exact
    np.testing.assert_array_equal(d, np.ones(3, dtype=np.float32))
    np.testing.assert_allclose(numerical_derivative(np.sin, x, h=1e-2), np.cos(x), rtol=1e-3, atol=1e-4)


def test_does_not_modify_input():
    x = np.array([0.1, 0.2, 0.3])
    before = x.copy()
    numerical_derivative(np.sin, x)
    numerical_derivative(np.sin, x, method="forward")
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize("h", [0.0, -1e-5, np.nan, np.inf, None])
def test_bad_h_raises(h):
    with pytest.raises(ValueError, match="h"):
        numerical_derivative(np.sin, 1.0, h=h)


def test_bad_method_raises():
    with pytest.raises(ValueError, match="method"):
        numerical_derivative(np.sin, 1.0, method="backward")


# --- relative_error ------------------------------------------------------------------------------


def test_relative_error_values():
    np.testing.assert_allclose(
        relative_error([1.0, 2.0, 0.0, -1.0, 1e-300], [1.1, -2.0, 0.0, -1.0, 0.0]),
        [0.1 / 1.1, 2.0, 0.0, 0.0, 1.0],
        rtol=1e-12,
    )


def test_relative_error_symmetric_and_bounded():
    rng = np.random.default_rng(1)
    a, n = rng.normal(size=100), rng.normal(size=100)
    np.testing.assert_array_equal(relative_error(a, n), relative_error(n, a))
    assert np.all(relative_error(a, n) <= 2)
    same = np.sign(a) == np.sign(n)             # one sign: |a - n| is at most the larger size
    assert np.all(relative_error(a[same], n[same]) <= 1)
    assert np.any(relative_error(a[~same], n[~same]) > 1)  # opposite signs: up to 2


def test_relative_error_zero_zero_in_float32_without_warning():
    z = np.zeros(3, dtype=np.float32)
    err = relative_error(z, z)
    assert err.dtype == np.float64
    np.testing.assert_array_equal(err, 0.0)


def test_tiny_changes_relative_error():
    assert relative_error(1e-14, 0.0)[()] == 1.0
    assert relative_error(1e-14, 0.0, tiny=1e-12)[()] == pytest.approx(1e-2)


@pytest.mark.parametrize("tiny", [0.0, -1.0, np.nan])
def test_bad_tiny_raises(tiny):
    with pytest.raises(ValueError, match="tiny"):
        relative_error(1.0, 1.0, tiny=tiny)


# --- gradient_check ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "f, df",
    [(np.sin, np.cos), (np.exp, np.exp), (np.tanh, lambda t: 1 - np.tanh(t) ** 2)],
    ids=["sin", "exp", "tanh"],
)
def test_gradient_check_small_for_right_derivative(f, df):
    err = gradient_check(f, df, X)
    assert isinstance(err, float)
    assert err < 1e-8


@pytest.mark.parametrize("wrong", [lambda t: 2 * np.cos(t), lambda t: -np.cos(t), lambda t: np.sin(t)])
def test_gradient_check_large_for_wrong_derivative(wrong):
    assert gradient_check(np.sin, wrong, X) > 0.3


def test_gradient_check_double_derivative_gives_one_half():
    assert gradient_check(np.exp, lambda t: 2 * np.exp(t), X) == pytest.approx(0.5, abs=1e-8)


def test_gradient_check_catches_a_small_slip():
    # a plausible slip: sigma(x) * (1 - sigma(-x)), which is sigma(x)**2, not sigma'(x)
    def sigmoid(t):
        return 1 / (1 + np.exp(-t))

    assert gradient_check(sigmoid, lambda t: sigmoid(t) * (1 - sigmoid(t)), X) < 1e-8
    assert gradient_check(sigmoid, lambda t: sigmoid(t) * (1 - sigmoid(-t)), X) > 1e-2


def test_gradient_check_zero_derivative_gives_zero():
    assert gradient_check(np.zeros_like, np.zeros_like, X) == 0.0


def test_gradient_check_kink_breaks_the_check():
    relu = lambda t: np.maximum(t, 0.0)  # noqa: E731
    drelu = lambda t: (t > 0).astype(float)  # noqa: E731
    assert gradient_check(relu, drelu, [-1.0, 0.5, 2.0]) == 0.0
    # at 0 the central difference sees half of each side: 0.5 against the convention 0
    assert gradient_check(relu, drelu, [0.0]) == 1.0


def test_gradient_check_empty_and_nan():
    assert gradient_check(np.sin, np.cos, []) == 0.0
    assert np.isnan(gradient_check(np.sin, np.cos, [np.nan, 0.0]))


def test_gradient_check_h_changes_the_result():
    assert gradient_check(np.exp, np.exp, X, h=1e-2) != gradient_check(np.exp, np.exp, X, h=1e-4)


def test_gradient_check_on_lib_sigmoid():
    activations = pytest.importorskip("lib.activations")
    sigmoid = activations.sigmoid
    assert gradient_check(sigmoid, sigmoid.derivative, X) < 1e-8
    assert gradient_check(sigmoid, lambda t: 2 * sigmoid.derivative(t), X) > 0.4


# --- doctests ------------------------------------------------------------------------------------


def test_doctests():
    result = doctest.testmod(lib.derivatives)
    assert result.attempted > 0
    assert result.failed == 0


def test_a_step_too_small_to_move_x_gives_nan_without_warning():
    x = np.array([1.0, 1e-3], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        estimate = numerical_derivative(np.sin, x, h=1e-9)
    assert estimate.dtype == np.float32
    assert np.isnan(estimate[0])  # 1 + 1e-9 == 1 in float32
    np.testing.assert_allclose(estimate[1], np.cos(1e-3), rtol=1e-3)  # 1e-3 +- 1e-9 still moves


def test_numerical_gradient_of_a_quadratic_form_leaves_p_alone():
    rng = np.random.default_rng(5)
    A = rng.standard_normal((3, 3))
    p = rng.standard_normal(3)
    before = p.copy()
    grad = lib.derivatives.numerical_gradient(lambda q: q @ A @ q, p)
    np.testing.assert_allclose(grad, (A + A.T) @ p, rtol=1e-8)
    np.testing.assert_array_equal(p, before)


def test_numerical_gradient_keeps_shape_and_float32():
    p = np.ones((2, 3), dtype=np.float32)
    grad = lib.derivatives.numerical_gradient(lambda q: float(np.sum(3 * q)), p, h=1e-2)
    assert grad.shape == (2, 3) and grad.dtype == np.float32
    np.testing.assert_allclose(grad, 3.0, rtol=1e-4)


@pytest.mark.parametrize("h", [0, -1e-3, np.inf, "x"])
def test_numerical_gradient_bad_h_names_h(h):
    with pytest.raises(ValueError, match="h must"):
        lib.derivatives.numerical_gradient(np.sum, np.ones(2), h=h)
