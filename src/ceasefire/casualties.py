"""Lesson 03, "Why the February truce failed": the February 2016 terms, the causes of the collapse, the
UCDP death counts and the "every 25 minutes" figure, as tables, figures and one widget.

Everything here is built from the course data (data/*.csv, loaded by ceasefire.data); the only
hand-written content is the list of explanations in CAUSES (which events the author's and the record's
explanations point to) and HOLES (which terms bear on each gap the author names). Both only select rows
of the data tables: every date, event text and source id comes from the tables themselves.
"""

import math
import numbers
from dataclasses import dataclass

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from ceasefire.data import short_date, split
from ceasefire.display import NEUTRAL, PALETTE, describe, description_html, setup, wrap
from ceasefire.errors import CourseError

# ---- key dates ------------------------------------------------------------------------------------

TRUCE_START = pd.Timestamp("2016-02-27")      # 00:00 Damascus time (terms.csv F01)
HNC_SUSPENSION = pd.Timestamp("2016-04-18")   # HNC postpones its part in the Geneva talks (timeline)
SEPTEMBER_START = pd.Timestamp("2016-09-12")  # the September arrangement begins at sundown (terms.csv S01)
SEPTEMBER_END = pd.Timestamp("2016-09-19")    # the Syrian military declares the seven days over (timeline)

# Shaded periods on the death-count figures: (first day, last day, label, colour).
PERIODS_MARKED = (
    (TRUCE_START, HNC_SUSPENSION, "Feb truce, eroding<br>27 Feb - 18 Apr", PALETTE[0]),
    (SEPTEMBER_START, SEPTEMBER_END, "Sep truce<br>12-19 Sep", PALETTE[2]),
)

# Two-day windows read from the daily table: de Mistura's 48 hours, and the calmest days of September.
TWO_DAY_WINDOWS = (
    ("2016-04-26", "2016-04-27", "the 48 hours before de Mistura's briefing of 28 Apr"),
    ("2016-09-13", "2016-09-14", "the first two full days of the September arrangement"),
)


class RateError(CourseError, ValueError):
    """A rate or a period was given that cannot be converted; the message says what to type instead."""


# ---- the February terms ---------------------------------------------------------------------------

def february_terms(terms: pd.DataFrame) -> pd.DataFrame:
    """The terms of the February 2016 cessation (terms.csv), with the columns a reader needs."""
    rows = terms[terms["agreement"] == "feb-2016"]
    return rows[["term_id", "term", "commitment", "verification", "enforcement", "source"]].reset_index(drop=True)


def events_between(timeline: pd.DataFrame, first: str, last: str) -> pd.DataFrame:
    """Timeline events from `first` to `last` (inclusive, YYYY-MM-DD), with date, event and sources."""
    start, end = pd.Timestamp(first), pd.Timestamp(last)
    if end < start:
        raise CourseError(f"The period runs backwards: {last} is before {first}.")
    dates = pd.to_datetime(timeline["date"])
    rows = timeline[(dates >= start) & (dates <= end)]
    return pd.DataFrame({"date": pd.to_datetime(rows["date"]).map(short_date),
                         "event": rows["event"], "source": rows["source"]}).reset_index(drop=True)


# ---- the causes of the collapse: the author's against the record's -----------------------------------

@dataclass(frozen=True)
class Cause:
    explanation: str
    named_by: str            # "author [P09]" or "the record"
    evidence: tuple          # (date, word in the event text) pairs that pick timeline rows
    verdict: str             # our reading of the evidence, one line
    also_cites: tuple = ()   # further source ids (sources.csv) that the verdict relies on


