"""Lesson 04 helpers: the interest matrix, its figures and widget, the bases map, the record split into
events, findings and positions, the chemical-weapons record and the 'defer Assad' test
(ceasefire.lessons.lesson04_interests), and lesson 04's own data tables."""

import json

import pandas as pd
import plotly.io as pio
import pytest

from ceasefire import data, display
from ceasefire.lessons import lesson04_interests as interests
from ceasefire.lessons import lesson04_record as record_module
from ceasefire.errors import CourseError
from ceasefire.lessons.lesson04_interests import InterestMatrix

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


def test_overlap_figure_data_title_description_and_colours():
    fig = interests.overlap_figure(INTERESTS)
    counts = INTERESTS["overlap"].value_counts()
    assert list(fig.data[0].x) == ["shared", "partial", "opposed"]
    assert list(fig.data[0].y) == [counts["shared"], counts["partial"], counts["opposed"]]
    assert list(fig.data[0].marker.color) == [interests.OVERLAP_COLOURS[l] for l in interests.OVERLAPS]
    assert set(interests.OVERLAP_COLOURS.values()) <= set(display.PALETTE)
    assert fig.layout.title.text == (f"Where US and Russian positions meet: {counts['shared']} shared, "
                                     f"{counts['partial']} partial, {counts['opposed']} opposed (of 11 issues)")
    assert display.description_of(fig).startswith("Three bars count the 11 issues")


def test_static_figures_are_small_and_mimetype_only():
    for fig in (interests.overlap_figure(INTERESTS), interests.matrix_figure(INTERESTS),
                interests.bases_map(data.places(), data.load_outline()),
                record_module.chemical_weapons_figure(record_module.chemical_weapons_record(TIMELINE))):
        bundle = pio.renderers["plotly_mimetype"].to_mimebundle(fig.to_dict())
        assert set(bundle) == {"application/vnd.plotly.v1+json"}
        assert len(json.dumps(bundle)) < 40_000


# ---- the matrix as a selection ---------------------------------------------------------------------

def test_issue_choices_list_all_levels_then_issues():
    values = [v for _, v in interests.issue_choices(INTERESTS)]
    assert values[:4] == ["all", "shared", "partial", "opposed"]
    assert sorted(values[4:]) == sorted(INTERESTS["issue_id"])


@pytest.mark.parametrize("choice, count", [("all", 11), ("shared", 2), ("partial", 6), ("opposed", 3),
                                           ("aleppo", 1)])
def test_select(choice, count):
    assert len(interests.select(INTERESTS, choice)) == count


def test_select_rejects_unknown_choice_with_a_hint():
    with pytest.raises(CourseError, match="There is no overlap level or issue id 'weather'; choose 'all' or one of: "
                                          "shared, partial, opposed, "):
        interests.select(INTERESTS, "weather")


def test_matrix_figure_for_all_issues():
    fig = interests.matrix_figure(INTERESTS)
    assert [t.name for t in fig.data] == ["grid", "shared", "partial", "opposed", "selected"]
    assert len(fig.data[0].x) == 3 * len(INTERESTS)
    assert sum(len(t.x) for t in fig.data[1:4]) == len(INTERESTS)
    assert len(fig.data[4].x) == 0
    assert len(_shown(fig)) == len(INTERESTS)
    assert fig.layout.title.text == "Interest matrix: all 11 issues"
    assert "2 are shared, 6 are partial, 3 are opposed" in display.description_of(fig)


def test_matrix_figure_for_one_issue_rings_it_and_fades_the_rest():
    fig = interests.matrix_figure(INTERESTS, "cw-removal")
    assert fig.layout.title.text == "Interest matrix: Chemical weapons: the 2013-14 removal (shared)"
    assert list(fig.data[4].x) == ["shared"]
    assert _shown(fig) == [fig.data[4].y[0]]
    assert "Highlighted: Chemical weapons: the 2013-14 removal, rated shared" in display.description_of(fig)


def test_matrix_figure_for_an_overlap_level():
    fig = interests.matrix_figure(INTERESTS, "opposed")
    assert fig.layout.title.text == "Interest matrix: 3 opposed issue(s) of 11"
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
    assert text.count("<tr>") == 1 + 6 and "Pick one issue" in text


# ---- the widget --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def matrix():
    return InterestMatrix(INTERESTS, SOURCES, ARTICLE_MAP)


def test_widget_starts_with_all_issues(matrix):
    matrix.choice.value = "all"
    assert matrix.figure.layout.title.text == "Interest matrix: all 11 issues"
    assert len(matrix.figure.data) == 5 and len(matrix.figure.data[4].x) == 0
    assert "Figure description" in matrix.description.value
    assert matrix.panel.value.count("<tr>") == 12


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
    assert matrix.figure.layout.title.text == "Interest matrix: 2 shared issue(s) of 11"
    assert len(matrix.figure.data[4].x) == 2
    assert "Pick one issue" in matrix.panel.value
    matrix.choice.value = "all"
    assert all(o == 1.0 for t in matrix.figure.data[1:4] for o in t.marker.opacity)
    assert "2 are shared" in matrix.description.value


