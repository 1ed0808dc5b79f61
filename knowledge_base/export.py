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
from .models import Country, Introduction, Lesson, Locator, Practice, Source

# Never exported: the details a source prints that would identify a returnee.
UNPUBLISHED = {"sources": {"__all__": {"do_not_publish"}}}


class KnowledgeBaseExport(BaseModel):
    """The shape of kb.json: every record as validated, citations written out in full."""

    sources: list[Source] = Field(description="The source documents, with their notes (never `do_not_publish`).")
    practices: list[Practice] = Field(description="The key practices.")
    countries: list[Country] = Field(description="The country profiles.")
    introduction: Introduction | None = Field(description="The introduction.")
    lessons: list[Lesson] = Field(description="The lessons learned.")


def _join(values) -> str:
    return ";".join(str(v) for v in values)


def note_id(source: str, number: int) -> str:
    return f"{source}-{number}"


def _cites(locators) -> str:
    """A `footnotes` cell: the ids of the notes cited (source-number); other places as 'source, p. 12'."""
    return _join(note_id(loc.source, loc.note) if loc.note is not None else
                 ", ".join(filter(None, [loc.source, loc.section and f"section {loc.section}", loc.page and f"p. {loc.page}"]))
                 for loc in locators if isinstance(loc, Locator))


def _names(names) -> str:
    return _join(n.literal or ", ".join(filter(None, [n.family, n.given])) for n in names)


