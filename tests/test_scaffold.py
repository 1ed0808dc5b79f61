"""`python build.py new`: a record that validates, placeholders to fill, existing ids refused."""

import pytest

from helpers import assert_no_traceback, run_cli


@pytest.mark.parametrize("kind, new_id, path", [
    ("source", "test-new-source", "sources/test-new-source.yaml"),
    ("practice", "test-new-practice", "practices/test-new-practice.yaml"),
    ("country", "testland", "countries/testland.yaml"),
    ("lesson", "lesson-test-new", "lessons/lesson-test-new.yaml"),
])
def test_new_record_validates_once_its_placeholders_are_replaced(content_copy, kind, new_id, path):
    proc = run_cli("new", kind, new_id, root=content_copy)
    assert proc.returncode == 0, proc.stderr
    record = content_copy / path
    text = record.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/")
    assert f"id: {new_id}\n" in text
    # Until each TODO is replaced, validate lists them, each at its line.
    proc = run_cli("validate", root=content_copy)
    assert proc.returncode == 1
    lines = text.splitlines()
    # A folded text (`summary: >-`) is reported at its field's line, the line above the TODO.
    todo_lines = [n - 1 if lines[n - 2].endswith(">-") else n
                  for n, line in enumerate(lines, 1) if "TODO" in line and not line.lstrip().startswith("#")]
    reported = {int(l.split(":")[1]) for l in proc.stdout.splitlines() if "placeholder" in l}
    assert reported == set(todo_lines), proc.stdout
    # The editor fills them in (a section that exists, then plain words) and it validates.
    filled = text.replace('"TODO: the section, e.g. IX"', "IX").replace('"TODO: the section, e.g. II"', "II")
    filled = "\n".join(line.replace("TODO: ", "Filled: ") if "TODO" in line and not line.lstrip().startswith("#") else line
                       for line in filled.splitlines()) + "\n"
    record.write_text(filled, encoding="utf-8")
    proc = run_cli("validate", root=content_copy, env={"KB_REQUIRE_SOURCES": ""})  # a new source's text may come later
    assert proc.returncode == 0, proc.stdout


def test_the_scaffolds_commented_lists_are_yaml_to_uncomment(content_copy):
    run_cli("new", "country", "testland", root=content_copy)
    record = content_copy / "countries" / "testland.yaml"
    text = record.read_text(encoding="utf-8").replace("TODO: ", "Filled: ").replace('"Filled: the section, e.g. IX"', "IX")
    # Uncomment every optional list, as the scaffold's comment says: remove the '# ' in front of its lines.
    text = "\n".join(line[2:] if line.startswith("# ") and not line.startswith(("# yaml", "# A ", "# To ", "# quotes"))
                     else line for line in text.splitlines()) + "\n"
    record.write_text(text, encoding="utf-8")
    proc = run_cli("validate", root=content_copy)
    assert proc.returncode == 0, proc.stdout


def test_new_quote_goes_into_its_country(content_copy):
    proc = run_cli("new", "quote", "germany-quote-scaffolded", "--country", "germany", root=content_copy)
    assert proc.returncode == 0, proc.stderr
    assert "id: germany-quote-scaffolded" in (content_copy / "countries/germany.yaml").read_text(encoding="utf-8")
    validated = run_cli("validate", root=content_copy)
    assert validated.returncode == 1 and "germany quotes[0].text: a placeholder" in validated.stdout


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
