"""Stage 3, link: check the knowledge base as a whole and derive reverse links.

Per record, validation has already passed. Here we check what only the whole
can tell: ids unique across every file, references that resolve, sources and
their notes, citations that name a real source and note (each once). Short
citations (a plain note number) are resolved to full locators of the record's
first source. Then we derive every reverse link (practice -> examples, quotes,
lessons; note and source -> citing pages) so that nobody types a link twice.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Iterator

from pydantic import BaseModel

from .models import (Country, Figure, Footnote, Glossary, Introduction, Lesson, Locator, Operation, Practice, Quote,
                     Record, Source)
from . import ids
from .problems import Problem, did_you_mean, field_path
from .validate import ValidRecord

NoteKey = tuple[str, int]  # (source id, note number)

# Set by dependencies.py while a page renders: an answer taken from a cache below notes what it
# stands for, since the records it was worked out from were read before the page began.
derived_read = None


def _derived(query: str, key: object) -> None:
    if derived_read is not None:
        derived_read(query, key)


@dataclass(frozen=True)
class CitedAt:
    """A place on the site that cites a source."""

    page: str  # Markdown page path, e.g. countries/germany.md
    anchor: str
    label: str


@dataclass
class KnowledgeBase:
    sources: dict[str, Source] = field(default_factory=dict)
    practices: list[Practice] = field(default_factory=list)
    countries: list[Country] = field(default_factory=list)
    introduction: Introduction | None = None
    lessons: list[Lesson] = field(default_factory=list)
    glossary: Glossary | None = None
    notes: dict[NoteKey, Footnote] = field(default_factory=dict)
    citations: dict[NoteKey, list[CitedAt]] = field(default_factory=lambda: defaultdict(list))
    cited_by_source: dict[str, list[CitedAt]] = field(default_factory=lambda: defaultdict(list))
    _page_titles: dict[str, Record] = field(default_factory=dict, repr=False)  # page -> the record it shows
    primary_source: dict[str, str] = field(default_factory=dict)  # page -> id of its record's first source
    paths: dict[str, str] = field(default_factory=dict)  # record id -> its file, relative to the content root
    marker_ids: dict[int, str] = field(default_factory=dict)  # id() of a cites list -> its marker's HTML id
    _voices: list | None = None  # who speaks in the quotes (voices()), found once
    _voice_of: dict[str, SimpleNamespace] = field(default_factory=dict, repr=False)  # a quote's id -> its voice
    _ids: dict[str, tuple[int, dict]] = field(default_factory=dict, repr=False)  # _by_id's tables
    _cells: dict[tuple[str, str], list] | None = field(default=None, repr=False)  # matrix_cell's examples
    _org_entities: list | None = field(default=None, repr=False)  # organization_entities(), found once
    _org_entity_of: dict[int, SimpleNamespace] = field(default_factory=dict, repr=False)
    work_corrections: list = field(default_factory=list)  # works/corrections.yaml (work_corrections.py)
    work_corrections_map: object = field(default=None, repr=False)  # its source map, for line numbers
    _works: tuple | None = field(default=None, repr=False)  # citations.works(): (the works, what did not apply)

    def marker_id(self, cites: list) -> str:
        return self.marker_ids[id(cites)]
    # reverse links, keyed by practice id / country id
    examples_by_practice: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    facts_by_practice: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    quotes_by_practice: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    organizations_by_practice: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    lessons_by_practice: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    lessons_by_country: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    mentions_by_country: dict[str, list] = field(default_factory=lambda: defaultdict(list))

    def practice(self, pid: str) -> Practice:
        return self._by_id("practices")[pid]

    def country(self, cid: str) -> Country:
        return self._by_id("countries")[cid]

    def _by_id(self, kind: str) -> dict:
        # A dict per kind, not a scan: the matrix asks for a practice in every cell. Built again when
        # the list changed (linking appends records; tests build knowledge bases by hand).
        records = getattr(self, kind)
        table = self._ids.get(kind)
        if table is None or table[0] != len(records):
            table = self._ids[kind] = (len(records), {r.id: r for r in records})
        return table[1]

    def title_of(self, record: Record) -> str:
        return getattr(record, "name", None) or getattr(record, "title", None) or record.id

    def title_of_page(self, page: str) -> str:
        """The title of the record a page shows."""
        if not self._page_titles:  # once: source pages ask for every note's citing pages
            self._page_titles.update((page_of(r), r) for r in reversed(self.records()))
        record = self._page_titles.get(page)
        return self.title_of(record) if record is not None else page  # read here: the title is the page's

    def records(self) -> list[Record]:
        return [*self.sources.values(), *self.practices, *self.countries,
                *([self.introduction] if self.introduction else []), *self.lessons]

    def country_id_of(self, record: Record) -> str:
        return record.id if isinstance(record, Country) else ""

    def speakers(self) -> list[str]:
        return [voice.name for voice in self.voices()]

    def voices(self) -> list[SimpleNamespace]:
        """Who speaks in the quotes, each once however the source spells the name: a person (`speaker`)
        or an institution speaking as such (`organization` only). Variants are kept, to be shown."""
        _derived("voices", None)
        return self._found_voices()

    def _found_voices(self) -> list[SimpleNamespace]:
        if self._voices is None:
            self._voices = self._find_voices()
            self._voice_of = {q.id: voice for voice in self._voices for _, q in voice.quotes}
        return self._voices

    def _find_voices(self) -> list[SimpleNamespace]:
        groups: dict[str, list] = {}
        for owner, quote in self.all_quotes():
            name = quote.speaker or quote.organization
            if name:
                groups.setdefault(_name_key(name), []).append((owner, quote, name))
        keys = sorted(groups)
        for i, key in enumerate(keys):  # a letter's difference in a long family name: the same person
            for other in keys[i + 1:]:
                if key in groups and other in groups and _same_person(key, other):
                    groups[key] += groups.pop(other)
        voices = []
        for key, items in groups.items():
            spellings = [name for _, _, name in items]
            name = max(sorted(set(spellings)), key=lambda n: (spellings.count(n), n != _fold(n)))
            person = any(q.speaker for _, q, _ in items)
            voices.append(SimpleNamespace(key=re.sub(r"[^a-z0-9]+", "-", _fold(name).lower()).strip("-"), name=name,
                                          variants=sorted(set(spellings) - {name}), person=person,
                                          quotes=[(owner, q) for owner, q, _ in items]))
        return sorted(voices, key=lambda v: (not v.person, v.name.split()[-1].lower() if v.person else v.name.lower()))

    def voice_of(self, quote: Quote) -> SimpleNamespace | None:
        self._found_voices()
        _derived("voice", quote.id)
        return self._voice_of.get(quote.id)

    def voice_page(self, voice) -> str:
        return f"speakers/{voice.key}.md"

    def unresolved_notes(self, record) -> tuple[list[tuple[str, int]], int]:
        """The notes a record cites whose text its source's extract lacks, and how many notes it cites."""
        cited = {(loc.source, loc.note) for _, name, value, _ in walk(record) if name == "cites"
                 for loc in value or [] if loc.note is not None}
        missing = sorted(key for key in cited if (fn := self.notes.get(key)) is not None and fn.text is None)
        return missing, len(cited)

    def countries_for_practice(self, pid: str) -> list[Country]:
        seen = {c.id for c, _ in self.examples_by_practice.get(pid, [])}
        return [c for c in self.countries if c.id in seen]

    def note(self, locator: Locator) -> Footnote | None:
        return self.notes.get((locator.source, locator.note)) if locator.note else None

    def cited_on(self, record: Record) -> list[Locator]:
        """Every locator cited on a record's page, once each, by source and note number."""
        unique = {locator_key(loc): loc for _, name, value, _ in walk(record) if name == "cites" for loc in value}
        return [unique[key] for key in sorted(unique, key=lambda k: (k[0], k[1] or 0, k[2] or "", k[3] or ""))]

    @staticmethod
    def operation_name(op) -> str:
        """An operation's name, or what it was: 'Repatriation from Syria, 2022' (no invented name)."""
        if op.name:
            return op.name
        year = (op.date or "")[:4]
        return ", ".join(filter(None, [f"Repatriation from {op.origin}" if op.origin else "Repatriation", year]))

    @staticmethod
    def first_sentence(text: str) -> str:
        sentence = " ".join(text.split()).split(". ")[0]
        return sentence if sentence.endswith(".") else sentence + "."

    def matrix_cell(self, pid: str, cid: str) -> SimpleNamespace:
        """How a country applies a key practice: its examples, and whether section II cites it."""
        if self._cells is None:  # once: the matrix asks for every practice in every country
            self._cells = defaultdict(list)
            for practice, pairs in self.examples_by_practice.items():
                for c, ex in pairs:
                    self._cells[(practice, c.id)].append(ex)
        _derived("examples_by_practice", pid)
        examples = list(self._cells.get((pid, cid), []))
        mentioned = any(m.country == cid for m in self.practice(pid).mentions)
        return SimpleNamespace(examples=examples, mentioned=mentioned)

    def timeline(self) -> list[tuple[Country, object]]:
        """Every operation, dated ones first in date order."""
        ops = [(c, op) for c in self.countries for op in c.operations]
        return sorted(ops, key=lambda pair: (pair[1].date is None, pair[1].date or "", pair[0].name))

    def organization_entities(self) -> list[SimpleNamespace]:
        """Each body once, with its role in each country that names it. An international body (UNICEF,
        the OSCE) is one across countries, known by its abbreviation or its name; a national one (a
        ministry of health) is its country's own, whatever its name."""
        if self._org_entities is None:
            groups: dict[tuple, list] = defaultdict(list)
            for c in self.countries:
                for org in c.organizations:
                    key = ("", _name_key(org.abbreviation or org.name)) if org.kind == "international" else (c.id, org.id)
                    groups[key].append((c, org))
            entities = []
            for (country, _), entries in groups.items():
                labels = [f"{o.name} ({o.abbreviation})" if o.abbreviation and o.abbreviation != o.name else o.name
                          for _, o in entries]
                first = entries[0][1]
                entities.append(SimpleNamespace(
                    id=first.id if country else ids.derived("organization", first.abbreviation or first.name, 8),
                    name=max(sorted(set(labels)), key=labels.count), kind=first.kind, entries=entries,
                    names=list(dict.fromkeys(n for _, o in entries for n in (o.name, o.abbreviation, *o.aliases) if n))))
            self._org_entities = sorted(entities, key=lambda e: _fold(e.name).lower())
            self._org_entity_of = {id(o): e for e in self._org_entities for _, o in e.entries}
        return self._org_entities

    def organization_entity(self, org) -> SimpleNamespace:
        self.organization_entities()
        return self._org_entity_of[id(org)]

    def all_quotes(self) -> list[tuple[Record, Quote]]:
        owners: list = [*self.practices, *self.countries, *([self.introduction] if self.introduction else [])]
        return [(owner, q) for owner in owners for q in owner.quotes]


