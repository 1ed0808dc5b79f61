"""Stage 5, index: a Whoosh index of every practice, country, passage, operation,
figure, example, fact, quote, footnote, organization and lesson, for precise search.

The index lives in .generated/index/. Beside it, stamps.json holds the path,
size and mtime_ns of every entry of the record folders (and the index version):
`fresh_index` tells from them alone, without loading a record, that the index
answers for the records as they are. When they changed, `ensure_index` updates
only the documents whose fields changed. English text is stemmed; ids, kinds,
countries and practices are exact keywords.

This module imports no model: `python build.py search` on a fresh index needs
only Whoosh (the models, pydantic and the loader are imported by `documents`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from whoosh import index as whoosh_index
from whoosh.analysis import (CharsetFilter, Filter, LowercaseFilter, RegexTokenizer, StandardAnalyzer, StemFilter,
                             StopFilter)
from whoosh.support.charset import accent_map
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.lang.porter2 import stem as english_stem
from whoosh.query import And, Term

if TYPE_CHECKING:
    from .link import KnowledgeBase
    from .models import Country

INDEX_DIR = ".generated/index"
FINGERPRINT = "fingerprint.txt"
WORDS = "words.txt"  # unstemmed vocabulary, for "did you mean"
RELATED = "related.json"  # related quotes per practice and country, chosen when the index changed
INDEX_VERSION = "12"  # bump when the schema or the documents change shape
STAMPS = "stamps.json"  # what the index was made from: see record_stamps
DOC_HASHES = "documents.json"  # each document's hash, to re-index only those that changed
RECORD_FOLDERS = ("sources", "practices", "countries", "introduction", "lessons", "glossary")  # models.RECORD_KINDS
STAMPED_ENV = ("KB_SOURCES_DIR", "KB_REQUIRE_SOURCES")  # validation depends on them
FACETS = "facets.json"  # the facet columns by document number, read once per change (write_facet_columns)
FACET_COLUMNS = ("kind", "countries")

NUMBER_WORDS = {word: str(n) for n, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())} | {"thirty": "30", "forty": "40", "fifty": "50", "hundred": "100"}


class NumberWords(Filter):
    """A number in words is indexed (and searched) as its digits: "children under 10" finds "children under
    ten", as the records' own words often spell what the source prints in digits, and the other way round."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = NUMBER_WORDS.get(token.text, token.text)
            yield token


def english_analyzer():
    """Words lowercased and without diacritics ("Aolain" finds "Aoláin"), stop words dropped (single
    characters kept: "5 phases"), numbers in words as digits, then stemmed with Porter2."""
    return (RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map) | StopFilter(minsize=1) | NumberWords()
            | StemFilter(stemfn=english_stem))


SCHEMA = Schema(
    # Facets read columns (sortable=True) instead of scanning every posting of the field at
    # each query. A document may have several countries: `countries` holds them together as
    # one column value ("kosovo,uzbekistan"), which search.py splits into per-country counts.
    kind=ID(stored=True, sortable=True),
    countries=ID(sortable=True),
    id=ID(stored=True, unique=True),
    # Porter2 (Snowball English) stems "repatriating" and "repatriation" alike; Porter 1 does not.
    # chars=True stores each word's character span, so snippets are cut without re-analysing
    # long texts at query time (Whoosh's "pinpoint" highlighting).
    title=TEXT(stored=True, analyzer=english_analyzer(), field_boost=2.0, chars=True),
    text=TEXT(stored=True, analyzer=english_analyzer(), chars=True),
    # Names match without their diacritics: speaker:aolain finds "Ní Aoláin" and "Ni Aolain". Stop words are
    # dropped here too: kept in one field, "the" in "The Netherlands" had to be in a name for a record to match.
    speaker=TEXT(stored=True, analyzer=StandardAnalyzer(minsize=1) | CharsetFilter(accent_map)),
    org=TEXT(stored=True, analyzer=StandardAnalyzer(minsize=1) | CharsetFilter(accent_map)),
    country=KEYWORD(stored=True, commas=True, lowercase=True),
    practice=KEYWORD(stored=True, commas=True, lowercase=True),
    footnote=NUMERIC(int, stored=True),
    url=STORED(),
    source=STORED(),  # where in its sources the record rests, for the result's row
    # The whole title, folded (title_key): a query that is a record's very name ("Germany", "Zhusan-4")
    # lifts that record above the passages that merely mention it many times.
    title_key=ID(),
)
SEARCH_FIELDS = ["title", "text", "speaker", "org"]


