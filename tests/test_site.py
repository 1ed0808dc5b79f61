"""The built site: pages carry the records' content, links both ways, nothing remote, nothing injectable."""

import re
from html import unescape



def page(site, rel):
    return (site / f"{rel or 'index'}.html").read_text(encoding="utf-8")


def text_of(html):
    # Inline tags (abbreviation tooltips, links, emphasis) join their text; block tags separate it.
    html = re.sub(r"</?(?:abbr|a|em|strong|code|span|sup)\b[^>]*>", "", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_home_links_the_nine_practices(built_site, real):
    home = page(built_site, "")
    assert len(real.kb.practices) == 9
    for practice in real.kb.practices:
        assert f'href="practices/{practice.id}.html"' in home, practice.id
        html = page(built_site, f"practices/{practice.id}")
        assert f"Key practice {practice.number}: {practice.title}" in text_of(re.search(r"<h1.*?</h1>", html, re.S).group(0))


def test_practice_titles_are_the_compendiums(compendium, real):
    for practice in real.kb.practices:
        assert compendium.contains(practice.title), f"practices/{practice.id}.yaml: the title is not the compendium's"


def test_home_reaches_every_view(built_site):
    home = page(built_site, "")
    article = home[home.index("<article"):home.index("</article>")]
    for view in ("matrix", "compare", "charts", "timeline", "organizations", "lessons", "glossary", "introduction",
                 "quotes", "sources/index", "downloads"):
        assert f'href="{view}.html"' in article, f"the home page does not link {view}.html"
        assert (built_site / f"{view}.html").is_file()


def test_practice_and_country_pages_link_both_ways(built_site, real):
    kb = real.kb
    for practice in kb.practices:
        html = page(built_site, f"practices/{practice.id}")
        for country, example in kb.examples_by_practice[practice.id]:
            assert f'href="../countries/{country.id}.html#{example.id}"' in html
            country_html = page(built_site, f"countries/{country.id}")
            assert f'id="{example.id}"' in country_html
            assert f'href="../practices/{practice.id}.html"' in country_html


def test_country_pages_show_their_content(built_site, real):
    for country in real.kb.countries:
        html = page(built_site, f"countries/{country.id}")
        plain = text_of(html)
        assert country.name in plain
        assert " ".join(country.summary.split()) in plain
        for quote in country.quotes:
            assert f'id="{quote.id}"' in html, f"{country.id}: quote {quote.id} has no anchor"
        for figure in country.figures:
            assert " ".join(figure.label.split()) in plain


def test_each_source_has_a_page_with_every_note(built_site, real):
    index = page(built_site, "sources/index")
    for source in real.kb.sources.values():
        assert f'href="{source.id}.html"' in index
        html = page(built_site, f"sources/{source.id}")
        assert " ".join(source.title.split()) in text_of(html)
        for note in source.notes:
            assert f'id="fn-{note.number}"' in html


def test_site_makes_no_request_to_another_host(built_site):
    # <link rel="canonical"> names the published address; browsers do not fetch it.
    remote = re.compile(r"""<(?:script|link(?![^>]*rel="canonical")|img|iframe|source|video|audio)\b[^>]*\b(?:src|href)=["']?(?:https?:)?//""", re.I)
    for html_file in built_site.rglob("*.html"):
        html = html_file.read_text(encoding="utf-8")
        assert not remote.search(html), f"{html_file}: loads something from another host"
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
    for css in built_site.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", css.read_text(encoding="utf-8")), css


def test_the_site_search_has_each_record_as_its_own_result(built_site, real):
    """Pagefind indexes one record per practice, country, example, fact, quote, footnote, organization and
    lesson (the command line's documents), each with its own address; nothing else of the pages."""
    from knowledge_base.site_search import records

    assert (built_site / "pagefind" / "pagefind.js").is_file() and (built_site / "search" / "labels.json").is_file()
    indexed = {r["url"]: r for r in records(real.kb)}
    for owner, quote in real.kb.all_quotes():
        page_url = {"Practice": "practices", "Country": "countries"}.get(type(owner).__name__)
        expected = f"{page_url}/{owner.id}.html#{quote.id}" if page_url else f"introduction.html#{quote.id}"
        assert indexed[expected]["filters"]["kind"] == ["quote"], f"quote {quote.id} is not its own search result"
    assert not any("related-quotes" in url for url in indexed)
    assert len(indexed) == len(records(real.kb)), "every record has an address of its own"


def test_no_page_repeats_an_id(built_site):
    """An id twice on a page breaks its links (a footnote's back-link, an anchor)."""
    from collections import Counter

    repeated = {}
    for html_file in built_site.rglob("*.html"):
        counts = Counter(re.findall(r'\bid="([^"]+)"', html_file.read_text(encoding="utf-8")))
        twice = [i for i, n in counts.items() if n > 1]
        if twice:
            repeated[html_file.relative_to(built_site).as_posix()] = twice[:5]
    assert not repeated, repeated


def test_lessons_page_opens_with_the_sections_own_framing_and_lists_every_lesson(built_site, real):
    html = page(built_site, "lessons")
    plain = text_of(html[html.index("<article"):html.index("</article>")])
    framing = real.kb.introduction.lessons_overview
    assert framing, "introduction.yaml has no lessons_overview (section X's opening)"
    first = plain.index(" ".join(framing[0].text.split()))
    for lesson in real.kb.lessons:
        assert plain.index(f"Lesson {lesson.number}: {lesson.title}") > first
