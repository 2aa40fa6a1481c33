"""What a lesson's first cell imports (issue 13): the first cell of every lesson must not load plotly's
renderer machinery, nor nbformat and jsonschema that it drags in (about 3 s in a fresh kernel, most of
it jsonschema compiling an IRI grammar). This checks WHICH modules are loaded, in a fresh interpreter,
not how long anything takes; `make bench` prints the times."""

import json
import os
import subprocess
import sys

import nbformat
from ceasefire.manifest import load_course
from conftest import ROOT

COURSE = load_course(ROOT)
READY = [lesson for lesson in COURSE.lessons if lesson.ready]
FORBIDDEN = ("jsonschema", "nbformat", "plotly.io._renderers", "rfc3987_syntax", "lark")
LESSON_MODULES = ("lessons.lesson05_aftermath", "lessons.lesson02_agreement", "display.article",
                  "lessons.lesson03_casualties", "course", "data", "display", "lessons.lesson03_durability",
                  "display.timeline", "lessons.lesson04_interests", "display.maps", "lessons.lesson01_reading",
                  "data.sourcing", "display.explorer", "checking.checks", "checking.progress",
                  "lessons.lesson03_deaths", "lessons.lesson03_rates", "lessons.lesson04_record",
                  "lessons.lesson05_periods", "errors")

# Runs in a fresh interpreter with an IPython shell, so display() goes through IPython's formatters as in a
# kernel; prints the forbidden modules that got loaded.
PROBE = """
import json, sys
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
shell.display_pub.publish = lambda *args, **kwargs: None   # keep the probe's stdout for its answer
{body}
real = [name for name, module in list(sys.modules.items()) if getattr(module, "__file__", None)]  # not a stand-in
print(json.dumps(sorted(name for name in real if name.split(".")[0] in {roots} or name in {names})))
"""


def loaded(body: str, cwd=ROOT) -> list[str]:
    code = PROBE.format(body=body, roots=set(name.split(".")[0] for name in FORBIDDEN if "." not in name),
                        names=set(FORBIDDEN))
    result = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_probe_sees_a_forbidden_import():
    """The check can fail: plotly's own renderers do load nbformat and jsonschema."""
    assert {"nbformat", "jsonschema", "plotly.io._renderers"} <= set(loaded("import plotly.io as pio; pio.renderers"))


def test_importing_lesson_modules_and_running_every_lessons_first_cell_loads_none_of_them():
    """Every lesson module imported, then each lesson's real first cell run (from lessons/, as in a kernel),
    then a figure shown with show(): one fresh interpreter for all (the union of what they load)."""
    body = "\n".join(f"import ceasefire.{name}" for name in LESSON_MODULES) + "\n"
    for lesson in READY:
        nb = nbformat.read(ROOT / lesson.notebook, as_version=4)
        body += next(cell.source for cell in nb.cells if cell.cell_type == "code") + "\n"
    body += ("from ceasefire import display as _display, data as _data\n"
             "from ceasefire.display import timeline as _timeline\n"
             "_display.show(_timeline.timeline_figure(_data.timeline()))\n")
    assert {(ROOT / lesson.notebook).parent for lesson in READY} == {ROOT / "lessons"}
    assert loaded(body, cwd=ROOT / "lessons") == []


def test_show_gives_exactly_the_mimetype_renderers_bundle():
    """show() builds the bundle itself; it must be what plotly's plotly_mimetype renderer gives."""
    import plotly.io as pio

    from ceasefire import data, display
    from ceasefire.display import timeline as figures

    fig = figures.timeline_figure(data.timeline())
    ours = display.mimebundle(fig)
    assert set(ours) == {display.MIMETYPE}
    assert ours == pio.renderers["plotly_mimetype"].to_mimebundle(fig.to_dict())
    assert "PlotlyConfig" not in json.dumps(ours)


