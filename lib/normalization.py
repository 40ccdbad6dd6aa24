"""Normalization: of data, and of activations inside a network.

Data normalization (chapter 5, first half):

- :func:`standardize` -- z-scores, mean 0 and standard deviation 1 (not a [0, 1] range).
- :func:`min_max_scale` -- a linear map onto a range, [0, 1] by default.

Normalization layers (chapter 5, second half), each with its backward pass next to it. All of
them compute :math:`\\hat x = (x - \\mu) / \\sqrt{\\sigma^2 + \\epsilon}` (RMS norm leaves out the
mean) and then :math:`\\gamma \\hat x + \\beta`; they differ in the axes the statistics run over,
which :func:`statistics_axes` and :func:`shares_statistics` name:

- :class:`BatchNorm` -- per channel, over the batch and any spatial axes of (N, C), (N, C, L) or
  (N, C, H, W) input; running statistics for inference (:func:`running_average`).
- :func:`layer_norm`, :func:`layer_norm_backward` -- per sample, over the last axis.
- :func:`rms_norm`, :func:`rms_norm_backward` -- like layer norm without the centring.
- :func:`group_norm`, :func:`group_norm_backward` -- per sample, over each group of channels and
  the spatial axes of (N, C, ...) input.
- :func:`instance_norm`, :func:`instance_norm_backward` -- per sample and channel, over the
  spatial axes (group norm with one channel per group).

Every function takes array_like input, keeps float32 as float32 (other non-float inputs are
computed in float64), returns a new array and never modifies the caller's. The arithmetic is the
formula's: values beyond about 1e154 in float64 (1e19 in float32) overflow when squared, as they
do in PyTorch and scikit-learn, and the results are wrong (0, inf or NaN). NaN in a slice makes
that slice NaN, and so does +-inf (in :func:`min_max_scale` and :func:`rms_norm` the slice's
other values may come out 0 instead: they are divided by inf).
"""

import functools

import numpy as np

from ._checks import as_float as _as_float, positive_finite

__all__ = [
    "standardize",
    "min_max_scale",
    "BatchNorm",
    "running_average",
    "layer_norm",
    "layer_norm_backward",
    "rms_norm",
    "rms_norm_backward",
    "group_norm",
    "group_norm_backward",
    "instance_norm",
    "instance_norm_backward",
    "statistics_axes",
    "shares_statistics",
]


# --------------------------------------------------------------------------------------------------
# helpers


def _check_eps(eps):
    return positive_finite(eps, "eps")


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _constant(x, axes):
    """True for each slice over ``axes`` whose values are all equal (kept as axes of length 1)."""
    return np.min(x, axis=axes, keepdims=True) == np.max(x, axis=axes, keepdims=True)


def _normalize(x, axes, eps):
    """The forward pass of batch, layer, group and instance norm, over ``axes``:

    .. math:: \\hat x = \\frac{x - \\mu}{\\sqrt{\\sigma^2 + \\epsilon}}

    with :math:`\\mu, \\sigma^2` the mean and biased variance of a slice. Returns x_hat and, per
    slice (``axes`` kept with length 1), mu and sigma2 in float64 (the statistics a layer reports)
    and sqrt(sigma2 + eps) in x's dtype (what the backward pass divides by). A constant slice gets
    x_hat = 0 exactly: its rounded mean can leave deviations of one ulp, which a small eps would
    not hide.
    """
    eps = x.dtype.type(eps)
    mu = np.mean(x, axis=axes, keepdims=True)
    centred = np.where(_constant(x, axes), 0, x - mu)
    var = np.mean(centred**2, axis=axes, keepdims=True)
    std = np.sqrt(var + eps)
    return centred / std, mu.astype(np.float64), var.astype(np.float64), std


def _normalize_backward(x_hat, std, g, axes):
    """dL/dx for x_hat = (x - mu) / sqrt(sigma2 + eps) over ``axes``, given g = dL/dx_hat.

    .. math:: \\frac{\\partial L}{\\partial x}
              = \\frac{1}{N\\sqrt{\\sigma^2+\\epsilon}}\\Big(N g - \\sum g - \\hat x \\sum g \\hat x\\Big)
              = \\frac{g - \\overline{g} - \\hat x\\;\\overline{g \\hat x}}{\\sqrt{\\sigma^2+\\epsilon}}

    with N the number of values in a slice, sums and means (bars) over the slice. The second form
    is the first with N divided into the bracket.
    """
    g_mean = np.mean(g, axis=axes, keepdims=True)
    gx_mean = np.mean(g * x_hat, axis=axes, keepdims=True)
    return (g - g_mean - x_hat * gx_mean) / std


def _scale_and_shift(x_hat, gamma, beta):
    """gamma * x_hat + beta, with None meaning gamma = 1 and beta = 0."""
    y = x_hat if gamma is None else gamma * x_hat
    return y if beta is None else y + beta


def _check_last_axis_param(value, name, x):
    """``value`` (gamma or beta) as an array of shape (C,) in ``x``'s dtype, or None."""
    if value is None:
        return None
    value = np.asarray(value)
    if value.shape != x.shape[-1:]:
        raise ValueError(
            f"{name} must have shape (C,) = {x.shape[-1:]} to match the last axis of x "
            f"(shape {x.shape}), got {name} with shape {value.shape}"
        )
    return value.astype(x.dtype, copy=False)


def _per_channel(value, ndim):
    """A (C,) array shaped (C, 1, ..., 1), to broadcast along axis 1 of an ndim-D (N, C, ...) array."""
    return np.reshape(value, (-1,) + (1,) * (ndim - 2))


def _check_channel_param(value, name, x):
    """``value`` (gamma or beta) of shape (C,), shaped to broadcast along axis 1 of x, or None."""
    if value is None:
        return None
    value = np.asarray(value)
    if value.shape != x.shape[1:2]:
        raise ValueError(
            f"{name} must have shape (C,) = {x.shape[1:2]} to match axis 1 (the channels) of x "
            f"(shape {x.shape}), got {name} with shape {value.shape}"
        )
    return _per_channel(value.astype(x.dtype, copy=False), x.ndim)


