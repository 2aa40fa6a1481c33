"""Helpers shared by the browser tests (tests/browser/test_*.py) and bench/browser.py.

A private JupyterLab (the course's own environment, 127.0.0.1, a random free port and token) serves a
temporary copy of the course, with every Jupyter directory and the progress file in a temp folder, and
headless Debian Chromium, driven by Playwright, opens notebooks in it as a person would.

Nothing here downloads anything: Chromium is the system package (/usr/bin/chromium), never
`playwright install`.
"""

import contextlib
import dataclasses
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from ceasefire.checking.progress import FILENAME as PROGRESS_FILENAME
from ceasefire.instructor.release import make_release

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "browser"
# Debian's package; CEASEFIRE_CHROMIUM may point at another Chromium build (or at nothing, to try the skip).
CHROMIUM = Path(os.environ.get("CEASEFIRE_CHROMIUM") or "/usr/bin/chromium")
ENABLE_HINT = "install Debian's chromium to enable the browser tests: sudo apt-get install chromium"
REQUIRE_ENV = "CEASEFIRE_REQUIRE_BROWSER"

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 1000}

TRACKER = "@jupyterlab/notebook-extension:tracker"      # the notebook settings of JupyterLab
PLOTLY_MIME = "application/vnd.plotly.v1+json"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

# The notebook that is open (shell.currentWidget) has its document loaded and a kernel that is
# connected AND idle. JupyterLab shows "Idle" before the kernel's websocket is connected; a run-all
# issued then is silently dropped (recipe pitfall 7).
READY = """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!(w && w.context && w.context.isReady && w.content && w.content.widgets.length > 0 &&
            k && k.connectionStatus === 'connected' && k.status === 'idle'); }"""

# Every code cell of the open notebook has run: an execution count, no "[*]" pending, kernel idle.
# Also true as soon as an error output shows (Run All stops there; the caller reports the error).
ALL_EXECUTED = """() => { const w = window.jupyterapp.shell.currentWidget;
  if (w.node.querySelector('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')) return true;
  const k = w.sessionContext.session && w.sessionContext.session.kernel;
  const code = w.content.widgets.filter(c => c.model.type === 'code');
  return k && k.status === 'idle' && code.every(c => c.model.executionCount !== null &&
         !(c.promptNode && c.promptNode.textContent.includes('*'))); }"""

# JupyterLab renders stream stderr and error outputs (tracebacks) alike with the stderr mimetype.
ERROR_OUTPUTS = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
# ipywidgets renders a view it cannot build as a box saying so (instead of the widget).
WIDGET_FAILURE_TEXTS = ("Error displaying widget", "Failed to load model class", "Error creating view")


class BrowserUnavailable(RuntimeError):
    pass


def browser_problem():
    """(required, problem): whether a missing browser is a failure here (CI sets CEASEFIRE_REQUIRE_BROWSER=1),
    and why the browser tests cannot run (None when they can)."""
    required = os.environ.get(REQUIRE_ENV) == "1"
    if not CHROMIUM.exists():
        return required, chromium_missing_message()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return required, "the playwright package is missing; `python run.py test` installs it (requirements/test.lock)"
    return required, None


def chromium_missing_message():
    return f"{CHROMIUM} not found; {ENABLE_HINT}"


def loaded_app(page) -> bool:
    return page.url.startswith("http") and page.evaluate("() => !!(window.jupyterapp && window.jupyterapp.shell)")


# ---- the course copy and the server -------------------------------------------------------------------

