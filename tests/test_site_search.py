"""The website's search (Pagefind) in headless Chromium: the same answers as `build.py search`,
facets with counts, field syntax, "did you mean", the state in the address, the Quotes page.

The generic tests run on every knowledge base, with queries made from its records; the tests of
queries a researcher types about the compendium (Zhusan, mahalla, …) say so and use its site."""

import json
import re
from urllib.parse import parse_qs, quote, urlparse

import pytest
from playwright.sync_api import expect

from helpers import run_cli
from test_browser import (browser, compendium_page, compendium_server, page, server, shot,  # noqa: F401
                          a_word_of)

# Queries both searches must answer with the same records (ranking may differ): words, a field,
# a phrase, a footnote number, a filter-only query, and filters given as options and as facets.
# About the compendium's content:
COMPENDIUM_QUERIES = [
    ("Zhusan", {}),
    ("speaker:soltonbekova", {}),
    ("vocational", {}),
    ("vocational", {"kind": "quote", "country": "kosovo"}),
    ("mahalla", {}),
    ('"pre-trial detention"', {}),
    ("footnote:64", {}),
    ("kind:lesson", {}),
    ("prison", {"kind": "footnote"}),
    ("relatives", {"practice": "family-ties"}),
]
KINDS = ["word", "speaker", "phrase", "footnote", "kind-only", "filtered", "practice",
         # the query language's operators (knowledge_base/query.py), which Pagefind has not
         "or", "not", "minus", "phrase-or-word", "field-or-field", "not-field", "group"]


def query_of(kb, kind: str) -> tuple[str, dict]:
    """A query of each kind, made from the records of any knowledge base."""
    quotes = kb.all_quotes()
    owner, quote = next(((o, q) for o, q in quotes if q.speaker), quotes[0])
    if kind == "word":
        return a_word_of(kb), {}
    if kind in ("or", "not", "minus", "group"):
        first = a_word_of(kb)
        second = a_word_of(kb, country=-1, avoid=first)
        return {"or": f"{first} OR {second}", "not": f"{first} NOT {second}", "minus": f"{first} -{second}",
                "group": f"-({first} OR {second}) kind:quote"}[kind], {}
    if kind == "phrase-or-word":
        return f"{query_of(kb, 'phrase')[0]} OR {a_word_of(kb, country=-1)}", {}
    if kind == "field-or-field":
        return f"{query_of(kb, 'speaker')[0]} OR {query_of(kb, 'footnote')[0]}", {}
    if kind == "not-field":
        return f"{a_word_of(kb)} -kind:country", {}
    if kind == "speaker":
        return f"speaker:{(quote.speaker or quote.organization).split()[-1].lower()}", {}
    if kind == "phrase":  # three words in a row of a quote, none of them a stop word
        words = re.findall(r"[A-Za-z]+", " ".join(q.text for _, q in quotes))
        return '"' + next(" ".join(words[i:i + 3]) for i in range(len(words))
                          if all(len(w) > 4 for w in words[i:i + 3])) + '"', {}
    if kind == "footnote":
        return f"footnote:{next(n for _, n in kb.citations)}", {}
    if kind == "kind-only":
        return "kind:quote", {}
    if kind == "filtered":
        return a_word_of(kb), {"kind": "country", "country": kb.countries[0].id}
    practice = kb.practices[0]
    return re.findall(r"[a-z]{5,}", practice.summary.lower())[0], {"practice": practice.id}


def done(page):
    """Wait until the search page has shown its results (and looked for a better spelling)."""
    expect(page.locator("#kb-search[data-state=done]")).to_be_attached(timeout=15000)


def open_facet(page, facet):
    """Open a facet's disclosure, as a reader does, and wait for its options to be counted."""
    page.locator(f"#kb-facet-{facet}").click()
    expect(page.locator(f"details[data-facet={facet}] .kb-facet-option:not([hidden])").first).to_be_visible(timeout=15000)
    done(page)


def page_ids(page, server, query, filters=None):
    """The ids of every result the search page lists for a query (pressing "More results" to the end)."""
    params = "&".join(f"{k}={v}" for k, v in (filters or {}).items())
    page.goto(f"{server}/search.html?q={quote(query)}" + (f"&{params}" if params else ""))
    done(page)
    more = page.locator(".kb-search-more")
    for _ in range(100):  # 20 results a page
        if not more.is_visible():
            break
        more.click()
        done(page)
    return sorted(page.locator(".kb-search-result").evaluate_all("els => els.map(e => e.dataset.id)"))


