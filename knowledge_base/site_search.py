"""The website's search: a Pagefind index of the same documents the command line searches.

Pagefind (a compiled static-search engine) splits its index into chunks and a reader downloads
only those a query needs. Each practice, country, passage, operation, figure, example, fact, quote,
footnote, organization and lesson is one record (the documents of index.py), with its own address and filters for the search
page's facets and for the query language's fields: kind, country, key practice, speaker, organization,
footnote number and id. Nothing
else of a page (navigation, related quotes, footers) is indexed.

Beside it, for "did you mean": the knowledge base's vocabulary (the words of the Whoosh index),
split by first letter so that a reader downloads only the list a misspelt word needs, and the
labels of the facets' ids.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from jinja2 import Environment, PackageLoader

from .aliases import variants_for
from .index import NUMBER_WORDS, WORDS, documents
from .link import KnowledgeBase
from .query import GRAMMAR
from .ranking import kind_weight
from .render import attr

BUNDLE = "pagefind"  # the Pagefind bundle, at the site's root
TERMS = "search/terms"  # vocabulary files, one per first letter: search/terms/r.json
LABELS = "search/labels.json"
GRAMMAR_FILE = "search/grammar.json"  # the query language (query.GRAMMAR), which search.js parses with
VALUES = "search/values"  # the values of the filters without labels, one list each: search/values/speaker.json
UNLABELLED = ("speaker", "org")  # kind, country and practice values are the keys of the labels
HEADING_WEIGHT = 7.0  # Pagefind's own weight for an <h1>: a record's title, scaled by its kind's weight
_TEMPLATES = Environment(loader=PackageLoader("knowledge_base"), autoescape=True)
_TEMPLATES.filters["attr"] = attr  # the templates' one rule for a value in an attribute (tests/test_templates.py)
KIND_LABELS = {"practice": "Key practice", "country": "Country profile", "passage": "Passage",
               "operation": "Operation", "figure": "Figure", "example": "Practice example",
               "fact": "Fact", "quote": "Quote", "footnote": "Footnote", "organization": "Organization",
               "lesson": "Lesson"}


def records(kb: KnowledgeBase) -> list[dict]:
    """The Pagefind records: one per document of the command line's index.

    Each record's text leaves out what its title already says (an organization's name, a quote's
    speaker), so that the excerpt under a result does not repeat its title; a quote's title is who
    said it, and its excerpt the quote itself. `variants` are the spellings of its names it lacks
    (search/aliases.yaml), indexed with it so that either spelling finds it. The `source` is where in
    its source the record rests ("Compendium, footnotes 12, 14", locators.py), shown on the result's row
    with its kind and countries."""
    voices = {q.id: voice.name for voice in kb.voices() for _, q in voice.quotes}  # one name however spelt
    out = []
    for doc in documents(kb):
        # `id` is a filter for the query language's id: field, fetched only by a query that has one.
        filters = {"kind": [doc.kind], "country": list(doc.country), "practice": list(doc.practice), "id": [doc.id]}
        title, parts = doc.title, [doc.speaker, doc.org, doc.text]
        if doc.kind == "quote":
            filters["speaker"] = [voices.get(doc.id, "Unattributed")]
            title, parts = ", ".join(filter(None, [doc.speaker, doc.org])) or "Unattributed", [doc.text]
        if doc.org:
            filters["org"] = [doc.org]
        if doc.footnote is not None:
            filters["footnote"] = [str(doc.footnote)]
        out.append({"url": doc.url, "title": title, "id": doc.id, "kind": doc.kind, "source": doc.source,
                    "content": [part for part in parts if part and part != title],
                    "variants": _also_searched(" ".join([doc.title, doc.speaker, doc.org, doc.text])),
                    "filters": {name: values for name, values in filters.items() if values}})
    return out


def _also_searched(text: str) -> list[str]:
    """What a record is also found by on the website: the spellings of its names it lacks (aliases) and
    its numbers the other way round, in digits or words, as the command line's index has them
    (index.NUMBER_WORDS): Pagefind has neither aliases nor an analyzer of its own."""
    words = set(re.findall(r"[a-z0-9]+", text.lower()))
    numbers = {digits for word, digits in NUMBER_WORDS.items() if word in words and digits not in words}
    numbers |= {word for word, digits in NUMBER_WORDS.items() if digits in words and word not in words}
    return variants_for(text) + sorted(numbers)


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
    """Write the Pagefind bundle, the vocabulary files, the facet labels, the query language and the
    values of the filters without labels into the built site."""
    items = records(kb)
    _write_bundle(items, site / BUNDLE)
    (site / VALUES).mkdir(parents=True, exist_ok=True)
    for name in UNLABELLED:
        values = sorted({v for item in items for v in item["filters"].get(name, [])})
        (site / VALUES / f"{name}.json").write_text(json.dumps(values, ensure_ascii=False), encoding="utf-8")
    (site / GRAMMAR_FILE).write_text(json.dumps(GRAMMAR, ensure_ascii=False), encoding="utf-8")

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
