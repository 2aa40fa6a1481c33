"""Loaders return validated DataFrames; broken files give messages naming file, line and column."""

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from ceasefire import data
from ceasefire.data import TABLES, DataError, check_all, load_outline, load_table
from ceasefire.errors import CourseError
from conftest import edit_csv, line_of


@pytest.mark.parametrize("name", list(TABLES))
def test_every_table_loads_with_its_columns(name):
    frame = load_table(name)
    assert list(frame.columns) == list(TABLES[name].column_names)
    assert len(frame) > 0
    if name != "sources":
        assert (frame["source"].str.len() > 0).all(), "every row must carry its source"


def test_committed_data_has_no_problems():
    assert check_all() == []


def test_types_are_converted():
    timeline = data.timeline()
    assert pd.api.types.is_datetime64_any_dtype(timeline["date"])
    monthly = data.deaths_monthly()
    assert monthly["deaths"].dtype == "int64"
    assert monthly["month"].iloc[0] == pd.Timestamp("2016-01-01")
    assert data.places()["lat"].dtype == "float64"


def test_content_floor_of_the_foundation_issue():
    assert list(data.article_map()["paragraph"]) == [f"P{n:02d}" for n in range(1, 20)]
    timeline = data.timeline()
    assert len(timeline) >= 30
    assert timeline["date"].min() >= pd.Timestamp("2013-01-01")
    assert timeline["date"].max() <= pd.Timestamp("2017-12-31")
    assert set(timeline["category"]) == {"diplomacy", "military", "humanitarian"}
    assert set(data.terms()["agreement"]) == {"feb-2016", "sep-2016"}
    assert {"syrian-government", "russia", "united-states", "turkey", "jfs", "isis", "ypg-sdf"} <= set(data.actors()["actor_id"])
    assert set(data.interests()["overlap"]) <= {"shared", "partial", "opposed"}
    assert len(data.slips()) == 13


def test_ucdp_figures_match_the_published_notes():
    """Figures quoted in ../shared/data/README.md and facts.md must survive the derivation."""
    monthly = data.deaths_monthly().set_index("month")
    assert monthly.loc["2016-04-01", "deaths"] == 2149
    assert monthly.loc["2016-04-01", "deaths_by_start"] == 2653
    assert monthly.loc["2016-03-01", "deaths"] == 2057
    assert monthly.loc["2016-02-01", "deaths"] == 3495
    daily = data.deaths_daily().set_index("date")
    assert daily.loc["2016-04-26", "deaths"] + daily.loc["2016-04-27", "deaths"] == 208
    assert daily.loc["2016-09-17", "deaths"] == 200


def test_low_above_best_is_accepted_as_published():
    """UCDP's own coding has low > best in some months (2016-01); the loader must not 'fix' it."""
    row = data.deaths_monthly().iloc[0]
    assert row["deaths_low"] > row["deaths"]


def test_sources_for_returns_the_rows_behind_a_row():
    timeline = data.timeline()
    found = data.sources_for(timeline, 0)
    assert set(found["source_id"]) == set(data.split(timeline.loc[0, "source"]))


# ---- citing sources ---------------------------------------------------------------------------

SOURCES = data.sources()


def test_source_label_handles_dated_undated_and_article():
    rows = SOURCES.set_index("source_id")
    dated = {**rows.loc["reuters-2016-09-17"].to_dict(), "source_id": "reuters-2016-09-17"}
    undated = {**rows.loc["reuters-2016-09-15"].to_dict(), "source_id": "reuters-2016-09-15", "date": pd.NaT}
    article = {**rows.loc["article"].to_dict(), "source_id": "article"}
    assert data.source_label(dated) == data.source_label(dated, full=True) == "Reuters, 17 Sep 2016"
    assert data.source_label(undated, full=True).endswith(", undated")
    assert data.source_label(undated) == rows.loc["reuters-2016-09-15", "publisher"]
    month = {**dated, "date_precision": "month"}
    about = {**dated, "date_precision": "approx"}
    assert (data.source_label(month), data.source_label(about)) == ("Reuters, Sep 2016", "Reuters, about 17 Sep 2016")
    assert "Russia Direct" in data.source_label(article, full=True)
    assert data.source_label(article) == "the column itself"


