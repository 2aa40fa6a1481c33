"""Gather submitted exercise notebooks into the layout `ceasefire grade` reads: <out>/<student id>/<lesson>.ipynb.

The roster (a CSV with columns id, name, email; optional canvas_id and hub_user) is the only source of
student ids. Four kinds of source, each recognised from what it is:

- **Canvas** "Download submissions" zip. Canvas names every file
  `<lastnamefirstname>[_LATE]_<canvas user id>_<submission id>_<file name as uploaded>`,
  e.g. `lovelaceada_4211_90210_03-february-failure.ipynb`, and a second upload of the same name gets
  `-1`, `-2` ... before the extension. `_LATE` marks a submission Canvas itself counted as late.
  A student is matched by `canvas_id` when the roster has that column, else by the name part.
- **Moodle** assignment zip ("Download all submissions"). Moodle names every file
  `<Full Name>_<participant id>_assignsubmission_file_<file name>` (or, with "download submissions in
  folders", `<Full Name>_<participant id>_assignsubmission_file/<file name>`). Online-text entries
  (`assignsubmission_onlinetext`) are listed and ignored. Matched by the full name. The zip entry's time is
  the file's time Moodle stored, and is what `--deadline` compares.
- **JupyterHub home folders**: `<homes>/<user>/<course folder>/exercises/*.ipynb` (user = the roster id,
  `jupyter-<id>`, the email's local part or the roster's hub_user). A notebook still identical to the
  release is listed as "not started", not collected.
- **A plain folder** of notebooks: a student is found from a folder name (`alice/03-....ipynb`) or a file
  name part (`alice_03-....ipynb`) equal to a roster id, email, email local part or hub user.

The lesson of each notebook is read from its metadata (`ceasefire.lesson`), else from a lesson slug or
number in its file name, else `--lesson`. Nothing is dropped without a line in the report: unmatched
(no roster entry, or no lesson), duplicate (an older copy; the newest is kept), late (collected, marked),
missing (on the roster, nothing handed in), ignored (not a notebook) and not started. The report is printed
and written to <out>/collect-report.csv.

The roster is read by ceasefire.instructor.roster, the sources by ceasefire.instructor.sources.
"""

import csv
import datetime as dt
import io
import json
import re
import shutil
from pathlib import Path

from ceasefire.errors import CourseError
from ceasefire.files import write_atomic
from ceasefire.instructor.roster import Roster, load_roster, name_keys  # noqa: F401 - part of this module's API
from ceasefire.instructor.sources import detect, from_canvas, from_folder, from_hub, from_moodle

MAX_BYTES = 100 * 1024 * 1024
REPORT_NAME = "collect-report.csv"
REPORT_COLUMNS = ("student", "name", "lesson", "status", "source", "time", "note")
READERS = {"canvas": from_canvas, "moodle": from_moodle, "folder": from_folder}
# The order of the report: what was collected first, what needs a look after.
STATUS_ORDER = {"collected": 0, "late": 1, "duplicate": 2, "unmatched": 3, "missing": 4, "not started": 5,
                "no course folder": 6, "ignored": 7}


# ---- lessons, lateness ------------------------------------------------------------------------------

def lesson_of(raw: bytes, filename: str, lessons, default: str = ""):
    """(lesson slug or '', note). Metadata first, then the file name, then the default."""
    try:
        meta = json.loads(raw.decode("utf-8-sig")).get("metadata", {}).get("ceasefire", {})
        if isinstance(meta, dict) and meta.get("lesson") in lessons:
            return meta["lesson"], ""
    except (ValueError, AttributeError):
        pass
    stem = Path(filename).stem.lower()
    for slug in lessons:
        if slug in stem:
            return slug, ""
    numbers = {slug[:2]: slug for slug in lessons}
    found = {numbers[n] for n in re.findall(r"(?<!\d)(\d\d)(?!\d)", stem) if n in numbers}
    if len(found) == 1:
        return found.pop(), ""
    if default:
        return default, "" if not found else f"file name suggests {', '.join(sorted(found))}; taken as {default}"
    return "", "no lesson in the notebook's metadata or its file name (use --lesson)"


def parse_deadline(text: str) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise CourseError(f"--deadline {text!r} is not a date and time; write it as 2026-11-20T23:59 "
                          "(local time) or with a zone, 2026-11-20T23:59+01:00.") from None
    if len(text.strip()) <= 10:                 # a date alone: the end of that day
        when = when.replace(hour=23, minute=59, second=59)
    return when


def _is_late(time, deadline):
    if time is None or deadline is None:
        return False
    if (time.tzinfo is None) != (deadline.tzinfo is None):
        time = time.astimezone() if time.tzinfo is None else time
        deadline = deadline.astimezone() if deadline.tzinfo is None else deadline
    return time > deadline



# ---- collecting -----------------------------------------------------------------------------------------

