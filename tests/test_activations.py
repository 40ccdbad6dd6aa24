"""Tests for lib.activations: values, derivatives, edge cases, parameters and references."""

import doctest

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import special

import lib.activations
from lib.activations import ACTIVATIONS, ALL_ACTIVATIONS, log_softmax, prelu, softmax, step

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

NAMES = sorted(ALL_ACTIVATIONS)  # every elementwise activation: the catalogue and the other functions in lib
TWELVE = ["step", "linear", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "softplus", "elu",
          "selu", "swish", "gelu"]
ZOO = ["hardtanh", "relu6", "hardsigmoid", "hardswish", "mish", "celu", "softsign", "logsigmoid",
       "tanhshrink", "softshrink", "hardshrink"]
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

# Non-default parameters for each activation (every parameter appears at least once).
PARAMS = {
    "step": [{"threshold": 0.5}],
    "linear": [{"c": -2.5}],
    "relu": [{"threshold": 0.5}, {"max_value": 1.5}, {"threshold": -0.5, "max_value": 2.0}],
    "leaky_relu": [{"negative_slope": 0.2}, {"negative_slope": 0.0}, {"negative_slope": 1.5},
                   {"negative_slope": -0.3}],
    "prelu": [{"a": 0.6}, {"a": 0.0}],
    "softplus": [{"beta": 2.5}, {"threshold": 1.0}, {"beta": 0.5, "threshold": 2.0}],
    "elu": [{"alpha": 0.5}, {"alpha": 2.0}],
    "swish": [{"beta": 2.0}, {"beta": -0.7}, {"beta": 0.0}],
    "gelu": [{"approximate": "tanh"}],
    "hardtanh": [{"min_val": -2.0, "max_val": 0.5}, {"max_val": 3.0}],
    "celu": [{"alpha": 0.5}, {"alpha": 2.0}],
    "softshrink": [{"lambd": 1.0}, {"lambd": 0.0}],
    "hardshrink": [{"lambd": 1.2}, {"lambd": 0.0}],
}
CASES = [(name, {}) for name in NAMES] + [(n, p) for n, ps in PARAMS.items() for p in ps]
CASE_IDS = [f"{n}-{p}" if p else n for n, p in CASES]


def kinks(name, params):
    """Points where the derivative jumps (to keep finite differences away from them)."""
    if name == "step":
        return [params.get("threshold", 0.0)]
    if name == "relu":
        return [params.get("threshold", 0.0), params.get("max_value") or 0.0]
    if name == "softplus":
        return [params.get("threshold", 20.0) / params.get("beta", 1.0)]
    if name == "hardtanh":
        return [params.get("min_val", -1.0), params.get("max_val", 1.0)]
    if name == "relu6":
        return [0.0, 6.0]
    if name in ("hardsigmoid", "hardswish"):
        return [-3.0, 3.0]
    if name in ("softshrink", "hardshrink"):
        return [-params.get("lambd", 0.5), params.get("lambd", 0.5)]
    return [0.0]


