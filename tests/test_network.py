"""Tests for lib.network: every gradient against central differences, losses, init, training."""

import doctest

import numpy as np
import pytest
from scipy import special

import lib.network
from lib.activations import ACTIVATIONS
from lib.derivatives import numerical_gradient
from lib.network import (
    LOSSES,
    MLP,
    ActivationLayer,
    Dense,
    binary_cross_entropy_with_logits,
    mse_loss,
    softmax_cross_entropy,
)
from lib.normalization import BatchNorm

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

H = 1e-6  # central-difference step


# --------------------------------------------------------------------------------------------------
# helpers


def numerical_layer_gradient(loss_of_net, layer, name, h=H):
    """Central differences of loss_of_net() with respect to layer.<name> (array or float)."""
    value = getattr(layer, name)

    def loss_at(q):
        setattr(layer, name, q if np.ndim(value) else q[()])
        return loss_of_net()

    try:
        return numerical_gradient(loss_at, np.asarray(value, dtype=float), h=h)
    finally:
        setattr(layer, name, value)


def make_objective(kind, rng, n, n_out):
    """A loss of the network output with a random target / random upstream gradient."""
    if kind == "upstream":  # L = sum(G * output), so dL/doutput = G, random (never all ones)
        G = rng.normal(size=(n, n_out))
        return lambda out: (float(np.sum(G * out)), G)
    if kind == "mse":
        y = rng.normal(size=(n, n_out))
        return lambda out: mse_loss(out, y)
    if kind == "cross_entropy":
        y = rng.integers(0, n_out, size=n)
        return lambda out: softmax_cross_entropy(out, y)
    if kind == "bce":
        y = rng.integers(0, 2, size=(n, n_out)).astype(float)
        return lambda out: binary_cross_entropy_with_logits(out, y)
    raise AssertionError(kind)


def check_all_gradients(net, X, objective, training=True, kink_margin=None):
    """Compare every analytic gradient of net (parameters and input) with central differences."""
    value, dout = objective(net.forward(X, training=training))
    if kink_margin is not None:  # finite differences are only valid away from the kinks
        assert min(np.min(np.abs(z)) for z in net.pre_activations[:-1]) > kink_margin
    dX = net.backward(dout)
    analytic = [np.array(getattr(layer, "d" + name), dtype=float) for layer, name in net.parameters()]

    def loss():
        return objective(net.forward(X, training=training))[0]

    numeric = [np.asarray(numerical_layer_gradient(loss, layer, name)) for layer, name in net.parameters()]
    numeric_dX = numerical_gradient(
        lambda X_: objective(net.forward(X_, training=training))[0], X, h=H
    )

    flat_a = np.concatenate([g.ravel() for g in analytic] + [dX.ravel()])
    flat_n = np.concatenate([g.ravel() for g in numeric] + [numeric_dX.ravel()])
    scale = np.linalg.norm(flat_n)
    assert scale > 1e-3  # the check is not vacuous
    assert np.linalg.norm(flat_a - flat_n) / scale < 1e-7
    for (layer, name), a, n in zip(net.parameters(), analytic, numeric):
        np.testing.assert_allclose(a, n, rtol=1e-6, atol=1e-8 * scale, err_msg=f"{layer} {name}")
    np.testing.assert_allclose(dX, numeric_dX, rtol=1e-6, atol=1e-8 * scale, err_msg="dX")
    return value


# --------------------------------------------------------------------------------------------------
# gradients


SMOOTH = ["tanh", "sigmoid", "gelu", "elu", "softplus", "swish", "silu", "linear"]
KINKED = ["relu", "leaky_relu", "prelu", "selu"]


