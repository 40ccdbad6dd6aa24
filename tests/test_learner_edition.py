"""The learner's edition of every notebook (``learner/``, ``_ext/learner_edition.py``): made from the
chapters now, plain Markdown, and no solution in the flow.

Running each one top to bottom is the run-anywhere check's job (``tests/anywhere``: the bundle holds
these notebooks); the set of checks here needs no kernel.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from lib.exercises import solution

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(p for pattern in ("chapters/*.ipynb", "appendix/*.ipynb") for p in ROOT.glob(pattern))
MYST = re.compile(r"\{term\}|\{exercise\}|\{solution-|\{admonition\}|```\{|^:::|<!--\{", re.M)


def learner(path: Path) -> dict:
    return json.loads((ROOT / "learner" / path.relative_to(ROOT)).read_text(encoding="utf-8"))


def test_the_committed_learner_edition_is_what_the_chapters_make_now():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "learner_edition.py"), "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + "\nrun: python scripts/learner_edition.py"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_a_plain_commonmark_renderer_shows_no_myst(path):
    renderer = MarkdownIt("commonmark")
    for cell in learner(path)["cells"]:
        if cell["cell_type"] == "markdown":
            assert not MYST.search(cell["source"]), cell["source"][:200]
            html = renderer.render(cell["source"])
            assert not MYST.search(html), html[:200]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_no_solution_is_in_the_flow_and_each_is_one_call_away(path):
    source = json.loads(path.read_text(encoding="utf-8"))
    labels = re.findall(r"```\{solution-start\}\s+(\S+)",
                        "\n".join("".join(c["source"]) for c in source["cells"] if c["cell_type"] == "markdown"))
    cells = learner(path)["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    text = "\n".join("".join(c["source"]) for c in cells)
    for label in labels:
        assert f'from lib.exercises import solution\n# solution("{label}")' in code   # Run All reveals nothing
        shown = solution(label)
        for part in shown.parts:
            if part["kind"] == "code":   # the solution's code is out of the notebook
                assert part["source"] not in text, label
    assert all(not c.get("outputs") for c in cells if c["cell_type"] == "code")
    # every cell that is not a solution is still there, stubs included
    kept = [c for c in source["cells"] if c["cell_type"] == "code"   # the site's own cells go
            and "remove-cell" not in c.get("metadata", {}).get("tags", [])]
    solved = [p["source"] for label in labels for p in solution(label).parts if p["kind"] == "code"]
    assert len(code) == len(kept) - len(solved) + len(labels)


def test_solutions_travel_in_lib_and_unknown_labels_are_named():
    files = sorted((ROOT / "lib" / "exercises" / "solutions").glob("*.json"))
    labels = [label for f in files for label in json.loads(f.read_text(encoding="utf-8"))]
    assert len(labels) == len(set(labels)) == 26
    assert "```python" in solution("ex-count-dead")._repr_markdown_()
    with pytest.raises(ValueError, match="label"):
        solution("ex-no-such-exercise")


def test_terms_link_to_the_learners_glossary_which_is_plain_markdown():
    glossary = ROOT / "learner" / "appendix" / "glossary.ipynb"
    cells = json.loads(glossary.read_text(encoding="utf-8"))["cells"]
    text = "\n\n".join(c["source"] for c in cells)
    assert not MYST.search(text) and not MYST.search(MarkdownIt("commonmark").render(text))
    entries = re.findall(r"^### (.+)$", text, re.M)
    source = (ROOT / "appendix" / "glossary.md").read_text(encoding="utf-8")
    assert len(entries) == len(re.findall(r"^\S.*\n  \S", source.split("```{glossary}")[1], re.M)) > 30
    for path in SOURCES:
        notebook = ROOT / "learner" / path.relative_to(ROOT)
        links = set(re.findall(r"\[\*\*[^]]+\*\*\]\(([^)]+)\)",
                               "\n".join(c["source"] for c in learner(path)["cells"])))
        terms = "{term}" in path.read_text(encoding="utf-8")
        want = "../appendix/glossary.ipynb" if path.parent.name == "chapters" else "glossary.ipynb"
        assert links == ({want} if terms else set()), path
        assert all((notebook.parent / link).resolve() == glossary.resolve() for link in links)


def test_each_reveal_cell_shows_its_solution_once_its_hash_is_removed():
    """The reveal cell works in a fresh kernel: it imports solution itself."""
    from lib.exercises import Solution

    for path in SOURCES:
        for cell in learner(path)["cells"]:
            if cell["cell_type"] == "code" and '# solution("' in cell["source"]:
                namespace = {}
                exec(cell["source"], namespace)            # as Run All runs it: no reveal
                assert "shown" not in namespace
                exec(cell["source"].replace('# solution(', 'shown = solution(', 1), namespace)
                assert isinstance(namespace["shown"], Solution)
                assert namespace["shown"]._repr_markdown_().startswith("**Solution**")


def test_a_solution_shows_what_its_code_printed():
    shown = solution("ex-tanh-init")._repr_markdown_()
    assert "It prints:" in shown and "first layer / output layer" in shown
