"""Lesson 04: where US and Russian interests in Syria met and where they collided.

Everything the lesson shows is built here, so that the notebook stays a list of short calls:

- the interest matrix (data/interests.csv): issue x US position x Russian position x overlap, as a
  static count figure (`overlap_figure`) and as a widget (`InterestMatrix`);
- who stood where on Assad (data/actors.csv), for [P06];
- Russia's two bases on a map drawn from the course's own outline (no internet), for [P07];
- the chemical-weapons precedent of 2013-14 and what the 2016 inquiry found after it, for [P16];
- a test of the author's "defer the Assad question" plan [P17] against the terms of the deal.

The wording of every table row below is ours; every fact in it carries source ids that resolve in
data/sources.csv (a test checks that).
"""

import html

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from ceasefire import data, maps
from ceasefire.data import short_date, sources_html
from ceasefire.display import NEUTRAL, PALETTE, describe, description_html, setup, wrap
from ceasefire.errors import CourseError

ALL = "all"
OVERLAPS = data.OVERLAPS                      # ("shared", "partial", "opposed")
OVERLAP_COLOURS = {"shared": PALETTE[2], "partial": PALETTE[0], "opposed": PALETTE[4]}
OVERLAP_MEANING = {
    "shared": "both governments wanted the same outcome",
    "partial": "they agreed on some points and differed on others",
    "opposed": "their aims clashed",
}
OVERLAP_SCORE = {"shared": 1, "partial": 0, "opposed": -1}
FADED = 0.22


# ---- small helpers ---------------------------------------------------------------------------------

def _check_overlap(level):
    if level not in OVERLAPS:
        raise ValueError(f"overlap must be one of {', '.join(OVERLAPS)}, not {level!r}")


def overlap_score(level: str) -> int:
    """+1 for shared, 0 for partial, -1 for opposed: a crude scale for sorting and summing (our model)."""
    _check_overlap(level)
    return OVERLAP_SCORE[level]


# ---- the interest matrix ---------------------------------------------------------------------------

def ordered(interests: pd.DataFrame) -> pd.DataFrame:
    """Issues ordered shared, partial, opposed (file order within each level), index reset."""
    rank = interests["overlap"].map({level: i for i, level in enumerate(OVERLAPS)})
    return interests.assign(_rank=rank).sort_values("_rank", kind="stable").drop(columns="_rank") \
        .reset_index(drop=True)


def overlap_counts(interests: pd.DataFrame) -> pd.DataFrame:
    """One row per overlap level (always all three): how many issues and which ones."""
    rows = []
    for level in OVERLAPS:
        part = interests[interests["overlap"] == level]
        rows.append({"overlap": level, "issues": len(part), "meaning": OVERLAP_MEANING[level],
                     "which": "; ".join(part["issue"])})
    return pd.DataFrame(rows).set_index("overlap")


def matrix_table(interests: pd.DataFrame) -> pd.DataFrame:
    """The matrix as a plain table for reading: issue, the two positions, overlap, paragraph."""
    table = ordered(interests)[["issue", "us_position", "russia_position", "overlap", "paragraph"]]
    return table.rename(columns={"us_position": "US position", "russia_position": "Russian position"}) \
        .set_index("issue")


def overlap_figure(interests: pd.DataFrame) -> go.Figure:
    """Bars: how many of the issues are shared, partial and opposed (hover lists the issues)."""
    setup()
    counts = overlap_counts(interests)
    fig = go.Figure(go.Bar(
        x=list(counts.index), y=counts["issues"].tolist(), text=counts["issues"].tolist(),
        textposition="outside", marker=dict(color=[OVERLAP_COLOURS[l] for l in counts.index]),
        customdata=[wrap(w.replace("; ", " · ")) or "(none)" for w in counts["which"]],
        hovertemplate="<b>%{x}</b>: %{y} issue(s)<br>%{customdata}<extra></extra>"))
    total = int(counts["issues"].sum())
    parts = ", ".join(f"{n} {level}" for level, n in counts["issues"].items())
    fig.update_layout(title=f"Where US and Russian positions meet: {parts} (of {total} issues)",
                      height=360, showlegend=False,
                      xaxis=dict(title="how far the two positions coincide", categoryorder="array",
                                 categoryarray=list(OVERLAPS)),
                      yaxis=dict(title="number of issues", range=[0, counts["issues"].max() + 1.5], dtick=1))
    detail = "; ".join(f"{level}: {counts.loc[level, 'which'] or 'none'}" for level in OVERLAPS)
    return describe(fig, f"Three bars count the {total} issues of the course's interest table by how far US and "
                         f"Russian positions coincide: {parts}. {detail}.")


