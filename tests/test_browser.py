"""The built site in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Covers: home, navigation to a practice and a country, the matrix links, the comparison
control, no console errors, no request to another host, axe-core accessibility, and
file:// (every page reads; search explains it needs a server). The search page has its
own module, test_site_search.py.
Each test runs on every knowledge base (`site`, `loaded`): the pages it visits are chosen from the
records. Screenshots of the key pages go to tests/screenshots/.
"""

import functools
import json
import re
import threading
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


def serve(folder):
    handler = functools.partial(QuietHandler, directory=str(folder))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_port}"


@pytest.fixture(scope="module")
def server(site):
    """Each knowledge base's site, served on localhost."""
    httpd, address = serve(site)
    yield address
    httpd.shutdown()


@pytest.fixture(scope="module")
def compendium_server(built_site):
    """The repository's site: for tests about the compendium's own content."""
    httpd, address = serve(built_site)
    yield address
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: run `bash scripts/test.sh` (it installs it)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def watched_page(browser):
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


@pytest.fixture
def page(browser, server):
    yield from watched_page(browser)


@pytest.fixture
def compendium_page(browser, compendium_server):
    yield from watched_page(browser)


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it stands, one line each."""
    assert AXE.exists(), "axe-core is missing: run `bash scripts/test.sh` (it installs it from the npm registry)"
    # axe reads colours from what is painted; the blocks kb.css leaves unpainted off screen (content-visibility)
    # are painted as a reader scrolls to them, so paint them all first, or axe sees what lies beneath.
    page.add_style_tag(content=".md-typeset > * { content-visibility: visible !important; }")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def richest(kb):
    """The country profile with the most parts: the page that exercises most of the template."""
    return max(kb.countries, key=lambda c: sum(bool(getattr(c, part)) for part in
                                               ("figures", "operations", "examples", "facts", "organizations",
                                                "challenges", "quotes", "context", "approach")))


def a_word_of(kb, country: int = 0, avoid: str = "") -> str:
    """A word of the first country's summary (or of another's) that the search finds, the longest whose stem
    starts no word of another stem (the site's search also matches a word's beginning: 'return' finds
    'returnees'), and other than `avoid`."""
    from whoosh.lang.porter2 import stem

    from knowledge_base.rules import strings_of

    vocabulary = {w for r in kb.records() for _, text in strings_of(r) for w in re.findall(r"[a-z]+", text.lower())}
    for word in sorted(set(re.findall(r"[a-z]{4,}", kb.countries[country].summary.lower())), key=lambda w: (-len(w), w)):
        if word != avoid and all(stem(other) == stem(word) for other in vocabulary if other.startswith(stem(word))):
            return word
    raise AssertionError("no word of the first country's summary to search for")


def key_pages(kb) -> dict[str, str]:
    """One page of each kind, chosen from the records."""
    return {"home": "/", "practice": f"/practices/{kb.practices[0].id}.html",
            "country": f"/countries/{richest(kb).id}.html", "matrix": "/matrix.html", "compare": "/compare.html",
            "quotes": "/quotes.html", "search": f"/search.html?q={a_word_of(kb)}",
            "source": f"/sources/{next(iter(kb.sources))}.html", "charts": "/charts.html"}


def test_home_page(page, server, loaded):
    page.goto(server + "/")
    expect(page.locator("h1")).to_contain_text("Rehabilitation and reintegration")
    for practice in loaded.kb.practices:
        expect(page.locator(f'article a[href="practices/{practice.id}.html"]')).to_have_text(f"{practice.number}. {practice.title}")
    shot(page, "home")


def test_navigate_to_a_practice_and_a_country(page, server, loaded):
    practice = loaded.kb.practices[0]
    page.goto(server + "/")
    page.locator(f'article a[href="practices/{practice.id}.html"]').click()
    expect(page.locator("h1")).to_contain_text(practice.title)
    shot(page, "practice")
    country = richest(loaded.kb)
    page.locator(".md-tabs__link", has_text="Countries").click()
    page.locator("article a", has_text=country.name).first.click()
    expect(page.locator("h1")).to_contain_text(country.name)
    shot(page, "country")


def test_matrix_links_open_the_example(page, server, loaded):
    country, example = next((c, ex) for c in loaded.kb.countries for ex in c.examples)
    page.goto(server + "/")
    page.locator(".md-tabs__link", has_text="Compare").click()
    expect(page.locator("h1")).to_contain_text("Key practices by country")
    shot(page, "matrix")
    practice = loaded.kb.practice(example.practices[0])
    count = len(loaded.kb.matrix_cell(practice.id, country.id).examples)
    label = f"{count} example{'' if count == 1 else 's'} of key practice {practice.number} in {country.name}"
    page.locator(f"article summary[aria-label='{label}']").click()
    page.locator(f'article a[href="countries/{country.id}.html#{example.id}"]').first.click()
    assert page.url.endswith(f"countries/{country.id}.html#{example.id}")
    expect(page.locator(f"[id='{example.id}']")).to_be_in_viewport()


def test_comparison_control_hides_and_shows_a_country(page, server, loaded):
    """The comparison opens with the first countries that have figures to compare; a tick box hides a
    country's column and shows another's (tests/test_compare_view.py checks the rest of the page)."""
    from knowledge_base.render import COMPARE_DEFAULT_COUNTRIES, COMPARE_ROWS

    rows = dict(COMPARE_ROWS)
    with_figures = [c for c in loaded.kb.countries if any((f.metric, f.group) in rows for f in c.figures)]
    first = (with_figures or loaded.kb.countries)[0]
    other = next((c for c in loaded.kb.countries if c not in with_figures[:COMPARE_DEFAULT_COUNTRIES]), None)
    page.goto(server + "/compare.html")
    cells = page.locator(f'.kb-cmp [data-country="{first.id}"]')
    expect(cells.first).to_be_visible()
    page.get_by_label(first.name, exact=True).uncheck()
    expect(cells.first).to_be_hidden()
    shot(page, "compare")
    page.get_by_label(first.name, exact=True).check()
    expect(cells.first).to_be_visible()
    if other is not None:
        expect(page.locator(f'.kb-cmp [data-country="{other.id}"]').first).to_be_hidden()
        page.get_by_label(other.name, exact=True).check()
        expect(page.locator(f'.kb-cmp [data-country="{other.id}"]').first).to_be_visible()


@pytest.mark.parametrize("kind", ["home", "practice", "country", "matrix", "compare", "quotes", "search", "source",
                                  "charts"])
def test_accessibility(page, server, loaded, kind):
    page.goto(server + key_pages(loaded.kb)[kind])
    page.wait_for_load_state("networkidle")
    serious = serious_violations(page)
    assert not serious, "\n".join(serious)


@pytest.mark.parametrize("kind", ["home", "country", "matrix", "charts", "search"])
def test_dark_mode_follows_the_system_and_keeps_its_contrast(browser, server, loaded, kind):
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(server + key_pages(loaded.kb)[kind])
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    serious = serious_violations(page)
    context.close()
    assert not serious, "\n".join(serious)


def test_works_from_file_urls(browser, site, loaded):
    """Every page reads from file://; search says it needs a server, and how to start one."""
    context = browser.new_context()
    page = context.new_page()
    foreign = []
    page.on("request", lambda r: not r.url.startswith(("file:", "data:", "blob:")) and foreign.append(r.url))
    page.goto((site / "index.html").as_uri())
    practice = loaded.kb.practices[-1]
    page.locator(f'article a[href="practices/{practice.id}.html"]').click()
    expect(page.locator("h1")).to_contain_text(practice.title)
    page.goto((site / "search.html").as_uri() + f"?q={a_word_of(loaded.kb)}")
    expect(page.locator(".kb-search-offline")).to_be_visible()
    expect(page.locator(".kb-search-offline")).to_contain_text("python -m http.server -d site")
    assert not foreign, foreign
    context.close()


