"""Stage 1, load: read each YAML record with libyaml, keeping line numbers.

PyYAML's C loader parses; we construct plain Python values from its node
tree ourselves so that we can (a) remember where every value and key sits,
(b) refuse duplicate keys, aliases and foreign tags instead of silently
accepting them, (c) keep `yes`/`no`/`on`/`off` as text, never booleans, and
(d) notice where YAML would silently drop text (` #4` read as a comment).
The parser's own messages are translated into what an editor can act on.
"""

from __future__ import annotations

import datetime as dt
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .problems import Problem, did_you_mean

MAX_FILE_BYTES = 512 * 1024  # the largest real record is ~60 KB
MAX_DEPTH = 20  # lists and mappings inside one another, the record's own mapping being 1; real records nest 5
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


def _linked_folder(folder: str) -> tuple[str, str]:
    return (f"{folder}/ is a symbolic link: record folders must be real folders in the repository",
            f"replace the link {folder} with a folder holding the records")


class _Refused(Exception):
    def __init__(self, mark, message: str, hint: str | None = None):
        super().__init__(message)
        self.mark, self.message, self.hint = mark, message, hint


def _pos(mark) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


def load_file(abs_path: Path, rel_path: str) -> LoadedFile:
    """Load one record. Problems are collected, never raised."""
    loaded = LoadedFile(rel_path)

    def problem(line: int, col: int, message: str, hint: str | None = None) -> LoadedFile:
        loaded.problems.append(Problem(rel_path, line, col, message, hint=hint))
        return loaded

    # A record is a regular file of the repository: a link could publish any file of the machine
    # that builds the site, and a pipe or a device would never end.
    try:
        if abs_path.parent.is_symlink():
            return problem(1, 1, *_linked_folder(abs_path.parent.name))
        info = abs_path.lstat()
        mode = info.st_mode
        if stat.S_ISLNK(mode):
            return problem(1, 1, "this file is a symbolic link: records must be regular files in the repository",
                           "copy the content into the file itself, in place of the link")
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
            return problem(1, 1, f"this is {kind}: a record is a plain text file named ID.yaml",
                           "remove it, or move what it holds out of the record folder")
        with abs_path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)  # no more than the limit, whatever the file's size
    except OSError as exc:  # permission denied, or the file vanished after it was listed
        return problem(1, 1, f"this file cannot be read: {(exc.strerror or str(exc)).lower()}",
                       "check that the file exists and that you may read it")
    if len(raw) > MAX_FILE_BYTES:
        return problem(1, 1, f"file is {max(info.st_size, len(raw)):,} bytes; the limit is {MAX_FILE_BYTES:,}", "split the record or remove pasted material")
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
        raw_message = " ".join(filter(None, [exc.context, exc.problem])) or "invalid YAML"
        message, hint, at_problem = _translate(raw_message)
        if at_problem and exc.problem_mark:
            line, col = _pos(exc.problem_mark)
        elif exc.context_mark and exc.problem_mark and exc.problem_mark.line != exc.context_mark.line:
            message += f" (noticed on line {exc.problem_mark.line + 1})"
        if "tab character" in message:
            line, col = _first_indenting_tab(text) or (line, col)
        elif "levels deep" in message:
            line, col = _first_too_deep(text) or (line, col)
        elif "colon followed by a space" in message:
            key, _, value = text.splitlines()[line - 1].partition(": ")
            if re.fullmatch(r"\s+[a-z_]+", key):  # an indented `field:` line, not a colon inside a text
                hint = "this line looks like a field: indent it like the fields above"
            elif value.strip() and '"' not in value:
                hint = f'put the whole value in quotes: {key.strip()}: "{value.strip()}"'
        return problem(line, col, f"YAML syntax error: {message}", hint)
    except yaml.YAMLError as exc:  # e.g. a reader error on control characters
        return problem(1, 1, f"YAML error: {exc}")
    finally:
        loader.dispose()

    if node is None:
        return problem(1, 1, "file is empty", "start from `python build.py new KIND ID`")
    try:
        loaded.data = _construct(node, (), loaded, set(), text.splitlines())
    except _Refused as exc:
        loaded.data = None
        line, col = _pos(exc.mark)
        return problem(line, col, exc.message, exc.hint)
    return loaded


NESTING_HINT = "look for a [ or { that is never closed, or for a '- ' or an indentation too many"

