"""A class on a local JupyterHub, for tests/test_hub.py and bench/hub.py (tests/test_binder.py uses the
tool checks at the top).

Everything runs on this machine, bound to 127.0.0.1 on random free ports, in one temporary folder:

- the commit under test, pushed as branch `main` into a bare repository served by `git daemon`
  (nbgitpuller clones with depth 1, which git's dumb HTTP cannot serve);
- JupyterHub with the `simple` spawner (every student runs as this user, in their own home folder
  under the temp folder: no isolation, for testing only), the `shared-password` authenticator (one
  class password, a roster of allowed names), configurable-http-proxy from npm, and a service token
  for the test; each student's server is jupyterhub-singleuser run through the course's launcher
  (`python -E -m ceasefire.instructor.singleuser`, about 1 s of CPU less per start; see that module);
- students who log in with the class password, follow the nbgitpuller link `ceasefire links --hub`
  prints, drive the pull to its end, and run code in their own kernels over the kernel websocket.

Pitfalls this module handles (see ../shared/reference/binder-and-hub.md): following the link clones
nothing (its page's JavaScript opens an EventSource on /user/{u}/git-pull/api; we read its `data:` lines
until phase finished or error, and the HTTP status is 200 even on error); starting a server may answer
202 (poll `ready`); as root the single-user server needs --allow-root.
"""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from npm_tools import npm_install

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.prefix) / "bin"                 # the venv running the tests: jupyterhub, singleuser, repo2docker
CHP_VERSION = "5.3.0"
CHP_DIR = Path(sys.prefix) / "chp"             # npm cache folder for configurable-http-proxy, reused if present
REQUIRE_ENV = "CEASEFIRE_REQUIRE_HUB"          # set by .ci/run: a missing tool fails instead of skipping
REPO_NAME = "ceasefire-course.git"             # served as git://127.0.0.1:PORT/ceasefire-course.git
COURSE_FOLDER = REPO_NAME.removesuffix(".git")  # where nbgitpuller puts the course in each home
BRANCH = "main"
STUDENTS = ("alice", "bob", "carol")
# What the spawner runs: jupyterhub-singleuser through the course's launcher (ceasefire.instructor.singleuser),
# taken from this environment; -E: never from the course a student pulled (PYTHONPATH, for the kernels).
SINGLEUSER = [str(BIN / "python"), "-E", "-m", "ceasefire.instructor.singleuser"]
GIT_ID = ["-c", "user.name=Course Instructor", "-c", "user.email=instructor@example.invalid",
          "-c", "commit.gpgsign=false"]


# ---- tools -------------------------------------------------------------------------------------------

def missing_tools(tools=("git", "git-daemon", "npm", "node", "jupyterhub", "jupyterhub-singleuser")) -> list:
    """The tools of `tools` this machine lacks (git-daemon and the jupyterhub commands are looked up where
    git and this venv keep them)."""
    missing = []
    for tool in tools:
        if tool == "git-daemon":
            exec_path = _run_quiet(["git", "--exec-path"]) if shutil.which("git") else ""
            if not exec_path or not Path(exec_path.strip(), "git-daemon").exists():
                missing.append(tool)
        elif tool.startswith("jupyterhub"):
            if not (BIN / tool).exists():
                missing.append(tool)
        elif not shutil.which(tool):
            missing.append(tool)
    return missing


