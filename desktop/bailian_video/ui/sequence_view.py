"""The Sequences page: ordered shots that become one film.

Left, the sequences (name, shots, length, cost so far). On the right the chosen one: a storyboard strip
of shot cards (the chosen take's picture, number, length, takes, what is running, ⤳ when it continues the
shot before) that reorders by dragging or Alt+←/→; under it the selected shot's takes side by side (use
one, play one, make a new one with the same settings); "Make film" stitches the chosen takes, "Export…"
hands them to an editor. The sequences live in the task store: the page follows ``sequences.version()``
(looked at once a second while the page shows) and the engine's task events.
"""
from __future__ import annotations

import asyncio
import copy
import os
import sys
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QDrag,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QHideEvent,
    QIcon,
    QKeyEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .. import catalog
from ..catalog import ValidationError
from ..engine import State, budget, film
from ..engine.records import TaskRecord
from ..engine.sequences import Sequence as Seq
from ..engine.sequences import SequenceError, spend_of, take_seconds
from . import desktop, style
from .budget_ui import resolve_hold
from .queue_model import thumb_source
from .sequence_model import (
    ROLE_PROBLEM,
    ROLE_ROW,
    ROLE_THUMB,
    ShotRow,
    StoryboardModel,
    records_for,
    shot_rows,
    totals,
)
from .session import Session
from .thumbs import MISSING, ThumbStore
from .util import ask, fmt_money, spawn, tx, wait_signal

CARD_W = 176          # a storyboard card, and a take's (a tall window makes both larger, up to MAX_SCALE)
PAD = 8
MAX_SCALE = 1.6
CROSSFADES = (0.0, 0.3, 0.5, 1.0)
NEW = -1              # "a new sequence" in the add-to menu
POLL_MS = 1000

translate = QCoreApplication.translate


def seconds_text(seconds: float | None) -> str:
    return "" if seconds is None else translate("Format", "%1 s").replace("%1", f"{seconds:.1f}")


def jianying_drafts() -> Path | None:
    """剪映's own drafts folder on this computer, when it is installed."""
    inside = Path("JianyingPro") / "User Data" / "Projects" / "com.lveditor.draft"
    folder = None
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        folder = Path(os.environ["LOCALAPPDATA"]) / inside
    elif sys.platform == "darwin":
        folder = Path.home() / "Movies" / inside
    return folder if folder is not None and folder.is_dir() else None


def fit_pixmap(pix: QPixmap, box: QSize) -> QPixmap:
    return pix.scaled(box, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)


def pill(p: QPainter, x: int, y: int, text: str, bg: QColor, max_w: int) -> None:
    """White words on a dark or coloured pill over a picture (its background, whatever the theme)."""
    font = QFont(p.font())
    font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
    font.setBold(True)
    p.save()
    p.setFont(font)
    fm = p.fontMetrics()
    text = fm.elidedText(text, Qt.TextElideMode.ElideRight, max_w - 12)
    r = QRectF(x, y, fm.horizontalAdvance(text) + 12, fm.height() + 4)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(bg)
    p.drawRoundedRect(r, r.height() / 2, r.height() / 2)
    p.setPen(QColor(255, 255, 255))
    p.drawText(r, Qt.AlignmentFlag.AlignCenter, text)
    p.restore()


# -- small dialogs ---------------------------------------------------------------------------------
async def ask_name(parent: QWidget, title: str, label: str, text: str) -> str | None:
    """A name typed by the person (None: canceled or left empty)."""
    dlg = QInputDialog(parent)
    dlg.setObjectName("sequenceNameDialog")
    dlg.setWindowTitle(title)
    dlg.setLabelText(label)
    dlg.setTextValue(text)
    dlg.open()
    try:
        (result,) = await wait_signal(dlg.finished)
        value = dlg.textValue().strip()
    finally:
        dlg.deleteLater()
    return value if result == int(QDialog.DialogCode.Accepted) and value else None


async def pick_from_menu(menu: QMenu, at: QPoint) -> Any:
    """Pop ``menu`` up at ``at`` and return the data of the action chosen (None: closed without one)."""
    fut: asyncio.Future = asyncio.get_running_loop().create_future()

    def done(value: Any) -> None:
        if not fut.done():
            fut.set_result(value)

    for a in menu.actions():
        if a.isEnabled() and not a.isSeparator():
            a.triggered.connect(lambda _c=False, a=a: done(a.data()))
    # the menu hides before the chosen action fires: decide once that has had its turn
    menu.aboutToHide.connect(lambda: QTimer.singleShot(0, menu, lambda: done(None)))
    menu.popup(at)
    try:
        return await fut
    finally:
        menu.hide()
        menu.deleteLater()


