"""Lesson 05: what happened after 12 September 2016, and how the column's forecast and
recommendations held up.

- the window 1 Sep - 15 Oct 2016, day by day: UCDP deaths (data/deaths_daily_2016.csv, events dated to
  the exact day only) and the course timeline (data/timeline.csv), as a figure (`aftermath_figure`) and
  as a widget (`AftermathExplorer`);
- the same days grouped into periods (`period_summary`, `period_figure`); the periods come from
  data/aftermath_periods.csv, their edges from the key dates of data/key_dates.csv;
- the column's forecast [P09] and recommendations [P05, P17, P18] set against the record
  (`judgement_table`, from data/aftermath_judgements.csv), with our judgement labelled as ours.

The prose lives in data tables with sources on every row (aftermath_notes, aftermath_periods,
aftermath_judgements); the army's calm comes from the key date "sep-army-calm".
"""

import html
import re

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ceasefire import data
from ceasefire.data import sources_inline
from ceasefire.display import PALETTE, describe, description_html, setup, wrap
from ceasefire.errors import CourseError
from ceasefire.display.timeline import CATEGORY_COLOURS

WINDOW = ("2016-09-01", "2016-10-15")   # our choice: the days the lesson looks at
CALM_KEY = "sep-army-calm"                # the Syrian army's seven days of calm (data/key_dates.csv)
BAR_COLOUR = PALETTE[3]
SELECTED_COLOUR = PALETTE[4]
UCDP = "ucdp-ged-syria"
# A period's first or last day: a date, or a key date's start or end shifted by whole days.
BOUND = re.compile(r"^(?P<key>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<edge>start|end)(?P<shift>[+-]\d+)?$")


def calm() -> tuple:
    """(start, end) of the army's calm as Timestamps, from data/key_dates.csv."""
    return data.key_date(CALM_KEY)


def calm_sources() -> str:
    """The source ids of the army's calm, from data/key_dates.csv."""
    table = data.key_dates().set_index("key_id")
    return table.loc[CALM_KEY, "source"]


def start_day() -> str:
    """The day the arrangement and the army's calm began ('YYYY-MM-DD')."""
    return f"{calm()[0]:%Y-%m-%d}"


