"""Tests for _ext/course_pages.py: how the built pages are delivered (images, first pictures, icons,
search summaries). The whole site is checked in a browser by tests/browser."""

import base64
import io
import json
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))

import course_pages as cp  # noqa: E402


def png(colours: int, size=(40, 30), seed=0) -> bytes:
    """An opaque RGB PNG with about ``colours`` distinct colours."""
    rng = np.random.default_rng(seed)
    palette = rng.integers(0, 256, size=(colours, 3), dtype=np.uint8)
    pixels = palette[rng.integers(0, colours, size=(size[1], size[0]))]
    out = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(out, format="png")
    return out.getvalue()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def page_with_widget(frame: str) -> str:
    state = {"state": {
        "box": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_ctl", "IPY_MODEL_stack", "IPY_MODEL_note"]}},
        "ctl": {"model_name": "FloatSliderModel", "state": {"value": 1}},
        "stack": {"model_name": "StackModel", "state": {"selected_index": 1, "children": ["IPY_MODEL_f0", "IPY_MODEL_f1"]}},
        "f0": {"model_name": "HTMLModel", "state": {"value": '<img src="data:image/png;base64,' + frame + '" alt="zero">'}},
        "f1": {"model_name": "HTMLModel", "state": {"value": '<img src="data:image/png;base64,' + frame + '" alt="one"><div class="explorer-readout">x = 1</div>'}},
        "note": {"model_name": "HTMLModel", "state": {"value": '<span class="explorer-note">Precomputed</span>'}},
    }}
    return ('<html><body><article class="bd-article"><h1>T</h1>'
            '<script type="application/vnd.jupyter.widget-state+json">' + json.dumps(state) + '</script>'
            '<div class="cell_output"><script type="application/vnd.jupyter.widget-view+json">'
            '{"version_major": 2, "version_minor": 0, "model_id": "box"}</script></div>'
            '</article></body></html>')


def test_a_figure_becomes_a_lazy_file_with_its_size_and_fewer_colours(tmp_path):
    data = png(2000, size=(64, 48))
    page = tmp_path / "chapters" / "p.html"
    page.parent.mkdir()
    page.write_text(f'<p><img src="data:image/png;base64,{b64(data)}" alt="a plot"></p>')
    store = cp.ImageStore(tmp_path)
    cp.process_page(page, tmp_path, store, is_search=False)
    html = page.read_text()
    assert "data:image" not in html
    src = html.split('src="')[1].split('"')[0]
    assert src.startswith("../_images/figure-") and src.endswith(".png")
    assert 'width="64" height="48" loading="lazy" decoding="async"' in html and 'alt="a plot"' in html
    stored = Image.open(tmp_path / src[3:])
    assert stored.mode == "P" and stored.size == (64, 48)  # a 256-colour palette
    assert len(stored.getcolors(256)) <= 256


def test_the_same_image_is_stored_once(tmp_path):
    data = b64(png(5))
    store = cp.ImageStore(tmp_path)
    assert store.add(data, "frame") == store.add(data, "frame")
    assert len(list((tmp_path / "_images").iterdir())) == 1


def test_frames_move_out_of_the_widget_state_and_the_view_gets_its_first_picture(tmp_path):
    frame = b64(png(5, seed=1))
    html = cp.process_widgets(page_with_widget(frame), cp.ImageStore(tmp_path), "../")
    assert "data:image" not in html
    state = json.loads(html.split('widget-state+json">')[1].split("</script>")[0])
    value = state["state"]["f1"]["state"]["value"]
    assert value.startswith('<img src="../_images/frame-') and 'loading="lazy"' in value
    # the first picture: the stack's selected child (f1) and the note, in front of the view, with a
    # line saying the controls are on their way (the view has a slider)
    fallback = html.split('<div class="widget-fallback" data-view="box">')[1].split("<script")[0]
    assert 'alt="one"' in fallback and "x = 1" in fallback and "Precomputed" in fallback
    assert 'alt="zero"' not in fallback and "widget-fallback-wait" in fallback
    # the view tag lists every frame the explorer can show (one file here: both frames are the same)
    frames = html.split('data-frames="')[1].split('"')[0].split()
    assert len(frames) == 1 and frames[0].startswith("../_images/frame-")


def test_processing_a_page_twice_changes_nothing_more(tmp_path):
    page = tmp_path / "p.html"
    page.write_text(page_with_widget(b64(png(5))))
    store = cp.ImageStore(tmp_path)
    cp.process_page(page, tmp_path, store, is_search=False)
    once = page.read_text()
    cp.process_page(page, tmp_path, store, is_search=False)
    assert page.read_text() == once


