"""Instructor verbs: release, links, doctor, and the command line's manners (help, one-line errors)."""

import re
import subprocess
import sys

import pytest

from ceasefire.instructor.compile_keys import read_plain
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


INSTRUCTOR_ONLY = ("assign", "compile_keys", "grade", "worker", "tamper", "collect", "feedback", "export", "report",
                   "plain", "notebooks", "links", "csvtext")


def test_release_holds_no_instructor_tool(release):
    """No grader, collector, key compiler, maintenance tool or lint code: only what students run."""
    package = release / "src" / "ceasefire"
    shipped = {p.stem for p in (package / "instructor").glob("*.py")}
    assert shipped == {"__init__", "cli", "doctor"}, shipped
    assert not (set(INSTRUCTOR_ONLY) & {p.stem for p in package.rglob("*.py")})
    assert not (release / "tools").exists() and not list(release.rglob("derive.py"))
    texts = "\n".join(p.read_text(encoding="utf-8") for p in package.rglob("*.py"))
    for marker in ("def grade(", "def make_release(", "addaudithook", "def compile_keys(", "def read_plain(", "def collect("):
        assert marker not in texts, marker


def _notebook_imports(folder):
    """Every `import ...` / `from ... import ...` of the course package in the code cells of the notebooks."""
    import ast

    import nbformat
    found = set()
    for path in sorted(folder.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            try:
                tree = ast.parse("\n".join(l for l in cell.source.splitlines() if not l.lstrip().startswith(("%", "!"))))
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ceasefire"):
                    found |= {f"from {node.module} import {a.name}" for a in node.names}
                elif isinstance(node, ast.Import):
                    found |= {f"import {a.name}" for a in node.names if a.name.startswith("ceasefire")}
    return found


def _in_release(release, code):
    import os
    env = dict(os.environ, PYTHONPATH=str(release / "src"), CEASEFIRE_COURSE_ROOT=str(release),
               CEASEFIRE_PROGRESS=str(release.parent / "progress.json"))   # outside the release
    return subprocess.run([sys.executable, "-c", code], cwd=release / "exercises", env=env, capture_output=True,
                          text=True, timeout=300)


def test_every_import_of_the_lessons_and_exercises_resolves_in_the_release(release):
    imports = _notebook_imports(release / "lessons") | _notebook_imports(release / "exercises")
    assert "from ceasefire.checking.checks import check" in imports and len(imports) > 10
    code = "\n".join(sorted(imports)) + f"""
import ceasefire, importlib.util
assert ceasefire.__file__.startswith({str(release)!r}), ceasefire.__file__   # the release's copy, not the checkout's
assert importlib.util.find_spec("ceasefire.instructor.grade") is None
print(check("q03.1", 115).status)
"""
    result = _in_release(release, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "correct"


def test_the_import_check_sees_a_missing_module(release):
    """Test of the test: an import of an instructor module fails in the release."""
    result = _in_release(release, "import ceasefire.instructor.grade")
    assert result.returncode != 0 and "ModuleNotFoundError" in result.stderr


def test_an_instructor_verb_in_a_release_says_so_in_one_sentence(release, tmp_path):
    import os
    env = dict(os.environ, PYTHONPATH=str(release / "src"), CEASEFIRE_COURSE_ROOT=str(release))
    run = [sys.executable, "-m", "ceasefire.instructor.cli"]
    graded = subprocess.run([*run, "grade", "x.ipynb", "--out", str(tmp_path / "g.csv"), "--feedback", str(tmp_path)],
                            env=env, cwd=release, capture_output=True, text=True, timeout=120)
    assert graded.returncode == 1 and "Traceback" not in graded.stderr
    assert graded.stderr.strip().splitlines() == ["ceasefire: `ceasefire grade` is an instructor tool and is not part "
                                                  "of this student copy of the course."]
    checked = subprocess.run([*run, "data", "check"], env=env, cwd=release, capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stderr


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


DOCTOR_LINE = re.compile(r"^\[(?P<mark>ok|!!)\] (?P<what>[^:]+): (?P<detail>\S.*)$")
VERSION = re.compile(r"^\d+(\.\d+)+\S*$")


def test_doctor_reports_each_check():
    """Every line is `[ok] what: detail` or `[!!] what: detail`, one per check in order; an installed package
    shows a version; the last line and the exit code agree with the number of `!!` lines."""
    from ceasefire.instructor import doctor
    result = _run("doctor")
    *lines, last = result.stdout.splitlines()
    parsed = [DOCTOR_LINE.match(line) for line in lines]
    assert all(parsed), [line for line, m in zip(lines, parsed) if not m]
    names = [m["what"] for m in parsed]
    assert names == ["Python", *doctor.PACKAGES, *(f"JupyterLab extension {e}" for e in doctor.EXTENSIONS),
                     "plotly renderer", "data files", "answer keys"]
    for m in parsed:
        if m["what"] in doctor.PACKAGES and m["mark"] == "ok":
            assert VERSION.match(m["detail"]), m.group(0)
    assert VERSION.match(parsed[0]["detail"].split()[0])
    assert re.fullmatch(r"\d+ questions", dict(zip(names, parsed))["answer keys"]["detail"])
    bad = sum(m["mark"] == "!!" for m in parsed)
    assert last == ("Everything looks right." if not bad else f"{bad} thing(s) need attention (marked !!).")
    assert result.returncode == (1 if bad else 0)


def test_doctor_flags_broken_data(tmp_path, monkeypatch):
    from ceasefire.instructor import doctor
    import shutil
    course = tmp_path / "course"
    shutil.copytree(ROOT / "data", course / "data")
    shutil.copy(ROOT / "course.yml", course / "course.yml")
    (course / "data" / "timeline.csv").unlink()
    monkeypatch.setenv("CEASEFIRE_COURSE_ROOT", str(course))

    # `jupyter labextension list` (seconds) is test_doctor_reports_each_check's business: here it fails
    # at once, and doctor must say so in one line and go on to the data.
    def unlisted(*args, **kwargs):
        raise OSError("no listing in this test")
    monkeypatch.setattr(doctor.subprocess, "run", unlisted)
    found = {what: (ok, detail) for ok, what, detail in doctor.checks()}
    assert found["data files"][0] is False and "timeline.csv is missing" in found["data files"][1]
    assert found["JupyterLab extensions"] == (False, "could not be listed (OSError)")
