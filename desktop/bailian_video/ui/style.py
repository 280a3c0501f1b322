"""The look: one small style sheet keyed on object names, the app icon, and CJK-capable fonts.

Nothing here touches ``Qt`` (the namespace) until it must: PySide6 makes all of its ~120 enums the first
time it is used, ~35 ms, and the window's frame is painted before that (see ``apply(early=True)``). The
drawing classes are imported where they draw, for the same reason (QIcon, QPainter, QLinearGradient … take
a few milliseconds each to make).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QIcon, QPixmap

#: see-through, without naming Qt.GlobalColor
CLEAR = (0, 0, 0, 0)

ACCENT = "#ff6a00"      # Alibaba Cloud orange

#: The colours the style sheet and the item models use, for a light and a dark desktop. Everything else
#: comes from the palette (palette(window), palette(mid) …), which follows the scheme by itself.
LIGHT = {
    "accent": ACCENT, "accent_hover": "#ff8126", "focus": "#1565c0", "error": "#c62828", "ok": "#2e7d32",
    "warn_text": "#8a5a00", "warn_bg": "#fff8e1", "warn_border": "#ffd54f", "warn_fg": "#5d4100",
    "sandbox_bg": "#fff3e0", "sandbox_fg": "#8a4b00", "sandbox_border": "#ffb74d",
    "service_bg": "#e8f5e9", "service_fg": "#1b5e20", "service_border": "#81c784",
    "error_bg": "#ffebee", "error_box_fg": "#7f1010", "error_border": "#ef9a9a",
    "problem_fg": "#b71c1c", "problem_border": "#e57373",
    "decision_fg": "#4a3300", "decision_hint": "#6d5417", "candidate_bg": "#fffdf6", "candidate_border": "#ecd9a0",
    "info_bg": "#e3f2fd", "info_fg": "#0d3c61", "info_border": "#90caf9",
}
DARK = {
    "accent": ACCENT, "accent_hover": "#ff8126", "focus": "#90caf9", "error": "#ef5350", "ok": "#81c784",
    "warn_text": "#ffca28", "warn_bg": "#3a3000", "warn_border": "#8d6e00", "warn_fg": "#ffe082",
    "sandbox_bg": "#3e2a12", "sandbox_fg": "#ffcc80", "sandbox_border": "#a86a1f",
    "service_bg": "#1b3320", "service_fg": "#a5d6a7", "service_border": "#3f7d46",
    "error_bg": "#3d1b1b", "error_box_fg": "#ffcdd2", "error_border": "#8e3b3b",
    "problem_fg": "#ef9a9a", "problem_border": "#8e3b3b",
    "decision_fg": "#ffe082", "decision_hint": "#e6c975", "candidate_bg": "#2e2810", "candidate_border": "#6b5a22",
    "info_bg": "#10283d", "info_fg": "#bbdefb", "info_border": "#2f5f8a",
}
# Light values under their old names (item models and tests read them; ``color()`` follows the scheme).
ERROR_TEXT = LIGHT["error"]
WARNING_TEXT = LIGHT["warn_text"]
WARNING_BG = LIGHT["warn_bg"]
WARNING_BORDER = LIGHT["warn_border"]

_SHEET = """
QLabel#blurb {{ font-size: 10.5pt; }}
QLabel#helpText, QLabel#itemFacts, QLabel#charCounter {{ color: palette(placeholder-text); font-size: 8.5pt; }}
QLabel#charCounter[over="true"] {{ color: {error}; font-weight: bold; }}
QLabel#fieldTitle {{ font-weight: bold; }}
QLabel#columnTitle {{ font-size: 11pt; font-weight: bold; padding: 2px 0 6px 0; }}
QLabel#fieldError {{ color: {error}; }}
QLabel#note[error="true"] {{ color: {error}; }}
QLabel#note[error="false"] {{ color: {ok}; }}
QLabel#priceLabel {{ color: palette(text); }}
QLabel#checking {{ color: palette(placeholder-text); font-style: italic; }}
QFrame#dropZone {{
    border: 2px dashed palette(mid); border-radius: 8px; background: palette(base);
}}
QFrame#dropZone[dragActive="true"] {{ border-color: {accent}; background: palette(alternate-base); }}
QLabel#dropHint {{ color: palette(placeholder-text); font-size: 10pt; padding: 6px; }}
QFrame#dropItem {{ border: 1px solid transparent; border-radius: 6px; }}
QFrame#dropItem[invalid="true"] {{ border-color: {error}; }}
QScrollArea#dropStrip, QWidget#dropStripBody {{ background: transparent; }}
QToolButton#tileRemove {{ background: palette(window); border: 1px solid palette(mid); border-radius: 9px;
                          min-width: 16px; max-width: 16px; min-height: 16px; max-height: 16px; padding: 0; }}
