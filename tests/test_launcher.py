"""run.py, the README's two commands without make: its platform branches (Windows layout, a too-old Python)
as units, and the launcher end to end on this machine (a fresh environment built from scratch, the lab
served on loopback with a token, the tests run through it)."""

import ast
import importlib.util
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path, PureWindowsPath

import pytest

from conftest import ROOT

SPEC = importlib.util.spec_from_file_location("course_launcher", ROOT / "run.py")
run = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(run)
SYSTEM_PYTHON = shutil.which("python3") or sys.executable


# ---- units: platform branches ---------------------------------------------------------------------------

def test_windows_environments_keep_programs_in_scripts_with_exe():
    venv = PureWindowsPath(r"C:\Users\ana\course\.venv")
    assert PureWindowsPath(run.program(venv, "python", "nt")) == PureWindowsPath(r"C:\Users\ana\course\.venv\Scripts\python.exe")
    lab = run.lab_command(Path("course"), venv, 8890, "tok", platform="nt", as_root=False)
    assert PureWindowsPath(lab[0]) == venv / "Scripts" / "jupyter-lab.exe"
    install = run.install_commands(ROOT, venv, "test", platform="nt")
    assert all(PureWindowsPath(command[0]) == venv / "Scripts" / "python.exe" for command in install)


def test_posix_environments_keep_programs_in_bin():
    assert run.program(Path("/c/.venv"), "python", "posix") == Path("/c/.venv/bin/python")
    assert run.lab_command(ROOT, Path("/c/.venv"), 8888, "t", platform="posix", as_root=False)[0] == "/c/.venv/bin/jupyter-lab"


@pytest.mark.parametrize("version, platform, advice", [
    ((3, 10, 12), "posix", "python3.11 run.py lab"),
    ((3, 9, 1), "nt", "py -3.11 run.py lab"),
    ((2, 7, 18), "posix", "this is Python 2.7.18"),
])
def test_a_too_old_python_is_told_what_to_install(version, platform, advice):
    message = run.python_problem(version, platform)
    assert "needs Python 3.11 or newer" in message and advice in message


@pytest.mark.parametrize("version", [(3, 11, 0), (3, 12, 4), (3, 14, 0)])
def test_a_recent_python_is_fine(version):
    assert run.python_problem(version, "nt") is None and run.python_problem(version, "posix") is None


def test_the_launcher_parses_on_old_pythons_so_they_reach_the_message():
    ast.parse((ROOT / "run.py").read_text(encoding="utf-8"), feature_version=(3, 6))


def test_the_lab_listens_on_loopback_only_with_a_token_and_opens_start_here():
    command = run.lab_command(ROOT, Path("/v"), 8890, "abc", extra=["--no-browser"], platform="posix", as_root=True)
    assert "--ServerApp.ip=127.0.0.1" in command and "--IdentityProvider.token=abc" in command
    assert "--ServerApp.port=8890" in command and "--ServerApp.port_retries=0" in command
    assert "--allow-root" in command and command[-2:] == ["--no-browser", "lessons/00-start-here.ipynb"]
    assert "--allow-root" not in run.lab_command(ROOT, Path("/v"), 8890, "abc", platform="nt", as_root=False)
    assert run.lab_url(8890, "abc") == "http://127.0.0.1:8890/lab/tree/lessons/00-start-here.ipynb?token=abc"


def test_the_test_command_is_what_make_test_ran_with_options_passed_through():
    assert run.parse(["test", "-k", "data", "-x"]) == ("test", ["-k", "data", "-x"])
    assert run.test_command(Path("/v/bin/python"), ["-k", "data"]) == [
        "/v/bin/python", "-m", "pytest", "-n", "2", "--dist", "loadfile", "-k", "data"]


def test_windows_runs_the_program_and_passes_its_status_on(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)   # replace_process changes directory; this puts the test's back afterwards
    started = []

    class Process:
        def __init__(self, command):
            started.append(command)

        def wait(self):
            return 3

    assert run.replace_process(["jupyter-lab.exe"], tmp_path, platform="nt", popen=Process) == 3
    assert started == [["jupyter-lab.exe"]]


