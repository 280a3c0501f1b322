"""A bounded store of pictures, the least recently used dropped first: by count, by bytes, or both.

Painted library tiles, framed posters, thumbnails and small previews are each kept in one; what a view
paints again is then a copy, and memory stays within its bound however long the history.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

from PySide6.QtGui import QPixmap

K = TypeVar("K", bound=Hashable)


def pixmap_bytes(pix: QPixmap | None) -> int:
    """What a picture holds in memory (32 bits a pixel; nothing for a remembered absence)."""
    return pix.width() * pix.height() * 4 if pix is not None else 0


class PixmapLRU(Generic[K]):
    """``items``: at most this many pictures; ``max_bytes``: at most this much memory (the newest picture
    is kept even when it alone is larger). A value may be None: "looked, there is no picture"."""

    def __init__(self, *, items: int | None = None, max_bytes: int | None = None):
        self.items = items
        self.max_bytes = max_bytes
        self.bytes = 0
        self._kept: OrderedDict[K, QPixmap | None] = OrderedDict()

    def __len__(self) -> int:
        return len(self._kept)

    def __contains__(self, key: object) -> bool:
        return key in self._kept

    def get(self, key: K) -> QPixmap | None:
        """The picture kept for ``key`` (now the most recently used), else None."""
        pix = self._kept.get(key)
        if key in self._kept:
            self._kept.move_to_end(key)
        return pix

    def put(self, key: K, pix: QPixmap | None) -> None:
        self.pop(key)
        self._kept[key] = pix
        self.bytes += pixmap_bytes(pix)
        while len(self._kept) > 1 and ((self.items is not None and len(self._kept) > self.items) or
                                       (self.max_bytes is not None and self.bytes > self.max_bytes)):
            _key, old = self._kept.popitem(last=False)
            self.bytes -= pixmap_bytes(old)

    def pop(self, key: K) -> QPixmap | None:
        if key not in self._kept:
            return None
        pix = self._kept.pop(key)
        self.bytes -= pixmap_bytes(pix)
        return pix

    def clear(self) -> None:
        self._kept.clear()
        self.bytes = 0
