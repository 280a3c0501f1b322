"""The async DashScope client: task creation, detect calls, queries, uploads and downloads.

One long-lived :class:`httpx.AsyncClient` carries everything. The API key is attached per
request, and only to URLs under the configured base URL (origin + path prefix); upload and
result hosts never see it, and API calls never follow redirects.

Retry policy (see :meth:`DashScopeClient.create_task` for the one that costs money):

* idempotent calls (query, list, detect, policy, cancel): 429 throttling, 5xx, 408,
  connection errors and timeouts are retried with capped exponential backoff and full
  jitter; ``Retry-After`` is honoured.
* task creation: retried only when the service certainly created nothing; everything
  ambiguous raises :class:`~.errors.SubmissionUncertainError` for the caller to reconcile.

A hostile or broken server cannot hurt the machine: the key never travels over plain
``http://`` except to this computer (unless ``BAILIAN_VIDEO_ALLOW_HTTP=1``); API answers are
read up to :data:`MAX_ANSWER_BYTES`; downloads stop at ``max_bytes``; and when talking to the
real service, result links (and their redirects) that point at this computer or a private
network are refused.
"""
from __future__ import annotations

import asyncio
import dataclasses
import email.utils
import hashlib
import ipaddress
import json
import logging
import mimetypes
import os
import random
import re
import secrets
import socket
import time
import unicodedata
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Self
from urllib.parse import quote, urlsplit
from urllib.request import url2pathname

import httpx

from .. import __version__, catalog
from .errors import (
    ApiTimeoutError,
    AuthenticationError,
    CannotCancelError,
    DashScopeError,
    DownloadError,
    InsecureConnectionError,
    InvalidKeyFormatError,
    InvalidParameterError,
    NetworkError,
    ResponseTooLargeError,
    ServerError,
    SubmissionUncertainError,
    ThrottledError,
    UploadError,
    classify,
    parse_oss_error,
    redact,
    register_secret,
)
from .gate import QueryGate
from .requests import has_oss_url
from .types import (
    CreatedTask,
    DetectResult,
    TaskInfo,
    TaskListItem,
    TaskListPage,
    TaskStatus,
    Upload,
    dig,
    format_list_time,
)

log = logging.getLogger("bailian_video.api")


def _larger_reads(size: int = 1 << 20) -> None:
    """httpcore reads an HTTP/1.1 body at most 64 KiB per call (``READ_NUM_BYTES``, a class setting), and each
    read crosses several Python layers: a 500 MB result costs ~8,000 of them. Reading up to 1 MiB when that much
    has arrived took a 500 MB download over loopback from 0.61× to 0.86× of curl's speed (tests/perf); small
    answers are read as before."""
    try:
        from httpcore._async.http11 import AsyncHTTP11Connection
    except ImportError:      # another httpcore layout: its own reads, just slower
        return
    if getattr(AsyncHTTP11Connection, "READ_NUM_BYTES", size) < size:
        AsyncHTTP11Connection.READ_NUM_BYTES = size


_larger_reads()

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB
#: The largest API answer (JSON) read into memory; a task query is a few KB.
MAX_ANSWER_BYTES = 8 * MIB
#: The largest result a download accepts unless the caller says otherwise.
DEFAULT_MAX_DOWNLOAD = 4 * GIB
_MAX_REDIRECTS = 10
#: Set to 1 to allow an ``http://`` base URL on another host (a trusted corporate proxy).
ALLOW_HTTP_ENV = "BAILIAN_VIDEO_ALLOW_HTTP"
UPLOAD_TTL = timedelta(hours=48)
LIST_WINDOW = timedelta(hours=24)
DEFAULT_USER_AGENT = f"bailian-video-studio/{__version__} httpx/{httpx.__version__}"
_UPLOAD_CHUNK = 256 * KIB
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")

Sleep = Callable[[float], Awaitable[Any]]


class _Secret:
    """Holds the API key; its repr never shows it."""

    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "<secret>"

    __str__ = __repr__


@dataclass
class _Policy:
    data: dict[str, Any]
    fetched: float                     # time.monotonic() when fetched
    ttl: float
    keys: set[str] = field(default_factory=set)

    def fresh(self, now: float) -> bool:
        margin = min(30.0, self.ttl * 0.2)
        return now < self.fetched + self.ttl - margin


class _Retry(Exception):
    """Internal: one download/upload attempt failed in a way worth another attempt."""

    def __init__(self, error: DashScopeError, restart: bool = False):
        super().__init__(str(error))
        self.error = error
        self.restart = restart


def canonical_json(body: Any) -> bytes:
    """The exact bytes sent for a JSON body (sorted keys, compact, UTF-8); fingerprints hash these."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def parse_http_date(value: str | None) -> datetime | None:
    """An HTTP ``Date`` header as an aware datetime (None when absent or unreadable)."""
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _json(resp: httpx.Response) -> Any:
    try:
        return resp.json()
    except (ValueError, UnicodeDecodeError):
        return None


def _safe_name(name: str) -> str:
    """An ASCII object name that keeps the extension (the service reads the format from it)."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = _SAFE_NAME.sub("_", stem).strip("._")[:80] or "file"
    ext = _SAFE_NAME.sub("", ext)[:10]
    return f"{stem}.{ext}" if ext else stem


def _content_range(value: str | None) -> tuple[int | None, int | None, int | None]:
    """``(start, end, total)`` from ``bytes a-b/N`` or ``bytes */N``."""
    m = re.match(r"\s*bytes\s+(?:(\d+)-(\d+)|\*)/(\d+|\*)", value or "")
    if not m:
        return None, None, None
    start = int(m.group(1)) if m.group(1) else None
    end = int(m.group(2)) if m.group(2) else None
    total = int(m.group(3)) if m.group(3) and m.group(3) != "*" else None
    return start, end, total


def _int_header(resp: httpx.Response, name: str) -> int | None:
    try:
        return int(resp.headers[name])
    except (KeyError, ValueError):
        return None


async def _read_capped(resp: httpx.Response, limit: int) -> bytes:
    """At most ``limit`` bytes of a streamed body (error documents are small; never trust that)."""
    out = bytearray()
    async for chunk in resp.aiter_bytes():
        out += chunk
        if len(out) >= limit:
            break
    return bytes(out[:limit])


