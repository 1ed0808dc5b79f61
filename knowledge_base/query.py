"""The query language of both searches, in one place: `build.py search` and the website's search page.

GRAMMAR says what the language has (operators, the negation prefix, the fields and their aliases, how
the website answers each field); the build writes it into the site as search/grammar.json, and
site_src/assets/search.js parses queries with it as `parse` does here. tests/query_cases.yaml holds
queries with the tree both parsers must make of them.

The precedence is Whoosh's, so that the command line (which hands Whoosh the query) and the website
read a query alike: NOT (or a leading "-") binds tightest, then AND, then OR, then the space between
terms (an implicit AND): `imams women OR theologians` is imams AND (women OR theologians). A dangling
operator (`imams OR`) is ignored, as Whoosh ignores it.

The tree: {"type": "word"|"phrase", "text"}, {"type": "field", "field", "value", "phrase"},
{"type": "not", "child"}, {"type": "and"|"or", "children"}.
"""

from __future__ import annotations

import re

GRAMMAR = {
    "operators": {"and": "AND", "or": "OR", "not": "NOT"},  # upper case only, as Whoosh reads them
    # `-germany` is NOT germany: a minus that starts a term (not one inside a word: `de-radicalisation`)
    # field typed -> field searched
    "fields": {"kind": "kind", "id": "id", "title": "title", "text": "text", "speaker": "speaker", "org": "org",
               "country": "country", "practice": "practice", "footnote": "footnote",
               "organization": "org", "organisation": "org", "practices": "practice", "countries": "country"},
    # How the website answers a field: a Pagefind filter of that name (its values matched as the page
    # says, search.js valuesFor), or the value's words searched (Pagefind cannot search one field).
    "site": {"kind": "filter", "id": "filter", "country": "filter", "practice": "filter", "speaker": "filter",
             "org": "filter", "footnote": "filter", "title": "words", "text": "words"},
    # One token at a time, in JavaScript's syntax (named groups as (?<name>...)): white space, parentheses,
    # a "phrase", a stray quote, a leading minus, a field (name:value or name:"phrase", not inside a word), any other word.
    "token": (r'\s+|(?<open>\()|(?<close>\))|"(?<phrase>[^"]*)"|(?<quote>")|(?<neg>-)(?=[^\s)])'
              r'|(?<![\w"])(?<field>[A-Za-z_]+):(?:"(?<fphrase>[^"]*)"|(?<fword>[^\s()"]+))?'
              r'|(?<word>[^\s()"]+)'),
}
_TOKEN = re.compile(re.sub(r"\(\?<(?=[A-Za-z])", "(?P<", GRAMMAR["token"]))


class QueryError(ValueError):
    """A query the parser cannot make sense of: reported in one line, exit 2 on the command line."""


def tokens(text: str) -> list[tuple[str, str, int]]:
    """(kind, value, offset) of each token: open, close, phrase, field (value "name\\0value\\0phrase?"),
    word, op (AND/OR/NOT) and neg (a leading minus)."""
    out = []
    ops = set(GRAMMAR["operators"].values())
    for m in _TOKEN.finditer(text):
        kind = next((k for k in ("open", "close", "phrase", "quote", "neg", "field", "word") if m.group(k) is not None), None)
        if kind is None:  # white space
            continue
        if kind == "quote":
            raise QueryError('unbalanced double quote in the query: close the "phrase"')
        if kind == "field" and (m.group("fphrase") is not None or m.group("fword") is not None):
            name = m.group("field")
            if name.lower() not in GRAMMAR["fields"]:
                raise QueryError(f"unknown field {name!r}: use one of {', '.join(_canonical_fields())}")
            value = m.group("fphrase") if m.group("fphrase") is not None else m.group("fword")
            phrase = int(m.group("fphrase") is not None)
            out.append(("field", f"{GRAMMAR['fields'][name.lower()]}\0{value}\0{phrase}", m.start()))
        elif kind == "field":  # a name and a colon with nothing after it
            raise QueryError(f"field {m.group('field')!r} has no value")
        elif kind == "word":
            out.append(("op" if m.group("word") in ops else "word", m.group("word"), m.start()))
        else:
            out.append((kind, m.group(kind) if kind == "phrase" else kind, m.start()))
    return out


