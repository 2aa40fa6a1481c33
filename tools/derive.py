"""Build the course's derived data tables from the raw material in ../shared/data.

Run `make data` (or `.venv/bin/python tools/derive.py --shared ../shared/data`). The raw files stay out of
the repository; what is written here is small and committed, and a test re-derives it to prove the
committed copy has not drifted from the source.

Counting rule for deaths (UCDP GED Syria 652.1601.1911, CC BY 4.0):
- `deaths` is UCDP's best estimate summed over events that start AND end in the month. This is the
  cleanest month-to-month comparison; it leaves out the multi-month aggregate events (UCDP places a
  few year-long SOHR summaries on 1 January), which `deaths_by_start` includes.
- `deaths_by_start` counts every event in the month it starts (UCDP's own yearly rule).
- `deaths_prorated` spreads each event evenly over its days (an estimate by the shared data's
  compiler, not a UCDP figure).
- The daily table keeps only events dated to the exact day, so its sums are below the monthly ones.
"""

import argparse
import csv
import io
import json
import math
import sys
from pathlib import Path

from ceasefire.data import OUTLINE_FILE, TABLES
from ceasefire.errors import CourseError
from ceasefire.files import write_atomic

UCDP_SOURCE = "ucdp-ged-syria"
MONTHLY_RAW = "ucdp_ged_syria_monthly_2016-01_2019-11.csv"
DAILY_RAW = "ucdp_ged_syria_daily_exactdate_2016.csv"
PLACES_RAW = "places.csv"
OUTLINE_RAW = "syria_neighbours_naturalearth_50m.geojson"

# Raw place name -> (place_id, source ids). Source ids point into data/sources.csv.
PLACE_IDS = {
    "Damascus": ("damascus", UCDP_SOURCE),
    "Aleppo": ("aleppo", UCDP_SOURCE),
    "Idlib": ("idlib", UCDP_SOURCE),
    "Raqqa (Ar Raqqah)": ("raqqa", UCDP_SOURCE),
    "Deir ez-Zor": ("deir-ez-zor", UCDP_SOURCE),
    "Deir ez-Zor airport": ("deir-ez-zor-airport", UCDP_SOURCE),
    "Jabal Thurdah (site of 17 Sep 2016 coalition strike)": ("jabal-thurdah", UCDP_SOURCE),
    "Palmyra (Tadmur)": ("palmyra", UCDP_SOURCE),
    "Homs": ("homs", UCDP_SOURCE),
    "Latakia": ("latakia", UCDP_SOURCE),
    "Tartus": ("tartus", f"{UCDP_SOURCE};rferl-2016-10-10-tartus"),
    "Hmeimim (Khmeimim) air base": ("hmeimim", "wikipedia-khmeimim-air-base"),
    "Manbij": ("manbij", UCDP_SOURCE),
    "Kobani (Ayn al-Arab)": ("kobani", UCDP_SOURCE),
    "Urum al-Kubra": ("urum-al-kubra", UCDP_SOURCE),
    "Fallujah": ("fallujah", "wikipedia-fallujah"),
    "Mosul": ("mosul", "wikipedia-mosul"),
    "Geneva": ("geneva", "wikipedia-geneva"),
}

OUTLINE_TOLERANCE_DEG = 0.02   # Douglas-Peucker tolerance: ~2 km, invisible at country scale
OUTLINE_DECIMALS = 3           # ~100 m
NUDGE_STEP_DEG = 0.01
NUDGE_MARGIN_STEPS = 2         # stop a little inside the coast line, not on it


def _read_csv(path: Path):
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    except FileNotFoundError:
        raise CourseError(f"Raw file {path} is missing: point --shared at the shared data folder.") from None


def _write_table(out: Path, name: str, rows) -> Path:
    """Write table `name` of data.TABLES into `out` under its file name, its header from the schema (so
    the derived files and the loader that checks them cannot disagree on columns)."""
    table = TABLES[name]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.column_names)
    writer.writerows(rows)
    return write_atomic(out / table.filename, buffer.getvalue())


def monthly_rows(raw_rows):
    return [(r["month"], r["best_within"], r["low_within"], r["high_within"], r["civilians_within"],
             r["best_start"], r["best_prorated"], UCDP_SOURCE) for r in raw_rows]


def daily_rows(raw_rows):
    return [(r["date"], r["best"], r["civilians"], UCDP_SOURCE) for r in raw_rows]


# ---- geometry: simplify outlines, keep map markers on land ---------------------------------------

def _point_line_distance(p, a, b):
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    if dx == dy == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def simplify(points, tolerance):
    """Douglas-Peucker line simplification (iterative, so long rings cannot hit the recursion limit)."""
    if len(points) < 3:
        return list(points)
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, None
        for i in range(first + 1, last):
            d = _point_line_distance(points[i], points[first], points[last])
            if d > best:
                best, index = d, i
        if index is not None and best > tolerance:
            keep.add(index)
            stack += [(first, index), (index, last)]
    return [points[i] for i in sorted(keep)]


