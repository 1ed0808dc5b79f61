"""`python build.py search`: the generic tests run on every knowledge base with queries made from its
records; the queries a researcher types about the compendium (Zhusan, imams, …) say so."""

import json
import re
import shutil
from collections import Counter

import pytest

from conftest import CONTENT_FOLDERS, ROOT
from helpers import assert_no_traceback, run_cli


def indexed_copy(root, tmp_path_factory):
    """A copy of a knowledge base's records with its index built once."""
    copy = tmp_path_factory.mktemp("search")
    for folder in CONTENT_FOLDERS:
        if (root / folder).is_dir():
            shutil.copytree(root / folder, copy / folder)
    assert run_cli("index", root=copy).returncode == 0
    return copy


@pytest.fixture(scope="module")
def indexed(kb_root, tmp_path_factory):
    """Each knowledge base, indexed."""
    return indexed_copy(kb_root, tmp_path_factory)


@pytest.fixture(scope="module")
def compendium_indexed(tmp_path_factory):
    """The repository's knowledge base, indexed: for the queries about the compendium's content."""
    return indexed_copy(ROOT, tmp_path_factory)


def frequent_word(kb) -> str:
    """The word of six letters or more that the most country summaries use."""
    counts = Counter(w for c in kb.countries for w in set(re.findall(r"[a-z]{6,}", c.summary.lower())))
    return counts.most_common(1)[0][0]


def search(root, *args):
    proc = run_cli("search", *args, "--json", root=root)
    assert_no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_json_output_has_the_documented_shape(indexed, loaded):
    word = frequent_word(loaded.kb)
    result = search(indexed, word)
    assert set(result) == {"query", "total", "suggestion", "facets", "hits"}
    assert result["query"] == word and result["total"] >= len(result["hits"]) > 0
    assert set(result["facets"]) == {"kind", "country"}
    assert all(isinstance(v, int) for facet in result["facets"].values() for v in facet.values())
    for hit in result["hits"]:
        assert set(hit) == {"kind", "id", "title", "country", "practices", "url", "snippet", "score", "source"}
        assert isinstance(hit["country"], list) and isinstance(hit["practices"], list)
        assert hit["url"].endswith(".html") or ".html#" in hit["url"]
        assert isinstance(hit["score"], float)


def test_a_record_named_by_the_whole_query_ranks_first(indexed, loaded):
    """A country's or a practice's name as the query: its own record first, above the passages that mention
    it many times (the title key; any record of exactly that title may come first)."""
    from knowledge_base.index import title_key

    practices = [f"Key practice {p.number}: {p.title}" for p in loaded.kb.practices[:2]]  # as the index titles them
    for name in [c.name for c in loaded.kb.countries] + practices:
        hits = search(indexed, name)["hits"]
        assert hits and title_key(hits[0]["title"]) == title_key(name), (name, [h["title"] for h in hits[:3]])


def test_limit_caps_the_hits_not_the_total(indexed, loaded):
    result = search(indexed, frequent_word(loaded.kb), "--limit", "3")
    assert len(result["hits"]) == 3 and result["total"] > 3


@pytest.mark.parametrize("term, country", [("Zhusan", "kazakhstan"), ("mahalla", "uzbekistan"), ("DPRRP", "kosovo"),
                                           ("BAMF", "germany")])
def test_a_term_unique_to_one_country_returns_its_records_first(compendium_indexed, term, country):
    hits = search(compendium_indexed, term)["hits"]
    assert hits, f"nothing found for {term}"
    assert country in hits[0]["country"], hits[0]


def test_speaker_with_kind_quote_returns_exactly_their_quotes(indexed, loaded):
    speakers = [q.speaker for _, q in loaded.kb.all_quotes() if q.speaker]
    speaker = max(set(speakers), key=speakers.count)  # the most quoted speaker
    surname = speaker.split()[-1]
    expected = {q.id for _, q in loaded.kb.all_quotes() if q.speaker and surname.lower() in q.speaker.lower()}
    result = search(indexed, f"speaker:{surname}", "--kind", "quote", "--limit", "100")
    assert {h["id"] for h in result["hits"]} == expected
    assert result["facets"]["kind"] == {"quote": len(expected)}


def test_exact_phrase(indexed, loaded):
    quote = next(q for _, q in loaded.kb.all_quotes() if len(q.text.split()) > 12)
    phrase = " ".join(quote.text.split()[3:8])
    hits = search(indexed, f'"{phrase}"', "--kind", "quote")["hits"]
    assert quote.id in {h["id"] for h in hits}
    scrambled = " ".join(reversed(phrase.split()))
    assert quote.id not in {h["id"] for h in search(indexed, f'"{scrambled}"', "--kind", "quote")["hits"]}


