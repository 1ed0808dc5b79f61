"""The knowledge base as tables: one description drives the CSV files, kb.sqlite, the Frictionless
data package (datapackage.json), Datasette's metadata and the data dictionary page, so that they
cannot disagree.

Each table is a list of columns (name, type, description, unit; a reference to another table; a
list of ids, joined with LIST_SEPARATOR in a CSV file and given a link table in kb.sqlite) and
the function that makes its rows from the linked knowledge base and the works its notes cite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from .ids import PASSAGE_PARTS, key_element_id
from .index import site_url
from .link import KnowledgeBase, page_of
from .models import Country, Locator

if TYPE_CHECKING:
    from .citations import Work

LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # string, integer, number, boolean, date (YYYY, YYYY-MM or YYYY-MM-DD), list, url
    description: str
    unit: str | None = None
    references: str | None = None  # the table whose key this column (or each item of this list) holds
    search: bool = False  # part of the table's full-text index
    year_of: str | None = None  # a column derived from this date column: its year (or month, with `month`)
    month: bool = False
    site_address: bool = False  # holds an address on the site (or a list of them), written relative to its root

    def __post_init__(self):
        if self.type == "url":
            object.__setattr__(self, "site_address", True)


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: list[Column]
    # The row values of the columns that are not derived (year_of), in their order.
    rows: Callable[[KnowledgeBase, list[Work]], list[tuple]]
    key: str = "id"
    label: str | None = None  # the column Datasette shows for a row referenced from elsewhere

    def lists(self) -> list[Column]:
        return [c for c in self.columns if c.type == "list"]


def note_id(source: str, number: int) -> str:
    return f"{source}-{number}"


def note_ids(locators) -> list[str]:
    """The ids of the notes a list of citations names (citations of a page or section have no row)."""
    return [note_id(loc.source, loc.note) for loc in locators if isinstance(loc, Locator) and loc.note is not None]


def places(locators) -> list[str]:
    """Citations of a page or a section, in words ('fixture-report, p. 12')."""
    return [", ".join(filter(None, [loc.source, loc.section and f"section {loc.section}", loc.page and f"p. {loc.page}"]))
            for loc in locators if isinstance(loc, Locator) and loc.note is None]


def names(people) -> list[str]:
    return [n.literal or ", ".join(filter(None, [n.family, n.given])) for n in people]


def box_label(box: str | None) -> str | None:
    """A box's number as the sources print it, 'Box 2.1': text that no tool reads as the number 2.1."""
    return box and f"Box {box}"


def dated(name: str, description: str) -> list[Column]:
    """A date column, as precise as the source gives it, and its year and month as numbers to sort and filter by."""
    return [Column(name, "date", description),
            Column(f"{name}_year", "integer", f"The year of {name}.", year_of=name),
            Column(f"{name}_month", "integer", f"The month of {name} (1-12), where the source gives it.", year_of=name,
                   month=True)]


def permalink(page: str, anchor: str = "") -> str:
    """A row's place on the site, relative to its root; the exports make it absolute (export.table_rows)."""
    return site_url(page, anchor)


def passages(kb: KnowledgeBase):
    """Every passage, with its record, its part, its place there and its page."""
    owners = [*kb.practices, *([kb.introduction] if kb.introduction else []), *kb.countries]
    pages = {"practices_overview": "practices/index.md", "lessons_overview": "lessons.md"}
    for owner in owners:
        for part in PASSAGE_PARTS[type(owner)]:
            for i, passage in enumerate(getattr(owner, part)):
                yield owner, part, i, passage, pages.get(part, page_of(owner))


ID = Column("id", "string", "The record's id: stable, used in the site's addresses.")
COUNTRY = Column("country", "string", "The country profile it belongs to.", references="countries")
PRACTICE = Column("practice", "string", "The key practice it belongs to.", references="practices")
PRACTICES = Column("practices", "list", "The key practices it illustrates.", references="practices")
FOOTNOTES = Column("footnotes", "list", "The footnotes it cites (ids: source-number).", references="footnotes")
PLACES = Column("other_citations", "list", "Citations of a page or section of a source, in words.")
NOTE = Column("note", "string", "The editors' note, e.g. where the source contradicts itself.")
PERMALINK = Column("permalink", "url", "Its permanent address on the site.")
BOX = Column("box", "string", "The box's label as the source prints it ('Box 2.1'), where it is boxed.")


