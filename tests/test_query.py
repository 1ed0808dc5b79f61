"""The query language (knowledge_base/query.py) is one grammar for both searches: the command line's
parser and the search page's (search.js, in Chromium, reading the grammar the build writes into the
site) make the same tree of every query of tests/query_cases.yaml, and refuse the same queries; Whoosh,
which answers the command line, reads each query as its tree says. That both searches then find the same
records for boolean, phrase and field queries is tested in test_site_search.py, on queries made from
each knowledge base's records."""

import json
from pathlib import Path

import pytest
import yaml
from whoosh.query import And, Not, Or

from knowledge_base.query import GRAMMAR, QueryError, for_whoosh, parse
from knowledge_base.search import make_parser
from test_browser import browser, page, server  # noqa: F401

CASES = yaml.safe_load((Path(__file__).parent / "query_cases.yaml").read_text(encoding="utf-8"))
TREES = [(case["query"], case["tree"]) for case in CASES["trees"]]
ERRORS = [(case["query"], case["error"]) for case in CASES["errors"]]


@pytest.mark.parametrize("query, tree", TREES, ids=[q for q, _ in TREES])
def test_the_command_line_parses_each_case_into_its_tree(query, tree):
    assert parse(query) == tree


@pytest.mark.parametrize("query, error", ERRORS, ids=[q for q, _ in ERRORS])
def test_the_command_line_refuses_each_malformed_case(query, error):
    with pytest.raises(QueryError, match=error):
        parse(query)


def _whoosh(tree, parser):
    """The Whoosh query a tree stands for: its leaves as Whoosh's parser reads them, joined as the tree says."""
    kind = tree["type"]
    if kind in ("and", "or"):
        return (And if kind == "and" else Or)([_whoosh(child, parser) for child in tree["children"]])
    if kind == "not":
        return Not(_whoosh(tree["child"], parser))
    if kind == "phrase":
        return parser.parse(f'"{tree["text"]}"')
    if kind == "field":
        value = f'"{tree["value"]}"' if tree["phrase"] else tree["value"]
        return parser.parse(f"{tree['field']}:{value}")
    return parser.parse(tree["text"])


@pytest.mark.parametrize("query, tree", TREES, ids=[q for q, _ in TREES])
def test_whoosh_reads_each_case_as_its_tree_says(query, tree):
    """The command line hands Whoosh the query (a leading minus written NOT): the grammar's precedence is
    Whoosh's own, so the tree is what the command line searches."""
    parser = make_parser()
    assert parser.parse(for_whoosh(query)).normalize() == _whoosh(tree, parser).normalize()


def test_the_site_has_the_grammar_of_the_command_line(site):
    assert json.loads((site / "search" / "grammar.json").read_text(encoding="utf-8")) == GRAMMAR


JS_PARSE = """async (queries) => {
  const grammar = await (await fetch('search/grammar.json')).json();
  return queries.map((q) => { try { return {tree: window.kbSearchQuery.parse(q, grammar)}; }
                              catch (error) { return {error: error.message}; } });
}"""


def test_the_search_page_parses_every_case_as_the_command_line_does(page, server):  # noqa: F811
    page.goto(f"{server}/search.html")
    page.wait_for_function("() => window.kbSearchQuery")
    answers = page.evaluate(JS_PARSE, [q for q, _ in TREES] + [q for q, _ in ERRORS])
    for (query, tree), answer in zip(TREES, answers):
        assert answer == {"tree": tree}, query
    for (query, error), answer in zip(ERRORS, answers[len(TREES):]):
        assert error in answer.get("error", ""), (query, answer)


def _fields_and_operators():
    return sorted(set(GRAMMAR["fields"].values())), sorted(GRAMMAR["operators"].values())


def test_the_readme_documents_every_field_and_operator_of_the_grammar():
    from conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### `python build.py search"):readme.index("### `python build.py new")]
    fields, operators = _fields_and_operators()
    for word in [f"`{f}:" for f in fields] + [f" {op} " for op in operators] + [" -"]:
        assert word in section, f"README.md's search section does not show {word.strip()!r}"


def test_the_search_pages_help_shows_every_field_and_operator_of_the_grammar(site):
    help_text = (site / "search.html").read_text(encoding="utf-8").split("How to search", 1)[1]
    fields, operators = _fields_and_operators()
    for word in [f"{f}:" for f in fields] + [f"{op}" for op in operators] + [" -"]:
        assert word in help_text, f"the search page's help does not show {word.strip()!r}"
