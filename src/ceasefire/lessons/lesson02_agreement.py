"""Lesson 02, the September 2016 arrangement: its terms (who commits, how compliance is checked, what
enforces it), how the column's account lines up with the record, the road from flight-safety talks to
the cooperation the author wants, and a timeline explorer of the weeks around it.

The terms come from data/terms.csv, the events from data/timeline.csv, the paraphrases of the column
from data/article_map.csv, what each side said about the Syrian air force from data/sep_statements.csv,
the cooperation ladder, the explorer's phases and the map's places from their own tables
(cooperation_ladder.csv, agreement_phases.csv, place_stops.csv); every row names its sources. The army's
seven days and the Geneva talks are the key dates of data/key_dates.csv, the same ones every lesson uses.
"""

import html
import re

import pandas as pd
import plotly.graph_objects as go

from ceasefire import data
from ceasefire.display import timeline as figures
from ceasefire.data import AGREEMENTS, ENFORCEMENT, EVENT_CATEGORIES, joined_labels, short_date
from ceasefire.display import NEUTRAL, PALETTE, describe
from ceasefire.display.controls import Dropdown, check_choice
from ceasefire.display.explorer import FigureExplorer, described, html_panel

SEPTEMBER = "sep-2016"
ENFORCEMENT_COLOURS = {"none": PALETTE[4], "political": PALETTE[3], "mutual-withdrawal": PALETTE[2],
                       "un-endorsement": PALETTE[5], "unknown": NEUTRAL}
ENFORCEMENT_MEANINGS = {
    "none": "nothing in the public record makes this term stick",
    "political": "only leverage: a later step is withheld until this one is met",
    "mutual-withdrawal": "either sponsor may walk away if it judges the terms unmet",
    "un-endorsement": "the Security Council endorses it, which is not enforcement as such",
    "unknown": "the details are not public in the course sources",
}


def _check_agreement(agreement):
    check_choice(agreement, AGREEMENTS, "agreement", allow_all=False)


# ---- the terms ------------------------------------------------------------------------------------

def agreement_terms(terms: pd.DataFrame = None, agreement: str = SEPTEMBER) -> pd.DataFrame:
    """The rows of terms.csv for one agreement ('sep-2016' or 'feb-2016'), in term order."""
    _check_agreement(agreement)
    terms = data.terms() if terms is None else terms
    return terms[terms["agreement"] == agreement].sort_values("term_id").reset_index(drop=True)


def short_names(actors: pd.DataFrame) -> dict:
    """actor_id -> a short name: the actor's name without its bracketed gloss."""
    return {row.actor_id: re.sub(r"\s*\(.*\)\s*$", "", row.name) for row in actors.itertuples()}


def terms_table(terms: pd.DataFrame = None, actors: pd.DataFrame = None, sources: pd.DataFrame = None,
                agreement: str = SEPTEMBER) -> pd.DataFrame:
    """A tidy table of one agreement's terms: who commits, to what, how it is checked, what enforces it,
    which paragraph of the column mentions it, and the sources."""
    rows = agreement_terms(terms, agreement)
    actors = data.actors() if actors is None else actors
    sources = data.sources() if sources is None else sources
    names = short_names(actors)
    return pd.DataFrame({
        "term": rows["term_id"], "what": rows["term"],
        "who commits": [", ".join(names[a] for a in data.split(cell)) for cell in rows["parties"]],
        "commitment": rows["commitment"], "verification": rows["verification"],
        "enforcement": rows["enforcement"],
        "column": [f"[{p}]" if p else "not mentioned" for p in rows["paragraph"]],
        "sources": joined_labels(rows["source"], sources),
    })


def enforcement_summary(table: pd.DataFrame) -> pd.DataFrame:
    """How many terms rest on each kind of enforcement, with what that kind means."""
    counts = table["enforcement"].value_counts()
    return pd.DataFrame([{"enforcement": e, "terms": int(counts[e]), "meaning": ENFORCEMENT_MEANINGS[e],
                          "which": " ".join(table.loc[table["enforcement"] == e, "term"])}
                         for e in ENFORCEMENT if e in counts])


