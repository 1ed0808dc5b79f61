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
_WORD = re.compile(r"[\w'’]+")


def acceptable_correction(text: str, corrected: str) -> str | None:
    """The query as typed, with the corrections the suggestion should make: none of a stop word or operator,
    of a part of a hyphenated term ("de-radicalisation" is split by the index, not misspelt), of a number,
    or of a word into the same word in another number ("psychologist" for "psychologists"). None when no
    correction is left. `corrected` may have spaces for the hyphens of `text` (search._suggest)."""
    before, after = list(_WORD.finditer(text)), _WORD.findall(corrected)
    if len(before) != len(after):
        return None
    out, changed = text, False
    for match, new in reversed(list(zip(before, after))):
        old = match.group()
        hyphenated = text[match.start() - 1:match.start()] == "-" or text[match.end():match.end() + 1] == "-"
        if old.lower() != new.lower() and not hyphenated and _correctable(old, new):
            out, changed = out[:match.start()] + new + out[match.end():], True
    return out if changed else None


def _correctable(old: str, new: str) -> bool:
    low = old.lower()
    if low in _NEVER_CORRECTED or any(ch.isdigit() for ch in old) or len(old) < 3:
        return False
    return english_stem(low) != english_stem(new.lower())
