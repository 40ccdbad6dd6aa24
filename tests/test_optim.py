"""lib.optim: the least-squares loss and gradient, and gradient descent."""

import numpy as np
import pytest

from lib.derivatives import numerical_derivative
from lib.optim import gradient_descent, least_squares_grad, least_squares_loss


@pytest.fixture
def problem():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 3)) * np.array([1.0, 5.0, 0.2])
    y = X @ np.array([1.0, -2.0, 0.5]) + rng.normal(0, 0.1, 30)
    return X, y


def test_loss_is_the_mean_squared_residual(problem):
    X, y = problem
    w = np.array([0.3, -0.1, 2.0])
    assert least_squares_loss(w, X, y) == pytest.approx(np.mean((X @ w - y) ** 2), rel=1e-14)


def test_loss_of_a_stack_of_weights(problem):
    X, y = problem
    ws = np.arange(12.0).reshape(2, 2, 3) / 10
    got = least_squares_loss(ws, X, y)
    assert got.shape == (2, 2)
    assert got[1, 0] == pytest.approx(least_squares_loss(ws[1, 0], X, y), rel=1e-14)


def test_gradient_matches_central_differences(problem):
    X, y = problem
    w = np.array([0.3, -0.1, 2.0])
    g = least_squares_grad(w, X, y)
    for k in range(3):
        def f(t, k=k):
            v = w.copy()
            v[k] = t
            return least_squares_loss(v, X, y)
        assert g[k] == pytest.approx(float(numerical_derivative(np.vectorize(f), w[k])), rel=1e-7)


def test_gradient_descent_reaches_the_least_squares_solution(problem):
    X, y = problem
    H = 2 * X.T @ X / len(y)
    lr = 1 / np.linalg.eigvalsh(H)[-1]
    path = gradient_descent(lambda w: least_squares_grad(w, X, y), np.zeros(3), lr, 20000)
    np.testing.assert_allclose(path[-1], np.linalg.lstsq(X, y, rcond=None)[0], rtol=1e-9)
    assert path.shape == (20001, 3)
    np.testing.assert_array_equal(path[0], np.zeros(3))


def test_each_step_is_the_update_rule():
    grad = lambda w: np.array([2 * w[0], 8 * w[1]])
    path = gradient_descent(grad, [1.0, 1.0], lr=0.1, steps=2)
    np.testing.assert_allclose(path, [[1.0, 1.0], [0.8, 0.2], [0.64, 0.04]], rtol=1e-14)


def test_stop_ends_the_run_at_the_first_iterate_that_satisfies_it():
    path = gradient_descent(lambda w: 2 * w, [1.0], lr=0.25, steps=100, stop=lambda w: w[0] < 0.2)
    np.testing.assert_allclose(path.ravel(), [1.0, 0.5, 0.25, 0.125])
    assert len(gradient_descent(lambda w: 2 * w, [1.0], 0.25, 100, stop=lambda w: True)) == 1


def test_input_is_not_modified():
    w0 = np.array([1.0, 2.0])
    gradient_descent(lambda w: w, w0, 0.5, 3)
    np.testing.assert_array_equal(w0, [1.0, 2.0])


@pytest.mark.parametrize("lr", [0, -1, np.nan, "a"])
def test_bad_lr_raises_naming_it(lr):
    with pytest.raises(ValueError, match="lr"):
        gradient_descent(lambda w: w, [1.0], lr, 3)


@pytest.mark.parametrize("steps", [-1, 1.5, True])
def test_bad_steps_raises_naming_it(steps):
    with pytest.raises(ValueError, match="steps"):
        gradient_descent(lambda w: w, [1.0], 0.1, steps)
