"""Grade submitted exercise notebooks: isolated, parallel, tamper-evident, deterministic.

For each submission:
1. read it carefully (size, JSON, nbformat 3 upgraded, not-a-notebook reported, never a traceback);
2. compare its locked cells with the released exercise and report edits, deletions, duplicates and
   moves as a diff (ceasefire.tamper), then grade whatever can be graded;
3. run it in its own process (ceasefire.sandbox) in a temporary copy of the release, under CPU, memory,
   file-size and wall-time limits, recording which cell (and question) was running if a limit hit;
4. score each answer here, outside the student's process, with the hashed keys (ceasefire.checks).
Results are cached per submission (atomic files next to the gradebook), so a grader killed midway loses
nothing already graded and a re-run over the same inputs gives the same gradebook.
"""

import concurrent.futures
import csv
import datetime as dt
import hashlib
import io
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ceasefire import __version__
from ceasefire.assign import answer_cell_metadata
from ceasefire.checks import evaluate
from ceasefire.errors import CourseError
from ceasefire.keys import KEYS_FILE, load_keys
from ceasefire.tamper import compare_cells

MAX_FILE_BYTES = 100 * 1024 * 1024
GRADEBOOK_COLUMNS = ("student", "submission", "lesson", "question", "score", "max", "status", "reason")


@dataclass(frozen=True)
class Limits:
    wall_seconds: float = 60.0
    cpu_seconds: int = 60
    memory_mb: int = 2048
    file_mb: int = 50


@dataclass
class Result:
    student: str
    submission: str
    lesson: str = ""
    rows: list = field(default_factory=list)      # one dict per question, GRADEBOOK_COLUMNS
    tamper: list = field(default_factory=list)    # human-readable findings
    tamper_diff: str = ""
    run: list = field(default_factory=list)       # what happened while running (errors, limits)
    reflection: str = ""


# ---- reading a submission -----------------------------------------------------------------------

