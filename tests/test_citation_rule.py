"""A citation closes its sentence (knowledge_base/closing.py): a number an item states stands in a
sentence that one of its cited notes' markers closes. Generic tests run on both knowledge bases and
derive their cases from the loaded records and their source texts."""

import re
import shutil

import pytest
from helpers import ROOT, assert_no_traceback, line_of, run_cli

from knowledge_base.closing import MarkedText, cited_items, marked_text, numbers, stated
from knowledge_base.fidelity import SourceDocument
from knowledge_base.models import Figure, Locator
from knowledge_base.rules import _document
from knowledge_base.source_texts import find_text, sources_dirs


def test_numbers_are_read_as_digits_and_pointers_are_not_numbers():
    assert numbers("2,400 EUR for twenty-nine women over six months, one and a half years") == {"2400", "29", "6", "1.5"}
    assert numbers("Box 2.5, footnotes 88-89, l. 1293 and section 3, after Zhusan-2 and one of them") == set()
    assert numbers("under Article 105 of the Criminal Code") == set()
    assert numbers("In 2019, 3.50 percent") == {"2019", "3.5"}
    assert numbers("over one hundred, a hundred or two hundred; several hundred, hundreds") == {"100", "200"}


def test_note_texts_are_no_part_of_a_sentence_and_wrapped_markers_are(tmp_path):
    text = tmp_path / "text.txt"
    text.write_text(
        "In 2019 the office opened 12 centres.[1] It hired 40 staff. The budget was 900 EUR.\n"
        "[2] Then 7 families came.\n"
        "\n"
        "[1] Annual report, 1999, p. 4.\n"
        "[2] Interview, 1998.\n"
        " A paragraph after the notes, with 5 more.[3]\n"
        "\n"
        "Notes\n"
        "[3] Letter of 1997.\n", encoding="utf-8")
    marked = MarkedText(SourceDocument(text))
    [first] = marked.closed_by(1)
    assert numbers(first.text) == {"2019", "12"} and first.line == 1
    # [2] closes the sentence before it, though the PDF wrapped the marker to the start of a line
    [second] = marked.closed_by(2)
    assert numbers(second.text) == {"900"}
    [third] = marked.closed_by(3)
    assert numbers(third.text) == {"5"} and third.line == 6
    held = set().union(*(numbers(s.text) for s in marked.sentences))
    assert not held & {"1999", "1998", "1997"}, "a note's own text was read as a sentence of the running text"
    assert "40" in held and not any("40" in numbers(s.text) for n in (1, 2, 3) for s in marked.closed_by(n))


def test_a_pages_notes_before_their_markers_are_no_part_of_a_sentence(tmp_path):
    # The compendium's extract puts some pages' notes before their markers, the first one indented (l. 1532).
    text = tmp_path / "text.txt"
    text.write_text(
        "The team met 20 people in 2020.\n"
        " [5] Interview, August 4, 1996.\n"
        "[6] Report, 1995.\n"
        "They came back in 2021.[5] And 30 stayed.[6]\n", encoding="utf-8")
    marked = MarkedText(SourceDocument(text))
    assert [numbers(s.text) for s in marked.closed_by(5)] == [{"2021"}]
    assert [numbers(s.text) for s in marked.closed_by(6)] == [{"30"}]
    assert not set().union(*(numbers(s.text) for s in marked.sentences)) & {"4", "1996", "1995"}


def _texts(result) -> dict:
    """Each source's text that is at hand (as validate finds it)."""
    found = {}
    for source in result.kb.sources.values():
        path = source.text and find_text(source.text.file, sources_dirs())
        if path:
            found[source.id] = _document(path)
    return found


def _cited_figures(result, texts):
    """(record, path, figure, source, note) for each figure citing one note of a source whose text is at hand."""
    for vr in result.records:
        for path, item in cited_items(vr.record):
            if isinstance(item, Figure) and len(item.cites) == 1 and isinstance(item.cites[0], Locator):
                loc = item.cites[0]
                if loc.note is not None and loc.source in texts:
                    yield vr, path, item, loc.source, loc.note


