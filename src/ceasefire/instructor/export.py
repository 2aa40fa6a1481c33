"""The gradebook in other shapes: a wide CSV, and files the Canvas and Moodle gradebooks import.

`gradebook.csv` (written by `ceasefire grade`) is long: one row per student x question. From it:

- **wide**: one row per student; columns `student`, `name`, `email` (from the roster, if given), one column
  per lesson (points: checked questions plus the reflection mark once given), `total`, and `max` (the
  points available over the lessons the class was graded on). A lesson the student did not hand in is
  left empty (not 0) so the instructor can tell "missing" from "scored 0"; `total` counts it as 0.
- **canvas**: Canvas's gradebook import (Grades > Import): the columns Canvas's own export has, `Student`,
  `ID`, `SIS User ID`, `SIS Login ID`, `Section`, then one column per lesson, and a `Points Possible` row
  under the header as in Canvas's export. Canvas matches students by `ID` (the roster's canvas_id, when
  given), else `SIS User ID` (the roster id), else `SIS Login ID` (the roster email). A lesson column is
  named `<NN> <lesson title>`; a column whose name is not an assignment of the course becomes a new
  assignment on import, so rename the column to the existing assignment's name (`Name (assignment id)`)
  to fill that one instead.
- **moodle**: Moodle's "Import grades from CSV file": `ID number`, `Email address`, `Full name`, one column
  per lesson and one `<lesson> feedback` column each (the instructor's reflection comment). In the
  import, map "Identify user by" from `Email address` to "Email address", and each lesson column to its
  grade item (or to "new grade item").

Every file is UTF-8 with a header line; scores use a dot as the decimal mark.
"""

from pathlib import Path

from ceasefire.instructor import csvtext
from ceasefire.errors import CourseError
from ceasefire.files import write_atomic

NEEDED = ("student", "lesson", "question", "score", "max", "status")
# as ceasefire.instructor.scoring defines them (not imported from there: exporting needs none of the grader's machinery)
GRADEBOOK_COLUMNS = ("student", "submission", "lesson", "question", "score", "max", "status", "reason", "hint")


def read_gradebook(path: Path):
    """The gradebook's rows; a clear message if the file is not a gradebook written by `ceasefire grade`."""
    reader = csvtext.open_rows(path, "gradebook", NEEDED,
                               "it is not a gradebook written by `ceasefire grade` "
                               f"(expected {','.join(GRADEBOOK_COLUMNS)})")
    rows = []
    for line, row in enumerate(reader, start=2):
        try:
            row["score"], row["max"] = float(row["score"]), float(row["max"])
        except (TypeError, ValueError):
            raise CourseError(f"{path} line {line}: score {row.get('score')!r} / max {row.get('max')!r} "
                              "are not numbers.") from None
        row.setdefault("hint", "")
        row["hint"] = row["hint"] or ""
        rows.append(row)
    if not rows:
        raise CourseError(f"the gradebook {path} has no rows.")
    return rows


def _fmt(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def lesson_points(rows):
    """({student: {lesson: points}}, {lesson: max}). Max per lesson is the largest any student could get."""
    points, maxima = {}, {}
    per_submission_max = {}
    for row in rows:
        if not row["lesson"]:
            continue
        student = points.setdefault(row["student"], {})
        student[row["lesson"]] = student.get(row["lesson"], 0.0) + row["score"]
        key = (row["student"], row["lesson"])
        per_submission_max[key] = per_submission_max.get(key, 0.0) + row["max"]
    for (_, lesson), top in per_submission_max.items():
        maxima[lesson] = max(maxima.get(lesson, 0.0), top)
    return points, maxima


def _students(rows, roster):
    names = {r["student"] for r in rows}
    if roster is not None:
        unknown = sorted(names - set(roster.students))
        if unknown:
            raise CourseError("the gradebook has students the roster does not list: " + ", ".join(unknown)
                              + "; add them to the roster or fix the ids.")
        names |= set(roster.students)
    return sorted(names)


def wide(rows, roster=None) -> str:
    points, maxima = lesson_points(rows)
    lessons = sorted(maxima)
    header = ["student", "name", "email"] + lessons + ["total", "max"]
    body = []
    for student in _students(rows, roster):
        entry = roster.students.get(student, {}) if roster else {}
        got = points.get(student, {})
        body.append([student, entry.get("name", ""), entry.get("email", "")]
                    + [_fmt(got[l]) if l in got else "" for l in lessons]
                    + [_fmt(sum(got.values())), _fmt(sum(maxima.values()))])
    return csvtext.text_of(header, body)


def lesson_titles(lessons):
    """'03-february-failure' -> '03 Why the February truce failed' (from course.yml when available)."""
    try:
        from ceasefire.manifest import load_course
        titles = {l.slug: l.title for l in load_course().lessons}
    except Exception:   # noqa: BLE001 - a title is a nicety; the slug is enough
        titles = {}
    return {l: f"{l[:2]} {titles[l]}" if l in titles else l for l in lessons}


def canvas(rows, roster) -> str:
    if roster is None:
        raise CourseError("the Canvas file needs --roster (Canvas matches students by SIS id or login).")
    points, maxima = lesson_points(rows)
    lessons = sorted(maxima)
    titles = lesson_titles(lessons)
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"] + [titles[l] for l in lessons]
    body = [["    Points Possible", "", "", "", ""] + [_fmt(maxima[l]) for l in lessons]]
    for student in _students(rows, roster):
        entry = roster.students[student]
        name = entry.get("name", "")
        if name and "," not in name and " " in name:           # Canvas shows "Last, First"
            first, last = name.rsplit(" ", 1)
            name = f"{last}, {first}"
        got = points.get(student, {})
        body.append([name, entry.get("canvas_id", ""), student, entry.get("email", ""), entry.get("section", "")]
                    + [_fmt(got[l]) if l in got else "" for l in lessons])
    return csvtext.text_of(header, body)


def moodle(rows, roster) -> str:
    if roster is None:
        raise CourseError("the Moodle file needs --roster (Moodle identifies users by email address).")
    points, maxima = lesson_points(rows)
    lessons = sorted(maxima)
    titles = lesson_titles(lessons)
    comments = {(r["student"], r["lesson"]): r.get("reason", "") for r in rows if r["status"] == "marked"}
    header = ["ID number", "Email address", "Full name"]
    for lesson in lessons:
        header += [titles[lesson], f"{titles[lesson]} feedback"]
    body = []
    for student in _students(rows, roster):
        entry = roster.students[student]
        got = points.get(student, {})
        line = [student, entry.get("email", ""), entry.get("name", "")]
        for lesson in lessons:
            line += [_fmt(got[lesson]) if lesson in got else "", comments.get((student, lesson), "")]
        body.append(line)
    return csvtext.text_of(header, body)


def export(gradebook: Path, roster_path: Path | None = None, wide_path=None, canvas_path=None, moodle_path=None):
    """Write the files asked for; returns [(kind, path, rows)]."""
    from ceasefire.instructor.collect import load_roster
    if not any((wide_path, canvas_path, moodle_path)):
        raise CourseError("say which file to write: --wide, --canvas and/or --moodle.")
    rows = read_gradebook(gradebook)
    roster = load_roster(roster_path) if roster_path else None
    written = []
    for kind, path, make in (("wide", wide_path, wide), ("canvas", canvas_path, canvas), ("moodle", moodle_path, moodle)):
        if path:
            text = make(rows, roster)
            write_atomic(path, text)
            written.append((kind, Path(path), text.count("\n") - 1))
    return written
