"""Incremental preview: after an edit, only the pages that depend on the edited record are rendered
and rebuilt (knowledge_base/dependencies.py, the hook's dirty rebuilds while serving), and the result
is the site a full build makes. Run on every knowledge base; what is expected is read from the records."""

import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import CONTENT_FOLDERS, KNOWLEDGE_BASES
from knowledge_base import dependencies, docs_engine
from knowledge_base.link import page_of, walk
from knowledge_base.models import Country, Practice
from knowledge_base.pipeline import DOCS_DIR, check, file_stamp
from knowledge_base.render import render_pages

MARKER = "Incrementally-edited"


def copy_kb(root: Path, to: Path) -> Path:
    for folder in CONTENT_FOLDERS:
        if (root / folder).is_dir():
            shutil.copytree(root / folder, to / folder)
    return to


def stamps(root: Path, files) -> dict:
    return {p.relative_to(root).as_posix(): file_stamp(p) for p in files}


def edit_text(root: Path, vr, path: tuple, value: str) -> None:
    """Put MARKER before a text value of a record, in its YAML file (where the value starts)."""
    file = root / vr.path
    text = file.read_text(encoding="utf-8")
    line, _ = vr.source_map.locate(path)
    start = sum(len(ln) for ln in text.splitlines(keepends=True)[:line - 1])
    words = value.split()[:3]
    match = re.compile(r"\s+".join(map(re.escape, words))).search(text, start)
    assert match, f"{words} not found in {vr.path} from line {line}"
    file.write_text(text[:match.start()] + MARKER + " " + text[match.start():], encoding="utf-8")
    os.utime(file, ns=(file.stat().st_mtime_ns + 10**9,) * 2)  # a stamp that differs, however fast the edit


def referenced_practices(record) -> set[str]:
    return {pid for _, name, value, _ in walk(record) if name == "practices" and isinstance(value, list) for pid in value}


def first(records, kind, having):
    found = [vr for vr in sorted(records, key=lambda vr: vr.path) if isinstance(vr.record, kind) and having(vr.record)]
    if not found:
        pytest.skip(f"this knowledge base has no {kind.__name__.lower()} with what the edit needs")
    return found[0]


def rerender_after(root: Path, edit):
    """Render every page with the page map, make `edit`, render again incrementally; also render
    everything before and after, untracked, to compare with."""
    before = check(root)
    full_before = render_pages(before.kb)
    pages, page_map = dependencies.render_tracked(before.kb, before.records)
    assert dict(pages) == dict(full_before)  # tracking changes nothing rendered
    old_map = dependencies.PageMap({p: set(f) for p, f in page_map.files.items()}, dict(page_map.queries))
    stamped = stamps(root, before.files)
    edited = edit(before)
    after = check(root)
    changed = dependencies.changed_files(stamped, stamps(root, after.files))
    assert changed == {edited}
    again, page_map = dependencies.render_tracked(after.kb, after.records, page_map, changed)
    full_after = render_pages(after.kb)
    return before, after, old_map, full_before, full_after, again


@pytest.fixture(params=sorted(KNOWLEDGE_BASES))
def kb_copy(request, tmp_path):
    return copy_kb(KNOWLEDGE_BASES[request.param], tmp_path / "kb")


def test_a_quote_edit_renders_again_only_the_pages_that_read_its_record(kb_copy):
    state = {}

    def edit(result):
        vr = first(result.records, Country, lambda c: c.quotes)
        state.update(vr=vr, quote=vr.record.quotes[0], kb=result.kb)
        edit_text(kb_copy, vr, ("quotes", 0, "text"), vr.record.quotes[0].text)
        return vr.path

    before, after, old_map, full_before, full_after, again = rerender_after(kb_copy, edit)
    vr, quote, kb = state["vr"], state["quote"], state["kb"]
    rendered = set(again)

    # The incremental result is the full one: every page rendered again or kept is byte-identical.
    kept = {p: full_before[p] for p in full_before if p not in rendered}
    assert {**kept, **dict(again)} == dict(full_after)
    # Exactly the pages that read the country's file were rendered again (no answer they asked for moved).
    assert rendered == old_map.pages_of(vr.path)
    # Among them, those that show the quote, from the records: the country's page, its practices'
    # pages and its speaker's page; each of them really changed.
    voice = kb.voice_of(quote)
    showing = {page_of(vr.record), *(f"practices/{pid}.md" for pid in quote.practices),
               *([kb.voice_page(voice)] if voice else [])}
    truly_changed = {p for p in full_after if full_after[p] != full_before.get(p)}
    assert showing <= truly_changed <= rendered
    # Not more: pages of practices the country never names, and of the other countries that do not
    # cite it, were not rendered again (and some page was left alone).
    others = {f"practices/{p.id}.md" for p in kb.practices
              if p.id not in referenced_practices(vr.record) and all(m.country != vr.record.id for m in p.mentions)}
    assert not rendered & others
    assert len(rendered) < len(full_after)