def column_vs_record(terms: pd.DataFrame = None, article_map: pd.DataFrame = None,
                     agreement: str = SEPTEMBER) -> pd.DataFrame:
    """Each term as the record gives it beside the column's paragraph that mentions it (our paraphrase),
    or 'not mentioned'."""
    rows = agreement_terms(terms, agreement)
    article_map = data.article_map() if article_map is None else article_map
    paraphrase = dict(zip(article_map["paragraph"], article_map["paraphrase"]))
    return pd.DataFrame({
        "term": rows["term_id"] + " " + rows["term"],
        "the record": rows["commitment"],
        "the column": [f"[{p}] {paraphrase[p]}" if p else "not mentioned" for p in rows["paragraph"]],
    })


def commitments_figure(terms: pd.DataFrame = None, actors: pd.DataFrame = None,
                       agreement: str = SEPTEMBER) -> go.Figure:
    """A grid of terms (rows) by parties (columns): a dot where a party commits, coloured by what
    enforces the term."""
    rows = agreement_terms(terms, agreement)
    actors = data.actors() if actors is None else actors
    names = short_names(actors)
    parties = list(dict.fromkeys(a for cell in rows["parties"] for a in data.split(cell)))
    labels = [f"{r.term_id} {r.term}" for r in rows.itertuples()]
    traces = []
    for level in ENFORCEMENT:
        xs, ys = [], []
        for label, r in zip(labels, rows.itertuples()):
            if r.enforcement == level:
                for party in data.split(r.parties):
                    xs.append(names[party])
                    ys.append(label)
        traces.append(go.Scatter(x=xs, y=ys, mode="markers", name=level,
                                 marker=dict(size=15, color=ENFORCEMENT_COLOURS[level], line=dict(width=1, color="white")),
                                 hovertemplate=f"%{{y}}<br>%{{x}} commits; enforcement: {level}<extra></extra>"))
    fig = go.Figure(traces)
    fig.update_layout(
        title=f"Who commits to what, {len(rows)} terms of the {agreement} arrangement", height=430,
        margin=dict(l=330), legend=dict(title="what enforces it"),
        xaxis=dict(title="", type="category", categoryorder="array", categoryarray=[names[p] for p in parties],
                   side="top"),
        yaxis=dict(title="", type="category", categoryorder="array", categoryarray=labels, autorange="reversed"))
    counts = rows["enforcement"].value_counts()
    per_party = {names[p]: int(rows["parties"].map(lambda c: p in data.split(c)).sum()) for p in parties}
    text = (f"A grid with one row per term ({labels[0]} to {labels[-1]}) and one column per party; a dot marks "
            f"each party that commits. Terms per party: "
            + ", ".join(f"{n} {k}" for n, k in per_party.items()) + ". Dots are coloured by what enforces the term: "
            + ", ".join(f"{counts[e]} term(s) {e}" for e in ENFORCEMENT if e in counts) + ".")
    return describe(fig, text)


# ---- deconfliction is not intelligence sharing -------------------------------------------------------

def cooperation_ladder(ladder: pd.DataFrame = None, sources: pd.DataFrame = None) -> pd.DataFrame:
    """Three steps from keeping aircraft apart to fighting together (data/cooperation_ladder.csv), with
    their status in September 2016, the paragraph of the column that speaks of each, and the sources."""
    ladder = data.load_table("cooperation_ladder") if ladder is None else ladder
    sources = data.sources() if sources is None else sources
    return pd.DataFrame({
        "step": ladder["step"], "what is shared": ladder["shared"], "status in Sep 2016": ladder["status"],
        "column": [f"[{p}]" for p in ladder["paragraph"]],
        "sources": joined_labels(ladder["source"], sources),
    }).reset_index(drop=True)


