"""How a source is cited in words: 'Reuters, 17 Sep 2016'. Plain text only; the HTML forms (lists with
links, inline citations) are in ceasefire.display.citations."""

import pandas as pd

from ceasefire.data.tables import load_table, split
from ceasefire.errors import CourseError


class UnknownSourceError(CourseError, ValueError):
    """A source id that data/sources.csv does not have."""


def short_date(day, *, month: str = "%b", year: bool = True) -> str:
    """'17 Sep 2016': how tables and citations write a date; '17 September 2016' with month="%B", '17 Sep'
    with year=False. The one date label of the course: no zero padding, no locale-dependent day names."""
    return f"{day.day} {day:{month}}" + (f" {day.year}" if year else "")


def parse_day(value) -> pd.Timestamp:
    """A day a reader gives as 'YYYY-MM-DD' (or a Timestamp at midnight), as a Timestamp; else a CourseError
    saying how to write it."""
    try:
        day = pd.Timestamp(value)
    except (ValueError, TypeError):
        day = pd.NaT
    if pd.isna(day):
        raise CourseError(f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2016-09-17.")
    if day != day.normalize():
        raise CourseError(f"{value!r} has a time of day; give a date only, e.g. 2016-09-17.")
    return day


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


def cited_rows(ids, sources: pd.DataFrame) -> list:
    """The sources.csv rows (as dicts with their source_id) for ';'-joined or listed ids, in that order."""
    return citation_maker(sources, dict)(ids)


def source_labels(ids, sources: pd.DataFrame) -> list:
    """The short labels (see source_label) of ';'-joined or listed source ids, in their order."""
    return source_labeller(sources)(ids)


def citation_maker(sources: pd.DataFrame, make):
    """For many cells citing the same sources: a function ids -> [make(row) for each cited row], in order,
    where a row is a dict of one sources.csv line; ids not in sources.csv are refused, all named at once.
    The rows are read once and each source's citation made once (a row looked up in pandas costs ~0.2 ms;
    a table or an explorer's list of events cites dozens). Rows are zipped from the columns' lists: the same
    dicts as to_dict("records"), about six times faster on sources.csv."""
    columns = list(sources.columns)
    rows = {row["source_id"]: row
            for row in (dict(zip(columns, values)) for values in zip(*(sources[c].tolist() for c in columns)))}
    made = {}

    def cite(ids) -> list:
        wanted = split(ids) if isinstance(ids, str) else list(ids)
        missing = [s for s in wanted if s not in rows]
        if missing:
            names = ", ".join(repr(s) for s in missing)
            raise UnknownSourceError(f"Unknown source id{'s' if len(missing) > 1 else ''}: {names} "
                                     f"{'are' if len(missing) > 1 else 'is'} not in sources.csv.")
        for sid in wanted:
            if sid not in made:
                made[sid] = make(rows[sid])
        return [made[sid] for sid in wanted]
    return cite


def source_labeller(sources: pd.DataFrame):
    """source_labels for many cells against the same sources: labeller(ids) -> labels."""
    return citation_maker(sources, source_label)


def joined_labels(cells, sources: pd.DataFrame) -> list:
    """A table's sources column as readable text: each cell's labels joined by '; ', one labeller for all."""
    label = source_labeller(sources)
    return ["; ".join(label(cell)) for cell in cells]


def sources_for(frame: pd.DataFrame, row_index, folder=None) -> pd.DataFrame:
    """The sources.csv rows behind one row of any table (by its index label)."""
    sources = load_table("sources", folder)
    wanted = split(frame.loc[row_index, "source"])
    return sources[sources["source_id"].isin(wanted)].reset_index(drop=True)
