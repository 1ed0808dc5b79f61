"""`python build.py from-issue FILE`: turn an issue form's answers into a record change.

GitHub renders an issue form's answers as Markdown, one `### Label` heading per field. The
labels are mapped back to the field ids of the forms in .github/ISSUE_TEMPLATE/, so a form can be
reworded without touching this code. Four forms are understood:

- "Propose a practice": a practice example, fact or quote, added to its country's list;
- "Propose a source": a new record in sources/;
- "Propose a country": a new record in countries/, its lists to be filled by later proposals;
- "Report a correction": the words the site shows, replaced by the corrected ones in the record.

The change is then checked like any other (`validate`); the workflow opens a pull request with it.
"""

from __future__ import annotations

import re
import typing
from pathlib import Path

import yaml

from .load import SCHEMA_LINE_PREFIX
from .models import SLUG_PATTERN, Source
from .pipeline import REPO_ROOT
from .scaffold import ScaffoldError, new_record_path
from .schema import SCHEMA_FILES

NO_RESPONSE = "_No response_"
KINDS = {"Practice example": ("examples", "example"), "Fact": ("facts", "fact"), "Quote": ("quotes", "quote")}
SOURCE_TYPES = typing.get_args(Source.model_fields["type"].annotation)


class IssueError(ValueError):
    """An issue whose answers cannot become a record: said in one line, exit 1."""


def forms() -> dict[str, tuple[str, dict[str, str]]]:
    """{form file name: (form name, {field label: field id})} for every issue form of the repository."""
    out = {}
    for path in sorted((REPO_ROOT / ".github" / "ISSUE_TEMPLATE").glob("*.yml")):
        form = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        out[path.name] = (form["name"], {item["attributes"]["label"]: item["id"]
                                         for item in form.get("body", []) if "id" in item})
    return out


def answers(body: str) -> tuple[str, dict[str, str | None]]:
    """The form an issue body was written with, and its answers by field id (None when left empty)."""
    sections = re.split(r"(?m)^### (.+)$", body.replace("\r\n", "\n"))
    by_label = {label.strip(): value.strip() for label, value in zip(sections[1::2], sections[2::2])}
    known = forms()
    for name, (_, fields) in known.items():
        if by_label and set(by_label) <= set(fields):
            return name, {fields[label]: (None if value in ("", NO_RESPONSE) else value)
                          for label, value in by_label.items()}
    names = ", ".join(repr(title) for title, _ in known.values())
    raise IssueError(f"this is not the text of one of the repository's issue forms ({names})")


def apply_issue(body: str, root: Path) -> Path:
    """Write the change an issue asks for into the records under `root`; returns the file changed."""
    form, fields = answers(body)
    write = {"report-a-correction.yml": _correct, "propose-a-source.yml": _new_source,
             "propose-a-country.yml": _new_country}.get(form, _propose)
    return write(fields, root)


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


class _Dumper(yaml.SafeDumper):
    """YAML as the records are written: lists indented under their field, long texts folded (`>-`)."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


_Dumper.add_representer(str, lambda dumper, text: dumper.represent_scalar(
    "tag:yaml.org,2002:str", text, style=">" if len(text) > 70 else None))


def _write_record(root: Path, kind: str, label: str, record: dict, tail: str = "") -> Path:
    """Write a new record of `kind` with its schema line; `label` names the form's id field in a refusal."""
    try:
        path, _ = new_record_path(root, kind, record["id"])
    except ScaffoldError as error:
        raise IssueError(f"'{label}': {error}") from None
    text = yaml.dump(record, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=92)  # lines end by ~100
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{SCHEMA_LINE_PREFIX}../schema/{SCHEMA_FILES[path.parent.name]}\n{text}{tail}", encoding="utf-8")
    return path


def _one_line(text: str | None) -> str | None:
    return " ".join(text.split()) if text else None


def _authors(text: str | None) -> list[dict]:
    """One per line: 'Family, Given' is a person, a line without a comma an institution."""
    names = []
    for line in (text or "").splitlines():
        line = line.strip().removeprefix("- ").strip()  # a Markdown list is fine too
        parts = [part.strip() for part in line.split(",")]
        if len(parts) == 2 and all(parts):
            names.append({"family": parts[0], "given": parts[1]})
        elif len(parts) == 1 and line:
            names.append({"literal": line})
        elif line:
            raise IssueError(f"'Authors': {line!r} is neither a person nor an institution: write a person as "
                             "'Family, Given' and an institution without commas, one per line")
    return names


def _new_source(fields: dict, root: Path) -> Path:
    if fields.get("type") not in SOURCE_TYPES:
        raise IssueError(f"'Type' must be one of {', '.join(SOURCE_TYPES)}")
    record = {"id": (fields.get("id") or "").strip(), "type": fields["type"]}
    for name in ("title", "short_title", "author", "publisher", "issued", "url"):
        value = _authors(fields.get(name)) if name == "author" else _one_line(fields.get(name))
        if value:  # what the form leaves empty stays out: nothing is guessed
            record[name] = value
    file, sha256 = _one_line(fields.get("text_file")), (fields.get("sha256") or "").split()
    if sha256 and not file:
        raise IssueError("'SHA-256 of the text file' is given but not the 'Text file name' it belongs to")
    tail = ""
    if file and sha256:  # `sha256sum FILE` prints the hash, then the file's name
        record["text"] = {"file": file, "sha256": sha256[0].lower()}
    elif file:  # for a maintainer to finish: a commented-out `text:` does not stop the pull request
        tail = (f"# Its text, to check quotes verbatim: write its SHA-256, then remove the '# ' in front of the lines.\n"
                f"# text:\n#   file: {file}\n#   sha256: the output of `sha256sum {file}`\n")
    if fields.get("note"):
        record["note"] = _one_line(fields["note"])
    return _write_record(root, "source", "Source id", record, tail)


def _new_country(fields: dict, root: Path) -> Path:
    based_on = {"source": (fields.get("source") or "").strip()}
    if fields.get("section"):
        based_on["section"] = fields["section"].strip()
    record = {"id": (fields.get("id") or "").strip(), "name": _one_line(fields.get("name")),
              "based_on": [based_on], "summary": _one_line(fields.get("summary"))}
    return _write_record(root, "country", "Country id", record)
