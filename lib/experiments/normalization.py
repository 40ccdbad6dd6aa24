"""The experiments of the Normalization chapter.

* :data:`SCORES`, :func:`scaled_with_outlier` -- z-scores versus min-max scaling, with an outlier;
  :func:`pixel_scaling` -- what z-scores would do to the digits' pixels (min-max by their range);
* :func:`loss_grid` -- a loss over a grid of two weights, for contour plots of gradient descent;
  :func:`scales_problem`, :func:`descend`, :func:`feature_scaling`, :func:`descent_spread` --
  gradient descent on raw, rescaled and standardized features, over the seeds;
* :func:`batch_stream`, :func:`batch_statistics`, :func:`stream_statistics` -- batch means and the
  running mean over training steps, for a batch size and a momentum; :func:`final_running_means`,
  :func:`running_mean_prediction` -- where the running mean ends over many streams, and the theory;
* :func:`batchnorm_dx` -- batch norm's input gradient, whole or with a term left out;
* :func:`normalize`, :func:`example_tensor`, :func:`first_sample_effect` -- batch, layer and RMS
  normalization of the same (N, C) tensor, and which outputs depend on the other samples;
* :func:`image_tensor`, :func:`normalize_images`, :func:`shared_values`, :func:`statistics_count`
  -- batch, layer, instance and group normalization of an (N, C, H, W) tensor: which values share
  one mean and variance, and how many means each computes;
* :func:`cumulative_running_mean`, :func:`cumulative_statistics` -- PyTorch's ``momentum=None``
  (a plain average of the batches' statistics);
* :func:`seed_generators`, :func:`spread_of` -- one seed's generators, and runs over the seeds as
  Spreads (:data:`lib.experiments.SEEDS`);
* :func:`deep_regression`, :func:`regression_spread`, :func:`activation_spread` -- a 12-layer sigmoid
  network on a toy regression, with and without batch normalization;
* :func:`digits_split`, :func:`digits_network`, :func:`train_digits`, :func:`digits_spread`,
  :func:`digits_signal`, :func:`recalibrate`, :func:`bias_effect`, :func:`label_entropy` -- a deep
  sigmoid network on the real digits, without batch normalization, with it before each
  activation, or after; the small last batch of an epoch, and what a bias before batch norm does;
  :func:`paired_gap`, :func:`kept_batch_gap`, :func:`sign_test` -- two networks' validation
  accuracies, compared image by image; :func:`last_step_ablation`, :func:`wide_step`,
  :func:`small_step_draws` -- the small last step taken apart, and over random small batches;
* :func:`batchnorm_forward_reference`, :func:`eval_prediction_reference` -- the reference answers of
  two exercises.

The figures are in ``lib.views.normalization``.
"""

from __future__ import annotations

import copy
import math
from functools import lru_cache

import numpy as np

from typing import NamedTuple

from . import SEEDS, Spread
from ..datasets import digits, hold_out
from ..network import MLP, mse_loss, softmax_cross_entropy
from ..normalization import (BatchNorm, group_norm, instance_norm, layer_norm, min_max_scale, rms_norm,
                             running_average, shares_statistics, standardize, statistics_axes)
from ..optim import gradient_descent, least_squares_grad, least_squares_loss

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
# a deep sigmoid network on a toy regression, with and without batch normalization


class RegressionRun(NamedTuple):
    """What :func:`deep_regression` keeps of one run (not the network)."""

    losses: np.ndarray          # training loss of every epoch (mini-batches, training mode)
    final_loss: float           # the last of them
    inference_loss: float       # inference mode (running statistics) on the training inputs
    full_batch_loss: float      # the final weights in training mode, all inputs in one batch
    recalibrated_loss: float    # inference mode after :func:`recalibrate` (the final weights)
    mean_loss: float            # the loss of predicting the mean of y for every input: var(y)
    gradient_ratio: float       # ||dL/dW|| of the first layer over the last, at initialization
    mean_slope: float           # sigmoid'(z) averaged over inputs, units and layers, at init
    pre_activation_rms: float   # the RMS of what the sigmoids receive, over inputs, units, layers
    spread: np.ndarray          # per hidden layer: each unit's std over the inputs, averaged
    shrink: float               # the spread's factor per layer, (last / first) ** (1 / 11)


#: The deep regression network: two inputs, twelve hidden sigmoid layers of 32, one output.
REGRESSION_SIZES = (2,) + (32,) * 12 + (1,)


def seed_generators(seed, count=3):
    """``count`` independent generators from one seed (``np.random.SeedSequence(seed).spawn``).

    A run of the chapter takes its initial weights from the first, its data split (or data) from
    the second and its batch order from the third, so one seed fixes the whole run.

    Examples
    --------
    >>> a, b, c = seed_generators(1)
    >>> float(a.uniform()) == float(seed_generators(1)[0].uniform()) != float(b.uniform())
    True
    """
    return tuple(np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(count))


def activation_spread(net, X, training=True):
    """Each hidden layer's spread across the inputs, and its mean slope, for one forward pass.

    The spread of a layer is the standard deviation of each unit's output over the rows of ``X``,
    averaged over the units: how differently the layer answers different inputs. The slope is
    the activation's derivative at the pre-activations, averaged over the inputs and units.

    Returns
    -------
    spread, slope : ndarray, shape (hidden layers,)

    Examples
    --------
    >>> net = MLP([3, 4, 4, 1], rng=np.random.default_rng(0), activation="sigmoid", init="xavier")
    >>> spread, slope = activation_spread(net, np.random.default_rng(1).normal(size=(50, 3)))
    >>> spread.shape, bool(np.all(slope <= 0.25))
    ((2,), True)
    """
    net.forward(X, training=training)
    hidden = net.acts[:-1]
    spread = np.array([act.forward(act.z).std(axis=0).mean() for act in hidden])
    slope = np.array([act.derivative(act.z).mean() for act in hidden])
    return spread, slope


