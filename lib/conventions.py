"""Conventions that differ between frameworks: lib's own column, and the pieces shared with the script.

The appendix page "Conventions across frameworks" puts, for each item, the value in ``lib``, in
PyTorch and in Keras side by side. ``lib``'s column is computed here from ``lib`` itself
(:func:`measure_lib`) each time the page runs. The PyTorch and Keras columns are measured by
``scripts/measure_conventions.py``, which runs the real frameworks with the same probes and writes
``lib/data/framework_conventions.json`` (shipped inside lib); ``tests/test_conventions.py`` compares that file with the live
framework whenever it is importable.

Every column is a flat dict ``{item key: value}``. A value is a number, a string, ``None`` (the
framework has no such thing), a list, or ``{"raises": "ValueError"}``. NaN and the infinities are
stored as the strings ``"nan"``, ``"inf"`` and ``"-inf"`` (:func:`encode`), so the file is plain JSON.

This module imports only numpy (and lib).
"""

import html
import json
import math
import re
from pathlib import Path

import numpy as np

from lib import activations as act
from lib.normalization import BatchNorm

__all__ = [
    "DATA",
    "DTYPES", "NONFINITE_FUNCTIONS", "BN_BATCH", "THRESHOLD_X", "SOFTMAX_LOGITS", "SOFTMAX_SPECIAL",
    "encode", "decode", "params_text", "outcome", "first_overflow", "gelu_form", "linear_from", "batchnorm_probe",
    "measure_lib", "load_data", "fmt", "differences", "html_table",
]

DTYPES = ("float16", "float32", "float64")
NONFINITE_FUNCTIONS = ("relu", "leaky_relu", "elu", "sigmoid", "tanh", "softplus", "gelu", "silu")
NONFINITE_INPUTS = (math.nan, math.inf, -math.inf)
BN_BATCH = [[1.0], [2.0], [3.0], [6.0]]  # one feature; mean 3, biased variance 3.5, unbiased 14/3
THRESHOLD_X = [0.5, 1.0, 1.5, 3.0]  # probes of relu(x, threshold=1)
SOFTMAX_LOGITS = [1000.0, 0.0, -1000.0]
SOFTMAX_SPECIAL = {"inf_logit": [math.inf, 0.0], "all_minus_inf": [-math.inf, -math.inf],
                   "nan_logit": [math.nan, 0.0]}
GELU_ERF_AT_1 = 0.8413447460685429  # 1 * Phi(1)
GELU_TANH_AT_1 = 0.8411919906082768  # 1/2 (1 + tanh(sqrt(2/pi) (1 + 0.044715)))
KINK_PARAMS = {"leaky_relu": 0.1, "prelu": 0.25, "elu": 0.5, "relu_threshold": 1.0}

#: The measured PyTorch and Keras columns, inside the package.
DATA = Path(__file__).resolve().parent / "data" / "framework_conventions.json"


def encode(value):
    """A measured value as plain JSON: non-finite floats become strings, numpy types become Python.

    >>> encode([1.0, float("nan"), -np.inf, np.float32(0.5)])
    [1.0, 'nan', '-inf', 0.5]
    >>> encode({"raises": "ValueError"})
    {'raises': 'ValueError'}
    """
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return encode(value.tolist())  # a 0-d array gives a scalar, an n-d array nested lists
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    return value


def decode(value):
    """The inverse of :func:`encode` for numbers: ``"nan"``, ``"inf"``, ``"-inf"`` become floats.

    >>> decode(["nan", "-inf", 2.0, "erf"])
    [nan, -inf, 2.0, 'erf']
    """
    if isinstance(value, dict):
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    if value in ("nan", "inf", "-inf"):
        return float(value)
    return value


