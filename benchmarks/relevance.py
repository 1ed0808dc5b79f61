#!/usr/bin/env python3
"""Judged relevance of both searches: nDCG@10, MRR and recall@20 over benchmarks/judged_queries.yaml.

    python benchmarks/relevance.py [--root DIR] [--site DIR] [--engine cli site] [--per-query] [--out FILE]

- cli: `python build.py search`'s ranking (Whoosh), from the index of the records at --root (built
  with `python build.py index` if it is missing or stale);
- site: the website's search page (Pagefind) in headless Chromium, on the site built at --site
  (default: ROOT/site, as `python build.py build` leaves it).
The judged queries are about the compendium: on another knowledge base, only the records it has are judged.
"""

from __future__ import annotations

import argparse
import functools
import json
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from knowledge_base.relevance import JUDGED, cli_ranking, load_judged, scores, site_ranking  # noqa: E402

CHROMIUM = "/usr/bin/chromium"


def known_ids(root: Path) -> set[str]:
    from knowledge_base.index import documents
    from knowledge_base.pipeline import check

    result = check(root)
    if not result.ok:
        sys.exit(f"the knowledge base at {root} does not validate: run `python build.py validate`")
    return {doc.id for doc in documents(result.kb)}


def cli_rankings(root: Path, judged) -> dict[str, list[str]]:
    from knowledge_base.index import index_folder

    proc = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "index"], capture_output=True, text=True)
    if proc.returncode:
        sys.exit(proc.stderr)
    folder = index_folder(root)
    return {j.query: cli_ranking(folder, j) for j in judged}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def site_rankings(site: Path, judged) -> dict[str, list[str]]:
    from playwright.sync_api import sync_playwright

    if not (site / "pagefind").is_dir():
        sys.exit(f"no built site at {site}: run `python build.py build` first")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
            page = browser.new_page()
            rankings = {j.query: site_ranking(page, f"http://127.0.0.1:{httpd.server_port}", j) for j in judged}
            browser.close()
    finally:
        httpd.shutdown()
    return rankings


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=REPO, help="the content root (default: the repository)")
    parser.add_argument("--site", type=Path, help="the built site (default: ROOT/site)")
    parser.add_argument("--engine", nargs="+", choices=["cli", "site"], default=["cli", "site"])
    parser.add_argument("--judged", type=Path, default=JUDGED, help="the judged queries (YAML)")
    parser.add_argument("--per-query", action="store_true", help="print each query's scores and first results")
    parser.add_argument("--out", type=Path, help="write the scores as JSON")
    parser.add_argument("--keep-absent", action="store_true",
                        help="judge the records the knowledge base lacks too, as not found (to compare with an older "
                        "version whose search had fewer records)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    judged = load_judged(args.judged, None if args.keep_absent else known_ids(root))
    report = {}
    for engine in args.engine:
        rankings = cli_rankings(root, judged) if engine == "cli" else site_rankings((args.site or root / "site").resolve(), judged)
        report[engine] = scores(rankings, judged)
        result = report[engine]
        print(f"{engine:5} nDCG@10 {result['ndcg@10']:.3f}  MRR {result['mrr']:.3f}  recall@20 {result['recall@20']:.3f}"
              f"  ({result['queries']} queries)")
        if args.per_query:
            for j in judged:
                q = result["per_query"][j.query]
                first = " ".join(f"{rid}{'*' * j.grades.get(rid, 0)}" for rid in rankings[j.query][:5])
                print(f"   {q['ndcg@10']:.2f} {q['mrr']:.2f} {q['recall@20']:.2f}  {j.query!r:34} {first}")
    if args.out:
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