def test_a_title_edit_renders_again_every_page_that_shows_the_title(kb_copy):
    state = {}

    def edit(result):
        vr = first(result.records, Practice, lambda p: True)
        state["vr"] = vr
        edit_text(kb_copy, vr, ("title",), vr.record.title)
        return vr.path

    before, after, old_map, full_before, full_after, again = rerender_after(kb_copy, edit)
    vr = state["vr"]
    rendered = set(again)
    kept = {p: full_before[p] for p in full_before if p not in rendered}
    assert {**kept, **dict(again)} == dict(full_after)
    # Every page that shows the new title was rendered again: the practice's own, and others that name it.
    showing = {p for p in full_after if MARKER in full_after[p]}
    assert page_of(vr.record) in showing and len(showing) > 1
    # The others rendered again read the practice, or listed something that names it (a source's
    # notes list the places citing them, by title): nothing else.
    assert showing <= rendered == old_map.pages_of(vr.path) | old_map.dependents(set(), after.kb)
    assert len(rendered) < len(full_after)


# --- the same, through MkDocs, as `serve` rebuilds after an edit -----------------------------------

SERVE_URL = "http://127.0.0.1:8000/"


def mkdocs_build(site: Path, dirty: bool):
    from knowledge_base.site import MKDOCS_YML

    config = docs_engine.module("config").load_config(config_file=str(MKDOCS_YML), site_dir=str(site), strict=False,
                                                      site_url=SERVE_URL)
    config.plugins.on_startup(command="serve", dirty=dirty)
    try:
        docs_engine.module("commands.build").build(config, serve_url=SERVE_URL, dirty=dirty)
    finally:
        config.plugins.on_shutdown()
    return next(iter(config.hooks.values()))


def html_files(site: Path) -> dict[str, tuple[int, bytes]]:
    # 404.html is a theme template MkDocs writes on every build; the others are pages.
    return {p.relative_to(site).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in site.rglob("*.html") if p.name != "404.html" and "pagefind" not in p.parts}


def test_a_served_edit_rebuilds_only_its_pages_and_the_page_including_its_snippet(kb_copy, tmp_path, monkeypatch):
    from knowledge_base.mkdocs_hook import SNIPPET_LINE, SNIPPETS

    monkeypatch.setenv("KB_CONTENT_ROOT", str(kb_copy))
    monkeypatch.setenv("KB_SERVING", "1")
    site = tmp_path / "served"
    hook = mkdocs_build(site, dirty=True)
    built = html_files(site)

    result = check(kb_copy)
    vr = first(result.records, Country, lambda c: c.summary)
    edit_text(kb_copy, vr, ("summary",), vr.record.summary)
    hook = mkdocs_build(site, dirty=True)
    rebuilt = html_files(site)
    written = hook._state["written"]
    assert set(rebuilt) == set(built)
    changed = {page for page in rebuilt if rebuilt[page] != built[page]}

    # Expected, from what was rendered and the pages that include snippets (site_src/ and the
    # snippet appended to every page): the pages whose Markdown changed, and those including a
    # snippet that changed. The country's page is one; so is a page including a snippet.
    snippets = {rel.removeprefix(SNIPPETS + "/") for rel in written if rel.startswith(SNIPPETS + "/")}
    including = {f.relative_to(DOCS_DIR).with_suffix(".html").as_posix() for f in DOCS_DIR.rglob("*.md")
                 if snippets & set(SNIPPET_LINE.findall(f.read_text(encoding="utf-8")))}
    expected = {rel.removesuffix(".md") + ".html" for rel in written if not rel.startswith(SNIPPETS + "/")} | including
    assert page_of(vr.record).removesuffix(".md") + ".html" in expected
    assert snippets and including, "the summary's first sentence is in no included snippet"
    assert changed == expected
    # The pages left alone are byte for byte (and time stamp) what they were.
    assert all(rebuilt[p] == built[p] for p in rebuilt if p not in expected)

    # And the incremental site is the site a full build of the edited records makes.
    for key in ("page_map", "stamps", "nav"):
        hook._state.pop(key, None)
    full = tmp_path / "full"
    mkdocs_build(full, dirty=False)
    assert {p: b for p, (_, b) in html_files(full).items()} == {p: b for p, (_, b) in rebuilt.items()}