def _fold(text: str) -> str:
    """Without diacritics: 'Ní Aoláin' -> 'Ni Aolain'."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _name_key(name: str) -> str:
    return " ".join(re.findall(r"\w+", _fold(name).lower()))


def _same_person(a: str, b: str) -> bool:
    """'oliya ilmuradova' and 'oliya ilmuratova': the same given names, family names a letter apart."""
    pa, pb = a.split(), b.split()
    if len(pa) < 2 or pa[:-1] != pb[:-1] or len(pa[-1]) < 6 or len(pa[-1]) != len(pb[-1]):
        return False
    return sum(x != y for x, y in zip(pa[-1], pb[-1])) == 1


def locator_key(loc: Locator) -> tuple:
    return (loc.source, loc.note, loc.page, loc.section)


def page_of(record: Record) -> str:
    """The Markdown page (relative to the docs root) that shows a record."""
    if isinstance(record, Source):
        return f"sources/{record.id}.md"
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
    """Check ids, sources, notes and references across records; derive the reverse links.

    `unreadable` maps a folder to the ids (file names) of its records that failed to load or
    validate: references to them are not reported again, the file's own problem says it all.
    """
    unreadable = unreadable or {}
    kb = KnowledgeBase()
    problems: list[Problem] = []

    def report(vr: ValidRecord, path: tuple, message: str, hint: str | None = None) -> None:
        line, col = vr.source_map.locate(path)
        problems.append(Problem(vr.path, line, col, message, record=vr.record.id, field=field_path(path), hint=hint))

    # 1. ids unique across the whole knowledge base (records and nested items), those derived from an
    # item's content (ids.py) included
    derived: set[int] = set()
    for vr in valid:
        derived |= {id(item) for _, item, _ in ids.children(vr.record) if item.id is None}
        ids.assign(vr.record)
    first_seen: dict[str, str] = {}
    for vr in valid:
        for path, name, value, model in walk(vr.record):
            if name != "id":
                continue
            if value in first_seen:
                made = id(model) in derived
                report(vr, path[:-1] if made else path,
                       f"duplicate id {value!r}{' (made from its first words)' if made else ''}, already used at "
                       f"{first_seen[value]}", "give this item an id of its own (id: ...)" if made else
                       "ids must be unique across the whole knowledge base")
            else:
                first_seen[value] = f"{vr.path}:{vr.source_map.locate(path)[0]}"
        for path, value, first in ids.key_element_clashes(vr.record) if isinstance(vr.record, Practice) else ():
            report(vr, path, f"key element {value!r} is the same as the one at line "
                   f"{vr.source_map.locate(first)[0]} in its first words", "reword one, or merge the two")

    # 2. sources and their notes: each number once per source
    for vr in valid:
        if isinstance(vr.record, Source):
            kb.sources[vr.record.id] = vr.record
            for i, note in enumerate(vr.record.notes):
                key = (vr.record.id, note.number)
                if key in kb.notes:
                    report(vr, ("notes", i, "number"), f"note {note.number} is defined twice in this source",
                           "keep one and delete the other")
                else:
                    kb.notes[key] = note
    for vr in valid:
        if isinstance(vr.record, Source):
            for i, note in enumerate(vr.record.notes):
                if note.ibid_of is not None and (vr.record.id, note.ibid_of) not in kb.notes:
                    report(vr, ("notes", i, "ibid_of"), f"note {note.ibid_of} is not a note of this source")

    # 3. references resolve; short citations become full locators
    practice_ids = {vr.record.id for vr in valid if vr.kind == "practices"} | unreadable.get("practices", set())
    country_ids = {vr.record.id for vr in valid if vr.kind == "countries"} | unreadable.get("countries", set())
    unreadable_sources = unreadable.get("sources", set())
    for vr in valid:
        if isinstance(vr.record, Source):
            continue
        primary = _check_based_on(vr, kb, unreadable_sources, report)
        for path, name, value, owner in walk(vr.record):
            if name == "practices" and isinstance(value, list):
                _check_refs(vr, path, value, practice_ids, "key practice", report)
            elif name in ("countries", "country") and (isinstance(value, list) or isinstance(value, str)):
                _check_refs(vr, path, value if isinstance(value, list) else [value], country_ids, "country", report,
                            single=isinstance(value, str))
            elif name == "cites" and value:
                setattr(owner, "cites", _resolve_cites(vr, path, value, primary, kb, unreadable_sources, report))

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
        if not isinstance(rec, Source):
            kb.primary_source[page_of(rec)] = rec.based_on[0].source
        kb.paths[rec.id] = vr.path
    kb.practices.sort(key=lambda p: p.number)
    kb.countries.sort(key=lambda c: _fold(c.name).lower())  # Île-Verte among the I
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

    seen: set[tuple] = set()  # what is recorded already: a list may be long, a set lookup is not
    for owner in [*kb.practices, *kb.countries, *([kb.introduction] if kb.introduction else []), *kb.lessons]:
        for place, locators, cites in _citations(owner):
            kb.marker_ids[id(cites)] = place.anchor
            for loc in locators:
                if loc.note is not None and ("note", loc.source, loc.note, place) not in seen:
                    seen.add(("note", loc.source, loc.note, place))
                    kb.citations[(loc.source, loc.note)].append(place)
                if ("source", loc.source, place) not in seen:
                    seen.add(("source", loc.source, place))
                    kb.cited_by_source[loc.source].append(place)
    return kb, problems


def _check_based_on(vr: ValidRecord, kb: KnowledgeBase, unreadable: set[str], report) -> str | None:
    """Each source a record is based on exists (with that section); returns the first one's id, if usable."""
    for i, based in enumerate(vr.record.based_on):
        source = kb.sources.get(based.source)
        if source is None:
            if based.source not in unreadable:
                report(vr, ("based_on", i, "source"), f"unknown source id {based.source!r}",
                       did_you_mean(based.source, kb.sources) or f"sources are the files in sources/: {', '.join(sorted(kb.sources))}")
            continue
        sections = [s.section for s in source.sections]
        if based.section and sections and based.section not in sections and "TODO" not in based.section:
            report(vr, ("based_on", i, "section"), f"{based.source} has no section {based.section!r}",
                   f"its sections: {', '.join(sections)}")
        if based.complete and not (based.section and source.boxes):
            report(vr, ("based_on", i, "complete"),
                   "`complete: true` needs a section, and a source whose `boxes:` say how its boxes are marked",
                   "give the section, or remove `complete`")
    first = vr.record.based_on[0].source
    return first if first in kb.sources else None


