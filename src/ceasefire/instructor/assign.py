"""Exercises are generated from solutions: one source, and a check that fails when they drift.

Markers in a solutions/NN-*.ipynb notebook:
- a code line ending in `# SOLUTION`, like `answer = 115  # SOLUTION`, becomes `answer = ...`;
- a cell tagged `solution` is emptied: code becomes `...`, markdown becomes a prompt to write;
- a cell tagged `solution-only` (e.g. setting a widget the student must set) is left out.
Everything else is copied. `ceasefire assign` also compiles solutions/keys.yml into the hashed
src/ceasefire/keys.json and re-executes both folders so their stored outputs are current.
"""

import re
from pathlib import Path

import nbformat

from ceasefire.checking.cells import answer_cell_metadata
from ceasefire.errors import CourseError
from ceasefire.checking.keys import KEYS_FILE
from ceasefire.files import write_atomic
from ceasefire.instructor.compile_keys import compile_keys, read_plain, render

MARKER = "# SOLUTION"
LINE = re.compile(r"^(?P<indent>\s*)(?P<target>[^=#]+?)\s*=(?!=)\s*(?P<value>.+?)\s*# SOLUTION\s*$")
WRITE_HERE = "*Write your answer here.*"


def exercise_source(source: str, where: str) -> str:
    out = []
    for number, line in enumerate(source.splitlines(), start=1):
        if MARKER not in line:
            out.append(line)
            continue
        match = LINE.match(line)
        if not match:
            raise CourseError(f"{where}, line {number}: a '# SOLUTION' line must look like `name = value  # SOLUTION`.")
        out.append(f"{match['indent']}{match['target'].rstrip()} = ...")
    return "\n".join(out)


def exercise_from_solution(nb, name: str = "notebook", lesson: str = ""):
    """A new notebook: the exercise version of solution notebook `nb` (outputs cleared). Answer cells and the
    reflection cell are marked in cell metadata (`ceasefire`), which the grader uses to tell them from
    locked cells."""
    cells = []
    for index, cell in enumerate(nb.cells, start=1):
        tags = list(cell.metadata.get("tags", []))
        if "solution-only" in tags:
            continue
        where = f"{name}, cell {index}"
        if "solution" in tags:
            source = "..." if cell.cell_type == "code" else WRITE_HERE
        elif cell.cell_type == "code":
            source = exercise_source(cell.source, where)
        else:
            source = cell.source
        if cell.cell_type == "code":
            new = nbformat.v4.new_code_cell(source)
        else:
            new = nbformat.v4.new_markdown_cell(source)
        kept = [t for t in tags if t not in ("solution", "solution-only")]
        if kept:
            new.metadata["tags"] = kept
        if "solution" in tags and cell.cell_type == "markdown":
            new.metadata["ceasefire"] = {"reflection": True}
        elif cell.cell_type == "code" and (answer := answer_cell_metadata(source)):
            new.metadata["ceasefire"] = answer
        cells.append(new)
    metadata = dict(nb.metadata)
    metadata.pop("widgets", None)
    metadata["ceasefire"] = {"lesson": lesson or Path(name).stem, "kind": "exercise"}
    return nbformat.v4.new_notebook(cells=cells, metadata=metadata)


def _comparable(nb):
    return ([(c.cell_type, c.source, tuple(c.metadata.get("tags", [])), c.metadata.get("ceasefire")) for c in nb.cells],
            nb.metadata.get("ceasefire"))


def pairs(root: Path):
    return [(path, root / "exercises" / path.name) for path in sorted((root / "solutions").glob("*.ipynb"))]


def stale(root: Path) -> list:
    """What is out of date: keys.json against keys.yml, each exercise against its solution."""
    problems = []
    plain = root / "solutions" / "keys.yml"
    if plain.exists() and (not KEYS_FILE.exists() or KEYS_FILE.read_text(encoding="utf-8") != render(compile_keys(read_plain(plain)))):
        problems.append("src/ceasefire/keys.json does not match solutions/keys.yml")
    for solution, exercise in pairs(root):
        wanted = exercise_from_solution(nbformat.read(solution, as_version=4), solution.name)
        if not exercise.exists():
            problems.append(f"exercises/{exercise.name} is missing")
        elif _comparable(nbformat.read(exercise, as_version=4)) != _comparable(wanted):
            problems.append(f"exercises/{exercise.name} differs from what solutions/{solution.name} generates")
    extra = {p.name for p in (root / "exercises").glob("*.ipynb")} - {s.name for s, _ in pairs(root)}
    problems += [f"exercises/{name} has no solution notebook" for name in sorted(extra)]
    return problems


def assign(root: Path, execute: bool = True) -> list:
    """Compile the keys and regenerate every exercise; with `execute`, store fresh outputs in both folders."""
    from ceasefire.instructor.notebooks import refresh

    plain = root / "solutions" / "keys.yml"
    write_atomic(KEYS_FILE, render(compile_keys(read_plain(plain))))
    written = []
    for solution, exercise in pairs(root):
        nbformat.write(exercise_from_solution(nbformat.read(solution, as_version=4), solution.name), exercise)
        written.append(exercise)
        if execute:
            refresh(solution)
            refresh(exercise)
    return written
