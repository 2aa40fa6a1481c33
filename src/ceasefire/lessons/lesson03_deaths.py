"""Lesson 03, the UCDP death counts: what the columns mean, deaths per month and per day with the truces
shaded, the two-day windows of two_day_windows.csv and UCDP's April 2016 counts under three counting rules.

The shaded periods are the key dates casualty_periods.csv names (their times from key_dates.csv), so every
lesson shades the same days. This module only selects, sums and draws.
"""

import re
from typing import NamedTuple

import pandas as pd
import plotly.graph_objects as go

from ceasefire import data
from ceasefire.display import PALETTE, describe
from ceasefire.display.timeline import band, band_label, whole_days
from ceasefire.data.citing import parse_day
from ceasefire.errors import CourseError
from ceasefire.lessons.lesson03_rates import minutes_per_death

TRUCE_KEY = "feb-cessation"          # key_dates.csv: 27 Feb 00:00 to the HNC's suspension on 18 Apr
PERIOD_COLOURS = (PALETTE[0], PALETTE[2], PALETTE[1])
SHADE_NAMES = {TRUCE_KEY: "the February truce", "sep-army-calm": "the Syrian army's seven days of calm"}


class Shade(NamedTuple):
    """One shaded period of the death-count figures."""
    start: pd.Timestamp
    end: pd.Timestamp
    label: str          # the figure's label: '<name><br>27 Feb - 18 Apr'
    colour: str
    key_id: str


def _table(name: str, given):
    """A course table: the one given (tests pass their own), else the committed one."""
    return data.load_table(name) if given is None else given


def truce_start() -> pd.Timestamp:
    """The day the February cessation began (key_dates.csv, feb-cessation), at midnight."""
    return data.key_date(TRUCE_KEY)[0].normalize()


def column_guide(columns: pd.DataFrame | None = None) -> pd.DataFrame:
    """What each column of data/deaths_monthly.csv means, in one line each (ucdp_columns.csv)."""
    return _table("ucdp_columns", columns)[["column", "meaning", "source"]].reset_index(drop=True)


def shaded_periods(periods: pd.DataFrame | None = None) -> list:
    """The periods the death-count figures shade, one Shade per row of casualty_periods.csv, the times
    taken from key_dates.csv (data.key_date), so that every lesson shades the same days."""
    periods = _table("casualty_periods", periods)
    out = []
    for n, (_, row) in enumerate(periods.iterrows()):
        start, end = data.key_date(row["key_id"])
        label = f"{row['label']}<br>{_span_days(start, end)}"
        out.append(Shade(start, end, label, PERIOD_COLOURS[n % len(PERIOD_COLOURS)], row["key_id"]))
    return out


def _span_days(start, end) -> str:
    """'27 Feb - 18 Apr', or '12-18 Sep' within one month."""
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}-{end.day} {end:%b}"
    return f"{start.day} {start:%b} - {end.day} {end:%b}"


def period_span(periods, key) -> str:
    """'27 Feb to 18 Apr 2016': the days of the shaded period with this key date, for a description."""
    for shade in periods:
        if shade.key_id == key:
            return f"{_span_days(shade.start, shade.end).replace(' - ', ' to ').replace('-', ' to ')} {shade.end:%Y}"
    raise CourseError(f"casualty_periods.csv has no row for the key date {key!r}.")


def _shaded_text(periods) -> str:
    if not periods:
        return "no truce period falls in this range"
    return ", and ".join(f"{SHADE_NAMES.get(p.key_id, p.label.split('<br>')[0])} from {period_span(periods, p.key_id)}"
                         for p in periods)


def _overlapping(periods, low, high) -> list:
    """The shaded periods that reach into the days from `low` to `high` (a shape outside would stretch the axis)."""
    return [p for p in periods if p.end >= low and p.start < high + pd.Timedelta(days=1)]


