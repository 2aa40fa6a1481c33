"""`check(question_id, answer)`: instant feedback in the notebook that never reveals the answer.

The result is one of: correct; partly correct (what is right, how much); incorrect, with a hint for a
known mistake; not answered yet (the `...` placeholder); or a friendly sentence when the answer cannot
be read. `check` never raises, whatever it is given, and never shows a key or any test code. Each result
is recorded in the student's progress file (ceasefire.checking.progress).
"""

import html
from dataclasses import dataclass

from ceasefire.checking import answers
from ceasefire.checking import progress
from ceasefire.checking.keys import canonical, digest, figure_digest, load_keys

STATUSES = ("correct", "partial", "incorrect", "unanswered", "unreadable", "unknown")
STYLE = {  # colour (Okabe-Ito) and label per status
    "correct": ("#009E73", "Correct"),
    "partial": ("#E69F00", "Partly correct"),
    "incorrect": ("#D55E00", "Not yet"),
    "unanswered": ("#999999", "Not answered yet"),
    "unreadable": ("#0072B2", "Cannot read this answer"),
    "unknown": ("#0072B2", "Unknown question"),
}


@dataclass(frozen=True)
class Feedback:
    question: str
    status: str
    message: str
    score: float = 0.0

    @property
    def correct(self) -> bool:
        return self.status == "correct"

    def __repr__(self):
        return f"{self.question}: {STYLE[self.status][1]}. {self.message}"

    def _repr_html_(self):
        colour, label = STYLE[self.status]
        return (f'<div class="ceasefire-check ceasefire-{self.status}" style="border-left:6px solid {colour};'
                f'padding:4px 10px;margin:4px 0"><b>{html.escape(self.question)}: {label}.</b> '
                f"{html.escape(self.message)}</div>")


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


def _hint_for(key, hashes):
    for wrong in key.get("wrong", []):
        if set(wrong["match"]) & set(hashes):
            return wrong["hint"]
    return None


def _single(qid, key, answer):
    kind = key["kind"]
    if kind == "choice":
        if answers.text(answer) not in [answers.text(o) for o in key["options"]]:
            raise answers.Unreadable("That is not one of the options: " + "; ".join(key["options"]) + ".")
    h = digest(qid, canonical(kind, answer, key))
    if h in key["accept"]:
        return Feedback(qid, "correct", "Well done.", 1.0)
    return Feedback(qid, "incorrect", _hint_for(key, [h]) or key["hint"])


def _collection(qid, key, answer):
    """multi, order and match: credit per element, hints for known wrong elements."""
    kind, size = key["kind"], key["size"]
    if kind == "multi":
        chosen = answers.items(answer, "options")
        allowed = {answers.text(o) for o in key["options"]}
        bad = [c for c in chosen if answers.text(c) not in allowed]
        if bad:
            raise answers.Unreadable(f"'{bad[0][:40]}' is not one of the options: " + "; ".join(key["options"]) + ".")
        hashes = [digest(qid, f"t:{answers.text(c)}") for c in dict.fromkeys(chosen)]
        right = sum(h in key["accept"] for h in hashes)
        extra = len(hashes) - right
        summary = f"{right} of the {size} right options chosen" + (f", {extra} that do not belong" if extra else "")
    elif kind == "order":
        given = answers.items(answer, "events")
        wanted = {answers.text(i) for i in key["items"]}
        if sorted(answers.text(g) for g in given) != sorted(wanted):
            raise answers.Unreadable(f"Put all {len(key['items'])} items in order, each once: "
                                     + "; ".join(key["items"]) + ".")
        hashes = [digest(qid, f"o:{i}:{answers.text(g)}") for i, g in enumerate(given)]
        right, extra = sum(h in key["accept"] for h in hashes), 0
        summary = f"{right} of {size} in the right place"
    else:   # match
        pairs = answers.mapping(answer)
        keys_ = {answers.text(k): k for k in key["keys"]}
        values = {answers.text(v) for v in key["values"]}
        for k, v in pairs.items():
            if answers.text(k) not in keys_:
                raise answers.Unreadable(f"'{k[:40]}' is not one of the things to match: " + ", ".join(key["keys"]) + ".")
            if answers.text(v) not in values:
                raise answers.Unreadable(f"'{v[:40]}' is not an allowed value; use one of: " + ", ".join(key["values"]) + ".")
        missing = [k for k in key["keys"] if answers.text(k) not in {answers.text(p) for p in pairs}]
        hashes = [digest(qid, f"p:{answers.text(k)}={answers.text(v)}") for k, v in pairs.items()]
        right, extra = sum(h in key["accept"] for h in hashes), 0
        summary = f"{right} of {size} pairs right" + (f"; still to match: {', '.join(missing)}" if missing else "")
    if right == size and extra == 0:
        return Feedback(qid, "correct", "Well done.", 1.0)
    score = max(0.0, (right - extra) / size)
    hint = _hint_for(key, hashes)
    message = f"{summary}." + (f" Hint: {hint}" if hint else f" {key['hint']}")
    return Feedback(qid, "partial" if right > 0 else "incorrect", message, round(score, 3))


