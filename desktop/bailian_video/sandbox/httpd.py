"""Minimal HTTP/1.1 plumbing for the sandbox's three origins (stdlib only).

Each origin is a ``ThreadingHTTPServer`` (one daemon thread per connection, keep-alive)
whose handler turns the raw request into a :class:`Request`, asks an ``app`` callable for
a :class:`Response` and writes it with a correct ``Content-Length``. Responses can also
ask to drop the connection or to cut the body short, which the fault injector uses.
Every answer's ``Date`` header follows the server's ``clock`` (the sandbox clock).
"""
from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

log = logging.getLogger(__name__)

#: Bodies larger than this are never read into memory; the connection is closed instead.
MAX_BODY = 1024 * 1024 * 1024
_CHUNK = 256 * 1024


class BodyTooLarge(Exception):
    """The request body is over the limit the caller asked for."""


@dataclass
class Request:
    """One parsed HTTP request. The body is read on first use."""

    handler: _Handler
    method: str
    path: str                      # percent-decoded, without the query string
    raw_path: str                  # as sent, with the query string
    query: dict[str, str]
    headers: Message
    _body: bytes | None = None
    _body_read: bool = False

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name, default)

    @property
    def content_length(self) -> int | None:
        value = self.headers.get("Content-Length")
        try:
            return int(value) if value is not None else None
        except ValueError:
            return None

    def body(self, limit: int = MAX_BODY) -> bytes:
        """The request body (handles Content-Length and chunked transfer encoding)."""
        if self._body_read:
            return self._body or b""
        self._body_read = True
        rfile = self.handler.rfile
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            parts: list[bytes] = []
            total = 0
            while True:
                line = rfile.readline(65537)
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                total += size
                if total > limit:
                    self.handler.close_connection = True
                    raise BodyTooLarge(total)
                parts.append(rfile.read(size))
                rfile.readline(3)
            self._body = b"".join(parts)
            return self._body
        length = self.content_length or 0
        if length > limit:
            self.handler.close_connection = True
            raise BodyTooLarge(length)
        self._body = rfile.read(length) if length > 0 else b""
        return self._body

    def discard_body(self) -> None:
        """Consume an unread body so the connection can be reused."""
        if self._body_read:
            return
        length = self.content_length
        chunked = "chunked" in (self.headers.get("Transfer-Encoding") or "").lower()
        if (length or 0) > 16 * 1024 * 1024:
            self._body_read = True
            self.handler.close_connection = True
            return
        if length or chunked:
            try:
                self.body()
            except (BodyTooLarge, ValueError, OSError):
                self.handler.close_connection = True

    def json(self) -> Any:
        return json.loads(self.body().decode("utf-8"))

    @classmethod
    def synthetic(cls, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> Request:
        """A request that did not come over a socket (the body is given, never read from a connection)."""
        msg = Message()
        for name, value in headers.items():
            msg[name] = value
        return cls(handler=None, method=method, path=path, raw_path=path, query={},  # type: ignore[arg-type]
                   headers=msg, _body=body, _body_read=True)


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str | None = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    file: Path | None = None        # stream this file region instead of ``body``
    offset: int = 0
    length: int = 0
    drop: bool = False              # close the connection without answering
    truncate_at: int | None = None  # send this many body bytes, then close
    close: bool = False             # answer, then close the connection
    delay: float = 0.0              # sleep before answering or dropping (``late`` fault)

    @classmethod
    def json(cls, status: int, payload: Any, **headers: str) -> Response:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        return cls(status=status, body=data, content_type="application/json; charset=utf-8",
                   headers=dict(headers))

    @classmethod
    def xml(cls, status: int, text: str) -> Response:
        return cls(status=status, body=text.encode("utf-8"), content_type="application/xml")

    @classmethod
    def dropped(cls) -> Response:
        return cls(drop=True)


App = Callable[[Request], Response]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 120          # idle keep-alive connections are closed after this
    server: Server

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    @property
    def server_version(self) -> str:  # type: ignore[override]
        return self.server.server_name_header

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The ``Date`` header: the server's clock (the sandbox clock), not the real one."""
        return super().date_time_string(self.server.now() if timestamp is None else timestamp)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def _dispatch(self) -> None:
        split = urlsplit(self.path)
        req = Request(handler=self, method=self.command, path=unquote(split.path), raw_path=self.path,
                      query=dict(parse_qsl(split.query, keep_blank_values=True)), headers=self.headers)
        try:
            resp = self.server.app(req)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
            return
        except Exception as exc:  # a bug in the sandbox: answer like the service would
            log.exception("sandbox handler failed for %s %s", self.command, self.path)
            resp = Response.json(500, {"code": "InternalError",
                                       "message": f"An internal error has occured: {type(exc).__name__}: {exc}",
                                       "request_id": "sandbox-internal-error"})
        try:
            self._send(req, resp)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_OPTIONS = do_PATCH = _dispatch

    def _hang_up(self) -> None:
        self.close_connection = True
        try:
            self.wfile.flush()
        except OSError:
            pass
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _send(self, req: Request, resp: Response) -> None:
        if resp.delay > 0:
            self.server.sleep(resp.delay)
        if resp.drop:
            self._hang_up()
            return
        req.discard_body()
        head_only = self.command == "HEAD"
        length = resp.length if resp.file is not None else len(resp.body)
        self.send_response(resp.status)
        if resp.content_type:
            self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(length))
        for name, value in resp.headers.items():
            self.send_header(name, value)
        if resp.close or resp.truncate_at is not None:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if head_only or length == 0:
            self.wfile.flush()
            return
        limit = length if resp.truncate_at is None else min(length, resp.truncate_at)
        sent = 0
        if resp.file is not None:
            with resp.file.open("rb") as fh:
                fh.seek(resp.offset)
                while sent < limit:
                    chunk = fh.read(min(_CHUNK, limit - sent))
                    if not chunk:
                        break
                    self.wfile.write(chunk)
                    sent += len(chunk)
        else:
            self.wfile.write(resp.body[:limit])
            sent = limit
        if resp.file is not None:
            self.server.count_bytes(sent)
        if resp.truncate_at is not None:
            self._hang_up()
        else:
            self.wfile.flush()


class Server(ThreadingHTTPServer):
    """One origin. ``app`` answers requests; ``on_bytes`` counts body bytes written; ``clock`` dates answers."""

    daemon_threads = True
    block_on_close = False
    request_queue_size = 256
    allow_reuse_address = True

    def __init__(self, host: str, port: int, app: App, name: str,
                 on_bytes: Callable[[int], None] | None = None,
                 sleep: Callable[[float], None] | None = None,
                 clock: Callable[[], float] | None = None):
        if ":" in host:
            self.address_family = socket.AF_INET6
        self.app = app
        self.server_name_header = name
        self._on_bytes = on_bytes
        self._sleep = sleep
        self._clock = clock
        self._conns: set[socket.socket] = set()
        self._conn_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        super().__init__((host, port), _Handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def track(self, conn: socket.socket, alive: bool) -> None:
        with self._conn_lock:
            if alive:
                self._conns.add(conn)
            else:
                self._conns.discard(conn)

    def count_bytes(self, n: int) -> None:
        if self._on_bytes is not None:
            self._on_bytes(n)

    def now(self) -> float:
        return (self._clock or time.time)()

    def sleep(self, seconds: float) -> None:
        (self._sleep or time.sleep)(seconds)

    def start(self) -> None:
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"sandbox-{self.server_name_header}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting, close the listening socket and every open connection."""
        if self._thread is not None:
            self.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self.server_close()
        with self._conn_lock:
            conns = list(self._conns)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
