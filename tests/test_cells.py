"""The answer-cell vocabulary shared by assign, grade and tamper (ceasefire.checking.cells)."""

import ast
from pathlib import Path

import pytest

from ceasefire.checking.cells import answer_cell_metadata


@pytest.mark.parametrize("source, expected", [
    ('answer = 115\ncheck("q03.1", answer)', {"question": "q03.1", "answer": "answer", "live": False}),
    ("check('q05.5', explorer.day)  ", {"question": "q05.5", "answer": "explorer.day", "live": True}),
    ('x = 1\n  check( "q12.10" , x )\n', {"question": "q12.10", "answer": "x", "live": False}),
])
def test_an_answer_cell_names_its_question_and_answer(source, expected):
    assert answer_cell_metadata(source) == expected


@pytest.mark.parametrize("source", [
    "answer = 115",                                  # no check at all
    'check("q3.1", answer)',                         # not qNN.k
    'check("q03.1", answer) + 1',                    # more after the call
    'check("q03.1", answer())',                      # a call, not a name
    'print(check("q03.1", answer))',                 # the check is not the line
    '# check("q03.1", answer)',                      # a comment
])
def test_other_cells_are_not_answer_cells(source):
    assert answer_cell_metadata(source) is None


def test_the_parser_is_defined_once_and_imported_from_checking_cells():
    """assign, grade (its runner) and tamper all read answer cells with this one parser."""
    src = Path(__file__).resolve().parents[1] / "src" / "ceasefire"
    defined, users = [], []
    for path in src.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.Assign)):
                names = [node.name] if isinstance(node, ast.FunctionDef) else [
                    t.id for t in node.targets if isinstance(t, ast.Name)]
                if {"answer_cell_metadata", "CHECK_CALL"} & set(names):
                    defined.append(path.relative_to(src).as_posix())
            if isinstance(node, ast.ImportFrom) and any(a.name == "answer_cell_metadata" for a in node.names):
                users.append((path.stem, node.module))
    assert sorted(set(defined)) == ["checking/cells.py"]
    assert {module for _, module in users} == {"ceasefire.checking.cells"}
    assert {"assign", "tamper"} <= {stem for stem, _ in users} and len(users) >= 3
