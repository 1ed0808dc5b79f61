"""JSON Schemas of the record kinds, generated from the Pydantic models.

Editors' YAML plugins read them through the `# yaml-language-server: $schema=`
line at the top of every record, for completion and checks while typing. The
ids of the key practices, countries and sources are written in as enums, so the
editor offers them; `python build.py schema` regenerates the files after a record
is added (a test fails while they are stale).
"""

from __future__ import annotations

import json
from pathlib import Path

from .export import KnowledgeBaseExport
from .models import RECORD_KINDS
from .work_corrections import Corrections

MODELS = {**RECORD_KINDS, "export": KnowledgeBaseExport, "works": Corrections}
SCHEMA_FILES = {kind: f"{model.__name__.lower()}.schema.json" for kind, model in RECORD_KINDS.items()}
SCHEMA_FILES["export"] = "kb.schema.json"  # the shape of downloads/kb.json
SCHEMA_FILES["works"] = "work-corrections.schema.json"  # works/corrections.yaml
# property name -> the record folder whose ids it takes
ID_PROPERTIES = {"practices": "practices", "countries": "countries", "country": "countries", "source": "sources"}


def known_ids(root: Path) -> dict[str, list[str]]:
    """The ids of the records in each folder (file names: the ids even of a record with mistakes)."""
    return {folder: sorted(p.stem for p in (root / folder).glob("*.yaml")) for folder in set(ID_PROPERTIES.values())}


def _with_enums(node, ids: dict[str, list[str]]) -> None:
    if isinstance(node, dict):
        for name, prop in (node.get("properties") or {}).items():
            folder = ID_PROPERTIES.get(name)
            if folder and ids.get(folder):
                target = prop.get("items", prop) if prop.get("type") == "array" else prop
                target["enum"] = ids[folder]
        for value in node.values():
            _with_enums(value, ids)
    elif isinstance(node, list):
        for value in node:
            _with_enums(value, ids)


def schema_text(kind: str, ids: dict[str, list[str]] | None = None) -> str:
    model = MODELS[kind]
    schema = model.model_json_schema(mode="validation")
    if ids and kind != "export":  # kb.json is read by programs, not typed: no enums there
        _with_enums(schema, ids)
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_FILES[kind], **schema}
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def write_schemas(out: Path, root: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    ids = known_ids(root)
    written = []
    for kind, name in SCHEMA_FILES.items():
        path = out / name
        path.write_text(schema_text(kind, ids), encoding="utf-8")
        written.append(path)
    return written
