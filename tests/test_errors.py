"""Every bad input gets `path:line:col: <record id> <field>: message`, exit 1 and no traceback.

Each case adds one bad record to a copy of the real knowledge base and checks the
line the error points at. The file is written by the test, so the expected line
is known exactly.
"""

import time

import pytest

from helpers import assert_no_traceback, run_cli

SCHEMA = "# yaml-language-server: $schema=../schema/lesson.schema.json\n"
GOOD_LESSON = SCHEMA + """id: lesson-test
number: 99
title: A test lesson
text: Nothing but a test.
practices: [family-ties]
countries: []
"""
PATH = "lessons/lesson-test.yaml"


def validate(root):
    proc = run_cli("validate", root=root)
    assert_no_traceback(proc)
    return proc


def write(root, text: str | bytes, path: str = PATH):
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        target.write_bytes(text)
    else:
        target.write_text(text, encoding="utf-8")
    return target


def assert_error(proc, path: str, line: int, *needles: str):
    assert proc.returncode == 1, proc.stdout + proc.stderr
    mine = [l for l in proc.stdout.splitlines() if l.startswith(f"{path}:{line}:")]
    assert mine, f"no error at {path}:{line}:\n{proc.stdout}"
    for needle in needles:
        assert any(needle in l for l in mine), f"{needle!r} not in:\n" + "\n".join(mine)


def test_the_good_lesson_is_valid(content_copy):
    write(content_copy, GOOD_LESSON)
    assert validate(content_copy).returncode == 0


# --- YAML and file-level problems -------------------------------------------

@pytest.mark.parametrize("text, line, needles", [
    (GOOD_LESSON.replace("title: A test lesson", "title: [A test lesson"), 4, ["YAML syntax error"]),
    (GOOD_LESSON.replace("text: Nothing", "\ttext: Nothing"), 5, ["tab character", "indent with spaces"]),
    (SCHEMA, 1, ["file is empty"]),
    (GOOD_LESSON + "---\n" + GOOD_LESSON, 8, ["several YAML documents"]),
    (GOOD_LESSON.replace("number: 99", "number: 99\nnumber: 98"), 4, ["duplicate key 'number'", "first defined on line 3"]),
    ("- just\n- a list\n", 1, ["a record must be a mapping"]),
], ids=["syntax", "tab", "empty", "several-documents", "duplicate-key", "not-a-mapping"])
def test_yaml_problems(content_copy, text, line, needles):
    write(content_copy, text)
    assert_error(validate(content_copy), PATH, line, *needles)


def test_not_utf8(content_copy):
    write(content_copy, GOOD_LESSON.encode("utf-8").replace(b"Nothing", b"Noth\xe9ng"))
    assert_error(validate(content_copy), PATH, 5, "not valid UTF-8")


def test_byte_order_mark(content_copy):
    write(content_copy, b"\xef\xbb\xbf" + GOOD_LESSON.encode("utf-8"))
    assert_error(validate(content_copy), PATH, 1, "byte-order mark")


def test_file_too_large(content_copy):
    write(content_copy, GOOD_LESSON.replace("Nothing but a test.", "x" * 600_000))
    assert_error(validate(content_copy), PATH, 1, "the limit is")


def test_billion_laughs_is_refused_quickly(content_copy):
    bomb = SCHEMA + 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for i in range(1, 10):
        prev = chr(ord("a") + i - 1)
        bomb += f"{chr(ord('a') + i)}: &{chr(ord('a') + i)} [{', '.join(['*' + prev] * 9)}]\n"
    write(content_copy, bomb)
    started = time.perf_counter()
    proc = validate(content_copy)
    assert time.perf_counter() - started < 10  # a whole CLI run; the refusal itself is instant
    assert_error(proc, PATH, 2, "anchors and aliases")


def test_python_tags_are_refused(content_copy):
    write(content_copy, GOOD_LESSON.replace("title: A test lesson", "title: !!python/object/apply:os.system ['echo hacked']"))
    proc = validate(content_copy)
    assert "hacked" not in proc.stdout
    assert_error(proc, PATH, 4, "tag", "not allowed")


# --- fields and values ---------------------------------------------------------

@pytest.mark.parametrize("old, new, line, needles", [
    ("text: Nothing", "txet: Nothing", 5, ["lesson-test txet: unknown field 'txet'", "did you mean 'text'?"]),
    ("number: 99", "number: '12'", 3, ["lesson-test number: Input should be a valid integer", "without quotes"]),
    ("number: 99", "number: 1e3", 3, ["lesson-test number: Input should be a valid integer"]),
    ("title: A test lesson", "title: 2022-10-05", 4, ["lesson-test title: Input should be a valid string", "put the text in quotes"]),
    ("title: A test lesson", "title: ''", 4, ["lesson-test title:", "write the text"]),
    ("title: A test lesson\n", "", 2, ["missing required field 'title'"]),
    ("id: lesson-test", "id: Lesson_Test", 2, ["Lesson_Test id: is not a slug"]),
    ("practices: [family-ties]", "practices: [family-tie]", 6, ["unknown key practice id 'family-tie'", "did you mean 'family-ties'?"]),
    ("countries: []", "countries: [germny]", 7, ["unknown country id 'germny'", "did you mean 'germany'?"]),
], ids=["unknown-field", "quoted-number", "1e3", "unquoted-date", "empty-text", "missing-field", "not-a-slug",
        "dangling-practice", "dangling-country"])