def _resolve_cites(vr, path, cites: list, primary: str | None, kb: KnowledgeBase, unreadable: set[str], report) -> list:
    """Plain numbers become locators of the record's first source; every locator must resolve, once."""
    resolved, seen = [], {}
    for i, cite in enumerate(cites):
        if isinstance(cite, Locator):
            loc = cite
        elif primary is None:  # the record's first source is unknown: that problem is reported already
            resolved.append(cite)
            continue
        else:
            loc = Locator(source=primary, note=cite)
        resolved.append(loc)
        where = path + (i,)
        key = locator_key(loc)
        if key in seen:
            report(vr, where, f"{_describe(loc)} is cited twice here (also at position {seen[key] + 1})",
                   "delete the repeated citation")
            continue
        seen[key] = i
        if loc.source in unreadable:
            continue
        source = kb.sources.get(loc.source)
        if source is None:
            report(vr, where, f"unknown source id {loc.source!r}",
                   did_you_mean(loc.source, kb.sources) or f"sources are the files in sources/: {', '.join(sorted(kb.sources))}")
        elif loc.note is not None and (loc.source, loc.note) not in kb.notes:
            report(vr, where, f"{_describe(loc)} is cited but not defined",
                   f"add it to the `notes:` of sources/{loc.source}.yaml with its verbatim text")
        elif loc.section and source.sections and loc.section not in [s.section for s in source.sections]:
            report(vr, where, f"{loc.source} has no section {loc.section!r}",
                   f"its sections: {', '.join(s.section for s in source.sections)}")
    return resolved


