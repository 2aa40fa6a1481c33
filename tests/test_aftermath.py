"""Lesson 05 helpers: the day-by-day aftermath of September 2016, periods, the explorer widget and
the judgement table (ceasefire.aftermath)."""

import json

import pandas as pd
import plotly.io as pio
import pytest

from ceasefire import aftermath, data, display
from ceasefire.aftermath import AftermathExplorer
from ceasefire.errors import CourseError

DEATHS = data.deaths_daily()
TIMELINE = data.timeline()
SOURCES = data.sources()
SOURCE_IDS = set(SOURCES["source_id"])


def _deaths_on(day):
    return int(DEATHS.loc[DEATHS["date"] == pd.Timestamp(day), "deaths"].iloc[0])


# ---- dates and the window ------------------------------------------------------------------------

def test_day_label_and_bad_dates():
    assert aftermath.day_label("2016-09-03") == "3 September 2016"
    with pytest.raises(ValueError, match="is not a date"):
        aftermath.day_label("the 17th")
    with pytest.raises(ValueError, match="has a time of day"):
        aftermath.day_label("2016-09-17 10:00")


def test_window_days_and_reversed_window():
    days = aftermath.window_days()
    assert len(days) == 45 and days[0] == pd.Timestamp("2016-09-01") and days[-1] == pd.Timestamp("2016-10-15")
    with pytest.raises(ValueError, match="ends .* before it starts"):
        aftermath.window_days(("2016-10-15", "2016-09-01"))


def test_daily_deaths_covers_every_day_and_matches_the_table():
    rows = aftermath.daily_deaths(DEATHS)
    assert len(rows) == 45 and list(rows.columns) == ["date", "deaths", "civilians"]
    assert rows.loc[rows["date"] == pd.Timestamp("2016-09-17"), "deaths"].iloc[0] == _deaths_on("2016-09-17")


def test_daily_deaths_outside_2016_is_a_clear_error():
    with pytest.raises(CourseError, match="covers 2016 only"):
        aftermath.daily_deaths(DEATHS, ("2016-12-30", "2017-01-02"))


def test_record_quoted_in_the_lesson_matches_the_data():
    # the fact sheet (section 2.3) quotes 10 + 13 deaths for 13-14 Sep as the smallest two-day sum of Aug-Oct
    assert (_deaths_on("2016-09-13"), _deaths_on("2016-09-14")) == (10, 13)
    assert aftermath.lowest_two_days(DEATHS) == ("2016-09-13", 23)


def test_window_events_and_events_on():
    rows = aftermath.window_events(TIMELINE)
    assert rows["date"].between("2016-09-01", "2016-10-15").all() and rows["date"].is_monotonic_increasing
    assert len(aftermath.events_on(TIMELINE, "2016-09-19")) == 3
    assert aftermath.events_on(TIMELINE, "2016-09-02").empty
    days = aftermath.event_days(TIMELINE)
    assert days[0] == "2016-09-03" and "2016-10-03" in days and len(days) == len(set(days))


def test_events_table_marks_approximate_dates():
    table = aftermath.events_table(TIMELINE)
    assert "28 September 2016 (approx.)" in table.index
    assert list(table.columns) == ["kind", "event", "source"]


# ---- periods ---------------------------------------------------------------------------------------

def test_period_summary_adds_up():
    summary = aftermath.period_summary(DEATHS)
    assert list(summary.index) == [p[0] for p in aftermath.PERIODS]
    assert summary["days"].sum() == 45
    assert summary["deaths"].sum() == aftermath.daily_deaths(DEATHS)["deaths"].sum()
    calm = summary.loc["the army's calm (full days)"]
    values = [_deaths_on(f"2016-09-{d}") for d in range(13, 19)]
    assert calm["deaths"] == sum(values) and calm["median per day"] == float(pd.Series(values).median())


def test_period_figure():
    summary = aftermath.period_summary(DEATHS)
    fig = aftermath.period_figure(summary)
    assert [t.name for t in fig.data] == ["mean per day", "median per day"]
    assert list(fig.data[0].y) == summary["mean per day"].tolist()
    assert fig.layout.title.text.startswith("Deaths a day before, during and after")
    assert "for 5 periods" in display.description_of(fig)


# ---- the day-by-day figure ---------------------------------------------------------------------------

def test_aftermath_figure_traces_title_and_description():
    fig = aftermath.aftermath_figure(DEATHS, TIMELINE, "2016-09-17")
    assert [t.name for t in fig.data] == ["deaths (UCDP)", "diplomacy", "military", "humanitarian"]
    assert len(fig.data[0].x) == 45 and sum(fig.data[0].y) == aftermath.daily_deaths(DEATHS)["deaths"].sum()
    colours = list(fig.data[0].marker.color)
    assert colours.count(aftermath.SELECTED_COLOUR) == 1
    assert colours.index(aftermath.SELECTED_COLOUR) == 16                 # 17 Sep is the 17th day
    assert fig.layout.title.text == ("17 September 2016: 200 deaths (UCDP), 1 event in the course timeline")
    text = display.description_of(fig)
    assert "highest: 200 on 17 September 2016" in text and "37 strikes" in text
    shown = sum(len(t.x) for t in fig.data[1:])
    assert shown == len({(d, c) for d, c in zip(aftermath.window_events(TIMELINE)["date"],
                                                  aftermath.window_events(TIMELINE)["category"])})


