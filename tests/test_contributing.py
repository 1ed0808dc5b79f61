"""CONTRIBUTING.md's walk-through works as written: an editor who follows only it sees their change.

The test takes the YAML and the commands from the guide itself, so it fails when the guide
drifts from the code.
"""

import re
import shlex

from helpers import ROOT, run_cli

GUIDE = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")


def code_blocks(language):
    return re.findall(rf"```{language}\n(.*?)```", GUIDE, re.S)


def block_with(language, needle):
    return next(block for block in code_blocks(language) if needle in block)


def insert_under(text, key, items):
    """Add list items right under a top-level `key:` of a record."""
    head, sep, tail = text.partition(f"\n{key}:\n")
    assert sep, f"the record has no {key}: list"
    return head + sep + items.rstrip("\n") + "\n" + tail


def test_the_walk_through_adds_an_example_a_quote_and_a_footnote(content_copy, tmp_path):
    # An editor's clone has no source texts beside it: the guide's example is hypothetical, and
    # validate checks everything but the quotes' wording, saying so in a notice.
    no_texts = {"KB_SOURCES_DIR": str(tmp_path / "no-texts")}
    record = content_copy / "countries" / "germany.yaml"
    example = block_with("yaml", "examples:").split("examples:\n", 1)[1]
    record.write_text(insert_under(record.read_text(encoding="utf-8"), "examples", example), encoding="utf-8")
    source = content_copy / "sources" / "compendium.yaml"
    note = block_with("yaml", "number: 999").split("notes:\n", 1)[1]
    text = source.read_text(encoding="utf-8")
    source.write_text(text.rstrip("\n") + "\n" + note, encoding="utf-8")  # the last number, at the end of the list

    # Step 2 runs the guide's own `new quote` command.
    command = next(line for line in block_with("sh", "build.py new quote").splitlines() if "build.py new" in line)
    args = shlex.split(command.split("build.py", 1)[1])
    quote_id = args[2]
    proc = run_cli(*args, root=content_copy, env=no_texts)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = record.read_text(encoding="utf-8")
    assert f"- id: {quote_id}" in text
    # ...then the editor fills in the placeholders, as the guide says.
    start = text.index(f"- id: {quote_id}")
    end = text.index("cites: []", start) + len("cites: []")
    filled = (text[start:end].replace("TODO: the quote, verbatim", "Families called the hotline every week.")
              .replace("speaker: null", "speaker: A. Practitioner").replace("practices: []", "practices: [family-ties]")
              .replace("cites: []", "cites: [999]"))
    record.write_text(text[:start] + filled + text[end:], encoding="utf-8")

    proc = run_cli("validate", root=content_copy, env=no_texts)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"^ok: \d+ records valid", proc.stderr, re.M), "CONTRIBUTING.md says what a clean validate prints"
    assert re.search(r"^notice: quotes and notes of 1 source\(s\) were not checked", proc.stderr, re.M)

    proc = run_cli("build", root=content_copy, env=no_texts)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    germany = (content_copy / "site" / "countries" / "germany.html").read_text(encoding="utf-8")
    example_id = re.search(r"- id: (\S+)", example).group(1)
    assert f'id="{example_id}"' in germany and "Counselling hotline for families" in germany
    assert f'id="{quote_id}"' in germany and "Families called the hotline every week." in germany
    sources = (content_copy / "site" / "sources" / "compendium.html").read_text(encoding="utf-8")
    footnote_block = sources[sources.index('id="fn-999"'):][:3000]
    assert f'../countries/germany.html#{quote_id}' in footnote_block
    assert f'../countries/germany.html#{example_id}' in footnote_block


def test_the_guide_shows_a_real_validate_error():
    sample = block_with("text", "germany.yaml")
    assert re.match(r"countries/germany\.yaml:\d+:\d+: germany examples\[\d+\]\.practices\[\d+\]: "
                    r"unknown key practice id 'family-tie' \(hint: did you mean 'family-ties'\?\)", sample.strip())
