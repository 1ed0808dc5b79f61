"""When each record file last changed, from git (shown on its page as "Last changed")."""

from __future__ import annotations

import subprocess
from pathlib import Path


def last_changed(root: Path, paths: list[str]) -> dict[str, str]:
    """{path relative to root: date (YYYY-MM-DD) of the last commit that touched it}.

    One `git log` over the record folders; a root outside a git work tree (a test's temporary
    copy, a tarball) gives {} and the pages simply say nothing.
    """
    folders = sorted({p.split("/", 1)[0] for p in paths})
    try:
        out = subprocess.run(["git", "log", "--format=%x00%cs", "--name-only", "--relative", "--", *folders],
                             cwd=root, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return {}
    if out.returncode != 0:
        return {}
    wanted, dates = set(paths), {}
    for block in out.stdout.split("\0")[1:]:  # newest commit first
        date, *files = block.strip().splitlines()
        for name in files:
            if name in wanted and name not in dates:
                dates[name] = date
    return dates
