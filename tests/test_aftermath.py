"""Lesson 05 helpers: the day-by-day aftermath of September 2016, periods, the explorer widget and
the judgement table (ceasefire.lessons.lesson05_aftermath)."""

import json

import pandas as pd
import plotly.io as pio
import pytest

from ceasefire import data, display
from ceasefire.lessons import lesson05_aftermath as aftermath
from ceasefire.lessons import lesson05_periods as periods_module
from ceasefire.display.explorer import plain_title
from ceasefire.lessons.lesson05_aftermath import AftermathExplorer
from ceasefire.errors import CourseError

DEATHS = data.deaths_daily()
TIMELINE = data.timeline()
SOURCES = data.sources()
SOURCE_IDS = set(SOURCES["source_id"])


def _deaths_on(day):
    return int(DEATHS.loc[DEATHS["date"] == pd.Timestamp(day), "deaths"].iloc[0])


# ---- dates and the window ------------------------------------------------------------------------

def test_day_label_and_bad_dates():
    assert periods_module.day_label("2016-09-03") == "3 September 2016"
    with pytest.raises(CourseError, match="is not a date; write it as YYYY-MM-DD"):
        periods_module.day_label("the 17th")
    with pytest.raises(CourseError, match="None is not a date"):
        periods_module.day_label(None)
    with pytest.raises(CourseError, match="has a time of day"):
        periods_module.day_label("2016-09-17 10:00")


def test_window_days_and_reversed_window():
    days = periods_module.window_days()
    assert len(days) == 45 and days[0] == pd.Timestamp("2016-09-01") and days[-1] == pd.Timestamp("2016-10-15")
    with pytest.raises(CourseError, match="ends .* before it starts .*; give the earlier day first"):
        periods_module.window_days(("2016-10-15", "2016-09-01"))


def test_daily_deaths_covers_every_day_and_matches_the_table():
    rows = periods_module.daily_deaths(DEATHS)
    assert len(rows) == 45 and list(rows.columns) == ["date", "deaths", "civilians"]
    assert rows.loc[rows["date"] == pd.Timestamp("2016-09-17"), "deaths"].iloc[0] == _deaths_on("2016-09-17")


def test_daily_deaths_outside_2016_is_a_clear_error():
    with pytest.raises(CourseError, match="covers 2016 only; choose days from 2016-01-01 to 2016-12-31"):
        periods_module.daily_deaths(DEATHS, ("2016-12-30", "2017-01-02"))


def test_record_quoted_in_the_lesson_matches_the_data():
    # the fact sheet (section 2.3) quotes 10 + 13 deaths for 13-14 Sep as the smallest two-day sum of Aug-Oct
    assert (_deaths_on("2016-09-13"), _deaths_on("2016-09-14")) == (10, 13)
    assert _lowest_two_days("2016-08-01", "2016-10-31") == ("2016-09-13", 23)
    assert _lowest_two_days("2016-09-14", "2016-10-31") != ("2016-09-13", 23)     # the check can fail


def _lowest_two_days(start, end):
    """(first day, total) of the two consecutive days with the fewest deaths from start to end."""
    rows = periods_module.daily_deaths(DEATHS, (start, end))
    pair = rows["deaths"] + rows["deaths"].shift(-1)
    best = int(pair.iloc[:-1].idxmin())
    return f"{rows.loc[best, 'date']:%Y-%m-%d}", int(pair.iloc[best])


def test_window_events_and_events_on():
    rows = aftermath.window_events(TIMELINE)
    assert rows["date"].between("2016-09-01", "2016-10-15").all() and rows["date"].is_monotonic_increasing
    assert len(aftermath.events_on(TIMELINE, "2016-09-19")) == 3
    assert aftermath.events_on(TIMELINE, "2016-09-25").empty
    days = aftermath.event_days(TIMELINE)
    assert "2016-09-17" in days and "2016-10-03" in days and "2016-09-25" not in days
    assert days == sorted(days) and len(days) == len(set(days))


def test_events_table_says_what_each_row_is_and_who_speaks():
    table = aftermath.events_table(TIMELINE)
    assert list(table.columns) == ["statement", "kind", "event", "source"]
    on_21 = table.loc["21 September 2016"]
    assert {"event", "position (United States)", "position (Russian Federation)"} <= set(on_21["statement"])
    approx = TIMELINE.assign(date_precision=TIMELINE["date_precision"].where(
        TIMELINE["date"] != pd.Timestamp("2016-09-20"), "approx"))
    assert "20 September 2016 (approx.)" in aftermath.events_table(approx).index


