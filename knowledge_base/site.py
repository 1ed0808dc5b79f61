"""Build and serve the MkDocs site.

Builds are atomic: MkDocs writes into a fresh folder beside site/, and only a
build that fully succeeded is swapped in. A failed build leaves site/ as it was.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
from pathlib import Path

from . import docs_engine
from .index import INDEX_DIR
from .pipeline import REPO_ROOT
from .pipeline import check_cached as check

MKDOCS_YML = REPO_ROOT / "mkdocs.yml"


def _quiet_mkdocs_logging() -> None:
    logger = logging.getLogger(docs_engine.name())
    if not any(getattr(h, "_kb", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
        handler.setLevel(logging.WARNING)
        handler._kb = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def run_mkdocs_build(root: Path, site_dir: Path, strict: bool = True) -> None:
    """`mkdocs build` on the generated pages; raises on failure."""
    build = docs_engine.module("commands.build").build
    load_config = docs_engine.module("config").load_config

    os.environ["KB_CONTENT_ROOT"] = str(root)
    _quiet_mkdocs_logging()
    config = load_config(config_file=str(MKDOCS_YML), site_dir=str(site_dir), strict=strict)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()


def build_site(root: Path, report, notify, strict: bool = True) -> int:
    MkDocsException = docs_engine.module("exceptions").MkDocsException  # noqa: N806 (ProperDocs keeps the name)

    result = check(root)
    notify(result.notices, warnings=result.warnings)
    if result.problems:
        report(result.problems)
        print("build stopped: fix the problems above; site/ was left untouched", file=sys.stderr)
        return 1

    final, index = root / "site", root / INDEX_DIR
    staging = root / f"site.building-{os.getpid()}"
    index_staging = staging / ".index"  # moved out before the swap
    shutil.rmtree(staging, ignore_errors=True)
    if index.exists():  # start from the current index: unchanged records are not re-indexed
        shutil.copytree(index, index_staging)
    os.environ["KB_INDEX_DIR"] = str(index_staging)
    try:
        run_mkdocs_build(root, staging, strict=strict)
    except (MkDocsException, OSError, ValueError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        print(f"build failed: {exc}", file=sys.stderr)
        print("site/, the search index and the downloads were left untouched", file=sys.stderr)
        return 1
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        os.environ.pop("KB_INDEX_DIR", None)

    # Success: swap the new site and index in.
    _swap(index_staging, index)
    _swap(staging, final)
    pages = sum(1 for p in final.rglob("*.html") if p.name != "404.html")
    print(f"built {pages} pages into {final.relative_to(root) if final.is_relative_to(root) else final}", file=sys.stderr)
    return 0


def _swap(new: Path, current: Path) -> None:
    old = current.with_name(f"{current.name}.old-{os.getpid()}")
    shutil.rmtree(old, ignore_errors=True)
    if current.exists():
        current.rename(old)
    current.parent.mkdir(parents=True, exist_ok=True)
    new.rename(current)
    shutil.rmtree(old, ignore_errors=True)


def serve_site(root: Path, dev_addr: str, report, notify) -> int:
    serve = docs_engine.module("commands.serve").serve
    MkDocsException = docs_engine.module("exceptions").MkDocsException  # noqa: N806

    from .pipeline import check as check_all

    result = check_all(root, pages=True)  # as validate: a page the build would reject is said at once
    notify(result.notices, warnings=result.warnings)
    if result.problems:
        report(result.problems)
        return 1
    os.environ["KB_CONTENT_ROOT"] = str(root)
    os.environ["KB_SERVING"] = "1"  # the hook keeps rebuilds after an edit to what the preview needs
    _quiet_mkdocs_logging()
    logging.getLogger(docs_engine.name()).handlers[-1].setLevel(logging.INFO)
    try:
        # Dirty rebuilds: after an edit MkDocs rebuilds only the pages whose Markdown changed
        # (the hook rewrites only those), so one edit shows in about a second. Not strict: a
        # preview logs a broken link instead of stopping; `build` stays strict.
        # site_url's path (/knowledge-base/ on the published site) would move the preview off the root.
        serve(config_file=str(MKDOCS_YML), dev_addr=dev_addr, livereload=True, build_type="dirty", strict=False,
              site_url=f"http://{dev_addr}/")
    except MkDocsException as exc:
        print(f"serve failed: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # e.g. the address is taken by another server
        print(f"serve failed: cannot serve at {dev_addr}: {exc.strerror or exc} (choose another with --dev-addr)",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0
