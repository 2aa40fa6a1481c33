"""Course benchmarks: print figures, assert nothing (`python run.py bench`, or `make bench`).

0. Per lesson, in a fresh kernel each run: the first cell's time (imports, the lesson's opening) and the
   slowest other cell's; then strict nbval over every notebook with two workers (`pytest -n 2 --dist
   loadfile lessons exercises solutions`), wall time. Targets (issue 13): first cell <= 1.0 s, every other
   cell <= 100 ms, nbval <= 25 s.
1. Wall time to execute every course notebook top to bottom in a fresh kernel (what a student's
   "Restart and Run All" costs, plus kernel start-up), per notebook and in total.
2. Latency of one answer check (`ceasefire.checking.checks.evaluate`), right and wrong answers of every question.
4. Grading throughput: the same class of correct submissions graded with one and with two workers.
3. Widget callback latency in a real kernel: for every widget a lesson shows, the first control found in
   it is moved through its values; milliseconds from setting the value to the callback having updated
   the figure (observe callbacks run synchronously; comm messages are sent as in JupyterLab).
5. Only when asked (`--only suite`, about four minutes): the README's test command, whole, once. Its wall
   time (target 150 s), the CPU seconds its processes used, and, on Linux, how busy the machine's cores
   were meanwhile. The CPU seconds divided by the cores is the shortest wall time that much work allows.
"""

import argparse
import importlib.util
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from ceasefire.manifest import load_course
from ceasefire.instructor.notebooks import cell_seconds, course_notebooks, execute, notebook_client

SECTIONS = ("cells", "nbval", "notebooks", "checks", "widgets", "grading", "suite")
DEFAULT_SECTIONS = SECTIONS[:-1]     # the whole suite takes minutes: only when asked for
ROOT = Path(__file__).resolve().parent.parent


def time_cells(repeat: int):
    """Per ready lesson: medians over `repeat` fresh kernels of the first cell, the slowest other cell
    (and the index of the cell that was slowest in the last run)."""
    rows = []
    course = load_course()
    for lesson in course.lessons:
        if not lesson.ready:
            continue
        runs = [cell_seconds(course.root / lesson.notebook) for _ in range(repeat)]
        rows.append((lesson.slug, statistics.median(r[0] for r in runs), max(r[0] for r in runs),
                     statistics.median(r[2] for r in runs), max(r[2] for r in runs), runs[-1][1]))
    return rows


def test_command(*args) -> list:
    """The README's test command as run.py builds it (workers, distribution), with pytest `args`."""
    spec = importlib.util.spec_from_file_location("launcher", ROOT / "run.py")
    launcher = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(launcher)
    return launcher.test_command(sys.executable, args)


def time_nbval(repeat: int):
    """Wall seconds of strict nbval over every notebook with two workers, as `python run.py test` runs it."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run(test_command("-q", "lessons", "exercises", "solutions"), cwd=ROOT,
                                capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if result.returncode != 0:
            print(result.stdout[-3000:])
            raise SystemExit("strict nbval failed; the time above is not a valid figure")
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    return times, summary


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
    from ceasefire.instructor.compile_keys import read_plain
    from ceasefire.checking.checks import evaluate
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
        if isinstance(child, (_W.Dropdown, _W.SelectionSlider, _W.IntSlider, _W.FloatSlider, _W.RadioButtons, _W.ToggleButtons)) \
                or (hasattr(child, "index") and hasattr(child, "options")):   # ceasefire.display.controls
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
        notebook_client(run, Path(lesson.notebook).parent).execute()
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
    from ceasefire.instructor.grade import Limits, grade

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


def machine_cpu_ticks():
    """(busy, all) clock ticks of every core since boot, from /proc/stat; None where there is none."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            ticks = [int(field) for field in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = ticks[3] + ticks[4]          # idle and waiting for input/output
    return sum(ticks) - idle, sum(ticks)


