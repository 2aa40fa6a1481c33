"""Sources as HTML: a list with titles and links, or a short inline citation.

The words of a citation ('Reuters, 17 Sep 2016') come from the data layer (data.source_label), which stays
free of markup; this module only wraps them in HTML.
"""

import html
from urllib.parse import urlsplit

import pandas as pd

from ceasefire.data import cited_rows, source_label
from ceasefire.data.citing import citation_maker


def link(url: str, text: str) -> str:
    """A link that opens in a new tab; `text` is HTML, the address is escaped here. Underlined: JupyterLab
    shows links only in a colour too close to the text's to tell them apart (WCAG 1.4.1)."""
    return (f'<a href="{html.escape(url)}" target="_blank" rel="noopener" style="text-decoration:underline">'
            f"{text}</a>")


def site(url: str) -> str:
    """The site a link goes to, for its text: 'https://www.un.org/press/x' -> 'un.org'."""
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def _speaker(row) -> str:
    position = row.get("position")
    return row["kind"] + ("" if position in ("", "independent", None) else f"; {position.replace('-', ' ')}")


def sources_html(ids, sources: pd.DataFrame) -> str:
    """An HTML list of sources (publisher, date, kind, title, link) for ';'-joined or listed ids."""
    items = []
    for row in cited_rows(ids, sources):
        label = html.escape(source_label(row, full=True))
        original = f" Original: {html.escape(row['canonical'])}." if row.get("canonical") else ""
        where = html.escape(site(row["url"]))
        address = f" {link(row['url'], f'consulted copy at {where}' if original else f'read it at {where}')}" if row["url"] else ""
        items.append(f"<li><b>{label}</b> ({html.escape(_speaker(row))}): {html.escape(row['title'])}.{original}"
                     f"{address} <code>{html.escape(row['source_id'])}</code></li>")
    return "<ul>" + "".join(items) + "</ul>"


def _inline(row) -> str:
    label = html.escape(source_label(row, full=True))
    return f"{link(row['url'], label) if row['url'] else label} ({html.escape(row['kind'])})"


def sources_inline(ids, sources: pd.DataFrame) -> str:
    """Short HTML citation for ';'-joined or listed ids: 'Reuters, 17 Sep 2016 (wire); ...', each linked."""
    return inline_citer(sources)(ids)


def inline_citer(sources: pd.DataFrame):
    """sources_inline for many cells against the same sources (a table's source column): citer(ids) -> HTML."""
    cite = citation_maker(sources, _inline)
    return lambda ids: "; ".join(cite(ids))
