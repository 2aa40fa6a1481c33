"""Load the course's data tables as validated pandas DataFrames.

Each table is described once, in TABLES: its file, its columns and what each column may hold, and
which other table a column points into. Loading checks every cell and every cross-reference and, if
anything is wrong, raises DataError with one line per problem naming the file, the line and the column,
so that a student or maintainer can go straight to it.
"""

import csv
import datetime as dt
import html
import io
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ceasefire.errors import CourseError, DataError
from ceasefire.paths import course_root, data_dir as default_data_dir

PARAGRAPH_IDS = tuple(f"P{n:02d}" for n in range(1, 20))
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

# What kind of document a source is. primary: the issuer's own publication (a government, the UN, an
# inquiry); wire/newspaper: a news agency or newspaper of record; press: other outlets; scholarly:
# research; partisan: an outlet speaking for one side (state media, party media), cited only for what
# that side said or did; reference: gazetteers and encyclopaedias (coordinates only).
SOURCE_KINDS = ("primary", "wire", "newspaper", "press", "scholarly", "partisan", "reference", "dataset",
                "article")
# Who is speaking: the outlet's or issuer's position. The side (an actors.csv id) is the party whose own
# words and deeds a source with that position can evidence; None for positions that speak for no party.
POSITION_SIDES = {
    "independent": None, "academic": None, "humanitarian": None, "advocacy": None, "un": None,
    "intergovernmental": None, "chinese-state-media": None, "qatari-state-funded": None,
    "kurdish-party-aligned": None, "us-government-funded": None,
    "us-government": "united-states", "russian-government": "russia", "russian-state-media": "russia",
    "russian-government-owned": "russia", "syrian-government": "syrian-government",
    "syrian-state-media": "syrian-government", "turkish-government": "turkey",
    "turkish-state-media": "turkey", "opposition-aligned": "opposition",
}
POSITIONS = tuple(POSITION_SIDES)
# What a timeline row reports: something that happened, what an inquiry or court found, or what one
# party said (its position, claim or accusation). Findings and positions name who speaks.
STATEMENTS = ("event", "finding", "position")
STATEMENT_KINDS = ("fact claim", "opinion", "recommendation", "question", "caption", "cross-link",
                   "disclaimer")
TOPICS = ("agreement-terms", "february-deal", "enforcement", "intelligence-sharing", "deconfliction",
          "assad", "opposition", "jfs-nusra", "isis", "russian-bases", "turkey", "kurds", "aleppo",
          "chemical-weapons", "casualties", "diplomacy", "sourcing")
SLIP_KINDS = ("spelling", "wording", "factual", "chronology", "overstatement", "omission")
# error: the record contradicts the column; debatable: the record allows the column's reading too, so the
# slip is a judgement about precision, not a mistake (lesson 01 shows both).
SLIP_VERDICTS = ("error", "debatable")
ACTOR_KINDS = ("state", "state-coalition", "armed-group", "political-body", "international-body")
ASSAD_STANCES = ("supports", "opposes", "undecided", "not-applicable", "unknown")
EVENT_CATEGORIES = ("diplomacy", "military", "humanitarian")
DATE_PRECISIONS = ("day", "approx", "month")
AGREEMENTS = ("feb-2016", "sep-2016")
ENFORCEMENT = ("none", "political", "mutual-withdrawal", "un-endorsement", "unknown")
OVERLAPS = ("shared", "partial", "opposed")
TIMELINE_SPAN = (dt.date(2013, 1, 1), dt.date(2017, 12, 31))   # 2017: the inquiries' later findings


@dataclass(frozen=True)
class Column:
    name: str
    kind: str                  # id, text, choice, date, month, moment, int, float, paragraph, url
    required: bool = True
    choices: tuple = ()
    multi: bool = False        # several values joined by ';'
    ref: str = ""              # table whose key the values must match ('lessons' = the manifest)
    bounds: tuple = ()         # (low, high) for numbers