class TakePlayer(QDialog):
    """One video played large (a take or a film). Qt Multimedia loads with the first one."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        from .video_grid import VideoGrid
        self.setObjectName("takePlayer")
        self.setModal(False)
        self.setWindowFlags(Qt.WindowType.Window | Qt.WindowType.WindowMinMaxButtonsHint
                            | Qt.WindowType.WindowCloseButtonHint)
        self.grid = VideoGrid(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        col = QVBoxLayout(self)
        col.addWidget(self.grid, 1)
        col.addWidget(buttons)
        screen = (parent.screen() if parent is not None else self.screen()).availableGeometry()
        self.resize(min(1100, int(screen.width() * 0.7)), min(720, int(screen.height() * 0.75)))

    def play(self, title: str, path: str) -> None:
        self.setWindowTitle(title)
        self.grid.set_videos([(title, path)])
        self.show()
        self.raise_()
        self.grid.play()

    def reject(self) -> None:
        if self.grid.is_full_screen():
            self.grid.set_full_screen(False)
            return
        self.grid.pause()
        super().reject()


class LibraryPicker(QDialog):
    """Finished videos to add to a sequence as new shots (in the order they were made)."""

    def __init__(self, records: list[TaskRecord], thumbs: ThumbStore, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("sequencePicker")
        self.thumbs = thumbs
        self.setWindowTitle(self.tr("Add videos to the sequence"))
        self.hint = QLabel(self.tr("Select one or more finished videos (Ctrl or Shift to select several). They "
                                   "become new shots at the end, in the order they were made."), self)
        self.hint.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setObjectName("sequencePickerList")
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setIconSize(QSize(160, 90))
        self.list.setGridSize(QSize(184, 150))
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setWordWrap(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.items: dict[str, list[QListWidgetItem]] = {}
        for rec in sorted(records, key=lambda r: (-r.created_at, -r.id)):
            spec = catalog.get(rec.model)
            title = (rec.prompt or (tx(spec.title) if spec else rec.model)).replace("\n", " ")
            item = QListWidgetItem(title[:60], self.list)
            item.setData(Qt.ItemDataRole.UserRole, rec)
            item.setToolTip(rec.prompt or title)
            src = thumb_source(rec) or ""
            self.items.setdefault(src, []).append(item)
            self._icon(item, src)
        thumbs.ready.connect(self._ready)
        self.buttons = QDialogButtonBox(self)
        self.add_button = self.buttons.addButton(self.tr("Add"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.list.itemSelectionChanged.connect(lambda: self.add_button.setEnabled(bool(self.chosen())))
        self.list.itemDoubleClicked.connect(lambda _i: self.accept())
        self.add_button.setEnabled(False)
        col = QVBoxLayout(self)
        col.addWidget(self.hint)
        col.addWidget(self.list, 1)
        col.addWidget(self.buttons)
        self.resize(820, 560)

    def _icon(self, item: QListWidgetItem, src: str) -> None:
        pix = self.thumbs.poster(src) if src else None
        if pix is not None:
            item.setIcon(QIcon(fit_pixmap(pix, self.list.iconSize())))

    def _ready(self, path: str) -> None:
        for item in self.items.get(path, []):
            self._icon(item, path)

    def chosen(self) -> list[TaskRecord]:
        recs = [i.data(Qt.ItemDataRole.UserRole) for i in self.list.selectedItems()]
        return sorted(recs, key=lambda r: (r.created_at, r.id))


# -- the storyboard strip ----------------------------------------------------------------------------
def card_size(line: int, width: int = CARD_W) -> QSize:
    pic = round((width - 2 * PAD) * 9 / 16)
    return QSize(width, PAD + pic + 6 + 2 * line + 4 + PAD)


def take_picture(width: int) -> QSize:
    return QSize(width - 2 * PAD, round((width - 2 * PAD) * 9 / 16))


def card_picture(card: QRect) -> QRect:
    w = card.width() - 2 * PAD
    return QRect(card.left() + PAD, card.top() + PAD, w, round(w * 9 / 16))


class StoryboardDelegate(QStyledItemDelegate):
    """A shot's card: its picture (a pill says what is running), "Shot 2 ⤳", its length, its takes."""

    def __init__(self, strip: StoryboardStrip):
        super().__init__(strip)
        self.strip = strip

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return card_size(option.fontMetrics.height(), self.strip.card_w)

    def paint(self, p: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        row: ShotRow | None = index.data(ROLE_ROW)
        if row is None:
            return
        pal: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        card = QRectF(option.rect.adjusted(3, 3, -3, -3))
        if selected:
            hl = QColor(pal.color(QPalette.ColorRole.Highlight))
            fill = QColor(hl)
            fill.setAlpha(70)
            p.setPen(QPen(hl, 2))
            p.setBrush(fill)
        else:
            p.setPen(QPen(pal.color(QPalette.ColorRole.Mid), 1))
            p.setBrush(pal.color(QPalette.ColorRole.AlternateBase))
        p.drawRoundedRect(card, 8, 8)

        pic = card_picture(option.rect)
        clip = QPainterPath()
        clip.addRoundedRect(QRectF(pic), 6, 6)
        p.save()
        p.setClipPath(clip)
        p.fillRect(pic, pal.color(QPalette.ColorRole.Dark))
        poster = index.data(ROLE_THUMB)
        if isinstance(poster, QPixmap) and not poster.isNull():
            scaled = poster.size().scaled(pic.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(pic.left() + (pic.width() - scaled.width()) // 2,
                           pic.top() + (pic.height() - scaled.height()) // 2, scaled.width(), scaled.height())
            p.drawPixmap(target, poster)
        else:
            p.setPen(QColor(255, 255, 255))
            problem = index.data(ROLE_PROBLEM)
            text = (self.tr("The file was moved or deleted") if problem == MISSING else
                    self.tr("No picture") if problem else
                    self.tr("All takes failed") if row.all_failed else
                    self.tr("No take yet") if row.shown is None else "…")
            p.drawText(pic.adjusted(8, 8, -8, -8), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)
        p.restore()
        if row.running is not None:
            describe = self.strip.model_().describe
            words = describe(row.running) if describe is not None else tx(row.running.state.label)
            pill(p, pic.left() + 5, pic.top() + 5, words, QColor(0, 0, 0, 170), pic.width() - 10)

        fm = option.fontMetrics
        line = fm.height()
        first = QRect(pic.left(), pic.bottom() + 6, pic.width(), line)
        bold = QFont(option.font)
        bold.setBold(True)
        p.setFont(bold)
        p.setPen(pal.color(QPalette.ColorRole.Text))
        name = self.tr("Shot %1").replace("%1", str(row.number)) + ("  ⤳" if row.continues else "")
        p.drawText(first, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
        p.setFont(option.font)
        p.drawText(first, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, seconds_text(row.seconds))
        second = first.translated(0, line)
        if row.all_failed:
            p.setPen(QColor(style.color("error")))
            n = len(row.takes)
            text = self.tr("The take failed") if n == 1 else self.tr("All %1 takes failed").replace("%1", str(n))
        else:
            p.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
            n = len(row.takes)
            text = self.tr("1 take") if n == 1 else self.tr("%1 takes").replace("%1", str(n))
        p.drawText(second, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   fm.elidedText(text, Qt.TextElideMode.ElideRight, second.width()))
        p.restore()


class StoryboardStrip(QListView):
    """The shots left to right. Drag a card to a new place (or Alt+←/→ on the selected one): the model's
    ``dropMimeData`` makes the move."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("storyboard")
        self.setViewMode(QListView.ViewMode.ListMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.card_w = CARD_W
        self.setSpacing(2)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDropIndicatorShown(False)       # ours: a line between the cards
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setItemDelegate(StoryboardDelegate(self))
        self.drop_row: int | None = None        # where the line shows while a card is dragged over
        self.dragged: int | None = None         # the shot last picked up
        self.set_card_width(CARD_W)

    def set_card_width(self, width: int) -> None:
        self.card_w = width
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self.horizontalScrollBar())
        self.setFixedHeight(card_size(self.fontMetrics().height(), width).height() + 2 * self.spacing() + bar)
        self.scheduleDelayedItemsLayout()

    def model_(self) -> StoryboardModel:
        return self.model()  # type: ignore[return-value]

    def row_at(self, pos: QPoint) -> int:
        """Where a card dropped at ``pos`` goes: before the card under it, or after it past its middle."""
        n = self.model().rowCount()
        for r in range(n):
            rect = self.visualRect(self.model().index(r, 0))
            if pos.x() < rect.center().x():
                return r
        return n

    def startDrag(self, supportedActions: Qt.DropAction) -> None:  # noqa: N802
        idx = self.currentIndex()
        if not idx.isValid():
            return
        self.dragged = self.model_().rows[idx.row()].shot.id
        drag = QDrag(self)
        drag.setMimeData(self.model().mimeData([idx]))
        rect = self.visualRect(idx)
        pix = self.viewport().grab(rect)
        drag.setPixmap(pix.scaledToWidth(max(1, rect.width() * 3 // 4), Qt.TransformationMode.SmoothTransformation))
        drag.setHotSpot(QPoint(pix.width() * 3 // 8, pix.height() * 3 // 8))
        drag.exec(Qt.DropAction.MoveAction, Qt.DropAction.MoveAction)
        self._set_drop(None)

    def _ours(self, e: QDragEnterEvent | QDragMoveEvent | QDropEvent) -> bool:
        return self.model_().shot_in(e.mimeData()) is not None

    def _set_drop(self, row: int | None) -> None:
        if row != self.drop_row:
            self.drop_row = row
            self.viewport().update()

    def _track(self, e: QDragEnterEvent | QDragMoveEvent) -> None:
        """A shot of ours being dragged over the strip: accept it as a move and mark where it lands."""
        if self._ours(e):
            e.setDropAction(Qt.DropAction.MoveAction)
            e.accept()
            self._set_drop(self.row_at(e.position().toPoint()))
        else:
            e.ignore()

    def dragEnterEvent(self, e: QDragEnterEvent) -> None:  # noqa: N802
        self._track(e)

    def dragMoveEvent(self, e: QDragMoveEvent) -> None:  # noqa: N802
        self._track(e)

    def dragLeaveEvent(self, e: QDragLeaveEvent) -> None:  # noqa: N802
        self._set_drop(None)
        e.accept()

    def dropEvent(self, e: QDropEvent) -> None:  # noqa: N802
        self._set_drop(None)
        if not self._ours(e):
            e.ignore()
            return
        row = self.row_at(e.position().toPoint())
        if self.model().dropMimeData(e.mimeData(), Qt.DropAction.MoveAction, row, 0, QModelIndex()):
            e.setDropAction(Qt.DropAction.MoveAction)
            e.accept()
        else:
            e.ignore()

    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802
        step = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}.get(Qt.Key(e.key()))
        if step is not None and e.modifiers() & Qt.KeyboardModifier.AltModifier:
            idx = self.currentIndex()
            if idx.isValid():
                target = idx.row() + step
                if 0 <= target < self.model().rowCount():
                    self.model_().mover(self.model_().rows[idx.row()].shot.id, target)
            e.accept()
            return
        super().keyPressEvent(e)

    def paintEvent(self, e: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(e)
        if self.drop_row is None:
            return
        n = self.model().rowCount()
        if not n:
            return
        if self.drop_row < n:
            x = self.visualRect(self.model().index(self.drop_row, 0)).left()
        else:
            x = self.visualRect(self.model().index(n - 1, 0)).right() + 1
        p = QPainter(self.viewport())
        p.setPen(QPen(QColor(style.ACCENT), 3))
        p.drawLine(x, 4, x, self.viewport().height() - 4)
        p.end()


# -- a take under the strip --------------------------------------------------------------------------
class TakeCard(QFrame):
    """One take of the selected shot: picture, model, seconds, cost, state; Use this take, Play."""

    def __init__(self, view: SequenceView, rec: TaskRecord, number: int):
        super().__init__(view)
        self.view = view
        self.rec = rec
        self.number = number
        self.setObjectName("takeCard")
        self.picture = QLabel(self)
        self.picture.setObjectName("takePicture")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setWordWrap(True)
        self.title = QLabel(self)
        self.title.setObjectName("takeTitle")
        self.meta = QLabel(self)
        self.meta.setObjectName("takeMeta")
        self.state = QLabel(self)
        self.state.setObjectName("takeState")
        self.use = QPushButton(self)
        self.use.setObjectName("takeUse")
        self.use.clicked.connect(lambda: self.view.choose(self.rec))
        self.play = QPushButton(self)
        self.play.setObjectName("takePlay")
        self.play.clicked.connect(lambda: self.view.play(self.rec))
        for b in (self.use, self.play):
            b.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.setSpacing(4)
        buttons.addWidget(self.use, 1)
        buttons.addWidget(self.play)
        col = QVBoxLayout(self)
        col.setContentsMargins(7, 7, 7, 7)
        col.setSpacing(3)
        col.addWidget(self.picture)
        col.addWidget(self.title)
        col.addWidget(self.meta)
        col.addWidget(self.state)
        col.addStretch(1)
        col.addLayout(buttons)
        self.set_width(view.take_w)

    def set_width(self, width: int) -> None:
        self.setFixedSize(width, self.height_for(self, width))
        self.picture.setFixedSize(take_picture(width))
        if self.picture.pixmap() is not None and not self.picture.pixmap().isNull():
            self.update_picture()

    @staticmethod
    def height_for(widget: QWidget, width: int) -> int:
        """A take card's height: margins, picture, three lines, the buttons."""
        probe = QPushButton("Ag")
        probe.setFont(widget.font())
        button = probe.sizeHint().height()
        probe.deleteLater()
        return 14 + take_picture(width).height() + 3 * (widget.fontMetrics().height() + 1) + 4 * 3 + button + 4

    def update_from(self, rec: TaskRecord, in_film: bool, chosen: bool) -> None:
        self.rec = rec
        spec = catalog.get(rec.model)
        model = tx(spec.title) if spec else rec.model
        fm = self.title.fontMetrics()
        head = self.tr("Take %1").replace("%1", str(self.number))
        mark = ("  ✓ " + self.tr("In the film")) if in_film else ""
        width = self.width() - 16
        self.title.setText(fm.elidedText(f"{head}{mark}", Qt.TextElideMode.ElideRight, width))
        self.meta.setText(self.meta.fontMetrics().elidedText(model, Qt.TextElideMode.ElideRight, width))
        self.meta.setToolTip(model)
        if rec.state == State.DONE:
            words = tx(rec.state.label)
        elif rec.state.active:
            describe = self.view.model.describe
            words = describe(rec) if describe is not None else tx(rec.state.label)
        else:
            why = rec.error_text()
            words = tx(rec.state.label) + (f": {why}" if why else "")
        spent = spend_of(rec)
        money = fmt_money(spent, rec.cost_actual is not None) if spent or rec.cost_actual is not None else ""
        line = " · ".join(x for x in (seconds_text(take_seconds(rec)), money, words) if x)
        self.state.setText(self.state.fontMetrics().elidedText(line, Qt.TextElideMode.ElideRight, width))
        self.state.setToolTip(line)
        self.setProperty("chosen", in_film)
        self.style().unpolish(self)
        self.style().polish(self)
        playable = rec.state == State.DONE and bool(rec.output_path)
        self.use.setText(self.tr("Use this take"))
        self.use.setEnabled(playable and not chosen)
        self.use.setToolTip(self.tr("The film uses this take for the shot") if playable else
                            self.tr("Only a finished take can be used"))
        self.play.setText(self.tr("Play"))
        self.play.setEnabled(playable)
        self.use.setAccessibleName(self.tr("Use take %1").replace("%1", str(self.number)))
        self.play.setAccessibleName(self.tr("Play take %1").replace("%1", str(self.number)))
        self.update_picture()

    def update_picture(self) -> None:
        src = thumb_source(self.rec)
        pix = self.view.thumbs.poster(src) if src else None
        if pix is not None:
            self.picture.setPixmap(fit_pixmap(pix, self.picture.size()))
            return
        self.picture.clear()
        problem = self.view.thumbs.problem(src)
        self.picture.setText(self.tr("The file was moved or deleted") if problem == MISSING else
                             self.tr("No picture") if problem or src is None and self.rec.state.terminal
                             else "…")


# -- the page ----------------------------------------------------------------------------------------
class SequenceView(QWidget):
    """The Sequences page. ``film_progress(float)`` carries the film's progress (0–1) as it is made."""

    film_progress = Signal(float)

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("sequenceView")
        self.session = session
        self.seqs: dict[int, Seq] = {}
        self.records: dict[int, TaskRecord] = {}
        self.rows: list[ShotRow] = []
        self.current_id: int | None = None
        self.current_shot: int | None = None
        self.player: TakePlayer | None = None
        self.last_film: TaskRecord | None = None
        self._done_path: str | None = None
        self.rendering: threading.Event | None = None       # set to cancel the film being made
        self.busy = False
        self._version = -1
        self._list_key: list[tuple[int, str]] = []
        self._take_key: tuple = ()
        self._take_cards: list[TakeCard] = []
        self.take_w = CARD_W
        self.thumbs = ThumbStore(session.config.data_dir / "thumbs", parent=self)
        self.thumbs.ready.connect(self._thumb_ready)
        self.model = StoryboardModel(self.thumbs, self.move_shot, self)

        # -- left: the sequences -------------------------------------------------------------
        left = QWidget(self)
        left.setObjectName("sequenceListSide")
        self.list_title = QLabel(left)
        self.list_title.setObjectName("columnTitle")
        self.list = QListWidget(left)
        self.list.setObjectName("sequenceList")
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.list.currentItemChanged.connect(self._list_changed)
        self.new_button = QPushButton(left)
        self.new_button.setObjectName("sequenceNew")
        self.new_button.clicked.connect(lambda: spawn(self.new_sequence(), name="sequence-new"))
        self.rename_button = QPushButton(left)
        self.rename_button.setObjectName("sequenceRename")
        self.rename_button.clicked.connect(lambda: spawn(self.rename_sequence(), name="sequence-rename"))
        self.delete_button = QPushButton(left)
        self.delete_button.setObjectName("sequenceDelete")
        self.delete_button.clicked.connect(lambda: spawn(self.delete_sequence(), name="sequence-delete"))
        row = QHBoxLayout()
        row.setSpacing(4)
        for b in (self.new_button, self.rename_button, self.delete_button):
            b.setAutoDefault(False)
            row.addWidget(b)
        lcol = QVBoxLayout(left)
        lcol.setContentsMargins(8, 8, 4, 8)
        lcol.addWidget(self.list_title)
        lcol.addWidget(self.list, 1)
        lcol.addLayout(row)

        # -- right: nothing yet ---------------------------------------------------------------
        self.none_page = QWidget(self)
        self.none_page.setObjectName("sequenceNone")
        self.none_text = QLabel(self.none_page)
        self.none_text.setObjectName("sequenceNoneText")
        self.none_text.setWordWrap(True)
        self.none_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.none_new = QPushButton(self.none_page)
        self.none_new.setObjectName("sequenceNoneNew")
        self.none_new.clicked.connect(lambda: spawn(self.new_sequence(), name="sequence-new"))
        ncol = QVBoxLayout(self.none_page)
        ncol.addStretch(1)
        ncol.addWidget(self.none_text)
        ncol.addWidget(self.none_new, 0, Qt.AlignmentFlag.AlignHCenter)
        ncol.addStretch(2)

        # -- right: the sequence ----------------------------------------------------------------
        detail = QWidget(self)
        detail.setObjectName("sequenceDetail")
        self.title = QLabel(detail)
        self.title.setObjectName("sequenceTitle")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary = QLabel(detail)
        self.summary.setObjectName("sequenceSummary")
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addSpacing(12)
        head.addWidget(self.summary, 1)

        self.fade_label = QLabel(detail)
        self.fade = QComboBox(detail)
        self.fade.setObjectName("sequenceCrossfade")
        self.fade.currentIndexChanged.connect(self._fade_changed)
        self.fade_label.setBuddy(self.fade)
        self.film_button = QPushButton(detail)
        self.film_button.setObjectName("makeFilm")
        self.film_button.setAutoDefault(False)
        self.film_button.clicked.connect(lambda: spawn(self.make_film(), name="make-film"))
        self.export_button = QToolButton(detail)
        self.export_button.setObjectName("sequenceExport")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.export_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.export_menu = QMenu(self.export_button)
        self.export_menu.setObjectName("exportMenu")
        self.export_actions = {}
        for fmt in film.FORMATS:
            a = self.export_menu.addAction("")
            a.setObjectName(f"export_{fmt}")
            a.triggered.connect(lambda _c=False, f=fmt: spawn(self.export(f), name=f"export-{f}"))
            self.export_actions[fmt] = a
        self.export_button.setMenu(self.export_menu)
        self.add_button = QPushButton(detail)
        self.add_button.setObjectName("sequenceAddVideos")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(lambda: spawn(self.add_from_library(), name="sequence-add"))
        tools = QHBoxLayout()
        tools.setSpacing(6)
        tools.addWidget(self.fade_label)
        tools.addWidget(self.fade)
        tools.addWidget(self.film_button)
        tools.addWidget(self.export_button)
        tools.addSpacing(10)

        # making the film: progress, cancel; then what came of it
        self.film_row = QWidget(detail)
        self.film_bar = QProgressBar(self.film_row)
        self.film_bar.setObjectName("filmProgress")
        self.film_bar.setRange(0, 100)
        self.film_cancel = QPushButton(self.film_row)
        self.film_cancel.setObjectName("filmCancel")
        self.film_cancel.setAutoDefault(False)
        self.film_cancel.clicked.connect(self.cancel_film)
        fr = QHBoxLayout(self.film_row)
        fr.setContentsMargins(0, 0, 0, 0)
        fr.addWidget(self.film_bar, 1)
        fr.addWidget(self.film_cancel)
        self.film_row.hide()
        self.film_progress.connect(self._progress)
        self.done_row = QWidget(detail)
        self.done_text = QLabel(self.done_row)
        self.done_text.setObjectName("sequenceStatus")
        self.done_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.done_text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)   # a long name is cut
        self.done_play = QPushButton(self.done_row)
        self.done_play.setObjectName("filmPlay")
        self.done_play.clicked.connect(lambda: self.play(self.last_film) if self.last_film else None)
        self.done_folder = QPushButton(self.done_row)
        self.done_folder.setObjectName("sequenceShowFolder")
        self.done_folder.clicked.connect(self._show_folder)
        dr = QHBoxLayout(self.done_row)
        dr.setContentsMargins(0, 0, 0, 0)
        dr.addWidget(self.done_text, 1)
        dr.addWidget(self.done_play)
        dr.addWidget(self.done_folder)
        for b in (self.done_play, self.done_folder):
            b.setAutoDefault(False)
        self.done_row.hide()
        self.error = QLabel(detail)
        self.error.setObjectName("errorBox")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()

        # the strip, or what to do with an empty sequence
        self.strip = StoryboardStrip(detail)
        self.strip.setModel(self.model)
        self.strip.selectionModel().currentChanged.connect(lambda *_: self._shot_changed())
        self.strip_empty = QWidget(detail)
        self.strip_empty_text = QLabel(self.strip_empty)
        self.strip_empty_text.setObjectName("sequenceEmptyText")
        self.strip_empty_text.setWordWrap(True)
        self.strip_empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        se = QVBoxLayout(self.strip_empty)
        se.addStretch(1)
        se.addWidget(self.strip_empty_text)
        se.addStretch(1)
        self.strip_stack = QStackedWidget(detail)
        self.strip_stack.addWidget(self.strip)
        self.strip_stack.addWidget(self.strip_empty)
        self.strip_stack.setFixedHeight(self.strip.height())

        # the selected shot and its takes
        self.shot_box = QFrame(detail)
        self.shot_box.setObjectName("shotPanel")
        self.shot_title = QLabel(self.shot_box)
        self.shot_title.setObjectName("shotTitle")
        self.regen_button = QPushButton(self.shot_box)
        self.regen_button.setObjectName("regenerateShot")
        self.regen_button.setAutoDefault(False)
        self.regen_button.clicked.connect(lambda: spawn(self.regenerate(), name="regenerate-shot"))
        self.remove_button = QPushButton(self.shot_box)
        self.remove_button.setObjectName("removeShot")
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(lambda: spawn(self.remove_shot(), name="remove-shot"))
        sh = QHBoxLayout()
        sh.addWidget(self.shot_title, 1)
        sh.addWidget(self.regen_button)
        sh.addWidget(self.remove_button)
        self.shot_note = QLabel(self.shot_box)
        self.shot_note.setObjectName("shotNote")
        self.shot_note.setWordWrap(True)
        self.takes_body = QWidget()
        self.takes_body.setObjectName("takesBody")
        self.takes_row = QHBoxLayout(self.takes_body)
        self.takes_row.setContentsMargins(0, 0, 0, 0)
        self.takes_row.setSpacing(8)
        self.takes_row.addStretch(1)
        self.takes_area = QScrollArea(self.shot_box)
        self.takes_area.setObjectName("takesArea")
        self.takes_area.setWidgetResizable(True)
        self.takes_area.setFrameShape(QFrame.Shape.NoFrame)
        self.takes_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.takes_area.setWidget(self.takes_body)
        sb = QVBoxLayout(self.shot_box)
        sb.setContentsMargins(0, 2, 0, 0)
        sb.addLayout(sh)
        sb.addWidget(self.shot_note)
        sb.addWidget(self.takes_area)

        dcol = self.detail_layout = QVBoxLayout(detail)
        dcol.setContentsMargins(8, 6, 8, 4)
        dcol.setSpacing(4)
        head.addWidget(self.add_button)
        tools.addWidget(self.film_row, 1)      # while the film is made, then what came of it (or nothing)
        tools.addWidget(self.done_row, 1)
        tools.addStretch(0)                    # takes the room only while neither shows
        dcol.addLayout(head)
        dcol.addLayout(tools)
        dcol.addWidget(self.error)
        dcol.addWidget(self.strip_stack)
        dcol.addWidget(self.shot_box)
        dcol.addStretch(1)
        self.detail_scroll = QScrollArea(self)
        self.detail_scroll.setObjectName("sequenceDetailScroll")
        self.detail_scroll.setWidgetResizable(True)
        self.detail_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.detail_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.detail_scroll.setWidget(detail)
        self.detail = detail

        self.main = QStackedWidget(self)
        self.main.addWidget(self.none_page)
        self.main.addWidget(self.detail_scroll)
        self.split = QSplitter(Qt.Orientation.Horizontal, self)
        self.split.setObjectName("sequenceSplitter")
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(left)
        self.split.addWidget(self.main)
        self.split.setStretchFactor(0, 0)
        self.split.setStretchFactor(1, 1)
        self.split.setSizes([230, 800])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.split)
        self.setStyleSheet(
            "QFrame#takeCard { border: 1px solid palette(mid); border-radius: 6px; background: palette(base); }"
            f"QFrame#takeCard[chosen=\"true\"] {{ border: 2px solid {style.ACCENT}; }}"
            "QLabel#takePicture { background: palette(dark); color: white; border-radius: 4px; }"
            "QLabel#takeTitle, QLabel#shotTitle { font-weight: bold; }"
            "QLabel#sequenceTitle { font-size: 13pt; font-weight: bold; }"
            "QLabel#takeMeta, QLabel#takeState, QLabel#shotNote, QLabel#sequenceSummary "
            "{ color: palette(placeholder-text); }"
            "QLabel#sequenceNoneText, QLabel#sequenceEmptyText { font-size: 10.5pt; color: palette(placeholder-text); }"
            f"QPushButton#makeFilm {{ background: {style.ACCENT}; color: white; font-weight: bold; border: none;"
            " border-radius: 5px; padding: 5px 16px; }"
            f"QPushButton#makeFilm:hover {{ background: {style.LIGHT['accent_hover']}; }}"
            "QPushButton#makeFilm:disabled { background: palette(mid); }")

        # -- keeping up with the store ----------------------------------------------------------
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.setInterval(150)
        self._later.timeout.connect(self.refresh)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._tick)
        session.task_added.connect(self._task_added)
        session.task_changed.connect(self._task_changed)
        session.task_removed.connect(self._task_changed)
        session.reset.connect(self.refresh)
        self.retranslate()
        self._apply_width(CARD_W)
        self.refresh()

    def _apply_width(self, width: int) -> None:
        """Cards (the strip's and the takes') ``width`` pixels wide."""
        self.strip.set_card_width(width)
        self.strip_stack.setFixedHeight(self.strip.height())
        self.take_w = width
        for card in self._take_cards:
            card.set_width(width)
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None,
                                       self.takes_area.horizontalScrollBar())
        self.takes_area.setFixedHeight(TakeCard.height_for(self, width) + bar + 2)

    def resizeEvent(self, e: Any) -> None:  # noqa: N802
        super().resizeEvent(e)
        self._fit()

    def _fit(self) -> None:
        """A tall window shows larger pictures: as large as fits without scrolling, up to MAX_SCALE."""
        layout = self.detail_layout
        layout.activate()
        spare = self.height() - layout.minimumSize().height()
        # both pictures are 16:9: a card one pixel wider is 9/8 of a pixel taller, counting the two rows
        width = int(max(CARD_W, min(CARD_W * MAX_SCALE, self.take_w + spare * 8 / 9))) // 2 * 2
        if abs(width - self.take_w) > 2:
            self._apply_width(width)

    # -- words ---------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.list_title.setText(self.tr("Sequences"))
        self.list.setAccessibleName(self.tr("Sequences"))
        self.new_button.setText(self.tr("New"))
        self.new_button.setToolTip(self.tr("Start a new, empty sequence"))
        self.rename_button.setText(self.tr("Rename"))
        self.delete_button.setText(self.tr("Delete"))
        self.delete_button.setToolTip(self.tr("Delete the sequence; its videos stay in the library"))
        self.none_text.setText(self.tr("Make a shot, then press Continue on it — or add videos from the library."))
        self.none_new.setText(self.tr("New sequence"))
        self.fade_label.setText(self.tr("Cross-fade:"))
        self.fade.setAccessibleName(self.tr("Cross-fade between shots"))
        self.fade.setToolTip(self.tr("A short blend from one shot into the next in the film"))
        self.film_button.setText(self.tr("Make film"))
        self.film_button.setToolTip(self.tr("Join the shots' chosen takes into one MP4 (it appears in the library)"))
        self.export_button.setText(self.tr("Export…"))
        self.export_button.setToolTip(self.tr("Hand the shots to a video editor"))
        self.export_actions["otio"].setText(self.tr("OpenTimelineIO (.otio)…"))
        self.export_actions["fcpxml"].setText(self.tr("Final Cut Pro 7 XML (.xml)…"))
        self.export_actions["edl"].setText(self.tr("EDL (.edl)…"))
        self.export_actions["jianying"].setText(self.tr("剪映 draft…"))
        self.add_button.setText(self.tr("Add from library…"))
        self.add_button.setToolTip(self.tr("Add finished videos as new shots"))
        self.film_cancel.setText(self.tr("Cancel"))
        self.done_play.setText(self.tr("Play"))
        self.done_folder.setText(self.tr("Show in folder"))
        self.remove_button.setText(self.tr("Remove shot"))
        self.remove_button.setToolTip(self.tr("Take the shot out of the sequence; its videos stay in the library"))
        self.strip.setAccessibleName(self.tr("Storyboard: drag a shot, or Alt+Left / Alt+Right, to reorder"))
        self.strip.setToolTip(self.tr("Drag a shot to reorder (or Alt+← / Alt+→)"))
        self.strip_empty_text.setText(self.tr("This sequence has no shots yet. Add videos from the library, or "
                                              "press Continue on a result."))
        self.fade.blockSignals(True)
        current = self.fade.currentData()
        self.fade.clear()
        for secs in CROSSFADES:
            self.fade.addItem(self.tr("None") if not secs else seconds_text(secs).replace(".0 ", " "), secs)
        i = self.fade.findData(current)
        self.fade.setCurrentIndex(max(0, i))
        self.fade.blockSignals(False)
        self._list_key = []
        self._take_key = ()
        self.refresh()

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(e)

    # -- following the store ---------------------------------------------------------------------
    def showEvent(self, e: QShowEvent) -> None:
        super().showEvent(e)
        self._poll.start()
        self.refresh()

    def hideEvent(self, e: QHideEvent) -> None:
        self._poll.stop()
        super().hideEvent(e)

    @property
    def engine(self) -> Any:
        return self.session.engine

    def _tick(self) -> None:
        """Once a second while shown: another process's change, or a running take's words."""
        eng = self.engine
        if eng is None:
            return
        if eng.sequences.version() != self._version or any(r.running is not None for r in self.rows):
            self.refresh()

    def _task_added(self, rec: Any) -> None:
        """A new task may be a new take (``submit(shot=…)``): the sequences' version says."""
        eng = self.engine
        if self.isVisible() and eng is not None and eng.sequences.version() != self._version:
            self._later.start()

    def _task_changed(self, rec: Any) -> None:
        """A take changed (its state, its file): shown again soon (a burst of progress events is one refresh)."""
        if self.isVisible() and rec.id in self.records and not self._later.isActive():
            self._later.start()

    def refresh(self) -> None:
        eng = self.engine
        if eng is None:
            self._version, self.seqs, self.records = -1, {}, {}
        else:
            self._version = eng.sequences.version()
            seqs = eng.sequences.all()
            self.records = records_for(eng, seqs)
            self.seqs = {s.id: s for s in seqs}
        self._fill_list()
        self._show_sequence()

    def _fill_list(self) -> None:
        entries = []
        for seq in self.seqs.values():
            t = totals(shot_rows(seq, self.records), seq.crossfade)
            stats = " · ".join((self._shots(t.shots), seconds_text(t.seconds),
                                fmt_money(t.cost, not t.estimated)))
            entries.append((seq.id, f"{seq.name}\n{stats}"))
        if self.current_id not in self.seqs:
            self.current_id = entries[0][0] if entries else None
        if entries != self._list_key:
            self._list_key = entries
            self.list.blockSignals(True)
            self.list.clear()
            for sid, text in entries:
                item = QListWidgetItem(text, self.list)
                item.setData(Qt.ItemDataRole.UserRole, sid)
                if sid == self.current_id:
                    self.list.setCurrentItem(item)
            self.list.blockSignals(False)
        for b in (self.rename_button, self.delete_button):
            b.setEnabled(self.current_id is not None)

    def _list_changed(self, item: QListWidgetItem | None, _old: Any = None) -> None:
        if item is None:
            return
        sid = item.data(Qt.ItemDataRole.UserRole)
        if sid != self.current_id:
            self.current_id = sid
            self.current_shot = None
            self._take_key = ()
            self.error.hide()
            self.done_row.hide()
            self._show_sequence()

    def select_sequence(self, seq_id: int) -> None:
        """Show ``seq_id`` (made or changed elsewhere: Continue, the library)."""
        self.current_id = seq_id
        self.current_shot = None
        self.refresh()
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == seq_id:
                self.list.blockSignals(True)
                self.list.setCurrentItem(item)
                self.list.blockSignals(False)

    def _shots(self, n: int) -> str:
        """"1 shot", "3 shots" (English has no plural catalogue here: the singular is its own string)."""
        return self.tr("1 shot") if n == 1 else self.tr("%1 shots").replace("%1", str(n))

    def sequence(self) -> Seq | None:
        return self.seqs.get(self.current_id) if self.current_id is not None else None

    def _show_sequence(self) -> None:
        seq = self.sequence()
        if seq is None:
            self.main.setCurrentWidget(self.none_page)
            self.rows = []
            self.model.set_rows([])
            return
        self.main.setCurrentWidget(self.detail_scroll)
        self.title.setText(seq.name)
        self.rows = shot_rows(seq, self.records)
        t = totals(self.rows, seq.crossfade)
        self.summary.setText(self.tr("%1 · %2 · cost so far %3")
                             .replace("%1", self._shots(t.shots))
                             .replace("%2", seconds_text(t.seconds))
                             .replace("%3", fmt_money(t.cost, not t.estimated)))
        self.fade.blockSignals(True)
        i = self.fade.findData(seq.crossfade)
        if i < 0:
            self.fade.addItem(seconds_text(seq.crossfade), seq.crossfade)
            i = self.fade.count() - 1
        self.fade.setCurrentIndex(i)
        self.fade.blockSignals(False)
        self.model.set_rows(self.rows)
        self.strip_stack.setCurrentWidget(self.strip if self.rows else self.strip_empty)
        self.film_button.setEnabled(bool(self.rows) and self.rendering is None)
        self.export_button.setEnabled(bool(self.rows) and not self.busy)
        row = self.model.row_of(self.current_shot) if self.current_shot is not None else -1
        if row < 0 and self.rows:
            row = 0
        if row >= 0:
            idx = self.model.index(row, 0)
            if self.strip.currentIndex() != idx:
                self.strip.selectionModel().setCurrentIndex(idx, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            self.strip.scrollTo(idx)
        self._show_shot()

    # -- the selected shot ------------------------------------------------------------------------
    def shot_row(self) -> ShotRow | None:
        idx = self.strip.currentIndex()
        return self.model.rows[idx.row()] if idx.isValid() and idx.row() < len(self.model.rows) else None

    def _shot_changed(self) -> None:
        row = self.shot_row()
        new = row.shot.id if row is not None else None
        if new != self.current_shot:
            self.current_shot = new
            self._show_shot()

    def _show_shot(self) -> None:
        row = self.shot_row()
        self.shot_box.setVisible(row is not None)
        if row is None:
            self._take_key = ()
            return
        self.current_shot = row.shot.id
        self.shot_title.setText(self.tr("Shot %1").replace("%1", str(row.number)) +
                                (" ⤳ " + self.tr("continues shot %1").replace("%1", str(row.number - 1))
                                 if row.continues else ""))
        if not row.takes:
            note = self.tr("No take yet: it appears here once it is submitted.")
        elif row.all_failed:
            note = self.tr("Every take of this shot failed. Regenerate it, or remove the shot.")
        elif row.take is None:
            note = self.tr("The first take is being made.")
        else:
            note = ""
        self.shot_note.setText(note)
        self.shot_note.setVisible(bool(note))
        source = self._source_take(row)
        amount = self._estimate(source) if source is not None else None
        if amount is None:
            self.regen_button.setText(self.tr("Regenerate"))
        else:
            self.regen_button.setText(self.tr("Regenerate — %1").replace("%1", fmt_money(amount[0], amount[1])))
        self.regen_button.setEnabled(source is not None and not self.busy)
        self.regen_button.setToolTip(
            self.tr("Make a new take of this shot: the same model, inputs and settings with a new seed")
            if source is not None else self.tr("This shot has no take made here to repeat"))
        self.remove_button.setEnabled(not self.busy)
        self._fill_takes(row)

    def _fill_takes(self, row: ShotRow) -> None:
        key = (row.shot.id, tuple(r.id for r in row.takes))
        if key != self._take_key:
            self._take_key = key
            for card in self._take_cards:
                self.takes_row.removeWidget(card)
                card.hide()
                card.deleteLater()
            self._take_cards = []
            for i, rec in enumerate(row.takes):
                card = TakeCard(self, rec, i + 1)
                self.takes_row.insertWidget(i, card)
                self._take_cards.append(card)
        used = row.take.id if row.take is not None else None
        for card, rec in zip(self._take_cards, row.takes, strict=True):
            card.update_from(rec, rec.id == used, rec.id == row.shot.chosen or
                             (row.shot.chosen is None and rec.id == used))

    def take_cards(self) -> list[TakeCard]:
        """The selected shot's takes, oldest first."""
        return list(self._take_cards)

    def _thumb_ready(self, path: str) -> None:
        for card in self._take_cards:
            if thumb_source(card.rec) == path:
                card.update_picture()

    @staticmethod
    def _source_take(row: ShotRow) -> TaskRecord | None:
        """The take whose request a new take repeats: the chosen one, else the one in the film, else the
        newest (a film made here, or a video of an unknown model, cannot be made again)."""
        chosen = next((r for r in row.takes if r.id == row.shot.chosen), None)
        for rec in (chosen, row.take, row.takes[-1] if row.takes else None):
            if rec is not None and catalog.get(rec.model) is not None:
                return rec
        return None

    def _estimate(self, rec: TaskRecord) -> tuple[float, bool] | None:
        from ..engine.intake import input_durations
        eng = self.engine
        spec = catalog.get(rec.model)
        if eng is None or spec is None:
            return None
        try:
            est = eng.estimate(self._new_request(rec), 1, input_durations(spec, rec.request, rec.files))
        except (ValueError, KeyError, TypeError):
            return None
        return est.amount, est.confirmed and est.seconds_known

    @staticmethod
    def _new_request(rec: TaskRecord) -> Any:
        req = copy.deepcopy(rec.request)
        req.params.pop("seed", None)
        return req

    def selected_records(self) -> list[TaskRecord]:
        row = self.shot_row()
        return [row.take] if row is not None and row.take is not None else []

    # -- changes --------------------------------------------------------------------------------------
    def move_shot(self, shot_id: int, position: int) -> None:
        """Put a shot at ``position`` (0-based): from a drop on the strip or Alt+←/→."""
        eng = self.engine
        if eng is None:
            return
        try:
            eng.sequences.move(shot_id, position)
        except SequenceError:
            pass
        self.current_shot = shot_id
        self.refresh()
        self.strip.setFocus(Qt.FocusReason.OtherFocusReason)

    def choose(self, rec: TaskRecord) -> None:
        """"Use this take": the film uses ``rec`` for the selected shot."""
        eng = self.engine
        if eng is None or self.current_shot is None:
            return
        try:
            eng.sequences.choose(self.current_shot, rec.id)
        except SequenceError as e:
            self._fail(str(e))
        self.refresh()

    def add_records(self, seq_id: int, recs: list[TaskRecord]) -> None:
        """Each record a new shot at the end, in order (the path of the library's "Add to sequence")."""
        eng = self.engine
        if eng is None:
            return
        for rec in recs:
            eng.sequences.add_shot(seq_id, take=rec.id)
        self.current_id = seq_id
        self.current_shot = None
        self.refresh()

    async def new_sequence(self, name: str | None = None) -> int | None:
        eng = self.engine
        if eng is None:
            return None
        name = name or await ask_name(self, self.tr("New sequence"), self.tr("Name of the sequence:"),
                                      self.tr("Sequence %1").replace("%1", str(len(self.seqs) + 1)))
        if not name:
            return None
        seq = eng.sequences.create(name)
        self.select_sequence(seq.id)
        return seq.id

    async def rename_sequence(self) -> None:
        seq = self.sequence()
        if seq is None or self.engine is None:
            return
        name = await ask_name(self, self.tr("Rename sequence"), self.tr("New name:"), seq.name)
        if name and self.engine is not None:
            try:
                self.engine.sequences.rename(seq.id, name)
            except SequenceError as e:
                self._fail(str(e))
            self.refresh()

    async def delete_sequence(self) -> None:
        seq = self.sequence()
        if seq is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Delete sequence"),
                          self.tr("Delete the sequence “%1”?").replace("%1", seq.name), parent=self)
        box.setObjectName("deleteSequenceDialog")
        box.setInformativeText(self.tr("Its shots go; the videos stay in the library, and films made from it stay "
                                       "too."))
        yes = box.addButton(self.tr("Delete sequence"), QMessageBox.ButtonRole.DestructiveRole)
        no = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(no)
        if await ask(box) is not yes or self.engine is None:
            return
        self.engine.sequences.delete(seq.id)
        self.current_id = None
        self.refresh()

    async def remove_shot(self) -> None:
        row = self.shot_row()
        if row is None or self.engine is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Remove shot"),
                          self.tr("Remove shot %1 from the sequence?").replace("%1", str(row.number)), parent=self)
        box.setObjectName("removeShotDialog")
        box.setInformativeText(self.tr("Its takes stay in the library."))
        yes = box.addButton(self.tr("Remove shot"), QMessageBox.ButtonRole.DestructiveRole)
        no = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(no)
        if await ask(box) is not yes or self.engine is None:
            return
        try:
            self.engine.sequences.remove_shot(row.shot.id)
        except SequenceError as e:
            self._fail(str(e))
        self.current_shot = None
        self.refresh()

    async def choose_target(self, recs: list[TaskRecord], at: QPoint) -> int | None:
        """Where the library's "Add to sequence" puts its videos: a menu of the sequences and "New
        sequence…" (its name asked). Returns the sequence id, or None."""
        eng = self.engine
        if eng is None:
            return None
        menu = QMenu(self)
        menu.setObjectName("addToSequenceMenu")
        n = len(recs)
        head = menu.addAction(self.tr("Add 1 video to:") if n == 1 else
                              self.tr("Add %1 videos to:").replace("%1", str(n)))
        head.setEnabled(False)
        new = menu.addAction(self.tr("New sequence…"))
        new.setData(NEW)
        seqs = eng.sequences.all()
        if seqs:
            menu.addSeparator()
        for seq in seqs:
            a = menu.addAction(seq.name.replace("&", "&&"))
            a.setData(seq.id)
        picked = await pick_from_menu(menu, at)
        if picked != NEW:
            return int(picked) if picked is not None else None
        prompt = next((r.prompt for r in recs if r.prompt), "")
        suggestion = prompt.replace("\n", " ")[:30].strip() or self.tr("Sequence %1").replace("%1", str(len(seqs) + 1))
        name = await ask_name(self, self.tr("New sequence"), self.tr("Name of the sequence:"), suggestion)
        if not name or self.engine is None:
            return None
        return int(self.engine.sequences.create(name).id)

    async def add_from_library(self) -> int:
        """Pick finished videos and add them as shots of the sequence on show. Returns how many."""
        seq, eng = self.sequence(), self.engine
        if seq is None or eng is None:
            return 0
        recs = [r for r in eng.tasks() if r.state == State.DONE and r.output_path]
        dlg = LibraryPicker(recs, self.thumbs, self)
        dlg.open()
        try:
            (result,) = await wait_signal(dlg.finished)
            chosen = dlg.chosen()
        finally:
            dlg.deleteLater()
        if result != int(QDialog.DialogCode.Accepted) or not chosen:
            return 0
        self.add_records(seq.id, chosen)
        return len(chosen)

    def _fade_changed(self, _i: int) -> None:
        seq, eng = self.sequence(), self.engine
        secs = self.fade.currentData()
        if seq is None or eng is None or secs is None or float(secs) == seq.crossfade:
            return
        eng.sequences.set_crossfade(seq.id, float(secs))
        self.refresh()

    # -- a new take -----------------------------------------------------------------------------------
    async def regenerate(self) -> list[TaskRecord]:
        """A new take of the selected shot with its chosen take's request (a new seed), after the person
        agrees to its price. Nothing else in the sequence changes."""
        row, eng = self.shot_row(), self.engine
        rec = self._source_take(row) if row is not None else None
        if row is None or rec is None or eng is None or self.busy:
            return []
        self.busy = True
        self._show_shot()
        try:
            return await self._regenerate(row, rec)
        finally:
            self.busy = False
            self.refresh()

    async def _regenerate(self, row: ShotRow, rec: TaskRecord) -> list[TaskRecord]:
        eng = self.engine
        request = self._new_request(rec)
        try:
            prepared = await eng.prepare(request)
        except ValidationError as e:
            self._fail(self.tr("Shot %1 cannot be made again: %2").replace("%1", str(row.number))
                       .replace("%2", " ".join(tx(x.message) for x in e.errors)))
            return []
        est = prepared.estimate
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Regenerate shot"),
                          self.tr("Make a new take of shot %1 — about %2?").replace("%1", str(row.number))
                          .replace("%2", fmt_money(prepared.amount, est.confirmed and est.seconds_known)),
                          parent=self)
        box.setObjectName("regenerateConfirm")
        box.setInformativeText(
            self.tr("The same model, inputs and settings with a new seed. The other shots do not change.")
            + ("\n" + self.tr("Sandbox: nothing is charged.") if self.session.is_sandbox else ""))
        yes = box.addButton(self.tr("Make a new take"), QMessageBox.ButtonRole.AcceptRole)
        no = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(yes)
        box.setEscapeButton(no)
        if await ask(box) is not yes:
            return []
        kw: dict[str, Any] = dict(prepared=prepared, force=True, shot=row.shot.id, parent=rec.parent,
                                  continuation=rec.continuation)
        try:
            res = await eng.submit(request, **kw)
        except budget.OverBudget as e:
            if not await resolve_hold(self, eng.store, e.hold):
                return []
            res = await eng.submit(request, over_budget=True, **kw)
        except ValidationError as e:
            self._fail(" ".join(tx(x.message) for x in e.errors))
            return []
        self.error.hide()
        return list(res.tasks)

    # -- the film -------------------------------------------------------------------------------------
    async def make_film(self) -> TaskRecord | None:
        """Stitch the chosen takes (progress and Cancel below the buttons); the film joins the library."""
        seq, eng = self.sequence(), self.engine
        if seq is None or eng is None or self.rendering is not None:
            return None
        cancel = threading.Event()
        self.rendering = cancel
        self.error.hide()
        self.done_row.hide()
        self.film_bar.setValue(0)
        self.film_cancel.setEnabled(True)
        self.film_row.show()
        self.film_button.setEnabled(False)
        self._fit()
        from ..media.probe import MediaError
        from ..media.stitch import StitchCanceled
        try:
            rec = await film.render(eng, seq.id, progress=self.film_progress.emit, cancel=cancel)
        except StitchCanceled:
            self._said(self.tr("Canceled: no film was made."))
            return None
        except (film.FilmError, MediaError, ValueError, OSError) as e:
            self._fail(str(e))
            return None
        finally:
            self.rendering = None
            self.film_row.hide()
            self.film_button.setEnabled(bool(self.rows))
        self.last_film = rec
        self.film_bar.setValue(100)
        self._said(self.tr("Film saved: %1").replace("%1", Path(rec.output_path or "").name), rec.output_path,
                   playable=True)
        return rec

    def _progress(self, fraction: float) -> None:
        self.film_bar.setValue(round(max(0.0, min(1.0, fraction)) * 100))

    def cancel_film(self) -> None:
        if self.rendering is not None:
            self.rendering.set()
            self.film_cancel.setEnabled(False)

    # -- export ----------------------------------------------------------------------------------------
    async def export_target(self, fmt: str) -> Path | None:
        """Where to write: a file (asked), or for a 剪映 draft its drafts folder (asked when not found)."""
        seq = self.sequence()
        if seq is None:
            return None
        dlg = QFileDialog(self)
        dlg.setObjectName("exportDialog")
        dlg.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        start = Path(self.session.config.out_dir)
        if fmt == "jianying":
            found = jianying_drafts()
            if found is not None:
                dlg.deleteLater()
                return found
            dlg.setWindowTitle(self.tr("Choose the 剪映 drafts folder"))
            dlg.setFileMode(QFileDialog.FileMode.Directory)
            dlg.setOption(QFileDialog.Option.ShowDirsOnly, True)
            dlg.setDirectory(str(start))
        else:
            names = {"otio": self.tr("OpenTimelineIO (*.otio)"), "fcpxml": self.tr("Final Cut Pro 7 XML (*.xml)"),
                     "edl": self.tr("EDL (*.edl)")}
            dlg.setWindowTitle(self.tr("Export the sequence"))
            dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dlg.setNameFilter(names[fmt])
            dlg.setDefaultSuffix(film.SUFFIX[fmt].lstrip("."))
            dlg.setDirectory(str(start))
            dlg.selectFile(f"{seq.name}{film.SUFFIX[fmt]}")
        dlg.open()
        try:
            (result,) = await wait_signal(dlg.finished)
            files = dlg.selectedFiles()
        finally:
            dlg.deleteLater()
        if result != int(QDialog.DialogCode.Accepted) or not files:
            return None
        return Path(files[0])

    async def export(self, fmt: str) -> Path | None:
        seq, eng = self.sequence(), self.engine
        if seq is None or eng is None or self.busy:
            return None
        out = await self.export_target(fmt)
        if out is None or self.engine is None:
            return None
        from ..media.probe import MediaError
        self.busy = True
        self.export_button.setEnabled(False)
        self.error.hide()
        self.done_row.hide()
        try:
            path = await asyncio.to_thread(film.export, eng, seq.id, fmt, out)
        except (film.FilmError, MediaError, ValueError, OSError, ImportError) as e:
            self._fail(str(e))
            return None
        finally:
            self.busy = False
            self.export_button.setEnabled(bool(self.rows))
        clips = sum(1 for r in self.rows if r.take is not None)
        self._said(self.tr("Exported “%1” (%2)").replace("%1", path.name)
                   .replace("%2", self.tr("1 clip") if clips == 1 else
                            self.tr("%1 clips").replace("%1", str(clips))), str(path))
        return path

    # -- saying what happened ------------------------------------------------------------------------
    def _fail(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self._fit()

    def _said(self, text: str, path: str | None = None, playable: bool = False) -> None:
        self.done_text.setText(text)
        self.done_text.setToolTip(text)
        self._done_path = path
        self.done_play.setVisible(playable)
        self.done_folder.setVisible(path is not None)
        self.done_row.show()
        self._fit()

    def _show_folder(self) -> None:
        if self._done_path:
            desktop.reveal_or_copy(self, self._done_path)

    def play(self, rec: TaskRecord | None) -> None:
        """A take (or the film) in a player window."""
        if rec is None or not rec.output_path:
            return
        if self.player is None:
            self.player = TakePlayer(self)
        row = self.shot_row()
        title = Path(rec.output_path).name
        if row is not None and rec in row.takes:
            title = self.tr("Shot %1, take %2").replace("%1", str(row.number)).replace(
                "%2", str(row.takes.index(rec) + 1))
        self.player.play(title, rec.output_path)

    def sizeHint(self) -> QSize:
        return QSize(1000, 640)

