#!/usr/bin/env python3
"""Bytes a reader downloads for the website's search: the search page plus one query, gzipped as a host
serves it, against the target of 300 KB (issue 20) at the realistic 100x.

    python benchmarks/search_weight.py [--scale 1 10 100] [--site DIR] [--query repatriation] [--out FILE]

For each scale it generates a knowledge base (benchmarks/corpus.py), builds its site (`build.py build`),
serves it gzipped (benchmarks/lighthouse.py's server) and opens `search.html?q=QUERY` in Chromium, counting
the bytes each response took on the wire; then it opens a facet and counts what that fetched too (filter
files are fetched only then). With --site, it measures that built site instead. Prints the bytes by part
of the site and the ratio to the target. A measure, not a test: tests/test_site_search.py checks which files
a page load and a facet fetch.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import generate  # noqa: E402
from lighthouse import serve  # noqa: E402

TARGET = 300_000  # bytes, gzipped: the search page plus one query at 100x
QUERY = "repatriation"


def part(path: str) -> str:
    """What a file is, for the breakdown: pagefind/index, pagefind/filter, assets, ..."""
    parts = path.split("?")[0].split("/")
    if parts[0] == "pagefind":
        return "pagefind/" + (parts[1] if len(parts) > 2 else parts[1].split(".")[0] + (".pf_meta" if "pf_meta" in parts[1] else ""))
    return parts[0] if len(parts) > 1 else "page"


def measure(site: Path, query: str) -> dict:
    from playwright.sync_api import sync_playwright

    server, base = serve(site)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page()
            wire: list[tuple[str, int]] = []

            def finished(request):
                sizes = request.sizes()  # as transferred: the gzipped body, and the headers
                wire.append((request.url.removeprefix(base), sizes["responseBodySize"] + sizes["responseHeadersSize"]))

            page.on("requestfinished", finished)
            page.goto(f"{base}search.html?q={query}")
            page.wait_for_selector("#kb-search[data-state=done]", state="attached", timeout=300_000)
            page.wait_for_load_state("networkidle")
            first = list(wire)
            page.locator("#kb-facet-country").click()
            page.wait_for_selector("details[data-facet=country] .kb-facet-option:not([hidden])", timeout=300_000)
            page.wait_for_load_state("networkidle")
            facet = wire[len(first):]
            results = page.locator(".kb-search-status").inner_text()
            browser.close()
    finally:
        server.shutdown()
    by_part = Counter()
    for path, size in first:
        by_part[part(path)] += size
    total = sum(size for _, size in first)
    return {"query": query, "results": results, "bytes": total, "requests": len(first), "ratio_to_target": total / TARGET,
            "by_part": dict(by_part.most_common()), "facet_opened_bytes": sum(size for _, size in facet),
            "filter_files_on_load": sum("/filter/" in path for path, _ in first)}


def build(scale: int, workdir: Path) -> Path:
    root = generate(workdir / f"kb-{scale}x", scale)
    proc = subprocess.run([sys.executable, str(HERE.parent / "build.py"), "--root", str(root), "build"],
                          capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(proc.stderr[-2000:])
    return root / "site"


def report(label: str, result: dict) -> None:
    print(f"{label}: search page + “{result['query']}” ({result['results']}): {result['bytes']:,} B gzipped in "
          f"{result['requests']} requests, {result['ratio_to_target']:.2f}x the {TARGET:,} B target; "
          f"filter files on load: {result['filter_files_on_load']}; opening a facet then: {result['facet_opened_bytes']:,} B")
    for name, size in result["by_part"].items():
        print(f"    {size:>10,} B  {name}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--scale", type=int, nargs="+", default=[1], choices=[1, 10, 100])
    parser.add_argument("--site", type=Path, help="measure this built site instead of generated ones")
    parser.add_argument("--query", default=QUERY)
    parser.add_argument("--out", type=Path, help="write the figures as JSON")
    args = parser.parse_args(argv)
    results = {}
    if args.site:
        results["site"] = measure(args.site, args.query)
        report(str(args.site), results["site"])
    else:
        with tempfile.TemporaryDirectory(prefix="kb-weight-") as tmp:
            for scale in args.scale:
                print(f"building {scale}x ...", file=sys.stderr, flush=True)
                results[f"{scale}x"] = measure(build(scale, Path(tmp)), args.query)
                report(f"{scale}x", results[f"{scale}x"])
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
