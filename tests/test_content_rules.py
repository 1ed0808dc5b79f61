"""The content rules are part of `validate`: quotes and notes verbatim in their source's text,
complete sections, no identifiable returnee, no placeholder, no repeated citation.

Each check is tested twice: the real knowledge base passes it, and a copy broken on purpose
fails it, with `path:line:col` pointing at the broken value and a message saying what to do.
Checks against the compendium's text skip when the text is not beside the repository.
"""

import re
import shutil

import pytest

from helpers import ROOT, assert_no_traceback, line_of, run_cli, without_texts

from knowledge_base.fidelity import canonical


def validate(root, *args, env=None):
    proc = run_cli("validate", *args, root=root, env=env)
    assert_no_traceback(proc)
    return proc


def errors_at(proc, path, line):
    """The errors reported at a line (a warning there, such as an exact age, is no error)."""
    return [l for l in proc.stdout.splitlines() if l.startswith(f"{path}:{line}:") and ": warning: " not in l]


# --- verbatim quotes and notes -----------------------------------------------

def test_the_real_knowledge_base_passes_every_content_rule(compendium):
    proc = run_cli("validate", "--require-sources")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "notice" not in proc.stderr


def test_an_altered_quote_is_reported_with_the_first_word_that_differs(compendium, content_copy):
    path = content_copy / "countries" / "germany.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("central counselling blocks", "main counselling blocks"),
                    encoding="utf-8")
    proc = validate(content_copy)
    assert proc.returncode == 1
    [error] = errors_at(proc, "countries/germany.yaml", line_of(path, "main counselling blocks") - 1) or \
        errors_at(proc, "countries/germany.yaml", line_of(path, "main counselling blocks"))
    assert "not found verbatim in compendium.txt" in error
    assert "“main” where the source has “central”" in error
    source_line = next(i for i, l in enumerate(compendium.text.splitlines(), 1) if "central counselling" in l)
    assert f"nearest passage at line {source_line}" in error


def test_an_altered_note_text_is_reported(compendium, content_copy):
    path = content_copy / "sources" / "compendium.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n      October 2019, available", "\n      November 2019, available", 1), encoding="utf-8")
    proc = validate(content_copy)
    [error] = errors_at(proc, "sources/compendium.yaml", line_of(path, "November 2019, available") - 2)
    assert "note 1: not found verbatim" in error and "“November” where the source has “October”" in error


def test_pdf_artefacts_are_forgiven_and_nothing_else():
    assert canonical("“multi-\nstakeholders”") == canonical('"multistakeholders"')
    assert canonical("word[45]") == canonical("word")
    assert canonical("a b") != canonical("a c")


def test_every_footnote_number_of_the_compendium_is_recorded(compendium, real):
    used = {int(n) for n in re.findall(r"\[(\d+)\]", compendium.text)}
    recorded = {n for (source, n) in real.kb.notes if source == "compendium"}
    assert not used - recorded, f"sources/compendium.yaml: add the notes {sorted(used - recorded)} under notes:"


def test_notes_the_extraction_omits_are_recorded_as_omitted(compendium, real):
    printed = {int(n) for n in re.findall(r"(?m)^\s*\[(\d+)\]", compendium.text)}
    wrong = [n for (source, n), note in real.kb.notes.items()
             if source == "compendium" and n not in printed and not (note.text is None and note.note)]
    assert not wrong, (f"sources/compendium.yaml: notes {wrong} have no text in the extraction: "
                       "record them as `text: null` with a `note:` saying so, never reconstructed")


# --- complete sections ---------------------------------------------------------

def test_the_compendium_sections_start_where_its_record_says(compendium, real):
    lines = compendium.text.splitlines()
    for section in real.kb.sources["compendium"].sections:
        first = lines[section.first_line - 1]
        if section.section == "III":  # Germany's heading is missing from the extraction
            assert first.strip() == "General Context"
        else:
            assert section.title.lower() in first.lower(), f"section {section.section} starts with {first!r}"


def test_a_missing_box_is_reported_on_the_complete_claim(compendium, content_copy):
    path = content_copy / "countries" / "kosovo.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("\nexamples:\n") + len("\nexamples:\n")
    second = text.index("\n  - id:", start + 5) + 1
    path.write_text(text[:start] + text[second:], encoding="utf-8")
    proc = validate(content_copy)
    [error] = errors_at(proc, "countries/kosovo.yaml", line_of(path, "complete: true"))
    assert re.search(r"section V of compendium has (\d+) practice boxes \(examples:\), this record (\d+)", error)
    assert "add the missing ones" in error


