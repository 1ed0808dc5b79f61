"""The policymakers' views: charts, timeline, organizations, lessons, glossary tooltips, citations, related quotes."""

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


def test_charts_compare_like_with_like_and_say_what_is_missing(built_site, real):
    """Each chart is inline SVG with a title and a description; it shows, per country, only the figure
    the profile marks as its total for that metric and group, of the country itself (never a figure
    of another area), a lower bound as "≥", and "no figure" where there is none."""
    from knowledge_base.charts import CHARTS, total_figure

    html = page(built_site, "charts")
    svgs = re.findall(r"<svg[^>]*role=\"img\"[^>]*>(.*?)</svg>", html, re.S)
    assert len(svgs) == len(CHARTS)
    for (chart_id, title, metric, group, _), svg in zip(CHARTS, svgs):
        ET.fromstring(f'<svg xmlns="http://www.w3.org/2000/svg">{svg}</svg>')  # well-formed
        assert re.search(r"<title id=\"[^\"]+\">" + re.escape(title), svg)
        desc = unescape(re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S).group(1))
        for country in real.kb.countries:
            figure = total_figure(country, metric, group)
            if figure is None:
                assert f"{country.name}: no figure" in desc, (chart_id, country.id)
            else:
                assert figure.area is None
                shown = ("≥ " if figure.bound == "lower" else "") + f"{figure.value:,}"
                assert f"{country.name}: {shown}" in desc, (chart_id, country.id, desc)
    germany = real.kb.country("germany")
    assert any(f.area == "Europe" and f.group == "children" for f in germany.figures)
    assert "Germany: no figure" in unescape(svgs[2]), "Germany's children returned to Europe are not Germany's"
    assert html.count("<table") == len(CHARTS) + 1, "each chart comes with the table behind it"


def test_timeline_lists_every_operation_and_links_it(built_site, real):
    html = page(built_site, "timeline")
    hrefs = links(html)
    for country in real.kb.countries:
        for operation in country.operations:
            href = f"countries/{country.id}.html#{operation.id}"
            assert href in hrefs, f"{operation.id} missing from the timeline"
            assert anchor_exists(built_site, "timeline.html", href)
    dated = [op.date for _, op in real.kb.timeline() if op.date]
    assert dated == sorted(dated), "dated operations come in date order"


def test_organizations_directory_lists_every_organization_with_its_practices(built_site, real):
    html = page(built_site, "organizations")
    plain = text_of(html)
    groups = real.kb.organizations_directory()
    assert sum(len(entries) for _, entries in groups) == sum(len(c.organizations) for c in real.kb.countries)
    for name, entries in groups:
        # one heading per organization, however many countries name it
        assert f'id="{entries[0][2]}"' in html
        assert " ".join(name.split()) in plain
        section = section_at(html, entries[0][2])
        for country, organization, _ in entries:
            assert f'href="countries/{country.id}.html"' in section, f"{name}: {country.id} missing"
            for pid in organization.practices:
                assert f'href="practices/{pid}.html"' in section, f"{name}: practice {pid} missing"


def test_lessons_page_links_each_lesson_to_its_practices_and_back(built_site, real):
    html = page(built_site, "lessons")
    assert len(real.kb.lessons) >= 10
    for lesson in real.kb.lessons:
        section = section_at(html, f"lesson-{lesson.id}")
        for pid in lesson.practices:
            assert f'href="practices/{pid}.html"' in section, f"lesson {lesson.id} does not link {pid}"
            practice_html = page(built_site, f"practices/{pid}")
            assert f'lessons.html#lesson-{lesson.id}' in practice_html, f"{pid} does not link back to {lesson.id}"


