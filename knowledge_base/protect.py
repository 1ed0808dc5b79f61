"""Do no harm, in the repository too: the details that identify a returnee are kept as salted hashes.

A source record lists, under `do_not_publish`, the phrases of its text that identify an individual
returnee (a name, an age). The repository must not hold them in clear text, so each is stored as
the SHA-256 of a random salt and the phrase's normal form, with the number of characters of that
form (a cheap first test). `validate` computes the same normal form for every run of words of
every string of every record and refuses a run whose hash is listed.

The normal form folds what disguises a phrase: Unicode compatibility forms (NFKC), case, every
dash, hyphen and space (non-breaking ones too), punctuation, and number words ("thirty-one" is
"29"). So "a 29‑year old woman", "Aged  29" and "a twenty-nine-year-old woman" match the phrases
"29 year old" and "aged 29".

A detail can identify without being listed: `identifying()` finds the patterns that usually do (one
person's exact age, a name with an initial standing for the family name), for `validate` to warn.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Iterator

UNITS = {w: n for n, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                     "fourteen fifteen sixteen seventeen eighteen nineteen".split())}
TENS = {w: 10 * n for n, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)}
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The normal form of a text, word by word."""
    # Dashes, hyphens, spaces of any kind and punctuation are not word characters: \w+ splits on them.
    text = unicodedata.normalize("NFKC", text).casefold()
    out: list[str] = []
    after_tens = False
    for word in _WORD.findall(text):
        if after_tens and 0 < UNITS.get(word, 0) < 10:  # twenty nine -> 29
            out[-1] = str(int(out[-1]) + UNITS[word])
            after_tens = False
            continue
        after_tens = word in TENS
        out.append(str(TENS[word]) if word in TENS else str(UNITS[word]) if word in UNITS else word)
    return out


def normal(text: str) -> str:
    return " ".join(words(text))


def digest(salt: str, phrase: str) -> str:
    return hashlib.sha256(f"{salt}\n{phrase}".encode("utf-8")).hexdigest()


def protect(phrase: str) -> dict:
    """A `do_not_publish` entry for a phrase: its salt, its hash and its length, never the phrase."""
    form = normal(phrase)
    if not form:
        raise ValueError("the phrase has no words")
    salt = secrets.token_hex(8)
    return {"salt": salt, "sha256": digest(salt, form), "length": len(form)}


@dataclass(frozen=True)
class Protected:
    salt: str
    sha256: str
    length: int
    source: str  # the id of the source that lists it


def matches(text: str, protected: Iterable[Protected]) -> Iterator[Protected]:
    """Each protected phrase that a run of the text's words is."""
    protected = list(protected)
    if not protected:
        return
    tokens = words(text)
    lengths = {p.length for p in protected}
    for start in range(len(tokens)):
        run = ""
        for end in range(start, len(tokens)):
            run = f"{run} {tokens[end]}" if run else tokens[end]
            if len(run) > max(lengths):
                break
            if len(run) in lengths:
                for p in protected:
                    if p.length == len(run) and digest(p.salt, run) == p.sha256:
                        yield p


# One person's exact age ("a 29-year-old", "aged 29"), not an age group ("aged 3 to 6", "10-year-olds").
_AGE = re.compile(r"\b(\d{1,3}) year old\b(?! ?s\b)|\baged (\d{1,3})\b(?! (?:to|and|or|\d))")
# A first name and an initial for the family name ("Mirela K."), not a middle initial ("John F. Kennedy").
_INITIAL = re.compile(r"\b[A-Z][a-zà-ÿ]+ [A-Z]\.(?!\s*[A-Z][a-z])(?![A-Za-z])")


def identifying(text: str) -> list[str]:
    """What in a text looks like a detail that identifies one person, described without repeating it."""
    found = []
    if _AGE.search(normal(text)):
        found.append("one person's exact age")
    if _INITIAL.search(unicodedata.normalize("NFKC", text)):
        found.append("a name with an initial")
    return found