# The parser's messages, in words an editor can act on: (its words, ours, a hint, point at where it noticed?)
_YAML_MESSAGES = [
    ("'\\t'", "a tab character is used for indentation", "indent with spaces only", False),
    ("tab character", "a tab character is used for indentation", "indent with spaces only", False),
    ("expected a single document", "the file holds several YAML documents",
     "keep one record per file, without '---' separators", True),
    ("mapping values are not allowed", "a colon followed by a space inside a value that is not in quotes",
     'put the whole value in quotes; or, if this line starts a new field, indent it like the fields above', True),
    ("could not find expected ':'", "this line is neither `field: value` nor part of the text above it",
     "a text that goes on over several lines must be indented more than its field name; or the line lacks its ':'",
     False),
    ("did not find expected key", "this line is not indented like the fields around it",
     "fields of one record (or of one list item) start in the same column", True),
    ("did not find expected '-' indicator", "this list item is not indented like the items above it",
     "start every '- ' of a list in the same column", True),
    ("expected <block end>", "this line is indented less or more than the lines around it",
     "fields of one record (or of one list item) start in the same column", True),
    ("while scanning a quoted scalar", "a quote mark opened here is never closed",
     "close the quote, or write the value without the opening quote mark", False),
    ("expected ',' or ']'", "a [list] is not closed with ']' (or its items are not separated by commas)",
     "write [a, b] on one line, or one '- item' per line", False),
    ("expected ',' or '}'", "a {mapping} is not closed with '}' (or its parts are not separated by commas)",
     "write {source: compendium, page: \"4\"} on one line", False),
    ("found unknown escape character", "a backslash inside double quotes starts an escape sequence",
     "use single quotes, or write two backslashes", True),
    ("that cannot start any token", "a value starts with a character YAML reserves (@, ` or %)",
     "put the value in quotes", True),
    ("while scanning an alias", "a value starts with '*', which YAML reads as a reference",
     "put the value in quotes", False),
    ("while scanning an anchor", "a value starts with '&', which YAML reads as an anchor",
     "put the value in quotes", False),
    ("found undefined alias", "a value starts with '*', which YAML reads as a reference",
     "put the value in quotes", True),
    # libyaml gives up past 1,000 levels of brackets or indentation (load_file then says where it started)
    ("exceeded maximum nesting depth",
     f"the value is nested a thousand levels deep or more; records nest at most {MAX_DEPTH} levels", NESTING_HINT, True),
]


def _translate(message: str) -> tuple[str, str | None, bool]:
    """The parser's message in plain words, a hint, and whether to point where the parser noticed."""
    for needle, ours, hint, at_problem in _YAML_MESSAGES:
        if needle in message:
            return ours, hint, at_problem
    return message, None, False


def _first_indenting_tab(text: str) -> tuple[int, int] | None:
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            return number, indent.index("\t") + 1
    return None


