"""Runs the content stages in order: load -> validate -> link -> content rules.

Every stage collects problems instead of raising, so one run reports them all.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from . import work_corrections
from .citations import works
from .link import KnowledgeBase, link, page_of
from .load import discover, load_file
from .models import RECORD_KINDS, Lesson
from .problems import Problem
from .rules import check_content
from .source_texts import sources_dirs
from .validate import ValidRecord, validate_file

REPO_ROOT = Path(__file__).resolve().parent.parent
DOCS_DIR = REPO_ROOT / "site_src"  # the hand-written pages (mkdocs.yml's docs_dir)
TIMINGS: dict[str, float] = {}  # the pipeline's own share of the last build (the MkDocs hook fills it)


@dataclass
class Result:
    kb: KnowledgeBase
    problems: list[Problem]
    files: list[Path]
    records: list[ValidRecord]  # with their source maps, for line numbers
    notices: list[str]  # what was not checked (a source text not at hand), said once
    warnings: list[Problem] = field(default_factory=list)  # what may be wrong: said, never failing

    @property
    def ok(self) -> bool:
        return not self.problems


# path -> ((mtime_ns, size), record or None, problems): a file is parsed and validated
# again only when it changed (serve rebuilds after one edit stay fast).
_per_file: dict[Path, tuple[tuple[int, int], ValidRecord | None, list[Problem]]] = {}


def file_stamp(path: Path) -> tuple[int, int] | None:
    """When a file last changed, and its size; of a link itself, not what it points to (load refuses links).
    None when it cannot be told: load_file then says why."""
    try:
        stat = path.lstat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def _load_and_validate(path: Path, root: Path) -> tuple[ValidRecord | None, list[Problem]]:
    stamp = file_stamp(path)
    cached = _per_file.get(path)
    if stamp and cached and cached[0] == stamp:
        return cached[1], cached[2]
    record, problems = validate_file(load_file(path, path.relative_to(root).as_posix()))
    _per_file[path] = (stamp, record, problems)
    return record, problems


def forget_files() -> None:
    """Drop the per-file cache (the benchmarks time cold validation)."""
    _per_file.clear()
    _cache.clear()


def check(root: Path = REPO_ROOT, sources: list[str] | None = None, require_sources: bool | None = None,
          pages: bool = False) -> Result:
    """Load, validate and link every record under `root`, then check the content rules.

    `pages`: when the records are sound, also render the pages in memory and check their links and
    ids, as the build will (validate does, so that `build` never fails where `validate` passed).

    `require_sources`: a source text not at hand is an error, not a notice (default: KB_REQUIRE_SOURCES).

    `sources` are folders to look for source texts in, besides the default ones (source_texts.py).
    """
    root = root.resolve()
    if require_sources is None:
        require_sources = bool(os.environ.get("KB_REQUIRE_SOURCES"))
    files, problems = discover(root, RECORD_KINDS)
    valid = []
    unreadable: dict[str, set[str]] = {}
    for path in files:
        record, found = _load_and_validate(path, root)
        problems.extend(found)
        if record is not None:
            valid.append(record)
        else:  # its own problems are reported; references to it are not errors as well
            unreadable.setdefault(path.parent.name, set()).add(path.stem)
    kb, link_problems = link(valid, unreadable)
    problems.extend(link_problems)
    kb.work_corrections, found, kb.work_corrections_map = work_corrections.load(root)
    problems.extend(found)
    # Reading the works is the only way to tell that each correction applies; not while a source is
    # unreadable (its own problem says it all, and every correction of its notes would fail with it).
    if kb.work_corrections and "sources" not in unreadable:
        works(kb, problems)
    content = check_content(valid, kb, sources_dirs(sources), require_sources)
    problems.extend(content.problems)
    if pages and not problems:
        problems.extend(page_problems(kb, valid))
    return Result(kb, sorted(set(problems)), files, valid, content.notices, sorted(set(content.warnings)))


def records_by_page(records: list[ValidRecord]) -> dict[str, ValidRecord]:
    """The record each page shows (the lessons share one page: theirs is not a record's)."""
    return {page_of(vr.record): vr for vr in records if not isinstance(vr.record, Lesson)}


def page_problems(kb: KnowledgeBase, valid: list[ValidRecord]) -> list[Problem]:
    """What the site check would find in the generated pages, against the records' files."""
    from .render import render_pages
    from .site_check import check_markdown, located

    pages = render_pages(kb)
    hand_written = {f.relative_to(DOCS_DIR).as_posix() for f in DOCS_DIR.rglob("*.md")}
    by_page = records_by_page(valid)
    return [located(found, by_page, f"knowledge_base/templates/{pages.templates[found.page]}")
            for found in check_markdown(pages, hand_written)]


_cache: dict[Path, tuple[tuple, Result]] = {}


def check_cached(root: Path = REPO_ROOT) -> Result:
    """`check`, reused while no record file changed (a build runs it twice)."""
    root = root.resolve()
    files, _ = discover(root, RECORD_KINDS)
    stamp = (tuple((str(p), file_stamp(p)) for p in [*files, root / work_corrections.CORRECTIONS]),
             os.environ.get("KB_SOURCES_DIR"), os.environ.get("KB_REQUIRE_SOURCES"))
    cached = _cache.get(root)
    if cached and cached[0] == stamp:
        return cached[1]
    result = check(root)
    _cache[root] = (stamp, result)
    return result