def test_source_labels_give_publisher_and_date():
    assert data.source_labels("reuters-2016-09-17", SOURCES) == ["Reuters, 17 Sep 2016"]
    assert data.source_labels("article;usatoday-2016-05-22", SOURCES) == [
        "the column itself", "USA Today, 22 May 2016"]
    with pytest.raises(ValueError, match="'nowhere' is not in sources.csv"):
        data.source_labels("nowhere", SOURCES)



def _each_source(cell):
    """The sources.csv rows of a cell, found in pandas row by row: an oracle independent of citation_maker."""
    return [SOURCES[SOURCES["source_id"] == sid].iloc[0] for sid in data.split(cell)]


def test_one_labeller_and_one_citer_serve_every_cell_in_its_own_order():
    """One labeller (and one inline citer) for many cells, as a table uses it: each source's citation is
    made once and reused, and every cell still gets its own sources, in its own order."""
    from ceasefire.display.citations import _inline, inline_citer

    labels, cite = data.source_labeller(SOURCES), inline_citer(SOURCES)
    cells = list(data.timeline()["source"]) + ["article;usatoday-2016-05-22", "usatoday-2016-05-22;article"]
    assert len({sid for cell in cells for sid in data.split(cell)}) < sum(len(data.split(c)) for c in cells)
    assert [labels(cell) for cell in cells] == [[data.source_label(r) for r in _each_source(c)] for c in cells]
    assert [cite(cell) for cell in cells] == ["; ".join(_inline(r) for r in _each_source(c)) for c in cells]
    # the rows behind them are sources.csv's own, value for value (undated rows included)
    undated = SOURCES.copy()
    undated.loc[3, "date"] = pd.NaT
    for table in (SOURCES, undated):
        assert data.cited_rows(list(table["source_id"]), table) == table.to_dict("records")
    assert pd.isna(data.cited_rows([undated.loc[3, "source_id"]], undated)[0]["date"])
    for made in (labels, cite):
        with pytest.raises(ValueError, match="'nowhere' is not in sources.csv"):
            made("reuters-2016-09-17;nowhere")


def test_a_sources_column_reads_as_joined_labels_cell_by_cell():
    cells = ["reuters-2016-09-17", "article;usatoday-2016-05-22", "usatoday-2016-05-22;article"]
    assert data.joined_labels(cells, SOURCES) == ["; ".join(data.source_labels(c, SOURCES)) for c in cells]
    assert data.joined_labels(cells, SOURCES)[1] == "the column itself; " + data.source_labels("usatoday-2016-05-22", SOURCES)[0]
    with pytest.raises(CourseError, match="'nowhere' is not in sources.csv"):
        data.joined_labels(["article", "nowhere"], SOURCES)


def test_sources_html_and_inline_link_and_reject_unknown_ids():
    from ceasefire.display.citations import sources_html, sources_inline   # HTML lives in the display layer

    block = sources_html("reuters-2013-09-14;opcw-2014-06-23", SOURCES)
    assert block.count("<li>") == 2 and "Reuters, 14 Sep 2013" in block and 'href="https://www.opcw.org' in block
    inline = sources_inline(["state-2016-09-19"], SOURCES)
    assert "US Department of State, 19 Sep 2016" in inline and "(primary)" in inline
    for fn in (sources_html, sources_inline, data.source_labels):
        with pytest.raises(CourseError, match="Unknown source id"):
            fn("no-such-source", SOURCES)
    with pytest.raises(CourseError, match="'gone', 'lost' are not in sources.csv"):
        sources_inline("reuters-2016-09-17;gone;lost", SOURCES)


def test_short_date():
    assert data.short_date(pd.Timestamp("2016-09-09")) == "9 Sep 2016"


# ---- broken fixtures: each names the file, the line and the column ------------------------------

def _error(name, folder):
    with pytest.raises(DataError) as info:
        load_table(name, folder)
    return str(info.value)


def test_missing_file(data_copy):
    (data_copy / "timeline.csv").unlink()
    message = _error("timeline", data_copy)
    assert "timeline.csv is missing" in message and "git checkout" in message


