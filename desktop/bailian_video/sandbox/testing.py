"""Helpers for tests in any folder that need a running sandbox."""
from __future__ import annotations

import atexit
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .server import Sandbox

TEST_KEY = "sk-test"
TERMINAL = ("SUCCEEDED", "FAILED", "CANCELED", "UNKNOWN")


_SHARED_CACHE: Path | None = None


def shared_cache_dir() -> Path:
    """One render cache per test process, removed at exit: identical renders happen once per run."""
    global _SHARED_CACHE
    if _SHARED_CACHE is None:
        _SHARED_CACHE = Path(tempfile.mkdtemp(prefix="bailian-sandbox-cache-"))
        atexit.register(shutil.rmtree, _SHARED_CACHE, True)
    return _SHARED_CACHE


@contextmanager
def running_sandbox(**kw: Any) -> Iterator[Sandbox]:
    """A started :class:`Sandbox` (fast tasks by default) that is stopped afterwards.

    Keyword arguments go to ``Sandbox``; ``task_seconds`` defaults to 0.5 and ``cache_dir``
    to :func:`shared_cache_dir` (pass ``cache_dir=None`` for a private cache).
    """
    kw.setdefault("task_seconds", 0.5)
    kw.setdefault("cache_dir", shared_cache_dir())
    sb = Sandbox(**kw)
    sb.start()
    try:
        yield sb
    finally:
        sb.stop()


def auth_headers(key: str = TEST_KEY, async_: bool = False, oss: bool = False) -> dict[str, str]:
    """Headers of a DashScope call: the key, plus the async and oss-resolve switches."""
    h = {"Authorization": f"Bearer {key}"}
    if async_:
        h["X-DashScope-Async"] = "enable"
    if oss:
        h["X-DashScope-OssResourceResolve"] = "enable"
    return h


def wait_task(client: Any, task_id: str, timeout: float = 60.0, interval: float = 0.1,
              key: str = TEST_KEY) -> dict[str, Any]:
    """Poll ``GET /tasks/{id}`` with an ``httpx.Client`` (base_url = the sandbox) until terminal."""
    end = time.monotonic() + timeout
    while True:
        body: dict[str, Any] = client.get(f"/tasks/{task_id}", headers=auth_headers(key)).json()
        if body["output"]["task_status"] in TERMINAL or time.monotonic() > end:
            return body
        time.sleep(interval)


@contextmanager
def static_server(directory: Any) -> Iterator[str]:
    """Serve ``directory`` read-only on 127.0.0.1; yields the base URL (no trailing slash).

    Handy for feeding sample inputs to the sandbox by ``http://`` URL.
    """
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def endpoint(model: str) -> str:
    """The service path of a model, relative to the base URL (leading slash)."""
    from .. import catalog
    return "/" + catalog.require(model).endpoint.strip("/")


def create(client: Any, model: str, input: dict[str, Any], parameters: dict[str, Any] | None = None,
           *, oss: bool = False, key: str = TEST_KEY, path: str | None = None, **headers: str) -> Any:
    """POST a task creation (or detect call, without the async header) for ``model``; the httpx response."""
    from .. import catalog
    spec = catalog.require(model)
    body: dict[str, Any] = {"model": model, "input": input}
    if parameters is not None:
        body["parameters"] = parameters
    h = auth_headers(key, async_=not spec.sync, oss=oss)
    h.update(headers)
    return client.post(path or endpoint(model), json=body, headers=h)


def run_task(client: Any, model: str, input: dict[str, Any], parameters: dict[str, Any] | None = None,
             timeout: float = 60.0, **kw: Any) -> dict[str, Any]:
    """Create a task and poll it to the end; the final query body."""
    r = create(client, model, input, parameters, **kw)
    assert r.status_code == 200, r.text
    return wait_task(client, r.json()["output"]["task_id"], timeout=timeout)


def result_url(body: dict[str, Any]) -> str | None:
    """The result URL of a SUCCEEDED query body, wherever the model puts it."""
    out = body.get("output", {})
    return out.get("video_url") or (out.get("results") or {}).get("video_url") or out.get("output_video_url")
