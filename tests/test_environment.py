"""One set of pins: requirements/course.lock for pip, environment.yml for conda and Binder."""

import yaml

from ceasefire.environment import (drift, environment_pins, normalise, parse_lock, render_environment_yml)
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
