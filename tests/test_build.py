"""`python build.py build`: atomic, and record text can never inject markup or script."""

import hashlib
import re

from helpers import run_cli


def tree_hash(folder):
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def test_failed_build_leaves_site_index_and_downloads_untouched(content_copy):
    assert run_cli("build", root=content_copy).returncode == 0
    site, index = content_copy / "site", content_copy / ".generated" / "index"
    assert (site / "downloads" / "kb.json").exists() and any(index.iterdir())
    before = tree_hash(site), tree_hash(index)

    lesson = next((content_copy / "lessons").glob("*.yaml"), None) or next((content_copy / "practices").glob("*.yaml"))
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("\nid:", "\nidd:", 1), encoding="utf-8")
    proc = run_cli("build", root=content_copy)
    assert proc.returncode == 1
    assert "unknown field 'idd'" in proc.stdout
    assert (tree_hash(site), tree_hash(index)) == before
    assert not list(content_copy.glob("site.*")), "staging folders were left behind"


def _elements(html: str) -> list[tuple[str, dict]]:
    from html.parser import HTMLParser

    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, {name: value for name, value in attrs}))

    Collector().feed(html)
    return found


INJECTION = (
    '<script>alert("x")</script> <img src=x onerror=alert(1)> [click](javascript:alert(1)) '
    '{: onclick="alert(1)" } <b>bold</b> &amp; *em* `code`'
)


def test_record_text_cannot_inject_markup(content_copy):
    path = content_copy / "practices" / "multi-stakeholder-coordination.yaml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^summary:.*(\n  .*)*", "summary: '" + INJECTION.replace("'", "''") + "'", text, count=1)
    path.write_text(text, encoding="utf-8")
    proc = run_cli("build", root=content_copy)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    html = (content_copy / "site" / "practices" / "multi-stakeholder-coordination.html").read_text(encoding="utf-8")
    body = html[html.index("<article"):html.index("</article>")]
    assert "<script>alert" not in body and "<img src=x" not in body and "<b>bold</b>" not in body
    # Parse the page as a browser would: no element may carry an event handler or a script link.
    elements = _elements(body)
    assert not [tag for tag, attrs in elements if tag in ("script", "img") or any(a.startswith("on") for a in attrs)]
    assert not [attrs for _, attrs in elements if (attrs.get("href") or "").lower().startswith("javascript:")]
    assert "&lt;script&gt;alert" in body  # shown as text, inert
    assert "javascript:alert(1)" in body  # the text survives, not as a link


def test_a_navigation_section_too_long_lists_only_its_index(real):
    from types import SimpleNamespace

    from knowledge_base import mkdocs_hook

    nav = [{"Key practices": "practices/index.md"}, {"Countries": "countries/index.md"},
           {"Research": [{"Sources": "sources/index.md"}]}]
    expanded, unlisted = mkdocs_hook._expand_nav(nav, real.kb)
    assert len(expanded[1]["Countries"]) == 1 + len(real.kb.countries)
    assert expanded[2]["Research"][0]["Sources"] == ["sources/index.md", *({s.short_title: f"sources/{s.id}.md"}
                                                                         for s in real.kb.sources.values())]
    assert unlisted == mkdocs_hook.ALWAYS_UNLISTED and "speakers/" in unlisted

    many = [SimpleNamespace(id=f"c{i}", name=f"Country {i}") for i in range(mkdocs_hook.NAV_LIMIT + 1)]
    expanded, unlisted = mkdocs_hook._expand_nav(nav, SimpleNamespace(practices=real.kb.practices, countries=many,
                                                                      sources=real.kb.sources))
    assert expanded[1] == {"Countries": "countries/index.md"}
    assert len(expanded[0]["Key practices"]) == 1 + len(real.kb.practices)
    assert unlisted == (*mkdocs_hook.ALWAYS_UNLISTED, "countries/")
