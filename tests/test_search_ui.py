"""The search page and the Quotes page as a reader uses them, in headless Chromium: a visible focus ring
that stays on the checkbox just ticked, the results before the filters on a phone, rows that say what
each result is and where it rests in its source, contrast in light and dark, and no layout shift as
the results arrive.

Every test runs on every knowledge base: the facets, rows and counts it expects come from the records."""

import pytest
from playwright.sync_api import expect

from knowledge_base.index import documents
from knowledge_base.models import Country, Locator
from knowledge_base.site_search import KIND_LABELS
from test_browser import a_word_of, browser, key_pages, page, serious_violations, server, shot  # noqa: F401

PHONE = {"width": 390, "height": 844}

# The focused element's outline, and its contrast with the nearest opaque background around the element.
RING = """() => {
  const e = document.activeElement;
  const target = e.matches('.md-option') ? e.nextElementSibling : e;  // the palette toggle rings its label
  const style = getComputedStyle(target);
  const channels = (c) => c.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => [r, g, b].map((c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  let node = target.parentElement, back = [255, 255, 255];
  for (; node; node = node.parentElement) {
    const c = channels(getComputedStyle(node).backgroundColor);
    if (c.length < 4 || c[3] > 0.5) { back = c; break; }
  }
  const [a, b] = [luminance(channels(style.outlineColor)), luminance(back)];
  return {id: e.id, visible: e.matches(':focus-visible'), style: style.outlineStyle,
          width: parseFloat(style.outlineWidth), contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)};
}"""


def done(page):
    expect(page.locator("#kb-search[data-state=done]")).to_be_attached(timeout=15000)


def open_facet(page, facet):
    """Open a facet's disclosure (facets are closed until a reader opens one: its filter file is fetched then)."""
    page.locator(f"#kb-facet-{facet}").click()
    expect(page.locator(f"details[data-facet={facet}] .kb-facet-option:not([hidden])").first).to_be_visible(timeout=15000)
    done(page)


def assert_ring(page, what):
    ring = page.evaluate(RING)
    assert ring["visible"], f"{what}: focused by the keyboard, but not :focus-visible"
    assert ring["style"] not in ("none", "hidden") and ring["width"] >= 2, f"{what}: no 2 px focus ring ({ring})"
    assert ring["contrast"] >= 3, f"{what}: the focus ring's contrast is {ring['contrast']:.2f}:1, under 3:1"
    return ring


def keyboard_focus(page, selector):
    """Give an element the keyboard's focus as a reader does: from the control before it, with Tab."""
    page.locator(selector).focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == page.locator(selector).get_attribute("id")


