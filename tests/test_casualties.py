"""Lesson 03 helpers: February terms, causes of the collapse, UCDP counts, the rate conversion and its widget."""

import math
import re

import pandas as pd
import pytest

from ceasefire import data, display
from ceasefire.lessons import lesson03_casualties as casualties
from ceasefire.lessons import lesson03_deaths as deaths
from ceasefire.lessons import lesson03_rates as rates
from ceasefire.lessons.lesson03_casualties import RateConverter
from ceasefire.lessons.lesson03_rates import RateError
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
    assert rates.deaths_in_period(minutes, hours) == pytest.approx(expected)


def test_minutes_per_death_is_the_inverse():
    assert rates.minutes_per_death(2149, 720) == pytest.approx(20.1, abs=0.05)
    assert rates.minutes_per_death(208, 48) == pytest.approx(13.8, abs=0.05)
    assert rates.minutes_per_death(rates.deaths_in_period(25, 48), 48) == pytest.approx(25)


@pytest.mark.parametrize("bad, message", [
    (0, "positive number"), (-5, "positive number"), (float("nan"), "positive number"),
    (math.inf, "positive number"), ("25", "must be a number"), (None, "must be a number"),
    (True, "must be a number"), ([25], "must be a number"),
])
def test_bad_rates_give_a_friendly_error(bad, message):
    with pytest.raises(RateError, match=message):
        rates.deaths_in_period(bad, 48)
    with pytest.raises(RateError, match=message):
        rates.deaths_in_period(25, bad)
    with pytest.raises(RateError, match=message):
        rates.minutes_per_death(bad, 48)


def test_rate_error_is_both_a_course_error_and_a_value_error():
    with pytest.raises(CourseError):
        rates.deaths_in_period(0, 48)
    with pytest.raises(ValueError, match="The minutes between deaths"):
        rates.deaths_in_period(-1, 48)


def test_periods_are_records_with_a_label_a_name_and_hours():
    assert [(p.name, p.hours) for p in rates.PERIODS] == [("48 hours", 48), ("30 days", 720), ("365 days", 8760)]
    assert rates.period("30 days (April 2016)").name == "30 days"
    assert casualties.HOURS == {p.label: p.hours for p in rates.PERIODS}     # the widget's menu
    with pytest.raises(RateError, match="'a fortnight' is not a period we convert to; choose one of: 48 hours"):
        rates.period("a fortnight")


def test_periods():
    assert rates.period_hours("48 hours (de Mistura's window)") == 48
    assert rates.period_hours("30 days (April 2016)") == 720
    assert rates.period_hours("365 days (a year)") == 8760
    with pytest.raises(RateError, match="choose one of"):
        rates.period_hours("a fortnight")


# ---- UCDP counts ------------------------------------------------------------------------------------

def test_april_2016_counts_match_the_data_and_the_fact_sheet():
    counts = deaths.april_2016_counts(MONTHLY, DAILY)
    assert counts["deaths"].tolist() == [2149, 2653, 208]
    assert counts["hours"].tolist() == [720, 720, 48]
    assert counts["one death every ... minutes"].tolist() == [20.1, 16.3, 13.8]


def test_two_day_totals():
    totals = deaths.two_day_totals(DAILY)
    assert totals["deaths"].tolist() == [208, 23]
    assert totals["days"].tolist() == ["26-27 Apr 2016", "13-14 Sep 2016"]
    assert "late on 27 Apr (reported 28 Apr)" in totals["what"].iloc[0]     # W1: he spoke on the 27th
    assert "before de Mistura's briefing of 28 Apr" not in " ".join(totals["what"])
    assert set(";".join(totals["source"]).split(";")) <= SOURCE_IDS


def test_two_day_totals_reads_its_windows_from_a_table():
    windows = data.load_table("two_day_windows")
    one = windows[windows["window_id"] == "september-start"]
    assert deaths.two_day_totals(DAILY, one)["deaths"].tolist() == [23]
    wide = windows.copy()
    wide.loc[0, "last"] = pd.Timestamp("2016-04-29")          # three days, not two
    with pytest.raises(CourseError, match="should have 2 rows"):
        deaths.two_day_totals(DAILY, wide)


