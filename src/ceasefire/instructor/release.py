"""A student release: what students receive, without solutions/ or any plain answer.

It holds the lessons, the exercises, the data, the package (with hashed keys only), the manifest, the
README, the launcher and the environment files, so `python run.py lab` works in it. It leaves out solutions/, tests/, bench/,
instructors/, CI and maintenance tools.
"""

import shutil
from pathlib import Path

from ceasefire.errors import CourseError

INCLUDE = ("README.md", "run.py", "course.yml", "environment.yml", "postBuild", "pyproject.toml", "Makefile",
           "requirements", "lessons", "exercises", "data", "src")
# Hidden files and folders (checkpoints, progress files, scratch folders of tests) never ship.
SKIP = shutil.ignore_patterns(".*", "__pycache__", "*.egg-info", "*.pyc")


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
            shutil.copytree(source, out / name, ignore=SKIP)
        elif source.is_file():
            shutil.copy2(source, out / name)
        else:
            raise CourseError(f"{source} is missing; a release needs it.")
        written.append(out / name)
    return written
