"""Grade submitted exercise notebooks: isolated, parallel, tamper-evident, deterministic.

For each submission:
1. read it carefully (size, JSON, nbformat 3 upgraded, not-a-notebook reported, never a traceback);
2. compare its locked cells with the released exercise and report edits, deletions, duplicates and
   moves as a diff (ceasefire.instructor.tamper), then grade whatever can be graded;
3. run it in its own process in a temporary copy of the release (ceasefire.instructor.runner, which starts
   ceasefire.instructor.worker), with IPython's cell execution as in a Jupyter kernel (shell commands and
   %pip skipped and reported), under CPU, memory, file-size and wall-time limits, recording which cell
   (and question) was running if a limit hit;
4. score each answer here, outside the student's process, with the hashed keys (ceasefire.instructor.scoring);
5. write the gradebook, its summary and each student's feedback (ceasefire.instructor.gradebook).
Results are cached per submission (atomic files next to the gradebook), so a grader killed midway loses
nothing already graded and a re-run over the same inputs gives the same gradebook.
"""

import concurrent.futures
import hashlib
import json
import os
from pathlib import Path

import nbformat

from ceasefire import __version__
from ceasefire.checking.keys import KEYS_FILE, load_keys
from ceasefire.errors import CourseError
from ceasefire.files import write_atomic
from ceasefire.instructor import runner
from ceasefire.instructor.gradebook import write_results
from ceasefire.instructor.runner import Limits, run_in_sandbox
from ceasefire.instructor.scoring import GRADEBOOK_COLUMNS, Result, score  # noqa: F401 - part of this module's API
from ceasefire.instructor.tamper import compare_cells

MAX_FILE_BYTES = 100 * 1024 * 1024
PART_FORMAT = 3   # bump when what a cached result records changes (2: hint column, reflection kept;
                  # 3: cells run as in a kernel, answers as check() received them)


# ---- reading a submission -----------------------------------------------------------------------

def read_submission(path: Path):
    """(notebook, problem): the notebook as nbformat v4, or None and a sentence saying why not."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        return None, f"the file cannot be read ({exc.strerror})"
    if size == 0:
        return None, "the file is empty"
    if size > MAX_FILE_BYTES:
        return None, f"the file is {size / 2**20:.0f} MB, over the {MAX_FILE_BYTES // 2**20} MB limit"
    raw = path.read_bytes()
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return None, "the file is not text: it is not a notebook"
    except json.JSONDecodeError as exc:
        return None, f"the file is not valid notebook JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
    if not isinstance(doc, dict) or "nbformat" not in doc:
        return None, "the file is JSON but not a Jupyter notebook"
    try:
        nb = nbformat.reads(json.dumps(doc), as_version=4)
    except Exception as exc:   # noqa: BLE001 - any parse failure is reported, not raised
        return None, f"the notebook cannot be read by nbformat ({type(exc).__name__})"
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []          # stored outputs are the student's to edit: never trusted, never kept
    return nb, None


def student_of(path: Path, exercise_names) -> str:
    """alice/03-february-failure.ipynb -> alice; bob-03.ipynb -> bob-03."""
    return path.parent.name if path.name in exercise_names and path.parent.name else path.stem


def lesson_of(nb, path: Path, exercise_names) -> str:
    meta = nb.metadata.get("ceasefire", {}) if nb is not None else {}
    if isinstance(meta, dict) and f"{meta.get('lesson')}.ipynb" in exercise_names:
        return meta["lesson"]
    for name in exercise_names:
        if path.name == name or path.stem.endswith(name[:-6]) or path.stem.startswith(name[:2] + "-"):
            return name[:-6]
    return ""


# ---- one submission, end to end ---------------------------------------------------------------------

def grade_one(path: Path, release: Path, limits: Limits, forbidden) -> Result:
    exercise_names = {p.name for p in (release / "exercises").glob("*.ipynb")}
    result = Result(student=student_of(path, exercise_names), submission=path.name)
    nb, problem = read_submission(path)
    keys = load_keys()
    lesson = lesson_of(nb, path, exercise_names)
    result.lesson = lesson
    if problem or not lesson:
        reason = problem or "it does not match any exercise notebook of the course (name or metadata)"
        qids = sorted(q for q, k in keys.items() if k["lesson"] == lesson) or ["(all)"]
        result.rows = [{"student": result.student, "submission": path.name, "lesson": lesson, "question": q,
                        "score": 0, "max": 1, "status": "ungradable", "reason": reason, "hint": ""} for q in qids]
        result.run.append(f"Not graded: {reason}.")
        return result
    released = nbformat.read(release / "exercises" / f"{lesson}.ipynb", as_version=4)
    result.tamper, result.tamper_diff = compare_cells(released, nb)
    reflections = [c.source for c in nb.cells if c.cell_type == "markdown"
                   and isinstance(c.metadata.get("ceasefire"), dict) and c.metadata["ceasefire"].get("reflection")]
    result.reflection = reflections[0] if reflections else ""
    events, ended, _ = run_in_sandbox(nb, release, limits, forbidden)
    score(result, lesson, events, ended, keys)
    return result


# ---- many submissions -----------------------------------------------------------------------------

def _cache_key(path: Path, limits: Limits) -> str:
    digest = hashlib.sha256()
    digest.update(path.read_bytes() if path.is_file() and path.stat().st_size <= MAX_FILE_BYTES else str(path).encode())
    digest.update(KEYS_FILE.read_bytes())
    digest.update(f"{__version__}|{PART_FORMAT}|{limits}|{path.parent.name}/{path.name}".encode())
    return digest.hexdigest()[:24]



def _graded_doc(path: Path, cache: Path, release: Path, limits: Limits, forbidden) -> dict:
    """One submission's result as a JSON document: from the cache, or graded now and cached."""
    part = cache / f"{_cache_key(path, limits)}.json"
    if part.exists():
        return json.loads(part.read_text(encoding="utf-8"))
    result = grade_one(path, release, limits, forbidden)
    doc = {"student": result.student, "submission": result.submission, "lesson": result.lesson,
           "rows": result.rows, "tamper": result.tamper, "tamper_diff": result.tamper_diff, "run": result.run,
           "reflection": result.reflection}
    write_atomic(part, json.dumps(doc, sort_keys=True))
    return doc


