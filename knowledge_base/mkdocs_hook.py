"""MkDocs hook: generate the record pages on every build, `serve` included.

Registered in mkdocs.yml (`hooks:`), so `mkdocs build`, `python build.py build`
and live-reloading `python build.py serve` all run the same pipeline:
validate -> link -> render into .generated/docs/, then hand the pages to MkDocs
next to the hand-written ones of site_src/.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import BytecodeCache

# MkDocs loads hooks by file path, not as part of a package: import absolutely.
from knowledge_base import dependencies, docs_engine
from knowledge_base.dataset import add_downloads_to_sitemap
from knowledge_base.export import export_all
from knowledge_base.history import last_changed
from knowledge_base.index import ensure_index, index_folder, related_quotes
from knowledge_base.link import page_of
from knowledge_base.models import RECORD_KINDS, Lesson
from knowledge_base.pipeline import REPO_ROOT, TIMINGS, records_by_page
from knowledge_base.pipeline import file_stamp
from knowledge_base.pipeline import check_cached as check
from knowledge_base.render import Repository, build_date, kb_version, render_pages, write_pages
from knowledge_base.rules import strings_of
from knowledge_base.site_check import check_site, located
from knowledge_base.site_search import BUNDLE, write_site_search

# MkDocs' classes, or ProperDocs' when it runs the build (docs_engine.py).
PluginError = docs_engine.module("exceptions").PluginError
_files = docs_engine.module("structure.files")
File, Files, InclusionLevel = _files.File, _files.Files, _files.InclusionLevel

log = logging.getLogger(f"{docs_engine.name()}.hooks.knowledge_base")
GENERATED = ".generated/docs"
SNIPPETS = "_snippets"
DOWNLOADS = "downloads"  # exports, published at site/downloads/
_state: dict[str, object] = {}


def content_root() -> Path:
    return Path(os.environ.get("KB_CONTENT_ROOT", REPO_ROOT)).resolve()


def on_config(config):
    started = time.perf_counter()
    root = content_root()
    result = check(root)
    if result.problems:
        raise PluginError("the records have problems:\n" + "\n".join(p.format() for p in result.problems))
    out = root / GENERATED
    if os.environ.get("KB_SERVING") and "related" in _state and _state.get("served_root") == root:
        # A rebuild while serving, after an edit: re-render the pages at once and keep the
        # Whoosh index, the related quotes and the downloads of the first build; the next
        # `python build.py build` (or a new `serve`) refreshes them.
        related, downloads = _state["related"], _state["downloads"]
    else:
        folder, _ = ensure_index(result.kb, result.files, root)
        related = related_quotes(folder, result.kb)
        downloads = [p.relative_to(out).as_posix() for p in export_all(result.kb, out / DOWNLOADS, config.site_url or "")]
        _state["served_root"] = root
    recorded = REPO_ROOT / "benchmarks" / "recorded.json"
    benchmarks = json.loads(recorded.read_text(encoding="utf-8")) if recorded.exists() else None
    repository = None
    if config.extra.get("repository"):
        repository = Repository(config.extra["repository"].rstrip("/"), config.extra.get("repository_branch", "main"),
                                config.site_url or "", last_changed(root, list(result.kb.paths.values())))
    pages, changed = _render(result, root, out, related=related, benchmarks=benchmarks, repository=repository)
    # Snippets are not pages: a page that includes one is rebuilt when it changes (on_files).
    _state["changed_snippets"] = {rel.removeprefix(SNIPPETS + "/") for rel in changed if rel.startswith(SNIPPETS + "/")}
    # The theme's edit button of a record's page opens the record's YAML file, not the generated page
    # (the lessons page shows several records: each lesson has its own "Edit this record" link).
    records = [r for r in [*result.kb.records(), result.kb.glossary] if r is not None and not isinstance(r, Lesson)]
    edit_urls = {page_of(r): repository.edit_url(result.kb.paths[r.id]) for r in records} if repository else {}
    _state["record_text"] = "\n".join(" ".join(value.split()) for vr in result.records
                                      for _, value in strings_of(vr.record))
    _state["records_by_page"] = records_by_page(result.records)
    _state.update(kb=result.kb, out=out, related=related, downloads=downloads, edit_urls=edit_urls, repository=repository,
                  pages=sorted(p for p in pages.planned if not p.startswith(SNIPPETS + "/")) + downloads)

    if os.environ.get("KB_SERVING"):
        _keep_compiled_theme(config)
    snippets = config.mdx_configs.setdefault("pymdownx.snippets", {})
    snippets["base_path"] = [str(out / SNIPPETS), str(Path(config.docs_dir))]
    if (out / SNIPPETS / "abbreviations.md").exists():
        # Glossary tooltips on every page (Python-Markdown's abbr extension).
        snippets["auto_append"] = ["abbreviations.md"]
    available = set(pages.planned) | {f.relative_to(config.docs_dir).as_posix() for f in Path(config.docs_dir).rglob("*.md")}
    config.nav, _state["not_in_nav"] = _expand_nav(config.nav, result.kb, available)
    config.copyright = footer(repository)
    _state["index_folder"] = index_folder(root)
    TIMINGS["pipeline_s"] = time.perf_counter() - started
    return config


def _render(result, root: Path, out: Path, **options):
    """Render the pages and write those that changed. While serving, each page's dependencies are
    recorded (dependencies.py), and after an edit only the pages that depend on the edited files are
    rendered again: the others keep their Markdown, so MkDocs' dirty build skips them too."""
    if not os.environ.get("KB_SERVING"):
        pages = render_pages(result.kb, **options)
        return pages, write_pages(pages, out)
    stamps = {path.relative_to(root).as_posix(): file_stamp(path) for path in result.files}
    previous = _state.get("page_map") if _state.get("rendered_root") == root else None
    changed_files = dependencies.changed_files(_state.get("stamps", {}), stamps)
    pages, _state["page_map"] = dependencies.render_tracked(result.kb, result.records, previous, changed_files,
                                                            **options)
    _state.update(stamps=stamps, rendered_root=root)
    changed = write_pages(pages, out, pages.planned)
    log.info(f"rendered {len(pages)} of {len(pages.planned)} pages, {len(changed)} changed: "
             + ", ".join(sorted(changed)[:10]) + (" …" if len(changed) > 10 else ""))
    _state["rendered"], _state["written"] = set(pages), set(changed)
    return pages, changed


