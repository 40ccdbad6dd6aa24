r"""Activation functions, their derivatives, softmax and log-softmax.

Every elementwise activation is one object ``f``:

* ``f(x, **params)`` is the value and ``f.derivative(x, **params)`` is df/dx, elementwise;
* ``f.name``, ``f.params`` (the defaults), ``f.formula`` and ``f.derivative_formula`` (LaTeX) describe it.

``ACTIVATIONS`` maps each name to its object, so explorers, tests and the network can loop over all of
them.

How numbers behave
------------------
* ``x`` is array_like. Float inputs keep their dtype (float16 and float32 stay); int and bool inputs are
  computed in float64. The result is always a new ``ndarray`` with the shape of ``x`` (a 0-d array for a
  scalar); the caller's array is never modified.
* No RuntimeWarning for any finite input, up to the largest float of the dtype, unless the true result
  itself overflows (``linear(x, c=2)`` at the largest float). NaN gives NaN, in values and derivatives;
  ``+-inf`` give the mathematical limits (``sigmoid(-inf) = 0``, ``elu(-inf) = -alpha``,
  ``swish(-inf) = 0``, ``relu.derivative(inf) = 1``).
* At a kink the derivative is the one PyTorch's autograd uses: ``relu'(0) = 0``,
  ``leaky_relu'(0) = negative_slope``, ``prelu'(0) = a``, ``elu'(0) = alpha``,
  ``selu'(0) = scale * alpha``.
* A bad parameter raises ``ValueError`` naming the parameter; an unknown one raises ``TypeError``.

How the code is written
-----------------------
Each formula is written so that no step can overflow: ``exp`` only ever sees ``-|x|`` (never a large
positive number), and the few places where an infinity would meet a zero (``-inf * 0`` in
``x * sigmoid(x)``) say so next to the line. The work is done in place, block by block (see
``Activation.__call__``), so that a call on ten million numbers does a handful of fast passes over data
that sits in the processor's cache instead of allocating one big temporary per operation. Exact GELU,
whose blocks cost far more arithmetic than memory traffic, hands large inputs' blocks to a few threads
(``lib._parallel``); each block is computed exactly as in one thread, so the result is the same to the
bit.
"""

import numpy as np
from scipy.special import ndtr  # Phi(x), the standard normal CDF (numpy has no erf)

from lib import _normal_cdf  # exact GELU for float16/float32 without ndtr's double-only loop
from lib import _parallel  # large inputs of compute-bound kernels split over a few threads

__all__ = [
    "Activation", "ACTIVATIONS", "softmax", "log_softmax",
    "step", "linear", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "softplus",
    "elu", "selu", "swish", "silu", "gelu",
]

_BLOCK = 1 << 16  # elements per block: a few of these fit in the processor's cache


def _as_float(x):
    """``x`` as an array of floats: float dtypes kept, int and bool promoted to float64."""
    x = np.asarray(x)
    if x.dtype.kind == "f":
        return x
    if x.dtype.kind in "biu":
        return x.astype(np.float64)
    if x.dtype.kind == "c":
        raise TypeError("complex input is not supported")
    return x.astype(np.float64)


def _propagate_nan(x, out):
    """Write NaN into ``out`` wherever ``x`` is NaN (for formulas built from comparisons)."""
    nan = np.isnan(x)
    if nan.any():
        out[np.broadcast_to(nan, out.shape)] = np.nan


def _neg_abs_exp(z, out):
    """out = exp(-|z|), which lies in [0, 1] and can never overflow."""
    np.abs(z, out=out)
    np.negative(out, out=out)
    return np.exp(out, out=out)


def _sigmoid_from(z, e, out):
    """out = 1 / (1 + exp(-z)), given e = exp(-|z|).

    For z > 0 this is 1 / (1 + e); for z <= 0 it is e / (1 + e). The numerator, 1 or e, is
    max(z > 0, e) because e <= 1; NaN in e carries through ``maximum``.
    """
    num = np.greater(z, 0, out=np.empty_like(e))
    np.maximum(num, e, out=num)
    np.add(e, 1, out=out)
    return np.divide(num, out, out=out)


def _sigmoid_slope_from(e, out):
    """out = sigmoid(z) * sigmoid(-z) = e / (1 + e)**2, given e = exp(-|z|) (no cancellation)."""
    den = np.add(e, 1)
    np.multiply(den, den, out=den)
    return np.divide(e, den, out=out)


