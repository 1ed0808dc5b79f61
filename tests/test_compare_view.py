"""The comparison page (compare.html) in headless Chromium, on every knowledge base.

What it checks, each expectation derived from the records: every chosen country's column can be seen
whole at 1366 px, inside the table's own scroll box (the page never scrolls sideways); the first column
and the header row stay in view; the choice of countries and rows is read from the address and written
back to it; the CSV download holds exactly the figures shown; a figure with an `area` (a region,
Europe) never sits in a national row, and every figure says whom it counts; nothing in the page's
content moves as it loads.
"""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from test_browser import browser, page, server  # noqa: F401

from knowledge_base.render import COMPARE_DEFAULT_COUNTRIES, COMPARE_REGIONAL_ROW, COMPARE_ROWS
from knowledge_base.tables import note_ids

ROW_LABELS = dict(COMPARE_ROWS)
REGIONAL, REGIONAL_LABEL = COMPARE_REGIONAL_ROW
WIDE = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}


def compared(country):
    """(figure id, figure) of a country's figures that the comparison shows: those of a compared metric."""
    return [(f.id, f) for f in country.figures if (f.metric, f.group) in ROW_LABELS]


def row_of(f) -> str:
    """The row a figure belongs in, in the page's address: its metric and group, or the regional row."""
    return REGIONAL if f.area else f"{f.metric}-{f.group}".replace("_", "-")


def rows_of(kb) -> list[str]:
    """The table's rows, in order: each compared metric some country states as its own, then the regional row."""
    stated = {row_of(f) for c in kb.countries for _, f in compared(c)}
    return [r for r in [f"{m}-{g}".replace("_", "-") for (m, g), _ in COMPARE_ROWS] + [REGIONAL] if r in stated]


def default_countries(kb) -> list[str]:
    """What the intro promises: the first countries of the list with figures to compare."""
    with_figures = [c.id for c in kb.countries if compared(c)] or [c.id for c in kb.countries]
    return with_figures[:COMPARE_DEFAULT_COUNTRIES]


def address(countries=None, rows=None) -> str:
    query = [f"{name}={','.join(ids)}" for name, ids in (("countries", countries), ("rows", rows)) if ids is not None]
    return "/compare.html" + ("?" + "&".join(query) if query else "")


def shown(page, attribute):
    """The countries (data-country) or rows (data-row) the table shows."""
    selector = "thead th[data-country]" if attribute == "data-country" else "tbody tr[data-row]"
    return page.eval_on_selector_all(f".kb-cmp {selector}", f"""els => els.filter(e => e.offsetParent !== null)
        .map(e => e.getAttribute("{attribute}"))""")


def scroll_to_column(page, country_id):
    """Scroll the table's box (not the page) so that the country's column ends at the box's right edge,
    or starts right of the sticky first column, whichever shows it whole."""
    page.evaluate("""id => {
        const box = document.querySelector(".kb-cmp-scroll");
        const th = box.querySelector(`thead th[data-country="${id}"]`);
        const sticky = box.querySelector("thead th").offsetWidth;
        box.scrollLeft = Math.min(th.offsetLeft - sticky, th.offsetLeft + th.offsetWidth - box.clientWidth);
        box.scrollTop = 0;
    }""", country_id)


def boxes(page, country_id):
    """The visible area of the scroll box (right of the sticky first column), and the boxes of the
    country's header and cells, in viewport coordinates."""
    return page.evaluate("""id => {
        const box = document.querySelector(".kb-cmp-scroll"), r = box.getBoundingClientRect();
        const sticky = box.querySelector("thead th").getBoundingClientRect();
        const area = {left: sticky.right, right: r.left + box.clientLeft + box.clientWidth};
        const cells = [...box.querySelectorAll(`[data-country="${id}"]`)].filter(e => e.offsetParent !== null)
            .map(e => { const b = e.getBoundingClientRect(); return {left: b.left, right: b.right, tag: e.tagName}; });
        return {area, cells, viewport: document.documentElement.clientWidth,
                page: document.documentElement.scrollWidth};
    }""", country_id)


@pytest.mark.parametrize("choice", ["default", "every country"])
def test_every_chosen_country_is_seen_whole_at_1366_px(page, server, loaded, choice):
    kb = loaded.kb
    chosen = default_countries(kb) if choice == "default" else [c.id for c in kb.countries]
    page.set_viewport_size(WIDE)
    page.goto(server + address(None if choice == "default" else chosen))
    assert shown(page, "data-country") == chosen
    metrics = page.evaluate("""() => { const box = document.querySelector(".kb-cmp-scroll");
        return {scroll: box.scrollWidth, client: box.clientWidth}; }""")
    if choice == "default":  # the default fits the content width: nothing to scroll
        assert metrics["scroll"] <= metrics["client"], metrics
    for country in chosen:
        scroll_to_column(page, country)
        seen = boxes(page, country)
        assert seen["page"] <= seen["viewport"], f"the page scrolls sideways: {seen['page']} > {seen['viewport']} px"
        assert len(seen["cells"]) == 1 + len(rows_of(kb)), f"{country}: a header and a cell per row"
        for cell in seen["cells"]:
            assert seen["area"]["left"] - 1 <= cell["left"] and cell["right"] <= seen["area"]["right"] + 1, \
                f"{country}'s {cell['tag']} is cut off: {cell} outside {seen['area']}"
            assert 0 <= cell["left"] and cell["right"] <= seen["viewport"]