def copy_course(target: Path, root: Path = ROOT) -> Path:
    """A throw-away student release of the course: what a student opens, and JupyterLab autosaves the
    notebooks it opens, so never the repository itself."""
    make_release(root, target)
    return target


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Lab:
    """A running JupyterLab, or (with a prefix, see in_folder) one test file's folder of a shared one:
    paths given to its methods are relative to its course copy."""
    base: str
    token: str
    course: Path
    home: Path
    progress: Path
    log: Path
    proc: subprocess.Popen
    started_in: float = 0.0
    prefix: str = ""        # the course copy's folder inside the server's root ("" = the root itself)

    def path(self, path: str) -> str:
        """The server's path (relative to its root) of `path` in this course copy."""
        return f"{self.prefix}/{path}" if self.prefix else path

    def url(self, path: str) -> str:
        return f"{self.base}/lab/tree/{urllib.parse.quote(self.path(path))}?token={self.token}&reset"

    def api(self, method: str, path: str, body=None, prefix: str = "api"):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.base}/{prefix}/{path}", method=method, data=data,
                                         headers={"Authorization": f"token {self.token}",
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=15) as response:
            body = response.read()
        return json.loads(body) if body else None

    def in_folder(self, name: str) -> "Lab":
        """A fresh student release of the course in folder `name` of this server's root, as a Lab whose
        paths, sessions and progress file are that copy's: test files sharing one server keep apart."""
        course = copy_course(self.course / name)
        return dataclasses.replace(self, course=course, prefix=self.path(name),
                                   progress=course / PROGRESS_FILENAME)

    def set_settings(self, plugin: str, values: dict):
        """Change a JupyterLab setting on the server (for pages loaded afterwards); {} restores the defaults."""
        self.api("PUT", f"settings/{plugin}", {"raw": json.dumps(values)}, prefix="lab/api")

    @contextlib.contextmanager
    def every_cell_drawn(self):
        """While in the block, notebooks in pages loaded from this server attach and draw every cell, not
        only those in view: JupyterLab's default (content-visibility) leaves the cells out of view for the
        browser to draw when they are scrolled to, so a figure far above the last cell run may never be
        drawn, and an audit would miss text. Also no blank space after the last cell, so that a whole
        notebook fits a window. A server setting: the test files of a process run one after the other,
        and the defaults are back after the block."""
        self.set_settings(TRACKER, {"windowingMode": "none", "scrollPastEnd": False})
        try:
            yield self
        finally:
            self.set_settings(TRACKER, {})

    def sessions(self) -> list:
        """The kernel sessions of notebooks in this course copy."""
        sessions = self.api("GET", "sessions")
        if not self.prefix:
            return sessions
        return [s for s in sessions if str(s.get("path", "")).startswith(self.prefix + "/")]

    def delete_sessions(self, wait: bool = True):
        """Shut down every kernel session (kernels outlive the page: a reopened notebook would reuse its
        old kernel). A kernel takes 1-2 s to shut down: with wait=False this happens in the background
        and open_notebook() waits only if it needs the same notebook's session gone."""
        def delete(ids):
            for sid in ids:
                try:
                    self.api("DELETE", f"sessions/{sid}")
                except (OSError, urllib.error.URLError):
                    pass
        ids = [session["id"] for session in self.sessions()]
        if wait:
            delete(ids)
        else:
            threading.Thread(target=delete, args=(ids,), daemon=True).start()

    def wait_no_session(self, path: str, timeout: float = 60.0):
        path = self.path(path)
        deadline = time.monotonic() + timeout
        while any(s.get("path") == path for s in self.sessions()):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the previous kernel session of {path} is still there after {timeout:g} s")
            time.sleep(0.1)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self):
        """SIGTERM to the server's own PID: it shuts its kernels down and exits."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def lab_env(home: Path, progress: Path | None) -> dict:
    """The server's environment; with progress=None the kernels keep the progress file where a student's
    would be, beside course.yml in the course copy the notebook is in."""
    env = dict(os.environ)
    for name, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTERLAB_SETTINGS_DIR", "settings"),
                      ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                      ("JUPYTER_DATA_DIR", "data"), ("IPYTHONDIR", "ipython")):
        env[name] = str(home / sub)
        (home / sub).mkdir(parents=True, exist_ok=True)
    if progress is None:
        env.pop("CEASEFIRE_PROGRESS", None)
    else:
        env["CEASEFIRE_PROGRESS"] = str(progress)
    # The kernels find the course as a person's would: course.yml above the notebook's folder.
    env.pop("CEASEFIRE_COURSE_ROOT", None)
    env.pop("JUPYTER_PATH", None)
    # No "get official Jupyter news?" toast, no update check (recipe pitfall 9).
    notification = home / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True, exist_ok=True)
    notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    return env


def start_lab(course: Path, home: Path, timeout: float = 90.0, attempts: int = 3, progress_file: bool = True) -> Lab:
    """Start JupyterLab from the environment running this code on 127.0.0.1 (random port and token).
    progress_file=False: no progress file in `home` (see lab_env); for a server shared through in_folder."""
    jupyter_lab = Path(sys.executable).parent / "jupyter-lab"
    home.mkdir(parents=True, exist_ok=True)
    course.mkdir(parents=True, exist_ok=True)
    progress = home / "progress.json"
    env = lab_env(home, progress if progress_file else None)
    last_error = ""
    for attempt in range(attempts):
        port, token = free_port(), secrets.token_hex(24)
        log = home / f"jupyter-lab-{attempt}.log"
        cmd = [str(jupyter_lab), "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
               "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={course}", "--LabApp.expose_app_in_browser=True",
               "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        start = time.perf_counter()
        with open(log, "wb") as out:
            proc = subprocess.Popen(cmd, env=env, cwd=str(course), stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL)
        lab = Lab(f"http://127.0.0.1:{port}", token, course, home, progress, log, proc)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                lab.api("GET", "status")
                lab.started_in = time.perf_counter() - start
                return lab
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        last_error = lab.log_tail()
        lab.stop()
        # the port may have been taken between free_port() and the bind: try another one
    raise RuntimeError(f"JupyterLab did not start ({attempts} attempts). Last log:\n{last_error}")


# ---- what a notebook should show -------------------------------------------------------------------

# Runs in a separate Python from the notebook's folder: executes the notebook's code cells (as a kernel
# would, displays are no-ops outside IPython) and, for each cell that displays a widget, counts the
# plotly FigureWidgets inside the widget it builds.
_COUNT_FIGURE_WIDGETS = r"""
import ast, contextlib, io, json, sys
import nbformat, ipywidgets
from plotly.basewidget import BaseFigureWidget