def _day(value) -> pd.Timestamp:
    try:
        day = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise ValueError(f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2016-09-17") from None
    if day != day.normalize():
        raise ValueError(f"{value!r} has a time of day; give a date only, e.g. 2016-09-17")
    return day


def day_label(day) -> str:
    """'17 September 2016' (no locale-dependent day names)."""
    day = _day(day)
    return f"{day.day} {day:%B %Y}"


# ---- the window, day by day -------------------------------------------------------------------------

def window_days(window=WINDOW) -> list:
    start, end = _day(window[0]), _day(window[1])
    if end < start:
        raise ValueError(f"the window ends ({window[1]}) before it starts ({window[0]})")
    return list(pd.date_range(start, end, freq="D"))


def daily_deaths(deaths_daily: pd.DataFrame, window=WINDOW) -> pd.DataFrame:
    """UCDP deaths for every day of the window (date, deaths, civilians); fails if a day is missing."""
    days = window_days(window)
    rows = deaths_daily.set_index("date").reindex(days)
    if rows["deaths"].isna().any():
        missing = [f"{d:%Y-%m-%d}" for d in rows.index[rows["deaths"].isna()]]
        raise CourseError(f"deaths_daily_2016.csv has no row for {', '.join(missing[:5])}: the daily table covers "
                          "2016 only.")
    rows = rows[["deaths", "civilians"]].astype("int64")
    rows.index.name = "date"
    return rows.reset_index()


def window_events(timeline: pd.DataFrame, window=WINDOW) -> pd.DataFrame:
    """Timeline events inside the window, in date order."""
    start, end = _day(window[0]), _day(window[1])
    rows = timeline[timeline["date"].between(start, end)]
    return rows.sort_values("date", kind="stable").reset_index(drop=True)


def events_on(timeline: pd.DataFrame, day) -> pd.DataFrame:
    day = _day(day)
    return timeline[timeline["date"] == day].reset_index(drop=True)


def event_days(timeline: pd.DataFrame, window=WINDOW) -> list:
    """The days of the window that have at least one timeline event, as 'YYYY-MM-DD' strings."""
    return sorted({f"{d:%Y-%m-%d}" for d in window_events(timeline, window)["date"]})


def lowest_two_days(deaths_daily: pd.DataFrame, start="2016-08-01", end="2016-10-31") -> tuple:
    """(first day, total) of the consecutive two-day stretch with the fewest deaths between start and end."""
    rows = daily_deaths(deaths_daily, (start, end))
    pair = rows["deaths"] + rows["deaths"].shift(-1)
    best = int(pair.iloc[:-1].idxmin())
    return f"{rows.loc[best, 'date']:%Y-%m-%d}", int(pair.iloc[best])


def statement_label(statement: str, speaker: str, actors: pd.DataFrame | None = None) -> str:
    """'event', 'finding (UN)' or 'position (Russia)': what a timeline row reports, and who speaks."""
    if statement == "event" or not speaker:
        return statement
    names = ({a: n.split(" (")[0] for a, n in zip(actors["actor_id"], actors["name"])}
             if actors is not None else {})
    return f"{statement} ({names.get(speaker, speaker)})"


def events_table(timeline: pd.DataFrame, window=WINDOW, actors: pd.DataFrame | None = None) -> pd.DataFrame:
    """The window's rows for reading: date, what the row is (event, finding, position and who speaks),
    kind, text, sources (index: date label)."""
    rows = window_events(timeline, window)
    actors = data.actors() if actors is None else actors
    table = pd.DataFrame({
        "date": [day_label(d) + (" (approx.)" if p == "approx" else "") for d, p in
                 zip(rows["date"], rows["date_precision"])],
        "statement": [statement_label(st, sp, actors) for st, sp in zip(rows["statement"], rows["speaker"])],
        "kind": rows["category"], "event": rows["event"], "source": rows["source"]})
    return table.set_index("date")


# ---- periods ----------------------------------------------------------------------------------------

def resolve_day(bound: str, key_dates: pd.DataFrame | None = None) -> pd.Timestamp:
    """A period's first or last day: '2016-10-15', or a key date's edge shifted by whole days,
    e.g. 'sep-army-calm.start+1' = the day after the army's calm began."""
    match = BOUND.match(str(bound).strip())
    if not match:
        return _day(bound)
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
    return round(float(part.loc[part["date"] != _day(day), "deaths"].mean()), 1)


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
    setup()
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


def day_notes(table: pd.DataFrame | None = None) -> dict:
    """{'YYYY-MM-DD': (note, source ids)} from data/aftermath_notes.csv."""
    table = data.load_table("aftermath_notes") if table is None else table
    return {f"{d:%Y-%m-%d}": (note, src) for d, note, src in zip(table["date"], table["note"], table["source"])}


# ---- the day-by-day figure -------------------------------------------------------------------------

def day_title(day, deaths: pd.DataFrame, timeline: pd.DataFrame) -> str:
    day = _day(day)
    count = int(deaths.loc[deaths["date"] == day, "deaths"].iloc[0])
    n = len(events_on(timeline, day))
    events = "no event" if n == 0 else f"{n} event{'s' if n > 1 else ''}"
    return f"{day_label(day)}: {count} deaths (UCDP), {events} in the course timeline"


def day_description(day, deaths: pd.DataFrame, timeline: pd.DataFrame, window=WINDOW) -> str:
    day = _day(day)
    rows = window_events(timeline, window)
    peak = deaths.loc[deaths["deaths"].idxmax()]
    count = int(deaths.loc[deaths["date"] == day, "deaths"].iloc[0])
    todays = events_on(timeline, day)
    said = ("No event of the course timeline falls on it." if todays.empty else
            "Its events: " + " ".join(todays["event"]))
    return (f"Top: one bar per day from {day_label(window[0])} to {day_label(window[1])} with the deaths in UCDP "
            f"events dated to that day (highest: {int(peak['deaths'])} on {day_label(peak['date'])}); a grey band "
            f"marks the Syrian army's seven days of calm, {calm()[0]:%H:%M} on {day_label(calm()[0].normalize())} "
            f"to {calm()[1]:%H:%M} on {day_label(calm()[1].normalize())}. Bottom: {len(rows)} timeline events as "
            f"dots in three lanes (diplomacy, military, humanitarian). The highlighted day is {day_label(day)}, "
            f"with {count} deaths. {said}")


def _shapes(day):
    day = _day(day)
    return [
        dict(type="rect", xref="x", yref="paper", x0=f"{calm()[0]:%Y-%m-%d %H:%M}", x1=f"{calm()[1]:%Y-%m-%d %H:%M}", y0=0, y1=1, layer="below",
             fillcolor="#e6e6e6", opacity=0.6, line=dict(width=0)),
        dict(type="rect", xref="x", yref="paper", x0=f"{day - pd.Timedelta(hours=12):%Y-%m-%d %H:%M}",
             x1=f"{day + pd.Timedelta(hours=12):%Y-%m-%d %H:%M}", y0=0, y1=1, layer="below",
             fillcolor=SELECTED_COLOUR, opacity=0.18, line=dict(width=0)),
    ]


def _event_points(timeline: pd.DataFrame, window=WINDOW):
    """Events grouped by day and kind: (category, dates, hover texts, counts)."""
    rows = window_events(timeline, window)
    out = []
    for category in data.EVENT_CATEGORIES:
        part = rows[rows["category"] == category]
        groups = part.groupby("date", sort=True)
        dates, texts, sizes = [], [], []
        for date, group in groups:
            lines = [wrap(e + (" (date approximate)" if p == "approx" else ""))
                     for e, p in zip(group["event"], group["date_precision"])]
            dates.append(f"{date:%Y-%m-%d}")
            texts.append("<br>• ".join([""] + lines)[4:] if len(lines) > 1 else lines[0])
            sizes.append(11 + 4 * (len(lines) - 1))
        out.append((category, dates, texts, sizes))
    return out


def bar_colours(deaths: pd.DataFrame, day) -> list:
    day = _day(day)
    return [SELECTED_COLOUR if d == day else BAR_COLOUR for d in deaths["date"]]


def aftermath_figure(deaths_daily: pd.DataFrame, timeline: pd.DataFrame, day=None, window=WINDOW) -> go.Figure:
    """Daily UCDP deaths (bars) above the timeline's events (dots), with the chosen day highlighted."""
    setup()
    deaths = daily_deaths(deaths_daily, window)
    day = _day(start_day() if day is None else day)
    if not deaths["date"].eq(day).any():
        raise ValueError(f"{day:%Y-%m-%d} is outside the window {window[0]} to {window[1]}")
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.06, row_heights=[0.66, 0.34])
    fig.add_trace(go.Bar(
        x=deaths["date"].dt.strftime("%Y-%m-%d").tolist(), y=deaths["deaths"].tolist(), name="deaths (UCDP)",
        marker=dict(color=bar_colours(deaths, day)), customdata=deaths["civilians"].tolist(),
        hovertemplate="%{x|%d %b %Y}: %{y} deaths, %{customdata} of them civilians<extra></extra>"), row=1, col=1)
    for category, dates, texts, sizes in _event_points(timeline, window):
        fig.add_trace(go.Scatter(
            x=dates, y=[category] * len(dates), mode="markers", name=category, customdata=texts,
            marker=dict(size=sizes, color=CATEGORY_COLOURS[category], line=dict(width=1, color="white")),
            hovertemplate="%{x|%d %b %Y}<br>%{customdata}<extra></extra>"), row=2, col=1)
    first, last = _day(window[0]), _day(window[1])
    fig.update_layout(
        title=day_title(day, deaths, timeline), height=520, showlegend=False, shapes=_shapes(day),
        annotations=[dict(x=f"{calm()[0]:%Y-%m-%d %H:%M}", y=1.0, xref="x", yref="paper", xanchor="left", yanchor="bottom",
                          text="army's 7 days of calm", showarrow=False, font=dict(size=11, color="#555555"))],
        margin=dict(l=110, r=20, t=70, b=50))
    span = [f"{first - pd.Timedelta(hours=12):%Y-%m-%d %H:%M}", f"{last + pd.Timedelta(hours=12):%Y-%m-%d %H:%M}"]
    fig.update_xaxes(type="date", range=span)
    fig.update_xaxes(title_text="date (2016)", row=2, col=1)
    fig.update_yaxes(title_text="deaths that day", row=1, col=1)
    fig.update_yaxes(categoryorder="array", categoryarray=list(data.EVENT_CATEGORIES), autorange="reversed",
                     row=2, col=1)
    return describe(fig, day_description(day, deaths, timeline, window))


