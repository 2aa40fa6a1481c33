"""Lesson 03, "Why the February truce failed": the February 2016 terms and the text the Security Council
endorsed, the timeline around them, the causes of the collapse set against the record, the gaps the author
sees, and the RateConverter widget.

The lesson's other parts live in their own modules and the notebook reaches them through this one:
lesson03_deaths (the UCDP death counts and their figures), lesson03_rates (the "every 25 minutes"
conversion) and lesson03_durability (the teaching model).

Everything here is built from the course data (data/*.csv, loaded by ceasefire.data). The sourced prose
the lesson shows lives in data tables, each row with its sources: feb_text.csv (provisions of resolution
2268 and its annex, quoted), feb_causes.csv (the explanations of the collapse, who offers each, and the
timeline rows they rest on), feb_gaps.csv (the gaps the author sees, with the terms on each). This module
only selects, joins and draws.
"""

import re

import pandas as pd
import plotly.graph_objects as go

from ceasefire import data
from ceasefire.data import short_date, split
from ceasefire.display import PALETTE, describe, wrap
from ceasefire.display.controls import Dropdown, NumberSlider
from ceasefire.display.explorer import FigureExplorer, described
from ceasefire.display.timeline import filter_timeline
from ceasefire.errors import CourseError

# The lesson's death counts (the notebook calls them through this module) and what the widget converts.
from ceasefire.lessons.lesson03_deaths import (TRUCE_KEY, april_2016_counts, column_guide,  # noqa: F401
                                               daily_deaths_figure, monthly_deaths_figure, period_span, shading,
                                               shaded_periods, truce_start, two_day_totals)
from ceasefire.lessons.lesson03_rates import DE_MISTURA_MINUTES, HOURS, period_hours, rate_figure


# ---- the February terms and the text itself --------------------------------------------------------

def february_terms(terms: pd.DataFrame) -> pd.DataFrame:
    """The terms of the February 2016 cessation (terms.csv), with the columns a reader needs."""
    rows = terms[terms["agreement"] == "feb-2016"]
    return rows[["term_id", "term", "commitment", "verification", "enforcement", "source"]].reset_index(drop=True)


def february_text(text: pd.DataFrame | None = None) -> pd.DataFrame:
    """Provisions of resolution 2268 (2016) and of the joint statement and terms annexed to it, quoted
    exactly (feb_text.csv), each with a plain reading and its source: the text students read in section 2."""
    text = data.load_table("feb_text") if text is None else text
    if text.empty:
        raise CourseError("feb_text.csv has no provisions to show.")
    frame = text[["document", "part", "text", "plain", "source"]]
    return frame.rename(columns={"text": "the text says", "plain": "in plain words"}).reset_index(drop=True)


_WHO = {"syrian-government": "Government of Syria", "russia": "Russia", "united-states": "United States",
        "hnc": "HNC (opposition)", "un": "UN", "turkey": "Turkey", "opposition": "armed opposition"}


def _kind(row) -> str:
    """'event', or whose position or finding a timeline row reports: 'position: Russia'."""
    if row["statement"] == "event":
        return "event"
    return f"{row['statement']}: {_WHO.get(row['speaker'], row['speaker'])}"


def events_between(timeline: pd.DataFrame, first: str, last: str) -> pd.DataFrame:
    """Timeline rows from `first` to `last` (inclusive, YYYY-MM-DD): date, what kind of statement (an event,
    or whose position or finding), the text and its sources."""
    rows = filter_timeline(timeline, start=first, end=last)
    return pd.DataFrame({"date": pd.to_datetime(rows["date"]).map(short_date),
                         "kind": [_kind(r) for _, r in rows.iterrows()],
                         "what happened or was said": rows["event"], "source": rows["source"]}).reset_index(drop=True)


# ---- the causes of the collapse: the author's against the record's -----------------------------------

EVIDENCE = re.compile(r"^(\d{4}-\d{2}-\d{2}) (\S.*)$")


def _evidence_items(cause) -> list:
    items = split(cause["evidence"])
    if not items:
        raise CourseError(f"The cause {cause['cause_id']!r} in feb_causes.csv has no evidence; give at least one "
                          f"item written 'YYYY-MM-DD word', e.g. '2016-04-18 HNC'.")
    return items


