r"""Activation functions, their derivatives, softmax and log-softmax.

Every elementwise activation is one object ``f``:

* ``f(x, **params)`` is the value and ``f.derivative(x, **params)`` is df/dx, elementwise;
* ``f.name``, ``f.params`` (the defaults), ``f.formula`` and ``f.derivative_formula`` (LaTeX) describe it;
* ``f.range`` (its output range for the default parameters, as text), ``f.used_in`` (where it is used),
  ``f.torch_name`` and ``f.keras_name`` (the same function in PyTorch and Keras 3, or ``"none"``) and
  ``f.taught`` (whether chapter 1's catalogue teaches it) are what the appendix's table is made of.

``ACTIVATIONS`` maps each name of chapter 1's catalogue (the twelve and ``silu``) to its object, so
explorers, tests and the network can loop over them. ``ALL_ACTIVATIONS`` holds every elementwise
activation here: the catalogue and eleven more of the functions a learner meets in PyTorch and Keras
(hardtanh, relu6, hardsigmoid, hardswish, mish, celu, softsign, logsigmoid, tanhshrink, softshrink,
hardshrink). The frameworks offer others still (PyTorch's ``RReLU``, Keras' ``squareplus``).

How numbers behave
------------------
* ``x`` is array_like. Float inputs keep their dtype (float16 and float32 stay); int and bool inputs are
  computed in float64, float16 inputs in float32 (rounded to float16 once, at the end). The result is
  always a new ``ndarray`` with the shape of ``x`` (a 0-d array for a scalar); the caller's array is
  never modified.
* No RuntimeWarning for any finite input, up to the largest float of the dtype, unless the true result
  itself overflows (``linear(x, c=2)`` at the largest float). NaN gives NaN, in values and derivatives;
  ``+-inf`` give the mathematical limits (``sigmoid(-inf) = 0``, ``elu(-inf) = -alpha``,
  ``swish(-inf) = 0``, ``relu.derivative(inf) = 1``).
* At a kink the derivative is the one PyTorch's autograd uses (PyTorch 2.13, which the tests compare
  with): ``relu'(0) = 0``, ``leaky_relu'(0) = negative_slope``, ``prelu'(0) = a``,
  ``elu'(0) = alpha``, ``selu'(0) = scale * alpha``, and 0 at both ends of a clipped piece
  (``hardtanh``, ``relu6``, ``hardsigmoid``, ``softshrink``, ``hardshrink``); each class says its
  own. ``hardswish`` is the one whose value there has changed between PyTorch versions.
* A bad parameter raises ``ValueError`` naming the parameter; an unknown one raises ``TypeError``.

How the code is written
-----------------------
Each value and derivative is one short whole-array numpy expression that reads like its formula, next to
the formula. Stability comes from the way a formula is written, not from special cases: ``exp`` and
``expm1`` only ever see arguments <= 0, so they cannot overflow (``e = exp(-|x|)`` lies in (0, 1];
ELU's ``expm1(min(x, 0))``; softmax's logits shifted by their maximum), and where an infinity would
meet a zero (``-inf * 0`` in ``x * sigmoid(x)``) the zero wins (``_x_times``). A formula of two
pieces picks them with ``np.where`` (``np.where(x > 0, 1, a)`` is 1 for x > 0 and a otherwise); an
indicator such as a clipped piece's slope is a comparison, whose True and False count as 1 and 0.
Nothing here is written for speed.
"""

import numpy as np
from scipy.special import ndtr  # Phi(x), the standard normal CDF (numpy has no erf)

from lib._checks import as_float

__all__ = [
    "Activation", "ACTIVATIONS", "ALL_ACTIVATIONS", "softmax", "log_softmax",
    "step", "linear", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "softplus",
    "elu", "selu", "swish", "silu", "gelu",
    "hardtanh", "relu6", "hardsigmoid", "hardswish", "mish", "celu", "softsign", "logsigmoid",
    "tanhshrink", "softshrink", "hardshrink",
]


# -- the pieces several formulas share ---------------------------------------------------------------

def _x_times(x, s):
    """x * s, taken as 0 wherever s is 0: the limit 0, where x = -inf would give -inf * 0 = NaN.

    ``s`` is a factor that goes to 0 as x goes to an infinity (sigmoid(x) in swish, Phi(x) in GELU, a
    slope of 0), so 0 is the right value of the product there.
    """
    if np.ndim(s) == 0:  # a number: 0 gives 0 everywhere, even at x = +-inf
        return x * s if s != 0 else np.zeros_like(x)
    return np.where(s == 0, 0, x) * s


def _scaled(x, beta):
    """beta * x for the argument of a sigmoid or softplus (beta = 0 gives 0, even at x = +-inf).

    Past the dtype's largest number the product becomes +-inf; that is not silenced by accident: every
    formula that takes it (e^{-|beta x|} = 0, sigmoid = 0 or 1) then gives the true limit.
    """
    if beta == 0:
        return np.zeros_like(x)
    with np.errstate(over="ignore"):  # beta x beyond the largest float: +-inf, whose limits are right
        return beta * x


def _working(x):
    """The array a formula works on: float16 is computed in float32 (and rounded once, at the end)."""
    return x.astype(np.float32) if x.dtype == np.float16 else x


class Activation:
    """An elementwise activation function together with its derivative.

    Subclasses set ``name``, ``params`` (parameter defaults), ``formula`` and ``derivative_formula``
    (LaTeX), the appendix's ``range``, ``used_in``, ``torch_name``, ``keras_name`` and ``taught``, and
    write the two formulas ``_f(x, **params)`` and ``_df(x, **params)`` as numpy expressions.
    ``_check(params)`` raises ``ValueError`` for a bad parameter. This class does the rest: unknown and
    non-finite parameters, ``x`` as a float array, NaN in -> NaN out, and the dtype and type of the result.
    """

    name = ""
    params = {}
    formula = ""
    derivative_formula = ""
    range = ""  # the output range for the default parameters, e.g. "(0, 1)"
    used_in = ""  # where the function is used, one phrase
    torch_name = "none"  # the same function in PyTorch
    keras_name = "none"  # the same function in Keras 3
    taught = False  # True for the catalogue of chapter 1 (the functions in ACTIVATIONS)

    def __call__(self, x, **params):
        """The activation of ``x``: a new array with the shape of ``x`` (0-d for a scalar)."""
        x, params = self._inputs(x, params)
        return self._output(self._f(_working(x), **params), x)

    def derivative(self, x, **params):
        """The derivative df/dx at ``x``, elementwise: a new array with the shape of ``x``."""
        x, params = self._inputs(x, params)
        return self._output(self._df(_working(x), **params), x)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"<activation {self.name}({args})>"

    def _inputs(self, x, given):
        """``x`` as a float array, and the parameters: the defaults updated by ``given``, checked."""
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
        return as_float(x), params

    def _check(self, params):
        """Raise ValueError naming a bad parameter (nothing to check by default)."""

    @staticmethod
    def _output(y, x):
        """``y`` as an ndarray of the dtype of ``x`` (a comparison's bool becomes 0 or 1), NaN wherever
        ``x`` is NaN: the comparisons of a piecewise formula (``x > 0``) are False for NaN and would
        pick a piece."""
        y = np.asarray(y).astype(x.dtype, copy=False)  # every formula returns a new array: ours to keep
        nan = np.isnan(x)
        return np.where(nan, x, y) if nan.any() else y


