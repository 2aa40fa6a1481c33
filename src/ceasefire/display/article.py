"""The article, paragraph by paragraph: our paraphrase, and beside it the original if you have a copy.

The course ships no copy of the column, only paraphrases (data/article_map.csv). A reader who has
their own copy, a text file with paragraphs marked [P01] ... [P19], can point a lesson at it and see
each original paragraph next to our paraphrase.
"""

import html
import re
from pathlib import Path

from ceasefire.data import PARAGRAPH_IDS, article_map
from ceasefire.display import tables
from ceasefire.errors import CourseError

MARK = re.compile(r"\[(P\d\d)\]")
MAX_COPY_BYTES = 2_000_000


def read_own_copy(path) -> dict:
    """Paragraph id -> text from a reader's own copy. Raises CourseError with a friendly message."""
    if not isinstance(path, (str, Path)) or not str(path).strip():
        raise CourseError("Set the path to your copy of the article as text, e.g. '~/article.txt'.")
    file = Path(str(path).strip()).expanduser()
    if not file.is_file():
        raise CourseError(f"There is no file at {file}. Check the path (it is relative to this notebook's folder).")
    if file.stat().st_size > MAX_COPY_BYTES:
        raise CourseError(f"{file} is larger than 2 MB; it does not look like the article's text.")
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise CourseError(f"{file} is not UTF-8 text; save it as plain text first.") from None
    pieces = MARK.split(text)
    found = {pieces[i]: " ".join(pieces[i + 1].split()) for i in range(1, len(pieces) - 1, 2)}
    found = {pid: body for pid, body in found.items() if pid in PARAGRAPH_IDS}
    if not found:
        raise CourseError(f"{file} has no paragraph marks like [P01]; add them so paragraphs can be matched.")
    return found


def paragraphs_html(ids=None, own_copy=None) -> str:
    """An HTML table of paragraphs: id, kind, our paraphrase and, if `own_copy` is given, the original."""
    table = article_map()
    if ids is not None:
        unknown = [p for p in ids if p not in PARAGRAPH_IDS]
        if unknown:
            raise CourseError(f"{', '.join(map(str, unknown))}: paragraph ids run from P01 to P19.")
        table = table[table["paragraph"].isin(ids)]
    note, originals = "", {}
    if own_copy:
        try:
            originals = read_own_copy(own_copy)
        except CourseError as exc:
            note = f'<p style="color:#D55E00"><b>Your copy could not be shown:</b> {html.escape(str(exc))}</p>'
    names = ["¶", "kind", "our paraphrase"] + (["your copy"] if originals else [])
    rows = []
    for row in table.itertuples():
        texts = [f"[{row.paragraph}]", html.escape(row.kind), html.escape(row.paraphrase)]
        if originals:
            texts.append(html.escape(originals.get(row.paragraph, "(not in your copy)")))
        rows.append(tables.cells(texts, row_headers=1))   # the paragraph id heads its row
    return note + tables.table(names, rows)


def show(ids=None, own_copy=None):
    from IPython.display import HTML, display
    display(HTML(paragraphs_html(ids, own_copy)))
