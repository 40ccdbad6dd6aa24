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


def pytest_configure(config):
    if config.getoption("--site") is None:  # tests/conftest.py leaves this folder out
        return
    site = Path(config.getoption("--site"))
    if not (site / "downloads").is_dir():
        raise pytest.UsageError(f"--site={site}: no downloads/ folder there; build the site first "
                                "with `bash scripts/build`.")