def _size_text(n: int) -> str:
    if n >= GIB:
        return f"{n / GIB:.1f} GiB"
    if n >= MIB:
        return f"{n / MIB:.0f} MiB"
    return f"{n / KIB:.0f} KiB"


def _too_large_text(size: int, limit: int, streamed: bool = False) -> str:
    if streamed:
        return f"the server kept sending past the {_size_text(limit)} limit"
    return f"the file is {_size_text(size)}; the limit is {_size_text(limit)}"


def _where(url: httpx.URL) -> str:
    """Host and path for logs: never the query (signed URLs) and never headers."""
    return f"{url.host}{':' + str(url.port) if url.port else ''}{url.path}"


#: bytes of a download between flushes to disk in the background, so the fsync that ends the download waits
#: for its last few megabytes instead of all of it (the disk works while the network does)
WRITEBACK_BYTES = 32 * MIB


def _flush_to_disk(fd: int) -> None:
    """Flush ``fd`` (a duplicate this call owns and closes) to disk; failures are left to the final fsync."""
    try:
        getattr(os, "fdatasync", os.fsync)(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class _WriteBack:
    """Hands a growing file's written bytes to the disk every :data:`WRITEBACK_BYTES`, one flush at a time,
    in a worker thread on its own duplicate of the file descriptor (so closing the file never races it)."""

    def __init__(self, fileno: int):
        self.fileno = fileno
        self.unflushed = 0
        self.pending: asyncio.Future[None] | None = None

    def wrote(self, n: int) -> None:
        self.unflushed += n
        if self.unflushed >= WRITEBACK_BYTES and (self.pending is None or self.pending.done()):
            self.unflushed = 0
            self.pending = asyncio.ensure_future(asyncio.to_thread(_flush_to_disk, os.dup(self.fileno)))


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host name *is* (no DNS): dotted, IPv6, and the short or numeric IPv4 spellings
    (``127.1``, ``2130706433``, ``0x7f.1``) that the system resolver would turn into an address."""
    h = host.strip().strip("[]").rstrip(".")
    try:
        ip = ipaddress.ip_address(h.split("%", 1)[0])
    except ValueError:
        try:
            ip = ipaddress.IPv4Address(socket.inet_aton(h))
        except (OSError, ValueError, UnicodeError):
            return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def is_loopback_host(host: str | None) -> bool:
    """``localhost``, 127.0.0.0/8 or ::1 — this computer (decided without any DNS lookup)."""
    if not host:
        return False
    h = host.strip().strip("[]").rstrip(".").lower()
    if h == "localhost" or h.endswith(".localhost"):
        return True
    ip = _ip_literal(h)
    return ip is not None and ip.is_loopback


def _is_private_host(host: str | None) -> bool:
    """Loopback, a private network (RFC 1918, fc00::/7), link-local, or any other address that is not
    on the public internet. Only literal addresses (and ``localhost``) are recognised: no DNS."""
    if not host or is_loopback_host(host):
        return True
    ip = _ip_literal(host)
    return ip is not None and (not ip.is_global or ip.is_multicast)


def normalise_key(key: str | None) -> str:
    """The API key as it must be sent: surrounding spaces (and invisible characters) trimmed.

    Raises :class:`~.errors.InvalidKeyFormatError` when what is left has spaces, line breaks,
    control, invisible or non-ASCII characters inside (it could never be a DashScope key, and a
    line break would corrupt the request), and ``AuthenticationError("NoApiKey")`` when nothing is left.
    The key is never part of the message.
    """
    text = key or ""
    lo, hi = 0, len(text)
    while lo < hi and (text[lo].isspace() or unicodedata.category(text[lo]) in ("Cc", "Cf")):
        lo += 1
    while hi > lo and (text[hi - 1].isspace() or unicodedata.category(text[hi - 1]) in ("Cc", "Cf")):
        hi -= 1
    text = text[lo:hi]
    if not text:
        raise AuthenticationError("No API key is configured.", code="NoApiKey")
    bad = [c for c in text if not 0x21 <= ord(c) <= 0x7E]
    if bad:
        invisible = any(c.isspace() or unicodedata.category(c)[0] in ("C", "Z") for c in bad)
        raise InvalidKeyFormatError(
            "the API key contains spaces, line breaks or invisible characters" if invisible
            else "the API key contains non-ASCII characters", visible_non_ascii=not invisible)
    return text


class DashScopeClient:
    """Async client for the DashScope video endpoints. Use as ``async with DashScopeClient(key) as c``.

    Raises :class:`~.errors.InsecureConnectionError` (a ``ValueError``) when ``base_url`` is plain
    ``http://`` to anything but this computer, unless ``allow_http`` (default: the environment
    variable ``BAILIAN_VIDEO_ALLOW_HTTP=1``). A key that cannot be valid is refused at the first
    request with :class:`~.errors.InvalidKeyFormatError` (an ``AuthenticationError``), like a
    missing key, so every caller shows it where it shows "the key is wrong".
    """

    def __init__(self, api_key: str | None, *, region: str = catalog.BEIJING, base_url: str | None = None,
                 timeout: float = 60.0, max_retries: int = 4, backoff_base: float = 0.5, backoff_cap: float = 20.0,
                 transport: httpx.AsyncBaseTransport | None = None, user_agent: str = DEFAULT_USER_AGENT,
                 sleep: Sleep | None = None, max_retry_after: float = 60.0, allow_http: bool | None = None,
                 max_answer_bytes: int = MAX_ANSWER_BYTES, query_gate: QueryGate | None = None):
        if base_url is None:
            base_url = os.environ.get("DASHSCOPE_HTTP_BASE_URL") or None
        if base_url is None:
            try:
                base_url = catalog.base_url(region)
            except KeyError:
                raise ValueError(f"unknown region {region!r}") from None
        base = httpx.URL(base_url.rstrip("/"))
        if base.scheme not in ("http", "https") or not base.host:
            raise ValueError(f"base URL must be http(s)://host/...: {base_url!r}")
        self.base_is_loopback = is_loopback_host(base.host)
        if base.scheme == "http" and not self.base_is_loopback:
            if not (allow_http if allow_http is not None else _env_flag(ALLOW_HTTP_ENV)):
                raise InsecureConnectionError(base.host)
            log.warning("sending the API key over plain http to %s (%s is set)", base.host, ALLOW_HTTP_ENV)
        self.region = region
        self.base_url = str(base).rstrip("/")
        self._base = httpx.URL(self.base_url)
        self._base_path = self._base.path.rstrip("/")
        key = api_key if api_key is not None else os.environ.get("DASHSCOPE_API_KEY")
        raw = key or ""
        register_secret(raw.strip())
        self._key_error: InvalidKeyFormatError | None = None
        try:
            key = normalise_key(raw)
        except InvalidKeyFormatError as exc:
            key, self._key_error = "", exc      # told at the first request, like a missing key
        except AuthenticationError:
            key = ""
        register_secret(key)
        self._key = _Secret(key) if key else None
        self.max_answer_bytes = int(max_answer_bytes)
        #: task query/list/cancel requests wait here (the account's QPS, shared by the clients of one key)
        self.query_gate = query_gate
        self.max_retries = max(0, int(max_retries))
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_retry_after = max_retry_after
        self.sleep: Sleep = sleep or asyncio.sleep
        self.rng = random.Random()
        mounts = None
        if transport is None:
            # Proxies from the environment apply, but never to loopback (the sandbox).
            mounts = {p: None for p in ("all://127.0.0.1", "all://localhost", "all://[::1]")}
        self._http = httpx.AsyncClient(
            transport=transport, mounts=mounts, follow_redirects=False, trust_env=True,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 20.0), pool=timeout),
            headers={"User-Agent": user_agent})
        self._policies: dict[str, _Policy] = {}
        self._policy_locks: dict[str, asyncio.Lock] = {}

    # -- plumbing ---------------------------------------------------------------------------------
    def __repr__(self) -> str:
        return (f"DashScopeClient(base_url={self.base_url!r}, region={self.region!r}, "
                f"api_key={'<set>' if self._key else '<missing>'})")

    @property
    def has_key(self) -> bool:
        return self._key is not None

    @property
    def key_error(self) -> InvalidKeyFormatError | None:
        """Why the configured key cannot be used, or None."""
        return self._key_error

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    def url(self, endpoint: str) -> str:
        """The absolute URL of an endpoint path relative to the base URL."""
        if "://" in endpoint or endpoint.startswith("//"):
            raise ValueError("endpoint must be a path relative to the base URL")
        return f"{self.base_url}/{endpoint.lstrip('/')}"

    def is_api_url(self, url: httpx.URL | str) -> bool:
        """Whether ``url`` is under the base URL (same scheme, host, port and path prefix)."""
        u = url if isinstance(url, httpx.URL) else httpx.URL(url)
        if (u.scheme, u.host, u.port) != (self._base.scheme, self._base.host, self._base.port):
            return False
        path = u.path
        if ".." in path.split("/"):
            return False
        return path == self._base_path or path.startswith(self._base_path + "/")

    def backoff(self, attempt: int, retry_after: float | None = None) -> float | None:
        """Delay before retry number ``attempt + 1``; ``None`` when Retry-After asks for too long a wait."""
        if retry_after is not None:
            if retry_after > self.max_retry_after:
                return None
            return retry_after
        return self.rng.uniform(0.0, min(self.backoff_cap, self.backoff_base * (2 ** attempt)))

    async def _api_send(self, method: str, url: str, *, params: dict[str, Any] | None = None,
                        content: bytes | None = None, headers: dict[str, str] | None = None) -> httpx.Response:
        """One API request with the key attached (only ever to the base URL); the body is read,
        up to ``max_answer_bytes`` (beyond that: :class:`~.errors.ResponseTooLargeError`)."""
        if self._key_error is not None:
            raise InvalidKeyFormatError(self._key_error.message,
                                        visible_non_ascii=self._key_error.visible_non_ascii)
        if self._key is None:
            raise AuthenticationError("No API key is configured.", code="NoApiKey")
        request = self._http.build_request(method, url, params=params, content=content, headers=headers)
        if not self.is_api_url(request.url):
            raise ValueError("refusing to send the API key outside the base URL")
        request.headers["Authorization"] = f"Bearer {self._key.reveal()}"
        t0 = time.monotonic()
        try:
            streamed = await self._http.send(request, stream=True, follow_redirects=False)
            try:
                resp = await self._read_answer(streamed, request)
            finally:
                await streamed.aclose()
        except httpx.HTTPError as exc:
            log.info("%s %s -> %s after %.0f ms", method, request.url.path, type(exc).__name__,
                     (time.monotonic() - t0) * 1000)
            raise
        body = _json(resp)
        rid = redact(body.get("request_id")) if isinstance(body, dict) and body.get("request_id") else None
        log.log(logging.DEBUG if resp.status_code < 300 else logging.INFO, "%s %s -> %d request_id=%s %.0f ms",
                method, request.url.path, resp.status_code, rid, (time.monotonic() - t0) * 1000)
        return resp

    async def _read_answer(self, resp: httpx.Response, request: httpx.Request) -> httpx.Response:
        """The streamed answer as a complete response, its body read up to ``max_answer_bytes``.

        A declared ``Content-Length`` over the cap is refused before reading; an answer that
        streams past it (no length, or a lying one; decompressed size counts) stops there.
        """
        cap = self.max_answer_bytes
        too_large = ResponseTooLargeError(
            f"the service's answer is larger than {cap // MIB} MB; it was not read", http_status=resp.status_code)
        length = _int_header(resp, "content-length")
        if length is not None and length > cap:
            log.warning("%s %s: answer of %d bytes refused (cap %d)", request.method, request.url.path, length, cap)
            raise too_large
        data = bytearray()
        async for chunk in resp.aiter_bytes():
            data += chunk
            if len(data) > cap:
                log.warning("%s %s: answer over %d bytes, stopped reading", request.method, request.url.path, cap)
                raise too_large
        # The body is already decoded: the rebuilt response must not decode it again.
        headers = [(k, v) for k, v in resp.headers.multi_items()
                   if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")]
        return httpx.Response(resp.status_code, headers=headers, content=bytes(data), request=request,
                              extensions=resp.extensions)

    def _error_from(self, resp: httpx.Response, body: Any = None) -> DashScopeError:
        """The error an answer means (non-2xx, or a 200 that carries a business ``code``)."""
        if body is None:
            body = _json(resp)
        retry_after = parse_retry_after(resp.headers.get("Retry-After"))
        if isinstance(body, dict):
            code = body.get("code")
            message = body.get("message") or body.get("msg") or ""
            request_id = body.get("request_id")
            return classify(resp.status_code, str(code) if code else None, str(message),
                            str(request_id) if request_id else None, retry_after)
        if 300 <= resp.status_code < 400:
            target = httpx.URL(resp.headers.get("Location", "")) if resp.headers.get("Location") else None
            return DashScopeError(f"unexpected redirect to {target.host if target else '?'} (not followed)",
                                  code="Redirect", http_status=resp.status_code)
        text = resp.text[:200].strip() if resp.content else ""
        return classify(resp.status_code, None, f"HTTP {resp.status_code}" + (f": {text}" if text else ""),
                        None, retry_after)

    @staticmethod
    def _transport_error(exc: httpx.HTTPError) -> DashScopeError:
        if isinstance(exc, httpx.TimeoutException):
            return ApiTimeoutError(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
        return NetworkError(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)

    def _checked(self, resp: httpx.Response, listing: bool = False) -> dict[str, Any]:
        """The JSON body of a successful answer, or the error it stands for."""
        body = _json(resp)
        if not 200 <= resp.status_code < 300:
            raise self._error_from(resp, body)
        if not isinstance(body, dict):
            raise ServerError("the service answered with a body that is not JSON", code="MalformedResponse",
                              http_status=resp.status_code)
        if body.get("code") and not isinstance(body.get("output"), dict) and not (listing and "data" in body):
            raise self._error_from(resp, body)
        return body

    async def _idempotent(self, method: str, url: str, *, params: dict[str, Any] | None = None,
                          content: bytes | None = None, headers: dict[str, str] | None = None,
                          validate: Callable[[dict[str, Any]], None] | None = None,
                          listing: bool = False, meta: dict[str, Any] | None = None,
                          query: bool = False) -> dict[str, Any]:
        """A request that may safely be repeated: retried on throttling, 5xx, network errors, timeouts.

        ``meta`` (optional) receives ``server_time``: the answer's ``Date`` header (the service's clock).
        ``query``: a task query/list/cancel, which waits for the account's query budget (each attempt).
        """
        attempt = 0
        while True:
            try:
                if query and self.query_gate is not None:
                    async with self.query_gate.turn():
                        resp = await self._api_send(method, url, params=params, content=content, headers=headers)
                else:
                    resp = await self._api_send(method, url, params=params, content=content, headers=headers)
                if meta is not None:
                    meta["server_time"] = parse_http_date(resp.headers.get("Date"))
                body = self._checked(resp, listing=listing)
                if validate is not None:
                    validate(body)
                return body
            except httpx.HTTPError as exc:
                if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
                    raise NetworkError(str(exc)) from exc
                err = self._transport_error(exc)
                cause: BaseException = exc
            except ResponseTooLargeError:
                raise                       # asking again would read the same flood again
            except (ThrottledError, ServerError) as exc:
                err, cause = exc, exc
            if attempt >= self.max_retries:
                raise err from (cause if cause is not err else None)
            delay = self.backoff(attempt, err.retry_after)
            if delay is None:
                raise err from (cause if cause is not err else None)
            log.info("retrying %s %s in %.2f s (%s)", method, httpx.URL(url).path, delay, err.code)
            await self.sleep(delay)
            attempt += 1

    # -- task creation ----------------------------------------------------------------------------
    async def create_task(self, model: str, input: dict[str, Any], parameters: dict[str, Any] | None = None,
                          *, endpoint: str) -> CreatedTask:
        """Submit an async task (POST with ``X-DashScope-Async: enable``). This is the call that costs money.

        Retried only when the service certainly created nothing: the connection was never made
        (connect error/timeout, pool timeout), HTTP 429 throttling (not quota), or HTTP 503 with
        a DashScope error body. Every other doubtful outcome — a 5xx other than that 503, 408,
        a read/write timeout or a dropped connection once the request was on its way, a 200
        without a task id — raises :class:`SubmissionUncertainError`. Definite rejections
        (4xx, 200 with a business ``code``) raise their class at once.
        """
        body: dict[str, Any] = {"model": model, "input": input}
        if parameters is not None:
            body["parameters"] = parameters
        content = canonical_json(body)
        fingerprint = hashlib.sha256(content).hexdigest()
        headers = {"Content-Type": "application/json", "Accept": "application/json",
                   "X-DashScope-Async": "enable"}
        if has_oss_url(input):
            headers["X-DashScope-OssResourceResolve"] = "enable"
        url = self.url(endpoint)
        first_sent: datetime | None = None

        def uncertain(message: str, cause: BaseException, status: int | None = None,
                      request_id: str | None = None) -> SubmissionUncertainError:
            return SubmissionUncertainError(
                message, model=model, endpoint=endpoint, submitted_at=first_sent or datetime.now(UTC),
                gave_up_at=datetime.now(UTC), request_fingerprint=fingerprint, cause=cause,
                http_status=status, request_id=request_id)

        attempt = 0
        while True:
            if first_sent is None:
                first_sent = datetime.now(UTC)
            try:
                resp = await self._api_send("POST", url, content=content, headers=headers)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ProxyError) as exc:
                # The request never left this machine: nothing can have been created.
                err = self._transport_error(exc)
                if attempt >= self.max_retries:
                    raise err from exc
                delay = self.backoff(attempt)
                assert delay is not None
                log.info("create %s: %s, retrying in %.2f s", model, type(exc).__name__, delay)
                await self.sleep(delay)
                attempt += 1
                continue
            except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
                raise NetworkError(str(exc)) from exc
            except httpx.HTTPError as exc:
                raise uncertain(f"no answer to the submission ({type(exc).__name__}); the task may exist",
                                exc) from exc
            except ResponseTooLargeError as exc:
                # The service did answer, and the answer may hold a task id: only the task list can tell.
                raise uncertain("the answer to the submission was too large to read; the task may exist",
                                exc, exc.http_status) from exc
            status = resp.status_code
            data = _json(resp)
            rid = data.get("request_id") if isinstance(data, dict) else None
            if 200 <= status < 300:
                if isinstance(data, dict) and data.get("code") and not isinstance(data.get("output"), dict):
                    raise self._error_from(resp, data)
                task_id = dig(data, ("output", "task_id")) if isinstance(data, dict) else None
                if not task_id:
                    raise uncertain(f"HTTP {status} without a task id; the task may exist",
                                    ServerError("no task id in the answer", code="MalformedResponse",
                                                http_status=status), status, rid)
                raw = str(dig(data, ("output", "task_status")) or "PENDING")
                return CreatedTask(task_id=str(task_id), status=TaskStatus.parse(raw),
                                   request_id=str(rid) if rid else None)
            err = self._error_from(resp, data)
            # 429 throttling (not quota) and a 503 the service itself answered: nothing was created.
            retry = ((status == 429 and isinstance(err, ThrottledError))
                     or (status == 503 and isinstance(data, dict) and bool(data.get("code"))))
            if not retry and (status >= 500 or status == 408):
                raise uncertain(f"HTTP {status} to the submission; the task may exist", err, status,
                                err.request_id) from err
            if not retry or attempt >= self.max_retries:
                raise err
            delay = self.backoff(attempt, err.retry_after)
            if delay is None:
                raise err
            log.info("create %s: HTTP %d %s, retrying in %.2f s", model, status, err.code, delay)
            await self.sleep(delay)
            attempt += 1

    # -- synchronous calls (detect) -----------------------------------------------------------------
    async def call_sync(self, model: str, input: dict[str, Any], parameters: dict[str, Any] | None = None, *,
                        endpoint: str, detect_rule: str | None = None) -> DetectResult | dict[str, Any]:
        """A synchronous call (the detect endpoints): no async header; retried like a query.

        With ``detect_rule`` the answer is normalised to a :class:`DetectResult`, else the raw body.
        """
        body: dict[str, Any] = {"model": model, "input": input}
        if parameters is not None:
            body["parameters"] = parameters
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if has_oss_url(input):
            headers["X-DashScope-OssResourceResolve"] = "enable"
        data = await self._idempotent("POST", self.url(endpoint), content=canonical_json(body), headers=headers)
        if detect_rule is not None:
            return DetectResult.from_response(model, data, detect_rule)
        return data

    # -- tasks --------------------------------------------------------------------------------------
    @staticmethod
    def _task_path(task_id: str) -> str:
        if not task_id or not task_id.strip():
            raise ValueError("task_id is empty")
        return "tasks/" + quote(task_id.strip(), safe="")

    async def get_task(self, task_id: str, *, model: str | None = None) -> TaskInfo:
        """``GET /tasks/{id}``. ``model`` (wire name) tells where the result URL is."""

        def validate(body: dict[str, Any]) -> None:
            if not isinstance(body.get("output"), dict) or not body["output"].get("task_status"):
                raise ServerError("the task query answer has no task status", code="MalformedResponse",
                                  http_status=200, request_id=body.get("request_id"))

        body = await self._idempotent("GET", self.url(self._task_path(task_id)), validate=validate, query=True)
        return TaskInfo.from_response(body, model=model, task_id=task_id)

    async def list_tasks(self, *, start: datetime | None = None, end: datetime | None = None,
                         model_name: str | None = None, status: str | None = None, page_no: int = 1,
                         page_size: int = 10, task_id: str | None = None) -> TaskListPage:
        """One page of ``GET /tasks``. Times go out as ``YYYYMMDDhhmmss`` Beijing time (window ≤ 24 h)."""
        params: dict[str, Any] = {"page_no": page_no, "page_size": page_size}
        if start is not None:
            params["start_time"] = format_list_time(start)
        if end is not None:
            params["end_time"] = format_list_time(end)
        if model_name:
            params["model_name"] = model_name
        if status:
            params["status"] = str(status)
        if task_id:
            params["task_id"] = task_id
        meta: dict[str, Any] = {}
        body = await self._idempotent("GET", self.url("tasks"), params=params, listing=True, meta=meta, query=True)
        page = TaskListPage.from_response(body, page_no=page_no, page_size=page_size)
        return dataclasses.replace(page, server_time=meta.get("server_time"))

    async def iter_tasks(self, *, start: datetime | None = None, end: datetime | None = None,
                         model_name: str | None = None, status: str | None = None, page_size: int = 10,
                         task_id: str | None = None, max_pages: int = 1000) -> AsyncIterator[TaskListItem]:
        """Every task in the window, page by page (windows over 24 h are split; duplicates skipped)."""
        windows: list[tuple[datetime | None, datetime | None]] = [(start, end)]
        if start is not None and end is not None and end - start > LIST_WINDOW:
            windows, cur = [], start
            while cur < end:
                nxt = min(end, cur + LIST_WINDOW)
                windows.append((cur, nxt))
                cur = nxt
        seen: set[str] = set()
        pages = 0
        for w_start, w_end in windows:
            page_no = 1
            while pages < max_pages:
                page = await self.list_tasks(start=w_start, end=w_end, model_name=model_name, status=status,
                                             page_no=page_no, page_size=page_size, task_id=task_id)
                pages += 1
                for item in page.items:
                    if item.task_id and item.task_id not in seen:
                        seen.add(item.task_id)
                        yield item
                if not page.items or page_no >= page.total_page:
                    break
                page_no += 1

    async def cancel_task(self, task_id: str) -> None:
        """Cancel a PENDING task. A task that has started raises :class:`CannotCancelError`.

        A task that is already CANCELED (for instance by an earlier attempt whose answer was
        lost) counts as success.
        """
        try:
            await self._idempotent("POST", self.url(self._task_path(task_id) + "/cancel"), query=True)
        except InvalidParameterError as exc:
            if (exc.code or "") != "UnsupportedOperation":
                raise
            err = CannotCancelError(exc.message, code=exc.code, request_id=exc.request_id,
                                    http_status=exc.http_status)
            try:
                info = await self.get_task(task_id)
            except DashScopeError:
                raise err from exc
            if info.status == TaskStatus.CANCELED:
                return
            raise err from exc

    # -- uploads ------------------------------------------------------------------------------------
    async def _policy(self, model: str, force: bool = False) -> _Policy:
        lock = self._policy_locks.setdefault(model, asyncio.Lock())
        async with lock:
            cached = self._policies.get(model)
            if cached is not None and not force and cached.fresh(time.monotonic()):
                return cached

            def validate(body: dict[str, Any]) -> None:
                data = body.get("data")
                need = ("policy", "signature", "upload_dir", "upload_host", "oss_access_key_id")
                if not isinstance(data, dict) or any(not data.get(k) for k in need):
                    raise ServerError("the upload policy answer is incomplete", code="MalformedResponse",
                                      http_status=200, request_id=body.get("request_id"))

            fetched = time.monotonic()
            body = await self._idempotent("GET", self.url("uploads"),
                                          params={"action": "getPolicy", "model": model}, validate=validate)
            data = body["data"]
            try:
                ttl = float(data.get("expire_in_seconds") or 300)
            except (TypeError, ValueError):
                ttl = 300.0
            pol = _Policy(data=data, fetched=fetched, ttl=ttl)
            self._policies[model] = pol
            return pol

    async def upload_file(self, model: str, path: str | os.PathLike[str], *,
                          progress: Callable[[int, int], None] | None = None) -> Upload:
        """Put a local file in DashScope's temporary storage for ``model`` (wire name); returns ``oss://…``.

        Step 1 fetches (or reuses, while valid) an upload policy with the API key; step 2 posts
        the file to the policy's OSS host as a streamed multipart form, without the key.
        """
        p = Path(path)
        size = p.stat().st_size
        if not p.is_file():
            raise IsADirectoryError(str(p))
        force = rename = False
        last: DashScopeError = UploadError("upload failed")
        for _ in range(3):
            pol = await self._policy(model, force=force)
            limit_mb = pol.data.get("max_file_size_mb")
            if isinstance(limit_mb, (int, float)) and limit_mb > 0 and size > limit_mb * MIB:
                raise UploadError(f"{p.name} is {size / MIB:.1f} MB; the upload limit is {limit_mb} MB",
                                  code="FileTooLarge")
            folder = str(pol.data["upload_dir"]).rstrip("/")
            key = f"{folder}/{_safe_name(p.name)}"
            if rename or key in pol.keys:
                key = f"{folder}/{uuid.uuid4().hex[:8]}_{_safe_name(p.name)}"
            try:
                await self._post_object(pol.data, key, p, size, progress)
            except _Retry as r:
                last = r.error
                if r.error.code == "FileAlreadyExists":
                    rename = True            # a different file of the same name is already there
                else:
                    self._policies.pop(model, None)   # the policy expired early: fetch a fresh one
                    force = True
                continue
            pol.keys.add(key)
            return Upload(oss_url=f"oss://{key}", expires_at=datetime.now(UTC) + UPLOAD_TTL, size=size)
        raise last

    async def _post_object(self, data: dict[str, Any], key: str, path: Path, size: int,
                           progress: Callable[[int, int], None] | None) -> None:
        """The OSS PostObject form, file last, streamed from disk; retried on network errors and 5xx."""
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        fields = [
            ("OSSAccessKeyId", str(data["oss_access_key_id"])),
            ("Signature", str(data["signature"])),
            ("policy", str(data["policy"])),
            ("key", key),
            ("x-oss-object-acl", str(data.get("x_oss_object_acl") or "private")),
            ("x-oss-forbid-overwrite", str(data.get("x_oss_forbid_overwrite") or "true")),
            ("success_action_status", "200"),
            ("x-oss-content-type", mime),
        ]
        boundary = "----bailian" + secrets.token_hex(12)
        head = b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{n}"\r\n\r\n'.encode() + v.encode("utf-8")
            + b"\r\n" for n, v in fields)
        filename = key.rsplit("/", 1)[-1]
        head += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 f"Content-Type: {mime}\r\n\r\n").encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        length = len(head) + size + len(tail)
        upload_url = httpx.URL(str(data["upload_host"]))
        if upload_url.scheme not in ("http", "https"):
            raise UploadError(f"unusable upload host {upload_url.host!r}", code="BadUploadHost")
        if not self.base_is_loopback and _is_private_host(upload_url.host):
            # The real service's storage is on the internet; a local address would post the file into this network.
            raise UploadError(f"the upload host is a local or private address ({upload_url.host})",
                              code="BadUploadHost")

        async def body() -> AsyncIterator[bytes]:
            yield head
            sent = 0
            with path.open("rb") as fh:
                while sent < size:
                    chunk = await asyncio.to_thread(fh.read, min(_UPLOAD_CHUNK, size - sent))
                    if not chunk:
                        raise UploadError(f"{path.name} got shorter while it was being uploaded",
                                          code="FileChanged")
                    sent += len(chunk)
                    yield chunk
                    if progress is not None:
                        progress(sent, size)
            yield tail

        attempt = 0
        maybe_landed = False
        while True:
            if progress is not None:
                progress(0, size)
            request = self._http.build_request(
                "POST", upload_url, content=body(),
                headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(length)})
            assert "authorization" not in request.headers
            t0 = time.monotonic()
            err: DashScopeError
            try:
                resp = await self._http.send(request, stream=True, follow_redirects=False)
                try:
                    answer = await _read_capped(resp, 64 * KIB)    # an XML document at most
                finally:
                    await resp.aclose()
            except UploadError:
                raise
            except httpx.HTTPError as exc:
                log.info("POST %s -> %s after %.0f ms", _where(upload_url), type(exc).__name__,
                         (time.monotonic() - t0) * 1000)
                if not isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
                    maybe_landed = True
                err = UploadError(f"{type(exc).__name__}: {exc}", code="NetworkError")
                err.__cause__ = exc
            else:
                code, message, oss_rid = parse_oss_error(answer)
                log.info("POST %s -> %d oss_request_id=%s %.0f ms", _where(upload_url), resp.status_code,
                         redact(resp.headers.get("x-oss-request-id") or oss_rid), (time.monotonic() - t0) * 1000)
                if 200 <= resp.status_code < 300:
                    return
                err = UploadError(message or f"HTTP {resp.status_code}", code=code or f"HTTP{resp.status_code}",
                                  request_id=oss_rid or resp.headers.get("x-oss-request-id"),
                                  http_status=resp.status_code)
                if code == "FileAlreadyExists":
                    if maybe_landed:
                        return              # our earlier attempt got through; its answer was lost
                    raise _Retry(err)
                if resp.status_code == 403 and "expire" in f"{code} {message}".lower():
                    raise _Retry(err)
                if resp.status_code < 500 and resp.status_code not in (408, 429):
                    raise err
            if attempt >= self.max_retries:
                raise err
            delay = self.backoff(attempt)
            assert delay is not None
            await self.sleep(delay)
            attempt += 1

    async def resolve_input(self, model: str, value: str, *, data_uri_ok: bool,
                            progress: Callable[[int, int], None] | None = None) -> str:
        """A value the service can read: URLs and ``oss://`` pass; local paths (or ``file://``) are uploaded."""
        v = value.strip()
        low = v.lower()
        if low.startswith(("http://", "https://", "oss://")):
            return v
        if low.startswith("data:"):
            if data_uri_ok:
                return v
            raise ValueError("this input does not accept base64 data URIs; give a file or an http(s) URL")
        if low.startswith("file:"):
            parts = urlsplit(v)
            local = url2pathname(parts.path)          # also undoes the percent-encoding
            if parts.netloc and parts.netloc != "localhost":
                local = f"//{parts.netloc}{local}"
            path = Path(local)
        else:
            path = Path(v).expanduser()
        return (await self.upload_file(model, path, progress=progress)).oss_url

    # -- downloads ----------------------------------------------------------------------------------
    def check_result_url(self, url: httpx.URL | str) -> httpx.URL:
        """The URL if this client may fetch it as a result (or a redirect on the way to one).

        Only ``http(s)``. Against the real service (a base URL that is not this computer), a link
        to this computer, a private network (RFC 1918, fc00::/7), link-local or any other
        non-public literal address is refused: the service never hands those out, and fetching
        one would let a hostile answer probe the local network. Host names are not resolved
        (``localhost`` excepted). Against the sandbox on loopback, local links are its own.
        Raises ``DownloadError`` with code ``BadURL`` or ``UnsafeURL``.
        """
        try:
            target = url if isinstance(url, httpx.URL) else httpx.URL(url)
        except (httpx.InvalidURL, TypeError, ValueError):
            raise DownloadError("the result link is not a valid URL", code="BadURL") from None
        if target.scheme not in ("http", "https") or not target.host:
            raise DownloadError(f"not an http(s) link: {target.scheme or '?'}://…", code="BadURL")
        if not self.base_is_loopback and _is_private_host(target.host):
            raise DownloadError(f"the link points at a local or private address ({target.host})", code="UnsafeURL")
        return target

    async def download(self, url: str, dest: str | os.PathLike[str], *,
                       progress: Callable[[int, int | None], None] | None = None, chunk_size: int = 256 * KIB,
                       expected_size: int | None = None, max_bytes: int | None = DEFAULT_MAX_DOWNLOAD) -> Path:
        """Fetch a result URL into ``dest`` (no API key), resuming ``dest.part`` with ``Range``.

        Network errors, 5xx and truncated bodies are retried (resuming) with backoff; 403/404/410
        raise ``DownloadError(expired=True)`` and keep the ``.part``. The file is fsynced and
        moved into place atomically.

        ``max_bytes`` (default 4 GiB; ``None`` = no limit): a declared size (``Content-Length``,
        ``Content-Range``, ``expected_size``) or a body that streams past it raises
        ``DownloadError(code="TooLarge")`` and the ``.part`` is removed. The URL and every redirect
        are checked by :meth:`check_result_url` (``BadURL`` / ``UnsafeURL``, nothing written).
        These three are :attr:`DownloadError.permanent`: retrying the same link cannot help.
        """
        dest = Path(dest)
        part = dest.with_name(dest.name + ".part")
        target = self.check_result_url(url)
        if max_bytes is not None and expected_size is not None and expected_size > max_bytes:
            raise DownloadError(_too_large_text(expected_size, max_bytes), code="TooLarge")
        dest.parent.mkdir(parents=True, exist_ok=True)
        validator: dict[str, str | None] = {"etag": None}   # the ETag seen, for If-Range on resume
        attempt = 0
        while True:
            offset = part.stat().st_size if part.exists() else 0
            if expected_size is not None and offset > expected_size:
                part.unlink()
                offset = 0
            if max_bytes is not None and offset > max_bytes:
                part.unlink()
                offset = 0
            if expected_size is not None and offset == expected_size and offset > 0:
                break
            try:
                total = await self._download_once(target, part, offset, validator, progress, chunk_size, max_bytes)
            except DownloadError as e:
                if e.code == "TooLarge":
                    part.unlink(missing_ok=True)
                    e.bytes_written = 0
                raise
            except _Retry as r:
                if r.restart and part.exists():
                    part.unlink()
                    validator["etag"] = None
                if attempt >= self.max_retries:
                    if isinstance(r.error, DownloadError):
                        r.error.bytes_written = part.stat().st_size if part.exists() else 0
                    raise r.error from r.error.__cause__
                delay = self.backoff(attempt, r.error.retry_after)
                if delay is None:
                    delay = self.backoff(attempt)
                log.info("download %s: %s, retrying in %.2f s", _where(target), r.error.code, delay)
                await self.sleep(delay or 0.0)
                attempt += 1
                continue
            done = part.stat().st_size if part.exists() else 0
            if expected_size is not None and done != expected_size:
                part.unlink(missing_ok=True)
                raise DownloadError(f"downloaded {done} bytes, expected {expected_size}", code="SizeMismatch",
                                    bytes_written=0)
            if total is not None and done < total:
                # the server sent a clean but partial range: ask for the rest
                if done <= offset:
                    attempt += 1
                    if attempt > self.max_retries:
                        raise DownloadError(f"the server stopped sending at {done} of {total} bytes",
                                            code="Truncated", bytes_written=done)
                continue
            break
        if not part.exists():
            part.touch()
        await asyncio.to_thread(self._finish, part, dest)
        return dest

    @staticmethod
    def _finish(part: Path, dest: Path) -> None:
        with part.open("rb+") as fh:
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(part, dest)
        _fsync_dir(dest.parent)

    async def _send_result_request(self, request: httpx.Request) -> httpx.Response:
        """Send a download request, following redirects by hand so that every hop is checked."""
        resp = await self._http.send(request, stream=True, follow_redirects=False)
        hops = 0
        while resp.next_request is not None:
            nxt = resp.next_request
            await resp.aclose()
            hops += 1
            if hops > _MAX_REDIRECTS:
                raise DownloadError(f"more than {_MAX_REDIRECTS} redirects", code="TooManyRedirects")
            self.check_result_url(nxt.url)
            nxt.headers.pop("Authorization", None)
            resp = await self._http.send(nxt, stream=True, follow_redirects=False)
        return resp

    async def _download_once(self, url: httpx.URL, part: Path, offset: int, validator: dict[str, str | None],
                             progress: Callable[[int, int | None], None] | None, chunk_size: int,
                             max_bytes: int | None = None) -> int | None:
        """One GET; appends to ``part``. Returns the total size (when known); raises ``_Retry``."""
        etag = validator.get("etag")
        headers = {"Accept-Encoding": "identity"}
        if offset > 0:
            headers["Range"] = f"bytes={offset}-"
            if etag and not etag.startswith("W/"):
                headers["If-Range"] = etag
        request = self._http.build_request("GET", url, headers=headers)
        assert "authorization" not in request.headers
        t0 = time.monotonic()
        try:
            resp = await self._send_result_request(request)
        except httpx.HTTPError as exc:
            log.info("GET %s -> %s after %.0f ms", _where(url), type(exc).__name__, (time.monotonic() - t0) * 1000)
            err = DownloadError(f"{type(exc).__name__}: {exc}", code="NetworkError", bytes_written=offset)
            err.__cause__ = exc
            raise _Retry(err) from exc
        try:
            status = resp.status_code
            log.info("GET %s -> %d oss_request_id=%s %.0f ms", _where(url), status,
                     redact(resp.headers.get("x-oss-request-id")), (time.monotonic() - t0) * 1000)
            if status in (401, 403, 404, 410):
                raw = await _read_capped(resp, 64 * KIB)
                code, message, rid = parse_oss_error(raw)
                raise DownloadError(message or f"HTTP {status}", expired=True, bytes_written=offset,
                                    code=code or f"HTTP{status}", http_status=status,
                                    request_id=rid or resp.headers.get("x-oss-request-id"))
            if status == 416:
                _s, _e, total = _content_range(resp.headers.get("Content-Range"))
                if total is not None and offset == total:
                    return total
                raise _Retry(DownloadError("range not satisfiable; starting over", code="InvalidRange",
                                           http_status=status, bytes_written=0), restart=True)
            if status >= 500 or status in (408, 429):
                raise _Retry(DownloadError(f"HTTP {status}", code=f"HTTP{status}", http_status=status,
                                           bytes_written=offset,
                                           retry_after=parse_retry_after(resp.headers.get("Retry-After"))))
            if status not in (200, 206):
                raise DownloadError(f"unexpected HTTP {status}", code=f"HTTP{status}", http_status=status,
                                    bytes_written=offset)
            length = _int_header(resp, "content-length")
            if status == 206:
                start, _end, total = _content_range(resp.headers.get("Content-Range"))
                if start != offset:
                    raise _Retry(DownloadError("the server resumed at the wrong offset", code="BadRange",
                                               http_status=status), restart=True)
                written = offset
            else:
                total = length
                written = 0
            validator["etag"] = resp.headers.get("ETag") or etag
            expected_end = written + length if length is not None else total
            if max_bytes is not None:
                declared = max(x for x in (total, expected_end, 0) if x is not None)
                if declared > max_bytes:
                    raise DownloadError(_too_large_text(declared, max_bytes), code="TooLarge",
                                        http_status=status)
            if progress is not None:
                progress(written, total)
            with part.open("ab" if written > 0 else "wb") as fh:
                # Network reads are written through a buffer of at most ``chunk_size`` bytes, which is
                # flushed even when the connection breaks, so every byte received survives for resuming.
                buf = bytearray()
                disk = _WriteBack(fh.fileno())
                try:
                    async for piece in resp.aiter_bytes():
                        buf += piece
                        if max_bytes is not None and written + len(buf) > max_bytes:
                            raise DownloadError(_too_large_text(written + len(buf), max_bytes, streamed=True),
                                                code="TooLarge", http_status=status)
                        if len(buf) >= chunk_size:
                            fh.write(buf)
                            written += len(buf)
                            disk.wrote(len(buf))
                            buf.clear()
                            if progress is not None:
                                progress(written, total)
                except httpx.HTTPError as exc:
                    fh.write(buf)
                    written += len(buf)
                    fh.flush()
                    err = DownloadError(f"connection broke after {written} bytes ({type(exc).__name__})",
                                        code="Truncated", bytes_written=written)
                    err.__cause__ = exc
                    raise _Retry(err) from exc
                if buf:
                    fh.write(buf)
                    written += len(buf)
                    if progress is not None:
                        progress(written, total)
                fh.flush()
            if expected_end is not None and written != expected_end:
                raise _Retry(DownloadError(f"got {written} of {expected_end} bytes", code="Truncated",
                                           bytes_written=written))
            return total if total is not None else written
        finally:
            await resp.aclose()


__all__ = ["ALLOW_HTTP_ENV", "DEFAULT_MAX_DOWNLOAD", "DEFAULT_USER_AGENT", "MAX_ANSWER_BYTES", "DashScopeClient",
           "canonical_json", "is_loopback_host", "normalise_key", "parse_retry_after"]
