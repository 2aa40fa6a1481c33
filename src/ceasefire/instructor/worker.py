"""The grader's worker: runs ONE submitted notebook in its own process and reports plain data.

Started by ceasefire.instructor.runner (forked by `--serve`, or as `python -m ceasefire.instructor.worker SPEC.json`)
in a session of its own; the first thing it does is set its own CPU, memory, file-size and core-dump
limits from the spec (the parent keeps the wall-clock limit). No `preexec_fn`: the grader starts workers from threads.

Cells run the way a Jupyter kernel runs them: through IPython's own cell execution (an InteractiveShell,
driven as ipykernel drives it, inside a running asyncio loop), so `display()`, line and cell magics,
top-level `await`, `get_ipython()`, `obj?`, `_`/`Out` history and the last-expression display behave as in
the student's JupyterLab. Two things a kernel would do are not done when grading: shell commands
(`!cmd`, `%sx`, `%%bash` ...) and package installs (`%pip`, `%conda` ...). They are reported as skipped
and the rest of the cell still runs. Rich output is not rendered (nobody sees it); an error in a cell is
recorded and does not stop the next cell, as with nbclient's `allow_errors`.

For speed the grader starts one fork server per run (`python -m ceasefire.instructor.worker --serve`): it imports
what every worker needs once, single-threaded, and forks one worker per submission; the fork makes itself a
session leader, sets its limits and environment, and runs as above. The server reports each worker's exit
status to the grader, and on end of input (the grader gone) kills the workers it still has.

The worker writes one JSON line per event to the events file (which cell is running, which answers were
given, which cells failed, what was skipped) and never scores anything: scoring happens in the parent,
outside this process, so nothing a student's code does here (redefining `check`, patching the package,
printing "correct") can change a score. Answers travel as plain JSON (ceasefire.instructor.plain).

An audit hook, installed before any student code runs, refuses to open files outside the working copy
for writing, to read the instructor's solutions, to start processes and to open network connections.
It raises PermissionError, which the student's cell sees as an ordinary error. (A determined attacker
with ctypes could get around an audit hook; the OS limits still hold. Run the grader under its own
user account for stronger isolation.)
"""

import json
import os
import resource
import sys

# Commands a kernel would hand to the operating system. Not run when grading, reported instead.
SKIPPED_LINE_MAGICS = ("pip", "conda", "mamba", "micromamba", "uv", "sx", "system", "edit")
SKIPPED_CELL_MAGICS = ("bash", "sh", "script", "perl", "ruby", "python", "python2", "python3", "pypy", "sx",
                       "system")


def apply_limits(limits):
    """CPU, address-space, file-size and core-dump limits on this process (and anything it starts)."""
    memory = int(limits["memory_mb"]) * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (int(limits["cpu_seconds"]), int(limits["cpu_seconds"]) + 5))
    size = int(limits["file_mb"]) * 2**20
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


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


