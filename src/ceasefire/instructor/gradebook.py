"""Writing what grading found: the gradebook, its per-question summary, and each student's feedback.

Every file is written atomically (ceasefire.files.write_atomic), so a reader never sees half of one. The
HTML pages, the reflections and their marks file come from ceasefire.instructor.feedback.
"""

import csv
import io
from pathlib import Path

from ceasefire.files import write_atomic
from ceasefire.instructor import csvtext
from ceasefire.instructor.scoring import GRADEBOOK_COLUMNS

SUMMARY_COLUMNS = ("question", "submissions", "mean_score", "share_correct")


def rows_csv(rows) -> str:
    return csvtext.text_of(GRADEBOOK_COLUMNS, rows)


def summary_rows(rows):
    by_question = {}
    for row in rows:
        if row["max"] and row["status"] not in ("marked", "to mark"):   # reflections are summarised by their marks
            by_question.setdefault(row["question"], []).append(row)
    out = []
    for qid, group in sorted(by_question.items()):
        scores = [float(r["score"]) for r in group]
        out.append({"question": qid, "submissions": len(group), "mean_score": f"{sum(scores) / len(scores):.3f}",
                    "share_correct": f"{sum(r['status'] == 'correct' for r in group) / len(group):.3f}"})
    return out


def feedback_markdown(results) -> str:
    """One student's feedback over all their submissions: scores, hints, tampering, run problems. No keys."""
    student = results[0].student
    lines = [f"# Feedback for {student}", ""]
    for result in results:
        got = sum(float(r["score"]) for r in result.rows if r["max"])
        out_of = sum(r["max"] for r in result.rows)
        lines += [f"## {result.submission}" + (f" (lesson {result.lesson})" if result.lesson else ""), "",
                  f"Score: {got:g} of {out_of}", "", "| question | score | status | comment |", "|---|---|---|---|"]
        for row in result.rows:
            comment = str(row["reason"]).replace("|", "/").replace("\n", " ")
            lines.append(f"| {row['question']} | {row['score']} / {row['max']} | {row['status']} | {comment} |")
        if result.run:
            lines += ["", "**While running your notebook:**", ""] + [f"- {line}" for line in result.run]
        if result.tamper:
            lines += ["", "**Cells that should not have been changed:**", ""] + [f"- {t}" for t in result.tamper]
            if result.tamper_diff:
                lines += ["", "```diff", result.tamper_diff.rstrip(), "```"]
        if result.lesson:
            lines += ["", "*The reflection question is read and graded by your instructor.*"]
        lines.append("")
    return "\n".join(lines)



def summary_csv(rows) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SUMMARY_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(summary_rows(rows))
    return buffer.getvalue()


def safe_name(student: str) -> str:
    """A student id as a file name: letters, digits, - _ . kept, anything else an underscore."""
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in student) or "student"


def write_results(results, rows, out: Path, feedback_dir: Path, release: Path, given):
    """The gradebook, its summary, each student's Markdown and HTML feedback, and the reflections to mark."""
    from ceasefire.instructor import feedback as manual
    write_atomic(out, rows_csv(rows))
    write_atomic(out.with_name(out.stem + "-summary.csv"), summary_csv(rows))
    asked = manual.prompts(release)
    by_student = {}
    for result in results:
        by_student.setdefault(result.student, []).append(result)
    for student, group in sorted(by_student.items()):
        group = sorted(group, key=lambda r: r.submission)
        write_atomic(feedback_dir / f"{safe_name(student)}.md", feedback_markdown(group))
        write_atomic(feedback_dir / f"{safe_name(student)}.html", manual.feedback_html(group, questions=asked))
    manual.write_reflections(results, out.with_name("reflections"), given, write_atomic, questions=asked)
