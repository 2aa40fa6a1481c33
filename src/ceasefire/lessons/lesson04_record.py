"""Lesson 04, the record behind the column: the timeline rows behind a paragraph, split into events,
official findings and party positions (`the_record`), and the chemical-weapons precedent of 2013-14 with
what came after it, for [P16] (`chemical_weapons_record`, `chemical_weapons_figure`).

The rows come from timeline.csv, actors.csv and lesson 04's jim_findings.csv, each with its sources; the
lane names and colours are ours. The notebook reaches these through lesson04_interests.
"""

import pandas as pd
import plotly.graph_objects as go

from ceasefire import data
from ceasefire.data import short_date
from ceasefire.display import PALETTE, describe, wrap
from ceasefire.errors import CourseError

# ---- the record: events, official findings, party positions ---------------------------------------

STATEMENT_LABELS = {"event": "event", "finding": "official finding", "position": "party position"}


def the_record(timeline: pd.DataFrame, paragraphs, actors: pd.DataFrame | None = None) -> pd.DataFrame:
    """The timeline rows behind one or more paragraphs of the column, in date order, each labelled as an
    event, an official finding (an inquiry's) or a party position, with who speaks. Columns: date, kind,
    who speaks, what, source."""
    wanted = [paragraphs] if isinstance(paragraphs, str) else list(paragraphs)
    rows = timeline[timeline["paragraph"].isin(wanted)].sort_values("date", kind="stable")
    if rows.empty:
        raise CourseError(f"timeline.csv has no rows tied to {', '.join(map(str, wanted))}; give paragraph ids "
                          "written like 'P16', of paragraphs the timeline cites.")
    actors = data.actors() if actors is None else actors
    names = {a: n.split(" (")[0] for a, n in zip(actors["actor_id"], actors["name"])}
    return pd.DataFrame({
        "date": [_when(r.date, r.date_precision) for r in rows.itertuples()],
        "kind": [STATEMENT_LABELS[s] for s in rows["statement"]],
        "who speaks": [names.get(s, "") if s else "-" for s in rows["speaker"]],
        "what": rows["event"].tolist(),
        "source": rows["source"].tolist(),
    })


def _when(day, precision: str) -> str:
    if precision == "month":
        return f"{day:%b %Y}"
    return ("about " if precision == "approx" else "") + short_date(day)


# ---- [P16] the chemical-weapons precedent and what came after --------------------------------------

EVENTS, ATTACKS, FINDINGS = "events", "attacks the inquiry attributed", "official findings"
POSITION_LANES = {"united-states": "US position", "russia": "Russian position",
                  "syrian-government": "Syrian government position"}
CW_LANES = (EVENTS, ATTACKS, FINDINGS) + tuple(POSITION_LANES.values())
LAST_SHIPMENT = "cw-last-shipment"          # key_dates.csv: the removal's last shipment


def chemical_weapons_record(timeline: pd.DataFrame, findings: pd.DataFrame | None = None,
                            actors: pd.DataFrame | None = None) -> pd.DataFrame:
    """The dated record behind [P16], one row per item, each in a lane that says who speaks: events,
    the attacks the 2016 inquiry attributed (known to the month only), official findings, and the US,
    Russian and Syrian government positions. Columns: date, when, lane, event, source."""
    rows = timeline[timeline["paragraph"] == "P16"].sort_values("date", kind="stable")
    if rows.empty:
        raise CourseError("timeline.csv has no events tied to [P16]; the chemical-weapons record needs them.")
    findings = data.load_table("jim_findings") if findings is None else findings
    actors = data.actors() if actors is None else actors
    names = {a: n.split(" (")[0] for a, n in zip(actors["actor_id"], actors["name"])}
    records = []
    for r in rows.itertuples():
        if r.statement == "event":
            lane = EVENTS
        elif r.statement == "finding":
            lane = FINDINGS
        else:
            lane = POSITION_LANES.get(r.speaker, f"{names.get(r.speaker, r.speaker)} position")
        records.append({"date": r.date, "when": _when(r.date, r.date_precision), "lane": lane,
                        "event": r.event, "source": r.source})
    for f in findings.itertuples():
        records.append({"date": f.month, "when": f"{f.month:%b %Y} (month only)", "lane": ATTACKS,
                        "event": f"{f.agent.capitalize()} attack at {f.place}, attributed by the inquiry to "
                                 f"{names.get(f.attributed_to, f.attributed_to)}.",
                        "source": f.source})
    return pd.DataFrame(records).sort_values("date", kind="stable").reset_index(drop=True)


