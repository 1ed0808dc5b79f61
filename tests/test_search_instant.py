"""`python build.py search` answers from a fresh index without loading the records, and sees every
change to them: an edit, a removal, a record made invalid. Runs on every knowledge base."""

import json
import re
import shutil
import subprocess
import sys

import pytest

from conftest import CONTENT_FOLDERS, ROOT
from helpers import assert_no_traceback, run_cli

TOKEN = "quillfeather"  # a made-up word, in no knowledge base
PROBLEM_LINE = re.compile(r"^[\w./-]+\.yaml:\d+:\d+: \S")


@pytest.fixture
def copy(kb_root, tmp_path):
    """A copy of a knowledge base's records, indexed."""
    for folder in CONTENT_FOLDERS:
        if (kb_root / folder).is_dir():
            shutil.copytree(kb_root / folder, tmp_path / folder)
    proc = run_cli("index", root=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return tmp_path


def search(root, *args):
    proc = run_cli("search", *args, "--json", "--limit", "1000", root=root)
    assert_no_traceback(proc)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(proc.stdout)


def ids(result) -> set[str]:
    return {hit["id"] for hit in result["hits"]}


SUMMARY = re.compile(r"(?m)^summary: (?:>-?\n +)?(?=[A-Z])")  # on its line, or folded (>-) below it


def editable_country(root, kb):
    """A country whose summary can be edited in place, and its file."""
    for country in kb.countries:
        path = root / "countries" / f"{country.id}.yaml"
        if SUMMARY.search(path.read_text(encoding="utf-8")):
            return country, path
    pytest.skip("no country summary of a known layout")


def add_token(path):
    """The made-up word at the start of the country's summary."""
    text = path.read_text(encoding="utf-8")
    path.write_text(SUMMARY.sub(lambda m: f"{m.group(0)}{TOKEN.capitalize()} here. ", text, count=1), encoding="utf-8")


def test_a_fresh_index_answers_without_loading_the_records(copy, loaded):
    """The pipeline cannot even be imported here, and no model (nor pydantic) is loaded."""
    word = loaded.kb.countries[0].name.split()[0]
    script = (
        "import json, sys\n"
        "sys.modules['knowledge_base.pipeline'] = None  # importing it raises ImportError\n"
        "from knowledge_base.cli import main\n"
        f"code = main(['--root', {str(copy)!r}, 'search', {word!r}, '--json'])\n"
        "heavy = [m for m in ('pydantic', 'knowledge_base.models', 'knowledge_base.link', 'knowledge_base.load') "
        "if m in sys.modules]\n"
        "print(json.dumps({'code': code, 'heavy': heavy}), file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert_no_traceback(proc)
    status = json.loads(proc.stderr.strip().splitlines()[-1])
    assert status == {"code": 0, "heavy": []}
    assert loaded.kb.countries[0].id in ids(json.loads(proc.stdout))


def test_an_edited_record_is_found_by_the_next_search(copy, loaded):
    assert search(copy, TOKEN)["total"] == 0
    country, path = editable_country(copy, loaded.kb)
    add_token(path)
    result = search(copy, TOKEN)
    assert country.id in ids(result)
    assert "up to date" in run_cli("index", root=copy).stderr  # the search brought the index up to date


def test_an_edit_re_indexes_only_the_changed_documents(copy, loaded):
    """And the updated index answers as one rebuilt from scratch, with the same vocabulary."""
    country, path = editable_country(copy, loaded.kb)
    add_token(path)
    proc = run_cli("index", root=copy)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    changed = int(re.search(r"updated: (\d+) document\(s\) re-indexed, 0 removed", proc.stderr).group(1))
    assert changed >= 1 and "rebuilt" not in proc.stderr
    folder = copy / ".generated" / "index"
    assert not (folder / "related.json").exists()  # chosen again by the next build
    queries = [TOKEN, country.name, f"country:{country.id}", "kind:quote"]
    updated = {q: search(copy, q) for q in queries}
    words = (folder / "words.txt").read_text(encoding="utf-8")
    assert TOKEN in words.split()
    shutil.rmtree(folder)
    assert "rebuilt" in run_cli("index", root=copy).stderr
    assert (folder / "words.txt").read_text(encoding="utf-8") == words
    for query, result in updated.items():
        rebuilt = search(copy, query)
        assert (ids(result), result["total"], result["facets"]) == (ids(rebuilt), rebuilt["total"], rebuilt["facets"])


def test_a_removed_record_disappears(copy, loaded):
    lesson = max(loaded.kb.lessons, key=lambda lesson: lesson.number, default=None)
    if lesson is None:
        pytest.skip("no lesson")
    before = ids(search(copy, "kind:lesson"))
    assert before == {x.id for x in loaded.kb.lessons}
    (copy / "lessons" / f"{lesson.id}.yaml").unlink()
    assert ids(search(copy, "kind:lesson")) == before - {lesson.id}


def test_an_invalid_record_is_reported_and_nothing_is_answered(copy, loaded):
    country, path = editable_country(copy, loaded.kb)
    text = path.read_text(encoding="utf-8")
    add_token(path)
    path.write_text(path.read_text(encoding="utf-8") + "colour: red\n", encoding="utf-8")
    for _ in range(2):  # the index is not marked fresh by a failed check: the second search says it again
        proc = run_cli("search", TOKEN, root=copy)
        assert_no_traceback(proc)
        assert proc.returncode == 1
        lines = proc.stdout.strip().splitlines()
        assert lines and all(PROBLEM_LINE.match(line) for line in lines), proc.stdout
        assert any(line.startswith(f"countries/{country.id}.yaml:") for line in lines)
        assert "result(s)" not in proc.stdout
    path.write_text(text, encoding="utf-8")
    assert search(copy, TOKEN)["total"] == 0  # valid again, and the edit undone


def test_a_stray_file_in_a_record_folder_sends_the_search_through_validation(copy):
    (copy / "countries" / "notes.yml").write_text("id: notes\n", encoding="utf-8")
    proc = run_cli("search", TOKEN, root=copy)
    assert proc.returncode == 1 and proc.stdout.startswith("countries/notes.yml:1:1: ")


def test_one_searcher_per_process(copy, loaded):
    from knowledge_base import search as engine
    from knowledge_base.index import fresh_index

    folder = fresh_index(copy)
    assert folder is not None
    word = loaded.kb.countries[0].name.split()[0]
    first = engine.search(folder, word)
    searcher = engine._opened[folder][3]
    second = engine.search(folder, word, limit=3)
    assert engine._opened[folder][3] is searcher and not searcher.is_closed
    assert [h.id for h in second.hits] == [h.id for h in first.hits][:3]
    # The index changes under the process: the next query opens the new one.
    country, path = editable_country(copy, loaded.kb)
    add_token(path)
    assert run_cli("index", root=copy).returncode == 0
    assert country.id in {h.id for h in engine.search(folder, TOKEN).hits}
    assert engine._opened[folder][3] is not searcher and searcher.is_closed


def test_the_stamped_folders_are_the_record_folders():
    from knowledge_base.index import RECORD_FOLDERS
    from knowledge_base.models import RECORD_KINDS

    assert RECORD_FOLDERS == tuple(RECORD_KINDS)