def _scaled(x, beta):
    """beta * x. Beyond the dtype's maximum it becomes +-inf, which gives the right limits below."""
    if beta == 1:
        return x
    if beta == 0:  # 0 * inf would be NaN; the product is 0 for every number
        return np.where(np.isnan(x), x, x.dtype.type(0))
    with np.errstate(over="ignore"):
        return np.multiply(x, beta)


def _one_where_positive(x, rest, out):
    """out = 1 where x > 0, else ``rest`` (finite); NaN where x is NaN.

    Written as H + (1 - H) * rest with H = (x > 0), which is exact: 1 * 1 + 0 or 0 + 1 * rest.
    """
    h = np.greater(x, 0, out=np.empty(out.shape, out.dtype))
    np.multiply(rest, 1 - h, out=out)  # rest may be out itself: elementwise, so that is safe
    np.add(out, h, out=out)
    _propagate_nan(x, out)
    return out


class Activation:
    """An elementwise activation function together with its derivative.

    Subclasses set ``name``, ``params`` (parameter defaults), ``formula`` and ``derivative_formula``
    (LaTeX), and write ``_value(x, out, **params)`` and ``_derivative(x, out, **params)``, which fill
    ``out`` for a block of ``x``. ``_check(params)`` raises ``ValueError`` for a bad parameter.
    ``_threaded(params)`` is true where the kernels are compute-bound enough for large inputs to be
    worth spreading over a few threads (``lib._parallel``), the blocks being the same either way.
    """

    name = ""
    params = {}
    formula = ""
    derivative_formula = ""

    def __call__(self, x, **params):
        """The activation of ``x``: a new array with the shape of ``x`` (0-d for a scalar)."""
        return self._apply(self._value, x, params)

    def derivative(self, x, **params):
        """The derivative df/dx at ``x``, elementwise: a new array with the shape of ``x``."""
        return self._apply(self._derivative, x, params)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"<activation {self.name}({args})>"

    def _parameters(self, given):
        unknown = set(given) - set(self.params)
        if unknown:
            raise TypeError(f"{self.name}() got unknown parameter(s) {sorted(unknown)}; "
                            f"it takes {sorted(self.params) or 'none'}")
        params = {**self.params, **given}
        for key, value in params.items():
            if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
                if not np.isfinite(value):
                    raise ValueError(f"{key} must be finite, got {value!r}")
                params[key] = float(value)  # a Python float keeps float32 input float32
        self._check(params)
        return params

    def _check(self, params):
        """Raise ValueError naming a bad parameter (nothing to check by default)."""

    def _apply(self, kernel, x, params):
        """Run ``kernel`` block by block over x (and over any array parameter broadcast with it)."""
        params = self._parameters(params)
        x = _as_float(x)
        arrays = {k: v for k, v in params.items() if isinstance(v, np.ndarray)}
        if arrays:
            shape = np.broadcast_shapes(x.shape, *(v.shape for v in arrays.values()))
            x = np.broadcast_to(x, shape)
            arrays = {k: np.broadcast_to(v, shape).reshape(-1) for k, v in arrays.items()}
        out = np.empty(x.shape, x.dtype)
        flat_x, flat_out = x.reshape(-1), out.reshape(-1)

        def run(start, stop):  # the blocks from start to stop (both multiples of _BLOCK, or the end)
            block_params = dict(params)
            for begin in range(start, stop, _BLOCK):
                block = slice(begin, min(begin + _BLOCK, stop))
                block_params.update({k: v[block] for k, v in arrays.items()})
                kernel(flat_x[block], flat_out[block], **block_params)

        if self._threaded(params):
            _parallel.run_chunked(run, flat_x.size, grain=_BLOCK)  # the same blocks, on a few threads
        else:
            run(0, flat_x.size)
        return out

    def _threaded(self, params):
        """Whether large inputs are worth splitting over threads (compute-bound kernels only)."""
        return False


class Step(Activation):
    r"""Heaviside step: 1 where x >= threshold, else 0; derivative 0 everywhere.

    .. math:: f(x) = \begin{cases} 1 & x \ge \theta \\ 0 & x < \theta \end{cases}, \qquad f'(x) = 0

    Examples
    --------
    >>> step([-1.0, 0.0, 2.0])
    array([0., 1., 1.])
    >>> step([-1.0, 0.0, 2.0], threshold=1.0)
    array([0., 0., 1.])
    >>> step.derivative([-1.0, 0.0, 2.0])
    array([0., 0., 0.])
    """

    name = "step"
    params = {"threshold": 0.0}
    formula = r"f(x) = \begin{cases} 1 & x \ge \theta \\ 0 & x < \theta \end{cases}"
    derivative_formula = r"f'(x) = 0"

    def _value(self, x, out, threshold):
        np.greater_equal(x, threshold, out=out)
        _propagate_nan(x, out)

    def _derivative(self, x, out, threshold):
        out.fill(0)
        _propagate_nan(x, out)