def day_panel_html(day, deaths_daily: pd.DataFrame, timeline: pd.DataFrame, sources: pd.DataFrame) -> str:
    """What the explorer shows under the figure for one day: deaths, events with sources, a note."""
    day = _day(day)
    key = f"{day:%Y-%m-%d}"
    row = deaths_daily[deaths_daily["date"] == day]
    if row.empty:
        raise CourseError(f"deaths_daily_2016.csv has no row for {key}.")
    deaths, civilians = int(row["deaths"].iloc[0]), int(row["civilians"].iloc[0])
    parts = [f'<h4 style="margin:4px 0">{day_label(day)}</h4>',
             f"<p><b>The record, UCDP:</b> {deaths} deaths in events dated to this day, {civilians} of them "
             f"civilians (source: <code>{UCDP}</code>; events dated to the exact day only).</p>"]
    todays = events_on(timeline, day)
    if todays.empty:
        parts.append("<p>No event of the course timeline falls on this day.</p>")
    else:
        items = []
        for r in todays.itertuples():
            approx = " <i>(date approximate)</i>" if r.date_precision == "approx" else ""
            cite = f" [{r.paragraph}]" if r.paragraph else ""
            items.append(f'<li><b style="color:{CATEGORY_COLOURS[r.category]}">{r.category}</b>{approx}: '
                         f"{html.escape(r.event)}{cite}<br><small>Sources: {sources_inline(r.source, sources)}"
                         f"</small></li>")
        parts.append("<ul>" + "".join(items) + "</ul>")
    notes = day_notes()
    if key in notes:
        text, ids = notes[key]
        parts.append(f"<p><b>Note.</b> {html.escape(text)}<br><small>Sources: {sources_inline(ids, sources)}"
                     "</small></p>")
    return "".join(parts)


