"""Pydantic models: the single source of truth for every record kind.

Each YAML file in sources/, practices/, countries/, introduction/, lessons/
and glossary/ is one record. The models forbid unknown fields and never coerce
silently (strict mode): `yes` is not a boolean and "12" is not a number.
Cross-references are written once, by id; the link stage derives the reverse
links.

Every record says which source documents it is based on (`based_on`), and
every citation says which source and where in it: a plain number is a note of
the record's first source (the compendium's footnote numbers stay as short as
they were), `{source: ID, page: "12"}` points anywhere in any source.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import re
from typing import Union

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag,
                      model_validator)

# --- reusable field types -------------------------------------------------

PATTERN_MESSAGES: dict[str, str] = {}
"""Regular expression -> what it asks for, in plain words (validate shows these, never the regex)."""


def pattern(regex: str, message: str) -> str:
    PATTERN_MESSAGES[regex] = message
    return regex


SLUG_PATTERN = pattern(r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
                       "is not a slug (lower-case letters, digits and single hyphens, e.g. 'family-ties')")

Slug = Annotated[
    str,
    Field(
        pattern=SLUG_PATTERN,
        max_length=80,
        description="Lower-case slug: letters a-z, digits and single hyphens.",
        examples=["returnee-coordinators"],
    ),
]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty or only spaces")
    return value


Text = Annotated[str, Field(min_length=1), AfterValidator(_not_blank)]
"""Required text: a non-empty string (quote it if it looks like a date or a number)."""


def _date_to_text(value: object) -> object:
    # An unquoted YAML date (2022-10-05) arrives as a date: accept it here only.
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def _real_date(value: str) -> str:
    if len(value) == 10:  # YYYY-MM-DD: the pattern allows 31 in every month
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value} is not a day of the calendar (that month has fewer days)") from None
    return value


PartialDate = Annotated[
    str,
    BeforeValidator(_date_to_text),
    Field(
        pattern=pattern(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$",
                        "a date must look like 2019, 2019-05 or 2019-05-14"),
        description="A date as precise as the source gives it: YYYY, YYYY-MM or YYYY-MM-DD.",
        examples=["2022-10-05", "2019-05", "2021"],
    ),
    AfterValidator(_real_date),
]


def _http_url(value: str) -> str:
    if not (value.startswith("https://") or value.startswith("http://")):
        raise ValueError("must start with http:// or https:// (javascript:, data: and file: links are refused)")
    if any(c.isspace() for c in value):
        raise ValueError("must not contain spaces")
    return value


HttpUrl = Annotated[
    str,
    AfterValidator(_http_url),
    Field(description="A web address starting with http:// or https://.", examples=["https://www.unicef.org/"]),
]

NoteNumber = Annotated[
    int, Field(ge=1, le=999_999, description="A source's own note (footnote) number.", examples=[16])
]


def item_id(made_from: str, example: str):
    """The optional id of an item that has none of its own (a passage, a figure, ...): ids.py derives it when absent."""
    return Field(default=None, examples=[example], description=(
        f"Optional: a stable id, for its address on the site and its row in the downloads. Without one, it is made from "
        f"{made_from} ({example}), never from its place in the list. Give one when validate says two items would get "
        "the same, or to keep an address when you reword it."))


class Record(BaseModel):
    """Common configuration: unknown fields are errors; no silent type coercion."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=False)


class Locator(Record):
    """Where in a source an item rests: one of its numbered notes, a page or a section."""

    source: Slug = Field(description="The id of the source (a file in sources/).", examples=["compendium"])
    note: NoteNumber | None = Field(default=None, description="The number of one of the source's notes.")
    page: str | None = Field(default=None, description="A page or page range, as printed.", examples=["12", "12-14"])
    section: str | None = Field(default=None, description="A section of the source, as it numbers or titles it.",
                                examples=["VI", "3.2"])

    @model_validator(mode="after")
    def _points_somewhere(self):
        if self.note is None and not self.page and not self.section:
            raise ValueError("say where in the source: give its note, page or section")
        return self


def _cite_kind(value: object) -> str:
    return "cite:locator" if isinstance(value, (dict, Locator)) else "cite:number"