def time_suite():
    """Run the README's test command (run.py's own) once: wall seconds, CPU seconds of its processes,
    and the machine's busy core-seconds and busy share over the run (None off Linux), and its summary."""
    command = test_command()
    before_children, before_machine = resource.getrusage(resource.RUSAGE_CHILDREN), machine_cpu_ticks()
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after_children, after_machine = resource.getrusage(resource.RUSAGE_CHILDREN), machine_cpu_ticks()
    if result.returncode != 0:
        print(result.stdout[-3000:])
        raise SystemExit("the test suite failed; its time is not a valid figure")
    used = sum(getattr(after_children, f) - getattr(before_children, f) for f in ("ru_utime", "ru_stime"))
    machine = None
    if before_machine and after_machine:
        busy, every = (after - prior for after, prior in zip(after_machine, before_machine))
        hertz = os.sysconf("SC_CLK_TCK")
        machine = (busy / hertz, busy / every if every else 0.0)
    summary = result.stdout.strip().splitlines()[-1].strip("= ") if result.stdout.strip() else ""
    return wall, used, machine, summary


def machine_speed(rounds: int = 5) -> float:
    """Milliseconds a fixed pure-Python workload takes here now (median of `rounds`). A shared or throttled
    machine can run the same code 30 % slower from one hour to the next: compare figures only between
    runs whose speed line is about the same, or measure before and after back to back."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        total = 0
        for n in range(300_000):
            total += n * n % 7
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs per notebook (default 3)")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=DEFAULT_SECTIONS, metavar="SECTION",
                        help="run only these sections: " + ", ".join(SECTIONS) + " (all but suite by default)")
    args = parser.parse_args(argv)
    print(f"Machine speed now, a rough gauge: {machine_speed():.0f} ms for a fixed Python workload (lower is "
          "faster; compare figures between runs only where this is about the same)")
    print()
    if "cells" in args.only:
        print(f"Lesson cells in a fresh kernel, {args.repeat} run(s) per lesson (targets: first <= 1.0 s, "
              f"other <= 100 ms)")
        print(f"{'lesson':26} {'first cell s':>13} {'(max)':>6} {'slowest other ms':>17} {'(max)':>6} {'cell':>5}")
        for slug, first, first_max, other, other_max, index in time_cells(args.repeat):
            print(f"{slug:26} {first:13.2f} {first_max:6.2f} {other * 1000:17.0f} {other_max * 1000:6.0f} {index:5}")
        print()
    if "nbval" in args.only:
        times, summary = time_nbval(args.repeat)
        print(f"Strict nbval, every notebook, -n 2 --dist loadfile (target <= 25 s): median "
              f"{statistics.median(times):.1f} s wall (min {min(times):.1f}, max {max(times):.1f}; {summary})")
        print()
    if "notebooks" in args.only:
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
    if "checks" in args.only:
        cases, calls, median, p95 = check_latency()
        print(f"Answer check latency: {cases} answers x {calls // cases} rounds = {calls} calls; "
              f"median {median:.3f} ms, 95th percentile {p95:.3f} ms (target: median <= 5 ms)")
        print()
    if "widgets" in args.only:
        print("Widget callback latency in a kernel (20 changes each): value set -> figure updated")
        print(f"{'lesson':26} {'widget':22} {'control':14} {'median ms':>10} {'max ms':>8}")
        for slug, widget, control, median, worst in widget_latency():
            print(f"{slug:26} {widget:22} {control[:14]:14} {median:10.2f} {worst:8.2f}")
        print()
    if "grading" in args.only:
        students, runs = grading_throughput()
        for jobs, seconds in runs:
            print(f"Grading {students} submissions of lesson 03 with --jobs {jobs}: {seconds:.1f} s "
                  f"({seconds / students:.2f} s per submission)")
        print(__import__("grading").report())   # bench/grading.py: grade --jobs 2 vs serial nbconvert, as a ratio
    if "suite" in args.only:
        print("Running the whole test suite once (minutes; its output is kept until it ends)...", flush=True)
        wall, used, machine, summary = time_suite()
        cores = os.cpu_count() or 1
        print(f"The whole test suite, the README's command (target <= 150 s): {wall:.1f} s wall ({summary})")
        print(f"  CPU its processes used: {used:.0f} s, at least {used / cores:.0f} s of wall time on {cores} cores")
        if machine:
            busy, share = machine
            print(f"  the machine meanwhile: {busy:.0f} core-seconds busy ({share:.0%} of its {cores} cores), at "
                  f"least {busy / cores:.0f} s of wall time; includes the file system's work and anything else running")
    return 0


if __name__ == "__main__":
    sys.exit(main())
