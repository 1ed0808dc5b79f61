"""Where the source texts are: one lookup for `validate`, `build`, `serve`, `new source` and the tests.

Source texts are other people's documents: the repository keeps each one's file name and SHA-256,
never the text. A text is looked for, in this order, in

1. the folders given with `--sources DIR` (repeatable),
2. the folders of KB_SOURCES_DIR (separated by `:`),
3. every folder directly under the shared folder beside the repository (`../shared/`, or
   KB_SHARED_DIR): `../shared/compendium/`, `../shared/sources/`, …

Given folders are added to the default, never replace it: pointing at a new text does not stop
the compendium from being checked.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = REPO_ROOT.parent / "shared"
SOURCES_FOLDER = "sources"  # where CONTRIBUTING.md tells editors to put a new text: ../shared/sources/


def shared_dir() -> Path:
    return Path(os.environ.get("KB_SHARED_DIR") or SHARED_DIR)


def sources_dirs(given: list[str] | None = None) -> list[Path]:
    """Every folder a source text is looked for in, in order, each once."""
    dirs = [Path(d) for d in given or []]
    dirs += [Path(d) for d in os.environ.get("KB_SOURCES_DIR", "").split(os.pathsep) if d]
    shared = shared_dir()
    if shared.is_dir():
        dirs += sorted(p for p in shared.iterdir() if p.is_dir() and not p.name.startswith("."))
    unique: dict[Path, None] = {}
    for folder in dirs:
        unique.setdefault(folder.resolve(), None)
    return list(unique)


def add_sources(given: list[str] | None) -> None:
    """Make `--sources` of `build` and `serve` reach every check in this process (the MkDocs hook's too)."""
    if given:
        current = [d for d in os.environ.get("KB_SOURCES_DIR", "").split(os.pathsep) if d]
        os.environ["KB_SOURCES_DIR"] = os.pathsep.join([*map(str, given), *current])


def find_text(file_name: str, dirs: list[Path]) -> Path | None:
    return next((d / file_name for d in dirs if (d / file_name).is_file()), None)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def where_to_put(file_name: str) -> Path:
    """Where CONTRIBUTING.md says a new source's text goes."""
    return shared_dir() / SOURCES_FOLDER / file_name


def listing(dirs: list[Path]) -> str:
    return ", ".join(str(d) for d in dirs) if dirs else f"no folder ({shared_dir()} does not exist)"