def make_shell(emit, current):
    """An IPython shell set up as ipykernel sets up its own, minus the operating system and the rendering.

    `current()` says which cell is running, for the skipped-command events."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.text import SList
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.hist_file = ":memory:"   # history works (In, Out, %history); nothing on disk
    config.InteractiveShell.colors = "nocolor"
    shell = InteractiveShell.instance(config=config)

    def skipped(command):
        emit(event="skipped", index=current(), command=str(command)[:200])

    def system(cmd, *args, **kwargs):
        skipped(f"!{cmd}")

    def getoutput(cmd, *args, **kwargs):
        skipped(f"!{cmd}")
        return SList()

    shell.system = shell.system_piped = shell.system_raw = system
    shell.getoutput = getoutput
    magics = shell.magics_manager.magics
    for name in SKIPPED_LINE_MAGICS:
        magics["line"][name] = (lambda name: lambda line="", *a, **k: skipped(f"%{name} {line}".strip()))(name)
    for name in SKIPPED_CELL_MAGICS:
        magics["cell"][name] = (lambda name: lambda line="", cell="", *a, **k: skipped(f"%%{name} {line}".strip()))(name)
    # `obj?` and %pinfo page their text; the kernel sends it to the front end, the grader drops it.
    shell.set_hook("show_in_pager", lambda self, *args, **kwargs: None, priority=99)
    # Rich output is computed for the front end only: nobody sees it here. `_`, `Out` and the
    # last-expression display still run (the display hook stores results whatever the format).
    shell.display_formatter.format = lambda obj, include=None, exclude=None: ({}, {})

    def showtraceback(*args, **kwargs):   # the error is recorded from the cell's result instead
        sys.last_type, sys.last_value, sys.last_traceback = sys.exc_info()
    shell.showtraceback = showtraceback
    shell.showsyntaxerror = lambda *args, **kwargs: None
    shell.showindentationerror = lambda *args, **kwargs: None
    return shell


async def run_cell(shell, source):
    """One cell, as ipykernel's do_execute runs it: asynchronously when it has top-level await."""
    from IPython.core.interactiveshell import _asyncio_runner

    preprocessing_exc_tuple = None
    try:
        transformed = shell.transform_cell(source)
    except Exception:   # noqa: BLE001 - reported by run_cell_async as the kernel reports it
        transformed, preprocessing_exc_tuple = source, sys.exc_info()
    if shell.loop_runner is _asyncio_runner and shell.should_run_async(
            source, transformed_cell=transformed, preprocessing_exc_tuple=preprocessing_exc_tuple):
        result = None
        try:
            result = await shell.run_cell_async(source, store_history=True, silent=False, transformed_cell=transformed,
                                                preprocessing_exc_tuple=preprocessing_exc_tuple)
        finally:
            shell.events.trigger("post_execute")
            shell.events.trigger("post_run_cell", result)
        return result
    return shell.run_cell(source, store_history=True, silent=False)


def _watch_checks(to_plain):
    """Record what the course's `check` is given, as it is given: {question: plain answer} for the running cell.

    The answer the student saw judged is the one `check(question, value)` received in the answer cell; it
    is encoded at the call (a figure changed after the check does not count). A student who redefines
    `check` records nothing; the answer is then read from the notebook's variables, as before."""
    import functools

    import ceasefire.checking.checks as checks

    seen = {}
    real = checks.check

    @functools.wraps(real)
    def check(question_id, answer):
        try:
            seen[str(question_id)] = to_plain(answer)
        except BaseException as exc:   # noqa: BLE001
            seen[str(question_id)] = {"__type__": f"unreadable ({type(exc).__name__})"}
        return real(question_id, answer)
    checks.check = check
    return seen


def _answer(info, seen, namespace, error, to_plain):
    """The plain answer of one answer cell: what `check` received in it; else, when the cell failed before its
    check (the student saw an error, no verdict), nothing; else the value of the name it checks."""
    if info["question"] in seen:
        return seen[info["question"]]
    if error is not None:
        return to_plain(Ellipsis)
    try:
        return to_plain(answer_value(namespace, info["answer"]))
    except BaseException as exc:   # noqa: BLE001
        return {"__type__": f"unreadable ({type(exc).__name__})"}


def answer_value(namespace, expression):
    """The value of the expression a `check(question, expression)` line names: a name, a literal or an attribute."""
    if expression.isidentifier():
        return namespace.get(expression, Ellipsis)
    import ast
    try:
        return ast.literal_eval(expression)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        pass
    try:
        return eval(compile(expression, "<answer>", "eval"), namespace)   # noqa: S307 - the student's own process
    except BaseException:   # noqa: BLE001
        return Ellipsis


def run(spec):
    apply_limits(spec["limits"])
    if "" not in sys.path:
        sys.path.insert(0, "")   # as in a kernel: the notebook's folder (the working directory) is importable
    events = open(spec["events"], "a", encoding="utf-8", buffering=1)

    def emit(**event):
        events.write(json.dumps(event) + "\n")
        events.flush()

    # Import what answers need before the guard and before any student code: the student cannot
    # then swap these modules for the worker's own use.
    import asyncio
    import pandas  # noqa: F401
    import plotly.io  # noqa: F401
    import ceasefire.checking.checks  # noqa: F401
    from ceasefire.instructor.plain import to_plain

    plotly.io.show = lambda *args, **kwargs: None   # fig.show() renders for the front end only
    running = {"index": None}
    seen = _watch_checks(to_plain)
    shell = make_shell(emit, lambda: running["index"])
    os.chdir(spec["workdir"])
    sys.stdout = sys.stderr = _Sink()
    _install_guard(spec["root"], spec["forbidden"])
    answer_cells = {int(k): v for k, v in spec["answer_cells"].items()}

    async def cells():
        for index, source in spec["cells"]:
            running["index"] = index
            emit(event="cell", index=index, question=answer_cells.get(index, {}).get("question"))
            info = answer_cells.get(index)
            seen.clear()
            try:
                result = await run_cell(shell, source)
                failure = result.error_before_exec if result.error_before_exec is not None else result.error_in_exec
            except BaseException as exc:   # noqa: BLE001 - SystemExit and KeyboardInterrupt are student errors too
                failure = exc
            error = None
            if failure is not None:
                error = f"{type(failure).__name__}: {str(failure)[:200]}"
                emit(event="error", index=index, error=error)
            if info and not info.get("live"):
                emit(event="answer", question=info["question"], index=index, cell_error=error,
                     value=_answer(info, seen, shell.user_ns, error, to_plain))

    asyncio.run(cells())
    emit(event="done")
    events.close()
    os._exit(0)   # skip atexit handlers a student may have registered


