"""The grader's worker: runs ONE submitted notebook in its own process and reports plain data.

Started by ceasefire.grade as `python -m ceasefire.sandbox SPEC.json`, with CPU, memory and file-size
limits already set on the process and a wall-clock limit kept by the parent. It executes the code cells
in order (an error in one cell does not stop the next), writes one JSON line per event to the events
file (which cell is running, which answers were given, which cells failed) and never scores anything:
scoring happens in the parent, outside this process, so nothing a student's code does here (redefining
`check`, patching the package, printing "correct") can change a score.

An audit hook, installed before any student code runs, refuses to open files outside the working copy
for writing, to read the instructor's solutions, to start processes and to open network connections.
It raises PermissionError, which the student's cell sees as an ordinary error. (A determined attacker
with ctypes could get around an audit hook; the OS limits still hold. Run the grader under its own
user account for stronger isolation.)
"""

import datetime as dt
import json
import math
import os
import re
import sys

MAX_TEXT = 100_000
MAX_ITEMS = 2_000
MAGIC = re.compile(r"^\s*[%!]", re.M)


class _Sink:
    """Swallows printed output beyond a small cap, so a 50 MB print costs nothing."""

    def __init__(self, cap=100_000):
        self.kept, self.cap = 0, cap

    def write(self, text):
        self.kept = min(self.cap, self.kept + len(text))
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False


def to_plain(value, depth=0):
    """A JSON-able copy of an answer. Anything unusual becomes a tagged placeholder, never an error."""
    if depth > 6:
        return {"__type__": "deeply nested object"}
    if value is None or isinstance(value, (bool, int, str)):
        return value[:MAX_TEXT] + ("\u2026" if len(value) > MAX_TEXT else "") if isinstance(value, str) else value
    if value is Ellipsis:
        return {"__ellipsis__": True}
    if isinstance(value, float):
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, (dt.date, dt.datetime)):
        return {"__date__": value.isoformat()}
    kind = type(value).__name__
    module = type(value).__module__ or ""
    if kind == "Timestamp":
        return {"__date__": value.isoformat()}
    if kind == "Period":
        return {"__period__": str(value)}
    if "datetime64" in kind:
        return {"__date__": str(value)}
    if module.startswith("plotly") and hasattr(value, "data") and hasattr(value, "layout"):
        return {"__figure__": _figure_plain(value, depth)}
    if hasattr(value, "observe") and hasattr(value, "value") and hasattr(value, "keys"):   # an ipywidget
        return {"__widget__": to_plain(value.value, depth + 1)}
    if kind == "DataFrame":
        return {"__type__": "DataFrame"}
    if kind == "Series":
        return {"__series__": {str(k): to_plain(v, depth + 1) for k, v in list(value.to_dict().items())[:MAX_ITEMS]}}
    if hasattr(value, "item") and getattr(value, "size", None) == 1:
        try:
            return to_plain(value.item(), depth + 1)
        except Exception:   # noqa: BLE001
            return {"__type__": kind}
    if isinstance(value, dict):
        return {"__dict__": [[to_plain(k, depth + 1), to_plain(v, depth + 1)] for k, v in list(value.items())[:MAX_ITEMS]]}
    if isinstance(value, (list, tuple, set, frozenset)) or kind in ("ndarray", "Index"):
        items = list(value)[:MAX_ITEMS]
        return {"__list__": [to_plain(v, depth + 1) for v in items], "__kind__": "set" if isinstance(value, (set, frozenset)) else "list"}
    return {"__type__": kind}


def _figure_plain(fig, depth):
    """What the figure check reads, as plain data: each trace's type and x/y values, the axis titles."""
    def values(seq):
        return [] if seq is None else [to_plain(v, depth + 2) for v in list(seq)[:MAX_ITEMS]]
    traces = [{"type": trace.type, "x": values(getattr(trace, "x", None)), "y": values(getattr(trace, "y", None))}
              for trace in list(fig.data)[:20]]
    layout = {axis: {"title": {"text": str(getattr(fig.layout, axis).title.text or "")[:200]}} for axis in ("xaxis", "yaxis")}
    return {"data": traces, "layout": layout}


def _install_guard(workdir, forbidden):
    workdir = os.path.realpath(workdir)
    tmp = os.path.realpath(os.environ.get("TMPDIR", "/tmp"))
    forbidden = [os.path.realpath(f) for f in forbidden]
    blocked_events = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
                      "os.forkpty", "pty.spawn", "socket.connect", "socket.bind", "socket.sendto", "ctypes.dlopen"}

    def inside(path, root):
        return path == root or path.startswith(root + os.sep)

    def guard(event, args):
        if event in blocked_events:
            raise PermissionError(f"the grader does not allow {event}")
        if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
            path = os.path.realpath(os.fsdecode(args[0]))
            if any(inside(path, f) for f in forbidden):
                raise PermissionError(f"the grader does not allow reading {path}")
            mode = args[1] if len(args) > 1 and isinstance(args[1], str) else "r"
            flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
            writing = any(c in mode for c in "wax+") or flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
            if writing and not (inside(path, workdir) or inside(path, tmp) or path == os.devnull):
                raise PermissionError(f"the grader does not allow writing outside the notebook's folder: {path}")
        if event in ("os.remove", "os.rename", "os.rmdir", "os.mkdir", "shutil.rmtree", "os.chmod", "os.truncate") and args:
            path = os.path.realpath(os.fsdecode(args[0])) if isinstance(args[0], (str, bytes, os.PathLike)) else ""
            if path and not (inside(path, workdir) or inside(path, tmp)):
                raise PermissionError(f"the grader does not allow changing {path}")
    sys.addaudithook(guard)


def run(spec):
    events = open(spec["events"], "a", encoding="utf-8", buffering=1)

    def emit(**event):
        events.write(json.dumps(event) + "\n")
        events.flush()

    # Import what answers need before the guard and before any student code: the student cannot
    # then swap these modules for the worker's own use.
    import pandas  # noqa: F401
    import plotly.io  # noqa: F401
    import ceasefire.checks  # noqa: F401
    os.chdir(spec["workdir"])
    sys.stdout = sys.stderr = _Sink()
    _install_guard(spec["root"], spec["forbidden"])
    namespace = {"__name__": "__main__"}
    answer_cells = {int(k): v for k, v in spec["answer_cells"].items()}
    for index, source in spec["cells"]:
        emit(event="cell", index=index, question=answer_cells.get(index, {}).get("question"))
        if MAGIC.search(source):
            source = MAGIC.sub("pass  # notebook magic removed by the grader: ", source)
        info = answer_cells.get(index)
        if info and not info.get("live"):
            namespace.pop(info["answer"], None)   # an earlier question's answer must not count for this one
        try:
            exec(compile(source, f"<cell {index}>", "exec"), namespace)
            error = None
        except BaseException as exc:   # noqa: BLE001 - SystemExit and KeyboardInterrupt are student errors too
            error = f"{type(exc).__name__}: {str(exc)[:200]}"
            emit(event="error", index=index, error=error)
        if info and not info.get("live"):
            value = namespace.get(info["answer"], Ellipsis)
            try:
                plain = to_plain(value)
            except BaseException as exc:   # noqa: BLE001
                plain = {"__type__": f"unreadable ({type(exc).__name__})"}
            emit(event="answer", question=info["question"], index=index, value=plain, cell_error=error)
    emit(event="done")
    events.close()
    os._exit(0)   # skip atexit handlers a student may have registered


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as handle:
        run(json.load(handle))
