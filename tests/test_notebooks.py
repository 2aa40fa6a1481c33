"""Committed notebooks are small, deterministic and carry real outputs; strict nbval catches changes."""

import json
import os
import shutil
import subprocess
import sys

import nbformat
import pytest

from ceasefire.instructor.notebooks import cell_seconds, course_notebooks, strip
from conftest import ROOT

NOTEBOOKS = course_notebooks(ROOT)
PLOTLY = "application/vnd.plotly.v1+json"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_committed_notebook_is_clean(path):
    assert path.stat().st_size < 1_000_000, "keep notebooks under 1 MB"
    raw = path.read_text(encoding="utf-8")
    assert "window.PlotlyConfig" not in raw and "plotly.js v" not in raw, "plotly.js must not be embedded"
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert "widgets" not in nb.metadata, "stored widget state must be stripped (make outputs)"
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), "run top to bottom once"
    for cell in code:
        for output in cell.outputs:
            assert output.output_type != "error", f"error output in: {cell.source[:60]}"
            assert output.get("name") != "stderr", f"stderr output in: {cell.source[:60]}"
            if PLOTLY in output.get("data", {}):
                assert set(output["data"]) == {PLOTLY}, "figures use the mimetype renderer only"


def test_strip_removes_widget_state_and_execution_timing():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nb.cells[0].metadata["execution"] = {"iopub.execute_input": "2026-01-01T00:00:00"}
    strip(nb)
    assert "widgets" not in nb.metadata and "execution" not in nb.cells[0].metadata


def test_widget_cells_are_tagged_for_nbval():
    """nbval cannot see inside a widget: cells that display one carry the ignore tag, and only those."""
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            shows_widget = any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in cell.outputs)
            tagged = "nbval-ignore-output" in cell.metadata.get("tags", [])
            assert shows_widget == tagged, f"{path.name}: {cell.source[:50]!r}"


def _run_nbval(*paths):
    # an empty progress file of its own, as the root conftest gives each notebook: the stored progress
    # figure must not depend on what the tests run before this one in the same process recorded
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", CEASEFIRE_COURSE_ROOT=str(ROOT),
               CEASEFIRE_PROGRESS=str(paths[0].parent / "progress.json"))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider", "-p", "no:xdist", "--nbval",
         "--nbval-current-env", "--nbval-sanitize-with", str(ROOT / "nbval-sanitize.cfg"), "-o", "addopts=",
         "--rootdir", str(paths[0].parent), *map(str, paths)],
        capture_output=True, text=True, cwd=paths[0].parent, env=env, timeout=300)


@pytest.mark.slow
def test_strict_nbval_fails_when_a_stored_output_changes(tmp_path):
    """Copy the start-here notebook (it finds the course through CEASEFIRE_COURSE_ROOT), change one stored
    figure title, and nbval must fail on exactly that cell: every other cell of the copy passes, so the
    failure is about the change (the untouched notebook itself passes strict nbval in the main run)."""
    source = ROOT / "lessons" / "00-start-here.ipynb"
    folder = tmp_path / "probe"
    folder.mkdir()
    try:
        bad = folder / "bad.ipynb"
        nb = json.loads(source.read_text(encoding="utf-8"))
        changed = False
        for cell in nb["cells"]:
            for output in cell.get("outputs", []):
                figure = output.get("data", {}).get(PLOTLY)
                if figure and not changed:
                    figure["layout"]["title"]["text"] += " (edited)"
                    changed = True
        assert changed, "the start-here notebook should store at least one figure"
        bad.write_text(json.dumps(nb), encoding="utf-8")
        code_cells = sum(cell["cell_type"] == "code" for cell in nb["cells"])
        run = _run_nbval(bad)
        assert run.returncode == 1, run.stdout[-2000:]
        failures = [line for line in run.stdout.splitlines() if line.startswith("FAILED ")]
        # exactly the edited figure's cell fails, on the figure's JSON; every other cell passes
        assert f"1 failed, {code_cells - 1} passed" in run.stdout, run.stdout[-2000:]
        assert len(failures) == 1 and "bad.ipynb::Cell" in failures[0], run.stdout[-2000:]
        assert "mismatch 'application/vnd.plotly.v1+json'" in run.stdout
    finally:
        shutil.rmtree(folder)


@pytest.mark.slow
def test_the_bench_times_each_cell_in_a_quiet_fresh_kernel(tmp_path, capfd):
    """cell_seconds (the bench's per-lesson figures) names the slowest cell after the first by its index in
    the notebook, Markdown counted, and the kernel's start-up warnings stay out of the bench's table."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Probe"), nbformat.v4.new_code_cell("import time"),
                nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_markdown_cell("A pause:"),
                nbformat.v4.new_code_cell("time.sleep(0.3)"), nbformat.v4.new_code_cell("y = 2")]
    path = tmp_path / "probe.ipynb"
    nbformat.write(nb, path)
    first, index, slowest = cell_seconds(path)
    assert index == 4 and slowest >= 0.3, (first, index, slowest)
    err = capfd.readouterr().err
    assert "without encryption" not in err and "WARNING" not in err, err[-2000:]
