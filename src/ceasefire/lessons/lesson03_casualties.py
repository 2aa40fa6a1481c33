"""Lesson 03, "Why the February truce failed": the February 2016 terms and the text the Security Council
endorsed, the causes of the collapse, the UCDP death counts and the "every 25 minutes" figure, as tables,
figures and one widget.

Everything here is built from the course data (data/*.csv, loaded by ceasefire.data). The sourced prose
the lesson shows lives in data tables, each row with its sources: feb_text.csv (provisions of resolution
2268 and its annex, quoted), feb_causes.csv (the explanations of the collapse, who offers each, and the
timeline rows they rest on), feb_gaps.csv (the gaps the author sees, with the terms on each),
ucdp_columns.csv, two_day_windows.csv and casualty_periods.csv (which key dates of key_dates.csv the
figures shade). This module only selects, joins and draws.
"""

import math
import numbers
import re

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from ceasefire import data
from ceasefire.data import short_date, split
from ceasefire.display import NEUTRAL, PALETTE, describe, description_html, setup, wrap
from ceasefire.errors import CourseError

TRUCE_KEY = "feb-cessation"          # key_dates.csv: 27 Feb 00:00 to the HNC's suspension on 18 Apr
PERIOD_COLOURS = (PALETTE[0], PALETTE[2], PALETTE[1])


class RateError(CourseError, ValueError):
    """A rate or a period was given that cannot be converted; the message says what to type instead."""


def _table(name: str, given):
    """A course table: the one given (tests pass their own), else the committed one."""
    return data.load_table(name) if given is None else given


def truce_start() -> pd.Timestamp:
    """The day the February cessation began (key_dates.csv, feb-cessation), at midnight."""
    return data.key_date(TRUCE_KEY)[0].normalize()


# ---- the February terms and the text itself --------------------------------------------------------

def february_terms(terms: pd.DataFrame) -> pd.DataFrame:
    """The terms of the February 2016 cessation (terms.csv), with the columns a reader needs."""
    rows = terms[terms["agreement"] == "feb-2016"]
    return rows[["term_id", "term", "commitment", "verification", "enforcement", "source"]].reset_index(drop=True)


def february_text(text: pd.DataFrame | None = None) -> pd.DataFrame:
    """Provisions of resolution 2268 (2016) and of the joint statement and terms annexed to it, quoted
    exactly (feb_text.csv), each with a plain reading and its source: the text students read in section 2."""
    text = _table("feb_text", text)
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
    try:
        start, end = pd.Timestamp(first), pd.Timestamp(last)
    except (ValueError, TypeError):
        raise CourseError(f"Give the period as two dates written YYYY-MM-DD; got {first!r} and {last!r}.") from None
    if end < start:
        raise CourseError(f"The period runs backwards: {last} is before {first}.")
    dates = pd.to_datetime(timeline["date"])
    rows = timeline[(dates >= start) & (dates <= end)]
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


def _pick(timeline: pd.DataFrame, date: str, word: str) -> pd.Series:
    dates = pd.to_datetime(timeline["date"]).dt.strftime("%Y-%m-%d")
    rows = timeline[(dates == date) & timeline["event"].str.contains(word, case=False, regex=False)]
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
    causes = _table("feb_causes", causes)
    start = truce_start()
    records = []
    for _, cause in causes.iterrows():
        events = [_pick(timeline, *_evidence(item)) for item in _evidence_items(cause)]
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
    setup()
    causes = _table("feb_causes", causes)
    start = truce_start()
    lanes = {lane: [] for lane in LANES}
    for _, cause in causes.iterrows():
        for item in _evidence_items(cause):
            event = _pick(timeline, *_evidence(item))
            lane = (LANES[0] if cause["lane"] == "author" else LANES[1] if event["statement"] == "event" else LANES[2])
            lanes[lane].append((pd.Timestamp(event["date"]), cause["explanation"], _kind(event), event["event"]))
    fig = go.Figure()
    styles = {LANES[0]: (PALETTE[4], "circle"), LANES[1]: (PALETTE[3], "diamond"), LANES[2]: (PALETTE[1], "square")}
    for lane, points in lanes.items():
        colour, symbol = styles[lane]
        fig.add_trace(go.Scatter(
            x=[p[0].strftime("%Y-%m-%d") for p in points], y=[lane] * len(points), mode="markers", name=lane,
            marker=dict(size=13, color=colour, symbol=symbol, line=dict(width=1, color="white")),
            customdata=[[p[1], p[2], wrap(p[3])] for p in points],
            hovertemplate="%{x|%d %b %Y}<br><b>%{customdata[0]}</b> (%{customdata[1]})<br>%{customdata[2]}"
                          "<extra></extra>"))
    periods = shaded_periods()
    _shade(fig, [p for p in periods if p[4] == TRUCE_KEY])
    fig.add_vline(x=start.strftime("%Y-%m-%d"), line=dict(color="#444444", dash="dot", width=1))
    fig.update_layout(title="Which dated events and statements does each explanation rest on?", height=340,
                      showlegend=False,
                      xaxis=dict(title="2016", type="date", range=["2016-02-01", "2016-09-01"]),
                      yaxis=dict(title="", categoryorder="array", categoryarray=list(reversed(LANES)),
                                 automargin=True))
    author = sorted(p[0] for p in lanes[LANES[0]])
    record = sorted(p[0] for lane in LANES[1:] for p in lanes[lane])
    after = all(d > start for d in record)
    text = (f"Three rows of markers on a time line from February to August 2016, with the February truce shaded "
            f"from {_period_span(periods, TRUCE_KEY)} and a dotted line at its start. The events behind the "
            f"author's explanations fall on {_dates(author)}; the events and party statements behind the "
            f"explanations in the record fall on {_dates(record)}{', all after the truce began' if after else ''}.")
    return describe(fig, text)


