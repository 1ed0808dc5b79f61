"""Stage 5b, check the built site: what no one thought to look at, on every page, on every build.

MkDocs checks the Markdown links it rewrites, not the links written as raw HTML, and it says
nothing of a page that shows its front matter or a Markdown escape as text. This stage reads every
built page as a browser would and reports:

- an internal link (raw HTML included) to a page or an anchor that does not exist;
- an HTML id used twice on a page;
- front matter, a Markdown escape, a template or snippet artefact visible as text;
- a code block where prose belongs (only the citation blocks and hand-written pages hold code);
- a page that no link reaches from the home page (the navigation included).
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown.extensions.toc import slugify, unique

from .problems import Problem

# Text a reader should never see: a backslash before a character Markdown escapes, Jinja or
# attribute-list syntax, a snippet marker, Markdown link or emphasis syntax left unparsed, a
# character reference escaped twice, front matter.
LEAKS = [
    (re.compile(r"\\[\\`*_{}\[\]()#+\-.!|]"), "a Markdown escape"),
    (re.compile(r"\{\{|\}\}|\{%|%\}|\{ ?#[\w-]+ ?\}"), "template syntax"),
    (re.compile(r"--8<--"), "a snippet marker"),
    (re.compile(r"\]\((?:[^()\s]*)\)|\*\*\w"), "Markdown syntax"),
    (re.compile(r"&(?:amp|lt|gt|quot|#\d+);"), "a character reference escaped twice"),
    (re.compile(r"^\s*(?:title|hide|search):\s"), "front matter"),
]
SKIPPED_TAGS = {"script", "style", "pre", "code", "template", "svg", "kbd"}  # their text is not prose
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Page:
    ids: list[str] = field(default_factory=list)
    id_lines: dict[str, int] = field(default_factory=dict)  # an id's last line: where it is used again
    links: list[tuple[str, int]] = field(default_factory=list)  # (href, line)
    leaks: list[tuple[str, str, str, int]] = field(default_factory=list)  # (what, text, around the match, line)
    code_blocks: list[int] = field(default_factory=list)  # lines of <pre> outside a citation block


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, skips text, allows code)
        self.in_article = False
        self.article_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in [attrs.get("id"), attrs.get("name") if tag == "a" else None]:
            if name:
                self.page.ids.append(name)
                self.page.id_lines[name] = self.getpos()[0]
        if tag in ("a", "area") and attrs.get("href") is not None:
            self.page.links.append((attrs["href"], self.getpos()[0]))
        classes = (attrs.get("class") or "").split()
        allows_code = bool(self.stack and self.stack[-1][2]) or "kb-cite" in classes or "kb-code" in classes
        if tag == "pre" and self.in_article and not allows_code:
            self.page.code_blocks.append(self.getpos()[0])
        if tag == "article":
            self.in_article = True
        if tag not in VOID:
            skips = tag in SKIPPED_TAGS or bool(self.stack and self.stack[-1][1])
            self.stack.append((tag, skips, allows_code))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):  # close up to the matching tag (HTML forgives)
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break
        if tag == "article":
            self.in_article = False

    def handle_data(self, data):
        if not self.in_article or not data.strip():
            return
        leaks = LEAKS
        if self.stack and self.stack[-1][1]:
            # Inline code shows its text as written: a backslash escape there is still an artefact.
            inline_code = self.stack[-1][0] == "code" and not any(tag == "pre" for tag, _, _ in self.stack)
            if not inline_code:
                return
            leaks = LEAKS[:1]
        for pattern, what in leaks:
            match = pattern.search(data)
            if match:
                around = " ".join(data[max(0, match.start() - 12):match.end() + 12].split())
                self.page.leaks.append((what, data.strip()[:80], around, self.getpos()[0]))


def read_page(html: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.page


_read: dict[Path, tuple[tuple[int, int], Page]] = {}


def _read_file(path: Path) -> Page:
    """A built page, read again only when it changed (after an edit, `serve` rebuilds a few pages)."""
    stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _read.get(path)
    if cached is None or cached[0] != stamp:
        cached = _read[path] = (stamp, read_page(path.read_text(encoding="utf-8")))
    return cached[1]


@dataclass(frozen=True, order=True)
class SiteProblem:
    page: str  # the built page, relative to the site, e.g. countries/belgium.html
    line: int
    message: str


def located(found: SiteProblem, records_by_page: dict, elsewhere: str) -> Problem:
    """A finding against the record whose page it is (its file, at its id), which an editor can open;
    a page of many records is reported at `elsewhere` (the built page or the template)."""
    record = records_by_page.get(found.page.removesuffix(".html").removesuffix(".md") + ".md")
    if record is None:
        return Problem(elsewhere, found.line, 1, f"{found.page}: {found.message}")
    line, col = record.source_map.locate(("id",))
    return Problem(record.path, line, col, f"its page {found.page} (line {found.line}) {found.message}",
                   record=record.record.id, hint="the page's template does not handle this record's shape: "
                   "please report it; the record itself may be valid")


def check_site(site: Path, code_pages: set[str] = frozenset(), start: str = "index.html",
               base: str = "/", record_text: str = "") -> list[SiteProblem]:
    """Every problem of the built site. `code_pages` may hold code blocks (hand-written pages that show commands);
    `base` is the path the site is published at, which absolute links start with (the 404 page's);
    `record_text` is every text of the records: what looks like an artefact but is a record's own words
    (a quote that writes "&amp;") is shown as written, not leaked."""
    pages = {p.relative_to(site).as_posix(): _read_file(p) for p in sorted(site.rglob("*.html"))}
    problems: list[SiteProblem] = []
    ids = {name: set(page.ids) for name, page in pages.items()}
    edges: dict[str, set[str]] = {}
    for name, page in pages.items():
        for anchor, count in Counter(page.ids).items():
            if count > 1:
                problems.append(SiteProblem(name, page.id_lines[anchor], f"the id {anchor!r} is used {count} times on "
                                                                         "this page"))
        edges[name] = set()
        for href, line in page.links:
            target = _resolve(name, href, base)
            if target is None:
                continue
            path, fragment = target
            if path not in pages:
                if not (site / path).exists():
                    problems.append(SiteProblem(name, line, f"links to {href!r}, but there is no {path}"))
                continue
            edges[name].add(path)
            if fragment and fragment not in ids[path] and fragment != "top":
                where = "this page" if path == name else path
                problems.append(SiteProblem(name, line, f"links to {href!r}, but {where} has no anchor {fragment!r}"))
        for what, text, around, line in page.leaks:
            if around not in record_text:
                problems.append(SiteProblem(name, line, f"shows {what} as text: {text!r}"))
        if name not in code_pages:
            for line in page.code_blocks:
                problems.append(SiteProblem(name, line, "holds a code block where prose belongs (an indented line in "
                                                       "the Markdown?)"))
    reached, todo = {start}, [start]
    while todo:
        for target in edges.get(todo.pop(), ()):
            if target not in reached:
                reached.add(target)
                todo.append(target)
    for name in pages:
        if name not in reached and name != "404.html":
            problems.append(SiteProblem(name, 1, "no link leads to this page from the home page or the navigation"))
    return sorted(set(problems))


def _resolve(page: str, href: str, base: str = "/") -> tuple[str, str] | None:
    """(page relative to the site, fragment) of an internal link, or None for another host or scheme."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith("//"):
        return None
    fragment = unquote(parts.fragment)
    if not parts.path:
        return page, fragment
    if parts.path.startswith("/"):  # absolute: from where the site is published
        if not parts.path.startswith(base):
            return parts.path, fragment
        page, parts = "index.html", parts._replace(path=parts.path[len(base):] or "./")
    path = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
    if parts.path.endswith("/") or path == ".":
        path = posixpath.join(path, "index.html") if path != "." else "index.html"
    return path, fragment


# --- the same links, checked in the generated Markdown (validate: no build needed) ----------------

_MD_LINK = re.compile(r"\]\(([^()\s]+)(?:\s+\"[^\"]*\")?\)|\bhref=\"([^\"]+)\"")
_ATTR_ID = re.compile(r"\{[^}\n]*#([\w-]+)[^}\n]*\}\s*$|\bid=\"([^\"]+)\"", re.M)
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*$", re.M)
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)


