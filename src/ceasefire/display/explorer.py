"""Interactive views: a widget drives a plotly FigureWidget, in the kernel, with no re-run of code.

Widget behaviour is tested in-process (tests/test_widgets.py) and in the browser; nbval cannot see
inside a widget, so notebook cells that display one are tagged `nbval-ignore-output`.
"""

import ipywidgets as widgets
import plotly.graph_objects as go

from ceasefire.display import timeline as figures
from ceasefire.data import EVENT_CATEGORIES
from ceasefire.display import description_html, setup


def update_in_place(figure: "go.FigureWidget", fresh: go.Figure, x_range: bool = False):
    """Give a live FigureWidget the points, hover texts and title of a freshly built figure (and with
    `x_range`, its x-axis range) in one batch, so the browser redraws once. Both must have the same
    traces in the same order."""
    with figure.batch_update():
        for live, new in zip(figure.data, fresh.data):
            live.x, live.y, live.customdata = new.x, new.y, new.customdata
        figure.layout.title.text = fresh.layout.title.text
        if x_range:
            figure.layout.xaxis.range = fresh.layout.xaxis.range


class TimelineExplorer(widgets.VBox):
    """Filter the course timeline by kind of event and by years; the figure and its description follow."""

    def __init__(self, timeline, years=None):
        setup()
        years = years or figures.year_span(timeline)
        self.timeline = timeline
        self.category = widgets.Dropdown(options=[("all kinds", figures.ALL)] + [(c, c) for c in EVENT_CATEGORIES],
                                         value=figures.ALL, description="Show")
        self.years = widgets.IntRangeSlider(value=years, min=years[0], max=years[1], step=1,
                                            description="Years", continuous_update=False)
        self.figure = go.FigureWidget(figures.timeline_figure(timeline, figures.ALL, years))
        self.description = widgets.HTML()
        self.category.observe(self._update, names="value")
        self.years.observe(self._update, names="value")
        super().__init__([widgets.HBox([self.category, self.years]), self.figure, self.description])
        self._update()

    def _update(self, change=None):
        category, years = self.category.value, tuple(self.years.value)
        fresh = figures.timeline_figure(self.timeline, category, years)
        update_in_place(self.figure, fresh, x_range=True)
        self.description.value = description_html(fresh.layout.meta["description"])