def test_widget_rejects_a_bad_starting_choice():
    with pytest.raises(CourseError, match="no overlap level or issue id 'weather'"):
        InterestMatrix(INTERESTS, SOURCES, ARTICLE_MAP, choice="weather")


# ---- [P06] camps, [P07] map, [P16] chemical weapons, [P17] defer test ---------------------------

def test_assad_camps():
    camps = interests.assad_camps(data.actors())
    assert camps.loc["Russian Federation", "stance on Assad"] == "supports"
    assert camps.loc["United States", "stance on Assad"] == "opposes"
    assert camps.loc["Mainstream armed opposition (incl. the Free Syrian Army)", "backed by"] == "United States, Turkey"
    assert camps.loc["Hezbollah (Lebanon)", "backed by"] == "Islamic Republic of Iran"
    assert "not-applicable" not in set(camps["stance on Assad"])
    assert camps["stance on Assad"].iloc[0] == "supports"


def test_the_parties_table_counts_iran_and_hezbollah_and_gives_turkey_and_ahrar_a_stance():
    # Kerry, 26 Aug 2016: "the regime and its allies, including Iran, Russia, and Hizballah" (state-2016-08-26)
    actors = data.actors().set_index("actor_id")
    assert actors.loc["iran", "stance_on_assad"] == actors.loc["hezbollah", "stance_on_assad"] == "supports"
    assert set(data.split(actors.loc["syrian-government", "backers"])) == {"russia", "iran", "hezbollah"}
    assert actors.loc["turkey", "stance_on_assad"] == "opposes"
    assert actors.loc["ahrar-al-sham", "stance_on_assad"] == "opposes"
    assert actors.loc["us-led-coalition", "stance_on_assad"] == "not-applicable"   # no collective position
    assert "state-2016-08-26" in data.split(actors.loc["iran", "source"])
    assert "unknown" not in set(actors.loc[["turkey", "ahrar-al-sham", "us-led-coalition", "iran"], "stance_on_assad"])


def test_stance_summary_counts_each_camp():
    summary = interests.stance_summary(data.actors())
    assert summary.loc["supports", "parties"] == 3
    assert summary.loc["supports", "which"] == "Russian Federation; Islamic Republic of Iran; Hezbollah"
    assert summary["parties"].sum() == len(data.actors())
    assert list(summary.index) == [s for s in interests.STANCE_ORDER if s in set(summary.index)]


def test_the_record_labels_events_findings_and_positions_with_speakers():
    record = record_module.the_record(TIMELINE, "P16")
    assert list(record.columns) == ["date", "kind", "who speaks", "what", "source"]
    assert set(record["kind"]) == {"event", "official finding", "party position"}
    events = record[record["kind"] == "event"]
    assert set(events["who speaks"]) == {"-"}
    positions = record[record["kind"] == "party position"]
    assert {"United States", "Russian Federation", "Government of Syria"} <= set(positions["who speaks"])
    assert "about 30 Aug 2016" in set(record["date"])        # an approximate date says so
    both = record_module.the_record(TIMELINE, ["P06", "P07"])
    assert set(TIMELINE.loc[TIMELINE["paragraph"].isin(["P06", "P07"]), "event"]) == set(both["what"])
    with pytest.raises(CourseError, match="no rows tied to P99; give paragraph ids written like 'P16'"):
        record_module.the_record(TIMELINE, "P99")


def test_the_record_of_p06_separates_the_vote_from_ivanovs_statement():
    record = record_module.the_record(TIMELINE, "P06")
    vote = record[record["what"].str.contains("162")]
    assert list(vote["kind"]) == ["event"] and "air force" not in vote["what"].iloc[0]
    ivanov = record[record["what"].str.contains("Ivanov")]
    assert list(ivanov["kind"]) == ["party position"] and "air force" in ivanov["what"].iloc[0]


def test_bases_map_marks_tartus_and_hmeimim_with_the_golan_caveat():
    fig = interests.bases_map(data.places(), data.load_outline())
    bases = fig.data[-1]
    assert list(bases.text) == ["Tartus", "Hmeimim"]
    places = data.places().set_index("place_id")
    assert list(bases.x) == [places.loc["tartus", "map_lon"], places.loc["hmeimim", "map_lon"]]
    assert "30 September 2015" in bases.customdata[1].replace("<br>", " ")
    assert "only one in the Mediterranean" in bases.customdata[0].replace("<br>", " ")
    assert list(fig.data[-2].text) == ["Damascus", "Aleppo"]
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
        interests.bases_map(data.places().query("place_id != 'tartus'"), data.load_outline())


def test_bases_table_every_base_row_cites_a_source_of_its_own_side_or_an_independent_one():
    bases = data.load_table("bases")
    assert set(bases["role"]) == {"base", "context"}
    assert list(bases.loc[bases["role"] == "base", "place_id"]) == ["tartus", "hmeimim"]
    for row in bases.itertuples():
        assert set(data.split(row.source)) <= SOURCE_IDS