def _describe(loc: Locator) -> str:
    if loc.note is not None:
        return f"note {loc.note} of {loc.source}"
    return f"{loc.source}" + (f", section {loc.section}" if loc.section else "") + (f", p. {loc.page}" if loc.page else "")


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


SECTION_NAMES = {"context": "General context", "approach": "Approach", "figures": "Figures",
                 "operations": "Operations", "examples": "Practice examples", "facts": "Relevant facts",
                 "organizations": "Organizations", "challenges": "Challenges", "quotes": "Quotes",
                 "description": "Description", "mentions": "In the countries", "practices_overview": "Key practices",
                 "lessons_overview": "Lessons learned"}


def marker_id(owner: Record, path: tuple, item=None) -> str:
    """The HTML id of the citation marker of the item at `path` (its paragraph, on any page that shows it):
    from the item's own id where it has one, so that reordering a list moves no marker's address."""
    item_id = getattr(item, "id", None)
    if item_id and item is not owner:
        return f"ref-{item_id}"
    return "ref-" + "-".join([owner.id, *(str(part).replace("_", "-") for part in path[:-1])])


def _citations(owner: Record) -> Iterator[tuple[CitedAt, list[Locator], list]]:
    """Every (place, locators, the cites list itself) a record's page shows; places are labelled
    by where they are: "Kazakhstan › Practice examples › Opening small businesses"."""
    page = page_of(owner)
    title = getattr(owner, "name", None) or getattr(owner, "title", owner.id)
    for path, name, value, model in walk(owner):
        if name != "cites" or not value:
            continue
        if isinstance(owner, Lesson):
            label = f"Lesson {owner.number}: {owner.title}"
        else:
            item = getattr(model, "title", None) or getattr(model, "name", None) or _quote_label(model)
            if isinstance(model, Operation):
                item = KnowledgeBase.operation_name(model)
            parts = [title, SECTION_NAMES.get(str(path[0]), str(path[0]).replace("_", " ").capitalize())]
            label = " › ".join(parts + ([item] if item and model is not owner and not isinstance(model, Figure) else []))
        yield CitedAt(page, marker_id(owner, path, model), label), [loc for loc in value if isinstance(loc, Locator)], value


def _quote_label(model) -> str:
    if isinstance(model, Quote):
        return model.speaker or model.organization or "unattributed"
    return ""
