"""Experiments of the Softmax chapter: the naive formulas, the worked example, temperature, regions."""

import warnings

import numpy as np
import pytest

from lib.activations import softmax
from lib.experiments import softmax as experiments


def test_naive_formulas():
    np.testing.assert_allclose(experiments.naive_normalize([5, 3, 2, 5]), [1 / 3, 0.2, 2 / 15, 1 / 3])
    assert np.isnan(experiments.naive_normalize([2.33, -2.89, 0.56])).all()
    np.testing.assert_allclose(experiments.naive_normalize([[1.0, 3.0], [2.0, 2.0]]),
                               [[0.25, 0.75], [0.5, 0.5]])
    np.testing.assert_allclose(experiments.naive_softmax([2.33, -1.46, 0.56]), softmax([2.33, -1.46, 0.56]),
                               rtol=1e-14)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = experiments.naive_softmax([1000.0, 0.0, -1000.0])
        assert np.isnan(out[0]) and out[1] == 0 and out[2] == 0
        assert np.isnan(experiments.naive_softmax([20.0, 0.0], np.float16)[0])
        assert experiments.naive_softmax([20.0, 0.0], np.float16).dtype == np.float16


@pytest.mark.parametrize("dtype, value", [(np.float16, 11.09), (np.float32, 88.72), (np.float64, 709.78)])
def test_overflow_threshold(dtype, value):
    t = experiments.overflow_threshold(dtype)
    assert round(t, 2) == value
    with np.errstate(over="ignore"):
        assert np.isfinite(np.exp(dtype(t * 0.999))) and np.isinf(np.exp(dtype(t * 1.01)))


def test_softmax_steps_exact_and_rounded():
    s = experiments.softmax_steps(experiments.WORKED_LOGITS)
    np.testing.assert_allclose(s["exp"], np.exp(experiments.WORKED_LOGITS))
    np.testing.assert_allclose(s["p"], softmax(experiments.WORKED_LOGITS), rtol=1e-14)
    r = experiments.softmax_steps(experiments.WORKED_LOGITS, exp=[10.278, 0.232, 1.75], total=12.26)
    np.testing.assert_allclose(r["p"], np.array([10.278, 0.232, 1.75]) / 12.26)
    assert round(100 * r["p"][2], 2) == 14.27 and round(100 * s["p"][2], 2) == 14.28


def test_temperature_sweep_is_softmax_of_the_scaled_logits():
    t, p = experiments.temperature_sweep()
    assert t.shape == (200,) and p.shape == (200, 3)
    assert t[0] == pytest.approx(10 ** -1.3) and t[-1] == pytest.approx(100.0)
    np.testing.assert_allclose(p[57], softmax(np.array(experiments.WORKED_LOGITS) / t[57]), rtol=1e-14)
    t, p = experiments.temperature_sweep([3.0, 1.0], [0.5, 2.0])
    np.testing.assert_allclose(p, [softmax([6.0, 2.0]), softmax([1.5, 0.5])], rtol=1e-14)


def test_class_grid_picks_the_argmax_on_a_grid_around_the_points():
    X = np.array([[-1.0, 0.0], [1.0, 0.0], [0.0, 2.0]])
    scores = lambda P: np.column_stack([-P[:, 0], P[:, 0], P[:, 1] - 1.5])  # noqa: E731
    gx, gy, classes = experiments.class_grid(scores, X, resolution=20, margin=0.5)
    assert gx.shape == gy.shape == classes.shape == (20, 20)
    assert (gx.min(), gx.max(), gy.min(), gy.max()) == (-1.5, 1.5, -0.5, 2.5)
    picked = np.argmax(scores(np.c_[gx.ravel(), gy.ravel()]), axis=1).reshape(20, 20)
    np.testing.assert_array_equal(classes, picked)
    assert classes[0, 0] == 0 and classes[0, -1] == 1 and classes[-1, 10] == 2


# -- multinomial logistic regression on the digits ------------------------------------------------

from lib.datasets import digits  # noqa: E402
from lib.derivatives import numerical_gradient  # noqa: E402
from lib.network import MLP, softmax_cross_entropy  # noqa: E402


@pytest.fixture(scope="module")
def data():
    return digits()


@pytest.fixture(scope="module")
def model(data):
    return experiments.train_softmax_regression(data.X_train, data.y_train, rng=np.random.default_rng(4),
                                                lr=2.0, steps=150)


def small_problem(seed=0, n=7, d=4, k=3):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(d, k)), rng.normal(size=k), rng.normal(size=(n, d)), rng.integers(0, k, n)