def _last_axis_input(x, eps):
    """``x`` as a float array with at least one axis (normalized over its last), and a checked eps."""
    x = _as_float(x)
    if x.ndim == 0:
        raise ValueError("x must have at least one axis; normalization runs over its last axis")
    return x, _check_eps(eps)


def _check_dy(dy, x):
    """``dy`` with x's shape and dtype."""
    dy = np.asarray(dy)
    if dy.shape != x.shape:
        raise ValueError(f"dy must have the shape of x {x.shape}, got {dy.shape}")
    return dy.astype(x.dtype, copy=False)


def _backward_inputs(x, dy, gamma, eps):
    """x, eps and gamma checked as the forward pass checks them, and dy with x's shape and dtype."""
    x, eps = _last_axis_input(x, eps)
    return x, _check_dy(dy, x), _check_last_axis_param(gamma, "gamma", x), eps


# --------------------------------------------------------------------------------------------------
# data normalization


def standardize(x, axis=0):
    """Z-scores: subtract the mean and divide by the standard deviation along ``axis``.

    .. math:: z_i = \\frac{x_i - \\mu}{\\sigma}, \\qquad
              \\mu = \\frac{1}{n}\\sum_{i=1}^{n} x_i, \\qquad
              \\sigma^2 = \\frac{1}{n}\\sum_{i=1}^{n} (x_i - \\mu)^2

    This is the population standard deviation (``ddof=0``). The result has mean 0 and standard
    deviation 1 along ``axis``; it is *not* confined to [0, 1] (that is :func:`min_max_scale`).

    A constant slice (standard deviation 0) has no spread to divide by; its z-scores are set to 0,
    as scikit-learn's ``StandardScaler`` does, with no warning.

    Parameters
    ----------
    x : array_like
        Data. With the default ``axis=0`` and a 2-D array, rows are samples and columns features.
    axis : int or None, optional
        Axis along which the mean and standard deviation are taken; None uses the whole array.

    Returns
    -------
    ndarray
        Same shape as ``x``.

    Examples
    --------
    >>> from lib.normalization import standardize
    >>> standardize([1.0, 2.0, 3.0])
    array([-1.22474487,  0.        ,  1.22474487])
    >>> standardize([[1.0, 5.0], [3.0, 5.0]])      # the second column is constant
    array([[-1.,  0.],
           [ 1.,  0.]])
    """
    x = _as_float(x)
    if x.size == 0:
        return x.copy()
    centred = x - np.mean(x, axis=axis, keepdims=True)
    sigma = np.sqrt(np.mean(centred**2, axis=axis, keepdims=True))
    constant = _constant(x, axis)
    return np.where(constant, 0, centred / np.where(constant, 1, sigma))


def min_max_scale(x, axis=0, feature_range=(0, 1)):
    """Map each slice along ``axis`` linearly onto ``feature_range``: min -> lo, max -> hi.

    .. math:: t = \\frac{x - \\min x}{\\max x - \\min x}, \\qquad y = lo\\,(1 - t) + hi\\,t

    The minimum lands exactly on ``lo`` and the maximum exactly on ``hi``. A constant slice (max =
    min) maps to ``lo``, with no warning.

    Parameters
    ----------
    x : array_like
        Data.
    axis : int or None, optional
        Axis along which min and max are taken; None uses the whole array.
    feature_range : tuple of two floats, optional
        ``(lo, hi)`` with ``lo < hi``.

    Returns
    -------
    ndarray
        Same shape as ``x``, values in ``[lo, hi]``.

    Raises
    ------
    ValueError
        If ``feature_range`` is not two finite numbers with ``lo < hi``.

    Examples
    --------
    >>> from lib.normalization import min_max_scale
    >>> min_max_scale([2.0, 4.0, 10.0])
    array([0.  , 0.25, 1.  ])
    >>> min_max_scale([2.0, 4.0, 10.0], feature_range=(-1, 1))
    array([-1. , -0.5,  1. ])
    """
    try:
        lo, hi = (float(v) for v in feature_range)
    except (TypeError, ValueError):
        raise ValueError(
            f"feature_range must be a pair of numbers (lo, hi), got feature_range={feature_range!r}"
        ) from None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(
            f"feature_range must satisfy lo < hi (both finite), got feature_range={feature_range!r}"
        )
    x = _as_float(x)
    if x.size == 0:
        return x.copy()
    x_min = np.min(x, axis=axis, keepdims=True)
    span = np.max(x, axis=axis, keepdims=True) - x_min
    t = (x - x_min) / np.where(span > 0, span, 1)       # a constant slice: 0 / 1
    return lo * (1 - t) + hi * t


# --------------------------------------------------------------------------------------------------
# batch normalization


def running_average(previous, new, momentum, t):
    """BatchNorm's update of a running statistic by the statistic of its t-th batch (t = 1, 2, ...):
    :math:`(1 - w)\\,\\text{previous} + w\\,\\text{new}` with :math:`w` = ``momentum``, or
    :math:`w = 1/t` for ``momentum=None``, which makes it the plain average of the t batches.

    Examples
    --------
    >>> running_average(0.0, 2.0, 0.1, t=1)
    0.2
    >>> r = 0.0
    >>> for t, batch_mean in enumerate([2.0, 4.0, 9.0], start=1):
    ...     r = running_average(r, batch_mean, None, t)
    >>> r  # (2 + 4 + 9) / 3
    5.0
    """
    w = 1 / t if momentum is None else momentum
    return (1 - w) * previous + w * new