@dataclass(frozen=True)
class Table:
    name: str
    filename: str
    key: str
    columns: tuple
    about: str
    checks: tuple = field(default=())   # extra whole-table checks: functions(frame_rows, label) -> problems

    @property
    def column_names(self):
        return tuple(c.name for c in self.columns)


def _src(required=True):
    return Column("source", "id", required=required, multi=True, ref="sources")


def _all_paragraphs_present(rows, label):
    found = [r["paragraph"] for r in rows]
    missing = [p for p in PARAGRAPH_IDS if p not in found]
    return [f"{label}: paragraph(s) {', '.join(missing)} have no row; the map needs P01 to P19."] if missing else []


def _timeline_span(rows, label):
    low, high = TIMELINE_SPAN
    return [f"{label}, line {r['_line']}, column 'date': {r['date']} is outside the course's span "
            f"{low} to {high}." for r in rows if isinstance(r["date"], dt.date) and not low <= r["date"] <= high]


def _speaker_named(rows, label):
    return [f"{label}, line {r['_line']}, column 'speaker': a {r['statement']} needs the actor who made it."
            for r in rows if r.get("statement") in ("finding", "position") and not r.get("speaker")]


def _phase_dates(rows, label):
    """A phase has a key date or both its own dates (not both, not neither), running forward."""
    found = []
    for r in rows:
        own = (r.get("start") is not None, r.get("end") is not None)
        if r.get("key_id") and any(own):
            found.append(f"{label}, line {r['_line']}: a phase with a key_id takes its dates from key_dates.csv; "
                         "leave 'start' and 'end' empty.")
        elif not r.get("key_id") and not all(own):
            found.append(f"{label}, line {r['_line']}: give both 'start' and 'end', or a key_id.")
    return found


def _in_order(first: str, last: str):
    """A table check: in every row the value of column `last` does not come before that of `first`."""
    def check(rows, label):
        return [f"{label}, line {r['_line']}: '{last}' ({r[last]}) is before '{first}' ({r[first]})."
                for r in rows if r.get(first) is not None and r.get(last) is not None and r[last] < r[first]]
    return check


