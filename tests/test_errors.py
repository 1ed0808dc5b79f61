"""Every bad input gets `path:line:col: <record id> <field>: message`, exit 1 and no traceback.

Each case adds one bad record to a copy of the real knowledge base and checks the
line the error points at. The file is written by the test, so the expected line
is known exactly.
"""

import os
import time
from pathlib import Path

import pytest

from helpers import assert_no_traceback, line_of, run_cli
from knowledge_base.load import MAX_DEPTH, load_file

SCHEMA = "# yaml-language-server: $schema=../schema/lesson.schema.json\n"
GOOD_LESSON = SCHEMA + """id: lesson-test
number: 99
title: A test lesson
text: Nothing but a test.
practices: [family-ties]
countries: []
based_on:
  - source: compendium
    section: X
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
    (GOOD_LESSON + "---\n" + GOOD_LESSON, 11, ["several YAML documents"]),
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


# --- files that are not plain records, and records nested too deep ------------------

LINK_MESSAGE = "this file is a symbolic link: records must be regular files in the repository"


def only_problems(proc) -> list[str]:
    assert proc.returncode == 1, proc.stdout + proc.stderr
    return proc.stdout.splitlines()


def test_a_link_to_a_file_outside_is_refused_unread(content_copy, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "secret.yaml"
    outside.write_text(GOOD_LESSON.replace("A test lesson", "Outside words"), encoding="utf-8")  # a valid lesson
    (content_copy / PATH).symlink_to(outside)
    proc = validate(content_copy)
    assert only_problems(proc) == [f"{PATH}:1:1: {LINK_MESSAGE} (hint: copy the content into the file itself, "
                                   "in place of the link)"]
    assert "Outside words" not in proc.stdout + proc.stderr


def test_a_dangling_link_is_refused(content_copy, tmp_path):
    (content_copy / PATH).symlink_to(tmp_path / "nowhere" / "lesson.yaml")
    assert_error(validate(content_copy), PATH, 1, f"{PATH}:1:1: {LINK_MESSAGE}")


def test_a_linked_record_folder_is_refused_without_a_cascade(content_copy, tmp_path_factory):
    # Practices and lessons name countries: their references must not be reported as well.
    target = tmp_path_factory.mktemp("outside") / "countries"
    (content_copy / "countries").rename(target)
    (content_copy / "countries").symlink_to(target)
    names = sorted(p.name for p in target.glob("*.yaml"))
    assert only_problems(validate(content_copy)) == [
        f"countries/{name}:1:1: countries/ is a symbolic link: record folders must be real folders in the repository "
        "(hint: replace the link countries with a folder holding the records)" for name in names]


@pytest.mark.parametrize("make, message", [
    (lambda path: path.mkdir(), "this is a folder: a record is a plain text file named ID.yaml"),
    (lambda path: os.mkfifo(path), "this is not a regular file"),  # reading it would never end
], ids=["folder-named-yaml", "pipe"])
def test_a_record_path_that_is_not_a_regular_file(content_copy, make, message):
    make(content_copy / PATH)
    [problem] = only_problems(validate(content_copy))
    assert problem.startswith(f"{PATH}:1:1: {message}"), problem


def test_a_file_that_vanishes_after_it_was_listed(content_copy, monkeypatch):
    from knowledge_base import pipeline

    listed = pipeline.discover
    monkeypatch.setattr(pipeline, "discover", lambda root, folders: (
        listed(root, folders)[0] + [root / "lessons" / "gone.yaml"], listed(root, folders)[1]))
    result = pipeline.check(content_copy)
    assert [p.format() for p in result.problems] == [
        "lessons/gone.yaml:1:1: this file cannot be read: no such file or directory "
        "(hint: check that the file exists and that you may read it)"]


def test_a_file_that_may_not_be_read(tmp_path, monkeypatch):
    path = tmp_path / "lesson-test.yaml"
    path.write_text(GOOD_LESSON, encoding="utf-8")

    def denied(self, *args, **kwargs):  # chmod 0 would not stop the tests when they run as root
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", denied)
    [problem] = load_file(path, PATH).problems
    assert (problem.line, problem.col, problem.message) == (1, 1, "this file cannot be read: permission denied")


# The countries list is at level 2 (the record is 1): level MAX_DEPTH + 1 opens at its MAX_DEPTH-th bracket
# or '- '. 600 levels end in Python's RecursionError unless refused; past 1,000, libyaml gives up itself.
LINE = GOOD_LESSON.splitlines().index("countries: []") + 1
FLOW_COL = len("countries: ") + MAX_DEPTH


@pytest.mark.parametrize("nested, line, col, message", [
    ("countries: " + "[" * 600 + "]" * 600, LINE, FLOW_COL, f"the value is nested {600 + 1} levels deep"),
    ("countries:\n" + "- " * 600 + "germany", LINE + 1, 2 * (MAX_DEPTH - 1) + 1, f"the value is nested {600 + 1} levels deep"),
    ("countries: " + "[" * 20_000 + "]" * 20_000, LINE, FLOW_COL, "the value is nested a thousand levels deep or more"),
], ids=["600-brackets", "600-dashes", "20000-brackets"])
def test_deep_nesting_is_refused_where_it_goes_too_deep(content_copy, nested, line, col, message):
    write(content_copy, GOOD_LESSON.replace("countries: []", nested))
    [problem] = only_problems(validate(content_copy))
    assert problem.startswith(f"{PATH}:{line}:{col}: "), problem
    assert f"{message}; records nest at most {MAX_DEPTH} levels (hint: look for a [ or {{ that is never closed" in problem


def test_nesting_up_to_the_limit_is_read(content_copy):
    nested = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)  # with the record itself, MAX_DEPTH levels
    write(content_copy, GOOD_LESSON.replace("countries: []", f"countries: []\nnote: {nested}"))
    assert_error(validate(content_copy), PATH, LINE + 1, "unknown field 'note'")  # read, then judged by the model


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
based_on:
  - source: test-source
"""
QUOTE_PATH = "practices/test-practice.yaml"
TEST_SOURCE = """# yaml-language-server: $schema=../schema/source.schema.json
id: test-source
type: report
title: A test source
short_title: Test source
notes:
  - number: 9001
    text: A test source.
    url: https://example.org/source
"""
SOURCE_PATH = "sources/test-source.yaml"


