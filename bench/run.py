"""Course benchmarks: print figures, assert nothing (`make bench`).

1. Wall time to execute every course notebook top to bottom in a fresh kernel (what a student's
   "Restart and Run All" costs, plus kernel start-up), per notebook and in total.
2. Latency of one answer check (`ceasefire.checks.evaluate`), right and wrong answers of every question.
4. Grading throughput: the same class of correct submissions graded with one and with two workers.
3. Widget callback latency in a real kernel: for every widget a lesson shows, the first control found in
   it is moved through its values; milliseconds from setting the value to the callback having updated
   the figure (observe callbacks run synchronously; comm messages are sent as in JupyterLab).
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

from ceasefire.notebooks import course_notebooks, execute


def time_notebooks(repeat: int):
    rows = []
    for path in course_notebooks():
        runs = []
        for _ in range(repeat):
            start = time.perf_counter()
            execute(path)
            runs.append(time.perf_counter() - start)
        rows.append((path, runs))
    return rows


def check_latency(rounds: int = 200):
    """Median and 95th-percentile milliseconds of one evaluate() call over every question's answers."""
    from ceasefire.keys import read_plain
    from ceasefire.checks import evaluate
    import plotly.graph_objects as go

    plain = read_plain(Path("solutions/keys.yml"))
    cases = []
    for qid, spec in plain.items():
        if spec["kind"] == "figure":
            cases.append((qid, go.Figure(go.Bar(x=spec["answer"]["x"], y=spec["answer"]["y"]))))
        else:
            cases.append((qid, spec["answer"]))
            cases += [(qid, w["answer"]) for w in spec.get("wrong", []) if "answer" in w]
    times = []
    for _ in range(rounds):
        for qid, answer in cases:
            start = time.perf_counter()
            evaluate(qid, answer)
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return len(cases), len(times), statistics.median(times), times[int(len(times) * 0.95)]


MEASURE = """
import json as _json, statistics as _st, time as _time, ipywidgets as _W
def _controls(widget):
    found = []
    for child in getattr(widget, "children", ()):
        if isinstance(child, (_W.Dropdown, _W.SelectionSlider, _W.IntSlider, _W.FloatSlider, _W.RadioButtons, _W.ToggleButtons)):
            found.append(child)
        found += _controls(child)
    return found
_report = []
for _name, _widget in _bench_widgets:
    _control = _controls(_widget)[0]
    if hasattr(_control, "index") and _control.options:
        _steps = [("index", i % len(_control.options)) for i in range(1, 21)]
    else:
        _lo, _hi = _control.min, _control.max
        _steps = [("value", _lo + (_hi - _lo) * (i % 10) / 10) for i in range(1, 21)]
        if isinstance(_control, _W.IntSlider):
            _steps = [(a, int(v)) for a, v in _steps]
    _times = []
    for _attr, _v in _steps:
        _t = _time.perf_counter(); setattr(_control, _attr, _v); _times.append((_time.perf_counter() - _t) * 1000)
    _report.append([_name, type(_widget).__name__, _control.description, _st.median(_times), max(_times)])
print(_json.dumps(_report))
"""


def widget_latency():
    """Run each lesson in a kernel with its widgets bound to names, then move their controls."""
    import json
    import nbformat
    from nbclient import NotebookClient
    from ceasefire.manifest import load_course

    results = []
    for lesson in load_course().lessons:
        if not lesson.ready:
            continue
        nb = nbformat.read(lesson.notebook, as_version=4)
        cells, names = [], []
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            source = cell.source
            if "nbval-ignore-output" in cell.metadata.get("tags", []):
                lines = source.rstrip().splitlines()
                name = f"_bench_w{len(names)}"
                lines[-1] = f"{name} = {lines[-1]}"
                source = "\n".join(lines)
                names.append(name)
            cells.append(nbformat.v4.new_code_cell(source))
        if not names:
            continue
        cells.append(nbformat.v4.new_code_cell(
            "_bench_widgets = [" + ", ".join(f"({n!r}, {n})" for n in names) + "]\n" + MEASURE))
        run = nbformat.v4.new_notebook(cells=cells)
        NotebookClient(run, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": str(Path(lesson.notebook).parent)}}).execute()
        output = "".join(o.get("text", "") for o in run.cells[-1].outputs if o.get("name") == "stdout")
        for _, widget, control, median, worst in json.loads(output):
            results.append((lesson.slug, widget, control, median, worst))
    return results


def grading_throughput(students: int = 8):
    """Seconds to grade `students` correct submissions of lesson 03 with --jobs 1 and --jobs 2."""
    import tempfile
    sys.path.insert(0, str(Path("tests").resolve()))
    from adversarial import LESSON, filled  # the test suite's submission builder
    import nbformat
    from ceasefire.grade import Limits, grade

    out = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for n in range(students):
            folder = Path(tmp) / "subs" / f"student{n:02d}"
            folder.mkdir(parents=True)
            nbformat.write(filled(), folder / f"{LESSON}.ipynb")
            paths.append(folder / f"{LESSON}.ipynb")
        for jobs in (1, 2):
            target = Path(tmp) / f"gradebook-{jobs}.csv"
            start = time.perf_counter()
            grade(paths, Path.cwd(), target, Path(tmp) / f"feedback-{jobs}", jobs=jobs, limits=Limits(),
                  forbidden=[Path("solutions").resolve()], log=lambda *_: None)
            out.append((jobs, time.perf_counter() - start))
    return students, out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs per notebook (default 3)")
    args = parser.parse_args(argv)
    rows = time_notebooks(args.repeat)
    root = Path.cwd()
    print(f"Notebook execution, fresh kernel each run, {args.repeat} run(s) per notebook")
    print(f"{'notebook':45} {'median s':>9} {'min s':>7} {'max s':>7}")
    for path, runs in rows:
        name = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
        print(f"{name:45} {statistics.median(runs):9.2f} {min(runs):7.2f} {max(runs):7.2f}")
    total = sum(statistics.median(runs) for _, runs in rows)
    print(f"{'total (sum of medians)':45} {total:9.2f}")
    print()
    cases, calls, median, p95 = check_latency()
    print(f"Answer check latency: {cases} answers x {calls // cases} rounds = {calls} calls; "
          f"median {median:.3f} ms, 95th percentile {p95:.3f} ms (target: median <= 5 ms)")
    print()
    print("Widget callback latency in a kernel (20 changes each): value set -> figure updated")
    print(f"{'lesson':26} {'widget':22} {'control':14} {'median ms':>10} {'max ms':>8}")
    for slug, widget, control, median, worst in widget_latency():
        print(f"{slug:26} {widget:22} {control[:14]:14} {median:10.2f} {worst:8.2f}")
    print()
    students, runs = grading_throughput()
    for jobs, seconds in runs:
        print(f"Grading {students} submissions of lesson 03 with --jobs {jobs}: {seconds:.1f} s "
              f"({seconds / students:.2f} s per submission)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
