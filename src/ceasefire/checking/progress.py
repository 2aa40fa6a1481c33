"""A student's progress: the latest result of each question, in a small JSON file beside the course.

Writes are atomic (ceasefire.files.write_atomic), so a kill mid-write leaves the previous good file;
read-modify-write runs under an exclusive lock, so two notebooks checking at the same moment both keep
their results. A damaged file is moved aside (never deleted) and a new one started.
This module only reads and writes the file: the per-lesson summary and its chart are in ceasefire.course.
"""

import json
import os
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:        # Windows: no advisory locks; writes stay atomic
    fcntl = None

from ceasefire.files import write_atomic
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
    write_atomic(path, json.dumps(doc, indent=1, sort_keys=True))


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
    if not path.exists():   # nothing checked yet: no lock file to create just to find that out
        return {}
    with _locked(path):
        return _read(path)["questions"]

