"""Kernel fidelity and process safety of the grader's worker (issue 11, items 1 and 7).

Cells run through IPython as in a Jupyter kernel; shell commands and package installs are skipped and
reported; the worker is its own session and sets its own limits (no preexec_fn anywhere); the fork server
takes its workers down with it when the grader goes away. The kernel-versus-gradebook comparison over every
lesson is tests/test_grade_parity.py; the answer codec's round trip is tests/test_plain.py.
"""

import ast
import os
import signal
import time

import pytest

from ceasefire.instructor import runner
from ceasefire.instructor.runner import Limits, WorkerServer, _worker_env, run_in_sandbox
from ceasefire.instructor.scoring import Result, score
from ceasefire.checking.keys import load_keys
from conftest import ROOT
from submissions import filled

LESSON = "03-february-failure"
LIMITS = Limits(wall_seconds=60, cpu_seconds=30, memory_mb=1536)


@pytest.fixture(scope="module")
def server():
    """One fork server for the module, as `grade` uses one per run."""
    started = WorkerServer(_worker_env())
    runner.servers.insert(0, started)
    yield started
    runner.servers.remove(started)
    started.close()


def run(nb, limits=LIMITS):
    events, ended, _ = run_in_sandbox(nb, ROOT, limits, [ROOT / "solutions"])
    return events, ended


def answers(events):
    return {e["question"]: e for e in events if e.get("event") == "answer"}


def graded(nb):
    events, ended = run(nb)
    result = Result(student="s", submission=f"{LESSON}.ipynb")
    score(result, LESSON, events, ended, load_keys())
    return {r["question"]: r["status"] for r in result.rows}, result.run


KERNEL_HABITS = {
    "q03.1": 'display("working")\n%time answer = 115.2\ncheck("q03.1", answer)',
    "q03.2": 'import asyncio\nawait asyncio.sleep(0)\nanswer = 1728\ncheck("q03.2", answer)',
    "q03.4": ('by_month = year.set_index(year["month"].dt.strftime("%Y-%m"))\n'
              'by_month.loc["2016-03", "deaths"] - by_month.loc["2016-02", "deaths"]'),
    "q03.6": ('%%time\n!ls\nfiles = !ls\n%pip install plotly\nanswer = ["Government offensives around Aleppo", '
              '"Nusra fighters mixed in with other rebel groups", "Aid kept from besieged areas"]\n'
              'assert get_ipython().user_ns["answer"] is answer and files == []\ncheck("q03.6", answer)'),
    "q03.8": ('check("q03.8", "How the assumptions about spoilers, enforcement and clarity shape a truce\'s '
              'survival in the model")'),
}


def test_what_runs_in_a_kernel_runs_in_the_grader(server):
    nb = filled(LESSON, **{q: s for q, s in KERNEL_HABITS.items() if q != "q03.4"})
    index = next(i for i, c in enumerate(nb.cells) if c.metadata.get("ceasefire", {}).get("question") == "q03.4")
    nb.cells[index].source = "answer = _\ncheck(\"q03.4\", answer)"
    nb.cells.insert(index, type(nb.cells[index])(cell_type="code", source=KERNEL_HABITS["q03.4"], metadata={},
                                                 outputs=[], execution_count=None))
    statuses, notes = graded(nb)
    assert set(statuses.values()) == {"correct"}, statuses
    assert not [n for n in notes if "raised" in n], notes
    skipped = [n for n in notes if "skipped" in n]
    assert len(skipped) == 1 and "`!ls`" in skipped[0] and "`%pip install plotly`" in skipped[0], notes
    assert "the rest of the cell ran" in skipped[0]


@pytest.mark.parametrize("source, error", [
    ("import asyncio\nasync def f():\n    return 1\nasyncio.run(f())", "RuntimeError"),   # as in Jupyter: a loop runs
    ("%not_a_magic", "UsageError"),
    ("def broken(:\n    pass", "SyntaxError"),
])
def test_cells_fail_where_they_fail_in_a_kernel(server, source, error):
    nb = filled(LESSON, **{"q03.2": source + '\nanswer = 1728\ncheck("q03.2", answer)'})
    statuses, notes = graded(nb)
    assert any(error in n for n in notes), notes
    assert statuses["q03.2"] == "not answered" and statuses["q03.1"] == "correct"


def test_an_answer_is_what_check_received(server):
    """The value passed to check counts (as in the notebook), not a later value of the variable."""
    nb = filled(LESSON, **{"q03.1": 'answer = 115.2\ncheck("q03.1", answer)\nanswer = 0',
                           "q03.2": 'check("q03.2", 1728)',
                           "q03.3": 'answer = "2016-05"\nprint(undefined_name)\ncheck("q03.3", answer)'})
    statuses, notes = graded(nb)
    assert statuses["q03.1"] == "correct" and statuses["q03.2"] == "correct"
    assert statuses["q03.3"] == "not answered"   # the cell failed before its check: the student saw no verdict


def test_the_worker_is_its_own_session_and_sets_its_own_limits(server):
    probe = ('import os, resource\nanswer = [str(os.getsid(0) == os.getpid()), str(resource.getrlimit(resource.RLIMIT_CPU)[0]), '
             'str(resource.getrlimit(resource.RLIMIT_AS)[0] // 2**20), str(resource.getrlimit(resource.RLIMIT_CORE)[0])]\n'
             'check("q03.6", answer)')
    events, ended = run(filled(LESSON, **{"q03.6": probe}))
    assert ended is None
    assert [item for item in answers(events)["q03.6"]["value"]["__list__"]] == ["True", "30", "1536", "0"]


def test_no_preexec_fn_in_the_package():
    """preexec_fn is unsafe in a threaded program (the grader's thread pool): never used."""
    scanned = sorted((ROOT / "src" / "ceasefire").rglob("*.py"))   # every layer (glob alone missed subpackages)
    assert ROOT / "src" / "ceasefire" / "instructor" / "runner.py" in scanned
    for path in scanned:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        used = [n for n in ast.walk(tree) if isinstance(n, ast.keyword) and n.arg == "preexec_fn"]
        assert not used, f"{path.name} passes preexec_fn"


def test_a_grader_that_dies_takes_its_workers_with_it(tmp_path):
    """The fork server kills the workers it still has when its input closes (the grader killed)."""
    own = WorkerServer(_worker_env())
    runner.servers.insert(0, own)
    try:
        import threading
        nb = filled(LESSON, **{"q03.1": "import time\ntime.sleep(600)"})
        done = {}
        thread = threading.Thread(target=lambda: done.setdefault("r", run(nb)), daemon=True)
        thread.start()
        pids = []
        deadline = time.time() + 60
        while time.time() < deadline and not pids:
            pids = [int(p) for p in os.listdir("/proc") if p.isdigit() and _parent(int(p)) == own.proc.pid]
            time.sleep(0.1)
        assert pids, "no worker started"
        time.sleep(0.5)
        own.proc.stdin.close()   # what the operating system does when the grader dies
        own.proc.wait(timeout=30)
        deadline = time.time() + 10
        while time.time() < deadline and any(_alive(p) for p in pids):
            time.sleep(0.05)
        assert not any(_alive(p) for p in pids)
        thread.join(timeout=30)
        assert "r" in done
    finally:
        runner.servers.remove(own)
        if own.proc.poll() is None:
            os.killpg(own.proc.pid, signal.SIGKILL)


def _parent(pid):
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return int(handle.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
