"""The instructor's pages in a real browser (Debian Chromium via Playwright, as test_browser.py launches
it): a student's HTML feedback page and the class report, each served from a loopback HTTP server.

Checked: nothing is requested from outside the machine, no console or page error (a request the pages'
Content-Security-Policy blocked would log one), the parts render (status badges coloured, the tamper
diff, the reflection and rubric; the report's three plotly figures drawn, with one bar per known wrong
answer in the misconception figure). Screenshots go to artifacts/browser/.
"""

import functools
import http.server
import threading

import pytest

import lab as L

REQUIRED, PROBLEM = L.browser_problem()
if PROBLEM and not REQUIRED:
    pytest.skip(f"Browser tests skipped: {PROBLEM}", allow_module_level=True)

from ceasefire.instructor.feedback import feedback_html  # noqa: E402
from ceasefire.instructor.grade import GRADEBOOK_COLUMNS, Result  # noqa: E402
from ceasefire.checking.keys import load_keys  # noqa: E402
from ceasefire.instructor.compile_keys import read_plain  # noqa: E402
from ceasefire.instructor.report import analyse, render  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.browser]

LESSON = "03-february-failure"
KEYS = load_keys()


def _row(student, question, score, status, reason="", hint="", top=1):
    return dict(zip(GRADEBOOK_COLUMNS, (student, f"{LESSON}.ipynb", LESSON, question, score, top, status, reason, hint)))


RESULT = Result(
    student="ben", submission=f"{LESSON}.ipynb", lesson=LESSON,
    rows=[_row("ben", "q03.1", 0.0, "incorrect", KEYS["q03.1"]["wrong"][0]["hint"], "w1"),
          _row("ben", "q03.2", 1.0, "correct"),
          _row("ben", "q03.6", 0.667, "partial", "2 of the 3 right options chosen."),
          _row("ben", "q03.7", 0.0, "not run", "the notebook stopped before this question: the 60 s time limit"),
          _row("ben", "r03", 3.0, "marked", "Good use of the record; cite a second paragraph.", top=4)],
    tamper=["markdown cell 3 ('### Question q03.1') was edited"],
    tamper_diff="--- released cell 3\n+++ submitted cell 3\n@@ -1 +1 @@\n-every 25 minutes\n+every 30 minutes\n",
    run=["Cell 7 raised ValueError: my own bug", "Stopped while running cell 15 (question q03.7): the 60 s time limit was reached."],
    reflection="The shelling began on 13 February <before> the truce & the record's causes differ [P09].")

CLASS = [  # (student, question, status, hint)
    ("a", "q03.1", "incorrect", "w1"), ("b", "q03.1", "incorrect", "w1"), ("c", "q03.1", "incorrect", "w2"),
    ("a", "q03.8", "incorrect", "w1"), ("b", "q03.8", "correct", ""), ("c", "q03.8", "correct", ""),
    ("a", "q03.2", "correct", ""), ("b", "q03.2", "correct", ""), ("c", "q03.2", "incorrect", "w2"),
]


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("site")
    (folder / "ben.html").write_text(feedback_html([RESULT]), encoding="utf-8")
    rows = [_row(s, q, 1.0 if st == "correct" else 0.0, st, "", h) for s, q, st, h in CLASS]
    plain = read_plain(L.ROOT / "solutions" / "keys.yml")
    (folder / "report.html").write_text(render(rows, KEYS, plain, {LESSON: "03 Why the February truce failed"}),
                                        encoding="utf-8")
    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"url": f"http://127.0.0.1:{server.server_address[1]}", "rows": rows}
    server.shutdown()


@pytest.fixture(scope="module")
def browser(chromium):
    """A context of its own in the test process's Chromium."""
    context = L.new_context(chromium)
    yield context
    context.close()


def _open(browser, url):
    page = browser.new_page()
    watch = L.Watch().attach(page)
    page.goto(url, wait_until="load")
    return page, watch


def test_feedback_page_renders_offline(browser, site):
    page, watch = _open(browser, f"{site['url']}/ben.html")
    assert page.title() == "Feedback for ben"
    # the four checked questions (the reflection's mark is shown under it) and the four rubric levels
    assert page.locator("section.submission tbody tr").count() == 4 + 4
    badge = page.locator("span.status", has_text="incorrect").first
    assert badge.is_visible()
    assert badge.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(213, 94, 0)"   # Okabe-Ito vermilion
    assert page.locator("pre.diff span.del").inner_text() == "-every 25 minutes"
    assert page.locator("pre.diff span.add").inner_text() == "+every 30 minutes"
    assert "<before>" in page.locator(".reflection").inner_text()          # the student's text, escaped, not markup
    assert "Mark: 3 of 4" in page.inner_text("body")
    assert "ValueError: my own bug" in page.inner_text("body")
    L.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(L.ARTIFACTS / "feedback-page.png"), full_page=True)
    assert watch.offsite() == [] and watch.errors() == []
    assert all(u.startswith(site["url"]) for u in watch.requests)
    page.close()


def test_class_report_draws_every_figure_offline(browser, site):
    page, watch = _open(browser, f"{site['url']}/report.html")
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3", timeout=30_000)
    assert page.locator("figure.report-figure").count() == 3
    for number in (1, 2, 3):
        assert page.locator(f"#desc{number}").inner_text().strip()
    misconceptions = sum(len(q.misconceptions) for q in analyse(site["rows"], KEYS, {}).values())
    assert misconceptions == 4
    assert page.locator("#figure-3 .bars .point").count() == misconceptions
    assert page.locator("#figure-2 .bars .point").count() == 3                 # one bar per question
    page.screenshot(path=str(L.ARTIFACTS / "class-report.png"), full_page=True)
    assert watch.offsite() == [] and watch.errors() == []
    assert all(u.startswith(site["url"]) or u.startswith(("data:", "blob:")) for u in watch.requests)
    page.close()
