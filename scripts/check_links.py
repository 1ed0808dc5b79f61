#!/usr/bin/env python3
"""Check that the footnotes' web addresses still answer (run weekly by CI, never per pull request).

Prints one line per broken address and a summary. Broken links are reported, not
fatal (sources move; the compendium's text stays as it is). When no address can be
reached at all, the machine has no network: it says so and exits 0.
Usage: check_links.py [--timeout S] [URL ...]   (default: every footnote url)
"""

from __future__ import annotations

import argparse
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def footnote_urls() -> list[str]:
    from knowledge_base.pipeline import check

    result = check()
    return sorted({fn.url for fn in result.kb.notes.values() if fn.url} | {s.url for s in result.kb.sources.values() if s.url})


def probe(url: str, timeout: float) -> tuple[str, str | None, bool]:
    """(url, problem or None, reached the network at all)."""
    request = urllib.request.Request(url, method="HEAD", headers={"User-Agent": "kb-link-check"})
    try:
        with urllib.request.urlopen(request, timeout=timeout):
            return url, None, True
    except urllib.error.HTTPError as exc:
        if exc.code in (403, 405, 429):  # refuses robots or HEAD: it answered, so it exists
            return url, None, True
        return url, f"HTTP {exc.code}", True
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        return url, f"unreachable ({getattr(exc, 'reason', exc)})", False


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="*")
    parser.add_argument("--timeout", type=float, default=15)
    args = parser.parse_args(argv)
    urls = args.urls or footnote_urls()
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda u: probe(u, args.timeout), urls))
    if urls and not any(reached for _, _, reached in results):
        print(f"no network: none of {len(urls)} addresses could be reached; nothing checked")
        return 0
    broken = [(u, p) for u, p, _ in results if p]
    for url, problem in broken:
        print(f"broken: {url}: {problem}")
    print(f"{len(urls) - len(broken)} of {len(urls)} addresses answer")
    return 0


if __name__ == "__main__":
    sys.exit(main())