# Union tags contain a colon, which no field name has: validate drops them from error paths.
Cite = Annotated[
    Union[Annotated[NoteNumber, Tag("cite:number")], Annotated[Locator, Tag("cite:locator")]],
    Discriminator(_cite_kind),
]

Cites = Annotated[
    list[Cite],
    Field(
        default_factory=list,
        description="What backs this item. A number is a note of the record's first source (`based_on`), "
        "e.g. the compendium's footnote 16; anything else is written out as "
        "{source: ID, note: N} or {source: ID, page: \"12\"} or {source: ID, section: \"3.2\"}.",
        examples=[[16, 17], [{"source": "compendium", "note": 16}]],
    ),
]

PracticeRefs = Annotated[
    list[Slug],
    Field(
        default_factory=list,
        description="Ids of the key practices (files in practices/) this item illustrates.",
        examples=[["multi-stakeholder-coordination", "civil-society"]],
    ),
]

Note = Annotated[
    str | None,
    Field(
        default=None,
        description="Editor's note, e.g. where the source contradicts itself: say what each passage says.",
    ),
]


class BasedOn(Record):
    """A source document a record is based on, and which part of it."""

    source: Slug = Field(description="The id of the source (a file in sources/).", examples=["compendium"])
    section: str | None = Field(default=None, description="The section the record draws on, as the source numbers it.",
                                examples=["VI"])
    complete: bool = Field(
        default=False,
        description="true when the record covers every box of that section: validate then counts the section's "
        "boxes in the source's text and checks that none is missing.")


BasedOnList = Annotated[
    list[BasedOn],
    Field(min_length=1, description="The sources this record is based on; the first one is the source its "
          "plain-number citations refer to.", examples=[[{"source": "compendium", "section": "VI"}]]),
]


# --- sources --------------------------------------------------------------


class Footnote(Record):
    """One numbered note of a source, recorded once, in the source's file."""

    number: NoteNumber
    text: str | None = Field(
        description="The note's citation text, verbatim (PDF line breaks joined). "
        "null when the source's extracted text omits it (then `note` says so).",
        examples=["Sofia Koller, Prosecution of German Women Returning from Syria and Iraq, ibid."],
    )
    url: HttpUrl | None = Field(default=None, description="The web address in the citation text, if it has one.")
    ibid_of: NoteNumber | None = Field(
        default=None,
        description="For an 'ibid.' note: the number of the note it repeats.",
        examples=[19],
    )
    note: Note


class Name(Record):
    """A person (family and given names) or an institution (literal), as CSL writes names."""

    family: str | None = Field(default=None, description="A person's family name.", examples=["Koller"])
    given: str | None = Field(default=None, description="A person's given names.", examples=["Sofia"])
    literal: str | None = Field(default=None, description="An institution, or a name that has no family/given parts.",
                                examples=["Bulan Institute for Peace Innovations"])

    @model_validator(mode="after")
    def _named(self):
        if not (self.family or self.literal) or (self.family and self.literal):
            raise ValueError("give either `family` (and `given`) for a person or `literal` for an institution")
        return self


class SourceText(Record):
    """Where the source's text is found (outside the repository) and its fingerprint."""

    file: Annotated[str, Field(pattern=pattern(r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
                                               "a file name such as compendium.txt, without folders or spaces"))] = Field(
        description="The file's name, in a folder of ../shared/ beside the repository (../shared/sources/ for a new "
        "source) or of --sources DIR / KB_SOURCES_DIR.",
        examples=["compendium.txt"])
    sha256: Annotated[str, Field(pattern=pattern(r"^[0-9a-f]{64}$",
                                                 "a SHA-256 is 64 characters 0-9 and a-f: `sha256sum FILE` prints it"))] = Field(
        description="SHA-256 of the file's bytes, so that quotes are checked against the right version.")


class SourceSection(Record):
    """A section of the source's text, by its line numbers in the text file."""

    section: Annotated[str, Field(min_length=1, max_length=20)] = Field(
        description="The section's number or label, as the source gives it.", examples=["VI"])
    title: Text = Field(description="The section's title.", examples=["Kyrgyzstan"])
    first_line: int = Field(ge=1, description="First line of the section in the text file.")
    last_line: int = Field(ge=1, description="Last line of the section in the text file.")


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"is not a valid regular expression: {exc}") from None
    return value


