"""The course's sources meet the standard the course teaches (ceasefire.data.sourcing), and each rule
catches the breach it is written for."""

import collections

import pytest

from ceasefire import data
from ceasefire.data import sourcing


def test_committed_sources_break_no_rule():
    assert sourcing.problems() == []


def test_every_source_is_dated_and_says_who_speaks():
    sources = data.sources()
    undated = sources[(sources["source_id"] != "article") & sources["date"].isna()]
    assert undated.empty, f"undated: {list(undated['source_id'])}"
    assert set(sources["position"]) <= set(data.POSITIONS)


def test_no_source_is_on_a_denied_host_even_as_the_consulted_copy():
    sources = data.sources()
    on_denied = [sid for sid, url in zip(sources["source_id"], sources["url"]) if url and sourcing.denied(url)]
    assert on_denied == []


def test_every_copy_names_its_original():
    sources = data.sources()
    copies = sources[[bool(u) and not sourcing.is_original(u) for u in sources["url"]]]
    assert (copies["canonical"].str.len() > 20).all(), list(copies[copies["canonical"].str.len() <= 20]["source_id"])


def test_every_primary_source_is_the_issuers_own_publication_or_a_un_symbol():
    primary = data.sources().query("kind == 'primary'")
    assert len(primary) >= 10
    for _, row in primary.iterrows():
        assert sourcing.row_problems(row.to_dict()) == []


def test_share_of_primary_and_wire_sources_is_reported_not_assumed():
    # The closing note's counts come from here; the floor keeps a regression visible.
    kinds = collections.Counter(data.sources()["kind"])
    strong = kinds["primary"] + kinds["wire"] + kinds["newspaper"]
    assert strong / sum(kinds.values()) >= 0.5, kinds


# ---- each rule catches its breach ------------------------------------------------------------------

GOOD = {"source_id": "x", "kind": "wire", "position": "independent", "publisher": "Reuters", "title": "t",
        "date": "2016-09-17", "date_precision": "day", "canonical": "", "url": "https://www.reuters.com/a"}


@pytest.mark.parametrize("change, expected", [
    ({"url": "http://piglix.com/piglix/Aleppo"}, "mirror, content farm or blog"),
    ({"url": "https://freenews-en.tk/2016/09/22/x"}, "mirror, content farm or blog"),
    ({"url": "https://someone.wordpress.com/2016/02/29/x", "canonical": "S/RES/2268 (2016)"},
     "mirror, content farm or blog"),
    ({"date": None}, "has no date"),
    ({"url": "https://www.dailymail.co.uk/wires/reuters/a"}, "'canonical' must name the original"),
    ({"kind": "primary", "url": "https://www.dailymail.co.uk/x", "canonical": "Reuters, 2016"},
     "issuer's own publication or a UN document symbol"),
    ({"kind": "partisan", "position": "independent"}, "needs a position that names its side"),
])
def test_each_source_rule_catches_its_breach(change, expected):
    assert sourcing.row_problems(GOOD) == []
    broken = {**GOOD, **change}
    assert any(expected in p for p in sourcing.row_problems(broken)), sourcing.row_problems(broken)


def test_a_un_symbol_or_an_official_address_makes_a_copy_of_a_un_document_primary():
    row = {**GOOD, "kind": "primary", "position": "un", "url": "https://www.dailymail.co.uk/x",
           "canonical": "UN Security Council, resolution 2268, S/RES/2268 (2016), 26 Feb 2016"}
    assert sourcing.row_problems(row) == []
    row["canonical"] = "UN press release, https://press.un.org/en/2016/sc12261.doc.htm"
    assert sourcing.row_problems(row) == []


def test_partisan_outlets_are_cited_only_for_their_own_side():
    sources = {"sana-x": {"kind": "partisan", "position": "syrian-state-media"},
               "wiki": {"kind": "reference", "position": "independent"}}
    own = {"timeline": [{"_line": 2, "actors": "syrian-government", "speaker": "", "source": "sana-x"}]}
    other = {"timeline": [{"_line": 3, "actors": "united-states", "speaker": "united-states", "source": "sana-x"}]}
    spoken = {"timeline": [{"_line": 4, "actors": "un", "speaker": "syrian-government", "source": "sana-x"}]}
    no_actor_column = {"slips": [{"_line": 5, "source": "sana-x"}]}
    assert sourcing.citation_problems(own, sources) == []
    assert sourcing.citation_problems(spoken, sources) == []
    assert "syrian-government is not among" in sourcing.citation_problems(other, sources)[0]
    assert sourcing.citation_problems(no_actor_column, sources)
    # Reference works: coordinates only.
    assert sourcing.citation_problems({"places": [{"_line": 2, "source": "wiki"}]}, sources) == []
    assert "coordinates only" in sourcing.citation_problems({"timeline": [{"_line": 2, "source": "wiki"}]}, sources)[0]


def test_no_document_is_listed_twice():
    sources = data.sources()
    urls = sources.loc[sources["url"] != "", "url"]
    assert list(urls[urls.duplicated()]) == []


def test_strength_counts_classes_and_the_facts_resting_on_strong_sources(tmp_path):
    (tmp_path / "sources.csv").write_text(
        "source_id,kind,position,publisher,title,date,date_precision,canonical,url\n"
        "article,article,russian-government-owned,Russia Direct,The column,2016-09-01,month,,\n"
        "un-a,primary,un,United Nations,A,2016-02-26,day,,https://press.un.org/a\n"
        "blog-b,press,independent,Someone,B,2016-02-26,day,,https://example.org/b\n", encoding="utf-8")
    (tmp_path / "slips.csv").write_text(
        "slip_id,paragraph,article_says,record_says,kind,verdict,source\n"
        "S1,P01,x,y,wording,error,un-a;blog-b\nS2,P01,x,y,wording,error,blog-b\nS3,P01,x,y,wording,error,article\n", encoding="utf-8")
    figures = sourcing.strength(tmp_path)
    assert figures["classes"] == {"the column": 1, "primary": 1, "other press": 1}
    assert (figures["facts"], figures["facts_on_primary_or_wire"]) == (2, 1)


def test_every_source_is_cited_by_a_table_or_a_lesson():
    from ceasefire.manifest import load_course
    root = load_course().root
    cited = set()
    for name, table in data.TABLES.items():
        if name != "sources" and "source" in table.column_names:
            for ids in data.load_table(name)["source"]:
                cited.update(data.split(ids))
    import nbformat
    lessons = " ".join(cell.source for l in load_course().lessons if l.ready
                       for cell in nbformat.read(root / l.notebook, as_version=4).cells)
    uncited = [sid for sid in data.sources()["source_id"] if sid not in cited and f'"{sid}"' not in lessons
               and f"'{sid}'" not in lessons]
    assert uncited == [], "sources nobody cites: remove them or cite them"
