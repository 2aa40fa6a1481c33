"""Execute course notebooks and store their outputs, as strict nbval expects to find them.

Outputs are the test oracle (nbval re-runs each notebook and compares), so they are produced by one
function, the same way every time: executed from the notebook's own folder, widget state stripped
(it would hold plotly's 5 MB widget code: display.plotly_widget), metadata normalised.
"""

import os
import tempfile
import time
from pathlib import Path

import nbclient
import nbclient.output_widget
import nbformat

from ceasefire.manifest import load_course
from ceasefire.checking.progress import PROGRESS_ENV

KERNEL = "python3"
CELL_TIMEOUT = 120
# ipykernel 7 warns on every start that its loopback TCP is unencrypted: in a benchmark's table that is
# a screenful of noise per lesson. Errors still reach the terminal.
KERNEL_ARGUMENTS = ["--log-level=ERROR"]

# nbclient 0.11 can stall until the timeout on cells that display an Output widget (interact): its
# emulated Output widget sends a comm message on the shell socket while the client is awaiting a
# reply there (nbclient issues #311/#312). The emulation does not need to sync state back.
nbclient.output_widget.OutputWidget.sync_state = lambda self: None


def course_notebooks(root=None):
    """Every notebook the course ships: lessons in manifest order, then exercises and solutions."""
    course = load_course(root)
    paths = [course.root / lesson.notebook for lesson in course.lessons if lesson.ready]
    for folder in ("exercises", "solutions"):
        paths += sorted((course.root / folder).glob("*.ipynb"))
    return paths


def strip(nb):
    """Remove what must not be committed: stored widget state and per-run execution metadata."""
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python 3 (ipykernel)", "language": "python"}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    return nb


def notebook_client(nb, folder: Path) -> nbclient.NotebookClient:
    """The client that runs `nb` in a fresh course kernel started in `folder` (call .execute())."""
    return nbclient.NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name=KERNEL, extra_arguments=KERNEL_ARGUMENTS,
                                   resources={"metadata": {"path": str(folder)}})


def execute(path: Path, timings: list | None = None):
    """Run a notebook top to bottom from its own folder and return it (outputs in place).
    Answer checks inside it write to a throw-away progress file, never to the maintainer's own.
    Given a list as `timings`, append (cell index, seconds) for each code cell: from sending the cell to
    the kernel until its reply and outputs are in, in this fresh kernel (kernel start-up not included)."""
    nb = nbformat.read(path, as_version=4)
    client = notebook_client(nb, Path(path).parent)
    if timings is not None:
        started = {}
        client.on_cell_execute = lambda cell, cell_index: started.__setitem__(cell_index, time.perf_counter())
        client.on_cell_executed = lambda cell, cell_index, execute_reply: timings.append(
            (cell_index, time.perf_counter() - started[cell_index]))
    with tempfile.TemporaryDirectory() as scratch:
        saved = os.environ.get(PROGRESS_ENV)
        os.environ[PROGRESS_ENV] = str(Path(scratch) / "progress.json")
        try:
            client.execute()
        finally:
            if saved is None:
                os.environ.pop(PROGRESS_ENV, None)
            else:
                os.environ[PROGRESS_ENV] = saved
    return nb


def refresh(path) -> float:
    """Execute `path` and write it back with its new outputs; return the seconds it took."""
    path = Path(path)
    start = time.perf_counter()
    nb = strip(execute(path))
    nbformat.write(nb, path)
    return time.perf_counter() - start


def cell_seconds(path) -> tuple[float, int, float]:
    """Run `path` in a fresh kernel: (first code cell's seconds, index of the slowest other code cell, its
    seconds). What a student waits for after opening a lesson and pressing Shift+Enter."""
    timings = []
    execute(Path(path), timings)
    if not timings:
        raise ValueError(f"{path} has no code cell")
    first = timings[0][1]
    index, slowest = max(timings[1:], key=lambda item: item[1], default=(-1, 0.0))
    return first, index, slowest