Regex = Annotated[str, AfterValidator(_regex)]


class BoxMarkers(Record):
    """How the source's text marks its boxes (regular expressions), so that a section can be checked complete."""

    examples: Regex | None = Field(default=None, description="Marks a practice box.", examples=["RELEVANT PRACTICES?:"])
    facts: Regex | None = Field(default=None, description="Marks a fact box.", examples=["RELEVANT FACT:"])
    quotes: Regex | None = Field(default=None, description="Marks a boxed quote.", examples=[r"(?m)^Box \d+\.\d+\."])


class ProtectedDetail(Record):
    """A phrase that identifies a returnee, kept as a salted hash of its normal form (knowledge_base/protect.py)."""

    salt: Annotated[str, Field(pattern=pattern(r"^[0-9a-f]{16}$", "a salt is 16 characters 0-9 and a-f"))] = Field(
        description="Random, written by `python build.py protect`.")
    sha256: Annotated[str, Field(pattern=pattern(r"^[0-9a-f]{64}$", "a SHA-256 is 64 characters 0-9 and a-f"))] = Field(
        description="SHA-256 of the salt, a line break and the phrase's normal form.")
    length: int = Field(ge=1, le=200, description="The number of characters of the phrase's normal form.")


class Source(Record):
    """A source document: its bibliographic metadata (CSL), where its text is, and its numbered notes."""

    id: Slug
    type: Literal["report", "book", "chapter", "article-journal", "article-magazine", "article-newspaper",
                  "webpage", "interview", "speech", "legislation", "legal_case", "thesis", "dataset", "document"] = Field(
        description="The CSL type of the document.", examples=["report"])
    title: Text = Field(description="The title as the source gives it.")
    short_title: Text = Field(description="A short name, shown beside citations of this source.", examples=["Compendium"])
    author: list[Name] = Field(default_factory=list, description="Authors: persons or an institution.")
    publisher: str | None = Field(default=None, description="Who published it.", examples=["Bulan Institute for Peace Innovations"])
    publisher_place: str | None = Field(default=None, description="Where it was published.", examples=["Geneva"])
    issued: PartialDate | None = Field(default=None, description="When it was published, if the source says so.")
    url: HttpUrl | None = Field(default=None, description="Where it can be read online, if it says so.")
    doi: Annotated[str, Field(pattern=pattern(r"^10\.\d{4,9}/\S+$", "a DOI looks like 10.1234/abc-5 (without https://doi.org/)"))] | None = Field(
        default=None, description="Its DOI, if it has one.", examples=["10.1234/abc-5"])
    language: Annotated[str, Field(pattern=pattern(r"^[a-z]{2,3}(-[A-Z]{2})?$", "a language code such as en, ru or en-GB"))] | None = Field(
        default=None, description="The language it is written in.", examples=["en"])
    licence: str | None = Field(default=None, description="The licence, if the source states one.", examples=["CC BY 4.0"])
    text: SourceText | None = Field(
        default=None, description="Its text, used to check quotes and notes verbatim. `null` for a source that has "
        "none to check against, with a `note:` saying why; left out, validate says the source is unchecked.")
    sections: list[SourceSection] = Field(default_factory=list, description="Its sections, for `based_on` and completeness.")
    boxes: BoxMarkers | None = Field(default=None, description="How its text marks boxes.")
    method: Text | None = Field(
        default=None,
        description="How the source arrived at its findings (its kind of evidence), in your own words with its "
        "key terms in quotation marks; shown on the pages based on it.")
    do_not_publish: list[ProtectedDetail] = Field(
        default_factory=list,
        description="Details the source prints that identify an individual returnee (a name, an age), each as a salted "
        "hash, never in clear text: add one with `python build.py protect --source ID`. No record may contain them.")
    notes: list[Footnote] = Field(default_factory=list, description="Its numbered notes (footnotes), each once.")
    note: Note


# --- building blocks shared by several record kinds ----------------------


class Passage(Record):
    """A paragraph in the editors' own words, faithful to the compendium."""

    id: Slug | None = item_id("the record's id, its part and the first words of its text",
                                 "kazakhstan-context-the-government-of-kazakhstan-launched")
    heading: str | None = Field(default=None, description="Optional sub-heading, as the compendium titles the passage.")
    text: Text = Field(description="A summary in your own words. No fact the compendium does not state.")
    cites: Cites
    note: Note