def _figure(qid, key, answer):
    from plotly.basedatatypes import BaseFigure
    import plotly.graph_objects as go

    if isinstance(answer, dict) and "data" in answer:
        try:
            answer = go.Figure(answer)
        except (ValueError, TypeError):
            raise answers.Unreadable("This dictionary is not a plotly figure; build one with px or go.") from None
    if not isinstance(answer, BaseFigure):
        raise answers.Unreadable("This answer should be a plotly figure (for example the result of px.bar(...)), "
                                 f"but it is {answers._describe_type(answer)}.")
    if not answer.data:
        return Feedback(qid, "incorrect", "The figure has no data yet: add a trace.")
    trace = answer.data[0]
    x = [] if getattr(trace, "x", None) is None else trace.x
    y = [] if getattr(trace, "y", None) is None else trace.y
    titles = [answer.layout.xaxis.title.text, answer.layout.yaxis.title.text]
    parts = {
        "type": trace.type == key["trace_type"],
        "data": digest(qid, figure_digest(trace.type, x, y)) in key["accept"],
        "axes": all(str(t or "").strip() for t in titles),
    }
    if all(parts.values()):
        return Feedback(qid, "correct", "Well done: the right kind of chart, the right data, both axes titled.", 1.0)
    notes = []
    if not parts["type"]:
        notes.append(f"the chart is a {trace.type} chart, but the question asks for a {key['trace_type']} chart")
    if not parts["data"]:
        wrong = _hint_for(key, [digest(qid, figure_digest(key["trace_type"], x, y))])
        notes.append(wrong or "the data plotted are not the ones asked for")
    if not parts["axes"]:
        notes.append("give both axes a title that says what they show")
    right = sum(parts.values())
    return Feedback(qid, "partial" if right else "incorrect",
                    f"{right} of 3 parts right: " + "; ".join(notes) + ".", round(right / 3, 3))


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
        if key["kind"] in ("multi", "order", "match"):
            return _collection(qid, key, answer)
        if key["kind"] == "figure":
            return _figure(qid, key, answer)
        return _single(qid, key, answer)
    except answers.NotAnswered:
        return Feedback(qid, "unanswered", "Replace the ... with your answer, then run this cell again.")
    except answers.Unreadable as exc:
        return Feedback(qid, "unreadable", str(exc))
    except Exception:   # noqa: BLE001 - a student's odd object must never produce a traceback
        return Feedback(qid, "unreadable", "This answer could not be read. Check that it is the kind of "
                                           "answer the question asks for (a number, a date, text in quotes, a list ...).")


def check(question_id, answer) -> Feedback:
    """Check an answer, show the feedback, and record the result in your progress file."""
    feedback = evaluate(question_id, answer)
    if feedback.status not in ("unknown", "unreadable"):
        try:
            progress.record(feedback.question, feedback.status, feedback.score)
        except Exception:   # noqa: BLE001 - feedback matters more than bookkeeping
            pass
    return feedback
