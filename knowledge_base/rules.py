"""Stage 3b, content rules: what the project promises about every record, checked by `validate`.

- quotes and note texts are verbatim in their source's text (when the text is at hand);
- no record carries a detail that identifies an individual returnee;
- no placeholder from `python build.py new` is left;
- a record that claims to cover a source section in full has every box of it;
- summaries are in the editors' own words, under the source's own headings (sourcing.py).

Source texts are other people's documents: the repository keeps their metadata and
SHA-256, never their text. They are looked for as source_texts.py says. A text that is not at
hand, or a source that names none, is a notice, not an error, unless texts are required
(`--require-sources`); `text: null` with a `note:` saying why is a source without a text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from pydantic import BaseModel

from .closing import check_closing
from .fidelity import SourceDocument
from .link import KnowledgeBase
from .models import Locator, Quote, Source
from .problems import Problem, field_path
from .protect import Protected, identifying, matches
from .source_texts import find_text, listing
from .sourcing import check_own_words
from .validate import ValidRecord

PLACEHOLDER = re.compile(r"\bTODO\b")


_documents: dict[Path, tuple[tuple[int, int], SourceDocument]] = {}


def _document(path: Path) -> SourceDocument:
    """A source text, read and canonicalised once per process (and again when it changes)."""
    stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _documents.get(path)
    if cached is None or cached[0] != stamp:
        cached = (stamp, SourceDocument(path))
        _documents[path] = cached
    return cached[1]


@dataclass
class ContentCheck:
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def check_content(valid: list[ValidRecord], kb: KnowledgeBase, dirs: list[Path], require_sources: bool = False) -> ContentCheck:
    out = ContentCheck()
    by_id = {vr.record.id: vr for vr in valid}

    def report(vr: ValidRecord, path: tuple, message: str, hint: str | None = None, severity: str = "error") -> None:
        line, col = vr.source_map.locate(path)
        (out.warnings if severity == "warning" else out.problems).append(Problem(
            vr.path, line, col, message, record=vr.record.id, field=field_path(path), hint=hint, severity=severity))

    texts = _source_texts(kb, by_id, dirs, require_sources, report, out)
    protected = [Protected(d.salt, d.sha256, d.length, source.id) for source in kb.sources.values()
                 for d in source.do_not_publish]
    # A record's findings rest on itself and on the sources (their records and texts): kept while
    # none of them changed, so that after an edit only the edited record is checked again. The
    # per-file cache of pipeline.py and _document() hand back the very same objects until a file changes.
    basis = (*kb.sources.values(), *texts.values())
    kept: dict[int, tuple] = {}
    for vr in valid:
        cached = _findings.get(id(vr))
        if cached is None or cached[0] is not vr or len(cached[1]) != len(basis) or \
                any(a is not b for a, b in zip(cached[1], basis)):
            found = ContentCheck()
            _check_record(vr, kb, texts, protected, _reporter(vr, found))
            cached = (vr, basis, found.problems, found.warnings)
        kept[id(vr)] = cached
        out.problems.extend(cached[2])
        out.warnings.extend(cached[3])
    _findings.clear()
    _findings.update(kept)
    return out


_findings: dict[int, tuple] = {}  # id(ValidRecord) -> (it, the sources' records and texts, problems, warnings)


def _reporter(vr: ValidRecord, out: ContentCheck):
    def report(path: tuple, message: str, hint: str | None = None, severity: str = "error") -> None:
        line, col = vr.source_map.locate(path)
        (out.warnings if severity == "warning" else out.problems).append(Problem(
            vr.path, line, col, message, record=vr.record.id, field=field_path(path), hint=hint, severity=severity))
    return report


def _check_record(vr: ValidRecord, kb: KnowledgeBase, texts: dict, protected: list, report) -> None:
    """The content rules of one record."""
    for path, value in strings_of(vr.record):
        if PLACEHOLDER.search(value):
            report(path, "a placeholder from `python build.py new` is still here",
                   "replace the TODO text with the content, or delete the field if it is optional")
        for found in set(matches(value, protected)):
            report(path, "identifies an individual returnee (a detail that "
                   f"sources/{found.source}.yaml protects under do_not_publish)",
                   "describe the event without the person's name, initials or age")
        found = identifying(value)
        if found:
            report(path, f"{' and '.join(found)}: does it identify an individual returnee?",
                   "an official or an author may be named as the source names them; a returnee may not: "
                   "describe the event without the person's name, initials or exact age, and add the detail "
                   "to do_not_publish with `python build.py protect`", severity="warning")
    record_report = lambda _vr, path, message, hint=None, severity="error": report(path, message, hint, severity)  # noqa: E731
    if isinstance(vr.record, Source):
        _check_notes(vr, texts.get(vr.record.id), record_report)
    else:
        _check_quotes(vr, kb, texts, record_report)
        _check_complete(vr, kb, texts, record_report)
        _check_aliases(vr, texts, record_report)
        check_closing(vr.record, texts, vr.record.based_on[0].source,
                      lambda path, message, hint: report(path, message, hint))
        sources = {b.source for b in vr.record.based_on}
        documents = [texts[source] for source in sorted(sources) if source in texts]
        # A heading may come from any of the record's sources: judge it only with all their texts at hand.
        check_own_words(vr.record, documents, lambda path, message, hint: report(path, message, hint),
                        headings_too=len(documents) == len(sources))


def _source_texts(kb, by_id, dirs, require, report, out) -> dict[str, SourceDocument]:
    """Each source's text that is at hand and is the version its record describes."""
    found: dict[str, SourceDocument] = {}
    missing: list[str] = []
    for source in kb.sources.values():
        vr = by_id[source.id]
        if source.text is None:
            if "text" not in source.model_fields_set:  # left out: nothing says why its quotes go unchecked
                if require:
                    report(vr, ("id",), "this source names no text (`text:`), so its quotes and notes are not checked",
                           "add `text:` with the file's name and SHA-256, or write `text: null` and say why in `note:`")
                else:
                    missing.append(f"{source.id} (names no text)")
            elif not source.note:
                report(vr, ("text",), "`text: null` needs a `note:` saying why this source has no text to check against",
                       "e.g. note: The interview was not recorded; the quotes come from the editor's notes.")
            continue
        path = find_text(source.text.file, dirs)
        if path is None:
            if require:
                report(vr, ("text", "file"),
                       f"the text of this source ({source.text.file}) is in none of: {listing(dirs)}",
                       "put it in ../shared/sources/ beside the repository, or name its folder with --sources DIR "
                       "(or KB_SOURCES_DIR)")
            else:
                missing.append(f"{source.id} ({source.text.file})")
            continue
        document = _document(path)
        if document.sha256 != source.text.sha256:
            report(vr, ("text", "sha256"),
                   f"{path} is not the version of the text this source describes (its SHA-256 is {document.sha256})",
                   "supply the right version; a new edition is a new source, with a record of its own")
            continue
        found[source.id] = document
    if missing:
        out.notices.append(
            f"quotes and notes of {len(missing)} source(s) were not checked against their text: {', '.join(missing)}. "
            f"Texts are looked for in: {listing(dirs)}. Put a text in ../shared/sources/ or name its folder with "
            "--sources DIR (or KB_SOURCES_DIR); --require-sources makes this an error.")
    return found


