"""Running one submission: its code cells in a worker process (ceasefire.instructor.worker), under limits.

The worker is forked by a fork server shared by the grading threads (it imports pandas, plotly and IPython
once), or started as a process of its own when no server can be used. No preexec_fn anywhere: workers are
started from threads, so each worker sets its own limits and session, first thing, from spec.json. What
the worker did comes back as events (one JSON line each); how the run ended is said in one sentence.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ceasefire.checking.cells import answer_cell_metadata
from ceasefire.checking.keys import load_keys


@dataclass(frozen=True)
class Limits:
    wall_seconds: float = 60.0
    cpu_seconds: int = 60
    memory_mb: int = 2048
    file_mb: int = 50


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


servers = []                 # the server of the grade() run in progress, if any
servers_lock = threading.Lock()


class LazyServer:
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


def _write_spec(nb, tmp: Path, work: Path, limits: Limits, forbidden) -> Path:
    spec = {"workdir": str(work / "exercises"), "root": str(work), "events": str(tmp / "events.jsonl"),
            "forbidden": [str(f) for f in forbidden], "answer_cells": _answer_cells(nb), "limits": _limit(limits),
            "cells": _code_cells(nb)}
    path = tmp / "spec.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    return path


def _run_forked(server, request, limits: Limits, stderr_path: Path, pid: int):
    """(exit code, stderr, how it ended if a limit stopped it) of a worker the fork server started."""
    ended = None
    try:
        code = server.wait(pid, timeout=limits.wall_seconds)
    except subprocess.TimeoutExpired:
        _kill_group(pid)
        code = server.wait(pid, timeout=60)
        ended = f"the {limits.wall_seconds:g} s time limit was reached"
    return code, stderr_path.read_bytes() if stderr_path.exists() else b"", ended


def _run_process(spec_path: Path, work: Path, own_env: dict, limits: Limits):
    """The same, for a worker started as a process of its own (no fork server at hand)."""
    proc = subprocess.Popen([sys.executable, "-m", "ceasefire.instructor.worker", str(spec_path)], cwd=work,
                            env=dict(_worker_env(), **own_env), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    ended = None
    try:
        _, stderr = proc.communicate(timeout=limits.wall_seconds)
    except subprocess.TimeoutExpired:
        _kill_group(proc.pid)
        _, stderr = proc.communicate()
        ended = f"the {limits.wall_seconds:g} s time limit was reached"
    return proc.returncode, stderr, ended


def read_events(path: Path) -> list:
    events = []
    if path.exists():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                events.append(json.loads(line))
            except json.JSONDecodeError:
                pass   # the last line may be cut by a kill
    return events


def how_it_ended(events, code, stderr: bytes, limits: Limits) -> str | None:
    """None when the worker ran every cell; else one sentence on what stopped it."""
    if any(e.get("event") == "done" for e in events):
        return None
    if code is not None and code < 0:
        name = signal.Signals(-code).name
        return {"SIGXCPU": f"the {limits.cpu_seconds} s CPU limit was reached",
                "SIGKILL": "the process was killed (most likely the memory limit)",
                "SIGXFSZ": f"a file grew past the {limits.file_mb} MB limit",
                "SIGSEGV": "the process crashed"}.get(name, f"the process was stopped by {name}")
    if b"MemoryError" in (stderr or b""):   # only before the worker swaps stderr: e.g. while importing
        return f"the {limits.memory_mb} MB memory limit was reached"
    return f"the notebook ended the grader's process itself (exit code {code})"


def run_in_sandbox(nb, release: Path, limits: Limits, forbidden):
    """Execute the notebook's code cells in a worker process; return (events, how_it_ended, seconds)."""
    with tempfile.TemporaryDirectory(prefix="ceasefire-grade-") as tmp:
        tmp = Path(tmp)
        work = tmp / "course"
        shutil.copytree(release, work, ignore=shutil.ignore_patterns("solutions", ".git", ".venv", "*.ipynb",
                                                                     "tests", "bench", "__pycache__"))
        (work / "exercises").mkdir(exist_ok=True)
        spec_path, stderr_path = _write_spec(nb, tmp, work, limits, forbidden), tmp / "stderr.txt"
        own = {"CEASEFIRE_COURSE_ROOT": str(work), "CEASEFIRE_PROGRESS": str(tmp / "progress.json"),
               "TMPDIR": str(tmp), "IPYTHONDIR": str(tmp / "ipython")}
        started = time.monotonic()
        server = servers[0] if servers else None
        request = {"spec": str(spec_path), "stderr": str(stderr_path), "env": own, "cwd": str(work)}
        pid = server.start(request) if server else None
        if pid is not None:
            code, stderr, ended = _run_forked(server, request, limits, stderr_path, pid)
        else:
            code, stderr, ended = _run_process(spec_path, work, own, limits)
        took = time.monotonic() - started
        events = read_events(tmp / "events.jsonl")
        return events, ended or how_it_ended(events, code, stderr, limits), took
