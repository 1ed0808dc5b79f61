"""Stage 4, render: turn the linked knowledge base into Markdown pages.

Small render functions feed Jinja templates (knowledge_base/templates/). Every
value a template prints is escaped for both HTML and Markdown unless it is
marked safe, so record text can never inject markup, links or script.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import io
import json
import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from . import charts, dataset, release
from .index import site_url
from .link import KnowledgeBase, page_of
from .tables import LIST_SEPARATOR, TABLES, note_ids, places

# Characters Python-Markdown gives a meaning to; a backslash makes them literal.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")
_SAFE_ANCHOR = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def md_text(value: object) -> Markup:
    """Escape text for HTML, then for Markdown; one line, so no block syntax can start."""
    if isinstance(value, Markup):
        return value
    text = _MD_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))
    # HTML-escape after Markdown-escaping so entities are not themselves escaped.
    return Markup(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def _finalize(value: object) -> object:
    return "" if value is None else md_text(value)


def paragraphs(value: str) -> Markup:
    """Blank-line separated paragraphs, each escaped and joined onto one line."""
    parts = [p for p in re.split(r"\n\s*\n", value or "") if p.strip()]
    return Markup("\n\n").join(md_text(p) for p in parts)


def anchor(value: str) -> Markup:
    """An HTML id for a heading; ids are validated slugs, checked again here."""
    if not _SAFE_ANCHOR.fullmatch(str(value)):
        raise ValueError(f"unsafe anchor {value!r}")
    return Markup(value)


@functools.lru_cache(maxsize=None)
def _relpath(to_page: str, from_page: str) -> str:
    # posixpath.relpath asks the OS for the working directory each time; pages link to few pages
    # (a country's many citations all lead to one source page), so each pair is worked out once.
    return posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")


def relative(from_page: str, to_page: str, anchor_id: str = "") -> Markup:
    """A link from one Markdown page to another (MkDocs checks it in strict mode)."""
    path = _relpath(to_page, from_page)
    if anchor_id:
        path += "#" + anchor(anchor_id)
    return Markup(escape(path))


def groupby_practice(examples, kb: KnowledgeBase) -> list[SimpleNamespace]:
    """Examples grouped under their first key practice, in practice order."""
    groups: dict[str | None, list] = {}
    for ex in examples:
        groups.setdefault(ex.practices[0] if ex.practices else None, []).append(ex)
    order = {p.id: p.number for p in kb.practices}
    return [
        SimpleNamespace(practice=kb.practice(pid) if pid else None, examples=items)
        for pid, items in sorted(groups.items(), key=lambda kv: order.get(kv[0], 99))
    ]


def url_from(from_page: str, to_page: str, anchor_id: str = "") -> Markup:
    """An href for raw HTML (which MkDocs does not rewrite) from one page to another."""
    path = _relpath(site_url(to_page), from_page)
    if anchor_id:
        path += "#" + anchor(anchor_id)
    return Markup(escape(path))


UNIT_WORDS = {"hours": "hour", "days": "day", "months": "month", "years": "year", "centres": "centre",
              "countries": "country"}


def _singular(words: str) -> str:
    """'psychologists' -> 'psychologist', 'citizens' assemblies' -> "citizens' assembly"."""
    head, _, last = words.rpartition(" ")
    last = last[:-3] + "y" if last.endswith("ies") else last[:-1] if last.endswith("s") else last
    return f"{head} {last}".strip()


def figure_text(f) -> str:
    """A figure as a reader reads it: "more than 95", "3–6 months", "600,000 KZT", "1 month", "≥ 10 state agencies"."""
    def number(v):
        return f"{v:,}" if isinstance(v, int) or float(v).is_integer() else f"{v:,.1f}".rstrip("0")

    text = number(f.value) + (f"–{number(f.value_max)}" if f.value_max is not None else "")
    one = f.value == 1 and f.value_max is None
    if f.unit == "percent":
        text += "%"
    elif f.unit == "money":
        text += f" {f.currency}"
    elif f.unit == "other":
        text += " " + (_singular(f.unit_name) if one else f.unit_name)
    elif f.unit != "people":
        text += " " + (UNIT_WORDS.get(f.unit, f.unit) if one else f.unit)
    if f.qualifier and f.value_max is None:
        # "a maximum of 6 or 10 years" already says the number: the source's words alone
        if re.search(r"\d|\b(?:one|two|three|four|five|six|hundred|year|month|day|hour)s?\b", f.qualifier):
            return f.qualifier
        text = f"{f.qualifier} {text}"
    return text