@pytest.mark.parametrize("old, new, line, needles", [
    ("speaker: Feride Aktas", "speeker: Feride Aktas", 12, ["test-practice quotes[0].speeker: unknown field", "did you mean 'speaker'?"]),
    ("boxed: true", "boxed: yes", 13, ["boxed: Input should be a valid boolean", "write true or false"]),
    ("boxed: true", "boxed: on", 13, ["Input should be a valid boolean"]),
    ("cites: [9001]", "cites: [9002]", 14, ["note 9002 of test-source is cited but not defined",
                                            "add it to the `notes:` of sources/test-source.yaml"]),
    ("cites: [9001]", "cites: [9001, 9001]", 14, ["note 9001 of test-source is cited twice here"]),
    ("cites: [9001]", "cites: ['9001']", 14, ["cites[0]: Input should be a valid integer", "without quotes"]),
    ("cites: [9001]", "cites: [{source: test-source}]", 14, ["say where in the source: give its note, page or section"]),
    ("cites: [9001]", "cites: [{source: test-sorce, page: 4}]", 14, ["cites[0].page: Input should be a valid string"]),
    ("  - source: test-source", "  - source: test-sorce", 16, ["unknown source id 'test-sorce'", "did you mean 'test-source'?"]),
    ("id: test-practice-quote", "id: family-ties", 10, ["duplicate id 'family-ties', already used at practices/family-ties.yaml"]),
    ("  - text: A description.", "  - text: A description of the test practice, one.\n"
     "  - text: A description of the test practice, two.", 8,
     ["duplicate id 'test-practice-description-a-description-of-the-test-practice' (made from its first words), "
      "already used at practices/test-practice.yaml:7", "give this item an id of its own"]),
    ("key_elements: [One element]", "key_elements: [One element, One element!]", 8,
     ["key element 'test-practice-element-one-element' is the same as the one at line 8"]),
], ids=["nested-unknown-field", "yes-boolean", "on-boolean", "undefined-note", "cited-twice", "quoted-number",
        "locator-without-place", "page-as-number", "unknown-source", "duplicate-id-across-files",
        "derived-ids-clash", "key-elements-clash"])
