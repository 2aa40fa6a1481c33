"""`ceasefire export`: the long gradebook as a wide CSV and as Canvas and Moodle import files, columns
checked one by one on a small gradebook written here."""

import csv
import io
import subprocess
import sys

import pytest

from ceasefire.instructor.collect import load_roster
from ceasefire.errors import CourseError
from ceasefire.instructor.export import canvas, export, moodle, read_gradebook, wide
from ceasefire.instructor.export import GRADEBOOK_COLUMNS
from conftest import ROOT
from instructor_class import write_roster

L3, L4 = "03-february-failure", "04-interests"
ROWS = [  # student, lesson, question, score, max, status, reason
    ("ada", L3, "q03.1", 1, 1, "correct", ""), ("ada", L3, "q03.2", 1, 1, "correct", ""),
    ("ada", L3, "r03", 3.5, 4, "marked", "Well argued."),
    ("ada", L4, "q04.1", 0.6, 1, "partial", "3 of 5 right"), ("ada", L4, "q04.2", 1, 1, "correct", ""),
    ("ben", L3, "q03.1", 0, 1, "incorrect", "hint"), ("ben", L3, "q03.2", 1, 1, "correct", ""),
    ("ben", L3, "r03", 0, 4, "to mark", ""),
]


@pytest.fixture()
def gradebook(tmp_path):
    path = tmp_path / "gradebook.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(GRADEBOOK_COLUMNS)
        for student, lesson, q, score, top, status, reason in ROWS:
            writer.writerow([student, f"{lesson}.ipynb", lesson, q, score, top, status, reason, ""])
    return path


@pytest.fixture()
def roster(tmp_path):
    return write_roster(tmp_path / "roster.csv", [("ada", "Ada Lovelace", "ada@uni.example", "4211"),
                                                  ("ben", "Ben Okri", "ben@uni.example", ""),
                                                  ("cleo", "Cleo Diaz", "cleo@uni.example", "")],
                        columns=("id", "name", "email", "canvas_id"))


def _table(text):
    return list(csv.reader(io.StringIO(text)))


def test_wide_one_row_per_student_one_column_per_lesson(gradebook, roster):
    table = _table(wide(read_gradebook(gradebook), load_roster(roster)))
    assert table[0] == ["student", "name", "email", L3, L4, "total", "max"]
    assert table[1] == ["ada", "Ada Lovelace", "ada@uni.example", "5.5", "1.6", "7.1", "8"]
    assert table[2] == ["ben", "Ben Okri", "ben@uni.example", "1", "", "1", "8"]    # lesson 04 not handed in: empty
    assert table[3] == ["cleo", "Cleo Diaz", "cleo@uni.example", "", "", "0", "8"]  # on the roster, nothing graded
    assert len(table) == 4


def test_wide_without_roster(gradebook):
    table = _table(wide(read_gradebook(gradebook)))
    assert [row[0] for row in table[1:]] == ["ada", "ben"] and table[1][1:3] == ["", ""]


def test_canvas_preset(gradebook, roster):
    table = _table(canvas(read_gradebook(gradebook), load_roster(roster)))
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                        "03 Why the February truce failed", "04 Interests: where the US and Russia meet and collide"]
    assert table[1] == ["    Points Possible", "", "", "", "", "6", "2"]
    assert table[2] == ["Lovelace, Ada", "4211", "ada", "ada@uni.example", "", "5.5", "1.6"]
    assert table[3] == ["Okri, Ben", "", "ben", "ben@uni.example", "", "1", ""]
    assert table[4][:3] == ["Diaz, Cleo", "", "cleo"]


def test_moodle_preset(gradebook, roster):
    table = _table(moodle(read_gradebook(gradebook), load_roster(roster)))
    t3, t4 = "03 Why the February truce failed", "04 Interests: where the US and Russia meet and collide"
    assert table[0] == ["ID number", "Email address", "Full name", t3, f"{t3} feedback", t4, f"{t4} feedback"]
    assert table[1] == ["ada", "ada@uni.example", "Ada Lovelace", "5.5", "Well argued.", "1.6", ""]
    assert table[2] == ["ben", "ben@uni.example", "Ben Okri", "1", "", "", ""]


def test_presets_need_a_roster_and_every_student_on_it(gradebook, tmp_path):
    with pytest.raises(CourseError, match="needs --roster"):
        canvas(read_gradebook(gradebook), None)
    short = write_roster(tmp_path / "short.csv", [("ada", "Ada Lovelace", "ada@x")])
    with pytest.raises(CourseError, match="the roster does not list: ben"):
        moodle(read_gradebook(gradebook), load_roster(short))


@pytest.mark.parametrize("text, message", [
    ("student,score\nada,1\n", "not a gradebook written by `ceasefire grade`"),
    (",".join(GRADEBOOK_COLUMNS) + "\nada,x.ipynb,03,q03.1,one,1,correct,,\n", "line 2: score 'one'"),
    (",".join(GRADEBOOK_COLUMNS) + "\n", "has no rows"),
])
def test_bad_gradebooks(tmp_path, text, message):
    path = tmp_path / "gb.csv"
    path.write_text(text)
    with pytest.raises(CourseError, match=message):
        read_gradebook(path)


def test_an_old_gradebook_without_the_hint_column_still_reads(tmp_path):
    path = tmp_path / "gb.csv"
    path.write_text("student,submission,lesson,question,score,max,status,reason\nada,a,03-x,q03.1,1,1,correct,\n")
    assert read_gradebook(path)[0]["hint"] == ""


def test_command_line_writes_all_three(gradebook, roster, tmp_path):
    result = subprocess.run([sys.executable, "-m", "ceasefire.instructor.cli", "export", str(gradebook), "--roster", str(roster),
                             "--wide", str(tmp_path / "w.csv"), "--canvas", str(tmp_path / "c.csv"),
                             "--moodle", str(tmp_path / "m.csv")], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "wide: " in result.stdout and "(3 rows)" in result.stdout
    assert (tmp_path / "c.csv").read_text().startswith("Student,ID,SIS User ID")
    result = subprocess.run([sys.executable, "-m", "ceasefire.instructor.cli", "export", str(gradebook)], capture_output=True,
                            text=True, cwd=ROOT)
    assert result.returncode == 1 and "say which file to write" in result.stderr and "Traceback" not in result.stderr
    assert export(gradebook, None, wide_path=tmp_path / "x.csv")[0][2] == 2


def test_the_export_columns_are_the_graders():
    from ceasefire.instructor import export as module
    from ceasefire.instructor import grade as grader
    assert module.GRADEBOOK_COLUMNS == grader.GRADEBOOK_COLUMNS


def test_csv_text_writes_lists_and_dicts_alike_and_reads_back_with_required_columns(tmp_path):
    from ceasefire.instructor import csvtext
    as_lists = csvtext.text_of(["a", "b"], [[1, "x,y"]])
    assert as_lists == csvtext.text_of(["a", "b"], [{"a": 1, "b": "x,y"}]) == 'a,b\n1,"x,y"\n'
    path = tmp_path / "t.csv"
    path.write_text(as_lists)
    assert list(csvtext.open_rows(path, "table", ["a"])) == [{"a": "1", "b": "x,y"}]
    with pytest.raises(CourseError, match="the table .* has no c column; name it"):
        csvtext.open_rows(path, "table", ["a", "c"], "name it")
    with pytest.raises(CourseError, match="cannot be read"):
        csvtext.open_rows(tmp_path / "missing.csv", "table", ["a"])