def cli_ids(query, filters, root=None):
    args = ["search", query, "--json", "--limit", "1000"] + [a for k, v in filters.items() for a in (f"--{k}", v)]
    proc = run_cli(*args, root=root)
    assert proc.returncode == 0, proc.stderr
    return sorted(hit["id"] for hit in json.loads(proc.stdout)["hits"])


@pytest.mark.parametrize("kind", KINDS)
def test_the_site_and_the_command_line_find_the_same_records(page, server, loaded, kb_root, tmp_path, kind):  # noqa: F811
    query, filters = query_of(loaded.kb, kind)
    expected = cli_ids(query, filters, root=content_copy_of(kb_root, tmp_path))
    assert expected, f"the command line finds nothing for {query!r}: choose another query"
    assert page_ids(page, server, query, filters) == expected


def content_copy_of(root, tmp_path):
    """A copy of a knowledge base's records, where the command line may write its index."""
    import shutil

    from conftest import CONTENT_FOLDERS

    for folder in CONTENT_FOLDERS:
        if (root / folder).is_dir():
            shutil.copytree(root / folder, tmp_path / folder)
    return tmp_path


@pytest.mark.parametrize("query, filters", COMPENDIUM_QUERIES,
                         ids=[q + "".join(f"+{v}" for v in f.values()) for q, f in COMPENDIUM_QUERIES])
def test_the_compendiums_queries_find_the_same_records_on_the_site_and_the_command_line(
        compendium_page, compendium_server, query, filters):  # noqa: F811
    expected = cli_ids(query, filters)
    assert expected, f"the command line finds nothing for {query!r}: choose another query"
    assert page_ids(compendium_page, compendium_server, query, filters) == expected


def test_zhusan_lists_a_kazakhstan_result_first_three(compendium_page, compendium_server):  # noqa: F811
    page, server = compendium_page, compendium_server
    page.goto(f"{server}/search.html?q=Zhusan")
    first = page.locator(".kb-search-result a").first
    expect(first).to_be_visible(timeout=15000)
    hrefs = page.locator(".kb-search-result a").evaluate_all("els => els.slice(0, 3).map(e => e.getAttribute('href'))")
    titles = page.locator(".kb-search-result").evaluate_all("els => els.slice(0, 3).map(e => e.textContent)")
    assert any("kazakhstan" in h or "Kazakhstan" in t for h, t in zip(hrefs, titles)), (hrefs, titles)
    shot(page, "search-zhusan")


def test_speaker_field_shows_only_kyrgyzstan_quotes(compendium_page, compendium_server):  # noqa: F811
    page, server = compendium_page, compendium_server
    page.goto(f"{server}/search.html?q=speaker:Soltonbekova")
    expect(page.locator(".kb-search-result").first).to_be_visible(timeout=15000)
    for href in page.locator(".kb-search-result a").evaluate_all("els => els.map(e => e.getAttribute('href'))"):
        assert href.startswith("countries/kyrgyzstan.html#kyrgyzstan-quote-"), href


def test_facets_narrow_count_and_keep_their_state_in_the_address(compendium_page, compendium_server):  # noqa: F811
    page, server = compendium_page, compendium_server
    page.goto(f"{server}/search.html?q=vocational")
    expect(page.locator(".kb-search-result").first).to_be_visible(timeout=15000)
    open_facet(page, "country")
    open_facet(page, "kind")
    kosovo = page.locator("#kb-facet-country-kosovo")
    count = int(page.locator("label[for=kb-facet-country-kosovo] .kb-count").inner_text())
    assert count > 1, "each facet value shows how many results it has"
    kosovo.check()
    page.locator("#kb-facet-kind-quote").check()
    expect(page.locator(".kb-search-status")).to_contain_text("1 result")
    assert re.search(r"[?&]country=kosovo", page.url) and re.search(r"[?&]kind=quote", page.url)
    for href in page.locator(".kb-search-result a").evaluate_all("els => els.map(e => e.getAttribute('href'))"):
        assert href.startswith("countries/kosovo.html#kosovo-quote-"), href
    shot(page, "search-facets")
    page.reload()  # the address alone brings the same search back
    expect(page.locator("#kb-facet-country-kosovo")).to_be_checked()
    expect(page.locator(".kb-search-status")).to_contain_text("1 result")
    page.go_back()
    expect(page.locator("#kb-facet-kind-quote")).not_to_be_checked()


