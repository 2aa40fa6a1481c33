"""Figures built from the course data. Each returns a plotly Figure with its text description
attached (see ceasefire.display), so a lesson only has to call `show(...)`."""

import pandas as pd
import plotly.graph_objects as go

from ceasefire.data import EVENT_CATEGORIES
from ceasefire.display import PALETTE, describe, wrap
from ceasefire.display.controls import ALL, check_choice
from ceasefire.errors import CourseError

CATEGORY_COLOURS = dict(zip(EVENT_CATEGORIES, PALETTE))


# Shaded spans of time, written out as the layout entries fig.add_vrect gives (tests/test_agreement.py and
# tests/test_casualties.py hold them to it), so that a figure is made in one go.Figure call: add_vrect,
# add_annotation and update_layout each validate the whole figure again (~5 ms each).

def moment(ts) -> str:
    """A Timestamp as a plotly date axis takes it: '2016-09-12 19:00'."""
    return f"{ts:%Y-%m-%d %H:%M}"


def whole_days(first, last) -> list:
    """An axis range from day `first` to day `last` with half a day either side, so that their bars show whole."""
    return [moment(first - pd.Timedelta(hours=12)), moment(last + pd.Timedelta(hours=12))]


def band(start, end, colour: str, opacity: float, **style) -> dict:
    """A shaded band over the plot's whole height from `start` to `end` (a shape; `style`: e.g. layer)."""
    return dict(type="rect", xref="x", yref="y domain", x0=moment(start), x1=moment(end), y0=0, y1=1,
                fillcolor=colour, opacity=opacity, line=dict(width=0), **style)


def band_label(start, text: str, **style) -> dict:
    """A label at the top left of a band starting at `start` (an annotation; `style`: e.g. font, bgcolor)."""
    return dict(x=moment(start), xref="x", y=1, yref="y domain", xanchor="left", yanchor="top", text=text,
                showarrow=False, **style)


def _day(value, what: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(value).normalize()
    except (ValueError, TypeError):
        raise CourseError(f"Give {what} as a date written YYYY-MM-DD, e.g. 2016-09-12; got {value!r}.") from None


def filter_timeline(timeline: pd.DataFrame, category: str = ALL, years=None, start=None, end=None,
                    place=None) -> pd.DataFrame:
    """The one timeline filter of the course: the rows of `category` (ALL for every kind), in the years
    (first, last), between the days `start` and `end` (inclusive; a time of day is ignored; either may be
    None for no limit) and at `place` (a place_id; None for anywhere), in timeline order."""
    check_choice(category, EVENT_CATEGORIES, "category")
    rows = timeline if category == ALL else timeline[timeline["category"] == category]
    dates = pd.to_datetime(rows["date"])
    if years is not None:
        first, last = years
        rows, dates = rows[dates.dt.year.between(first, last)], dates[dates.dt.year.between(first, last)]
    low = None if start is None else _day(start, "the first day")
    high = None if end is None else _day(end, "the last day")
    if low is not None and high is not None and high < low:
        raise CourseError(f"The period runs backwards: {high:%Y-%m-%d} is before {low:%Y-%m-%d}.")
    keep = pd.Series(True, index=rows.index)
    if low is not None:
        keep &= dates >= low
    if high is not None:
        keep &= dates <= high
    if place is not None:
        keep &= rows["place"] == place
    return rows[keep]


def timeline_title(category: str, years, count: int) -> str:
    what = "all events" if category == ALL else f"{category} events"
    span = f"{years[0]}" if years[0] == years[1] else f"{years[0]}-{years[1]}"
    return f"Timeline, {span}: {what} ({count})"


def category_counts(rows: pd.DataFrame) -> str:
    """'3 diplomacy, 2 military': how many events of each kind, in the lanes' order."""
    counts = rows["category"].value_counts()
    return ", ".join(f"{counts[c]} {c}" for c in EVENT_CATEGORIES if c in counts)


def timeline_description(rows: pd.DataFrame, category: str, years) -> str:
    if rows.empty:
        return f"No {'' if category == ALL else category + ' '}events in the course timeline for the years chosen."
    parts = category_counts(rows)
    first, last = rows.iloc[0], rows.iloc[-1]
    return (f"Dots on a time axis, one lane per kind of event: {parts}. The first shown is "
            f"{first['date']:%d %B %Y} ({first['event']}); the last is {last['date']:%d %B %Y} ({last['event']}).")


def timeline_traces(rows: pd.DataFrame):
    """One scatter trace per category, always all three, so a widget can update them in place."""
    traces = []
    for category in EVENT_CATEGORIES:
        part = rows[rows["category"] == category]
        traces.append(go.Scatter(
            x=part["date"].dt.strftime("%Y-%m-%d").tolist(), y=[category] * len(part), mode="markers",
            name=category, marker=dict(size=11, color=CATEGORY_COLOURS[category], line=dict(width=1, color="white")),
            customdata=[wrap(e) for e in part["event"]],
            hovertemplate="%{x|%d %b %Y}<br>%{customdata}<extra></extra>"))
    return traces


def year_span(timeline: pd.DataFrame) -> tuple:
    """(first, last) year of the timeline: the default span of its figure and explorer."""
    years = timeline["date"].dt.year
    return int(years.min()), int(years.max())


def timeline_figure(timeline: pd.DataFrame, category: str = ALL, years=None) -> go.Figure:
    years = years or year_span(timeline)
    rows = filter_timeline(timeline, category, years)
    fig = go.Figure(timeline_traces(rows), layout=dict(      # one call: update_layout would validate it all again
        title=timeline_title(category, years, len(rows)), height=330,
        xaxis=dict(title="date", type="date", range=[f"{years[0]}-01-01", f"{years[1]}-12-31"]),
        yaxis=dict(title="kind of event", categoryorder="array", categoryarray=list(EVENT_CATEGORIES)),
        showlegend=False))
    return describe(fig, timeline_description(rows, category, years))
