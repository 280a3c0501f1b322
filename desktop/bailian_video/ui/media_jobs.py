"""Probing files and making thumbnails, always in worker threads (never on the UI thread).

QImage (unlike QPixmap) may be built in any thread, so workers return QImages and the UI
turns them into pixmaps.
"""
from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QImage, QPixmap

from .pixcache import PixmapLRU
from .util import spawn

IMAGE_EXT = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".gif", ".tif", ".tiff", ".jfif"}
AUDIO_EXT = {".wav", ".mp3", ".aac", ".m4a", ".flac", ".ogg", ".opus", ".wma"}
VIDEO_EXT = {".mp4", ".mov", ".avi", ".mkv", ".flv", ".ts", ".mpg", ".mpeg", ".mxf", ".webm", ".m4v", ".wmv"}

log = logging.getLogger("bailian_video.ui")


def guess_kind(path: str) -> str | None:
    """'image' | 'audio' | 'video' from the name alone (cheap; the real check is the probe)."""
    ext = os.path.splitext(path.split("?", 1)[0])[1].lower()
    if ext in IMAGE_EXT:
        return "image"
    if ext in AUDIO_EXT:
        return "audio"
    if ext in VIDEO_EXT:
        return "video"
    return None


@dataclass
class Preview:
    path: str
    info: Any = None                       # media.probe.MediaInfo
    image: QImage | None = None
    waveform: list[float] = field(default_factory=list)
    error: str | None = None


def _pil_to_qimage(img: Any) -> QImage:
    img = img.convert("RGBA")
    data = img.tobytes("raw", "RGBA")
    q = QImage(data, img.width, img.height, img.width * 4, QImage.Format.Format_RGBA8888)
    return q.copy()      # own the pixels: ``data`` goes away with this frame


def _image_thumb(path: str, max_side: int) -> QImage | None:
    from ..media.probe import load_image
    return _pil_to_qimage(load_image(path, max_side))


def _video_thumb(path: str, max_side: int) -> QImage | None:
    from ..media.probe import first_frame
    return _pil_to_qimage(first_frame(path, max_side))


def _preview_sync(path: str, max_side: int, bins: int) -> Preview:
    from ..media.probe import MediaError, probe
    p = Preview(path)
    try:
        p.info = probe(path)
    except (MediaError, OSError) as e:
        p.error = str(e) or type(e).__name__
        return p
    try:
        if p.info.kind == "image":
            p.image = _image_thumb(path, max_side)
        elif p.info.kind == "video":
            p.image = _video_thumb(path, max_side)
        elif p.info.kind == "audio":
            from ..media.probe import waveform
            p.waveform = list(waveform(path, bins))
    except Exception as e:  # noqa: BLE001 — a thumbnail is a nicety; the probe result is what matters
        log.info("no thumbnail for %s: %s", path, f"{type(e).__name__}: {e}")
        p.image = None
    return p


async def load_preview(path: str, max_side: int = 160, bins: int = 120) -> Preview:
    """Probe a local file and make its thumbnail or waveform, off the UI thread."""
    return await asyncio.to_thread(_preview_sync, path, max_side, bins)


def thumbnail_sync(path: str, max_side: int) -> QImage | None:
    kind = guess_kind(path)
    try:
        if kind == "image":
            return _image_thumb(path, max_side)
        if kind == "video":
            return _video_thumb(path, max_side)
    except Exception as e:  # noqa: BLE001 — no thumbnail is shown; say why in the log
        log.info("no thumbnail for %s: %s", path, f"{type(e).__name__}: {e}")
        return None
    return None


class ThumbnailCache(QObject):
    """Thumbnails by path for the queue: made on demand in workers, a bounded LRU of pixmaps.

    ``get`` returns the pixmap when cached, else None and starts a job; ``ready(path)`` fires
    when it is there, so only the rows a view actually paints cost anything.
    """

    ready = Signal(str)

    def __init__(self, max_side: int = 64, capacity: int = 400, workers: int = 2, box: QSize | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.max_side = max_side
        self.box = box
        self._cache: PixmapLRU[str] = PixmapLRU(items=capacity)
        self._pending: set[str] = set()
        self._sem = asyncio.Semaphore(workers)

    def get(self, path: str | None) -> QPixmap | None:
        if not path:
            return None
        if path in self._cache:
            return self._cache.get(path)
        if path not in self._pending:
            self._pending.add(path)
            spawn(self._load(path), name=f"thumb:{path}")
        return None

    def peek(self, path: str) -> bool:
        return path in self._cache

    async def _load(self, path: str) -> None:
        try:
            async with self._sem:
                img = await asyncio.to_thread(lambda: thumbnail_sync(path, self.max_side)
                                              if Path(path).is_file() else None)
        finally:
            self._pending.discard(path)
        if not shiboken6.isValid(self):   # the window that wanted it closed meanwhile
            return
        pix = QPixmap.fromImage(img) if img is not None and not img.isNull() else None
        if pix is not None and self.box is not None:
            pix = pix.scaled(self.box, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
        self._cache.put(path, pix)
        self.ready.emit(path)

    def forget(self, path: str) -> None:
        self._cache.pop(path)
