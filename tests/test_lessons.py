"""Lessons against the manifest: every paragraph a lesson lists is cited in it, every content paragraph of
the column is cited somewhere, lessons label opinion, record and model, and the lesson modules stay small."""

import ast
import re

import nbformat
import pytest

from ceasefire import data
from ceasefire.manifest import load_course
from conftest import ROOT

COURSE = load_course(ROOT)
READY = [lesson for lesson in COURSE.lessons if lesson.ready]
APPARATUS = ("caption", "cross-link", "disclaimer")   # page furniture, not the argument


def markdown(lesson):
    nb = nbformat.read(ROOT / lesson.notebook, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def cited(text):
    return set(re.findall(r"\[(P\d\d)\]", text))


@pytest.mark.parametrize("lesson", READY[1:], ids=lambda l: l.slug)
def test_each_lesson_cites_the_paragraphs_it_lists(lesson):
    missing = set(lesson.paragraphs) - cited(markdown(lesson))
    assert not missing, f"{lesson.slug} lists {sorted(missing)} in course.yml but never cites them"


def test_every_content_paragraph_is_cited_by_a_lesson():
    content = set(data.article_map().query("kind not in @APPARATUS")["paragraph"])
    everywhere = set().union(*(cited(markdown(lesson)) for lesson in READY))
    assert content - everywhere == set()
    assert {"P01", "P03", "P04", "P05", "P06", "P07", "P08", "P09", "P10", "P11", "P12", "P14", "P15", "P16",
            "P17", "P18"} <= everywhere


@pytest.mark.parametrize("lesson", READY[1:], ids=lambda l: l.slug)
def test_each_lesson_labels_opinion_and_record(lesson):
    text = markdown(lesson)
    assert "Author's opinion" in text or "author's opinion" in text
    assert "The record" in text or "the record" in text


@pytest.mark.parametrize("lesson", READY, ids=lambda l: l.slug)
def test_each_lesson_is_small_and_has_a_widget(lesson):
    path = ROOT / lesson.notebook
    assert path.stat().st_size <= 300_000
    nb = nbformat.read(path, as_version=4)
    assert any("nbval-ignore-output" in c.metadata.get("tags", []) for c in nb.cells), "a widget-driven figure"


# ---- the lesson modules stay small (issue 12) ----------------------------------------------------------


MAX_MODULE_LINES, MAX_FUNCTION_LINES = 400, 50
# Every module of the package and every maintainer script: one rule for all layers (issue 12).
SMALL_MODULES = sorted((ROOT / "src" / "ceasefire").rglob("*.py")) + sorted((ROOT / "tools").glob("*.py"))


def oversized(source: str) -> list[str]:
    """What breaks the size rules in one module's source: the module's length and each long function."""
    problems = []
    lines = source.count("\n")
    if lines > MAX_MODULE_LINES:
        problems.append(f"{lines} lines (at most {MAX_MODULE_LINES})")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                problems.append(f"{node.name}() has {length} lines (at most {MAX_FUNCTION_LINES})")
    return problems


@pytest.mark.parametrize("path", SMALL_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_and_functions_stay_small(path):
    assert oversized(path.read_text(encoding="utf-8")) == []


def test_the_size_check_catches_a_long_module_and_a_long_function():
    """Test of the test: one line over each limit is caught, the limits themselves are not."""
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES - 1))
    assert oversized(f"def fits():\n{body}\n") == []
    assert oversized(f"def too_long():\n{body}\n    extra = 1\n") == ["too_long() has 51 lines (at most 50)"]
    assert oversized("x = 1\n" * MAX_MODULE_LINES) == []
    assert oversized("x = 1\n" * (MAX_MODULE_LINES + 1)) == ["401 lines (at most 400)"]
    assert len(SMALL_MODULES) >= 50      # the globs found every layer and tools/