def test_statement_label():
    actors = data.actors()
    assert aftermath.statement_label("event", "", actors) == "event"
    assert aftermath.statement_label("finding", "un", actors) == "finding (United Nations)"
    assert aftermath.statement_label("position", "somebody", None) == "position (somebody)"


# ---- the record after 12 September (review points W4 and W7, doubtful points 1 and 3) ---------------

def _rows(day, statement=None, speaker=None):
    rows = aftermath.events_on(TIMELINE, day)
    if statement:
        rows = rows[rows["statement"] == statement]
    if speaker:
        rows = rows[rows["speaker"] == speaker]
    return rows


def test_kerry_and_lavrov_met_and_spoke_again_in_september():
    # W4: the 14 Sep call, the New York meetings of 20, 21, 22 and 23 Sep, and the Council of 21 Sep
    assert _rows("2016-09-14")["event"].str.contains("extend it by another 48 hours").any()
    for day in ("2016-09-20", "2016-09-21", "2016-09-22", "2016-09-23"):
        assert _rows(day, "event")["event"].str.contains("Kerry and Lavrov|the ISSG meets", regex=True).any(), day
    council = _rows("2016-09-21", "position", "united-states")
    assert council["event"].str.contains("grounding all aircraft").any()
    assert not _rows("2016-09-21", "position", "russia").empty          # Russia's answer beside it


def test_on_hold_remark_rests_on_a_us_source_dated_to_the_week_after_the_calm():
    # W7: no row rests on Sputnik for what a US official said
    rows = TIMELINE[TIMELINE["event"].str.contains("on hold")]
    assert not rows.empty and rows["date"].between("2016-09-19", "2016-09-25").all()
    kinds = dict(zip(SOURCES["source_id"], SOURCES["position"]))
    for ids, speaker in zip(rows["source"], rows["speaker"]):
        assert speaker == "united-states"
        assert not any(kinds[i] == "russian-state-media" for i in data.split(ids))


def test_convoy_attack_event_findings_and_positions_are_kept_apart():
    # doubtful point 1: the attack, the two UN findings, the parties' positions
    assert not _rows("2016-09-19", "event").empty
    boi = TIMELINE[(TIMELINE["statement"] == "finding") & TIMELINE["event"].str.contains("Board of Inquiry")]
    coi = TIMELINE[(TIMELINE["statement"] == "finding") & TIMELINE["event"].str.contains("Commission of Inquiry")]
    assert len(boi) == 1 and "highly unlikely" in boi["event"].iloc[0] and "S/2016/1093" in boi["event"].iloc[0]
    assert len(coi) == 1 and coi["date"].iloc[0] == pd.Timestamp("2017-03-01") and "A/HRC/34/64" in coi["event"].iloc[0]
    kinds = data.sources().set_index("source_id")["kind"]
    assert "partisan" not in {kinds[s] for s in data.split(boi["source"].iloc[0])}   # not Sputnik's summary
    denials = TIMELINE[TIMELINE["date"].eq(pd.Timestamp("2016-09-20")) & TIMELINE["event"].str.contains("den")]
    assert set(denials["speaker"]) == {"russia", "syrian-government"}


def test_aid_delay_has_several_causes_not_one():
    # doubtful point 3
    note = aftermath.day_notes()["2016-09-15"][0]
    for cause in ("permits", "Castello Road", "Aleppo council", "Pentagon"):
        assert cause in note


def test_deir_ez_zor_rests_on_defense_and_centcom_not_wikipedia():
    cited = set(data.split(";".join(_rows("2016-09-17")["source"])))
    assert "defense-2016-09-17" in cited and not any(c.startswith("wikipedia") for c in cited)
    centcom = TIMELINE[(TIMELINE["statement"] == "finding") & TIMELINE["event"].str.contains("CENTCOM")]
    assert "at least 15" in centcom["event"].iloc[0]


def test_zakharova_answers_kirby_on_3_october():
    assert set(_rows("2016-10-03")["statement"]) == {"event", "position"}
    assert _rows("2016-10-03", "position", "russia")["event"].str.contains("Zakharova").any()


