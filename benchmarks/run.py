#!/usr/bin/env python3
"""Benchmark the pipeline on synthetic knowledge bases at 1x, 10x and 100x the real one.

    python benchmarks/run.py [--scale 1 10 100] [--repeat 3] [--uniform] [--quick] [--out benchmarks/results/latest.json]

The knowledge bases grow as a real one does (growth.py: at 100x about 150 sources, 100 countries, 300
key practices, 6,000 quotes); --uniform multiplies every record alike instead (the first model).
--quick (for the tests) skips the browser and the edit-while-serving measures and runs each once.
Prints a table of times and ratios against their baselines, and writes the same as JSON:
- the corpus: records of each kind, speakers, notes, search records, pages;
- validate vs the floor of merely parsing the same YAML with libyaml's C loader;
- the pipeline's own time (load, validate, link, render, index, export) vs `mkdocs build` alone;
- the full `python build.py build` (a fresh process, as a user runs it), its cost per search record
  (it should not grow with the scale) and its peak memory (the child process's maximum resident set);
- the build's stages as the MkDocs hook times them (pipeline, site check, Pagefind);
- saving one changed record -> the rebuilt page served by `python build.py serve`;
- `python build.py search` end to end on a fresh index (a new process, as a user runs it) vs the CLI's
  start-up, `python build.py --help` (the same interpreter, imports and argument parsing, no search);
  and the first search after one record is edited (its documents re-indexed in place);
- Whoosh query latency p50/p95 in one process over a fixed query set, the p95 split into its stages
  (parse, score and count facets, highlight, the rest: hits, "did you mean"), beside SQLite FTS5 (bm25)
  answering the same queries on the same documents (top 10 with snippets, and the facet counts);
- the website's search: Pagefind's indexing time, and the bytes a reader downloads for the search
  page and one query (measured in headless Chromium);
- the bytes a reader downloads for one page, and the largest page's HTML;
- the command line's judged relevance (benchmarks/judged_queries.yaml: nDCG@10, MRR, recall@20) on the
  grown corpus, where every copy is a distractor; the website's with --site-relevance (Chromium).
Timing lives here, never in tests: tests only check that this runs at 1x.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from corpus import generate, texts_dir  # noqa: E402

from knowledge_base.index import ensure_index  # noqa: E402
from knowledge_base.load import discover  # noqa: E402
from knowledge_base.models import RECORD_KINDS  # noqa: E402
from knowledge_base.pipeline import TIMINGS, check, forget_files  # noqa: E402
from knowledge_base.index import documents  # noqa: E402
from knowledge_base.search import search  # noqa: E402
from knowledge_base.site import run_mkdocs_build  # noqa: E402

QUERIES = ["repatriation", "repatriating women", '"family ties"', "speaker:koller", "org:unicef", "rehab*",
           "children AND women", "country:kazakhstan imams", "psychological NOT prison", "kind:quote trust",
           "mahalla", "rehabilitaton"]
TARGETS = {"validate_vs_parse": 2.0, "pipeline_vs_mkdocs": 0.25, "build_100x_s": 60.0, "rebuild_1x_s": 1.0,
           "query_p95_100x_ms": 50.0, "search_vs_startup": 2.0, "search_download_gzip_100x_bytes": 300_000,
           "build_per_record_vs_1x": 1.0}
CLI_QUERIES = ["repatriation", "speaker:koller", "children AND women"]  # end to end: a new process each
SITE_QUERY = "repatriation"  # the query whose downloads the search page's weight counts


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def parse_floor(root: Path) -> None:
    for path in discover(root, RECORD_KINDS)[0]:
        yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rebuild_while_serving(root: Path, timeout: float = 1200) -> float:
    """Seconds from saving one changed country record to the served page showing the change."""
    port = free_port()
    log = tempfile.TemporaryFile(mode="w+")
    proc = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(root), "serve",
                             "--dev-addr", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    record = sorted((root / "countries").glob("*.yaml"))[0]
    page = f"{base}/countries/{record.stem}.html"
    try:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if proc.poll() is not None:  # it stopped: say why, instead of waiting for the deadline
                log.seek(0)
                raise RuntimeError(f"serve stopped (exit {proc.returncode}): {log.read()[-500:]}")
            try:
                urllib.request.urlopen(page, timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("serve did not come up")
        time.sleep(1.0)  # let the watcher settle
        marker = f"Benchmark edit {int(time.time() * 1000)}"
        text = record.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^summary: ", f"summary: {marker}. ", text, count=1)
        started = time.perf_counter()
        record.write_text(text, encoding="utf-8")
        while time.perf_counter() - started < timeout:
            try:
                if marker in urllib.request.urlopen(page, timeout=5).read().decode("utf-8"):
                    return time.perf_counter() - started
            except OSError:
                pass
            time.sleep(0.02)
        raise RuntimeError("the edit never showed up")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def page_weight(site: Path, page: str) -> dict[str, int]:
    """Bytes a reader downloads for one page: the HTML and its local CSS and JS (search loads nothing
    until a search is made)."""
    html_path = site / page
    html = html_path.read_text(encoding="utf-8")
    assets = set(re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"#?]+\.(?:js|css))"', html))
    asset_bytes = sum((html_path.parent / a).resolve().stat().st_size for a in assets if (html_path.parent / a).exists())
    return {"html": len(html.encode()), "assets": asset_bytes, "total": len(html.encode()) + asset_bytes}


def search_download(site: Path, query: str) -> tuple[int, int]:
    """Bytes a reader downloads to open the search page and get one query's first results (Chromium):
    as served here (uncompressed) and gzipped, as a static host such as GitHub Pages sends text files
    (Pagefind's index chunks are compressed already and barely change)."""
    import functools
    import gzip
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from playwright.sync_api import sync_playwright

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    total = compressed = 0
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page()
            finished: list = []
            page.on("requestfinished", lambda request: finished.append(request))  # bodies are read once idle
            page.goto(f"http://127.0.0.1:{httpd.server_port}/search.html?q={query}")
            page.wait_for_selector(".kb-search-result", timeout=120_000)
            page.wait_for_load_state("networkidle")
            bodies = [response.body() for response in (request.response() for request in finished) if response]
            total = sum(len(b) for b in bodies)
            compressed = sum(min(len(b), len(gzip.compress(b, 6))) for b in bodies)
            browser.close()
    finally:
        httpd.shutdown()
    return total, compressed


def measure(scale: int, repeat: int, workdir: Path, with_serve: bool, uniform: bool = False, quick: bool = False,
            site_relevance: bool = False) -> dict:
    root = generate(workdir / f"kb-{scale}x", scale, uniform=uniform)
    if texts_dir(root).is_dir():  # the copies' own source texts, for every check here and in the children
        os.environ["KB_SOURCES_DIR"] = str(texts_dir(root))
    files, _ = discover(root, RECORD_KINDS)
    result: dict = {"scale": scale, "model": "uniform" if uniform else "realistic", "records": len(files)}

    result["parse_floor_s"] = best_of(repeat, lambda: parse_floor(root))
    validated: list = []
    result["validate_s"] = best_of(repeat, lambda: (forget_files(), validated.append(check(root))))
    result["validate_vs_parse"] = result["validate_s"] / result["parse_floor_s"]
    checked = validated[-1]
    if checked.problems:
        raise RuntimeError(f"the generated corpus does not validate: {checked.problems[:3]}")
    result.update(corpus_figures(checked.kb))

    # One MkDocs build with the hook timing its own share (the whole pipeline runs inside on_config).
    site = root / "site-bench"
    forget_files()  # a cold build: nothing parsed, indexed or drawn yet
    started = time.perf_counter()
    run_mkdocs_build(root, site)
    total = time.perf_counter() - started
    pipeline = TIMINGS["pipeline_s"]
    result.update({f"stage_{name}": seconds for name, seconds in TIMINGS.items()})
    result.update(pipeline_s=pipeline, mkdocs_alone_s=total - pipeline, pipeline_vs_mkdocs=pipeline / (total - pipeline),
                  pages=sum(1 for _ in site.rglob("*.html")), pagefind_s=TIMINGS.get("site_search_s", 0.0))

    started = time.perf_counter()
    proc = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "build"],
                          capture_output=True, text=True)
    result["full_build_s"] = time.perf_counter() - started
    if proc.returncode:
        raise RuntimeError(proc.stderr)
    # The largest child so far: the builds of smaller scales ran before and took less.
    result["build_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    result["build_ms_per_search_record"] = result["full_build_s"] * 1000 / result["search_records"]

    kb = checked.kb
    folder, _ = ensure_index(kb, files, root)
    result.update(query_latencies(folder, max(repeat, 5)))
    result.update(query_stages(folder, max(repeat, 5)))
    result.update(fts5_latencies(kb, max(repeat, 5)))
    result["whoosh_vs_fts5_p95"] = result["query_p95_ms"] / result["fts5_p95_ms"]
    result.update(cli_search(root, 3 if quick else max(repeat, 5)))
    result.update(relevance(folder, kb, "cli"))
    if site_relevance:
        result.update(relevance(root / "site", kb, "site"))

    country = sorted((root / "countries").glob("*.yaml"))[0].stem
    weight = page_weight(root / "site", f"countries/{country}.html")
    result["page_download_bytes"] = weight["total"]
    result["page_html_bytes"] = weight["html"]
    largest = max((root / "site").rglob("*.html"), key=lambda p: p.stat().st_size)
    result["largest_page_bytes"] = largest.stat().st_size
    result["largest_page"] = largest.relative_to(root / "site").as_posix()
    try:
        if not quick:
            result["search_download_bytes"], result["search_download_gzip_bytes"] = search_download(root / "site", SITE_QUERY)
    except Exception as error:  # no browser here: recorded as missing, the other measures stay
        result["search_download_error"] = f"{type(error).__name__}: {error}"

    if with_serve and not quick:
        try:
            result["rebuild_after_edit_s"] = rebuild_while_serving(root)
        except RuntimeError as error:  # recorded as missing, the other measures stay
            result["rebuild_after_edit_error"] = str(error)
    shutil.rmtree(root, ignore_errors=True)
    os.environ.pop("KB_SOURCES_DIR", None)
    return result


def corpus_figures(kb) -> dict:
    """What the generated knowledge base holds: the figures issue 21's growth model is stated in."""
    quotes = [q for record in [*kb.countries, *kb.practices] for q in record.quotes]
    return {"sources": len(kb.sources), "countries": len(kb.countries), "practices": len(kb.practices),
            "quotes": len(quotes), "speakers": len({q.speaker for q in quotes if q.speaker}), "notes": len(kb.notes),
            "search_records": sum(1 for _ in documents(kb))}


def relevance(where: Path, kb, engine: str) -> dict:
    """Judged relevance of one engine: `where` is the index (cli) or the built site (site). The copies
    keep their text, so every one is a distractor for the real record a query is judged on."""
    from knowledge_base.relevance import JUDGED, cli_ranking, load_judged, scores

    judged = load_judged(JUDGED, {doc.id for doc in documents(kb)})
    if engine == "cli":
        rankings = {j.query: cli_ranking(where, j) for j in judged}
    else:
        from relevance import site_rankings

        rankings = site_rankings(where, judged)
    found = scores(rankings, judged)
    return {f"{engine}_{name.replace('@', '')}": found[name] for name in ("ndcg@10", "mrr", "recall@20")}


def percentiles(latencies: list[float], prefix: str) -> dict:
    latencies = sorted(latencies)
    return {f"{prefix}_p50_ms": statistics.median(latencies), f"{prefix}_p95_ms": latencies[int(0.95 * (len(latencies) - 1))]}


def query_latencies(folder: Path, rounds: int) -> dict:
    """`search` in one process (its searcher opened once), over the query set, `rounds` times."""
    search(folder, QUERIES[0])  # opens the index: the first query of a process is timed end to end
    latencies = []
    for _ in range(rounds):
        for query in QUERIES:
            started = time.perf_counter()
            search(folder, query, limit=10)
            latencies.append((time.perf_counter() - started) * 1000)
    return percentiles(latencies, "query")


def query_stages(folder: Path, rounds: int) -> dict:
    """Where a query's time goes, stage by stage as `search` runs them, at the p95 of each stage:
    parse, score with facet counting (every match is visited), highlight the top 10, and the rest
    (hits, "did you mean"), measured as the whole search less the stages before."""
    from whoosh.collectors import TermsCollector, TopCollector
    from whoosh.highlight import PinpointFragmenter, UppercaseFormatter

    from knowledge_base import search as engine

    engine._open(folder)
    searcher, columns = engine._opened[folder][3], engine._opened[folder][4]
    stages: dict[str, list[float]] = {"parse": [], "score": [], "facets": [], "highlight": [], "rest": []}
    for _ in range(rounds):
        for text in QUERIES:
            t0 = time.perf_counter()
            query = engine.make_parser().parse(text)
            t1 = time.perf_counter()
            facets = engine.FacetCounter(TopCollector(10, usequality=False, replace=0), columns)
            collector = TermsCollector(facets)
            searcher.search_with_collector(query, collector)
            results = collector.results()
            results.fragmenter = PinpointFragmenter(maxchars=200, surround=60, autotrim=True)  # as `search`
            results.formatter = UppercaseFormatter(between=" … ")
            t2 = time.perf_counter()
            facets.counts()
            t3 = time.perf_counter()
            for hit in results[:10]:
                hit.highlights("text") or hit.highlights("title")
            t4 = time.perf_counter()
            search(folder, text)
            t5 = time.perf_counter()
            for name, ms in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, (t5 - t4) - (t4 - t0))):
                stages[name].append(max(ms, 0.0) * 1000)
    return {f"stage_{name}_p95_ms": percentiles(ms, "x")["x_p95_ms"] for name, ms in stages.items()}