def test_posix_replaces_the_launcher_with_the_program(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)   # replace_process changes directory; this puts the test's back afterwards
    replaced = []
    run.replace_process(["/v/bin/python", "-m", "pytest"], tmp_path, platform="posix",
                        execv=lambda path, args: replaced.append((path, args)))
    assert replaced == [("/v/bin/python", ["/v/bin/python", "-m", "pytest"])]


def _project(tmp_path):
    root = tmp_path / "course"
    (root / "requirements").mkdir(parents=True)
    for name in ("requirements/course.lock", "requirements/test.lock", "pyproject.toml"):
        shutil.copy(ROOT / name, root / name)
    return root


def test_installs_once_and_again_only_when_a_lock_changes(tmp_path):
    root, venv = _project(tmp_path), tmp_path / "venv"
    commands = []

    def fake_run(command):
        commands.append(command)
        if command[1:3] == ["-m", "venv"]:
            run.program(venv, "python").parent.mkdir(parents=True)
            run.program(venv, "python").write_text("")

    python = run.ensure("test", root, venv, fake_run, log=lambda *_: None)
    assert python == run.program(venv, "python")
    assert commands[0] == [sys.executable, "-m", "venv", str(venv)]
    assert [c[-1] for c in commands[1:]] == [str(root / "requirements/test.lock"), str(root)]
    assert "--no-deps" in commands[2] and "-e" in commands[2]
    commands.clear()
    run.ensure("test", root, venv, fake_run, log=lambda *_: None)
    run.ensure("course", root, venv, fake_run, log=lambda *_: None)   # a test install holds the course too
    assert commands == []
    (root / "requirements/course.lock").write_text("# changed\n")
    run.ensure("course", root, venv, fake_run, log=lambda *_: None)
    assert [c[-1] for c in commands] == [str(root / "requirements/course.lock"), str(root)]


# ---- end to end on this machine ---------------------------------------------------------------------------

