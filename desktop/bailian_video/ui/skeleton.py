"""What the main window shows for the moment between its first paint and its content being built.

A sketch of the Create page in the palette's colours, placed where the real parts will be: the menu bar,
the families' tab bar, the form on the left with its Generate button, the result on the right and the
queue below. It needs nothing but Qt, so the window can be on screen before the model catalogue, the
engine and the forms are loaded (``MainWindow.build`` replaces it, a few hundred milliseconds later). It
shows no words: nothing to translate, nothing to misread as real.

It is made of plain frames drawn by a style sheet, not painted from Python: PySide6 makes all ~120 enums
of the ``Qt`` namespace (~35 ms) the first time a pen, a brush or an alignment is passed from Python, and
that is paid after the first paint instead (see style.py).
"""
from __future__ import annotations

from typing import Any

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QLabel, QWidget

#: (kind, x, y, width, height); kinds: bar (a line of text), box (a field), rule, accent (Generate), play
Piece = tuple[str, int, int, int, int]


def studio_split(width: int) -> int:
    """The form column's first width on the Create page (the result gets the rest)."""
    w = max(width, 800)
    return max(420, min(560, int(w * 0.42)))


def dock_height(height: int) -> int:
    """The queue's first height: a quarter of a tall window, a fifth of a short one."""
    return max(120, min(300, int(height * (0.25 if height >= 800 else 0.2))))


def pieces(w: int, h: int, line: int) -> list[Piece]:
    """Where the sketch's parts go in a window of ``w``×``h`` whose text is ``line`` pixels high."""
    out: list[Piece] = []
    bar_h = max(6, round(line * 0.6))

    def bar(x: float, y: float, width: float, height: int = bar_h) -> None:
        out.append(("bar", round(x), round(y), max(4, round(width)), height))

    def box(x: float, y: float, width: float, height: float) -> None:
        out.append(("box", round(x), round(y), max(8, round(width)), max(8, round(height))))

    def rule(x: float, y: float, width: float, height: float) -> None:
        out.append(("rule", round(x), round(y), max(1, round(width)), max(1, round(height))))

    # the menu bar and, at its right, the page switch
    menu = line + 8
    x = 10.0
    for width in (28, 32, 34, 30):
        bar(x, (menu - bar_h) / 2, width)
        x += width + 16
    x = w - 10.0
    for width in (66, 46, 46):
        x -= width
        bar(x, (menu - bar_h) / 2, width)
        x -= 14
    # the families' tab bar
    tabs_top, tabs_h = menu, line + 14
    x = 12.0
    for i in range(14):
        width = (92, 104, 120, 126, 96, 108, 118)[i % 7]
        if x + width > w - 12:
            break
        bar(x, tabs_top + (tabs_h - bar_h) / 2, width)
        x += width + 22
    rule(0, tabs_top + tabs_h - 1, w, 1)
    # the queue below, the status bar under it
    status = line + 10
    dock = dock_height(h) + line + 8
    dock_top = h - status - dock
    studio_top = tabs_top + tabs_h
    form = studio_split(w)
    # the form: a sentence, the model, a title, the prompt box, settings; Generate at its foot
    x, y, fw = 12.0, studio_top + 12.0, form - 24.0
    foot = dock_top - line * 3
    bar(x, y, fw * 0.62)
    y += line + 8
    bar(x, y + (line + 10 - bar_h) / 2, 42)
    box(x + 52, y, min(310.0, fw - 52), line + 10)
    y += line + 18
    bar(x + 52, y, fw * 0.45)
    y += line * 2 + 6
    bar(x + 4, y, 64, round(line * 0.75))
    y += line + 8
    bar(x + 4, y, 52)
    y += line
    prompt = min(line * 5.0, max(line * 2.0, foot - y - line * 5))
    box(x + 4, y, fw - 8, prompt)
    y += prompt + line
    bar(x + 4, y, fw * 0.7)
    y += line * 1.6
    for _ in range(2):
        if y + line * 3 > foot - line:
            break
        bar(x + 4, y, 70)
        y += line
        box(x + 4, y, fw - 8, line + 10)
        y += line * 2 + 4
    bar(x + 10, foot + (line * 2 - bar_h) / 2, fw * 0.38)
    out.append(("accent", round(form - 12 - 98), round(foot), 98, line * 2))
    # the result, the hero: a play mark and a line under it
    stage_w, stage_h = w - form - 16, dock_top - studio_top - 20
    if stage_w > 40 and stage_h > 40:
        rule(form, studio_top, 1, dock_top - studio_top)
        cx, cy = form + 6 + stage_w / 2, studio_top + 10 + stage_h / 2
        s = round(min(stage_w, stage_h) * 0.22)
        out.append(("play", round(cx - s / 2), round(cy - s * 0.75), s, s))
        bar(cx - stage_w * 0.14, cy + s * 0.45, stage_w * 0.28, round(line * 0.8))
    # the queue: its title, a summary line, the table (header, empty body) and the details on its right
    rule(0, dock_top, w, 1)
    y = dock_top + 6.0
    bar(6, y + 2, 44)
    y += line + 6
    bar(6, y + 2, 120)
    top = y + line + 6
    table_w = max(100.0, w * 0.76)
    box(6, top, table_w, dock_top + dock - top - 6)
    rule(7, top + line + 6, table_w - 2, 1)
    hx = 14.0
    for width in (50, 40, 90, 46, 34, 30):
        bar(hx, top + (line + 6 - bar_h) / 2, width)
        hx += table_w / 6
    bar(6 + table_w + 12, top + 6, max(40.0, (w - table_w - 36) * 0.7))
    return out


class Skeleton(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("skeleton")
        self._parts: list[QWidget] = []
        window = self.palette().color(QPalette.ColorRole.Window)
        ink = "255, 255, 255, 38" if window.lightness() < 128 else "0, 0, 0, 26"
        self.setStyleSheet(f"""
            #skeleton {{ background: palette(window); }}
            QFrame[kind="bar"] {{ background: rgba({ink}); border: none; border-radius: 3px; }}
            QFrame[kind="box"] {{ background: palette(base); border: 1px solid palette(mid); border-radius: 3px; }}
            QFrame[kind="rule"] {{ background: palette(mid); border: none; }}
            QFrame[kind="accent"] {{ background: rgba(255, 106, 0, 110); border: none; border-radius: 4px; }}
            QLabel[kind="play"] {{ color: rgba({ink}); background: transparent; qproperty-alignment: AlignCenter; }}
        """)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        layout = pieces(self.width(), self.height(), self.fontMetrics().height())
        while len(self._parts) < len(layout):
            self._parts.append(QWidget(self))        # replaced below by the right kind
        for i, (kind, x, y, width, height) in enumerate(layout):
            part = self._parts[i]
            if part.property("kind") != kind:
                part.deleteLater()
                part = QLabel("▶", self) if kind == "play" else QFrame(self)
                part.setProperty("kind", kind)
                self._parts[i] = part
            if kind == "play":
                f = part.font()
                f.setPixelSize(max(8, height))
                part.setFont(f)
            part.setGeometry(x, y, width, height)
            part.show()
        for part in self._parts[len(layout):]:
            part.hide()
