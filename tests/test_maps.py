"""Offline maps: outline rings, place markers, the highlight star, and the PlaceMap widget."""

import pytest

from ceasefire import data
from ceasefire.lessons import lesson02_agreement as agreement
from ceasefire.display import maps
from ceasefire.display import FOCUS_LAND, LAND, description_of
from ceasefire.errors import CourseError

PLACES = data.places()
OUTLINE = data.load_outline()
TIMELINE = data.timeline()
STOPS = agreement.place_stops()


def test_pick_keeps_order_and_rejects_unknown_ids():
    assert list(maps.pick(PLACES, ["tartus", "aleppo"])["place_id"]) == ["tartus", "aleppo"]
    with pytest.raises(CourseError, match="'atlantis' not in places.csv; choose from the known places: "):
        maps.pick(PLACES, ["aleppo", "atlantis"])


def test_outline_traces_are_filled_rings_inside_the_frame():
    traces = maps.outline_traces(OUTLINE)
    names = [t.name for t in traces]
    assert "Syria" in names and {"Iraq", "Turkey", "Lebanon", "Jordan", "Israel"} <= set(names)
    assert len(traces) < OUTLINE["ring"].nunique()      # Turkey's far-western rings are left out
    for trace in traces:
        assert trace.fill == "toself" and trace.hoverinfo == "skip"
        assert trace.x[0] == trace.x[-1] and trace.y[0] == trace.y[-1]       # closed rings
        assert trace.fillcolor == (FOCUS_LAND if trace.name == "Syria" else LAND)


def test_outline_traces_take_another_frame():
    west = maps.outline_traces(OUTLINE, lon=(32.0, 43.0), lat=(31.8, 38.2))
    assert "Cyprus" in {t.name for t in west}
    assert {t.name for t in maps.outline_traces(OUTLINE, lon=(38.0, 44.0), lat=(31.0, 33.0))} == {
        "Syria", "Iraq", "Jordan"}


def test_syria_map_axes_keep_shapes_true():
    fig = maps.syria_map(PLACES, OUTLINE)
    assert fig.layout.yaxis.scaleanchor == "x"
    assert fig.layout.yaxis.scaleratio == pytest.approx(1.22, abs=0.01)
    assert tuple(fig.layout.xaxis.range) == maps.FRAME_LON
    assert fig.layout.title.text == f"Places on the map ({len(PLACES)})"
    assert len(fig.data[-1].x) == 0                       # no star


def test_syria_map_marks_places_inside_the_frame_and_names_those_outside():
    fig = maps.syria_map(PLACES, OUTLINE)
    markers = fig.data[-2]
    assert len(markers.x) == len(PLACES) - 1               # Geneva is outside
    assert all(maps.in_frame(lon, lat) for lon, lat in zip(markers.x, markers.y))
    text = description_of(fig)
    assert "Outside the frame and not drawn: Geneva (Switzerland)." in text
    assert "Golan Heights" in text and "occupied Syrian territory" in text


def test_highlight_puts_a_star_on_the_place():
    fig = maps.syria_map(PLACES, OUTLINE, highlight="fallujah")
    star = fig.data[-1]
    assert list(star.x) == [pytest.approx(43.77944)] and list(star.text) == ["Fallujah"]
    assert fig.layout.title.text == "Highlighted: Fallujah (Iraq)"
    assert "Highlighted with a star: Fallujah (Iraq), at 33.35° N, 43.78° E." in description_of(fig)


def test_highlight_uses_the_nudged_map_position():
    star = maps.syria_map(PLACES, OUTLINE, highlight="tartus").data[-1]
    row = PLACES.set_index("place_id").loc["tartus"]
    assert (star.x[0], star.y[0]) == (row["map_lon"], row["map_lat"]) != (row["lon"], row["lat"])


def test_highlight_outside_the_frame_draws_no_star():
    fig = maps.syria_map(PLACES, OUTLINE, highlight="geneva")
    assert len(fig.data[-1].x) == 0
    assert fig.layout.title.text.endswith("(outside this map)")
    assert "lies outside the frame, so no star is drawn" in description_of(fig)