def test_aftermath_figure_bundle_is_small():
    fig = aftermath.aftermath_figure(DEATHS, TIMELINE)
    bundle = pio.renderers["plotly_mimetype"].to_mimebundle(fig.to_dict())
    assert set(bundle) == {"application/vnd.plotly.v1+json"} and len(json.dumps(bundle)) < 40_000


def test_aftermath_figure_rejects_a_day_outside_the_window():
    with pytest.raises(ValueError, match="outside the window"):
        aftermath.aftermath_figure(DEATHS, TIMELINE, "2016-11-01")


def test_day_panel_lists_events_sources_and_the_convoy_note():
    text = aftermath.day_panel_html("2016-09-19", DEATHS, TIMELINE, SOURCES)
    assert "19 September 2016" in text and f"{_deaths_on('2016-09-19')} deaths" in text
    assert text.count("<li>") == 3 and "Reuters, 19 Sep 2016" in text
    assert "could not identify who carried out the attack" in text and "does not attribute" in text


def test_day_panel_quiet_day_and_approximate_date():
    assert "No event of the course timeline" in aftermath.day_panel_html("2016-09-02", DEATHS, TIMELINE, SOURCES)
    assert "(date approximate)" in aftermath.day_panel_html("2016-09-28", DEATHS, TIMELINE, SOURCES)


def test_day_notes_cite_known_sources():
    for day, (text, ids) in aftermath.DAY_NOTES.items():
        assert aftermath.window_days()[0] <= pd.Timestamp(day) <= aftermath.window_days()[-1]
        assert set(data.split(ids)) <= SOURCE_IDS


# ---- the widget --------------------------------------------------------------------------------------

@pytest.fixture()
def explorer():
    return AftermathExplorer(DEATHS, TIMELINE, SOURCES)


def test_explorer_starts_on_12_september(explorer):
    assert explorer.day.value == "2016-09-12"
    assert len(explorer.day.options) == 45
    assert explorer.figure.layout.title.text.startswith("12 September 2016: 88 deaths (UCDP), 3 events")
    assert "Figure description" in explorer.description.value
    assert "12 September 2016" in explorer.panel.value


def test_explorer_slider_moves_highlight_title_description_and_panel(explorer):
    explorer.day.value = "2016-10-03"
    colours = list(explorer.figure.data[0].marker.color)
    assert colours.index(aftermath.SELECTED_COLOUR) == 32 and colours.count(aftermath.SELECTED_COLOUR) == 1
    assert explorer.figure.layout.shapes[1].x0 == "2016-10-02 12:00"
    assert explorer.figure.layout.title.text.startswith("3 October 2016:")
    assert "The highlighted day is 3 October 2016" in explorer.description.value
    assert "flight-safety channel" in explorer.panel.value and "AP (via Arkansas" in explorer.panel.value


def test_explorer_jumps_between_event_days(explorer):
    explorer.next.click()
    assert explorer.day.value == "2016-09-15"
    explorer.previous.click()
    explorer.previous.click()
    assert explorer.day.value == "2016-09-09"
    explorer.day.value = "2016-10-15"
    explorer.next.click()                       # no later event: stays put
    assert explorer.day.value == "2016-10-15"
    explorer.day.value = "2016-09-01"
    explorer.previous.click()
    assert explorer.day.value == "2016-09-01"


def test_explorer_rejects_a_day_outside_the_window():
    with pytest.raises(ValueError, match="outside the window 2016-09-01 to 2016-10-15"):
        AftermathExplorer(DEATHS, TIMELINE, SOURCES, day="2016-11-20")


# ---- the judgement table ------------------------------------------------------------------------

def test_judgement_table_covers_the_forecast_and_three_recommendations():
    table = aftermath.judgement_table()
    assert list(table.columns) == ["kind", "what happened (the record)", "source", "our judgement"]
    paragraphs = [claim[1:4] for claim in table.index]
    assert paragraphs == ["P09", "P05", "P17", "P18"]
    assert list(table["kind"]) == ["forecast", "recommendation", "recommendation", "recommendation"]
    for ids in table["source"]:
        assert set(data.split(ids)) <= SOURCE_IDS


def test_judgement_table_rejects_a_bad_paragraph():
    bad = [dict(aftermath.JUDGEMENTS[0], paragraph="P42")]
    with pytest.raises(CourseError, match="'P42' is not an article paragraph id"):
        aftermath.judgement_table(bad)
