"""`python build.py new KIND ID`: start a record, with TODO placeholders to fill.

Until every TODO is replaced, `validate` reports each one (and `build` refuses to publish).
Optional lists are written as commented-out YAML, ready to uncomment.
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

from .models import SLUG_PATTERN, SourceText
from .pipeline import Result, check
from .source_texts import find_text, sha256_of, sources_dirs, where_to_put

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


# Without --text: the lines to uncomment once the text is at hand.
NO_TEXT = """# Its text, to check quotes verbatim: keep the file outside the repository, in ../shared/sources/
# (`python build.py new source ID --text FILE` fills these in).
# text:
#   file: {id}.txt
#   sha256: the output of `sha256sum {id}.txt`
"""
TEXT = """# Its text, kept outside the repository (../shared/sources/): validate checks quotes and notes against it.
text:
  file: {file}
  sha256: {sha256}
"""


def text_lines(new_id: str, text_file: Path | None) -> str:
    """The `text:` of a new source: its file name and SHA-256, or commented-out lines to fill in."""
    if text_file is None:
        return NO_TEXT.format(id=new_id)
    if not text_file.is_file():
        raise ScaffoldError(f"no file {text_file}")
    if not re.fullmatch(SourceText.model_fields["file"].metadata[0].pattern, text_file.name):
        raise ScaffoldError(f"rename {text_file.name!r}: a text's file name has letters, digits, '.', '_' and '-' only")
    return TEXT.format(file=text_file.name, sha256=sha256_of(text_file))


def text_advice(text_file: Path) -> str | None:
    """Where to put a new source's text so that validate (and CI) find it; None when it is in place."""
    if find_text(text_file.name, sources_dirs()) is not None:
        return None
    return (f"put a copy of {text_file.name} in {where_to_put(text_file.name)} (validate looks there); for CI, add "
            "it to the sources/ folder of the source-texts repository (see CONTRIBUTING.md, 'Adding a source')")


def scaffold(root: Path, kind: str, new_id: str, country: str | None = None, text_file: Path | None = None) -> Path:
    if text_file is not None and kind != "source":
        raise ScaffoldError("--text is for a new source only")
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
    text = text_lines(new_id, text_file) if kind == "source" else ""
    path.write_text(_template(kind).format(id=new_id, number=max(numbers, default=0) + 1, text=text), encoding="utf-8")
    return path


def _ids(record):
    from .link import walk

    return [value for _, name, value, _ in walk(record) if name == "id"]
