"""Every HTML table the course shows is written here: `show_table`'s tables, the article's paraphrase table,
the lesson panels.

Two reasons for one writer:
- JupyterLab 4 right-aligns the cells of HTML output, for numbers
  (`:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td {text-align: right}` in its CSS). Our cells hold
  prose, and ragged-left prose is hard to read, so every cell carries its own left alignment; an inline
  style is the only rule that beats that selector in an output cell.
- Screen readers announce a cell with its headers when the headers say what they head: column headers are
  `<th scope="col">`, a row's key (a named index, a group's name) is `<th scope="row">`.
Texts are escaped by the caller or by `frame_table`; `cell` takes HTML as it is.
"""

import html
import numbers

import pandas as pd

from ceasefire.data import short_date
from ceasefire.display.citations import inline_citer

ALIGN = "text-align:left"
CELL_STYLE = f"{ALIGN}; vertical-align:top"


def cell(content, *, header: bool = False, style: str = "", rowspan: int | None = None) -> str:
    """One cell holding HTML `content`; header=True makes it the row's header (`<th scope="row">`).
    `style` adds CSS (a colour, say) after the left alignment."""
    tag, scope = ("th", ' scope="row"') if header else ("td", "")
    span = f' rowspan="{rowspan}"' if rowspan is not None else ""
    css = f"{CELL_STYLE}; {style}" if style else CELL_STYLE
    return f'<{tag}{scope}{span} style="{css}">{content}</{tag}>'


def cells(values, row_headers: int = 0) -> str:
    """Cells for values that are already HTML; the first `row_headers` of them head the row."""
    return "".join(cell(value, header=n < row_headers) for n, value in enumerate(values))


def header_row(names) -> str:
    """The column headers, their names escaped."""
    return ("<tr>" + "".join(f'<th scope="col" style="{ALIGN}">{html.escape(str(name))}</th>' for name in names)
            + "</tr>")


def table(names, rows) -> str:
    """A table with column headers `names`. Each row is either a string of cells (from `cells` or `cell`,
    for rows with a spanning or styled cell) or a sequence of cell HTML."""
    body = "".join(f"<tr>{row if isinstance(row, str) else cells(row)}</tr>" for row in rows)
    return f"<table><thead>{header_row(names)}</thead><tbody>{body}</tbody></table>"


def cell_text(value) -> str:
    """A table value as plain text: dates as '23 May 2016', whole numbers as '2,149', other numbers to one
    decimal ('20.9'), a missing value (None, NaN, NaT) as an empty cell."""
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, pd.Timestamp):
        return short_date(value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, numbers.Integral):
        return f"{value:,}"
    return str(value)


def frame_table(frame: pd.DataFrame, sources: pd.DataFrame | None = None, source_column: str = "source") -> str:
    """A small DataFrame as an HTML table with every text shown in full (pandas would cut long cells), escaped.

    A named index (after `set_index("issue")`, say) becomes the rows' headers; an unnamed one only numbers
    the rows and is left out. Given `sources` (data.sources()), the ids in `source_column` are shown as
    short citations with links."""
    keys = frame.index.nlevels if any(name is not None for name in frame.index.names) else 0
    if keys:
        frame = frame.reset_index()
    cited = frame.columns.get_loc(source_column) if sources is not None and source_column in frame.columns else None
    cite = inline_citer(sources) if cited is not None else None
    rows = []
    for row in frame.itertuples(index=False):
        texts = [cite(value) if n == cited else html.escape(cell_text(value)) for n, value in enumerate(row)]
        rows.append(cells(texts, row_headers=keys))
    return table(frame.columns, rows)