FTS_COLUMNS = ("kind", "title", "text", "speaker", "org", "country", "practice")


def fts5_latencies(kb, rounds: int) -> dict:
    """The yardstick: SQLite FTS5 (porter tokenizer, bm25 with title weighted 2 as Whoosh's field boost)
    answering the same queries on the same documents: the top 10 with a snippet, and the counts by kind
    and by country. In memory, as Whoosh's index is in the page cache after the first query."""
    import sqlite3

    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE docs USING fts5({', '.join(FTS_COLUMNS)}, tokenize='porter unicode61')")
    db.executemany(f"INSERT INTO docs VALUES ({', '.join('?' * len(FTS_COLUMNS))})",
                   [tuple(doc.fields()[name] for name in FTS_COLUMNS) for doc in documents(kb)])
    top = ("SELECT kind, title, snippet(docs, 2, '', '', ' … ', 24) FROM docs WHERE docs MATCH ? "
           "ORDER BY bm25(docs, 0, 2.0, 1.0, 1.0, 1.0, 0, 0) LIMIT 10")
    by_kind = "SELECT kind, count(*) FROM docs WHERE docs MATCH ? GROUP BY kind"
    by_country = "SELECT country, count(*) FROM docs WHERE docs MATCH ? GROUP BY country"
    latencies = []
    for _ in range(rounds):
        for text in QUERIES:
            query = text  # the set's syntax is FTS5's too: col:value, AND/OR/NOT, "phrases", prefix*
            started = time.perf_counter()
            for sql in (top, by_kind, by_country):
                db.execute(sql, (query,)).fetchall()
            latencies.append((time.perf_counter() - started) * 1000)
    db.close()
    return percentiles(latencies, "fts5")


