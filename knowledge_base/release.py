"""The release a build belongs to, and the licences its files are under.

The version and the release date are kept in one place, the latest release of CHANGELOG.md
("## [0.3.0] - 2026-12-07", Keep a Changelog's form); the site's citations, every metadata file of the
downloads and the release workflow read them from here. CITATION.cff and pyproject.toml repeat them
for the tools that read those files, and a test checks that they agree.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
CHANGELOG = REPO_ROOT / "CHANGELOG.md"
RELEASE_HEADING = re.compile(r"^## \[(?P<version>\d+\.\d+\.\d+)\] - (?P<date>\d{4}-\d{2}-\d{2})\s*$", re.M)

# The editors' records (summaries, descriptions, figures, ids) are open data under CC BY 4.0. The words
# the records quote (quotes, the text of footnotes, titles) are not the editors' to license: they stay
# their authors', and are reproduced to cite them.
DATA_LICENCE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
                "path": "https://creativecommons.org/licenses/by/4.0/"}
CODE_LICENCE = {"name": "MIT", "title": "MIT License", "path": "https://opensource.org/license/mit"}
RIGHTS = ("The editors' records are under CC BY 4.0. Quotes, the texts of footnotes and the titles of the works "
          "they cite are reproduced word for word to cite them: they remain their authors' and publishers', and are "
          "not covered by that licence.")


@dataclass(frozen=True)
class Release:
    version: str
    date: dt.date

    @property
    def tag(self) -> str:
        return f"v{self.version}"


class ChangelogError(ValueError):
    pass


def read_release(changelog: Path = CHANGELOG) -> Release:
    """The latest release CHANGELOG.md lists (the first '## [x.y.z] - YYYY-MM-DD' heading)."""
    found = RELEASE_HEADING.search(changelog.read_text(encoding="utf-8"))
    if not found:
        raise ChangelogError(f"{changelog.name}: no release heading such as '## [1.0.0] - 2026-01-31'")
    return Release(found["version"], dt.date.fromisoformat(found["date"]))


@lru_cache(maxsize=1)
def current() -> Release:
    """This build's release (read once: every citation on every page carries its version)."""
    return read_release()


def published_address(root: Path = REPO_ROOT) -> str:
    """Where the site is published (mkdocs.yml's site_url), ending in '/'; '' when it says nowhere."""
    config = root / "mkdocs.yml"
    if not config.exists():
        return ""
    # mkdocs.yml may use MkDocs' own YAML tags (!ENV, !relative): read it with a loader that ignores them.
    loader = type("Loader", (yaml.SafeLoader,), {})
    loader.add_multi_constructor("!", lambda *_: None)
    address = (yaml.load(config.read_text(encoding="utf-8"), Loader=loader) or {}).get("site_url") or ""
    return address if not address or address.endswith("/") else address + "/"