class BatchNorm:
    """Batch normalization per channel, with running statistics and a hand-written backward.

    The input is a batch of shape (N, C) -- N samples of C features -- or (N, C, L) or
    (N, C, H, W), as for PyTorch's ``BatchNorm1d`` and ``BatchNorm2d`` (more spatial axes work
    too). Training mode (``forward(x, training=True)``) normalizes each feature (channel) c with
    the statistics of the current batch, then scales and shifts it; for (N, C) input:

    .. math:: \\mu_c = \\frac{1}{N}\\sum_n x_{nc}, \\quad
              \\sigma_c^2 = \\frac{1}{N}\\sum_n (x_{nc} - \\mu_c)^2, \\quad
              \\hat x_{nc} = \\frac{x_{nc} - \\mu_c}{\\sqrt{\\sigma_c^2 + \\epsilon}}, \\quad
              y_{nc} = \\gamma_c \\hat x_{nc} + \\beta_c

    With spatial axes the sums run over the batch *and* every position: channel c of an
    (N, C, H, W) batch is normalized over its :math:`m = N H W` values (every axis but 1, see
    :func:`statistics_axes`), and N becomes m below.

    It also updates the running statistics, with the new batch weighted by ``momentum`` (PyTorch's
    convention) and the *unbiased* batch variance :math:`\\frac{N}{N-1}\\sigma_c^2`::

        running_mean = (1 - momentum) * running_mean + momentum * mu
        running_var  = (1 - momentum) * running_var  + momentum * sigma2 * N / (N - 1)

    ``momentum=None`` weights the t-th training batch by 1/t instead (t counted by
    ``num_batches_tracked``), so the running statistics are the plain average of the statistics of
    every batch seen so far, PyTorch's cumulative moving average.

    Inference mode (``training=False``) uses ``running_mean`` and ``running_var`` in place of the
    batch statistics, so each sample's output no longer depends on the rest of its batch.

    ``track_running_stats=False`` keeps no running statistics (``running_mean``, ``running_var``
    and ``num_batches_tracked`` are None) and normalizes with the batch statistics in both modes,
    as PyTorch does: the output then always depends on the batch.

    Parameters
    ----------
    num_features : int
        C, the number of features (channels, axis 1 of the input), >= 1.
    eps : float, optional
        Added to the variance before the square root, > 0.
    momentum : float or None, optional
        Weight of the new batch in the running statistics, in [0, 1]. 0 freezes them; 1 keeps
        only the latest batch; None averages all batches equally (cumulative moving average).
    track_running_stats : bool, optional
        False: no running statistics; batch statistics in training and in inference.

    Attributes
    ----------
    gamma, beta : ndarray, shape (C,)
        Learnable scale (starts at 1) and shift (starts at 0). Assign new arrays to change them.
    running_mean, running_var : ndarray, shape (C,), or None
        Running statistics (start at 0 and 1), float64; None when not tracked.
    num_batches_tracked : int or None
        Training batches seen (the t of ``momentum=None``); None when not tracked.
    dgamma, dbeta : ndarray, shape (C,) or None
        Gradients of the loss with respect to gamma and beta, set by :meth:`backward`.
    batch_mean, batch_var : ndarray, shape (C,) or None
        Mean and biased variance of the last batch normalized with its own statistics, float64
        (None after an inference forward with running statistics).
    x_hat : ndarray, shape of the input, or None
        The normalized input of the last forward pass, before gamma and beta.

    Examples
    --------
    >>> import numpy as np
    >>> from lib.normalization import BatchNorm
    >>> bn = BatchNorm(2)
    >>> x = np.array([[1.0, 10.0], [3.0, 30.0]])
    >>> np.round(bn.forward(x), 4)
    array([[-1., -1.],
           [ 1.,  1.]])
    >>> bn.batch_mean, bn.batch_var
    (array([ 2., 20.]), array([  1., 100.]))
    >>> bn.running_mean, bn.running_var            # 0.9 * start + 0.1 * batch (unbiased var)
    (array([0.2, 2. ]), array([ 1.1, 20.9]))
    >>> dx = bn.backward(np.array([[1.0, 0.0], [0.0, 0.0]]))
    >>> np.round(bn.dgamma, 4), bn.dbeta
    (array([-1.,  0.]), array([1., 0.]))

    Images: one channel of a (N, C, H, W) batch is normalized over N, H and W together.

    >>> images = np.arange(16.0).reshape(2, 2, 2, 2)     # N = 2, C = 2, H = W = 2
    >>> bn = BatchNorm(2, momentum=None)
    >>> y = bn.forward(images)
    >>> bn.batch_mean, bn.num_batches_tracked             # channel 0 holds 0-3 and 8-11
    (array([5.5, 9.5]), 1)
    >>> bn.running_mean                                   # momentum=None: the average so far
    array([5.5, 9.5])
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.1, track_running_stats=True):
        if not _is_int(num_features) or num_features < 1:
            raise ValueError(
                f"num_features must be a positive integer, got num_features={num_features!r}"
            )
        if momentum is not None:
            try:
                momentum = float(momentum)
            except (TypeError, ValueError):
                raise ValueError(
                    f"momentum must be a number in [0, 1] or None, got momentum={momentum!r}"
                ) from None
            if not 0.0 <= momentum <= 1.0:
                raise ValueError(f"momentum must lie in [0, 1] (or be None), got momentum={momentum!r}")
        if not isinstance(track_running_stats, (bool, np.bool_)):
            raise ValueError(
                "track_running_stats must be True or False, "
                f"got track_running_stats={track_running_stats!r}"
            )
        self.num_features = int(num_features)
        self.eps = _check_eps(eps)
        self.momentum = momentum
        self.track_running_stats = bool(track_running_stats)
        self.gamma = np.ones(self.num_features)
        self.beta = np.zeros(self.num_features)
        if self.track_running_stats:
            self.running_mean = np.zeros(self.num_features)
            self.running_var = np.ones(self.num_features)
            self.num_batches_tracked = 0
        else:
            self.running_mean = self.running_var = self.num_batches_tracked = None
        self.dgamma = None
        self.dbeta = None
        self.batch_mean = None
        self.batch_var = None
        self.x_hat = None
        self._std = None
        self._batch_statistics = None

    def __repr__(self):
        momentum = "None" if self.momentum is None else f"{self.momentum:g}"
        tracking = "" if self.track_running_stats else ", track_running_stats=False"
        return (
            f"BatchNorm(num_features={self.num_features}, eps={self.eps:g}, "
            f"momentum={momentum}{tracking})"
        )

    def forward(self, x, training=True):
        """Normalize ``x`` of shape (N, C, ...); see the class docstring for the formulas.

        Parameters
        ----------
        x : array_like, shape (N, C), (N, C, L) or (N, C, H, W)
            A batch. C must equal ``num_features``. With batch statistics (in training, and always
            when ``track_running_stats=False``) each channel needs at least 2 values: N >= 2 for
            (N, C) input.
        training : bool, optional
            True: batch statistics, and the running statistics are updated. False: running
            statistics (batch statistics if there are none), nothing is updated.

        Returns
        -------
        ndarray, same shape as ``x``
            ``gamma * x_hat + beta``, in ``x``'s float dtype.
        """
        x = _as_float(x)
        if x.ndim < 2:
            raise ValueError(
                "x must be 2-D or more, with shape (N, C), (N, C, L) or (N, C, H, W), "
                f"got an array of shape {x.shape}"
            )
        c = x.shape[1]
        if c != self.num_features:
            raise ValueError(
                f"x has {c} features (axis 1) but this layer has num_features={self.num_features}"
            )
        axes = (0, *range(2, x.ndim))                       # every axis but the channels
        batch_statistics = bool(training) or not self.track_running_stats
        if batch_statistics:
            m = self._values_per_channel(x, training)
            x_hat, mean, var, std = _normalize(x, axes, self.eps)
            self.batch_mean, self.batch_var = mean.reshape(c), var.reshape(c)
            if training and self.track_running_stats:
                self._update_running_statistics(m)
        else:
            mean = _per_channel(self.running_mean, x.ndim)
            std = np.sqrt(_per_channel(self.running_var, x.ndim) + self.eps)
            x_hat = ((x - mean) / std).astype(x.dtype)     # float64 statistics, x's dtype out
            self.batch_mean = self.batch_var = None
        self.x_hat, self._std, self._batch_statistics = x_hat, std, batch_statistics
        gamma = _per_channel(np.asarray(self.gamma).astype(x.dtype, copy=False), x.ndim)
        beta = _per_channel(np.asarray(self.beta).astype(x.dtype, copy=False), x.ndim)
        return gamma * x_hat + beta

    __call__ = forward

    def _values_per_channel(self, x, training):
        """m, the number of values each channel's batch statistics average; a ValueError if m < 2."""
        m = x.size // x.shape[1]
        if m >= 2:
            return m
        who = "training" if training else "a layer with track_running_stats=False"
        if x.ndim == 2:
            problem = (
                f"{who} needs a batch size N >= 2, got N={m}: the variance of a single sample is 0 "
                "and its unbiased estimate divides by N - 1 = 0."
            )
        else:
            problem = (
                f"{who} needs at least 2 values per channel (N times the spatial size), got x of "
                f"shape {x.shape}: the variance of a single value is 0 and its unbiased estimate "
                "divides by 0."
            )
        if self.track_running_stats:
            remedy = " Use a larger batch, or forward(x, training=False) to use the running statistics."
        else:
            remedy = " Use a larger batch; this layer keeps no running statistics."
        raise ValueError(problem + remedy)

    def _update_running_statistics(self, m):
        """Move the running statistics towards the last batch's (m values per channel)."""
        self.num_batches_tracked += 1
        t = self.num_batches_tracked
        unbiased = self.batch_var * (m / (m - 1))
        self.running_mean = running_average(self.running_mean, self.batch_mean, self.momentum, t)
        self.running_var = running_average(self.running_var, unbiased, self.momentum, t)

    def backward(self, dy):
        """Gradient with respect to the input of the last :meth:`forward`; sets ``dgamma``, ``dbeta``.

        With batch statistics every output of a feature depends on every input of that feature
        through the batch mean and variance, which gives

        .. math:: \\frac{\\partial L}{\\partial x_{nc}} = \\frac{1}{N\\sqrt{\\sigma_c^2+\\epsilon}}
                  \\Big(N g_{nc} - \\sum_m g_{mc} - \\hat x_{nc} \\sum_m g_{mc}\\hat x_{mc}\\Big),
                  \\qquad g = \\gamma\\,\\frac{\\partial L}{\\partial y},

        computed as :math:`(g - \\overline{g} - \\hat x\\,\\overline{g \\hat x}) / \\sqrt{\\sigma^2 +
        \\epsilon}`, N divided into the bracket. With spatial axes the sums and the N run over
        all m values of the channel. The parameter gradients are

        .. math:: \\frac{\\partial L}{\\partial \\gamma_c} = \\sum_n \\frac{\\partial L}{\\partial
                  y_{nc}} \\hat x_{nc}, \\qquad \\frac{\\partial L}{\\partial \\beta_c} = \\sum_n
                  \\frac{\\partial L}{\\partial y_{nc}}.

        After an inference forward the statistics are constants and the gradient is simply
        ``gamma / sqrt(running_var + eps) * dy``.

        Parameters
        ----------
        dy : array_like, shape of the last forward's input
            Gradient of the loss with respect to the output of the last forward pass.

        Returns
        -------
        ndarray, shape of the last forward's input
            Gradient of the loss with respect to ``x``.
        """
        if self.x_hat is None:
            raise ValueError("backward called before forward: run forward(x) first")
        x_hat = self.x_hat
        dy = np.asarray(dy)
        if dy.shape != x_hat.shape:
            raise ValueError(
                f"dy must have the shape of the last forward's output {x_hat.shape}, got {dy.shape}"
            )
        dy = dy.astype(x_hat.dtype, copy=False)
        axes = (0, *range(2, x_hat.ndim))
        self.dbeta = np.sum(dy, axis=axes)
        self.dgamma = np.sum(dy * x_hat, axis=axes)
        g = dy * _per_channel(np.asarray(self.gamma).astype(x_hat.dtype, copy=False), x_hat.ndim)
        if self._batch_statistics:
            dx = _normalize_backward(x_hat, self._std, g, axes)
        else:
            dx = g / self._std
        return dx.astype(x_hat.dtype, copy=False)


