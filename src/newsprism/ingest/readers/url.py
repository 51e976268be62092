"""Fetching a URL over HTTP: timeouts, an overall deadline, a size limit, retries with backoff,
a polite user agent.

Every failure is a :class:`~newsprism.errors.FetchError` (or ``InputTooLargeError``) naming the
URL: the whole httpx error tree is caught. Only failures that may heal are retried (timeouts,
dropped or refused connections, HTTP 429 and 5xx); a redirect loop, a redirect to a scheme that
is not http(s), a body that does not decode or an HTTP 4xx fail at once.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import httpx

from newsprism.config import FetchSettings
from newsprism.errors import FetchError, InputTooLargeError
from newsprism.ingest.readers.guard import guard_hooks

logger = logging.getLogger(__name__)

# HTTP statuses worth retrying: the server may answer next time.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Transport failures worth retrying: the network or the server may be back next time.
_TRANSIENT = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


@dataclass(frozen=True, slots=True)
class Fetched:
    """An HTTP response body and what the server said about it."""

    url: str
    body: bytes
    content_type: str


class _DeadlineError(Exception):
    """The URL's overall deadline passed while its body was still arriving."""


def fetch(
    url: str,
    *,
    settings: FetchSettings,
    max_bytes: int,
    transport: httpx.BaseTransport | None = None,
) -> Fetched:
    """GET a URL, following redirects, retrying failures that may heal, within a deadline.

    Raises:
        FetchError: An HTTP status of 400 or more (after retries for 429 and 5xx), a failure
            that cannot heal, still failing after the retries, or past ``deadline_seconds``.
        InputTooLargeError: The body is larger than ``max_bytes``.
    """
    headers = {"User-Agent": settings.user_agent}
    deadline = time.monotonic() + settings.deadline_seconds
    try:
        client = httpx.Client(
            headers=headers,
            timeout=settings.timeout_seconds,
            follow_redirects=True,
            transport=transport,
            event_hooks=guard_hooks() if not settings.private_addresses else None,  # type: ignore[arg-type]
        )
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
        raise FetchError(f"cannot set up the request ({exc})", where=url) from exc
    with client:
        delay = settings.backoff_seconds
        for attempt in range(settings.retries + 1):
            last = attempt == settings.retries
            try:
                return _get(client, url, max_bytes=max_bytes, deadline=deadline)
            except httpx.HTTPStatusError as exc:
                status = exc.response.status_code
                if status not in RETRY_STATUSES or last:
                    raise FetchError(
                        f"the server answered HTTP {status} {exc.response.reason_phrase}".rstrip()
                        + "; check the URL",
                        where=url,
                    ) from exc
                reason = f"HTTP {status}"
            except _DeadlineError as exc:
                raise _deadline_error(url, settings) from exc
            except _TRANSIENT as exc:
                if last:
                    raise FetchError(
                        f"could not fetch after {attempt + 1} tries ({_describe(exc)});"
                        " check the address and network, or raise fetch.timeout_seconds",
                        where=url,
                    ) from exc
                reason = type(exc).__name__
            except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
                raise FetchError(_permanent(exc), where=url) from exc
            if time.monotonic() + delay >= deadline:
                raise _deadline_error(url, settings)
            logger.info("retrying %s in %.1fs after %s", url, delay, reason)
            time.sleep(delay)
            delay *= 2
    raise FetchError("no attempt was made; fetch.retries must be 0 or more", where=url)


def _get(client: httpx.Client, url: str, *, max_bytes: int, deadline: float) -> Fetched:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _DeadlineError
    # No single wait may run past the deadline either.
    timeout = httpx.Timeout(min(client.timeout.read or left, left))
    with client.stream("GET", url, timeout=timeout) as response:
        response.raise_for_status()
        declared = _content_length(response)
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
            if time.monotonic() > deadline:
                raise _DeadlineError
        return Fetched(
            str(response.url), b"".join(chunks), response.headers.get("Content-Type", "")
        )


def _content_length(response: httpx.Response) -> int:
    try:
        return int(response.headers.get("Content-Length") or 0)
    except ValueError:
        return 0


def _deadline_error(url: str, settings: FetchSettings) -> FetchError:
    return FetchError(
        f"gave up after fetch.deadline_seconds ({settings.deadline_seconds:g} s): the server"
        " answers too slowly; raise the setting to wait longer",
        where=url,
    )


def _describe(error: Exception) -> str:
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _permanent(error: Exception) -> str:
    """What a failure that a retry cannot heal means, for the user."""
    if isinstance(error, httpx.TooManyRedirects):
        return "too many redirects (a redirect loop?); check the URL in a browser"
    if isinstance(error, httpx.DecodingError):
        return (
            f"the response body cannot be decoded ({error}): the server sent broken compressed data"
        )
    if isinstance(error, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return (
            f"the URL, or a redirect it leads to, is not an http(s) address ({error});"
            " only http and https are fetched"
        )
    return f"could not fetch ({_describe(error)}); check the URL"