def test_a_misspelling_is_answered_with_the_knowledge_bases_own_word(compendium_page, compendium_server):  # noqa: F811
    page, server = compendium_page, compendium_server
    page.goto(f"{server}/search.html?q=rehabilitaton")
    suggestion = page.locator(".kb-search-suggestion")
    expect(suggestion).to_contain_text("Did you mean rehabilitation?", timeout=15000)
    suggestion.locator("a").click()
    expect(page.locator(".kb-search-status")).to_contain_text("for “rehabilitation”")
    assert "q=rehabilitation" in page.url


def test_the_header_search_box_leads_to_the_search_page(page, server, loaded):  # noqa: F811
    word = a_word_of(loaded.kb)
    page.goto(f"{server}/countries/{loaded.kb.countries[-1].id}.html")
    box = page.get_by_role("searchbox", name="Search the knowledge base")
    box.fill(word)
    box.press("Enter")
    page.wait_for_url(re.compile(rf"/search\.html\?q={word}$"))
    expect(page.locator(".kb-search-result").first).to_be_visible(timeout=15000)


def test_the_quotes_page_filters_every_option(page, server, loaded):  # noqa: F811
    """The Quotes page is the search page for quotes: every country, practice and speaker option shows its
    quotes, and the address keeps the choice."""
    real = loaded
    quotes = list(real.kb.all_quotes())
    page.goto(f"{server}/quotes.html")
    expect(page.locator(".kb-search-status")).to_have_text(f"{len(quotes)} results", timeout=15000)
    expected = {
        "country": {c.id: sum(1 for o, q in quotes if o.id == c.id) for c in real.kb.countries},
        "practice": {p.id: sum(1 for _, q in quotes if p.id in q.practices) for p in real.kb.practices},
        "speaker": {},
    }
    for voice in real.kb.voices():  # one person, however the source spells the name
        expected["speaker"][voice.name] = len(voice.quotes)
    for facet, counts in expected.items():
        for value, count in counts.items():
            if not count:
                continue
            page.goto(f"{server}/quotes.html?{facet}={value}")
            expect(page.locator(".kb-search-status")).to_have_text(f"{count} result{'s' if count > 1 else ''}",
                                                                   timeout=15000)
            assert parse_qs(urlparse(page.url).query)[facet] == [value], "the address keeps the choice"
    # A speaker of one country with another country: nothing, said so.
    voice = next(v for v in real.kb.voices() if len({o.id for o, _ in v.quotes}) == 1)
    other = next(c for c in real.kb.countries if c.id != voice.quotes[0][0].id)
    page.goto(f"{server}/quotes.html?country={other.id}&speaker={voice.name}")
    expect(page.locator(".kb-search-empty")).to_be_visible()
    shot(page, "quotes")


def test_one_speaker_spelt_two_ways_is_one_speaker(real):
    """About the compendium's content: it spells Fionnuala Ní Aoláin with and without accents."""
    [voice] = [v for v in real.kb.voices() if v.name == "Fionnuala Ní Aoláin"]
    assert len(voice.quotes) == 2 and voice.variants


def passages_operations_figures(kb) -> dict[str, int]:
    """How many passages, operations and figures the records hold: each is its own search result."""
    intro = [kb.introduction] if kb.introduction else []
    return {"passage": sum(len(c.context) + len(c.approach) for c in kb.countries)
            + sum(len(p.description) for p in kb.practices) + sum(len(i.context) for i in intro),
            "operation": sum(len(c.operations) for c in kb.countries),
            "figure": sum(len(c.figures) for c in kb.countries) + sum(len(i.figures) for i in intro)}


def test_every_passage_operation_and_figure_is_a_record_that_opens_at_its_own_anchor(site, loaded):
    """Each is its own record in both searches (one list of documents feeds both), and its link opens the
    passage: an id that the rendered page has, not the page's top."""
    from knowledge_base.index import documents
    from knowledge_base.site_search import records

    expected = passages_operations_figures(loaded.kb)
    assert sum(expected.values()), "a knowledge base has passages"
    docs = [d for d in documents(loaded.kb) if d.kind in expected]
    assert {kind: sum(d.kind == kind for d in docs) for kind in expected} == expected
    assert {r["id"] for r in records(loaded.kb) if r["kind"] in expected} == {d.id for d in docs}
    pages = {}
    for doc in docs:
        page, _, anchor = doc.url.partition("#")
        assert anchor, f"{doc.id} links to the top of {page}"
        html = pages.setdefault(page, (site / page).read_text(encoding="utf-8"))
        assert f'id="{anchor}"' in html, f"{page} has no id {anchor!r} for {doc.kind} {doc.id}"
        assert doc.source, f"{doc.id}: its row says where it rests in its source"


