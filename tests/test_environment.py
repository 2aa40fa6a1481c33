"""One set of pins: requirements/course.lock for pip, environment.yml for conda and Binder."""

import yaml

from binder_environment import (drift, environment_pins, normalise, parse_lock, render_environment_yml)
from conftest import ROOT

LOCK = (ROOT / "requirements" / "course.lock").read_text()
TEST_LOCK = (ROOT / "requirements" / "test.lock").read_text()
ENV_TEXT = (ROOT / "environment.yml").read_text()
ENV = yaml.safe_load(ENV_TEXT)


def test_environment_yml_has_the_same_pins_as_the_lock():
    assert drift(parse_lock(LOCK), environment_pins(ENV)) == []
    assert render_environment_yml(LOCK) == ENV_TEXT, "environment.yml is stale: run `make lock`"


def test_drift_is_detected():
    lock = parse_lock(LOCK)
    env = dict(lock, plotly="6.0.0")
    del env["anywidget"]
    problems = drift(lock, env)
    assert "plotly: lock has 7.1.0, environment.yml has 6.0.0" in problems
    assert "anywidget: lock has 0.11.0, environment.yml has nothing" in problems


def test_the_stack_is_pinned_including_anywidget():
    lock = parse_lock(LOCK)
    for name, version in {"jupyterlab": "4.6.6", "ipywidgets": "8.1.9", "anywidget": "0.11.0", "plotly": "7.1.0",
                          "pandas": "3.1.1"}.items():
        assert lock[name] == version
    assert parse_lock(TEST_LOCK)["nbval"] == "0.11.0"


def test_test_lock_adds_to_the_course_lock_without_conflict():
    course, test = parse_lock(LOCK), parse_lock(TEST_LOCK)
    assert set(course) & set(test) == set()


def test_environment_yml_is_binder_ready():
    assert ENV["channels"] == ["conda-forge"]
    deps = ENV["dependencies"]
    assert "python=3.11" in deps and "pip" in deps
    pip_items = next(d["pip"] for d in deps if isinstance(d, dict))
    assert not any(item.startswith(("-e", ".", "/")) for item in pip_items), "no local paths in environment.yml"
    post = (ROOT / "postBuild").read_text()
    assert "pip install --no-deps -e ." in post


def test_lock_parser_rejects_loose_lines():
    import pytest
    with pytest.raises(ValueError, match="line 2 is not an exact pin"):
        parse_lock("a==1\nplotly>=6\n")
    assert normalise("PyYAML") == normalise("pyyaml") and normalise("jupyter_core") == "jupyter-core"


# --- lint_environment: the environment.yml mistakes `repo2docker --no-build` lets through --------------

from binder_environment import lint_environment  # noqa: E402

GOOD = "channels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - pip\n  - pip:\n      - plotly==7.1.0\n"


def _one(problems, *words):
    """Exactly one problem, and it names the mistake in words a course author can act on."""
    assert len(problems) == 1, problems
    for word in words:
        assert word in problems[0], (word, problems[0])
    return problems[0]


def test_the_committed_environment_yml_lints_clean():
    assert lint_environment(ENV_TEXT) == []
    assert lint_environment(render_environment_yml(LOCK)) == []
    assert lint_environment(GOOD) == []


def test_lint_catches_a_yaml_error():
    _one(lint_environment(GOOD + "  - [unclosed\n"), "not valid YAML", "line")


def test_lint_catches_a_top_level_that_is_not_a_mapping():
    _one(lint_environment("- python=3.11\n- pip\n"), "top level must be a mapping", "list")
    _one(lint_environment(""), "top level must be a mapping", "empty")


def test_lint_catches_pip_at_the_top_level():
    text = "channels: [conda-forge]\ndependencies:\n  - python=3.11\n  - pip\npip:\n  - plotly==7.1.0\n"
    _one(lint_environment(text), "'pip:' is at the top level")


def test_lint_catches_a_pip_list_without_pip():
    _one(lint_environment(GOOD.replace("  - pip\n", "", 1)), "'pip' is not among the dependencies")
    # a channel-qualified or versioned pip counts
    assert lint_environment(GOOD.replace("  - pip\n", "  - conda-forge::pip>=24\n", 1)) == []


def test_lint_catches_local_paths_in_the_pip_list():
    for entry, path in (("-e .", "."), ("-e ./nope", "./nope"), ("--editable=.", "."), ("-r requirements.txt",
                        "requirements.txt"), ("file:///srv/course", "file:///srv/course"), ("/srv/wheel.whl",
                        "/srv/wheel.whl")):
        _one(lint_environment(GOOD + f"      - {entry}\n"), f"'{entry}' in the pip list", f"({path})", "postBuild")
    # URLs of published packages and plain pins are not local
    assert lint_environment(GOOD + "      - git+https://github.com/o/r@v1\n      - pandas==3.1.1\n") == []


def test_lint_catches_local_or_pip_style_entries_among_the_conda_dependencies():
    for entry in ("-e .", "./src", "-r requirements.txt"):
        _one(lint_environment(GOOD.replace("  - pip\n", f"  - pip\n  - {entry}\n", 1)),
             f"'{entry}' is a pip-style or local entry among the conda dependencies")


def test_lint_catches_relative_paths_in_a_binder_folder_environment():
    text = GOOD + "      - -e .\n"
    message = _one(lint_environment(text, path="binder/environment.yml"), "binder/environment.yml",
                   "resolved from binder/", "postBuild")
    assert "'-e .' there means binder/" in message
    _one(lint_environment(GOOD + "      - -e ..\n", path=".binder/environment.yml"), "resolved from .binder/")


def test_lint_catches_dependencies_given_as_a_string():
    _one(lint_environment("channels: [conda-forge]\ndependencies: python=3.11 pip\n"),
         "'dependencies:' must be a list", "str")
    _one(lint_environment("channels: [conda-forge]\nname: x\n"), "no 'dependencies:' list")


def test_lint_catches_a_missing_or_unreadable_python_pin():
    _one(lint_environment(GOOD.replace("  - python=3.11\n", "", 1)), "no python pin", "python=3.11")
    _one(lint_environment(GOOD.replace("python=3.11", "python", 1)), "'python' is not a pin")
    # repo2docker reads only python=X.Y / python==X.Y: a range falls back to its default Python
    _one(lint_environment(GOOD.replace("python=3.11", "python>=3.11", 1)), "'python>=3.11' is not a pin")
    assert lint_environment(GOOD.replace("python=3.11", "python==3.11", 1)) == []
    assert lint_environment(GOOD.replace("python=3.11", "conda-forge::python=3.11", 1)) == []


def test_lint_catches_a_missing_channel():
    _one(lint_environment(GOOD.replace("channels:\n  - conda-forge\n", "", 1)), "no channel")
    _one(lint_environment(GOOD.replace("channels:\n  - conda-forge\n", "channels: []\n", 1)), "no channel")
    _one(lint_environment(GOOD.replace("channels:\n  - conda-forge\n", "channels: conda-forge\n", 1)),
         "'channels:' must be a list")


def test_lint_reports_every_mistake_at_once():
    text = "dependencies:\n  - -e .\n  - pip:\n      - -e .\npip:\n  - x\n"
    problems = lint_environment(text)
    assert len(problems) == 6, problems
    for words in ("'pip:' is at the top level", "no channel", "no python pin", "'pip' is not among",
                  "among the conda dependencies", "in the pip list"):
        assert any(words in p for p in problems), words
