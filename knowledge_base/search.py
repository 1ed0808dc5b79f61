"""Stage 6, search: query the Whoosh index the way researchers expect.

Words are stemmed ("repatriating" finds "repatriation"), "exact phrases",
field:value (speaker:, org:, country:, kind:, practice:, title:, text:,
footnote:), AND / OR / NOT and a leading minus, wildcards (rehab*), and "did you mean". The query
language is query.py's, which the website's search page shares; Whoosh's parser reads the query.
"""

from __future__ import annotations

import re
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.collectors import FilterCollector, TopCollector, WrappingCollector
from whoosh.highlight import HtmlFormatter, PinpointFragmenter, UppercaseFormatter
from whoosh.qparser import MultifieldParser
from whoosh.query import AndMaybe, Term

from whoosh.spelling import ListCorrector

from .aliases import expand
from .index import FACETS, FINGERPRINT, SCHEMA, SEARCH_FIELDS, WORDS, filter_query, title_key
from .query import GRAMMAR, QueryError, for_whoosh  # noqa: F401 (QueryError: the CLI catches it from here)
from .ranking import SCORING, acceptable_correction

FEW = 3  # a query with fewer hits than this gets a spelling suggestion
TITLE_MATCH_BOOST = 10.0  # a record named by the whole query, over records that mention it (judged set unchanged)
# folder -> (fingerprint, index, corrector, searcher, facet columns): one searcher per process and
# index, kept open while the index's fingerprint holds (opening one reads every segment's files).
_opened: dict[Path, tuple] = {}
# The field names typed that are another's (query.GRAMMAR): Whoosh's parser reads them as that field.
FIELD_ALIASES = {typed: name for typed, name in GRAMMAR["fields"].items() if typed != name}


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
    source: str = ""  # where in its sources the record rests: "Compendium, footnotes 61, 62"


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
    read = for_whoosh(text)  # the shared grammar (query.py): refuses what it cannot read, `-word` as NOT word
    _open(folder)
    parser = make_parser()
    expanded = expand(read)  # spelling variants find each other (search/aliases.yaml)
    # A record whose whole title is the query ranks first among the records the query finds.
    parsed = parser.parse(expanded)
    query = AndMaybe(parsed, Term("title_key", title_key(text), boost=TITLE_MATCH_BOOST))
    restrict = filter_query(kind, country, practice)
    with nullcontext(_opened[folder][3]) as searcher:  # the process's searcher: not closed after one query
        # Every match must reach the counter: no skipping of blocks, nor of sub-queries (replace=0)
        # that can no longer reach the top `limit`.
        facets = FacetCounter(TopCollector(limit, usequality=False, replace=0), _opened[folder][4])
        collector = FilterCollector(facets, restrict) if restrict else facets  # outside: it drops documents first
        searcher.search_with_collector(query, collector)
        results = collector.results()
        record_matched_terms(searcher, query, results)
        results.fragmenter = PinpointFragmenter(maxchars=200, surround=60, autotrim=True)
        results.formatter = HtmlFormatter(tagname="mark", between=" … ") if html_snippets else UppercaseFormatter(between=" … ")
        hits = [
            Hit(kind=h["kind"], id=h["id"], title=h["title"], country=_split(h.get("country")),
                practices=_split(h.get("practice")), url=h["url"],
                snippet=" ".join((h.highlights("text") or h.highlights("title") or _lead(h.get("text", ""))).split()),
                score=round(float(h.score), 4), source=h.get("source") or "")
            for h in results[:limit]
        ]
        total = results.estimated_length() if not results.has_exact_length() else len(results)
        facet_counts = facets.counts()
        # "Did you mean" only when the query finds little: it costs a second search.
        suggestion = _suggest(searcher, parser, folder, parsed, expanded, total, restrict) if total < FEW else None
    return SearchResult(text, total, suggestion, facet_counts, hits)


def _suggest(searcher, parser, folder: Path, query, text, total, restrict) -> str | None:
    """"Did you mean": a corrected query, offered only when it finds more.

    Corrections come from the unstemmed vocabulary, so the suggestion is a real word.
    """
    corrector = _opened[folder][2]
    correctors = {name: corrector for name in SEARCH_FIELDS}
    # Whoosh's corrector cannot write back the phrase a hyphenated word makes ("de-radicalisation"):
    # it corrects the words with spaces for hyphens, and acceptable_correction leaves such words alone.
    plain = re.sub(r"(?<=\w)-(?=\w)", " ", text)
    plain_query = parser.parse(plain) if plain != text else query
    corrected = searcher.correct_query(plain_query, plain, correctors=correctors, maxdist=2, prefix=1)
    if corrected.query == plain_query or corrected.string == plain:
        return None
    string = acceptable_correction(text, corrected.string)
    if string is None:
        return None
    # The corrected terms are plain words: parse again so they are stemmed like the index.
    better = searcher.search(parser.parse(string), filter=restrict, limit=1)
    return string if len(better) > total else None


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


