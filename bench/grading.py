"""Grading throughput as one ratio (issue 11): `ceasefire grade --jobs 2` over the same submissions
against serial `jupyter nbconvert --execute` of each file, the obvious way to run a class's notebooks.

Lower is better: 0.15 means grading takes 15 % of the time that executing the notebooks one by one in a
kernel takes. Both sides run as an instructor would run them, as commands in fresh processes, with a
cold grading cache, on complete submissions of every lesson (the solutions filled into the exercises).

Run alone: `.venv/bin/python bench/grading.py [--per-lesson 4]`; `make bench` calls `main()`.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 0.15


def build(folder: Path, per_lesson: int):
    """per_lesson submissions of every lesson, as student<NN>/<lesson>.ipynb."""
    sys.path.insert(0, str(ROOT / "tests"))
    import nbformat
    from submissions import LESSONS, filled   # the test suite's submission builder

    paths = []
    for lesson in LESSONS:
        nb = filled(lesson)
        for _ in range(per_lesson):
            target = folder / f"student{len(paths):02d}" / f"{lesson}.ipynb"
            target.parent.mkdir(parents=True)
            nbformat.write(nb, target)
            paths.append(target)
    return paths


def time_grade(paths, scratch: Path, jobs: int = 2) -> float:
    command = [sys.executable, "-m", "ceasefire.instructor.cli", "grade", *map(str, paths), "--jobs", str(jobs),
               "--out", str(scratch / "gradebook.csv"), "--feedback", str(scratch / "feedback")]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"grade failed:\n{done.stderr[-2000:]}")
    rows = (scratch / "gradebook.csv").read_text().splitlines()[1:]
    if any(",correct," not in row and ",live," not in row for row in rows):
        raise SystemExit("grade did not mark every solution correct: the benchmark would measure a broken grader")
    return took


def time_nbconvert(paths, scratch: Path) -> float:
    jupyter = Path(sys.executable).with_name("jupyter")
    env = dict(os.environ, CEASEFIRE_PROGRESS=str(scratch / "progress.json"))
    start = time.perf_counter()
    for n, path in enumerate(paths):
        subprocess.run([str(jupyter), "nbconvert", "--execute", "--to", "notebook", "--log-level", "ERROR",
                        "--ExecutePreprocessor.timeout=120", "--output-dir", str(scratch / "executed"),
                        "--output", f"{n:02d}-{path.name}", str(path)],
                       cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def measure(per_lesson: int = 4, jobs: int = 2):
    """(submissions, grade seconds, nbconvert seconds, ratio)."""
    with tempfile.TemporaryDirectory(prefix="ceasefire-bench-grading-") as tmp:
        tmp = Path(tmp)
        paths = build(tmp / "submissions", per_lesson)
        graded = time_grade(paths, tmp / "grade", jobs)
        executed = time_nbconvert(paths, tmp / "nbconvert")
    return len(paths), graded, executed, graded / executed


def report(per_lesson: int = 4) -> str:
    n, graded, executed, ratio = measure(per_lesson)
    return (f"Grading throughput: `ceasefire grade --jobs 2` over {n} submissions took {graded:.1f} s; serial "
            f"`jupyter nbconvert --execute` of the same files took {executed:.1f} s; ratio {ratio:.3f} "
            f"(target: <= {TARGET})")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-lesson", type=int, default=4, help="submissions per lesson (default 4: 20 in all)")
    args = parser.parse_args(argv)
    print(report(args.per_lesson))
    return 0


if __name__ == "__main__":
    sys.exit(main())