@lru_cache(maxsize=16)
def deep_regression(batchnorm=False, seed=1, epochs=100, lr=0.02, batch_size=64, n=256):
    """Train a 12-layer sigmoid ``MLP`` (Xavier) on ``sin(2 x1) cos(x2)``, with or without batch norm.

    The seed fixes the initial weights, the ``n`` inputs (uniform on [-2, 2]^2) and the order of
    the mini-batches (:func:`seed_generators`); with and without batch norm see the same ones.
    ``n`` is a multiple of ``batch_size``, so every batch is full. After training, the final
    weights are evaluated three ways: in inference mode with the running statistics the training
    left (``inference_loss``), in training mode with all ``n`` inputs as one batch
    (``full_batch_loss``), and in inference mode after :func:`recalibrate` has measured the
    running statistics afresh with those weights (``recalibrated_loss``). Without batch norm the
    three are the same number. Cached (the last 16 runs).

    Examples
    --------
    >>> run = deep_regression(True, seed=1, epochs=2)
    >>> run.losses.shape, run.spread.shape, bool(run.gradient_ratio > 1e-3)
    ((2,), (12,), True)
    """
    init, data, order = seed_generators(seed)
    X = data.uniform(-2.0, 2.0, size=(n, 2))
    y = np.sin(2 * X[:, 0]) * np.cos(X[:, 1])
    net = MLP(list(REGRESSION_SIZES), rng=init, activation="sigmoid", init="xavier",
              batchnorm=batchnorm)
    spread, slope = activation_spread(net, X)
    z = np.concatenate([a.ravel() for a in net.pre_activations[:-1]])
    _, dy_hat = mse_loss(net.forward(X), y)          # the gradients at initialization
    net.backward(dy_hat)
    norms = net.grad_norms("W")
    losses = net.train(X, y, loss="mse", lr=lr, epochs=epochs, batch_size=batch_size, rng=order,
                       drop_last=True)
    losses.setflags(write=False)
    spread.setflags(write=False)
    inference = mse_loss(net.predict(X), y)[0]
    full_batch = mse_loss(net.forward(X, training=True), y)[0]   # recalibrate forgets its update
    recalibrate(net, X, batch_size)
    return RegressionRun(losses=losses, final_loss=float(losses[-1]), inference_loss=inference,
                         full_batch_loss=full_batch, recalibrated_loss=mse_loss(net.predict(X), y)[0],
                         mean_loss=float(np.var(y)), gradient_ratio=float(norms[0] / norms[-1]),
                         mean_slope=float(slope.mean()), pre_activation_rms=float(np.sqrt(np.mean(z ** 2))),
                         spread=spread, shrink=float((spread[-1] / spread[0]) ** (1 / (len(spread) - 1))))


def spread_of(runs, seeds=SEEDS):
    """One run per seed (NamedTuples of one type) -> the same NamedTuple with a Spread per field.

    Examples
    --------
    >>> runs = [deep_regression(False, seed=s, epochs=1) for s in (1, 2)]
    >>> s = spread_of(runs, seeds=(1, 2))
    >>> len(s.mean_slope), bool(s.mean_slope.min <= s.mean_slope.max)
    (2, True)
    """
    runs, seeds = list(runs), tuple(seeds)
    return type(runs[0])._make(Spread(np.array([getattr(r, f) for r in runs], dtype=np.float64), seeds)
                               for f in runs[0]._fields)


def regression_spread(batchnorm=False, seeds=SEEDS, **settings):
    """:func:`deep_regression` over the seeds: a ``RegressionRun`` whose fields are Spreads.

    Examples
    --------
    >>> s = regression_spread(True, seeds=(1, 2), epochs=2)
    >>> s.losses.values.shape
    (2, 2)
    """
    return spread_of([deep_regression(batchnorm, seed=s, **settings) for s in seeds], seeds)


# --------------------------------------------------------------------------------------------------
# a deep network on the digits, with and without batch normalization

#: Where :func:`digits_network` puts batch normalization: nowhere, before or after each activation.
PLACEMENTS = ("none", "before", "after")

#: The deep network of the digits experiment: 64 pixels, six hidden layers of 64, ten classes.
DIGITS_SIZES = (64, 64, 64, 64, 64, 64, 64, 10)

#: Each seed carves this many validation images out of the 1,348 training images of
#: ``lib.datasets.digits()``; 1,092 are left for training: 17 batches of 64, and 4 over.
DIGITS_VALIDATION = 256
DIGITS_BATCH = 64


@lru_cache(maxsize=1)
def _digits():
    """``lib.datasets.digits()``, loaded once (its arrays are only read here)."""
    return digits()


@lru_cache(maxsize=8)
def digits_split(seed=1, validation=DIGITS_VALIDATION):
    """``lib.datasets.digits()`` with ``validation`` training images held out, chosen by the seed.

    The test images are the same for every seed; the validation images are drawn with the
    second generator of :func:`seed_generators`. Cached (the last 8 seeds; the arrays are
    read-only).

    Examples
    --------
    >>> data = digits_split(1)
    >>> len(data.y_train), len(data.y_val), len(data.y_test)
    (1092, 256, 449)
    """
    data = _digits()
    return hold_out(data, seed_generators(seed)[1].permutation(len(data.y_train)), validation)


def digits_network(placement="none", sizes=DIGITS_SIZES, seed=1, activation="sigmoid"):
    """An ``MLP`` with Xavier initialization; batch norm nowhere, before or after each activation.

    The weights come from the first generator of :func:`seed_generators`, so for one seed all three
    placements start from the same dense layers. ``"before"`` is ``MLP(..., batchnorm=True)``
    (Dense -> BatchNorm -> activation, the dense layers without a bias, which the batch norm
    would cancel); ``"after"`` is Dense -> activation -> BatchNorm, and there the dense layers keep
    their bias (``bias=True``): the sigmoid between them makes it matter.

    Examples
    --------
    >>> net = digits_network("after", sizes=(4, 3, 2))
    >>> [type(layer).__name__ for layer in net.layers], net.dense[0].b is None
    (['Dense', 'ActivationLayer', 'BatchNorm', 'Dense', 'ActivationLayer'], False)
    >>> digits_network("before", sizes=(4, 3, 2)).dense[0].b is None
    True
    """
    if placement not in PLACEMENTS:
        raise ValueError(f"placement must be one of {PLACEMENTS}, got placement={placement!r}")
    net = MLP(list(sizes), rng=seed_generators(seed)[0], activation=activation, init="xavier",
              batchnorm=placement != "none", bias=True if placement == "after" else None)
    if placement == "after":
        layers = list(net.layers)
        for i in [i for i, layer in enumerate(layers) if isinstance(layer, BatchNorm)]:
            layers[i], layers[i + 1] = layers[i + 1], layers[i]   # the activation comes first
        net.layers = layers
    return net


