"""Compare record text with a source's text, forgiving only PDF artefacts.

Quotes and note texts must be the source's own words. An extracted text breaks
lines (and words, with a hyphen) at the PDF's line ends, mixes straight and
curly quote marks, and carries note markers like [45]; none of that counts as
a difference. Anything else does, and is reported with the nearest passage of
the source and the first word that differs.
"""

from __future__ import annotations

import hashlib
import re
import weakref
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Callable, TypeVar

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "`": "'", "´": "'"})
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-"})
_WORD = re.compile(r"[\w'’\-]+")
CLOSE = 12  # characters in common (spaces aside) below which no passage of the source is "nearest"


_REMOVED = re.compile(r"\[\d+\]|[\s\-]+")


def _canonical_with_positions(text: str) -> tuple[str, list[int]]:
    """The canonical form of `text` and, for each of its characters, its position in `text`.

    Note markers, whitespace and hyphens go; quote marks and dashes are unified. Hyphens go
    too because the PDF may break 'multi-stakeholder' as 'multi-' + line break + 'stakeholder'
    and an editor mends it either way. (Slices between the removed spans: a source text of
    200 KB takes milliseconds, not a Python loop over every character.)
    """
    unified = text.translate(_QUOTES).translate(_DASHES)  # one character for one: positions hold
    chars, positions, start = [], [], 0
    for match in _REMOVED.finditer(unified):
        if match.start() > start:
            chars.append(unified[start:match.start()])
            positions.extend(range(start, match.start()))
        start = match.end()
    chars.append(unified[start:])
    positions.extend(range(start, len(unified)))
    return "".join(chars), positions


def canonical(text: str) -> str:
    return _canonical_with_positions(text)[0]


def _words(text: str, first: int, last: int) -> str:
    """The words of `text` that the characters first..last (inclusive) touch."""
    while first > 0 and _WORD.match(text[first - 1]):
        first -= 1
    while last + 1 < len(text) and _WORD.match(text[last + 1]):
        last += 1
    return " ".join(text[first:last + 1].split())


@dataclass
class Difference:
    """Where a passage parts from the source: the source line, its passage, and the words that differ."""

    line: int
    passage: str
    ours: str
    theirs: str

    def describe(self, file: str) -> str:
        if not self.line:
            return f"not found verbatim in {file}, and no passage of it comes close: is it from another source?"
        where = f"not found verbatim in {file}: nearest passage at line {self.line} (“{self.passage}”); "
        if not self.ours:
            return where + f"the source has “{self.theirs}” where the record has nothing"
        if not self.theirs:
            return where + f"the record adds “{self.ours}”, which the source does not have"
        return where + f"the first difference is “{self.ours}” where the source has “{self.theirs}”"


T = TypeVar("T")


def per_document(build: Callable[["SourceDocument"], T]) -> Callable[["SourceDocument"], T]:
    """`build(document)` once per source text: the views of it later stages derive (its words, its sentences)."""
    built: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def view(document: "SourceDocument") -> T:
        if document not in built:
            built[document] = build(document)
        return built[document]

    return view


class SourceDocument:
    """A source's text, ready to be searched for verbatim passages."""

    def __init__(self, path: Path):
        self.path = path
        self.raw = path.read_bytes()
        self.text = self.raw.decode("utf-8", errors="replace")

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()

    @cached_property
    def _canonical(self) -> tuple[str, list[int]]:
        return _canonical_with_positions(self.text)

    @property
    def canonical_text(self) -> str:
        return self._canonical[0]

    def contains(self, passage: str) -> bool:
        # Straight/curly quotes inside a quote are often doubled or dropped at
        # its edges by the PDF, so edge quote marks are not compared.
        needle = canonical(passage).strip("\"'")
        return bool(needle) and needle in self._canonical[0]

    def lines(self, first: int, last: int) -> str:
        return "\n".join(self.text.splitlines()[first - 1:last])

    def first_difference(self, passage: str) -> Difference:
        """Where `passage` parts from the source: the longest stretch of it the source has from its start,
        the longest from its end, and the words between them on either side."""
        haystack, where = self._canonical
        needle, ours_at = _canonical_with_positions(passage)
        n = len(needle)
        head = _longest(lambda k: needle[:k] in haystack, n)
        tail = _longest(lambda k: needle[n - k:] in haystack, n - head)
        if max(head, tail) < CLOSE:
            return Difference(0, "", "", "")
        start = haystack.find(needle[:head]) if head else -1
        end = haystack.find(needle[n - tail:], start + head) if tail and start >= 0 else -1
        if start >= 0 and 0 <= end - (start + head) <= 200:  # both stretches in one passage of the source
            ours = _words(passage, ours_at[head], ours_at[n - tail - 1]) if n - tail > head else ""
            theirs = _words(self.text, where[start + head], where[end - 1]) if end > start + head else ""
            anchor = where[start + head] if end > start + head else where[max(start + head - 1, 0)]
        elif head >= tail:
            found = max(start, 0)
            anchor = where[min(found + head, len(where) - 1)]
            ours, theirs = _words(passage, *[ours_at[min(head, n - 1)]] * 2), _words(self.text, anchor, anchor)
        else:
            found = haystack.find(needle[n - tail:])
            anchor = where[max(found - 1, 0)]
            ours, theirs = _words(passage, *[ours_at[max(n - tail - 1, 0)]] * 2), _words(self.text, anchor, anchor)
        line = self.text.count("\n", 0, anchor) + 1
        begin = max(self.text.rfind("\n", 0, anchor) + 1, anchor - 60)
        return Difference(line, " ".join(self.text[begin:anchor + 40].split()), ours, theirs)


def _longest(found, upper: int) -> int:
    """The largest k <= upper with found(k), for a property that holds for every k up to some point."""
    low, high = 0, upper
    while low < high:
        middle = (low + high + 1) // 2
        if found(middle):
            low = middle
        else:
            high = middle - 1
    return low
