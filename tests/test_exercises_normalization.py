"""Checkers of the Normalization chapter: the reference passes, broken answers fail with feedback."""

import numpy as np
import pytest

from lib.exercises.normalization import check_batchnorm_forward, check_eval_prediction, check_standardize
from lib.experiments.normalization import batchnorm_forward_reference, eval_prediction_reference
from lib.normalization import BatchNorm, standardize


def stub(*args):
    raise NotImplementedError("Student exercise")


def naive_standardize(x, axis=0):
    x = np.asarray(x)
    return (x - x.mean(axis=axis, keepdims=True)) / x.std(axis=axis, keepdims=True)


def safe_standardize(x, axis=0):
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    centred = x - x.mean(axis=axis, keepdims=True)
    std = np.sqrt((centred**2).mean(axis=axis, keepdims=True))
    constant = x.max(axis=axis, keepdims=True) == x.min(axis=axis, keepdims=True)
    return np.where(constant, 0, centred / np.where(constant, 1, std)).astype(x.dtype)


def sigma_test_standardize(x, axis=0):
    """Tests sigma > 0 for a constant column: rounding leaves sigma near 1e-17 for a column of 0.1."""
    x = np.asarray(x)
    centred = x - x.mean(axis=axis, keepdims=True)
    sigma = np.sqrt(np.mean(centred**2, axis=axis, keepdims=True))
    return np.divide(centred, sigma, out=np.zeros_like(centred), where=sigma > 0)


def test_a_constant_column_of_tenths_has_a_rounding_sigma():
    """Why the checker uses 0.1: the computed sigma of [0.1, 0.1, 0.1] is not 0."""
    x = np.full(3, 0.1)
    assert 0 < np.sqrt(np.mean((x - x.mean()) ** 2)) < 1e-16
    np.testing.assert_array_equal(np.abs(sigma_test_standardize(x)), 1.0)


def test_standardize_reference_and_a_hand_written_answer_pass():
    assert check_standardize(standardize)
    report = check_standardize(safe_standardize)
    assert report.passed, report.message
    assert "all 6 test inputs" in report.message


@pytest.mark.parametrize(
    "answer, words",
    [
        (stub, "still the stub"),
        (lambda x, axis=0: None, "returned None"),
        (lambda x, axis=0: (x - x.mean()) / x.std(), "is off on input"),             # ignores axis
        (lambda x, axis=0: safe_standardize(x, axis) * np.sqrt(len(x) / (len(x) - 1)) if np.ndim(x) == 1
         else safe_standardize(x, axis), "too high, by about 7 %"),                  # sample std on 1-D
        (lambda x, axis=0: min_max(x, axis), "is off on input"),                     # min-max instead
        (lambda x, axis=0: safe_standardize(x, axis).astype(np.float64), "dtype"),
        (lambda x, axis=0: safe_standardize(x, axis).ravel(), "shape"),
        (naive_standardize, "warned"),                                               # 0/0 on a constant column
        (sigma_test_standardize, "is off on input"),                                 # 1e-17 / 1e-17
        (lambda x: safe_standardize(x), "raised TypeError"),                         # no axis parameter
    ],
)
def test_broken_standardize_fails_with_feedback(answer, words):
    report = check_standardize(answer)
    assert not report.passed
    assert words in report.message
    assert "population standard deviation" in report.message  # the hint


def min_max(x, axis):
    x = np.asarray(x)
    lo, hi = x.min(axis=axis, keepdims=True), x.max(axis=axis, keepdims=True)
    return (x - lo) / np.where(hi > lo, hi - lo, 1)


def bn_by_hand(x, gamma, beta, eps):
    mu = x.mean(axis=0)
    var = ((x - mu) ** 2).mean(axis=0)
    return (gamma * (x - mu) / np.sqrt(var + eps) + beta).astype(x.dtype)


def test_batchnorm_reference_matches_the_layer_and_a_hand_written_answer_passes():
    x = np.array([[1.0, 2.0], [3.0, 5.0], [4.0, -1.0]])
    bn = BatchNorm(2, eps=0.1)
    bn.gamma, bn.beta = np.array([2.0, 3.0]), np.array([-1.0, 0.5])
    np.testing.assert_allclose(batchnorm_forward_reference(x, bn.gamma, bn.beta, 0.1), bn.forward(x),
                               rtol=1e-15)
    assert check_batchnorm_forward(batchnorm_forward_reference)
    report = check_batchnorm_forward(bn_by_hand)
    assert report.passed, report.message


@pytest.mark.parametrize(
    "answer, words",
    [
        (stub, "still the stub"),
        (lambda x, g, b, eps: g * (x - x.mean(0)) / np.sqrt(x.var(0, ddof=1) + eps) + b, "is off on"),
        (lambda x, g, b, eps: g * (x - x.mean(0)) / (x.std(0) + eps) + b, "is off on"),  # eps outside
        (lambda x, g, b, eps: (x - x.mean(0)) / np.sqrt(x.var(0) + eps), "is off on"),   # no gamma, beta
        (lambda x, g, b, eps: g * (x - x.mean(1, keepdims=True))
         / np.sqrt(x.var(1, keepdims=True) + eps) + b, "is off on"),                     # layer norm
        (lambda x, g, b, eps: bn_by_hand(x, g, b, eps)[0], "shape"),
        (lambda x, g, b, eps: bn_by_hand(x, g, b, eps).astype(np.float64), "dtype"),
    ],
)
def test_broken_batchnorm_fails_with_feedback(answer, words):
    report = check_batchnorm_forward(answer)
    assert not report.passed
    assert words in report.message
    assert "biased" in report.message


def test_eval_reference_passes():
    want = eval_prediction_reference()
    assert check_eval_prediction(want)
    assert check_eval_prediction(round(want, 3))


@pytest.mark.parametrize(
    "answer, words",
    [
        (0.0, "the batch's own statistics"),     # x = 4 is the batch mean
        (2.02, "unbiased batch variance"),       # biased variance in the running estimate
        (2.876, "after one training step"),
        (2.5, "too high, by about 37 %"),
        (1.2, "too low, by about 34 %"),
        (None, "None"),
        (..., "Not attempted yet: prediction is still ..."),
        ("1.83", "got the text"),          # a string is not a number, and the message says so
        (lambda: 1.83, "function"),
        ([1.83, 1.0], "should have one number"),
    ],
)
def test_wrong_eval_predictions_fail(answer, words):
    report = check_eval_prediction(answer)
    assert not report.passed
    assert words in report.message
    assert "1.83" not in report.message.replace("'1.83'", "")   # the expected value stays hidden
