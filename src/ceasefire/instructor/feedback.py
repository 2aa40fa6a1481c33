"""Returning work: a self-contained HTML feedback page per student, reflections gathered per lesson for
the instructor to mark, and the marks file that `grade` reads back into the gradebook.

- `feedback_html` renders one student's page: each question's status, score and hint, the run notes, the
  locked-cell findings with their diff, and the reflection with the rubric (and its mark once given). The
  page has inline CSS only, no script, no font or image from anywhere, and a Content-Security-Policy that
  forbids every fetch, so it opens offline and asks nothing of any server. It never shows a key: it holds
  the same sentences as the gradebook's `reason` column.
- `write_reflections` writes `<lesson>.md` (the prompt's rubric, what a strong answer contains, then every
  student's text) and keeps `marks.csv` (student, lesson, question, points, max, comment) current: rows for
  new submissions are added, points and comments already typed are kept.
- `read_marks` reads that file back; `reflection_rows` turns it into gradebook rows (question `rNN`, out of
  4): "marked" with the points, or "to mark" with 0 until the instructor fills it in.
- `deliver` copies each student's page into their course folder on a JupyterHub.

The rubric is read from instructors/README.md ("Reflections: rubrics"), the one place it is written.
"""

import html
import re
import shutil
from pathlib import Path

from ceasefire.colours import text_on
from ceasefire.instructor import csvtext
from ceasefire.errors import CourseError

REFLECTION_MAX = 4
MARKS_COLUMNS = ("student", "lesson", "question", "points", "max", "comment")
README = Path(__file__).resolve().parents[3] / "instructors" / "README.md"
# Okabe-Ito colours, as the in-notebook checks use them.
STATUS_COLOURS = {"correct": "#009E73", "partial": "#E69F00", "incorrect": "#D55E00", "not answered": "#999999",
                  "unreadable": "#0072B2", "missing": "#CC79A7", "not run": "#CC79A7", "ungradable": "#CC79A7",
                  "live": "#56B4E9", "marked": "#009E73", "to mark": "#999999"}


def reflection_id(lesson: str) -> str:
    """The gradebook's question id for a lesson's reflection: 03-february-failure -> r03."""
    return f"r{lesson[:2]}"


PLACEHOLDER = "*Write your answer here.*"   # the released exercise's reflection cell


def written(text: str) -> str:
    """The reflection as the student wrote it, or '' if they left it empty or as released."""
    text = (text or "").strip()
    return "" if text == PLACEHOLDER else text


def prompts(release: Path) -> dict:
    """{lesson: the reflection's question}: the Markdown cell before the reflection cell of each released
    exercise, without its heading line."""
    import nbformat
    out = {}
    for path in sorted((Path(release) / "exercises").glob("*.ipynb")):
        try:
            cells = nbformat.read(path, as_version=4).cells
        except Exception:   # noqa: BLE001 - a prompt is a nicety; feedback goes on without it
            continue
        for before, cell in zip(cells, cells[1:]):
            meta = cell.metadata.get("ceasefire")
            if isinstance(meta, dict) and meta.get("reflection") and before.cell_type == "markdown":
                text = "\n".join(line for line in before.source.splitlines() if not line.startswith("#")).strip()
                out[path.stem] = text
    return out


def safe_name(student: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in student) or "student"


# ---- the rubric ------------------------------------------------------------------------------------

def rubric(readme: Path = README):
    """(levels, per_lesson): [(points, description)] from the rubric table, and {"03": what a strong answer
    contains} from the bullets under it. Empty if the instructors' notes are not there (a student release)."""
    try:
        text = Path(readme).read_text(encoding="utf-8")
    except OSError:
        return [], {}
    section = text.split("## Reflections: rubrics", 1)[-1].split("\n## ", 1)[0] if "## Reflections: rubrics" in text else ""
    levels = [(int(m.group(1)), m.group(2).strip()) for m in re.finditer(r"^\| (\d) \| (.+?) \|\s*$", section, re.M)]
    per_lesson = {}
    for m in re.finditer(r"^- \*\*(\d\d), ([^*]+)\.\*\* (.+?)(?=^- \*\*|\Z)", section, re.M | re.S):
        per_lesson[m.group(1)] = (m.group(2).strip(), " ".join(m.group(3).split()))
    return levels, per_lesson


