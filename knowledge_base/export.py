"""Stage 7, export: the knowledge base in the formats researchers' tools read.

- kb.json: every record (its shape: schema/kb.schema.json);
- one CSV per table, described by datapackage.json (a Frictionless data package: types, units,
  keys, the list separator, the licence);
- kb.sqlite: the same tables with typed columns, keys, a link table for every list of ids and a
  full-text index, with metadata.json beside it for Datasette;
- sources.bib (BibTeX) and sources.csl.json (CSL-JSON): every source and every work its notes cite.

The tables, their columns and what they mean are described once, in tables.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from pathlib import Path

import sqlite_utils
from pydantic import BaseModel, Field

from . import release
from .dataset import DESCRIPTION, TITLE
from .citations import cited_in, works
from .link import KnowledgeBase
from .models import Country, Glossary, Introduction, Lesson, Practice, Source
from .render import chart_files
from .tables import BY_NAME, LIST_SEPARATOR, TABLES, Column, Table, link_table_name, singular

# Never exported: the details a source prints that would identify a returnee.
UNPUBLISHED = {"sources": {"__all__": {"do_not_publish"}}}
LICENCE = release.DATA_LICENCE
SOURCE = "The Bulan Institute for Peace Innovations' compendium of promising practices, and the sources after it"


class KnowledgeBaseExport(BaseModel):
    """The shape of kb.json: every record as validated, citations written out in full."""

    version: str = Field(description="The release of the knowledge base (CHANGELOG.md).", examples=["0.3.0"])
    released: dt.date = Field(description="The day of that release.")
    licence: str = Field(description="The licence of the records (an SPDX id).", examples=["CC-BY-4.0"])
    rights: str = Field(description="What the licence does not cover: quoted third-party text.")
    sources: list[Source] = Field(description="The source documents, with their notes (never `do_not_publish`).")
    practices: list[Practice] = Field(description="The key practices.")
    countries: list[Country] = Field(description="The country profiles.")
    introduction: Introduction | None = Field(description="The introduction.")
    lessons: list[Lesson] = Field(description="The lessons learned.")
    glossary: Glossary | None = Field(description="The abbreviations the sources use.")


def table_rows(kb: KnowledgeBase, address: str = "") -> dict[str, list[dict]]:
    """Every table's rows as {column: value}; a list column holds a Python list, a permalink is absolute
    (from `address`, the published site's), a date's year and month are numbers."""
    cited = works(kb)
    data = {}
    for table in TABLES:
        given = [c for c in table.columns if not c.year_of]
        rows = [dict(zip((c.name for c in given), row)) for row in table.rows(kb, cited)]
        for row in rows:
            for column in table.columns:
                value = row.get(column.year_of or column.name)
                if column.year_of:
                    parts = value.split("-") if value else []
                    row[column.name] = int(parts[column.month]) if len(parts) > column.month else None
                elif column.site_address and value is not None:
                    row[column.name] = [address + v for v in value] if column.type == "list" else address + value
        data[table.name] = [{c.name: row[c.name] for c in table.columns} for row in rows]
    return data


def _cell(column: Column, value) -> str:
    if value is None:
        return ""
    if column.type == "list":
        return LIST_SEPARATOR.join(str(v) for v in value)
    if column.type == "boolean":
        return "true" if value else "false"
    return str(value)


def write_csv(out: Path, data: dict[str, list[dict]]) -> list[Path]:
    written = []
    for table in TABLES:
        path = out / f"{table.name}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(c.name for c in table.columns)
            writer.writerows([_cell(c, row[c.name]) for c in table.columns] for row in data[table.name])
        written.append(path)
    return written


SQLITE_TYPES = {"string": str, "date": str, "url": str, "list": str, "integer": int, "number": float, "boolean": int}


def write_sqlite(path: Path, data: dict[str, list[dict]]) -> None:
    """kb.sqlite with sqlite-utils: typed columns, primary and foreign keys (naming their columns), a
    link table per list of ids, the lists also kept as JSON arrays (Datasette facets them with
    `_facet_array`), and an FTS5 index per table with text to search, as Datasette detects it. The index
    stems English words (Porter), as the site's search does: `victim` finds "victims"."""
    path.unlink(missing_ok=True)
    db = sqlite_utils.Database(path)
    try:
        tables = [t for t in TABLES if t.name in data]
        for table in tables:
            db[table.name].create({c.name: SQLITE_TYPES[c.type] for c in table.columns}, pk=table.key)
        for table in tables:  # once every table exists: a note may be "ibid." of a note created after it
            db[table.name].insert_all(data[table.name])
            keys = [(c.name, c.references, BY_NAME[c.references].key) for c in table.columns
                    if c.references and c.type != "list" and c.references in data]
            if keys:
                db.add_foreign_keys([(table.name, *key) for key in keys])
            for column in table.lists():
                if column.references in data:
                    _link_table(db, table, column, data)
            searchable = [c.name for c in table.columns if c.search]
            if searchable:
                db[table.name].enable_fts(searchable, fts_version="FTS5", tokenize="porter")
        problems = db.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise ValueError(f"kb.sqlite: foreign keys do not hold: {problems[:5]}")
    finally:
        db.close()


def _link_table(db, table: Table, column: Column, data: dict[str, list[dict]]) -> None:
    target = BY_NAME[column.references]
    name, left, right = link_table_name(table, column), f"{singular(table.name)}_id", f"{singular(target.name)}_id"
    if right == left:  # a table that links to itself
        right = f"linked_{right}"
    db[name].create({left: str, right: str}, pk=(left, right),
                    foreign_keys=[(left, table.name, table.key), (right, target.name, target.key)])
    pairs = {(row[table.key], ref) for row in data[table.name] for ref in row[column.name] or []}
    db[name].insert_all([{left: a, right: b} for a, b in sorted(pairs)])


def _bibtex_escape(text: str) -> str:
    for char, repl in (("\\", r"\textbackslash{}"), ("{", r"\{"), ("}", r"\}"), ("%", r"\%"), ("&", r"\&"),
                       ("#", r"\#"), ("$", r"\$"), ("_", r"\_"), ("^", r"\^{}"), ("~", r"\~{}")):
        text = text.replace(char, repl)
    return " ".join(text.split())


BIBTEX_TYPES = {"report": "techreport", "book": "book", "chapter": "incollection", "article-journal": "article",
                "article-magazine": "article", "article-newspaper": "article", "thesis": "phdthesis"}


def _bibtex_names(names: list[dict]) -> str:
    # An institution goes in double braces, so that BibTeX does not split it into first and last names.
    return " and ".join(f"{{{_bibtex_escape(n['literal'])}}}" if n.get("literal") else
                        ", ".join(_bibtex_escape(n[x]) for x in ("family", "given") if n.get(x)) for n in names)


# What each BibTeX type needs (as BibTeX's own styles check it); an entry that lacks one is a @misc.
BIBTEX_REQUIRED = {"article": ("author", "journal", "year"), "techreport": ("author", "institution", "year"),
                   "book": ("author", "publisher", "year"), "incollection": ("author", "booktitle", "publisher", "year"),
                   "phdthesis": ("author", "school", "year")}
CONTAINER_FIELD = {"article": "journal", "techreport": "institution", "book": "publisher", "misc": "howpublished"}


def _bibtex_entry(key: str, kind: str, title: str | None, names: list[dict], container: str | None,
                  fields: list[tuple[str, object]]) -> str:
    entry_type = BIBTEX_TYPES.get(kind, "misc")
    have = {"author": bool(names), "year": any(n == "year" and v for n, v in fields), "journal": bool(container),
            "institution": bool(container), "publisher": bool(container)}
    if not all(have.get(f) for f in BIBTEX_REQUIRED.get(entry_type, ())):
        entry_type = "misc"
    # Titles in double braces: BibTeX styles would otherwise change their capitals ("Unodc").
    fields = [("title", title and f"{{{_bibtex_escape(title)}}}"), ("author", _bibtex_names(names)),
              (CONTAINER_FIELD.get(entry_type, "howpublished"), container and _bibtex_escape(container)), *fields]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@{entry_type}{{{key},\n{body}\n}}"


def _date_fields(parts: list[int] | None) -> list[tuple[str, object]]:
    return [("year", parts and parts[0]), ("month", parts and len(parts) > 1 and parts[1])]


def bibtex(kb: KnowledgeBase) -> str:
    entries = []
    for x in kb.sources.values():
        entries.append(_bibtex_entry(x.id, x.type, x.title, [n.model_dump(exclude_none=True) for n in x.author],
                                     x.publisher, [
            ("address", x.publisher_place and _bibtex_escape(x.publisher_place)),
            *_date_fields([int(p) for p in x.issued.split("-")] if x.issued else None), ("url", x.url), ("doi", x.doi),
            ("language", x.language), ("note", x.licence and f"Licence: {_bibtex_escape(x.licence)}")]))
    for w in works(kb):
        entries.append(_bibtex_entry(w.id, w.type, w.title, w.author, w.container or w.publisher, [
            ("address", w.publisher_place and _bibtex_escape(w.publisher_place)), *_date_fields(w.issued),
            ("url", w.url), ("note", _bibtex_escape(cited_in(w, kb)))]))
    return "\n\n".join(entries) + "\n"


def csl_json(kb: KnowledgeBase) -> list[dict]:
    items = []
    for source in kb.sources.values():
        item = {"id": source.id, "type": source.type, "title": source.title, "title-short": source.short_title,
                "author": [n.model_dump(exclude_none=True) for n in source.author]}
        optional = {"publisher": source.publisher, "publisher-place": source.publisher_place, "URL": source.url,
                    "DOI": source.doi, "language": source.language, "license": source.licence}
        item.update({key: value for key, value in optional.items() if value})
        if source.issued:
            item["issued"] = {"date-parts": [[int(part) for part in source.issued.split("-")]]}
        items.append(item)
    for w in works(kb):
        item = {"id": w.id, "type": w.type, "title": w.title, "author": w.author, "interviewer": w.interviewer,
                "container-title": w.container, "publisher": w.publisher, "publisher-place": w.publisher_place,
                "URL": w.url, "note": cited_in(w, kb) + ". " + " | ".join(w.texts),
                "issued": w.issued and {"date-parts": [w.issued]}, "accessed": w.accessed and {"date-parts": [w.accessed]}}
        items.append({key: value for key, value in item.items() if value})
    return items


FRICTIONLESS_TYPES = {"string": "string", "date": "string", "url": "string", "integer": "integer", "number": "number",
                      "boolean": "boolean", "list": "list"}
DATE_PATTERN = r"\d{4}(-\d{2}(-\d{2})?)?"
# Data Package v2 (https://datapackage.org): the `list` field type and `$schema` are v2's.
PROFILES = "https://datapackage.org/profiles/2.0/"


def _described(column: Column) -> str:
    return column.description + (f" Unit: {column.unit}." if column.unit else "")


def _field(column: Column) -> dict:
    spec = {"name": column.name, "type": FRICTIONLESS_TYPES[column.type], "description": _described(column)}
    if column.type == "list":
        spec.update(delimiter=LIST_SEPARATOR, itemType="string")
    elif column.type == "boolean":
        spec.update(trueValues=["true"], falseValues=["false"])
    elif column.type == "date":
        spec["constraints"] = {"pattern": DATE_PATTERN}
    elif column.type == "url":
        spec["format"] = "uri"
    return spec


def datapackage(data: dict[str, list[dict]]) -> dict:
    """A Frictionless data package (v2) describing the CSV files: types, units, keys, separator, licence, release."""
    resources = []
    for table in TABLES:
        schema = {"$schema": PROFILES + "tableschema.json", "fields": [_field(c) for c in table.columns],
                  "primaryKey": [table.key], "missingValues": [""]}
        foreign = [{"fields": [c.name], "reference": {"resource": c.references, "fields": [BY_NAME[c.references].key]}}
                   for c in table.columns if c.references and c.type != "list"]
        if foreign:
            schema["foreignKeys"] = foreign
        resources.append({"$schema": PROFILES + "dataresource.json", "name": table.name, "path": f"{table.name}.csv",
                          "type": "table", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                          "description": table.description, "schema": schema})
    current = release.current()
    return {"$schema": PROFILES + "datapackage.json", "name": "returnees-knowledge-base", "title": TITLE,
            "description": DESCRIPTION + (
                f" Lists of ids within a cell are separated by '{LIST_SEPARATOR}'; dates are YYYY, YYYY-MM or YYYY-MM-DD, "
                "as precise as the source gives them, with their year and month in columns of their own. " + release.RIGHTS),
            "version": current.version, "created": f"{current.date.isoformat()}T00:00:00Z",
            "homepage": release.published_address() or None, "licenses": [LICENCE],
            "sources": [{"title": SOURCE}], "resources": resources}


def datasette_metadata() -> dict:
    """Datasette's metadata for kb.sqlite: title, licence, source, version, and a description of every table and
    column."""
    tables = {}
    for table in TABLES:
        tables[table.name] = {"description": table.description, "label_column": table.label or table.key,
                              "columns": {c.name: _described(c) + (" (also a link table)" if c.type == "list"
                                                                  and c.references else "") for c in table.columns}}
        for column in table.lists():
            if column.references:
                tables[link_table_name(table, column)] = {
                    "description": f"Which {table.name} have which {column.name}: one row per pair."}
    current = release.current()
    return {"title": f"{TITLE} {current.version}", "description": f"{DESCRIPTION} Version {current.version}, released "
            f"{current.date.isoformat()}. {release.RIGHTS}", "license": LICENCE["title"], "license_url": LICENCE["path"],
            "source": SOURCE, "source_url": release.published_address() + "sources/index.html",
            "about": "The knowledge base's site", "about_url": release.published_address() or None,
            "databases": {"kb": {"tables": tables}}}


def manifest(out: Path, files: list[Path], data: dict[str, list[dict]]) -> dict:
    """What a release holds: its version, each file with its size and SHA-256, and each table's rows."""
    current = release.current()
    return {"name": "returnees-knowledge-base", "version": current.version, "released": current.date.isoformat(),
            "licence": LICENCE["name"], "rights": release.RIGHTS,
            "records": {name: len(rows) for name, rows in data.items()},
            "files": [{"path": f.relative_to(out).as_posix(), "bytes": f.stat().st_size,
                       "sha256": hashlib.sha256(f.read_bytes()).hexdigest()} for f in sorted(files)]}


def export_all(kb: KnowledgeBase, out: Path, site_address: str | None = None) -> list[Path]:
    """Write every export into `out`; returns the files written. `site_address` (the published site's, by default
    mkdocs.yml's site_url) makes the permalinks absolute."""
    address = release.published_address() if site_address is None else site_address
    address = address if not address or address.endswith("/") else address + "/"
    out.mkdir(parents=True, exist_ok=True)
    current = release.current()
    document = KnowledgeBaseExport(version=current.version, released=current.date, licence=LICENCE["name"],
                                   rights=release.RIGHTS, sources=list(kb.sources.values()), practices=kb.practices,
                                   countries=kb.countries, introduction=kb.introduction, lessons=kb.lessons,
                                   glossary=kb.glossary)
    (out / "kb.json").write_text(document.model_dump_json(indent=1, exclude=UNPUBLISHED) + "\n", encoding="utf-8")
    data = table_rows(kb, address)
    written = [out / "kb.json", *write_csv(out, data)]
    write_sqlite(out / "kb.sqlite", data)
    for name, content in (("datapackage.json", datapackage(data)), ("metadata.json", datasette_metadata()),
                          ("sources.csl.json", csl_json(kb))):
        (out / name).write_text(json.dumps(content, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (out / "sources.bib").write_text(bibtex(kb), encoding="utf-8")
    (out / "charts").mkdir(exist_ok=True)
    for name, text in chart_files(kb, address).items():
        (out / "charts" / name).write_text(text, encoding="utf-8")
        written.append(out / "charts" / name)
    written += [out / name for name in ("kb.sqlite", "datapackage.json", "metadata.json", "sources.bib",
                                        "sources.csl.json")]
    # The manifest and the checksums last: they describe every other file.
    (out / "manifest.json").write_text(json.dumps(manifest(out, written, data), ensure_ascii=False, indent=1) + "\n",
                                       encoding="utf-8")
    (out / "SHA256SUMS").write_text("".join(f"{hashlib.sha256(f.read_bytes()).hexdigest()}  {f.relative_to(out).as_posix()}\n"
                                            for f in sorted(written)), encoding="utf-8")
    return written + [out / "manifest.json", out / "SHA256SUMS"]