@pytest.mark.parametrize("batchnorm", [False, True])
@pytest.mark.parametrize("activation", SMOOTH + KINKED)
def test_gradients_random_upstream(activation, batchnorm):
    rng = np.random.default_rng(1)
    net = MLP([3, 5, 4, 2], rng=rng, activation=activation, init="xavier", batchnorm=batchnorm)
    if batchnorm:  # move gamma and beta away from 1 and 0 so their gradients are generic
        for bn in net.norms:
            bn.gamma = rng.uniform(0.5, 1.5, size=bn.gamma.shape)
            bn.beta = rng.normal(scale=0.3, size=bn.beta.shape)
    for layer in net.dense:
        if layer.b is not None:
            layer.b = rng.normal(scale=0.3, size=layer.b.shape)
    X = rng.normal(size=(7, 3))
    margin = 1e-4 if activation in KINKED else None
    check_all_gradients(net, X, make_objective("upstream", rng, 7, 2), kink_margin=margin)


@pytest.mark.parametrize("batchnorm", [False, True])
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "elu"])
def test_gradients_through_skip_connections(activation, batchnorm):
    rng = np.random.default_rng(31)
    net = MLP([3, 5, 5, 5, 2], rng=rng, activation=activation, batchnorm=batchnorm, residual=True)
    kinds = [type(layer).__name__ for layer in net.layers]
    assert kinds.count("Residual") == 2  # 3 -> 5 has no skip; 5 -> 5 twice
    X = rng.normal(size=(6, 3))
    check_all_gradients(net, X, make_objective("upstream", rng, 6, 2))


def test_a_skip_connection_adds_its_input():
    rng = np.random.default_rng(32)
    plain = MLP([4, 4, 4, 1], rng=np.random.default_rng(5), activation="tanh")
    skip = MLP([4, 4, 4, 1], rng=np.random.default_rng(5), activation="tanh", residual=True)
    X = rng.normal(size=(3, 4))
    h = X
    for dense, act in zip(skip.dense[:-1], skip.acts[:-1]):
        h = h + np.tanh(h @ dense.W + dense.b)
    np.testing.assert_allclose(skip.forward(X), h @ skip.dense[-1].W + skip.dense[-1].b, rtol=1e-13)
    assert not np.allclose(plain.forward(X), skip.forward(X))
    assert repr(skip).endswith("residual=True)")


def test_no_bias_before_batch_norm():
    rng = np.random.default_rng(33)
    net = MLP([3, 4, 4, 2], rng=rng, batchnorm=True)
    assert [layer.b is None for layer in net.dense] == [True, True, False]
    assert [name for _, name in net.parameters()].count("b") == 1  # the output layer's
    with_bias = MLP([3, 4, 4, 2], rng=np.random.default_rng(33), batchnorm=True, bias=True)
    X = rng.normal(size=(6, 3))
    for layer in with_bias.dense[:-1]:   # batch norm subtracts whatever constant a bias adds ...
        layer.b = rng.normal(size=layer.b.shape)
    np.testing.assert_allclose(with_bias.forward(X), net.forward(X), rtol=1e-10, atol=1e-12)
    _, d = mse_loss(with_bias.forward(X), rng.normal(size=(6, 2)))
    with_bias.backward(d)
    for layer in with_bias.dense[:-1]:   # ... so its gradient is 0 up to rounding
        assert np.abs(layer.db).max() < 1e-12 * np.abs(layer.dW).max()
    assert all(layer.b is not None for layer in MLP([3, 4, 2], rng=rng).dense)
    net.train(X, rng.normal(size=(6, 2)), lr=0.1, epochs=2, batch_size=3)  # trains without one
    assert net.dense[0].b is None and net.grad_norms("b")[0] == 0.0


def test_drop_last_skips_the_incomplete_batch():
    rng = np.random.default_rng(34)
    X, y = rng.normal(size=(10, 2)), rng.normal(size=10)
    seen = []

    class Recorder(MLP):
        def step(self, X, y, loss="mse", lr=0.1):
            seen.append(len(X))
            return super().step(X, y, loss, lr)

    Recorder([2, 3, 1], rng=np.random.default_rng(0)).train(X, y, epochs=2, batch_size=4)
    assert seen == [4, 4, 2, 4, 4, 2]
    seen.clear()
    Recorder([2, 3, 1], rng=np.random.default_rng(0)).train(X, y, epochs=2, batch_size=4, drop_last=True)
    assert seen == [4, 4, 4, 4]
    bn = MLP([2, 3, 1], rng=np.random.default_rng(0), batchnorm=True)
    with pytest.raises(ValueError, match="drop_last"):
        bn.train(X, y, batch_size=3)   # 10 = 3 * 3 + 1: a last batch of one
    bn.train(X, y, batch_size=3, drop_last=True, epochs=1)


