"""One convention for source texts: every folder under ../shared/ by default, `--sources` and
KB_SOURCES_DIR add folders (never replace the default), and `validate`, `build` and `new source`
use the same lookup. A source that names no text says so."""

import hashlib
import shutil

import yaml

from helpers import ROOT, assert_no_traceback, line_of, run_cli, without_texts

FIXTURE = ROOT / "tests" / "fixtures" / "second-source"
TEXT = FIXTURE / "texts" / "fixture-report.txt"
SOURCE = FIXTURE / "sources" / "fixture-report.yaml"


def shared_with(tmp_path, texts: dict[str, list]) -> dict:
    """A shared folder beside the clone, {subfolder: [text files]}, as the environment that points at it."""
    shared = tmp_path / "shared"
    for folder, files in texts.items():
        (shared / folder).mkdir(parents=True)
        for path in files:
            shutil.copy(path, shared / folder / path.name)
    return {**without_texts(tmp_path), "KB_SHARED_DIR": str(shared)}


def a_quote_of(content_root) -> tuple:
    """(record file, a quote's verbatim first words) of some record of the first source, from the records."""
    for path in sorted((content_root / "countries").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        for quote in yaml.safe_load(text).get("quotes", []):
            words = " ".join(quote["text"].split()[:4])
            if all(isinstance(c, int) for c in quote.get("cites", [])) and text.count(words) == 1:
                return path, words
    raise AssertionError("no quote of the first source")


def texts_of(result, compendium) -> list:
    """The texts of the knowledge base's sources, where the tests find them (the compendium's fixture skips
    when it is absent; so does this test for another source's text)."""
    import pytest

    from knowledge_base.source_texts import find_text, sources_dirs

    found = [find_text(s.text.file, sources_dirs()) for s in result.kb.sources.values() if s.text]
    if None in found:
        pytest.skip("a source's text is not at hand: " + ", ".join(map(str, sources_dirs())))
    return found


def test_a_text_in_any_shared_folder_is_found_and_the_others_are_still_checked(content_copy, tmp_path, compendium, real):
    shutil.copy(SOURCE, content_copy / "sources")
    texts = texts_of(real, compendium)
    env = shared_with(tmp_path, {"compendium": texts, "sources": [TEXT]})
    proc = run_cli("validate", "--require-sources", root=content_copy, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "notice" not in proc.stderr

    # Naming the new text's folder adds it to the lookup: the first source is still checked word for word.
    env = shared_with(tmp_path / "2", {"compendium": texts})
    path, words = a_quote_of(content_copy)
    path.write_text(path.read_text(encoding="utf-8").replace(words, words + " indeed", 1), encoding="utf-8")
    proc = run_cli("validate", "--sources", str(FIXTURE / "texts"), "--require-sources", root=content_copy, env=env)
    assert_no_traceback(proc)
    assert proc.returncode == 1
    assert f"{path.relative_to(content_copy).as_posix()}:{line_of(path, words + ' indeed') - 1}:" in proc.stdout \
        or f"{path.relative_to(content_copy).as_posix()}:{line_of(path, words + ' indeed')}:" in proc.stdout, proc.stdout


def test_a_source_that_names_no_text_is_a_notice_and_an_error_when_texts_are_required(content_copy, tmp_path):
    record = content_copy / "sources" / "fixture-report.yaml"
    text = SOURCE.read_text(encoding="utf-8")
    start, end = text.index("text:\n"), text.index("sections:")
    record.write_text(text[:start] + text[end:], encoding="utf-8")
    env = without_texts(tmp_path)

    proc = run_cli("validate", root=content_copy, env=env)
    assert proc.returncode == 0, proc.stdout
    assert "fixture-report (names no text)" in proc.stderr and "were not checked" in proc.stderr

    proc = run_cli("validate", "--require-sources", root=content_copy, env=env)
    assert_no_traceback(proc)
    errors = [l for l in proc.stdout.splitlines() if l.startswith("sources/fixture-report.yaml:")]
    assert errors == [f"sources/fixture-report.yaml:{line_of(record, 'id: fixture-report')}:5: fixture-report id: this "
                      "source names no text (`text:`), so its quotes and notes are not checked (hint: add `text:` with the "
                      "file's name and SHA-256, or write `text: null` and say why in `note:`)"], proc.stdout

    # `text: null` says there is none; it needs a note saying why.
    without_note = text[:start] + "text: null\n" + text[end:]
    record.write_text(without_note.replace("note: Invented for the tests; it describes no real country, programme or "
                                           "person.\n", ""), encoding="utf-8")
    proc = run_cli("validate", "--require-sources", root=content_copy, env=env)
    [error] = [l for l in proc.stdout.splitlines() if l.startswith("sources/fixture-report.yaml:")]
    assert error.startswith(f"sources/fixture-report.yaml:{line_of(record, 'text: null')}:")
    assert "`text: null` needs a `note:`" in error
    record.write_text(without_note, encoding="utf-8")
    proc = run_cli("validate", root=content_copy, env=env)
    assert not [l for l in proc.stdout.splitlines() if "fixture-report" in l], proc.stdout
    assert "fixture-report" not in proc.stderr


def test_new_source_with_its_text_records_the_name_and_hash_and_says_where_to_put_it(content_copy, tmp_path):
    env = without_texts(tmp_path)
    proc = run_cli("new", "source", "fixture-two", "--text", str(TEXT), root=content_copy, env=env)
    assert proc.returncode == 0, proc.stderr
    record = yaml.safe_load((content_copy / "sources" / "fixture-two.yaml").read_text(encoding="utf-8"))
    assert record["text"] == {"file": TEXT.name, "sha256": hashlib.sha256(TEXT.read_bytes()).hexdigest()}
    assert f"put a copy of {TEXT.name} in {tmp_path / 'no-shared' / 'sources' / TEXT.name}" in proc.stderr

    # Once it is there, nothing more is said.
    env = shared_with(tmp_path / "2", {"sources": [TEXT]})
    proc = run_cli("new", "source", "fixture-three", "--text", str(TEXT), root=content_copy, env=env)
    assert proc.returncode == 0 and "put a copy" not in proc.stderr, proc.stderr

    proc = run_cli("new", "practice", "p-with-text", "--text", str(TEXT), root=content_copy, env=env)
    assert proc.returncode == 2 and "--text is for a new source only" in proc.stderr


def test_build_takes_the_same_sources(content_copy, tmp_path):
    shutil.copy(SOURCE, content_copy / "sources")
    env = without_texts(tmp_path)
    proc = run_cli("build", "--sources", str(FIXTURE / "texts"), root=content_copy, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "fixture-report" not in proc.stderr  # its text was found: only the others are in the notice
    proc = run_cli("build", "--require-sources", root=content_copy, env=env)
    assert proc.returncode == 1
    assert "sources/fixture-report.yaml:" in proc.stdout and "build stopped" in proc.stderr
