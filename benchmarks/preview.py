"""Edit -> page reloaded while serving, on synthetic knowledge bases (benchmarks/corpus.py).

One `python build.py serve` per scale; each edit is saved and timed until the served page shows it:
a country's summary (its page, the lists that show the summary, the home page's snippet) and a
practice's title (a navigation change: every page is built again). Prints each median with its
ratio to the target (1 s), and what the server rendered; not a test: timings vary by machine.

    .venv/bin/python benchmarks/preview.py --scale 1 10 [--edits 3]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import generate  # noqa: E402
from run import REPO, free_port  # noqa: E402

TARGET_S = 1.0  # edit -> page reloaded (issue 21)


def fetch(url: str) -> str:
    try:
        return urllib.request.urlopen(url, timeout=5).read().decode("utf-8")
    except OSError:
        return ""


def timed_edit(record: Path, pattern: str, marker: str, page: str, timeout: float) -> float:
    text = record.read_text(encoding="utf-8")
    edited, count = re.subn(pattern, lambda m: m.group(0) + marker + " ", text, count=1)
    if not count:
        raise RuntimeError(f"{pattern!r} not in {record}")
    started = time.perf_counter()
    record.write_text(edited, encoding="utf-8")
    while time.perf_counter() - started < timeout:
        if marker in fetch(page):
            return time.perf_counter() - started
        time.sleep(0.01)
    raise RuntimeError(f"the edit of {record.name} never showed on {page}")


def measure(root: Path, edits: int, timeout: float = 1200) -> dict:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tempfile.TemporaryFile(mode="w+")
    proc = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(root), "serve",
                             "--dev-addr", f"127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT)
    country = sorted((root / "countries").glob("*.yaml"))[0]
    practice = sorted((root / "practices").glob("*.yaml"))[0]
    try:
        started = time.perf_counter()
        while "<h1" not in fetch(f"{base}/countries/{country.stem}.html"):
            if proc.poll() is not None or time.perf_counter() - started > timeout:
                log.seek(0)
                raise RuntimeError(f"serve did not come up: {log.read()[-500:]}")
            time.sleep(0.2)
        result = {"first_build_s": time.perf_counter() - started}
        time.sleep(1.0)
        for name, record, pattern, page in [
                ("summary", country, r"(?m)^summary: (>-\n\s+)?", f"{base}/countries/{country.stem}.html"),
                ("title", practice, r"(?m)^title: ", f"{base}/practices/{practice.stem}.html")]:
            times = []
            for i in range(edits):
                times.append(timed_edit(record, pattern, f"Edit{name}{i}{int(time.time())}", page, timeout))
                time.sleep(0.5)
            result[f"{name}_s"] = statistics.median(times)
        log.seek(0)
        result["rendered"] = re.findall(r"rendered (\d+ of \d+ pages, \d+ changed)", log.read())[1:]
        return result
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--edits", type=int, default=3, help="edits of each kind per scale (the median is shown)")
    args = parser.parse_args(argv)
    for scale in args.scale:
        with tempfile.TemporaryDirectory() as tmp:
            result = measure(generate(Path(tmp) / "kb", scale), args.edits)
        print(f"{scale}x: first build {result['first_build_s']:.1f} s")
        for name, what in (("summary", "a country's summary"), ("title", "a practice's title (every page)")):
            seconds = result[f"{name}_s"]
            print(f"  edit -> page reloaded, {what}: {seconds:.2f} s, {seconds / TARGET_S:.2f}x the {TARGET_S:.0f} s target")
        print("  rendered after each edit: " + "; ".join(result["rendered"]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
