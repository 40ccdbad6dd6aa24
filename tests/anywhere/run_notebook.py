"""Run notebooks where they lie and print what went wrong, as JSON (for tests/anywhere).

    ENV/bin/python run_notebook.py NOTEBOOK [NOTEBOOK ...] --ext DIR [--parallel 2]

Runs in the environment under test (a clean one, or the course bundle's), so it needs nothing but
nbclient and nbformat, and ``prose_numbers`` from ``--ext`` (the repository's ``_ext`` folder, put on
the path: it imports only the standard library and nbformat). Each notebook gets a kernel of its
own, started for it in the notebook's folder; the kernel is the same interpreter, so the notebook
sees exactly that environment. ``--parallel`` notebooks run at a time, in this one process (starting
one process per notebook cost 1.4 s each in the bundle's environment, most of it importing nbformat,
whose jsonschema there compiles 39 grammars). A notebook is executed with a cell before each markdown
cell that quotes numbers, printing what those numbers compute to (``prose_numbers.instrument``).
After the notebook's own cells, one more cell moves the first control of every live explorer the
notebook built (the next option, or the other state of a checkbox) and looks whether its picture
changed (:data:`EXPLORER_CHECK`). One JSON line per notebook, in the order given, holds the run
time, the errors (any error output of a cell, or the run stopping), anything written to stderr, the
quoted numbers that no longer agree with their computation, and how many explorers were built and
which of them did not answer.
"""

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path


#: The last cell of every run: each live explorer (an ipywidgets VBox of class ``course-explorer``,
#: lib.explorer.live) gets a change of its first control; the picture must change with it.
EXPLORER_CHECK = """\
import gc as _gc, json as _json, ipywidgets as _w
_forms = [o for o in _gc.get_objects() if isinstance(o, _w.VBox) and "course-explorer" in o._dom_classes]
_silent = []
for _n, _form in enumerate(_forms):
    _control, _picture = _form.children[0].children[0], _form.children[1]
    _before = _picture.value
    if isinstance(_control, _w.Checkbox):
        _control.value = not _control.value
    else:
        _control.index = (_control.index + 1) % len(_control.options)
    if _picture.value == _before:
        _silent.append(f"explorer {_n + 1} ({_control.description})")
print("EXPLORERS " + _json.dumps({"built": len(_forms), "silent": _silent}))
"""


async def run(notebook: Path, timeout: int, slots: asyncio.Semaphore) -> dict:
    import nbformat
    from nbclient import NotebookClient

    import prose_numbers

    nb = nbformat.read(notebook, as_version=4)
    instrumented, wanted = prose_numbers.instrument(nb)
    instrumented.cells.append(nbformat.v4.new_code_cell(EXPLORER_CHECK))
    errors, stderr = [], []
    async with slots:
        client = NotebookClient(instrumented, timeout=timeout, kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": str(notebook.parent)}})
        start = time.perf_counter()
        try:
            await client.async_execute()
        except Exception as error:  # a dead kernel, a timeout: reported with the notebook
            errors.append(f"the run stopped: {type(error).__name__}: {error}")
        seconds = time.perf_counter() - start
    for index, cell in enumerate(instrumented.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                errors.append(f"cell {index}: {output.get('ename')}: {output.get('evalue')}")
            elif output.get("output_type") == "stream" and output.get("name") == "stderr":
                stderr.append(f"cell {index}: {output.get('text', '').strip()[:300]}")
    values = prose_numbers.computed(instrumented)
    explorers = {"built": 0, "silent": ["the explorer check did not run"]}
    for output in instrumented.cells[-1].get("outputs", []):
        for line in output.get("text", "").splitlines():
            if line.startswith("EXPLORERS "):
                explorers = json.loads(line[len("EXPLORERS "):])
    return {
        "notebook": notebook.name,
        "path": str(notebook),
        "python": sys.executable,
        "seconds": round(seconds, 2),
        "errors": errors,
        "stderr": stderr,
        "numbers": len(wanted),
        "stale_numbers": prose_numbers.stale_numbers(wanted, values),
        "explorers": explorers,
    }


async def run_all(notebooks: list[Path], timeout: int, parallel: int) -> list[dict]:
    slots = asyncio.Semaphore(parallel)
    return await asyncio.gather(*(run(notebook, timeout, slots) for notebook in notebooks))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("notebooks", type=Path, nargs="+")
    parser.add_argument("--ext", type=Path, required=True)
    parser.add_argument("--timeout", type=int, default=300)
    parser.add_argument("--parallel", type=int, default=1)
    args = parser.parse_args()
    sys.path.insert(0, str(args.ext))
    with tempfile.TemporaryDirectory() as jupyter_path:
        # The kernel is this interpreter: a kernelspec of our own comes first on JUPYTER_PATH.
        spec = Path(jupyter_path) / "kernels" / "python3"
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3", "language": "python"}))
        os.environ["JUPYTER_PATH"] = jupyter_path
        os.environ.pop("COURSE_STATIC", None)  # the live explorers, as in Jupyter
        reports = asyncio.run(run_all([n.resolve() for n in args.notebooks], args.timeout, args.parallel))
    for report in reports:
        print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
