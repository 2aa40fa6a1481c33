"""Display conventions (renderer, palette, descriptions) and widget behaviour, in-process."""

import json

import IPython.display
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from ceasefire import data, display
from ceasefire.lessons import lesson05_aftermath as aftermath
from ceasefire.lessons import lesson02_agreement as agreement
from ceasefire.lessons import lesson03_casualties as casualties
from ceasefire.display import timeline as figures
from ceasefire.lessons import lesson04_interests as interests
from ceasefire.errors import CourseError
from ceasefire.display import controls, maps
from ceasefire.display.explorer import FigureExplorer, TimelineExplorer, described, plain_title, update_in_place
from ceasefire.lessons import lesson01_reading as reading
from ceasefire.lessons import lesson03_durability as durability

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


def test_table_html_makes_a_named_index_the_row_headers_and_cites_sources():
    text = display.table_html(interests.defer_assad_test(), SOURCES)
    assert text.startswith("<table>") and text.count("<tr>") == len(interests.defer_assad_test()) + 1
    assert ">part of the deal</th>" in text
    assert '<th scope="row" style="text-align:left; vertical-align:top">Syrian air force kept out of opposition areas</th>' in text
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
    with pytest.raises(CourseError, match="There is no category 'sports'; choose 'all' or one of: diplomacy, "):
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



# ---- plotly's widget code, sent once per kernel (display.plotly_widget) ----------------------------------

def test_every_explorer_figure_refers_to_plotlys_code_sent_once():
    """Each figure's own JavaScript is the small loader; plotly's widget code (5 MB) is in one model with no
    view that every figure refers to, with the digest the loader keeps it under."""
    from ceasefire.deferred import figure_widget_class
    from ceasefire.display import plotly_widget

    figures = [TimelineExplorer(TIMELINE).figure, interests.InterestMatrix(data.interests()).figure]
    states = [figure.get_state() for figure in figures]
    holder = figures[0]._code
    from ipywidgets.widgets.widget import _remove_buffers

    plotly_code = str(figure_widget_class()._esm).encode("utf-8")
    assert len(plotly_code) > 1_000_000 and len(plotly_widget.LOADER) < 2_000
    assert [state["_esm"] for state in states] == [plotly_widget.LOADER] * 2
    assert {state["_code"] for state in states} == {f"IPY_MODEL_{holder.model_id}"}
    assert holder.get_state()["code"] == plotly_code and holder.get_state()["_view_name"] is None
    assert _remove_buffers(holder.get_state())[1] == [["code"]]     # sent as a binary buffer, not JSON text
    # the page keeps the code by its digest: the same code gives the same key, other code (even of the
    # same length, one byte changed) another
    assert holder.digest == plotly_widget.code_digest(bytes(plotly_code))
    changed = plotly_code[:-1] + (b" " if plotly_code[-1:] != b" " else b"\n")
    assert len({holder.digest, plotly_widget.code_digest(changed), plotly_widget.code_digest(plotly_code + b" ")}) == 3


def test_a_closed_code_model_is_replaced_by_a_new_one():
    """After Widget.close_all() (or a closed model), the next figure must not refer to a model the browser
    no longer has."""
    from ceasefire.display import plotly_widget

    old = plotly_widget.shared_code()
    old.close()
    new = TimelineExplorer(TIMELINE).figure._code
    assert new is not old and new.comm is not None and new.code == old.code and new.digest == old.digest

# ---- one timeline filter, one ALL, one choice check ---------------------------------------------------

def pd_dates(rows):
    return pd.to_datetime(rows["date"])


def _days(rows):
    return sorted(f"{d:%Y-%m-%d}" for d in pd_dates(rows))


def test_filter_timeline_by_days_place_and_years():
    rows = figures.filter_timeline(TIMELINE, start="2016-09-12", end="2016-09-19 18:00")
    dates = pd_dates(TIMELINE)
    expected = TIMELINE[(dates >= "2016-09-12") & (dates <= "2016-09-19")]
    assert list(rows.index) == list(expected.index) and len(rows) > 3
    at = figures.filter_timeline(TIMELINE, place="aleppo", years=(2016, 2016))
    assert set(at["place"]) == {"aleppo"} and set(pd_dates(at).dt.year) == {2016}
    assert len(figures.filter_timeline(TIMELINE, "military", start="2016-01-01")) == int(
        ((TIMELINE["category"] == "military") & (dates >= "2016-01-01")).sum())


