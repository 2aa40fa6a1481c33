"""Lesson 03, the "one death every 25 minutes" conversion: a rate turned into a total over a period and
back, and the bar chart that sets the total beside UCDP's April 2016 counts (lesson03_deaths.april_2016_counts).

Nothing here reads the course data; the RateConverter widget (lesson03_casualties) drives these functions.
"""

import math
import numbers
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from ceasefire.display import NEUTRAL, PALETTE, describe
from ceasefire.errors import CourseError


class RateError(CourseError, ValueError):
    """A rate or a period was given that cannot be converted; the message says what to type instead."""


@dataclass(frozen=True)
class Period:
    """A period the rate can be spread over: the menu's label, the short name titles use, its hours."""
    label: str
    name: str
    hours: int


PERIODS = (Period("48 hours (de Mistura's window)", "48 hours", 48),
           Period("30 days (April 2016)", "30 days", 30 * 24),
           Period("365 days (a year)", "365 days", 365 * 24))
HOURS = {p.label: p.hours for p in PERIODS}      # the widget's menu: label -> hours
DE_MISTURA_MINUTES = 25


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


def period(label: str) -> Period:
    """One of PERIODS, by its label."""
    for known in PERIODS:
        if known.label == label:
            return known
    raise RateError(f"{label!r} is not a period we convert to; choose one of: {', '.join(HOURS)}.")


def period_hours(label: str) -> int:
    """Hours in one of the PERIODS, by its label."""
    return period(label).hours


def rate_title(minutes, label: str) -> str:
    chosen = period(label)
    total = deaths_in_period(minutes, chosen.hours)
    return f"One death every {_num(minutes)} minutes for {chosen.name} = {total:,.0f} deaths"


def _num(value) -> str:
    return f"{value:g}"


def rate_figure(minutes, label: str, counts: pd.DataFrame) -> go.Figure:
    """Bar chart: the total implied by the rate over the period, beside the UCDP April 2016 counts.
    UCDP bars that cover a different length of time than the chosen period are drawn in grey."""
    chosen = period(label)
    implied = deaths_in_period(minutes, chosen.hours)
    labels = [f"implied: every {_num(minutes)} min<br>for {chosen.name}"] + [
        c.replace(", events", ",<br>events") for c in counts["count"]]
    values = [round(implied, 1)] + counts["deaths"].tolist()
    colours = [PALETTE[0]] + [PALETTE[3] if h == chosen.hours else NEUTRAL for h in counts["hours"]]
    # one go.Figure call: update_layout would validate the whole figure again, on every move of the widget
    fig = go.Figure(go.Bar(x=labels, y=values, marker_color=colours, texttemplate="%{y:,.0f}", textposition="outside",
                           cliponaxis=False, hovertemplate="%{x}: %{y:,.0f}<extra></extra>"),
                    layout=dict(title=rate_title(minutes, label), height=430, showlegend=False,
                                yaxis=dict(title="deaths", rangemode="tozero", automargin=True),
                                xaxis=dict(title="", automargin=True), margin=dict(t=70, b=90)))
    return describe(fig, rate_description(minutes, label, counts))


def rate_description(minutes, label: str, counts: pd.DataFrame) -> str:
    chosen = period(label)
    implied = deaths_in_period(minutes, chosen.hours)
    same = [f"{r['count']}: {r['deaths']:,}" for _, r in counts.iterrows() if r["hours"] == chosen.hours]
    other = [f"{r['count']}: {r['deaths']:,}" for _, r in counts.iterrows() if r["hours"] != chosen.hours]
    text = (f"Four bars. The first (orange) is the total implied by one death every {_num(minutes)} minutes over "
            f"{chosen.name} ({chosen.hours:,} hours): {implied:,.0f} deaths. ")
    if same:
        text += "UCDP counts for a period of the same length (blue): " + "; ".join(same) + ". "
    text += "UCDP counts for a different length of time (grey): " + "; ".join(other) + "."
    return text
