"""Turn what a student typed into a canonical form, or say kindly why it cannot be read.

Every function here takes anything (a number, a string, a date, None, a DataFrame, a widget, a 10 MB
string ...) and either returns the canonical form or raises Unreadable with a sentence meant for the
student. Nothing here knows any answer: the keys compare canonical forms by hash (ceasefire.checking.keys).
"""

import datetime as dt
import math
import numbers
import re
import unicodedata

MAX_TEXT = 2_000          # a longer "answer" is not an answer; refuse before doing any work on it
MAX_ITEMS = 200

MONTHS = {name: number for number, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")], start=1) for name in names}


class Unreadable(ValueError):
    """The answer cannot be read as the kind of answer the question wants; the message says how to write it."""


class NotAnswered(Exception):
    """The placeholder `...` (or nothing) is still there."""


def is_blank(value) -> bool:
    if value is Ellipsis or value is None:
        return True
    if isinstance(value, str) and value.strip() in ("", "..."):
        return True
    return False


def _describe_type(value) -> str:
    name = type(value).__name__
    return {"DataFrame": "a whole table (DataFrame)", "Series": "a column (Series)", "dict": "a dictionary",
            "list": "a list", "tuple": "a tuple", "set": "a set", "bool": "True/False"}.get(name, f"a {name}")


def _short_text(value, what="answer") -> str:
    if not isinstance(value, str):
        raise Unreadable(f"This {what} should be text in quotes, but it is {_describe_type(value)}.")
    if len(value) > MAX_TEXT:
        raise Unreadable(f"That {what} is {len(value):,} characters long; a short answer is expected.")
    return value


def text(value) -> str:
    """Case, accents, punctuation and spacing do not matter: ' Jabhat  Fateh al-Sham. ' -> 'jabhat fateh al sham'."""
    value = _short_text(value)
    value = unicodedata.normalize("NFKD", value)
    value = "".join(ch for ch in value if not unicodedata.combining(ch))
    value = value.casefold().replace("’", "'").replace("'", "")
    value = re.sub(r"[^0-9a-z]+", " ", value)
    return " ".join(value.split())


NUMBER_TEXT = re.compile(r"^\s*([-+]?\d[\d,_ ]*(?:\.\d+)?|[-+]?\.\d+)\s*([a-z%]*)\s*$", re.IGNORECASE)


def number(value, unit: str = "") -> float:
    """A finite number; strings like '1,250', '42 deaths', '2 500' are accepted."""
    if isinstance(value, bool):
        raise Unreadable("This answer should be a number, not True or False.")
    if isinstance(value, numbers.Number) and not isinstance(value, complex):
        result = float(value)
    elif isinstance(value, str):
        match = NUMBER_TEXT.match(_short_text(value))
        if not match:
            raise Unreadable(f"'{value[:40]}' does not read as a number; write it like 42 or 1,250"
                             + (f" ({unit})." if unit else "."))
        word = match.group(2).lower()
        if word and unit and word.rstrip("s") != unit.lower().rstrip("s"):
            raise Unreadable(f"The answer is a number of {unit}; leave out the word '{word}'.")
        result = float(re.sub(r"[,_ ]", "", match.group(1)))
    elif hasattr(value, "item") and getattr(value, "size", None) == 1:   # numpy scalar or one-cell array
        return number(value.item(), unit)
    else:
        raise Unreadable(f"This answer should be one number, but it is {_describe_type(value)}.")
    if not math.isfinite(result):
        raise Unreadable("This answer should be an ordinary number, not infinity or NaN.")
    return result


DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})$")
MONTH_DAY_YEAR = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
MONTH_YEAR = re.compile(r"^([a-z]+)\.?,?\s+(\d{4})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[t ][\d:.]+)?$")
ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
DATE_HELP = "write it like 2015-10-20 or 20 October 2015"


def _month_number(word):
    if word not in MONTHS:
        raise Unreadable(f"'{word}' is not a month name; {DATE_HELP}.")
    return MONTHS[word]


def _make_date(year, month, day):
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise Unreadable(f"{year}-{month}-{day} is not a date in the calendar; {DATE_HELP}.") from None


def date(value) -> str:
    """A calendar day as 'YYYY-MM-DD' from a date, datetime, pandas Timestamp, numpy datetime64 or text."""
    if hasattr(value, "to_pydatetime") and not isinstance(value, type):   # pandas Timestamp
        try:
            value = value.to_pydatetime()
        except (TypeError, ValueError, AttributeError):
            raise Unreadable(f"This answer should be a date; {DATE_HELP}.") from None
    if type(value).__name__ == "datetime64":
        value = str(value)[:10]
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        raise Unreadable(f"This answer should be a date, but it is {_describe_type(value)}; {DATE_HELP}.")
    raw = " ".join(_short_text(value).strip().lower().replace(",", ", ").split())
    raw = raw.replace(" ,", ",")
    if match := ISO_DATE.match(raw):
        return _make_date(*match.groups()).isoformat()
    if match := DAY_MONTH_YEAR.match(raw):
        day, month, year = match.groups()
        return _make_date(year, _month_number(month), day).isoformat()
    if match := MONTH_DAY_YEAR.match(raw):
        month, day, year = match.groups()
        return _make_date(year, _month_number(month), day).isoformat()
    if re.match(r"^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$", raw):
        raise Unreadable(f"'{value}' could be read two ways (day/month or month/day); {DATE_HELP}.")
    raise Unreadable(f"'{value[:40]}' does not read as a date; {DATE_HELP}.")


