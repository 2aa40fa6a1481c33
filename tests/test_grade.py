"""The grader against an adversarial class: every submission graded with a stated reason, the grader
survives, the other rows stay right; scoring happens outside the student's process."""

import csv
import re
from pathlib import Path

import pytest

from adversarial import LESSON, builders
from ceasefire.instructor import grade as grade_module
from ceasefire.instructor.grade import Limits, grade
from ceasefire.checking.keys import load_keys
from ceasefire.instructor.compile_keys import read_plain
from conftest import ROOT

QUESTIONS = sorted(q for q, k in load_keys().items() if k["lesson"] == LESSON)
LIMITS = Limits(wall_seconds=25, cpu_seconds=8, memory_mb=1536)   # wall > CPU: a busy CI machine must not look like a hang
# The one submission that only sleeps uses no CPU, so it cannot look like a hang: give it a shorter wall limit
# (still long enough to start the worker and reach its sleeping cell on a busy machine) instead of waiting 25 s.
# The endless loop gets a smaller CPU limit: the worker reaches the loop's cell (q03.2) within 2 s of CPU.
OWN_LIMITS = {"sleep-forever": Limits(wall_seconds=10, cpu_seconds=8, memory_mb=1536),
              "infinite-loop": Limits(wall_seconds=25, cpu_seconds=4, memory_mb=1536)}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("class")
    paths = []
    for name, build in builders().items():
        folder = base / "submissions" / name
        folder.mkdir(parents=True)
        path = folder / f"{LESSON}.ipynb"
        path.write_bytes(build())
        paths.append(path)
    out, feedback = base / "gradebook.csv", base / "feedback"
    real_grade_one = grade_module.grade_one

    def grade_one(path, release, limits, *args, **kwargs):
        return real_grade_one(path, release, OWN_LIMITS.get(path.parent.name, limits), *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(grade_module, "grade_one", grade_one)
        grade(paths, ROOT, out, feedback, jobs=2, limits=LIMITS, forbidden=[ROOT / "solutions"], log=lambda *_: None)
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    by = {}
    for row in rows:
        by.setdefault(row["student"], {})[row["question"]] = row
    return {"rows": rows, "by": by, "out": out, "feedback": feedback, "paths": paths, "base": base}


def scores(graded, student):
    return {q: float(r["score"]) for q, r in graded["by"][student].items()}


def test_every_submission_has_one_row_per_question(graded):
    for student in builders():
        assert student in graded["by"], student
        got = set(graded["by"][student])
        assert got == set(QUESTIONS) or got == {"(all)"}, student


def test_correct_submission_gets_full_marks(graded):
    assert all(r["status"] == "correct" for r in graded["by"]["correct"].values())


def test_wrong_values_lose_only_those_points_with_a_reason(graded):
    rows = graded["by"]["wrong-values"]
    assert rows["q03.1"]["status"] == "incorrect" and "30-day month" in rows["q03.1"]["reason"]
    assert rows["q03.2"]["status"] == "incorrect" and "48-hour total" in rows["q03.2"]["reason"]
    assert all(rows[q]["status"] == "correct" for q in QUESTIONS if q not in ("q03.1", "q03.2"))


@pytest.mark.parametrize("student, words", [
    ("infinite-loop", "CPU limit"), ("sleep-forever", "time limit"), ("os-exit", "ended the grader's process"),
])
def test_runaway_notebooks_are_stopped_and_the_running_cell_named(graded, student, words):
    rows = graded["by"][student]
    stopped = [r for r in rows.values() if r["status"] == "not run"]
    assert stopped and all(words in r["reason"] for r in stopped), rows
    feedback = (graded["feedback"] / f"{student}.md").read_text()
    assert "Stopped while running cell" in feedback and words in feedback
    assert rows["q03.1"]["status"] == "correct", "the limit must leave time to reach the runaway cell"
    assert "(question q03." in feedback
    if student == "os-exit":   # questions before the exit keep their marks
        assert rows["q03.1"]["status"] == "correct" and rows["q03.3"]["status"] == "correct"


def test_memory_bomb_is_contained(graded):
    rows = graded["by"]["memory-bomb"]
    feedback = (graded["feedback"] / "memory-bomb.md").read_text()
    assert "MemoryError" in feedback or "memory limit" in feedback
    assert rows["q03.1"]["status"] == "correct"


@pytest.mark.parametrize("student, error", [("sys-exit", "SystemExit"), ("exception", "ValueError: my own bug"),
                                            ("keyboard-interrupt", "KeyboardInterrupt")])
def test_errors_in_a_cell_are_reported_and_grading_goes_on(graded, student, error):
    rows = graded["by"][student]
    assert rows["q03.1"]["status"] == "correct" and rows["q03.8"]["status"] == "correct"
    assert error in (graded["feedback"] / f"{student}.md").read_text()


@pytest.mark.parametrize("student, finding", [
    ("edited-locked", "was edited"), ("deleted-locked", "was deleted"),
    ("duplicated-locked", "appears 2 times (duplicated)"), ("reordered-locked", "was moved"),
])
def test_tampered_locked_cells_are_reported_as_a_diff_and_the_rest_graded(graded, student, finding):
    feedback = (graded["feedback"] / f"{student}.md").read_text()
    assert finding in feedback
    rows = graded["by"][student]
    assert all(r["status"] == "correct" for r in rows.values())
    assert all("locked cells changed" in r["reason"] for r in rows.values())
    if student in ("edited-locked", "deleted-locked"):
        assert "```diff" in feedback


def test_correct_submission_has_no_tamper_report(graded):
    assert "should not have been changed" not in (graded["feedback"] / "correct.md").read_text()


def test_redefining_check_or_patching_the_package_gains_nothing(graded):
    assert graded["by"]["check-redefined"]["q03.1"]["status"] == "incorrect"
    assert graded["by"]["package-patched"]["q03.2"]["status"] == "incorrect"


def test_answers_of_the_wrong_type_get_a_sentence(graded):
    rows = graded["by"]["wrong-types"]
    assert rows["q03.1"]["status"] == "unreadable" and "table" in rows["q03.1"]["reason"]
    assert rows["q03.2"]["status"] == "not answered"
    assert rows["q03.7"]["status"] == "unreadable"


@pytest.mark.parametrize("student, reason", [
    ("malformed-json", "not valid notebook JSON"), ("empty-file", "the file is empty"),
    ("not-a-notebook", "not valid notebook JSON"),
])
def test_unreadable_files_are_ungradable_with_a_reason(graded, student, reason):
    rows = graded["by"][student].values()
    assert rows and all(r["status"] == "ungradable" and reason in r["reason"] for r in rows)


def test_nbformat_3_is_upgraded_and_graded(graded):
    assert scores(graded, "nbformat-3")["q03.1"] == 1.0


def test_huge_outputs_cost_nothing(graded):
    assert all(r["status"] == "correct" for r in graded["by"]["huge-printed-output"].values())
    assert all(r["status"] == "correct" for r in graded["by"]["huge-stored-output"].values())


def test_writing_outside_or_reading_solutions_is_refused(graded):
    assert not (Path.home() / "ceasefire-pwned.txt").exists()
    assert not Path("/root/ceasefire-pwned.txt").exists()
    for student in ("writes-outside", "reads-solutions"):
        assert "PermissionError" in (graded["feedback"] / f"{student}.md").read_text()
        assert graded["by"][student]["q03.1"]["status"] == "correct"


def _revealing_forms(spec):
    """How a key could show in feedback: as solutions write it (test_assign's leak patterns) and, for the
    answers only a hash protects, the bare value in any spelling a person would recognise."""
    from test_assign import _plain_forms
    forms = _plain_forms(spec)
    answer = spec["answer"]
    if spec["kind"] == "number" and not (float(answer).is_integer() and abs(answer) < 100):
        forms += [re.compile(rf"(?<![\w.]){re.escape(format(float(answer), 'g'))}(?![\w.])")]
    if spec["kind"] in ("date", "month", "text"):
        forms += [re.compile(rf"(?<![\w-]){re.escape(str(answer))}(?![\w-])", re.IGNORECASE)]
    return forms


def test_feedback_never_reveals_a_key(graded):
    """Every plain answer of solutions/keys.yml, in every feedback file the grader wrote (Markdown and HTML)."""
    plain = read_plain(ROOT / "solutions" / "keys.yml")
    files = sorted(graded["feedback"].glob("*.md")) + sorted(graded["feedback"].glob("*.html"))
    assert files
    found = [f"{qid} in {path.name}" for path in files for qid, spec in plain.items()
             for form in _revealing_forms(spec) if form.search(path.read_text(encoding="utf-8"))]
    assert found == []


def test_the_reveal_check_finds_a_planted_key():
    """Test of the test: a feedback line that states a key is caught, for each kind of question."""
    plain = read_plain(ROOT / "solutions" / "keys.yml")
    planted = {"q03.4": "| q03.4 | 0 / 1 | incorrect | the answer is -1438 |",
               "q03.2": "expected 1,728 deaths", "q03.3": "the lowest month was 2016-05.",
               "q01.5": f"the answer is {plain['q01.5']['answer']}"}
    for qid, line in planted.items():
        assert any(form.search(line) for form in _revealing_forms(plain[qid])), qid


def test_summary_per_question(graded):
    summary = graded["out"].with_name("gradebook-summary.csv")
    rows = list(csv.DictReader(summary.open()))
    assert [r["question"] for r in rows] == QUESTIONS
    assert all(0 <= float(r["share_correct"]) <= 1 for r in rows)


def test_rerun_gives_the_same_gradebook_and_reuses_finished_work(graded):
    before = graded["out"].read_text()
    parts = sorted(p.name for p in graded["out"].with_name("gradebook.csv.parts").iterdir())
    grade(graded["paths"], ROOT, graded["out"], graded["feedback"], jobs=2, limits=LIMITS,
          forbidden=[ROOT / "solutions"], log=lambda *_: None)
    assert graded["out"].read_text() == before
    assert sorted(p.name for p in graded["out"].with_name("gradebook.csv.parts").iterdir()) == parts


def test_a_grader_killed_midway_loses_nothing_already_graded(tmp_path):
    """Kill the grade command after its first finished submission; the re-run reuses that result as is."""
    import os
    import signal
    import subprocess
    import sys
    import time

    paths = []
    for n in range(4):
        folder = tmp_path / "subs" / f"student{n}"
        folder.mkdir(parents=True)
        (folder / f"{LESSON}.ipynb").write_bytes(builders()["correct"]())
        paths.append(folder / f"{LESSON}.ipynb")
    out, parts = tmp_path / "gradebook.csv", tmp_path / "gradebook.csv.parts"
    command = [sys.executable, "-m", "ceasefire.instructor.cli", "grade", *map(str, paths), "--out", str(out),
               "--feedback", str(tmp_path / "fb"), "--jobs", "1"]
    grader = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and not (parts.exists() and list(parts.glob("*.json"))):
        time.sleep(0.05)
    os.killpg(grader.pid, signal.SIGKILL)
    grader.wait()
    finished = {p.name: p.stat().st_mtime_ns for p in parts.glob("*.json")}
    assert 1 <= len(finished) < 4 and not out.exists()
    assert subprocess.run(command, cwd=ROOT, capture_output=True).returncode == 0
    assert {p.name: p.stat().st_mtime_ns for p in parts.glob("*.json") if p.name in finished} == finished
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 4 * len(QUESTIONS) and {r["status"] for r in rows} == {"correct"}
