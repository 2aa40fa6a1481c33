"""Adversarial submissions for the grader, built from the released exercise of lesson 03.

Each builder returns (file name, bytes). They are made at test time from the current exercise and
solution notebooks, so they never go stale when a question changes.
"""

import copy
import json

import nbformat

from conftest import ROOT

LESSON = "03-february-failure"


def _exercise():
    return nbformat.read(ROOT / "exercises" / f"{LESSON}.ipynb", as_version=4)


def _solution_sources():
    nb = nbformat.read(ROOT / "solutions" / f"{LESSON}.ipynb", as_version=4)
    out = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and "check(" in cell.source:
            qid = cell.source.split('check("', 1)[1].split('"', 1)[0]
            out[qid] = cell.source.replace("  # SOLUTION", "")
    return out


def _answer_indices(nb):
    return {c.metadata["ceasefire"]["question"]: i for i, c in enumerate(nb.cells)
            if isinstance(c.metadata.get("ceasefire"), dict) and "question" in c.metadata["ceasefire"]}


def filled(**overrides):
    """The exercise with every answer cell filled with the solution, except `overrides` (qid -> source)."""
    nb = _exercise()
    sources = _solution_sources()
    for qid, index in _answer_indices(nb).items():
        nb.cells[index].source = overrides.get(qid, sources[qid])
    return nb


def _bytes(nb):
    return nbformat.writes(nb).encode()


def _first_answer_cell(nb):
    return min(_answer_indices(nb).values())


def builders():
    """name -> function returning the submission's bytes."""
    def correct():
        return _bytes(filled())

    def wrong_values():
        return _bytes(filled(**{"q03.1": 'answer = 1728\ncheck("q03.1", answer)',
                                "q03.2": 'answer = 115.2\ncheck("q03.2", answer)'}))

    def inject(code, qid="q03.2"):
        def build():
            nb = filled()
            index = _answer_indices(nb)[qid]
            nb.cells[index].source = code + "\n" + nb.cells[index].source
            return _bytes(nb)
        return build

    def edited_locked():
        nb = filled()
        md = next(c for c in nb.cells if c.cell_type == "markdown" and "Question q03.1" in c.source)
        md.source = md.source.replace("25 minutes", "30 minutes")
        return _bytes(nb)

    def deleted_locked():
        nb = filled()
        nb.cells = [c for c in nb.cells if not (c.cell_type == "markdown" and "Question q03.2" in c.source)]
        return _bytes(nb)

    def duplicated_locked():
        nb = filled()
        index = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and "Question q03.4" in c.source)
        nb.cells.insert(index, copy.deepcopy(nb.cells[index]))
        return _bytes(nb)

    def reordered_locked():
        nb = filled()
        a = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and "Question q03.6" in c.source)
        b = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and "Question q03.7" in c.source)
        nb.cells[a], nb.cells[b] = nb.cells[b], nb.cells[a]
        return _bytes(nb)

    def check_redefined():
        nb = filled(**{"q03.1": 'def check(*args):\n    print("Correct! Well done.")\nanswer = 1\ncheck("q03.1", answer)'})
        return _bytes(nb)

    def package_patched():
        code = ("import ceasefire.checking.checks, ceasefire.checking.keys\n"
                "ceasefire.checking.checks.evaluate = lambda *a: ceasefire.checking.checks.Feedback('x', 'correct', 'ok', 1.0)\n"
                "ceasefire.checking.keys.digest = lambda *a: 'same'\n")
        return _bytes(filled(**{"q03.2": code + 'answer = 1\ncheck("q03.2", answer)'}))

    def wrong_types():
        return _bytes(filled(**{"q03.1": 'answer = data.deaths_monthly()\ncheck("q03.1", answer)',
                                "q03.2": 'answer = None\ncheck("q03.2", answer)',
                                "q03.7": 'answer = {"not": "a list"}\ncheck("q03.7", answer)'}))

    def v3_notebook():
        nb = filled()
        cells = [{"cell_type": c.cell_type, "input" if c.cell_type == "code" else "source": c.source,
                  "metadata": {}, **({"language": "python", "outputs": []} if c.cell_type == "code" else {})}
                 for c in nb.cells]
        doc = {"nbformat": 3, "nbformat_minor": 0, "metadata": {"name": ""},
               "worksheets": [{"cells": cells, "metadata": {}}]}
        return json.dumps(doc).encode()

    def huge_stored_output():
        nb = filled()
        cell = nb.cells[_first_answer_cell(nb)]
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="x" * 50_000_000)]
        return _bytes(nb)

    return {
        "correct": correct,
        "wrong-values": wrong_values,
        "infinite-loop": inject("while True:\n    pass"),
        "sleep-forever": inject("import time\ntime.sleep(10**6)"),
        "memory-bomb": inject("hog = bytearray(8 * 1024**3)"),
        "os-exit": inject("import os\nos._exit(3)", qid="q03.4"),
        "sys-exit": inject("import sys\nsys.exit(1)"),
        "exception": inject("raise ValueError('my own bug')"),
        "keyboard-interrupt": inject("raise KeyboardInterrupt"),
        "edited-locked": edited_locked,
        "deleted-locked": deleted_locked,
        "duplicated-locked": duplicated_locked,
        "reordered-locked": reordered_locked,
        "check-redefined": check_redefined,
        "package-patched": package_patched,
        "wrong-types": wrong_types,
        "malformed-json": lambda: b'{"cells": [ {"cell_type": "code", ',
        "empty-file": lambda: b"",
        "not-a-notebook": lambda: b"These are my answers: 115, 1728, May.\n",
        "nbformat-3": v3_notebook,
        "huge-printed-output": inject("print('x' * 50_000_000)"),
        "huge-stored-output": huge_stored_output,
        "writes-outside": inject("open('/tmp/../root/ceasefire-pwned.txt', 'w').write('x')\n"
                                 "import pathlib\npathlib.Path.home().joinpath('ceasefire-pwned.txt').write_text('x')"),
        "reads-solutions": inject(f"secret = open({str(ROOT / 'solutions' / 'keys.yml')!r}).read()"),
    }
