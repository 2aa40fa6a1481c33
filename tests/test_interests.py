"""Lesson 04 helpers: the interest matrix, its figures and widget, the bases map, the chemical-weapons
record and the 'defer Assad' test (ceasefire.interests)."""

import json

import pandas as pd
import plotly.io as pio
import pytest

from ceasefire import data, display, interests
from ceasefire.errors import CourseError
from ceasefire.interests import InterestMatrix

INTERESTS = data.interests()
SOURCES = data.sources()
TIMELINE = data.timeline()
ARTICLE_MAP = data.article_map()
SOURCE_IDS = set(SOURCES["source_id"])


def _shown(fig):
    """Issue labels drawn at full strength in the matrix's three overlap traces."""
    out = []
    for trace in fig.data[1:4]:
        out += [y for y, o in zip(trace.y, trace.marker.opacity) if o == 1.0]
    return out


# ---- small helpers ---------------------------------------------------------------------------------

def test_overlap_score_and_bad_level():
    assert [interests.overlap_score(l) for l in ("shared", "partial", "opposed")] == [1, 0, -1]
    with pytest.raises(ValueError, match="overlap must be one of shared, partial, opposed"):
        interests.overlap_score("friendly")


# ---- the matrix, as tables and static figure -----------------------------------------------------

def test_ordered_puts_shared_first_and_keeps_every_issue():
    rows = interests.ordered(INTERESTS)
    assert len(rows) == len(INTERESTS)
    ranks = [interests.OVERLAPS.index(o) for o in rows["overlap"]]
    assert ranks == sorted(ranks)
    assert rows.iloc[0]["issue_id"] == "defeat-isis"       # first shared issue in file order


def test_overlap_counts_has_every_level_and_sums_to_all_issues():
    counts = interests.overlap_counts(INTERESTS)
    assert list(counts.index) == list(interests.OVERLAPS)
    assert counts["issues"].sum() == len(INTERESTS)
    expected = INTERESTS["overlap"].value_counts()
    for level in interests.OVERLAPS:
        assert counts.loc[level, "issues"] == expected.get(level, 0)
    assert "Defeating ISIS" in counts.loc["shared", "which"]
    assert "The fate of Assad" in counts.loc["opposed", "which"]


def test_overlap_counts_shows_an_empty_level():
    only_shared = INTERESTS[INTERESTS["overlap"] == "shared"]
    counts = interests.overlap_counts(only_shared)
    assert counts.loc["opposed", "issues"] == 0 and counts.loc["opposed", "which"] == ""


def test_matrix_table_reads_left_to_right():
    table = interests.matrix_table(INTERESTS)
    assert list(table.columns) == ["US position", "Russian position", "overlap", "paragraph"]
    assert table.loc["Defeating ISIS", "overlap"] == "shared"


def test_overlap_figure_data_title_description_and_colours():
    fig = interests.overlap_figure(INTERESTS)
    counts = INTERESTS["overlap"].value_counts()
    assert list(fig.data[0].x) == ["shared", "partial", "opposed"]
    assert list(fig.data[0].y) == [counts["shared"], counts["partial"], counts["opposed"]]
    assert list(fig.data[0].marker.color) == [interests.OVERLAP_COLOURS[l] for l in interests.OVERLAPS]
    assert set(interests.OVERLAP_COLOURS.values()) <= set(display.PALETTE)
    assert fig.layout.title.text == (f"Where US and Russian positions meet: {counts['shared']} shared, "
                                     f"{counts['partial']} partial, {counts['opposed']} opposed (of 10 issues)")
    assert display.description_of(fig).startswith("Three bars count the 10 issues")


def test_static_figures_are_small_and_mimetype_only():
    for fig in (interests.overlap_figure(INTERESTS), interests.matrix_figure(INTERESTS),
                interests.bases_map(data.places(), data.load_outline(), TIMELINE),
                interests.chemical_weapons_figure(interests.chemical_weapons_record(TIMELINE))):
        bundle = pio.renderers["plotly_mimetype"].to_mimebundle(fig.to_dict())
        assert set(bundle) == {"application/vnd.plotly.v1+json"}
        assert len(json.dumps(bundle)) < 40_000


# ---- the matrix as a selection ---------------------------------------------------------------------

def test_issue_choices_list_all_levels_then_issues():
    values = [v for _, v in interests.issue_choices(INTERESTS)]
    assert values[:4] == ["all", "shared", "partial", "opposed"]
    assert sorted(values[4:]) == sorted(INTERESTS["issue_id"])


@pytest.mark.parametrize("choice, count", [("all", 10), ("shared", 3), ("partial", 4), ("opposed", 3),
                                           ("aleppo", 1)])