def test_gradient_matches_central_differences():
    W, b, X, y = small_problem()
    loss, dW, db = experiments.softmax_regression_gradient(W, b, X, y)
    assert loss == pytest.approx(softmax_cross_entropy(X @ W + b, y)[0], rel=1e-15)
    num_W = numerical_gradient(lambda V: experiments.softmax_regression_gradient(V, b, X, y)[0], W, h=1e-6)
    num_b = numerical_gradient(lambda c: experiments.softmax_regression_gradient(W, c, X, y)[0], b, h=1e-6)
    np.testing.assert_allclose(dW, num_W, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(db, num_b, rtol=1e-7, atol=1e-9)
    # the written formula: X^T (P - Y) / N, and the column sums of (P - Y) / N
    G = (softmax(X @ W + b) - np.eye(3)[y]) / len(y)
    np.testing.assert_allclose(dW, X.T @ G, rtol=1e-13)
    np.testing.assert_allclose(db, G.sum(axis=0), rtol=1e-13, atol=1e-16)


def test_gradient_on_the_digits_matches_central_differences(data):
    rng = np.random.default_rng(1)
    X, y = data.X_train[:200], data.y_train[:200]
    W, b = rng.normal(scale=0.3, size=(64, 10)), rng.normal(size=10)
    _, dW, _ = experiments.softmax_regression_gradient(W, b, X, y)
    pixels = [19, 27, 36, 44]          # near the centre of the 8x8 image, where the strokes are

    def loss_of(block):
        V = W.copy()
        V[pixels] = block
        return experiments.softmax_regression_gradient(V, b, X, y)[0]

    num = numerical_gradient(loss_of, W[pixels], h=1e-6)
    np.testing.assert_allclose(dW[pixels], num, rtol=1e-6, atol=1e-10)
    assert np.abs(dW[pixels]).min() > 1e-4    # every checked entry is far from 0: the check can fail
    assert np.all(dW[0] == 0)                 # the corner pixel is 0 in every image: no gradient


def test_training_is_plain_gradient_descent_with_that_gradient():
    W0, _, X, y = small_problem(seed=3, n=20)
    model = experiments.train_softmax_regression(X, y, rng=np.random.default_rng(5), classes=4,
                                                 lr=0.3, steps=25, scale=0.2)
    W, b = np.random.default_rng(5).normal(0.0, 0.2, size=(4, 4)), np.zeros(4)
    losses = []
    for _ in range(25):
        loss, dW, db = experiments.softmax_regression_gradient(W, b, X, y)
        losses.append(loss)
        W, b = W - 0.3 * dW, b - 0.3 * db
    np.testing.assert_allclose(model.W, W, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(model.b, b, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(model.losses, losses, rtol=1e-13)
    assert model.W.shape == (4, 4) and model.n_parameters == 20   # classes=4, one class unseen


def test_trained_model_on_the_digits(data, model):
    assert model.W.shape == (64, 10) and model.b.shape == (10,) and model.n_parameters == 650
    assert model.losses.shape == (150,)
    assert model.losses[0] == pytest.approx(np.log(10), abs=0.01)   # tiny weights: uniform guess
    assert np.all(np.diff(model.losses) < 0) and model.losses[-1] < 0.2
    train = np.mean(model.predict(data.X_train) == data.y_train)
    test = np.mean(model.predict(data.X_test) == data.y_test)
    assert 0.95 < train < 1.0 and 0.93 < test < 0.99
    P = model.probabilities(data.X_test)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-14)
    np.testing.assert_array_equal(P.argmax(axis=1), model.predict(data.X_test))
    np.testing.assert_allclose(model.logits(data.X_test), data.X_test @ model.W + model.b)


def test_the_weights_are_those_of_the_chapters_network(data, model):
    net = MLP([64, 10], rng=np.random.default_rng(4), init="normal", scale=0.01)
    net.train(data.X_train, data.y_train, loss="cross_entropy", lr=2.0, epochs=150)
    np.testing.assert_array_equal(model.W, net.dense[0].W)
    np.testing.assert_array_equal(model.logits(data.X_test), net.predict(data.X_test))


def test_confusion_matrix_of_the_test_set(data, model):
    counts = experiments.confusion_matrix(data.y_test, model.predict(data.X_test), classes=10)
    assert counts.shape == (10, 10) and counts.dtype.kind == "i"
    np.testing.assert_array_equal(counts.sum(axis=1), np.bincount(data.y_test, minlength=10))
    np.testing.assert_array_equal(counts.sum(axis=0), np.bincount(model.predict(data.X_test), minlength=10))
    assert np.trace(counts) == np.sum(model.predict(data.X_test) == data.y_test)
    metrics = pytest.importorskip("sklearn.metrics")
    np.testing.assert_array_equal(counts, metrics.confusion_matrix(data.y_test, model.predict(data.X_test),
                                                                   labels=range(10)))


def test_confusion_matrix_small_and_refusals():
    counts = experiments.confusion_matrix([2, 2, 0, 1], [2, 0, 0, 2], classes=4)
    assert counts.tolist() == [[1, 0, 0, 0], [0, 0, 1, 0], [1, 0, 1, 0], [0, 0, 0, 0]]
    with pytest.raises(ValueError, match="y_pred"):
        experiments.confusion_matrix([0, 1], [0], classes=2)
    with pytest.raises(ValueError, match="y_true"):
        experiments.confusion_matrix([0, 2], [0, 1], classes=2)
    with pytest.raises(ValueError, match="y_pred"):
        experiments.confusion_matrix([0, 1], [0.0, 1.0], classes=2)


def test_misclassified_are_the_wrong_rows_most_confident_first(data, model):
    P = model.probabilities(data.X_test)
    wrong = experiments.misclassified(P, data.y_test)
    predicted = P.argmax(axis=1)
    assert set(wrong.tolist()) == set(np.flatnonzero(predicted != data.y_test).tolist())
    confidence = P[wrong, predicted[wrong]]
    assert np.all(np.diff(confidence) <= 0) and len(wrong) > 3
    np.testing.assert_array_equal(experiments.misclassified(P, data.y_test, count=3), wrong[:3])
    assert experiments.misclassified([[0.9, 0.1]], [0]).size == 0
