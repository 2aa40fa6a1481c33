"""Every explorer of the course from the keyboard alone, in JupyterLab (headless Debian Chromium).

For each widget class, in a notebook that shows one of each: Tab moves the focus from control to control
(in order), each control has the accessible name its label gives (a slider's value is read in words),
the focused control has a visible outline, arrow keys (sliders, menus) or Enter (buttons) change it, and
the figure's title and its accessible name follow. The figure is a `role="figure"` described by the
text under it. A picture of a focused control goes to artifacts/focused-control.png.

Tests of the tests: a page style that hides focus outlines makes the focus check fail; a control taken
out of the Tab order makes the Tab check fail.
"""

import nbformat
import pytest

import lab as L

REQUIRED, PROBLEM = L.browser_problem()
if PROBLEM and not REQUIRED:
    pytest.skip(f"Browser tests skipped: {PROBLEM}", allow_module_level=True)

pytestmark = [pytest.mark.slow, pytest.mark.browser]

NOTEBOOK = "keyboard/explorers.ipynb"      # inside the temp course: course.yml is one folder up
SCREENSHOT = L.ROOT / "artifacts" / "focused-control.png"
IMPORTS = """from ceasefire import data
from ceasefire.display.explorer import TimelineExplorer
from ceasefire.lessons import (lesson01_reading as reading, lesson02_agreement as agreement,
                               lesson03_casualties as casualties, lesson03_durability as durability,
                               lesson04_interests as interests, lesson05_aftermath as aftermath)"""
# One cell per widget class, shown as the lessons show them.
EXPLORERS = {
    "TimelineExplorer": "TimelineExplorer(data.timeline())",
    "ArticleMapExplorer": "reading.ArticleMapExplorer(data.article_map())",
    "AgreementTimeline": "agreement.AgreementTimeline(data.timeline())",
    "PlaceMap": "agreement.place_map()",
    "RateConverter": "casualties.RateConverter(data.deaths_monthly(), data.deaths_daily())",
    "DurabilityExplorer": "durability.DurabilityExplorer()",
    "InterestMatrix": "interests.InterestMatrix(data.interests())",
    "AftermathExplorer": "aftermath.AftermathExplorer(data.deaths_daily(), data.timeline())",
}
CONTROLS = ".ceasefire-control input[type=range], .ceasefire-control select, .ceasefire-control button"


def expected_controls(source: str) -> list:
    """(role, accessible name) of each control of the explorer `source` builds, in Tab order, from the
    Python side: what the browser must expose."""
    from ceasefire.display import controls

    namespace = {}
    exec(IMPORTS, namespace)
    explorer = eval(source, namespace)
    found = []
    for control in explorer.controls:
        if isinstance(control, controls.RangeSlider):
            found += [("slider", f"{control.description}, from"), ("slider", f"{control.description}, to")]
        elif isinstance(control, controls.Button):
            found.append(("button", control.description))
        else:
            found.append(("slider" if isinstance(control, controls.Slider) else "combobox", control.description))
    return found


@pytest.fixture(scope="module")
def keyboard_lab(shared_lab):
    """The test process's JupyterLab, with a course copy of this module's own (folder "keyboard")."""
    server = L.course_copy(shared_lab, "keyboard", PROBLEM)
    course = server.course
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nb.cells = [nbformat.v4.new_code_cell(IMPORTS)] + [nbformat.v4.new_code_cell(s) for s in EXPLORERS.values()]
    (course / "keyboard").mkdir()
    nbformat.write(nb, course / NOTEBOOK)
    with server.every_cell_drawn():      # the first explorers are far above the last cell run
        yield server
    server.delete_sessions()


@pytest.fixture(scope="module")
def explorers_page(keyboard_lab, chromium):
    """JupyterLab with the notebook of explorers run once; the page and its console watch."""
    context = L.new_context(chromium)
    page = context.new_page()
    watch = L.Watch().attach(page)
    L.open_notebook(page, keyboard_lab, NOTEBOOK)
    L.run_all(page)
    L.wait_all_executed(page)
    assert not L.error_outputs(page), L.error_outputs(page)[0][:3000]
    yield page, watch
    L.close_documents(page)
    context.close()


# The figure's accessible name is its title in plain words (plotly's SVG title puts zero-width spaces
# where the line breaks were).
NAMED_AS_TITLE = """f => { const t = f.querySelector('.gtitle'); const squash = s => (s || '').replace(/[\\s\\u200b]+/g, '');
  return !!t && squash(f.getAttribute('aria-label')) === squash(t.textContent); }"""


def is_focused(control) -> bool:
    return control.evaluate("e => e === document.activeElement")


def focus_is_visible(control) -> bool:
    """The focused control draws an outline at least 2 px wide (WCAG 2.4.7)."""
    style = control.evaluate("e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth]; }")
    return style[0] not in ("none", "hidden") and float(style[1].rstrip("px") or 0) >= 2