class Linear(Activation):
    r"""Linear (identity when c = 1): f(x) = c x, f'(x) = c.

    Examples
    --------
    >>> linear([-1.0, 2.0], c=3.0)
    array([-3.,  6.])
    >>> linear.derivative([-1.0, 2.0], c=3.0)
    array([3., 3.])
    """

    name = "linear"
    params = {"c": 1.0}
    formula = r"f(x) = c\,x"
    derivative_formula = r"f'(x) = c"

    def _value(self, x, out, c):
        np.multiply(x, c, out=out)

    def _derivative(self, x, out, c):
        out.fill(c)
        _propagate_nan(x, out)


class Sigmoid(Activation):
    r"""Logistic sigmoid: f(x) = 1 / (1 + e^{-x}), f'(x) = f(x) (1 - f(x)).

    Computed from e = exp(-|x|), which cannot overflow: f(x) = 1 / (1 + e) for x > 0 and
    e / (1 + e) otherwise; the derivative is e / (1 + e)^2, which keeps its accuracy where
    1 - f(x) would cancel.

    Examples
    --------
    >>> np.round(sigmoid([-1.0, 0.0, 1.0]), 4)
    array([0.2689, 0.5   , 0.7311])
    >>> np.round(sigmoid.derivative([-1.0, 0.0, 1.0]), 4)
    array([0.1966, 0.25  , 0.1966])
    >>> sigmoid([-np.inf, np.inf, -1000.0])
    array([0., 1., 0.])
    """

    name = "sigmoid"
    formula = r"\sigma(x) = \frac{1}{1 + e^{-x}}"
    derivative_formula = r"\sigma'(x) = \sigma(x)\,\bigl(1 - \sigma(x)\bigr)"

    def _value(self, x, out):
        _sigmoid_from(x, _neg_abs_exp(x, out), out)

    def _derivative(self, x, out):
        _sigmoid_slope_from(_neg_abs_exp(x, out), out)


class Tanh(Activation):
    r"""Hyperbolic tangent: f(x) = tanh x, f'(x) = 1 - tanh^2 x = 4 e / (1 + e)^2 with e = exp(-2|x|).

    The second form of the derivative keeps its accuracy for large |x|, where 1 - tanh^2 x cancels.

    Examples
    --------
    >>> np.round(tanh([-1.0, 0.0, 1.0]), 4)
    array([-0.7616,  0.    ,  0.7616])
    >>> np.round(tanh.derivative([-1.0, 0.0, 1.0]), 4)
    array([0.42, 1.  , 0.42])
    """

    name = "tanh"
    formula = r"\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}"
    derivative_formula = r"\tanh'(x) = 1 - \tanh^2(x)"

    def _value(self, x, out):
        np.tanh(x, out=out)

    def _derivative(self, x, out):
        e = _neg_abs_exp(x, out)
        np.multiply(e, e, out=e)  # exp(-2|x|)
        _sigmoid_slope_from(e, out)
        np.multiply(out, 4, out=out)


class ReLU(Activation):
    r"""Rectified linear unit, with Keras's optional threshold and cap.

    f(x) = x where x > threshold, else 0; then capped at ``max_value`` when it is given.
    f'(x) = 1 where threshold < x < max_value, else 0 (so f'(0) = 0, as in PyTorch).

    Raises ``ValueError`` when ``max_value <= threshold`` (the linear piece would be empty).

    Examples
    --------
    >>> relu([-2.0, 0.0, 1.5, 8.0])
    array([0. , 0. , 1.5, 8. ])
    >>> relu([-2.0, 0.0, 1.5, 8.0], threshold=1.5, max_value=6.0)
    array([0., 0., 0., 6.])
    >>> relu.derivative([-2.0, 0.0, 1.5, 8.0])
    array([0., 0., 1., 1.])
    """

    name = "relu"
    params = {"threshold": 0.0, "max_value": None}
    formula = (r"f(x) = \begin{cases} \min(x, m) & x > \theta \\ 0 & x \le \theta \end{cases}")
    derivative_formula = r"f'(x) = \begin{cases} 1 & \theta < x < m \\ 0 & \text{otherwise} \end{cases}"

    def _check(self, params):
        if params["max_value"] is not None and params["max_value"] <= params["threshold"]:
            raise ValueError(f"max_value must be greater than threshold, got max_value="
                             f"{params['max_value']!r} and threshold={params['threshold']!r}")

    def _value(self, x, out, threshold, max_value):
        if threshold == 0:
            np.maximum(x, 0, out=out)
        else:
            np.copyto(out, x)
            out[x <= threshold] = 0
        if max_value is not None:
            np.minimum(out, max_value, out=out)

    def _derivative(self, x, out, threshold, max_value):
        np.greater(x, threshold, out=out)
        if max_value is not None:
            out[x >= max_value] = 0
        _propagate_nan(x, out)