def first_overflow(exp, dtype):
    """The smallest positive number x of ``dtype`` for which ``exp(x)`` is +inf.

    ``exp`` maps a 1-element numpy array of ``dtype`` to something ``np.asarray`` turns into numbers
    (so a framework's exp can be measured the same way). Found by bisection on the bit patterns of
    the non-negative floats, which are ordered like the numbers themselves.

    >>> float(first_overflow(np.exp, "float16"))
    11.09375
    >>> x = first_overflow(np.exp, "float64")
    >>> float(x), float(np.log(np.finfo(np.float64).max))
    (709.782712893384, 709.782712893384)
    """
    dtype = np.dtype(dtype)
    bits = np.dtype(f"u{dtype.itemsize}")

    def overflows(pattern):
        x = np.array([pattern], dtype=bits).view(dtype)
        with np.errstate(over="ignore"):
            return bool(np.isinf(np.asarray(exp(x), dtype=np.float64))[0])

    lo = 0  # exp(0) = 1, finite
    hi = int(np.array([np.inf], dtype=dtype).view(bits)[0])  # exp(inf) = inf
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if overflows(mid):
            hi = mid
        else:
            lo = mid
    return np.array([hi], dtype=bits).view(dtype)[0]


def gelu_form(value_at_1):
    """Which GELU a function computes, from its value at x = 1 in float64: "erf", "tanh" or "other".

    >>> gelu_form(float(act.gelu(1.0))), gelu_form(float(act.gelu(1.0, approximate="tanh")))
    ('erf', 'tanh')
    """
    if abs(value_at_1 - GELU_ERF_AT_1) < 1e-12:
        return "erf"
    if abs(value_at_1 - GELU_TANH_AT_1) < 1e-12:
        return "tanh"
    return "other"


def linear_from(softplus):
    """The first x of 0, 0.5, ..., 40 (float64) at which ``softplus(x)`` returns exactly x.

    True softplus, log(1 + e^x) = x + log1p(e^-x), equals x in float64 only once e^-x is below half
    a unit in the last place of x (near x = 37); a framework that switches to x above a threshold
    shows its threshold here.

    >>> linear_from(lambda x: act.softplus(x))
    20.5
    """
    grid = np.arange(0, 40.25, 0.5)
    same = np.asarray(softplus(grid), dtype=np.float64) == grid
    return float(grid[np.argmax(same)]) if same.any() else None


def batchnorm_probe(batch_mean, running_mean, running_var, output, eps):
    """What one training step on :data:`BN_BATCH` (from running mean 0 and running variance 1) says.

    Returns the weight of the new batch in the running statistics, the variance fed into the running
    estimate and the variance used to normalize the batch (recovered from the first output), each to
    6 significant digits.

    >>> batchnorm_probe(3.0, 0.3, 0.9 + 0.1 * 14 / 3, (1 - 3) / np.sqrt(3.5 + 1e-5), 1e-5)
    {'new_batch_weight': 0.1, 'running_var_input': 4.66667, 'normalizing_var': 3.5}
    """
    weight = running_mean / batch_mean
    fed = (running_var - (1 - weight)) / weight
    used = (BN_BATCH[0][0] - batch_mean) ** 2 / output ** 2 - eps

    def sig(v):
        return float(f"{float(v):.6g}")  # 6 digits: Keras keeps momentum and eps in float32

    return {"new_batch_weight": sig(weight), "running_var_input": sig(fed), "normalizing_var": sig(used)}


def params_text(params):
    """Parameters and their defaults as text, e.g. ``"beta=1, threshold=20"``; ``"none"`` if empty.

    >>> params_text({"threshold": 0.0, "max_value": None}), params_text({})
    ('threshold=0, max_value=None', 'none')
    """
    def text(value):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return f"{value:g}"
        return str(value)

    return ", ".join(f"{k}={text(v)}" for k, v in params.items()) or "none"


def outcome(f, *args, **kwargs):
    """f(*args) encoded, or {"raises": <exception type>} if it raises."""
    try:
        return encode(f(*args, **kwargs))
    except Exception as err:  # noqa: BLE001 -- the exception is the measurement
        return {"raises": type(err).__name__}


