"""The README's two commands, and the CI script that must call the test one (the launcher itself: test_launcher.py)."""

import subprocess

import pytest

from ceasefire.instructor import cli
from conftest import ROOT, SHARED

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_names_the_two_commands_and_ci_runs_the_test_one():
    assert "python run.py lab" in README and "python run.py test" in README
    ci = (ROOT / ".ci" / "run").read_text()
    commands = [line.strip() for line in ci.splitlines() if line.strip() and not line.strip().startswith("#")]
    assert "python3 run.py test" in commands, ".ci/run must call the README's test command"
    assert "export CEASEFIRE_REQUIRE_BROWSER=1 CEASEFIRE_REQUIRE_HUB=1" in commands


def test_the_makefile_is_only_an_alias_for_the_launcher():
    makefile = (ROOT / "Makefile").read_text()
    assert "$(PYTHON) run.py lab" in makefile and "$(PYTHON) run.py test" in makefile
    assert "pip install" not in makefile and "jupyter lab" not in makefile


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
