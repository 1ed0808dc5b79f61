"""The policymakers' views: charts, timeline, organizations, lessons, glossary tooltips, citations, related quotes.

Each test runs on every knowledge base (`site`, `loaded`) and derives what it expects from the records; the
few about the compendium's own content use `built_site` and `real` and say so."""

import re
import xml.etree.ElementTree as ET
from html import unescape
from urllib.parse import urljoin

from test_site import page, text_of


def links(html):
    return [unescape(h) for h in re.findall(r'<a [^>]*href="([^"]+)"', html)]


def anchor_exists(site, origin, href):
    """Does a relative link from page `origin` lead to a page (and anchor) of the built site?"""
    target = urljoin(f"http://kb/{origin}", href)
    path, _, anchor = target.removeprefix("http://kb/").partition("#")
    html_file = site / (path or "index.html")
    if not html_file.is_file():
        return False
    return not anchor or f'id="{anchor}"' in html_file.read_text(encoding="utf-8")


def section_at(html, element_id, heading="h2"):
    """The HTML from the element with `element_id` up to the next heading of the same level."""
    start = html.index(f'id="{element_id}"')
    end = html.find(f"<{heading}", start)
    return html[start:end if end != -1 else None]


def expected_counts(kb, population):
    """What each country's bar of a chart must show, worked out from the records: its stated total; for women
    and children, the stated totals of women and children added; or the sum of its operations' counts, "≥" when
    some of its operations count none of that population; or "no figure"."""
    from knowledge_base.charts import operation_count

    out = {}
    for c in kb.countries:
        def stated(group):
            return next((f for f in c.figures if f.total and f.metric == "repatriated" and f.group == group
                         and f.area is None), None)

        figure, women, children = stated(population.group), stated("women"), stated("children")
        counted = [n for op in c.operations if (n := operation_count(op, population.group)) is not None]
        if figure:
            out[c.id] = (("≥ " if figure.bound == "lower" else "") + f"{figure.value:,}", "stated")
        elif population.group == "women_and_children" and women and children and women.bound == children.bound == "exact":
            out[c.id] = (f"{women.value + children.value:,}", "sum of stated totals")
        elif counted:
            out[c.id] = (("≥ " if len(counted) < len(c.operations) else "") + f"{sum(counted):,}", "from operations")
        else:
            out[c.id] = ("no figure", "no figure")
    return out


