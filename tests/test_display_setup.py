"""display.setup() runs once, when ceasefire.display is imported (the reason is at the call)."""

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "ceasefire"
SETUP_MODULE = SRC / "display" / "__init__.py"


def setup_calls(path: Path) -> list:
    """Lines of `path` that call setup() or display.setup()."""
    calls = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name == "setup":
                calls.append(node.lineno)
    return calls


def test_only_the_display_package_calls_setup_and_only_once():
    calls = {p.relative_to(SRC).as_posix(): setup_calls(p) for p in SRC.rglob("*.py")}
    calls = {where: lines for where, lines in calls.items() if lines and not where.startswith("instructor/doctor")}
    assert list(calls) == ["display/__init__.py"] and len(calls["display/__init__.py"]) == 1, calls


def test_the_scan_sees_a_repeated_call(tmp_path):
    """Test of the test."""
    module = tmp_path / "figure.py"
    module.write_text("from ceasefire import display\ndef f():\n    display.setup()\n    setup()\n", encoding="utf-8")
    assert setup_calls(module) == [3, 4]


def test_a_lesson_figure_gets_the_course_defaults_without_calling_setup():
    """In a fresh process: import a lesson module, build a figure, load plotly's renderers afterwards."""
    code = ("from ceasefire import data\nfrom ceasefire.display import timeline\nimport plotly.io as pio\n"
            "fig = timeline.timeline_figure(data.timeline())\n"
            "print(pio.templates.default, pio.renderers.default, fig.layout.template.layout.font.family)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.split() == ["ceasefire", "plotly_mimetype", "Arial,", "sans-serif"]