QToolButton#tileRemove:hover {{ border-color: {error}; color: {error}; }}
QLabel#thumb {{ background: palette(alternate-base); border-radius: 4px; color: palette(placeholder-text); }}
QFrame#generateBar {{ border-top: 1px solid palette(mid); }}
QPushButton#generateButton {{
    background: {accent}; color: white; font-weight: bold; border: none; border-radius: 6px;
    padding: 6px 22px;
}}
QPushButton#generateButton:hover {{ background: {accent_hover}; }}
QPushButton#generateButton:focus {{ border: 2px solid {focus}; padding: 4px 20px; }}
QToolButton#backendBadge:focus, QToolButton#tileRemove:focus {{ border: 2px solid {focus}; }}
QFrame#dropZone:focus, QFrame#dropZone QPushButton:focus, QFrame#dropZone QLineEdit:focus {{
    border: 2px solid {focus};
}}
QPushButton#generateButton:disabled {{ background: palette(mid); }}
QToolButton#backendBadge {{ border: 1px solid palette(mid); border-radius: 9px; padding: 1px 10px; }}
QToolButton#backendBadge[kind="sandbox"] {{ background: {sandbox_bg}; color: {sandbox_fg}; border-color: {sandbox_border}; }}
QToolButton#backendBadge[kind="service"] {{ background: {service_bg}; color: {service_fg}; border-color: {service_border}; }}
QToolButton#backendBadge[kind="problem"] {{ background: {error_bg}; color: {problem_fg}; border-color: {problem_border}; }}
QLabel#errorBox {{
    background: {error_bg}; color: {error_box_fg}; border: 1px solid {error_border}; border-radius: 6px; padding: 6px;
}}
QLabel#keyWhere[warning="true"] {{
    background: {warn_bg}; color: {warn_fg}; border: 1px solid {warn_border}; border-radius: 6px; padding: 6px;
}}
QLabel#testResult[error="true"] {{ color: {error}; }}
QLabel#workspaceNote {{ color: palette(placeholder-text); font-size: 8.5pt; }}
QLabel#workspaceNote[error="true"] {{ color: {error}; font-size: 8.5pt; }}
QLabel#mediaTitle {{ font-weight: 600; }}
QLabel#testResult[error="false"] {{ color: {ok}; }}
QFrame#decisionPanel {{
    background: {warn_bg}; border: 1px solid {warn_border}; border-radius: 6px;
}}
QFrame#decisionPanel QLabel {{ color: {decision_fg}; background: transparent; }}
QFrame#decisionPanel QLabel#decisionTitle {{ color: {warn_text}; font-weight: bold; }}
QFrame#decisionPanel QLabel#decisionHint {{ color: {decision_hint}; font-size: 8.5pt; }}
QFrame#decisionPanel QLabel#decisionError {{
    color: {error_box_fg}; background: {error_bg}; border: 1px solid {error_border}; border-radius: 4px; padding: 3px 6px;
}}
QFrame#decisionPanel QLabel#decisionBusy {{ color: {warn_text}; font-style: italic; }}
QFrame#candidateRow {{ background: {candidate_bg}; border: 1px solid {candidate_border}; border-radius: 4px; }}
QFrame#candidateRow QLineEdit#candidateId, QFrame#candidateRow QLabel#candidatePrompt {{
    color: {decision_hint}; font-size: 8.5pt;
}}
QFrame#candidateRow QLineEdit#candidateId {{ background: transparent; border: none; padding: 0; }}
QLabel#guestBanner {{
    background: {info_bg}; color: {info_fg}; border: 1px solid {info_border}; border-radius: 6px; padding: 5px 10px;
    margin: 4px 6px 2px 6px;
}}
QLabel#bigPreview {{ background: palette(alternate-base); border-radius: 4px; color: palette(placeholder-text); }}
/* Flat scroll bars, solid fills only: Fusion's gradients make Qt's raster engine split each fill across its GUI
   thread pool and wait for it (0.8 ms a repaint, several ms on busy cores; these take 0.013 ms). */
