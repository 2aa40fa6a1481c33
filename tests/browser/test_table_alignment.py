"""Tables read left-aligned in JupyterLab, as its CSS renders them (ceasefire.display.tables).

JupyterLab 4 right-aligns every cell of HTML output (`:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td`).
For each ready lesson of course.yml, opened with its stored outputs (no kernel run needed), every <td> and
<th> of a table the course made must compute to text-align left, and no cell holding prose (two words or
more) may compute to right; a table of numbers shown by pandas itself may stay right-aligned (lesson 03
teaches filtering with one). The measurement must be able to fail: a plain table put into the same
output area computes to right.
"""

import re

import pytest

import lab as L

REQUIRED, PROBLEM = L.browser_problem()
if PROBLEM and not REQUIRED:
    pytest.skip(f"Browser tests skipped: {PROBLEM}", allow_module_level=True)

from ceasefire.manifest import load_course  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.browser]

LESSONS = [lesson for lesson in load_course(L.ROOT).lessons if lesson.ready]

# Every table cell in the open notebook's outputs: its text, computed text-align, and the notebook cell.
_CELLS = """() => [...document.querySelectorAll('.jp-NotebookPanel .jp-OutputArea-output td, '
                                          + '.jp-NotebookPanel .jp-OutputArea-output th')]
  .map(c => ({text: c.textContent.trim().slice(0, 40), align: getComputedStyle(c).textAlign,
              ours: !!c.closest('table').querySelector('th[scope]')}))"""
_PLAIN_TABLE = """() => { const out = document.querySelector(
    '.jp-NotebookPanel .jp-OutputArea-output.jp-RenderedHTMLCommon:not(.jp-RenderedMarkdown)');
  const t = document.createElement('table'); t.id = 'plain-table'; t.innerHTML = '<tr><td>plain prose cell</td></tr>';
  out.appendChild(t); return getComputedStyle(t.querySelector('td')).textAlign; }"""


def is_prose(text: str) -> bool:
    """Words, not a number or a date: a pandas table of numbers may keep pandas' right alignment."""
    return len(re.findall(r"[^\W\d_]{2,}", text)) >= 2


@pytest.fixture(scope="module")
def page(shared_lab, chromium):
    """A page of the test process's Chromium and JupyterLab (course copy in folder "tables")."""
    server = L.course_copy(shared_lab, "tables", PROBLEM)
    context = L.new_context(chromium)
    browser_page = context.new_page()
    yield browser_page, server
    context.close()
    server.delete_sessions()


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_every_table_cell_in_a_lesson_is_left_aligned(page, lesson):
    browser_page, server = page
    L.open_notebook(browser_page, server, lesson.notebook, clear=False)
    cells = browser_page.evaluate(_CELLS)
    assert cells, f"{lesson.notebook}: no table in its stored outputs"
    assert any(c["ours"] for c in cells), f"{lesson.notebook}: no table made by ceasefire.display.tables"
    wrong = [c for c in cells if c["align"] == "right" and (c["ours"] or is_prose(c["text"]))]
    assert not wrong, f"{lesson.notebook}: {len(wrong)} of {len(cells)} table cells right-aligned, e.g. {wrong[:3]}"
    server.delete_sessions(wait=False)


def test_the_measurement_sees_jupyterlabs_right_alignment(page):
    """Test of the test: a table without the course's styling, in the same output area, is right-aligned."""
    browser_page, server = page
    L.open_notebook(browser_page, server, LESSONS[0].notebook, clear=False)
    assert browser_page.evaluate(_PLAIN_TABLE) == "right"
    plain = [c for c in browser_page.evaluate(_CELLS) if c["text"] == "plain prose cell"]
    assert plain == [{"text": "plain prose cell", "align": "right", "ours": False}] and is_prose(plain[0]["text"])
    assert not is_prose("2016-07-01") and not is_prose("1,114")
    server.delete_sessions(wait=False)