def issue_choices(interests: pd.DataFrame):
    """Dropdown options: everything, each overlap level, then each issue (label, value)."""
    options = [("all issues", ALL)]
    options += [(f"only {level} issues", level) for level in OVERLAPS]
    options += [(f"issue: {row.issue}", row.issue_id) for row in ordered(interests).itertuples()]
    return options


def select(interests: pd.DataFrame, choice: str = ALL) -> pd.DataFrame:
    """Rows picked by a dropdown choice: 'all', an overlap level, or one issue_id."""
    if choice == ALL:
        return interests
    if choice in OVERLAPS:
        return interests[interests["overlap"] == choice]
    if choice in set(interests["issue_id"]):
        return interests[interests["issue_id"] == choice]
    raise ValueError(f"choice must be 'all', one of {', '.join(OVERLAPS)}, or an issue id such as "
                     f"{interests['issue_id'].iloc[0]!r}; got {choice!r}")


def matrix_title(interests: pd.DataFrame, choice: str = ALL) -> str:
    picked = select(interests, choice)
    if choice == ALL:
        return f"Interest matrix: all {len(interests)} issues"
    if choice in OVERLAPS:
        return f"Interest matrix: {len(picked)} {choice} issue(s) of {len(interests)}"
    row = picked.iloc[0]
    return f"Interest matrix: {row['issue']} ({row['overlap']})"


def matrix_description(interests: pd.DataFrame, choice: str = ALL) -> str:
    base = (f"A grid with one row per issue ({len(interests)}) and three columns, shared, partial and opposed; "
            "each issue has one coloured square in the column that rates it.")
    picked = select(interests, choice)
    if choice == ALL:
        counts = interests["overlap"].value_counts()
        return base + " " + ", ".join(f"{counts.get(l, 0)} are {l}" for l in OVERLAPS) + "."
    if choice in OVERLAPS:
        if picked.empty:
            return base + f" No issue is rated {choice}."
        return base + f" Highlighted, the {choice} ones: {'; '.join(picked['issue'])}. The others are faded."
    row = picked.iloc[0]
    return base + (f" Highlighted: {row['issue']}, rated {row['overlap']} ({OVERLAP_MEANING[row['overlap']]}); "
                   "the other rows are faded.")


def matrix_traces(interests: pd.DataFrame, choice: str = ALL):
    """Five traces, always in this order so a widget can update them in place: a grey grid, one trace
    per overlap level (faded where not selected), and open squares ringing the selected issues."""
    rows = ordered(interests)
    picked = set(select(interests, choice)["issue_id"])
    labels = [wrap(i, 34) for i in rows["issue"]]
    traces = [go.Scatter(
        x=[level for _ in labels for level in OVERLAPS], y=[lab for lab in labels for _ in OVERLAPS],
        mode="markers", name="grid", hoverinfo="skip", showlegend=False,
        marker=dict(symbol="square", size=26, color="#f1f1f1", line=dict(width=1, color="#dddddd")))]
    for level in OVERLAPS:
        mask = rows["overlap"] == level
        part = rows[mask]
        traces.append(go.Scatter(
            x=[level] * len(part), y=[labels[i] for i in part.index], mode="markers", name=level,
            marker=dict(symbol="square", size=26, color=OVERLAP_COLOURS[level],
                        opacity=[1.0 if (choice == ALL or i in picked) else FADED for i in part["issue_id"]]),
            customdata=[[wrap(r.us_position, 48), wrap(r.russia_position, 48), r.paragraph] for r in part.itertuples()],
            hovertemplate=("<b>%{y}</b> (" + level + ")<br><b>US:</b> %{customdata[0]}"
                           "<br><b>Russia:</b> %{customdata[1]}<br>column: [%{customdata[2]}]<extra></extra>")))
    ring = rows[rows["issue_id"].isin(picked)] if choice != ALL else rows.iloc[0:0]
    traces.append(go.Scatter(
        x=ring["overlap"].tolist(), y=[labels[i] for i in ring.index], mode="markers", name="selected",
        hoverinfo="skip", showlegend=False,
        marker=dict(symbol="square-open", size=36, color="#000000", line=dict(width=3, color="#000000"))))
    return traces


