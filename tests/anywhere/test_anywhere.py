"""Every notebook runs where a learner opens it, with nothing of the repository but lib's wheel.

Two environments, each given only what a learner would have:

* **clean**: a virtual environment with numpy, scipy, matplotlib, ipywidgets, ipykernel and nbclient
  (what Colab has, plus the notebook runner) and lib's wheel from the website; each notebook is copied
  alone into an empty folder and executed there;
* **bundle**: the course bundle from the website, unpacked into an empty folder and installed exactly
  as its README says; every notebook is executed where the bundle put it.

The bundle holds the learner's edition of every notebook (``learner/``, solutions out of the flow), and
so do the two environments that stand where learners are with other versions (:data:`STACKS`), each
notebook alone in an empty folder next to the wheel, as in the clean one (which runs the repository's
notebooks, solutions and quoted numbers included):

* **colab**: Colab's own stack (numpy 2.0, matplotlib 3.10.0, ipywidgets 7.7.1, ipykernel 6.17.1,
  IPython 7.34);
* **oldest**: the oldest versions lib's wheel declares (numpy 1.26, scipy 1.11, scikit-learn 1.3,
  matplotlib 3.8, ipywidgets 7.7.1).

In every environment no site-build tool (jupyter-book, myst-nb, sphinx) may be importable, every
cell must run without an error or anything on stderr, and every live explorer must answer a change
of its first control (``run_notebook.EXPLORER_CHECK``). In the clean environment and the bundle,
with the course's pins, every number the prose quotes (in the repository's notebooks; the learner's
edition keeps the numbers and drops their expressions) must also still agree with its computation
(``_ext/prose_numbers.py``); with other versions the last digit of a training run's loss may differ,
so there only errors, stderr and the explorers count.

Both environments are kept between runs while their pins do not change, so that the test command
is quick once they exist: the clean one in ``.venv-anywhere/clean``, the bundle's in the folder the
bundle is unpacked into, ``.venv-anywhere/bundle/activations-course/.venv``. Each run unpacks the
bundle afresh around that ``.venv`` and runs its README's command there (with everything already
installed, pip only checks); lib's wheel is reinstalled in both every time. A change of a pin, of the
README's command or of Python makes the environment again from nothing, as a learner's first run.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import course_bundle

ROOT = Path(__file__).resolve().parents[2]
RUNNER = Path(__file__).resolve().parent / "run_notebook.py"
REPORT = ROOT / "_build" / "reports" / "anywhere.json"
CLEAN_ENV = ROOT / ".venv-anywhere" / "clean"
BUNDLE_HOME = ROOT / ".venv-anywhere" / "bundle"
CLEAN_PACKAGES = ("numpy", "scipy", "scikit-learn", "matplotlib", "ipywidgets", "ipykernel")

#: Environments with other versions than the course's pins, each made in .venv-anywhere/<name>.
STACKS = {
    "colab": ("numpy==2.0.2", "scipy==1.16.3", "scikit-learn==1.6.1", "matplotlib==3.10.0",
              "ipywidgets==7.7.1", "ipykernel==6.17.1", "ipython==7.34.0", "nbclient==0.11.0"),
    "oldest": ("numpy==1.26.0", "scipy==1.11.1", "scikit-learn==1.3.0", "matplotlib==3.8.0",
               "ipywidgets==7.7.1", "ipykernel==6.17.1", "ipython==7.34.0", "nbclient==0.11.0"),
}
SITE_BUILD_TOOLS = ("jupyter_book", "myst_nb", "myst_parser", "sphinx", "nbval")
NOTEBOOKS = [p.relative_to(ROOT).as_posix() for p in course_bundle.notebooks()]

#: How many live explorers the notebooks build in all (chapters 1 to 5).
EXPLORERS = 13


def _pins() -> list[str]:
    pins = course_bundle.pinned(ROOT / "requirements.txt", CLEAN_PACKAGES)
    pins += course_bundle.pinned(ROOT / "constraints.txt", ("nbclient",))
    return pins


def _python(env: Path) -> Path:
    return env / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _pip(python: Path, *args: str) -> None:
    subprocess.run([str(python), "-m", "pip", "--disable-pip-version-check", "-q", *args], check=True)


def _assert_no_site_tools(python: Path) -> None:
    found = subprocess.run(
        [str(python), "-c", "import importlib.util, sys; "
         f"print(' '.join(m for m in {SITE_BUILD_TOOLS!r} if importlib.util.find_spec(m)))"],
        check=True, capture_output=True, text=True).stdout.split()
    assert not found, f"{python}: site-build tools importable in the learner's environment: {found}"


def _run_all(python: Path, notebooks: list[Path]) -> dict[str, dict]:
    """Run every notebook (two at a time, a kernel each, the longest first) and return the runner's
    reports. A notebook's stored outputs are a fair guide to how long it runs (their sizes come in
    the order of the measured run times), and the longest first keeps both kernels busy to the end."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "COURSE_STATIC", "MPLBACKEND")}
    order = sorted(notebooks, key=lambda n: n.stat().st_size, reverse=True)
    done = subprocess.run([str(python), str(RUNNER), *map(str, order), "--ext", str(ROOT / "_ext"), "--parallel", "2"],
                          capture_output=True, text=True, env=env, cwd=os.path.commonpath(order))
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
    if done.returncode != 0 or len(lines) != len(order):
        failed = {"errors": [f"runner failed: {done.stderr[-2000:]}"], "stderr": [], "stale_numbers": [],
                  "seconds": None}
        return {n.as_posix(): {"notebook": n.name, **failed} for n in notebooks}
    return {n.as_posix(): json.loads(line) for n, line in zip(order, lines)}


