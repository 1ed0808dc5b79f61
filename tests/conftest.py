import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge_base.models import RECORD_KINDS  # noqa: E402
from knowledge_base.pipeline import check  # noqa: E402
from knowledge_base.source_texts import sources_dirs  # noqa: E402

CONTENT_FOLDERS = tuple(RECORD_KINDS)
COMPENDIUM_FILE = "compendium.txt"


def compendium_dir() -> Path | None:
    """The folder holding the compendium's text, where validate looks for it, or None."""
    return next((d for d in sources_dirs() if (d / COMPENDIUM_FILE).is_file()), None)


@pytest.fixture(scope="session")
def compendium():
    """The compendium's text. It is someone else's document, kept outside the repository: tests that
    compare records with it skip when it is absent (a plain clone), and fail then if KB_REQUIRE_SOURCES=1
    (CI, which has it)."""
    from knowledge_base.fidelity import SourceDocument

    folder = compendium_dir()
    if folder is None:
        message = (f"the compendium's text ({COMPENDIUM_FILE}) is not in {', '.join(map(str, sources_dirs()))}: "
                   "checks against the source text skipped (set KB_SOURCES_DIR to its folder to run them)")
        if os.environ.get("KB_REQUIRE_SOURCES"):
            pytest.fail(message)
        pytest.skip(message)
    return SourceDocument(folder / COMPENDIUM_FILE)


@pytest.fixture(scope="session")
def real():
    """The real knowledge base, loaded once."""
    result = check(ROOT)
    assert result.ok, "\n".join(p.format() for p in result.problems)
    return result


@pytest.fixture
def content_copy(tmp_path):
    """A copy of the real records in a temporary content root, to break on purpose."""
    for folder in CONTENT_FOLDERS:
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The real knowledge base built once with `python build.py build` into a temporary root."""
    from helpers import run_cli

    root = tmp_path_factory.mktemp("kb")
    for folder in CONTENT_FOLDERS:
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, root / folder)
    proc = run_cli("build", root=root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return root / "site"
