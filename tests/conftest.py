import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture()
def data_copy(tmp_path):
    """A private copy of data/ that a test may break without touching the real files."""
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target, ignore=shutil.ignore_patterns("README.md"))
    return target


def edit_csv(path: Path, old: str, new: str, count: int = 1):
    """Replace text in a CSV fixture, failing loudly if the text to break is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


@pytest.fixture(scope="session")
def playwright_driver():
    """One Playwright driver per test process, shared by the browser test files: the sync API refuses to
    start a second one while another runs, and pytest-xdist may put two browser files on one worker."""
    from playwright.sync_api import sync_playwright

    driver = sync_playwright().start()
    yield driver
    driver.stop()


def _browser_helpers():
    """tests/browser/lab.py, the module the browser test files import as `lab` (one module object)."""
    folder = str(ROOT / "tests" / "browser")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    import lab
    return lab


@pytest.fixture(scope="session")
def chromium(playwright_driver):
    """One headless Chromium per test process, started by the first browser test that needs it; each
    browser test file opens its own context in it (lab.new_context: no cookies or storage shared)."""
    browser = _browser_helpers().launch_browser(playwright_driver)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def shared_lab(tmp_path_factory):
    """One JupyterLab per test process (a server costs seconds of CPU to start), started by the first
    browser test file that needs it. Each file works in a course copy of its own (`shared_lab.in_folder`):
    its own notebooks, kernel sessions and progress file."""
    lab = _browser_helpers()
    tmp = tmp_path_factory.mktemp("shared-lab")
    server = lab.start_lab(tmp / "site", tmp / "home", progress_file=False)
    yield server
    server.stop()


# The slowest test files, slowest first (measured on 2 cores; browser, end-to-end and server tests). pytest-xdist
# (`python run.py test`: -n 2 --dist loadfile) hands files to its workers one at a time, in collection order
# (pyproject's addopts turn off xdist's own reordering by number of tests, which put these last: few tests,
# long ones). Handing out the longest first keeps two of them from ending the run one after the other while
# the other worker idles; the many short files and notebooks fill the gaps.
LONGEST_FIRST = (
    "tests/browser/test_notebooks_in_lab.py",
    "tests/test_binder.py",
    "tests/browser/test_keyboard.py",
    "tests/test_grade.py",
    "tests/test_launcher.py",
    "tests/test_hub.py",
    "tests/browser/test_browser.py",
    "tests/test_grade_parity.py",
    "tests/test_imports.py",
    "tests/test_errors.py",
    "tests/test_feedback.py",
    "tests/test_instructor.py",
    "tests/test_grade_fidelity.py",
    "tests/test_notebooks.py",
    "tests/test_report.py",
    "tests/test_collect.py",
    "tests/browser/test_feedback_page.py",
)


def longest_first(items, order=LONGEST_FIRST):
    """`items` with the files of `order` first, in that order, then the notebooks (strict nbval, seconds each),
    then the rest; each file's own tests keep their order (a stable sort)."""
    rank = {name: place for place, name in enumerate(order)}

    def place(item):
        path = item.nodeid.split("::", 1)[0]
        return rank.get(path, len(rank) + (0 if path.endswith(".ipynb") else 1))
    return sorted(items, key=place)


def pytest_collection_modifyitems(config, items):
    items[:] = longest_first(items)
