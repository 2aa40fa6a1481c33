"""Lesson 01, reading the column as a source: what kind of statement each paragraph makes, and the
slips a careful reader catches.

Everything here works on the course tables (data/article_map.csv, data/slips.csv, data/sources.csv):
figures of the article's shape, an explorer widget that filters paragraphs by kind and topic, and
tables that show each slip with the sources that correct it.
"""

import html

import pandas as pd
import plotly.graph_objects as go

from ceasefire import data
from ceasefire.data import PARAGRAPH_IDS, SLIP_KINDS, SLIP_VERDICTS, STATEMENT_KINDS, TOPICS, joined_labels
from ceasefire.display import NEUTRAL, PALETTE, describe, tables, wrap
from ceasefire.display.citations import sources_html
from ceasefire.display.controls import ALL, Dropdown, check_choice
from ceasefire.display.explorer import FigureExplorer, described, html_panel


# One colour per kind of statement (Okabe-Ito; the yellow is left out, it is hard to see on white).
KIND_COLOURS = {
    "fact claim": PALETTE[3],        # blue
    "opinion": PALETTE[0],           # orange
    "recommendation": PALETTE[2],    # green
    "question": PALETTE[5],          # pink
    "caption": PALETTE[4],           # vermillion
    "cross-link": PALETTE[1],        # sky blue
    "disclaimer": PALETTE[7],        # black
}
SLIP_COLOURS = dict(zip(SLIP_KINDS, PALETTE))
# What the verdict of a slip means (data/slips.csv, column verdict).
VERDICT_MEANINGS = {
    "error": "the record contradicts the column",
    "debatable": "the record also allows the column's reading: a point of precision, not a mistake",
}

# What each kind of statement means, in one line (for tables and the lesson text).
KIND_MEANINGS = {
    "fact claim": "says something happened or is so; it can be checked against the record",
    "opinion": "a judgement or a forecast by the author; it can be argued with, not checked",
    "recommendation": "says what the US and Russia should do",
    "question": "asks the reader something and leaves it open",
    "caption": "describes the picture printed with the column",
    "cross-link": "the publisher's pointer to another article",
    "disclaimer": "the publisher's notice about whose view the column is",
}


# ---- paragraphs by kind and topic -------------------------------------------------------------------

def filter_paragraphs(article_map: pd.DataFrame, kind: str = ALL, topic: str = ALL) -> pd.DataFrame:
    """The paragraphs of one kind of statement ('all' for every kind) that carry `topic` ('all' for any)."""
    check_choice(kind, STATEMENT_KINDS, "kind")
    check_choice(topic, TOPICS, "topic")
    rows = article_map
    if kind != ALL:
        rows = rows[rows["kind"] == kind]
    if topic != ALL:
        rows = rows[rows["topics"].map(lambda cell: topic in data.split(cell))]
    return rows


def topics_in_use(article_map: pd.DataFrame) -> list:
    """The topics that occur in the article map, in the order of data.TOPICS."""
    used = {t for cell in article_map["topics"] for t in data.split(cell)}
    return [t for t in TOPICS if t in used]


def kinds_in_use(article_map: pd.DataFrame) -> list:
    return [k for k in STATEMENT_KINDS if k in set(article_map["kind"])]


def kind_summary(article_map: pd.DataFrame) -> pd.DataFrame:
    """One row per kind of statement: what it means, how many paragraphs, which ones."""
    rows = []
    for kind in kinds_in_use(article_map):
        ids = article_map.loc[article_map["kind"] == kind, "paragraph"].tolist()
        rows.append({"kind": kind, "what it does": KIND_MEANINGS[kind], "paragraphs": len(ids),
                     "which": " ".join(ids)})
    return pd.DataFrame(rows)


def kinds_figure(article_map: pd.DataFrame) -> go.Figure:
    """A bar per kind of statement: how many of the column's paragraphs are of that kind."""
    summary = kind_summary(article_map)
    fig = go.Figure(go.Bar(
        x=summary["paragraphs"].tolist(), y=summary["kind"].tolist(), orientation="h",
        marker=dict(color=[KIND_COLOURS[k] for k in summary["kind"]]),
        text=summary["paragraphs"].tolist(), textposition="outside",
        customdata=summary["which"].tolist(), hovertemplate="%{y}: %{x} (%{customdata})<extra></extra>"))
    fig.update_layout(title=f"What the column's {len(article_map)} paragraphs do", height=330,
                      xaxis=dict(title="number of paragraphs", dtick=1, range=[0, summary["paragraphs"].max() + 1]),
                      yaxis=dict(title="", autorange="reversed"), showlegend=False)
    parts = "; ".join(f"{r.kind}: {r.paragraphs}" for r in summary.itertuples())
    return describe(fig, f"Horizontal bars, one per kind of statement, counting the column's paragraphs: {parts}.")


