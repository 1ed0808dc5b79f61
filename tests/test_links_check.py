"""The scheduled link check: reports broken addresses, tolerates no network (local server only)."""

import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from conftest import ROOT


class Handler(BaseHTTPRequestHandler):
    def do_HEAD(self):
        self.send_response(200 if self.path == "/ok" else 404)
        self.end_headers()

    def log_message(self, *args):
        pass


def run(*urls):
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "check_links.py"), "--timeout", "3", *urls],
                          capture_output=True, text=True, timeout=60)


def test_reports_broken_links():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        proc = run(f"{base}/ok", f"{base}/gone")
    finally:
        server.shutdown()
    assert proc.returncode == 0
    assert f"broken: {base}/gone: HTTP 404" in proc.stdout
    assert "1 of 2 addresses answer" in proc.stdout


def test_no_network_is_not_a_failure():
    proc = run("http://127.0.0.1:9/nothing-listens-here")  # port 9 (discard): refused at once
    assert proc.returncode == 0
    assert "no network" in proc.stdout
