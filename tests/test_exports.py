"""`python build.py export`: every file parses and holds exactly the records, for every knowledge base;
the tests about the compendium's own entries say so and read the repository's site's downloads."""

import csv
import json
import re
import sqlite3

import jsonschema
import pytest

from helpers import ROOT, assert_no_traceback, run_cli


@pytest.fixture(scope="module")
def exported(kb_root, tmp_path_factory):
    """Each knowledge base's exports."""
    out = tmp_path_factory.mktemp("downloads")
    proc = run_cli("export", "--out", str(out), root=kb_root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def expected_counts(kb):
    from knowledge_base.citations import works

    intro = kb.introduction
    return {
        "practices": len(kb.practices),
        "countries": len(kb.countries),
        "passages": sum(len(p.description) for p in kb.practices) + sum(len(c.context) + len(c.approach)
                                                                         for c in kb.countries)
        + (len(intro.context) + len(intro.practices_overview) + len(intro.lessons_overview) if intro else 0),
        "key_elements": sum(len(p.key_elements) for p in kb.practices),
        "mentions": sum(len(p.mentions) for p in kb.practices),
        "challenges": sum(len(c.challenges) for c in kb.countries),
        "glossary": len(kb.glossary.entries) if kb.glossary else 0,
        "speakers": len(kb.voices()),
        "works": len(works(kb)),
        "figures": sum(len(c.figures) for c in kb.countries) + (len(intro.figures) if intro else 0),
        "operations": sum(len(c.operations) for c in kb.countries),
        "examples": sum(len(c.examples) for c in kb.countries),
        "facts": sum(len(c.facts) for c in kb.countries),
        "quotes": len(list(kb.all_quotes())),
        "footnotes": len(kb.notes),
        "sources": len(kb.sources),
        "organizations": sum(len(c.organizations) for c in kb.countries),
        # an international body once, however many countries name it; a national one per country
        "organization_entities": len({" ".join((o.abbreviation or o.name).lower().split()) for c in kb.countries
                                      for o in c.organizations if o.kind == "international"})
        + sum(o.kind != "international" for c in kb.countries for o in c.organizations),
        "lessons": len(kb.lessons),
    }


def test_kb_json_validates_against_its_published_schema(exported, loaded):
    document = json.loads((exported / "kb.json").read_text(encoding="utf-8"))
    schema = json.loads((ROOT / "schema" / "kb.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, schema)
    assert [p["id"] for p in document["practices"]] == [p.id for p in loaded.kb.practices]
    assert [c["id"] for c in document["countries"]] == [c.id for c in loaded.kb.countries]
    assert len(document["lessons"]) == len(loaded.kb.lessons)
    assert (document["introduction"] or {}).get("id") == (loaded.kb.introduction.id if loaded.kb.introduction else None)
    assert [s["id"] for s in document["sources"]] == list(loaded.kb.sources)
    assert sum(len(s["notes"]) for s in document["sources"]) == len(loaded.kb.notes)
    assert all("do_not_publish" not in s for s in document["sources"])


def test_kb_json_breaking_the_schema_is_caught(exported):
    document = json.loads((exported / "kb.json").read_text(encoding="utf-8"))
    schema = json.loads((ROOT / "schema" / "kb.schema.json").read_text(encoding="utf-8"))
    document["practices"][0]["number"] = "one"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema)


def test_every_table_is_exported_and_counted_from_the_records(exported, loaded):
    from knowledge_base.tables import TABLES

    assert sorted(expected_counts(loaded.kb)) == sorted(t.name for t in TABLES), "a table no test counts"
    assert sorted(p.stem for p in exported.glob("*.csv")) == sorted(t.name for t in TABLES)


def test_every_csv_holds_every_record(exported, loaded):
    for table, count in expected_counts(loaded.kb).items():
        with (exported / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert len(rows) == count, f"{table}.csv has {len(rows)} rows, the records {count}"
        ids = [next(iter(row.values())) for row in rows]
        assert len(set(ids)) == len(ids), f"{table}.csv: keys are not unique"


def test_quotes_csv_keeps_the_verbatim_text_and_speaker(exported, loaded):
    with (exported / "quotes.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    for _, quote in loaded.kb.all_quotes():
        assert rows[quote.id]["text"] == quote.text
        assert rows[quote.id]["speaker"] == (quote.speaker or "")


def test_sqlite_has_the_tables_with_keys_that_hold(exported, loaded):
    db = sqlite3.connect(exported / "kb.sqlite")
    try:
        for table, count in expected_counts(loaded.kb).items():
            assert db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] == count, table
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        from knowledge_base.tables import BY_NAME

        for table in expected_counts(loaded.kb):
            fks = {(row[3], row[2], row[4]) for row in db.execute(f'PRAGMA foreign_key_list("{table}")')}
            assert fks == {(c.name, c.references, BY_NAME[c.references].key) for c in BY_NAME[table].columns
                           if c.references and c.type != "list"}, f"{table}: foreign keys name the column they reference"
        types = {row[1]: row[2] for row in db.execute('PRAGMA table_info("footnotes")')}
        assert types["number"] == "INTEGER" and types["text"] == "TEXT"
        # the many-to-many tables answer "which countries' examples illustrate practice N?"
        for practice in loaded.kb.practices:
            pairs = db.execute("SELECT DISTINCT e.country FROM example_practices ep JOIN examples e ON e.id = "
                               "ep.example_id WHERE ep.practice_id = ?", (practice.id,)).fetchall()
            assert {c for (c,) in pairs} == {c.id for c, _ in loaded.kb.examples_by_practice[practice.id]}
        cited = db.execute("SELECT count(*) FROM quote_footnotes").fetchone()[0]
        assert cited == sum(len([c for c in q.cites if c.note]) for _, q in loaded.kb.all_quotes())
    finally:
        db.close()


def test_every_list_of_ids_has_a_link_table(exported):
    from knowledge_base.tables import TABLES, link_table_name

    db = sqlite3.connect(exported / "kb.sqlite")
    names = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table in TABLES:
        for column in table.lists():
            if column.references:
                assert link_table_name(table, column) in names, f"{table.name}.{column.name} has no link table"


def test_bibtex_and_csl_json_list_every_source_and_every_cited_work(exported, loaded):
    from knowledge_base.citations import works

    cited = works(loaded.kb)
    bib = (exported / "sources.bib").read_text(encoding="utf-8")
    keys = re.findall(r"@\w+\{([^,]+),", bib)
    assert keys == [*loaded.kb.sources, *(w.id for w in cited)]
    assert bib.count("{") == bib.count("}"), "unbalanced braces break reference managers"
    items = json.loads((exported / "sources.csl.json").read_text(encoding="utf-8"))
    assert [item["id"] for item in items] == keys
    for source in loaded.kb.sources.values():  # each with its type and its authors as the record names them
        item = next(item for item in items if item["id"] == source.id)
        assert item["type"] == source.type and item["title"] == " ".join(source.title.split())
        assert item.get("author", []) == [a.model_dump(exclude_none=True) for a in source.author]


def test_the_compendium_is_an_undated_report_by_the_bulan_institute(built_site):
    """About the compendium's entry: it states no year, so BibTeX has it as @misc, not @techreport."""
    bib = (built_site / "downloads" / "sources.bib").read_text(encoding="utf-8")
    assert "@misc{compendium,\n  title = {{Compendium of promising practices" in bib
    assert "  author = {{Bulan Institute for Peace Innovations}}" in bib


def test_export_to_an_unwritable_place_fails_cleanly(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    proc = run_cli("export", "--out", str(blocker / "downloads"))
    assert proc.returncode == 1
    assert "cannot write the exports" in proc.stderr
    assert_no_traceback(proc)
