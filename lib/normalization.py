"""Normalization: of data, and of activations inside a network.

Data normalization (chapter 5, first half):

- :func:`standardize` -- z-scores, mean 0 and standard deviation 1 (not a [0, 1] range).
- :func:`min_max_scale` -- a linear map onto a range, [0, 1] by default.

Normalization layers (chapter 5, second half), each with its backward pass next to it:

- :class:`BatchNorm` -- per feature, over the batch; running statistics for inference.
- :func:`layer_norm`, :func:`layer_norm_backward` -- per sample, over the last axis.
- :func:`rms_norm`, :func:`rms_norm_backward` -- like layer norm without the centring.

Every function takes array_like input, keeps float32 as float32 (other non-float inputs are
computed in float64), returns a new array and never modifies the caller's.
"""

import numpy as np

from ._checks import as_float as _as_float, positive_finite

__all__ = [
    "standardize",
    "min_max_scale",
    "BatchNorm",
    "layer_norm",
    "layer_norm_backward",
    "rms_norm",
    "rms_norm_backward",
]


# --------------------------------------------------------------------------------------------------
# helpers


def _check_eps(eps):
    return positive_finite(eps, "eps")


def _power_of_two_scaled(x, axis):
    """``x`` times a power of two per slice along ``axis``, so the largest magnitude is in [0.5, 1).

    Multiplying by a power of two is exact, and afterwards every value lies in (-1, 1), so sums and
    squares can neither overflow nor (for the values that matter) underflow. z-scores and min-max
    scaling do not change when the data are multiplied by a constant, so they can be computed from
    the scaled values directly.
    """
    biggest = np.max(np.abs(x), axis=axis, keepdims=True, initial=0)
    _, exponent = np.frexp(biggest)
    return np.ldexp(x, -exponent)


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


def _last_axis_input(x, eps):
    """``x`` as a float array with at least one axis (normalized over its last), and a checked eps."""
    x = _as_float(x)
    if x.ndim == 0:
        raise ValueError("x must have at least one axis; normalization runs over its last axis")
    return x, _check_eps(eps)


def _backward_inputs(x, dy, gamma, eps):
    """x, eps and gamma checked as the forward pass checks them, and dy with x's shape and dtype."""
    x, eps = _last_axis_input(x, eps)
    dy = np.asarray(dy)
    if dy.shape != x.shape:
        raise ValueError(f"dy must have the shape of x {x.shape}, got {dy.shape}")
    return x, dy.astype(x.dtype, copy=False), _check_last_axis_param(gamma, "gamma", x), eps


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
    u = _power_of_two_scaled(x, axis)
    centred = u - np.mean(u, axis=axis, keepdims=True)
    std = np.sqrt(np.mean(centred * centred, axis=axis, keepdims=True))
    constant = np.max(x, axis=axis, keepdims=True) == np.min(x, axis=axis, keepdims=True)
    out = np.zeros_like(centred)
    np.divide(centred, std, out=out, where=~constant)
    return out


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
    u = _power_of_two_scaled(x, axis)
    u_min = np.min(u, axis=axis, keepdims=True)
    span = np.max(u, axis=axis, keepdims=True) - u_min
    t = np.zeros_like(u)
    np.divide(u - u_min, span, out=t, where=span > 0)
    return lo * (1 - t) + hi * t


# --------------------------------------------------------------------------------------------------
# batch normalization