TABLES = {t.name: t for t in (
    Table("sources", "sources.csv", "source_id", (
        Column("source_id", "id"), Column("kind", "choice", choices=SOURCE_KINDS),
        Column("position", "choice", choices=POSITIONS),
        Column("publisher", "text"), Column("title", "text"),
        Column("date", "date"), Column("date_precision", "choice", choices=DATE_PRECISIONS),
        Column("canonical", "text", required=False), Column("url", "url", required=False)),
        "every source cited by the other tables: publisher, title and date of the original; url is where we "
        "read it, and canonical names the original whenever that address is a copy"),
    Table("article_map", "article_map.csv", "paragraph", (
        Column("paragraph", "paragraph"), Column("kind", "choice", choices=STATEMENT_KINDS),
        Column("topics", "choice", choices=TOPICS, multi=True), Column("lesson", "id", ref="lessons"),
        Column("paraphrase", "text"), _src()),
        "one row per article paragraph, paraphrased", (_all_paragraphs_present,)),
    Table("slips", "slips.csv", "slip_id", (
        Column("slip_id", "text"), Column("paragraph", "paragraph", ref="article_map"),
        Column("article_says", "text"), Column("record_says", "text"),
        Column("kind", "choice", choices=SLIP_KINDS), Column("verdict", "choice", choices=SLIP_VERDICTS),
        _src()),
        "what a careful reader catches in the article; verdict says whether the record shows an error or "
        "only supports another reading (debatable)"),
    Table("actors", "actors.csv", "actor_id", (
        Column("actor_id", "id"), Column("name", "text"), Column("kind", "choice", choices=ACTOR_KINDS),
        Column("backers", "id", required=False, multi=True, ref="actors"),
        Column("designations", "text"), Column("stance_on_assad", "choice", choices=ASSAD_STANCES),
        Column("notes", "text", required=False), _src()),
        "the parties to the war and the diplomacy"),
    Table("places", "places.csv", "place_id", (
        Column("place_id", "id"), Column("name", "text"),
        Column("lat", "float", bounds=(-90, 90)), Column("lon", "float", bounds=(-180, 180)),
        Column("map_lat", "float", bounds=(-90, 90)), Column("map_lon", "float", bounds=(-180, 180)),
        Column("country", "text"), Column("kind", "text"), _src()),
        "places with coordinates (map_lat/map_lon nudged for display where the coarse coast misplaces them)"),
    Table("timeline", "timeline.csv", "", (
        Column("date", "date"), Column("date_precision", "choice", choices=DATE_PRECISIONS),
        Column("statement", "choice", choices=STATEMENTS),
        Column("speaker", "id", required=False, ref="actors"),
        Column("event", "text"), Column("category", "choice", choices=EVENT_CATEGORIES),
        Column("actors", "id", multi=True, ref="actors"),
        Column("place", "id", required=False, ref="places"),
        Column("paragraph", "paragraph", required=False, ref="article_map"), _src()),
        "dated events, findings and party positions, 2013 to 2017", (_timeline_span, _speaker_named)),
    Table("key_dates", "key_dates.csv", "key_id", (
        Column("key_id", "id"), Column("start", "moment"), Column("end", "moment"),
        Column("label", "text"), Column("actors", "id", multi=True, ref="actors"), _src()),
        "the dates that several lessons use (truce periods, the deal's start), defined once", (_in_order("start", "end"),)),
    # Sourced prose that lessons show (one home for it: loaded and checked like every table).
    # -- lesson 01 and 02 tables --
    Table("cooperation_ladder", "cooperation_ladder.csv", "step_id", (
        Column("step_id", "id"), Column("step", "text"), Column("shared", "text"), Column("status", "text"),
        Column("paragraph", "paragraph", ref="article_map"), Column("actors", "id", multi=True, ref="actors"),
        _src()),
        "lesson 02: three steps from keeping aircraft apart to fighting together, with their status in 2016"),
    Table("agreement_phases", "agreement_phases.csv", "phase_id", (
        Column("phase_id", "id"), Column("label", "text"),
        Column("start", "moment", required=False), Column("end", "moment", required=False),
        Column("key_id", "id", required=False, ref="key_dates"), Column("basis", "text"), _src()),
        "lesson 02: the phases of the timeline explorer; a phase with a key_id takes its dates from "
        "key_dates.csv (start and end left empty), the others are our own windows",
        (_phase_dates, _in_order("start", "end"))),
    Table("place_stops", "place_stops.csv", "stop_id", (
        Column("stop_id", "id"), Column("label", "text"), Column("place", "id", ref="places"),
        Column("note", "text"), Column("actors", "id", multi=True, ref="actors"), _src()),
        "lesson 02: the places of the map explorer, each with a note in our words and its sources"),
    Table("sep_statements", "sep_statements.csv", "statement_id", (
        Column("statement_id", "id"), Column("date", "date"),
        Column("voice", "choice", choices=("text", "position")),
        Column("speaker", "id", required=False, ref="actors"), Column("who", "text"), Column("said", "text"),
        Column("actors", "id", multi=True, ref="actors"), _src()),
        "lesson 02: what each side said about the Syrian air force under the September deal, beside what the "
        "published text says (voice 'text'); 'said' is our paraphrase"),
    Table("map_notes", "map_notes.csv", "note_id", (
        Column("note_id", "id"), Column("note", "text"), _src()),
        "notes that every offline map carries in its description (ceasefire.display.maps), with their sources"),
    # -- lesson 03 tables --
    Table("feb_causes", "feb_causes.csv", "cause_id", (
        Column("cause_id", "id"), Column("explanation", "text"),
        Column("lane", "choice", choices=("author", "record")), Column("offered_by", "text"),
        Column("paragraph", "paragraph", required=False, ref="article_map"),
        Column("evidence", "text", multi=True), Column("verdict", "text"), _src()),
        "lesson 03: explanations of the February collapse, who offers each, the timeline rows it rests on "
        "('YYYY-MM-DD word': the event that day whose text contains the word) and our reading"),
    Table("feb_gaps", "feb_gaps.csv", "gap_id", (
        Column("gap_id", "id"), Column("gap", "text"),
        Column("paragraph", "paragraph", multi=True, ref="article_map"),
        Column("february", "text", multi=True, ref="terms"), Column("september", "text", multi=True, ref="terms"),
        _src()),
        "lesson 03: the gaps the author sees in the September deal, with the February and September terms on each"),
    Table("ucdp_columns", "ucdp_columns.csv", "column", (
        Column("column", "text"), Column("meaning", "text"), _src()),
        "lesson 03: what each column of deaths_monthly.csv means, in one line"),
    Table("two_day_windows", "two_day_windows.csv", "window_id", (
        Column("window_id", "id"), Column("first", "date"), Column("last", "date"), Column("label", "text"),
        _src()),
        "lesson 03: two-day windows read from the daily UCDP table", (_in_order("first", "last"),)),
    Table("casualty_periods", "casualty_periods.csv", "key_id", (
        Column("key_id", "id", ref="key_dates"), Column("label", "text"),
        Column("actors", "id", multi=True, ref="actors"), _src()),
        "lesson 03: the key dates shaded on the death-count figures, with a short label"),
    Table("feb_text", "feb_text.csv", "provision_id", (
        Column("provision_id", "id"), Column("document", "text"), Column("part", "text"),
        Column("text", "text"), Column("plain", "text"), _src()),
        "lesson 03: provisions of resolution 2268 (2016) and its annex, quoted exactly, with a plain reading"),
    # -- lesson 04 tables --
    Table("jim_findings", "jim_findings.csv", "case_id", (
        Column("case_id", "id"), Column("month", "month"), Column("place", "text"), Column("agent", "text"),
        Column("attributed_to", "id", ref="actors"), Column("report", "text"), _src()),
        "chemical attacks the OPCW-UN Joint Investigative Mechanism attributed (an official finding), [P16]"),
    Table("defer_test", "defer_test.csv", "part_id", (
        Column("part_id", "id"), Column("part", "text"),
        Column("needs_damascus", "choice", choices=("yes", "indirectly", "no")), Column("record", "text"),
        Column("actors", "id", multi=True, ref="actors"), _src()),
        "lesson 04's test of [P17]: which parts of the September 2016 deal needed the Syrian government to act "
        "(the record, with sources; the column needs_damascus is our reading)"),
    Table("bases", "bases.csv", "place_id", (
        Column("place_id", "id", ref="places"), Column("role", "choice", choices=("base", "context")),
        Column("label", "text"), Column("note", "text"),
        Column("actors", "id", required=False, multi=True, ref="actors"), _src()),
        "the places on lesson 04's map of Russia's bases [P07], with what the record says of each base"),
    # -- lesson 05 tables --
    Table("aftermath_notes", "aftermath_notes.csv", "date", (
        Column("date", "date"), Column("note", "text"),
        Column("actors", "id", required=False, multi=True, ref="actors"), _src()),
        "lesson 05: notes the day-by-day explorer shows on particular days"),
    Table("aftermath_periods", "aftermath_periods.csv", "period_id", (
        Column("period_id", "id"), Column("label", "text"), Column("first", "text"), Column("last", "text"),
        _src()),
        "lesson 05: the periods the days are grouped into; first and last are a date or a key date's edge "
        "(sep-army-calm.start+1)",
        (lambda rows, label: [
            f"{label}, line {r['_line']}, column '{c}': {r[c]!r} is neither a date (YYYY-MM-DD) nor a key "
            f"date's edge such as sep-army-calm.start or us-suspension.end+1."
            for r in rows for c in ("first", "last")
            if r.get(c) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}|[a-z0-9]+(-[a-z0-9]+)*\.(start|end)([+-]\d+)?",
                                             r[c])],)),
    Table("aftermath_judgements", "aftermath_judgements.csv", "paragraph", (
        Column("paragraph", "paragraph", ref="article_map"),
        Column("kind", "choice", choices=("forecast", "recommendation")),
        Column("claim", "text"), Column("record", "text"),
        Column("actors", "id", required=False, multi=True, ref="actors"), _src(), Column("judgement", "text")),
        "lesson 05: the column's forecast and recommendations, the record after 12 Sep 2016, our judgement"),
    Table("terms", "terms.csv", "term_id", (
        Column("term_id", "text"), Column("agreement", "choice", choices=AGREEMENTS),
        Column("term", "text"), Column("parties", "id", multi=True, ref="actors"),
        Column("commitment", "text"), Column("verification", "text"),
        Column("enforcement", "choice", choices=ENFORCEMENT),
        Column("paragraph", "paragraph", required=False, ref="article_map"), _src()),
        "the terms of the February and September 2016 agreements"),
    Table("interests", "interests.csv", "issue_id", (
        Column("issue_id", "id"), Column("issue", "text"), Column("us_position", "text"),
        Column("russia_position", "text"), Column("overlap", "choice", choices=OVERLAPS),
        Column("paragraph", "paragraph", ref="article_map"), _src()),
        "issues on which US and Russian positions meet or collide"),
    Table("deaths_monthly", "deaths_monthly.csv", "month", (
        Column("month", "month"), Column("deaths", "int", bounds=(0, 10**6)),
        Column("deaths_low", "int", bounds=(0, 10**6)), Column("deaths_high", "int", bounds=(0, 10**6)),
        Column("civilians", "int", bounds=(0, 10**6)), Column("deaths_by_start", "int", bounds=(0, 10**6)),
        Column("deaths_prorated", "float", bounds=(0, 10**6)), _src()),
        "UCDP conflict deaths in Syria per month, derived by tools/derive.py"),
    Table("deaths_daily", "deaths_daily_2016.csv", "date", (
        Column("date", "date"), Column("deaths", "int", bounds=(0, 10**5)),
        Column("civilians", "int", bounds=(0, 10**5)), _src()),
        "UCDP deaths per day of 2016, events dated to the exact day only"),
)}