def _depth(node) -> int:
    """How many lists and mappings deep `node` goes, itself being 1. With a stack of its own, so that no depth
    can exhaust Python's, and each node once, so that aliases (refused anyway) cannot make it long."""
    deepest, seen, stack = 0, set(), [(node, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, yaml.ScalarNode) or id(node) in seen:
            continue
        seen.add(id(node))
        deepest = max(deepest, depth)
        children = node.value if isinstance(node, yaml.SequenceNode) else [value for _, value in node.value]
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _first_too_deep(text: str) -> tuple[int, int] | None:
    """Where lists and mappings first nest deeper than MAX_DEPTH, in a file libyaml gave up on (it says only
    where it gave up, 1,000 levels in). PyYAML's pure-Python parser has no depth limit of its own and hands
    out events as it reads, so the walk stops right there."""
    parser, depth = yaml.SafeLoader(text), 0
    try:
        while (event := parser.get_event()) is not None and not isinstance(event, yaml.StreamEndEvent):
            depth += isinstance(event, yaml.CollectionStartEvent) - isinstance(event, yaml.CollectionEndEvent)
            if depth > MAX_DEPTH:
                return _pos(event.start_mark)
    except yaml.YAMLError:
        return None
    finally:
        parser.dispose()
    return None


# After a plain value, " #4" (one space) or "#word" reads like the text going on, not like a
# comment ("  # a comment" is how comments are written): YAML would drop it silently.
_SWALLOWED = re.compile(r"^(?: #|\s+#(?=\S))")


def _construct(node, path: Path_, loaded: LoadedFile, seen: set[int], lines: list[str]):
    if id(node) in seen:
        # The composer hands back the same node for every alias of an anchor.
        raise _Refused(node.start_mark, "YAML anchors and aliases (&name, *name) are not allowed; write the value out")
    seen.add(id(node))
    if len(path) >= MAX_DEPTH and not isinstance(node, yaml.ScalarNode):
        # Constructing recurses once per level: stop here, long before Python's own limit.
        raise _Refused(node.start_mark, f"the value is nested {len(path) + _depth(node):,} levels deep; "
                       f"records nest at most {MAX_DEPTH} levels", NESTING_HINT)
    loaded.source_map.values[path] = _pos(node.start_mark)

    if isinstance(node, yaml.ScalarNode):
        if not node.style and node.tag == _STR and node.end_mark.line < len(lines):
            rest = lines[node.end_mark.line][node.end_mark.column:]
            if _SWALLOWED.match(rest):
                line, col = node.end_mark.line + 1, node.end_mark.column + rest.index("#") + 1
                loaded.problems.append(Problem(
                    loaded.path, line, col,
                    f"the rest of this line ({rest.strip()!r}) was read as a comment and dropped: "
                    f"the value ends at {node.value[-30:]!r}",
                    hint=f'put the whole value in quotes: "{node.value}{rest.rstrip()}"'))
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode):
        if node.tag != _SEQ:
            raise _Refused(node.start_mark, f"YAML tag {node.tag!r} is not allowed")
        return [_construct(item, path + (i,), loaded, seen, lines) for i, item in enumerate(node.value)]
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
        result[key] = _construct(value_node, path + (key,), loaded, seen, lines)
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
        try:
            stamp = _constructor.construct_yaml_timestamp(node)
        except ValueError:  # 2019-13-45 looks like a date to YAML but is none: the model says why
            return value
        return stamp if isinstance(stamp, dt.date) else value
    raise _Refused(node.start_mark, f"YAML tag {tag!r} is not allowed")


RECORD_SUFFIX = ".yaml"  # one rule: a record is ID.yaml; anything else in a record folder is reported


def discover(root: Path, folders) -> tuple[list[Path], list[Problem]]:
    """Every record file under the content folders, in a stable order, and what is there but not read.

    Nothing is skipped silently: a subfolder, a `.yml` or `.yaml.txt` file in a record folder and
    YAML files in a misspelt record folder are each reported.
    """
    files: list[Path] = []
    problems: list[Problem] = []

    def refuse(path: Path, message: str, hint: str) -> None:
        problems.append(Problem(path.relative_to(root).as_posix(), 1, 1, message, hint=hint))

    for folder in folders:
        base = root / folder
        if not base.is_dir():
            if base.is_symlink():  # to nothing; a link to a folder is refused file by file, by load_file
                refuse(base, *_linked_folder(folder))
            continue
        try:
            entries = sorted(base.iterdir())
        except OSError as exc:
            refuse(base, f"this folder cannot be read: {(exc.strerror or str(exc)).lower()}",
                   "check that you may read it")
            continue
        for path in entries:
            if path.name.startswith("."):
                continue
            # Links and anything else named ID.yaml go to load_file, which refuses them: a record that
            # cannot be read is reported once, and what cites it is not reported as well.
            if path.is_dir() and not (path.suffix == RECORD_SUFFIX or path.is_symlink()):
                for inner in sorted(path.rglob("*")):
                    if inner.is_file() and not inner.name.startswith("."):
                        refuse(inner, f"this file is not read: records sit directly in {folder}/, not in a subfolder",
                               f"move it to {folder}/{inner.name}")
            elif path.suffix == RECORD_SUFFIX:
                files.append(path)
            elif path.suffix == ".yml":
                refuse(path, "this file is not read: record files end in .yaml, not .yml",
                       f"rename it to {path.stem}.yaml")
            else:
                refuse(path, f"this file is not read: {folder}/ holds records named ID.yaml only",
                       f"rename it to ID.yaml if it is a record, or move it out of {folder}/")
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if folder.name in folders:
            continue
        near = did_you_mean(folder.name.lower(), folders, cutoff=0.75)
        if near:
            for path in sorted(folder.rglob("*.y*ml")):
                refuse(path, f"this file is not read: {folder.name}/ is not a record folder", near)
    return files, problems