def _evidence(item: str) -> tuple:
    """'2016-04-18 HNC' -> ('2016-04-18', 'HNC'): a day and a word of the timeline event it picks."""
    match = EVIDENCE.match(str(item).strip())
    if not match:
        raise CourseError(f"Evidence item {item!r} in feb_causes.csv should read 'YYYY-MM-DD word', "
                          f"e.g. '2016-04-18 HNC'.")
    return match.group(1), match.group(2)


def _day_strings(timeline: pd.DataFrame) -> pd.Series:
    """Each timeline row's day as 'YYYY-MM-DD': made once per table and handed to _pick, not once per item."""
    return pd.to_datetime(timeline["date"]).dt.strftime("%Y-%m-%d")


def _pick(timeline: pd.DataFrame, date: str, word: str, days: pd.Series | None = None) -> pd.Series:
    """The one timeline row of `date` whose event mentions `word` (`days`: _day_strings(timeline), if at hand)."""
    on_day = timeline[(_day_strings(timeline) if days is None else days) == date]
    rows = on_day[on_day["event"].str.contains(word, case=False, regex=False)]
    if len(rows) != 1:
        raise CourseError(f"Expected one timeline event on {date} mentioning {word!r}, found {len(rows)}.")
    return rows.iloc[0]


def _offered_by(cause) -> str:
    if cause["lane"] == "author":
        return f"Author's opinion [{cause['paragraph']}]" if cause["paragraph"] else "Author's opinion"
    return f"The record: {cause['offered_by']}"


def causes_table(timeline: pd.DataFrame, causes: pd.DataFrame | None = None) -> pd.DataFrame:
    """The explanations of the February collapse side by side (feb_causes.csv): who offers each, the dated
    timeline rows it rests on (each marked as an event or as whose position), how many days before or after
    the truce began, our reading, and the sources (the timeline rows' and the cause's own)."""
    causes = data.load_table("feb_causes") if causes is None else causes
    start, days = truce_start(), _day_strings(timeline)
    records = []
    for _, cause in causes.iterrows():
        events = [_pick(timeline, *_evidence(item), days) for item in _evidence_items(cause)]
        sources = []
        for event in events:
            sources += [s for s in split(event["source"]) if s not in sources]
        sources += [s for s in split(cause["source"]) if s not in sources]
        records.append({
            "explanation": cause["explanation"],
            "who says so": _offered_by(cause),
            "dated evidence": "; ".join(f"{short_date(pd.Timestamp(e['date']))} ({_kind(e)})" for e in events)
                              or "none in the course timeline",
            "days after the truce began": ", ".join(_offset(pd.Timestamp(e["date"]), start) for e in events) or "-",
            "our reading": cause["verdict"],
            "source": ";".join(sources) or "-",
        })
    return pd.DataFrame(records)


def _offset(date, start) -> str:
    days = (date - start).days
    return "0 (first day)" if days == 0 else f"{days:+d}"


LANES = ("Author's opinion", "The record: events", "The record: party positions")


