"""The static-site engine: MkDocs 1.x, or ProperDocs, its maintained fork, which has the same API
under another name. Moving to ProperDocs is one line in pyproject.toml (`mkdocs` -> `properdocs`);
CI builds the site with both (scripts/test.sh).

The engine that runs the build is the one the hook must use: when both are installed (Material
depends on MkDocs), `KB_DOCS_ENGINE=properdocs` chooses ProperDocs for `python build.py build`, and a
hook loaded by `properdocs build` finds it already imported.
"""

from __future__ import annotations

import importlib
import os
import sys

ENGINES = ("mkdocs", "properdocs")


def name() -> str:
    chosen = os.environ.get("KB_DOCS_ENGINE")
    if chosen in ENGINES:
        return chosen
    if "properdocs" in sys.modules and "mkdocs" not in sys.modules:
        return "properdocs"
    try:
        importlib.import_module("mkdocs")
        return "mkdocs"
    except ImportError:
        return "properdocs"


def module(path: str):
    """`module("commands.build")`: that module of the engine in use."""
    return importlib.import_module(f"{name()}.{path}" if path else name())
