"""The README's two commands, and the CI script that must call the test one."""

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from ceasefire import cli
from conftest import ROOT, SHARED

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_names_the_two_commands_and_ci_runs_the_test_one():
    assert "make lab" in README and "make test" in README
    ci = (ROOT / ".ci" / "run").read_text()
    commands = [line.strip() for line in ci.splitlines() if line.strip() and not line.strip().startswith("#")]
    assert "make test" in commands, ".ci/run must call the README's test command"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_make_lab_serves_the_course_on_loopback_with_a_token(tmp_path):
    port = _free_port()
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "ws"))
    log = tmp_path / "lab.log"
    with log.open("w") as out:
        proc = subprocess.Popen(["make", "--no-print-directory", "lab", f"LAB_PORT={port}",
                                 "LAB_FLAGS=--no-browser"],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = None
        deadline = time.time() + 90
        while time.time() < deadline and url is None:
            match = re.search(rf"http://127\.0\.0\.1:{port}/lab\S*\?token=(\w+)", log.read_text())
            url = match and match.group(0)
            time.sleep(0.5)
        assert url, f"no URL with token printed:\n{log.read_text()[-3000:]}"
        token = url.rsplit("=", 1)[1]
        assert "/lab/tree/lessons/00-start-here.ipynb?token=" in url
        # the address is printed before the server is up: poll until it answers
        status = None
        while time.time() < deadline and status != 200:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents/lessons/00-start-here.ipynb"
                                            f"?content=0&token={token}", timeout=5) as response:
                    status = response.status
            except OSError:
                time.sleep(0.5)
        assert status == 200, log.read_text()[-3000:]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def test_cli_readme_check_and_data_check(capsys):
    assert cli.main(["readme", "--check"]) == 0
    assert cli.main(["data", "check"]) == 0
    assert "valid" in capsys.readouterr().out


def test_cli_reports_broken_data_in_one_clear_message(data_copy, capsys):
    (data_copy / "places.csv").unlink()
    assert cli.main(["data", "check", "--folder", str(data_copy)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("ceasefire: data check failed") and "places.csv is missing" in err
    assert "Traceback" not in err


@pytest.mark.skipif(not (SHARED / "tools" / "copycheck.py").is_file(), reason="../shared/tools is not beside this checkout")
def test_no_sentence_of_the_article_is_copied():
    result = subprocess.run(["python3", str(SHARED / "tools" / "copycheck.py"), str(ROOT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