class LeakyReLU(Activation):
    r"""Leaky ReLU: f(x) = x for x >= 0, negative_slope * x otherwise.

    f'(x) = 1 for x > 0, negative_slope for x <= 0 (at 0 as in PyTorch).

    Examples
    --------
    >>> leaky_relu([-2.0, 0.0, 3.0])
    array([-0.02,  0.  ,  3.  ])
    >>> leaky_relu.derivative([-2.0, 0.0, 3.0], negative_slope=0.1)
    array([0.1, 0.1, 1. ])
    """

    name = "leaky_relu"
    params = {"negative_slope": 0.01}
    formula = r"f(x) = \begin{cases} x & x \ge 0 \\ \alpha x & x < 0 \end{cases}"
    derivative_formula = r"f'(x) = \begin{cases} 1 & x > 0 \\ \alpha & x \le 0 \end{cases}"

    def _value(self, x, out, negative_slope):
        _leaky(x, negative_slope, out)

    def _derivative(self, x, out, negative_slope):
        _one_where_positive(x, negative_slope, out)


def _leaky(x, slope, out):
    """out = x for x >= 0, slope * x for x < 0 (slope a number or an array shaped like x)."""
    if np.ndim(slope) == 0 and 0 < slope <= 1:
        # max(x, slope * x) picks x for x >= 0 and slope * x for x < 0
        np.multiply(x, slope, out=out)
        np.maximum(out, x, out=out)
        return
    np.minimum(x, 0, out=out)
    nonzero = np.not_equal(slope, 0)  # slope 0 must give 0 even at x = -inf (not -inf * 0)
    np.multiply(out, slope, out=out, where=nonzero)
    np.copyto(out, 0, where=~nonzero)
    out += np.maximum(x, 0)


class PReLU(Activation):
    r"""Parametric ReLU: leaky ReLU whose slope ``a`` is learned.

    f(x) = x for x >= 0, a x otherwise; ``a`` is a number or an array broadcastable to ``x`` (the
    result then has the broadcast shape). f'(x) = 1 for x > 0 and a for x <= 0.
    ``prelu.derivative_a(x, a)`` is df/da = min(x, 0), to train ``a`` (sum it over the axes
    that ``a`` is broadcast along).

    Examples
    --------
    >>> prelu([-2.0, 3.0])
    array([-0.5,  3. ])
    >>> prelu([[-2.0, -2.0]], a=np.array([0.1, 0.2]))
    array([[-0.2, -0.4]])
    >>> prelu.derivative([-2.0, 0.0, 3.0], a=0.3)
    array([0.3, 0.3, 1. ])
    >>> prelu.derivative_a([-2.0, 0.0, 3.0], a=0.3)
    array([-2.,  0.,  0.])
    """

    name = "prelu"
    params = {"a": 0.25}
    formula = r"f(x) = \begin{cases} x & x \ge 0 \\ a x & x < 0 \end{cases}"
    derivative_formula = r"f'(x) = \begin{cases} 1 & x > 0 \\ a & x \le 0 \end{cases}"
    derivative_a_formula = r"\frac{\partial f}{\partial a} = \min(x, 0)"

    def _parameters(self, given):
        params = super()._parameters(given)
        a = params["a"]
        if not isinstance(a, float):
            a = np.asarray(a)
            if a.dtype.kind not in "biuf":
                raise ValueError(f"a must be a number or an array of numbers, got {a.dtype}")
            if not np.isfinite(a).all():
                raise ValueError("a must be finite")
            params["a"] = float(a) if a.ndim == 0 else a
        return params

    def _apply(self, kernel, x, params):
        a = params.get("a")
        if isinstance(a, np.ndarray) or (a is not None and not np.isscalar(a)):
            # an array slope takes the dtype of x, so float32 stays float32
            params = {**params, "a": np.asarray(a, dtype=_as_float(x).dtype)}
        return super()._apply(kernel, x, params)

    def _value(self, x, out, a):
        _leaky(x, a, out)

    def _derivative(self, x, out, a):
        _one_where_positive(x, a, out)

    def derivative_a(self, x, a=0.25):
        """df/da = min(x, 0): x where x < 0, else 0 (NaN for NaN), in the broadcast shape of x and a."""
        return self._apply(self._derivative_a, x, {"a": a})

    def _derivative_a(self, x, out, a):
        np.minimum(x, 0, out=out)


