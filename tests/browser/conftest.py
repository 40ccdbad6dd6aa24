"""The browser check runs only on request: ``pytest tests/browser --site=_build/html``.

Without ``--site`` nothing in this folder is collected, so ``pytest tests`` needs no built site and
no browser. With ``--site`` a missing site or a missing chromium stops the run with a clear message.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import sitekit  # noqa: E402


def pytest_addoption(parser):
    try:
        parser.addoption("--site", default=None, metavar="DIR",
                         help="built website to check (e.g. _build/html); without it tests/browser and "
                              "tests/anywhere are not collected")
    except ValueError:  # tests/browser and tests/anywhere both read --site; the first one registers it
        pass


def _site(config) -> Path | None:
    return Path(value) if (value := config.getoption("--site", default=None)) is not None else None


def pytest_ignore_collect(collection_path, config):
    if _site(config) is None and HERE in (collection_path, *collection_path.parents):
        return True
    return None


def pytest_configure(config):
    site = _site(config)
    if site is None:
        return
    if not site.is_dir() or not sitekit.find_pages(site):
        raise pytest.UsageError(
            f"--site={site}: no built website there (no HTML pages). "
            "Build it first with `bash scripts/build`."
        )
    try:
        sitekit.require_chromium()
    except RuntimeError as error:
        raise pytest.UsageError(str(error)) from None


@pytest.fixture(scope="session")
def site_dir(request) -> Path:
    return _site(request.config).resolve()


@pytest.fixture(scope="session")
def site_url(site_dir):
    with sitekit.serve(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = sitekit.launch(playwright)
        yield browser
        browser.close()


def pytest_generate_tests(metafunc):
    if "page_path" in metafunc.fixturenames:
        pages = sitekit.find_pages(_site(metafunc.config))
        metafunc.parametrize("page_path", pages, ids=pages)
