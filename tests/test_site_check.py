"""The site check (knowledge_base/site_check.py) finds each kind of defect, in the built HTML and,
before any build, in the generated Markdown; `validate` and `build` report them against the record."""

import pytest

from knowledge_base.rules import strings_of
from knowledge_base.site_check import check_markdown, check_site, markdown_ids

PAGE = """<!doctype html><html><body><nav><a href="index.html">Home</a> <a href="other.html">Other</a></nav>
<article>{body}</article></body></html>"""


def site(tmp_path, pages: dict[str, str]):
    for name, body in {"index.html": "<h1 id='top-title'>Home</h1>", "other.html": "<p id='here'>Other</p>",
                       **pages}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(PAGE.format(body=body), encoding="utf-8")
    return tmp_path


def messages(problems, page=None):
    return [p.message for p in problems if page is None or p.page == page]


def test_a_sound_site_has_no_problems(tmp_path):
    assert check_site(site(tmp_path, {"other.html": '<p id="here">See <a href="index.html#top-title">home</a>, '
                                                    '<a href="#here">here</a>, <a href="https://example.org/">away</a>.</p>'})) == []


@pytest.mark.parametrize("body, expected", [
    ('<a href="#nowhere">x</a>', "links to '#nowhere', but this page has no anchor 'nowhere'"),
    ('<a href="index.html#nowhere">x</a>', "links to 'index.html#nowhere', but index.html has no anchor 'nowhere'"),
    ('<a href="gone.html">x</a>', "links to 'gone.html', but there is no gone.html"),
    ('<p id="a">1</p><p id="a">2</p>', "the id 'a' is used 2 times on this page"),
    ("<hr><h2>title: Jane Doe</h2>", "shows front matter as text: 'title: Jane Doe'"),
    ("<p>self\\-organized return</p>", "shows a Markdown escape as text: 'self\\\\-organized return'"),
    ("<p>{{ country.name }}</p>", "shows template syntax as text: '{{ country.name }}'"),
    ("<p>see [the figures](#figures)</p>", "shows Markdown syntax as text: 'see [the figures](#figures)'"),
    ("<p>Tom &amp;amp; Jerry</p>", "shows a character reference escaped twice as text: 'Tom &amp; Jerry'"),
    ('<div class="highlight"><pre><code>Women and minors have returned</code></pre></div>',
     "holds a code block where prose belongs (an indented line in the Markdown?)"),
], ids=["anchor", "anchor-elsewhere", "page", "id-twice", "front-matter", "escape", "template", "markdown",
        "double-escape", "code-block"])
def test_each_defect_is_found_where_it_is(tmp_path, body, expected):
    found = check_site(site(tmp_path, {"other.html": f"<p id='here'>Other</p>\n\n{body}"}))
    assert messages(found) == [expected]
    assert found[0].page == "other.html" and found[0].line == 4


def test_code_is_allowed_in_citation_blocks_and_hand_written_pages_and_record_text_is_shown_as_written(tmp_path):
    body = ('<details class="quote kb-cite"><div class="highlight"><pre><code>@misc{x}</code></pre></div></details>'
            '<p>The report says “Tom &amp;amp; Jerry”.</p>')
    built = site(tmp_path, {"other.html": body, "commands.html": "<pre><code>python build.py</code></pre>"})
    (built / "index.html").write_text(PAGE.format(body='<a href="commands.html">c</a>'), encoding="utf-8")
    assert [(p.page, p.message) for p in check_site(built, record_text="x")] == [
        ("commands.html", "holds a code block where prose belongs (an indented line in the Markdown?)"),
        ("other.html", "shows a character reference escaped twice as text: 'The report says “Tom &amp; Jerry”.'")]
    assert check_site(built, code_pages={"commands.html"}, record_text="The report says “Tom &amp; Jerry”.") == []


def test_a_page_no_link_reaches_is_found_and_absolute_links_are_read_from_the_published_path(tmp_path):
    built = site(tmp_path, {"orphan.html": "<p>Nobody links here</p>",
                            "404.html": '<a href="/kb/other.html#here">x</a> <a href="/kb/">home</a>'})
    assert [(p.page, p.message) for p in check_site(built, base="/kb/")] == [
        ("orphan.html", "no link leads to this page from the home page or the navigation")]


def test_the_markdown_check_finds_what_the_build_would():
    pages = {
        "countries/x.md": '# X\n\n- **Totals:** see [the figures](#figures).\n\n## Quotes { #quotes }\n\n'
                          '<span id="note-a-1"></span> <span id="note-a-1"></span> [back](#quotes) '
                          '<a href="../practices/p.html#p-quote">a quote</a> [home](../index.md)\n',
        "practices/p.md": '# P\n\n<div class="kb-quote" id="p-quote" markdown>\n\n## Key elements\n',
        "_snippets/list.md": "[X](countries/x.md#quotes) [Y](countries/y.md)\n",
    }
    found = check_markdown(pages, other_pages={"index.md"})
    assert [(p.page, p.line, p.message) for p in found] == [
        ("_snippets/list.md", 1, "links to 'countries/y.md', but there is no page countries/y.md"),
        ("countries/x.md", 1, "the id 'note-a-1' is used 2 times on this page"),
        ("countries/x.md", 3, "links to '#figures', but this page has no anchor 'figures'"),
    ]
    assert markdown_ids(pages["practices/p.md"]) == ["p-quote", "key-elements", "p"]


def test_validate_reports_what_a_page_would_break_against_the_record(monkeypatch):
    """A template that links an anchor its page lacks (as the country template once linked #figures on a
    page without figures): validate names each record's file, at its id, before any build."""
    from jinja2 import ChoiceLoader, DictLoader

    from helpers import ROOT, line_of
    from knowledge_base import render
    from knowledge_base.pipeline import check

    env = render.make_environment()
    broken = env.loader.get_source(env, "country.md.j2")[0].replace("# {{ country.name }}\n",
                                                                     "# {{ country.name }}\n\n[All figures](#nowhere)\n", 1)
    env.loader = ChoiceLoader([DictLoader({"country.md.j2": broken}), env.loader])
    monkeypatch.setattr(render, "_shared_environment", lambda: env)
    result = check(ROOT, pages=True)
    expected = {(result.kb.paths[c.id], line_of(ROOT / result.kb.paths[c.id], f"id: {c.id}")) for c in result.kb.countries}
    assert {(p.path, p.line) for p in result.problems} == expected
    assert all("links to '#nowhere', but this page has no anchor 'nowhere'" in p.message and
               "the page's template does not handle" in p.hint for p in result.problems)


def test_every_knowledge_base_builds_a_site_with_none_of_these_defects(site, loaded):
    from conftest import ROOT

    hand_written = {f.relative_to(ROOT / "site_src").with_suffix(".html").as_posix()
                    for f in (ROOT / "site_src").rglob("*.md")}
    record_text = "\n".join(" ".join(v.split()) for vr in loaded.records for _, v in strings_of(vr.record))
    assert check_site(site, code_pages=hand_written, base="/knowledge-base/", record_text=record_text) == []


def test_an_escape_in_inline_code_is_found_but_not_in_a_code_block(tmp_path):
    body = ('<p>its text, <code>field\\-notes\\.txt</code></p>'
            '<details class="kb-cite"><pre><code>@misc{x, title = {A \\& B}}</code></pre></details>')
    assert messages(check_site(site(tmp_path, {"other.html": body}))) == [
        "shows a Markdown escape as text: 'field\\\\-notes\\\\.txt'"]
