"""How every figure in the course is shown.

- Renderer: plotly's mimetype bundle, so a notebook stores the figure as JSON and JupyterLab draws it
  with the plotly.js bundled in its extension. plotly.js is never embedded (that would add ~5 MB per
  notebook) and nothing is fetched from the internet. `show` builds that bundle itself (exactly what
  plotly's `plotly_mimetype` renderer builds) instead of going through `plotly.io.renderers`: importing
  the renderers imports nbformat and jsonschema, about 3 s in a fresh kernel before a lesson's first cell
  could show anything. Nothing here imports them.
- Palette: the Okabe-Ito colours, distinguishable with the common colour-vision deficiencies.
- A small template of our own, so stored figure JSON stays small and does not change with plotly's
  default theme.
- Every figure is shown with a text alternative under it: one or two sentences saying what it shows.
- Tables are shown as plain HTML with every text in full (`show_table`), and hover texts are wrapped
  with `wrap`, so that every lesson shows them the same way.
"""

import html
import importlib.util
import json
import numbers
import os
import sys
import textwrap
import types

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
MIMETYPE = "application/vnd.plotly.v1+json"

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


def defer_iri_grammar():
    """Let jsonschema compile its IRI grammar when it first checks an IRI, not when it is imported.

    The first FigureWidget of a lesson imports plotly's renderers, which import nbformat, which imports
    jsonschema, which imports rfc3987_syntax only to have an "iri" format checker ready: importing that
    compiles a lark grammar, 1.2 s on a quiet machine and several seconds later in a kernel whose heap is
    full of data (garbage collection walks it all). Nothing in a lesson checks IRIs. So, unless it is
    already loaded, rfc3987_syntax is registered as a stand-in whose functions import the real module on
    first use and hand over to it: jsonschema behaves exactly as before, the grammar is compiled only if an
    IRI is ever validated. Idempotent; does nothing if rfc3987_syntax is not installed."""
    name = "rfc3987_syntax"
    if name in sys.modules or "jsonschema" in sys.modules or importlib.util.find_spec(name) is None:
        return

    def real():
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
        return importlib.import_module(name)

    def is_valid_syntax(*args, **kwargs):
        return real().is_valid_syntax(*args, **kwargs)

    stand_in = types.ModuleType(name, "Stand-in for rfc3987_syntax: loads it on first use (ceasefire.display).")
    stand_in.is_valid_syntax = is_valid_syntax

    def attribute_of_real(attribute):
        if attribute.startswith("__"):   # the import system probes __path__, __spec__ ...: not a use
            raise AttributeError(attribute)
        return getattr(real(), attribute)

    stand_in.__getattr__ = attribute_of_real
    sys.modules[name] = stand_in


def setup():
    """Make the course's conventions the defaults in this Python process (idempotent, cheap).

    Our template becomes plotly's default. The mimetype renderer becomes the default for figures shown
    without `show` (a bare `fig` at the end of a cell): at once if plotly's renderers are already loaded,
    otherwise through PLOTLY_RENDERER, which plotly reads when it loads them, so that importing the
    course never loads them (nor nbformat and jsonschema with them)."""
    pio.templates[TEMPLATE_NAME] = TEMPLATE
    pio.templates.default = TEMPLATE_NAME
    defer_iri_grammar()
    renderers = sys.modules.get("plotly.io._renderers")
    if renderers is not None:
        if renderers.renderers.default != RENDERER:
            renderers.renderers.default = RENDERER
    else:
        os.environ["PLOTLY_RENDERER"] = RENDERER


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


def mimebundle(fig) -> dict:
    """The figure as plotly's mimetype renderer shows it: one `application/vnd.plotly.v1+json` entry with
    the validated figure as JSON (no config, uids kept, no plotly.js), built without loading
    `plotly.io.renderers`. tests/test_imports.py checks it equals the renderer's bundle."""
    from plotly.io._json import to_json
    from plotly.io._utils import validate_coerce_fig_to_dict

    fig_dict = validate_coerce_fig_to_dict(fig, True)
    return {MIMETYPE: json.loads(to_json(fig_dict, validate=False, remove_uids=False))}


def show(fig, description: str | None = None):
    """Show a figure with its text description under it (the description is required)."""
    from IPython.display import HTML, display

    setup()
    if description is not None:
        describe(fig, description)
    text = description_of(fig)
    display(mimebundle(fig), raw=True)
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
