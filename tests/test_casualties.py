"""Lesson 03 helpers: February terms, causes of the collapse, UCDP counts, the rate conversion and its widget."""

import math

import pytest

from ceasefire import casualties, data, display
from ceasefire.casualties import RateConverter, RateError
from ceasefire.errors import CourseError

TIMELINE = data.timeline()
TERMS = data.terms()
MONTHLY = data.deaths_monthly()
DAILY = data.deaths_daily()
SOURCE_IDS = set(data.sources()["source_id"])


# ---- the conversion ---------------------------------------------------------------------------------

@pytest.mark.parametrize("minutes, hours, expected", [
    (25, 48, 115.2),             # de Mistura's 48 hours
    (25, 720, 1728.0),           # a 30-day month: the rate the column applies to April
    (25, 8760, 21024.0),         # a 365-day year
    (60, 1, 1.0),
    (0.5, 1, 120.0),
])
def test_deaths_in_period(minutes, hours, expected):
    assert casualties.deaths_in_period(minutes, hours) == pytest.approx(expected)


def test_minutes_per_death_is_the_inverse():
    assert casualties.minutes_per_death(2149, 720) == pytest.approx(20.1, abs=0.05)
    assert casualties.minutes_per_death(208, 48) == pytest.approx(13.8, abs=0.05)
    assert casualties.minutes_per_death(casualties.deaths_in_period(25, 48), 48) == pytest.approx(25)


@pytest.mark.parametrize("bad, message", [
    (0, "positive number"), (-5, "positive number"), (float("nan"), "positive number"),
    (math.inf, "positive number"), ("25", "must be a number"), (None, "must be a number"),
    (True, "must be a number"), ([25], "must be a number"),
])
def test_bad_rates_give_a_friendly_error(bad, message):
    with pytest.raises(RateError, match=message):
        casualties.deaths_in_period(bad, 48)
    with pytest.raises(RateError, match=message):
        casualties.deaths_in_period(25, bad)
    with pytest.raises(RateError, match=message):
        casualties.minutes_per_death(bad, 48)


def test_rate_error_is_both_a_course_error_and_a_value_error():
    with pytest.raises(CourseError):
        casualties.deaths_in_period(0, 48)
    with pytest.raises(ValueError, match="The minutes between deaths"):
        casualties.deaths_in_period(-1, 48)


def test_periods():
    assert casualties.period_hours("48 hours (de Mistura's window)") == 48
    assert casualties.period_hours("30 days (April 2016)") == 720
    assert casualties.period_hours("365 days (a year)") == 8760
    with pytest.raises(RateError, match="choose one of"):
        casualties.period_hours("a fortnight")


# ---- UCDP counts ------------------------------------------------------------------------------------

def test_april_2016_counts_match_the_data_and_the_fact_sheet():
    counts = casualties.april_2016_counts(MONTHLY, DAILY)
    assert counts["deaths"].tolist() == [2149, 2653, 208]
    assert counts["hours"].tolist() == [720, 720, 48]
    assert counts["one death every ... minutes"].tolist() == [20.1, 16.3, 13.8]


def test_two_day_totals():
    totals = casualties.two_day_totals(DAILY)
    assert totals["deaths"].tolist() == [208, 23]
    assert totals["days"].tolist() == ["26-27 Apr 2016", "13-14 Sep 2016"]


def test_column_guide_covers_every_column_of_the_monthly_table():
    named = " ".join(casualties.column_guide()["column"])
    for column in MONTHLY.columns.drop("source"):
        assert column in named


def test_monthly_figure():
    fig = casualties.monthly_deaths_figure(MONTHLY)
    assert fig.layout.title.text == "Conflict deaths in Syria per month, Jan 2016 to Dec 2016 (UCDP)"
    assert list(fig.data[0].y) == MONTHLY["deaths"].tolist()[:12]
    assert list(fig.data[1].y) == MONTHLY["civilians"].tolist()[:12]
    shapes = [(s.x0, s.x1) for s in fig.layout.shapes]
    assert shapes == [("2016-02-27", "2016-04-19"), ("2016-09-12", "2016-09-20")]
    assert any("eroding" in a.text for a in fig.layout.annotations)
    text = display.description_of(fig)
    assert "May 2016 (1,982)" in text and "February 2016 (3,495)" in text and "27 Feb to 18 Apr" in text


def test_monthly_figure_rejects_months_outside_the_data():
    with pytest.raises(CourseError, match="data run from 2016-01"):
        casualties.monthly_deaths_figure(MONTHLY, "2015-01", "2015-12")


