"""The course's rules for its own sources, the ones a machine can check.

A course that teaches students to weigh sources has to meet the standard it teaches:
- no source rests on a content farm, an aggregator, a Wikipedia mirror or a personal blog;
- every source has a date;
- when the address we read is a copy, `canonical` names the original (publisher, title, date, and the
  document symbol or the original address);
- a `primary` source is the issuer's own publication, or a UN document cited by its symbol;
- an outlet that speaks for one side (state or party media) is cited only where that side is the one
  acting or speaking;
- reference works (gazetteers, encyclopaedias) are cited for coordinates only.

`problems(folder)` returns one sentence per breach, naming the source and the rule; `ceasefire.data
.check_all` and the tests run it.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

from ceasefire.data.schema import POSITION_SIDES, TABLES
from ceasefire.data.tables import read_rows, split
from ceasefire.paths import data_dir as default_data_dir

# Hosts that republish other people's work without adding a publisher's responsibility for it.
DENIED_HOSTS = (
    "piglix.com", "askwikinow.com", "hotbot.com", "informationclearinghouse.info", "lidtime.com",
    "ksa2day.com", "blogspot.com", "wordpress.com", "custerfreepress.com", "freenews-en.tk",
    "syrianfreepress", "nepalireporter.com", "enewspf.com", "imra.org.il", "derechos.org", "mithaq.info",
    "arabicpost.live", "92newshd.tv", "eghtesadonline.com", "news724", "xinyangzhijia", "orlova-center",
    "livenewschat", "panjimas.com", "dailytv", "justearthnews", "imlebanon", "nwonews", "countervortex",
    "spectroom.com", "sigmalive.com", "loveforhispeople", "censor.net.ua", "goodreads.com",
    "news.bridgeward.com", "viralworldnews", "gulftime.ae", "emiratesnewswire", "radio-utopie",
)
DENIED_SUFFIXES = (".tk",)

# Issuers' own sites: a government, the UN system, an international body, a research programme.
OFFICIAL_HOSTS = (
    "un.org", "undocs.org", "unog.ch", "unmissions.org", "reliefweb.int", "ohchr.org", "opcw.org",
    "state.gov", "usmission.gov", "usembassy.gov", "defense.gov", "centcom.mil", "whitehouse.gov",
    "obamawhitehouse.archives.gov", "kremlin.ru", "mid.ru", "russianembassy.org", "russiaun.ru", "mil.ru",
    "sana.sy", "ucdp.uu.se", "msf.org", "doctorswithoutborders.org", "msf.ie", "msf-me.org",
    "ungeneva.org", "un.org.au",   # UN Office at Geneva (successor of unog.ch); UN Information Centre, Canberra
)
# Outlets' own sites, where a story stands under the outlet's own name. A wire story carried by one of
# these newspapers is still a copy of the wire: its row names the wire original in `canonical`.
OUTLET_HOSTS = (
    "reuters.com", "apnews.com", "afp.com", "theguardian.com", "nytimes.com", "washingtonpost.com",
    "bbc.co.uk", "bbc.com", "cnn.com", "upi.com", "rferl.org", "aljazeera.com", "tass.com", "tass.ru",
    "sputniknews.com", "sputnikglobe.com", "rt.com", "xinhuanet.com", "dw.com", "france24.com",
    "middleeasteye.net", "newarab.com", "middleeastmonitor.com", "rudaw.net", "thearabweekly.com",
    "airandspaceforces.com", "ctc.westpoint.edu", "syriainstitute.org", "syriatimes.sy", "ntv.ru",
    "washingtonexaminer.com", "businessinsider.com", "dailystar.com.lb", "thedailybeast.com",
    "hurriyetdailynews.com", "americamagazine.org", "stripes.com", "military.com", "thehill.com",
    "russia-direct.org", "eaworldview.com", "syrianobserver.com", "warincontext.org",
    "noticiabrasil.net.br",   # Sputnik Brasil's own archive (state-owned: its rows are kind partisan)
    "cbc.ca", "washingtontimes.com",
)
# A UN document symbol, e.g. S/RES/2268 (2016), S/2016/1093, A/HRC/34/64.
UN_SYMBOL = re.compile(r"\b(S/RES/\d+|S/\d{4}/\d+|A/HRC/\d+/\d+|A/RES/\d+/\d+|SC/\d+)\b")
# Tables whose rows say who acts or speaks, and the columns that say it.
ACTOR_COLUMNS = ("speaker", "actors", "parties", "actor_id")
# interests.csv sets the US position beside the Russian one: each row speaks for both.
IMPLIED_ACTORS = {"interests": {"united-states", "russia"}}


def host(url: str) -> str:
    """'www.reuters.com' -> 'reuters.com' (lower case, no 'www.')."""
    name = (urlsplit(url).hostname or "").lower()
    return name[4:] if name.startswith("www.") else name


def _on(name: str, hosts) -> bool:
    return any(name == h or name.endswith("." + h) for h in hosts)


def denied(url: str) -> bool:
    """True for an address on a content farm, mirror, aggregator or personal blog."""
    name = host(url)
    return name.endswith(DENIED_SUFFIXES) or any(d in name for d in DENIED_HOSTS)


def is_original(url: str) -> bool:
    """True when the address is on an issuer's or an outlet's own site."""
    name = host(url)
    return _on(name, OFFICIAL_HOSTS) or _on(name, OUTLET_HOSTS)


def _urls(text: str) -> list:
    return re.findall(r"https?://\S+", text or "")


def row_problems(row: dict) -> list:
    """The rules one sources.csv row breaks, one sentence each."""
    sid, url, canonical = row["source_id"], row.get("url") or "", row.get("canonical") or ""
    found = []
    for address in [url] + _urls(canonical):
        if address and denied(address):
            found.append(f"{sid}: {host(address)} is a mirror, content farm or blog; cite the original "
                         f"(its publisher's own site, a UN symbol, a wire or newspaper) instead.")
    if row["kind"] != "article" and not row.get("date"):
        found.append(f"{sid}: has no date; give the date of the original (date_precision month or approx "
                     f"if that is all that is known).")
    if url and not is_original(url) and not canonical:
        found.append(f"{sid}: {host(url)} is not the publisher's own site, so 'canonical' must name the "
                     f"original (publisher, title, date, symbol or original address).")
    if row["kind"] == "primary":
        official = _on(host(url), OFFICIAL_HOSTS) if url else False
        named = bool(UN_SYMBOL.search(canonical)) or any(_on(host(u), OFFICIAL_HOSTS) for u in _urls(canonical))
        if not (official or named):
            found.append(f"{sid}: a primary source must be the issuer's own publication or a UN document "
                         f"symbol; {host(url) or 'no address'} is neither.")
    if row["kind"] == "partisan" and POSITION_SIDES.get(row["position"]) is None:
        found.append(f"{sid}: a partisan source needs a position that names its side "
                     f"(e.g. russian-state-media, syrian-state-media), not {row['position']!r}.")
    return found


def _claim_actors(name: str, row: dict) -> set:
    actors = set(IMPLIED_ACTORS.get(name, ()))
    for column in ACTOR_COLUMNS:
        actors.update(split(row.get(column) or ""))
    return actors


def citation_problems(tables: dict, sources: dict) -> list:
    """Partisan sources cited where their side neither acts nor speaks; reference works cited for
    anything but coordinates. `tables` maps a table name to its rows (dicts); `sources` maps ids to rows."""
    found = []
    for name, rows in tables.items():
        for row in rows:
            for sid in split(row.get("source") or ""):
                source = sources.get(sid)
                if source is None:
                    continue   # unknown ids are the loader's business
                where = f"{TABLES[name].filename}, line {row.get('_line', '?')}"
                if source["kind"] == "reference" and name != "places":
                    found.append(f"{where}: cites the reference work {sid}; reference works are for "
                                 f"coordinates only (places.csv).")
                side = POSITION_SIDES.get(source["position"])
                if source["kind"] == "partisan" and side not in _claim_actors(name, row):
                    found.append(f"{where}: cites {sid} ({source['position']}) but {side} is not among the row's "
                                 f"actors or speaker; a partisan outlet is evidence only of what its own side "
                                 f"said or did.")
    return found


def problems(folder=None) -> list:
    """Every breach of the source rules in the course data (empty when all is well)."""
    base = default_data_dir() if folder is None else Path(folder)
    source_rows, _ = read_rows(TABLES["sources"], base / "sources.csv")
    found = [p for row in source_rows for p in row_problems(row)]
    by_id = {row["source_id"]: row for row in source_rows}
    tables = {}
    for name, table in TABLES.items():
        if name == "sources" or "source" not in table.column_names:
            continue
        rows, _ = read_rows(table, base / table.filename)
        tables[name] = rows
    return found + citation_problems(tables, by_id)


# ---- how strong the evidence is, in figures (data/README.md and the closing notes quote them) ---------

CLASSES = {"primary": "primary", "wire": "wire or newspaper", "newspaper": "wire or newspaper",
           "press": "other press", "scholarly": "other press", "partisan": "partisan, labelled",
           "reference": "reference", "dataset": "dataset", "article": "the column"}
STRONG = ("primary", "wire", "newspaper", "dataset")
# Tables made by `make data` from the raw files: counted once as the dataset, not row by row.
DERIVED = ("deaths_monthly", "deaths_daily", "places")


def strength(folder=None) -> dict:
    """Sources per class, and how many hand-written rows of the other tables (facts) rest on at least
    one primary, wire, newspaper or dataset source."""
    base = default_data_dir() if folder is None else Path(folder)
    rows, _ = read_rows(TABLES["sources"], base / "sources.csv")
    kind = {row["source_id"]: row["kind"] for row in rows}
    classes = {}
    for row in rows:
        label = CLASSES.get(row["kind"], row["kind"])
        classes[label] = classes.get(label, 0) + 1
    facts = strong = 0
    for name, table in TABLES.items():
        if name == "sources" or name in DERIVED or "source" not in table.column_names:
            continue
        for row in read_rows(table, base / table.filename)[0]:
            cited = split(row.get("source") or "")
            if cited == ["article"] or not cited:
                continue   # the column's own words: not a fact about the record
            facts += 1
            strong += any(kind.get(s) in STRONG for s in cited)
    return {"classes": classes, "facts": facts, "facts_on_primary_or_wire": strong}
