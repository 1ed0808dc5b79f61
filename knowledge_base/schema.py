"""JSON Schemas of the record kinds, generated from the Pydantic models.

Editors' YAML plugins read them through the `# yaml-language-server: $schema=`
line at the top of every record, for completion and checks while typing.
"""

from __future__ import annotations

import json
from pathlib import Path

from .export import KnowledgeBaseExport
from .models import RECORD_KINDS

MODELS = {**RECORD_KINDS, "export": KnowledgeBaseExport}
SCHEMA_FILES = {kind: f"{model.__name__.lower()}.schema.json" for kind, model in RECORD_KINDS.items()}
SCHEMA_FILES["export"] = "kb.schema.json"  # the shape of downloads/kb.json


def schema_text(kind: str) -> str:
    model = MODELS[kind]
    schema = model.model_json_schema(mode="validation")
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_FILES[kind], **schema}
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def write_schemas(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, name in SCHEMA_FILES.items():
        path = out / name
        path.write_text(schema_text(kind), encoding="utf-8")
        written.append(path)
    return written
