"""Display conventions (renderer, palette, descriptions) and widget behaviour, in-process."""

import json

import plotly.io as pio
import pytest

from ceasefire import data, display, figures
from ceasefire.errors import CourseError
from ceasefire.widgets import TimelineExplorer

TIMELINE = data.timeline()


def test_setup_selects_the_mimetype_renderer_and_our_template():
    display.setup()
    assert pio.renderers.default == "plotly_mimetype"
    assert pio.templates.default == "ceasefire"
    assert list(pio.templates["ceasefire"].layout.colorway) == list(display.PALETTE)


def test_palette_is_okabe_ito_and_distinct():
    assert len(set(display.PALETTE)) == len(display.PALETTE) == 8
    assert display.PALETTE[:3] == ("#E69F00", "#56B4E9", "#009E73")


def test_a_figure_bundle_never_embeds_plotly_js():
    fig = figures.timeline_figure(TIMELINE)
    bundle = pio.renderers["plotly_mimetype"].to_mimebundle(fig.to_dict())
    assert set(bundle) == {"application/vnd.plotly.v1+json"}
    text = json.dumps(bundle)
    assert "PlotlyConfig" not in text and len(text) < 40_000


def test_figures_require_a_description():
    fig = figures.timeline_figure(TIMELINE)
    assert "Dots on a time axis" in display.description_of(fig)
    bare = fig.__class__(fig)
    bare.layout.meta = None
    with pytest.raises(CourseError, match="no text description"):
        display.description_of(bare)
    with pytest.raises(CourseError, match="at least a short sentence"):
        display.describe(bare, "a plot")


def test_description_html_escapes_text():
    assert "&lt;script&gt;" in display.description_html("<script>alert(1)</script> is escaped here")


def test_timeline_figure_counts_and_title():
    fig = figures.timeline_figure(TIMELINE, "military", (2016, 2016))
    expected = TIMELINE[(TIMELINE["category"] == "military") & (TIMELINE["date"].dt.year == 2016)]
    shown = sum(len(trace.x) for trace in fig.data)
    assert shown == len(expected) > 0
    assert fig.layout.title.text == f"Timeline, 2016: military events ({len(expected)})"
    assert [trace.name for trace in fig.data] == ["diplomacy", "military", "humanitarian"]


def test_timeline_filter_rejects_unknown_category():
    with pytest.raises(ValueError, match="category must be 'all'"):
        figures.filter_timeline(TIMELINE, "sports")


def test_explorer_starts_with_everything():
    explorer = TimelineExplorer(TIMELINE)
    assert sum(len(t.x) for t in explorer.figure.data) == len(TIMELINE)
    assert explorer.figure.layout.title.text == f"Timeline, 2013-2016: all events ({len(TIMELINE)})"
    assert "Figure description" in explorer.description.value


def test_explorer_category_change_updates_figure_and_description():
    explorer = TimelineExplorer(TIMELINE)
    explorer.category.value = "humanitarian"
    count = int((TIMELINE["category"] == "humanitarian").sum())
    assert [len(t.x) for t in explorer.figure.data] == [0, 0, count]
    assert explorer.figure.layout.title.text.endswith(f"humanitarian events ({count})")
    assert f"{count} humanitarian" in explorer.description.value


def test_explorer_years_change_updates_range_and_points():
    explorer = TimelineExplorer(TIMELINE)
    explorer.years.value = (2013, 2014)
    count = int(TIMELINE["date"].dt.year.between(2013, 2014).sum())
    assert sum(len(t.x) for t in explorer.figure.data) == count
    assert tuple(explorer.figure.layout.xaxis.range) == ("2013-01-01", "2014-12-31")


def test_explorer_handles_an_empty_selection():
    explorer = TimelineExplorer(TIMELINE)
    explorer.years.value = (2013, 2013)
    explorer.category.value = "humanitarian"
    if sum(len(t.x) for t in explorer.figure.data) == 0:
        assert "No humanitarian events" in explorer.description.value
