"""The self-check questions on the built website, in headless chromium with no kernel.

Run after the build: ``pytest tests/browser --site=_build/html``. On every chapter page:

- at least four questions are there, ready, and no numeric answer (within its tolerance) is written
  anywhere in the page's text or alt text before the reader answers;
- the first multiple-choice question, operated with the keyboard only (Tab, Space, arrows, Enter),
  answers a wrong option with the feedback that explains that mistake, then the right one with
  "Correct";
- the first numeric question, typed into with the keyboard and submitted with Enter, answers a known
  mistake (or a wrong value) with its feedback, then the right value with "Correct"; its "Show the
  answer" button is reachable by Tab and works with Space;
- in the theme's light and dark modes the forms' text has a contrast of at least 4.5:1, and in dark
  mode they are clean under axe (``test_reading.py`` runs axe on every page in light mode);
- no checker output outside a hidden solution states an expected value.
"""

from __future__ import annotations

import re

import pytest

import health
import sitekit
from lib.exercises import how_far
from lib.exercises import quiz as qz

NUMBER = re.compile(r"(?<![\w.])[-−]?\d+(?:\.\d+)?(?:[eE][-+−]?\d+)?")

#: What the checkers of each chapter must never print before the solution is opened: the expected
#: values of the value exercises (and the names the set exercises expect).
NEVER_IN_CHECKER_OUTPUT = {
    "01_activations": ["should be", "'selu'", "'linear'"],
    "02_derivatives": ["should be", "'step'", "'tanh'", "3.2e-06"],
    "03_vanishing_gradients": ["should be", "9.09495e-13", "= 10."],
    "04_softmax": ["should be", "0.8383", "0.838", "0.1428", "0.3965", "0.2714", "0.3321"],
    "05_normalization": ["should be", "1.83122", "1.831"],
}

FOCUSABLE_BEFORE = """
(form) => {
  // Focus the last focusable element before the form, so that Tab must reach the form's first control.
  const all = Array.from(document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]'))
    .filter(el => el.tabIndex >= 0 && !el.disabled && el.checkVisibility());
  const first = form.querySelector('input, button');
  const i = all.indexOf(first);
  if (i < 1) return false;
  all[i - 1].focus();
  return document.activeElement === all[i - 1];
}
"""

ACTIVE = """() => { const a = document.activeElement;
  return {tag: a.tagName, type: a.type || '', name: a.name || '', value: a.value || '',
          action: a.getAttribute('data-action') || '', qid: a.closest('form.course-quiz')?.dataset.qid || ''}; }"""

CONTRAST = """
(form) => {
  function rgb(c) { const m = c.match(/[\\d.]+/g).map(Number); return m.length > 3 && m[3] === 0 ? null : m.slice(0, 3); }
  function lum([r, g, b]) { return [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
                                   .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0); }
  function background(el) { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor); if (c) return c; } return [255, 255, 255]; }
  const out = {};
  for (const [what, el] of [['legend', form.querySelector('legend')], ['feedback', form.querySelector('.course-quiz-feedback')],
                            ['button', form.querySelector('button')], ['option', form.querySelector('label')]]) {
    if (!el) continue;
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
    out[what] = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  }
  return out;
}
"""

AXE_FORMS = """
async () => (await axe.run(Array.from(document.querySelectorAll('form.course-quiz')),
  {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})).violations.map(v =>
  `${v.id}: ${v.help} (${v.nodes.length}, e.g. ${v.nodes[0].target.join(' ')})`)
"""

CHECKER_OUTPUTS = """
() => Array.from(document.querySelectorAll('.cell'))
  .filter(cell => !cell.closest('.solution'))
  .filter(cell => /check_\\w+\\(/.test(cell.querySelector('.cell_input')?.innerText || ''))
  .map(cell => cell.querySelector('.cell_output')?.innerText || '')
"""


def chapter_pages():
    return [f"chapters/{c}.html" for c in qz.chapters()]


