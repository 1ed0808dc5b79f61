"""`python build.py from-issue`: an issue form's answers become a record change that validates.

The issue bodies are written from the forms themselves (.github/ISSUE_TEMPLATE/), the way GitHub
renders them, so a reworded form cannot drift from the command.
"""

import shutil

import yaml

from helpers import ROOT, assert_no_traceback, line_of, run_cli, without_texts
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
