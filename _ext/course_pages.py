"""What the built pages weigh and how they arrive: the post-processing of every HTML page.

``course_site`` runs :func:`process_site` once the HTML builder has written the site. It changes
how things are delivered, never what a page says:

* **Images as files.** Every inline PNG (``data:image/png;base64,...``) becomes a file of its own
  under ``_images/``, named by its content, with its size and ``loading="lazy"``: a page's HTML then
  carries its text, and each image arrives when the reader comes near it (and once, when two pages
  or two frames show the same one). A figure is stored with a 256-colour palette (median cut; the
  explorers' frames already use 64 colours), which looks the same and weighs a third.
* **Explorer frames inside the widget state** become files the same way; a frame arrives when a
  control shows it, and the site's widget loader fetches an explorer's frames when the reader
  first reaches for its controls (``data-frames`` on the explorer's view tag lists them).
* **A picture before the controls.** Each widget view gets, in front of it, a plain copy of what it
  shows as first drawn (the selected frame, its readout and note): the text and the figures are
  readable before the widget manager has loaded, without it, and in print.
* **The theme's icons without its 1.5 MB icon script.** ``fontawesome.js`` (which replaces each
  ``<i class="fa-...">`` with an SVG) is dropped: the theme's stylesheet already draws the same
  icons from its icon font, which is cut down to the glyphs the site uses (:func:`subset_icons`).
  Icons are decoration here (each button has its own label), so they get ``aria-hidden``.
* **Search tools only on the search page.** The theme loads Sphinx's search script and the whole
  search index on every page for a search-as-you-type mode this site leaves off.
* **Search summaries.** ``searchsummaries.js`` holds each page's article text (without the header's
  buttons, the "Run this chapter" box or code-cell outputs), which ``course-search.js`` shows under a
  search result: no page is fetched, so search works the same from a server and from disk.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

IMAGES = "_images"
FIGURE_COLOURS = 256

STATE_TAG = re.compile(
    r'(<script type="application/vnd.jupyter.widget-state\+json">)(.*?)(</script>)', re.S)
VIEW_TAG = re.compile(r'<script type="application/vnd.jupyter.widget-view\+json">(.*?)</script>', re.S)
IMG_TAG = re.compile(r"<img\b[^>]*>")
INLINE_SRC = re.compile(r'\bsrc="data:image/png;base64,([A-Za-z0-9+/=]+)"')
ICON_TAG = re.compile(r'<i class="([^"]*)"(?![^>]*aria-hidden)')
ICON_CLASS = re.compile(r"\bfa-[a-z0-9-]+")
REMOVE_EVERYWHERE = [re.compile(r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>')]
REMOVE_OUTSIDE_SEARCH = [
    re.compile(r'\s*<script src="[^"]*_static/searchtools\.js"></script>'),
    re.compile(r'\s*<script src="[^"]*_static/language_data\.js"></script>'),
    re.compile(r'\s*<script src="[^"]*searchindex\.js"></script>'),
]
SEARCH_SCRIPTS = re.compile(r'(\s*)(<script src="[^"]*_static/searchtools\.js"></script>)')


# -- images ------------------------------------------------------------------------------------------

class ImageStore:
    """Write each distinct PNG once under ``_images/`` and say where it is and how big."""

    def __init__(self, outdir: Path):
        self.outdir = outdir
        self.folder = outdir / IMAGES
        self.folder.mkdir(parents=True, exist_ok=True)
        self.seen: dict[tuple[str, str], tuple[str, int, int]] = {}
        self.bytes_in = self.bytes_out = 0

    def add(self, data: str, kind: str) -> tuple[str, int, int]:
        """The site path and pixel size of the image ``data`` (base64 PNG); ``kind`` is "figure"
        (re-encoded with a palette when that is smaller) or "frame" (kept as it is)."""
        key = (data, kind)
        if key in self.seen:
            return self.seen[key]
        from PIL import Image

        png = base64.b64decode(data)
        image = Image.open(io.BytesIO(png))
        width, height = image.size
        if kind == "figure" and image.mode != "P":
            buffer = io.BytesIO()
            rgb = image.convert("RGB") if _opaque(image) else None
            if rgb is not None:
                rgb.quantize(colors=FIGURE_COLOURS, method=Image.Quantize.MEDIANCUT).save(
                    buffer, format="png", optimize=True)
                if buffer.tell() < len(png):
                    png = buffer.getvalue()
        name = f"{kind}-{hashlib.sha256(png).hexdigest()[:16]}.png"
        target = self.folder / name
        if not target.exists():
            target.write_bytes(png)
        self.bytes_in += len(data) * 3 // 4
        self.bytes_out += len(png)
        self.seen[key] = (f"{IMAGES}/{name}", width, height)
        return self.seen[key]


def _opaque(image) -> bool:
    if image.mode in ("RGB", "L"):
        return True
    if image.mode in ("RGBA", "LA"):
        return image.getchannel("A").getextrema()[0] == 255
    return False


def _images(text: str, store: ImageStore, kind: str, up: str) -> str:
    """Every ``<img>`` of ``text`` whose source is an inline PNG, pointed at its file instead, with
    its size (unless given) and lazy loading."""

    def one(tag: re.Match) -> str:
        img = tag.group(0)
        source = INLINE_SRC.search(img)
        if source is None:
            return img
        path, width, height = store.add(source.group(1), kind)
        extra = [f'{name}="{value}"' for name, value in
                 (("width", width), ("height", height), ("loading", "lazy"), ("decoding", "async"))
                 if not re.search(rf"\s{name}=", img)]
        return img[:source.start()] + " ".join([f'src="{up}{path}"', *extra]) + img[source.end():]

    return IMG_TAG.sub(one, text)


# -- widget state -------------------------------------------------------------------------------------

def _ref(value) -> str | None:
    return value[len("IPY_MODEL_"):] if isinstance(value, str) and value.startswith("IPY_MODEL_") else None


def _snapshot(models: dict, model_id: str) -> str:
    """What a widget shows as first drawn, as plain HTML: boxes in order, a stack's selected child,
    an HTML widget's value; controls are left out (they need the manager)."""
    model = models.get(model_id)
    if model is None:
        return ""
    name, state = model.get("model_name", ""), model.get("state", {})
    children = [c for c in map(_ref, state.get("children", [])) if c]
    if name == "StackModel":
        index = state.get("selected_index")
        return _snapshot(models, children[index]) if index is not None and index < len(children) else ""
    if name in {"VBoxModel", "HBoxModel", "BoxModel", "GridBoxModel"}:
        return "".join(_snapshot(models, child) for child in children)
    if name in {"HTMLModel", "HTMLMathModel"}:
        return state.get("value", "")
    return ""


