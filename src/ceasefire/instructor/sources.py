"""Where submissions come from, one reader per kind of source: a Canvas or Moodle zip, JupyterHub home
folders, or a plain folder. Each reader yields an Item per file found, with the student it names (matched
on the roster) or why none; ceasefire.instructor.collect decides what to keep. File-name conventions of
each LMS are described in collect's docstring.
"""

import datetime as dt
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ceasefire.errors import CourseError
from ceasefire.instructor.roster import Roster, name_keys

CANVAS = re.compile(r"^(?P<name>[a-z]*?)(?P<late>_(?i:late))?_(?P<uid>\d+)_(?P<sid>\d+)_(?P<file>.+)$")
MOODLE = re.compile(r"^(?P<name>[^/]+?)_(?P<pid>\d+)_assignsubmission_(?P<plugin>[a-z]+)_?(?:/|_)(?P<file>[^/]+)$")
RESUBMISSION = re.compile(r"-(\d+)$")


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
