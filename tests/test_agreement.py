"""Lesson 02 helpers: the September 2016 terms, the column beside the record, the cooperation ladder and
the timeline explorer of the arrangement."""

import pandas as pd
import pytest

from ceasefire import data
from ceasefire.lessons import lesson02_agreement as agreement
from ceasefire.data import ENFORCEMENT, EVENT_CATEGORIES
from ceasefire.display import description_of
from ceasefire.errors import CourseError

TERMS = data.terms()
TIMELINE = data.timeline()


def test_agreement_terms_selects_one_agreement():
    september = agreement.agreement_terms(TERMS)
    assert list(september["term_id"]) == [f"S{n:02d}" for n in range(1, 11)]
    assert set(agreement.agreement_terms(TERMS, "feb-2016")["agreement"]) == {"feb-2016"}
    with pytest.raises(CourseError, match="There is no agreement '2016'; choose one of: feb-2016, sep-2016."):
        agreement.agreement_terms(TERMS, "2016")


def test_short_names_drop_the_gloss():
    names = agreement.short_names(data.actors())
    assert names["syrian-government"] == "Government of Syria"
    assert names["opposition"] == "Mainstream armed opposition"
    assert names["united-states"] == "United States"


def test_terms_table_is_tidy_with_parties_and_sources():
    table = agreement.terms_table()
    assert list(table.columns) == ["term", "what", "who commits", "commitment", "verification", "enforcement",
                                   "column", "sources"]
    assert len(table) == 10
    row = table.set_index("term").loc["S03"]
    assert row["who commits"] == "Government of Syria, Mainstream armed opposition, Russian Federation"
    assert row["column"] == "[P15]" and "TASS, 27 Sep 2016" in row["sources"]
    assert table.set_index("term").loc["S02", "column"] == "[P03]"
    assert table.set_index("term").loc["S06", "column"] == "not mentioned"
    assert set(table["enforcement"]) <= set(ENFORCEMENT)


def test_enforcement_summary_counts_every_term():
    summary = agreement.enforcement_summary(agreement.terms_table())
    assert summary["terms"].sum() == 10
    counts = dict(zip(summary["enforcement"], summary["terms"]))
    assert counts == {"none": 5, "political": 2, "mutual-withdrawal": 2, "unknown": 1}
    assert summary.set_index("enforcement").loc["none", "which"] == "S01 S02 S03 S04 S10"


def test_column_vs_record_pairs_terms_with_paraphrases():
    table = agreement.column_vs_record()
    assert len(table) == 10
    by_term = table.set_index("term")
    assert by_term.loc["S09 Right to withdraw", "the column"].startswith("[P08] ")
    assert by_term.loc["S10 Five documents, kept confidential", "the column"] == "not mentioned"


def test_the_texts_were_published_in_three_steps_not_first_by_russia():
    # W5: the AP leak, the State Department's own posting, then Russia's texts, answering that posting.
    s10 = agreement.agreement_terms(TERMS).set_index("term_id").loc["S10"]
    text = s10["commitment"]
    assert text.index("AP published") < text.index("State Department posted") < text.index("27 Sep")
    assert "first public" not in text
    assert {"rt-2016-09-22", "tass-2016-09-27"} <= set(data.split(s10["source"]))


def test_the_air_force_term_is_not_presented_as_a_day_one_ban():
    # Doubtful point 4: the rebels read the flight ban as coming up to nine days after the start.
    s02 = agreement.agreement_terms(TERMS).set_index("term_id").loc["S02"]
    assert "nine days" in s02["commitment"] and "designated" in s02["term"]
    assert "reuters-2016-09-11" in data.split(s02["source"])


def test_september_terms_cite_no_russian_outlet_for_us_words():
    kinds = data.sources().set_index("source_id")["position"]
    cited = {s for cell in agreement.agreement_terms(TERMS)["source"] for s in data.split(cell)}
    assert not {s for s in cited if s.startswith("sputnik")}
    assert all(kinds[s] != "syrian-state-media" for s in cited)


def test_commitments_figure_has_a_dot_per_party_per_term():
    fig = agreement.commitments_figure()
    dots = sum(len(t.x) for t in fig.data)
    assert dots == sum(len(data.split(c)) for c in agreement.agreement_terms(TERMS)["parties"])
    assert [t.name for t in fig.data] == list(ENFORCEMENT)
    assert fig.layout.title.text == "Who commits to what, 10 terms of the sep-2016 arrangement"
    text = description_of(fig)
    assert "United States 9" in text and "Government of Syria 4" in text and "5 term(s) none" in text


