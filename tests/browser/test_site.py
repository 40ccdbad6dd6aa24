"""Open every page of the built website in headless chromium and list everything wrong with it.

Run after the build: ``pytest tests/browser --site=_build/html``. One test per page; each collects
all of its page's problems into one message:

- console errors, uncaught exceptions, failed requests and HTTP errors (status >= 400);
- requests to any host other than the local server (they are blocked, then reported);
- raw TeX left visible after MathJax has typeset the page;
- images without alt text;
- ipywidgets that did not render once an explorer is in view, and matplotlib animations without a
  frame;
- accessibility violations found by axe-core (WCAG 2 A and AA rules).
"""

from __future__ import annotations

from pathlib import Path

import sitekit

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WIDGET_TIMEOUT_MS = 5_000

RAW_TEX = r"""
() => {
  // Visible text outside code, scripts and typeset math, searched for TeX that MathJax did not touch.
  const skip = 'pre, code, kbd, samp, script, style, noscript, textarea, mjx-container, math, ' +
               '.highlight, .MathJax, [aria-hidden="true"]';
  const pattern = new RegExp(String.raw`\$\$|\\\(|\\\)|\\\[|\\\]|\$[^$\n]{0,80}?\\[a-zA-Z]+|` +
    String.raw`\\(frac|dfrac|sqrt|sum|prod|int|begin|end|left|right|mathbf|mathrm|operatorname|` +
    String.raw`cdot|times|sigma|alpha|beta|gamma|epsilon|mu|partial|infty|leq|geq|approx|text)\b`);
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest(skip)) continue;
    if (!el.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
    const text = node.textContent;
    const match = pattern.exec(text);
    if (match) {
      const at = match.index;
      found.push(text.slice(Math.max(0, at - 30), at + 50).replace(/\s+/g, ' ').trim());
    }
  }
  return found;
}
"""

IMAGES_WITHOUT_ALT = """
() => Array.from(document.querySelectorAll('img'))
  .filter(img => !(img.getAttribute('alt') || '').trim())
  .filter(img => !['presentation', 'none'].includes(img.getAttribute('role')))
  .filter(img => !img.closest('[aria-hidden="true"]'))
  .map(img => {
    const src = img.getAttribute('src') || '(no src)';
    return (src.length > 80 ? src.slice(0, 77) + '...' : src) +
           (img.hasAttribute('alt') ? ' (empty alt)' : ' (no alt)');
  })
"""

WIDGETS = """
() => {
  const placeholders = document.querySelectorAll(
    'script[type="application/vnd.jupyter.widget-view+json"]').length;
  const rendered = Array.from(document.querySelectorAll('.widget-subarea')).filter(area =>
    area.querySelector('.jupyter-widgets:not(.jupyter-widgets-error-widget), [class*="widget-"]')
    && !area.querySelector('.jupyter-widgets-error-widget')).length;
  const errors = Array.from(document.querySelectorAll('.jupyter-widgets-error-widget, .jupyter-widgets-error'))
    .length + (document.body.innerText.includes('Error displaying widget') ? 1 : 0);
  return {placeholders, rendered, errors};
}
"""

ANIMATIONS = """
() => Array.from(document.querySelectorAll('.animation')).map((anim, i) => {
  const img = anim.querySelector('img');
  return img && img.getAttribute('src') ? null : `animation #${i + 1} has no frame`;
}).filter(Boolean)
"""

AXE_RUN = """
async () => {
  // preload: false -- axe would otherwise re-fetch @import-ed stylesheets itself, resolving their
  // relative URLs against the page instead of the stylesheet (a false 404); only a WCAG 2.1 rule
  // outside these tags uses them. Every rule on the whole page but colour contrast, which is checked
  // on one element of each kind of text (sitekit.TEXT_KINDS): on every element it took most of the run.
  const options = {preload: false, resultTypes: ['violations']};
  const rules = await axe.run(document, {...options, runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']},
                                         rules: {'color-contrast': {enabled: false}}});
  const contrast = await axe.run({include: (__TEXT_KINDS__)()},
                                 {...options, runOnly: {type: 'rule', values: ['color-contrast']}});
  return [...rules.violations, ...contrast.violations].map(v => ({
    id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
    targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
  }));
}
""".replace("__TEXT_KINDS__", sitekit.TEXT_KINDS.strip())