def lanes_of(record: pd.DataFrame) -> list:
    """The lanes present in a record, in the order CW_LANES gives (any other speaker's lane last)."""
    present = list(dict.fromkeys(record["lane"]))
    return [l for l in CW_LANES if l in present] + [l for l in present if l not in CW_LANES]


def chemical_weapons_figure(record: pd.DataFrame) -> go.Figure:
    """Dots on a time axis, 2013-2016, one lane per kind of statement and per speaker."""
    lanes = lanes_of(record)
    colours = {EVENTS: PALETTE[2], ATTACKS: PALETTE[4], FINDINGS: PALETTE[5]}
    spare = [PALETTE[0], PALETTE[3], PALETTE[1], PALETTE[6] if len(PALETTE) > 6 else PALETTE[0]]
    for lane in lanes:
        if lane not in colours:
            colours[lane] = spare[(len(colours) - 3) % len(spare)]
    traces = []
    for lane in lanes:
        part = record[record["lane"] == lane]
        groups = list(part.groupby("date", sort=True))      # items on the same day share one dot
        traces.append(go.Scatter(
            x=[f"{d:%Y-%m-%d}" for d, _ in groups], y=[lane] * len(groups), mode="markers",
            name=lane, marker=dict(size=13, color=colours[lane], line=dict(width=1, color="white"),
                                   symbol="x" if lane == ATTACKS else "diamond" if lane == FINDINGS else "circle"),
            customdata=[[g["when"].iloc[0], "<br>".join(wrap(e) for e in g["event"])] for _, g in groups],
            hovertemplate="%{customdata[0]}<br>%{customdata[1]}<extra></extra>"))
    fig = go.Figure(traces)
    last_out = data.key_date(LAST_SHIPMENT)[0]
    fig.add_vline(x=last_out.strftime("%Y-%m-%d"), line=dict(color=PALETTE[2], dash="dot", width=1.5))
    fig.update_layout(
        title="The chemical-weapons precedent [P16]: events, findings and each side's position, 2013-2016",
        height=120 + 50 * len(lanes), showlegend=False, margin=dict(l=200, r=20, t=60, b=50),
        xaxis=dict(title="date (attacks placed at the start of their month)", type="date",
                   range=["2013-06-01", "2016-12-31"]),
        yaxis=dict(categoryorder="array", categoryarray=lanes, autorange="reversed"))
    counts = record["lane"].value_counts()
    attacks = record[record["lane"] == ATTACKS]
    before = int((attacks["date"] <= last_out).sum())
    parts = "; ".join(f"{lane}: {counts[lane]}" for lane in lanes)
    return describe(fig, (
        f"A time axis from mid-2013 to the end of 2016 with one lane per kind of statement ({parts}). "
        f"A dotted line marks {last_out.day} {last_out:%B %Y}, when the last declared chemicals left Syria. "
        f"The attacks the 2016 inquiry attributed are placed at the start of their month "
        f"({', '.join(attacks['when'].str.replace(' (month only)', '', regex=False))}); {before} of them "
        f"{'comes' if before == 1 else 'come'} before the dotted line. The position lanes set the US, Russian "
        f"and Syrian government statements side by side: 2013 around the framework, 2016 around the inquiry's "
        f"findings."))
