"""The works a source's footnotes cite, for reference managers: one entry per work, not per footnote.

A footnote's text is split into the works it cites (separated by ';'), and each is read for what
it clearly contains: the author (a person or an institution), the title (quoted, or the part
after the author), the container or publisher, the date, the web address. Nothing is made up:
every field is a piece of the footnote's own text (tests check it), and the footnote texts are
kept verbatim in each work's `note`. "Ibid." and short forms ("Shtuni, Rehabilitation and
Reintegration Path, 9.") join the work they repeat instead of becoming entries of their own.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass, field

from . import work_corrections
from .ids import slug
from .link import KnowledgeBase

MONTHS = {m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                       "september", "october", "november", "december"], start=1)}
_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
_DATES = [  # (pattern, how to read it): most precise first
    (rf"{_MONTH},?\s+(\d{{1,2}}),?\s+((?:19|20)\d\d)", lambda m: [int(m[3]), MONTHS[m[1].lower()], int(m[2])]),
    (rf"(\d{{1,2}})\s+{_MONTH},?\s+((?:19|20)\d\d)", lambda m: [int(m[3]), MONTHS[m[2].lower()], int(m[1])]),
    (rf"{_MONTH},?\s+((?:19|20)\d\d)", lambda m: [int(m[2]), MONTHS[m[1].lower()]]),
    (r"(?<![\d/.-])((?:19|20)\d\d)(?![\d/])", lambda m: [int(m[1])]),
]
_URL = re.compile(r"https?://[^\s;]+")
# A quoted title: “…”, "…" or ‘…’ (a ’ also opens one after a space); it ends where punctuation or a
# capitalised word follows, so that a quotation inside it (“Special operation “Rusafa” on …”) does not.
_CLOSE = r"(?=[,.;:)?]|\s+(?![a-zа-яё])\S|\s*$)"
_QUOTED = re.compile(rf"“(.+?)”{_CLOSE}|\"(.+?)\"{_CLOSE}|(?:(?<=\s)|^)[‘’](.+?)’{_CLOSE}")
_IBID = re.compile(r"\bibid\b\.?", re.I)
_INTERVIEW = re.compile(r"interview", re.I)
_LOCATOR = re.compile(r"(?:,|\.|:)\s*(?:pp?\.\s*)?(\d+(?:-\d+)?)\.?\s*$", re.I)
_ET_AL = re.compile(r",?\s+et\.?\s+al\.?", re.I)
_INSTITUTION = re.compile(r"\b(Institute|Institution|Network|Office|Ministry|Council|Center|Centre|Watch|Embassy|"
                          r"Service|Foundation|Agency|Organization|Organisation|Government|Commission|Project|Ground|"
                          r"UNICEF|UNODC|OSCE|OHCHR|RAN|BBC|UN|ARD|UNHCR|ICRC|NGO|Nations|Times|News|Radio|Zeitung|"
                          r"Kazinform|Eurasianet|Insight|Jazeera)\b")
_PERSON = re.compile(r"^(?:[A-ZÀ-Ž][\w’'.-]+\s){0,3}[A-ZÀ-Ž][\w’'-]+$")
_SURNAME = re.compile(r"^[A-ZÀ-Ž][\w’'-]+$")
_TITLES = re.compile(r"^(?:Ambassador|Ms\.?|Mr\.?|Dr\.?)\s+")
NAME_SEPARATORS = re.compile(r",?\s+and\s+|,\s+(?=[A-ZÀ-Ž])")


@dataclass
class Work:
    """One cited work: CSL fields read from footnote texts, and the footnotes that cite it."""

    id: str = ""
    type: str = "document"
    author: list[dict] = field(default_factory=list)
    interviewer: list[dict] = field(default_factory=list)
    title: str | None = None
    container: str | None = None
    publisher: str | None = None
    publisher_place: str | None = None
    issued: list[int] | None = None
    accessed: list[int] | None = None
    url: str | None = None
    cited_by: list[tuple[str, int, str | None]] = field(default_factory=list)  # (source, note, page)
    texts: list[str] = field(default_factory=list)  # the verbatim footnote texts

    def family(self) -> str:
        first = self.author[0] if self.author else {}
        return (first.get("family") or first.get("literal") or "").lower()


def _date(text: str) -> tuple[list[int] | None, list[int] | None]:
    """The date a citation gives for the work, and the date it was accessed, as CSL date-parts."""
    accessed = None
    seen = re.search(r"accessed(?: on)?\s+(.+?)(?:[.,;]\s|$)", text, re.I)
    if seen:
        accessed = _first_date(seen.group(1))
        text = text[: seen.start()] + text[seen.end():]
    return _first_date(_URL.sub(" ", text)), accessed


def _first_date(text: str) -> list[int] | None:
    for pattern, read in _DATES:
        match = re.search(pattern, text)
        if match:
            return read(match)
    return None


def _names(text: str) -> list[dict]:
    """Authors as CSL names: persons split into family/given where the name is plainly 'Given Family'."""
    text = _ET_AL.sub("", text).strip(" ,")
    if not text:
        return []
    if _INSTITUTION.search(text):
        return [{"literal": text}]
    people = []
    for name in NAME_SEPARATORS.split(text):
        name = _TITLES.sub("", name.strip(" ,"))
        if not _PERSON.match(name):
            return [{"literal": text}]
        parts = name.split()
        people.append({"family": parts[-1], "given": " ".join(parts[:-1])} if len(parts) > 1 else {"family": name})
    return people


def _is_date(segment: str) -> bool:
    return bool(_first_date(segment)) and len(re.sub(rf"[\d,.\s()]|{_MONTH}", "", segment)) <= 3


def _segments(body: str) -> list[str]:
    """The comma-separated parts of a citation, keeping "…, and X" and parentheses together."""
    parts: list[str] = []
    pieces, depth, start = [], 0, 0
    for match in re.finditer(r"[()]|,\s+", body):  # split at commas outside (balanced) parentheses
        token = match.group(0)
        if token in "()":
            depth = max(0, depth + (1 if token == "(" else -1))
        elif depth == 0:
            pieces.append(body[start:match.start()])
            start = match.end()
    pieces.append(body[start:])
    for part in pieces:
        if parts and re.match(r"and\s", part):
            parts[-1] += ", " + part
        elif part.strip():
            parts.append(part.strip())
    return parts


def _is_container(segment: str) -> bool:
    """A publisher, journal or outlet: an institution's name, or a short capitalised name (France 24)."""
    return segment[:1].isupper() and not re.match(_MONTH, segment) and (
        bool(_INSTITUTION.search(segment)) or len(segment.split()) <= 3)


