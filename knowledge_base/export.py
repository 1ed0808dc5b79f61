"""Stage 7, export: the knowledge base in the formats researchers' tools read.

kb.json (every record; schema/kb.schema.json), one CSV per table, kb.sqlite
(the same tables with keys and foreign keys, ready for Datasette),
sources.bib (BibTeX) and sources.csl.json (CSL-JSON) for reference managers.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

from pydantic import BaseModel, Field

from .index import site_url
from .link import KnowledgeBase, page_of
from .models import Country, Footnote, Introduction, Lesson, Practice

COMPENDIUM_TITLE = ("Compendium of promising practices on the repatriation, rehabilitation and reintegration "
                    "of women and children from Syria and Iraq")
COMPENDIUM_AUTHOR = "Bulan Institute for Peace Innovations"


class KnowledgeBaseExport(BaseModel):
    """The shape of kb.json: every record as validated."""

    practices: list[Practice]
    countries: list[Country]
    introduction: Introduction | None
    lessons: list[Lesson]
    footnotes: list[Footnote] = Field(description="Every footnote, by number, also found inside its record.")


def _join(values) -> str:
    return ";".join(str(v) for v in values)


def tables(kb: KnowledgeBase) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every table as (columns, rows). The first column is the key."""
    t: dict[str, tuple[list[str], list[tuple]]] = {}
    t["practices"] = (["id", "number", "title", "summary", "url"],
                      [(p.id, p.number, p.title, p.summary, site_url(page_of(p))) for p in kb.practices])
    t["countries"] = (["id", "name", "section", "summary", "url"],
                      [(c.id, c.name, c.section, c.summary, site_url(page_of(c))) for c in kb.countries])
    t["figures"] = (["id", "country", "label", "metric", "group", "value", "unit", "qualifier", "approximate",
                     "as_of", "footnotes", "note"],
                    [(f"{c.id}-figure-{i + 1}", c.id, f.label, f.metric, f.group, f.value, f.unit, f.qualifier,
                      f.approximate, f.as_of, _join(f.cites), f.note)
                     for c in kb.countries for i, f in enumerate(c.figures)])
    t["operations"] = (["id", "country", "name", "date", "date_text", "origin", "total", "women", "children", "men",
                        "minors", "orphans", "summary", "footnotes", "note"],
                       [(o.id, c.id, o.name, o.date, o.date_text, o.origin, o.counts.total, o.counts.women,
                         o.counts.children, o.counts.men, o.counts.minors, o.counts.orphans, o.summary, _join(o.cites), o.note)
                        for c in kb.countries for o in c.operations])
    t["examples"] = (["id", "country", "box", "title", "summary", "practices", "footnotes", "url"],
                     [(e.id, c.id, e.box, e.title, e.summary, _join(e.practices), _join(e.cites), site_url(page_of(c), e.id))
                      for c in kb.countries for e in c.examples])
    t["facts"] = (["id", "country", "box", "title", "summary", "practices", "footnotes", "url"],
                  [(f.id, c.id, f.box, f.title, f.summary, _join(f.practices), _join(f.cites), site_url(page_of(c), f.id))
                   for c in kb.countries for f in c.facts])
    t["quotes"] = (["id", "country", "page", "speaker", "role", "organization", "boxed", "box", "practices", "text",
                    "footnotes", "url"],
                   [(q.id, owner.id if isinstance(owner, Country) else None, page_of(owner), q.speaker, q.role,
                     q.organization, q.boxed, q.box, _join(q.practices), q.text, _join(q.cites), site_url(page_of(owner), q.id))
                    for owner, q in kb.all_quotes()])
    t["footnotes"] = (["number", "text", "url", "ibid_of", "note", "cited_in"],
                      [(n, f.text, f.url, f.ibid_of, f.note, _join(site_url(c.page, c.anchor) for c in kb.citations.get(n, [])))
                       for n, f in sorted(kb.footnotes.items())])
    t["organizations"] = (["id", "country", "name", "abbreviation", "kind", "role", "practices", "footnotes"],
                          [(f"{c.id}-organization-{i + 1}", c.id, o.name, o.abbreviation, o.kind, o.role,
                            _join(o.practices), _join(o.cites)) for c in kb.countries for i, o in enumerate(c.organizations)])
    t["lessons"] = (["id", "number", "title", "text", "practices", "countries"],
                    [(l.id, l.number, l.title, l.text, _join(l.practices), _join(l.countries)) for l in kb.lessons])
    return t