def matrix_figure(interests: pd.DataFrame, choice: str = ALL) -> go.Figure:
    setup()
    rows = ordered(interests)
    fig = go.Figure(matrix_traces(interests, choice))
    fig.update_layout(
        title=matrix_title(interests, choice), height=140 + 46 * len(rows),
        margin=dict(l=250, r=20, t=60, b=50),
        xaxis=dict(title="how far US and Russian positions coincide", side="bottom", categoryorder="array",
                   categoryarray=list(OVERLAPS), showgrid=False, range=[-0.6, len(OVERLAPS) - 0.4]),
        yaxis=dict(categoryorder="array", categoryarray=[wrap(i, 34) for i in rows["issue"]],
                   autorange="reversed", showgrid=False),
        showlegend=False)
    return describe(fig, matrix_description(interests, choice))


def positions_html(interests: pd.DataFrame, choice: str, sources: pd.DataFrame,
                   article_map: pd.DataFrame | None = None) -> str:
    """The panel under the matrix: the two positions and their sources for the selected issue(s)."""
    picked = ordered(select(interests, choice))
    if picked.empty:
        return f"<p>No issue is rated <b>{html.escape(choice)}</b> in the course table.</p>"
    paraphrase = {} if article_map is None else dict(zip(article_map["paragraph"], article_map["paraphrase"]))
    if len(picked) > 1:
        head = ("<tr><th>issue</th><th>overlap</th><th>US position</th><th>Russian position</th>"
                "<th>¶</th></tr>")
        body = "".join(
            f"<tr><td>{html.escape(r.issue)}</td>"
            f'<td style="color:{OVERLAP_COLOURS[r.overlap]}"><b>{r.overlap}</b></td>'
            f"<td>{html.escape(r.us_position)}</td><td>{html.escape(r.russia_position)}</td>"
            f"<td>[{r.paragraph}]</td></tr>" for r in picked.itertuples())
        return (f"<p><b>{len(picked)} issues.</b> Pick one issue in the menu to see its sources.</p>"
                f"<table>{head}{body}</table>")
    r = picked.iloc[0]
    column = (f"<p><b>The column, [{r['paragraph']}]</b> (our paraphrase): "
              f"{html.escape(paraphrase[r['paragraph']])}</p>" if r["paragraph"] in paraphrase else "")
    return (f"<h4 style=\"margin:4px 0\">{html.escape(r['issue'])}: "
            f"<span style=\"color:{OVERLAP_COLOURS[r['overlap']]}\">{r['overlap']}</span> "
            f"({OVERLAP_MEANING[r['overlap']]})</h4>"
            f"<table><tr><th>United States</th><th>Russia</th></tr>"
            f"<tr><td>{html.escape(r['us_position'])}</td><td>{html.escape(r['russia_position'])}</td></tr></table>"
            f"{column}<p><b>Sources</b></p>{sources_html(r['source'], sources)}")