def figure_widgets(w):
    if isinstance(w, BaseFigureWidget):
        return 1
    return sum(figure_widgets(c) for c in getattr(w, "children", ()) or ())

nb = nbformat.read(sys.argv[1], as_version=4)
widget_cells = set(json.loads(sys.argv[2]))
ns, counts = {"__name__": "__main__"}, []
with contextlib.redirect_stdout(io.StringIO()):
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        if index in widget_cells and tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
            exec(compile(tree, f"cell {index}", "exec"), ns)
            counts.append(figure_widgets(eval(compile(last, f"cell {index}", "eval"), ns)))
        else:
            exec(compile(tree, f"cell {index}", "exec"), ns)
print(json.dumps(counts))
"""


@dataclass
class Expected:
    """What a lesson shows once run: derived from the notebook file itself."""
    plotly_outputs: int          # stored outputs with plotly's mimetype (ordinary figures)
    widget_cells: list           # indices of cells whose stored output is a widget view
    figure_widgets: list = field(default_factory=list)   # FigureWidgets inside each of those widgets

    @property
    def figures(self) -> int:
        return self.plotly_outputs + sum(self.figure_widgets)

    @property
    def widgets(self) -> int:
        return len(self.widget_cells)


def expected_outputs(notebook: Path, env: dict | None = None, nice: int = 0, build_widgets: bool = True) -> Expected:
    """Count plotly figures in the stored outputs; build each widget (in a separate Python started in
    the notebook's folder, at lower CPU priority with nice > 0) to count the FigureWidgets it holds
    (build_widgets=False: leave figure_widgets empty, see expected_from_kernel)."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    plotly, widget_cells = 0, []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            plotly += PLOTLY_MIME in data
            if WIDGET_MIME in data:
                widget_cells.append(index)
    expected = Expected(plotly, widget_cells)
    if widget_cells and build_widgets:
        run = subprocess.run([sys.executable, "-c", _COUNT_FIGURE_WIDGETS, str(notebook), json.dumps(widget_cells)],
                             cwd=str(notebook.parent), env=env, capture_output=True, text=True, timeout=300,
                             preexec_fn=(lambda: os.nice(nice)) if nice and hasattr(os, "nice") else None)
        if run.returncode != 0:
            raise RuntimeError(f"Could not build the widgets of {notebook.name}:\n{run.stderr[-3000:]}")
        expected.figure_widgets = json.loads(run.stdout.strip().splitlines()[-1])
    return expected


# Asks the kernel that ran the open notebook, without adding a cell or an output to it, how many plotly
# FigureWidgets each given cell's widget holds: IPython keeps what a cell displayed last in Out[count].
_KERNEL_COUNT = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const counts = JSON.stringify(%s.map(i => w.content.widgets[i].model.executionCount));
  const code = "def _ceasefire_count(numbers):\\n"
    + "    from plotly.basewidget import BaseFigureWidget\\n"
    + "    def inside(w):\\n"
    + "        return 1 if isinstance(w, BaseFigureWidget) else sum(inside(c) for c in getattr(w, 'children', ()) or ())\\n"
    + "    return [inside(Out[n]) if n in Out else None for n in numbers]\\n"
    + "print('COUNTS', __import__('json').dumps(_ceasefire_count(" + counts + ")))\\ndel _ceasefire_count";
  const future = w.sessionContext.session.kernel.requestExecute({code, silent: false, store_history: false});
  let text = '';
  future.onIOPub = m => { if (m.header.msg_type === 'stream') text += m.content.text;
                          if (m.header.msg_type === 'error') text += 'ERROR ' + m.content.ename + ': ' + m.content.evalue; };
  return future.done.then(() => text); }"""


def expected_from_kernel(page, notebook: Path) -> Expected:
    """What the open notebook should show after Run All: figures and widget cells counted from the notebook
    file's stored outputs (as expected_outputs does), and the FigureWidgets inside each widget counted in
    the kernel that just built it (no second run of the lesson)."""
    expected = expected_outputs(notebook, build_widgets=False)
    if expected.widget_cells:
        text = page.evaluate(_KERNEL_COUNT % json.dumps(expected.widget_cells))
        line = next((line for line in text.splitlines() if line.startswith("COUNTS ")), None)
        assert line, f"the kernel did not count the widgets' figures: {text[-2000:]}"
        expected.figure_widgets = json.loads(line.split(" ", 1)[1])
        assert None not in expected.figure_widgets, \
            f"{notebook.name}: a widget cell left no widget in Out (cells {expected.widget_cells})"
    return expected


# ---- the browser ---------------------------------------------------------------------------------

def launch_browser(playwright):
    """Debian's Chromium, headless; the browser tests share one per test process (conftest's `chromium`),
    each file in a context of its own (new_context)."""
    if not CHROMIUM.exists():
        raise BrowserUnavailable(chromium_missing_message())
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS)


def course_copy(shared_lab, name: str, problem) -> "Lab":
    """The test process's JupyterLab with a course copy of one test module's own (folder `name`). Reached
    with a `problem` only when CEASEFIRE_REQUIRE_BROWSER=1 (as on CI), where a missing tool is a failure."""
    if problem:
        import pytest   # lab.py also serves bench/browser.py, which runs without pytest

        pytest.fail(f"Browser tests cannot run and {REQUIRE_ENV}=1 (as on CI): {problem}", pytrace=False)
    return shared_lab.in_folder(name)


def new_context(browser):
    """A fresh context (no cookies, storage or cache from any other) of a shared browser."""
    return browser.new_context(viewport=VIEWPORT)


def launch(playwright, profile: Path):
    """Debian's Chromium, headless, with a fresh profile (user-data-dir)."""
    if not CHROMIUM.exists():
        raise BrowserUnavailable(chromium_missing_message())
    return playwright.chromium.launch_persistent_context(
        str(profile), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS, viewport=VIEWPORT)


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# URLs that never touch the network: inline data, in-page objects, the browser's own pages.
LOCAL_SCHEMES = ("data", "blob", "about", "chrome", "chrome-extension")

