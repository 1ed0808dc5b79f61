"""`python build.py from-issue FILE`: turn an issue form's answers into a record change.

GitHub renders an issue form's answers as Markdown, one `### Label` heading per field. The
labels are mapped back to the field ids of the forms in .github/ISSUE_TEMPLATE/, so a form can be
reworded without touching this code. Two forms are understood:

- "Propose a practice": a practice example, fact or quote, added to its country's list;
- "Report a correction": the words the site shows, replaced by the corrected ones in the record.

The change is then checked like any other (`validate`); the workflow opens a pull request with it.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from .models import SLUG_PATTERN
from .pipeline import REPO_ROOT

NO_RESPONSE = "_No response_"
KINDS = {"Practice example": ("examples", "example"), "Fact": ("facts", "fact"), "Quote": ("quotes", "quote")}


class IssueError(ValueError):
    """An issue whose answers cannot become a record: said in one line, exit 1."""


def forms() -> dict[str, dict[str, str]]:
    """{form file name: {field label: field id}} for every issue form of the repository."""
    out = {}
    for path in sorted((REPO_ROOT / ".github" / "ISSUE_TEMPLATE").glob("*.yml")):
        form = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        out[path.name] = {item["attributes"]["label"]: item["id"] for item in form.get("body", []) if "id" in item}
    return out


def answers(body: str) -> tuple[str, dict[str, str | None]]:
    """The form an issue body was written with, and its answers by field id (None when left empty)."""
    sections = re.split(r"(?m)^### (.+)$", body.replace("\r\n", "\n"))
    by_label = {label.strip(): value.strip() for label, value in zip(sections[1::2], sections[2::2])}
    for name, fields in forms().items():
        if by_label and set(by_label) <= set(fields):
            return name, {fields[label]: (None if value in ("", NO_RESPONSE) else value)
                          for label, value in by_label.items()}
    raise IssueError("this is not the text of a 'Propose a practice' or 'Report a correction' issue form")


def apply_issue(body: str, root: Path) -> Path:
    """Write the change an issue asks for into the records under `root`; returns the file changed."""
    form, fields = answers(body)
    if form == "report-a-correction.yml":
        return _correct(fields, root)
    return _propose(fields, root)


def _slug(text: str, words: int = 6) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower())[:words])


CITES = "'Footnotes or pages'"  # the form's label, in messages
# A keyword says what the numbers after it are, until the next ';': footnote 36, 37; p. 12; section 2.2.
_LOCATOR = re.compile(r"(?:(?P<note>footnotes?|fns?\.?|notes?|nn?\.)|(?P<section>sections?|secs?\.?|§§?)"
                      r"|(?P<page>pages?|pp?\.?))?\s*(?P<value>.*)", re.I)
_DASH = r"\s*[-–]\s*"


def _cites(text: str, source: str | None, primary: str) -> list:
    """The citations an answer such as '157, 158', 'footnote 36; p. 12' or 'section 2.2' gives. Numbers
    without a keyword are footnotes; anything that could be read two ways is asked about, never guessed."""
    notes_of = source or primary
    cites: list = []
    for group in text.split(";"):
        kind = None
        for piece in filter(None, (p.strip() for p in re.split(r",|&|\band\b", group, flags=re.I))):
            match = _LOCATOR.fullmatch(piece)
            kind = next((k for k in ("note", "section", "page") if match.group(k)), kind)
            value = match.group("value")
            if kind in (None, "note") and (numbers := re.fullmatch(rf"(\d+)(?:{_DASH}(\d+))?", value)):
                first, last = int(numbers.group(1)), int(numbers.group(2) or numbers.group(1))
                if kind is None and numbers.group(2):
                    raise IssueError(f"{piece!r} in {CITES} is ambiguous: is it pages {value} or footnotes {first} to "
                                     f"{last}? write 'pp. {value}' or 'footnotes {value}'")
                if not first <= last <= first + 50:
                    raise IssueError(f"{piece!r} in {CITES} is not a range of footnotes: write each number")
                cites += [n if notes_of == primary else {"source": notes_of, "note": n} for n in range(first, last + 1)]
            elif kind == "section" and re.fullmatch(r"[\w.]+", value):
                cites.append({"source": notes_of, "section": value})
            elif kind == "page" and re.fullmatch(rf"[\w.]+(?:{_DASH}[\w.]+)?", value):
                cites.append({"source": notes_of, "page": re.sub(_DASH, "-", value)})
            elif re.fullmatch(r"\d+(?:\.\d+)+", value):  # 2.1: a section, a page, or footnotes 2 and 1?
                numbers = value.split(".")
                raise IssueError(f"{piece!r} in {CITES} is ambiguous: is it section {value}, page {value} or footnotes "
                                 f"{' and '.join(numbers)}? write 'section {value}', 'p. {value}' or "
                                 f"'footnotes {', '.join(numbers)}'")
            else:
                raise IssueError(f"{piece!r} in {CITES} is not understood: write footnote numbers (157, 158 or "
                                 "footnotes 36, 37), pages (p. 12, pp. 12-14) or sections (section 2.2)")
    if not cites:
        raise IssueError(f"{CITES} should be footnote numbers such as 157, 158, a page such as p. 12 or a section "
                         f"such as section 2.2, not {text!r}")
    return cites


def _propose(fields: dict, root: Path) -> Path:
    country = (fields.get("country") or "").strip().lower()
    path = root / "countries" / f"{country}.yaml"
    if not re.fullmatch(SLUG_PATTERN, country) or not path.exists():
        raise IssueError(f"no country {country!r}: give the file name of a record in countries/, e.g. kyrgyzstan")
    kind = fields.get("kind") or ""
    if kind not in KINDS:
        raise IssueError(f"'What to add' must be one of {', '.join(KINDS)}")
    key, word = KINDS[kind]
    text = path.read_text(encoding="utf-8")
    record = yaml.load(text, Loader=yaml.CSafeLoader)
    primary = record["based_on"][0]["source"]
    item: dict = {}
    if key == "quotes":
        if not fields.get("quote"):
            raise IssueError("a quote needs 'The quote, word for word'")
        item["text"] = " ".join(fields["quote"].split())
        for name in ("speaker", "role", "organization"):
            item[name] = fields.get(name)
        item["boxed"] = bool(fields.get("box"))
        name_for_id = f"{fields.get('speaker') or fields.get('organization') or ''} {item['text']}"
    else:
        if not (fields.get("title") and fields.get("summary")):
            raise IssueError(f"a {kind.lower()} needs a 'Title' and a 'Summary in your own words'")
        item["title"] = " ".join(fields["title"].split())
        item["summary"] = " ".join(fields["summary"].split())
        name_for_id = item["title"]
    if fields.get("box"):
        item["box"] = fields["box"].strip()
    item["practices"] = [p.strip() for p in (fields.get("practices") or "").split(",") if p.strip()]
    item["cites"] = _cites(fields.get("cites") or "", (fields.get("source") or "").strip() or None, primary)
    taken = set(re.findall(r"(?m)^\s*-?\s*id: (\S+)", text))
    base = f"{country}-{word}-{_slug(name_for_id)}"
    new_id = next(candidate for candidate in [base, *(f"{base}-{n}" for n in range(2, 100))] if candidate not in taken)
    entry = yaml.dump([{"id": new_id, **item}], Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False,
                      width=100, default_flow_style=None)
    entry = "".join(f"  {line}\n" for line in entry.splitlines())
    match = re.search(rf"(?m)^{key}:[ \t]*(\[\])?[ \t]*\n", text)
    if match:  # first in its list, right under `examples:` (an empty `facts: []` becomes a list)
        text = text[: match.start()] + f"{key}:\n" + entry + text[match.end():]
    else:
        text = text.rstrip("\n") + f"\n{key}:\n" + entry
    path.write_text(text, encoding="utf-8")
    return path


def _correct(fields: dict, root: Path) -> Path:
    record = (fields.get("record") or "").strip()
    path = (root / record).resolve()
    if not record or root.resolve() not in path.parents or path.suffix != ".yaml" or not path.is_file():
        raise IssueError(f"'Record file' must name a record, e.g. countries/kyrgyzstan.yaml, not {record!r}")
    shown, correct = fields.get("shown") or "", " ".join((fields.get("correct") or "").split())
    if not correct:
        raise IssueError("'What it should say' is empty")
    # The page shows a text on one line; the record may wrap it over several: match word by word.
    pattern = r"\s+".join(re.escape(word) for word in shown.split())
    text = path.read_text(encoding="utf-8")
    found = list(re.finditer(pattern, text)) if pattern else []
    if len(found) != 1:
        where = "is not" if not found else f"is {len(found)} times"
        raise IssueError(f"the words of 'What the site shows' {where} in {record}: copy them exactly from the page")
    path.write_text(text[: found[0].start()] + correct + text[found[0].end():], encoding="utf-8")
    return path
