"""The experiments of the Normalization chapter.

* :data:`SCORES`, :func:`scaled_with_outlier` -- z-scores versus min-max scaling, with an outlier;
* :func:`loss_grid` -- a loss over a grid of two weights, for contour plots of gradient descent;
* :func:`batch_stream`, :func:`batch_statistics`, :func:`stream_statistics` -- batch means and the
  running mean over training steps, for a batch size and a momentum;
* :func:`normalize`, :func:`example_tensor`, :func:`first_sample_effect` -- batch, layer and RMS
  normalization of the same (N, C) tensor, and which outputs depend on the other samples;
* :func:`batchnorm_forward_reference`, :func:`eval_prediction_reference` -- the reference answers of
  two exercises.

The figures are in ``lib.views.normalization``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..normalization import BatchNorm, layer_norm, min_max_scale, rms_norm, standardize

# --------------------------------------------------------------------------------------------------
# data normalization: z-score versus min-max, and an outlier

#: Twelve ordinary measurements (think exam scores), fixed so every frame shows the same data.
SCORES = np.array([52.0, 61.0, 47.0, 58.0, 66.0, 55.0, 43.0, 70.0, 49.0, 63.0, 57.0, 51.0])


def scaled_with_outlier(outlier=None, data=SCORES):
    """Raw values, z-scores and min-max values of ``data`` with ``outlier`` appended (if given).

    Returns
    -------
    raw, z, mm : ndarray
        The outlier, when present, is the last entry of each.

    Examples
    --------
    >>> raw, z, mm = scaled_with_outlier(None, [1.0, 2.0, 3.0])
    >>> np.round(z, 4), mm
    (array([-1.2247,  0.    ,  1.2247]), array([0. , 0.5, 1. ]))
    >>> raw, z, mm = scaled_with_outlier(11.0, [1.0, 2.0, 3.0])
    >>> mm
    array([0. , 0.1, 0.2, 1. ])
    """
    raw = np.asarray(data, dtype=np.float64)
    if outlier is not None:
        raw = np.append(raw, float(outlier))
    return raw, standardize(raw), min_max_scale(raw)


# --------------------------------------------------------------------------------------------------
# gradient descent on a quadratic loss


def loss_grid(loss, w1, w2):
    """``loss(w)`` on the grid ``w1 x w2``: an array of shape (len(w2), len(w1)) for ``contour``.

    ``loss`` must accept a stack of weight vectors of shape (..., 2).

    Examples
    --------
    >>> loss_grid(lambda w: (w ** 2).sum(-1), [0.0, 1.0], [0.0, 2.0, 3.0])
    array([[ 0.,  1.],
           [ 4.,  5.],
           [ 9., 10.]])
    """
    W1, W2 = np.meshgrid(np.asarray(w1, float), np.asarray(w2, float))
    return loss(np.stack([W1, W2], axis=-1))


# --------------------------------------------------------------------------------------------------
# batch statistics and running statistics


#: The data stream of the batch-statistics experiment: one feature, mean 3, std 2.
STREAM_MEAN, STREAM_STD, STREAM_STEPS, STREAM_MAX_BATCH = 3.0, 2.0, 200, 128


def batch_stream(seed=7):
    """A fixed stream of samples, shape (steps, max_batch): step t's batch of size B is row t[:B].

    Every batch size and momentum sees the same draws, so differences come from the settings.

    Examples
    --------
    >>> stream = batch_stream()
    >>> stream.shape, bool(abs(stream.mean() - STREAM_MEAN) < 0.05)
    ((200, 128), True)
    """
    rng = np.random.default_rng(seed)
    return rng.normal(STREAM_MEAN, STREAM_STD, size=(STREAM_STEPS, STREAM_MAX_BATCH))


def batch_statistics(stream, batch_size, momentum):
    """Train a one-feature ``BatchNorm`` on the stream; per step, its batch mean and running mean.

    Returns
    -------
    batch_means, running_means, batch_vars, running_vars : ndarray, shape (steps,)

    Examples
    --------
    >>> stream = np.array([[1.0, 3.0, 100.0], [5.0, 7.0, 100.0]])
    >>> means, running, _, _ = batch_statistics(stream, batch_size=2, momentum=0.5)
    >>> means, running                       # running: 0.5 * 0 + 0.5 * 2, then 0.5 * 1 + 0.5 * 6
    (array([2., 6.]), array([1. , 3.5]))
    """
    bn = BatchNorm(1, momentum=momentum)
    stream = np.asarray(stream, dtype=np.float64)
    out = np.empty((4, stream.shape[0]))
    for t, row in enumerate(stream):
        bn.forward(row[:batch_size, None], training=True)
        out[:, t] = bn.batch_mean[0], bn.running_mean[0], bn.batch_var[0], bn.running_var[0]
    return tuple(out)


@lru_cache(maxsize=256)
def stream_statistics(batch_size: int, momentum: float):
    """:func:`batch_statistics` of :func:`batch_stream` (cached, the last 256 settings; treat the
    arrays as read-only).

    Examples
    --------
    >>> means, running, _, _ = stream_statistics(32, 0.1)
    >>> means.shape, bool(abs(running[-1] - STREAM_MEAN) < 0.2)
    ((200,), True)
    """
    return batch_statistics(_stream(), int(batch_size), float(momentum))


@lru_cache(maxsize=1)
def _stream():
    return batch_stream()


# --------------------------------------------------------------------------------------------------
# which axes: batch, layer and RMS normalization of one tensor

#: The normalizations :func:`normalize` applies.
NORMALIZATIONS = ("batch", "layer", "rms")


def normalize(x, method):
    """Apply batch (training mode, gamma 1, beta 0), layer or RMS normalization to an (N, C) tensor.

    Examples
    --------
    >>> x = np.array([[1.0, 3.0], [3.0, 7.0]])
    >>> np.round(normalize(x, "batch"), 3)
    array([[-1., -1.],
           [ 1.,  1.]])
    >>> np.round(normalize(x, "layer"), 3)
    array([[-1.,  1.],
           [-1.,  1.]])
    """
    if method == "batch":
        return BatchNorm(np.shape(x)[1]).forward(x, training=True)
    if method == "layer":
        return layer_norm(x)
    if method == "rms":
        return rms_norm(x)
    raise ValueError(f"method must be one of {sorted(NORMALIZATIONS)}, got method={method!r}")


def example_tensor(seed=1, n=4, c=5):
    """An (N, C) tensor whose features have different means and scales (what a layer might see).

    Four samples of five features by default: every cell carries a printed value, and each label
    costs about half a millisecond to draw, so a small tensor keeps the axes explorer instant.

    Examples
    --------
    >>> example_tensor().shape
    (4, 5)
    """
    rng = np.random.default_rng(seed)
    offsets = np.linspace(-2.0, 3.0, c)
    scales = np.geomspace(0.5, 4.0, c)
    return offsets + scales * rng.normal(size=(n, c))


def first_sample_effect(x, method, factor):
    """Multiply sample 0 (the first row) of ``x`` by ``factor`` and normalize: what moves?

    Returns
    -------
    scaled : ndarray
        ``x`` with its first row multiplied by ``factor``.
    y : ndarray
        ``normalize(scaled, method)``.
    moved : float
        The largest change, against ``normalize(x, method)``, of the outputs of the *other* samples:
        0 for layer and RMS normalization (each sample on its own), not for batch normalization.

    Examples
    --------
    >>> x = example_tensor()
    >>> first_sample_effect(x, "layer", 3.0)[2], first_sample_effect(x, "batch", 3.0)[2] > 0.1
    (0.0, True)
    """
    scaled = np.array(x, dtype=np.float64)
    scaled[0] *= factor
    y = normalize(scaled, method)
    moved = float(np.max(np.abs(y[1:] - normalize(x, method)[1:])))
    return scaled, y, moved


# --------------------------------------------------------------------------------------------------
# reference answers of the exercises


def batchnorm_forward_reference(x, gamma, beta, eps=1e-5):
    """The training-mode output of ``BatchNorm`` with the given ``gamma``, ``beta`` and ``eps``.

    Examples
    --------
    >>> batchnorm_forward_reference([[1.0, 10.0], [3.0, 30.0]], [2.0, 1.0], [0.0, 5.0], eps=1e-12)
    array([[-2.,  4.],
           [ 2.,  6.]])
    """
    x = np.asarray(x)
    bn = BatchNorm(x.shape[1], eps=eps)
    bn.gamma = np.asarray(gamma, dtype=np.float64)
    bn.beta = np.asarray(beta, dtype=np.float64)
    return bn.forward(x, training=True)


#: The "predict the inference-mode output" exercise: three training steps on the same batch, then one
#: sample in inference mode.
EVAL_BATCH = np.array([[1.0], [3.0], [5.0], [7.0]])
EVAL_STEPS = 3
EVAL_X = 4.0


def eval_prediction_reference(momentum=0.1, eps=1e-5):
    """What ``BatchNorm(1)`` outputs for ``EVAL_X`` in inference mode after ``EVAL_STEPS`` steps.

    Examples
    --------
    >>> round(eval_prediction_reference(), 4)
    1.8312
    """
    bn = BatchNorm(1, eps=eps, momentum=momentum)
    for _ in range(EVAL_STEPS):
        bn.forward(EVAL_BATCH, training=True)
    return float(bn.forward([[EVAL_X]], training=False)[0, 0])