def test_a_footnote_marker_shows_its_citation_on_hover_and_on_focus(page, server, loaded):
    from knowledge_base.render import note_anchor

    country, passage = next((c, p) for c in loaded.kb.countries for p in c.context + c.approach
                            if p.cites and loaded.kb.note(p.cites[0]) and loaded.kb.note(p.cites[0]).text)
    page.goto(server + f"/countries/{country.id}.html")
    note = loaded.kb.note(passage.cites[0])
    marker = page.locator(f".kb-cite[id] a[href='#{note_anchor(passage.cites[0])}']").first
    marker.hover()
    expect(page.locator("#kb-tip")).to_be_visible()
    expect(page.locator("#kb-tip")).to_contain_text(" ".join(note.text.split())[:40])
    page.mouse.move(0, 0)
    expect(page.locator("#kb-tip")).to_be_hidden()
    marker.focus()  # keyboard, and a tap, give focus
    expect(page.locator("#kb-tip")).to_be_visible()
    assert marker.get_attribute("aria-describedby") == "kb-tip"
    marker.click()  # ...and the link leads to the page's own list of sources, which links back
    entry = page.locator(f"[id='{marker.get_attribute('href')[1:]}']").locator("xpath=..")
    expect(entry).to_be_in_viewport()
    back = entry.locator("a.kb-backref").first
    target = back.get_attribute("href")[1:]
    back.click()
    expect(page.locator(f"[id='{target}']")).to_be_in_viewport()  # the marker (or its paragraph) it came from


