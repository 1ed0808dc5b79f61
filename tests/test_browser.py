"""The built site in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Covers: home, navigation to a practice and a country, the matrix links, site search
opening a quote at its anchor, the comparison control, the quote filters, no console
errors, no request to another host, axe-core accessibility, and file:// (offline).
Screenshots of the key pages go to tests/screenshots/.
"""

import functools
import json
import re
import threading
from collections import Counter
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect, sync_playwright

from conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "tests" / "screenshots"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(built_site):
    handler = functools.partial(QuietHandler, directory=str(built_site))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: run `bash scripts/test.sh` (it installs it)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    """A page that records console errors and every request's host."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.console_errors, page.foreign = [], []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))

    def watch(request):
        url = urlparse(request.url)
        if url.scheme in ("http", "https") and url.hostname != "127.0.0.1":
            page.foreign.append(request.url)

    page.on("request", watch)
    yield page
    assert not page.console_errors, page.console_errors
    assert not page.foreign, f"requests to another host: {page.foreign}"
    context.close()


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_home_page(page, server, real):
    page.goto(server + "/")
    expect(page.locator("h1")).to_contain_text("Rehabilitation and reintegration")
    for practice in real.kb.practices:
        expect(page.locator(f'article a[href="practices/{practice.id}.html"]')).to_have_text(practice.title)
    shot(page, "home")


def test_navigate_to_a_practice_and_a_country(page, server, real):
    practice = real.kb.practices[0]
    page.goto(server + "/")
    page.locator(f'article a[href="practices/{practice.id}.html"]').click()
    expect(page.locator("h1")).to_contain_text(practice.title)
    shot(page, "practice")
    country = next(c for c in real.kb.countries if c.examples)
    page.locator(".md-tabs__link", has_text="Countries").click()
    page.locator("article a", has_text=country.name).first.click()
    expect(page.locator("h1")).to_contain_text(country.name)
    shot(page, "country")


def test_matrix_links_open_the_example(page, server, real):
    country, example = next((c, ex) for c in real.kb.countries for ex in c.examples)
    page.goto(server + "/")
    page.locator(".md-tabs__link", has_text="Compare").click()
    expect(page.locator("h1")).to_contain_text("Key practices by country")
    shot(page, "matrix")
    page.locator(f'article a[href="countries/{country.id}.html#{example.id}"]').first.click()
    assert page.url.endswith(f"countries/{country.id}.html#{example.id}")
    expect(page.locator(f"[id='{example.id}']")).to_be_in_viewport()


def search_for(page, words):
    """Type into the site's search box as a reader does (the '/' shortcut focuses it)."""
    page.wait_for_load_state("networkidle")
    page.keyboard.press("/")
    page.keyboard.type(words, delay=30)


def distinctive_word(built_site, location):
    """A word found in the search index entry at `location` and in no other entry."""
    docs = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    words = lambda d: set(re.findall(r"[a-z]{6,}", (d["title"] + " " + d["text"]).lower()))  # noqa: E731
    counts = Counter(w for d in docs for w in words(d))
    target = next(d for d in docs if d["location"] == location)
    unique = sorted(w for w in words(target) if counts[w] == 1)
    assert unique, f"no distinctive word in {location}"
    return unique[0]


def test_search_finds_a_quote_and_opens_it_at_its_anchor(page, server, built_site, real):
    country = next(c for c in real.kb.countries if c.quotes)
    quote = country.quotes[0]
    location = f"countries/{country.id}.html#{quote.id}"
    word = distinctive_word(built_site, location)
    page.goto(server + "/")
    search_for(page, word)
    # Material adds ?h=<words> (to highlight them on the page) before the anchor.
    page_url, anchor = location.split("#")
    result = page.locator(f'.md-search-result a[href*="{page_url}"][href$="#{anchor}"]').first
    expect(result).to_be_visible(timeout=15000)
    shot(page, "search")
    result.click()
    page.wait_for_url(re.compile(re.escape(page_url) + r".*#" + re.escape(anchor) + "$"))
    expect(page.locator(f"[id='{quote.id}']")).to_be_in_viewport()


def test_comparison_control_hides_and_shows_a_country(page, server, real):
    country = real.kb.countries[0]
    page.goto(server + "/compare.html")
    cells = page.locator(f'.kb-compare [data-country="{country.id}"]')
    expect(cells.first).to_be_visible()
    page.get_by_label(country.name, exact=True).uncheck()
    expect(cells.first).to_be_hidden()
    shot(page, "compare")
    page.get_by_label(country.name, exact=True).check()
    expect(cells.first).to_be_visible()


def test_quote_filters(page, server, real):
    country = next(c for c in real.kb.countries if c.quotes)
    total = len(real.kb.all_quotes())
    page.goto(server + "/quotes.html")
    expect(page.locator("#kb-filter-count")).to_have_text(f"{total} of {total} quotes")
    page.select_option("#kb-filter-country", country.id)
    expect(page.locator("#kb-filter-count")).to_have_text(f"{len(country.quotes)} of {total} quotes")
    expect(page.locator(".kb-quote-card:visible")).to_have_count(len(country.quotes))


@pytest.mark.parametrize("path", ["/", "/practices/family-ties.html", "/countries/kazakhstan.html", "/matrix.html",
                                  "/compare.html", "/quotes.html", "/sources/compendium.html", "/charts.html"])
def test_accessibility(page, server, path):
    assert AXE.exists(), "axe-core is missing: run `bash scripts/test.sh` (it installs it from the npm registry)"
    page.goto(server + path)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, "\n".join(serious)


def test_works_from_file_urls(browser, built_site, real):
    context = browser.new_context()
    page = context.new_page()
    foreign = []
    page.on("request", lambda r: not r.url.startswith(("file:", "data:", "blob:")) and foreign.append(r.url))
    page.goto((built_site / "index.html").as_uri())
    practice = real.kb.practices[-1]
    page.locator(f'article a[href="practices/{practice.id}.html"]').click()
    expect(page.locator("h1")).to_contain_text(practice.title)
    search_for(page, "rehabilitation")
    expect(page.locator(".md-search-result__item").first).to_be_visible(timeout=15000)
    assert not foreign, foreign
    context.close()
