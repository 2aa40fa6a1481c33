"""Lesson 02 helpers: the September 2016 terms, the column beside the record, the cooperation ladder and
the timeline explorer of the arrangement."""

import pandas as pd
import pytest

from ceasefire import agreement, data
from ceasefire.data import ENFORCEMENT, EVENT_CATEGORIES
from ceasefire.display import description_of

TERMS = data.terms()
TIMELINE = data.timeline()


def test_agreement_terms_selects_one_agreement():
    september = agreement.agreement_terms(TERMS)
    assert list(september["term_id"]) == [f"S{n:02d}" for n in range(1, 11)]
    assert set(agreement.agreement_terms(TERMS, "feb-2016")["agreement"]) == {"feb-2016"}
    with pytest.raises(ValueError, match="agreement must be one of: feb-2016, sep-2016"):
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
    assert row["who commits"] == "Government of Syria, Mainstream armed opposition"
    assert row["column"] == "[P15]" and "TASS, 27 Sep 2016" in row["sources"]
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
    assert by_term.loc["S10 Five unpublished documents", "the column"] == "not mentioned"


def test_commitments_figure_has_a_dot_per_party_per_term():
    fig = agreement.commitments_figure()
    dots = sum(len(t.x) for t in fig.data)
    assert dots == sum(len(data.split(c)) for c in agreement.agreement_terms(TERMS)["parties"])
    assert [t.name for t in fig.data] == list(ENFORCEMENT)
    assert fig.layout.title.text == "Who commits to what, 10 terms of the sep-2016 arrangement"
    text = description_of(fig)
    assert "United States 8" in text and "Government of Syria 4" in text and "5 term(s) none" in text


def test_cooperation_ladder_names_sources():
    ladder = agreement.cooperation_ladder()
    assert list(ladder["column"]) == ["[P04]", "[P03]", "[P05]"]
    assert "Reuters (via Roll Call), 21 Oct 2015" in ladder.loc[0, "sources"]
    assert ladder.loc[2, "sources"] == "the column itself"


@pytest.mark.parametrize("phase, count", [("road to Geneva", 11), ("the seven days", 6), ("collapse", 8),
                                          ("the whole story", 26)])
def test_phase_rows_pick_the_window(phase, count):
    rows = agreement.phase_rows(TIMELINE, phase)
    assert len(rows) == count
    start, end = agreement.PHASES[phase]
    assert rows["date"].min() >= pd.Timestamp(start)
    assert rows["date"].max() <= pd.Timestamp(end)


def test_phase_rows_rejects_unknown_phase():
    with pytest.raises(ValueError, match="phase must be one of: road to Geneva"):
        agreement.phase_rows(TIMELINE, "aftermath")


def test_phase_figure_title_range_marks_and_description():
    fig = agreement.phase_figure(TIMELINE, "the seven days")
    assert fig.layout.title.text == ("The September 2016 arrangement, the seven days "
                                     "(12 Sep 2016 to 18 Sep 2016): 6 events")
    assert tuple(fig.layout.xaxis.range) == ("2016-09-11", "2016-09-19")
    assert [t.name for t in fig.data] == list(EVENT_CATEGORIES)
    assert sum(len(t.x) for t in fig.data) == 6
    assert fig.layout.shapes[0].x0 == "2016-09-12"
    assert "1 diplomacy, 4 military, 1 humanitarian" in description_of(fig)


def test_phase_description_when_empty():
    assert "No event" in agreement.phase_description(TIMELINE.iloc[0:0], "collapse")


def test_events_html_lists_dates_paragraphs_and_sources():
    rows = agreement.phase_rows(TIMELINE, "collapse")
    text = agreement.events_html(rows, data.sources())
    assert text.count("<li>") == 8
    assert "<b>19 Sep 2016</b> (military) [P09]" in text and "Reuters, 19 Sep 2016" in text
    assert "No events" in agreement.events_html(rows.iloc[0:0], data.sources())


def test_timeline_widget_starts_with_the_whole_story():
    widget = agreement.AgreementTimeline(TIMELINE)
    assert widget.figure.layout.title.text.endswith("the whole story (1 Jul 2016 to 31 Oct 2016): 26 events")
    assert sum(len(t.x) for t in widget.figure.data) == 26
    assert widget.events.value.count("<li>") == 26


def test_timeline_widget_phase_change_updates_everything():
    widget = agreement.AgreementTimeline(TIMELINE)
    widget.phase.value = "collapse"
    assert widget.figure.layout.title.text.endswith("collapse (19 Sep 2016 to 3 Oct 2016): 8 events")
    assert tuple(widget.figure.layout.xaxis.range) == ("2016-09-18", "2016-10-04")
    assert [len(t.x) for t in widget.figure.data] == [5, 2, 1]
    assert "5 diplomacy, 2 military, 1 humanitarian" in widget.description.value
    assert widget.events.value.count("<li>") == 8
    widget.phase.value = "road to Geneva"
    assert sum(len(t.x) for t in widget.figure.data) == 11
    assert "Castello Road" in widget.events.value


def test_place_stops_point_at_known_places_and_cite():
    known = set(data.places()["place_id"])
    keys = [stop[0] for stop in agreement.PLACE_STOPS]
    assert len(keys) == len(set(keys))
    for key, label, place_id, note in agreement.PLACE_STOPS:
        assert place_id in known
        assert "(" in note and len(note) > 60
