"""`check(question_id, answer)`: instant feedback in the notebook that never reveals the answer.

The result is one of: correct; partly correct (what is right, how much); incorrect, with a hint for a
known mistake; not answered yet (the `...` placeholder); or a friendly sentence when the answer cannot
be read. `check` never raises, whatever it is given, and never shows a key or any test code. Each result
is recorded in the student's progress file (ceasefire.checking.progress); when that file cannot be
written, the student is told once.
"""

import sys
from pathlib import Path

from ceasefire.checking import answers
from ceasefire.checking import progress
from ceasefire.checking.keys import load_keys
from ceasefire.checking.kinds import KINDS
from ceasefire.checking.verdict import STATUSES, STYLE, Feedback  # noqa: F401 - part of this module's API

PACKAGE = Path(__file__).resolve().parents[1]
NOT_ANSWERED = "Replace the ... with your answer, then run this cell again."
# The answer is an object that fails when looked at (its own code raised): say so, naming the error.
ANSWER_RAISED = ("This answer could not be read: the object raised {error} when the checker looked at it. "
                 "Give a plain value instead: a number, a date, text in quotes or a list.")
# Only a defect of the checker itself ends here; tests/test_checks.py makes sure no input reaches it.
GENERIC = ("This answer could not be read. Check that it is the kind of answer the question asks for "
           "(a number, a date, text in quotes, a list ...).")
PROGRESS_NOT_SAVED = ("Note: your progress is not being saved ({reason}). Your answers are still checked; "
                      "tell your instructor if this keeps happening.")
_warned = {"progress": False}


def watch(widget):
    """Call on a widget a question is answered with; returns the widget, so it can be displayed directly."""
    widget._ceasefire_touched = False

    def touched(change):
        widget._ceasefire_touched = True
    widget.observe(touched, names="value")
    return widget


def _unwrap(answer):
    """Widgets answer with their value; a widget still untouched has not been answered."""
    if hasattr(answer, "value") and hasattr(answer, "observe") and hasattr(answer, "keys"):
        if getattr(answer, "_ceasefire_touched", True) is False:
            raise answers.NotAnswered
        return answer.value
    return answer


def _raised_by_the_answer(exc: BaseException) -> bool:
    """True when the innermost frame of the error is not the checker's own code: the student's object (or the
    library it comes from) raised while being read. An error inside ceasefire is a defect of the checker."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return False
    return not Path(tb.tb_frame.f_code.co_filename).resolve().is_relative_to(PACKAGE)


def evaluate(question_id, answer) -> Feedback:
    """Score an answer without recording it. Never raises."""
    qid = str(question_id)[:40] if isinstance(question_id, str) else repr(question_id)[:40]
    try:
        keys = load_keys()
    except Exception as exc:   # noqa: BLE001 - the message is already meant for a person
        return Feedback(qid, "unknown", str(exc))
    key = keys.get(qid)
    if key is None:
        return Feedback(qid, "unknown", "There is no question with this id; check the spelling, e.g. \"q03.2\".")
    try:
        answer = _unwrap(answer)
        if answers.is_blank(answer):
            raise answers.NotAnswered
        return KINDS[key["kind"]].check(qid, key, answer)
    except answers.NotAnswered:
        return Feedback(qid, "unanswered", NOT_ANSWERED)
    except answers.Unreadable as exc:
        return Feedback(qid, "unreadable", str(exc))
    except Exception as exc:   # noqa: BLE001 - a student's odd object must never produce a traceback
        if _raised_by_the_answer(exc):
            return Feedback(qid, "unreadable", ANSWER_RAISED.format(error=type(exc).__name__))
        return Feedback(qid, "unreadable", GENERIC)


def _progress_not_saved(exc: Exception):
    """Tell the student once per session, in one sentence, that results are not being recorded."""
    if _warned["progress"]:
        return
    _warned["progress"] = True
    if isinstance(exc, OSError) and exc.strerror:
        reason = f"the progress file cannot be written: {exc.strerror}"
    else:
        reason = f"saving it failed with {type(exc).__name__}"
    print(PROGRESS_NOT_SAVED.format(reason=reason), file=sys.stderr)


def check(question_id, answer) -> Feedback:
    """Check an answer, show the feedback, and record the result in your progress file."""
    feedback = evaluate(question_id, answer)
    if feedback.status not in ("unknown", "unreadable"):
        try:
            progress.record(feedback.question, feedback.status, feedback.score)
        except Exception as exc:   # noqa: BLE001 - feedback matters more than bookkeeping
            _progress_not_saved(exc)
    return feedback