def simplify_ring(ring, tolerance=OUTLINE_TOLERANCE_DEG, decimals=OUTLINE_DECIMALS):
    out = []
    for lon, lat in simplify([tuple(p[:2]) for p in ring], tolerance):
        point = [round(lon, decimals), round(lat, decimals)]
        if not out or out[-1] != point:
            out.append(point)
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out if len(out) >= 4 else None   # a closed ring needs at least 3 distinct corners


def point_in_ring(lon, lat, ring):
    """Ray casting: is (lon, lat) inside the closed ring?"""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > lat) != (y2 > lat):
            cross = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < cross:
                inside = not inside
    return inside


def polygons_of(feature):
    geom = feature["geometry"]
    return [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]


def point_in_feature(lon, lat, feature):
    for polygon in polygons_of(feature):
        if point_in_ring(lon, lat, polygon[0]) and not any(point_in_ring(lon, lat, h) for h in polygon[1:]):
            return True
    return False


def simplify_outline(doc):
    features = []
    for feature in doc["features"]:
        polygons = []
        for polygon in polygons_of(feature):
            rings = [simplify_ring(r) for r in polygon]
            if rings and rings[0]:
                polygons.append([r for r in rings if r])
        props = {k: feature["properties"][k] for k in ("name", "iso_a3", "role")}
        geometry = ({"type": "Polygon", "coordinates": polygons[0]} if len(polygons) == 1
                    else {"type": "MultiPolygon", "coordinates": polygons})
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


def map_position(lat, lon, country_feature):
    """Where to draw a marker so it falls inside its country on the simplified outline: the true point
    if it is inside, else the nearest inside point (searched on growing circles) plus a small margin."""
    if country_feature is None or point_in_feature(lon, lat, country_feature):
        return None
    for step in range(1, 100):
        for degrees in range(0, 360, 10):
            angle = math.radians(degrees)
            dlat, dlon = math.sin(angle), math.cos(angle)
            r = step * NUDGE_STEP_DEG
            if point_in_feature(lon + r * dlon, lat + r * dlat, country_feature):
                r = (step + NUDGE_MARGIN_STEPS) * NUDGE_STEP_DEG
                if point_in_feature(lon + r * dlon, lat + r * dlat, country_feature):
                    return round(lat + r * dlat, 4), round(lon + r * dlon, 4)
    raise CourseError(f"Could not place the marker at {lat}, {lon} inside its country's outline.")


def place_rows(raw_rows, outline):
    by_name = {f["properties"]["name"]: f for f in outline["features"]}
    rows = []
    for raw in raw_rows:
        if raw["name"] not in PLACE_IDS:
            raise CourseError(f"places.csv has a new place {raw['name']!r}: add it to PLACE_IDS in derive.py.")
        place_id, source = PLACE_IDS[raw["name"]]
        # Only Syrian markers are checked: the map is drawn for Syria, other places are context.
        feature = by_name.get(raw["country"]) if raw["country"] == "Syria" else None
        nudged = map_position(float(raw["lat"]), float(raw["lon"]), feature)
        map_lat, map_lon = nudged or (raw["lat"], raw["lon"])
        rows.append((place_id, raw["name"], raw["lat"], raw["lon"], map_lat, map_lon, raw["country"],
                     raw["kind"], source))
    return rows


def derive_all(shared_data: Path, out: Path) -> list:
    """Write every derived table into `out`; return the paths written."""
    shared_data, out = Path(shared_data), Path(out)
    written = [_write_table(out, "deaths_monthly", monthly_rows(_read_csv(shared_data / MONTHLY_RAW))),
               _write_table(out, "deaths_daily", daily_rows(_read_csv(shared_data / DAILY_RAW)))]
    try:
        raw_outline = json.loads((shared_data / OUTLINE_RAW).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CourseError(f"Raw file {shared_data / OUTLINE_RAW} is missing.") from None
    outline = simplify_outline(raw_outline)
    written.append(write_atomic(out / OUTLINE_FILE, json.dumps(outline, separators=(",", ":")) + "\n"))
    written.append(_write_table(out, "places", place_rows(_read_csv(shared_data / PLACES_RAW), outline)))
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description="Derive the course's data tables from ../shared/data.")
    parser.add_argument("--shared", default="../shared/data", help="folder with the raw files")
    parser.add_argument("--out", default="data", help="folder to write the derived tables into")
    args = parser.parse_args(argv)
    try:
        for path in derive_all(Path(args.shared), Path(args.out)):
            print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    except CourseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