def math_free(text: str) -> str:
    """The longest piece of ``text`` outside maths and markup, whitespace-normalized."""
    pieces = re.split(r"\$[^$]*\$", text)
    longest = max(pieces, key=len)
    return " ".join(qz.plain_text(longest).split())


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module", params=chapter_pages(), ids=lambda p: p.split("/")[-1])
def chapter_page(request, browser, site_url, site_dir):
    """One chapter page, loaded once for all the tests below (pytest runs them page by page, in the
    order of this file: the first one looks at the page before anything is answered)."""
    path = request.param
    assert (site_dir / path).exists(), f"{path} is not in the built site"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    blocked: list[str] = []
    sitekit.block_other_hosts(context, blocked)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(site_url + path, wait_until="load", timeout=30_000)
    assert sitekit.wait_for_mathjax(page) != "did not start"
    yield path.split("/")[-1][:-5], page
    context.close()
    assert not errors, errors
    assert not blocked, blocked


def questions_on(page, chapter):
    qids = page.eval_on_selector_all("form.course-quiz", "forms => forms.map(f => f.dataset.qid)")
    by_id = {q["id"]: q for q in qz.load(chapter)}
    assert set(qids) <= set(by_id), f"questions on the page that are not in {chapter}.json"
    return [by_id[i] for i in qids]


def feedback(form):
    box = form.locator(".course-quiz-feedback")
    return box.get_attribute("data-state"), squash(box.inner_text())


def test_questions_are_there_and_give_nothing_away(chapter_page):
    chapter, page = chapter_page
    questions = questions_on(page, chapter)
    assert len(questions) >= 4
    assert page.eval_on_selector_all("form.course-quiz", "fs => fs.every(f => f.classList.contains('is-ready'))")
    # the page's text without the run box, whose download sizes are not course content (and change
    # with every build: 2.7 MB once equalled an answer)
    text = page.evaluate("(() => { const boxes = [...document.querySelectorAll('.run-locally')];"
                         " boxes.forEach(b => b.style.display = 'none');"
                         " const text = document.body.innerText;"
                         " boxes.forEach(b => b.style.display = ''); return text; })()") + " " + " ".join(
        page.eval_on_selector_all("img[alt]", "imgs => imgs.map(i => i.alt)"))
    numbers = [float(t.replace("−", "-")) for t in NUMBER.findall(text)]
    for q in questions:
        if q["kind"] == "number":
            near = [v for v in numbers if abs(v - q["answer"]) <= q["tolerance"]]
            assert not near, f"{q['id']}: the page shows {near} before the reader answers"
    # no feedback is shown before anything is answered
    assert page.eval_on_selector_all(".course-quiz-feedback", "bs => bs.every(b => !b.textContent.trim())")


def test_choice_question_with_the_keyboard(chapter_page):
    chapter, page = chapter_page
    q = next(q for q in questions_on(page, chapter) if q["kind"] == "choice")
    form = page.locator(f'form[data-qid="{q["id"]}"]')
    wrong = next(i for i, o in enumerate(q["options"]) if not o["correct"])
    right = next(i for i, o in enumerate(q["options"]) if o["correct"])

    assert form.evaluate(FOCUSABLE_BEFORE)
    page.keyboard.press("Tab")                                   # into the radio group
    assert page.evaluate(ACTIVE)["type"] == "radio" and page.evaluate(ACTIVE)["qid"] == q["id"]
    page.keyboard.press("Space")                                 # choose option 0 ...
    for _ in range(wrong):
        page.keyboard.press("ArrowDown")                         # ... then move to the wrong one
    assert page.evaluate(ACTIVE)["value"] == str(wrong)
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE)["tag"] == "BUTTON", "Tab from the options should reach Check"
    page.keyboard.press("Enter")
    state, text = feedback(form)
    assert state == "wrong" and text.startswith("Not quite.")
    assert math_free(q["options"][wrong]["feedback"]) in text, "the feedback for that mistake"
    assert "\\(" not in text and "\\)" not in text, "maths in the feedback was not typeset"

    page.keyboard.press("Shift+Tab")                             # back to the chosen option
    key = "ArrowDown" if right > wrong else "ArrowUp"
    for _ in range(abs(right - wrong)):
        page.keyboard.press(key)
    page.keyboard.press("Tab")
    page.keyboard.press("Space")                                 # a button works with Space too
    state, text = feedback(form)
    assert state == "correct" and text.startswith("Correct.")
    assert math_free(q["options"][right]["feedback"]) in text


