"""The derived tables are what tools/derive.py makes from ../shared/data, and the geometry is sound."""

import json

import pytest

import derive
from ceasefire import data
from conftest import ROOT, SHARED

SHARED_DATA = SHARED / "data"


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data is not beside this checkout")
def test_committed_tables_match_a_fresh_derivation(tmp_path):
    written = derive.derive_all(SHARED_DATA, tmp_path)
    assert len(written) == 4
    for path in written:
        committed = (ROOT / "data" / path.name).read_text(encoding="utf-8")
        assert path.read_text(encoding="utf-8") == committed, f"data/{path.name} is stale: run `make data`"


def test_missing_raw_file_is_a_clear_error(tmp_path):
    with pytest.raises(derive.CourseError, match="point --shared at the shared data folder"):
        derive.derive_all(tmp_path / "nowhere", tmp_path)


def test_derived_tables_stay_small():
    for name in ("deaths_monthly.csv", "deaths_daily_2016.csv", "places.csv", "syria_outline.geojson"):
        assert (ROOT / "data" / name).stat().st_size < 50_000


def test_simplify_keeps_ends_and_drops_near_collinear_points():
    line = [(0, 0), (1, 0.001), (2, 0), (3, 5), (4, 0)]
    assert derive.simplify(line, 0.01) == [(0, 0), (2, 0), (3, 5), (4, 0)]
    assert derive.simplify(line, 0.0001) == line


def test_simplify_ring_closes_and_rejects_degenerate_rings():
    square = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
    assert derive.simplify_ring(square) == square
    assert derive.simplify_ring([[0, 0], [0.001, 0], [0, 0]]) is None


def test_point_in_ring():
    square = [(0, 0), (2, 0), (2, 2), (0, 2), (0, 0)]
    assert derive.point_in_ring(1, 1, square)
    assert not derive.point_in_ring(3, 1, square)


def test_every_syrian_marker_is_drawn_inside_syria():
    outline = json.loads((ROOT / "data" / "syria_outline.geojson").read_text())
    syria = next(f for f in outline["features"] if f["properties"]["name"] == "Syria")
    places = data.places()
    for row in places[places["country"] == "Syria"].itertuples():
        assert derive.point_in_feature(row.map_lon, row.map_lat, syria), row.place_id
        # a nudge is a small display correction, never a move to another town
        assert abs(row.map_lat - row.lat) < 0.1 and abs(row.map_lon - row.lon) < 0.1, row.place_id


def test_true_coordinates_are_kept():
    tartus = data.places().set_index("place_id").loc["tartus"]
    assert (tartus["lat"], tartus["lon"]) == (34.88902, 35.88659)


def test_outline_is_simplified_but_keeps_every_country():
    raw = json.loads((SHARED_DATA / derive.OUTLINE_RAW).read_text()) if SHARED_DATA.is_dir() else None
    ours = json.loads((ROOT / "data" / "syria_outline.geojson").read_text())
    assert len(ours["features"]) == 9
    if raw is not None:
        def count(doc):
            return sum(len(r) for f in doc["features"] for p in derive.polygons_of(f) for r in p)
        assert count(ours) < count(raw)
