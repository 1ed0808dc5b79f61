"""The site on a phone (touch, 390 px) and on paper (A4), in headless Chromium.

A tapped citation marker shows its citation in place and a second tap follows it; the matrix's headers
never break inside a word and its practice column stays in view as the table scrolls; the matrix prints
on at most four A4 pages, the comparison without cutting a column off, a country page with its notes
and without the site's chrome; a source's page lists only its groups of notes in its table of contents,
and a link to a note opens the note. Each test runs on every knowledge base and derives what it
expects from the records.
"""

import re

import pytest
from playwright.sync_api import expect

from test_browser import browser, server, richest  # noqa: F401

PHONE = {"width": 390, "height": 844}
A4_WIDTH = round((210 - 2 * 12) / 25.4 * 96)  # the text width of an A4 page with print.css's 12 mm margins, in CSS px


def pages_of(pdf: bytes) -> int:
    """The number of pages of a PDF: its page objects (/Type /Page, not the /Pages tree)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def note_groups(kb, source) -> list[list[int]]:
    """A source's notes as its page groups them: runs of consecutive notes first cited by the same page."""
    runs: list[tuple[str, list[int]]] = []
    for note in sorted(source.notes, key=lambda n: n.number):
        cited = kb.citations.get((source.id, note.number))
        group = kb.title_of_page(cited[0].page) if cited else None
        if runs and runs[-1][0] == group:
            runs[-1][1].append(note.number)
        else:
            runs.append((group, [note.number]))
    return [numbers for _, numbers in runs]


def a_cited_note(kb):
    """A country and a citation marker of its running text whose note has a text."""
    return next((c, p.cites[0]) for c in kb.countries for p in c.context + c.approach
                if p.cites and kb.note(p.cites[0]) and kb.note(p.cites[0]).text)


@pytest.fixture
def phone(browser):  # noqa: F811
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    assert not errors, errors
    context.close()


def test_a_tapped_footnote_marker_shows_its_citation_and_a_second_tap_follows_it(phone, server, loaded):  # noqa: F811
    from knowledge_base.render import note_anchor

    country, locator = a_cited_note(loaded.kb)
    phone.goto(server + f"/countries/{country.id}.html")
    url = phone.url
    marker = phone.locator(f".kb-cite[id] a[href='#{note_anchor(locator)}']").first
    marker.scroll_into_view_if_needed()
    top = phone.evaluate("scrollY")
    marker.tap()
    tip = phone.locator("#kb-tip")
    expect(tip).to_be_visible()
    expect(tip).to_contain_text(" ".join(loaded.kb.note(locator).text.split())[:40])
    box = tip.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], "the citation fits the phone's width"
    assert phone.url == url and phone.evaluate("scrollY") == top, "the first tap does not follow the link"
    marker.tap()  # the second tap on the same marker follows it to the page's list of sources
    expect(phone).to_have_url(url + f"#{note_anchor(locator)}")
    expect(phone.locator(f"[id='{note_anchor(locator)}']").locator("xpath=..")).to_be_in_viewport()


def test_a_tap_elsewhere_hides_the_citation_and_a_tap_on_another_marker_shows_its_own(phone, server, loaded):  # noqa: F811
    country = next((c for c in loaded.kb.countries if len(dict(phone_markers(loaded.kb, c))) >= 2), None)
    if country is None:
        pytest.skip("no country's running text cites two notes with a text")
    first, second = list(dict(phone_markers(loaded.kb, country)).items())[:2]
    phone.goto(server + f"/countries/{country.id}.html")
    url = phone.url
    tip = phone.locator("#kb-tip")
    for anchor, text in (first, second):
        marker = phone.locator(f".kb-cite[id] a[href='#{anchor}']").first
        marker.scroll_into_view_if_needed()
        marker.tap()
        expect(tip).to_be_visible()
        expect(tip).to_contain_text(text[:40])
    assert phone.url == url, "a first tap on another marker shows its citation, and does not follow it"
    phone.locator("h1").tap()
    expect(tip).to_be_hidden()