@pytest.mark.parametrize("loss", ["mse", "cross_entropy", "bce"])
@pytest.mark.parametrize("batchnorm", [False, True])
def test_gradients_through_each_loss(loss, batchnorm):
    rng = np.random.default_rng(2)
    n_out = 1 if loss == "bce" else 3
    net = MLP([4, 6, 5, n_out], rng=rng, activation=["tanh", "gelu"], batchnorm=batchnorm)
    X = rng.normal(size=(9, 4))
    value = check_all_gradients(net, X, make_objective(loss, rng, 9, n_out))
    assert value > 0


@pytest.mark.parametrize(
    "activation, params",
    [
        ("gelu", {"approximate": "tanh"}),
        ("elu", {"alpha": 0.5}),
        ("softplus", {"beta": 3.0}),
        ("swish", {"beta": 2.0}),
    ],
)
def test_gradients_with_activation_params(activation, params):
    rng = np.random.default_rng(25)
    net = MLP([3, 5, 4, 2], rng=rng, activation=activation, activation_params=params)
    X = rng.normal(size=(6, 3))
    check_all_gradients(net, X, make_objective("upstream", rng, 6, 2))
    plain = MLP([3, 5, 4, 2], rng=np.random.default_rng(25), activation=activation)
    assert not np.allclose(plain.forward(X), net.forward(X), rtol=1e-6, atol=0)  # params matter


def test_gradients_prelu_slope_and_mixed_activations():
    rng = np.random.default_rng(3)
    net = MLP(
        [3, 6, 6, 2],
        rng=rng,
        activation=["prelu", "leaky_relu"],
        activation_params=[{"a": 0.3}, {"negative_slope": 0.2}],
        output="sigmoid",
    )
    assert net.acts[0].a == 0.3
    X = rng.normal(size=(8, 3))
    check_all_gradients(net, X, make_objective("mse", rng, 8, 2), kink_margin=1e-4)
    assert net.acts[0].da != 0.0


def test_gradients_batchnorm_inference_mode():
    rng = np.random.default_rng(4)
    net = MLP([3, 5, 2], rng=rng, activation="elu", batchnorm=True)
    X = rng.normal(size=(6, 3))
    for _ in range(3):  # some running statistics that are not the defaults
        net.forward(rng.normal(loc=0.5, size=(10, 3)))
    check_all_gradients(net, X, make_objective("upstream", rng, 6, 2), training=False)


def test_gradients_no_hidden_layer_softmax_regression():
    rng = np.random.default_rng(5)
    net = MLP([2, 3], rng=rng)
    assert len(net.dense) == 1 and net.dead_fraction(np.ones((2, 2))).shape == (0,)
    check_all_gradients(net, rng.normal(size=(5, 2)), make_objective("cross_entropy", rng, 5, 3))


def test_dense_layer_formulas():
    rng = np.random.default_rng(6)
    W, b = rng.normal(size=(3, 2)), rng.normal(size=2)
    x, du = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    layer = Dense(W, b)
    np.testing.assert_allclose(layer.forward(x), x @ W + b, rtol=1e-15)
    np.testing.assert_allclose(layer.backward(du), du @ W.T, rtol=1e-15)
    np.testing.assert_allclose(layer.dW, x.T @ du, rtol=1e-15)
    np.testing.assert_allclose(layer.db, du.sum(axis=0), rtol=1e-15)


# --------------------------------------------------------------------------------------------------
# losses