def recalibrate(net, X, batch_size=DIGITS_BATCH):
    """Re-estimate every batch norm's running statistics with the weights frozen.

    One pass over ``X`` in training mode, in full batches of ``batch_size`` (the incomplete last
    one left out), with ``momentum=None`` and the batch count reset to 0: each running mean and
    variance becomes the plain average of those batches' statistics, the old values forgotten,
    and nothing else changes (no gradient step). In PyTorch the same takes three things: call
    ``reset_running_stats()`` on every batch-norm layer (it zeroes ``num_batches_tracked``),
    set ``momentum=None``, then run the pass in train mode under ``torch.no_grad()``. Without
    the reset the count goes on from the training steps, so batch t of the pass gets weight
    1 / (t + steps) and the pass hardly moves the old statistics.

    Examples
    --------
    >>> net = MLP([2, 3, 1], rng=np.random.default_rng(0), batchnorm=True)
    >>> X = np.random.default_rng(1).normal(5.0, 1.0, size=(8, 2))
    >>> recalibrate(net, X, batch_size=4)
    >>> bool(np.allclose(net.norms[0].running_mean, (X @ net.dense[0].W).mean(axis=0)))
    True
    """
    if not net.norms:                                # no statistics to measure
        return
    X = np.asarray(X, dtype=np.float64)
    saved = [bn.momentum for bn in net.norms]
    for bn in net.norms:
        bn.momentum, bn.num_batches_tracked = None, 0
    for start in range(0, len(X) - batch_size + 1, batch_size):
        net.forward(X[start:start + batch_size], training=True)
    for bn, momentum in zip(net.norms, saved):
        bn.momentum = momentum


class DigitsRun(NamedTuple):
    """What :func:`train_digits` keeps of a training run (not the network).

    Accuracies and the losses named ``train_loss`` and ``val_loss`` are in inference mode (running
    statistics): on the training, validation and test images at the end, and on the validation
    images just before the last step, after the ablations of that step, and after recalibration.
    """

    losses: np.ndarray                # training loss of every epoch (mini-batches, training mode)
    final_loss: float                 # the last of them
    train_loss: float                 # cross-entropy on the training images, at the end
    train_accuracy: float             # at the end
    val_loss: float                   # cross-entropy on the validation images, at the end
    val_accuracy: float               # at the end
    val_predictions: np.ndarray       # the predicted class of every validation image, at the end
    test_accuracy: float              # at the end
    val_before_last_step: float       # before the last step of the last epoch
    val_statistics_only: float        # the small last batch updates the running statistics only
    val_wide_step: float              # the last step's loss, its images normalized among 64
    last_batch: int                   # the size of that last batch
    last_step_change: float           # its relative change of the weights (largest over layers)
    typical_step_change: float        # the same, median over the other steps of the last epoch
    last_batch_loss: float            # the loss that last step descends (training mode)
    last_batch_inference_loss: float  # the same images and weights, with the running statistics
    typical_batch_loss: float         # the mean loss of the other batches of the last epoch
    recalibrated_before_last_step: float  # the weights before a small last step, recalibrated
    recalibrated_val_accuracy: float  # at the end, after :func:`recalibrate` on the training images
    val_predictions_before_last_step: np.ndarray  # the predicted classes before the last step
    draws_own: np.ndarray             # :func:`small_step_draws` from the network before a small
    draws_among: np.ndarray           # last step: the validation accuracy after each draw's step,
    draws_share: np.ndarray           # three ways (NaN when the last batch is full)


def _relative_change(net, before):
    return max(float(np.linalg.norm(d.W - W) / np.linalg.norm(W)) for d, W in zip(net.dense, before))


def wide_step(net, X, y, idx, fill, lr):
    """One SGD step on the loss of the images ``idx`` alone, normalized together with ``fill``.

    The ablation of a small batch's step: the gradient is that of the mean cross-entropy of the
    images ``idx`` (as in ``net.step(X[idx], y[idx], ...)``), but in the training-mode forward pass
    they share their batch statistics with the images ``fill``, which add nothing to the loss.
    The running statistics are left as they were. ``net`` is changed in place.

    Examples
    --------
    >>> net = MLP([2, 3, 2], rng=np.random.default_rng(0), batchnorm=True)
    >>> X, y = np.random.default_rng(1).normal(size=(6, 2)), np.array([0, 1, 0, 1, 0, 1])
    >>> W = net.dense[0].W.copy()
    >>> wide_step(net, X, y, np.array([0, 1]), np.array([2, 3, 4, 5]), 0.1)
    >>> bool(np.any(net.dense[0].W != W)), float(net.norms[0].running_mean[0])
    (True, 0.0)
    """
    _wide_gradient(net, X, y, idx, fill)
    net.sgd_step(lr)


def _wide_gradient(net, X, y, idx, fill):
    """The gradients of :func:`wide_step`, stored in ``net``'s layers; the running statistics
    are put back as they were."""
    idx, fill = np.asarray(idx), np.asarray(fill)
    saved = [(bn.running_mean.copy(), bn.running_var.copy(), bn.num_batches_tracked)
             for bn in net.norms]
    out = net.forward(X[np.concatenate([idx, fill])], training=True)
    _, d = softmax_cross_entropy(out[:len(idx)], y[idx])
    dout = np.zeros_like(out)
    dout[:len(idx)] = d
    net.backward(dout)
    for bn, (mean, var, count) in zip(net.norms, saved):
        bn.running_mean, bn.running_var, bn.num_batches_tracked = mean, var, count


def _state(net):
    """Copies of everything a step or a training-mode forward pass of ``net`` changes."""
    return ([(d.W.copy(), None if d.b is None else d.b.copy()) for d in net.dense],
            [(bn.gamma.copy(), bn.beta.copy(), bn.running_mean.copy(), bn.running_var.copy(),
              bn.num_batches_tracked) for bn in net.norms],
            [np.copy(a.a) for a in net.acts if a.learnable])