def read_submission(path: Path):
    """(notebook, problem): the notebook as nbformat v4, or None and a sentence saying why not."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        return None, f"the file cannot be read ({exc.strerror})"
    if size == 0:
        return None, "the file is empty"
    if size > MAX_FILE_BYTES:
        return None, f"the file is {size / 2**20:.0f} MB, over the {MAX_FILE_BYTES // 2**20} MB limit"
    raw = path.read_bytes()
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return None, "the file is not text: it is not a notebook"
    except json.JSONDecodeError as exc:
        return None, f"the file is not valid notebook JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
    if not isinstance(doc, dict) or "nbformat" not in doc:
        return None, "the file is JSON but not a Jupyter notebook"
    try:
        nb = nbformat.reads(json.dumps(doc), as_version=4)
    except Exception as exc:   # noqa: BLE001 - any parse failure is reported, not raised
        return None, f"the notebook cannot be read by nbformat ({type(exc).__name__})"
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []          # stored outputs are the student's to edit: never trusted, never kept
    return nb, None


def student_of(path: Path, exercise_names) -> str:
    """alice/03-february-failure.ipynb -> alice; bob-03.ipynb -> bob-03."""
    return path.parent.name if path.name in exercise_names and path.parent.name else path.stem


def lesson_of(nb, path: Path, exercise_names) -> str:
    meta = nb.metadata.get("ceasefire", {}) if nb is not None else {}
    if isinstance(meta, dict) and f"{meta.get('lesson')}.ipynb" in exercise_names:
        return meta["lesson"]
    for name in exercise_names:
        if path.name == name or path.stem.endswith(name[:-6]) or path.stem.startswith(name[:2] + "-"):
            return name[:-6]
    return ""


# ---- running one submission ------------------------------------------------------------------------

def _limit(limits: Limits):
    def apply():
        os.setsid()
        memory = limits.memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_mb * 2**20, limits.file_mb * 2**20))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply


def _answer_cells(nb):
    """Code cells that answer a question: marked in metadata, or recognised by their check(...) call
    (a student may have re-typed the cell and lost its metadata)."""
    cells = {}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("ceasefire")
        info = answer_cell_metadata(cell.source)
        if info:
            cells[str(i)] = info
        elif isinstance(meta, dict) and "question" in meta:
            cells[str(i)] = meta
    return cells


def run_in_sandbox(nb, release: Path, limits: Limits, forbidden):
    """Execute the notebook's code cells in a worker process; return (events, how_it_ended)."""
    with tempfile.TemporaryDirectory(prefix="ceasefire-grade-") as tmp:
        work = Path(tmp) / "course"
        shutil.copytree(release, work, ignore=shutil.ignore_patterns("solutions", ".git", ".venv", "*.ipynb",
                                                                     "tests", "bench", "__pycache__"))
        (work / "exercises").mkdir(exist_ok=True)
        events_path = Path(tmp) / "events.jsonl"
        spec = {"workdir": str(work / "exercises"), "root": str(work), "events": str(events_path),
                "forbidden": [str(f) for f in forbidden], "answer_cells": _answer_cells(nb),
                "cells": [(i, c.source) for i, c in enumerate(nb.cells) if c.cell_type == "code"]}
        spec_path = Path(tmp) / "spec.json"
        spec_path.write_text(json.dumps(spec), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JPY_", "JUPYTER"))}
        env.update(CEASEFIRE_COURSE_ROOT=str(work), CEASEFIRE_PROGRESS=str(Path(tmp) / "progress.json"),
                   OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MPLBACKEND="Agg", TMPDIR=tmp,
                   PYTHONDONTWRITEBYTECODE="1")
        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "ceasefire.sandbox", str(spec_path)], cwd=work, env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                preexec_fn=_limit(limits))
        try:
            _, stderr = proc.communicate(timeout=limits.wall_seconds)
            ended = None
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            _, stderr = proc.communicate()
            ended = f"the {limits.wall_seconds:g} s time limit was reached"
        took = time.monotonic() - started
        events = []
        if events_path.exists():
            for line in events_path.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    events.append(json.loads(line))
                except json.JSONDecodeError:
                    pass   # the last line may be cut by a kill
        if ended is None and not any(e.get("event") == "done" for e in events):
            code = proc.returncode
            if code is not None and code < 0:
                name = signal.Signals(-code).name
                ended = {"SIGXCPU": f"the {limits.cpu_seconds} s CPU limit was reached",
                         "SIGKILL": "the process was killed (most likely the memory limit)",
                         "SIGXFSZ": f"a file grew past the {limits.file_mb} MB limit",
                         "SIGSEGV": "the process crashed"}.get(name, f"the process was stopped by {name}")
            elif b"MemoryError" in (stderr or b""):
                ended = f"the {limits.memory_mb} MB memory limit was reached"
            else:
                ended = f"the notebook ended the grader's process itself (exit code {code})"
        return events, ended, took


# ---- scoring -------------------------------------------------------------------------------------------

class _Opaque:
    pass


