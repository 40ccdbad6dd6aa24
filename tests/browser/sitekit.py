"""Serve a built site on 127.0.0.1 and open it in headless Debian chromium.

Shared by the browser check (``test_reading.py``, ``test_quiz.py``) and the screenshot script
(``screenshot.py``). The browser is always the system's ``/usr/bin/chromium`` driven by playwright:
playwright never downloads a browser of its own here.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import re
import sys
import threading
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING_CHROMIUM = "chromium not found: install it with `apt-get install chromium`"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}

WIDGET_VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]'

# Folders of a built Jupyter Book that hold assets, not pages.
ASSET_DIRS = {"_static", "_sources", "_vendor", "_images", "_sphinx_design_static", "_panels_static"}
_REDIRECT = re.compile(rb"<meta[^>]+http-equiv=[\"']?refresh", re.IGNORECASE)


def require_chromium() -> None:
    """Raise RuntimeError with an installation hint when the system chromium is absent."""
    if not CHROMIUM.exists():
        raise RuntimeError(MISSING_CHROMIUM)


def find_pages(site: Path) -> list[str]:
    """Every HTML page of a built site, as paths relative to ``site`` (redirect stubs left out)."""
    pages = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site)
        if rel.parts[0] in ASSET_DIRS:
            continue
        if _REDIRECT.search(path.read_bytes()[:2048]):
            continue
        pages.append(rel.as_posix())
    return pages


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """A browser that hangs up mid-response (a page closed while loading) is no error of the
        site's; anything else is reported as the standard server does."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(site: Path):
    """Serve ``site`` on a free port of 127.0.0.1 in a background thread; yield the base URL."""
    site = Path(site).resolve()
    if not site.is_dir():
        raise FileNotFoundError(f"no built site at {site}")
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def launch(playwright):
    """Launch headless Debian chromium with the course's flags (never a downloaded browser)."""
    require_chromium()
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