def test_filter_timeline_explains_bad_dates():
    with pytest.raises(CourseError, match="runs backwards: 2016-09-01 is before 2016-09-12"):
        figures.filter_timeline(TIMELINE, start="2016-09-12", end="2016-09-01")
    with pytest.raises(CourseError, match="YYYY-MM-DD"):
        figures.filter_timeline(TIMELINE, start="the twelfth")


def test_every_date_window_of_the_lessons_is_the_one_filter():
    start, end = agreement.phases()["the seven days"]
    assert list(agreement.phase_rows(TIMELINE, "the seven days").index) == list(
        figures.filter_timeline(TIMELINE, start=start, end=end).index)
    window = ("2016-09-01", "2016-10-15")
    assert _days(aftermath.window_events(TIMELINE, window)) == _days(figures.filter_timeline(TIMELINE, start=window[0], end=window[1]))
    assert list(maps.events_at(TIMELINE, "aleppo", "2016-07-01", "2016-10-31").index) == list(
        figures.filter_timeline(TIMELINE, start="2016-07-01", end="2016-10-31", place="aleppo").index)
    assert len(casualties.events_between(TIMELINE, "2016-02-20", "2016-04-30")) == len(
        figures.filter_timeline(TIMELINE, start="2016-02-20", end="2016-04-30"))


def test_one_all_constant():
    assert controls.ALL == "all"
    assert figures.ALL is reading.ALL is interests.ALL is controls.ALL


def test_check_choice_names_the_choices():
    assert controls.check_choice("all", ["a", "b"], "letter") == "all"
    assert controls.check_choice("b", ["a", "b"], "letter", allow_all=False) == "b"
    with pytest.raises(controls.ChoiceError, match="There is no letter 'c'; choose 'all' or one of: a, b."):
        controls.check_choice("c", ["a", "b"], "letter")
    with pytest.raises(CourseError, match="There is no letter 'all'; choose one of: a, b."):
        controls.check_choice("all", ["a", "b"], "letter", allow_all=False)
    with pytest.raises(CourseError, match=r", \.\.\.\.$"):       # long lists are cut
        controls.check_choice(99, range(30), "number")


# ---- the controls -------------------------------------------------------------------------------------

def test_slider_value_and_browser_index_follow_each_other():
    slider = controls.Slider([("1 Sep", "2016-09-01"), ("2 Sep", "2016-09-02"), ("3 Sep", "2016-09-03")],
                             "2016-09-02", description="Day")
    assert (slider.index, slider.labels, slider.options[0]) == (1, ["1 Sep", "2 Sep", "3 Sep"], ("1 Sep", "2016-09-01"))
    seen = []
    slider.observe(lambda change: seen.append(change["new"]), names="value")
    slider.index = 2                       # what the browser sends when a person presses the right arrow
    slider.value = "2016-09-01"
    assert seen == ["2016-09-03", "2016-09-01"] and slider.index == 0
    with pytest.raises(CourseError, match="There is no day '2016-12-25'; choose one of: 2016-09-01, "):
        slider.value = "2016-12-25"
    assert slider.value == "2016-09-01"


def test_number_slider_has_exact_steps_and_a_friendly_error():
    slider = controls.NumberSlider(0.5, 0, 1, 0.05, "Enforcement", readout_format=".2f")
    assert len(slider.options) == 21 and slider.labels[3] == "0.15" and slider.options[3][1] == 0.15
    slider.value = 0.1 + 0.2                        # 0.30000000000000004 is the option 0.3
    assert slider.value == 0.3 and slider.index == 6
    whole = controls.NumberSlider(3, 0, 10, 1, "Spoilers")
    assert whole.value == 3 and isinstance(whole.options[4][1], int)
    with pytest.raises(CourseError, match="Enforcement takes a number from 0 to 1 in steps of 0.05; got 2"):
        slider.value = 2
    with pytest.raises(CourseError, match="low <= high"):
        controls.NumberSlider(1, 5, 0, 1)


