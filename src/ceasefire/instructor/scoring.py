"""Scoring one submission from what its worker reported: here, in the grader's process, never in the student's.

Each answer arrives as plain JSON (ceasefire.instructor.plain) and is judged by the same checker a student
runs (ceasefire.checking.checks.evaluate), so the gradebook says what `check()` said in the notebook.
"""

from dataclasses import dataclass, field

from ceasefire.checking.checks import evaluate
from ceasefire.instructor.plain import from_plain

# `hint`: which known wrong answer of solutions/keys.yml the student's answer matched ("w1" = its first
# `wrong:` entry), i.e. which misconception's hint fired; empty when none did. The class report counts them.
GRADEBOOK_COLUMNS = ("student", "submission", "lesson", "question", "score", "max", "status", "reason", "hint")
LOCKED_CELLS_CHANGED = "[locked cells changed: see feedback]"


@dataclass
class Result:
    student: str
    submission: str
    lesson: str = ""
    rows: list = field(default_factory=list)      # one dict per question, GRADEBOOK_COLUMNS
    tamper: list = field(default_factory=list)    # human-readable findings
    tamper_diff: str = ""
    run: list = field(default_factory=list)       # what happened while running (errors, limits)
    reflection: str = ""


def fired_hint(key, message: str) -> str:
    """'w<n>' for the known wrong answer (n-th `wrong:` entry of the key) whose hint the message shows."""
    for number, wrong in enumerate(key.get("wrong", []), start=1):
        if wrong.get("hint") and wrong["hint"] in (message or ""):
            return f"w{number}"
    return ""


def _sorted_events(events):
    """(answers by question, errors by cell, skipped commands by cell, the last cell started)."""
    answers, errors, skipped, last = {}, {}, {}, None
    for event in events:
        if event.get("event") == "cell":
            last = event
        elif event.get("event") == "error":
            errors[event["index"]] = event["error"]
        elif event.get("event") == "skipped":
            skipped.setdefault(event["index"], []).append(str(event.get("command", ""))[:200])
        elif event.get("event") == "answer":
            answers[event["question"]] = event
    return answers, errors, skipped, last


def run_notes(ended, errors, skipped, last) -> list:
    """What happened while the notebook ran, one sentence each: where a limit stopped it, errors, skipped commands."""
    notes = []
    if ended:
        where = f"cell {last['index'] + 1}" if last else "before the first cell"
        if last and last.get("question"):
            where += f" (question {last['question']})"
        notes.append(f"Stopped while running {where}: {ended}.")
    for index, error in sorted(errors.items()):
        notes.append(f"Cell {index + 1} raised {error}")
    for index, commands in sorted(skipped.items()):
        shown = "; ".join(f"`{c}`" for c in commands[:5]) + (f" and {len(commands) - 5} more" if len(commands) > 5 else "")
        notes.append(f"Cell {index + 1}: skipped {shown} (shell commands and package installs are not run "
                     "when grading); the rest of the cell ran.")
    return notes


def question_row(row: dict, key: dict, event, ended) -> dict:
    """Fill one gradebook row: the checker's verdict on the answer the worker reported, or why there is none."""
    qid = row["question"]
    if key.get("live"):
        row.update(status="live", max=0, reason="answered by moving a widget, which only the live notebook "
                                                "sees; not part of the grade")
    elif event is None and ended:
        row.update(status="not run", reason=f"the notebook stopped before this question: {ended}")
    elif event is None:
        row.update(status="missing", reason="the answer cell for this question is missing from the notebook")
    else:
        feedback = evaluate(qid, from_plain(event["value"]))
        status = {"unanswered": "not answered", "unreadable": "unreadable"}.get(feedback.status, feedback.status)
        reason = "" if feedback.correct else feedback.message
        if event.get("cell_error") and feedback.status == "unanswered":
            reason = f"the answer cell raised {event['cell_error']}"
        row.update(score=feedback.score, status=status, reason=reason,
                   hint="" if feedback.correct else fired_hint(key, feedback.message))
    return row


def score(result: Result, lesson: str, events, ended, keys):
    """Add to `result` a row per question of the lesson and the notes on the run."""
    answers, errors, skipped, last = _sorted_events(events)
    result.run += run_notes(ended, errors, skipped, last)
    for qid in sorted(q for q, k in keys.items() if k["lesson"] == lesson):
        row = {"student": result.student, "submission": result.submission, "lesson": lesson, "question": qid,
               "score": 0, "max": 1, "hint": ""}
        result.rows.append(question_row(row, keys[qid], answers.get(qid), ended))
    if result.tamper:
        for row in result.rows:
            row["reason"] = (row["reason"] + " " if row["reason"] else "") + LOCKED_CELLS_CHANGED