# --------------------------------------------------------------------------------------------------
# layer normalization and RMS normalization


def layer_norm(x, gamma=None, beta=None, eps=1e-5):
    """Layer normalization: normalize each sample over its last axis, then scale and shift.

    .. math:: \\hat x_i = \\frac{x_i - \\mu}{\\sqrt{\\sigma^2 + \\epsilon}}, \\qquad
              y_i = \\gamma_i \\hat x_i + \\beta_i

    with the mean and biased variance taken over the last axis of each sample separately, so
    unlike batch normalization it behaves the same in training and inference and with a batch of
    one. Transformers use it (and :func:`rms_norm`) around every attention and feed-forward block.
    (Layer norm of images over (C, H, W), as in the group-norm paper, is ``group_norm(x, 1)``.)

    Parameters
    ----------
    x : array_like, shape (..., C)
        Input, at least 1-D.
    gamma, beta : array_like, shape (C,), optional
        Per-element scale and shift of the last axis; None means 1 and 0.
    eps : float, optional
        Added to the variance, > 0.

    Returns
    -------
    ndarray
        Same shape as ``x``.

    Examples
    --------
    >>> from lib.normalization import layer_norm
    >>> layer_norm([[1.0, 2.0, 3.0], [10.0, 10.0, 40.0]], eps=1e-12)
    array([[-1.22474487,  0.        ,  1.22474487],
           [-0.70710678, -0.70710678,  1.41421356]])
    >>> layer_norm([1.0, 3.0], gamma=[2.0, 2.0], beta=[0.0, 1.0], eps=1e-12)
    array([-2.,  3.])
    """
    x, eps = _last_axis_input(x, eps)
    gamma = _check_last_axis_param(gamma, "gamma", x)
    beta = _check_last_axis_param(beta, "beta", x)
    if x.shape[-1] == 0:
        return x.copy()
    x_hat, _, _, _ = _normalize(x, -1, eps)
    return _scale_and_shift(x_hat, gamma, beta)


