"""Self-check questions that answer the reader without a kernel: on the website, in Jupyter, in Colab.

The questions are data, one JSON file per chapter in ``lib/exercises/questions/`` (shipped with
lib). Each question has an ``id`` such as ``"ch4-first-entry-z2-zero"`` (the chapter's number, then a
name), a ``prompt`` (``$...$`` is maths, ```code``` is code, ``**bold**`` and ``*italics*`` as in
Markdown) and a ``kind``:

* ``"number"``: an ``answer``, a ``tolerance`` (an answer within it counts), the ``compute``
  expression over ``lib`` and ``np`` that the tests evaluate to keep the answer true, ``hints`` and,
  optionally, known ``mistakes`` (a value, the expression computing it, and what went wrong);
* ``"choice"``: ``options``, each with its ``text``, whether it is ``correct`` (exactly one is) and
  its ``feedback`` (for a wrong option: the mistake, explained).

``quiz(id)`` in a code cell shows one question as a small HTML form with a short script: the
reader types a number or picks an option, presses *Check* (or Enter) and reads the feedback. A wrong
number gets its direction and rough size ("too high, by about 12 %") and a hint, never the value;
*Show the answer* gives it. The answer is only in the data the script reads, never in the page's
text. The same output works on the static website and, after running the cell, in JupyterLab,
Jupyter Notebook and Colab: the form is plain HTML, the script is defined once per page, and the
colours come from the page's theme (light or dark).

Examples
--------
>>> q = quiz("ch2-sigmoid-slope-at-2")
>>> q.question["kind"], q.question["tolerance"]
('number', 0.0005)
>>> html = q._repr_html_()
>>> "<fieldset" in html and 'aria-live="polite"' in html and "0.105" not in html
True
>>> sorted(chapters())[:2]
['01_activations', '02_derivatives']
"""

from __future__ import annotations

import base64
import functools
import html
import importlib.resources
import json
import math
import re
from typing import Any

#: Where the question files live, inside lib.
QUESTIONS = importlib.resources.files(__package__) / "questions"

_ID = re.compile(r"^ch([1-9])-[a-z0-9]+(?:-[a-z0-9]+)*$")


def chapters() -> list[str]:
    """The chapters that have questions, as file stems (``"01_activations"``, ...)."""
    return sorted(p.name[:-5] for p in QUESTIONS.iterdir() if p.name.endswith(".json"))


@functools.cache
def _load(chapter: str) -> tuple[dict, ...]:
    text = (QUESTIONS / f"{chapter}.json").read_text(encoding="utf-8")
    return tuple(json.loads(text)["questions"])


def load(chapter: str) -> list[dict]:
    """The questions of one chapter (``"04_softmax"``), in the file's order."""
    if chapter not in chapters():
        raise ValueError(f"no questions for chapter {chapter!r}; the chapters are {chapters()}")
    return [dict(q) for q in _load(chapter)]


def question(qid: str) -> dict:
    """The question with this id, e.g. ``"ch3-bound-depth-8"``."""
    match = _ID.match(qid) if isinstance(qid, str) else None
    chapter = next((c for c in chapters() if match and c.startswith(f"0{match.group(1)}_")), None)
    if chapter is None:
        raise ValueError(f"{qid!r} is not a question id: ids look like 'ch4-first-entry-z2-zero'")
    for q in _load(chapter):
        if q["id"] == qid:
            return dict(q)
    ids = ", ".join(q["id"] for q in _load(chapter))
    raise ValueError(f"no question {qid!r} in {chapter}; its questions are: {ids}")


def quiz(qid: str) -> "Quiz":
    """The self-check question ``qid``, ready to display (the last expression of a cell).

    Examples
    --------
    >>> quiz("ch5-variance-of-three")  # doctest: +ELLIPSIS
    Self-check: What is the variance σ^2 of the three values 1, 2 and 6? Give three decimals. (...)
    """
    return Quiz(question(qid))


class Quiz:
    """One question, displayed as an HTML form (``_repr_html_``) that checks answers in the browser."""

    def __init__(self, question: dict):
        self.question = question

    def __repr__(self) -> str:
        prompt = plain_text(self.question["prompt"])
        return (f"Self-check: {prompt} (The interactive form needs a browser: run this cell in "
                "Jupyter, or read this chapter on the course website.)")

    def _repr_html_(self) -> str:
        return render(self.question)


# -- text: maths, code and bold in prompts and feedback ---------------------------------------------