def test_abbreviations_are_tooltips_wherever_they_occur(built_site, real):
    glossary = next(vr.record for vr in real.records if type(vr.record).__name__ == "Glossary")
    expansions = {e.abbreviation: e.expansion for e in glossary.entries}
    germany = page(built_site, "countries/germany")
    assert f'<abbr title="{expansions["BAMF"]}">BAMF</abbr>' in unescape(germany)
    kosovo = page(built_site, "countries/kosovo")
    assert f'<abbr title="{expansions["DPRRP"]}">DPRRP</abbr>' in unescape(kosovo)
    glossary_page = text_of(page(built_site, "glossary"))
    for abbreviation, expansion in expansions.items():
        assert abbreviation in glossary_page and expansion in glossary_page


def test_every_practice_and_country_page_can_be_cited(built_site, real):
    for kind, records in (("practices", real.kb.practices), ("countries", real.kb.countries)):
        for record in records:
            html = page(built_site, f"{kind}/{record.id}")
            assert 'id="cite-this-page"' in html, f"{kind}/{record.id}"
            cite = text_of(html[html.index('id="cite-this-page"'):])
            assert "Bulan Institute for Peace Innovations" in cite
            assert f"{kind}/{record.id}.html" in cite
            assert f"Section {record.based_on[0].section}" in cite


def test_related_quotes_open_at_existing_anchors(built_site, real):
    shown = 0
    for kind, records in (("practices", real.kb.practices), ("countries", real.kb.countries)):
        for record in records:
            html = page(built_site, f"{kind}/{record.id}")
            assert 'id="related-quotes"' in html, f"{kind}/{record.id} has no related quotes"
            section = html[html.index('id="related-quotes"'):html.index('id="cite-this-page"')]
            own = {q.id for q in record.quotes}
            for href in links(section):
                assert anchor_exists(built_site, f"{kind}/{record.id}.html", href), href
                assert href.rpartition("#")[2] not in own, "a page's own quotes are not 'related'"
                shown += 1
    assert shown >= 16


def test_sources_cited_in_links_lead_to_the_citing_anchor(built_site, real):
    for (source, number), note in real.kb.notes.items():
        html = page(built_site, f"sources/{source}")
        block = section_at(html, f"fn-{number}", "h3").split("</article>")[0].split("<h2")[0]  # the next group's heading
        cited_in = links(block.split("Cited in:", 1)[1]) if "Cited in:" in block else []
        assert len(cited_in) == len(real.kb.citations.get((source, number), [])), f"{source} footnote {number}"
        for href in cited_in:
            assert anchor_exists(built_site, f"sources/{source}.html", href), f"{source} footnote {number}: {href}"


def test_every_footnote_reference_on_a_page_leads_to_its_source(built_site, real):
    found = 0
    for html_file in sorted(built_site.glob("*/*.html")) + [built_site / "introduction.html"]:
        html = html_file.read_text(encoding="utf-8")
        for source, number in re.findall(r'sources/([a-z0-9-]+)\.html#fn-(\d+)', html):
            assert (source, int(number)) in real.kb.notes, f"{html_file.name} cites undefined note {number} of {source}"
            found += 1
    assert found > len(real.kb.notes)


def test_practices_index_explains_how_the_practices_were_identified(built_site, real):
    plain = text_of(page(built_site, "practices/index"))
    assert real.kb.introduction.practices_overview, "section II's framing is not recorded"
    for passage in real.kb.introduction.practices_overview:
        assert " ".join(passage.text.split()) in plain


def test_source_pages_group_notes_under_the_page_that_cites_them_first(built_site, real):
    for (source, number), note in real.kb.notes.items():
        html = page(built_site, f"sources/{source}")
        before = html[:html.index(f'id="fn-{number}"')]
        group = text_of(before[before.rindex("<h2"):].split("</h2>")[0] + "</h2>")
        cited = real.kb.citations.get((source, number))
        expected = real.kb.title_of_page(cited[0].page) if cited else "Notes no page cites yet"
        assert group.startswith(expected), f"{source} footnote {number} is under “{group}”, not “{expected}”"
