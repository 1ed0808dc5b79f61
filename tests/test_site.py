"""The built site: pages carry the records' content, links both ways, nothing remote, nothing injectable.

Each test runs on every knowledge base (`site`, `loaded`) and derives what it expects from the records;
those about the compendium's own content use `built_site` and `real` and say so."""

import re
from html import unescape



def page(site, rel):
    return (site / f"{rel or 'index'}.html").read_text(encoding="utf-8")


def text_of(html):
    # Inline tags (abbreviation tooltips, links, emphasis) join their text; block tags separate it.
    html = re.sub(r"</?(?:abbr|a|em|strong|code|span|sup)\b[^>]*>", "", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_home_links_every_practice_and_country_and_counts_them(site, loaded):
    from knowledge_base.render import counted

    home = page(site, "")
    plain = text_of(home)
    kb = loaded.kb
    assert f"The {counted(len(kb.practices), 'key practice')}" in plain
    assert f"The {counted(len(kb.countries), 'country', 'countries')}" in plain
    for country in kb.countries:
        assert f'href="countries/{country.id}.html"' in home, country.id
        assert country.name in plain
    for source in kb.sources.values():
        assert f'href="sources/{source.id}.html"' in home, source.id
    for practice in kb.practices:
        assert f'href="practices/{practice.id}.html"' in home, practice.id
        html = page(site, f"practices/{practice.id}")
        assert f"Key practice {practice.number}: {practice.title}" in text_of(re.search(r"<h1.*?</h1>", html, re.S).group(0))


def test_the_compendium_gives_nine_practices_and_seven_countries(real):
    """About the compendium's content: the records based on it (others may come from newer sources)."""
    def from_compendium(records):
        return [r for r in records if any(b.source == "compendium" for b in r.based_on)]

    assert (len(from_compendium(real.kb.practices)), len(from_compendium(real.kb.countries))) == (9, 7)


def test_practice_titles_are_the_compendiums(compendium, real):
    for practice in real.kb.practices:
        assert compendium.contains(practice.title), f"practices/{practice.id}.yaml: the title is not the compendium's"


def test_home_reaches_every_view(site, loaded):
    home = page(site, "")
    article = home[home.index("<article"):home.index("</article>")]
    optional = {"glossary": loaded.kb.glossary, "introduction": loaded.kb.introduction}
    for view in ("matrix", "compare", "charts", "timeline", "organizations", "lessons", "glossary", "introduction",
                 "quotes", "sources/index", "downloads"):
        if view in optional and not optional[view]:  # a page of a record this knowledge base lacks: not linked
            assert f'href="{view}.html"' not in home and not (site / f"{view}.html").exists()
            continue
        assert f'href="{view}.html"' in article, f"the home page does not link {view}.html"
        assert (site / f"{view}.html").is_file()


def test_practice_and_country_pages_link_both_ways(site, loaded):
    kb = loaded.kb
    for practice in kb.practices:
        html = page(site, f"practices/{practice.id}")
        for country, example in kb.examples_by_practice[practice.id]:
            assert f'href="../countries/{country.id}.html#{example.id}"' in html
            country_html = page(site, f"countries/{country.id}")
            assert f'id="{example.id}"' in country_html
            assert f'href="../practices/{practice.id}.html"' in country_html


def test_country_pages_show_their_content(site, loaded):
    for country in loaded.kb.countries:
        html = page(site, f"countries/{country.id}")
        plain = text_of(html)
        assert country.name in plain
        assert " ".join(country.summary.split()) in plain
        for quote in country.quotes:
            assert f'id="{quote.id}"' in html, f"{country.id}: quote {quote.id} has no anchor"
        for figure in country.figures:
            assert " ".join(figure.label.split()) in plain


def test_each_source_has_a_page_with_every_note(site, loaded):
    index = page(site, "sources/index")
    for source in loaded.kb.sources.values():
        assert f'href="{source.id}.html"' in index
        html = page(site, f"sources/{source.id}")
        assert " ".join(source.title.split()) in text_of(html)
        for note in source.notes:
            assert f'id="fn-{note.number}"' in html


def test_site_makes_no_request_to_another_host(site):
    # <link rel="canonical"> names the published address; browsers do not fetch it.
    remote = re.compile(r"""<(?:script|link(?![^>]*rel="canonical")|img|iframe|source|video|audio)\b[^>]*\b(?:src|href)=["']?(?:https?:)?//""", re.I)
    for html_file in site.rglob("*.html"):
        html = html_file.read_text(encoding="utf-8")
        assert not remote.search(html), f"{html_file}: loads something from another host"
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
    for css in site.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", css.read_text(encoding="utf-8")), css


def test_the_site_search_has_each_record_as_its_own_result(site, loaded):
    """Pagefind indexes one record per practice, country, example, fact, quote, footnote, organization and
    lesson (the command line's documents), each with its own address; nothing else of the pages."""
    from knowledge_base.site_search import records

    assert (site / "pagefind" / "pagefind.js").is_file() and (site / "search" / "labels.json").is_file()
    indexed = {r["url"]: r for r in records(loaded.kb)}
    for owner, quote in loaded.kb.all_quotes():
        page_url = {"Practice": "practices", "Country": "countries"}.get(type(owner).__name__)
        expected = f"{page_url}/{owner.id}.html#{quote.id}" if page_url else f"introduction.html#{quote.id}"
        assert indexed[expected]["filters"]["kind"] == ["quote"], f"quote {quote.id} is not its own search result"
    assert not any("related-quotes" in url for url in indexed)
    assert len(indexed) == len(records(loaded.kb)), "every record has an address of its own"


def test_no_page_repeats_an_id(site):
    """An id twice on a page breaks its links (a footnote's back-link, an anchor)."""
    from collections import Counter

    repeated = {}
    for html_file in site.rglob("*.html"):
        counts = Counter(re.findall(r'\bid="([^"]+)"', html_file.read_text(encoding="utf-8")))
        twice = [i for i, n in counts.items() if n > 1]
        if twice:
            repeated[html_file.relative_to(site).as_posix()] = twice[:5]
    assert not repeated, repeated


def test_lessons_page_opens_with_the_sections_own_framing_and_lists_every_lesson(site, loaded):
    html = page(site, "lessons")
    plain = text_of(html[html.index("<article"):html.index("</article>")])
    framing = loaded.kb.introduction.lessons_overview if loaded.kb.introduction else []
    first = plain.index(" ".join(framing[0].text.split())) if framing else 0
    for lesson in loaded.kb.lessons:
        assert plain.index(f"Lesson {lesson.number}: {lesson.title}") > first


def test_the_compendiums_lessons_have_their_framing(real):
    """About the compendium's content: section X's opening is recorded."""
    assert real.kb.introduction.lessons_overview, "introduction.yaml has no lessons_overview (section X's opening)"
