"""The learner's edition of a notebook: plain Markdown, and every solution out of the flow.

The repository's notebooks are written for the site build: MyST roles and directives (``{term}``,
``{exercise}``, ``{solution-start}`` ... ``{solution-end}``, ``{admonition}``) and prose numbers
(``0.25<!--{expr}-->``). Jupyter, Notebook 7, VS Code and Colab show those as code, and show every
worked solution right below its exercise. :func:`learner_edition` turns one notebook into the one a
learner gets:

* a term becomes its word in bold, a link to the learner's glossary (``appendix/glossary.ipynb``
  beside the notebooks, :func:`learner_glossary`); an exercise becomes a quoted block titled
  *Exercise* with its label; an admonition becomes a quoted block under its bold title; a prose
  number keeps its value and loses its expression;
* each solution (its Markdown, its code cells and what they printed) leaves the notebook. In its
  place stands a Markdown line and a code cell that imports ``solution`` and whose call,
  ``# solution("ex-...")``, is a comment: running the notebook top to bottom reveals nothing, and a
  learner who removes the ``#`` and runs the cell sees the solution (:func:`lib.exercises.solution`,
  from ``lib/exercises/solutions/``);
* the site's own cells (tagged ``remove-cell``) go, and outputs are cleared: the learner runs the
  notebook.

``scripts/learner_edition.py`` writes every learner notebook to ``learner/`` and every solution to
``lib/exercises/solutions/<notebook>.json``, and checks that what is committed is what this module
makes now.
"""

from __future__ import annotations

import copy
import re

#: The line of a solution-start fence: ``{solution-start} ex-label``.
_START = re.compile(r"^```\{solution-start\}\s+(\S+)\s*$")
_END = re.compile(r"^```\{solution-end\}\s*$")
_EXERCISE = re.compile(r"^```\{exercise\}\s*$")
_ADMONITION = re.compile(r"^:::\{admonition\}\s*(.*)$")
_OPTION = re.compile(r"^:[a-z-]+:")
_TERM = re.compile(r"\{term\}`([^`<]+?)(?:\s*<[^`>]+>)?`")
_PROSE_NUMBER = re.compile(r"<!--\{.*?\}-->")


def plain_markdown(text: str, glossary: str | None = None) -> str:
    r"""MyST inline markup as plain Markdown: a term in bold (a link to ``glossary``, the learner's
    glossary, when given), a prose number without its expression.

    >>> plain_markdown("A {term}`dying ReLU` unit; {term}`logits <logit>`; 0.25<!--{x:.2f}-->.")
    'A **dying ReLU** unit; **logits**; 0.25.'
    >>> plain_markdown("the {term}`gain`", "../appendix/glossary.ipynb")
    'the [**gain**](../appendix/glossary.ipynb)'
    >>> plain_markdown("seen in\n1<!--{n}-->. run")   # not a numbered list
    'seen in\n1\\. run'
    """
    term = r"**\1**" if glossary is None else rf"[**\1**]({glossary})"
    # a quoted number that opens a line, before "." or ")", would start a numbered list: "1\."
    text = re.sub(r"^(\s*[\d.]*\d)(<!--\{.*?\}-->)(?=[.)](\s|$))", r"\1\2\\", text, flags=re.M)
    return _PROSE_NUMBER.sub("", _TERM.sub(term, text))


def learner_glossary(text: str) -> dict:
    r"""The glossary page (MyST: a ``{glossary}`` directive) as a notebook of plain Markdown, which
    Jupyter and Colab render when a term's link opens it: its introduction, then one cell per entry,
    a heading (the entry's other names in brackets) over its definition.

    >>> nb = learner_glossary("# Glossary\n\n```{glossary}\nlogit\nlogits\n  A score {term}`softmax`\n"
    ...                       "  turns into a probability.\n```\n")
    >>> [cell["source"] for cell in nb["cells"]]
    ['# Glossary', '### logit (logits)\n\nA score **softmax**\nturns into a probability.']
    """
    parts, names, inside = [[]], [], False
    for line in text.split("\n"):
        if line.startswith("```{glossary}"):
            inside = True
            continue
        if inside and line.startswith("```"):
            inside = False
            continue
        if not inside:
            parts[-1].append(line)
        elif line and not line.startswith(" "):   # a term, or another name of it
            names.append(line.strip())
        elif line.strip():
            if names:
                others = f" ({', '.join(names[1:])})" if len(names) > 1 else ""
                parts.append([f"### {names[0]}{others}", ""])
                names = []
            parts[-1].append(line.strip())
    cells = [{"cell_type": "markdown", "id": f"glossary-{k}", "metadata": {},
              "source": plain_markdown("\n".join(part).strip("\n"))}
             for k, part in enumerate(parts) if "".join(part).strip()]
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _quoted(lines: list[str]) -> list[str]:
    return [f"> {line}" if line else ">" for line in lines]


