"""A student's progress: the latest result of each question, in a small JSON file beside the course.

Writes are atomic (a temporary file in the same folder, then os.replace), so a kill mid-write leaves the
previous good file; read-modify-write runs under an exclusive lock, so two notebooks checking at the
same moment both keep their results. A damaged file is moved aside (never deleted) and a new one started.
"""

import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:        # Windows: no advisory locks; writes stay atomic
    fcntl = None

from ceasefire.paths import course_root

PROGRESS_ENV = "CEASEFIRE_PROGRESS"
FILENAME = ".ceasefire-progress.json"
VERSION = 1


def progress_path() -> Path:
    override = os.environ.get(PROGRESS_ENV)
    return Path(override).expanduser() if override else course_root() / FILENAME


@contextmanager
def _locked(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    if fcntl is None:
        yield
        return
    with open(f"{path}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _read(path: Path) -> dict:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(doc, dict) and isinstance(doc.get("questions"), dict):
            return doc
    except FileNotFoundError:
        return {"version": VERSION, "questions": {}}
    except (OSError, ValueError):
        pass
    n = 1
    while path.with_name(f"{path.name}.damaged-{n}").exists():
        n += 1
    os.replace(path, path.with_name(f"{path.name}.damaged-{n}"))
    return {"version": VERSION, "questions": {}}


def _write(path: Path, doc: dict):
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(doc, out, indent=1, sort_keys=True)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def record(question_id: str, status: str, score: float, path: Path | None = None):
    """Store the latest result of one question (its previous result is replaced)."""
    path = Path(path) if path else progress_path()
    with _locked(path):
        doc = _read(path)
        entry = doc["questions"].get(question_id, {})
        doc["questions"][question_id] = {"status": status, "score": score,
                                         "attempts": int(entry.get("attempts", 0)) + 1}
        _write(path, doc)


def load(path: Path | None = None) -> dict:
    """question id -> {'status', 'score', 'attempts'} (empty when nothing was checked yet)."""
    path = Path(path) if path else progress_path()
    with _locked(path):
        return _read(path)["questions"] if path.exists() else {}


ANSWERED = ("correct", "partial", "incorrect")


def summary(keys: dict | None = None, results: dict | None = None):
    """One row per lesson that has questions: how many there are, answered, correct."""
    import pandas as pd

    from ceasefire.checking.keys import load_keys
    from ceasefire.manifest import load_course

    keys = load_keys() if keys is None else keys
    results = load() if results is None else results
    rows = []
    for lesson in load_course().lessons:
        ids = [qid for qid, key in keys.items() if key["lesson"] == lesson.slug]
        if not ids:
            continue
        states = [results.get(qid, {}).get("status") for qid in ids]
        rows.append({"lesson": lesson.number, "title": lesson.title, "questions": len(ids),
                     "answered": sum(s in ANSWERED for s in states), "correct": sum(s == "correct" for s in states)})
    return pd.DataFrame(rows, columns=["lesson", "title", "questions", "answered", "correct"])


def figure(table=None):
    """Grouped bars per lesson: questions, answered, correct."""
    import plotly.graph_objects as go

    from ceasefire.display import PALETTE, describe, setup

    setup()
    table = summary() if table is None else table
    labels = [f"{row.lesson} {row.title}" for row in table.itertuples()]
    fig = go.Figure([go.Bar(name=column, x=labels, y=table[column].tolist(), marker_color=colour)
                     for column, colour in (("questions", "#999999"), ("answered", PALETTE[1]), ("correct", PALETTE[2]))])
    total, answered, correct = (int(table[c].sum()) for c in ("questions", "answered", "correct"))
    fig.update_layout(barmode="group", title=f"Your progress: {correct} of {total} questions correct",
                      xaxis_title="lesson", yaxis_title="questions", height=360)
    text = (f"Bars for each lesson with exercises: questions, answered, correct. So far {answered} of {total} "
            f"questions are answered and {correct} are correct.")
    return describe(fig, text)