def test_mse_loss_value_and_gradient():
    rng = np.random.default_rng(7)
    y_pred, y = rng.normal(size=(6, 2)), rng.normal(size=(6, 2))
    loss, grad = mse_loss(y_pred, y)
    assert loss == pytest.approx(np.sum((y_pred - y) ** 2) / 12, rel=1e-14)
    numeric = numerical_gradient(lambda p: mse_loss(p, y)[0], y_pred, h=H)
    np.testing.assert_allclose(grad, numeric, rtol=1e-7, atol=1e-10)
    # (N,) targets for (N, 1) predictions are matched row by row, not broadcast to (N, N)
    loss1, grad1 = mse_loss(y_pred[:, :1], y[:, 0])
    assert loss1 == pytest.approx(np.mean((y_pred[:, 0] - y[:, 0]) ** 2), rel=1e-14)
    assert grad1.shape == (6, 1)


def test_softmax_cross_entropy_matches_scipy_and_worked_example():
    rng = np.random.default_rng(8)
    logits, labels = rng.normal(scale=3, size=(10, 4)), rng.integers(0, 4, size=10)
    loss, grad = softmax_cross_entropy(logits, labels)
    log_p = special.log_softmax(logits, axis=1)
    assert loss == pytest.approx(-np.mean(log_p[np.arange(10), labels]), rel=1e-13)
    one_hot = np.eye(4)[labels]
    expected = (special.softmax(logits, axis=1) - one_hot) / 10
    np.testing.assert_allclose(grad, expected, rtol=1e-12, atol=1e-16)
    loss2, grad2 = softmax_cross_entropy(logits, one_hot)  # one-hot rows give the same
    assert loss2 == pytest.approx(loss, rel=1e-14)
    np.testing.assert_allclose(grad2, grad, rtol=1e-14)
    numeric = numerical_gradient(lambda z: softmax_cross_entropy(z, labels)[0], logits, h=H)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)  # noise: eps * loss / H
    worked, _ = softmax_cross_entropy([[2.33, -1.46, 0.56]], [0])
    assert np.exp(-worked) == pytest.approx(0.83827, abs=5e-6)


def test_softmax_cross_entropy_huge_logits_stable():
    loss, grad = softmax_cross_entropy(np.array([[1e4, -1e4, 0.0], [0.0, 1e4, 0.0]]), [0, 0])
    assert loss == pytest.approx(1e4 / 2, rel=1e-12)  # sample 2: -log p_0 = 1e4
    np.testing.assert_allclose(grad, [[0, 0, 0], [-0.5, 0.5, 0]], atol=1e-300)


def test_binary_cross_entropy_with_logits():
    rng = np.random.default_rng(9)
    z, y = rng.normal(scale=3, size=(8, 1)), rng.integers(0, 2, size=8)
    loss, grad = binary_cross_entropy_with_logits(z, y)
    p = special.expit(z[:, 0])
    assert loss == pytest.approx(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)), rel=1e-12)
    np.testing.assert_allclose(grad[:, 0], (p - y) / 8, rtol=1e-12)
    numeric = numerical_gradient(lambda z_: binary_cross_entropy_with_logits(z_, y)[0], z, h=H)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-11)
    big, g = binary_cross_entropy_with_logits([1000.0, -1000.0], [0.0, 0.0])  # no overflow
    assert big == pytest.approx(500.0, rel=1e-15)
    np.testing.assert_allclose(g, [0.5, 0.0])


def test_loss_arguments_validated():
    with pytest.raises(ValueError, match="y"):
        mse_loss(np.zeros((3, 1)), np.zeros(4))
    with pytest.raises(ValueError, match="y"):
        softmax_cross_entropy(np.zeros((2, 3)), [0, 3])
    with pytest.raises(ValueError, match="y"):
        softmax_cross_entropy(np.zeros((2, 3)), [0.0, 1.0])
    with pytest.raises(ValueError, match="logits"):
        softmax_cross_entropy(np.zeros(3), [0])
    assert set(LOSSES) == {"mse", "cross_entropy", "bce"}


# --------------------------------------------------------------------------------------------------
# initialization


