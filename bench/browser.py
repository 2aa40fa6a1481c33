"""Browser benchmark: the course in JupyterLab + headless Debian Chromium (prints numbers, asserts nothing).

Per ready lesson of course.yml, measured in the page (performance.now(), so no Playwright round trips):
1. "Run All" -> last figure rendered: from issuing notebook:run-all-cells (fresh kernel, outputs
   cleared) until every code cell has run and every plotly figure the lesson shows (stored plotly outputs
   + FigureWidgets inside its widgets) has drawn its SVG;
2. widget change -> figure updated: the first control of the lesson's first widget is changed N times
   as a person would (arrow key on a slider handle, another option in a dropdown); milliseconds from
   the keydown/change event to the figure's new title text in the DOM. Median, min, max.

Uses the helpers of the browser tests (tests/browser/lab.py): a private JupyterLab on 127.0.0.1 serving
a temporary copy of the course. Needs /usr/bin/chromium (sudo apt-get install chromium).

    .venv/bin/python bench/browser.py [--changes 10] [--lessons 00-start-here,03-february-failure]
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))
import lab as L  # noqa: E402

# Resolves (and records the page time) once every code cell has run and `n` figures have drawn.
_DONE = """n => { const w = window.jupyterapp.shell.currentWidget;
  const k = w.sessionContext.session && w.sessionContext.session.kernel;
  const code = w.content.widgets.filter(c => c.model.type === 'code');
  const ran = k && k.status === 'idle' && code.every(c => c.model.executionCount !== null);
  const drawn = [...document.querySelectorAll('.jp-Notebook .js-plotly-plot')].filter(p => {
      const s = p.querySelector('svg.main-svg'); return s && s.getAttribute('width') > 0; }).length;
  if (ran && drawn >= n) { window.__benchDone = window.__benchDone || performance.now(); return true; }
  return false; }"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--changes", type=int, default=10, help="widget changes per lesson (default 10)")
    parser.add_argument("--lessons", default="", help="comma-separated slugs (default: every ready lesson)")
    args = parser.parse_args(argv)
    if not L.CHROMIUM.exists():
        print(f"Browser benchmark skipped: {L.chromium_missing_message()}")
        return 1
    from playwright.sync_api import sync_playwright
    from ceasefire.manifest import load_course

    lessons = [lesson for lesson in load_course(L.ROOT).lessons if lesson.ready]
    if args.lessons:
        wanted = set(args.lessons.split(","))
        lessons = [lesson for lesson in lessons if lesson.slug in wanted]
    rows = []
    with tempfile.TemporaryDirectory(prefix="ceasefire-bench-browser-") as tmp:
        tmp = Path(tmp)
        course = L.copy_course(tmp / "course")
        env = L.lab_env(tmp / "derive", tmp / "derive" / "progress.json")
        expected = {lesson.slug: L.expected_outputs(course / lesson.notebook, env) for lesson in lessons}
        lab = L.start_lab(course, tmp / "home")
        print(f"JupyterLab server up in {lab.started_in:.1f} s")
        try:
            with sync_playwright() as playwright:
                start = time.perf_counter()
                context = L.launch(playwright, tmp / "profile")
                page = context.pages[0] if context.pages else context.new_page()
                print(f"Chromium launched in {time.perf_counter() - start:.1f} s")
                for number, lesson in enumerate(lessons):
                    exp = expected[lesson.slug]
                    start = time.perf_counter()
                    L.open_notebook(page, lab, lesson.notebook)
                    opened = time.perf_counter() - start
                    page.evaluate("() => { window.__benchDone = null; }")
                    t0 = L.run_all(page)
                    page.wait_for_function(_DONE, arg=exp.figures, polling="raf", timeout=180_000)
                    run_ms = page.evaluate("() => window.__benchDone") - t0
                    errors = L.error_outputs(page)
                    times, control = [], ""
                    if exp.widgets:
                        widget = L.widget_outputs(page).first
                        for _ in range(args.changes):
                            change = L.change_widget(page, widget)
                            control = f"{change.control} {change.label}"
                            if change.ms is not None:
                                times.append(change.ms)
                    rows.append((lesson.slug, "first" if number == 0 else "", opened, run_ms, exp.figures, control,
                                 times, len(errors)))
                    L.close_documents(page)
                    lab.delete_sessions(wait=False)
                context.close()
        finally:
            lab.stop()

    print()
    print(f"{'lesson':24} {'open s':>7} {'run all -> last figure ms':>26} {'figures':>8}  "
          f"{'widget control':24} {'n':>3} {'median ms':>10} {'min':>7} {'max':>7}  errors")
    for slug, first, opened, run_ms, figures, control, times, errors in rows:
        stats = (f"{len(times):3d} {statistics.median(times):10.1f} {min(times):7.1f} {max(times):7.1f}"
                 if times else f"{0:3d} {'-':>10} {'-':>7} {'-':>7}")
        print(f"{slug:24} {opened:7.1f} {run_ms:26.0f} {figures:8d}  {control[:24]:24} {stats}  {errors}")
    all_times = [t for row in rows for t in row[6]]
    if all_times:
        print(f"{'all widget changes':24} {'':7} {'':26} {'':8}  {'':24} {len(all_times):3d} "
              f"{statistics.median(all_times):10.1f} {min(all_times):7.1f} {max(all_times):7.1f}")
    print("(open s: notebook opened until its kernel is connected and idle; the first lesson includes loading"
          " JupyterLab in the page)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
