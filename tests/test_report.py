"""`ceasefire report`: one offline HTML page with plotly figures, each described in words, and the known
misconceptions per question counted exactly as a person counts them on the fixture class."""

import re
import subprocess
import sys

import nbformat
import pytest

from ceasefire.errors import CourseError
from ceasefire.instructor.export import read_gradebook
from ceasefire.instructor.grade import GRADEBOOK_COLUMNS
from ceasefire.checking.keys import load_keys
from ceasefire.instructor.compile_keys import read_plain
from ceasefire.instructor.report import anchor, analyse, headline, report
from conftest import ROOT
from instructor_class import HAND_COUNT, RIGHT, ROSTER, graded, submissions

PLAIN = read_plain(ROOT / "solutions" / "keys.yml")


@pytest.fixture(scope="module")
def cls(tmp_path_factory):
    base = tmp_path_factory.mktemp("class")
    submissions(base)
    out, _, rows = graded(base)
    page = base / "class-report.html"
    result = subprocess.run([sys.executable, "-m", "ceasefire.instructor.cli", "report", str(out), "--out", str(page)],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    return {"out": out, "rows": rows, "page": page, "html": page.read_text(encoding="utf-8"), "stdout": result.stdout}


def test_the_gradebook_records_which_hint_fired(cls):
    fired = {}
    for row in cls["rows"]:
        if row["hint"]:
            fired.setdefault(row["question"], {}).setdefault(row["hint"], set()).add(row["student"])
    assert {q: {h: len(s) for h, s in hints.items()} for q, hints in fired.items()} == HAND_COUNT
    eve = next(r for r in cls["rows"] if (r["student"], r["question"]) == ("eve", "q03.1"))
    assert eve["status"] == "incorrect" and eve["hint"] == ""          # 1000 is wrong, but no known wrong answer


def test_misconception_counts_equal_the_hand_count(cls):
    """In the page itself: one table row per (question, known wrong answer) with its student count."""
    found = {}
    for q, hint, count in re.findall(r'data-question="(q03\.\d)" data-hint="(w\d)" data-count="(\d+)"', cls["html"]):
        found.setdefault(q, {})[hint] = int(count)
    assert found == HAND_COUNT
    for q, right in RIGHT.items():
        assert f"<td>{q}</td><td>{right} of {len(ROSTER)}</td>" in cls["html"]


def test_misconceptions_are_ranked_and_say_what_students_believed(cls):
    rows = re.findall(r'<tr data-question="q03\.8" data-hint="(w\d)" data-count="(\d+)">.*?<td>([^<]*)</td><td>\d+</td>',
                      cls["html"])
    assert [(h, int(c)) for h, c, _ in rows] == [("w1", 2), ("w2", 1)]                     # most students first
    assert rows[0][2] == "How many days a real truce will last"
    lines = headline(analyse(read_gradebook(cls["out"]), load_keys(), PLAIN))
    assert "Missed by most of the class (fewer than half fully right): q03.1, q03.8. " in cls["html"]
    assert lines[0].startswith("q03.1: 5 of 6 did not get it right; most often (2 students) they believed \u201c1728\u201d")


def test_links_go_to_the_section_that_teaches_the_point(cls):
    href = re.search(r'<tr data-question="q03\.1"[^>]*>.*?<a href="([^"]+)"', cls["html"]).group(1)
    assert href.endswith("lessons/03-february-failure.ipynb#5.-Where-does-%22every-25-minutes%22-come-from%3F")


def test_figures_present_embedded_and_described(cls):
    html = cls["html"]
    assert len(re.findall(r'<figure class="report-figure"', html)) == 3
    assert len(re.findall(r"Plotly\.newPlot\(", html.split("</head>", 1)[1])) == 3
    for number in (1, 2, 3):
        caption = re.search(rf'<figcaption id="desc{number}" class="description">([^<]+)</figcaption>', html).group(1)
        assert len(caption) > 80
    assert "03 Why the February truce failed: 6 students, median" in html
    assert "Lowest: q03.1 17% (1 of 6)" in html
    assert "q03.1 \u201c1728\u201d 2 students" in html


def test_page_is_offline(cls):
    html = cls["html"]
    head = html.split("</head>", 1)[0]
    assert re.search(r"<script>/\*\*\s*\n?\s*\* plotly\.js v", head)                      # plotly.js itself, inline
    assert not re.search(r"<script[^>]+src=", html) and not re.search(r"<link\b", html)
    assert "default-src 'none'" in head
    assert "open it in any browser" in cls["stdout"]


def test_counts_are_per_student_and_skip_what_is_not_a_checked_answer():
    rows = [dict(zip(GRADEBOOK_COLUMNS, r)) for r in [
        ("a", "x.ipynb", "03-february-failure", "q03.1", 0.0, 1.0, "incorrect", "", "w1"),
        ("a", "y.ipynb", "03-february-failure", "q03.1", 0.0, 1.0, "incorrect", "", "w1"),   # same student twice
        ("b", "x.ipynb", "03-february-failure", "q03.1", 0.0, 1.0, "incorrect", "", "w1"),
        ("c", "x.ipynb", "03-february-failure", "q03.1", 0.0, 1.0, "ungradable", "", ""),
        ("c", "x.ipynb", "03-february-failure", "r03", 3.0, 4.0, "marked", "", ""),
    ]]
    q = analyse(rows, load_keys(), PLAIN)["q03.1"]
    assert (q.submissions, q.correct) == (3, 0)
    assert [(m.hint_id, len(m.students), m.believed) for m in q.misconceptions] == [("w1", 2, "1728")]


def test_without_solutions_the_hint_stands_in_for_the_answer():
    rows = [dict(zip(GRADEBOOK_COLUMNS, ("a", "x", "03-february-failure", "q03.8", 0.0, 1.0, "incorrect", "", "w2")))]
    m = analyse(rows, load_keys(), {})["q03.8"].misconceptions[0]
    assert m.believed == "" and m.hint == load_keys()["q03.8"]["wrong"][1]["hint"]


def test_every_question_names_a_section_its_lesson_has():
    headings = {}
    for path in (ROOT / "lessons").glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        headings[path.stem] = {line.lstrip("#").strip() for c in nb.cells if c.cell_type == "markdown"
                               for line in c.source.splitlines() if line.startswith("#")}
    wrong = [f"{q}: {spec.get('section')!r}" for q, spec in PLAIN.items()
             if spec.get("section") not in headings[spec["lesson"]]]
    assert wrong == []
    assert anchor("5. Where does \"every 25 minutes\" come from?") == "5.-Where-does-%22every-25-minutes%22-come-from%3F"


def test_bad_gradebooks_get_one_clear_line(tmp_path):
    path = tmp_path / "gb.csv"
    path.write_text(",".join(GRADEBOOK_COLUMNS) + "\nada,x,99-other,q99.1,1,1,correct,,\n")
    with pytest.raises(CourseError, match="names questions this course does not have"):
        report(path, tmp_path / "r.html")
    result = subprocess.run([sys.executable, "-m", "ceasefire.instructor.cli", "report", str(tmp_path / "missing.csv")],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1 and "cannot be read" in result.stderr and "Traceback" not in result.stderr