@dataclass
class Doc:
    kind: str
    id: str
    title: str
    text: str
    url: str
    speaker: str = ""
    org: str = ""
    country: tuple[str, ...] = ()
    practice: tuple[str, ...] = ()
    footnote: int | None = None
    source: str = ""

    def fields(self) -> dict:
        fields = {
            "kind": self.kind, "id": self.id, "title": self.title, "text": self.text, "url": self.url,
            "speaker": self.speaker, "org": self.org,
            "country": ",".join(self.country), "practice": ",".join(self.practice),
            "countries": ",".join(sorted(set(self.country))), "source": self.source, "title_key": title_key(self.title),
        }
        if self.footnote is not None:
            fields["footnote"] = self.footnote
        return fields


def title_key(text: str) -> str:
    """A title or a query, lowercased, without diacritics or punctuation: "Ní Aoláin" -> "ni aolain"."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", folded.lower()).split())


def site_url(page: str, anchor: str = "") -> str:
    """The site URL of a Markdown page, relative to the site root (use_directory_urls: false)."""
    url = page.removesuffix(".md") + ".html"
    return f"{url}#{anchor}" if anchor else url


def passage_docs(owner, part: str, label: str, passages, page: str, country=(), practice=()) -> Iterator[Doc]:
    """Each passage of a record as its own result, titled by its record and heading, so that a search
    for what one paragraph says opens that paragraph rather than the top of a long page."""
    for passage in passages:
        heading = passage.heading if passage.heading and passage.heading.lower() not in label.lower() else None
        title = f"{label}: {heading}" if heading else label
        yield Doc("passage", passage.id, title, passage.text, site_url(page, passage.id), country=country,
                  practice=practice)


def operation_docs(kb: KnowledgeBase, c: Country) -> Iterator[Doc]:
    from .link import page_of
    for op in c.operations:
        when = op.date or op.date_text
        title = kb.operation_name(op) + (f" ({when})" if when else "")
        counts = ", ".join(f"{n} {k}" for k, n in op.counts.model_dump(exclude_none=True).items())
        body = [op.summary, counts and f"Brought back: {counts}.", op.origin and f"From {op.origin}."]
        yield Doc("operation", op.id, title, "\n".join(filter(None, body)), site_url(page_of(c), op.id), country=(c.id,))


def figure_docs(owner, figures, country=()) -> Iterator[Doc]:
    """Each figure as a result: its label as title, its value as a reader reads it and the editors' note,
    which quotes the source's own words ("Children under the age of 10 …") where they differ."""
    from .link import page_of
    from .render import figure_text  # render imports this module: imported when first needed

    for f in figures:
        body = [figure_text(f) + (f" ({f.area})" if f.area else "") + (f", as of {f.as_of}" if f.as_of else ""),
                f.note or ""]
        yield Doc("figure", f.id, f.label, "\n".join(filter(None, body)), site_url(page_of(owner), f.id),
                  country=country)


def documents(kb: KnowledgeBase) -> Iterator[Doc]:
    """Every search record, with where it rests in its sources (locators.source_locators)."""
    from .locators import source_locators  # here, not above: a search on a fresh index never loads the models

    where = source_locators(kb)
    for doc in _documents(kb):
        doc.source = where.get(doc.id, "")
        yield doc