def _set_state(net, state):
    """Put back what :func:`_state` copied (as copies again, so ``state`` can be reused)."""
    dense, norms, learnable = state
    for d, (W, b) in zip(net.dense, dense):
        d.W, d.b = W.copy(), None if b is None else b.copy()
    for bn, (gamma, beta, mean, var, count) in zip(net.norms, norms):
        bn.gamma, bn.beta, bn.running_mean, bn.running_var = (gamma.copy(), beta.copy(),
                                                              mean.copy(), var.copy())
        bn.num_batches_tracked = count
    for act, a in zip([a for a in net.acts if a.learnable], learnable):
        act.a = np.copy(a)


#: How many random small batches :func:`small_step_draws` tries on each network.
LAST_STEP_DRAWS = 20


class StepDraws(NamedTuple):
    """The validation accuracy after one step on a few random images, per draw (:func:`small_step_draws`)."""

    own: np.ndarray     # normalized by their own batch statistics (``net.step``), full rate
    among: np.ndarray   # normalized among ``batch_size`` images (:func:`wide_step`), full rate
    share: np.ndarray   # the same at ``lr * size / batch_size``: their share of an ordinary step


def small_step_draws(net, X, y, X_val, y_val, size=4, lr=0.1, batch_size=DIGITS_BATCH,
                     draws=LAST_STEP_DRAWS, rng=None):
    """What one step on ``size`` random training images does, three ways, over many draws.

    Each draw picks ``size`` of the images ``X`` and ``batch_size - size`` others, the fillers,
    and a copy of ``net`` takes one step on the loss of the ``size`` images alone:

    * ``own``: ``net.step`` on those images only, normalized by their own mean and variance and
      updating the running statistics, the step an incomplete last batch of ``size`` takes;
    * ``among``: :func:`wide_step`, the same loss with the images normalized among the fillers;
    * ``share``: the same at the learning rate ``lr * size / batch_size``. In an ordinary step
      on the whole batch, the mean loss of ``batch_size`` images, the ``size`` images' own terms
      move the weights by exactly this much: it is their share of an ordinary step.

    ``net`` is left as it was. The generator draws the images and fillers only, so two networks
    given generators in the same state are judged on the same draws.

    Parameters
    ----------
    net : MLP
        A network with batch norm.
    X, y : ndarray
        The training images and labels to draw from.
    X_val, y_val : ndarray
        The images and labels the accuracy is measured on (inference mode).
    size, lr, batch_size, draws : int, float, int, int
        The small batch, the learning rate, the batch it is normalized among, how many draws.
    rng : numpy.random.Generator

    Returns
    -------
    StepDraws
        Three arrays of shape (draws,): the validation accuracy after each draw's step.

    Examples
    --------
    >>> net = digits_network("before", sizes=(64, 8, 10))
    >>> data = digits_split(1)
    >>> d = small_step_draws(net, data.X_train, data.y_train, data.X_val, data.y_val,
    ...                      draws=3, rng=np.random.default_rng(0))
    >>> d.own.shape, bool(np.all((0 <= d.share) & (d.share <= 1)))
    ((3,), True)
    """
    if rng is None:
        raise ValueError("rng: pass a numpy.random.Generator, which draws the images")
    work, start = copy.deepcopy(net), _state(net)     # one copy, put back before every step

    def accuracy():
        return float(np.mean(work.predict(X_val).argmax(1) == y_val))

    out = np.empty((3, int(draws)))
    everything = np.arange(len(y))
    for k in range(int(draws)):
        idx = rng.choice(everything, size, replace=False)
        fill = rng.choice(np.setdiff1d(everything, idx), batch_size - size, replace=False)
        _set_state(work, start)
        work.step(X[idx], y[idx], "cross_entropy", lr)
        out[0, k] = accuracy()
        _set_state(work, start)
        _wide_gradient(work, X, y, idx, fill)          # one gradient, two learning rates
        work.sgd_step(lr)
        out[1, k] = accuracy()
        _set_state(work, start)                        # the gradients stay in the layers
        work.sgd_step(lr * size / batch_size)
        out[2, k] = accuracy()
    return StepDraws(*out)


def train_digits(placement="none", seed=1, drop_last=True, epochs=10, lr=0.1,
                 batch_size=DIGITS_BATCH):
    """Train :func:`digits_network` on :func:`digits_split` with mini-batch SGD.

    The seed fixes the initial weights, the validation split and the order of the mini-batches
    (:func:`seed_generators`), the same for every placement. With ``drop_last=True`` every step
    sees 64 images; with ``drop_last=False`` each epoch ends with the 1092 - 17 * 64 = 4 left over.
    The first ``epochs - 1`` epochs run in ``MLP.train``; the last one is stepped batch by batch
    (``MLP.step``, with the same shuffled order ``MLP.train`` draws), to see what its last step
    does. When that last batch is smaller than ``batch_size`` and the network has batch norm,
    three copies of the network taken just before the step measure its parts: one only updates
    its running statistics with the last batch (a training-mode forward pass, no weight step),
    one takes the step of :func:`wide_step` (the last batch's loss, its images normalized together
    with the first images of the batch before, up to ``batch_size``), and one is recalibrated
    (:func:`recalibrate`); and :func:`small_step_draws` takes :data:`LAST_STEP_DRAWS` steps on
    random small batches of the same size from that network, its images drawn by the fourth
    generator of :func:`seed_generators` (so every placement gets the same draws for one seed).
    Otherwise those fields are NaN. Cached (the last 32 runs; treat the arrays as read-only).

    Examples
    --------
    >>> run = train_digits("before", epochs=2)
    >>> run.losses.shape, run.last_batch, bool(run.losses[-1] < run.losses[0])
    ((2,), 64, True)
    >>> train_digits("before", 1, True, 2) is run          # one cache, however it is called
    True
    """
    return _trained_digits(placement, int(seed), bool(drop_last), int(epochs), float(lr),
                           int(batch_size))