def layer_norm_backward(x, dy, gamma=None, eps=1e-5):
    """Gradients of :func:`layer_norm` given the upstream gradient ``dy``.

    With :math:`g = \\gamma\\,dy` and C the length of the last axis,

    .. math:: dx = \\frac{1}{C\\sqrt{\\sigma^2+\\epsilon}}
              \\Big(C g - \\sum_j g_j - \\hat x \\sum_j g_j \\hat x_j\\Big)
              = \\frac{g - \\overline{g} - \\hat x\\,\\overline{g \\hat x}}{\\sqrt{\\sigma^2+\\epsilon}},

    the same formula as batch normalization's, taken over the last axis instead of the batch.
    ``beta`` does not appear: it shifts the output and has no influence on ``dx``.

    Parameters
    ----------
    x : array_like, shape (..., C)
        The input of the forward pass.
    dy : array_like, same shape as ``x``
        Gradient of the loss with respect to the output.
    gamma : array_like, shape (C,), optional
        The scale used in the forward pass (None means 1).
    eps : float, optional
        The ``eps`` used in the forward pass.

    Returns
    -------
    dx : ndarray, same shape as ``x``
    dgamma, dbeta : ndarray, shape (C,)
        Summed over every axis but the last (returned even when ``gamma`` is None).

    Examples
    --------
    >>> from lib.normalization import layer_norm_backward
    >>> import numpy as np
    >>> dx, dgamma, dbeta = layer_norm_backward([[1.0, 2.0, 3.0]], [[1.0, 0.0, 0.0]])
    >>> np.round(dx, 4)
    array([[ 0.2041, -0.4082,  0.2041]])
    >>> np.round(dgamma, 4), dbeta
    (array([-1.2247,  0.    ,  0.    ]), array([1., 0., 0.]))
    """
    x, dy, gamma, eps = _backward_inputs(x, dy, gamma, eps)
    if x.shape[-1] == 0:
        return x.copy(), np.zeros(0, x.dtype), np.zeros(0, x.dtype)
    x_hat, _, _, std = _normalize(x, -1, eps)
    batch_axes = tuple(range(x.ndim - 1))
    g = dy if gamma is None else gamma * dy
    dx = _normalize_backward(x_hat, std, g, -1)
    return dx, np.sum(dy * x_hat, axis=batch_axes), np.sum(dy, axis=batch_axes)


def _rms_eps(eps, x):
    """``eps`` checked, or for None the machine epsilon of x's dtype (PyTorch's default)."""
    return np.finfo(x.dtype).eps if eps is None else _check_eps(eps)


def _rms_normalize(x, eps):
    """x / sqrt(mean(x**2) + eps) over the last axis, and sqrt(mean(x**2) + eps)."""
    eps = x.dtype.type(eps)
    rms = np.sqrt(np.mean(x**2, axis=-1, keepdims=True) + eps)
    return x / rms, rms