# Known, harmless console errors of JupyterLab itself: (substring, why it is allowed). Keep it narrow;
# everything else fails the test. Empty: with JupyterLab 4.6.6, ipywidgets 8.1.9, plotly 7.1.0 and
# anywidget 0.11.0 a course run logs no console error at all (checked on every lesson and exercise).
# Known trap, avoided by the tests rather than allowed here: shutting a kernel down while its notebook is
# still open makes a FigureWidget view log "Could not send widget sync message" on the next relayout, so
# notebooks are closed before their kernels are deleted (close_documents).
CONSOLE_NOISE = ()


@dataclass
class Watch:
    """Everything a page asked for and complained about."""
    requests: list = field(default_factory=list)
    console_errors: list = field(default_factory=list)
    page_errors: list = field(default_factory=list)

    def attach(self, page):
        self._handlers = [
            ("request", lambda r: self.requests.append(r.url)),
            ("websocket", lambda ws: self.requests.append(ws.url)),
            ("console", lambda m: m.type == "error" and self.console_errors.append(
                f"{m.text} [{(m.location or {}).get('url', '')}]")),
            ("pageerror", lambda e: self.page_errors.append(str(e))),
        ]
        for event, handler in self._handlers:
            page.on(event, handler)
        return self

    def detach(self, page):
        for event, handler in getattr(self, "_handlers", ()):
            page.remove_listener(event, handler)

    def clear(self):
        """Forget what was recorded (the page moves on to another notebook)."""
        for record in (self.requests, self.console_errors, self.page_errors):
            record.clear()

    def assert_clean(self):
        """Nothing the page did left the machine, and nothing was logged as an error."""
        offsite = self.offsite()
        assert not offsite, f"requests left the machine: {offsite[:5]}"
        errors = self.errors()
        assert not errors, f"console errors: {errors[:5]}"

    def offsite(self) -> list:
        bad = []
        for url in self.requests:
            parts = urllib.parse.urlsplit(url)
            if parts.scheme in LOCAL_SCHEMES:
                continue
            if parts.hostname not in LOOPBACK_HOSTS:
                bad.append(url)
        return bad

    def errors(self) -> list:
        found = [e for e in self.console_errors if not any(noise in e for noise, _why in CONSOLE_NOISE)]
        return found + [f"page error: {e}" for e in self.page_errors]


