"""The knowledge base as tables: one description drives the CSV files, kb.sqlite, the Frictionless
data package (datapackage.json) and Datasette's metadata, so that they cannot disagree.

Each table is a list of columns (name, type, description, unit; a reference to another table; a
list of ids, joined with LIST_SEPARATOR in a CSV file and given a link table in kb.sqlite) and
the function that makes its rows from the linked knowledge base.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .index import site_url
from .link import KnowledgeBase, page_of
from .models import Country, Locator

LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # string, integer, number, boolean, date (YYYY, YYYY-MM or YYYY-MM-DD), list
    description: str
    unit: str | None = None
    references: str | None = None  # the table whose key this column (or each item of this list) holds
    search: bool = False  # part of the table's full-text index


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: list[Column]
    rows: Callable[[KnowledgeBase], list[tuple]]
    key: str = "id"
    label: str | None = None  # the column Datasette shows for a row referenced from elsewhere

    def lists(self) -> list[Column]:
        return [c for c in self.columns if c.type == "list"]


def note_id(source: str, number: int) -> str:
    return f"{source}-{number}"


def figure_id(country: Country, index: int) -> str:
    """A figure's id in figures.csv (and in the comparison's CSV): its country and its place in the profile."""
    return f"{country.id}-figure-{index + 1}"


def note_ids(locators) -> list[str]:
    """The ids of the notes a list of citations names (citations of a page or section have no row)."""
    return [note_id(loc.source, loc.note) for loc in locators if isinstance(loc, Locator) and loc.note is not None]


def places(locators) -> list[str]:
    """Citations of a page or a section, in words ('fixture-report, p. 12')."""
    return [", ".join(filter(None, [loc.source, loc.section and f"section {loc.section}", loc.page and f"p. {loc.page}"]))
            for loc in locators if isinstance(loc, Locator) and loc.note is None]


def names(people) -> list[str]:
    return [n.literal or ", ".join(filter(None, [n.family, n.given])) for n in people]


ID = Column("id", "string", "The record's id: stable, used in the site's addresses.")
COUNTRY = Column("country", "string", "The country profile it belongs to.", references="countries")
PRACTICES = Column("practices", "list", "The key practices it illustrates.", references="practices")
FOOTNOTES = Column("footnotes", "list", "The footnotes it cites (ids: source-number).", references="footnotes")
PLACES = Column("other_citations", "list", "Citations of a page or section of a source, in words.")
NOTE = Column("note", "string", "The editors' note, e.g. where the source contradicts itself.")


def _url(*parts) -> str:
    return site_url(*parts)


TABLES = [
    Table("sources", "The source documents the knowledge base is built from.", [
        ID, Column("type", "string", "The kind of document (a CSL type: report, article-newspaper, ...)."),
        Column("title", "string", "Its title, as it gives it.", search=True),
        Column("short_title", "string", "A short name, shown beside its citations."),
        Column("author", "list", "Its authors: 'Family, Given' for a person, the name of an institution."),
        Column("publisher", "string", "Who published it."), Column("publisher_place", "string", "Where."),
        Column("issued", "date", "When it was published, as precisely as it says."),
        Column("url", "string", "Where it can be read online."), Column("doi", "string", "Its DOI."),
        Column("language", "string", "The language it is written in (a language code)."),
        Column("licence", "string", "Its licence, where it states one."), NOTE],
        lambda kb: [(x.id, x.type, x.title, x.short_title, names(x.author), x.publisher, x.publisher_place, x.issued,
                     x.url, x.doi, x.language, x.licence, x.note) for x in kb.sources.values()], label="short_title"),
    Table("practices", "The key practices.", [
        ID, Column("number", "integer", "Its number in the compendium."),
        Column("title", "string", "Its title, as the compendium words it.", search=True),
        Column("summary", "string", "A summary in the editors' words.", search=True),
        Column("url", "string", "Its page on the site, relative to the site's address.")],
        lambda kb: [(p.id, p.number, p.title, p.summary, _url(page_of(p))) for p in kb.practices], label="title"),
    Table("countries", "The country profiles.", [
        ID, Column("name", "string", "The country's name."),
        Column("sources", "list", "The sources the profile is based on.", references="sources"),
        Column("summary", "string", "A summary in the editors' words.", search=True),
        Column("url", "string", "Its page on the site, relative to the site's address.")],
        lambda kb: [(c.id, c.name, [b.source for b in c.based_on], c.summary, _url(page_of(c))) for c in kb.countries],
        label="name"),
    Table("figures", "Numbers the sources state about a country, each with its date and footnotes.", [
        ID, COUNTRY, Column("label", "string", "What is counted, in plain words.", search=True),
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
        Column("as_of", "date", "The date the figure holds for."), FOOTNOTES, PLACES, NOTE],
        lambda kb: [(figure_id(c, i), c.id, f.label, f.metric, f.group, f.value, f.value_max, f.bound, f.unit,
                     f.currency, f.unit_name, f.qualifier, f.approximate, f.total, f.area, f.as_of, note_ids(f.cites),
                     places(f.cites), f.note)
                    for c in kb.countries for i, f in enumerate(c.figures)], label="label"),
    Table("operations", "Repatriation operations, dated, with the people they brought back.", [
        ID, COUNTRY, Column("name", "string", "Its name, where it has one."),
        Column("date", "date", "When it took place."), Column("date_text", "string", "The date in the source's words."),
        Column("origin", "string", "Where people were brought back from."),
        *[Column(group, "integer", f"{group.capitalize()} brought back.", unit="people")
          for group in ("total", "women", "children", "men", "minors", "orphans")],
        Column("summary", "string", "What happened, in the editors' words.", search=True), FOOTNOTES, PLACES, NOTE],
        lambda kb: [(o.id, c.id, o.name, o.date, o.date_text, o.origin, o.counts.total, o.counts.women,
                     o.counts.children, o.counts.men, o.counts.minors, o.counts.orphans, o.summary, note_ids(o.cites),
                     places(o.cites), o.note) for c in kb.countries for o in c.operations], label="name"),
    Table("examples", "Practice examples: the 'relevant practice' boxes of the country profiles.", [
        ID, COUNTRY, Column("box", "string", "The box number in the source."),
        Column("title", "string", "The box title, as the source words it.", search=True),
        Column("summary", "string", "What the box says, in the editors' words.", search=True),
        PRACTICES, FOOTNOTES, PLACES, Column("url", "string", "Its place on the site.")],
        lambda kb: [(e.id, c.id, e.box, e.title, e.summary, e.practices, note_ids(e.cites), places(e.cites),
                     _url(page_of(c), e.id)) for c in kb.countries for e in c.examples], label="title"),
    Table("facts", "The 'relevant fact' boxes of the country profiles.", [
        ID, COUNTRY, Column("box", "string", "The box number in the source."),
        Column("title", "string", "The box title, as the source words it.", search=True),
        Column("summary", "string", "What the box says, in the editors' words.", search=True),
        PRACTICES, FOOTNOTES, PLACES, Column("url", "string", "Its place on the site.")],
        lambda kb: [(f.id, c.id, f.box, f.title, f.summary, f.practices, note_ids(f.cites), places(f.cites),
                     _url(page_of(c), f.id)) for c in kb.countries for f in c.facts], label="title"),
    Table("quotes", "Quotes, word for word, with their speakers.", [
        ID, Column("country", "string", "The country profile it belongs to (empty for a practice or the introduction).",
                   references="countries"),
        Column("page", "string", "The page it is on."),
        Column("speaker", "string", "Who said it, named as the source names them.", search=True),
        Column("role", "string", "The speaker's role, as given."), Column("organization", "string", "Their organization."),
        Column("boxed", "boolean", "true for a boxed quote, false for one in the running text."),
        Column("box", "string", "The box number."), PRACTICES,
        Column("text", "string", "The quote, verbatim.", search=True), FOOTNOTES, PLACES,
        Column("url", "string", "Its place on the site.")],
        lambda kb: [(q.id, owner.id if isinstance(owner, Country) else None, page_of(owner), q.speaker, q.role,
                     q.organization, q.boxed, q.box, q.practices, q.text, note_ids(q.cites), places(q.cites),
                     _url(page_of(owner), q.id)) for owner, q in kb.all_quotes()], label="speaker"),
    Table("footnotes", "The numbered notes (footnotes) of every source, with their citation text verbatim.", [
        Column("id", "string", "The note's id: the source's id and the note's number."),
        Column("source", "string", "The source it belongs to.", references="sources"),
        Column("number", "integer", "Its number in the source."),
        Column("text", "string", "The citation text, verbatim (empty where the extracted text omits it).", search=True),
        Column("url", "string", "The web address in the citation text."),
        Column("ibid_of", "string", "For an 'ibid.' note, the note it repeats.", references="footnotes"),
        NOTE, Column("cited_in", "list", "The places on the site that cite it.")],
        lambda kb: [(note_id(src, n), src, n, f.text, f.url, f.ibid_of and note_id(src, f.ibid_of), f.note,
                     [_url(c.page, c.anchor) for c in kb.citations.get((src, n), [])])
                    for (src, n), f in sorted(kb.notes.items())], label="id"),
    Table("organizations", "Ministries, agencies, NGOs and international bodies, and their role in each country.", [
        ID, COUNTRY, Column("name", "string", "Its name, as the source gives it.", search=True),
        Column("abbreviation", "string", "Its abbreviation."),
        Column("aliases", "list", "Other names or spellings the source prints for it.", search=True),
        Column("kind", "string", "government, agency, ngo, international, research, religious, media, other."),
        Column("role", "string", "What it does there, in the editors' words.", search=True), PRACTICES, FOOTNOTES, PLACES],
        lambda kb: [(f"{c.id}-organization-{i + 1}", c.id, o.name, o.abbreviation, o.aliases, o.kind, o.role, o.practices,
                     note_ids(o.cites), places(o.cites)) for c in kb.countries for i, o in enumerate(c.organizations)],
        label="name"),
    Table("lessons", "The lessons learned.", [
        ID, Column("number", "integer", "Its order among the lessons."),
        Column("title", "string", "A short title in the editors' words.", search=True),
        Column("text", "string", "The lesson in the editors' words.", search=True), PRACTICES,
        Column("countries", "list", "The countries whose experience it reflects.", references="countries")],
        lambda kb: [(l.id, l.number, l.title, l.text, l.practices, l.countries) for l in kb.lessons], label="title"),
]
BY_NAME = {t.name: t for t in TABLES}


def singular(name: str) -> str:
    return name[:-3] + "y" if name.endswith("ies") else name.removesuffix("s")


def link_table_name(table: Table, column: Column) -> str:
    """The many-to-many table of a list column: examples.practices -> example_practices."""
    return f"{singular(table.name)}_{column.name}"
