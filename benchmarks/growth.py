"""A knowledge base grown as a real one grows: more sources, countries and key practices at their own
rates, richer records, and new people, bodies and works in every copy.

Copy g of a record (g = 0 is the real record, unchanged) gets ids suffixed `-xg`. Names are made
distinct by a made-up syllable tag on one word: a speaker's family name, a body's last word, a cited
work's author and title, its web address. No name is invented from nothing, so nothing can name a
returnee that the records do not already publish (and `validate` still checks `do_not_publish`).
Quote texts stay verbatim. A copy of a source holds the notes its records cite (renamed) plus the
real source's other notes up to `notes_per_source`, and its own text file: the real text, then the
renamed notes and other names its copies print, so that `validate` checks every quote, note and alias
against its own source's text as it checks the real one.
"""

from __future__ import annotations

import copy as _copy
import hashlib
import math
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge_base.load import load_file
from knowledge_base.source_texts import find_text, sources_dirs

TEXTS = "source-texts"  # the copies' texts, beside the records: give it to validate with --sources / KB_SOURCES_DIR
SINGLE = ("introduction", "glossary")


@dataclass(frozen=True)
class Growth:
    """How many of each record kind, and how rich each record is."""

    sources: int
    countries: int
    practices: int
    lessons: int
    quote_richness: int = 1  # each quote of a record stands for this many (new ids, new speakers)
    quotes_per_speaker: int = 1  # how many of those repeats one new speaker says
    notes_per_source: int = 60  # a copy of a source has at least this many notes (cited ones first)


# 1x is the repository itself; 100x is issue 21's realistic knowledge base (about 150 sources, 100
# countries, 300 key practices, 6,000 quotes by about 1,500 speakers, 9,000 notes); 10x in between.
PRESETS = {
    1: Growth(sources=1, countries=7, practices=9, lessons=13),
    10: Growth(sources=15, countries=25, practices=50, lessons=40, quote_richness=3, quotes_per_speaker=2),
    100: Growth(sources=150, countries=100, practices=300, lessons=150, quote_richness=8, quotes_per_speaker=2),
}


def growth(scale: int) -> Growth:
    """The preset for 1, 10 or 100; any other scale interpolated geometrically between them."""
    if scale in PRESETS:
        return PRESETS[scale]
    low, high = (1, 10) if scale < 10 else (10, 100)
    t = math.log(scale / low) / math.log(high / low)
    a, b = PRESETS[low], PRESETS[high]
    mix = lambda x, y: max(1, round(x * (y / x) ** t))  # noqa: E731
    return Growth(*(mix(getattr(a, f), getattr(b, f)) for f in Growth.__dataclass_fields__))


SYLLABLES = "ba ke li mo nu ra se ti vo za de fi go hu ja lo mi ne po ru".split()


def tag(n: int) -> str:
    """A made-up syllable string for n >= 1, different for every n (bijective base 20)."""
    out = ""
    while n:
        n, digit = divmod(n - 1, len(SYLLABLES))
        out = SYLLABLES[digit] + out
    return out


_WORD = r"[A-ZÀ-Þa-zß-ÿ]*[a-zß-ÿ]{2,}"  # a word with lower-case letters: not an acronym, not a number
_IBID = re.compile(r"\bibid\b", re.I)
_URL = re.compile(r"https?://\S+?(?=[,;.)]*(?:\s|$))")


def last_word(name: str, n: int) -> str:
    """A person or body made distinct: its last real word tagged ('Sofia Koller' -> 'Sofia Kollerke')."""
    if not n or not name:
        return name
    words = list(re.finditer(_WORD, name))
    return name if not words else name[:words[-1].end()] + tag(n) + name[words[-1].end():]


def first_word(text: str, n: int) -> str:
    match = re.search(_WORD, text)
    return text if not match or not n else text[:match.end()] + tag(n) + text[match.end():]


def url(address: str, n: int) -> str:
    return address if not n else f"{address.rstrip('/')}/{tag(n)}"