def causes_figure(timeline: pd.DataFrame, causes: pd.DataFrame | None = None) -> go.Figure:
    """The dated rows behind each explanation on one time axis, in three lanes (the author's explanations;
    events; party positions), the February truce shaded: it shows at a glance which evidence comes before
    the truce began and which comes while it was failing."""
    causes = data.load_table("feb_causes") if causes is None else causes
    start, days = truce_start(), _day_strings(timeline)
    lanes = {lane: [] for lane in LANES}
    for _, cause in causes.iterrows():
        for item in _evidence_items(cause):
            event = _pick(timeline, *_evidence(item), days)
            lane = (LANES[0] if cause["lane"] == "author" else LANES[1] if event["statement"] == "event" else LANES[2])
            lanes[lane].append((pd.Timestamp(event["date"]), cause["explanation"], _kind(event), event["event"]))
    styles = {LANES[0]: (PALETTE[4], "circle"), LANES[1]: (PALETTE[3], "diamond"), LANES[2]: (PALETTE[1], "square")}
    traces = []
    for lane, points in lanes.items():
        colour, symbol = styles[lane]
        traces.append(go.Scatter(
            x=[p[0].strftime("%Y-%m-%d") for p in points], y=[lane] * len(points), mode="markers", name=lane,
            marker=dict(size=13, color=colour, symbol=symbol, line=dict(width=1, color="white")),
            customdata=[[p[1], p[2], wrap(p[3])] for p in points],
            hovertemplate="%{x|%d %b %Y}<br><b>%{customdata[0]}</b> (%{customdata[1]})<br>%{customdata[2]}"
                          "<extra></extra>"))
    periods = shaded_periods()
    shapes, labels = shading([p for p in periods if p.key_id == TRUCE_KEY])
    day = start.strftime("%Y-%m-%d")    # a dotted line on the day the truce began, as fig.add_vline draws it
    shapes.append(dict(type="line", xref="x", yref="y domain", x0=day, x1=day, y0=0, y1=1,
                       line=dict(color="#444444", dash="dot", width=1)))
    fig = go.Figure(traces, layout=dict(
        title="Which dated events and statements does each explanation rest on?", height=340, showlegend=False,
        shapes=shapes, annotations=labels, xaxis=dict(title="2016", type="date", range=["2016-02-01", "2016-09-01"]),
        yaxis=dict(title="", categoryorder="array", categoryarray=list(reversed(LANES)), automargin=True)))
    author = sorted(p[0] for p in lanes[LANES[0]])
    record = sorted(p[0] for lane in LANES[1:] for p in lanes[lane])
    after = all(d > start for d in record)
    text = (f"Three rows of markers on a time line from February to August 2016, with the February truce shaded "
            f"from {period_span(periods, TRUCE_KEY)} and a dotted line at its start. The events behind the "
            f"author's explanations fall on {_dates(author)}; the events and party statements behind the "
            f"explanations in the record fall on {_dates(record)}{', all after the truce began' if after else ''}.")
    return describe(fig, text)


def _dates(stamps) -> str:
    """'13 Feb, 3 Mar': each day once, in order, without the year."""
    return ", ".join(short_date(d, year=False) for d in sorted(set(stamps)))


# ---- February and September side by side: the gaps the author names ----------------------------

def holes_table(terms: pd.DataFrame, gaps: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each gap the author sees in the September deal [P12, P14] (feb_gaps.csv), with the February and
    September terms that bear on it: the term's name, how compliance was to be checked and what enforced
    it (from terms.csv)."""
    gaps = data.load_table("feb_gaps") if gaps is None else gaps
    by_id = terms.set_index("term_id")
    wanted = [t for _, g in gaps.iterrows() for t in split(g["february"]) + split(g["september"])]
    missing = [t for t in wanted if t not in by_id.index]
    if missing:
        raise CourseError(f"terms.csv has no term(s) {', '.join(missing)}.")

    def describe_terms(ids):
        return " | ".join(f"{t} {by_id.loc[t, 'term']} (checked by: {by_id.loc[t, 'verification'].rstrip('.')}; "
                          f"enforced by: {by_id.loc[t, 'enforcement']})" for t in split(ids))

    return pd.DataFrame([{"gap the author names": g["gap"],
                          "paragraphs": " ".join(f"[{p}]" for p in split(g["paragraph"])),
                          "February 2016 terms": describe_terms(g["february"]),
                          "September 2016 terms": describe_terms(g["september"])} for _, g in gaps.iterrows()])


def enforcement_counts(terms: pd.DataFrame) -> pd.DataFrame:
    """How many terms of each agreement rest on each kind of enforcement (terms.csv, column `enforcement`)."""
    table = pd.crosstab(terms["enforcement"], terms["agreement"])
    table = table.reindex([o for o in data.ENFORCEMENT if o in table.index]).fillna(0).astype(int)
    table.columns.name = None
    table.index.name = "enforcement"
    return table.rename(columns={"feb-2016": "February 2016", "sep-2016": "September 2016"})


# ---- the widget -----------------------------------------------------------------------------------


class RateConverter(FigureExplorer):
    """Turn 'one death every N minutes' into a total for a period, beside UCDP's April 2016 counts.
    Controls: a slider for N and a menu for the period; the bar chart, its title and its description follow."""

    def __init__(self, monthly: pd.DataFrame, daily: pd.DataFrame, minutes: int = DE_MISTURA_MINUTES,
                 period: str = "30 days (April 2016)"):
        self.counts = april_2016_counts(monthly, daily)
        period_hours(period)
        self.minutes = NumberSlider(minutes, 1, 120, 1, description="Minutes between deaths")
        self.period = Dropdown(list(HOURS), period, description="Period")
        super().__init__([self.minutes, self.period])

    def build(self):
        return described(rate_figure(self.minutes.value, self.period.value, self.counts))