def test_the_rule_is_not_empty_every_cited_figure_is_found_in_its_sentence(loaded):
    texts = _texts(loaded)
    figures = list(_cited_figures(loaded, texts))
    if not figures:
        pytest.skip("no figure of this knowledge base cites a note of a source whose text is at hand")
    for vr, path, figure, source, note in figures:
        sentences = marked_text(texts[source]).closed_by(note)
        held = set().union(*(numbers(s.text) for s in sentences))
        [value] = [number for name, number, _ in stated(figure) if name == "value"]
        assert value in held or value in {"0", "1"}, f"{vr.path} {path}: {value} not in the sentences [{note}] closes"


def test_a_figure_citing_a_marker_that_closes_another_sentence_is_refused(kb_root, loaded, tmp_path):
    texts = _texts(loaded)
    for vr, path, figure, source, note in _cited_figures(loaded, texts):
        [value] = [number for name, number, _ in stated(figure) if name == "value"]
        if value in {"0", "1"}:
            continue
        marked = marked_text(texts[source])
        others = [n for n in sorted(loaded.kb.sources[source].notes, key=lambda n: n.number)
                  if n.number != note and marked.marked(n.number)
                  and not any(value in numbers(s.text) for s in marked.closed_by(n.number))]
        if others:
            break
    else:
        pytest.skip("no figure cites a note whose text is at hand and has another note to cite wrongly")
    wrong = others[0].number
    root = tmp_path / "kb"
    for folder in ("sources", "practices", "countries", "introduction", "lessons", "glossary"):
        if (kb_root / folder).is_dir():
            shutil.copytree(kb_root / folder, root / folder)
    file = root / vr.path
    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    cites_line, _ = vr.source_map.locate(path + ("cites",))
    head = lines[cites_line - 1].split("cites:")[0]
    lines[cites_line - 1] = f"{head}cites: [{{source: {source}, note: {wrong}}}]\n"
    file.write_text("".join(lines), encoding="utf-8")

    proc = run_cli("validate", root=root)
    assert_no_traceback(proc)
    assert proc.returncode == 1
    value_line, value_col = vr.source_map.locate(path + ("value",))
    [error] = [line for line in proc.stdout.splitlines() if line.startswith(f"{vr.path}:{value_line}:{value_col}: ")]
    assert f"{value} is not in the sentence that [{wrong}] closes" in error
    # it says where the number does stand: in the sentence the right note closes
    assert re.search(rf"line \d+ states it, in a sentence that (\[\d+\], )*\[{note}\]", error), error


OTHER_KB = ROOT / "tests" / "fixtures" / "other-kb"


def test_an_exact_age_or_a_name_with_an_initial_is_a_warning_not_an_error(tmp_path):
    shutil.copytree(OTHER_KB, tmp_path / "kb")
    path = tmp_path / "kb" / "countries" / "amberlo.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("summary: ", "summary: A 34-year-old woman, Tobias K.'s sister, came home. ", 1),
                    encoding="utf-8")
    line = line_of(path, "summary: ")
    proc = run_cli("validate", root=tmp_path / "kb")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    warnings = [w for w in proc.stdout.splitlines() if w.startswith(f"countries/amberlo.yaml:{line}:")]
    assert len(warnings) == 1 and ": warning: " in warnings[0], proc.stdout
    assert "one person's exact age" in warnings[0] and "a name with an initial" in warnings[0]
    assert "34" not in warnings[0] and "Tobias" not in warnings[0], "a warning must not repeat the detail"
    assert "1 warning(s)" in proc.stderr
    github = run_cli("validate", "--format", "github", root=tmp_path / "kb")
    assert f"::warning file=countries/amberlo.yaml,line={line}," in github.stdout


def test_age_groups_and_middle_initials_are_not_warned_about():
    from knowledge_base.protect import identifying

    for text in ["children aged 3 to 6", "10-year-olds", "under the age of 10", "John F. Kennedy", "the U.S. army"]:
        assert identifying(text) == [], text
    for text in ["a twenty-nine-year-old", "Aged  41", "Mirela K. said"]:
        assert identifying(text), text
