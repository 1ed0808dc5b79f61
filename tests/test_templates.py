"""Template rules: a value inside an HTML attribute is escaped for HTML, never for Markdown."""

import re

from jinja2 import Environment

from conftest import ROOT
from knowledge_base.render import make_environment

TEMPLATES = ROOT / "knowledge_base" / "templates"
SAFE = re.compile(r"\|\s*(attr|e|anchor)\s*$|^(url_from|relative|url_of)\(")


def test_every_value_in_an_html_attribute_is_escaped_for_html():
    unsafe = []
    for path in sorted(TEMPLATES.glob("*.j2")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for expression in re.findall(r'=\s*"[^"]*?\{\{\s*(.+?)\s*\}\}', line):
                if not SAFE.search(expression):
                    unsafe.append(f"{path.name}:{number}: {{{{ {expression} }}}} in an HTML attribute: add |attr")
    assert not unsafe, "\n".join(unsafe)


def test_the_attr_filter_keeps_ids_and_escapes_markup():
    env: Environment = make_environment()
    html = env.from_string('<div data-x="{{ value|attr }}">{{ value }}</div>').render(value='children-as-victims "<b>"')
    assert 'data-x="children-as-victims &#34;&lt;b&gt;&#34;"' in html  # no backslash before '-'
    assert "children\\-as\\-victims" in html  # in the Markdown text, escaped for Markdown too


def test_an_attribute_survives_markdown(tmp_path):
    """Backticks, backslashes and pipes inside an attribute reach the page as they are (in a table too)."""
    import markdown

    env = make_environment()
    row = env.from_string('| a | <a href="#x" data-tip="{{ tip|attr }}">1</a> |').render(tip="Kazakhstan`s \\ a | b")
    html = markdown.markdown("| h | i |\n|---|---|\n" + row, extensions=["tables"])
    assert "<code>" not in html and html.count("<td>") == 2
    assert 'data-tip="Kazakhstan&#96;s &#92; a &#124; b"' in html