class _CompiledTemplates(BytecodeCache):
    """The theme's templates, compiled once per process: each rebuild while serving loads the
    configuration, and with it a new Jinja environment, again."""

    def __init__(self):
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket):
        self.code[bucket.key] = bucket.bytecode_to_string()


_THEME_CODE = _CompiledTemplates()
_THEME_LISTS: dict[tuple, list[str]] = {}  # the theme's folders and a filter -> its files (MkDocs lists them every build)


def _keep_compiled_theme(config) -> None:
    get_env = config.theme.get_env
    folders = tuple(config.theme.dirs)

    def get_env_compiled():
        env = get_env()
        env.bytecode_cache = _THEME_CODE
        listed = env.list_templates

        def list_once(extensions=None, filter_func=None):
            key = (folders, extensions, getattr(filter_func, "__qualname__", None))
            if key not in _THEME_LISTS:
                _THEME_LISTS[key] = listed(extensions, filter_func)
            return _THEME_LISTS[key]
        env.list_templates = list_once
        return env
    config.theme.get_env = get_env_compiled


def footer(repository) -> str:
    """The footer of every page: licence, version, the day of the build, and where to report an error."""
    report = (f' · <a href="{escape(repository.url)}/issues/new?template=report-a-correction.yml">Report an error</a>'
              if repository else "")
    return (f"Records under CC BY 4.0; quotes and footnote texts are their authors' · version {escape(kb_version())}"
            f" · built {build_date().isoformat()}{report}")