def locator_label(loc) -> str:
    """Where in its source a locator points, e.g. 'Footnote 16', 'section VI, p. 12'."""
    if loc.note is not None:
        return f"Footnote {loc.note}"
    return ", ".join(filter(None, [loc.section and f"section {loc.section}", loc.page and f"p. {loc.page}"]))


def cite_label(kb: KnowledgeBase, loc, page: str) -> str:
    """A citation marker's text: the note number for the page's own source, else the source named."""
    if loc.note is not None and kb.primary_source.get(page) == loc.source:
        return str(loc.note)
    label = locator_label(loc)
    return f"{kb.sources[loc.source].short_title}, {label[:1].lower() + label[1:]}"  # 'section X' keeps its numeral


def cite_title(kb: KnowledgeBase, loc) -> str:
    """A citation marker's tooltip: which source, and where in it."""
    source = kb.sources[loc.source]
    if loc.note is not None:
        return f"{source.short_title}, footnote {loc.note}"
    return cite_label(kb, loc, "")


def cite_anchor(loc) -> str:
    return f"fn-{loc.note}" if loc.note is not None else ""


def cite_tip(kb: KnowledgeBase, loc) -> str:
    """A marker's tooltip: the source and place, and the note's citation text."""
    note = kb.note(loc)
    text = (note.text if note.text else "text omitted in the source's extracted text") if note else ""
    return f"{cite_title(kb, loc)}: {' '.join(text.split())}" if text else cite_title(kb, loc)


class PageNotes:
    """The citations a page shows, collected as its markers render, for the list at its foot.

    Each cited place gets one entry (`#note-compendium-16`) with links back to every marker that
    cites it on this page (the marker of a paragraph, an example, a figure...)."""

    def __init__(self):
        self.places: dict[tuple, list[str]] = {}  # locator key -> ids of the markers citing it
        self.locators: dict[tuple, object] = {}
        self.placed: set[str] = set()

    def place(self, marker: str) -> bool:
        """True the first time a marker is placed on the page: only that one carries its id (a chart and a
        table may show the same operation's citation)."""
        fresh = marker not in self.placed
        self.placed.add(marker)
        return fresh

    def mark(self, locators: list, marker: str) -> str:
        for loc in locators:
            key = (loc.source, loc.note, loc.page, loc.section)
            self.locators.setdefault(key, loc)
            ids = self.places.setdefault(key, [])
            if marker not in ids:
                ids.append(marker)
        return ""

    def entries(self) -> list[tuple[object, list[str]]]:
        order = sorted(self.places, key=lambda k: (k[0], k[1] or 0, k[2] or "", k[3] or ""))
        return [(self.locators[key], self.places[key]) for key in order]


def note_anchor(loc) -> str:
    """The id of a citation's entry in the list at the foot of the page: `note-compendium-16` for a note,
    `note-report-p-12` for a page, `note-report-s-2-2` for a section (a page "1" is not note 1)."""
    where = [str(loc.note)] if loc.note is not None else \
        [f"s-{loc.section}" if loc.section else "", f"p-{loc.page}" if loc.page else ""]
    return "note-" + "-".join(re.sub(r"[^a-z0-9]+", "-", part.lower()).strip("-") for part in [loc.source, *where] if part)


def attr(value: object) -> Markup:
    """A value inside an HTML attribute: escaped for HTML only. Markdown escaping (a backslash before
    '-', '.', …) would change the value: `data-practices="children\\-as\\-victims"` matches nothing."""
    # Python-Markdown reads code spans (`), backslash escapes and table cells (|) before it sees
    # the HTML tag around them: those characters are written as character references.
    text = str(escape(" ".join(str(value).split())))
    return Markup(text.replace("`", "&#96;").replace("\\", "&#92;").replace("|", "&#124;"))


def front_matter(value: object) -> Markup:
    """A page title in the front matter: a JSON string (valid YAML whatever the text holds), HTML-escaped,
    because the theme prints the title as it is into the navigation and the window title."""
    return Markup(json.dumps(str(escape(" ".join(str(value).split()))), ensure_ascii=False))


NUMBER_WORDS = "no one two three four five six seven eight nine ten eleven twelve".split()


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """'seven countries', 'one source', '14 practices': a count as a sentence says it."""
    number = NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else f"{n:,}"
    return f"{number} {singular if n == 1 else plural or singular + 's'}"


