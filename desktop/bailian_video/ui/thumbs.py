"""The library's thumbnails: a disk cache of JPEGs under ``<data>/thumbs``, decoded from the videos in
worker processes (``media/posters.py``: decoding in a thread held the interpreter lock the window needs).

Each video gets a poster (its first frame) and, when a person hovers over its tile, a filmstrip: a
few frames spread over its length side by side in one JPEG, for scrubbing. A file is keyed by its
path, size and modification time, so a changed file gets new pictures and old ones are never shown
for it. On top sits a small in-memory LRU of pixmaps (bounded in bytes). Requests are served newest
first by a couple of workers, so the tiles a person is looking at now come before the ones they
scrolled past; ``ready(path)`` fires when a picture (or the reason there is none) is known.
"""
from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage, QPixmap

from ..media.posters import (
    MISSING,
    POSTER,
    POSTER_BOX,
    STRIP,
    STRIP_BOX,
    STRIP_FRAMES,
    UNREADABLE,
    cache_name,
    fit,
    make_picture,
)
from .media_jobs import guess_kind
from .pixcache import PixmapLRU
from .util import spawn

__all__ = ["MISSING", "POSTER", "STRIP", "STRIP_FRAMES", "UNREADABLE", "ThumbStore", "cache_name", "fit"]

log = logging.getLogger("bailian_video.ui")


def cached(folder: Path, path: str, kind: str) -> tuple[QImage | None, str | None, Path | None]:
    """In a thread: (picture, problem, None) when the disk cache has the picture or the file is gone, else
    (None, None, the cache file to make)."""
    try:
        st = os.stat(path)
    except OSError:
        return None, MISSING, None
    box = STRIP_BOX if kind == STRIP else POSTER_BOX
    target = folder / cache_name(path, st.st_size, st.st_mtime_ns, kind, box)
    if target.is_file():
        img = QImage(str(target))
        if not img.isNull():
            return img, None, None
    return None, None, target


def loaded(target: Path, raw: tuple[bytes, int, int] | None) -> QImage:
    """In a thread: the picture just made, from its cache file (or from its pixels when it could not be kept)."""
    if raw is None:
        return QImage(str(target))
    rgb, w, h = raw
    return QImage(rgb, w, h, w * 3, QImage.Format.Format_RGB888).copy()


#: the worker processes that decode videos into pictures (made when first needed, shared by every store)
_pool: ProcessPoolExecutor | None = None
_pool_unusable = False


def _workers() -> ProcessPoolExecutor | None:
    global _pool
    if _pool is None and not _pool_unusable:
        _pool = ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn"))
    return _pool


def worker_pids() -> list[int]:
    """The thumbnail worker processes running now (for the smoke test and tests)."""
    pool = _pool
    processes = getattr(pool, "_processes", None) or {}
    return [p.pid for p in processes.values()]


async def make(path: str, kind: str, target: Path) -> tuple[str | None, tuple[bytes, int, int] | None]:
    """:func:`make_picture` in a worker process (a new one when one died); in a thread when no process can
    be started here."""
    global _pool, _pool_unusable
    for _attempt in range(2):
        try:
            pool = _workers()
            job = pool.submit(make_picture, path, kind, str(target)) if pool is not None else None
        except BrokenProcessPool:
            _pool = None
            continue
        except (OSError, RuntimeError) as e:      # no process can be started here (or the app is closing)
            log.warning("thumbnails are made in threads: no worker process could be started (%s)", e)
            _pool, _pool_unusable = None, True
            break
        if job is None:
            break
        try:
            return await asyncio.wrap_future(job)      # the job's own errors are raised as they are
        except BrokenProcessPool as e:
            log.warning("a thumbnail worker process stopped (%s); starting another", e)
            _pool = None
    return await asyncio.to_thread(make_picture, path, kind, str(target))


class ThumbStore(QObject):
    """Posters and filmstrips by path. ``poster``/``strip`` answer at once from memory, or return None
    and queue a job (unless one is queued or running); ``problem`` says why a file has no picture.

    Counters for tests and benchmarks: ``made`` pictures decoded from videos, ``loaded`` read back from
    the disk cache.
    """

    ready = Signal(str)

    def __init__(self, folder: Path | str, *, workers: int = 2, memory_bytes: int = 96 << 20,
                 queue_limit: int = 256, parent: QObject | None = None):
        super().__init__(parent)
        self.folder = Path(folder)
        self.workers = workers
        self.queue_limit = queue_limit
        self.made = 0
        self.loaded = 0
        self._memory: PixmapLRU[tuple[str, str]] = PixmapLRU(max_bytes=memory_bytes)
        self._problems: dict[str, str] = {}
        self._queue: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._running: set[tuple[str, str]] = set()

    # -- asking ----------------------------------------------------------------------------
    def poster(self, path: str | None) -> QPixmap | None:
        return self._get(POSTER, path)

    def strip(self, path: str | None) -> QPixmap | None:
        if not path or guess_kind(path) != "video":
            return None
        return self._get(STRIP, path)

    def problem(self, path: str | None) -> str | None:
        return self._problems.get(path) if path else None

    def idle(self) -> bool:
        return not self._queue and not self._running

    def forget(self, path: str) -> None:
        """Drop what is known about ``path`` (it changed or went away): the next request looks again."""
        self._problems.pop(path, None)
        for kind in (POSTER, STRIP):
            self._memory.pop((kind, path))

    def _get(self, kind: str, path: str | None) -> QPixmap | None:
        if not path:
            return None
        key = (kind, path)
        pix = self._memory.get(key)
        if pix is not None:
            return pix
        if path in self._problems or key in self._running:
            return None
        self._queue[key] = None
        self._queue.move_to_end(key)            # asked again: it is on screen now, serve it first
        while len(self._queue) > self.queue_limit:
            self._queue.popitem(last=False)     # long scrolled past; asked for again if painted again
        self._start()
        return None

    # -- working ---------------------------------------------------------------------------
    def _start(self) -> None:
        while self._queue and len(self._running) < self.workers:
            key, _ = self._queue.popitem(last=True)
            self._running.add(key)
            spawn(self._run(key), name=f"thumb:{key[0]}")

    async def _run(self, key: tuple[str, str]) -> None:
        kind, path = key
        made = False
        try:
            img, problem, target = await asyncio.to_thread(cached, self.folder, path, kind)
            if target is not None:
                problem, raw = await make(path, kind, target)
                if problem is None:
                    img = await asyncio.to_thread(loaded, target, raw)
                    made = True
        finally:
            if shiboken6.isValid(self):
                self._running.discard(key)
        if not shiboken6.isValid(self):         # its view closed meanwhile
            return
        if made:
            self.made += 1
        elif img is not None:
            self.loaded += 1
        if img is None or img.isNull():
            self._problems[path] = problem or UNREADABLE
        else:
            self._memory.put(key, QPixmap.fromImage(img))
        self.ready.emit(path)
        self._start()

