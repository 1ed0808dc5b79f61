"""The website's search: a Pagefind index of the same documents the command line searches.

Pagefind (a compiled static-search engine) splits its index into chunks and a reader downloads
only those a query needs. Each practice, country, example, fact, quote, footnote, organization and
lesson is one record (the documents of index.py), with its own address and filters for the search
page's facets: kind, country, key practice, speaker, organization and footnote number. Nothing
else of a page (navigation, related quotes, footers) is indexed.

Beside it, for "did you mean": the knowledge base's vocabulary (the words of the Whoosh index),
split by first letter so that a reader downloads only the list a misspelt word needs, and the
labels of the facets' ids.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from jinja2 import Environment, PackageLoader

from .aliases import variants_for
from .index import WORDS, documents, figure_id, passage_id
from .link import KnowledgeBase
from .models import Locator
from .ranking import kind_weight

BUNDLE = "pagefind"  # the Pagefind bundle, at the site's root
TERMS = "search/terms"  # vocabulary files, one per first letter: search/terms/r.json
LABELS = "search/labels.json"
HEADING_WEIGHT = 7.0  # Pagefind's own weight for an <h1>: a record's title, scaled by its kind's weight
_TEMPLATES = Environment(loader=PackageLoader("knowledge_base"), autoescape=True)
KIND_LABELS = {"practice": "Key practice", "country": "Country profile", "passage": "Passage",
               "operation": "Operation", "figure": "Figure", "example": "Practice example",
               "fact": "Fact", "quote": "Quote", "footnote": "Footnote", "organization": "Organization",
               "lesson": "Lesson"}


def records(kb: KnowledgeBase) -> list[dict]:
    """The Pagefind records: one per document of the command line's index.

    Each record's text leaves out what its title already says (an organization's name, a quote's
    speaker), so that the excerpt under a result does not repeat its title; a quote's title is who
    said it, and its excerpt the quote itself. `variants` are the spellings of its names it lacks
    (search/aliases.yaml), indexed with it so that either spelling finds it. The `source` is where in its source the record rests
    ("Compendium, footnotes 12, 14"), shown on the result's row with its kind and countries."""
    voices = {q.id: voice.name for voice in kb.voices() for _, q in voice.quotes}  # one name however spelt
    where = source_locators(kb)
    out = []
    for doc in documents(kb):
        filters = {"kind": [doc.kind], "country": list(doc.country), "practice": list(doc.practice)}
        title, parts = doc.title, [doc.speaker, doc.org, doc.text]
        if doc.kind == "quote":
            filters["speaker"] = [voices.get(doc.id, "Unattributed")]
            title, parts = ", ".join(filter(None, [doc.speaker, doc.org])) or "Unattributed", [doc.text]
        if doc.org:
            filters["org"] = [doc.org]
        if doc.footnote is not None:
            filters["footnote"] = [str(doc.footnote)]
        out.append({"url": doc.url, "title": title, "id": doc.id, "kind": doc.kind, "source": where.get(doc.id, ""),
                    "content": [part for part in parts if part and part != title],
                    "variants": variants_for(" ".join([doc.title, doc.speaker, doc.org, doc.text])),
                    "filters": {name: values for name, values in filters.items() if values}})
    return out


def source_locators(kb: KnowledgeBase) -> dict[str, str]:
    """Where in its sources each record rests, by record id: what it cites, or else the section it is
    based on. 'Compendium, footnotes 12, 14', 'Compendium, section VI', 'Other report, p. 3'."""
    out = {}
    for practice in kb.practices:
        out[practice.id] = _based_on(kb, practice.based_on)
        out.update(_passage_places(kb, practice, "description", practice.description, out[practice.id]))
    if kb.introduction:
        intro = kb.introduction
        out.update(_passage_places(kb, intro, "context", intro.context, _based_on(kb, intro.based_on)))
        out.update({figure_id(intro.id, i): _cited(kb, f.cites) for i, f in enumerate(intro.figures)})
    for country in kb.countries:
        out[country.id] = _based_on(kb, country.based_on)
        for part in ("context", "approach"):
            out.update(_passage_places(kb, country, part, getattr(country, part), out[country.id]))
        out.update({op.id: _cited(kb, op.cites) or out[country.id] for op in country.operations})
        out.update({figure_id(country.id, i): _cited(kb, f.cites) or out[country.id] for i, f in enumerate(country.figures)})
        for item in (*country.examples, *country.facts):
            out[item.id] = _cited(kb, item.cites) or out[country.id]
        for i, org in enumerate(country.organizations):
            out[f"{country.id}-organization-{i + 1}"] = _cited(kb, org.cites) or out[country.id]
    for owner, quote in kb.all_quotes():
        out[quote.id] = _cited(kb, quote.cites) or _based_on(kb, owner.based_on)
    for source in kb.sources.values():
        for note in source.notes:
            out[f"{source.id}-footnote-{note.number}"] = _cited(kb, [Locator(source=source.id, note=note.number)])
    for lesson in kb.lessons:
        out[lesson.id] = _based_on(kb, lesson.based_on)
    return out


