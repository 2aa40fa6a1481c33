"""The course's own HTML meets the WCAG rules the browser audit (tests/browser/test_notebooks_in_lab.py) found
broken once, checked here without a browser: text colours readable on white, badges readable, links
underlined and saying where they go, and each figure shown with the markup that names it."""

import re

import plotly.graph_objects as go
import pytest

from ceasefire import data
from ceasefire.colours import contrast, text_colour, text_on
from ceasefire.display import PALETTE, figure_label, show
from ceasefire.display.citations import link, site, sources_html
from ceasefire.instructor import feedback

INLINE_COLOUR = re.compile(r"(?<![-\w])color:\s*(#[0-9A-Fa-f]{6})")


def text_colours(markup: str) -> list:
    return INLINE_COLOUR.findall(markup)


def test_contrast_matches_the_wcag_formula():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#777777") == pytest.approx(1)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)   # the well-known lightest AA grey


@pytest.mark.parametrize("colour", PALETTE)
def test_every_palette_colour_has_a_readable_text_version(colour):
    darker = text_colour(colour)
    assert contrast(darker, "#ffffff") >= 4.5
    if contrast(colour, "#ffffff") >= 4.5:
        assert darker == colour                       # already readable: unchanged


def test_a_light_colour_is_darkened_only_as_far_as_needed():
    darker = text_colour("#E69F00")
    assert 4.5 <= contrast(darker, "#ffffff") < 4.7


@pytest.mark.parametrize("status", sorted(feedback.STATUS_COLOURS))
def test_feedback_badges_are_readable(status):
    badge = feedback._status(status)
    background = re.search(r"background:(#[0-9A-Fa-f]{6})", badge).group(1)
    (colour,) = text_colours(badge)
    assert colour == text_on(background)
    assert contrast(colour, background) >= 4.5, badge


def test_the_audit_check_here_can_fail():
    """The colour check used below, on deliberately faint text, reports it."""
    markup = '<b style="color:#E69F00">shared</b>'
    assert [c for c in text_colours(markup) if contrast(c, "#ffffff") < 4.5] == ["#E69F00"]


def test_lesson_panels_colour_their_words_readably():
    from ceasefire.lessons import lesson04_interests as l04

    interests, sources = data.interests(), data.sources()
    for choice in ("shared", "partial", "opposed", interests["issue_id"].iloc[0]):
        markup = l04.positions_html(interests, choice, sources)
        assert text_colours(markup), f"{choice}: no coloured word to check"
        faint = [c for c in text_colours(markup) if contrast(c, "#ffffff") < 4.5]
        assert faint == [], f"{choice}: {faint}"


def test_links_are_underlined_and_say_where_they_go():
    assert 'style="text-decoration:underline"' in link("https://www.un.org/press/x", "UN")
    assert site("https://www.un.org/press/x") == "un.org"
    markup = sources_html(data.sources()["source_id"].tolist(), data.sources())
    texts = re.findall(r"<a [^>]*>(.*?)</a>", markup)
    assert texts and all(re.search(r"\bat [\w.-]+\.\w+$", t) for t in texts), texts[:5]
    assert ">link<" not in markup


def test_show_names_the_figure_and_points_it_at_its_description(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objects, **kwargs: shown.extend(objects))
    fig = go.Figure(go.Bar(x=[1, 2], y=[3, 4]), layout_title_text="Deaths <b>per</b> month<br>2016")
    show(fig, "Two bars: three deaths in January and four in February.")
    bundle, description = shown
    assert "application/vnd.plotly.v1+json" in bundle
    markup = description.data
    assert 'data-figure-label="Figure: Deaths per month 2016"' in markup
    assert "Two bars: three deaths in January and four in February." in markup
    assert "setAttribute('role', 'figure')" in markup and "aria-describedby" in markup
    assert figure_label(go.Figure()) == "Figure"