def _images_under(models: dict, model_id: str, seen: set | None = None) -> list[str]:
    """Every image URL an explorer (a widget and everything below it) can show."""
    seen = set() if seen is None else seen
    if model_id in seen or model_id not in models:
        return []
    seen.add(model_id)
    state = models[model_id].get("state", {})
    found = re.findall(r'<img src="([^"]+)"', state.get("value", "")) if isinstance(state.get("value"), str) else []
    for child in map(_ref, state.get("children", [])):
        if child:
            found += _images_under(models, child, seen)
    return list(dict.fromkeys(found))


def _has_controls(models: dict, model_id: str) -> bool:
    model = models.get(model_id, {})
    if model.get("model_name") not in {"VBoxModel", "HBoxModel", "BoxModel", "GridBoxModel",
                                       "StackModel", "HTMLModel", "HTMLMathModel", None}:
        return True
    return any(_has_controls(models, c) for c in map(_ref, model.get("state", {}).get("children", [])) if c)


FALLBACK = ('<div class="widget-fallback" data-view="{id}">{controls}{body}</div>')
WAITING = ('<p class="widget-fallback-wait pst-js-only">The controls of this explorer appear once the '
           'page\'s widget script has loaded.</p>')


def process_widgets(text: str, store: ImageStore, up: str) -> str:
    """Frames out of the widget state into files; a plain first picture before each view."""
    match = STATE_TAG.search(text)
    if match is None:
        return text
    document = json.loads(match.group(2))
    models = document.get("state", {})
    for model in models.values():
        state = model.get("state", {})
        if isinstance(state.get("value"), str) and "data:image/png" in state["value"]:
            state["value"] = _images(state["value"], store, "frame", up)
    dumped = json.dumps(document, ensure_ascii=False).replace("</", "<\\/")
    text = text[:match.start(2)] + dumped + text[match.end(2):]

    def fallback(view: re.Match) -> str:
        model_id = json.loads(view.group(1)).get("model_id", "")
        body = _snapshot(models, model_id)
        frames = " ".join(html.escape(u) for u in _images_under(models, model_id))
        tag = view.group(0).replace("<script ", f'<script data-frames="{frames}" ', 1) if frames else view.group(0)
        if not body:
            return tag
        controls = WAITING if _has_controls(models, model_id) else ""
        return FALLBACK.format(id=html.escape(model_id), controls=controls, body=body) + tag

    return VIEW_TAG.sub(fallback, text)