# -- chapter 1's catalogue ---------------------------------------------------------------------------

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
    range = "{0, 1}"
    used_in = "the first perceptrons; not trainable by gradient descent"
    torch_name = "torch.heaviside"
    taught = True

    def _f(self, x, threshold):
        return x >= threshold  # True and False become 1 and 0

    def _df(self, x, threshold):
        return np.zeros_like(x)


class Linear(Activation):
    r"""Linear (identity when c = 1): f(x) = c x, f'(x) = c.

    .. math:: f(x) = c\,x, \qquad f'(x) = c

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
    range = "(-inf, inf)"
    used_in = "the output layer of a regression"
    torch_name = "torch.nn.Identity"
    keras_name = "keras.activations.linear"
    taught = True

    def _f(self, x, c):
        return c * x

    def _df(self, x, c):
        return np.full_like(x, c)


class Sigmoid(Activation):
    r"""Logistic sigmoid: f(x) = 1 / (1 + e^{-x}), f'(x) = f(x) (1 - f(x)).

    .. math:: \sigma(x) = \frac{1}{1 + e^{-x}}, \qquad \sigma'(x) = \sigma(x)\bigl(1 - \sigma(x)\bigr)

    Computed from e = exp(-|x|), which never overflows: sigma(x) = 1 / (1 + e) for x >= 0 and
    e / (1 + e) for x < 0 (top and bottom multiplied by e^x). The derivative is e / (1 + e)^2, which
    keeps its accuracy where 1 - sigma(x) would cancel.

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
    range = "(0, 1)"
    used_in = "binary outputs, and the gates of LSTM and GRU cells"
    torch_name = "torch.sigmoid"
    keras_name = "keras.activations.sigmoid"
    taught = True

    @staticmethod
    def _f(x):
        e = np.exp(-np.abs(x))  # in (0, 1]: never overflows
        return np.where(x >= 0, 1, e) / (1 + e)  # 1 / (1 + e^-x) for x >= 0, e^x / (1 + e^x) below

    @staticmethod
    def _df(x):
        e = np.exp(-np.abs(x))
        return e / (1 + e) ** 2


_sigmoid, _sigmoid_slope = Sigmoid._f, Sigmoid._df  # for the formulas below that contain a sigmoid