# ---- the article's shape: one mark per paragraph ------------------------------------------------------

def _filter_words(kind, topic):
    what = "all paragraphs" if kind == ALL else f"{kind} paragraphs"
    return what if topic == ALL else f"{what} on {topic}"


def shape_title(kind: str, topic: str, count: int, total: int = len(PARAGRAPH_IDS)) -> str:
    return f"The article's shape: {_filter_words(kind, topic)} ({count} of {total})"


def shape_description(article_map: pd.DataFrame, rows: pd.DataFrame, kind: str, topic: str) -> str:
    total = len(article_map)
    head = (f"One square per paragraph, P01 to P{total:02d} from left to right, in a lane for its kind of "
            "statement and coloured by kind.")
    if rows.empty:
        return f"{head} No paragraph matches ({_filter_words(kind, topic)}), so all {total} are grey."
    if len(rows) == total:
        return f"{head} All {total} paragraphs are highlighted."
    return (f"{head} Highlighted: {len(rows)} ({_filter_words(kind, topic)}): {', '.join(rows['paragraph'])}; "
            f"the other {total - len(rows)} are grey.")


def shape_traces(article_map: pd.DataFrame, rows: pd.DataFrame):
    """Always the same traces in the same order (grey 'other paragraphs' first, then one per kind), so a
    widget can update them in place."""
    chosen = set(rows["paragraph"])

    def trace(part, name, colour):
        return go.Scatter(
            x=part["paragraph"].tolist(), y=part["kind"].tolist(), mode="markers", name=name,
            marker=dict(symbol="square", size=18, color=colour, line=dict(width=1, color="white")),
            customdata=[wrap(f"{r.paragraph} ({r.kind}; {r.topics.replace(';', ', ')}): {r.paraphrase}")
                        for r in part.itertuples()],
            hovertemplate="%{customdata}<extra></extra>")

    others = article_map[~article_map["paragraph"].isin(chosen)]
    traces = [trace(others, "other paragraphs", NEUTRAL)]
    for kind in STATEMENT_KINDS:
        part = article_map[(article_map["kind"] == kind) & article_map["paragraph"].isin(chosen)]
        traces.append(trace(part, kind, KIND_COLOURS[kind]))
    return traces


def shape_figure(article_map: pd.DataFrame, kind: str = ALL, topic: str = ALL) -> go.Figure:
    """The column paragraph by paragraph: highlighted where it matches the filter, grey elsewhere."""
    rows = filter_paragraphs(article_map, kind, topic)
    fig = go.Figure(shape_traces(article_map, rows), layout=dict(    # one call: update_layout validates it all again
        title=shape_title(kind, topic, len(rows), len(article_map)), height=360, showlegend=False,
        margin=dict(l=110),
        xaxis=dict(title="paragraph, in reading order", type="category", categoryorder="array",
                   categoryarray=list(article_map["paragraph"]), range=[-0.6, len(article_map) - 0.4]),
        yaxis=dict(title="", type="category", categoryorder="array", categoryarray=list(STATEMENT_KINDS),
                   autorange="reversed")))
    return describe(fig, shape_description(article_map, rows, kind, topic))


def matches_html(rows: pd.DataFrame) -> str:
    """The matching paragraphs as an HTML table: id, kind, topics and our paraphrase."""
    if rows.empty:
        return "<p><i>No paragraph matches this choice. Try another kind or topic.</i></p>"
    body = [tables.cells([f"[{r.paragraph}]", html.escape(r.kind), html.escape(r.topics.replace(";", ", ")),
                          html.escape(r.paraphrase)], row_headers=1)
            for r in rows.itertuples()]
    return tables.table(["¶", "kind", "topics", "our paraphrase"], body)


class ArticleMapExplorer(FigureExplorer):
    """Pick a kind of statement and a topic: the paragraphs that match light up in the figure of the
    article's shape, and their paraphrases are listed underneath."""

    def __init__(self, article_map: pd.DataFrame):
        self.article_map = article_map
        self.kind = Dropdown([("all kinds", ALL)] + [(k, k) for k in kinds_in_use(article_map)], ALL,
                             description="Kind of statement")
        self.topic = Dropdown([("all topics", ALL)] + [(t, t) for t in topics_in_use(article_map)], ALL,
                              description="Topic")
        self.matches = html_panel()
        super().__init__([self.kind, self.topic], panels=[self.matches])

    def build(self):
        return described(shape_figure(self.article_map, self.kind.value, self.topic.value))

    def after_update(self):
        self.matches.value = matches_html(filter_paragraphs(self.article_map, self.kind.value, self.topic.value))


# ---- slips, with the sources that correct them --------------------------------------------------------

