"""Lesson 01 helpers: the article's shape, the explorer widget, and the slips with their sources."""

import pytest

from ceasefire import data
from ceasefire.lessons import lesson01_reading as reading
from ceasefire.data import PARAGRAPH_IDS, SLIP_KINDS, STATEMENT_KINDS
from ceasefire.display import NEUTRAL, PALETTE, description_of
from ceasefire.errors import CourseError

AMAP = data.article_map()
SLIPS = data.slips()
SOURCES = data.sources()


def _shown(fig):
    """paragraph -> colour of the trace it is drawn in."""
    return {p: trace.marker.color for trace in fig.data for p in trace.x}


def test_every_kind_has_its_own_palette_colour():
    assert set(reading.KIND_COLOURS) == set(STATEMENT_KINDS)
    assert len(set(reading.KIND_COLOURS.values())) == len(STATEMENT_KINDS)
    assert set(reading.KIND_COLOURS.values()) <= set(PALETTE)
    assert set(reading.SLIP_COLOURS) == set(SLIP_KINDS)


def test_filter_by_kind_and_topic():
    rows = reading.filter_paragraphs(AMAP, "fact claim", "agreement-terms")
    assert list(rows["paragraph"]) == ["P01", "P03", "P08", "P12"]
    assert list(reading.filter_paragraphs(AMAP, "question")["paragraph"]) == ["P11"]
    assert list(reading.filter_paragraphs(AMAP, topic="sourcing")["paragraph"]) == ["P02", "P03", "P12", "P13", "P19"]
    assert len(reading.filter_paragraphs(AMAP)) == 19
    assert reading.filter_paragraphs(AMAP, "disclaimer", "isis").empty


@pytest.mark.parametrize("kind, topic, message", [
    ("rumour", "all", "There is no kind 'rumour'; choose 'all' or one of: fact claim, opinion"),
    ("all", "weather", "There is no topic 'weather'; choose 'all' or one of"),
])
def test_filter_rejects_unknown_choices(kind, topic, message):
    with pytest.raises(CourseError, match=message):
        reading.filter_paragraphs(AMAP, kind, topic)


def test_kind_summary_counts_every_paragraph_once():
    summary = reading.kind_summary(AMAP)
    assert summary["paragraphs"].sum() == 19
    assert dict(zip(summary["kind"], summary["paragraphs"]))["fact claim"] == 8
    assert summary.set_index("kind").loc["opinion", "which"] == "P06 P09 P15 P16"
    assert summary.set_index("kind").loc["question", "which"] == "P11"
    assert list(summary["kind"]) == [k for k in STATEMENT_KINDS if k in set(AMAP["kind"])]


def test_kinds_figure_bars_title_and_description():
    fig = reading.kinds_figure(AMAP)
    assert fig.layout.title.text == "What the column's 19 paragraphs do"
    assert sum(fig.data[0].x) == 19
    assert list(fig.data[0].marker.color) == [reading.KIND_COLOURS[k] for k in fig.data[0].y]
    assert "fact claim: 8" in description_of(fig)


def test_shape_figure_shows_every_paragraph_once_and_greys_the_rest():
    fig = reading.shape_figure(AMAP, "recommendation")
    shown = _shown(fig)
    assert sorted(shown) == list(PARAGRAPH_IDS)
    assert {p for p, c in shown.items() if c != NEUTRAL} == {"P05", "P17", "P18"}
    assert shown["P05"] == reading.KIND_COLOURS["recommendation"]
    assert fig.layout.title.text == "The article's shape: recommendation paragraphs (3 of 19)"
    assert "Highlighted: 3 (recommendation paragraphs): P05, P17, P18; the other 16 are grey." in description_of(fig)
    assert [t.name for t in fig.data] == ["other paragraphs"] + list(STATEMENT_KINDS)


def test_shape_figure_with_no_match_and_with_everything():
    empty = reading.shape_figure(AMAP, "caption", "aleppo")
    assert empty.layout.title.text.endswith("(0 of 19)")
    assert "No paragraph matches" in description_of(empty)
    assert set(_shown(empty).values()) == {NEUTRAL}
    full = reading.shape_figure(AMAP)
    assert "All 19 paragraphs are highlighted" in description_of(full)
    assert len(full.data[0].x) == 0


