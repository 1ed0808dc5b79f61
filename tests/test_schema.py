"""The committed JSON Schemas match the models; every record points at its schema."""

import json

from knowledge_base.models import RECORD_KINDS, SLUG_PATTERN
from knowledge_base.schema import SCHEMA_FILES, known_ids, schema_text

from conftest import ROOT


def _without_id_enums(node):
    """A schema without the lists of ids it offers: a new record (added on GitHub's web editor, say)
    must not fail CI for that; `python build.py schema` refreshes them."""
    if isinstance(node, dict):
        return {k: _without_id_enums(v) for k, v in node.items()
                if not (k == "enum" and node.get("pattern") == SLUG_PATTERN)}
    if isinstance(node, list):
        return [_without_id_enums(v) for v in node]
    return node


def test_committed_schemas_are_fresh():
    for kind, name in SCHEMA_FILES.items():
        committed = json.loads((ROOT / "schema" / name).read_text(encoding="utf-8"))
        fresh = json.loads(schema_text(kind, known_ids(ROOT)))
        assert _without_id_enums(committed) == _without_id_enums(fresh), (
            f"schema/{name} is stale: run `python build.py schema` and commit it")


def test_schemas_describe_every_property_and_offer_the_ids():
    def undescribed(node, where):
        if isinstance(node, dict):
            for name, prop in (node.get("properties") or {}).items():
                if "description" not in prop:
                    yield f"{where}.{name}"
            for value in node.values():
                yield from undescribed(value, where)

    for name in SCHEMA_FILES.values():
        schema = json.loads((ROOT / "schema" / name).read_text(encoding="utf-8"))
        missing = list(undescribed(schema, name))
        assert not missing, f"give these fields a description= in knowledge_base/models.py: {missing}"
    country = json.loads((ROOT / "schema" / "country.schema.json").read_text(encoding="utf-8"))
    example = country["$defs"]["PracticeExample"]["properties"]
    assert set(example["practices"]["items"]["enum"]) <= set(known_ids(ROOT)["practices"])
    # The ids offered are those of the records when `python build.py schema` last ran: each is a record's
    # (a new record may not be offered yet; test_committed_schemas_are_fresh says when to run it again).
    offered = country["$defs"]["BasedOn"]["properties"]["source"]["enum"]
    assert offered and set(offered) <= set(known_ids(ROOT)["sources"]), "run `python build.py schema` and commit schema/"
    fresh = json.loads(schema_text("countries", known_ids(ROOT)))
    assert fresh["$defs"]["BasedOn"]["properties"]["source"]["enum"] == known_ids(ROOT)["sources"]
    assert "2019-05" in json.dumps(country["$defs"]["Operation"]["properties"]["date"])


def test_schemas_describe_every_field():
    for kind, name in SCHEMA_FILES.items():
        if kind not in RECORD_KINDS:
            continue
        schema = json.loads((ROOT / "schema" / name).read_text(encoding="utf-8"))
        assert schema["additionalProperties"] is False
        assert set(schema["properties"]) == set(RECORD_KINDS[kind].model_fields)


def test_every_record_starts_with_its_schema_line():
    for kind, name in SCHEMA_FILES.items():
        if kind not in RECORD_KINDS:
            continue
        for path in sorted((ROOT / kind).glob("*.yaml")):
            first = path.read_text(encoding="utf-8").splitlines()[0]
            assert first == f"# yaml-language-server: $schema=../schema/{name}", (
                f"{path.relative_to(ROOT)}:1: start the file with '# yaml-language-server: $schema=../schema/{name}'")
