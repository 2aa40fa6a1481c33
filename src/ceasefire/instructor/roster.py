"""The class roster: a CSV with columns id, name, email (optional canvas_id, hub_user), the only source of
student ids when collecting submissions (ceasefire.instructor.collect) and exporting grades.

Each student can be found by any of: id, email, the email's local part, hub_user, canvas_id, or the name
as LMS file names write it (letters only, first-last or last-first).
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ceasefire.errors import CourseError


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