def _passage_places(kb: KnowledgeBase, owner, part: str, passages, fallback: str) -> dict[str, str]:
    return {passage_id(owner.id, part, i): _cited(kb, p.cites) or fallback for i, p in enumerate(passages)}


def _source_name(kb: KnowledgeBase, source_id: str) -> str:
    source = kb.sources.get(source_id)
    return source.short_title if source else source_id


def _based_on(kb: KnowledgeBase, based_on: list) -> str:
    first = based_on[0]
    return ", ".join(filter(None, [_source_name(kb, first.source), first.section and f"section {first.section}"]))


def _cited(kb: KnowledgeBase, cites: list) -> str:
    """The places a record cites, by source: notes together ('footnotes 12, 14'), then pages and sections."""
    by_source: dict[str, list[str]] = {}
    notes: dict[str, list[int]] = defaultdict(list)
    for loc in cites:
        if not isinstance(loc, Locator):  # a number whose source is unknown: validate reports it
            continue
        by_source.setdefault(loc.source, [])
        if loc.note is not None:
            notes[loc.source].append(loc.note)
        else:
            by_source[loc.source].append(", ".join(filter(None, [loc.section and f"section {loc.section}",
                                                                 loc.page and f"p. {loc.page}"])))
    places = []
    for source_id, others in by_source.items():
        numbers = notes.get(source_id, [])
        said = [f"footnote{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))}"] if numbers else []
        places.append(", ".join([_source_name(kb, source_id), *said, *others]))
    return "; ".join(places)


def _record_html(record: dict) -> str:
    """A record as the small HTML page Pagefind indexes: its text, its address and its filters."""
    weight = kind_weight(record["kind"])
    return _TEMPLATES.get_template("pagefind_record.html.j2").render(
        record=record, weight=weight, title_weight=min(10.0, round(HEADING_WEIGHT * weight, 1)))


def _write_bundle(items: list[dict], out: Path) -> None:
    """Index the records with Pagefind's command line (one small page each), writing the bundle to `out`."""
    with tempfile.TemporaryDirectory(prefix="kb-pagefind-") as folder:
        for number, item in enumerate(items):
            (Path(folder) / f"{number}.html").write_text(_record_html(item), encoding="utf-8")
        shutil.rmtree(out, ignore_errors=True)
        proc = subprocess.run([sys.executable, "-m", "pagefind", "--site", folder, "--output-path", str(out),
                               "--force-language", "en", "--silent"], capture_output=True, text=True)
        if proc.returncode != 0:
            raise OSError(f"pagefind failed: {proc.stderr.strip() or proc.stdout.strip()}")


def write_site_search(kb: KnowledgeBase, site: Path, index_folder: Path) -> None:
    """Write the Pagefind bundle, the vocabulary files and the facet labels into the built site."""
    _write_bundle(records(kb), site / BUNDLE)

    by_letter: dict[str, list[str]] = defaultdict(list)
    for word in (index_folder / WORDS).read_text(encoding="utf-8").split():
        by_letter[word[0]].append(word)
    terms = site / TERMS
    terms.mkdir(parents=True, exist_ok=True)
    for letter, words in by_letter.items():
        if letter.isalpha() and letter.isascii():
            (terms / f"{letter}.json").write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")
    labels = {"kind": KIND_LABELS, "country": {c.id: c.name for c in kb.countries},
              "practice": {p.id: f"{p.number}. {p.title}" for p in kb.practices}}
    (site / LABELS).write_text(json.dumps(labels, ensure_ascii=False), encoding="utf-8")
