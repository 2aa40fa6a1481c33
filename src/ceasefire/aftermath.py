"""Lesson 05: what happened after 12 September 2016, and how the column's forecast and
recommendations held up.

- the window 1 Sep - 15 Oct 2016, day by day: UCDP deaths (data/deaths_daily_2016.csv, events dated to
  the exact day only) and the course timeline (data/timeline.csv), as a figure (`aftermath_figure`) and
  as a widget (`AftermathExplorer`);
- the same days grouped into periods (`period_summary`, `period_figure`);
- the column's forecast [P09] and recommendations [P05, P17, P18] set against the record
  (`judgement_table`), with our assessment labelled as ours.

All wording is ours; every fact carries source ids that resolve in data/sources.csv (a test checks it).
"""

import datetime as dt
import html

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ceasefire import data
from ceasefire.data import sources_inline
from ceasefire.display import PALETTE, describe, description_html, setup, wrap
from ceasefire.errors import CourseError
from ceasefire.figures import CATEGORY_COLOURS

WINDOW = ("2016-09-01", "2016-10-15")
START_DAY = "2016-09-12"
# The Syrian army announced a "regime of calm" that began on 12 Sep 2016 at 19:00 and ended on 18 Sep at
# 23:59 (SANA; Syria Times).
CALM = ("2016-09-12 19:00", "2016-09-18 23:59")
CALM_SOURCE = "sana-88010;syriatimes-26234"
BAR_COLOUR = PALETTE[3]
SELECTED_COLOUR = PALETTE[4]
UCDP = "ucdp-ged-syria"

# Notes shown in the explorer on particular days: (text, source ids). Our wording.
DAY_NOTES = {
    "2016-09-13": ("UCDP's exact-date events give 10 deaths on 13 Sep and 13 on 14 Sep: the lowest two-day "
                   "total from August to October 2016.", UCDP),
    "2016-09-14": ("UCDP's exact-date events give 10 deaths on 13 Sep and 13 on 14 Sep: the lowest two-day "
                   "total from August to October 2016.", UCDP),
    "2016-09-17": ("UCDP records the Deir ez-Zor strike as one event with 90 deaths, filed under the pair of "
                   "sides 'Government of Iraq - IS': a reminder to read a dataset's categories with care. "
                   "CENTCOM's inquiry, released on 29 Nov 2016, judged the strike an unintended mistake: the "
                   "location passed to Russia was about 9 km out, and a Russian warning call was held on the "
                   "hotline for roughly 27 minutes.", "ucdp-ged-syria;nwonews-2016-11-29;mee-2016-12-08"),
    "2016-09-19": ("The UN Board of Inquiry (summary of 21 Dec 2016) found that the convoy was hit from the air, "
                   "counted at least 10 dead and 22 injured, and could not identify who carried out the attack. "
                   "This course does not attribute it.", "un-boi-2016-12-21"),
    "2016-10-03": ("The separate flight-safety channel of October 2015 stayed open.", "ap-2016-10-03;censor-2015-10"),
}

PERIODS = (
    ("before the deal", "2016-09-01", "2016-09-11"),
    ("12 Sep (truce from sundown)", "2016-09-12", "2016-09-12"),
    ("the army's calm (full days)", "2016-09-13", "2016-09-18"),
    ("calm over, to the US suspension", "2016-09-19", "2016-10-03"),
    ("after the suspension", "2016-10-04", "2016-10-15"),
)


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


def events_table(timeline: pd.DataFrame, window=WINDOW) -> pd.DataFrame:
    """The window's events for reading: date, kind, event, sources (index: date label)."""
    rows = window_events(timeline, window)
    table = pd.DataFrame({
        "date": [day_label(d) + (" (approx.)" if p == "approx" else "") for d, p in
                 zip(rows["date"], rows["date_precision"])],
        "kind": rows["category"], "event": rows["event"], "source": rows["source"]})
    return table.set_index("date")


# ---- periods ----------------------------------------------------------------------------------------

def period_summary(deaths_daily: pd.DataFrame, periods=PERIODS) -> pd.DataFrame:
    """Deaths per period (UCDP exact-date events): days, total, mean and median per day, civilians."""
    rows = []
    for name, first, last in periods:
        part = daily_deaths(deaths_daily, (first, last))
        rows.append({"period": name, "from": day_label(first), "to": day_label(last), "days": len(part),
                     "deaths": int(part["deaths"].sum()), "mean per day": round(part["deaths"].mean(), 1),
                     "median per day": float(part["deaths"].median()),
                     "civilians": int(part["civilians"].sum())})
    return pd.DataFrame(rows).set_index("period")


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
            f"marks the Syrian army's seven days of calm, 12 to 18 September. Bottom: {len(rows)} timeline events as "
            f"dots in three lanes (diplomacy, military, humanitarian). The highlighted day is {day_label(day)}, "
            f"with {count} deaths. {said}")


