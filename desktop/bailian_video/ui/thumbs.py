"""The library's thumbnails: a disk cache of JPEGs under ``<data>/thumbs``, made in worker threads.

Each video gets a poster (its first frame) and, when a person hovers over its tile, a filmstrip: a
few frames spread over its length side by side in one JPEG, for scrubbing. A file is keyed by its
path, size and modification time, so a changed file gets new pictures and old ones are never shown
for it. On top sits a small in-memory LRU of pixmaps (bounded in bytes). Requests are served newest
first by a couple of workers, so the tiles a person is looking at now come before the ones they
scrolled past; ``ready(path)`` fires when a picture (or the reason there is none) is known.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from collections import OrderedDict
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, QSize, Signal
from PySide6.QtGui import QImage, QPixmap

from .media_jobs import guess_kind
from .util import spawn

log = logging.getLogger("bailian_video.ui")

POSTER = "poster"
STRIP = "strip"
#: frames in a filmstrip, and the box each frame (and the poster) is fitted into
STRIP_FRAMES = 8
STRIP_BOX = QSize(320, 180)
POSTER_BOX = QSize(480, 270)

MISSING = "missing"         # the file is not there any more
UNREADABLE = "unreadable"   # there, but no picture can be read from it


def cache_name(path: str, size: int, mtime_ns: int, kind: str, box: tuple[int, int]) -> str:
    """The cache file's name for one picture of one version of a file."""
    ident = f"{os.path.abspath(path)}\0{size}\0{mtime_ns}\0{kind}\0{box[0]}x{box[1]}"
    return hashlib.sha1(ident.encode("utf-8", "surrogatepass")).hexdigest() + ".jpg"


def fit(w: int, h: int, box: tuple[int, int]) -> tuple[int, int]:
    """``w``×``h`` scaled to fit in ``box`` (never up), aspect kept."""
    scale = min(1.0, box[0] / max(1, w), box[1] / max(1, h))
    return max(1, round(w * scale)), max(1, round(h * scale))


def _poster(path: str, box: tuple[int, int]):  # -> PIL.Image.Image
    from ..media.probe import first_frame
    im = first_frame(path, max(box))
    return im.resize(fit(im.width, im.height, box)) if im.width > box[0] or im.height > box[1] else im


def _strip(path: str, box: tuple[int, int], frames: int):  # -> PIL.Image.Image
    """``frames`` frames spread evenly over the video, side by side (one decoding pass for short
    videos; a seek to each frame's key frame when they are far apart)."""
    import av
    from PIL import Image

    from ..media.probe import MediaError
    try:
        container = av.open(path, "r", metadata_errors="ignore")
    except (av.error.FFmpegError, OSError, UnicodeDecodeError, ValueError) as e:
        raise MediaError(path, f"not a readable video ({e})") from None
    with container as c:
        if not c.streams.video:
            raise MediaError(path, "has no picture")
        s = c.streams.video[0]
        s.thread_type = "AUTO"
        w, h = fit(s.codec_context.width or box[0], s.codec_context.height or box[1], box)
        duration = float(s.duration * s.time_base) if s.duration and s.time_base else (c.duration or 0) / 1e6
        targets = [duration * (i + 0.5) / frames for i in range(frames)]
        picked: list = []
        decoded = None
        last = None
        at = -1.0
        try:
            for t in targets:
                if decoded is None or t - at > 2.0:
                    if decoded is not None or t > 2.0:
                        c.seek(int(t * 1_000_000), backward=True, any_frame=False)   # microseconds
                    decoded = c.decode(s)
                for frame in decoded:
                    last, at = frame, float(frame.time or 0.0)
                    if at >= t:
                        break
                if last is None:
                    raise MediaError(path, "no video frame could be decoded")
                picked.append(last.reformat(width=w, height=h, format="rgb24").to_image())
        except av.error.FFmpegError as e:
            raise MediaError(path, f"video data is damaged ({e})") from None
    strip = Image.new("RGB", (w * frames, h))
    for i, im in enumerate(picked):
        strip.paste(im, (i * w, 0))
    return strip


def thumb_job(folder: Path, path: str, kind: str) -> tuple[QImage | None, str | None, bool]:
    """In a worker: (picture, problem, made) — from the disk cache, or made and stored there."""
    from ..media.probe import MediaError
    try:
        st = os.stat(path)
    except OSError:
        return None, MISSING, False
    box = (STRIP_BOX if kind == STRIP else POSTER_BOX).toTuple()
    target = folder / cache_name(path, st.st_size, st.st_mtime_ns, kind, box)
    if target.is_file():
        img = QImage(str(target))
        if not img.isNull():
            return img, None, False
    try:
        im = _strip(path, box, STRIP_FRAMES) if kind == STRIP else _poster(path, box)
    except (MediaError, OSError) as e:
        log.info("no %s for %s: %s", kind, path, e)
        return None, UNREADABLE, False
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f"{target.stem}.{os.getpid()}.{id(im)}.tmp")
        im.save(tmp, "JPEG", quality=85)
        os.replace(tmp, target)
        img = QImage(str(target))
    except OSError as e:   # a full or read-only disk: show the picture anyway, just don't keep it
        log.info("could not keep the %s of %s: %s", kind, path, e)
        rgb = im.convert("RGB")
        img = QImage(rgb.tobytes(), rgb.width, rgb.height, rgb.width * 3, QImage.Format.Format_RGB888).copy()
    return img, None, True


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
        self.memory_bytes = memory_bytes
        self.queue_limit = queue_limit
        self.made = 0
        self.loaded = 0
        self._memory: OrderedDict[tuple[str, str], QPixmap] = OrderedDict()
        self._used = 0
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
            pix = self._memory.pop((kind, path), None)
            if pix is not None:
                self._used -= self._cost(pix)

    def _get(self, kind: str, path: str | None) -> QPixmap | None:
        if not path:
            return None
        key = (kind, path)
        pix = self._memory.get(key)
        if pix is not None:
            self._memory.move_to_end(key)
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
        try:
            img, problem, made = await asyncio.to_thread(thumb_job, self.folder, path, kind)
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
            self._keep(key, QPixmap.fromImage(img))
        self.ready.emit(path)
        self._start()

    @staticmethod
    def _cost(pix: QPixmap) -> int:
        return pix.width() * pix.height() * 4

    def _keep(self, key: tuple[str, str], pix: QPixmap) -> None:
        self._memory[key] = pix
        self._used += self._cost(pix)
        while self._used > self.memory_bytes and len(self._memory) > 1:
            _, old = self._memory.popitem(last=False)
            self._used -= self._cost(old)
