"""Fetching a URL over HTTP: timeouts, a size limit, retries with backoff, a polite user agent."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import httpx

from newsprism.config import FetchSettings
from newsprism.errors import FetchError, InputTooLargeError

logger = logging.getLogger(__name__)

# HTTP statuses worth retrying: the server may answer next time.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class Fetched:
    """An HTTP response body and what the server said about it."""

    url: str
    body: bytes
    content_type: str


def fetch(
    url: str,
    *,
    settings: FetchSettings,
    max_bytes: int,
    transport: httpx.BaseTransport | None = None,
) -> Fetched:
    """GET a URL, following redirects, retrying transient failures.

    Raises:
        FetchError: Still failing after the configured retries, or a client error (4xx).
        InputTooLargeError: The body is larger than ``max_bytes``.
    """
    headers = {"User-Agent": settings.user_agent}
    with httpx.Client(
        headers=headers,
        timeout=settings.timeout_seconds,
        follow_redirects=True,
        transport=transport,
    ) as client:
        delay = settings.backoff_seconds
        for attempt in range(settings.retries + 1):
            last = attempt == settings.retries
            try:
                return _get(client, url, max_bytes=max_bytes)
            except httpx.HTTPStatusError as exc:
                status = exc.response.status_code
                if status not in RETRY_STATUSES or last:
                    raise FetchError(
                        f"the server answered HTTP {status}; check the URL", where=url
                    ) from exc
                reason = f"HTTP {status}"
            except httpx.TransportError as exc:
                if last:
                    raise FetchError(
                        f"could not fetch after {attempt + 1} tries ({type(exc).__name__}: {exc});"
                        " check the address and network, or raise fetch.timeout_seconds",
                        where=url,
                    ) from exc
                reason = type(exc).__name__
            logger.info("retrying %s in %.1fs after %s", url, delay, reason)
            time.sleep(delay)
            delay *= 2
    raise FetchError("no attempt was made; fetch.retries must be 0 or more", where=url)


def _get(client: httpx.Client, url: str, *, max_bytes: int) -> Fetched:
    with client.stream("GET", url) as response:
        response.raise_for_status()
        declared = int(response.headers.get("Content-Length") or 0)
        if declared > max_bytes:
            raise InputTooLargeError(
                f"the response is {declared} bytes, over ingest.max_bytes ({max_bytes})", where=url
            )
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise InputTooLargeError(
                    f"the response is over ingest.max_bytes ({max_bytes}); raise it to read it",
                    where=url,
                )
            chunks.append(chunk)
        return Fetched(
            str(response.url), b"".join(chunks), response.headers.get("Content-Type", "")
        )