def test_range_slider_keeps_its_ends_in_order():
    years = controls.RangeSlider(controls.year_options(2011, 2016), description="Years")
    assert years.value == (2011, 2016) and (years.low, years.high) == (0, 5)
    seen = []
    years.observe(lambda change: seen.append(change["new"]), names="value")
    years.value = (2014, 2013)
    assert years.value == (2013, 2014) and (years.low, years.high) == (2, 3)
    years.high = 0                        # a person drags the right end past the left one
    assert years.value == (2011, 2013) and (years.low, years.high) == (0, 2)
    assert seen == [(2013, 2014), (2011, 2013)]           # one change each, no half-moved pairs
    with pytest.raises(CourseError, match="There is no years 2030"):
        years.value = (2012, 2030)


def test_dropdown_and_button():
    menu = controls.Dropdown([("all kinds", "all"), ("military", "military")], description="Kind of event")
    assert menu.value == "all"
    menu.index = 1
    assert menu.value == "military"
    clicks = []
    button = controls.Button("next event", arrow="right")
    button.on_click(clicks.append)
    button._handle(button, {"event": "click"}, [])          # the message a click in the browser sends
    button._handle(button, {"event": "other"}, [])
    assert clicks == [button]


def test_controls_draw_native_named_elements_with_visible_focus():
    for control in (controls.Slider, controls.Dropdown, controls.RangeSlider, controls.Button):
        assert "label" in control._esm or "aria-label" in control._esm or "button" in control._esm
    assert 'type: "range"' in controls.Slider._esm and "aria-valuetext" in controls.Slider._esm
    assert "htmlFor" in controls.Dropdown._esm and "data-lm-suppress-shortcuts" in controls.Dropdown._esm
    assert ":focus-visible { outline: 3px solid" in controls.CSS
    assert 'aria-hidden", "true"' in controls.Button._esm      # the arrow glyph is not read out


# ---- the base class ---------------------------------------------------------------------------------

class Squares(FigureExplorer):
    """The smallest explorer: a slider for n, a bar chart of 1..n squared."""

    def __init__(self):
        self.n = controls.NumberSlider(3, 1, 6, 1, description="How many squares")
        self.updates = 0
        self.button = controls.Button("a button, not observed")
        super().__init__([self.n, self.button])

    def build(self):
        n = self.n.value
        fig = go.Figure(go.Bar(x=list(range(1, n + 1)), y=[k * k for k in range(1, n + 1)]))
        fig.update_layout(title=f"The first {n} squares<br><sup>of whole numbers</sup>")
        return display.describe(fig, f"{n} bars, the tallest {n * n}."), f"{n} bars, the tallest {n * n}."

    def after_update(self):
        self.updates += 1


def assert_figure_follows(explorer, control, value):
    """Set a control as a person would; the live figure must then equal a fresh build, with the new title,
    description and accessible name."""
    title = explorer.figure.layout.title.text
    control.value = value
    fresh, description = explorer.build()
    assert explorer.figure.layout.title.text == fresh.layout.title.text != title, "the title did not follow"
    for live, new in zip(explorer.figure.data, fresh.data):
        mine, theirs = live.to_plotly_json(), new.to_plotly_json()
        mine.pop("uid", None)
        theirs.pop("uid", None)
        assert mine == theirs, f"trace {new.name!r} did not follow"
    assert explorer.description.value == display.description_html(description)   # (two stops may share a place)
    assert explorer.link.label == plain_title(fresh.layout.title.text)


def test_explorer_builds_then_follows_its_controls():
    squares = Squares()
    assert squares.updates == 1 and list(squares.figure.data[0].y) == [1, 4, 9]
    assert squares.link.label == "The first 3 squares of whole numbers"
    assert "ceasefire-explorer" in squares._dom_classes and "ceasefire-figure" in squares.figure._dom_classes
    assert "ceasefire-description" in squares.description._dom_classes
    assert_figure_follows(squares, squares.n, 5)
    assert list(squares.figure.data[0].y) == [1, 4, 9, 16, 25] and squares.updates == 2


def test_the_follow_check_catches_a_figure_that_stays():
    """Test of the test: an explorer whose controls are cut off from the figure fails the check."""
    squares = Squares()
    squares.n.unobserve_all("value")
    with pytest.raises(AssertionError, match="the title did not follow"):
        assert_figure_follows(squares, squares.n, 5)