@pytest.mark.parametrize(
    "init, kwargs, std_of",
    [
        ("he", {}, lambda i, o: np.sqrt(2 / i)),
        ("kaiming", {"gain": 3.0}, lambda i, o: 3 * np.sqrt(2 / i)),
        ("xavier", {}, lambda i, o: np.sqrt(2 / (i + o))),
        ("glorot", {"gain": 0.5}, lambda i, o: 0.5 * np.sqrt(2 / (i + o))),
        ("normal", {"scale": 0.7}, lambda i, o: 0.7),
    ],
)
def test_init_statistics(init, kwargs, std_of):
    net = MLP([800, 400, 100], rng=np.random.default_rng(10), init=init, **kwargs)
    for layer, (fan_in, fan_out) in zip(net.dense, [(800, 400), (400, 100)]):
        assert layer.W.shape == (fan_in, fan_out)
        expected = std_of(fan_in, fan_out)
        assert np.std(layer.W) == pytest.approx(expected, rel=0.01)
        assert abs(np.mean(layer.W)) < 0.01 * expected


def test_bias_init_and_zero_scale():
    net = MLP([3, 4, 4, 2], rng=np.random.default_rng(11), bias_init=-2.5, init="normal", scale=0.0)
    np.testing.assert_array_equal(net.dense[0].b, -2.5)
    np.testing.assert_array_equal(net.dense[1].b, -2.5)
    np.testing.assert_array_equal(net.dense[2].b, 0.0)  # output bias starts at 0
    assert all(np.all(layer.W == 0) for layer in net.dense)


def test_same_seed_same_network_and_training():
    rng_data = np.random.default_rng(12)
    X, y = rng_data.normal(size=(40, 2)), rng_data.integers(0, 3, size=40)
    runs = []
    for _ in range(2):
        net = MLP([2, 8, 3], rng=np.random.default_rng(99), activation="prelu", batchnorm=True)
        runs.append((net, net.train(X, y, loss="cross_entropy", lr=0.1, epochs=5, batch_size=16)))
    (a, ha), (b, hb) = runs
    np.testing.assert_array_equal(ha, hb)
    for (la, name), (lb, _) in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(getattr(la, name), getattr(lb, name))
    other = MLP([2, 8, 3], rng=np.random.default_rng(100))
    same_seed = MLP([2, 8, 3], rng=np.random.default_rng(99))
    assert not np.array_equal(other.dense[0].W, same_seed.dense[0].W)


# --------------------------------------------------------------------------------------------------
# SGD and training


def test_sgd_step_is_exactly_minus_lr_times_gradient():
    rng = np.random.default_rng(13)
    net = MLP([3, 5, 5, 2], rng=rng, activation="prelu", batchnorm=True)
    X = rng.normal(size=(6, 3))
    _, dout = mse_loss(net.forward(X), rng.normal(size=(6, 2)))
    net.backward(dout)
    before = [
        (np.copy(getattr(layer, name)), np.copy(getattr(layer, "d" + name)))
        for layer, name in net.parameters()
    ]
    net.sgd_step(0.37)
    for (layer, name), (value, grad) in zip(net.parameters(), before):
        assert np.any(grad != 0)
        np.testing.assert_array_equal(getattr(layer, name), value - 0.37 * grad)


def test_step_and_train_do_the_same_update():
    rng = np.random.default_rng(14)
    X, y = rng.normal(size=(10, 2)), rng.normal(size=10)
    a = MLP([2, 4, 1], rng=np.random.default_rng(1), activation="tanh")
    b = MLP([2, 4, 1], rng=np.random.default_rng(1), activation="tanh")
    loss_a = a.step(X, y, loss="mse", lr=0.05)
    history = b.train(X, y, loss="mse", lr=0.05, epochs=1)
    assert history.tolist() == [loss_a]
    np.testing.assert_array_equal(a.dense[0].W, b.dense[0].W)


def test_xor_needs_a_nonlinearity():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    tanh_net = MLP([2, 8, 1], rng=np.random.default_rng(0), activation="tanh", init="xavier")
    h_tanh = tanh_net.train(X, y, lr=0.1, epochs=500)
    assert h_tanh[0] > 0.1 and h_tanh[-1] < 1e-5
    np.testing.assert_allclose(tanh_net.predict(X).ravel(), y, atol=0.01)
    linear_net = MLP([2, 8, 1], rng=np.random.default_rng(0), activation="linear", init="xavier")
    h_linear = linear_net.train(X, y, lr=0.05, epochs=500)
    assert h_linear[-1] == pytest.approx(0.25, abs=1e-3)  # the best linear fit of XOR: 0.5 everywhere