@lru_cache(maxsize=32)
def _trained_digits(placement, seed, drop_last, epochs, lr, batch_size):
    """:func:`train_digits` with its arguments spelled out, so that every way of calling it shares
    one cache entry."""
    data = digits_split(seed)
    net = digits_network(placement, seed=seed)
    order = seed_generators(seed)[2]
    X, y = data.X_train, data.y_train
    losses = list(net.train(X, y, loss="cross_entropy", lr=lr, epochs=epochs - 1,
                            batch_size=batch_size, rng=order, drop_last=drop_last))

    def val_accuracy(network=net):
        return float(np.mean(network.predict(data.X_val).argmax(1) == data.y_val))

    shuffled = order.permutation(len(y))              # what MLP.train draws for an epoch
    batches = [shuffled[i:i + batch_size] for i in range(0, len(y), batch_size)]
    if drop_last and len(batches[-1]) < batch_size:
        batches.pop()
    batch_losses, changes = [], []
    for k, idx in enumerate(batches):
        if k == len(batches) - 1:
            before_last = val_accuracy()
            predictions_before = net.predict(data.X_val).argmax(1)
            predictions_before.setflags(write=False)
            inference_loss = softmax_cross_entropy(net.predict(X[idx]), y[idx])[0]
            ablations = [np.nan] * 3                   # nothing to take apart
            draws = StepDraws(*[np.full(LAST_STEP_DRAWS, np.nan)] * 3)
            if net.norms and len(idx) < batch_size:
                statistics_only, wide, recalibrated = (copy.deepcopy(net) for _ in range(3))
                statistics_only.forward(X[idx], training=True)
                wide_step(wide, X, y, idx, batches[k - 1][:batch_size - len(idx)], lr)
                recalibrate(recalibrated, X, batch_size)
                ablations = [val_accuracy(c) for c in (statistics_only, wide, recalibrated)]
                draws = small_step_draws(net, X, y, data.X_val, data.y_val, len(idx), lr,
                                         batch_size, rng=seed_generators(seed, 4)[3])
        weights = [d.W.copy() for d in net.dense]
        batch_losses.append(net.step(X[idx], y[idx], "cross_entropy", lr))
        changes.append(_relative_change(net, weights))
    sizes = [len(idx) for idx in batches]
    losses.append(float(np.dot(batch_losses, sizes) / sum(sizes)))   # as MLP.train averages
    losses = np.array(losses)
    losses.setflags(write=False)
    final = val_accuracy()
    train_out, val_out = net.predict(X), net.predict(data.X_val)
    predictions = val_out.argmax(1)
    predictions.setflags(write=False)
    test = float(np.mean(net.predict(data.X_test).argmax(1) == data.y_test))
    recalibrate(net, X, batch_size)
    return DigitsRun(losses=losses, final_loss=float(losses[-1]),
                     train_loss=softmax_cross_entropy(train_out, y)[0],
                     train_accuracy=float(np.mean(train_out.argmax(1) == y)),
                     val_loss=softmax_cross_entropy(val_out, data.y_val)[0], val_accuracy=final,
                     val_predictions=predictions, test_accuracy=test,
                     val_before_last_step=before_last, val_statistics_only=ablations[0],
                     val_wide_step=ablations[1], recalibrated_before_last_step=ablations[2],
                     last_batch=len(batches[-1]),
                     last_step_change=changes[-1], typical_step_change=float(np.median(changes[:-1])),
                     last_batch_loss=batch_losses[-1], last_batch_inference_loss=inference_loss,
                     typical_batch_loss=float(np.mean(batch_losses[:-1])),
                     recalibrated_val_accuracy=val_accuracy(),
                     val_predictions_before_last_step=predictions_before,
                     draws_own=draws.own, draws_among=draws.among, draws_share=draws.share)


def digits_spread(placement="none", drop_last=True, seeds=SEEDS, **settings):
    """:func:`train_digits` over the seeds: a ``DigitsRun`` whose fields are Spreads.

    Examples
    --------
    >>> s = digits_spread("none", seeds=(1, 2), epochs=1)
    >>> len(s.val_accuracy), bool(s.val_accuracy.max < 0.5)
    (2, True)
    """
    return spread_of([train_digits(placement, s, drop_last, **settings) for s in seeds], seeds)


class PairedGap(NamedTuple):
    """Validation accuracy of one placement minus another's, per seed (:func:`paired_gap`)."""

    gap: Spread               # accuracy of ``a`` minus accuracy of ``b``
    standard_error: Spread    # the paired standard error of that difference
    a_only: Spread            # validation images only ``a`` classifies correctly
    b_only: Spread            # validation images only ``b`` classifies correctly


def paired_gap(a="after", b="before", seeds=SEEDS, **settings):
    """How far apart two placements' validation accuracies are, with a paired standard error.

    For one seed both networks classify the same validation images. With d_i = 1 when only ``a``
    is right on image i, -1 when only ``b`` is, and 0 otherwise, the difference of the accuracies
    is the mean of d over the n images, and its standard error is std(d, ddof=1) / sqrt(n): only
    the images on which the two disagree contribute.

    Examples
    --------
    >>> g = paired_gap(seeds=(1,), epochs=1)
    >>> len(g.gap), bool(g.gap.values[0] == (g.a_only.values[0] - g.b_only.values[0]) / 256)
    (1, True)
    """
    seeds = tuple(seeds)
    return _paired([(train_digits(a, seed, **settings).val_predictions,
                     train_digits(b, seed, **settings).val_predictions) for seed in seeds], seeds)


def _paired(predictions, seeds):
    """:class:`PairedGap` from one (a's, b's) pair of validation predictions per seed."""
    gaps, errors, a_only, b_only = [], [], [], []
    for (pa, pb), seed in zip(predictions, seeds):
        y = digits_split(seed).y_val
        d = (pa == y).astype(float) - (pb == y)
        gaps.append(d.mean())
        errors.append(d.std(ddof=1) / np.sqrt(len(d)))
        a_only.append(np.count_nonzero(d > 0))
        b_only.append(np.count_nonzero(d < 0))
    return PairedGap(*(Spread(np.array(v, dtype=np.float64), seeds)
                       for v in (gaps, errors, a_only, b_only)))


