"""`python build.py from-issue`: an issue form's answers become a record change that validates.

The issue bodies are written from the forms themselves (.github/ISSUE_TEMPLATE/), the way GitHub
renders them, so a reworded form cannot drift from the command.
"""

import hashlib
import shutil

import pytest
import yaml

from helpers import ROOT, assert_no_traceback, line_of, run_cli, without_texts
from knowledge_base.issue_forms import IssueError, _cites
from knowledge_base.models import Source
from test_second_source import FIXTURE, QUOTE

FORMS = ROOT / ".github" / "ISSUE_TEMPLATE"


def issue_body(form: str, answers: dict) -> str:
    """The Markdown GitHub writes for a submitted issue form: every field, `_No response_` when empty."""
    spec = yaml.safe_load((FORMS / form).read_text(encoding="utf-8"))
    parts = []
    for item in spec["body"]:
        if "id" not in item:
            continue
        label = item["attributes"]["label"]
        if item["type"] == "checkboxes":
            value = "\n".join(f"- [X] {o['label']}" for o in item["attributes"]["options"])
        else:
            value = answers.get(item["id"]) or "_No response_"
        parts.append(f"### {label}\n\n{value}")
    return "\n\n".join(parts) + "\n"


def from_issue(root, body, tmp_path, **kwargs):
    (tmp_path / "issue.md").write_text(body, encoding="utf-8")
    proc = run_cli("from-issue", str(tmp_path / "issue.md"), root=root, **kwargs)
    assert_no_traceback(proc)
    return proc