class Quote(Record):
    """A quotation, verbatim from the compendium."""

    id: Slug
    text: Text = Field(
        description="The source's words, verbatim (checked against the text of the source it cites). Only PDF "
        "artefacts (a hyphen or line break inside a word) may be mended."
    )
    speaker: str | None = Field(
        default=None,
        description="Who said it, named as the compendium names them (null for an institution speaking as such).",
        examples=["Sofia Koller"],
    )
    role: str | None = Field(default=None, description="The speaker's role as the compendium gives it.", examples=["Senior Research Analyst"])
    organization: str | None = Field(
        default=None, description="The speaker's organization as the compendium gives it.", examples=["Counter Extremism Project"]
    )
    boxed: bool = Field(
        description="true for a boxed quote (the compendium's 'Box N.N.'); false for a quote in the running text."
    )
    box: str | None = Field(default=None, description="The box label, e.g. '2.1'.", examples=["2.1"])
    practices: PracticeRefs
    cites: Cites
    note: Note

    @property
    def attribution(self) -> str:
        """Whom the quote is given to, in a title: the speaker, else the institution, else the role
        (the source may name only "a Kazakh Deputy Foreign Minister")."""
        return self.speaker or self.organization or self.role or "Unattributed"


class Figure(Record):
    """A number the source states, with its unit, date and footnotes."""

    id: Slug | None = item_id("the record's id and the first words of its label",
                                 "kazakhstan-figure-kazakh-citizens-repatriated-from-syria-and-iraq")
    label: Text = Field(description="What is counted, in plain words.", examples=["Kazakh citizens repatriated from Syria and Iraq"])
    metric: Literal[
        "left", "returned", "repatriated", "remaining", "convicted", "sentence", "share", "centres", "other"
    ] = Field(description="The kind of figure, used to compare countries: `repatriated` for people brought back by "
              "the state, `returned` for people who came back by other ways (or when the source does not say).")
    group: Literal["all", "women", "children", "women_and_children", "men", "minors", "orphans", "other"] = Field(
        default="all", description="Who is counted: `all` for everyone, `women_and_children` when the source counts "
        "women and children together (\"530 women and children\").")
    value: int | float = Field(description="The number as the source states it (the lower end of a range).", examples=[722])
    value_max: int | float | None = Field(
        default=None, description="For a range (\"three to six months\"), its upper end; `value` is the lower.",
        examples=[6])
    bound: Literal["exact", "lower", "upper"] = Field(
        default="exact", description="`lower` when the value is a minimum (\"more than 800\", \"at least 7\"), `upper` "
        "when it is a maximum (\"up to six months\", \"within six months\").")
    approximate: bool = Field(default=False, description="true when the source says 'about', 'around', 'nearly'…")
    qualifier: str | None = Field(
        default=None, description="The source's own words for the bound or approximation, e.g. 'more than', 'around'.",
        examples=["more than"]
    )
    unit: Literal["people", "percent", "hours", "days", "months", "years", "money", "centres", "countries", "other"] = Field(
        default="people", description="What the number counts in; `money` with a `currency`, `other` with a `unit_name`.")
    currency: Annotated[str, Field(pattern=pattern(r"^[A-Z]{3}$", "a currency code of three capitals, e.g. USD or KZT"))] | None = Field(
        default=None, description="For money: the ISO 4217 code of the currency.", examples=["KZT"])
    unit_name: str | None = Field(
        default=None, description="For `other`: what is counted, in the plural (\"phases\", \"psychologists\").",
        examples=["phases"])
    total: bool = Field(
        default=False, description="true when the figure is the country's total for its metric and group, as the "
        "source states it: the charts and the key facts compare these.")
    area: str | None = Field(
        default=None, description="Where it counts, when not the country itself (e.g. Europe): never charted as the "
        "country's.", examples=["Europe"])
    as_of: PartialDate | None = Field(default=None, description="The date the figure holds for, when the source gives one.")
    cites: Cites
    note: Note

    @model_validator(mode="after")
    def _units_say_what(self):
        if self.unit == "money" and not self.currency:
            raise ValueError("a figure in money needs its `currency` (e.g. USD, KZT)")
        if self.unit == "other" and not self.unit_name:
            raise ValueError("a figure in `other` units needs a `unit_name` saying what it counts (e.g. phases)")
        if self.value_max is not None and self.value_max <= self.value:
            raise ValueError("`value_max` is the upper end of a range: it must be larger than `value`")
        return self


