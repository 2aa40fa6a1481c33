"""CSV files the instructor tools read and write (gradebooks, marks, exports): one way to open them with
a clear message, and one way to write them."""

import csv
import io
from pathlib import Path

from ceasefire.errors import CourseError


def open_rows(path, what: str, needed, why: str = "") -> csv.DictReader:
    """The rows of a CSV file as dicts (line 2 is the first row). A file that cannot be read, or lacks
    one of the `needed` columns, stops with one sentence naming `what` it should be and `why`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CourseError(f"the {what} {path} cannot be read ({exc.strerror}).") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in needed if c not in (reader.fieldnames or [])]
    if missing:
        raise CourseError(f"the {what} {path} has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}"
                          + (f"; {why}" if why else "") + ".")
    return reader


def text_of(header, body) -> str:
    """CSV text with '\\n' line ends: `body` is a list of lists, or of dicts when `header` names their keys."""
    buffer = io.StringIO()
    if body and isinstance(body[0], dict):
        writer = csv.DictWriter(buffer, fieldnames=list(header), lineterminator="\n")
        writer.writeheader()
    else:
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
    writer.writerows(body)
    return buffer.getvalue()
