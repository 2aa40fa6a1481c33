"""The course on a JupyterHub, for a class: three students at once, each pulling the course through the
nbgitpuller link `ceasefire links --hub` prints, running the start-here lesson and an answer check in
their own kernel, then pulling an instructor's update without losing their own edits.

The hub, the proxy, git daemon and the students' servers all run locally on 127.0.0.1 (see
tests/hub_class.py for what is started and how). Needs git (with git-daemon), node and npm; without
them the test skips with one line, or fails where CEASEFIRE_REQUIRE_HUB=1 (CI).
"""

import json
import os
import re
import subprocess
import sys
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from ceasefire.instructor import cli
from ceasefire.instructor.links import hub_link
from hub_class import (BRANCH, COURSE_FOLDER, REPO_NAME, REQUIRE_ENV, SINGLEUSER, Class, PullFailed, Student, git,
                       install_proxy, missing_tools, pull_api_path, read_pull_events, skip_or_fail, websocket_message)

FOLDER = COURSE_FOLDER                           # where nbgitpuller puts the course in each home
START_HERE = "lessons/00-start-here.ipynb"
EXERCISE = "exercises/02-september-agreement.ipynb"
# Each student answers q02.1 differently, so a mixed-up progress file would show.
ANSWERS = {"alice": ("2016-09-12", "correct"), "bob": ("2016-09-09", "incorrect"),
           "carol": ("2016-02-27", "incorrect")}
NOTE = "**Note for this class:** this week we stop after lesson 02."


# ---- without a hub: the helpers' verdicts ----------------------------------------------------------

def test_a_pull_stream_ending_in_error_is_a_failure():
    lines = ['data: {"output": "Cloning into x...", "phase": "syncing"}', "",
             'data: {"phase": "error", "message": "Branch does not exist", "output": "..."}']
    with pytest.raises(PullFailed, match="Branch does not exist"):
        read_pull_events(lines)
    with pytest.raises(PullFailed, match="ended without phase 'finished'"):
        read_pull_events(['data: {"output": "Fetching", "phase": "syncing"}'])
    assert read_pull_events([b'data: {"phase": "syncing", "output": ""}', b'data: {"phase": "finished"}'])[-1] == \
        {"phase": "finished"}


def test_the_pull_api_address_comes_from_the_link():
    link = hub_link("https://hub.example.edu/", "git://127.0.0.1:9418/ceasefire-course.git", "main", START_HERE)
    path = pull_api_path(link, "alice")
    assert path.startswith("/user/alice/git-pull/api?")
    query = parse_qs(urlsplit(path).query)
    assert query == {"repo": ["git://127.0.0.1:9418/ceasefire-course.git"], "branch": ["main"],
                     "targetpath": ["ceasefire-course"]}


def test_missing_tools_skip_on_a_workstation_and_fail_on_ci(monkeypatch):
    monkeypatch.delenv(REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match="^no npm$"):
        skip_or_fail("no npm")
    monkeypatch.setenv(REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="no npm .CEASEFIRE_REQUIRE_HUB=1"):
        skip_or_fail("no npm")