def kept_batch_gap(placement="after", seeds=SEEDS, **settings):
    """Just before the last step: the network trained with the small last batches kept, against
    the one trained on equal batches, as a :class:`PairedGap` (kept minus dropped).

    The two runs of a seed share the initial weights and every batch of 64; they differ only by
    the steps on the small last batch of each earlier epoch.

    Examples
    --------
    >>> g = kept_batch_gap("before", seeds=(1,), epochs=2)
    >>> len(g.gap), bool(g.gap.values[0] == (g.a_only.values[0] - g.b_only.values[0]) / 256)
    (1, True)
    """
    seeds = tuple(seeds)
    return _paired([(train_digits(placement, seed, False, **settings)
                     .val_predictions_before_last_step,
                     train_digits(placement, seed, True, **settings)
                     .val_predictions_before_last_step) for seed in seeds], seeds)


def sign_test(k, n):
    """The two-sided p-value of the sign test: k of n disagreements going one way, if each went
    either way with probability 1/2 (the exact binomial tail, doubled and capped at 1).

    Examples
    --------
    >>> round(sign_test(19, 28), 4)
    0.0872
    >>> sign_test(5, 10)
    1.0
    """
    k, n = int(k), int(n)
    tail = sum(math.comb(n, i) for i in range(min(k, n - k) + 1)) / 2 ** n
    return min(1.0, 2 * tail)


class LastStep(NamedTuple):
    """What the last step of training does to the validation accuracy (:func:`last_step_ablation`).

    Each field is a Spread over the seeds of an accuracy after minus an accuracy before.
    """

    dropped: Spread            # equal batches: the ordinary last step, on 64 images
    kept: Spread               # the last batch of 4 kept: the step on those 4
    wide: Spread               # the same 4 images' loss, normalized among 64 (:func:`wide_step`)
    statistics_only: Spread    # the 4 only update the running statistics, no weight step
    recalibrated: Spread       # the step on the 4, both networks recalibrated (:func:`recalibrate`)
    recalibration: Spread      # what recalibrating the damaged network adds after the step
    recalibration_dropped: Spread  # what recalibrating adds to the network trained on equal batches
    draws_own: Spread          # random small batches (:func:`small_step_draws`), values (seeds,
    draws_among: Spread        # draws): their own statistics, normalized among 64, and among 64
    draws_share: Spread        # at the rate times size / 64


def last_step_ablation(placement="before", seeds=SEEDS, **settings):
    """The last step's effect on the validation accuracy, whole and taken apart, per seed.

    From :func:`train_digits` with ``drop_last=True`` and ``drop_last=False`` (the same runs as
    :func:`digits_spread`). The ``draws_*`` fields hold one row of :data:`LAST_STEP_DRAWS`
    changes per seed.

    Examples
    --------
    >>> s = last_step_ablation("before", seeds=(1,), epochs=1)
    >>> len(s.kept), bool(abs(s.dropped.values[0]) < 0.1), s.draws_own.values.shape
    (1, True, (1, 20))
    """
    seeds = tuple(seeds)
    kept = [train_digits(placement, s, False, **settings) for s in seeds]
    dropped = [train_digits(placement, s, True, **settings) for s in seeds]

    def change(runs, after, before="val_before_last_step"):
        return Spread(np.array([getattr(r, after) - getattr(r, before) for r in runs]), seeds)

    return LastStep(dropped=change(dropped, "val_accuracy"), kept=change(kept, "val_accuracy"),
                    wide=change(kept, "val_wide_step"),
                    statistics_only=change(kept, "val_statistics_only"),
                    recalibrated=change(kept, "recalibrated_val_accuracy",
                                        "recalibrated_before_last_step"),
                    recalibration=change(kept, "recalibrated_val_accuracy", "val_accuracy"),
                    recalibration_dropped=change(dropped, "recalibrated_val_accuracy",
                                                 "val_accuracy"),
                    **{f"draws_{way}": change(kept, f"draws_{way}")
                       for way in StepDraws._fields})


def digits_signal(placement="none", seed=1):
    """:func:`activation_spread` of :func:`digits_network` at initialization, on the training images.

    One forward pass in training mode over all the training images of :func:`digits_split`.

    Examples
    --------
    >>> spread, slope = digits_signal("none")
    >>> spread.shape, bool(spread[-1] < spread[0] / 100)
    ((6,), True)
    """
    return activation_spread(digits_network(placement, seed=seed), digits_split(seed).X_train)


def label_entropy(y, classes=10):
    """The cross-entropy of the best constant prediction, the class frequencies: -sum p ln p.

    Examples
    --------
    >>> round(label_entropy([0, 1, 0, 1], classes=2), 4)      # ln 2
    0.6931
    """
    p = np.bincount(np.asarray(y), minlength=classes) / len(y)
    p = p[p > 0]
    return float(-np.sum(p * np.log(p)))


class BiasCheck(NamedTuple):
    """What a hidden dense layer's bias does, next to batch norm (:func:`bias_effect`)."""

    largest_db: float        # the largest |dL/db| over the hidden dense layers
    largest_dW: float        # the largest |dL/dW| of the same layers, for scale
    output_change: float     # the largest change of the output when every hidden bias moves by 1


def bias_effect(placement="before", seed=1, batch=64):
    """The hidden biases of :func:`digits_network` with ``bias=True``, on one batch of digits.

    For ``"before"`` (Dense -> BatchNorm -> sigmoid) the network is built with a bias in every
    hidden dense layer, which ``MLP(batchnorm=True)`` leaves out by default. One training-mode
    forward and backward pass on the first ``batch`` training images gives the gradients; then
    every hidden bias is raised by 1 and the output compared.

    Examples
    --------
    >>> before, after = bias_effect("before"), bias_effect("after")
    >>> bool(before.largest_db < 1e-12 < 1e-3 < after.largest_db)
    True
    """
    if placement not in ("before", "after"):
        raise ValueError(f"placement must be 'before' or 'after', got placement={placement!r}")
    data = digits_split(seed)
    X, y = data.X_train[:batch], data.y_train[:batch]
    if placement == "after":
        net = digits_network("after", seed=seed)
    else:
        net = MLP(list(DIGITS_SIZES), rng=seed_generators(seed)[0], activation="sigmoid",
                  init="xavier", batchnorm=True, bias=True)
    hidden = net.dense[:-1]
    out = net.forward(X, training=True)
    net.backward(softmax_cross_entropy(out, y)[1])
    largest_db = max(float(np.abs(d.db).max()) for d in hidden)
    largest_dW = max(float(np.abs(d.dW).max()) for d in hidden)
    for d in hidden:
        d.b = d.b + 1.0
    moved = float(np.abs(net.forward(X, training=True) - out).max())
    return BiasCheck(largest_db, largest_dW, moved)


