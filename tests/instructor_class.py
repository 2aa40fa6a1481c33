"""A small fixture class for the instructor's loop (collect, grade, return, export, report).

Six students hand in lesson 03's exercise, built from the current solution notebook with some answers
replaced by known wrong answers of solutions/keys.yml. HAND_COUNT is what a person counts from the table
below: for each question, how many students gave each known wrong answer ("w1" = the first `wrong:` entry).
"""

import csv
from pathlib import Path

import nbformat

from adversarial import LESSON, filled
from ceasefire.instructor.grade import Limits, grade
from conftest import ROOT

ROSTER = [  # id, name, email
    ("ada", "Ada Lovelace", "ada@uni.example"),
    ("ben", "Ben Okri", "ben.okri@uni.example"),
    ("cleo", "Cleo Diaz", "cleo@uni.example"),
    ("dan", "Dan Wu", "dwu@uni.example"),
    ("eve", "Eve Martin", "eve@uni.example"),
    ("fay", "Fay Nkemelu", "fay@uni.example"),
]

PLACEHOLDER = "answer = ...\ncheck(\"{q}\", answer)"
DAYS = '"How many days a real truce will last"'
PROBABILITY = '"The probability that the February truce would fail"'
SHELLING = ('["Government offensives around Aleppo", "Nusra fighters mixed in with other rebel groups", '
            '"Aid kept from besieged areas", "Turkish shelling of Kurdish forces after the truce began"]')


def _answer(qid, value):
    return f"answer = {value}\ncheck(\"{qid}\", answer)"


# student -> answer cells replaced (everything else is the solution)
ANSWERS = {
    "ada": {},
    "ben": {"q03.1": _answer("q03.1", 1728), "q03.2": _answer("q03.2", 115.2)},
    "cleo": {"q03.1": _answer("q03.1", 1728), "q03.8": _answer("q03.8", DAYS)},
    "dan": {"q03.1": _answer("q03.1", 57.6), "q03.8": _answer("q03.8", DAYS), "q03.6": _answer("q03.6", SHELLING)},
    "eve": {"q03.1": _answer("q03.1", 1000), "q03.2": _answer("q03.2", 1785.6), "q03.8": _answer("q03.8", PROBABILITY)},
    "fay": {q: PLACEHOLDER.format(q=q) for q in ("q03.1", "q03.2", "q03.3", "q03.4", "q03.6", "q03.7", "q03.8", "q03.9")},
}
REFLECTIONS = {
    "ada": "Turkey's shelling began on 13 February, before the truce [P09]; the record's causes are the offensives.",
    "ben": "I agree with the author.",
    "dan": "The UCDP numbers fall in March, then rise again in April.",
}

# Counted by hand from ANSWERS: question -> {hint id: students}
HAND_COUNT = {
    "q03.1": {"w1": 2, "w2": 1},     # 1728: ben, cleo; 57.6: dan (eve's 1000 is no known wrong answer)
    "q03.2": {"w1": 1, "w2": 1},     # 115.2: ben; 1785.6: eve
    "q03.6": {"w1": 1},              # Turkish shelling chosen: dan
    "q03.8": {"w1": 2, "w2": 1},     # days: cleo, dan; probability: eve
}
# Fully right, by hand: q03.1 ada; q03.2 ada, cleo, dan; q03.8 ada, ben; q03.6 ada, ben, cleo, eve (fay left
# these blank, dan's q03.6 is partly right).
RIGHT = {"q03.1": 1, "q03.2": 3, "q03.8": 2, "q03.6": 4}
LIMITS = Limits(wall_seconds=40, cpu_seconds=20, memory_mb=1536)


def notebook(student: str):
    nb = filled(**ANSWERS[student])
    for cell in nb.cells:
        meta = cell.metadata.get("ceasefire")
        if isinstance(meta, dict) and meta.get("reflection") and student in REFLECTIONS:
            cell.source = REFLECTIONS[student]
    return nb


def write_roster(path: Path, rows=ROSTER, columns=("id", "name", "email")):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows(rows)
    return path


def submissions(base: Path):
    """base/submissions/<id>/03-february-failure.ipynb for every student; returns the paths."""
    paths = []
    for student, *_ in ROSTER:
        path = base / "submissions" / student / f"{LESSON}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook(student), path)
        paths.append(path)
    return paths


def graded(base: Path, marks=None):
    """Grade the class into base/; returns (gradebook path, feedback folder, rows)."""
    paths = sorted((base / "submissions").glob("*/*.ipynb")) or submissions(base)
    out, feedback = base / "gradebook.csv", base / "feedback"
    rows = grade(paths, ROOT, out, feedback, jobs=2, limits=LIMITS, forbidden=[ROOT / "solutions"],
                 log=lambda *_: None, marks=marks)
    return out, feedback, rows