class Softplus(Activation):
    r"""Softplus: f(x) = (1/beta) log(1 + e^{beta x}), and x itself where beta x > threshold.

    The switch to x at ``threshold`` is PyTorch's convention (there, the two differ by less than
    e^{-threshold} / beta). Computed as max(x, 0) + log1p(e^{-|beta x|}) / beta, which never
    overflows. f'(x) = sigmoid(beta x), and 1 where beta x > threshold. ``beta`` must be positive.

    Examples
    --------
    >>> np.round(softplus([-1.0, 0.0, 1.0]), 4)
    array([0.3133, 0.6931, 1.3133])
    >>> np.round(softplus([-1.0, 0.0, 1.0], beta=2.0), 4)
    array([0.0635, 0.3466, 1.0635])
    >>> softplus([-1000.0, 1000.0])
    array([   0., 1000.])
    >>> np.round(softplus.derivative([-1.0, 0.0, 1.0]), 4)
    array([0.2689, 0.5   , 0.7311])
    """

    name = "softplus"
    params = {"beta": 1.0, "threshold": 20.0}
    formula = r"f(x) = \frac{1}{\beta}\log\bigl(1 + e^{\beta x}\bigr)"
    derivative_formula = r"f'(x) = \sigma(\beta x) = \frac{1}{1 + e^{-\beta x}}"

    def _check(self, params):
        if params["beta"] <= 0:
            raise ValueError(f"beta must be positive, got {params['beta']!r}")

    def _value(self, x, out, beta, threshold):
        z = _scaled(x, beta)
        e = _neg_abs_exp(z, np.empty_like(x))  # e^{-|beta x|}
        if threshold >= 0:
            e *= z <= threshold  # beyond the threshold the log1p term is dropped: f(x) = x exactly
        np.log1p(e, out=e)
        if beta != 1:
            e /= beta
        np.maximum(x, 0, out=out)
        out += e
        if threshold < 0:
            np.copyto(out, x, where=z > threshold)

    def _derivative(self, x, out, beta, threshold):
        z = _scaled(x, beta)
        e = _neg_abs_exp(z, np.empty_like(x))
        if threshold >= 0:
            e *= z <= threshold  # e = 0 gives sigmoid = 1 beyond the threshold
        _sigmoid_from(z, e, out)
        if threshold < 0:
            np.copyto(out, 1, where=z > threshold)


class ELU(Activation):
    r"""Exponential linear unit: f(x) = x for x > 0, alpha (e^x - 1) otherwise.

    f'(x) = 1 for x > 0, alpha e^x for x <= 0 (so f'(0) = alpha, as in PyTorch).
    Computed as max(x, 0) + alpha expm1(min(x, 0)): no overflow, and f(-inf) = -alpha.

    Examples
    --------
    >>> np.round(elu([-1.0, 0.0, 2.0]), 4)
    array([-0.6321,  0.    ,  2.    ])
    >>> np.round(elu.derivative([-1.0, 0.0, 2.0], alpha=0.5), 4)
    array([0.1839, 0.5   , 1.    ])
    """

    name = "elu"
    params = {"alpha": 1.0}
    formula = r"f(x) = \begin{cases} x & x > 0 \\ \alpha\,(e^{x} - 1) & x \le 0 \end{cases}"
    derivative_formula = r"f'(x) = \begin{cases} 1 & x > 0 \\ \alpha\,e^{x} & x \le 0 \end{cases}"

    def _value(self, x, out, alpha, scale=1.0):
        np.minimum(x, 0, out=out)
        np.expm1(out, out=out)
        np.multiply(out, alpha * scale, out=out)
        pos = np.maximum(x, 0)
        if scale != 1:
            pos *= scale
        out += pos

    def _derivative(self, x, out, alpha, scale=1.0):
        np.minimum(x, 0, out=out)
        np.exp(out, out=out)
        if alpha == 1:  # exp(min(x, 0)) is already 1 for x > 0
            _propagate_nan(x, out)
        else:
            np.multiply(out, alpha, out=out)
            _one_where_positive(x, out, out)
        if scale != 1:
            out *= scale


