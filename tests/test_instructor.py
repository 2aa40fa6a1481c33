"""Instructor verbs: release, links, doctor, and the command line's manners (help, one-line errors)."""

import re
import subprocess
import sys

import pytest

from ceasefire.instructor import cli
from ceasefire.checking.keys import read_plain
from ceasefire.instructor.links import hub_link, links, repo_folder
from ceasefire.manifest import load_course
from ceasefire.instructor.release import make_release
from conftest import ROOT

VERBS = ["readme", "data", "notebooks", "assign", "release", "grade", "links", "doctor"]


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    out = tmp_path_factory.mktemp("rel") / "course"
    make_release(ROOT, out)
    return out


def test_release_has_what_students_need_and_no_solutions(release):
    for name in ("lessons", "exercises", "data", "src", "README.md", "run.py", "environment.yml", "course.yml", "Makefile"):
        assert (release / name).exists(), name
    assert not (release / "solutions").exists()
    assert not list(release.rglob("keys.yml")) and not list(release.rglob("*SOLUTION*"))
    assert (release / "src" / "ceasefire" / "checking" / "keys.json").exists()
    assert {p.name for p in (release / "exercises").glob("*.ipynb")} == {p.name for p in (ROOT / "exercises").glob("*.ipynb")}


def test_release_holds_no_plain_answer(release):
    """Scan every text file of the release for the answers as solutions write them."""
    from test_assign import MACHINERY, _plain_forms
    plain = read_plain(ROOT / "solutions" / "keys.yml")
    found = []
    for path in release.rglob("*"):
        if not path.is_file() or path.suffix not in (".py", ".json", ".ipynb", ".md", ".yml", ".csv", ".txt", ".cfg"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        # Lessons, data and lesson modules teach facts that questions ask about; they are scanned where
        # they name a question. Everything else (exercises, keys, checker, manifest ...) is scanned in full.
        teaching = path.parent.name in ("lessons", "data") or (path.suffix == ".py" and path.name not in MACHINERY)
        for qid, spec in plain.items():
            if teaching and qid not in text:
                continue
            found += [f"{qid} in {path.relative_to(release)}" for p in _plain_forms(spec) if p.search(text)]
    assert found == []


def test_release_refuses_a_non_empty_or_inner_folder(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "file").write_text("x")
    with pytest.raises(Exception, match="not empty"):
        make_release(ROOT, tmp_path / "x")
    with pytest.raises(Exception, match="inside the course folder"):
        make_release(ROOT, ROOT / "build" / "release-test")


def test_links_open_every_lesson_and_exercise():
    course = load_course(ROOT)
    rows = links(course, "someone/ceasefire", "v1", hub="https://hub.example.edu/")
    paths = [r["notebook"] for r in rows]
    assert "lessons/00-start-here.ipynb" in paths and "exercises/03-february-failure.ipynb" in paths
    row = rows[paths.index("exercises/03-february-failure.ipynb")]
    assert row["binder"] == ("https://mybinder.org/v2/gh/someone/ceasefire/v1?urlpath=lab%2Ftree%2F"
                             "exercises%2F03-february-failure.ipynb")
    assert row["hub"].startswith("https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2F"
                                 "someone%2Fceasefire&branch=v1&targetpath=ceasefire&urlpath=lab%2Ftree%2Fceasefire%2F"
                                 "exercises%2F03-february-failure.ipynb")


def test_hub_links_accept_any_git_address():
    link = hub_link("http://127.0.0.1:8000", "git://127.0.0.1:9418/course.git", "main", "lessons/00-start-here.ipynb")
    assert "repo=git%3A%2F%2F127.0.0.1%3A9418%2Fcourse.git" in link and "targetpath=course&" in link
    assert repo_folder("https://github.com/a/b.git") == "b"
    assert "binder" not in links(load_course(ROOT), "git://127.0.0.1/course.git")[0]


def _run(*args):
    return subprocess.run([sys.executable, "-m", "ceasefire.instructor.cli", *args], capture_output=True, text=True, cwd=ROOT, timeout=120)


@pytest.mark.parametrize("verb", VERBS)
def test_every_verb_has_help(verb):
    result = _run(verb, "--help")
    assert result.returncode == 0 and "usage: ceasefire" in result.stdout


@pytest.mark.parametrize("args, message", [
    (["grade", "nothing.ipynb", "--out", "x.csv", "--feedback", "fb", "--release", "/nonexistent"], "has no exercises/ folder"),
    (["release", str(ROOT / "lessons")], "not empty"),
    (["readme", "--check"], None),
])
def test_errors_are_one_clear_line_with_a_non_zero_exit(args, message):
    result = _run(*args)
    if message is None:
        assert result.returncode == 0
        return
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_doctor_reports_each_check():
    result = _run("doctor")
    lines = result.stdout.splitlines()
    assert any(re.match(r"\[ok\] plotly: 7\.1\.0", line) for line in lines)
    assert any("renderer" in line for line in lines) and any("data files" in line for line in lines)
    assert result.returncode in (0, 1)
    assert lines[-1] in ("Everything looks right.",) or "need attention" in lines[-1]


def test_doctor_flags_broken_data(tmp_path, monkeypatch):
    from ceasefire.instructor import doctor
    import shutil
    course = tmp_path / "course"
    shutil.copytree(ROOT / "data", course / "data")
    shutil.copy(ROOT / "course.yml", course / "course.yml")
    (course / "data" / "timeline.csv").unlink()
    monkeypatch.setenv("CEASEFIRE_COURSE_ROOT", str(course))
    found = {what: (ok, detail) for ok, what, detail in doctor.checks()}
    assert found["data files"][0] is False and "timeline.csv is missing" in found["data files"][1]
