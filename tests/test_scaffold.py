"""`python build.py new`: a record that validates, placeholders to fill, existing ids refused."""

import pytest

from helpers import assert_no_traceback, run_cli


@pytest.mark.parametrize("kind, new_id, path", [
    ("practice", "test-new-practice", "practices/test-new-practice.yaml"),
    ("country", "testland", "countries/testland.yaml"),
    ("lesson", "lesson-test-new", "lessons/lesson-test-new.yaml"),
])
def test_new_record_validates(content_copy, kind, new_id, path):
    proc = run_cli("new", kind, new_id, root=content_copy)
    assert proc.returncode == 0, proc.stderr
    text = (content_copy / path).read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/")
    assert f"id: {new_id}\n" in text and "TODO" in text
    assert run_cli("validate", root=content_copy).returncode == 0


def test_new_quote_goes_into_its_country(content_copy):
    proc = run_cli("new", "quote", "germany-quote-scaffolded", "--country", "germany", root=content_copy)
    assert proc.returncode == 0, proc.stderr
    assert "id: germany-quote-scaffolded" in (content_copy / "countries/germany.yaml").read_text(encoding="utf-8")
    validated = run_cli("validate", root=content_copy)
    assert validated.returncode == 0, validated.stdout


@pytest.mark.parametrize("args, message", [
    (("practice", "family-ties"), "already exists"),
    (("quote", "family-ties", "--country", "germany"), "already exists"),
    (("quote", "new-quote"), "--country"),
    (("quote", "new-quote", "--country", "atlantis"), "no country 'atlantis'"),
    (("lesson", "Not_A_Slug"), "is not a slug"),
])
def test_new_refuses(content_copy, args, message):
    proc = run_cli("new", *args, root=content_copy)
    assert proc.returncode == 2
    assert_no_traceback(proc)
    assert message in proc.stderr
