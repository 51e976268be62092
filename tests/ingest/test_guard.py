"""URLs leading to this machine or its network are refused when ``fetch.private_addresses`` is
false (``newsprism serve`` without ``--allow-private-urls``): after DNS resolution, on every
redirect, before any byte is sent to such an address."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from newsprism.config import load_settings
from newsprism.errors import FetchError
from newsprism.ingest.readers.guard import check_address, check_url
from newsprism.ingest.readers.url import fetch

SETTINGS = load_settings()
GUARDED = dataclasses.replace(SETTINGS.fetch, private_addresses=False, retries=0)
# An address in public space (TEST-NET ranges are reserved, so a real public one is used; no
# connection is made to it: the transport below answers in memory).
PUBLIC = "93.184.215.14"


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "127.8.8.8", "10.0.0.5", "172.16.3.4", "192.168.1.1", "169.254.169.254",
     "100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "fe80::1", "fd00:ec2::254", "::ffff:127.0.0.1",
     "::ffff:169.254.169.254", "::"],
)
def test_issue12_addresses_that_are_not_public_are_refused(address: str) -> None:
    with pytest.raises(FetchError, match="refused"):
        check_address(address, where="test")


@pytest.mark.parametrize("address", [PUBLIC, "8.8.8.8", "2606:4700:4700::1111"])
def test_issue12_public_addresses_pass(address: str) -> None:
    check_address(address, where="test")


@pytest.mark.parametrize(
    "url", ["http://localhost:8000/", "http://127.0.0.1/", "http://[::1]/", "http://0x7f000001/",
            "http://2130706433/", "http://metadata.google.internal/computeMetadata/v1/"],
)
def test_issue12_local_names_and_spellings_are_refused(url: str) -> None:
    with pytest.raises(FetchError):
        check_url(url)


class _Counter(BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self) -> None:
        _Counter.hits += 1
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"<p>secret</p>")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_issue12_a_loopback_server_gets_no_request(local_server: str) -> None:
    _Counter.hits = 0
    with pytest.raises(FetchError, match="refused"):
        fetch(f"{local_server}/page", settings=GUARDED, max_bytes=10_000)
    assert _Counter.hits == 0
    # The command line's default fetches what its user asks, this server included.
    allowed = fetch(f"{local_server}/page", settings=SETTINGS.fetch, max_bytes=10_000)
    assert allowed.body == b"<p>secret</p>" and _Counter.hits == 1


def _redirecting(seen: list[str], target: str) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.path == "/start":
            return httpx.Response(302, headers={"Location": target})
        return httpx.Response(200, text="<p>inside</p>")

    return httpx.MockTransport(answer)


@pytest.mark.parametrize(
    "target",
    ["http://169.254.169.254/latest/meta-data/", "http://localhost/admin",
     "http://[::ffff:10.0.0.1]/", f"http://{PUBLIC}/hop-to-private"],
)
def test_issue12_a_redirect_to_a_private_address_is_refused(target: str) -> None:
    seen: list[str] = []
    transport = _redirecting(seen, target)
    if target.endswith("hop-to-private"):
        # Two hops: public -> public -> loopback.
        def answer(request: httpx.Request) -> httpx.Response:
            seen.append(str(request.url))
            if request.url.path == "/start":
                return httpx.Response(302, headers={"Location": target})
            return httpx.Response(302, headers={"Location": "http://127.0.0.1/"})

        transport = httpx.MockTransport(answer)
    with pytest.raises(FetchError, match="refused"):
        fetch(f"http://{PUBLIC}/start", settings=GUARDED, max_bytes=10_000,
              transport=transport)
    assert all(PUBLIC in url for url in seen)  # no request ever reached the private address


def test_issue12_the_guard_is_off_by_default_on_the_command_line() -> None:
    assert SETTINGS.fetch.private_addresses is True
    seen: list[str] = []
    fetched = fetch(f"http://{PUBLIC}/start", settings=SETTINGS.fetch, max_bytes=10_000,
                    transport=_redirecting(seen, "http://10.0.0.1/inside"))
    assert fetched.body == b"<p>inside</p>" and seen[-1] == "http://10.0.0.1/inside"