# -- one page -----------------------------------------------------------------------------------------

def process_page(path: Path, outdir: Path, store: ImageStore, is_search: bool) -> None:
    text = path.read_text(encoding="utf-8")
    up = "../" * (len(path.relative_to(outdir).parts) - 1)
    # figures outside the widget state
    pieces = STATE_TAG.split(text)  # [before, open, state, close, after, ...]
    for i in range(0, len(pieces), 4):
        pieces[i] = _images(pieces[i], store, "figure", up)
    text = "".join(pieces)
    text = process_widgets(text, store, up)
    for pattern in REMOVE_EVERYWHERE + ([] if is_search else REMOVE_OUTSIDE_SEARCH):
        text = pattern.sub("", text)
    text = ICON_TAG.sub(lambda m: m.group(0) + (' aria-hidden="true"' if ICON_CLASS.search(m.group(1)) else ""),
                        text)
    if is_search:
        text = SEARCH_SCRIPTS.sub(
            lambda m: (f'{m.group(1)}<script src="{up}_static/course-search.js"></script>'
                       f'{m.group(1)}<script src="{up}searchsummaries.js"></script>{m.group(1)}{m.group(2)}'),
            text, count=1)
    path.write_text(text, encoding="utf-8")


# -- search summaries ---------------------------------------------------------------------------------

