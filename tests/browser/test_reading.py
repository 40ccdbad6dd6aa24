"""Every page of the site as a reader meets it: clean, light, progressive, laid out, printable, dark.

Run after the build with the rest of the browser check: ``pytest tests/browser --site=_build/html``.
``test_reading`` opens each page once, in a fresh browser (an empty cache), and lists every problem:

- what no page may have (``health.py``): console errors, uncaught exceptions, failed requests, HTTP
  errors, requests to other hosts, raw TeX after MathJax, images without alt text, widget errors,
  animations without a frame, and axe-core's WCAG 2 A and AA violations in light mode;
- progressive explorers (pages with widgets): while the widget manager is held back, the page's text
  and first figures are there and every explorer shows its first frame as a plain image; once the
  manager arrives, every explorer renders; every control of every explorer is moved as a reader moves
  it (each slider dragged with the mouse, after a tap on its handle; another option, another toggle)
  and back: each move shows another frame or readout (no kernel) and moving back the first one, no
  move logs an error, and the explorer's block keeps its width and height; the frames of one
  explorer (the files the build wrote) all have one pixel size;
- sliders: at 1280 px every slider's track is at least 150 px long, at 390 px as long as fits (at
  most 150 px asked) and never 0;
- layout at 1280 px: a code cell shows 88 columns; no code, output or checker message scrolls sideways
  or runs past the page; at 390 px only wide tables and display maths scroll, inside their own box;
  no table cell breaks a word in the middle ("inplace=F alse");
- print (chromium's print layout on A4): no code or output block is clipped, navigation and controls
  are hidden, every explorer prints a frame with its readout; each chapter is printed to PDF;
- dark mode: figures and explorers sit on a framed light card with undimmed images, the page itself is
  dark, and axe-core finds no violation of the WCAG 2 AA rules a colour mode changes (colour contrast,
  links told apart from text; every rule ran in light mode);
- a favicon.

All of it in one visit: opening, typesetting and rendering a chapter is a good part of its check's
time. ``test_weights`` checks each chapter's weight, compressed as a static host serves it (first
visit 1.5 MB, a further chapter page 600 KB; see bench/bench_pages.py). ``test_search`` and
``test_search_from_disk`` check the search page over HTTP and opened from disk (file://).
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest

import health
import sitekit

FIRST_VISIT_LIMIT = 1_500_000
FURTHER_LIMIT = 600_000
PRINT_WIDTH = 718  # A4 (210 mm) less two 1 cm margins, in CSS pixels
COLUMNS = 88

# Each page's first visit, recorded by test_reading for test_weights: {page: {url: compressed bytes}}.
VISITS: dict[str, dict[str, int]] = {}

ALLOWED_SCROLLERS = ('mjx-container[display="true"], mjx-container.course-wide-math, .pst-scrollable-table-container, '
                     'table.indextable, '
                     '.cell_output .output.text_html:has(> table), div.math-wrapper')

CODE_COLUMNS = """
(columns) => {
  const found = [];
  const pres = document.querySelectorAll('.bd-article div.cell_input pre, .bd-article div.cell_output pre, .bd-article div.highlight pre');
  for (const pre of pres) {
    if (!pre.getClientRects().length) continue;
    const cs = getComputedStyle(pre);
    const inner = pre.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    const probe = document.createElement('span');
    probe.textContent = 'x'.repeat(columns);
    pre.appendChild(probe);
    const needed = probe.getBoundingClientRect().width;
    probe.remove();
    if (needed > inner + 0.5) {
      found.push(`a code block shows ${Math.floor(columns * inner / needed)} columns, not ${columns}`);
      break;
    }
  }
  return found;
}
"""

OVERFLOW = """
(allowed) => {
  const found = [];
  const root = document.documentElement;
  if (root.scrollWidth > window.innerWidth + 1) found.push(`the page scrolls sideways (${root.scrollWidth} px wide in ${window.innerWidth})`);
  const article = document.querySelector('.bd-article');
  if (!article) return found;
  const edge = article.getBoundingClientRect().right + 1;
  const name = el => el.tagName.toLowerCase() + (el.classList.length ? '.' + [...el.classList].join('.') : '');
  const seen = new Set();
  const scrollers = [];
  for (const el of article.querySelectorAll('*')) {
    if (!el.getClientRects().length || el.closest('mjx-assistive-mml')) continue;  // MathJax's hidden copy for screen readers
    if (scrollers.some(s => s.contains(el))) continue;  // inside a box reported already
    const box = el.closest(allowed);
    if (box && box !== el) continue;  // inside a table or display-maths box, which scrolls itself
    if (box === el) continue;
    const cs = getComputedStyle(el);
    const what = el.closest('.cell_output') ? 'an output' : el.closest('.cell_input') ? 'a code cell' : name(el);
    if (el.scrollWidth > el.clientWidth + 1 && ['auto', 'scroll', 'hidden', 'clip'].includes(cs.overflowX)
        && !el.matches('span.math, mjx-container, mjx-container *, .MathJax *')) {
      scrollers.push(el);
      const line = `${what} scrolls or is clipped sideways (${name(el)}: ${el.scrollWidth} px in ${el.clientWidth}): ${el.textContent.trim().slice(0, 50)}`;
      if (!seen.has(what + name(el))) { found.push(line); seen.add(what + name(el)); }
    } else if (el.getBoundingClientRect().right > edge && cs.position !== 'fixed') {
      const line = `${what} runs past the page's right edge (${name(el)}): ${el.textContent.trim().slice(0, 50)}`;
      if (!seen.has('edge' + what + name(el))) { found.push(line); seen.add('edge' + what + name(el)); }
    }
  }
  return found;
}
"""

SPLIT_WORDS = """
() => {
  // A word (split only at spaces, after a hyphen or a slash) whose letters sit on two lines.
  const found = [];
  for (const cell of document.querySelectorAll('.bd-article td, .bd-article th')) {
    if (!cell.getClientRects().length) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('mjx-container')) continue;
      const word = /[^\\s\\-\\/]+[\\-\\/]?/g;
      let m;
      while ((m = word.exec(node.textContent))) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.bottom)));
        if (lines.size > 1) found.push(m[0]);
      }
    }
  }
  return found;
}
"""

FALLBACKS = """
() => {
  const views = [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')];
  return views.map(view => {
    const id = JSON.parse(view.textContent).model_id;
    const fallback = view.parentElement.querySelector(`.widget-fallback[data-view="${id}"]`);
    const img = fallback && fallback.querySelector('img');
    return {id, fallback: !!fallback, img: !!img, alt: img ? (img.getAttribute('alt') || '') : '',
            src: img ? img.currentSrc || img.src : ''};
  });
}
"""

IMAGES_SHOWN = """
() => [...document.querySelectorAll('.bd-article img')].filter(img => {
  const r = img.getBoundingClientRect();
  return r.width > 0 && r.bottom > 0 && r.top < window.innerHeight;
}).map(img => ({src: (img.currentSrc || img.src).slice(-40), done: img.complete && img.naturalWidth > 0}))
"""

EXPLORERS = """
() => [...document.querySelectorAll('.cell_output > .widget-subarea')].map(area => {
  const own = el => !el.closest('.explorer-sizer');  // the invisible sizer under the frames is not a frame
  const img = [...area.querySelectorAll('img')].find(i => i.getClientRects().length && own(i));
  const readout = [...area.querySelectorAll('.explorer-readout')].find(own);
  return {src: img ? img.currentSrc || img.src : '', readout: readout ? readout.textContent : ''};
})
"""

# Every control of explorer #i, each marked with data-check="i-k" for the check to find it again.
CONTROLS = """
(i) => {
  const area = document.querySelectorAll('.cell_output > .widget-subarea')[i];
  const found = [];
  const mark = (el, kind) => {
    el.dataset.check = `${i}-${found.length}`;
    const label = el.querySelector('label, .widget-label');
    found.push({kind, id: el.dataset.check, label: label ? label.textContent.trim() : kind});
  };
  for (const el of area.querySelectorAll('.widget-hslider, .widget-dropdown, .widget-toggle-buttons')) {
    if (el.parentElement.closest('.widget-toggle-buttons')) continue;  // the buttons' own row inside the widget
    if (el.matches('.widget-hslider') && el.querySelector('.noUi-handle')) mark(el, 'slider');
    else if (el.matches('.widget-dropdown') && el.querySelector('select')) mark(el, 'select');
    else if (el.matches('.widget-toggle-buttons') && el.querySelector('.widget-toggle-button')) mark(el, 'toggle');
  }
  return found;
}
"""

# Explorer #i as the check sees it: the frame it shows (as EXPLORERS does) and the size of its block
# (its card), which must not change while the reader moves a control.
STATE = """
(i) => {
  const area = document.querySelectorAll('.cell_output > .widget-subarea')[i];
  const own = el => !el.closest('.explorer-sizer');
  const img = [...area.querySelectorAll('img')].find(im => im.getClientRects().length && own(im));
  const readout = [...area.querySelectorAll('.explorer-readout')].find(own);
  const r = area.closest('.cell_output').getBoundingClientRect();
  return {src: img ? img.currentSrc || img.src : '', readout: readout ? readout.textContent : '',
          size: [Math.round(r.width * 2) / 2, Math.round(r.height * 2) / 2]};
}
"""

# Where a slider's handle is, and its track.
HANDLE = """
(id) => { const h = document.querySelector(`[data-check="${id}"] .noUi-handle`).getBoundingClientRect();
          const t = document.querySelector(`[data-check="${id}"] .noUi-target`).getBoundingClientRect();
          return {x: h.x + h.width / 2, y: h.y + h.height / 2, left: t.left, right: t.right}; }
"""

SLIDER_TRACKS = """
(least) => [...document.querySelectorAll('.cell_output > .widget-subarea')].flatMap((area, i) =>
  [...area.querySelectorAll('.widget-hslider')].map(slider => {
    const track = slider.querySelector('.noUi-target');
    const readout = slider.querySelector('.widget-readout');
    const label = slider.querySelector('label, .widget-label');
    // the most a track could have on this screen: the slider's width less its readout and margins
    const room = slider.clientWidth - (readout ? readout.getBoundingClientRect().width : 0) - 24;
    return {explorer: i + 1, label: label ? label.textContent.trim() : '', track: track ? track.getBoundingClientRect().width : 0,
            needed: Math.min(least, room)};
  }))
"""

PRINT_CHECK = """
() => {
  const found = [];
  let blocks = 0;
  const article = document.querySelector('.bd-article');
  const edge = (article ? article.getBoundingClientRect().right : window.innerWidth) + 1;
  for (const el of document.querySelectorAll('.bd-article pre, .bd-article div.highlight, .bd-article .cell_output .output, .bd-article .cell_output > .widget-subarea, .bd-article .widget-fallback, .bd-article figure')) {
    if (!el.getClientRects().length) continue;
    blocks += 1;
    if (el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > edge) {
      found.push(`clipped in print (${el.scrollWidth} px in ${el.clientWidth}): ${el.textContent.trim().slice(0, 60)}`);
    }
  }
  for (const sel of ['.bd-sidebar-primary', '.bd-header-article', '.prev-next-area', '.noUi-target']) {
    for (const el of document.querySelectorAll(sel)) {
      if (el.getClientRects().length && el.getBoundingClientRect().height > 0) { found.push(`printed: ${sel}`); break; }
    }
  }
  for (const img of document.querySelectorAll('.bd-article img')) {
    if (img.getClientRects().length && !(img.complete && img.naturalWidth > 0)) found.push(`an image prints empty: ${(img.getAttribute('src') || '').slice(-40)}`);
  }
  const explorers = [...document.querySelectorAll('.cell_output')].filter(c => c.querySelector(':scope > .widget-subarea, :scope > .widget-fallback'));
  explorers.forEach((cell, i) => {
    const img = [...cell.querySelectorAll('img')].find(im => im.getClientRects().length && im.complete && im.naturalWidth > 0);
    const words = cell.querySelector('.explorer-readout, .explorer-note');
    if (!img) found.push(`explorer #${i + 1} prints no frame`);
    if (!words || !words.getClientRects().length) found.push(`explorer #${i + 1} prints no readout or note`);
  });
  return {blocks, explorers: explorers.length, found};
}
"""

DARK = """
() => {
  const lum = c => { const m = c.match(/[\\d.]+/g).map(Number); const a = m.length > 3 ? m[3] : 1;
                     return a === 0 ? null : (0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2]) / 255; };
  const found = [];
  const page = lum(getComputedStyle(document.body).backgroundColor);
  if (page === null || page > 0.3) found.push(`the page is not dark in dark mode (${getComputedStyle(document.body).backgroundColor})`);
  const cards = [...document.querySelectorAll('.bd-article figure.course-figure'),
                 ...[...document.querySelectorAll('.bd-article .cell_output')].filter(c => c.querySelector(':scope > .widget-subarea, :scope > .widget-fallback'))];
  cards.forEach((card, i) => {
    const cs = getComputedStyle(card);
    const bg = lum(cs.backgroundColor);
    const what = card.matches('figure') ? 'figure' : 'explorer';
    if (bg === null || bg < 0.9) found.push(`${what} #${i + 1} is not on a light card (${cs.backgroundColor})`);
    if (parseFloat(cs.borderTopWidth) < 1) found.push(`${what} #${i + 1}'s card has no frame`);
    const text = lum(cs.color);
    if (text !== null && text > 0.4) found.push(`${what} #${i + 1}'s text is light on its light card (${cs.color})`);
    for (const img of card.querySelectorAll('img')) {
      if (img.getClientRects().length && getComputedStyle(img).filter !== 'none') { found.push(`${what} #${i + 1}'s image is dimmed (${getComputedStyle(img).filter})`); break; }
    }
  });
  return {cards: cards.length, found};
}
"""

AXE_RUN = r"""
async () => {
  // The rules a colour mode can change (every rule ran in light mode, health.py), in one run
  // (axe's cost is mostly its pass over the whole page): links told apart from the text around them,
  // on one link of each kind (sitekit.LINK_KINDS), and colour contrast on one element of each kind
  // of text (sitekit.TEXT_KINDS).
  const result = await axe.run({include: (__KINDS__)()}, {runOnly: {type: 'rule', values: ['color-contrast', 'link-in-text-block']}, preload: false});
  return result.violations.map(v => `${v.id} (${v.impact}): ${v.help} -- ${v.nodes.length} element(s), e.g. ${v.nodes.slice(0, 2).map(n => n.target.join(' ')).join(', ')}`);
}
""".replace("__KINDS__", sitekit.KINDS)


def _frame_sizes(site_dir: Path, page_path: str, html: str) -> list[str]:
    """Every frame file of one explorer (its view tag's data-frames) has one pixel size."""
    problems = []
    folder = (site_dir / page_path).parent
    for i, frames in enumerate(re.findall(r'data-frames="([^"]*)"', html)):
        sizes = {}
        for src in frames.split():
            head = (folder / src).read_bytes()[:24]
            sizes.setdefault(struct.unpack(">II", head[16:24]), src)
        if len(sizes) > 1:
            problems.append(f"explorer #{i + 1}: its frames have {len(sizes)} pixel sizes {sorted(sizes)}")
    return problems


def _drag(page, control, to: float | None = None) -> float:
    """Drag a slider's handle with the mouse, after a tap on it, to ``to`` (by default the far end of
    its track); return where the handle was."""
    at = page.evaluate(HANDLE, control["id"])
    x, y = at["x"], at["y"]
    page.mouse.move(x, y)
    page.mouse.down()  # a tap where the handle is: on a track of no width it made the figure vanish
    page.mouse.up()
    if to is None:
        to = at["right"] - 1 if x < (at["left"] + at["right"]) / 2 else at["left"] + 1
    page.mouse.down()
    page.mouse.move(to, y, steps=2)
    page.mouse.up()
    return x


def _move(page, control, back=None):
    """Move a control as a reader does, to another value or, given ``back`` (what this function
    returned), to where it was; return what moving it back needs."""
    widget = page.locator(f'[data-check="{control["id"]}"]')
    if control["kind"] == "slider":
        return _drag(page, control, back)
    if control["kind"] == "select":
        select = widget.locator("select")
        was, count = select.evaluate("s => [s.selectedIndex, s.options.length]")
        select.select_option(index=(was + 1) % count if back is None else back)
        return was
    buttons = widget.locator(".widget-toggle-button")
    was = buttons.evaluate_all("bs => bs.findIndex(b => b.classList.contains('mod-active'))")
    (buttons.nth(back) if back is not None else widget.locator(".widget-toggle-button:not(.mod-active)").first).click()
    return was


# Explorer arg.i once it shows another frame than arg.frame (arg.same: once it shows arg.frame again).
CHANGED = f"""(arg) => {{ const now = ({STATE})(arg.i);
  const same = now.src === arg.frame.src && now.readout === arg.frame.readout;
  return now.src && same === arg.same ? now : null; }}"""


def _controls(page, errors: list[str]) -> list[str]:
    """Move every control of every rendered explorer as a reader does (drag each slider with the
    mouse, pick another option, press another toggle), then back: each move shows another frame or
    readout and moving back the first one again, no move logs an error, and the explorer's block
    keeps its size throughout."""
    problems = []
    for i in range(page.locator(".cell_output > .widget-subarea").count()):
        controls = page.evaluate(CONTROLS, i)
        if not controls:
            problems.append(f"explorer #{i + 1} shows no control")
        size = None
        for control in controls:
            what = f"explorer #{i + 1}'s {control['kind']} {control['label']!r}"
            page.locator(f'[data-check="{control["id"]}"]').scroll_into_view_if_needed()
            first = page.evaluate(STATE, i)
            size = size or first["size"]
            back = None
            for step in ("forth", "back"):
                logged = len(errors)
                back = _move(page, control, back)
                try:
                    now = page.wait_for_function(CHANGED, arg={"i": i, "frame": first, "same": step == "back"},
                                                 timeout=3000).json_value()
                except Exception:  # playwright's TimeoutError
                    now = None
                    shown = page.evaluate(STATE, i)
                    problems.append(f"{what}: " + ("the figure vanished" if not shown["src"] else
                                                   "moving it showed no other frame" if step == "forth" else
                                                   "moving it back did not show its first frame again"))
                if len(errors) > logged:
                    problems += [f"{what}: moving it logged {e}" for e in errors[logged:]]
                    del errors[logged:]
                if now is None:
                    break
                if now["size"] != size:
                    problems.append(f"{what}: moving it changed the explorer's size from {size[0]:g} x {size[1]:g} px "
                                    f"to {now['size'][0]:g} x {now['size'][1]:g} px")
    return problems


def _tracks(page, width: int) -> list[str]:
    least = 150
    return [f"at {width} px: explorer #{t['explorer']}'s slider {t['label']!r} has a track of {t['track']:.0f} px "
            f"(at least {max(t['needed'], 1):.0f})"
            for t in page.evaluate(SLIDER_TRACKS, least)
            if t["track"] < max(t["needed"], 1) - 0.5 or (width >= 1280 and t["track"] < least - 0.5)]


BLOCKING_SCRIPT = re.compile(r'<script(?![^>]*\b(?:defer|async)\b)[^>]*\bsrc="[^"]*_vendor/[^"]*"')


def _first_visit(page, url, html: str) -> list[str]:
    """Load the page with the widget manager held back; check what the reader sees meanwhile."""
    problems = []
    if BLOCKING_SCRIPT.search(html):
        problems.append("a widget script blocks the page: " + BLOCKING_SCRIPT.search(html).group(0))
    page.goto(url, wait_until="domcontentloaded", timeout=30_000)
    if sitekit.wait_for_mathjax(page) == "did not start":
        problems.append("MathJax did not start")
    views = page.evaluate(FALLBACKS)
    if views:
        for i, view in enumerate(views):
            if not (view["fallback"] and view["img"] and view["alt"].strip()):
                problems.append(f"explorer #{i + 1} has no first picture (with alt text) before its controls load")
        page.locator(".widget-fallback").first.scroll_into_view_if_needed()
    try:
        page.wait_for_function(f"() => ({IMAGES_SHOWN})().every(i => i.done)", timeout=10_000)
    except Exception:
        shown = page.evaluate(IMAGES_SHOWN)
        problems.append(f"figures on screen not shown without the widget manager: {[i['src'] for i in shown if not i['done']]}")
    if views and page.locator(".widget-subarea").count():
        problems.append("explorers rendered while the widget manager was held back")
    heading = page.locator(".bd-article section > h1").first
    if heading.count() and not heading.is_visible():
        problems.append("the page's title is not visible")
    return problems


def _layout(page, width: int) -> list[str]:
    page.set_viewport_size({"width": width, "height": 900})
    # course.js re-measures inline formulas in the frame after a resize: let two frames pass
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    problems = [f"at {width} px: {p}" for p in page.evaluate(OVERFLOW, ALLOWED_SCROLLERS)]
    problems += _tracks(page, width)
    if width >= 1280:
        problems += [f"at {width} px: {p}" for p in page.evaluate(CODE_COLUMNS, COLUMNS)]
    split = page.evaluate(SPLIT_WORDS)
    if split:
        problems.append(f"at {width} px: table cells break {len(split)} word(s) in the middle, e.g. {split[:4]}")
    return problems


def _print(page, page_path: str) -> list[str]:
    page.set_viewport_size({"width": PRINT_WIDTH, "height": 1000})
    page.emulate_media(media="print")
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")  # what printing sends first
    try:
        try:
            page.wait_for_function("() => [...document.querySelectorAll('.bd-article img')].every("
                                   "i => !i.getClientRects().length || (i.complete && i.naturalWidth > 0))", timeout=10_000)
        except Exception:
            pass  # reported below, image by image
        checked = page.evaluate(PRINT_CHECK)
        problems = [f"print: {p}" for p in checked["found"]]
        if page_path.startswith("chapters/"):
            pdf = page.pdf(format="A4", margin={side: "1cm" for side in ("top", "bottom", "left", "right")})
            pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
            if not pdf.startswith(b"%PDF") or pages < 1:
                problems.append("print: chromium made no PDF of the page")
    finally:
        page.emulate_media(media="screen")
    return problems


def _dark(page) -> list[str]:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.evaluate("() => { document.documentElement.dataset.theme = 'dark'; document.documentElement.dataset.mode = 'dark'; }")
    # the theme's colours change with a transition: measure them once it has ended
    page.evaluate("async () => { await new Promise(r => requestAnimationFrame(r)); "
                  "await Promise.all(document.getAnimations().map(a => a.finished.catch(() => null))); }")
    checked = page.evaluate(DARK)
    problems = [f"dark mode: {p}" for p in checked["found"]]
    page.add_script_tag(path=str(health.AXE))
    problems += [f"dark mode: accessibility {v}" for v in page.evaluate(AXE_RUN)]
    return problems


def test_reading(browser, site_url, site_dir, page_path):
    problems: list[str] = []
    errors: list[str] = []
    blocked: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    sitekit.block_other_hosts(context, blocked)
    held: list = []
    context.route("**/_vendor/widgets.js", lambda route: held.append(route))
    page = context.new_page()
    health.listen(page, errors, blocked)
    bodies, pending = sitekit.record_responses(page)
    try:
        html = (site_dir / page_path).read_text(encoding="utf-8")
        problems += _first_visit(page, site_url + page_path, html)
        problems += _frame_sizes(site_dir, page_path, html)
        for route in held:
            route.continue_()
        context.unroute("**/_vendor/widgets.js")
        sitekit.scroll_through(page)
        sitekit.wait_until_quiet(page, pending)
        views = page.locator(sitekit.WIDGET_VIEW).count()
        if views:
            try:
                page.wait_for_function(f"() => document.querySelectorAll('.cell_output > .widget-subarea').length >= {views}"
                                       " && !document.querySelector('.widget-fallback')", timeout=10_000)
            except Exception:
                problems.append(f"widgets: {page.locator('.widget-subarea').count()} of {views} rendered, "
                                f"{page.locator('.widget-fallback').count()} still shown as pictures")
            sitekit.wait_until_quiet(page, pending)
        VISITS[page_path] = {u: sitekit.compressed_size(u, b) for u, b in bodies.items()}
        problems += health.problems(page)  # in light mode, every explorer rendered, nothing moved yet
        problems += _controls(page, errors)
        problems += _layout(page, 1280)
        problems += _layout(page, 390)
        problems += _print(page, page_path)
        problems += _dark(page)
        icon = page.locator('link[rel="icon"]')
        if not icon.count():
            problems.append("no favicon")
        elif not (site_dir / page_path).parent.joinpath(icon.first.get_attribute("href")).resolve().is_file():
            problems.append(f"favicon missing: {icon.first.get_attribute('href')}")
    finally:
        context.close()
    problems += errors
    problems += [f"request to another host (blocked): {u}" for u in dict.fromkeys(blocked)]
    assert not problems, f"{page_path}: {len(problems)} problem(s)\n  " + "\n  ".join(problems)


def test_the_accessibility_run_finds_a_missing_name_faint_text_and_links_told_by_colour(browser):
    """Every part of health.AXE_RUN: a rule over the whole page (a button without a name), colour
    contrast on one element of each kind of text (grey on white, 1.9:1), and links told apart from
    the text around them on one link of each kind (two links in a sentence, dark grey in black text
    and not underlined, count once; an underlined one passes)."""
    plain = "style='color: #333; text-decoration: none'"
    html = ("<html lang='en'><head><title>t</title></head><body><main><h1>A page</h1>"
            "<p>Plain text.</p><p style='color: #bbb'>Faint text.</p><button></button>"
            "<p style='color: #000'>A sentence long enough to be a block of text, in which there are "
            f"<a href='#a' {plain}>one link</a>, <a href='#b' {plain}>another</a> and "
            "<a href='#c' style='color: #333'>an underlined one</a>.</p></main></body></html>")
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content(html)
        page.add_script_tag(path=str(health.AXE))
        found = {v["id"]: v["count"] for v in page.evaluate(health.AXE_RUN)}
    finally:
        context.close()
    assert found == {"button-name": 1, "color-contrast": 1, "link-in-text-block": 1}


def _weigh(browser, url: str) -> dict[str, int]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    sitekit.block_other_hosts(context, [])
    page = context.new_page()
    bodies, pending = sitekit.record_responses(page)
    page.goto(url, wait_until="load")
    sitekit.scroll_through(page)
    sitekit.wait_until_quiet(page, pending)
    context.close()
    return {u: sitekit.compressed_size(u, b) for u, b in bodies.items()}


def test_weights(browser, site_url, site_dir):
    chapters = [p for p in sitekit.find_pages(site_dir) if p.startswith("chapters/")]
    assert chapters, "no chapter pages"
    for page_path in chapters:
        if page_path not in VISITS:  # test_reading did not run for it
            VISITS[page_path] = _weigh(browser, site_url + page_path)
    problems, lines = [], []
    for i, page_path in enumerate(chapters):
        before = chapters[i - 1] if i else chapters[min(1, len(chapters) - 1)]
        first = sum(VISITS[page_path].values())
        further = sum(size for url, size in VISITS[page_path].items() if url not in VISITS[before])
        lines.append(f"{page_path}: first visit {first / 1000:.0f} KB, after {before} {further / 1000:.0f} KB")
        if first > FIRST_VISIT_LIMIT:
            problems.append(f"{page_path}: a first visit weighs {first / 1000:.0f} KB (limit {FIRST_VISIT_LIMIT // 1000})")
        if further > FURTHER_LIMIT:
            problems.append(f"{page_path}: after {before} it weighs {further / 1000:.0f} KB (limit {FURTHER_LIMIT // 1000})")
    assert not problems, "\n".join(problems + lines)


# -- search -------------------------------------------------------------------------------------------

RESULTS = """
() => [...document.querySelectorAll('#search-results ul.search > li')].map(li => ({
  href: li.querySelector('a').getAttribute('href'),
  title: li.querySelector('a').textContent,
  summary: (li.querySelector('p.context') || {}).textContent || null,
  object: !!li.querySelector(':scope > span'),  // an API object: Sphinx shows its description instead
}))
"""


def _search(page, url: str, query: str) -> list[dict]:
    page.goto(f"{url}?q={query}", wait_until="load")
    page.wait_for_function("() => /found \\d+ page|did not match/.test((document.querySelector('.search-summary') || {}).textContent || '')",
                           timeout=10_000)
    page.wait_for_timeout(100)
    return page.evaluate(RESULTS)


def _search_problems(results: list[dict], query: str, expected: str) -> list[str]:
    problems = []
    if not results:
        return [f"{query!r}: no results"]
    if not results[0]["href"].split("#")[0].endswith(expected):
        problems.append(f"{query!r}: first result is {results[0]['href']}, not {expected} "
                        f"({[r['href'] for r in results[:4]]})")
    for r in results:
        if r["summary"] is None and not r["object"]:
            problems.append(f"{query!r}: result {r['href']} has no summary")
        elif r["summary"] and re.search(r"\.(ipynb|pdf)\b|^\W*\.\.", r["summary"]):
            problems.append(f"{query!r}: result {r['href']}'s summary quotes buttons: {r['summary'][:60]!r}")
    return problems


# A chapter ranks first for its own title's topic.
SEARCHES = {"softmax": "chapters/04_softmax.html", "normalization": "chapters/05_normalization.html",
            "derivatives": "chapters/02_derivatives.html", "vanishing": "chapters/03_vanishing_gradients.html",
            "activations": "chapters/01_activations.html", "conventions": "appendix/conventions.html"}


def test_search(browser, site_url):
    context = browser.new_context()
    sitekit.block_other_hosts(context, [])
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    problems = []
    try:
        for query, expected in SEARCHES.items():
            problems += _search_problems(_search(page, site_url + "search.html", query), query, expected)
    finally:
        context.close()
    problems += [f"console error: {e}" for e in errors]
    assert not problems, "\n".join(problems)


def test_search_from_disk(browser, site_dir):
    """Opened from disk (file://), the search page lists results with summaries and logs no error."""
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("requestfailed", lambda request: errors.append(f"request failed: {request.url}"))
    try:
        results = _search(page, (site_dir / "search.html").as_uri(), "softmax")
    finally:
        context.close()
    problems = _search_problems(results, "softmax", SEARCHES["softmax"]) + [f"error: {e}" for e in errors]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("query", ["softmax"])
def test_search_ranks_chapter_above_glossary(browser, site_url, query):
    context = browser.new_context()
    sitekit.block_other_hosts(context, [])
    page = context.new_page()
    try:
        hrefs = [r["href"].split("#")[0] for r in _search(page, site_url + "search.html", query)]
    finally:
        context.close()
    assert "appendix/glossary.html" in hrefs, hrefs
    assert hrefs.index("chapters/04_softmax.html") < hrefs.index("appendix/glossary.html"), hrefs
