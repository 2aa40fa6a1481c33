"""A student release: what students receive, without solutions/, plain answers or instructor tools.

It holds the lessons, the exercises, the data, the package (with hashed keys only), the manifest, the
README, the launcher and the environment files, so `python run.py lab` works in it. It leaves out
solutions/, tests/, bench/, tools/, instructors/ and CI, and from the package every instructor module
(grading, collecting, feedback, exports, reports, key compilation ...). Of ceasefire.instructor only the
`ceasefire` command and `ceasefire doctor` ship: an instructor verb run in a release says in one sentence
that it is not part of the student copy (ceasefire.instructor.cli).
"""

import shutil
from pathlib import Path

from ceasefire.errors import CourseError

INCLUDE = ("README.md", "run.py", "course.yml", "environment.yml", "postBuild", "pyproject.toml", "Makefile",
           "requirements", "lessons", "exercises", "data", "src")
# What of ceasefire/instructor students get: an allow-list, so a new instructor module stays out by default.
STUDENT_TOOLS = ("__init__.py", "cli.py", "doctor.py")
INSTRUCTOR_PACKAGE = Path("src", "ceasefire", "instructor")
# Hidden files and folders (checkpoints, progress files, scratch folders of tests) never ship.
HIDDEN = (".*", "__pycache__", "*.egg-info", "*.pyc")


def _ignore(root: Path):
    hidden = shutil.ignore_patterns(*HIDDEN)
    instructor = (root / INSTRUCTOR_PACKAGE).resolve()

    def ignore(folder, names):
        skipped = set(hidden(folder, names))
        if Path(folder).resolve() == instructor:
            skipped |= {name for name in names if name not in STUDENT_TOOLS}
        return skipped
    return ignore


def make_release(root: Path, out: Path) -> list:
    root, out = Path(root), Path(out)
    if out.exists() and any(out.iterdir()):
        raise CourseError(f"{out} already exists and is not empty; choose a new folder.")
    if out.resolve().is_relative_to(root.resolve()):
        raise CourseError(f"{out} is inside the course folder; choose a folder outside it.")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in INCLUDE:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, out / name, ignore=_ignore(root))
        elif source.is_file():
            shutil.copy2(source, out / name)
        else:
            raise CourseError(f"{source} is missing; a release needs it.")
        written.append(out / name)
    return written
