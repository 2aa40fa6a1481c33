"""Figures built from the course data. Each returns a plotly Figure with its text description
attached (see ceasefire.display), so a lesson only has to call `show(...)`."""

import pandas as pd
import plotly.graph_objects as go

from ceasefire.data import EVENT_CATEGORIES
from ceasefire.display import PALETTE, describe, setup, wrap

CATEGORY_COLOURS = dict(zip(EVENT_CATEGORIES, PALETTE))
ALL = "all"


def filter_timeline(timeline: pd.DataFrame, category: str = ALL, years=None) -> pd.DataFrame:
    """Rows of the timeline in `category` ('all' for every one) and within the (first, last) years."""
    rows = timeline
    if category != ALL:
        if category not in EVENT_CATEGORIES:
            raise ValueError(f"category must be 'all' or one of {', '.join(EVENT_CATEGORIES)}")
        rows = rows[rows["category"] == category]
    if years is not None:
        first, last = years
        rows = rows[rows["date"].dt.year.between(first, last)]
    return rows


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
    setup()
    years = years or year_span(timeline)
    rows = filter_timeline(timeline, category, years)
    fig = go.Figure(timeline_traces(rows))
    fig.update_layout(title=timeline_title(category, years, len(rows)), height=330,
                      xaxis=dict(title="date", type="date", range=[f"{years[0]}-01-01", f"{years[1]}-12-31"]),
                      yaxis=dict(title="kind of event", categoryorder="array",
                                 categoryarray=list(EVENT_CATEGORIES)),
                      showlegend=False)
    return describe(fig, timeline_description(rows, category, years))
