"""CONTRIBUTING.md's walk-through works as written: an editor who follows only it sees their change.

The test takes the YAML and the commands from the guide itself, so it fails when the guide
drifts from the code.
"""

import re
import shlex

from helpers import ROOT, run_cli, without_texts

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
    no_texts = without_texts(tmp_path)
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
    assert re.search(rf"^notice: quotes and notes of {len(list((content_copy / 'sources').glob('*.yaml')))} source\(s\) "
                     "were not checked", proc.stderr, re.M)

    proc = run_cli("build", root=content_copy, env=no_texts)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    germany = (content_copy / "site" / "countries" / "germany.html").read_text(encoding="utf-8")
    example_id = re.search(r"- id: (\S+)", example).group(1)
    assert f'id="{example_id}"' in germany and "Counselling hotline for families" in germany
    assert f'id="{quote_id}"' in germany and "Families called the hotline every week." in germany
    sources = (content_copy / "site" / "sources" / "compendium.html").read_text(encoding="utf-8")
    footnote_block = sources[sources.index('id="fn-999"'):][:3000]
    # Back-links lead to the exact place: the quote's marker and the example's (named by their ids).
    assert f'../countries/germany.html#ref-{quote_id}"' in footnote_block
    assert f'../countries/germany.html#ref-{example_id}"' in footnote_block
    assert f'id="ref-{quote_id}"' in germany and f'id="ref-{example_id}"' in germany


def test_the_guide_shows_a_real_validate_error():
    sample = block_with("text", "germany.yaml")
    assert re.match(r"countries/germany\.yaml:\d+:\d+: germany examples\[\d+\]\.practices\[\d+\]: "
                    r"unknown key practice id 'family-tie' \(hint: did you mean 'family-ties'\?\)", sample.strip())


def test_adding_a_source_works_as_the_guide_writes_it(content_copy, tmp_path):
    no_texts = without_texts(tmp_path)
    command = next(line for line in block_with("sh", "build.py new source").splitlines() if "build.py new" in line)
    args = shlex.split(command.split("build.py", 1)[1])
    source_id = args[2]
    assert run_cli(*args, root=content_copy, env=no_texts).returncode == 0
    source = content_copy / "sources" / f"{source_id}.yaml"
    # The editor replaces each TODO with what the document says, as the guide asks.
    text = source.read_text(encoding="utf-8")
    filled = (text.replace("TODO: the title, as the document gives it", "Returnees in Central Asia: a follow-up")
              .replace("TODO: a short name shown beside its citations", "UNODC 2024")
              .replace("TODO: the institution", "United Nations Office on Drugs and Crime"))
    source.write_text(filled, encoding="utf-8")
    proc = run_cli("validate", root=content_copy, env=no_texts)
    assert proc.returncode == 0, proc.stdout

    # ...then cites it from a record, with the guide's own YAML.
    snippet = block_with("yaml", f"source: {source_id}")
    record = content_copy / "countries" / "kyrgyzstan.yaml"
    text = record.read_text(encoding="utf-8")
    based_on = snippet.split("examples:\n")[0].split("based_on:\n", 1)[1]
    example = snippet.split("examples:\n", 1)[1]
    head, _, rest = text.partition("based_on:\n")
    old_based_on, _, rest = rest.partition("summary:")
    text = head + "based_on:\n" + based_on + "summary:" + rest
    assert old_based_on == based_on.split(f"  - source: {source_id}")[0], "the guide shows Kyrgyzstan's based_on as it is"
    record.write_text(insert_under(text, "examples", example), encoding="utf-8")
    proc = run_cli("validate", root=content_copy, env=no_texts)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = run_cli("build", root=content_copy, env=no_texts)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = (content_copy / "site" / "sources" / f"{source_id}.html").read_text(encoding="utf-8")
    assert "Returnees in Central Asia: a follow-up" in page and "../countries/kyrgyzstan.html" in page
    country = (content_copy / "site" / "countries" / "kyrgyzstan.html").read_text(encoding="utf-8")
    assert f'href="#note-{source_id}-p-12" data-tip="UNODC 2024, p. 12"' in country  # the marker, to the page's foot
    assert f'id="note-{source_id}-p-12"></span><a href="../sources/{source_id}.html">p. 12</a>' in country


def test_every_record_page_has_the_edit_and_report_links_the_guide_promises(built_site, real):
    guide = GUIDE
    assert "**Edit this record**" in guide and "**Report an error on this page**" in guide
    repo = "https://github.com/returnees-kb/knowledge-base"  # extra.repository in mkdocs.yml
    for record in [*real.kb.sources.values(), *real.kb.practices, *real.kb.countries]:
        page = f"{type(record).__name__.lower().replace('practice', 'practices').replace('country', 'countries').replace('source', 'sources')}/{record.id}.html"
        html = (built_site / page).read_text(encoding="utf-8")
        path = real.kb.paths[record.id]
        assert f'<a href="{repo}/edit/main/{path}" rel="noopener">Edit this record</a>' in html, page
        assert f"{repo}/issues/new?template=report-a-correction.yml" in html and f"record={path.replace('/', '%2F')}" in html