def test_jsonschema_compiles_its_iri_grammar_only_when_an_iri_is_checked():
    """display.defer_iri_grammar: the first FigureWidget (plotly renderers -> nbformat -> jsonschema) no longer
    compiles rfc3987_syntax's grammar; IRI validation still gives the same answers, loading it then."""
    code = """
import json, sys
import ceasefire.display
import nbformat, jsonschema
before = "lark" in sys.modules
checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
v = jsonschema.Draft202012Validator({"format": "iri"}, format_checker=checker)
r = jsonschema.Draft202012Validator({"format": "iri-reference"}, format_checker=checker)
print(json.dumps([before, v.is_valid("http://example.org/p?q=1#f"), v.is_valid("http://exa mple"),
                  v.is_valid("relative/path"), r.is_valid("relative/path"), "lark" in sys.modules,
                  hasattr(sys.modules["rfc3987_syntax"], "__file__")]))
"""
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [False, True, False, False, True, True, True]


def test_an_explorer_loads_neither_nbformat_nor_jsonschema():
    """deferred.figure_widget_class: a lesson's first explorer (plotly.basewidget -> plotly.io._renderers ->
    nbformat -> jsonschema) now loads neither. plotly's renderers themselves are loaded: the widget needs them."""
    body = ("from ceasefire import data\nfrom ceasefire.display.explorer import TimelineExplorer\n"
            "explorer = TimelineExplorer(data.timeline())\nexplorer.years.value = (2015, 2016)\n")
    assert loaded(body) == ["plotly.io._renderers"]


def test_plain_plotly_widgets_still_load_nbformat():
    """Why the stand-in exists, and the sign to remove it: when this fails, plotly no longer imports nbformat
    for its widget (plotly/plotly.py#4856) and ceasefire.deferred.figure_widget_class can be a plain import."""
    assert {"nbformat", "jsonschema"} <= set(loaded("from plotly.graph_objs import FigureWidget"))


def test_after_the_stand_in_nbformat_and_plotlys_own_show_work_as_before():
    """A student's fig.show() is the stand-in's first use: plotly's version check reaches the real nbformat.
    Importing nbformat or its submodules later gets the real module, never the stand-in."""
    code = """
import json, sys
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
shown = []
shell.display_pub.publish = lambda data, *args, **kwargs: shown.append(sorted(data))
from ceasefire.deferred import figure_widget_class
import plotly.graph_objects as go
widget = figure_widget_class()(go.Figure(go.Bar(y=[1, 2])))
before = "nbformat" in sys.modules
import plotly.io._renderers as renderers
go.Figure(go.Bar(y=[3])).show(renderer="plotly_mimetype")   # a student's fig.show()
import nbformat.v4, nbformat
print(json.dumps([before, shown, renderers.nbformat.__version__ == nbformat.__version__,
                  hasattr(nbformat, "__file__"), nbformat.v4.new_notebook().nbformat]))
"""
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        False, [["application/vnd.plotly.v1+json"]], True, True, 4]


def test_every_pytest_process_defers_the_iri_grammar_and_keeps_rewritten_tests(tmp_path):
    """pyproject's addopts loads ceasefire.pytest_startup before the other plugins. With it, nbval's import of
    nbformat does not compile the grammar at start-up, and a test module's rewritten asserts are kept as
    byte code even where PYTHONDONTWRITEBYTECODE is set; without it (the control), neither. The test module
    is a new one in its own folder, so that only that run can have written its byte code (the installed
    packages' byte code is used as it is: a fresh cache prefix would compile them all, ~5 s of CPU a run)."""
    code = """
import io, contextlib, json, sys, pytest
with contextlib.redirect_stdout(io.StringIO()):
    pytest.main(sys.argv[1:] + ["--co", "-q", "-p", "no:randomly", "-c", "pyproject.toml", "--rootdir", "."])
print(json.dumps("lark" in sys.modules))
"""
    def start(name, *args):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "test_kept.py").write_text("def test_kept():\n    assert 1 + 1 == 2\n")
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        result = subprocess.run([sys.executable, "-c", code, *args, str(folder / "test_kept.py")], cwd=ROOT,
                                capture_output=True, text=True, timeout=120, env=env)
        assert result.returncode == 0, result.stderr
        kept = [p.name for p in folder.rglob("test_kept*.pyc")]
        return json.loads(result.stdout.strip().splitlines()[-1]), kept

    lark, kept = start("project")
    assert lark is False and kept and all("pytest" in name for name in kept), kept
    assert start("control", "-o", "addopts=--nbval") == (True, [])
