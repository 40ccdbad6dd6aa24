"""Numbers in the prose: written where a reader sees them, computed where the page is built.

A number that a markdown cell quotes from a computation is written as the number itself, followed by
an HTML comment that holds the expression computing it, in the form of an f-string field::

    The first class takes 83.83<!--{100 * p[0]:.2f}--> % of the probability.

Jupyter, JupyterLab, Colab and GitHub hide the comment and show "83.83 %", so a notebook reads the
same wherever it is opened, with nothing installed but ``lib``. The expression is evaluated in the
notebook's kernel at that point (after every code cell above the markdown cell), never inside math.

Three users of this module:

* the site build: :func:`read_notebook` is myst-nb's reader for ``.ipynb`` files (``nb_custom_formats``
  in ``_config.yml``). It puts a hidden code cell before each markdown cell that quotes numbers; the
  cell evaluates the expressions and records the text as glue data, and the number in the prose
  becomes a glue role. The page therefore shows the values computed by that very build;
* the tests: :func:`instrument` adds, before each such markdown cell, a cell that prints the values,
  and :func:`stale_numbers` compares them with the text after the notebook has run;
* ``scripts/refresh-numbers``: :func:`refresh` writes the computed values back into the text.

Only the standard library and nbformat are used here: the notebook runner of the tests imports this
module in a clean environment that has nothing else.
"""

from __future__ import annotations

import json
import re

import nbformat

#: A quoted number: the text right before ``<!--{expression}-->`` (no spaces, brackets or quotes).
MARKER = re.compile(r"(?P<literal>[^\s()\[\]{}<>*_\"'`$]*)<!--\{(?P<field>.+?)\}-->")

GLUE_PREFIX = "application/papermill.record/"
RECORD_TAG = "remove-cell"
PRINT_SENTINEL = "prose-numbers:"


def markers(markdown: str) -> list[tuple[str, str]]:
    """The ``(literal, field)`` pairs of a markdown cell, in order.

    >>> markers("p is 0.84<!--{p:.2f}--> and n is 3<!--{len(xs)}-->.")
    [('0.84', 'p:.2f'), ('3', 'len(xs)')]
    """
    return [(m["literal"], m["field"]) for m in MARKER.finditer(markdown)]


def evaluation(field: str) -> str:
    """Python source that evaluates one field to its text, as an f-string would.

    >>> p = 0.8383; eval(evaluation("100 * p:.2f"))
    '83.83'
    """
    return "f" + repr("{" + field + "}")


def _cells_with_markers(nb):
    return [(i, markers(cell.source)) for i, cell in enumerate(nb.cells)
            if cell.cell_type == "markdown" and MARKER.search(cell.source)]


def _record_cell(fields: list[tuple[str, str]]):
    """A hidden code cell that records each field's text as myst-nb glue data."""
    lines = []
    for name, field in fields:
        metadata = {"scrapbook": {"name": name, "mime_prefix": GLUE_PREFIX}}
        lines.append(f"__import__('IPython').display.display({{{GLUE_PREFIX + 'text/plain'!r}: "
                     f"{evaluation(field)}}}, raw=True, metadata={metadata!r})")
    return nbformat.v4.new_code_cell("\n".join(lines), metadata={"tags": [RECORD_TAG]})


def read_notebook(text: str, *, mode: str = "glue"):
    """myst-nb's reader for the course's notebooks: quoted numbers become glue roles.

    With ``mode="literal"`` (a build that does not execute) the numbers stay as written.
    """
    nb = nbformat.reads(text, as_version=4)
    if mode == "literal":
        return nb
    if mode != "glue":
        raise ValueError(f'mode: "glue" or "literal", got {mode!r}')
    for index, _ in reversed(_cells_with_markers(nb)):
        cell = nb.cells[index]
        fields = []

        def to_role(match, fields=fields, index=index):
            name = f"prose-{index}-{len(fields)}"
            fields.append((name, match["field"]))
            return f"{{glue:text}}`{name}`"

        cell.source = MARKER.sub(to_role, cell.source)
        nb.cells.insert(index, _record_cell(fields))
    return nb


def instrument(nb):
    """A copy of ``nb`` with a cell before each markdown cell that quotes numbers, printing them.

    Returns the copy and the list of ``(cell index in nb, literal, field)`` in the order printed.
    """
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    wanted = []
    for index, found in reversed(_cells_with_markers(nb)):
        fields = ", ".join(evaluation(field) for _, field in found)
        source = f"print({PRINT_SENTINEL!r} + __import__('json').dumps([{fields}]))"
        nb.cells.insert(index, nbformat.v4.new_code_cell(
            source, metadata={"tags": ["prose-numbers"], "prose_numbers": len(found)}))
        wanted[:0] = [(index, literal, field) for literal, field in found]
    return nb, wanted


def computed(executed_nb) -> list[str | None]:
    """The texts printed by the cells :func:`instrument` added, after the notebook has run
    (None for a field whose cell raised or did not run)."""
    values = []
    for cell in executed_nb.cells:
        if "prose-numbers" not in cell.metadata.get("tags", []):
            continue
        text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
        line = next((ln for ln in text.splitlines() if ln.startswith(PRINT_SENTINEL)), None)
        values += json.loads(line[len(PRINT_SENTINEL):]) if line else [None] * cell.metadata.prose_numbers
    return values


def _as_number(text: str) -> float | None:
    try:
        return float(text.replace("−", "-").replace(",", "").rstrip("%"))
    except (AttributeError, ValueError):
        return None


def agrees(literal: str, value: str | None, rtol: float = 0.02) -> bool:
    """Whether the quoted text still says what the computation gives.

    The same text, or two numbers within ``rtol`` of each other: the last digit of a long
    computation may differ between processors, a changed result may not.

    >>> agrees("83.83", "83.83"), agrees("0.0191", "0.0192"), agrees("0.84", "0.76")
    (True, True, False)
    """
    if value is None:
        return False
    if literal == value:
        return True
    a, b = _as_number(literal), _as_number(value)
    if a is None or b is None:
        return False
    return abs(a - b) <= rtol * max(abs(a), abs(b))


def stale_numbers(wanted, values) -> list[str]:
    """One line for each quoted number that no longer agrees with its computation."""
    problems = []
    for (index, literal, field), value in zip(wanted, values):
        if not agrees(literal, value):
            got = "no value (the expression raised or its cell did not run)" if value is None else repr(value)
            problems.append(f"markdown cell {index}: the text says {literal!r} for {{{field}}}, "
                            f"which computes {got}")
    return problems


def refresh(nb, wanted, values) -> int:
    """Write each computed value into the text of ``nb`` in place; return how many changed."""
    changed = 0
    by_cell: dict[int, list[str]] = {}
    for (index, _, _), value in zip(wanted, values):
        by_cell.setdefault(index, []).append(value)
    for index, new in by_cell.items():
        cell = nb.cells[index]
        queue = iter(new)

        def rewrite(match):
            nonlocal changed
            value = next(queue)
            if value is None or value == match["literal"]:
                return match.group(0)
            changed += 1
            return f"{value}<!--{{{match['field']}}}-->"

        cell.source = MARKER.sub(rewrite, cell.source)
    return changed
