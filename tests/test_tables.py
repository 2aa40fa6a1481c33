"""One writer for HTML tables (ceasefire.display.tables): every cell left-aligned against JupyterLab's
right-aligning CSS, header cells with a scope, and no other module in display/ or lessons/ writing
<table>, <th> or <td> by hand."""

import ast
import re
from pathlib import Path

import pandas as pd
import pytest

from ceasefire import data
from ceasefire.display import tables

SRC = Path(__file__).resolve().parents[1] / "src" / "ceasefire"
WRITER = SRC / "display" / "tables.py"
TAG = re.compile(r"<(table|thead|tbody|tr|th|td)[\s>]", re.I)
OPENING = re.compile(r"<t[hd][\s>][^>]*>")   # opening tags of header and data cells


def test_every_cell_is_left_aligned_and_headers_have_a_scope():
    frame = pd.DataFrame({"issue": ["a", "b"], "deaths": [1200, 3], "share": [0.25, 1.0],
                          "when": pd.to_datetime(["2016-09-12", "2016-02-27"])}).set_index("issue")
    text = tables.frame_table(frame)
    opened = OPENING.findall(text)
    assert len(opened) == 4 + 2 * 4                        # 4 column headers, 2 rows of 4 cells
    assert all("text-align:left" in tag for tag in opened)
    assert text.count('<th scope="col"') == 4 and text.count('<th scope="row"') == 2
    assert ">1,200</td>" in text and ">0.2</td>" in text and ">12 Sep 2016</td>" in text
    assert text.startswith("<table><thead><tr>") and text.endswith("</tr></tbody></table>")


def test_an_unnamed_index_is_left_out_and_text_is_escaped():
    text = tables.frame_table(pd.DataFrame({"said": ["<script>x</script> & more"]}))
    assert "&lt;script&gt;x&lt;/script&gt; &amp; more" in text and "<script>" not in text
    assert 'scope="row"' not in text and ">0<" not in text


def test_missing_values_are_empty_cells():
    assert [tables.cell_text(v) for v in (None, float("nan"), pd.NaT, 0, 0.0, "")] == ["", "", "", "0", "0.0", ""]


def test_sources_become_citations_with_links():
    sources = data.sources()
    text = tables.frame_table(pd.DataFrame({"event": ["x"], "source": ["reuters-2013-09-14"]}), sources)
    assert "Reuters, 14 Sep 2013" in text and "<a href=" in text and "reuters-2013-09-14" not in text


def test_cell_options():
    assert tables.cell("x") == '<td style="text-align:left; vertical-align:top">x</td>'
    assert tables.cell("k", header=True, rowspan=1) == (
        '<th scope="row" rowspan="1" style="text-align:left; vertical-align:top">k</th>')
    assert tables.cell("y", style="color:#009E73").endswith('style="text-align:left; vertical-align:top; '
                                                            'color:#009E73">y</td>')
    assert tables.header_row(["a&b"]) == '<tr><th scope="col" style="text-align:left">a&amp;b</th></tr>'
    assert tables.table(["h"], [["v"], tables.cell("w")]).count("<tr>") == 3


# ---- nobody else writes table markup --------------------------------------------------------------------

def hand_written_tables(path: Path) -> list:
    """(line, text) of every string in a module that writes table markup."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and TAG.search(node.value):
            found.append((node.lineno, node.value[:60]))
    return found


def modules_that_show_tables():
    return [p for folder in ("display", "lessons") for p in sorted((SRC / folder).glob("*.py")) if p != WRITER]


@pytest.mark.parametrize("path", modules_that_show_tables(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_tables_are_written_only_by_the_table_helper(path):
    assert hand_written_tables(path) == [], f"{path.name}: build tables with ceasefire.display.tables"


def test_the_scan_catches_a_hand_written_cell(tmp_path):
    """Test of the test: a module writing <td> itself, in an f-string, is caught."""
    module = tmp_path / "fake_lesson.py"
    module.write_text('def row(x):\n    return f"<tr><td>{x}</td></tr>"\n', encoding="utf-8")
    assert [line for line, _ in hand_written_tables(module)] == [2]
    assert hand_written_tables(WRITER)            # and the writer itself is seen writing them
