"""No answer key contradicts what the lessons teach about the same paragraph.

The article map (data/article_map.csv) gives each paragraph one kind of statement. Lessons label the
author's paragraphs in bold ("**Author's opinion** [P06]", "**Recommendation** [P05]" ...), and a key may
ask students to classify paragraphs. A student who agrees with a lesson must not be marked wrong, so all
three must agree: the labels and the keys are checked against the map."""

import re

import nbformat
import pytest

from ceasefire import data
from ceasefire.instructor import compile_keys as keys
from ceasefire.manifest import load_course

# What each bold label in a lesson asserts about the kind of the paragraphs it names.
LABEL_KINDS = {
    "author's opinion": "opinion",
    "author's claim": "fact claim",
    "author's claims": "fact claim",
    "forecast": "opinion",
    "recommendation": "recommendation",
    "open question": "question",
    "the open question": "question",
}
LABEL = re.compile(r"\*\*([A-Za-z' ]+)\*\*:?\s*((?:\[P\d{2}\]\s*)+)")
KIND_OF = dict(zip(data.article_map()["paragraph"], data.article_map()["kind"]))
PLAIN_KEYS = keys.read_plain(load_course().root / "solutions" / "keys.yml")


def lesson_labels(text: str):
    """(label, paragraph) pairs for the bold kind labels in a Markdown text."""
    for label, paragraphs in LABEL.findall(text):
        kind = LABEL_KINDS.get(label.strip().lower())
        if kind:
            for paragraph in re.findall(r"P\d{2}", paragraphs):
                yield label.strip(), kind, paragraph


def test_the_label_pattern_reads_labels_and_ignores_other_bold_text():
    text = "**Author's opinion** [P06]: ... **Recommendation** [P05] [P17] ... **The photo** [P02]"
    assert list(lesson_labels(text)) == [("Author's opinion", "opinion", "P06"),
                                         ("Recommendation", "recommendation", "P05"),
                                         ("Recommendation", "recommendation", "P17")]


LESSONS = [lesson.notebook for lesson in load_course().lessons if lesson.ready]


@pytest.mark.parametrize("notebook", LESSONS)
def test_lesson_labels_agree_with_the_article_map(notebook):
    nb = nbformat.read(load_course().root / notebook, as_version=4)
    wrong = [f"{label} [{p}] but article_map says {KIND_OF[p]}"
             for cell in nb.cells if cell.cell_type == "markdown"
             for label, kind, p in lesson_labels(cell.source) if KIND_OF[p] != kind]
    assert wrong == []


def _paragraph_kind_keys():
    """Keys that ask for the kind of statement of article paragraphs: (question id, {paragraph: kind}, wrongs)."""
    for qid, spec in PLAIN_KEYS.items():
        if spec.get("kind") == "match" and set(spec.get("values", [])) <= set(data.STATEMENT_KINDS):
            yield qid, spec["answer"], spec.get("wrong", [])


def test_some_key_asks_for_kinds_of_statement():
    assert list(_paragraph_kind_keys()), "the test would pass vacuously"


@pytest.mark.parametrize("qid, answer, wrongs", list(_paragraph_kind_keys()), ids=lambda v: v if isinstance(v, str) else "")
def test_keys_agree_with_the_article_map(qid, answer, wrongs):
    assert {p: k for p, k in answer.items() if KIND_OF[p] != k} == {}
    # A known wrong answer must never be the map's own kind for that paragraph.
    assert [w for w in wrongs if KIND_OF.get(w.get("key")) == w.get("value")] == []


def test_the_check_fails_on_a_key_that_contradicts_the_map():
    paragraph = "P05"
    other = next(k for k in data.STATEMENT_KINDS if k != KIND_OF[paragraph])
    assert {p: k for p, k in {paragraph: other}.items() if KIND_OF[p] != k}
    assert list(lesson_labels(f"**Author's claim** [{paragraph}]"))[0][1] != KIND_OF[paragraph]