class SELU(ELU):
    r"""Scaled ELU with the self-normalizing constants: f(x) = scale * elu(x, alpha).

    alpha = 1.6732632423543772848170429916717 and scale = 1.0507009873554804934193349852946
    (Klambauer et al., 2017); f'(0) = scale * alpha, as in PyTorch.

    Examples
    --------
    >>> np.round(selu([-1.0, 0.0, 2.0]), 4)
    array([-1.1113,  0.    ,  2.1014])
    >>> np.round(selu.derivative([-1.0, 0.0, 2.0]), 4)
    array([0.6468, 1.7581, 1.0507])
    """

    name = "selu"
    params = {}
    alpha = 1.6732632423543772848170429916717
    scale = 1.0507009873554804934193349852946
    formula = r"f(x) = \lambda \begin{cases} x & x > 0 \\ \alpha\,(e^{x} - 1) & x \le 0 \end{cases}"
    derivative_formula = r"f'(x) = \lambda \begin{cases} 1 & x > 0 \\ \alpha\,e^{x} & x \le 0 \end{cases}"

    def _value(self, x, out):
        super()._value(x, out, self.alpha, self.scale)

    def _derivative(self, x, out):
        super()._derivative(x, out, self.alpha, self.scale)


class Swish(Activation):
    r"""Swish: f(x) = x sigmoid(beta x); ``silu`` is swish with beta = 1.

    f'(x) = s + beta x s (1 - s) with s = sigmoid(beta x). ``beta`` may be any real number
    (beta = 0 gives x / 2; a negative beta mirrors the curve). The limits are taken at +-inf:
    f(-inf) = 0 and f'(-inf) = 0 for beta > 0.

    Examples
    --------
    >>> np.round(swish([-1.0, 0.0, 1.0]), 4)
    array([-0.2689,  0.    ,  0.7311])
    >>> np.round(swish([-1.0, 0.0, 1.0], beta=2.0), 4)
    array([-0.1192,  0.    ,  0.8808])
    >>> np.round(swish.derivative([-1.0, 0.0, 1.0]), 4)
    array([0.0723, 0.5   , 0.9277])
    >>> swish([-np.inf, np.inf])
    array([ 0., inf])
    """

    name = "swish"
    params = {"beta": 1.0}
    formula = r"f(x) = x\,\sigma(\beta x) = \frac{x}{1 + e^{-\beta x}}"
    derivative_formula = r"f'(x) = \sigma(\beta x) + \beta x\,\sigma(\beta x)\bigl(1 - \sigma(\beta x)\bigr)"

    def _value(self, x, out, beta=1.0):
        z = _scaled(x, beta)
        s = _sigmoid_from(z, _neg_abs_exp(z, out), out)
        # x * s, except where s == 0: there the value is 0 (x may be -inf, and -inf * 0 is NaN)
        np.multiply(x, s, out=out, where=s != 0)

    def _derivative(self, x, out, beta=1.0):
        z = _scaled(x, beta)
        e = _neg_abs_exp(z, np.empty_like(x))
        _sigmoid_from(z, e, out)
        g = _sigmoid_slope_from(e, e)  # s (1 - s)
        np.multiply(g, z, out=g, where=g != 0)  # z * s (1 - s); 0 where s (1 - s) == 0, even at z = +-inf
        out += g


class SiLU(Swish):
    r"""Sigmoid linear unit: f(x) = x sigmoid(x), which is swish with beta = 1.

    Examples
    --------
    >>> np.round(silu([-1.0, 0.0, 1.0]), 4)
    array([-0.2689,  0.    ,  0.7311])
    """

    name = "silu"
    params = {}
    formula = r"f(x) = x\,\sigma(x) = \frac{x}{1 + e^{-x}}"
    derivative_formula = r"f'(x) = \sigma(x)\bigl(1 + x\,(1 - \sigma(x))\bigr)"