_MATH = re.compile(r"\$([^$]+)\$")
_CODE = re.compile(r"`([^`]+)`")
_BOLD = re.compile(r"\*\*([^*]+)\*\*")
_EM = re.compile(r"(?<![*\w])\*([^*\s][^*]*)\*(?![*\w])")

_TEX_WORDS = {
    r"\sigma": "σ", r"\tanh": "tanh", r"\mu": "μ", r"\alpha": "α", r"\beta": "β", r"\gamma": "γ",
    r"\epsilon": "ε", r"\varepsilon": "ε", r"\eta": "η", r"\lambda": "λ", r"\delta": "δ",
    r"\chi": "χ", r"\ln": "ln",
    r"\partial": "∂", r"\infty": "∞", r"\cdot": "·", r"\times": "×", r"\approx": "≈", r"\le": "≤",
    r"\ge": "≥", r"\ne": "≠", r"\to": "→", r"\leftarrow": "←", r"\rightarrow": "→", r"\pm": "±",
    r"\sum": "Σ", r"\prod": "Π", r"\max": "max",
    r"\min": "min", r"\log": "log", r"\exp": "exp", r"\ldots": "…", r"\dots": "…", r"\lVert": "‖",
    r"\rVert": "‖", r"\top": "ᵀ", r"\in": "∈", r"\left": "", r"\right": "", r"\,": " ", r"\;": " ",
    r"\ ": " ",
    r"\quad": "  ",
}
_TEX_WORD = re.compile(r"\\[A-Za-z]+|\\[,; ]")


def plain_tex(tex: str) -> str:
    r"""A readable plain-text form of a short TeX formula, for pages where no MathJax typesets it.

    Examples
    --------
    >>> plain_tex(r"\sigma'(x) = \sigma(x)\,(1 - \sigma(x))")
    "σ'(x) = σ(x) (1 - σ(x))"
    >>> plain_tex(r"4^{-n} \le \frac{1}{4} = \tfrac14")
    '4^(-n) ≤ (1)/(4) = 1/4'
    """
    # symbols first, while every command still ends where its name does
    text = _TEX_WORD.sub(lambda m: _TEX_WORDS.get(m.group(), m.group()), tex)
    text = re.sub(r"\\(?:text|mathrm|mathbf|operatorname)\{([^{}]*)\}", r"\1", text)
    text = re.sub(r"\\sqrt\s*(\w)", r"√\1", text)
    for _ in range(3):  # inner formulas first: \sqrt{\frac{1}{2}}
        text = re.sub(r"\\t?frac\{([^{}]*)\}\{([^{}]*)\}", r"(\1)/(\2)", text)
        text = re.sub(r"\\t?frac(\d)(\d)", r"\1/\2", text)
        text = re.sub(r"\\sqrt\{([^{}]*)\}", r"√(\1)", text)
        text = re.sub(r"\^\{([^{}]*)\}", lambda m: "^" + (m.group(1) if len(m.group(1)) == 1
                                                        else f"({m.group(1)})"), text)
        text = re.sub(r"_\{([^{}]*)\}", r"_\1", text)
    text = text.replace("{", "").replace("}", "").replace("^ᵀ", "ᵀ").replace("∂ ", "∂")
    return re.sub(r"  +", " ", text).strip()


def plain_text(text: str) -> str:
    """The prompt or feedback as plain text: maths in plain form, no markup.

    Examples
    --------
    >>> plain_text("Compute `act.tanh` at $x = 1$, **by hand**.")
    'Compute act.tanh at x = 1, by hand.'
    """
    text = _MATH.sub(lambda m: plain_tex(m.group(1)), text)
    return _EM.sub(r"\1", _BOLD.sub(r"\1", _CODE.sub(r"\1", text)))


def inline_html(text: str) -> str:
    r"""HTML for a prompt, an option or a feedback: maths as MathJax spans, code, bold, italics.

    A maths span is written as myst-nb writes inline maths on the website (class ``math``, which
    MathJax typesets there), with its plain form in ``data-plain`` for pages without MathJax.

    Examples
    --------
    >>> inline_html("Is $a < b$? Use `np.exp`.")
    'Is <span class="math notranslate nohighlight" data-plain="a &lt; b">\\(a &lt; b\\)</span>? Use <code>np.exp</code>.'
    """
    parts = []
    for i, piece in enumerate(_MATH.split(text)):
        if i % 2:  # inside $...$
            plain = html.escape(plain_tex(piece), quote=True)
            parts.append(f'<span class="math notranslate nohighlight" data-plain="{plain}">'
                         f"\\({html.escape(piece, quote=False)}\\)</span>")
        else:
            piece = html.escape(piece, quote=False)
            piece = _CODE.sub(r"<code>\1</code>", piece)
            piece = _BOLD.sub(r"<strong>\1</strong>", piece)
            parts.append(_EM.sub(r"<em>\1</em>", piece))
    return "".join(parts)