def _dates(stamps) -> str:
    unique = sorted(set(stamps))
    return ", ".join(f"{d:%d %b}" for d in unique)


# ---- February and September side by side: the gaps the author names ----------------------------

def holes_table(terms: pd.DataFrame, gaps: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each gap the author sees in the September deal [P12, P14] (feb_gaps.csv), with the February and
    September terms that bear on it: the term's name, how compliance was to be checked and what enforced
    it (from terms.csv)."""
    gaps = _table("feb_gaps", gaps)
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
    order = ["none", "political", "mutual-withdrawal", "un-endorsement", "unknown"]
    table = table.reindex([o for o in order if o in table.index]).fillna(0).astype(int)
    table.columns.name = None
    table.index.name = "enforcement"
    return table.rename(columns={"feb-2016": "February 2016", "sep-2016": "September 2016"})


# ---- the UCDP death counts ------------------------------------------------------------------------

def column_guide(columns: pd.DataFrame | None = None) -> pd.DataFrame:
    """What each column of data/deaths_monthly.csv means, in one line each (ucdp_columns.csv)."""
    return _table("ucdp_columns", columns)[["column", "meaning", "source"]].reset_index(drop=True)


def shaded_periods(periods: pd.DataFrame | None = None) -> list:
    """The periods the death-count figures shade: (start, end, label, colour, key_id) for each row of
    casualty_periods.csv, the times taken from key_dates.csv (data.key_date), so that every lesson shades
    the same days."""
    periods = _table("casualty_periods", periods)
    out = []
    for n, (_, row) in enumerate(periods.iterrows()):
        start, end = data.key_date(row["key_id"])
        label = f"{row['label']}<br>{_span_days(start, end)}"
        out.append((start, end, label, PERIOD_COLOURS[n % len(PERIOD_COLOURS)], row["key_id"]))
    return out


def _span_days(start, end) -> str:
    """'27 Feb - 18 Apr', or '12-18 Sep' within one month."""
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}-{end.day} {end:%b}"
    return f"{start.day} {start:%b} - {end.day} {end:%b}"


def _period_span(periods, key) -> str:
    for start, end, _, _, key_id in periods:
        if key_id == key:
            return f"{_span_days(start, end).replace(' - ', ' to ').replace('-', ' to ')} {end:%Y}"
    raise CourseError(f"casualty_periods.csv has no row for the key date {key!r}.")


def _shaded_text(periods) -> str:
    names = {TRUCE_KEY: "the February truce", "sep-army-calm": "the Syrian army's seven days of calm"}
    return ", and ".join(f"{names.get(p[4], p[2].split('<br>')[0])} from {_period_span(periods, p[4])}"
                         for p in periods)


def _months(monthly: pd.DataFrame, first: str, last: str) -> pd.DataFrame:
    months = pd.to_datetime(monthly["month"])
    if not all(isinstance(m, str) and re.fullmatch(r"\d{4}-\d{2}", m) for m in (first, last)):
        raise CourseError(f"Give months as YYYY-MM, e.g. 2016-04; got {first!r} and {last!r}.")
    low, high = pd.Timestamp(first + "-01"), pd.Timestamp(last + "-01")
    rows = monthly[(months >= low) & (months <= high)].copy()
    if rows.empty:
        raise CourseError(f"No UCDP months between {first} and {last}; the data run from 2016-01 to 2019-11.")
    rows["month"] = pd.to_datetime(rows["month"])
    return rows


def _shade(fig, periods):
    for start, end, label, colour, _ in periods:
        fig.add_vrect(x0=start.strftime("%Y-%m-%d %H:%M"), x1=end.strftime("%Y-%m-%d %H:%M"),
                      fillcolor=colour, opacity=0.22, line_width=0, layer="below",
                      annotation_text=label, annotation_position="top left", annotation_font_size=11,
                      annotation_bgcolor="rgba(255,255,255,0.8)")


def monthly_deaths_figure(monthly: pd.DataFrame, first: str = "2016-01", last: str = "2016-12") -> go.Figure:
    """UCDP deaths per month (events within the month) with civilians, the periods of casualty_periods.csv shaded."""
    setup()
    rows = _months(monthly, first, last)
    x = rows["month"].dt.strftime("%Y-%m-%d").tolist()
    fig = go.Figure([
        go.Bar(x=x, y=rows["deaths"].tolist(), name="all deaths", marker_color=PALETTE[3],
               xperiod="M1", xperiodalignment="middle",
               hovertemplate="%{x|%B %Y}: %{y:,} deaths<extra></extra>"),
        go.Scatter(x=x, y=rows["civilians"].tolist(), name="of whom civilians", mode="lines+markers",
                   marker_color=PALETTE[4], xperiod="M1", xperiodalignment="middle",
                   hovertemplate="%{x|%B %Y}: %{y:,} civilians<extra></extra>"),
    ])
    periods = shaded_periods()
    _shade(fig, periods)
    fig.update_layout(title=f"Conflict deaths in Syria per month, {_span(rows)} (UCDP)", height=420,
                      xaxis=dict(title="", type="date"),
                      yaxis=dict(title="deaths (events within the month)", rangemode="tozero", automargin=True),
                      legend=dict(orientation="h", y=-0.12), margin=dict(b=80), bargap=0.15)
    low, high = rows.loc[rows["deaths"].idxmin()], rows.loc[rows["deaths"].idxmax()]
    text = (f"Bars: UCDP's count of deaths in Syria per month, {_span(rows)}, counting only events that begin and end "
            f"within the month; a line shows the civilians among them. The lowest month is {low['month']:%B %Y} "
            f"({low['deaths']:,}), the highest {high['month']:%B %Y} ({high['deaths']:,}). Shaded: "
            f"{_shaded_text(periods)}.")
    return describe(fig, text)


def _span(rows) -> str:
    a, b = rows["month"].min(), rows["month"].max()
    return f"{a:%b %Y}" if a == b else f"{a:%b %Y} to {b:%b %Y}"


def daily_deaths_figure(daily: pd.DataFrame, first: str = "2016-02-01", last: str = "2016-10-31") -> go.Figure:
    """UCDP deaths per day (events dated to the exact day) with a 7-day average and the two-day windows labelled."""
    setup()
    rows = daily.copy()
    rows["date"] = pd.to_datetime(rows["date"])
    rows = rows.set_index("date")["deaths"]
    average = rows.rolling(7, center=True, min_periods=4).mean()
    try:
        window = (rows.index >= pd.Timestamp(first)) & (rows.index <= pd.Timestamp(last))
    except (ValueError, TypeError):
        raise CourseError(f"Give days as YYYY-MM-DD; got {first!r} and {last!r}.") from None
    rows, average = rows[window], average[window]
    if rows.empty:
        raise CourseError(f"No days between {first} and {last}; the daily table covers 2016.")
    x = rows.index.strftime("%Y-%m-%d").tolist()
    fig = go.Figure([
        go.Bar(x=x, y=rows.tolist(), name="deaths that day", marker_color=PALETTE[1],
               hovertemplate="%{x|%d %b %Y}: %{y:,}<extra></extra>"),
        go.Scatter(x=x, y=[round(v, 1) for v in average], name="7-day average", mode="lines",
                   line=dict(color=PALETTE[3], width=2), hovertemplate="%{x|%d %b %Y}: %{y:.0f} a day<extra></extra>"),
    ])
    periods = shaded_periods()
    _shade(fig, periods)
    totals = _window_totals(daily)
    for row in totals:
        first_day = row["first"]
        shown = rows[first_day:first_day + pd.Timedelta(days=1)]
        if shown.empty:
            continue
        fig.add_annotation(x=first_day.strftime("%Y-%m-%d"), y=int(shown.max()),
                           text=f"{row['days']}: {row['deaths']}", showarrow=True, arrowhead=2, ax=0, ay=-70,
                           font=dict(size=11), bgcolor="rgba(255,255,255,0.85)")
    fig.update_layout(title=f"Deaths per day, {rows.index[0]:%d %b} to {rows.index[-1]:%d %b %Y} (UCDP, exact-date events)",
                      height=420, xaxis=dict(title="", type="date"),
                      yaxis=dict(title="deaths (events dated to the day)", rangemode="tozero", automargin=True),
                      legend=dict(orientation="h", y=-0.12), margin=dict(b=80), bargap=0)
    text = (f"Bars: deaths per day from {rows.index[0]:%d %B} to {rows.index[-1]:%d %B %Y} in UCDP events dated to the "
            f"exact day, with a line for the 7-day average. Shaded: {_shaded_text(periods)}. Labelled: " +
            "; ".join(f"{r['days']}, {r['deaths']} deaths" for r in totals) + ".")
    return describe(fig, text)


def _window_totals(daily: pd.DataFrame, windows: pd.DataFrame | None = None) -> list:
    windows = _table("two_day_windows", windows)
    dates = pd.to_datetime(daily["date"])
    records = []
    for _, window in windows.iterrows():
        first, last = pd.Timestamp(window["first"]), pd.Timestamp(window["last"])
        rows = daily[(dates >= first) & (dates <= last)]
        if len(rows) != 2:
            raise CourseError(f"The daily table should have 2 rows from {first:%Y-%m-%d} to {last:%Y-%m-%d}, "
                              f"found {len(rows)}.")
        deaths = int(rows["deaths"].sum())
        records.append({"window": window["window_id"], "first": first,
                        "days": f"{first:%d}-{last:%d %b %Y}", "what": window["label"],
                        "deaths": deaths, "civilians": int(rows["civilians"].sum()),
                        "one death every ... minutes": round(minutes_per_death(deaths, 48), 1),
                        "source": window["source"]})
    return records


def two_day_totals(daily: pd.DataFrame, windows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Deaths in the two-day windows of two_day_windows.csv (events dated to the exact day; civilians too),
    with the average gap between deaths over the window's 48 hours and the window's sources."""
    records = _window_totals(daily, windows)
    return pd.DataFrame(records).drop(columns=["window", "first"])


# ---- the "every 25 minutes" conversion ----------------------------------------------------------------

HOURS = {
    "48 hours (de Mistura's window)": 48,
    "30 days (April 2016)": 30 * 24,
    "365 days (a year)": 365 * 24,
}
DE_MISTURA_MINUTES = 25
DE_MISTURA_HOURS = 48


def _positive(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise RateError(f"{what} must be a number, like 25; got {value!r}.")
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise RateError(f"{what} must be a positive number (more than 0); got {value:g}.")
    return value


def deaths_in_period(minutes_per_death, hours) -> float:
    """How many deaths 'one death every `minutes_per_death` minutes' adds up to over `hours` hours.
    deaths_in_period(25, 48) -> 115.2"""
    minutes = _positive(minutes_per_death, "The minutes between deaths")
    hours = _positive(hours, "The length of the period in hours")
    return hours * 60 / minutes


def minutes_per_death(deaths, hours) -> float:
    """The average gap, in minutes, between `deaths` deaths spread over `hours` hours.
    minutes_per_death(2149, 720) -> about 20.1"""
    deaths = _positive(deaths, "The number of deaths")
    hours = _positive(hours, "The length of the period in hours")
    return hours * 60 / deaths


def period_hours(period: str) -> int:
    """Hours in one of the periods of HOURS, by its label."""
    try:
        return HOURS[period]
    except (KeyError, TypeError):
        raise RateError(f"{period!r} is not a period we convert to; choose one of: {', '.join(HOURS)}.") from None


def april_2016_counts(monthly: pd.DataFrame, daily: pd.DataFrame) -> pd.DataFrame:
    """UCDP's April 2016 counts under three counting rules, with the hours each covers and the average gap."""
    month = monthly[pd.to_datetime(monthly["month"]) == pd.Timestamp("2016-04-01")]
    if len(month) != 1:
        raise CourseError("deaths_monthly.csv has no row for 2016-04.")
    month = month.iloc[0]
    window = [w for w in _window_totals(daily) if w["window"] == "de-mistura-48h"]
    if len(window) != 1:
        raise CourseError("two_day_windows.csv has no row 'de-mistura-48h' (de Mistura's 48 hours).")
    two_days = window[0]
    rows = [("UCDP, April 2016, events within the month", int(month["deaths"]), 720),
            ("UCDP, April 2016, events starting in the month", int(month["deaths_by_start"]), 720),
            (f"UCDP, {two_days['days']}, events dated to the day", int(two_days["deaths"]), 48)]
    return pd.DataFrame([{"count": label, "deaths": deaths, "hours": hours,
                          "one death every ... minutes": round(minutes_per_death(deaths, hours), 1)}
                         for label, deaths, hours in rows])


def rate_title(minutes, period: str) -> str:
    total = deaths_in_period(minutes, period_hours(period))
    return f"One death every {_num(minutes)} minutes for {period.split(' (')[0]} = {total:,.0f} deaths"


def _num(value) -> str:
    return f"{value:g}"


def rate_figure(minutes, period: str, counts: pd.DataFrame) -> go.Figure:
    """Bar chart: the total implied by the rate over the period, beside the UCDP April 2016 counts.
    UCDP bars that cover a different length of time than the chosen period are drawn in grey."""
    setup()
    hours = period_hours(period)
    implied = deaths_in_period(minutes, hours)
    labels = [f"implied: every {_num(minutes)} min<br>for {period.split(' (')[0]}"] + [
        c.replace(", events", ",<br>events") for c in counts["count"]]
    values = [round(implied, 1)] + counts["deaths"].tolist()
    colours = [PALETTE[0]] + [PALETTE[3] if h == hours else NEUTRAL for h in counts["hours"]]
    fig = go.Figure(go.Bar(x=labels, y=values, marker_color=colours, texttemplate="%{y:,.0f}", textposition="outside",
                           cliponaxis=False, hovertemplate="%{x}: %{y:,.0f}<extra></extra>"))
    fig.update_layout(title=rate_title(minutes, period), height=430, showlegend=False,
                      yaxis=dict(title="deaths", rangemode="tozero", automargin=True),
                      xaxis=dict(title="", automargin=True),
                      margin=dict(t=70, b=90))
    return describe(fig, rate_description(minutes, period, counts))


def rate_description(minutes, period: str, counts: pd.DataFrame) -> str:
    hours = period_hours(period)
    implied = deaths_in_period(minutes, hours)
    same = [f"{r['count']}: {r['deaths']:,}" for _, r in counts.iterrows() if r["hours"] == hours]
    other = [f"{r['count']}: {r['deaths']:,}" for _, r in counts.iterrows() if r["hours"] != hours]
    text = (f"Four bars. The first (orange) is the total implied by one death every {_num(minutes)} minutes over "
            f"{period.split(' (')[0]} ({hours:,} hours): {implied:,.0f} deaths. ")
    if same:
        text += "UCDP counts for a period of the same length (blue): " + "; ".join(same) + ". "
    text += "UCDP counts for a different length of time (grey): " + "; ".join(other) + "."
    return text


class RateConverter(widgets.VBox):
    """Turn 'one death every N minutes' into a total for a period, beside UCDP's April 2016 counts.
    Controls: a slider for N and a menu for the period; the bar chart, its title and its description follow."""

    def __init__(self, monthly: pd.DataFrame, daily: pd.DataFrame, minutes: int = DE_MISTURA_MINUTES,
                 period: str = "30 days (April 2016)"):
        setup()
        self.counts = april_2016_counts(monthly, daily)
        period_hours(period)
        self.minutes = widgets.IntSlider(value=minutes, min=1, max=120, step=1, description="Every N min",
                                         continuous_update=False, style={"description_width": "initial"})
        self.period = widgets.Dropdown(options=list(HOURS), value=period, description="Over")
        self.figure = go.FigureWidget(rate_figure(minutes, period, self.counts))
        self.description = widgets.HTML()
        self.minutes.observe(self._update, names="value")
        self.period.observe(self._update, names="value")
        super().__init__([widgets.HBox([self.minutes, self.period]), self.figure, self.description])
        self._update()

    def _update(self, change=None):
        fresh = rate_figure(self.minutes.value, self.period.value, self.counts)
        with self.figure.batch_update():
            bar, new = self.figure.data[0], fresh.data[0]
            bar.x, bar.y, bar.marker.color = new.x, new.y, new.marker.color
            self.figure.layout.title.text = fresh.layout.title.text
        self.description.value = description_html(fresh.layout.meta["description"])
