"""A teaching model of how long a ceasefire lasts. It is NOT a forecast and NOT estimated from data.

Our model (lesson 03). Its only purpose is to let students see how three things an article like the
column talks about (spoilers, enforcement, clear definitions) could interact. Every number in it is
invented for teaching; none was fitted to the February or September 2016 truces or to any other truce.

Assumptions, all of them simplifications:

1. A truce has `spoilers`: armed groups outside the deal or hostile to it. All are alike.
2. Each day, each spoiler independently commits a serious violation with probability
   BASE_VIOLATION * (1 - CLARITY_EFFECT * clarity): clearer definitions of what is allowed and who is
   covered leave fewer "violations" that are really disputes over the rules. With the constants below that
   is 5 % a day with no clarity (0) and 1 % a day with full clarity (1).
3. A violation is contained (the truce survives it) with probability `enforcement`; otherwise the truce
   collapses that day. A collapse is final: there is no repair, no recommitment.
4. Nothing changes over time: no fatigue, no escalation, no learning, no outside events.

So the chance that the truce collapses on a given day, if it is still standing, is
    1 - (1 - p * (1 - enforcement)) ** spoilers,   p = the violation probability of assumption 2,
the same every day. We simulate N truces day by day for up to `horizon` days, with numpy's
default_rng(seed), and report the day each one collapses. The same seed gives the same numbers, and
because every setting uses the same random draws, a "safer" setting never makes a truce collapse sooner.
"""

import math
import numbers
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from ceasefire.display import PALETTE, describe
from ceasefire.display.controls import NumberSlider
from ceasefire.display.explorer import FigureExplorer, html_panel
from ceasefire.errors import CourseError

BASE_VIOLATION = 0.05     # chance a spoiler commits a serious violation on a given day, with no clarity (invented)
CLARITY_EFFECT = 0.8      # full clarity cuts that chance by 80 % (invented)
N_TRUCES = 2000
HORIZON = 180             # days
SEED = 2016
BIN_DAYS = 10
MAX_SPOILERS = 20
MAX_TRUCES = 100_000
MAX_HORIZON = 3650

TEACHING_LABEL = ("Our model: a teaching model, not a forecast. Its numbers are invented to show how the three "
                  "inputs interact; none is estimated from the 2016 truces.")


class DurabilityError(CourseError, ValueError):
    """An input the model cannot take; the message says which one and what range it accepts."""


