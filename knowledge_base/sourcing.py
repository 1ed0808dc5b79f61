"""Stage 3c, own words: summaries say what the source says, not in its words.

Two rules, checked by `validate` wherever the source's text is at hand:

- no own-words field (a summary, a passage, a role, a key element, a label) copies
  COPIED_RUN or more words of its source in a row outside quotation marks: a reader must
  be able to tell the source's words from ours;
- a passage's heading is one the source prints (its headings are kept, never invented).
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Iterator

from pydantic import BaseModel

from .fidelity import SourceDocument, canonical, per_document
from .models import Footnote, Passage, Quote, Source

COPIED_RUN = 12  # words; shorter shared runs are names, titles and set phrases
OWN_WORDS = {"summary", "text", "role", "key_elements", "label"}
_WORD = re.compile(r"[^\W\d_]+(?:(?:-\s*|['’])[^\W\d_]+)*")  # child's, multi-stakeholder: one word
_JOINER = re.compile(r"-\s*")
_FUNCTION_WORDS = set("""a an the and or but nor of in on at to for from by with within without under over
into onto as than that which who whom whose this these those its it their his her is are was were be been
being has have had do does did not no such other among between""".split())
# A quotation in a record: straight or curly double quotes, or single curly ones.
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|‘[^’]*’")


class SourceWords:
    """A source text as word runs, to find a record's runs that copy it."""

    def __init__(self, document: SourceDocument):
        self.document = document

    @cached_property
    def _tokens(self) -> list[tuple[str, int]]:
        """The source's words, each with the offset it starts at."""
        return [(word, start) for word, start, _ in _words(self.document.text)]

    @cached_property
    def _runs(self) -> dict[tuple[str, ...], int]:
        """Every run of COPIED_RUN words with the offset it starts at (the first time it occurs)."""
        words = [word for word, _ in self._tokens]
        runs: dict[tuple[str, ...], int] = {}
        for i in range(len(words) - COPIED_RUN + 1):
            runs.setdefault(tuple(words[i:i + COPIED_RUN]), self._tokens[i][1])
        return runs

    @cached_property
    def _headings(self) -> str:
        return self.document.canonical_text.lower()

    @cached_property
    def _pairs(self) -> set[tuple[str, str]]:
        """Every two words in a row: a cheap first test, since a copied run is COPIED_RUN - 1 such pairs."""
        words = [word for word, _ in self._tokens]
        return set(zip(words, words[1:]))

    def copied_run(self, value: str) -> tuple[str, int] | None:
        """The first run of COPIED_RUN words or more that `value` shares with the source outside
        quotation marks, and the source line it starts on."""
        for segment in _QUOTED.split(value):
            words = _word_list(segment)
            shared = [pair in self._pairs for pair in zip(words, words[1:])]
            i = 0
            while i <= len(words) - COPIED_RUN:
                if not all(shared[i:i + COPIED_RUN - 1]):
                    i += 1
                    continue
                offset = self._runs.get(tuple(words[i:i + COPIED_RUN]))
                if offset is None:
                    i += 1
                    continue
                end = i + COPIED_RUN
                while end < len(words) and tuple(words[end - COPIED_RUN + 1:end + 1]) in self._runs:
                    end += 1
                found = _words(segment)  # only now: where each word is, to read it as written
                if _says_something(segment[start:stop] for _, start, stop in found[i:end]):
                    return " ".join(words[i:end]), self.document.text.count("\n", 0, offset) + 1
                i = end  # a long official name, cited as the source gives it: not a copied sentence
        return None

    def prints_heading(self, heading: str) -> bool:
        return canonical(heading).lower().strip(".:") in self._headings


def _says_something(words: Iterator[str]) -> bool:
    """A run of the source's words that carries its wording, not only names: half of it lower-case content words."""
    return sum(1 for w in words if w[:1].islower() and w.lower() not in _FUNCTION_WORDS) >= COPIED_RUN // 2


def _normal(word: str) -> str:
    if "-" in word:
        word = _JOINER.sub("", word)
    return word.replace("’", "'").lower()


def _word_list(text: str) -> list[str]:
    """The words of `text`, lower-case; a hyphenated word (or one the PDF broke at a line end) is one word."""
    return [_normal(word) for word in _WORD.findall(text)]


def _words(text: str) -> list[tuple[str, int, int]]:
    """The words of `text` with where each starts and ends in it."""
    return [(_normal(m.group()), m.start(), m.end()) for m in _WORD.finditer(text)]


def own_words(model: BaseModel, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """Every own-words text of a record with its path (never a quote, a note's text or a source's metadata)."""
    if isinstance(model, (Quote, Footnote, Source)):
        return
    for name in type(model).model_fields:
        value = getattr(model, name)
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for i, item in items:
            where = path + (name,) + (() if i is None else (i,))
            if isinstance(item, str) and name in OWN_WORDS:
                yield where, item
            elif isinstance(item, BaseModel):
                yield from own_words(item, where)


def headings(model: BaseModel, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, Passage) and item.heading:
                    yield path + (name, i, "heading"), item.heading


words_of = per_document(SourceWords)


def check_own_words(record: BaseModel, documents: list[SourceDocument], report, headings_too: bool = True) -> None:
    """Report copied runs and headings the source does not print, against the record's sources' texts."""
    if not documents:
        return
    sources = [words_of(d) for d in documents]
    for path, value in own_words(record):
        for source in sources:
            found = source.copied_run(value)
            if found:
                run, line = found
                report(path, f"copies {len(run.split())} words of {source.document.path.name} in a row "
                             f"(line {line}): “{_shorten(run)}”",
                       "say it in your own words, or put the source's words in quotation marks")
                break
    for path, heading in headings(record) if headings_too else ():
        if not any(s.prints_heading(heading) for s in sources):
            report(path, f"the heading “{heading}” is not one the source prints",
                   "use the source's own heading for this passage, or leave `heading` out")


def _shorten(run: str, words: int = 16) -> str:
    split = run.split()
    return run if len(split) <= words else " ".join(split[:words]) + " …"
