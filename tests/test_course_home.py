"""Tests for _ext/course_home.py: the one setting behind launch links and set-up cells."""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))

import course_home as ch
from course_bundle import INSTALL_AND_START  # noqa: E402

HOME = ch.Home("https://github.com/some-org/some-course", "v1.2")


def test_links_and_install_line_follow_the_home():
    assert HOME.configured and not ch.Home().configured
    assert HOME.colab_url("chapters/04_softmax.ipynb") == (
        "https://colab.research.google.com/github/some-org/some-course/blob/v1.2/chapters/04_softmax.ipynb")
    assert HOME.binder_url("chapters/04_softmax.ipynb") == (
        "https://mybinder.org/v2/gh/some-org/some-course/v1.2?urlpath=lab/tree/chapters/04_softmax.ipynb")
    assert HOME.install_line() == (
        '%pip install --quiet "activations-course-lib @ git+https://github.com/some-org/some-course@v1.2"')


@pytest.mark.parametrize("url, ref, message", [
    ("https://gitlab.com/a/b", "v1", "repository.url"),
    ("github.com/a/b", "v1", "repository.url"),
    ("https://github.com/a/b", "", "repository.branch"),
    ("https://github.com/a/b", "main", "repository.branch"),
    ("https://github.com/a/b", "master", "repository.branch"),
    ("", "v1", "repository.branch"),
])
def test_a_home_that_cannot_work_is_refused_naming_the_setting(url, ref, message):
    with pytest.raises(ValueError, match=message):
        ch.Home(url, ref)


def test_theme_options_give_launch_buttons_only_with_a_home():
    options = {"repository_url": "x", "extra_footer": "kept"}
    with_home = ch.theme_options(HOME, options)
    assert with_home["repository_url"] == HOME.url and with_home["repository_branch"] == "v1.2"
    assert with_home["launch_buttons"]["colab_url"] and with_home["launch_buttons"]["binderhub_url"]
    without = ch.theme_options(ch.Home(), options)
    assert without["launch_buttons"] == {} and without["repository_url"] == ""
    assert without["extra_footer"] == "kept" and options == {"repository_url": "x", "extra_footer": "kept"}


def test_the_set_up_block_is_replaced_and_the_chapter_imports_kept():
    source = ch.setup_block(ch.Home()) + "import numpy as np\nrng = np.random.default_rng(0)"
    homed = ch.with_setup_block(source, HOME)
    assert homed.endswith("import numpy as np\nrng = np.random.default_rng(0)")
    assert HOME.install_line() in homed and "ModuleNotFoundError" not in homed
    assert ch.with_setup_block(homed, ch.Home()) == source  # and back
    with pytest.raises(ValueError, match="set-up cell"):
        ch.with_setup_block("import lib\n", HOME)


@pytest.mark.parametrize("package", ["lib", "matplotlib", "ipywidgets"])
def test_without_a_home_the_set_up_cell_names_what_is_missing_and_the_bundles_command(package):
    namespace = {"__builtins__": __builtins__}
    code = ch.setup_block(ch.Home()).replace(f" {package},", " not_installed_here,").replace(
        f", {package}  #", ", not_installed_here  #")
    assert "not_installed_here" in code
    with pytest.raises(ModuleNotFoundError) as caught:
        exec(code, namespace)
    message = str(caught.value)
    assert message.startswith("This notebook needs not_installed_here, which is not installed here.")
    assert "course bundle" in message and message.endswith(INSTALL_AND_START)
    assert caught.value.__suppress_context__  # `from None`: one message, not a chained traceback


def test_with_a_home_the_set_up_cell_says_what_is_missing_and_installs_lib_from_the_home():
    block = ch.setup_block(HOME)
    assert block.splitlines()[-1] == "    " + HOME.install_line()
    assert "{missing.name} is not installed here" in block


def test_write_setup_cells_changes_only_what_differs(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# t"),
                                         nbformat.v4.new_code_cell(ch.setup_block(ch.Home()) + "x = 1")])
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    assert ch.write_setup_cells(ch.Home(), [path]) == []
    assert ch.write_setup_cells(HOME, [path]) == [path]
    assert HOME.install_line() in nbformat.read(path, as_version=4).cells[1].source


def test_the_committed_notebooks_agree_with_the_committed_home():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "set_home.py"), "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert ch.read_home(ROOT / "_config.yml") == ch.Home()  # no public home in this repository