def _record(kind: str, results: dict) -> None:
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    report = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    report[kind] = results
    REPORT.write_text(json.dumps(report, indent=1))


@pytest.fixture(scope="session")
def wheel(site_dir) -> Path:
    (found,) = (site_dir / "downloads").glob("*.whl")
    return found


@pytest.fixture(scope="session")
def clean_results(wheel, tmp_path_factory) -> dict[str, dict]:
    stamp = CLEAN_ENV / ".pins"
    pins = _pins()
    want = hashlib.sha256("\n".join([sys.version, *pins]).encode()).hexdigest()
    if not stamp.exists() or stamp.read_text() != want:
        shutil.rmtree(CLEAN_ENV, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(CLEAN_ENV)], check=True)
        _pip(_python(CLEAN_ENV), "install", *pins, "-c", str(ROOT / "constraints.txt"))
        stamp.write_text(want)
    return _run_alone("clean", _python(CLEAN_ENV), wheel, tmp_path_factory)


def _run_alone(kind: str, python: Path, wheel: Path, tmp_path_factory, source: Path = ROOT) -> dict[str, dict]:
    """Install the wheel into ``python``'s environment and run each notebook (from ``source``: the
    repository, or its learner's edition in ``learner/``) alone in an empty folder."""
    _pip(python, "install", "--force-reinstall", "--no-deps", str(wheel))
    _assert_no_site_tools(python)
    copies = []
    for name in NOTEBOOKS:
        folder = tmp_path_factory.mktemp("alone")  # an empty folder for each notebook
        copies.append(Path(shutil.copy2(source / name, folder)))
    results = _run_all(python, copies)
    results = {name: results[copy.as_posix()] for name, copy in zip(NOTEBOOKS, copies)}
    _record(kind, results)
    return results


