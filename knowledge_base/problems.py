"""Problems found in the content, reported as `path:line:col: message`."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    col: int
    message: str
    record: str | None = None  # id of the record the problem is in
    field: str | None = None  # dotted field path, e.g. examples[2].practices[0]
    hint: str | None = None
    severity: str = "error"  # or "warning": said, but it does not fail validate or the build

    def text(self) -> str:
        where = " ".join(x for x in (self.record, self.field) if x)
        body = f"{where}: {self.message}" if where else self.message
        if self.hint:
            body += f" (hint: {self.hint})"
        return body

    def format(self, style: str = "text") -> str:
        if style == "github":
            # GitHub Actions annotation; '%', CR and LF must be escaped in the message.
            msg = self.text().replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            return f"::{self.severity} file={self.path},line={self.line},col={self.col}::{msg}"
        warning = "warning: " if self.severity == "warning" else ""
        return f"{self.path}:{self.line}:{self.col}: {warning}{self.text()}"


def field_path(loc) -> str:
    """('examples', 2, 'practices', 0) -> 'examples[2].practices[0]'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def did_you_mean(word: str, candidates, cutoff: float = 0.6) -> str | None:
    """The nearest candidate, phrased as a hint, or None."""
    match = difflib.get_close_matches(str(word), list(candidates), n=1, cutoff=cutoff)
    return f"did you mean {match[0]!r}?" if match else None
