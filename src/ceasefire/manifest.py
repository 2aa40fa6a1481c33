"""The course manifest (course.yml): lessons in order, with their questions, objectives and minutes.

Everything that lists lessons (README table, lesson opening and closing cells, structural tests,
data cross-checks) reads them from here.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import yaml

from ceasefire.errors import CourseError
from ceasefire.paths import MANIFEST_NAME, course_root

SLUG = re.compile(r"^\d\d-[a-z0-9]+(-[a-z0-9]+)*$")
PARAGRAPH = re.compile(r"^P(0[1-9]|1[0-9])$")
STATUSES = ("ready", "planned")
REPOSITORY = re.compile(r"[\w.-]+/[\w.-]+")   # a GitHub OWNER/NAME
LESSON_FIELDS = ("slug", "title", "status", "minutes", "prerequisites", "paragraphs", "questions",
                 "objectives", "key_points")


@dataclass(frozen=True)
class Lesson:
    slug: str
    title: str
    status: str
    minutes: int
    prerequisites: tuple
    paragraphs: tuple
    questions: tuple
    objectives: tuple
    key_points: tuple

    @property
    def number(self) -> str:
        return self.slug[:2]

    @property
    def notebook(self) -> str:
        """Path of the lesson notebook, relative to the course root."""
        return f"lessons/{self.slug}.ipynb"

    @property
    def ready(self) -> bool:
        return self.status == "ready"


@dataclass(frozen=True)
class Course:
    title: str
    subtitle: str
    repository: str
    lessons: tuple
    root: Path

    def lesson(self, slug: str) -> Lesson:
        for lesson in self.lessons:
            if lesson.slug == slug:
                return lesson
        known = ", ".join(lesson.slug for lesson in self.lessons)
        raise CourseError(f"There is no lesson called {slug!r} in {MANIFEST_NAME}. Lessons: {known}.")

    @property
    def slugs(self) -> tuple:
        return tuple(lesson.slug for lesson in self.lessons)

    @property
    def total_minutes(self) -> int:
        return sum(lesson.minutes for lesson in self.lessons)


def _text_list(value, where):
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise CourseError(f"{where} must be a list of non-empty texts.")
    return tuple(v.strip() for v in value)


def _parse_lesson(item, index: int, name: str, earlier: set) -> Lesson:
    """One entry of the lessons list; `earlier` holds the slugs listed before it."""
    if not isinstance(item, dict):
        raise CourseError(f"{name}, lesson {index}: each lesson must be a mapping of fields.")
    slug = item.get("slug")
    where = f"{name}, lesson {index} ({slug or 'no slug'})"
    unknown = sorted(set(item) - set(LESSON_FIELDS))
    if unknown:
        raise CourseError(f"{where}: unknown field(s) {', '.join(unknown)}; allowed: {', '.join(LESSON_FIELDS)}.")
    if not isinstance(slug, str) or not SLUG.match(slug):
        raise CourseError(f"{where}: 'slug' must look like '03-february-failure' (two digits, dash, words).")
    if slug in earlier:
        raise CourseError(f"{where}: slug {slug!r} is listed twice.")
    if int(slug[:2]) != index - 1:
        raise CourseError(f"{where}: lessons must be numbered in order from 00; expected {index - 1:02d}.")
    title = item.get("title")
    if not isinstance(title, str) or not title.strip():
        raise CourseError(f"{where}: 'title' is missing.")
    status = item.get("status", "ready")
    if status not in STATUSES:
        raise CourseError(f"{where}: 'status' must be one of {', '.join(STATUSES)}, not {status!r}.")
    minutes = item.get("minutes")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 5 <= minutes <= 240:
        raise CourseError(f"{where}: 'minutes' must be a whole number between 5 and 240.")
    prerequisites = _text_list(item.get("prerequisites"), f"{where}: 'prerequisites'")
    for pre in prerequisites:
        if pre not in earlier:
            raise CourseError(f"{where}: prerequisite {pre!r} is not an earlier lesson.")
    paragraphs = _text_list(item.get("paragraphs"), f"{where}: 'paragraphs'")
    for pid in paragraphs:
        if not PARAGRAPH.match(pid):
            raise CourseError(f"{where}: {pid!r} is not an article paragraph id (P01 to P19).")
    texts = [_text_list(item.get(field), f"{where}: '{field}'") for field in ("questions", "objectives", "key_points")]
    if not all(texts):
        raise CourseError(f"{where}: every lesson needs questions, objectives and key_points.")
    return Lesson(slug, title.strip(), status, minutes, prerequisites, paragraphs, *texts)


def parse_manifest(raw, root: Path, name: str = MANIFEST_NAME) -> Course:
    """Check the manifest's structure and turn it into a Course. Every problem names the lesson and field."""
    if not isinstance(raw, dict):
        raise CourseError(f"{name} must be a mapping with 'title' and 'lessons'.")
    lessons_raw = raw.get("lessons")
    if not isinstance(lessons_raw, list) or not lessons_raw:
        raise CourseError(f"{name} needs a non-empty 'lessons' list.")
    lessons = []
    for index, item in enumerate(lessons_raw, start=1):
        lessons.append(_parse_lesson(item, index, name, {lesson.slug for lesson in lessons}))
    repository = raw.get("repository") or ""
    if repository and not REPOSITORY.fullmatch(repository):
        raise CourseError(f"{name}: 'repository' must look like OWNER/NAME, not {repository!r}.")
    return Course(str(raw.get("title", "")).strip(), str(raw.get("subtitle", "")).strip(),
                  repository, tuple(lessons), root)


