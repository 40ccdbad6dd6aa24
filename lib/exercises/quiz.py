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


#: The form's styles: the page theme's colours (pydata-sphinx-theme on the website, JupyterLab's
#: variables in Jupyter), so light and dark mode both read well; plain inherited colours elsewhere.
STYLE = """
.course-quiz{margin:1rem 0;max-width:46rem}
.course-quiz fieldset{margin:0;min-width:0;padding:.6rem 1rem .8rem;border:1px solid var(--pst-color-border,var(--jp-border-color1,#8889));border-left:4px solid var(--pst-color-primary,var(--jp-brand-color1,#2a6cb3));border-radius:4px;background:var(--pst-color-surface,transparent);color:var(--pst-color-text-base,var(--jp-content-font-color1,inherit))}
.course-quiz legend{float:left;width:100%;padding:0;margin:0 0 .5rem;font-size:1rem;line-height:1.5;color:inherit}
.course-quiz legend+*{clear:both}
.course-quiz-tag{font-weight:700}
.course-quiz-options{display:flex;flex-direction:column;gap:.2rem}
.course-quiz-options label{display:flex;gap:.55em;align-items:baseline;margin:0;padding:.3rem .5rem;border:1px solid transparent;border-radius:4px;cursor:pointer}
.course-quiz-options label:hover{border-color:var(--pst-color-border,var(--jp-border-color1,#8889))}
.course-quiz-options label[data-state=wrong]{border-color:var(--pst-color-danger,#c62828)}
.course-quiz-options label[data-state=correct]{border-color:var(--pst-color-success,#2e7d32)}
.course-quiz input[type=radio]{flex:none;margin:0;accent-color:var(--pst-color-primary,auto)}
.course-quiz input[type=text]{font:inherit;width:11em;margin-left:.4em;padding:.2rem .45rem;color:inherit;background:var(--pst-color-background,var(--jp-layout-color0,transparent));border:1px solid var(--pst-color-text-muted,var(--jp-border-color1,#777));border-radius:4px}
.course-quiz-actions{display:flex;flex-wrap:wrap;gap:.6rem;margin-top:.6rem}
.course-quiz button{font:inherit;font-size:.95rem;padding:.2rem .9rem;color:inherit;background:transparent;border:2px solid var(--pst-color-primary,var(--jp-brand-color1,#2a6cb3));border-radius:4px;cursor:pointer}
.course-quiz button:hover{background:var(--pst-color-surface,transparent);text-decoration:underline}
.course-quiz :focus-visible{outline:3px solid var(--pst-color-accent,var(--jp-brand-color1,#c2410c));outline-offset:2px}
.course-quiz-feedback{margin:.6rem 0 0;padding:.35rem .6rem;border-left:4px solid var(--pst-color-border,#8889)}
.course-quiz-feedback:empty{margin:0;padding:0;border:0}
.course-quiz-feedback[data-state=correct]{border-left-color:var(--pst-color-success,#2e7d32)}
.course-quiz-feedback[data-state=wrong]{border-left-color:var(--pst-color-danger,#c62828)}
.course-quiz-feedback[data-state=revealed]{border-left-color:var(--pst-color-info,#0277bd)}
.course-quiz-needs-script{margin:.5rem 0 0;font-size:.9rem}
.course-quiz.is-ready .course-quiz-needs-script{display:none}
"""

