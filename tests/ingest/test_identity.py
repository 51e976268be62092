"""Issue 8: one page, one outlet name, whichever route it took (file, WARC, JSONL, URL)."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsprism.api import extract_report
from newsprism.compare.story import outlet_of
from newsprism.model import AnalyzedArticle, Article

# Written for these tests; no outlet published them.
_PARAGRAPHS = (
    "Container cranes stood still along the harbor on Tuesday as a strike by dock workers entered"
    " its third day, leaving dozens of ships waiting at anchor outside the breakwater.",
    "The union that represents the crane operators said talks with the port authority had stalled"
    " over overtime rules and the introduction of remotely operated equipment.",
    "Shipping agents said the queue of vessels could take two weeks to clear even if work resumed"
    " at once, and several importers warned of empty shelves before the holidays.",
    "A spokeswoman for the port authority said both sides had agreed to meet again on Thursday with"
    " a mediator appointed by the state labor board.",
    "Truck drivers who normally haul containers from the terminals said they had been sent home"
    " without pay, and some had joined the picket lines outside the main gate.",
)


def _page(*, title: str, site_name: str, publisher: str, canonical: str | None = None) -> str:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "publisher": {"@type": "Organization", "name": publisher},
    }
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    body = "".join(f"<p>{p}</p>" for p in _PARAGRAPHS)
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="og:site_name" content="{site_name}">{link}'
        f'<script type="application/ld+json">{json.dumps(ld)}</script></head>'
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    )


# The site calls itself "WSJ", its JSON-LD publisher the full name; served from a local host
# the page carries no canonical URL, so only its names can say whose it is.
KNOWN = _page(
    title="Harbor cranes idle as dock strike enters third day",
    site_name="WSJ",
    publisher="The Wall Street Journal",
)
KNOWN_URL = "https://www.wsj.com/articles/harbor-cranes-idle-as-dock-strike-enters-third-day"
UNKNOWN = _page(
    title="Harbor cranes idle as dock strike enters third day",
    site_name="The Riverside Ledger",
    publisher="The Riverside Ledger",
)
UNKNOWN_URL = "https://www.riverside-ledger.com/news/harbor-cranes-idle"


class _Pages(BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, str]] = {"/known": KNOWN, "/unknown": UNKNOWN}

    def do_GET(self) -> None:
        body = self.pages[self.path].encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture(scope="module")
def local_server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _warc(path: Path, url: str, html: str) -> Path:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    payload = html.encode("utf-8")
    headers = StatusAndHeaders(
        "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
    )
    record = writer.create_warc_record(
        url, "response", payload=io.BytesIO(payload), http_headers=headers
    )
    writer.write_record(record)
    record.raw_stream.close()
    path.write_bytes(buffer.getvalue())
    return path


def _routes(tmp_path: Path, server: str, name: str, html: str, url: str) -> list[str]:
    page = tmp_path / f"{name}.html"
    page.write_text(html, encoding="utf-8")
    warc = _warc(tmp_path / f"{name}.warc.gz", url, html)
    jsonl = tmp_path / f"{name}.jsonl"
    jsonl.write_text(json.dumps({"html": html, "url": url}) + "\n", encoding="utf-8")
    return [str(page), str(warc), str(jsonl), f"{server}/{name}"]


def _outlet_names(inputs: list[str]) -> list[str | None]:
    articles, skipped = extract_report(inputs)
    assert skipped == []
    assert len(articles) == len(inputs)
    return [article.outlet.name if article.outlet else None for article in articles]


def test_issue8_a_known_outlet_has_one_name_on_every_route(
    tmp_path: Path, local_server: str
) -> None:
    inputs = _routes(tmp_path, local_server, "known", KNOWN, KNOWN_URL)
    assert _outlet_names(inputs) == ["The Wall Street Journal"] * 4


def test_issue8_an_unknown_outlet_keeps_the_name_its_page_gives(
    tmp_path: Path, local_server: str
) -> None:
    inputs = _routes(tmp_path, local_server, "unknown", UNKNOWN, UNKNOWN_URL)
    assert _outlet_names(inputs) == ["The Riverside Ledger"] * 4


def test_issue8_two_unnamed_outlets_are_two_columns(tmp_path: Path) -> None:
    for name in ("first", "second"):
        (tmp_path / f"{name}.txt").write_text("\n\n".join(_PARAGRAPHS), encoding="utf-8")
    articles, _ = extract_report([str(tmp_path / "first.txt"), str(tmp_path / "second.txt")])
    columns = [outlet_of(AnalyzedArticle(article))[0] for article in articles]
    assert columns == ["first.txt", "second.txt"]
    assert all(_unnamed(article) for article in articles)


def test_issue8_an_unnamed_outlet_with_a_url_is_shown_by_its_domain(tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"
    lines = [
        {"text": "\n\n".join(_PARAGRAPHS), "url": "https://www.riverside-ledger.co.uk/a"},
        {"text": "\n\n".join(_PARAGRAPHS[1:]), "url": "https://news.hillcrest-courier.com/b"},
    ]
    records.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    articles, _ = extract_report(records)
    assert [a.outlet.name if a.outlet else None for a in articles] == [
        "riverside-ledger.co.uk",
        "hillcrest-courier.com",
    ]


def _unnamed(article: Article) -> bool:
    return article.outlet is not None and article.outlet.found_by == "unnamed"
