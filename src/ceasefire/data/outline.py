"""The base map: country outlines from data/syria_outline.geojson, checked vertex by vertex.

Outlines are drawn by plotly as closed lines, so the course needs no map tiles and no internet.
"""

import json
from pathlib import Path

import pandas as pd

from ceasefire.data.tables import label
from ceasefire.errors import DataError
from ceasefire.paths import data_dir as default_data_dir

OUTLINE_FILE = "syria_outline.geojson"


def _document(path: Path, name: str) -> dict:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{name} is missing. Rebuild it with `make data`.") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"{name} is not valid GeoJSON text: {exc}.") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise DataError(f"{name}: expected a GeoJSON FeatureCollection with a 'features' list.")
    return doc


def _polygons(feature, where: str):
    """(country name, role, polygons) of one Feature; `where` names it in messages."""
    if not isinstance(feature, dict):
        raise DataError(f"{where}: expected a GeoJSON Feature object.")
    props = feature.get("properties") or {}
    geom = feature.get("geometry") or {}
    country = props.get("name")
    if not country or props.get("role") not in ("focus", "context"):
        raise DataError(f"{where}: needs properties 'name' and 'role' (focus or context).")
    if geom.get("type") == "Polygon":
        return country, props["role"], [geom.get("coordinates")]
    if geom.get("type") == "MultiPolygon":
        return country, props["role"], geom.get("coordinates")
    raise DataError(f"{where} ({country}): geometry must be a Polygon or MultiPolygon.")


def _is_lon_lat(point) -> bool:
    return (isinstance(point, list) and len(point) >= 2
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in point[:2])
            and -180 <= point[0] <= 180 and -90 <= point[1] <= 90)


def load_outline(folder=None) -> pd.DataFrame:
    """Country outlines as one row per vertex: country, role ('focus' for Syria), ring, order, lon, lat.
    Rings are what plotly needs to draw each polygon as a closed line, with no map tiles or internet."""
    folder = Path(folder) if folder else default_data_dir()
    path = folder / OUTLINE_FILE
    name = label(path)
    records, ring_no = [], 0
    for n, feature in enumerate(_document(path, name)["features"], start=1):
        country, role, polygons = _polygons(feature, f"{name}, feature {n}")
        for ring in (ring for polygon in polygons or [] for ring in polygon or []):
            ring_no += 1
            for order, point in enumerate(ring):
                if not _is_lon_lat(point):
                    raise DataError(f"{name}, feature {n} ({country}), vertex {order + 1}: {point!r} is not a "
                                    "[longitude, latitude] pair.")
                records.append((country, role, ring_no, order, float(point[0]), float(point[1])))
    if not records:
        raise DataError(f"{name} has no outline vertices.")
    return pd.DataFrame(records, columns=["country", "role", "ring", "order", "lon", "lat"])