CAUSES = (
    Cause("Turkey's involvement", "Author's opinion [P09]", (("2016-02-13", "Turkish"),),
          "Not supported: the shelling came two weeks before the truce began, and no course source names Turkey "
          "as a cause of the collapse."),
    Cause("Dispute over a Kurdish state", "Author's opinion [P09]", (("2016-03-17", "federal"),),
          "Not supported: a separate quarrel in mid-March that no course source names as a cause of the collapse."),
    Cause("Vague rules on what was allowed and who counted as a terrorist", "Author's opinion [P10]",
          (("2016-02-27", "excluded"),),
          "Partly: the terms named the excluded groups and listed the parties' duties but set no way to check them; "
          "Kerry later counted Nusra's growing influence among the two main problems.",
          ("afp-anadolu-2016-02-26", "un-sc12261", "state-2016-08-26")),
    Cause("Disagreement over Assad's future", "Author's opinion [P10]", (),
          "Not tested: none of the dated course sources of April to August 2016 names it as a cause of the collapse."),
    Cause("Government offensives around Aleppo", "The record", (("2016-04-18", "HNC"), ("2016-04-22", "Aleppo"),
                                                              ("2016-05-02", "Aleppo"), ("2016-08-26", "regime")),
          "The opposition bloc blamed government offensives; fighting in Aleppo escalated; Kerry said the truce had "
          "broken down completely in a few places, Aleppo above all, and later named regime violations."),
    Cause("Air strikes on hospitals", "The record", (("2016-04-27", "hospital"),),
          "The al-Quds hospital in Aleppo was destroyed the night before the UN envoy called the truce barely alive.",
          ("upi-2016-04-28",)),
    Cause("Blocked aid", "The record", (("2016-05-09", "aid"),),
          "When the US and Russia recommitted to the truce on 9 May they conceded that aid had been obstructed."),
    Cause("Nusra fighting alongside other rebels", "The record", (("2016-08-26", "Nusra"),),
          "Kerry named Nusra's growing influence, next to regime violations, as one of the truce's two main problems."),
)


def _pick(timeline: pd.DataFrame, date: str, word: str) -> pd.Series:
    dates = pd.to_datetime(timeline["date"]).dt.strftime("%Y-%m-%d")
    rows = timeline[(dates == date) & timeline["event"].str.contains(word, case=False, regex=False)]
    if len(rows) != 1:
        raise CourseError(f"Expected one timeline event on {date} mentioning {word!r}, found {len(rows)}.")
    return rows.iloc[0]


def causes_table(timeline: pd.DataFrame) -> pd.DataFrame:
    """The explanations of the February collapse side by side: who offers each, the dated events it rests on
    (taken from the timeline, with their sources), how many days before or after the truce began, and our reading."""
    records = []
    for cause in CAUSES:
        events = [_pick(timeline, date, word) for date, word in cause.evidence]
        dates = [pd.Timestamp(e["date"]) for e in events]
        sources = []
        for event in events:
            sources += [s for s in split(event["source"]) if s not in sources]
        sources += [s for s in cause.also_cites if s not in sources]
        records.append({
            "explanation": cause.explanation,
            "named by": cause.named_by,
            "dated evidence": "; ".join(short_date(d) for d in dates) or "none in the course timeline",
            "days after the truce began": (", ".join(_offset(d) for d in dates) or "-"),
            "our reading": cause.verdict,
            "source": ";".join(sources) or "-",
        })
    return pd.DataFrame(records)


def _offset(date) -> str:
    days = (date - TRUCE_START).days
    return "0 (first day)" if days == 0 else f"{days:+d}"


def causes_figure(timeline: pd.DataFrame) -> go.Figure:
    """The dated events behind each explanation on one time axis, the truce period shaded: it shows at a
    glance which evidence comes before the truce began and which comes while it was failing."""
    setup()
    lanes = {"Author's opinion": [], "The record": []}
    for cause in CAUSES:
        lane = "Author's opinion" if cause.named_by.startswith("Author") else "The record"
        for date, word in cause.evidence:
            event = _pick(timeline, date, word)
            lanes[lane].append((pd.Timestamp(event["date"]), cause.explanation, event["event"]))
    fig = go.Figure()
    for colour, (lane, points) in zip((PALETTE[4], PALETTE[3]), lanes.items()):
        fig.add_trace(go.Scatter(
            x=[p[0].strftime("%Y-%m-%d") for p in points], y=[lane] * len(points), mode="markers", name=lane,
            marker=dict(size=13, color=colour, symbol="diamond" if lane == "The record" else "circle",
                        line=dict(width=1, color="white")),
            customdata=[[p[1], wrap(p[2])] for p in points],
            hovertemplate="%{x|%d %b %Y}<br><b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>"))
    _shade(fig, PERIODS_MARKED[:1])
    fig.add_vline(x=TRUCE_START.strftime("%Y-%m-%d"), line=dict(color="#444444", dash="dot", width=1))
    fig.update_layout(title="Which dated events does each explanation rest on?", height=300, showlegend=False,
                      xaxis=dict(title="2016", type="date", range=["2016-02-01", "2016-09-01"]),
                      yaxis=dict(title="", categoryorder="array", categoryarray=["The record", "Author's opinion"],
                                 automargin=True))
    author = sorted(p[0] for p in lanes["Author's opinion"])
    record = sorted(p[0] for p in lanes["The record"])
    after = all(d > TRUCE_START for d in record)
    text = (f"Two rows of markers on a time line from February to August 2016, with the February truce shaded from "
            f"27 Feb to 18 Apr and a dotted line at its start. The events behind the author's explanations fall on "
            f"{_dates(author)}; the events behind the explanations in the record fall on {_dates(record)}"
            f"{', all after the truce began' if after else ''}.")
    return describe(fig, text)