def tables(kb: KnowledgeBase) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every table as (columns, rows). The first column is the key."""
    t: dict[str, tuple[list[str], list[tuple]]] = {}
    t["sources"] = (["id", "type", "title", "short_title", "author", "publisher", "publisher_place", "issued", "url",
                     "doi", "language", "licence", "note"],
                    [(x.id, x.type, x.title, x.short_title, _names(x.author), x.publisher, x.publisher_place, x.issued,
                      x.url, x.doi, x.language, x.licence, x.note) for x in kb.sources.values()])
    t["practices"] = (["id", "number", "title", "summary", "url"],
                      [(p.id, p.number, p.title, p.summary, site_url(page_of(p))) for p in kb.practices])
    t["countries"] = (["id", "name", "based_on", "summary", "url"],
                      [(c.id, c.name, _join(f"{b.source} {b.section}".strip() if b.section else b.source for b in c.based_on),
                        c.summary, site_url(page_of(c))) for c in kb.countries])
    t["figures"] = (["id", "country", "label", "metric", "group", "value", "unit", "qualifier", "approximate",
                     "as_of", "footnotes", "note"],
                    [(f"{c.id}-figure-{i + 1}", c.id, f.label, f.metric, f.group, f.value, f.unit, f.qualifier,
                      f.approximate, f.as_of, _cites(f.cites), f.note)
                     for c in kb.countries for i, f in enumerate(c.figures)])
    t["operations"] = (["id", "country", "name", "date", "date_text", "origin", "total", "women", "children", "men",
                        "minors", "orphans", "summary", "footnotes", "note"],
                       [(o.id, c.id, o.name, o.date, o.date_text, o.origin, o.counts.total, o.counts.women,
                         o.counts.children, o.counts.men, o.counts.minors, o.counts.orphans, o.summary, _cites(o.cites), o.note)
                        for c in kb.countries for o in c.operations])
    t["examples"] = (["id", "country", "box", "title", "summary", "practices", "footnotes", "url"],
                     [(e.id, c.id, e.box, e.title, e.summary, _join(e.practices), _cites(e.cites), site_url(page_of(c), e.id))
                      for c in kb.countries for e in c.examples])
    t["facts"] = (["id", "country", "box", "title", "summary", "practices", "footnotes", "url"],
                  [(f.id, c.id, f.box, f.title, f.summary, _join(f.practices), _cites(f.cites), site_url(page_of(c), f.id))
                   for c in kb.countries for f in c.facts])
    t["quotes"] = (["id", "country", "page", "speaker", "role", "organization", "boxed", "box", "practices", "text",
                    "footnotes", "url"],
                   [(q.id, owner.id if isinstance(owner, Country) else None, page_of(owner), q.speaker, q.role,
                     q.organization, q.boxed, q.box, _join(q.practices), q.text, _cites(q.cites), site_url(page_of(owner), q.id))
                    for owner, q in kb.all_quotes()])
    t["footnotes"] = (["id", "source", "number", "text", "url", "ibid_of", "note", "cited_in"],
                      [(note_id(src, n), src, n, f.text, f.url, f.ibid_of and note_id(src, f.ibid_of), f.note,
                        _join(site_url(c.page, c.anchor) for c in kb.citations.get((src, n), [])))
                       for (src, n), f in sorted(kb.notes.items())])
    t["organizations"] = (["id", "country", "name", "abbreviation", "kind", "role", "practices", "footnotes"],
                          [(f"{c.id}-organization-{i + 1}", c.id, o.name, o.abbreviation, o.kind, o.role,
                            _join(o.practices), _cites(o.cites)) for c in kb.countries for i, o in enumerate(c.organizations)])
    t["lessons"] = (["id", "number", "title", "text", "practices", "countries"],
                    [(l.id, l.number, l.title, l.text, _join(l.practices), _join(l.countries)) for l in kb.lessons])
    return t


# Foreign keys of kb.sqlite: table -> [(column, referenced table)]
FOREIGN_KEYS = {
    "figures": [("country", "countries")], "operations": [("country", "countries")],
    "examples": [("country", "countries")], "facts": [("country", "countries")],
    "quotes": [("country", "countries")], "organizations": [("country", "countries")],
    "footnotes": [("source", "sources"), ("ibid_of", "footnotes")],
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
        order = ["sources", "practices", "countries", *[n for n in data if n not in ("sources", "practices", "countries")]]
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


BIBTEX_TYPES = {"report": "techreport", "book": "book", "chapter": "incollection", "article-journal": "article",
                "article-magazine": "article", "article-newspaper": "article", "thesis": "phdthesis"}


def _bibtex_names(names) -> str:
    # An institution goes in double braces, so that BibTeX does not split it into first and last names.
    return " and ".join(f"{{{_bibtex_escape(n.literal)}}}" if n.literal else
                        ", ".join(_bibtex_escape(x) for x in (n.family, n.given) if x) for n in names)


def bibtex(kb: KnowledgeBase) -> str:
    entries = []
    for source in kb.sources.values():
        fields = [("title", f"{{{_bibtex_escape(source.title)}}}"), ("author", _bibtex_names(source.author)),
                  ("institution" if source.type == "report" else "publisher", source.publisher and _bibtex_escape(source.publisher)),
                  ("address", source.publisher_place and _bibtex_escape(source.publisher_place)),
                  ("year", source.issued and source.issued[:4]),
                  ("month", source.issued and len(source.issued) >= 7 and str(int(source.issued[5:7]))),
                  ("url", source.url), ("doi", source.doi), ("language", source.language),
                  ("note", source.licence and f"Licence: {_bibtex_escape(source.licence)}")]
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
        entries.append(f"@{BIBTEX_TYPES.get(source.type, 'misc')}{{{source.id},\n{body}\n}}")
    for (src, n), fn in sorted(kb.notes.items()):
        if fn.text is None:
            continue  # omitted in the source's extracted text: nothing to cite
        fields = [f"  title = {{{_bibtex_escape(fn.text)}}}", f"  note = {{Footnote {n} of {_bibtex_escape(kb.sources[src].short_title)}}}"]
        if fn.url:
            fields.append(f"  url = {{{fn.url}}}")
        entries.append(f"@misc{{{src}-fn-{n},\n" + ",\n".join(fields) + "\n}")
    return "\n\n".join(entries) + "\n"


def _csl_date(value: str) -> dict:
    return {"date-parts": [[int(part) for part in value.split("-")]]}


def csl_json(kb: KnowledgeBase) -> list[dict]:
    items = []
    for source in kb.sources.values():
        item = {"id": source.id, "type": source.type, "title": source.title, "title-short": source.short_title,
                "author": [n.model_dump(exclude_none=True) for n in source.author]}
        optional = {"publisher": source.publisher, "publisher-place": source.publisher_place, "URL": source.url,
                    "DOI": source.doi, "language": source.language, "license": source.licence}
        item.update({key: value for key, value in optional.items() if value})
        if source.issued:
            item["issued"] = _csl_date(source.issued)
        items.append(item)
    for (src, n), fn in sorted(kb.notes.items()):
        if fn.text is None:
            continue
        item = {"id": f"{src}-fn-{n}", "type": "document", "title": " ".join(fn.text.split()),
                "note": f"Footnote {n} of {kb.sources[src].short_title}"}
        if fn.url:
            item["URL"] = fn.url
        items.append(item)
    return items


def export_all(kb: KnowledgeBase, out: Path) -> list[Path]:
    """Write every export into `out`; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    document = KnowledgeBaseExport(sources=list(kb.sources.values()), practices=kb.practices, countries=kb.countries,
                                   introduction=kb.introduction, lessons=kb.lessons)
    (out / "kb.json").write_text(document.model_dump_json(indent=1, exclude=UNPUBLISHED) + "\n", encoding="utf-8")
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
