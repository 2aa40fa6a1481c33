"""Lesson 04: where US and Russian interests in Syria met and where they collided.

Everything the lesson shows is built here, so that the notebook stays a list of short calls:

- the interest matrix (data/interests.csv): issue x US position x Russian position x overlap, as a
  static count figure (`overlap_figure`) and as a widget (`InterestMatrix`);
- who stood where on Assad (data/actors.csv), for [P06];
- Russia's two bases on a map drawn from the course's own outline (no internet), for [P07];
- the record behind a paragraph, split into events, official findings and party positions (`the_record`);
- the chemical-weapons precedent of 2013-14 and what came after it, for [P16];
- a test of the author's "defer the Assad question" plan [P17] against the terms of the deal.

Sourced content lives in data tables, never here: interests.csv, actors.csv, timeline.csv, and lesson 04's
own jim_findings.csv, defer_test.csv and bases.csv (registered in ceasefire.data.TABLES, each row with its
sources). What stays in this module carries no facts: the overlap scale and its meanings (our model),
lane names, colours and map frames.
"""

import html

import pandas as pd
import plotly.graph_objects as go

from ceasefire import data
from ceasefire.display import maps
from ceasefire.display import tables
from ceasefire.colours import text_colour
from ceasefire.display.citations import sources_html
from ceasefire.display import NEUTRAL, PALETTE, describe, wrap
from ceasefire.display.controls import ALL, Dropdown, check_choice
from ceasefire.display.explorer import FigureExplorer, described, html_panel
from ceasefire.errors import CourseError
# What the lesson's notebook calls through this module, from the record's own module.
from ceasefire.lessons.lesson04_record import (chemical_weapons_figure, chemical_weapons_record,  # noqa: F401
                                               the_record)

OVERLAPS = data.OVERLAPS                      # ("shared", "partial", "opposed")
OVERLAP_COLOURS = {"shared": PALETTE[2], "partial": PALETTE[0], "opposed": PALETTE[4]}
# Our model, not a fact: what each step of the three-step overlap scale means.
OVERLAP_MEANING = {
    "shared": "both governments wanted the same outcome",
    "partial": "they agreed on some points and differed on others",
    "opposed": "their aims clashed",
}
FADED = 0.22


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


def overlap_figure(interests: pd.DataFrame) -> go.Figure:
    """Bars: how many of the issues are shared, partial and opposed (hover lists the issues)."""
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
    check_choice(choice, list(OVERLAPS) + list(interests["issue_id"]), "overlap level or issue id")
    if choice == ALL:
        return interests
    if choice in OVERLAPS:
        return interests[interests["overlap"] == choice]
    return interests[interests["issue_id"] == choice]


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
    rows = ordered(interests)
    # traces and layout in one go.Figure call: update_layout would validate the whole figure again, and
    # the explorer builds this figure on every change of its menu
    fig = go.Figure(matrix_traces(interests, choice), layout=dict(
        title=matrix_title(interests, choice), height=140 + 46 * len(rows),
        margin=dict(l=250, r=20, t=60, b=50),
        xaxis=dict(title="how far US and Russian positions coincide", side="bottom", categoryorder="array",
                   categoryarray=list(OVERLAPS), showgrid=False, range=[-0.6, len(OVERLAPS) - 0.4]),
        yaxis=dict(categoryorder="array", categoryarray=[wrap(i, 34) for i in rows["issue"]],
                   autorange="reversed", showgrid=False),
        showlegend=False))
    return describe(fig, matrix_description(interests, choice))


def positions_html(interests: pd.DataFrame, choice: str, sources: pd.DataFrame,
                   article_map: pd.DataFrame | None = None) -> str:
    """The panel under the matrix: the two positions and their sources for the selected issue(s)."""
    picked = ordered(select(interests, choice))
    if picked.empty:
        return f"<p>No issue is rated <b>{html.escape(choice)}</b> in the course table.</p>"
    paraphrase = {} if article_map is None else dict(zip(article_map["paragraph"], article_map["paraphrase"]))
    if len(picked) > 1:
        rows = [tables.cell(html.escape(r.issue), header=True)
                + tables.cell(f"<b>{r.overlap}</b>", style=f"color:{text_colour(OVERLAP_COLOURS[r.overlap])}")
                + tables.cells([html.escape(r.us_position), html.escape(r.russia_position), f"[{r.paragraph}]"])
                for r in picked.itertuples()]
        return (f"<p><b>{len(picked)} issues.</b> Pick one issue in the menu to see its sources.</p>"
                + tables.table(["issue", "overlap", "US position", "Russian position", "¶"], rows))
    r = picked.iloc[0]
    column = (f"<p><b>The column, [{r['paragraph']}]</b> (our paraphrase): "
              f"{html.escape(paraphrase[r['paragraph']])}</p>" if r["paragraph"] in paraphrase else "")
    return (f"<h3 style=\"margin:4px 0\">{html.escape(r['issue'])}: "
            f"<span style=\"color:{text_colour(OVERLAP_COLOURS[r['overlap']])}\">{r['overlap']}</span> "
            f"({OVERLAP_MEANING[r['overlap']]})</h3>"
            + tables.table(["United States", "Russia"], [[html.escape(r["us_position"]), html.escape(r["russia_position"])]])
            + f"{column}<p><b>Sources</b></p>{sources_html(r['source'], sources)}")