QScrollBar:vertical {{ background: palette(window); width: 12px; margin: 0; border: none; }}
QScrollBar:horizontal {{ background: palette(window); height: 12px; margin: 0; border: none; }}
QScrollBar::handle:vertical {{ background: palette(mid); min-height: 28px; margin: 2px 3px; }}
QScrollBar::handle:horizontal {{ background: palette(mid); min-width: 28px; margin: 3px 2px; }}
QScrollBar::handle:hover, QScrollBar::handle:pressed {{ background: palette(dark); }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; border: none; background: none; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
"""


def sheet(colors: dict[str, str]) -> str:
    return _SHEET.format(**colors)


STYLE_SHEET = sheet(LIGHT)
_dark = False


def is_dark() -> bool:
    return _dark


def color(name: str) -> str:
    """A named colour of the scheme in use."""
    return (DARK if _dark else LIGHT)[name]


def app_icon() -> QIcon:
    """Drawn, so there is always an icon (packaging may replace it with resources/icons/app.png)."""
    from PySide6.QtGui import QIcon
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
    from PySide6.QtGui import QBrush, QLinearGradient, QPainter, QPainterPath, QPixmap
    pix = QPixmap(size, size)
    pix.fill(QColor(*CLEAR))
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    r = QRectF(0, 0, size, size).adjusted(size * 0.04, size * 0.04, -size * 0.04, -size * 0.04)
    g = QLinearGradient(r.topLeft(), r.bottomRight())
    g.setColorAt(0.0, QColor("#ff9a3c"))
    g.setColorAt(1.0, QColor("#e8430c"))
    p.setPen(QColor(*CLEAR))
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
    from PySide6.QtGui import QPainter, QPainterPath, QPixmap
    pix = QPixmap(size, size)
    pix.fill(QColor(*CLEAR))
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    tri = QPainterPath()
    m = size * 0.06
    tri.moveTo(QPointF(size / 2, m))
    tri.lineTo(QPointF(size - m, size - m))
    tri.lineTo(QPointF(m, size - m))
    tri.closeSubpath()
    p.setPen(QColor(*CLEAR))
    p.setBrush(QColor("#f9a825"))
    p.drawPath(tri)
    p.setBrush(QColor("#3e2a00"))
    w = max(1.5, size * 0.12)
    p.drawRoundedRect(QRectF(size / 2 - w / 2, size * 0.34, w, size * 0.34), w / 2, w / 2)
    p.drawEllipse(QPointF(size / 2, size * 0.80), w * 0.6, w * 0.6)
    p.end()
    _WARNING_PIXMAPS[size] = pix
    return pix


def dark_palette() -> QPalette:
    """Fusion's roles for a dark desktop (used when the system or the person asks for dark)."""
    pal = QPalette()
    roles = QPalette.ColorRole
    for role, value in ((roles.Window, "#2b2b2e"), (roles.WindowText, "#e8e8ea"), (roles.Base, "#1f1f22"),
                        (roles.AlternateBase, "#2f2f33"), (roles.ToolTipBase, "#3a3a3e"),
                        (roles.ToolTipText, "#f0f0f0"), (roles.PlaceholderText, "#9a9aa0"), (roles.Text, "#e8e8ea"),
                        (roles.Button, "#35353a"), (roles.ButtonText, "#e8e8ea"), (roles.BrightText, "#ff8a80"),
                        (roles.Light, "#4a4a50"), (roles.Midlight, "#3e3e44"), (roles.Mid, "#55555c"),
                        (roles.Dark, "#1a1a1c"), (roles.Shadow, "#000000"), (roles.Highlight, "#3d7bd9"),
                        (roles.HighlightedText, "#ffffff"), (roles.Link, "#82b1ff"), (roles.LinkVisited, "#b39ddb")):
        pal.setColor(role, QColor(value))
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a80"))
    return pal


#: "": follow the system; "light" / "dark": the person's choice (View → Appearance)
APPEARANCES = ("", "light", "dark")
_appearance = ""
_following = False


def wants_dark(appearance: str, scheme: Qt.ColorScheme) -> bool:
    from PySide6.QtCore import Qt
    return appearance == "dark" or (appearance != "light" and scheme == Qt.ColorScheme.Dark)


def _platform_dark(app: QApplication) -> bool:
    """The desktop's scheme guessed from the platform's own palette (before ours is set): what the window's
    frame is painted with, before ``Qt`` may be touched. :func:`follow_system` asks the real question."""
    return app.palette().color(QPalette.ColorRole.Window).lightness() < 128


def apply_scheme(app: QApplication, appearance: str | None = None, scheme: Qt.ColorScheme | None = None,
                 *, guess: bool = False) -> bool:
    """Palette and sheet for the scheme now in force; returns True when dark. ``scheme`` is the system's
    (from its change signal); ``appearance`` the person's choice, kept for the next system change.
    ``guess``: when following the system, go by the platform's palette instead of asking Qt's style hints."""
    global _dark, _appearance
    if appearance is not None:
        _appearance = appearance
    if _appearance in ("light", "dark"):
        dark = _appearance == "dark"
    elif scheme is None and guess:
        dark = _dark if app.styleSheet() else _platform_dark(app)
    else:
        dark = wants_dark(_appearance, app.styleHints().colorScheme() if scheme is None else scheme)
    if dark != _dark or appearance is not None or not app.styleSheet():
        _dark = dark
        app.setPalette(dark_palette() if dark else app.style().standardPalette())
        app.setStyleSheet(sheet(DARK if dark else LIGHT))
    return dark


def follow_system(app: QApplication) -> None:
    """Follow the desktop's scheme live: switching the system to dark restyles the open window. Also
    settles a guess made by ``apply(early=True)`` and sets the app's icon it left out."""
    global _following
    if _following:
        return
    _following = True
    apply_scheme(app)
    if app.windowIcon().isNull():           # left out by apply(early=True): drawn with pens and brushes
        app.setWindowIcon(app_icon())
        _cjk_fonts(app)
    app.styleHints().colorSchemeChanged.connect(lambda scheme: apply_scheme(app, None, scheme))


def _cjk_fonts(app: QApplication) -> None:
    """Prefer fonts that carry Simplified Chinese when the platform default does not."""
    from PySide6.QtGui import QFont
    f = QFont(app.font())
    f.setFamilies([f.family(), "Noto Sans CJK SC", "Microsoft YaHei UI", "PingFang SC", "Source Han Sans SC",
                   "WenQuanYi Micro Hei"])
    app.setFont(f)


def apply(app: QApplication, appearance: str = "", *, early: bool = False) -> None:
    """Scheme, sheet, icon and fonts. ``early`` (the window's frame is not painted yet, and it shows no
    text): the system's scheme is guessed from its palette and not followed yet, and the icon and fonts
    wait — call :func:`follow_system` after the first paint."""
    apply_scheme(app, appearance, guess=early)
    if not early:
        app.setWindowIcon(app_icon())
        _cjk_fonts(app)
        follow_system(app)
