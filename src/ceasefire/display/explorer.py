"""Interactive views: controls drive a plotly FigureWidget, in the kernel, with no re-run of code.

`FigureExplorer` is the one skeleton of every explorer in the course: a row of controls (from
ceasefire.display.controls: named, keyboard-operable, visible focus), the FigureWidget, its text description
under it (linked to the figure for screen readers), and optional panels. A subclass declares its controls
and a `build()` that returns a fresh (figure, description); on every change of a control the figure is
updated in place from it, in one batch.

Widget behaviour is tested in-process (tests/test_display_and_widgets.py) and in the browser
(tests/browser/test_keyboard.py); nbval cannot see inside a widget, so notebook cells that display one are
tagged `nbval-ignore-output`.
"""

import html
import re

import ipywidgets as widgets
import plotly.graph_objects as go

from ceasefire.display import description_html, description_of
from ceasefire.display.controls import FigureLink
from ceasefire.display.plotly_widget import course_figure_widget_class
from ceasefire.errors import CourseError


def update_in_place(figure: "go.FigureWidget", fresh: go.Figure):
    """Give a live FigureWidget everything that differs in a freshly built figure (points, colours, hover
    texts, title, axis ranges, shapes) in one batch, so the browser redraws once. plotly sends only the
    properties whose value changed. Both must have the same traces in the same order."""
    if [t.type for t in figure.data] != [t.type for t in fresh.data]:
        raise CourseError("update_in_place needs the same traces in the same order: rebuild the widget instead.")
    with figure.batch_update():
        for live, new in zip(figure.data, fresh.data):
            props = new.to_plotly_json()
            props.pop("type", None)
            props.pop("uid", None)
            live.update(props)
        layout = fresh.layout.to_plotly_json()
        layout.pop("template", None)
        figure.layout.update(layout)


def described(fig: go.Figure) -> tuple:
    """(figure, its text description): what `build()` returns for a figure made with display.describe."""
    return fig, description_of(fig)


def html_panel(value: str = "") -> widgets.HTML:
    """A block of HTML an explorer shows under its figure (matching rows, a day's events and sources)."""
    return widgets.HTML(value)


def plain_title(text) -> str:
    """A plotly title as plain words: line breaks become spaces, tags go, entities are decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"<br\s*/?>", " ", text or ""))).strip()


class FigureExplorer(widgets.VBox):
    """Controls above a FigureWidget and its text description, optional `header` above and `panels`
    below. Subclasses set their attributes and controls, then call
    `super().__init__(controls, header=..., panels=...)`, and define:

    - `build()` -> (figure, description): the figure for the controls' current values;
    - `after_update()` (optional): refresh the panels;
    - `redraw()` (optional): a faster way than build() to bring the live figure up to date.

    Every control with a `value` is observed; buttons are just placed in the row."""

    def __init__(self, controls, header=(), panels=()):
        self.controls = list(controls)
        fresh, text = self.build()
        self.figure = course_figure_widget_class()(fresh)   # plotly's code sent once: see plotly_widget
        self.figure.add_class("ceasefire-figure")
        self.description = widgets.HTML(description_html(text))
        self.description.add_class("ceasefire-description")
        self.link = FigureLink(label=plain_title(fresh.layout.title.text))
        for control in self.controls:
            if hasattr(control, "value"):
                control.observe(self._update, names="value")
        row = widgets.HBox(self.controls, layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        super().__init__(list(header) + [row, self.figure, self.description, self.link] + list(panels))
        self.add_class("ceasefire-explorer")
        self.after_update()

    def __repr__(self) -> str:
        # The text a notebook stores beside the live widget: what it is, never the controls' values (an
        # exercise's stored output must not show a date or number that a question asks for).
        names = ", ".join(str(getattr(c, "description", "")) for c in self.controls if hasattr(c, "value"))
        return f"{type(self).__name__}: an interactive figure ({names}); run the cell in JupyterLab to use it"

    def build(self):
        raise NotImplementedError("An explorer defines build() -> (figure, description).")

    def after_update(self):
        """Refresh what the explorer shows besides the figure (panels); nothing by default."""

    def redraw(self) -> str:
        """Bring the live figure to the controls' values and return its text description. By default the
        figure is built afresh and copied in (update_in_place). An explorer whose changes touch only a few
        properties may set just those instead; its tests must show the result equals a fresh build."""
        fresh, text = self.build()
        update_in_place(self.figure, fresh)
        return text

    def _update(self, change=None):
        text = self.redraw()
        self.description.value = description_html(text)
        self.link.label = plain_title(self.figure.layout.title.text)
        self.after_update()


class TimelineExplorer(FigureExplorer):
    """Filter the course timeline by kind of event and by years; the figure and its description follow."""

    def __init__(self, timeline, years=None):
        from ceasefire.data import EVENT_CATEGORIES
        from ceasefire.display import timeline as figures
        from ceasefire.display.controls import ALL, Dropdown, RangeSlider, year_options

        self.timeline, self._figures = timeline, figures
        span = figures.year_span(timeline)
        self.category = Dropdown([("all kinds", ALL)] + [(c, c) for c in EVENT_CATEGORIES], ALL,
                                 description="Kind of event")
        self.years = RangeSlider(year_options(*span), years or span, description="Years")
        super().__init__([self.category, self.years])

    def build(self):
        return described(self._figures.timeline_figure(self.timeline, self.category.value, tuple(self.years.value)))
