"""Stable ids for the items of a record that have no id of their own: passages, figures,
organizations, mentions, challenges and key elements.

An item's id is the one its editor gives it (`id:`), or else derived from its content: its record,
its kind, and the first words of its text ("kazakhstan-figure-kazakh-citizens-repatriated-from-syria").
Never from its place in a list, so that reordering a list changes no id, no address on the site and
no row key in the downloads. Two items that would get the same id are reported by validate (link), which
asks the editor to give one of them an `id:`.
"""

from __future__ import annotations

import hashlib
import re
from typing import Iterator

from .aliases import fold
from .models import Country, Introduction, Practice, Record

# How many words of its text an id takes: enough to tell the items of one record apart, and no more.
WORDS = {"passage": 6, "figure": 10, "organization": 8, "challenge": 8, "element": 8}
# The parts of each kind of record that hold passages.
PASSAGE_PARTS = {Practice: ("description",), Country: ("context", "approach"),
                 Introduction: ("context", "practices_overview", "lessons_overview")}


def slug(text: str, words: int = 8) -> str:
    """'Ní Aoláin, Special Rapporteur' -> 'ni-aolain-special-rapporteur' (diacritics folded)."""
    return "-".join(re.findall(r"[a-z0-9]+", fold(text))[:words])


MAX_LENGTH = 80  # as long as an editor's id may be (models.Slug)


def derived(prefix: str, text: str, words: int) -> str:
    """`prefix` and the text's first words; a text with no letter a-z (another script) by a digest of it.
    An id longer than MAX_LENGTH keeps the words that fit and a digest of the whole, so that two long
    texts that differ only near their end still get ids of their own."""
    made = f"{prefix}-{slug(text, words) or _digest(text)}"
    if len(made) <= MAX_LENGTH:
        return made
    short = made[:MAX_LENGTH - 9].rsplit("-", 1)[0]
    return f"{short}-{_digest(made)}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def key_element_id(practice_id: str, text: str) -> str:
    return derived(f"{practice_id}-element", text, WORDS["element"])


def children(record: Record) -> Iterator[tuple[tuple, object, str]]:
    """Every item of a record whose id is explicit or derived: (its path in the record, the item, its derived id)."""
    for part in PASSAGE_PARTS.get(type(record), ()):
        for i, passage in enumerate(getattr(record, part)):
            yield (part, i), passage, derived(f"{record.id}-{part.replace('_', '-')}", passage.text, WORDS["passage"])
    for i, figure in enumerate(getattr(record, "figures", None) or []):
        yield ("figures", i), figure, derived(f"{record.id}-figure", figure.label, WORDS["figure"])
    for i, org in enumerate(getattr(record, "organizations", None) or []):
        yield ("organizations", i), org, derived(f"{record.id}-organization", org.abbreviation or org.name,
                                                 WORDS["organization"])
    for i, challenge in enumerate(getattr(record, "challenges", None) or []):
        yield ("challenges", i), challenge, derived(f"{record.id}-challenge", challenge.title, WORDS["challenge"])
    if isinstance(record, Practice):
        for i, mention in enumerate(record.mentions):
            yield ("mentions", i), mention, f"{record.id}-in-{mention.country}"


def assign(record: Record) -> None:
    """Give every item without an explicit id its derived one (link does this before anything reads them)."""
    for _, item, default in children(record):
        if item.id is None:
            item.id = default


def key_element_clashes(practice: Practice) -> Iterator[tuple[tuple, str, tuple]]:
    """Key elements (plain text, with no `id:` to give) whose ids are one: (the later one's path, the id, the
    first one's path). Other items' clashes are duplicate ids, which link reports with every other."""
    first: dict[str, tuple] = {}
    for i, text in enumerate(practice.key_elements):
        given = key_element_id(practice.id, text)
        if given in first:
            yield ("key_elements", i), given, first[given]
        first.setdefault(given, ("key_elements", i))
