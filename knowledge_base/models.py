"""Pydantic models: the single source of truth for every record kind.

Each YAML file in practices/, countries/, introduction/ and lessons/ is one
record. The models forbid unknown fields and never coerce silently (strict
mode): `yes` is not a boolean and "12" is not a number. Cross-references are
written once, by id; the link stage derives the reverse links.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

# --- reusable field types -------------------------------------------------

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

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


PartialDate = Annotated[
    str,
    BeforeValidator(_date_to_text),
    Field(
        pattern=r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$",
        description="A date as precise as the compendium gives it: YYYY, YYYY-MM or YYYY-MM-DD.",
        examples=["2022-10-05", "2019-05", "2021"],
    ),
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

FootnoteNumber = Annotated[
    int, Field(ge=1, le=999_999, description="The compendium's own footnote number.", examples=[16])
]

Cites = Annotated[
    list[FootnoteNumber],
    Field(
        default_factory=list,
        description="Numbers of the compendium footnotes that back this item. Each must be defined "
        "once, in the `footnotes:` list of some record.",
        examples=[[16, 17]],
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
        description="Editor's note, e.g. where the compendium contradicts itself: say what each passage says.",
    ),
]


class Record(BaseModel):
    """Common configuration: unknown fields are errors; no silent type coercion."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=False)


# --- footnotes ------------------------------------------------------------


class Footnote(Record):
    """One footnote of the compendium, defined once in the knowledge base."""

    footnote: FootnoteNumber
    text: str | None = Field(
        description="The compendium's citation text, verbatim (PDF line breaks joined). "
        "null when the compendium's extracted text omits it (then `note` says so).",
        examples=["Sofia Koller, Prosecution of German Women Returning from Syria and Iraq, ibid."],
    )
    url: HttpUrl | None = Field(default=None, description="The web address in the citation text, if it has one.")
    ibid_of: FootnoteNumber | None = Field(
        default=None,
        description="For an 'ibid.' footnote: the number of the footnote it repeats.",
        examples=[19],
    )
    note: Note


# --- building blocks shared by several record kinds ----------------------


class Passage(Record):
    """A paragraph in the editors' own words, faithful to the compendium."""

    heading: str | None = Field(default=None, description="Optional sub-heading, as the compendium titles the passage.")
    text: Text = Field(description="A summary in your own words. No fact the compendium does not state.")
    cites: Cites