@pytest.fixture(scope="session", params=sorted(STACKS))
def stack_results(request, wheel, tmp_path_factory) -> tuple[str, dict[str, dict]]:
    """Every notebook run alone with one of :data:`STACKS`, made once and kept while its pins stand."""
    kind = request.param
    env = ROOT / ".venv-anywhere" / kind
    stamp = env / ".pins"
    want = hashlib.sha256("\n".join([sys.version, *STACKS[kind]]).encode()).hexdigest()
    if not stamp.exists() or stamp.read_text() != want:
        shutil.rmtree(env, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
        _pip(_python(env), "install", *STACKS[kind])
        stamp.write_text(want)
    # what a learner opens with these stacks (Colab) is the learner's edition
    return kind, _run_alone(kind, _python(env), wheel, tmp_path_factory, ROOT / "learner")


@pytest.fixture(scope="session")
def bundle_dir(site_dir) -> Path:
    """The bundle unpacked into ``BUNDLE_HOME``, around the ``.venv`` of an earlier run if that was
    made from the same pins and command (``.venv/.made-from``), else from nothing."""
    (bundle,) = (site_dir / "downloads").glob("*.zip")
    with zipfile.ZipFile(bundle) as archive:
        (top,) = {name.split("/")[0] for name in archive.namelist()}
        folder = BUNDLE_HOME / top
        readme = archive.read(f"{top}/README.md").decode()
        pins = [ln for ln in archive.read(f"{top}/requirements.txt").decode().splitlines() if not ln.endswith(".whl")]
        want = hashlib.sha256("\n".join([sys.version, *pins, *_bash_blocks(readme)]).encode()).hexdigest()
        stamp = folder / ".venv" / ".made-from"
        if not stamp.exists() or stamp.read_text() != want:
            shutil.rmtree(BUNDLE_HOME, ignore_errors=True)
        for path in folder.glob("*") if folder.exists() else ():
            if path.name != ".venv":
                shutil.rmtree(path) if path.is_dir() else path.unlink()
        archive.extractall(BUNDLE_HOME)
    (folder / ".made-from").write_text(want)  # moved into .venv once the README's command has made it
    return folder


def _bash_blocks(readme: str) -> list[str]:
    """The contents of the ```bash blocks of a README."""
    return re.findall(r"```bash\n(.*?)\n```", readme, re.S)


def _readme_command(folder: Path) -> str:
    blocks = _bash_blocks((folder / "README.md").read_text(encoding="utf-8"))
    assert len(blocks) == 1 and blocks[0].count("\n") == 0, "the README must give one command in a bash block"
    return blocks[0]


@pytest.fixture(scope="session")
def bundle_results(bundle_dir) -> dict[str, dict]:
    command = _readme_command(bundle_dir)
    start = " && .venv/bin/jupyter lab"
    assert command.endswith(start), f"the README's command should end by starting JupyterLab: {command}"
    install = command[: -len(start)]
    # PIP_NO_COMPILE: pip skips writing .pyc files (Python writes them on first import anyway)
    subprocess.run(install + " -q --disable-pip-version-check", shell=True, check=True, cwd=bundle_dir,
                   env={**os.environ, "PIP_NO_COMPILE": "1"})
    python = _python(bundle_dir / ".venv")
    (wheel,) = bundle_dir.glob("*.whl")  # the same version as last run's: pip took it as installed
    _pip(python, "install", "--force-reinstall", "--no-deps", str(wheel))
    (bundle_dir / ".made-from").replace(bundle_dir / ".venv" / ".made-from")
    assert (bundle_dir / ".venv/bin/jupyter-lab").exists(), "the README's install gives no JupyterLab"
    _assert_no_site_tools(python)
    notebooks = [bundle_dir / name for name in NOTEBOOKS]
    results = _run_all(python, notebooks)
    results = {name: results[(bundle_dir / name).as_posix()] for name in NOTEBOOKS}
    _record("bundle", results)
    return results


def _problems(report: dict, numbers: bool = True) -> list[str]:
    silent = [f"{s} did not answer a change of its first control" for s in report.get("explorers", {}).get("silent", [])]
    return (report["errors"] + [f"stderr {s}" for s in report["stderr"]] + silent
            + (report["stale_numbers"] if numbers else []))


def test_the_bundle_holds_every_notebook_the_wheel_and_pinned_requirements(bundle_dir, wheel):
    found = (p.relative_to(bundle_dir) for p in bundle_dir.rglob("*.ipynb"))
    assert sorted(p.as_posix() for p in found if p.parts[0] != ".venv") == sorted(
        NOTEBOOKS + [course_bundle.GLOSSARY])  # a kept .venv aside; the glossary the terms link to
    assert (bundle_dir / wheel.name).read_bytes() == wheel.read_bytes()
    lines = [ln for ln in (bundle_dir / "requirements.txt").read_text().splitlines() if not ln.startswith("#")]
    assert lines == course_bundle.pinned(ROOT / "requirements.txt") + [f"./{wheel.name}"]


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_runs_alone_in_a_clean_environment(clean_results, notebook):
    report = clean_results[notebook]
    assert not _problems(report), f"{notebook}, run alone with only lib's wheel:\n  " + "\n  ".join(_problems(report))


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_runs_from_the_unpacked_bundle(bundle_results, notebook):
    report = bundle_results[notebook]
    assert not _problems(report), f"{notebook}, from the bundle:\n  " + "\n  ".join(_problems(report))


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_runs_alone_with_colabs_stack_and_with_the_oldest_versions_lib_declares(stack_results, notebook):
    kind, results = stack_results
    report = results[notebook]
    problems = _problems(report, numbers=False)
    assert not problems, f"{notebook}, alone with the {kind} stack:\n  " + "\n  ".join(problems)


def test_every_live_explorer_is_built_and_checked_in_every_environment(clean_results, stack_results):
    """The explorer check found each chapter's explorers (13 in all), in every environment alike."""
    kind, results = stack_results
    built = {name: r.get("explorers", {}).get("built", 0) for name, r in clean_results.items()}
    assert sum(built.values()) == EXPLORERS, built
    assert {name: r["explorers"]["built"] for name, r in results.items()} == built, kind