def phone_markers(kb, country):
    """(marker anchor, note text) of each cited note with a text in a country's running text."""
    from knowledge_base.render import note_anchor

    return [(note_anchor(loc), " ".join(kb.note(loc).text.split())) for p in country.context + country.approach
            for loc in p.cites if kb.note(loc) and kb.note(loc).text]


WORDS_ON_LINES = """table => {
    // Each word of each header (split at spaces, and after a hyphen, where a line may break): the lines it is on.
    const split = [];
    for (const th of table.querySelectorAll("th")) {
        const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const node = walker.currentNode;
            for (const match of node.nodeValue.matchAll(/[^\\s-]+-?/g)) {
                const range = document.createRange();
                range.setStart(node, match.index);
                range.setEnd(node, match.index + match[0].length);
                const tops = new Set(Array.from(range.getClientRects(), r => Math.round(r.top)));
                if (tops.size > 1) split.push(match[0]);
            }
        }
    }
    return split;
}"""


@pytest.mark.parametrize("width", [390, 1366])
def test_no_matrix_header_breaks_inside_a_word(browser, server, loaded, width):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(server + "/matrix.html")
    table = page.locator(".kb-matrix")
    headers = table.locator("thead th")
    expect(headers).to_have_count(len(loaded.kb.countries) + 1)
    for country in loaded.kb.countries:
        expect(table.locator("thead")).to_contain_text(country.name)
    assert table.evaluate(WORDS_ON_LINES) == [], "words split across two lines"
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_matrix_practice_column_stays_in_view_as_the_table_scrolls(browser, server, loaded, scheme):  # noqa: F811
    context = browser.new_context(viewport=PHONE, color_scheme=scheme, has_touch=True)
    page = context.new_page()
    page.goto(server + "/matrix.html")
    box = page.locator(".kb-matrix-scroll")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth"), "on a phone the matrix scrolls sideways"
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    assert box.evaluate("b => b.scrollLeft") > 0
    left = box.evaluate("b => b.getBoundingClientRect().left + b.clientLeft")
    for practice in loaded.kb.practices:
        cell = page.locator(".kb-matrix tbody th", has_text=f"{practice.number}. {practice.title}")
        cell.scroll_into_view_if_needed()
        rect = cell.bounding_box()
        assert abs(rect["x"] - left) <= 1, f"practice {practice.number}'s cell scrolled away"
        # On top of the cells scrolling under it, and opaque: what shows at its centre is the cell itself.
        on_top = cell.evaluate("""th => { const r = th.getBoundingClientRect();
            const hit = document.elementFromPoint(r.left + r.width / 2, r.top + Math.min(r.height / 2, 8));
            return th.contains(hit); }""")
        assert on_top, f"practice {practice.number}'s cell is covered"
        background = cell.evaluate("th => getComputedStyle(th).backgroundColor")
        alpha = re.fullmatch(r"rgba?\((\d+), (\d+), (\d+)(?:, ([\d.]+))?\)", background).group(4)
        assert alpha is None or float(alpha) == 1, f"the practice column's background is not opaque: {background}"
    context.close()


def test_the_matrix_prints_on_at_most_four_a4_pages(browser, server, loaded):  # noqa: F811
    page = browser.new_page()
    page.goto(server + "/matrix.html")
    pdf = page.pdf(format="A4")
    assert 1 <= pages_of(pdf) <= 4, f"{pages_of(pdf)} pages"
    # On paper the whole table is on the page (no scrolling box), every example of every cell listed.
    page.set_viewport_size({"width": A4_WIDTH, "height": 1123})
    page.emulate_media(media="print")
    page.evaluate("dispatchEvent(new Event('beforeprint'))")  # Material opens every <details>, as printing does
    table = page.locator(".kb-matrix")
    assert table.evaluate("t => t.getBoundingClientRect().right") <= A4_WIDTH + 1
    for practice in loaded.kb.practices:
        for country in loaded.kb.countries:
            for example in loaded.kb.matrix_cell(practice.id, country.id).examples:
                expect(table.locator(f"a[href='countries/{country.id}.html#{example.id}']").first).to_be_visible()
    assert table.evaluate(WORDS_ON_LINES) == []
    page.close()