def test_training_classifiers_with_minibatches():
    rng = np.random.default_rng(15)
    centres = np.array([[2.0, 0.0], [-1.0, 2.0], [-1.0, -2.0]])
    labels = rng.integers(0, 3, size=300)
    X = centres[labels] + rng.normal(scale=0.5, size=(300, 2))
    X_copy = X.copy()
    net = MLP([2, 3], rng=rng, init="normal", scale=0.01)  # multinomial logistic regression
    before, _ = softmax_cross_entropy(net.predict(X), labels)
    assert before == pytest.approx(np.log(3), abs=0.05)  # tiny weights: p close to 1/3
    history = net.train(X, labels, loss="cross_entropy", lr=0.5, epochs=30, batch_size=32)
    assert history[-1] < 0.01 and history[-1] < history[0]
    assert np.mean(net.predict(X).argmax(axis=1) == labels) > 0.97
    np.testing.assert_array_equal(X, X_copy)  # the caller's data is untouched

    radius = np.sqrt(np.sum(X_copy**2, axis=1))
    inside = (radius < np.median(radius)).astype(float)  # circles: not linearly separable
    deep = MLP([2, 16, 16, 1], rng=rng, activation="relu", batchnorm=True)
    seen = []
    history = deep.train(
        X, inside, loss="bce", lr=0.2, epochs=60, batch_size=50, callback=lambda n, e, l: seen.append(e)
    )
    assert seen == list(range(60))
    assert history[0] > 0.6 and history[-1] < 0.3
    assert np.mean((deep.predict(X)[:, 0] > 0) == inside) > 0.9


def test_a_callback_that_returns_true_stops_training_after_that_epoch():
    X = np.random.default_rng(3).normal(size=(50, 2))
    y = X[:, :1] ** 2
    full = MLP([2, 8, 1], rng=np.random.default_rng(4)).train(X, y, lr=0.05, epochs=10)
    net = MLP([2, 8, 1], rng=np.random.default_rng(4))
    seen = []
    history = net.train(X, y, lr=0.05, epochs=10,
                        callback=lambda n, e, loss: seen.append(e) or e == 3)
    assert seen == [0, 1, 2, 3]
    np.testing.assert_array_equal(history, full[:4])   # the same epochs, then no more
    after_four = MLP([2, 8, 1], rng=np.random.default_rng(4))
    after_four.train(X, y, lr=0.05, epochs=4)
    np.testing.assert_array_equal(net.dense[0].W, after_four.dense[0].W)


def test_prelu_slope_is_learned():
    rng = np.random.default_rng(16)
    X = rng.normal(size=(200, 1))
    y = np.where(X > 0, X, 0.8 * X)  # a leaky ReLU with slope 0.8 on the negative side
    net = MLP([1, 1, 1], rng=rng, activation="prelu", activation_params={"a": 0.1})
    net.dense[0].W[...] = 1.0
    net.dense[0].b[...] = 0.0
    net.dense[1].W[...] = 1.0
    trajectory = []
    net.train(X, y, lr=0.1, epochs=200, callback=lambda n, e, l: trajectory.append(n.acts[0].a))
    assert trajectory[0] > 0.1 and trajectory[-1] == pytest.approx(0.8, abs=0.02)


# --------------------------------------------------------------------------------------------------
# diagnostics


