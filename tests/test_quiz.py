"""The self-check questions: the data files are complete and true, and each renders as a working form.

Every numeric answer is recomputed with lib from its ``compute`` expression and must equal the file's
value at the precision written there, so a typo in any digit fails; every known mistake is
recomputed the same way and must lie outside the tolerance. Every multiple-choice question has
exactly one right option and feedback on every option. Nothing the page shows before the reader
answers (prompt, options) contains a numeric answer.
"""

from __future__ import annotations

import decimal
import json
import math
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pytest

import lib
import lib.activations  # noqa: F401  (the compute expressions use these modules)
import lib.derivatives  # noqa: F401
import lib.normalization  # noqa: F401
from lib.exercises import quiz as qz

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted(p.stem for p in (ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
QUESTIONS = [(chapter, q) for chapter in qz.chapters() for q in qz.load(chapter)]
NUMBERS = [(c, q) for c, q in QUESTIONS if q["kind"] == "number"]
CHOICES = [(c, q) for c, q in QUESTIONS if q["kind"] == "choice"]
NUMBER_TOKEN = re.compile(r"(?<![\w.])[-−]?\d+(?:\.\d+)?(?:[eE][-+−]?\d+)?")


def ids(items):
    return [q["id"] for _, q in items]


def evaluate(expression: str) -> float:
    return float(eval(expression, {"__builtins__": {"float": float, "abs": abs}, "lib": lib, "np": np}))  # noqa: S307


def written(chapter: str, qid: str, key: str, index: int | None = None) -> decimal.Decimal:
    """A number as the file writes it (so its last written digit is known)."""
    text = (qz.QUESTIONS / f"{chapter}.json").read_text(encoding="utf-8")
    doc = json.loads(text, parse_float=decimal.Decimal, parse_int=decimal.Decimal)
    q = next(q for q in doc["questions"] if q["id"] == qid)
    return q[key] if index is None else q["mistakes"][index]["value"]


def agrees_as_written(value: float, stored: decimal.Decimal) -> bool:
    """True when ``value`` rounds to ``stored`` at the last digit written in the file."""
    unit = decimal.Decimal(1).scaleb(stored.as_tuple().exponent)
    return abs(decimal.Decimal(value) - stored) <= unit / 2 * decimal.Decimal("1.000001")


def numbers_in(text: str) -> list[float]:
    return [float(t.replace("−", "-")) for t in NUMBER_TOKEN.findall(text)]


def gives_away(text: str, q: dict) -> list[float]:
    """Numbers in ``text`` that a reader could type as the answer of ``q`` and be right."""
    return [v for v in numbers_in(text) if abs(v - q["answer"]) <= q["tolerance"]]


# -- the chapters and their counts ---------------------------------------------------------------------

def test_one_file_per_chapter():
    assert qz.chapters() == CHAPTERS


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_chapter_has_enough_questions_of_each_kind(chapter):
    questions = qz.load(chapter)
    kinds = [q["kind"] for q in questions]
    assert len(questions) >= 5
    assert kinds.count("number") >= 2 and kinds.count("choice") >= 2
    assert any(q.get("explorer") for q in questions), "no 'predict, then check with the explorer'"


def test_at_least_25_questions():
    assert len(QUESTIONS) >= 25


def test_ids_are_unique_and_name_their_chapter():
    all_ids = [q["id"] for _, q in QUESTIONS]
    assert len(all_ids) == len(set(all_ids))
    for chapter, q in QUESTIONS:
        assert re.fullmatch(rf"ch{int(chapter[:2])}-[a-z0-9]+(-[a-z0-9]+)*", q["id"]), q["id"]
        assert qz.question(q["id"]) == q


@pytest.mark.parametrize("chapter, q", QUESTIONS, ids=ids(QUESTIONS))
def test_every_question_has_the_fields_of_its_kind(chapter, q):
    common = {"id", "kind", "prompt"}
    fields = {"number": common | {"answer", "tolerance", "compute", "hints", "explanation"},
              "choice": common | {"options"}}[q["kind"]]
    optional = {"explorer", "mistakes"} if q["kind"] == "number" else {"explorer"}
    assert fields <= set(q) <= fields | optional
    assert q["prompt"].strip() and q["prompt"].count("$") % 2 == 0
    if q.get("explorer"):
        assert "explorer" in q["prompt"], "a predict-and-check question says which explorer"


# -- numbers ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("chapter, q", NUMBERS, ids=ids(NUMBERS))
def test_numeric_answer_is_what_lib_computes(chapter, q):
    computed = evaluate(q["compute"])
    stored = written(chapter, q["id"], "answer")
    assert math.isfinite(computed)
    assert agrees_as_written(computed, stored), f"{q['id']}: file says {stored}, lib computes {computed!r}"
    # the written answer is far more precise than the tolerance (so the tolerance alone decides)
    assert abs(computed - q["answer"]) <= q["tolerance"] / 10


@pytest.mark.parametrize("chapter, q", NUMBERS, ids=ids(NUMBERS))
def test_tolerance_asks_for_real_precision(chapter, q):
    assert 0 < q["tolerance"] <= 0.01 * abs(q["answer"])


@pytest.mark.parametrize("chapter, q", NUMBERS, ids=ids(NUMBERS))
def test_known_mistakes_are_true_and_distinct_from_the_answer(chapter, q):
    values = [q["answer"]]
    for i, m in enumerate(q.get("mistakes", [])):
        computed = evaluate(m["compute"])
        assert agrees_as_written(computed, written(chapter, q["id"], "value", i)), m
        assert m["feedback"].strip() and not m["feedback"].lower().startswith("correct")
        # the answer is checked first, so a typed value within the tolerance of it is always right;
        # a mistake must lie clearly outside that window, and apart from the other mistakes
        assert all(abs(computed - v) > 1.5 * q["tolerance"] for v in values), m
        values.append(computed)


@pytest.mark.parametrize("chapter, q", NUMBERS, ids=ids(NUMBERS))
def test_nothing_shown_before_answering_gives_the_number_away(chapter, q):
    assert q["hints"] and all(h.strip() for h in q["hints"])
    before = [q["prompt"], *q["hints"], *(m["feedback"] for m in q.get("mistakes", []))]
    for text in before:
        assert not gives_away(qz.plain_text(text), q), text


# -- choices ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("chapter, q", CHOICES, ids=ids(CHOICES))
def test_choice_has_one_right_option_and_feedback_on_each(chapter, q):
    options = q["options"]
    assert len(options) >= 3
    assert [o["correct"] for o in options].count(True) == 1
    assert all(isinstance(o["correct"], bool) for o in options)
    feedback = [o["feedback"].strip() for o in options]
    assert all(feedback) and len(set(feedback)) == len(feedback)
    texts = [o["text"].strip() for o in options]
    assert all(texts) and len(set(texts)) == len(texts)
    for o in options:
        if not o["correct"]:  # the explanation of a mistake, not a bare "wrong"
            assert len(o["feedback"].split()) >= 8, o


# -- text and maths -------------------------------------------------------------------------------------

def all_texts():
    for _, q in QUESTIONS:
        yield q["id"], q["prompt"]
        for text in q.get("hints", []) + [q.get("explanation", "")]:
            yield q["id"], text
        for m in q.get("mistakes", []):
            yield q["id"], m["feedback"]
        for o in q.get("options", []):
            yield q["id"], o["text"]
            yield q["id"], o["feedback"]


def test_every_formula_has_a_readable_plain_form():
    for qid, text in all_texts():
        assert text.count("$") % 2 == 0, (qid, text)
        plain = qz.plain_text(text)
        assert "\\" not in plain and "$" not in plain, (qid, plain)


def test_inline_html_marks_maths_code_and_emphasis():
    out = qz.inline_html("Use `np.exp` on $e^{x} < 1$, *not* **this**.")
    assert out == ('Use <code>np.exp</code> on <span class="math notranslate nohighlight" '
                   'data-plain="e^x &lt; 1">\\(e^{x} &lt; 1\\)</span>, <em>not</em> <strong>this</strong>.')


@pytest.mark.parametrize("answer, tolerance, shown", [
    (0.104993585, 0.0005, "0.105"), (1.52587890625e-05, 5e-8, "1.53e-05"), (2.7, 0.005, "2.70"),
    (12.009999, 0.005, "12.01"), (-0.857214, 0.0005, "-0.857"), (29.57428, 0.005, "29.57"),
])
def test_display_answer_follows_the_tolerance(answer, tolerance, shown):
    assert qz.display_answer(answer, tolerance) == shown


# -- the rendered form ----------------------------------------------------------------------------------

def visible_html(page: str) -> str:
    """The markup a reader can see: without the script, the styles and the encoded data."""
    page = re.sub(r"<script>.*?</script>|<style>.*?</style>", "", page, flags=re.S)
    return re.sub(r'data-quiz="[^"]*"', "", page)


def visible_text(page: str) -> str:
    return re.sub(r"<[^>]+>", " ", visible_html(page))


@pytest.mark.parametrize("chapter, q", QUESTIONS, ids=ids(QUESTIONS))
def test_form_structure(chapter, q):
    page = qz.quiz(q["id"])._repr_html_()
    assert page == qz.quiz(q["id"])._repr_html_(), "the output must be the same every time"
    shown = visible_html(page)
    assert shown.count("<fieldset>") == 1 and shown.count("<legend>") == 1
    assert 'role="status" aria-live="polite"' in shown
    assert '<button type="submit">Check</button>' in shown
    assert " id=" not in shown, "no ids: a question may be shown twice on one page"
    if q["kind"] == "number":
        assert re.search(r"<label>Your answer <input type=\"text\" inputmode=\"decimal\"", shown)
        assert 'data-action="reveal"' in shown
        assert not gives_away(visible_text(page), q)
    else:
        assert shown.count('type="radio"') == len(q["options"])
        assert shown.count("aria-label=") == len(q["options"])
        assert 'data-state' not in shown and "correct" not in visible_text(page).lower()


@pytest.mark.parametrize("chapter, q", QUESTIONS, ids=ids(QUESTIONS))
def test_the_encoded_data_holds_what_the_script_needs(chapter, q):
    page = qz.quiz(q["id"])._repr_html_()
    payload = re.search(r'data-quiz="([^"]+)"', page).group(1)
    data = json.loads(__import__("base64").b64decode(payload).decode("utf-8"))
    if q["kind"] == "number":
        assert data["answer"] == q["answer"] and data["tolerance"] == q["tolerance"]
        assert len(data["hints"]) == len(q["hints"])
        assert [v for v, _ in data["mistakes"]] == [m["value"] for m in q.get("mistakes", [])]
    else:
        assert q["options"][data["correct"]]["correct"] is True
        assert len(data["feedback"]) == len(q["options"])


def test_script_is_defined_once_per_page_and_never_closes_early():
    page = qz.quiz("ch1-step-gradient")._repr_html_()
    script = page[page.index("<script>") + 8:page.rindex("</script>")]
    assert "</" not in script
    assert "window.courseQuiz && window.courseQuiz.version >= VERSION" in script
    assert "window.courseQuizListening" in script


def test_plain_repr_says_where_the_form_works():
    text = repr(qz.quiz("ch4-scale-not-shift"))
    assert text.startswith("Self-check: What happens to softmax")
    assert "Jupyter" in text and "website" in text


@pytest.mark.parametrize("bad", ["ch9-nothing", "ch4-no-such-question", "softmax", 4, None])
def test_unknown_ids_are_refused_with_a_message(bad):
    with pytest.raises(ValueError, match="question"):
        qz.quiz(bad)


def test_questions_travel_in_lib_s_wheel(tmp_path):
    import sys

    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("activations_course_lib-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for chapter in CHAPTERS:
        assert f"lib/exercises/questions/{chapter}.json" in names
    assert {"lib/exercises/static/quiz.css", "lib/exercises/static/quiz.js"} <= names
    for chapter in CHAPTERS:   # the solutions lib.exercises.solution shows
        assert f"lib/exercises/solutions/{chapter}.json" in names


# ---- the page script words its feedback as Python does ------------------------------------------

def _page_script(calls: list) -> list:
    """Run the self-checks' page script (lib/exercises/static/quiz.js) under node, with a stub
    ``window`` and ``document``, and return ``window.courseQuiz[name](*args)`` for each call."""
    node = shutil.which("node")
    assert node, "node is needed (scripts/env.sh installs the npm packages with it)"
    program = (
        "const fs = require('fs');\n"
        "global.window = {};\n"
        "global.document = {querySelectorAll: () => [], addEventListener: () => {}};\n"
        f"eval(fs.readFileSync({json.dumps(str(qz.STATIC / 'quiz.js'))}, 'utf8'));\n"
        "const calls = JSON.parse(fs.readFileSync(0, 'utf8'));\n"
        "process.stdout.write(JSON.stringify(calls.map(([name, args]) => "
        "window.courseQuiz[name](...args))));\n"
    )
    done = subprocess.run([node, "-e", program], input=json.dumps(calls), capture_output=True,
                          text=True, check=True, timeout=60)
    return json.loads(done.stdout)


def _pairs():
    """(given, want) pairs of every kind how_far words: factors, percentages near and far, the
    wrong sign, 0 on either side, halves that round up or to even, and random ones."""
    rng = np.random.default_rng(0)
    want = rng.choice([-1, 1], 300) * 10.0 ** rng.uniform(-6, 6, 300)
    factor = np.concatenate([10.0 ** rng.uniform(-4, 4, 200), 1 + rng.normal(0, 0.05, 100)])
    pairs = [(float(w * f), float(w)) for w, f in zip(want, factor)]
    pairs += [(0.24, 0.25), (3.0, 1.0), (-1.0, 2.0), (0.1, 0.25), (1.0001, 1.0), (0.0, 0.5),
              (0.003, 0.0), (0.125, 0.0), (-0.375, 0.0), (2.5e-05, 0.0), (12345.0, 0.0),
              (2.25, 1.0), (2.35, 1.0), (10.5, 1.0), (11.5, 1.0), (1.0, 10.5), (1.025, 1.0),
              (1.5, 1.0), (1.995, 1.0), (0.995, 1.0), (1.0025, 1.0), (5.0, 0.5), (1e-300, 1e-310)]
    return pairs


def test_page_script_words_feedback_as_how_far():
    from lib.exercises import how_far
    pairs = _pairs()
    got = _page_script([["howFar", [g, w]] for g, w in pairs])
    want = [how_far(g, w) for g, w in pairs]
    wrong = [(pair, js, py) for pair, js, py in zip(pairs, got, want) if js != py]
    assert not wrong, wrong[:5]
    assert "about 123 times too large" in _page_script([["howFar", [123.4, 1.0]]])


def test_page_script_formats_numbers_as_format_number():
    from lib.tables import format_number
    rng = np.random.default_rng(1)
    values = list(rng.choice([-1, 1], 400) * 10.0 ** rng.uniform(-12, 22, 400))
    values += [0.125, 0.375, 2.5, 0.5, 1.5, 0.25, 99.95, 9.995, 1e-05, 123456789.0, 1e16, 0.0,
               5e-324, 1.7976931348623157e308]
    calls = [(float(v), d) for v in values for d in (1, 2, 3, 6, 15)]
    got = _page_script([["formatNumber", [v, d]] for v, d in calls])
    want = [format_number(v, d) for v, d in calls]
    wrong = [(call, js, py) for call, js, py in zip(calls, got, want) if js != py]
    assert not wrong, wrong[:5]
