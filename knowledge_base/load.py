"""Stage 1, load: read each YAML record with libyaml, keeping line numbers.

PyYAML's C loader parses; we construct plain Python values from its node
tree ourselves so that we can (a) remember where every value and key sits,
(b) refuse duplicate keys, aliases and foreign tags instead of silently
accepting them, and (c) keep `yes`/`no`/`on`/`off` as text, never booleans.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .problems import Problem

MAX_FILE_BYTES = 512 * 1024  # the largest real record is ~60 KB
SCHEMA_LINE_PREFIX = "# yaml-language-server: $schema="

_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP = (
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")
)
_SEQ, _MAP = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_constructor = yaml.constructor.SafeConstructor()

Path_ = tuple[str | int, ...]


@dataclass
class SourceMap:
    """Where each value (and each mapping key) of a record sits in its file."""

    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Line and column of `path`, or of its nearest ancestor that exists."""
        path = tuple(path)
        if key and path in self.keys:
            return self.keys[path]
        while path:
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), (1, 1))


@dataclass
class LoadedFile:
    path: str  # relative to the content root, with forward slashes
    data: object = None
    source_map: SourceMap = field(default_factory=SourceMap)
    problems: list[Problem] = field(default_factory=list)


class _Refused(Exception):
    def __init__(self, mark, message: str):
        super().__init__(message)
        self.mark, self.message = mark, message


def _pos(mark) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


def load_file(abs_path: Path, rel_path: str) -> LoadedFile:
    """Load one record. Problems are collected, never raised."""
    loaded = LoadedFile(rel_path)

    def problem(line: int, col: int, message: str, hint: str | None = None) -> LoadedFile:
        loaded.problems.append(Problem(rel_path, line, col, message, hint=hint))
        return loaded

    raw = abs_path.read_bytes()
    if len(raw) > MAX_FILE_BYTES:
        return problem(1, 1, f"file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}", "split the record or remove pasted material")
    if raw.startswith(b"\xef\xbb\xbf"):
        return problem(1, 1, "file starts with a byte-order mark (BOM)", "save the file as UTF-8 without BOM")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        return problem(line, col, f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})", "save the file as UTF-8")

    loader = yaml.CSafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        # Point at where the broken construct starts (an unclosed bracket or quote),
        # and say where the parser noticed.
        mark = exc.context_mark or exc.problem_mark
        line, col = _pos(mark) if mark else (1, 1)
        message = " ".join(filter(None, [exc.context, exc.problem])) or "invalid YAML"
        if exc.context_mark and exc.problem_mark and exc.problem_mark.line != exc.context_mark.line:
            message += f" (noticed on line {exc.problem_mark.line + 1})"
        hint = None
        if "tab" in message or "'\\t'" in message:
            message, hint = "a tab character is used for indentation", "indent with spaces only"
            line, col = _first_indenting_tab(text) or (line, col)
        elif "expected a single document" in message:
            message, hint = "file holds several YAML documents", "keep one record per file, without '---' separators"
            line, col = _pos(exc.problem_mark)  # where the second document starts
        return problem(line, col, f"YAML syntax error: {message}", hint)
    except yaml.YAMLError as exc:  # e.g. a reader error on control characters
        return problem(1, 1, f"YAML error: {exc}")
    finally:
        loader.dispose()

    if node is None:
        return problem(1, 1, "file is empty", "start from `python build.py new KIND ID`")
    try:
        loaded.data = _construct(node, (), loaded, set())
    except _Refused as exc:
        loaded.data = None
        line, col = _pos(exc.mark)
        return problem(line, col, exc.message)
    return loaded


def _first_indenting_tab(text: str) -> tuple[int, int] | None:
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            return number, indent.index("\t") + 1
    return None


def _construct(node, path: Path_, loaded: LoadedFile, seen: set[int]):
    if id(node) in seen:
        # The composer hands back the same node for every alias of an anchor.
        raise _Refused(node.start_mark, "YAML anchors and aliases (&name, *name) are not allowed; write the value out")
    seen.add(id(node))
    loaded.source_map.values[path] = _pos(node.start_mark)

    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode):
        if node.tag != _SEQ:
            raise _Refused(node.start_mark, f"YAML tag {node.tag!r} is not allowed")
        return [_construct(item, path + (i,), loaded, seen) for i, item in enumerate(node.value)]
    if node.tag != _MAP:
        raise _Refused(node.start_mark, f"YAML tag {node.tag!r} is not allowed")
    result: dict[str, object] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
            raise _Refused(key_node.start_mark, "only plain text keys are allowed (no merge keys '<<' or complex keys)")
        key = key_node.value
        if key in result:
            first_line, _ = loaded.source_map.keys[path + (key,)]
            line, col = _pos(key_node.start_mark)
            loaded.problems.append(
                Problem(loaded.path, line, col, f"duplicate key {key!r} (first defined on line {first_line})",
                        hint="YAML would silently keep only the last one: merge them or delete one")
            )
            continue
        loaded.source_map.keys[path + (key,)] = _pos(key_node.start_mark)
        result[key] = _construct(value_node, path + (key,), loaded, seen)
    return result


def _scalar(node: yaml.ScalarNode):
    tag, value = node.tag, node.value
    if tag == _STR:
        return value
    if tag == _NULL:
        return None
    if tag == _BOOL:
        # YAML 1.1 reads yes/no/on/off as booleans: keep them as text so a
        # boolean field refuses them and a text field keeps the word.
        low = value.lower()
        return True if low == "true" else False if low == "false" else value
    if tag == _INT:
        return _constructor.construct_yaml_int(node)
    if tag == _FLOAT:
        return _constructor.construct_yaml_float(node)
    if tag == _TIMESTAMP:
        stamp = _constructor.construct_yaml_timestamp(node)
        return stamp if isinstance(stamp, dt.date) else value
    raise _Refused(node.start_mark, f"YAML tag {tag!r} is not allowed")


def discover(root: Path, folders) -> list[Path]:
    """Every record file under the content folders, in a stable order."""
    files: list[Path] = []
    for folder in folders:
        base = root / folder
        if base.is_dir():
            files.extend(sorted(p for p in base.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()))
    return files
