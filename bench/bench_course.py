"""Measure what a learner feels: build time, notebook run time, explorer latency and page weight.

    python bench/bench_course.py [--skip-build] [--skip-notebooks] [--skip-explorers] [--skip-weight]
                                 [--no-blit]

Prints one table per measurement with its target (2 cores):

* site build: a clean build with execution (target 90 s) and a rebuild with no change;
* notebooks: each notebook's run time under nbval (target 30 s each);
* explorers: every explorer of every notebook, each control stepped through its range in a live
  kernel (Agg backend); median and 95th percentile of one update, that is the view's ``update`` plus
  the render of the frame a reader sees (targets 30 ms and 80 ms: the kernel's share of the 100 ms
  median and 200 ms 95th percentile a learner should feel, input to painted frame, which
  ``bench/bench_live.py`` measures in the browser; outside the kernel a step takes 50 to 70 ms of
  median more); ``--no-blit`` draws every frame in full instead, to show what blitting
  (``lib/explorer/render.py``) buys;
* page weight: what each page loads, compressed as a static host serves it, on a first visit and
  after another chapter (targets 1.5 MB and 600 KB per chapter; ``bench/bench_pages.py``).

The throughput of ``lib`` itself has its own script, ``bench/bench_lib.py``. Benchmarks, not tests:
figures depend on the machine and on what else it is doing.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb")) + sorted((ROOT / "appendix").glob("*.ipynb"))


def run(cmd: list[str], env: dict | None = None) -> float:
    """Run a command at the repository root; return its wall time in seconds (fail loudly)."""
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, env={**os.environ, **(env or {})},
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def table(title: str, header: list[str], rows: list[list]) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    print(f"\n## {title}")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    for row in rows:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths)))


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def bench_build() -> None:
    jb = str(Path(sys.executable).with_name("jupyter-book"))
    cmd = [jb, "build", ".", "-W", "-n", "--keep-going", "--quiet"]
    subprocess.run(["rm", "-rf", "_build"], cwd=ROOT, check=True)
    clean = run(cmd, {"COURSE_STATIC": "1"})
    again = run(cmd, {"COURSE_STATIC": "1"})
    table("site build", ["build", "seconds", "target", ""],
          [["clean, with execution", f"{clean:.1f}", "90", verdict(clean <= 90)],
           ["again, no change", f"{again:.1f}", "-", ""]])


def bench_notebooks() -> None:
    rows = []
    for nb in NOTEBOOKS:
        seconds = run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--nbval",
                       str(nb.relative_to(ROOT)), "--sanitize-with", "tests/nbval_sanitize.cfg"])
        rows.append([nb.relative_to(ROOT), f"{seconds:.1f}", "30", verdict(seconds <= 30)])
    table("notebooks under nbval (pytest process included)", ["notebook", "seconds", "target", ""], rows)


def bench_explorers(steps: int = 15) -> None:
    """Run each notebook's code in one IPython shell, then step every explorer it built."""
    os.environ["MPLBACKEND"] = "Agg"
    os.environ.pop("COURSE_STATIC", None)
    import nbformat
    from IPython.core.interactiveshell import InteractiveShell

    from lib import explorer

    built = []  # every explorer the notebook builds, seen from outside lib
    init = explorer.Explorer.__init__

    def recording(self, *args, **kwargs):
        init(self, *args, **kwargs)
        built.append(self)

    explorer.Explorer.__init__ = recording
    rows = []
    shell = InteractiveShell.instance()
    for nb in NOTEBOOKS:
        built.clear()
        os.chdir(nb.parent)
        shell.reset(new_session=True)
        with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
            for cell in nbformat.read(nb, as_version=4).cells:
                if cell.cell_type == "code":  # kept in Out[], so each explorer stays alive
                    shell.run_cell(cell.source, store_history=True)
        for ex in built:
            times, complete = [], []
            start_values = dict(ex.values)
            for name, control in ex.controls.items():
                for value in control.sweep(steps):
                    # what the live form does on a change: the view's answer, drawn...
                    t0 = time.perf_counter()
                    ex.frame_html(ex.respond(**{name: value}))
                    times.append(1e3 * (time.perf_counter() - t0))
                    # ...then, for a view that draws a long computation as it goes, every further
                    # piece until the work is done (the live form asks for one per turn of the
                    # kernel's event loop)
                    while (readout := ex.advance()) is not None:
                        ex.frame_html(readout)
                    complete.append(1e3 * (time.perf_counter() - t0))
                ex.update(**{name: start_values[name]})
            median, p95 = quantiles(times)
            done = "-"
            if hasattr(ex.view, "advance"):
                done = "{:.0f} / {:.0f}".format(*quantiles(complete))
            view = type(ex.view).__name__
            rows.append([nb.stem, view, len(times), f"{median:.1f}", f"{p95:.1f}", done,
                         verdict(median <= KERNEL_MEDIAN and p95 <= KERNEL_P95)])
    os.chdir(ROOT)
    table(f"explorer updates in a live kernel (ms; targets: median {KERNEL_MEDIAN}, p95 {KERNEL_P95}, "
          "the kernel's share of the browser's 100 and 200); 'finished': median / "
          "p95 until a view that draws its work as it goes has finished it",
          ["notebook", "view", "updates", "median", "p95", "finished", ""], rows)


#: The kernel's share of the live target (browser median 100 ms, 95th percentile 200 ms): what is left
#: after the 50 to 70 ms of median (about 60 to 110 ms at the 95th percentile) that a step spends
#: outside the kernel, measured per explorer as bench_live.py's browser time minus this one (README).
KERNEL_MEDIAN, KERNEL_P95 = 30, 80


def quantiles(times: list[float]) -> tuple[float, float]:
    """Median and 95th percentile (nearest rank)."""
    times = sorted(times)
    return statistics.median(times), times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]


def bench_weight() -> None:
    """The page weights of ``bench/bench_pages.py`` (the built site, opened in headless chromium)."""
    import bench_pages

    html_root = ROOT / "_build" / "html"
    if not html_root.is_dir():
        print("\n## page weight: no _build/html (run bash scripts/build first)")
        return
    print()
    bench_pages.report(bench_pages.measure(html_root), by_kind=False)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for part in ("build", "notebooks", "explorers", "weight"):
        parser.add_argument(f"--skip-{part}", action="store_true")
    parser.add_argument("--no-blit", action="store_true", help="draw every explorer frame in full")
    args = parser.parse_args(argv)
    if args.no_blit:
        from lib.explorer.render import Renderer

        Renderer.draw = lambda self: self.fig.canvas.draw()  # every frame in full
    if not args.skip_build:
        bench_build()
    if not args.skip_notebooks:
        bench_notebooks()
    if not args.skip_explorers:
        bench_explorers()
    if not args.skip_weight:
        bench_weight()
    return 0


if __name__ == "__main__":
    sys.exit(main())