def test_the_single_user_launcher_leaves_the_iri_grammar_until_an_iri_is_checked():
    """ceasefire.instructor.singleuser: the whole single-user server imports without compiling rfc3987_syntax's
    grammar (lark), and IRI validation still gives the same answers, loading it then. (That a plain import
    does compile it is tests/test_imports.py's first check.)"""
    code = """
import json, sys
from ceasefire.instructor.singleuser import defer_iri_grammar
deferred = defer_iri_grammar()
import jupyterhub.singleuser, jsonschema
before = ["lark" in sys.modules, hasattr(sys.modules["rfc3987_syntax"], "__file__")]
checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
v = jsonschema.Draft202012Validator({"format": "iri"}, format_checker=checker)
print(json.dumps([deferred, *before, v.is_valid("http://example.org/p?q=1#f"), v.is_valid("http://exa mple"),
                  "lark" in sys.modules, hasattr(sys.modules["rfc3987_syntax"], "__file__"), defer_iri_grammar()]))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [True, False, False, True, False, True, True, False]


def test_the_launcher_comes_from_the_servers_environment_not_from_a_pulled_course(tmp_path):
    """A student release has no ceasefire.instructor.singleuser, and PYTHONPATH points at the pulled course
    (for the kernels): the spawner's -E keeps the server's own import from looking there."""
    pulled = tmp_path / "ceasefire-course" / "src" / "ceasefire" / "instructor"
    pulled.mkdir(parents=True)
    for folder in (pulled, pulled.parent):
        (folder / "__init__.py").write_text("")
    env = dict(os.environ, PYTHONPATH=str(pulled.parent.parent))
    probe = ["-c", "import ceasefire.instructor.singleuser as launcher; print(launcher.__file__)"]
    found = subprocess.run([*SINGLEUSER[:-2], *probe], capture_output=True, text=True, env=env, timeout=60)
    assert found.returncode == 0 and "ceasefire-course" not in found.stdout, found.stderr
    without = [arg for arg in SINGLEUSER[:-2] if arg != "-E"]     # test of the test: the pulled copy shadows it
    assert "ModuleNotFoundError" in subprocess.run([*without, *probe], capture_output=True, text=True, env=env,
                                                   timeout=60).stderr


# ---- the class ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    import psutil

    missing = missing_tools()
    if missing:
        skip_or_fail(f"JupyterHub class test skipped: {', '.join(missing)} not found (install git and nodejs/npm "
                     "to run it)")
    try:
        install_proxy()
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        skip_or_fail(f"JupyterHub class test skipped: {str(exc).splitlines()[0]}")
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    started = time.perf_counter()
    the_class = Class(tmp_path_factory.mktemp("class"))
    with the_class:
        the_class.children_before = before
        the_class.link = hub_link(the_class.hub.url, the_class.repo.url, BRANCH, START_HERE)
        print(f"\nclass up in {time.perf_counter() - started:.1f} s: hub {the_class.timings['hub start']:.1f} s, "
              "servers ready after " + ", ".join(f"{n} {s:.1f} s" for n, s in the_class.timings["servers"].items()))
        yield the_class


@pytest.fixture(scope="module")
def pulled(klass):
    """Every student follows the link and drives the pull, all at once. name -> (page, events, seconds)."""
    def pull(student):
        page = student.follow(klass.link)
        started = time.perf_counter()
        events = student.pull(klass.link)
        return page, events, time.perf_counter() - started
    results = klass.each(pull)
    print("pulls: " + ", ".join(f"{n} {r[2]:.1f} s" for n, r in results.items()))
    return results


@pytest.mark.slow
def test_students_log_in_with_the_class_password_and_their_servers_start_together(klass):
    ready = klass.timings["servers"]
    assert set(ready) == {"alice", "bob", "carol"}
    # asked for at once, they start side by side: every server process was running before the first was ready
    # (one after another, the second would start only once the first was up)
    spawned, up = klass.hub.spawned_at, klass.hub.ready_at
    assert max(spawned.values()) < min(up.values()), (spawned, up)
    assert not Student(klass.hub, "alice").login("not-the-class-password")
    assert not Student(klass.hub, "mallory").login(), "only names on the roster may log in"


@pytest.mark.slow
def test_the_links_command_prints_the_hub_link_the_students_follow(klass, capsys, monkeypatch):
    monkeypatch.chdir(klass.workdir)       # the course is still found (installed package) from anywhere
    assert cli.main(["links", "--repo", klass.repo.url, "--hub", klass.hub.url]) == 0
    out = capsys.readouterr().out
    assert f"  hub: {klass.link}\n" in out
    assert f"targetpath={FOLDER}&" in klass.link and "branch=main" in klass.link


@pytest.mark.slow
def test_each_student_pulls_the_committed_course_into_their_own_home(klass, pulled):
    urlpath = parse_qs(urlsplit(klass.link).query)["urlpath"][0]
    assert urlpath == f"lab/tree/{FOLDER}/{START_HERE}"
    for name, (page, events, seconds) in pulled.items():
        student = klass.students[name]
        # the link lands on nbgitpuller's page in the student's own server (after the OAuth redirects) ...
        assert page.status_code == 200 and urlsplit(page.url).path == f"/user/{name}/git-pull", page.url
        assert "git-pull/static/dist/bundle.js" in page.text and f'data-targetpath="{FOLDER}"' in page.text
        # ... and the pull, driven as the page's EventSource does, finished
        assert events[-1] == {"phase": "finished"}
        course = student.home / FOLDER
        for part in ("course.yml", START_HERE, EXERCISE, "data", "src/ceasefire/checking/checks.py"):
            assert (course / part).exists(), f"{part} missing in {name}'s home"
        assert (student.home / urlpath.removeprefix("lab/tree/")).is_file(), "the link's urlpath must exist"
        assert git("rev-parse", "HEAD", cwd=course).strip() == klass.repo.commit_under_test
        listing = student.rest("GET", f"/contents/{FOLDER}/lessons").json()
        assert any(item["name"] == "00-start-here.ipynb" for item in listing["content"])


def _cells(path, kind="code"):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == kind]


def _has(path, text, kind="code"):
    return any(text in source for source in _cells(path, kind))


@pytest.mark.slow
def test_each_student_runs_start_here_and_an_answer_check_in_their_own_kernel(klass, pulled):
    def lesson_and_check(student):
        failures, outputs, _ = student.run_notebook(f"{FOLDER}/{START_HERE}")
        kernel = student.open_notebook(f"{FOLDER}/{EXERCISE}")
        try:
            answer = ANSWERS[student.name][0]
            check = kernel.execute(
                "import json, os, ceasefire\nfrom ceasefire.checking.checks import check\nfrom ceasefire.checking import progress\n"
                f"feedback = check('q02.1', {answer!r})\n"
                "print(json.dumps({'status': feedback.status, 'message': feedback.message, 'cwd': os.getcwd(), "
                "'home': os.environ['HOME'], 'user': os.environ.get('JUPYTERHUB_USER'), "
                "'progress': str(progress.progress_path()), 'package': ceasefire.__file__}))")
        finally:
            kernel.close()
        return failures, outputs, check

    started = time.perf_counter()
    results = klass.each(lesson_and_check)
    print(f"start-here + one check in three kernels at once: {time.perf_counter() - started:.1f} s")
    for name, (failures, outputs, check) in results.items():
        student = klass.students[name]
        course = student.home / FOLDER
        assert failures == [], f"{name}: start-here failed in their kernel: {failures}"
        assert outputs >= 5, f"{name}: start-here showed too little ({outputs} outputs)"
        assert check.ok, f"{name}: {check.error} {check.stderr[-500:]}"
        seen = json.loads(check.stdout.strip().splitlines()[-1])
        assert seen["user"] == name and seen["home"] == str(student.home)
        assert seen["cwd"] == str(course / "exercises")
        assert seen["progress"] == str(course / ".ceasefire-progress.json")
        assert seen["package"] == str(course / "src/ceasefire/__init__.py"), "the kernel must run the pulled course"
        assert seen["status"] == ANSWERS[name][1], seen

    # each progress file holds that student's own result, and only that
    for name, (answer, status) in ANSWERS.items():
        record = json.loads((klass.students[name].home / FOLDER / ".ceasefire-progress.json").read_text())
        assert record["questions"] == {"q02.1": {"status": status, "score": 1.0 if status == "correct" else 0.0,
                                                 "attempts": 1}}, (name, record)
    found = sorted(p.relative_to(klass.workdir).as_posix()
                   for p in klass.workdir.rglob(".ceasefire-progress.json"))
    assert found == [f"homes/{n}/{FOLDER}/.ceasefire-progress.json" for n in sorted(ANSWERS)]


@pytest.mark.slow
def test_a_repull_brings_the_instructors_update_and_keeps_each_students_edits(klass, pulled):
    import nbformat

    alice, bob, carol = (klass.students[n] for n in ("alice", "bob", "carol"))
    # alice answers in her exercise notebook (a file the update does not touch) ...
    exercise = alice.read_json(f"{FOLDER}/{EXERCISE}")
    cell = next(c for c in exercise["cells"] if "check(\"q02.1\"" in c["source"])
    cell["source"] = cell["source"].replace("answer = ...", 'answer = "2016-09-12"  # my answer')
    alice.write_notebook(f"{FOLDER}/{EXERCISE}", exercise)
    # ... bob edits the lesson the update changes, in another place (his copy of the article)
    lesson = bob.read_json(f"{FOLDER}/{START_HERE}")
    cell = next(c for c in lesson["cells"] if c["source"].startswith("ARTICLE_COPY"))
    cell["source"] = cell["source"].replace('ARTICLE_COPY = ""', 'ARTICLE_COPY = "~/column.txt"', 1)
    bob.write_notebook(f"{FOLDER}/{START_HERE}", lesson)
    # ... and carol deletes a lesson by mistake
    (carol.home / FOLDER / "lessons/05-aftermath.ipynb").unlink()

    def update(folder):
        path = folder / START_HERE
        notebook = nbformat.read(path, as_version=4)
        notebook.cells.insert(1, nbformat.v4.new_markdown_cell(NOTE))
        nbformat.write(notebook, path)
        (folder / "announcements.md").write_text("# Announcements\n\nQuiz on Friday.\n")
    new_head = klass.repo.commit("Note for this class; announcements", update)
    assert new_head != klass.repo.commit_under_test

    results = klass.each(lambda student: student.pull(klass.link))
    for name, events in results.items():
        assert events[-1] == {"phase": "finished"}, name
        course = klass.students[name].home / FOLDER
        assert _has(course / START_HERE, NOTE, "markdown"), f"{name} did not get the update"
        assert (course / "announcements.md").is_file()
        assert git("merge-base", "--is-ancestor", new_head, "HEAD", cwd=course, check=False) == ""
        assert (course / ".ceasefire-progress.json").is_file(), f"{name}'s progress file must survive a pull"
    assert _has(alice.home / FOLDER / EXERCISE, 'answer = "2016-09-12"  # my answer'), "alice's answer was lost"
    assert _has(bob.home / FOLDER / START_HERE, 'ARTICLE_COPY = "~/column.txt"'), "bob's edit was lost"
    assert not _has(bob.home / FOLDER / EXERCISE, "# my answer"), "one student's edit reached another"
    assert (carol.home / FOLDER / "lessons/05-aftermath.ipynb").is_file(), "a deleted file comes back on pull"
    for name in ("alice", "carol"):
        assert _has(klass.students[name].home / FOLDER / START_HERE, 'ARTICLE_COPY = ""')


@pytest.mark.slow
def test_a_failed_pull_is_reported_as_a_failure(klass, pulled):
    carol = klass.students["carol"]
    wrong_branch = hub_link(klass.hub.url, klass.repo.url, "no-such-branch", START_HERE)
    with pytest.raises(PullFailed, match="Branch does not exist"):
        carol.pull(wrong_branch)
    unknown_repo = klass.repo.url.replace(REPO_NAME, "no-such-course.git")
    with pytest.raises(PullFailed, match="Remote content unavailable|error"):
        carol.pull(hub_link(klass.hub.url, unknown_repo, BRANCH, START_HERE))
    assert not (carol.home / "no-such-course").exists()
    # her course is untouched and still pulls
    assert carol.pull(klass.link)[-1] == {"phase": "finished"}
    assert (carol.home / FOLDER / START_HERE).is_file()


@pytest.mark.slow
def test_everything_stops_cleanly(klass):
    import psutil
    import requests

    spawned = klass.hub.descendants() + [psutil.Process(klass.repo.process.pid)]
    names = {" ".join(p.cmdline()) for p in spawned}
    assert any("configurable-http-proxy" in n for n in names), names
    assert any(n.startswith(" ".join(SINGLEUSER)) for n in names), names   # the servers ran through the launcher
    started = time.perf_counter()
    leftovers = klass.stop()
    print(f"hub and git daemon stopped in {time.perf_counter() - started:.1f} s")
    assert leftovers == [], f"still running after the hub stopped: {leftovers}"
    assert not [p for p in spawned if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert klass.hub.process.returncode is not None and klass.repo.process.returncode is not None
    new = [p for p in psutil.Process().children(recursive=True)
           if p.pid not in klass.children_before and p.status() != psutil.STATUS_ZOMBIE]
    assert new == [], f"processes the class test left behind: {[(p.pid, p.cmdline()) for p in new]}"
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{klass.hub.url}/hub/api/", timeout=5)
    assert re.search(r"Cleaning up|Shutting down|stopping", (klass.hub.log).read_text(), re.I)


def test_the_test_client_reads_text_and_binary_kernel_frames():
    """hub_class speaks to kernels as JupyterLab does: a message with buffers (a widget's binary state) comes
    as a binary frame, laid out by jupyter_server's own serializer here."""
    from jupyter_server.services.kernels.connection.base import serialize_binary_message

    message = {"header": {"msg_type": "comm_open"}, "parent_header": {"msg_id": "m1"}, "content": {"x": 1},
               "metadata": {}, "channel": "iopub"}
    assert websocket_message(json.dumps(message)) == message
    for buffers in ([b"\x00\xff" * 10], [b"a", b"bc"]):
        assert websocket_message(serialize_binary_message({**message, "buffers": buffers})) == message


@pytest.mark.slow
def test_a_hub_whose_port_is_taken_starts_again_on_other_ports(tmp_path):
    """free_port() can race another process for a port (seen once in a full run: the proxy died on
    EADDRINUSE and the hub ran on without it); the hub then starts again on other ports."""
    import socket

    from hub_class import Hub

    missing = missing_tools()
    if missing:
        skip_or_fail(f"JupyterHub port test skipped: {', '.join(missing)} not found")
    hub = Hub(tmp_path, students=["dora"])
    taken = hub.port
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", taken))
        blocker.listen()
        try:
            hub.start()
            assert hub.port != taken and hub.api("GET", "/").status_code == 200
            assert "EADDRINUSE" in (tmp_path / "hub" / "jupyterhub-port-taken-1.log").read_text()
        finally:
            assert hub.stop() == []