def _dates(stamps) -> str:
    unique = sorted(set(stamps))
    return ", ".join(f"{d:%d %b}" for d in unique)


# ---- February and September side by side: the holes the author names ----------------------------

@dataclass(frozen=True)
class Hole:
    hole: str
    paragraphs: str
    february: tuple     # term ids in terms.csv
    september: tuple


HOLES = (
    Hole("The deal rests on rebels choosing not to attack", "[P12] [P14]", ("F02", "F07"), ("S01", "S09")),
    Hole("Some 'moderate' rebels keep ties to JFS (formerly Nusra)", "[P14]", ("F03", "F04"), ("S07", "S08")),
    Hole("Nothing makes the parties comply", "[P12] [P14]", ("F05", "F11"), ("S06", "S09")),
)


def holes_table(terms: pd.DataFrame) -> pd.DataFrame:
    """Each gap the author sees in the September deal [P12, P14], with the February and September terms that
    bear on it: the term's name, how compliance was to be checked and what enforced it (from terms.csv)."""
    by_id = terms.set_index("term_id")
    missing = [t for h in HOLES for t in h.february + h.september if t not in by_id.index]
    if missing:
        raise CourseError(f"terms.csv has no term(s) {', '.join(missing)}.")

    def describe_terms(ids):
        return " | ".join(f"{t} {by_id.loc[t, 'term']} (checked by: {by_id.loc[t, 'verification'].rstrip('.')}; "
                          f"enforced by: {by_id.loc[t, 'enforcement']})" for t in ids)

    return pd.DataFrame([{"gap the author names": h.hole, "paragraphs": h.paragraphs,
                          "February 2016 terms": describe_terms(h.february),
                          "September 2016 terms": describe_terms(h.september)} for h in HOLES])


def enforcement_counts(terms: pd.DataFrame) -> pd.DataFrame:
    """How many terms of each agreement rest on each kind of enforcement (terms.csv, column `enforcement`)."""
    table = pd.crosstab(terms["enforcement"], terms["agreement"])
    order = ["none", "political", "mutual-withdrawal", "un-endorsement", "unknown"]
    table = table.reindex([o for o in order if o in table.index]).fillna(0).astype(int)
    table.columns.name = None
    table.index.name = "enforcement"
    return table.rename(columns={"feb-2016": "February 2016", "sep-2016": "September 2016"})


# ---- the UCDP death counts ------------------------------------------------------------------------

COLUMN_GUIDE = (
    ("month", "the calendar month"),
    ("deaths", "UCDP's best estimate, counting only events that begin and end within the month (used in our figures)"),
    ("deaths_low, deaths_high", "UCDP's low and high estimates for the same events, kept as UCDP published them"),
    ("civilians", "the civilians among those deaths"),
    ("deaths_by_start", "every event counted in the month it begins, long aggregates included (January 2016 is inflated)"),
    ("deaths_prorated", "each event spread evenly over its days: an estimate by the data's compiler, not a UCDP figure"),
)


def column_guide() -> pd.DataFrame:
    """What each column of data/deaths_monthly.csv means, in one line each."""
    return pd.DataFrame(COLUMN_GUIDE, columns=["column", "meaning"])


def _months(monthly: pd.DataFrame, first: str, last: str) -> pd.DataFrame:
    months = pd.to_datetime(monthly["month"])
    rows = monthly[(months >= pd.Timestamp(first + "-01")) & (months <= pd.Timestamp(last + "-01"))].copy()
    if rows.empty:
        raise CourseError(f"No UCDP months between {first} and {last}; the data run from 2016-01 to 2019-11.")
    rows["month"] = pd.to_datetime(rows["month"])
    return rows


