"""Which records each generated page shows, recorded while the page renders.

`serve` uses it to render again, after an edit, only the pages that depend on the edited files. A
page depends on:

- the record files whose models it read: while a page renders, every attribute read of a model
  (a record or anything nested in it) is noted against the file of the record it belongs to;
- the answers it asked the knowledge base for (`kb.countries`, `kb.examples_by_practice[pid]`,
  `kb.voice_of(quote)`, …): a new record, or an example moved from one practice to another,
  changes what a page lists although the page never read that record. Each answer is kept as a
  signature of what it lists (ids and labels, not the records' content, which the reads cover),
  and the page renders again when the signature changed.

Nothing is declared by hand per page: what a page reads is what it depends on.
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace

from pydantic import BaseModel

from . import link
from .link import CitedAt, KnowledgeBase
from .models import Record

# Answers of the knowledge base a page may ask for, and how their signature is read. Lists and
# single records: the whole is one answer. Dicts: each key is one (a whole-dict iteration is key None).
LISTED = ("practices", "countries", "lessons", "introduction", "glossary")
KEYED = ("sources", "notes", "citations", "cited_by_source", "primary_source", "paths", "examples_by_practice",
         "facts_by_practice", "quotes_by_practice", "organizations_by_practice", "lessons_by_practice",
         "lessons_by_country", "mentions_by_country")
# Not tracked: `marker_ids` (keyed by object identity; an anchor is its owner's id and path, read
# with the owner) and the private caches, whose answers note themselves (link._derived).


def signature(value: object) -> object:
    """What an answer lists, comparable across two linkings of the records."""
    if isinstance(value, BaseModel):  # which item, not its content (its reads say that)
        return (type(value).__name__, getattr(value, "id", None) or repr(value))
    if isinstance(value, CitedAt):
        return (value.page, value.anchor, value.label)
    if isinstance(value, SimpleNamespace):  # a voice: its name and which quotes it gathers
        return tuple((k, signature(v)) for k, v in sorted(vars(value).items()))
    if isinstance(value, dict):  # a reverse link asked for and empty is no entry (defaultdicts make them)
        return tuple((k, signature(v)) for k, v in value.items() if not (isinstance(v, list) and not v))
    if isinstance(value, (list, tuple)):
        return tuple(signature(v) for v in value)
    return value


def answer(kb: KnowledgeBase, query: tuple[str, object]) -> object:
    """The signature of one answer in this knowledge base (read without tracking)."""
    name, key = query
    if name == "voices":
        return signature(kb._found_voices())
    if name == "voice":
        kb._found_voices()
        return signature(kb._voice_of.get(key))
    value = object.__getattribute__(kb, name)
    if key is None or name in LISTED:
        return signature(value)
    found = value.get(key)
    return signature([] if found is None and isinstance(value, defaultdict) else found)


class _KeyedView:
    """A dict of the knowledge base as a page sees it: each key asked for is noted."""

    def __init__(self, data: dict, name: str, note):
        self._data, self._name, self._note = data, name, note

    def __getitem__(self, key):
        self._note(self._name, key)
        return self._data[key]

    def get(self, key, default=None):
        self._note(self._name, key)
        return self._data.get(key, default)

    def __contains__(self, key):
        self._note(self._name, key)
        return key in self._data

    def _all(self):
        self._note(self._name, None)
        return self._data

    def __iter__(self):
        return iter(self._all())

    def __len__(self):
        return len(self._all())

    def __bool__(self):
        return bool(self._all())

    def keys(self):
        return self._all().keys()

    def values(self):
        return self._all().values()

    def items(self):
        return self._all().items()


@dataclass
class PageMap:
    """page -> the record files it read, and the answers it asked for with their signatures."""

    files: dict[str, set[str]] = field(default_factory=dict)
    queries: dict[str, dict[tuple, object]] = field(default_factory=dict)

    def pages_of(self, path: str) -> set[str]:
        """The pages that read a record file."""
        return {page for page, files in self.files.items() if path in files}

    def dependents(self, changed_files: set[str], kb: KnowledgeBase) -> set[str]:
        """The pages to render again in `kb` after `changed_files` changed (added or removed too)."""
        current: dict[tuple, object] = {}  # each answer worked out once, however many pages asked

        def moved(query, recorded) -> bool:
            if query not in current:
                current[query] = answer(kb, query)
            return current[query] != recorded

        return {page for page in self.files
                if self.files[page] & changed_files or any(moved(q, s) for q, s in self.queries[page].items())}

    def update(self, other: "PageMap", pages: set[str]) -> None:
        """Take `other`'s record of the pages it rendered; forget the pages that are no more."""
        for page in list(self.files):
            if page not in pages:
                del self.files[page], self.queries[page]
        self.files.update(other.files)
        self.queries.update(other.queries)