# Foreign keys of kb.sqlite: table -> [(column, referenced table)]
FOREIGN_KEYS = {
    "figures": [("country", "countries")], "operations": [("country", "countries")],
    "examples": [("country", "countries")], "facts": [("country", "countries")],
    "quotes": [("country", "countries")], "organizations": [("country", "countries")],
    "footnotes": [("ibid_of", "footnotes")],
}
# Many-to-many links, as tables of their own: name -> (source table, list column, target table)
LINK_TABLES = {
    "example_practices": ("examples", "practices", "practices"),
    "quote_practices": ("quotes", "practices", "practices"),
    "lesson_practices": ("lessons", "practices", "practices"),
    "lesson_countries": ("lessons", "countries", "countries"),
}


def write_sqlite(path: Path, data: dict[str, tuple[list[str], list[tuple]]]) -> None:
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    try:
        # Keys are checked once all rows are in (foreign_key_check below): an
        # "ibid." footnote may point at a footnote inserted after it.
        order = ["practices", "countries", *[n for n in data if n not in ("practices", "countries")]]
        for name in order:
            columns, rows = data[name]
            fks = FOREIGN_KEYS.get(name, [])
            defs = [f'"{columns[0]}" PRIMARY KEY'] + [f'"{c}"' for c in columns[1:]]
            defs += [f'FOREIGN KEY ("{c}") REFERENCES "{ref}"' for c, ref in fks]
            db.execute(f'CREATE TABLE "{name}" ({", ".join(defs)})')
            db.executemany(f'INSERT INTO "{name}" VALUES ({", ".join("?" * len(columns))})', rows)
        for name, (source, column, target) in LINK_TABLES.items():
            db.execute(f'CREATE TABLE "{name}" ("{source}_id" REFERENCES "{source}", "{target}_id" REFERENCES "{target}", '
                       f'PRIMARY KEY ("{source}_id", "{target}_id"))')
            columns, rows = data[source]
            at = columns.index(column)
            pairs = {(row[0], ref) for row in rows for ref in (row[at] or "").split(";") if ref}
            db.executemany(f'INSERT INTO "{name}" VALUES (?, ?)', sorted(pairs))
        db.commit()
        problems = db.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise ValueError(f"kb.sqlite: foreign keys do not hold: {problems[:5]}")
    finally:
        db.close()


def _bibtex_escape(text: str) -> str:
    for char, repl in (("\\", r"\textbackslash{}"), ("{", r"\{"), ("}", r"\}"), ("%", r"\%"), ("&", r"\&"),
                       ("#", r"\#"), ("$", r"\$"), ("_", r"\_"), ("^", r"\^{}"), ("~", r"\~{}")):
        text = text.replace(char, repl)
    return " ".join(text.split())


def bibtex(kb: KnowledgeBase) -> str:
    entries = [
        "@misc{bulan-compendium,\n"
        f"  title = {{{{{_bibtex_escape(COMPENDIUM_TITLE)}}}}},\n"
        f"  author = {{{{{COMPENDIUM_AUTHOR}}}}},\n"
        "  note = {The source of this knowledge base}\n}"
    ]
    for n, fn in sorted(kb.footnotes.items()):
        if fn.text is None:
            continue  # omitted in the compendium's extracted text: nothing to cite
        fields = [f"  title = {{{_bibtex_escape(fn.text)}}}", f"  note = {{Footnote {n} of the compendium}}"]
        if fn.url:
            fields.append(f"  url = {{{fn.url}}}")
        entries.append(f"@misc{{compendium-fn-{n},\n" + ",\n".join(fields) + "\n}")
    return "\n\n".join(entries) + "\n"


def csl_json(kb: KnowledgeBase) -> list[dict]:
    items = [{"id": "bulan-compendium", "type": "report", "title": COMPENDIUM_TITLE,
              "author": [{"literal": COMPENDIUM_AUTHOR}]}]
    for n, fn in sorted(kb.footnotes.items()):
        if fn.text is None:
            continue
        item = {"id": f"compendium-fn-{n}", "type": "document", "title": " ".join(fn.text.split()),
                "note": f"Footnote {n} of the compendium"}
        if fn.url:
            item["URL"] = fn.url
        items.append(item)
    return items


def export_all(kb: KnowledgeBase, out: Path) -> list[Path]:
    """Write every export into `out`; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    document = KnowledgeBaseExport(practices=kb.practices, countries=kb.countries, introduction=kb.introduction,
                                   lessons=kb.lessons, footnotes=[kb.footnotes[n] for n in sorted(kb.footnotes)])
    (out / "kb.json").write_text(document.model_dump_json(indent=1) + "\n", encoding="utf-8")
    written.append(out / "kb.json")
    data = tables(kb)
    for name, (columns, rows) in data.items():
        path = out / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows(["" if v is None else v for v in row] for row in rows)
        written.append(path)
    write_sqlite(out / "kb.sqlite", data)
    written.append(out / "kb.sqlite")
    (out / "sources.bib").write_text(bibtex(kb), encoding="utf-8")
    (out / "sources.csl.json").write_text(json.dumps(csl_json(kb), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    written += [out / "sources.bib", out / "sources.csl.json"]
    return written