# ---- periods ---------------------------------------------------------------------------------------

def test_periods_come_from_the_key_dates():
    start, end = data.key_date("sep-army-calm")
    labels = dict((label, (first, last)) for label, first, last in periods_module.periods())
    assert labels["the army's calm (full days)"] == (f"{start + pd.Timedelta(days=1):%Y-%m-%d}", f"{end:%Y-%m-%d}")
    assert labels["12 Sep (truce from sundown)"] == ("2016-09-12", "2016-09-12")
    assert labels["after the suspension"][0] == "2016-10-04"


def test_resolve_day():
    assert periods_module.resolve_day("2016-10-15") == pd.Timestamp("2016-10-15")
    assert periods_module.resolve_day("sep-army-calm.start") == pd.Timestamp("2016-09-12")
    assert periods_module.resolve_day("sep-army-calm.start+1") == pd.Timestamp("2016-09-13")
    assert periods_module.resolve_day("us-suspension.end-2") == pd.Timestamp("2016-10-01")
    with pytest.raises(CourseError, match="names no key date"):
        periods_module.resolve_day("no-such-key.start")
    with pytest.raises(CourseError, match="is not a date"):
        periods_module.resolve_day("mid September")


def test_periods_reject_a_period_that_runs_backwards():
    table = data.load_table("aftermath_periods").copy()
    table.loc[0, "last"] = "2016-08-01"
    with pytest.raises(CourseError, match="before its first"):
        periods_module.periods(table=table)


def test_period_table_rejects_a_malformed_edge(tmp_path):
    import shutil
    for name in ("aftermath_periods.csv", "sources.csv", "key_dates.csv", "actors.csv"):
        shutil.copy(data.default_data_dir() / name, tmp_path / name)
    text = (tmp_path / "aftermath_periods.csv").read_text().replace("sep-army-calm.start+1", "the next day")
    (tmp_path / "aftermath_periods.csv").write_text(text)
    with pytest.raises(data.DataError, match="neither a date .* nor a key date's edge"):
        data.load_table("aftermath_periods", tmp_path)


def test_calm_reading_is_computed_from_the_data():
    text = periods_module.calm_reading(DEATHS)
    values = [_deaths_on(f"2016-09-{d}") for d in range(13, 19)]
    without = [v for v in values if v != max(values)]
    assert "the lowest mean and the lowest median" in text
    assert f"a mean of {sum(values) / 6:.1f}" in text and f"without it the mean is {sum(without) / 5:.1f}" in text
    assert "17 September 2016, with 200 deaths" in text


def test_period_summary_adds_up():
    summary = periods_module.period_summary(DEATHS)
    assert list(summary.index) == [p[0] for p in periods_module.periods()]
    assert summary["days"].sum() == 45
    assert summary["deaths"].sum() == periods_module.daily_deaths(DEATHS)["deaths"].sum()
    calm = summary.loc["the army's calm (full days)"]
    values = [_deaths_on(f"2016-09-{d}") for d in range(13, 19)]
    assert calm["deaths"] == sum(values) and calm["median per day"] == float(pd.Series(values).median())


def test_period_figure():
    summary = periods_module.period_summary(DEATHS)
    fig = periods_module.period_figure(summary)
    assert [t.name for t in fig.data] == ["mean per day", "median per day"]
    assert list(fig.data[0].y) == summary["mean per day"].tolist()
    assert fig.layout.title.text.startswith("Deaths a day before, during and after")
    assert "for 5 periods" in display.description_of(fig)


# ---- the day-by-day figure ---------------------------------------------------------------------------

def test_aftermath_figure_traces_title_and_description():
    fig = aftermath.aftermath_figure(DEATHS, TIMELINE, "2016-09-17")
    assert [t.name for t in fig.data] == ["deaths (UCDP)", "diplomacy", "military", "humanitarian"]
    assert len(fig.data[0].x) == 45 and sum(fig.data[0].y) == periods_module.daily_deaths(DEATHS)["deaths"].sum()
    colours = list(fig.data[0].marker.color)
    assert colours.count(aftermath.SELECTED_COLOUR) == 1
    assert colours.index(aftermath.SELECTED_COLOUR) == 16                 # 17 Sep is the 17th day
    n = len(aftermath.events_on(TIMELINE, "2016-09-17"))
    assert fig.layout.title.text == f"17 September 2016: 200 deaths (UCDP), {n} events in the course timeline"
    text = display.description_of(fig)
    assert "highest: 200 on 17 September 2016" in text and "Jabal Thurdah" in text
    assert "19:00 on 12 September 2016 to 23:59 on 18 September 2016" in text
    shown = sum(len(t.x) for t in fig.data[1:])
    assert shown == len({(d, c) for d, c in zip(aftermath.window_events(TIMELINE)["date"],
                                                  aftermath.window_events(TIMELINE)["category"])})