def test_grad_norms_shapes_and_values():
    rng = np.random.default_rng(17)
    net = MLP([3, 6, 6, 6, 2], rng=rng, activation="tanh")
    X = rng.normal(size=(12, 3))
    _, dout = mse_loss(net.forward(X), rng.normal(size=(12, 2)))
    net.backward(dout)
    for of in ("W", "b", "z", "h"):
        assert net.grad_norms(of).shape == (4,)
    W_norms = [np.sqrt(np.sum(d.dW**2)) for d in net.dense]
    np.testing.assert_allclose(net.grad_norms(), W_norms, rtol=1e-14)
    b_norms = [np.linalg.norm(d.db) for d in net.dense]
    np.testing.assert_allclose(net.grad_norms("b"), b_norms, rtol=1e-14)
    assert net.grad_norms("h")[-1] == pytest.approx(np.linalg.norm(dout), rel=1e-14)
    assert net.grad_norms("z")[-1] == pytest.approx(np.linalg.norm(dout), rel=1e-14)  # identity output
    # dL/dz_l = dL/dh_l * tanh'(z_l), and dL/dW_l = h_{l-1}^T dL/dz_l
    z0 = net.pre_activations[0]
    dz0 = net.acts[0].dh * (1 - np.tanh(z0) ** 2)
    assert net.grad_norms("z")[0] == pytest.approx(np.linalg.norm(dz0), rel=1e-12)
    assert net.grad_norms("W")[0] == pytest.approx(np.linalg.norm(X.T @ net.acts[0].dz), rel=1e-12)


def test_grad_norms_vanish_with_sigmoid_not_with_relu_he():
    rng = np.random.default_rng(18)
    X = rng.normal(size=(256, 32))

    def first_over_last(activation, init):
        net = MLP([32] + [32] * 20 + [1], rng=rng, activation=activation, init=init)
        _, dout = mse_loss(net.forward(X), rng.normal(size=(256, 1)))
        net.backward(dout)
        norms = net.grad_norms("z")
        return norms[0] / norms[-2]

    assert first_over_last("sigmoid", "xavier") < 1e-6
    assert 0.1 < first_over_last("relu", "he") < 10


def test_pre_activations_are_what_the_activations_receive():
    rng = np.random.default_rng(19)
    net = MLP([2, 3, 1], rng=rng, activation="relu")
    X = rng.normal(size=(4, 2))
    out = net.forward(X)
    z = net.pre_activations
    np.testing.assert_allclose(z[0], X @ net.dense[0].W + net.dense[0].b, rtol=1e-15)
    np.testing.assert_allclose(z[1], out, rtol=1e-15)
    assert len(z) == 2


def test_dead_units_hand_built():
    net = MLP([2, 3, 1], rng=np.random.default_rng(20), activation="relu")
    net.dense[0].W = np.array([[1.0, 0.0, -1.0], [0.0, 0.0, 0.0]])
    net.dense[0].b = np.zeros(3)
    X = np.array([[1.0, -5.0], [2.0, 3.0], [0.5, 0.0]])  # first feature > 0
    # unit 0: z = x0 > 0 (alive); unit 1: z = 0 everywhere (relu'(0) = 0: dead); unit 2: z = -x0 < 0
    np.testing.assert_array_equal(net.dead_units(X)[0], [False, True, True])
    np.testing.assert_allclose(net.dead_fraction(X), [2 / 3])
    X[0, 0] = -1.0  # one sample that turns unit 2 on is enough to keep it alive
    np.testing.assert_array_equal(net.dead_units(X)[0], [False, True, False])


@pytest.mark.parametrize("activation, expected", [("relu", 1.0), ("leaky_relu", 0.0), ("elu", 0.0)])
def test_dead_fraction_negative_bias(activation, expected):
    rng = np.random.default_rng(21)
    X = rng.normal(size=(200, 4))
    net = MLP([4, 16, 16, 1], rng=rng, activation=activation, bias_init=-20.0)
    np.testing.assert_array_equal(net.dead_fraction(X), [expected, expected])
    step_net = MLP([4, 16, 16, 1], rng=rng, activation="step")  # step' = 0 everywhere
    np.testing.assert_array_equal(step_net.dead_fraction(X), [1.0, 1.0])