class Tanh(Activation):
    r"""Hyperbolic tangent: f(x) = tanh x, f'(x) = 1 - tanh^2 x = sech^2 x.

    .. math:: \tanh'(x) = 1 - \tanh^2(x) = \operatorname{sech}^2(x)
              = \Bigl(\frac{2e}{1 + e^2}\Bigr)^2, \quad e = e^{-|x|}

    The last form keeps its accuracy for large |x|, where 1 - tanh^2 x cancels, and cannot overflow.

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
    range = "(-1, 1)"
    used_in = "recurrent cells (LSTM, GRU) and bounded hidden states"
    torch_name = "torch.tanh"
    keras_name = "keras.activations.tanh"
    taught = True

    def _f(self, x):
        return np.tanh(x)

    def _df(self, x):
        e = np.exp(-np.abs(x))
        return (2 * e / (1 + e**2)) ** 2  # sech(x) = 2 / (e^x + e^-x), written with e = e^{-|x|}


class ReLU(Activation):
    r"""Rectified linear unit, with two of the three optional parameters of Keras's ``relu``: the
    threshold and the cap (its third, ``negative_slope``, is :data:`leaky_relu` here, for threshold 0).

    f(x) = x where x > threshold, else 0; then capped at ``max_value`` when it is given.
    f'(x) = 1 where threshold < x < max_value, else 0 (so f'(0) = 0, as in PyTorch).
    ``range`` is the range for the defaults, [0, inf); a threshold t > 0 gives 0 and (t, inf), a
    threshold t < 0 gives (t, inf), negative values included (the inputs between t and 0 pass),
    and (t, max_value] with a cap. Keras's ``relu`` agrees except for a negative threshold together
    with a cap: it then also clips the output from below at 0 (``keras.activations.relu(-1.0,
    threshold=-2.0, max_value=3.0)`` is 0, ``relu(-1.0, threshold=-2.0, max_value=3.0)`` here -1).

    .. math:: f(x) = \begin{cases} \min(x, m) & x > \theta \\ 0 & x \le \theta \end{cases}

    Raises ``ValueError`` when ``max_value <= threshold`` (the linear piece would be empty).

    Examples
    --------
    >>> relu([-2.0, 0.0, 1.5, 8.0])
    array([0. , 0. , 1.5, 8. ])
    >>> relu([-2.0, 0.0, 1.5, 8.0], threshold=1.5, max_value=6.0)
    array([0., 0., 0., 6.])
    >>> relu.derivative([-2.0, 0.0, 1.5, 8.0])
    array([0., 0., 1., 1.])
    >>> relu([-3.0, -1.0, 2.0, 5.0], threshold=-2.0, max_value=3.0)
    array([ 0., -1.,  2.,  3.])
    """

    name = "relu"
    params = {"threshold": 0.0, "max_value": None}
    formula = (r"f(x) = \begin{cases} \min(x, m) & x > \theta \\ 0 & x \le \theta \end{cases}")
    derivative_formula = r"f'(x) = \begin{cases} 1 & \theta < x < m \\ 0 & \text{otherwise} \end{cases}"
    range = "[0, inf)"
    used_in = "hidden layers; convolutional networks such as VGG and ResNet"
    torch_name = "torch.nn.functional.relu"
    keras_name = "keras.activations.relu"
    taught = True

    def _check(self, params):
        if params["max_value"] is not None and params["max_value"] <= params["threshold"]:
            raise ValueError(f"max_value must be greater than threshold, got max_value="
                             f"{params['max_value']!r} and threshold={params['threshold']!r}")

    def _f(self, x, threshold, max_value):
        y = np.maximum(x, 0) if threshold == 0 else np.where(x > threshold, x, 0)
        return y if max_value is None else np.minimum(y, max_value)

    def _df(self, x, threshold, max_value):
        linear_piece = x > threshold  # True and False become 1 and 0
        if max_value is not None:
            linear_piece &= x < max_value
        return linear_piece


class LeakyReLU(Activation):
    r"""Leaky ReLU: f(x) = x for x >= 0, negative_slope * x otherwise.

    f'(x) = 1 for x > 0, negative_slope for x <= 0 (at 0 as in PyTorch). A slope of 0 gives
    f(-inf) = 0 (the limit), not -inf * 0. The formulas write the slope as a, PReLU's symbol: PReLU
    is the same function with a learned slope.

    .. math:: f(x) = \begin{cases} x & x \ge 0 \\ a x & x < 0 \end{cases}
              = \max(x, 0) + a \min(x, 0), \quad a = \text{negative\_slope}

    Examples
    --------
    >>> leaky_relu([-2.0, 0.0, 3.0])
    array([-0.02,  0.  ,  3.  ])
    >>> leaky_relu.derivative([-2.0, 0.0, 3.0], negative_slope=0.1)
    array([0.1, 0.1, 1. ])
    """

    name = "leaky_relu"
    params = {"negative_slope": 0.01}
    formula = r"f(x) = \begin{cases} x & x \ge 0 \\ a x & x < 0 \end{cases}"
    derivative_formula = r"f'(x) = \begin{cases} 1 & x > 0 \\ a & x \le 0 \end{cases}"
    range = "(-inf, inf)"
    used_in = "GANs, and networks whose ReLU units die"
    torch_name = "torch.nn.functional.leaky_relu"
    keras_name = "keras.activations.leaky_relu"
    taught = True

    def _f(self, x, negative_slope):
        return np.maximum(x, 0) + _x_times(np.minimum(x, 0), negative_slope)

    def _df(self, x, negative_slope):
        return np.where(x > 0, 1.0, negative_slope)


class PReLU(Activation):
    r"""Parametric ReLU: leaky ReLU whose slope ``a`` is learned.

    f(x) = x for x >= 0, a x otherwise, that is max(x, 0) + a min(x, 0); f'(x) = 1 for x > 0, a for
    x <= 0 (PyTorch's convention at 0).
    ``a`` is a number or an array that broadcasts against x (one slope per channel, as
    ``torch.nn.PReLU(num_parameters)``); an array slope takes the dtype of x.
    ``prelu.derivative_a(x, a)`` is df/da = min(x, 0), what a learned slope is trained with.

    Examples
    --------
    >>> prelu([-2.0, 0.0, 3.0])
    array([-0.5,  0. ,  3. ])
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
    range = "(-inf, inf)"
    used_in = "deep convolutional networks that learn the negative slope"
    torch_name = "torch.nn.functional.prelu"
    keras_name = "keras.layers.PReLU"
    taught = True

    def _inputs(self, x, given):
        x, params = super()._inputs(x, given)
        a = params["a"]
        if not isinstance(a, float):
            a = np.asarray(a)
            if a.dtype.kind not in "biuf":
                raise ValueError(f"a must be a number or an array of numbers, got {a.dtype}")
            if not np.isfinite(a).all():
                raise ValueError("a must be finite")
            params["a"] = float(a) if a.ndim == 0 else a.astype(x.dtype)  # float32 stays float32
        return x, params

    def _f(self, x, a):
        return np.maximum(x, 0) + _x_times(np.minimum(x, 0), a)

    def _df(self, x, a):
        return np.where(x > 0, 1.0, a)

    def derivative_a(self, x, a=0.25):
        """df/da = min(x, 0): x where x < 0, else 0 (NaN for NaN), in the broadcast shape of x and a."""
        x, params = self._inputs(x, {"a": a})
        return self._output(np.minimum(_working(x), 0 * params["a"]), x)  # 0 * a: zeros shaped like a


class Softplus(Activation):
    r"""Softplus: f(x) = (1/beta) log(1 + e^{beta x}), and x itself where beta x > threshold.

    .. math:: f(x) = \frac{1}{\beta}\log\bigl(1 + e^{\beta x}\bigr)
              = \max(x, 0) + \frac{1}{\beta}\log\bigl(1 + e^{-|\beta x|}\bigr)

    The switch to x at ``threshold`` is PyTorch's convention (there, the two differ by less than
    e^{-threshold} / beta). The second form, which is computed, never overflows.
    f'(x) = sigmoid(beta x), and 1 where beta x > threshold. ``beta`` must be positive.

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
    range = "(0, inf)"
    used_in = "a smooth ReLU, and outputs that must be positive (a variance, a rate)"
    torch_name = "torch.nn.functional.softplus"
    keras_name = "keras.activations.softplus"
    taught = True

    def _check(self, params):
        if params["beta"] <= 0:
            raise ValueError(f"beta must be positive, got {params['beta']!r}")

    def _f(self, x, beta, threshold):
        z = _scaled(x, beta)
        smooth = np.maximum(x, 0) + np.log1p(np.exp(-np.abs(z))) / beta
        return np.where(z > threshold, x, smooth)

    def _df(self, x, beta, threshold):
        z = _scaled(x, beta)
        return np.where(z > threshold, 1, _sigmoid(z))


class ELU(Activation):
    r"""Exponential linear unit: f(x) = x for x > 0, alpha (e^x - 1) otherwise.

    f'(x) = 1 for x > 0, alpha e^x for x <= 0 (so f'(0) = alpha, as in PyTorch).

    .. math:: f(x) = \begin{cases} x & x > 0 \\ \alpha\,(e^{x} - 1) & x \le 0 \end{cases}
              = \max(x, 0) + \alpha\,\bigl(e^{\min(x, 0)} - 1\bigr)

    The second form is the one computed: ``expm1`` and ``exp`` only see min(x, 0), so nothing can
    overflow, and f(-inf) = -alpha.

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
    range = "(-alpha, inf)"
    used_in = "deep networks, where its negative outputs pull the mean output towards 0"
    torch_name = "torch.nn.functional.elu"
    keras_name = "keras.activations.elu"
    taught = True

    def _f(self, x, alpha):
        return np.maximum(x, 0) + alpha * np.expm1(np.minimum(x, 0))

    def _df(self, x, alpha):
        return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0)))


