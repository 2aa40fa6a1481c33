"""The class report: one offline HTML page from a gradebook, for the instructor.

`ceasefire report gradebook.csv --out class-report.html` writes a single file that opens without a
network: plotly.js is embedded in the page, copied from the installed plotly package (about 4.6 MB), and a
Content-Security-Policy forbids every fetch. Every figure has a text description under it. It shows:

1. the score distribution per lesson (checked questions; each dot a student);
2. the success rate per question (share of submissions with full marks);
3. the known misconceptions: for each question, which known wrong answer's hint fired (the gradebook's
   `hint` column), ranked by how many students hit it, with what those students believed instead (the
   wrong answer as solutions/keys.yml writes it) and a link to the lesson section that teaches the point
   (`section:` in keys.yml);
and, in words at the top, which questions most students missed and what they most often believed instead.

The page names wrong answers and, through them, points at right ones: it is for instructors, never for
students. Without solutions/ (a student release) it falls back to the hint texts.
"""

import datetime as dt
import html
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ceasefire.errors import CourseError
from ceasefire.files import write_atomic
from ceasefire.instructor.export import read_gradebook

SKIP_STATUSES = ("ungradable", "live", "marked", "to mark")


@dataclass
class Misconception:
    question: str
    hint_id: str               # "w1"
    students: set = field(default_factory=set)
    believed: str = ""         # the wrong answer, in the key's words
    hint: str = ""             # the hint the students saw


@dataclass
class Question:
    qid: str
    lesson: str
    submissions: int = 0
    correct: int = 0
    partial: int = 0
    mean: float = 0.0
    misconceptions: list = field(default_factory=list)
    section: str = ""
    link: str = ""

    @property
    def share(self) -> float:
        return self.correct / self.submissions if self.submissions else 0.0


def _believed(spec: dict, number: int) -> str:
    """The n-th known wrong answer of a plain key, in words."""
    try:
        wrong = spec.get("wrong", [])[number - 1]
    except (IndexError, AttributeError):
        return ""
    if "answer" in wrong:
        answer = wrong["answer"]
        return ", ".join(map(str, answer)) if isinstance(answer, list) else str(answer)
    if "item" in wrong:
        return f"\"{wrong['item']}\" in place {int(wrong.get('position', 0)) + 1}"
    if "key" in wrong:
        return f"{wrong['key']}: {wrong['value']}"
    return "a figure of other data" if "x" in wrong else ""


def anchor(heading: str) -> str:
    """JupyterLab's id for a notebook heading: spaces become dashes, the rest is kept (URL-escaped)."""
    from urllib.parse import quote
    return quote(heading.strip().replace(" ", "-"), safe="-._~()!*'")


def analyse(rows, keys: dict, plain: dict | None = None, lessons_url: str = "lessons/"):
    """{qid: Question} with misconceptions counted per distinct student, most common first."""
    plain = plain or {}
    questions = {}
    for row in rows:
        if row["status"] in SKIP_STATUSES or not row["max"] or row["question"] not in keys:
            continue
        q = questions.get(row["question"])
        if q is None:
            lesson = keys[row["question"]]["lesson"]
            spec = plain.get(row["question"], {}) if isinstance(plain.get(row["question"]), dict) else {}
            section = spec.get("section", "")
            q = questions[row["question"]] = Question(row["question"], lesson, section=section,
                                                      link=f"{lessons_url}{lesson}.ipynb" + (f"#{anchor(section)}" if section else ""))
            q._scores, q._found = [], {}
        q.submissions += 1
        q._scores.append(row["score"] / row["max"])
        q.correct += row["status"] == "correct"
        q.partial += row["status"] == "partial"
        if row.get("hint"):
            m = q._found.get(row["hint"])
            if m is None:
                number = int(row["hint"][1:]) if re.fullmatch(r"w\d+", row["hint"]) else 0
                wrongs = keys[row["question"]].get("wrong", [])
                hint = wrongs[number - 1]["hint"] if 0 < number <= len(wrongs) else ""
                spec = plain.get(row["question"]) if isinstance(plain.get(row["question"]), dict) else {}
                m = q._found[row["hint"]] = Misconception(row["question"], row["hint"], hint=hint,
                                                          believed=_believed(spec, number) if spec else "")
            m.students.add(row["student"])
    for q in questions.values():
        q.mean = sum(q._scores) / len(q._scores) if q._scores else 0.0
        q.misconceptions = sorted(q._found.values(), key=lambda m: (-len(m.students), m.hint_id))
        del q._scores, q._found
    return dict(sorted(questions.items()))


