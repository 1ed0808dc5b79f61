"""`python build.py new KIND ID`: start a record, with TODO placeholders to fill.

Until every TODO is replaced, `validate` reports each one (and `build` refuses to publish).
Optional lists are written as commented-out YAML, ready to uncomment.
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

from .models import SLUG_PATTERN
from .pipeline import Result, check

KINDS = {"source": "sources", "practice": "practices", "country": "countries", "lesson": "lessons", "quote": None}


class ScaffoldError(ValueError):
    """A request that cannot be met (bad or taken id, missing country)."""


def _template(kind: str) -> str:
    return files("knowledge_base").joinpath("templates", "new", f"{kind}.yaml").read_text(encoding="utf-8")


def _free_id(root: Path, new_id: str) -> Result:
    """The knowledge base as it is, once `new_id` is known to be a slug that no record uses."""
    if not re.fullmatch(SLUG_PATTERN, new_id):
        raise ScaffoldError(f"{new_id!r} is not a slug (lower-case letters, digits and single hyphens)")
    result = check(root)
    taken = {value for vr in result.records for value in _ids(vr.record)}
    if new_id in taken:
        raise ScaffoldError(f"id {new_id!r} already exists")
    return result


def new_record_path(root: Path, kind: str, new_id: str) -> tuple[Path, Result]:
    """Where a new record of `kind` (source, practice, country, lesson) goes; refuses a bad or taken id."""
    result = _free_id(root, new_id)
    path = root / KINDS[kind] / f"{new_id}.yaml"
    if path.exists() or path.is_symlink():  # an invalid record keeps its name; writing would follow a link
        raise ScaffoldError(f"{path.relative_to(root).as_posix()} already exists")
    return path, result


def scaffold(root: Path, kind: str, new_id: str, country: str | None = None) -> Path:
    if kind == "quote":
        _free_id(root, new_id)
        if not country:
            raise ScaffoldError("a quote goes inside a country: add --country ID")
        path = root / "countries" / f"{country}.yaml"
        if not path.exists():
            raise ScaffoldError(f"no country {country!r} (countries/{country}.yaml)")
        text = path.read_text(encoding="utf-8")
        item = _template("quote").format(id=new_id)
        match = re.search(r"^quotes:[ \t]*\n", text, re.M)
        if match:  # insert as the first quote, right under `quotes:`
            text = text[: match.end()] + item + text[match.end():]
        else:
            text = text.rstrip("\n") + "\nquotes:\n" + item
        path.write_text(text, encoding="utf-8")
        return path

    path, result = new_record_path(root, kind, new_id)
    numbers = [getattr(vr.record, "number", 0) for vr in result.records if vr.kind == KINDS[kind]]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_template(kind).format(id=new_id, number=max(numbers, default=0) + 1), encoding="utf-8")
    return path


def _ids(record):
    from .link import walk

    return [value for _, name, value, _ in walk(record) if name == "id"]
