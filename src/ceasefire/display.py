"""How every figure in the course is shown.

- Renderer: plotly's mimetype renderer, so a notebook stores the figure as JSON and JupyterLab draws it
  with the plotly.js bundled in its extension. plotly.js is never embedded (that would add ~5 MB per
  notebook) and nothing is fetched from the internet.
- Palette: the Okabe-Ito colours, distinguishable with the common colour-vision deficiencies.
- A small template of our own, so stored figure JSON stays small and does not change with plotly's
  default theme.
- Every figure is shown with a text alternative under it: one or two sentences saying what it shows.
- Tables are shown as plain HTML with every text in full (`show_table`), and hover texts are wrapped
  with `wrap`, so that every lesson shows them the same way.
"""

import html
import numbers
import textwrap

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from ceasefire import data
from ceasefire.errors import CourseError

# Okabe & Ito (2008), "Color Universal Design"; black moved last so that data series start in colour.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442", "#000000")
NEUTRAL = "#999999"
LAND = "#f2efe9"
FOCUS_LAND = "#fbf7ec"
TEMPLATE_NAME = "ceasefire"
RENDERER = "plotly_mimetype"

TEMPLATE = go.layout.Template(layout=dict(
    colorway=list(PALETTE),
    font=dict(family="Arial, sans-serif", size=13, color="#222222"),
    paper_bgcolor="white",
    plot_bgcolor="white",
    margin=dict(l=60, r=20, t=60, b=50),
    xaxis=dict(showgrid=True, gridcolor="#e6e6e6", linecolor="#444444", ticks="outside"),
    yaxis=dict(showgrid=True, gridcolor="#e6e6e6", linecolor="#444444", ticks="outside"),
    hoverlabel=dict(font=dict(size=12)),
    legend=dict(bgcolor="rgba(255,255,255,0.8)"),
))


def setup():
    """Make the course's conventions the defaults in this Python process (idempotent)."""
    pio.templates[TEMPLATE_NAME] = TEMPLATE
    pio.templates.default = TEMPLATE_NAME
    pio.renderers.default = RENDERER


def describe(fig, text: str):
    """Attach the text alternative to a figure (kept in layout.meta so it travels with the figure)."""
    if not isinstance(text, str) or len(text.strip()) < 20:
        raise CourseError("Every figure needs a text description of at least a short sentence.")
    fig.layout.meta = {"description": text.strip()}
    return fig


def description_of(fig) -> str:
    meta = fig.layout.meta
    if isinstance(meta, dict) and meta.get("description"):
        return meta["description"]
    raise CourseError("This figure has no text description: call ceasefire.display.describe(fig, '...') first.")


def description_html(text: str) -> str:
    return f'<p class="ceasefire-figure-description"><b>Figure description.</b> {html.escape(text)}</p>'


def show(fig, description: str | None = None):
    """Show a figure with its text description under it (the description is required)."""
    from IPython.display import HTML, display

    setup()
    if description is not None:
        describe(fig, description)
    text = description_of(fig)
    fig.show(renderer=RENDERER)
    display(HTML(description_html(text)))


def wrap(text, width: int = 60) -> str:
    """`text` in lines of at most `width` characters joined by "<br>", plotly's line break in hover texts
    and labels (plotly never wraps them itself)."""
    return "<br>".join(textwrap.wrap(str(text), width))


# ---- tables -----------------------------------------------------------------------------------------

# JupyterLab right-aligns table cells (for numbers); our tables hold prose, so cells align left and top.
CELL_STYLE = "text-align:left; vertical-align:top"
CELL = f'<td style="{CELL_STYLE}">'
HEAD = '<th style="text-align:left">'


def header_row(names) -> str:
    """A table's header row, the names escaped."""
    return "<tr>" + "".join(f"{HEAD}{html.escape(str(name))}</th>" for name in names) + "</tr>"


def cells(values) -> str:
    """Table cells for values that are already HTML (escape text before passing it)."""
    return "".join(f"{CELL}{value}</td>" for value in values)


def cell_text(value) -> str:
    """A table value as plain text: dates as '23 May 2016', whole numbers as '2,149', other numbers to one
    decimal ('20.9')."""
    if isinstance(value, pd.Timestamp):
        return data.short_date(value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, numbers.Integral):
        return f"{value:,}"
    return str(value)


def table_html(frame: pd.DataFrame, sources: pd.DataFrame | None = None, source_column: str = "source") -> str:
    """A small table as plain HTML with every text shown in full (pandas would cut long cells), escaped.

    A named index (after `set_index("issue")`, say) is the first column, in bold; an unnamed one only
    numbers the rows and is left out. Given `sources` (data.sources()), the ids in `source_column` are
    shown as short citations with links."""
    keys = frame.index.nlevels if any(name is not None for name in frame.index.names) else 0
    if keys:
        frame = frame.reset_index()
    cited = frame.columns.get_loc(source_column) if sources is not None and source_column in frame.columns else None
    rows = []
    for row in frame.itertuples(index=False):
        texts = []
        for n, value in enumerate(row):
            text = data.sources_inline(value, sources) if n == cited else html.escape(cell_text(value))
            texts.append(f"<b>{text}</b>" if n < keys else text)
        rows.append("<tr>" + cells(texts) + "</tr>")
    return f"<table>{header_row(frame.columns)}{''.join(rows)}</table>"


def show_table(frame: pd.DataFrame, sources: pd.DataFrame | None = None, source_column: str = "source"):
    """Show a table in a notebook with its long texts in full (see table_html)."""
    from IPython.display import HTML, display
    display(HTML(table_html(frame, sources, source_column)))


setup()
