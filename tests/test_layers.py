"""The package's layers import in one direction only (issue 12).

  core (errors, paths, files, manifest, deferred)  <-  data  <-  display  <-  lessons
                                   checking (student side)  <-  instructor
- checking/ runs in every student's kernel on every check(): no plotly, ipywidgets or yaml, and nothing
  from display/, lessons/ or instructor/.
- data/ reads and checks the tables: it draws nothing (no plotly, no display/) and writes no HTML.
- display/ never reaches up into lessons/ or instructor/; lessons/ never into instructor/.
- Nothing in src/ imports the maintainer scripts in tools/ (they are not installed).
Every import counts, including those inside functions and importlib.import_module("...") calls.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "ceasefire"
TOOLS = frozenset(p.stem for p in (ROOT / "tools").glob("*.py")) | {"tools"}

RULES = {
    "checking": {"plotly", "ipywidgets", "yaml", "ceasefire.display", "ceasefire.lessons", "ceasefire.instructor"},
    "lessons": {"ceasefire.instructor"},
    "data": {"ceasefire.display", "ceasefire.lessons", "ceasefire.instructor", "plotly", "ipywidgets", "html"},
    "display": {"ceasefire.lessons", "ceasefire.instructor"},
}
# Markup a data module must not write (the display layer renders; data keeps to words and values).
HTML_TAG = re.compile(r"</?(a|b|i|em|strong|p|br|ul|ol|li|table|thead|tbody|tr|td|th|code|small|span|div|h[1-6])[\s/>]")

def module_name(path: Path, src: Path = SRC) -> str:
    parts = path.relative_to(src.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path: Path, src: Path = SRC) -> set:
    """Every module `path` imports, as dotted names: `from a.b import c` gives a.b and a.b.c."""
    name = module_name(path, src)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:   # relative: resolve against this module's package
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and ((isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                   or (isinstance(node.func, ast.Name) and node.func.id == "__import__"))):
            names.add(node.args[0].value)
    return names


def html_strings(path: Path) -> list:
    return [node.lineno for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and HTML_TAG.search(node.value)]


def _matches(name: str, forbidden: str) -> bool:
    return name == forbidden or name.startswith(forbidden + ".")


def violations(src: Path = SRC) -> set:
    """(module path relative to src/ceasefire, what it must not import or do) for every module under `src`."""
    found = set()
    for path in sorted(src.rglob("*.py")):
        where = path.relative_to(src).as_posix()
        layer = where.split("/")[0] if "/" in where else ""
        names = imported_names(path, src)
        for name in names:
            if name.split(".")[0] in TOOLS or any(_matches(name, f) for f in RULES.get(layer, ())):
                found.add((where, name))
        if layer == "data":
            found.update((where, f"HTML markup, line {line}") for line in html_strings(path))
    return found


def test_no_module_breaks_the_layer_rules():
    broken = sorted(violations())
    assert broken == [], "\n".join(f"{where} must not use {what} (see this test's docstring)" for where, what in broken)


def fake_package(tmp_path, files: dict) -> Path:
    src = tmp_path / "ceasefire"
    for relative, text in files.items():
        path = src / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return src


def test_the_rules_catch_every_kind_of_forbidden_import(tmp_path):
    """Test of the test: a fake package whose modules break each rule once, in each way of importing."""
    src = fake_package(tmp_path, {
        "__init__.py": "",
        "checking/__init__.py": "",
        "checking/keys.py": "def compile():\n    import yaml\n    return yaml\n",             # function-local
        "checking/progress.py": "from ceasefire.display import PALETTE\n",
        "checking/ok.py": "import json\nfrom ceasefire.errors import CourseError\n",
        "data/__init__.py": "from .. import display\n",                                      # relative
        "data/cite.py": 'def link(u):\n    return f\'<a href="{u}">x</a>\'\n',                # renders HTML
        "display/__init__.py": "import importlib\nlessons = importlib.import_module('ceasefire.lessons.x')\n",
        "lessons/x.py": "from ceasefire.instructor import grade\n",
        "manifest.py": "import derive\n",                                                    # a tools/ script
    })
    found = violations(src)
    assert found == {
        ("checking/keys.py", "yaml"),
        ("checking/progress.py", "ceasefire.display"), ("checking/progress.py", "ceasefire.display.PALETTE"),
        ("data/__init__.py", "ceasefire.display"),
        ("data/cite.py", "HTML markup, line 2"),
        ("display/__init__.py", "ceasefire.lessons.x"),
        ("lessons/x.py", "ceasefire.instructor"), ("lessons/x.py", "ceasefire.instructor.grade"),
        ("manifest.py", "derive"),
    }


def test_allowed_imports_pass(tmp_path):
    src = fake_package(tmp_path, {
        "checking/checks.py": "from ceasefire.checking import answers\nimport ceasefire.errors\n",
        "data/tables.py": "import pandas as pd\nfrom ceasefire.paths import data_dir\nMESSAGE = 'a < b, c > d'\n",
        "display/maps.py": "import plotly.graph_objects as go\nfrom ceasefire import data\n",
        "lessons/l.py": "from ceasefire.display import show\nfrom ceasefire.checking import checks\n",
        "instructor/grade.py": "from ceasefire.lessons import l\nimport yaml\n",
    })
    assert violations(src) == set()
