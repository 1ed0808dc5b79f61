"""The editors' corrections to the works the footnotes cite (works/corrections.yaml).

citations.py reads each cited work from a footnote's own words; where it reads wrong (a whole citation
taken for an author, a title that runs on into the outlet, one work printed two ways), an editor says
so here, in YAML, never in code. A correction names the footnote the work is read from, and either
merges it into the work of another footnote (`same_as`) or sets some of its fields. Every value it sets
must be printed in the footnotes that cite the work: a correction mends the reading, it adds nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError

from .load import load_file
from .models import Name, Record, Text, pattern
from .problems import Problem
from .validate import problem_from_error

CORRECTIONS = Path("works") / "corrections.yaml"
FootnoteRef = Annotated[str, Field(pattern=pattern(r"^[a-z0-9]+(?:-[a-z0-9]+)*-\d+$",
                                                   "a footnote is its source's id and its number: compendium-62"),
                                   examples=["compendium-62"])]


class WorkCorrection(Record):
    """How to read the work one footnote cites."""

    footnote: FootnoteRef = Field(description="The footnote the work is read from.")
    work: int = Field(default=1, ge=1, description="Which of the footnote's works, for a note that cites several.")
    same_as: FootnoteRef | None = Field(default=None,
                                        description="The footnote whose (first) work this is too: the two are merged.")
    type: Literal["report", "book", "chapter", "article-journal", "article-magazine", "article-newspaper", "webpage",
                  "interview", "speech", "legislation", "document"] | None = Field(
        default=None, description="The kind of work (a CSL type), where the footnotes show it: an interview, a speech...")
    title: str | None = Field(default=None, description="The title, as the footnote prints it.")
    author: list[Name] | None = Field(default=None, description="The authors, as the footnote prints them; [] for none.")
    container: str | None = Field(default=None, description="The outlet (journal, newspaper, site), as printed.")
    why: Text = Field(description="What was read wrong, and the footnotes' words that show it.")


class Corrections(Record):
    corrections: list[WorkCorrection] = Field(default_factory=list, description="One entry per work read wrong.")


def load(root: Path) -> tuple[list[WorkCorrection], list[Problem], object]:
    """The corrections under `root`, the problems of their file, and its source map (for later checks)."""
    path = root / CORRECTIONS
    if not path.is_file():
        return [], [], None
    loaded = load_file(path, CORRECTIONS.as_posix())
    if loaded.data is None:
        return [], loaded.problems, loaded.source_map
    try:
        return Corrections.model_validate(loaded.data).corrections, loaded.problems, loaded.source_map
    except ValidationError as exc:  # worded as validate words a record's problems
        return [], [*loaded.problems, *(problem_from_error(loaded, Corrections, None, e) for e in exc.errors())], \
            loaded.source_map


def _key(ref: str) -> tuple[str, int]:
    source, _, number = ref.rpartition("-")
    return source, int(number)


def _printed(value: str, texts: list[str]) -> bool:
    said = " ".join(" ".join(texts).split())
    return " ".join(value.split()).casefold() in said.casefold()


def apply(corrections: list[WorkCorrection], found: list, by_note: dict, source_map=None) -> list[Problem]:
    """Mend the works `found` (citations.works' list) in place; returns what could not be applied, located."""
    from .citations import _merge  # citations imports this module

    problems: list[Problem] = []

    def report(i: int, field: str, message: str) -> None:
        line, col = source_map.locate(("corrections", i, field)) if source_map else (1, 1)
        problems.append(Problem(CORRECTIONS.as_posix(), line, col, message, field=f"corrections[{i}].{field}"))

    def work_of(i: int, ref: str, index: int, field: str):
        works = by_note.get(_key(ref))
        if not works:
            report(i, field, f"footnote {ref} cites no work: no such footnote, or its text is omitted")
        elif index > len(works):
            report(i, "work", f"footnote {ref} cites {len(works)} work(s), not {index}")
        else:
            return works[index - 1]
        return None

    # Merges first, then fields: a field may take its words from a footnote merged in, wherever the
    # merge stands in the file (the order of the list means nothing).
    for i, c in enumerate(corrections):
        if not c.same_as:
            continue
        work, target = work_of(i, c.footnote, c.work, "footnote"), work_of(i, c.same_as, 1, "same_as")
        if work is None or target is None or target is work:
            continue
        _merge(target, work)
        found[:] = [w for w in found if w is not work]
        for key, works in by_note.items():
            mended = [target if w is work else w for w in works]
            by_note[key] = [w for n, w in enumerate(mended) if all(w is not v for v in mended[:n])]
    for i, c in enumerate(corrections):
        fields = sorted(c.model_fields_set & {"type", "title", "container", "author"})
        # (a footnote merged above now leads to the work it was merged into, which takes the fields)
        work = work_of(i, c.footnote, c.work, "footnote") if fields else None
        for field in fields if work else ():
            value = getattr(c, field)
            names = [part for n in value or [] for part in (n.literal, n.family, n.given) if part] \
                if field == "author" else [value] if isinstance(value, str) else []
            unprinted = [name for name in names if field != "type" and not _printed(name, work.texts)]
            if unprinted:
                report(i, field, f"{unprinted[0]!r} is not printed in the footnotes of this work: a correction "
                       "takes the footnotes' own words")
                continue
            setattr(work, field, [n.model_dump(exclude_none=True) for n in value] if field == "author" else value)
    return problems

