"""Lesson 05: what happened after 12 September 2016, and how the column's forecast and
recommendations held up.

- the window 1 Sep - 15 Oct 2016, day by day: UCDP deaths (data/deaths_daily_2016.csv, events dated to
  the exact day only) and the course timeline (data/timeline.csv), as a figure (`aftermath_figure`) and
  as a widget (`AftermathExplorer`);
- the same days grouped into periods (`period_summary`, `period_figure`, in lesson05_periods); the periods
  come from data/aftermath_periods.csv, their edges from the key dates of data/key_dates.csv;
- the column's forecast [P09] and recommendations [P05, P17, P18] set against the record
  (`judgement_table`, from data/aftermath_judgements.csv), with our judgement labelled as ours.

The prose lives in data tables with sources on every row (aftermath_notes, aftermath_periods,
aftermath_judgements); the army's calm comes from the key date "sep-army-calm".
"""

import html

import pandas as pd
import plotly.graph_objects as go

from ceasefire import data
from ceasefire.colours import text_colour
from ceasefire.display.citations import inline_citer
from ceasefire.display import PALETTE, describe, wrap
from ceasefire.display.controls import Button, ChoiceError, Slider
from ceasefire.display.explorer import FigureExplorer, described, html_panel
from ceasefire.display.timeline import CATEGORY_COLOURS, filter_timeline, moment, whole_days
from ceasefire.errors import CourseError
from ceasefire.lessons.lesson05_periods import (WINDOW, calm, daily_deaths, day_label, start_day,
                                                window_days)
from ceasefire.lessons.lesson05_periods import parse_day as _day
# What the lesson's notebook calls through this module, from the periods' own module.
from ceasefire.lessons.lesson05_periods import calm_reading, period_figure, period_summary  # noqa: F401

BAR_COLOUR = PALETTE[3]
SELECTED_COLOUR = PALETTE[4]
UCDP = "ucdp-ged-syria"


# ---- the window, day by day -------------------------------------------------------------------------

def window_events(timeline: pd.DataFrame, window=WINDOW) -> pd.DataFrame:
    """Timeline events inside the window, in date order."""
    rows = filter_timeline(timeline, start=_day(window[0]), end=_day(window[1]))
    return rows.sort_values("date", kind="stable").reset_index(drop=True)


def events_on(timeline: pd.DataFrame, day) -> pd.DataFrame:
    day = _day(day)
    return timeline[timeline["date"] == day].reset_index(drop=True)


def event_days(timeline: pd.DataFrame, window=WINDOW) -> list:
    """The days of the window that have at least one timeline event, as 'YYYY-MM-DD' strings."""
    return sorted({f"{d:%Y-%m-%d}" for d in window_events(timeline, window)["date"]})


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


def day_description(day, deaths: pd.DataFrame, timeline: pd.DataFrame, window=WINDOW, rows=None,
                    calm_span=None) -> str:
    """The figure's text description (`rows`: the window's events and `calm_span`: calm(), if at hand)."""
    day = _day(day)
    rows = window_events(timeline, window) if rows is None else rows
    peak = deaths.loc[deaths["deaths"].idxmax()]
    count = int(deaths.loc[deaths["date"] == day, "deaths"].iloc[0])
    todays = events_on(timeline, day)
    said = ("No event of the course timeline falls on it." if todays.empty else
            "Its events: " + " ".join(todays["event"]))
    calm_start, calm_end = calm_span or calm()
    return (f"Top: one bar per day from {day_label(window[0])} to {day_label(window[1])} with the deaths in UCDP "
            f"events dated to that day (highest: {int(peak['deaths'])} on {day_label(peak['date'])}); a grey band "
            f"marks the Syrian army's seven days of calm, {calm_start:%H:%M} on {day_label(calm_start.normalize())} "
            f"to {calm_end:%H:%M} on {day_label(calm_end.normalize())}. Bottom: {len(rows)} timeline events as "
            f"dots in three lanes (diplomacy, military, humanitarian). The highlighted day is {day_label(day)}, "
            f"with {count} deaths. {said}")


def _shapes(day, calm_span=None):
    """The calm's band and the chosen day's, over both panels (yref paper, not the shared band's y domain)."""
    day_start, day_end = whole_days(_day(day), _day(day))
    calm_start, calm_end = calm_span or calm()
    return [
        dict(type="rect", xref="x", yref="paper", x0=moment(calm_start), x1=moment(calm_end), y0=0, y1=1, layer="below",
             fillcolor="#e6e6e6", opacity=0.6, line=dict(width=0)),
        dict(type="rect", xref="x", yref="paper", x0=day_start, x1=day_end, y0=0, y1=1, layer="below",
             fillcolor=SELECTED_COLOUR, opacity=0.18, line=dict(width=0)),
    ]