class _ArticleText(HTMLParser):
    """The text of a page's article, without what is not the page's own prose and code."""

    SKIP_TAGS = {"script", "style", "noscript", "button", "svg"}
    SKIP_CLASSES = {"headerlink", "run-locally", "cell_output", "widget-fallback", "toggle-details__summary"}
    VOID = {"br", "img", "hr", "input", "meta", "link", "wbr", "source", "col", "area", "base", "embed"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0           # inside <article class="bd-article">
        self.skip: list[int] = []  # depths at which a skipped element started
        self.level = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        self.level += 1
        classes = set((dict(attrs).get("class") or "").split())
        if tag == "article" and "bd-article" in classes:
            self.depth = self.level
        if self.depth and not self.skip and (tag in self.SKIP_TAGS or classes & self.SKIP_CLASSES):
            self.skip.append(self.level)
        if tag in {"p", "div", "li", "h1", "h2", "h3", "h4", "tr", "pre", "section", "dt", "dd"}:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if self.skip and self.skip[-1] == self.level:
            self.skip.pop()
        if self.depth == self.level:
            self.depth = 0
        self.level -= 1

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.parts.append(data)

    def text(self) -> str:
        text = re.sub(r"\\[()\[\]]", "", "".join(self.parts))  # maths keeps its TeX, not its delimiters
        return re.sub(r"\s+", " ", text).strip()


def article_text(page_html: str) -> str:
    parser = _ArticleText()
    parser.feed(page_html)
    parser.close()
    return parser.text()


def write_search_summaries(outdir: Path, pages: dict[str, Path]) -> int:
    """``searchsummaries.js``: {docname: article text}, read by course-search.js on the search page."""
    texts = {doc: article_text(path.read_text(encoding="utf-8")) for doc, path in sorted(pages.items())}
    body = json.dumps(texts, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    script = f"window.COURSE_SEARCH_TEXT = {body};\n"
    (outdir / "searchsummaries.js").write_text(script, encoding="utf-8")
    return len(script.encode())


# -- icons --------------------------------------------------------------------------------------------

FA_RULE = re.compile(r"([^{}]+)\{[^{}]*?content:\"(\\f[0-9a-f]{3}|[\ue000-\uf8ff])\"[^{}]*\}")
FA_CLASS_SELECTOR = re.compile(r"^\.fa-([a-z0-9-]+):(?:before|after)$")
FA_VARIABLE = re.compile(r"--(?:pst|sbt|sd)-icon[a-z-]*:\"(\\f[0-9a-f]{3}|[\ue000-\uf8ff])\"")
# The theme ships each icon font as WOFF2 and TTF; the subset is read from the TTF (reading WOFF2
# needs brotli) and written as WOFF (zlib).
ICON_FONT = "_static/vendor/fontawesome/webfonts/fa-solid-900.ttf"
ICON_FONT_SERVED = "_static/vendor/fontawesome/webfonts/fa-solid-900.woff2"
ICON_SUBSET = "_static/vendor/fontawesome/webfonts/fa-solid-900.course.woff"
ICON_CSS = "_static/course-icons.css"


def _char(escape: str) -> str:
    return chr(int(escape[1:], 16)) if escape.startswith("\\") else escape


def icon_codepoints(css: str, used_classes: set[str]) -> set[int]:
    """Codepoints the site can draw with the icon font: each ``.fa-NAME:before`` rule whose NAME a
    page or script uses, and every icon the theme's own rules and variables draw."""
    found: set[int] = set()
    for selectors, escape in FA_RULE.findall(css):
        names = [FA_CLASS_SELECTOR.match(s.strip()) for s in selectors.split(",")]
        if all(names):
            if any(n.group(1) in used_classes for n in names):
                found.add(ord(_char(escape)))
        else:
            found.add(ord(_char(escape)))
    found.update(ord(_char(e)) for e in FA_VARIABLE.findall(css))
    return found


def subset_icons(outdir: Path, used_classes: set[str]) -> tuple[int, int, int]:
    """Cut the theme's solid icon font down to the glyphs the site uses (a WOFF file), and declare it
    in ``course-icons.css`` after the theme's own face, so the browser fetches the small one.

    Returns (glyphs kept, bytes before, bytes after); (0, 0, 0) when the theme ships no such font.
    """
    from fontTools import subset

    font = outdir / ICON_FONT
    css_files = [outdir / "_static/styles/pydata-sphinx-theme.css", outdir / "_static/styles/sphinx-book-theme.css"]
    css_out = outdir / ICON_CSS
    if not font.exists():
        css_out.write_text("/* the theme ships no solid icon font: nothing to replace */\n", encoding="utf-8")
        return 0, 0, 0
    css = "".join(p.read_text(encoding="utf-8") for p in css_files if p.exists())
    codepoints = icon_codepoints(css, used_classes)
    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]
    options.notdef_outline = True
    loaded = subset.load_font(str(font), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(codepoints))
    subsetter.subset(loaded)
    subset.save_font(loaded, str(outdir / ICON_SUBSET), options)
    css_out.write_text(
        "/* Generated by _ext/course_pages.py: the theme's solid icons, cut down to those the site shows. */\n"
        '@font-face{font-display:block;font-family:"Font Awesome 6 Free";font-style:normal;font-weight:900;'
        f'src:url({Path(ICON_SUBSET).relative_to("_static").as_posix()}) format("woff")}}\n',
        encoding="utf-8")
    served = outdir / ICON_FONT_SERVED
    before = (served if served.exists() else font).stat().st_size
    return len(codepoints), before, (outdir / ICON_SUBSET).stat().st_size


# -- the whole site -----------------------------------------------------------------------------------

def process_site(outdir: Path, pages: dict[str, Path], search_page: str = "search") -> dict:
    """Post-process every page in ``pages`` ({docname: path}); return what was done, in numbers."""
    outdir = Path(outdir)
    used_classes: set[str] = set()
    for path in pages.values():
        text = path.read_text(encoding="utf-8")
        for classes in re.findall(r'class="([^"]*)"', text):
            used_classes.update(c[3:] for c in classes.split() if c.startswith("fa-"))
    for script in (outdir / "_static").rglob("*.js"):
        if "fontawesome" not in script.name and "mathjax" not in script.parts:
            used_classes.update(m[3:] for m in ICON_CLASS.findall(script.read_text(encoding="utf-8", errors="replace")))
    summary_bytes = write_search_summaries(outdir, {d: p for d, p in pages.items() if d != search_page})
    store = ImageStore(outdir)
    for docname, path in pages.items():
        process_page(path, outdir, store, is_search=(docname == search_page))
    glyphs, font_before, font_after = subset_icons(outdir, used_classes)
    return {"images": len(store.seen), "image_bytes_in": store.bytes_in, "image_bytes_out": store.bytes_out,
            "icon_glyphs": glyphs, "icon_font_before": font_before, "icon_font_after": font_after,
            "search_summaries": summary_bytes}