# ---- the fork server ------------------------------------------------------------------------------------

# Imported once by the server, so that a worker starts with them loaded. None of them reads the course
# root or the progress file at import time (both come from each worker's environment).
PRELOAD = ("asyncio", "ast", "numpy", "pandas", "plotly.io", "plotly.graph_objects", "plotly.express", "ipywidgets",
           "plotly.io._renderers", "plotly.basewidget", "plotly.graph_objs._figurewidget",
           "IPython.core.interactiveshell", "IPython.utils.text", "traitlets.config", "ceasefire.checking.checks",
           "ceasefire.instructor.plain", "ceasefire.data")


def _send(**message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _preload():
    import importlib

    from ceasefire.deferred import defer_iri_grammar

    # As in every student's kernel (display.setup): jsonschema, which plotly's renderers pull in, would
    # otherwise compile an IRI grammar that grading never uses, about 1 s of CPU per grading run.
    defer_iri_grammar()
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:   # noqa: BLE001 - a worker imports it itself, as before
            pass


def _reap(children: set):
    """Report every worker that has exited since the last look, without waiting for the others."""
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        children.discard(pid)
        _send(exited=pid, code=os.waitstatus_to_exitcode(status))


def _kill_all(children: set):
    import signal

    for pid in children:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass


def serve():
    """Read one JSON request per line on stdin ({id, spec, stderr, env, cwd}), fork a worker for each, write
    {"started": id, "pid": pid} and later {"exited": pid, "code": returncode} (negative: the signal) on stdout."""
    import select
    import signal

    _preload()
    wake_read, wake_write = os.pipe()   # SIGCHLD wakes select() through this pipe
    os.set_blocking(wake_read, False)
    os.set_blocking(wake_write, False)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.set_wakeup_fd(wake_write)
    children, pending = set(), b""
    while True:
        ready, _, _ = select.select([0, wake_read], [], [])
        if wake_read in ready:
            try:
                os.read(wake_read, 4096)
            except BlockingIOError:
                pass
        _reap(children)
        if 0 not in ready:
            continue
        data = os.read(0, 1 << 16)
        if not data:   # the grader is gone: so are its workers
            _kill_all(children)
            os._exit(0)
        pending += data
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            request = json.loads(line)
            pid = os.fork()
            if pid == 0:
                _forked_worker(request, (wake_read, wake_write))
            children.add(pid)
            _send(started=request["id"], pid=pid)


def _forked_worker(request, server_fds):
    """In the fork: leave the server's session, signals and pipes behind, take the request's environment, run."""
    import signal
    import tempfile
    import traceback

    try:
        os.setsid()
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for fd in server_fds:
            os.close(fd)
        null = os.open(os.devnull, os.O_RDWR)
        err = os.open(request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(null, 0)
        os.dup2(null, 1)
        os.dup2(err, 2)
        os.close(null)
        os.close(err)
        os.environ.update(request["env"])
        tempfile.tempdir = None   # TMPDIR is this worker's own
        os.chdir(request["cwd"])
        with open(request["spec"], encoding="utf-8") as handle:
            spec = json.load(handle)
        run(spec)
    except BaseException:   # noqa: BLE001
        try:
            traceback.print_exc()
        except BaseException:   # noqa: BLE001
            pass
    finally:
        os._exit(70)


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        serve()
    else:
        with open(sys.argv[1], encoding="utf-8") as handle:
            run(json.load(handle))
