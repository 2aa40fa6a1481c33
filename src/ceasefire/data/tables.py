"""Reading the CSV tables described in ceasefire.data.schema, checking every cell and cross-reference.

Loading checks every cell and every cross-reference and, if anything is wrong, raises DataError with one
line per problem naming the file, the line and the column, so that a student or maintainer can go
straight to it. Tables that loaded cleanly are kept until a file of their folder changes (see load_table).
"""

import csv
import datetime as dt
import hashlib
import io
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from time import time_ns

import pandas as pd

from ceasefire.data.schema import ID_PATTERN, PARAGRAPH_IDS, TABLES, Column, Table
from ceasefire.errors import CourseError, DataError
from ceasefire.paths import MANIFEST_NAME, course_root, data_dir as default_data_dir


def label(path: Path) -> str:
    """How a file is named in messages: relative to the course root when it lies inside it."""
    try:
        return str(path.resolve().relative_to(course_root()))
    except (ValueError, CourseError):
        return str(path)


# ---- one value of a cell: kind -> parser(value, column) returning (parsed value, problem or None) ----

def _as_text(value: str, column: Column):
    return value, None


def _as_id(value: str, column: Column):
    return (value, None) if ID_PATTERN.match(value) else (None, f"{value!r} is not an id (lower-case words joined by '-')")


def _as_choice(value: str, column: Column):
    if value in column.choices:
        return value, None
    return None, f"{value!r} is not allowed; use one of: {', '.join(column.choices)}"


def _as_paragraph(value: str, column: Column):
    return (value, None) if value in PARAGRAPH_IDS else (None, f"{value!r} is not an article paragraph id (P01 to P19)")


def _as_url(value: str, column: Column):
    return (value, None) if re.match(r"^https?://\S+$", value) else (None, f"{value!r} is not a web address (http:// or https://)")


def _dated(pattern: str, parse, problem: str):
    """A parser for a written date or time: `value` must have the form `pattern` and be a real date (no 31 April)."""
    def parser(value: str, column: Column):
        try:
            if re.fullmatch(pattern, value):
                return parse(value), None
        except ValueError:
            pass
        return None, f"{value!r} {problem}"
    return parser


def _in_bounds(number, value: str, column: Column):
    low_high = column.bounds
    if low_high and not low_high[0] <= number <= low_high[1]:
        return None, f"{value} is outside the allowed range {low_high[0]} to {low_high[1]}"
    return number, None


def _as_int(value: str, column: Column):
    try:
        number = int(value)
    except ValueError:
        return None, f"{value!r} is not a whole number"
    return _in_bounds(number, value, column)


def _as_float(value: str, column: Column):
    try:
        number = float(value)
    except ValueError:
        return None, f"{value!r} is not a number"
    return _in_bounds(number, value, column) if math.isfinite(number) else (None, f"{value!r} is not a finite number")


PARSERS = {
    "text": _as_text, "id": _as_id, "choice": _as_choice, "paragraph": _as_paragraph, "url": _as_url,
    "date": _dated(r"\d{4}-\d{2}-\d{2}", dt.date.fromisoformat,
                   "is not a valid date (write it as YYYY-MM-DD, e.g. 2016-09-12)"),
    "month": _dated(r"\d{4}-\d{2}", lambda v: dt.date.fromisoformat(v + "-01"),
                    "is not a valid month (write it as YYYY-MM, e.g. 2016-04)"),
    "moment": _dated(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?", dt.datetime.fromisoformat,
                     "is not a valid date or time (YYYY-MM-DD or YYYY-MM-DD HH:MM, local time)"),
    "int": _as_int, "float": _as_float,
}


def parse_cell(column: Column, raw: str):
    """Return (value, problem). Values keep their text form except dates and numbers; a multi-valued cell
    stays text joined by ';'."""
    text = raw.strip()
    if not text:
        return (None, "is empty but a value is required") if column.required else (None, None)
    values = text.split(";") if column.multi else [text]
    if column.multi and any(not v.strip() for v in values):
        return None, f"{text!r} has an empty item (values are separated by ';' with nothing between)"
    parsed = []
    for value in (v.strip() for v in values):
        result, problem = PARSERS[column.kind](value, column)
        if problem:
            return None, problem
        parsed.append(result)
    return (";".join(parsed), None) if column.multi else (parsed[0], None)


# ---- one file ------------------------------------------------------------------------------------------