def test_bad_date(data_copy):
    path = data_copy / "timeline.csv"
    edit_csv(path, "2016-09-12,", "2016-09-31,")
    line = line_of(path, "2016-09-31")
    message = _error("timeline", data_copy)
    assert f"timeline.csv, line {line}, column 'date': '2016-09-31' is not a valid date" in message


def test_date_in_wrong_format(data_copy):
    path = data_copy / "timeline.csv"
    edit_csv(path, "2016-09-12,", "12/09/2016,")
    assert "'12/09/2016' is not a valid date (write it as YYYY-MM-DD" in _error("timeline", data_copy)


def test_unknown_paragraph(data_copy):
    path = data_copy / "interests.csv"
    first = path.read_text(encoding="utf-8").splitlines()[1]
    paragraph = next(field for field in first.split(",") if field.startswith("P") and len(field) == 3)
    edit_csv(path, f",{paragraph},", ",P20,")
    message = _error("interests", data_copy)
    assert "interests.csv, line 2, column 'paragraph': 'P20' is not an article paragraph id" in message


def test_paragraph_missing_from_the_article_map(data_copy):
    path = data_copy / "article_map.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith("P07,")), encoding="utf-8")
    assert "paragraph(s) P07 have no row" in _error("article_map", data_copy)


def test_reference_to_a_paragraph_the_map_lacks(data_copy):
    """A valid-looking id that is absent from article_map.csv is reported where it is used."""
    path = data_copy / "article_map.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith("P10,")), encoding="utf-8")
    message = str(pytest.raises(DataError, load_table, "slips", data_copy).value)
    assert "article_map.csv" in message and "P10" in message


def test_unknown_place(data_copy):
    path = data_copy / "timeline.csv"
    edit_csv(path, ",geneva,", ",atlantis,")
    line = line_of(path, ",atlantis,")
    message = _error("timeline", data_copy)
    assert f"timeline.csv, line {line}, column 'place': 'atlantis' is not in places.csv" in message


def test_unknown_actor(data_copy):
    path = data_copy / "terms.csv"
    edit_csv(path, "russia", "narnia")
    assert "column 'parties': 'narnia' is not in actors.csv" in _error("terms", data_copy)


def test_row_without_source(data_copy):
    path = data_copy / "places.csv"
    edit_csv(path, ",ucdp-ged-syria\n", ",\n")
    message = _error("places", data_copy)
    assert "places.csv, line 2, column 'source': is empty but a value is required" in message


def test_unknown_source(data_copy):
    edit_csv(data_copy / "deaths_monthly.csv", ",ucdp-ged-syria\n", ",my-uncle\n")
    assert "column 'source': 'my-uncle' is not in sources.csv" in _error("deaths_monthly", data_copy)


def test_unknown_lesson(data_copy):
    edit_csv(data_copy / "article_map.csv", "01-reading-the-column", "09-nowhere")
    assert "column 'lesson': '09-nowhere' is not in course.yml lessons" in _error("article_map", data_copy)


def test_bad_choice_lists_the_allowed_values(data_copy):
    edit_csv(data_copy / "interests.csv", ",opposed,", ",hostile,")
    message = _error("interests", data_copy)
    assert "'hostile' is not allowed; use one of: shared, partial, opposed" in message


def test_wrong_header(data_copy):
    edit_csv(data_copy / "places.csv", "place_id,name,lat,lon", "place_id,name,latitude,lon")
    message = _error("places", data_copy)
    assert "places.csv, line 1 (header)" in message and "missing: lat" in message and "unexpected: latitude" in message


def test_wrong_number_of_fields(data_copy):
    path = data_copy / "deaths_monthly.csv"
    edit_csv(path, "2016-03,", "2016-03,999,")
    assert "deaths_monthly.csv, line 4: has 9 fields, expected 8" in _error("deaths_monthly", data_copy)


def test_not_a_number(data_copy):
    edit_csv(data_copy / "deaths_monthly.csv", "2016-04,2149,", "2016-04,many,")
    assert "deaths_monthly.csv, line 5, column 'deaths': 'many' is not a whole number" in _error("deaths_monthly", data_copy)