def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_a_too_old_python_gets_the_message_and_no_environment(tmp_path):
    code = ("import runpy, sys; sys.version_info = (3, 10, 2, 'final', 0); sys.argv = ['run.py', 'lab']; "
            f"runpy.run_path({str(ROOT / 'run.py')!r}, run_name='__main__')")
    env = dict(os.environ, CEASEFIRE_VENV=str(tmp_path / "venv"))
    result = subprocess.run([SYSTEM_PYTHON, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1
    assert "needs Python 3.11 or newer; this is Python 3.10.2" in result.stderr
    assert not (tmp_path / "venv").exists()


@pytest.mark.slow
def test_a_fresh_environment_is_built_from_the_locks(tmp_path):
    """From nothing: the launcher makes the venv with this machine's layout, installs the locks (here a
    one-package lock, so the test stays short; CI builds the real ones from a fresh clone) and the package."""
    root = tmp_path / "course"
    shutil.copytree(ROOT / "src", root / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    (root / "requirements").mkdir()
    for name in ("run.py", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, root / name)
    pinned = next(line for line in (ROOT / "requirements/course.lock").read_text().splitlines()
                  if line.lower().startswith("pyyaml=="))   # a small pin the package needs
    (root / "requirements/course.lock").write_text(pinned + "\n")
    (root / "requirements/test.lock").write_text("")
    env = dict(os.environ)
    env.pop("CEASEFIRE_VENV", None)
    result = subprocess.run([SYSTEM_PYTHON, str(root / "run.py"), "setup"], capture_output=True, text=True,
                            env=env, timeout=600, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    python = root / ".venv" / "bin" / "python"
    assert (root / ".venv/.course-installed").read_text().strip() == run.wanted(root, "course")
    probe = subprocess.run([str(python), "-c", "import yaml, ceasefire; print(yaml.__version__, ceasefire.__file__)"],
                           capture_output=True, text=True, timeout=60)
    assert probe.returncode == 0, probe.stderr
    assert pinned.split("==")[1] in probe.stdout and str(root / "src") in probe.stdout
    again = subprocess.run([SYSTEM_PYTHON, str(root / "run.py"), "setup"], capture_output=True, text=True,
                           env=env, timeout=60)
    assert again.returncode == 0 and "Installing" not in again.stdout


@pytest.mark.slow
def test_run_py_lab_serves_the_course_on_loopback_with_a_token(tmp_path):
    port = _free_port()
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "ws"))
    log = tmp_path / "lab.log"
    with log.open("w") as out:
        proc = subprocess.Popen([SYSTEM_PYTHON, "run.py", "lab", "--port", str(port), "--no-browser"],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = None
        deadline = time.time() + 90
        while time.time() < deadline and url is None:
            match = re.search(rf"http://127\.0\.0\.1:{port}/lab\S*\?token=(\w+)", log.read_text())
            url = match and match.group(0)
            time.sleep(0.3)
        assert url, f"no URL with token printed:\n{log.read_text()[-3000:]}"
        token = url.rsplit("=", 1)[1]
        assert "/lab/tree/lessons/00-start-here.ipynb?token=" in url
        status = None
        while time.time() < deadline and status != 200:   # the address is printed before the server is up
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents/lessons/00-start-here.ipynb"
                                            f"?content=0&token={token}", timeout=5) as response:
                    status = response.status
            except OSError:
                time.sleep(0.3)
        assert status == 200, log.read_text()[-3000:]
        with pytest.raises(urllib.error.HTTPError) as refused:   # and nothing without the token
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents/lessons/00-start-here.ipynb?content=0",
                                   timeout=5)
        assert refused.value.code == 403
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


@pytest.mark.slow
def test_run_py_test_runs_pytest_with_two_workers_and_passes_options_and_status_on(tmp_path):
    select = "test_a_recent_python_is_fine"
    passed = subprocess.run([SYSTEM_PYTHON, "run.py", "test", "tests/test_launcher.py", "-k", select, "-v"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert passed.returncode == 0, passed.stdout[-2000:] + passed.stderr[-2000:]
    assert "3 passed" in passed.stdout and "created: 2/2 workers" in passed.stdout
    refused = subprocess.run([SYSTEM_PYTHON, "run.py", "test", "--no-such-option"], cwd=ROOT, capture_output=True,
                             text=True, timeout=300)
    assert refused.returncode == 4, refused.stdout[-2000:]   # pytest's usage error, passed on as is
    assert "unrecognized arguments: --no-such-option" in refused.stderr


def test_the_package_is_byte_compiled_with_the_environments_python():
    assert run.compile_command(Path("/v/bin/python"), Path("/c")) == ["/v/bin/python", "-m", "compileall", "-q", "/c/src"]


def test_the_longest_test_files_are_handed_out_first(request):
    """tests/conftest.py orders the collection so that pytest-xdist starts the long files first; xdist's own
    reordering (by number of tests per file) would undo it, so pyproject's addopts turn that off."""
    from collections import namedtuple

    import tomllib

    from conftest import LONGEST_FIRST, longest_first

    missing = [name for name in LONGEST_FIRST if not (ROOT / name).is_file()]
    assert missing == [], f"renamed or removed: {missing} (they would lose their early place silently)"
    item = namedtuple("Item", "nodeid")
    slow, slower = LONGEST_FIRST[1], LONGEST_FIRST[0]
    items = [item("tests/test_a.py::one"), item(f"{slow}::first"), item("lessons/00-x.ipynb::Cell 0"),
             item(f"{slow}::second"), item("tests/test_a.py::two"), item(f"{slower}::only"),
             item("lessons/00-x.ipynb::Cell 1")]
    assert [i.nodeid for i in longest_first(items)] == [
        f"{slower}::only", f"{slow}::first", f"{slow}::second", "lessons/00-x.ipynb::Cell 0",
        "lessons/00-x.ipynb::Cell 1", "tests/test_a.py::one", "tests/test_a.py::two"]
    collected = [i.nodeid for i in request.session.items]     # this run's collection went through the hook
    assert collected == [i.nodeid for i in longest_first(request.session.items)]
    addopts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["addopts"]
    assert "--no-loadscope-reorder" in addopts.split()
