"""Lessons against the manifest: every paragraph a lesson lists is cited in it, every content paragraph of
the column is cited somewhere, and lessons label opinion, record and model."""

import re

import nbformat
import pytest

from ceasefire import data
from ceasefire.manifest import load_course
from conftest import ROOT

COURSE = load_course(ROOT)
READY = [lesson for lesson in COURSE.lessons if lesson.ready]
APPARATUS = ("caption", "cross-link", "disclaimer")   # page furniture, not the argument


def markdown(lesson):
    nb = nbformat.read(ROOT / lesson.notebook, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def cited(text):
    return set(re.findall(r"\[(P\d\d)\]", text))


@pytest.mark.parametrize("lesson", READY[1:], ids=lambda l: l.slug)
def test_each_lesson_cites_the_paragraphs_it_lists(lesson):
    missing = set(lesson.paragraphs) - cited(markdown(lesson))
    assert not missing, f"{lesson.slug} lists {sorted(missing)} in course.yml but never cites them"


def test_every_content_paragraph_is_cited_by_a_lesson():
    content = set(data.article_map().query("kind not in @APPARATUS")["paragraph"])
    everywhere = set().union(*(cited(markdown(lesson)) for lesson in READY))
    assert content - everywhere == set()
    assert {"P01", "P03", "P04", "P05", "P06", "P07", "P08", "P09", "P10", "P11", "P12", "P14", "P15", "P16",
            "P17", "P18"} <= everywhere


@pytest.mark.parametrize("lesson", READY[1:], ids=lambda l: l.slug)
def test_each_lesson_labels_opinion_and_record(lesson):
    text = markdown(lesson)
    assert "Author's opinion" in text or "author's opinion" in text
    assert "The record" in text or "the record" in text


@pytest.mark.parametrize("lesson", READY, ids=lambda l: l.slug)
def test_each_lesson_is_small_and_has_a_widget(lesson):
    path = ROOT / lesson.notebook
    assert path.stat().st_size <= 300_000
    nb = nbformat.read(path, as_version=4)
    assert any("nbval-ignore-output" in c.metadata.get("tags", []) for c in nb.cells), "a widget-driven figure"
