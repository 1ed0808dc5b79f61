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


def test_charts_compare_like_with_like_and_say_what_is_missing(site, loaded):
    """Each chart is inline SVG with a title and a description; it shows, per country, only the figure
    the profile marks as its total for that metric and group, of the country itself (never a figure
    of another area), a lower bound as "≥", and "no figure" where there is none. A chart no country
    has a figure for is left out."""
    from knowledge_base.charts import CHARTS, total_figure

    html = page(site, "charts")
    svgs = re.findall(r"<svg[^>]*role=\"img\"[^>]*>(.*?)</svg>", html, re.S)
    charted = [chart for chart in CHARTS if any(total_figure(c, chart[2], chart[3]) for c in loaded.kb.countries)]
    assert len(svgs) == len(charted)
    for (chart_id, title, metric, group, _), svg in zip(charted, svgs):
        ET.fromstring(f'<svg xmlns="http://www.w3.org/2000/svg">{svg}</svg>')  # well-formed
        assert re.search(r"<title id=\"[^\"]+\">" + re.escape(title), svg)
        desc = unescape(re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S).group(1))
        for country in loaded.kb.countries:
            figure = total_figure(country, metric, group)
            if figure is None:
                assert f"{country.name}: no figure" in desc, (chart_id, country.id)
            else:
                assert figure.area is None
                shown = ("≥ " if figure.bound == "lower" else "") + f"{figure.value:,}"
                assert f"{country.name}: {shown}" in desc, (chart_id, country.id, desc)
    assert html.count("<table") == len(charted) + 1, "each chart comes with the table behind it"


def test_germanys_children_returned_to_europe_are_not_charted_as_germanys(built_site, real):
    """About the compendium's content: Germany's only figure of children returned counts Europe's."""
    from knowledge_base.charts import CHARTS

    germany = real.kb.country("germany")
    assert any(f.area == "Europe" and f.group == "children" for f in germany.figures)
    svgs = re.findall(r"<svg[^>]*role=\"img\"[^>]*>(.*?)</svg>", page(built_site, "charts"), re.S)
    children = next(i for i, chart in enumerate(CHARTS) if chart[3] == "children")
    assert "Germany: no figure" in unescape(svgs[children])


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


def test_organizations_directory_lists_every_organization_with_its_practices(site, loaded):
    html = page(site, "organizations")
    plain = text_of(html)
    groups = loaded.kb.organizations_directory()
    assert sum(len(entries) for _, entries in groups) == sum(len(c.organizations) for c in loaded.kb.countries)
    for name, entries in groups:
        # one heading per organization, however many countries name it
        assert f'id="{entries[0][2]}"' in html
        assert " ".join(name.split()) in plain
        section = section_at(html, entries[0][2])
        for country, organization, anchor in entries:
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