def slips_table(slips: pd.DataFrame = None, sources: pd.DataFrame = None) -> pd.DataFrame:
    """The slips grouped by kind (in the order of data.SLIP_KINDS), each with its verdict (error or
    debatable) and readable sources."""
    slips = data.slips() if slips is None else slips
    sources = data.sources() if sources is None else sources
    order = {k: i for i, k in enumerate(SLIP_KINDS)}
    table = slips.assign(_order=slips["kind"].map(order)).sort_values(["_order", "paragraph", "slip_id"])
    return pd.DataFrame({
        "kind": table["kind"], "slip": table["slip_id"], "paragraph": table["paragraph"],
        "verdict": table["verdict"],
        "the column says": table["article_says"], "the record says": table["record_says"],
        "sources": joined_labels(table["source"], sources),
    }).reset_index(drop=True)


def slips_html(table: pd.DataFrame) -> str:
    """The slips table as HTML, one block of rows per kind of slip (the kind written once per block)."""
    if table.empty:
        return "<p><i>No slips to show.</i></p>"
    rows = []
    for kind, group in table.groupby("kind", sort=False):
        for n, r in enumerate(group.itertuples()):
            first = (tables.cell(f"{html.escape(kind)} ({len(group)})", header=True, rowspan=len(group))
                     if n == 0 else "")   # the kind heads its block of rows
            verdict = f"<b>{r.verdict}</b>" if r.verdict == "error" else f"<i>{r.verdict}</i>"
            rows.append(first + tables.cells([r.slip, f"[{r.paragraph}]", verdict, html.escape(r[5]),
                                              html.escape(r[6]), html.escape(r.sources)]))
    return tables.table(["kind", "slip", "¶", "verdict", "the column says", "the record says", "sources"], rows)


def verdict_summary(slips: pd.DataFrame = None) -> pd.DataFrame:
    """One row per verdict: what it means, how many slips, which ones."""
    slips = data.slips() if slips is None else slips
    return pd.DataFrame([{"verdict": v, "what it means": VERDICT_MEANINGS[v],
                          "slips": int((slips["verdict"] == v).sum()),
                          "which": " ".join(slips.loc[slips["verdict"] == v, "slip_id"])}
                         for v in SLIP_VERDICTS])


def show_slips(slips: pd.DataFrame = None, sources: pd.DataFrame = None):
    """Show every slip as a table grouped by kind, with its sources."""
    from IPython.display import HTML, display
    display(HTML(slips_html(slips_table(slips, sources))))


def slips_figure(slips: pd.DataFrame) -> go.Figure:
    """Where the slips fall: stacked bars over the paragraphs, one colour per kind of slip."""
    traces = []
    for kind in SLIP_KINDS:
        part = slips[slips["kind"] == kind]
        counts = part.groupby("paragraph").size()
        traces.append(go.Bar(
            x=counts.index.tolist(), y=counts.tolist(), name=kind, marker=dict(color=SLIP_COLOURS[kind]),
            customdata=[", ".join(f"{r.slip_id} ({r.verdict})" for r in part[part["paragraph"] == p].itertuples())
                        for p in counts.index],
            hovertemplate=f"%{{x}}: %{{y}} {kind} slip(s) (%{{customdata}})<extra></extra>"))
    fig = go.Figure(traces)
    fig.update_layout(barmode="stack", title=f"Where the {len(slips)} slips fall in the column", height=340,
                      xaxis=dict(title="paragraph", type="category", categoryorder="array",
                                 categoryarray=list(PARAGRAPH_IDS)),
                      yaxis=dict(title="number of slips", dtick=1),
                      legend=dict(title="kind of slip"))
    per_paragraph = slips.groupby("paragraph").size()
    busiest = per_paragraph[per_paragraph == per_paragraph.max()].index.tolist()
    kinds = slips["kind"].value_counts()
    parts = ", ".join(f"{kinds[k]} {k}" for k in SLIP_KINDS if k in kinds)
    verdicts = slips["verdict"].value_counts()
    judged = ", ".join(f"{verdicts[v]} {v}" for v in SLIP_VERDICTS if v in verdicts)
    text = (f"Stacked bars over the paragraphs P01 to P19 counting the slips found in each, coloured by kind "
            f"({parts}). {len(per_paragraph)} paragraphs have at least one; the most, {per_paragraph.max()}, "
            f"are in {', '.join(busiest)}. By verdict: {judged}.")
    return describe(fig, text)


# ---- sources in front of the reader --------------------------------------------------------------------

def show_sources(ids, sources: pd.DataFrame = None):
    """Show the sources behind a passage of a lesson (';'-joined or listed ids): publisher, date, kind and
    position, title, the original when the address is a copy, and the link."""
    from IPython.display import HTML, display
    display(HTML(sources_html(ids, data.sources() if sources is None else sources)))