def test_aftermath_figure_bundle_is_small():
    fig = aftermath.aftermath_figure(DEATHS, TIMELINE)
    bundle = pio.renderers["plotly_mimetype"].to_mimebundle(fig.to_dict())
    assert set(bundle) == {"application/vnd.plotly.v1+json"} and len(json.dumps(bundle)) < 40_000


def test_aftermath_figure_rejects_a_day_outside_the_window():
    with pytest.raises(CourseError, match="outside the window 2016-09-01 to 2016-10-15; pick a day inside it"):
        aftermath.aftermath_figure(DEATHS, TIMELINE, "2016-11-01")


def test_day_panel_lists_events_sources_and_the_convoy_note():
    text = aftermath.day_panel_html("2016-09-19", DEATHS, TIMELINE, SOURCES)
    assert "19 September 2016" in text and f"{_deaths_on('2016-09-19')} deaths" in text
    assert text.count("<li>") == 3 and "Reuters, 19 Sep 2016" in text
    assert "Board of Inquiry" in text and "Commission of Inquiry" in text and "Syrian air force did it" in text


def test_day_panel_quiet_day_and_approximate_date():
    assert "No event of the course timeline" in aftermath.day_panel_html("2016-09-25", DEATHS, TIMELINE, SOURCES)
    approx = TIMELINE.assign(date_precision="approx")
    assert "(date approximate)" in aftermath.day_panel_html("2016-09-28", DEATHS, approx, SOURCES)


def test_day_notes_cite_known_sources_and_fall_in_the_window():
    notes = aftermath.day_notes()
    assert {"2016-09-13", "2016-09-15", "2016-09-17", "2016-09-19", "2016-10-03"} <= set(notes)
    for day, (text, ids) in notes.items():
        assert periods_module.window_days()[0] <= pd.Timestamp(day) <= periods_module.window_days()[-1]
        assert set(data.split(ids)) <= SOURCE_IDS


def test_day_notes_agree_with_the_data_and_with_the_lesson():
    # the UCDP coding of Deir ez-Zor is said the same way in the note and in the lesson (review 1C)
    note = aftermath.day_notes()["2016-09-17"][0]
    assert "'Government of Iraq - IS'" in note and "at least 15 killed and likely dozens more" in note
    assert f"give {_deaths_on('2016-09-13')} deaths on 13 Sep and {_deaths_on('2016-09-14')} on the 14th" in \
        aftermath.day_notes()["2016-09-13"][0]
    import nbformat
    lesson = nbformat.read(data.course_root() / "lessons" / "05-aftermath.ipynb", as_version=4)
    text = " ".join(c.source for c in lesson.cells if c.cell_type == "markdown")
    assert "Government of Iraq - IS" in text


def test_calm_comes_from_the_key_date():
    assert periods_module.calm() == data.key_date("sep-army-calm")
    assert periods_module.start_day() == "2016-09-12"


# ---- the widget --------------------------------------------------------------------------------------

@pytest.fixture()
def explorer():
    return AftermathExplorer(DEATHS, TIMELINE, SOURCES)


def test_explorer_starts_on_12_september(explorer):
    assert explorer.day.value == "2016-09-12"
    assert len(explorer.day.options) == 45
    n = len(aftermath.events_on(TIMELINE, "2016-09-12"))
    assert explorer.figure.layout.title.text.startswith(f"12 September 2016: 88 deaths (UCDP), {n} events")
    assert "Figure description" in explorer.description.value
    assert "12 September 2016" in explorer.panel.value


