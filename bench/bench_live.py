"""Measure an explorer's live redraw as a learner feels it: in the browser, in a running JupyterLab.

    python bench/bench_live.py [--steps 120] [--drag-steps 60] [--only NAME ...] [--headed]

Starts JupyterLab on localhost (a temporary root, token, settings and workspaces of its own) with a
notebook made of chapter cells: for each measured explorer, its chapter's set-up cell and the cell
that builds it. Opens the notebook in headless chromium (playwright), runs all cells, then operates
one slider of each explorer:

* ``key``: arrow-key steps on the focused slider handle, each waiting for the new frame (turning
  back at either end of the slider);
* ``drag``: the handle held with the mouse and moved one slider step at a time, each waiting for
  the new frame; ``drag, from dispatch`` times the same steps from the moment the page received the
  pointer move (chromium holds a move until its next animation frame, about 15 ms, before any page
  code sees it; a key press reaches the page at once);
* ``burst``: 30 arrow-key steps at 30 per second (a key held down) without waiting, fewer if the
  slider's end comes first: the time from the last step to the last frame (``settle``) and how many
  frames the browser showed.

One step is measured in the page, from the input event's time stamp to the first animation frame
after the frame the reader sees has changed, decoded and is in the DOM (a MutationObserver watches
the explorer; the frame seen is the last image shown in its block), plus one task, so that the
paint of that frame is done. Everything is measured from outside ``lib``: the page's events and
frames. Prints median, 95th percentile and worst per explorer and mode (targets: median 100 ms, p95
200 ms), and how many distinct heights the explorer's block had over all its frames (1: it keeps its
size).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent

#: name -> (chapter, the view the cell builds, {control label: value} set first, the control
#: operated, its kind): every live explorer of the course, in the order of the chapters. A slider is
#: stepped with arrow keys, dragged and held; in a drop-down (the decision-boundary explorer has no
#: slider) each step chooses the next option, as a click on it would (headless chromium does not
#: step a closed list with arrow keys), timed from that choice.
TARGETS = {
    "decision-boundary": ("01_activations", "DecisionBoundaryView", {}, "hidden units", "select"),
    "activation": ("01_activations", "ActivationView", {"function": "elu"}, "ELU α", "slider"),
    "family": ("01_activations", "FamilyView", {}, "value", "slider"),
    "tangent": ("02_derivatives", "TangentView", {}, "x", "slider"),
    "finite-difference": ("02_derivatives", "FiniteDifferenceView", {}, "step h", "slider"),
    "gradient": ("03_vanishing_gradients", "GradientView", {}, "depth", "slider"),
    "training": ("03_vanishing_gradients", "TrainingView", {}, "learning rate", "slider"),
    "logit": ("04_softmax", "LogitView", {}, "z₁", "slider"),
    "logit-scale": ("04_softmax", "PrecisionView", {}, "logit scale s", "slider"),
    "scaling": ("05_normalization", "ScalingView", {}, "outlier value", "slider"),
    "batch-stats": ("05_normalization", "BatchStatsView", {}, "batch size", "slider"),
    "axes": ("05_normalization", "AxesView", {}, "sample 0 multiplied by", "slider"),
    "image-axes": ("05_normalization", "ImageAxesView", {}, "channel of the dot", "slider"),
}

#: In the page: wait for the next new frame of one explorer and time it from the last input event.
PAGE_JS = """
() => {
  window.__lastInput = 0; window.__lastDispatch = 0;
  for (const type of ['keydown', 'pointermove', 'pointerdown']) {
    document.addEventListener(type, e => { window.__lastInput = e.timeStamp; window.__lastDispatch = performance.now(); }, true);
  }
  const afterPaint = () => new Promise(resolve => requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve(performance.now());
    channel.port2.postMessage(null);
  }));
  // the frame the reader sees: the last image shown in the block
  window.__shown = root => [...root.querySelectorAll('img')].filter(i => i.getClientRects().length).pop();
  // resolves with {ms, height} for the next frame of the explorer `root`, or null after `timeout` ms
  window.__nextFrame = (root, timeout) => new Promise(resolve => {
    const before = window.__shown(root);
    const src = before && before.src;
    let done = false;
    const finish = value => { if (!done) { done = true; observer.disconnect(); resolve(value); } };
    const observer = new MutationObserver(async () => {
      const img = window.__shown(root);
      if (!img || (img === before && img.src === src)) return;
      observer.disconnect();
      const input = window.__lastInput, dispatched = window.__lastDispatch;
      try { await img.decode(); } catch (e) {}
      const painted = await afterPaint();
      finish({ms: painted - input, dispatched: painted - dispatched, height: root.getBoundingClientRect().height,
              img: (box => [box.width, box.height])(window.__shown(root).getBoundingClientRect())});
    });
    observer.observe(root, {subtree: true, childList: true, attributes: true, characterData: true});
    setTimeout(() => finish(null), timeout);
  });
  // counts frames of `root` until none came for `quiet` ms; resolves with the last one's paint time
  window.__settle = (root, quiet) => new Promise(resolve => {
    let frames = 0, last = performance.now(), timer = null, src = null;
    const observer = new MutationObserver(async () => {
      const img = window.__shown(root);
      if (!img || img.src === src) return;
      src = img.src;
      frames += 1;
      try { await img.decode(); } catch (e) {}
      last = await afterPaint();
      clearTimeout(timer);
      timer = setTimeout(done, quiet);
    });
    const done = () => { observer.disconnect();
                         resolve({frames, settle: last - window.__lastInput}); };
    observer.observe(root, {subtree: true, childList: true, attributes: true, characterData: true});
    timer = setTimeout(done, quiet + 2000);
  });
}
"""


def quantiles(times: list[float]) -> tuple[float, float, float]:
    """Median, 95th percentile (nearest rank) and worst."""
    times = sorted(times)
    return (statistics.median(times), times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))],
            times[-1])


def notebook(names: list[str]) -> nbformat.NotebookNode:
    """Each measured explorer's chapter, its code cells in order up to the last measured explorer's
    cell (what a learner runs before reaching it), without the chapter's other explorers."""
    cells = []
    for chapter in dict.fromkeys(TARGETS[name][0] for name in names):
        views = [TARGETS[name][1] for name in names if TARGETS[name][0] == chapter]
        source = [c.source for c in nbformat.read(ROOT / "chapters" / f"{chapter}.ipynb", as_version=4).cells
                  if c.cell_type == "code"]
        built = [i for i, s in enumerate(source) if "explore(" in s and any(f"views.{v}," in s for v in views)]
        for s in source[:max(built) + 1]:
            if "explore(" not in s or any(f"views.{v}," in s for v in views):
                cells.append(nbformat.v4.new_code_cell(s))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_lab(root: Path, port: int, token: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "COURSE_STATIC"}
    env.update(JUPYTER_CONFIG_DIR=str(root / ".config"), JUPYTERLAB_SETTINGS_DIR=str(root / ".settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(root / ".workspaces"), IPYTHONDIR=str(root / ".ipython"),
               JUPYTER_RUNTIME_DIR=str(root / ".runtime"), MPLBACKEND="Agg")
    # every cell in the DOM (no windowing), so that every explorer can be found and operated
    settings = root / ".settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    jupyter = str(Path(sys.executable).with_name("jupyter"))
    process = subprocess.Popen(
        [jupyter, "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root / 'nb'}",
         "--LabApp.extension_manager=readonly", *(["--allow-root"] if os.geteuid() == 0 else []),
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        cwd=root / "nb", env=env, stdout=subprocess.DEVNULL, stderr=open(root / "lab.log", "w"))
    return wait_until_up(process, f"http://127.0.0.1:{port}/api/status?token={token}", 60,
                         "JupyterLab did not start; see " + str(root / "lab.log"))


def wait_until_up(process: subprocess.Popen, url: str, seconds: float, failure: str) -> subprocess.Popen:
    """Return ``process`` once ``url`` answers; stop it and raise ``failure`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError(failure)


def chromium_path() -> str:
    for path in ("/usr/bin/chromium", shutil.which("chromium") or "", shutil.which("google-chrome") or ""):
        if path and Path(path).exists():
            return path
    raise SystemExit("bench_live needs chromium (Debian: apt-get install chromium)")


def start_chromium(root: Path, port: int) -> subprocess.Popen:
    """Headless chromium with a DevTools port: playwright prepares the page through it, then the
    measuring uses a connection of its own (:class:`DevTools`)."""
    process = subprocess.Popen(
        [chromium_path(), "--headless=new", f"--remote-debugging-port={port}", f"--user-data-dir={root / 'chromium'}",
         "--no-first-run", "--window-size=1400,1000", *(["--no-sandbox"] if os.geteuid() == 0 else []), "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return wait_until_up(process, f"http://127.0.0.1:{port}/json/version", 30, "chromium did not start")


def run_all(page, count: int) -> None:
    """Run every cell (Run > Run All Cells) and wait until ``count`` explorers are drawn."""
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60000)
    try:  # a fresh JupyterLab may ask which kernel to start
        page.locator(".jp-Dialog button", has_text="Select").click(timeout=8000)
    except Exception:
        pass
    page.wait_for_function("() => document.body.innerText.includes('(ipykernel) | Idle')", timeout=60000)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    page.wait_for_function(f"() => document.querySelectorAll('.course-explorer img').length >= {count}",
                           timeout=600000)
    page.wait_for_function("() => document.querySelector('.jp-Notebook-ExecutionIndicator[data-status=\"idle\"]')"
                           " !== null", timeout=600000)


def labelled(root, kind: str, label: str):
    """The control of ``kind`` (``"slider"`` or ``"select"``) whose label reads exactly ``label``."""
    box = ".widget-slider" if kind == "slider" else ".widget-dropdown"
    return root.locator(box, has=root.page.locator(".widget-label").get_by_text(label, exact=True)).first


def set_control(root, label: str, value: str) -> None:
    labelled(root, "select", label).locator("select").select_option(label=value)


def prepare(page, names: list[str]) -> None:
    """With playwright: run the notebook, set each explorer's controls, and keep each measured
    control (a slider's handle, or a drop-down's list) and explorer block in the page
    (``window.__handles``, ``window.__roots``)."""
    run_all(page, len(names))
    page.evaluate(PAGE_JS)
    for index, name in enumerate(names):
        _, _, setting, label, kind = TARGETS[name]
        root = page.locator(".course-explorer").nth(index)
        for control, value in setting.items():
            set_control(root, control, value)
            time.sleep(1.0)
        control = labelled(root, kind, label)
        control.scroll_into_view_if_needed()
        handle = control.locator(".noUi-handle" if kind == "slider" else "select").first
        page.evaluate("([handle, root, i]) => { (window.__handles = window.__handles || [])[i] = handle;"
                      " (window.__roots = window.__roots || [])[i] = root; }",
                      [handle.element_handle(), root.element_handle(), index])


class DevTools:
    """The page, through a DevTools websocket of the bench's own: the input events, and scripts
    that arm and await the frame timer, nothing else (no domain is enabled, so the browser reports
    no events to the bench while a frame is on its way)."""

    KEYS = {"ArrowRight": 39, "ArrowLeft": 37, "ArrowDown": 40, "ArrowUp": 38}

    def __init__(self, port: int):
        import websocket  # websocket-client, a dependency of jupyter_server

        target = next(t for t in json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json"))
                      if t["type"] == "page" and "/lab/" in t["url"])
        self.socket = websocket.create_connection(target["webSocketDebuggerUrl"], suppress_origin=True)
        self.last = 0
        self.call("Emulation.setFocusEmulationEnabled", enabled=True)  # keys reach a focused handle

    def call(self, method: str, **params):
        self.last += 1
        self.socket.send(json.dumps({"id": self.last, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.last:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def press(self, key: str) -> None:
        for kind in ("keyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", type=kind, key=key, code=key, windowsVirtualKeyCode=self.KEYS[key])

    def mouse(self, kind: str, x: float, y: float) -> None:
        self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left",
                  buttons=0 if kind == "mouseReleased" else 1, clickCount=1)

    def close(self) -> None:
        self.socket.close()


def measure(page: DevTools, index: int, steps: int, drag_steps: int, kind: str = "slider") -> dict:
    """Operate explorer ``index``'s control (a slider: keys, drag, burst; a drop-down: keys; see the
    module docstring), timing its frames.

    Each step makes three calls into the page: arm the frame timer and read the control's value and
    range, the input itself, and wait for the frame.
    """
    handle, root = f"window.__handles[{index}]", f"window.__roots[{index}]"
    read = ("['aria-valuenow', 'aria-valuemin', 'aria-valuemax'].map(a => parseFloat(h.getAttribute(a)))"
            if kind == "slider" else "[h.selectedIndex, 0, h.options.length - 1]")
    arm = f"(() => {{ window.__pending = window.__nextFrame({root}, 1500); const h = {handle}; return {read}; }})()"
    forward, back = ("ArrowRight", "ArrowLeft") if kind == "slider" else ("ArrowDown", "ArrowUp")
    key, drag, dispatched, heights, sizes = [], [], [], set(), set()
    missed = 0

    def record(result, into, from_dispatch=None) -> bool:
        if result:
            into.append(result["ms"])
            if from_dispatch is not None:
                from_dispatch.append(result["dispatched"])
            heights.add(round(result["height"]))
            sizes.add(tuple(round(x) for x in result["img"]))
        return bool(result)

    page.evaluate(f"{handle}.focus()")
    if kind == "slider":
        page.press(forward)  # a first step, not timed
    time.sleep(1.0)
    direction = forward
    for _ in range(steps):
        now, low, high = page.evaluate(arm)
        if now >= high:
            direction = back
        elif now <= low:
            direction = forward
        if kind == "slider":
            page.press(direction)
        else:   # a list's next option, chosen as a click on it would (timed from here)
            step = 1 if direction == forward else -1
            page.evaluate(f"(() => {{ const h = {handle}; window.__lastInput = performance.now();"
                          " window.__lastDispatch = window.__lastInput;"
                          f" h.selectedIndex += {step}; h.dispatchEvent(new Event('change',"
                          " {bubbles: true})); })()")
        missed += not record(page.evaluate("window.__pending"), key)
    if kind != "slider":   # a drop-down is not dragged or held
        time.sleep(1.6)    # let the last timer run out
        return {"key": key, "drag": [], "drag, from dispatch": [], "burst": None, "missed": missed,
                "heights": sorted(heights), "sizes": sorted(sizes), "kind": kind}
    # a drag: the handle held and moved one step of the slider at a time
    x, y = page.evaluate(f"(() => {{ const b = {handle}.getBoundingClientRect();"
                         " return [b.x + b.width / 2, b.y + b.height / 2]; })()")
    page.mouse("mouseMoved", x, y)
    page.mouse("mousePressed", x, y)
    step = 1
    for _ in range(drag_steps):
        before, low, high = page.evaluate(arm)
        if (step > 0 and before >= high) or (step < 0 and before <= low):
            step = -step
        for _ in range(40):  # a pixel at a time until the slider takes the next value
            x += step
            page.mouse("mouseMoved", x, y)
            if page.evaluate(f"parseFloat({handle}.getAttribute('aria-valuenow'))") != before:
                break
        record(page.evaluate("window.__pending"), drag, dispatched)
    page.mouse("mouseReleased", x, y)
    time.sleep(1.0)
    # a burst: a key held down (30 steps a second), then the time until the last frame is shown
    page.evaluate(f"{handle}.focus()")
    now, low, high = page.evaluate(arm)
    time.sleep(1.6)  # let that timer run out unanswered
    page.evaluate(f"(() => {{ window.__pending = window.__settle({root}, 1500); }})()")
    direction = "ArrowLeft" if now > (low + high) / 2 else "ArrowRight"
    presses = 0
    for _ in range(30):
        page.press(direction)
        presses += 1
        time.sleep(1 / 30)
        value = page.evaluate(f"parseFloat({handle}.getAttribute('aria-valuenow'))")
        if value <= low or value >= high:
            break  # the slider's end: a further key would change nothing, and settle would count from it
    burst = {**page.evaluate("window.__pending"), "steps": presses}
    return {"key": key, "drag": drag, "drag, from dispatch": dispatched, "burst": burst, "missed": missed, "heights": sorted(heights),
            "sizes": sorted(sizes)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=120, help="arrow-key steps per explorer")
    parser.add_argument("--drag-steps", type=int, default=60, help="drag steps per explorer")
    parser.add_argument("--only", nargs="*", choices=sorted(TARGETS), default=list(TARGETS))
    parser.add_argument("--keep", action="store_true", help="keep the temporary root (and lab.log)")
    args = parser.parse_args(argv)
    names = [name for name in TARGETS if name in args.only]   # the page's order of explorers
    from playwright.sync_api import sync_playwright

    root = Path(tempfile.mkdtemp(prefix="bench-live-"))
    (root / "nb").mkdir()
    nbformat.write(notebook(names), root / "nb" / "bench.ipynb")
    token, port, devtools_port = os.urandom(12).hex(), free_port(), free_port()
    lab = start_lab(root, port, token)
    chromium = None
    results = {}
    try:
        chromium = start_chromium(root, devtools_port)
        with sync_playwright() as p:
            browser = p.chromium.connect_over_cdp(f"http://127.0.0.1:{devtools_port}")
            page = browser.contexts[0].pages[0]
            page.set_viewport_size({"width": 1400, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}/lab/tree/bench.ipynb?token={token}")
            try:
                prepare(page, names)
            except Exception:
                page.screenshot(path=str(root / "failed.png"))
                print("see", root / "failed.png", "and", root / "lab.log", file=sys.stderr)
                raise
            # Disconnect playwright: its DevTools session follows the page's network (a copy of every
            # websocket frame, PNG included), which on 2 cores added about 10 ms to each step.
            browser.close()
        page = DevTools(devtools_port)
        for index, name in enumerate(names):
            results[name] = r = measure(page, index, args.steps, args.drag_steps, TARGETS[name][4])
            print(f"{name}: {len(r['key'])} key steps, {len(r['drag'])} drag steps, "
                  f"{r['missed']} without a new frame", file=sys.stderr, flush=True)
        page.close()
    finally:
        for process in (chromium, lab):
            if process is None:
                continue
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    report(results)
    return 0


#: The timings of each explorer: key steps and drag steps from the input event's time stamp, and the
#: drag steps from the moment the page received the event (chromium holds a pointer move until its
#: next animation frame, about 15 ms, before any page code sees it; a key press comes at once).
MODES = ("key", "drag", "drag, from dispatch")


def report(results: dict) -> None:
    print("\n## explorer redraws in live JupyterLab, input to repaint (ms; targets: median 100, p95 200)")
    header = ["explorer", "mode", "steps", "median", "p95", "worst", "block heights", "image sizes"]
    rows = []
    for name, r in results.items():
        for mode in MODES:
            if r[mode]:
                q = quantiles(r[mode])
                shown = "choice" if mode == "key" and r.get("kind") == "select" else mode
                rows.append([name, shown, len(r[mode]), *(f"{x:.0f}" for x in q)] +
                            ([len(r["heights"]), len(r["sizes"])] if mode == "key" else ["", ""]))
        burst = r["burst"]
        if burst:
            rows.append([name, "burst 30/s", burst["steps"], f"settle {burst['settle']:.0f}",
                         f"{burst['frames']} frames", "", "", ""])
    for mode in MODES:  # every explorer's steps together
        pooled = [t for r in results.values() for t in r[mode]]
        if len(results) > 1 and pooled:
            rows.append(["all", mode, len(pooled), *(f"{x:.0f}" for x in quantiles(pooled))] + [""] * 2)
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    for row in rows:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths)))
    for name, r in results.items():
        print(f"{name}: block heights {r['heights']}, image sizes {r['sizes']}")


if __name__ == "__main__":
    sys.exit(main())