def test_cite_this_quote_copies_a_permanent_address(browser, server, loaded):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    country = next(c for c in loaded.kb.countries if c.quotes)
    quote = country.quotes[0]
    page.clock.set_fixed_time("2031-05-04T10:00:00Z")  # a reader on another day than the build's
    page.goto(server + f"/countries/{country.id}.html#{quote.id}")
    card = page.locator(f"[id='{quote.id}']")
    assert card.locator("pre").count() == 0, "the formats stay inert until the block is opened"
    card.locator("summary", has_text="Cite this quote").click()
    expect(card.locator(".kb-cite-format")).to_have_text(["Plain text", "BibTeX", "CSL-JSON"])
    expect(card.locator("pre")).to_have_count(3)
    card.locator("button.md-code__button[data-md-type=copy]").first.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert f"https://returnees-kb.github.io/knowledge-base/countries/{country.id}.html#{quote.id}" in copied
    assert "version" in copied and "(accessed 2031-05-04)." in copied, copied
    card.locator("button.md-code__button[data-md-type=copy]").nth(2).click()  # the CSL-JSON
    assert json.loads(page.evaluate("navigator.clipboard.readText()"))["accessed"] == {"raw": "2031-05-04"}
    page.locator("#cite-this-page").scroll_into_view_if_needed()
    cite_page = page.locator("details.kb-cite", has=page.locator("summary", has_text="Cite this page"))
    cite_page.locator("summary").click()
    cite_page.locator("button.md-code__button[data-md-type=copy]").nth(1).click()  # the BibTeX
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(f"@misc{{{country.id},")
    assert f"url = {{https://returnees-kb.github.io/knowledge-base/countries/{country.id}.html}}" in copied
    context.close()