def _records(table: Table, path: Path, name: str):
    """The file's records after its header, or a problem: missing, unreadable, not CSV, wrong header."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return None, f"{name} is missing. Restore it with `git checkout -- {name}` (derived tables: `make data`)."
    except UnicodeDecodeError as exc:
        return None, f"{name} is not UTF-8 text (byte {exc.start}); save it again as UTF-8 CSV."
    except OSError as exc:
        return None, f"{name} cannot be read: {exc.strerror}."
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        return None, f"{name} is not well-formed CSV: {exc}."
    if not records or not any(field.strip() for field in records[0]):
        return None, f"{name} is empty; its first line should be the header: {','.join(table.column_names)}."
    header = tuple(h.strip() for h in records[0])
    if header != table.column_names:
        missing = [c for c in table.column_names if c not in header]
        extra = [c for c in header if c not in table.column_names]
        detail = "; ".join(filter(None, [missing and f"missing: {', '.join(missing)}",
                                         extra and f"unexpected: {', '.join(extra)}"])) or "wrong order"
        return None, f"{name}, line 1 (header): columns should be {','.join(table.column_names)} ({detail})."
    return records[1:], None


def _parse_records(table: Table, records, name: str):
    """Rows (dicts of parsed values, the file line under '_line') and the problems of their cells."""
    rows, problems = [], []
    width = len(table.columns)
    for line, record in enumerate(records, start=2):
        if not any(field.strip() for field in record):
            continue   # a blank line at the end of a hand-edited file is harmless
        if len(record) != width:
            problems.append(f"{name}, line {line}: has {len(record)} fields, expected {width} "
                            f"(a comma inside a text needs the whole text in double quotes).")
            continue
        row = {"_line": line}
        for column, raw in zip(table.columns, record):
            value, problem = parse_cell(column, raw)
            if problem:
                problems.append(f"{name}, line {line}, column '{column.name}': {problem}.")
            row[column.name] = value
        rows.append(row)
    return rows, problems


def _repeated_keys(table: Table, rows, name: str) -> list:
    seen, problems = {}, []
    for row in rows:
        key = row.get(table.key)
        if key is not None and key in seen:
            problems.append(f"{name}, line {row['_line']}, column '{table.key}': {key} repeats line {seen[key]}.")
        seen.setdefault(key, row["_line"])
    return problems


def read_rows(table: Table, path: Path):
    """Parse one CSV file against its table description. Returns (rows, problems); rows are dicts with
    parsed values and the file line number under '_line'."""
    name = label(path)
    records, problem = _records(table, path, name)
    if problem:
        return [], [problem]
    rows, problems = _parse_records(table, records, name)
    if not rows and not problems:
        problems.append(f"{name} has a header but no rows.")
    if table.key:
        problems.extend(_repeated_keys(table, rows, name))
    for check in table.checks:
        problems.extend(check(rows, name))
    return rows, problems


# ---- tables and the tables they refer to ----------------------------------------------------------------

def _reference_keys(ref: str, folder: Path, root, cache):
    if ref == "lessons":
        from ceasefire.manifest import load_course   # the manifest reads data ids too: import when needed
        return set(load_course(root).slugs)
    rows = _load_rows(ref, folder, root, cache)
    return {row[TABLES[ref].key] for row in rows}


def _load_rows(name: str, folder: Path, root, cache):
    if name in cache:
        return cache[name]
    table = TABLES[name]
    cache[name] = []          # guards against a table referring to itself (actors.backers)
    rows, problems = read_rows(table, folder / table.filename)
    if problems:
        raise DataError(problems)
    cache[name] = rows
    where = label(folder / table.filename)
    for column in table.columns:
        if not column.ref:
            continue
        keys = ({row[table.key] for row in rows} if column.ref == name
                else _reference_keys(column.ref, folder, root, cache))
        target = "course.yml lessons" if column.ref == "lessons" else TABLES[column.ref].filename
        for row in rows:
            if row[column.name] is None:
                continue
            for value in str(row[column.name]).split(";"):
                if value not in keys:
                    problems.append(f"{where}, line {row['_line']}, column '{column.name}': "
                                    f"{value!r} is not in {target}.")
    if problems:
        raise DataError(problems)
    return rows


def _to_frame(table: Table, rows) -> pd.DataFrame:
    frame = pd.DataFrame([{k: v for k, v in row.items() if k != "_line"} for row in rows],
                         columns=list(table.column_names))
    for column in table.columns:
        if column.kind in ("date", "month", "moment"):
            frame[column.name] = pd.to_datetime(frame[column.name])
        elif column.kind == "int":
            frame[column.name] = frame[column.name].astype("int64")
        elif column.kind == "float":
            frame[column.name] = frame[column.name].astype("float64")
        else:
            frame[column.name] = frame[column.name].fillna("").astype(str)
    frame.attrs["source_table"] = table.filename
    return frame


# Tables already parsed, cross-checked and made into DataFrames, per data folder and course root. A lesson
# asks for the same tables in many cells, and one explorer's build may ask a dozen times (checking
# key_dates.csv with what it refers to takes ~3 ms, timeline.csv ~10 ms). An entry serves only while the
# bytes of every CSV in the folder and of course.yml are what they were, so an edited file, even one edited
# within the same second and to the same size, is read and checked again.
# Hashing the files (~0.5 ms) is skipped while their status (inode, size, modification and change times) is
# the one seen when they were last hashed: any write, rename or `touch` moves the change time, which no
# program can set back. Unless a file had changed less than SETTLED_NS before that hash: a file system's
# clock ticks coarsely, and a second edit within the same tick would leave the times as they were; such
# files are hashed again on every call until they have settled (the rule git uses for its index).
# Only the last few folders are kept (a test run makes hundreds of data copies; a kernel uses one folder).
_PARSED: dict = {}
KEPT_FOLDERS = 4
SETTLED_NS = 2_000_000_000      # 2 s: FAT's clock tick, more than any other file system's


@dataclass
class _Kept:
    digest: bytes
    status: tuple | None        # what the files' status was when hashed, if it can be trusted: see above
    rows: dict = field(default_factory=dict)
    frames: dict = field(default_factory=dict)


def _watched(folder: Path, manifest) -> list:
    """The files a folder's kept tables depend on, as (name, path) strings in a fixed order (os.scandir, not
    Path.glob: this runs on every load_table call, and pathlib's objects cost it 0.3 ms)."""
    try:
        with os.scandir(folder) as entries:
            files = sorted((entry.name, entry.path) for entry in entries if entry.name.endswith(".csv"))
    except OSError:     # no such folder: loading will say so
        files = []
    return files + ([(manifest.name, str(manifest))] if manifest else [])