def central_difference(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / (2 * h)


# -- the registry and the doctests -----------------------------------------------------------------

def test_registry_holds_the_twelve_and_silu():
    assert set(TWELVE) <= set(ACTIVATIONS)
    assert set(ACTIVATIONS) == set(TWELVE) | {"silu"}
    for name, f in ACTIVATIONS.items():
        assert f.name == name
        assert callable(f) and callable(f.derivative)
        assert isinstance(f.params, dict)
        assert f.formula and f.derivative_formula
        assert name in repr(f)


def test_all_activations_holds_the_catalogue_and_the_zoo():
    assert list(ALL_ACTIVATIONS)[:len(ACTIVATIONS)] == list(ACTIVATIONS)  # the catalogue first, unchanged
    assert set(ALL_ACTIVATIONS) == set(ACTIVATIONS) | set(ZOO)
    assert len(ALL_ACTIVATIONS) == len(ACTIVATIONS) + len(ZOO)
    for name, f in ALL_ACTIVATIONS.items():
        assert f.name == name and getattr(lib.activations, name) is f
        assert callable(f) and callable(f.derivative)
        assert isinstance(f.params, dict)
        assert f.formula and f.derivative_formula
        assert name in repr(f)
        assert f.taught == (name in ACTIVATIONS)
    assert softmax.taught


@pytest.mark.parametrize("f", [*ALL_ACTIVATIONS.values(), softmax], ids=[*ALL_ACTIVATIONS, "softmax"])
def test_appendix_metadata_is_filled_in(f):
    for text in (f.range, f.used_in, f.torch_name, f.keras_name):
        assert isinstance(text, str) and text.strip() == text and len(text) > 3
    assert len(f.used_in) <= 90  # one short phrase
    assert f.torch_name == "none" or f.torch_name.startswith("torch.")
    assert f.keras_name == "none" or f.keras_name.startswith(("keras.activations.", "keras.layers."))
    assert f.range[0] in "([{" and f.range.split(",")[0][1:].strip()  # an interval (or a set) first


# What PyTorch and Keras 3 call each function, checked against torch 2.13 below (Keras is not installed:
# these are the names keras.activations exports in Keras 3).
FRAMEWORK_NAMES = {
    "step": ("torch.heaviside", "none"),
    "linear": ("torch.nn.Identity", "keras.activations.linear"),
    "sigmoid": ("torch.sigmoid", "keras.activations.sigmoid"),
    "tanh": ("torch.tanh", "keras.activations.tanh"),
    "relu": ("torch.nn.functional.relu", "keras.activations.relu"),
    "leaky_relu": ("torch.nn.functional.leaky_relu", "keras.activations.leaky_relu"),
    "prelu": ("torch.nn.functional.prelu", "keras.layers.PReLU"),
    "softplus": ("torch.nn.functional.softplus", "keras.activations.softplus"),
    "elu": ("torch.nn.functional.elu", "keras.activations.elu"),
    "selu": ("torch.nn.functional.selu", "keras.activations.selu"),
    "swish": ("torch.nn.functional.silu", "keras.activations.swish"),
    "silu": ("torch.nn.functional.silu", "keras.activations.silu"),
    "gelu": ("torch.nn.functional.gelu", "keras.activations.gelu"),
    "hardtanh": ("torch.nn.functional.hardtanh", "keras.activations.hard_tanh"),
    "relu6": ("torch.nn.functional.relu6", "keras.activations.relu6"),
    "hardsigmoid": ("torch.nn.functional.hardsigmoid", "keras.activations.hard_sigmoid"),
    "hardswish": ("torch.nn.functional.hardswish", "keras.activations.hard_swish"),
    "mish": ("torch.nn.functional.mish", "keras.activations.mish"),
    "celu": ("torch.nn.functional.celu", "keras.activations.celu"),
    "softsign": ("torch.nn.functional.softsign", "keras.activations.softsign"),
    "logsigmoid": ("torch.nn.functional.logsigmoid", "keras.activations.log_sigmoid"),
    "tanhshrink": ("torch.nn.functional.tanhshrink", "keras.activations.tanh_shrink"),
    "softshrink": ("torch.nn.functional.softshrink", "keras.activations.soft_shrink"),
    "hardshrink": ("torch.nn.functional.hardshrink", "keras.activations.hard_shrink"),
    "softmax": ("torch.nn.functional.softmax", "keras.activations.softmax"),
}


def test_framework_names():
    objects = {**ALL_ACTIVATIONS, "softmax": softmax}
    assert set(FRAMEWORK_NAMES) == set(objects)
    for name, (torch_name, keras_name) in FRAMEWORK_NAMES.items():
        assert (objects[name].torch_name, objects[name].keras_name) == (torch_name, keras_name), name


def test_torch_names_exist_in_torch():
    torch = pytest.importorskip("torch")
    for f in [*ALL_ACTIVATIONS.values(), softmax]:
        path = f.torch_name.split(".")
        assert path[0] == "torch"
        obj = torch
        for part in path[1:]:
            obj = getattr(obj, part)  # AttributeError if torch has no such name
        assert callable(obj)


# The output range for the default parameters: (lower bound, upper bound); the brackets of f.range say
# whether each end is reached. Minima given to 4 decimals are checked to 1e-4.
RANGE_BOUNDS = {
    "linear": (-np.inf, np.inf), "sigmoid": (0, 1), "tanh": (-1, 1), "relu": (0, np.inf),
    "leaky_relu": (-np.inf, np.inf), "prelu": (-np.inf, np.inf), "softplus": (0, np.inf),
    "elu": (-1, np.inf), "selu": (-SELU_SCALE * SELU_ALPHA, np.inf), "swish": (-0.2785, np.inf),
    "silu": (-0.2785, np.inf), "gelu": (-0.1700, np.inf), "hardtanh": (-1, 1), "relu6": (0, 6),
    "hardsigmoid": (0, 1), "hardswish": (-0.375, np.inf), "mish": (-0.3088, np.inf), "celu": (-1, np.inf),
    "softsign": (-1, 1), "logsigmoid": (-np.inf, 0), "tanhshrink": (-np.inf, np.inf),
    "softshrink": (-np.inf, np.inf), "hardshrink": (-np.inf, np.inf),
}


@pytest.mark.parametrize("name", sorted(RANGE_BOUNDS))
def test_range_text_matches_the_values(name):
    f = ALL_ACTIVATIONS[name]
    lo, hi = RANGE_BOUNDS[name]
    opening, closing = f.range[0], next(c for c in f.range.split(",", 1)[1] if c in ")]")
    x = np.linspace(-15, 15, 300_001)
    y = f(x)
    limits = f(np.array([-np.inf, np.inf]))
    for bound, closed, reached, limit in ((lo, opening == "[", y.min(), limits.min()),
                                          (hi, closing == "]", y.max(), limits.max())):
        if np.isinf(bound):
            assert not closed and limit == bound  # unbounded
        elif closed:
            assert abs(reached - bound) <= 1e-4  # a value of f (a minimum given to 4 decimals)
        else:
            assert reached != bound  # never reached by a finite x ...
            np.testing.assert_allclose(limit, bound, rtol=1e-12)  # ... only approached at +-inf
    assert lo - 1e-4 <= y.min() and y.max() <= hi


def test_step_range_is_two_values():
    x = np.linspace(-15, 15, 3001)
    assert step.range == "{0, 1}" and set(np.unique(step(x))) == {0.0, 1.0}


def test_docstring_examples_run():
    result = doctest.testmod(lib.activations, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 20
    assert result.failed == 0


# -- derivatives against central differences ---------------------------------------------------------

@pytest.mark.parametrize("name, params", CASES, ids=CASE_IDS)
def test_derivative_matches_central_differences(name, params):
    f = ALL_ACTIVATIONS[name]
    rng = np.random.default_rng(0)
    x = rng.uniform(-6, 6, size=400)
    x = x[np.min([np.abs(x - k) for k in kinks(name, params)], axis=0) > 1e-3]
    numeric = central_difference(lambda t: f(t, **params), x)
    np.testing.assert_allclose(f.derivative(x, **params), numeric, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name, params", CASES, ids=CASE_IDS)
def test_backward_with_random_upstream_gradient(name, params):
    # d/dx sum(g * f(x)) = g * f'(x), checked one coordinate at a time on a small 2-D input
    f = ALL_ACTIVATIONS[name]
    rng = np.random.default_rng(1)
    x = rng.uniform(-4, 4, size=(3, 4))
    x[np.min([np.abs(x - k) for k in kinks(name, params)], axis=0) < 1e-3] += 0.01
    g = rng.standard_normal(x.shape)
    analytic = g * f.derivative(x, **params)
    numeric = np.empty_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = 1e-5
        numeric[i] = (np.sum(g * f(x + e, **params)) - np.sum(g * f(x - e, **params))) / 2e-5
    np.testing.assert_allclose(analytic, numeric, rtol=1e-7, atol=1e-9)


def test_prelu_derivative_with_respect_to_a():
    rng = np.random.default_rng(2)
    x = rng.uniform(-3, 3, size=(5, 3))
    a = rng.uniform(0, 0.5, size=3)
    g = rng.standard_normal(x.shape)
    analytic = (g * prelu.derivative_a(x, a=a)).sum(axis=0)
    numeric = np.empty_like(a)
    for j in range(a.size):
        e = np.zeros_like(a)
        e[j] = 1e-5
        numeric[j] = (np.sum(g * prelu(x, a=a + e)) - np.sum(g * prelu(x, a=a - e))) / 2e-5
    np.testing.assert_allclose(analytic, numeric, rtol=1e-7, atol=1e-9)
    np.testing.assert_array_equal(prelu.derivative_a([-2.0, 0.0, 3.0, np.nan]), [-2.0, 0.0, 0.0, np.nan])


def test_prelu_slope_as_0d_array_and_zero_slopes():
    x = np.array([-2.0, -0.5, 0.0, 1.5])
    np.testing.assert_array_equal(prelu(x, a=np.array(0.3)), prelu(x, a=0.3))
    np.testing.assert_array_equal(prelu.derivative(x, a=np.array(0.3)), [0.3, 0.3, 0.3, 1.0])
    a = np.array([[0.0], [0.5]])  # a zero slope: df/da is still min(x, 0)
    np.testing.assert_array_equal(prelu.derivative_a(x, a=a), [[-2.0, -0.5, 0.0, 0.0]] * 2)
    np.testing.assert_array_equal(prelu(np.array([-np.inf, 1.0]), a=a), [[0.0, 1.0], [-np.inf, 1.0]])
    # a float32 input with an array slope is computed in float32: the slope rounded to float32 first
    x32 = np.linspace(-3, 3, 601, dtype=np.float32)
    a64 = np.full(601, 0.1)
    np.testing.assert_array_equal(prelu(x32, a=a64), np.where(x32 >= 0, x32, np.float32(0.1) * x32))


def test_prelu_broadcasts_an_array_slope():
    x = np.array([[-1.0, -2.0, 3.0], [4.0, -5.0, 0.0]])
    a = np.array([0.1, 0.2, 0.3])
    np.testing.assert_array_equal(prelu(x, a=a), np.where(x >= 0, x, a * x))
    np.testing.assert_array_equal(prelu.derivative(x, a=a), np.where(x > 0, 1.0, a + 0 * x))
    assert prelu(x.astype(np.float32), a=a).dtype == np.float32


# -- values against scipy and closed forms ------------------------------------------------------------

WIDE = np.concatenate([np.linspace(-50, 50, 1001), [-745.0, -710.0, -700.0, 700.0, 710.0, 1e10, -1e10]])


def test_sigmoid_matches_scipy_expit_and_its_derivative_keeps_precision():
    f = ALL_ACTIVATIONS["sigmoid"]
    np.testing.assert_allclose(f(WIDE), special.expit(WIDE), rtol=4e-16, atol=np.finfo(float).tiny)
    # scipy flushes the subnormal results to 0; the true value there is e^x
    np.testing.assert_array_equal(f([-710.0, -745.0]), np.exp([-710.0, -745.0]))
    expected = special.expit(WIDE) * special.expit(-WIDE)
    np.testing.assert_allclose(f.derivative(WIDE), expected, rtol=1e-15, atol=np.finfo(float).tiny)
    x32 = WIDE.astype(np.float32)
    np.testing.assert_allclose(f(x32), special.expit(x32.astype(np.float64)).astype(np.float32),
                               rtol=3e-7, atol=np.finfo(np.float32).smallest_subnormal)


def test_tanh_derivative_keeps_precision_for_large_x():
    x = np.linspace(-300, 300, 601)
    expected = 1 / np.cosh(x) ** 2
    np.testing.assert_allclose(ALL_ACTIVATIONS["tanh"].derivative(x), expected, rtol=1e-14, atol=0)
    np.testing.assert_array_equal(ALL_ACTIVATIONS["tanh"](x), np.tanh(x))


def test_softplus_matches_logaddexp_below_the_threshold():
    f = ALL_ACTIVATIONS["softplus"]
    x = np.linspace(-700, 20, 2001)
    np.testing.assert_allclose(f(x), np.logaddexp(0, x), rtol=1e-15, atol=0)
    np.testing.assert_allclose(f.derivative(x), special.expit(x), rtol=1e-15, atol=0)
    above = np.array([20.5, 100.0, 1e300])
    np.testing.assert_array_equal(f(above), above)
    np.testing.assert_array_equal(f.derivative(above), 1.0)
    y = x[3 * x <= 20]  # beta * x beyond the threshold gives x itself
    np.testing.assert_allclose(f(y, beta=3.0), np.logaddexp(0, 3 * y) / 3, rtol=1e-15, atol=0)


@pytest.mark.parametrize("beta", [1.0, 2.0, -0.5])
def test_swish_matches_x_times_expit(beta):
    x = np.linspace(-60, 60, 1201)
    f = ALL_ACTIVATIONS["swish"]
    np.testing.assert_allclose(f(x, beta=beta), x * special.expit(beta * x), rtol=1e-15, atol=0)
    s = special.expit(beta * x)
    np.testing.assert_allclose(f.derivative(x, beta=beta), s + beta * x * s * (1 - s),
                               rtol=1e-14, atol=1e-300)
    np.testing.assert_array_equal(ALL_ACTIVATIONS["silu"](x), f(x))


def test_gelu_matches_erfc_and_erf():
    x = np.linspace(-30, 30, 1201)
    f = ALL_ACTIVATIONS["gelu"]
    # erfc(-x / sqrt(2)) carries the rounding of x / sqrt(2), amplified ~x^2 times in the far tail
    reference = x * 0.5 * special.erfc(-x / np.sqrt(2))
    assert (np.abs(f(x) - reference) <= 5e-16 * (1 + x**2) * np.abs(reference)).all()
    phi = np.exp(-x * x / 2) / np.sqrt(2 * np.pi)
    np.testing.assert_allclose(f.derivative(x), special.ndtr(x) + x * phi, rtol=1e-14, atol=1e-300)
    k = np.sqrt(2 / np.pi)
    y = np.linspace(-5, 5, 101)
    np.testing.assert_allclose(f(y, approximate="tanh"),
                               0.5 * y * (1 + np.tanh(k * (y + 0.044715 * y**3))), rtol=1e-13, atol=1e-15)


def test_gelu_tanh_derivative_against_mpmath():
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 40
    k, c = mp.sqrt(2 / mp.pi), mp.mpf("0.044715")
    xs = [-5.5, -4.7, -3.1, -2.2, -0.3, 0.0, 0.7, 2.9]
    exact = [float(mp.diff(lambda t: t / 2 * (1 + mp.tanh(k * (t + c * t**3))), mp.mpf(x))) for x in xs]
    np.testing.assert_allclose(ALL_ACTIVATIONS["gelu"].derivative(xs, approximate="tanh"), exact, rtol=1e-14)


def test_elu_and_selu_closed_forms():
    x = np.linspace(-40, 40, 801)
    np.testing.assert_allclose(ALL_ACTIVATIONS["elu"](x, alpha=0.7), np.where(x > 0, x, 0.7 * np.expm1(x)),
                               rtol=1e-15, atol=0)
    np.testing.assert_allclose(ALL_ACTIVATIONS["selu"](x),
                               SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(x)), rtol=1e-15, atol=0)
    np.testing.assert_allclose(ALL_ACTIVATIONS["selu"].derivative(x),
                               SELU_SCALE * np.where(x > 0, 1.0, SELU_ALPHA * np.exp(x)), rtol=1e-15, atol=0)


def test_kink_derivatives_follow_pytorch_convention():
    d = {name: f.derivative(0.0) for name, f in ACTIVATIONS.items()}
    assert d["relu"] == 0.0
    assert d["leaky_relu"] == 0.01
    assert d["prelu"] == 0.25
    assert d["elu"] == 1.0
    assert ALL_ACTIVATIONS["elu"].derivative(0.0, alpha=0.3) == 0.3
    assert d["selu"] == SELU_SCALE * SELU_ALPHA
    assert d["step"] == 0.0
    assert ALL_ACTIVATIONS["relu"](1.5, threshold=1.5) == 0.0
    assert ALL_ACTIVATIONS["relu"].derivative(6.0, max_value=6.0) == 0.0


# -- dtypes, shapes, the caller's array ----------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_float_dtype_is_kept_and_accurate(name, dtype):
    f = ALL_ACTIVATIONS[name]
    x = np.linspace(-8, 8, 161).astype(dtype)
    exact, exact_d = f(x.astype(np.float64)), f.derivative(x.astype(np.float64))
    y, dy = f(x), f.derivative(x)
    assert y.dtype == dtype and dy.dtype == dtype
    rtol = {np.float16: 4e-3, np.float32: 1e-6, np.float64: 0}[dtype]
    atol = {np.float16: 1e-4, np.float32: 1e-7, np.float64: 0}[dtype]
    np.testing.assert_allclose(y, exact.astype(dtype), rtol=rtol, atol=atol)
    np.testing.assert_allclose(dy, exact_d.astype(dtype), rtol=rtol, atol=atol)


@pytest.mark.parametrize("name", NAMES)
def test_int_and_bool_are_computed_in_float64(name):
    f = ALL_ACTIVATIONS[name]
    for x in ([-2, 0, 3], np.array([-2, 0, 3], dtype=np.int8), [True, False]):
        y = f(x)
        assert y.dtype == np.float64 and f.derivative(x).dtype == np.float64
        np.testing.assert_array_equal(y, f(np.asarray(x, dtype=np.float64)))


@pytest.mark.parametrize("name", NAMES)
def test_shapes(name):
    f = ALL_ACTIVATIONS[name]
    for x in (0.5, np.float32(-0.5), np.zeros((0, 3)), np.ones((2, 3, 4)), np.arange(6.0)[::2]):
        for y in (f(x), f.derivative(x)):
            assert isinstance(y, np.ndarray)
            assert y.shape == np.shape(x)


@pytest.mark.parametrize("name", NAMES)
def test_callers_array_is_never_modified(name):
    f = ALL_ACTIVATIONS[name]
    x = np.random.default_rng(3).uniform(-5, 5, size=(70_000,))
    x[::7] = 0.0
    before = x.copy()
    x.flags.writeable = False  # any write would raise
    f(x), f.derivative(x), f(x, **PARAMS.get(name, [{}])[0]), f.derivative(x, **PARAMS.get(name, [{}])[0])
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize("name", NAMES)
def test_large_arrays_agree_with_elementwise_evaluation(name):
    f = ALL_ACTIVATIONS[name]
    x = np.random.default_rng(4).uniform(-10, 10, size=(3, 70_001))
    np.testing.assert_array_equal(f(x)[:, ::997], f(x[:, ::997]))
    np.testing.assert_array_equal(f.derivative(x)[:, ::997], f.derivative(x[:, ::997]))


# -- NaN, infinities and the largest floats --------------------------------------------------------------

# (f(-inf), f(+inf), f'(-inf), f'(+inf)) with default parameters
LIMITS = {
    "step": (0, 1, 0, 0),
    "linear": (-np.inf, np.inf, 1, 1),
    "sigmoid": (0, 1, 0, 0),
    "tanh": (-1, 1, 0, 0),
    "relu": (0, np.inf, 0, 1),
    "leaky_relu": (-np.inf, np.inf, 0.01, 1),
    "prelu": (-np.inf, np.inf, 0.25, 1),
    "softplus": (0, np.inf, 0, 1),
    "elu": (-1, np.inf, 0, 1),
    "selu": (-SELU_SCALE * SELU_ALPHA, np.inf, 0, SELU_SCALE),
    "swish": (0, np.inf, 0, 1),
    "silu": (0, np.inf, 0, 1),
    "gelu": (0, np.inf, 0, 1),
    "hardtanh": (-1, 1, 0, 0),
    "relu6": (0, 6, 0, 0),
    "hardsigmoid": (0, 1, 0, 0),
    "hardswish": (0, np.inf, 0, 1),
    "mish": (0, np.inf, 0, 1),
    "celu": (-1, np.inf, 0, 1),
    "softsign": (-1, 1, 0, 0),
    "logsigmoid": (-np.inf, 0, 1, 0),
    "tanhshrink": (-np.inf, np.inf, 1, 1),
    "softshrink": (-np.inf, np.inf, 1, 1),
    "hardshrink": (-np.inf, np.inf, 1, 1),
}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_nan_inf_and_largest_floats(name, dtype):
    f = ALL_ACTIVATIONS[name]
    big = np.finfo(dtype).max
    x = np.array([np.nan, -np.inf, np.inf, -big, big], dtype=dtype)
    if name == "selu":
        x[4] /= 2  # selu(max) = 1.05 max overflows for real
    lo, hi, dlo, dhi = LIMITS[name]
    for params in [{}] + ([{"approximate": "tanh"}] if name == "gelu" else []):
        y, dy = f(x, **params), f.derivative(x, **params)
        assert np.isnan(y[0]) and np.isnan(dy[0])
        np.testing.assert_allclose(y[1:3], np.array([lo, hi], dtype=dtype), rtol=1e-3)
        np.testing.assert_allclose(dy[1:3], np.array([dlo, dhi], dtype=dtype), rtol=1e-3)
        assert np.isfinite(y[3:]).all() and np.isfinite(dy[3:]).all()
        for value, limit in ((y[3], lo), (y[4], hi)):  # bounded limits are reached at +-max
            if np.isfinite(limit):
                np.testing.assert_allclose(value, limit, rtol=1e-3)
        np.testing.assert_allclose(dy[3:], np.array([dlo, dhi], dtype=dtype), rtol=1e-3)


@pytest.mark.parametrize("name, params", [c for c in CASES if c[1]], ids=[i for c, i in zip(CASES, CASE_IDS) if c[1]])
def test_nan_and_inf_with_parameters_give_no_warning(name, params):
    f = ALL_ACTIVATIONS[name]
    big = np.finfo(np.float32).max
    x = np.array([np.nan, -np.inf, np.inf, -big, big, 0.0], dtype=np.float32)
    if name == "linear" or params.get("negative_slope", 0) > 1:
        x = x[:3]  # c * max and 1.5 * (-max) overflow for real
    y, dy = f(x, **params), f.derivative(x, **params)
    assert np.isnan(y[0]) and np.isnan(dy[0])
    assert not np.isnan(y[1:]).any() and not np.isnan(dy[1:]).any()


@pytest.mark.parametrize("name, params", CASES, ids=CASE_IDS)
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_subnormal_and_tiny_inputs(name, params, dtype):
    # no warning (RuntimeWarning is an error here), finite results, and no jump: f(x) stays within a
    # slope's width of f(0), and f'(x) is the slope just beside 0 on the same side
    f = ALL_ACTIVATIONS[name]
    info = np.finfo(dtype)
    x = np.array([info.smallest_subnormal, -info.smallest_subnormal, info.tiny / 2, -info.tiny / 2,
                  info.tiny, -info.tiny], dtype)
    y, dy = f(x, **params), f.derivative(x, **params)
    assert y.dtype == dtype and dy.dtype == dtype
    assert np.isfinite(y).all() and np.isfinite(dy).all()
    beside = np.copysign(dtype(1e-6), x)
    slope = f.derivative(beside, **params).astype(np.float64)
    y0 = f(np.zeros_like(x), **params).astype(np.float64)
    if name == "step":  # the step jumps at its threshold (0 by default): f(x) is f(beside x)
        np.testing.assert_array_equal(y, f(beside, **params))
    else:
        bound = 2 * np.maximum(np.abs(slope), 1) * np.abs(x.astype(np.float64)) + np.spacing(np.abs(y0))
        assert (np.abs(y.astype(np.float64) - y0) <= bound).all()
    rtol = {np.float16: 2e-3, np.float32: 1e-5, np.float64: 1e-5}[dtype]
    np.testing.assert_allclose(dy.astype(np.float64), slope, rtol=rtol, atol=1e-10)


def test_linear_overflow_is_reported_only_when_the_result_overflows():
    with pytest.warns(RuntimeWarning, match="overflow"):
        ALL_ACTIVATIONS["linear"](np.finfo(np.float64).max, c=2.0)


# -- parameters ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, params", [c for c in CASES if c[1]], ids=[i for c, i in zip(CASES, CASE_IDS) if c[1]])
def test_every_parameter_changes_the_output(name, params):
    f = ALL_ACTIVATIONS[name]
    x = np.linspace(-3, 3, 25)
    changed_value = not np.array_equal(f(x, **params), f(x))
    changed_slope = not np.array_equal(f.derivative(x, **params), f.derivative(x))
    assert changed_value
    assert changed_slope or name == "step"  # a step's slope is 0 wherever it is


@pytest.mark.parametrize("call, word", [
    (lambda: ALL_ACTIVATIONS["softplus"](1.0, beta=0.0), "beta"),
    (lambda: ALL_ACTIVATIONS["softplus"].derivative(1.0, beta=-1.0), "beta"),
    (lambda: ALL_ACTIVATIONS["gelu"](1.0, approximate="fast"), "approximate"),
    (lambda: ALL_ACTIVATIONS["relu"](1.0, max_value=0.0), "max_value"),
    (lambda: ALL_ACTIVATIONS["relu"](1.0, threshold=2.0, max_value=1.0), "max_value"),
    (lambda: ALL_ACTIVATIONS["leaky_relu"](1.0, negative_slope=np.nan), "negative_slope"),
    (lambda: ALL_ACTIVATIONS["elu"](1.0, alpha=np.inf), "alpha"),
    (lambda: ALL_ACTIVATIONS["swish"](1.0, beta=np.nan), "beta"),
    (lambda: ALL_ACTIVATIONS["step"](1.0, threshold=np.nan), "threshold"),
    (lambda: ALL_ACTIVATIONS["linear"](1.0, c=np.inf), "c"),
    (lambda: prelu(1.0, a=np.array([0.1, np.nan])), "a"),
    (lambda: softmax([1.0, 2.0], temperature=0.0), "temperature"),
    (lambda: softmax([1.0, 2.0], temperature=-1.0), "temperature"),
    (lambda: softmax.jacobian([1.0, 2.0], temperature=0.0), "temperature"),
    (lambda: log_softmax([1.0, 2.0], temperature=-2.0), "temperature"),
    (lambda: log_softmax(2.0, temperature=0.0), "temperature"),  # a 0-d input is checked too
    (lambda: softmax(2.0, temperature=-1.0), "temperature"),
    (lambda: ALL_ACTIVATIONS["celu"](1.0, alpha=0.0), r"alpha must be positive, got 0\.0"),
    (lambda: ALL_ACTIVATIONS["celu"].derivative(1.0, alpha=-1.0), r"alpha must be positive, got -1\.0"),
    (lambda: ALL_ACTIVATIONS["hardtanh"](1.0, min_val=2.0, max_val=1.0),
     r"min_val must not exceed max_val, got min_val=2\.0 and max_val=1\.0"),
    (lambda: ALL_ACTIVATIONS["softshrink"](1.0, lambd=-0.1), r"lambd must be >= 0, got -0\.1"),
    (lambda: ALL_ACTIVATIONS["hardshrink"].derivative(1.0, lambd=-2.0), r"lambd must be >= 0, got -2\.0"),
    (lambda: prelu(1.0, a=["x"]), "a must be a number or an array of numbers"),
    (lambda: prelu(1.0, a=np.array([0.1, np.inf])), "^a must be finite$"),
])
def test_bad_parameters_raise_value_error_naming_them(call, word):
    with pytest.raises(ValueError, match=word):
        call()


def test_unknown_parameter_is_a_type_error():
    with pytest.raises(TypeError, match="beta"):
        ALL_ACTIVATIONS["sigmoid"](1.0, beta=2.0)
    with pytest.raises(TypeError, match=r"sigmoid\(\) got unknown parameter\(s\) \['beta'\]; it takes none"):
        ALL_ACTIVATIONS["sigmoid"].derivative(1.0, beta=2.0)
    with pytest.raises(TypeError, match=r"it takes \['max_value', 'threshold'\]"):
        ALL_ACTIVATIONS["relu"](1.0, alpha=2.0)


def test_edge_parameters_are_accepted():
    x = np.linspace(-3, 3, 13)
    np.testing.assert_array_equal(ALL_ACTIVATIONS["hardtanh"](x, min_val=0.5, max_val=0.5), 0.5)  # a constant
    np.testing.assert_array_equal(ALL_ACTIVATIONS["hardtanh"].derivative(x, min_val=0.5, max_val=0.5), 0.0)
    np.testing.assert_array_equal(ALL_ACTIVATIONS["softshrink"](x, lambd=0.0), x)
    np.testing.assert_array_equal(ALL_ACTIVATIONS["hardshrink"](x, lambd=0.0), x)
    np.testing.assert_array_equal(ALL_ACTIVATIONS["relu"]([0.5, 1.0, 1.5], threshold=1.0), [0.0, 0.0, 1.5])
    np.testing.assert_array_equal(ALL_ACTIVATIONS["relu"]([-0.5, 0.5], threshold=-1.0), [-0.5, 0.5])


def test_reprs_show_the_defaults():
    assert repr(ALL_ACTIVATIONS["relu"]) == "<activation relu(threshold=0.0, max_value=None)>"
    assert repr(ALL_ACTIVATIONS["hardtanh"]) == "<activation hardtanh(min_val=-1.0, max_val=1.0)>"
    assert repr(ALL_ACTIVATIONS["sigmoid"]) == "<activation sigmoid()>"
    assert repr(softmax) == "<softmax(z, axis=-1, temperature=1.0)>"


@pytest.mark.parametrize("name, params", CASES, ids=CASE_IDS)
def test_shapes_with_parameters(name, params):
    # every parameter setting keeps the shape of x, for a 0-d, an empty and a 3-d input
    f = ALL_ACTIVATIONS[name]
    for x in (np.array(0.5), np.zeros((0, 3)), np.linspace(-2, 2, 24).reshape(2, 3, 4)):
        for y in (f(x, **params), f.derivative(x, **params)):
            assert isinstance(y, np.ndarray) and y.shape == x.shape and y.dtype == np.float64


# -- softmax and log_softmax -----------------------------------------------------------------------------

def test_softmax_and_log_softmax_match_scipy():
    rng = np.random.default_rng(5)
    z = rng.normal(scale=30, size=(4, 5, 6))
    for axis in (0, 1, -1):
        np.testing.assert_allclose(softmax(z, axis=axis), special.softmax(z, axis=axis), rtol=1e-13, atol=1e-300)
        np.testing.assert_allclose(log_softmax(z, axis=axis), special.log_softmax(z, axis=axis), rtol=1e-13)
    np.testing.assert_allclose(softmax(z, temperature=4.0), special.softmax(z / 4.0, axis=-1), rtol=1e-13)
    np.testing.assert_allclose(log_softmax(z, temperature=0.5), special.log_softmax(z / 0.5, axis=-1), rtol=1e-13)


def test_softmax_edge_cases():
    big = np.finfo(np.float64).max
    p = softmax([[big, -big, 0.0], [-np.inf, 0.0, 0.0], [-np.inf, -np.inf, -np.inf]])
    np.testing.assert_array_equal(p[0], [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(p[1], [0.0, 0.5, 0.5])
    assert np.isnan(p[2]).all()  # no finite logit: undefined, as in PyTorch and scipy
    assert softmax(np.zeros((2, 3), dtype=np.float32)).dtype == np.float32
    assert log_softmax(np.zeros((2, 3), dtype=np.float32)).dtype == np.float32
    assert softmax(np.zeros((0, 3))).shape == (0, 3)
    assert softmax([1, 2]).dtype == np.float64
    z = np.array([1.0, 2.0])
    softmax(z), log_softmax(z), softmax.jacobian(z)
    np.testing.assert_array_equal(z, [1.0, 2.0])


def test_softmax_and_log_softmax_of_a_0d_array():
    # one logit is a slice of length 1: softmax 1, log-softmax 0 (as PyTorch), as 0-d ndarrays
    for z in (3.0, np.float32(-2.0), np.array(1e300), np.array(-7), np.float16(0.5)):
        p, log_p = softmax(z), log_softmax(z)
        for result, expected in ((p, 1.0), (log_p, 0.0)):
            assert isinstance(result, np.ndarray) and result.shape == () and result == expected
            assert result.dtype == (np.float64 if np.asarray(z).dtype.kind == "i" else np.asarray(z).dtype)
    assert softmax(np.array(2.0), axis=0) == 1.0 and log_softmax(2.0, axis=0) == 0.0
    assert softmax(2.0, temperature=0.1) == 1.0 and log_softmax(2.0, temperature=5.0) == 0.0
    for z in (np.inf, -np.inf, np.nan):  # no finite logit: NaN, as for longer slices
        assert np.isnan(softmax(z)) and np.isnan(log_softmax(z))
    with pytest.raises(ValueError, match="axis"):
        softmax(np.array(1.0), axis=1)
    with pytest.raises(ValueError, match="axis"):
        log_softmax(np.array(1.0), axis=1)
    with pytest.raises(ValueError, match="temperature"):
        softmax(1.0, temperature=0.0)
    for z in ([1.0, 2.0], [[0.5]], np.zeros((2, 0))):
        assert isinstance(softmax(z), np.ndarray) and isinstance(log_softmax(z), np.ndarray)


def test_softmax_jacobian_and_vjp_keep_float32_and_default_temperature():
    rng = np.random.default_rng(11)
    z = rng.normal(size=(2, 4))
    dp = rng.normal(size=(2, 4))
    z32 = z.astype(np.float32)
    assert softmax.jacobian(z32).dtype == np.float32
    assert softmax.vjp(z32, dp.tolist()).dtype == np.float32  # dp takes the dtype of p
    p = softmax(z)
    expected = p * (dp - (dp * p).sum(axis=-1, keepdims=True))  # temperature 1
    np.testing.assert_allclose(softmax.vjp(z, dp), expected, rtol=1e-14)
    np.testing.assert_allclose(np.einsum("bi,bij->bj", dp, softmax.jacobian(z)), expected, rtol=1e-13, atol=1e-16)


def test_log_softmax_is_finite_where_log_of_softmax_is_not():
    z = np.array([0.0, -800.0, -1e300])
    assert softmax(z)[1] == 0.0  # so np.log(softmax(z)) would be -inf
    np.testing.assert_allclose(log_softmax(z), [0.0, -800.0, -1e300], rtol=1e-15)


def test_softmax_jacobian_and_vjp_match_central_differences_with_random_upstream():
    rng = np.random.default_rng(6)
    z = rng.normal(size=(3, 5))
    dp = rng.normal(size=(3, 5))  # random upstream gradient: all ones would give exactly zero
    temperature = 1.7
    jac = softmax.jacobian(z, temperature=temperature)
    assert jac.shape == (3, 5, 5)
    numeric_jac = np.empty_like(jac)
    for j in range(5):
        e = np.zeros(5)
        e[j] = 1e-5
        plus, minus = softmax(z + e, temperature=temperature), softmax(z - e, temperature=temperature)
        numeric_jac[:, :, j] = (plus - minus) / 2e-5
    np.testing.assert_allclose(jac, numeric_jac, rtol=1e-7, atol=1e-10)
    numeric_grad = np.einsum("bi,bij->bj", dp, numeric_jac)
    np.testing.assert_allclose(np.einsum("bi,bij->bj", dp, jac), numeric_grad, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(softmax.vjp(z, dp, temperature=temperature), numeric_grad, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(softmax.vjp(z.T, dp.T, axis=0, temperature=temperature), numeric_grad.T,
                               rtol=1e-7, atol=1e-10)
    assert np.abs(numeric_grad).max() > 1e-3  # the check can fail


# -- property tests ----------------------------------------------------------------------------------------

finite = st.floats(min_value=-1e308, max_value=1e308, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(np.float64, st.integers(1, 30), elements=finite))
def test_sigmoid_is_in_unit_interval_and_monotone(x):
    x = np.sort(x)
    s = ALL_ACTIVATIONS["sigmoid"](x)
    assert ((s >= 0) & (s <= 1)).all()
    assert (np.diff(s) >= 0).all()
    d = ALL_ACTIVATIONS["sigmoid"].derivative(x)
    assert ((d >= 0) & (d <= 0.25 * (1 + 1e-15))).all()


logits = hnp.arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 8)),
                    elements=st.floats(min_value=-1e6, max_value=1e6))


@settings(max_examples=60, deadline=None)
@given(logits, st.floats(min_value=-1e6, max_value=1e6))
def test_softmax_rows_sum_to_one_and_are_shift_invariant(z, shift):
    p = softmax(z)
    assert ((p >= 0) & (p <= 1)).all()
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(softmax(z + shift), p, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(np.exp(log_softmax(z)), p, rtol=1e-12, atol=1e-300)


# -- PyTorch as a reference, where it is installed ---------------------------------------------------------

def torch_reference(name, params):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    table = {
        "linear": lambda t: params.get("c", 1.0) * t,
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": torch.relu,
        "leaky_relu": lambda t: F.leaky_relu(t, params.get("negative_slope", 0.01)),
        "prelu": lambda t: F.prelu(t, torch.tensor([params.get("a", 0.25)], dtype=t.dtype)),
        "softplus": lambda t: F.softplus(t, params.get("beta", 1.0), params.get("threshold", 20.0)),
        "elu": lambda t: F.elu(t, params.get("alpha", 1.0)),
        "selu": F.selu,
        "swish": lambda t: t * torch.sigmoid(params.get("beta", 1.0) * t),
        "silu": F.silu,
        "gelu": lambda t: F.gelu(t, approximate=params.get("approximate", "none")),
        "hardtanh": lambda t: F.hardtanh(t, params.get("min_val", -1.0), params.get("max_val", 1.0)),
        "relu6": F.relu6,
        "hardsigmoid": F.hardsigmoid,
        "hardswish": F.hardswish,
        "mish": F.mish,
        "celu": lambda t: F.celu(t, params.get("alpha", 1.0)),
        "softsign": F.softsign,
        "logsigmoid": F.logsigmoid,
        "tanhshrink": F.tanhshrink,
        "softshrink": lambda t: F.softshrink(t, params.get("lambd", 0.5)),
        "hardshrink": lambda t: F.hardshrink(t, params.get("lambd", 0.5)),
    }
    if name not in table or (name == "relu" and params):
        pytest.skip(f"no PyTorch counterpart for {name} {params}")
    return torch, table[name]


@pytest.mark.parametrize("name, params", CASES, ids=CASE_IDS)
def test_values_and_derivatives_match_pytorch_autograd(name, params):
    torch, reference = torch_reference(name, params)
    rng = np.random.default_rng(7)
    x = np.concatenate([rng.uniform(-8, 8, 300), [0.0, -0.0, 1.0, -1.0, 25.0, -25.0, 19.9, 20.1]])
    g = rng.standard_normal(x.shape)
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    y = reference(t)
    y.backward(torch.tensor(g))
    # torch's tanh-form GELU computes 1 + tanh(v) and 1 - tanh(v)^2, which cancel in the far tail
    # (lib uses sigmoid forms, checked against mpmath in test_gelu_tanh_derivative_against_mpmath)
    atol = 1e-13 if params.get("approximate") == "tanh" else 1e-15
    # torch's hardsigmoid backward multiplies by 1/6 rounded to float32, even in float64 (lib: 1/6)
    rtol = 3e-8 if name == "hardsigmoid" else 1e-12
    np.testing.assert_allclose(ALL_ACTIVATIONS[name](x, **params), y.detach().numpy(), rtol=1e-13, atol=atol)
    np.testing.assert_allclose(g * ALL_ACTIVATIONS[name].derivative(x, **params), t.grad.numpy(),
                               rtol=rtol, atol=atol)


# Where the derivative of a piecewise function jumps: the value PyTorch 2.13's autograd gives there (in
# float64), which lib follows. Each entry: name, parameters, the kinks, the derivatives there.
KINK_DERIVATIVES = [
    ("relu", {}, [0.0], [0.0]),
    ("leaky_relu", {}, [0.0], [0.01]),
    ("prelu", {}, [0.0], [0.25]),
    ("elu", {"alpha": 0.3}, [0.0], [0.3]),
    ("selu", {}, [0.0], [SELU_SCALE * SELU_ALPHA]),
    ("hardtanh", {}, [-1.0, 1.0], [0.0, 0.0]),
    ("hardtanh", {"min_val": -2.0, "max_val": 0.5}, [-2.0, 0.5], [0.0, 0.0]),
    ("relu6", {}, [0.0, 6.0], [0.0, 0.0]),
    ("hardsigmoid", {}, [-3.0, 3.0], [0.0, 0.0]),
    ("hardswish", {}, [-3.0, 3.0], [0.0, 1.0]),  # not -1/2 and 3/2, the middle piece's slopes there
    ("celu", {"alpha": 0.5}, [0.0], [1.0]),
    ("softshrink", {}, [-0.5, 0.5], [0.0, 0.0]),
    ("softshrink", {"lambd": 0.0}, [0.0], [0.0]),
    ("hardshrink", {}, [-0.5, 0.5], [0.0, 0.0]),
    ("hardshrink", {"lambd": 1.2}, [-1.2, 1.2], [0.0, 0.0]),
    ("hardshrink", {"lambd": 0.0}, [0.0], [0.0]),
]
KINK_IDS = [f"{n}-{p}" if p else n for n, p, _, _ in KINK_DERIVATIVES]


@pytest.mark.parametrize("name, params, x, expected", KINK_DERIVATIVES, ids=KINK_IDS)
def test_derivatives_at_kinks(name, params, x, expected):
    f = ALL_ACTIVATIONS[name]
    np.testing.assert_array_equal(f.derivative(np.array(x), **params), expected)
    # and just beside each kink, the slopes of the two pieces
    h = 1e-9
    left, right = f.derivative(np.array(x) - h, **params), f.derivative(np.array(x) + h, **params)
    assert ((left != expected) | (right != expected)).all()  # it is a kink: one side differs


@pytest.mark.parametrize("name, params, x, expected", KINK_DERIVATIVES, ids=KINK_IDS)
def test_derivatives_at_kinks_are_pytorch_autograd(name, params, x, expected):
    torch, reference = torch_reference(name, params)
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    reference(t).sum().backward()
    np.testing.assert_array_equal(t.grad.numpy(), expected)
    np.testing.assert_array_equal(ALL_ACTIVATIONS[name].derivative(np.array(x), **params), t.grad.numpy())


def test_prelu_array_slope_and_its_gradient_match_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(8)
    x = rng.uniform(-3, 3, size=(6, 4))
    x[0] = 0.0
    a = rng.uniform(0, 0.5, size=4)
    g = rng.standard_normal(x.shape)
    tx = torch.tensor(x, requires_grad=True)
    ta = torch.tensor(a, requires_grad=True)
    y = torch.nn.functional.prelu(tx, ta)
    y.backward(torch.tensor(g))
    np.testing.assert_allclose(prelu(x, a=a), y.detach().numpy(), rtol=1e-15)
    np.testing.assert_allclose(g * prelu.derivative(x, a=a), tx.grad.numpy(), rtol=1e-15)
    np.testing.assert_allclose((g * prelu.derivative_a(x, a=a)).sum(axis=0), ta.grad.numpy(), rtol=1e-12)


def test_softmax_matches_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(9)
    z = rng.normal(scale=10, size=(4, 7))
    dp = rng.standard_normal(z.shape)
    t = torch.tensor(z, requires_grad=True)
    p = torch.softmax(t / 2.0, dim=-1)
    p.backward(torch.tensor(dp))
    np.testing.assert_allclose(softmax(z, temperature=2.0), p.detach().numpy(), rtol=1e-13)
    np.testing.assert_allclose(softmax.vjp(z, dp, temperature=2.0), t.grad.numpy(), rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(log_softmax(z), torch.log_softmax(torch.tensor(z), -1).numpy(), rtol=1e-13)
    for z0 in (3.0, -1e300, np.inf, np.nan):  # a 0-d tensor
        t0 = torch.tensor(z0, dtype=torch.float64)
        np.testing.assert_array_equal(softmax(z0), torch.softmax(t0, -1).numpy())
        np.testing.assert_array_equal(log_softmax(z0), torch.log_softmax(t0, -1).numpy())


# -- the zoo's smooth functions against mpmath, in ulps (float64) -------------------------------------------

def _mpmath_references():
    """name -> (f, f', where f' crosses 0 or None), as functions of an mpmath number."""
    mp = pytest.importorskip("mpmath")
    softplus = lambda t: mp.log1p(mp.exp(t))  # noqa: E731
    sigmoid = lambda t: 1 / (1 + mp.exp(-t))  # noqa: E731
    return mp, {
        "mish": (lambda t: t * mp.tanh(softplus(t)),
                 lambda t: mp.tanh(softplus(t)) + t * sigmoid(t) * mp.sech(softplus(t)) ** 2, -1.1924),
        "logsigmoid": (lambda t: -softplus(-t), lambda t: sigmoid(-t), None),
        "celu": (lambda t: t if t > 0 else mp.expm1(t), lambda t: mp.mpf(1) if t > 0 else mp.exp(t), None),
        "softsign": (lambda t: t / (1 + abs(t)), lambda t: 1 / (1 + abs(t)) ** 2, None),
        "tanhshrink": (lambda t: t - mp.tanh(t), lambda t: mp.tanh(t) ** 2, None),
        "softplus": (softplus, sigmoid, None),
    }


# both tails (down to where e^x is still a normal float) and the middle
MP_POINTS = np.concatenate([-np.geomspace(1e-8, 700, 300), np.geomspace(1e-8, 700, 300), np.linspace(-5, 5, 201)])
MP_ULPS = {"mish": (3, 8), "logsigmoid": (2, 3), "celu": (2, 1), "softsign": (2, 4), "tanhshrink": (2, 3),
           "softplus": (2, 3)}  # (value, derivative) tolerances in ulps


@pytest.mark.parametrize("name", sorted(MP_ULPS))
def test_zoo_against_mpmath_in_ulps(name):
    mp, references = _mpmath_references()
    value, slope, root = references[name]
    f = ALL_ACTIVATIONS[name]
    x = MP_POINTS[MP_POINTS <= 20] if name == "softplus" else MP_POINTS  # softplus is x beyond 20
    with mp.workdps(60):
        exact = np.array([float(value(mp.mpf(float(t)))) for t in x])
        exact_slope = np.array([float(slope(mp.mpf(float(t)))) for t in x])
    value_ulps, slope_ulps = MP_ULPS[name]
    checked = np.abs(x) >= 1 if name == "tanhshrink" else np.ones(x.shape, bool)
    assert (_ulps(f(x)[checked], exact[checked], np.float64) <= value_ulps).all()
    if name == "tanhshrink":  # near 0, x - tanh(x) cancels: accurate to a few ulp of x, not of x^3/3
        assert (np.abs(f(x) - exact)[~checked] <= 2 * np.spacing(np.abs(x[~checked]))).all()
    far = np.ones(x.shape, bool) if root is None else np.abs(x - root) > 0.25
    assert (_ulps(f.derivative(x)[far], exact_slope[far], np.float64) <= slope_ulps).all()
    # near a root of f' the error is set by the size of the terms that cancel (about 1), not by f'
    assert (np.abs(f.derivative(x) - exact_slope)[~far] <= 8 * np.finfo(float).eps).all()


def test_mish_and_logsigmoid_tails():
    """Far in the tails the values are tiny but keep their relative accuracy (no 1 - x cancellation)."""
    mish, logsigmoid = ALL_ACTIVATIONS["mish"], ALL_ACTIVATIONS["logsigmoid"]
    x = np.array([-30.0, -100.0, -700.0])
    np.testing.assert_allclose(mish(x), x * np.exp(x), rtol=1e-12)  # x tanh(softplus x) ~ x e^x
    np.testing.assert_allclose(logsigmoid(-x), -np.exp(x), rtol=1e-12)  # log sigma(t) ~ -e^-t
    np.testing.assert_array_equal(logsigmoid(x), x - np.log1p(np.exp(x)))
    assert (mish.derivative(x) < 0).all() and (mish.derivative(x) > x * np.exp(x) * 1.01).all()


# -- exact GELU against mpmath, in ulps (float16/float32 via scipy's ndtr in float64, rounded once) ----------

def _gelu_reference(xs):
    """x Phi(x) and Phi(x) + x phi(x) to 40 digits, as Python floats (mpmath)."""
    mp = pytest.importorskip("mpmath")
    with mp.workdps(40):
        values, slopes = [], []
        for x in xs:
            x = mp.mpf(float(x))
            cdf = mp.erfc(-x / mp.sqrt(2)) / 2
            values.append(float(x * cdf))
            slopes.append(float(cdf + x * mp.exp(-x * x / 2) / mp.sqrt(2 * mp.pi)))
    return np.array(values), np.array(slopes), np.array([float(mp.ncdf(mp.mpf(float(x)))) for x in xs])


def _ulps(actual, reference, dtype):
    """|actual - reference| in units of the spacing of ``dtype`` at the (correctly rounded) reference."""
    spacing = np.spacing(np.abs(reference.astype(dtype))).astype(np.float64)
    return np.abs(actual.astype(np.float64) - reference) / spacing


GELU_POINTS = np.concatenate([
    -np.geomspace(1e-30, 15, 150), np.geomspace(1e-30, 16, 100),  # both sides, down to the tail
    np.linspace(-14.2, -13.2, 40),   # float32 GELU and its slope become subnormal, then 0
    np.linspace(-0.80, -0.70, 21),   # the minimum of GELU, where the slope crosses 0
    [0.0, 5.3, 5.5, 30.0],
])


def test_gelu_float32_within_one_ulp_of_mpmath():
    x = GELU_POINTS.astype(np.float32)
    value, slope, cdf = _gelu_reference(x)
    assert _ulps(ALL_ACTIVATIONS["gelu"](x), value, np.float32).max() <= 1.0
    # the slope crosses 0 at x = -0.7518: there the error is set by Phi(x) (~0.23), as in any float32
    # Phi(x) + x phi(x); elsewhere it is within one ulp
    error = np.abs(ALL_ACTIVATIONS["gelu"].derivative(x).astype(np.float64) - slope)
    spacing = np.spacing(np.abs(slope.astype(np.float32))).astype(np.float64)
    assert (error <= spacing + 2.0**-24 * cdf).all()
    far = np.abs(x + 0.75) > 0.1
    assert _ulps(ALL_ACTIVATIONS["gelu"].derivative(x[far]), slope[far], np.float32).max() <= 1.0
    # the far negative tail is tiny but not 0 until it underflows
    tail = (x < -5) & (x > -14)
    assert (ALL_ACTIVATIONS["gelu"](x[tail]) < 0).all() and (ALL_ACTIVATIONS["gelu"].derivative(x[tail]) < 0).all()


def test_gelu_float16_is_correctly_rounded_float32():
    x = np.linspace(-10, 10, 2001).astype(np.float16)
    x32 = x.astype(np.float32)
    np.testing.assert_array_equal(ALL_ACTIVATIONS["gelu"](x), ALL_ACTIVATIONS["gelu"](x32).astype(np.float16))
    np.testing.assert_allclose(ALL_ACTIVATIONS["gelu"].derivative(x), ALL_ACTIVATIONS["gelu"].derivative(x32),
                               rtol=1e-3, atol=1e-3)


def test_gelu_float64_against_mpmath():
    x = GELU_POINTS[np.abs(GELU_POINTS) < 30]
    value, slope, _ = _gelu_reference(x)
    # scipy's ndtr takes x / sqrt(2), whose rounding is amplified ~x^2 times in the far tail
    tolerance = 4 * (1 + x**2)
    assert (_ulps(ALL_ACTIVATIONS["gelu"](x), value, np.float64) <= tolerance).all()
    far = np.abs(x + 0.75) > 0.1
    assert (_ulps(ALL_ACTIVATIONS["gelu"].derivative(x[far]), slope[far], np.float64) <= tolerance[far]).all()


# -- exact GELU on large inputs, with every special value scattered through them ----------------------------

def _same_bits(actual, expected):
    """Same dtype, shape and bits (so -0.0 differs from 0.0), and NaN at the same places (of any sign)."""
    assert actual.dtype == expected.dtype and actual.shape == expected.shape
    unsigned = np.dtype(f"u{expected.dtype.itemsize}")
    nan = np.isnan(expected)
    return (np.array_equal(np.isnan(actual), nan)
            and np.array_equal(actual[~nan].view(unsigned), expected[~nan].view(unsigned)))


def _large_gelu_input(dtype, size=(1 << 18) + 12345):
    """Random numbers over the whole range of GELU, the dtype's extremes, +-0, +-inf and NaN."""
    rng = np.random.default_rng(7)
    info = np.finfo(dtype)
    special_values = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, info.max, -info.max, info.tiny,
                               -info.tiny, info.smallest_subnormal, -info.smallest_subnormal, 40.0, -40.0,
                               -13.8, -0.7518], dtype)
    with np.errstate(over="ignore"):
        x = (6 * rng.standard_normal(size)).astype(dtype)
    x[rng.integers(0, size, 500)] = np.resize(special_values, 500)  # scattered through the array
    x[-len(special_values):] = special_values  # and at its end
    return x


def _gelu_scipy(x, kind):
    """Exact GELU of a 1-d ``x``, written apart from lib: scipy's ndtr in float64, numpy's ``where=``
    masks for the products that meet an infinity, and one rounding to the dtype of ``x`` at the end."""
    x64 = x.astype(np.float64)
    cdf = special.ndtr(x64)
    if kind == "value":
        result = np.multiply(x64, cdf, out=cdf.copy(), where=cdf != 0)  # 0, not NaN, at x = -inf
    else:
        t = np.minimum(np.abs(x64), 64)
        phi = np.exp(-t**2 / 2) / np.sqrt(2 * np.pi)
        result = cdf + np.multiply(phi, x64, out=phi.copy(), where=phi != 0)  # 0, not NaN, at x = +-inf
    return result.astype(x.dtype)


@pytest.mark.parametrize("kind", ["value", "derivative"])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_exact_gelu_on_a_large_input_is_bitwise_the_reference(dtype, kind):
    x = _large_gelu_input(dtype)
    f = ALL_ACTIVATIONS["gelu"] if kind == "value" else ALL_ACTIVATIONS["gelu"].derivative
    copy = x.copy()
    result = f(x)
    assert _same_bits(x, copy)  # input untouched
    assert _same_bits(result, _gelu_scipy(x, kind))
    assert _same_bits(result[::997], f(x[::997]))  # no element depends on its neighbours
    if kind == "value" and dtype != np.float64:  # within one ulp of scipy's float64 x Phi(x)
        x64 = x.astype(np.float64)
        cdf = special.ndtr(x64)
        reference = np.multiply(x64, cdf, out=cdf.copy(), where=cdf != 0)
        finite = np.isfinite(x)
        with np.errstate(over="ignore"):  # the spacing at the dtype's maximum is inf
            ulp = np.spacing(np.abs(reference[finite]).astype(dtype)).astype(np.float64)
        assert (np.abs(result[finite].astype(np.float64) - reference[finite]) <= ulp).all()
        np.testing.assert_array_equal(result[~finite], reference[~finite].astype(dtype))


@pytest.mark.parametrize("kind", ["value", "derivative"])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_exact_gelu_non_contiguous_and_nd_inputs(dtype, kind):
    x = _large_gelu_input(dtype, size=3 * (1 << 18) + 1)
    f = ALL_ACTIVATIONS["gelu"] if kind == "value" else ALL_ACTIVATIONS["gelu"].derivative
    inputs = [x[::3], x[1:].reshape(768, 1024).T, x[: 786 * 1000].reshape(786, 1000)[::-1, ::2],
              x[: 2 * 3 * 70_000].reshape(2, 3, 70_000)]
    for v in inputs:
        result = f(v)
        assert result.shape == v.shape and result.dtype == dtype
        assert _same_bits(result, f(np.ascontiguousarray(v)))
        assert _same_bits(result.reshape(-1), _gelu_scipy(v.reshape(-1), kind))


@pytest.mark.parametrize("kind", ["value", "derivative"])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_exact_gelu_small_empty_and_0d_inputs(dtype, kind):
    f = ALL_ACTIVATIONS["gelu"] if kind == "value" else ALL_ACTIVATIONS["gelu"].derivative
    special_values = _large_gelu_input(dtype, size=20)
    inputs = [np.array(dtype(-1.5)), np.array(dtype(np.nan)), np.array(dtype(-np.inf)), np.empty(0, dtype),
              np.empty((3, 0), dtype), special_values, special_values.reshape(4, 5)]
    for v in inputs:
        result = f(v)
        assert isinstance(result, np.ndarray) and result.shape == v.shape and result.dtype == dtype
        assert _same_bits(result.reshape(-1), _gelu_scipy(v.reshape(-1), kind))
