"""Returning work: each student's self-contained HTML page, the reflections gathered per lesson, and the
marks file read back by `grade` (a round trip), and delivery into hub home folders."""

import csv
import re
import shutil
import subprocess
import sys

import pytest

from adversarial import LESSON, builders
from ceasefire.instructor import feedback
from ceasefire.errors import CourseError
from ceasefire.checking.keys import load_keys
from ceasefire.instructor.compile_keys import read_plain
from conftest import ROOT
from instructor_class import REFLECTIONS, ROSTER, graded, submissions, write_roster
from test_assign import _plain_forms

EXTRA = {"gus": "edited-locked", "hal": "exception"}     # a tampered notebook and one whose cell raises
STUDENTS = [s for s, *_ in ROSTER] + sorted(EXTRA)


@pytest.fixture(scope="module")
def cls(tmp_path_factory):
    base = tmp_path_factory.mktemp("class")
    submissions(base)
    for student, builder in EXTRA.items():
        path = base / "submissions" / student / f"{LESSON}.ipynb"
        path.parent.mkdir(parents=True)
        path.write_bytes(builders()[builder]())
    out, fb, rows = graded(base)
    return {"base": base, "out": out, "feedback": fb, "rows": rows}


def page(cls, student):
    return (cls["feedback"] / f"{student}.html").read_text(encoding="utf-8")


def test_one_page_per_student_with_each_question(cls):
    assert sorted(p.stem for p in cls["feedback"].glob("*.html")) == sorted(STUDENTS)
    html = page(cls, "ben")
    questions = sorted(q for q, k in load_keys().items() if k["lesson"] == LESSON)
    assert re.findall(r"<tr><td>(q03\.\d)</td>", html) == questions
    hint = load_keys()["q03.1"]["wrong"][0]["hint"]
    assert hint.replace("'", "&#x27;") in html                      # the hint of the mistake ben made
    assert '>incorrect</span>' in html and "Checked questions: 7 of 9 points" in html


def test_pages_are_self_contained(cls):
    for path in cls["feedback"].glob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert "default-src 'none'" in html                         # the browser may fetch nothing
        assert not re.search(r"<(script|link|img|iframe)\b", html, re.I), path.name
        assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", html, re.I), path.name
        assert "url(" not in html


def test_pages_never_show_a_key(cls):
    plain = read_plain(ROOT / "solutions" / "keys.yml")
    found = []
    for path in cls["feedback"].glob("*.html"):
        text = path.read_text(encoding="utf-8")
        for qid, spec in plain.items():
            if spec["lesson"] == LESSON:
                found += [f"{qid} in {path.name}" for p in _plain_forms(spec) if p.search(text)]
        assert "115.2" not in text and "2016-05" not in text and "-1438" not in text
    assert found == []


def test_tamper_diff_and_run_notes_are_on_the_page(cls):
    tampered = page(cls, "gus")
    assert "Cells that should not have been changed" in tampered and "was edited" in tampered
    assert '<pre class="diff">' in tampered and '<span class="del">' in tampered and '<span class="add">' in tampered
    assert "ValueError: my own bug" in page(cls, "hal") and "While running your notebook" in page(cls, "hal")
    assert "Cells that should not have been changed" not in page(cls, "ada")


def test_reflection_text_and_rubric_on_the_page(cls):
    html = page(cls, "ada")
    assert REFLECTIONS["ada"].replace("'", "&#x27;") in html
    levels, _ = feedback.rubric()
    assert [p for p, _ in levels] == [4, 3, 2, 1]
    assert len(re.findall(r"<tr><td>[1-4]</td><td>", html)) == 4
    assert "No reflection was written." in page(cls, "cleo")
    assert "<p class=\"question\"><i>The author blames Turkey and a Kurdish state" in html      # what was asked


def test_rubric_is_read_from_the_instructors_notes():
    levels, per_lesson = feedback.rubric()
    assert levels[0][1].startswith("a clear position; at least two paragraphs")
    assert sorted(per_lesson) == ["01", "02", "03", "04", "05"]
    assert per_lesson["03"][0] == "why February failed" and "Turkish shelling" in per_lesson["03"][1]


