"""What each page of the built website weighs, compressed as a static host serves it.

    python bench/bench_pages.py [--site _build/html] [--by-kind]

Every page is opened in headless chromium (the browser check's ``/usr/bin/chromium``), scrolled to
its end so that everything it loads lazily is fetched, and every control of every explorer is left
as it is. Each resource the page requested is counted at its compressed size: gzip -6 for text (HTML,
JavaScript, CSS, JSON, SVG), as served for images and fonts that are compressed already (PNG, WOFF2).

* first visit: everything the page requests, with an empty cache, once the reader has scrolled
  to its end (lazy images, the widget manager when an explorer comes near);
* further page: the same, when another chapter page was read first (the previous one in the book's
  order; chapter 1 after chapter 2): only what that page did not already fetch (the browser cache
  keeps a URL it has fetched);
* at load: what the first visit fetches before the reader scrolls at all.

Targets for a chapter page: first visit 1.5 MB, further page 600 KB. ``--by-kind`` also splits each
first visit into the page's HTML (and the explorer frames inside it), the widget manager, MathJax,
the theme's scripts and styles, fonts and images. A benchmark, not a test: the figures depend on the
build (every explorer frame is rendered when the site is built), not on the machine.
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))

import sitekit  # noqa: E402

FIRST_VISIT_TARGET = 1_500_000
FURTHER_TARGET = 600_000
STATE = re.compile(rb'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', re.S)
DATA_URI = re.compile(rb"data:image/[a-z]+;base64,[A-Za-z0-9+/=]+")
compressed = sitekit.compressed_size


def kind(url: str) -> str:
    path = urlsplit(url).path
    suffix = Path(path).suffix.lower()
    if suffix == ".html" or path.endswith("/"):
        return "html"
    if "/_vendor/" in path and suffix == ".js":
        return "widget manager"
    if "/mathjax/" in path:
        return "mathjax"
    if suffix in {".woff", ".woff2", ".ttf", ".eot"} or "fontawesome" in path:
        return "fonts and icons"
    if suffix in {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"}:
        return "images"
    if path.endswith("searchindex.js"):
        return "search index"
    return "theme and site scripts/styles"


def visit(context, url: str) -> tuple[dict[str, bytes], set[str]]:
    """Open ``url`` in ``context``, scroll through it; return {resource URL: body} and the URLs
    fetched before the first scroll (what a reader who never scrolls loads)."""
    page = context.new_page()
    bodies, pending = sitekit.record_responses(page)
    page.goto(url, wait_until="load", timeout=60_000)
    sitekit.wait_for_mathjax(page)
    sitekit.wait_until_quiet(page, pending)
    at_load = set(bodies)
    sitekit.scroll_through(page)
    sitekit.wait_until_quiet(page, pending)
    page.close()
    return bodies, at_load


def frames_inside(body: bytes) -> int:
    """Compressed bytes of the images inside the page's widget state (explorer frames)."""
    state = b"".join(STATE.findall(body))
    return len(gzip.compress(b"".join(DATA_URI.findall(state)), compresslevel=6, mtime=0))


def measure(site: Path) -> list[dict]:
    """One visit per page, each in a fresh browser context (an empty cache)."""
    from playwright.sync_api import sync_playwright

    pages = sitekit.find_pages(site)
    chapters = [p for p in pages if p.startswith("chapters/")]
    visits = {}
    with sitekit.serve(site) as base, sync_playwright() as playwright:
        browser = sitekit.launch(playwright)
        for page in pages:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            sitekit.block_other_hosts(context, [])
            visits[page] = visit(context, base + page), base + page
            context.close()
        browser.close()
    results = []
    for page in pages:
        (bodies, at_load), url = visits[page]
        weigh = {u: compressed(u, b) for u, b in bodies.items()}
        row = {"page": page, "first": sum(weigh.values()), "at_load": sum(weigh[u] for u in at_load),
               "requests": len(bodies), "html": weigh.get(url, 0), "frames": frames_inside(bodies.get(url, b""))}
        kinds: dict[str, int] = {}
        for u, size in weigh.items():
            kinds[kind(u)] = kinds.get(kind(u), 0) + size
        row["kinds"] = kinds
        if page in chapters:
            row["after"] = further_after(chapters, page)
            cached = set(visits[row["after"]][0][0])
            row["further"] = sum(size for u, size in weigh.items() if u not in cached)
        results.append(row)
    return results


def further_after(chapters: list[str], page: str) -> str:
    """The chapter read before ``page``: the previous one in the book's order (chapter 1: chapter 2)."""
    i = chapters.index(page)
    return chapters[i - 1] if i > 0 else chapters[min(1, len(chapters) - 1)]


def kb(n: int) -> str:
    return f"{n / 1000:.0f}"


def report(results: list[dict], by_kind: bool) -> None:
    header = ["page", "first visit KB", "target", "", "further KB", "target", "", "at load KB", "HTML KB",
              "frames in HTML KB", "requests"]
    rows = []
    for r in results:
        chapter = "further" in r
        rows.append([
            r["page"], kb(r["first"]),
            kb(FIRST_VISIT_TARGET) if chapter else "-",
            ("ok" if r["first"] <= FIRST_VISIT_TARGET else "MISSED") if chapter else "",
            kb(r["further"]) if chapter else "-",
            kb(FURTHER_TARGET) if chapter else "-",
            ("ok" if r["further"] <= FURTHER_TARGET else "MISSED") if chapter else "",
            kb(r["at_load"]), kb(r["html"]), kb(r["frames"]), r["requests"],
        ])
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    print("## page weight, compressed as served (gzip -6 for text; KB = 1000 bytes)")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    for row in rows:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths)))
    if by_kind:
        names = sorted({k for r in results for k in r["kinds"]})
        print("\n## first visit by kind (KB, compressed)")
        header = ["page", *names]
        rows = [[r["page"], *(kb(r["kinds"].get(n, 0)) for n in names)] for r in results]
        widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
        print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
        for row in rows:
            print("  ".join(str(x).ljust(w) for x, w in zip(row, widths)))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--by-kind", action="store_true", help="split each first visit by kind")
    args = parser.parse_args(argv)
    if not (args.site.is_dir() and sitekit.find_pages(args.site)):
        print(f"no built site at {args.site} (run bash scripts/build first)")
        return 1
    sitekit.require_chromium()
    report(measure(args.site), args.by_kind)
    return 0


if __name__ == "__main__":
    sys.exit(main())