def test_explorer_slider_moves_highlight_title_description_and_panel(explorer):
    explorer.day.value = "2016-10-03"
    colours = list(explorer.figure.data[0].marker.color)
    assert colours.index(aftermath.SELECTED_COLOUR) == 32 and colours.count(aftermath.SELECTED_COLOUR) == 1
    assert explorer.figure.layout.shapes[1].x0 == "2016-10-02 12:00"
    assert explorer.figure.layout.title.text.startswith("3 October 2016:")
    assert "The highlighted day is 3 October 2016" in explorer.description.value
    assert "flight-safety channel" in explorer.panel.value and "Zakharova" in explorer.panel.value


def _figure_json(figure) -> dict:
    """What the browser is sent of a figure: its traces and layout (uids and the template aside)."""
    shown = figure.to_plotly_json()
    for trace in shown["data"]:
        trace.pop("uid", None)
    shown["layout"].pop("template", None)
    return shown


@pytest.mark.parametrize("day", ["2016-09-01", "2016-09-17", "2016-10-03", "2016-10-15"])
def test_a_new_day_redraws_the_figure_as_a_fresh_build_would(explorer, day):
    """AftermathExplorer.redraw sets only the properties a day changes; the figure must end up as
    aftermath_figure builds it for that day, or the fast path has fallen out of step."""
    explorer.day.value = day
    fresh = aftermath.aftermath_figure(DEATHS, TIMELINE, day)
    assert _figure_json(explorer.figure) == _figure_json(fresh)
    assert plain_title(fresh.layout.title.text) == explorer.link.label


def test_the_comparison_of_figures_sees_a_day_left_behind(explorer, monkeypatch):
    """Test of the test: a redraw that forgets the highlighted band is caught."""
    shapes = aftermath._shapes
    monkeypatch.setattr(aftermath, "_shapes", lambda day, calm_span=None: shapes("2016-09-12", calm_span))
    explorer.day.value = "2016-10-03"
    monkeypatch.undo()
    assert _figure_json(explorer.figure) != _figure_json(aftermath.aftermath_figure(DEATHS, TIMELINE, "2016-10-03"))


def test_explorer_jumps_between_event_days(explorer):
    days = aftermath.event_days(TIMELINE)
    explorer.next.click()
    assert explorer.day.value == days[days.index("2016-09-12") + 1] == "2016-09-13"
    explorer.previous.click()
    explorer.previous.click()
    assert explorer.day.value == days[days.index("2016-09-12") - 1]
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
    assert table.index.name == "the author's claim"
    assert list(table.columns) == ["the record", "source", "our judgement"]
    paragraphs = [claim[1:4] for claim in table.index]
    assert paragraphs == ["P09", "P05", "P17", "P18"]
    assert [claim.split(": ")[0][6:] for claim in table.index] == ["Forecast"] + ["Recommendation"] * 3
    for ids in table["source"]:
        assert set(data.split(ids)) <= SOURCE_IDS


def test_judgement_on_p18_reflects_the_new_york_meetings():
    # W4: the record shows further Kerry-Lavrov meetings in September, not none before mid-October
    record = aftermath.judgement_table().filter(like="[P18]", axis=0)["the record"].iloc[0]
    assert "20 Sep" in record and "23 Sep" in record and "no second" not in record


def test_judgement_table_rejects_a_bad_paragraph():
    bad = data.load_table("aftermath_judgements").head(1).assign(paragraph="P42")
    with pytest.raises(CourseError, match="'P42' is not an article paragraph id"):
        aftermath.judgement_table(bad)


def test_the_two_panels_are_laid_out_as_make_subplots_would():
    """aftermath_figure writes its axes out instead of calling make_subplots (slow on first use); they must
    stay what make_subplots(rows=2, shared_xaxes=True, ...) gives: anchors, domains, the shared date axis."""
    from plotly.subplots import make_subplots

    grid = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=aftermath.PANEL_GAP,
                         row_heights=[aftermath.TOP_SHARE, 1 - aftermath.TOP_SHARE]).layout.to_plotly_json()
    ours = aftermath.panel_axes(["2016-09-01", "2016-10-15"])
    for axis in ("xaxis", "yaxis", "xaxis2", "yaxis2"):
        assert set(grid[axis]) <= set(ours[axis]), axis
        for key, value in grid[axis].items():
            assert ours[axis][key] == (pytest.approx(value) if key == "domain" else value), (axis, key)