def test_icons_are_hidden_from_screen_readers_and_the_icon_script_is_dropped(tmp_path):
    page = tmp_path / "p.html"
    page.write_text('<script defer src="_static/scripts/fontawesome.js?digest=1"></script>'
                    '<button aria-label="Menu"><i class="fa-solid fa-bars"></i></button><i class="x">y</i>'
                    '<script src="_static/searchtools.js"></script><script src="searchindex.js"></script>')
    cp.process_page(page, tmp_path, cp.ImageStore(tmp_path), is_search=False)
    html = page.read_text()
    assert "fontawesome.js" not in html and "searchtools" not in html and "searchindex" not in html
    assert '<i class="fa-solid fa-bars" aria-hidden="true">' in html and '<i class="x">' in html


def test_the_search_page_gets_its_summaries_and_scorer_before_searchtools(tmp_path):
    page = tmp_path / "search.html"
    page.write_text('<head>\n  <script src="_static/searchtools.js"></script>\n  <script src="searchindex.js"></script>')
    cp.process_page(page, tmp_path, cp.ImageStore(tmp_path), is_search=True)
    html = page.read_text()
    assert html.index("course-search.js") < html.index("searchsummaries.js") < html.index("searchtools.js")
    assert "searchindex.js" in html


def test_article_text_leaves_out_buttons_boxes_outputs_and_maths_delimiters():
    html = ('<div class="header"><button>.ipynb</button> .pdf</div><article class="bd-article">'
            '<h1>Softmax<a class="headerlink" href="#">#</a></h1><div class="run-locally"><p>Run this</p></div>'
            '<p>It maps \\(z\\) to probabilities.</p><div class="cell_output"><pre>[0.8 0.2]</pre></div>'
            '<pre>softmax(z)</pre><script>var x = 1;</script></article><footer>foot</footer>')
    assert cp.article_text(html) == "Softmax It maps z to probabilities. softmax(z)"


def test_icon_codepoints_keep_used_classes_and_the_theme_own_icons():
    css = ('.fa-bars:before,.fa-navicon:before{content:"\\f0c9"}.fa-moon:before{content:"\\f186"}'
           '.fa-unused:before{content:"\\f000"}.toctree-toggle:before{content:"\\f107";font-weight:900}'
           ':root{--pst-icon-search-minus:"\\f010"}')
    assert cp.icon_codepoints(css, {"bars", "moon"}) == {0xF0C9, 0xF186, 0xF107, 0xF010}
    assert cp.icon_codepoints(css, {"navicon"}) == {0xF0C9, 0xF107, 0xF010}


def test_the_icon_subset_keeps_exactly_the_glyphs_asked_for(tmp_path):
    fonts = ROOT / ".venv/lib"
    found = sorted(fonts.glob("python*/site-packages/pydata_sphinx_theme/theme/pydata_sphinx_theme/static/"
                              "vendor/fontawesome/webfonts/fa-solid-900.ttf"))
    if not found:
        pytest.skip("pydata-sphinx-theme's icon font is not installed here")
    from fontTools.ttLib import TTFont

    target = tmp_path / cp.ICON_FONT
    target.parent.mkdir(parents=True)
    target.write_bytes(found[0].read_bytes())
    styles = tmp_path / "_static/styles"
    styles.mkdir(parents=True)
    (styles / "pydata-sphinx-theme.css").write_text('.fa-bars:before{content:"\\f0c9"}.fa-x:before{content:"\\f000"}')
    glyphs, before, after = cp.subset_icons(tmp_path, {"bars"})
    assert glyphs == 1 and after < before / 10
    cmap = TTFont(tmp_path / cp.ICON_SUBSET).getBestCmap()
    assert set(cmap) == {0xF0C9}
    assert 'format("woff")' in (tmp_path / cp.ICON_CSS).read_text()


def test_an_image_keeps_its_own_attributes_whatever_their_order(tmp_path):
    data = b64(png(5, size=(20, 10)))
    html = cp._images(f'<img alt="a" width="8" src="data:image/png;base64,{data}" style="x"><img src="b.png">',
                      cp.ImageStore(tmp_path), "frame", "")
    first, second = html.split("><")
    assert first.startswith('<img alt="a" width="8" src="_images/frame-')
    assert first.count("width=") == 1 and 'height="10" loading="lazy" decoding="async" style="x"' in first
    assert second == 'img src="b.png">'