def month(value) -> str:
    """A calendar month as 'YYYY-MM' from 'March 2016', '2016-03', a date inside it, a Timestamp or a Period."""
    if type(value).__name__ == "Period":
        return str(value.asfreq("M"))
    if isinstance(value, str):
        raw = " ".join(_short_text(value).strip().lower().split())
        if match := ISO_MONTH.match(raw):
            year, number_ = match.groups()
            return _make_date(year, number_, 1).isoformat()[:7]
        if match := MONTH_YEAR.match(raw):
            word, year = match.groups()
            return _make_date(year, _month_number(word), 1).isoformat()[:7]
    try:
        return date(value)[:7]
    except Unreadable:
        raise Unreadable("This answer should be a month; write it like 2015-10 or October 2015.") from None


def items(value, what="items") -> list:
    """A list of short texts from a list, tuple, set, pandas Series/Index or a comma-separated string."""
    if isinstance(value, str):
        value = [part for part in _short_text(value).split(",") if part.strip()]
    elif hasattr(value, "tolist") and not hasattr(value, "columns"):
        value = value.tolist()
    if isinstance(value, (set, frozenset)):
        value = sorted(value, key=str)
    if not isinstance(value, (list, tuple)):
        raise Unreadable(f"This answer should be a list of {what} in square brackets, like [\"a\", \"b\"], "
                         f"but it is {_describe_type(value)}.")
    if len(value) > MAX_ITEMS:
        raise Unreadable(f"That list has {len(value)} entries; far fewer are expected.")
    out = []
    for item in value:
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            item = str(item)
        if not isinstance(item, str):
            raise Unreadable(f"Each entry of the list should be text in quotes; one is {_describe_type(item)}.")
        out.append(item)
    return out


def mapping(value) -> dict:
    """A dict of short texts to short texts (pandas Series accepted)."""
    if hasattr(value, "to_dict") and not hasattr(value, "columns"):
        value = value.to_dict()
    if not isinstance(value, dict):
        raise Unreadable("This answer should be a dictionary like {\"P01\": \"opinion\", ...}, "
                         f"but it is {_describe_type(value)}.")
    if len(value) > MAX_ITEMS:
        raise Unreadable(f"That dictionary has {len(value)} entries; far fewer are expected.")
    out = {}
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, str):
            raise Unreadable("Both sides of each pair should be text in quotes, like \"P01\": \"opinion\".")
        out[key] = item
    return out


# ---- figures (read without importing plotly: the checker stays light) ----------------------------------

NOT_A_FIGURE_DICT = "This dictionary is not a plotly figure; build one with px or go."
TYPECODES = {"i1": "b", "u1": "B", "i2": "h", "u2": "H", "i4": "i", "u4": "I", "f4": "f", "f8": "d"}


def _is_plotly_figure(value) -> bool:
    return any(cls.__name__ == "BaseFigure" and cls.__module__.startswith("plotly.") for cls in type(value).__mro__)


def _typed_array(values):
    """plotly writes numpy arrays as {"dtype": "f8", "bdata": <base64>} in a figure's dict: read them back."""
    if not (isinstance(values, dict) and "bdata" in values):
        return values
    import array
    import base64

    try:
        decoded = array.array(TYPECODES[values.get("dtype", "f8")])
        decoded.frombytes(base64.b64decode(values["bdata"]))
    except (KeyError, ValueError, TypeError):
        raise Unreadable(NOT_A_FIGURE_DICT) from None
    return decoded.tolist()


def _title(axis) -> str:
    title = axis.get("title") if isinstance(axis, dict) else None
    return str(title.get("text") or "") if isinstance(title, dict) else str(title or "")


def _figure_dict(value):
    traces, layout = value.get("data"), value.get("layout", {})
    if isinstance(traces, dict):
        traces = [traces]
    if not isinstance(traces, (list, tuple)) or not all(isinstance(t, dict) for t in traces) \
            or not isinstance(layout, dict):
        raise Unreadable(NOT_A_FIGURE_DICT)
    read = [(str(t.get("type", "scatter")), _typed_array(t.get("x")), _typed_array(t.get("y"))) for t in traces]
    return [(kind, [] if x is None else x, [] if y is None else y) for kind, x, y in read], \
        [_title(layout.get("xaxis")), _title(layout.get("yaxis"))]


def figure(value):
    """([(trace type, x values, y values) for each trace], [x axis title, y axis title]) of a plotly figure,
    or of a figure written as a dictionary."""
    if isinstance(value, dict) and "data" in value:
        return _figure_dict(value)
    if not _is_plotly_figure(value):
        raise Unreadable("This answer should be a plotly figure (for example the result of px.bar(...)), "
                         f"but it is {_describe_type(value)}.")
    traces = [(trace.type, [] if getattr(trace, "x", None) is None else trace.x,
               [] if getattr(trace, "y", None) is None else trace.y) for trace in value.data]
    return traces, [value.layout.xaxis.title.text, value.layout.yaxis.title.text]