_NAME = r"[A-ZÀ-Ž][\w’'.-]+(?:\s[A-ZÀ-Ž][\w’'.-]+){0,2}"
_NAMES_WITH_AND = re.compile(rf"{_NAME},?\s+and\s+{_NAME}")
_PUBLISHED = re.compile(r",?\s*\(([^():]+):\s*([^()]*?)(?:,?\s*(?:19|20)\d\d)?\)")


def _authors_and_rest(segments: list[str]) -> tuple[list[dict], list[str]]:
    """Leading segments that name the authors: a person or an institution, or surnames ("Farrell, Burnashev, …")."""
    names = []
    for i, segment in enumerate(segments[:-1]):
        plain = _ET_AL.sub("", segment)
        if i == 0 and (_PERSON.match(plain) or (_INSTITUTION.search(plain) and len(plain.split()) <= 8)
                       or _NAMES_WITH_AND.fullmatch(plain.strip())):
            names.append(segment)
            if not _SURNAME.match(plain):
                break
        elif names and (_SURNAME.match(plain) or _NAMES_WITH_AND.fullmatch(plain.strip())):
            names.append(segment)
        else:
            break
    if not names:
        return [], segments
    rest = segments[len(names):]
    if rest and _ET_AL.fullmatch(", " + rest[0]):  # "Kerstin Sischka, et. al, Title"
        rest = rest[1:]
    return _names(", ".join(names)), rest