def _integer(value, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise DurabilityError(f"{what} must be a whole number from {low} to {high}; got {value!r}.")
    if not math.isfinite(value) or value != int(value):
        raise DurabilityError(f"{what} must be a whole number from {low} to {high}; got {value!r}.")
    if not low <= int(value) <= high:
        raise DurabilityError(f"{what} must be a whole number from {low} to {high}; got {int(value)}.")
    return int(value)


def _share(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise DurabilityError(f"{what} must be a number from 0 to 1 (0 = none, 1 = complete); got {value!r}.")
    value = float(value)
    if not math.isfinite(value) or not 0 <= value <= 1:
        raise DurabilityError(f"{what} must be a number from 0 to 1 (0 = none, 1 = complete); got {value:g}.")
    return value


def violation_probability(clarity) -> float:
    """The chance that one spoiler commits a serious violation on one day, given clarity (0..1)."""
    clarity = _share(clarity, "Clarity of definitions")
    return BASE_VIOLATION * (1 - CLARITY_EFFECT * clarity)


def daily_collapse_probability(spoilers, enforcement, clarity) -> float:
    """The chance that a truce still standing collapses on a given day (the same every day in this model)."""
    spoilers = _integer(spoilers, "The number of spoilers", 0, MAX_SPOILERS)
    enforcement = _share(enforcement, "Enforcement")
    uncontained = violation_probability(clarity) * (1 - enforcement)
    return 1 - (1 - uncontained) ** spoilers


@dataclass(frozen=True)
class DurabilityResult:
    """Simulated truces: `days[i]` is the day truce i collapsed, or 0 if it held for the whole horizon."""
    days: np.ndarray
    spoilers: int
    enforcement: float
    clarity: float
    horizon: int
    seed: int

    @property
    def n(self) -> int:
        return int(self.days.size)

    @property
    def collapsed(self) -> int:
        return int(np.count_nonzero(self.days))

    @property
    def held(self) -> int:
        return self.n - self.collapsed

    @property
    def median_days(self):
        """The median day of collapse (lower median: the middle truce when all are put in order of collapse,
        those that held counted last), or None when more than half held for the whole horizon."""
        ordered = np.sort(np.where(self.days > 0, self.days, self.horizon + 1))
        middle = int(ordered[(self.n - 1) // 2])
        return None if middle > self.horizon else middle

    def bin_counts(self, width: int = BIN_DAYS):
        """(labels, counts) of collapses in bins of `width` days, then the count that held throughout."""
        edges = np.arange(0, self.horizon + width, width)
        edges[-1] = min(edges[-1], self.horizon)
        counts, _ = np.histogram(self.days[self.days > 0], bins=edges + 0.5)
        labels = [f"{a + 1}-{b}" for a, b in zip(edges[:-1], edges[1:])]
        return labels, counts.astype(int).tolist()


def simulate(spoilers, enforcement, clarity, n=N_TRUCES, horizon=HORIZON, seed=SEED) -> DurabilityResult:
    """Simulate `n` truces day by day for up to `horizon` days (see the module docstring for the assumptions)."""
    n = _integer(n, "The number of simulated truces", 1, MAX_TRUCES)
    horizon = _integer(horizon, "The horizon in days", 1, MAX_HORIZON)
    seed = _integer(seed, "The seed", 0, 2**32 - 1)
    hazard = daily_collapse_probability(spoilers, enforcement, clarity)
    draws = np.random.default_rng(seed).random((n, horizon), dtype=np.float32)
    breaks = draws < hazard                       # True on each day the truce would collapse, if still standing
    first = breaks.argmax(axis=1) + 1             # first such day (argmax returns 0 when there is none)
    days = np.where(breaks.any(axis=1), first, 0).astype(np.int32)
    return DurabilityResult(days, int(spoilers), float(enforcement), float(clarity), horizon, seed)


def summary(result: DurabilityResult) -> str:
    """One or two sentences on a simulation: median, how many collapsed, how many held."""
    n, h = f"{result.n:,}", result.horizon
    if result.collapsed == 0:
        why = (" With no spoilers nothing in this model can break a truce." if result.spoilers == 0 else
               " With complete enforcement every violation is contained." if result.enforcement == 1 else "")
        return f"None of the {n} simulated truces collapsed within {h} days: all held for the whole period.{why}"
    median = result.median_days
    head = (f"Median day of collapse: {median} (half of the truces had collapsed by then)." if median is not None else
            f"Median: more than {h} days (more than half of the truces held for the whole period).")
    return f"{head} {result.collapsed:,} of {n} simulated truces collapsed within {h} days; {result.held:,} held throughout."


def title(result: DurabilityResult) -> str:
    median = result.median_days
    if result.collapsed == 0:
        when = f"no truce collapsed within {result.horizon} days"
    elif median is None:
        when = f"median more than {result.horizon} days"
    else:
        when = f"median {median} day{'s' if median != 1 else ''}"
    return (f"Days until collapse, {result.n:,} simulated truces: {when}<br>"
            f"<sup>({result.spoilers} spoiler{'s' if result.spoilers != 1 else ''}, enforcement {result.enforcement:.2f}, "
            f"clarity {result.clarity:.2f}; teaching model, not a forecast)</sup>")


def description(result: DurabilityResult) -> str:
    labels, counts = result.bin_counts()
    text = (f"Bar chart from our teaching model, not a forecast: how many of {result.n:,} simulated truces collapsed in "
            f"each {BIN_DAYS}-day span, and a last bar for those that held all {result.horizon} days "
            f"({result.held:,}). Inputs: {result.spoilers} spoilers, enforcement {result.enforcement:.2f}, clarity "
            f"{result.clarity:.2f}. ")
    if result.collapsed:
        peak = int(np.argmax(counts))
        text += f"The tallest collapse bar is days {labels[peak]} ({counts[peak]:,}). "
    return text + summary(result)


def figure(result: DurabilityResult) -> go.Figure:
    """Histogram of days until collapse (bars of BIN_DAYS days) plus one bar for the truces that held."""
    labels, counts = result.bin_counts()
    held_label = f"held {result.horizon} days"
    # one go.Figure call: update_layout would validate the whole figure again, on every move of the widget
    fig = go.Figure([
        go.Bar(x=labels, y=counts, name="collapsed", marker_color=PALETTE[4],
               hovertemplate="collapsed on days %{x}: %{y:,}<extra></extra>"),
        go.Bar(x=[held_label], y=[result.held], name="held throughout", marker_color=PALETTE[2],
               hovertemplate="held all the way: %{y:,}<extra></extra>"),
    ], layout=dict(title=dict(text=title(result), font=dict(size=15)), height=440, bargap=0.08,
                   showlegend=False, margin=dict(t=80),
                   xaxis=dict(title=f"day of collapse ({BIN_DAYS}-day spans), then truces that held", type="category",
                              categoryorder="array", categoryarray=labels + [held_label], tickangle=-45,
                              automargin=True),
                   yaxis=dict(title="simulated truces", rangemode="tozero", automargin=True)))
    return describe(fig, description(result))


SCENARIOS = (
    ("few spoilers, strong enforcement, clear rules", 1, 0.8, 0.8),
    ("few spoilers, weak enforcement, vague rules", 1, 0.2, 0.2),
    ("many spoilers, strong enforcement, clear rules", 6, 0.8, 0.8),
    ("many spoilers, weak enforcement, vague rules", 6, 0.2, 0.2),
    ("no spoilers at all", 0, 0.0, 0.0),
)


def scenario_table(scenarios=SCENARIOS, seed=SEED):
    """A few settings of the model side by side: median day of collapse and how many truces held 180 days."""
    import pandas as pd
    rows = []
    for name, spoilers, enforcement, clarity in scenarios:
        result = simulate(spoilers, enforcement, clarity, seed=seed)
        median = result.median_days
        rows.append({"setting": name, "spoilers": spoilers, "enforcement": enforcement, "clarity": clarity,
                     "chance of collapse per day": f"{daily_collapse_probability(spoilers, enforcement, clarity):.2%}",
                     "median day of collapse": (str(median) if median is not None else f"over {result.horizon}"),
                     f"held {result.horizon} days": f"{result.held:,} of {result.n:,}"})
    return pd.DataFrame(rows)


class DurabilityExplorer(FigureExplorer):
    """Three sliders (spoilers, enforcement, clarity) drive the histogram of days until collapse; the title
    gives the median and the description below the figure is rewritten on every change."""

    def __init__(self, spoilers: int = 3, enforcement: float = 0.5, clarity: float = 0.5, n: int = N_TRUCES,
                 horizon: int = HORIZON, seed: int = SEED):
        self.n, self.horizon, self.seed = n, horizon, seed
        self.spoilers = NumberSlider(spoilers, 0, 10, 1, description="Spoilers (armed groups outside the deal)")
        self.enforcement = NumberSlider(enforcement, 0, 1, 0.05, description="Enforcement", readout_format=".2f")
        self.clarity = NumberSlider(clarity, 0, 1, 0.05, description="Clarity of definitions", readout_format=".2f")
        self.label = html_panel(f"<p><b>{TEACHING_LABEL}</b></p>")
        super().__init__([self.spoilers, self.enforcement, self.clarity], header=[self.label])

    def build(self):
        self.result = simulate(self.spoilers.value, self.enforcement.value, self.clarity.value,
                               self.n, self.horizon, self.seed)
        return figure(self.result), description(self.result)
