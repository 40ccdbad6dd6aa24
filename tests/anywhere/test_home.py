"""The course's public home decides every launch link and install line, and nothing else does.

* With no home configured (this repository's default), the built site (``--site``) links to no Colab,
  no Binder and no repository, and every notebook page and the introduction offer the bundle instead.
* With a home configured (here, in a copy of the repository), every notebook page's Colab and Binder
  links, and the install line of every set-up cell (in the notebooks, the site's downloadable copies and
  the bundle), point at that repository and ref.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
import yaml

import course_bundle
import course_home

ROOT = Path(__file__).resolve().parents[2]
HREF = re.compile(r"""(?:href|src)=["']([^"']+)["']""")
LAUNCH = re.compile(r"colab\.research\.google\.com|mybinder\.org|github\.com|gitlab\.com|/v2/gh/")
HOME = course_home.Home("https://github.com/example-org/activations-course", "v9.9.9-test")
NOTEBOOK_PAGES = [p.relative_to(ROOT).with_suffix(".html").as_posix() for p in course_bundle.notebooks()]


def _pages(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
            for p in site.rglob("*.html") if p.relative_to(site).parts[0] not in {"_static", "_sources"}}


def _links(html: str) -> list[str]:
    return HREF.findall(html)


def test_without_a_home_no_page_links_to_colab_binder_or_a_repository(site_dir):
    offenders = {page: [u for u in _links(html) if LAUNCH.search(u)] for page, html in _pages(site_dir).items()}
    offenders = {page: urls for page, urls in offenders.items() if urls}
    assert not offenders, f"links that lead to a home that was not configured: {offenders}"


@pytest.mark.parametrize("page", ["intro.html", *NOTEBOOK_PAGES])
def test_without_a_home_the_page_offers_the_bundle_and_the_wheel(site_dir, page):
    html = (site_dir / page).read_text(encoding="utf-8")
    box = re.search(r'<div class="[^"]*\brun-locally\b[^"]*">(.*?)</div>', html, re.S)
    assert box, f"{page}: no 'Run ... on your machine' box"
    targets = [(site_dir / page).parent / u for u in _links(box.group(1))]
    names = {t.name for t in targets}
    assert "activations-course.zip" in names and any(n.endswith(".whl") for n in names)
    missing = [str(t) for t in targets if not t.resolve().is_file()]
    assert not missing, f"{page}: the box links to files the site does not serve: {missing}"
    if page in NOTEBOOK_PAGES:
        assert Path(page).with_suffix(".ipynb").name in names  # this chapter's notebook alone
        assert "Run this chapter on your machine" in box.group(1)


def test_without_a_home_every_set_up_cell_says_how_to_get_lib(site_dir):
    assert course_home.read_home(ROOT / "_config.yml") == course_home.Home()
    for name in [p.relative_to(ROOT).as_posix() for p in course_bundle.notebooks()]:
        for copy in (ROOT / name, site_dir / "_sources" / name):
            source = course_home.setup_cell(nbformat.read(copy, as_version=4)).source
            assert source.startswith(course_home.setup_block(course_home.Home())), copy
            assert "%pip" not in source and "git+" not in source, copy


@pytest.fixture(scope="module")
def homed_site(tmp_path_factory) -> tuple[Path, Path]:
    """A copy of the repository with HOME configured, its set-up cells rewritten, built (no execution)."""
    copy = tmp_path_factory.mktemp("published") / "course"
    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           check=True, capture_output=True, text=True).stdout.split("\n")
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    (copy / "node_modules").symlink_to(ROOT / "node_modules")
    config = yaml.safe_load((copy / "_config.yml").read_text())
    config["repository"] = {"url": HOME.url, "branch": HOME.ref}
    config["execute"]["execute_notebooks"] = "off"  # the stored outputs are enough to check links
    config["sphinx"]["config"]["nb_custom_formats"][".ipynb"][1] = {"mode": "literal"}
    (copy / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    subprocess.run([sys.executable, "scripts/set_home.py"], cwd=copy, check=True, capture_output=True)
    out = copy / "_site"
    subprocess.run([str(Path(sys.executable).parent / "jupyter-book"), "build", str(copy), "--path-output", str(out), "--keep-going"],
                   check=True, capture_output=True, text=True)
    return copy, out / "_build" / "html"


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_with_a_home_every_launch_link_points_at_it(homed_site, page):
    _, site = homed_site
    notebook = "learner/" + Path(page).with_suffix(".ipynb").as_posix()   # the learner's edition
    links = set(_links((site / page).read_text(encoding="utf-8")))
    colab = {u for u in links if "colab.research.google.com" in u}
    binder = {u for u in links if "mybinder.org" in u}
    assert colab == {HOME.colab_url(notebook)}, colab
    assert binder == {HOME.binder_url(notebook)}, binder
    others = {u for u in links if LAUNCH.search(u)} - colab - binder
    assert all(u.startswith(HOME.url) for u in others), others


def test_with_a_home_pages_without_a_notebook_have_no_launch_links(homed_site):
    _, site = homed_site
    for page, html in _pages(site).items():
        if page not in NOTEBOOK_PAGES:
            assert not [u for u in _links(html) if re.search("colab|mybinder", u)], page


def test_with_a_home_every_set_up_cell_installs_lib_from_it(homed_site):
    copy, site = homed_site
    (bundle,) = (site / "downloads").glob("*.zip")
    with zipfile.ZipFile(bundle) as archive:
        bundled = {n: archive.read(n) for n in archive.namelist()   # the glossary has no set-up cell
                   if n.endswith(".ipynb") and not n.endswith(course_bundle.GLOSSARY)}
    assert len(bundled) == len(NOTEBOOK_PAGES)
    sources = []
    for page in NOTEBOOK_PAGES:
        name = Path(page).with_suffix(".ipynb").as_posix()
        sources += [nbformat.read(copy / name, as_version=4), nbformat.read(site / "_sources" / name, as_version=4),
                    nbformat.reads(bundled[f"{course_bundle.BUNDLE_NAME}/{name}"].decode(), as_version=4)]
    for nb in sources:
        source = course_home.setup_cell(nb).source
        assert source.startswith(course_home.setup_block(HOME))
        assert [ln.strip() for ln in source.splitlines() if "%pip" in ln] == [HOME.install_line()]