def _canonical_fields() -> list[str]:
    return list(dict.fromkeys(GRAMMAR["fields"].values()))


def parse(text: str) -> dict:
    """The query's tree; QueryError for what the language cannot read."""
    if not text.strip():
        raise QueryError("the query is empty")
    stream = tokens(text)
    depth = 0
    for kind, _, _ in stream:
        depth += {"open": 1, "close": -1}.get(kind, 0)
        if depth < 0:
            break
    if depth:
        raise QueryError("unbalanced parentheses in the query")
    parser = _Parser(stream)
    tree = parser.sequence(top=True)
    if tree is None:
        raise QueryError("the query has operators but no words")
    return tree


class _Parser:
    def __init__(self, stream):
        self.stream, self.at = stream, 0

    def peek(self):
        return self.stream[self.at] if self.at < len(self.stream) else (None, None, None)

    def sequence(self, top=False):
        """Terms separated by spaces: an implicit AND of OR-expressions, up to a closing parenthesis."""
        items = []
        while self.at < len(self.stream):
            kind, value, _ = self.peek()
            if kind == "close":
                if top:  # unbalanced: parse refuses it before
                    raise QueryError("unbalanced parentheses in the query")
                break
            if kind == "op" and value != GRAMMAR["operators"]["not"]:  # dangling AND / OR: ignored
                self.at += 1
                continue
            item = self.either()
            if item is not None:
                items.append(item)
        return _join("and", items)

    def either(self):
        items = [self.both()]
        while self.peek()[:2] == ("op", GRAMMAR["operators"]["or"]):
            self.at += 1
            if self._term_follows():
                items.append(self.both())
        return _join("or", [i for i in items if i is not None])

    def both(self):
        items = [self.unary()]
        while self.peek()[:2] == ("op", GRAMMAR["operators"]["and"]):
            self.at += 1
            if self._term_follows():
                items.append(self.unary())
        return _join("and", [i for i in items if i is not None])

    def _term_follows(self) -> bool:
        kind, value, _ = self.peek()
        return kind in ("open", "phrase", "field", "word", "neg") or (kind, value) == ("op", GRAMMAR["operators"]["not"])

    def unary(self):
        negations = 0
        while self.peek()[0] == "neg" or self.peek()[:2] == ("op", GRAMMAR["operators"]["not"]):
            negations += 1
            self.at += 1
        child = self.primary()
        if child is None:
            return None
        return {"type": "not", "child": child} if negations % 2 else child  # NOT NOT x is x, as in Whoosh

    def primary(self):
        kind, value, _ = self.peek()
        if kind is None or kind == "close" or kind == "op":
            return None
        self.at += 1
        if kind == "open":
            inner = self.sequence()
            self.at += 1  # the closing parenthesis
            return inner
        if kind == "phrase":
            return {"type": "phrase", "text": value}
        if kind == "field":
            name, val, phrase = value.split("\0")
            return {"type": "field", "field": name, "value": val, "phrase": phrase == "1"}
        return {"type": "word", "text": value}


def _join(kind: str, items: list):
    items = [i for i in items if i is not None]
    if not items:
        return None
    if len(items) == 1:
        return items[0]
    flat = []
    for item in items:  # (a AND b) AND c is one AND of three
        flat.extend(item["children"] if item["type"] == kind else [item])
    return {"type": kind, "children": flat}


def for_whoosh(text: str) -> str:
    """The query as Whoosh's parser reads it: the same text, each leading minus written as NOT (Whoosh's
    own parser reads `-germany` as `germany`) and each field by its own name (`Organization:` as `org:`:
    Whoosh knows field names in lower case only)."""
    parse(text)  # refuse what the language cannot read
    out, last = [], 0
    for kind, value, offset in tokens(text):
        if kind == "neg":
            out.append(text[last:offset] + " NOT ")
            last = offset + 1
        elif kind == "field":
            typed = text[offset:text.index(":", offset)]
            out.append(text[last:offset] + value.split("\0")[0])
            last = offset + len(typed)
    return ("".join(out) + text[last:]).strip()