def shading(periods) -> tuple:
    """(shapes, annotations) for a figure's layout: each period a band over the plot's height, its label at
    the band's top left, as fig.add_vrect(..., annotation_position="top left") draws them."""
    shapes = [band(p.start, p.end, p.colour, 0.22, layer="below") for p in periods]
    labels = [band_label(p.start, p.label, font=dict(size=11), bgcolor="rgba(255,255,255,0.8)") for p in periods]
    return shapes, labels


# ---- deaths per month ---------------------------------------------------------------------------------

def _months(monthly: pd.DataFrame, first: str, last: str) -> pd.DataFrame:
    months = pd.to_datetime(monthly["month"])
    if not all(isinstance(m, str) and re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", m) for m in (first, last)):
        raise CourseError(f"Give months as YYYY-MM, e.g. 2016-04; got {first!r} and {last!r}.")
    low, high = pd.Timestamp(first + "-01"), pd.Timestamp(last + "-01")
    if high < low:
        raise CourseError(f"The months run backwards: {last} is before {first}; give the earlier month first.")
    rows = monthly[(months >= low) & (months <= high)].copy()
    if rows.empty:
        raise CourseError(f"No UCDP months between {first} and {last}; the data run from 2016-01 to 2019-11.")
    rows["month"] = pd.to_datetime(rows["month"])
    return rows


def monthly_deaths_figure(monthly: pd.DataFrame, first: str = "2016-01", last: str = "2016-12") -> go.Figure:
    """UCDP deaths per month (events within the month) with civilians, the periods of casualty_periods.csv shaded."""
    rows = _months(monthly, first, last)
    x = rows["month"].dt.strftime("%Y-%m-%d").tolist()
    periods = _overlapping(shaded_periods(), rows["month"].min(), rows["month"].max() + pd.offsets.MonthEnd(0))
    shapes, labels = shading(periods)
    fig = go.Figure([
        go.Bar(x=x, y=rows["deaths"].tolist(), name="all deaths", marker_color=PALETTE[3],
               xperiod="M1", xperiodalignment="middle",
               hovertemplate="%{x|%B %Y}: %{y:,} deaths<extra></extra>"),
        go.Scatter(x=x, y=rows["civilians"].tolist(), name="of whom civilians", mode="lines+markers",
                   marker_color=PALETTE[4], xperiod="M1", xperiodalignment="middle",
                   hovertemplate="%{x|%B %Y}: %{y:,} civilians<extra></extra>"),
    ], layout=dict(title=f"Conflict deaths in Syria per month, {_month_span(rows)} (UCDP)", height=420,
                   shapes=shapes, annotations=labels, xaxis=dict(title="", type="date"),
                   yaxis=dict(title="deaths (events within the month)", rangemode="tozero", automargin=True),
                   legend=dict(orientation="h", y=-0.12), margin=dict(b=80), bargap=0.15))
    low, high = rows.loc[rows["deaths"].idxmin()], rows.loc[rows["deaths"].idxmax()]
    text = (f"Bars: UCDP's count of deaths in Syria per month, {_month_span(rows)}, counting only events that begin "
            f"and end within the month; a line shows the civilians among them. The lowest month is "
            f"{low['month']:%B %Y} ({low['deaths']:,}), the highest {high['month']:%B %Y} ({high['deaths']:,}). "
            f"Shaded: {_shaded_text(periods)}.")
    return describe(fig, text)


def _month_span(rows) -> str:
    """'Jan 2016 to Dec 2016', or 'Apr 2016' for one month."""
    a, b = rows["month"].min(), rows["month"].max()
    return f"{a:%b %Y}" if a == b else f"{a:%b %Y} to {b:%b %Y}"


# ---- deaths per day -----------------------------------------------------------------------------------

def _days(daily: pd.DataFrame, first, last):
    """Deaths per day (a Series by date) and their centred 7-day average, from `first` to `last` inclusive."""
    low, high = parse_day(first), parse_day(last)
    if high < low:
        raise CourseError(f"The days run backwards: {last} is before {first}; give the earlier day first.")
    deaths = daily.assign(date=pd.to_datetime(daily["date"])).set_index("date")["deaths"]
    average = deaths.rolling(7, center=True, min_periods=4).mean()
    inside = (deaths.index >= low) & (deaths.index <= high)
    if not inside.any():
        raise CourseError(f"No days between {first} and {last}; the daily table runs from "
                          f"{deaths.index.min():%Y-%m-%d} to {deaths.index.max():%Y-%m-%d}.")
    return deaths[inside], average[inside]


def _window_labels(deaths: pd.Series, windows: list) -> list:
    """An arrow and a label above the highest day of each two-day window (annotations for the layout)."""
    return [dict(x=row["first"].strftime("%Y-%m-%d"), y=int(deaths[row["first"]:row["last"]].max()),
                 text=f"{row['days']}: {row['deaths']}", showarrow=True, arrowhead=2, ax=0, ay=-70,
                 font=dict(size=11), bgcolor="rgba(255,255,255,0.85)") for row in windows]


def daily_deaths_figure(daily: pd.DataFrame, first: str = "2016-02-01", last: str = "2016-10-31") -> go.Figure:
    """UCDP deaths per day (events dated to the exact day) with a 7-day average; the truces that reach into
    the days chosen are shaded and the two-day windows that lie inside them labelled."""
    deaths, average = _days(daily, first, last)
    low, high = deaths.index[0], deaths.index[-1]
    x = deaths.index.strftime("%Y-%m-%d").tolist()
    periods = _overlapping(shaded_periods(), low, high)
    shapes, labels = shading(periods)
    windows = [w for w in _window_totals(daily) if low <= w["first"] and w["last"] <= high]
    fig = go.Figure([
        go.Bar(x=x, y=deaths.tolist(), name="deaths that day", marker_color=PALETTE[1],
               hovertemplate="%{x|%d %b %Y}: %{y:,}<extra></extra>"),
        go.Scatter(x=x, y=[round(v, 1) for v in average], name="7-day average", mode="lines",
                   line=dict(color=PALETTE[3], width=2), hovertemplate="%{x|%d %b %Y}: %{y:.0f} a day<extra></extra>"),
    ], layout=dict(title=f"Deaths per day, {low:%d %b} to {high:%d %b %Y} (UCDP, exact-date events)", height=420,
                   shapes=shapes, annotations=labels + _window_labels(deaths, windows),
                   xaxis=dict(title="", type="date", range=whole_days(low, high)),
                   yaxis=dict(title="deaths (events dated to the day)", rangemode="tozero", automargin=True),
                   legend=dict(orientation="h", y=-0.12), margin=dict(b=80), bargap=0))
    labelled = ("; ".join(f"{r['days']}, {r['deaths']} deaths" for r in windows) if windows
                else "none, no two-day window of the lesson falls in this range")
    text = (f"Bars: deaths per day from {low:%d %B} to {high:%d %B %Y} in UCDP events dated to the exact day, with a "
            f"line for the 7-day average. Shaded: {_shaded_text(periods)}. Labelled: {labelled}.")
    return describe(fig, text)


# ---- the two-day windows and April 2016 -----------------------------------------------------------------

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
        records.append({"window": window["window_id"], "first": first, "last": last,
                        "days": f"{first:%d}-{last:%d %b %Y}", "what": window["label"],
                        "deaths": deaths, "civilians": int(rows["civilians"].sum()),
                        "one death every ... minutes": round(minutes_per_death(deaths, 48), 1),
                        "source": window["source"]})
    return records


def two_day_totals(daily: pd.DataFrame, windows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Deaths in the two-day windows of two_day_windows.csv (events dated to the exact day; civilians too),
    with the average gap between deaths over the window's 48 hours and the window's sources."""
    records = _window_totals(daily, windows)
    return pd.DataFrame(records).drop(columns=["window", "first", "last"])


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