class InterestMatrix(widgets.VBox):
    """Pick an issue (or an overlap level) in the menu: the grid highlights it, the title and the
    description follow, and the panel below shows the US and Russian positions with their sources."""

    def __init__(self, interests: pd.DataFrame, sources: pd.DataFrame | None = None,
                 article_map: pd.DataFrame | None = None, choice: str = ALL):
        setup()
        self.interests = interests
        self.sources = data.sources() if sources is None else sources
        self.article_map = data.article_map() if article_map is None else article_map
        select(interests, choice)                       # fail early on a bad starting choice
        self.choice = widgets.Dropdown(options=issue_choices(interests), value=choice, description="Show",
                                       layout=widgets.Layout(width="460px"))
        self.figure = go.FigureWidget(matrix_figure(interests, choice))
        self.description = widgets.HTML()
        self.panel = widgets.HTML()
        self.choice.observe(self._update, names="value")
        super().__init__([self.choice, self.figure, self.description, self.panel])
        self._update()

    def _update(self, change=None):
        choice = self.choice.value
        fresh = matrix_figure(self.interests, choice)
        with self.figure.batch_update():
            for live, new in zip(self.figure.data, fresh.data):
                live.x, live.y = new.x, new.y
                live.marker.opacity = new.marker.opacity
                if new.customdata is not None:
                    live.customdata = new.customdata
            self.figure.layout.title.text = fresh.layout.title.text
        self.description.value = description_html(fresh.layout.meta["description"])
        self.panel.value = positions_html(self.interests, choice, self.sources, self.article_map)


# ---- [P06] who stood where on Assad -----------------------------------------------------------------

STANCE_ORDER = ("supports", "opposes", "undecided", "unknown", "not-applicable")


def assad_camps(actors: pd.DataFrame) -> pd.DataFrame:
    """The parties by their stance on Assad (supports, opposes, unknown...), with who backs them."""
    names = dict(zip(actors["actor_id"], actors["name"]))
    table = actors[actors["stance_on_assad"] != "not-applicable"].copy()
    table["backed by"] = [", ".join(names[b] for b in data.split(v)) or "-" for v in table["backers"]]
    table["_rank"] = table["stance_on_assad"].map({s: i for i, s in enumerate(STANCE_ORDER)})
    table = table.sort_values(["_rank", "name"], kind="stable")
    return table.rename(columns={"name": "party", "stance_on_assad": "stance on Assad"}) \
        .set_index("party")[["stance on Assad", "backed by", "kind"]]


# ---- [P07] Russia's bases on a map ------------------------------------------------------------------

BASE_PLACES = ("tartus", "hmeimim")
CONTEXT_PLACES = ("damascus", "aleppo")
# This map's own frame: more of the Mediterranean than maps.FRAME_LON/FRAME_LAT, less of Iraq (no place
# is marked there).
BASES_LON = (32.0, 43.0)
BASES_LAT = (31.8, 38.2)


