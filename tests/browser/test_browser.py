"""Answering exercises in a real browser: JupyterLab (from this environment) + headless Debian Chromium via
Playwright.

The test process's JupyterLab (conftest's `shared_lab`) serves this module a temporary copy of the course
of its own (folder "browser"). Every test opens notebooks in the module's one page and shuts its kernels
down afterwards. For one question per exercise notebook: a typed wrong answer gets its hint, the right one
"Correct"; then the start-here progress figure counts those answers. Finally a copy of a lesson with a
deliberately disconnected widget proves that the widget check of test_notebooks_in_lab.py (which runs
every notebook once and drives every widget) fails when a figure stops following its widget. Nothing is
fetched from outside the machine and no console error is logged.

Screenshots go to artifacts/browser/. Where /usr/bin/chromium is missing the module is skipped (one
line); with CEASEFIRE_REQUIRE_BROWSER=1 (CI) that is an error instead.
"""

import ast
import datetime
import json
import re

import nbformat
import pytest
import yaml

import lab as L

REQUIRED, PROBLEM = L.browser_problem()
if PROBLEM and not REQUIRED:
    pytest.skip(f"Browser tests skipped: {PROBLEM}", allow_module_level=True)

from ceasefire.manifest import load_course  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.browser]

COURSE = load_course(L.ROOT)
LESSONS = [lesson for lesson in COURSE.lessons if lesson.ready]
EXERCISES = [lesson for lesson in LESSONS if (L.ROOT / "exercises" / f"{lesson.slug}.ipynb").is_file()]
KEYS = yaml.safe_load((L.ROOT / "solutions" / "keys.yml").read_text(encoding="utf-8"))
# Kinds whose answer is one literal value and whose known wrong answers are listed in keys.yml.
TYPED_KINDS = ("choice", "number", "date", "month", "text")
BROKEN_LESSON = LESSONS[0]          # the start-here lesson: its copy gets a disconnected widget
BROKEN_FOLDER = "broken"            # inside the temp course, beside lessons/ (the notebook finds course.yml)
ANSWER_LINE = re.compile(r"^answer = \.\.\.\s*$", re.M)


# ---- fixtures ---------------------------------------------------------------------------------------

# Appended to the broken copy: what the kernel sees of the widget's first control and of its figure.
PROBE_SOURCE = """from plotly.basewidget import BaseFigureWidget
def _walk(w):
    yield w
    for child in getattr(w, 'children', ()):
        yield from _walk(child)
_control = next(c for c in _walk(_w) if hasattr(c, 'options') or hasattr(c, 'min'))
_figure = next(c for c in _walk(_w) if isinstance(c, BaseFigureWidget))
print(f"kernel sees: control={_control.value!r} | figure title={_figure.layout.title.text!r}")"""


def _break_widget_cell(nb):
    """Make the lesson's first widget stop updating its figure: build it, then remove the 'value'
    observers (the figure callbacks) of every control inside it, and display it as before. The cells
    after it are dropped (not needed here)."""
    for number, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and any(L.WIDGET_MIME in o.get("data", {}) for o in cell.get("outputs", [])):
            body = ast.parse(cell.source).body
            expr = ast.get_source_segment(cell.source, body[-1])
            head = "\n".join(ast.get_source_segment(cell.source, stmt) for stmt in body[:-1])
            cell.source = (f"{head}\n_w = {expr}\n"
                           "def _disconnect(w):   # deliberately broken copy: the controls no longer reach the figure\n"
                           "    for child in getattr(w, 'children', ()):\n"
                           "        if hasattr(child, 'options') or hasattr(child, 'min'):\n"
                           "            child.unobserve_all('value')\n"
                           "        _disconnect(child)\n"
                           "_disconnect(_w)\n_w").lstrip()
            nb.cells = nb.cells[:number + 1] + [nbformat.v4.new_code_cell(PROBE_SOURCE)]
            return nb
    raise AssertionError(f"{BROKEN_LESSON.notebook} shows no widget to break")


@pytest.fixture(scope="module")
def lab(shared_lab):
    server = L.course_copy(shared_lab, "browser", PROBLEM)
    course = server.course
    broken = _break_widget_cell(nbformat.read(course / BROKEN_LESSON.notebook, as_version=4))
    (course / BROKEN_FOLDER).mkdir()
    nbformat.write(broken, course / BROKEN_FOLDER / f"{BROKEN_LESSON.slug}.ipynb")
    yield server
    server.delete_sessions()


