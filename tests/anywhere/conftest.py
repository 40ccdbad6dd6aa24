"""The run-anywhere check runs only on request: ``pytest tests/anywhere --site=_build/html``.

It needs the built site (for lib's wheel and the course bundle it serves) and builds virtual
environments of its own (see ``test_anywhere.py``), so it is left out of a plain ``pytest tests``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "_ext"))


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
    if site is not None and not (site / "downloads").is_dir():
        raise pytest.UsageError(f"--site={site}: no downloads/ folder there; build the site first "
                                "with `bash scripts/build`.")


@pytest.fixture(scope="session")
def site_dir(request) -> Path:
    return _site(request.config).resolve()