def and_list(items) -> Markup:
    """'A, B and C', each item escaped."""
    items = [md_text(i) for i in items]
    return items[0] if len(items) == 1 else Markup(", ").join(items[:-1]) + Markup(" and ") + items[-1] if items else Markup()


def the_sources(kb: KnowledgeBase, verb: str = "") -> str:
    """How a page names what the records are drawn from, with a verb that agrees: 'the source states',
    'the sources state' (or just 'the source' / 'the sources')."""
    one = len(kb.sources) == 1
    if verb and one:
        verb += "es" if verb.endswith("o") else "s"
    return " ".join(filter(None, ["the source" if one else "the sources", verb]))


def plain(value: str) -> Markup:
    """Text already restricted by its model to characters that are inert (glossary tooltips)."""
    return Markup(" ".join(str(value).split()))


# Rows of the comparison page: ((metric, group), label)
COMPARE_ROWS = [
    (("left", "all"), "People who left"), (("left", "women"), "Women who left"),
    (("returned", "all"), "People returned"), (("returned", "women"), "Women returned"),
    (("returned", "children"), "Children returned"),
    (("returned", "women_and_children"), "Women and children returned"), (("repatriated", "all"), "People repatriated"),
    (("repatriated", "women_and_children"), "Women and children repatriated"),
    (("repatriated", "women"), "Women repatriated"), (("repatriated", "children"), "Children repatriated"),
    (("repatriated", "men"), "Men repatriated"), (("repatriated", "orphans"), "Orphans repatriated"),
    (("remaining", "all"), "People still held"), (("remaining", "women"), "Women still held"),
    (("remaining", "children"), "Children still held"), (("convicted", "all"), "People convicted"),
    (("convicted", "women"), "Women convicted"),
]
# How many countries the comparison opens with (on a phone, kept to two by the page's script): the
# first of the list that have a figure to compare, so that their columns fit the screen.
COMPARE_DEFAULT_COUNTRIES = 3
COMPARE_REGIONAL_ROW = ("regional", "Regional context, not national")


@dataclass
class CompareFigure:
    figure: object
    id: str  # its id in figures.csv
    row_label: str  # the national row it would sit in (for a regional figure: what it counts)
    footnotes: list[str]
    places: list[str]


@dataclass
class CompareRow:
    id: str  # in the page's address: rows=left-all,regional
    label: str
    cells: dict[str, list[CompareFigure]]  # country id -> its figures in this row, in the profile's order
    regional: bool = False


@dataclass
class CompareColumn:
    country: object
    figures: int  # how many of its figures the comparison shows
    default: bool  # shown when the address does not choose


@dataclass
class Comparison:
    columns: list[CompareColumn]
    rows: list[CompareRow]


def compare_row_id(metric: str, group: str) -> str:
    """A row's id in the page's address: "repatriated-women-and-children"."""
    return f"{metric}-{group}".replace("_", "-")


def comparison(kb: KnowledgeBase) -> Comparison:
    """The comparison page's table: a row per metric and group that some country states as its own
    figure; a figure with an `area` (a region, Europe) is never in those rows but in one row of its own,
    "Regional context, not national", shown under the country whose profile states it."""
    labels = dict(COMPARE_ROWS)
    national: dict[tuple, dict[str, list]] = {key: {} for key, _ in COMPARE_ROWS}
    regional: dict[str, list] = {}
    for c in kb.countries:
        for i, f in enumerate(c.figures):
            key = (f.metric, f.group)
            if key not in labels:
                continue
            item = CompareFigure(f, f.id, labels[key], note_ids(f.cites), places(f.cites))
            (regional if f.area else national[key]).setdefault(c.id, []).append(item)
    rows = [CompareRow(compare_row_id(*key), label, national[key]) for key, label in COMPARE_ROWS if national[key]]
    if regional:
        rows.append(CompareRow(*COMPARE_REGIONAL_ROW, regional, regional=True))
    counts = {c.id: sum(len(row.cells.get(c.id, [])) for row in rows) for c in kb.countries}
    with_figures = [c.id for c in kb.countries if counts[c.id]]
    chosen = set((with_figures or [c.id for c in kb.countries])[:COMPARE_DEFAULT_COUNTRIES])
    return Comparison([CompareColumn(c, counts[c.id], c.id in chosen) for c in kb.countries], rows)


KB_TITLE = "Returnees Rehabilitation Knowledge Base"