def on_post_build(config):
    """Last steps: check the built pages, then the site's search index (Pagefind), over the same
    documents as the command line's.

    While serving, a problem of the pages is logged (the preview stays up), and rebuilds after an
    edit keep the first build's search index, like the Whoosh index."""
    site = Path(config.site_dir)
    started = time.perf_counter()
    problems = site_problems(site, Path(config.docs_dir), urlsplit(config.site_url or "/").path or "/")
    TIMINGS["site_check_s"] = time.perf_counter() - started
    if problems:
        message = "the built pages have problems:\n" + "\n".join(p.format() for p in problems)
        if not os.environ.get("KB_SERVING"):
            raise PluginError(message)
        log.error(message)
    if os.environ.get("KB_SERVING") and (site / BUNDLE / "pagefind.js").exists():
        return
    add_downloads_to_sitemap(site, config.site_url or "")
    started = time.perf_counter()
    write_site_search(_state["kb"], site, _state["index_folder"])
    TIMINGS["site_search_s"] = time.perf_counter() - started


def site_problems(site: Path, docs_dir: Path, base: str = "/") -> list:
    """The site check's findings, each against the record whose page it is, or against the built page."""
    hand_written = {f.relative_to(docs_dir).with_suffix(".html").as_posix() for f in docs_dir.rglob("*.md")}
    return [located(found, _state["records_by_page"], f"site/{found.page}")
            for found in check_site(site, code_pages=hand_written, base=base, record_text=_state["record_text"])]


SNIPPET_LINE = re.compile(r'^\s*--8<--\s+"([^"]+)"', re.M)  # pymdownx.snippets' block syntax


def including(markdown: str, snippets: set[str], appended: list[str]) -> bool:
    """Does a page's Markdown include one of these snippets (or is one appended to every page)?"""
    return bool(snippets & set(appended)) or any(name in snippets for name in SNIPPET_LINE.findall(markdown))


def _rebuild_pages_with_changed_snippets(files: Files, config) -> None:
    # A dirty rebuild (serve) rebuilds a page only when its own file is newer than its HTML, so a
    # page whose snippet changed (the home page's country list after a country's edit) would stay
    # stale: drop its HTML, and MkDocs builds it again.
    changed = _state.get("changed_snippets")
    if not changed:
        return
    appended = config.mdx_configs.get("pymdownx.snippets", {}).get("auto_append", [])
    for file in files.documentation_pages():
        if including(Path(file.abs_src_path).read_text(encoding="utf-8"), changed, appended):
            Path(file.abs_dest_path).unlink(missing_ok=True)


def on_files(files: Files, config) -> Files:
    out: Path = _state["out"]  # type: ignore[assignment]
    for rel in _state["pages"]:  # type: ignore[union-attr]
        existing = files.get_file_from_path(rel)
        if existing is not None:
            raise PluginError(f"site_src/{rel} clashes with a generated page; rename it")
        # Records of a section too long for the navigation are reached from its index page.
        unlisted = rel.startswith(_state.get("not_in_nav", ())) and not rel.endswith("index.md")
        files.append(File(rel, str(out), config.site_dir, config.use_directory_urls,
                          inclusion=InclusionLevel.NOT_IN_NAV if unlisted else InclusionLevel.UNDEFINED))
    if os.environ.get("KB_SERVING"):
        _rebuild_pages_with_changed_snippets(files, config)
    return files


def _nav_fingerprint(nav, config) -> tuple:
    """What every built page shows of the others: the navigation's titles and addresses, and the footer."""
    def items(entries):
        return tuple((item.title, getattr(item, "url", None), items(item.children or [])) for item in entries)
    return items(nav.items), config.copyright


def on_nav(nav, config, files):
    # A dirty rebuild skips a page whose Markdown did not change, but every page shows the navigation:
    # when it changed (a practice's title, a new country), every page is built again.
    fingerprint = _nav_fingerprint(nav, config)
    if os.environ.get("KB_SERVING") and _state.get("nav") not in (None, fingerprint):
        for file in files.documentation_pages():
            Path(file.abs_dest_path).unlink(missing_ok=True)
    _state["nav"] = fingerprint
    return nav