def test_record_problems(content_copy, old, new, line, needles):
    write(content_copy, TEST_SOURCE, SOURCE_PATH)
    write(content_copy, QUOTE_PRACTICE.replace(old, new), QUOTE_PATH)
    assert_error(validate(content_copy), QUOTE_PATH, line, *needles)


@pytest.mark.parametrize("old, new, line, needles", [
    ("url: https://example.org/source", "url: javascript:alert(1)", 9, ["must start with http:// or https://"]),
    ("url: https://example.org/source", "url: data:text/html,hi", 9, ["must start with http:// or https://"]),
    ("url: https://example.org/source", "url: file:///etc/passwd", 9, ["must start with http:// or https://"]),
    ("    url: https://example.org/source\n", "    url: https://example.org/source\n  - number: 9001\n    text: Again.\n",
     10, ["note 9001 is defined twice in this source"]),
    ("short_title: Test source", "short_title: Test source\nissued: 2019-13-45", 6,
     ["issued: a date must look like 2019, 2019-05 or 2019-05-14 (got '2019-13-45'"]),
    ("short_title: Test source", "short_title: Test source\nissued: 2019-11-31", 6,
     ["issued: 2019-11-31 is not a day of the calendar"]),
    ("short_title: Test source", "short_title: Test source\nlanguage: English", 6, ["a language code such as en"]),
], ids=["javascript-url", "data-url", "file-url", "note-defined-twice", "impossible-month", "impossible-day",
        "language-pattern"])
def test_source_problems(content_copy, old, new, line, needles):
    write(content_copy, TEST_SOURCE.replace(old, new), SOURCE_PATH)
    write(content_copy, QUOTE_PRACTICE, QUOTE_PATH)
    assert_error(validate(content_copy), SOURCE_PATH, line, *needles)


def test_an_explicit_id_settles_a_clash_of_derived_ones(content_copy):
    write(content_copy, TEST_SOURCE, SOURCE_PATH)
    write(content_copy, QUOTE_PRACTICE.replace("  - text: A description.", "  - text: A description of the test practice, one.\n"
                                               "  - id: test-practice-second\n"
                                               "    text: A description of the test practice, two."), QUOTE_PATH)
    proc = validate(content_copy)
    # (the test source has no text: with the source texts required, as in CI, that alone is reported)
    assert not [line for line in proc.stdout.splitlines() if line.startswith(QUOTE_PATH)], proc.stdout


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


# --- editors' everyday mistakes, each with a plain answer ----------------------------

@pytest.mark.parametrize("old, new, line, needles", [
    ("title: A test lesson", "title: Learn from other states #4 of the compendium", 4,
     ["was read as a comment and dropped", 'put the whole value in quotes: "Learn from other states #4 of the compendium"']),
    ("title: A test lesson", "title: Returnees: the first year", 4,
     ["a colon followed by a space inside a value", 'title: "Returnees: the first year"']),
    ("text: Nothing but a test.", "text: >-\n  Nothing\nbut a test.", 7,
     ["neither `field: value` nor part of the text above it", "indented more than its field name"]),
    ("title: A test lesson", "title: A test lesson\n  number: 4", 5, ["this line looks like a field: indent it like the fields above"]),
    ("practices: [family-ties]", "practices: [family-ties", 6, ["a [list] is not closed with ']'"]),
    ("title: A test lesson", 'title: "A test lesson', 4, ["a quote mark opened here is never closed"]),
], ids=["hash-comment", "colon-in-value", "less-indented-continuation", "over-indented-field", "unclosed-list",
        "unclosed-quote"])
def test_yaml_mistakes_get_plain_answers(content_copy, old, new, line, needles):
    write(content_copy, GOOD_LESSON.replace(old, new))
    proc = validate(content_copy)
    assert_error(proc, PATH, line, *needles)
    assert "while scanning" not in proc.stdout and "mapping values" not in proc.stdout


