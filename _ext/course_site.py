"""Sphinx glue for the course website.

* Widget scripts are served from the site itself, never a CDN. The site's widget manager
  (``widgets-manager.js`` here: ipywidgets 8's base and controls from npm, ``package.json``) is bundled
  by esbuild (pinned in ``package.json`` too) into ``_vendor/widgets.js`` and ``widgets.css``, a
  folder Jupyter Book does not inject into every page. myst-nb adds only ``widgets-shim.js`` (deferred)
  to pages whose notebook holds widget state (``nb_ipywidgets_js`` in ``_config.yml``); the shim loads
  the manager when the reader nears an explorer, so text and figures never wait for it.
* Every page is post-processed for weight and reading (``course_pages``): inline images become lazy
  files, each explorer shows a plain first picture before its controls, the theme's icon script is
  replaced by its icon font cut down to the icons used, search tools load on the search page only,
  and search results get summaries from ``searchsummaries.js`` (no page fetches, so search also
  works from disk). The search page ranks a page whose title holds the query first
  (``static/course-search.js``).
* The course's public home (``course_home``) decides the launch buttons: Colab and Binder when a home
  is configured, none otherwise.
* lib's wheel and the course bundle (``course_bundle``) are built with the site and served from
  ``downloads/``; the introduction and every notebook page get a "Run this chapter on your machine"
  box that links them (and the launch buttons' targets, when there is a home).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)

import course_bundle
import course_home
import course_pages

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ESBUILD = ROOT / "node_modules/.bin/esbuild"
MANAGER = HERE / "widgets-manager.js"
SHIM = HERE / "widgets-shim.js"
VENDOR_NEEDS = [ESBUILD, MANAGER, SHIM, ROOT / "node_modules/@jupyter-widgets/controls/package.json"]
DOWNLOADS = "downloads"
#: Where, inside downloads/, each page's notebook (its learner's edition) is served.
NOTEBOOKS = "notebooks"


def _missing() -> list[str]:
    return [str(p) for p in VENDOR_NEEDS if not p.exists()]


def check_vendor(app) -> None:
    missing = _missing()
    if missing:
        raise RuntimeError("widget scripts missing (run `npm ci` at the repository root): " + ", ".join(missing))


def build_manager(target: Path) -> None:
    """Bundle the site's widget manager into ``target``/widgets.js and widgets.css (minified)."""
    subprocess.run(
        [str(ESBUILD), str(MANAGER), "--bundle", "--minify", "--format=iife", "--target=es2020",
         "--legal-comments=linked", "--log-level=warning", f"--outfile={target / 'widgets.js'}"],
        cwd=ROOT, check=True)


def copy_vendor(app, exception) -> None:
    """Build the widget manager into _vendor/ and copy the shim that loads it next to it."""
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_vendor"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    build_manager(target)
    shutil.copyfile(SHIM, target / SHIM.name)


def _pages(app) -> dict[str, Path]:
    outdir = Path(app.outdir)
    pages = {}
    for path in sorted(outdir.rglob("*.html")):
        rel = path.relative_to(outdir)
        if rel.parts[0].startswith("_"):
            continue
        pages[rel.with_suffix("").as_posix()] = path
    return pages


def lighten_pages(app, exception) -> None:
    """Post-process every page (``course_pages``): images as lazy files, a first picture before each
    explorer's controls, lighter icons, search tools on the search page only, search summaries."""
    if exception is not None or app.builder.format != "html":
        return
    done = course_pages.process_site(Path(app.outdir), _pages(app))
    logger.info(
        f"course pages: {done['images']} images as files ({done['image_bytes_in'] / 1e6:.1f} MB inline -> "
        f"{done['image_bytes_out'] / 1e6:.1f} MB), icon font {done['icon_font_before'] // 1000} KB -> "
        f"{done['icon_font_after'] // 1000} KB ({done['icon_glyphs']} icons), search summaries "
        f"{done['search_summaries'] // 1000} KB")


INLINE_SCRIPT = re.compile(r"^\s*<script>[^<]*</script>\s*$")


def dedupe_inline_scripts(app, exception) -> None:
    """Drop repeated inline scripts from every page.

    Under Jupyter Book 1 the config scripts of sphinx-thebe and sphinx-togglebutton reach each page
    twice; declaring thebe's ``const`` twice is a SyntaxError in the browser on every page.
    """
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
        seen, kept = set(), []
        for line in lines:
            if INLINE_SCRIPT.match(line):
                if line.strip() in seen:
                    continue
                seen.add(line.strip())
            kept.append(line)
        if len(kept) != len(lines):
            page.write_text("".join(kept), encoding="utf-8")


# -- the public home: launch buttons ----------------------------------------------------------------

def apply_home(app, config) -> None:
    """Launch buttons and repository links from the one setting (``repository`` in _config.yml)."""
    options = config.html_theme_options
    home = course_home.Home(options.get("repository_url") or "", options.get("repository_branch") or "")
    config.html_theme_options = course_home.theme_options(home, options)
    app.course_home = home


