"""The pre-commit hook works from a fresh clone: pre-commit makes its own environment, and no
`python` on the PATH is assumed (the PATH here holds git and nothing else)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import CONTENT_FOLDERS, ROOT

CODE = ["build.py", "pyproject.toml", ".pre-commit-config.yaml", "CHANGELOG.md", "knowledge_base", "site_src"]


def test_the_validate_hook_runs_from_a_fresh_clone(tmp_path):
    repo = tmp_path / "clone"
    repo.mkdir()
    for name in [*CODE, *CONTENT_FOLDERS]:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, repo / name)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "git").symlink_to(shutil.which("git"))
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path), "PRE_COMMIT_HOME": str(tmp_path / "cache"),
           "PIP_DISABLE_PIP_VERSION_CHECK": "1", **{k: v for k, v in os.environ.items() if k.startswith("PIP_")}}
    git = [str(bin_dir / "git"), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], cwd=repo, env=env, check=True)
    subprocess.run([*git, "add", "."], cwd=repo, env=env, check=True)
    pre_commit = [str(Path(sys.executable).parent / "pre-commit"), "run", "validate-records", "--all-files"]

    proc = subprocess.run(pre_commit, cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "validate knowledge-base records" in proc.stdout and "Passed" in proc.stdout

    lesson = sorted((repo / "lessons").glob("*.yaml"))[0]
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("\nnumber:", "\nnumbr:", 1), encoding="utf-8")
    proc = subprocess.run(pre_commit, cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1
    assert f"lessons/{lesson.name}:" in proc.stdout and "unknown field 'numbr'" in proc.stdout