def test_each_chart_counts_one_population_says_how_and_has_an_axis(site, loaded):
    """Each chart is inline SVG with a title, a description, an axis with its unit, and one bar per country that
    counts the chart's population only (never a figure of another area), says how it was reached and for when; a
    chart no country has a count for is left out."""
    from knowledge_base.charts import POPULATIONS

    html = page(site, "charts")
    svgs = re.findall(r"<svg class=\"kb-chart-svg\"[^>]*>(.*?)</svg>\s*<figcaption", html, re.S)
    charted = [p for p in POPULATIONS if any(text != "no figure" for text, _ in expected_counts(loaded.kb, p).values())]
    assert len(svgs) == len(charted)
    for population, svg in zip(charted, svgs):
        ET.fromstring(f'<svg xmlns="http://www.w3.org/2000/svg">{svg}</svg>')  # well-formed
        assert re.search(r"<title id=\"[^\"]+\">" + re.escape(population.title), svg)
        assert f"Number of {population.noun}" in svg, "the axis says its unit"
        assert re.search(r'class="kb-chart-tick"[^>]*>0<', svg), "the axis starts at 0"
        desc = unescape(re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S).group(1))
        table = section_at(html, population.id)
        for country in loaded.kb.countries:
            text, how = expected_counts(loaded.kb, population)[country.id]
            assert f"{country.name}: {text} ({how})" in desc, (population.id, country.id, desc)
            assert f"{country.name} <tspan class=\"kb-chart-how\">· {how}" in svg, (population.id, country.id)
            row = next(r for r in re.findall(r"<tr>.*?</tr>", table, re.S) if f">{country.name}</a>" in r)
            cells = [text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            assert cells[1] == text, (population.id, country.id, cells)
            assert cells[3] not in ("", "—") or text == "no figure", f"{country.id}'s count in {population.id} has no date"


def test_each_chart_downloads_as_svg_and_csv_with_the_same_counts(site, loaded):
    """The SVG download is a standalone image with the chart's title; the CSV holds one row per country with the
    count the page shows; the page links both and a permalink to the chart."""
    import csv

    from knowledge_base.charts import POPULATIONS

    html = page(site, "charts")
    for population in POPULATIONS:
        expected = expected_counts(loaded.kb, population)
        if all(text == "no figure" for text, _ in expected.values()):
            assert not (site / "downloads" / "charts" / f"{population.id}.svg").exists()
            continue
        svg = (site / "downloads" / "charts" / f"{population.id}.svg").read_text(encoding="utf-8")
        root = ET.fromstring(svg)
        assert root.get("width") and population.title in "".join(root.itertext())
        with (site / "downloads" / "charts" / f"{population.id}.csv").open(encoding="utf-8", newline="") as f:
            rows = {row["country"]: row for row in csv.DictReader(f)}
        assert {cid: (row["count"], row["how"]) for cid, row in rows.items()} == expected
        section = section_at(html, population.id)
        for href in (f"downloads/charts/{population.id}.svg", f"downloads/charts/{population.id}.csv",
                     f"#{population.id}"):
            assert f'href="{href}"' in section, (population.id, href)


def test_germanys_children_returned_to_europe_are_not_charted_as_germanys(built_site, real):
    """About the compendium's content: Germany's only figure of children returned counts Europe's, and the
    children chart shows Germany's count from its operations instead."""
    germany = real.kb.country("germany")
    assert any(f.area == "Europe" and f.group == "children" for f in germany.figures)
    svg = re.search(r"<svg class=\"kb-chart-svg\"[^>]*aria-labelledby=\"children-title.*?</svg>",
                    page(built_site, "charts"), re.S).group(0)
    desc = unescape(re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S).group(1))
    assert re.search(r"Germany: ≥ \d+ \(from operations\)", desc), desc
    assert "200" not in desc


def test_each_home_card_leads_with_its_own_countrys_comparable_count(site, loaded):
    """A card's headline counts women and children where the records allow (stated, summed or from operations that
    all count them), and otherwise says plainly which population it counts."""
    from knowledge_base.charts import headline

    html = page(site, "index")
    cards = re.findall(r"<li>(.*?)</li>", html[html.index('id="countries"'):], re.S)
    for country in loaded.kb.countries:
        card = text_of(next(c for c in cards if f'href="countries/{country.id}.html"' in c))
        h = headline(loaded.kb, country)
        if h is None:
            assert "No count of people repatriated by the state" in card
            continue
        assert f"{h.text} {h.population.noun} repatriated by the state" in card, (country.id, card)
        expected = expected_counts(loaded.kb, h.population)[country.id][0]
        assert h.text == expected
        if h.population.group != "women_and_children":  # women and children are counted wherever the records allow
            from knowledge_base.charts import BY_ID
            assert expected_counts(loaded.kb, BY_ID["women-and-children"])[country.id][0].startswith(("≥", "no figure"))


def test_timeline_lists_every_operation_and_links_it(site, loaded):
    html = page(site, "timeline")
    hrefs = links(html)
    for country in loaded.kb.countries:
        for operation in country.operations:
            href = f"countries/{country.id}.html#{operation.id}"
            assert href in hrefs, f"{operation.id} missing from the timeline"
            assert anchor_exists(site, "timeline.html", href)
    dated = [op.date for _, op in loaded.kb.timeline() if op.date]
    assert dated == sorted(dated), "dated operations come in date order"
    entries = {re.search(r'#([^"]+)"', item).group(1): item
               for item in re.findall(r"<li>(.*?)</li>", html[html.index("<h2"):], re.S) if "#" in item}
    for country, operation in loaded.kb.timeline():
        entry = entries[operation.id]
        for key, count in operation.counts.model_dump(exclude_none=True).items():
            word = {"total": "people", "orphans": "orphans" if count != 1 else "orphan"}.get(key, key)
            if count == 1 and key not in ("total", "orphans"):
                word = {"women": "woman", "children": "child", "men": "man", "minors": "minor"}[key]
            assert re.search(rf"\b{count:,} (of them )?{word}(?![a-z])", text_of(entry)), (operation.id, key, text_of(entry))
        if operation.note:
            assert "<details" in entry and "<details open" not in entry, f"{operation.id}'s note is folded"