def test_the_matrix_fits_the_screen_and_a_cell_opens_its_examples(browser, server, loaded):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(server + "/matrix.html")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    table = page.locator(".kb-matrix")
    assert table.evaluate("t => t.getBoundingClientRect().right") <= 1366, "every country's column is on screen"
    practice, country, example = next((p, c, ex) for p in loaded.kb.practices for c in loaded.kb.countries
                                      for ex in loaded.kb.matrix_cell(p.id, c.id).examples)
    count = len(loaded.kb.matrix_cell(practice.id, country.id).examples)
    label = f"{count} example{'' if count == 1 else 's'} of key practice {practice.number} in {country.name}"
    cell = page.get_by_role("group").filter(has=page.locator(f"summary[aria-label='{label}']"))
    summary = cell.locator("summary")
    expect(summary).to_contain_text(f"● {count}")
    summary.focus()
    page.keyboard.press("Enter")  # the keyboard opens it as a click does
    link = cell.locator(f"a[href='countries/{country.id}.html#{example.id}']")
    expect(link).to_be_visible()
    shot(page, "matrix-open")
    context.close()


def test_no_page_is_wider_than_a_phone(browser, server, site, loaded):
    """Every page of the site, at 390 px."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    wide = []
    paths = sorted({"/" + p.relative_to(site).as_posix() for p in site.rglob("*.html")} | {key_pages(loaded.kb)["search"]})
    for path in paths:
        page.goto(server + path)
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide.append(f"{path}: {width}px")
    assert not wide, wide
    context.close()


LAYOUT_SHIFTS = """
window.kbShifts = [];
new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.kbShifts.push(e.value); })
  .observe({type: "layout-shift", buffered: true});
"""


@pytest.mark.parametrize("width", [1366, 412])
def test_no_page_moves_as_it_opens(browser, server, site, loaded, width):
    """Every page of the site, on a desktop and on a phone: its layout
    shift while it opens stays under 0.1 (Lighthouse's "good" limit). The blocks the browser skips off
    screen (kb.css, content-visibility) must never be the ones on screen."""
    context = browser.new_context(viewport={"width": width, "height": 823 if width < 600 else 900},
                                  is_mobile=width < 600, has_touch=width < 600)
    context.add_init_script(LAYOUT_SHIFTS)
    page = context.new_page()
    moved = []
    paths = sorted({"/" + p.relative_to(site).as_posix() for p in site.rglob("*.html")} | {key_pages(loaded.kb)["search"]})
    for path in paths:
        page.goto(server + path)  # "load": the theme's script has run and laid the page out
        page.wait_for_timeout(150)
        shift = page.evaluate("window.kbShifts.reduce((a, b) => a + b, 0)")
        if shift >= 0.1:
            moved.append(f"{path}: {shift:.3f}")
    context.close()
    assert not moved, moved


def test_the_footer_says_licence_version_build_and_where_to_report(page, server, loaded):
    page.goto(server + f"/countries/{loaded.kb.countries[-1].id}.html")
    footer = page.locator(".md-copyright")
    expect(footer).to_contain_text("CC BY 4.0")
    expect(footer).to_contain_text("version ")
    expect(footer).to_contain_text("built ")
    expect(footer.get_by_role("link", name="Report an error")).to_have_attribute(
        "href", re.compile(r"/issues/new\?template=report-a-correction\.yml"))


@pytest.mark.parametrize("width", [1366, 390])
def test_chart_labels_are_readable_and_fit_at_desktop_and_phone_widths(browser, server, loaded, width):
    """Every text of every chart is at least 12 px and inside the chart's box, on a desktop and on a phone."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/charts.html")
    texts = page.eval_on_selector_all(".kb-chart-svg text", """els => els.map(t => {
        const box = t.getBoundingClientRect(), svg = t.ownerSVGElement.getBoundingClientRect();
        return {text: t.textContent, size: parseFloat(getComputedStyle(t).fontSize),
                inside: box.left >= svg.left - 1 && box.right <= svg.right + 1}; })""")
    assert texts, "no chart drawn"
    small = [t["text"] for t in texts if t["size"] < 12]
    outside = [t["text"] for t in texts if not t["inside"]]
    assert not small, f"labels under 12 px at {width} px: {small[:5]}"
    assert not outside, f"labels cut off at {width} px: {outside[:5]}"
    context.close()
