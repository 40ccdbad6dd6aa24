"""Tests for _ext/prose_numbers.py: quoted numbers, the site's reader, the check and the refresh."""

import json
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_ext"))

import prose_numbers as pn  # noqa: E402


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    for kind, source in cells:
        nb.cells.append(nbformat.v4.new_code_cell(source) if kind == "code" else nbformat.v4.new_markdown_cell(source))
    return nb


NB = notebook(
    ("code", "p = [0.83827, 0.01894]\nxs = [1, 2, 3]"),
    ("markdown", "The first class takes 83.83<!--{100 * p[0]:.2f}--> %, (1.89<!--{100 * p[1]:.2f}-->)."),
    ("markdown", "No numbers here."),
    ("code", "xs = xs + [4]"),
    ("markdown", "Now **4<!--{len(xs)}-->** items."),
)


def test_markers_take_the_number_right_before_the_comment():
    assert pn.markers(NB.cells[1].source) == [("83.83", "100 * p[0]:.2f"), ("1.89", "100 * p[1]:.2f")]
    assert pn.markers(NB.cells[4].source) == [("4", "len(xs)")]
    assert pn.markers("`momentum=`0.1<!--{m:g}-->") == [("0.1", "m:g")]
    assert pn.markers("no marker <!-- a plain comment -->") == []


def test_a_field_evaluates_like_an_f_string_field():
    namespace = {"p": [0.5, 0.25], "d": {"k": 3}}
    assert eval(pn.evaluation("100 * p[1]:.1f"), namespace) == "25.0"
    assert eval(pn.evaluation('d["k"]'), namespace) == "3"
    assert eval(pn.evaluation("p[1:]"), namespace) == "[0.25]"


def test_the_reader_turns_numbers_into_glue_roles_recorded_by_a_hidden_cell_before_them(monkeypatch):
    nb = pn.read_notebook(nbformat.writes(NB))
    kinds = [c.cell_type for c in nb.cells]
    assert kinds == ["code", "code", "markdown", "markdown", "code", "code", "markdown"]
    assert nb.cells[2].source == ("The first class takes {glue:text}`prose-1-0` %, ({glue:text}`prose-1-1`).")
    assert nb.cells[6].source == "Now **{glue:text}`prose-4-0`** items."
    assert nb.cells[1].metadata.tags == ["remove-cell"] and nb.cells[5].metadata.tags == ["remove-cell"]
    shown = []
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda data, raw, metadata: shown.append((data, metadata)))
    namespace = {}
    for cell in nb.cells:
        if cell.cell_type == "code":
            exec(cell.source, namespace)
    assert [(m["scrapbook"]["name"], d[pn.GLUE_PREFIX + "text/plain"]) for d, m in shown] == [
        ("prose-1-0", "83.83"), ("prose-1-1", "1.89"), ("prose-4-0", "4")]
    assert all(m["scrapbook"]["mime_prefix"] == pn.GLUE_PREFIX for _, m in shown)


def test_the_reader_leaves_the_text_alone_in_literal_mode_and_refuses_other_modes():
    assert pn.read_notebook(nbformat.writes(NB), mode="literal") == NB
    with pytest.raises(ValueError, match="mode"):
        pn.read_notebook(nbformat.writes(NB), mode="roles")


def run_instrumented(nb):
    """Execute the code cells of an instrumented notebook in one namespace, as a kernel would."""
    namespace = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        lines = []
        namespace["print"] = lambda *a: lines.append(" ".join(map(str, a)))
        try:
            exec(cell.source, namespace)
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="\n".join(lines) + "\n")]
        except Exception as error:  # noqa: BLE001 - a raising expression is what the test looks at
            cell.outputs = [nbformat.v4.new_output("error", ename=type(error).__name__, evalue=str(error), traceback=[])]
    return nb


def test_instrument_and_check_find_a_number_that_no_longer_agrees():
    instrumented, wanted = pn.instrument(NB)
    assert wanted == [(1, "83.83", "100 * p[0]:.2f"), (1, "1.89", "100 * p[1]:.2f"), (4, "4", "len(xs)")]
    assert NB.cells[1].source.count("<!--") == 2 and len(NB.cells) == 5  # the original is untouched
    values = pn.computed(run_instrumented(instrumented))
    assert values == ["83.83", "1.89", "4"]
    assert pn.stale_numbers(wanted, values) == []

    changed = nbformat.from_dict(json.loads(json.dumps(NB)))
    changed.cells[3].source = "xs = xs + [4, 5]"  # the computation moved on; the text did not
    instrumented, wanted = pn.instrument(changed)
    values = pn.computed(run_instrumented(instrumented))
    assert values[-1] == "5"
    assert pn.stale_numbers(wanted, values) == [
        "markdown cell 4: the text says '4' for {len(xs)}, which computes '5'"]
    assert pn.refresh(changed, wanted, values) == 1
    assert changed.cells[4].source == "Now **5<!--{len(xs)}-->** items."


def test_an_expression_that_raises_is_reported_not_hidden():
    nb = notebook(("markdown", "Undefined 3<!--{missing + 1}-->."))
    instrumented, wanted = pn.instrument(nb)
    values = pn.computed(run_instrumented(instrumented))
    assert values == [None]
    assert "no value" in pn.stale_numbers(wanted, values)[0]


@pytest.mark.parametrize("literal, value, same", [
    ("83.83", "83.83", True), ("0.0191", "0.0192", True), ("2.9e-09", "2.95e-09", True),
    ("0.84", "0.76", False), ("653", "654", True), ("653", "700", False), ("abc", "abd", False),
    ("1.5", None, False), ("99.2%", "99.1%", True), ("−3.53", "-3.53", True),
])
def test_agrees_allows_the_last_digit_of_a_long_computation_only(literal, value, same):
    assert pn.agrees(literal, value) is same