class GELU(Activation):
    r"""Gaussian error linear unit: f(x) = x Phi(x), Phi the standard normal CDF.

    With ``approximate="tanh"``: f(x) = x/2 (1 + tanh(k (x + 0.044715 x^3))), k = sqrt(2/pi),
    computed as x sigmoid(2 k (x + 0.044715 x^3)), which is the same function without cancellation.
    f'(x) = Phi(x) + x phi(x) (exact), and the derivative of the tanh form for "tanh".

    Examples
    --------
    >>> np.round(gelu([-1.0, 0.0, 1.0]), 4)
    array([-0.1587,  0.    ,  0.8413])
    >>> np.round(gelu([-1.0, 0.0, 1.0], approximate="tanh"), 4)
    array([-0.1588,  0.    ,  0.8412])
    >>> np.round(gelu.derivative([-1.0, 0.0, 1.0]), 4)
    array([-0.0833,  0.5   ,  1.0833])
    """

    name = "gelu"
    params = {"approximate": "none"}
    formula = r"f(x) = x\,\Phi(x) = \frac{x}{2}\Bigl(1 + \operatorname{erf}\bigl(x/\sqrt{2}\bigr)\Bigr)"
    derivative_formula = r"f'(x) = \Phi(x) + x\,\varphi(x), \quad \varphi(x) = \frac{e^{-x^2/2}}{\sqrt{2\pi}}"

    _K = float(np.sqrt(2 / np.pi))
    _INV_SQRT_2PI = float(1 / np.sqrt(2 * np.pi))
    _C = 0.044715
    _CLIP = 30.0  # beyond |x| = 30 the tanh form's sigmoid is exactly 0 or 1 in every dtype

    def _threaded(self, params):
        return params["approximate"] == "none"  # ndtr, or exp and a rational function: compute-bound

    def _check(self, params):
        if params["approximate"] not in ("none", "tanh"):
            raise ValueError(f'approximate must be "none" or "tanh", got {params["approximate"]!r}')

    def _value(self, x, out, approximate):
        if approximate == "none" and x.dtype.itemsize <= 4:
            _normal_cdf.gelu(x, out)  # float16/float32: a rational tail in float64, ~1 ulp
            return
        if approximate == "none":
            s = ndtr(x, out=out)
        else:
            v = self._tanh_argument(x)
            s = _sigmoid_from(v, _neg_abs_exp(v, out), out)
        np.multiply(x, s, out=out, where=s != 0)  # 0 where Phi == 0, even at x = -inf

    def _derivative(self, x, out, approximate):
        if approximate == "none" and x.dtype.itemsize <= 4:
            _normal_cdf.gelu_derivative(x, out)
            return
        if approximate == "none":
            # phi(x) = exp(-x^2 / 2) / sqrt(2 pi); |x| capped at 64 so x^2 cannot overflow
            # (exp(-64^2 / 2) is 0 in every dtype)
            t = np.minimum(np.abs(x), 64)
            np.multiply(t, t, out=t)
            np.multiply(t, -0.5, out=t)
            np.exp(t, out=t)
            np.multiply(t, self._INV_SQRT_2PI, out=t)
            ndtr(x, out=out)
        else:
            # v = 2 k (x + c x^3); f = x sigmoid(v); f' = sigmoid(v) + x sigmoid'(v) 2 k (1 + 3 c x^2)
            v = self._tanh_argument(x)
            t = _neg_abs_exp(v, np.empty_like(x))
            _sigmoid_from(v, t, out)
            _sigmoid_slope_from(t, t)
            xc = np.clip(x, -self._CLIP, self._CLIP)
            np.multiply(xc, xc, out=xc)
            np.multiply(xc, 3 * self._C, out=xc)
            np.add(xc, 1, out=xc)
            np.multiply(xc, 2 * self._K, out=xc)
            t *= xc
        np.multiply(t, x, out=t, where=t != 0)  # x * phi(x): 0 where phi == 0, even at x = +-inf
        out += t

    def _tanh_argument(self, x):
        """v = 2 k (x + c x^3) with x clipped to +-30 (so x^3 cannot overflow, even in float16)."""
        v = np.clip(x, -self._CLIP, self._CLIP)
        cube = np.multiply(v, v)
        np.multiply(cube, self._C, out=cube)
        np.add(cube, 1, out=cube)
        np.multiply(v, cube, out=v)
        np.multiply(v, 2 * self._K, out=v)
        return v


