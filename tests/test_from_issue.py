"""`python build.py from-issue`: an issue form's answers become a record change that validates.

The issue bodies are written from the forms themselves (.github/ISSUE_TEMPLATE/), the way GitHub
renders them, so a reworded form cannot drift from the command.
"""

import shutil

import pytest
import yaml

from helpers import ROOT, assert_no_traceback, line_of, run_cli
from knowledge_base.issue_forms import IssueError, _cites
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
    proc = from_issue(content_copy, body, tmp_path, env={"KB_SOURCES_DIR": str(tmp_path / "none")})
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
    assert proc.returncode == 1 and "is not the text of a 'Propose a practice' or 'Report a correction' issue form" in proc.stderr
    body = issue_body("report-a-correction.yml", {"page": "x", "record": "../outside.yaml", "shown": "a", "correct": "b",
                                                   "evidence": "c"})
    proc = from_issue(content_copy, body, tmp_path)
    assert proc.returncode == 1 and "'Record file' must name a record" in proc.stderr


def test_every_answer_of_the_propose_form_is_used():
    spec = yaml.safe_load((FORMS / "propose-a-practice.yml").read_text(encoding="utf-8"))
    ids = {item["id"] for item in spec["body"] if "id" in item}
    source = (ROOT / "knowledge_base" / "issue_forms.py").read_text(encoding="utf-8")
    unused = [i for i in ids - {"harm"} if f'"{i}"' not in source]
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
