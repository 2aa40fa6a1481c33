"""Load the course's data tables as validated pandas DataFrames: `data.timeline()`, `data.sources()` ...

Each table is described once, in TABLES (ceasefire.data.schema): its file, its columns and what each
column may hold, and which other table a column points into. Loading (ceasefire.data.tables) checks every
cell and every cross-reference and, if anything is wrong, raises DataError with one line per problem
naming the file, the line and the column, so that a student or maintainer can go straight to it.

The package:
- schema.py    the table descriptions (Column, Table, TABLES) and the vocabularies they use
- tables.py    reading and checking one CSV file, cross-references, load_table
- outline.py   the base map's country outlines (GeoJSON)
- citing.py    how a source is cited in words ('Reuters, 17 Sep 2016')
- sourcing.py  the sourcing rules across tables (who may evidence what)
This layer renders no HTML and draws nothing: that is ceasefire.display.
"""

from pathlib import Path

from ceasefire.data import sourcing
from ceasefire.data.citing import (UnknownSourceError, cited_rows, joined_labels, short_date, source_label,
                                   source_labeller, source_labels, sources_for)
from ceasefire.data.outline import OUTLINE_FILE, load_outline
from ceasefire.data.schema import (ACTOR_KINDS, AGREEMENTS, ASSAD_STANCES, DATE_PRECISIONS, ENFORCEMENT,
                                   EVENT_CATEGORIES, ID_PATTERN, OVERLAPS, PARAGRAPH_IDS, POSITION_SIDES,
                                   POSITIONS, SLIP_KINDS, SLIP_VERDICTS, SOURCE_KINDS, STATEMENT_KINDS,
                                   STATEMENTS, TABLES, TIMELINE_SPAN, TOPICS, Column, Table)
from ceasefire.data.tables import PARSERS, check_tables, label, load_table, parse_cell, read_rows, split
from ceasefire.errors import CourseError, DataError
from ceasefire.paths import course_root, data_dir as default_data_dir

__all__ = [
    "ACTOR_KINDS", "AGREEMENTS", "ASSAD_STANCES", "DATE_PRECISIONS", "ENFORCEMENT", "EVENT_CATEGORIES",
    "ID_PATTERN", "OVERLAPS", "PARAGRAPH_IDS", "POSITION_SIDES", "POSITIONS", "SLIP_KINDS", "SLIP_VERDICTS",
    "SOURCE_KINDS", "STATEMENT_KINDS", "STATEMENTS", "TABLES", "TIMELINE_SPAN", "TOPICS", "Column", "Table",
    "PARSERS", "check_tables", "label", "load_table", "parse_cell", "read_rows", "split", "check_all",
    "OUTLINE_FILE", "load_outline", "UnknownSourceError", "cited_rows", "short_date", "source_label",
    "joined_labels", "source_labeller", "source_labels", "sources_for", "CourseError", "DataError", "course_root",
    "default_data_dir", "sourcing",
    "article_map", "sources", "slips", "actors", "places", "timeline", "terms", "interests", "deaths_monthly",
    "deaths_daily", "key_dates", "key_date",
]


def check_all(folder=None, root=None) -> list:
    """Check every table and the outline; return a list of problems (empty when all is well)."""
    folder = Path(folder) if folder else default_data_dir(root)
    problems = check_tables(folder, root)
    try:
        load_outline(folder)
    except DataError as exc:
        problems.extend(exc.problems)
    if not problems:   # the sourcing rules need well-formed tables to read
        problems.extend(sourcing.problems(folder))
    return problems


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
    table = key_dates(folder)
    keys = table["key_id"].tolist()     # a list, not set_index: explorers ask for key dates on every build
    if key_id not in keys:
        raise CourseError(f"There is no key date {key_id!r} in key_dates.csv. Known: {', '.join(keys)}.")
    row = keys.index(key_id)
    return table["start"].iloc[row], table["end"].iloc[row]
