"""Display conventions (renderer, palette, descriptions) and widget behaviour, in-process."""

import json

import IPython.display
import plotly.io as pio
import pytest

from ceasefire import data, display
from ceasefire.lessons import lesson05_aftermath as aftermath
from ceasefire.lessons import lesson02_agreement as agreement
from ceasefire.lessons import lesson03_casualties as casualties
from ceasefire.display import timeline as figures
from ceasefire.lessons import lesson04_interests as interests
from ceasefire.errors import CourseError
from ceasefire.display.explorer import TimelineExplorer

TIMELINE = data.timeline()
SOURCES = data.sources()


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


def test_wrap_breaks_lines_for_plotly():
    text = "Kerry and Lavrov agreed on seven days of calm in Geneva"
    assert display.wrap(text, 20) == "Kerry and Lavrov<br>agreed on seven days<br>of calm in Geneva"
    assert all(len(line) <= 60 for line in display.wrap(text * 3).split("<br>"))
    assert display.wrap("short") == "short" and display.wrap("") == ""


# ---- tables -----------------------------------------------------------------------------------------

def test_table_html_shows_full_text_left_aligned_with_readable_dates():
    rows = data.timeline().iloc[:1][["date", "event"]]
    text = display.table_html(rows)
    assert data.short_date(rows.iloc[0]["date"]) in text and rows.iloc[0]["event"].replace("'", "&#x27;") in text
    assert text.count("text-align:left") == 4          # two headers, two cells
    assert "&lt;b&gt;" in display.table_html(rows.assign(event="<b>bold</b>"))


def test_table_html_shows_full_text_and_escapes():
    out = display.table_html(casualties.causes_table(TIMELINE))
    assert "two weeks before the truce began" in out and ">our reading</th>" in out
    assert "Turkey&#x27;s involvement" in out


def test_table_html_shows_long_text_in_full_and_escaped():
    table = agreement.terms_table()
    text = display.table_html(table)
    longest = max(table["commitment"], key=len)
    assert text.count("<tr>") == 11
    assert longest.replace('"', "&quot;").replace("'", "&#x27;") in text


def test_table_html_writes_numbers_with_separators_and_one_decimal():
    text = display.table_html(casualties.april_2016_counts(data.deaths_monthly(), data.deaths_daily()))
    assert ">2,149</td>" in text and ">720</td>" in text and ">20.1</td>" in text
    assert display.cell_text(True) == "True"


def test_table_html_shows_a_named_index_in_bold_and_cites_sources():
    text = display.table_html(interests.defer_assad_test(), SOURCES)
    assert text.startswith("<table>") and text.count("<tr>") == len(interests.defer_assad_test()) + 1
    assert ">part of the deal</th>" in text and "<b>Syrian air force kept out of opposition areas</b>" in text
    assert "bedrock" in text and "CNN, 9 Sep 2016" in text
    assert "cnn-wtkr-2016-09-09" not in text            # ids become citations
    assert "cnn-wtkr-2016-09-09" in display.table_html(interests.defer_assad_test())


def test_table_html_shows_the_judgement_table_with_citations():
    text = display.table_html(aftermath.judgement_table(), SOURCES)
    assert text.count("<tr>") == 5 and "AP, 3 Oct 2016" in text


def test_show_table_displays_the_html(monkeypatch):
    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    display.show_table(interests.defer_assad_test(), SOURCES)
    assert [type(s).__name__ for s in shown] == ["HTML"]
    assert shown[0].data == display.table_html(interests.defer_assad_test(), SOURCES)


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
    first, last = TIMELINE["date"].dt.year.min(), TIMELINE["date"].dt.year.max()
    assert explorer.figure.layout.title.text == f"Timeline, {first}-{last}: all events ({len(TIMELINE)})"
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
    assert not ((TIMELINE["category"] == "humanitarian") & (TIMELINE["date"].dt.year == 2013)).any()
    explorer = TimelineExplorer(TIMELINE)
    explorer.years.value = (2013, 2013)
    explorer.category.value = "humanitarian"
    assert sum(len(t.x) for t in explorer.figure.data) == 0
    assert explorer.figure.layout.title.text == "Timeline, 2013: humanitarian events (0)"
    assert "No humanitarian events" in explorer.description.value
