"""Stage 3d, a citation closes its sentence: a number an item states stands in a sentence of the
source that one of the item's cited notes closes.

The compendium's rule for editors is to cite the footnote whose marker ends the sentence a claim
comes from, and to leave a claim from a sentence without a marker uncited, with a note. The
nearest marker is not enough: it may close another sentence. Numbers are what can be checked
without reading: every number of a figure (its value, its range, its label) and of a passage or
other cited text must stand in a sentence that holds the marker [N] of a note the item cites.

A source text marks its notes as [N] (as fidelity.py expects). The first [N] in the text is the
marker; a later line that starts with [N] starts the note's own text at the foot of the page, which
is no part of any sentence. A number that the cited sentences do not hold is accepted only in a
text (never as a figure's value) whose `note` names it, saying where it comes from.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Iterator

from pydantic import BaseModel

from .fidelity import SourceDocument, per_document
from .models import Figure, Locator, Operation, Quote, Source
from .protect import TENS, UNITS

_MARKER = re.compile(r"\[(\d+)\]")
_NOTE_LINE = re.compile(r"^\s*\[(\d+)\]")
# A sentence ends at . ! or ? (with its closing quotes, brackets and note markers) before a space
# and a capital, a digit or an opening quote; not after an initial or a common abbreviation.
_END = re.compile(r"(\S*)[.!?][\"”’')\]]*(?:\s*\[\d+\])*(?=\s+[A-Z0-9“\"‘(\[])")
_NOT_AN_END = re.compile(r"(?:.*\.)?(?:[A-Z]|e\.g|i\.e|etc|Mr|Ms|Mrs|Dr|St|No|vs|cf|al)$")
_NUMBER = re.compile(r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[^\W\d_]+")
# Numbers that point into a document or name a thing rather than state a fact: a marker [89], "Box 2.5",
# "footnote 89", "l. 1293", "Zhusan-2".
_POINTER = re.compile(r"\[\d+\]|\b[A-Z][^\W\d_]*[-‑]\d+\b|\b(?:box(?:es)?|section|articles?|footnotes?|notes?|lines?|l|ll|pp?|page|key practice)\.?\s+"
                      r"\d+(?:\.\d+)*(?:\s*(?:[-–,]|and)\s*\d+(?:\.\d+)*)*", re.IGNORECASE)
_HALF = re.compile(r"\b(\d+|" + "|".join(list(UNITS)[1:10]) + r") and (?:a )?half\b", re.IGNORECASE)
_NONE = re.compile(r"\b(?:none|no|zero|nobody|not a single)\b", re.IGNORECASE)
_ONE = re.compile(r"\b(?:a|an|one|once|single)\b", re.IGNORECASE)
TEXT_FIELDS = ("text", "summary", "role", "label")


def numbers(text: str) -> set[str]:
    """The numbers a text states, as digits: "2,400" is 2400, "thirty-one" is 31, "six-month" holds 6."""
    found: set[str] = set()
    tens = unit = None
    for match in _NUMBER.finditer(_HALF.sub(_halved, _POINTER.sub(" ", text))):
        token = match.group().lower()
        if token == "hundred":  # "a hundred", "two hundred"; "several hundred" and "hundreds" state no figure
            if unit is not None:
                found.discard(str(unit))
                found.add(str(100 * unit))
        elif token[0].isdigit():
            found.add(_plain(token.replace(",", "")))
        elif token in TENS:
            found.add(str(TENS[token]))
        elif token in UNITS and token not in ("zero", "one"):  # "one of them" states no figure
            if tens is not None and UNITS[token] < 10:  # twenty-nine is 29, not 20 and 9
                found.discard(str(tens))
            found.add(str(UNITS[token] + (tens if tens is not None and UNITS[token] < 10 else 0)))
        tens = TENS.get(token)
        unit = UNITS.get(token, 1 if token == "a" else None)
    return found


def _halved(match: re.Match) -> str:
    whole = match.group(1)
    return f"{UNITS.get(whole.lower(), whole)}.5"


def _plain(number: str) -> str:
    """A number as its shortest digits: 10.0 is 10, 3.50 is 3.5."""
    return number.rstrip("0").rstrip(".") if "." in number else number.lstrip("0") or "0"


@dataclass(frozen=True)
class Sentence:
    line: int  # where its first word is
    text: str
    pieces: tuple[tuple[int, str], ...] = ()  # (line, its part of the sentence), to say where a number is

    def line_of(self, number: str) -> int:
        return next((line for line, piece in self.pieces if number in numbers(piece)), self.line)


class MarkedText:
    """A source text as sentences, with the sentences that hold each note's marker."""

    def __init__(self, document: SourceDocument):
        self.document = document

    @cached_property
    def _by_note(self) -> dict[int, list[Sentence]]:
        by_note: dict[int, list[Sentence]] = defaultdict(list)
        for sentence in self.sentences:
            for number in {int(n) for n in _MARKER.findall(sentence.text)}:
                by_note[number].append(sentence)
        return by_note

    @cached_property
    def sentences(self) -> list[Sentence]:
        body, starts = self._body()
        sentences, begin = [], 0
        ends = [m.end() for m in _END.finditer(body) if not _NOT_AN_END.match(m.group(1))]
        for end in ends + [len(body)]:
            chunk = body[begin:end]
            text = " ".join(chunk.split())
            if text:
                first = begin + len(chunk) - len(chunk.lstrip())  # where its first word is
                i = _line_index(starts, first)
                pieces = []
                while i < len(starts) and starts[i][0] < end:
                    following = starts[i + 1][0] if i + 1 < len(starts) else len(body)
                    pieces.append((starts[i][1], body[max(first, starts[i][0]):min(end, following)]))
                    i += 1
                sentences.append(Sentence(pieces[0][0], text, tuple(pieces)))
            begin = end
        return sentences

    def _body(self) -> tuple[str, list[tuple[int, int]]]:
        """The running text without the notes' own texts, and where each of its lines starts (offset, line)."""
        seen: set[int] = set()
        kept, starts, offset, in_note = [], [], 0, False
        after_blank = True
        lines = self.document.text.splitlines()
        for number, line in enumerate(lines, start=1):
            blank = not line.strip()
            if blank or line[:1].isspace() or any(int(n) not in seen for n in _MARKER.findall(line[1:])):
                in_note = False  # a blank line, an indented one or a new marker mid-line: the running text again
            note = _NOTE_LINE.match(line)
            # A note's own text (down to the next blank line) starts a line, after its marker, after a blank
            # line or before the next note's text (a page's notes may come before their markers); a marker
            # the PDF wrapped to the start of a line follows the text of its sentence.
            if note and (int(note.group(1)) in seen or after_blank or in_note or _next_note_follows(lines, number)):
                in_note = True
            after_blank = blank
            if in_note:
                continue
            seen.update(int(n) for n in _MARKER.findall(line))
            starts.append((offset, number))
            kept.append(line)
            offset += len(line) + 1
        return "\n".join(kept), starts

    def marked(self, note: int) -> bool:
        return note in self._by_note

    def closed_by(self, note: int) -> list[Sentence]:
        return self._by_note.get(note, [])


