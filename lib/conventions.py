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

The page's tables are built here too, so that its cells are short calls: :func:`column_values` puts
the three columns side by side, :func:`versions_table` says where each comes from, and one function
per section (:func:`defaults_table`, :func:`kinks_table`, :func:`threshold_table`,
:func:`batchnorm_table`, :func:`overflow_table`, :func:`nonfinite_table`) lays out its rows with
:func:`section_table`: for each row an item of every column, formatted (:func:`fmt`), and a note
for the reader, which often depends on whether the columns agree (:func:`note`).
:func:`check_stated_facts` checks what the page's prose says against the measurements.

This module imports only numpy (and lib).
"""

import html
import json
import math
from pathlib import Path

import numpy as np

from lib import activations as act
from lib.experiments.softmax import naive_softmax
from lib.normalization import BatchNorm
from lib.tables import format_number, html_table

__all__ = [
    "DATA",
    "DTYPES", "NONFINITE_FUNCTIONS", "BN_BATCH", "THRESHOLD_X", "SOFTMAX_LOGITS", "SOFTMAX_SPECIAL",
    "encode", "decode", "params_text", "outcome", "log_of_largest", "first_overflow", "gelu_form", "linear_from", "batchnorm_probe",
    "measure_lib", "load_data", "fmt", "differences",
    "column_values", "versions_table", "same", "note", "section_table", "defaults_table", "kink_side",
    "kink_note", "kink_slopes", "kinks_table", "threshold_table", "batchnorm_table", "overflow_table", "nonfinite_table",
    "check_stated_facts",
]

DTYPES = ("float16", "float32", "float64")
NONFINITE_FUNCTIONS = ("relu", "leaky_relu", "elu", "sigmoid", "tanh", "softplus", "gelu", "silu")
NONFINITE_INPUTS = (math.nan, math.inf, -math.inf)
BN_BATCH = [[1.0], [2.0], [3.0], [6.0]]  # one feature; mean 3, biased variance 3.5, unbiased 14/3
THRESHOLD_X = [0.5, 1.0, 1.5, 3.0]  # probes of relu(x, threshold=1)
SOFTMAX_LOGITS = [1000.0, 0.0, -1000.0]
SOFTMAX_SPECIAL = {"inf_logit": [math.inf, 0.0], "minus_inf_logit": [-math.inf, 0.0, 1.0],
                   "all_minus_inf": [-math.inf, -math.inf], "nan_logit": [math.nan, 0.0]}
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


def log_of_largest(dtype) -> float:
    """log(largest finite number of ``dtype``), computed in float64.

    ``np.log`` of the float16 number itself would round the result to float16 (11.09375, the float16
    nearest to 11.0899).

    >>> round(log_of_largest("float16"), 4), float(np.log(np.finfo(np.float16).max))
    (11.0899, 11.09375)
    """
    return float(np.log(np.float64(np.finfo(dtype).max)))


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
    """Where ``softplus(x)`` starts returning exactly x (float64): the x beyond which it does.

    Scans 0, 0.5, ..., 40 for the first x with softplus(x) == x, then halves the interval before it
    down to 1e-9 and rounds: a framework that switches to x above a threshold (``x > 20``) shows that
    threshold, not the grid point after it. True softplus, log(1 + e^x) = x + log1p(e^-x), equals x in
    float64 only once e^-x is below half a unit in the last place of x (from x = 33.27 on).

    >>> linear_from(lambda x: act.softplus(x))
    20.0
    """
    def same(x):
        x = np.asarray(x, dtype=np.float64)
        return np.asarray(softplus(x), dtype=np.float64) == x

    grid = np.arange(0, 40.25, 0.5)
    hits = same(grid)
    if not hits.any():
        return None
    high = float(grid[np.argmax(hits)])
    low = high - 0.5
    while high - low > 1e-9:  # same(low) is False, same(high) is True
        middle = (low + high) / 2
        low, high = (low, middle) if same(np.array([middle]))[0] else (middle, high)
    return round(high, 6)


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
        return format_number(value, 7, minus="−")  # a typographic minus, as in −inf
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


# --------------------------------------------------------------------------------------------------
# The appendix page's tables
# --------------------------------------------------------------------------------------------------

#: The columns of every table, in order, and the frameworks' keys in the measured data.
COLUMNS = {"lib": None, "PyTorch": "torch", "Keras": "keras"}

#: Column widths (percent) of a section's table: the item, the three columns, the note.
SECTION_WIDTHS = [20, 15, 15, 15, 35]


def column_values(data):
    """The three columns side by side: ``{"lib": ..., "PyTorch": ..., "Keras": ...}``.

    lib's column is computed now, from lib itself (:func:`measure_lib`); the others are the measured
    ``data`` (:func:`load_data`).

    >>> columns = column_values(load_data())
    >>> list(columns), columns["lib"]["kink.relu"]
    (['lib', 'PyTorch', 'Keras'], 0.0)
    """
    frameworks = data["frameworks"]
    return {name: decode(measure_lib()) if key is None else frameworks[key]["values"]
            for name, key in COLUMNS.items()}


def versions_table(data):
    """The first table of the page, as HTML: which version each column describes and how it was
    obtained.

    >>> print(versions_table(load_data()).splitlines()[1])
    <caption>The versions behind each column</caption>
    """
    torch_info, keras_info = data["frameworks"]["torch"], data["frameworks"]["keras"]
    return html_table(
        ["", "version", "how the column was obtained"],
        [["lib", "this repository", "computed on this page by lib.conventions.measure_lib()"],
         ["PyTorch", torch_info["version"], f"{torch_info['source']} on {torch_info['measured_on']} "
                                            f"(Python {torch_info['environment']['python']}, CPU)"],
         ["Keras", keras_info["version"], f"{keras_info['source']} on {keras_info['measured_on']} with the "
                                          f"{keras_info['backend']} backend"]],
        "The versions behind each column", widths=[20, 25, 55], css_class="table conventions")


def same(cells):
    """True when every column shows the same text for this row.

    >>> same({"lib": 0.1, "PyTorch": 0.1}), same({"lib": 0.1, "PyTorch": 0.2})
    (True, False)
    """
    return differences(cells) == ""


def note(if_same, if_different):
    """A note that depends on whether the columns agree: a function of a row's cells.

    >>> note("Same everywhere.", "They differ.")({"lib": 1.0, "Keras": 2.0})
    'They differ.'
    """
    return lambda cells: if_same if same(cells) else if_different


def section_table(caption, section, rows, columns, data):
    """One table of the page, as HTML: a row per item, and under the table the functions measured.

    Parameters
    ----------
    caption : str
    section : str
        The section's key in each framework's ``apis`` (``"default"``, ``"kink"``, ...).
    rows : list of (label, item, comment)
        ``item`` is an item key of the columns, or a function of the column name that returns the
        value; ``comment`` is the note's text, or a function of the row's cells (column name ->
        value) that returns it.
    columns : dict
        :func:`column_values`.
    data : dict
        :func:`load_data`, for the measured functions' names.

    >>> data = load_data()
    >>> page = section_table("ELU", "default", [("alpha", "default.elu.alpha", note("Same.", "No."))],
    ...                      column_values(data), data)
    >>> '<tr><th scope="row">alpha</th><td>1</td><td>1</td><td>1</td><td>Same.</td></tr>' in page
    True
    """
    body = []
    for label, item, comment in rows:
        get = item if callable(item) else (lambda name, key=item: columns[name][key])
        cells = {name: get(name) for name in columns}
        text = comment(cells) if callable(comment) else comment
        body.append([label, *(fmt(value) for value in cells.values()), text])
    table = html_table(["", *columns, "what it means for you"], body, caption, widths=SECTION_WIDTHS,
                       css_class="table conventions")
    apis = {name: data["frameworks"][key]["apis"][section] for name, key in COLUMNS.items() if key}
    measured = f"Measured in PyTorch with {apis['PyTorch']}. In Keras with {apis['Keras']}."
    return table + f'\n<p class="conventions-measured"><small>{html.escape(measured)}</small></p>'


def defaults_table(columns, data):
    """The table of default parameters, as HTML (see :func:`section_table`)."""
    K = columns["Keras"]
    return section_table("Default parameters", "default", [
        ("ReLU: parameters and defaults", "default.relu.parameters",
         "PyTorch's relu takes no shape parameter; Keras's takes `negative_slope` (once called `alpha`), "
         "`max_value` and `threshold`, as lib's `threshold` and `max_value` do (except for a negative "
         "threshold together with a cap, where Keras also clips the output at 0)."),
        ("Leaky ReLU slope, the function", "default.leaky_relu.function_slope",
         note("Same everywhere.", "Different defaults: always pass `negative_slope` when you move a model.")),
        ("Leaky ReLU slope, the layer", "default.leaky_relu.layer_slope",
         lambda c: ("In Keras the layer and the function disagree with each other: write the slope out."
                    if c["Keras"] != K["default.leaky_relu.function_slope"] else
                    "Layer and function agree in each framework.")),
        ("PReLU, initial slope of the layer", "default.prelu.initial_slope",
         lambda c: ("A Keras PReLU starts as plain ReLU (slope 0) unless you give `alpha_initializer`."
                    if c["Keras"] == 0 else note("Same everywhere.", "The learned slope starts elsewhere.")(c))),
        ("ELU alpha", "default.elu.alpha", note("Same everywhere.", "Pass `alpha` explicitly.")),
        ("Softplus: parameters and defaults", "default.softplus.parameters",
         lambda c: ("Keras's softplus has no `beta`: for a sharper curve write `softplus(beta * x) / beta`."
                    if c["Keras"] == "none" else note("Same everywhere.", "Check the parameter names.")(c))),
        ("Softplus: effective beta", "default.softplus.beta_effective",
         note("The default curve is the same.", "The default curves differ.")),
        ("Softplus: returns x itself for x above", "default.softplus.linear_from",
         note("Above a threshold all three return x itself, and a slope of exactly 1; the true softplus "
              "differs from x there by less than e^-x.",
              "The switch to x itself happens at different points: tiny differences in values, none in use.")),
        ("GELU, the activation function", "default.gelu.function",
         note("Exact GELU everywhere unless you ask for the tanh form.", "Check which GELU you get.")),
        ("GELU, the other public form", "default.gelu.second_form",
         lambda c: ("`keras.ops.gelu` defaults to the tanh form while `keras.activations.gelu` is exact: "
                    "one name, two functions." if c["Keras"] != K["default.gelu.function"] else
                    "Same form as the function.")),
    ], columns, data)


def kink_side(value, left, right):
    """Which side of a kink a derivative ``value`` takes, given the one-sided slopes.

    >>> kink_side(0.0, 0.0, 1.0), kink_side(1.0, 0.0, 1.0), kink_side(0.5, 0.0, 1.0), kink_side(2.0, 0.0, 1.0)
    ('the left slope', 'the right slope', 'between the slopes', 'outside both slopes')
    """
    def near(a, b):
        return abs(a - b) <= 1e-6 * max(1.0, abs(b))
    if near(value, left):
        return "the left slope"
    if near(value, right):
        return "the right slope"
    return "between the slopes" if min(left, right) < value < max(left, right) else "outside both slopes"


def kink_note(derivative, at, jump=False):
    """The note of a kink's row: its one-sided slopes, and which side each column takes.

    With ``jump`` the function is discontinuous there, and the slopes are those of its two pieces.

    >>> kink_note(act.relu.derivative, 0.0)({"lib": 0.0, "PyTorch": 0.0, "Keras": 1.0})
    'Left slope 0, right slope 1. lib, PyTorch: the left slope; Keras: the right slope.'
    >>> kink_note(act.relu.derivative, 0.0, jump=True)({"lib": 0.0})
    'A jump, not a corner: no derivative here. Slope of the piece on the left 0, on the right 1. lib: the left slope.'
    """
    left = float(derivative(at - 1e-9))  # the one-sided slopes, just left and right of the kink
    right = float(derivative(at + 1e-9))

    def text(cells):
        chosen = {}
        for name, value in cells.items():
            chosen.setdefault(kink_side(value, left, right), []).append(name)
        picks = "; ".join(f"{', '.join(names)}: {where}" for where, names in chosen.items())
        if jump:
            return (f"A jump, not a corner: no derivative here. Slope of the piece on the left {left:.6g}, "
                    f"on the right {right:.6g}. {picks}.")
        return f"Left slope {left:.6g}, right slope {right:.6g}. {picks}."
    return text


def _kinks():
    P = KINK_PARAMS
    return {  # item: (label, lib's derivative as a function of x, where the kink is)
        "kink.relu": ("ReLU′(0)", act.relu.derivative, 0.0),
        "kink.leaky_relu": (f"leaky ReLU′(0), slope {P['leaky_relu']:g}",
                            lambda x: act.leaky_relu.derivative(x, negative_slope=P["leaky_relu"]), 0.0),
        "kink.prelu": (f"PReLU′(0), slope {P['prelu']:g}", lambda x: act.prelu.derivative(x, a=P["prelu"]),
                       0.0),
        "kink.elu": (f"ELU′(0), α = {P['elu']:g}", lambda x: act.elu.derivative(x, alpha=P["elu"]), 0.0),
        "kink.relu_threshold": (f"ReLU′(t) at its threshold t = {P['relu_threshold']:g}",
                                lambda x: act.relu.derivative(x, threshold=P["relu_threshold"]),
                                P["relu_threshold"]),
    }


def kink_slopes():
    """Each kink of the kinks table: its item key and lib's slopes just left and right of it.

    >>> kink_slopes()["kink.elu"]
    (0.5, 1.0)
    """
    return {key: (float(derivative(at - 1e-9)), float(derivative(at + 1e-9)))
            for key, (_, derivative, at) in _kinks().items()}


def kinks_table(columns, data):
    """The table of derivatives at kinks, as HTML (see :func:`section_table`)."""
    return section_table("Derivatives at kinks", "kink",
                         [(label, key, kink_note(derivative, at, jump=key == "kink.relu_threshold"))
                          for key, (label, derivative, at) in _kinks().items()], columns, data)


def threshold_table(columns, data):
    """The table of ``relu(x, threshold=t)`` at a few x, as HTML (see :func:`section_table`)."""
    t = KINK_PARAMS["relu_threshold"]
    return section_table(f"relu(x, threshold={t:g})", "threshold", [
        (f"x = {x:g}" + (" (= t)" if x == t else ""),
         lambda name, i=i: columns[name]["threshold.values"][i],
         lambda c, x=x: f"shifted ReLU relu(x − t) = {fmt(float(act.relu(x - t)))}")
        for i, x in enumerate(THRESHOLD_X)
    ], columns, data)


def bn_batch_variances():
    """The biased (÷ N) and unbiased (÷ N − 1) variance of :data:`BN_BATCH`.

    >>> bn_batch_variances()
    (3.5, 4.666666666666667)
    """
    x = np.array(BN_BATCH)
    n = len(x)
    biased = float(x.var())
    return biased, biased * n / (n - 1)


def batchnorm_table(columns, data):
    """The table of one batch-normalization training step, as HTML (see :func:`section_table`)."""
    biased, unbiased = bn_batch_variances()

    def which_variance(cells):
        kinds = {name: "unbiased (÷ N − 1)" if abs(v - unbiased) < 1e-4 else
                 "biased (÷ N)" if abs(v - biased) < 1e-4 else "other" for name, v in cells.items()}
        return "; ".join(f"{name}: {kind}" for name, kind in kinds.items())

    def batch_of_one(cells):
        said = {name: "raises an error" if isinstance(v, dict) else f"returns {fmt(v)}"
                for name, v in cells.items()}
        return ("; ".join(f"{name} {text}" for name, text in said.items())
                + ". A single sample has variance 0: use inference mode or a bigger batch.")

    def momentum_meaning(cells):
        meaning = {}
        for name, weight in cells.items():
            m = columns[name]["batchnorm.momentum"]
            meaning[name] = ("momentum weights the new batch" if abs(weight - m) < 1e-6 else
                             "momentum weights the old value" if abs(weight - (1 - m)) < 1e-6 else "other")
        return "; ".join(f"{name}: {text}" for name, text in meaning.items()) + "."

    return section_table("Batch normalization: one training step", "batchnorm", [
        ("eps", "batchnorm.eps",
         lambda c: ("Keras adds a larger ε: outputs differ visibly for features of small variance."
                    if c["Keras"] > c["PyTorch"] else
                    note("Same everywhere.", "Different ε: pass it explicitly.")(c))),
        ("momentum (the parameter)", "batchnorm.momentum",
         note("Same everywhere.", "The same word for opposite weights: see the next row before you copy it.")),
        ("weight of the new batch", "batchnorm.new_batch_weight", momentum_meaning),
        ("variance used to normalize", "batchnorm.normalizing_var", which_variance),
        ("variance fed into the running estimate", "batchnorm.running_var_input", which_variance),
        ("training step on a batch of one", "batchnorm.batch_of_one", batch_of_one),
    ], columns, data)


def overflow_table(columns, data):
    """The table of exp's overflow and softmax of large logits, per dtype, as HTML."""
    rows = []
    for dtype in DTYPES:
        z = np.array(SOFTMAX_LOGITS, dtype=dtype)
        rows += [
            (f"{dtype}: exp(x) = inf from x =", f"overflow.exp.{dtype}",
             f"log(largest {dtype}) = {log_of_largest(dtype):.7g}"),
            (f"{dtype}: softmax([1000, 0, −1000])", f"overflow.softmax.{dtype}",
             note(f"Stable everywhere; naive formula: {fmt(naive_softmax(z, z.dtype).tolist())}.",
                  "The results differ: see the columns.")),
            (f"{dtype}: log_softmax([1000, 0, −1000])", f"overflow.log_softmax.{dtype}",
             note("Finite everywhere, where log(softmax) would give −inf.",
                  "The results differ: see the columns.")),
        ]
    return section_table("Overflow of exp, and softmax of large logits", "overflow", rows, columns, data)


