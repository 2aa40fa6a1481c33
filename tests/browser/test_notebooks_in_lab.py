"""Every notebook of the course, run once in JupyterLab (headless Debian Chromium via Playwright), and
checked as a student meets it: each lesson and exercise notebook of course.yml gets one Run All, and the
tests of this module all look at that one run (a module-scoped fixture, `ran`, parametrized by notebook:
pytest keeps each notebook's tests together). For every notebook:

- it runs: no error output, a lesson's closing cell prints its key point, as many plotly figures and widget
  views as the notebook file shows (the FigureWidgets inside each widget counted by the kernel that built
  it, see lab.expected_from_kernel), every figure drawn;
- its content has no WCAG 2.1 A/AA violation (axe-core), and each figure shown by display.show() is a
  role="figure" whose accessible description, in Chromium's accessibility tree, is its text description;
- every table cell the course made reads left-aligned (JupyterLab right-aligns HTML output tables);
- every widget: its first control changed as a person would changes its figure's title; nothing was
  fetched from outside the machine and no console error was logged.
- in each exercise, one question with a typed answer: a known wrong answer gets its hint, the right one
  "Correct"; then the start-here lesson's progress figure counts exactly those answers.

axe-core comes from npm, pinned (AXE_VERSION), installed by this file into a folder under the running
environment's prefix (like the hub test's proxy) and injected into the page from there: no CDN, nothing
to do by hand. The rules run are those tagged wcag2a, wcag2aa, wcag21a and wcag21aa, and only on what the
course itself puts on the page (COURSE_CONTENT: rendered Markdown cells and output areas), never on
JupyterLab's own interface. Also audited: the HTML feedback page and the class report of the instructor
tools (the whole page), and a notebook saved and reopened (JupyterLab then shows plotly's still image
first) keeps its figure named. Each check must be able to fail: a scratch notebook with a plain unnamed
ipywidgets slider, an injected unlabelled <input type=range> and grey-on-white text in an output must each
be reported by the audit, while the same unlabelled input put in JupyterLab's own chrome is not (the
scope); a plain table in an output area measures right-aligned; test_browser.py breaks a widget and sees
the widget check fail.

The notebooks run in two tabs (NotebookRunner): while one notebook is checked the next one opens and
starts. Audit results per page go to artifacts/browser/accessibility.json (a failed widget check leaves a
picture of its notebook beside it). See
ACCESSIBILITY.md.
"""

import datetime
import json
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
import yaml

import lab as L
from npm_tools import npm_install

REQUIRED, PROBLEM = L.browser_problem()
if not PROBLEM and not shutil.which("npm"):
    PROBLEM = "npm is missing (it installs axe-core for the accessibility audit): sudo apt-get install npm"
if PROBLEM and not REQUIRED:
    pytest.skip(f"Browser tests skipped: {PROBLEM}", allow_module_level=True)

from ceasefire.manifest import load_course  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.browser]

AXE_VERSION = "4.14.1"
AXE_DIR = Path(sys.prefix) / "axe-core"         # npm folder for axe-core, reused if the version matches
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# What the course puts on a JupyterLab page: rendered Markdown cells and everything in output areas.
COURSE_CONTENT = [".jp-Notebook .jp-MarkdownCell .jp-RenderedMarkdown", ".jp-Notebook .jp-OutputArea-output"]
RESULTS = L.ARTIFACTS / "accessibility.json"

COURSE = load_course(L.ROOT)
LESSONS = [lesson for lesson in COURSE.lessons if lesson.ready]
CLOSING = {lesson.notebook: lesson for lesson in LESSONS}      # notebooks whose last cell closes a lesson
EXERCISE_NOTEBOOKS = [f"exercises/{lesson.slug}.ipynb" for lesson in LESSONS
                      if (L.ROOT / "exercises" / f"{lesson.slug}.ipynb").is_file()]
NOTEBOOKS = [lesson.notebook for lesson in LESSONS] + EXERCISE_NOTEBOOKS
SCRATCH = "scratch/unnamed-controls.ipynb"
FIGURE_SCRATCH = "scratch/one-figure.ipynb"


def install_axe(folder: Path = AXE_DIR) -> Path:
    """axe-core from npm into `folder` (reused when that version is already there); returns axe.min.js."""
    return npm_install("axe-core", AXE_VERSION, folder, "axe-core/axe.min.js")