class OperationCounts(Record):
    """How many people an operation brought back, as the source counts them."""

    total: int | None = Field(default=None, description="Everyone brought back.")
    women: int | None = Field(default=None, description="Women brought back.")
    children: int | None = Field(default=None, description="Children brought back.")
    men: int | None = Field(default=None, description="Men brought back.")
    minors: int | None = Field(default=None, description="Minors brought back, where the source says minors.")
    orphans: int | None = Field(default=None, description="Orphans brought back.")


class Operation(Record):
    """One repatriation operation: a dated timeline entry."""

    id: Slug
    name: str | None = Field(default=None, description="The operation's name where it has one.", examples=["Zhusan-2"])
    date: PartialDate | None = Field(default=None, description="When it took place, as precisely as the compendium says.")
    date_text: str | None = Field(default=None, description="The date in the compendium's words when it is vague.")
    origin: str | None = Field(default=None, description="Where people were brought back from.", examples=["Syria"])
    summary: Text = Field(description="What happened, in your own words.")
    counts: OperationCounts = Field(default_factory=OperationCounts, description="How many people it brought back.")
    cites: Cites
    note: Note


class PracticeExample(Record):
    """A 'RELEVANT PRACTICE' box of a country section."""

    id: Slug
    box: str | None = Field(default=None, description="The box number in the compendium.", examples=["1.1"])
    title: Text = Field(description="The box title as the compendium words it (sentence case).")
    summary: Text = Field(description="What the box says, in your own words.")
    practices: PracticeRefs
    cites: Cites
    note: Note


class Fact(Record):
    """A 'RELEVANT FACT' box of a country section."""

    id: Slug
    box: str | None = Field(default=None, description="The box number in the source.", examples=["2.1"])
    title: Text = Field(description="The box title as the source words it (sentence case).")
    summary: Text = Field(description="What the box says, in your own words.")
    practices: PracticeRefs
    cites: Cites
    note: Note


class Organization(Record):
    """A ministry, agency, NGO or international body involved."""

    id: Slug | None = item_id("the country's id and its abbreviation, or else its name", "germany-organization-bamf")
    name: Text = Field(description="Its name, as the source gives it.", examples=["Federal Office for Migration and Refugees"])
    abbreviation: str | None = Field(default=None, description="Its abbreviation, as the source gives it.", examples=["BAMF"])
    aliases: list[Text] = Field(
        default_factory=list,
        description="Other names or spellings the source prints for it, misprints included, each exactly as printed "
        "(validate finds each in the source's text); `note` says where and why they are one body.",
        examples=[["AVID"]])
    kind: Literal["government", "agency", "ngo", "international", "research", "religious", "media", "other"] = Field(
        description="What kind of body it is.")
    role: Text = Field(description="What it does in this country, in your own words.")
    practices: PracticeRefs
    cites: Cites
    note: Note


class Challenge(Record):
    """A challenge the source names for a country."""

    id: Slug | None = item_id("the country's id and the first words of its title", "kosovo-challenge-stigma")
    title: Text = Field(description="A short title for the challenge.")
    text: Text = Field(description="The challenge, in your own words.")
    cites: Cites
    note: Note


class CountryMention(Record):
    """How section II cites a country as doing this practice."""

    id: Slug | None = item_id("the practice's id and the country's", "family-ties-in-kosovo")
    country: Slug = Field(description="The id of the country (a file in countries/).")
    text: Text = Field(description="What the overview says the country does, in your own words.")
    cites: Cites
    note: Note


# --- record kinds (one YAML file each) ------------------------------------


class Practice(Record):
    """One of the nine key practices of section II."""

    id: Slug
    number: int = Field(ge=1, le=99_999, description="The key practice's number in the compendium.", examples=[4])
    title: Text = Field(description="The title as the compendium words it.")
    summary: Text = Field(description="One or two sentences in your own words.")
    based_on: BasedOnList
    description: list[Passage] = Field(min_length=1, description="The practice in your own words, paragraph by paragraph.")
    key_elements: list[Text] = Field(min_length=1, description="The elements the compendium names for this practice.")
    mentions: list[CountryMention] = Field(default_factory=list, description="Countries section II cites for this practice.")
    quotes: list[Quote] = Field(default_factory=list, description="Quotes the source gives for this practice.")