@lru_cache(maxsize=4)
def final_running_means(settings=((128, 0.01), (2, 0.5)), streams=500):
    """The running mean after :data:`STREAM_STEPS` steps, on ``streams`` independent streams.

    Stream k is :func:`batch_stream` with seed k (the explorer's stream, seed 7, is one of them);
    every setting ``(batch_size, momentum)`` runs on the same streams. The same numbers as
    ``batch_statistics(batch_stream(k), batch_size, momentum)[1][-1]``, computed for all the
    streams at once: the batch means from ``BatchNorm``, then the running mean's update
    (:func:`lib.normalization.running_average`) step after step, every stream in one array.
    Cached (the last 4 calls; treat the array as read-only).

    Returns
    -------
    ndarray, shape (len(settings), streams)

    Examples
    --------
    >>> finals = final_running_means(((32, 0.1),), streams=20)
    >>> finals.shape, bool(abs(finals.mean() - STREAM_MEAN) < 0.1)
    ((1, 20), True)
    """
    means = np.empty((len(settings), streams, STREAM_STEPS))
    for k in range(streams):
        stream = batch_stream(k)
        for i, (batch_size, _) in enumerate(settings):
            bn = BatchNorm(STREAM_STEPS)             # feature t: the batch of step t
            bn.forward(stream[:, :batch_size].T, training=True)
            means[i, k] = bn.batch_mean
    finals = np.zeros((len(settings), streams))      # BatchNorm's initial running mean
    for i, (_, momentum) in enumerate(settings):
        for t in range(STREAM_STEPS):
            finals[i] = running_average(finals[i], means[i, :, t], momentum, t + 1)
    finals.setflags(write=False)
    return finals


def running_mean_prediction(batch_size, momentum, steps=STREAM_STEPS, mean=STREAM_MEAN,
                            std=STREAM_STD):
    """The mean and standard deviation of the running mean after ``steps`` steps, from 0.

    With weight m on each new batch mean (variance sigma^2 / N), after T steps

    .. math:: E[r_T] = \\mu\\,(1 - (1 - m)^T), \\qquad
              \\operatorname{std}(r_T) = \\sqrt{\\frac{m}{2 - m}\\,(1 - (1 - m)^{2T})\\,
              \\frac{\\sigma^2}{N}} .

    Examples
    --------
    >>> [round(v, 3) for v in running_mean_prediction(128, 0.01)]
    [2.598, 0.012]
    """
    m = float(momentum)
    kept = (1 - m) ** steps
    return mean * (1 - kept), float(np.sqrt(m / (2 - m) * (1 - kept ** 2) * std ** 2 / batch_size))


def cumulative_statistics(batches):
    """The running mean and variance of ``BatchNorm(1, momentum=None)`` after these batches.

    Each batch is a 1-D sequence of at least 2 values. With ``momentum=None`` every batch gets the
    same weight, whatever its size: the result is the average of the batch means (and of the
    unbiased batch variances), not the mean (or variance) of all the values together.

    Examples
    --------
    >>> cumulative_statistics([[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [20.0, 22.0]])[0]
    12.75
    """
    bn = BatchNorm(1, momentum=None)
    for batch in batches:
        bn.forward(np.asarray(batch, dtype=np.float64)[:, None], training=True)
    return float(bn.running_mean[0]), float(bn.running_var[0])


# --------------------------------------------------------------------------------------------------
# batch norm's backward pass with a term left out, and what a test with an all-ones dy sees


#: The terms of batch norm's input gradient that :func:`batchnorm_dx` can leave out.
DX_TERMS = ("mean", "variance")


def batchnorm_dx(x, dy, gamma, eps=1e-5, without=None):
    """Batch norm's input gradient, optionally with one of its terms left out (a known slip).

    .. math:: \\frac{\\partial L}{\\partial x_n} = \\frac{1}{N s}\\Big(N g_n - \\sum_m g_m
              - \\hat x_n \\sum_m g_m \\hat x_m\\Big), \\qquad g = \\gamma\\, dy,

    where ``without="mean"`` drops :math:`\\sum_m g_m` (the path through the batch mean) and
    ``without="variance"`` drops :math:`\\hat x_n \\sum_m g_m \\hat x_m` (the path through the
    variance). ``without=None`` is the whole formula, what ``BatchNorm.backward`` returns.

    Examples
    --------
    >>> x, ones = np.array([[1.0], [2.0], [4.0]]), np.ones((3, 1))
    >>> [float(np.abs(batchnorm_dx(x, ones, [1.0], without=w)).max()) < 1e-12
    ...  for w in (None, "variance", "mean")]
    [True, True, False]
    """
    if without not in (None, *DX_TERMS):
        raise ValueError(f"without must be None or one of {DX_TERMS}, got without={without!r}")
    x = np.asarray(x, dtype=np.float64)
    bn = BatchNorm(x.shape[1], eps=eps)
    bn.forward(x, training=True)
    x_hat, n = bn.x_hat, len(x)
    s = np.sqrt(bn.batch_var + eps)
    g = np.asarray(gamma, dtype=np.float64) * np.asarray(dy, dtype=np.float64)
    mean_term = 0.0 if without == "mean" else g.sum(axis=0)
    variance_term = 0.0 if without == "variance" else x_hat * (g * x_hat).sum(axis=0)
    return (n * g - mean_term - variance_term) / (n * s)


# --------------------------------------------------------------------------------------------------
# min-max or z-score: the digits' pixels


