"""`python build.py serve`: the site is served and follows edits to the records."""

import subprocess
import sys
import time
import urllib.request

import pytest

from helpers import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from run import free_port  # noqa: E402  (the benchmark's own helper)


def fetch(url):
    try:
        return urllib.request.urlopen(url, timeout=5).read().decode("utf-8")
    except OSError:
        return ""


def wait_for(url, needle, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if needle in fetch(url):
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def served(content_copy, tmp_path):
    port = free_port()
    log = (tmp_path / "serve.log").open("w+", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--root", str(content_copy), "serve",
                             "--dev-addr", f"127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT)
    try:
        yield content_copy, f"http://127.0.0.1:{port}", log
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def test_serve_shows_an_edit_and_survives_a_mistake(served):
    root, base, log = served
    page = f"{base}/countries/kosovo.html"
    assert wait_for(page, "<h1"), "the served site never came up"
    time.sleep(1.0)  # let the file watcher settle

    record = root / "countries" / "kosovo.yaml"
    original = record.read_text(encoding="utf-8")
    record.write_text(original.replace("summary: >-\n  ", "summary: >-\n  Edited-while-serving ", 1), encoding="utf-8")
    assert wait_for(page, "Edited-while-serving"), "the edit never showed on the served page"
    # The home page is hand-written, but the country cards it includes (a snippet) show each summary's
    # first sentence: it is rebuilt too.
    assert wait_for(f"{base}/", "Edited-while-serving", timeout=30), "the home page's country cards stayed stale"

    # A mistake is reported with its file and line (MkDocs holds page requests until it is fixed)...
    record.write_text(original.replace("name: Kosovo", "name: [Kosovo", 1), encoding="utf-8")
    deadline = time.time() + 60
    while time.time() < deadline and "countries/kosovo.yaml:" not in (log.seek(0) or log.read()):
        time.sleep(0.2)
    log.seek(0)
    assert "countries/kosovo.yaml:" in log.read(), "the mistake was not reported with its file and line"
    # ...and once fixed, the site follows again.
    record.write_text(original.replace("summary: >-\n  ", "summary: >-\n  Fixed-again ", 1), encoding="utf-8")
    assert wait_for(page, "Fixed-again")


def test_serve_at_an_address_in_use_says_so_without_a_traceback(content_copy):
    import socket

    from helpers import assert_no_traceback, run_cli

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = run_cli("serve", "--dev-addr", f"127.0.0.1:{port}", root=content_copy, timeout=300)
    assert proc.returncode == 1
    assert_no_traceback(proc)
    assert f"serve failed: cannot serve at 127.0.0.1:{port}: Address already in use" in proc.stderr