def test_the_choice_is_read_from_the_address_and_written_back(page, server, loaded):
    kb = loaded.kb
    ids, rows = [c.id for c in kb.countries], rows_of(kb)
    chosen = [ids[-1], ids[0]] if len(ids) > 1 else ids  # not the default: the last and the first
    page.set_viewport_size(WIDE)
    page.goto(server + address(chosen, rows[:1]))
    assert shown(page, "data-country") == [i for i in ids if i in chosen]
    assert shown(page, "data-row") == rows[:1]
    for country in kb.countries:
        box = page.locator(f'.kb-cmp-controls input[name="country"][value="{country.id}"]')
        (expect(box).to_be_checked if country.id in chosen else expect(box).not_to_be_checked)()

    other = next((c for c in kb.countries if c.id not in chosen), None)
    if other is not None:
        page.get_by_label(other.name, exact=True).check()
        now = [i for i in ids if i in chosen or i == other.id]
        assert f"countries={','.join(now)}" in page.url
        assert shown(page, "data-country") == now
    now = shown(page, "data-country")
    page.locator("details.kb-cmp-rows summary").click()
    if len(rows) > 1:  # show the last row as well, then hide the first: the address follows
        last = rows[-1]
        page.get_by_label(REGIONAL_LABEL if last == REGIONAL else ROW_LABELS[tuple(last.split("-", 1))], exact=True).check()
        assert f"rows={rows[0]},{last}" in page.url or len(rows) == 2 and "rows=" not in page.url
    page.locator('.kb-cmp-controls input[name="row"]').first.uncheck()
    left = rows[-1:] if len(rows) > 1 else []
    assert shown(page, "data-row") == left
    assert f"rows={','.join(left)}" in page.url

    page.goto(page.url)  # the address written restores the same table
    assert shown(page, "data-country") == now
    assert shown(page, "data-row") == left
    expect(page.locator(".kb-cmp-rows-count")).to_have_text(f"{len(left)} of {len(rows)} shown")


def test_the_csv_download_holds_exactly_the_figures_shown(page, server, loaded):
    kb = loaded.kb
    # the countries with the most figures to compare (a regional one among them where there is one)
    by_figures = sorted(kb.countries, key=lambda c: (not any(f.area for _, f in compared(c)), -len(compared(c))))
    chosen = [c.id for c in by_figures[:2]]
    rows = rows_of(kb)
    hidden = rows[0] if len(rows) > 1 else None
    kept = [r for r in rows if r != hidden]
    page.set_viewport_size(WIDE)
    page.goto(server + address(chosen, kept))
    with page.expect_download() as info:
        page.get_by_role("button", name="Download these figures (CSV)").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    lines = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))

    expected = {fid: (c, f) for c in kb.countries if c.id in chosen for fid, f in compared(c) if row_of(f) in kept}
    assert sorted(line["figure_id"] for line in lines) == sorted(expected), "one line per figure shown, no other"
    for line in lines:
        country, f = expected[line["figure_id"]]
        assert line["country"] == country.id and line["country_name"] == country.name
        assert line["row"] == (REGIONAL_LABEL if f.area else ROW_LABELS[(f.metric, f.group)])
        assert float(line["value"]) == f.value
        assert (float(line["value_max"]) if line["value_max"] else None) == f.value_max
        assert line["counts"] == " ".join(f.label.split())
        assert line["area"] == (f.area or "") and line["as_of"] == (str(f.as_of) if f.as_of else "")
        assert line["footnotes"] == ";".join(note_ids(f.cites))


