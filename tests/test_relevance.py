"""Judged relevance of both searches, and the alias list.

The metrics are tested on made-up rankings. Everything else here is about the compendium's content: the
judged queries (benchmarks/judged_queries.yaml) and the spelling variants (search/aliases.yaml) come from
its text, so these tests use the repository's knowledge base (`real`, `built_site`) and judge only the
records it has; the check of the variants against the compendium's lines skips when its text is absent."""

import shutil
from urllib.parse import quote

import pytest

from conftest import CONTENT_FOLDERS, ROOT
from helpers import run_cli
from knowledge_base.aliases import ALIASES, expand, fold, groups, variants_for
from knowledge_base.index import documents, index_folder
from knowledge_base.relevance import Judged, cli_ranking, load_judged, ndcg, recall, reciprocal_rank, scores, site_ranking
from knowledge_base.search import search
from test_browser import browser, compendium_page, compendium_server  # noqa: F401

# Measured with `python benchmarks/relevance.py` (README): cli 0.889 / 0.905 / 0.923, site 0.881 / 0.877 / 0.935
# (the site with the shared query language: OR, NOT and phrases answered as the command line answers them).
# The floors sit a little below, so that a change that makes either search worse on the judged set fails here.
FLOORS = {"cli": {"ndcg@10": 0.85, "mrr": 0.87, "recall@20": 0.89},
          "site": {"ndcg@10": 0.85, "mrr": 0.85, "recall@20": 0.91}}


def test_metrics_reward_the_best_order_and_punish_a_missing_answer():
    grades = {"a": 3, "b": 2, "c": 1}
    assert ndcg(["a", "b", "c"], grades) == pytest.approx(1.0)
    assert ndcg(["c", "b", "a"], grades) < ndcg(["a", "c", "b"], grades) < 1.0
    assert ndcg(["x", "y"], grades) == 0.0
    assert reciprocal_rank(["c", "x", "a"], grades) == pytest.approx(1 / 3)
    assert reciprocal_rank(["b", "c"], grades) == 0.0, "MRR counts the answer (the best grade) only"
    assert recall(["c", "x", "b"], grades) == pytest.approx(2 / 3)
    assert recall(["x"] * 20 + ["a"], grades) == 0.0, "recall@20 reads the first twenty"


@pytest.fixture(scope="module")
def judged(real):
    return load_judged(known_ids={doc.id for doc in documents(real.kb)})


def test_the_judged_set_names_records_the_knowledge_base_has(real):
    """About the compendium's content: every judged record is one of the repository's records."""
    ids = {doc.id for doc in documents(real.kb)}
    everything = load_judged()
    assert len(everything) >= 40
    missing = sorted({rid for j in everything for rid in j.grades} - ids)
    assert not missing, f"judged records the knowledge base does not have: {missing}"
    assert all(3 in j.grades.values() or max(j.grades.values()) >= 2 for j in everything), "each query has an answer"


@pytest.fixture(scope="module")
def compendium_index(tmp_path_factory):
    copy = tmp_path_factory.mktemp("relevance")
    for folder in CONTENT_FOLDERS:
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, copy / folder)
    assert run_cli("index", root=copy).returncode == 0
    return index_folder(copy)


def assert_above_floor(engine, rankings, judged):
    result = scores(rankings, judged)
    worst = sorted(result["per_query"].items(), key=lambda kv: kv[1]["ndcg@10"])[:5]
    for metric, floor in FLOORS[engine].items():
        assert result[metric] >= floor, f"{engine}: {metric} {result[metric]:.3f} < {floor}; worst queries: {worst}"


def test_the_command_line_ranks_the_judged_answers_above_the_floor(compendium_index, judged):
    """About the compendium's content (the judged queries)."""
    assert_above_floor("cli", {j.query: cli_ranking(compendium_index, j) for j in judged}, judged)


def test_the_website_ranks_the_judged_answers_above_the_floor(compendium_page, compendium_server, judged):  # noqa: F811
    """About the compendium's content (the judged queries), on the search page in Chromium."""
    assert_above_floor("site", {j.query: site_ranking(compendium_page, compendium_server, j) for j in judged}, judged)


# --- aliases ---------------------------------------------------------------------------------------------


def test_each_variant_is_printed_at_its_line_of_the_compendium(compendium):
    """About the compendium's content: the alias list invents no spelling."""
    import yaml

    lines = compendium.text.splitlines()
    for group in yaml.safe_load(ALIASES.read_text(encoding="utf-8"))["groups"]:
        assert len(group["variants"]) >= 2 and group.get("note")
        for variant in group["variants"]:
            line = lines[variant["line"] - 1]
            assert variant["text"] in line, f"l. {variant['line']} does not print {variant['text']!r}: {line!r}"


def test_a_query_is_expanded_with_its_variants_but_not_inside_phrases_fields_or_longer_names():
    assert groups(), "search/aliases.yaml holds no group"
    group = groups()[0]
    word = next(v for v in group if " " not in v)
    expanded = expand(f"{word} children")
    assert all(v in expanded for v in group) and " OR " in expanded and expanded.endswith(" children")
    assert expand(f'"{word} children"') == f'"{word} children"'
    assert expand(f"org:{word}") == f"org:{word}"
    assert expand(f"{word}-2") == f"{word}-2"
    assert set(variants_for(f"the {word} said")) == {v for v in group if fold(v) != fold(word)}


@pytest.mark.parametrize("one, other, record", [("Kharangon", "Kharagon", "tajikistan-organization-sanatorium-kharagon"),
                                                ("Kharagon", "Kharangon", "tajikistan-organization-sanatorium-kharangon"),
                                                ("AVID", "AIVD", "netherlands-figure-dutch-adults-linked-to-foreign-fighters-remaining-c4fec2fd")])
def test_a_spelling_finds_the_records_of_the_other_in_both_searches(compendium_index, compendium_page,  # noqa: F811
                                                                    compendium_server, real, one, other, record):
    """About the compendium's content: the record spells the name only the other way."""
    doc = next(d for d in documents(real.kb) if d.id == record)
    text = " ".join([doc.title, doc.text, doc.org])
    assert other in text and one not in text, "the record spells it the other way"
    assert record in cli_ranking(compendium_index, Judged(one, {}))
    assert record in site_ranking(compendium_page, compendium_server, Judged(one, {}))


# --- "did you mean" ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["psychologist", '"under the age of 10"', "de-radicalisation", "imams OR theologians"])
def test_no_suggestion_for_a_plural_a_stop_word_a_hyphenated_term_or_an_operator(compendium_index, compendium_page,  # noqa: F811
                                                                                  compendium_server, query):
    """About the compendium's content: words it has, in another number or with stop words and hyphens."""
    result = search(compendium_index, query)
    assert result.suggestion is None, result.suggestion
    compendium_page.goto(f"{compendium_server}/search.html?q={quote(query)}")
    compendium_page.locator("#kb-search[data-state=done]").wait_for(state="attached", timeout=15000)
    assert compendium_page.locator(".kb-search-suggestion").is_hidden()


def test_a_query_with_good_results_gets_no_suggestion_but_a_misspelling_does(compendium_index):
    """About the compendium's content."""
    assert search(compendium_index, "Zhusan").suggestion is None
    assert search(compendium_index, "rehabilitaton").suggestion == "rehabilitation"