# ---- marks --------------------------------------------------------------------------------------------

def read_marks(path: Path, submissions) -> dict:
    """{(student, lesson): (points or None, comment)} from a marks CSV. `submissions` is the set of
    (student, lesson) graded; a row naming anything else is an error with the line number."""
    reader = csvtext.open_rows(path, "marks file", ("student", "lesson", "points"),
                               "its first line must be: " + ",".join(MARKS_COLUMNS))
    marks, problems = {}, []
    for line, row in enumerate(reader, start=2):
        student, lesson = (row.get("student") or "").strip(), (row.get("lesson") or "").strip()
        if not student and not lesson:
            continue
        if (student, lesson) not in submissions:
            known = sorted({s for s, _ in submissions})
            problems.append(f"line {line}: no graded submission of lesson {lesson!r} by student {student!r}"
                            + ("" if student in known else " (unknown student; check the spelling against the gradebook)"))
            continue
        raw = (row.get("points") or "").strip()
        points = None
        if raw:
            try:
                points = float(raw.replace(",", "."))
            except ValueError:
                problems.append(f"line {line}: points {raw!r} is not a number")
                continue
            if not 0 <= points <= REFLECTION_MAX:
                problems.append(f"line {line}: points {raw} is outside 0 to {REFLECTION_MAX}")
                continue
        if (student, lesson) in marks:
            problems.append(f"line {line}: {student} / {lesson} is marked twice")
            continue
        marks[(student, lesson)] = (points, (row.get("comment") or "").strip())
    if problems:
        raise CourseError(f"the marks file {path} has problems:\n" + "\n".join(f"- {p}" for p in problems))
    return marks


def reflection_rows(results, marks: dict):
    """One gradebook row per graded submission's reflection, with its mark if given."""
    rows = []
    for res in results:
        if not res.lesson or all(r["status"] == "ungradable" for r in res.rows):
            continue
        points, comment = marks.get((res.student, res.lesson), (None, ""))
        row = {"student": res.student, "submission": res.submission, "lesson": res.lesson,
               "question": reflection_id(res.lesson), "max": REFLECTION_MAX, "hint": ""}
        if points is None:
            reason = "the reflection is read and marked by your instructor" if written(res.reflection) else \
                "no reflection was written"
            row.update(score=0, status="to mark", reason=reason)
        else:
            row.update(score=points, status="marked", reason=comment)
        rows.append(row)
    return rows


def _marks_csv(rows) -> str:
    return csvtext.text_of(MARKS_COLUMNS, rows)


def write_reflections(results, folder: Path, marks: dict, write, questions: dict | None = None):
    """reflections/<lesson>.md for each lesson, and reflections/marks.csv (kept, extended). `write(path, text)`
    writes atomically. Returns the marks file's path."""
    folder = Path(folder)
    levels, per_lesson = rubric()
    by_lesson = {}
    for res in results:
        if res.lesson and not all(r["status"] == "ungradable" for r in res.rows):
            by_lesson.setdefault(res.lesson, []).append(res)
    for lesson, group in sorted(by_lesson.items()):
        lines = [f"# Reflections, lesson {lesson}", "",
                 f"Mark each out of {REFLECTION_MAX} in `marks.csv` (column `points`, optional `comment` shown to "
                 "the student), then run `ceasefire grade` again: the points join the gradebook and the feedback.", ""]
        if (questions or {}).get(lesson):
            lines += ["**The question:** " + " ".join(questions[lesson].split()), ""]
        if levels:
            lines += ["| points | what the answer shows |", "|---|---|"] + [f"| {p} | {d} |" for p, d in levels] + [""]
        if lesson[:2] in per_lesson:
            title, strong = per_lesson[lesson[:2]]
            lines += [f"**A strong answer ({title}):** {strong}", ""]
        for res in sorted(group, key=lambda r: (r.student, r.submission)):
            points, comment = marks.get((res.student, res.lesson), (None, ""))
            mark = f"{points:g} / {REFLECTION_MAX}" if points is not None else "not marked yet"
            text = written(res.reflection)
            lines += [f"## {res.student} ({res.submission}): {mark}", ""]
            lines += [("> " + line) if line else ">" for line in text.splitlines()] if text else ["*(no reflection written)*"]
            if comment:
                lines += ["", f"Comment: {comment}"]
            lines.append("")
        write(folder / f"{lesson}.md", "\n".join(lines))
    rows = []
    for lesson, group in sorted(by_lesson.items()):
        for res in sorted(group, key=lambda r: r.student):
            points, comment = marks.get((res.student, lesson), (None, ""))
            rows.append({"student": res.student, "lesson": lesson, "question": reflection_id(lesson),
                         "points": "" if points is None else f"{points:g}", "max": REFLECTION_MAX, "comment": comment})
    path = folder / "marks.csv"
    write(path, _marks_csv(rows))
    return path