def lesson_scores(rows):
    """{lesson: {student: percent of the checked questions' points}}."""
    got, top = {}, {}
    for row in rows:
        if row["status"] in SKIP_STATUSES or not row["lesson"]:
            continue
        key = (row["lesson"], row["student"])
        got[key] = got.get(key, 0.0) + row["score"]
        top[key] = top.get(key, 0.0) + row["max"]
    out = {}
    for (lesson, student), points in sorted(got.items()):
        if top[(lesson, student)]:
            out.setdefault(lesson, {})[student] = 100 * points / top[(lesson, student)]
    return out


def _plural(n, word):
    return f"{n} {word}" + ("" if n == 1 else "s")


def headline(questions: dict, top: int = 3):
    """Sentences: the questions most students missed, and what they most often believed instead."""
    missed = sorted((q for q in questions.values() if q.submissions and q.share < 1),
                    key=lambda q: (q.share, q.qid))[:top]
    lines = []
    for q in missed:
        wrong = q.submissions - q.correct
        text = f"{q.qid}: {wrong} of {q.submissions} did not get it right"
        if q.misconceptions:
            m = q.misconceptions[0]
            belief = f"\u201c{m.believed}\u201d" if m.believed else f"the mistake behind the hint \u201c{m.hint}\u201d"
            text += f"; most often ({_plural(len(m.students), 'student')}) they believed {belief}"
        else:
            text += "; no known wrong answer stands out"
        lines.append(text + ".")
    return lines


def most_missed(questions: dict) -> str:
    """One sentence: the questions more than half of the submissions did not get fully right."""
    missed = [q.qid for q in sorted(questions.values(), key=lambda q: (q.share, q.qid)) if q.submissions and q.share < 0.5]
    if not missed:
        return "No question was missed by more than half of the class. The hardest:"
    return (f"Missed by most of the class (fewer than half fully right): {', '.join(missed)}. "
            "The hardest, and what students most often believed instead:")


