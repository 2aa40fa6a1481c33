"""One source: exercises are generated from solutions; stale exercises or keys fail; no plain answers ship."""

import json
import re

import nbformat
import pytest

from ceasefire.instructor.assign import exercise_from_solution, exercise_source, stale
from ceasefire.errors import CourseError
from ceasefire.instructor.compile_keys import read_plain
from conftest import ROOT

PLAIN = read_plain(ROOT / "solutions" / "keys.yml")


def test_solution_lines_become_placeholders():
    source = 'answer = 115.2  # SOLUTION\n    nested = ["a", "b"]   # SOLUTION\ncheck("q03.1", answer)'
    assert exercise_source(source, "x") == 'answer = ...\n    nested = ...\ncheck("q03.1", answer)'


def test_a_marker_on_a_line_that_is_not_an_assignment_is_an_error():
    with pytest.raises(CourseError, match="x, line 1: a '# SOLUTION' line must look like"):
        exercise_source("print(42)  # SOLUTION", "x")


def test_tagged_cells():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("model answer", metadata={"tags": ["solution"]}),
        nbformat.v4.new_code_cell("picker.value = 3", metadata={"tags": ["solution-only"]}),
        nbformat.v4.new_code_cell("x = 1  # SOLUTION", metadata={"tags": ["nbval-ignore-output"]}),
    ])
    exercise = exercise_from_solution(nb)
    assert [c.source for c in exercise.cells] == ["*Write your answer here.*", "x = ..."]
    assert "tags" not in exercise.cells[0].metadata
    assert exercise.cells[1].metadata["tags"] == ["nbval-ignore-output"]


def test_exercises_and_keys_are_current():
    assert stale(ROOT) == [], "run `ceasefire assign`"


def test_same_basenames_in_both_folders():
    solutions = {p.name for p in (ROOT / "solutions").glob("*.ipynb")}
    exercises = {p.name for p in (ROOT / "exercises").glob("*.ipynb")}
    assert solutions == exercises and solutions


def test_a_changed_solution_makes_the_exercise_stale(tmp_path):
    for folder in ("solutions", "exercises"):
        (tmp_path / folder).mkdir()
    nb = nbformat.read(next((ROOT / "solutions").glob("*.ipynb")), as_version=4)
    nbformat.write(nb, tmp_path / "solutions" / "01-x.ipynb")
    nbformat.write(exercise_from_solution(nb, "01-x.ipynb"), tmp_path / "exercises" / "01-x.ipynb")
    assert [p for p in stale(tmp_path) if "01-x" in p] == []
    nb.cells.append(nbformat.v4.new_markdown_cell("a new question"))
    nbformat.write(nb, tmp_path / "solutions" / "01-x.ipynb")
    assert any("exercises/01-x.ipynb differs" in p for p in stale(tmp_path))


def _outputs(path):
    nb = nbformat.read(path, as_version=4)
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def _check_states(path):
    html = "".join(o.get("data", {}).get("text/html", "") for o in _outputs(path))
    return re.findall(r'class="ceasefire-check ceasefire-(\w+)"', html)


@pytest.mark.parametrize("path", sorted((ROOT / "solutions").glob("*.ipynb")), ids=lambda p: p.name)
def test_stored_outputs_show_every_solution_correct(path):
    states = _check_states(path)
    assert states and set(states) == {"correct"}, states


@pytest.mark.parametrize("path", sorted((ROOT / "exercises").glob("*.ipynb")), ids=lambda p: p.name)
def test_stored_outputs_show_every_exercise_unanswered(path):
    states = _check_states(path)
    assert states and set(states) == {"unanswered"}, states


def test_every_question_is_asked_in_its_lesson_exercise():
    for qid, spec in PLAIN.items():
        text = (ROOT / "exercises" / f"{spec['lesson']}.ipynb").read_text(encoding="utf-8")
        assert f'check(\\"{qid}\\"' in text, qid


def _plain_forms(spec):
    """The ways an answer could be written out in plain text as a value."""
    answer, kind = spec["answer"], spec["kind"]
    if kind == "number":
        if float(answer).is_integer() and abs(answer) < 100:     # small numbers occur everywhere: only as a value
            return [re.compile(rf"(?<![=!<>])=\s*{int(answer)}(?![\w.\]])")]
        return [re.compile(rf"(?<![\w.]){re.escape(str(answer))}(?![\w.])"),
                re.compile(rf"(?<![\w.]){re.escape(f'{answer:,}')}(?![\w.])")]
    if kind in ("date", "month", "text", "choice"):
        return [re.compile(rf"[\"']{re.escape(str(answer))}[\"']", re.IGNORECASE)] if kind != "choice" else \
               [re.compile(rf"=\s*{re.escape(json.dumps(answer))}")]
    if kind in ("order", "multi"):
        return [re.compile(re.escape(json.dumps(answer)))]
    if kind == "match":
        return [re.compile(re.escape(json.dumps(answer)))] + [
            re.compile(re.escape(f'"{k}": "{v}"') + r"\s*[,}]\s*" + re.escape(f'"{k2}"'))
            for (k, v), k2 in zip(answer.items(), list(answer)[1:])]
    return [re.compile(re.escape(json.dumps(answer["y"])))]


# The checking machinery holds no answer at all. Lesson modules teach facts that some questions ask
# about (the truce's start date, say), so they are scanned only where they name a question.
MACHINERY = ("keys.json", "keys.py", "kinds.py", "verdict.py", "checks.py", "answers.py", "cells.py", "assign.py",
             "compile_keys.py", "progress.py")


def _shipped_texts():
    for path in sorted((ROOT / "exercises").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        yield f"exercises/{path.name}", "\n".join(c.source for c in nb.cells) + json.dumps(_outputs(path)), None
    for path in sorted((ROOT / "src" / "ceasefire").rglob("*")):
        if path.is_file() and path.suffix in (".py", ".json", ".yml", ".txt"):
            scope = None if path.name in MACHINERY else "named"
            yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8"), scope


def test_no_answer_appears_in_plain_text_in_what_students_get():
    found = []
    for name, text, scope in _shipped_texts():
        for qid, spec in PLAIN.items():
            if scope == "named" and qid not in text:
                continue
            for pattern in _plain_forms(spec):
                if pattern.search(text):
                    found.append(f"{qid} in {name}")
    assert found == []


def test_the_leak_scan_finds_a_planted_answer(tmp_path):
    """The scan above must be able to fail: plant one answer and look again."""
    for qid, planted in [("q03.1", "answer = 115.2"), ("q03.2", "it is 1,728 deaths"), ("q02.2", "answer = 7"),
                         ("q01.5", 'answer = "Jabhat Fateh al-Sham"'), ("q02.1", "answer = '2016-09-12'"),
                         ("q01.1", 'answer = "Fallujah, Iraq"'),
                         ("q03.7", json.dumps(PLAIN["q03.7"]["answer"])), ("q05.4", json.dumps(PLAIN["q05.4"]["answer"])),
                         ("q02.4", json.dumps(PLAIN["q02.4"]["answer"]))]:
        assert any(p.search(planted) for p in _plain_forms(PLAIN[qid])), qid
    # ... while the same facts in passing are not answers
    assert not any(p.search('"execution_count": 7') for p in _plain_forms(PLAIN["q02.2"]))