def test_update_in_place_refuses_other_traces():
    live = go.FigureWidget(go.Figure(go.Bar(x=[1], y=[1])))
    with pytest.raises(CourseError, match="same traces"):
        update_in_place(live, go.Figure(go.Scatter(x=[1], y=[1])))
    assert described(display.describe(go.Figure(), "An empty figure, for a test."))[1] == "An empty figure, for a test."


# ---- every explorer of the course: named controls that drive the figure -----------------------------

EXPLORERS = {
    "TimelineExplorer": lambda: TimelineExplorer(TIMELINE),
    "ArticleMapExplorer": lambda: reading.ArticleMapExplorer(data.article_map()),
    "AgreementTimeline": lambda: agreement.AgreementTimeline(TIMELINE, SOURCES),
    "PlaceMap": lambda: agreement.place_map(),
    "RateConverter": lambda: casualties.RateConverter(data.deaths_monthly(), data.deaths_daily()),
    "DurabilityExplorer": lambda: durability.DurabilityExplorer(),
    "InterestMatrix": lambda: interests.InterestMatrix(data.interests(), SOURCES, data.article_map()),
    "AftermathExplorer": lambda: aftermath.AftermathExplorer(data.deaths_daily(), TIMELINE, SOURCES),
}
VAGUE_NAMES = {"", "show", "over", "value", "select"}


def vague_controls(explorer) -> list:
    """Controls whose accessible name (their visible label) does not say what they set."""
    return [c for c in explorer.controls if c.description.strip().lower() in VAGUE_NAMES]


def test_the_name_check_catches_a_vague_label():
    explorer = EXPLORERS["TimelineExplorer"]()
    explorer.category.description = "Show"
    assert vague_controls(explorer) == [explorer.category]


@pytest.mark.parametrize("name", EXPLORERS)
def test_every_control_is_named_and_drives_the_figure(name):
    explorer = EXPLORERS[name]()
    assert isinstance(explorer, FigureExplorer)
    assert not vague_controls(explorer)
    for control in explorer.controls:
        if isinstance(control, controls.RangeSlider):
            low, high = control.value
            assert_figure_follows(explorer, control, (control.options[1][1], high))
        elif hasattr(control, "value"):
            step = 1 if control.index + 1 < len(control.options) else -1
            assert_figure_follows(explorer, control, control.options[control.index + step][1])


def test_aftermath_buttons_jump_between_days_with_events():
    explorer = EXPLORERS["AftermathExplorer"]()
    start = explorer.day.value
    explorer.next.click()
    later = explorer.day.value
    assert later > start and later in explorer.event_days
    assert explorer.figure.layout.title.text.startswith(aftermath.day_label(later))
    explorer.previous.click()
    assert explorer.day.value < later


def explorer_classes() -> set:
    """Every FigureExplorer subclass the package defines (all display and lesson modules imported)."""
    import importlib
    import pkgutil

    import ceasefire.display
    import ceasefire.lessons
    for package in (ceasefire.display, ceasefire.lessons):
        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{module.name}")
    found, todo = set(), [FigureExplorer]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub.__module__.startswith("ceasefire."):
                found.add(sub.__name__)
            todo.append(sub)
    return found


def test_every_explorer_class_is_driven_here_and_from_the_keyboard():
    """A new widget class cannot miss the control-name, follow and keyboard tests: both lists name every
    FigureExplorer subclass (the browser test's list is read from its source, so this runs without Chromium)."""
    import ast

    from pathlib import Path

    source = (Path(__file__).parent / "browser" / "test_keyboard.py").read_text(encoding="utf-8")
    keyboard = next(ast.literal_eval(node.value) for node in ast.walk(ast.parse(source))
                    if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "EXPLORERS")
    assert explorer_classes() == set(EXPLORERS) == set(keyboard)


def test_the_explorer_census_sees_a_new_class():
    class Unlisted(FigureExplorer):     # defined in a test module: not counted, as it is not the package's
        pass
    Unlisted.__module__ = "ceasefire.lessons.lesson99_new"
    try:
        assert "Unlisted" in explorer_classes() - set(EXPLORERS)
    finally:
        Unlisted.__module__ = __name__