def test_cooperation_ladder_comes_from_its_table_with_sources():
    ladder = agreement.cooperation_ladder()
    assert list(ladder.columns) == ["step", "what is shared", "status in Sep 2016", "column", "sources"]
    assert list(ladder["column"]) == ["[P04]", "[P03]", "[P05]"]
    assert ladder.loc[0, "sources"].startswith("Reuters") and "AP, 3 Oct 2016" in ladder.loc[0, "sources"]
    assert ladder.loc[2, "sources"] == "the column itself"
    assert "Sputnik" not in " ".join(ladder["sources"])


def test_statements_table_sets_positions_beside_the_text():
    table = agreement.statements_table()
    assert list(table.columns) == ["date", "voice", "who", "said (our paraphrase)", "sources"]
    assert list(table["voice"]).count("the text") == 1 and table["voice"].iloc[-1] == "the text"
    who = " ".join(table["who"])
    assert "Kerry" in who and "Kirby" in who and "Lavrov" in who and "Syrian army" in who and "Rebel" in who
    # Kerry's and Kirby's words of 12 Sep come from a wire, not from a Russian state outlet.
    for row in table[table["who"].str.contains("Kerry|Kirby")].itertuples():
        assert "Sputnik" not in row.sources and "RT" not in row.sources
    kirby = table[table["who"].str.startswith("John Kirby")].iloc[0]
    assert kirby["date"] == "12 Sep 2016" and "AP" in kirby["sources"]


def test_phases_come_from_the_table_and_the_seven_days_from_the_key_date():
    phases = agreement.phases()
    assert list(phases) == ["road to Geneva", "the seven days", "collapse", "the whole story"]
    assert phases["the seven days"] == data.key_date("sep-army-calm")     # the span lessons 03 and 05 shade
    assert phases["the seven days"][0] == pd.Timestamp("2016-09-12 19:00")
    assert phases["collapse"][1] == pd.Timestamp("2016-10-03 23:59")


@pytest.mark.parametrize("phase", ["road to Geneva", "the seven days", "collapse", "the whole story"])
def test_phase_rows_pick_the_days_of_the_window(phase):
    rows = agreement.phase_rows(TIMELINE, phase)
    start, end = agreement.phases()[phase]
    inside = TIMELINE[(TIMELINE["date"] >= start.normalize()) & (TIMELINE["date"] <= end.normalize())]
    assert len(rows) == len(inside) > 0
    assert rows["date"].min() >= start.normalize() and rows["date"].max() <= end.normalize()


def test_seven_days_include_the_first_day_although_the_calm_began_at_19_00():
    rows = agreement.phase_rows(TIMELINE, "the seven days")
    assert rows["date"].min() == pd.Timestamp("2016-09-12")
    assert rows["date"].max() <= pd.Timestamp("2016-09-18")


def test_phase_rows_rejects_unknown_phase():
    with pytest.raises(CourseError, match="There is no phase 'aftermath'; choose one of: road to Geneva"):
        agreement.phase_rows(TIMELINE, "aftermath")


def test_phase_figure_title_range_marks_and_description():
    fig = agreement.phase_figure(TIMELINE, "the seven days")
    count = len(agreement.phase_rows(TIMELINE, "the seven days"))
    assert fig.layout.title.text == ("The September 2016 arrangement, the seven days "
                                     f"(12 Sep 2016 to 18 Sep 2016): {count} events")
    assert tuple(fig.layout.xaxis.range) == ("2016-09-11", "2016-09-19")
    assert [t.name for t in fig.data] == list(EVENT_CATEGORIES)
    assert sum(len(t.x) for t in fig.data) == count
    calm, talks = fig.layout.shapes[0], fig.layout.shapes[1]
    assert (calm.x0, calm.x1) == ("2016-09-12 19:00", "2016-09-18 23:59")      # key date sep-army-calm
    assert (talks.x0, talks.x1) == ("2016-09-09 00:00", "2016-09-10 01:00")    # key date geneva-talks
    assert "seven days of calm (12 Sep 2016 19:00 to 18 Sep 2016 23:59)" in description_of(fig)


def test_phase_description_when_empty():
    assert "No event" in agreement.phase_description(TIMELINE.iloc[0:0], "collapse")


def test_events_html_lists_dates_who_speaks_paragraphs_and_sources():
    rows = agreement.phase_rows(TIMELINE, "collapse")
    text = agreement.events_html(rows, data.sources())
    assert text.count("<li>") == len(rows)
    assert "<b>19 Sep 2016</b> (military; position of Government of Syria) [P09]" in text
    assert "Reuters, 19 Sep 2016" in text and "(humanitarian; event)" in text
    road = agreement.events_html(agreement.phase_rows(TIMELINE, "road to Geneva"), data.sources())
    assert "position of Russian Federation" in road and "position of United States" in road
    assert "position of Mainstream armed opposition" in road
    assert "No events" in agreement.events_html(rows.iloc[0:0], data.sources())


