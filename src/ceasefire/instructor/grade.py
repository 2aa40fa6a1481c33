"""Grade submitted exercise notebooks: isolated, parallel, tamper-evident, deterministic.

For each submission:
1. read it carefully (size, JSON, nbformat 3 upgraded, not-a-notebook reported, never a traceback);
2. compare its locked cells with the released exercise and report edits, deletions, duplicates and
   moves as a diff (ceasefire.instructor.tamper), then grade whatever can be graded;
3. run it in its own process (ceasefire.instructor.worker) in a temporary copy of the release, with IPython's cell
   execution as in a Jupyter kernel (shell commands and %pip skipped and reported), under CPU, memory,
   file-size and wall-time limits, recording which cell (and question) was running if a limit hit;
4. score each answer here, outside the student's process, with the hashed keys (ceasefire.checking.checks).
Results are cached per submission (atomic files next to the gradebook), so a grader killed midway loses
nothing already graded and a re-run over the same inputs gives the same gradebook.
"""

import concurrent.futures
import csv
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ceasefire import __version__
from ceasefire.instructor.assign import answer_cell_metadata
from ceasefire.checking.checks import evaluate
from ceasefire.instructor import csvtext
from ceasefire.errors import CourseError
from ceasefire.checking.keys import KEYS_FILE, load_keys
from ceasefire.instructor.plain import from_plain  # noqa: F401 - also part of this module's API
from ceasefire.instructor.tamper import compare_cells

MAX_FILE_BYTES = 100 * 1024 * 1024
# `hint`: which known wrong answer of solutions/keys.yml the student's answer matched ("w1" = its first
# `wrong:` entry), i.e. which misconception's hint fired; empty when none did. The class report counts them.
GRADEBOOK_COLUMNS = ("student", "submission", "lesson", "question", "score", "max", "status", "reason", "hint")
PART_FORMAT = 3   # bump when what a cached result records changes (2: hint column, reflection kept;
                  # 3: cells run as in a kernel, answers as check() received them)


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

def _limit(limits: Limits) -> dict:
    """The limits the worker sets on itself, first thing (no preexec_fn: workers start from threads)."""
    return {"memory_mb": limits.memory_mb, "cpu_seconds": limits.cpu_seconds, "file_mb": limits.file_mb}


def _answer_cells(nb):
    """Code cells that answer a question: marked in metadata, or recognised by their check(...) call
    (a student may have re-typed the cell and lost its metadata)."""
    cells = {}
    keys = load_keys()
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("ceasefire")
        info = answer_cell_metadata(cell.source)
        if info:
            if info["question"] in keys:   # a widget answer is live; `check("q03.2", 115.2)` is not
                info["live"] = bool(keys[info["question"]].get("live"))
            cells[str(i)] = info
        elif isinstance(meta, dict) and "question" in meta:
            cells[str(i)] = meta
    return cells


def _code_cells(nb):
    """(index, source) of each code cell, as the worker runs them."""
    return [(i, c.source) for i, c in enumerate(nb.cells) if c.cell_type == "code"]