def read_work(text: str) -> tuple[Work, str | None]:
    """One citation (a part of a footnote) as a work, and the page it points at, if any."""
    work = Work(texts=[text])
    body = text.strip().rstrip(".")
    url = _URL.search(body)
    if url:
        work.url = url.group(0).rstrip(".,;)")
        body = body[: url.start()] + body[url.end():]
    body = re.sub(r",?\s*available at\b.*$", "", body, flags=re.I).strip(" ,.")
    body = re.sub(r",?\s*accessed(?: on)?\s.*$", "", body, flags=re.I).strip(" ,.")
    work.issued, work.accessed = _date(text)
    page = None
    locator = _LOCATOR.search(body)
    if locator and not re.fullmatch(r"(?:19|20)\d\d", locator.group(1)):
        page, body = locator.group(1), body[: locator.start()]
    pointer = re.search(r"can be found at the following link\s+(.+)$", body)
    if pointer:  # "More information about … can be found at the following link <title of the page>"
        work.title, work.type = pointer.group(1).strip(" ."), "webpage"
        return work, page
    quoted = _QUOTED.search(body)
    title = next(g for g in quoted.groups() if g) if quoted else None

    if _INTERVIEW.search(body):
        work.type = "interview"
        who = re.search(r"[Ii]nterviews?(?: [Cc]onducted)? with ([^,‘’“(]+?)(?:\s+conducted|,|\s*\(|$)", body) or \
            re.match(r"([^,]+?)\s+interview", body)
        names = _names(who.group(1)) if who else _authors_and_rest(_segments(body))[0]
        work.author = [n for n in names if "family" in n]
        if title and len(title.split()) >= 2:
            work.title = title.rstrip(",.")
        if "Bulan" in body:
            work.interviewer = [{"literal": "Bulan Institute for Peace Innovations"}]
        return work, page

    if title and len(title.split()) >= 2:
        work.title = title.rstrip(",.")
        before, after = body[: quoted.start()].strip(" ,"), body[quoted.end():].strip(" ,.")
        if before and not re.match(r"(?:On the topic|Statement)\b", before, re.I):
            work.author = _names(before)
        container = re.split(r",\s*|\.\s+|\s+\(", after)[0].strip(" ,.") if after else ""
        if container and _is_container(container) and not _first_date(container):
            work.container = container
        work.type = "article-newspaper" if work.container else "webpage" if work.url else "document"
        return work, page

    published = _PUBLISHED.search(body)
    if published:  # "(Geneva: Bulan Institute for Peace Innovations, 2021)"
        work.publisher_place, work.publisher = published.group(1).strip(), published.group(2).strip(" ,") or None
        body = body[: published.start()]
    segments = _segments(body)
    if len(segments) == 1 and (_INSTITUTION.search(body) or _PERSON.match(body)):  # "Bulan Institute…, p. 36."
        work.author = _names(body)
        return work, page
    authors, rest = _authors_and_rest(segments)
    work.author = authors
    rest = [s for s in rest if not _is_date(s)]
    # The last part names the publisher or outlet: an institution (or, with no author, a short name).
    if len(rest) >= 2 and not published and _is_container(rest[-1]) and not rest[-1].startswith("(") and (
            not authors or _INSTITUTION.search(rest[-1])):
        work.container = rest.pop().strip(" .")
    if rest and not (authors and len(rest) == 1 and rest[0] == body.strip()):
        work.title = ", ".join(rest).rstrip(" .") or None
    work.type = "report" if work.container or work.publisher or authors else "document"
    return work, page


def _words(text: str | None) -> list[str]:
    """A title's words, for comparing a short form with the full one (a leading article aside)."""
    words = re.findall(r"\w+", (text or "").lower())
    return words[1:] if words[:1] in (["the"], ["a"], ["an"]) else words


def _same(a: Work, b: Work) -> bool:
    """Is b the same work as a: the same first author's surname (or none), and one title the start of the other?"""
    if (a.type == "interview") != (b.type == "interview"):
        return False
    fa, fb = a.family().split()[-1:], b.family().split()[-1:]
    if fa and fb and fa != fb:
        return False
    if a.type == "interview":
        return bool(fa) and fa == fb
    ta, tb = _words(a.title), _words(b.title)
    short = min(len(ta), len(tb))
    return short >= (1 if fa and fa == fb else 2) and ta[:short] == tb[:short]


def _merge(into: Work, other: Work) -> None:
    for name in ("title", "container", "publisher", "publisher_place", "url", "issued", "accessed"):
        mine, theirs = getattr(into, name), getattr(other, name)
        if theirs and (not mine or (name == "title" and len(theirs) > len(mine))):
            setattr(into, name, theirs)
    if len(other.author) > len(into.author) or (other.author and not into.author) or (
            other.author and "given" in other.author[0] and "given" not in into.author[0]):
        into.author = other.author
    into.interviewer = into.interviewer or other.interviewer
    into.cited_by += other.cited_by
    into.texts += [t for t in other.texts if t not in into.texts]


