"""Lesson 05, the days and the periods: which days the lesson looks at (1 Sep - 15 Oct 2016), how a day is
written, UCDP's deaths for each of them (data/deaths_daily_2016.csv, events dated to the exact day only),
and the same days grouped into the periods of data/aftermath_periods.csv, whose edges are key dates of
data/key_dates.csv (`periods`, `period_summary`, `period_figure`, `calm_reading`).

The notebook reaches these through lesson05_aftermath, whose figure and explorer are built on them.
"""

import re

import pandas as pd
import plotly.graph_objects as go

from ceasefire import data
from ceasefire.display import PALETTE, describe, wrap
from ceasefire.data.citing import parse_day
from ceasefire.errors import CourseError

WINDOW = ("2016-09-01", "2016-10-15")   # our choice: the days the lesson looks at
CALM_KEY = "sep-army-calm"                # the Syrian army's seven days of calm (data/key_dates.csv)
# A period's first or last day: a date, or a key date's start or end shifted by whole days.
BOUND = re.compile(r"^(?P<key>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<edge>start|end)(?P<shift>[+-]\d+)?$")


def calm() -> tuple:
    """(start, end) of the army's calm as Timestamps, from data/key_dates.csv."""
    return data.key_date(CALM_KEY)


def start_day() -> str:
    """The day the arrangement and the army's calm began ('YYYY-MM-DD')."""
    return f"{calm()[0]:%Y-%m-%d}"


def day_label(day) -> str:
    """A day given as 'YYYY-MM-DD' or a Timestamp, written out: '17 September 2016'."""
    return data.short_date(parse_day(day), month="%B")


# ---- the window, day by day -------------------------------------------------------------------------

def window_days(window=WINDOW) -> list:
    start, end = parse_day(window[0]), parse_day(window[1])
    if end < start:
        raise CourseError(f"The window ends ({window[1]}) before it starts ({window[0]}); give the earlier day "
                          "first.")
    return list(pd.date_range(start, end, freq="D"))


def daily_deaths(deaths_daily: pd.DataFrame, window=WINDOW) -> pd.DataFrame:
    """UCDP deaths for every day of the window (date, deaths, civilians); fails if a day is missing."""
    days = window_days(window)
    rows = deaths_daily.set_index("date").reindex(days)
    if rows["deaths"].isna().any():
        missing = [f"{d:%Y-%m-%d}" for d in rows.index[rows["deaths"].isna()]]
        raise CourseError(f"deaths_daily_2016.csv has no row for {', '.join(missing[:5])}: the daily table covers "
                          "2016 only; choose days from 2016-01-01 to 2016-12-31.")
    rows = rows[["deaths", "civilians"]].astype("int64")
    rows.index.name = "date"
    return rows.reset_index()


# ---- periods ----------------------------------------------------------------------------------------

def resolve_day(bound: str, key_dates: pd.DataFrame | None = None) -> pd.Timestamp:
    """A period's first or last day: '2016-10-15', or a key date's edge shifted by whole days,
    e.g. 'sep-army-calm.start+1' = the day after the army's calm began."""
    match = BOUND.match(str(bound).strip())
    if not match:
        return parse_day(bound)
    table = (data.key_dates() if key_dates is None else key_dates).set_index("key_id")
    key = match["key"]
    if key not in table.index:
        raise CourseError(f"{bound!r} names no key date in key_dates.csv. Known: {', '.join(table.index)}.")
    moment = pd.Timestamp(table.loc[key, match["edge"]])
    return moment.normalize() + pd.Timedelta(days=int(match["shift"] or 0))


def periods(key_dates: pd.DataFrame | None = None, table: pd.DataFrame | None = None) -> list:
    """(label, first day, last day) of each period of data/aftermath_periods.csv, key dates resolved."""
    table = data.load_table("aftermath_periods") if table is None else table
    key_dates = data.key_dates() if key_dates is None else key_dates
    out = []
    for row in table.itertuples():
        first, last = resolve_day(row.first, key_dates), resolve_day(row.last, key_dates)
        if last < first:
            raise CourseError(f"aftermath_periods.csv, period {row.period_id!r}: its last day "
                              f"({last:%Y-%m-%d}) is before its first ({first:%Y-%m-%d}).")
        out.append((row.label, f"{first:%Y-%m-%d}", f"{last:%Y-%m-%d}"))
    return out