def test_april_counts_need_de_misturas_window(monkeypatch):
    windows = data.load_table("two_day_windows")
    monkeypatch.setattr(deaths, "_table", lambda name, given: windows[windows["window_id"] != "de-mistura-48h"]
                        if name == "two_day_windows" else data.load_table(name))
    with pytest.raises(CourseError, match="de-mistura-48h"):
        deaths.april_2016_counts(MONTHLY, DAILY)


def test_column_guide_covers_every_column_of_the_monthly_table():
    guide = deaths.column_guide()
    named = " ".join(guide["column"])
    for column in MONTHLY.columns.drop("source"):
        assert column in named
    assert set(guide["source"]) == {"ucdp-ged-syria"}


def test_shaded_periods_come_from_the_key_dates():
    periods = deaths.shaded_periods()
    assert [p[4] for p in periods] == ["feb-cessation", "sep-army-calm"]
    assert (periods[0][0], periods[0][1]) == data.key_date("feb-cessation")
    assert (periods[1][0], periods[1][1]) == data.key_date("sep-army-calm")     # 12 Sep 19:00 to 18 Sep 23:59
    assert periods[1][2].endswith("12-18 Sep") and periods[0][2].endswith("27 Feb - 18 Apr")
    assert deaths.truce_start() == pd.Timestamp("2016-02-27")


def test_shaded_periods_reject_an_unknown_key_date():
    bad = pd.DataFrame({"key_id": ["no-such-day"], "label": ["x"], "actors": ["un"], "source": ["un-sc12261"]})
    with pytest.raises(CourseError, match="no key date 'no-such-day'"):
        deaths.shaded_periods(bad)


def test_monthly_figure():
    fig = deaths.monthly_deaths_figure(MONTHLY)
    assert fig.layout.title.text == "Conflict deaths in Syria per month, Jan 2016 to Dec 2016 (UCDP)"
    assert list(fig.data[0].y) == MONTHLY["deaths"].tolist()[:12]
    assert list(fig.data[1].y) == MONTHLY["civilians"].tolist()[:12]
    shapes = [(s.x0, s.x1) for s in fig.layout.shapes]
    assert shapes == [("2016-02-27 00:00", "2016-04-18 23:59"), ("2016-09-12 19:00", "2016-09-18 23:59")]
    assert any("eroding" in a.text for a in fig.layout.annotations)
    text = display.description_of(fig)
    assert "May 2016 (1,982)" in text and "February 2016 (3,495)" in text and "27 Feb to 18 Apr" in text
    assert "12 to 18 Sep 2016" in text and "19 Sep" not in text


@pytest.mark.parametrize("first, last, message", [
    ("2015-01", "2015-12", "data run from 2016-01"), ("April", "2016-05", "YYYY-MM"), (None, "2016-05", "YYYY-MM"),
    ("2016-01", "2016-13", "Give months as YYYY-MM, e.g. 2016-04; got '2016-01' and '2016-13'.")])
def test_monthly_figure_rejects_bad_months(first, last, message):
    with pytest.raises(CourseError, match=message):
        deaths.monthly_deaths_figure(MONTHLY, first, last)


def test_daily_figure():
    fig = deaths.daily_deaths_figure(DAILY)
    assert len(fig.data[0].x) == 274          # 1 Feb to 31 Oct 2016
    assert fig.data[0].x[0] == "2016-02-01" and fig.data[0].x[-1] == "2016-10-31"
    assert [a.text for a in fig.layout.annotations if "Apr 2016:" in a.text or "Sep 2016:" in a.text] == [
        "26-27 Apr 2016: 208", "13-14 Sep 2016: 23"]
    assert "26-27 Apr 2016, 208 deaths" in display.description_of(fig)
    with pytest.raises(CourseError, match="YYYY-MM-DD"):
        deaths.daily_deaths_figure(DAILY, "spring", "2016-05-01")