def test_select(choice, count):
    assert len(interests.select(INTERESTS, choice)) == count


def test_select_rejects_unknown_choice_with_a_hint():
    with pytest.raises(ValueError, match="choice must be 'all', one of shared, partial, opposed, or an issue id"):
        interests.select(INTERESTS, "weather")


def test_matrix_figure_for_all_issues():
    fig = interests.matrix_figure(INTERESTS)
    assert [t.name for t in fig.data] == ["grid", "shared", "partial", "opposed", "selected"]
    assert len(fig.data[0].x) == 3 * len(INTERESTS)
    assert sum(len(t.x) for t in fig.data[1:4]) == len(INTERESTS)
    assert len(fig.data[4].x) == 0
    assert len(_shown(fig)) == len(INTERESTS)
    assert fig.layout.title.text == "Interest matrix: all 10 issues"
    assert "3 are shared, 4 are partial, 3 are opposed" in display.description_of(fig)


def test_matrix_figure_for_one_issue_rings_it_and_fades_the_rest():
    fig = interests.matrix_figure(INTERESTS, "chemical-weapons")
    assert fig.layout.title.text == "Interest matrix: Chemical weapons and non-proliferation (shared)"
    assert list(fig.data[4].x) == ["shared"]
    assert _shown(fig) == [fig.data[4].y[0]]
    assert "Highlighted: Chemical weapons and non-proliferation, rated shared" in display.description_of(fig)


def test_matrix_figure_for_an_overlap_level():
    fig = interests.matrix_figure(INTERESTS, "opposed")
    assert fig.layout.title.text == "Interest matrix: 3 opposed issue(s) of 10"
    assert set(fig.data[4].x) == {"opposed"} and len(fig.data[4].x) == 3
    assert all(o == interests.FADED for o in fig.data[1].marker.opacity)
    assert "the opposed ones" in display.description_of(fig)


def test_matrix_description_when_a_level_is_empty():
    only_shared = INTERESTS[INTERESTS["overlap"] == "shared"]
    assert "No issue is rated opposed" in interests.matrix_description(only_shared, "opposed")
    assert "No issue is rated" in interests.positions_html(only_shared, "opposed", SOURCES)


def test_positions_html_for_one_issue_shows_both_positions_paragraph_and_sources():
    text = interests.positions_html(INTERESTS, "russian-bases", SOURCES, ARTICLE_MAP)
    row = INTERESTS.set_index("issue_id").loc["russian-bases"]
    assert row["russia_position"][:40] in text and "No US position" in text
    assert "[P07]" in text and "our paraphrase" in text
    assert text.count("<li>") == len(data.split(row["source"]))


def test_positions_html_for_several_issues_is_a_table():
    text = interests.positions_html(INTERESTS, "partial", SOURCES)
    assert text.count("<tr>") == 1 + 4 and "Pick one issue" in text


# ---- the widget --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def matrix():
    return InterestMatrix(INTERESTS, SOURCES, ARTICLE_MAP)


def test_widget_starts_with_all_issues(matrix):
    matrix.choice.value = "all"
    assert matrix.figure.layout.title.text == "Interest matrix: all 10 issues"
    assert len(matrix.figure.data) == 5 and len(matrix.figure.data[4].x) == 0
    assert "Figure description" in matrix.description.value
    assert matrix.panel.value.count("<tr>") == 11


def test_widget_issue_choice_updates_figure_description_and_panel(matrix):
    matrix.choice.value = "fate-of-assad"
    assert matrix.figure.layout.title.text == "Interest matrix: The fate of Assad and who governs Syria (opposed)"
    assert list(matrix.figure.data[4].x) == ["opposed"]
    assert "Highlighted: The fate of Assad" in matrix.description.value
    assert "Kremlin" not in matrix.panel.value and "US Department of State, 19 Sep 2016" in matrix.panel.value
    opacities = [o for t in matrix.figure.data[1:4] for o in t.marker.opacity]
    assert opacities.count(1.0) == 1


def test_widget_overlap_choice_then_back_to_all(matrix):
    matrix.choice.value = "shared"
    assert matrix.figure.layout.title.text == "Interest matrix: 3 shared issue(s) of 10"
    assert len(matrix.figure.data[4].x) == 3
    assert "Pick one issue" in matrix.panel.value
    matrix.choice.value = "all"
    assert all(o == 1.0 for t in matrix.figure.data[1:4] for o in t.marker.opacity)
    assert "3 are shared" in matrix.description.value