class AftermathExplorer(widgets.VBox):
    """Move the day slider (or jump to the previous or next day with an event): the highlighted bar, the
    title, the description and the panel of that day's events and sources follow."""

    def __init__(self, deaths_daily: pd.DataFrame, timeline: pd.DataFrame, sources: pd.DataFrame | None = None,
                 day=None, window=WINDOW):
        setup()
        self.deaths_daily, self.timeline, self.window = deaths_daily, timeline, window
        self.sources = data.sources() if sources is None else sources
        self.deaths = daily_deaths(deaths_daily, window)
        self.event_days = event_days(timeline, window)
        day = start_day() if day is None else day
        if not self.deaths["date"].eq(_day(day)).any():
            raise ValueError(f"{day} is outside the window {window[0]} to {window[1]}")
        options = [(f"{d.day} {d:%b}", f"{d:%Y-%m-%d}") for d in window_days(window)]
        self.day = widgets.SelectionSlider(options=options, value=f"{_day(day):%Y-%m-%d}", description="Day",
                                           continuous_update=False, layout=widgets.Layout(width="620px"))
        self.previous = widgets.Button(description="◀ previous event", layout=widgets.Layout(width="150px"))
        self.next = widgets.Button(description="next event ▶", layout=widgets.Layout(width="150px"))
        self.figure = go.FigureWidget(aftermath_figure(deaths_daily, timeline, self.day.value, window))
        self.description = widgets.HTML()
        self.panel = widgets.HTML()
        self.day.observe(self._update, names="value")
        self.previous.on_click(lambda _: self.jump(-1))
        self.next.on_click(lambda _: self.jump(+1))
        super().__init__([widgets.HBox([self.day, self.previous, self.next]), self.figure, self.description,
                          self.panel])
        self._update()

    def jump(self, step: int):
        """Move to the nearest earlier (step=-1) or later (+1) day that has an event; stay put at the ends."""
        current = self.day.value
        later = [d for d in self.event_days if d > current]
        earlier = [d for d in self.event_days if d < current]
        if step > 0 and later:
            self.day.value = later[0]
        elif step < 0 and earlier:
            self.day.value = earlier[-1]

    def _update(self, change=None):
        day = self.day.value
        with self.figure.batch_update():
            self.figure.data[0].marker.color = bar_colours(self.deaths, day)
            self.figure.layout.shapes = _shapes(day)
            self.figure.layout.title.text = day_title(day, self.deaths, self.timeline)
        self.description.value = description_html(day_description(day, self.deaths, self.timeline, self.window))
        self.panel.value = day_panel_html(day, self.deaths_daily, self.timeline, self.sources)


# ---- judging the column ------------------------------------------------------------------------------

def judgement_table(table: pd.DataFrame | None = None) -> pd.DataFrame:
    """The column's forecast and recommendations (the author's claim, our paraphrase), the record that
    followed (events, findings, party positions) with its sources, and our judgement
    (data/aftermath_judgements.csv)."""
    table = data.load_table("aftermath_judgements") if table is None else table
    for paragraph in table["paragraph"]:
        if paragraph not in data.PARAGRAPH_IDS:
            raise CourseError(f"{paragraph!r} is not an article paragraph id (P01 to P19).")
    out = pd.DataFrame({
        "the author's claim": [f"[{p}] {k.capitalize()}: {c}" for p, k, c in
                               zip(table["paragraph"], table["kind"], table["claim"])],
        "the record": table["record"].tolist(), "source": table["source"].tolist(),
        "our judgement": table["judgement"].tolist()})
    return out.set_index("the author's claim")
