"""Run the course's notebooks in place and store what a reviewer and nbval need, nothing more.

    python scripts/refresh_notebooks.py                 # every notebook
    python scripts/refresh_notebooks.py chapters/04_softmax.ipynb

For each notebook: execute it top to bottom in its own folder (live explorers, as in Jupyter), keep
the outputs (nbval compares them), drop the widget state (the site build re-executes every notebook
and makes its own) and rewrite every number the prose quotes with the value this run computed
(``_ext/prose_numbers.py``). A cell that raises stops with a message naming it. Then the learner's
editions are written again (``scripts/learner_edition.py``).
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402

import course_bundle  # noqa: E402
import prose_numbers  # noqa: E402


def refresh(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    instrumented, wanted = prose_numbers.instrument(nb)
    NotebookClient(instrumented, timeout=600, kernel_name="python3", store_widget_state=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    values = prose_numbers.computed(instrumented)
    ran = [c for c in instrumented.cells if "prose-numbers" not in c.metadata.get("tags", [])]
    for cell, done in zip(nb.cells, ran, strict=True):
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = done.outputs, done.execution_count
            cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    changed = prose_numbers.refresh(nb, wanted, values)
    nbformat.write(nb, path)
    return f"{path.relative_to(ROOT)}: ran; {len(wanted)} quoted numbers, {changed} rewritten"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args()
    os.environ.pop("COURSE_STATIC", None)
    for path in [p.resolve() for p in args.notebooks] or course_bundle.notebooks():
        print(refresh(path), flush=True)
    # the learner's editions follow the notebooks they are made from
    subprocess.run([sys.executable, str(ROOT / "scripts" / "learner_edition.py")], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
