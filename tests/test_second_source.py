"""A second source, end to end: added as a record, cited by a new practice example and quote,
checked verbatim against its own text, built into the site with its own page and exported with
structured bibliographic fields. The source is a synthetic test fixture (tests/fixtures/second-source),
never published."""

import json
import shutil

import pytest

from conftest import compendium_dir
from helpers import ROOT, assert_no_traceback, line_of, run_cli

FIXTURE = ROOT / "tests" / "fixtures" / "second-source"
QUOTE = ("We visited every family twice before the children came home, and once a month after that,")
EXAMPLE = """  - id: kyrgyzstan-example-school-visits
    title: Teachers meet each family before school starts
    summary: Teachers met the family of every returned child before the child's first day of school.
    practices: [family-ties]
    cites: [{source: fixture-report, page: "1"}]
"""
QUOTE_ITEM = f"""  - id: kyrgyzstan-quote-fixture-visits
    text: >-
      {QUOTE}
    role: Social worker
    boxed: false
    practices: [family-ties]
    cites: [{{source: fixture-report, note: 2}}]
"""


def insert_under(text, key, items):
    head, sep, tail = text.partition(f"\n{key}:\n")
    assert sep, key
    return head + sep + items + tail


@pytest.fixture
def with_second_source(content_copy):
    shutil.copy(FIXTURE / "sources" / "fixture-report.yaml", content_copy / "sources")
    path = content_copy / "countries" / "kyrgyzstan.yaml"
    text = path.read_text(encoding="utf-8")
    # A second entry: the compendium stays the first source, the one plain note numbers refer to.
    text = text.replace("    complete: true\n", "    complete: true\n  - source: fixture-report\n    section: \"1\"\n", 1)
    text = insert_under(insert_under(text, "examples", EXAMPLE), "quotes", QUOTE_ITEM)
    path.write_text(text, encoding="utf-8")
    return content_copy


def sources_args():
    """The fixture's text, and the compendium's where it is at hand (then every source is required)."""
    args = ["--sources", str(FIXTURE / "texts")]
    if compendium_dir():
        args += ["--sources", str(compendium_dir()), "--require-sources"]
    return args


def test_a_second_source_validates_and_its_quote_is_checked_verbatim(with_second_source):
    proc = run_cli("validate", *sources_args(), root=with_second_source)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    path = with_second_source / "countries" / "kyrgyzstan.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("every family twice", "every family three times"),
                    encoding="utf-8")
    proc = run_cli("validate", *sources_args(), root=with_second_source)
    assert_no_traceback(proc)
    assert proc.returncode == 1
    line = line_of(path, "every family three times") - 1  # the quote's `text: >-` line
    [error] = [l for l in proc.stdout.splitlines() if l.startswith(f"countries/kyrgyzstan.yaml:{line}:")]
    assert "not found verbatim in fixture-report.txt" in error and "“three times” where the source has “twice”" in error


def test_citing_an_unknown_place_in_a_source_is_reported(with_second_source):
    path = with_second_source / "countries" / "kyrgyzstan.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("{source: fixture-report, note: 2}", "{source: fixture-report, note: 9}")
                    .replace("{source: fixture-report, page: \"1\"}", "{source: fixture-repot, page: \"1\"}"), encoding="utf-8")
    proc = run_cli("validate", root=with_second_source)
    assert proc.returncode == 1
    assert f"countries/kyrgyzstan.yaml:{line_of(path, 'note: 9')}:" in proc.stdout
    assert "note 9 of fixture-report is cited but not defined (hint: add it to the `notes:` of sources/fixture-report.yaml" in proc.stdout
    assert f"countries/kyrgyzstan.yaml:{line_of(path, 'fixture-repot')}:" in proc.stdout
    assert "unknown source id 'fixture-repot' (hint: did you mean 'fixture-report'?)" in proc.stdout