#: The checking script. Everything is defined once per page (``window.courseQuiz``, a newer version
#: replacing an older one); each output only marks its forms ready. Listeners sit on the document,
#: so a form answers however and whenever it was added.
SCRIPT = r"""
(function () {
  var VERSION = 2;
  if (window.courseQuiz && window.courseQuiz.version >= VERSION) { window.courseQuiz.init(); return; }
  var Q = {version: VERSION};
  window.courseQuiz = Q;

  function decode(text) {
    var bytes = atob(text), codes = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) codes[i] = bytes.charCodeAt(i);
    return JSON.parse(new TextDecoder().decode(codes));
  }
  function data(form) {
    if (!form.courseQuizData) form.courseQuizData = decode(form.getAttribute('data-quiz'));
    return form.courseQuizData;
  }
  function plain(root) {
    root.querySelectorAll('span.math[data-plain]').forEach(function (span) {
      if (!span.querySelector('mjx-container, .MathJax, .katex, svg')) span.textContent = span.getAttribute('data-plain');
    });
  }
  function untab(root) {
    // MathJax puts every formula in the tab order (for its menu); inside a form that would stand
    // between the controls. The formulas stay readable: the controls carry plain-text names.
    root.querySelectorAll('mjx-container[tabindex]:not([tabindex="-1"])').forEach(function (m) {
      m.setAttribute('tabindex', '-1');
    });
  }
  function keepUntabbed(form) {
    // MathJax typesets the form's formulas on its own schedule (on the page, in JupyterLab) and
    // may render them again later: whenever a formula enters the tab order, take it out.
    untab(form);
    if (!window.MutationObserver) return;
    new MutationObserver(function () {
      if (form.querySelector('mjx-container[tabindex]:not([tabindex="-1"])')) untab(form);
    }).observe(form, {subtree: true, childList: true, attributes: true, attributeFilter: ['tabindex']});
  }
  function typeset(root) {
    var mj = window.MathJax;
    if (mj && mj.typesetPromise) {
      (mj.startup && mj.startup.promise ? mj.startup.promise : Promise.resolve())
        .then(function () { return mj.typesetPromise([root]); })
        .catch(function () { plain(root); });
    } else if (mj && mj.Hub && mj.Hub.Queue) {
      mj.Hub.Queue(['Typeset', mj.Hub, root]);
    } else {
      plain(root);
    }
  }
  function say(form, state, html) {
    var box = form.querySelector('.course-quiz-feedback');
    box.setAttribute('data-state', state);
    box.innerHTML = html;
    typeset(box);
  }
  function parse(text) {
    var s = String(text).trim().replace(/[\u2212\u2013]/g, '-').replace(/\s+/g, '');
    var scale = 1;
    if (/%$/.test(s)) { scale = 0.01; s = s.slice(0, -1); }
    if (/^[-+]?\d+,\d+$/.test(s)) s = s.replace(',', '.');
    var num = '[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:e[-+]?\\d+)?';
    var m = new RegExp('^(' + num + ')(?:/(' + num + '))?$', 'i').exec(s);
    if (!m) return NaN;
    var value = parseFloat(m[1]) / (m[2] === undefined ? 1 : parseFloat(m[2]));
    return value * scale;
  }
  function round(x) { return x >= 10 ? Math.round(x) : Math.round(x * 10) / 10; }
  function howFar(given, answer) {
    // Which way and roughly how far, never the answer (as lib.exercises.how_far words it).
    var direction = given > answer ? 'too high' : 'too low';
    if (answer === 0) return direction + ', by ' + Number(Math.abs(given).toPrecision(2));
    if (given === 0) return direction + ' (you gave 0)';
    var ratio = given / answer;
    if (ratio < 0) return 'of the wrong sign';
    if (ratio >= 2) return 'about ' + round(ratio) + ' times too large';
    if (ratio <= 0.5) return 'about ' + round(1 / ratio) + ' times too small';
    var percent = Math.abs(ratio - 1) * 100;
    return direction + ', by about ' + (percent >= 1 ? Math.round(percent) : Number(percent.toPrecision(1))) + ' %';
  }
  function checkNumber(form, d) {
    var input = form.querySelector('input[name=answer]');
    var text = input.value.trim();
    if (!text) { say(form, 'wrong', 'Type a number first, then press Check.'); return; }
    var given = parse(text);
    if (!isFinite(given)) {
      say(form, 'wrong', 'Not a number I can read: type digits such as 0.25, -1.5 or 2e-3.');
      return;
    }
    if (Math.abs(given - d.answer) <= d.tolerance * (1 + 1e-9)) {
      say(form, 'correct', 'Correct: ' + d.display + '. ' + d.explanation);
      return;
    }
    var attempts = (form.courseQuizAttempts || 0) + 1;
    form.courseQuizAttempts = attempts;
    for (var i = 0; i < d.mistakes.length; i++) {
      if (Math.abs(given - d.mistakes[i][0]) <= d.tolerance * (1 + 1e-9)) {
        say(form, 'wrong', 'Not quite. ' + d.mistakes[i][1]);
        return;
      }
    }
    var hint = d.hints.length ? ' Hint: ' + d.hints[(attempts - 1) % d.hints.length] : '';
    say(form, 'wrong', 'Not quite: your answer is ' + howFar(given, d.answer) + '.' + hint);
  }
  function checkChoice(form, d) {
    var chosen = form.querySelector('input[name=choice]:checked');
    form.querySelectorAll('.course-quiz-options label').forEach(function (l) { l.removeAttribute('data-state'); });
    if (!chosen) { say(form, 'wrong', 'Choose one of the options first, then press Check.'); return; }
    var i = Number(chosen.value), right = i === d.correct;
    chosen.closest('label').setAttribute('data-state', right ? 'correct' : 'wrong');
    say(form, right ? 'correct' : 'wrong', (right ? 'Correct. ' : 'Not quite. ') + d.feedback[i]);
  }
  Q.check = function (form) {
    var d = data(form);
    if (d.kind === 'number') checkNumber(form, d); else checkChoice(form, d);
  };
  Q.reveal = function (form) {
    var d = data(form);
    say(form, 'revealed', 'The answer is ' + d.display + '. ' + d.explanation);
  };
  Q.init = function () {
    document.querySelectorAll('form.course-quiz:not(.is-ready)').forEach(function (form) {
      form.classList.add('is-ready');
      keepUntabbed(form);
      if (!window.MathJax) setTimeout(function () { plain(form); }, 1500);
    });
  };
  if (!window.courseQuizListening) {
    window.courseQuizListening = true;
    document.addEventListener('submit', function (event) {
      var form = event.target.closest && event.target.closest('form.course-quiz');
      if (!form) return;
      event.preventDefault();
      window.courseQuiz.check(form);
    });
    document.addEventListener('keydown', function (event) {
      // Enter in the number field checks it. (Browsers submit the form on Enter by themselves, but
      // not inside JupyterLab's output area, which takes the keypress.)
      if (event.key !== 'Enter' || event.isComposing) return;
      var input = event.target.closest && event.target.closest('form.course-quiz input[name=answer]');
      if (!input) return;
      event.preventDefault();
      window.courseQuiz.check(input.closest('form.course-quiz'));
    });
    document.addEventListener('click', function (event) {
      var button = event.target.closest && event.target.closest('form.course-quiz [data-action=reveal]');
      if (button) window.courseQuiz.reveal(button.closest('form.course-quiz'));
    });
  }
  Q.init();
})();
"""

__all__ = ["quiz", "question", "load", "chapters", "Quiz", "render", "inline_html", "plain_text",
           "plain_tex", "display_answer"]
