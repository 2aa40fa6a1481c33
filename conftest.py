"""pytest set-up shared by the unit tests and strict nbval on the notebooks."""

import os
import tempfile
from pathlib import Path

import pytest

# Answer checks record progress; tests and notebook runs must never touch a student's real file.
_SCRATCH = Path(tempfile.mkdtemp(prefix="ceasefire-test-"))
os.environ["CEASEFIRE_PROGRESS"] = str(_SCRATCH / "progress.json")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """nbval starts one kernel per notebook, when the notebook's first cell is set up; give each notebook
    its own empty progress file so a notebook's stored outputs never depend on which ran before it."""
    if item.nodeid.endswith(".ipynb") or ".ipynb::" in item.nodeid:
        name = item.nodeid.split("::")[0].replace("/", "_")
        os.environ["CEASEFIRE_PROGRESS"] = str(_SCRATCH / f"{name}.json")
