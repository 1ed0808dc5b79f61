"""Every box of each country section is in its profile: nothing the section boxes is missing.

The compendium frames its key content in numbered boxes: "RELEVANT PRACTICE" boxes
(practice examples), "RELEVANT FACT" boxes (facts) and "Box 2.N." quotes. Counting
them in each section's text and in each record catches a profile that skipped one.
"""

import re

import pytest

from knowledge_base.fidelity import Compendium

COMPENDIUM = Compendium()

# First line of each country section in the extracted text. Germany's section has
# no heading of its own in the extraction (its first line is " General Context").
SECTION_STARTS = {"germany": 534, "kazakhstan": 1072, "kosovo": 1442, "kyrgyzstan": 1790,
                  "netherlands": 2092, "tajikistan": 2259, "uzbekistan": 2483}
LESSONS_START = 2738


def section_text(country_id: str) -> str:
    lines = COMPENDIUM.text.splitlines()
    starts = sorted(SECTION_STARTS.values()) + [LESSONS_START]
    start = SECTION_STARTS[country_id]
    end = starts[starts.index(start) + 1]
    return "\n".join(lines[start - 1:end - 1])


def test_section_starts_match_the_compendium():
    lines = COMPENDIUM.text.splitlines()
    assert lines[SECTION_STARTS["germany"] - 1].strip() == "General Context"
    for country_id, start in SECTION_STARTS.items():
        if country_id != "germany":
            assert country_id.replace("netherlands", "the netherlands") in lines[start - 1].lower()
    assert "lessons learned" in lines[LESSONS_START - 1].lower()


BOXES = {
    "examples": (r"RELEVANT PRACTICES?:", "a 'RELEVANT PRACTICE' box: add it under examples:"),
    "facts": (r"RELEVANT FACT:", "a 'RELEVANT FACT' box: add it under facts:"),
    "boxed quotes": (r"(?m)^Box \d+\.\d+\.", "a boxed quote: add it under quotes: with boxed: true"),
}


@pytest.mark.parametrize("what", BOXES)
@pytest.mark.parametrize("country_id", SECTION_STARTS)
def test_every_box_of_the_section_is_recorded(real, country_id, what):
    country = real.kb.country(country_id)
    pattern, fix = BOXES[what]
    in_compendium = len(re.findall(pattern, section_text(country_id)))
    recorded = {"examples": len(country.examples), "facts": len(country.facts),
                "boxed quotes": sum(q.boxed for q in country.quotes)}[what]
    assert recorded == in_compendium, (
        f"countries/{country_id}.yaml: the section has {in_compendium} {what}, the record {recorded}; "
        f"each is {fix}")


def test_every_boxed_quote_says_who_speaks(real):
    # An unnamed practitioner keeps the role the compendium gives them.
    silent = [f"countries/{c.id}.yaml: {q.id}" for c in real.kb.countries for q in c.quotes
              if q.boxed and not (q.speaker or q.role or q.organization)]
    assert not silent, f"boxed quotes with no speaker, role or organization: {silent}"
