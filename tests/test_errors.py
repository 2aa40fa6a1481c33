"""A CourseError in a notebook shows as its message alone (errors.friendly_messages, registered by the first
cell of every lesson and exercise); any other exception keeps IPython's traceback.

Each probe runs in a fresh interpreter with a real IPython InteractiveShell, so that the shell (a singleton)
never leaks into other tests; it prints, as JSON, what each cell showed and the error it ended with."""

import json
import subprocess
import sys

import nbformat
import pytest

from ceasefire import errors
from ceasefire.manifest import load_course
from conftest import ROOT

PROBE = """
import contextlib, io, json
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

config = Config()
config.InteractiveShell.colors = "nocolor"
config.HistoryManager.hist_file = ":memory:"
shell = InteractiveShell.instance(config=config)
shell.display_pub.publish = lambda *args, **kwargs: None   # Markdown of course.opening: not under test
shown = []
for cell in json.loads({cells!r}):
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        result = shell.run_cell(cell)
    error = result.error_in_exec
    shown.append({{"output": out.getvalue(), "error": type(error).__name__ if error else None,
                  "handled": [c.__name__ for c in shell.custom_exceptions]}})
print(json.dumps(shown))
"""

OPEN = 'from ceasefire import course\ncourse.opening("03-february-failure")'
BACKWARDS = ('from ceasefire import data\nfrom ceasefire.lessons import lesson03_casualties as casualties\n'
             'casualties.daily_deaths_figure(data.deaths_daily(), "2016-08-31", "2016-06-01")')
BACKWARDS_MESSAGE = "The days run backwards: 2016-06-01 is before 2016-08-31; give the earlier day first."


def run_cells(*cells, cwd=ROOT / "lessons"):
    code = PROBE.format(cells=json.dumps(list(cells)))
    result = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_course_error_from_package_code_shows_as_its_message_alone():
    opened, failed = run_cells(OPEN, BACKWARDS)
    assert opened["error"] is None and opened["handled"] == ["CourseError"]
    assert failed["error"] == "CourseError"
    assert failed["output"].strip() == BACKWARDS_MESSAGE          # one line: no traceback, no file paths


def test_without_the_opening_cell_the_same_error_shows_a_traceback():
    """Test of the test: the probe does see a traceback when no handler is registered."""
    (failed,) = run_cells(BACKWARDS)
    assert failed["error"] == "CourseError" and failed["handled"] == []
    assert "Traceback" in failed["output"] and "lesson03_deaths.py" in failed["output"]
    assert BACKWARDS_MESSAGE in failed["output"]


def test_other_exceptions_keep_their_traceback():
    _, failed = run_cells(OPEN, 'def parse(text):\n    return int(text)\nparse("twelve")')
    assert failed["error"] == "ValueError"
    assert "Traceback" in failed["output"] and "parse" in failed["output"]
    assert "invalid literal for int() with base 10: 'twelve'" in failed["output"]


def test_a_data_error_shows_its_list_of_problems():
    _, failed = run_cells(OPEN, 'from ceasefire.errors import DataError\nraise DataError(["a.csv, line 3: x", "b"])')
    assert failed["output"].strip().splitlines() == ["Course data files have 2 problems:", "- a.csv, line 3: x", "- b"]


def test_registering_twice_shows_the_message_once_and_keeps_a_foreign_handler():
    cells = run_cells(OPEN, OPEN, BACKWARDS)
    assert cells[2]["output"].strip() == BACKWARDS_MESSAGE
    foreign = ("shell = get_ipython()\nshell.set_custom_exc((KeyError,), lambda *a, **k: print('theirs'))\n"
               "from ceasefire import errors\nerrors.friendly_messages()")
    cells = run_cells(foreign, "{}['x']", BACKWARDS)
    assert cells[0]["handled"] == ["KeyError"] and cells[1]["output"].strip() == "theirs"
    assert "Traceback" in cells[2]["output"]


def test_outside_ipython_it_does_nothing():
    from IPython import get_ipython
    assert get_ipython() is None                      # pytest is plain Python
    assert errors.friendly_messages() is None


class _Shell:
    """Stands in for IPython's shell: records what would be shown."""
    custom_exceptions = ()

    def set_custom_exc(self, exc_tuple, handler):
        self.custom_exceptions, self.handler = exc_tuple, handler

    def _showtraceback(self, etype, value, stb):
        self.shown = stb


def test_the_handler_shows_the_message_or_at_least_the_error_name():
    shell = _Shell()
    errors.friendly_messages(shell)
    assert shell.custom_exceptions == (errors.CourseError,)
    shell.handler(shell, errors.CourseError, errors.CourseError("Give a date."), None)
    assert shell.shown == ["Give a date."]
    shell.handler(shell, errors.CourseError, errors.CourseError(), None)
    assert shell.shown == ["CourseError"]


def _first_code_cell(path):
    nb = nbformat.read(path, as_version=4)
    return next(c.source for c in nb.cells if c.cell_type == "code")


NOTEBOOKS = [lesson.notebook for lesson in load_course(ROOT).lessons if lesson.ready] + sorted(
    p.relative_to(ROOT) for folder in ("solutions", "exercises") for p in (ROOT / folder).glob("*.ipynb"))


def test_every_lesson_and_exercise_first_cell_turns_the_friendly_messages_on():
    """All notebooks' first cells in one interpreter: the shell is reset to no handler before each."""
    cells = []
    for notebook in NOTEBOOKS:
        cells += ["get_ipython().set_custom_exc((), None)", _first_code_cell(ROOT / notebook)]
    shown = run_cells(*cells)
    for notebook, (reset, first) in zip(NOTEBOOKS, zip(shown[::2], shown[1::2])):
        assert reset["handled"] == [], notebook
        assert first["error"] is None and first["handled"] == ["CourseError"], (notebook, first)


@pytest.mark.parametrize("folder", ["solutions", "exercises"])
def test_the_check_fails_for_a_first_cell_without_the_call(folder):
    """Test of the test: a first cell that only imports leaves IPython's tracebacks on."""
    (first,) = run_cells("from ceasefire import data\nfrom ceasefire.checking.checks import check, watch",
                         cwd=ROOT / folder)
    assert first["error"] is None and first["handled"] == []