NEW_TEXT = ROOT / "tests" / "fixtures" / "new-source" / "pilot-evaluation.txt"  # a fictional report


def test_a_new_source_and_a_new_country_from_it_work_as_the_guide_writes_them(content_copy, tmp_path):
    """The addition an editor makes from a newer report: the source with its text where the guide says,
    a country drawn from it alone (no figures, no operations) and two quotes cited by section and by page.
    validate (requiring every text), build and search take it in; a changed word of a quote is reported
    against the new source's text."""
    import json
    import shutil

    import yaml

    from conftest import compendium_dir

    from knowledge_base.source_texts import sources_dirs

    shared = tmp_path / "shared"  # ../shared/ beside the clone, as the guide describes it
    (shared / "sources").mkdir(parents=True)
    for folder in sources_dirs():  # the texts of the sources the knowledge base has already, as at hand here
        shutil.copytree(folder, shared / folder.name, dirs_exist_ok=True)
    env = {**without_texts(tmp_path), "KB_SHARED_DIR": str(shared), "KB_REQUIRE_SOURCES": "1" if compendium_dir() else ""}

    # The guide's ids, unless the knowledge base has records of those ids already (then the same, suffixed).
    taken = {p.stem for p in content_copy.glob("*/*.yaml")}
    source_id, country_id = ("pilot-evaluation", "belgium") if not {"pilot-evaluation", "belgium"} & taken else \
        ("pilot-evaluation-walkthrough", "belgium-walkthrough")
    proc = run_cli("new", "source", source_id, "--text", str(NEW_TEXT), root=content_copy, env=env)
    assert proc.returncode == 0 and f"put a copy of {NEW_TEXT.name} in {shared / 'sources' / NEW_TEXT.name}" in proc.stderr
    shutil.copy(NEW_TEXT, shared / "sources")  # ...as the command says
    source = content_copy / "sources" / f"{source_id}.yaml"
    notes = "".join(f"  - number: {n}\n    text: {text}\n" for n, text in
                    re.findall(r"(?m)^\[(\d+)\] (.+)$", NEW_TEXT.read_text(encoding="utf-8")))
    source.write_text(source.read_text(encoding="utf-8")
                      .replace('"TODO: the title, as the document gives it"', "Evaluation of the returnee support pilot")
                      .replace('"TODO: a short name shown beside its citations"', "Pilot evaluation")
                      .replace('"TODO: the institution"', "Ministry of Social Affairs")
                      .replace("issued: null", 'issued: "2025"') + "notes:\n" + notes, encoding="utf-8")

    assert run_cli("new", "country", country_id, root=content_copy, env=env).returncode == 0
    country = content_copy / "countries" / f"{country_id}.yaml"
    guide = yaml.safe_load(block_with("yaml", "source: pilot-evaluation\nsummary:").replace("pilot-evaluation", source_id)
                           .replace("belgium", country_id))
    scaffolded = country.read_text(encoding="utf-8")
    head = scaffolded[:scaffolded.index("name:")]
    country.write_text(head + yaml.safe_dump({"name": "Belgium", **guide}, sort_keys=False, allow_unicode=True),
                       encoding="utf-8")
    proc = run_cli("validate", root=content_copy, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    proc = run_cli("build", root=content_copy, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    site = content_copy / "site"
    page = (site / "countries" / f"{country_id}.html").read_text(encoding="utf-8")
    for quote in guide["quotes"]:
        assert f'id="{quote["id"]}"' in page and quote["text"] in page
    assert f'href="#note-{source_id}-s-2-2"' in page and f'href="#note-{source_id}-p-1"' in page
    assert f'id="note-{source_id}-1"' in page  # note 1 and page 1 are two places
    assert f'href="../countries/{country_id}.html"' in (site / "sources" / f"{source_id}.html").read_text(encoding="utf-8")
    bib = (site / "downloads" / "sources.bib").read_text(encoding="utf-8")
    entry = bib[bib.index(f"{{{source_id},"):].split("\n}", 1)[0]
    assert "year = {2025}" in entry and "Ministry of Social Affairs" in entry
    hits = json.loads(run_cli("search", '"came back every week"', "--json", root=content_copy, env=env).stdout)["hits"]
    assert hits[0]["id"] == f"{country_id}-quote-trust" and hits[0]["country"] == [country_id]

    country.write_text(country.read_text(encoding="utf-8").replace("trusted us", "believed us"), encoding="utf-8")
    proc = run_cli("validate", root=content_copy, env=env)
    assert proc.returncode == 1
    [error] = [l for l in proc.stdout.splitlines() if l.startswith(f"countries/{country_id}.yaml:")]
    assert f"not found verbatim in {NEW_TEXT.name}" in error and "“believed” where the source has “trusted”" in error