def _run_quiet(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def skip_or_fail(message: str):
    """One clear line: a skip on a workstation, a failure where the class tests are required (CI)."""
    import pytest

    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{message} ({REQUIRE_ENV}=1: these tests are required here)", pytrace=False)
    pytest.skip(message)


class PortTaken(RuntimeError):
    """A port chosen for the hub was taken by another process before the hub's proxy could listen on it."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def install_proxy(folder: Path = CHP_DIR) -> Path:
    """configurable-http-proxy from npm into `folder` (reused when it is already there)."""
    return npm_install("configurable-http-proxy", CHP_VERSION, folder, ".bin/configurable-http-proxy")


def git(*args, cwd=None, check=True) -> str:
    result = subprocess.run(["git", *GIT_ID, *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return result.stdout


def _wait(predicate, timeout: float, what: str, log: Path | None = None, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    tail = f"\n--- {log.name} (last lines) ---\n{tail_of(log)}" if log else ""
    raise TimeoutError(f"{what} not within {timeout:.0f} s{tail}")


def tail_of(path: Path, chars: int = 4000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return "(no log)"


# ---- the course, served by git daemon -------------------------------------------------------------------

class CourseRepo:
    """The commit under test (HEAD of `source`, never its uncommitted edits) as branch main of a bare
    repository, served read-only by git daemon; `commit` changes it as the instructor would upstream."""

    def __init__(self, workdir: Path, source: Path = ROOT):
        self.base = workdir / "srv"
        self.bare = self.base / REPO_NAME
        self.upstream = workdir / "instructor"
        self.log = workdir / "git-daemon.log"
        self.base.mkdir(parents=True)
        git("init", "--quiet", "--bare", "-b", BRANCH, str(self.bare))
        git("config", "receive.shallowUpdate", "true", cwd=self.bare)     # CI may test a shallow clone
        self.commit_under_test = git("rev-parse", "HEAD", cwd=source).strip()
        git("push", "--quiet", "--no-verify", str(self.bare), f"{self.commit_under_test}:refs/heads/{BRANCH}",
            cwd=source)
        self.port = free_port()
        self.url = f"git://127.0.0.1:{self.port}/{REPO_NAME}"
        self.process = None

    def start(self):
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                ["git", "daemon", "--listen=127.0.0.1", f"--port={self.port}", f"--base-path={self.base}",
                 "--export-all", "--reuseaddr", "--informative-errors", str(self.base)],
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        _wait(lambda: self.process.poll() is not None or
              subprocess.run(["git", "ls-remote", self.url], capture_output=True, timeout=10).returncode == 0,
              20, "git daemon answering", self.log)
        if self.process.poll() is not None:
            raise RuntimeError(f"git daemon exited:\n{tail_of(self.log)}")
        return self

    def head(self) -> str:
        return git("rev-parse", BRANCH, cwd=self.bare).strip()

    def commit(self, message: str, edit) -> str:
        """Clone (once), let `edit(folder)` change files, commit everything and push to main."""
        if not self.upstream.exists():
            git("clone", "--quiet", str(self.bare), str(self.upstream))
        else:
            git("pull", "--quiet", "--ff-only", cwd=self.upstream)
        edit(self.upstream)
        git("add", "-A", cwd=self.upstream)
        git("commit", "--quiet", "-m", message, cwd=self.upstream)
        git("push", "--quiet", "origin", f"HEAD:{BRANCH}", cwd=self.upstream)
        return self.head()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


# ---- the nbgitpuller pull --------------------------------------------------------------------------------

class PullFailed(AssertionError):
    """The pull API reported phase 'error', or its stream ended without phase 'finished'."""


def read_pull_events(lines) -> list:
    """The events of nbgitpuller's EventSource stream (`data: {...}` lines), up to phase 'finished'.
    Raises PullFailed on phase 'error' (the HTTP status is 200 even then) or an early end."""
    events = []
    for line in lines:
        if isinstance(line, bytes):
            line = line.decode("utf-8", "replace")
        if not line.startswith("data:"):
            continue
        event = json.loads(line[5:].strip())
        events.append(event)
        if event.get("phase") == "finished":
            return events
        if event.get("phase") == "error":
            output = "".join(e.get("output", "") for e in events if e.get("phase") == "syncing")
            raise PullFailed(f"nbgitpuller reported an error: {event.get('message', '')}"
                             + (f"\n{output[-1500:]}" if output else ""))
    raise PullFailed(f"the pull stream ended without phase 'finished' after {len(events)} events")


def pull_api_path(link: str, user: str) -> str:
    """The EventSource address the page of an nbgitpuller link opens for `user`: /user/{u}/git-pull/api?..."""
    query = parse_qs(urlsplit(link).query)
    params = {name: query[name][0] for name in ("repo", "branch", "targetpath", "depth") if name in query}
    return f"/user/{user}/git-pull/api?{urlencode(params)}"


# ---- the hub -------------------------------------------------------------------------------------------

CONFIG = """\
# Written by tests/hub_class.py for one test run; every path is in a temporary folder.
import os
c = get_config()  # noqa: F821
c.JupyterHub.bind_url = "http://127.0.0.1:{public}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.pid_file = {pid_file!r}
c.JupyterHub.db_url = "sqlite:///" + {db!r}
c.JupyterHub.cookie_secret_file = {cookie!r}
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ["CLASS_PASSWORD"]
c.Authenticator.allowed_users = set({students!r})
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {homes!r} + "/{{username}}"
# jupyterhub-singleuser with jsonschema's IRI grammar compiled on first use only (about 1 s of CPU less per
# server start; see ceasefire/instructor/singleuser.py and instructors/running-a-class.md)
c.Spawner.cmd = {singleuser!r}
c.Spawner.args = {args!r}
c.Spawner.ip = "127.0.0.1"
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
# Each student's kernels import the package from the course they pulled (the commit under test), not from
# the package installed in this venv (a working copy that may differ): the lessons and the package match.
c.Spawner.environment = {{"PYTHONPATH": lambda spawner: os.path.join({homes!r}, spawner.user.name, {folder!r}, "src")}}
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90
c.JupyterHub.services = [{{"name": "class-test", "api_token": os.environ["CLASS_HUB_TOKEN"]}}]
c.JupyterHub.load_roles = [{{"name": "class-test", "services": ["class-test"], "scopes": [
    "admin:users", "admin:servers", "admin:server_state", "tokens", "access:servers", "read:hub"]}}]
"""


class Hub:
    def __init__(self, workdir: Path, students=STUDENTS, proxy: Path | None = None, singleuser=SINGLEUSER):
        self.run_dir = workdir / "hub"
        self.homes = workdir / "homes"
        self.run_dir.mkdir(parents=True)
        self.homes.mkdir(parents=True)
        self.students = list(students)
        self.token = secrets.token_hex(32)
        self.password = "class-" + secrets.token_urlsafe(9)
        self.log = self.run_dir / "jupyterhub.log"
        self.config = self.run_dir / "jupyterhub_config.py"
        self._settings = dict(
            proxy=str(proxy or install_proxy()), pid_file=str(self.run_dir / "jupyterhub-proxy.pid"),
            db=str(self.run_dir / "jupyterhub.sqlite"), cookie=str(self.run_dir / "jupyterhub_cookie_secret"),
            students=self.students, homes=str(self.homes), singleuser=list(singleuser),
            args=["--allow-root"] if os.geteuid() == 0 else [], folder=COURSE_FOLDER)
        self._choose_ports()
        self.process = None
        self.seen = []
        self.start_seconds = None
        self.spawned_at, self.ready_at = {}, {}    # name -> clock time (time.time()) of the last start_servers
        self._session = None

    def _choose_ports(self):
        """Free ports for the proxy (public and API) and the hub, written into the hub's configuration."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.config.write_text(CONFIG.format(public=self.port, hub=free_port(), api=free_port(), **self._settings))

    # -- life cycle
    def start(self, attempts: int = 3):
        """Start the hub; if another process took one of its ports between free_port() and the proxy's start
        (EADDRINUSE: the proxy dies, the hub runs on without it), stop and start again on other ports."""
        for attempt in range(1, attempts + 1):
            try:
                return self._start_once()
            except PortTaken:
                if attempt == attempts:
                    raise
                self.stop()
                self.log.rename(self.log.with_name(f"jupyterhub-port-taken-{attempt}.log"))
                self._choose_ports()

    def _start_once(self):
        import requests

        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("JUPYTERHUB_", "CEASEFIRE_", "JPY_", "JUPYTER_", "VIRTUAL_ENV"))}
        env.update(PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", CLASS_HUB_TOKEN=self.token,
                   CLASS_PASSWORD=self.password, PYTHONUNBUFFERED="1")
        self._session = requests.Session()
        self._session.headers["Authorization"] = f"token {self.token}"
        started = time.perf_counter()
        with self.log.open("w") as out:
            self.process = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(self.config)], cwd=self.run_dir,
                                            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

        def up():
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyterhub exited with {self.process.returncode}:\n{tail_of(self.log)}")
            if "EADDRINUSE" in tail_of(self.log, 20_000):
                raise PortTaken(tail_of(self.log))
            try:
                return requests.get(f"{self.url}/hub/api/", timeout=2).status_code == 200
            except requests.RequestException:
                return False
        _wait(up, 90, "JupyterHub answering through the proxy", self.log)
        self.start_seconds = time.perf_counter() - started
        return self

    def remember(self) -> list:
        """Note the hub's descendants now (a hub that crashes orphans them); returns all noted so far."""
        for proc in self.descendants():
            if proc not in self.seen:
                self.seen.append(proc)
        return list(self.seen)

    def descendants(self) -> list:
        import psutil

        if not self.process:
            return []
        try:
            return psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def stop(self, timeout: float = 30) -> list:
        """SIGTERM to the hub (it stops the proxy and the servers, which stop their kernels); returns the
        processes that outlived it (then killed), which should be none."""
        import psutil

        if not self.process:
            return []
        spawned = self.remember()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        proxy = self._proxy_from_pid_file()
        if proxy is not None and proxy not in spawned:          # the hub had crashed: its proxy lives on
            proxy.terminate()
            spawned.append(proxy)
        return _kill_survivors(spawned)

    def _proxy_from_pid_file(self):
        import psutil

        try:
            proxy = psutil.Process(int((self.run_dir / "jupyterhub-proxy.pid").read_text().strip()))
            if "configurable-http-proxy" in " ".join(proxy.cmdline()) and proxy.status() != psutil.STATUS_ZOMBIE:
                return proxy
        except (OSError, ValueError, psutil.Error):
            pass
        return None

    # -- REST API with the service token
    def api(self, method: str, path: str, **kwargs):
        response = self._session.request(method, f"{self.url}/hub/api{path}", timeout=30, **kwargs)
        return response

    def create_users(self, names):
        response = self.api("POST", "/users", json={"usernames": list(names)})
        assert response.status_code in (201, 409), response.text

    def start_servers(self, names, timeout: float = 120) -> dict:
        """Ask for every server at once, then poll until each is ready. name -> seconds to ready.

        The hub holds each request open until the server is up or its slow_spawn_timeout (10 s) passes, so
        the polling starts at once, beside the requests: a server counts as ready when the hub says so."""
        names = list(names)
        started = time.perf_counter()
        ready = {}

        def ask(name):
            response = self.api("POST", f"/users/{name}/server")
            # 201 when ready within the hub's own wait, 202 while still starting, 400 when already running
            if response.status_code not in (201, 202, 400):
                raise RuntimeError(f"starting {name}'s server: HTTP {response.status_code} {response.text[:300]}"
                                   f"\n{tail_of(self.log)}")

        deadline = time.monotonic() + timeout
        with ThreadPoolExecutor(len(names)) as pool:
            asked = {name: pool.submit(ask, name) for name in names}
            while len(ready) < len(names):
                for name in names:
                    if name in ready:
                        continue
                    server = self.api("GET", f"/users/{name}").json().get("servers", {}).get("")
                    if server and server.get("ready"):
                        ready[name] = time.perf_counter() - started
                        self.ready_at[name] = time.time()
                    elif asked[name].done():
                        asked[name].result()                   # the request's own error, if it failed
                        if not server or (server.get("pending") is None and not server.get("ready")):
                            raise RuntimeError(f"{name}'s server failed to start:\n{tail_of(self.log)}")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"servers not ready within {timeout:.0f} s: "
                                       f"{sorted(set(names) - set(ready))}\n{tail_of(self.log)}")
                if len(ready) < len(names):
                    time.sleep(0.1)
        self.remember()
        self.spawned_at.update({name: _created(self.server_pid(name)) for name in names})
        return ready

    def stop_servers(self, names, timeout: float = 60):
        for name in names:
            self.api("DELETE", f"/users/{name}/server")
        _wait(lambda: all(not self.api("GET", f"/users/{n}").json().get("servers") for n in names), timeout,
              "servers stopped", self.log)

    def server_pid(self, name: str) -> int:
        server = self.api("GET", f"/users/{name}").json()["servers"][""]
        return int(server["state"]["pid"])

    def user_token(self, name: str) -> str:
        response = self.api("POST", f"/users/{name}/tokens", json={"note": "class test", "expires_in": 3600})
        assert response.status_code == 201, response.text
        return response.json()["token"]


