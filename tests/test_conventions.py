"""Tests for lib.conventions and for lib/data/framework_conventions.json (the appendix's measured columns).

The data file is compared with the live framework whenever PyTorch (or Keras, with its torch backend)
can be imported; without them those tests skip, and the rest run on numpy alone.
"""

import importlib.util
import json
import math
import os
from pathlib import Path

import numpy as np
import pytest

from lib import activations as act
from lib import conventions as conv
from lib.normalization import BatchNorm

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "lib" / "data" / "framework_conventions.json"
SCRIPT = ROOT / "scripts" / "measure_conventions.py"


@pytest.fixture(scope="module")
def data():
    return json.loads(DATA.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def lib_column():
    return conv.measure_lib()


def load_script():
    spec = importlib.util.spec_from_file_location("measure_conventions", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the data file ------------------------------------------------------------------------------

def test_data_file_is_strict_json(data):
    def refuse(token):
        raise ValueError(f"non-standard JSON constant {token}")

    text = DATA.read_text(encoding="utf-8")
    parsed = json.loads(text, parse_constant=refuse)
    assert set(parsed) >= {"about", "frameworks"} and set(parsed["frameworks"]) == {"torch", "keras"}
    assert parsed == data
    values = parsed["frameworks"]["torch"]["values"]
    assert any(v == "nan" for v in values.values() if isinstance(v, str)) or any(
        "nan" in v for v in values.values() if isinstance(v, list))  # NaN is stored as the string "nan"


@pytest.mark.parametrize("framework", ["torch", "keras"])
def test_data_file_has_each_framework_with_its_version_and_lib_items(framework, data, lib_column):
    info = data["frameworks"][framework]
    assert info["version"]
    assert info["source"] == "measured"
    assert set(info["apis"]) == {key.split(".")[0] for key in lib_column}
    assert set(info["values"]) == set(lib_column)


def test_keras_was_measured_with_the_torch_backend(data):
    assert data["frameworks"]["keras"]["backend"].startswith("torch ")


# lib's docstrings promise PyTorch's conventions for these items: the measured column must agree
PYTORCH_CONVENTIONS_IN_LIB = [
    "default.leaky_relu.function_slope", "default.prelu.initial_slope", "default.elu.alpha",
    "default.softplus.parameters", "default.softplus.beta_effective", "default.softplus.linear_from",
    "default.gelu.function", "batchnorm.eps", "batchnorm.momentum", "batchnorm.new_batch_weight",
    "batchnorm.running_var_input", "batchnorm.normalizing_var", "batchnorm.batch_of_one",
    "kink.relu", "kink.leaky_relu", "kink.prelu", "kink.elu", "kink.relu_threshold",
    "threshold.values",
]


@pytest.mark.parametrize("key", PYTORCH_CONVENTIONS_IN_LIB)
def test_lib_follows_pytorch_where_it_says_it_does(key, data, lib_column):
    assert lib_column[key] == data["frameworks"]["torch"]["values"][key]


def test_lib_follows_keras_threshold_semantics(data, lib_column):
    # relu(x, threshold=t): 0 at x == t, x itself (not x - t) above
    assert lib_column["threshold.values"] == data["frameworks"]["keras"]["values"]["threshold.values"]
    assert lib_column["threshold.values"] == [0.0, 0.0, 1.5, 3.0]


@pytest.mark.parametrize("framework", ["torch", "keras"])
def test_data_file_matches_the_live_framework(framework, data, monkeypatch):
    """Re-measure with the installed framework and compare every item with the file."""
    torch = pytest.importorskip("torch")
    if framework == "keras":
        if "keras" not in __import__("sys").modules:
            monkeypatch.setenv("KERAS_BACKEND", os.environ.get("KERAS_BACKEND", "torch"))
        keras = pytest.importorskip("keras")
        if keras.backend.backend() != "torch":
            pytest.skip(f"Keras runs with the {keras.backend.backend()} backend; the file was measured "
                        "with torch's")
        live_version = keras.__version__
    else:
        live_version = torch.__version__
    recorded = data["frameworks"][framework]
    if live_version != recorded["version"]:
        pytest.skip(f"the file holds {framework} {recorded['version']}, {live_version} is installed: "
                    "run scripts/measure_conventions.py to measure it")
    info, values = load_script().MEASURE[framework]()
    assert info["version"] == recorded["version"]
    differences = {key: {"file": recorded["values"].get(key), "live": value}
                   for key, value in values.items() if recorded["values"].get(key) != value}
    assert not differences, f"run scripts/measure_conventions.py --framework {framework}: {differences}"
    assert set(values) == set(recorded["values"])


# --- lib.conventions ----------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", conv.DTYPES)
def test_first_overflow_is_the_boundary_of_numpy_exp(dtype):
    x = conv.first_overflow(np.exp, dtype)
    assert x.dtype == np.dtype(dtype)
    below = np.nextafter(x, np.zeros((), dtype))
    with np.errstate(over="ignore"):
        assert np.isinf(np.exp(x)) and np.isfinite(np.exp(below))
    # the boundary lies next to log(largest float)
    assert abs(float(x) - math.log(float(np.finfo(dtype).max))) <= 2 * float(np.spacing(x))


@pytest.mark.parametrize("dtype", ["float16", "float32"])
def test_claim_exp_overflows_from_the_first_number_above_log_of_largest(dtype):
    """The page: exp overflows from the first number of the type above log(largest), in float64."""
    top = conv.log_of_largest(dtype)
    assert top == pytest.approx(math.log(float(np.finfo(dtype).max)), rel=1e-15)
    x = conv.first_overflow(np.exp, dtype)
    below = np.nextafter(x, np.zeros((), dtype))
    assert float(below) < top < float(x)
    if dtype == "float16":   # 1/128 apart near 11: 11.0859375 < 11.0899 < 11.09375
        assert (float(below), float(x), float(x) - float(below)) == (11.0859375, 11.09375, 1 / 128)


def test_claim_the_first_four_kinks_are_convex_and_the_threshold_a_jump():
    """The page: "At a convex corner ... (the first four rows)"; the thresholded ReLU jumps from 0 to t."""
    slopes = conv.kink_slopes()
    assert list(slopes) == ["kink.relu", "kink.leaky_relu", "kink.prelu", "kink.elu", "kink.relu_threshold"]
    assert all(left < right for key, (left, right) in slopes.items() if key != "kink.relu_threshold")
    t = conv.KINK_PARAMS["relu_threshold"]
    assert act.relu(np.float64(t), threshold=t) == 0 and act.relu(np.float64(t) + 1e-9, threshold=t) > 0.99 * t
    # ELU with alpha > 1 is a concave kink: the left slope is above the right one
    assert act.elu.derivative(-1e-9, alpha=2.0) > act.elu.derivative(1e-9, alpha=2.0)


def test_claim_keras_prelu_derivative_at_0_comes_from_relu_prime_0():
    """The page: Keras's PReLU layer is relu(x) - a relu(-x), so with relu'(0) = 0 its slope at 0 is 0."""
    a = conv.KINK_PARAMS["prelu"]
    assert act.relu.derivative(np.float64(0.0)) == 0
    chain = act.relu.derivative(np.float64(0.0)) + a * act.relu.derivative(np.float64(-0.0))
    measured = conv.column_values(conv.load_data())["Keras"]["kink.prelu"]
    assert chain == measured == 0.0 and not a <= measured <= 1


def test_claim_a_layers_derivative_at_a_kink_can_fall_outside_both_slopes():
    """The page's opening: "a layer's derivative at a kink can fall outside both one-sided slopes".

    In the kinks table every framework takes the left slope except Keras's PReLU layer, whose 0 lies
    outside both of PReLU's slopes (0.25 and 1)."""
    columns = conv.column_values(conv.load_data())
    sides = {(name, key): conv.kink_side(column[key], left, right)
             for name, column in columns.items() for key, (left, right) in conv.kink_slopes().items()}
    assert {where for where in sides.values()} == {"the left slope", "outside both slopes"}
    assert [cell for cell, where in sides.items() if where != "the left slope"] == [("Keras", "kink.prelu")]


def test_claim_a_central_difference_centred_on_a_kink_averages_the_slopes_and_matches_no_column():
    """The page: "a central difference centred on a kink averages the two slopes and matches none of the
    columns"."""
    P, h = conv.KINK_PARAMS, 1e-6
    functions = {
        "kink.relu": (act.relu, 0.0),
        "kink.leaky_relu": (lambda x: act.leaky_relu(x, negative_slope=P["leaky_relu"]), 0.0),
        "kink.prelu": (lambda x: act.prelu(x, a=P["prelu"]), 0.0),
        "kink.elu": (lambda x: act.elu(x, alpha=P["elu"]), 0.0),
        "kink.relu_threshold": (lambda x: act.relu(x, threshold=P["relu_threshold"]), P["relu_threshold"]),
    }
    columns = conv.column_values(conv.load_data())
    for key, (left, right) in conv.kink_slopes().items():
        f, at = functions[key]
        central = float((f(np.float64(at + h)) - f(np.float64(at - h))) / (2 * h))
        if key != "kink.relu_threshold":            # a corner: the mean of the slopes
            assert central == pytest.approx((left + right) / 2, rel=1e-6)
        else:                                       # a jump: no slope at all, the quotient blows up
            assert central > 1e5
        assert all(abs(central - column[key]) > 0.1 for column in columns.values())


def test_claim_a_plus_inf_logit_or_a_row_all_minus_inf_gives_nan_in_all_three():
    """The page: "a +inf logit, or a row that is all −inf, gives NaN in all three", although
    softmax([z, 0]) tends to [1, 0] as z grows."""
    columns = conv.column_values(conv.load_data())
    assert set(columns) == {"lib", "PyTorch", "Keras"}
    for column in columns.values():
        assert np.isnan(column["nonfinite.softmax.inf_logit"]).all()
        assert np.isnan(column["nonfinite.softmax.all_minus_inf"]).all()
    assert act.softmax(np.array([800.0, 0.0])).tolist() == [1.0, 0.0]     # the limit, reached in float64


def test_claim_a_minus_inf_logit_among_finite_ones_gets_probability_0_in_all_three():
    """The page: "a −inf among finite logits gets probability exactly 0 in all three": softmax([−inf, 0, 1])
    is [0, softmax([0, 1])], the behaviour masking in attention relies on."""
    assert conv.SOFTMAX_SPECIAL["minus_inf_logit"] == [-math.inf, 0.0, 1.0]
    rest = act.softmax(np.array([0.0, 1.0]))
    for column in conv.column_values(conv.load_data()).values():
        value = column["nonfinite.softmax.minus_inf_logit"]
        assert value[0] == 0.0 and np.allclose(value[1:], rest, rtol=0, atol=1e-15)
    assert np.round(rest, 4).tolist() == [0.2689, 0.7311]


@pytest.mark.parametrize("dtype", conv.DTYPES)
def test_first_overflow_finds_an_arbitrary_step(dtype):
    def fake_exp(a):
        return np.where(a >= 5.25, np.inf, 1.0)

    assert float(conv.first_overflow(fake_exp, dtype)) == 5.25


def test_encode_and_decode_round_trip():
    value = {"a": [np.float32(0.5), float("nan"), np.inf, -np.inf], "b": np.array([[1.0, 2.0]]),
             "c": np.float64(-0.0), "d": None, "e": "erf", "f": np.int64(3), "g": np.bool_(True)}
    encoded = conv.encode(value)
    assert json.loads(json.dumps(encoded, allow_nan=False)) == encoded
    assert encoded["a"][1:] == ["nan", "inf", "-inf"] and encoded["b"] == [[1.0, 2.0]]
    assert encoded["f"] == 3 and encoded["g"] is True
    decoded = conv.decode(encoded)
    assert math.isnan(decoded["a"][1]) and decoded["a"][2:] == [math.inf, -math.inf]
    assert decoded["e"] == "erf" and decoded["d"] is None


def test_outcome_reports_the_exception_type():
    assert conv.outcome(lambda: 1 / 0) == {"raises": "ZeroDivisionError"}
    assert conv.outcome(lambda: np.array([np.nan])) == ["nan"]


def test_gelu_form_tells_the_two_gelus_apart():
    assert conv.gelu_form(float(act.gelu(1.0))) == "erf"
    assert conv.gelu_form(float(act.gelu(1.0, approximate="tanh"))) == "tanh"
    assert conv.gelu_form(float(act.silu(1.0))) == "other"


def test_linear_from_finds_the_switch_to_x():
    assert conv.linear_from(act.softplus) == 20.0  # lib switches above beta x = 20, like PyTorch
    assert conv.linear_from(lambda x: act.softplus(x, threshold=7.3)) == 7.3
    assert conv.linear_from(lambda x: x + np.log1p(np.exp(-x))) == pytest.approx(33.27, abs=0.01)  # no switch
    assert conv.linear_from(lambda x: x + 1.0) is None
    assert conv.linear_from(lambda x: act.softplus(x, threshold=10.0)) == 10.0
    exact = conv.linear_from(lambda x: np.logaddexp(0, x))  # no switch: only where e^-x is lost
    assert 33 <= exact <= 38
    assert conv.linear_from(lambda x: x + 1) is None


@pytest.mark.parametrize("momentum", [0.1, 0.3])
def test_batchnorm_probe_recovers_lib_batchnorm_settings(momentum):
    bn = BatchNorm(1, momentum=momentum)
    x = np.array(conv.BN_BATCH)
    y = bn.forward(x)
    probe = conv.batchnorm_probe(x.mean(), bn.running_mean[0], bn.running_var[0], y[0, 0], bn.eps)
    n = len(x)
    assert probe["new_batch_weight"] == pytest.approx(momentum, rel=1e-6)
    assert probe["normalizing_var"] == pytest.approx(x.var(), rel=1e-6)  # biased, for normalizing
    assert probe["running_var_input"] == pytest.approx(x.var() * n / (n - 1), rel=1e-6)  # unbiased


def test_measure_lib_values(lib_column):
    assert lib_column["default.leaky_relu.function_slope"] == act.leaky_relu.params["negative_slope"]
    assert lib_column["default.leaky_relu.layer_slope"] is None  # lib has no layers
    assert lib_column["default.elu.alpha"] == 1.0
    assert lib_column["kink.elu"] == conv.KINK_PARAMS["elu"]
    assert lib_column["kink.prelu"] == conv.KINK_PARAMS["prelu"]
    assert lib_column["batchnorm.batch_of_one"] == {"raises": "ValueError"}
    assert lib_column["overflow.exp.float32"] == float(conv.first_overflow(np.exp, "float32"))
    for dtype in conv.DTYPES:
        assert lib_column[f"overflow.softmax.{dtype}"] == [1.0, 0.0, 0.0]
        assert lib_column[f"overflow.log_softmax.{dtype}"] == [0.0, -1000.0, -2000.0]
    assert lib_column["nonfinite.sigmoid.value"] == ["nan", 1.0, 0.0]
    assert lib_column["nonfinite.relu.derivative"] == ["nan", 1.0, 0.0]
    assert json.loads(json.dumps(lib_column, allow_nan=False)) == lib_column


def test_load_data_reads_and_decodes_the_file(tmp_path):
    loaded = conv.load_data()
    assert set(loaded["frameworks"]) == {"torch", "keras"}
    path = tmp_path / "x.json"
    path.write_text('{"v": ["nan", 1.0]}', encoding="utf-8")
    assert math.isnan(conv.load_data(path)["v"][0])
    with pytest.raises(FileNotFoundError, match="framework_conventions.json"):
        conv.load_data(tmp_path / "missing.json")


def test_fmt():
    assert conv.fmt(math.nan) == "nan" and conv.fmt(-math.inf) == "−inf" and conv.fmt(None) == "—"
    assert conv.fmt(True) == "yes" and conv.fmt(-0.0) == "-0" and conv.fmt(0.1 + 0.2) == "0.3"
    assert conv.fmt(4.66667) == "4.66667" and conv.fmt(709.7827128933841) == "709.7827"
    assert conv.fmt({"raises": "ValueError"}) == "raises ValueError"
    assert conv.fmt([0.0, -2000.0]) == "[0, −2000]" and conv.fmt(-1e-05) == "−1e-05"


def test_differences():
    same = {"lib": [math.nan, 1.0], "PyTorch": [math.nan, 1.0]}
    assert conv.differences(same, ["NaN", "+inf"]) == ""  # nan equals nan for this purpose
    mixed = {"lib": [math.nan, 1.0, 0.0], "PyTorch": [1.0, 1.0, math.nan], "Keras": [1.0, 1.0, 0.0]}
    assert conv.differences(mixed, ["NaN", "+inf", "-inf"]) == (
        "at NaN: lib nan; PyTorch 1, Keras 1 · at -inf: lib 0, Keras 0; PyTorch nan")
    assert conv.differences({"lib": None, "PyTorch": "erf"}) == "lib —; PyTorch erf"


# --- the appendix page's tables -------------------------------------------------------------------

@pytest.fixture(scope="module")
def page():
    measured = conv.load_data()
    return measured, conv.column_values(measured)


def rows_of(table):
    """The body rows of a table built by lib.tables.html_table: lists of cell texts (HTML)."""
    import re
    body = table.split("<tbody>")[1].split("</tbody>")[0]
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in body.strip().splitlines()]


def test_column_values_put_lib_next_to_the_measured_columns(page):
    measured, columns = page
    assert list(columns) == ["lib", "PyTorch", "Keras"]
    assert conv.encode(columns["lib"]) == conv.measure_lib()  # (NaN is not equal to NaN)
    assert columns["Keras"] is measured["frameworks"]["keras"]["values"]


def test_note_depends_on_whether_the_columns_agree():
    pick = conv.note("same", "different")
    assert pick({"lib": [1.0, math.nan], "PyTorch": [1.0, math.nan]}) == "same"
    assert pick({"lib": 1.0, "PyTorch": 1.0, "Keras": 1.000001}) == "different"
    assert conv.same({"lib": 1e-05, "PyTorch": 1.0000000001e-05})  # equal to the digits shown


def test_section_table_formats_each_column_and_names_the_functions(page):
    measured, columns = page
    table = conv.section_table("c", "kink", [
        ("fixed", "kink.relu", "a note"),
        ("computed", lambda name: {"lib": -1.5, "PyTorch": None, "Keras": math.inf}[name],
         lambda cells: f"{len(cells)} cells"),
    ], columns, measured)
    assert rows_of(table) == [["fixed", "0", "0", "0", "a note"], ["computed", "−1.5", "—", "inf", "3 cells"]]
    apis = measured["frameworks"]["torch"]["apis"]["kink"]
    assert table.endswith("</small></p>") and f"Measured in PyTorch with {apis}" in table.replace("&#x27;", "'")
    assert '<table class="table conventions" style=' in table and '<col style="width: 35%">' in table


def test_kink_note_names_the_side_each_column_takes():
    text = conv.kink_note(lambda x: act.leaky_relu.derivative(x, negative_slope=0.1), 0.0)
    assert text({"lib": 0.1, "PyTorch": 0.1, "Keras": 0.55}) == (
        "Left slope 0.1, right slope 1. lib, PyTorch: the left slope; Keras: between the slopes.")
    assert conv.kink_side(1.0000001, 0.0, 1.0) == "the right slope"


@pytest.mark.parametrize("build, caption, n_rows", [
    (conv.defaults_table, "Default parameters", 10), (conv.kinks_table, "Derivatives at kinks", 5),
    (conv.threshold_table, "relu(x, threshold=1)", 4), (conv.batchnorm_table, "Batch normalization", 6),
    (conv.overflow_table, "Overflow of exp", 9), (conv.nonfinite_table, "Values and derivatives", 20),
])
def test_every_section_table_has_its_rows(page, build, caption, n_rows):
    measured, columns = page
    table = build(columns, measured)
    assert f"<caption>{caption}" in table and len(rows_of(table)) == n_rows
    assert all(len(row) == 5 and row[-1] for row in rows_of(table))  # every row has a note


def test_the_tables_say_what_the_measurements_say(page):
    measured, columns = page
    threshold = rows_of(conv.threshold_table(columns, measured))
    assert [row[1] for row in threshold] == [conv.fmt(v) for v in columns["lib"]["threshold.values"]]
    assert threshold[1][0] == "x = 1 (= t)" and threshold[1][-1] == "shifted ReLU relu(x − t) = 0"
    batchnorm = dict((row[0], row[1:]) for row in rows_of(conv.batchnorm_table(columns, measured)))
    assert batchnorm["variance used to normalize"][-1] == (
        "lib: biased (÷ N); PyTorch: biased (÷ N); Keras: biased (÷ N)")
    overflow = rows_of(conv.overflow_table(columns, measured))
    assert overflow[0][-1] == "log(largest float16) = 11.08987"  # in float64, not rounded to float16
    assert "naive formula: [nan, 0, 0]" in overflow[1][-1]
    nonfinite = dict((row[0], row[1:]) for row in rows_of(conv.nonfinite_table(columns, measured)))
    assert nonfinite["softmax([−inf, 0, 1])"][:3] == ["[0, 0.2689414, 0.7310586]"] * 3
    assert nonfinite["softmax([−inf, 0, 1])"][-1].startswith("Same everywhere: a −inf logit")
    assert nonfinite["softmax([inf, 0])"][:3] == ["[nan, nan]"] * 3
    kinks = rows_of(conv.kinks_table(columns, measured))
    assert kinks[-1][-1].startswith("A jump, not a corner: no derivative here.")   # the threshold row
    assert all(row[-1].startswith("Left slope") for row in kinks[:-1])            # the four corners


def test_versions_table_names_each_column(page):
    measured, _ = page
    rows = rows_of(conv.versions_table(measured))
    assert [row[0] for row in rows] == ["lib", "PyTorch", "Keras"]
    assert rows[1][1] == measured["frameworks"]["torch"]["version"]


def test_check_stated_facts_holds_for_the_data_and_catches_a_change(page):
    _, columns = page
    conv.check_stated_facts(columns)
    changed = {name: dict(column) for name, column in columns.items()}
    changed["Keras"]["batchnorm.eps"] = changed["PyTorch"]["batchnorm.eps"]
    with pytest.raises(AssertionError, match="batch-norm eps"):
        conv.check_stated_facts(changed)
    masked = {name: dict(column) for name, column in columns.items()}
    masked["PyTorch"]["nonfinite.softmax.minus_inf_logit"] = [math.nan] * 3
    with pytest.raises(AssertionError, match="probability 0"):
        conv.check_stated_facts(masked)