def _event_points(timeline: pd.DataFrame, window=WINDOW, rows=None):
    """Events grouped by kind and day: (category, dates, hover texts, marker sizes) per kind, the days in
    order, a day's events in timeline order (plain Python: pandas' groupby costs a first explorer ~20 ms).
    `rows`: the window's events, if at hand."""
    rows = window_events(timeline, window) if rows is None else rows
    days = {category: {} for category in data.EVENT_CATEGORIES}
    for date, category, event, precision in zip(rows["date"], rows["category"], rows["event"], rows["date_precision"]):
        if category in days:
            line = wrap(event + (" (date approximate)" if precision == "approx" else ""))
            days[category].setdefault(date, []).append(line)
    out = []
    for category, events in days.items():
        dates, texts, sizes = [], [], []
        for date in sorted(events):
            lines = events[date]
            dates.append(f"{date:%Y-%m-%d}")
            texts.append("<br>• ".join([""] + lines)[4:] if len(lines) > 1 else lines[0])
            sizes.append(11 + 4 * (len(lines) - 1))
        out.append((category, dates, texts, sizes))
    return out


def bar_colours(deaths: pd.DataFrame, day) -> list:
    day = _day(day)
    return [SELECTED_COLOUR if d == day else BAR_COLOUR for d in deaths["date"]]


# The two panels share the date axis: the bars take 66 % of the height above, the event dots the rest
# below, 6 % apart. Laid out as plotly.subplots.make_subplots(rows=2, cols=1, shared_xaxes=True,
# vertical_spacing=0.06, row_heights=[0.66, 0.34]) would, written out: its first call costs a lesson's
# explorer cell ~40 ms of imports and validation.
TOP_SHARE, PANEL_GAP = 0.66, 0.06


def panel_axes(span) -> dict:
    """The layout's four axes: bars on x/y (top), events on x2/y2 (bottom), both over the dates in `span`."""
    bottom = round((1 - PANEL_GAP) * (1 - TOP_SHARE), 4)
    return dict(
        xaxis=dict(anchor="y", domain=[0.0, 1.0], matches="x2", showticklabels=False, type="date", range=span),
        yaxis=dict(anchor="x", domain=[round(bottom + PANEL_GAP, 4), 1.0], title=dict(text="deaths that day")),
        xaxis2=dict(anchor="y2", domain=[0.0, 1.0], type="date", range=span, title=dict(text="date (2016)")),
        yaxis2=dict(anchor="x2", domain=[0.0, bottom], categoryorder="array",
                    categoryarray=list(data.EVENT_CATEGORIES), autorange="reversed"))


def aftermath_figure(deaths_daily: pd.DataFrame, timeline: pd.DataFrame, day=None, window=WINDOW) -> go.Figure:
    """Daily UCDP deaths (bars) above the timeline's events (dots), with the chosen day highlighted."""
    deaths = daily_deaths(deaths_daily, window)
    rows, calm_span = window_events(timeline, window), calm()      # each read once for the whole figure
    day = _day(start_day() if day is None else day)
    if not deaths["date"].eq(day).any():
        raise CourseError(f"{day:%Y-%m-%d} is outside the window {window[0]} to {window[1]}; pick a day inside it.")
    traces = [go.Bar(
        x=deaths["date"].dt.strftime("%Y-%m-%d").tolist(), y=deaths["deaths"].tolist(), name="deaths (UCDP)",
        marker=dict(color=bar_colours(deaths, day)), customdata=deaths["civilians"].tolist(),
        hovertemplate="%{x|%d %b %Y}: %{y} deaths, %{customdata} of them civilians<extra></extra>",
        xaxis="x", yaxis="y")]
    for category, dates, texts, sizes in _event_points(timeline, window, rows):
        traces.append(go.Scatter(
            x=dates, y=[category] * len(dates), mode="markers", name=category, customdata=texts,
            marker=dict(size=sizes, color=CATEGORY_COLOURS[category], line=dict(width=1, color="white")),
            hovertemplate="%{x|%d %b %Y}<br>%{customdata}<extra></extra>", xaxis="x2", yaxis="y2"))
    first, last = _day(window[0]), _day(window[1])
    span = whole_days(first, last)
    fig = go.Figure(data=traces, layout=dict(
        title=day_title(day, deaths, timeline), height=520, showlegend=False, shapes=_shapes(day, calm_span),
        annotations=[dict(x=moment(calm_span[0]), y=1.0, xref="x", yref="paper", xanchor="left", yanchor="bottom",
                          text="army's 7 days of calm", showarrow=False, font=dict(size=11, color="#555555"))],
        margin=dict(l=110, r=20, t=70, b=50), **panel_axes(span)))
    return describe(fig, day_description(day, deaths, timeline, window, rows, calm_span))