def _labels(fig):
    return [a.text for a in fig.layout.annotations if a.showarrow]


@pytest.mark.parametrize("first, last, shaded, labelled", [
    ("2016-06-01", "2016-08-31", [], []),                                       # the review's crash: no window inside
    ("2016-04-27", "2016-09-13", ["sep-army-calm"], []),                        # both windows cut in half
    ("2016-09-01", "2016-09-30", ["sep-army-calm"], ["13-14 Sep 2016: 23"]),
    ("2016-01-01", "2016-04-30", ["feb-cessation"], ["26-27 Apr 2016: 208"]),
    ("2016-04-26", "2016-04-27", [], ["26-27 Apr 2016: 208"]),                  # the window alone
])
def test_daily_figure_shades_and_labels_only_what_lies_in_the_range(first, last, shaded, labelled):
    fig = deaths.daily_deaths_figure(DAILY, first, last)
    assert fig.data[0].x[0] == first and fig.data[0].x[-1] == last
    assert list(fig.layout.xaxis.range) == [f"{pd.Timestamp(first) - pd.Timedelta(hours=12):%Y-%m-%d %H:%M}",
                                            f"{pd.Timestamp(last) + pd.Timedelta(hours=12):%Y-%m-%d %H:%M}"]
    key_of = {(f"{p.start:%Y-%m-%d %H:%M}", f"{p.end:%Y-%m-%d %H:%M}"): p.key_id for p in deaths.shaded_periods()}
    assert [key_of[(s.x0, s.x1)] for s in fig.layout.shapes] == shaded
    assert _labels(fig) == labelled
    text = display.description_of(fig)
    if labelled:
        assert all(f"{label.split(':')[0]}, " in text for label in labelled)
    else:
        assert "Labelled: none, no two-day window of the lesson falls in this range." in text
    if not shaded:
        assert "Shaded: no truce period falls in this range." in text
    assert ("26-27 Apr 2016, 208 deaths" in text) == ("26-27 Apr 2016: 208" in labelled)


@pytest.mark.parametrize("first, last, message", [
    ("2016-08-31", "2016-06-01", "The days run backwards: 2016-06-01 is before 2016-08-31; give the earlier day first."),
    (None, "2016-06-01", "None is not a date; write it as YYYY-MM-DD"),
    ("2016-06-01", "31/08/2016x", "is not a date; write it as YYYY-MM-DD"),
    ("2015-01-01", "2015-02-01", "No days between 2015-01-01 and 2015-02-01; the daily table runs from 2016-01-01"),
])
def test_daily_figure_rejects_a_bad_range_with_a_sentence(first, last, message):
    with pytest.raises(CourseError, match=re.escape(message)):
        deaths.daily_deaths_figure(DAILY, first, last)


def test_monthly_figure_outside_the_truces_shades_nothing():
    fig = deaths.monthly_deaths_figure(MONTHLY, "2017-01", "2017-06")
    assert list(fig.layout.shapes) == []
    assert "Shaded: no truce period falls in this range." in display.description_of(fig)
    with pytest.raises(CourseError, match="The months run backwards"):
        deaths.monthly_deaths_figure(MONTHLY, "2016-06", "2016-01")


# ---- terms, the text and the causes ----------------------------------------------------------------

def test_february_terms():
    feb = casualties.february_terms(TERMS)
    assert feb["term_id"].str.startswith("F").all() and len(feb) == 12
    assert "Exclusion of terrorist groups" in set(feb["term"])


def test_february_terms_name_the_monitors_but_no_enforcement():
    """W6: the February deal had monitors (task force, operations centres) but no enforcement."""
    feb = casualties.february_terms(TERMS).set_index("term_id")
    assert not feb["verification"].str.contains("None stated").any()
    assert "task force" in feb.loc["F07", "verification"] and "operations centres" in feb.loc["F07", "verification"]
    assert set(feb["enforcement"]) == {"none", "un-endorsement"}