def is_local(url: str) -> bool:
    """True for URLs the site may load: its own server, and ``data:``/``blob:``/``about:`` URLs."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about"}:
        return True
    return parts.hostname in LOCAL_HOSTS


def block_other_hosts(context, blocked: list[str]) -> None:
    """Abort every request to another host and record its URL in ``blocked``."""

    def handle(route):
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            blocked.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", handle)


#: In the page, a function: the background an element sits on, its nearest ancestor's that is not
#: transparent ('none' if there is none).
BACKGROUND = r"""
el => {
  for (let a = el; a; a = a.parentElement) {
    const b = getComputedStyle(a).backgroundColor;
    if (!(b === 'transparent' || /^rgba\(.*,\s*0\)$/.test(b))) return b;
  }
  return 'none';
}
"""

#: In the page, a function: one element of each kind of visible text, a kind being all that colour
#: contrast depends on -- the text's colour, the background it sits on, its size, weight and
#: opacity. A chapter holds thousands of code tokens and maths glyphs of a few kinds; axe's contrast
#: rule on every one of them took most of its run (the API page: 21 s for all its rules, 9 s with
#: contrast checked on these).
TEXT_KINDS = r"""
() => {
  const background = __BACKGROUND__;
  const kinds = new Map();
  for (const el of document.body.querySelectorAll('*')) {
    if (!el.getClientRects().length) continue;
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const cs = getComputedStyle(el);
    const key = [cs.color, background(el), cs.fontSize, cs.fontWeight, cs.opacity].join('|');
    if (!kinds.has(key)) kinds.set(key, el);
  }
  return [...kinds.values()];
}
""".replace("__BACKGROUND__", BACKGROUND.strip())


#: In the page, once axe is loaded: one link of each kind, a kind being all that axe's rule
#: "link-in-text-block" looks at -- whether the link sits in a block of text, and the colour, the
#: background, the fonts, the decoration, the borders and the pseudo content of the link and of that
#: block. On a chapter the rule took a second (on the API page, two and a half) over every link.
LINK_KINDS = r"""
() => {
  const background = __BACKGROUND__;
  const isBlock = el => /^(block|list-item|table|flex|grid|inline-block)$|^table-/.test(getComputedStyle(el).display);
  const looks = el => {
    const cs = getComputedStyle(el);
    return [cs.color, background(el), cs.backgroundImage, cs.fontFamily, cs.fontSize, cs.fontWeight, cs.fontStyle,
            cs.textDecoration, cs.textDecorationLine, cs.textDecorationStyle, cs.display,
            ...['border-top', 'border-bottom', 'outline'].map(edge =>
              ['style', 'width', 'color'].map(p => cs.getPropertyValue(`${edge}-${p}`)).join(' ')),
            ...['::before', '::after'].map(pseudo => getComputedStyle(el, pseudo).content)].join('|');
  };
  const kinds = new Map();
  axe.setup(document);  // axe's own test of "in a block of text" reads its tree of the page
  try {
    for (const link of document.querySelectorAll('a[href], [role=link]')) {
      if (!link.getClientRects().length) continue;
      let block = link.parentElement;
      while (block && !isBlock(block)) block = block.parentElement;
      const key = [axe.commons.dom.isInTextBlock(link), looks(link), block ? looks(block) : 'none'].join('||');
      if (!kinds.has(key)) kinds.set(key, link);
    }
  } finally {
    axe.teardown();
  }
  return [...kinds.values()];
}
""".replace("__BACKGROUND__", BACKGROUND.strip())

#: In the page, once axe is loaded: the elements axe's per-kind rules run on (colour contrast and
#: links told apart from text), one of each kind of text and one of each kind of link.
KINDS = f"() => [...new Set([...({TEXT_KINDS.strip()})(), ...({LINK_KINDS.strip()})()])]"


WAIT_FOR_MATHJAX = """
async (timeout) => {
  // MathJax 3 is loaded with `defer`; give it a moment to define its startup promise, then wait for
  // the first typesetting pass to finish.
  const usesMathJax = !!document.querySelector('script[src*="mathjax" i], script[src*="tex-" i]');
  if (!usesMathJax) return "absent";
  const start = Date.now();
  while (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) {
    if (Date.now() - start > timeout) return "did not start";
    await new Promise(r => setTimeout(r, 50));
  }
  await MathJax.startup.promise;
  if (MathJax.typesetPromise) await MathJax.typesetPromise();
  return "typeset";
}
"""


def wait_for_mathjax(page, timeout_ms: int = 10_000) -> str:
    """Wait until MathJax has typeset the page: "typeset", "absent" or "did not start"."""
    return page.evaluate(WAIT_FOR_MATHJAX, timeout_ms)


# -- what a page loads ---------------------------------------------------------------------------------

# Already compressed: a static host serves them as they are; everything else is counted at gzip -6.
STORED_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".woff", ".woff2", ".zip", ".whl"}


def compressed_size(url: str, body: bytes) -> int:
    """Bytes on the wire from a static host: gzip -6 for text, the stored size for compressed formats."""
    import gzip
    from urllib.parse import urlsplit

    suffix = Path(urlsplit(url).path).suffix.lower()
    return len(body) if suffix in STORED_SUFFIXES else len(gzip.compress(body, compresslevel=6, mtime=0))


def record_responses(page) -> tuple[dict, set]:
    """Record every local response's body ({url: bytes}) and the requests in flight (a set)."""
    from urllib.parse import urlsplit

    bodies: dict[str, bytes] = {}
    pending: set = set()

    def record(response):
        if response.status >= 400 or urlsplit(response.url).scheme not in {"http", "https"}:
            return
        if not is_local(response.url):
            return
        try:
            bodies[response.url.split("#")[0]] = response.body()
        except Exception:  # a redirect, or a body the browser dropped: nothing to count
            pass

    page.on("request", lambda request: pending.add(request))
    page.on("requestfinished", lambda request: pending.discard(request))
    page.on("requestfailed", lambda request: pending.discard(request))
    page.on("response", record)
    return bodies, pending


SCROLL_THROUGH = """
async (pause) => {
  // Two screens a step: the browser fetches a lazy image well before it comes into view.
  const step = Math.max(600, window.innerHeight * 2);
  for (let y = 0; y <= document.documentElement.scrollHeight; y += step) {
    window.scrollTo(0, y);
    await new Promise(r => setTimeout(r, pause));
  }
  window.scrollTo(0, 0);
}
"""


def scroll_through(page, pause_ms: int = 30) -> None:
    """Scroll from the top of the page to its end, as a reader would, so lazy content loads."""
    page.evaluate(SCROLL_THROUGH, pause_ms)


def wait_until_quiet(page, pending: set, quiet_ms: int = 250, limit_ms: int = 20_000) -> None:
    """Wait until no request has been in flight for ``quiet_ms``."""
    waited = quiet = 0
    while quiet < quiet_ms and waited < limit_ms:
        page.wait_for_timeout(50)
        waited += 50
        quiet = quiet + 50 if not pending else 0
