"""Stable ids: every row of every table keeps its id when an editor reorders any list of any record,
and kb.json carries the ids of the items that have none of their own (ids.py). Generic: for every
knowledge base."""

import csv
import json
import shutil

import pytest
import yaml

from conftest import CONTENT_FOLDERS
from helpers import run_cli
from knowledge_base.tables import TABLES

ORDER_COLUMNS = {"position"}  # a row's place in its list: the one thing reordering may change
MEANINGFUL_ORDER = {"based_on"}  # its first entry is the record's primary source, which short citations name


def reversed_lists(value, key=None):
    """The same data with every list, at every depth, in the opposite order (but MEANINGFUL_ORDER's)."""
    if isinstance(value, dict):
        return {k: reversed_lists(item, k) for k, item in value.items()}
    if isinstance(value, list):
        items = [reversed_lists(item) for item in value]
        return items if key in MEANINGFUL_ORDER else items[::-1]
    return value


def export(root, out):
    proc = run_cli("export", "--out", str(out), root=root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def rows_by_id(out, table):
    with (out / f"{table.name}.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    lists = {c.name for c in table.columns if c.type == "list"}
    return {row[table.key]: {name: ";".join(sorted(value.split(";"))) if name in lists else value
                             for name, value in row.items() if name not in ORDER_COLUMNS} for row in rows}


@pytest.fixture(scope="module")
def both_orders(kb_root, tmp_path_factory):
    """The exports of a knowledge base, and of a copy whose every list is reversed."""
    copy = tmp_path_factory.mktemp("reordered")
    changed = 0
    for folder in CONTENT_FOLDERS:
        if not (kb_root / folder).is_dir():
            continue
        shutil.copytree(kb_root / folder, copy / folder)
        for path in (copy / folder).rglob("*.yaml"):
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
            flipped = reversed_lists(data)
            changed += flipped != data
            path.write_text(yaml.safe_dump(flipped, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")
    assert changed, "the copy reorders something"
    return export(kb_root, tmp_path_factory.mktemp("as-is")), export(copy, tmp_path_factory.mktemp("flipped"))


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_reordering_every_list_changes_no_id(both_orders, table):
    before, after = (rows_by_id(out, table) for out in both_orders)
    assert sorted(before) == sorted(after), f"{table.name}: ids that depend on a position in a list"
    changed = [key for key in before if before[key] != after[key]]
    assert not changed, f"{table.name}: rows whose content moved to another id: {changed[:5]}"


def test_kb_json_carries_every_items_id(both_orders):
    document = json.loads((both_orders[0] / "kb.json").read_text(encoding="utf-8"))
    expected = {t.name: set(rows_by_id(both_orders[0], t)) for t in TABLES}
    countries = document["countries"]
    intro = [document["introduction"]] if document["introduction"] else []
    carried = {
        "figures": {f["id"] for owner in countries + intro for f in owner["figures"]},
        "organizations": {o["id"] for c in countries for o in c["organizations"]},
        "challenges": {x["id"] for c in countries for x in c["challenges"]},
        "mentions": {m["id"] for p in document["practices"] for m in p["mentions"]},
        "passages": {p["id"] for owner in document["practices"] for p in owner["description"]}
        | {p["id"] for c in countries for part in ("context", "approach") for p in c[part]}
        | {p["id"] for i in intro for part in ("context", "practices_overview", "lessons_overview") for p in i[part]},
    }
    for name, ids in carried.items():
        assert None not in ids and ids == expected[name], name
