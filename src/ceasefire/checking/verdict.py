"""What `check` says about an answer: a status, a sentence for the student, and a score."""

import html
from dataclasses import dataclass

STATUSES = ("correct", "partial", "incorrect", "unanswered", "unreadable", "unknown")
STYLE = {  # colour (Okabe-Ito) and label per status
    "correct": ("#009E73", "Correct"),
    "partial": ("#E69F00", "Partly correct"),
    "incorrect": ("#D55E00", "Not yet"),
    "unanswered": ("#999999", "Not answered yet"),
    "unreadable": ("#0072B2", "Cannot read this answer"),
    "unknown": ("#0072B2", "Unknown question"),
}
WELL_DONE = "Well done."
DEFAULT_HINT = "Not yet: look again at the lesson and try once more."


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


def hint_for(key: dict, hashes) -> str | None:
    """The hint of the first known mistake (a `wrong` entry of the key) that one of `hashes` matches."""
    for wrong in key.get("wrong", []):
        if set(wrong["match"]) & set(hashes):
            return wrong["hint"]
    return None


def single(qid: str, key: dict, hashed: str) -> Feedback:
    """The verdict on a one-part answer: right, or wrong with the hint of its known mistake if any."""
    if hashed in key["accept"]:
        return Feedback(qid, "correct", WELL_DONE, 1.0)
    return Feedback(qid, "incorrect", hint_for(key, [hashed]) or key["hint"])


def credit(qid: str, key: dict, hashes: list, extra: int, summary) -> Feedback:
    """The verdict on an answer of several parts: credit per right part, less one per part that does not
    belong; `summary(right)` says how it went in a few words."""
    size = key["size"]
    right = sum(h in key["accept"] for h in hashes)
    if right == size and extra == 0:
        return Feedback(qid, "correct", WELL_DONE, 1.0)
    score = max(0.0, (right - extra) / size)
    hint = hint_for(key, hashes)
    message = f"{summary(right)}." + (f" Hint: {hint}" if hint else f" {key['hint']}")
    return Feedback(qid, "partial" if right > 0 else "incorrect", message, round(score, 3))