def test_chemical_weapons_record_is_dated_sourced_and_says_who_speaks():
    record = record_module.chemical_weapons_record(TIMELINE)
    p16 = TIMELINE[TIMELINE["paragraph"] == "P16"]
    findings = data.load_table("jim_findings")
    assert len(record) == len(p16) + len(findings)
    assert record["date"].is_monotonic_increasing
    assert record.iloc[0]["date"] == pd.Timestamp("2013-08-21")          # Ghouta, the coercive context
    assert set(record["lane"]) <= set(record_module.CW_LANES)
    attacks = record[record["lane"] == record_module.ATTACKS]
    assert list(attacks["when"]) == ["Apr 2014 (month only)", "Mar 2015 (month only)", "Aug 2015 (month only)"]
    assert "attributed by the inquiry to ISIS / ISIL / Daesh" in attacks.iloc[-1]["event"]
    found = record[record["lane"] == record_module.FINDINGS]
    assert any("3 of the 9 cases" in e for e in found["event"])
    us = record[record["lane"] == "US position"]
    assert any("prepared to act" in e for e in us["event"])              # Obama, 14 Sep 2013
    russia = record[record["lane"] == "Russian position"]
    syria = record[record["lane"] == "Syrian government position"]
    assert (russia["date"] > pd.Timestamp("2016-08-01")).any() and (syria["date"] > pd.Timestamp("2016-08-01")).any()
    for ids in record["source"]:
        assert set(data.split(ids)) <= SOURCE_IDS


def test_chemical_weapons_record_needs_p16_rows():
    with pytest.raises(CourseError, match=r"no events tied to \[P16\]"):
        record_module.chemical_weapons_record(TIMELINE[TIMELINE["paragraph"] != "P16"])


def test_chemical_weapons_record_gives_an_unexpected_speaker_its_own_lane():
    extra = TIMELINE.iloc[:1].copy()
    extra[["statement", "speaker", "paragraph", "event"]] = ["position", "turkey", "P16", "A test statement."]
    record = record_module.chemical_weapons_record(pd.concat([TIMELINE, extra]))
    assert "Turkey position" in set(record["lane"])
    assert record_module.lanes_of(record)[-1] == "Turkey position"


def test_chemical_weapons_figure():
    record = record_module.chemical_weapons_record(TIMELINE)
    fig = record_module.chemical_weapons_figure(record)
    assert [t.name for t in fig.data] == record_module.lanes_of(record)
    assert [t.name for t in fig.data][:3] == [record_module.EVENTS, record_module.ATTACKS, record_module.FINDINGS]
    events = next(t for t in fig.data if t.name == record_module.EVENTS)
    assert "2013-09-14" in list(events.x) and list(events.x).count("2013-09-14") == 1   # same-day items share a dot
    attacks = next(t for t in fig.data if t.name == record_module.ATTACKS)
    assert list(attacks.x) == ["2014-04-01", "2015-03-01", "2015-08-01"]
    assert fig.layout.shapes[0].x0 == "2014-06-23"
    text = display.description_of(fig)
    assert "23 June 2014" in text and "1 of them comes before the dotted line" in text


def test_defer_assad_test_is_sourced_and_read_from_its_table():
    table = interests.defer_assad_test()
    assert list(table.columns) == ["needs Damascus?", "the record", "source"]
    assert set(table["needs Damascus?"]) <= {"yes", "indirectly", "no"}
    assert (table["needs Damascus?"] == "yes").sum() == 3
    assert len(table) == len(data.load_table("defer_test"))
    for ids in table["source"]:
        assert set(data.split(ids)) <= SOURCE_IDS
    # Kerry's words come from a US or independent report, not from a Russian state outlet
    assert not {"reuters-2016-09-12", "sputnikbr-2016-09-22", "washtimes-2016-09-20"} & \
        {s for ids in table["source"] for s in data.split(ids)}


def test_interest_rows_cite_known_sources_and_paragraphs():
    for row in INTERESTS.itertuples():
        assert set(data.split(row.source)) <= SOURCE_IDS
        assert row.paragraph in set(ARTICLE_MAP["paragraph"])


def test_the_chemical_weapons_issue_is_split_and_the_political_process_is_partial():
    # Doubtful point 8: the 2013-14 removal was shared; blame for the attacks in 2016 was contested.
    rows = INTERESTS.set_index("issue_id")
    assert rows.loc["cw-removal", "overlap"] == "shared"
    assert rows.loc["cw-blame-2016", "overlap"] == "partial"
    assert rows.loc["political-process", "overlap"] == "partial"
    assert rows.loc["fate-of-assad", "overlap"] == "opposed"
    assert "chemical-weapons" not in rows.index


def test_jim_findings_are_one_official_finding_each():
    findings = data.load_table("jim_findings")
    assert list(findings["case_id"]) == ["talmenes", "sarmin", "marea"]
    assert set(findings["attributed_to"]) == {"syrian-government", "isis"}
    assert set(findings["source"]) == {"un-s-2016-738"}