# Close every document in the main area without "save changes?" dialogs (they are temp copies).
_CLOSE_ALL = """async () => { const app = window.jupyterapp;
  for (const w of Array.from(app.shell.widgets('main'))) {
    if (w.context && w.context.model) { w.context.model.dirty = false; }
    w.dispose(); } }"""


def close_documents(page):
    if loaded_app(page):
        page.evaluate(_CLOSE_ALL)


def open_notebook(page, lab: Lab, path: str, timeout: float = 90_000, reload: bool = False, clear: bool = True):
    """Open a notebook and wait until its kernel is connected and idle. If JupyterLab is already loaded
    in the page, the open documents are closed and the notebook is opened in the same app (a reload of
    JupyterLab costs 1-3 s); otherwise, or with reload=True, the page loads the notebook's URL.
    With clear=True the stored outputs are then cleared (see clear_outputs)."""
    lab.wait_no_session(path)
    if not reload and page.url.startswith(lab.base) and loaded_app(page):
        page.evaluate(_CLOSE_ALL)
        # commands are started, not awaited: page.evaluate has no timeout; the waits below have one
        page.evaluate("p => { window.jupyterapp.commands.execute('docmanager:open', {path: p, factory: 'Notebook'}); }",
                      lab.path(path))
        page.wait_for_function("p => { const w = window.jupyterapp.shell.currentWidget;"
                               " return !!(w && w.context && w.context.path === p); }", arg=lab.path(path),
                               timeout=timeout)
    else:
        page.goto(lab.url(path))
    page.wait_for_function(READY, timeout=timeout, polling=100)
    if clear:
        clear_outputs(page)


