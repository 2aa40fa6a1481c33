"""The course's data tables described once: each table's file, its columns and what each column may hold,
which other table a column points into, and the whole-table checks. ceasefire.data.tables reads and
checks the CSV files against these descriptions.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

PARAGRAPH_IDS = tuple(f"P{n:02d}" for n in range(1, 20))
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")   # an id: lower-case words joined by "-"

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


PERIOD_EDGE = re.compile(r"\d{4}-\d{2}-\d{2}|[a-z0-9]+(-[a-z0-9]+)*\.(start|end)([+-]\d+)?")


def _period_edges(rows, label):
    """A period's first and last day: a date, or a key date's edge with an optional shift in days."""
    return [f"{label}, line {r['_line']}, column '{c}': {r[c]!r} is neither a date (YYYY-MM-DD) nor a key "
            f"date's edge such as sep-army-calm.start or us-suspension.end+1."
            for r in rows for c in ("first", "last") if r.get(c) and not PERIOD_EDGE.fullmatch(r[c])]


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
        (_period_edges,)),
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
