"""Fetching URLs from a local HTTP server: success, errors, retries, size limit, timeout."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from newsprism.config import load_settings, replace_section
from newsprism.ingest import read_inputs
from newsprism.ingest.outlets import load_outlets
from newsprism.model import MediaType, RawDocument, Skipped, SourceKind
from tests.conftest import CNN_SAMPLE

PAGE = (
    "<html><head><meta charset='utf-8'><title>Blinken call</title></head><body><article>"
    + "".join(
        f"<p>{line}</p>" for line in CNN_SAMPLE.read_text(encoding="utf-8").splitlines()[6:12]
    )
    + "</article></body></html>"
).encode("utf-8")


REDIRECTS = {"/loop": "/loop", "/js": "javascript:alert(1)", "/file": "file:///etc/passwd"}


class Handler(BaseHTTPRequestHandler):
    """Routes: /page, /missing (404), /flaky (500 once, then the page), /huge, /slow, /loop
    (redirects to itself), /badgzip (gzip encoding over bytes that are not gzip), /js and /file
    (redirects to javascript: and file:), /trickle (one byte every 0.2 s)."""

    hits: ClassVar[dict[str, int]] = {}
    agents: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Handler.hits[self.path] = Handler.hits.get(self.path, 0) + 1
        Handler.agents.append(self.headers.get("User-Agent", ""))
        if self.path == "/missing":
            self.send_error(404)
        elif self.path == "/flaky" and Handler.hits[self.path] == 1:
            self.send_error(500)
        elif self.path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<p>" + b"x" * 300_000 + b"</p>")
        elif self.path == "/slow":
            time.sleep(1.0)
            self._page()
        elif self.path in REDIRECTS:
            self.send_response(302)
            self.send_header("Location", REDIRECTS[self.path])
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/badgzip":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", "64")
            self.end_headers()
            self.wfile.write(b"<p>" + b"not gzip at all " * 4)
        elif self.path == "/trickle":
            self._trickle()
        else:
            self._page()

    def _page(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def _trickle(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "200")
        self.end_headers()
        try:
            for _ in range(50):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            return

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _read(url: str, **section_changes: object) -> tuple[list[RawDocument], list[Skipped]]:
    settings = replace_section(load_settings(), "fetch", backoff_seconds=0.01, **section_changes)
    settings = replace_section(settings, "ingest", max_bytes=100_000)
    docs: list[RawDocument] = []
    skipped: list[Skipped] = []
    for item in read_inputs([url], settings=settings, outlets=load_outlets()):
        if isinstance(item, Skipped):
            skipped.append(item)
        else:
            docs.append(item)
    return docs, skipped


def test_page_is_fetched_with_a_polite_user_agent(server: str) -> None:
    (doc,), skipped = _read(f"{server}/page")
    assert skipped == []
    assert doc.media_type is MediaType.HTML
    assert doc.source.kind is SourceKind.URL and doc.url == f"{server}/page"
    assert "Antony Blinken" in doc.content
    # A local host names no outlet: extraction takes the name the page gives itself.
    assert doc.outlet is None
    assert Handler.agents[-1].startswith("newsprism/")


def test_client_error_is_named_without_retrying(server: str) -> None:
    docs, (skipped,) = _read(f"{server}/missing")
    assert docs == []
    assert skipped.where == f"{server}/missing" and "HTTP 404" in skipped.reason
    assert Handler.hits["/missing"] == 1


def test_server_error_is_retried(server: str) -> None:
    (doc,), skipped = _read(f"{server}/flaky")
    assert skipped == [] and Handler.hits["/flaky"] == 2
    assert "Antony Blinken" in doc.content


def test_oversize_response_is_refused(server: str) -> None:
    docs, (skipped,) = _read(f"{server}/huge")
    assert docs == [] and skipped.code == "E103"


def test_slow_response_times_out_after_retries(server: str) -> None:
    docs, (skipped,) = _read(f"{server}/slow", timeout_seconds=0.2, retries=1)
    assert docs == [] and skipped.code == "E104"
    assert "could not fetch after 2 tries" in skipped.reason


def test_unreachable_host_is_named(tmp_path: Path) -> None:
    docs, (skipped,) = _read("http://127.0.0.1:9/none", retries=0, timeout_seconds=0.5)
    assert docs == [] and skipped.code == "E104"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/loop", "too many redirects"),
        ("/badgzip", "cannot be decoded"),
        ("/js", "not an http(s) address"),
        ("/file", "not an http(s) address"),
    ],
)
def test_issue10_failures_that_cannot_heal_are_skipped_without_retry(
    server: str, path: str, expected: str
) -> None:
    before = Handler.hits.get(path, 0)
    docs, (skipped,) = _read(f"{server}{path}", retries=2)
    assert docs == [] and skipped.code == "E104" and skipped.where == f"{server}{path}"
    assert expected in skipped.reason
    # /loop is fetched once per redirect of its single try (httpx stops at 20).
    tries = Handler.hits[path] - before
    assert tries == (21 if path == "/loop" else 1)


def test_issue10_trickling_server_is_given_up_at_the_deadline(server: str) -> None:
    started = time.monotonic()
    docs, (skipped,) = _read(f"{server}/trickle", deadline_seconds=1.0, retries=2)
    elapsed = time.monotonic() - started
    assert docs == [] and skipped.code == "E104" and "deadline_seconds" in skipped.reason
    assert elapsed < 3.0


def test_issue10_one_bad_url_does_not_stop_the_others(server: str) -> None:
    settings = replace_section(load_settings(), "fetch", backoff_seconds=0.01)
    results = list(
        read_inputs(
            [f"{server}/loop", f"{server}/page", "http://[::1/bad"],
            settings=settings,
            outlets=load_outlets(),
        )
    )
    assert [type(r).__name__ for r in results] == ["Skipped", "RawDocument", "Skipped"]