def quotes_of_a_country(kb):
    """The country with the most quotes, and how many it has."""
    counts = {c.id: sum(1 for o, _ in kb.all_quotes() if o.id == c.id) for c in kb.countries}
    country = max(kb.countries, key=lambda c: counts[c.id])
    return country, counts[country.id]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_facet_shows_its_focus_and_keeps_it_when_ticked(browser, server, loaded, scheme):  # noqa: F811
    country, count = quotes_of_a_country(loaded.kb)
    assert count, "a knowledge base has quotes of a country"
    context = browser.new_context(viewport={"width": 1366, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{server}/quotes.html")
    done(page)
    open_facet(page, "country")
    box = f"#kb-facet-country-{country.id}"
    keyboard_focus(page, box)
    assert_ring(page, f"the {country.name} checkbox")
    page.keyboard.press("Space")  # tick it: the list of facets is counted again...
    expect(page.locator(".kb-search-status")).to_have_text(f"{count} result{'s' if count > 1 else ''}")
    done(page)
    assert page.evaluate("document.activeElement.id") == box[1:], "focus stays on the checkbox just ticked"
    expect(page.locator(box)).to_be_checked()
    assert_ring(page, f"the {country.name} checkbox, ticked")
    page.keyboard.press("Space")  # ...and untick it
    expect(page.locator(".kb-search-status")).to_have_text(f"{len(loaded.kb.all_quotes())} results")
    done(page)
    assert page.evaluate("document.activeElement.id") == box[1:]
    expect(page.locator(box)).not_to_be_checked()
    context.close()


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_control_of_the_search_page_shows_its_focus(browser, server, loaded, scheme, width):  # noqa: F811
    """Tab through the whole page, the header's search box and the palette toggle included (on a phone
    the drawer's links and the "Filters" button too): each stop has a solid ring at least 2 px wide, at
    least 3:1 against what surrounds it."""
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(server + key_pages(loaded.kb)["search"])
    done(page)
    stops = page.evaluate("document.querySelectorAll('a[href], button:not([hidden]), input:not([type=hidden]), summary').length")
    seen = []
    for _ in range(stops + 5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            break
        what = page.evaluate("(e => e.outerHTML.slice(0, 90))(document.activeElement)")
        assert_ring(page, what)
        seen.append(what)
    assert any("kb-header-search" in s or 'aria-label="Search the knowledge base"' in s for s in seen), seen
    assert any(("kb-facet-" if width > 600 else "kb-search-filters-toggle") in s for s in seen), \
        "the facets (on a phone, their button) are reached by the keyboard"
    context.close()


@pytest.mark.parametrize("kind", ["quotes", "search"])
def test_on_a_phone_the_results_come_first_and_the_filters_open_on_demand(browser, server, loaded, kind):  # noqa: F811
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(server + key_pages(loaded.kb)[kind])
    done(page)
    first = page.locator(".kb-search-result").first
    top = first.evaluate("e => e.getBoundingClientRect().top + window.scrollY")
    assert top < 1.2 * PHONE["height"], f"the first result is {top / PHONE['height']:.2f} screens down"
    toggle = page.get_by_role("button", name="Filters")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator(".kb-search-facets")).to_be_hidden()
    shot(page, f"{kind}-phone")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator(".kb-search-facets")).to_be_visible()
    open_facet(page, "kind")
    kind_box = page.locator(".kb-search-facets input[data-facet=kind]:visible").first
    expect(kind_box).to_be_visible()
    toggle.click()
    expect(page.locator(".kb-search-facets")).to_be_hidden()
    context.close()


def words(text: str, n: int) -> list[str]:
    """The first n words of a text, without the punctuation that ends them (Pagefind ends a block with ".")."""
    return [w.strip(".,;:!?") for w in text.split()[:n]]


def expected_rows(kb) -> dict[str, dict]:
    """What each record's row says, from the records: its kind, its countries' names, and the places of
    its sources it cites (or else the section of the source it is based on)."""
    names = {c.id: c.name for c in kb.countries}
    rows = {doc.id: {"kind": KIND_LABELS[doc.kind], "countries": [names[c] for c in doc.country if c in names]}
            for doc in documents(kb)}

    def cited(cites, based_on):
        places = [loc for loc in cites if isinstance(loc, Locator)]
        if places:
            return [kb.sources[loc.source].short_title for loc in places] + [
                str(loc.note) if loc.note is not None else (loc.page or loc.section) for loc in places]
        return [kb.sources[based_on[0].source].short_title] + ([based_on[0].section] if based_on[0].section else [])

    for country in kb.countries:
        rows[country.id]["source"] = cited([], country.based_on)
        for item in (*country.examples, *country.facts):
            rows[item.id]["source"] = cited(item.cites, country.based_on)
        for org in country.organizations:
            rows[org.id]["source"] = cited(org.cites, country.based_on)
        for part in ("context", "approach"):
            for passage in getattr(country, part):
                rows[passage.id]["source"] = cited(passage.cites, country.based_on)
        for op in country.operations:
            rows[op.id]["source"] = cited(op.cites, country.based_on)
        for figure in country.figures:
            rows[figure.id]["source"] = cited(figure.cites, country.based_on)
    for practice in kb.practices:
        rows[practice.id]["source"] = cited([], practice.based_on)
    for lesson in kb.lessons:
        rows[lesson.id]["source"] = cited([], lesson.based_on)
    for owner, quote in kb.all_quotes():
        rows[quote.id]["source"] = cited(quote.cites, owner.based_on)
    return rows


@pytest.mark.parametrize("kind", ["quotes", "search"])
def test_a_result_row_says_its_kind_country_and_source_and_its_excerpt_not_its_title(page, server, loaded, kind):  # noqa: F811
    expected = expected_rows(loaded.kb)
    quotes = {q.id: (o, q) for o, q in loaded.kb.all_quotes()}
    page.goto(server + key_pages(loaded.kb)[kind])
    done(page)
    rows = page.locator(".kb-search-result").evaluate_all("""rows => rows.map(r => ({
        id: r.dataset.id, title: r.querySelector('.kb-search-title').textContent,
        kind: r.querySelector('.kb-search-kind').textContent,
        country: (r.querySelector('.kb-search-country') || {}).textContent || '',
        source: (r.querySelector('.kb-search-source') || {}).textContent || '',
        excerpt: r.querySelector('.kb-search-excerpt').textContent}))""")
    assert rows
    for row in rows:
        want = expected[row["id"]]
        assert row["kind"] == want["kind"], row
        for name in want["countries"][:2]:  # a row names two countries and counts the others
            assert name in row["country"], (row, want)
        if len(want["countries"]) > 3:
            assert f"{len(want['countries']) - 2} other countries" in row["country"], row
        if "source" in want:  # a footnote is its own place in its source: its title says it
            for part in want["source"]:
                assert part in row["source"], (row, want)
        title, excerpt = row["title"].strip(), row["excerpt"].lstrip("… ").strip()
        n = len(title.split())
        assert words(excerpt, n) != words(title, n), f"the excerpt repeats the title: {row}"
        assert f"{title}. {title}" not in row["excerpt"], row
        if row["id"] in quotes:  # a quote's row: who said it above, the quote's own words below
            owner, quote = quotes[row["id"]]
            assert title == (", ".join(filter(None, [quote.speaker, quote.organization])) or "Unattributed")
            assert words(excerpt, 3) == words(quote.text, 3) or row["excerpt"].startswith("…"), row
            if isinstance(owner, Country):
                assert row["country"] == owner.name


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", ["search", "quotes"])
def test_no_serious_accessibility_issue_in_light_or_dark(browser, server, loaded, kind, scheme, width):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(server + key_pages(loaded.kb)[kind])
    done(page)
    if width < 600:
        page.get_by_role("button", name="Filters").click()  # the facets too
    serious = serious_violations(page)
    context.close()
    assert not serious, "\n".join(serious)


SHIFTS = """
window.kbShifts = [];
new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.kbShifts.push(e.value); })
  .observe({type: 'layout-shift', buffered: true});
"""


@pytest.mark.parametrize("width", [1366, 412])
@pytest.mark.parametrize("kind", ["search", "quotes"])
def test_the_results_arrive_without_moving_the_page(browser, server, loaded, kind, width):  # noqa: F811
    """The space of the count, the filters' button and the results is kept while they load: the page's
    layout shift stays under 0.1 (the "good" limit), however fast the results come."""
    context = browser.new_context(viewport={"width": width, "height": 823}, is_mobile=width < 600, has_touch=width < 600)
    context.add_init_script(SHIFTS)
    page = context.new_page()
    page.goto(server + key_pages(loaded.kb)[kind])
    done(page)
    page.wait_for_load_state("networkidle")
    shift = page.evaluate("window.kbShifts.reduce((a, b) => a + b, 0)")
    context.close()
    assert shift < 0.1, f"layout shift {shift:.3f}"