def rms_norm(x, gamma=None, eps=1e-6):
    """RMS normalization: divide each sample by its root mean square over the last axis.

    .. math:: y_i = \\gamma_i \\frac{x_i}{\\sqrt{\\frac{1}{C}\\sum_j x_j^2 + \\epsilon}}

    Layer normalization without subtracting the mean and without a shift: cheaper, and in
    practice about as good, which is why many recent transformers (LLaMA, for one) use it.

    The defaults for epsilon differ: ``lib`` uses 1e-6, while PyTorch's
    ``torch.nn.functional.rms_norm`` and ``torch.nn.RMSNorm`` default to ``eps=None``, meaning the
    machine epsilon of the input's dtype (2.2e-16 in float64, 1.2e-7 in float32). ``eps=None``
    here means the same, ``np.finfo(x.dtype).eps``.

    Parameters
    ----------
    x : array_like, shape (..., C)
        Input, at least 1-D.
    gamma : array_like, shape (C,), optional
        Per-element scale of the last axis; None means 1.
    eps : float or None, optional
        Added to the mean square, > 0; None: the machine epsilon of x's dtype, as in PyTorch.

    Returns
    -------
    ndarray
        Same shape as ``x``.

    Examples
    --------
    >>> from lib.normalization import rms_norm
    >>> rms_norm([1.0, 7.0], eps=1e-12)        # root mean square of (1, 7) is 5
    array([0.2, 1.4])
    >>> rms_norm([[1.0, 1.0], [2.0, -2.0]], gamma=[1.0, 3.0], eps=1e-12)
    array([[ 1.,  3.],
           [ 1., -3.]])
    >>> rms_norm([1e-3, 1e-3]), rms_norm([1e-3, 1e-3], eps=None)   # the two defaults
    (array([0.70710678, 0.70710678]), array([1., 1.]))
    """
    x = _as_float(x)
    x, eps = _last_axis_input(x, _rms_eps(eps, x))
    gamma = _check_last_axis_param(gamma, "gamma", x)
    if x.shape[-1] == 0:
        return x.copy()
    x_hat, _ = _rms_normalize(x, eps)
    return _scale_and_shift(x_hat, gamma, None)


def rms_norm_backward(x, dy, gamma=None, eps=1e-6):
    """Gradients of :func:`rms_norm` given the upstream gradient ``dy``.

    With :math:`r = 1/\\sqrt{\\frac1C\\sum_j x_j^2 + \\epsilon}`, :math:`\\hat x = r x` and
    :math:`g = \\gamma\\,dy`,

    .. math:: dx = r\\Big(g - \\hat x \\,\\frac{1}{C}\\sum_j g_j \\hat x_j\\Big).

    Parameters
    ----------
    x : array_like, shape (..., C)
        The input of the forward pass.
    dy : array_like, same shape as ``x``
        Gradient of the loss with respect to the output.
    gamma : array_like, shape (C,), optional
        The scale used in the forward pass (None means 1).
    eps : float or None, optional
        The ``eps`` used in the forward pass (None: the machine epsilon of x's dtype).

    Returns
    -------
    dx : ndarray, same shape as ``x``
    dgamma : ndarray, shape (C,)
        Summed over every axis but the last (returned even when ``gamma`` is None).

    Examples
    --------
    >>> from lib.normalization import rms_norm_backward
    >>> dx, dgamma = rms_norm_backward([[1.0, 1.0]], [[1.0, -1.0]], eps=1e-12)
    >>> dx, dgamma
    (array([[ 1., -1.]]), array([ 1., -1.]))
    """
    x = _as_float(x)
    x, dy, gamma, eps = _backward_inputs(x, dy, gamma, _rms_eps(eps, x))
    if x.shape[-1] == 0:
        return x.copy(), np.zeros(0, x.dtype)
    x_hat, rms = _rms_normalize(x, eps)
    g = dy if gamma is None else gamma * dy
    dx = (g - x_hat * np.mean(g * x_hat, axis=-1, keepdims=True)) / rms
    return dx, np.sum(dy * x_hat, axis=tuple(range(x.ndim - 1)))


# --------------------------------------------------------------------------------------------------
# group normalization and instance normalization, for (N, C, ...) input


def _channel_input(x, eps, min_ndim, shape):
    """``x`` as a float array with at least ``min_ndim`` axes (described by ``shape``), and eps."""
    x = _as_float(x)
    if x.ndim < min_ndim:
        raise ValueError(f"x must have shape {shape}, at least {min_ndim}-D, got shape {x.shape}")
    return x, _check_eps(eps)


def _check_num_groups(num_groups, channels):
    if not _is_int(num_groups) or num_groups < 1 or channels % num_groups:
        raise ValueError(
            "num_groups must be a positive integer that divides the number of channels "
            f"C = {channels}, got num_groups={num_groups!r}"
        )
    return int(num_groups)