def measure_lib():
    """lib's column: the same items the script measures in PyTorch and Keras, computed from lib.

    >>> column = measure_lib()
    >>> column["default.leaky_relu.function_slope"], column["kink.relu"], column["batchnorm.eps"]
    (0.01, 0.0, 1e-05)
    """
    f64 = np.float64
    out = {}
    # defaults (lib has one form of each activation: a function object; no layers)
    out["default.leaky_relu.function_slope"] = encode(0.0 - act.leaky_relu(f64(-1.0)))
    out["default.leaky_relu.layer_slope"] = None
    out["default.prelu.initial_slope"] = encode(0.0 - act.prelu(f64(-1.0)))
    out["default.elu.alpha"] = encode(0.0 - act.elu(f64(-50.0)))
    out["default.relu.parameters"] = params_text(act.relu.params)
    out["default.softplus.parameters"] = params_text(act.softplus.params)
    out["default.softplus.beta_effective"] = encode(float(f"{np.log(2) / act.softplus(f64(0.0)):.12g}"))
    out["default.softplus.linear_from"] = linear_from(act.softplus)
    out["default.gelu.function"] = gelu_form(float(act.gelu(f64(1.0))))
    out["default.gelu.second_form"] = None
    bn = BatchNorm(1)
    out["batchnorm.eps"] = encode(bn.eps)
    out["batchnorm.momentum"] = encode(bn.momentum)
    # derivatives at kinks
    out["kink.relu"] = encode(act.relu.derivative(f64(0.0)))
    out["kink.leaky_relu"] = encode(act.leaky_relu.derivative(f64(0.0),
                                                              negative_slope=KINK_PARAMS["leaky_relu"]))
    out["kink.prelu"] = encode(act.prelu.derivative(f64(0.0), a=KINK_PARAMS["prelu"]))
    out["kink.elu"] = encode(act.elu.derivative(f64(0.0), alpha=KINK_PARAMS["elu"]))
    t = KINK_PARAMS["relu_threshold"]
    out["kink.relu_threshold"] = encode(act.relu.derivative(f64(t), threshold=t))
    # threshold semantics
    out["threshold.values"] = encode(act.relu(np.array(THRESHOLD_X), threshold=t))
    # batch normalization: one training step on a fixed batch, then a batch of one
    x = np.array(BN_BATCH)
    y = bn.forward(x, training=True)
    out.update({f"batchnorm.{k}": v for k, v in batchnorm_probe(
        x.mean(), bn.running_mean[0], bn.running_var[0], y[0, 0], bn.eps).items()})
    out["batchnorm.batch_of_one"] = outcome(lambda: BatchNorm(1).forward(np.array([[2.0]]))[:, 0])
    # exp overflow (lib computes with numpy's exp), softmax and log-softmax there
    for dtype in DTYPES:
        out[f"overflow.exp.{dtype}"] = encode(first_overflow(np.exp, dtype))
        z = np.array(SOFTMAX_LOGITS, dtype=dtype)
        out[f"overflow.softmax.{dtype}"] = outcome(act.softmax, z)
        out[f"overflow.log_softmax.{dtype}"] = outcome(act.log_softmax, z)
    # NaN and infinities
    inputs = np.array(NONFINITE_INPUTS)
    for name in NONFINITE_FUNCTIONS:
        f = act.ACTIVATIONS[name]
        out[f"nonfinite.{name}.value"] = outcome(f, inputs)
        out[f"nonfinite.{name}.derivative"] = outcome(f.derivative, inputs)
    for key, z in SOFTMAX_SPECIAL.items():
        with np.errstate(invalid="ignore"):
            out[f"nonfinite.softmax.{key}"] = outcome(act.softmax, np.array(z))
    return out


def load_data(path=None):
    """The measured columns, ``lib/data/framework_conventions.json``, with non-finite values decoded.

    The file ships inside ``lib`` (a wheel installed on its own has it too); ``path`` reads another.
    """
    candidate = Path(path) if path is not None else DATA
    if not candidate.is_file():
        raise FileNotFoundError(f"{candidate} was not found: the measured columns "
                                "(framework_conventions.json) are written by scripts/measure_conventions.py")
    with open(candidate, encoding="utf-8") as handle:
        return decode(json.load(handle))