class Quote(Record):
    """A quotation, verbatim from the compendium."""

    id: Slug
    text: Text = Field(
        description="The compendium's words, verbatim. Only PDF artefacts (a hyphen or line break inside a word) may be mended."
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


class Figure(Record):
    """A number the compendium states, with its unit, date and footnotes."""

    label: Text = Field(description="What is counted, in plain words.", examples=["Kazakh citizens repatriated from Syria and Iraq"])
    metric: Literal[
        "left", "returned", "repatriated", "remaining", "convicted", "sentence", "share", "centres", "other"
    ] = Field(description="The kind of figure, used to compare countries.")
    group: Literal["all", "women", "children", "men", "minors", "orphans", "other"] = Field(
        default="all", description="Who is counted."
    )
    value: int | float = Field(description="The number as the compendium states it.", examples=[722])
    approximate: bool = Field(default=False, description="true when the compendium says 'about', 'over', 'more than', 'at least'…")
    qualifier: str | None = Field(
        default=None, description="The compendium's own qualifier, e.g. 'more than', 'at least', 'around'.", examples=["more than"]
    )
    unit: Literal["people", "percent", "months", "years", "centres", "countries", "other"] = Field(default="people")
    as_of: PartialDate | None = Field(default=None, description="The date the figure holds for, when the compendium gives one.")
    cites: Cites
    note: Note


class OperationCounts(Record):
    total: int | None = None
    women: int | None = None
    children: int | None = None
    men: int | None = None
    minors: int | None = None
    orphans: int | None = None


class Operation(Record):
    """One repatriation operation: a dated timeline entry."""

    id: Slug
    name: str | None = Field(default=None, description="The operation's name where it has one.", examples=["Zhusan-2"])
    date: PartialDate | None = Field(default=None, description="When it took place, as precisely as the compendium says.")
    date_text: str | None = Field(default=None, description="The date in the compendium's words when it is vague.")
    origin: str | None = Field(default=None, description="Where people were brought back from.", examples=["Syria"])
    summary: Text
    counts: OperationCounts = Field(default_factory=OperationCounts)
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
    box: str | None = None
    title: Text
    summary: Text
    practices: PracticeRefs
    cites: Cites
    note: Note


class Organization(Record):
    """A ministry, agency, NGO or international body involved."""

    name: Text
    abbreviation: str | None = Field(default=None, examples=["BAMF"])
    kind: Literal["government", "agency", "ngo", "international", "research", "religious", "media", "other"]
    role: Text = Field(description="What it does in this country, in your own words.")
    practices: PracticeRefs
    cites: Cites


class Challenge(Record):
    title: Text
    text: Text
    cites: Cites


class CountryMention(Record):
    """How section II cites a country as doing this practice."""

    country: Slug
    text: Text
    cites: Cites


# --- record kinds (one YAML file each) ------------------------------------


class Practice(Record):
    """One of the nine key practices of section II."""

    id: Slug
    number: int = Field(ge=1, le=99_999, description="The key practice's number in the compendium.", examples=[4])
    title: Text = Field(description="The title as the compendium words it.")
    summary: Text = Field(description="One or two sentences in your own words.")
    description: list[Passage] = Field(min_length=1, description="The practice in your own words, paragraph by paragraph.")
    key_elements: list[Text] = Field(min_length=1, description="The elements the compendium names for this practice.")
    mentions: list[CountryMention] = Field(default_factory=list, description="Countries section II cites for this practice.")
    quotes: list[Quote] = Field(default_factory=list)
    footnotes: list[Footnote] = Field(default_factory=list, description="Footnotes first cited by this record.")


class ApproachPart(Passage):
    topic: Literal["legal", "institutional", "prosecution", "amnesty", "rehabilitation", "reintegration", "media", "other"]


class Country(Record):
    """A country profile: one of sections III-IX of the compendium."""

    id: Slug
    name: Text
    section: Text = Field(description="The compendium section, as a Roman numeral.", examples=["IV"])
    summary: Text = Field(description="Two or three sentences in your own words.")
    context: list[Passage] = Field(default_factory=list, description="The general context, in your own words.")
    approach: list[ApproachPart] = Field(default_factory=list, description="The country's approach, by topic.")
    figures: list[Figure] = Field(default_factory=list)
    operations: list[Operation] = Field(default_factory=list)
    examples: list[PracticeExample] = Field(default_factory=list, description="The section's 'RELEVANT PRACTICE' boxes.")
    facts: list[Fact] = Field(default_factory=list, description="The section's 'RELEVANT FACT' boxes.")
    organizations: list[Organization] = Field(default_factory=list)
    challenges: list[Challenge] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    footnotes: list[Footnote] = Field(default_factory=list)


class Introduction(Record):
    """Section I: the global context."""

    id: Slug
    title: Text
    summary: Text
    context: list[Passage] = Field(min_length=1)
    practices_overview: list[Passage] = Field(
        default_factory=list,
        description="Section II's framing of the key practices, in your own words: how the research team "
        "identified them, what counts as a promising practice, and the section's closing summary.")
    figures: list[Figure] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    footnotes: list[Footnote] = Field(default_factory=list)


class Lesson(Record):
    """One lesson learned of section X."""

    id: Slug
    number: int = Field(ge=1, le=99_999, description="Order of the lesson in section X.")
    title: Text = Field(description="A short title in your own words.")
    text: Text = Field(description="The lesson in your own words.")
    practices: PracticeRefs
    countries: list[Slug] = Field(default_factory=list, description="Ids of the countries (files in countries/) it draws on.")


class Abbreviation(Record):
    abbreviation: Annotated[str, Field(pattern=r"^[A-Z][A-Za-z]{1,9}$", examples=["SDF"])]
    expansion: Annotated[str, Field(pattern=r"^[^<>\[\]*\\\n]+$")] = Field(
        description="The full name, as the compendium writes it (plain text: it becomes a tooltip).",
        examples=["Syrian Democratic Forces"])


class Glossary(Record):
    """The abbreviations the compendium uses; shown as tooltips wherever they occur on the site."""

    id: Slug
    title: Text
    entries: list[Abbreviation] = Field(min_length=1)


RECORD_KINDS: dict[str, type[Record]] = {
    "practices": Practice,
    "countries": Country,
    "introduction": Introduction,
    "lessons": Lesson,
    "glossary": Glossary,
}
"""Folder name -> model of the records it holds."""
