"""What a reader sees in the notebooks' code cells: the computation, not the plumbing.

Every code line fits the page's 88 columns, and no cell spells out a figure's description as a long
string: a long alt text is built by the view from the same data (``views.<...>_alt``), so the cell
stays what a learner would type.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted([*ROOT.glob("chapters/*.ipynb"), *ROOT.glob("appendix/*.ipynb")])
COLUMNS = 88
ALT_LINES = 4  # an alt text written in the cell spans at most this many source lines


def code_cells(path: Path):
    for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type == "code":
            yield i, cell.source


def python_of(source: str) -> str:
    """The cell without IPython's magics and shell lines (they are not Python)."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_code_lines_fit_88_columns(path):
    long = [f"cell {i}: {line[:60]}... ({len(line)} columns)"
            for i, source in code_cells(path) for line in source.splitlines() if len(line) > COLUMNS]
    assert not long, f"{path.name}: {len(long)} code line(s) wider than {COLUMNS} columns\n" + "\n".join(long)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_cell_spells_out_a_long_alt_text(path):
    found = []
    for i, source in code_cells(path):
        for node in ast.walk(ast.parse(python_of(source))):
            if isinstance(node, ast.keyword) and node.arg == "alt" and isinstance(node.value, (ast.Constant, ast.JoinedStr, ast.BinOp)):
                lines = node.value.end_lineno - node.value.lineno + 1
                if lines > ALT_LINES:
                    found.append(f"cell {i}: alt text written over {lines} lines")
    assert not found, f"{path.name}: build these alt texts in the view\n" + "\n".join(found)

