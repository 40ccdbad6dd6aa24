"""Tests for lib.normalization: data scaling, batch, layer, RMS, group and instance norm."""

import copy
import inspect
import doctest
import warnings

import numpy as np
import pytest

import lib.normalization
from lib.derivatives import numerical_gradient
from lib.normalization import (
    BatchNorm,
    group_norm,
    group_norm_backward,
    instance_norm,
    instance_norm_backward,
    layer_norm,
    layer_norm_backward,
    min_max_scale,
    rms_norm,
    rms_norm_backward,
    shares_statistics,
    standardize,
    statistics_axes,
)

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


@pytest.fixture
def rng():
    return np.random.default_rng(20240611)


def numeric_grad(loss, arr, h=1e-6):
    """Central differences of the scalar ``loss()``, which reads ``arr``, with respect to ``arr``."""
    original = arr.copy()

    def loss_at(q):
        arr[...] = q
        return loss()

    try:
        return numerical_gradient(loss_at, original, h=h)
    finally:
        arr[...] = original


def assert_grad_close(analytic, numeric):
    """Relative agreement to about 1e-7, measured against the gradient's overall size."""
    scale = np.max(np.abs(numeric))
    assert scale > 1e-3  # a vanishing reference gradient would make the comparison empty
    np.testing.assert_allclose(analytic, numeric, rtol=1e-7, atol=1e-7 * scale)


# ==================================================================================================
# standardize


@pytest.mark.parametrize("axis", [0, 1])
def test_standardize_mean_zero_std_one(rng, axis):
    x = rng.normal(3.0, 7.0, size=(50, 4))
    z = standardize(x, axis=axis)
    assert z.shape == x.shape
    np.testing.assert_allclose(z.mean(axis=axis), 0.0, atol=1e-12)
    np.testing.assert_allclose(z.std(axis=axis, ddof=0), 1.0, rtol=1e-12)
    expected = (x - x.mean(axis, keepdims=True)) / x.std(axis, keepdims=True)
    np.testing.assert_allclose(z, expected, rtol=1e-12, atol=1e-12)


def test_standardize_uses_population_std():
    z = standardize([1.0, 2.0, 3.0, 4.0])
    np.testing.assert_allclose(z, (np.arange(1, 5) - 2.5) / np.sqrt(1.25), rtol=1e-14)


def test_standardize_is_not_a_zero_one_range(rng):
    z = standardize(rng.normal(size=10_000))
    assert z.min() < -2 and z.max() > 2
    assert np.mean((z < 0) | (z > 1)) > 0.6


def test_standardize_1d_3d_and_axis_none(rng):
    x = rng.normal(size=(3, 5, 4))
    for axis in (0, 1, 2, -1):
        z = standardize(x, axis=axis)
        assert z.shape == x.shape
        np.testing.assert_allclose(z.std(axis=axis), 1.0, rtol=1e-12)
    z = standardize(x, axis=None)
    assert z.mean() == pytest.approx(0.0, abs=1e-12) and z.std() == pytest.approx(1.0, rel=1e-12)
    assert standardize(x[0, 0]).shape == (4,)


def test_standardize_constant_column_gives_zero_without_warning():
    x = np.array([[0.1, 1.0], [0.1, 2.0], [0.1, 3.0]])
    z = standardize(x)
    np.testing.assert_array_equal(z[:, 0], 0.0)
    np.testing.assert_allclose(z[:, 1], [-np.sqrt(1.5), 0.0, np.sqrt(1.5)], rtol=1e-14)




def test_standardize_dtypes_and_no_mutation():
    x32 = np.array([1.0, 2.0, 4.0], dtype=np.float32)
    before = x32.copy()
    assert standardize(x32).dtype == np.float32
    np.testing.assert_array_equal(x32, before)
    z = standardize(np.array([1, 2, 3]))
    assert z.dtype == np.float64
    np.testing.assert_allclose(z, [-np.sqrt(1.5), 0, np.sqrt(1.5)], rtol=1e-14)
    assert standardize(np.zeros((0, 3))).shape == (0, 3)


# ==================================================================================================
# min_max_scale


@pytest.mark.parametrize("feature_range", [(0, 1), (-1, 1), (-1.0, 0.1), (2.5, 7.25)])
@pytest.mark.parametrize("axis", [0, 1])
def test_min_max_exact_range(rng, axis, feature_range):
    lo, hi = feature_range
    x = rng.normal(5.0, 3.0, size=(20, 6))
    y = min_max_scale(x, axis=axis, feature_range=feature_range)
    assert y.shape == x.shape
    np.testing.assert_array_equal(y.min(axis=axis), lo)
    np.testing.assert_array_equal(y.max(axis=axis), hi)
    expected = lo + (hi - lo) * (x - x.min(axis, keepdims=True)) / np.ptp(x, axis, keepdims=True)
    np.testing.assert_allclose(y, expected, rtol=1e-12, atol=1e-12)


def test_min_max_1d_3d_axis_none(rng):
    x = rng.normal(size=(2, 3, 4))
    for axis in (0, 1, 2):
        y = min_max_scale(x, axis=axis)
        np.testing.assert_array_equal(y.min(axis=axis), 0.0)
        np.testing.assert_array_equal(y.max(axis=axis), 1.0)
    y = min_max_scale(x, axis=None)
    assert y.min() == 0.0 and y.max() == 1.0
    np.testing.assert_allclose(min_max_scale([3.0, 5.0, 4.0]), [0.0, 1.0, 0.5])


def test_min_max_constant_column_gives_lower_bound():
    x = np.array([[2.0, 0.0], [2.0, 4.0]])
    np.testing.assert_array_equal(min_max_scale(x, feature_range=(-3, 3)), [[-3.0, -3.0], [-3.0, 3.0]])




def test_min_max_dtypes_and_no_mutation():
    x32 = np.array([1.0, 2.0, 5.0], dtype=np.float32)
    before = x32.copy()
    y = min_max_scale(x32, feature_range=(np.float64(-1), np.float64(1)))
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y, np.array([-1.0, -0.5, 1.0], dtype=np.float32))
    np.testing.assert_array_equal(x32, before)
    assert min_max_scale([0, 5, 10]).dtype == np.float64


@pytest.mark.parametrize("feature_range", [(1, 1), (2, 1), (0, np.inf), (np.nan, 1), (0, 1, 2), "ab", 5])
def test_min_max_bad_feature_range(feature_range):
    with pytest.raises(ValueError, match="feature_range"):
        min_max_scale([1.0, 2.0], feature_range=feature_range)


# ==================================================================================================
# BatchNorm


def test_batchnorm_initial_attributes():
    bn = BatchNorm(3)
    np.testing.assert_array_equal(bn.gamma, np.ones(3))
    np.testing.assert_array_equal(bn.beta, np.zeros(3))
    np.testing.assert_array_equal(bn.running_mean, np.zeros(3))
    np.testing.assert_array_equal(bn.running_var, np.ones(3))
    assert (bn.eps, bn.momentum, bn.num_features) == (1e-5, 0.1, 3)
    assert bn.dgamma is None and bn.dbeta is None and bn.x_hat is None