def inspect_page(browser, url: str) -> list[str]:
    """Open ``url`` in a fresh browser context and return every problem found, one line each."""
    problems: list[str] = []
    blocked: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    sitekit.block_other_hosts(context, blocked)
    page = context.new_page()
    page.on(
        "console",
        lambda msg: msg.type == "error"
        and "ERR_BLOCKED_BY_CLIENT" not in msg.text  # reported below as a request to another host
        and problems.append(f"console error: {msg.text} ({msg.location.get('url', '')})"),
    )
    page.on("pageerror", lambda error: problems.append(f"uncaught exception: {error}"))
    page.on(
        "requestfailed",
        lambda request: request.url not in blocked
        and problems.append(f"request failed: {request.url} ({request.failure})"),
    )
    page.on(
        "response",
        lambda response: response.status >= 400
        and problems.append(f"HTTP {response.status}: {response.url}"),
    )
    try:
        page.goto(url, wait_until="load", timeout=30_000)

        mathjax = sitekit.wait_for_mathjax(page)
        if mathjax == "did not start":
            problems.append("MathJax is loaded but did not start within 10 s")
        for snippet in page.evaluate(RAW_TEX):
            problems.append(f"raw TeX visible: ...{snippet}...")

        for image in page.evaluate(IMAGES_WITHOUT_ALT):
            problems.append(f"image without alt text: {image}")

        widgets = page.evaluate(WIDGETS)
        if widgets["placeholders"]:
            # The widget manager loads when the reader nears an explorer: bring the first one into view.
            page.evaluate(f"document.querySelector('{sitekit.WIDGET_VIEW}').parentElement.scrollIntoView()")
            try:
                page.wait_for_function(
                    f"() => ({WIDGETS})().rendered >= {widgets['placeholders']}",
                    timeout=WIDGET_TIMEOUT_MS,
                )
            except Exception:  # playwright's TimeoutError: reported below with the counts
                pass
            widgets = page.evaluate(WIDGETS)
            if widgets["rendered"] < widgets["placeholders"]:
                problems.append(
                    f"widgets not rendered: {widgets['placeholders']} widget views in the page, "
                    f"{widgets['rendered']} rendered after {WIDGET_TIMEOUT_MS // 1000} s"
                )
        if widgets["errors"]:
            problems.append(f"widget error: {widgets['errors']} 'Error displaying widget' element(s)")

        for animation in page.evaluate(ANIMATIONS):
            problems.append(f"animation not rendered: {animation}")

        page.add_script_tag(path=str(AXE))
        for v in page.evaluate(AXE_RUN):
            problems.append(
                f"accessibility ({v['impact']}) {v['id']}: {v['help']} -- {v['count']} element(s), "
                f"e.g. {', '.join(v['targets'])}"
            )
    finally:
        context.close()
    problems.extend(f"request to another host (blocked): {u}" for u in dict.fromkeys(blocked))
    return problems


def test_page(browser, site_url, page_path):
    problems = inspect_page(browser, site_url + page_path)
    assert not problems, f"{page_path}: {len(problems)} problem(s)\n  " + "\n  ".join(problems)


def test_the_accessibility_run_finds_a_missing_name_and_faint_text(browser):
    """Both halves of AXE_RUN: a rule over the whole page (a button without a name), and colour
    contrast on one element of each kind of text (grey on white, 1.9:1)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content("<html lang='en'><head><title>t</title></head><body><main><h1>A page</h1>"
                         "<p>Plain text.</p><p style='color: #bbb'>Faint text.</p><button></button></main></body></html>")
        page.add_script_tag(path=str(AXE))
        found = {v["id"]: v["count"] for v in page.evaluate(AXE_RUN)}
    finally:
        context.close()
    assert found == {"button-name": 1, "color-contrast": 1}