def _blocks(text: str) -> str:
    """The exercise and admonition directives of one Markdown text as quoted blocks."""
    lines, out, i = text.split("\n"), [], 0
    while i < len(lines):
        line = lines[i]
        exercise, admonition = _EXERCISE.match(line), _ADMONITION.match(line)
        if not (exercise or admonition):
            out.append(line)
            i += 1
            continue
        fence = "```" if exercise else ":::"
        i += 1
        label = None
        while i < len(lines) and _OPTION.match(lines[i]):
            if lines[i].startswith(":label:"):
                label = lines[i].split(":", 2)[2].strip()
            i += 1
        body = []
        while i < len(lines) and lines[i].rstrip() != fence:
            body.append(lines[i])
            i += 1
        i += 1  # the closing fence
        while body and not body[0].strip():
            body.pop(0)
        # a formula that spans lines would take the quote's ">" into it: one line each
        body = re.sub(r"\$[^$]+\$", lambda m: re.sub(r"\s*\n\s*", " ", m.group(0)),
                      "\n".join(body)).split("\n")
        if exercise:
            title = "**Exercise**" + (f" (`{label}`)" if label else "")
        else:
            title = f"**{admonition.group(1).strip()}**"
        out += _quoted([title, ""] + body)
    return "\n".join(out)


def _printed(cell: dict) -> dict:
    """What a solution's code cell printed when the chapter ran (its text, and whether it drew a
    figure), so that the solution can show it without running."""
    text, figure = [], False
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            text.append("".join(output["text"]))
        elif "image/png" in data or "<figure" in "".join(data.get("text/plain", "")):
            figure = True
        elif "text/plain" in data and "text/html" not in data:
            text.append("".join(data["text/plain"]) + "\n")
    shown = {"output": "".join(text).rstrip("\n")} if text else {}
    return {**shown, "figure": True} if figure else shown


def _reveal(label: str) -> tuple[dict, dict]:
    """The Markdown line and the code cell that stand where solution ``label`` was."""
    text = (f"*A worked solution of `{label}` is one cell away: remove the `#` before `solution` in the "
            "next cell and run it, once you have tried.*")
    return ({"cell_type": "markdown", "metadata": {}, "source": text},
            {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
             "source": f'from lib.exercises import solution\n# solution("{label}")'})


def learner_edition(nb: dict, glossary: str | None = None) -> tuple[dict, dict]:
    """The learner's edition of notebook ``nb`` (a dict as nbformat reads it, version 4) and its
    solutions, ``{label: [{"kind": "markdown" | "code", "source": str}, ...]}``. Terms link to
    ``glossary`` (the learner's glossary, relative to the notebook), when given.

    >>> nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
    ...     {"cell_type": "markdown", "metadata": {}, "source":
    ...      "```{exercise}\\n:label: ex-a\\n\\nAdd.\\n```\\n\\n```{solution-start} ex-a\\n"
    ...      ":class: dropdown\\n```\\n\\nAdd them."},
    ...     {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 1,
    ...      "source": "1 + 1"},
    ...     {"cell_type": "markdown", "metadata": {}, "source": "```{solution-end}\\n```\\n\\nOn."}]}
    >>> learner, solutions = learner_edition(nb)
    >>> [c["source"] for c in learner["cells"]][-2:]
    ['from lib.exercises import solution\\n# solution("ex-a")', 'On.']
    >>> print(learner["cells"][0]["source"])
    > **Exercise** (`ex-a`)
    >
    > Add.
    >>> solutions["ex-a"]
    [{'kind': 'markdown', 'source': 'Add them.'}, {'kind': 'code', 'source': '1 + 1'}]
    """
    learner = copy.deepcopy(nb)
    cells, solutions, label = [], {}, None

    def add_markdown(text: str) -> None:
        text = text.strip("\n")
        if not text.strip():
            return
        if label is None:
            cells.append({"cell_type": "markdown", "metadata": {},
                          "source": _blocks(plain_markdown(text, glossary))})
        else:
            solutions[label].append({"kind": "markdown", "source": _blocks(plain_markdown(text))})

    for cell in nb["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "code":
            if "remove-cell" in cell.get("metadata", {}).get("tags", []):
                continue   # the site's own (a check of the page's facts): nothing for a learner
            if label is None:
                cells.append({**copy.deepcopy(cell), "source": source, "outputs": [],
                              "execution_count": None})
            else:
                solutions[label].append({"kind": "code", "source": source, **_printed(cell)})
            continue
        lines, part, i = source.split("\n"), [], 0
        while i < len(lines):
            start, end = _START.match(lines[i]), _END.match(lines[i])
            if start or end:
                add_markdown("\n".join(part))
                part = []
                i += 1
                while i < len(lines) and _OPTION.match(lines[i]):
                    i += 1
                if i < len(lines) and lines[i].strip() == "```":
                    i += 1
                if start:
                    label = start.group(1)
                    solutions[label] = []
                    cells.extend(_reveal(label))
                else:
                    label = None
                continue
            part.append(lines[i])
            i += 1
        add_markdown("\n".join(part))
    if label is not None:
        raise ValueError(f"solution {label!r} has no solution-end")
    for cell in cells:   # nbformat 4.5 wants an id per cell: a stable one, from its position
        cell.setdefault("id", f"learner-{len([c for c in cells if 'id' in c])}")
    learner["cells"] = cells
    learner["nbformat_minor"] = max(int(learner.get("nbformat_minor", 5)), 5)
    learner.setdefault("metadata", {}).pop("widgets", None)
    return learner, solutions