def test_coordinates_out_of_range(data_copy):
    edit_csv(data_copy / "places.csv", "33.513364,36.291575,33.513364", "133.513364,36.291575,33.513364")
    assert "column 'lat': 133.513364 is outside the allowed range -90 to 90" in _error("places", data_copy)


def test_duplicate_key(data_copy):
    path = data_copy / "deaths_monthly.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines + [lines[1]]), encoding="utf-8")
    assert f"column 'month': " in _error("deaths_monthly", data_copy) and "repeats line 2" in _error("deaths_monthly", data_copy)


def test_empty_file(data_copy):
    (data_copy / "actors.csv").write_text("", encoding="utf-8")
    assert "actors.csv is empty" in _error("actors", data_copy)


def test_not_utf8(data_copy):
    (data_copy / "sources.csv").write_bytes("source_id,kind\nx,\xe9\n".encode("latin-1"))
    assert "sources.csv is not UTF-8 text" in _error("sources", data_copy)


def test_timeline_outside_the_course_span(data_copy):
    edit_csv(data_copy / "timeline.csv", "2016-09-12,", "2019-09-12,")
    assert "is outside the course's span 2013-01-01 to 2017-12-31" in _error("timeline", data_copy)


def test_a_finding_or_a_position_must_name_its_speaker(data_copy):
    edit_csv(data_copy / "timeline.csv", ",position,united-states,", ",position,,")
    assert "a position needs the actor who made it" in _error("timeline", data_copy)


def test_key_dates_must_run_forward_and_be_real_times(data_copy):
    edit_csv(data_copy / "key_dates.csv", "2016-09-18 23:59", "2016-09-11 23:59")
    assert "'end' (2016-09-11 23:59:00) is before 'start'" in _error("key_dates", data_copy)
    edit_csv(data_copy / "key_dates.csv", "2016-09-11 23:59", "2016-09-31 25:00")
    assert "is not a valid date or time" in _error("key_dates", data_copy)


def test_key_date_returns_timestamps_and_names_unknown_ids():
    start, end = data.key_date("sep-army-calm")
    assert (start, end) == (pd.Timestamp("2016-09-12 19:00"), pd.Timestamp("2016-09-18 23:59"))
    with pytest.raises(CourseError, match="no key date 'nope'"):
        data.key_date("nope")


def test_all_problems_are_reported_at_once(data_copy):
    path = data_copy / "deaths_monthly.csv"
    edit_csv(path, "2016-04,2149,", "2016-04,many,")
    edit_csv(path, "2016-05,", "2016-13,")
    problems = pytest.raises(DataError, load_table, "deaths_monthly", data_copy).value.problems
    assert len(problems) == 2


def test_check_all_collects_problems_from_every_file(data_copy):
    edit_csv(data_copy / "deaths_monthly.csv", "2016-04,2149,", "2016-04,many,")
    (data_copy / "syria_outline.geojson").write_text("{not json", encoding="utf-8")
    problems = check_all(data_copy)
    assert any("deaths_monthly.csv" in p for p in problems)
    assert any("syria_outline.geojson is not valid GeoJSON" in p for p in problems)


def test_unknown_table_name():
    with pytest.raises(CourseError, match="no table called 'timelines'"):
        load_table("timelines")



# ---- tables kept between calls (load_table parses a folder's tables once until a file changes) ----------

@pytest.fixture
def counted_reads(monkeypatch):
    """The names of the CSV files parsed, in order."""
    from ceasefire.data import tables
    reads, real = [], tables.read_rows
    monkeypatch.setattr(tables, "read_rows", lambda table, path: reads.append(path.name) or real(table, path))
    return reads


def test_a_table_is_parsed_once_and_again_when_its_bytes_change(data_copy, counted_reads):
    first = load_table("timeline", data_copy)
    assert "timeline.csv" in counted_reads
    counted_reads.clear()
    assert load_table("timeline", data_copy).equals(first) and counted_reads == []
    # The same size and the same modification time: only the content tells the change.
    path = data_copy / "timeline.csv"
    before = path.stat()
    edit_csv(path, "2016-09-12,", "2016-09-13,")
    import os
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    third = load_table("timeline", data_copy)
    assert "timeline.csv" in counted_reads
    day = pd.Timestamp("2016-09-13")
    assert (third["date"] == day).sum() == (first["date"] == day).sum() + 1