def record_matched_terms(searcher, query, results) -> None:
    """Note which of the query's terms each top hit holds, as highlighting needs (it then reads where
    they are from the postings, without re-analysing the text).

    Whoosh's way, terms=True, asks every term's matcher at every match, a third of the time of a
    query that matches much; the top hits are all that is highlighted.
    """
    top = sorted(docnum for _, docnum in results.top_n)
    docterms: dict[int, list] = {}
    termdocs: dict[tuple, list[int]] = {}
    for term in sorted(_query_terms(searcher.reader(), query)):
        matcher = searcher.postings(*term)
        for docnum in top:
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
            if not matcher.is_active():
                break
            if matcher.id() == docnum:
                docterms.setdefault(docnum, []).append(term)
                termdocs.setdefault(term, []).append(docnum)
    results.docterms, results.termdocs = docterms, termdocs


def _query_terms(reader, query) -> set[tuple[str, bytes]]:
    """The index's terms the query asks for, wildcards expanded, as (field, bytes).

    Not Query.existing_terms: its loop variable replaces its `fieldname` argument, so it keeps the
    terms of the first field only."""
    terms = set()
    for leaf in query.leaves():
        for name, text in leaf.expanded_terms(reader, phrases=True):
            if name in reader.schema:
                try:
                    term = (name, reader.schema[name].to_bytes(text))
                except ValueError:  # a value the field cannot hold (a word asked of a number field)
                    continue
                if term in reader:
                    terms.add(term)
    return terms


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
        kinds = Counter(self.columns.values("kind", self.docnums))
        together = Counter(self.columns.values("countries", self.docnums))
        countries: Counter[str] = Counter()
        for key, count in together.items():  # "kosovo,uzbekistan" counts for each of them
            for country in filter(None, (key or "").split(",")):
                countries[country] += count
        return {"kind": dict(sorted((k, n) for k, n in kinds.items() if k)), "country": dict(sorted(countries.items()))}


LOOKUP_COST = 5  # reading one column value alone, against one value of a whole column read


class FacetColumns:
    """Each document's kind and countries, by document number (deleted documents keep theirs, unmatched).

    They come from facets.json, written beside the index when it changed (index.write_facet_columns).
    Without it (an index made by an older version), from the columns: a value looked up alone costs
    about what five cost when the column is read whole, so a column is
    read whole into a list once the documents looked up one by one add up to a fifth of the index:
    a command-line search (one query per process) that matches a few documents reads only theirs
    (reading a column of 50,000 documents takes longer than such a query), and a long-lived process
    (a benchmark, a server) soon reads each column once and then only indexes lists.
    """

    def __init__(self, searcher, folder: Path, fingerprint: str):
        self.reader = searcher.reader()
        self.size = self.reader.doc_count_all()
        self.whole: dict[str, list] = self._stored(folder, fingerprint)
        self.looked_up: Counter[str] = Counter()

    def _stored(self, folder: Path, fingerprint: str) -> dict[str, list]:
        import json

        try:
            stored = json.loads((folder / FACETS).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if stored.get("fingerprint") != fingerprint or stored.get("size") != self.size:
            return {}
        return {name: list(map(column["values"].__getitem__, column["docs"])) for name, column in stored["columns"].items()}

    def values(self, name: str, docnums: list[int]):
        if name not in self.whole:
            self.looked_up[name] += len(docnums)
            if self.looked_up[name] * LOOKUP_COST < self.size:
                column = self.reader.column_reader(name) if self.reader.has_column(name) else None
                return [column[d] for d in docnums] if column is not None else [None] * len(docnums)
            self.whole[name] = list(self.reader.column_reader(name)) if self.reader.has_column(name) else [None] * self.size
        return map(self.whole[name].__getitem__, docnums)


def _open(folder: Path):
    """The index at `folder`, opened once per process while its fingerprint holds, with its searcher."""
    stamp = (folder / FINGERPRINT).read_text(encoding="utf-8")
    cached = _opened.get(folder)
    if cached is None or cached[0] != stamp:
        if cached is not None:
            cached[3].close()
        ix = whoosh_index.open_dir(folder)
        searcher = ix.searcher(weighting=SCORING)  # kinds weighted (ranking.py)
        words = (folder / WORDS).read_text(encoding="utf-8").split()
        cached = _opened[folder] = (stamp, ix, VocabularyCorrector(words), searcher, FacetColumns(searcher, folder, stamp))
    return cached[1]


def _split(value) -> list[str]:
    return [v for v in (value or "").split(",") if v]


def _lead(text: str, chars: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= chars else text[:chars].rsplit(" ", 1)[0] + " …"
