"""Stage 3, link: check the knowledge base as a whole and derive reverse links.

Per record, validation has already passed. Here we check what only the whole
can tell: ids unique across every file, references that resolve, footnotes
defined exactly once and cited where defined. Then we derive every reverse
link (practice -> examples, quotes, lessons; footnote -> citing pages) so that
nobody types a link twice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Iterator

from pydantic import BaseModel

from .models import Country, Footnote, Glossary, Introduction, Lesson, Practice, Quote, Record
from .problems import Problem, did_you_mean, field_path
from .validate import ValidRecord


@dataclass(frozen=True)
class Citation:
    """A place on the site that cites a footnote."""

    page: str  # Markdown page path, e.g. countries/germany.md
    anchor: str
    label: str


@dataclass
class KnowledgeBase:
    practices: list[Practice] = field(default_factory=list)
    countries: list[Country] = field(default_factory=list)
    introduction: Introduction | None = None
    lessons: list[Lesson] = field(default_factory=list)
    glossary: Glossary | None = None
    footnotes: dict[int, Footnote] = field(default_factory=dict)
    citations: dict[int, list[Citation]] = field(default_factory=lambda: defaultdict(list))
    # reverse links, keyed by practice id / country id
    examples_by_practice: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    facts_by_practice: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    quotes_by_practice: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    organizations_by_practice: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    lessons_by_practice: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    lessons_by_country: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    mentions_by_country: dict[str, list] = field(default_factory=lambda: defaultdict(list))

    def practice(self, pid: str) -> Practice:
        return next(p for p in self.practices if p.id == pid)

    def country(self, cid: str) -> Country:
        return next(c for c in self.countries if c.id == cid)

    def title_of(self, record: Record) -> str:
        return getattr(record, "name", None) or getattr(record, "title", None) or record.id

    def country_id_of(self, record: Record) -> str:
        return record.id if isinstance(record, Country) else ""

    def speakers(self) -> list[str]:
        return sorted({q.speaker or q.organization for _, q in self.all_quotes() if q.speaker or q.organization})

    def countries_for_practice(self, pid: str) -> list[Country]:
        seen = {c.id for c, _ in self.examples_by_practice.get(pid, [])}
        return [c for c in self.countries if c.id in seen]

    def cited_on(self, record: Record) -> list[int]:
        """Footnote numbers cited anywhere on a record's page, in order."""
        return sorted({n for _, name, value, _ in walk(record) if name == "cites" for n in value})

    def matrix_cell(self, pid: str, cid: str) -> SimpleNamespace:
        """How a country applies a key practice: its examples, and whether section II cites it."""
        examples = [ex for c, ex in self.examples_by_practice.get(pid, []) if c.id == cid]
        mentioned = any(m.country == cid for m in self.practice(pid).mentions)
        return SimpleNamespace(examples=examples, mentioned=mentioned)

    def timeline(self) -> list[tuple[Country, object]]:
        """Every operation, dated ones first in date order."""
        ops = [(c, op) for c in self.countries for op in c.operations]
        return sorted(ops, key=lambda pair: (pair[1].date is None, pair[1].date or "", pair[0].name))

    def organizations_directory(self) -> list[tuple[str, list]]:
        """Organizations grouped by name across countries: [(name, [(country, org, anchor)])]."""
        groups: dict[str, list] = defaultdict(list)
        for c in self.countries:
            for i, org in enumerate(c.organizations):
                label = f"{org.name} ({org.abbreviation})" if org.abbreviation else org.name
                groups[label].append((c, org, f"{c.id}-organization-{i + 1}"))
        return sorted(groups.items(), key=lambda kv: kv[0].lower())

    def all_quotes(self) -> list[tuple[Record, Quote]]:
        owners: list = [*self.practices, *self.countries, *([self.introduction] if self.introduction else [])]
        return [(owner, q) for owner in owners for q in owner.quotes]


def page_of(record: Record) -> str:
    """The Markdown page (relative to the docs root) that shows a record."""
    if isinstance(record, Practice):
        return f"practices/{record.id}.md"
    if isinstance(record, Country):
        return f"countries/{record.id}.md"
    if isinstance(record, Introduction):
        return "introduction.md"
    if isinstance(record, Lesson):
        return "lessons.md"
    if isinstance(record, Glossary):
        return "glossary.md"
    raise TypeError(record)