def _shade(fig, periods):
    for first, last, label, colour in periods:
        fig.add_vrect(x0=first.strftime("%Y-%m-%d"), x1=(last + pd.Timedelta(days=1)).strftime("%Y-%m-%d"),
                      fillcolor=colour, opacity=0.22, line_width=0, layer="below",
                      annotation_text=label, annotation_position="top left", annotation_font_size=11,
                      annotation_bgcolor="rgba(255,255,255,0.8)")


def monthly_deaths_figure(monthly: pd.DataFrame, first: str = "2016-01", last: str = "2016-12") -> go.Figure:
    """UCDP deaths per month (events within the month) with civilians, the two truces shaded."""
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
    _shade(fig, PERIODS_MARKED)
    fig.update_layout(title=f"Conflict deaths in Syria per month, {_span(rows)} (UCDP)", height=420,
                      xaxis=dict(title="", type="date"),
                      yaxis=dict(title="deaths (events within the month)", rangemode="tozero", automargin=True),
                      legend=dict(orientation="h", y=-0.12), margin=dict(b=80), bargap=0.15)
    low, high = rows.loc[rows["deaths"].idxmin()], rows.loc[rows["deaths"].idxmax()]
    text = (f"Bars: UCDP's count of deaths in Syria per month, {_span(rows)}, counting only events that begin and end "
            f"within the month; a line shows the civilians among them. The lowest month is {low['month']:%B %Y} "
            f"({low['deaths']:,}), the highest {high['month']:%B %Y} ({high['deaths']:,}). Shaded: the February truce "
            f"from 27 Feb to 18 Apr 2016, and the September truce from 12 to 19 Sep 2016.")
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
    window = (rows.index >= pd.Timestamp(first)) & (rows.index <= pd.Timestamp(last))
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
    _shade(fig, PERIODS_MARKED)
    totals = two_day_totals(daily)
    for (first_day, _, _), row in zip(TWO_DAY_WINDOWS, totals.itertuples()):
        top = int(rows[pd.Timestamp(first_day):pd.Timestamp(first_day) + pd.Timedelta(days=1)].max())
        fig.add_annotation(x=first_day, y=top,
                           text=f"{row.days}: {row.deaths}", showarrow=True, arrowhead=2, ax=0, ay=-70,
                           font=dict(size=11), bgcolor="rgba(255,255,255,0.85)")
    fig.update_layout(title=f"Deaths per day, {rows.index[0]:%d %b} to {rows.index[-1]:%d %b %Y} (UCDP, exact-date events)",
                      height=420, xaxis=dict(title="", type="date"),
                      yaxis=dict(title="deaths (events dated to the day)", rangemode="tozero", automargin=True),
                      legend=dict(orientation="h", y=-0.12), margin=dict(b=80), bargap=0)
    text = (f"Bars: deaths per day from {rows.index[0]:%d %B} to {rows.index[-1]:%d %B %Y} in UCDP events dated to the "
            f"exact day, with a line for the 7-day average. Shaded: the February truce (27 Feb to 18 Apr) and the "
            f"September truce (12 to 19 Sep). Labelled: " +
            "; ".join(f"{r.days}, {r.deaths} deaths" for r in totals.itertuples()) + ".")
    return describe(fig, text)


def two_day_totals(daily: pd.DataFrame) -> pd.DataFrame:
    """Deaths in the two-day windows of TWO_DAY_WINDOWS (events dated to the exact day; civilians too)."""
    dates = pd.to_datetime(daily["date"])
    records = []
    for first, last, what in TWO_DAY_WINDOWS:
        rows = daily[(dates >= pd.Timestamp(first)) & (dates <= pd.Timestamp(last))]
        if len(rows) != 2:
            raise CourseError(f"The daily table should have 2 rows from {first} to {last}, found {len(rows)}.")
        deaths = int(rows["deaths"].sum())
        records.append({"days": f"{pd.Timestamp(first):%d}-{pd.Timestamp(last):%d %b %Y}", "what": what,
                        "deaths": deaths, "civilians": int(rows["civilians"].sum()),
                        "one death every ... minutes": round(minutes_per_death(deaths, 48), 1)})
    return pd.DataFrame(records)


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
    two_days = two_day_totals(daily).iloc[0]
    rows = [("UCDP, April 2016, events within the month", int(month["deaths"]), 720),
            ("UCDP, April 2016, events starting in the month", int(month["deaths_by_start"]), 720),
            ("UCDP, 26-27 Apr 2016, events dated to the day", int(two_days["deaths"]), 48)]
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