def markdown_ids(markdown: str) -> list[str]:
    """The ids a generated page will have: explicit ones ({ #id }, id="…") and its headings' own (toc's slugs)."""
    text = _FENCE.sub("", markdown)
    ids = [a or b for a, b in _ATTR_ID.findall(text)]
    taken = set(ids)
    for heading in _HEADING.findall(text):
        if re.search(r"\{[^}]*#[\w-]+[^}]*\}$", heading):
            continue
        plain = unescape(re.sub(r"\\(.)", r"\1", re.sub(r"<[^>]+>|\[([^\]]*)\]\([^)]*\)", r"\1", heading)))
        taken.add(unique(slugify(plain, "-"), taken))
    return ids + sorted(taken - set(ids))


def check_markdown(pages: dict[str, str], other_pages: set[str]) -> list[SiteProblem]:
    """Links of the generated pages (Markdown and raw HTML) to pages and anchors that will not exist, and
    ids used twice: what the site check would find, found before MkDocs runs. `pages` maps a page
    (e.g. countries/germany.md) to its Markdown; `other_pages` are the hand-written ones."""
    problems: list[SiteProblem] = []
    ids = {name: markdown_ids(text) for name, text in pages.items()}
    for name, text in pages.items():
        for anchor, count in Counter(i for i in ids[name] if i).items():
            if count > 1:
                problems.append(SiteProblem(name, 1, f"the id {anchor!r} is used {count} times on this page"))
        body = _FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), text)
        for match in _MD_LINK.finditer(body):
            href = match.group(1) or unescape(match.group(2))
            line = body.count("\n", 0, match.start()) + 1
            # a snippet's links are read from the page that includes it (the home page, at the root)
            target = _resolve("index.md" if name.startswith("_snippets/") else name, href)
            if target is None:
                continue
            path, fragment = target
            # raw HTML links name the built page (.html); Markdown links the source page (.md)
            path = path[:-5] + ".md" if path.endswith(".html") and path[:-5] + ".md" in {*pages, *other_pages} else path
            if path not in pages:
                if path not in other_pages and not path.startswith(("downloads/", "assets/", "pagefind/", "search/")):
                    problems.append(SiteProblem(name, line, f"links to {href!r}, but there is no page {path}"))
                continue
            if fragment and fragment not in ids[path] and fragment != "top":
                where = "this page" if path == name else path
                problems.append(SiteProblem(name, line, f"links to {href!r}, but {where} has no anchor {fragment!r}"))
    return sorted(set(problems))
