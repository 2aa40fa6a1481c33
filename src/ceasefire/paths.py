"""Where the course lives on disk.

Notebooks run with their own folder as the working directory (lessons/, exercises/ ...), tests run from
the repository root, and the package is installed in editable mode, so the root is found by looking
for the manifest rather than by assuming a working directory.
"""

import os
from pathlib import Path

from ceasefire.errors import CourseError

MANIFEST_NAME = "course.yml"
ROOT_ENV = "CEASEFIRE_COURSE_ROOT"


def course_root(start=None) -> Path:
    """The folder holding course.yml: $CEASEFIRE_COURSE_ROOT, else the nearest parent of `start`
    (default: the working directory), else the checkout this package was installed from."""
    override = os.environ.get(ROOT_ENV)
    if override:
        root = Path(override).expanduser().resolve()
        if not (root / MANIFEST_NAME).is_file():
            raise CourseError(f"{ROOT_ENV} is set to {root}, but there is no {MANIFEST_NAME} there.")
        return root
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MANIFEST_NAME).is_file():
            return folder
    installed_from = Path(__file__).resolve().parents[2]
    if (installed_from / MANIFEST_NAME).is_file():
        return installed_from
    raise CourseError(
        f"Could not find the course folder (the one with {MANIFEST_NAME}) above {here}. "
        f"Open the notebook from inside the course folder, or set {ROOT_ENV}.")


def data_dir(root=None) -> Path:
    return Path(root or course_root()) / "data"