def load_course(root=None) -> Course:
    root = Path(root) if root else course_root()
    path = root / MANIFEST_NAME
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CourseError(f"The course manifest {path} is missing.") from None
    except yaml.YAMLError as exc:
        raise CourseError(f"{path} is not valid YAML: {exc}") from None
    return parse_manifest(raw, root)


# ---- Markdown views of the manifest -------------------------------------------------------------

def _bullets(items):
    return "\n".join(f"- {item}" for item in items)


def lesson_opening_markdown(lesson: Lesson, course: Course) -> str:
    """The block each lesson opens with: minutes, prerequisites, questions, objectives, paragraphs."""
    prereq = ", ".join(f"{course.lesson(p).number} {course.lesson(p).title}" for p in lesson.prerequisites)
    paras = ", ".join(f"[{p}]" for p in lesson.paragraphs) or "none in particular"
    return (f"**Lesson {lesson.number}: {lesson.title}** &middot; about {lesson.minutes} minutes"
            f" &middot; prerequisites: {prereq or 'none'} &middot; article paragraphs: {paras}\n\n"
            f"**Questions this lesson answers**\n\n{_bullets(lesson.questions)}\n\n"
            f"**By the end you can**\n\n{_bullets(lesson.objectives)}")


def lesson_closing_markdown(lesson: Lesson) -> str:
    return f"**Key points**\n\n{_bullets(lesson.key_points)}"


BINDER = "https://mybinder.org"


def binder_url(repository: str, path: str, ref: str = "HEAD") -> str:
    """The mybinder.org link that builds GitHub repository OWNER/NAME at `ref` and opens `path` in JupyterLab.

    The one Binder link builder (the README table and `ceasefire links` both use it). The ref is quoted
    whole, so a branch such as 'fix/typo' stays one path segment (BinderHub unquotes it), and the urlpath is
    quoted as BinderHub's own launch form quotes it (encodeURIComponent), so spaces, '#', '?' and '&' in a
    notebook's path cannot cut the link short."""
    if not REPOSITORY.fullmatch(repository or ""):
        raise CourseError(f"A Binder link needs a GitHub repository as OWNER/NAME, not {repository!r}.")
    if not ref or not path:
        raise CourseError("A Binder link needs a git ref (branch, tag or commit) and a notebook path.")
    return f"{BINDER}/v2/gh/{repository}/{quote(ref, safe='')}?urlpath={quote('lab/tree/' + path, safe='')}"


def readme_lesson_table(course: Course) -> str:
    """The README's lesson table. The README holds a copy between markers; a test checks it is current."""
    rows = ["| # | Lesson | Minutes | Questions | Open |", "|---|---|---|---|---|"]
    for lesson in course.lessons:
        questions = "<br>".join(lesson.questions)
        if not lesson.ready:
            link = "planned"
        elif course.repository:
            link = f"[Binder]({binder_url(course.repository, lesson.notebook)})"
        else:
            link = f"[{lesson.notebook}]({lesson.notebook})"
        rows.append(f"| {lesson.number} | {lesson.title} | {lesson.minutes} | {questions} | {link} |")
    rows.append(f"| | **Total** | **{course.total_minutes}** | | |")
    return "\n".join(rows)


README_START = "<!-- lesson-table:start (generated from course.yml by `make readme`) -->"
README_END = "<!-- lesson-table:end -->"


def render_readme(readme_text: str, course: Course) -> str:
    """Replace the generated block of the README with the table for `course`."""
    start, end = readme_text.find(README_START), readme_text.find(README_END)
    if start < 0 or end < start:
        raise CourseError(f"README.md lacks the markers {README_START!r} ... {README_END!r}.")
    before = readme_text[: start + len(README_START)]
    return f"{before}\n{readme_lesson_table(course)}\n{readme_text[end:]}"