class PixelScaling(NamedTuple):
    """What z-scores do to the digits' pixels (:func:`pixel_scaling`)."""

    largest_z: float        # the largest |z| of any pixel over the training images
    pixel: int              # the pixel (0..63) that has it
    inked: int              # in how many training images that pixel is not blank
    bound: float            # sqrt(n - 1), the largest |z| any column of n values can have
    blank_pixels: int       # pixels blank in every training image (z-score 0)
    images: int             # n, the number of training images


def pixel_scaling():
    """Z-scores of each pixel over the training images of ``lib.datasets.digits()``.

    The pixels are grey levels 0..16 divided by 16, a min-max scaling by the known range. The
    z-score of a pixel that is inked in one image only reaches the bound sqrt(n - 1).

    Examples
    --------
    >>> p = pixel_scaling()
    >>> p.images, p.inked, bool(abs(p.largest_z - p.bound) < 1e-9)
    (1348, 1, True)
    """
    X = _digits().X_train
    z = np.abs(standardize(X))
    per_pixel = z.max(axis=0)
    pixel = int(per_pixel.argmax())
    return PixelScaling(largest_z=float(per_pixel[pixel]), pixel=pixel,
                        inked=int(np.count_nonzero(X[:, pixel])), bound=float(np.sqrt(len(X) - 1)),
                        blank_pixels=int(np.count_nonzero(X.max(axis=0) == 0)), images=len(X))


# --------------------------------------------------------------------------------------------------
# gradient descent on features of different scales


class Descent(NamedTuple):
    """One run of :func:`descend`."""

    path: np.ndarray        # every iterate, the start included
    w_star: np.ndarray      # the least-squares minimum
    condition: float        # lambda_max / lambda_min of the Hessian (2/n) X^T X
    steps: int              # len(path) - 1
    bound: int              # the most steps the condition number allows: ceil(kappa ln(1/tol) / 2)


def scales_problem(seed=1, n=200, scales=(1.0, 10.0), means=(0.0, 0.0), noise=0.5):
    """Two features with these standard deviations and means, and a linear target with noise.

    ``y = 3 x1 + 0.2 x2 (+ 1 when the means are not 0) + noise``. With zero means the columns
    are centred exactly (and y too), so standardizing them only rescales; otherwise a column of
    ones is appended, the bias of the model, and y is left as it is.

    Examples
    --------
    >>> X, y = scales_problem(1)
    >>> X.shape, bool(np.allclose(X.mean(axis=0), 0))
    ((200, 2), True)
    >>> scales_problem(1, means=(3.0, 30.0))[0].shape     # with a column of ones
    (200, 3)
    """
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2)) * np.asarray(scales) + np.asarray(means)
    y = X @ np.array([3.0, 0.2]) + rng.normal(0.0, noise, n)
    if not np.any(means):
        return X - X.mean(axis=0), y - y.mean()
    return np.hstack([X, np.ones((n, 1))]), y + 1.0


def descend(X, y, w0, tol=1e-6, max_steps=100_000):
    """Gradient descent on the least-squares loss of (X, y) with learning rate 1 / lambda_max.

    It stops when the loss is within ``tol`` of the way from the start to the minimum. Along each
    eigendirection of the Hessian the error shrinks by the factor 1 - lambda_i / lambda_max per
    step, so at most ``ceil(kappa ln(1/tol) / 2)`` steps are needed (``bound``).

    Examples
    --------
    >>> X, y = scales_problem(1)
    >>> run = descend(X, y, np.zeros(2))
    >>> bool(run.steps <= run.bound), run.path.shape[1]
    (True, 2)
    """
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
    lam = np.linalg.eigvalsh(2 * X.T @ X / len(X))
    w_star = np.linalg.lstsq(X, y, rcond=None)[0]
    low, start = least_squares_loss(w_star, X, y), least_squares_loss(w0, X, y)

    def close(w):
        return least_squares_loss(w, X, y) - low < tol * (start - low)

    path = gradient_descent(lambda w: least_squares_grad(w, X, y), w0, lr=1 / lam[-1],
                            steps=max_steps, stop=close)
    condition = float(lam[-1] / lam[0])
    return Descent(path, w_star, condition, len(path) - 1,
                   int(np.ceil(condition * np.log(1 / tol) / 2)))


@lru_cache(maxsize=16)
def feature_scaling(seed=1, centred=True):
    """Steps of :func:`descend` on :func:`scales_problem` for each way of preparing the features.

    ``centred=True``: two centred features of scales 1 and 10, raw and standardized (the model in
    both from the same start: x w = (x / s)(w s)). ``centred=False``: the features have means 3
    and 30 and the model a bias; divided by their standard deviations only, and standardized.

    Returns
    -------
    dict
        name -> :class:`Descent` (cached, the last 16 calls: treat it as read-only).

    Examples
    --------
    >>> runs = feature_scaling(1)
    >>> list(runs), bool(runs["standardized"].steps < runs["raw"].steps)
    (['raw', 'standardized'], True)
    """
    if centred:
        X, y = scales_problem(seed)
        w0 = np.array([-1.0, 1.0])
        return {"raw": descend(X, y, w0),
                "standardized": descend(standardize(X), y, w0 * X.std(axis=0))}
    X, y = scales_problem(seed, means=(3.0, 30.0))
    features, ones = X[:, :2], X[:, 2:]
    w0 = np.zeros(3)
    return {"scaled only": descend(np.hstack([features / features.std(axis=0), ones]), y, w0),
            "standardized": descend(np.hstack([standardize(features), ones]), y, w0)}


class DescentSpread(NamedTuple):
    """:class:`Descent`'s numbers over the seeds (:func:`descent_spread`), each a Spread."""

    condition: Spread
    steps: Spread
    bound: Spread


def descent_spread(centred=True, seeds=SEEDS):
    """:func:`feature_scaling` over the seeds: name -> :class:`DescentSpread`.

    Examples
    --------
    >>> runs = descent_spread(seeds=(1, 2))
    >>> bool(runs["standardized"].steps.max < runs["raw"].steps.min)
    True
    """
    seeds = tuple(seeds)
    runs = [feature_scaling(seed, centred) for seed in seeds]
    return {name: DescentSpread(*(Spread(np.array([getattr(r[name], f) for r in runs], dtype=float),
                                         seeds) for f in DescentSpread._fields))
            for name in runs[0]}


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