def kb_version() -> str:
    """The knowledge base's version: CHANGELOG.md's latest release (release.py)."""
    return release.current().version


def build_date() -> dt.date:
    """The day of the build, or SOURCE_DATE_EPOCH's (reproducible builds, golden files)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date() if epoch else dt.date.today()


def quote_title(q) -> str:
    """A quote named by its speaker and its first words: Jane Expert: ‘A quoted sentence.’"""
    words = q.text.split()
    return f"{q.attribution}: ‘{' '.join(words[:10])}{'…' if len(words) > 10 else ''}’"


def citation(kb: KnowledgeBase, repository: "Repository | None", page: str, title: str, record,
             anchor: str = "", key: str = "") -> SimpleNamespace:
    """How to cite a page or a quote: plain text, BibTeX and CSL-JSON, with its permanent address,
    the knowledge base's version and the date (the build's; the page puts in the reader's day)."""
    address = ((repository.site_url.rstrip("/") + "/") if repository and repository.site_url else "") + \
        site_url(page, anchor)
    today = build_date()
    version = kb_version()
    based = "; ".join(" ".join(filter(None, [kb.sources[b.source].short_title, b.section and f"section {b.section}"]))
                      for b in record.based_on)
    text = (f"{KB_TITLE} (version {version}). “{title}”. Based on: {based}. {address} (accessed {today.isoformat()}).")
    escaped = title.replace("{", "").replace("}", "")
    bibtex = (f"@misc{{{key or record.id},\n  title = {{{{{escaped}}}}},\n  howpublished = {{{KB_TITLE}, version {version}}},\n"
              f"  url = {{{address}}},\n  urldate = {{{today.isoformat()}}},\n  note = {{Based on: {based}}}\n}}")
    csl = json.dumps({"id": key or record.id, "type": "webpage", "title": title, "container-title": KB_TITLE,
                      "version": version, "URL": address, "note": f"Based on: {based}",
                      "accessed": {"raw": today.isoformat()}}, ensure_ascii=False, indent=1)
    return SimpleNamespace(text=text, bibtex=bibtex, csl=csl, address=address, date=today.isoformat())


@dataclass(frozen=True)
class Repository:
    """Where the records live on GitHub and where the site is published: for the edit and report links."""

    url: str  # e.g. https://github.com/owner/name
    branch: str = "main"
    site_url: str = ""  # the published site's address, for absolute links in issue reports
    changed: dict = field(default_factory=dict)  # record file -> date it last changed

    def edit_url(self, path: str) -> str:
        """GitHub's web editor, opened on the record's YAML file."""
        return f"{self.url}/edit/{self.branch}/{path}"

    def report_url(self, title: str, page: str, path: str) -> str:
        """A new issue from the "Report a correction" form, with the page and record filled in."""
        address = (self.site_url.rstrip("/") + "/" if self.site_url else "") + site_url(page)
        query = urlencode({"template": "report-a-correction.yml", "title": f"Correction: {title}",
                           "page": address, "record": path})
        return f"{self.url}/issues/new?{query}"