def test_operations_are_found_as_operations_on_the_site_and_the_command_line(page, server, loaded, kb_root, tmp_path):  # noqa: F811
    operations = sorted(op.id for c in loaded.kb.countries for op in c.operations)
    if not operations:
        pytest.skip("this knowledge base records no operation")
    assert cli_ids("kind:operation", {}, root=content_copy_of(kb_root, tmp_path)) == operations
    assert page_ids(page, server, "kind:operation") == operations
    op = next(op for c in loaded.kb.countries for op in c.operations)
    page.goto(f"{server}/search.html?q=kind:operation")
    done(page)
    row = page.locator(f'.kb-search-result[data-id="{op.id}"]')
    expect(row.locator(".kb-search-kind")).to_have_text("Operation")
    assert row.locator("a").get_attribute("href").endswith(f"#{op.id}")


def status_count(page) -> int:
    return int(re.match(r"\d+", page.locator(".kb-search-status").inner_text()).group())


def test_or_finds_every_alternatives_records_and_suggests_nothing(page, server, loaded):  # noqa: F811
    """Pagefind has no OR: the page unites one search per alternative. "a OR b" finds at least what
    each finds alone, and is not "corrected" into something else."""
    first = a_word_of(loaded.kb)
    second = a_word_of(loaded.kb, country=-1, avoid=first)
    alone = {}
    for word in (first, second):
        page.goto(f"{server}/search.html?q={word}")
        done(page)
        alone[word] = status_count(page)
    page.goto(f"{server}/search.html?q={quote(f'{first} OR {second}')}")
    done(page)
    assert status_count(page) >= max(alone.values()) > 0
    expect(page.locator(".kb-search-suggestion")).to_be_hidden()


def test_imams_or_theologians_finds_more_than_imams_alone(compendium_page, compendium_server):  # noqa: F811
    """About the compendium's content: the issue's example, "imams OR theologians" gave fewer results than
    "imams", and the page suggested "imams org theologians"."""
    page, server = compendium_page, compendium_server
    counts = {}
    for query in ("imams", "theologians", "imams OR theologians"):
        page.goto(f"{server}/search.html?q={quote(query)}")
        done(page)
        counts[query] = status_count(page)
    assert counts["imams OR theologians"] >= max(counts["imams"], counts["theologians"]) > 0, counts
    expect(page.locator(".kb-search-suggestion")).to_be_hidden()
    assert counts["imams OR theologians"] == len(cli_ids("imams OR theologians", {}))


def test_filter_files_load_only_when_a_facet_is_opened(page, server, loaded, kb_root, tmp_path):  # noqa: F811
    """Pagefind's filter files are the heaviest part of the index: the page and a query of words fetch
    none, and opening a facet fetches its file, whose counts are the command line's."""
    filters: list[str] = []
    page.on("requestfinished", lambda request: "/pagefind/filter/" in request.url and filters.append(request.url))
    word = a_word_of(loaded.kb)
    page.goto(f"{server}/search.html?q={word}")
    done(page)
    page.wait_for_load_state("networkidle")
    assert not filters, f"filter files fetched on page load: {filters}"
    open_facet(page, "country")
    page.wait_for_load_state("networkidle")
    assert len(filters) == 1, f"opening the country facet fetches its filter file (and only it): {filters}"
    proc = run_cli("search", word, "--json", root=content_copy_of(kb_root, tmp_path))
    expected = json.loads(proc.stdout)["facets"]["country"]
    shown = page.locator("details[data-facet=country] .kb-facet-option:not([hidden]) input").evaluate_all(
        "boxes => Object.fromEntries(boxes.map(b => [b.value, +b.nextElementSibling.querySelector('.kb-count').textContent]))")
    assert shown == {country: n for country, n in expected.items() if n}


@pytest.mark.parametrize("query", ['"unclosed phrase', "colour:red", "AND OR"])
def test_a_query_the_language_cannot_read_is_said_so_as_on_the_command_line(page, server, kb_root, tmp_path, query):  # noqa: F811
    proc = run_cli("search", query, root=content_copy_of(kb_root, tmp_path))
    assert proc.returncode == 2, "the command line refuses it"
    page.goto(f"{server}/search.html?q={quote(query)}")
    done(page)
    expect(page.locator(".kb-search-status")).to_contain_text("This query cannot be read")
    assert page.locator(".kb-search-result").count() == 0