def test_matches_html_lists_paraphrases_escaped():
    rows = reading.filter_paragraphs(AMAP, "question")
    text = reading.matches_html(rows)
    assert "[P11]" in text and "isis, diplomacy" in text
    assert "No paragraph matches" in reading.matches_html(rows.iloc[0:0])
    assert "&quot;" in reading.matches_html(AMAP[AMAP["paragraph"] == "P10"])   # quotes in the paraphrase


def test_explorer_starts_with_everything():
    explorer = reading.ArticleMapExplorer(AMAP)
    assert explorer.figure.layout.title.text == "The article's shape: all paragraphs (19 of 19)"
    assert sum(len(t.x) for t in explorer.figure.data) == 19
    assert "Figure description" in explorer.description.value
    assert explorer.matches.value.count("<tr>") == 20
    assert explorer.topic.options[0] == ("all topics", "all")


def test_explorer_kind_change_updates_figure_description_and_list():
    explorer = reading.ArticleMapExplorer(AMAP)
    explorer.kind.value = "opinion"
    assert explorer.figure.layout.title.text == "The article's shape: opinion paragraphs (4 of 19)"
    highlighted = {p for t in explorer.figure.data if t.marker.color != NEUTRAL for p in t.x}
    assert highlighted == {"P06", "P09", "P15", "P16"}
    assert "P06, P09, P15, P16" in explorer.description.value
    assert "[P15]" in explorer.matches.value and "[P05]" not in explorer.matches.value


def test_explorer_topic_change_combines_with_kind():
    explorer = reading.ArticleMapExplorer(AMAP)
    explorer.topic.value = "sourcing"
    assert explorer.figure.layout.title.text == "The article's shape: all paragraphs on sourcing (5 of 19)"
    explorer.kind.value = "fact claim"
    assert explorer.figure.layout.title.text == "The article's shape: fact claim paragraphs on sourcing (2 of 19)"
    assert {p for t in explorer.figure.data if t.marker.color != NEUTRAL for p in t.x} == {"P03", "P12"}
    explorer.kind.value = "disclaimer"
    explorer.topic.value = "aleppo"
    assert "No paragraph matches" in explorer.matches.value
    assert "all 19 are grey" in explorer.description.value


def test_slips_table_is_grouped_by_kind_with_verdicts_and_sources():
    table = reading.slips_table(SLIPS, SOURCES)
    assert len(table) == 13
    order = [SLIP_KINDS.index(k) for k in table["kind"]]
    assert order == sorted(order)
    photo = table.set_index("slip").loc["S13"]
    assert photo["paragraph"] == "P02" and "Fallujah" in photo["the record says"]
    assert photo["sources"].startswith("USA Today, 22 May 2016; AP")
    assert "UPI, 28 Apr 2016" in table.set_index("slip").loc["S05", "sources"]
    assert set(table["verdict"]) == set(data.SLIP_VERDICTS)


def test_judgements_are_marked_debatable_not_errors():
    # The review's list: the "Greater Syria" gloss, agreement vs arrangement, the pizza's date, Tartus'
    # "access" and the photo are judgements about precision; the misspelt and misdated items are errors.
    verdict = dict(zip(SLIPS["slip_id"], SLIPS["verdict"]))
    assert {s for s, v in verdict.items() if v == "debatable"} == {"S04", "S08", "S10", "S11", "S13"}
    assert verdict["S01"] == verdict["S02"] == verdict["S05"] == "error"
    # S05: the direction of the error depends on whom you count, and the row says so.
    s05 = SLIPS.set_index("slip_id").loc["S05", "record_says"]
    assert "590 civilians" in s05 and "2,149 to 2,653" in s05 and "27 Apr" in s05


def test_slips_cite_no_partisan_outlet_or_reference_work():
    # slips.csv names no actor, so a state or party outlet could speak for nobody there.
    kinds = dict(zip(SOURCES["source_id"], SOURCES["kind"]))
    cited = {s for cell in SLIPS["source"] for s in data.split(cell)}
    assert [s for s in cited if kinds[s] in ("partisan", "reference")] == []


def test_verdict_summary_counts_every_slip_once():
    summary = reading.verdict_summary(SLIPS)
    assert list(summary["verdict"]) == list(data.SLIP_VERDICTS)
    assert summary["slips"].sum() == len(SLIPS)
    assert summary.set_index("verdict").loc["debatable", "which"] == "S04 S08 S10 S11 S13"