def make_environment() -> Environment:
    env = Environment(
        loader=PackageLoader("knowledge_base", "templates"),
        autoescape=True,  # macros return Markup; _finalize escapes everything else
        finalize=_finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["paragraphs"] = paragraphs
    env.filters["text"] = md_text
    env.filters["anchor"] = anchor
    env.filters["groupby_practice"] = groupby_practice
    env.globals["page_of"] = page_of
    env.globals["relative"] = relative
    env.globals["url_from"] = url_from
    env.globals["url_of"] = lambda page: Markup(escape(site_url(page)))
    env.filters["plain"] = plain
    env.filters["front_matter"] = front_matter
    env.globals["counted"] = counted
    env.globals["the_sources"] = the_sources
    env.filters["and_list"] = and_list
    env.filters["attr"] = attr
    env.filters["attr_title"] = lambda record, kb: kb.title_of(record)
    env.globals["cite_label"] = cite_label
    env.globals["locator_label"] = locator_label
    env.globals["cite_title"] = cite_title
    env.globals["cite_anchor"] = cite_anchor
    env.globals["cite_tip"] = cite_tip
    env.globals["note_anchor"] = note_anchor
    env.globals["citation"] = citation
    env.filters["figure_text"] = figure_text
    env.globals["country_headline"] = charts.headline
    env.globals["counts_text"] = counts_text
    env.globals["note_ranges"] = note_ranges
    env.globals["stated_totals"] = charts.stated_totals
    env.filters["group_noun"] = lambda group: charts.GROUP_NOUNS.get(group, group)
    env.filters["groupby_year"] = groupby_year
    env.globals["quote_citation_title"] = quote_title
    return env


# One environment per process: Jinja keeps the compiled templates (and recompiles a template
# whose file changed), so a rebuild while serving does not compile them all again.
_shared_environment = functools.cache(make_environment)


MATRIX_COLUMNS = 12  # countries per page of the matrix: as many as a screen shows, and a page that stays small


def matrix_parts(kb: KnowledgeBase, columns: int = MATRIX_COLUMNS) -> list[SimpleNamespace]:
    """The matrix in pages of at most `columns` countries each (matrix.md, matrix-2.md, …): one table of
    every practice by every country would grow with their product (tens of MB at scale)."""
    groups = [kb.countries[i:i + columns] for i in range(0, len(kb.countries), columns)] or [[]]
    return [SimpleNamespace(page="matrix.md" if n == 0 else f"matrix-{n + 1}.md", countries=group)
            for n, group in enumerate(groups)]


class Pages(dict):
    """{page path relative to the docs root: Markdown}, remembering the template each page came from
    and every page of the site (`planned`), rendered or not."""

    def __init__(self):
        super().__init__()
        self.templates: dict[str, str] = {}
        self.planned: list[str] = []


def render_pages(kb: KnowledgeBase, related: dict | None = None, env: Environment | None = None,
                 benchmarks: dict | None = None,
                 repository: Repository | None = None, matrix_columns: int = MATRIX_COLUMNS,
                 only=None, page_scope=None) -> Pages:
    """Every generated page: {path relative to the docs root: Markdown}.

    `related` maps a practice or country id to related quotes chosen by the index; `benchmarks` the recorded
    results of benchmarks/run.py, shown on the Performance page; `repository` gives each record's
    page its "Edit this record" and "Report an error" links (none without it); `matrix_columns` the
    countries on each page of the matrix. `only(path)`: whether to render a page (after an edit, those
    that depend on it); `page_scope(path)`: a context each page renders in (dependencies.tracking's).
    """
    env = env or _shared_environment()
    pages = Pages()
    related = related or {}

    def put(path: str, template: str, context=None, **values) -> None:
        # `context`, a function, is worked out as the page renders: what it reads is the page's.
        pages.planned.append(path)
        pages.templates[path] = template
        if only is not None and not only(path):
            return
        with page_scope(path) if page_scope else contextlib.nullcontext():
            pages[path] = env.get_template(template).render(kb=kb, page=path, related=related, repository=repository,
                                                            notes=PageNotes(), **values, **(context() if context else {}))

    put("practices/index.md", "practices_index.md.j2")
    for practice in kb.practices:
        put(page_of(practice), "practice.md.j2", practice=practice)
    put("countries/index.md", "countries_index.md.j2")
    for country in kb.countries:
        put(page_of(country), "country.md.j2", country=country)
    if kb.introduction:
        put("introduction.md", "introduction.md.j2", intro=kb.introduction)
    put("lessons.md", "lessons.md.j2")
    parts = matrix_parts(kb, matrix_columns)
    for part in parts:
        put(part.page, "matrix.md.j2", part=part, parts=parts)
    put("compare.md", "compare.md.j2", lambda: {"compare": comparison(kb)},
        compare_regional_label=COMPARE_REGIONAL_ROW[1])
    put("timeline.md", "timeline.md.j2")
    put("organizations.md", "organizations.md.j2")
    put("charts.md", "charts.md.j2", lambda: {"charts": charts.charts(kb), "operation_rows": charts.operation_rows(kb)},
        how=charts.HOW, operation_total=charts.operation_total)
    if kb.glossary:
        put("glossary.md", "glossary.md.j2")
        put("_snippets/abbreviations.md", "snippet_abbreviations.md.j2")
    put("search.md", "search.md.j2", title="Search", preset="",
        intro="Every practice, country profile, practice example, fact, quote, footnote, organization and lesson, "
              "each its own result.")
    put("quotes.md", "search.md.j2", title="Quotes", preset="quote",
        intro="Every quote of the knowledge base, word for word from its source: narrow them by country, key "
              "practice or speaker, or search their words. Each opens at its place in a country or practice page.")
    put("speakers/index.md", "speakers_index.md.j2")
    for voice in kb.voices():
        put(kb.voice_page(voice), "speaker.md.j2", voice=voice)
    put("sources/index.md", "sources_index.md.j2")
    for source in kb.sources.values():
        put(page_of(source), "source.md.j2", source=source)
    # Lists included into hand-written pages (site_src/) with pymdownx.snippets.
    put("_snippets/practice-list.md", "snippet_practice_list.md.j2")
    put("_snippets/country-list.md", "snippet_country_list.md.j2")
    put("_snippets/home-intro.md", "snippet_home_intro.md.j2")
    put("_snippets/home-guide.md", "snippet_home_guide.md.j2")
    put("_snippets/benchmark-results.md", "snippet_benchmarks.md.j2", bench=benchmarks)
    # The data: its dictionary, and its schema.org description on the downloads page.
    put("data-dictionary.md", "data_dictionary.md.j2", tables=TABLES, separator=LIST_SEPARATOR,
        release=release.current(), licence=release.DATA_LICENCE,
        download=lambda name: Markup(f"[{escape(name)}](downloads/{escape(name)})"))
    put("_snippets/dataset.html", "snippet_dataset.html.j2", jsonld=dataset.jsonld_script())
    return pages


COUNT_WORDS = [("total", "people", "person"), ("women", "women", "woman"), ("children", "children", "child"),
               ("men", "men", "man"), ("minors", "minors", "minor"), ("orphans", "orphans", "orphan")]


def counts_text(counts) -> str:
    """An operation's counts in words: "231 people: 59 women, 156 children, 16 men"; "84 children"."""
    among = counts.orphans is not None and (counts.children is not None or counts.minors is not None)
    said = [f"{n:,} {plural if n != 1 else one}" for key, plural, one in COUNT_WORDS
            if (n := getattr(counts, key)) is not None and not (key == "orphans" and among)]
    text = f"{said[0]}: {', '.join(said[1:])}" if counts.total is not None and len(said) > 1 else ", ".join(said)
    return text + (f" ({counts.orphans:,} of them orphans)" if among else "")


def groupby_year(timeline) -> list[tuple[str, list]]:
    """The timeline's operations by year, in order; the undated ones last, under "Not precisely dated"."""
    years: dict[str, list] = {}
    for country, op in timeline:
        years.setdefault(op.date[:4] if op.date else "Not precisely dated", []).append((country, op))
    return list(years.items())


def note_ranges(notes: list[tuple[str, int]], kb: KnowledgeBase) -> str:
    """Notes as runs, by source: "Compendium, notes 175–190 and 201"."""
    by_source: dict[str, list[int]] = {}
    for source, number in sorted(notes):
        by_source.setdefault(source, []).append(number)
    parts = []
    for source, numbers in by_source.items():
        runs: list[list[int]] = []
        for n in numbers:
            if runs and n == runs[-1][-1] + 1:
                runs[-1].append(n)
            else:
                runs.append([n])
        words = [f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs]
        label = "notes" if len(numbers) > 1 else "note"
        listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
        parts.append(f"{kb.sources[source].short_title}, {label} {listed}")
    return "; ".join(parts)


def chart_files(kb: KnowledgeBase, site_address: str = "") -> dict[str, str]:
    """Each chart as a standalone SVG and as CSV: {file name: text}."""
    svg = _shared_environment().get_template("chart.svg.j2")
    files = {}
    for chart in charts.charts(kb):
        permalink = (site_address.rstrip("/") + "/" if site_address else "") + site_url("charts.md", chart.id)
        files[f"{chart.id}.svg"] = svg.render(kb=kb, chart=chart, how=charts.HOW, standalone=True, permalink=permalink,
                                              site_name=KB_TITLE)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=charts.CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(charts.csv_rows(kb, chart))
        files[f"{chart.id}.csv"] = out.getvalue()
    return files


def write_pages(pages: dict[str, str], out: Path, planned: list[str] | None = None) -> list[str]:
    """Write pages that changed (so live reload and mtimes stay quiet); drop stale ones, those not in
    `planned` (default: `pages`; after an edit only the pages rendered again are given)."""
    changed = []
    for rel, text in pages.items():
        target = out / rel
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            changed.append(rel)
    keep = set(pages if planned is None else planned)
    if out.exists():
        for existing in out.rglob("*.md"):
            if existing.relative_to(out).as_posix() not in keep and "downloads" not in existing.parts:
                existing.unlink()
    return changed