def test_batchnorm_training_output_mean_zero_var_one(rng):
    x = rng.normal(4.0, 3.0, size=(64, 5))
    bn = BatchNorm(5, eps=1e-12)
    y = bn.forward(x)
    np.testing.assert_allclose(y.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(y.var(axis=0), 1.0, rtol=1e-10)
    np.testing.assert_allclose(bn.batch_mean, x.mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(bn.batch_var, x.var(axis=0), rtol=1e-12)
    np.testing.assert_array_equal(bn.x_hat, y)


def test_batchnorm_formula_with_gamma_beta(rng):
    x = rng.normal(size=(8, 3))
    bn = BatchNorm(3, eps=1e-3)
    bn.gamma = np.array([2.0, -0.5, 1.5])
    bn.beta = np.array([0.3, 1.0, -2.0])
    y = bn.forward(x)
    expected = bn.gamma * (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3) + bn.beta
    np.testing.assert_allclose(y, expected, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(y.mean(0), bn.beta, atol=1e-12)


def test_batchnorm_running_stats_by_hand(rng):
    bn = BatchNorm(4, momentum=0.3)
    mean, var = np.zeros(4), np.ones(4)
    for step in range(4):
        x = rng.normal(step, 1 + step, size=(6, 4))
        bn.forward(x)
        mean = 0.7 * mean + 0.3 * x.mean(axis=0)
        var = 0.7 * var + 0.3 * x.var(axis=0, ddof=1)
    np.testing.assert_allclose(bn.running_mean, mean, rtol=1e-13)
    np.testing.assert_allclose(bn.running_var, var, rtol=1e-13)


def test_batchnorm_momentum_extremes(rng):
    x = rng.normal(size=(5, 2))
    frozen = BatchNorm(2, momentum=0.0)
    frozen.forward(x)
    np.testing.assert_array_equal(frozen.running_mean, 0.0)
    np.testing.assert_array_equal(frozen.running_var, 1.0)
    latest = BatchNorm(2, momentum=1.0)
    latest.forward(rng.normal(size=(5, 2)))
    latest.forward(x)
    np.testing.assert_allclose(latest.running_mean, x.mean(0), rtol=1e-14)
    np.testing.assert_allclose(latest.running_var, x.var(0, ddof=1), rtol=1e-14)


def test_batchnorm_eval_uses_running_stats_and_updates_nothing(rng):
    bn = BatchNorm(3, eps=1e-4)
    for _ in range(3):
        bn.forward(rng.normal(2.0, 3.0, size=(10, 3)))
    bn.gamma = np.array([1.5, 0.5, -1.0])
    bn.beta = np.array([0.1, 0.2, 0.3])
    rm, rv = bn.running_mean.copy(), bn.running_var.copy()
    x = rng.normal(size=(4, 3))
    y = bn.forward(x, training=False)
    np.testing.assert_allclose(y, bn.gamma * (x - rm) / np.sqrt(rv + 1e-4) + bn.beta, rtol=1e-13)
    np.testing.assert_array_equal(bn.running_mean, rm)
    np.testing.assert_array_equal(bn.running_var, rv)
    assert bn.batch_mean is None and bn.batch_var is None
    # each sample's output does not depend on the rest of the batch; a batch of one is fine
    np.testing.assert_allclose(bn.forward(x[:1], training=False), y[:1], rtol=1e-15)


def assert_batchnorm_grads(bn, dx, x, dy, training):
    """dx, bn.dgamma and bn.dbeta against central differences of sum(dy * forward(x)) on a copy."""
    probe = copy.deepcopy(bn)

    def loss():
        return np.sum(dy * probe.forward(x, training=training))

    assert_grad_close(dx, numeric_grad(loss, x))
    assert_grad_close(bn.dgamma, numeric_grad(loss, probe.gamma))
    assert_grad_close(bn.dbeta, numeric_grad(loss, probe.beta))


def test_batchnorm_backward_training_against_central_differences(rng):
    n, c = 6, 3
    x = rng.normal(1.0, 2.0, size=(n, c))
    dy = rng.normal(size=(n, c))
    bn = BatchNorm(c, eps=1e-3)
    bn.gamma = rng.normal(size=c)
    bn.beta = rng.normal(size=c)
    bn.forward(x)
    dx = bn.backward(dy)
    assert dx.shape == x.shape

    assert_batchnorm_grads(bn, dx, x, dy, training=True)


def test_batchnorm_backward_all_ones_dy_is_zero(rng):
    # why tests use a random dy: with dy = 1 (and gamma = 1) the true dx is exactly 0
    bn = BatchNorm(2)
    bn.forward(rng.normal(size=(5, 2)))
    np.testing.assert_allclose(bn.backward(np.ones((5, 2))), 0.0, atol=1e-12)


def test_batchnorm_backward_eval_against_central_differences(rng):
    n, c = 4, 3
    bn = BatchNorm(c, eps=1e-2)
    bn.running_mean = rng.normal(size=c)
    bn.running_var = rng.uniform(0.5, 2.0, size=c)
    bn.gamma = rng.normal(size=c)
    x = rng.normal(size=(n, c))
    dy = rng.normal(size=(n, c))
    bn.forward(x, training=False)
    dx = bn.backward(dy)
    np.testing.assert_allclose(dx, bn.gamma / np.sqrt(bn.running_var + 1e-2) * dy, rtol=1e-14)

    assert_batchnorm_grads(bn, dx, x, dy, training=False)


def test_batchnorm_each_parameter_changes_the_output(rng):
    x = rng.normal(0.0, 0.1, size=(5, 2))
    base = BatchNorm(2).forward(x)
    assert not np.allclose(BatchNorm(2, eps=1e-1).forward(x), base)
    scaled = BatchNorm(2)
    scaled.gamma = np.array([2.0, 3.0])
    np.testing.assert_allclose(scaled.forward(x), base * [2.0, 3.0], rtol=1e-14)
    shifted = BatchNorm(2)
    shifted.beta = np.array([1.0, -1.0])
    np.testing.assert_allclose(shifted.forward(x), base + [1.0, -1.0], rtol=1e-14, atol=1e-15)
    # momentum acts through the running statistics, hence through inference
    slow, fast = BatchNorm(2, momentum=0.1), BatchNorm(2, momentum=0.9)
    slow.forward(x + 5)
    fast.forward(x + 5)
    assert not np.allclose(slow.forward(x, training=False), fast.forward(x, training=False))


def test_batchnorm_float32_and_no_mutation(rng):
    x = rng.normal(size=(5, 3)).astype(np.float32)
    before = x.copy()
    bn = BatchNorm(3)
    y = bn.forward(x)
    assert y.dtype == np.float32
    assert bn.backward(rng.normal(size=(5, 3)).astype(np.float32)).dtype == np.float32
    assert bn.running_var.dtype == np.float64
    np.testing.assert_allclose(y, BatchNorm(3).forward(x.astype(np.float64)), rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(x, before)
    assert bn.forward(x, training=False).dtype == np.float32
    assert BatchNorm(2).forward([[1, 2], [3, 5]]).dtype == np.float64


@pytest.mark.parametrize("eps", [0.0, -1e-5, np.nan, np.inf, None, "small"])
def test_batchnorm_bad_eps(eps):
    with pytest.raises(ValueError, match="eps"):
        BatchNorm(3, eps=eps)


@pytest.mark.parametrize("momentum", [-0.1, 1.5, np.nan, "fast", [0.1]])
def test_batchnorm_bad_momentum(momentum):
    with pytest.raises(ValueError, match="momentum"):
        BatchNorm(3, momentum=momentum)


@pytest.mark.parametrize("num_features", [0, -2, 2.5, True, "3"])
def test_batchnorm_bad_num_features(num_features):
    with pytest.raises(ValueError, match="num_features"):
        BatchNorm(num_features)


def test_batchnorm_batch_of_one_in_training_raises():
    bn = BatchNorm(3)
    with pytest.raises(ValueError, match="N=1"):
        bn.forward(np.ones((1, 3)))
    assert bn.forward(np.ones((1, 3)), training=False).shape == (1, 3)


def test_batchnorm_width_mismatch_names_num_features():
    with pytest.raises(ValueError, match="num_features"):
        BatchNorm(3).forward(np.ones((4, 2)))


@pytest.mark.parametrize("shape", [(4,), ()])
def test_batchnorm_non_2d_input_raises(shape):
    with pytest.raises(ValueError, match="2-D"):
        BatchNorm(3).forward(np.ones(shape))


def test_batchnorm_3d_input_is_n_c_l():
    # (2, 3, 3) used to be refused; it is now a batch of 2 samples, 3 channels, length 3
    x = np.arange(18.0).reshape(2, 3, 3)
    bn = BatchNorm(3)
    y = bn.forward(x)
    assert y.shape == (2, 3, 3)
    np.testing.assert_array_equal(bn.batch_mean, x.mean(axis=(0, 2)))
    with pytest.raises(ValueError, match="num_features"):
        BatchNorm(2).forward(x)


def test_batchnorm_backward_errors(rng):
    bn = BatchNorm(2)
    with pytest.raises(ValueError, match="forward"):
        bn.backward(np.ones((3, 2)))
    bn.forward(rng.normal(size=(3, 2)))
    with pytest.raises(ValueError, match="dy"):
        bn.backward(np.ones((4, 2)))


# ==================================================================================================
# layer_norm and rms_norm


def layer_norm_reference(x, gamma, beta, eps):
    mu = x.mean(-1, keepdims=True)
    return gamma * (x - mu) / np.sqrt(((x - mu) ** 2).mean(-1, keepdims=True) + eps) + beta


def rms_norm_reference(x, gamma, eps):
    return gamma * x / np.sqrt((x**2).mean(-1, keepdims=True) + eps)


@pytest.mark.parametrize("shape", [(5,), (3, 5), (2, 3, 5)])
def test_layer_norm_values(rng, shape):
    x = rng.normal(2.0, 3.0, size=shape)
    gamma, beta = rng.normal(size=5), rng.normal(size=5)
    expected = layer_norm_reference(x, gamma, beta, 1e-3)
    np.testing.assert_allclose(layer_norm(x, gamma, beta, eps=1e-3), expected, rtol=1e-13, atol=1e-14)
    y = layer_norm(x, eps=1e-12)
    np.testing.assert_allclose(y.mean(-1), 0.0, atol=1e-12)
    np.testing.assert_allclose(y.var(-1), 1.0, rtol=1e-10)


@pytest.mark.parametrize("shape", [(5,), (3, 5), (2, 3, 5)])
def test_rms_norm_values(rng, shape):
    x = rng.normal(2.0, 3.0, size=shape)
    gamma = rng.normal(size=5)
    expected = rms_norm_reference(x, gamma, 1e-3)
    np.testing.assert_allclose(rms_norm(x, gamma, eps=1e-3), expected, rtol=1e-13)
    y = rms_norm(x, eps=1e-12)
    np.testing.assert_allclose(np.sqrt((y**2).mean(-1)), 1.0, rtol=1e-10)


def test_layer_and_rms_norm_against_torch(rng):
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    x = rng.normal(1.0, 2.0, size=(4, 3, 6))
    gamma, beta = rng.normal(size=6), rng.normal(size=6)
    xt, gt, bt = (torch.from_numpy(a) for a in (x, gamma, beta))
    pairs = [
        (layer_norm(x, gamma, beta, eps=1e-4), functional.layer_norm(xt, (6,), gt, bt, eps=1e-4)),
        (layer_norm(x), functional.layer_norm(xt, (6,))),  # both default to eps = 1e-5
        (rms_norm(x, gamma, eps=1e-4), functional.rms_norm(xt, (6,), gt, eps=1e-4)),
        (rms_norm(x), functional.rms_norm(xt, (6,), eps=1e-6)),  # torch's default eps differs
    ]
    for ours, theirs in pairs:
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-12, atol=1e-13)


def test_layer_and_rms_norm_backward_against_torch(rng):
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    x = rng.normal(size=(3, 5))
    dy = rng.normal(size=(3, 5))
    gamma, beta = rng.normal(size=5), rng.normal(size=5)
    xt, gt, bt = (torch.tensor(a, requires_grad=True) for a in (x, gamma, beta))
    functional.layer_norm(xt, (5,), gt, bt, eps=1e-3).backward(torch.from_numpy(dy))
    dx, dgamma, dbeta = layer_norm_backward(x, dy, gamma, eps=1e-3)
    for ours, theirs in ((dx, xt), (dgamma, gt), (dbeta, bt)):
        np.testing.assert_allclose(ours, theirs.grad.numpy(), rtol=1e-10, atol=1e-12)
    xt, gt = (torch.tensor(a, requires_grad=True) for a in (x, gamma))
    functional.rms_norm(xt, (5,), gt, eps=1e-3).backward(torch.from_numpy(dy))
    dx, dgamma = rms_norm_backward(x, dy, gamma, eps=1e-3)
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dgamma, gt.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("shape", [(5,), (3, 5), (2, 3, 5)])
@pytest.mark.parametrize("with_gamma", [True, False])
def test_layer_norm_backward_against_central_differences(rng, shape, with_gamma):
    x = rng.normal(1.0, 2.0, size=shape)
    dy = rng.normal(size=shape)
    gamma = rng.normal(size=5) if with_gamma else None
    beta = rng.normal(size=5)
    dx, dgamma, dbeta = layer_norm_backward(x, dy, gamma, eps=1e-3)
    assert dx.shape == shape and dgamma.shape == (5,) and dbeta.shape == (5,)
    g = np.ones(5) if gamma is None else gamma.copy()

    def loss():
        return np.sum(dy * layer_norm(x, g, beta, eps=1e-3))

    assert_grad_close(dx, numeric_grad(loss, x))
    assert_grad_close(dgamma, numeric_grad(loss, g))
    assert_grad_close(dbeta, numeric_grad(loss, beta))


@pytest.mark.parametrize("shape", [(5,), (3, 5), (2, 3, 5)])
@pytest.mark.parametrize("with_gamma", [True, False])
def test_rms_norm_backward_against_central_differences(rng, shape, with_gamma):
    x = rng.normal(1.0, 2.0, size=shape)
    dy = rng.normal(size=shape)
    gamma = rng.normal(size=5) if with_gamma else None
    dx, dgamma = rms_norm_backward(x, dy, gamma, eps=1e-3)
    assert dx.shape == shape and dgamma.shape == (5,)
    g = np.ones(5) if gamma is None else gamma.copy()

    def loss():
        return np.sum(dy * rms_norm(x, g, eps=1e-3))

    assert_grad_close(dx, numeric_grad(loss, x))
    assert_grad_close(dgamma, numeric_grad(loss, g))


def test_layer_and_rms_norm_each_parameter_changes_the_output(rng):
    x = rng.normal(0.0, 0.05, size=(2, 4))
    gamma, beta = np.array([1.0, 2.0, 3.0, 4.0]), np.array([0.5, 0.0, -0.5, 1.0])
    base = layer_norm(x)
    assert not np.allclose(layer_norm(x, eps=1e-2), base)
    np.testing.assert_allclose(layer_norm(x, gamma=gamma), base * gamma, rtol=1e-14)
    np.testing.assert_allclose(layer_norm(x, beta=beta), base + beta, rtol=1e-14, atol=1e-15)
    base = rms_norm(x)
    assert not np.allclose(rms_norm(x, eps=1e-2), base)
    np.testing.assert_allclose(rms_norm(x, gamma=gamma), base * gamma, rtol=1e-14)


def test_layer_and_rms_norm_dtypes_and_no_mutation(rng):
    x = rng.normal(size=(3, 4)).astype(np.float32)
    before = x.copy()
    gamma = np.linspace(0.5, 2.0, 4)  # float64 parameters do not promote float32 data
    assert layer_norm(x, gamma, gamma).dtype == np.float32
    assert rms_norm(x, gamma).dtype == np.float32
    assert all(a.dtype == np.float32 for a in layer_norm_backward(x, x, gamma))
    assert all(a.dtype == np.float32 for a in rms_norm_backward(x, x, gamma))
    np.testing.assert_array_equal(x, before)
    assert layer_norm([[1, 2, 3]]).dtype == np.float64
    assert rms_norm([[1, 2, 3]]).dtype == np.float64


def test_layer_norm_works_on_a_batch_of_one():
    np.testing.assert_allclose(layer_norm([[1.0, 3.0]], eps=1e-12), [[-1.0, 1.0]], rtol=1e-10)


@pytest.mark.parametrize("name", ["gamma", "beta"])
@pytest.mark.parametrize("shape", [(3,), (2, 4), ()])
def test_layer_norm_bad_param_shape(name, shape):
    with pytest.raises(ValueError, match=name):
        layer_norm(np.ones((2, 4)), **{name: np.ones(shape)})


@pytest.mark.parametrize("shape", [(3,), (2, 4)])
def test_rms_norm_bad_gamma_shape(shape):
    with pytest.raises(ValueError, match="gamma"):
        rms_norm(np.ones((2, 4)), gamma=np.ones(shape))
    with pytest.raises(ValueError, match="gamma"):
        rms_norm_backward(np.ones((2, 4)), np.ones((2, 4)), gamma=np.ones(shape))
    with pytest.raises(ValueError, match="gamma"):
        layer_norm_backward(np.ones((2, 4)), np.ones((2, 4)), gamma=np.ones(shape))


@pytest.mark.parametrize("fn", [layer_norm, rms_norm])
@pytest.mark.parametrize("eps", [0.0, -1.0, np.nan])
def test_layer_and_rms_norm_bad_eps(fn, eps):
    with pytest.raises(ValueError, match="eps"):
        fn(np.ones((2, 3)), eps=eps)


def test_layer_and_rms_norm_bad_inputs():
    with pytest.raises(ValueError, match="x"):
        layer_norm(3.0)
    with pytest.raises(ValueError, match="x"):
        rms_norm(3.0)
    with pytest.raises(ValueError, match="dy"):
        layer_norm_backward(np.ones((2, 3)), np.ones((3, 2)))
    with pytest.raises(ValueError, match="dy"):
        rms_norm_backward(np.ones((2, 3)), np.ones((3, 2)))


# ==================================================================================================
# doctests


def test_doctests():
    result = doctest.testmod(lib.normalization)
    assert result.attempted > 0
    assert result.failed == 0






# ==================================================================================================
# formula-first: the overflow guard changes no digit; constant slices; non-finite input; float16


def textbook_normalize(x, axes, eps):
    """(x - mu) / sqrt(var + eps) over ``axes``, the chapter's formula as written, with no guard."""
    mu = np.mean(x, axis=axes, keepdims=True)
    var = np.mean((x - mu) ** 2, axis=axes, keepdims=True)
    return (x - mu) / np.sqrt(var + x.dtype.type(eps))




@pytest.mark.parametrize("value", [0.1, -7.3, 1e30])
def test_a_constant_slice_normalizes_to_exactly_zero(value):
    # the rounded mean of three copies of 0.1 is not 0.1; with a tiny eps the textbook formula
    # would turn that rounding into x_hat of about 0.01 (and for 1e300, eps / s**2 underflows)
    x = np.full((2, 3), value)
    dy = np.array([[0.5, -1.0, 2.0], [1.0, 0.0, -3.0]])
    eps = 1e-30
    np.testing.assert_array_equal(layer_norm(x, eps=eps), 0.0)
    dx, _, _ = layer_norm_backward(x, dy, eps=eps)
    # at a constant sample x_hat = 0 and the variance has zero slope: dx = (dy - mean dy) / sqrt(eps)
    np.testing.assert_allclose(dx, (dy - dy.mean(-1, keepdims=True)) / np.sqrt(eps), rtol=1e-12)
    images = np.full((2, 4, 3), value)
    np.testing.assert_array_equal(group_norm(images, 2, eps=eps), 0.0)
    np.testing.assert_array_equal(instance_norm(images, eps=eps), 0.0)
    bn = BatchNorm(2, eps=eps)
    column = np.array([[value, 1.0], [value, 2.0], [value, 4.0]])
    y = bn.forward(column)
    np.testing.assert_array_equal(y[:, 0], 0.0)
    assert bn.batch_var[0] == 0.0
    np.testing.assert_allclose(bn.batch_mean[0], value, rtol=1e-15)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_makes_its_slice_nan_and_leaves_the_others(bad):
    x = np.array([[1.0, bad, 2.0, 0.5], [1.0, 2.0, 4.0, -1.0]])
    with np.errstate(invalid="ignore"):  # inf - inf, inf / inf: numpy warns, as np.std does
        outputs = [standardize(x, axis=1), min_max_scale(x, axis=1), layer_norm(x), rms_norm(x),
                   group_norm(x[:, :, None], 1)[:, :, 0]]
    for name, y in zip(["standardize", "min_max", "layer", "rms", "group"], outputs):
        if name in ("min_max", "rms") and np.isinf(bad):   # finite / inf: the rest of the slice is 0
            assert np.isnan(y[0, 1]) and np.all(np.isnan(y[0]) | (y[0] == 0))
        else:
            assert np.all(np.isnan(y[0]))
        assert np.all(np.isfinite(y[1]))
    np.testing.assert_allclose(outputs[2][1], layer_norm(x[1]), rtol=1e-15)




# ==================================================================================================
# BatchNorm on (N, C, L) and (N, C, H, W)


def batch_norm_reference(x, gamma, beta, eps):
    """The batch-norm formula per channel over every axis but 1, in float64."""
    axes = (0, *range(2, x.ndim))
    shape = (-1,) + (1,) * (x.ndim - 2)
    mu = x.mean(axis=axes, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=axes, keepdims=True)
    return gamma.reshape(shape) * (x - mu) / np.sqrt(var + eps) + beta.reshape(shape)


SPATIAL_SHAPES = [(5, 3, 4), (4, 3, 2, 3), (2, 3, 2, 2, 2)]


@pytest.mark.parametrize("shape", SPATIAL_SHAPES)
def test_batchnorm_spatial_forward_and_running_stats_by_hand(rng, shape):
    x = rng.normal(1.0, 3.0, size=shape) + np.arange(3).reshape((-1,) + (1,) * (len(shape) - 2))
    gamma, beta = rng.normal(size=3), rng.normal(size=3)
    bn = BatchNorm(3, eps=1e-3)
    bn.gamma, bn.beta = gamma, beta
    y = bn.forward(x)
    assert y.shape == shape and bn.x_hat.shape == shape
    np.testing.assert_allclose(y, batch_norm_reference(x, gamma, beta, 1e-3), rtol=1e-13, atol=1e-14)
    axes = (0, *range(2, len(shape)))
    m = x.size // 3                                   # values per channel: N times the spatial size
    np.testing.assert_allclose(bn.batch_mean, x.mean(axis=axes), rtol=1e-14)
    np.testing.assert_allclose(bn.batch_var, x.var(axis=axes), rtol=1e-13)
    np.testing.assert_allclose(bn.running_mean, 0.1 * x.mean(axis=axes), rtol=1e-14)
    np.testing.assert_allclose(bn.running_var, 0.9 + 0.1 * x.var(axis=axes) * m / (m - 1), rtol=1e-14)
    np.testing.assert_allclose(bn.running_var, 0.9 + 0.1 * x.var(axis=axes, ddof=1), rtol=1e-14)
    # inference: the running statistics, per channel
    x2 = rng.normal(size=shape)
    sh = (-1,) + (1,) * (len(shape) - 2)
    expected = (gamma.reshape(sh) * (x2 - bn.running_mean.reshape(sh))
                / np.sqrt(bn.running_var.reshape(sh) + 1e-3) + beta.reshape(sh))
    np.testing.assert_allclose(bn.forward(x2, training=False), expected, rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize("shape", SPATIAL_SHAPES[:2])
@pytest.mark.parametrize("training", [True, False])
def test_batchnorm_spatial_backward_against_central_differences(rng, shape, training):
    x = rng.normal(1.0, 2.0, size=shape)
    dy = rng.normal(size=shape)
    bn = BatchNorm(3, eps=1e-2)
    bn.gamma, bn.beta = rng.normal(size=3), rng.normal(size=3)
    bn.running_mean, bn.running_var = rng.normal(size=3), rng.uniform(0.5, 2.0, size=3)
    bn.forward(x, training=training)
    dx = bn.backward(dy)
    assert dx.shape == shape and bn.dgamma.shape == bn.dbeta.shape == (3,)
    assert_batchnorm_grads(bn, dx, x, dy, training=training)


def test_batchnorm_without_running_stats_backward_in_eval_against_central_differences(rng):
    x = rng.normal(size=(4, 3, 5))
    dy = rng.normal(size=(4, 3, 5))
    bn = BatchNorm(3, eps=1e-2, track_running_stats=False)
    bn.gamma = rng.normal(size=3)
    bn.forward(x, training=False)                 # batch statistics: dx has the batch terms
    dx = bn.backward(dy)
    assert_batchnorm_grads(bn, dx, x, dy, training=False)
    bn.forward(x, training=True)
    np.testing.assert_array_equal(bn.backward(dy), dx)


def test_batchnorm_momentum_none_is_the_average_of_all_batches(rng):
    bn = BatchNorm(2, momentum=None)
    means, variances = [], []
    for step in range(5):
        x = rng.normal(step, 1 + step, size=(4, 2, 3))
        bn.forward(x)
        means.append(x.mean(axis=(0, 2)))
        variances.append(x.var(axis=(0, 2), ddof=1))
        assert bn.num_batches_tracked == step + 1
        np.testing.assert_allclose(bn.running_mean, np.mean(means, axis=0), rtol=1e-13)
        np.testing.assert_allclose(bn.running_var, np.mean(variances, axis=0), rtol=1e-13)
    bn.forward(x, training=False)                 # inference neither counts nor moves anything
    assert bn.num_batches_tracked == 5
    np.testing.assert_allclose(bn.running_mean, np.mean(means, axis=0), rtol=1e-13)


def test_batchnorm_counts_batches_with_a_momentum_too(rng):
    bn = BatchNorm(2)
    assert bn.num_batches_tracked == 0
    for _ in range(3):
        bn.forward(rng.normal(size=(3, 2)))
    assert bn.num_batches_tracked == 3
    bn.forward(rng.normal(size=(3, 2)), training=False)
    assert bn.num_batches_tracked == 3


def test_batchnorm_without_running_stats_uses_batch_statistics_in_both_modes(rng):
    bn = BatchNorm(3, track_running_stats=False)
    assert bn.running_mean is None and bn.running_var is None and bn.num_batches_tracked is None
    bn.gamma, bn.beta = rng.normal(size=3), rng.normal(size=3)
    x = rng.normal(2.0, 3.0, size=(5, 3, 2))
    y_train = bn.forward(x, training=True)
    y_eval = bn.forward(x, training=False)
    np.testing.assert_array_equal(y_eval, y_train)
    np.testing.assert_allclose(y_eval, batch_norm_reference(x, bn.gamma, bn.beta, 1e-5), rtol=1e-13)
    np.testing.assert_allclose(bn.batch_mean, x.mean(axis=(0, 2)), rtol=1e-14)
    assert bn.running_mean is None and bn.num_batches_tracked is None
    # and so a single value per channel cannot be normalized even in inference mode
    with pytest.raises(ValueError, match="track_running_stats=False"):
        bn.forward(np.ones((1, 3)), training=False)


def test_batchnorm_repr_names_the_non_default_settings():
    assert repr(BatchNorm(3)) == "BatchNorm(num_features=3, eps=1e-05, momentum=0.1)"
    assert repr(BatchNorm(2, momentum=None)) == "BatchNorm(num_features=2, eps=1e-05, momentum=None)"
    assert repr(BatchNorm(2, eps=1e-3, track_running_stats=False)) == (
        "BatchNorm(num_features=2, eps=0.001, momentum=0.1, track_running_stats=False)"
    )


@pytest.mark.parametrize("value", [None, 1, 0, "yes"])
def test_batchnorm_bad_track_running_stats(value):
    with pytest.raises(ValueError, match="track_running_stats"):
        BatchNorm(3, track_running_stats=value)


def test_batchnorm_needs_two_values_per_channel_not_two_samples():
    bn = BatchNorm(3)
    with pytest.raises(ValueError, match="values per channel"):
        bn.forward(np.ones((1, 3, 1, 1)))
    assert bn.num_batches_tracked == 0
    y = bn.forward(np.arange(6.0).reshape(1, 3, 2))      # N = 1 but two positions: fine (as PyTorch)
    np.testing.assert_allclose(y, np.tile([-1.0, 1.0], (1, 3, 1)), rtol=1e-4)


def test_batchnorm_spatial_float32_and_no_mutation(rng):
    x = rng.normal(size=(3, 2, 4, 4)).astype(np.float32)
    before = x.copy()
    bn = BatchNorm(2)
    y = bn.forward(x)
    assert y.dtype == np.float32 and bn.x_hat.dtype == np.float32
    assert bn.batch_var.dtype == bn.batch_mean.dtype == bn.running_var.dtype == np.float64
    assert bn.backward(rng.normal(size=x.shape).astype(np.float32)).dtype == np.float32
    assert bn.forward(x, training=False).dtype == np.float32
    assert bn.backward(np.ones(x.shape, np.float32)).dtype == np.float32
    np.testing.assert_allclose(y, BatchNorm(2).forward(x.astype(np.float64)), rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(x, before)


TORCH_BATCHNORM = {2: "BatchNorm1d", 3: "BatchNorm1d", 4: "BatchNorm2d", 5: "BatchNorm3d"}


@pytest.mark.parametrize("shape", [(7, 4), (5, 4, 3), (3, 4, 2, 3), (2, 4, 2, 2, 2)])
@pytest.mark.parametrize("momentum", [0.1, 0.2, None])
def test_batchnorm_running_statistics_over_several_batches_against_torch(rng, shape, momentum):
    torch = pytest.importorskip("torch")
    c = shape[1]
    ours = BatchNorm(c, eps=1e-3, momentum=momentum)
    theirs = getattr(torch.nn, TORCH_BATCHNORM[len(shape)])(c, eps=1e-3, momentum=momentum,
                                                             dtype=torch.float64)
    gamma, beta = rng.normal(size=c), rng.normal(size=c)
    ours.gamma, ours.beta = gamma.copy(), beta.copy()
    with torch.no_grad():
        theirs.weight.copy_(torch.from_numpy(gamma))
        theirs.bias.copy_(torch.from_numpy(beta))
    theirs.train()
    for step in range(5):
        x = rng.normal(step, 1.0 + step, size=shape)
        dy = rng.normal(size=shape)
        xt = torch.tensor(x, requires_grad=True)
        theirs.zero_grad()
        yt = theirs(xt)
        yt.backward(torch.from_numpy(dy))
        np.testing.assert_allclose(ours.forward(x), yt.detach().numpy(), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(ours.backward(dy), xt.grad.numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(ours.dgamma, theirs.weight.grad.numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(ours.dbeta, theirs.bias.grad.numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(ours.running_mean, theirs.running_mean.numpy(), rtol=1e-13)
        np.testing.assert_allclose(ours.running_var, theirs.running_var.numpy(), rtol=1e-13)
        assert ours.num_batches_tracked == int(theirs.num_batches_tracked)
    theirs.eval()
    x = rng.normal(size=shape)
    dy = rng.normal(size=shape)
    xt = torch.tensor(x, requires_grad=True)
    theirs(xt).backward(torch.from_numpy(dy))
    np.testing.assert_allclose(ours.forward(x, training=False), theirs(xt).detach().numpy(),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours.backward(dy), xt.grad.numpy(), rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5), (3, 3, 2, 4)])
def test_batchnorm_without_running_stats_against_torch(rng, shape):
    torch = pytest.importorskip("torch")
    c = shape[1]
    ours = BatchNorm(c, eps=1e-4, track_running_stats=False)
    theirs = getattr(torch.nn, TORCH_BATCHNORM[len(shape)])(c, eps=1e-4, track_running_stats=False,
                                                             dtype=torch.float64)
    assert theirs.running_mean is None and ours.running_mean is None
    for training in (True, False, True):
        theirs.train(training)
        x = rng.normal(1.0, 2.0, size=shape)
        dy = rng.normal(size=shape)
        xt = torch.tensor(x, requires_grad=True)
        theirs.zero_grad()
        yt = theirs(xt)
        yt.backward(torch.from_numpy(dy))
        np.testing.assert_allclose(ours.forward(x, training=training), yt.detach().numpy(),
                                   rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(ours.backward(dy), xt.grad.numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(ours.dgamma, theirs.weight.grad.numpy(), rtol=1e-10, atol=1e-12)




# ==================================================================================================
# group_norm and instance_norm


def group_norm_reference(x, num_groups, gamma, beta, eps):
    """One group of one sample at a time, straight from the formula, in float64."""
    y = np.empty_like(x)
    k = x.shape[1] // num_groups
    for n in range(x.shape[0]):
        for g in range(num_groups):
            block = x[n, g * k:(g + 1) * k]
            y[n, g * k:(g + 1) * k] = (block - block.mean()) / np.sqrt(block.var() + eps)
    shape = (-1,) + (1,) * (x.ndim - 2)
    return gamma.reshape(shape) * y + beta.reshape(shape)


GROUP_CASES = [((3, 6), 2), ((3, 6, 4), 1), ((3, 6, 4), 3), ((2, 6, 3, 2), 2), ((2, 6, 3, 2), 6)]


@pytest.mark.parametrize("shape, num_groups", GROUP_CASES)
def test_group_norm_values(rng, shape, num_groups):
    x = rng.normal(2.0, 3.0, size=shape)
    gamma, beta = rng.normal(size=6), rng.normal(size=6)
    expected = group_norm_reference(x, num_groups, gamma, beta, 1e-3)
    np.testing.assert_allclose(group_norm(x, num_groups, gamma, beta, eps=1e-3), expected,
                               rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(group_norm(x, num_groups),
                               group_norm_reference(x, num_groups, np.ones(6), np.zeros(6), 1e-5),
                               rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize("shape", [(3, 4, 5), (2, 4, 3, 2)])
def test_instance_norm_values(rng, shape):
    x = rng.normal(-1.0, 4.0, size=shape)
    gamma, beta = rng.normal(size=4), rng.normal(size=4)
    expected = group_norm_reference(x, 4, gamma, beta, 1e-3)   # one channel per group
    np.testing.assert_allclose(instance_norm(x, gamma, beta, eps=1e-3), expected, rtol=1e-13,
                               atol=1e-14)
    y = instance_norm(x, eps=1e-12)
    axes = tuple(range(2, len(shape)))
    np.testing.assert_allclose(y.mean(axis=axes), 0.0, atol=1e-12)
    np.testing.assert_allclose(y.var(axis=axes), 1.0, rtol=1e-10)


def test_group_norm_with_one_group_is_layer_norm_over_c_and_space(rng):
    x = rng.normal(size=(3, 4, 5))
    flat = layer_norm(x.reshape(3, 20)).reshape(3, 4, 5)
    np.testing.assert_allclose(group_norm(x, 1), flat, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(group_norm(x, 4), instance_norm(x), rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("shape, num_groups", GROUP_CASES[:4])
@pytest.mark.parametrize("with_gamma", [True, False])
def test_group_norm_backward_against_central_differences(rng, shape, num_groups, with_gamma):
    x = rng.normal(1.0, 2.0, size=shape)
    dy = rng.normal(size=shape)
    gamma = rng.normal(size=6) if with_gamma else None
    beta = rng.normal(size=6)
    dx, dgamma, dbeta = group_norm_backward(x, dy, num_groups, gamma, eps=1e-3)
    assert dx.shape == shape and dgamma.shape == dbeta.shape == (6,)
    g = np.ones(6) if gamma is None else gamma.copy()

    def loss():
        return np.sum(dy * group_norm(x, num_groups, g, beta, eps=1e-3))

    assert_grad_close(dx, numeric_grad(loss, x))
    assert_grad_close(dgamma, numeric_grad(loss, g))
    assert_grad_close(dbeta, numeric_grad(loss, beta))


@pytest.mark.parametrize("shape", [(3, 4, 5), (2, 4, 3, 2)])
@pytest.mark.parametrize("with_gamma", [True, False])
def test_instance_norm_backward_against_central_differences(rng, shape, with_gamma):
    x = rng.normal(1.0, 2.0, size=shape)
    dy = rng.normal(size=shape)
    gamma = rng.normal(size=4) if with_gamma else None
    beta = rng.normal(size=4)
    dx, dgamma, dbeta = instance_norm_backward(x, dy, gamma, eps=1e-3)
    g = np.ones(4) if gamma is None else gamma.copy()

    def loss():
        return np.sum(dy * instance_norm(x, g, beta, eps=1e-3))

    assert_grad_close(dx, numeric_grad(loss, x))
    assert_grad_close(dgamma, numeric_grad(loss, g))
    assert_grad_close(dbeta, numeric_grad(loss, beta))


@pytest.mark.parametrize("shape, num_groups", GROUP_CASES)
def test_group_norm_forward_and_backward_against_torch(rng, shape, num_groups):
    torch = pytest.importorskip("torch")
    x, dy = rng.normal(1.0, 2.0, size=shape), rng.normal(size=shape)
    gamma, beta = rng.normal(size=6), rng.normal(size=6)
    xt, gt, bt = (torch.tensor(a, requires_grad=True) for a in (x, gamma, beta))
    yt = torch.nn.functional.group_norm(xt, num_groups, gt, bt, eps=1e-4)
    yt.backward(torch.from_numpy(dy))
    np.testing.assert_allclose(group_norm(x, num_groups, gamma, beta, eps=1e-4),
                               yt.detach().numpy(), rtol=1e-12, atol=1e-13)
    dx, dgamma, dbeta = group_norm_backward(x, dy, num_groups, gamma, eps=1e-4)
    for ours, theirs in ((dx, xt), (dgamma, gt), (dbeta, bt)):
        np.testing.assert_allclose(ours, theirs.grad.numpy(), rtol=1e-10, atol=1e-12)
    default = torch.nn.functional.group_norm(torch.from_numpy(x), num_groups)   # eps 1e-5 both
    np.testing.assert_allclose(group_norm(x, num_groups), default.numpy(), rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("shape", [(3, 4, 5), (2, 4, 3, 2)])
def test_instance_norm_forward_and_backward_against_torch(rng, shape):
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    x, dy = rng.normal(1.0, 2.0, size=shape), rng.normal(size=shape)
    gamma, beta = rng.normal(size=4), rng.normal(size=4)
    xt, gt, bt = (torch.tensor(a, requires_grad=True) for a in (x, gamma, beta))
    yt = functional.instance_norm(xt, weight=gt, bias=bt, eps=1e-4)
    yt.backward(torch.from_numpy(dy))
    np.testing.assert_allclose(instance_norm(x, gamma, beta, eps=1e-4), yt.detach().numpy(),
                               rtol=1e-12, atol=1e-13)
    dx, dgamma, dbeta = instance_norm_backward(x, dy, gamma, eps=1e-4)
    for ours, theirs in ((dx, xt), (dgamma, gt), (dbeta, bt)):
        np.testing.assert_allclose(ours, theirs.grad.numpy(), rtol=1e-10, atol=1e-12)
    # PyTorch's defaults: no running statistics, no affine parameters, eps 1e-5
    np.testing.assert_allclose(instance_norm(x), functional.instance_norm(torch.from_numpy(x)).numpy(),
                               rtol=1e-12, atol=1e-13)
    layer = getattr(torch.nn, f"InstanceNorm{len(shape) - 2}d")(4, dtype=torch.float64)
    np.testing.assert_allclose(instance_norm(x), layer(torch.from_numpy(x)).detach().numpy(),
                               rtol=1e-12, atol=1e-13)


def test_group_and_instance_norm_each_parameter_changes_the_output(rng):
    x = rng.normal(0.0, 0.05, size=(2, 4, 3))
    gamma, beta = np.array([1.0, 2.0, 3.0, 4.0]), np.array([0.5, 0.0, -0.5, 1.0])
    per_channel = (-1, 1)
    for f in (lambda **kw: group_norm(x, 2, **kw), lambda **kw: instance_norm(x, **kw)):
        base = f()
        assert not np.allclose(f(eps=1e-2), base)
        np.testing.assert_allclose(f(gamma=gamma), base * gamma.reshape(per_channel), rtol=1e-14)
        np.testing.assert_allclose(f(beta=beta), base + beta.reshape(per_channel), rtol=1e-14,
                                   atol=1e-15)
    assert not np.allclose(group_norm(x, 1), group_norm(x, 2))
    assert not np.allclose(group_norm(x, 2), group_norm(x, 4))
    # dgamma and dbeta do not depend on gamma, dx does (linearly)
    dy = rng.normal(size=x.shape)
    plain, scaled = group_norm_backward(x, dy, 2), group_norm_backward(x, dy, 2, gamma)
    np.testing.assert_allclose(plain[1:], scaled[1:], rtol=1e-14)
    np.testing.assert_allclose(
        scaled[0], group_norm_backward(x, dy * gamma.reshape(per_channel), 2)[0], rtol=1e-12
    )


def test_group_and_instance_norm_dtypes_and_no_mutation(rng):
    x = rng.normal(size=(2, 4, 3)).astype(np.float32)
    before = x.copy()
    gamma = np.linspace(0.5, 2.0, 4)
    assert group_norm(x, 2, gamma, gamma).dtype == np.float32
    assert instance_norm(x, gamma, gamma).dtype == np.float32
    assert all(a.dtype == np.float32 for a in group_norm_backward(x, x, 2, gamma))
    assert all(a.dtype == np.float32 for a in instance_norm_backward(x, x, gamma))
    np.testing.assert_array_equal(x, before)
    assert group_norm([[1, 2], [3, 5]], 1).dtype == np.float64
    assert instance_norm([[[1, 2, 4]]]).dtype == np.float64
    assert group_norm(np.zeros((0, 4, 3)), 2).shape == (0, 4, 3)
    dx, dgamma, dbeta = group_norm_backward(np.zeros((0, 4)), np.zeros((0, 4)), 2)
    assert dx.shape == (0, 4)
    np.testing.assert_array_equal(dgamma, np.zeros(4))
    np.testing.assert_array_equal(dbeta, np.zeros(4))


@pytest.mark.parametrize("num_groups", [0, -2, 4, 2.0, True, "2", None])
def test_group_norm_bad_num_groups(num_groups):
    x = np.ones((2, 6, 3))
    with pytest.raises(ValueError, match="num_groups"):
        group_norm(x, num_groups)
    with pytest.raises(ValueError, match="num_groups"):
        group_norm_backward(x, x, num_groups)


@pytest.mark.parametrize("name", ["gamma", "beta"])
@pytest.mark.parametrize("shape", [(3,), (2, 6), (), (6, 1)])
def test_group_and_instance_norm_bad_param_shape(name, shape):
    x = np.ones((2, 6, 3))
    with pytest.raises(ValueError, match=name):
        group_norm(x, 2, **{name: np.ones(shape)})
    with pytest.raises(ValueError, match=name):
        instance_norm(x, **{name: np.ones(shape)})
    if name == "gamma":
        with pytest.raises(ValueError, match=name):
            group_norm_backward(x, x, 2, gamma=np.ones(shape))
        with pytest.raises(ValueError, match=name):
            instance_norm_backward(x, x, gamma=np.ones(shape))


@pytest.mark.parametrize("eps", [0.0, -1e-5, np.nan, np.inf, None])
def test_group_and_instance_norm_bad_eps(eps):
    x = np.ones((2, 4, 3))
    for call in (lambda: group_norm(x, 2, eps=eps), lambda: instance_norm(x, eps=eps),
                 lambda: group_norm_backward(x, x, 2, eps=eps),
                 lambda: instance_norm_backward(x, x, eps=eps)):
        with pytest.raises(ValueError, match="eps"):
            call()


def test_group_and_instance_norm_bad_shapes():
    with pytest.raises(ValueError, match="x"):
        group_norm(np.ones(4), 2)                       # no channel axis
    with pytest.raises(ValueError, match="x"):
        group_norm(3.0, 1)
    with pytest.raises(ValueError, match="x"):
        instance_norm(np.ones((2, 4)))                  # no spatial axis
    with pytest.raises(ValueError, match="spatial"):
        instance_norm(np.ones((2, 4, 1)))               # one position: PyTorch refuses it too
    with pytest.raises(ValueError, match="spatial"):
        instance_norm_backward(np.ones((2, 4, 1, 1)), np.ones((2, 4, 1, 1)))
    with pytest.raises(ValueError, match="dy"):
        group_norm_backward(np.ones((2, 4, 3)), np.ones((2, 4)), 2)
    with pytest.raises(ValueError, match="dy"):
        instance_norm_backward(np.ones((2, 4, 3)), np.ones((2, 3, 4)))


# ==================================================================================================
# rms_norm's eps=None, PyTorch's default


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_rms_norm_eps_none_is_the_machine_epsilon(rng, dtype):
    x = (rng.normal(size=(3, 5)) * 1e-4).astype(dtype)   # small, so that eps shows
    dy = rng.normal(size=(3, 5)).astype(dtype)
    machine = np.finfo(dtype).eps
    np.testing.assert_array_equal(rms_norm(x, eps=None), rms_norm(x, eps=float(machine)))
    for ours, theirs in zip(rms_norm_backward(x, dy, eps=None), rms_norm_backward(x, dy, eps=machine)):
        np.testing.assert_array_equal(ours, theirs)
    assert not np.allclose(rms_norm(x), rms_norm(x, eps=None), rtol=1e-3)   # lib's 1e-6 differs
    assert inspect.signature(rms_norm).parameters["eps"].default == 1e-6
    assert inspect.signature(rms_norm_backward).parameters["eps"].default == 1e-6


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_rms_norm_eps_none_against_torch_default(rng, dtype):
    torch = pytest.importorskip("torch")
    x = (rng.normal(size=(4, 6)) * 1e-4).astype(dtype)
    dy = rng.normal(size=(4, 6)).astype(dtype)
    gamma = rng.normal(size=6).astype(dtype)
    xt, gt = torch.tensor(x, requires_grad=True), torch.tensor(gamma, requires_grad=True)
    yt = torch.nn.functional.rms_norm(xt, (6,), gt)              # eps=None: finfo(dtype).eps
    yt.backward(torch.from_numpy(dy))
    rtol = 1e-12 if dtype == "float64" else 1e-5
    np.testing.assert_allclose(rms_norm(x, gamma, eps=None), yt.detach().numpy(), rtol=rtol)
    dx, dgamma = rms_norm_backward(x, dy, gamma, eps=None)
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=100 * rtol, atol=1e-12)
    np.testing.assert_allclose(dgamma, gt.grad.numpy(), rtol=100 * rtol, atol=1e-12)


def test_eps_none_is_only_rms_norms():
    with pytest.raises(ValueError, match="eps"):
        layer_norm(np.ones((2, 3)), eps=None)
    with pytest.raises(ValueError, match="eps"):
        rms_norm(np.ones((2, 3)), eps=-1.0)


# ==================================================================================================
# statistics_axes and shares_statistics


def test_statistics_axes_for_every_method():
    assert statistics_axes("batch", 2) == (0,)
    assert statistics_axes("batch", 3) == (0, 2)
    assert statistics_axes("batch", 4) == (0, 2, 3)
    assert statistics_axes("layer", 1) == (0,)
    assert statistics_axes("layer", 4) == (3,)
    assert statistics_axes("rms", 2) == (1,)
    assert statistics_axes("instance", 3) == (2,)
    assert statistics_axes("instance", 4) == (2, 3)
    assert statistics_axes("group", 2) == (1,)
    assert statistics_axes("group", 4) == (1, 2, 3)
    assert statistics_axes("batch", np.int64(3)) == (0, 2)


@pytest.mark.parametrize("method, ndim", [("batch", 1), ("group", 1), ("instance", 2),
                                          ("layer", 0), ("rms", 0), ("batch", 2.0), ("layer", True)])
def test_statistics_axes_bad_ndim(method, ndim):
    with pytest.raises(ValueError, match="ndim"):
        statistics_axes(method, ndim)


@pytest.mark.parametrize("method", ["Batch", "weight", None])
def test_statistics_axes_bad_method(method):
    with pytest.raises(ValueError, match="method"):
        statistics_axes(method, 4)
    with pytest.raises(ValueError, match="method"):
        shares_statistics(method, (2, 2), (0, 0))


NORMALIZE = {
    "batch": lambda x: BatchNorm(x.shape[1]).forward(x),
    "layer": layer_norm,
    "rms": rms_norm,
    "instance": instance_norm,
    "group": lambda x: group_norm(x, 2),
}


@pytest.mark.parametrize("method", sorted(NORMALIZE))
@pytest.mark.parametrize("index", [(0, 0, 0, 0), (2, 3, 1, 2), (1, 2, 0, 1)])
def test_shares_statistics_marks_the_outputs_that_move_with_one_input(rng, method, index):
    x = rng.normal(size=(3, 4, 2, 3))
    moved = x.copy()
    moved[index] += 0.5
    changed = NORMALIZE[method](moved) != NORMALIZE[method](x)
    mask = shares_statistics(method, x.shape, index, num_groups=2)
    assert mask.shape == x.shape and mask.dtype == bool
    np.testing.assert_array_equal(mask, changed)
    # the slice is what statistics_axes names (for group norm, cut at the group boundary)
    others = [a for a in range(4) if a not in statistics_axes(method, 4)]
    slices = np.prod([x.shape[a] for a in others]) * (2 if method == "group" else 1)
    assert mask.sum() * slices == x.size


def test_shares_statistics_2d_and_its_errors():
    np.testing.assert_array_equal(shares_statistics("layer", (2, 3), (1, 0)),
                                  [[False, False, False], [True, True, True]])
    np.testing.assert_array_equal(shares_statistics("group", (1, 4), (0, 3), num_groups=4),
                                  [[False, False, False, True]])
    with pytest.raises(ValueError, match="index"):
        shares_statistics("batch", (2, 3), (2, 0))
    with pytest.raises(ValueError, match="index"):
        shares_statistics("batch", (2, 3), (0,))
    with pytest.raises(ValueError, match="num_groups"):
        shares_statistics("group", (2, 6), (0, 0), num_groups=4)
    with pytest.raises(ValueError, match="ndim"):
        shares_statistics("instance", (2, 6), (0, 0))


# ==================================================================================================
# huge inputs: no RuntimeWarning (pytestmark makes one an error), and the right values




# ==================================================================================================
# edge cases found by mutation testing (mutmut): each test below fails for a mutant that the
# tests above let through


def test_min_max_and_standardize_of_one_value_no_values_and_an_all_zero_column():
    np.testing.assert_array_equal(min_max_scale([5.0], feature_range=(-1, 1)), [-1.0])
    np.testing.assert_array_equal(standardize([5.0]), [0.0])
    assert min_max_scale(np.zeros((0, 3))).shape == (0, 3)
    zeros = np.array([[0.0, 1.0], [0.0, 3.0]])        # the first column has no scale at all
    np.testing.assert_array_equal(min_max_scale(zeros), [[0.0, 0.0], [0.0, 1.0]])
    np.testing.assert_array_equal(standardize(zeros), [[0.0, -1.0], [0.0, 1.0]])




@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_layer_and_rms_norm_of_one_feature_and_of_none(rng, dtype):
    x = rng.normal(size=(4, 1)).astype(dtype) * 3
    dy = rng.normal(size=(4, 1)).astype(dtype)
    # one feature: layer norm has nothing to compare it with, rms norm keeps its sign
    np.testing.assert_array_equal(layer_norm(x), 0.0)
    dx, dgamma, dbeta = layer_norm_backward(x, dy)
    np.testing.assert_array_equal(dx, 0.0)
    np.testing.assert_array_equal(dgamma, 0.0)
    np.testing.assert_allclose(dbeta, dy.sum(0), rtol=1e-6)
    np.testing.assert_allclose(rms_norm(x), x / np.sqrt(x**2 + dtype(1e-6)), rtol=1e-6)
    dx, dgamma = rms_norm_backward(x, dy)
    # dx = dy eps / (x^2 + eps)^1.5, computed as r (g - x_hat^2 g): float32 loses it to cancellation
    atol = 0.0 if dtype == np.float64 else 1e-6 * np.max(np.abs(dy / x))
    np.testing.assert_allclose(dx, dy * dtype(1e-6) / (x**2 + dtype(1e-6)) ** 1.5, rtol=1e-6, atol=atol)
    np.testing.assert_allclose(dgamma, np.sum(dy * np.sign(x), axis=0), rtol=1e-4)
    empty = np.zeros((3, 0), dtype)
    for out in (layer_norm(empty), *layer_norm_backward(empty, empty), rms_norm(empty),
                *rms_norm_backward(empty, empty)):
        assert out.dtype == dtype and out.size == 0
    assert layer_norm_backward(empty, empty)[1].shape == (0,)
    assert layer_norm_backward(empty, empty)[2].shape == (0,)
    assert rms_norm_backward(empty, empty)[1].shape == (0,)


def test_the_default_eps_of_each_backward_is_its_forwards(rng):
    # (a signature check cannot see a changed default inside the function; the values can)
    x = rng.normal(size=(3, 4)) * 1e-3                 # small, so that eps matters
    dy = rng.normal(size=(3, 4))
    for ours, theirs in zip(rms_norm_backward(x, dy), rms_norm_backward(x, dy, eps=1e-6)):
        np.testing.assert_array_equal(ours, theirs)
    for ours, theirs in zip(layer_norm_backward(x, dy), layer_norm_backward(x, dy, eps=1e-5)):
        np.testing.assert_array_equal(ours, theirs)
    images = x.reshape(3, 2, 2)
    for ours, theirs in zip(group_norm_backward(images, dy.reshape(3, 2, 2), 1),
                            group_norm_backward(images, dy.reshape(3, 2, 2), 1, eps=1e-5)):
        np.testing.assert_array_equal(ours, theirs)
    for ours, theirs in zip(instance_norm_backward(images, dy.reshape(3, 2, 2)),
                            instance_norm_backward(images, dy.reshape(3, 2, 2), eps=1e-5)):
        np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(group_norm(images, 1), group_norm(images, 1, eps=1e-5))
    np.testing.assert_array_equal(instance_norm(images), instance_norm(images, eps=1e-5))
    assert not np.allclose(layer_norm(x), layer_norm(x, eps=1e-6), rtol=1e-3)


@pytest.mark.parametrize("name", ["gamma", "beta"])
def test_the_error_names_the_parameter_first(name):
    x = np.ones((2, 4, 3))
    calls = [lambda: layer_norm(x, **{name: np.ones(2)}), lambda: group_norm(x, 2, **{name: np.ones(2)}),
             lambda: instance_norm(x, **{name: np.ones(2)})]
    if name == "gamma":
        calls.append(lambda: rms_norm(x, gamma=np.ones(2)))
    for call in calls:
        with pytest.raises(ValueError, match=rf"^{name} must have shape \(C,\)"):
            call()


def test_shares_statistics_defaults_and_one_dimensional_input():
    mask = shares_statistics("layer", (4,), (2,))
    assert mask.dtype == bool
    np.testing.assert_array_equal(mask, True)
    # num_groups defaults to one group: the whole sample
    np.testing.assert_array_equal(shares_statistics("group", (2, 4, 3), (1, 2, 0))[1], True)
    np.testing.assert_array_equal(shares_statistics("group", (2, 4, 3), (1, 2, 0))[0], False)


CHAPTER_5_MESSAGE = (  # printed by chapter 5's "batch of one" cell
    "training needs a batch size N >= 2, got N=1: the variance of a single sample is 0 and its "
    "unbiased estimate divides by N - 1 = 0. Use a larger batch, or forward(x, training=False) "
    "to use the running statistics."
)


def test_error_messages_start_with_the_parameter_they_name():
    x = np.ones((2, 6, 3))
    with pytest.raises(ValueError) as caught:
        BatchNorm(3).forward(np.ones((1, 3)))
    assert str(caught.value) == CHAPTER_5_MESSAGE
    with pytest.raises(ValueError) as caught:
        layer_norm(np.ones((4, 5)), gamma=np.ones(4))
    assert str(caught.value) == ("gamma must have shape (C,) = (5,) to match the last axis of x "
                                 "(shape (4, 5)), got gamma with shape (4,)")   # chapter 5 prints it
    expected = {
        r"^eps must be a positive finite number": lambda: layer_norm(x, eps=0.0),
        r"^gamma must have shape \(C,\) = \(6,\) to match axis 1": lambda: group_norm(x, 2, gamma=np.ones(3)),
        r"^gamma must have shape \(C,\) = \(6,\) to match axis 1 ": lambda: group_norm_backward(x, x, 2, gamma=np.ones(3)),
        r"^gamma must have shape \(C,\) = \(3,\) to match the last": lambda: layer_norm_backward(x, x, gamma=np.ones(6)),
        r"^gamma must have shape": lambda: instance_norm_backward(x, x, gamma=np.ones(3)),
        r"^x must have at least one axis": lambda: layer_norm(1.0),
        r"^x must have shape \(N, C, \*\), at least 2-D": lambda: group_norm(np.ones(3), 1),
        r"^x must have shape \(N, C, \*\), at least 2-D, got": lambda: group_norm_backward(np.ones(3), np.ones(3), 1),
        r"^x must have shape \(N, C, L\) or \(N, C, H, W\), at least 3-D": lambda: instance_norm(np.ones((2, 3))),
        r"^x must have more than one spatial element per channel": lambda: instance_norm(np.ones((2, 3, 1))),
        r"^num_groups must be a positive integer that divides": lambda: group_norm(x, 4),
        r"^track_running_stats must be True or False": lambda: BatchNorm(2, track_running_stats=None),
        r"^x must be 2-D or more": lambda: BatchNorm(2).forward(np.ones(2)),
        r"^backward called before forward": lambda: BatchNorm(2).backward(np.ones((2, 2))),
        r"^training needs at least 2 values per channel": lambda: BatchNorm(3).forward(np.ones((1, 3, 1))),
        r"^a layer with track_running_stats=False needs a batch size N >= 2, got N=1: .* Use a larger "
        r"batch; this layer keeps no running statistics\.$":
            lambda: BatchNorm(3, track_running_stats=False).forward(np.ones((1, 3)), training=False),
        r"^training needs a batch size N >= 2, got N=1: .* this layer keeps no running":
            lambda: BatchNorm(3, track_running_stats=False).forward(np.ones((1, 3))),
        r"divides by 0\. Use a larger batch, or forward\(x, training=False\)":
            lambda: BatchNorm(3).forward(np.ones((1, 3, 1))),
    }
    for pattern, call in expected.items():
        with pytest.raises(ValueError, match=pattern):
            call()


def test_batchnorm_before_any_forward_and_its_dtypes_after_one(rng):
    bn = BatchNorm(1)                                  # a single feature is allowed
    assert bn.batch_mean is None and bn.batch_var is None and bn.x_hat is None
    x = rng.normal(size=(5, 1)).astype(np.float32)
    bn.forward(x)
    bn.backward(rng.normal(size=(5, 1)))               # float64 dy, cast to the forward's dtype
    assert bn.dgamma.dtype == bn.dbeta.dtype == np.float32




def test_group_norm_of_a_single_value_and_of_empty_float32_input():
    np.testing.assert_array_equal(group_norm([[5.0]], 1), [[0.0]])
    dx, dgamma, dbeta = group_norm_backward([[5.0]], [[2.0]], 1)
    np.testing.assert_array_equal(dx, [[0.0]])
    np.testing.assert_array_equal(dbeta, [2.0])
    empty = np.zeros((0, 4, 3), np.float32)
    assert group_norm(empty, 2).dtype == np.float32
    assert all(a.dtype == np.float32 for a in group_norm_backward(empty, empty, 2))


@pytest.mark.parametrize("dtype, big", [(np.float64, 1e200), (np.float32, 1e25)])
def test_values_whose_squares_overflow_are_not_guarded_as_the_module_says(dtype, big):
    """The module docstring: values beyond about 1e154 (float64; 1e19 in float32) overflow when
    squared, as in PyTorch; no chapter normalizes such values."""
    x = np.array([[big, -big, 0.0]], dtype=dtype)
    right = [[1.2247449, -1.2247449, 0.0]]
    np.testing.assert_allclose(layer_norm(x / big), right, rtol=1e-4)   # eps = 1e-5 counts here
    with np.errstate(over="ignore", invalid="ignore"):
        assert not np.allclose(layer_norm(x), right)
        assert not np.allclose(standardize(x, axis=1), right)
