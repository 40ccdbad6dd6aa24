"""Checkers for the Normalization chapter."""

from __future__ import annotations

import numpy as np

from . import Report, _fail, check_function, check_value, is_placeholder, not_attempted
from ..experiments.normalization import (EVAL_BATCH, EVAL_STEPS, EVAL_X, batchnorm_forward_reference,
                                         eval_prediction_reference)
from ..normalization import standardize


def check_standardize(answer) -> Report:
    """Check a learner's ``my_standardize(x, axis=0)`` against :func:`lib.normalization.standardize`.

    The test inputs cover a 1-D array, the default ``axis=0`` on a 2-D array (one column per
    feature), ``axis=1``, float32 (which must stay float32) and constant columns (z-scores 0): one
    of 4.0, and [0.1, 0.1, 0.1], which binary floating point cannot hold exactly: its computed
    standard deviation is about 1e-17, not 0, so a test ``sigma > 0`` divides rounding error by
    rounding error.

    Examples
    --------
    >>> check_standardize(standardize).passed
    True
    >>> sample_std = lambda x, axis=0: (x - x.mean(axis, keepdims=True)) / x.std(axis, ddof=1, keepdims=True)
    >>> check_standardize(sample_std).passed
    False
    >>> def sigma_test(x, axis=0):           # treats a std of 1e-17 as a spread
    ...     centred = x - x.mean(axis=axis, keepdims=True)
    ...     sigma = np.sqrt(np.mean(centred ** 2, axis=axis, keepdims=True))
    ...     return np.divide(centred, sigma, out=np.zeros_like(centred), where=sigma > 0)
    >>> check_standardize(sigma_test).passed
    False
    """
    rng = np.random.default_rng(5)
    features = rng.normal([10.0, -3.0, 500.0], [2.0, 0.1, 80.0], size=(8, 3))
    constant = features.copy()
    constant[:, 1] = 4.0
    inputs = [
        (np.array([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]),),
        (features,),
        (features, 1),
        (features.astype(np.float32),),
        (constant,),
        (np.full(3, 0.1),),
    ]
    return check_function(
        answer, standardize, inputs, name="my_standardize", rtol=1e-6, atol=1e-6,
        hint="subtract x.mean(axis=axis, keepdims=True) and divide by the population standard "
             "deviation (the square root of the mean squared deviation, ddof=0) along the same "
             "axis; keep x's float dtype. A column is constant when all its values are equal: "
             "test x.max(axis=axis, keepdims=True) == x.min(axis=axis, keepdims=True), not "
             "sigma > 0 (rounding leaves sigma near 1e-17 for a column of 0.1), and return 0 "
             "there without dividing (np.where with a safe denominator).",
    )


def check_batchnorm_forward(answer) -> Report:
    """Check ``my_batchnorm_forward(x, gamma, beta, eps)`` against ``BatchNorm(...).forward``.

    The inputs include a large ``eps`` (so it must sit inside the square root, added to the
    *biased* variance), non-trivial ``gamma`` and ``beta``, and a float32 batch.

    Examples
    --------
    >>> check_batchnorm_forward(batchnorm_forward_reference).passed
    True
    >>> unbiased = lambda x, g, b, eps: g * (x - x.mean(0)) / np.sqrt(x.var(0, ddof=1) + eps) + b
    >>> check_batchnorm_forward(unbiased).passed
    False
    """
    rng = np.random.default_rng(11)
    small = np.array([[1.0, 2.0, 0.5], [3.0, -2.0, 0.5], [5.0, 4.0, 0.7], [7.0, 0.0, 0.3]])
    big = rng.normal(2.0, 3.0, size=(16, 5))
    inputs = [
        (small, np.ones(3), np.zeros(3), 1e-5),
        (small, np.array([2.0, 0.5, -1.0]), np.array([0.1, -1.0, 3.0]), 1e-5),
        (small, np.array([1.0, 1.0, 1.0]), np.zeros(3), 0.5),
        (big, rng.normal(1.0, 0.2, size=5), rng.normal(0.0, 0.5, size=5), 1e-3),
        (big.astype(np.float32), np.ones(5), np.zeros(5), 1e-5),
    ]
    return check_function(
        answer, batchnorm_forward_reference, inputs, name="my_batchnorm_forward",
        rtol=1e-6, atol=1e-6,
        hint="per column: mu = x.mean(axis=0), var = ((x - mu)**2).mean(axis=0) (biased, divide by "
             "N), x_hat = (x - mu) / sqrt(var + eps), then gamma * x_hat + beta.",
    )


def _eval_mistakes() -> list[tuple[float, str]]:
    """Predictions that come from a known slip, each with what went wrong (never the right value)."""
    n = len(EVAL_BATCH)
    mean, biased = float(EVAL_BATCH.mean()), float(EVAL_BATCH.var())
    kept = 0.9 ** EVAL_STEPS                         # the share of the starting values left
    run_mean = mean * (1 - kept)
    biased_var = kept * 1.0 + biased * (1 - kept)
    one_mean, one_var = 0.1 * mean, 0.9 + 0.1 * biased * n / (n - 1)
    return [
        (0.0, "0 is what the batch's own statistics would give, since 4 is the mean of [1, 3, 5, 7]. "
              "In inference mode the layer uses its running statistics instead, and after three "
              "steps they are still far from the batch's."),
        ((EVAL_X - run_mean) / np.sqrt(biased_var + 1e-5),
         "the running variance is updated with the unbiased batch variance, N/(N-1) times the "
         "biased one, not with the biased variance itself."),
        ((EVAL_X - one_mean) / np.sqrt(one_var + 1e-5),
         "that is the output after one training step; the layer took three, and each moves the "
         "running statistics another 10 % of the way."),
    ]


def check_eval_prediction(answer) -> Report:
    """Check a predicted inference-mode output (to 3 significant digits).

    Examples
    --------
    >>> check_eval_prediction(1.831).passed
    True
    >>> print(check_eval_prediction(0.0).message)  # doctest: +ELLIPSIS
    Not quite: 0 is what the batch's own statistics would give, since 4 is the mean of [1, 3, 5, 7]. ...
    """
    if is_placeholder(answer):
        return not_attempted("prediction is still ...", "replace it with your prediction, a number "
                             "such as 2.5, and run this cell again.")
    hint = ("the running mean and variance start at 0 and 1 and move only 10% of the way to the "
            "batch's statistics per step (and the running variance uses the unbiased batch "
            "variance, N/(N-1) times the biased one).")
    want = eval_prediction_reference()
    if isinstance(answer, (int, float, np.number)) and abs(float(answer) - want) > 1e-3 * abs(want):
        for value, why in _eval_mistakes():
            if abs(float(answer) - value) <= 0.01:
                return _fail(f"Not quite: {why}", hint)
    return check_value(answer, want, name="the inference-mode output for x = 4",
                       rtol=1e-3, hint=hint, variable="prediction")
