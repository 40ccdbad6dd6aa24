"""The course's public home, and everything derived from it.

One setting names where the course is published: ``repository.url`` (a GitHub repository) and
``repository.branch`` (which, for this course, must be a *ref that does not move*: a tag such as
``v1.0`` or a commit) in ``_config.yml``. From it come:

* the Colab and Binder launch buttons of every notebook page (:func:`theme_options`, applied by
  ``course_site`` when the site is built);
* the install line of every notebook's set-up cell (:func:`setup_block`, written into the notebooks by
  ``scripts/set-home``).

With no home (the url left empty, this repository's default) the pages show no launch button and the
set-up cell, where ``lib`` is missing, says how to get the course bundle instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from course_bundle import INSTALL_AND_START

#: Refs that name a moving branch: a launch link or install line must not follow one.
MOVING = {"main", "master", "HEAD", "develop", "dev", "trunk", "gh-pages"}
GITHUB = re.compile(r"https://github\.com/(?P<org>[\w.-]+)/(?P<repo>[\w.-]+?)(?:\.git)?/?")
BINDER = "https://mybinder.org"
COLAB = "https://colab.research.google.com"
#: Where the learner's edition of every notebook lives in the repository (scripts/learner_edition.py).
LEARNER = "learner"
PACKAGE = "activations-course-lib"

#: The lines of a set-up cell that make ``lib`` importable (everything up to the chapter's imports).
SETUP_BLOCK = re.compile(r"\A(?:#[^\n]*\n)*try:\n    import lib[^\n]*\nexcept ImportError[^\n]*\n(?:    [^\n]*\n?)+")


@dataclass(frozen=True)
class Home:
    """Where the course is published: ``url`` of a GitHub repository and a fixed ``ref``."""

    url: str = ""
    ref: str = ""

    def __post_init__(self):
        if not self.url:
            if self.ref:
                raise ValueError("repository.branch: a ref is set but repository.url is empty")
            return
        if not GITHUB.fullmatch(self.url):
            raise ValueError(f"repository.url: a GitHub repository URL such as "
                             f"https://github.com/your-org/activations-course, got {self.url!r}")
        if not self.ref or self.ref in MOVING or any(c.isspace() for c in self.ref):
            raise ValueError(f"repository.branch: a tag (such as v1.0) or a commit, not a moving branch, "
                             f"got {self.ref!r}")

    @property
    def configured(self) -> bool:
        return bool(self.url)

    @property
    def org_repo(self) -> tuple[str, str]:
        match = GITHUB.fullmatch(self.url)
        return match["org"], match["repo"]

    def colab_url(self, path: str) -> str:
        org, repo = self.org_repo
        return f"{COLAB}/github/{org}/{repo}/blob/{self.ref}/{path}"

    def binder_url(self, path: str) -> str:
        org, repo = self.org_repo
        return f"{BINDER}/v2/gh/{org}/{repo}/{self.ref}?urlpath=lab/tree/{path}"

    def file_url(self, path: str) -> str:
        """A file of the repository at the home's ref, as the forge shows it."""
        return f"{self.url.rstrip('/')}/blob/{self.ref}/{path}"

    def install_line(self) -> str:
        org, repo = self.org_repo
        return f'%pip install --quiet "{PACKAGE} @ git+https://github.com/{org}/{repo}@{self.ref}"'


def read_home(config: str | Path = "_config.yml") -> Home:
    """The home named in a Jupyter Book ``_config.yml``."""
    import yaml

    settings = yaml.safe_load(Path(config).read_text(encoding="utf-8")) or {}
    repository = settings.get("repository") or {}
    return Home(str(repository.get("url") or ""), str(repository.get("branch") or ""))


def theme_options(home: Home, options: dict) -> dict:
    """sphinx-book-theme options with the launch buttons and repository that ``home`` allows."""
    options = dict(options)
    if home.configured:
        options.update(repository_url=home.url, repository_branch=home.ref)
        options["launch_buttons"] = {"binderhub_url": BINDER, "colab_url": COLAB,
                                     "notebook_interface": "jupyterlab"}
        options["path_to_docs"] = LEARNER   # Colab and Binder open the learner's edition
    else:
        options.update(repository_url="", repository_branch="", launch_buttons={},
                       use_repository_button=False, use_issues_button=False, use_edit_page_button=False)
    return options


def setup_block(home: Home) -> str:
    """The first lines of every set-up cell: import ``lib`` and the two packages every chapter draws
    with, or say which is missing and give the one line that installs it (``lib``'s wheel from the
    home, which brings the others, or the course bundle's command where no home is configured)."""
    head = ("# Set-up: the course's library lib, a seeded generator, the figure style.\n"
            "try:\n"
            "    import lib, matplotlib, ipywidgets  # lib's wheel brings matplotlib and ipywidgets\n")
    if home.configured:
        return head + ("except ImportError as missing:  # opened on its own (Colab, a download)\n"
                       "    print(f\"{missing.name} is not installed here: installing lib, the course's \"\n"
                       "          \"library, with what it needs\")\n"
                       f"    {home.install_line()}\n")
    return head + ("except ImportError as missing:\n"
                   "    raise ModuleNotFoundError(\n"
                   "        f\"This notebook needs {missing.name}, which is not installed here. \"\n"
                   "        \"Download the course bundle ('Run this chapter on your machine' on the \"\n"
                   "        \"course website), unzip it and run, in its folder, the one line: \"\n"
                   + "".join(f"        \"{part}\"\n" for part in _wrapped(INSTALL_AND_START))
                   + "        ) from None\n")


def _wrapped(command: str) -> list[str]:
    """``command`` in two pieces, the second starting at its last ``&&``, for two source lines."""
    cut = command.rindex(" && ")
    return [command[:cut + 1], command[cut + 1:]]


def setup_cell(nb):
    """The notebook's set-up cell: its first code cell."""
    return next(cell for cell in nb.cells if cell.cell_type == "code")


def with_setup_block(source: str, home: Home) -> str:
    """A set-up cell's source with its first lines replaced by :func:`setup_block`."""
    match = SETUP_BLOCK.match(source)
    if match is None:
        raise ValueError("set-up cell: it must start with a comment line and the `try: import lib` block")
    return setup_block(home) + source[match.end():]


def write_setup_cells(home: Home, paths) -> list[Path]:
    """Rewrite the set-up cell of every notebook in ``paths`` for ``home``; return those changed."""
    changed = []
    for path in map(Path, paths):
        nb = nbformat.read(path, as_version=4)
        cell = setup_cell(nb)
        new = with_setup_block(cell.source, home)
        if new != cell.source:
            cell.source = new
            nbformat.write(nb, path)
            changed.append(path)
    return changed
