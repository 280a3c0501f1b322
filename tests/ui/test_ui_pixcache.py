"""The pictures kept for painting again: within their bound, the least recently used dropped first."""
from __future__ import annotations

from PySide6.QtGui import QPixmap

from bailian_video.ui.pixcache import PixmapLRU


def test_pictures_are_dropped_least_recently_used_first_by_bytes(qapp):
    kept: PixmapLRU[str] = PixmapLRU(max_bytes=3 * 100 * 100 * 4)
    for name in "abc":
        kept.put(name, QPixmap(100, 100))
    assert kept.bytes == 3 * 40_000
    assert kept.get("a") is not None               # a is used again: b is now the oldest
    kept.put("d", QPixmap(100, 100))
    assert "b" not in kept and {"a", "c", "d"} <= {k for k in "abcd" if k in kept}
    assert kept.bytes == 3 * 40_000
    kept.put("huge", QPixmap(400, 400))            # larger than the bound alone: kept, everything else goes
    assert len(kept) == 1 and "huge" in kept and kept.bytes == 640_000
    kept.pop("huge")
    assert len(kept) == 0 and kept.bytes == 0


def test_a_count_bound_keeps_remembered_absences_too(qapp):
    kept: PixmapLRU[str] = PixmapLRU(items=2)
    kept.put("missing.png", None)                  # looked, no picture: remembered, so not looked for again
    kept.put("a.png", QPixmap(10, 10))
    assert "missing.png" in kept and kept.get("missing.png") is None
    kept.put("b.png", QPixmap(10, 10))             # the oldest (a.png: missing.png was used just now) goes
    assert "a.png" not in kept and "missing.png" in kept and "b.png" in kept
    kept.put("b.png", QPixmap(20, 20))             # replaced, not counted twice
    assert len(kept) == 2 and kept.bytes == 20 * 20 * 4
