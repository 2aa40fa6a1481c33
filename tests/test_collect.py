"""`ceasefire collect`: LMS zips, hub homes and folders into the layout `grade` reads, with every file
accounted for (collected, late, duplicate, unmatched, missing, ignored, not started).

The zips are built here with the names each LMS gives its files, as documented in ceasefire.instructor.collect:
  Canvas  lovelaceada_4211_90210_03-february-failure.ipynb   (<lastnamefirstname>_<user id>_<submission id>_<file>)
          okriben_LATE_4212_90211_03-february-failure.ipynb  (_LATE: Canvas counted it late)
          diazcleo_4213_90299_03-february-failure-1.ipynb    (-1: a second upload of the same file name)
  Moodle  Ada Lovelace_101_assignsubmission_file_03-february-failure.ipynb
          Cleo Diaz_103_assignsubmission_file/03-february-failure.ipynb   ("download submissions in folders")
          Dan Wu_104_assignsubmission_onlinetext_onlinetext.html          (online text: listed, ignored)
"""

import csv
import datetime as dt
import os
import subprocess
import sys
import zipfile

import nbformat
import pytest

from adversarial import LESSON, filled
from ceasefire.instructor.collect import collect, load_roster, name_keys, parse_deadline
from ceasefire.errors import CourseError
from ceasefire.instructor.grade import lesson_of, read_submission, student_of
from conftest import ROOT
from instructor_class import write_roster

LESSONS = sorted(p.stem for p in (ROOT / "exercises").glob("*.ipynb"))
NB = nbformat.writes(filled()).encode()


def _anonymous():
    """A notebook whose metadata names no lesson."""
    nb = filled()
    nb.metadata.pop("ceasefire", None)
    return nbformat.writes(nb).encode()


