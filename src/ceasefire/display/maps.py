"""Maps that need no internet: country outlines from data/syria_outline.geojson drawn as plain plotly
lines (one filled trace per ring), with markers at the places of data/places.csv.

No map tiles, no scatter_geo (plotly.js would fetch its world map from a CDN). Longitude is x and
latitude is y; at Syria's latitude a degree of longitude is shorter than a degree of latitude, so the
y axis is stretched by 1/cos(35°) to keep shapes true.
"""

import functools
import html
import math

import pandas as pd
import plotly.graph_objects as go

from ceasefire.data import short_date
from ceasefire.display import FOCUS_LAND, LAND, PALETTE, describe
from ceasefire.display.controls import ChoiceError, Dropdown
from ceasefire.display.explorer import FigureExplorer, described, html_panel
from ceasefire.display.timeline import filter_timeline
from ceasefire.errors import CourseError

# The frame: Syria with a margin wide enough for Fallujah and Mosul in Iraq and the Lebanese coast.
FRAME_LON = (34.0, 44.6)
FRAME_LAT = (31.9, 37.8)
SCALE_RATIO = round(1 / math.cos(math.radians(35)), 3)     # 1.221
HIGHLIGHT = PALETTE[4]     # vermillion
MARKER = PALETTE[3]        # blue


@functools.lru_cache(maxsize=None)
def map_note(note_id: str = "golan") -> str:
    """A note every map carries in its description, from data/map_notes.csv (sourced there): by default
    the Golan Heights, which the outlines draw inside Israel."""
    from ceasefire import data
    notes = data.load_table("map_notes").set_index("note_id")["note"]
    return notes[note_id]

# Where the country names are written (a cartographic choice, not data).
# (name, lon, lat, arrow offset in pixels or None): small countries are labelled out at sea with an arrow.
COUNTRY_LABELS = (("SYRIA", 38.9, 35.15, None), ("TURKEY", 39.6, 37.55, None), ("IRAQ", 42.7, 34.6, None),
                  ("JORDAN", 37.6, 32.1, None), ("LEBANON", 35.9, 34.0, (-60, -5)),
                  ("ISRAEL", 35.25, 32.95, (-50, 0)))


def in_frame(lon, lat) -> bool:
    return FRAME_LON[0] <= lon <= FRAME_LON[1] and FRAME_LAT[0] <= lat <= FRAME_LAT[1]


def pick(places: pd.DataFrame, ids) -> pd.DataFrame:
    """The rows of places.csv with these ids, in the order given."""
    ids = list(ids)
    unknown = [i for i in ids if i not in set(places["place_id"])]
    if unknown:
        raise CourseError(f"{', '.join(map(repr, unknown))} not in places.csv; choose from the known places: "
                          f"{', '.join(places['place_id'])}.")
    return places.set_index("place_id").loc[ids].reset_index()


def outline_traces(outline: pd.DataFrame, lon=FRAME_LON, lat=FRAME_LAT):
    """One filled line trace per ring of the outline that reaches into the frame (`lon` and `lat`, each
    (low, high)); Syria in a lighter fill."""
    traces = []
    for ring, part in outline.sort_values(["ring", "order"]).groupby("ring", sort=True):
        if not (part["lon"].max() >= lon[0] and part["lon"].min() <= lon[1]
                and part["lat"].max() >= lat[0] and part["lat"].min() <= lat[1]):
            continue
        focus = part["role"].iloc[0] == "focus"
        traces.append(go.Scatter(
            x=part["lon"].tolist(), y=part["lat"].tolist(), mode="lines", fill="toself",
            fillcolor=FOCUS_LAND if focus else LAND, name=part["country"].iloc[0],
            line=dict(color="#555555" if focus else "#aaaaaa", width=1.6 if focus else 0.8),
            hoverinfo="skip", showlegend=False))
    return traces


def _place_label(row) -> str:
    return f"{row['name']} ({row['country']})"


def highlight_trace(places: pd.DataFrame, highlight=None) -> go.Scatter:
    """The highlighted place as a big labelled marker; empty when there is none or it lies outside the frame."""
    row = None
    if highlight is not None:
        match = places[places["place_id"] == highlight]
        if match.empty:
            raise CourseError(f"Cannot highlight {highlight!r}: it is not among the places on this map; choose "
                              f"one of {', '.join(places['place_id'])}.")
        row = match.iloc[0]
        if not in_frame(row["map_lon"], row["map_lat"]):
            row = None
    return go.Scatter(
        x=[] if row is None else [row["map_lon"]], y=[] if row is None else [row["map_lat"]],
        mode="markers+text", name="highlighted", text=[] if row is None else [row["name"]],
        textposition="top center", textfont=dict(size=13, color="#222222"),
        marker=dict(size=16, color=HIGHLIGHT, symbol="star", line=dict(width=1, color="white")),
        hovertemplate="%{text}<extra></extra>", showlegend=False)


def map_title(places: pd.DataFrame, highlight=None, label=None) -> str:
    """'Places on the map (n)', or 'Highlighted: <label>' with a note when the place lies outside the frame."""
    if highlight is None:
        return f"Places on the map ({len(places)})"
    row = places[places["place_id"] == highlight].iloc[0]
    where = "" if in_frame(row["map_lon"], row["map_lat"]) else " (outside this map)"
    return f"Highlighted: {label or _place_label(row)}{where}"