def strings_of(model: BaseModel, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """Every text value of a record with its path; never a source's `do_not_publish` list."""
    for name in type(model).model_fields:
        if isinstance(model, Source) and name == "do_not_publish":
            continue
        value = getattr(model, name)
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for i, item in items:
            where = path + (name,) + (() if i is None else (i,))
            if isinstance(item, str):
                yield where, item
            elif isinstance(item, BaseModel):
                yield from strings_of(item, where)


def _check_notes(vr: ValidRecord, document: SourceDocument | None, report) -> None:
    if document is None:
        return
    for i, note in enumerate(vr.record.notes):
        if note.text and not document.contains(note.text):
            report(vr, ("notes", i, "text"), f"note {note.number}: " + document.first_difference(note.text).describe(
                document.path.name), "copy the note exactly as the source prints it; mend only what the PDF broke")


def _quotes(record) -> Iterator[tuple[tuple, Quote]]:
    for i, quote in enumerate(getattr(record, "quotes", [])):
        yield ("quotes", i), quote


def _sources_of(item, primary: str) -> list[str]:
    """The sources an item rests on: those its citations name, else the record's first source."""
    named = list(dict.fromkeys(loc.source for loc in getattr(item, "cites", []) if isinstance(loc, Locator)))
    return named or [primary]


def _check_quotes(vr: ValidRecord, kb: KnowledgeBase, texts: dict[str, SourceDocument], report) -> None:
    primary = vr.record.based_on[0].source
    for path, quote in _quotes(vr.record):
        documents = [texts[s] for s in _sources_of(quote, primary) if s in texts]
        if documents and not PLACEHOLDER.search(quote.text) and not any(d.contains(quote.text) for d in documents):
            report(vr, path + ("text",), documents[0].first_difference(quote.text).describe(documents[0].path.name),
                   "copy the quote exactly; only mend words the PDF broke")


def _check_aliases(vr: ValidRecord, texts: dict[str, SourceDocument], report) -> None:
    """An organization's other names are the source's own: each is printed in one of its sources' texts."""
    primary = vr.record.based_on[0].source
    for i, org in enumerate(getattr(vr.record, "organizations", [])):
        documents = [texts[s] for s in _sources_of(org, primary) if s in texts]
        for j, alias in enumerate(org.aliases):
            if documents and not any(d.contains(alias) for d in documents):
                report(vr, ("organizations", i, "aliases", j),
                       f"the other name “{alias}” is not printed in {documents[0].path.name}",
                       "copy the name exactly as the source prints it, misprints included")


def _check_complete(vr: ValidRecord, kb: KnowledgeBase, texts: dict[str, SourceDocument], report) -> None:
    record = vr.record
    primary = record.based_on[0].source
    for i, based in enumerate(record.based_on):
        source, document = kb.sources.get(based.source), texts.get(based.source)
        if not (based.complete and source and source.boxes and document):
            continue
        section = next((s for s in source.sections if s.section == based.section), None)
        if section is None:
            continue
        text = document.lines(section.first_line, section.last_line)
        for kind in ("examples", "facts", "quotes"):
            marker = getattr(source.boxes, kind)
            if marker is None:
                continue
            in_source = len(re.findall(marker, text))
            items = [x for x in getattr(record, kind, []) if based.source in _sources_of(x, primary)]
            if kind == "quotes":
                items = [q for q in items if q.boxed]
            if len(items) != in_source:
                what = {"examples": "practice boxes (examples:)", "facts": "fact boxes (facts:)",
                        "quotes": "boxed quotes (quotes: with boxed: true)"}[kind]
                report(vr, ("based_on", i, "complete"),
                       f"section {based.section} of {based.source} has {in_source} {what}, this record {len(items)}",
                       "add the missing ones, or remove `complete: true` if the record covers only part of the section"
                       if len(items) < in_source else "a box is recorded twice, or belongs to another section")