def clear_outputs(page, timeout: float = 30_000):
    """Clear the stored outputs and execution counts, so that no wait below can be satisfied by what
    the notebook file already held (the lessons are stored with their outputs)."""
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs'); }")
    page.wait_for_function("""() => { const w = window.jupyterapp.shell.currentWidget;
        return w.content.widgets.every(c => c.model.type !== 'code' ||
                                       (c.model.executionCount === null && c.model.outputs.length === 0)); }""",
                           timeout=timeout, polling=50)


def run_all(page):
    """Run all cells of the open notebook; returns performance.now() in the page when it was issued."""
    return page.evaluate("""() => { const t = performance.now();
        window.jupyterapp.commands.execute('notebook:run-all-cells'); return t; }""")


def wait_all_executed(page, timeout: float = 180_000):
    page.wait_for_function(ALL_EXECUTED, timeout=timeout, polling=100)


def last_cell_output(page):
    return page.locator(".jp-Notebook .jp-CodeCell").last.locator(".jp-OutputArea-output")


def error_outputs(page) -> list:
    texts = [t[:2000] for t in page.locator(ERROR_OUTPUTS).all_text_contents()]
    for marker in WIDGET_FAILURE_TEXTS:
        texts += [t[:500] for t in page.locator(".jp-OutputArea-output", has_text=marker).all_text_contents()]
    return texts


def widget_outputs(page):
    """Outputs holding a rendered widget view (JupyterLab puts no data-mime-type on these)."""
    return page.locator(".jp-Notebook .jp-OutputArea-output:has(> .jupyter-widgets)")


def plotly_figures(page):
    return page.locator(".jp-Notebook .js-plotly-plot")


# How many plotly figures really drew something: a main SVG with a non-zero size (a JavaScript expression).
RENDERED = """[...document.querySelectorAll('.jp-Notebook .js-plotly-plot')]
    .filter(p => { const s = p.querySelector('svg.main-svg');
                   return s && s.getAttribute('width') > 0 && s.getAttribute('height') > 0; }).length"""


def figure_title(figure) -> str:
    return (figure.locator(".gtitle").first.text_content() or "").strip()


def figure_titles(page) -> list:
    return [t.strip() for t in page.locator(".jp-Notebook .js-plotly-plot .gtitle").all_text_contents()]


# ---- moving a widget -------------------------------------------------------------------------------

# ipywidgets' dropdowns and sliders, and the course's own named controls (ceasefire.display.controls)
CONTROLS = ".widget-dropdown select, .noUi-handle, .ceasefire-control select, .ceasefire-control input[type=range]"


class FigureDidNotChange(AssertionError):
    """The control moved on the page, but the widget's figure stayed as it was."""


@dataclass
class Change:
    control: str        # "dropdown" or "slider"
    label: str          # the control's description
    before: str         # control value before / after (dropdown option or slider readout)
    after: str
    title_before: str
    title_after: str
    ms: float | None    # page time from the input event to the new title in the DOM