def _shapes(day):
    day = _day(day)
    return [
        dict(type="rect", xref="x", yref="paper", x0=CALM[0], x1=CALM[1], y0=0, y1=1, layer="below",
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


def aftermath_figure(deaths_daily: pd.DataFrame, timeline: pd.DataFrame, day=START_DAY, window=WINDOW) -> go.Figure:
    """Daily UCDP deaths (bars) above the timeline's events (dots), with the chosen day highlighted."""
    setup()
    deaths = daily_deaths(deaths_daily, window)
    day = _day(day)
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
        annotations=[dict(x=CALM[0], y=1.0, xref="x", yref="paper", xanchor="left", yanchor="bottom",
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
    if key in DAY_NOTES:
        text, ids = DAY_NOTES[key]
        parts.append(f"<p><b>Note.</b> {html.escape(text)}<br><small>Sources: {sources_inline(ids, sources)}"
                     "</small></p>")
    return "".join(parts)


class AftermathExplorer(widgets.VBox):
    """Move the day slider (or jump to the previous or next day with an event): the highlighted bar, the
    title, the description and the panel of that day's events and sources follow."""

    def __init__(self, deaths_daily: pd.DataFrame, timeline: pd.DataFrame, sources: pd.DataFrame | None = None,
                 day=START_DAY, window=WINDOW):
        setup()
        self.deaths_daily, self.timeline, self.window = deaths_daily, timeline, window
        self.sources = data.sources() if sources is None else sources
        self.deaths = daily_deaths(deaths_daily, window)
        self.event_days = event_days(timeline, window)
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

# The column's forecast and recommendations against what followed. 'what happened' is the record (sources
# listed); 'our judgement' is ours and is labelled so in the lesson.
JUDGEMENTS = (
    dict(claim="Forecast: the truce could fall apart fast if rebels fought Russian or government forces",
         kind="forecast", paragraph="P09",
         happened=("Violence fell at first (UCDP's exact-date events: 10 deaths on 13 Sep, 13 on the 14th). On "
                   "17 Sep US-led coalition jets struck Syrian army positions near Deir ez-Zor. On 19 Sep the "
                   "army declared the seven days over, blaming some 300 rebel breaches; on 3 Oct the US "
                   "suspended the bilateral channels."),
         source="ucdp-ged-syria;reuters-2016-09-17;reuters-2016-09-19;ap-2016-10-03",
         judgement=("Right about the speed (about a week), only partly about the cause: the army did blame rebel "
                    "breaches, but the record also shows a coalition strike on the army, aid held up for want of "
                    "permits, and the assault on Aleppo that the US named as its reason to walk away.")),
    dict(claim="Recommendation: share military intelligence directly to defeat ISIS",
         kind="recommendation", paragraph="P05",
         happened=("The deal put joint work in a Joint Implementation Center, due only after seven calm days. "
                   "It was put on hold in late September, and on 3 Oct the US withdrew the staff sent to build it, "
                   "keeping only the 2015 flight-safety channel. CENTCOM later found that the Deir ez-Zor location "
                   "given to Russia was about 9 km off and that a Russian warning call was held for roughly "
                   "27 minutes."),
         source=("rt-informkz-2016-09;sputnik-2016-09-28;ap-2016-10-03;censor-2015-10;nwonews-2016-11-29;"
                 "nyt-menawatch"),
         judgement=("Never tried, so the record cannot show it would have failed. But the one channel that "
                    "existed struggled with a single warning call, and Pentagon leaders spoke openly of "
                    "missing trust: the recommendation skips the question of how that trust would be built.")),
    dict(claim="Recommendation: put off the question of who rules Syria until ISIS is defeated",
         kind="recommendation", paragraph="P17",
         happened=("The deal's first week depended on the government: its air force was to stay out of "
                   "opposition areas, its forces were to leave the Castello Road, and aid needed its permits "
                   "(still missing on 15 Sep). On 19 Sep Kerry said Russia had to rein in Assad; on 28 Sep he "
                   "warned Lavrov that contacts would end unless the assault on Aleppo stopped."),
         source="cnn-wtkr-2016-09-09;tass-2016-09-27;panjimas-2016-09-18;state-2016-09-19;ap-2016-10-03",
         judgement=("Not workable as stated: the conduct of Assad's forces was written into the first seven days, "
                    "so the Assad question could not wait until after ISIS. The column's own [P06] and [P17] "
                    "concede that most obstacles lead back to it.")),
    dict(claim="Recommendation: a second pizza-and-vodka summit to agree a firmer plan",
         kind="recommendation", paragraph="P18",
         happened=("The course's record shows no second Kerry-Lavrov meeting before mid-October: the next "
                   "contact it records is Kerry's warning call of 28 Sep, and on 3 Oct the US suspended the "
                   "bilateral channels. The first meal, late on 9 Sep in Geneva, was the US delegation's pizza, "
                   "sent as an apology for a nine-hour wait, with Lavrov's vodka added."),
         source="ap-2016-10-03;eghtesad-reuters-pizza;ntv-pizza",
         judgement=("A friendly evening between ministers did not decide events on the ground; the problems of "
                    "the first week (aid permits, Aleppo, a mistaken strike) were not ones a summit mood could "
                    "fix, and by October the channel for such talks was suspended.")),
)


def judgement_table(judgements=JUDGEMENTS) -> pd.DataFrame:
    """The column's forecast and recommendations, what happened, the sources, and our judgement."""
    for item in judgements:
        if item["paragraph"] not in data.PARAGRAPH_IDS:
            raise CourseError(f"{item['paragraph']!r} is not an article paragraph id (P01 to P19).")
    table = pd.DataFrame([{"claim": f"[{j['paragraph']}] {j['claim']}", "kind": j["kind"],
                           "what happened (the record)": j["happened"], "source": j["source"],
                           "our judgement": j["judgement"]} for j in judgements])
    return table.set_index("claim")