# ---- a student -----------------------------------------------------------------------------------------

class Student:
    def __init__(self, hub: Hub, name: str):
        import requests

        self.hub, self.name = hub, name
        self.home = hub.homes / name
        self.browser = requests.Session()      # what a browser holds: the hub's and the server's cookies
        self.token = None                      # the student's own API token, for REST and the kernel websocket

    @property
    def server(self) -> str:
        return f"{self.hub.url}/user/{self.name}"

    def login(self, password: str | None = None) -> bool:
        page = self.browser.get(f"{self.hub.url}/hub/login", timeout=30)
        match = re.search(r'name="_xsrf"\s+value="([^"]+)"', page.text)
        data = {"username": self.name, "password": self.hub.password if password is None else password}
        if match:
            data["_xsrf"] = match.group(1)
        response = self.browser.post(f"{self.hub.url}/hub/login?next=%2Fhub%2F", data=data,
                                     allow_redirects=False, timeout=30)
        return response.status_code == 302

    def follow(self, link: str):
        """Open an nbgitpuller link as a browser would (hub redirect, OAuth to the student's server)."""
        return self.browser.get(link, timeout=60)

    def pull(self, link: str, timeout: float = 120) -> list:
        """Do what the link's page does: read the pull API's event stream to the end (see read_pull_events)."""
        with self.browser.get(f"{self.hub.url}{pull_api_path(link, self.name)}", stream=True,
                              timeout=(10, timeout)) as response:
            if response.status_code != 200:
                raise PullFailed(f"the pull API answered HTTP {response.status_code}: {response.text[:300]}")
            return read_pull_events(response.iter_lines(decode_unicode=True))

    def rest(self, method: str, path: str, **kwargs):
        import requests

        if self.token is None:
            self.token = self.hub.user_token(self.name)
        return requests.request(method, f"{self.server}/api{path}", timeout=60,
                                headers={"Authorization": f"token {self.token}"}, **kwargs)

    def open_notebook(self, path: str) -> "Kernel":
        """A kernel session for a notebook, as JupyterLab opens one: the kernel runs in the notebook's folder."""
        response = self.rest("POST", "/sessions", json={"path": path, "name": Path(path).name, "type": "notebook",
                                                        "kernel": {"name": "python3"}})
        assert response.status_code == 201, response.text
        return Kernel(self, response.json())

    def run_notebook(self, path: str, keep_open: bool = False):
        """Open `path` (relative to the home) in a kernel session and run every code cell in order, as
        Run All does. Returns (failures, outputs, kernel): one line per failed cell, the number of rich
        outputs shown, and the kernel if keep_open (else it is shut down and None)."""
        notebook = json.loads((self.home / path).read_text(encoding="utf-8"))
        failures, outputs = [], 0
        kernel = self.open_notebook(path)
        try:
            cells = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
            for number, code in enumerate(cells, start=1):
                result = kernel.execute(code)
                outputs += len(result.outputs)
                if not result.ok:
                    failures.append(f"{path} cell {number}: {result.status} {result.error} {result.stderr[-300:]}")
        finally:
            if not keep_open:
                kernel.close()
                kernel = None
        return failures, outputs, kernel

    def read_json(self, path: str) -> dict:
        response = self.rest("GET", f"/contents/{path}", params={"content": 1})
        assert response.status_code == 200, response.text
        return response.json()["content"]

    def write_notebook(self, path: str, notebook: dict):
        response = self.rest("PUT", f"/contents/{path}", json={"type": "notebook", "format": "json",
                                                                "content": notebook})
        assert response.status_code == 200, response.text