def test_no_regular_expression_reaches_an_editor(content_copy):
    write(content_copy, GOOD_LESSON.replace("id: lesson-test", "id: Lesson_Test"))
    proc = validate(content_copy)
    assert_error(proc, PATH, 2, "is not a slug (lower-case letters, digits and single hyphens")
    assert "should match pattern" not in proc.stdout and "^" not in proc.stdout


def test_an_impossible_unquoted_date_is_reported_with_the_other_problems(content_copy):
    path = content_copy / "countries" / "kyrgyzstan.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("\n    date: ", "\n    date: 2019-13-45\n    date_text: ", 1) if "\n    date: " in text else text
    path.write_text(text, encoding="utf-8")
    write(content_copy, GOOD_LESSON.replace("title: A test", "titel: A test"))
    proc = validate(content_copy)
    assert_error(proc, "countries/kyrgyzstan.yaml", line_of(path, "date: 2019-13-45"),
                 "date: a date must look like 2019, 2019-05 or 2019-05-14 (got '2019-13-45'")
    assert_error(proc, PATH, 4, "unknown field 'titel'")


@pytest.mark.parametrize("place, message", [
    ("lessons/lesson-test.yml", "record files end in .yaml, not .yml (hint: rename it to lesson-test.yaml)"),
    ("lessons/lesson-test.yaml.txt", "lessons/ holds records named ID.yaml only"),
    ("lessons/extra/lesson-test.yaml", "records sit directly in lessons/, not in a subfolder (hint: move it to lessons/lesson-test.yaml)"),
    ("lesson/lesson-test.yaml", "lesson/ is not a record folder (hint: did you mean 'lessons'?)"),
], ids=["yml", "yaml-txt", "subfolder", "misspelt-folder"])
def test_a_file_that_would_not_be_read_is_reported(content_copy, place, message):
    write(content_copy, GOOD_LESSON, place)
    assert_error(validate(content_copy), place, 1, message)


def test_an_untouched_scaffold_cannot_be_published(content_copy):
    assert run_cli("new", "country", "testland", root=content_copy).returncode == 0
    proc = validate(content_copy)
    assert proc.returncode == 1
    placeholders = [l for l in proc.stdout.splitlines() if "a placeholder from `python build.py new` is still here" in l]
    assert placeholders and all(l.startswith("countries/testland.yaml:") for l in placeholders)
    build = run_cli("build", root=content_copy)
    assert build.returncode == 1 and not (content_copy / "site").exists()


@pytest.mark.parametrize("old, new, message", [
    ("    unit: days\n", "    unit: money\n", "a figure in money needs its `currency`"),
    ("    value_max: 5\n", "    value_max: 3\n", "`value_max` is the upper end of a range: it must be larger than `value`"),
    ("    unit: days\n", "    unit: other\n", "a figure in `other` units needs a `unit_name`"),
], ids=["money-without-currency", "range-upside-down", "other-without-name"])
def test_a_figure_says_what_it_counts(content_copy, old, new, message):
    path = content_copy / "countries" / "kyrgyzstan.yaml"
    text = path.read_text(encoding="utf-8")
    at = text.index("    value_max: 5\n")  # "within four to five days"
    start = text.rindex("  - label:", 0, at)
    end = text.index("  - label:", at)
    item = text[start:end].replace(old, new, 1)
    assert item != text[start:end]
    path.write_text(text[:start] + item + text[end:], encoding="utf-8")
    proc = validate(content_copy)
    assert_error(proc, "countries/kyrgyzstan.yaml", line_of(path, item.splitlines()[0].strip()), message)


def test_figures_read_as_the_source_gives_them(real):
    from knowledge_base.render import figure_text

    shown = [figure_text(f) for c in real.kb.countries for f in c.figures]
    for text in ("600,000 KZT", "1,300 USD", "3–6 months", "4–5 days", "1 month", "more than 800", "4 psychologists"):
        assert text in shown, text
    assert not any(" other" in text or "1 months" in text for text in shown)
