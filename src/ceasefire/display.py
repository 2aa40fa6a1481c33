"""How every figure in the course is shown.

- Renderer: plotly's mimetype renderer, so a notebook stores the figure as JSON and JupyterLab draws it
  with the plotly.js bundled in its extension. plotly.js is never embedded (that would add ~5 MB per
  notebook) and nothing is fetched from the internet.
- Palette: the Okabe-Ito colours, distinguishable with the common colour-vision deficiencies.
- A small template of our own, so stored figure JSON stays small and does not change with plotly's
  default theme.
- Every figure is shown with a text alternative under it: one or two sentences saying what it shows.
"""

import html

import plotly.graph_objects as go
import plotly.io as pio

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


setup()