@dataclass
class Result:
    status: str = ""
    stdout: str = ""
    stderr: str = ""
    error: str = ""
    outputs: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok" and not self.error


def websocket_message(frame) -> dict:
    """A kernel websocket frame as a message. Text is the message's JSON. A message with binary buffers
    (plotly's widget code, for one: display.plotly_widget) comes as a binary frame in jupyter_server's
    layout: a count n of parts, n offsets (unsigned 32-bit, big-endian), the JSON, then the buffers."""
    if isinstance(frame, str):
        return json.loads(frame)
    count = int.from_bytes(frame[:4], "big")
    offsets = [int.from_bytes(frame[4 * i:4 * i + 4], "big") for i in range(1, count + 1)] + [len(frame)]
    return json.loads(frame[offsets[0]:offsets[1]])


class Kernel:
    """The student's kernel, spoken to over the kernel websocket, as JupyterLab does."""

    def __init__(self, student: Student, session: dict):
        import websocket

        self.student, self.session_id = student, session["id"]
        self.kernel_id = session["kernel"]["id"]
        self.client_session = uuid.uuid4().hex
        url = (f"{student.server.replace('http://', 'ws://')}/api/kernels/{self.kernel_id}/channels"
               f"?session_id={self.client_session}")
        self.ws = websocket.create_connection(url, header=[f"Authorization: token {student.token}"], timeout=120)

    def execute(self, code: str, timeout: float = 180) -> Result:
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": self.student.name,
                       "session": self.client_session, "date": "", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True}}))
        result, replied, idle = Result(), False, False
        deadline = time.monotonic() + timeout
        while not (replied and idle):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no reply from {self.student.name}'s kernel within {timeout} s")
            message = websocket_message(self.ws.recv())
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = message["header"]["msg_type"], message["content"]
            if message["channel"] == "shell" and kind == "execute_reply":
                result.status, replied = content["status"], True
            elif kind == "stream":
                if content["name"] == "stdout":
                    result.stdout += content["text"]
                else:
                    result.stderr += content["text"]
            elif kind == "error":
                result.error = f"{content['ename']}: {content['evalue']}"
            elif kind in ("execute_result", "display_data"):
                result.outputs.append(content["data"])
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
        return result

    def close(self):
        try:
            self.ws.close()
        finally:
            self.student.rest("DELETE", f"/sessions/{self.session_id}")


