"""The option the checks of the built website share (tests/browser, tests/anywhere): ``--site``;
and ``look_aheads_finished``, for the tests of live explorers that look ahead.

Without ``--site`` neither folder is collected, so ``pytest tests`` needs no built site, no browser
and no extra virtual environments.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SITE_CHECKS = (HERE / "browser", HERE / "anywhere")


def pytest_addoption(parser):
    parser.addoption("--site", default=None, metavar="DIR",
                     help="built website to check (e.g. _build/html); without it tests/browser and "
                          "tests/anywhere are not collected")


def site_option(config) -> Path | None:
    """The ``--site`` folder, or None when it was not given."""
    return Path(value) if (value := config.getoption("--site", default=None)) is not None else None


def pytest_ignore_collect(collection_path, config):
    if site_option(config) is None and any(d in (collection_path, *collection_path.parents) for d in SITE_CHECKS):
        return True
    return None


@pytest.fixture(scope="session")
def site_dir(request) -> Path:
    return site_option(request.config).resolve()


@pytest.fixture
def look_aheads_finished():
    """A function that waits until every look-ahead of a live explorer (its thread, named
    "look-ahead" by lib.explorer.live) has ended."""
    def wait(timeout: float = 10.0) -> None:
        for thread in [t for t in threading.enumerate() if t.name == "look-ahead"]:
            thread.join(timeout)
    return wait
