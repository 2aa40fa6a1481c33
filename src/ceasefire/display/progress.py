"""The student's progress per lesson, as a table and a chart (lesson 00's last section).

The progress file itself is read and written by ceasefire.checking.progress, which stays free of pandas
and plotly so that every check() in a student's kernel stays cheap; this module only draws it.
"""

import pandas as pd
import plotly.graph_objects as go

from ceasefire.checking import progress
from ceasefire.checking.keys import load_keys
from ceasefire.display import NEUTRAL, PALETTE, describe
from ceasefire.manifest import load_course

ANSWERED = ("correct", "partial", "incorrect")
COLUMNS = ["lesson", "title", "questions", "answered", "correct"]


def summary(keys: dict | None = None, results: dict | None = None) -> pd.DataFrame:
    """One row per lesson that has questions: how many there are, answered, correct."""
    keys = load_keys() if keys is None else keys
    results = progress.load() if results is None else results
    rows = []
    for lesson in load_course().lessons:
        ids = [qid for qid, key in keys.items() if key["lesson"] == lesson.slug]
        if not ids:
            continue
        states = [results.get(qid, {}).get("status") for qid in ids]
        rows.append({"lesson": lesson.number, "title": lesson.title, "questions": len(ids),
                     "answered": sum(s in ANSWERED for s in states), "correct": sum(s == "correct" for s in states)})
    return pd.DataFrame(rows, columns=COLUMNS)


def figure(table: pd.DataFrame | None = None):
    """Grouped bars per lesson: questions, answered, correct."""
    table = summary() if table is None else table
    labels = [f"{row.lesson} {row.title}" for row in table.itertuples()]
    fig = go.Figure([go.Bar(name=column, x=labels, y=table[column].tolist(), marker_color=colour)
                     for column, colour in (("questions", NEUTRAL), ("answered", PALETTE[1]), ("correct", PALETTE[2]))])
    total, answered, correct = (int(table[c].sum()) for c in ("questions", "answered", "correct"))
    fig.update_layout(barmode="group", title=f"Your progress: {correct} of {total} questions correct",
                      xaxis_title="lesson", yaxis_title="questions", height=360)
    text = (f"Bars for each lesson with exercises: questions, answered, correct. So far {answered} of {total} "
            f"questions are answered and {correct} are correct.")
    return describe(fig, text)