def test_dead_fraction_leaves_batchnorm_running_statistics_alone():
    rng = np.random.default_rng(22)
    net = MLP([3, 5, 1], rng=rng, batchnorm=True)
    net.forward(rng.normal(size=(8, 3)))
    mean, var = net.norms[0].running_mean.copy(), net.norms[0].running_var.copy()
    fraction = net.dead_fraction(rng.normal(size=(50, 3)) + 3, training=True)
    assert fraction.shape == (1,) and 0 <= fraction[0] < 1
    np.testing.assert_array_equal(net.norms[0].running_mean, mean)
    np.testing.assert_array_equal(net.norms[0].running_var, var)
    assert isinstance(net.norms[0], BatchNorm)


def test_predict_uses_running_statistics():
    rng = np.random.default_rng(23)
    net = MLP([2, 4, 1], rng=rng, batchnorm=True)
    X = rng.normal(loc=3.0, size=(20, 2))
    train_out = net.forward(X, training=True)
    assert not np.allclose(net.predict(X), train_out)
    np.testing.assert_array_equal(net.predict(X), net.forward(X, training=False))


# --------------------------------------------------------------------------------------------------
# argument checking


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"sizes": [3]}, "sizes"),
        ({"sizes": [3, 0, 1]}, "sizes"),
        ({"activation": "relux"}, "activation"),
        ({"activation": ["relu"]}, "activation"),
        ({"activation": "tanh", "activation_params": {"negative_slope": 0.1}}, "activation_params"),
        ({"output": "nope"}, "output"),
        ({"init": "uniform"}, "init"),
        ({"scale": -1.0, "init": "normal"}, "scale"),
        ({"gain": -1.0}, "gain"),
        ({"rng": 0}, "rng"),
        ({"bias_init": np.nan}, "bias_init"),
    ],
)
def test_constructor_validation(kwargs, name):
    args = {"sizes": [3, 4, 4, 1], "rng": np.random.default_rng(0), **kwargs}
    with pytest.raises(ValueError, match=name):
        MLP(args.pop("sizes"), **args)


def test_method_validation():
    rng = np.random.default_rng(24)
    net = MLP([2, 3, 1], rng=rng)
    X, y = rng.normal(size=(5, 2)), rng.normal(size=5)
    with pytest.raises(ValueError, match="before forward"):
        net.backward(np.zeros((5, 1)))
    with pytest.raises(ValueError, match="before backward"):
        net.sgd_step(0.1)
    with pytest.raises(ValueError, match="before backward"):
        net.grad_norms()
    with pytest.raises(ValueError, match="X"):
        net.forward(np.zeros((5, 3)))
    net.forward(X)
    with pytest.raises(ValueError, match="dout"):
        net.backward(np.zeros((4, 1)))
    net.backward(np.ones((5, 1)))
    with pytest.raises(ValueError, match="lr"):
        net.sgd_step(0.0)
    with pytest.raises(ValueError, match="of"):
        net.grad_norms("dW")
    for kwargs, name in [
        ({"lr": -1.0}, "lr"),
        ({"epochs": -1}, "epochs"),
        ({"epochs": 2.5}, "epochs"),
        ({"batch_size": 0}, "batch_size"),
        ({"loss": "hinge"}, "loss"),
        ({"rng": 1}, "rng"),
    ]:
        with pytest.raises(ValueError, match=name):
            net.train(X, y, **kwargs)
    with pytest.raises(ValueError, match="y"):
        net.train(X, y[:4])
    with pytest.raises(ValueError, match="batch_size"):
        MLP([2, 3, 1], rng=rng, batchnorm=True).train(X, y, batch_size=1)
    with pytest.raises(ValueError, match="activation"):
        ActivationLayer("nope")


def test_doctests():
    result = doctest.testmod(lib.network)
    assert result.failed == 0 and result.attempted > 20


def test_activation_layer_keeps_the_slope_its_backward_used():
    z = np.array([[-2.0, -0.5, 0.0, 0.5, 3.0]])
    act = ActivationLayer("elu", {"alpha": 0.7})
    act.forward(z)
    g = np.array([[1.0, -2.0, 3.0, 0.5, -1.0]])
    dz = act.backward(g)
    np.testing.assert_array_equal(act.slope, ACTIVATIONS["elu"].derivative(z, alpha=0.7))
    np.testing.assert_array_equal(dz, g * act.slope)
