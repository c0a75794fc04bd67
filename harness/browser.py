"""Headless Chromium, for the docs pages, with jsDelivr played by a server on 127.0.0.1.

The pages load their assets from jsDelivr with subresource integrity. The tests cannot reach
it, so the same files are taken from npm's tarballs (jsDelivr serves npm files as published) and
served over HTTPS on 127.0.0.1 with a throwaway certificate; Chromium resolves jsDelivr to that
server and nothing else beyond loopback. A file that differs from the published one (`tamper`)
is refused by the browser, as it would be from the real CDN.
"""

import http.server
import re
import shutil
import ssl
import subprocess
import tarfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harness.rendering import run

CDN_HOST = "cdn.jsdelivr.net"
CDN_PACKAGE = re.compile(rf"https://{re.escape(CDN_HOST)}/npm/((?:@[^/\"]+/)?[^/\"@]+@[^/\"]+)")


def chromium() -> str | None:
    names = ("chromium", "chromium-browser", "google-chrome")
    return next((path for name in names if (path := shutil.which(name))), None)


def cdn_packages(source: str) -> set[str]:
    """The `name@version` of every npm package a source file loads from jsDelivr."""
    return set(CDN_PACKAGE.findall(source))


def npm_packages(packages: set[str], folder: Path) -> dict[str, Path]:
    """Each package's published files, from the npm registry: {name@version: folder}."""
    roots = {}
    for package in sorted(packages):
        target = folder / package.replace("/", "+")
        target.mkdir(parents=True)
        result = run("npm", "pack", "--silent", package, cwd=target)
        with tarfile.open(target / result.stdout.strip().splitlines()[-1]) as archive:
            archive.extractall(target, filter="data")
        roots[package] = target / "package"
    return roots


def _handler(roots: dict[str, Path], tamper: set[str]) -> type:
    class Cdn(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
            match = re.fullmatch(r"/npm/(.+@[^/]+)/(.+)", self.path)
            file = roots[match[1]] / match[2] if match and match[1] in roots else None
            if file is None or not file.is_file():
                self.send_error(404)
                return
            data = file.read_bytes() + (b"\n/* tampered */\n" if match[2] in tamper else b"")
            self.send_response(200)
            kind = "text/css" if file.suffix == ".css" else "text/javascript"
            self.send_header("Content-Type", kind)
            self.send_header("Access-Control-Allow-Origin", "*")  # as jsDelivr sends
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    return Cdn


@contextmanager
def fake_cdn(roots: dict[str, Path], folder: Path, tamper: set[str] = frozenset()) -> Iterator[int]:
    """Serve the packages at https://127.0.0.1:<port>/npm/<name@version>/<file>; yields port."""
    key, cert = folder / "key.pem", folder / "cert.pem"
    if not cert.exists():
        run(
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", f"/CN={CDN_HOST}", "-keyout", key, "-out", cert, cwd=folder,
        )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(roots, set(tamper)))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def rendered_dom(url: str, cdn_port: int) -> str:
    """The page's DOM once its scripts have run, in headless Chromium."""
    browser = chromium()
    assert browser, "Chromium is not installed (Debian: apt-get install chromium)"
    result = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",  # tests run as root
            "--disable-gpu",
            "--disable-background-networking",
            # jsDelivr is the server above; every other name fails; loopback stays loopback.
            f"--host-resolver-rules=MAP {CDN_HOST} 127.0.0.1:{cdn_port}, "
            "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--ignore-certificate-errors",  # the throwaway certificate
            "--virtual-time-budget=20000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout
