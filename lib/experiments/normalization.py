"""The experiments of the Normalization chapter.

* :data:`SCORES`, :func:`scaled_with_outlier` -- z-scores versus min-max scaling, with an outlier;
* :func:`loss_grid` -- a loss over a grid of two weights, for contour plots of gradient descent;
* :func:`batch_stream`, :func:`batch_statistics`, :func:`stream_statistics` -- batch means and the
  running mean over training steps, for a batch size and a momentum;
* :func:`normalize`, :func:`example_tensor`, :func:`first_sample_effect` -- batch, layer and RMS
  normalization of the same (N, C) tensor, and which outputs depend on the other samples;
* :func:`image_tensor`, :func:`normalize_images`, :func:`shared_values`, :func:`statistics_count`
  -- batch, layer, instance and group normalization of an (N, C, H, W) tensor: which values share
  one mean and variance, and how many means each computes;
* :func:`cumulative_running_mean` -- PyTorch's ``momentum=None`` (a plain average of the batches);
* :func:`digits_network`, :func:`train_digits` -- a deep sigmoid network on the real digits, without
  batch normalization, with it before each activation, or after;
* :func:`batchnorm_forward_reference`, :func:`eval_prediction_reference` -- the reference answers of
  two exercises.

The figures are in ``lib.views.normalization``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from typing import NamedTuple

from ..datasets import digits
from ..network import MLP, softmax_cross_entropy
from ..normalization import (BatchNorm, group_norm, instance_norm, layer_norm, min_max_scale, rms_norm,
                             running_average, shares_statistics, standardize, statistics_axes)

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
    """A one-feature ``BatchNorm`` trained on the stream: per step, its batch mean and running mean.

    Row t of ``stream`` holds the batch of step t (its first ``batch_size`` values). The batch
    statistics of all the steps come from one ``BatchNorm`` forward pass with one feature per step
    (the layer's formulas, every step at once); the running statistics follow BatchNorm's update,
    step after step (:func:`lib.normalization.running_average`), from a running mean of 0 and a
    running variance of 1 (``momentum=None``: m = 1/t, the average of the batches so far):

    .. math:: r_t = (1 - m)\\, r_{t-1} + m\\, \\mu_t, \\qquad
              v_t = (1 - m)\\, v_{t-1} + m\\, \\tfrac{N}{N - 1}\\, \\sigma_t^2 .

    Fed the batches one at a time, a one-feature ``BatchNorm`` gives the same numbers
    (``tests/test_experiments_normalization.py``); this way a new setting costs one pass instead of
    one per step (0.3 ms instead of 26 for 200 steps, so a live explorer answers at once).

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
    stream = np.asarray(stream, dtype=np.float64)
    steps = stream.shape[0]
    bn = BatchNorm(steps)                    # feature t: the batch of step t
    bn.forward(stream[:, :batch_size].T, training=True)
    means, variances = bn.batch_mean, bn.batch_var
    unbiased = variances * (batch_size / (batch_size - 1))
    running, running_var = np.empty(steps), np.empty(steps)
    r, v = 0.0, 1.0                          # BatchNorm's initial running mean and variance
    for t in range(steps):
        r = running_average(r, means[t], momentum, t + 1)
        v = running_average(v, unbiased[t], momentum, t + 1)
        running[t], running_var[t] = r, v
    return means, running, variances, running_var


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
# images: batch, layer, instance and group normalization of an (N, C, H, W) tensor

#: The normalizations of image-shaped tensors that :func:`normalize_images` applies.
IMAGE_NORMALIZATIONS = ("batch", "layer", "instance", "group")

#: The tensor of the chapter's picture: 4 samples, 6 channels of 3 x 3 positions.
IMAGE_SHAPE = (4, 6, 3, 3)


def image_tensor(seed=3, shape=IMAGE_SHAPE):
    """An (N, C, H, W) tensor whose channels have different means and scales (feature maps).

    Examples
    --------
    >>> image_tensor().shape
    (4, 6, 3, 3)
    """
    rng = np.random.default_rng(seed)
    c = shape[1]
    offsets = np.linspace(-2.0, 3.0, c)[:, None, None]
    scales = np.geomspace(0.5, 4.0, c)[:, None, None]
    return offsets + scales * rng.normal(size=shape)


def normalize_images(x, method, num_groups=2):
    """Batch, layer, instance or group normalization of an (N, C, H, W) tensor (gamma 1, beta 0).

    Batch norm is ``BatchNorm(C)`` in training mode: per channel, over N, H and W. Layer norm is
    ``layer_norm`` of each sample flattened to one row of C * H * W values (what a transformer's or
    the group-norm paper's layer norm of an image means), then shaped back. Instance norm is
    ``instance_norm`` (per sample and channel, over H and W), group norm ``group_norm`` with
    ``num_groups`` groups of channels.

    Examples
    --------
    >>> x = image_tensor()
    >>> y = normalize_images(x, "instance")
    >>> bool(np.allclose(y.mean(axis=(2, 3)), 0) and np.allclose(y.std(axis=(2, 3)), 1, atol=1e-4))
    True
    >>> y = normalize_images(x, "batch")
    >>> bool(np.allclose(y.mean(axis=(0, 2, 3)), 0))
    True
    """
    x = np.asarray(x, dtype=np.float64)
    if method == "batch":
        return BatchNorm(x.shape[1]).forward(x, training=True)
    if method == "layer":
        return layer_norm(x.reshape(len(x), -1)).reshape(x.shape)
    if method == "instance":
        return instance_norm(x)
    if method == "group":
        return group_norm(x, num_groups)
    raise ValueError(f"method must be one of {sorted(IMAGE_NORMALIZATIONS)}, got method={method!r}")


def shared_values(method, shape=IMAGE_SHAPE, index=(0, 0, 0, 0), num_groups=2):
    """Boolean array of ``shape``: the values that share one mean and variance with x[index].

    From :func:`lib.normalization.shares_statistics`; for layer norm, the one of an (N, C * H * W)
    view (each sample over all of its values, as :func:`normalize_images` computes it).

    Examples
    --------
    >>> [int(shared_values(m).sum()) for m in IMAGE_NORMALIZATIONS]    # N H W, C H W, H W, C/G H W
    [36, 54, 9, 27]
    """
    shape, index = tuple(shape), tuple(index)
    if method == "layer":
        flat = (shape[0], int(np.prod(shape[1:])))
        flat_index = (index[0], int(np.ravel_multi_index(index[1:], shape[1:])))
        return shares_statistics("layer", flat, flat_index).reshape(shape)
    return shares_statistics(method, shape, index, num_groups=num_groups)


def statistics_count(method, shape, num_groups=2):
    """How many means (and as many variances) a normalization computes for input of ``shape``.

    One per slice of :func:`lib.normalization.statistics_axes`: the product of the other axes'
    lengths, times G for group norm (its slices are cut at the group boundaries); for layer norm
    one per sample, as in :func:`normalize_images`.

    Examples
    --------
    >>> [statistics_count(m, (32, 16, 8, 8), num_groups=4) for m in IMAGE_NORMALIZATIONS]
    [16, 32, 512, 128]
    """
    shape = tuple(shape)
    if method == "layer":
        return shape[0]
    kept = [n for axis, n in enumerate(shape) if axis not in statistics_axes(method, len(shape))]
    return int(np.prod(kept)) * (int(num_groups) if method == "group" else 1)


# --------------------------------------------------------------------------------------------------
# PyTorch's momentum=None: a cumulative moving average


def cumulative_running_mean(batch_means, momentum=None):
    """The running mean of a one-feature ``BatchNorm`` after batches with these means.

    Each batch is two values, mean +- 1, so its mean is exactly the one given. With
    ``momentum=None`` the result is the plain average of the batch means (the t-th batch is
    weighted 1/t, and the start value 0 is forgotten at once); with a number it is the
    exponential moving average that starts from 0.

    Examples
    --------
    >>> cumulative_running_mean([2.0, 4.0, 9.0])
    5.0
    >>> round(cumulative_running_mean([2.0, 4.0, 9.0], momentum=0.1), 4)    # still near 0
    1.4220
    """
    bn = BatchNorm(1, momentum=momentum)
    for m in batch_means:
        bn.forward([[m - 1.0], [m + 1.0]], training=True)
    return float(bn.running_mean[0])


# --------------------------------------------------------------------------------------------------
# a deep network on the digits, with and without batch normalization

#: Where :func:`digits_network` puts batch normalization: nowhere, before or after each activation.
PLACEMENTS = ("none", "before", "after")

#: The deep network of the digits experiment: 64 pixels, six hidden layers of 64, ten classes.
DIGITS_SIZES = (64, 64, 64, 64, 64, 64, 64, 10)


def digits_network(placement="none", sizes=DIGITS_SIZES, seed=1, activation="sigmoid"):
    """An ``MLP`` with Xavier initialization; batch norm nowhere, before or after each activation.

    The weights come from the same seed for every placement, so all three start from the same
    dense layers. ``"before"`` is ``MLP(..., batchnorm=True)`` (Dense -> BatchNorm -> activation);
    ``"after"`` is the same layers in the order Dense -> activation -> BatchNorm.

    Examples
    --------
    >>> net = digits_network("after", sizes=(4, 3, 2))
    >>> [type(layer).__name__ for layer in net.layers]
    ['Dense', 'ActivationLayer', 'BatchNorm', 'Dense', 'ActivationLayer']
    """
    if placement not in PLACEMENTS:
        raise ValueError(f"placement must be one of {PLACEMENTS}, got placement={placement!r}")
    net = MLP(list(sizes), rng=np.random.default_rng(seed), activation=activation, init="xavier",
              batchnorm=placement != "none")
    if placement == "after":
        layers = list(net.layers)
        for i in [i for i, layer in enumerate(layers) if isinstance(layer, BatchNorm)]:
            layers[i], layers[i + 1] = layers[i + 1], layers[i]   # the activation comes first
        net.layers = layers
    return net


class DigitsRun(NamedTuple):
    """What :func:`train_digits` keeps of a training run (not the network)."""

    losses: np.ndarray          # training loss of every epoch (mini-batches, training mode)
    train_accuracy: float       # inference mode (running statistics), on the training set
    test_accuracy: float        # inference mode, on the 449 test images
    test_loss: float            # inference mode, cross-entropy on the test images


@lru_cache(maxsize=8)
def train_digits(placement="none", epochs=10, lr=0.1, batch_size=64, seed=1, shuffle_seed=2):
    """Train :func:`digits_network` on ``lib.datasets.digits()`` with mini-batch SGD.

    The same initial weights and the same order of mini-batches for every placement (cached, the
    last 8 settings; treat the arrays as read-only).

    Examples
    --------
    >>> run = train_digits("before", epochs=2)
    >>> run.losses.shape, bool(run.losses[-1] < run.losses[0]), 0.0 <= run.test_accuracy <= 1.0
    ((2,), True, True)
    """
    data = digits()
    net = digits_network(placement, seed=seed)
    losses = net.train(data.X_train, data.y_train, loss="cross_entropy", lr=lr, epochs=epochs,
                       batch_size=batch_size, rng=np.random.default_rng(shuffle_seed))
    losses.setflags(write=False)
    logits_test = net.predict(data.X_test)
    return DigitsRun(
        losses=losses,
        train_accuracy=float(np.mean(net.predict(data.X_train).argmax(1) == data.y_train)),
        test_accuracy=float(np.mean(logits_test.argmax(1) == data.y_test)),
        test_loss=float(softmax_cross_entropy(logits_test, data.y_test)[0]),
    )


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
