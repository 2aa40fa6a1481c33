"""The `ceasefire` command: verbs for maintaining and teaching the course.

Each verb imports its module only when run (so `--help` stays fast). A student release ships only this
file and doctor.py of ceasefire.instructor (ceasefire.instructor.release): there, an instructor verb says
so in one sentence instead of failing on the missing module."""

import argparse
import sys
from pathlib import Path

from ceasefire.deferred import defer_iri_grammar
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
    from ceasefire.instructor.notebooks import refresh, course_notebooks
    paths = [Path(p) for p in args.paths] or course_notebooks()
    for path in paths:
        seconds = refresh(path)
        print(f"refreshed {path} in {seconds:.1f} s")


def _assign(args):
    from ceasefire.instructor.assign import assign, stale
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
    from ceasefire.instructor.release import make_release
    written = make_release(course_root(), Path(args.out))
    print(f"student release written to {args.out} ({len(written)} items; no solutions/ nor instructor tools, hashed keys only)")


def _grade(args):
    from ceasefire.instructor.grade import Limits, grade
    from ceasefire.paths import course_root
    root = course_root()
    limits = Limits(wall_seconds=args.timeout, cpu_seconds=int(args.timeout), memory_mb=args.memory_mb)
    rows = grade([Path(p) for p in args.submissions], Path(args.release or root), Path(args.out), Path(args.feedback),
                 jobs=args.jobs, limits=limits, forbidden=[root / "solutions"], marks=args.marks)
    students = len({r["student"] for r in rows})
    marked = sum(r["status"] == "marked" for r in rows)
    reflections = Path(args.out).with_name("reflections")
    print(f"gradebook: {args.out} ({len(rows)} rows, {students} student(s)); feedback (HTML and Markdown) in "
          f"{args.feedback}; reflections to mark in {reflections}" + (f"; {marked} reflection mark(s) merged" if marked else ""))


def _lessons_with_exercises(root):
    return sorted(p.stem for p in (Path(root) / "exercises").glob("*.ipynb"))


def _collect(args):
    from ceasefire.instructor.collect import collect, summary
    from ceasefire.paths import course_root
    root = Path(args.release) if args.release else course_root()
    report = collect(args.sources, Path(args.roster), Path(args.out), _lessons_with_exercises(root), lesson=args.lesson,
                     deadline=args.deadline, kind=args.format, homes=Path(args.hub_homes) if args.hub_homes else None,
                     course_folder=args.course_folder, release=root)
    print(summary(report))
    print(f"submissions in {Path(args.out) / '<student>' / '<lesson>.ipynb'}; every line above is in "
          f"{Path(args.out) / 'collect-report.csv'}")


def _return(args):
    from ceasefire.instructor.collect import load_roster
    from ceasefire.instructor.feedback import deliver
    roster = load_roster(Path(args.roster)).students if args.roster else None
    delivered, not_found = deliver(Path(args.feedback), Path(args.hub_homes), args.course_folder, roster)
    for student, path in delivered:
        print(f"returned {student}: {path}")
    for student in not_found:
        print(f"not returned {student}: no home folder with {args.course_folder}/ found under {args.hub_homes}")
    print(f"{len(delivered)} returned, {len(not_found)} not found")


def _export(args):
    from ceasefire.instructor.export import export
    for kind, path, count in export(Path(args.gradebook), Path(args.roster) if args.roster else None,
                                    args.wide, args.canvas, args.moodle):
        print(f"{kind}: {path} ({count} rows)")


def _report(args):
    from ceasefire.instructor.report import report
    path, questions = report(Path(args.gradebook), Path(args.out), lessons_url=args.lessons_url)
    print(f"class report: {path} ({len(questions)} questions; open it in any browser, no network needed)")


def _links(args):
    from ceasefire.instructor.links import links
    from ceasefire.manifest import load_course
    for row in links(load_course(), args.repo, args.ref, args.hub):
        print(f"{row['notebook']}")
        for kind in ("binder", "hub"):
            if kind in row:
                print(f"  {kind}: {row[kind]}")


def _doctor(args):
    from ceasefire.instructor.doctor import report
    if report():
        raise SystemExit(1)


def _course_verbs(verbs):
    """Verbs that maintain the course itself: README, data, notebooks, exercises, release."""
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


def _grading_verbs(verbs):
    """Grading submitted notebooks."""
    grade = verbs.add_parser("grade", help="grade submitted exercise notebooks")
    grade.add_argument("submissions", nargs="+", help="submitted .ipynb files (student/NN-lesson.ipynb)")
    grade.add_argument("--out", required=True, help="gradebook CSV to write")
    grade.add_argument("--feedback", required=True, help="folder for each student's feedback (.html page and .md)")
    grade.add_argument("--marks", default=None, help="reflection marks CSV to merge (default: reflections/marks.csv "
                                                      "beside the gradebook, if it holds any mark)")
    grade.add_argument("--jobs", type=int, default=None, help="submissions graded at once (default: cores)")
    grade.add_argument("--timeout", type=float, default=60, help="wall and CPU seconds per submission (default 60)")
    grade.add_argument("--memory-mb", type=int, default=2048, help="memory limit per submission (default 2048)")
    grade.add_argument("--release", default=None, help="course or release folder to grade against (default: this course)")
    grade.set_defaults(run=_grade)


