"""The committed JSON Schemas match the models; every record points at its schema."""

import json

from knowledge_base.models import RECORD_KINDS
from knowledge_base.schema import SCHEMA_FILES, schema_text

from conftest import ROOT


def test_committed_schemas_are_fresh():
    for kind, name in SCHEMA_FILES.items():
        committed = (ROOT / "schema" / name).read_text(encoding="utf-8")
        assert committed == schema_text(kind), f"schema/{name} is stale: run `python build.py schema` and commit it"


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