def _documents(kb: KnowledgeBase) -> Iterator[Doc]:
    from .link import page_of
    from .models import Country

    for p in kb.practices:
        countries = {c.id for c, _ in kb.examples_by_practice[p.id]} | {m.country for m in p.mentions}
        body = [p.summary, *(d.text for d in p.description), *p.key_elements, *(m.text for m in p.mentions)]
        yield Doc("practice", p.id, f"Key practice {p.number}: {p.title}", "\n".join(body),
                  site_url(page_of(p)), country=tuple(sorted(countries)), practice=(p.id,))
        yield from passage_docs(p, "description", f"Key practice {p.number}: {p.title}", p.description, page_of(p),
                                practice=(p.id,))
    if kb.introduction:
        intro = kb.introduction
        yield from passage_docs(intro, "context", intro.title, intro.context, page_of(intro))
        yield from figure_docs(intro, intro.figures)
    for c in kb.countries:
        body = [c.summary, *(x.text for x in c.context), *(x.text for x in c.approach),
                *(f"{ch.title}. {ch.text}" for ch in c.challenges), *(f.label for f in c.figures),
                *(op.summary for op in c.operations)]
        yield Doc("country", c.id, c.name, "\n".join(body), site_url(page_of(c)), country=(c.id,),
                  practice=tuple(sorted({pid for ex in c.examples for pid in ex.practices})))
        yield from passage_docs(c, "context", f"{c.name}, general context", c.context, page_of(c), country=(c.id,))
        yield from passage_docs(c, "approach", f"{c.name}, approach", c.approach, page_of(c), country=(c.id,))
        yield from operation_docs(kb, c)
        yield from figure_docs(c, c.figures, country=(c.id,))
        for ex in c.examples:
            yield Doc("example", ex.id, ex.title, ex.summary, site_url(page_of(c), ex.id),
                      country=(c.id,), practice=tuple(ex.practices))
        for fact in c.facts:
            yield Doc("fact", fact.id, fact.title, fact.summary, site_url(page_of(c), fact.id),
                      country=(c.id,), practice=tuple(fact.practices))
        for org in c.organizations:
            name = f"{org.name} ({org.abbreviation})" if org.abbreviation else org.name
            yield Doc("organization", org.id, name, "\n".join([*org.aliases, org.role]),
                      site_url(page_of(c), org.id), org=name, country=(c.id,),
                      practice=tuple(org.practices))
    for owner, q in kb.all_quotes():
        who = q.speaker or q.organization or "Unattributed"
        words = q.text.split()
        yield Doc("quote", q.id, f"{who}: “{' '.join(words[:8])}{'…' if len(words) > 8 else ''}”", q.text, site_url(page_of(owner), q.id),
                  speaker=q.speaker or "", org=q.organization or "",
                  country=(owner.id,) if isinstance(owner, Country) else (), practice=tuple(q.practices))
    for source in kb.sources.values():
        for fn in source.notes:
            pages = kb.citations.get((source.id, fn.number), [])
            countries = sorted({c.page.split("/")[1].removesuffix(".md") for c in pages if c.page.startswith("countries/")})
            practices = sorted({c.page.split("/")[1].removesuffix(".md") for c in pages if c.page.startswith("practices/")})
            yield Doc("footnote", f"{source.id}-footnote-{fn.number}", f"{source.short_title}, footnote {fn.number}",
                      fn.text or (fn.note or ""), site_url(page_of(source), f"fn-{fn.number}"),
                      country=tuple(countries), practice=tuple(practices), footnote=fn.number)
    for lesson in kb.lessons:
        yield Doc("lesson", lesson.id, f"Lesson {lesson.number}: {lesson.title}", lesson.text,
                  site_url("lessons.md", f"lesson-{lesson.id}"), country=tuple(lesson.countries),
                  practice=tuple(lesson.practices))


def index_folder(root: Path) -> Path:
    """Where the index lives; a build points it elsewhere until it succeeds (KB_INDEX_DIR)."""
    return Path(os.environ.get("KB_INDEX_DIR") or root / INDEX_DIR)