def test_every_boxed_quote_says_who_speaks(real):
    # An unnamed practitioner keeps the role the compendium gives them.
    silent = [f"countries/{c.id}.yaml: {q.id}" for c in real.kb.countries for q in c.quotes
              if q.boxed and not (q.speaker or q.role or q.organization)]
    assert not silent, f"boxed quotes with no speaker, role or organization: {silent}"


# --- source texts outside the repository ------------------------------------------

def test_a_missing_text_is_one_notice_and_everything_else_is_checked(content_copy, tmp_path, real):
    lesson = content_copy / real.kb.paths[real.kb.lessons[0].id]
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("\nnumber:", "\nnumbr:", 1), encoding="utf-8")
    env = without_texts(tmp_path)
    proc = validate(content_copy, "--sources", str(tmp_path), env=env)
    assert proc.returncode == 1  # the lesson's mistake, not the missing text
    assert errors_at(proc, lesson.relative_to(content_copy).as_posix(), line_of(lesson, "numbr:"))
    notices = [l for l in proc.stderr.splitlines() if l.startswith("notice:")]
    assert len(notices) == 1 and "--sources DIR" in notices[0]
    for source in real.kb.sources.values():
        if source.text or "text" not in source.model_fields_set:  # `text: null` says there is none
            assert (f"{source.id} ({source.text.file})" if source.text else f"{source.id} (names no text)") in notices[0]
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("\nnumbr:", "\nnumber:", 1), encoding="utf-8")
    assert validate(content_copy, "--sources", str(tmp_path), env=env).returncode == 0


def test_require_sources_turns_the_notice_into_an_error(content_copy, tmp_path):
    proc = validate(content_copy, "--sources", str(tmp_path), "--require-sources", env=without_texts(tmp_path))
    assert proc.returncode == 1
    [error] = errors_at(proc, "sources/compendium.yaml", line_of(content_copy / "sources" / "compendium.yaml", "file: compendium.txt"))
    assert f"is in none of: {tmp_path.resolve()}" in error and "put it in ../shared/sources/" in error


def test_another_version_of_the_text_is_refused(content_copy, tmp_path):
    (tmp_path / "compendium.txt").write_text("A second edition.\n", encoding="utf-8")
    proc = validate(content_copy, env={"KB_SOURCES_DIR": str(tmp_path)})
    [error] = errors_at(proc, "sources/compendium.yaml", line_of(content_copy / "sources" / "compendium.yaml", "sha256:"))
    assert "is not the version of the text this source describes" in error and "a new edition is a new source" in error


# --- do no harm, placeholders, citations ------------------------------------------

OTHER_KB = ROOT / "tests" / "fixtures" / "other-kb"
# The fictional knowledge base protects two details of a fictional returnee (its field notes print
# them): each disguise of them must be refused like the plain words.
DISGUISES = ["Mirela", "MIRELA", "Ｍｉｒｅｌａ", "aged 29", "aged  29", "aged\u00a029", "Aged twenty-nine", "aged twenty nine"]


@pytest.mark.parametrize("disguise", DISGUISES)
def test_a_detail_identifying_a_returnee_is_refused_however_it_is_written(tmp_path, disguise):
    shutil.copytree(OTHER_KB, tmp_path / "kb")
    path = tmp_path / "kb" / "countries" / "amberlo.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("summary: ", f"summary: A returnee, {disguise}, was asked to leave. ", 1), encoding="utf-8")
    proc = validate(tmp_path / "kb")
    [error] = errors_at(proc, "countries/amberlo.yaml", line_of(path, "summary: "))
    assert "identifies an individual returnee (a detail that sources/field-notes.yaml protects" in error
    assert "without the person's name" in error


def test_protect_writes_a_hash_and_never_the_phrase(tmp_path):
    shutil.copytree(OTHER_KB, tmp_path / "kb")
    source = tmp_path / "kb" / "sources" / "field-notes.yaml"
    proc = run_cli("protect", "-", "--source", "field-notes", root=tmp_path / "kb", input="Tobias of Kestrel\n")
    assert proc.returncode == 0, proc.stderr
    text = source.read_text(encoding="utf-8")
    assert "Tobias" not in text and "Kestrel\n" not in text.split("do_not_publish:")[1]
    assert len(re.findall(r"\{salt: [0-9a-f]{16}, sha256: [0-9a-f]{64}, length: \d+\}", text)) == 3
    path = tmp_path / "kb" / "countries" / "kestrel-isles.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("summary: ", "summary: TOBIAS OF KESTREL moved. ", 1),
                    encoding="utf-8")
    assert errors_at(validate(tmp_path / "kb"), "countries/kestrel-isles.yaml", line_of(path, "summary: "))
    assert run_cli("protect", "x", "--source", "nowhere", root=tmp_path / "kb").returncode == 2