def test_organizations_directory_lists_every_organization_with_its_practices(site, loaded):
    html = page(site, "organizations")
    plain = text_of(html)
    entities = loaded.kb.organization_entities()
    assert sum(len(e.entries) for e in entities) == sum(len(c.organizations) for c in loaded.kb.countries)
    for entity in entities:
        # one heading per body, however many countries name it; a national body in one country only
        assert f'id="{entity.id}"' in html
        assert " ".join(entity.name.split()) in plain
        if entity.kind != "international":
            assert len(entity.entries) == 1, f"{entity.id}: a national body of several countries"
        section = section_at(html, entity.id)
        for country, organization in entity.entries:
            anchor = organization.id
            assert f'href="countries/{country.id}.html"' in section, f"{name}: {country.id} missing"
            # its other names, under its heading here and in its row on the country's page
            row = section_at(page(site, f"countries/{country.id}"), anchor, "tr")
            for alias in organization.aliases:
                assert "Also printed as" in text_of(section) and alias in text_of(section), f"{name}: {alias}"
                assert alias in text_of(row), f"{country.id}: {name}'s other name {alias!r} missing"
            for pid in organization.practices:
                assert f'href="practices/{pid}.html"' in section, f"{name}: practice {pid} missing"


def test_lessons_page_links_each_lesson_to_its_practices_and_back(site, loaded):
    html = page(site, "lessons")
    assert html.count('id="lesson-') == len(loaded.kb.lessons)
    for lesson in loaded.kb.lessons:
        section = section_at(html, f"lesson-{lesson.id}")
        for pid in lesson.practices:
            assert f'href="practices/{pid}.html"' in section, f"lesson {lesson.id} does not link {pid}"
            practice_html = page(site, f"practices/{pid}")
            assert f'lessons.html#lesson-{lesson.id}' in practice_html, f"{pid} does not link back to {lesson.id}"


