"""Run one notebook where it lies and print what went wrong, as JSON (for tests/anywhere).

    ENV/bin/python run_notebook.py NOTEBOOK --ext DIR

Runs in the environment under test (a clean one, or the course bundle's), so it needs nothing but
nbclient and nbformat, and ``prose_numbers`` from ``--ext`` (the repository's ``_ext`` folder, put on
the path: it imports only the standard library and nbformat). The kernel is the same interpreter, so
the notebook sees exactly that environment. The notebook is executed with a cell before each markdown
cell that quotes numbers, printing what those numbers compute to (``prose_numbers.instrument``);
the printed JSON holds the run time, the errors (any error output of a cell), anything written to
stderr, and the quoted numbers that no longer agree with their computation.
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--ext", type=Path, required=True)
    parser.add_argument("--timeout", type=int, default=300)
    args = parser.parse_args()
    sys.path.insert(0, str(args.ext))

    import nbformat
    from nbclient import NotebookClient

    import prose_numbers

    notebook = args.notebook.resolve()
    nb = nbformat.read(notebook, as_version=4)
    instrumented, wanted = prose_numbers.instrument(nb)
    with tempfile.TemporaryDirectory() as jupyter_path:
        # The kernel is this interpreter: a kernelspec of our own comes first on JUPYTER_PATH.
        spec = Path(jupyter_path) / "kernels" / "python3"
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3", "language": "python"}))
        import os

        os.environ["JUPYTER_PATH"] = jupyter_path
        os.environ.pop("COURSE_STATIC", None)  # the live explorers, as in Jupyter
        client = NotebookClient(instrumented, timeout=args.timeout, kernel_name="python3",
                                allow_errors=True, resources={"metadata": {"path": str(notebook.parent)}})
        start = time.perf_counter()
        client.execute()
        seconds = time.perf_counter() - start

    errors, stderr = [], []
    for index, cell in enumerate(instrumented.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                errors.append(f"cell {index}: {output.get('ename')}: {output.get('evalue')}")
            elif output.get("output_type") == "stream" and output.get("name") == "stderr":
                stderr.append(f"cell {index}: {output.get('text', '').strip()[:300]}")
    values = prose_numbers.computed(instrumented)
    print(json.dumps({
        "notebook": notebook.name,
        "python": sys.executable,
        "seconds": round(seconds, 2),
        "errors": errors,
        "stderr": stderr,
        "numbers": len(wanted),
        "stale_numbers": prose_numbers.stale_numbers(wanted, values),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