def _gather(sources, roster: Roster, kind: str, homes, course_folder: str, release) -> list:
    """Every item of every source, each with its student (or why none)."""
    items = []
    for source in sources:
        source = Path(source)
        found = kind if kind != "auto" else detect(source)
        reader = READERS.get(found)
        if reader is None:
            raise CourseError(f"unknown source kind {found!r}.")
        if not source.exists():
            raise CourseError(f"{source} does not exist.")
        items += list(reader(source, roster))
    if homes is not None:
        if not course_folder:
            raise CourseError("--hub-homes needs --course-folder (the folder nbgitpuller made in each home).")
        if not Path(homes).is_dir():
            raise CourseError(f"{homes} is not a folder of home folders (for example /home).")
        items += list(from_hub(Path(homes), roster, course_folder, release))
    if not items and not sources and homes is None:
        raise CourseError("nothing to collect: give a zip, a folder, or --hub-homes.")
    return items


def _classify(items, lessons, lesson: str):
    """Status of each item not yet decided: ignored (not a notebook, too big), unmatched, or collected."""
    for item in items:
        if item.status:
            continue
        if not item.filename.lower().endswith(".ipynb"):
            item.status, item.note = "ignored", "not a notebook (.ipynb)"
            continue
        raw = item.read()
        if len(raw) > MAX_BYTES:
            item.status, item.note = "ignored", f"{len(raw) / 2**20:.0f} MB, over the {MAX_BYTES // 2**20} MB limit"
            continue
        item.lesson, note = lesson_of(raw, item.filename, lessons, lesson)
        if item.student is None:
            item.status, item.note = "unmatched", item.why
        elif not item.lesson:
            item.status, item.note = "unmatched", note
        else:
            item.status, item.note = "collected", note


def _newest(items) -> dict:
    """(student, lesson) -> (rank, item) of the copy kept; older copies become duplicates."""
    chosen = {}
    for item in items:
        if item.status == "collected":
            key = (item.student, item.lesson)
            rank = (item.order, item.time or dt.datetime.min, item.source)
            if key not in chosen or rank > chosen[key][0]:
                chosen[key] = (rank, item)
    for item in items:
        if item.status == "collected" and chosen[(item.student, item.lesson)][1] is not item:
            keep = chosen[(item.student, item.lesson)][1]
            item.status, item.note = "duplicate", f"an older copy; the newer {keep.source} was collected"
    return chosen


def _write_submissions(chosen: dict, out: Path, when):
    """out/<student>/<lesson>.ipynb for each kept copy; a late one is marked so."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for (student, slug), (_, item) in sorted(chosen.items()):
        target = out / student / f"{slug}.ipynb"
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(item.read())
        if item.late_mark or _is_late(item.time, when):
            item.status = "late"
            why = "Canvas marked it LATE" if item.late_mark else f"handed in {item.time:%Y-%m-%d %H:%M}, after the deadline"
            item.note = "; ".join(n for n in (why, item.note) if n)


def _report(items, chosen: dict, roster: Roster, lesson: str) -> list:
    """One row per item found, and one per roster student with nothing for an expected lesson."""
    report = []
    for item in items:
        name = roster.students.get(item.student or "", {}).get("name", "")
        report.append({"student": item.student or "", "name": name, "lesson": item.lesson, "status": item.status,
                       "source": item.source, "time": f"{item.time:%Y-%m-%d %H:%M:%S}" if item.time else "",
                       "note": item.note})
    expected = [lesson] if lesson else sorted({slug for _, slug in chosen})
    for sid, entry in sorted(roster.students.items()):
        for slug in expected:
            if (sid, slug) not in chosen:
                report.append({"student": sid, "name": entry.get("name", ""), "lesson": slug, "status": "missing",
                               "source": "", "time": "", "note": "on the roster, nothing collected for this lesson"})
    report.sort(key=lambda r: (STATUS_ORDER.get(r["status"], 9), r["lesson"], r["student"], r["source"]))
    return report


def collect(sources, roster_path: Path, out: Path, lessons, lesson: str = "", deadline: str = "",
            kind: str = "auto", homes: Path | None = None, course_folder: str = "", release: Path | None = None):
    """Gather every source into out/; returns the report rows (also written to out/collect-report.csv)."""
    roster = load_roster(roster_path)
    out = Path(out)
    lessons = list(lessons)
    if lesson and lesson not in lessons:
        raise CourseError(f"--lesson {lesson!r} is not a lesson with exercises: {', '.join(lessons)}.")
    when = parse_deadline(deadline) if deadline else None
    if out.exists() and any(out.iterdir()) and not (out / REPORT_NAME).exists():
        raise CourseError(f"{out} exists and was not written by `ceasefire collect`; choose a new folder.")
    items = _gather(sources, roster, kind, homes, course_folder, release)
    _classify(items, lessons, lesson)
    chosen = _newest(items)
    _write_submissions(chosen, out, when)
    report = _report(items, chosen, roster, lesson)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=REPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(report)
    write_atomic(out / REPORT_NAME, buffer.getvalue())
    return report


def summary(report) -> str:
    """Plain lines for the terminal: counts, then every row that needs a look."""
    counts = {}
    for row in report:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    lines = [", ".join(f"{n} {status}" for status, n in counts.items())]
    for row in report:
        if row["status"] not in ("collected",):
            who = f"{row['student']} ({row['name']})" if row["student"] else "?"
            lines.append(f"  {row['status']}: {who} {row['lesson'] or ''} {row['source']} {row['note']}".rstrip())
    return "\n".join(lines)
