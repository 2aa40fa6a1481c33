import shutil
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


# The slowest test files, slowest first (measured on 2 cores; browser, end-to-end and server tests). pytest-xdist
# (`python run.py test`: -n 2 --dist loadfile) hands files to its workers one at a time, in collection order
# (pyproject's addopts turn off xdist's own reordering by number of tests, which put these last: few tests,
# long ones). Handing out the longest first keeps two of them from ending the run one after the other while
# the other worker idles; the many short files and notebooks fill the gaps.
LONGEST_FIRST = (
    "tests/browser/test_browser.py",
    "tests/browser/test_accessibility.py",
    "tests/test_binder.py",
    "tests/browser/test_keyboard.py",
    "tests/test_launcher.py",
    "tests/test_hub.py",
    "tests/test_grade.py",
    "tests/test_notebooks.py",
    "tests/test_grade_parity.py",
    "tests/browser/test_table_alignment.py",
    "tests/browser/test_feedback_page.py",
    "tests/test_collect.py",
    "tests/test_instructor.py",
    "tests/test_imports.py",
    "tests/test_feedback.py",
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