def test_february_text_quotes_the_resolution_and_its_annex():
    text = casualties.february_text()
    assert list(text.columns) == ["document", "part", "the text says", "in plain words", "source"]
    quoted = " ".join(text["the text says"])
    assert "12:00 (Damascus time) on February 26, 2016" in quoted
    assert "early release of detainees" in quoted and "Endorses in full" in quoted
    assert all("unsc-res-2268" in cell.split(";") for cell in text["source"])


def test_february_text_complains_when_empty():
    empty = data.load_table("feb_text").iloc[0:0]
    with pytest.raises(CourseError, match="no provisions"):
        casualties.february_text(empty)


def test_events_between():
    rows = casualties.events_between(TIMELINE, "2016-02-11", "2016-02-27")
    assert rows["date"].iloc[0] == "11 Feb 2016" and rows["date"].iloc[-1] == "27 Feb 2016"
    assert any("2268" in e for e in rows["what happened or was said"])
    assert set(rows["kind"]) == {"event", "position: UN"}
    with pytest.raises(CourseError, match="runs backwards"):
        casualties.events_between(TIMELINE, "2016-03-01", "2016-02-01")
    with pytest.raises(CourseError, match="YYYY-MM-DD"):
        casualties.events_between(TIMELINE, "last spring", "2016-02-01")


def test_causes_table():
    table = casualties.causes_table(TIMELINE)
    assert len(table) == len(data.load_table("feb_causes")) == 9
    assert {"Author's opinion [P09]", "Author's opinion [P10]"} <= set(table["who says so"])
    assert all(w.startswith(("Author's opinion", "The record: ")) for w in table["who says so"])
    by = table.set_index("explanation")
    assert by.loc["Turkey's involvement", "dated evidence"].startswith("13 Feb 2016 (event)")
    assert by.loc["Turkey's involvement", "days after the truce began"] == "-14, +5"
    hospital = by.loc["Air strikes on hospitals"]
    assert hospital["dated evidence"].startswith("27 Apr 2016 (event)")
    assert "position: Russia" in hospital["dated evidence"] and "position: Government of Syria" in hospital["dated evidence"]
    assert "the same night" in hospital["our reading"] and "night before" not in hospital["our reading"]
    assert by.loc["Disagreement over Assad's future", "our reading"].startswith("Partly supported: the talks, not the truce")
    assert "position: Government of Syria" in by.loc["Rebel offensive in Latakia and Hama", "dated evidence"]
    assert "no way to check" not in " ".join(table["our reading"])
    for cell in table["source"]:
        assert cell == "-" or set(cell.split(";")) <= SOURCE_IDS


def test_causes_table_complains_when_an_event_is_missing():
    with pytest.raises(CourseError, match="Expected one timeline event on 2016-02-13"):
        casualties.causes_table(TIMELINE[TIMELINE["event"].str.contains("Turkish") == False])  # noqa: E712


@pytest.mark.parametrize("item", ["13 Feb 2016 Turkish", "2016-02-13", "2016-02-13Turkish", ""])
def test_causes_table_rejects_badly_written_evidence(item):
    causes = data.load_table("feb_causes").head(1).copy()
    causes.loc[causes.index[0], "evidence"] = item
    with pytest.raises(CourseError, match="YYYY-MM-DD word"):
        casualties.causes_table(TIMELINE, causes)


def test_causes_figure():
    fig = casualties.causes_figure(TIMELINE)
    author, events, positions = fig.data
    assert [t.name for t in fig.data] == list(casualties.LANES)
    assert list(author.x) == ["2016-02-13", "2016-03-03", "2016-03-17", "2016-02-27", "2016-02-27", "2016-04-18"]
    assert min(events.x) == "2016-04-18" and min(positions.x) == "2016-04-17"
    assert "all after the truce began" in display.description_of(fig)