def _next_note_follows(lines: list[str], number: int) -> bool:
    """Whether one of the three lines after line `number` (1-based) starts the text of the next note."""
    following = int(_NOTE_LINE.match(lines[number - 1]).group(1)) + 1
    return any((m := _NOTE_LINE.match(line)) and int(m.group(1)) == following for line in lines[number:number + 3])


def _line_index(starts: list[tuple[int, int]], offset: int) -> int:
    low, high = 0, len(starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if starts[middle][0] <= offset:
            low = middle
        else:
            high = middle - 1
    return low


marked_text = per_document(MarkedText)


def cited_items(model: BaseModel, path: tuple = ()) -> Iterator[tuple[tuple, BaseModel]]:
    """Every item of a record that cites something and states in its own words (never a quote)."""
    if isinstance(model, (Quote, Source)):
        return
    if getattr(model, "cites", None):
        yield path, model
    for name in type(model).model_fields:
        value = getattr(model, name)
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for i, item in items:
            if isinstance(item, BaseModel):
                yield from cited_items(item, path + (name,) + (() if i is None else (i,)))


def stated(item: BaseModel) -> Iterator[tuple[str, str, bool]]:
    """(field, number, excusable) for each number an item states; a figure's value is never excusable."""
    if isinstance(item, Figure):
        for name in ("value", "value_max"):
            value = getattr(item, name)
            if value is not None:
                yield name, _plain(repr(float(value))), False
    if isinstance(item, Operation):
        for name, value in item.counts:
            if value is not None:
                yield "counts", str(value), False
    for name in TEXT_FIELDS:
        text = getattr(item, name, None)
        if isinstance(text, str):
            for number in sorted(numbers(text), key=lambda n: text.find(n)):
                yield name, number, True


def check_closing(record: BaseModel, texts: dict[str, SourceDocument], primary: str, report) -> None:
    """Report each number an item states that no sentence closed by one of its cited notes holds."""
    for path, item in cited_items(record):
        notes = [(loc.source, loc.note) if isinstance(loc, Locator) else (primary, loc) for loc in item.cites]
        notes = [(s, n) for s, n in notes if n is not None and s in texts]
        if not notes:
            continue
        for source, note in notes:
            if not marked_text(texts[source]).marked(note):
                report(path + ("cites",), f"{texts[source].path.name} has no marker [{note}] for note {note} of {source}",
                       "cite the note whose marker closes the sentence this comes from")
        notes = [(s, n) for s, n in notes if marked_text(texts[s]).marked(n)]
        if not notes:
            continue
        sentences = [sentence for s, n in notes for sentence in marked_text(texts[s]).closed_by(n)]
        held = set().union(*(numbers(s.text) for s in sentences))
        if any(_NONE.search(s.text) for s in sentences):
            held.add("0")  # "none of the women", "no returnee": a figure of 0
        if any(_ONE.search(s.text) for s in sentences):
            held.add("1")  # "within a year", "once": a figure of 1
        excused = numbers(item.note or "")
        for name, number, excusable in stated(item):
            if number in held or (excusable and number in excused):
                continue
            cited = ", ".join(f"[{n}]" for _, n in notes)
            lines = ", ".join(str(s.line) for s in sentences)
            report(path + (name,), f"{number} is not in the sentence that {cited} closes (line {lines})"
                   + _where_else(number, sentences, [marked_text(texts[s]) for s in dict.fromkeys(s for s, _ in notes)]),
                   "cite the note whose marker closes the sentence that states it; if that sentence has no "
                   "marker, leave it uncited and say so in `note:`"
                   + ("" if not excusable else ", naming the number"))


def _where_else(number: str, cited: list[Sentence], texts: list[MarkedText]) -> str:
    """Where the source states the number nearest the cited sentences, to tell the editor what to cite."""
    near = min(s.line for s in cited)
    found = [(abs(sentence.line - near), sentence) for text in texts for sentence in text.sentences
             if number in numbers(sentence.text)]
    if not found:
        return "; the source does not state it"
    _, sentence = min(found, key=lambda pair: pair[0])
    markers = ", ".join(dict.fromkeys(f"[{n}]" for n in _MARKER.findall(sentence.text)))
    return f"; line {sentence.line_of(number)} states it, in a sentence " + (f"that {markers} closes" if markers else "without a marker")