def walk(model: BaseModel, path: tuple = ()) -> Iterator[tuple[tuple, str, object, BaseModel]]:
    """Yield (path, field name, value, owning model) for every field, depth first."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        yield path + (name,), name, value, model
        if isinstance(value, BaseModel):
            yield from walk(value, path + (name,))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from walk(item, path + (name, i))


def link(valid: list[ValidRecord], unreadable: dict[str, set[str]] | None = None) -> tuple[KnowledgeBase, list[Problem]]:
    """Check ids, footnotes and references across records; derive the reverse links.

    `unreadable` maps a folder to the ids (file names) of its records that failed to load or
    validate: references to them are not reported again, the file's own problem says it all.
    """
    unreadable = unreadable or {}
    kb = KnowledgeBase()
    problems: list[Problem] = []

    def report(vr: ValidRecord, path: tuple, message: str, hint: str | None = None) -> None:
        line, col = vr.source_map.locate(path)
        problems.append(Problem(vr.path, line, col, message, record=vr.record.id, field=field_path(path), hint=hint))

    # 1. ids unique across the whole knowledge base (records and nested items)
    first_seen: dict[str, str] = {}
    for vr in valid:
        for path, name, value, _ in walk(vr.record):
            if name != "id":
                continue
            if value in first_seen:
                report(vr, path, f"duplicate id {value!r}, already used at {first_seen[value]}",
                       "ids must be unique across the whole knowledge base")
            else:
                first_seen[value] = f"{vr.path}:{vr.source_map.locate(path)[0]}"

    # 2. footnotes: each number defined exactly once
    defined_at: dict[int, str] = {}
    for vr in valid:
        for path, name, value, owner in walk(vr.record):
            if name == "footnote" and isinstance(owner, Footnote):
                if value in defined_at:
                    report(vr, path, f"footnote {value} is defined twice (also at {defined_at[value]})",
                           "keep one definition and cite the number elsewhere")
                else:
                    defined_at[value] = f"{vr.path}:{vr.source_map.locate(path)[0]}"
                    kb.footnotes[value] = owner

    # 3. references resolve
    practice_ids = {vr.record.id for vr in valid if vr.kind == "practices"} | unreadable.get("practices", set())
    country_ids = {vr.record.id for vr in valid if vr.kind == "countries"} | unreadable.get("countries", set())
    for vr in valid:
        for path, name, value, owner in walk(vr.record):
            if name == "practices" and isinstance(value, list):
                _check_refs(vr, path, value, practice_ids, "key practice", report)
            elif name in ("countries", "country") and (isinstance(value, list) or isinstance(value, str)):
                _check_refs(vr, path, value if isinstance(value, list) else [value], country_ids, "country", report,
                            single=isinstance(value, str))
            elif name in ("cites", "ibid_of") and value is not None:
                numbers = value if isinstance(value, list) else [value]
                for i, number in enumerate(numbers):
                    if number not in defined_at:
                        report(vr, path + ((i,) if isinstance(value, list) else ()),
                               f"footnote {number} is cited but not defined",
                               "add it to the `footnotes:` list of this record with its verbatim text")

    # 4. records and reverse links
    for vr in valid:
        rec = vr.record
        if isinstance(rec, Practice):
            kb.practices.append(rec)
        elif isinstance(rec, Country):
            kb.countries.append(rec)
        elif isinstance(rec, Introduction):
            kb.introduction = rec
        elif isinstance(rec, Lesson):
            kb.lessons.append(rec)
        elif isinstance(rec, Glossary):
            kb.glossary = rec
    kb.practices.sort(key=lambda p: p.number)
    kb.countries.sort(key=lambda c: c.name)
    kb.lessons.sort(key=lambda l: l.number)
    _seen_numbers(valid, report)

    for country in kb.countries:
        for ex in country.examples:
            for pid in ex.practices:
                kb.examples_by_practice[pid].append((country, ex))
        for fact in country.facts:
            for pid in fact.practices:
                kb.facts_by_practice[pid].append((country, fact))
        for org in country.organizations:
            for pid in org.practices:
                kb.organizations_by_practice[pid].append((country, org))
    for owner, quote in kb.all_quotes():
        for pid in quote.practices:
            kb.quotes_by_practice[pid].append((owner, quote))
    for practice in kb.practices:
        for mention in practice.mentions:
            kb.mentions_by_country[mention.country].append((practice, mention))
    for lesson in kb.lessons:
        for pid in lesson.practices:
            kb.lessons_by_practice[pid].append(lesson)
        for cid in lesson.countries:
            kb.lessons_by_country[cid].append(lesson)

    for owner in [*kb.practices, *kb.countries, *([kb.introduction] if kb.introduction else []), *kb.lessons]:
        for citation, numbers in _citations(owner):
            for number in numbers:
                if citation not in kb.citations[number]:
                    kb.citations[number].append(citation)
    return kb, problems


def _check_refs(vr, path, values, known: set[str], what: str, report, single: bool = False) -> None:
    for i, ref in enumerate(values):
        if ref not in known:
            hint = did_you_mean(ref, known) or (f"known ids: {', '.join(sorted(known))}" if known else None)
            report(vr, path if single else path + (i,), f"unknown {what} id {ref!r}", hint)


def _seen_numbers(valid: list[ValidRecord], report) -> None:
    """Practice and lesson numbers are unique within their kind."""
    for kind in ("practices", "lessons"):
        seen: dict[int, str] = {}
        for vr in valid:
            if vr.kind == kind:
                n = vr.record.number
                if n in seen:
                    report(vr, ("number",), f"number {n} is already used by {seen[n]!r}")
                seen.setdefault(n, vr.record.id)


def _citations(owner: Record) -> Iterator[tuple[Citation, list[int]]]:
    """Every (place, footnote numbers) pair a record's page shows."""
    page = page_of(owner)
    title = getattr(owner, "name", None) or getattr(owner, "title", owner.id)
    for path, name, value, model in walk(owner):
        if name != "cites" or not value:
            continue
        item_id = getattr(model, "id", None)
        if isinstance(owner, Lesson):
            anchor, label = f"lesson-{owner.id}", f"Lesson {owner.number}: {owner.title}"
        elif item_id and model is not owner:
            anchor = item_id
            label = f"{title}: {getattr(model, 'title', None) or getattr(model, 'name', None) or _quote_label(model)}"
        else:
            anchor, label = _section_anchor(path), title
        yield Citation(page, anchor, label), value


def _quote_label(model) -> str:
    if isinstance(model, Quote):
        return f"quote of {model.speaker or model.organization or 'unnamed'}"
    return getattr(model, "label", "") or ""


def _section_anchor(path: tuple) -> str:
    """Anchor of the page section a field is shown in (see the templates)."""
    return {"context": "context", "approach": "approach", "figures": "figures", "organizations": "organizations",
            "challenges": "challenges", "description": "description", "mentions": "in-the-countries",
            "footnotes": "sources"}.get(str(path[0]), "")
