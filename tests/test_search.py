"""`python build.py search` on the real knowledge base: real queries, real hits."""

import json

import pytest

from helpers import assert_no_traceback, run_cli


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    """A copy of the real knowledge base with its index built once."""
    import shutil

    from conftest import CONTENT_FOLDERS, ROOT

    root = tmp_path_factory.mktemp("search")
    for folder in CONTENT_FOLDERS:
        shutil.copytree(ROOT / folder, root / folder)
    assert run_cli("index", root=root).returncode == 0
    return root


def search(root, *args):
    proc = run_cli("search", *args, "--json", root=root)
    assert_no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_json_output_has_the_documented_shape(indexed):
    result = search(indexed, "rehabilitation")
    assert set(result) == {"query", "total", "suggestion", "facets", "hits"}
    assert result["query"] == "rehabilitation" and result["total"] >= len(result["hits"]) > 0
    assert set(result["facets"]) == {"kind", "country"}
    assert all(isinstance(v, int) for facet in result["facets"].values() for v in facet.values())
    for hit in result["hits"]:
        assert set(hit) == {"kind", "id", "title", "country", "practices", "url", "snippet", "score"}
        assert isinstance(hit["country"], list) and isinstance(hit["practices"], list)
        assert hit["url"].endswith(".html") or ".html#" in hit["url"]
        assert isinstance(hit["score"], float)


def test_limit_caps_the_hits_not_the_total(indexed):
    result = search(indexed, "rehabilitation", "--limit", "3")
    assert len(result["hits"]) == 3 and result["total"] > 3


@pytest.mark.parametrize("term, country", [("Zhusan", "kazakhstan"), ("mahalla", "uzbekistan"), ("DPRRP", "kosovo"),
                                           ("BAMF", "germany")])
def test_a_term_unique_to_one_country_returns_its_records_first(indexed, term, country):
    hits = search(indexed, term)["hits"]
    assert hits, f"nothing found for {term}"
    assert country in hits[0]["country"], hits[0]


def test_speaker_with_kind_quote_returns_exactly_their_quotes(indexed, real):
    speakers = [q.speaker for _, q in real.kb.all_quotes() if q.speaker]
    speaker = max(set(speakers), key=speakers.count)  # the most quoted speaker
    surname = speaker.split()[-1]
    expected = {q.id for _, q in real.kb.all_quotes() if q.speaker and surname.lower() in q.speaker.lower()}
    result = search(indexed, f"speaker:{surname}", "--kind", "quote", "--limit", "100")
    assert {h["id"] for h in result["hits"]} == expected
    assert result["facets"]["kind"] == {"quote": len(expected)}


def test_exact_phrase(indexed, real):
    quote = next(q for _, q in real.kb.all_quotes() if len(q.text.split()) > 12)
    phrase = " ".join(quote.text.split()[3:8])
    hits = search(indexed, f'"{phrase}"', "--kind", "quote")["hits"]
    assert quote.id in {h["id"] for h in hits}
    scrambled = " ".join(reversed(phrase.split()))
    assert quote.id not in {h["id"] for h in search(indexed, f'"{scrambled}"', "--kind", "quote")["hits"]}


def test_stemming_repatriating_finds_repatriation(indexed):
    result = search(indexed, "repatriating", "--limit", "50")
    assert result["total"] > 0
    assert any("repatriation" in h["snippet"].lower() for h in result["hits"])


def test_field_and_filters(indexed):
    result = search(indexed, "kind:example", "--country", "kazakhstan", "--limit", "100")
    assert result["hits"] and all(h["kind"] == "example" and h["country"] == ["kazakhstan"] for h in result["hits"])
    result = search(indexed, "children", "--practice", "children-as-victims", "--limit", "100")
    assert result["hits"] and all("children-as-victims" in h["practices"] for h in result["hits"])


def test_boolean_operators(indexed):
    both = search(indexed, "imams AND women", "--limit", "100")["total"]
    either = search(indexed, "imams OR women", "--limit", "100")["total"]
    without = search(indexed, "women NOT imams", "--limit", "100")["total"]
    assert 0 < both < either
    assert without == search(indexed, "women", "--limit", "100")["total"] - both


def test_wildcard(indexed):
    assert search(indexed, "rehab*")["total"] >= search(indexed, "rehabilitation")["total"] > 0


def test_misspelling_suggests_a_better_query(indexed):
    result = search(indexed, "rehabilitaton")
    assert result["total"] == 0
    assert result["suggestion"] == "rehabilitation"


def test_footnote_field_finds_the_source(indexed, real):
    number = min(n for (source, n), f in real.kb.notes.items() if f.text and source == "compendium")
    hits = search(indexed, f"footnote:{number}", "--kind", "footnote")["hits"]
    assert [h["id"] for h in hits] == [f"compendium-footnote-{number}"]


def test_human_output(indexed):
    proc = run_cli("search", "Zhusan", "--limit", "3", root=indexed)
    assert proc.returncode == 0
    assert "result(s) for 'Zhusan'" in proc.stdout
    assert "countries/kazakhstan.html#" in proc.stdout


@pytest.mark.parametrize("query", ['"unclosed phrase', "(unbalanced", "colour:red", "AND OR", ""])
def test_malformed_query_exits_2_in_one_line(indexed, query):
    proc = run_cli("search", query, root=indexed)
    assert proc.returncode == 2
    assert_no_traceback(proc)
    assert len(proc.stderr.strip().splitlines()) == 1 and proc.stderr.startswith("error: ")


def test_no_hits_is_not_an_error(indexed):
    result = search(indexed, "xylophone")
    assert result["total"] == 0 and result["hits"] == []


def test_index_is_rebuilt_only_when_records_change(indexed):
    assert "up to date" in run_cli("index", root=indexed).stderr
    lesson = next((indexed / "lessons").glob("*.yaml"))
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert "rebuilt" in run_cli("index", root=indexed).stderr


def test_related_quotes_on_practice_pages(built_site, real):
    pages_with_related = 0
    for practice in real.kb.practices:
        html = (built_site / "practices" / f"{practice.id}.html").read_text(encoding="utf-8")
        if 'id="related-quotes"' in html:
            pages_with_related += 1
    assert pages_with_related >= 5


def test_readme_json_example_matches_the_real_output(indexed):
    import re

    from conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = json.loads(re.search(r"```json\n(.*?)```", readme, re.S).group(1))
    real = search(indexed, documented["query"])
    assert set(documented) == set(real)
    assert set(documented["hits"][0]) == set(real["hits"][0])
    assert set(documented["facets"]) == set(real["facets"])
    page = documented["hits"][0]["url"].split("#")[0]
    assert any(hit["url"].split("#")[0] == page for hit in real["hits"]), "README shows URLs the site does not use"
