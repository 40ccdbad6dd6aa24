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
