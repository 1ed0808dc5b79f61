"""Helpers shared by the tests: run the CLI as a user would."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args, root: Path | None = None, timeout: int = 600, env: dict | None = None,
            input: str | None = None, python: str = sys.executable) -> subprocess.CompletedProcess:
    """`python build.py [--root ROOT] ARGS`, capturing output; `env` adds to the environment; `input` is stdin;
    `python` runs it with another venv's interpreter."""
    cmd = [python, str(ROOT / "build.py")]
    if root is not None:
        cmd += ["--root", str(root)]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    return subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT,
                          input=input)


def assert_no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr


def line_of(path: Path, needle: str) -> int:
    """1-based number of the first line of `path` containing `needle`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def without_texts(tmp_path: Path) -> dict:
    """The environment of an editor's plain clone: no source texts at hand, none required."""
    return {"KB_SHARED_DIR": str(tmp_path / "no-shared"), "KB_SOURCES_DIR": "", "KB_REQUIRE_SOURCES": ""}
