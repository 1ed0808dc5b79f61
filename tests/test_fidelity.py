"""Quotes and footnote texts are the compendium's own words; no returnee is identifiable."""

import re

import pytest

from knowledge_base.fidelity import Compendium, canonical
from knowledge_base.link import walk
from knowledge_base.models import Footnote, Quote

COMPENDIUM = Compendium()


def _items(real, cls, field):
    for vr in real.records:
        for path, name, value, owner in walk(vr.record):
            if isinstance(owner, cls) and name == field and value:
                line, _ = vr.source_map.locate(path)
                yield f"{vr.path}:{line}", value


def test_every_quote_is_verbatim(real):
    quotes = list(_items(real, Quote, "text"))
    assert quotes, "the knowledge base has no quotes"
    altered = [f"{where}: quote not found in the compendium: {text[:80]!r}" for where, text in quotes
               if not COMPENDIUM.contains(text)]
    assert not altered, "\n".join(altered) + "\nCopy the quote exactly; only mend words broken by the PDF."


def test_every_footnote_text_is_verbatim(real):
    texts = list(_items(real, Footnote, "text"))
    altered = [f"{where}: footnote text not found in the compendium: {text[:80]!r}" for where, text in texts
               if not COMPENDIUM.contains(text)]
    assert not altered, "\n".join(altered) + "\nCopy the footnote text exactly as the compendium prints it."


def test_every_footnote_number_of_the_compendium_is_recorded(real):
    used = {int(n) for n in re.findall(r"\[(\d+)\]", COMPENDIUM.text)}
    missing = sorted(used - set(real.kb.footnotes))
    assert not missing, f"footnotes used by the compendium but not recorded: {missing}"


def test_omitted_footnotes_say_so(real):
    defined = {int(n) for n in re.findall(r"(?m)^\s*\[(\d+)\]", COMPENDIUM.text)}
    for number, footnote in real.kb.footnotes.items():
        if number not in defined:
            assert footnote.text is None and footnote.note, (
                f"footnote {number}: the compendium's text omits it; record text: null and a note saying so")


def test_altered_quote_is_caught():
    original = "Biographical work is one of the central counselling blocks."
    assert COMPENDIUM.contains(original)
    assert not COMPENDIUM.contains(original.replace("central", "main"))
    assert COMPENDIUM.contains("Biographical work is one of the cen-\ntral counselling blocks.")


def test_canonical_forgives_only_pdf_artefacts():
    assert canonical("“multi-\nstakeholders”") == canonical('"multistakeholders"')
    assert canonical("word[45]") == canonical("word")
    assert canonical("a b") != canonical("a c")


# Strings that would identify an individual returnee. The Germany section names one
# returnee woman with her age and initial; she must stay unnamed here.
IDENTIFYING = ["Zuhal", "31-year-old", "31 year old", "aged 31"]


def test_no_record_identifies_a_returnee():
    from conftest import CONTENT_FOLDERS, ROOT

    found = []
    for folder in CONTENT_FOLDERS:
        for path in sorted((ROOT / folder).glob("*.yaml")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                for needle in IDENTIFYING:
                    if needle.lower() in line.lower():
                        found.append(f"{path.relative_to(ROOT)}:{number}: identifies a returnee ({needle!r}); "
                                     "describe the event without the person's name, initials or age")
    assert not found, "\n".join(found)


def test_do_no_harm_guard_catches_a_name(tmp_path, monkeypatch):
    import conftest

    (tmp_path / "countries").mkdir()
    (tmp_path / "countries" / "x.yaml").write_text("summary: Zuhal A. was repatriated\n", encoding="utf-8")
    monkeypatch.setattr(conftest, "ROOT", tmp_path)
    with pytest.raises(AssertionError, match="identifies a returnee"):
        test_no_record_identifies_a_returnee()