@pytest.fixture(scope="module")
def browser_page(lab, chromium):
    """One Chromium page for the module: JupyterLab loads once and notebooks open in it one by one."""
    context = L.new_context(chromium)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture()
def page(browser_page, lab, request):
    """The module's page with a fresh record of its requests and console errors for this test. After
    the test its kernels are shut down (in the background); after a failure JupyterLab is reloaded."""
    failed_before = request.session.testsfailed
    watch = L.Watch().attach(browser_page)
    yield browser_page, watch
    watch.detach(browser_page)
    if request.session.testsfailed != failed_before:
        browser_page.goto("about:blank")   # whatever state the failure left, the next test starts clean
    else:
        # Close the notebooks before their kernels go: a FigureWidget view whose kernel is gone logs
        # "Could not send widget sync message" when the page relayouts.
        L.close_documents(browser_page)
    lab.delete_sessions(wait=False)


@pytest.fixture(scope="module")
def answered():
    """question id -> True for every question a test answered correctly (read by the progress test)."""
    return {}


def assert_page_clean(watch):
    offsite = watch.offsite()
    assert not offsite, f"requests left the machine: {offsite[:5]}"
    errors = watch.errors()
    assert not errors, f"console errors: {errors[:5]}"


# ---- exercises and progress -------------------------------------------------------------------------

def _literal(value) -> str:
    if isinstance(value, (datetime.date, datetime.datetime)):
        value = value.isoformat()
    return repr(value)


def pick_question(notebook):
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


def answer_one_exercise(page, lab, lesson, answered):
    from playwright.sync_api import expect

    notebook = f"exercises/{lesson.slug}.ipynb"
    index, qid, wrong_source, hint, right_source = pick_question(lab.course / notebook)
    L.open_notebook(page, lab, notebook)
    L.run_above(page, index)
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
    L.cell(page, index).screenshot(path=str(L.ARTIFACTS / f"exercise-{lesson.slug}.png"))
    assert not L.error_outputs(page)
    return qid


@pytest.mark.parametrize("lesson", EXERCISES, ids=[lesson.slug for lesson in EXERCISES])
def test_exercise_gives_a_hint_then_correct(page, lab, lesson, answered):
    page, watch = page
    answer_one_exercise(page, lab, lesson, answered)
    assert_page_clean(watch)


def test_progress_view_counts_the_answers(page, lab, answered):
    page, watch = page
    if not answered:   # the exercise tests were deselected: answer one here so there is something to count
        answer_one_exercise(page, lab, EXERCISES[0], answered)
        lab.delete_sessions()
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
    title.scroll_into_view_if_needed()
    page.locator(".jp-Notebook .js-plotly-plot", has=page.locator(".gtitle", has_text="Your progress")).screenshot(
        path=str(L.ARTIFACTS / "progress.png"))
    assert_page_clean(watch)


# ---- the widget check itself must be able to fail ---------------------------------------------------

def test_a_widget_that_stops_updating_its_figure_is_caught(page, lab):
    """Same helper as the lesson tests, on a copy of the start-here lesson whose widget controls were
    disconnected from the figure after it was built: the control moves, the figure must not."""
    from playwright.sync_api import expect

    page, watch = page
    L.open_notebook(page, lab, f"{BROKEN_FOLDER}/{BROKEN_LESSON.slug}.ipynb")
    L.run_all(page)
    L.wait_all_executed(page)
    assert not L.error_outputs(page)
    widget = L.widget_outputs(page).first
    expect(widget.locator(".js-plotly-plot .gtitle")).to_have_count(1, timeout=60_000)
    probe = L.cell(page, -1).locator(".jp-OutputArea-output")
    seen_before = probe.text_content()

    with pytest.raises(L.FigureDidNotChange) as caught:
        L.change_widget(page, widget, timeout=5_000)
    assert "moved from" in str(caught.value) and "title stayed" in str(caught.value)

    # Not a matter of waiting too little: the kernel has the new value, its figure kept the old title.
    L.run_cells(page, [page.locator(".jp-Notebook .jp-Cell").count() - 1])
    seen_after = probe.text_content()
    control = re.compile(r"control=(.*) \| figure title=(.*)")
    (value_before, title_before), (value_after, title_after) = (control.search(t).groups() for t in (seen_before, seen_after))
    assert value_after != value_before, f"the change never reached the kernel: {seen_after}"
    assert title_after == title_before
    assert_page_clean(watch)
