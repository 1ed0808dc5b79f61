#!/usr/bin/env python3
"""One-off migration (issue 11): the compendium becomes the first record of sources/.

Mechanical, no content change: each record's `footnotes:` list moves, item by item and
line by line, into sources/compendium.yaml as that source's `notes:` (`footnote: N`
becomes `number: N`); each record says what it is `based_on` (a country's `section: VI`
becomes `based_on: [{source: compendium, section: VI, complete: true}]`).
Check afterwards with --compare BEFORE_KB_JSON AFTER_KB_JSON: the same texts, before and after.
"""

import hashlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXT = ROOT.parent / "shared" / "compendium" / "compendium.txt"

SECTIONS = [  # (section, title, first line, last line) in compendium.txt
    ("I", "Introduction", 1, 144), ("II", "Overview of Promising Practices", 145, 533),
    ("III", "Germany", 534, 1071), ("IV", "Kazakhstan", 1072, 1441), ("V", "Kosovo", 1442, 1789),
    ("VI", "Kyrgyzstan", 1790, 2091), ("VII", "The Netherlands", 2092, 2258), ("VIII", "Tajikistan", 2259, 2482),
    ("IX", "Uzbekistan", 2483, 2737), ("X", "Conclusion: Lessons Learned", 2738, 2828),
]
BASED_ON = {"practices": ["II"], "lessons": ["X"], "introduction": ["I", "II"], "glossary": [None]}


def based_on_block(sections, complete=False) -> str:
    lines = ["based_on:"]
    for section in sections:
        lines.append("  - source: compendium")
        if section:
            lines.append(f"    section: {section}")
        if complete:
            lines.append("    complete: true")
    return "\n".join(lines) + "\n"


def migrate(root: Path = ROOT, with_text: bool = True) -> None:
    notes: dict[int, str] = {}
    for folder in ("practices", "countries", "introduction", "lessons", "glossary"):
        for path in sorted((root / folder).glob("*.yaml")):
            text = path.read_text(encoding="utf-8")
            head, sep, block = text.partition("\nfootnotes:\n")
            if sep:
                assert not re.search(r"^\S", block, re.M), f"{path}: footnotes: is not the last field"
                for item in re.split(r"(?m)^(?=  - )", block):
                    if item.strip():
                        number = int(re.match(r"  - footnote: (\d+)\n", item).group(1))
                        notes[number] = item.replace("  - footnote:", "  - number:", 1).rstrip("\n") + "\n"
                text = head.rstrip("\n") + "\n"
            if folder == "countries":
                text, n = re.subn(r"(?m)^section: (\S+)\n", lambda m: based_on_block([m.group(1)], complete=True), text)
                assert n == 1, path
            else:
                anchor = re.search(r"(?m)^title: .*\n", text)
                text = text[: anchor.end()] + based_on_block(BASED_ON[folder]) + text[anchor.end():]
            path.write_text(text, encoding="utf-8")

    digest = hashlib.sha256(TEXT.read_bytes()).hexdigest() if with_text else ""
    sections = "".join(f"  - section: {s}\n    title: {t}\n    first_line: {a}\n    last_line: {b}\n" for s, t, a, b in SECTIONS)
    source = f"""# yaml-language-server: $schema=../schema/source.schema.json
id: compendium
type: report
title: >-
  Compendium of promising practices on the repatriation, rehabilitation and reintegration of women
  and children from Syria and Iraq
short_title: Compendium
author:
  - literal: Bulan Institute for Peace Innovations
publisher: Bulan Institute for Peace Innovations
issued: null
url: null
language: en
licence: null
note: >-
  The extracted text does not include the title page: it states neither the year, the place nor the
  web address of publication, so they are left empty rather than guessed; the title is the one this
  knowledge base has cited the compendium by since its first release. The institute calls the
  document "this compendium of promising practices" (section I).
text:
  file: compendium.txt
  sha256: {digest}
sections:
{sections}boxes:
  examples: "RELEVANT PRACTICES?:"
  facts: "RELEVANT FACT:"
  quotes: '(?m)^Box \\d+\\.\\d+\\.'
# The Germany section names one returnee woman with her initial and age: never in a record.
do_not_publish: [Zuhal, 31-year-old, 31 year old, aged 31]
notes:
""" + "".join(notes[n] for n in sorted(notes))
    if not with_text:  # a fixture: no text to check against, no sections to count
        source = source[: source.index("text:\n")] + source[source.index("# The Germany"):]
    (root / "sources").mkdir(exist_ok=True)
    (root / "sources" / "compendium.yaml").write_text(source, encoding="utf-8")
    print(f"moved {len(notes)} notes into sources/compendium.yaml")


def texts(value, out: Counter) -> Counter:
    """Every string in a JSON document (the record texts), counted."""
    if isinstance(value, str):
        out[value] += 1
    elif isinstance(value, list):
        for item in value:
            texts(item, out)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in ("id", "source", "section", "type", "file", "sha256"):
                texts(item, out)
    return out


def compare(before: Path, after: Path) -> int:
    old, new = json.loads(before.read_text()), json.loads(after.read_text())
    old.pop("footnotes")  # every footnote is also inside its record (now: inside its source)
    new.pop("footnotes", None)
    lost = texts(old, Counter()) - texts(new, Counter())
    for text, count in lost.items():
        print(f"lost ({count}x): {text[:100]!r}")
    print("same texts before and after" if not lost else f"{len(lost)} texts lost")
    return 1 if lost else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--compare"]:
        sys.exit(compare(Path(sys.argv[2]), Path(sys.argv[3])))
    if sys.argv[1:2] == ["--fixture"]:
        migrate(Path(sys.argv[2]), with_text=False)
    else:
        migrate()
