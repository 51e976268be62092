"""Ingest over HTTP: refused unless allowed with a token; URLs to private addresses refused
unless --allow-private-urls; what is ingested is read at once by the same app."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsprism.pipeline import Analyzer
from newsprism.serve import ServeConfig, create_app
from tests.conftest import CNN_SAMPLE
from tests.serve.conftest import Served

TOKEN = "s3cret-token"
PAGE = (
    "<html><head><meta charset='utf-8'><title>Blinken and Lavrov speak</title></head><body>"
    "<article>" + "".join(f"<p>{line}</p>" for line in
                          CNN_SAMPLE.read_text("utf-8").splitlines()[6:16] if line.strip())
    + "</article></body></html>"
).encode("utf-8")


class _Page(BaseHTTPRequestHandler):
    hits = 0
    # Seconds the page takes to answer (an ingest still running while readers read).
    delay = 0.0

    def do_GET(self) -> None:
        _Page.hits += 1
        time.sleep(_Page.delay)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def page_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/story.html"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def own_db(sqlite_served: Served, tmp_path: Path) -> str:
    """A copy of the served SQLite database that a test may write."""
    db = tmp_path / "news.db"
    shutil.copy(sqlite_served.db, db)
    return str(db)


def test_issue12_read_only_by_default(own_db: str, page_url: str) -> None:
    with TestClient(create_app(ServeConfig(db=own_db))) as client:
        answer = client.post("/api/ingest", json={"urls": [page_url]},
                             headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 403
    assert answer.headers["content-type"] == "application/problem+json"


def test_issue12_ingest_needs_the_token(own_db: str, page_url: str, analyzer: Analyzer) -> None:
    app = create_app(ServeConfig(db=own_db, allow_ingest=True, token=TOKEN), analyzer=analyzer)
    _Page.hits = 0
    with TestClient(app) as client:
        for token in (None, "wrong", TOKEN[:-1]):
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            answer = client.post("/api/ingest", json={"urls": [page_url]}, headers=headers)
            assert answer.status_code == 401 and answer.headers["www-authenticate"] == "Bearer"
    assert _Page.hits == 0


def test_issue12_ingest_refuses_private_addresses(
    own_db: str, page_url: str, analyzer: Analyzer
) -> None:
    app = create_app(ServeConfig(db=own_db, allow_ingest=True, token=TOKEN), analyzer=analyzer)
    _Page.hits = 0
    with TestClient(app) as client:
        before = client.get("/api/stories").json()["total"]
        answer = client.post("/api/ingest", json={"urls": [page_url]},
                             headers={"Authorization": f"Bearer {TOKEN}"})
        assert answer.status_code == 200
        report = answer.json()
        assert report["added"] == 0
        (skipped,) = report["skipped"]
        assert "refused" in skipped["reason"] and "127.0.0.1" in skipped["reason"]
        assert client.get("/api/stories").json()["total"] == before
    assert _Page.hits == 0  # not one request reached the local server


def test_issue12_ingest_with_private_urls_allowed_is_read_at_once(
    own_db: str, page_url: str, analyzer: Analyzer
) -> None:
    config = ServeConfig(db=own_db, allow_ingest=True, token=TOKEN, allow_private_urls=True)
    with TestClient(create_app(config, analyzer=analyzer)) as client:
        before = client.get("/api/stories").json()["total"]  # cached by the app
        answer = client.post("/api/ingest", json={"urls": [page_url], "outlet": "Loopback Gazette",
                                                  "published": "2022-07-29"},
                             headers={"Authorization": f"Bearer {TOKEN}"})
        assert answer.status_code == 200, answer.text
        report = answer.json()
        assert (report["added"], report["analysed"]) == (1, 1)
        (article_id,) = report["articles"]
        stored = client.get(f"/api/articles/{article_id}").json()
        assert stored["analysis"] is not None
        assert stored["article"]["outlet"]["name"] == "Loopback Gazette"
        after = client.get("/api/stories").json()
        assert after["total"] >= before
        assert any("Loopback Gazette" in s["outlets"] for s in after["stories"])
        assert client.get("/api/outlets/Loopback Gazette").json()["articles"] == 1


def test_issue12_readers_read_while_an_ingest_runs(
    own_db: str, page_url: str, analyzer: Analyzer
) -> None:
    config = ServeConfig(db=own_db, allow_ingest=True, token=TOKEN, allow_private_urls=True)
    results: dict[str, object] = {}
    _Page.delay = 5.0
    try:
        with TestClient(create_app(config, analyzer=analyzer)) as client:
            def ingest() -> None:
                results["ingest"] = client.post(
                    "/api/ingest", json={"urls": [page_url], "outlet": "Loopback Gazette"},
                    headers={"Authorization": f"Bearer {TOKEN}"}).status_code

            writer = threading.Thread(target=ingest)
            writer.start()
            time.sleep(0.5)  # the ingest holds the writer lock, waiting for the page
            started = time.monotonic()
            reads = [client.get(path).status_code
                     for path in ("/api/stories", "/", "/api/search?q=Lavrov")]
            waited = time.monotonic() - started
            ingest_running = writer.is_alive()
            writer.join(timeout=120)
    finally:
        _Page.delay = 0.0
    assert reads == [200, 200, 200]
    assert ingest_running, waited  # answered while the ingest was still running
    assert results["ingest"] == 200