def test_reflections_gathered_per_lesson(cls):
    text = (cls["base"] / "reflections" / f"{LESSON}.md").read_text(encoding="utf-8")
    for student, reflection in REFLECTIONS.items():
        assert f"## {student} (" in text and f"> {reflection}" in text
    assert "## cleo (03-february-failure.ipynb): not marked yet\n\n*(no reflection written)*" in text
    assert "**The question:** The author blames Turkey and a Kurdish state for February&#x27;s" not in text
    assert "**The question:** The author blames Turkey and a Kurdish state for February's collapse [P09]." in text
    assert "A strong answer (why February failed)" in text and "| 4 | a clear position" in text
    with (cls["base"] / "reflections" / "marks.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [r["student"] for r in rows] == sorted(STUDENTS)
    assert {r["points"] for r in rows} == {""} and {r["question"] for r in rows} == {"r03"}
    assert not any(r["question"] == "r03" for r in cls["rows"])     # no mark yet: the gradebook is unchanged


def _write_marks(path, marks):
    rows = list(csv.DictReader(path.open()))
    for row in rows:
        if row["student"] in marks:
            row["points"], row["comment"] = marks[row["student"]]
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=feedback.MARKS_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def test_marks_round_trip(cls, tmp_path):
    """Fill in marks.csv, grade again: the marks join the gradebook and the pages, and stay in marks.csv."""
    base = tmp_path / "again"
    shutil.copytree(cls["base"], base)
    marks = base / "reflections" / "marks.csv"
    _write_marks(marks, {"ada": ("4", "Clear, sourced, and the record kept apart."), "ben": ("1", "Say why.")})
    out, fb, rows = graded(base)
    manual = {r["student"]: r for r in rows if r["question"] == "r03"}
    assert sorted(manual) == sorted(STUDENTS)
    assert (manual["ada"]["status"], manual["ada"]["score"], manual["ada"]["max"]) == ("marked", 4.0, 4)
    assert manual["ben"]["score"] == 1.0 and manual["ben"]["reason"] == "Say why."
    assert {manual[s]["status"] for s in STUDENTS if s not in ("ada", "ben")} == {"to mark"}
    with out.open() as handle:
        written = [r for r in csv.DictReader(handle) if r["question"] == "r03"]
    assert len(written) == len(STUDENTS) and {r["status"] for r in written} == {"marked", "to mark"}
    html = (fb / "ada.html").read_text()
    assert "Mark: 4 of 4" in html and "Clear, sourced, and the record kept apart." in html
    kept = {r["student"]: r["points"] for r in csv.DictReader(marks.open())}
    assert kept["ada"] == "4" and kept["ben"] == "1" and kept["cleo"] == ""
    assert "## ada (03-february-failure.ipynb): 4 / 4" in (base / "reflections" / f"{LESSON}.md").read_text()
    summary = list(csv.DictReader(out.with_name("gradebook-summary.csv").open()))
    assert "r03" not in [r["question"] for r in summary]


@pytest.mark.parametrize("text, message", [
    ("student,lesson,points\nzed,03-february-failure,3\n", "unknown student"),
    ("student,lesson,points\nada,04-interests,3\n", "no graded submission of lesson '04-interests'"),
    ("student,lesson,points\nada,03-february-failure,7\n", "outside 0 to 4"),
    ("student,lesson,points\nada,03-february-failure,good\n", "not a number"),
    ("student,lesson,points\nada,03-february-failure,3\nada,03-february-failure,2\n", "marked twice"),
    ("name,lesson,points\n", "no student column"),
])
def test_bad_marks_get_a_clear_message(tmp_path, text, message):
    path = tmp_path / "marks.csv"
    path.write_text(text)
    with pytest.raises(CourseError, match=message) as info:
        feedback.read_marks(path, {("ada", LESSON), ("ben", LESSON)})
    assert "line" in str(info.value) or "column" in str(info.value)


def test_a_marks_file_that_names_an_unknown_student_stops_grade_with_one_message(cls, tmp_path):
    marks = tmp_path / "marks.csv"
    marks.write_text("student,lesson,question,points,max,comment\nzed,03-february-failure,r03,3,4,\n")
    paths = sorted((cls["base"] / "submissions").glob("*/*.ipynb"))[:1]
    result = subprocess.run([sys.executable, "-m", "ceasefire.instructor.cli", "grade", *map(str, paths), "--out",
                             str(tmp_path / "gb.csv"), "--feedback", str(tmp_path / "fb"), "--marks", str(marks)],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "line 2: no graded submission" in result.stderr and "unknown student" in result.stderr


def test_return_to_hub_homes(cls, tmp_path):
    homes = tmp_path / "home"
    for user in ("ada", "jupyter-ben", "dwu"):
        (homes / user / "ceasefire").mkdir(parents=True)
    (homes / "cleo").mkdir(parents=True)                     # no course folder: not returned, and said so
    roster = {sid: {"id": sid, "name": name, "email": email} for sid, name, email in ROSTER}
    delivered, missing = feedback.deliver(cls["feedback"], homes, "ceasefire", roster)
    assert sorted(s for s, _ in delivered) == ["ada", "ben", "dan"]
    assert (homes / "ada" / "ceasefire" / "feedback" / "feedback.html").read_text() == page(cls, "ada")
    assert (homes / "dwu" / "ceasefire" / "feedback" / "feedback.html").read_text() == page(cls, "dan")
    assert sorted(missing) == sorted(set(STUDENTS) - {"ada", "ben", "dan"})
    result = subprocess.run([sys.executable, "-m", "ceasefire.instructor.cli", "return", str(cls["feedback"]), "--hub-homes",
                             str(homes), "--course-folder", "ceasefire", "--roster",
                             str(write_roster(tmp_path / "roster.csv"))], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0 and "3 returned, 5 not found" in result.stdout
    with pytest.raises(CourseError, match="no .html feedback pages"):
        feedback.deliver(tmp_path, homes, "ceasefire")
