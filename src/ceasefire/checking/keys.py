"""Answer keys as the student receives them: salted hashes of canonical answers, never the answers.

solutions/keys.yml (instructors only) is compiled into keys.json next to this module by
`ceasefire assign` (ceasefire.instructor.compile_keys, with one handler per kind of question in
ceasefire.checking.kinds). To learn an answer from the files one has to guess it and hash the guess,
which is what `check` does anyway. (So the checker is an oracle a student can query; instructors' notes
say so.)

The encoders below are the only place where a canonical form is spelt out. Compiling a key and checking
an answer both call them, so the two sides cannot drift apart:
  n:<bucket>          a number, in buckets of tolerance/2     d:YYYY-MM-DD   a day    m:YYYY-MM   a month
  t:<normalised text> text, a choice, one option of a multi   o:<position>:<text>   an item of an order
  p:<key>=<value>     one pair of a match                     JSON [type, x, y]     a figure's data
"""

import hashlib
import json
import math
import re
from pathlib import Path

from ceasefire.checking import answers
from ceasefire.errors import CourseError

SALT = "ceasefire-course/v1"
KEYS_FILE = Path(__file__).with_name("keys.json")
# A number so large that its bucket overflows (1e308 / 0.25) is near no key: it gets a code no key holds.
OUT_OF_RANGE = "n:out-of-range"


def digest(question_id: str, canonical: str) -> str:
    return hashlib.sha256(f"{SALT}|{question_id}|{canonical}".encode()).hexdigest()[:32]


# ---- the encoders -----------------------------------------------------------------------------------------

def bucket_code(bucket: int) -> str:
    return f"n:{bucket}"


def number_code(value: float, step: float) -> str:
    """The bucket a (finite) number falls in; a huge one falls outside every key's buckets."""
    quotient = value / step
    if not math.isfinite(quotient):
        return OUT_OF_RANGE
    return bucket_code(round(quotient))


def number_buckets(answer: float, tolerance: float, step: float) -> list:
    """Buckets accepted for `answer`: those whose value lies within the tolerance (plus half a bucket)."""
    low, high = math.floor((answer - tolerance) / step), math.ceil((answer + tolerance) / step)
    return [k for k in range(low, high + 1) if abs(k * step - answer) <= tolerance + step / 2]


def date_code(value) -> str:
    return f"d:{answers.date(value)}"


def month_code(value) -> str:
    return f"m:{answers.month(value)}"


def text_code(value) -> str:
    return f"t:{answers.text(value)}"


def position_code(position: int, item) -> str:
    return f"o:{position}:{answers.text(item)}"


def pair_code(key, value) -> str:
    return f"p:{answers.text(key)}={answers.text(value)}"


def _figure_value(value) -> str:
    if "datetime64" in type(value).__name__:              # before .item(): that gives nanoseconds
        return str(value)[:10]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{float(value):.6g}"
    if hasattr(value, "item") and getattr(value, "size", 2) == 1 and not isinstance(value, str):
        item = value.item()
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            return f"{float(item):.6g}"
    as_text = str(value)
    if re.match(r"^\d{4}-\d{2}-\d{2}", as_text):          # dates, Timestamps, datetime64: the day
        return as_text[:10]
    if re.match(r"^\d{4}-\d{2}$", as_text):                # '2016-03' is the month's first day
        return f"{as_text}-01"
    return answers.text(as_text[: answers.MAX_TEXT])


def figure_code(trace_type: str, x, y) -> str:
    """A figure's data: the trace type and its x/y values (numbers to 6 significant digits, dates to the day)."""
    return json.dumps([str(trace_type), [_figure_value(v) for v in list(x)], [_figure_value(v) for v in list(y)]])


# ---- the compiled file ------------------------------------------------------------------------------------

_CACHE = {}


def load_keys(path: Path = KEYS_FILE) -> dict:
    path = Path(path)
    stamp = path.stat().st_mtime_ns if path.exists() else None
    if _CACHE.get("stamp") != (path, stamp):
        try:
            _CACHE["keys"] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise CourseError("The answer keys of this course are missing or damaged; "
                              "ask your instructor for a fresh copy of the course.") from None
        _CACHE["stamp"] = (path, stamp)
    return _CACHE["keys"]
