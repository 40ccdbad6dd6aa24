"""Save a screenshot of one page of the built website, as the browser check sees it.

    python tests/browser/screenshot.py _build/html chapters/01_activations.html out.png [--full]

The site is served on 127.0.0.1 and opened in headless Debian chromium, like the browser check;
requests to other hosts are blocked. The shot is taken after MathJax has typeset the page. Without
``--full`` only the first screen (1280 x 900) is captured; with it, the whole page. With
``--explorer N`` the shot is of the page's N-th explorer alone (its card), once its controls have
rendered; ``--width`` sets the window's width (e.g. 390 for a phone).

    python tests/browser/screenshot.py _build/html chapters/05_normalization.html bn.png --explorer 2
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sitekit  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the built site, e.g. _build/html")
    parser.add_argument("page", help="page path inside the site, e.g. intro.html")
    parser.add_argument("out", type=Path, help="PNG file to write")
    parser.add_argument("--full", action="store_true", help="capture the whole page, not one screen")
    parser.add_argument("--wait", type=float, default=1.0, help="extra seconds to wait (widgets)")
    parser.add_argument("--explorer", type=int, default=None, metavar="N",
                        help="capture the N-th explorer of the page (1 = the first), rendered")
    parser.add_argument("--width", type=int, default=1280, help="window width in CSS pixels")
    args = parser.parse_args(argv)

    if not (args.site / args.page).is_file():
        parser.error(f"no page {args.page} in {args.site}")
    try:
        sitekit.require_chromium()
    except RuntimeError as error:
        parser.error(str(error))

    from playwright.sync_api import sync_playwright

    blocked: list[str] = []
    with sitekit.serve(args.site) as url, sync_playwright() as playwright:
        browser = sitekit.launch(playwright)
        context = browser.new_context(viewport={"width": args.width, "height": 900})
        sitekit.block_other_hosts(context, blocked)
        page = context.new_page()
        page.goto(url + args.page, wait_until="load")
        sitekit.wait_for_mathjax(page)
        if args.explorer is not None:
            page.evaluate("() => window.courseWidgetsLoad && window.courseWidgetsLoad()")
            areas = page.locator(".cell_output > .widget-subarea")
            try:
                areas.nth(args.explorer - 1).wait_for(timeout=20_000)
            except Exception:
                parser.error(f"the page shows no explorer #{args.explorer} ({areas.count()} rendered)")
            card = page.locator(".cell_output", has=page.locator(":scope > .widget-subarea")).nth(args.explorer - 1)
            card.scroll_into_view_if_needed()
            page.wait_for_timeout(args.wait * 1000)
            card.screenshot(path=str(args.out))
        else:
            page.wait_for_timeout(args.wait * 1000)
            page.screenshot(path=str(args.out), full_page=args.full)
        browser.close()
    print(f"wrote {args.out}")
    for request in dict.fromkeys(blocked):
        print(f"blocked a request to another host: {request}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
