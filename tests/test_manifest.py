"""The manifest is the one list of lessons; everything else is checked against it."""

from pathlib import Path

import nbformat
import pytest
import yaml

from ceasefire import data
from ceasefire.errors import CourseError
from ceasefire.manifest import (load_course, parse_manifest, readme_lesson_table, render_readme,
                                lesson_opening_markdown, binder_url)
from conftest import ROOT

COURSE = load_course(ROOT)


def test_lessons_are_in_order_and_00_is_ready():
    assert COURSE.slugs[0] == "00-start-here"
    assert [int(s[:2]) for s in COURSE.slugs] == list(range(len(COURSE.slugs)))
    assert COURSE.lesson("00-start-here").ready


def test_every_ready_lesson_has_its_notebook_and_no_notebook_is_unlisted():
    on_disk = {p.stem for p in (ROOT / "lessons").glob("*.ipynb")}
    ready = {l.slug for l in COURSE.lessons if l.ready}
    assert ready <= on_disk, f"ready lessons without a notebook: {ready - on_disk}"
    assert on_disk <= set(COURSE.slugs), f"notebooks not in course.yml: {on_disk - set(COURSE.slugs)}"
    planned_with_notebook = {l.slug for l in COURSE.lessons if not l.ready} & on_disk
    assert not planned_with_notebook, f"mark these lessons ready in course.yml: {planned_with_notebook}"


@pytest.mark.parametrize("lesson", [l for l in COURSE.lessons if l.ready], ids=lambda l: l.slug)
def test_each_lesson_opens_and_closes_from_the_manifest(lesson):
    nb = nbformat.read(ROOT / lesson.notebook, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert f'course.opening("{lesson.slug}")' in code[0]
    assert code[-1].strip() == f'course.closing("{lesson.slug}")'
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")


def test_opening_shows_minutes_questions_and_objectives():
    lesson = COURSE.lesson("03-february-failure")
    text = lesson_opening_markdown(lesson, COURSE)
    assert "about 60 minutes" in text and "[P10]" in text and "02 The September 2016 arrangement" in text
    for item in lesson.questions + lesson.objectives:
        assert item in text


def test_readme_table_is_current():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert render_readme(readme, COURSE) == readme, "README.md lesson table is stale: run `make readme`"
    for lesson in COURSE.lessons:
        assert lesson.title in readme


def test_readme_table_links_binder_once_a_repository_is_set():
    raw = yaml.safe_load((ROOT / "course.yml").read_text())
    raw["repository"] = "someone/ceasefire-course"
    table = readme_lesson_table(parse_manifest(raw, ROOT))
    assert binder_url("someone/ceasefire-course", "lessons/00-start-here.ipynb") in table
    assert ("(https://mybinder.org/v2/gh/someone/ceasefire-course/HEAD?urlpath=lab%2Ftree%2Flessons%2F"
            "00-start-here.ipynb)") in table


@pytest.mark.parametrize("repository, path, ref, expected", [
    ("someone/course", "lessons/00-start-here.ipynb", "HEAD",
     "https://mybinder.org/v2/gh/someone/course/HEAD?urlpath=lab%2Ftree%2Flessons%2F00-start-here.ipynb"),
    ("someone/course", "a b/c#1.ipynb", "fix/typo",     # a branch with '/', a path with a space and a '#'
     "https://mybinder.org/v2/gh/someone/course/fix%2Ftypo?urlpath=lab%2Ftree%2Fa%20b%2Fc%231.ipynb"),
    ("my-org/my.repo_2", "x.ipynb", "v1.0", "https://mybinder.org/v2/gh/my-org/my.repo_2/v1.0?urlpath=lab%2Ftree%2Fx.ipynb"),
])
def test_binder_url_quotes_ref_and_path(repository, path, ref, expected):
    assert binder_url(repository, path, ref) == expected


@pytest.mark.parametrize("repository, path, ref", [
    ("git://127.0.0.1/course.git", "x.ipynb", "main"),    # not a GitHub OWNER/NAME
    ("someone", "x.ipynb", "main"),
    ("", "x.ipynb", "main"),
    ("someone/course", "x.ipynb", ""),
    ("someone/course", "", "main"),
])
def test_binder_url_refuses_what_binder_cannot_build(repository, path, ref):
    with pytest.raises(CourseError, match="Binder link needs"):
        binder_url(repository, path, ref)


def test_every_paragraph_is_taught_by_a_lesson_that_lists_it():
    for row in data.article_map().itertuples():
        assert row.paragraph in COURSE.lesson(row.lesson).paragraphs, (
            f"{row.paragraph} is assigned to {row.lesson} in article_map.csv but course.yml does not list it")


def _raw():
    return yaml.safe_load((ROOT / "course.yml").read_text())


@pytest.mark.parametrize("change, message", [
    (lambda r: r["lessons"][1].update(slug="07-reading-the-column"), "numbered in order from 00; expected 01"),
    (lambda r: r["lessons"][1].update(slug="01 Reading"), "'slug' must look like"),
    (lambda r: r["lessons"][2].update(minutes="fifty"), "'minutes' must be a whole number"),
    (lambda r: r["lessons"][2].update(paragraphs=["P33"]), "'P33' is not an article paragraph id"),
    (lambda r: r["lessons"][1].update(prerequisites=["05-aftermath"]), "is not an earlier lesson"),
    (lambda r: r["lessons"][1].update(status="draft"), "'status' must be one of ready, planned"),
    (lambda r: r["lessons"][1].update(homework="yes"), "unknown field(s) homework"),
    (lambda r: r["lessons"][1].update(questions=[]), "needs questions, objectives and key_points"),
    (lambda r: r["lessons"].append(dict(r["lessons"][1])), "is listed twice"),
    (lambda r: r.update(lessons=[]), "needs a non-empty 'lessons' list"),
    (lambda r: r.update(repository="not a repo"), "'repository' must look like OWNER/NAME"),
])
def test_broken_manifest_names_lesson_and_field(change, message):
    raw = _raw()
    change(raw)
    with pytest.raises(CourseError) as info:
        parse_manifest(raw, ROOT)
    assert message in str(info.value)


def test_unreadable_manifest(tmp_path):
    (tmp_path / "course.yml").write_text("lessons: [unclosed", encoding="utf-8")
    with pytest.raises(CourseError, match="is not valid YAML"):
        load_course(tmp_path)
    with pytest.raises(CourseError, match="is missing"):
        load_course(tmp_path / "elsewhere")


def test_unknown_lesson_lists_the_known_ones():
    with pytest.raises(CourseError, match="00-start-here, 01-reading-the-column"):
        COURSE.lesson("06-epilogue")