def _status(files) -> tuple:
    status = []
    for name, path in files:
        try:
            stat = os.stat(path)
        except OSError:     # gone, or unreadable: loading will say so
            status.append((name,))
            continue
        status.append((name, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns))
    return tuple(status)


def _settled(status: tuple, hashed_at_ns: int) -> bool:
    """Whether every file had last changed well before it was hashed (see the note above _PARSED)."""
    return all(max(entry[3:]) < hashed_at_ns - SETTLED_NS for entry in status if len(entry) > 1)


def _files_digest(files) -> bytes:
    digest = hashlib.blake2b(digest_size=16)
    for name, path in files:
        digest.update(name.encode() + b"\0")
        try:
            with open(path, "rb") as handle:
                digest.update(handle.read())
        except OSError:     # gone, or unreadable: loading will say so
            digest.update(b"\1")
    return digest.digest()


def _kept(folder: Path, manifest) -> _Kept:
    """The folder's entry in _PARSED, made afresh if a file's bytes changed since it was made."""
    key = (folder.resolve(), manifest)
    files = _watched(folder, manifest)
    status, kept = _status(files), _PARSED.get(key)
    if kept is not None and kept.status is not None and kept.status == status:
        return kept
    hashed_at = time_ns()
    digest = _files_digest(files)
    if kept is None or kept.digest != digest:
        _PARSED.pop(key, None)
        while len(_PARSED) >= KEPT_FOLDERS:
            del _PARSED[next(iter(_PARSED))]    # the folder loaded longest ago
        kept = _PARSED[key] = _Kept(digest, None)
    kept.status = status if _settled(status, hashed_at) else None
    return kept


def _manifest(root):
    try:
        return (Path(root) if root else course_root()) / MANIFEST_NAME
    except CourseError:     # no course around this data folder; only a table referring to lessons needs one
        return None


def load_table(name: str, folder=None, root=None) -> pd.DataFrame:
    """Load one table by name (see TABLES) as a DataFrame, checked cell by cell and against the
    tables it refers to. Multi-valued cells stay as text joined by ';' (see `split`). Each call returns a
    new DataFrame: changing one never changes what the next call returns."""
    if name not in TABLES:
        raise CourseError(f"There is no table called {name!r}. Tables: {', '.join(TABLES)}.")
    folder = Path(folder) if folder else default_data_dir(root)
    manifest = _manifest(root)
    kept = _kept(folder, manifest)
    if name not in kept.frames:
        try:
            kept.frames[name] = _to_frame(TABLES[name], _load_rows(name, folder, root, kept.rows))
        except BaseException:
            # a failed load leaves placeholders among the rows: never serve them
            _PARSED.pop((folder.resolve(), manifest), None)
            raise
    return kept.frames[name].copy()


def check_tables(folder: Path, root=None) -> list:
    """Every problem of every table in `folder` (each listed once), or an empty list."""
    problems = []
    for name in TABLES:
        try:
            _load_rows(name, folder, root, {})
        except DataError as exc:
            problems.extend(p for p in exc.problems if p not in problems)
    return problems


def split(value: str) -> list:
    """The items of a ';'-joined cell: split('russia;iran') -> ['russia', 'iran']."""
    return [item for item in str(value).split(";") if item]