def test_abbreviations_are_tooltips_wherever_they_occur(site, loaded):
    """Each abbreviation of the glossary is a tooltip on the pages whose records use it; without a
    glossary there is neither a glossary page nor a tooltip."""
    glossary = loaded.kb.glossary
    if glossary is None:
        assert not (site / "glossary.html").exists()
        assert not any("<abbr " in p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
        return
    expansions = {e.abbreviation: e.expansion for e in glossary.entries}
    glossary_page = text_of(page(site, "glossary"))
    for abbreviation, expansion in expansions.items():
        assert abbreviation in glossary_page and expansion in glossary_page
    for country in loaded.kb.countries:
        html = unescape(page(site, f"countries/{country.id}"))
        for abbreviation in expansions:
            if re.search(rf"\b{abbreviation}\b", country.summary):
                assert f'<abbr title="{expansions[abbreviation]}">{abbreviation}</abbr>' in html, (country.id, abbreviation)


def test_every_practice_and_country_page_can_be_cited(site, loaded):
    for kind, records in (("practices", loaded.kb.practices), ("countries", loaded.kb.countries)):
        for record in records:
            html = page(site, f"{kind}/{record.id}")
            assert 'id="cite-this-page"' in html, f"{kind}/{record.id}"
            cite = text_of(html[html.index('id="cite-this-page"'):])
            assert f"{kind}/{record.id}.html" in cite
            for based in record.based_on:  # each source the page is based on, by its authors and title
                source = loaded.kb.sources[based.source]
                assert " ".join(source.title.split()) in cite, (record.id, source.id)
                for author in source.author:
                    assert (author.literal or author.family) in cite, (record.id, source.id)
                if based.section:
                    assert f"Section {based.section}" in cite


def related_links(site, kb):
    """{(kind, record id): (record, the links of its 'Related quotes' section)}, for every practice and country
    page that has one."""
    found = {}
    for kind, records in (("practices", kb.practices), ("countries", kb.countries)):
        for record in records:
            html = page(site, f"{kind}/{record.id}")
            if 'id="related-quotes"' in html:
                found[(kind, record.id)] = record, links(html[html.index('id="related-quotes"'):html.index('id="cite-this-page"')])
    return found


def test_related_quotes_open_at_existing_anchors(site, loaded):
    for (kind, _), (record, hrefs) in related_links(site, loaded.kb).items():
        assert hrefs, f"{kind}/{record.id}: an empty 'Related quotes' section"
        own = {q.id for q in record.quotes}
        for href in hrefs:
            assert anchor_exists(site, f"{kind}/{record.id}.html", href), href
            assert href.rpartition("#")[2] not in own, "a page's own quotes are not 'related'"


def test_every_page_of_the_compendium_has_related_quotes(built_site, real):
    """About the compendium's content: its 58 quotes give every practice and country page some."""
    shown = related_links(built_site, real.kb)
    assert len(shown) == len(real.kb.practices) + len(real.kb.countries)
    assert sum(len(hrefs) for _, hrefs in shown.values()) >= 16


def test_sources_cited_in_links_lead_to_the_citing_anchor(site, loaded):
    for (source, number), note in loaded.kb.notes.items():
        html = page(site, f"sources/{source}")
        block = html[html.index(f'id="fn-{number}"'):].split("</div>")[0]  # the note's own <div class="kb-note">
        cited_in = links(block.split("Cited in:", 1)[1]) if "Cited in:" in block else []
        assert len(cited_in) == len(loaded.kb.citations.get((source, number), [])), f"{source} footnote {number}"
        for href in cited_in:
            assert anchor_exists(site, f"sources/{source}.html", href), f"{source} footnote {number}: {href}"


def test_every_footnote_reference_on_a_page_leads_to_its_source(site, loaded):
    found = set()
    for html_file in sorted(site.rglob("*.html")):
        html = html_file.read_text(encoding="utf-8")
        for source, number in re.findall(r'sources/([a-z0-9-]+)\.html#fn-(\d+)', html):
            assert (source, int(number)) in loaded.kb.notes, f"{html_file.name} cites undefined note {number} of {source}"
            found.add((source, int(number)))
    assert found >= set(loaded.kb.citations), "every cited note is linked to its source from where it is cited"


def test_practices_index_explains_how_the_practices_were_identified(site, loaded):
    html = page(site, "practices/index")
    overview = loaded.kb.introduction.practices_overview if loaded.kb.introduction else []
    assert ('id="how-identified"' in html) == bool(overview)
    for passage in overview:
        assert " ".join(passage.text.split()) in text_of(html)


def test_the_compendiums_framing_of_the_practices_is_recorded(real):
    """About the compendium's content: section II's framing is part of its introduction record."""
    assert real.kb.introduction.practices_overview, "section II's framing is not recorded"


def test_source_pages_group_notes_under_the_page_that_cites_them_first(site, loaded):
    for (source, number), note in loaded.kb.notes.items():
        html = page(site, f"sources/{source}")
        before = html[:html.index(f'id="fn-{number}"')]
        group = text_of(before[before.rindex("<h2"):].split("</h2>")[0] + "</h2>")
        cited = loaded.kb.citations.get((source, number))
        expected = loaded.kb.title_of_page(cited[0].page) if cited else "Notes no page cites yet"
        assert group.startswith(expected), f"{source} footnote {number} is under “{group}”, not “{expected}”"


def test_a_practices_country_count_is_the_number_of_countries_it_lists(site, loaded):
    """At a glance, "In N of the M countries" counts every country the page lists under "In the countries"
    (practice examples and the overview's mentions)."""
    for practice in loaded.kb.practices:
        html = page(site, f"practices/{practice.id}")
        glance = text_of(re.search(r"In \d+ of the \d+ countries:.*?</li>", html, re.S).group(0))
        number = int(re.match(r"In (\d+) of the (\d+)", glance).group(1))
        listed = {c.id for c, _ in loaded.kb.examples_by_practice.get(practice.id, [])} | \
                 {m.country for m in practice.mentions}
        assert number == len(listed), (practice.id, glance)
        assert f"of the {len(loaded.kb.countries)} countries" in glance
        section = section_at(html, "in-the-countries")
        assert {cid for cid in listed if f'href="../countries/{cid}.html"' in section} == listed, practice.id


def test_key_facts_add_up_or_say_including_and_match_the_home_card(site, loaded):
    """A country's stated total of everyone is followed by its stated parts with "including"; the "Repatriated by
    the state" line is the home card's headline, from the same count."""
    from knowledge_base.charts import headline

    home = text_of(page(site, "index"))
    for country in loaded.kb.countries:
        facts = text_of(re.search(r"Key facts.*?</ul>", page(site, f"countries/{country.id}"), re.S).group(0))
        h = headline(loaded.kb, country)
        if h:
            line = f"{h.text} {h.population.noun}"
            assert f"Repatriated by the state: {line}" in facts, (country.id, facts)
            assert f"{line} repatriated by the state" in home, country.id
        for metric in {f.metric for f in country.figures if f.total and f.area is None}:
            totals = [f for f in country.figures if f.total and f.area is None and f.metric == metric]
            whole = next((f for f in totals if f.group == "all"), None)
            if whole and len(totals) > 1:
                assert re.search(rf"{whole.value:,} people {metric}\d*, including ", facts), (country.id, facts)


def test_a_page_says_up_front_how_many_of_its_citations_cannot_be_resolved(site, loaded):
    """Before its summary, a practice or country page counts the notes it cites whose text the source's extract
    lacks (and a page citing none such says nothing)."""
    for record in [*loaded.kb.practices, *loaded.kb.countries]:
        html = page(site, "practices/" + record.id if record in loaded.kb.practices else "countries/" + record.id)
        cited = {(loc.source, loc.note) for cites in cited_lists(record) for loc in cites if loc.note is not None}
        missing = [key for key in cited if loaded.kb.notes.get(key) and loaded.kb.notes[key].text is None]
        said = re.search(r"(\d+) of the (\d+) footnotes this page cites have no text", text_of(html))
        if missing:
            assert said and (int(said.group(1)), int(said.group(2))) == (len(missing), len(cited)), record.id
            assert html.index("footnotes this page cites") < html.index("Summary"), f"{record.id}: not up front"
        else:
            assert not said, record.id


def cited_lists(model):
    """Every `cites` list in a record, however deep."""
    from pydantic import BaseModel

    for name in type(model).model_fields:
        value = getattr(model, name)
        if name == "cites":
            yield value or []
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, BaseModel):
                yield from cited_lists(item)


