"""Synthetic knowledge bases at N times the real one, for benchmarks.

By default the knowledge base grows as a real one does (growth.py: sources, countries, key practices
and the quotes within a record at their own rates, new names in every copy). `uniform=True` keeps the
first model, below: every record multiplied by N alike.

Copy k of every source, practice, country and lesson gets ids suffixed `-xk` and
practice/lesson numbers shifted by k * 100; references (to practices, countries and
sources) are renamed the same way, so every copy keeps its cross-links, cites the
notes of its own copy of the source, and the result validates. Text lengths are the
real ones. The introduction and the glossary stay single.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from knowledge_base.load import load_file  # noqa: E402
from knowledge_base.pipeline import REPO_ROOT  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import growth  # noqa: E402

MULTIPLIED = ("sources", "practices", "countries", "lessons")
SINGLE = ("introduction", "glossary")
REF_KEYS = {"id", "practices", "countries", "country", "source"}


def texts_dir(root: Path) -> Path:
    """Where the generated copies' source texts are (give it to validate with --sources)."""
    return root / growth.TEXTS


def _copy(value, k: int, key: str | None = None):
    if isinstance(value, dict):
        return {name: _copy(item, k, name) for name, item in value.items()}
    if isinstance(value, list):
        return [_copy(item, k, key) for item in value]
    if key in REF_KEYS and isinstance(value, str):
        return f"{value}-x{k}"
    return value


def generate(out: Path, scale: int, source: Path = REPO_ROOT, uniform: bool = False) -> Path:
    """Write a knowledge base `scale` times the real one into `out` (emptied first); its source texts,
    if any, are in `texts_dir(out)`."""
    if not uniform:
        return growth.generate(out, growth.growth(scale), source)
    shutil.rmtree(out, ignore_errors=True)
    for folder in SINGLE:
        if (source / folder).is_dir():
            shutil.copytree(source / folder, out / folder)
    for folder in MULTIPLIED:
        (out / folder).mkdir(parents=True)
        for path in sorted((source / folder).glob("*.yaml")):
            schema_line = path.read_text(encoding="utf-8").splitlines()[0]
            data = load_file(path, f"{folder}/{path.name}").data
            for k in range(scale):
                copy = data if k == 0 else _copy(data, k)
                if k and "number" in copy:  # a practice's or lesson's number (a source's notes keep theirs)
                    copy["number"] += k * 100
                text = yaml.dump(copy, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=100)
                (out / folder / f"{copy['id']}.yaml").write_text(f"{schema_line}\n{text}", encoding="utf-8")
    return out


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--uniform", action="store_true", help="multiply every record alike (the first model)")
    args = parser.parse_args()
    root = generate(args.out, args.scale, uniform=args.uniform)
    print(root, f"(source texts: {texts_dir(root)})" if texts_dir(root).is_dir() else "")
