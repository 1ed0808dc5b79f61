"""Spelling variants that find each other (search/aliases.yaml), for both searches.

Until an entities model exists, the variants of a name are a small list of data, each variant with the
line of the compendium where it is printed. The command line expands a query's word into all its
variants (`expand`); the website indexes a record's missing variants with it (`variants_for`), since
Pagefind has no OR to expand a query with.
"""

from __future__ import annotations

import functools
import json
import os
import re
import unicodedata
from pathlib import Path

ALIASES = Path(__file__).resolve().parent.parent / "search" / "aliases.yaml"
CACHE = ALIASES.parent.parent / ".generated" / "aliases.json"  # the groups as JSON, for the file's stamp


@functools.cache
def groups(path: Path = ALIASES) -> tuple[tuple[str, ...], ...]:
    """Each group's variants, as printed; none when the file is absent.

    Read from a JSON copy while the file's stamp holds: importing PyYAML and parsing the file costs a
    command-line search about a tenth of its time, more than the query."""
    if not path.is_file():
        return ()
    stat = path.stat()
    stamp = [str(path), stat.st_mtime_ns, stat.st_size]
    try:
        cached = json.loads(CACHE.read_text(encoding="utf-8"))
        if cached["stamp"] == stamp:
            return tuple(tuple(group) for group in cached["groups"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found = tuple(tuple(v["text"] for v in group["variants"]) for group in data.get("groups", []))
    try:  # written whole, then renamed: a search running beside never reads half a file
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        partial = CACHE.with_name(f"{CACHE.name}.{os.getpid()}")
        partial.write_text(json.dumps({"stamp": stamp, "groups": found}, ensure_ascii=False), encoding="utf-8")
        partial.replace(CACHE)
    except OSError:
        pass
    return found


def fold(text: str) -> str:
    """Lowercased, without diacritics: how both searches compare words."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()


def _pattern(variant: str) -> re.Pattern:
    # A whole word (or words) of the text, not part of a longer word, a field's value or a hyphenated term
    # ("Zhusan-2" is its own name).
    return re.compile(rf"(?<![\w:-]){re.escape(fold(variant))}(?![\w-])")


def expand(text: str) -> str:
    """The query with each variant outside quotes replaced by all its group's: Kharagon ->
    (Kharagon OR Kharangon). The query language's own parser reads the result."""
    parts = re.split(r'("[^"]*")', text)  # phrases stay as typed
    for i, part in enumerate(parts):
        if part.startswith('"'):
            continue
        for group in groups():
            part = _replace(part, group)
        parts[i] = part
    return "".join(parts)


def _replace(part: str, group: tuple[str, ...]) -> str:
    folded = fold(part)
    if len(folded) != len(part):  # folding changed the length: positions would not match
        return part
    spans = sorted({m.span() for v in group for m in _pattern(v).finditer(folded)}, reverse=True)
    alternatives = " OR ".join(f'"{v}"' if " " in v else v for v in dict.fromkeys(group))
    for start, end in spans:
        part = f"{part[:start]}({alternatives}){part[end:]}"
    return part


def variants_for(text: str) -> list[str]:
    """The variants a record's text lacks of the groups it has a variant of."""
    folded = fold(text)
    missing = []
    for group in groups():
        present = [v for v in group if _pattern(v).search(folded)]
        if present:
            missing += [v for v in group if v not in present and fold(v) not in {fold(p) for p in present}]
    return missing
