"""Compare record text with the compendium, forgiving only PDF artefacts.

Quotes and footnote texts must be the compendium's own words. The extracted
text breaks lines (and words, with a hyphen) at the PDF's line ends, mixes
straight and curly quote marks, and carries footnote markers like [45]; none
of that counts as a difference. Anything else does.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path

import os

# The compendium's extracted text sits beside the repository (../shared/); KB_COMPENDIUM overrides.
COMPENDIUM = Path(os.environ.get("KB_COMPENDIUM") or
                  Path(__file__).resolve().parent.parent.parent / "shared" / "compendium" / "compendium.txt")

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "`": "'", "´": "'"})
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-"})


def canonical(text: str) -> str:
    """Drop footnote markers, whitespace and hyphens; unify quote marks and dashes.

    Hyphens go too because the PDF may break 'multi-stakeholder' as 'multi-' +
    line break + 'stakeholder' and an editor mends it either way.
    """
    text = re.sub(r"\[\d+\]", "", text)
    text = text.translate(_QUOTES).translate(_DASHES)
    return re.sub(r"[\s\-]+", "", text)


class Compendium:
    def __init__(self, path: Path = COMPENDIUM):
        if not path.exists():
            raise FileNotFoundError(f"the compendium's text is not at {path}: keep ../shared/ beside the repository "
                                    "or set KB_COMPENDIUM")
        self.path = path
        self.text = path.read_text(encoding="utf-8")

    @cached_property
    def canonical(self) -> str:
        return canonical(self.text)

    def contains(self, text: str) -> bool:
        # Straight/curly quotes inside a quote are often doubled or dropped at
        # its edges by the PDF, so edge quote marks are not compared.
        needle = canonical(text).strip("\"'")
        return bool(needle) and needle in self.canonical
