"""Answer keys: written in plain text in solutions/keys.yml, shipped only as salted hashes.

`compile_keys` turns the plain key file into src/ceasefire/keys.json. What a student receives (the
package and exercises/) holds hashes of canonical answers, never the answers: to learn an answer from
the files one has to guess it and hash the guess, which is what `check` does anyway. (So the checker is
an oracle a student can query; instructors' notes say so.) Options, items and match targets are public:
they are part of the question.

Kinds of question and their canonical forms (see ceasefire.checking.answers):
  number   value in buckets of tolerance/2; accepted buckets lie within tolerance (+ half a bucket)
  date     YYYY-MM-DD           month   YYYY-MM          text    normalised words
  choice   one of `options`     multi   a subset of `options`, partial credit per option
  order    `items` in order, partial credit per position
  match    `keys` -> one of `values` each, partial credit per pair (also used to classify)
  figure   a plotly figure: trace type, its x/y data and both axis titles
"""

import hashlib
import json
import math
import re
from pathlib import Path

import yaml

from ceasefire.checking import answers
from ceasefire.errors import CourseError

KINDS = ("number", "date", "month", "text", "choice", "multi", "order", "match", "figure")
SALT = "ceasefire-course/v1"
KEYS_FILE = Path(__file__).with_name("keys.json")


def digest(question_id: str, canonical: str) -> str:
    return hashlib.sha256(f"{SALT}|{question_id}|{canonical}".encode()).hexdigest()[:32]


def canonical(kind: str, value, spec: dict):
    """The canonical string(s) of one answer of `kind`; raises answers.Unreadable."""
    if kind == "number":
        step = spec["step"]
        return f"n:{round(answers.number(value, spec.get('unit', '')) / step)}"
    if kind == "date":
        return f"d:{answers.date(value)}"
    if kind == "month":
        return f"m:{answers.month(value)}"
    if kind in ("text", "choice"):
        return f"t:{answers.text(value)}"
    raise ValueError(kind)


def number_buckets(answer: float, tolerance: float, step: float):
    low, high = math.floor((answer - tolerance) / step), math.ceil((answer + tolerance) / step)
    return [k for k in range(low, high + 1) if abs(k * step - answer) <= tolerance + step / 2]


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


def figure_digest(trace_type: str, x, y) -> str:
    """Canonical form of a figure's data: the trace type and its x/y values (numbers to 6 significant digits,
    dates to the day)."""
    return json.dumps([str(trace_type), [_figure_value(v) for v in list(x)], [_figure_value(v) for v in list(y)]])


def _compile_one(qid: str, spec: dict) -> dict:
    where = f"solutions/keys.yml, question {qid}"
    kind = spec.get("kind")
    if kind not in KINDS:
        raise CourseError(f"{where}: 'kind' must be one of {', '.join(KINDS)}.")
    for field in ("lesson", "objective", "answer"):
        if field not in spec:
            raise CourseError(f"{where}: '{field}' is missing.")
    out = {"lesson": spec["lesson"], "objective": int(spec["objective"]), "kind": kind, "live": bool(spec.get("live")),
           "hint": spec.get("hint", "Not yet: look again at the lesson and try once more.")}
    wrong = spec.get("wrong", [])
    answer = spec["answer"]
    try:
        if kind == "number":
            tolerance = float(spec["tolerance"])
            step = tolerance / 2 if tolerance > 0 else 1e-9
            out.update(unit=spec.get("unit", ""), tolerance=tolerance, step=step)
            out["accept"] = sorted(digest(qid, f"n:{k}") for k in number_buckets(float(answer), tolerance, step))
            out["wrong"] = [{"hint": w["hint"], "match": sorted(
                digest(qid, f"n:{k}") for k in number_buckets(float(w["answer"]), tolerance, step))} for w in wrong]
        elif kind in ("date", "month", "text", "choice"):
            if kind == "choice":
                out["options"] = list(spec["options"])
                normalised = [answers.text(o) for o in spec["options"]]
                for value in [answer] + [w["answer"] for w in wrong]:
                    if answers.text(value) not in normalised:
                        raise CourseError(f"{where}: {value!r} is not among the options.")
            accepted = [answer] + list(spec.get("accept", []))
            out["accept"] = sorted({digest(qid, canonical(kind, a, out)) for a in accepted})
            out["wrong"] = [{"hint": w["hint"], "match": [digest(qid, canonical(kind, w["answer"], out))]} for w in wrong]
        elif kind == "multi":
            out["options"] = list(spec["options"])
            normalised = [answers.text(o) for o in spec["options"]]
            for value in list(answer) + [w["answer"] for w in wrong]:
                if answers.text(value) not in normalised:
                    raise CourseError(f"{where}: {value!r} is not among the options.")
            out["accept"] = sorted(digest(qid, f"t:{answers.text(a)}") for a in answer)
            out["wrong"] = [{"hint": w["hint"], "match": [digest(qid, f"t:{answers.text(w['answer'])}")]} for w in wrong]
        elif kind == "order":
            out["items"] = sorted(answer, key=lambda s: answers.text(s))   # public: alphabetical, not the answer order
            out["accept"] = [digest(qid, f"o:{i}:{answers.text(a)}") for i, a in enumerate(answer)]
            out["wrong"] = [{"hint": w["hint"], "match": [digest(qid, f"o:{w['position']}:{answers.text(w['item'])}")]}
                            for w in wrong]
        elif kind == "match":
            out["keys"] = list(answer)
            out["values"] = list(spec["values"])
            normalised = [answers.text(v) for v in spec["values"]]
            pairs = list(answer.items()) + [(w["key"], w["value"]) for w in wrong]
            for key, value in pairs:
                if answers.text(value) not in normalised:
                    raise CourseError(f"{where}: {value!r} is not among the values.")
            out["accept"] = sorted(digest(qid, f"p:{answers.text(k)}={answers.text(v)}") for k, v in answer.items())
            out["wrong"] = [{"hint": w["hint"], "match": [digest(qid, f"p:{answers.text(w['key'])}={answers.text(w['value'])}")]}
                            for w in wrong]
        elif kind == "figure":
            out["trace_type"] = answer["type"]
            out["accept"] = [digest(qid, figure_digest(answer["type"], answer["x"], answer["y"]))]
            out["wrong"] = [{"hint": w["hint"], "match": [digest(qid, figure_digest(answer["type"], w["x"], w["y"]))]}
                            for w in wrong]
    except (KeyError, TypeError, AttributeError) as exc:
        raise CourseError(f"{where}: malformed entry ({exc!r}).") from None
    except answers.Unreadable as exc:
        raise CourseError(f"{where}: an answer in the key cannot be read: {exc}") from None
    out["size"] = len(out["accept"]) if kind in ("multi", "order", "match") else 1
    return out


def compile_keys(plain: dict) -> dict:
    if not isinstance(plain, dict) or not plain:
        raise CourseError("solutions/keys.yml must map question ids to their keys.")
    return {qid: _compile_one(qid, spec) for qid, spec in sorted(plain.items())}


def read_plain(path: Path) -> dict:
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CourseError(f"{path} is missing (it lives in solutions/, which students do not receive).") from None


def render(compiled: dict) -> str:
    return json.dumps(compiled, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


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
