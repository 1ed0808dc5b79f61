"""Where in its sources each search record rests ("Compendium, footnotes 12, 14"), shown on its result's row
by both searches."""

from __future__ import annotations

from collections import defaultdict

from .link import KnowledgeBase
from .models import Locator


def source_locators(kb: KnowledgeBase) -> dict[str, str]:
    """Where in its sources each record rests, by record id: what it cites, or else the section it is
    based on. 'Compendium, footnotes 12, 14', 'Compendium, section VI', 'Other report, p. 3'."""
    out = {}
    for practice in kb.practices:
        out[practice.id] = _based_on(kb, practice.based_on)
        out.update(_passage_places(kb, practice, "description", practice.description, out[practice.id]))
    if kb.introduction:
        intro = kb.introduction
        based = _based_on(kb, intro.based_on)
        out.update(_passage_places(kb, intro, "context", intro.context, based))
        out.update({f.id: _cited(kb, f.cites) or based for f in intro.figures})
    for country in kb.countries:
        out[country.id] = _based_on(kb, country.based_on)
        for part in ("context", "approach"):
            out.update(_passage_places(kb, country, part, getattr(country, part), out[country.id]))
        out.update({op.id: _cited(kb, op.cites) or out[country.id] for op in country.operations})
        out.update({f.id: _cited(kb, f.cites) or out[country.id] for f in country.figures})
        for item in (*country.examples, *country.facts):
            out[item.id] = _cited(kb, item.cites) or out[country.id]
        for org in country.organizations:
            out[org.id] = _cited(kb, org.cites) or out[country.id]
    for owner, quote in kb.all_quotes():
        out[quote.id] = _cited(kb, quote.cites) or _based_on(kb, owner.based_on)
    for source in kb.sources.values():
        for note in source.notes:
            out[f"{source.id}-footnote-{note.number}"] = _cited(kb, [Locator(source=source.id, note=note.number)])
    for lesson in kb.lessons:
        out[lesson.id] = _based_on(kb, lesson.based_on)
    return out


def _passage_places(kb: KnowledgeBase, owner, part: str, passages, fallback: str) -> dict[str, str]:
    return {p.id: _cited(kb, p.cites) or fallback for p in passages}


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