class ApproachPart(Passage):
    topic: Literal["legal", "institutional", "prosecution", "amnesty", "rehabilitation", "reintegration", "media", "other"] = Field(
        description="What part of the approach the passage is about.")


class Country(Record):
    """A country profile (the compendium's sections III-IX are the first)."""

    id: Slug
    name: Text = Field(description="The country's name.", examples=["Kyrgyzstan"])
    based_on: BasedOnList
    summary: Text = Field(description="Two or three sentences in your own words.")
    context: list[Passage] = Field(default_factory=list, description="The general context, in your own words.")
    approach: list[ApproachPart] = Field(default_factory=list, description="The country's approach, by topic.")
    figures: list[Figure] = Field(default_factory=list, description="Numbers the source states, each cited.")
    operations: list[Operation] = Field(default_factory=list, description="Repatriation operations, dated.")
    examples: list[PracticeExample] = Field(default_factory=list, description="The section's 'RELEVANT PRACTICE' boxes.")
    facts: list[Fact] = Field(default_factory=list, description="The section's 'RELEVANT FACT' boxes.")
    organizations: list[Organization] = Field(default_factory=list, description="Bodies involved, and their roles.")
    challenges: list[Challenge] = Field(default_factory=list, description="The challenges the source names.")
    quotes: list[Quote] = Field(default_factory=list, description="Quotes, verbatim.")


class Introduction(Record):
    """Section I: the global context."""

    id: Slug
    title: Text = Field(description="The section's title.")
    based_on: BasedOnList
    summary: Text = Field(description="Two or three sentences in your own words.")
    context: list[Passage] = Field(min_length=1, description="The global context, in your own words.")
    practices_overview: list[Passage] = Field(
        default_factory=list,
        description="Section II's framing of the key practices, in your own words: how the research team "
        "identified them, what counts as a promising practice, and the section's closing summary.")
    lessons_overview: list[Passage] = Field(
        default_factory=list,
        description="The opening of the lessons learned (the compendium's section X), in your own words: "
        "where the lessons come from and what they are for. Shown at the top of the Lessons page.")
    figures: list[Figure] = Field(default_factory=list, description="Numbers the source states, each cited.")
    quotes: list[Quote] = Field(default_factory=list, description="Quotes, verbatim.")


class Lesson(Record):
    """One lesson learned of section X."""

    id: Slug
    number: int = Field(ge=1, le=99_999, description="Order of the lesson in section X.")
    title: Text = Field(description="A short title in your own words.")
    based_on: BasedOnList
    text: Text = Field(description="The lesson in your own words.")
    practices: PracticeRefs
    countries: list[Slug] = Field(default_factory=list, description="Ids of the countries (files in countries/) it draws on.")


class Abbreviation(Record):
    abbreviation: Annotated[str, Field(pattern=pattern(r"^[A-Z][A-Za-z]{1,9}$",
                                                       "an abbreviation is 2 to 10 letters, starting with a capital (e.g. SDF)"),
                                       description="The abbreviation, as the source writes it.", examples=["SDF"])]
    expansion: Annotated[str, Field(pattern=pattern(r"^[^<>\[\]*\\\n]+$",
                                                    "plain text on one line, without < > [ ] * or backslashes"))] = Field(
        description="The full name, as the compendium writes it (plain text: it becomes a tooltip).",
        examples=["Syrian Democratic Forces"])


class Glossary(Record):
    """The abbreviations the compendium uses; shown as tooltips wherever they occur on the site."""

    id: Slug
    title: Text = Field(description="The glossary's title.")
    based_on: BasedOnList
    entries: list[Abbreviation] = Field(min_length=1, description="The abbreviations and what they stand for.")


RECORD_KINDS: dict[str, type[Record]] = {
    "sources": Source,
    "practices": Practice,
    "countries": Country,
    "introduction": Introduction,
    "lessons": Lesson,
    "glossary": Glossary,
}
"""Folder name -> model of the records it holds."""
