"""The site builds with ProperDocs, MkDocs' maintained fork, page for page as MkDocs builds it, so that
moving to it stays a one-line change in pyproject.toml (knowledge_base/docs_engine.py). scripts/test.sh
installs ProperDocs in a venv of its own, .venv-properdocs, without MkDocs."""

import re
import shutil
import subprocess

from conftest import CONTENT_FOLDERS
from helpers import ROOT, run_cli

PROPERDOCS_PYTHON = ROOT / ".venv-properdocs" / "bin" / "python"
GENERATOR = re.compile(r'\s*<meta name="generator" content="[^"]*">')  # names the engine, and only it differs


def test_properdocs_builds_the_same_pages_as_mkdocs(site, kb_root, tmp_path):
    assert PROPERDOCS_PYTHON.exists(), "no .venv-properdocs: run `bash scripts/test.sh`, which installs it"
    engine = subprocess.run([str(PROPERDOCS_PYTHON), "-c", "import properdocs; import mkdocs"], capture_output=True, text=True)
    assert "No module named 'mkdocs'" in engine.stderr, "ProperDocs' venv must not hold MkDocs, or the test proves nothing"
    copy = tmp_path / "kb"
    for folder in CONTENT_FOLDERS:
        if (kb_root / folder).is_dir():
            shutil.copytree(kb_root / folder, copy / folder)
    proc = run_cli("build", root=copy, python=str(PROPERDOCS_PYTHON), env={"KB_DOCS_ENGINE": "properdocs"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    built = copy / "site"
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert pages == sorted(p.relative_to(built).as_posix() for p in built.rglob("*.html"))
    different = [page for page in pages if GENERATOR.sub("", (site / page).read_text(encoding="utf-8"))
                 != GENERATOR.sub("", (built / page).read_text(encoding="utf-8"))]
    assert not different, f"ProperDocs builds these pages otherwise than MkDocs: {different}"
    assert "ProperDocs" in (built / "index.html").read_text(encoding="utf-8")  # it was ProperDocs that built it
