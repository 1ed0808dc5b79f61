"""The tables of the downloads, as researchers query them: every row's permalink opens its place on
the site, dates sort and filter by year and month, boxes stay text, the full-text index stems, and the
questions the issue names have one SQL answer each. Generic: for every knowledge base, expectations
from its records."""

import csv
import json
import re
import sqlite3
from collections import Counter

import pytest

from knowledge_base import release
from knowledge_base.citations import works
from knowledge_base.tables import TABLES


def read(site, table):
    with (site / "downloads" / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def db(site):
    connection = sqlite3.connect(site / "downloads" / "kb.sqlite")
    yield connection
    connection.close()


def test_every_permalink_opens_a_page_of_the_site_at_its_place(site):
    address = release.published_address()
    ids: dict[str, set[str]] = {}
    broken = []
    for table in TABLES:
        for column in (c for c in table.columns if c.site_address):
            for row in read(site, table.name):
                for link in filter(None, row[column.name].split(";") if column.type == "list" else [row[column.name]]):
                    assert link.startswith(address), f"{table.name}.{column.name} is not absolute: {link}"
                    page, _, anchor = link.removeprefix(address).partition("#")
                    if page not in ids:
                        html = (site / page).read_text(encoding="utf-8") if (site / page).is_file() else None
                        ids[page] = set(re.findall(r'\bid="([^"]+)"', html)) if html is not None else None
                    if ids[page] is None or (anchor and anchor not in ids[page]):
                        broken.append(f"{table.name} {row[table.key]} {column.name}: {link}")
    assert not broken, broken[:10]


def test_dates_have_their_year_and_month_as_numbers(site, db):
    for table in TABLES:
        for year in (c for c in table.columns if c.year_of and not c.month):
            month = f"{year.year_of}_month"
            for row in read(site, table.name):
                parts = row[year.year_of].split("-") if row[year.year_of] else []
                assert row[year.name] == (parts[0] if parts else ""), (table.name, row[table.key])
                assert row[month] == (str(int(parts[1])) if len(parts) > 1 else ""), (table.name, row[table.key])
            types = {r[1]: r[2] for r in db.execute(f'PRAGMA table_info("{table.name}")')}
            assert types[year.name] == types[month] == "INTEGER"


def test_a_box_is_text_that_no_tool_reads_as_a_number(site, loaded):
    boxes = {e.id: e.box for c in loaded.kb.countries for e in c.examples}
    for row in read(site, "examples"):
        assert row["box"] == (f"Box {boxes[row['id']]}" if boxes[row["id"]] else "")
        assert not re.fullmatch(r"[\d.]+", row["box"])


def test_the_full_text_index_stems_words(db, site):
    """A word in the singular finds the rows that hold it in the plural, in every table with text to search."""
    tried = 0
    for table in TABLES:
        searched = [c.name for c in table.columns if c.search]
        rows = read(site, table.name)
        texts = {row[table.key]: " ".join(row[c] for c in searched) for row in rows}
        plural = next((w for text in texts.values() for w in re.findall(r"\b([a-z]{3,}[aeiou][bdgklmnprt])s\b", text)),
                      None)
        if not searched or plural is None:
            continue
        tried += 1
        found = {r[0] for r in db.execute(f'SELECT t."{table.key}" FROM "{table.name}" t JOIN "{table.name}_fts" f '
                                          f'ON f.rowid = t.rowid WHERE "{table.name}_fts" MATCH ?', (plural,))}
        expected = {key for key, text in texts.items() if re.search(rf"\b{plural}s\b", text, re.I)}
        assert expected <= found, f"{table.name}: '{plural}' finds the rows that say '{plural}s'"
    assert tried, "no table holds a plural to try"


# --- the questions a researcher asks, each one SQL query ----------------------------------------

def test_every_quote_by_each_person_across_countries_and_sources(db, loaded):
    for voice in loaded.kb.voices():
        rows = db.execute("SELECT q.id, q.speaker, q.organization FROM quotes q JOIN speakers s ON s.id = q.speaker_id "
                          "WHERE s.name = ?", (voice.name,)).fetchall()
        assert {r[0] for r in rows} == {q.id for _, q in voice.quotes}
        spelled = {r[1] or r[2] for r in rows}
        assert spelled == {voice.name, *voice.variants}, "every spelling of the name leads to the same speaker"


def test_the_key_practices_with_examples_in_at_least_n_countries(db, loaded):
    kb = loaded.kb
    spread = {p.id: len({c.id for c, _ in kb.examples_by_practice.get(p.id, [])}) for p in kb.practices}
    for n in sorted({count for count in spread.values() if count} | {1}):
        rows = db.execute("SELECT ep.practice_id FROM example_practices ep JOIN examples e ON e.id = ep.example_id "
                          "GROUP BY ep.practice_id HAVING count(DISTINCT e.country) >= ?", (n,)).fetchall()
        assert {r[0] for r in rows} == {p for p, count in spread.items() if count >= n}, n


def test_the_footnotes_cited_from_more_than_one_page(db, loaded):
    rows = db.execute("SELECT id FROM footnotes WHERE pages > 1").fetchall()
    expected = {f"{s}-{n}" for (s, n), places in loaded.kb.citations.items() if len({p.page for p in places}) > 1}
    assert {r[0] for r in rows} == expected


def test_the_most_cited_works(db, loaded):
    rows = db.execute("SELECT work_id, count(*) FROM footnote_works GROUP BY work_id ORDER BY count(*) DESC, work_id")
    counted = dict(rows.fetchall())
    expected = Counter({w.id: len({(s, n) for s, n, _ in w.cited_by}) for w in works(loaded.kb)})
    assert counted == dict(expected)
    if expected:
        top = max(expected.values())
        first = db.execute("SELECT work_id FROM footnote_works GROUP BY work_id ORDER BY count(*) DESC LIMIT 1").fetchone()
        assert expected[first[0]] == top


def test_every_role_of_each_body_across_countries(db, loaded):
    for entity in loaded.kb.organization_entities():
        rows = db.execute("SELECT o.country, o.role FROM organizations o JOIN organization_entities e ON e.id = o.entity "
                          "WHERE e.id = ? ORDER BY o.country", (entity.id,)).fetchall()
        assert rows == sorted((c.id, o.role) for c, o in entity.entries)
    international = [o for c in loaded.kb.countries for o in c.organizations if o.kind == "international"]
    for org in international:  # one body for every country that names it by the same abbreviation or name
        same = {c.id for c in loaded.kb.countries for o in c.organizations if o.kind == "international"
                and (o.abbreviation or o.name).lower() == (org.abbreviation or org.name).lower()}
        (countries,) = db.execute("SELECT e.countries FROM organization_entities e JOIN organizations o "
                                  "ON o.entity = e.id WHERE o.id = ?", (org.id,)).fetchone()
        assert set(json.loads(countries)) == same, org.id


def test_pandas_reads_every_table_with_sane_types(site):
    """As a data scientist opens the CSV files, with no options: ids and boxes stay text, numbers and
    years are numbers, and every row is read. (A date column of bare years reads as numbers: its
    `_year` and `_month` columns are there to sort and filter by.)"""
    import pandas

    kinds = {"string": "object", "date": "object", "url": "object", "list": "object"}
    for table in TABLES:
        frame = pandas.read_csv(site / "downloads" / f"{table.name}.csv")
        assert len(frame) == len(read(site, table.name)), table.name
        for column in table.columns:
            values = frame[column.name].dropna()
            if values.empty:
                continue
            dtype = str(frame[column.name].dtype)
            if column.type in kinds:
                assert dtype == "object" or column.type == "date" and dtype in ("int64", "float64"), \
                    (table.name, column.name, dtype)
            elif column.type in ("integer", "number"):
                assert dtype.startswith(("int", "float")), (table.name, column.name, dtype)
            elif column.type == "boolean":
                assert dtype == "bool" or set(values) <= {True, False}, (table.name, column.name, dtype)