@pytest.fixture
def counted_hashes(monkeypatch):
    """How many times the data folder's files were read and hashed."""
    from ceasefire.data import tables
    hashed, real = [], tables._files_digest
    monkeypatch.setattr(tables, "_files_digest", lambda files: hashed.append(len(files)) or real(files))
    return hashed


def test_settled_files_are_not_read_again_until_their_status_moves(data_copy, counted_hashes, monkeypatch):
    """Files that changed long before they were hashed are not read again while their status (inode, size,
    modification and change times) stays; an edit that keeps the size and puts the modification time
    back still moves the change time, and is seen."""
    import os
    import time

    from ceasefire.data import tables
    later = time.time_ns() + 10 * tables.SETTLED_NS        # as if the copy had been made long ago
    monkeypatch.setattr(tables, "time_ns", lambda: later)
    first = load_table("timeline", data_copy)
    load_table("timeline", data_copy)
    load_table("actors", data_copy)
    assert len(counted_hashes) == 1
    time.sleep(0.05)        # past the file system's clock tick since the copy was written
    path = data_copy / "timeline.csv"
    before = path.stat()
    edit_csv(path, "2016-09-12,", "2016-09-13,")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    third = load_table("timeline", data_copy)
    assert len(counted_hashes) == 2
    day = pd.Timestamp("2016-09-13")
    assert (third["date"] == day).sum() == (first["date"] == day).sum() + 1


@pytest.mark.parametrize("changed_ago_s, seen", [(0, True), (10, False)])
def test_files_changed_just_before_their_hash_are_hashed_again(data_copy, monkeypatch, changed_ago_s, seen):
    """Two edits within one tick of the file system's clock can leave the status as it was (here: a status
    that never moves). A status taken less than SETTLED_NS after the files changed is not trusted, so the
    second edit is seen; the control, files that had settled, shows that the rule is what sees it."""
    import time

    from ceasefire.data import tables
    stamp = time.time_ns() - changed_ago_s * 1_000_000_000
    monkeypatch.setattr(tables, "_status", lambda files: tuple((name, 1, 1, stamp, stamp) for name, _ in files))
    first = load_table("timeline", data_copy)
    edit_csv(data_copy / "timeline.csv", "2016-09-12,", "2016-09-13,")
    day = pd.Timestamp("2016-09-13")
    again = load_table("timeline", data_copy)
    assert bool((again["date"] == day).sum() == (first["date"] == day).sum() + 1) == seen


def test_a_change_in_a_table_referred_to_is_seen(data_copy):
    load_table("timeline", data_copy)
    sources = data_copy / "sources.csv"
    used = load_table("timeline", data_copy)["source"].iloc[0].split(";")[0]
    lines = sources.read_text(encoding="utf-8").splitlines(keepends=True)
    sources.write_text("".join(line for line in lines if not line.startswith(used + ",")), encoding="utf-8")
    assert f"{used!r} is not in sources.csv" in _error("timeline", data_copy)


@pytest.mark.parametrize("broken, table", [("timeline.csv", "timeline"), ("actors.csv", "key_dates")])
def test_a_failed_load_is_never_kept(data_copy, broken, table):
    """The table itself broken, or one it refers to (actors.csv for key_dates.csv)."""
    path = data_copy / broken
    good = path.read_bytes()
    load_table(table, data_copy)      # kept, then the folder changes
    path.write_bytes(good.replace(b"\n", "\n\xe9".encode("latin-1"), 1))
    for _ in range(2):      # the second call fails as the first did: never a table made of placeholders
        assert f"{broken} is not UTF-8 text" in _error(table, data_copy)
    path.write_bytes(good)
    assert load_table(table, data_copy).equals(load_table(table))