def fmt(value):
    """A value as short text for a table cell.

    >>> fmt(0.01), fmt(float("nan")), fmt(-np.inf), fmt(None), fmt([1.0, 0.0]), fmt({"raises": "ValueError"})
    ('0.01', 'nan', '−inf', '—', '[1, 0]', 'raises ValueError')
    >>> fmt(88.72283935546875), fmt(1e-05), fmt(-2.5), fmt(True), fmt("erf")
    ('88.72284', '1e-05', '−2.5', 'yes', 'erf')
    """
    if value is None:
        return "—"
    if isinstance(value, dict) and "raises" in value:
        return f"raises {value['raises']}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(fmt(v) for v in value) + "]"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        value = float(value)
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "−inf"
        return f"−{-value:.7g}" if value < 0 else f"{value:.7g}"  # a typographic minus, as in −inf
    return str(value)


def differences(cells, labels=None):
    """Where a row's columns disagree, as short text; "" when every column shows the same.

    ``cells`` maps a column name to its value. For lists of equal length, ``labels`` names the
    positions and only the positions that differ are listed.

    >>> differences({"lib": [float("nan"), 1.0], "PyTorch": [1.0, 1.0], "Keras": [1.0, 1.0]}, ["NaN", "+inf"])
    'at NaN: lib nan; PyTorch 1, Keras 1'
    >>> differences({"lib": 0.1, "PyTorch": 0.1, "Keras": 0.2})
    'lib 0.1, PyTorch 0.1; Keras 0.2'
    >>> differences({"lib": 1.0, "PyTorch": 1.0})
    ''
    """
    shown = {name: fmt(value) for name, value in cells.items()}

    def groups(texts):
        """Columns with the same text together, in order of first appearance: 'a, b; c'."""
        by_text = {}
        for name, text in texts.items():
            by_text.setdefault(text, []).append(f"{name} {text}")
        return "; ".join(", ".join(group) for group in by_text.values())

    if len(set(shown.values())) == 1:
        return ""
    values = list(cells.values())
    if labels and all(isinstance(v, list) and len(v) == len(labels) for v in values):
        parts = []
        for i, label in enumerate(labels):
            texts = {name: fmt(value[i]) for name, value in cells.items()}
            if len(set(texts.values())) > 1:
                parts.append(f"at {label}: {groups(texts)}")
        return " · ".join(parts)
    return groups(shown)


def html_table(header, rows, caption, widths=None):
    """An HTML table: a caption, a header row, and rows whose first cell heads the row.

    Cells are escaped; text between backticks becomes ``<code>``. ``widths`` (percentages, one per
    column) fixes the layout, so that long cells wrap instead of widening the table past the page.

    >>> print(html_table(["item", "lib"], [["`relu'(0)`", "0 < 1"]], "Kinks"))
    <table class="table conventions">
    <caption>Kinks</caption>
    <thead><tr><th scope="col">item</th><th scope="col">lib</th></tr></thead>
    <tbody>
    <tr><th scope="row"><code>relu'(0)</code></th><td>0 &lt; 1</td></tr>
    </tbody>
    </table>
    """
    def cell(text):
        return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(str(text), quote=False))

    style = ""
    if widths is not None:
        if len(widths) != len(header):
            raise ValueError(f"widths must give one width per column ({len(header)}), got {len(widths)}")
        style = ' style="width: 100%; table-layout: fixed; overflow-wrap: break-word"'
    lines = [f'<table class="table conventions"{style}>', f"<caption>{cell(caption)}</caption>"]
    if widths is not None:
        lines.append("<colgroup>" + "".join(f'<col style="width: {w:g}%">' for w in widths) + "</colgroup>")
    lines += [
        "<thead><tr>" + "".join(f'<th scope="col">{cell(h)}</th>' for h in header) + "</tr></thead>",
        "<tbody>"]
    for first, *rest in rows:
        lines.append(f'<tr><th scope="row">{cell(first)}</th>' + "".join(f"<td>{cell(c)}</td>" for c in rest)
                     + "</tr>")
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)
