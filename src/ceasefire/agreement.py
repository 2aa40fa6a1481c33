"""Lesson 02, the September 2016 arrangement: its terms (who commits, how compliance is checked, what
enforces it), how the column's account lines up with the record, the road from flight-safety talks to
the cooperation the author wants, and a timeline explorer of the weeks around it.

The terms come from data/terms.csv, the events from data/timeline.csv, the paraphrases of the column
from data/article_map.csv; every row names its sources.
"""

import html
import re

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from ceasefire import data, figures
from ceasefire.data import AGREEMENTS, ENFORCEMENT, EVENT_CATEGORIES, short_date, source_labels
from ceasefire.display import NEUTRAL, PALETTE, describe, description_html, setup
from ceasefire.widgets import update_in_place

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
    if agreement not in AGREEMENTS:
        raise ValueError(f"agreement must be one of: {', '.join(AGREEMENTS)} (got {agreement!r}).")


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
        "sources": ["; ".join(source_labels(cell, sources)) for cell in rows["source"]],
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
    setup()
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

COOPERATION_LADDER = (
    {"step": "1. Flight-safety channel (deconfliction)",
     "what is shared": "procedures for aircrew, radio frequencies and a ground line, to keep aircraft apart",
     "status in Sep 2016": "in place since the memorandum of 20 Oct 2015; kept even after the 3 Oct 2016 suspension",
     "column": "[P04]", "source": "censor-2015-10;rollcall-2015-10-21;ap-2016-10-03"},
    {"step": "2. Joint Implementation Center",
     "what is shared": "military and intelligence staff mark off JFS/Nusra ground and coordinate strikes on it and ISIL",
     "status in Sep 2016": "promised only after seven calm days; planning had not begun; never set up",
     "column": "[P03]", "source": "sputnik-2016-09-12;rt-informkz-2016-09;washex-cook;sputnik-2016-09-28"},
    {"step": "3. Direct military intelligence sharing",
     "what is shared": "intelligence on the enemy, shared directly between the two militaries",
     "status in Sep 2016": "the author's recommendation, not an agreed term",
     "column": "[P05]", "source": "article"},
)


def cooperation_ladder(sources: pd.DataFrame = None) -> pd.DataFrame:
    """Three steps from keeping aircraft apart to fighting together, with status and sources."""
    sources = data.sources() if sources is None else sources
    frame = pd.DataFrame(COOPERATION_LADDER)
    frame["source"] = ["; ".join(source_labels(cell, sources)) for cell in frame["source"]]
    return frame.rename(columns={"source": "sources"})


# ---- a timeline of the arrangement ---------------------------------------------------------------------

# Date windows (inclusive). The seven days follow the arrangement's start at sundown on 12 Sep; the Syrian
# army's own "regime of calm" ran to 23:59 on 18 Sep.
PHASES = {
    "road to Geneva": ("2016-07-01", "2016-09-11"),
    "the seven days": ("2016-09-12", "2016-09-18"),
    "collapse": ("2016-09-19", "2016-10-03"),
    "the whole story": ("2016-07-01", "2016-10-31"),
}
GENEVA_DAY = "2016-09-09"
CALM = ("2016-09-12", "2016-09-19")


def phase_rows(timeline: pd.DataFrame, phase: str) -> pd.DataFrame:
    """The timeline's events inside one phase's date window."""
    if phase not in PHASES:
        raise ValueError(f"phase must be one of: {', '.join(PHASES)} (got {phase!r}).")
    start, end = (pd.Timestamp(d) for d in PHASES[phase])
    return timeline[timeline["date"].between(start, end)]


def phase_title(phase: str, count: int) -> str:
    start, end = (pd.Timestamp(d) for d in PHASES[phase])
    return f"The September 2016 arrangement, {phase} ({short_date(start)} to {short_date(end)}): {count} events"


def phase_description(rows: pd.DataFrame, phase: str) -> str:
    if rows.empty:
        return f"No event of the course timeline falls in the phase '{phase}'."
    first, last = rows.iloc[0], rows.iloc[-1]
    return (f"Dots on a time axis, one lane per kind of event ({figures.category_counts(rows)}); a shaded band marks the planned seven "
            f"days from 12 September and a dashed line the Geneva talks of 9 September. The first event shown is "
            f"on {short_date(first['date'])} ({first['event']}); the last on {short_date(last['date'])} "
            f"({last['event']}).")


def phase_figure(timeline: pd.DataFrame, phase: str = "the whole story") -> go.Figure:
    setup()
    rows = phase_rows(timeline, phase)
    start, end = (pd.Timestamp(d) for d in PHASES[phase])
    fig = go.Figure(figures.timeline_traces(rows))
    fig.add_vrect(x0=CALM[0], x1=CALM[1], fillcolor=PALETTE[2], opacity=0.15, line_width=0,
                  annotation_text="planned seven days", annotation_position="top left")
    fig.add_vline(x=GENEVA_DAY, line=dict(color="#555555", dash="dash", width=1))
    fig.add_annotation(x=GENEVA_DAY, y=1.0, yref="paper", text="Geneva, 9 Sep", showarrow=False,
                       xanchor="right", yanchor="bottom", font=dict(size=11, color="#555555"))
    fig.update_layout(
        title=phase_title(phase, len(rows)), height=340, showlegend=False,
        xaxis=dict(title="date", type="date",
                   range=[f"{start - pd.Timedelta(days=1):%Y-%m-%d}", f"{end + pd.Timedelta(days=1):%Y-%m-%d}"]),
        yaxis=dict(title="kind of event", categoryorder="array", categoryarray=list(EVENT_CATEGORIES)))
    return describe(fig, phase_description(rows, phase))