def nonfinite_table(columns, data):
    """The table of values and derivatives at NaN and ±inf, as HTML (see :func:`section_table`)."""
    labels = ["NaN", "+inf", "−inf"]

    def where_they_differ(cells):
        return differences(cells, labels) or "Same everywhere."

    rows = []
    for name in NONFINITE_FUNCTIONS:
        rows.append((f"{name}(x)", f"nonfinite.{name}.value", where_they_differ))
        rows.append((f"{name}′(x)", f"nonfinite.{name}.derivative", where_they_differ))
    softmax_notes = {"minus_inf_logit": "Same everywhere: a −inf logit among finite ones gets probability 0 "
                                        "(how attention masks a position)."}
    for key, z in SOFTMAX_SPECIAL.items():
        rows.append((f"softmax({fmt(z)})", f"nonfinite.softmax.{key}",
                     lambda c, key=key: differences(c) or softmax_notes.get(key, "Same everywhere.")))
    return section_table("Values and derivatives at NaN and ±inf", "nonfinite", rows, columns, data)


def check_stated_facts(columns):
    """Check what the page's prose states against the columns; an AssertionError names the first
    fact a new measurement contradicts (the page then does not build until the prose is updated).

    >>> check_stated_facts(column_values(load_data()))
    """
    L, T, K = columns["lib"], columns["PyTorch"], columns["Keras"]
    biased, unbiased = bn_batch_variances()
    facts = [
        ("PyTorch's and Keras's leaky ReLU slopes differ",
         T["default.leaky_relu.function_slope"] != K["default.leaky_relu.function_slope"]),
        ("Keras's leaky ReLU layer and function disagree",
         K["default.leaky_relu.layer_slope"] != K["default.leaky_relu.function_slope"]),
        ("PReLU starts elsewhere in Keras",
         K["default.prelu.initial_slope"] != T["default.prelu.initial_slope"]),
        ("keras.ops.gelu is the tanh form, keras.activations.gelu exact",
         K["default.gelu.second_form"] == "tanh" and K["default.gelu.function"] == "erf"),
        ("Keras's batch-norm eps differs", K["batchnorm.eps"] != T["batchnorm.eps"]),
        ("Keras's relu takes negative_slope (no longer alpha)",
         "negative_slope" in K["default.relu.parameters"] and "alpha" not in K["default.relu.parameters"]),
        ("Keras's momentum weights the old value",
         abs(K["batchnorm.new_batch_weight"] - (1 - K["batchnorm.momentum"])) < 1e-6),
        ("Keras feeds the biased variance into its running estimate",
         abs(K["batchnorm.running_var_input"] - biased) < 1e-4),
        ("a derivative at NaN or ±inf differs somewhere",
         any(differences({n: c[f"nonfinite.{f}.derivative"] for n, c in columns.items()})
             for f in NONFINITE_FUNCTIONS)),
    ]
    t = np.float64(KINK_PARAMS["relu_threshold"])
    facts += [(f"{key} is a convex kink (left slope below right)", left < right)
              for key, (left, right) in kink_slopes().items() if key != "kink.relu_threshold"]
    facts.append(("a layer's derivative at a kink can fall outside both one-sided slopes",
                  any(kink_side(column[key], left, right) == "outside both slopes"
                      for column in columns.values() for key, (left, right) in kink_slopes().items())))
    facts.append(("relu(x, threshold=t) jumps from 0 to t at t",
                  act.relu(t, threshold=t) == 0 and abs(act.relu(t + 1e-9, threshold=t) - t) < 1e-6))
    for dtype in ("float16", "float32"):
        x = np.array([L[f"overflow.exp.{dtype}"]], dtype=dtype)
        below = np.nextafter(x, np.zeros(1, dtype=dtype))
        facts.append((f"exp overflows from the first {dtype} above log(largest {dtype})",
                      float(below[0]) < log_of_largest(dtype) < float(x[0])))
    for name, column in (("lib", L), ("PyTorch", T)):
        facts += [
            (f"{name}'s momentum weights the new batch",
             abs(column["batchnorm.new_batch_weight"] - column["batchnorm.momentum"]) < 1e-6),
            (f"{name} feeds the unbiased variance into its running estimate",
             abs(column["batchnorm.running_var_input"] - unbiased) < 1e-4),
        ]
    for name, column in columns.items():
        facts += [
            (f"{name}'s softmax gives NaN for a +inf logit",
             bool(np.isnan(column["nonfinite.softmax.inf_logit"]).all())),
            (f"{name}'s softmax gives NaN for a row that is all −inf",
             bool(np.isnan(column["nonfinite.softmax.all_minus_inf"]).all())),
            (f"{name}'s softmax gives a −inf logit among finite ones probability 0, the others softmax([0, 1])",
             column["nonfinite.softmax.minus_inf_logit"][0] == 0.0
             and np.allclose(column["nonfinite.softmax.minus_inf_logit"][1:], act.softmax(np.array([0.0, 1.0])),
                             rtol=0, atol=1e-15)),
        ]
        facts.append((f"{name}'s relu(x, threshold=1) is 0, 0, 1.5, 3",
                      column["threshold.values"] == [0.0, 0.0, 1.5, 3.0]))
        for dtype in DTYPES:
            facts += [
                (f"{name}'s softmax is finite in {dtype}",
                 bool(np.isfinite(column[f"overflow.softmax.{dtype}"]).all())),
                (f"{name}'s log_softmax is finite in {dtype}",
                 bool(np.isfinite(column[f"overflow.log_softmax.{dtype}"]).all())),
                (f"{name}'s exp overflows where lib's does in {dtype}",
                 column[f"overflow.exp.{dtype}"] == L[f"overflow.exp.{dtype}"]),
            ]
    for fact, holds in facts:
        assert holds, f"the page states that {fact}; the measurements no longer agree"