def day_panel_html(day, deaths_daily: pd.DataFrame, timeline: pd.DataFrame, sources: pd.DataFrame) -> str:
    """What the explorer shows under the figure for one day: deaths, events with sources, a note."""
    day = _day(day)
    key = f"{day:%Y-%m-%d}"
    row = deaths_daily[deaths_daily["date"] == day]
    if row.empty:
        raise CourseError(f"deaths_daily_2016.csv has no row for {key}; pick a day of 2016.")
    deaths, civilians = int(row["deaths"].iloc[0]), int(row["civilians"].iloc[0])
    parts = [f'<h3 style="margin:4px 0">{day_label(day)}</h3>',
             f"<p><b>The record, UCDP:</b> {deaths} deaths in events dated to this day, {civilians} of them "
             f"civilians (source: <code>{UCDP}</code>; events dated to the exact day only).</p>"]
    todays = events_on(timeline, day)
    citer = inline_citer(sources)         # one citer for the day's events and its note
    if todays.empty:
        parts.append("<p>No event of the course timeline falls on this day.</p>")
    else:
        items = []
        for r in todays.itertuples():
            approx = " <i>(date approximate)</i>" if r.date_precision == "approx" else ""
            cite = f" [{r.paragraph}]" if r.paragraph else ""
            items.append(f'<li><b style="color:{text_colour(CATEGORY_COLOURS[r.category])}">{r.category}</b>{approx}: '
                         f"{html.escape(r.event)}{cite}<br><small>Sources: {citer(r.source)}"
                         f"</small></li>")
        parts.append("<ul>" + "".join(items) + "</ul>")
    notes = day_notes()
    if key in notes:
        text, ids = notes[key]
        parts.append(f"<p><b>Note.</b> {html.escape(text)}<br><small>Sources: {citer(ids)}"
                     "</small></p>")
    return "".join(parts)


class AftermathExplorer(FigureExplorer):
    """Move the day slider (or jump to the previous or next day with an event): the highlighted bar, the
    title, the description and the panel of that day's events and sources follow."""

    def __init__(self, deaths_daily: pd.DataFrame, timeline: pd.DataFrame, sources: pd.DataFrame | None = None,
                 day=None, window=WINDOW):
        self.deaths_daily, self.timeline, self.window = deaths_daily, timeline, window
        self.sources = data.sources() if sources is None else sources
        self.deaths = daily_deaths(deaths_daily, window)
        self.event_days = event_days(timeline, window)
        day = start_day() if day is None else day
        if not self.deaths["date"].eq(_day(day)).any():
            raise ChoiceError(f"{day} is outside the window {window[0]} to {window[1]}; pick a day inside it.")
        options = [(f"{d.day} {d:%b}", f"{d:%Y-%m-%d}") for d in window_days(window)]
        self.day = Slider(options, f"{_day(day):%Y-%m-%d}", description="Day", width="520px")
        self.previous = Button("previous event", arrow="left")
        self.next = Button("next event", arrow="right")
        self.previous.on_click(lambda _: self.jump(-1))
        self.next.on_click(lambda _: self.jump(+1))
        self.panel = html_panel()
        super().__init__([self.day, self.previous, self.next], panels=[self.panel])

    def jump(self, step: int):
        """Move to the nearest earlier (step=-1) or later (+1) day that has an event; stay put at the ends."""
        current = self.day.value
        later = [d for d in self.event_days if d > current]
        earlier = [d for d in self.event_days if d < current]
        if step > 0 and later:
            self.day.value = later[0]
        elif step < 0 and earlier:
            self.day.value = earlier[-1]

    def build(self):
        return described(aftermath_figure(self.deaths_daily, self.timeline, self.day.value, self.window))

    def redraw(self) -> str:
        """Another day changes only the bars' colours, the highlighted band, the title and the description
        (aftermath_figure draws the rest from the window, not the day): set those, in one batch, instead
        of building the whole figure again (tests/test_aftermath.py compares the two)."""
        day, calm_span = self.day.value, calm()
        text = day_description(day, self.deaths, self.timeline, self.window, calm_span=calm_span)
        with self.figure.batch_update():
            self.figure.data[0].marker.color = bar_colours(self.deaths, day)
            self.figure.layout.shapes = _shapes(day, calm_span)
            self.figure.layout.title.text = day_title(day, self.deaths, self.timeline)
            self.figure.layout.meta = {"description": text}
        return text

    def after_update(self):
        self.panel.value = day_panel_html(self.day.value, self.deaths_daily, self.timeline, self.sources)


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