def period_summary(deaths_daily: pd.DataFrame, periods=None) -> pd.DataFrame:
    """Deaths per period (UCDP exact-date events): days, total, mean and median per day, civilians."""
    periods = globals()["periods"]() if periods is None else periods
    rows = []
    for name, first, last in periods:
        part = daily_deaths(deaths_daily, (first, last))
        rows.append({"period": name, "from": day_label(first), "to": day_label(last), "days": len(part),
                     "deaths": int(part["deaths"].sum()), "mean per day": round(part["deaths"].mean(), 1),
                     "median per day": float(part["deaths"].median()),
                     "civilians": int(part["civilians"].sum())})
    return pd.DataFrame(rows).set_index("period")


def lowest(summary: pd.DataFrame, column: str) -> str:
    """The period with the lowest value of a column ('mean per day' or 'median per day')."""
    return str(summary[column].idxmin())


def mean_without(deaths_daily: pd.DataFrame, first, last, day) -> float:
    """Mean deaths per day between first and last, leaving one day out (rounded to 0.1)."""
    part = daily_deaths(deaths_daily, (first, last))
    return round(float(part.loc[part["date"] != parse_day(day), "deaths"].mean()), 1)


def calm_reading(deaths_daily: pd.DataFrame, summary: pd.DataFrame | None = None) -> str:
    """What the period table says about the army's calm, computed from the data (for the lesson's text)."""
    summary = period_summary(deaths_daily) if summary is None else summary
    start, end = calm()
    first, last = f"{start.normalize() + pd.Timedelta(days=1):%Y-%m-%d}", f"{end:%Y-%m-%d}"
    calm_row = next(name for name, row in summary.iterrows()
                    if row["from"] == day_label(first) and row["to"] == day_label(last))
    part = daily_deaths(deaths_daily, (first, last))
    peak = part.loc[part["deaths"].idxmax()]
    others = ", ".join(f"{v:.1f}" for name, v in summary["mean per day"].items() if name != calm_row)
    lowest_both = lowest(summary, "mean per day") == calm_row == lowest(summary, "median per day")
    return (f"The period '{calm_row}' has {'the lowest mean and the lowest median' if lowest_both else 'these'} "
            f"of all the periods: a mean of {summary.loc[calm_row, 'mean per day']:.1f} deaths a day (the others: "
            f"{others}) and a median of {summary.loc[calm_row, 'median per day']:.0f}. One day, "
            f"{day_label(peak['date'])}, with {int(peak['deaths'])} deaths, pulls its mean up: without it the mean "
            f"is {mean_without(deaths_daily, first, last, peak['date']):.1f}.")


def period_figure(summary: pd.DataFrame) -> go.Figure:
    """Grouped bars: mean and median deaths per day in each period."""
    names = [wrap(n, 16) for n in summary.index]
    fig = go.Figure([
        go.Bar(x=names, y=summary["mean per day"].tolist(), name="mean per day", marker_color=PALETTE[3],
               text=[f"{v:.0f}" for v in summary["mean per day"]], textposition="outside",
               hovertemplate="%{x}<br>mean %{y:.1f} deaths a day<extra></extra>"),
        go.Bar(x=names, y=summary["median per day"].tolist(), name="median per day", marker_color=PALETTE[1],
               text=[f"{v:.0f}" for v in summary["median per day"]], textposition="outside",
               hovertemplate="%{x}<br>median %{y:.1f} deaths a day<extra></extra>"),
    ])
    top = max(summary["mean per day"].max(), summary["median per day"].max())
    fig.update_layout(barmode="group", height=400,
                      title="Deaths a day before, during and after the September 2016 truce (UCDP, exact-date events)",
                      xaxis=dict(title="period (our choice of dates)"),
                      yaxis=dict(title="deaths per day", range=[0, top * 1.2]),
                      legend=dict(orientation="h", y=1.02, x=1, xanchor="right", yanchor="bottom"))
    parts = "; ".join(f"{name} ({row['days']} day{'s' if row['days'] != 1 else ''}): mean {row['mean per day']:.0f},"
                      f" median {row['median per day']:.0f}" for name, row in summary.iterrows())
    return describe(fig, f"Pairs of bars give the mean and the median number of deaths per day in UCDP events dated "
                         f"to the exact day, for {len(summary)} periods: {parts}.")