# Installed in the page before a change: records performance.now() of the first input event (keydown
# or change) and of the first mutation of the figure's title text after it.
_ARM = """([fig, before]) => {
  const probe = {t0: null, t1: null};
  const mark = () => { if (probe.t0 === null) probe.t0 = performance.now(); };
  document.addEventListener('keydown', mark, {capture: true, once: true});
  document.addEventListener('change', mark, {capture: true, once: true});
  const title = () => { const t = fig.querySelector('.gtitle'); return t ? t.textContent.trim() : ''; };
  const obs = new MutationObserver(() => {
    if (probe.t1 === null && title() !== before) { probe.t1 = performance.now(); obs.disconnect(); } });
  obs.observe(fig, {subtree: true, childList: true, characterData: true, attributes: false});
  window.__ceasefireProbe = probe; }"""


def change_widget(page, widget, timeout: float = 15_000, step: int = 1) -> Change:
    """Move the first control of a widget output as a person would (a dropdown: choose another option;
    a slider: arrow key on its handle), check the control really changed on the page, then wait for
    the widget's figure title to change. Raises FigureDidNotChange if it does not within `timeout`."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    # In view, as a person would have it (JupyterLab's default draws cells only when in view); scrolled by
    # the page itself, as Playwright's own scrolling first waits for a long notebook to hold still.
    widget.evaluate("e => e.scrollIntoView({block: 'nearest'})")
    figure = widget.locator(".js-plotly-plot").first
    expect(figure.locator(".gtitle").first).to_be_attached(timeout=timeout)
    control = widget.locator(CONTROLS).first
    tag = control.evaluate("e => e.tagName.toLowerCase()")
    title_before = figure_title(figure)
    page.evaluate(_ARM, [figure.element_handle(), title_before])
    if tag == "select":
        label = (control.locator("xpath=../label").first.text_content() or "").strip()
        options = control.locator("option").all_text_contents()
        index = control.evaluate("e => e.selectedIndex")
        before = options[index]
        target = (index + step) % len(options)
        control.select_option(index=target)
        after = options[target]
        expect(control).to_have_js_property("selectedIndex", target, timeout=5_000)
        kind = "dropdown"
    elif tag == "input":      # a native range input: its name and its value in words are on the element
        label = control.evaluate("e => e.labels.length ? e.labels[0].textContent : e.getAttribute('aria-label')")
        before = control.get_attribute("aria-valuetext")
        at_max = control.evaluate("e => e.value === e.max")
        control.focus()
        for _ in range(abs(step)):
            control.press("ArrowLeft" if at_max or step < 0 else "ArrowRight")
        try:
            expect(control).not_to_have_attribute("aria-valuetext", before, timeout=5_000)
        except AssertionError as exc:
            raise AssertionError(f"The slider {label!r} did not move on the page (value {before!r})") from exc
        after = control.get_attribute("aria-valuetext")
        kind = "slider"
    else:
        slider = control.locator("xpath=ancestor::div[contains(@class, 'widget-slider')][1]")
        label = (slider.locator("label").first.text_content() or "").strip()
        readout = slider.locator(".widget-readout").first
        before = readout_text(readout)
        at_max = control.get_attribute("aria-valuenow") == control.get_attribute("aria-valuemax")
        control.focus()
        for _ in range(abs(step)):
            control.press("ArrowLeft" if at_max or step < 0 else "ArrowRight")
        try:
            expect(readout).not_to_have_text(before, timeout=5_000)
        except AssertionError as exc:
            raise AssertionError(f"The slider {label!r} did not move on the page (readout {before!r})") from exc
        after = readout_text(readout)
        kind = "slider"
    try:
        expect(figure.locator(".gtitle").first).not_to_have_text(title_before, timeout=timeout)
    except (AssertionError, PlaywrightTimeout):
        raise FigureDidNotChange(
            f"{kind} {label!r} moved from {before!r} to {after!r}, but the figure's title stayed "
            f"{title_before!r} for {timeout / 1000:g} s") from None
    probe = page.evaluate("() => window.__ceasefireProbe")
    ms = probe["t1"] - probe["t0"] if probe and probe["t0"] is not None and probe["t1"] is not None else None
    return Change(kind, label, before, after, title_before, figure_title(figure), ms)


def readout_text(readout) -> str:
    # ipywidgets 8 readouts are contenteditable divs
    return (readout.text_content() or "").strip()


# ---- editing a cell --------------------------------------------------------------------------------

def cell(page, index: int):
    return page.locator(".jp-Notebook .jp-Cell").nth(index)


def activate(page, index: int):
    page.evaluate("i => { window.jupyterapp.shell.currentWidget.content.activeCellIndex = i; }", index)


def run_above(page, index: int, timeout: float = 120_000):
    """Run the code cells above cell `index` (its imports, its data) and wait for them to finish."""
    activate(page, index)
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-above'); }")
    page.wait_for_function("""i => { const w = window.jupyterapp.shell.currentWidget;
        if (w.node.querySelector(%r)) return true;
        const k = w.sessionContext.session.kernel;
        return k.status === 'idle' && w.content.widgets.slice(0, i)
          .filter(c => c.model.type === 'code').every(c => c.model.executionCount !== null); }""" % ERROR_OUTPUTS,
                           arg=index, timeout=timeout, polling=100)
    errors = error_outputs(page)
    assert not errors, f"error output in the cells above cell {index}:\n{errors[0][:3000]}"


def run_cells(page, indices, timeout: float = 120_000):
    """Run the given cells one after the other, as Shift+Enter on each would, and wait until each has a
    new execution count (a cell run before gets a higher one) and the kernel is idle."""
    indices = list(indices)
    before = page.evaluate("ix => ix.map(i => window.jupyterapp.shell.currentWidget.content.widgets[i].model.executionCount)",
                           indices)
    for index in indices:
        activate(page, index)
        page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-cell'); }")
    page.wait_for_function("""([ix, before]) => { const w = window.jupyterapp.shell.currentWidget;
        if (w.node.querySelector(%r)) return true;
        const k = w.sessionContext.session.kernel;
        return k.status === 'idle' && ix.every((i, n) => { const c = w.content.widgets[i].model.executionCount;
                                                            return c !== null && c !== before[n]; }); }""" % ERROR_OUTPUTS,
                           arg=[indices, before], timeout=timeout, polling=100)
    errors = error_outputs(page)
    assert not errors, f"error output after running cells {list(indices)}:\n{errors[0][:3000]}"


def cell_source(page, index: int) -> str:
    return page.evaluate("i => window.jupyterapp.shell.currentWidget.content.widgets[i].model.sharedModel.getSource()",
                         index)


def type_into_cell(page, index: int, source: str):
    """Put the focus in the cell's editor, select everything with the keyboard and put the new source in
    its place as one input, as a paste does. (Clicking waits for the page to hold still, and typing key
    by key costs a round trip a key: in a long notebook with every cell attached to the page, seconds
    per cell, for nothing more tested.)"""
    editor = cell(page, index).locator(".cm-content").first
    editor.focus()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.insert_text(source)
    typed = cell_source(page, index)
    if typed != source:
        raise AssertionError(f"The editor holds {typed!r} after typing {source!r}")


def run_cell_with_keyboard(page):
    page.keyboard.press("Shift+Enter")


# ---- pictures ----------------------------------------------------------------------------------------

def screenshot_notebook(page, path: Path, max_height: int = 14_000):
    """The whole notebook in one picture: the viewport is made as tall as the notebook for the shot."""
    path.parent.mkdir(parents=True, exist_ok=True)
    height = page.evaluate("""() => { const n = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer')
                                                 || document.querySelector('.jp-NotebookPanel .jp-Notebook');
                                      return n ? n.scrollHeight : 0; }""")
    size = page.viewport_size
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
    try:
        page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(height + 200, max_height))})
        page.evaluate("""() => { for (const e of document.querySelectorAll('.jp-NotebookPanel .jp-WindowedPanel-outer'))
                                   e.scrollTop = 0; }""")
        page.wait_for_timeout(400)   # plotly's responsive relayout after the resize
        page.screenshot(path=str(path))
    finally:
        page.set_viewport_size(size)
