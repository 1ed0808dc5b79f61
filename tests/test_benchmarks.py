"""The benchmark suite: its synthetic corpus validates, and it runs at 1x (timings are not asserted)."""

import json
import subprocess
import sys

from conftest import ROOT
from helpers import run_cli

sys.path.insert(0, str(ROOT / "benchmarks"))

import growth  # noqa: E402
from corpus import generate, texts_dir  # noqa: E402

from knowledge_base.pipeline import check  # noqa: E402


def test_uniform_corpus_validates_and_keeps_cross_links(tmp_path, real):
    root = generate(tmp_path / "kb", 3, uniform=True)
    proc = run_cli("validate", root=root)
    assert proc.returncode == 0, proc.stdout
    assert len(list((root / "countries").glob("*.yaml"))) == 3 * len(real.kb.countries)
    copy = (root / "practices" / f"{real.kb.practices[0].id}-x2.yaml").read_text(encoding="utf-8")
    assert copy.startswith("# yaml-language-server: $schema=../schema/practice.schema.json")


def test_grown_corpus_validates_with_new_names_in_every_copy(tmp_path, real):
    """The realistic model: each kind grows at its own rate, and copies bring new speakers, bodies and
    works, checked against their own sources' texts (--sources), quotes verbatim."""
    spec = growth.growth(3)
    root = generate(tmp_path / "kb", 3)
    proc = run_cli("validate", "--sources", str(texts_dir(root)), root=root)
    assert proc.returncode == 0 and "not checked" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    grown = check(root, sources=[str(texts_dir(root))]).kb
    assert (len(grown.sources), len(grown.countries), len(grown.practices)) == (spec.sources, spec.countries, spec.practices)
    quotes = lambda kb: [q for r in [*kb.countries, *kb.practices] for q in r.quotes]  # noqa: E731
    assert {q.text for q in quotes(grown)} == {q.text for q in quotes(real.kb)}
    assert len({q.speaker for q in quotes(grown) if q.speaker}) > len({q.speaker for q in quotes(real.kb) if q.speaker})
    orgs = lambda kb: {o.name for c in kb.countries for o in c.organizations}  # noqa: E731
    assert len(orgs(grown)) > len(orgs(real.kb))
    copies = [s for s in grown.sources.values() if s.id not in real.kb.sources]
    real_notes = {n.text for s in real.kb.sources.values() for n in s.notes}
    assert copies and all(n.text not in real_notes for s in copies for n in s.notes if n.text and n.url)


def test_growth_presets_grow_each_kind_from_the_repository_itself():
    one, ten, hundred = (growth.growth(scale) for scale in (1, 10, 100))
    assert one == growth.Growth(sources=1, countries=7, practices=9, lessons=13)
    for field in ("sources", "countries", "practices", "quote_richness"):
        assert getattr(one, field) <= getattr(ten, field) <= getattr(hundred, field)
    assert len({growth.tag(n) for n in range(1, 5000)}) == 4999


def test_benchmark_quick_run_records_every_figure(tmp_path):
    """--quick at 1x: the JSON has every measure the Performance page shows (timings are not asserted)."""
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--scale", "1", "--quick",
                           "--out", str(out)], capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    assert "validate / parse floor" in proc.stdout and "search / CLI start-up (target <= 2)" in proc.stdout
    report = json.loads(out.read_text(encoding="utf-8"))
    (result,) = report["results"]
    for key in ("validate_vs_parse", "pipeline_vs_mkdocs", "full_build_s", "build_ms_per_search_record",
                "build_peak_rss_mb", "stage_pipeline_s", "stage_site_search_s", "query_p95_ms", "fts5_p95_ms",
                "whoosh_vs_fts5_p95", "stage_score_p95_ms", "cli_search_s", "cli_startup_s", "search_vs_startup",
                "search_records", "speakers", "notes", "pagefind_s", "page_download_bytes", "largest_page_bytes"):
        assert result[key] > 0, key
    assert 0 < result["cli_ndcg10"] <= 1 and result["build_per_record_vs_1x"] == 1
    assert result["model"] == "realistic" and set(report["targets"]) >= {"search_vs_startup", "query_p95_100x_ms"}


def test_the_lighthouse_benchmark_serves_the_site_gzipped_as_a_host_does(tmp_path):
    """Lighthouse's figures are taken on compressed pages (GitHub Pages gzips); files that are not text
    are sent as they are."""
    import gzip
    import urllib.request

    from lighthouse import serve

    (tmp_path / "index.html").write_text("<p>" + "a knowledge base " * 200 + "</p>", encoding="utf-8")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG not compressed")
    server, base = serve(tmp_path)
    try:
        request = urllib.request.Request(base, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            body = response.read()
        assert gzip.decompress(body) == (tmp_path / "index.html").read_bytes()
        assert len(body) < (tmp_path / "index.html").stat().st_size / 10
        with urllib.request.urlopen(urllib.request.Request(base + "logo.png", headers={"Accept-Encoding": "gzip"})) as response:
            assert response.headers["Content-Encoding"] is None and response.read() == b"\x89PNG not compressed"
        with urllib.request.urlopen(base + "index.html") as response:  # a client that does not accept gzip
            assert response.headers["Content-Encoding"] is None
    finally:
        server.shutdown()


def test_the_search_weight_benchmark_counts_a_page_load_without_filter_files(site, tmp_path):
    """benchmarks/search_weight.py measures a built site: bytes counted, no filter file fetched on load,
    and some fetched when a facet is opened (its figures are not asserted)."""
    out = tmp_path / "weight.json"
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "search_weight.py"), "--site", str(site),
                           "--out", str(out)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(out.read_text(encoding="utf-8"))["site"]
    assert result["bytes"] > 0 and "x the 300,000 B target" in proc.stdout
    assert result["filter_files_on_load"] == 0 and result["facet_opened_bytes"] > 0