# Runs axe in the page on the parts `include` names (all of the page if empty) and returns what a
# report needs: each violated rule with its nodes, the rules that passed, and the nodes axe could not decide.
_AUDIT = """async ([include, tags]) => {
  const present = include.filter(s => document.querySelector(s));
  const context = include.length ? {include: present.map(s => [s])} : document;
  if (include.length && !present.length) return {violations: [], incomplete: [], passes: [], empty: true};
  const r = await axe.run(context, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations', 'incomplete'],
                                    elementRef: true});
  const nodes = v => v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 300),
                                        in_figure: !!(n.element && n.element.closest('.js-plotly-plot')),
                                        detached: !!(n.element && !n.element.isConnected),
                                        summary: (n.failureSummary || '').slice(0, 400),
                                        related: [...n.any, ...n.all, ...n.none].flatMap(c => c.relatedNodes || [])
                                                 .map(r => r.target.join(' ')).slice(0, 3)}));
  return {violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: nodes(v)})),
          incomplete: r.incomplete.map(v => ({id: v.id, help: v.help, nodes: nodes(v)})),
          passes: r.passes.map(v => v.id), empty: false}; }"""


def audit(page, axe_script: Path, include=COURSE_CONTENT, attempts: int = 3) -> dict:
    """axe's findings on the page. A finding whose element had left the page by the time axe reported it
    belongs to a figure that redrew during the audit (plotly redraws its axes when the window is resized
    for the audit); where it sat cannot be told, so the audit is run again once the page is still, up to
    `attempts` times. Findings on elements still in the page always count."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # evaluated through the driver, not as a <script>: the instructor pages' CSP forbids inline scripts
        page.evaluate(axe_script.read_text(encoding="utf-8") + "\n;0")
    for _ in range(attempts):
        result = page.evaluate(_AUDIT, [list(include), WCAG_21_AA])
        if not any(n["detached"] for v in result["violations"] + result["incomplete"] for n in v["nodes"]):
            break
        page.wait_for_timeout(500)
    return result


# axe checks colour contrast only on text it finds on screen, and it treats JupyterLab's <body> (height 0,
# overflow hidden, which the browser applies to the viewport instead) as clipping everything: so the
# body gets the viewport's height and the viewport the whole notebook's height while the audit runs.
# Also, axe takes an element's bounding box for where it paints: a plotly line or map outline clipped
# to its plot area (SVG clip-path) still has a box reaching over the text around the figure, and axe
# then cannot tell that text's background ("overlapped by another element"). The figures' drawn
# shapes are hidden while the audit runs (their text, axes and containers stay).
_FIT = """() => { document.documentElement.style.height = '100%'; document.body.style.height = '100%';
  if (!document.getElementById('a11y-audit-style')) { const s = document.createElement('style');
    s.id = 'a11y-audit-style'; s.textContent = '.js-plotly-plot svg path { display: none; }';
    document.head.appendChild(s); }
  const outer = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer');
  return outer ? outer.scrollHeight : 0; }"""
_FITS = """() => { const outer = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer');
  return outer.scrollHeight <= outer.clientHeight + 1; }"""


def audit_notebook(page, axe_script: Path) -> dict:
    """Audit the open notebook's content with all of it on screen."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    size = page.viewport_size
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
    try:
        deadline = time.monotonic() + 20
        while True:   # figures and widgets may relayout once the window is taller: measure again
            height = page.evaluate(_FIT)
            page.set_viewport_size({"width": size["width"], "height": max(size["height"], height + 300)})
            try:
                page.wait_for_function(_FITS, timeout=2_000, polling=100)
                break
            except PlaywrightTimeout:
                assert time.monotonic() < deadline, \
                    "the notebook does not fit on screen: axe would skip the colour contrast below"
        return audit(page, axe_script)
    finally:
        page.evaluate("() => { const s = document.getElementById('a11y-audit-style'); if (s) s.remove(); }")
        page.set_viewport_size(size)


def describe_violations(result: dict) -> str:
    lines = []
    for v in result["violations"]:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        lines += [f"    {n['target']}: {n['html'][:160]}" for n in v["nodes"][:4]]
    return "\n".join(lines)


def violation_count(result: dict) -> int:
    return sum(len(v["nodes"]) for v in result["violations"])


# ---- fixtures -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def axe_script():
    try:
        return install_axe()
    except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
        if REQUIRED:
            pytest.fail(f"axe-core could not be installed: {exc}", pytrace=False)
        pytest.skip(f"Accessibility audit skipped: axe-core could not be installed ({str(exc)[:300]})")