# ---- the page -------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#222;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:1px solid #ccc}h3{font-size:1.05rem}
table{border-collapse:collapse;width:100%;margin:.6rem 0}th,td{border:1px solid #ccc;padding:.3rem .5rem;
text-align:left;vertical-align:top}th{background:#f3f3f3}
.status{display:inline-block;padding:0 .45rem;border-radius:.3rem;color:#fff;font-weight:600;white-space:nowrap}
.score{font-size:1.1rem;font-weight:600}
pre.diff{background:#f7f7f7;border:1px solid #ddd;padding:.5rem;overflow-x:auto;font-size:.85rem}
pre.diff .add{color:#006b4f}pre.diff .del{color:#a33a00}
.reflection{white-space:pre-wrap;border-left:4px solid #56B4E9;padding:.3rem .8rem;background:#f5fafd}
.note{color:#555;font-size:.92rem}
"""


def _status(status: str) -> str:
    colour = STATUS_COLOURS.get(status, "#555555")
    # the badge's text black or white, whichever is readable on its colour (contrast >= 4.5)
    return (f'<span class="status" style="background:{colour};color:{text_on(colour)}">'
            f"{html.escape(status)}</span>")


def _diff(text: str) -> str:
    out = []
    for line in text.rstrip().splitlines():
        cls = "add" if line.startswith("+") and not line.startswith("+++") else \
              "del" if line.startswith("-") and not line.startswith("---") else ""
        out.append(f'<span class="{cls}">{html.escape(line)}</span>' if cls else html.escape(line))
    return '<pre class="diff">' + "\n".join(out) + "</pre>"


def _reflection_html(res, manual, question: str, levels) -> list:
    """The reflection part of one submission: the prompt, what the student wrote, the mark or that one is due."""
    parts = ['<h3>Reflection</h3>']
    if question:
        parts.append(f'<p class="question"><i>{html.escape(question)}</i></p>')
    text = written(res.reflection)
    parts.append(f'<div class="reflection">{html.escape(text)}</div>' if text
                 else '<p class="note">No reflection was written.</p>')
    for row in manual:
        if row["status"] == "marked":
            parts.append(f'<p class="score">Mark: {float(row["score"]):g} of {row["max"]} {_status("marked")}</p>')
            if row["reason"]:
                parts.append(f"<p>Your instructor's comment: {html.escape(str(row['reason']))}</p>")
        else:
            parts.append(f'<p>{_status("to mark")} Your instructor reads and marks the reflection.</p>')
    if not manual:
        parts.append('<p class="note">Your instructor reads and marks the reflection.</p>')
    if levels:
        parts += [f"<p>How reflections are marked (out of {REFLECTION_MAX}):</p>",
                  '<table class="rubric"><thead><tr><th>points</th><th>what the answer shows</th></tr></thead><tbody>']
        parts += [f"<tr><td>{p}</td><td>{html.escape(d)}</td></tr>" for p, d in levels]
        parts.append("</tbody></table>")
    return parts


def _submission_html(res, questions: dict, levels) -> list:
    """One submission: the checked questions' table, what happened while running, tampering, the reflection."""
    title = html.escape(res.submission) + (f" (lesson {html.escape(res.lesson)})" if res.lesson else "")
    auto = [r for r in res.rows if not str(r["question"]).startswith("r")]
    manual = [r for r in res.rows if str(r["question"]).startswith("r")]
    got = sum(float(r["score"]) for r in auto if r["max"])
    out_of = sum(int(r["max"]) for r in auto)
    parts = [f'<section class="submission" data-lesson="{html.escape(res.lesson)}">', f"<h2>{title}</h2>",
             f'<p class="score">Checked questions: {got:g} of {out_of} points</p>',
             "<table><thead><tr><th>question</th><th>score</th><th>status</th><th>comment</th></tr></thead><tbody>"]
    for row in auto:
        parts.append(f"<tr><td>{html.escape(str(row['question']))}</td><td>{row['score']} / {row['max']}</td>"
                     f"<td>{_status(row['status'])}</td><td>{html.escape(str(row['reason']))}</td></tr>")
    parts.append("</tbody></table>")
    if res.run:
        parts += ["<h3>While running your notebook</h3>", "<ul>"] + \
                 [f"<li>{html.escape(line)}</li>" for line in res.run] + ["</ul>"]
    if res.tamper:
        parts += ["<h3>Cells that should not have been changed</h3>",
                  '<p class="note">The questions were still graded; show this to your instructor if it surprises you.</p>',
                  "<ul>"] + [f"<li>{html.escape(t)}</li>" for t in res.tamper] + ["</ul>"]
        if res.tamper_diff:
            parts.append(_diff(res.tamper_diff))
    if res.lesson:
        parts += _reflection_html(res, manual, questions.get(res.lesson), levels)
    parts.append("</section>")
    return parts


def feedback_html(results, course_title: str = "", questions: dict | None = None) -> str:
    """One student's page over all their submissions. `results` carry rows (with reflection rows, if any)."""
    student = results[0].student
    levels, _ = rubric()
    parts = [f"<h1>Feedback for {html.escape(student)}</h1>"]
    if course_title:
        parts.append(f'<p class="note">{html.escape(course_title)}</p>')
    for res in results:
        parts += _submission_html(res, questions or {}, levels)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>Feedback for {html.escape(student)}</title><style>{_CSS}</style></head><body>"
            + "\n".join(parts) + "</body></html>\n")


# ---- delivery on a hub ---------------------------------------------------------------------------

def home_of(student: str, homes: Path, roster=None):
    """The student's home folder on a hub: <homes>/<id>, <homes>/jupyter-<id>, or the roster's hub user."""
    names = [student, f"jupyter-{student}"]
    if roster and student in roster:
        entry = roster[student]
        for name in (entry.get("hub_user"), (entry.get("email") or "").split("@")[0]):
            if name:
                names += [name, f"jupyter-{name}"]
    for name in names:
        if (Path(homes) / name).is_dir():
            return Path(homes) / name
    return None


def deliver(feedback_dir: Path, homes: Path, course_folder: str, roster=None, name: str = "feedback.html"):
    """Copy feedback/<student>.html to <home>/<course_folder>/feedback/<name> for every student.
    Returns (delivered [(student, path)], not_found [student])."""
    feedback_dir, homes = Path(feedback_dir), Path(homes)
    pages = sorted(feedback_dir.glob("*.html"))
    if not pages:
        raise CourseError(f"{feedback_dir} holds no .html feedback pages; run `ceasefire grade` first.")
    if not homes.is_dir():
        raise CourseError(f"{homes} is not a folder of home folders (for example /home).")
    delivered, not_found = [], []
    for page in pages:
        student = page.stem
        home = home_of(student, homes, roster)
        if home is None or not (home / course_folder).is_dir():
            not_found.append(student)
            continue
        target = home / course_folder / "feedback" / name
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(page, target)
        try:
            stat = home.stat()
            shutil.chown(target.parent, stat.st_uid, stat.st_gid)
            shutil.chown(target, stat.st_uid, stat.st_gid)
        except (PermissionError, LookupError, OSError):
            pass   # not root: the files stay the grader's, readable by the student if the umask allows
        delivered.append((student, target))
    return delivered, not_found
