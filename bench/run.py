"""Course benchmarks: print figures, assert nothing (`make bench`).

1. Wall time to execute every course notebook top to bottom in a fresh kernel (what a student's
   "Restart and Run All" costs, plus kernel start-up), per notebook and in total.
2. Latency of one answer check (`ceasefire.checks.evaluate`), right and wrong answers of every question.
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
