"""What every page of the built site must be free of, checked on a page a test has loaded and typeset.

``test_reading.py`` runs these on each page once its explorers have rendered (one visit per page for
all of the browser check's per-page checks):

- raw TeX left visible after MathJax has typeset the page;
- images without alt text;
- widgets that show an error, and matplotlib animations without a frame;
- accessibility violations found by axe-core (WCAG 2 A and AA rules), in the theme's light mode.

Console errors, uncaught exceptions, failed requests, HTTP errors and requests to other hosts are
recorded while the page is open (``listen``).
"""

from __future__ import annotations

from pathlib import Path

import sitekit

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

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

WIDGET_ERRORS = """
() => document.querySelectorAll('.jupyter-widgets-error-widget, .jupyter-widgets-error').length
      + (document.body.innerText.includes('Error displaying widget') ? 1 : 0)
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
  // outside these tags uses them. Every rule on the whole page but two, which are checked on one
  // element of each kind: colour contrast on each kind of text (sitekit.TEXT_KINDS), links told
  // apart from the text around them on each kind of link (sitekit.LINK_KINDS). On every element
  // they took most of the run.
  const options = {preload: false, resultTypes: ['violations']};
  const rules = await axe.run(document, {...options, runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']},
                                         rules: {'color-contrast': {enabled: false}, 'link-in-text-block': {enabled: false}}});
  const kinds = await axe.run({include: (__KINDS__)()}, {...options, runOnly: {type: 'rule', values: ['color-contrast', 'link-in-text-block']}});
  return [...rules.violations, ...kinds.violations].map(v => ({
    id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
    targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
  }));
}
""".replace("__KINDS__", sitekit.KINDS)


def listen(page, errors: list[str], blocked: list[str]) -> None:
    """Record in ``errors`` every console error, uncaught exception, failed request and HTTP error of
    ``page``; requests to other hosts are recorded in ``blocked`` (by ``sitekit.block_other_hosts``)."""
    page.on("console", lambda msg: msg.type == "error"
            and "ERR_BLOCKED_BY_CLIENT" not in msg.text  # reported as a request to another host
            and errors.append(f"console error: {msg.text} ({msg.location.get('url', '')})"))
    page.on("pageerror", lambda error: errors.append(f"uncaught exception: {error}"))
    page.on("requestfailed", lambda request: request.url not in blocked
            and errors.append(f"request failed: {request.url} ({request.failure})"))
    page.on("response", lambda response: response.status >= 400
            and errors.append(f"HTTP {response.status}: {response.url}"))


def problems(page) -> list[str]:
    """Every problem of a loaded, typeset page whose explorers have rendered, one line each."""
    found = [f"raw TeX visible: ...{snippet}..." for snippet in page.evaluate(RAW_TEX)]
    found += [f"image without alt text: {image}" for image in page.evaluate(IMAGES_WITHOUT_ALT)]
    errors = page.evaluate(WIDGET_ERRORS)
    if errors:
        found.append(f"widget error: {errors} 'Error displaying widget' element(s)")
    found += [f"animation not rendered: {animation}" for animation in page.evaluate(ANIMATIONS)]
    page.add_script_tag(path=str(AXE))
    found += [f"accessibility ({v['impact']}) {v['id']}: {v['help']} -- {v['count']} element(s), "
              f"e.g. {', '.join(v['targets'])}" for v in page.evaluate(AXE_RUN)]
    return found