def on_page_markdown(markdown, page, config, files):
    # The theme's edit button: a generated page opens its record's YAML file (or none, for a page of
    # many records); a hand-written page opens itself in site_src/.
    if page.file.src_uri in _state["pages"]:
        page.edit_url = _state["edit_urls"].get(page.file.src_uri)
    elif _state["repository"]:
        page.edit_url = _state["repository"].edit_url(f"{Path(config.docs_dir).name}/{page.file.src_uri}")
    return markdown


def on_serve(server, config, builder):
    _watch_with_events(server)
    root = content_root()
    for folder in [*RECORD_KINDS, "works"]:
        if (root / folder).is_dir():
            server.watch(str(root / folder))
    return server


def _watch_with_events(server) -> None:
    """MkDocs 1.6 polls the watched folders every half second; the system's file events (inotify)
    tell at once. Kept polling where the system has none, or the server's insides differ."""
    try:
        from watchdog import events as kinds
        from watchdog.observers import Observer

        class ChangesOnly(Observer):
            # Not the openings and closings of files that are only read: the rebuild reads every
            # record, and each read would ask for a rebuild again.
            def schedule(self, handler, path, *, recursive=False, event_filter=None, **options):
                changes = [kinds.FileCreatedEvent, kinds.FileDeletedEvent, kinds.FileModifiedEvent, kinds.FileMovedEvent]
                return super().schedule(handler, path, recursive=recursive, event_filter=event_filter or changes,
                                        **options)

        events = ChangesOnly()
        watched = dict(server._watched_paths)
        for path, count in watched.items():
            for _ in range(count):
                server.unwatch(path)
        server.observer = events
        for path, count in watched.items():
            for _ in range(count):
                server.watch(path)
    except (AttributeError, ImportError, OSError) as exc:
        log.info(f"watching by polling ({exc})")


# Above this many records a navigation section shows only its index page (which lists them all):
# every page of a section renders the section's navigation, so a longer list would make the build
# grow with pages x records and weigh on every page (see the Performance page).
NAV_LIMIT = 50
# One page per speaker: the Speakers page lists them all; the matrix's further pages: its first links them.
ALWAYS_UNLISTED = ("speakers/", "matrix-")


def _expand_nav(nav, kb, available: set[str] | None = None) -> tuple[list, tuple[str, ...]]:
    """Give the 'Key practices', 'Countries' and 'Sources' sections one entry per record, up to NAV_LIMIT,
    and leave out the pages this knowledge base does not have (an introduction, a glossary).

    Returns the navigation and the folders whose records it leaves out (reached from their index).
    """
    children = {
        "practices/index.md": [{f"{p.number}. {_short(p.title)}": f"practices/{p.id}.md"} for p in kb.practices],
        "countries/index.md": [{c.name: f"countries/{c.id}.md"} for c in kb.countries],
        "sources/index.md": [{x.short_title: f"sources/{x.id}.md"} for x in kb.sources.values()],
    }
    unlisted = ALWAYS_UNLISTED + tuple(index.removesuffix("index.md") for index, entries in children.items()
                                       if len(entries) > NAV_LIMIT)
    children = {index: entries for index, entries in children.items() if len(entries) <= NAV_LIMIT}

    def expand(items: list) -> list:
        expanded = []
        for item in items:
            if isinstance(item, dict):
                (title, target), = item.items()
                if isinstance(target, str) and available is not None and target not in available:
                    continue
                if isinstance(target, str) and target in children:
                    item = {title: [target, *children[target]]}
                elif isinstance(target, list):  # a section of the navigation, e.g. Research
                    item = {title: expand(target)}
            expanded.append(item)
        return expanded

    return expand(nav or []), unlisted


def _short(title: str, words: int = 6) -> str:
    parts = title.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")