class BatchNorm:
    """Batch normalization over the batch axis of an (N, C) array, with a hand-written backward.

    Training mode (``forward(x, training=True)``) normalizes each feature with the statistics of
    the current batch, then scales and shifts it:

    .. math:: \\mu_c = \\frac{1}{N}\\sum_n x_{nc}, \\quad
              \\sigma_c^2 = \\frac{1}{N}\\sum_n (x_{nc} - \\mu_c)^2, \\quad
              \\hat x_{nc} = \\frac{x_{nc} - \\mu_c}{\\sqrt{\\sigma_c^2 + \\epsilon}}, \\quad
              y_{nc} = \\gamma_c \\hat x_{nc} + \\beta_c

    and updates the running statistics, with the new batch weighted by ``momentum`` (PyTorch's
    convention) and the *unbiased* batch variance :math:`\\frac{N}{N-1}\\sigma_c^2`::

        running_mean = (1 - momentum) * running_mean + momentum * mu
        running_var  = (1 - momentum) * running_var  + momentum * sigma2 * N / (N - 1)

    Inference mode (``training=False``) uses ``running_mean`` and ``running_var`` in place of the
    batch statistics, so each sample's output no longer depends on the rest of its batch.

    Parameters
    ----------
    num_features : int
        C, the number of features (columns), >= 1.
    eps : float, optional
        Added to the variance before the square root, > 0.
    momentum : float, optional
        Weight of the new batch in the running statistics, in [0, 1]. 0 freezes them; 1 keeps
        only the latest batch.

    Attributes
    ----------
    gamma, beta : ndarray, shape (C,)
        Learnable scale (starts at 1) and shift (starts at 0). Assign new arrays to change them.
    running_mean, running_var : ndarray, shape (C,)
        Running statistics (start at 0 and 1), float64.
    dgamma, dbeta : ndarray, shape (C,) or None
        Gradients of the loss with respect to gamma and beta, set by :meth:`backward`.
    batch_mean, batch_var : ndarray, shape (C,) or None
        Mean and biased variance of the last training batch (None after an inference forward).
    x_hat : ndarray, shape (N, C) or None
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
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.1):
        is_int = isinstance(num_features, (int, np.integer)) and not isinstance(num_features, bool)
        if not is_int or num_features < 1:
            raise ValueError(
                f"num_features must be a positive integer, got num_features={num_features!r}"
            )
        try:
            momentum = float(momentum)
        except (TypeError, ValueError):
            raise ValueError(f"momentum must be a number in [0, 1], got momentum={momentum!r}") from None
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f"momentum must lie in [0, 1], got momentum={momentum!r}")
        self.num_features = int(num_features)
        self.eps = _check_eps(eps)
        self.momentum = momentum
        self.gamma = np.ones(self.num_features)
        self.beta = np.zeros(self.num_features)
        self.running_mean = np.zeros(self.num_features)
        self.running_var = np.ones(self.num_features)
        self.dgamma = None
        self.dbeta = None
        self.batch_mean = None
        self.batch_var = None
        self.x_hat = None
        self._inv_std = None
        self._training = None

    def __repr__(self):
        return (
            f"BatchNorm(num_features={self.num_features}, eps={self.eps:g}, "
            f"momentum={self.momentum:g})"
        )

    def forward(self, x, training=True):
        """Normalize ``x`` of shape (N, C); see the class docstring for the formulas.

        Parameters
        ----------
        x : array_like, shape (N, C)
            A batch. C must equal ``num_features``; in training N must be at least 2.
        training : bool, optional
            True: batch statistics, and the running statistics are updated. False: running
            statistics, nothing is updated.

        Returns
        -------
        ndarray, shape (N, C)
            ``gamma * x_hat + beta``, in ``x``'s float dtype.
        """
        x = _as_float(x)
        if x.ndim != 2:
            raise ValueError(f"x must be 2-D with shape (N, C), got an array of shape {x.shape}")
        n, c = x.shape
        if c != self.num_features:
            raise ValueError(
                f"x has {c} features (columns) but this layer has num_features={self.num_features}"
            )
        if training:
            if n < 2:
                raise ValueError(
                    f"training needs a batch size N >= 2, got N={n}: the variance of a single "
                    "sample is 0 and its unbiased estimate divides by N - 1 = 0. "
                    "Use a larger batch, or forward(x, training=False) to use the running statistics."
                )
            mean = np.mean(x, axis=0)
            centred = x - mean
            var = np.mean(centred * centred, axis=0)
            m = self.momentum
            self.running_mean = (1 - m) * self.running_mean + m * mean.astype(np.float64)
            unbiased = var.astype(np.float64) * (n / (n - 1))
            self.running_var = (1 - m) * self.running_var + m * unbiased
            self.batch_mean, self.batch_var = mean, var
        else:
            mean = self.running_mean.astype(x.dtype)
            var = self.running_var.astype(x.dtype)
            centred = x - mean
            self.batch_mean = self.batch_var = None
        self._inv_std = 1 / np.sqrt(var + x.dtype.type(self.eps))
        self.x_hat = centred * self._inv_std
        self._training = bool(training)
        gamma = np.asarray(self.gamma).astype(x.dtype, copy=False)
        beta = np.asarray(self.beta).astype(x.dtype, copy=False)
        return gamma * self.x_hat + beta

    __call__ = forward

    def backward(self, dy):
        """Gradient with respect to the input of the last :meth:`forward`; sets ``dgamma``, ``dbeta``.

        In training mode every output of a feature depends on every input of that feature through
        the batch mean and variance, which gives

        .. math:: \\frac{\\partial L}{\\partial x_{nc}} = \\frac{1}{N\\sqrt{\\sigma_c^2+\\epsilon}}
                  \\Big(N g_{nc} - \\sum_m g_{mc} - \\hat x_{nc} \\sum_m g_{mc}\\hat x_{mc}\\Big),
                  \\qquad g = \\gamma\\,\\frac{\\partial L}{\\partial y}.

        After an inference forward the statistics are constants and the gradient is simply
        ``gamma / sqrt(running_var + eps) * dy``.

        Parameters
        ----------
        dy : array_like, shape (N, C)
            Gradient of the loss with respect to the output of the last forward pass.

        Returns
        -------
        ndarray, shape (N, C)
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
        self.dbeta = np.sum(dy, axis=0)
        self.dgamma = np.sum(dy * x_hat, axis=0)
        g = dy * np.asarray(self.gamma).astype(x_hat.dtype, copy=False)
        if not self._training:
            return g * self._inv_std
        n = x_hat.shape[0]
        return (self._inv_std / n) * (n * g - np.sum(g, axis=0) - x_hat * np.sum(g * x_hat, axis=0))


# --------------------------------------------------------------------------------------------------
# layer normalization and RMS normalization