def test_numeric_question_with_the_keyboard(chapter_page):
    chapter, page = chapter_page
    numeric = [q for q in questions_on(page, chapter) if q["kind"] == "number"]
    q = numeric[0]
    form = page.locator(f'form[data-qid="{q["id"]}"]')
    shown = qz.display_answer(q["answer"], q["tolerance"])

    assert form.evaluate(FOCUSABLE_BEFORE)
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE)["name"] == "answer" and page.evaluate(ACTIVE)["qid"] == q["id"]
    if q.get("mistakes"):
        mistake = q["mistakes"][0]
        page.keyboard.type(f"{mistake['value']:.6g}")
        page.keyboard.press("Enter")                             # Enter submits the form
        state, text = feedback(form)
        assert state == "wrong" and text.startswith("Not quite.")
        assert math_free(mistake["feedback"]) in text, "the feedback for that mistake"
        page.keyboard.press("Control+A")
    mistakes = [m["value"] for m in q.get("mistakes", [])]
    wrong = next(q["answer"] * f for f in (1.5, 1.3, 1.7)
                 if all(abs(q["answer"] * f - m) > 2 * q["tolerance"] for m in mistakes))
    page.keyboard.type(f"{wrong:.6g}")
    page.keyboard.press("Enter")
    state, text = feedback(form)
    assert state == "wrong" and ("too high" if q["answer"] > 0 else "too low") in text, text
    assert f"your answer is {how_far(float(f'{wrong:.6g}'), q['answer'])}." in text  # as Python words it
    assert "Hint:" in text and shown not in text, "a wrong answer gets a hint, not the value"
    assert "\\(" not in text

    page.keyboard.press("Control+A")
    page.keyboard.type(shown)
    page.keyboard.press("Enter")
    state, text = feedback(form)
    assert state == "correct" and text.startswith(f"Correct: {shown}.")

    # "Show the answer" on the next numeric question (or this one): Tab, Tab, Space
    other = page.locator(f'form[data-qid="{numeric[-1]["id"]}"]')
    other.locator("input[name=answer]").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE)["action"] == "reveal"
    page.keyboard.press("Space")
    state, text = feedback(other)
    last = numeric[-1]
    assert state == "revealed" and text.startswith(
        f"The answer is {qz.display_answer(last['answer'], last['tolerance'])}.")


def test_dark_mode_is_readable_and_clean(chapter_page):
    chapter, page = chapter_page
    q = next(q for q in questions_on(page, chapter) if q["kind"] == "choice")
    form = page.locator(f'form[data-qid="{q["id"]}"]')
    form.locator("input[type=radio]").first.check()
    form.locator("button[type=submit]").click()                 # so the feedback has text
    page.add_script_tag(path=str(health.AXE))
    for theme in ("light", "dark"):
        page.evaluate(f"document.documentElement.dataset.theme = '{theme}'")
        page.wait_for_timeout(50)
        ratios = form.evaluate(CONTRAST)
        assert set(ratios) == {"legend", "feedback", "button", "option"}
        assert all(r >= 4.5 for r in ratios.values()), (theme, ratios)
    assert not page.evaluate(AXE_FORMS), "axe in dark mode (test_reading.py runs it on every page in light mode)"
    background = page.evaluate("getComputedStyle(document.querySelector('form.course-quiz fieldset')).backgroundColor")
    assert background not in ("rgb(255, 255, 255)", "rgb(243, 244, 245)"), "the form follows the dark theme"


def test_checker_outputs_state_no_expected_value(chapter_page):
    chapter, page = chapter_page
    outputs = page.evaluate(CHECKER_OUTPUTS)
    assert outputs, "the page has exercise checkers outside its solutions"
    for text in outputs:
        for word in NEVER_IN_CHECKER_OUTPUT[chapter]:
            assert word not in text, f"{chapter}: a checker output says {word!r}: {text[:200]}"