def median_run(command: list[str], runs: int) -> float:
    """The median wall time of a fresh process running `command` (it must succeed)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.run(command, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
        if proc.returncode:
            raise RuntimeError(f"{' '.join(command)}: {proc.stderr[-500:]}")
    return statistics.median(times)


def cli_search(root: Path, runs: int) -> dict:
    """`python build.py search` end to end, as a user runs it, against the CLI's start-up."""
    cli = [sys.executable, str(REPO / "build.py"), "--root", str(root)]
    result = {"python_startup_s": median_run([sys.executable, "-c", "pass"], runs),
              "cli_startup_s": median_run([sys.executable, str(REPO / "build.py"), "--help"], runs)}
    subprocess.run([*cli, "index"], capture_output=True, check=True)
    result["cli_search_s"] = statistics.median(median_run([*cli, "search", query], runs) for query in CLI_QUERIES)
    result["search_vs_startup"] = result["cli_search_s"] / result["cli_startup_s"]
    record = sorted((root / "countries").glob("*.yaml"))[0]
    text = record.read_text(encoding="utf-8")
    record.write_text(re.sub(r"(?m)^summary: ", "summary: Benchmark edit. ", text, count=1), encoding="utf-8")
    started = time.perf_counter()
    proc = subprocess.run([*cli, "search", "benchmark edit"], capture_output=True, text=True)
    result["cli_search_after_edit_s"] = time.perf_counter() - started
    if proc.returncode or "benchmark edit" not in proc.stdout.lower():
        raise RuntimeError(f"the edit was not found: {proc.stdout[-300:]}{proc.stderr[-300:]}")
    record.write_text(text, encoding="utf-8")
    return result