def test_highlight_must_be_on_the_map():
    few = maps.pick(PLACES, ["aleppo", "damascus"])
    with pytest.raises(CourseError, match="Cannot highlight 'tartus': .*; choose one of aleppo, damascus"):
        maps.syria_map(few, OUTLINE, highlight="tartus")


def test_events_at_filters_by_place_and_dates():
    rows = maps.events_at(TIMELINE, "aleppo", "2016-07-01", "2016-10-31")
    everything = TIMELINE[TIMELINE["place"] == "aleppo"]
    assert len(rows) == everything["date"].between("2016-07-01", "2016-10-31").sum() >= 5
    assert set(rows["place"]) == {"aleppo"}
    assert len(maps.events_at(TIMELINE, "aleppo", "2016-09-12 19:00", "2016-09-18 23:59")) == \
        len(maps.events_at(TIMELINE, "aleppo", "2016-09-12", "2016-09-18"))      # whole days
    assert len(maps.events_at(TIMELINE, "aleppo")) > len(rows)
    assert maps.events_at(TIMELINE, "damascus", "2016-07-01", "2016-10-31").empty


def test_place_map_starts_on_the_first_stop():
    widget = maps.PlaceMap(PLACES, OUTLINE, TIMELINE, STOPS)
    assert widget.place.value == STOPS[0][0]
    assert widget.figure.layout.title.text == "Highlighted: Aleppo"
    assert list(widget.figure.data[-1].text) == ["Aleppo"]
    assert "Figure description" in widget.description.value
    assert "Events placed here in the course timeline" in widget.details.value


def test_place_map_dropdown_moves_the_star_and_updates_texts():
    widget = maps.PlaceMap(PLACES, OUTLINE, TIMELINE, STOPS)
    widget.place.value = "jabal-thurdah"
    row = PLACES.set_index("place_id").loc["jabal-thurdah"]
    assert tuple(widget.figure.data[-1].x) == (row["map_lon"],)
    assert widget.figure.layout.title.text == "Highlighted: Jabal Thurdah, Deir ez-Zor"
    assert "35.26° N, 40.11° E" in widget.description.value
    assert "17 Sep 2016" in widget.details.value and "coalition" in widget.details.value


def test_place_map_handles_shared_and_outside_places():
    widget = maps.PlaceMap(PLACES, OUTLINE, TIMELINE, STOPS)
    widget.place.value = "castello-road"
    assert widget.figure.layout.title.text == "Highlighted: Castello Road (Aleppo)"
    assert "demilitarised" in widget.details.value
    widget.place.value = "damascus"
    assert "Events placed here in the course timeline (" in widget.details.value      # no window: all of them
    window = agreement.place_map()
    window.place.value = "damascus"
    assert ("No event in the course timeline between 1 Jul 2016 and 31 Oct 2016 is placed here."
            in window.details.value)
    window.place.value = "aleppo"
    assert "between 1 Jul 2016 and 31 Oct 2016 (" in window.details.value and "2013" not in window.details.value
    widget.place.value = "geneva"
    assert len(widget.figure.data[-1].x) == 0
    assert widget.figure.layout.title.text == "Highlighted: Geneva (talks of 9 Sep) (outside this map)"
    assert "no star is drawn" in widget.description.value


def test_place_map_needs_stops_with_known_places():
    with pytest.raises(ValueError, match="at least one stop"):
        maps.PlaceMap(PLACES, OUTLINE, TIMELINE, [])
    with pytest.raises(CourseError, match="not in places.csv"):
        maps.PlaceMap(PLACES, OUTLINE, TIMELINE, [("x", "X", "nowhere", "a note")])


def test_the_golan_note_comes_from_its_table_with_a_un_source():
    notes = data.load_table("map_notes").set_index("note_id")
    assert maps.map_note() == notes.loc["golan", "note"]
    assert "unsc-res-497" in data.split(notes.loc["golan", "source"])
    assert maps.map_note() in description_of(maps.syria_map(PLACES, OUTLINE))