# ---- reading and checking ------------------------------------------------------------------------

def _label(path: Path) -> str:
    """How a file is named in messages: relative to the course root when it lies inside it."""
    try:
        return str(path.resolve().relative_to(course_root()))
    except (ValueError, CourseError):
        return str(path)


def _parse_cell(column: Column, raw: str):
    """Return (value, problem). Values keep their text form except dates and numbers."""
    text = raw.strip()
    if not text:
        return (None, "is empty but a value is required") if column.required else (None, None)
    values = text.split(";") if column.multi else [text]
    if column.multi and any(not v.strip() for v in values):
        return None, f"{text!r} has an empty item (values are separated by ';' with nothing between)"
    values = [v.strip() for v in values]
    for value in values:
        problem = _check_value(column, value)
        if problem:
            return None, problem
    if column.kind == "date":
        return dt.date.fromisoformat(text), None
    if column.kind == "month":
        return dt.date.fromisoformat(text + "-01"), None
    if column.kind == "moment":
        return dt.datetime.fromisoformat(text), None
    if column.kind == "int":
        return int(text), None
    if column.kind == "float":
        return float(text), None
    return ";".join(values), None


def _well_formed(value: str, pattern: str, parse) -> bool:
    """True when `value` has the written form `pattern` and is a real date or time (no 31 April)."""
    try:
        return bool(re.fullmatch(pattern, value)) and parse(value) is not None
    except ValueError:
        return False


