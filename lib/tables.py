"""Tables and numbers as text: the one table helper and the one number formatter of the course.

Every table the course shows (a chapter's measured properties, the softmax worked example, the
conventions appendix) is :func:`html_table`, usually through :class:`Table`, which a notebook displays
as HTML and prints as aligned text. The website renders a notebook's Markdown output as CommonMark,
which has no tables; HTML it shows as it is. Every number written into a table, a legend or a readout
goes through :func:`format_number`.

This module imports nothing but the standard library.
"""

from __future__ import annotations

import html
import math
import re

__all__ = ["format_number", "html_table", "Table"]


def format_number(value, digits: int = 6, *, minus: str = "-") -> str:
    """A number as short text: ``digits`` significant digits, no trailing zeros (Python's ``g``).

    NaN and the infinities are spelled ``nan``, ``inf`` and ``-inf``; ``minus`` is the sign written
    before a negative number (the conventions appendix uses the typographic minus, ``"−"``).

    Parameters
    ----------
    value : int, float or numpy scalar
    digits : int
        Significant digits.
    minus : str
        The text of a minus sign.

    Examples
    --------
    >>> format_number(0.5), format_number(2), format_number(1 / 3), format_number(1e-05)
    ('0.5', '2', '0.333333', '1e-05')
    >>> format_number(88.72283935546875, 7), format_number(-2.5, minus="−")
    ('88.72284', '−2.5')
    >>> format_number(float("nan")), format_number(float("-inf")), format_number(float("-inf"), minus="−")
    ('nan', '-inf', '−inf')
    """
    number = float(value)
    if math.isnan(number):
        return "nan"
    if math.isinf(number):
        return "inf" if number > 0 else f"{minus}inf"
    if number < 0:
        return f"{minus}{-number:.{digits}g}"
    return f"{number:.{digits}g}"


def _cell(text) -> str:
    """A cell's text as HTML: escaped, text between backticks as ``<code>``, and a range such as
    ``0.10–0.14`` kept on one line (a browser may break a line after an en dash; a word joiner,
    U+2060, after it forbids that)."""
    cell = re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(str(text), quote=False))
    return re.sub(r"(?<=\S)–(?=\S)", "–\u2060", cell)


def _aligned(align, j: int) -> str:
    return ' style="text-align: right"' if align and j < len(align) and align[j] == "r" else ""


def html_table(header, rows, caption=None, *, widths=None, align=None, css_class: str = "table") -> str:
    """An HTML table: an optional caption, a header row, and rows whose first cell heads the row.

    Parameters
    ----------
    header : sequence
        The column headings.
    rows : sequence of sequences
        The cells, row by row; each is written with ``str``, escaped, and text between backticks
        becomes ``<code>``.
    caption : str, optional
        A caption above the table.
    widths : sequence of float, optional
        Column widths in percent, one per column. They fix the layout, so that long cells wrap
        instead of widening the table past the page.
    align : str, optional
        One letter per column, ``"l"`` (left, the default) or ``"r"`` (right, for numbers).
    css_class : str
        The table's ``class`` attribute.

    Examples
    --------
    >>> print(html_table(["item", "lib"], [["`relu'(0)`", "0 < 1"]], "Kinks", align="lr"))
    <table class="table">
    <caption>Kinks</caption>
    <thead><tr><th scope="col">item</th><th scope="col" style="text-align: right">lib</th></tr></thead>
    <tbody>
    <tr><th scope="row"><code>relu'(0)</code></th><td style="text-align: right">0 &lt; 1</td></tr>
    </tbody>
    </table>
    >>> html_table(["a", "b"], [], widths=[50])
    Traceback (most recent call last):
    ...
    ValueError: widths must give one width per column (2), got 1
    """
    header = list(header)
    style = ""
    if widths is not None:
        if len(widths) != len(header):
            raise ValueError(f"widths must give one width per column ({len(header)}), got {len(widths)}")
        style = ' style="width: 100%; table-layout: fixed; overflow-wrap: break-word"'
    lines = [f'<table class="{html.escape(css_class)}"{style}>']
    if caption:
        lines.append(f"<caption>{_cell(caption)}</caption>")
    if widths is not None:
        lines.append("<colgroup>" + "".join(f'<col style="width: {w:g}%">' for w in widths) + "</colgroup>")
    lines += [
        "<thead><tr>" + "".join(f'<th scope="col"{_aligned(align, j)}>{_cell(h)}</th>'
                                for j, h in enumerate(header)) + "</tr></thead>",
        "<tbody>"]
    for row in rows:
        first, *rest = row
        lines.append(f'<tr><th scope="row"{_aligned(align, 0)}>{_cell(first)}</th>'
                     + "".join(f"<td{_aligned(align, j)}>{_cell(c)}</td>" for j, c in enumerate(rest, 1))
                     + "</tr>")
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)


class Table:
    """A table shown as HTML in a notebook and on the website (:func:`html_table`), and as aligned
    text where HTML is not shown (its ``repr``).

    Parameters
    ----------
    header, rows, caption, widths, align, css_class
        As for :func:`html_table`; ``align`` also justifies the text form's columns.

    Examples
    --------
    >>> Table(["f", "range"], [["relu", "[0, +inf)"], ["tanh", "[-1, 1]"]])
    f     range
    ----  ---------
    relu  [0, +inf)
    tanh  [-1, 1]
    >>> print(repr(Table(["", "p"], [["class 1", "0.83827"], ["sum", "1"]], "softmax", align="lr")))
    softmax
                   p
    -------  -------
    class 1  0.83827
    sum            1
    """

    def __init__(self, header, rows, caption=None, *, widths=None, align=None, css_class: str = "table"):
        self.header = [str(h) for h in header]
        self.rows = [[str(c) for c in row] for row in rows]
        self.caption = caption
        self.widths = widths
        self.align = align
        self.css_class = css_class

    def _repr_html_(self) -> str:
        return html_table(self.header, self.rows, self.caption, widths=self.widths, align=self.align,
                          css_class=self.css_class)

    def __repr__(self) -> str:
        lines = [self.header, *self.rows]
        widths = [max(len(line[j]) for line in lines) for j in range(len(self.header))]

        def text(line):
            return "  ".join(c.rjust(w) if _aligned(self.align, j) else c.ljust(w)
                             for j, (c, w) in enumerate(zip(line, widths))).rstrip()

        out = [text(self.header), text(["-" * w for w in widths])] + [text(r) for r in self.rows]
        return "\n".join(([self.caption] if self.caption else []) + out)
