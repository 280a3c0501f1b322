"""The look: one small style sheet keyed on object names, the app icon, and CJK-capable fonts."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QLinearGradient, QPainter, QPainterPath, QPixmap
from PySide6.QtWidgets import QApplication

ACCENT = "#ff6a00"      # Alibaba Cloud orange
ERROR_TEXT = "#c62828"  # a failure
WARNING_TEXT = "#8a5a00"    # waiting for the person's decision: amber, a warning, not a failure
WARNING_BG = "#fff8e1"
WARNING_BORDER = "#ffd54f"

STYLE_SHEET = f"""
QLabel#blurb {{ font-size: 10.5pt; }}
QLabel#helpText, QLabel#itemFacts, QLabel#charCounter {{ color: palette(placeholder-text); font-size: 8.5pt; }}
QLabel#charCounter[over="true"] {{ color: {ERROR_TEXT}; font-weight: bold; }}
QLabel#fieldTitle {{ font-weight: bold; }}
QLabel#columnTitle {{ font-size: 11pt; font-weight: bold; padding: 2px 0 6px 0; }}
QLabel#fieldError {{ color: #c62828; }}
QLabel#note[error="true"] {{ color: #c62828; }}
QLabel#note[error="false"] {{ color: #2e7d32; }}
QLabel#priceLabel {{ color: palette(text); }}
QLabel#checking {{ color: palette(placeholder-text); font-style: italic; }}
QFrame#dropZone {{
    border: 2px dashed palette(mid); border-radius: 8px; background: palette(base);
}}
QFrame#dropZone[dragActive="true"] {{ border-color: {ACCENT}; background: palette(alternate-base); }}
QLabel#dropHint {{ color: palette(placeholder-text); font-size: 10pt; padding: 6px; }}
QFrame#dropItem {{ border: 1px solid transparent; border-radius: 6px; }}
QFrame#dropItem[invalid="true"] {{ border-color: #c62828; }}
QScrollArea#dropStrip, QWidget#dropStripBody {{ background: transparent; }}
QToolButton#tileRemove {{ background: palette(window); border: 1px solid palette(mid); border-radius: 9px;
                          min-width: 16px; max-width: 16px; min-height: 16px; max-height: 16px; padding: 0; }}
