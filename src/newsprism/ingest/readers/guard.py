"""Refusing URLs that lead to this machine or its network (``fetch.private_addresses = false``).

A web app that fetches URLs its users give must not become their way into the server's own
network: loopback, private (RFC 1918, unique-local), link-local (where cloud metadata services
answer, 169.254.169.254), shared (100.64.0.0/10), multicast, reserved and unspecified addresses
are refused, as are IPv4 addresses mapped into IPv6. The check runs on every request of a fetch,
redirects included, after DNS resolution (every address a name resolves to must be public), and
again on the address the connection was actually made to, before the body is read (a name that
resolves differently the second time is caught there).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

import httpx

from newsprism.errors import FetchError

__all__ = ["check_address", "check_url", "guard_hooks"]

# Names that are never public whatever they resolve to.
_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "metadata.google.internal"})


def check_address(address: str, *, where: str) -> None:
    """Refuse an IP address that is not a public one.

    Raises:
        FetchError: The address is loopback, private, link-local or otherwise not global.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError as exc:
        raise FetchError(f"not an IP address: {address!r}", where=where) from exc
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        ip = mapped
    if not ip.is_global or ip.is_multicast:
        raise FetchError(
            f"refused: the address {ip} is loopback, private, link-local or reserved; this"
            " server fetches public addresses only (--allow-private-urls to allow them)",
            where=where,
        )


def check_url(url: str) -> None:
    """Refuse a URL whose host resolves to any address that is not public.

    Raises:
        FetchError: No host, a local name, a name that does not resolve, or an address that
            is not public.
    """
    host = urlsplit(url).hostname
    if not host:
        raise FetchError("the URL has no host", where=url)
    if host.rstrip(".").lower() in _LOCAL_NAMES:
        raise FetchError(f"refused: {host} is this machine or its provider's", where=url)
    try:
        found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise FetchError(f"the host {host} does not resolve ({exc})", where=url) from exc
    if not found:
        raise FetchError(f"the host {host} does not resolve", where=url)
    for _family, _type, _proto, _name, sockaddr in found:
        check_address(str(sockaddr[0]), where=url)


def _check_request(request: httpx.Request) -> None:
    check_url(str(request.url))


def _check_response(response: httpx.Response) -> None:
    stream = response.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    if peer:
        check_address(str(peer[0]), where=str(response.request.url))


def guard_hooks() -> dict[str, list[object]]:
    """httpx ``event_hooks`` that refuse non-public addresses on every request and response."""
    return {"request": [_check_request], "response": [_check_response]}
