"""Helpers for the API client tests: a fake sleep, mock-transport clients, a range-capable file server."""
from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from bailian_video.api.client import DashScopeClient

BASE = "https://dashscope.test/api/v1"
KEY = "sk-unit0123456789abcdefSECRET"


def run(coro: Any) -> Any:
    return asyncio.run(coro)


class FakeSleep:
    """Records the delays the client asks for, without waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await asyncio.sleep(0)


def reply(status: int = 200, body: Any = None, headers: dict[str, str] | None = None) -> httpx.Response:
    if body is None:
        return httpx.Response(status, headers=headers)
    if isinstance(body, (bytes, str)):
        return httpx.Response(status, content=body, headers=headers)
    return httpx.Response(status, json=body, headers=headers)


def created(task_id: str = "t-1", request_id: str = "r-1") -> httpx.Response:
    return reply(200, {"output": {"task_id": task_id, "task_status": "PENDING"}, "request_id": request_id})


def error(status: int, code: str, message: str = "boom", request_id: str = "rid-err",
          headers: dict[str, str] | None = None) -> httpx.Response:
    return reply(status, {"code": code, "message": message, "request_id": request_id}, headers)


class Script:
    """A MockTransport handler answering from a list (the last entry repeats); records requests."""

    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []
        self.bodies: list[bytes] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.bodies.append(request.read())
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if callable(answer) and not isinstance(answer, httpx.Response):
            answer = answer(request)
        if isinstance(answer, BaseException):
            raise answer
        if isinstance(answer, type) and issubclass(answer, BaseException):
            raise answer("scripted failure", request=request)
        return answer


def make_client(handler: Callable[[httpx.Request], httpx.Response], **kw: Any) -> tuple[DashScopeClient, FakeSleep]:
    sleep = FakeSleep()
    kw.setdefault("max_retries", 3)
    client = DashScopeClient(kw.pop("api_key", KEY), base_url=kw.pop("base_url", BASE),
                             transport=httpx.MockTransport(handler), sleep=sleep, **kw)
    return client, sleep


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DASHSCOPE_HTTP_BASE_URL", raising=False)
    monkeypatch.delenv("DASHSCOPE_API_KEY", raising=False)


# -- a real HTTP server for download tests ------------------------------------------------------
@dataclass
class FileServer:
    """Serves ``files`` with single-range support; behaviour switches are read per request."""

    files: dict[str, bytes] = field(default_factory=dict)
    truncate_once: set[str] = field(default_factory=set)   # paths cut in half once
    fail_once: dict[str, int] = field(default_factory=dict)  # path -> status answered once
    status: dict[str, int] = field(default_factory=dict)   # path -> status answered always
    ignore_range: bool = False
    requests: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def _make_handler(state: FileServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _plain(self, status: int, body: bytes, ctype: str = "application/xml") -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            state.requests.append({"path": path, "headers": dict(self.headers.items())})
            if path in state.status:
                code = state.status[path]
                xml = (f"<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code><Message>Request has expired."
                       f"</Message><RequestId>OSSRID{code}</RequestId></Error>").encode()
                self._plain(code, xml)
                return
            if path in state.fail_once:
                code = state.fail_once.pop(path)
                self._plain(code, b"<Error><Code>InternalError</Code><Message>try again</Message></Error>")
                return
            data = state.files.get(path)
            if data is None:
                self._plain(404, b"<Error><Code>NoSuchKey</Code><Message>no such key</Message></Error>")
                return
            start, status = 0, 200
            rng = self.headers.get("Range")
            if rng and not state.ignore_range:
                m = re.match(r"bytes=(\d+)-$", rng)
                assert m, rng
                start = int(m.group(1))
                if start >= len(data):
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{len(data)}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status = 206
            body = data[start:]
            self.send_response(status)
            self.send_header("Content-Type", "video/mp4")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", '"etag-1"')
            if status == 206:
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            if path in state.truncate_once:
                state.truncate_once.discard(path)
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.end_headers()
            self.wfile.write(body)

    return Handler


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[int]:
    """A threaded HTTP server on a free loopback port for the ``with`` block; yields the port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def file_server() -> Iterator[FileServer]:
    state = FileServer()
    with serving(_make_handler(state)) as port:
        state.port = port
        yield state


def json_body(request: httpx.Request) -> Any:
    return json.loads(request.read().decode("utf-8"))


def payload(size: int) -> bytes:
    """Deterministic bytes that start like an MP4 file."""
    head = b"\x00\x00\x00\x18ftypmp42"
    body = bytes((i * 7 + 3) % 251 for i in range(size - len(head)))
    return head + body


@pytest.fixture
def tmp_file(tmp_path: Path) -> Callable[[str, bytes], Path]:
    def make(name: str, data: bytes) -> Path:
        p = tmp_path / name
        p.write_bytes(data)
        return p
    return make