def _group_axes(x, num_groups):
    """x of shape (N, C, ...) viewed as (N, G, C/G, ...), and the axes of one group in that view."""
    n, c = x.shape[:2]
    groups = x.reshape(n, num_groups, c // num_groups, *x.shape[2:])
    return groups, tuple(range(2, groups.ndim))


def _group_forward(x, num_groups, gamma, beta, eps):
    if x.size == 0:
        return x.copy()
    groups, axes = _group_axes(x, num_groups)
    x_hat, _, _, _ = _normalize(groups, axes, eps)
    return _scale_and_shift(x_hat.reshape(x.shape), gamma, beta)


def _group_backward(x, dy, num_groups, gamma, eps):
    other = (0, *range(2, x.ndim))          # dgamma, dbeta: summed over every axis but the channels
    if x.size == 0:
        return x.copy(), np.zeros(x.shape[1], x.dtype), np.zeros(x.shape[1], x.dtype)
    groups, axes = _group_axes(x, num_groups)
    x_hat, _, _, std = _normalize(groups, axes, eps)
    g = (dy if gamma is None else gamma * dy).reshape(groups.shape)
    dx = _normalize_backward(x_hat, std, g, axes).reshape(x.shape)
    x_hat = x_hat.reshape(x.shape)
    return dx, np.sum(dy * x_hat, axis=other), np.sum(dy, axis=other)


def group_norm(x, num_groups, gamma=None, beta=None, eps=1e-5):
    """Group normalization: per sample, normalize each group of channels with its spatial positions.

    The C channels of an (N, C, ...) input are split into ``num_groups`` groups G of C/G consecutive
    channels; for sample n and group g the statistics run over the group's channels and every
    spatial position i:

    .. math:: \\mu_{ng} = \\frac{1}{|g|}\\sum_{c \\in g,\\, i} x_{nci}, \\quad
              \\sigma_{ng}^2 = \\frac{1}{|g|}\\sum_{c \\in g,\\, i} (x_{nci} - \\mu_{ng})^2, \\quad
              y_{nci} = \\gamma_c \\frac{x_{nci} - \\mu_{ng}}{\\sqrt{\\sigma_{ng}^2 + \\epsilon}}
              + \\beta_c

    with :math:`|g|` the number of values in a group (C/G times the spatial size). As layer norm, it
    does not depend on the batch. ``num_groups=1`` is layer norm over (C, ...), ``num_groups=C``
    :func:`instance_norm`. Same as ``torch.nn.functional.group_norm``.

    Parameters
    ----------
    x : array_like, shape (N, C, ...)
        Input, at least 2-D: a batch of N samples with C channels and any spatial axes.
    num_groups : int
        G, >= 1, must divide C.
    gamma, beta : array_like, shape (C,), optional
        Per-channel scale and shift (not per group); None means 1 and 0.
    eps : float, optional
        Added to the variance, > 0.

    Returns
    -------
    ndarray
        Same shape as ``x``.

    Examples
    --------
    >>> import numpy as np
    >>> from lib.normalization import group_norm
    >>> x = np.array([[[1.0, 3.0], [5.0, 7.0], [0.0, 0.0], [2.0, 2.0]]])    # N = 1, C = 4, L = 2
    >>> group_norm(x, num_groups=2, eps=1e-12)       # channels 0-1 together, 2-3 together
    array([[[-1.34164079, -0.4472136 ],
            [ 0.4472136 ,  1.34164079],
            [-1.        , -1.        ],
            [ 1.        ,  1.        ]]])
    """
    x, eps = _channel_input(x, eps, 2, "(N, C, *)")
    num_groups = _check_num_groups(num_groups, x.shape[1])
    gamma = _check_channel_param(gamma, "gamma", x)
    beta = _check_channel_param(beta, "beta", x)
    return _group_forward(x, num_groups, gamma, beta, eps)


def group_norm_backward(x, dy, num_groups, gamma=None, eps=1e-5):
    """Gradients of :func:`group_norm` given the upstream gradient ``dy``.

    Within each group (sample n, group g, its :math:`|g|` values) the formula is batch
    normalization's, with :math:`g = \\gamma_c\\,dy`:

    .. math:: dx = \\frac{g - \\overline{g} - \\hat x\\,\\overline{g \\hat x}}
              {\\sqrt{\\sigma_{ng}^2+\\epsilon}},
              \\qquad d\\gamma_c = \\sum_{n, i} dy_{nci}\\,\\hat x_{nci}, \\qquad
              d\\beta_c = \\sum_{n, i} dy_{nci}

    (bars: means over the group).

    Parameters
    ----------
    x : array_like, shape (N, C, ...)
        The input of the forward pass.
    dy : array_like, same shape as ``x``
        Gradient of the loss with respect to the output.
    num_groups : int
        The ``num_groups`` of the forward pass.
    gamma : array_like, shape (C,), optional
        The scale used in the forward pass (None means 1).
    eps : float, optional
        The ``eps`` used in the forward pass.

    Returns
    -------
    dx : ndarray, same shape as ``x``
    dgamma, dbeta : ndarray, shape (C,)
        Summed over every axis but axis 1 (returned even when ``gamma`` is None).

    Examples
    --------
    >>> import numpy as np
    >>> from lib.normalization import group_norm_backward
    >>> x = np.array([[[1.0, 3.0], [5.0, 7.0]]])
    >>> dx, dgamma, dbeta = group_norm_backward(x, np.ones_like(x), num_groups=1)
    >>> bool(np.abs(dx).max() < 1e-15), dbeta        # dy = 1: the loss sum(y) does not depend on x
    (True, array([2., 2.]))
    """
    x, eps = _channel_input(x, eps, 2, "(N, C, *)")
    num_groups = _check_num_groups(num_groups, x.shape[1])
    gamma = _check_channel_param(gamma, "gamma", x)
    return _group_backward(x, _check_dy(dy, x), num_groups, gamma, eps)


def _instance_input(x, eps):
    x, eps = _channel_input(x, eps, 3, "(N, C, L) or (N, C, H, W)")
    if x.size and x[0, 0].size < 2:
        raise ValueError(
            "x must have more than one spatial element per channel: instance norm averages over "
            f"the spatial axes, got shape {x.shape}"
        )
    return x, eps


def instance_norm(x, gamma=None, beta=None, eps=1e-5):
    """Instance normalization: normalize each channel of each sample over its spatial positions.

    .. math:: \\mu_{nc} = \\frac{1}{M}\\sum_i x_{nci}, \\quad
              \\sigma_{nc}^2 = \\frac{1}{M}\\sum_i (x_{nci} - \\mu_{nc})^2, \\quad
              y_{nci} = \\gamma_c \\frac{x_{nci} - \\mu_{nc}}{\\sqrt{\\sigma_{nc}^2 + \\epsilon}}
              + \\beta_c

    with i running over the M spatial positions (L, or H times W). It is :func:`group_norm` with
    one channel per group. As ``torch.nn.functional.instance_norm`` with its defaults (statistics
    of the input itself, no running statistics); PyTorch's ``InstanceNorm1d/2d`` layers default to
    no ``gamma`` and ``beta`` (``affine=False``), here None. PyTorch refuses a spatial size of 1,
    and so does this function.

    Parameters
    ----------
    x : array_like, shape (N, C, L) or (N, C, H, W)
        Input, at least 3-D, with more than one spatial position.
    gamma, beta : array_like, shape (C,), optional
        Per-channel scale and shift; None means 1 and 0.
    eps : float, optional
        Added to the variance, > 0.

    Returns
    -------
    ndarray
        Same shape as ``x``.

    Examples
    --------
    >>> from lib.normalization import instance_norm
    >>> instance_norm([[[1.0, 3.0], [10.0, 50.0]]], eps=1e-12)       # N = 1, C = 2, L = 2
    array([[[-1.,  1.],
            [-1.,  1.]]])
    """
    x, eps = _instance_input(x, eps)
    gamma = _check_channel_param(gamma, "gamma", x)
    beta = _check_channel_param(beta, "beta", x)
    return _group_forward(x, x.shape[1], gamma, beta, eps)


def instance_norm_backward(x, dy, gamma=None, eps=1e-5):
    """Gradients of :func:`instance_norm` given the upstream gradient ``dy``.

    The formula of :func:`group_norm_backward` with one channel per group: the bars are means
    over the spatial positions of one channel of one sample.

    Parameters
    ----------
    x : array_like, shape (N, C, L) or (N, C, H, W)
        The input of the forward pass.
    dy : array_like, same shape as ``x``
        Gradient of the loss with respect to the output.
    gamma : array_like, shape (C,), optional
        The scale used in the forward pass (None means 1).
    eps : float, optional
        The ``eps`` used in the forward pass.

    Returns
    -------
    dx : ndarray, same shape as ``x``
    dgamma, dbeta : ndarray, shape (C,)
        Summed over every axis but axis 1 (returned even when ``gamma`` is None).

    Examples
    --------
    >>> import numpy as np
    >>> from lib.normalization import instance_norm_backward
    >>> dx, dgamma, dbeta = instance_norm_backward([[[1.0, 3.0]]], [[[1.0, 0.0]]], eps=1e-12)
    >>> np.round(dx, 6) + 0.0, dgamma, dbeta       # two values always normalize to (-1, 1)
    (array([[[0., 0.]]]), array([-1.]), array([1.]))
    """
    x, eps = _instance_input(x, eps)
    gamma = _check_channel_param(gamma, "gamma", x)
    return _group_backward(x, _check_dy(dy, x), x.shape[1], gamma, eps)


# --------------------------------------------------------------------------------------------------
# which axes: for a figure of all of them

_MIN_NDIM = {"batch": 2, "layer": 1, "rms": 1, "instance": 3, "group": 2}


def statistics_axes(method, ndim):
    """The axes that a normalization's mean and variance run over, for input with ``ndim`` axes.

    ==========  =================================  ==========================================
    method      axes                               for (N, C, H, W) input
    ==========  =================================  ==========================================
    "batch"     every axis but 1                   (0, 2, 3): each channel over N, H and W
    "layer"     the last axis                      (3,): ``layer_norm`` normalizes W only
    "rms"       the last axis                      (3,)
    "instance"  every axis after 1                 (2, 3): each sample's channel over H, W
    "group"     axis 1 and every axis after it     (1, 2, 3): but along axis 1 only within a
                                                   group of C/G channels
    ==========  =================================  ==========================================

    For (N, C) input batch norm runs over axis 0, layer and RMS norm over axis 1.
    :func:`shares_statistics` marks the elements of one slice, group boundaries included.

    Parameters
    ----------
    method : {"batch", "layer", "rms", "instance", "group"}
    ndim : int
        Number of axes of the input: at least 2 for batch and group norm, 3 for instance norm, 1
        for layer and RMS norm.

    Returns
    -------
    tuple of int

    Examples
    --------
    >>> from lib.normalization import statistics_axes
    >>> [statistics_axes(m, 4) for m in ("batch", "layer", "instance", "group")]
    [(0, 2, 3), (3,), (2, 3), (1, 2, 3)]
    >>> statistics_axes("batch", 2), statistics_axes("layer", 2)
    ((0,), (1,))
    """
    if method not in _MIN_NDIM:
        raise ValueError(f"method must be one of {sorted(_MIN_NDIM)}, got method={method!r}")
    if not _is_int(ndim) or ndim < _MIN_NDIM[method]:
        raise ValueError(
            f"ndim must be an integer >= {_MIN_NDIM[method]} for {method} norm, got ndim={ndim!r}"
        )
    ndim = int(ndim)
    return {
        "batch": (0, *range(2, ndim)),
        "layer": (ndim - 1,),
        "rms": (ndim - 1,),
        "instance": tuple(range(2, ndim)),
        "group": tuple(range(1, ndim)),
    }[method]


def shares_statistics(method, shape, index, num_groups=1):
    """Boolean array of ``shape``: True where an element shares its mean and variance with x[index].

    The elements marked are those whose outputs move when x[index] moves: one slice of
    :func:`statistics_axes`, cut at the group boundaries for group norm.

    Parameters
    ----------
    method : {"batch", "layer", "rms", "instance", "group"}
    shape : tuple of int
        Shape of the input.
    index : tuple of int
        One element of the input, one index per axis.
    num_groups : int, optional
        G, for group norm only; must divide ``shape[1]``.

    Returns
    -------
    ndarray of bool, shape ``shape``

    Examples
    --------
    >>> from lib.normalization import shares_statistics
    >>> shares_statistics("batch", (3, 2), (0, 1)).astype(int)        # one column
    array([[0, 1],
           [0, 1],
           [0, 1]])
    >>> shares_statistics("group", (1, 4, 2), (0, 1, 0), num_groups=2).astype(int)[0]
    array([[1, 1],
           [1, 1],
           [0, 0],
           [0, 0]])
    """
    shape = tuple(shape)
    axes = statistics_axes(method, len(shape))
    index = tuple(index)
    if len(index) != len(shape) or not all(0 <= i < n for i, n in zip(index, shape)):
        raise ValueError(f"index must name one element of shape {shape}, got index={index!r}")
    position = np.indices(shape, sparse=True)
    same = [position[a] == index[a] for a in range(len(shape)) if a not in axes]
    if method == "group":
        size = shape[1] // _check_num_groups(num_groups, shape[1])      # channels per group
        same.append(position[1] // size == index[1] // size)
    return functools.reduce(np.logical_and, same, np.ones(shape, bool))
