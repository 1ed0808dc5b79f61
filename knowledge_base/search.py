"""Stage 6, search: query the Whoosh index the way researchers expect.

Words are stemmed ("repatriating" finds "repatriation"), "exact phrases",
field:value (speaker:, org:, country:, kind:, practice:, title:, text:,
footnote:), AND / OR / NOT, wildcards (rehab*), and "did you mean".
"""

from __future__ import annotations

import re
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.collectors import FilterCollector, TermsCollector, TopCollector, WrappingCollector
from whoosh.highlight import HtmlFormatter, PinpointFragmenter, UppercaseFormatter
from whoosh.qparser import MultifieldParser

from whoosh.spelling import ListCorrector

from .index import FINGERPRINT, SCHEMA, SEARCH_FIELDS, WORDS, filter_query

FEW = 3  # a query with fewer hits than this gets a spelling suggestion
# folder -> (fingerprint, index, corrector, searcher, facet columns): one searcher per process and
# index, kept open while the index's fingerprint holds (opening one reads every segment's files).
_opened: dict[Path, tuple] = {}
FIELD_ALIASES = {"organization": "org", "organisation": "org", "practices": "practice", "countries": "country"}
_FIELD_PREFIX = re.compile(r"(?<![\w\"])([A-Za-z_]+):")


class QueryError(ValueError):
    """A query the parser cannot make sense of: reported in one line, exit 2."""


@dataclass
class Hit:
    kind: str
    id: str
    title: str
    country: list[str]
    practices: list[str]
    url: str
    snippet: str
    score: float


@dataclass
class SearchResult:
    query: str
    total: int
    suggestion: str | None
    facets: dict[str, dict[str, int]]
    hits: list[Hit] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"query": self.query, "total": self.total, "suggestion": self.suggestion, "facets": self.facets,
                "hits": [hit.__dict__ for hit in self.hits]}


def check_query(text: str) -> str:
    """Refuse what Whoosh would silently read as something else."""
    if not text.strip():
        raise QueryError("the query is empty")
    if text.count('"') % 2:
        raise QueryError('unbalanced double quote in the query: close the "phrase"')
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            break
    if depth:
        raise QueryError("unbalanced parentheses in the query")
    known = set(SCHEMA.names()) | set(FIELD_ALIASES)
    outside_phrases = re.sub(r'"[^"]*"', "", text)
    for name in _FIELD_PREFIX.findall(outside_phrases):
        if name.lower() not in known:
            raise QueryError(f"unknown field {name!r}: use one of kind, id, title, text, speaker, org, country, "
                             "practice, footnote")
    if re.fullmatch(r"\s*(AND|OR|NOT|\s)+\s*", text):
        raise QueryError("the query has operators but no words")
    return text


@lru_cache(maxsize=None)  # a parser keeps no state between queries: one is made per process
def make_parser():
    parser = MultifieldParser(SEARCH_FIELDS, SCHEMA)
    parser.add_plugin(_aliases())
    return parser


def _aliases():
    from whoosh.qparser import FieldAliasPlugin

    mapping: dict[str, list[str]] = {}
    for alias, target in FIELD_ALIASES.items():
        mapping.setdefault(target, []).append(alias)
    return FieldAliasPlugin(mapping)


def search(folder: Path, text: str, *, kind=None, country=None, practice=None, limit: int = 10,
           html_snippets: bool = False) -> SearchResult:
    check_query(text)
    _open(folder)
    parser = make_parser()
    query = parser.parse(text)
    restrict = filter_query(kind, country, practice)
    with nullcontext(_opened[folder][3]) as searcher:  # the process's searcher: not closed after one query
        # Every match must reach the counter: no skipping of blocks, nor of sub-queries (replace=0)
        # that can no longer reach the top `limit`.
        facets = FacetCounter(TopCollector(limit, usequality=False, replace=0), _opened[folder][4])
        collector = TermsCollector(facets)  # outside the counter: only the filter's documents reach it
        collector = FilterCollector(collector, restrict) if restrict else collector
        searcher.search_with_collector(query, collector)
        results = collector.results()
        results.fragmenter = PinpointFragmenter(maxchars=200, surround=60, autotrim=True)
        results.formatter = HtmlFormatter(tagname="mark", between=" … ") if html_snippets else UppercaseFormatter(between=" … ")
        hits = [
            Hit(kind=h["kind"], id=h["id"], title=h["title"], country=_split(h.get("country")),
                practices=_split(h.get("practice")), url=h["url"],
                snippet=" ".join((h.highlights("text") or h.highlights("title") or _lead(h.get("text", ""))).split()),
                score=round(float(h.score), 4))
            for h in results[:limit]
        ]
        total = results.estimated_length() if not results.has_exact_length() else len(results)
        facet_counts = facets.counts()
        # "Did you mean" only when the query finds little: it costs a second search.
        suggestion = _suggest(searcher, parser, folder, query, text, total, restrict) if total < FEW else None
    return SearchResult(text, total, suggestion, facet_counts, hits)