class WorkerServer:
    """The fork server of ceasefire.instructor.worker, shared by the grading threads: it imports what workers need
    once and forks one worker per submission (a worker costs a fork instead of a Python start-up with
    pandas, plotly and IPython). Started without preexec_fn, in its own session; its workers set their own
    limits and sessions. Closing its input (or the grader dying) makes it kill any worker still running."""

    def __init__(self, env):
        self.proc = subprocess.Popen([sys.executable, "-I", "-B", "-m", "ceasefire.instructor.worker", "--serve"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     env=env, cwd=tempfile.gettempdir(), start_new_session=True)
        self.cond = threading.Condition()
        self.started, self.exited, self.dead, self.next_id = {}, {}, False, 0
        self.abandoned = set()   # requests given up on (no answer in time): their workers are killed on arrival
        threading.Thread(target=self._read, name="ceasefire-worker-server", daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            try:
                message = json.loads(line)
            except json.JSONDecodeError:
                continue
            with self.cond:
                if "started" in message and message["started"] in self.abandoned:
                    _kill_group(message["pid"])
                elif "started" in message:
                    self.started[message["started"]] = message["pid"]
                elif "exited" in message:
                    self.exited[message["exited"]] = message["code"]
                self.cond.notify_all()
        with self.cond:
            self.dead = True
            self.cond.notify_all()

    def start(self, request) -> int | None:
        """The new worker's pid, or None if the server cannot start one (the caller then starts a process)."""
        with self.cond:
            if self.dead:
                return None
            ident, self.next_id = self.next_id, self.next_id + 1
            try:
                self.proc.stdin.write(json.dumps(dict(request, id=ident)).encode() + b"\n")
                self.proc.stdin.flush()
            except OSError:
                return None
            if not self.cond.wait_for(lambda: ident in self.started or self.dead, timeout=120):
                self.abandoned.add(ident)
            return self.started.pop(ident, None)

    def wait(self, pid, timeout=None):
        """The worker's exit code (negative: killed by that signal); TimeoutExpired if still running."""
        with self.cond:
            if not self.cond.wait_for(lambda: pid in self.exited or self.dead, timeout=timeout):
                raise subprocess.TimeoutExpired(f"worker {pid}", timeout)
            return self.exited.pop(pid, None)

    def close(self):
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


_servers = []                 # the server of the grade() run in progress, if any
_servers_lock = threading.Lock()


class _LazyServer:
    """A WorkerServer started when the first submission needs running (a re-run over cached results starts none)."""

    def __init__(self):
        self.lock, self.server = threading.Lock(), None

    def start(self, request):
        with self.lock:
            if self.server is None:
                self.server = WorkerServer(_worker_env())
        return self.server.start(request)

    def wait(self, pid, timeout=None):
        return self.server.wait(pid, timeout)

    def close(self):
        with self.lock:
            if self.server is not None:
                self.server.close()


def _worker_env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JPY_", "JUPYTER"))}
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1")
    return env


def _kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def run_in_sandbox(nb, release: Path, limits: Limits, forbidden):
    """Execute the notebook's code cells in a worker process; return (events, how_it_ended, seconds)."""
    with tempfile.TemporaryDirectory(prefix="ceasefire-grade-") as tmp:
        work = Path(tmp) / "course"
        shutil.copytree(release, work, ignore=shutil.ignore_patterns("solutions", ".git", ".venv", "*.ipynb",
                                                                     "tests", "bench", "__pycache__"))
        (work / "exercises").mkdir(exist_ok=True)
        events_path, stderr_path = Path(tmp) / "events.jsonl", Path(tmp) / "stderr.txt"
        spec = {"workdir": str(work / "exercises"), "root": str(work), "events": str(events_path),
                "forbidden": [str(f) for f in forbidden], "answer_cells": _answer_cells(nb), "limits": _limit(limits),
                "cells": _code_cells(nb)}
        spec_path = Path(tmp) / "spec.json"
        spec_path.write_text(json.dumps(spec), encoding="utf-8")
        own = {"CEASEFIRE_COURSE_ROOT": str(work), "CEASEFIRE_PROGRESS": str(Path(tmp) / "progress.json"),
               "TMPDIR": tmp, "IPYTHONDIR": str(Path(tmp) / "ipython")}
        started = time.monotonic()
        server = _servers[0] if _servers else None
        pid = server.start({"spec": str(spec_path), "stderr": str(stderr_path), "env": own, "cwd": str(work)}) if server else None
        ended = None
        if pid is not None:
            try:
                code = server.wait(pid, timeout=limits.wall_seconds)
            except subprocess.TimeoutExpired:
                _kill_group(pid)
                code = server.wait(pid, timeout=60)
                ended = f"the {limits.wall_seconds:g} s time limit was reached"
            stderr = stderr_path.read_bytes() if stderr_path.exists() else b""
        else:
            proc = subprocess.Popen([sys.executable, "-m", "ceasefire.instructor.worker", str(spec_path)], cwd=work,
                                    env=dict(_worker_env(), **own), stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
            try:
                _, stderr = proc.communicate(timeout=limits.wall_seconds)
            except subprocess.TimeoutExpired:
                _kill_group(proc.pid)
                _, stderr = proc.communicate()
                ended = f"the {limits.wall_seconds:g} s time limit was reached"
            code = proc.returncode
        took = time.monotonic() - started
        events = []
        if events_path.exists():
            for line in events_path.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    events.append(json.loads(line))
                except json.JSONDecodeError:
                    pass   # the last line may be cut by a kill
        if ended is None and not any(e.get("event") == "done" for e in events):
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

def fired_hint(key, message: str) -> str:
    """'w<n>' for the known wrong answer (n-th `wrong:` entry of the key) whose hint the message shows."""
    for number, wrong in enumerate(key.get("wrong", []), start=1):
        if wrong.get("hint") and wrong["hint"] in (message or ""):
            return f"w{number}"
    return ""


def score(result: Result, lesson: str, events, ended, keys):
    answers, errors, skipped, last = {}, {}, {}, None
    for event in events:
        if event.get("event") == "cell":
            last = event
        elif event.get("event") == "error":
            errors[event["index"]] = event["error"]
        elif event.get("event") == "skipped":
            skipped.setdefault(event["index"], []).append(str(event.get("command", ""))[:200])
        elif event.get("event") == "answer":
            answers[event["question"]] = event
    if ended:
        where = f"cell {last['index'] + 1}" if last else "before the first cell"
        if last and last.get("question"):
            where += f" (question {last['question']})"
        result.run.append(f"Stopped while running {where}: {ended}.")
    for index, error in sorted(errors.items()):
        result.run.append(f"Cell {index + 1} raised {error}")
    for index, commands in sorted(skipped.items()):
        shown = "; ".join(f"`{c}`" for c in commands[:5]) + (f" and {len(commands) - 5} more" if len(commands) > 5 else "")
        result.run.append(f"Cell {index + 1}: skipped {shown} (shell commands and package installs are not run "
                          "when grading); the rest of the cell ran.")
    for qid in sorted(q for q, k in keys.items() if k["lesson"] == lesson):
        row = {"student": result.student, "submission": result.submission, "lesson": lesson, "question": qid,
               "score": 0, "max": 1, "hint": ""}
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
            row.update(score=feedback.score, status=status, reason=reason,
                       hint="" if feedback.correct else fired_hint(keys[qid], feedback.message))
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
                        "score": 0, "max": 1, "status": "ungradable", "reason": reason, "hint": ""} for q in qids]
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
    digest.update(f"{__version__}|{PART_FORMAT}|{limits}|{path.parent.name}/{path.name}".encode())
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
    return csvtext.text_of(GRADEBOOK_COLUMNS, rows)


def summary_rows(rows):
    by_question = {}
    for row in rows:
        if row["max"] and row["status"] not in ("marked", "to mark"):   # reflections are summarised by their marks
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
          limits: Limits = Limits(), forbidden=(), log=print, marks: Path | None = None):
    """Grade every submission; write the gradebook, its per-question summary, per-student feedback (Markdown
    and a self-contained HTML page), and the reflections per lesson with their marks file (ceasefire.instructor.feedback).
    Once the marks file holds a mark, every reflection gets a gradebook row (rNN): marked, or to mark."""
    from ceasefire.instructor import feedback as manual
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
               "rows": result.rows, "tamper": result.tamper, "tamper_diff": result.tamper_diff, "run": result.run,
               "reflection": result.reflection}
        _atomic_write(part, json.dumps(doc, sort_keys=True))
        return doc

    docs = []
    server = _LazyServer()   # one fork server for this run's workers, started when first needed
    with _servers_lock:
        _servers.insert(0, server)
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
            for doc in pool.map(one, paths):
                docs.append(doc)
                log(f"graded {doc['student']}: {doc['submission']}")
    finally:
        with _servers_lock:
            _servers.remove(server)
        server.close()
    results = [Result(**doc) for doc in docs]
    marks_path = Path(marks) if marks else out.with_name("reflections") / "marks.csv"
    if marks and not marks_path.is_file():
        raise CourseError(f"the marks file {marks_path} does not exist.")
    given = manual.read_marks(marks_path, {(r.student, r.lesson) for r in results if r.lesson}) \
        if marks_path.is_file() else {}
    if any(points is not None for points, _ in given.values()):
        for row in manual.reflection_rows(results, given):
            next(r for r in results if (r.student, r.submission) == (row["student"], row["submission"])).rows.append(row)
    rows = sorted((r for res in results for r in res.rows), key=lambda r: (r["student"], r["submission"], r["question"]))
    _atomic_write(out, _rows_csv(rows))
    summary = out.with_name(out.stem + "-summary.csv")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=("question", "submissions", "mean_score", "share_correct"), lineterminator="\n")
    writer.writeheader()
    writer.writerows(summary_rows(rows))
    _atomic_write(summary, buffer.getvalue())
    asked = manual.prompts(release)
    by_student = {}
    for result in results:
        by_student.setdefault(result.student, []).append(result)
    for student, group in sorted(by_student.items()):
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in student) or "student"
        _atomic_write(feedback_dir / f"{safe}.md", feedback_markdown(sorted(group, key=lambda r: r.submission)))
        _atomic_write(feedback_dir / f"{safe}.html", manual.feedback_html(sorted(group, key=lambda r: r.submission),
                                                                               questions=asked))
    manual.write_reflections(results, out.with_name("reflections"), given, _atomic_write, questions=asked)
    return rows