def test_field_problems(content_copy, old, new, line, needles):
    write(content_copy, GOOD_LESSON.replace(old, new))
    assert_error(validate(content_copy), PATH, line, *needles)


QUOTE_PRACTICE = """# yaml-language-server: $schema=../schema/practice.schema.json
id: test-practice
number: 99
title: A test practice
summary: A summary.
description:
  - text: A description.
key_elements: [One element]
quotes:
  - id: test-practice-quote
    text: Biographical work is one of the central counselling blocks.
    speaker: Feride Aktas
    boxed: true
    cites: [9001]
footnotes:
  - footnote: 9001
    text: A test source.
    url: https://example.org/source
"""
QUOTE_PATH = "practices/test-practice.yaml"


@pytest.mark.parametrize("old, new, line, needles", [
    ("speaker: Feride Aktas", "speeker: Feride Aktas", 12, ["test-practice quotes[0].speeker: unknown field", "did you mean 'speaker'?"]),
    ("boxed: true", "boxed: yes", 13, ["boxed: Input should be a valid boolean", "write true or false"]),
    ("boxed: true", "boxed: on", 13, ["Input should be a valid boolean"]),
    ("url: https://example.org/source", "url: javascript:alert(1)", 18, ["must start with http:// or https://"]),
    ("url: https://example.org/source", "url: data:text/html,hi", 18, ["must start with http:// or https://"]),
    ("url: https://example.org/source", "url: file:///etc/passwd", 18, ["must start with http:// or https://"]),
    ("cites: [9001]", "cites: [9002]", 14, ["footnote 9002 is cited but not defined"]),
    ("  - footnote: 9001", "  - footnote: 12", 16, ["footnote 12 is defined twice"]),
    ("id: test-practice-quote", "id: family-ties", 10, ["duplicate id 'family-ties', already used at practices/family-ties.yaml"]),
], ids=["nested-unknown-field", "yes-boolean", "on-boolean", "javascript-url", "data-url", "file-url", "undefined-footnote",
        "footnote-defined-twice", "duplicate-id-across-files"])
def test_record_problems(content_copy, old, new, line, needles):
    write(content_copy, QUOTE_PRACTICE.replace(old, new), QUOTE_PATH)
    assert_error(validate(content_copy), QUOTE_PATH, line, *needles)


def test_file_name_must_match_id(content_copy):
    write(content_copy, GOOD_LESSON, "lessons/lesson-other-name.yaml")
    assert_error(validate(content_copy), "lessons/lesson-other-name.yaml", 2,
                 "id 'lesson-test' does not match the file name 'lesson-other-name'")


def test_github_annotations(content_copy):
    write(content_copy, GOOD_LESSON.replace("text: Nothing", "txet: Nothing"))
    proc = run_cli("validate", "--format", "github", root=content_copy)
    assert proc.returncode == 1
    assert f"::error file={PATH},line=5,col=1::lesson-test txet: unknown field 'txet'" in proc.stdout


def test_a_broken_record_is_reported_once_not_by_every_reference_to_it(content_copy):
    # Many practices and lessons name Kosovo: its syntax error must not turn into a
    # cascade of "unknown country id 'kosovo'" errors that bury the real one.
    path = content_copy / "countries" / "kosovo.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: Kosovo", "name: [Kosovo", 1), encoding="utf-8")
    proc = validate(content_copy)
    assert proc.returncode == 1
    problems = proc.stdout.strip().splitlines()
    assert len(problems) == 1 and problems[0].startswith("countries/kosovo.yaml:"), proc.stdout


def test_two_mistakes_in_two_files_are_both_reported_in_one_run(content_copy):
    write(content_copy, GOOD_LESSON.replace("title: A test", "titel: A test"))
    practice = content_copy / "practices" / "family-ties.yaml"
    text = practice.read_text(encoding="utf-8")
    practice.write_text(text.replace("number: 5", "number: five", 1), encoding="utf-8")
    proc = validate(content_copy)
    assert_error(proc, PATH, 4, "unknown field 'titel'", "did you mean 'title'")
    line = next(i for i, l in enumerate(practice.read_text(encoding="utf-8").splitlines(), 1) if l.startswith("number:"))
    assert_error(proc, "practices/family-ties.yaml", line, "number")
    assert proc.stdout.splitlines() == sorted(proc.stdout.splitlines()), "problems come sorted by file and line"