def _score_figure(rows, titles: dict, go, palette):
    fig = go.Figure()
    parts = []
    for i, (lesson, by_student) in enumerate(sorted(lesson_scores(rows).items())):
        values = sorted(by_student.values())
        fig.add_trace(go.Box(y=values, name=titles.get(lesson, lesson), boxpoints="all", jitter=0.4, pointpos=0,
                             marker_color=palette[i % len(palette)], text=list(by_student), hoverinfo="y+text"))
        median = values[len(values) // 2] if len(values) % 2 else (values[len(values) // 2 - 1] + values[len(values) // 2]) / 2
        parts.append(f"{titles.get(lesson, lesson)}: {_plural(len(values), 'student')}, median {median:.0f}%, "
                     f"lowest {values[0]:.0f}%, highest {values[-1]:.0f}%")
    fig.update_layout(title="Score per lesson (checked questions)", yaxis_title="score (% of the checked points)",
                      xaxis_title="lesson", yaxis_range=[-5, 105], showlegend=False)
    return ("Score distribution per lesson", fig,
            "A box per lesson of each student's share of the checked questions' points (each dot one student). "
            + "; ".join(parts) + ".")


def _success_figure(qs, go, palette):
    fig = go.Figure(go.Bar(x=[q.qid for q in qs], y=[100 * q.share for q in qs],
                           marker_color=[palette[sorted({x.lesson for x in qs}).index(q.lesson) % len(palette)] for q in qs],
                           text=[f"{100 * q.share:.0f}%" for q in qs], textposition="outside",
                           customdata=[[q.correct, q.submissions] for q in qs],
                           hovertemplate="%{x}: %{customdata[0]} of %{customdata[1]} right<extra></extra>"))
    fig.update_layout(title="Success rate per question", xaxis_title="question", yaxis_title="full marks (% of submissions)",
                      yaxis_range=[0, 110])
    hardest = sorted(qs, key=lambda q: (q.share, q.qid))[:3]
    return ("Success rate per question", fig,
            "A bar per question: the share of submissions that got it fully right. "
            + (f"Lowest: {', '.join(f'{q.qid} {100 * q.share:.0f}% ({q.correct} of {q.submissions})' for q in hardest)}. "
               if hardest else "")
            + f"Highest: {', '.join(f'{q.qid} {100 * q.share:.0f}%' for q in sorted(qs, key=lambda q: (-q.share, q.qid))[:3])}.")


def _misconception_figure(qs, go, palette):
    ranked = sorted(((len(m.students), q.qid, m) for q in qs for m in q.misconceptions), key=lambda t: (-t[0], t[1], t[2].hint_id))
    labels = [f"{qid}: {(m.believed or m.hint)[:60]}" for _, qid, m in ranked][::-1]
    fig = go.Figure(go.Bar(y=labels, x=[n for n, _, _ in ranked][::-1], orientation="h", marker_color=palette[5 % len(palette)],
                           text=[n for n, _, _ in ranked][::-1], textposition="outside",
                           hovertemplate="%{y}: %{x} students<extra></extra>"))
    fig.update_layout(title="Known misconceptions, by how many students hit them", xaxis_title="students",
                      yaxis_title="question: what they believed", xaxis_dtick=1, height=max(320, 28 * len(ranked) + 140),
                      margin={"l": 360})
    if ranked:
        described = "; ".join(f"{qid} \u201c{(m.believed or m.hint)}\u201d {_plural(n, 'student')}" for n, qid, m in ranked[:5])
        text = (f"A bar per known wrong answer that at least one student gave ({len(ranked)} in all), longest first. "
                f"Most common: {described}.")
    else:
        text = "No submission matched a known wrong answer."
    return ("Known misconceptions", fig, text)


def figures(rows, questions: dict, titles: dict):
    """[(title, figure, description)] built with plotly."""
    import plotly.graph_objects as go
    from ceasefire.display import PALETTE

    qs = list(questions.values())
    return [_score_figure(rows, titles, go, PALETTE), _success_figure(qs, go, PALETTE),
            _misconception_figure(qs, go, PALETTE)]


def _misconception_table(questions: dict, titles: dict) -> list:
    """A row per known wrong answer given: what students believed, how many, the hint they saw, where it is taught."""
    body = ["<h2>Misconceptions per question</h2>",
            '<table id="misconceptions"><thead><tr><th>question</th><th>right</th><th>what students believed instead'
            "</th><th>students</th><th>hint they saw</th><th>taught in</th></tr></thead><tbody>"]
    for q in questions.values():
        where = f'<a href="{html.escape(q.link)}">{html.escape(titles.get(q.lesson, q.lesson))}' + \
                (f", {html.escape(q.section)}" if q.section else "") + "</a>"
        if not q.misconceptions:
            body.append(f'<tr data-question="{q.qid}"><td>{q.qid}</td><td>{q.correct} of {q.submissions}</td>'
                        f'<td class="note">no known wrong answer given</td><td></td><td></td><td>{where}</td></tr>')
        for i, m in enumerate(q.misconceptions):
            body.append(f'<tr data-question="{q.qid}" data-hint="{m.hint_id}" data-count="{len(m.students)}">'
                        + (f"<td>{q.qid}</td><td>{q.correct} of {q.submissions}</td>" if i == 0 else "<td></td><td></td>")
                        + f"<td>{html.escape(m.believed or '(see hint)')}</td><td>{len(m.students)}</td>"
                        f"<td>{html.escape(m.hint)}</td><td>{where if i == 0 else ''}</td></tr>")
    body.append("</tbody></table>")
    return body


def render(rows, keys: dict, plain: dict | None = None, titles: dict | None = None, lessons_url: str = "lessons/",
           source: str = "gradebook.csv") -> str:
    import plotly.offline
    titles = titles or {}
    questions = analyse(rows, keys, plain, lessons_url)
    students = sorted({r["student"] for r in rows})
    ungradable = sorted({(r["student"], r["submission"]) for r in rows if r["status"] == "ungradable"})
    body = [f"<h1>Class report</h1>",
            f'<p class="note">From {html.escape(source)}: {_plural(len(students), "student")}, '
            f"{_plural(len({(r['student'], r['submission']) for r in rows}), 'submission')}"
            + (f", of which {len(ungradable)} could not be graded (see the gradebook's reason column)" if ungradable else "")
            + f". Written {dt.datetime.now():%Y-%m-%d %H:%M}. For instructors only: it names the wrong answers.</p>",
            "<h2>What the class found hardest</h2>", f'<p id="most-missed">{html.escape(most_missed(questions))}</p>', "<ul>"]
    lines = headline(questions)
    if not lines:
        lines = ["Every checked question was answered right by everyone."] if questions else \
                ["This gradebook holds no checked answer (every submission was ungradable or live)."]
    body += [f"<li>{html.escape(line)}</li>" for line in lines]
    body.append("</ul>")
    for number, (title, fig, description) in enumerate(figures(rows, questions, titles), start=1):
        div = fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"figure-{number}",
                          config={"displaylogo": False, "responsive": True})
        body += [f'<figure class="report-figure" id="fig{number}" aria-describedby="desc{number}">',
                 f"<h2>{html.escape(title)}</h2>", div,
                 f'<figcaption id="desc{number}" class="description">{html.escape(description)}</figcaption></figure>']
    body += _misconception_table(questions, titles)
    csp = ("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
           "img-src data: blob:; font-src data:")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
            "<title>Class report</title><style>"
            "body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222}"
            "table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;"
            "vertical-align:top}th{background:#f3f3f3}.note{color:#555}figure{margin:2rem 0}"
            "figcaption{color:#333;max-width:60rem}</style>"
            f"<script>{plotly.offline.get_plotlyjs()}</script></head><body>"
            + "\n".join(body) + "</body></html>\n")