def bases_map(places: pd.DataFrame, outline: pd.DataFrame, timeline: pd.DataFrame) -> go.Figure:
    """Syria and its neighbours with Russia's naval supply point at Tartus and Hmeimim air base."""
    setup()
    table = places.set_index("place_id")
    missing = [p for p in BASE_PLACES + CONTEXT_PLACES if p not in table.index]
    if missing:
        raise CourseError(f"places.csv lacks {', '.join(missing)}, needed for the bases map.")
    hmeimim_open = timeline[(timeline["place"] == "hmeimim")]["date"].min()
    notes = {
        "tartus": "Russian Navy supply and repair point (720th material-technical support point), "
                  "Russia's only one in the Mediterranean",
        "hmeimim": f"Russian air base beside the airport south-east of Latakia, operational from "
                   f"{hmeimim_open.day} {hmeimim_open:%B %Y}",
    }
    fig = go.Figure(maps.outline_traces(outline, BASES_LON, BASES_LAT))
    ctx = table.loc[list(CONTEXT_PLACES)]
    fig.add_trace(go.Scatter(
        x=ctx["map_lon"].tolist(), y=ctx["map_lat"].tolist(), mode="markers+text", name="other places",
        text=ctx["name"].tolist(), textposition="middle right", textfont=dict(size=11, color="#444444"),
        marker=dict(size=7, color=NEUTRAL), hovertemplate="%{text}<extra></extra>"))
    bases = table.loc[list(BASE_PLACES)]
    fig.add_trace(go.Scatter(
        x=bases["map_lon"].tolist(), y=bases["map_lat"].tolist(), mode="markers+text", name="Russian bases",
        text=["Tartus", "Hmeimim"], textposition=["bottom left", "top left"],
        textfont=dict(size=13, color=PALETTE[4]),
        marker=dict(size=13, symbol="diamond", color=PALETTE[4], line=dict(width=1, color="white")),
        customdata=[wrap(notes[p], 50) for p in BASE_PLACES],
        hovertemplate="<b>%{text}</b><br>%{customdata}<extra></extra>"))
    fig.update_layout(
        title="Russia's two bases in Syria in 2016: Tartus (naval supply point) and Hmeimim (air base)",
        height=520, showlegend=False, plot_bgcolor="#dfeef7",
        xaxis=dict(range=list(BASES_LON), showgrid=False, title="longitude (°E)", zeroline=False),
        yaxis=dict(range=list(BASES_LAT), showgrid=False, title="latitude (°N)", zeroline=False,
                   scaleanchor="x", scaleratio=maps.SCALE_RATIO))
    return describe(fig, (
        "A map of Syria (outlined darker) and its neighbours, with the sea in blue. Two red diamonds on Syria's "
        "coast mark Russia's naval supply point at Tartus and, further north, its air base at Hmeimim beside the "
        "airport south-east of Latakia; grey dots mark Damascus and Aleppo for orientation. The Tartus marker is "
        "drawn about 3 km inland because the simplified coastline puts the town at sea. Like its source, Natural "
        "Earth, the map draws the Golan Heights, in Syria's south-west, inside Israel; the UN regards them as "
        "occupied Syrian territory."))


# ---- [P16] the chemical-weapons precedent and what came after --------------------------------------

# Attacks the OPCW-UN Joint Investigative Mechanism attributed in its third report (S/2016/738,
# 24 Aug 2016). The course sources give only the month of each attack.
JIM_FINDINGS = (
    ("2014-04", "Talmenes", "chlorine", "the Syrian government"),
    ("2015-03", "Sarmin", "chlorine", "the Syrian government"),
    ("2015-08", "Marea", "sulfur mustard", "ISIL"),
)
JIM_SOURCE = "jim-s-2016-738"
CW_LANES = ("agreed (2013)", "carried out (2014)", "attacks found later", "inquiry report (2016)")


def chemical_weapons_record(timeline: pd.DataFrame) -> pd.DataFrame:
    """The dated record behind [P16]: the 2013-14 removal and the 2016 inquiry, with the attacks the
    inquiry attributed (month only). Columns: date, when, lane, event, source."""
    rows = timeline[timeline["paragraph"] == "P16"].sort_values("date", kind="stable")
    if rows.empty:
        raise CourseError("timeline.csv has no events tied to [P16]; the chemical-weapons record needs them.")
    records = []
    for r in rows.itertuples():
        year = r.date.year
        lane = CW_LANES[0] if year == 2013 else CW_LANES[1] if year == 2014 else CW_LANES[3]
        records.append({"date": r.date, "when": short_date(r.date), "lane": lane,
                        "event": r.event, "source": r.source})
    for month, place, agent, by in JIM_FINDINGS:
        day = pd.Timestamp(month + "-01")
        records.append({"date": day, "when": f"{day:%b %Y} (month only)", "lane": CW_LANES[2],
                        "event": f"{agent.capitalize()} attack at {place}, attributed by the inquiry to {by}.",
                        "source": JIM_SOURCE})
    return pd.DataFrame(records).sort_values("date", kind="stable").reset_index(drop=True)


