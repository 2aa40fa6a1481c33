"""Complete student submissions for any lesson, built from the released exercise and the solution notebook.

`filled(lesson)` is what a student hands in after answering every question with the solution (the
exercise's locked cells untouched); `overrides` replaces chosen answer cells. Used by the parity test
(tests/test_grade_parity.py) and by the grading benchmark (bench/grading.py), so neither goes stale when
a question changes.
"""

import re

import nbformat

from conftest import ROOT

LESSONS = sorted(p.stem for p in (ROOT / "exercises").glob("[0-9][0-9]-*.ipynb"))
SOLUTION_LINE = re.compile(r"^(?P<target>[^=#]+?)\s*=(?!=)\s*(?P<value>.+?)\s*# SOLUTION\s*$")


def exercise(lesson):
    return nbformat.read(ROOT / "exercises" / f"{lesson}.ipynb", as_version=4)


def solution_sources(lesson):
    """qid -> the solution notebook's answer cell, `# SOLUTION` markers removed."""
    nb = nbformat.read(ROOT / "solutions" / f"{lesson}.ipynb", as_version=4)
    out = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and 'check("' in cell.source:
            qid = cell.source.split('check("', 1)[1].split('"', 1)[0]
            out[qid] = "\n".join(line.split("  # SOLUTION")[0] if "# SOLUTION" in line else line
                                 for line in cell.source.splitlines())
    return out


def solution_parts(lesson):
    """qid -> (lines before the answer line, answer target, answer expression, lines after), or None for a
    cell without a `name = value  # SOLUTION` line (a widget-answered question)."""
    nb = nbformat.read(ROOT / "solutions" / f"{lesson}.ipynb", as_version=4)
    out = {}
    for cell in nb.cells:
        if cell.cell_type != "code" or 'check("' not in cell.source:
            continue
        qid = cell.source.split('check("', 1)[1].split('"', 1)[0]
        lines = cell.source.splitlines()
        marked = [i for i, line in enumerate(lines) if "# SOLUTION" in line]
        if not marked:
            out[qid] = None
            continue
        i = marked[0]
        match = SOLUTION_LINE.match(lines[i])
        out[qid] = ("\n".join(lines[:i]), match["target"].strip(), match["value"].strip(), "\n".join(lines[i + 1:]))
    return out


def answer_indices(nb):
    return {c.metadata["ceasefire"]["question"]: i for i, c in enumerate(nb.cells)
            if isinstance(c.metadata.get("ceasefire"), dict) and "question" in c.metadata["ceasefire"]}


def filled(lesson, **overrides):
    """The exercise with every answer cell filled with the solution, except `overrides` (qid -> source)."""
    nb = exercise(lesson)
    sources = solution_sources(lesson)
    for qid, index in answer_indices(nb).items():
        nb.cells[index].source = overrides.get(qid, sources[qid])
    return nb
