"""Headings in every notebook are in order (WCAG 2.1 1.3.1 and 2.4.6: screen-reader users move through a
notebook by its headings): one title (h1) first, and no level skipped on the way down (h1 then h3 is a
skip; going back up, h3 then h2, is fine).

The Markdown of every notebook under lessons/, exercises/ and solutions/ is parsed as JupyterLab reads it
(ATX and underlined headings, HTML <h1>-<h6>, nothing inside code blocks), with each lesson's opening and
closing blocks (generated from course.yml, shown by `course.opening(...)` / `course.closing(...)` cells)
put where those cells show them.
"""

import re
from pathlib import Path

import mistune
import nbformat
import pytest

from ceasefire.manifest import lesson_closing_markdown, lesson_opening_markdown, load_course

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p.relative_to(ROOT).as_posix() for folder in ("lessons", "exercises", "solutions")
                   for p in (ROOT / folder).glob("*.ipynb"))
COURSE = load_course(ROOT)
GENERATED = re.compile(r"\bcourse\.(opening|closing)\(\s*[\"']([\w-]+)[\"']\s*\)")
HTML_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.I | re.S)
_parse = mistune.create_markdown(renderer=None)


def _text(tokens) -> str:
    return "".join(t.get("raw", "") if "raw" in t else _text(t.get("children", [])) for t in tokens)


def headings(markdown: str) -> list:
    """[(level, text)] of a Markdown text, in order."""
    found = []

    def walk(tokens):
        for token in tokens:
            kind = token["type"]
            if kind == "heading":
                found.append((token["attrs"]["level"], _text(token.get("children", [])).strip()))
            elif kind in ("block_html", "inline_html"):
                found.extend((int(m.group(1)), re.sub(r"<[^>]+>", "", m.group(2)).strip())
                             for m in HTML_HEADING.finditer(token.get("raw", "")))
            elif kind not in ("block_code", "codespan"):
                walk(token.get("children", []))
    walk(_parse(markdown))
    return found


def markdown_of(nb) -> list:
    """(where, Markdown) for each Markdown cell, and for each cell that shows a generated opening or
    closing block, that block."""
    out = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            out.append((f"cell {index}", cell.source))
        elif cell.cell_type == "code":
            for which, slug in GENERATED.findall(cell.source):
                lesson = COURSE.lesson(slug)
                text = lesson_opening_markdown(lesson, COURSE) if which == "opening" else lesson_closing_markdown(lesson)
                out.append((f"cell {index} ({which} from course.yml)", text))
    return out


def heading_problems(parts) -> list:
    """Sentences naming each heading out of order in (where, Markdown) parts read one after the other."""
    problems, previous, titles = [], 0, 0
    for where, markdown in parts:
        for level, text in headings(markdown):
            if level == 1:
                titles += 1
                if titles > 1:
                    problems.append(f"{where}: a second title (h1) {text!r}; a notebook has one")
            elif previous == 0:
                problems.append(f"{where}: the first heading {text!r} is h{level}; a notebook starts with its title (h1)")
            elif level > previous + 1:
                problems.append(f"{where}: {text!r} is h{level} right after an h{previous}: h{previous + 1} is skipped")
            previous = level
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_headings_are_in_order(path):
    nb = nbformat.read(ROOT / path, as_version=4)
    parts = markdown_of(nb)
    assert headings(parts[0][1])[:1] and headings(parts[0][1])[0][0] == 1, f"{path}: the first cell must hold the title (h1)"
    assert heading_problems(parts) == [], path


def test_every_notebook_folder_is_read():
    folders = {path.split("/")[0] for path in NOTEBOOKS}
    assert folders == {"lessons", "exercises", "solutions"}
    assert len([p for p in NOTEBOOKS if p.startswith("lessons/")]) == len(COURSE.lessons)


def test_generated_opening_and_closing_are_read_in_place():
    nb = nbformat.read(ROOT / COURSE.lessons[0].notebook, as_version=4)
    wheres = [where for where, _ in markdown_of(nb)]
    assert any("opening from course.yml" in w for w in wheres) and any("closing from course.yml" in w for w in wheres)


# ---- the test of the test: broken headings are caught ----------------------------------------------------

def test_a_skipped_level_and_a_second_title_are_caught():
    parts = [("cell 0", "# Title\n\nIntro."),
             ("cell 1", "### Question q01.1\n\nText."),                  # h1 -> h3: h2 skipped
             ("cell 2", "## Section\n\n<h4>Detail</h4>"),                # h2 -> h4 (HTML): h3 skipped
             ("cell 3", "Another title\n=============\n")]               # underlined h1: a second title
    problems = heading_problems(parts)
    assert len(problems) == 3, problems
    assert "cell 1: 'Question q01.1' is h3 right after an h1: h2 is skipped" in problems
    assert "cell 2: 'Detail' is h4 right after an h2: h3 is skipped" in problems
    assert "cell 3: a second title (h1) 'Another title'; a notebook has one" in problems


def test_the_first_heading_must_be_the_title():
    assert heading_problems([("cell 0", "## Not a title")]) == [
        "cell 0: the first heading 'Not a title' is h2; a notebook starts with its title (h1)"]


def test_going_back_up_and_code_are_not_headings():
    parts = [("cell 0", "# T\n## A\n### B\n## C\n\n```python\n# a comment, not a heading\n#### nor this\n```\n"
                        "    # indented code either\n\nInline `<h4>x</h4>` is code too.")]
    assert heading_problems(parts) == []
    assert [level for level, _ in headings(parts[0][1])] == [1, 2, 3, 2]


def test_a_broken_solutions_notebook_is_caught(tmp_path):
    nb = nbformat.read(ROOT / "solutions" / "03-february-failure.ipynb", as_version=4)
    question = next(c for c in nb.cells if c.cell_type == "markdown" and "Question q03.1" in c.source)
    question.source = question.source.replace("## Question", "### Question", 1)
    assert any("Question q03.1" in p and "h2 is skipped" in p for p in heading_problems(markdown_of(nb)))
