"""lib.tables: the one table helper (HTML and aligned text) and the one number formatter."""

import math

import numpy as np
import pytest

from lib.tables import Table, format_number, html_table


# ---- format_number -------------------------------------------------------------------------------

@pytest.mark.parametrize("value, digits, text", [
    (0.5, 6, "0.5"), (2, 6, "2"), (1 / 3, 6, "0.333333"), (1 / 3, 3, "0.333"), (1e-05, 6, "1e-05"),
    (1234567.0, 6, "1.23457e+06"), (709.7827128933841, 7, "709.7827"), (np.float32(0.1), 6, "0.1"),
    (np.int64(-3), 6, "-3"), (0.0, 6, "0"), (-0.0, 6, "-0"), (math.nan, 6, "nan"), (math.inf, 6, "inf"),
    (-math.inf, 6, "-inf"),
])
def test_format_number(value, digits, text):
    assert format_number(value, digits) == text


def test_format_number_minus_sign():
    assert format_number(-2.5, minus="−") == "−2.5" and format_number(-math.inf, minus="−") == "−inf"
    assert format_number(2.5, minus="−") == "2.5"


def test_format_number_is_python_g_for_finite_numbers():
    rng = np.random.default_rng(0)
    for x in rng.standard_cauchy(200) * 10.0 ** rng.integers(-8, 8, 200):
        assert format_number(x) == f"{x:g}" and format_number(x, 4) == f"{x:.4g}"


def test_format_number_refuses_what_is_not_a_number():
    with pytest.raises((TypeError, ValueError)):
        format_number("abc")


# ---- html_table ----------------------------------------------------------------------------------

def test_html_table_escapes_and_heads_rows():
    table = html_table(["a", "b"], [["x<y", "`f(x)` & 1"]], "A <caption>")
    assert "<caption>A &lt;caption&gt;</caption>" in table
    assert '<tr><th scope="row">x&lt;y</th><td><code>f(x)</code> &amp; 1</td></tr>' in table
    assert table.count('<th scope="col">') == 2
    assert table.startswith('<table class="table">\n') and table.endswith("</tbody>\n</table>")


def test_html_table_without_caption_and_with_a_class():
    table = html_table(["a"], [["1"], ["2"]], css_class="table conventions")
    assert "<caption>" not in table and table.startswith('<table class="table conventions">')
    assert table.count("<tr>") == 3


def test_html_table_widths_fix_the_layout():
    table = html_table(["a", "b"], [["x", "y"]], "c", widths=[30, 70])
    assert "table-layout: fixed" in table and '<col style="width: 70%">' in table
    assert "table-layout" not in html_table(["a", "b"], [["x", "y"]], "c")
    with pytest.raises(ValueError, match="widths"):
        html_table(["a", "b"], [["x", "y"]], "c", widths=[100])


def test_html_table_aligns_columns_to_the_right():
    table = html_table(["name", "value"], [["relu", "0.25"]], align="lr")
    assert '<th scope="col" style="text-align: right">value</th>' in table
    assert '<td style="text-align: right">0.25</td>' in table
    assert '<th scope="row">relu</th>' in table and '<th scope="col">name</th>' in table


# ---- Table ---------------------------------------------------------------------------------------

def test_table_html_is_html_table():
    t = Table(["name", "value"], [["<b>", 1], ["relu", 2.5]], "cap", align="lr")
    assert t._repr_html_() == html_table(["name", "value"], [["<b>", "1"], ["relu", "2.5"]], "cap",
                                         align="lr")
    assert '<th scope="row">&lt;b&gt;</th>' in t._repr_html_()


def test_table_text_aligns_columns():
    t = Table(["name", "value"], [["<b>", 1], ["relu", 2.5]])
    assert repr(t).splitlines() == ["name  value", "----  -----", "<b>   1", "relu  2.5"]
    right = Table(["", "p"], [["class 1", "0.5"], ["sum", "1"]], "softmax", align="lr")
    assert repr(right).splitlines() == ["softmax", "           p", "-------  ---", "class 1  0.5",
                                        "sum        1"]


def test_a_range_in_a_cell_stays_on_one_line_and_prose_dashes_do_not_change():
    page = html_table(["range", "note"], [["0.10–0.14", "from 1 – to 2"]])
    assert "0.10–\u20600.14" in page
    assert "1 – to 2" in page and "–\u2060 to" not in page