def _figures(kb: KnowledgeBase):
    owners = [*([kb.introduction] if kb.introduction else []), *kb.countries]
    return [(owner, f) for owner in owners for f in owner.figures]


def _footnote_rows(kb: KnowledgeBase, cited: list[Work]) -> list[tuple]:
    works_of: dict[tuple[str, int], list[str]] = {}
    for work in cited:
        for source, number, _ in work.cited_by:
            works_of.setdefault((source, number), []).append(work.id)
    rows = []
    for (src, n), f in sorted(kb.notes.items()):
        places_citing = kb.citations.get((src, n), [])
        rows.append((note_id(src, n), src, n, f.text, f.url, f.ibid_of and note_id(src, f.ibid_of), f.note,
                     [permalink(c.page, c.anchor) for c in places_citing], len({c.page for c in places_citing}),
                     list(dict.fromkeys(works_of.get((src, n), []))), permalink(page_of(kb.sources[src]), f"fn-{n}")))
    return rows


def _country_of(owner) -> str | None:
    return owner.id if isinstance(owner, Country) else None


TABLES = [
    Table("sources", "The source documents the knowledge base is built from.", [
        ID, Column("type", "string", "The kind of document (a CSL type: report, article-newspaper, ...)."),
        Column("title", "string", "Its title, as it gives it.", search=True),
        Column("short_title", "string", "A short name, shown beside its citations."),
        Column("author", "list", "Its authors: 'Family, Given' for a person, the name of an institution."),
        Column("publisher", "string", "Who published it."), Column("publisher_place", "string", "Where."),
        *dated("issued", "When it was published, as precisely as it says."),
        Column("url", "string", "Where it can be read online."), Column("doi", "string", "Its DOI."),
        Column("language", "string", "The language it is written in (a language code)."),
        Column("licence", "string", "Its licence, where it states one."), NOTE, PERMALINK],
        lambda kb, _: [(x.id, x.type, x.title, x.short_title, names(x.author), x.publisher, x.publisher_place, x.issued,
                        x.url, x.doi, x.language, x.licence, x.note, permalink(page_of(x)))
                       for x in kb.sources.values()], label="short_title"),
    Table("practices", "The key practices.", [
        ID, Column("number", "integer", "Its number in the compendium."),
        Column("title", "string", "Its title, as the compendium words it.", search=True),
        Column("summary", "string", "A summary in the editors' words.", search=True), PERMALINK],
        lambda kb, _: [(p.id, p.number, p.title, p.summary, permalink(page_of(p))) for p in kb.practices], label="title"),
    Table("countries", "The country profiles.", [
        ID, Column("name", "string", "The country's name."),
        Column("sources", "list", "The sources the profile is based on.", references="sources"),
        Column("summary", "string", "A summary in the editors' words.", search=True), PERMALINK],
        lambda kb, _: [(c.id, c.name, [b.source for b in c.based_on], c.summary, permalink(page_of(c)))
                       for c in kb.countries], label="name"),
    Table("passages", "The records' text, passage by passage, in the editors' words: the key practices' descriptions, "
          "the countries' context and approach, the introduction.", [
        ID, Column("record", "string", "The id of the record it belongs to: a key practice, a country or the introduction."),
        Column("part", "string", "The part of the record: description, context, approach, practices_overview or "
               "lessons_overview."),
        Column("position", "integer", "Its place in that part, from 1 (the site's order)."),
        Column("heading", "string", "The sub-heading it stands under, as the source titles it."),
        Column("topic", "string", "For a country's approach: legal, institutional, prosecution, amnesty, rehabilitation, "
               "reintegration, media or other."),
        Column("text", "string", "The passage, in the editors' words.", search=True), FOOTNOTES, PLACES, NOTE, PERMALINK],
        lambda kb, _: [(p.id, owner.id, part, i + 1, p.heading, getattr(p, "topic", None), p.text, note_ids(p.cites),
                        places(p.cites), p.note, permalink(page, p.id)) for owner, part, i, p, page in passages(kb)],
        label="id"),
    Table("key_elements", "The elements the compendium names for each key practice.", [
        ID, PRACTICE, Column("position", "integer", "Its place in the practice's list, from 1."),
        Column("text", "string", "The element, in the source's words.", search=True), PERMALINK],
        lambda kb, _: [(key_element_id(p.id, text), p.id, i + 1, text, permalink(page_of(p), "key-elements"))
                       for p in kb.practices for i, text in enumerate(p.key_elements)], label="text"),
    Table("mentions", "The countries each key practice's overview cites, with what it says they do.", [
        ID, PRACTICE, COUNTRY, Column("text", "string", "What the overview says, in the editors' words.", search=True),
        FOOTNOTES, PLACES, NOTE, PERMALINK],
        lambda kb, _: [(m.id, p.id, m.country, m.text, note_ids(m.cites), places(m.cites), m.note,
                        permalink(page_of(p), m.id)) for p in kb.practices for m in p.mentions], label="id"),
    Table("figures", "Numbers the sources state, each with its date and footnotes: about a country, or the global "
          "figures of the introduction.", [
        ID, Column("country", "string", "The country profile it belongs to (empty for the introduction's figures).",
                   references="countries"),
        Column("label", "string", "What is counted, in plain words.", search=True),
        Column("metric", "string", "The kind of figure: left, returned, repatriated, remaining, convicted, ..."),
        Column("group", "string", "Who is counted: all, women, children, men, minors, orphans, other."),
        Column("value", "number", "The number as the source states it; for a range, its lower end."),
        Column("value_max", "number", "For a range, its upper end."),
        Column("bound", "string", "exact; lower (a minimum: 'more than 800'); upper (a maximum: 'up to six months')."),
        Column("unit", "string", "What value counts in: people, percent, hours, days, months, years, money, centres, "
               "countries, other."),
        Column("currency", "string", "For money: the ISO 4217 code of the currency (USD, KZT)."),
        Column("unit_name", "string", "For other units: what is counted, in the plural (phases, psychologists)."),
        Column("qualifier", "string", "The source's own words for the bound or approximation: more than, around, ..."),
        Column("approximate", "boolean", "true when the source gives the number as approximate."),
        Column("total", "boolean", "true for the country's total of its metric and group, as the source states it."),
        Column("area", "string", "Where it counts, when not the country itself (e.g. Europe)."),
        *dated("as_of", "The date the figure holds for."), FOOTNOTES, PLACES, NOTE, PERMALINK],
        lambda kb, _: [(f.id, _country_of(o), f.label, f.metric, f.group, f.value, f.value_max, f.bound, f.unit,
                        f.currency, f.unit_name, f.qualifier, f.approximate, f.total, f.area, f.as_of, note_ids(f.cites),
                        places(f.cites), f.note, permalink(page_of(o), f.id)) for o, f in _figures(kb)],
        label="label"),
    Table("operations", "Repatriation operations, dated, with the people they brought back.", [
        ID, COUNTRY, Column("name", "string", "Its name, where it has one."),
        *dated("date", "When it took place."), Column("date_text", "string", "The date in the source's words."),
        Column("origin", "string", "Where people were brought back from."),
        *[Column(group, "integer", f"{group.capitalize()} brought back.", unit="people")
          for group in ("total", "women", "children", "men", "minors", "orphans")],
        Column("summary", "string", "What happened, in the editors' words.", search=True), FOOTNOTES, PLACES, NOTE,
        PERMALINK],
        lambda kb, _: [(o.id, c.id, o.name, o.date, o.date_text, o.origin, o.counts.total, o.counts.women,
                        o.counts.children, o.counts.men, o.counts.minors, o.counts.orphans, o.summary, note_ids(o.cites),
                        places(o.cites), o.note, permalink(page_of(c), o.id)) for c in kb.countries for o in c.operations],
        label="name"),
    Table("examples", "Practice examples: the 'relevant practice' boxes of the country profiles.", [
        ID, COUNTRY, BOX, Column("title", "string", "The box title, as the source words it.", search=True),
        Column("summary", "string", "What the box says, in the editors' words.", search=True),
        PRACTICES, FOOTNOTES, PLACES, NOTE, PERMALINK],
        lambda kb, _: [(e.id, c.id, box_label(e.box), e.title, e.summary, e.practices, note_ids(e.cites), places(e.cites),
                        e.note, permalink(page_of(c), e.id)) for c in kb.countries for e in c.examples], label="title"),
    Table("facts", "The 'relevant fact' boxes of the country profiles.", [
        ID, COUNTRY, BOX, Column("title", "string", "The box title, as the source words it.", search=True),
        Column("summary", "string", "What the box says, in the editors' words.", search=True),
        PRACTICES, FOOTNOTES, PLACES, NOTE, PERMALINK],
        lambda kb, _: [(f.id, c.id, box_label(f.box), f.title, f.summary, f.practices, note_ids(f.cites),
                        places(f.cites), f.note, permalink(page_of(c), f.id)) for c in kb.countries for f in c.facts],
        label="title"),
    Table("speakers", "Who speaks in the quotes, each once however the sources spell the name: a person, or an "
          "institution speaking as such.", [
        ID, Column("name", "string", "The name, as the sources print it most often.", search=True),
        Column("variants", "list", "The other spellings the sources print.", search=True),
        Column("person", "boolean", "true for a person, false for an institution speaking as such."),
        Column("quotes", "integer", "How many quotes they have."),
        Column("countries", "list", "The country profiles they are quoted in.", references="countries"), PERMALINK],
        lambda kb, _: [(v.key, v.name, v.variants, v.person, len(v.quotes),
                        sorted({o.id for o, _ in v.quotes if isinstance(o, Country)}), permalink(kb.voice_page(v)))
                       for v in kb.voices()], label="name"),
    Table("quotes", "Quotes, word for word, with their speakers.", [
        ID, Column("country", "string", "The country profile it belongs to (empty for a practice or the introduction).",
                   references="countries"),
        Column("record", "string", "The id of the record it is quoted in: a country, a key practice or the introduction."),
        Column("speaker_id", "string", "Who said it, as one speaker however it is spelled.", references="speakers"),
        Column("speaker", "string", "Who said it, named as the source names them.", search=True),
        Column("role", "string", "The speaker's role, as given."), Column("organization", "string", "Their organization."),
        Column("boxed", "boolean", "true for a boxed quote, false for one in the running text."),
        BOX, PRACTICES, Column("text", "string", "The quote, verbatim.", search=True), FOOTNOTES, PLACES, NOTE,
        PERMALINK],
        lambda kb, _: [(q.id, _country_of(owner), owner.id, (v := kb.voice_of(q)) and v.key, q.speaker, q.role,
                        q.organization, q.boxed, box_label(q.box), q.practices, q.text, note_ids(q.cites), places(q.cites),
                        q.note, permalink(page_of(owner), q.id)) for owner, q in kb.all_quotes()], label="speaker"),
    Table("footnotes", "The numbered notes (footnotes) of every source, with their citation text verbatim.", [
        Column("id", "string", "The note's id: the source's id and the note's number."),
        Column("source", "string", "The source it belongs to.", references="sources"),
        Column("number", "integer", "Its number in the source."),
        Column("text", "string", "The citation text, verbatim (empty where the extracted text omits it).", search=True),
        Column("url", "string", "The web address in the citation text."),
        Column("ibid_of", "string", "For an 'ibid.' note, the note it repeats.", references="footnotes"),
        NOTE, Column("cited_in", "list", "The places on the site that cite it (permanent addresses).", site_address=True),
        Column("pages", "integer", "How many pages of the site cite it."),
        Column("works", "list", "The works it cites (for an 'ibid.', the work it repeats).", references="works"),
        PERMALINK],
        lambda kb, cited: _footnote_rows(kb, cited),
        label="id"),
    Table("works", "The works the footnotes cite, each once, read from the footnotes' own words.", [
        Column("id", "string", "The work's id, as in sources.bib and sources.csl.json."),
        Column("type", "string", "The kind of work (a CSL type: report, article-newspaper, interview, ...)."),
        Column("title", "string", "Its title, as the footnotes give it.", search=True),
        Column("author", "list", "Its authors: 'Family, Given' for a person, the name of an institution.", search=True),
        Column("container", "string", "The journal, newspaper or site it appeared in."),
        Column("publisher", "string", "Who published it."),
        Column("issued", "date", "When it was published, as the footnotes give it."),
        Column("url", "string", "Where it can be read online."),
        Column("footnotes", "integer", "How many footnotes cite it (footnotes.works lists which).")],
        lambda kb, cited: [(w.id, w.type, w.title, [a.get("literal") or ", ".join(filter(None, [a.get("family"),
                            a.get("given")])) for a in w.author], w.container, w.publisher,
                            w.issued and "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(w.issued)), w.url,
                            len({(s, n) for s, n, _ in w.cited_by})) for w in cited], label="title"),
    Table("organization_entities", "Each body once: an international one (UNICEF) across the countries that name "
          "it, a national one (a ministry) in its own country. Its role in each is a row of organizations.", [
        ID, Column("name", "string", "Its name, as the sources print it most often.", search=True),
        Column("kind", "string", "government, agency, ngo, international, research, religious, media, other."),
        Column("names", "list", "Every name, abbreviation and other spelling the sources print for it.", search=True),
        Column("countries", "list", "The countries whose profiles name it.", references="countries"),
        Column("roles", "integer", "How many country profiles give it a role."), PERMALINK],
        lambda kb, _: [(e.id, e.name, e.kind, e.names, list(dict.fromkeys(c.id for c, _ in e.entries)), len(e.entries),
                        permalink("organizations.md", e.id)) for e in kb.organization_entities()], label="name"),
    Table("organizations", "Ministries, agencies, NGOs and international bodies, and their role in each country.", [
        ID, COUNTRY, Column("entity", "string", "The body, once across countries.", references="organization_entities"),
        Column("name", "string", "Its name, as the source gives it.", search=True),
        Column("abbreviation", "string", "Its abbreviation."),
        Column("aliases", "list", "Other names or spellings the source prints for it.", search=True),
        Column("kind", "string", "government, agency, ngo, international, research, religious, media, other."),
        Column("role", "string", "What it does there, in the editors' words.", search=True), PRACTICES, FOOTNOTES, PLACES,
        NOTE, PERMALINK],
        lambda kb, _: [(o.id, c.id, kb.organization_entity(o).id, o.name, o.abbreviation, o.aliases, o.kind, o.role,
                        o.practices, note_ids(o.cites), places(o.cites), o.note,
                        permalink(page_of(c), o.id)) for c in kb.countries for o in c.organizations], label="name"),
    Table("challenges", "The challenges each country profile names.", [
        ID, COUNTRY, Column("title", "string", "A short title in the editors' words.", search=True),
        Column("text", "string", "The challenge, in the editors' words.", search=True), FOOTNOTES, PLACES, NOTE,
        PERMALINK],
        lambda kb, _: [(ch.id, c.id, ch.title, ch.text, note_ids(ch.cites),
                        places(ch.cites), ch.note, permalink(page_of(c), ch.id))
                       for c in kb.countries for ch in c.challenges], label="title"),
    Table("lessons", "The lessons learned.", [
        ID, Column("number", "integer", "Its order among the lessons."),
        Column("title", "string", "A short title in the editors' words.", search=True),
        Column("text", "string", "The lesson in the editors' words.", search=True), PRACTICES,
        Column("countries", "list", "The countries whose experience it reflects.", references="countries"), PERMALINK],
        lambda kb, _: [(l.id, l.number, l.title, l.text, l.practices, l.countries, permalink("lessons.md", f"lesson-{l.id}"))
                       for l in kb.lessons], label="title"),
    Table("glossary", "The abbreviations the sources use, and what they stand for.", [
        Column("id", "string", "The abbreviation as an id (lower case)."),
        Column("abbreviation", "string", "The abbreviation, as the source writes it.", search=True),
        Column("expansion", "string", "The full name, as the source writes it.", search=True), PERMALINK],
        lambda kb, _: [(e.abbreviation.lower(), e.abbreviation, e.expansion, permalink("glossary.md"))
                       for e in (kb.glossary.entries if kb.glossary else [])], label="abbreviation"),
]
BY_NAME = {t.name: t for t in TABLES}


def singular(name: str) -> str:
    return name[:-3] + "y" if name.endswith("ies") else name.removesuffix("s")


def link_table_name(table: Table, column: Column) -> str:
    """The many-to-many table of a list column: examples.practices -> example_practices."""
    return f"{singular(table.name)}_{column.name}"