def test_a_proposed_practice_example_becomes_a_valid_record(content_copy, tmp_path):
    shutil.copy(FIXTURE / "sources" / "fixture-report.yaml", content_copy / "sources")
    body = issue_body("propose-a-practice.yml", {
        "country": "kyrgyzstan", "kind": "Practice example", "title": "Teachers meet each family first",
        "summary": "Teachers met the family of every returned child before school started.",
        "practices": "family-ties, multidisciplinary-specialists", "source": "fixture-report", "cites": "p. 1"})
    proc = from_issue(content_copy, body, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines()[0] == "countries/kyrgyzstan.yaml"
    record = yaml.safe_load((content_copy / "countries" / "kyrgyzstan.yaml").read_text(encoding="utf-8"))
    example = record["examples"][0]
    assert example == {"id": "kyrgyzstan-example-teachers-meet-each-family-first", "title": "Teachers meet each family first",
                       "summary": "Teachers met the family of every returned child before school started.",
                       "practices": ["family-ties", "multidisciplinary-specialists"],
                       "cites": [{"source": "fixture-report", "page": "1"}]}


def test_a_proposed_quote_is_checked_word_for_word(content_copy, tmp_path):
    shutil.copy(FIXTURE / "sources" / "fixture-report.yaml", content_copy / "sources")
    answers = {"country": "kyrgyzstan", "kind": "Quote", "quote": QUOTE, "role": "Social worker",
               "practices": "family-ties", "source": "fixture-report", "cites": "2"}
    env = {"KB_SOURCES_DIR": str(FIXTURE / "texts")}
    proc = from_issue(content_copy, issue_body("propose-a-practice.yml", answers), tmp_path, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    record = yaml.safe_load((content_copy / "countries" / "kyrgyzstan.yaml").read_text(encoding="utf-8"))
    quote = record["quotes"][0]
    assert quote["text"] == QUOTE and quote["cites"] == [{"source": "fixture-report", "note": 2}] and quote["boxed"] is False

    answers["quote"] = QUOTE.replace("twice", "three times")
    proc = from_issue(content_copy, issue_body("propose-a-practice.yml", answers), tmp_path, env=env)
    assert proc.returncode == 1
    assert "not found verbatim in fixture-report.txt" in proc.stdout and "“three times” where the source has “twice”" in proc.stdout


def test_a_correction_replaces_the_words_the_page_shows(content_copy, tmp_path):
    path = content_copy / "countries" / "kyrgyzstan.yaml"
    shown = "Relatives of Kyrgyz women and children held in Syria and Iraq put strong public pressure on the government"
    body = issue_body("report-a-correction.yml", {
        "page": "https://example.org/countries/kyrgyzstan.html", "record": "countries/kyrgyzstan.yaml", "shown": shown,
        "correct": "Relatives of Kyrgyz women and children held in Syria and Iraq pressed the government",
        "evidence": "Section VI: “strong public pressure”"})
    proc = from_issue(content_copy, body, tmp_path, env=without_texts(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = path.read_text(encoding="utf-8")
    assert "held in Syria and Iraq pressed the government, which started" in text
    assert line_of(path, "pressed the government")

    proc = from_issue(content_copy, body, tmp_path)  # the words are no longer there
    assert proc.returncode == 1
    assert "the words of 'What the site shows' is not in countries/kyrgyzstan.yaml: copy them exactly" in proc.stderr


def test_answers_that_cannot_become_a_record_are_refused_in_one_line(content_copy, tmp_path):
    body = issue_body("propose-a-practice.yml", {"country": "atlantis", "kind": "Fact", "cites": "1"})
    proc = from_issue(content_copy, body, tmp_path)
    assert proc.returncode == 1 and proc.stderr.strip() == (
        "error: no country 'atlantis': give the file name of a record in countries/, e.g. kyrgyzstan")
    proc = from_issue(content_copy, "Just some text, not a form.\n", tmp_path)
    names = sorted(yaml.safe_load(path.read_text(encoding="utf-8"))["name"] for path in FORMS.glob("*.yml"))
    assert proc.returncode == 1 and proc.stderr.strip() == (
        f"error: this is not the text of one of the repository's issue forms ({', '.join(map(repr, names))})")
    body = issue_body("report-a-correction.yml", {"page": "x", "record": "../outside.yaml", "shown": "a", "correct": "b",
                                                   "evidence": "c"})
    proc = from_issue(content_copy, body, tmp_path)
    assert proc.returncode == 1 and "'Record file' must name a record" in proc.stderr


@pytest.mark.parametrize("form", sorted(path.name for path in FORMS.glob("*.yml")))
def test_every_answer_of_every_form_is_used(form):
    spec = yaml.safe_load((FORMS / form).read_text(encoding="utf-8"))
    ids = {item["id"] for item in spec["body"] if "id" in item and item["type"] != "checkboxes"}
    source = (ROOT / "knowledge_base" / "issue_forms.py").read_text(encoding="utf-8")
    unused = [i for i in ids - {"evidence", "page"} if f'"{i}"' not in source]  # for the reviewer, not the record
    assert not unused, f"fields of the form that from-issue ignores: {unused}"


# --- 'Footnotes or pages': what an editor writes, and the citations it becomes ------------------

def note(n, source=None):
    return n if source is None else {"source": source, "note": n}


def at(source, **where):
    return {"source": source or "compendium", **where}


@pytest.mark.parametrize("source", [None, "fixture-report"], ids=["first-source", "named-source"])
@pytest.mark.parametrize("answer, expected", [
    ("157, 158", lambda s: [note(157, s), note(158, s)]),
    ("footnote 36", lambda s: [note(36, s)]),
    ("footnotes 36, 37", lambda s: [note(36, s), note(37, s)]),
    ("fn. 36", lambda s: [note(36, s)]),
    ("note 36", lambda s: [note(36, s)]),
    ("notes 36 and 37", lambda s: [note(36, s), note(37, s)]),
    ("footnotes 36-38", lambda s: [note(36, s), note(37, s), note(38, s)]),
    ("section 2.2", lambda s: [at(s, section="2.2")]),
    ("sec. 2.2", lambda s: [at(s, section="2.2")]),
    ("§ 2.2", lambda s: [at(s, section="2.2")]),
    ("section VI", lambda s: [at(s, section="VI")]),
    ("p. 12", lambda s: [at(s, page="12")]),
    ("pp. 12-14", lambda s: [at(s, page="12-14")]),
    ("pp. 12–14", lambda s: [at(s, page="12-14")]),
    ("page 12", lambda s: [at(s, page="12")]),
    ("p. 2.1", lambda s: [at(s, page="2.1")]),
    ("footnote 36; p. 12", lambda s: [note(36, s), at(s, page="12")]),
    ("p. 12, footnote 36, 37", lambda s: [at(s, page="12"), note(36, s), note(37, s)]),
    ("section 2.2; 157", lambda s: [at(s, section="2.2"), note(157, s)]),  # a keyword holds until the next ';'
])
def test_locators_an_editor_writes(answer, expected, source):
    # Numbers cite the country's first source (plain numbers) unless the form names another source.
    assert _cites(answer, source, "compendium") == expected(source)


@pytest.mark.parametrize("answer, message", [
    ("2.1", "'2.1' in 'Footnotes or pages' is ambiguous: is it section 2.1, page 2.1 or footnotes 2 and 1? "
            "write 'section 2.1', 'p. 2.1' or 'footnotes 2, 1'"),
    ("157, 2.1.3", "'2.1.3' in 'Footnotes or pages' is ambiguous: is it section 2.1.3, page 2.1.3 or footnotes "
                   "2 and 1 and 3? write 'section 2.1.3', 'p. 2.1.3' or 'footnotes 2, 1, 3'"),
    ("footnote 2.1", "'footnote 2.1' in 'Footnotes or pages' is ambiguous"),
    ("12-14", "'12-14' in 'Footnotes or pages' is ambiguous: is it pages 12-14 or footnotes 12 to 14? "
              "write 'pp. 12-14' or 'footnotes 12-14'"),
    ("chapter 3", "'chapter 3' in 'Footnotes or pages' is not understood"),
    ("footnotes 38-36", "'footnotes 38-36' in 'Footnotes or pages' is not a range of footnotes"),
    ("p.", "'p.' in 'Footnotes or pages' is not understood"),
    (";", "'Footnotes or pages' should be footnote numbers such as 157, 158"),
])
def test_locators_that_could_be_read_two_ways_are_asked_about(answer, message):
    with pytest.raises(IssueError) as error:
        _cites(answer, None, "compendium")
    assert str(error.value).startswith(message)


def test_a_mixture_of_locators_becomes_a_valid_record(content_copy, tmp_path):
    shutil.copy(FIXTURE / "sources" / "fixture-report.yaml", content_copy / "sources")
    fixture = yaml.safe_load((FIXTURE / "sources" / "fixture-report.yaml").read_text(encoding="utf-8"))
    number, section = fixture["notes"][0]["number"], fixture["sections"][-1]["section"]
    body = issue_body("propose-a-practice.yml", {
        "country": "kyrgyzstan", "kind": "Fact", "title": "Schools are told in advance",
        "summary": "Schools learn of each returned child before the child arrives.", "source": "fixture-report",
        "cites": f"footnote {number}; section {section}; pp. 1-2"})
    proc = from_issue(content_copy, body, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    record = yaml.safe_load((content_copy / "countries" / "kyrgyzstan.yaml").read_text(encoding="utf-8"))
    assert record["facts"][0]["cites"] == [{"source": "fixture-report", "note": number},
                                           {"source": "fixture-report", "section": section},
                                           {"source": "fixture-report", "page": "1-2"}]


def test_a_section_number_is_never_split_into_footnotes(content_copy, tmp_path):
    path = content_copy / "countries" / "kyrgyzstan.yaml"
    before = path.read_text(encoding="utf-8")
    body = issue_body("propose-a-practice.yml", {
        "country": "kyrgyzstan", "kind": "Fact", "title": "A fact", "summary": "A summary.", "cites": "2.1"})
    proc = from_issue(content_copy, body, tmp_path)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.splitlines() == ["error: '2.1' in 'Footnotes or pages' is ambiguous: is it section 2.1, page 2.1 "
                                        "or footnotes 2 and 1? write 'section 2.1', 'p. 2.1' or 'footnotes 2, 1'"]
    assert path.read_text(encoding="utf-8") == before


# --- new sources and countries -------------------------------------------------------------

FIXTURE_TEXT = FIXTURE / "texts" / "fixture-report.txt"
SOURCE_ANSWERS = {
    "id": "unodc-returnees-2024", "type": "report", "short_title": "UNODC 2024",
    "title": "Returnees in Central Asia: a follow-up on the reintegration of women and children from Syria and Iraq",
    "author": "Koller, Sofia\nUnited Nations Office on Drugs and Crime", "publisher": "United Nations",
    "issued": "2024-05", "url": "https://example.org/returnees-2024", "text_file": FIXTURE_TEXT.name,
    "sha256": f"{hashlib.sha256(FIXTURE_TEXT.read_bytes()).hexdigest()}  {FIXTURE_TEXT.name}",  # as sha256sum prints it
    "note": "A test source, written by the tests.",
}


def test_the_source_form_lists_the_types_a_source_may_have():
    spec = yaml.safe_load((FORMS / "propose-a-source.yml").read_text(encoding="utf-8"))
    [dropdown] = [item for item in spec["body"] if item.get("id") == "type"]
    assert tuple(dropdown["attributes"]["options"]) == Source.model_fields["type"].annotation.__args__


def test_a_proposed_source_becomes_a_valid_record(content_copy, tmp_path):
    proc = from_issue(content_copy, issue_body("propose-a-source.yml", SOURCE_ANSWERS), tmp_path,
                      env={"KB_SOURCES_DIR": str(FIXTURE_TEXT.parent)})  # its hash is checked
    assert proc.returncode == 0, proc.stdout + proc.stderr
    path = content_copy / "sources" / f"{SOURCE_ANSWERS['id']}.yaml"
    assert proc.stdout.splitlines() == [path.relative_to(content_copy).as_posix()]
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../schema/source.schema.json"
    assert "\nauthor:\n  - family: Koller\n    given: Sofia\n" in text and "title: >-\n" in text  # block style
    given = SOURCE_ANSWERS
    assert yaml.safe_load(text) == {
        "id": given["id"], "type": given["type"], "title": given["title"], "short_title": given["short_title"],
        "author": [{"family": "Koller", "given": "Sofia"}, {"literal": "United Nations Office on Drugs and Crime"}],
        "publisher": given["publisher"], "issued": given["issued"], "url": given["url"],
        "text": {"file": given["text_file"], "sha256": given["sha256"].split()[0]}, "note": given["note"]}


def test_a_source_without_its_hash_is_left_for_a_maintainer(content_copy, tmp_path):
    answers = {**SOURCE_ANSWERS, "sha256": None, "author": None}
    body = issue_body("propose-a-source.yml", answers)
    proc = from_issue(content_copy, body, tmp_path, env=without_texts(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # Where every text is required (CI), the pull request waits for the text and its hash.
    (content_copy / "sources" / f"{answers['id']}.yaml").unlink()
    proc = from_issue(content_copy, body, tmp_path, env={**without_texts(tmp_path), "KB_REQUIRE_SOURCES": "1"})
    assert proc.returncode == 1 and "this source names no text" in proc.stdout, proc.stdout + proc.stderr
    text = (content_copy / "sources" / f"{answers['id']}.yaml").read_text(encoding="utf-8")
    record = yaml.safe_load(text)
    assert "text" not in record and "author" not in record  # nothing guessed
    assert f"# text:\n#   file: {answers['text_file']}\n#   sha256: the output of `sha256sum {answers['text_file']}`" in text


def test_a_proposed_country_becomes_a_valid_record(content_copy, tmp_path):
    section = yaml.safe_load((ROOT / "sources" / "compendium.yaml").read_text(encoding="utf-8"))["sections"][-1]["section"]
    answers = {"id": "testland", "name": "Testland", "source": "compendium", "section": section,
               "summary": "Testland is a country the tests invent.\nIt has no returnees."}
    proc = from_issue(content_copy, issue_body("propose-a-country.yml", answers), tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    path = content_copy / "countries" / "testland.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../schema/country.schema.json"
    assert yaml.safe_load(text) == {"id": "testland", "name": "Testland",
                                    "based_on": [{"source": "compendium", "section": section}],
                                    "summary": "Testland is a country the tests invent. It has no returnees."}


@pytest.mark.parametrize("form, answers, message", [
    ("propose-a-source.yml", {**SOURCE_ANSWERS, "id": "UNODC 2024"},
     "error: 'Source id': 'UNODC 2024' is not a slug (lower-case letters, digits and single hyphens)"),
    ("propose-a-source.yml", {**SOURCE_ANSWERS, "id": "compendium"}, "error: 'Source id': id 'compendium' already exists"),
    ("propose-a-source.yml", {**SOURCE_ANSWERS, "author": "Koller, Sofia, Dr"},
     "error: 'Authors': 'Koller, Sofia, Dr' is neither a person nor an institution: write a person as "
     "'Family, Given' and an institution without commas, one per line"),
    ("propose-a-source.yml", {**SOURCE_ANSWERS, "type": "pamphlet"}, "error: 'Type' must be one of report, book,"),
    ("propose-a-country.yml", {"id": "kyrgyzstan", "name": "Kyrgyzstan", "source": "compendium", "summary": "A text."},
     "error: 'Country id': id 'kyrgyzstan' already exists"),
    ("propose-a-country.yml", {"id": "Test_Land", "name": "Testland", "source": "compendium", "summary": "A text."},
     "error: 'Country id': 'Test_Land' is not a slug"),
], ids=["source-not-a-slug", "source-exists", "author-with-two-commas", "unknown-type", "country-exists",
        "country-not-a-slug"])
def test_a_new_record_that_cannot_be_written_is_refused_in_one_line(content_copy, tmp_path, form, answers, message):
    before = sorted(p.relative_to(content_copy) for p in content_copy.rglob("*.yaml"))
    proc = from_issue(content_copy, issue_body(form, answers), tmp_path)
    assert proc.returncode == 1 and proc.stdout == ""
    [line] = proc.stderr.splitlines()
    assert line.startswith(message), line
    assert sorted(p.relative_to(content_copy) for p in content_copy.rglob("*.yaml")) == before


def test_a_source_with_an_impossible_date_is_reported_on_its_line(content_copy, tmp_path):
    answers = {**SOURCE_ANSWERS, "issued": "May 2024"}
    proc = from_issue(content_copy, issue_body("propose-a-source.yml", answers), tmp_path)
    path = content_copy / "sources" / f"{answers['id']}.yaml"
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[1:] == [
        f"sources/{path.name}:{line_of(path, 'issued: May 2024')}:9: {answers['id']} issued: a date must look like "
        "2019, 2019-05 or 2019-05-14 (got 'May 2024', text)"]