def tab_to(page, control):
    """Press Tab once (from the control before, or from the top of the output); True if focus lands on `control`."""
    page.keyboard.press("Tab")
    return is_focused(control)


def change_with_keyboard(page, control, role):
    if role == "button":
        page.keyboard.press("Enter")
    elif role == "combobox":
        last = control.evaluate("e => e.selectedIndex === e.options.length - 1")
        page.keyboard.press("ArrowUp" if last else "ArrowDown")
    else:
        at_max = control.evaluate("e => e.value === e.max")
        page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")


@pytest.mark.parametrize("name", EXPLORERS)
def test_keyboard_reaches_names_and_drives_every_control(explorers_page, name):
    from playwright.sync_api import expect

    page, watch = explorers_page
    widget = L.widget_outputs(page).nth(list(EXPLORERS).index(name))
    figure = widget.locator(".ceasefire-figure")
    expect(figure.locator(".gtitle").first).to_be_attached(timeout=60_000)
    expect(figure).to_have_attribute("role", "figure", timeout=30_000)
    description = widget.locator(".ceasefire-description").text_content().strip()
    expect(figure).to_have_accessible_description(description)

    expected = expected_controls(EXPLORERS[name])
    found = widget.locator(CONTROLS)
    expect(found).to_have_count(len(expected))
    found.first.scroll_into_view_if_needed()
    widget.evaluate("e => { e.tabIndex = -1; e.focus(); }")     # start at the top of the explorer's output
    for index, (role, label) in enumerate(expected):
        control = found.nth(index)
        assert tab_to(page, control), f"{name}: Tab did not reach control {index + 1} ({label!r})"
        expect(control).to_have_role(role)
        expect(control).to_have_accessible_name(label)
        assert focus_is_visible(control), f"{name}: {label!r} has no visible focus outline"
        if role == "slider":      # a screen reader hears the value shown beside the track, not a position
            readout = control.locator("xpath=following-sibling::span[1]").text_content().strip()
            assert readout, f"{name}: {label!r} shows no value"
            expect(control).to_have_attribute("aria-valuetext", readout)
        said = control.get_attribute("aria-valuetext")
        title = L.figure_title(figure)
        change_with_keyboard(page, control, role)
        expect(figure.locator(".gtitle").first).not_to_have_text(title, timeout=15_000)
        if role == "slider":
            expect(control).not_to_have_attribute("aria-valuetext", said)
        assert is_focused(control), f"{name}: {label!r} lost the focus when it changed"
        try:
            page.wait_for_function(NAMED_AS_TITLE, arg=figure.element_handle(), timeout=5_000)
        except Exception:
            raise AssertionError(f"{name}: the figure is named {figure.get_attribute('aria-label')!r}, "
                                 f"its title reads {L.figure_title(figure)!r}") from None
        if name == "DurabilityExplorer" and index == 1:
            box = control.bounding_box()
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), clip={"x": box["x"] - 160, "y": box["y"] - 30,
                                                         "width": box["width"] + 420, "height": box["height"] + 60})
    assert not L.error_outputs(page)
    assert not watch.errors(), watch.errors()[:5]


def test_the_checks_fail_without_focus_outline_or_tab_stop(explorers_page):
    """Tests of the tests: hide the outlines, and take a control out of the Tab order."""
    page, _watch = explorers_page
    widget = L.widget_outputs(page).nth(list(EXPLORERS).index("RateConverter"))
    slider, menu = widget.locator(CONTROLS).nth(0), widget.locator(CONTROLS).nth(1)
    slider.scroll_into_view_if_needed()
    slider.focus()
    assert focus_is_visible(slider)
    page.evaluate("""() => { const s = document.createElement('style'); s.id = 'no-focus-ring';
        s.textContent = '.ceasefire-control :focus-visible { outline: none !important; }';
        document.head.appendChild(s); }""")
    try:
        slider.blur()
        slider.focus()
        assert not focus_is_visible(slider)
    finally:
        page.evaluate("() => document.getElementById('no-focus-ring').remove()")
    menu.evaluate("e => e.setAttribute('tabindex', '-1')")
    try:
        slider.focus()
        assert not tab_to(page, menu)
    finally:
        menu.evaluate("e => e.removeAttribute('tabindex')")
    slider.focus()
    assert tab_to(page, menu)


def test_plotlys_code_is_evaluated_once_for_all_explorers(explorers_page):
    """display.plotly_widget: eight figures, one evaluation of plotly's widget code in the page (the loader
    keeps it by digest); without the loader there is no such entry at all."""
    page, _ = explorers_page
    assert page.evaluate(L.RENDERED) == len(EXPLORERS)
    kept = page.evaluate("() => { const c = globalThis[Symbol.for('ceasefire.plotly-widget-code')];"
                         " return c ? c.size : -1; }")
    assert kept == 1