def _collecting_verbs(verbs):
    """Gathering submissions and returning feedback."""
    collect = verbs.add_parser(
        "collect", help="gather submissions (Canvas or Moodle zip, hub homes, a folder) into the layout grade reads",
        description="Gather submissions into OUT/<student id>/<lesson>.ipynb, with the roster as the source of ids. "
                    "Canvas zip entries are named <lastnamefirstname>[_LATE]_<user id>_<submission id>_<file>; Moodle "
                    "entries <Full Name>_<id>_assignsubmission_file_<file>. Unmatched, duplicate, late, missing and "
                    "ignored files are listed and written to OUT/collect-report.csv.")
    collect.add_argument("sources", nargs="*", help="Canvas or Moodle submissions zip(s), or folders of notebooks")
    collect.add_argument("--roster", required=True, help="CSV with columns id,name,email (optional canvas_id, hub_user)")
    collect.add_argument("--out", required=True, help="folder to write (a new one, or one collect wrote before)")
    collect.add_argument("--lesson", default="", help="the lesson of this assignment, for notebooks whose name and "
                                                      "metadata do not say (e.g. 03-february-failure)")
    collect.add_argument("--deadline", default="", help="e.g. 2026-11-20T23:59 (local time) or with a zone; later "
                                                        "files are collected and listed as late")
    collect.add_argument("--format", default="auto", choices=("auto", "canvas", "moodle", "folder"),
                         help="kind of the sources (default: recognised from the file names)")
    collect.add_argument("--hub-homes", default=None, help="a JupyterHub's home folders (e.g. /home): collect "
                                                           "<home>/<course folder>/exercises/*.ipynb")
    collect.add_argument("--course-folder", default="", help="the course's folder in each home (nbgitpuller's targetpath)")
    collect.add_argument("--release", default=None, help="course or release folder (default: this course)")
    collect.set_defaults(run=_collect)
    ret = verbs.add_parser("return", help="copy each student's HTML feedback into their course folder on a JupyterHub")
    ret.add_argument("feedback", help="the feedback folder `grade` wrote")
    ret.add_argument("--hub-homes", required=True, help="the hub's home folders (e.g. /home)")
    ret.add_argument("--course-folder", required=True, help="the course's folder in each home; the page goes to "
                                                            "<home>/<course folder>/feedback/feedback.html")
    ret.add_argument("--roster", default=None, help="roster CSV (its hub_user or email column finds homes not named by id)")
    ret.set_defaults(run=_return)


def _result_verbs(verbs):
    """Verbs that turn a gradebook into LMS files, a class report, launch links; and the doctor."""
    export = verbs.add_parser("export", help="the gradebook as a wide CSV and as Canvas or Moodle import files")
    export.add_argument("gradebook", help="gradebook.csv written by grade")
    export.add_argument("--roster", default=None, help="roster CSV (needed for --canvas and --moodle; adds names)")
    export.add_argument("--wide", default=None, help="write one row per student, a column per lesson, and the total")
    export.add_argument("--canvas", default=None, help="write a Canvas gradebook import CSV")
    export.add_argument("--moodle", default=None, help="write a Moodle 'Import grades from CSV' file")
    export.set_defaults(run=_export)
    report = verbs.add_parser("report", help="one offline HTML page on how the class did, with its misconceptions")
    report.add_argument("gradebook", help="gradebook.csv written by grade")
    report.add_argument("--out", default="class-report.html", help="page to write (default class-report.html)")
    report.add_argument("--lessons-url", default=None, help="address of the lessons folder for the section links, e.g. "
                                                            "http://localhost:8888/lab/tree/lessons/ (default: a "
                                                            "relative link to this course's lessons/)")
    report.set_defaults(run=_report)
    links = verbs.add_parser("links", help="Binder and JupyterHub (nbgitpuller) links for every notebook")
    links.add_argument("--repo", required=True, help="GitHub OWNER/NAME, or a git URL for a hub")
    links.add_argument("--ref", default="main", help="branch, tag or commit (default main)")
    links.add_argument("--hub", default=None, help="JupyterHub address, e.g. https://hub.example.edu")
    links.set_defaults(run=_links)
    doctor = verbs.add_parser("doctor", help="check Python, packages, extensions, renderer, data and keys")
    doctor.set_defaults(run=_doctor)


def build_parser():
    parser = argparse.ArgumentParser(prog="ceasefire", description="Maintain the ceasefire course.")
    verbs = parser.add_subparsers(dest="verb", required=True)
    for add in (_course_verbs, _grading_verbs, _collecting_verbs, _result_verbs):
        add(verbs)
    return parser


def main(argv=None):
    # Verbs that read notebooks import nbformat, and with it jsonschema, which would compile an IRI grammar
    # (about 1 s of CPU) that no verb uses.
    defer_iri_grammar()
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except CourseError as exc:
        print(f"ceasefire: {exc}", file=sys.stderr)
        return 1
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("ceasefire."):
            raise
        print(f"ceasefire: `ceasefire {args.verb}` is an instructor tool and is not part of this student copy of "
              "the course.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
