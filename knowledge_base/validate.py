"""Stage 2, validate: check each loaded record against its Pydantic model.

Pydantic errors are translated into `path:line:col` problems with the record
id, the field path, a readable message and, where it helps, a hint.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from pathlib import PurePosixPath

from pydantic import BaseModel, ValidationError

from .load import LoadedFile, SourceMap
from .models import PATTERN_MESSAGES, RECORD_KINDS, Record
from .problems import Problem, did_you_mean, field_path


@dataclass
class ValidRecord:
    path: str
    kind: str  # folder name: sources, practices, countries, introduction, lessons, glossary
    record: Record
    source_map: SourceMap


def validate_file(loaded: LoadedFile) -> tuple[ValidRecord | None, list[Problem]]:
    if loaded.problems and loaded.data is None:
        return None, loaded.problems
    problems = list(loaded.problems)
    kind = PurePosixPath(loaded.path).parts[0]
    model = RECORD_KINDS[kind]
    data = loaded.data
    if not isinstance(data, dict):
        line, col = loaded.source_map.locate(())
        problems.append(Problem(loaded.path, line, col, f"a record must be a mapping of fields, not {_type_name(data)}"))
        return None, problems

    record_id = data.get("id") if isinstance(data.get("id"), str) else None
    try:
        record = model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            problems.append(problem_from_error(loaded, model, record_id, error))
        return None, problems

    stem = PurePosixPath(loaded.path).stem
    if record.id != stem:
        line, col = loaded.source_map.locate(("id",))
        problems.append(
            Problem(loaded.path, line, col, f"id {record.id!r} does not match the file name {stem!r}",
                    record=record.id, field="id", hint=f"rename the file to {record.id}.yaml or set id: {stem}")
        )
    # Problems found while loading (a duplicate key, text read as a comment) are reported, and the
    # record still takes part in the checks across records, so that one run reports everything.
    return ValidRecord(loaded.path, kind, record, loaded.source_map), problems


def problem_from_error(loaded: LoadedFile, model: type[BaseModel], record_id, error) -> Problem:
    # Union tags ("cite:number") are not fields: they have a colon, which field names never have.
    loc = tuple(part for part in error["loc"] if not (isinstance(part, str) and ":" in part))
    kind, message, hint = error["type"], error["msg"], None
    given = error.get("input")

    if kind == "extra_forbidden":
        line, col = loaded.source_map.locate(loc, key=True)
        known = _fields_at(model, loc[:-1])
        message = f"unknown field {loc[-1]!r}"
        hint = did_you_mean(loc[-1], known) or (f"known fields: {', '.join(sorted(known))}" if known else None)
    elif kind == "missing":
        line, col = loaded.source_map.locate(loc[:-1])
        message = f"missing required field {loc[-1]!r}"
    else:
        line, col = loaded.source_map.locate(loc)
        message = _message(kind, message, given, error.get("ctx"))
        hint = _hint(kind, given, loc)
    return Problem(loaded.path, line, col, message, record=record_id, field=field_path(loc) or None, hint=hint)


def _message(kind: str, message: str, given, ctx: dict | None = None) -> str:
    if kind == "value_error":
        message = message.removeprefix("Value error, ")
    if kind == "string_pattern_mismatch":  # never show a regular expression to an editor
        message = PATTERN_MESSAGES.get((ctx or {}).get("pattern", ""), "does not have the expected form")
    if given is not None and not isinstance(given, (dict, list)):
        shown = repr(given) if len(repr(given)) <= 60 else repr(given)[:57] + "...'"
        message += f" (got {shown}, {_type_name(given)})"
    return message


def _hint(kind: str, given, loc) -> str | None:
    if kind == "bool_type" and isinstance(given, str):
        return "write true or false"
    if kind in ("int_type", "float_type") and isinstance(given, str):
        return "write the number without quotes, digits only (no 1e3)"
    if kind == "string_type" and hasattr(given, "isoformat"):
        return "a YAML date was read here: put the text in quotes"
    if kind == "string_type" and isinstance(given, (bool, int, float)):
        return "put the text in quotes"
    if isinstance(given, str) and not given.strip():
        return "write the text, or remove the field if it is optional"
    return None


def _type_name(value) -> str:
    return {dict: "a mapping", list: "a list", str: "text", bool: "a boolean", int: "a number",
            float: "a number", type(None): "empty"}.get(type(value), type(value).__name__)


def _fields_at(model: type[BaseModel], loc) -> set[str]:
    """Names of the fields of the model found at `loc` inside `model`."""
    current: object = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            args = typing.get_args(current)
            current = args[0] if args else None
        elif isinstance(current, type) and issubclass(current, BaseModel) and part in current.model_fields:
            current = current.model_fields[part].annotation
        else:
            return set()
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return set(current.model_fields)
    return set()


def _unwrap(annotation):
    """Strip Annotated[...] and Optional[...] down to the useful type."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) == 1:
                annotation = args[0]
                continue
        return annotation
