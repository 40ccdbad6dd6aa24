"""How the site checks go to the workers (tests/conftest.py): a file's tests are one unit, each
page's reading check is one, and the chapters' reading checks are one with test_weights."""

from __future__ import annotations

from pathlib import Path

from conftest import FIRST, site_check_unit

ROOT = Path(__file__).resolve().parents[1]
READING = "tests/browser/test_reading.py"


def test_a_files_tests_are_one_unit():
    for nodeid in ("tests/anywhere/test_anywhere.py::test_notebook_runs_from_the_unpacked_bundle[chapters/01_activations.ipynb]",
                   "tests/anywhere/test_anywhere.py::test_the_bundle_holds_every_notebook_the_wheel_and_pinned_requirements"):
        assert site_check_unit(nodeid) == "tests/anywhere/test_anywhere.py"
    assert site_check_unit("tests/browser/test_quiz.py::test_dark_mode_is_readable_and_clean[04_softmax.html]") \
        == "tests/browser/test_quiz.py"
    assert site_check_unit(f"{READING}::test_search") == READING


def test_each_pages_reading_check_is_its_own_unit_but_the_chapters_go_with_their_weights():
    api = f"{READING}::test_reading[appendix/api.html]"
    assert site_check_unit(api) == api
    chapters = {site_check_unit(f"{READING}::test_reading[chapters/0{i}_x.html]") for i in range(1, 6)}
    assert chapters == {site_check_unit(f"{READING}::test_weights")} == {f"{READING}::chapters"}


def test_the_longest_units_go_first_and_every_one_of_them_exists():
    assert FIRST[:2] == ("tests/anywhere/test_anywhere.py", f"{READING}::chapters")
    for unit in FIRST:  # a renamed file would silently lose its place
        assert (ROOT / unit.split("::")[0]).is_file(), unit