def add_ratios(results: list[dict]) -> None:
    """Each figure against its target, and the build's cost per record against 1x's (when measured)."""
    first = next((r for r in results if r["scale"] == 1), None)
    for r in results:
        r["build_vs_target"] = r["full_build_s"] / TARGETS["build_100x_s"]
        r["query_p95_vs_target"] = r["query_p95_ms"] / TARGETS["query_p95_100x_ms"]
        if first:
            r["build_per_record_vs_1x"] = r["build_ms_per_search_record"] / first["build_ms_per_search_record"]


def machine() -> dict:
    cpu = ""
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"python": platform.python_version(), "platform": platform.platform(), "cpu": cpu, "cores": os.cpu_count()}


def table(results: list[dict]) -> str:
    rows = [
        ("record files", "{:,}", "records"), ("  sources", "{:,}", "sources"), ("  countries", "{:,}", "countries"),
        ("  key practices", "{:,}", "practices"), ("  quotes", "{:,}", "quotes"), ("  speakers", "{:,}", "speakers"),
        ("  notes", "{:,}", "notes"), ("search records", "{:,}", "search_records"), ("pages built", "{:,}", "pages"),
        ("parse floor (C loader)", "{:.3f} s", "parse_floor_s"), ("validate", "{:.3f} s", "validate_s"),
        ("  validate / parse floor (target <= 2)", "{:.2f}x", "validate_vs_parse"),
        ("pipeline's own time", "{:.2f} s", "pipeline_s"), ("mkdocs build alone", "{:.2f} s", "mkdocs_alone_s"),
        ("  pipeline / mkdocs (target <= 0.25)", "{:.2f}x", "pipeline_vs_mkdocs"),
        ("  of it: site check", "{:.2f} s", "stage_site_check_s"), ("          Pagefind", "{:.2f} s", "stage_site_search_s"),
        ("full build (python build.py build)", "{:.2f} s", "full_build_s"),
        ("  full build / target 60 s at 100x", "{:.2f}x", "build_vs_target"),
        ("  build per search record", "{:.2f} ms", "build_ms_per_search_record"),
        ("  per record / 1x's (target <= 1)", "{:.2f}x", "build_per_record_vs_1x"),
        ("  peak memory (child's max RSS)", "{:,.0f} MB", "build_peak_rss_mb"),
        ("edit -> rebuilt page while serving", "{:.2f} s", "rebuild_after_edit_s"),
        ("Python start-up (python -c pass)", "{:.3f} s", "python_startup_s"),
        ("CLI start-up (python build.py --help)", "{:.3f} s", "cli_startup_s"),
        ("search, end to end (fresh index)", "{:.3f} s", "cli_search_s"),
        ("  search / CLI start-up (target <= 2)", "{:.2f}x", "search_vs_startup"),
        ("search after editing one record", "{:.3f} s", "cli_search_after_edit_s"),
        ("query p50", "{:.2f} ms", "query_p50_ms"), ("query p95 (target <= 50 at 100x)", "{:.2f} ms", "query_p95_ms"),
        ("  p95 of: parse", "{:.2f} ms", "stage_parse_p95_ms"),
        ("          score (every match)", "{:.2f} ms", "stage_score_p95_ms"),
        ("          facet counts", "{:.2f} ms", "stage_facets_p95_ms"),
        ("          highlight top 10", "{:.2f} ms", "stage_highlight_p95_ms"),
        ("          rest (hits, did you mean)", "{:.2f} ms", "stage_rest_p95_ms"),
        ("SQLite FTS5 (bm25) p50", "{:.2f} ms", "fts5_p50_ms"), ("SQLite FTS5 (bm25) p95", "{:.2f} ms", "fts5_p95_ms"),
        ("  Whoosh p95 / FTS5 p95", "{:.1f}x", "whoosh_vs_fts5_p95"),
        ("  query p95 / target 50 ms", "{:.2f}x", "query_p95_vs_target"),
        ("CLI relevance nDCG@10", "{:.3f}", "cli_ndcg10"), ("CLI relevance MRR", "{:.3f}", "cli_mrr"),
        ("CLI relevance recall@20", "{:.3f}", "cli_recall20"),
        ("website relevance nDCG@10", "{:.3f}", "site_ndcg10"), ("website relevance MRR", "{:.3f}", "site_mrr"),
        ("Pagefind indexing", "{:.2f} s", "pagefind_s"),
        ("search page + one query, downloads", "{:,} B", "search_download_bytes"),
        ("  the same, gzipped as served", "{:,} B", "search_download_gzip_bytes"),
        ("one page, all downloads", "{:,} B", "page_download_bytes"), ("largest page's HTML", "{:,} B", "largest_page_bytes"),
    ]
    header = f"{'measure':<42}" + "".join(f"{str(r['scale']) + 'x':>16}" for r in results)
    lines = [header, "-" * len(header)]
    for label, fmt, key in rows:
        cells = "".join(f"{(fmt.format(r[key]) if key in r else '—'):>16}" for r in results)
        lines.append(f"{label:<42}{cells}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 10, 100], choices=[1, 10, 100])
    parser.add_argument("--repeat", type=int, default=3, help="best of N for the in-process timings")
    parser.add_argument("--no-serve", action="store_true", help="skip the edit-while-serving measure")
    parser.add_argument("--uniform", action="store_true", help="multiply every record alike (the first model)")
    parser.add_argument("--quick", action="store_true", help="each measure once, no browser, no serve (for tests)")
    parser.add_argument("--site-relevance", action="store_true", help="the website's judged relevance too (Chromium)")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "latest.json")
    args = parser.parse_args(argv)

    results = []
    report = {"measured": datetime.date.today().isoformat(), "machine": machine(), "targets": TARGETS,
              "results": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        for scale in args.scale:
            print(f"measuring {scale}x ...", file=sys.stderr, flush=True)
            results.append(measure(scale, 1 if args.quick else args.repeat, Path(tmp), with_serve=not args.no_serve,
                                   uniform=args.uniform, quick=args.quick, site_relevance=args.site_relevance))
            add_ratios(results)
            # Written after each scale: a long 100x run that fails keeps the smaller scales.
            args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"machine: {report['machine']['cpu']} ({report['machine']['cores']} cores), Python {report['machine']['python']}")
    print(table(results))
    print(f"\nwritten: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
