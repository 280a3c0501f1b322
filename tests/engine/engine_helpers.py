"""Shared helpers for the engine tests."""
from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from bailian_video.engine import EngineSettings
from bailian_video.services import AppContext


def fast_settings(out_dir: Path, **kw) -> EngineSettings:
    kw.setdefault("reconcile_settle", 2.0)      # the sandbox answers at once: no late creations to wait for
    kw.setdefault("reconcile_interval", 0.2)
    kw.setdefault("sync_interval", 0.05)
    kw.setdefault("expected_override", 0.6)
    s = EngineSettings(out_dir=out_dir, poll_min=0.1, poll_max=1.0, **kw)
    return s


@contextlib.asynccontextmanager
async def engine_context(tmp_path: Path, base_url: str, **kw):
    sandbox = kw.pop("sandbox", False)     # the sandbox backend (its own store), served by the test's sandbox
    settings = fast_settings(tmp_path / "out", **kw)
    ctx = await AppContext.create(data_dir=tmp_path / "data", api_key="sk-test", base_url=base_url, settings=settings,
                                  external_sandbox=sandbox)
    try:
        yield ctx
    finally:
        await ctx.close()


def run(coro, timeout: float = 120):
    return asyncio.run(asyncio.wait_for(coro, timeout))


async def until(pred, timeout: float = 10.0, step: float = 0.02) -> None:
    """Let the engine run until ``pred()`` holds or ``timeout`` passes (the caller asserts the outcome)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not pred() and loop.time() < end:
        await asyncio.sleep(step)


def assert_video_file(path) -> None:
    """A real H.264 MP4 is on disk, and no partial download is left beside it."""
    from bailian_video.media.probe import probe
    assert path and Path(path).exists(), path
    info = probe(path)
    assert info.kind == "video" and info.video_codec == "h264"
    assert not Path(str(path) + ".part").exists()
