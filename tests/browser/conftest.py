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


def pytest_configure(config):
    if config.getoption("--site") is None:  # tests/conftest.py leaves this folder out
        return
    site = Path(config.getoption("--site"))
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
        pages = sitekit.find_pages(Path(metafunc.config.getoption("--site")))
        metafunc.parametrize("page_path", pages, ids=pages)