class InterestMatrix(FigureExplorer):
    """Pick an issue (or an overlap level) in the menu: the grid highlights it, the title and the
    description follow, and the panel below shows the US and Russian positions with their sources."""

    def __init__(self, interests: pd.DataFrame, sources: pd.DataFrame | None = None,
                 article_map: pd.DataFrame | None = None, choice: str = ALL):
        self.interests = interests
        self.sources = data.sources() if sources is None else sources
        self.article_map = data.article_map() if article_map is None else article_map
        select(interests, choice)                       # fail early, with the choices, on a bad starting choice
        self.choice = Dropdown(issue_choices(interests), choice, description="Issues shown")
        self.panel = html_panel()
        super().__init__([self.choice], panels=[self.panel])

    def build(self):
        return described(matrix_figure(self.interests, self.choice.value))

    def after_update(self):
        self.panel.value = positions_html(self.interests, self.choice.value, self.sources, self.article_map)


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


def stance_summary(actors: pd.DataFrame) -> pd.DataFrame:
    """How many parties of the course's table hold each stance on Assad, and which (short names)."""
    rows = []
    for stance in STANCE_ORDER:
        part = actors[actors["stance_on_assad"] == stance]
        if part.empty:
            continue
        short = [n.split(" (")[0] for n in part["name"]]
        rows.append({"stance on Assad": stance, "parties": len(part), "which": "; ".join(short)})
    return pd.DataFrame(rows).set_index("stance on Assad")


# ---- [P07] Russia's bases on a map ------------------------------------------------------------------

# This map's own frame: more of the Mediterranean than maps.FRAME_LON/FRAME_LAT, less of Iraq (no place
# is marked there).
BASES_LON = (32.0, 43.0)
BASES_LAT = (31.8, 38.2)


def bases_map(places: pd.DataFrame, outline: pd.DataFrame, bases: pd.DataFrame | None = None) -> go.Figure:
    """Syria and its neighbours with Russia's naval supply point at Tartus and Hmeimim air base; the
    places and what the record says of each come from data/bases.csv."""
    bases = data.load_table("bases") if bases is None else bases
    table = places.set_index("place_id")
    missing = [p for p in bases["place_id"] if p not in table.index]
    if missing:
        raise CourseError(f"places.csv lacks {', '.join(missing)}, needed for the bases map.")
    fig = go.Figure(maps.outline_traces(outline, BASES_LON, BASES_LAT))
    ctx = bases[bases["role"] == "context"]
    fig.add_trace(go.Scatter(
        x=[table.loc[p, "map_lon"] for p in ctx["place_id"]], y=[table.loc[p, "map_lat"] for p in ctx["place_id"]],
        mode="markers+text", name="other places", text=ctx["label"].tolist(), textposition="middle right",
        textfont=dict(size=11, color="#444444"), marker=dict(size=7, color=NEUTRAL),
        hovertemplate="%{text}<extra></extra>"))
    own = bases[bases["role"] == "base"]
    fig.add_trace(go.Scatter(
        x=[table.loc[p, "map_lon"] for p in own["place_id"]], y=[table.loc[p, "map_lat"] for p in own["place_id"]],
        mode="markers+text", name="Russian bases", text=own["label"].tolist(),
        textposition=["bottom left", "top left"][:len(own)] + ["top left"] * max(0, len(own) - 2),
        textfont=dict(size=13, color=PALETTE[4]),
        marker=dict(size=13, symbol="diamond", color=PALETTE[4], line=dict(width=1, color="white")),
        customdata=[wrap(n, 50) for n in own["note"]],
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


# ---- [P17] can the Assad question wait? -------------------------------------------------------------

def defer_assad_test(table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Our model: which parts of the September deal needed the Syrian government to act. Each row states
    the record with its sources (data/defer_test.csv); the column 'needs Damascus?' is our reading."""
    table = data.load_table("defer_test") if table is None else table
    return table.rename(columns={"part": "part of the deal", "needs_damascus": "needs Damascus?",
                                 "record": "the record"}) \
        .set_index("part of the deal")[["needs Damascus?", "the record", "source"]]
