#!/usr/bin/env python3
"""Lighthouse (mobile) on the views a policymaker opens first, served as a host serves them (gzip).

    python benchmarks/lighthouse.py [--site site] [--runs 3] [--page index.html ...] [--out FILE]

Needs a built site (`python build.py build`), Debian's chromium and Lighthouse from the npm registry
(`npx --yes lighthouse@12.2.3` fetches it once). Prints, for each page, the median of the runs:
performance, layout shift (CLS), largest paint (LCP), blocking time (TBT) and bytes transferred, with
each figure's ratio to its target (performance >= 90, CLS < 0.1). Timing lives here, never in tests:
the browser tests check layout shift, which does not depend on the machine's speed.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PAGES = ["index.html", "compare.html", "charts.html", "search.html", "quotes.html", "timeline.html",
         "matrix.html", "sources/index.html", "countries/kazakhstan.html"]
TARGETS = {"performance": 90, "cls": 0.1}
COMPRESSED = {".html", ".css", ".js", ".json", ".svg", ".xml", ".csv", ".txt", ".pf_meta", ".pf_index",
              ".pf_fragment", ".pf_filter"}


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Serve text files gzipped when the browser accepts it, as GitHub Pages or any CDN would."""

    def log_message(self, *args):  # quiet
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (path.suffix not in COMPRESSED or not path.is_file()
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return _Body(body)


class _Body:
    def __init__(self, data: bytes):
        self.data = data

    def read(self, *_):
        data, self.data = self.data, b""
        return data

    def close(self):
        pass


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(GzipHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def lighthouse(url: str, out: Path) -> dict:
    env = dict(os.environ, CHROME_PATH=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    subprocess.run(
        ["npx", "--yes", "lighthouse@12.2.3", url, "--quiet", "--output=json", f"--output-path={out}",
         "--only-categories=performance", "--chrome-flags=--headless=new --no-sandbox"],
        check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    report = json.loads(out.read_text())
    audits = report["audits"]
    return {
        "performance": round(report["categories"]["performance"]["score"] * 100),
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "bytes": audits["total-byte-weight"]["numericValue"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=REPO / "site", help="the built site (default: site)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--page", action="append", help="a page of the site (default: the views of issue 19)")
    parser.add_argument("--out", type=Path, help="write the medians as JSON")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        sys.exit(f"{args.site}/index.html not found: run `python build.py build` first")
    server, base = serve(args.site)
    results = {}
    print(f"{'page':28} {'perf':>5} {'/90':>5} {'CLS':>6} {'/0.1':>5} {'LCP ms':>7} {'TBT ms':>7} {'KB':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for page in args.page or PAGES:
            runs = [lighthouse(base + page, Path(tmp) / f"run{i}.json") for i in range(args.runs)]
            median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
            results[page] = median
            print(f"{page:28} {median['performance']:5.0f} {median['performance'] / TARGETS['performance']:5.2f}"
                  f" {median['cls']:6.3f} {median['cls'] / TARGETS['cls']:5.2f} {median['lcp_ms']:7.0f}"
                  f" {median['tbt_ms']:7.0f} {median['bytes'] / 1024:6.0f}")
    server.shutdown()
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n")
    met = all(r["performance"] >= TARGETS["performance"] and r["cls"] < TARGETS["cls"] for r in results.values())
    print("targets met" if met else "targets NOT met")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
