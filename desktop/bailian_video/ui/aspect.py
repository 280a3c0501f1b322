"""Aspect thumbnails for ratio and size choices: a small frame of the picture's shape beside "16:9",
"1280*720" or "adaptive" (a dashed frame: the shape follows the input)."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPen, QPixmap

#: parameters whose choices are shapes of the picture
ASPECT_PARAMS = frozenset({"ratio", "aspect_ratio", "size", "video_ratio"})
ADAPTIVE = frozenset({"adaptive", "auto"})
SIDE = 22


def aspect_of(value: Any) -> float | None:
    """Width / height of "16:9", "1280*720" or "1280x720"; None for anything else (adaptive included)."""
    text = str(value).strip().lower()
    for sep in (":", "*", "x"):
        a, found, b = text.partition(sep)
        if found:
            try:
                w, h = float(a), float(b)
            except ValueError:
                return None
            return w / h if w > 0 and h > 0 else None
    return None


def aspect_icon(value: Any, palette: QPalette, side: int = SIDE) -> QIcon | None:
    """The thumbnail of one choice, in the palette's text colour; None when the value is not a shape."""
    adaptive = str(value).strip().lower() in ADAPTIVE
    ratio = aspect_of(value)
    if ratio is None and not adaptive:
        return None
    scale = 2
    pm = QPixmap(side * scale, side * scale)
    pm.setDevicePixelRatio(scale)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = QColor(palette.color(QPalette.ColorRole.Text))
    box = side - 4.0
    if adaptive:
        pen = QPen(colour, 1.4, Qt.PenStyle.DashLine)
        p.setPen(pen)
        rect = QRectF(2, 4, box, box - 4)
        p.drawRoundedRect(rect, 2, 2)
        p.setPen(QPen(colour, 1.4))
        c = rect.center()
        for dx, dy in ((-1, 0), (1, 0), (0, -1), (0, 1)):     # arrows out: the shape follows the input
            tip = QPointF(c.x() + dx * 5.5, c.y() + dy * 4)
            p.drawLine(QPointF(c.x() + dx * 1.5, c.y() + dy * 1.0), tip)
    else:
        assert ratio is not None
        w, h = (box, box / ratio) if ratio >= 1 else (box * ratio, box)
        rect = QRectF((side - w) / 2, (side - h) / 2, w, h)
        fill = QColor(colour)
        fill.setAlpha(40)
        p.setPen(QPen(colour, 1.4))
        p.setBrush(fill)
        p.drawRoundedRect(rect, 1.5, 1.5)
    p.end()
    return QIcon(pm)