# ---- what each side said, beside the text ------------------------------------------------------------

def statements_table(statements: pd.DataFrame = None, sources: pd.DataFrame = None) -> pd.DataFrame:
    """What each side said about the Syrian air force (data/sep_statements.csv) in date order, beside what
    the published text says: date, whose voice, who, what they said (our paraphrase) and the sources."""
    statements = data.load_table("sep_statements") if statements is None else statements
    sources = data.sources() if sources is None else sources
    rows = statements.sort_values("date", kind="stable")
    return pd.DataFrame({
        "date": [short_date(d) for d in rows["date"]],
        "voice": ["the text" if v == "text" else "position" for v in rows["voice"]],
        "who": rows["who"], "said (our paraphrase)": rows["said"],
        "sources": joined_labels(rows["source"], sources),
    }).reset_index(drop=True)


# ---- a timeline of the arrangement ---------------------------------------------------------------------

SEVEN_DAYS = "sep-army-calm"      # key dates of data/key_dates.csv, shared with lessons 03 and 05
GENEVA = "geneva-talks"


def phases(table: pd.DataFrame = None, folder=None) -> dict:
    """label -> (start, end) Timestamps of each phase of data/agreement_phases.csv, in file order. A phase
    with a key_id takes its times from data/key_dates.csv, so 'the seven days' are the army's calm."""
    table = data.load_table("agreement_phases", folder) if table is None else table
    found = {}
    for row in table.itertuples():
        found[row.label] = data.key_date(row.key_id, folder) if row.key_id else (row.start, row.end)
    return found


def _window(phase: str):
    known = phases()
    return known[check_choice(phase, known, "phase", allow_all=False)]


def phase_rows(timeline: pd.DataFrame, phase: str, window=None) -> pd.DataFrame:
    """The timeline's events inside one phase's date window."""
    start, end = window or _window(phase)
    return figures.filter_timeline(timeline, start=start, end=end)


def phase_title(phase: str, count: int, window=None) -> str:
    start, end = window or _window(phase)
    return f"The September 2016 arrangement, {phase} ({short_date(start)} to {short_date(end)}): {count} events"


def phase_description(rows: pd.DataFrame, phase: str, calm=None, talks=None) -> str:
    if rows.empty:
        return f"No event of the course timeline falls in the phase '{phase}'."
    first, last = rows.iloc[0], rows.iloc[-1]
    calm, talks = calm or data.key_date(SEVEN_DAYS), talks or data.key_date(GENEVA)
    return (f"Dots on a time axis, one lane per kind of event ({figures.category_counts(rows)}); a green band marks "
            f"the Syrian army's seven days of calm ({_moment(calm[0])} to {_moment(calm[1])}) and a grey band the "
            f"Geneva talks ({_moment(talks[0])} to {_moment(talks[1])}). The first event shown is "
            f"on {short_date(first['date'])} ({first['event']}); the last on {short_date(last['date'])} "
            f"({last['event']}).")


def _moment(ts) -> str:
    """'12 Sep 2016 19:00', or the date alone at midnight."""
    return short_date(ts) + ("" if (ts.hour, ts.minute) == (0, 0) else f" {ts:%H:%M}")