def _zip(path, entries):
    """entries: (name, bytes, date_time or None)."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data, when in entries:
            archive.writestr(zipfile.ZipInfo(name, date_time=when or (2026, 11, 19, 10, 0, 0)), data)
    return path


def _report(out):
    with (out / "collect-report.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _by_status(report):
    found = {}
    for row in report:
        found.setdefault(row["status"], []).append(row)
    return found


@pytest.fixture()
def roster(tmp_path):
    return write_roster(tmp_path / "roster.csv")


def test_canvas_zip(tmp_path, roster):
    canvas = _zip(tmp_path / "submissions.zip", [
        ("lovelaceada_4211_90210_03-february-failure.ipynb", NB, None),
        ("okriben_LATE_4212_90211_03-february-failure.ipynb", NB, None),
        ("diazcleo_4213_90212_03-february-failure.ipynb", b'{"old": 1}', None),
        ("diazcleo_4213_90299_03-february-failure-1.ipynb", NB, None),
        ("wudan_4214_90213_homework.ipynb", NB, None),                        # lesson from the metadata
        ("strangerzed_4299_90300_03-february-failure.ipynb", NB, None),       # not on the roster
        ("martineve_4215_90214_notes.txt", b"my notes", None),                # not a notebook
    ])
    out = tmp_path / "collected"
    report = collect([canvas], roster, out, LESSONS)
    status = _by_status(_report(out))
    assert report == _report(out)
    assert sorted(r["student"] for r in status["collected"]) == ["ada", "cleo", "dan"]
    assert [(r["student"], r["note"]) for r in status["late"]] == [("ben", "Canvas marked it LATE")]
    assert [r["source"] for r in status["duplicate"]] == ["submissions.zip!diazcleo_4213_90212_03-february-failure.ipynb"]
    assert status["unmatched"][0]["source"].endswith("strangerzed_4299_90300_03-february-failure.ipynb")
    assert "no roster entry" in status["unmatched"][0]["note"]
    assert status["ignored"][0]["source"].endswith("notes.txt")
    assert sorted(r["student"] for r in status["missing"]) == ["eve", "fay"]
    # the layout grade reads: the newest of cleo's two uploads, byte for byte
    assert sorted(p.relative_to(out).as_posix() for p in out.glob("*/*.ipynb")) == \
        [f"{s}/{LESSON}.ipynb" for s in ("ada", "ben", "cleo", "dan")]
    assert (out / "cleo" / f"{LESSON}.ipynb").read_bytes() == NB
    path = out / "dan" / f"{LESSON}.ipynb"
    names = {f"{slug}.ipynb" for slug in LESSONS}
    nb, problem = read_submission(path)
    assert problem is None and student_of(path, names) == "dan" and lesson_of(nb, path, names) == LESSON


def test_canvas_matches_by_user_id_when_the_roster_has_it(tmp_path):
    roster = write_roster(tmp_path / "roster.csv", [("s1", "Ada Lovelace", "ada@x", "4211"), ("s2", "Ada Lovelace", "ada2@x", "4222")],
                          columns=("id", "name", "email", "canvas_id"))
    canvas = _zip(tmp_path / "c.zip", [("lovelaceada_4222_1_03-february-failure.ipynb", NB, None),
                                       ("lovelaceaugusta_4211_2_03-february-failure.ipynb", NB, None)])
    report = collect([canvas], roster, tmp_path / "out", LESSONS)
    assert sorted(r["student"] for r in report if r["status"] == "collected") == ["s1", "s2"]


def test_two_students_with_one_name_are_not_guessed(tmp_path):
    roster = write_roster(tmp_path / "roster.csv", [("s1", "Ada Lovelace", "a@x"), ("s2", "Ada Lovelace", "b@x")])
    canvas = _zip(tmp_path / "c.zip", [("lovelaceada_4222_1_03-february-failure.ipynb", NB, None)])
    report = collect([canvas], roster, tmp_path / "out", LESSONS)
    unmatched = [r for r in report if r["status"] == "unmatched"]
    assert len(unmatched) == 1 and "several students" in unmatched[0]["note"]
    assert not list((tmp_path / "out").glob("*/*.ipynb"))


def test_moodle_zip_with_deadline_from_the_zip_times(tmp_path, roster):
    moodle = _zip(tmp_path / "moodle.zip", [
        ("Ada Lovelace_101_assignsubmission_file_03-february-failure.ipynb", NB, (2026, 11, 20, 23, 0, 0)),
        ("Ben Okri_102_assignsubmission_file_03-february-failure.ipynb", NB, (2026, 11, 21, 9, 30, 0)),
        ("Cleo Diaz_103_assignsubmission_file/03-february-failure.ipynb", NB, (2026, 11, 18, 8, 0, 0)),
        ("Dan Wu_104_assignsubmission_onlinetext_onlinetext.html", b"<p>hi</p>", None),
        ("Zed Unknown_199_assignsubmission_file_03-february-failure.ipynb", NB, None),
    ])
    out = tmp_path / "out"
    collect([moodle], roster, out, LESSONS, deadline="2026-11-20T23:59")
    status = _by_status(_report(out))
    assert sorted(r["student"] for r in status["collected"]) == ["ada", "cleo"]
    assert [r["student"] for r in status["late"]] == ["ben"]
    assert "2026-11-21 09:30, after the deadline" in status["late"][0]["note"]
    assert "onlinetext" in status["ignored"][0]["note"]
    assert "Zed Unknown" in status["unmatched"][0]["source"]
    assert sorted(r["student"] for r in status["missing"]) == ["dan", "eve", "fay"]
    assert (out / "ben" / f"{LESSON}.ipynb").exists()     # late work is collected and listed, not dropped


def test_hub_homes(tmp_path, roster):
    homes = tmp_path / "home"
    release_copy = (ROOT / "exercises" / f"{LESSON}.ipynb").read_bytes()
    files = {"ada": NB, "jupyter-ben": NB, "cleo": release_copy, "zed": NB}
    for user, data in files.items():
        path = homes / user / "ceasefire" / "exercises" / f"{LESSON}.ipynb"
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
    (homes / "dan").mkdir()                                  # never pulled the course
    before, after = dt.datetime(2026, 11, 20, 12).timestamp(), dt.datetime(2026, 11, 22, 12).timestamp()
    os.utime(homes / "ada" / "ceasefire" / "exercises" / f"{LESSON}.ipynb", (before, before))
    os.utime(homes / "jupyter-ben" / "ceasefire" / "exercises" / f"{LESSON}.ipynb", (after, after))
    out = tmp_path / "out"
    collect([], roster, out, LESSONS, lesson=LESSON, deadline="2026-11-21", homes=homes, course_folder="ceasefire",
            release=ROOT)
    status = _by_status(_report(out))
    assert [r["student"] for r in status["collected"]] == ["ada"]
    assert [r["student"] for r in status["late"]] == ["ben"]
    assert [r["student"] for r in status["not started"]] == ["cleo"]
    assert [r["student"] for r in status["no course folder"]] == ["dan"]
    assert "zed" in status["unmatched"][0]["source"]
    assert sorted(r["student"] for r in status["missing"]) == ["cleo", "dan", "eve", "fay"]
    assert sorted(p.parent.name for p in out.glob("*/*.ipynb")) == ["ada", "ben"]


def test_plain_folder(tmp_path, roster):
    folder = tmp_path / "inbox"
    (folder / "ada").mkdir(parents=True)
    (folder / "ada" / f"{LESSON}.ipynb").write_bytes(NB)
    (folder / f"ben_{LESSON}.ipynb").write_bytes(NB)
    (folder / "eve.ipynb").write_bytes(_anonymous())                     # lesson only from --lesson
    (folder / "nobody").mkdir()
    (folder / "nobody" / f"{LESSON}.ipynb").write_bytes(NB)
    (folder / "ada" / ".ipynb_checkpoints").mkdir()
    (folder / "ada" / ".ipynb_checkpoints" / f"{LESSON}-checkpoint.ipynb").write_bytes(NB)
    out = tmp_path / "out"
    report = collect([folder], roster, out, LESSONS)
    status = _by_status(report)
    assert sorted(r["student"] for r in status["collected"]) == ["ada", "ben"]
    assert {r["source"].rsplit("/", 1)[-1] for r in status["unmatched"]} == {"eve.ipynb", f"{LESSON}.ipynb"}
    assert any("use --lesson" in r["note"] for r in status["unmatched"])
    assert not any("checkpoint" in r["source"] for r in report)
    report = collect([folder], roster, out, LESSONS, lesson=LESSON)       # a re-run replaces its own output
    assert sorted(r["student"] for r in report if r["status"] == "collected") == ["ada", "ben", "eve"]


def test_name_forms():
    assert name_keys("Ada Lovelace") == {"adalovelace", "lovelaceada"}
    assert name_keys("Lovelace, Ada") == {"adalovelace", "lovelaceada"}
    assert "lopezjose" in name_keys("José López")


@pytest.mark.parametrize("text, message", [
    ("id,name\nada,Ada\n", "no 'email' column"),
    ("student,name,mail\n", "no 'id' or 'email' column"),
    ("id,name,email\nada,A,a@x\nada,B,b@x\n", "id 'ada' is listed twice"),
    ("id,name,email\n", "lists no students"),
    ("id,name,email\n../x,A,a@x\n", "cannot be a folder name"),
])
def test_bad_rosters_get_a_clear_message(tmp_path, text, message):
    path = tmp_path / "roster.csv"
    path.write_text(text)
    with pytest.raises(CourseError, match=message):
        load_roster(path)


def test_semicolon_roster_from_a_spreadsheet(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("ID;Name;Email\nada;Ada Lovelace;ada@x\n", encoding="utf-8-sig")
    assert load_roster(path).students["ada"]["email"] == "ada@x"


def test_bad_inputs(tmp_path, roster):
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(CourseError, match="not a readable zip file"):
        collect([broken], roster, tmp_path / "out", LESSONS)
    other = _zip(tmp_path / "other.zip", [("readme.md", b"x", None)])
    with pytest.raises(CourseError, match="neither a Canvas nor a Moodle"):
        collect([other], roster, tmp_path / "out", LESSONS)
    with pytest.raises(CourseError, match="not a date and time"):
        parse_deadline("next friday")
    with pytest.raises(CourseError, match="is not a lesson"):
        collect([tmp_path], roster, tmp_path / "out", LESSONS, lesson="99-nothing")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("keep me")
    with pytest.raises(CourseError, match="not written by `ceasefire collect`"):
        collect([tmp_path / "nothing-here"], roster, mine, LESSONS)
    assert (mine / "thesis.tex").read_text() == "keep me"


def _cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "ceasefire.instructor.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def test_command_line(tmp_path, roster):
    canvas = _zip(tmp_path / "c.zip", [("lovelaceada_4211_1_03-february-failure.ipynb", NB, None)])
    result = _cli("collect", canvas, "--roster", roster, "--out", tmp_path / "out", "--lesson", LESSON)
    assert result.returncode == 0, result.stderr
    assert "1 collected" in result.stdout and "missing: ben (Ben Okri)" in result.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name\nada,Ada\n")
    result = _cli("collect", canvas, "--roster", bad, "--out", tmp_path / "out2")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("ceasefire: the roster") and "id,name,email" in result.stderr
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"garbage")
    result = _cli("collect", broken, "--roster", roster, "--out", tmp_path / "out3", "--format", "canvas")
    assert result.returncode == 1 and "not a readable zip file" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("verb", ["collect", "return", "export", "report"])
def test_new_verbs_have_help(verb):
    result = _cli(verb, "--help")
    assert result.returncode == 0 and f"usage: ceasefire {verb}" in result.stdout


def test_what_collect_writes_is_what_grade_reads(tmp_path, roster):
    """Collect a Canvas zip, then grade the result with the command line: the gradebook's students are the
    roster's ids, not the LMS's file names."""
    canvas = _zip(tmp_path / "c.zip", [("lovelaceada_4211_1_03-february-failure.ipynb", NB, None),
                                       ("okriben_LATE_4212_2_my work.ipynb", NB, None)])
    out = tmp_path / "submissions"
    collect([canvas], roster, out, LESSONS)
    paths = sorted(out.glob("*/*.ipynb"))
    result = _cli("grade", *paths, "--out", tmp_path / "gradebook.csv", "--feedback", tmp_path / "feedback", "--jobs", "2")
    assert result.returncode == 0, result.stderr
    with (tmp_path / "gradebook.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert {(r["student"], r["lesson"]) for r in rows} == {("ada", LESSON), ("ben", LESSON)}
    assert {r["status"] for r in rows} == {"correct"}
    assert sorted(p.name for p in (tmp_path / "feedback").glob("*.html")) == ["ada.html", "ben.html"]