# -- lib's wheel and the course bundle --------------------------------------------------------------

def build_downloads(app) -> None:
    """Build lib's wheel and the bundle before the pages are read (the box quotes their sizes)."""
    if app.builder.format != "html":
        return
    folder = Path(tempfile.mkdtemp(prefix="course-downloads-"))
    wheel = course_bundle.build_wheel(folder)
    editions, _ = course_bundle.learner_editions()   # made once: in the bundle and served alone
    bundle = course_bundle.build_bundle(wheel, folder, editions=editions)
    course_bundle.write_learner_notebooks(folder / NOTEBOOKS, editions)
    app.course_downloads = {"folder": folder, "wheel": wheel, "bundle": bundle}


def publish_downloads(app, exception) -> None:
    downloads = getattr(app, "course_downloads", None)
    if exception is not None or downloads is None:
        return
    target = Path(app.outdir) / DOWNLOADS
    target.mkdir(parents=True, exist_ok=True)
    for key in ("wheel", "bundle"):
        shutil.copyfile(downloads[key], target / downloads[key].name)
    shutil.copytree(downloads["folder"] / NOTEBOOKS, target / NOTEBOOKS, dirs_exist_ok=True)
    shutil.rmtree(downloads["folder"], ignore_errors=True)


def _megabytes(path: Path) -> str:
    return f"{path.stat().st_size / 1e6:.1f} MB"


def _link(text: str, uri: str) -> nodes.reference:
    return nodes.reference("", text, refuri=uri, internal=False)


def run_locally_box(app, doctree) -> None:
    """Put a "Run this chapter on your machine" box under the title of every notebook page and the
    introduction: the bundle, the chapter's notebook and lib's wheel, and Colab/Binder with a home."""
    downloads = getattr(app, "course_downloads", None)
    docname = app.env.docname
    source = Path(app.env.doc2path(docname))
    is_notebook = source.suffix == ".ipynb"
    if downloads is None or not (is_notebook or docname == app.config.root_doc):
        return
    up = "../" * docname.count("/")
    bundle, wheel = downloads["bundle"], downloads["wheel"]
    para = nodes.paragraph()
    para += _link(f"Download the course bundle ({_megabytes(bundle)})", f"{up}{DOWNLOADS}/{bundle.name}")
    para += nodes.Text(", unzip it and run the one command in its README: it installs lib and opens "
                       "JupyterLab with every notebook. ")
    if is_notebook:
        para += nodes.Text("For this chapter alone, take ")
        para += _link("its notebook", f"{up}{DOWNLOADS}/{NOTEBOOKS}/{docname}.ipynb")
        para += nodes.Text(" and ")
    else:
        para += nodes.Text("For a single notebook, take ")
    para += _link(f"lib's wheel ({_megabytes(wheel)})", f"{up}{DOWNLOADS}/{wheel.name}")
    para += nodes.Text(" (pip install it next to numpy, scipy, scikit-learn, matplotlib and ipywidgets).")
    home = app.course_home
    if home.configured and is_notebook:
        path = f"{course_home.LEARNER}/{source.relative_to(Path(app.srcdir)).as_posix()}"
        para += nodes.Text(" Or open it in ")
        para += _link("Colab", home.colab_url(path))
        para += nodes.Text(" or on ")
        para += _link("Binder", home.binder_url(path))
        para += nodes.Text(".")
    para += nodes.Text(" These notebooks keep each exercise's worked solution out of the way: where it "
                       "would stand, a cell reads ")
    para += nodes.literal("", '# solution("ex-...")')
    para += nodes.Text("; remove the # and run it once you have tried (running the whole notebook "
                       "reveals none).")
    title = "Run this chapter on your machine" if is_notebook else "Run the course on your machine"
    # The box's title is a paragraph styled as one, not a section title: the search index would
    # otherwise list "Run this chapter on your machine" among every page's titles.
    box = nodes.admonition("", nodes.paragraph("", title, classes=["admonition-title"]), para,
                           classes=["tip", "run-locally"])
    heading = next(iter(doctree.findall(nodes.title)), None)
    section = heading.parent if heading is not None else doctree
    section.insert(section.index(heading) + 1 if heading is not None else 0, box)


def setup(app):
    app.connect("config-inited", apply_home)
    app.connect("builder-inited", check_vendor)
    app.connect("builder-inited", build_downloads)
    app.connect("doctree-read", run_locally_box)
    app.connect("build-finished", dedupe_inline_scripts)
    app.connect("build-finished", copy_vendor)
    app.connect("build-finished", lighten_pages)
    app.connect("build-finished", publish_downloads)
    app.add_css_file("course.css")
    app.add_css_file("course-icons.css")
    app.add_js_file("course.js", loading_method="defer")
    app.config.html_static_path.append(str(Path(__file__).resolve().parent / "static"))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