def test_a_regional_figure_never_sits_in_a_national_row(page, server, loaded):
    kb = loaded.kb
    page.set_viewport_size(WIDE)
    page.goto(server + address([c.id for c in kb.countries]))
    placed = dict(page.eval_on_selector_all(".kb-cmp-figure", """els => els.map(e => [e.dataset.figure,
        {row: e.closest("tr").dataset.row, country: e.closest("td").dataset.country,
         counts: e.querySelector(".kb-figure-label").textContent, area: e.querySelector(".kb-cmp-area")?.textContent}])"""))
    figures = {fid: (c, f) for c in kb.countries for fid, f in compared(c)}
    assert sorted(placed) == sorted(figures), "every compared figure once"
    for fid, (country, f) in figures.items():
        where = placed[fid]
        assert where["country"] == country.id
        assert where["row"] == row_of(f), f"{fid} ({f.label}) in row {where['row']}"
        assert " ".join(f.label.split()) in where["counts"], f"{fid} does not say whom it counts"
        assert where["area"] == f.area
    regional = [fid for fid, (_, f) in figures.items() if f.area]
    if not regional:
        pytest.skip("no figure with an `area` in this knowledge base (tests/fixtures/other-kb has one)")
    expect(page.locator(f'.kb-cmp tr[data-row="{REGIONAL}"] th')).to_contain_text(REGIONAL_LABEL)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_first_column_stays_and_a_cue_shows_more_columns(page, server, loaded, scheme):
    kb = loaded.kb
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size(PHONE)
    page.goto(server + address([c.id for c in kb.countries]))
    box = page.locator(".kb-cmp-scroll")
    sizes = box.evaluate("b => ({scroll: b.scrollWidth, client: b.clientWidth})")
    assert sizes["scroll"] > sizes["client"], f"every country at 390 px should need scrolling: {sizes}"
    more = page.locator(".kb-cmp-more")
    cue = "getComputedStyle(document.querySelector('.kb-cmp-frame'), '::after').opacity"
    expect(more).to_be_visible()
    page.wait_for_function(f"{cue} === '1'")  # the shadow on the right edge (it fades in)
    first = page.locator(".kb-cmp tbody th").first
    start = first.bounding_box()
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    expect(more).to_be_hidden()
    page.wait_for_function(f"{cue} === '0'")
    after = first.bounding_box()
    assert abs(after["x"] - start["x"]) < 1, "the row labels scrolled away"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the page scrolls sideways"
    more_left = page.evaluate("document.querySelector('.kb-cmp-frame').classList.contains('kb-cmp-more-left')")
    assert more_left


def test_the_header_row_stays_in_view(page, server, loaded):
    kb = loaded.kb
    page.set_viewport_size(WIDE)
    page.goto(server + address([c.id for c in kb.countries]))
    natural = page.evaluate("document.querySelector('.kb-cmp').offsetHeight")
    # a screen lower than the table, so that it scrolls inside its box
    page.set_viewport_size({"width": WIDE["width"], "height": max(360, min(WIDE["height"], natural - 1))})
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    header_bottom = page.evaluate("document.querySelector('.md-header').getBoundingClientRect().bottom")
    head = page.locator(".kb-cmp thead th").first
    top = head.bounding_box()["y"]
    assert header_bottom - 1 <= top, "the header row is under the site's header when the page is scrolled to its end"
    box = page.locator(".kb-cmp-scroll")
    if box.evaluate("b => b.scrollHeight > b.clientHeight"):
        box.evaluate("b => { b.scrollTop = b.scrollHeight; }")
        first_row = page.locator(".kb-cmp tbody tr").first.bounding_box()
        assert abs(head.bounding_box()["y"] - top) < 1, "the header row moved with the rows"
        assert first_row["y"] < top, "the rows did not scroll under the header row"


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1366", "390"])
def test_nothing_in_the_page_moves_as_it_loads(page, server, loaded, viewport):
    """The address's choice is applied before the table is drawn: no layout shift inside the content."""
    kb = loaded.kb
    ids = [c.id for c in kb.countries]
    page.set_viewport_size(viewport)
    page.goto(server + address(ids[-2:], rows_of(kb)[-1:]))
    page.wait_for_load_state("networkidle")
    shifts = page.evaluate("""() => new Promise(done => {
        const found = [], observer = new PerformanceObserver(list => found.push(...list.getEntries()));
        observer.observe({type: "layout-shift", buffered: true});
        setTimeout(() => {
            found.push(...observer.takeRecords());
            observer.disconnect();
            done(found.filter(e => !e.hadRecentInput).flatMap(e => e.sources)
                 .map(s => s.node && s.node.nodeType === 1 ? s.node : s.node && s.node.parentElement)
                 .filter(n => n && n.closest(".md-content")).map(n => n.outerHTML.slice(0, 100)));
        }, 100);
    })""")
    assert not shifts, f"content moved as the page loaded: {shifts}"


def test_without_javascript_every_country_is_shown(browser, server, loaded):
    context = browser.new_context(java_script_enabled=False, viewport=WIDE)
    page = context.new_page()
    page.goto(server + "/compare.html")
    assert shown(page, "data-country") == [c.id for c in loaded.kb.countries]
    expect(page.locator(".kb-cmp-controls")).to_be_hidden()
    expect(page.get_by_role("link", name="figures.csv")).to_have_attribute("href", "downloads/figures.csv")
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_serious_with_every_country_shown(page, server, loaded, scheme):
    """Every country shown (the table scrolls sideways), the rows' choice open, in light and dark."""
    from test_browser import serious_violations

    page.emulate_media(color_scheme=scheme)
    page.goto(server + address([c.id for c in loaded.kb.countries]))
    page.locator("details.kb-cmp-rows summary").click()
    serious = serious_violations(page)
    assert not serious, "\n".join(serious)
