"""How much each kind of record counts in a ranking, for both searches (the command line's Whoosh and the
website's Pagefind), tuned on the judged queries (benchmarks/judged_queries.yaml).

A researcher who types a name wants the passage, operation or record about it, not the footnote that
mentions it in passing: footnotes are many (a third of the records) and short, so that plain BM25 ranks
them high for any rare word they contain.
"""

from __future__ import annotations

import re

from whoosh.analysis import STOP_WORDS
from whoosh.lang.porter2 import stem as english_stem
from whoosh.scoring import BM25F

KIND_WEIGHTS = {
    "operation": 1.3, "example": 1.2, "fact": 1.2, "passage": 1.1, "practice": 1.0, "organization": 1.0,
    "lesson": 0.9, "country": 0.9, "quote": 1.0, "figure": 0.7, "footnote": 0.4,
}


def kind_weight(kind: str) -> float:
    return KIND_WEIGHTS.get(kind, 1.0)


class KindWeighted(BM25F):
    """BM25F, each record's score multiplied by its kind's weight (read from the `kind` column, once per
    reader, so a query costs one list lookup per matching record)."""

    use_final = True

    def final(self, searcher, docnum, score):
        reader = searcher.reader()
        kinds = getattr(reader, "_kb_kinds", None)
        if kinds is None:
            kinds = reader._kb_kinds = list(reader.column_reader("kind"))
        return score * kind_weight(kinds[docnum])


SCORING = KindWeighted()

# Words a "did you mean" never corrects: Whoosh's stop words (it drops them from the query, so a
# correction of "of" to "off" would change nothing but the wording) and the query language's operators.
_NEVER_CORRECTED = set(STOP_WORDS) | {"and", "or", "not", "to"}
_WORD = re.compile(r"[\w'’-]+")


def acceptable_correction(text: str, corrected: str) -> str | None:
    """The corrected query, keeping each word the correction should not touch: a stop word or operator,
    a hyphenated term ("de-radicalization" is split by the index, not misspelt), a number, and a word
    whose correction is the same word in another number ("psychologist" for "psychologists"). None when
    no correction is left."""
    before, after = _WORD.findall(text), _WORD.findall(corrected)
    if len(before) != len(after):
        return None
    kept = []
    for old, new in zip(before, after):
        if old.lower() == new.lower() or not _correctable(old, new):
            kept.append(old)
        else:
            kept.append(new)
    if [w.lower() for w in kept] == [w.lower() for w in before]:
        return None
    out = text
    for old, new in zip(before, kept):
        if old != new:
            out = re.sub(rf"(?<![\w-]){re.escape(old)}(?![\w-])", new, out, count=1)
    return out


def _correctable(old: str, new: str) -> bool:
    low = old.lower()
    if low in _NEVER_CORRECTED or "-" in old or any(ch.isdigit() for ch in old) or len(old) < 3:
        return False
    return english_stem(low) != english_stem(new.lower())