def report(gradebook: Path, out: Path, lessons_url: str | None = None, root: Path | None = None):
    """Write the report; returns (path, questions)."""
    from ceasefire.checking.keys import load_keys
    from ceasefire.instructor.compile_keys import read_plain
    from ceasefire.instructor.export import lesson_titles
    from ceasefire.paths import course_root
    rows = read_gradebook(gradebook)
    keys = load_keys()
    unknown = sorted({r["question"] for r in rows if r["question"] not in keys and not re.fullmatch(r"r\d\d|\(all\)", r["question"])})
    if unknown:
        raise CourseError(f"{gradebook} names questions this course does not have ({', '.join(unknown[:5])}); "
                          "was it graded against another version of the course?")
    root = Path(root) if root else course_root()
    plain_path = root / "solutions" / "keys.yml"
    plain = read_plain(plain_path) if plain_path.exists() else {}
    out = Path(out)
    if lessons_url is None:   # a relative link from the report to the course's lesson notebooks
        lessons_url = Path(os.path.relpath(root / "lessons", out.resolve().parent)).as_posix() + "/"
    titles = lesson_titles({k["lesson"] for k in keys.values()})
    text = render(rows, keys, plain, titles, lessons_url, source=Path(gradebook).name)
    write_atomic(out, text)
    return out, analyse(rows, keys, plain, lessons_url)