def test_holes_and_enforcement():
    holes = casualties.holes_table(TERMS)
    assert len(holes) == 3
    assert holes.iloc[0]["paragraphs"] == "[P12] [P14]"
    assert "S07 Separating the opposition from JFS" in holes.iloc[1]["September 2016 terms"]
    counts = casualties.enforcement_counts(TERMS)
    assert counts.loc["none", "February 2016"] == 11
    assert counts["February 2016"].sum() == 12 and counts["September 2016"].sum() == 10
    with pytest.raises(CourseError, match="has no term"):
        casualties.holes_table(TERMS[TERMS["term_id"] != "F03"])


# ---- the widget -------------------------------------------------------------------------------------

def test_rate_figure_title_and_bars():
    counts = deaths.april_2016_counts(MONTHLY, DAILY)
    fig = rates.rate_figure(25, "30 days (April 2016)", counts)
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


# ---- the lesson-03 data tables ------------------------------------------------------------------------

def test_lesson_03_tables_load_and_cite_known_sources():
    for name in ("feb_causes", "feb_gaps", "ucdp_columns", "two_day_windows", "casualty_periods", "feb_text"):
        table = data.load_table(name)
        assert len(table) > 0
        for cell in table["source"]:
            assert set(cell.split(";")) <= SOURCE_IDS


def test_causes_record_both_sides_and_the_transition_dispute():
    causes = data.load_table("feb_causes").set_index("cause_id")
    assert {"rebel-offensive", "government-offensives", "hospital-strikes"} <= set(causes.index)
    assert causes.loc["assad", "verdict"].startswith("Partly supported: the talks, not the truce itself")
    assert "no way to check" not in " ".join(causes["verdict"])


@pytest.mark.parametrize("table, old, new, message", [
    ("two_day_windows", "2016-04-26,2016-04-27", "2016-04-28,2016-04-27",
     "'last' \\(2016-04-27\\) is before 'first' \\(2016-04-28\\)"),
    ("casualty_periods", "sep-army-calm,", "sep-calm,", "'sep-calm' is not in key_dates.csv"),
    ("feb_gaps", "F02;F07", "F02;F99", "'F99' is not in terms.csv"),
    ("feb_text", ",unsc-res-2268;pax-1507", ",", "column 'source': is empty"),   # a quote needs its source
])
def test_lesson_03_tables_report_a_broken_row(data_copy, table, old, new, message):
    from conftest import edit_csv
    edit_csv(data_copy / f"{table}.csv", old, new)
    with pytest.raises(data.DataError, match=message):
        data.load_table(table, data_copy)


# ---- the figures' layouts, written out ----------------------------------------------------------------

def test_shading_is_what_add_vrect_draws_for_every_period():
    """The death-count figures write their shaded periods out (deaths.shading) instead of calling
    fig.add_vrect, which validates the whole figure again; they must stay what add_vrect gives."""
    import plotly.graph_objects as go

    periods = deaths.shaded_periods()
    assert len(periods) >= 2
    helper = go.Figure()
    for start, end, label, colour, _ in periods:
        helper.add_vrect(x0=f"{start:%Y-%m-%d %H:%M}", x1=f"{end:%Y-%m-%d %H:%M}", fillcolor=colour, opacity=0.22,
                         line_width=0, layer="below", annotation_text=label, annotation_position="top left",
                         annotation_font_size=11, annotation_bgcolor="rgba(255,255,255,0.8)")
    shapes, labels = deaths.shading(periods)
    assert go.Figure(layout=dict(shapes=shapes, annotations=labels)).layout.to_plotly_json() == \
           helper.layout.to_plotly_json()


def test_the_causes_figure_marks_the_truces_first_day_as_add_vline_would():
    import plotly.graph_objects as go

    line = casualties.causes_figure(TIMELINE).layout.shapes[-1]
    helper = go.Figure().add_vline(x=f"{casualties.truce_start():%Y-%m-%d}",
                                   line=dict(color="#444444", dash="dot", width=1))
    assert line.to_plotly_json() == helper.layout.shapes[0].to_plotly_json()