def _owners(records) -> dict[int, str]:
    """id() of every model of every record -> the record's file."""
    owners: dict[int, str] = {}

    def visit(model: BaseModel, path: str) -> None:
        owners[id(model)] = path
        for name in type(model).model_fields:
            value = model.__dict__.get(name)
            for item in value if isinstance(value, list) else (value,):
                if isinstance(item, BaseModel):
                    visit(item, path)

    for vr in records:
        visit(vr.record, vr.path)
    return owners


@contextmanager
def tracking(kb: KnowledgeBase, records):
    """While it lasts, reads of models and answers of `kb` are noted; yields `page(path)`, a context
    manager under which one page renders, and the PageMap being filled."""
    owners = _owners(records)
    result = PageMap()
    current: list = [None, None]  # the rendering page's files and queries

    def note(name, key):
        queries = current[1]
        if queries is not None and (name, key) not in queries:
            saved, current[:] = current[:], [None, None]  # working out the answer is no read of the page's
            try:
                queries[(name, key)] = answer(kb, (name, key))
            finally:
                current[:] = saved

    def read_model(model, name, _get=object.__getattribute__):
        # An id says which record, not what it holds: a page that scans the countries for those of a
        # practice reads every id, and its answer's signature (ids included) covers them.
        if current[0] is not None and name != "id":
            owner = owners.get(id(model))
            if owner is not None:
                current[0].add(owner)
        return _get(model, name)

    def read_kb(obj, name, _get=object.__getattribute__):
        value = _get(obj, name)
        if obj is kb and current[1] is not None:
            if name in LISTED:
                note(name, None)
            elif name in KEYED:
                return _KeyedView(value, name, note)
        return value

    @contextmanager
    def page(path: str):
        current[0], current[1] = result.files.setdefault(path, set()), result.queries.setdefault(path, {})
        try:
            yield
        finally:
            current[0] = current[1] = None

    Record.__getattribute__ = read_model
    KnowledgeBase.__getattribute__ = read_kb
    link.derived_read = note
    try:
        yield page, result
    finally:
        del Record.__getattribute__, KnowledgeBase.__getattribute__
        link.derived_read = None


def changed_files(before: dict[str, object], after: dict[str, object]) -> set[str]:
    """The record files whose stamp differs, added and removed ones included."""
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


def render_tracked(kb: KnowledgeBase, records, previous: PageMap | None = None, changed: set[str] = frozenset(),
                   **options):
    """Render every page (no `previous` map), or after `changed` files changed only the pages that
    depend on them and the pages new to the site; returns the pages and the map, brought up to date."""
    from .render import render_pages

    only = None
    if previous is not None:
        stale = previous.dependents(changed, kb)
        only = lambda path: path in stale or path not in previous.files  # noqa: E731
    with tracking(kb, records) as (scope, recorded):
        pages = render_pages(kb, only=only, page_scope=scope, **options)
    if previous is not None:
        previous.update(recorded, set(pages.planned))
        recorded = previous
    return pages, recorded
