"""The option the checks of the built website share (tests/browser, tests/anywhere): ``--site``;
and how ``--dist loadfile`` hands their tests to the workers.

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


# How the site checks go to the workers under ``--dist loadfile`` (scripts/test). A file's tests
# share its fixtures (a notebook run, a built copy of the site, a page loaded once), so they stay on
# one worker, and the longest go first: the notebook runs, then the chapters' reading checks, which
# are one unit with test_weights (it reuses the weights those visits recorded). Every other page's
# reading check is a unit of its own, handed to whichever worker is free.
FIRST = ("tests/anywhere/test_anywhere.py", "tests/browser/test_reading.py::chapters",
         "tests/browser/test_quiz.py", "tests/anywhere/test_home.py")


def site_check_unit(nodeid: str) -> str:
    """The unit of work a site check's test belongs to (see FIRST)."""
    path, _, name = nodeid.partition("::")
    if path != "tests/browser/test_reading.py" or not name.startswith(("test_reading[", "test_weights")):
        return path
    return f"{path}::chapters" if name.startswith(("test_reading[chapters/", "test_weights")) else nodeid


def pytest_xdist_make_scheduler(config, log):
    if config.getoption("dist", None) != "loadfile" or site_option(config) is None:
        return None
    from xdist.scheduler import LoadFileScheduling

    class SiteChecks(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return site_check_unit(nodeid)

        def _assign_work_unit(self, node) -> None:
            if not getattr(self, "ordered", False):  # once, before the first unit goes out
                units = list(self.workqueue.items())
                rank = {unit: FIRST.index(unit) if unit in FIRST else len(FIRST) for unit, _ in units}
                self.workqueue.clear()
                self.workqueue.update(sorted(units, key=lambda item: rank[item[0]]))  # stable: else in order
                self.ordered = True
            super()._assign_work_unit(node)

    return SiteChecks(config, log)


@pytest.fixture(scope="session")
def site_dir(request) -> Path:
    return site_option(request.config).resolve()