class SELU(ELU):
    r"""Scaled ELU with the self-normalizing constants: f(x) = scale * elu(x, alpha).

    alpha = 1.6732632423543772848170429916717 and scale = 1.0507009873554804934193349852946
    (Klambauer et al., 2017); f'(0) = scale * alpha, as in PyTorch.

    .. math:: f(x) = \lambda \begin{cases} x & x > 0 \\ \alpha\,(e^{x} - 1) & x \le 0 \end{cases}

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
    range = "(-1.7581, inf), that is (-scale * alpha, inf)"
    used_in = "self-normalizing fully connected networks"
    torch_name = "torch.nn.functional.selu"
    keras_name = "keras.activations.selu"
    taught = True

    def _f(self, x):
        return self.scale * super()._f(x, self.alpha)

    def _df(self, x):
        return self.scale * super()._df(x, self.alpha)


class Swish(Activation):
    r"""Swish: f(x) = x sigmoid(beta x); ``silu`` is swish with beta = 1.

    .. math:: f(x) = x\,\sigma(\beta x), \qquad
              f'(x) = \sigma(\beta x) + \beta x\,\sigma'(\beta x)

    ``beta`` may be any real number (beta = 0 gives x / 2; a negative beta mirrors the curve).
    PyTorch's ``silu`` and Keras's ``swish`` have beta = 1 only. The limits are taken at +-inf:
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
    range = "[-0.2785, inf) for beta = 1 (the minimum -0.2785 / beta at x = -1.2785 / beta)"
    used_in = "EfficientNet; found by an automated search (Ramachandran et al., 2017)"
    torch_name = "torch.nn.functional.silu"
    keras_name = "keras.activations.swish"
    taught = True

    def _f(self, x, beta=1.0):
        return _x_times(x, _sigmoid(_scaled(x, beta)))

    def _df(self, x, beta=1.0):
        z = _scaled(x, beta)
        # z sigma'(z) is 0 in every dtype once |z| > 800, so clipping z there changes nothing and
        # keeps +-inf * 0 out
        z_clipped = np.clip(z, -800, 800)
        return _sigmoid(z) + z_clipped * _sigmoid_slope(z_clipped)


class SiLU(Swish):
    r"""Sigmoid linear unit: f(x) = x sigmoid(x), which is swish with beta = 1.

    .. math:: f(x) = x\,\sigma(x), \qquad f'(x) = \sigma(x)\bigl(1 + x\,(1 - \sigma(x))\bigr)

    Examples
    --------
    >>> np.round(silu([-1.0, 0.0, 1.0]), 4)
    array([-0.2689,  0.    ,  0.7311])
    """

    name = "silu"
    params = {}
    formula = r"f(x) = x\,\sigma(x) = \frac{x}{1 + e^{-x}}"
    derivative_formula = r"f'(x) = \sigma(x)\bigl(1 + x\,(1 - \sigma(x))\bigr)"
    range = "[-0.2785, inf)"
    used_in = "EfficientNet, and the SwiGLU blocks of large language models (LLaMA)"
    torch_name = "torch.nn.functional.silu"
    keras_name = "keras.activations.silu"


