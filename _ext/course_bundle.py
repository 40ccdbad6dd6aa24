"""What the website offers for running the course elsewhere: lib's wheel and the course bundle.

* :func:`build_wheel` builds ``lib`` into a wheel (``pip wheel`` on a copy of the package, so the
  repository is left untouched).
* :func:`build_bundle` zips the learner's edition of every notebook (``learner/``: plain Markdown,
  solutions one call away), that wheel, a pinned ``requirements.txt`` for a learner's own machine
  and a short README whose one command installs everything and starts JupyterLab.

``course_site`` calls both when the site is built and serves the results from ``downloads/``; the tests
unpack the bundle into an empty folder, follow its README and run every notebook.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from learner_edition import learner_edition, learner_glossary

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ("chapters/*.ipynb", "appendix/*.ipynb")
BUNDLE_NAME = "activations-course"

#: What a learner's machine needs to run every notebook in JupyterLab (pinned as the course is tested).
LEARNER_PACKAGES = ("numpy", "scipy", "scikit-learn", "matplotlib", "ipywidgets", "ipykernel", "jupyterlab")

#: The one command of the bundle's README (POSIX shells; the README gives the Windows form too).
INSTALL_AND_START = ("python3 -m venv .venv && .venv/bin/pip install -r requirements.txt "
                     "&& .venv/bin/jupyter lab")

README = """\
# Activations, gradients and normalization: the course notebooks

This folder holds every notebook of the course (`chapters/`, `appendix/`), the course's library `lib`
as a wheel ({wheel}), and `requirements.txt`, which pins the packages the notebooks were tested with.
You need Python 3.11 or newer. In a terminal, in this folder, run this one command:

```bash
{command}
```

It creates a virtual environment in `.venv`, installs the pinned packages and `lib` into it, and opens
JupyterLab in your browser. Open `chapters/01_activations.ipynb` and choose *Run > Run All Cells*.
Next time, start JupyterLab with `.venv/bin/jupyter lab` from this folder.

On Windows (PowerShell or cmd) the same command reads:

```
py -m venv .venv && .venv\\Scripts\\pip install -r requirements.txt && .venv\\Scripts\\jupyter lab
```

Every notebook runs on its own: it needs only `lib` and the packages above, no copy of the course's
repository and no network.

The exercises' worked solutions are not in the notebooks' flow: where one would stand, a cell reads
`# solution("ex-...")`. Try the exercise first; then remove the `#` and run that cell to see the
solution (running a whole notebook reveals none).
"""


def pinned(requirements: Path, names=LEARNER_PACKAGES) -> list[str]:
    """The ``name==version`` lines of ``requirements`` for ``names``, in that order."""
    pins = {}
    for line in requirements.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"\s*([A-Za-z0-9_.-]+)==([^\s#]+)\s*(?:#.*)?", line)
        if match:
            pins[match[1].lower()] = f"{match[1]}=={match[2]}"
    missing = [n for n in names if n not in pins]
    if missing:
        raise ValueError(f"{requirements}: no exact pin for {missing}")
    return [pins[n] for n in names]


def build_wheel(out: Path, root: Path = ROOT) -> Path:
    """Build ``lib``'s wheel into ``out`` and return its path."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "src"
        source.mkdir()
        shutil.copy2(root / "pyproject.toml", source)
        shutil.copy2(root / "LICENSE", source)
        shutil.copytree(root / "lib", source / "lib", ignore=shutil.ignore_patterns("__pycache__"))
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation",
             "--quiet", "--wheel-dir", tmp],
            check=True, capture_output=True, text=True,
        )
        (wheel,) = Path(tmp).glob("*.whl")
        target = out / wheel.name
        shutil.copy2(wheel, target)
    return target


def notebooks(root: Path = ROOT) -> list[Path]:
    return sorted(p for pattern in NOTEBOOKS for p in root.glob(pattern))


#: The learner's glossary, beside the notebooks (``appendix/``), in the bundle and in ``learner/``.
GLOSSARY = "appendix/glossary.ipynb"


def learner_editions(root: Path = ROOT) -> tuple[dict[str, str], dict[str, dict]]:
    """The learner's edition of every notebook, made from it now, in one pass: the notebooks and the
    glossary their terms link to (:data:`GLOSSARY`) as JSON text by path, and each notebook's
    solutions by its stem (what ``lib/exercises/solutions/<stem>.json`` holds)."""
    import course_home   # here: course_home imports this module

    home = course_home.read_home(root / "_config.yml")
    made, solved = {}, {}
    for notebook in notebooks(root):
        name = notebook.relative_to(root).as_posix()
        # with a public home, the glossary there (Colab has no files beside the notebook it opens)
        link = (home.file_url(f"{course_home.LEARNER}/{GLOSSARY}") if home.configured
                else Path(os.path.relpath(GLOSSARY, Path(name).parent)).as_posix())
        learner, solutions = learner_edition(json.loads(notebook.read_text(encoding="utf-8")), link)
        made[name] = json.dumps(learner, indent=1, ensure_ascii=False) + "\n"
        if solutions:
            solved[notebook.stem] = solutions
    glossary = learner_glossary((root / "appendix" / "glossary.md").read_text(encoding="utf-8"))
    made[GLOSSARY] = json.dumps(glossary, indent=1, ensure_ascii=False) + "\n"
    return made, solved


def write_learner_notebooks(out: Path, editions: dict[str, str]) -> None:
    """Write the learner's notebooks of :func:`learner_editions` under ``out`` (the site's
    downloads/notebooks/)."""
    for name, text in editions.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text, encoding="utf-8")


def build_bundle(wheel: Path, out: Path, root: Path = ROOT,
                 editions: dict[str, str] | None = None) -> Path:
    """Zip the learner's notebooks (``editions``, as :func:`learner_editions` makes them, made here if
    not given), ``wheel``, the learner's pinned requirements and the README into ``out``."""
    if editions is None:
        editions, _ = learner_editions(root)
    requirements = "\n".join([
        "# The packages every notebook of the course was tested with, and the course's library.",
        *pinned(root / "requirements.txt"),
        f"./{wheel.name}",
    ]) + "\n"
    readme = README.format(wheel=wheel.name, command=INSTALL_AND_START)
    target = out / f"{BUNDLE_NAME}.zip"
    out.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as bundle:
        bundle.writestr(f"{BUNDLE_NAME}/README.md", readme)
        bundle.writestr(f"{BUNDLE_NAME}/requirements.txt", requirements)
        bundle.write(wheel, f"{BUNDLE_NAME}/{wheel.name}")
        for name, text in editions.items():
            bundle.writestr(f"{BUNDLE_NAME}/{name}", text)
    return target