def test_only_the_last_few_folders_are_kept(tmp_path):
    import shutil

    from ceasefire.data import tables
    from conftest import ROOT

    folders = [shutil.copytree(ROOT / "data", tmp_path / f"copy{n}") for n in range(tables.KEPT_FOLDERS + 2)]
    for folder in folders:
        load_table("key_dates", folder)
    kept = [key[0] for key in tables._PARSED]
    assert len(kept) == tables.KEPT_FOLDERS and kept[-1] == folders[-1].resolve() and folders[0].resolve() not in kept

def test_each_call_returns_a_frame_of_its_own():
    changed = data.timeline()
    changed.loc[0, "event"] = "changed by a student"
    changed["extra"] = 1
    changed.attrs["note"] = "mine"
    fresh = data.timeline()
    assert fresh.loc[0, "event"] != "changed by a student" and "extra" not in fresh and "note" not in fresh.attrs

# ---- the outline ----------------------------------------------------------------------------------

def test_outline_loads_as_vertices():
    outline = load_outline()
    assert set(outline.columns) == {"country", "role", "ring", "order", "lon", "lat"}
    assert set(outline.loc[outline["role"] == "focus", "country"]) == {"Syria"}
    assert {"Turkey", "Iraq", "Jordan", "Lebanon", "Israel"} <= set(outline["country"])


@pytest.mark.parametrize("text, expected", [
    ('{"type": "Feature"}', "expected a GeoJSON FeatureCollection"),
    ('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "X"}, "geometry": null}]}',
     "feature 1: needs properties 'name' and 'role'"),
    ('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "X", "role": "focus"},'
     ' "geometry": {"type": "Polygon", "coordinates": [[[36, 300]]]}}]}', "vertex 1: [36, 300] is not a [longitude, latitude] pair"),
])
def test_malformed_outline(data_copy, text, expected):
    (data_copy / "syria_outline.geojson").write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=expected.replace("[", r"\[").replace("]", r"\]")):
        load_outline(data_copy)


# ---- one parser per column kind -----------------------------------------------------------------------

@pytest.mark.parametrize("kind, good, parsed, bad, problem", [
    ("text", " any words ", "any words", "", "is empty but a value is required"),
    ("id", "free-syrian-army", "free-syrian-army", "Free Syrian Army", "is not an id"),
    ("choice", "yes", "yes", "maybe", "is not allowed; use one of: yes, no"),
    ("paragraph", "P19", "P19", "P20", "is not an article paragraph id"),
    ("url", "https://example.org/a", "https://example.org/a", "example.org", "is not a web address"),
    ("date", "2016-09-12", dt.date(2016, 9, 12), "2016-04-31", "is not a valid date"),
    ("month", "2016-04", dt.date(2016, 4, 1), "2016-13", "is not a valid month"),
    ("moment", "2016-09-12 19:00", dt.datetime(2016, 9, 12, 19), "2016-09-12 25:00", "is not a valid date or time"),
    ("int", "7", 7, "7.5", "is not a whole number"),
    ("int", "3", 3, "11", "11 is outside the allowed range 0 to 10"),
    ("float", "2.5", 2.5, "nan", "is not a finite number"),
    ("float", "0", 0.0, "ten", "is not a number"),
])
def test_each_column_kind_parses_its_form_and_names_what_is_wrong(kind, good, parsed, bad, problem):
    column = data.Column("x", kind, choices=("yes", "no"), bounds=(0, 10))
    assert data.parse_cell(column, good) == (parsed, None)
    value, found = data.parse_cell(column, bad)
    assert value is None and problem in found


def test_multi_valued_cells_keep_their_text_and_reject_empty_items():
    column = data.Column("x", "id", multi=True)
    assert data.parse_cell(column, "russia; iran") == ("russia;iran", None)
    assert "has an empty item" in data.parse_cell(column, "russia;;iran")[1]
    assert "is not an id" in data.parse_cell(column, "russia;Iran")[1]


def test_every_column_kind_in_the_schema_has_a_parser():
    kinds = {column.kind for table in TABLES.values() for column in table.columns}
    assert kinds == set(data.PARSERS), kinds ^ set(data.PARSERS)   # none missing, none unused
