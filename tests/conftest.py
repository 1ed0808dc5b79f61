import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge_base.pipeline import check  # noqa: E402

CONTENT_FOLDERS = ("practices", "countries", "introduction", "lessons", "glossary")


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