def record_stamps(root: Path) -> dict:
    """What the index was made from, told without reading a record: the index version, the settings
    validation depends on, and the path, size and mtime_ns of every entry of the record folders.

    Every entry, not only the records: a stray `x.yml` or a subfolder is a problem `validate`
    reports, so its arrival must send the next search through validation too. (Source texts live
    outside the repository and are not stamped: `validate` is what checks them.)
    """
    files = {}
    for folder in RECORD_FOLDERS:
        try:
            entries = sorted(os.scandir(root / folder), key=lambda e: e.name)
        except OSError:  # absent (or unreadable: validation says so)
            continue
        for entry in entries:
            if not entry.name.startswith("."):  # as load.discover: editors' swap files do not count
                stat = entry.stat(follow_symlinks=False)
                files[f"{folder}/{entry.name}"] = [stat.st_size, stat.st_mtime_ns]
    return {"version": INDEX_VERSION, "env": [os.environ.get(name, "") for name in STAMPED_ENV], "files": files}


def fresh_index(root: Path) -> Path | None:
    """The index folder if it answers for the records as they are now (by their stamps), else None."""
    folder = index_folder(root)
    try:
        stored = json.loads((folder / STAMPS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    # A table of contents (_MAIN_<generation>.toc) says an index is there; whoosh_index.exists_in
    # would open it, and the search opens it once more.
    return folder if stored == record_stamps(root) and any(folder.glob("_MAIN_*.toc")) else None


def ensure_index(kb: KnowledgeBase, files: list[Path], root: Path) -> tuple[Path, str | None]:
    """The index folder of a valid knowledge base, brought up to date with `kb`.

    Returns (folder, what was done: "rebuilt", "updated: ..." or None when it was up to date).
    `files` are the record files `kb` was loaded from (the stamps also cover the rest of their folders).
    """
    folder = index_folder(root)
    stamps = record_stamps(root)
    if fresh_index(root):
        return folder, None
    docs = {doc.id: doc for doc in documents(kb)}
    hashes = {doc_id: _doc_hash(doc) for doc_id, doc in docs.items()}
    old = _stored_hashes(folder)
    changed = [docs[i] for i, h in hashes.items() if old is not None and old.get(i) != h]
    removed = sorted(set(old or ()) - set(hashes))
    # Documents are compared field by field, not file by file: some fields come from other records
    # (a practice's countries from the countries' examples, a footnote's pages from every citation),
    # so one edited file can change documents of unedited ones. Whoosh keeps the statistics of
    # replaced documents until segments merge, which shifts scores: past a quarter of the index,
    # a rebuild is as quick and exact.
    if old is None or len(changed) + len(removed) > len(hashes) / 4:
        _rebuild(folder, docs.values(), hashes)
        done = "rebuilt"
    elif changed or removed:
        _update(folder, docs.values(), hashes, changed, removed)
        done = f"updated: {len(changed)} document(s) re-indexed, {len(removed)} removed"
    else:
        done = None  # files touched, no document changed
    (folder / STAMPS).write_text(json.dumps(stamps), encoding="utf-8")  # last: a crash before it leaves it stale
    return folder, done


def _doc_hash(doc: Doc) -> str:
    return hashlib.sha256(json.dumps(doc.fields(), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _stored_hashes(folder: Path) -> dict[str, str] | None:
    """Each indexed document's hash, or None when the index cannot be updated in place."""
    try:
        stored = json.loads((folder / DOC_HASHES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if stored.get("version") != INDEX_VERSION or not whoosh_index.exists_in(folder):
        return None
    return stored["documents"]


def _rebuild(folder: Path, docs, hashes: dict[str, str]) -> None:
    """A new index in a staging folder, swapped in whole."""
    staging = folder.with_name(folder.name + ".building")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    ix = whoosh_index.create_in(staging, SCHEMA)
    with ix.writer() as writer:
        for doc in docs:
            writer.add_document(**doc.fields())
    _write_beside(staging, docs, hashes)
    write_facet_columns(staging)
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)


def _update(folder: Path, docs, hashes: dict[str, str], changed: list[Doc], removed: list[str]) -> None:
    """Re-index the changed documents and delete the removed ones, in place (one Whoosh commit)."""
    ix = whoosh_index.open_dir(folder)
    with ix.writer() as writer:
        for doc in changed:
            writer.update_document(**doc.fields())  # `id` is unique: the old version goes
        for doc_id in removed:
            writer.delete_by_term("id", doc_id)
    # Related quotes are chosen by more-like-this over the whole index: any change may change them.
    # They are chosen again when a build asks (related_quotes).
    (folder / RELATED).unlink(missing_ok=True)
    _write_beside(folder, docs, hashes)
    write_facet_columns(folder)


def _write_beside(folder: Path, docs, hashes: dict[str, str]) -> None:
    """The files kept beside the index: the vocabulary, the documents' hashes and the fingerprint
    (which tells an open searcher that the index changed)."""
    vocabulary: set[str] = set()
    for doc in docs:
        vocabulary.update(w.lower() for w in re.findall(r"[^\W\d_]{3,}", f"{doc.title} {doc.text}"))
    (folder / WORDS).write_text("\n".join(sorted(vocabulary)) + "\n", encoding="utf-8")
    (folder / DOC_HASHES).write_text(json.dumps({"version": INDEX_VERSION, "documents": hashes}), encoding="utf-8")
    digest = hashlib.sha256(INDEX_VERSION.encode())
    for doc_id in sorted(hashes):
        digest.update(f"{doc_id}\0{hashes[doc_id]}\0".encode())
    (folder / FINGERPRINT).write_text(digest.hexdigest())


def write_facet_columns(folder: Path) -> None:
    """Each document's kind and countries by document number, from the index's sortable columns, for
    search.py's facet counts. Whoosh reads a column at some 4 µs a document, which every search
    process would pay before its first count (0.2 s at 100x); this file loads in a few ms. It names
    the fingerprint it was read for: a search ignores it if the index changed since."""
    reader = whoosh_index.open_dir(folder).reader()
    try:
        columns = {}
        for name in FACET_COLUMNS:
            values = [v or "" for v in reader.column_reader(name)] if reader.has_column(name) else [""] * reader.doc_count_all()
            table = sorted(set(values))
            number = {value: i for i, value in enumerate(table)}
            columns[name] = {"values": table, "docs": [number[v] for v in values]}
    finally:
        reader.close()
    stored = {"fingerprint": (folder / FINGERPRINT).read_text(), "size": len(values), "columns": columns}
    (folder / FACETS).write_text(json.dumps(stored, separators=(",", ":")), encoding="utf-8")


def related_quotes(folder: Path, kb: KnowledgeBase, top: int = 4) -> dict[str, list]:
    """For each practice and country: quotes from elsewhere that read like it (more-like-this).

    Returns {record id: [(owner record, quote), ...]}. The choice is kept beside the index
    (related.json), so it is made again only when the index changes.
    """
    by_id = {q.id: (owner, q) for owner, q in kb.all_quotes()}
    cache = folder / RELATED
    if cache.exists():
        chosen = json.loads(cache.read_text(encoding="utf-8"))
    else:
        chosen = _choose_related(folder, kb, top)
        cache.write_text(json.dumps(chosen), encoding="utf-8")
    return {rid: [by_id[qid] for qid in qids if qid in by_id] for rid, qids in chosen.items()}


def _choose_related(folder: Path, kb: KnowledgeBase, top: int) -> dict[str, list[str]]:
    from .models import Practice

    ix = whoosh_index.open_dir(folder)
    chosen: dict[str, list[str]] = {}
    with ix.searcher() as searcher:
        for record in [*kb.practices, *kb.countries]:
            docnum = searcher.document_number(id=record.id)
            if docnum is None:
                continue
            own = {q.id for q in record.quotes}
            if isinstance(record, Practice):
                own |= {q.id for _, q in kb.quotes_by_practice[record.id]}
            hits = searcher.more_like(docnum, "text", top=top + len(own), filter=Term("kind", "quote"))
            chosen[record.id] = [h["id"] for h in hits if h["id"] not in own][:top]
    return chosen


def filter_query(kind: str | None = None, country: str | None = None, practice: str | None = None):
    terms = [Term(name, value.lower()) for name, value in (("kind", kind), ("country", country), ("practice", practice)) if value]
    return And(terms) if len(terms) > 1 else (terms[0] if terms else None)

