"""Tests for _ext/course_bundle.py: lib's wheel and the course bundle the website serves."""

import re
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))

import course_bundle as cb  # noqa: E402


def test_pinned_reads_exact_pins_in_the_order_asked(tmp_path):
    req = tmp_path / "r.txt"
    req.write_text("# c\nNumPy==2.0.1  # comment\nscipy>=1\nmatplotlib==3.1\n-e .\n")
    assert cb.pinned(req, ("numpy", "matplotlib")) == ["NumPy==2.0.1", "matplotlib==3.1"]
    with pytest.raises(ValueError, match="scipy"):
        cb.pinned(req, ("scipy",))


def test_the_learner_pins_are_the_course_pins():
    pins = cb.pinned(ROOT / "requirements.txt")
    assert [p.split("==")[0] for p in pins] == list(cb.LEARNER_PACKAGES)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    return cb.build_wheel(tmp_path_factory.mktemp("wheel"))


def test_the_wheel_holds_every_lib_module_and_the_measured_conventions(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "lib").rglob("*.py")}
    assert modules <= names
    assert "lib/data/framework_conventions.json" in names
    assert not any("__pycache__" in n or n.startswith("tests/") for n in names)


def test_the_wheel_installs_nothing_outside_site_packages(wheel):
    """Every file of the wheel is lib's or its metadata: no ``.data/`` folder (data-files, scripts,
    headers), which pip would install outside site-packages, such as a Jupyter server setting."""
    info = "-".join(wheel.name.split("-")[:2]) + ".dist-info/"
    outside = [n for n in zipfile.ZipFile(wheel).namelist() if not (n.startswith("lib/") or n.startswith(info))]
    assert outside == []


def test_the_wheel_declares_what_lib_needs_with_floors_a_description_and_a_licence(wheel):
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        text = archive.read(metadata).decode()
    requires = dict(re.findall(r"^Requires-Dist: ([A-Za-z0-9_-]+)(.*)$", text, re.M))
    assert set(requires) == {"numpy", "scipy", "scikit-learn", "matplotlib", "ipywidgets"}
    assert all(re.fullmatch(r">=[0-9.]+", spec.strip()) for spec in requires.values()), requires
    assert "extra ==" not in text  # matplotlib and ipywidgets are required, not an extra
    assert re.search(r"^Summary: \S.{40,}$", text, re.M)
    assert re.search(r"^License-Expression: MIT$", text, re.M)
    assert any(n.endswith("/LICENSE") for n in archive.namelist())


def test_the_bundle_holds_notebooks_wheel_requirements_and_a_one_command_readme(wheel, tmp_path):
    bundle = cb.build_bundle(wheel, tmp_path)
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
        readme = archive.read(f"{cb.BUNDLE_NAME}/README.md").decode()
        requirements = archive.read(f"{cb.BUNDLE_NAME}/requirements.txt").decode().splitlines()
    notebooks = {f"{cb.BUNDLE_NAME}/{p.relative_to(ROOT).as_posix()}" for p in cb.notebooks()}
    assert len(notebooks) >= 6 and notebooks <= set(names)
    with zipfile.ZipFile(bundle) as archive:   # each is the learner's edition, no solution in it
        for p in cb.notebooks():
            name = p.relative_to(ROOT).as_posix()
            shipped = archive.read(f"{cb.BUNDLE_NAME}/{name}")
            assert shipped == (ROOT / "learner" / name).read_bytes() and b"solution-start" not in shipped
    assert 'remove the `#` and run that cell' in readme
    assert f"{cb.BUNDLE_NAME}/{wheel.name}" in names
    assert requirements[-1] == f"./{wheel.name}" and "jupyterlab" in " ".join(requirements)
    assert f"```bash\n{cb.INSTALL_AND_START}\n```" in readme


def test_binder_pins_the_learner_packages_and_installs_lib_from_the_repository():
    binder = ROOT / "binder"
    lines = [ln for ln in (binder / "requirements.txt").read_text().splitlines() if ln and not ln.startswith("#")]
    assert lines == cb.pinned(ROOT / "requirements.txt")
    post_build = binder / "postBuild"
    assert post_build.stat().st_mode & 0o111, "postBuild must be executable"
    assert 'pip install --no-deps "$(dirname "$0")/.."' in post_build.read_text()
    assert (binder / "runtime.txt").read_text().strip() == "python-3.11"
