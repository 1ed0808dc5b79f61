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

CONTENT_FOLDERS = (*RECORD_KINDS, "works")  # works/: the editors' corrections to the cited works
COMPENDIUM_FILE = "compendium.txt"
FIXTURES = ROOT / "tests" / "fixtures"

# The knowledge bases every generic test runs on: the repository's own records, and a fictional one
# of another shape (tests/fixtures/other-kb: more sources and countries, fewer practices, parts
# missing). A test about the compendium's own content uses `real` and `built_site` instead, and says so.
KNOWLEDGE_BASES = {"repository": ROOT, "other-kb": FIXTURES / "other-kb"}
KNOWLEDGE_BASES = {name: root for name, root in KNOWLEDGE_BASES.items() if (root / "sources").is_dir()}

# The fixtures' own (fictional) source texts are looked up like those of ../shared/.
FIXTURE_TEXTS = [folder for folder in sorted(FIXTURES.glob("*/texts")) if folder.is_dir()]
os.environ["KB_SOURCES_DIR"] = os.pathsep.join([*map(str, FIXTURE_TEXTS), os.environ.get("KB_SOURCES_DIR", "")])


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


def _checked(root: Path):
    result = check(root)
    assert result.ok, "\n".join(p.format() for p in result.problems)
    return result


@pytest.fixture(scope="session")
def real():
    """The repository's knowledge base, loaded once: for tests about the compendium's own content."""
    return _checked(ROOT)


@pytest.fixture(scope="session", params=sorted(KNOWLEDGE_BASES))
def kb_root(request) -> Path:
    """The content root of each knowledge base the generic tests run on."""
    return KNOWLEDGE_BASES[request.param]


@pytest.fixture(scope="session")
def loaded(kb_root):
    """Each knowledge base, loaded once: generic tests derive what they expect from it."""
    return _checked(kb_root)


@pytest.fixture
def content_copy(tmp_path):
    """A copy of the real records in a temporary content root, to break on purpose."""
    for folder in CONTENT_FOLDERS:
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


_sites: dict[Path, Path] = {}


def built(root: Path, tmp_path_factory) -> Path:
    """The site of the knowledge base at `root`, built once with `python build.py build` in a copy."""
    from helpers import run_cli

    if root not in _sites:
        copy = tmp_path_factory.mktemp("kb")
        for folder in CONTENT_FOLDERS:
            if (root / folder).is_dir():
                shutil.copytree(root / folder, copy / folder)
        proc = run_cli("build", root=copy)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        _sites[root] = copy / "site"
    return _sites[root]


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The repository's site: for tests about the compendium's own content."""
    return built(ROOT, tmp_path_factory)


@pytest.fixture(scope="session")
def site(kb_root, tmp_path_factory):
    """The built site of each knowledge base the generic tests run on."""
    return built(kb_root, tmp_path_factory)