def test_the_comparison_prints_every_country_without_cutting_a_column_off(browser, server, loaded):  # noqa: F811
    page = browser.new_page(viewport={"width": A4_WIDTH, "height": 1123})
    page.goto(server + "/compare.html?countries=" + ",".join(c.id for c in loaded.kb.countries))  # every country
    page.emulate_media(media="print")
    page.evaluate("dispatchEvent(new Event('beforeprint'))")
    table = page.locator(".kb-cmp")
    right = page.evaluate("document.querySelector('.md-content').getBoundingClientRect().right")
    for country in loaded.kb.countries:
        header = table.locator("thead th", has_text=country.name).first
        expect(header).to_be_visible()
        assert header.bounding_box()["x"] + header.bounding_box()["width"] <= right + 1, f"{country.name} is cut off"
    assert table.evaluate("t => t.getBoundingClientRect().right") <= right + 1
    assert page.evaluate("document.documentElement.scrollWidth") <= A4_WIDTH
    pdf = page.pdf(format="A4")
    assert pages_of(pdf) >= 1
    page.close()


def test_a_country_page_prints_with_its_notes_and_without_the_sites_chrome(browser, server, loaded):  # noqa: F811
    from knowledge_base.render import note_anchor

    country = richest(loaded.kb)
    page = browser.new_page(viewport={"width": A4_WIDTH, "height": 1123})
    page.goto(server + f"/countries/{country.id}.html")
    page.emulate_media(media="print")
    page.evaluate("dispatchEvent(new Event('beforeprint'))")
    for chrome in (".md-header", ".md-tabs", ".md-sidebar", ".md-footer", ".kb-header-search", ".kb-record-actions"):
        for element in page.locator(chrome).all():
            expect(element).to_be_hidden()
    cited = loaded.kb.cited_on(country)
    assert cited, "the richest country cites its sources"
    for loc in cited:  # the list of sources at the foot of the page, every note of it
        expect(page.locator(f"[id='{note_anchor(loc)}']").locator("xpath=..")).to_be_visible()
    for details in page.locator("article details:not(.kb-cite)").all():  # editors' notes and the like, open
        assert details.evaluate("d => d.open")
        expect(details.locator(":scope > *:not(summary)").first).to_be_visible()
    page.close()


def test_a_source_page_lists_only_its_groups_of_notes_and_a_link_to_a_note_opens_it(browser, server, loaded):  # noqa: F811
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    source = max(loaded.kb.sources.values(), key=lambda s: len(s.notes))
    groups = note_groups(loaded.kb, source)
    assert groups, "a knowledge base has a source with notes"
    page.goto(server + f"/sources/{source.id}.html")
    toc = page.locator("nav.md-nav--secondary[aria-label='Table of contents']").last.locator("a.md-nav__link")
    assert toc.count() <= len(groups) + 3, [toc.nth(i).inner_text() for i in range(toc.count())]  # + Cited in, Notes
    for numbers in groups:
        expect(page.locator(f"[id='notes-from-{numbers[0]}']")).to_be_attached()
    last = groups[-1][-1]
    expect(page.locator(f"[id='fn-{last}']")).to_be_hidden()  # folded
    page.goto(server + f"/sources/{source.id}.html#fn-{last}")  # a link from another page
    expect(page.locator(f"[id='fn-{last}']")).to_be_in_viewport()
    first = groups[0][0]
    if first != last:  # a link on the page itself
        page.evaluate(f"location.hash = '#fn-{first}'")
        expect(page.locator(f"[id='fn-{first}']")).to_be_in_viewport()
    context.close()