def _grade_all(paths, cache, release, limits, forbidden, jobs, log) -> list:
    """Every submission, `jobs` at a time, with one fork server for this run's workers (started when first needed)."""
    docs = []
    server = runner.LazyServer()
    with runner.servers_lock:
        runner.servers.insert(0, server)
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
            for doc in pool.map(lambda path: _graded_doc(path, cache, release, limits, forbidden), paths):
                docs.append(doc)
                log(f"graded {doc['student']}: {doc['submission']}")
    finally:
        with runner.servers_lock:
            runner.servers.remove(server)
        server.close()
    return docs


def _merge_marks(results, out: Path, marks) -> dict:
    """The instructor's reflection marks; once any is given, every reflection gets a row (rNN): marked or to mark."""
    from ceasefire.instructor import feedback as manual
    marks_path = Path(marks) if marks else out.with_name("reflections") / "marks.csv"
    if marks and not marks_path.is_file():
        raise CourseError(f"the marks file {marks_path} does not exist.")
    given = manual.read_marks(marks_path, {(r.student, r.lesson) for r in results if r.lesson}) \
        if marks_path.is_file() else {}
    if any(points is not None for points, _ in given.values()):
        for row in manual.reflection_rows(results, given):
            next(r for r in results if (r.student, r.submission) == (row["student"], row["submission"])).rows.append(row)
    return given


def grade(submissions, release: Path, out: Path, feedback_dir: Path, jobs: int | None = None,
          limits: Limits = Limits(), forbidden=(), log=print, marks: Path | None = None):
    """Grade every submission; write the gradebook, its per-question summary, per-student feedback (Markdown
    and a self-contained HTML page), and the reflections per lesson with their marks file (ceasefire.instructor.feedback).
    Once the marks file holds a mark, every reflection gets a gradebook row (rNN): marked, or to mark."""
    release, out, feedback_dir = Path(release), Path(out), Path(feedback_dir)
    if not (release / "exercises").is_dir():
        raise CourseError(f"{release} has no exercises/ folder: point --release at the course or a student release.")
    paths = sorted({Path(p).resolve() for p in submissions})
    if not paths:
        raise CourseError("no submissions given.")
    cache = out.with_name(out.name + ".parts")
    cache.mkdir(parents=True, exist_ok=True)
    forbidden = list(forbidden) + [str(p.parent) for p in paths]   # a notebook may not read other submissions
    results = [Result(**doc) for doc in _grade_all(paths, cache, release, limits, forbidden, jobs, log)]
    given = _merge_marks(results, out, marks)
    rows = sorted((r for res in results for r in res.rows), key=lambda r: (r["student"], r["submission"], r["question"]))
    write_results(results, rows, out, feedback_dir, release, given)
    return rows