def test_stemming_repatriating_finds_repatriation(compendium_indexed):
    result = search(compendium_indexed, "repatriating", "--limit", "50")
    assert result["total"] > 0
    assert any("repatriation" in h["snippet"].lower() for h in result["hits"])


def test_field_and_filters(compendium_indexed):
    result = search(compendium_indexed, "kind:example", "--country", "kazakhstan", "--limit", "100")
    assert result["hits"] and all(h["kind"] == "example" and h["country"] == ["kazakhstan"] for h in result["hits"])
    result = search(compendium_indexed, "children", "--practice", "children-as-victims", "--limit", "100")
    assert result["hits"] and all("children-as-victims" in h["practices"] for h in result["hits"])


def test_boolean_operators(compendium_indexed):
    both = search(compendium_indexed, "imams AND women", "--limit", "100")["total"]
    either = search(compendium_indexed, "imams OR women", "--limit", "100")["total"]
    without = search(compendium_indexed, "women NOT imams", "--limit", "100")["total"]
    assert 0 < both < either
    assert without == search(compendium_indexed, "women", "--limit", "100")["total"] - both


def test_wildcard(compendium_indexed):
    assert search(compendium_indexed, "rehab*")["total"] >= search(compendium_indexed, "rehabilitation")["total"] > 0


def test_misspelling_suggests_a_better_query(compendium_indexed):
    result = search(compendium_indexed, "rehabilitaton")
    assert result["total"] == 0
    assert result["suggestion"] == "rehabilitation"


def test_footnote_field_finds_the_source(indexed, loaded):
    number = min(n for (source, n), f in loaded.kb.notes.items() if f.text)
    hits = search(indexed, f"footnote:{number}", "--kind", "footnote")["hits"]
    assert sorted(h["id"] for h in hits) == sorted(f"{source}-footnote-{n}" for source, n in loaded.kb.notes if n == number)


def test_human_output(compendium_indexed):
    proc = run_cli("search", "Zhusan", "--limit", "3", root=compendium_indexed)
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


def test_index_changes_only_when_documents_change(indexed):
    """A file saved again without a change of its documents leaves the index as it is
    (test_search_instant.py edits, removes and breaks records)."""
    assert "up to date" in run_cli("index", root=indexed).stderr
    lesson = next((indexed / "lessons").glob("*.yaml"))
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    proc = run_cli("index", root=indexed)
    assert proc.returncode == 0 and "up to date" in proc.stderr


def test_related_quotes_on_practice_pages(built_site, real):
    """About the compendium's content: its quotes relate to most practice pages."""
    pages_with_related = 0
    for practice in real.kb.practices:
        html = (built_site / "practices" / f"{practice.id}.html").read_text(encoding="utf-8")
        if 'id="related-quotes"' in html:
            pages_with_related += 1
    assert pages_with_related >= 5


def test_readme_json_example_matches_the_real_output(compendium_indexed):
    import re

    from conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = json.loads(re.search(r"```json\n(.*?)```", readme, re.S).group(1))
    real = search(compendium_indexed, documented["query"])
    assert set(documented) == set(real)
    assert set(documented["hits"][0]) == set(real["hits"][0])
    assert set(documented["facets"]) == set(real["facets"])
    page = documented["hits"][0]["url"].split("#")[0]
    assert any(hit["url"].split("#")[0] == page for hit in real["hits"]), "README shows URLs the site does not use"


def test_an_organization_is_found_by_each_of_its_other_names(indexed, loaded):
    named = [(o.id, alias) for c in loaded.kb.countries for o in c.organizations for alias in o.aliases]
    for org_id, alias in named:
        hits = search(indexed, f'"{alias}"', "--kind", "organization", "--limit", "100")["hits"]
        assert org_id in {h["id"] for h in hits}, f"{alias!r} does not find {org_id}"


def test_a_hyphenated_query_that_finds_little_is_answered_without_a_traceback(indexed, loaded):
    """Whoosh reads a hyphenated word as a phrase, which its spelling corrector cannot write back: the
    query is answered, and its hyphenated term is never "corrected"."""
    word = frequent_word(loaded.kb)
    result = search(indexed, f"{word}-xylophone")
    assert result["suggestion"] is None or f"{word}-xylophone" in result["suggestion"]