def from_plain(value):
    """Undo sandbox.to_plain: the answer as the checker expects it."""
    if isinstance(value, list):
        return [from_plain(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__ellipsis__" in value:
        return Ellipsis
    if "__float__" in value:
        return float(value["__float__"])
    if "__date__" in value:
        text = value["__date__"]
        try:
            return dt.datetime.fromisoformat(text[:26]) if "T" in text or " " in text else dt.date.fromisoformat(text[:10])
        except ValueError:
            return text
    if "__period__" in value:
        return value["__period__"]
    if "__figure__" in value:
        import plotly.graph_objects as go
        try:
            doc = value["__figure__"]
            traces = [{"type": t.get("type"), "x": from_plain(t.get("x") or []), "y": from_plain(t.get("y") or [])}
                      for t in doc.get("data", [])]
            return go.Figure({"data": traces, "layout": doc.get("layout", {})}, skip_invalid=True)
        except Exception:   # noqa: BLE001
            return type("Figure", (_Opaque,), {})()
    if "__widget__" in value:
        return from_plain(value["__widget__"])
    if "__series__" in value:
        return {k: from_plain(v) for k, v in value["__series__"].items()}
    if "__dict__" in value:
        out = {}
        for k, v in value["__dict__"]:
            k = from_plain(k)
            out[k if isinstance(k, (str, int, float, bool)) or k is None else str(k)] = from_plain(v)
        return out
    if "__list__" in value:
        items = [from_plain(v) for v in value["__list__"]]
        return set(map(str, items)) if value.get("__kind__") == "set" else items
    if "__type__" in value:
        return type(str(value["__type__"])[:40] or "object", (_Opaque,), {})()
    return value


def score(result: Result, lesson: str, events, ended, keys):
    answers, errors, last = {}, {}, None
    for event in events:
        if event.get("event") == "cell":
            last = event
        elif event.get("event") == "error":
            errors[event["index"]] = event["error"]
        elif event.get("event") == "answer":
            answers[event["question"]] = event
    if ended:
        where = f"cell {last['index'] + 1}" if last else "before the first cell"
        if last and last.get("question"):
            where += f" (question {last['question']})"
        result.run.append(f"Stopped while running {where}: {ended}.")
    for index, error in sorted(errors.items()):
        result.run.append(f"Cell {index + 1} raised {error}")
    for qid in sorted(q for q, k in keys.items() if k["lesson"] == lesson):
        row = {"student": result.student, "submission": result.submission, "lesson": lesson, "question": qid,
               "score": 0, "max": 1}
        event = answers.get(qid)
        if keys[qid].get("live"):
            row.update(status="live", max=0, reason="answered by moving a widget, which only the live notebook "
                                                    "sees; not part of the grade")
        elif event is None:
            if ended:
                row.update(status="not run", reason=f"the notebook stopped before this question: {ended}")
            else:
                row.update(status="missing", reason="the answer cell for this question is missing from the notebook")
        else:
            feedback = evaluate(qid, from_plain(event["value"]))
            status = {"unanswered": "not answered", "unreadable": "unreadable"}.get(feedback.status, feedback.status)
            reason = "" if feedback.correct else feedback.message
            if event.get("cell_error") and feedback.status == "unanswered":
                reason = f"the answer cell raised {event['cell_error']}"
            row.update(score=feedback.score, status=status, reason=reason)
        result.rows.append(row)
    if result.tamper:
        for row in result.rows:
            row["reason"] = (row["reason"] + " " if row["reason"] else "") + "[locked cells changed: see feedback]"


# ---- one submission, end to end ---------------------------------------------------------------------

def grade_one(path: Path, release: Path, limits: Limits, forbidden) -> Result:
    exercise_names = {p.name for p in (release / "exercises").glob("*.ipynb")}
    result = Result(student=student_of(path, exercise_names), submission=path.name)
    nb, problem = read_submission(path)
    keys = load_keys()
    lesson = lesson_of(nb, path, exercise_names)
    result.lesson = lesson
    if problem or not lesson:
        reason = problem or "it does not match any exercise notebook of the course (name or metadata)"
        qids = sorted(q for q, k in keys.items() if k["lesson"] == lesson) or ["(all)"]
        result.rows = [{"student": result.student, "submission": path.name, "lesson": lesson, "question": q,
                        "score": 0, "max": 1, "status": "ungradable", "reason": reason} for q in qids]
        result.run.append(f"Not graded: {reason}.")
        return result
    released = nbformat.read(release / "exercises" / f"{lesson}.ipynb", as_version=4)
    result.tamper, result.tamper_diff = compare_cells(released, nb)
    reflections = [c.source for c in nb.cells if c.cell_type == "markdown"
                   and isinstance(c.metadata.get("ceasefire"), dict) and c.metadata["ceasefire"].get("reflection")]
    result.reflection = reflections[0] if reflections else ""
    events, ended, _ = run_in_sandbox(nb, release, limits, forbidden)
    score(result, lesson, events, ended, keys)
    return result


# ---- many submissions -----------------------------------------------------------------------------

def _cache_key(path: Path, limits: Limits) -> str:
    digest = hashlib.sha256()
    digest.update(path.read_bytes() if path.is_file() and path.stat().st_size <= MAX_FILE_BYTES else str(path).encode())
    digest.update(KEYS_FILE.read_bytes())
    digest.update(f"{__version__}|{limits}|{path.parent.name}/{path.name}".encode())
    return digest.hexdigest()[:24]


def _atomic_write(path: Path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temp, path)


def _rows_csv(rows) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=GRADEBOOK_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def summary_rows(rows):
    by_question = {}
    for row in rows:
        if row["max"]:
            by_question.setdefault(row["question"], []).append(row)
    out = []
    for qid, group in sorted(by_question.items()):
        scores = [float(r["score"]) for r in group]
        out.append({"question": qid, "submissions": len(group), "mean_score": f"{sum(scores) / len(scores):.3f}",
                    "share_correct": f"{sum(r['status'] == 'correct' for r in group) / len(group):.3f}"})
    return out


def feedback_markdown(results) -> str:
    """One student's feedback over all their submissions: scores, hints, tampering, run problems. No keys."""
    student = results[0].student
    lines = [f"# Feedback for {student}", ""]
    for result in results:
        got = sum(float(r["score"]) for r in result.rows if r["max"])
        out_of = sum(r["max"] for r in result.rows)
        lines += [f"## {result.submission}" + (f" (lesson {result.lesson})" if result.lesson else ""), "",
                  f"Score: {got:g} of {out_of}", "", "| question | score | status | comment |", "|---|---|---|---|"]
        for row in result.rows:
            comment = str(row["reason"]).replace("|", "/").replace("\n", " ")
            lines.append(f"| {row['question']} | {row['score']} / {row['max']} | {row['status']} | {comment} |")
        if result.run:
            lines += ["", "**While running your notebook:**", ""] + [f"- {line}" for line in result.run]
        if result.tamper:
            lines += ["", "**Cells that should not have been changed:**", ""] + [f"- {t}" for t in result.tamper]
            if result.tamper_diff:
                lines += ["", "```diff", result.tamper_diff.rstrip(), "```"]
        if result.lesson:
            lines += ["", "*The reflection question is read and graded by your instructor.*"]
        lines.append("")
    return "\n".join(lines)


def grade(submissions, release: Path, out: Path, feedback_dir: Path, jobs: int | None = None,
          limits: Limits = Limits(), forbidden=(), log=print):
    """Grade every submission; write the gradebook, its per-question summary and per-student feedback."""
    release, out, feedback_dir = Path(release), Path(out), Path(feedback_dir)
    if not (release / "exercises").is_dir():
        raise CourseError(f"{release} has no exercises/ folder: point --release at the course or a student release.")
    paths = sorted({Path(p).resolve() for p in submissions})
    if not paths:
        raise CourseError("no submissions given.")
    cache = out.with_name(out.name + ".parts")
    cache.mkdir(parents=True, exist_ok=True)
    forbidden = list(forbidden) + [str(p.parent) for p in paths]   # a notebook may not read other submissions

    def one(path):
        part = cache / f"{_cache_key(path, limits)}.json"
        if part.exists():
            return json.loads(part.read_text(encoding="utf-8"))
        result = grade_one(path, release, limits, forbidden)
        doc = {"student": result.student, "submission": result.submission, "lesson": result.lesson,
               "rows": result.rows, "tamper": result.tamper, "tamper_diff": result.tamper_diff, "run": result.run}
        _atomic_write(part, json.dumps(doc, sort_keys=True))
        return doc

    docs = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
        for doc in pool.map(one, paths):
            docs.append(doc)
            log(f"graded {doc['student']}: {doc['submission']}")
    results = [Result(**doc) for doc in docs]
    rows = sorted((r for res in results for r in res.rows), key=lambda r: (r["student"], r["submission"], r["question"]))
    _atomic_write(out, _rows_csv(rows))
    summary = out.with_name(out.stem + "-summary.csv")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=("question", "submissions", "mean_score", "share_correct"), lineterminator="\n")
    writer.writeheader()
    writer.writerows(summary_rows(rows))
    _atomic_write(summary, buffer.getvalue())
    by_student = {}
    for result in results:
        by_student.setdefault(result.student, []).append(result)
    for student, group in sorted(by_student.items()):
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in student) or "student"
        _atomic_write(feedback_dir / f"{safe}.md", feedback_markdown(sorted(group, key=lambda r: r.submission)))
    return rows