def chemical_weapons_figure(record: pd.DataFrame) -> go.Figure:
    """Dots on a time axis, 2013-2016, in four lanes: the deal, the removal, later attacks, the report."""
    setup()
    colours = dict(zip(CW_LANES, (PALETTE[3], PALETTE[2], PALETTE[4], PALETTE[5])))
    traces = []
    for lane in CW_LANES:
        part = record[record["lane"] == lane]
        groups = list(part.groupby("date", sort=True))      # two events on 14 Sep 2013 share one dot
        traces.append(go.Scatter(
            x=[f"{d:%Y-%m-%d}" for d, _ in groups], y=[lane] * len(groups), mode="markers",
            name=lane, marker=dict(size=13, color=colours[lane], line=dict(width=1, color="white"),
                                   symbol="x" if lane == CW_LANES[2] else "circle"),
            customdata=[[g["when"].iloc[0], "<br>".join(wrap(e) for e in g["event"])] for _, g in groups],
            hovertemplate="%{customdata[0]}<br>%{customdata[1]}<extra></extra>"))
    fig = go.Figure(traces)
    last_out = record[record["lane"] == CW_LANES[1]]["date"].max()
    fig.add_vline(x=last_out.strftime("%Y-%m-%d"), line=dict(color=PALETTE[2], dash="dot", width=1.5))
    fig.update_layout(
        title="The chemical-weapons precedent [P16]: removal by June 2014, attacks found by the 2016 inquiry",
        height=330, showlegend=False, margin=dict(l=170, r=20, t=60, b=50),
        xaxis=dict(title="date (attacks placed at the start of their month)", type="date",
                   range=["2013-06-01", "2016-12-31"]),
        yaxis=dict(categoryorder="array", categoryarray=list(CW_LANES), autorange="reversed"))
    attacks = record[record["lane"] == CW_LANES[2]]
    return describe(fig, (
        f"Four lanes on a time axis from mid-2013 to the end of 2016. Top: the framework and resolution agreed in "
        f"September 2013; next, the last declared chemicals leaving Syria on {last_out.day} {last_out:%B %Y} "
        f"(dotted line); next, {len(attacks)} attacks the 2016 inquiry attributed, placed at the start of their "
        f"month ({', '.join(attacks['when'].str.replace(' (month only)', '', regex=False))}); bottom, the "
        f"inquiry's report of 24 August 2016. One of the attacks comes before the dotted line."))


# ---- [P17] can the Assad question wait? -------------------------------------------------------------

# Our model: what the 9 Sep 2016 arrangement itself asked of, or depended on, the Syrian government.
# Each row is a fact from the record (sources listed); the column 'needs Damascus?' is our reading.
DEFER_TEST = (
    ("Syrian air force kept out of opposition areas", "yes",
     "Kerry described keeping regime warplanes out of opposition-held areas as the bedrock of the deal.",
     "cnn-wtkr-2016-09-09;sputnikbr-2016-09-22"),
    ("Castello Road pull-back and aid into eastern Aleppo", "yes",
     "Government and opposition forces were both to pull back; on 15 Sep aid waited at the Turkish border "
     "because Damascus had not issued permits.",
     "tass-2016-09-27;panjimas-2016-09-18;dailytv-x4tbf4m"),
    ("Seven days of calm before the JIC", "yes",
     "The Syrian army declared its own seven-day calm, then declared it over on 19 Sep; the JIC was put on "
     "hold and never set up.",
     "sana-88010;reuters-2016-09-19;sputnik-2016-09-28;ap-2016-10-03"),
    ("Joint strikes on ISIL and Nusra through the JIC", "indirectly",
     "A US-Russian step on paper, but it could start only after the seven calm days above.",
     "rt-informkz-2016-09;sputnik-2016-09-12"),
    ("Separating rebels from JFS/Nusra", "no",
     "Kerry asked the opposition, not Damascus, to keep away from Nusra; the column names rebels' ties to "
     "JFS as Russia's chief objection [P14].",
     "article;sputnik-2016-09-12"),
)


def defer_assad_test() -> pd.DataFrame:
    """Our model: which parts of the September deal needed the Syrian government to act."""
    return pd.DataFrame(DEFER_TEST, columns=["part of the deal", "needs Damascus?", "the record", "source"]) \
        .set_index("part of the deal")