class GELU(Activation):
    r"""Gaussian error linear unit: f(x) = x Phi(x), Phi the standard normal CDF.

    .. math:: f(x) = x\,\Phi(x), \qquad f'(x) = \Phi(x) + x\,\varphi(x), \quad
              \varphi(x) = \frac{e^{-x^2/2}}{\sqrt{2\pi}}

    Phi is scipy's ``ndtr``, which computes in double precision: float16 and float32 inputs are
    computed in float64 and rounded once at the end, so they are within one ulp of the exact value.
    Beyond |x| = 40, x phi(x) is 0 in every dtype, so x is clipped there in that term (which keeps x^2
    finite and +-inf * 0 away).

    With ``approximate="tanh"``: f(x) = x/2 (1 + tanh(k (x + 0.044715 x^3))), k = sqrt(2/pi),
    computed as x sigmoid(v) with v = 2 k (x + 0.044715 x^3), which is the same function without the
    cancellation of 1 + tanh; f'(x) = sigmoid(v) + x sigmoid'(v) v'(x). Beyond |x| = 30, sigmoid(v) is
    exactly 0 or 1 in every dtype, so x is clipped there inside v (x^3 cannot overflow, even in float16).

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
    range = "[-0.1700, inf) (the minimum at x = -0.7518)"
    used_in = "transformers (BERT, GPT-2, vision transformers)"
    torch_name = "torch.nn.functional.gelu"
    keras_name = "keras.activations.gelu"
    taught = True

    _K = float(np.sqrt(2 / np.pi))  # a Python float, so float32 stays float32
    _C = 0.044715

    def _check(self, params):
        if params["approximate"] not in ("none", "tanh"):
            raise ValueError(f'approximate must be "none" or "tanh", got {params["approximate"]!r}')

    def _f(self, x, approximate):
        if approximate == "tanh":
            return _x_times(x, _sigmoid(self._v(x)))
        x = x.astype(np.float64)  # ndtr computes in double anyway; rounded to x's dtype once, at the end
        return _x_times(x, ndtr(x))

    def _df(self, x, approximate):
        if approximate == "tanh":
            v, x_clipped = self._v(x), np.clip(x, -30, 30)
            dv = 2 * self._K * (1 + 3 * self._C * x_clipped**2)  # v'(x)
            return _sigmoid(v) + x_clipped * _sigmoid_slope(v) * dv
        x = x.astype(np.float64)
        x_clipped = np.clip(x, -40, 40)
        phi = np.exp(-x_clipped**2 / 2) / np.sqrt(2 * np.pi)
        return ndtr(x) + x_clipped * phi

    def _v(self, x):
        """v = 2 k (x + 0.044715 x^3), with x clipped to +-30, where sigmoid(v) is already 0 or 1."""
        x = np.clip(x, -30, 30)
        return 2 * self._K * (x + self._C * x**3)


# -- more of the zoo: eleven more of PyTorch's and Keras's elementwise activations ----------------------

class Hardtanh(Activation):
    r"""Hard tanh: x clipped to [min_val, max_val].

    .. math:: f(x) = \min\bigl(\max(x, \text{min\_val}), \text{max\_val}\bigr), \qquad
              f'(x) = \begin{cases} 1 & \text{min\_val} < x < \text{max\_val} \\
              0 & \text{otherwise} \end{cases}

    At the kinks x = min_val and x = max_val the derivative is 0, as in PyTorch's autograd.
    ``min_val`` may not exceed ``max_val`` (equal gives a constant).

    Examples
    --------
    >>> hardtanh([-2.0, -1.0, 0.5, 1.0, 2.0])
    array([-1. , -1. ,  0.5,  1. ,  1. ])
    >>> hardtanh.derivative([-2.0, -1.0, 0.5, 1.0, 2.0])
    array([0., 0., 1., 0., 0.])
    """

    name = "hardtanh"
    params = {"min_val": -1.0, "max_val": 1.0}
    formula = r"f(x) = \min\bigl(\max(x, \text{min\_val}), \text{max\_val}\bigr)"
    derivative_formula = (r"f'(x) = \begin{cases} 1 & \text{min\_val} < x < \text{max\_val} \\ "
                          r"0 & \text{otherwise} \end{cases}")
    range = "[min_val, max_val]"
    used_in = "where a cheap, piecewise linear and bounded stand-in for tanh is wanted"
    torch_name = "torch.nn.functional.hardtanh"
    keras_name = "keras.activations.hard_tanh"

    def _check(self, params):
        if params["min_val"] > params["max_val"]:
            raise ValueError(f"min_val must not exceed max_val, got min_val={params['min_val']!r} "
                             f"and max_val={params['max_val']!r}")

    def _f(self, x, min_val, max_val):
        return np.clip(x, min_val, max_val)

    def _df(self, x, min_val, max_val):
        return (x > min_val) & (x < max_val)


class ReLU6(Activation):
    r"""ReLU capped at 6: x clipped to [0, 6] (``relu(x, max_value=6)``, ``hardtanh(x, 0, 6)``).

    .. math:: f(x) = \min\bigl(\max(x, 0), 6\bigr), \qquad
              f'(x) = \begin{cases} 1 & 0 < x < 6 \\ 0 & \text{otherwise} \end{cases}

    At the kinks x = 0 and x = 6 the derivative is 0, as in PyTorch's autograd.

    Examples
    --------
    >>> relu6([-1.0, 0.0, 3.0, 6.0, 8.0])
    array([0., 0., 3., 6., 6.])
    >>> relu6.derivative([-1.0, 0.0, 3.0, 6.0, 8.0])
    array([0., 0., 1., 0., 0.])
    """

    name = "relu6"
    formula = r"f(x) = \min\bigl(\max(x, 0), 6\bigr)"
    derivative_formula = r"f'(x) = \begin{cases} 1 & 0 < x < 6 \\ 0 & \text{otherwise} \end{cases}"
    range = "[0, 6]"
    used_in = "mobile networks (MobileNetV2), where a bounded range quantizes well"
    torch_name = "torch.nn.functional.relu6"
    keras_name = "keras.activations.relu6"

    def _f(self, x):
        return np.clip(x, 0, 6)

    def _df(self, x):
        return (x > 0) & (x < 6)


class Hardsigmoid(Activation):
    r"""Hard sigmoid: a piecewise linear sigmoid, relu6(x + 3) / 6.

    .. math:: f(x) = \frac{\min\bigl(\max(x + 3, 0), 6\bigr)}{6}, \qquad
              f'(x) = \begin{cases} 1/6 & -3 < x < 3 \\ 0 & \text{otherwise} \end{cases}

    This is PyTorch's and Keras 3's definition (Keras 2 used 0.2 x + 0.5). At the kinks x = -3 and
    x = 3 the derivative is 0, as in PyTorch's autograd (which, in float64, gives 1/6 rounded to
    float32 inside; ``lib`` gives 1/6).

    Examples
    --------
    >>> hardsigmoid([-4.0, -3.0, 0.0, 1.5, 3.0])
    array([0.  , 0.  , 0.5 , 0.75, 1.  ])
    >>> np.round(hardsigmoid.derivative([-4.0, -3.0, 0.0, 3.0]), 4)
    array([0.    , 0.    , 0.1667, 0.    ])
    """

    name = "hardsigmoid"
    formula = r"f(x) = \frac{\min\bigl(\max(x + 3, 0), 6\bigr)}{6}"
    derivative_formula = r"f'(x) = \begin{cases} 1/6 & -3 < x < 3 \\ 0 & \text{otherwise} \end{cases}"
    range = "[0, 1]"
    used_in = "the gates of MobileNetV3's squeeze-and-excitation blocks"
    torch_name = "torch.nn.functional.hardsigmoid"
    keras_name = "keras.activations.hard_sigmoid"

    def _f(self, x):
        return np.clip(x + 3, 0, 6) / 6

    def _df(self, x):
        return ((x > -3) & (x < 3)) / 6


class Hardswish(Activation):
    r"""Hard swish: x times the hard sigmoid, x relu6(x + 3) / 6.

    .. math:: f(x) = x\,\frac{\min\bigl(\max(x + 3, 0), 6\bigr)}{6}, \qquad
              f'(x) = \begin{cases} 0 & x \le -3 \\ x/3 + 1/2 & -3 < x < 3 \\ 1 & x \ge 3 \end{cases}

    At the kinks ``lib`` gives the outer pieces' slopes, 0 at x = -3 and 1 at x = 3, which is what
    PyTorch 2.13's autograd gives. PyTorch's value there has changed between versions: 2.6 gives the
    middle piece's -1/2 and 3/2 (pytorch/pytorch#147801). f(-inf) = 0, the limit.

    Examples
    --------
    >>> hardswish([-4.0, -1.5, 0.0, 1.5, 4.0])
    array([-0.   , -0.375,  0.   ,  1.125,  4.   ])
    >>> hardswish.derivative([-3.0, 0.0, 1.5, 3.0])
    array([0. , 0.5, 1. , 1. ])
    """

    name = "hardswish"
    formula = r"f(x) = x\,\frac{\min\bigl(\max(x + 3, 0), 6\bigr)}{6}"
    derivative_formula = (r"f'(x) = \begin{cases} 0 & x \le -3 \\ x/3 + 1/2 & -3 < x < 3 \\ "
                          r"1 & x \ge 3 \end{cases}")
    range = "[-0.375, inf) (the minimum at x = -1.5)"
    used_in = "MobileNetV3, a cheap swish for mobile devices"
    torch_name = "torch.nn.functional.hardswish"
    keras_name = "keras.activations.hard_swish"

    def _f(self, x):
        # x is raised to -3 where relu6(x + 3) is 0 anyway, so -inf * 0 never happens
        return np.maximum(x, -3) * (np.clip(x + 3, 0, 6) / 6)

    def _df(self, x):
        middle = (x > -3) & (x < 3)
        # clip: x / 3 + 1/2 stays finite where it is multiplied by 0 (x = +-inf)
        return middle * (np.clip(x, -3, 3) / 3 + 0.5) + (x >= 3)


class Mish(Activation):
    r"""Mish: f(x) = x tanh(softplus(x)).

    .. math:: f(x) = x \tanh\bigl(\zeta(x)\bigr), \quad \zeta(x) = \log(1 + e^{x}), \qquad
              f'(x) = \tanh\bigl(\zeta(x)\bigr) + x\,\sigma(x)\,\operatorname{sech}^2\bigl(\zeta(x)\bigr)

    softplus is computed as max(x, 0) + log1p(e^{-|x|}) (no overflow, and accurate in the negative
    tail, where mish(x) ~ x e^x). sech(zeta) = 2 s / (1 + s^2) with s = e^{-zeta} = sigmoid(-x), which
    does not cancel where 1 - tanh^2 would. f(-inf) = 0 and f'(+-inf) = 0, 1 (the limits).

    Examples
    --------
    >>> np.round(mish([-1.0, 0.0, 1.0]), 4)
    array([-0.3034,  0.    ,  0.8651])
    >>> np.round(mish.derivative([-1.0, 0.0, 1.0]), 4)
    array([0.0592, 0.6   , 1.049 ])
    """

    name = "mish"
    formula = r"f(x) = x \tanh\bigl(\log(1 + e^{x})\bigr)"
    derivative_formula = (r"f'(x) = \tanh\bigl(\zeta(x)\bigr) + x\,\sigma(x)\,"
                          r"\operatorname{sech}^2\bigl(\zeta(x)\bigr), \quad \zeta(x) = \log(1 + e^{x})")
    range = "[-0.3088, inf) (the minimum at x = -1.1924)"
    used_in = "object detection (YOLOv4)"
    torch_name = "torch.nn.functional.mish"
    keras_name = "keras.activations.mish"

    def _f(self, x):
        softplus_x = np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))
        return _x_times(x, np.tanh(softplus_x))

    def _df(self, x):
        softplus_x = np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))
        s = _sigmoid(-x)  # e^{-softplus(x)} = 1 / (1 + e^x)
        sech_squared = (2 * s / (1 + s**2)) ** 2
        return np.tanh(softplus_x) + _x_times(x, _sigmoid(x) * sech_squared)


class CELU(Activation):
    r"""Continuously differentiable ELU: f(x) = max(0, x) + min(0, alpha (e^{x/alpha} - 1)).

    .. math:: f(x) = \begin{cases} x & x > 0 \\ \alpha\,(e^{x/\alpha} - 1) & x \le 0 \end{cases}, \qquad
              f'(x) = \begin{cases} 1 & x > 0 \\ e^{x/\alpha} & x \le 0 \end{cases}

    Its slope at 0 is 1 from both sides for every alpha (ELU's is alpha from the left), and
    f'(0) = 1, as in PyTorch. ``alpha`` must be positive. x / alpha is computed as x * (1 / alpha),
    as in PyTorch; f(-inf) = -alpha.

    Examples
    --------
    >>> np.round(celu([-1.0, 0.0, 2.0]), 4)
    array([-0.6321,  0.    ,  2.    ])
    >>> np.round(celu([-1.0, 0.0, 2.0], alpha=2.0), 4)
    array([-0.7869,  0.    ,  2.    ])
    >>> np.round(celu.derivative([-1.0, 0.0, 2.0], alpha=2.0), 4)
    array([0.6065, 1.    , 1.    ])
    """

    name = "celu"
    params = {"alpha": 1.0}
    formula = r"f(x) = \max(0, x) + \min\bigl(0, \alpha\,(e^{x/\alpha} - 1)\bigr)"
    derivative_formula = r"f'(x) = \begin{cases} 1 & x > 0 \\ e^{x/\alpha} & x \le 0 \end{cases}"
    range = "(-alpha, inf)"
    used_in = "where ELU is used, when alpha is tuned (the slope at 0 stays 1)"
    torch_name = "torch.nn.functional.celu"
    keras_name = "keras.activations.celu"

    def _check(self, params):
        if params["alpha"] <= 0:
            raise ValueError(f"alpha must be positive, got {params['alpha']!r}")

    def _f(self, x, alpha):
        return np.maximum(x, 0) + alpha * np.expm1(_scaled(np.minimum(x, 0), 1 / alpha))

    def _df(self, x, alpha):
        return np.where(x > 0, 1.0, np.exp(_scaled(np.minimum(x, 0), 1 / alpha)))


class Softsign(Activation):
    r"""Softsign: f(x) = x / (1 + |x|), a tanh-like curve that approaches +-1 slowly.

    .. math:: f(x) = \frac{x}{1 + |x|}, \qquad f'(x) = \frac{1}{(1 + |x|)^2}

    softsign(+-inf) = +-1 = softsign(+-largest float) in floating point, so x is clipped to the
    largest float first (inf / inf never happens). The derivative is computed as (1 / (1 + |x|))^2,
    which cannot overflow.

    Examples
    --------
    >>> softsign([-3.0, 0.0, 1.0, np.inf])
    array([-0.75,  0.  ,  0.5 ,  1.  ])
    >>> softsign.derivative([-3.0, 0.0, 1.0])
    array([0.0625, 1.    , 0.25  ])
    """

    name = "softsign"
    formula = r"f(x) = \frac{x}{1 + |x|}"
    derivative_formula = r"f'(x) = \frac{1}{(1 + |x|)^2}"
    range = "(-1, 1)"
    used_in = "a cheaper tanh, compared with it in deep networks (Glorot & Bengio, 2010)"
    torch_name = "torch.nn.functional.softsign"
    keras_name = "keras.activations.softsign"

    def _f(self, x):
        largest = np.finfo(x.dtype).max
        x = np.clip(x, -largest, largest)
        return x / (1 + np.abs(x))

    def _df(self, x):
        return (1 / (1 + np.abs(x))) ** 2


class LogSigmoid(Activation):
    r"""Log-sigmoid: f(x) = log sigmoid(x) = -softplus(-x).

    .. math:: f(x) = \log\sigma(x) = \min(x, 0) - \log\bigl(1 + e^{-|x|}\bigr), \qquad
              f'(x) = \sigma(-x) = 1 - \sigma(x)

    The second form, which is computed, never overflows and keeps its relative accuracy in both tails
    (f(x) ~ -e^{-x} for large x, f(x) ~ x for very negative x).

    Examples
    --------
    >>> np.round(logsigmoid([-1.0, 0.0, 1.0]), 4)
    array([-1.3133, -0.6931, -0.3133])
    >>> np.round(logsigmoid.derivative([-1.0, 0.0, 1.0]), 4)
    array([0.7311, 0.5   , 0.2689])
    """

    name = "logsigmoid"
    formula = r"f(x) = \log \sigma(x) = -\log\bigl(1 + e^{-x}\bigr)"
    derivative_formula = r"f'(x) = \sigma(-x) = 1 - \sigma(x)"
    range = "(-inf, 0)"
    used_in = "log-probabilities of binary outputs, in stable cross-entropy losses"
    torch_name = "torch.nn.functional.logsigmoid"
    keras_name = "keras.activations.log_sigmoid"

    def _f(self, x):
        return np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))

    def _df(self, x):
        return _sigmoid(-x)


class Tanhshrink(Activation):
    r"""Tanh shrink: f(x) = x - tanh x.

    .. math:: f(x) = x - \tanh(x), \qquad f'(x) = 1 - \tanh'(x) = \tanh^2(x)

    Near 0 the two terms nearly cancel (f(x) ~ x^3 / 3): the value is accurate to a few ulp of x in
    absolute terms, as PyTorch's, not to a few ulp of x^3 / 3. The derivative has no such cancellation.

    Examples
    --------
    >>> np.round(tanhshrink([-2.0, 0.0, 1.0]), 4)
    array([-1.036 ,  0.    ,  0.2384])
    >>> np.round(tanhshrink.derivative([-2.0, 0.0, 1.0]), 4)
    array([0.9293, 0.    , 0.58  ])
    """

    name = "tanhshrink"
    formula = r"f(x) = x - \tanh(x)"
    derivative_formula = r"f'(x) = \tanh^2(x)"
    range = "(-inf, inf)"
    used_in = "rarely; a smooth shrink, close to x - sign(x) far from 0 (softshrink, lambd = 1)"
    torch_name = "torch.nn.functional.tanhshrink"
    keras_name = "keras.activations.tanh_shrink"

    def _f(self, x):
        return x - np.tanh(x)

    def _df(self, x):
        return np.tanh(x) ** 2


class Softshrink(Activation):
    r"""Soft shrinkage: moves x towards 0 by lambd, and sets |x| <= lambd to 0.

    .. math:: f(x) = \operatorname{sign}(x)\,\max\bigl(|x| - \theta, 0\bigr), \qquad
              f'(x) = \begin{cases} 1 & |x| > \theta \\ 0 & |x| \le \theta \end{cases}

    At the kinks x = +-lambd the derivative is 0, as in PyTorch's autograd. ``lambd`` (PyTorch's name;
    Keras calls it ``threshold``, and the formulas write it theta) must be >= 0.

    Examples
    --------
    >>> softshrink([-2.0, -0.5, 0.2, 0.5, 1.5])
    array([-1.5, -0. ,  0. ,  0. ,  1. ])
    >>> softshrink.derivative([-2.0, -0.5, 0.2, 0.5, 1.5])
    array([1., 0., 0., 0., 1.])
    """

    name = "softshrink"
    params = {"lambd": 0.5}
    formula = r"f(x) = \operatorname{sign}(x)\,\max\bigl(|x| - \theta, 0\bigr)"
    derivative_formula = r"f'(x) = \begin{cases} 1 & |x| > \theta \\ 0 & |x| \le \theta \end{cases}"
    range = "(-inf, inf)"
    used_in = "sparse coding (ISTA, LISTA) and wavelet denoising"
    torch_name = "torch.nn.functional.softshrink"
    keras_name = "keras.activations.soft_shrink"

    def _check(self, params):
        if params["lambd"] < 0:
            raise ValueError(f"lambd must be >= 0, got {params['lambd']!r}")

    def _f(self, x, lambd):
        return np.sign(x) * np.maximum(np.abs(x) - lambd, 0)

    def _df(self, x, lambd):
        return np.abs(x) > lambd


class Hardshrink(Softshrink):
    r"""Hard shrinkage: x where |x| > lambd, else 0.

    .. math:: f(x) = \begin{cases} x & |x| > \theta \\ 0 & |x| \le \theta \end{cases}, \qquad
              f'(x) = \begin{cases} 1 & |x| > \theta \\ 0 & |x| \le \theta \end{cases}

    At the kinks x = +-lambd the derivative is 0, as in PyTorch's autograd. ``lambd`` must be >= 0.
    Computed as x [|x| > lambd], the comparison counting as 1 or 0, so a negative x inside the band
    gives -0.0 (a zero that keeps the sign of x).

    Examples
    --------
    >>> hardshrink([-2.0, -0.5, 0.2, 0.5, 1.5])
    array([-2. , -0. ,  0. ,  0. ,  1.5])
    >>> hardshrink.derivative([-2.0, -0.5, 0.2, 0.5, 1.5])
    array([1., 0., 0., 0., 1.])
    """

    name = "hardshrink"
    formula = r"f(x) = \begin{cases} x & |x| > \theta \\ 0 & |x| \le \theta \end{cases}"
    range = "(-inf, inf): 0, or a value beyond +-lambd"
    used_in = "sparse coding: keeping only the large coefficients"
    torch_name = "torch.nn.functional.hardshrink"
    keras_name = "keras.activations.hard_shrink"

    def _f(self, x, lambd):
        return x * (np.abs(x) > lambd)


# -- softmax and log-softmax ------------------------------------------------------------------------------

class _Softmax:
    r"""Softmax along an axis: p_i = exp(z_i / T) / sum_j exp(z_j / T).

    ``softmax(z, axis=-1, temperature=1.0)``. The largest logit is subtracted first, so logits of any
    magnitude work and ``-inf`` entries get probability 0. A slice whose entries are all ``-inf`` (or
    that holds ``+inf`` or NaN) gives NaN, as in PyTorch and scipy. ``temperature`` must be positive.
    A 0-d ``z`` is one slice of one logit: its softmax is 1.0, as in PyTorch. The result is always an
    ndarray.

    ``softmax.jacobian(z, temperature=1.0)`` is dp/dz over the last axis, of shape (..., n, n):
    p_i (delta_ij - p_j) / T. ``softmax.vjp(z, dp, axis=-1, temperature=1.0)`` is the backward pass
    dp^T J = p * (dp - sum(dp * p)) / T, without forming the matrix.

    Examples
    --------
    >>> np.round(softmax([1.0, 2.0, 3.0]), 4)
    array([0.09  , 0.2447, 0.6652])
    >>> np.round(softmax([1.0, 2.0, 3.0], temperature=10.0), 4)
    array([0.3006, 0.3322, 0.3672])
    >>> softmax([1000.0, 0.0, -np.inf])
    array([1., 0., 0.])
    >>> softmax(3.0)
    array(1.)
    >>> np.round(softmax.jacobian([0.0, 0.0]), 4)
    array([[ 0.25, -0.25],
           [-0.25,  0.25]])
    """

    name = "softmax"
    formula = r"\operatorname{softmax}(z)_i = \frac{e^{z_i / T}}{\sum_j e^{z_j / T}}"
    derivative_formula = (r"\frac{\partial p_i}{\partial z_j} = \frac{1}{T}\,p_i\,(\delta_{ij} - p_j)")
    range = "(0, 1), each slice summing to 1"
    used_in = "the output layer of multi-class classifiers, and attention weights"
    torch_name = "torch.nn.functional.softmax"
    keras_name = "keras.activations.softmax"
    taught = True

    def __repr__(self):
        return "<softmax(z, axis=-1, temperature=1.0)>"

    def __call__(self, z, axis=-1, temperature=1.0):
        """Softmax of ``z / temperature`` along ``axis``: a new array shaped like ``z``."""
        z = as_float(z)
        if z.ndim == 0:  # one logit: a slice of length 1, as in PyTorch
            return self(z.reshape(1), axis, temperature).reshape(())
        e = np.exp(_shifted(z, axis, temperature))
        return e / e.sum(axis=axis, keepdims=True)

    def jacobian(self, z, temperature=1.0):
        """dp/dz over the last axis: an array of shape z.shape + (n,), p_i (delta_ij - p_j) / T."""
        p = self(z, axis=-1, temperature=temperature)
        delta = np.eye(p.shape[-1], dtype=p.dtype)
        return p[..., :, None] * (delta - p[..., None, :]) / temperature

    def vjp(self, z, dp, axis=-1, temperature=1.0):
        """The backward pass: dL/dz = p * (dp - sum(dp * p)) / T, given dp = dL/dp."""
        p = self(z, axis=axis, temperature=temperature)
        dp = np.asarray(dp, dtype=p.dtype)
        return p * (dp - np.sum(dp * p, axis=axis, keepdims=True)) / temperature


def _check_temperature(temperature):
    if not np.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a positive finite number, got {temperature!r}")
    return float(temperature)


def _shifted(z, axis, temperature):
    """(z - max(z)) / T along ``axis``, as a new float array (the step that makes softmax stable)."""
    temperature = _check_temperature(temperature)
    peak = np.max(z, axis=axis, keepdims=True, initial=-np.inf) if z.size == 0 else \
        np.max(z, axis=axis, keepdims=True)
    # z - max can pass the largest float (-max - max), and so can (z - max) / T for T < 1: the result
    # is -inf, whose exp is exactly the 0 it should be. A slice of only -inf (or holding +inf) gives
    # inf - inf = NaN, which is the documented answer.
    with np.errstate(over="ignore", invalid="ignore"):
        return (z - peak) / temperature


def log_softmax(z, axis=-1, temperature=1.0):
    r"""log(softmax(z / T)) along ``axis``, computed as s - log(sum(exp(s))) with s = (z - max z) / T.

    .. math:: \log \operatorname{softmax}(z)_i = s_i - \log \sum_j e^{s_j}, \quad
              s = \frac{z - \max_j z_j}{T}

    Finite where ``np.log(softmax(z))`` would be ``-inf`` (a logit far below the others). A 0-d ``z``
    gives 0.0, as in PyTorch; the result is always an ndarray.

    Examples
    --------
    >>> np.round(log_softmax([1.0, 2.0, 3.0]), 4)
    array([-2.4076, -1.4076, -0.4076])
    >>> log_softmax([0.0, -1000.0])
    array([    0., -1000.])
    >>> log_softmax(3.0)
    array(0.)
    """
    z = as_float(z)
    if z.ndim == 0:  # one logit: a slice of length 1, as in PyTorch
        return log_softmax(z.reshape(1), axis, temperature).reshape(())
    s = _shifted(z, axis, temperature)
    if s.size == 0:  # nothing to normalize (and the log of an empty sum would be log 0)
        return s
    return s - np.log(np.sum(np.exp(s), axis=axis, keepdims=True))


# -- the objects and the registries ----------------------------------------------------------------------

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
hardtanh = Hardtanh()
relu6 = ReLU6()
hardsigmoid = Hardsigmoid()
hardswish = Hardswish()
mish = Mish()
celu = CELU()
softsign = Softsign()
logsigmoid = LogSigmoid()
tanhshrink = Tanhshrink()
softshrink = Softshrink()
hardshrink = Hardshrink()
softmax = _Softmax()

#: Chapter 1's catalogue: the twelve elementwise activations it teaches, and silu.
ACTIVATIONS = {f.name: f for f in
               (step, linear, sigmoid, tanh, relu, leaky_relu, prelu, softplus, elu, selu, swish, gelu,
                silu)}

#: Every elementwise activation in this module: the catalogue, then eleven more of PyTorch's and Keras's.
ALL_ACTIVATIONS = {**ACTIVATIONS, **{f.name: f for f in
                                     (hardtanh, relu6, hardsigmoid, hardswish, mish, celu, softsign,
                                      logsigmoid, tanhshrink, softshrink, hardshrink)}}
