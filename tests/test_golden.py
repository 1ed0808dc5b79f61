"""Generated pages of a small fixture knowledge base match the committed golden files.

After an intended change to a template, regenerate them with
    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
and review the diff before committing.
"""

import os
from pathlib import Path

import pytest

from knowledge_base.pipeline import check
from knowledge_base.render import render_pages

HERE = Path(__file__).parent
FIXTURE = HERE / "fixtures" / "golden-kb"
GOLDEN = HERE / "golden"
PAGES = ["practices/test-practice.md", "countries/testland.md", "sources/index.md", "sources/compendium.md", "lessons.md", "matrix.md",
         "timeline.md", "quotes.md", "_snippets/abbreviations.md", "data-dictionary.md", "_snippets/dataset.html"]


@pytest.fixture(scope="module")
def pages():
    # The citations carry the build's day and the version: fixed here, so the files do not age.
    import datetime as dt
    from unittest import mock

    from knowledge_base import release, render

    result = check(FIXTURE)
    assert result.ok, [p.format() for p in result.problems]
    with mock.patch.dict("os.environ", {"SOURCE_DATE_EPOCH": "1700000000"}), \
            mock.patch.object(render, "kb_version", lambda: "9.9.9"), \
            mock.patch.object(release, "current", lambda: release.Release("9.9.9", dt.date(2023, 11, 14))):
        return render_pages(result.kb)


@pytest.mark.parametrize("name", PAGES)
def test_generated_page_matches_golden(pages, name):
    golden = GOLDEN / name.replace("/", "__")
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(pages[name], encoding="utf-8")
    assert pages[name] == golden.read_text(encoding="utf-8"), f"{name} differs from {golden}; see this module's docstring"