QToolButton#tileRemove:hover {{ border-color: #c62828; color: #c62828; }}
QLabel#thumb {{ background: palette(alternate-base); border-radius: 4px; color: palette(placeholder-text); }}
QFrame#generateBar {{ border-top: 1px solid palette(mid); }}
QPushButton#generateButton {{
    background: {ACCENT}; color: white; font-weight: bold; border: none; border-radius: 6px;
    padding: 6px 22px;
}}
QPushButton#generateButton:hover {{ background: #ff8126; }}
QPushButton#generateButton:disabled {{ background: palette(mid); }}
QToolButton#backendBadge {{ border: 1px solid palette(mid); border-radius: 9px; padding: 1px 10px; }}
QToolButton#backendBadge[kind="sandbox"] {{ background: #fff3e0; color: #8a4b00; border-color: #ffb74d; }}
QToolButton#backendBadge[kind="service"] {{ background: #e8f5e9; color: #1b5e20; border-color: #81c784; }}
QToolButton#backendBadge[kind="problem"] {{ background: #ffebee; color: #b71c1c; border-color: #e57373; }}
QLabel#errorBox {{
    background: #ffebee; color: #7f1010; border: 1px solid #ef9a9a; border-radius: 6px; padding: 6px;
}}
QLabel#keyWhere[warning="true"] {{
    background: #fff8e1; color: #5d4100; border: 1px solid #ffd54f; border-radius: 6px; padding: 6px;
}}
QLabel#testResult[error="true"] {{ color: #c62828; }}
QLabel#workspaceNote {{ color: palette(placeholder-text); font-size: 8.5pt; }}
QLabel#workspaceNote[error="true"] {{ color: #c62828; font-size: 8.5pt; }}
QLabel#mediaTitle {{ font-weight: 600; }}
QLabel#testResult[error="false"] {{ color: #2e7d32; }}
QFrame#decisionPanel {{
    background: {WARNING_BG}; border: 1px solid {WARNING_BORDER}; border-radius: 6px;
}}
QFrame#decisionPanel QLabel {{ color: #4a3300; background: transparent; }}
QFrame#decisionPanel QLabel#decisionTitle {{ color: {WARNING_TEXT}; font-weight: bold; }}
QFrame#decisionPanel QLabel#decisionHint {{ color: #6d5417; font-size: 8.5pt; }}
QFrame#decisionPanel QLabel#decisionError {{
    color: #7f1010; background: #ffebee; border: 1px solid #ef9a9a; border-radius: 4px; padding: 3px 6px;
}}
QFrame#decisionPanel QLabel#decisionBusy {{ color: {WARNING_TEXT}; font-style: italic; }}
QFrame#candidateRow {{ background: #fffdf6; border: 1px solid #ecd9a0; border-radius: 4px; }}
QFrame#candidateRow QLineEdit#candidateId, QFrame#candidateRow QLabel#candidatePrompt {{
    color: #6d5417; font-size: 8.5pt;
}}
QFrame#candidateRow QLineEdit#candidateId {{ background: transparent; border: none; padding: 0; }}
QLabel#guestBanner {{
    background: #e3f2fd; color: #0d3c61; border: 1px solid #90caf9; border-radius: 6px; padding: 5px 10px;
    margin: 4px 6px 2px 6px;
}}
QLabel#bigPreview {{ background: palette(alternate-base); border-radius: 4px; color: palette(placeholder-text); }}
"""


def app_icon() -> QIcon:
    """Drawn, so there is always an icon (packaging may replace it with resources/icons/app.png)."""
    here = Path(__file__).resolve()
    for p in (here.parent.parent / "resources" / "icons" / "app.png", here.parents[3] / "resources" / "icons" / "app.png"):
        if p.is_file():
            icon = QIcon(str(p))
            if not icon.isNull():
                return icon
    icon = QIcon()
    for size in (16, 32, 64, 128, 256):
        icon.addPixmap(draw_icon(size))
    return icon


def draw_icon(size: int) -> QPixmap:
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    r = QRectF(0, 0, size, size).adjusted(size * 0.04, size * 0.04, -size * 0.04, -size * 0.04)
    g = QLinearGradient(r.topLeft(), r.bottomRight())
    g.setColorAt(0.0, QColor("#ff9a3c"))
    g.setColorAt(1.0, QColor("#e8430c"))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(g))
    p.drawRoundedRect(r, size * 0.22, size * 0.22)
    tri = QPainterPath()
    cx, cy, s = size * 0.53, size * 0.5, size * 0.24
    tri.moveTo(QPointF(cx - s * 0.8, cy - s))
    tri.lineTo(QPointF(cx + s, cy))
    tri.lineTo(QPointF(cx - s * 0.8, cy + s))
    tri.closeSubpath()
    p.setBrush(QColor("white"))
    p.drawPath(tri)
    p.end()
    return pix


_WARNING_PIXMAPS: dict[int, QPixmap] = {}


def warning_pixmap(size: int = 16) -> QPixmap:
    """A small amber warning triangle (drawn, so it looks the same on every platform)."""
    pix = _WARNING_PIXMAPS.get(size)
    if pix is not None:
        return pix
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    tri = QPainterPath()
    m = size * 0.06
    tri.moveTo(QPointF(size / 2, m))
    tri.lineTo(QPointF(size - m, size - m))
    tri.lineTo(QPointF(m, size - m))
    tri.closeSubpath()
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#f9a825"))
    p.drawPath(tri)
    p.setBrush(QColor("#3e2a00"))
    w = max(1.5, size * 0.12)
    p.drawRoundedRect(QRectF(size / 2 - w / 2, size * 0.34, w, size * 0.34), w / 2, w / 2)
    p.drawEllipse(QPointF(size / 2, size * 0.80), w * 0.6, w * 0.6)
    p.end()
    _WARNING_PIXMAPS[size] = pix
    return pix


def apply(app: QApplication) -> None:
    app.setStyleSheet(STYLE_SHEET)
    app.setWindowIcon(app_icon())
    # Prefer fonts that carry Simplified Chinese when the platform default does not.
    f = QFont(app.font())
    f.setFamilies([f.family(), "Noto Sans CJK SC", "Microsoft YaHei UI", "PingFang SC", "Source Han Sans SC",
                   "WenQuanYi Micro Hei"])
    app.setFont(f)