def _scaled_down(x, eps):
    """``x`` times 2**-k per sample (last axis) with k >= 0 chosen so every value is below 1, and
    ``eps`` times 4**-k to match, so that squares cannot overflow; k is returned too.

    Only large samples are scaled (k = 0 otherwise): normalizing ``u = x / 2**k`` with ``eps / 4**k``
    gives exactly the same x-hat, and the exact power of two changes no digit.
    """
    biggest = np.max(np.abs(x), axis=-1, keepdims=True, initial=0)
    _, exponent = np.frexp(np.where(np.isfinite(biggest), biggest, 0))
    k = np.maximum(exponent, 0)
    return np.ldexp(x, -k), np.ldexp(x.dtype.type(eps), -2 * k).astype(x.dtype), k


def _layer_norm_parts(x, eps):
    """x-hat and 1/sqrt(var + eps) over the last axis, without overflow for any finite x."""
    u, eps_u, k = _scaled_down(x, eps)
    centred = u - np.mean(u, axis=-1, keepdims=True)
    inv_std = 1 / np.sqrt(np.mean(centred * centred, axis=-1, keepdims=True) + eps_u)
    return centred * inv_std, np.ldexp(inv_std, -k).astype(x.dtype)


def layer_norm(x, gamma=None, beta=None, eps=1e-5):
    """Layer normalization: normalize each sample over its last axis, then scale and shift.

    .. math:: \\hat x_i = \\frac{x_i - \\mu}{\\sqrt{\\sigma^2 + \\epsilon}}, \\qquad
              y_i = \\gamma_i \\hat x_i + \\beta_i

    with the mean and biased variance taken over the last axis of each sample separately, so
    unlike batch normalization it behaves the same in training and inference and with a batch of
    one. Transformers use it (and :func:`rms_norm`) around every attention and feed-forward block.

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
    y, _ = _layer_norm_parts(x, eps)
    if gamma is not None:
        y *= gamma
    if beta is not None:
        y += beta
    return y


def layer_norm_backward(x, dy, gamma=None, eps=1e-5):
    """Gradients of :func:`layer_norm` given the upstream gradient ``dy``.

    With :math:`g = \\gamma\\,dy` and C the length of the last axis,

    .. math:: dx = \\frac{1}{C\\sqrt{\\sigma^2+\\epsilon}}
              \\Big(C g - \\sum_j g_j - \\hat x \\sum_j g_j \\hat x_j\\Big),

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
    c = x.shape[-1]
    if c == 0:
        return x.copy(), np.zeros(0, x.dtype), np.zeros(0, x.dtype)
    x_hat, inv_std = _layer_norm_parts(x, eps)
    batch_axes = tuple(range(x.ndim - 1))
    dgamma = np.sum(dy * x_hat, axis=batch_axes)
    dbeta = np.sum(dy, axis=batch_axes)
    g = dy if gamma is None else dy * gamma
    dx = (inv_std / c) * (
        c * g - np.sum(g, axis=-1, keepdims=True) - x_hat * np.sum(g * x_hat, axis=-1, keepdims=True)
    )
    return dx, dgamma, dbeta


def _rms_norm_parts(x, eps):
    """x-hat and 1/sqrt(mean(x^2) + eps) over the last axis, without overflow for any finite x."""
    u, eps_u, k = _scaled_down(x, eps)
    inv_rms = 1 / np.sqrt(np.mean(u * u, axis=-1, keepdims=True) + eps_u)
    return u * inv_rms, np.ldexp(inv_rms, -k).astype(x.dtype)


def rms_norm(x, gamma=None, eps=1e-6):
    """RMS normalization: divide each sample by its root mean square over the last axis.

    .. math:: y_i = \\gamma_i \\frac{x_i}{\\sqrt{\\frac{1}{C}\\sum_j x_j^2 + \\epsilon}}

    Layer normalization without subtracting the mean and without a shift: cheaper, and in
    practice about as good, which is why many recent transformers (LLaMA, for one) use it.

    Parameters
    ----------
    x : array_like, shape (..., C)
        Input, at least 1-D.
    gamma : array_like, shape (C,), optional
        Per-element scale of the last axis; None means 1.
    eps : float, optional
        Added to the mean square, > 0.

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
    """
    x, eps = _last_axis_input(x, eps)
    gamma = _check_last_axis_param(gamma, "gamma", x)
    if x.shape[-1] == 0:
        return x.copy()
    y, _ = _rms_norm_parts(x, eps)
    if gamma is not None:
        y *= gamma
    return y


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
    eps : float, optional
        The ``eps`` used in the forward pass.

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
    x, dy, gamma, eps = _backward_inputs(x, dy, gamma, eps)
    if x.shape[-1] == 0:
        return x.copy(), np.zeros(0, x.dtype)
    x_hat, inv_rms = _rms_norm_parts(x, eps)
    dgamma = np.sum(dy * x_hat, axis=tuple(range(x.ndim - 1)))
    g = dy if gamma is None else dy * gamma
    dx = inv_rms * (g - x_hat * np.mean(g * x_hat, axis=-1, keepdims=True))
    return dx, dgamma