def test_a_second_source_is_built_and_exported(with_second_source):
    proc = run_cli("build", root=with_second_source)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    site = with_second_source / "site"

    page = (site / "sources" / "fixture-report.html").read_text(encoding="utf-8")
    assert "A fixture report on the reintegration of returned children" in page
    assert "Example, Erin" in page and "Fixture Institute" in page and "2024-05" in page
    assert 'href="../countries/kyrgyzstan.html"' in page  # "Cited in"
    assert 'id="fn-2"' in page and "Interview with a social worker" in page

    country = (site / "countries" / "kyrgyzstan.html").read_text(encoding="utf-8")
    assert "Teachers met the family of every returned child" in country
    assert 'data-tip="Fixture report, p. 1" aria-label="Fixture report, p. 1">Fixture report, p. 1</a>' in country
    assert 'id="note-fixture-report-p-1"></span><a href="../sources/fixture-report.html">p. 1</a>' in country
    assert 'href="../sources/fixture-report.html#fn-2"' in country and QUOTE in country
    assert '<a href="../sources/fixture-report.html">Fixture report</a>, section 1' in country  # Based on: …
    assert 'href="../sources/compendium.html#fn-153"' in country  # the compendium's citations are unchanged

    downloads = site / "downloads"
    [item] = [i for i in json.loads((downloads / "sources.csl.json").read_text(encoding="utf-8")) if i["id"] == "fixture-report"]
    assert item["type"] == "report" and item["issued"] == {"date-parts": [[2024, 5]]}
    assert item["author"] == [{"family": "Example", "given": "Erin"}, {"literal": "Fixture Institute"}]
    assert item["publisher"] == "Fixture Institute" and item["URL"] == "https://example.org/fixture-report"
    bib = (downloads / "sources.bib").read_text(encoding="utf-8")
    entry = bib[bib.index("@techreport{fixture-report,"):].split("\n}", 1)[0]
    for field in ["author = {Example, Erin and {Fixture Institute}}", "year = {2024}", "month = {5}",
                  "institution = {Fixture Institute}", "url = {https://example.org/fixture-report}"]:
        assert field in entry, entry
    kb = json.loads((downloads / "kb.json").read_text(encoding="utf-8"))
    assert [s["id"] for s in kb["sources"]] == sorted(p.stem for p in (with_second_source / "sources").glob("*.yaml"))
    kyrgyzstan = next(c for c in kb["countries"] if c["id"] == "kyrgyzstan")
    example = next(e for e in kyrgyzstan["examples"] if e["id"] == "kyrgyzstan-example-school-visits")
    assert example["cites"] == [{"source": "fixture-report", "note": None, "page": "1", "section": None}]


COPIED = ("Teachers in the fixture programme met each returned child's family before the first day of "
          "school, so that the child could start in a class that knew what to expect.")


def test_a_summary_that_copies_its_source_is_reported_unless_quoted(with_second_source):
    path = with_second_source / "countries" / "kyrgyzstan.yaml"
    text = path.read_text(encoding="utf-8")
    own = "Teachers met the family of every returned child before the child's first day of school."
    path.write_text(text.replace(own, COPIED), encoding="utf-8")
    proc = run_cli("validate", *sources_args(), root=with_second_source)
    assert_no_traceback(proc)
    assert proc.returncode == 1
    [error] = [l for l in proc.stdout.splitlines() if "copies" in l]
    assert error.startswith(f"countries/kyrgyzstan.yaml:{line_of(path, COPIED[:40])}:")
    assert "examples[" in error and "copies 30 words of fixture-report.txt in a row (line 9)" in error
    assert "hint: say it in your own words, or put the source's words in quotation marks" in error

    # The same words inside quotation marks are the source's words, shown as such.
    path.write_text(text.replace(own, f"The report notes that “{COPIED}”"), encoding="utf-8")
    proc = run_cli("validate", *sources_args(), root=with_second_source)
    assert proc.returncode == 0, proc.stdout


def test_a_heading_the_source_does_not_print_is_reported(compendium, with_second_source):
    # The record draws on the compendium too: its headings are judged only with every source text at hand.
    path = with_second_source / "countries" / "kyrgyzstan.yaml"
    text = path.read_text(encoding="utf-8")
    passage = ("approach:\n  - topic: reintegration\n    heading: {heading}\n"
               "    text: Teachers prepared the families.\n    cites: [{{source: fixture-report, page: \"1\"}}]\n")
    for heading, expected in (("Schools", 0), ("Teachers as mentors", 1)):
        path.write_text(text.replace("approach:\n", passage.format(heading=heading), 1), encoding="utf-8")
        proc = run_cli("validate", *sources_args(), root=with_second_source)
        assert_no_traceback(proc)
        errors = [l for l in proc.stdout.splitlines() if "heading" in l]
        assert len(errors) == expected, proc.stdout
    [error] = errors
    assert error.startswith(f"countries/kyrgyzstan.yaml:{line_of(path, 'Teachers as mentors')}:")
    assert "the heading “Teachers as mentors” is not one the source prints" in error
