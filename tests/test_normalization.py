"""Tests for lib.normalization: data scaling, batch norm, layer norm, RMS norm."""

import copy
import doctest
import warnings

import numpy as np
import pytest

import lib.normalization
from lib.derivatives import numerical_gradient
from lib.normalization import (
    BatchNorm,
    layer_norm,
    layer_norm_backward,
    min_max_scale,
    rms_norm,
    rms_norm_backward,
    standardize,
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


def test_standardize_extreme_magnitudes(rng):
    np.testing.assert_allclose(standardize([1e300, -1e300]), [1.0, -1.0], rtol=1e-15)
    big = standardize([1.7e308, -1.7e308, 0.0])
    np.testing.assert_allclose(big, [np.sqrt(1.5), -np.sqrt(1.5), 0.0], rtol=1e-14)
    np.testing.assert_allclose(standardize([1e-320, 3e-320]), [-1.0, 1.0], rtol=1e-3)
    x = rng.normal(size=20)
    np.testing.assert_allclose(standardize(x * 1e-200), standardize(x), rtol=1e-12, atol=1e-14)


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


def test_min_max_extreme_magnitudes():
    np.testing.assert_array_equal(min_max_scale([-1.7e308, 0.0, 1.7e308]), [0.0, 0.5, 1.0])


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


def test_batchnorm_against_torch(rng):
    torch = pytest.importorskip("torch")
    n, c = 7, 4
    eps, momentum = 1e-3, 0.2
    ours = BatchNorm(c, eps=eps, momentum=momentum)
    theirs = torch.nn.BatchNorm1d(c, eps=eps, momentum=momentum, dtype=torch.float64)
    gamma, beta = rng.normal(size=c), rng.normal(size=c)
    ours.gamma, ours.beta = gamma.copy(), beta.copy()
    with torch.no_grad():
        theirs.weight.copy_(torch.from_numpy(gamma))
        theirs.bias.copy_(torch.from_numpy(beta))

    theirs.train()
    for step in range(5):
        x = rng.normal(step, 1.0 + step, size=(n, c))
        dy = rng.normal(size=(n, c))
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

    theirs.eval()
    x = rng.normal(size=(3, c))
    with torch.no_grad():
        expected = theirs(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(ours.forward(x, training=False), expected, rtol=1e-12, atol=1e-12)


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


@pytest.mark.parametrize("momentum", [-0.1, 1.5, np.nan, None])
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


@pytest.mark.parametrize("shape", [(4,), (2, 3, 3), ()])
def test_batchnorm_non_2d_input_raises(shape):
    with pytest.raises(ValueError, match="2-D"):
        BatchNorm(3).forward(np.ones(shape))


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


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_layer_and_rms_norm_of_the_largest_floats_do_not_overflow(dtype):
    v = np.array([[1.0, -2.0, 0.5, 3.0]], dtype=dtype)
    big = v * (np.finfo(dtype).max / 4)
    dy = np.array([[0.3, -1.2, 0.7, 0.1]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ln, rms = layer_norm(big), rms_norm(big)
        (dx_ln, _, _), (dx_rms, _) = layer_norm_backward(big, dy), rms_norm_backward(big, dy)
    assert ln.dtype == rms.dtype == dtype
    centred = v - v.mean()
    np.testing.assert_allclose(ln, centred / np.sqrt(np.mean(centred**2)), rtol=1e-5)
    np.testing.assert_allclose(rms, v / np.sqrt(np.mean(v**2)), rtol=1e-5)
    # the gradient shrinks like 1/scale, and stays finite
    assert np.all(np.isfinite(dx_ln)) and np.all(np.isfinite(dx_rms))


def test_layer_norm_of_ordinary_inputs_is_unchanged_by_the_overflow_guard():
    x = np.random.default_rng(3).normal(size=(4, 6))
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    np.testing.assert_allclose(layer_norm(x), (x - mean) / np.sqrt(var + 1e-5), rtol=1e-12)
    np.testing.assert_allclose(rms_norm(x), x / np.sqrt(np.mean(x**2, axis=-1, keepdims=True) + 1e-6),
                               rtol=1e-12)
