"""The `ceasefire` command: maintenance verbs for the course (more arrive with the instructor tools)."""

import argparse
import sys
from pathlib import Path

from ceasefire.errors import CourseError


def _readme(args):
    from ceasefire.manifest import load_course, render_readme
    course = load_course()
    path = course.root / "README.md"
    current = path.read_text(encoding="utf-8")
    wanted = render_readme(current, course)
    if args.check:
        if current != wanted:
            raise CourseError("README.md's lesson table is out of date with course.yml: run `make readme`.")
        print("README.md lesson table matches course.yml.")
    elif current != wanted:
        path.write_text(wanted, encoding="utf-8")
        print("README.md lesson table updated from course.yml.")
    else:
        print("README.md lesson table already current.")


def _data_check(args):
    from ceasefire.data import check_all
    problems = check_all(args.folder)
    if problems:
        raise CourseError("data check failed:\n" + "\n".join(f"- {p}" for p in problems))
    print("All data tables and cross-references are valid.")


def _notebooks_refresh(args):
    from ceasefire.notebooks import refresh, course_notebooks
    paths = [Path(p) for p in args.paths] or course_notebooks()
    for path in paths:
        seconds = refresh(path)
        print(f"refreshed {path} in {seconds:.1f} s")


def _assign(args):
    from ceasefire.assign import assign, stale
    from ceasefire.paths import course_root
    root = course_root()
    if args.check:
        problems = stale(root)
        if problems:
            raise CourseError("exercises are out of date (run `ceasefire assign`):\n"
                              + "\n".join(f"- {p}" for p in problems))
        print("exercises/ and the answer keys match solutions/.")
        return
    for path in assign(root, execute=not args.no_execute):
        print(f"generated {path.relative_to(root)}")


def _release(args):
    from ceasefire.paths import course_root
    from ceasefire.release import make_release
    written = make_release(course_root(), Path(args.out))
    print(f"student release written to {args.out} ({len(written)} items; no solutions/, hashed keys only)")


def _grade(args):
    from ceasefire.grade import Limits, grade
    from ceasefire.paths import course_root
    root = course_root()
    limits = Limits(wall_seconds=args.timeout, cpu_seconds=int(args.timeout), memory_mb=args.memory_mb)
    rows = grade([Path(p) for p in args.submissions], Path(args.release or root), Path(args.out), Path(args.feedback),
                 jobs=args.jobs, limits=limits, forbidden=[root / "solutions"])
    students = len({r["student"] for r in rows})
    print(f"gradebook: {args.out} ({len(rows)} rows, {students} student(s)); feedback in {args.feedback}")


def _links(args):
    from ceasefire.links import links
    from ceasefire.manifest import load_course
    for row in links(load_course(), args.repo, args.ref, args.hub):
        print(f"{row['notebook']}")
        for kind in ("binder", "hub"):
            if kind in row:
                print(f"  {kind}: {row[kind]}")


def _doctor(args):
    from ceasefire.doctor import report
    if report():
        raise SystemExit(1)


def build_parser():
    parser = argparse.ArgumentParser(prog="ceasefire", description="Maintain the ceasefire course.")
    verbs = parser.add_subparsers(dest="verb", required=True)
    readme = verbs.add_parser("readme", help="refresh (or --check) the README lesson table from course.yml")
    readme.add_argument("--check", action="store_true", help="only report whether it is current")
    readme.set_defaults(run=_readme)
    data = verbs.add_parser("data", help="data tables")
    data_verbs = data.add_subparsers(dest="data_verb", required=True)
    check = data_verbs.add_parser("check", help="validate every table and cross-reference")
    check.add_argument("--folder", default=None, help="data folder (default: the course's data/)")
    check.set_defaults(run=_data_check)
    notebooks = verbs.add_parser("notebooks", help="course notebooks")
    nb_verbs = notebooks.add_subparsers(dest="nb_verb", required=True)
    refresh = nb_verbs.add_parser("refresh", help="execute notebooks and store outputs for strict nbval")
    refresh.add_argument("paths", nargs="*", help="notebooks (default: every notebook of the course)")
    refresh.set_defaults(run=_notebooks_refresh)
    assign = verbs.add_parser("assign", help="regenerate exercises/ and the hashed keys from solutions/")
    assign.add_argument("--check", action="store_true", help="only verify that they are current")
    assign.add_argument("--no-execute", action="store_true", help="do not re-run the notebooks to store outputs")
    assign.set_defaults(run=_assign)
    release = verbs.add_parser("release", help="write a student release (no solutions, hashed keys only)")
    release.add_argument("out", help="a new, empty folder outside the course")
    release.set_defaults(run=_release)
    grade = verbs.add_parser("grade", help="grade submitted exercise notebooks")
    grade.add_argument("submissions", nargs="+", help="submitted .ipynb files (student/NN-lesson.ipynb)")
    grade.add_argument("--out", required=True, help="gradebook CSV to write")
    grade.add_argument("--feedback", required=True, help="folder for one Markdown feedback file per student")
    grade.add_argument("--jobs", type=int, default=None, help="submissions graded at once (default: cores)")
    grade.add_argument("--timeout", type=float, default=60, help="wall and CPU seconds per submission (default 60)")
    grade.add_argument("--memory-mb", type=int, default=2048, help="memory limit per submission (default 2048)")
    grade.add_argument("--release", default=None, help="course or release folder to grade against (default: this course)")
    grade.set_defaults(run=_grade)
    links = verbs.add_parser("links", help="Binder and JupyterHub (nbgitpuller) links for every notebook")
    links.add_argument("--repo", required=True, help="GitHub OWNER/NAME, or a git URL for a hub")
    links.add_argument("--ref", default="main", help="branch, tag or commit (default main)")
    links.add_argument("--hub", default=None, help="JupyterHub address, e.g. https://hub.example.edu")
    links.set_defaults(run=_links)
    doctor = verbs.add_parser("doctor", help="check Python, packages, extensions, renderer, data and keys")
    doctor.set_defaults(run=_doctor)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except CourseError as exc:
        print(f"ceasefire: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
