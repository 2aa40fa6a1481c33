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
import json
import os
import re
import sys
import textwrap

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from ceasefire.deferred import defer_iri_grammar  # noqa: F401 (kept as display.defer_iri_grammar)
from ceasefire.display.tables import CELL_STYLE, cell, cell_text, cells, header_row  # noqa: F401 (re-exported)
from ceasefire.display.tables import frame_table as table_html
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


def description_html(text: str, label: str | None = None) -> str:
    """The text description as shown under a figure; with `label`, the name the figure gets (see show)."""
    name = f' data-figure-label="{html.escape(label)}"' if label else ""
    return f'<p class="ceasefire-figure-description"{name}><b>Figure description.</b> {html.escape(text)}</p>'


def figure_label(fig) -> str:
    """The figure's accessible name: 'Figure: ' and its title as plain text ('Figure' if it has none)."""
    title = " ".join(re.sub(r"<[^>]*>", " ", html.unescape(fig.layout.title.text or "")).split())
    return f"Figure: {title}" if title else "Figure"


# Shown after the description (JupyterLab runs it for outputs of cells run in this session and of trusted
# notebooks; elsewhere it is dropped and the description simply stays under the figure). It makes the
# figure output just above a role="figure" named by data-figure-label and described by the paragraph, so
# a screen reader announces the figure with its description; plotly's still image of the figure, shown
# before the figure is drawn, is marked decorative (alt="") since the container carries the name.
LINK_FIGURE_SCRIPT = """<script>(function () {
  var script = document.currentScript, text = script && script.previousElementSibling;
  var output = script && script.closest('.jp-OutputArea-child');
  var above = output && output.previousElementSibling;
  var figure = above && above.querySelector('.jp-RenderedPlotly');
  if (!figure || !text) { return; }
  text.id = text.id || 'ceasefire-figure-' + Math.random().toString(36).slice(2);
  figure.setAttribute('role', 'figure');
  figure.setAttribute('aria-label', text.getAttribute('data-figure-label') || 'Figure');
  figure.setAttribute('aria-describedby', text.id);
  var still = figure.querySelector('img.plot-img');
  if (still) { still.setAttribute('alt', ''); }
})();</script>"""


def mimebundle(fig) -> dict:
    """The figure as plotly's mimetype renderer shows it: one `application/vnd.plotly.v1+json` entry with
    the validated figure as JSON (no config, uids kept, no plotly.js), built without loading
    `plotly.io.renderers`. tests/test_imports.py checks it equals the renderer's bundle."""
    from plotly.io._json import to_json
    from plotly.io._utils import validate_coerce_fig_to_dict

    fig_dict = validate_coerce_fig_to_dict(fig, True)
    return {MIMETYPE: json.loads(to_json(fig_dict, validate=False, remove_uids=False))}


def show(fig, description: str | None = None):
    """Show a figure with its text description under it (the description is required); in JupyterLab the
    figure becomes a role="figure" whose accessible description is that text (LINK_FIGURE_SCRIPT)."""
    from IPython.display import HTML, display

    if description is not None:
        describe(fig, description)
    text = description_of(fig)
    display(mimebundle(fig), raw=True)
    display(HTML(description_html(text, figure_label(fig)) + LINK_FIGURE_SCRIPT))


def wrap(text, width: int = 60) -> str:
    """`text` in lines of at most `width` characters joined by "<br>", plotly's line break in hover texts
    and labels (plotly never wraps them itself)."""
    return "<br>".join(textwrap.wrap(str(text), width))


# ---- tables (written by ceasefire.display.tables; cell, cells, header_row, table_html are re-exported) ---

def show_table(frame: pd.DataFrame, sources: pd.DataFrame | None = None, source_column: str = "source"):
    """Show a table in a notebook with its long texts in full (see table_html)."""
    from IPython.display import HTML, display
    display(HTML(table_html(frame, sources, source_column)))


# The one place the defaults are set, on import: every module that builds a figure imports this one first,
# so the template and renderer are in place before any figure exists, in a lesson, a test or a script
# alike (course.opening() would miss the last two). Not repeated in each figure function: that would undo,
# at every figure, a reader's own choice such as pio.templates.default = "plotly_dark".
setup()