# -- numbers ------------------------------------------------------------------------------------------

def display_answer(answer: float, tolerance: float) -> str:
    """The answer written to the digits its tolerance asks for (at least three significant ones).

    A tolerance of half a unit of some decimal place (0.0005) asks for that place (three decimals).

    Examples
    --------
    >>> display_answer(0.104993585, 0.0005), display_answer(1.52587890625e-05, 1e-7)
    ('0.105', '1.53e-05')
    >>> display_answer(2.7, 0.005), display_answer(12.01, 0.005)
    ('2.70', '12.01')
    """
    if answer == 0:
        return "0"
    exponent = math.floor(math.log10(abs(answer)))
    last = math.floor(math.log10(2 * tolerance) + 1e-9) if tolerance > 0 else exponent - 5
    digits = max(3, exponent - last + 1)
    if -4 <= exponent < 6:
        return f"{answer:.{max(0, digits - exponent - 1)}f}"
    return f"{answer:.{digits - 1}e}"


# -- the form -----------------------------------------------------------------------------------------

def _payload(q: dict) -> str:
    """What the script needs, base64-encoded JSON: nothing of it is page text."""
    if q["kind"] == "number":
        data = {
            "kind": "number",
            "answer": q["answer"],
            "tolerance": q["tolerance"],
            "display": display_answer(q["answer"], q["tolerance"]),
            "hints": [inline_html(h) for h in q["hints"]],
            "mistakes": [[m["value"], inline_html(m["feedback"])] for m in q.get("mistakes", [])],
            "explanation": inline_html(q.get("explanation", "")),
        }
    else:
        data = {
            "kind": "choice",
            "correct": next(i for i, o in enumerate(q["options"]) if o.get("correct")),
            "feedback": [inline_html(o["feedback"]) for o in q["options"]],
        }
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(raw).decode("ascii")


def render(q: dict) -> str:
    """The HTML of one question: a form, its styles and the (once-per-page) script."""
    tag = "Predict, then check" if q.get("explorer") else "Self-check"
    parts = [
        f'<form class="course-quiz" data-qid="{html.escape(q["id"])}" data-kind="{q["kind"]}" '
        f'data-quiz="{_payload(q)}" autocomplete="off" novalidate>',
        "<fieldset>",
        f'<legend><span class="course-quiz-tag">{tag}:</span> {inline_html(q["prompt"])}</legend>',
    ]
    if q["kind"] == "number":
        parts += [
            '<div class="course-quiz-answer"><label>Your answer '
            '<input type="text" inputmode="decimal" name="answer" spellcheck="false" '
            'autocomplete="off"></label></div>',
        ]
    else:
        parts.append('<div class="course-quiz-options">')
        for i, option in enumerate(q["options"]):
            name = html.escape(plain_text(option["text"]), quote=True)
            parts.append(f'<label><input type="radio" name="choice" value="{i}" aria-label="{name}"> '
                         f'<span>{inline_html(option["text"])}</span></label>')
        parts.append("</div>")
    parts.append('<div class="course-quiz-actions"><button type="submit">Check</button>')
    if q["kind"] == "number":
        parts.append('<button type="button" data-action="reveal">Show the answer</button>')
    parts += [
        "</div>",
        '<p class="course-quiz-feedback" role="status" aria-live="polite"></p>',
        '<p class="course-quiz-needs-script">This self-check needs its script: run this cell in '
        "Jupyter (or read the chapter on the course website).</p>",
        "</fieldset>",
        "</form>",
    ]
    return f"<style>{STYLE}</style>" + "".join(parts) + f"<script>{SCRIPT}</script>"


#: Where the form's styles and script live, inside lib (they are inlined with each form, so that an
#: output works wherever it is shown).
STATIC = importlib.resources.files(__package__) / "static"
STYLE = (STATIC / "quiz.css").read_text(encoding="utf-8")
SCRIPT = (STATIC / "quiz.js").read_text(encoding="utf-8")

__all__ = ["quiz", "question", "load", "chapters", "Quiz", "render", "inline_html", "plain_text",
           "plain_tex", "display_answer"]