def test_widget_rejects_a_bad_starting_choice():
    with pytest.raises(ValueError, match="choice must be"):
        InterestMatrix(INTERESTS, SOURCES, ARTICLE_MAP, choice="weather")


# ---- [P06] camps, [P07] map, [P16] chemical weapons, [P17] defer test ---------------------------

def test_assad_camps():
    camps = interests.assad_camps(data.actors())
    assert camps.loc["Russian Federation", "stance on Assad"] == "supports"
    assert camps.loc["United States", "stance on Assad"] == "opposes"
    assert camps.loc["Mainstream armed opposition (incl. the Free Syrian Army)", "backed by"] == "United States"
    assert "not-applicable" not in set(camps["stance on Assad"])
    assert camps["stance on Assad"].iloc[0] == "supports"


def test_bases_map_marks_tartus_and_hmeimim_with_the_golan_caveat():
    fig = interests.bases_map(data.places(), data.load_outline(), TIMELINE)
    bases = fig.data[-1]
    assert list(bases.text) == ["Tartus", "Hmeimim"]
    places = data.places().set_index("place_id")
    assert list(bases.x) == [places.loc["tartus", "map_lon"], places.loc["hmeimim", "map_lon"]]
    assert "30 September 2015" in bases.customdata[1].replace("<br>", " ")
    assert "720th" in bases.customdata[0].replace("<br>", " ")
    assert fig.layout.yaxis.scaleanchor == "x" and abs(fig.layout.yaxis.scaleratio - 1.22) < 0.01
    text = display.description_of(fig)
    assert "Golan Heights" in text and "occupied Syrian territory" in text
    outline = data.load_outline()
    drawn = fig.data[:-2]
    assert {t.name for t in drawn} == {"Syria", "Turkey", "Iraq", "Jordan", "Lebanon", "Israel", "Palestine",
                                       "Cyprus", "N. Cyprus"}
    assert len(drawn) < outline["ring"].nunique()       # rings wholly off this map (Gaza, Turkey's west) are left out


def test_bases_map_names_missing_places():
    with pytest.raises(CourseError, match="places.csv lacks tartus"):
        interests.bases_map(data.places().query("place_id != 'tartus'"), data.load_outline(), TIMELINE)


def test_chemical_weapons_record_is_dated_and_sourced():
    record = interests.chemical_weapons_record(TIMELINE)
    p16 = TIMELINE[TIMELINE["paragraph"] == "P16"]
    assert len(record) == len(p16) + len(interests.JIM_FINDINGS)
    assert record["date"].is_monotonic_increasing
    assert record.iloc[0]["date"] == pd.Timestamp("2013-09-14")
    assert record.iloc[-1]["date"] == pd.Timestamp("2016-08-24")
    removal = record[record["lane"] == "carried out (2014)"]
    assert list(removal["date"]) == [pd.Timestamp("2014-06-23")]
    attacks = record[record["lane"] == "attacks found later"]
    assert list(attacks["when"]) == ["Apr 2014 (month only)", "Mar 2015 (month only)", "Aug 2015 (month only)"]
    assert "attributed by the inquiry to ISIL" in attacks.iloc[-1]["event"]
    for ids in record["source"]:
        assert set(data.split(ids)) <= SOURCE_IDS


def test_chemical_weapons_record_needs_p16_rows():
    with pytest.raises(CourseError, match=r"no events tied to \[P16\]"):
        interests.chemical_weapons_record(TIMELINE[TIMELINE["paragraph"] != "P16"])


def test_chemical_weapons_figure():
    fig = interests.chemical_weapons_figure(interests.chemical_weapons_record(TIMELINE))
    assert [t.name for t in fig.data] == list(interests.CW_LANES)
    assert list(fig.data[0].x) == ["2013-09-14", "2013-09-27"]     # two 14 Sep events share one dot
    assert list(fig.data[2].x) == ["2014-04-01", "2015-03-01", "2015-08-01"]
    assert fig.layout.shapes[0].x0 == "2014-06-23"
    text = display.description_of(fig)
    assert "23 June 2014" in text and "One of the attacks comes before the dotted line" in text


def test_defer_assad_test_is_sourced():
    table = interests.defer_assad_test()
    assert set(table["needs Damascus?"]) <= {"yes", "indirectly", "no"}
    assert (table["needs Damascus?"] == "yes").sum() == 3
    for ids in table["source"]:
        assert set(data.split(ids)) <= SOURCE_IDS


def test_interest_rows_cite_known_sources_and_paragraphs():
    for row in INTERESTS.itertuples():
        assert set(data.split(row.source)) <= SOURCE_IDS
        assert row.paragraph in set(ARTICLE_MAP["paragraph"])