def test_the_matrix_is_paged_by_countries_and_each_page_links_the_others(loaded):
    """However many countries: each page of the matrix holds at most `matrix_columns` of them, every country
    is on exactly one page with all its examples, and each page links every other (forced here to at least
    two pages; a knowledge base with up to MATRIX_COLUMNS countries has one)."""
    from knowledge_base.render import MATRIX_COLUMNS, render_pages

    kb = loaded.kb
    assert [p for p in render_pages(kb) if re.fullmatch(r"matrix(-\d+)?\.md", p)] == \
        ["matrix.md", *(f"matrix-{n}.md" for n in range(2, -(-len(kb.countries) // MATRIX_COLUMNS) + 1))]
    columns = max(1, (len(kb.countries) + 1) // 2)
    pages = render_pages(kb, matrix_columns=columns)
    names = ["matrix.md", *(f"matrix-{n}.md" for n in range(2, -(-len(kb.countries) // columns) + 1))]
    assert sorted(p for p in pages if re.fullmatch(r"matrix(-\d+)?\.md", p)) == sorted(names)
    seen = []
    for name in names:
        text = pages[name]
        shown = re.findall(r'<th scope="col"><a href="countries/([^"#]+)\.html">', text)
        assert 0 < len(shown) <= columns, name
        seen += shown
        for other in names:
            if other != name:
                assert f'href="{other.removesuffix(".md")}.html"' in text, f"{name} does not link {other}"
        for practice in kb.practices:
            for cid in shown:
                for example in kb.matrix_cell(practice.id, cid).examples:
                    assert f'href="countries/{cid}.html#{example.id}"' in text, (name, example.id)
    assert seen == [c.id for c in kb.countries]