def map_description(places: pd.DataFrame, highlight=None) -> str:
    inside = places[[in_frame(lo, la) for lo, la in zip(places["map_lon"], places["map_lat"])]]
    outside = places[~places["place_id"].isin(inside["place_id"])]
    text = (f"Outline map of Syria, lightly shaded, and its neighbours, with {len(inside)} places marked: "
            f"{', '.join(_place_label(r) for _, r in inside.iterrows())}.")
    if not outside.empty:
        text += f" Outside the frame and not drawn: {', '.join(_place_label(r) for _, r in outside.iterrows())}."
    if highlight is not None:
        row = places[places["place_id"] == highlight].iloc[0]
        if in_frame(row["map_lon"], row["map_lat"]):
            text += (f" Highlighted with a star: {_place_label(row)}, at {row['lat']:.2f}° N, "
                     f"{row['lon']:.2f}° E.")
        else:
            text += f" The place chosen, {_place_label(row)}, lies outside the frame, so no star is drawn."
    return f"{text} {map_note()}"


def syria_map(places: pd.DataFrame, outline: pd.DataFrame, highlight=None, title=None) -> go.Figure:
    """An offline map: outlines, a marker per place inside the frame, and a star on `highlight` (a place_id).

    Traces, in order: the outline rings, the places, the highlight (always last, possibly empty), so that
    a widget can move the star by updating the last trace."""
    inside = places[[in_frame(lo, la) for lo, la in zip(places["map_lon"], places["map_lat"])]]
    markers = go.Scatter(
        x=inside["map_lon"].tolist(), y=inside["map_lat"].tolist(), mode="markers", name="places",
        marker=dict(size=9, color=MARKER, line=dict(width=1, color="white")),
        customdata=[_place_label(r) for _, r in inside.iterrows()],
        hovertemplate="%{customdata}<extra></extra>", showlegend=False)
    # Labels and layout given to go.Figure at once: add_annotation and update_layout each validate the
    # whole figure again, outlines included (~30 ms for a place map's first build).
    labels = [dict(x=lon, y=lat, text=name, font=dict(size=14 if name == "SYRIA" else 11, color="#777777"),
                   **(dict(showarrow=True, ax=arrow[0], ay=arrow[1], arrowcolor="#aaaaaa", arrowwidth=1, arrowhead=0)
                      if arrow else dict(showarrow=False)))
              for name, lon, lat, arrow in COUNTRY_LABELS]
    labels.append(dict(x=34.75, y=34.6, text="<i>Mediterranean</i>", showarrow=False,
                       font=dict(size=11, color="#6a8caf")))
    fig = go.Figure(outline_traces(outline) + [markers, highlight_trace(places, highlight)], layout=dict(
        annotations=labels, title=title or map_title(places, highlight), height=520, plot_bgcolor="#eef4f8",
        margin=dict(l=50, r=20, t=60, b=40),
        xaxis=dict(range=list(FRAME_LON), title="longitude (° E)", showgrid=False, zeroline=False),
        yaxis=dict(range=list(FRAME_LAT), title="latitude (° N)", showgrid=False, zeroline=False,
                   scaleanchor="x", scaleratio=SCALE_RATIO)))
    return describe(fig, map_description(places, highlight))


# ---- a map that tells the story of a place --------------------------------------------------------------

def events_at(timeline: pd.DataFrame, place_id: str, start=None, end=None) -> pd.DataFrame:
    """The timeline's events placed at `place_id`, optionally between two dates (inclusive)."""
    return filter_timeline(timeline, start=start, end=end, place=place_id)


def _window_words(start, end) -> str:
    """'between 1 Jul 2016 and 31 Oct 2016', 'from 1 Jul 2016', 'up to 31 Oct 2016'."""
    if start is not None and end is not None:
        return f"between {short_date(pd.Timestamp(start))} and {short_date(pd.Timestamp(end))}"
    return f"from {short_date(pd.Timestamp(start))}" if start is not None else f"up to {short_date(pd.Timestamp(end))}"


class PlaceMap(FigureExplorer):
    """Choose a place from a menu: it is starred on the map, and the title, the figure description and
    a note on what happened there follow.

    `stops` is a list of (key, label, place_id, note) tuples: several stops may share a place (the Castello
    Road is drawn at Aleppo's marker, for instance); the note is shown above the place's events in
    `timeline`, those between `start` and `end` (inclusive; either may be None for no limit)."""

    def __init__(self, places: pd.DataFrame, outline: pd.DataFrame, timeline: pd.DataFrame, stops,
                 start=None, end=None):
        if not stops:
            raise ChoiceError("PlaceMap needs at least one stop to choose: (key, label, place_id, note).")
        self.stops = {key: (label, place_id, note) for key, label, place_id, note in stops}
        wanted = list(dict.fromkeys(place_id for _, _, place_id, _ in stops))
        self.places = pick(places, wanted)
        self.outline = outline
        self.timeline = timeline
        self.start, self.end = start, end
        self.place = Dropdown([(label, key) for key, label, _, _ in stops], stops[0][0], description="Place")
        self.details = html_panel()
        super().__init__([self.place], panels=[self.details])

    def build(self):
        label, place_id, _ = self.stops[self.place.value]
        return described(syria_map(self.places, self.outline, place_id, title=map_title(self.places, place_id, label)))

    def after_update(self):
        self.details.value = self.details_html(*self.stops[self.place.value])

    def details_html(self, label, place_id, note) -> str:
        events = events_at(self.timeline, place_id, self.start, self.end)
        items = "".join(f"<li><b>{short_date(r.date)}</b>: {html.escape(r.event)}</li>"
                        for r in events.itertuples())
        when = "" if self.start is None and self.end is None else " " + _window_words(self.start, self.end)
        listing = (f"<p>Events placed here in the course timeline{when} ({len(events)}):</p><ul>{items}</ul>"
                   if items else f"<p>No event in the course timeline{when} is placed here.</p>")
        return f"<h3>{html.escape(label)}</h3><p>{html.escape(note)}</p>{listing}"
