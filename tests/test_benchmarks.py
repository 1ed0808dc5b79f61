"""The benchmark suite: its synthetic corpus validates, and it runs at 1x (timings are not asserted)."""

import json
import subprocess
import sys

from conftest import ROOT
from helpers import run_cli

sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import generate  # noqa: E402


def test_generated_corpus_validates_and_keeps_cross_links(tmp_path, real):
    root = generate(tmp_path / "kb", 3)
    proc = run_cli("validate", root=root)
    assert proc.returncode == 0, proc.stdout
    assert len(list((root / "countries").glob("*.yaml"))) == 3 * len(real.kb.countries)
    copy = (root / "practices" / f"{real.kb.practices[0].id}-x2.yaml").read_text(encoding="utf-8")
    assert copy.startswith("# yaml-language-server: $schema=../schema/practice.schema.json")


def test_benchmark_runs_at_1x(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--scale", "1", "--repeat", "1",
                           "--out", str(out)], capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    assert "validate / parse floor" in proc.stdout and "query p95" in proc.stdout
    (result,) = json.loads(out.read_text(encoding="utf-8"))["results"]
    for key in ("validate_vs_parse", "pipeline_vs_mkdocs", "full_build_s", "rebuild_after_edit_s", "query_p95_ms",
                "pagefind_s", "search_download_bytes", "search_download_gzip_bytes", "page_download_bytes", "largest_page_bytes"):
        assert result[key] > 0, key


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