class _Softmax:
    r"""Softmax along an axis: p_i = exp(z_i / T) / sum_j exp(z_j / T).

    ``softmax(z, axis=-1, temperature=1.0)``. The largest logit is subtracted first, so logits of any
    magnitude work and ``-inf`` entries get probability 0. A slice whose entries are all ``-inf`` (or
    that holds ``+inf`` or NaN) gives NaN, as in PyTorch and scipy. ``temperature`` must be positive.

    ``softmax.jacobian(z, temperature=1.0)`` is dp/dz over the last axis, of shape (..., n, n):
    (diag(p) - p p^T) / T. ``softmax.vjp(z, dp, axis=-1, temperature=1.0)`` is the backward pass
    dp^T J = p * (dp - sum(dp * p)) / T, without forming the matrix.

    Examples
    --------
    >>> np.round(softmax([1.0, 2.0, 3.0]), 4)
    array([0.09  , 0.2447, 0.6652])
    >>> np.round(softmax([1.0, 2.0, 3.0], temperature=10.0), 4)
    array([0.3006, 0.3322, 0.3672])
    >>> softmax([1000.0, 0.0, -np.inf])
    array([1., 0., 0.])
    >>> np.round(softmax.jacobian([0.0, 0.0]), 4)
    array([[ 0.25, -0.25],
           [-0.25,  0.25]])
    """

    name = "softmax"
    formula = r"\operatorname{softmax}(z)_i = \frac{e^{z_i / T}}{\sum_j e^{z_j / T}}"
    derivative_formula = (r"\frac{\partial p_i}{\partial z_j} = \frac{1}{T}\,p_i\,(\delta_{ij} - p_j)")

    def __repr__(self):
        return "<softmax(z, axis=-1, temperature=1.0)>"

    def __call__(self, z, axis=-1, temperature=1.0):
        """Softmax of ``z / temperature`` along ``axis``: a new array shaped like ``z``."""
        out = _shifted(z, axis, temperature)
        np.exp(out, out=out)
        out /= out.sum(axis=axis, keepdims=True)
        return out

    def jacobian(self, z, temperature=1.0):
        """dp/dz over the last axis: an array of shape z.shape + (n,), (diag(p) - p p^T) / T."""
        p = self(z, axis=-1, temperature=temperature)
        jac = -p[..., :, None] * p[..., None, :]
        diagonal = np.einsum("...ii->...i", jac)  # a writable view of the diagonal
        diagonal += p
        jac /= temperature
        return jac

    def vjp(self, z, dp, axis=-1, temperature=1.0):
        """The backward pass: dL/dz = p * (dp - sum(dp * p)) / T, given dp = dL/dp."""
        p = self(z, axis=axis, temperature=temperature)
        dp = np.asarray(dp, dtype=p.dtype)
        dz = dp - (dp * p).sum(axis=axis, keepdims=True)
        dz *= p
        dz /= temperature
        return dz


def _check_temperature(temperature):
    if not np.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a positive finite number, got {temperature!r}")
    return float(temperature)


def _shifted(z, axis, temperature):
    """(z - max(z)) / T along ``axis``, as a new float array (the step that makes softmax stable)."""
    temperature = _check_temperature(temperature)
    z = _as_float(z)
    peak = np.max(z, axis=axis, keepdims=True) if z.size else z.max(axis=axis, keepdims=True, initial=0)
    # -max - max overflows to -inf, whose exp is exactly the 0 it should be; a slice of only -inf
    # (or holding +inf) gives inf - inf = NaN, which is the documented answer
    with np.errstate(over="ignore", invalid="ignore"):
        out = np.subtract(z, peak)
    if temperature != 1:
        out /= temperature
    return out


def log_softmax(z, axis=-1, temperature=1.0):
    r"""log(softmax(z / T)) along ``axis``, computed as s - log(sum(exp(s))) with s = (z - max z) / T.

    Finite where ``np.log(softmax(z))`` would be ``-inf`` (a logit far below the others).

    Examples
    --------
    >>> np.round(log_softmax([1.0, 2.0, 3.0]), 4)
    array([-2.4076, -1.4076, -0.4076])
    >>> log_softmax([0.0, -1000.0])
    array([    0., -1000.])
    """
    out = _shifted(z, axis, temperature)
    total = np.exp(out).sum(axis=axis, keepdims=True)
    out -= np.log(total)
    return out


step = Step()
linear = Linear()
sigmoid = Sigmoid()
tanh = Tanh()
relu = ReLU()
leaky_relu = LeakyReLU()
prelu = PReLU()
softplus = Softplus()
elu = ELU()
selu = SELU()
swish = Swish()
silu = SiLU()
gelu = GELU()
softmax = _Softmax()

ACTIVATIONS = {f.name: f for f in
               (step, linear, sigmoid, tanh, relu, leaky_relu, prelu, softplus, elu, selu, swish, gelu,
                silu)}
