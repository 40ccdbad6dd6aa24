"""Sphinx glue for the course website: serve widget scripts from the site itself, never a CDN.

The ipywidgets HTML manager and require.js come from npm (``package.json``; ``npm ci`` puts them in
``node_modules``). They are copied into ``_vendor/`` of the built site, a folder Jupyter Book does not
inject into every page: myst-nb adds them only to pages whose notebook holds widget state
(``nb_ipywidgets_js`` in ``_config.yml``), together with ``widgets-shim.js`` from this folder.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = {
    "require.min.js": ROOT / "node_modules/requirejs/require.js",
    "embed-amd.js": ROOT / "node_modules/@jupyter-widgets/html-manager/dist/embed-amd.js",
    "widgets-shim.js": Path(__file__).resolve().parent / "widgets-shim.js",
}
FONT_SUFFIXES = {".woff", ".woff2", ".ttf", ".eot", ".svg"}


def _missing() -> list[str]:
    return [str(p) for p in VENDOR.values() if not p.exists()]


def check_vendor(app) -> None:
    missing = _missing()
    if missing:
        raise RuntimeError("widget scripts missing (run `npm ci` at the repository root): " + ", ".join(missing))


def copy_vendor(app, exception) -> None:
    """Copy the widget manager, require.js, the shim and the manager's icon fonts into _vendor/."""
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_vendor"
    target.mkdir(parents=True, exist_ok=True)
    for name, source in VENDOR.items():
        shutil.copyfile(source, target / name)
    fonts = VENDOR["embed-amd.js"].parent
    for font in fonts.iterdir():
        if font.suffix in FONT_SUFFIXES:
            shutil.copyfile(font, target / font.name)


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


def setup(app):
    app.connect("builder-inited", check_vendor)
    app.connect("build-finished", dedupe_inline_scripts)
    app.connect("build-finished", copy_vendor)
    app.add_css_file("course.css")
    app.config.html_static_path.append(str(Path(__file__).resolve().parent / "static"))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