def work(text: str, n: int) -> str:
    """A note's cited work made distinct: its author (before the first comma), its title (the next part)
    and its web addresses tagged; an "ibid." part is left as it is, as it names the work before."""
    if not n or not text:
        return text
    text = _URL.sub(lambda m: url(m.group(0), n), text)
    parts = text.split(", ", 2)
    if not _IBID.search(parts[0]):
        parts[0] = last_word(parts[0], n)
    if len(parts) > 1 and not _IBID.search(parts[1]):
        parts[1] = first_word(parts[1], n)
    return ", ".join(parts)


@dataclass
class Real:
    """The real records, by folder, with the first line (the schema comment) of each file."""

    records: dict[str, list[tuple[str, dict]]]

    @classmethod
    def read(cls, root: Path) -> "Real":
        records = {}
        for folder in ("sources", "countries", "practices", "lessons"):
            records[folder] = [(p.read_text(encoding="utf-8").splitlines()[0], load_file(p, f"{folder}/{p.name}").data)
                               for p in sorted((root / folder).glob("*.yaml"))]
        return cls(records)

    def copies(self, folder: str, total: int) -> list[tuple[int, str, dict]]:
        """(generation, schema line, real record) for `total` records, cycling through the real ones."""
        real = self.records[folder]
        return [(i // len(real), *real[i % len(real)]) for i in range(total)] if real else []

    def generations(self, folder: str, total: int) -> dict[str, int]:
        """How many copies of each real record there are (a reference to it is wrapped round these)."""
        real = self.records[folder]
        return {data["id"]: len(range(i, total, len(real))) for i, (_, data) in enumerate(real)}


def suffixed(ref: str, g: int) -> str:
    return ref if g == 0 else f"{ref}-x{g}"


class Copier:
    """Copies one real record into generation g, renaming ids, references and names."""

    def __init__(self, spec: Growth, real: Real):
        self.spec = spec
        self.gens = {"countries": real.generations("countries", spec.countries),
                     "practices": real.generations("practices", spec.practices),
                     "sources": real.generations("sources", spec.sources)}
        self.cited: dict[str, set[int]] = {}  # source copy id -> the note numbers its records cite
        self.printed: dict[str, list[str]] = {}  # source copy id -> other names its records print

    def ref(self, kind: str, ref: str, g: int) -> str:
        gens = self.gens[kind].get(ref)
        return suffixed(ref, g % gens) if gens else ref

    def record(self, data: dict, g: int, h: int) -> dict:
        """Record `data` as generation g, citing generation h of the sources."""
        primary = self.ref("sources", data["based_on"][0]["source"], h) if data.get("based_on") else None
        out = self._walk(data, g, h, primary, None)
        if "number" in out:
            out["number"] += g * 100
        if g and "name" in out:
            out["name"] = f"{out['name']} {tag(g).capitalize()}"
        if g and "title" in out:
            out["title"] = f"{out['title']} ({tag(g).capitalize()})"
        for field in ("quotes",):
            if field in out:
                out[field] = self._richer(out[field], g)
        return out

    def _walk(self, value, g: int, h: int, primary: str | None, key: str | None):
        if isinstance(value, list):
            return [self._walk(item, g, h, primary, key) for item in value]
        if isinstance(value, int) and key == "cites" and primary:
            self.cited.setdefault(primary, set()).add(value)
            return value
        if not isinstance(value, dict):
            return self._scalar(value, g, h, key)
        out = {}
        for name, item in value.items():
            out[name] = self._walk(item, g, h, primary, name)
        if key == "cites" and "note" in out and "source" in out:  # {source: ID, note: N}
            self.cited.setdefault(out["source"], set()).add(out["note"])
        if key == "organizations" and g:
            out["name"] = last_word(out["name"], g)
            out["aliases"] = [last_word(a, g) for a in out.get("aliases", [])]
            if out["aliases"] and primary:
                self.printed.setdefault(primary, []).extend(out["aliases"])
        return out

    def _scalar(self, value, g: int, h: int, key: str | None):
        if not isinstance(value, str):
            return value
        if key == "id":
            return suffixed(value, g)
        if key in ("practices",):
            return self.ref("practices", value, g)
        if key in ("countries", "country"):
            return self.ref("countries", value, g)
        if key == "source":
            return self.ref("sources", value, h)
        if key == "organization":
            return last_word(value, g)
        return value

    def _richer(self, quotes: list[dict], g: int) -> list[dict]:
        """Each quote `quote_richness` times: the repeats are in the running text (not boxed, so a
        section's box count holds), by a new speaker every `quotes_per_speaker` repeats."""
        out = []
        for quote in quotes:
            for r in range(self.spec.quote_richness):
                q = _copy.deepcopy(quote)
                speaker_n = g * 64 + r // self.spec.quotes_per_speaker
                if q.get("speaker"):
                    q["speaker"] = last_word(quote["speaker"], speaker_n)
                if r:
                    q.update(id=f"{quote['id']}-r{r}", boxed=False)
                    q.pop("box", None)
                out.append(q)
        return out


def generate(out: Path, spec: Growth, source: Path) -> Path:
    """Write the grown knowledge base into `out` (emptied first); the copies' texts go to out/TEXTS."""
    shutil.rmtree(out, ignore_errors=True)
    for folder in SINGLE:
        if (source / folder).is_dir():
            shutil.copytree(source / folder, out / folder)
    real = Real.read(source)
    copier = Copier(spec, real)
    written: dict[str, list[tuple[str, dict]]] = {"countries": [], "practices": [], "lessons": []}
    spread = 0  # records past generation 0 cite the source copies in turn
    for folder, total in (("countries", spec.countries), ("practices", spec.practices), ("lessons", spec.lessons)):
        for g, schema, data in real.copies(folder, total):
            h = 0 if g == 0 or spec.sources == 1 else 1 + spread % (spec.sources - 1)
            spread += bool(g)
            written[folder].append((schema, copier.record(data, g, h)))
    for g, schema, data in real.copies("sources", spec.sources):
        written.setdefault("sources", []).append((schema, _source(data, g, copier, source, out / TEXTS)))
    for folder, records in written.items():
        (out / folder).mkdir(parents=True, exist_ok=True)
        for schema, data in records:
            text = yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=100)
            (out / folder / f"{data['id']}.yaml").write_text(f"{schema}\n{text}", encoding="utf-8")
    return out


def _source(data: dict, g: int, copier: Copier, source_root: Path, texts: Path) -> dict:
    """Generation g of a source: its cited notes and others up to notes_per_source, renamed, and its own text."""
    if g == 0:
        return data
    out = _copy.deepcopy(data)
    out["id"] = suffixed(data["id"], g)
    for key in ("title", "short_title"):
        out[key] = f"{data[key]} ({tag(g).capitalize()})"
    for name in out.get("author", []):
        for part in ("family", "literal"):
            if name.get(part):
                name[part] = last_word(name[part], g)
    cited = copier.cited.get(out["id"], set())
    by_number = {n["number"]: n for n in data.get("notes", [])}
    keep = {n for n in cited if n in by_number}
    while True:  # the notes an "ibid." of theirs repeats, then the source's other notes in order
        more = {by_number[n]["ibid_of"] for n in keep if by_number[n].get("ibid_of") in by_number} - keep
        if not more:
            break
        keep |= more
    for number in by_number:
        if len(keep) >= copier.spec.notes_per_source:
            break
        keep.add(number)
    notes = []
    for number in sorted(keep):
        note = dict(by_number[number])
        if note.get("ibid_of") and note["ibid_of"] not in keep:
            note.pop("ibid_of")
        note["text"] = work(note.get("text"), g)
        if note.get("url"):
            note["url"] = url(note["url"], g)
        notes.append(note)
    out["notes"] = notes
    if data.get("text"):
        found = find_text(data["text"]["file"], sources_dirs())
        if found is not None:
            texts.mkdir(parents=True, exist_ok=True)
            extra = [n["text"] for n in notes if n.get("text")] + copier.printed.get(out["id"], [])
            body = found.read_bytes() + ("\n\n" + "\n".join(extra) + "\n").encode("utf-8")
            path = texts / f"{out['id']}.txt"
            path.write_bytes(body)
            out["text"] = {"file": path.name, "sha256": hashlib.sha256(body).hexdigest()}
    return out
