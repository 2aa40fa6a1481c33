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
"""

import csv
import datetime as dt
import io
import json
import re
import shutil
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ceasefire.errors import CourseError

MAX_BYTES = 100 * 1024 * 1024
REPORT_NAME = "collect-report.csv"
REPORT_COLUMNS = ("student", "name", "lesson", "status", "source", "time", "note")
CANVAS = re.compile(r"^(?P<name>[a-z]*?)(?P<late>_(?i:late))?_(?P<uid>\d+)_(?P<sid>\d+)_(?P<file>.+)$")
MOODLE = re.compile(r"^(?P<name>[^/]+?)_(?P<pid>\d+)_assignsubmission_(?P<plugin>[a-z]+)_?(?:/|_)(?P<file>[^/]+)$")
RESUBMISSION = re.compile(r"-(\d+)$")


# ---- the roster --------------------------------------------------------------------------------------

def _letters(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text.lower() if ch.isalpha() and ch.isascii())


def name_keys(name: str):
    """Forms a student's name takes in LMS file names: 'Ada Lovelace' or 'Lovelace, Ada' ->
    {'adalovelace', 'lovelaceada'} (Canvas writes last name then first name, letters only)."""
    name = " ".join(name.split())
    if "," in name:
        last, first = (p.strip() for p in name.split(",", 1))
    else:
        words = name.split(" ")
        first, last = " ".join(words[:-1]), words[-1]
    return {_letters(first + last), _letters(last + first)} - {""}


@dataclass
class Roster:
    students: dict                                   # id -> {"id", "name", "email", ...}
    index: dict = field(default_factory=dict)        # lookup key -> set of ids

    def add_key(self, key, sid):
        if key:
            self.index.setdefault(str(key).strip().lower(), set()).add(sid)

    def find(self, *keys):
        """(id, None) for a unique match on any key, (None, why) otherwise."""
        for key in keys:
            hits = self.index.get(str(key).strip().lower(), set()) if key else set()
            if len(hits) == 1:
                return next(iter(hits)), None
            if len(hits) > 1:
                return None, f"'{key}' fits several students on the roster ({', '.join(sorted(hits))})"
        return None, "no roster entry matches " + " / ".join(f"'{str(k).removeprefix('name:')}'" for k in keys if k)


def load_roster(path: Path) -> Roster:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CourseError(f"the roster {path} cannot be read ({exc.strerror}).") from None
    except UnicodeDecodeError:
        raise CourseError(f"the roster {path} is not UTF-8 text; save it as CSV (UTF-8).") from None
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    columns = {(c or "").strip().lower(): c for c in (reader.fieldnames or [])}
    missing = [c for c in ("id", "name", "email") if c not in columns]
    if missing:
        found = ", ".join(c for c in columns if c) or "nothing"
        raise CourseError(f"the roster {path} has no {' or '.join(repr(c) for c in missing)} column "
                          f"(found: {found}); its first line must name the columns id,name,email.")
    roster = Roster({})
    problems = []
    for line, row in enumerate(reader, start=2):
        entry = {k: (row.get(original) or "").strip() for k, original in columns.items() if k}
        sid = entry.get("id", "")
        if not sid:
            if any(entry.values()):
                problems.append(f"line {line} has no id")
            continue
        if sid in roster.students:
            problems.append(f"line {line}: id {sid!r} is listed twice")
            continue
        if re.search(r"[/\\\0]", sid) or sid in (".", ".."):
            problems.append(f"line {line}: id {sid!r} cannot be a folder name")
            continue
        roster.students[sid] = entry
    if problems:
        raise CourseError(f"the roster {path} has problems:\n" + "\n".join(f"- {p}" for p in problems))
    if not roster.students:
        raise CourseError(f"the roster {path} lists no students.")
    for sid, entry in roster.students.items():
        email = entry.get("email", "")
        for key in (sid, email, email.split("@")[0], entry.get("hub_user"), entry.get("canvas_id")):
            roster.add_key(key, sid)
        for key in name_keys(entry.get("name", "")):
            roster.add_key("name:" + key, sid)
    return roster


# ---- what was found ------------------------------------------------------------------------------------

@dataclass
class Item:
    source: str                 # where it came from, e.g. "canvas.zip!lovelaceada_4211_9_03.ipynb"
    filename: str               # the file name as the student gave it
    read: object                # () -> bytes
    student: str | None = None
    why: str = ""               # why no student was matched
    time: dt.datetime | None = None
    late_mark: bool = False     # the LMS says late
    order: int = 0              # resubmission number (Canvas -1, -2 ...)
    lesson: str = ""
    status: str = ""
    note: str = ""


def _zip(path: Path):
    try:
        archive = zipfile.ZipFile(path)
        bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise CourseError(f"{path} is not a readable zip file ({exc}); download it again from the LMS.") from None
    if bad:
        raise CourseError(f"{path} is damaged (entry {bad!r} fails its checksum); download it again from the LMS.")
    return archive


def _entry_reader(archive, info):
    def read():
        return archive.read(info)
    return read


def _file_reader(path):
    return path.read_bytes


def _entry_time(info) -> dt.datetime | None:
    try:
        return dt.datetime(*info.date_time)
    except ValueError:
        return None


def from_canvas(path: Path, roster: Roster):
    archive = _zip(path)
    for info in archive.infolist():
        if info.is_dir():
            continue
        base = info.filename.rsplit("/", 1)[-1]
        match = CANVAS.match(base)
        item = Item(f"{path.name}!{info.filename}", base, _entry_reader(archive, info), time=None)
        if not match:
            item.why = "the name does not follow Canvas's <name>_<user id>_<submission id>_<file> pattern"
            yield item
            continue
        item.filename, item.late_mark = match["file"], bool(match["late"])
        stem = Path(match["file"]).stem
        resub = RESUBMISSION.search(stem)
        if resub and len(resub.group(1)) <= 2 and not re.fullmatch(r"\d\d", stem[:resub.start()][-2:] or "x"):
            item.order = int(resub.group(1))   # Canvas's -1, -2 ... for a re-upload of the same file name
        keys = [match["uid"]] if any("canvas_id" in e for e in roster.students.values()) else []
        item.student, item.why = roster.find(*keys, "name:" + match["name"])
        yield item


def from_moodle(path: Path, roster: Roster):
    archive = _zip(path)
    for info in archive.infolist():
        if info.is_dir():
            continue
        match = MOODLE.match(info.filename)
        item = Item(f"{path.name}!{info.filename}", info.filename.rsplit("/", 1)[-1], _entry_reader(archive, info),
                    time=_entry_time(info))
        if not match:
            item.why = "the name does not follow Moodle's <Full Name>_<id>_assignsubmission_<kind>_<file> pattern"
            yield item
            continue
        item.filename = match["file"]
        if match["plugin"] != "file":
            item.status, item.note = "ignored", f"Moodle {match['plugin']} entry, not a file submission"
        keys = ["name:" + k for k in sorted(name_keys(match["name"]))]
        item.student, item.why = roster.find(*keys)
        yield item


def _notebooks(folder: Path):
    for path in sorted(folder.rglob("*")):
        if path.is_file() and ".ipynb_checkpoints" not in path.parts and not any(
                p.startswith(".") for p in path.relative_to(folder).parts):
            yield path


def from_folder(folder: Path, roster: Roster):
    for path in _notebooks(folder):
        rel = path.relative_to(folder)
        item = Item(str(path), path.name, _file_reader(path), time=dt.datetime.fromtimestamp(path.stat().st_mtime))
        keys = list(rel.parts[:-1][::-1]) + re.split(r"[_ ]+", path.stem)
        found = [(k, roster.find(k)[0]) for k in keys if roster.find(k)[0]]
        ids = {sid for _, sid in found}
        if len(ids) == 1:
            item.student = ids.pop()
        elif len(ids) > 1:
            item.why = f"the path names several students ({', '.join(sorted(ids))})"
        else:
            item.why = f"no part of {str(rel)!r} is a roster id, email or hub user"
        yield item


def from_hub(homes: Path, roster: Roster, course_folder: str, release: Path | None):
    blank = _release_sources(release)
    for home in sorted(p for p in Path(homes).iterdir() if p.is_dir()):
        user = home.name
        exercises = home / course_folder / "exercises"
        candidates = [user] + ([user[len("jupyter-"):]] if user.startswith("jupyter-") else [])
        sid, why = roster.find(*candidates)
        if not exercises.is_dir():
            if sid:
                yield Item(str(home), "", lambda: b"", student=sid, status="no course folder",
                           note=f"{home / course_folder / 'exercises'} does not exist (course never pulled?)")
            continue
        for path in sorted(exercises.glob("*.ipynb")):
            item = Item(str(path), path.name, _file_reader(path), student=sid, why=why or "",
                        time=dt.datetime.fromtimestamp(path.stat().st_mtime))
            if blank.get(path.name) is not None and _sources(path.read_bytes()) == blank[path.name]:
                item.status, item.note = "not started", "identical to the released exercise"
            yield item


def _sources(raw: bytes):
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
        return [("".join(c.get("source", "")) if isinstance(c.get("source"), list) else c.get("source", ""))
                for c in doc.get("cells", [])]
    except (ValueError, AttributeError, TypeError):
        return None


def _release_sources(release):
    if release is None or not (Path(release) / "exercises").is_dir():
        return {}
    return {p.name: _sources(p.read_bytes()) for p in (Path(release) / "exercises").glob("*.ipynb")}


# ---- lessons, lateness, duplicates ---------------------------------------------------------------

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


def detect(source: Path) -> str:
    source = Path(source)
    if source.is_dir():
        return "folder"
    if not source.exists():
        raise CourseError(f"{source} does not exist.")
    archive = _zip(source)
    names = [i.filename for i in archive.infolist() if not i.is_dir()]
    if any("_assignsubmission_" in n for n in names):
        return "moodle"
    if names and sum(bool(CANVAS.match(n.rsplit("/", 1)[-1])) for n in names) >= len(names) / 2:
        return "canvas"
    raise CourseError(f"{source} is a zip, but neither a Canvas nor a Moodle submissions download "
                      "(see `ceasefire collect --help` for the names each uses); unpack it and collect the folder.")


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
    items = []
    for source in sources:
        source = Path(source)
        found = kind if kind != "auto" else detect(source)
        reader = {"canvas": from_canvas, "moodle": from_moodle, "folder": from_folder}.get(found)
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

    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    report = []
    for (student, slug), (_, item) in sorted(chosen.items()):
        target = out / student / f"{slug}.ipynb"
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(item.read())
        late = item.late_mark or _is_late(item.time, when)
        if late:
            item.status = "late"
            why = "Canvas marked it LATE" if item.late_mark else f"handed in {item.time:%Y-%m-%d %H:%M}, after the deadline"
            item.note = "; ".join(n for n in (why, item.note) if n)
    expected = [lesson] if lesson else sorted({slug for _, slug in chosen})
    for item in items:
        name = roster.students.get(item.student or "", {}).get("name", "")
        report.append({"student": item.student or "", "name": name, "lesson": item.lesson, "status": item.status,
                       "source": item.source, "time": f"{item.time:%Y-%m-%d %H:%M:%S}" if item.time else "",
                       "note": item.note})
    for sid, entry in sorted(roster.students.items()):
        for slug in expected:
            if (sid, slug) not in chosen:
                report.append({"student": sid, "name": entry.get("name", ""), "lesson": slug, "status": "missing",
                               "source": "", "time": "", "note": "on the roster, nothing collected for this lesson"})
    order = {"collected": 0, "late": 1, "duplicate": 2, "unmatched": 3, "missing": 4, "not started": 5,
             "no course folder": 6, "ignored": 7}
    report.sort(key=lambda r: (order.get(r["status"], 9), r["lesson"], r["student"], r["source"]))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=REPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(report)
    (out / REPORT_NAME).write_text(buffer.getvalue(), encoding="utf-8")
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