def events_html(rows: pd.DataFrame, sources: pd.DataFrame) -> str:
    """The events as a list: date, kind, event, the column's paragraph if it mentions it, sources."""
    if rows.empty:
        return "<p><i>No events in this window.</i></p>"
    items = []
    for r in rows.itertuples():
        cite = f" [{r.paragraph}]" if r.paragraph else ""
        items.append(f"<li><b>{short_date(r.date)}</b> ({r.category}){cite}: {html.escape(r.event)} "
                     f"<small>Sources: {html.escape('; '.join(source_labels(r.source, sources)))}</small></li>")
    return f"<ul>{''.join(items)}</ul>"


class AgreementTimeline(widgets.VBox):
    """Choose a phase of the arrangement from a Dropdown: the figure zooms to its dates, and the title,
    the description and the list of events follow."""

    def __init__(self, timeline: pd.DataFrame, sources: pd.DataFrame = None, phase: str = "the whole story"):
        setup()
        self.timeline = timeline
        self.sources = data.sources() if sources is None else sources
        self.phase = widgets.Dropdown(options=list(PHASES), value=phase, description="Phase")
        self.figure = go.FigureWidget(phase_figure(timeline, phase))
        self.description = widgets.HTML()
        self.events = widgets.HTML()
        self.phase.observe(self._update, names="value")
        super().__init__([self.phase, self.figure, self.description, self.events])
        self._update()

    def _update(self, change=None):
        phase = self.phase.value
        fresh = phase_figure(self.timeline, phase)
        update_in_place(self.figure, fresh, x_range=True)
        self.description.value = description_html(fresh.layout.meta["description"])
        self.events.value = events_html(phase_rows(self.timeline, phase), self.sources)


# ---- the places of the arrangement, for maps.PlaceMap ---------------------------------------------------

# (key, label, place_id, note). The notes are our words; each names its sources.
PLACE_STOPS = (
    ("aleppo", "Aleppo", "aleppo",
     "The divided city at the heart of the arrangement. Government forces cut the Castello Road on 17 Jul 2016, "
     "besieging the rebel-held east (The New Arab), and restored the siege on 4 Sep after a rebel break-in at "
     "Ramouseh in August (The Arab Weekly, citing SOHR)."),
    ("castello-road", "Castello Road (Aleppo)", "aleppo",
     "The road into rebel-held eastern Aleppo. Both sides were to pull back from it at the same time, leaving a "
     "demilitarised strip for UN aid (TASS, 27 Sep 2016). Our data has no point of its own for the road, so the "
     "star is on Aleppo's marker."),
    ("urum-al-kubra", "Urum al-Kubra", "urum-al-kubra",
     "West of Aleppo. On the evening of 19 Sep 2016 a UN and Syrian Arab Red Crescent convoy was hit here while "
     "unloading; the UN Board of Inquiry (21 Dec 2016) found an air attack but named no perpetrator."),
    ("jabal-thurdah", "Jabal Thurdah, Deir ez-Zor", "jabal-thurdah",
     "Hills by Deir ez-Zor airport, held by the Syrian army and besieged by ISIL. US-led coalition jets struck "
     "army positions here on 17 Sep 2016 (Reuters, 17 Sep 2016); CENTCOM later called it an unintentional error."),
    ("tartus", "Tartus", "tartus",
     "Russia's naval supply and repair point, its only one in the Mediterranean in 2016 (TASS dossier), which the "
     "column lists among Russia's interests [P07]. The marker is nudged ashore: the simplified coast puts the "
     "town at sea."),
    ("hmeimim", "Hmeimim air base", "hmeimim",
     "Russia's air base south-east of Latakia, operational from 30 Sep 2015 (piglix, a Wikipedia mirror). With "
     "Russian and US-led coalition aircraft in the same skies, the two sides signed a memorandum on avoiding "
     "incidents in Syrian airspace on 20 Oct 2015 (Reuters via Roll Call): the channel of [P04]."),
    ("damascus", "Damascus", "damascus",
     "Seat of the Syrian government, which the course's table of terms lists as bound by four of the ten "
     "September terms (S01 to S04), above all keeping its air force out of areas held by the opposition."),
    ("geneva", "Geneva (talks of 9 Sep)", "geneva",
     "Kerry and Lavrov negotiated the arrangement in a Geneva hotel for about 13 to 15 hours on 9 Sep 2016 (US "
     "Mission Geneva transcript). Geneva is in Switzerland, far outside this map."),
)