def _suggest(searcher, parser, folder: Path, query, text, total, restrict) -> str | None:
    """"Did you mean": a corrected query, offered only when it finds more.

    Corrections come from the unstemmed vocabulary, so the suggestion is a real word.
    """
    corrector = _opened[folder][2]
    correctors = {name: corrector for name in SEARCH_FIELDS}
    corrected = searcher.correct_query(query, text, correctors=correctors, maxdist=2, prefix=1)
    if corrected.query == query or corrected.string == text:
        return None
    # The corrected terms are plain words: parse again so they are stemmed like the index.
    better = searcher.search(parser.parse(corrected.string), filter=restrict, limit=1)
    return corrected.string if len(better) > total else None


class VocabularyCorrector(ListCorrector):
    """Whoosh's list corrector, remembering its answers: a query word is corrected once for the four
    fields it is searched in (and once per process for a word asked again)."""

    def __init__(self, words):
        super().__init__(words)
        self._memo: dict[tuple, list] = {}

    def _suggestions(self, text, maxdist, prefix):
        key = (text, maxdist, prefix)
        if key not in self._memo:
            if len(self._memo) > 10_000:
                self._memo.clear()
            self._memo[key] = list(super()._suggestions(text, maxdist, prefix))
        return iter(self._memo[key])


class FacetCounter(WrappingCollector):
    """Counts the matched documents by kind and by country as they are collected.

    The values come from the sortable columns, read once per searcher into lists (FacetColumns):
    counting is then a list lookup per document. Whoosh's own grouping (groupedby=) keeps a list of
    documents per value and makes the search gather and sort every match, not only the top ones.
    """

    def __init__(self, child, columns: "FacetColumns"):
        super().__init__(child)
        self.columns = columns
        self.docnums: list[int] = []

    def collect(self, sub_docnum):
        self.docnums.append(self.child.offset + sub_docnum)
        return self.child.collect(sub_docnum)

    def counts(self) -> dict[str, dict[str, int]]:
        kinds = Counter(map(self.columns.kind.__getitem__, self.docnums))
        together = Counter(map(self.columns.countries.__getitem__, self.docnums))
        countries: Counter[str] = Counter()
        for key, count in together.items():  # "kosovo,uzbekistan" counts for each of them
            for country in filter(None, (key or "").split(",")):
                countries[country] += count
        return {"kind": dict(sorted((k, n) for k, n in kinds.items() if k)), "country": dict(sorted(countries.items()))}


class FacetColumns:
    """Each document's kind and countries, by document number (deleted documents keep theirs, unmatched)."""

    def __init__(self, searcher):
        reader = searcher.reader()
        self.kind = list(reader.column_reader("kind")) if reader.has_column("kind") else []
        self.countries = list(reader.column_reader("countries")) if reader.has_column("countries") else []


def _open(folder: Path):
    """The index at `folder`, opened once per process while its fingerprint holds, with its searcher."""
    stamp = (folder / FINGERPRINT).read_text(encoding="utf-8")
    cached = _opened.get(folder)
    if cached is None or cached[0] != stamp:
        if cached is not None:
            cached[3].close()
        ix = whoosh_index.open_dir(folder)
        searcher = ix.searcher()
        words = (folder / WORDS).read_text(encoding="utf-8").split()
        cached = _opened[folder] = (stamp, ix, VocabularyCorrector(words), searcher, FacetColumns(searcher))
    return cached[1]


def _split(value) -> list[str]:
    return [v for v in (value or "").split(",") if v]


def _lead(text: str, chars: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= chars else text[:chars].rsplit(" ", 1)[0] + " …"