class _BySurname:
    """The works found so far, by their first author's surname: _same() never matches two different
    surnames, so a citation is compared only with the works of its surname and those without one,
    not with every work (the notes times the works, at scale)."""

    def __init__(self, found: list[Work]):
        self.found = found
        self.positions: dict[str, list[int]] = defaultdict(list)

    @staticmethod
    def _key(work: Work) -> str:
        return " ".join(work.family().split()[-1:])

    def candidates(self, work: Work) -> list[int]:
        key = self._key(work)
        if not key:
            return list(range(len(self.found)))
        return sorted(self.positions[key] + self.positions[""])

    def add(self, position: int, work: Work) -> None:
        bisect.insort(self.positions[self._key(work)], position)

    def forget(self, position: int, work: Work) -> None:
        self.positions[self._key(work)].remove(position)


def works(kb: KnowledgeBase, problems: list | None = None) -> list[Work]:
    """Every work the sources' notes cite, each once, with the notes that cite it, mended by the editors'
    corrections (works/corrections.yaml; what cannot be applied goes to `problems`). Read once per
    knowledge base: validate reads them to check the corrections, the exports to write them."""
    if kb._works is None:
        kb._works = _read_works(kb)
    if problems is not None:
        problems += kb._works[1]
    return kb._works[0]


def _read_works(kb: KnowledgeBase) -> tuple[list[Work], list]:
    found: list[Work] = []
    same_name = _BySurname(found)
    by_note: dict[tuple[str, int], list[Work]] = {}
    ibids: list[tuple[str, int, str, str | None]] = []
    for (source, number), note in sorted(kb.notes.items()):
        if not note.text:
            continue
        for part in re.split(r"\.?;\s+", " ".join(note.text.split())):
            if _IBID.search(part):
                ibids.append((source, number, part, None))
                continue
            work, page = read_work(part)
            work.cited_by.append((source, number, page))
            candidates = same_name.candidates(work)
            at = next((i for i in candidates if _same(found[i], work)), None)
            if at is None and work.author and not work.title and work.type != "interview":
                at = next((i for i in reversed(candidates) if found[i].family() == work.family()), None)
            if at is not None:
                match = found[at]
                same_name.forget(at, match)
                _merge(match, work)  # may give it a fuller author, so file it again
                same_name.add(at, match)
                work = match
            else:
                found.append(work)
                same_name.add(len(found) - 1, work)
            by_note.setdefault((source, number), []).append(work)
    for source, number, part, _ in ibids:  # "ibid." joins the work it repeats
        note = kb.notes[(source, number)]
        target = by_note.get((source, note.ibid_of)) if note.ibid_of else None
        if not target:
            guess, _ = read_work(_IBID.sub("", part).strip(" ,."))
            target = [w for w in found if (guess.title or guess.author) and _same(w, guess)][:1] or \
                [w for w in found if guess.family() and w.family().split()[-1:] == guess.family().split()[-1:]][:1] or \
                by_note.get((source, number - 1))
        if target:
            target[0].cited_by.append((source, number, None))
            by_note.setdefault((source, number), []).append(target[0])  # a later bare "ibid." repeats it again
            if part not in target[0].texts:
                target[0].texts.append(part)
    unapplied = work_corrections.apply(kb.work_corrections, found, by_note, kb.work_corrections_map)
    taken: set[str] = set()
    for work in found:
        work.cited_by.sort()
        # An ASCII key (BibTeX's keys must be): "Perešin" -> "peresin".
        base = slug(" ".join([*_words(work.family())[-1:], *(str(p) for p in (work.issued or [])[:1]),
                              *_words(work.title)[:4]]), 12) or f"work-{work.cited_by[0][1]}"
        work.id = next(c for c in [base, *(f"{base}-{n}" for n in range(2, 1000))] if c not in taken)
        taken.add(work.id)
    return found, unapplied


def cited_in(work: Work, kb: KnowledgeBase) -> str:
    """'Cited in the Compendium's footnotes 16 (p. 3), 19.'"""
    groups: dict[str, list[str]] = {}
    for source, number, page in work.cited_by:
        groups.setdefault(source, []).append(f"{number}" + (f" (p. {page})" if page else ""))
    return "; ".join(f"Cited in {kb.sources[s].short_title}, footnote{'s' if len(n) > 1 else ''} {', '.join(n)}"
                     for s, n in groups.items())