def memory(pid: int) -> dict:
    """Memory of one single-user server and everything it started (its kernels), in MiB: RSS (counts shared
    libraries in full for each process) and PSS (shares them out; the fair figure for adding up)."""
    import psutil

    server = psutil.Process(pid)
    kernels = server.children(recursive=True)
    def mib(proc, kind):
        try:
            info = proc.memory_full_info()
            return getattr(info, kind) / 2**20
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            return 0.0
    return {"server_rss": mib(server, "rss"), "kernels_rss": sum(mib(k, "rss") for k in kernels),
            "kernels": len(kernels), "total_rss": mib(server, "rss") + sum(mib(k, "rss") for k in kernels),
            "total_pss": mib(server, "pss") + sum(mib(k, "pss") for k in kernels)}


# ---- the whole class -----------------------------------------------------------------------------------

class Class:
    """git daemon + hub + logged-in students with running servers. Use as a context manager or call
    start()/stop(); stop() returns the processes that outlived the hub and the daemon (none, normally)."""

    def __init__(self, workdir: Path, students=STUDENTS, source: Path = ROOT, singleuser=SINGLEUSER):
        self.workdir = Path(workdir)
        self.repo = CourseRepo(self.workdir, source)
        self.hub = Hub(self.workdir, students, singleuser=singleuser)
        self.students = {name: Student(self.hub, name) for name in students}
        self.timings = {}
        self.leftovers = None

    def start(self, servers: bool = True):
        self.repo.start()
        self.hub.start()
        self.timings["hub start"] = self.hub.start_seconds
        self.hub.create_users(self.students)
        if servers:
            self.timings["servers"] = self.hub.start_servers(self.students)
        for student in self.students.values():
            assert student.login(), f"{student.name} could not log in with the class password"
        return self

    def stop(self) -> list:
        if self.leftovers is None:
            import psutil

            serving = _children_of(self.repo.process)          # git daemon's per-connection children
            leftovers = self.hub.stop()
            self.repo.stop()
            self.leftovers = leftovers + _kill_survivors(serving)
        return self.leftovers

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc):
        self.stop()

    def each(self, function, names=None) -> dict:
        """Run function(student) for every student at once (threads); name -> result."""
        names = list(names or self.students)
        with ThreadPoolExecutor(len(names)) as pool:
            futures = {name: pool.submit(function, self.students[name]) for name in names}
            return {name: future.result() for name, future in futures.items()}


def _created(pid: int) -> float:
    import psutil

    return psutil.Process(pid).create_time()


def _kill_survivors(processes) -> list:
    """Give `processes` 10 s to exit, kill the ones still there, return those (a clean stop returns [])."""
    import psutil
    _, alive = psutil.wait_procs(processes, timeout=10)
    for proc in alive:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass
    return alive


def _children_of(process) -> list:
    import psutil

    if process is None:
        return []
    try:
        return [p for p in psutil.Process(process.pid).children(recursive=True) if p.is_running()]
    except psutil.NoSuchProcess:
        return []
