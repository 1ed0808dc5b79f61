"""Stage 6, search: query the Whoosh index the way researchers expect.

Words are stemmed ("repatriating" finds "repatriation"), "exact phrases",
field:value (speaker:, org:, country:, kind:, practice:, title:, text:,
footnote:), AND / OR / NOT, wildcards (rehab*), and "did you mean".
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.highlight import HtmlFormatter, PinpointFragmenter, UppercaseFormatter
from whoosh.qparser import MultifieldParser
from whoosh.sorting import FieldFacet

from whoosh.spelling import ListCorrector

from .aliases import expand
from .index import FINGERPRINT, SCHEMA, SEARCH_FIELDS, WORDS, filter_query
from .ranking import SCORING, acceptable_correction

FEW = 3  # a query with fewer hits than this gets a spelling suggestion
_opened: dict[Path, tuple[str, object, object]] = {}  # folder -> (fingerprint, index, corrector)
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
    ix = _open(folder)
    parser = make_parser()
    expanded = expand(text)  # spelling variants find each other (search/aliases.yaml)
    query = parser.parse(expanded)
    restrict = filter_query(kind, country, practice)
    facets = {"kind": FieldFacet("kind"), "countries": FieldFacet("countries")}
    with ix.searcher(weighting=SCORING) as searcher:
        results = searcher.search(query, filter=restrict, limit=limit, groupedby=facets, terms=True)
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
        country_counts: Counter[str] = Counter()
        for key, docs in results.groups("countries").items():
            for country in filter(None, (key or "").split(",")):
                country_counts[country] += len(docs)
        facet_counts = {"kind": dict(sorted((k, len(d)) for k, d in results.groups("kind").items() if k)),
                        "country": dict(sorted(country_counts.items()))}
        # "Did you mean" only when the query finds little: it costs a second search.
        suggestion = _suggest(searcher, parser, folder, query, expanded, total, restrict) if total < FEW else None
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


def _open(folder: Path):
    """The index at `folder`, opened once per process while its fingerprint holds."""
    stamp = (folder / FINGERPRINT).read_text(encoding="utf-8")
    cached = _opened.get(folder)
    if cached is None or cached[0] != stamp:
        words = (folder / WORDS).read_text(encoding="utf-8").split()
        cached = _opened[folder] = (stamp, whoosh_index.open_dir(folder), VocabularyCorrector(words))
    return cached[1]


def _split(value) -> list[str]:
    return [v for v in (value or "").split(",") if v]


def _lead(text: str, chars: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= chars else text[:chars].rsplit(" ", 1)[0] + " …"