def protected_of(result):
    from knowledge_base.protect import Protected

    return [Protected(d.salt, d.sha256, d.length, s.id) for s in result.kb.sources.values() for d in s.do_not_publish]


def holding(paths, protected) -> list[str]:
    """The files (HTML read as text) with a run of words that is a protected detail."""
    from html import unescape

    from knowledge_base.protect import matches

    found = []
    for path in paths:
        text = unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))
        found += [f"{path}: a detail protected by sources/{p.source}.yaml" for p in matches(text, protected)]
    return found


def test_no_page_or_download_shows_a_protected_detail(site, loaded):
    protected = protected_of(loaded)
    assert protected, "this knowledge base protects no detail: the check would be empty"
    built = [*site.rglob("*.html"), *(site / "downloads").glob("*.json"), *(site / "downloads").glob("*.csv")]
    assert not holding(built, protected)


def test_no_tracked_file_holds_a_detail_the_compendium_protects(real):
    """About the compendium: the repository itself (every tracked text file, tests included) never holds
    in clear text what its record protects; git's history may (see the README)."""
    import subprocess

    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    files = [ROOT / f for f in tracked if (ROOT / f).suffix in (".yaml", ".yml", ".py", ".md", ".j2", ".json", ".txt",
                                                                 ".toml", ".cff", ".js", ".css", ".sh")]
    assert not holding([f for f in files if f.is_file()], protected_of(real))


def test_a_citation_repeated_in_one_list_is_refused(content_copy):
    path = content_copy / "countries" / "kyrgyzstan.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("cites: [153]", "cites: [153, 153]", 1), encoding="utf-8")
    proc = validate(content_copy)
    line = line_of(path, "cites: [153, 153]")
    col = path.read_text(encoding="utf-8").splitlines()[line - 1].rindex("153") + 1
    assert any(l.startswith(f"countries/kyrgyzstan.yaml:{line}:{col}:") and "note 153 of compendium is cited twice here"
               in l for l in proc.stdout.splitlines()), proc.stdout


def test_a_broken_source_file_is_reported_once_not_by_every_citation(content_copy):
    path = content_copy / "sources" / "compendium.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("short_title: Compendium", "short_title: [Compendium", 1),
                    encoding="utf-8")
    proc = validate(content_copy)
    assert proc.returncode == 1
    assert [l.split(":")[0] for l in proc.stdout.splitlines()] == ["sources/compendium.yaml"], proc.stdout


# --- one place for each thing -------------------------------------------------

def _five_word_runs(text):
    words = re.findall(r"[a-z]+", text.lower())
    return {tuple(words[i:i + 5]) for i in range(len(words) - 4)}


def test_no_context_or_approach_passage_repeats_a_box_of_its_country(real):
    """A box belongs in `examples:` or `facts:`; a passage that retells it shows readers the same thing twice."""
    repeats = []
    for country in real.kb.countries:
        boxes = [(item.box, item.title, _five_word_runs(item.summary)) for item in [*country.examples, *country.facts]]
        for kind in ("context", "approach"):
            for i, passage in enumerate(getattr(country, kind)):
                runs = _five_word_runs(passage.text)
                for box, title, box_runs in boxes:
                    shared = len(runs & box_runs) / max(1, min(len(runs), len(box_runs)))
                    if shared > 0.25:
                        repeats.append(f"countries/{country.id}.yaml {kind}[{i}] retells box {box} “{title}” "
                                       f"({shared:.0%} of its five-word runs): keep the box, delete or shorten the passage")
    assert not repeats, "\n".join(repeats)


def test_a_country_is_never_a_speaker(real):
    """An institution speaking is an organization the source names; a country is not a voice."""
    countries = {c.name.lower().removeprefix("the ") for c in real.kb.countries}
    wrong = [f"{owner.id}: quote {quote.id} gives {name!r} as its speaker or organization: name the body the "
             "source names, or leave it null and say so in the quote's note"
             for owner, quote in real.kb.all_quotes()
             for name in (quote.speaker, quote.organization) if name and name.lower().removeprefix("the ") in countries]
    assert not wrong, "\n".join(wrong)


def test_an_other_name_the_source_does_not_print_is_refused(tmp_path):
    shutil.copytree(OTHER_KB, tmp_path / "kb")
    path = tmp_path / "kb" / "countries" / "ile-verte.yaml"
    text = path.read_text(encoding="utf-8")
    assert "    aliases: [" in text, "the fictional knowledge base lost its organization with another name"
    path.write_text(re.sub(r"    aliases: \[", "    aliases: [Office of Returns, ", text, count=1), encoding="utf-8")
    [error] = errors_at(validate(tmp_path / "kb"), "countries/ile-verte.yaml", line_of(path, "    aliases: ["))
    assert "the other name “Office of Returns” is not printed in harbour-review.txt" in error
