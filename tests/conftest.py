"""The option the checks of the built website share (tests/browser, tests/anywhere): ``--site``.

Without ``--site`` neither folder is collected, so ``pytest tests`` needs no built site, no browser
and no extra virtual environments.
"""

from __future__ import annotations

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