@pytest.fixture(scope="module")
def results():
    """{page: audit summary}, written to artifacts/browser/accessibility.json at the end."""
    found = {}
    yield found
    L.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _scratch_notebook(path: Path, title: str, *sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(f"# Scratch: {title}\n\nOnly the audit's own tests open this.")]
    nb.cells += [nbformat.v4.new_code_cell(source) for source in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def lab(shared_lab):
    """The test process's JupyterLab, with a course copy of this module's own (folder "notebooks")."""
    server = L.course_copy(shared_lab, "notebooks", PROBLEM)
    course = server.course
    _scratch_notebook(course / SCRATCH, "controls without a name",
                      "import ipywidgets\nipywidgets.IntSlider(value=3, max=10)", "print('scratch done')")
    _scratch_notebook(course / FIGURE_SCRATCH, "one figure",
                      "import plotly.graph_objects as go\nfrom ceasefire.display import show\n"
                      "show(go.Figure(go.Bar(x=['a', 'b'], y=[3, 4]), layout_title_text='Two bars'),\n"
                      "     'Two bars, a three high and b four high, shown for the audit.')")
    with server.every_cell_drawn():      # the audit must see, and fit on screen, whole notebooks
        yield server
    server.delete_sessions()


@pytest.fixture(scope="module")
def pages(lab, chromium):
    """Two pages (tabs) of one Chromium context, each with a record of its requests and console errors
    (`watches`, emptied when the tab closes a notebook): the notebook tests use both (NotebookRunner), the
    others the first."""
    context = L.new_context(chromium)
    tabs = [context.new_page(), context.new_page()]
    watches.update({id(tab): L.Watch().attach(tab) for tab in tabs})
    yield tabs
    watches.clear()
    context.close()


watches = {}      # id(page) -> its L.Watch, for the two pages of `pages`


@pytest.fixture(scope="module")
def page(pages):
    return pages[0]


def forget_session(lab, path: str):
    """Shut down the kernel session of `path` in the background (kernels outlive their page)."""
    def delete():
        for session in lab.sessions():
            if session.get("path") == lab.path(path):
                try:
                    lab.api("DELETE", f"sessions/{session['id']}")
                except OSError:
                    pass
    threading.Thread(target=delete, daemon=True).start()


def wait_drawn(page):
    """Figures and widget views render after the kernel is idle: wait until their count is steady and
    every figure is drawn."""
    page.wait_for_function("""() => { const figs = [...document.querySelectorAll('.jp-Notebook .js-plotly-plot')];
        const now = figs.length + ':' + document.querySelectorAll('.jp-Notebook .jupyter-widgets').length;
        const drawn = figs.every(f => f.querySelector('svg.main-svg'));
        const steady = window.__a11ySeen === now; window.__a11ySeen = now;
        return drawn && steady; }""", timeout=60_000, polling=400)


def finish_run(page, notebook: str):
    L.wait_all_executed(page)
    errors = L.error_outputs(page)
    assert not errors, f"{notebook}: error output after Run All:\n{errors[0][:3000]}"
    wait_drawn(page)


def open_and_run_all(page, lab, notebook: str):
    """Open a notebook, Run All, wait until every cell ran and every plotly figure is drawn."""
    lab.wait_no_session(notebook)
    L.open_notebook(page, lab, notebook)
    L.run_all(page)
    finish_run(page, notebook)


class NotebookRunner:
    """Runs the course's notebooks for the audit in two JupyterLab pages: while one page's notebook is
    audited, the other page opens the notebook the next test wants and starts its Run All, so that its
    kernel start and first cells overlap the audit. `upcoming` is the order the tests will ask in."""

    def __init__(self, lab, pages, upcoming):
        self.lab, self.pages, self.upcoming = lab, pages, list(upcoming)
        self.ahead = None            # [notebook, page, started]: opened ahead, Run All issued or not
        self.showing = {}            # page index -> notebook it holds

    def run(self, notebook: str):
        """The page holding `notebook` after Run All, every cell run and every figure drawn."""
        if self.ahead and self.ahead[0] == notebook:
            self.start_ahead()
            page = self.ahead[1]
            self.ahead = None
            finish_run(page, notebook)
            return page
        self.ahead = None                  # opened ahead for nothing (the tests run in another order)
        for page in self.pages:
            self._release(page)
        page = self.pages[0]
        open_and_run_all(page, self.lab, notebook)
        self.showing[0] = notebook
        return page

    def open_next(self, notebook: str):
        """Start opening, in the other page, the notebook the test after this one audits (not waiting)."""
        later = self.upcoming[self.upcoming.index(notebook) + 1:] if notebook in self.upcoming else []
        current = next(i for i, held in self.showing.items() if held == notebook)
        if not later or self.ahead:
            return
        other = self.pages[1 - current]
        self._release(other)
        following = later[0]
        self.lab.wait_no_session(following)
        if other.url.startswith(self.lab.base) and L.loaded_app(other):
            other.evaluate("p => { window.jupyterapp.commands.execute('docmanager:open', {path: p, factory: 'Notebook'}); }",
                           self.lab.path(following))
        else:
            other.goto(self.lab.url(following), wait_until="commit")
        self.showing[1 - current] = following
        self.ahead = [following, other, False]

    def start_ahead(self):
        """Wait until the notebook opened ahead has its kernel, clear its stored outputs, Run All."""
        if self.ahead and not self.ahead[2]:
            notebook, page, _ = self.ahead
            page.wait_for_function("p => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
                                   " return !!(w && w.context && w.context.path === p); }", arg=self.lab.path(notebook),
                                   timeout=90_000)
            page.wait_for_function(L.READY, timeout=90_000, polling=100)
            L.clear_outputs(page)
            L.run_all(page)
            self.ahead[2] = True

    def _release(self, page):
        """Close what the page shows and shut its kernel down."""
        index = self.pages.index(page)
        held = self.showing.pop(index, None)
        L.close_documents(page)
        watches[id(page)].clear()
        if held:
            forget_session(self.lab, held)


@pytest.fixture(scope="module")
def runner(lab, pages, request):
    upcoming = []       # the notebooks in the order this run's tests take them
    for item in request.session.items:
        notebook = getattr(item, "callspec", None) and item.callspec.params.get("ran")
        if notebook and item.module.__name__ == __name__ and notebook not in upcoming:
            upcoming.append(notebook)
    yield NotebookRunner(lab, pages, upcoming)


@dataclass
class Ran:
    notebook: str
    page: object          # the Playwright page holding the notebook after Run All
    seconds: float        # from asking for the notebook to every cell run and every figure drawn

    @property
    def slug(self) -> str:
        return ("exercise-" if self.notebook.startswith("exercises/") else "") + Path(self.notebook).stem


@pytest.fixture(scope="module", params=NOTEBOOKS)
def ran(request, runner):
    """One notebook after its one Run All (error outputs already refused by the runner); while its tests
    look at it, the next notebook opens in the other tab, and its Run All starts when they are done."""
    started = time.perf_counter()
    page = runner.run(request.param)
    done = Ran(request.param, page, time.perf_counter() - started)
    runner.open_next(request.param)
    yield done
    runner.start_ahead()


# ---- the course's notebooks ---------------------------------------------------------------------------

# For each figure shown by display.show(): the figure's container, its role and the text of the element
# its aria-describedby names, beside the visible description under it.
_FIGURES = """() => [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-child')]
  .filter(child => child.querySelector(':scope > .jp-OutputArea-output > .ceasefire-figure-description'))
  .map(child => { const text = child.querySelector('.ceasefire-figure-description');
    const prev = child.previousElementSibling;
    const fig = prev && prev.querySelector('.js-plotly-plot');
    const holder = fig && fig.closest('[role=figure]');
    const described = holder && (holder.getAttribute('aria-describedby') || '').split(/\\s+/)
                                 .map(id => document.getElementById(id)).filter(Boolean);
    return {visible: text.textContent.trim(), figure: !!fig, role: holder ? holder.getAttribute('role') : null,
            label: holder ? holder.getAttribute('aria-label') : null,
            description: described ? described.map(e => e.textContent.trim()).join(' ') : null}; })"""


def figures_as_exposed(page) -> list:
    """(role, name, description) of each role="figure" output, as Chromium's accessibility tree (what a
    screen reader is given) has them, read through the DevTools protocol."""
    cdp = page.context.new_cdp_session(page)
    exposed = []
    try:
        count = page.evaluate("() => document.querySelectorAll('.jp-Notebook .jp-OutputArea-output[role=figure]').length")
        for index in range(count):
            handle = cdp.send("Runtime.evaluate", {"expression":
                              f"document.querySelectorAll('.jp-Notebook .jp-OutputArea-output[role=figure]')[{index}]"})
            nodes = cdp.send("Accessibility.getPartialAXTree", {"objectId": handle["result"]["objectId"],
                                                                 "fetchRelatives": False})["nodes"]
            node = next(n for n in nodes if not n.get("ignored"))
            exposed.append(tuple((node.get(key) or {}).get("value", "") for key in ("role", "name", "description")))
    finally:
        cdp.detach()
    return exposed


def closing_text(lesson):
    """Words the closing cell prints: the start of the lesson's last key point (before any markdown)."""
    return re.split(r"[*_`\[\]<>]", lesson.key_points[-1])[0][:50].strip() or "Key points"


def test_notebook_runs_and_draws_every_figure(ran, lab):
    from playwright.sync_api import expect

    page = ran.page
    if ran.notebook in CLOSING:
        expect(L.last_cell_output(page).filter(has_text=closing_text(CLOSING[ran.notebook]))).to_have_count(1)
    expected = L.expected_from_kernel(page, lab.course / ran.notebook)
    expect(L.plotly_figures(page)).to_have_count(expected.figures, timeout=60_000)
    expect(L.widget_outputs(page)).to_have_count(expected.widgets, timeout=60_000)
    for index in range(expected.widgets):
        assert L.widget_outputs(page).nth(index).locator(".js-plotly-plot").count() == expected.figure_widgets[index]
    page.wait_for_function(f"() => ({L.RENDERED}) === {expected.figures}", timeout=30_000, polling=200)
    print(f"{ran.notebook}: ran in {ran.seconds:.1f} s, {expected.figures} figures, {expected.widgets} widgets")


def test_notebook_content_has_no_wcag_violation(ran, axe_script, results):
    page, notebook = ran.page, ran.notebook
    started = time.perf_counter()
    if notebook.startswith("exercises/"):
        assert page.locator(".jp-Notebook .ceasefire-check").count() > 0, "no check() result is shown to audit"
    result = audit_notebook(page, axe_script)
    assert not result["empty"] and "color-contrast" in result["passes"], "the audit checked no text"
    figures = page.evaluate(_FIGURES)
    results[notebook] = {"violations": violation_count(result), "rules": [v["id"] for v in result["violations"]],
                         "incomplete": {v["id"]: len(v["nodes"]) for v in result["incomplete"]},
                         "figures": len(figures), "run_s": round(ran.seconds, 1),
                         "audit_s": round(time.perf_counter() - started, 1)}
    print(f"{notebook}: {results[notebook]}")
    assert result["violations"] == [], f"{notebook}: WCAG 2.1 A/AA violations in the course's content:\n" \
                                       + describe_violations(result)
    outside = [n["target"] for v in result["incomplete"] for n in v["nodes"] if not n["in_figure"]]
    assert outside == [], f"{notebook}: axe could not decide these (outside plotly's drawings): {outside[:5]}"
    # every figure of display.show(): a role="figure" container described by the text under it, and
    # that is what Chromium's accessibility tree gives a screen reader
    for figure in figures:
        assert figure["figure"], f"a figure description with no figure before it: {figure['visible'][:80]}"
        assert figure["role"] == "figure", f"the figure is not exposed as a figure: {figure['visible'][:80]}"
        assert figure["description"] and figure["description"] in figure["visible"], figure
    exposed = figures_as_exposed(page)
    assert [(role, description) for role, _name, description in exposed] == \
           [("figure", figure["description"]) for figure in figures]
    assert all(name.startswith("Figure") for _role, name, _description in exposed), exposed
    results[notebook]["figures_exposed"] = [name for _role, name, _description in exposed]


# Every table cell in the notebook's outputs: its text, computed text-align, and whether the course made
# its table (ceasefire.display.tables gives headers a scope).
_TABLE_CELLS = """() => [...document.querySelectorAll('.jp-NotebookPanel .jp-OutputArea-output td, '
                                                + '.jp-NotebookPanel .jp-OutputArea-output th')]
  .map(c => ({text: c.textContent.trim().slice(0, 40), align: getComputedStyle(c).textAlign,
              ours: !!c.closest('table').querySelector('th[scope]')}))"""
# A plain table (no course styling) put into an HTML output area: how JupyterLab aligns it; then removed.
_PLAIN_TABLE = """() => { const out = document.querySelector(
    '.jp-NotebookPanel .jp-OutputArea-output.jp-RenderedHTMLCommon:not(.jp-RenderedMarkdown)');
  if (!out) return null;
  const t = document.createElement('table'); t.innerHTML = '<tr><td>plain prose cell</td></tr>';
  out.appendChild(t); const align = getComputedStyle(t.querySelector('td')).textAlign; t.remove(); return align; }"""


def is_prose(text: str) -> bool:
    """Words, not a number or a date: a pandas table of numbers may keep pandas' right alignment."""
    return len(re.findall(r"[^\W\d_]{2,}", text)) >= 2


def test_prose_is_told_from_numbers_and_dates():
    assert is_prose("plain prose cell") and is_prose("Lavrov, Kerry")
    assert not is_prose("2016-07-01") and not is_prose("1,114") and not is_prose("12 %")


def test_every_table_cell_the_course_made_is_left_aligned(ran):
    """JupyterLab 4 right-aligns every cell of HTML output (`:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon
    td`); ceasefire.display.tables overrides it. No cell of a course table, and no cell holding prose (two
    words or more), may compute to right; a table of numbers shown by pandas itself may stay right-aligned
    (lesson 03 teaches filtering with one). Every lesson shows at least one course table."""
    page = ran.page
    cells = page.evaluate(_TABLE_CELLS)
    if ran.notebook in CLOSING:
        assert any(c["ours"] for c in cells), f"{ran.notebook}: no table made by ceasefire.display.tables"
    wrong = [c for c in cells if c["align"] == "right" and (c["ours"] or is_prose(c["text"]))]
    assert not wrong, f"{ran.notebook}: {len(wrong)} of {len(cells)} table cells right-aligned, e.g. {wrong[:3]}"
    # the measurement can fail: in the same page, a table without the course's styling reads right-aligned
    plain = page.evaluate(_PLAIN_TABLE)
    assert plain in ("right", None), f"JupyterLab no longer right-aligns a plain table ({plain}): is the test stale?"
    if ran.notebook in CLOSING:
        assert plain == "right", f"{ran.notebook}: no HTML output to measure a plain table in"


def test_every_widget_drives_its_figure(ran):
    """Each widget's first control, changed as a person would (keyboard or pointer), changes its figure's
    title; test_browser.py proves that a widget whose figure stopped following is caught. When the test
    fails, a picture of the whole notebook goes to artifacts/browser/."""
    page = ran.page
    changes = []
    try:
        for index in range(L.widget_outputs(page).count()):
            change = L.change_widget(page, L.widget_outputs(page).nth(index))
            assert change.title_after != change.title_before
            changes.append(change)
        assert not L.error_outputs(page), "a widget change produced an error output"
        if ran.notebook in CLOSING:
            assert changes, f"{ran.notebook}: a lesson without a widget to drive"
        watches[id(page)].assert_clean()
    except AssertionError:
        L.screenshot_notebook(page, L.ARTIFACTS / f"{ran.slug}.png")
        raise
    print(f"{ran.slug}: " + "; ".join(f"{c.control} {c.label!r} {c.before!r} -> {c.after!r}: "
                                      f"{c.title_before!r} -> {c.title_after!r}" for c in changes))


# ---- answering an exercise, and the progress it leaves -------------------------------------------------

KEYS = yaml.safe_load((L.ROOT / "solutions" / "keys.yml").read_text(encoding="utf-8"))
# Kinds whose answer is one literal value and whose known wrong answers are listed in keys.yml.
TYPED_KINDS = ("choice", "number", "date", "month", "text")
ANSWER_LINE = re.compile(r"^answer = \.\.\.\s*$", re.M)


def _literal(value) -> str:
    if isinstance(value, (datetime.date, datetime.datetime)):
        value = value.isoformat()
    return repr(value)


def pick_question(notebook: Path):
    """The first answer cell (`answer = ...` then `check("qNN.k", answer)`) whose question takes one
    typed value and has a known wrong answer with its own hint."""
    nb = nbformat.read(notebook, as_version=4)
    for index, cell in enumerate(nb.cells):
        match = re.search(r'check\("(q\d\d\.\d+)", answer\)', cell.source) if cell.cell_type == "code" else None
        if not match or not ANSWER_LINE.search(cell.source):
            continue
        key = KEYS.get(match.group(1), {})
        wrong = [w for w in key.get("wrong", []) if "answer" in w and "hint" in w]
        if key.get("kind") in TYPED_KINDS and wrong:
            def fill(value, source=cell.source):
                return ANSWER_LINE.sub(lambda _: f"answer = {_literal(value)}", source, count=1)
            return index, match.group(1), fill(wrong[0]["answer"]), wrong[0]["hint"], fill(key["answer"])
    raise AssertionError(f"{notebook.name}: no answer cell with a typed answer and a known wrong one")


def answer_one_question(page, lab, notebook: str, answered: dict) -> str:
    """In the open exercise notebook, whose cells above the answer cell have run: type a known wrong
    answer and run the cell from the keyboard (its hint shows), then the right one ("Correct")."""
    from playwright.sync_api import expect

    index, qid, wrong_source, hint, right_source = pick_question(lab.course / notebook)
    feedback = L.cell(page, index).locator(".ceasefire-check")
    L.type_into_cell(page, index, wrong_source)
    L.run_cell_with_keyboard(page)
    expect(feedback).to_have_class(re.compile(r"\bceasefire-incorrect\b"), timeout=30_000)
    expect(feedback).to_contain_text(f"{qid}: Not yet.")
    expect(feedback).to_contain_text(hint)

    L.type_into_cell(page, index, right_source)
    L.run_cell_with_keyboard(page)
    expect(feedback).to_have_class(re.compile(r"\bceasefire-correct\b"), timeout=30_000)
    expect(feedback).to_contain_text(f"{qid}: Correct.")
    answered[qid] = True
    assert not L.error_outputs(page)
    return qid


@pytest.fixture(scope="module")
def answered():
    """question id -> True for every question a test answered correctly (read by the progress test)."""
    return {}


@pytest.mark.parametrize("ran", EXERCISE_NOTEBOOKS, indirect=True)
def test_an_answer_gets_its_hint_then_correct(ran, lab, answered):
    """After the exercise's Run All (its answer cells show their not-answered feedback), as a student would."""
    answer_one_question(ran.page, lab, ran.notebook, answered)
    watches[id(ran.page)].assert_clean()


def test_progress_view_counts_the_answers(page, lab, answered):
    if not answered:   # the exercise tests were deselected: answer one here so there is something to count
        index = pick_question(lab.course / EXERCISE_NOTEBOOKS[0])[0]
        L.open_notebook(page, lab, EXERCISE_NOTEBOOKS[0])
        L.run_above(page, index)
        answer_one_question(page, lab, EXERCISE_NOTEBOOKS[0], answered)
    # Open the start-here lesson and run its first cell (imports) and the progress cell, as a person would.
    start = LESSONS[0]
    cells = nbformat.read(lab.course / start.notebook, as_version=4).cells
    first = next(i for i, c in enumerate(cells) if c.cell_type == "code")
    shows_progress = [i for i, c in enumerate(cells) if c.cell_type == "code" and "Your progress" in json.dumps(
        [o.get("data", {}).get(L.PLOTLY_MIME, {}).get("layout", {}).get("title") for o in c.get("outputs", [])])]
    assert shows_progress, f"{start.notebook} has no cell showing the progress figure"
    L.open_notebook(page, lab, start.notebook)
    L.run_cells(page, [first, shows_progress[0]])
    total = sum(1 for key in KEYS.values() if key.get("lesson") in {lesson.slug for lesson in COURSE.lessons})
    progress = json.loads(lab.progress.read_text(encoding="utf-8"))["questions"]
    recorded = sorted(q for q, entry in progress.items() if entry["status"] == "correct")
    assert recorded == sorted(answered), "the progress file does not hold exactly the answers given"
    title = page.locator(".jp-Notebook .js-plotly-plot .gtitle", has_text="Your progress")
    from playwright.sync_api import expect
    expect(title).to_have_text(f"Your progress: {len(answered)} of {total} questions correct", timeout=30_000)
    L.close_documents(page)
    forget_session(lab, start.notebook)


# ---- the instructor's pages ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def instructor_pages(tmp_path_factory):
    """The feedback page and the class report as test_feedback_page.py builds them, as files."""
    from test_feedback_page import CLASS, KEYS, LESSON, RESULT, _row
    from ceasefire.instructor.compile_keys import read_plain
    from ceasefire.instructor.feedback import feedback_html
    from ceasefire.instructor.report import render

    folder = tmp_path_factory.mktemp("instructor-pages")
    (folder / "feedback.html").write_text(feedback_html([RESULT], "Reading a ceasefire column"), encoding="utf-8")
    rows = [_row(s, q, 1.0 if st == "correct" else 0.0, st, "", h) for s, q, st, h in CLASS]
    plain = read_plain(L.ROOT / "solutions" / "keys.yml")
    (folder / "report.html").write_text(render(rows, KEYS, plain, {LESSON: "03 Why the February truce failed"}),
                                        encoding="utf-8")
    return folder


@pytest.mark.parametrize("name", ["feedback.html", "report.html"])
def test_instructor_page_has_no_wcag_violation(page, axe_script, results, instructor_pages, name):
    page.goto((instructor_pages / name).as_uri(), wait_until="load")
    if name == "report.html":
        page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3")
    result = audit(page, axe_script, include=[])
    assert result["passes"], "the audit checked nothing"
    results[name] = {"violations": violation_count(result), "rules": [v["id"] for v in result["violations"]],
                     "incomplete": {v["id"]: len(v["nodes"]) for v in result["incomplete"]}}
    print(f"{name}: {results[name]}")
    assert result["violations"] == [], f"{name}: WCAG 2.1 A/AA violations:\n" + describe_violations(result)


# ---- the audit must be able to fail --------------------------------------------------------------------

_INJECT = """([where, html]) => { const host = document.querySelector(where);
  const box = document.createElement('div'); box.className = 'a11y-injected'; box.innerHTML = html;
  host.appendChild(box); }"""


def test_the_audit_reports_unnamed_controls_and_low_contrast(page, lab, axe_script):
    open_and_run_all(page, lab, SCRATCH)
    # a plain ipywidgets slider, displayed with no description: its handle has no accessible name
    plain = audit_notebook(page, axe_script)
    assert "aria-input-field-name" in {v["id"] for v in plain["violations"]}, describe_violations(plain)

    # an unlabelled range input and grey-on-white text put into an output area are both reported
    page.evaluate(_INJECT, [".jp-Notebook .jp-CodeCell:last-child .jp-OutputArea-output",
                            '<input type="range" min="0" max="9"><span style="color:#bbbbbb">faint text</span>'])
    injected = audit_notebook(page, axe_script)
    caught = {v["id"]: [n["html"] for n in v["nodes"]] for v in injected["violations"]}
    assert any('type="range"' in h for h in caught.get("label", [])), describe_violations(injected)
    assert any("faint text" in h for h in caught.get("color-contrast", [])), (describe_violations(injected), injected["incomplete"])

    # the same control in JupyterLab's own interface (outside the course's content) is out of scope
    page.evaluate("() => document.querySelectorAll('.a11y-injected').forEach(e => e.remove())")
    page.evaluate(_INJECT, ["#jp-top-panel", '<input type="range" min="0" max="9">'])
    scoped = audit(page, axe_script)
    assert not any('type="range"' in h for v in scoped["violations"] for n in v["nodes"] for h in [n["html"]])
    whole = audit(page, axe_script, include=[])
    assert any('type="range"' in n["html"] for v in whole["violations"] for n in v["nodes"]), "not on the page"
    L.close_documents(page)
    forget_session(lab, SCRATCH)


def test_a_saved_notebook_reopens_with_its_figure_named(page, lab, axe_script):
    """JupyterLab trusts the outputs of a notebook it saved: reopened, the figure is named again, and the
    still image that jupyterlab-plotly saved with it (shown until the mouse reaches the figure) is
    marked decorative; without that, it would be an <img> with no alt text."""
    open_and_run_all(page, lab, FIGURE_SCRATCH)
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty")
    saved = json.loads((lab.course / FIGURE_SCRATCH).read_text(encoding="utf-8"))
    assert any("image/png" in o.get("data", {}) for c in saved["cells"] for o in c.get("outputs", []))
    L.close_documents(page)
    forget_session(lab, FIGURE_SCRATCH)
    L.open_notebook(page, lab, FIGURE_SCRATCH, clear=False)
    still = page.locator(".jp-Notebook .jp-OutputArea-output[role=figure] img.plot-img")
    from playwright.sync_api import expect
    expect(still).to_be_visible()
    expect(still).to_have_attribute("alt", "")
    assert [(role, description) for role, _name, description in figures_as_exposed(page)] == [
        ("figure", "Figure description. Two bars, a three high and b four high, shown for the audit.")]
    result = audit_notebook(page, axe_script)
    assert result["violations"] == [], describe_violations(result)
    L.close_documents(page)
    forget_session(lab, FIGURE_SCRATCH)
