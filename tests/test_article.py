"""The article view: our paraphrase always, a reader's own copy beside it when they supply one."""

import re

import pytest

from ceasefire.display import article
from ceasefire.errors import CourseError


def test_paraphrase_only_by_default():
    html = article.paragraphs_html(["P09"])
    assert "[P09]" in html and "your copy" not in html and "[P10]" not in html


def test_own_copy_is_shown_beside_the_paraphrase(tmp_path):
    copy = tmp_path / "mine.txt"
    copy.write_text("[P09] First words of my copy.\n\n[P10] Second <b>one</b>.\n", encoding="utf-8")
    html = article.paragraphs_html(["P09", "P10"], own_copy=str(copy))
    assert '<th scope="col" style="text-align:left">your copy</th>' in html
    assert "First words of my copy." in html
    assert "Second &lt;b&gt;one&lt;/b&gt;." in html   # a reader's file is text, never markup


def test_every_cell_is_left_aligned_and_each_paragraph_id_heads_its_row():
    """JupyterLab right-aligns output table cells; prose must not be (see ceasefire.display.tables)."""
    html = article.paragraphs_html(["P09", "P10"])
    assert html.count("<td") == 4 and html.count('<th scope="row"') == 2 and html.count('<th scope="col"') == 3
    cells = re.findall(r"<t[hd][ >][^>]*>", html)
    assert cells and all("text-align:left" in c for c in cells)
    assert '<th scope="row" style="text-align:left; vertical-align:top">[P09]</th>' in html


def test_paragraph_missing_from_own_copy(tmp_path):
    copy = tmp_path / "mine.txt"
    copy.write_text("[P01] Only the first.", encoding="utf-8")
    assert "(not in your copy)" in article.paragraphs_html(["P02"], own_copy=copy)


@pytest.mark.parametrize("setup, message", [
    (lambda d: d / "absent.txt", "There is no file at"),
    (lambda d: (d / "plain.txt").write_text("no marks here") and d / "plain.txt", "has no paragraph marks"),
    (lambda d: (d / "latin.txt").write_bytes(b"[P01] caf\xe9") and d / "latin.txt", "is not UTF-8 text"),
    (lambda d: 42, "Set the path to your copy"),
])
def test_bad_own_copy_gives_a_friendly_note_not_a_traceback(tmp_path, setup, message):
    path = setup(tmp_path)
    with pytest.raises(CourseError, match=message):
        article.read_own_copy(path)
    if isinstance(path, int):
        return
    html = article.paragraphs_html(["P01"], own_copy=path)
    assert "Your copy could not be shown" in html and "[P01]" in html


def test_unknown_paragraph_ids():
    with pytest.raises(CourseError, match="P20: paragraph ids run from P01 to P19"):
        article.paragraphs_html(["P20"])