def _check_value(column: Column, value: str):
    kind = column.kind
    if kind == "id" and not SLUG.match(value):
        return f"{value!r} is not an id (lower-case words joined by '-')"
    if kind == "choice" and value not in column.choices:
        return f"{value!r} is not allowed; use one of: {', '.join(column.choices)}"
    if kind == "paragraph" and value not in PARAGRAPH_IDS:
        return f"{value!r} is not an article paragraph id (P01 to P19)"
    if kind == "date" and not _well_formed(value, r"\d{4}-\d{2}-\d{2}", dt.date.fromisoformat):
        return f"{value!r} is not a valid date (write it as YYYY-MM-DD, e.g. 2016-09-12)"
    if kind == "moment" and not _well_formed(value, r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?", dt.datetime.fromisoformat):
        return f"{value!r} is not a valid date or time (YYYY-MM-DD or YYYY-MM-DD HH:MM, local time)"
    if kind == "month" and not _well_formed(value, r"\d{4}-\d{2}", lambda v: dt.date.fromisoformat(v + "-01")):
        return f"{value!r} is not a valid month (write it as YYYY-MM, e.g. 2016-04)"
    if kind in ("int", "float"):
        try:
            number = int(value) if kind == "int" else float(value)
        except ValueError:
            return f"{value!r} is not a {'whole ' if kind == 'int' else ''}number"
        if kind == "float" and not math.isfinite(number):
            return f"{value!r} is not a finite number"
        if column.bounds and not column.bounds[0] <= number <= column.bounds[1]:
            return f"{value} is outside the allowed range {column.bounds[0]} to {column.bounds[1]}"
    if kind == "url" and not re.match(r"^https?://\S+$", value):
        return f"{value!r} is not a web address (http:// or https://)"
    return None


def read_rows(table: Table, path: Path):
    """Parse one CSV file against its table description. Returns (rows, problems); rows are dicts with
    parsed values and the file line number under '_line'."""
    label = _label(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return [], [f"{label} is missing. Restore it with `git checkout -- {label}` "
                    f"(derived tables: `make data`)."]
    except UnicodeDecodeError as exc:
        return [], [f"{label} is not UTF-8 text (byte {exc.start}); save it again as UTF-8 CSV."]
    except OSError as exc:
        return [], [f"{label} cannot be read: {exc.strerror}."]
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        return [], [f"{label} is not well-formed CSV: {exc}."]
    if not records or not any(field.strip() for field in records[0]):
        return [], [f"{label} is empty; its first line should be the header: {','.join(table.column_names)}."]
    header = [h.strip() for h in records[0]]
    if tuple(header) != table.column_names:
        missing = [c for c in table.column_names if c not in header]
        extra = [c for c in header if c not in table.column_names]
        detail = "; ".join(filter(None, [missing and f"missing: {', '.join(missing)}",
                                         extra and f"unexpected: {', '.join(extra)}"])) or "wrong order"
        return [], [f"{label}, line 1 (header): columns should be {','.join(table.column_names)} ({detail})."]
    rows, problems = [], []
    for line, record in enumerate(records[1:], start=2):
        if not any(field.strip() for field in record):
            continue   # a blank line at the end of a hand-edited file is harmless
        if len(record) != len(header):
            problems.append(f"{label}, line {line}: has {len(record)} fields, expected {len(header)} "
                            f"(a comma inside a text needs the whole text in double quotes).")
            continue
        row = {"_line": line}
        for column, raw in zip(table.columns, record):
            value, problem = _parse_cell(column, raw)
            if problem:
                problems.append(f"{label}, line {line}, column '{column.name}': {problem}.")
            row[column.name] = value
        rows.append(row)
    if not rows and not problems:
        problems.append(f"{label} has a header but no rows.")
    if table.key:
        seen = {}
        for row in rows:
            key = row.get(table.key)
            if key is not None and key in seen:
                problems.append(f"{label}, line {row['_line']}, column '{table.key}': {key} repeats line {seen[key]}.")
            seen.setdefault(key, row["_line"])
    for check in table.checks:
        problems.extend(check(rows, label))
    return rows, problems


def _reference_keys(ref: str, folder: Path, root, cache):
    if ref == "lessons":
        from ceasefire.manifest import load_course
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
    label = _label(folder / table.filename)
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
                    problems.append(f"{label}, line {row['_line']}, column '{column.name}': "
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


def load_table(name: str, folder=None, root=None) -> pd.DataFrame:
    """Load one table by name (see TABLES) as a DataFrame, checked cell by cell and against the
    tables it refers to. Multi-valued cells stay as text joined by ';' (see `split`)."""
    if name not in TABLES:
        raise CourseError(f"There is no table called {name!r}. Tables: {', '.join(TABLES)}.")
    folder = Path(folder) if folder else default_data_dir(root)
    return _to_frame(TABLES[name], _load_rows(name, folder, root, {}))


def check_all(folder=None, root=None) -> list:
    """Check every table and the outline; return a list of problems (empty when all is well)."""
    folder = Path(folder) if folder else default_data_dir(root)
    problems = []
    for name in TABLES:
        try:
            _load_rows(name, folder, root, {})
        except DataError as exc:
            problems.extend(p for p in exc.problems if p not in problems)
    try:
        load_outline(folder)
    except DataError as exc:
        problems.extend(exc.problems)
    if not problems:
        from ceasefire.data import sourcing# the source rules need well-formed tables to read
        problems.extend(sourcing.problems(folder))
    return problems


def split(value: str) -> list:
    """The items of a ';'-joined cell: split('russia;iran') -> ['russia', 'iran']."""
    return [item for item in str(value).split(";") if item]


def sources_for(frame: pd.DataFrame, row_index, folder=None) -> pd.DataFrame:
    """The sources.csv rows behind one row of any table (by its index label)."""
    sources = load_table("sources", folder)
    wanted = split(frame.loc[row_index, "source"])
    return sources[sources["source_id"].isin(wanted)].reset_index(drop=True)


# ---- citing sources --------------------------------------------------------------------------------

class UnknownSourceError(CourseError, ValueError):
    """A source id that data/sources.csv does not have."""


def short_date(day) -> str:
    """'17 Sep 2016': how tables and citations write a date."""
    return f"{day.day} {day:%b %Y}"


def source_label(row, full: bool = False) -> str:
    """How one sources.csv row (a dict or Series with its source_id) is cited: 'Reuters, 17 Sep 2016'.

    Short by default, for a table's sources column: the publisher alone when the date is unknown, and
    'the column itself' for the article. full=True, for a citation that stands on its own:
    'Sputnik, undated', and the column's publisher and month."""
    if row["source_id"] == "article":
        return "the column itself (Russia Direct, September 2016)" if full else "the column itself"
    date = row["date"]
    if pd.isna(date):
        return f"{row['publisher']}, undated" if full else str(row["publisher"])
    if row.get("date_precision") == "month":
        return f"{row['publisher']}, {date:%b %Y}"
    if row.get("date_precision") == "approx":
        return f"{row['publisher']}, about {short_date(date)}"
    return f"{row['publisher']}, {short_date(date)}"


def _cited_rows(ids, sources: pd.DataFrame) -> list:
    """The sources.csv rows (as dicts with their source_id) for ';'-joined or listed ids, in that order."""
    wanted = split(ids) if isinstance(ids, str) else list(ids)
    table = sources.set_index("source_id")
    missing = [s for s in wanted if s not in table.index]
    if missing:
        names = ", ".join(repr(s) for s in missing)
        raise UnknownSourceError(f"Unknown source id{'s' if len(missing) > 1 else ''}: {names} "
                                 f"{'are' if len(missing) > 1 else 'is'} not in sources.csv.")
    return [{**table.loc[sid].to_dict(), "source_id": sid} for sid in wanted]


def source_labels(ids, sources: pd.DataFrame) -> list:
    """The short labels (see source_label) of ';'-joined or listed source ids, in their order."""
    return [source_label(row) for row in _cited_rows(ids, sources)]


def _link(url: str, text: str) -> str:
    return f'<a href="{html.escape(url)}" target="_blank" rel="noopener">{text}</a>'


def sources_html(ids, sources: pd.DataFrame) -> str:
    """An HTML list of sources (publisher, date, kind, title, link) for ';'-joined or listed ids."""
    items = []
    for row in _cited_rows(ids, sources):
        label = html.escape(source_label(row, full=True))
        who = html.escape(row["kind"] + ("" if row.get("position") in ("", "independent", None)
                                          else f"; {row['position'].replace('-', ' ')}"))
        original = f" Original: {html.escape(row['canonical'])}." if row.get("canonical") else ""
        link = f" {_link(row['url'], 'consulted copy' if original else 'link')}" if row["url"] else ""
        items.append(f"<li><b>{label}</b> ({who}): {html.escape(row['title'])}.{original}{link} "
                     f"<code>{html.escape(row['source_id'])}</code></li>")
    return "<ul>" + "".join(items) + "</ul>"


def sources_inline(ids, sources: pd.DataFrame) -> str:
    """Short HTML citation for ';'-joined or listed ids: 'Reuters, 17 Sep 2016 (wire); ...', each linked."""
    parts = []
    for row in _cited_rows(ids, sources):
        label = html.escape(source_label(row, full=True))
        parts.append(f"{_link(row['url'], label) if row['url'] else label} ({html.escape(row['kind'])})")
    return "; ".join(parts)


# Named loaders, so that lessons read naturally: ceasefire.data.timeline()
def article_map(folder=None): return load_table("article_map", folder)
def sources(folder=None): return load_table("sources", folder)
def slips(folder=None): return load_table("slips", folder)
def actors(folder=None): return load_table("actors", folder)
def places(folder=None): return load_table("places", folder)
def timeline(folder=None): return load_table("timeline", folder)
def terms(folder=None): return load_table("terms", folder)
def interests(folder=None): return load_table("interests", folder)
def deaths_monthly(folder=None): return load_table("deaths_monthly", folder)
def deaths_daily(folder=None): return load_table("deaths_daily", folder)
def key_dates(folder=None): return load_table("key_dates", folder)


def key_date(key_id: str, folder=None) -> tuple:
    """(start, end) of one key date of key_dates.csv as Timestamps: key_date("sep-army-calm")."""
    table = key_dates(folder).set_index("key_id")
    if key_id not in table.index:
        raise CourseError(f"There is no key date {key_id!r} in key_dates.csv. Known: {', '.join(table.index)}.")
    return table.loc[key_id, "start"], table.loc[key_id, "end"]


# ---- the base map ----------------------------------------------------------------------------------

OUTLINE_FILE = "syria_outline.geojson"


def load_outline(folder=None) -> pd.DataFrame:
    """Country outlines as one row per vertex: country, role ('focus' for Syria), ring, order, lon, lat.
    Rings are what plotly needs to draw each polygon as a closed line, with no map tiles or internet."""
    folder = Path(folder) if folder else default_data_dir()
    path = folder / OUTLINE_FILE
    label = _label(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{label} is missing. Rebuild it with `make data`.") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"{label} is not valid GeoJSON text: {exc}.") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise DataError(f"{label}: expected a GeoJSON FeatureCollection with a 'features' list.")
    records, ring_no = [], 0
    for n, feature in enumerate(doc["features"], start=1):
        if not isinstance(feature, dict):
            raise DataError(f"{label}, feature {n}: expected a GeoJSON Feature object.")
        props = feature.get("properties") or {}
        geom = feature.get("geometry") or {}
        name = props.get("name")
        if not name or props.get("role") not in ("focus", "context"):
            raise DataError(f"{label}, feature {n}: needs properties 'name' and 'role' (focus or context).")
        if geom.get("type") == "Polygon":
            polygons = [geom.get("coordinates")]
        elif geom.get("type") == "MultiPolygon":
            polygons = geom.get("coordinates")
        else:
            raise DataError(f"{label}, feature {n} ({name}): geometry must be a Polygon or MultiPolygon.")
        for polygon in polygons or []:
            for ring in polygon or []:
                ring_no += 1
                for order, point in enumerate(ring):
                    ok = (isinstance(point, list) and len(point) >= 2 and all(
                        isinstance(v, (int, float)) and not isinstance(v, bool) for v in point[:2])
                        and -180 <= point[0] <= 180 and -90 <= point[1] <= 90)
                    if not ok:
                        raise DataError(f"{label}, feature {n} ({name}), vertex {order + 1}: {point!r} is not a "
                                        "[longitude, latitude] pair.")
                    records.append((name, props["role"], ring_no, order, float(point[0]), float(point[1])))
    if not records:
        raise DataError(f"{label} has no outline vertices.")
    return pd.DataFrame(records, columns=["country", "role", "ring", "order", "lon", "lat"])