def phase_figure(timeline: pd.DataFrame, phase: str = "the whole story", window=None) -> go.Figure:
    """The timeline's events of one phase (`window`: its (start, end), if already looked up)."""
    # Built in one go.Figure call (not add_vrect, add_annotation, update_layout): each of those validates
    # the figure again, and this figure is rebuilt on every change of the explorer's menu.
    start, end = window = window or _window(phase)
    rows = phase_rows(timeline, phase, window)
    calm, talks = data.key_date(SEVEN_DAYS), data.key_date(GENEVA)
    fig = go.Figure(figures.timeline_traces(rows), layout=dict(
        title=phase_title(phase, len(rows), window), height=340, showlegend=False,
        shapes=[figures.band(*calm, PALETTE[2], 0.15), figures.band(*talks, "#555555", 0.25)],
        annotations=[figures.band_label(calm[0], "army's seven days"),
                     dict(x=figures.moment(talks[0]), y=1.0, yref="paper", text="Geneva, 9 Sep", showarrow=False,
                          xanchor="right", yanchor="bottom", font=dict(size=11, color="#555555"))],
        xaxis=dict(title="date", type="date",
                   range=[f"{start.normalize() - pd.Timedelta(days=1):%Y-%m-%d}",
                          f"{end.normalize() + pd.Timedelta(days=1):%Y-%m-%d}"]),
        yaxis=dict(title="kind of event", categoryorder="array", categoryarray=list(EVENT_CATEGORIES))))
    return describe(fig, phase_description(rows, phase, calm, talks))


def statement_words(statement: str, speaker: str, names: dict) -> str:
    """How a timeline row says who speaks: 'event', 'position of Russia', 'finding of the UN'."""
    return statement if statement == "event" else f"{statement} of {names.get(speaker, speaker)}"


def events_html(rows: pd.DataFrame, sources: pd.DataFrame, actors: pd.DataFrame = None) -> str:
    """The events as a list: date, kind, whether it is an event, a finding or one party's position, the
    column's paragraph if it mentions it, and the sources."""
    if rows.empty:
        return "<p><i>No events in this window.</i></p>"
    names = short_names(data.actors() if actors is None else actors)
    items = []
    for r, cited in zip(rows.itertuples(), joined_labels(rows["source"], sources)):
        cite = f" [{r.paragraph}]" if r.paragraph else ""
        who = html.escape(statement_words(r.statement, r.speaker, names))
        items.append(f"<li><b>{short_date(r.date)}</b> ({r.category}; {who}){cite}: {html.escape(r.event)} "
                     f"<small>Sources: {html.escape(cited)}</small></li>")
    return f"<ul>{''.join(items)}</ul>"


class AgreementTimeline(FigureExplorer):
    """Choose a phase of the arrangement from a menu: the figure zooms to its dates, and the title,
    the description and the list of events follow."""

    def __init__(self, timeline: pd.DataFrame, sources: pd.DataFrame = None, phase: str = "the whole story"):
        self.timeline = timeline
        self.sources = data.sources() if sources is None else sources
        self.windows = phases()       # looked up once: each lookup reads two tables
        self.phase = Dropdown(list(self.windows), phase, description="Phase")
        self.events = html_panel()
        super().__init__([self.phase], panels=[self.events])

    def build(self):
        phase = self.phase.value
        return described(phase_figure(self.timeline, phase, self.windows[phase]))

    def after_update(self):
        phase = self.phase.value
        self.events.value = events_html(phase_rows(self.timeline, phase, self.windows[phase]), self.sources)


# ---- the places of the arrangement, for maps.PlaceMap ---------------------------------------------------

def place_map(places: pd.DataFrame = None, outline: pd.DataFrame = None, timeline: pd.DataFrame = None):
    """The lesson's map: the stops of data/place_stops.csv, with the events of 'the whole story' window."""
    from ceasefire.display import maps
    start, end = phases()["the whole story"]
    return maps.PlaceMap(data.places() if places is None else places,
                         data.load_outline() if outline is None else outline,
                         data.timeline() if timeline is None else timeline, place_stops(), start, end)


def place_stops(stops: pd.DataFrame = None, sources: pd.DataFrame = None) -> list:
    """The stops of the lesson's map (data/place_stops.csv) as maps.PlaceMap wants them: (key, label,
    place_id, note), each note our words followed by its sources."""
    stops = data.load_table("place_stops") if stops is None else stops
    sources = data.sources() if sources is None else sources
    labels = joined_labels(stops["source"], sources)
    return [(r.stop_id, r.label, r.place, f"{r.note} (Sources: {cited}.)") for r, cited in zip(stops.itertuples(), labels)]