def test_timeline_widget_starts_with_the_whole_story():
    widget = agreement.AgreementTimeline(TIMELINE)
    count = len(agreement.phase_rows(TIMELINE, "the whole story"))
    assert widget.figure.layout.title.text.endswith(f"the whole story (1 Jul 2016 to 31 Oct 2016): {count} events")
    assert sum(len(t.x) for t in widget.figure.data) == count
    assert widget.events.value.count("<li>") == count


def test_timeline_widget_phase_change_updates_everything():
    widget = agreement.AgreementTimeline(TIMELINE)
    widget.phase.value = "collapse"
    rows = agreement.phase_rows(TIMELINE, "collapse")
    assert widget.figure.layout.title.text.endswith(f"collapse (19 Sep 2016 to 3 Oct 2016): {len(rows)} events")
    assert tuple(widget.figure.layout.xaxis.range) == ("2016-09-18", "2016-10-04")
    counts = rows["category"].value_counts()
    assert [len(t.x) for t in widget.figure.data] == [int(counts.get(c, 0)) for c in EVENT_CATEGORIES]
    assert f"{counts['diplomacy']} diplomacy" in widget.description.value
    assert widget.events.value.count("<li>") == len(rows)
    widget.phase.value = "road to Geneva"
    assert sum(len(t.x) for t in widget.figure.data) == len(agreement.phase_rows(TIMELINE, "road to Geneva"))
    assert "Castello Road" in widget.events.value


def test_place_stops_come_from_their_table_point_at_known_places_and_cite():
    known = set(data.places()["place_id"])
    stops = agreement.place_stops()
    keys = [stop[0] for stop in stops]
    assert len(keys) == len(set(keys)) == len(data.load_table("place_stops"))
    for key, label, place_id, note in stops:
        assert place_id in known
        assert len(note) > 60 and "(Sources: " in note and note.endswith(".)")
    notes = {key: note for key, _, _, note in stops}
    assert "piglix" not in " ".join(notes.values())
    assert "Commission of Inquiry" in notes["urum-al-kubra"]          # the 2017 finding beside the BOI's


# ---- the tables' own checks -----------------------------------------------------------------------------

from conftest import edit_csv    # noqa: E402
from ceasefire.errors import DataError    # noqa: E402


def test_a_phase_with_a_key_date_may_not_carry_its_own_dates(data_copy):
    edit_csv(data_copy / "agreement_phases.csv", ',,,sep-army-calm,', ',2016-09-12 00:00,2016-09-19 00:00,sep-army-calm,')
    with pytest.raises(DataError, match="takes its dates from key_dates.csv"):
        data.load_table("agreement_phases", data_copy)


def test_a_phase_without_a_key_date_needs_both_dates_running_forward(data_copy):
    edit_csv(data_copy / "agreement_phases.csv", '2016-09-19 00:00,2016-10-03 23:59', '2016-10-03 23:59,2016-09-19 00:00')
    with pytest.raises(DataError, match="'end' .* is before 'start'"):
        data.load_table("agreement_phases", data_copy)


def test_a_slip_needs_a_known_verdict(data_copy):
    edit_csv(data_copy / "slips.csv", ",wording,debatable,ap-2015-isis-names", ",wording,arguable,ap-2015-isis-names")
    with pytest.raises(DataError, match="'arguable' is not allowed; use one of: error, debatable"):
        data.load_table("slips", data_copy)


def test_a_band_and_its_label_are_what_add_vrect_draws():
    """phase_figure writes its shaded bands out (display.timeline.band, band_label) instead of calling
    fig.add_vrect (which validates the whole figure again); they must stay what add_vrect gives."""
    import plotly.graph_objects as go

    from ceasefire.display import timeline as figures

    start, end = data.key_date("sep-army-calm")
    fig = go.Figure().add_vrect(x0=figures.moment(start), x1=figures.moment(end), fillcolor="#123456", opacity=0.2,
                                line_width=0, annotation_text="a label", annotation_position="top left")
    ours = go.Figure(layout=dict(shapes=[figures.band(start, end, "#123456", 0.2)],
                                 annotations=[figures.band_label(start, "a label")]))
    assert ours.layout.to_plotly_json() == fig.layout.to_plotly_json()