def test_daily_figure():
    fig = casualties.daily_deaths_figure(DAILY)
    assert len(fig.data[0].x) == 274          # 1 Feb to 31 Oct 2016
    assert fig.data[0].x[0] == "2016-02-01" and fig.data[0].x[-1] == "2016-10-31"
    assert [a.text for a in fig.layout.annotations if "Apr 2016:" in a.text or "Sep 2016:" in a.text] == [
        "26-27 Apr 2016: 208", "13-14 Sep 2016: 23"]
    assert "26-27 Apr 2016, 208 deaths" in display.description_of(fig)


# ---- terms and causes -------------------------------------------------------------------------------

def test_february_terms():
    feb = casualties.february_terms(TERMS)
    assert feb["term_id"].str.startswith("F").all() and len(feb) == 12
    assert "Exclusion of terrorist groups" in set(feb["term"])


def test_events_between():
    rows = casualties.events_between(TIMELINE, "2016-02-11", "2016-02-27")
    assert rows["date"].iloc[0] == "11 Feb 2016" and rows["date"].iloc[-1] == "27 Feb 2016"
    assert any("2268" in e for e in rows["event"])
    with pytest.raises(CourseError, match="runs backwards"):
        casualties.events_between(TIMELINE, "2016-03-01", "2016-02-01")


def test_causes_table():
    table = casualties.causes_table(TIMELINE)
    assert len(table) == len(casualties.CAUSES) == 8
    assert set(table["named by"]) == {"Author's opinion [P09]", "Author's opinion [P10]", "The record"}
    turkey = table[table["explanation"] == "Turkey's involvement"].iloc[0]
    assert turkey["dated evidence"] == "13 Feb 2016" and turkey["days after the truce began"] == "-14"
    hospital = table[table["explanation"] == "Air strikes on hospitals"].iloc[0]
    assert hospital["dated evidence"] == "27 Apr 2016"
    for cell in table["source"]:
        assert cell == "-" or set(cell.split(";")) <= SOURCE_IDS


def test_causes_table_complains_when_an_event_is_missing():
    with pytest.raises(CourseError, match="Expected one timeline event on 2016-02-13"):
        casualties.causes_table(TIMELINE[TIMELINE["event"].str.contains("Turkish") == False])  # noqa: E712


def test_causes_figure():
    fig = casualties.causes_figure(TIMELINE)
    author, record = fig.data
    assert list(author.x) == ["2016-02-13", "2016-03-17", "2016-02-27"]
    assert min(record.x) == "2016-04-18"
    assert "all after the truce began" in display.description_of(fig)


def test_holes_and_enforcement():
    holes = casualties.holes_table(TERMS)
    assert len(holes) == 3
    assert "S07 Separating the opposition from JFS" in holes.iloc[1]["September 2016 terms"]
    counts = casualties.enforcement_counts(TERMS)
    assert counts.loc["none", "February 2016"] == 11
    assert counts["February 2016"].sum() == 12 and counts["September 2016"].sum() == 10
    with pytest.raises(CourseError, match="has no term"):
        casualties.holes_table(TERMS[TERMS["term_id"] != "F03"])


# ---- the widget -------------------------------------------------------------------------------------

def test_rate_figure_title_and_bars():
    counts = casualties.april_2016_counts(MONTHLY, DAILY)
    fig = casualties.rate_figure(25, "30 days (April 2016)", counts)
    assert fig.layout.title.text == "One death every 25 minutes for 30 days = 1,728 deaths"
    assert list(fig.data[0].y) == [1728.0, 2149, 2653, 208]
    assert list(fig.data[0].marker.color) == [display.PALETTE[0], display.PALETTE[3], display.PALETTE[3],
                                              display.NEUTRAL]


def test_converter_starts_with_the_columns_reading():
    widget = RateConverter(MONTHLY, DAILY)
    assert widget.figure.layout.title.text == "One death every 25 minutes for 30 days = 1,728 deaths"
    assert "1,728 deaths" in widget.description.value and "Figure description" in widget.description.value


def test_converter_slider_and_period_update_the_figure_and_description():
    widget = RateConverter(MONTHLY, DAILY)
    widget.period.value = "48 hours (de Mistura's window)"
    assert widget.figure.layout.title.text == "One death every 25 minutes for 48 hours = 115 deaths"
    assert widget.figure.data[0].y[0] == pytest.approx(115.2)
    assert list(widget.figure.data[0].marker.color)[1:] == [display.NEUTRAL, display.NEUTRAL, display.PALETTE[3]]
    assert "115 deaths" in widget.description.value
    widget.minutes.value = 14
    assert widget.figure.layout.title.text == "One death every 14 minutes for 48 hours = 206 deaths"
    assert "every 14 minutes" in widget.description.value
    widget.period.value = "365 days (a year)"
    assert widget.figure.data[0].y[0] == pytest.approx(8760 * 60 / 14, abs=0.1)
    assert "(blue)" not in widget.description.value


def test_converter_rejects_an_unknown_period():
    with pytest.raises(RateError, match="choose one of"):
        RateConverter(MONTHLY, DAILY, period="a decade")