def test_slips_html_writes_each_kind_once():
    text = reading.slips_html(reading.slips_table(SLIPS, SOURCES))
    assert text.count("rowspan") == SLIPS["kind"].nunique()
    assert 'rowspan="4" style="text-align:left; vertical-align:top">factual (4)</th>' in text   # heads its rows
    assert "<i>debatable</i>" in text and "<b>error</b>" in text
    assert "No slips" in reading.slips_html(reading.slips_table(SLIPS.iloc[0:0], SOURCES))


def test_slips_figure_counts_and_description():
    fig = reading.slips_figure(SLIPS)
    assert sum(sum(t.y) for t in fig.data) == 13
    assert [t.name for t in fig.data] == list(SLIP_KINDS)
    assert fig.layout.title.text == "Where the 13 slips fall in the column"
    assert "the most, 2, are in P03, P14" in description_of(fig)
    assert "By verdict: 8 error, 5 debatable." in description_of(fig)
    assert "S08 (debatable)" in " ".join(t.customdata[i] for t in fig.data for i in range(len(t.x)))


# ---- lesson 01 keys follow the lesson (content review, table 1D) ---------------------------------------

from ceasefire.checking.checks import evaluate    # noqa: E402


@pytest.mark.parametrize("answer", ["Jabhat Fateh al-Sham (JFS)", "JFS", "Jabhat Fath al-Sham", "jabhat fatah al sham",
                                    "Jabhat Fatah al-Sham (JFS)", "Fateh al-Sham"])
def test_q01_5_accepts_the_usual_spellings_and_the_abbreviation(answer):
    assert evaluate("q01.5", answer).status == "correct"


@pytest.mark.parametrize("answer", ["Jabhat Fateah al-Sham", "Jabhat al-Nusra", "Nusra Front"])
def test_q01_5_still_rejects_the_column_spelling_and_the_old_name(answer):
    assert evaluate("q01.5", answer).status != "correct"


def test_q01_3_asks_only_about_paragraphs_whose_kind_the_lessons_agree_on():
    right = {"P05": "recommendation", "P08": "fact claim", "P11": "question", "P17": "recommendation",
             "P19": "disclaimer"}
    assert right == {p: k for p, k in zip(AMAP["paragraph"], AMAP["kind"]) if p in right}
    assert evaluate("q01.3", right).status == "correct"
    assert evaluate("q01.3", {**right, "P08": "opinion"}).status != "correct"
    # [P09] is a forecast, as lessons 03 and 05 say: it is no longer in the item.
    assert AMAP.set_index("paragraph").loc["P09", "kind"] == "opinion"


def test_q01_4_hint_dates_the_announcement_around_midnight():
    from ceasefire.instructor import compile_keys as keys
    from ceasefire.manifest import load_course
    plain = keys.read_plain(load_course().root / "solutions" / "keys.yml")
    hints = {w["answer"]: w["hint"] for w in plain["q01.4"]["wrong"]}
    hint = hints["The arrangement is dated 9 September in P03"]
    assert "22:00" in hint and "midnight" in hint and "late on 9 September" not in hint
    assert "State Department" in next(w["hint"] for w in plain["q02.5"]["wrong"]
                                      if w["answer"] == "Publication of the full texts on the day")


# ---- lesson 01 tells who published the column and dates the photo's war -------------------------------

def _lesson_text(slug):
    import nbformat
    from ceasefire.manifest import load_course
    nb = nbformat.read(load_course().root / "lessons" / f"{slug}.ipynb", as_version=4)
    return "\n".join(c.source for c in nb.cells)


def test_lesson_01_says_who_owned_the_outlet_and_cites_its_own_note():
    text = _lesson_text("01-reading-the-column")
    assert "Rossiyskaya\nGazeta" in text or "Rossiyskaya Gazeta" in text
    assert '"russia-direct-2017-03"' in text and "[P19]" in text
    note = SOURCES.set_index("source_id").loc["russia-direct-2017-03"]
    assert note["url"].startswith("https://russia-direct.org/") and note["date"].year == 2017


def test_fallujah_rows_date_the_start_and_the_end_of_the_offensive():
    timeline = data.timeline()
    rows = timeline[timeline["place"] == "fallujah"].sort_values("date")
    assert [d.strftime("%Y-%m-%d") for d in rows["date"]] == ["2016-05-22", "2016-06-26"]
    kinds = dict(zip(SOURCES["source_id"], SOURCES["kind"]))
    assert all(kinds[s] in ("wire", "newspaper") for cell in rows["source"] for s in data.split(cell))
